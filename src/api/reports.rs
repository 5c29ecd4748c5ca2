//! `/api/v1/reports` (báo cáo): the yearly report of a plan's implementation over a unit
//! subtree, the province-wide roll-up, and the Word draft of an award decision — as JSON,
//! CSV, XLSX or DOCX, tagged with the version of the data so an unchanged report is a 304.
//!
//! The figures come from `domain::reports`; this module shapes them for the wire and into
//! the tables every file format shares.

use std::sync::Arc;

use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::api::documents::{AdminDocument, Block};
use crate::api::extract::Query;
use crate::api::list::check_year;
use crate::api::report_formats::{self, ChartSpec, Format, Rendered, Table, Value};
use crate::auth::{Caller, Principal, Scope, policy};
use crate::cache::Stamp;
use crate::db::AnyConnection;
use crate::domain::audit;
use crate::domain::award_types::{AwardKind, AwardLevel};
use crate::domain::criteria::CriterionSubject;
use crate::domain::decisions::{self, GrantStatus};
use crate::domain::evidence::EvidenceStatus;
use crate::domain::nominations::NominationStatus;
use crate::domain::org_units::{self, OrgUnit};
use crate::domain::plans::visible_plan;
use crate::domain::plans::{Occasion, Plan};
use crate::domain::registrations::RegistrationStatus;
use crate::domain::reports::{self, AwardTypeCount, LearningLine, RegistrationCount, UnitTotals};
use crate::domain::scoring::{CriterionRollup, EvidenceCounts, ProgressStatus};
use crate::domain::subjects::Seen;
use crate::error::ApiError;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// The year (1900–2200); this year when left out.
    pub year: Option<i32>,
    /// The root of the subtree reported on; by default your scope's root (the plan's
    /// issuer, when it lies within your scope; for admins the whole tree).
    pub unit_id: Option<String>,
    /// `json`, `csv`, `xlsx` or `docx`; takes precedence over `Accept`. Any other → 406.
    pub format: Option<String>,
}

// Wire types ----------------------------------------------------------------------------

#[derive(Debug, Serialize, ToSchema)]
pub struct UnitRef {
    pub id: String,
    pub code: String,
    pub name: String,
}

impl From<&OrgUnit> for UnitRef {
    fn from(u: &OrgUnit) -> Self {
        UnitRef {
            id: u.id.clone(),
            code: u.code.clone(),
            name: u.name.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlanRef {
    pub id: String,
    /// Number and symbol, e.g. "378/KH-UBND".
    pub number: Option<String>,
    pub issued_on: Option<NaiveDate>,
    pub title: String,
    pub issuer_id: String,
}

/// One criterion of one unit.
#[derive(Debug, Serialize, ToSchema)]
pub struct Achievement {
    pub criterion_id: String,
    pub code: String,
    pub target: Option<f64>,
    /// The value reached, from approved evidence or computed from staff.
    pub value: Option<f64>,
    pub points: f64,
    pub status: ProgressStatus,
}

/// A unit taking part: registered, or reporting evidence (its own or its staff's).
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitTakingPart {
    pub org_unit_id: String,
    pub name: String,
    pub registered: bool,
    /// Active staff of its subtree.
    pub headcount: Option<i64>,
    pub total_points: f64,
    /// Criteria whose target it reached.
    pub achieved: i64,
    pub criteria: Vec<Achievement>,
}

/// Bình dân học vụ số: staff who completed a course of the plan's criteria in the year.
#[derive(Debug, Serialize, ToSchema)]
pub struct LearningSection {
    pub headcount: i64,
    pub staff_trained: i64,
    /// Percent of the headcount; none without staff.
    pub share: Option<f64>,
    pub records: i64,
    /// Per unit of the subtree (its own staff, not its subunits').
    pub units: Vec<LearningLine>,
}

/// Headline figures.
#[derive(Debug, Serialize, ToSchema)]
pub struct Summary {
    pub units_taking_part: i64,
    pub units_registered: i64,
    pub staff_registered: i64,
    pub criteria_assessed: i64,
    pub criteria_achieved: i64,
    pub nominations: i64,
    pub awards: i64,
    /// VND.
    pub cash_amount: i64,
}

/// The yearly report of a plan's implementation (báo cáo kết quả thực hiện năm).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "plan": {"id": "019ab0a4-b000-7000-8000-000000000001", "number": "12/KH-VP", "issued_on": "2025-07-20",
        "title": "Kế hoạch tổ chức Phong trào thi đua “Bình dân học vụ số”", "issuer_id": "019ab0a4-a000-7000-8000-000000000002"},
    "year": 2026, "period_from": "2026-01-01", "period_to": "2026-12-31",
    "unit": {"id": "019ab0a4-a000-7000-8000-000000000002", "code": "NA-VP", "name": "Văn phòng UBND tỉnh"},
    "due_on": "2026-11-15", "generated_at": "2026-11-10T02:00:00Z", "data_version": 4182,
    "summary": {"units_taking_part": 2, "units_registered": 2, "staff_registered": 0, "criteria_assessed": 6,
        "criteria_achieved": 2, "nominations": 1, "awards": 1, "cash_amount": 2340000},
    "units": [], "criteria": [], "registrations": [], "evidence": {"draft": 1, "submitted": 0, "approved": 7, "rejected": 0, "returned": 0},
    "learning": {"headcount": 5, "staff_trained": 3, "share": 60.0, "records": 3, "units": []},
    "nominations": [], "awards": []
}))]
pub struct YearlyReport {
    pub plan: PlanRef,
    pub year: i32,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    /// The subtree reported on.
    pub unit: UnitRef,
    /// The day the report is due, from the plan (e.g. 15 November).
    pub due_on: Option<NaiveDate>,
    pub generated_at: DateTime<Utc>,
    /// The version of the data the figures come from; it moves with every change.
    pub data_version: i64,
    pub summary: Summary,
    /// Units taking part, in Vietnamese name order, with each criterion's achievement.
    pub units: Vec<UnitTakingPart>,
    /// Each criterion rolled up over the units.
    pub criteria: Vec<CriterionRollup>,
    /// Registrations by kind of subject and status.
    pub registrations: Vec<RegistrationCount>,
    /// Evidence of the year by status.
    pub evidence: EvidenceCounts,
    pub learning: LearningSection,
    /// Nominations of the year for subjects in the subtree, by award type, level and status.
    pub nominations: Vec<AwardTypeCount>,
    /// Awards in force for the year, by award type and level, with their cash.
    pub awards: Vec<AwardTypeCount>,
    #[serde(skip)]
    pub context: DocContext,
}

/// What the Word draft needs beside the figures.
#[derive(Debug, Default)]
pub struct DocContext {
    pub issuer_name: String,
    pub parent_name: Option<String>,
    pub place: String,
    pub report_to: Option<String>,
}

/// The province-wide roll-up of a year.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProvinceReport {
    pub year: i32,
    /// The root of the roll-up; none for the whole tree.
    pub unit: Option<UnitRef>,
    pub generated_at: DateTime<Utc>,
    pub data_version: i64,
    /// Each unit directly below the root (the tree's roots for the whole tree), with the
    /// totals of its subtree across the year's plans, in Vietnamese name order.
    pub units: Vec<reports::UnitLine>,
    /// Across the root's whole subtree (its own records included).
    pub total: UnitTotals,
    #[serde(skip)]
    pub context: DocContext,
}

// Handlers ------------------------------------------------------------------------------

/// The subtree a report covers: the unit asked for (404 when hidden), else the caller's
/// scope root — or `preferred` (a plan's issuer) when that lies within it. None: the whole
/// tree (admins).
fn report_unit(
    conn: &mut AnyConnection,
    principal: &Principal,
    unit_id: Option<&str>,
    preferred: Option<&str>,
) -> Result<Option<OrgUnit>, ApiError> {
    let find = |conn: &mut AnyConnection, id: &str| -> Result<OrgUnit, ApiError> {
        org_units::find(conn, id)?
            .filter(|u| policy::can_read_org_unit(principal, &u.path))
            .ok_or_else(|| ApiError::not_found("org unit"))
    };
    if let Some(id) = unit_id {
        return find(conn, id).map(Some);
    }
    if let Some(id) = preferred {
        let unit = org_units::find(conn, id)?.ok_or_else(|| ApiError::not_found("org unit"))?;
        if principal.scope.contains(&unit.path) {
            return Ok(Some(unit));
        }
    }
    match (&principal.scope, &principal.org_unit_id) {
        (Scope::All, _) => Ok(None),
        (Scope::Subtree(_), Some(id)) => find(conn, id).map(Some),
        _ => Err(ApiError::forbidden()),
    }
}

/// The place name of a date line: the tree's root (the province) without its body's words.
fn place_of(conn: &mut AnyConnection, path: &str) -> Result<String, ApiError> {
    let root = path.split('/').find(|s| !s.is_empty()).unwrap_or_default();
    let name = org_units::find(conn, root)?
        .map(|u| u.name)
        .unwrap_or_default();
    Ok(place_name(&name))
}

/// "Ủy ban nhân dân tỉnh Nghệ An" → "Nghệ An".
fn place_name(body: &str) -> String {
    let lower = body.to_lowercase();
    if lower.len() != body.len() {
        return body.to_string();
    }
    for marker in ["tỉnh ", "thành phố "] {
        if let Some(i) = lower.rfind(marker) {
            // Byte offsets agree: the lowercase has the same length.
            let rest = body.get(i + marker.len()..).unwrap_or_default();
            if !rest.trim().is_empty() {
                return rest.trim().to_string();
            }
        }
    }
    body.to_string()
}

fn parent_name(conn: &mut AnyConnection, unit: &OrgUnit) -> Result<Option<String>, ApiError> {
    Ok(match &unit.parent_id {
        Some(id) => org_units::find(conn, id)?.map(|u| u.name),
        None => None,
    })
}

/// A report computed, or the caller's copy still current.
enum Outcome<T> {
    Unchanged(String),
    /// Rendered for an earlier reader of the same version, parameters and scope.
    Kept(Arc<Rendered>, String),
    Fresh(Box<T>, String),
}

/// The kept rendering of a report, if an earlier reader asked for the same `etag` (which
/// names the version, the parameters and the reader's scope).
fn kept(state: &AppState, etag: &str) -> Option<Arc<Rendered>> {
    state
        .reads
        .reports
        .get(&etag.to_string(), Stamp::KEYED_BY_VERSION)
}

/// Answers a fresh rendering and keeps it for the next reader of the same version.
fn keep(state: &AppState, etag: String, rendered: Rendered) -> HttpResponse {
    let res = rendered.response(&etag);
    state
        .reads
        .reports
        .put(etag, Stamp::KEYED_BY_VERSION, Arc::new(rendered));
    res
}

fn year_or_now(year: Option<i32>) -> Result<i32, ApiError> {
    Ok(check_year(year)?.unwrap_or_else(|| crate::domain::today().year()))
}

/// The yearly report of a plan's implementation over a unit subtree (báo cáo kết quả thực
/// hiện kế hoạch năm, due before 15 November): units taking part, registrations, each
/// criterion's achievement per unit and rolled up, evidence by status, staff trained in
/// Bình dân học vụ số, nominations and awards by type and level.
///
/// As JSON, CSV (UTF-8 with BOM, Vietnamese headers, the sections one below the other),
/// XLSX (a sheet per section, header rows frozen, a chart of each criterion by unit) or a
/// Word draft in the NĐ 30/2020 layout — by `?format=`, else by `Accept`; anything else is
/// 406 naming `format` (or `Accept`). A year without data is an empty report. The `ETag`
/// follows the parameters, the format and the data's version: send it as `If-None-Match`
/// for a 304 while nothing changed. Nominations and awards are those of the year for
/// subjects in the subtree, whatever plan they came from. For admins and the officers
/// whose scope holds the unit.
#[utoipa::path(
    tag = "reports",
    security(("bearer" = [])),
    params(("plan_id" = String, Path, description = "Plan id"), ReportQuery,
        ("If-None-Match" = Option<String>, Header, description = "The ETag of the copy you hold")),
    responses(
        (status = 200, description = "The report", headers(("ETag" = String)), content(
            (YearlyReport = "application/json"),
            (String = "text/csv", example = "\u{feff}Đơn vị tham gia\nSTT,Đơn vị,Đã đăng ký,Số CBCCVC,Tổng điểm,Số chỉ tiêu đạt\n1,Phòng Hành chính – Tổ chức,Có,2,13,1\n"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        )),
        (status = 304, description = "Not modified: `If-None-Match` names the current ETag"),
        (status = 403, description = "Reports are for admins, officers, and service clients with reports:read"),
        (status = 404, description = "No such plan or unit, or not visible to you"),
        (status = 406, description = "An unknown `format`, or an `Accept` naming no format we produce"),
        (status = 422, description = "The year is out of range"),
    )
)]
#[get("/plans/{plan_id}/yearly")]
pub async fn yearly(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    plan_id: web::Path<String>,
    Query(query): Query<ReportQuery>,
) -> Result<HttpResponse, ApiError> {
    let principal = policy::report_reader(&caller)?;
    let format = Format::negotiate(&req, query.format.as_deref())?;
    let year = year_or_now(query.year)?;
    let held = report_formats::if_none_match(&req);
    let shared = state.clone();
    let outcome = super::run(&state.pool, move |conn| {
        audit::sealed_snapshot(conn, |conn| {
            let (plan, issuer_path) = visible_plan(conn, &principal, &plan_id)?;
            let unit = report_unit(
                conn,
                &principal,
                query.unit_id.as_deref(),
                Some(&plan.issuer_id),
            )?
            .map_or_else(
                || {
                    org_units::find(conn, &plan.issuer_id)?
                        .ok_or_else(|| ApiError::not_found("org unit"))
                },
                Ok,
            )?;
            policy::ensure(policy::can_read_reports(&principal, &unit.path))?;
            let version = audit::data_version(conn)?;
            // Statuses (stale, pending) are judged as of today: a new day is a new report.
            let today = crate::domain::today();
            let etag = report_formats::report_etag(
                &[
                    "yearly",
                    &today.to_string(),
                    &plan.id,
                    &year.to_string(),
                    &unit.id,
                    format.name(),
                    &format!("{:?}", principal.scope),
                ],
                version,
            );
            if report_formats::held(&held, &etag) {
                return Ok(Outcome::Unchanged(etag));
            }
            if let Some(rendered) = kept(&shared, &etag) {
                return Ok(Outcome::Kept(rendered, etag));
            }
            let figures = reports::yearly(
                conn,
                &plan,
                &issuer_path,
                &unit.path,
                year,
                Seen::from(policy::staff_visibility(&principal)),
                today,
            )?;
            let context = DocContext {
                issuer_name: unit.name.clone(),
                parent_name: parent_name(conn, &unit)?,
                place: place_of(conn, &unit.path)?,
                report_to: plan.report_to.clone(),
            };
            Ok(Outcome::Fresh(
                Box::new(yearly_report(&plan, &unit, year, version, figures, context)),
                etag,
            ))
        })
    })
    .await?;
    let (report, etag) = match outcome {
        Outcome::Unchanged(etag) => return Ok(report_formats::unchanged(&etag)),
        Outcome::Kept(rendered, etag) => return Ok(rendered.response(&etag)),
        Outcome::Fresh(r, etag) => (r, etag),
    };
    let tables = yearly_tables(&report);
    let name = format!(
        "bao-cao-{}-{}.{}",
        report.unit.code,
        year,
        format.extension()
    );
    let rendered = render(
        format,
        &name,
        &*report,
        &tables,
        || yearly_document(&report, tables.clone()),
        &yearly_charts(&report),
    )?;
    Ok(keep(&state, etag, rendered))
}

/// A report in its format.
fn render<T: Serialize>(
    format: Format,
    file_name: &str,
    json: &T,
    tables: &[Table],
    document: impl FnOnce() -> AdminDocument,
    charts: &[ChartSpec],
) -> Result<Rendered, ApiError> {
    let (content_type, body, name) = match format {
        Format::Json => (
            "application/json",
            serde_json::to_vec(json).map_err(ApiError::internal)?,
            None,
        ),
        Format::Csv => (
            report_formats::CSV,
            report_formats::csv(tables)?,
            Some(file_name),
        ),
        Format::Xlsx => (
            report_formats::XLSX,
            report_formats::xlsx(tables, charts, "Biểu đồ")?,
            Some(file_name),
        ),
        Format::Docx => (
            report_formats::DOCX,
            crate::api::documents::docx(&document())?,
            Some(file_name),
        ),
    };
    Ok(Rendered {
        content_type,
        file_name: name.map(str::to_string),
        body: body.into(),
    })
}

fn yearly_report(
    plan: &Plan,
    unit: &OrgUnit,
    year: i32,
    data_version: i64,
    f: reports::YearlyFigures,
    context: DocContext,
) -> YearlyReport {
    let (period_from, period_to) = crate::domain::year_range(year).unwrap_or_default();
    let units: Vec<UnitTakingPart> = f
        .units
        .iter()
        .map(|r| UnitTakingPart {
            org_unit_id: r.org_unit_id.clone(),
            name: r.name.clone(),
            registered: r.registered,
            headcount: r.headcount,
            total_points: r.total_points,
            achieved: r.achieved,
            criteria: r
                .cells
                .iter()
                .map(|c| Achievement {
                    criterion_id: c.criterion_id.clone(),
                    code: c.code.clone(),
                    target: c.target,
                    value: c.value,
                    points: c.points,
                    status: c.status,
                })
                .collect(),
        })
        .collect();
    let count = |subject: CriterionSubject| {
        f.registrations
            .iter()
            .filter(|r| r.subject == subject && r.status == RegistrationStatus::Active)
            .map(|r| r.count)
            .sum::<i64>()
    };
    let headcount: i64 = f.learning.iter().map(|l| l.headcount).sum();
    let staff_trained: i64 = f.learning.iter().map(|l| l.staff_trained).sum();
    let summary = Summary {
        units_taking_part: units.len() as i64,
        units_registered: count(CriterionSubject::Collective),
        staff_registered: count(CriterionSubject::Individual),
        criteria_assessed: units.iter().map(|u| u.criteria.len() as i64).sum(),
        criteria_achieved: units.iter().map(|u| u.achieved).sum(),
        nominations: f.nominations.iter().map(|n| n.count).sum(),
        awards: f.awards.iter().map(|a| a.count).sum(),
        cash_amount: f.awards.iter().filter_map(|a| a.cash_amount).sum(),
    };
    YearlyReport {
        plan: PlanRef {
            id: plan.id.clone(),
            number: plan.number.clone(),
            issued_on: plan.issued_on,
            title: plan.title.clone(),
            issuer_id: plan.issuer_id.clone(),
        },
        year,
        period_from,
        period_to,
        unit: UnitRef::from(unit),
        due_on: plan
            .report_month
            .zip(plan.report_day)
            .and_then(|(m, d)| NaiveDate::from_ymd_opt(year, m as u32, d as u32)),
        generated_at: Utc::now(),
        data_version,
        summary,
        units,
        criteria: f.rollup,
        registrations: f.registrations,
        evidence: f.evidence,
        learning: LearningSection {
            headcount,
            staff_trained,
            share: crate::domain::scoring::staff_share(staff_trained as usize, headcount as usize),
            records: f.learning.iter().map(|l| l.records).sum(),
            units: f.learning,
        },
        nominations: f.nominations,
        awards: f.awards,
        context,
    }
}

// Vietnamese labels ----------------------------------------------------------------------

fn progress_label(s: ProgressStatus) -> &'static str {
    match s {
        ProgressStatus::Achieved => "Đạt",
        ProgressStatus::InProgress => "Đang thực hiện",
        ProgressStatus::Pending => "Chờ duyệt",
        ProgressStatus::NotStarted => "Chưa thực hiện",
    }
}

fn subject_label(s: CriterionSubject) -> &'static str {
    match s {
        CriterionSubject::Collective => "Tập thể",
        CriterionSubject::Individual => "Cá nhân",
    }
}

fn registration_label(s: RegistrationStatus) -> &'static str {
    match s {
        RegistrationStatus::Active => "Đang hiệu lực",
        RegistrationStatus::Withdrawn => "Đã rút",
    }
}

fn kind_label(k: AwardKind) -> &'static str {
    match k {
        AwardKind::Title => "Danh hiệu thi đua",
        AwardKind::Form => "Hình thức khen thưởng",
    }
}

fn level_label(l: AwardLevel) -> &'static str {
    match l {
        AwardLevel::Grassroots => "Cơ sở",
        AwardLevel::Province => "Cấp tỉnh",
        AwardLevel::State => "Nhà nước",
    }
}

fn nomination_label(s: NominationStatus) -> &'static str {
    match s {
        NominationStatus::Draft => "Đang soạn",
        NominationStatus::Submitted => "Đã trình",
        NominationStatus::Returned => "Trả lại",
        NominationStatus::CouncilReview => "Chờ Hội đồng xét",
        NominationStatus::Disclosed => "Đang công khai",
        NominationStatus::Approved => "Hội đồng thông qua",
        NominationStatus::Rejected => "Không được chấp thuận",
        NominationStatus::Decided => "Đã có quyết định",
    }
}

/// Evidence statuses with their labels, in workflow order (withdrawn evidence is not counted).
fn evidence_lines(e: &EvidenceCounts) -> [(&'static str, EvidenceStatus, i64); 5] {
    [
        ("Đang soạn", EvidenceStatus::Draft, e.draft),
        ("Đã nộp, chờ duyệt", EvidenceStatus::Submitted, e.submitted),
        ("Đã duyệt", EvidenceStatus::Approved, e.approved),
        ("Bị từ chối", EvidenceStatus::Rejected, e.rejected),
        ("Trả lại bổ sung", EvidenceStatus::Returned, e.returned),
    ]
}

fn yes_no(v: bool) -> &'static str {
    if v { "Có" } else { "Không" }
}

// Tables ---------------------------------------------------------------------------------

pub const SHEET_SUMMARY: &str = "Tổng hợp";
pub const SHEET_UNITS: &str = "Đơn vị tham gia";
pub const SHEET_MATRIX: &str = "Kết quả theo đơn vị";
pub const SHEET_DETAIL: &str = "Chi tiết chỉ tiêu";
pub const SHEET_CRITERIA: &str = "Tổng hợp chỉ tiêu";
pub const SHEET_REGISTRATIONS: &str = "Đăng ký thi đua";
pub const SHEET_EVIDENCE: &str = "Minh chứng";
pub const SHEET_LEARNING: &str = "Bình dân học vụ số";
pub const SHEET_NOMINATIONS: &str = "Đề nghị khen thưởng";
pub const SHEET_AWARDS: &str = "Khen thưởng";

fn table(sheet: &'static str, title: &str, headers: &[&str], rows: Vec<Vec<Value>>) -> Table {
    Table {
        sheet,
        title: title.to_string(),
        headers: headers.iter().map(|h| h.to_string()).collect(),
        rows,
    }
}

/// The sections of the yearly report as tables, in the order of the document.
fn yearly_tables(r: &YearlyReport) -> Vec<Table> {
    let s = &r.summary;
    let summary = table(
        SHEET_SUMMARY,
        "Tổng hợp",
        &["Chỉ số", "Giá trị"],
        vec![
            vec!["Kế hoạch".into(), plan_name(&r.plan).into()],
            vec!["Năm".into(), i64::from(r.year).into()],
            vec!["Đơn vị báo cáo".into(), r.unit.name.clone().into()],
            vec!["Số đơn vị tham gia".into(), s.units_taking_part.into()],
            vec![
                "Số đơn vị đăng ký thi đua".into(),
                s.units_registered.into(),
            ],
            vec![
                "Số cá nhân đăng ký thi đua".into(),
                s.staff_registered.into(),
            ],
            vec![
                "Số lượt chỉ tiêu được đánh giá".into(),
                s.criteria_assessed.into(),
            ],
            vec!["Số lượt chỉ tiêu đạt".into(), s.criteria_achieved.into()],
            vec!["Số CBCCVC".into(), r.learning.headcount.into()],
            vec![
                "Số CBCCVC hoàn thành Bình dân học vụ số".into(),
                r.learning.staff_trained.into(),
            ],
            vec!["Số đề nghị khen thưởng".into(), s.nominations.into()],
            vec!["Số khen thưởng".into(), s.awards.into()],
            vec!["Tổng tiền thưởng (đồng)".into(), s.cash_amount.into()],
            vec![
                "Thời điểm lập".into(),
                r.generated_at
                    .format("%Y-%m-%d %H:%M:%S UTC")
                    .to_string()
                    .into(),
            ],
            vec!["Phiên bản dữ liệu".into(), r.data_version.into()],
        ],
    );
    let units = table(
        SHEET_UNITS,
        "Đơn vị tham gia",
        &[
            "STT",
            "Đơn vị",
            "Đã đăng ký",
            "Số CBCCVC",
            "Tổng điểm",
            "Số chỉ tiêu đạt",
        ],
        r.units
            .iter()
            .enumerate()
            .map(|(i, u)| {
                vec![
                    (i as i64 + 1).into(),
                    u.name.clone().into(),
                    yes_no(u.registered).into(),
                    u.headcount.into(),
                    u.total_points.into(),
                    u.achieved.into(),
                ]
            })
            .collect(),
    );
    // One column per collective criterion: the value each unit reached (the chart's data).
    let codes: Vec<(String, String)> = r
        .criteria
        .iter()
        .filter(|c| c.subject == CriterionSubject::Collective)
        .map(|c| (c.criterion_id.clone(), format!("{} – {}", c.code, c.title)))
        .collect();
    let mut matrix = Table {
        sheet: SHEET_MATRIX,
        title: "Kết quả thực hiện chỉ tiêu theo đơn vị".into(),
        headers: std::iter::once("Đơn vị".to_string())
            .chain(codes.iter().map(|c| c.1.clone()))
            .collect(),
        rows: Vec::new(),
    };
    for u in &r.units {
        let mut row: Vec<Value> = vec![u.name.clone().into()];
        for (id, _) in &codes {
            row.push(
                u.criteria
                    .iter()
                    .find(|c| &c.criterion_id == id)
                    .and_then(|c| c.value)
                    .into(),
            );
        }
        matrix.rows.push(row);
    }
    let detail = table(
        SHEET_DETAIL,
        "Chi tiết chỉ tiêu theo đơn vị",
        &[
            "Đơn vị",
            "Mã",
            "Chỉ tiêu",
            "Mục tiêu",
            "Đạt được",
            "Điểm",
            "Kết quả",
        ],
        r.units
            .iter()
            .flat_map(|u| {
                u.criteria.iter().map(|c| {
                    let title = r
                        .criteria
                        .iter()
                        .find(|x| x.criterion_id == c.criterion_id)
                        .map_or(String::new(), |x| x.title.clone());
                    vec![
                        u.name.clone().into(),
                        c.code.clone().into(),
                        title.into(),
                        c.target.into(),
                        c.value.into(),
                        c.points.into(),
                        progress_label(c.status).into(),
                    ]
                })
            })
            .collect(),
    );
    let criteria = table(
        SHEET_CRITERIA,
        "Tổng hợp theo chỉ tiêu",
        &[
            "Mã",
            "Chỉ tiêu",
            "Đối tượng",
            "Mục tiêu",
            "Số đơn vị",
            "Đạt",
            "Đang thực hiện",
            "Chờ duyệt",
            "Chưa thực hiện",
            "Giá trị bình quân",
        ],
        r.criteria
            .iter()
            .map(|c| {
                vec![
                    c.code.clone().into(),
                    c.title.clone().into(),
                    subject_label(c.subject).into(),
                    c.target.into(),
                    c.units.into(),
                    c.achieved.into(),
                    c.in_progress.into(),
                    c.pending.into(),
                    c.not_started.into(),
                    c.mean_value.into(),
                ]
            })
            .collect(),
    );
    let registrations = table(
        SHEET_REGISTRATIONS,
        "Đăng ký thi đua",
        &["Đối tượng", "Trạng thái", "Số lượng"],
        r.registrations
            .iter()
            .map(|c| {
                vec![
                    subject_label(c.subject).into(),
                    registration_label(c.status).into(),
                    c.count.into(),
                ]
            })
            .collect(),
    );
    let evidence = table(
        SHEET_EVIDENCE,
        "Minh chứng theo trạng thái",
        &["Trạng thái", "Số lượng"],
        evidence_lines(&r.evidence)
            .iter()
            .map(|(label, _, n)| vec![(*label).into(), (*n).into()])
            .collect(),
    );
    let mut learning_rows: Vec<Vec<Value>> = r
        .learning
        .units
        .iter()
        .map(|l| {
            vec![
                l.name.clone().into(),
                l.headcount.into(),
                l.staff_trained.into(),
                crate::domain::scoring::staff_share(l.staff_trained as usize, l.headcount as usize)
                    .into(),
                l.records.into(),
            ]
        })
        .collect();
    learning_rows.push(vec![
        "Tổng cộng".into(),
        r.learning.headcount.into(),
        r.learning.staff_trained.into(),
        r.learning.share.into(),
        r.learning.records.into(),
    ]);
    let learning = table(
        SHEET_LEARNING,
        "Bồi dưỡng kỹ năng số – Bình dân học vụ số",
        &[
            "Đơn vị",
            "Số CBCCVC",
            "Đã hoàn thành",
            "Tỷ lệ (%)",
            "Số chứng nhận",
        ],
        learning_rows,
    );
    let nominations = table(
        SHEET_NOMINATIONS,
        "Đề nghị khen thưởng",
        &[
            "Danh hiệu, hình thức",
            "Loại",
            "Cấp",
            "Trạng thái",
            "Số lượng",
        ],
        r.nominations
            .iter()
            .map(|n| {
                vec![
                    n.award_type_name.clone().into(),
                    kind_label(n.kind).into(),
                    level_label(n.level).into(),
                    n.status.map(nomination_label).into(),
                    n.count.into(),
                ]
            })
            .collect(),
    );
    let awards = table(
        SHEET_AWARDS,
        "Kết quả khen thưởng",
        &[
            "Danh hiệu, hình thức",
            "Loại",
            "Cấp",
            "Số lượng",
            "Tiền thưởng (đồng)",
        ],
        r.awards
            .iter()
            .map(|a| {
                vec![
                    a.award_type_name.clone().into(),
                    kind_label(a.kind).into(),
                    level_label(a.level).into(),
                    a.count.into(),
                    a.cash_amount.into(),
                ]
            })
            .collect(),
    );
    vec![
        summary,
        units,
        matrix,
        detail,
        criteria,
        registrations,
        evidence,
        learning,
        nominations,
        awards,
    ]
}

/// A chart per collective criterion: its value in each unit.
fn yearly_charts(r: &YearlyReport) -> Vec<ChartSpec> {
    let value_cols = r
        .criteria
        .iter()
        .filter(|c| c.subject == CriterionSubject::Collective)
        .enumerate()
        .map(|(i, c)| {
            let target = c
                .target
                .map(|t| format!(" (mục tiêu {})", Value::Number(t).text()))
                .unwrap_or_default();
            (i as u16 + 1, format!("{} – {}{target}", c.code, c.title))
        })
        .collect();
    vec![ChartSpec {
        table: SHEET_MATRIX,
        category_col: 0,
        value_cols,
        y_axis: "Giá trị đạt được",
    }]
}

fn plan_name(p: &PlanRef) -> String {
    match &p.number {
        Some(n) => format!("{} ({n})", p.title),
        None => p.title.clone(),
    }
}

const ROMAN: [&str; 12] = [
    "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII",
];

/// The sections as numbered headings, each over its table.
fn sections(tables: Vec<Table>) -> Vec<Block> {
    tables
        .into_iter()
        .enumerate()
        .flat_map(|(i, t)| {
            [
                Block::Heading(format!(
                    "{}. {}",
                    ROMAN.get(i).copied().unwrap_or(""),
                    t.title
                )),
                Block::Table(t),
            ]
        })
        .collect()
}

fn yearly_document(r: &YearlyReport, tables: Vec<Table>) -> AdminDocument {
    let c = &r.context;
    let plan = match (&r.plan.number, r.plan.issued_on) {
        (Some(n), Some(d)) => format!("Kế hoạch số {n} ngày {}", d.format("%d/%m/%Y")),
        (Some(n), None) => format!("Kế hoạch số {n}"),
        _ => "Kế hoạch".to_string(),
    };
    let mut body = vec![Block::Text(format!(
        "Thực hiện {plan} về việc {}, {} báo cáo kết quả thực hiện năm {} (số liệu từ ngày {} đến ngày {}, tổng hợp lúc {}) như sau:",
        lowercase_first(&r.plan.title),
        c.issuer_name,
        r.year,
        r.period_from.format("%d/%m/%Y"),
        r.period_to.format("%d/%m/%Y"),
        r.generated_at.format("%H:%M ngày %d/%m/%Y (UTC)"),
    ))];
    body.extend(sections(tables));
    AdminDocument {
        parent_body: c.parent_name.clone(),
        issuer: c.issuer_name.clone(),
        number: "Số:         /BC".into(),
        place: c.place.clone(),
        date: None,
        kind: "Báo cáo".into(),
        summary: format!("Kết quả thực hiện {plan} năm {}", r.year),
        authority: None,
        body,
        recipients: c.report_to.iter().cloned().collect(),
        signer_position: "Thủ trưởng đơn vị".into(),
        signer_name: String::new(),
    }
}

fn lowercase_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

// The province-wide roll-up ---------------------------------------------------------------

/// The province-wide roll-up of a year for officers: for each unit directly below your
/// scope's root (the tree's roots for admins), the totals of its subtree across the year's
/// plans — units and staff registered, criteria assessed and achieved (by each plan's
/// scoring), evidence by status, staff and those trained in Bình dân học vụ số,
/// nominations, awards and their cash — and the total. Formats, ETag and 304 as for the
/// yearly report.
#[utoipa::path(
    tag = "reports",
    security(("bearer" = [])),
    params(ReportQuery,
        ("If-None-Match" = Option<String>, Header, description = "The ETag of the copy you hold")),
    responses(
        (status = 200, description = "The roll-up", headers(("ETag" = String)), content(
            (ProvinceReport = "application/json"),
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        )),
        (status = 304, description = "Not modified: `If-None-Match` names the current ETag"),
        (status = 403, description = "Reports are for admins, officers, and service clients with reports:read"),
        (status = 404, description = "No such unit, or not visible to you"),
        (status = 406, description = "An unknown `format`, or an `Accept` naming no format we produce"),
        (status = 422, description = "The year is out of range"),
    )
)]
#[get("/province")]
pub async fn province(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    Query(query): Query<ReportQuery>,
) -> Result<HttpResponse, ApiError> {
    let principal = policy::report_reader(&caller)?;
    let format = Format::negotiate(&req, query.format.as_deref())?;
    let year = year_or_now(query.year)?;
    let held = report_formats::if_none_match(&req);
    let shared = state.clone();
    let outcome = super::run(&state.pool, move |conn| {
        audit::sealed_snapshot(conn, |conn| {
            let root = report_unit(conn, &principal, query.unit_id.as_deref(), None)?;
            let root_path = root.as_ref().map_or("/".to_string(), |u| u.path.clone());
            policy::ensure(policy::can_read_reports(&principal, &root_path))?;
            let version = audit::data_version(conn)?;
            // Statuses (stale, pending) are judged as of today: a new day is a new report.
            let today = crate::domain::today();
            let etag = report_formats::report_etag(
                &[
                    "province",
                    &today.to_string(),
                    &year.to_string(),
                    &root_path,
                    format.name(),
                    &format!("{:?}", principal.scope),
                ],
                version,
            );
            if report_formats::held(&held, &etag) {
                return Ok(Outcome::Unchanged(etag));
            }
            if let Some(rendered) = kept(&shared, &etag) {
                return Ok(Outcome::Kept(rendered, etag));
            }
            let units = reports::units_below(conn, root.as_ref().map(|u| u.id.as_str()))?;
            let (lines, total) = reports::province(
                conn,
                &root_path,
                &units,
                year,
                Seen::from(policy::staff_visibility(&principal)),
                |issuer_path| policy::can_read_plan(&principal, issuer_path),
                today,
            )?;
            let context = match &root {
                Some(u) => DocContext {
                    issuer_name: u.name.clone(),
                    parent_name: parent_name(conn, u)?,
                    place: place_of(conn, &u.path)?,
                    report_to: None,
                },
                None => DocContext {
                    issuer_name: units.first().map(|u| u.name.clone()).unwrap_or_default(),
                    parent_name: None,
                    place: units
                        .first()
                        .map(|u| place_name(&u.name))
                        .unwrap_or_default(),
                    report_to: None,
                },
            };
            Ok(Outcome::Fresh(
                Box::new(ProvinceReport {
                    year,
                    unit: root.as_ref().map(UnitRef::from),
                    generated_at: Utc::now(),
                    data_version: version,
                    units: lines,
                    total,
                    context,
                }),
                etag,
            ))
        })
    })
    .await?;
    let (report, etag) = match outcome {
        Outcome::Unchanged(etag) => return Ok(report_formats::unchanged(&etag)),
        Outcome::Kept(rendered, etag) => return Ok(rendered.response(&etag)),
        Outcome::Fresh(r, etag) => (r, etag),
    };
    let tables = province_tables(&report);
    let name = format!("bao-cao-tong-hop-{year}.{}", format.extension());
    let rendered = render(
        format,
        &name,
        &*report,
        &tables,
        || province_document(&report, tables.clone()),
        &[],
    )?;
    Ok(keep(&state, etag, rendered))
}

pub const SHEET_PROVINCE: &str = "Tổng hợp theo đơn vị";

fn province_tables(r: &ProvinceReport) -> Vec<Table> {
    let line = |name: &str, t: &UnitTotals| -> Vec<Value> {
        vec![
            name.to_string().into(),
            t.plans.into(),
            t.units_registered.into(),
            t.staff_registered.into(),
            t.criteria_assessed.into(),
            t.criteria_achieved.into(),
            t.evidence.approved.into(),
            t.evidence.submitted.into(),
            t.headcount.into(),
            t.staff_trained.into(),
            t.nominations.into(),
            t.awards.into(),
            t.cash_amount.into(),
        ]
    };
    let mut rows: Vec<Vec<Value>> = r.units.iter().map(|u| line(&u.name, &u.totals)).collect();
    rows.push(line("Tổng cộng", &r.total));
    vec![table(
        SHEET_PROVINCE,
        &format!("Tổng hợp kết quả thi đua, khen thưởng năm {}", r.year),
        &[
            "Đơn vị",
            "Số kế hoạch",
            "Tập thể đăng ký",
            "Cá nhân đăng ký",
            "Lượt chỉ tiêu đánh giá",
            "Lượt chỉ tiêu đạt",
            "Minh chứng đã duyệt",
            "Minh chứng chờ duyệt",
            "Số CBCCVC",
            "Hoàn thành Bình dân học vụ số",
            "Đề nghị khen thưởng",
            "Khen thưởng",
            "Tiền thưởng (đồng)",
        ],
        rows,
    )]
}

fn province_document(r: &ProvinceReport, tables: Vec<Table>) -> AdminDocument {
    let c = &r.context;
    let mut body = vec![Block::Text(format!(
        "{} báo cáo tổng hợp kết quả công tác thi đua, khen thưởng năm {} của các đơn vị trực thuộc (tổng hợp lúc {}) như sau:",
        c.issuer_name,
        r.year,
        r.generated_at.format("%H:%M ngày %d/%m/%Y (UTC)"),
    ))];
    body.extend(sections(tables));
    AdminDocument {
        parent_body: c.parent_name.clone(),
        issuer: c.issuer_name.clone(),
        number: "Số:         /BC".into(),
        place: c.place.clone(),
        date: None,
        kind: "Báo cáo".into(),
        summary: format!(
            "Tổng hợp kết quả công tác thi đua, khen thưởng năm {}",
            r.year
        ),
        authority: None,
        body,
        recipients: Vec::new(),
        signer_position: "Thủ trưởng đơn vị".into(),
        signer_name: String::new(),
    }
}

// The decision's Word draft ------------------------------------------------------------------

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DocumentQuery {
    /// The place name of the date line; by default the province of the issuing unit.
    pub place: Option<String>,
}

/// The phrase of an occasion in a decision's summary.
fn occasion_phrase(occasion: Occasion, year: i32, from: NaiveDate, to: NaiveDate) -> String {
    match occasion {
        Occasion::Annual => format!("thành tích năm {year}"),
        Occasion::Interim => format!("sơ kết giai đoạn {}–{}", from.year(), to.year()),
        Occasion::Final => format!("tổng kết giai đoạn {}–{}", from.year(), to.year()),
        Occasion::Thematic => format!("thành tích chuyên đề năm {year}"),
        Occasion::AdHoc => format!("thành tích đột xuất năm {year}"),
    }
}

/// Get a decision as a Word draft (.docx) in the NĐ 30/2020 layout, ready to be signed: the
/// issuing body and the national motto, number and symbol, place and date, "QUYẾT ĐỊNH"
/// with its summary, the legal bases in force on the decision date, Điều 1 with every
/// awardee, their award and cash, Điều 2–3, the recipients and the signer. For the
/// officers keeping the issuing unit's awards. A revoked decision has no draft (409).
#[utoipa::path(
    tag = "award-decisions",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Decision id"), DocumentQuery,
        ("If-None-Match" = Option<String>, Header, description = "The ETag of the copy you hold")),
    responses(
        (status = 200, description = "The draft", headers(("ETag" = String)), content(
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        )),
        (status = 304, description = "Not modified: `If-None-Match` names the current ETag"),
        (status = 403, description = "Only officers of the issuing unit draft its decisions"),
        (status = 404, description = "No such decision, or not visible to you"),
        (status = 409, description = "The decision is revoked"),
    )
)]
#[get("/{id}/document")]
pub async fn decision_document(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    Query(query): Query<DocumentQuery>,
) -> Result<HttpResponse, ApiError> {
    let held = report_formats::if_none_match(&req);
    let shared = state.clone();
    let outcome = super::run(&state.pool, move |conn| {
        audit::sealed_snapshot(conn, |conn| {
            let (d, path) =
                decisions::find(conn, &id)?.ok_or_else(|| ApiError::not_found("decision"))?;
            policy::ensure_visible(policy::can_read_council(&principal, &path), "decision")?;
            policy::ensure(policy::can_draft_decision(&principal, &path))?;
            if d.status == GrantStatus::Revoked {
                return Err(ApiError::conflict(
                    "decision_revoked",
                    "The decision is revoked; there is no draft to sign.",
                ));
            }
            let version = audit::data_version(conn)?;
            let place = match &query.place {
                Some(p) => crate::text::nfc(p.trim()),
                None => place_of(conn, &path)?,
            };
            let etag = report_formats::report_etag(&["decision", &d.id, &place, "docx"], version);
            if report_formats::held(&held, &etag) {
                return Ok(Outcome::Unchanged(etag));
            }
            if let Some(rendered) = kept(&shared, &etag) {
                return Ok(Outcome::Kept(rendered, etag));
            }
            let unit = org_units::find(conn, &d.org_unit_id)?
                .ok_or_else(|| ApiError::not_found("org unit"))?;
            let awards = decisions::decision_awards(conn, &d.id)?;
            let bases = reports::legal_bases(conn, &path, d.decided_on)?;
            let mut unit_names: Vec<(String, String)> = Vec::new();
            for a in &awards {
                if !unit_names.iter().any(|u| u.0 == a.award.subject_unit_id) {
                    let name = org_units::find(conn, &a.award.subject_unit_id)?
                        .map(|u| u.name)
                        .unwrap_or_default();
                    unit_names.push((a.award.subject_unit_id.clone(), name));
                }
            }
            let unit_of = |id: &str| {
                unit_names
                    .iter()
                    .find(|u| u.0 == id)
                    .map_or(String::new(), |u| u.1.clone())
            };
            let occasion = d.occasion;
            let phrase = occasion_phrase(occasion, d.award_year, d.period_from, d.period_to);
            let rows: Vec<Vec<Value>> = awards
                .iter()
                .enumerate()
                .map(|(i, a)| {
                    vec![
                        (i as i64 + 1).into(),
                        a.award.recipient_name.clone().into(),
                        unit_of(&a.award.subject_unit_id).into(),
                        a.award_type_name.clone().into(),
                        a.award.cash_amount.into(),
                    ]
                })
                .collect();
            let cash: i64 = awards.iter().map(|a| a.award.cash_amount).sum();
            let people = awards.iter().filter(|a| a.award.staff_id.is_some()).count();
            let collectives = awards.len() - people;
            let mut body: Vec<Block> = bases
                .iter()
                .map(|b| Block::Text(format!("Căn cứ {b};")))
                .collect();
            body.push(Block::Text(format!(
                "Xét đề nghị của Hội đồng Thi đua – Khen thưởng {}.",
                unit.name
            )));
            body.push(Block::Heading("QUYẾT ĐỊNH:".into()));
            body.push(Block::Lead(
                "Điều 1.".into(),
                format!(
                    "Khen thưởng {collectives} tập thể và {people} cá nhân đã có {phrase} (danh sách dưới đây):"
                ),
            ));
            body.push(Block::Table(table(
                "Điều 1",
                "Danh sách khen thưởng",
                &["STT", "Tập thể, cá nhân", "Đơn vị", "Danh hiệu, hình thức", "Tiền thưởng (đồng)"],
                rows,
            )));
            body.push(Block::Lead(
                "Điều 2.".into(),
                format!(
                    "Kèm theo danh hiệu, hình thức khen thưởng là tiền thưởng theo quy định, tổng cộng {} đồng, chi từ Quỹ thi đua, khen thưởng của {}.",
                    Value::from(cash).text(),
                    unit.name
                ),
            ));
            body.push(Block::Lead(
                "Điều 3.".into(),
                "Quyết định này có hiệu lực kể từ ngày ký. Thủ trưởng các cơ quan, đơn vị có liên quan và các tập thể, cá nhân có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này.".into(),
            ));
            let mut recipients = vec!["Như Điều 3".to_string()];
            recipients.extend(
                unit_names
                    .iter()
                    .map(|u| u.1.clone())
                    .filter(|n| !n.is_empty() && *n != unit.name),
            );
            let document = AdminDocument {
                parent_body: parent_name(conn, &unit)?,
                issuer: unit.name.clone(),
                number: format!("Số: {}", d.number),
                place,
                date: Some(d.decided_on),
                kind: "Quyết định".into(),
                summary: format!("Về việc khen thưởng {phrase}"),
                authority: Some(d.authority.clone()),
                body,
                recipients,
                // The authority in full (e.g. "Chánh Văn phòng UBND tỉnh"): the drafter shortens it
                // where the form "TM. …" or a bare title is wanted.
                signer_position: d.authority.clone(),
                signer_name: d.signer.clone(),
            };
            Ok(Outcome::Fresh(Box::new((document, d.number.clone())), etag))
        })
    })
    .await?;
    let ((document, number), etag) = match outcome {
        Outcome::Unchanged(etag) => return Ok(report_formats::unchanged(&etag)),
        Outcome::Kept(rendered, etag) => return Ok(rendered.response(&etag)),
        Outcome::Fresh(r, etag) => (*r, etag),
    };
    let body = crate::api::documents::docx(&document)?;
    let name: String = format!("quyet-dinh-{number}.docx")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let rendered = Rendered {
        content_type: report_formats::DOCX,
        file_name: Some(name),
        body: body.into(),
    };
    Ok(keep(&state, etag, rendered))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_are_read_from_names() {
        assert_eq!(place_name("Ủy ban nhân dân tỉnh Nghệ An"), "Nghệ An");
        assert_eq!(place_name("UBND thành phố Hà Nội"), "Hà Nội");
        assert_eq!(place_name("Bộ Nội vụ"), "Bộ Nội vụ");
    }
}

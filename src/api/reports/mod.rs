//! `/api/v1/reports` (báo cáo): the yearly report of a plan's implementation over a unit
//! subtree, the province-wide roll-up, and the Word draft of an award decision — as JSON,
//! CSV, XLSX or DOCX, tagged with the version of the data so an unchanged report is a 304.
//!
//! What each report is about, who may read it and its figures come from `app::reports`
//! (over `domain::reports`). This file holds the handlers, the wire types and the one way
//! every report is answered (`answer`: snapshot, ETag, 304, kept rendering, render);
//! `tables.rs` builds the tables every file format shares, `documents.rs` the text of the
//! Word drafts.

mod documents;
mod tables;

pub use tables::{
    SHEET_AWARDS, SHEET_CRITERIA, SHEET_DETAIL, SHEET_EVIDENCE, SHEET_LEARNING, SHEET_MATRIX,
    SHEET_NOMINATIONS, SHEET_PROVINCE, SHEET_REGISTRATIONS, SHEET_SUMMARY, SHEET_UNITS,
};

use std::sync::Arc;

use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use self::documents::{decision_draft, province_document, yearly_document};
use self::tables::{province_tables, yearly_charts, yearly_tables};
use crate::AppState;
use crate::api::documents::AdminDocument;
use crate::api::extract::Query;
use crate::api::list::check_year;
use crate::api::report_formats::{self, ChartSpec, Format, Rendered, Table};
use crate::api::scores::{CriterionRollup, EvidenceCounts};
use crate::app;
use crate::app::reports::DocContext;
use crate::auth::{Caller, Principal, policy};
use crate::cache::Stamp;
use crate::db::AnyConnection;
use crate::domain::audit;
use crate::domain::award_types::{AwardKind, AwardLevel};
use crate::domain::criteria::CriterionSubject;
use crate::domain::nominations::NominationStatus;
use crate::domain::org_units::OrgUnit;
use crate::domain::plans::Plan;
use crate::domain::registrations::RegistrationStatus;
use crate::domain::reports;
use crate::domain::scoring::ProgressStatus;
use crate::error::ApiError;
use crate::ids::{DecisionId, OrgUnitId, PlanId};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// The year (1900–2200); this year when left out.
    #[param(minimum = 1900, maximum = 2200)]
    pub year: Option<i32>,
    /// The root of the subtree reported on; by default your scope's root (the plan's
    /// issuer, when it lies within your scope; for admins the whole tree).
    pub unit_id: Option<String>,
    /// `json`, `csv`, `xlsx` or `docx`; takes precedence over `Accept`. Any other → 406.
    #[param(inline, value_type = Option<Format>)]
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
            id: u.id.clone().into(),
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
    pub units: Vec<UnitLine>,
    /// Across the root's whole subtree (its own records included).
    pub total: UnitTotals,
    #[serde(skip)]
    pub context: DocContext,
}

/// Registrations of one kind of subject in one status.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct RegistrationCount {
    pub subject: CriterionSubject,
    pub status: RegistrationStatus,
    pub count: i64,
}

impl From<reports::RegistrationCount> for RegistrationCount {
    fn from(r: reports::RegistrationCount) -> Self {
        let reports::RegistrationCount {
            subject,
            status,
            count,
        } = r;
        RegistrationCount {
            subject,
            status,
            count,
        }
    }
}

/// A unit's staff and how many of them completed Bình dân học vụ số courses in the year.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LearningLine {
    pub org_unit_id: String,
    pub name: String,
    /// Active staff of the unit itself (not its subtree).
    pub headcount: i64,
    /// Staff with at least one learning record completed in the year.
    pub staff_trained: i64,
    /// Learning records completed in the year.
    pub records: i64,
    #[serde(skip)]
    pub path: String,
    #[serde(skip)]
    pub name_sort: String,
}

impl From<reports::LearningLine> for LearningLine {
    fn from(l: reports::LearningLine) -> Self {
        let reports::LearningLine {
            org_unit_id,
            name,
            headcount,
            staff_trained,
            records,
            path,
            name_sort,
        } = l;
        LearningLine {
            org_unit_id: org_unit_id.into(),
            name,
            headcount,
            staff_trained,
            records,
            path,
            name_sort,
        }
    }
}

/// Nominations or awards of one award type (and, for nominations, one status).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AwardTypeCount {
    pub award_type_code: String,
    pub award_type_name: String,
    pub kind: AwardKind,
    pub level: AwardLevel,
    /// For nominations: where they stand.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<NominationStatus>,
    pub count: i64,
    /// For awards: the cash granted with them, VND.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cash_amount: Option<i64>,
    #[serde(skip)]
    pub rank: i32,
}

impl From<reports::AwardTypeCount> for AwardTypeCount {
    fn from(a: reports::AwardTypeCount) -> Self {
        let reports::AwardTypeCount {
            award_type_code,
            award_type_name,
            kind,
            level,
            status,
            count,
            cash_amount,
            rank,
        } = a;
        AwardTypeCount {
            award_type_code,
            award_type_name,
            kind,
            level,
            status,
            count,
            cash_amount,
            rank,
        }
    }
}

/// One unit's totals across the plans of a year (its whole subtree).
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct UnitTotals {
    /// Plans with registrations or evidence in the subtree in the year.
    pub plans: i64,
    /// Units with an active collective registration.
    pub units_registered: i64,
    /// Active individual registrations.
    pub staff_registered: i64,
    /// Criteria × units on the plans' boards, and how many of them reached their target.
    pub criteria_assessed: i64,
    pub criteria_achieved: i64,
    pub evidence: EvidenceCounts,
    /// Active staff, and those who completed a Bình dân học vụ số course in the year.
    pub headcount: i64,
    pub staff_trained: i64,
    pub nominations: i64,
    pub awards: i64,
    /// VND.
    pub cash_amount: i64,
}

impl From<reports::UnitTotals> for UnitTotals {
    fn from(t: reports::UnitTotals) -> Self {
        let reports::UnitTotals {
            plans,
            units_registered,
            staff_registered,
            criteria_assessed,
            criteria_achieved,
            evidence,
            headcount,
            staff_trained,
            nominations,
            awards,
            cash_amount,
        } = t;
        UnitTotals {
            plans,
            units_registered,
            staff_registered,
            criteria_assessed,
            criteria_achieved,
            evidence: EvidenceCounts::from(evidence),
            headcount,
            staff_trained,
            nominations,
            awards,
            cash_amount,
        }
    }
}

/// A unit of the roll-up with its totals.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UnitLine {
    pub org_unit_id: String,
    pub code: String,
    pub name: String,
    pub totals: UnitTotals,
    #[serde(skip)]
    pub path: String,
}

impl From<reports::UnitLine> for UnitLine {
    fn from(l: reports::UnitLine) -> Self {
        let reports::UnitLine {
            org_unit_id,
            code,
            name,
            totals,
            path,
        } = l;
        UnitLine {
            org_unit_id: org_unit_id.into(),
            code,
            name,
            totals: UnitTotals::from(totals),
            path,
        }
    }
}

// Answering a report ----------------------------------------------------------------------

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

/// How every report is answered. On one sealed snapshot, `read` checks the caller's access
/// and, given the data's version, names the report's `ETag` and how its figures are
/// computed. A reader already holding that ETag gets a 304; a rendering kept for an earlier
/// reader of the same ETag goes out again; otherwise the figures are computed on the same
/// snapshot, rendered by `render` (in the negotiated format) and kept for the next reader.
async fn answer<T, F>(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    read: impl FnOnce(&mut AnyConnection, i64) -> Result<(String, F), ApiError> + Send + 'static,
    render: impl FnOnce(T) -> Result<Rendered, ApiError>,
) -> Result<HttpResponse, ApiError>
where
    F: FnOnce(&mut AnyConnection) -> Result<T, ApiError>,
    T: Send + 'static,
{
    let held = report_formats::if_none_match(req);
    let shared = state.clone();
    let outcome = super::run(&state.pool, move |conn| {
        audit::sealed_snapshot(conn, |conn| {
            let version = audit::data_version(conn)?;
            let (etag, figures) = read(conn, version)?;
            if report_formats::held(&held, &etag) {
                return Ok(Outcome::Unchanged(etag));
            }
            if let Some(rendered) = kept(&shared, &etag) {
                return Ok(Outcome::Kept(rendered, etag));
            }
            Ok(Outcome::Fresh(Box::new(figures(conn)?), etag))
        })
    })
    .await?;
    match outcome {
        Outcome::Unchanged(etag) => Ok(report_formats::unchanged(&etag)),
        Outcome::Kept(rendered, etag) => Ok(rendered.response(&etag)),
        Outcome::Fresh(report, etag) => Ok(keep(state, etag, render(*report)?)),
    }
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

/// A decision's draft as a .docx named after its number.
fn decision_file(document: &AdminDocument, number: &str) -> Result<Rendered, ApiError> {
    let body = crate::api::documents::docx(document)?;
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
    Ok(Rendered {
        content_type: report_formats::DOCX,
        file_name: Some(name),
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
            org_unit_id: r.org_unit_id.clone().into(),
            name: r.name.clone(),
            registered: r.registered,
            headcount: r.headcount,
            total_points: r.total_points,
            achieved: r.achieved,
            criteria: r
                .cells
                .iter()
                .map(|c| Achievement {
                    criterion_id: c.criterion_id.clone().into(),
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
            id: plan.id.clone().into(),
            number: plan.number.clone(),
            issued_on: plan.issued_on,
            title: plan.title.clone(),
            issuer_id: plan.issuer_id.clone().into(),
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
        criteria: f.rollup.into_iter().map(CriterionRollup::from).collect(),
        registrations: f
            .registrations
            .into_iter()
            .map(RegistrationCount::from)
            .collect(),
        evidence: EvidenceCounts::from(f.evidence),
        learning: LearningSection {
            headcount,
            staff_trained,
            share: crate::domain::scoring::staff_share(staff_trained as usize, headcount as usize),
            records: f.learning.iter().map(|l| l.records).sum(),
            units: f.learning.into_iter().map(LearningLine::from).collect(),
        },
        nominations: f
            .nominations
            .into_iter()
            .map(AwardTypeCount::from)
            .collect(),
        awards: f.awards.into_iter().map(AwardTypeCount::from).collect(),
        context,
    }
}

fn year_or_now(year: Option<i32>) -> Result<i32, ApiError> {
    Ok(check_year(year)?.unwrap_or_else(|| crate::domain::today().year()))
}

// Handlers ------------------------------------------------------------------------------

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
    operation_id = "getYearlyReport",
    tag = "reports",
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
    let plan_id = PlanId::from(plan_id.into_inner());
    let principal = policy::report_reader(&caller)?;
    let format = Format::negotiate(&req, query.format.as_deref())?;
    let year = year_or_now(query.year)?;
    let unit = query.unit_id.map(OrgUnitId::from);
    let read = move |conn: &mut AnyConnection, version: i64| {
        let subject = app::reports::yearly_subject(conn, &principal, &plan_id, unit.as_ref())?;
        // Statuses (stale, pending) are judged as of today: a new day is a new report.
        let today = crate::domain::today();
        let etag = report_formats::report_etag(
            &[
                "yearly",
                &today.to_string(),
                subject.plan.id.as_str(),
                &year.to_string(),
                subject.unit.id.as_str(),
                format.name(),
                &format!("{:?}", principal.scope),
            ],
            version,
        );
        let figures = move |conn: &mut AnyConnection| -> Result<YearlyReport, ApiError> {
            let (figures, context) =
                app::reports::yearly_figures(conn, &principal, &subject, year, today)?;
            Ok(yearly_report(
                &subject.plan,
                &subject.unit,
                year,
                version,
                figures,
                context,
            ))
        };
        Ok((etag, figures))
    };
    answer(&state, &req, read, |report: YearlyReport| {
        let tables = yearly_tables(&report);
        let name = format!(
            "bao-cao-{}-{}.{}",
            report.unit.code,
            year,
            format.extension()
        );
        render(
            format,
            &name,
            &report,
            &tables,
            || yearly_document(&report, tables.clone()),
            &yearly_charts(&report),
        )
    })
    .await
}

/// The province-wide roll-up of a year for officers: for each unit directly below your
/// scope's root (the tree's roots for admins), the totals of its subtree across the year's
/// plans — units and staff registered, criteria assessed and achieved (by each plan's
/// scoring), evidence by status, staff and those trained in Bình dân học vụ số,
/// nominations, awards and their cash — and the total. Formats, ETag and 304 as for the
/// yearly report.
#[utoipa::path(
    operation_id = "getProvinceReport",
    tag = "reports",
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
    let unit = query.unit_id.map(OrgUnitId::from);
    let read = move |conn: &mut AnyConnection, version: i64| {
        let subject = app::reports::province_subject(conn, &principal, unit.as_ref())?;
        // Statuses (stale, pending) are judged as of today: a new day is a new report.
        let today = crate::domain::today();
        let etag = report_formats::report_etag(
            &[
                "province",
                &today.to_string(),
                &year.to_string(),
                &subject.root_path,
                format.name(),
                &format!("{:?}", principal.scope),
            ],
            version,
        );
        let figures = move |conn: &mut AnyConnection| -> Result<ProvinceReport, ApiError> {
            let f = app::reports::province_figures(conn, &principal, &subject, year, today)?;
            Ok(ProvinceReport {
                year,
                unit: subject.root.as_ref().map(UnitRef::from),
                generated_at: Utc::now(),
                data_version: version,
                units: f.units.into_iter().map(UnitLine::from).collect(),
                total: UnitTotals::from(f.total),
                context: f.context,
            })
        };
        Ok((etag, figures))
    };
    answer(&state, &req, read, |report: ProvinceReport| {
        let tables = province_tables(&report);
        let name = format!("bao-cao-tong-hop-{year}.{}", format.extension());
        render(
            format,
            &name,
            &report,
            &tables,
            || province_document(&report, tables.clone()),
            &[],
        )
    })
    .await
}

// The decision's Word draft ------------------------------------------------------------------

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DocumentQuery {
    /// The place name of the date line; by default the province of the issuing unit.
    pub place: Option<String>,
}

/// Get a decision as a Word draft (.docx) in the NĐ 30/2020 layout, ready to be signed: the
/// issuing body and the national motto, number and symbol, place and date, "QUYẾT ĐỊNH"
/// with its summary, the legal bases in force on the decision date, Điều 1 with every
/// awardee, their award and cash, Điều 2–3, the recipients and the signer. For the
/// officers keeping the issuing unit's awards. A revoked decision has no draft (409).
#[utoipa::path(
    operation_id = "getAwardDecisionDocument",
    tag = "award-decisions",
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
    let id = DecisionId::from(id.into_inner());
    let read = move |conn: &mut AnyConnection, version: i64| {
        let place = query.place.as_deref().map(|p| crate::text::nfc(p.trim()));
        let subject = app::reports::decision_subject(conn, &principal, &id, place)?;
        let etag = report_formats::report_etag(
            &[
                "decision",
                subject.decision.id.as_str(),
                &subject.place,
                "docx",
            ],
            version,
        );
        let figures = move |conn: &mut AnyConnection| -> Result<(AdminDocument, String), ApiError> {
            let c = app::reports::decision_content(conn, &subject)?;
            let d = subject.decision;
            let document = decision_draft(
                &d,
                &c.unit,
                c.parent_name,
                subject.place,
                &c.awards,
                &c.bases,
                &c.unit_names,
            );
            Ok((document, d.number))
        };
        Ok((etag, figures))
    };
    answer(&state, &req, read, |(document, number)| {
        decision_file(&document, &number)
    })
    .await
}

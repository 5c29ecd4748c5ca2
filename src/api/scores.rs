//! Scores, progress and the stale list of a plan's year, computed from the data on every
//! request (see `domain::scoring` for the rules).

use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::api::extract::Query;
use crate::api::list::{ListParams, check_year};
use crate::app;
use crate::auth::Principal;
use crate::domain::criteria::{CriterionSubject, Frequency, Measure};
use crate::domain::scoring::{self, PointsSource, ProgressStatus, Staleness, rollup};
use crate::error::ApiError;
use crate::ids::{OrgUnitId, PlanId};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// The year (required).
    #[param(minimum = 1900, maximum = 2200, required = true)]
    pub year: Option<i32>,
    /// Collective subjects (units, the default) or individual ones (staff).
    pub subject: Option<CriterionSubject>,
    /// Only subjects in this unit's subtree.
    pub org_unit_id: Option<String>,
}

fn required_year(year: Option<i32>) -> Result<i32, ApiError> {
    check_year(year)?.ok_or_else(|| ApiError::invalid("year", "required", "give the year"))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ScoreBoard {
    pub plan_id: String,
    pub year: i32,
    pub subject: CriterionSubject,
    pub generated_at: DateTime<Utc>,
    /// Subjects (registered, or with evidence) you may see, in Vietnamese name order.
    pub items: Vec<SubjectRow>,
    /// All matching subjects, across pages.
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

/// Scores of a plan's year: per subject and criterion, the value achieved from approved
/// evidence, the points (capped at the criterion's maximum), and the self-assessed score
/// beside the reviewed one.
#[utoipa::path(
    operation_id = "getPlanScores",
    tag = "scores",
    params(("id" = String, Path, description = "Plan id"), YearQuery, ListParams),
    responses(
        (status = 200, description = "The score board: each subject, its points per criterion and total", body = ScoreBoard),
        (status = 404, description = "No such plan, or not visible to you"),
        (status = 422, description = "The year is missing or out of range, or the unit is not in your scope"),
    )
)]
#[get("/{id}/scores")]
pub async fn scores(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    Query(query): Query<YearQuery>,
    Query(params): Query<ListParams>,
) -> Result<HttpResponse, ApiError> {
    let id = PlanId::from(id.into_inner());
    let year = required_year(query.year)?;
    let unit = query.org_unit_id.map(OrgUnitId::from);
    let page = params.page()?;
    let kind = query.subject.unwrap_or(CriterionSubject::Collective);
    let (plan, rows) = super::read(&state.pool, move |conn| {
        app::scores::board(conn, &principal, &id, year, kind, unit.as_ref())
    })
    .await?;
    let total = rows.len() as i64;
    let items = rows
        .into_iter()
        .skip(page.offset() as usize)
        .take(page.per_page as usize)
        .map(SubjectRow::from)
        .collect();
    Ok(HttpResponse::Ok().json(ScoreBoard {
        plan_id: plan.id.into(),
        year,
        subject: kind,
        generated_at: Utc::now(),
        items,
        total,
        page: page.page,
        per_page: page.per_page,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlanProgress {
    pub plan_id: String,
    pub year: i32,
    pub generated_at: DateTime<Utc>,
    /// Each unit you may see, with every criterion's target, value, status and staleness;
    /// individual criteria as the share of the unit's staff who reached them.
    pub units: Vec<SubjectRow>,
    /// Every criterion over all those units.
    pub rollup: Vec<CriterionRollup>,
}

/// Progress of a plan's year: each unit's criteria with target, value, status and
/// staleness, and the roll-up of each criterion over the units.
#[utoipa::path(
    operation_id = "getPlanProgress",
    tag = "scores",
    params(("id" = String, Path, description = "Plan id"), YearQuery),
    responses(
        (status = 200, description = "The plan's progress by unit and criterion", body = PlanProgress),
        (status = 404, description = "No such plan, or not visible to you"),
        (status = 422, description = "The year is missing or out of range, or the unit is not in your scope"),
    )
)]
#[get("/{id}/progress")]
pub async fn plan_progress(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    Query(query): Query<YearQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = PlanId::from(id.into_inner());
    let year = required_year(query.year)?;
    let unit = query.org_unit_id.map(OrgUnitId::from);
    let (plan, rows) = super::read(&state.pool, move |conn| {
        app::scores::board(
            conn,
            &principal,
            &id,
            year,
            CriterionSubject::Collective,
            unit.as_ref(),
        )
    })
    .await?;
    Ok(HttpResponse::Ok().json(PlanProgress {
        plan_id: plan.id.into(),
        year,
        generated_at: Utc::now(),
        rollup: rollups(&rows),
        units: rows.into_iter().map(SubjectRow::from).collect(),
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnitProgressQuery {
    /// The plan (required).
    pub plan: Option<String>,
    /// The year (required).
    #[param(minimum = 1900, maximum = 2200, required = true)]
    pub year: Option<i32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnitProgress {
    pub plan_id: String,
    pub year: i32,
    pub generated_at: DateTime<Utc>,
    /// The unit itself: its criteria, and its staff's shares of the individual ones.
    pub unit: SubjectRow,
    /// The units of its subtree (itself included) with registration or evidence.
    pub units: Vec<SubjectRow>,
    /// Every criterion over those units.
    pub rollup: Vec<CriterionRollup>,
}

/// Progress of one unit in a plan's year, and the roll-up over its subtree.
#[utoipa::path(
    operation_id = "getOrgUnitProgress",
    tag = "scores",
    params(("id" = String, Path, description = "Org unit id"), UnitProgressQuery),
    responses(
        (status = 200, description = "The unit's progress on each plan it takes part in", body = UnitProgress),
        (status = 403, description = "Your account sees no unit figures (a staff member's own account)"),
        (status = 404, description = "No such unit or plan, or not visible to you"),
        (status = 422, description = "The plan or the year is missing, or the plan does not reach the unit"),
    )
)]
#[get("/{id}/progress")]
pub async fn unit_progress(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    Query(query): Query<UnitProgressQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = OrgUnitId::from(id.into_inner());
    let year = required_year(query.year)?;
    let plan_id = query
        .plan
        .map(PlanId::from)
        .ok_or_else(|| ApiError::invalid("plan", "required", "give the plan"))?;
    let app::scores::UnitProgressDetail { plan, unit, rows } =
        super::read(&state.pool, move |conn| {
            app::scores::unit_progress(conn, &principal, &id, &plan_id, year)
        })
        .await?;
    Ok(HttpResponse::Ok().json(UnitProgress {
        plan_id: plan.id.into(),
        year,
        generated_at: Utc::now(),
        unit: SubjectRow::from(unit),
        rollup: rollups(&rows),
        units: rows.into_iter().map(SubjectRow::from).collect(),
    }))
}

/// A subject whose evidence for a criterion with an update frequency is missing or old.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaleItem {
    pub subject: CriterionSubject,
    pub org_unit_id: String,
    pub staff_id: Option<String>,
    pub name: String,
    pub criterion_id: String,
    pub code: String,
    pub title: String,
    pub frequency: Option<Frequency>,
    pub staleness: Staleness,
    /// The day the latest submitted or approved evidence describes.
    pub last_as_of: Option<NaiveDate>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StaleList {
    pub plan_id: String,
    pub year: i32,
    pub generated_at: DateTime<Utc>,
    pub items: Vec<StaleItem>,
}

/// Subjects to chase before the report deadline: for each criterion with an update
/// frequency, those with no evidence in the year, or none within the last period.
#[utoipa::path(
    operation_id = "listStaleScores",
    tag = "scores",
    params(("id" = String, Path, description = "Plan id"), YearQuery),
    responses(
        (status = 200, description = "Scores whose evidence changed since they were computed", body = StaleList),
        (status = 404, description = "No such plan, or not visible to you"),
        (status = 422, description = "The year is missing or out of range, or the unit is not in your scope"),
    )
)]
#[get("/{id}/stale")]
pub async fn stale(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    Query(query): Query<YearQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = PlanId::from(id.into_inner());
    let year = required_year(query.year)?;
    let unit = query.org_unit_id.map(OrgUnitId::from);
    let (plan, rows) = super::read(&state.pool, move |conn| {
        app::scores::stale(conn, &principal, &id, year, unit.as_ref())
    })
    .await?;
    let items = rows
        .into_iter()
        .flat_map(|r| {
            let cells: Vec<scoring::Cell> = r.cells;
            let (subject, unit, staff, name) = (r.subject, r.org_unit_id, r.staff_id, r.name);
            cells.into_iter().filter_map(move |c| {
                Some(StaleItem {
                    subject,
                    org_unit_id: unit.clone().into(),
                    staff_id: staff.clone().map(Into::into),
                    name: name.clone(),
                    criterion_id: c.criterion_id.into(),
                    code: c.code,
                    title: c.title,
                    frequency: c.frequency,
                    staleness: c.staleness?,
                    last_as_of: c.last_as_of,
                })
            })
        })
        .collect();
    Ok(HttpResponse::Ok().json(StaleList {
        plan_id: plan.id.into(),
        year,
        generated_at: Utc::now(),
        items,
    }))
}

/// The roll-up of the rows per criterion, as answered.
fn rollups(rows: &[scoring::SubjectRow]) -> Vec<CriterionRollup> {
    rollup(rows)
        .into_iter()
        .map(CriterionRollup::from)
        .collect()
}

/// Evidence counts by status.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct EvidenceCounts {
    pub draft: i64,
    pub submitted: i64,
    pub approved: i64,
    pub rejected: i64,
    pub returned: i64,
}

impl From<scoring::EvidenceCounts> for EvidenceCounts {
    fn from(e: scoring::EvidenceCounts) -> Self {
        let scoring::EvidenceCounts {
            draft,
            submitted,
            approved,
            rejected,
            returned,
        } = e;
        EvidenceCounts {
            draft,
            submitted,
            approved,
            rejected,
            returned,
        }
    }
}

/// One criterion for one subject.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Cell {
    pub criterion_id: String,
    pub code: String,
    pub title: String,
    pub measure: Measure,
    pub target: Option<f64>,
    pub max_points: f64,
    /// The achieved value, from approved evidence (or computed from staff).
    pub value: Option<f64>,
    pub points: f64,
    pub points_source: Option<PointsSource>,
    /// The subject's own assessment (tự chấm), from its latest submitted evidence.
    pub self_score: Option<f64>,
    pub status: ProgressStatus,
    /// For a value computed from staff: staff who reached the individual criterion.
    pub achieved_staff: Option<i64>,
    /// For a value computed from staff: the unit's active headcount (its subtree).
    pub headcount: Option<i64>,
    pub frequency: Option<Frequency>,
    /// The day the latest submitted or approved evidence describes.
    pub last_as_of: Option<NaiveDate>,
    pub staleness: Option<Staleness>,
    pub evidence: EvidenceCounts,
}

impl From<scoring::Cell> for Cell {
    fn from(c: scoring::Cell) -> Self {
        let scoring::Cell {
            criterion_id,
            code,
            title,
            measure,
            target,
            max_points,
            value,
            points,
            points_source,
            self_score,
            status,
            achieved_staff,
            headcount,
            frequency,
            last_as_of,
            staleness,
            evidence,
        } = c;
        Cell {
            criterion_id: criterion_id.into(),
            code,
            title,
            measure,
            target,
            max_points,
            value,
            points,
            points_source,
            self_score,
            status,
            achieved_staff,
            headcount,
            frequency,
            last_as_of,
            staleness,
            evidence: EvidenceCounts::from(evidence),
        }
    }
}

/// A subject's row: its cells and totals.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SubjectRow {
    pub subject: CriterionSubject,
    pub org_unit_id: String,
    pub staff_id: Option<String>,
    /// The unit's or the person's name.
    pub name: String,
    pub registered: bool,
    pub total_points: f64,
    /// The sum of the self-assessed scores given.
    pub self_total: Option<f64>,
    /// Criteria whose target is reached.
    pub achieved: i64,
    pub headcount: Option<i64>,
    pub cells: Vec<Cell>,
    /// For a unit: each individual criterion as the share of its active staff (its
    /// subtree) who reached it. Not counted in the unit's points.
    pub staff_progress: Vec<Cell>,
    #[serde(skip)]
    pub unit_path: String,
    #[serde(skip)]
    pub name_sort: String,
}

impl From<scoring::SubjectRow> for SubjectRow {
    fn from(r: scoring::SubjectRow) -> Self {
        let scoring::SubjectRow {
            subject,
            org_unit_id,
            staff_id,
            name,
            registered,
            total_points,
            self_total,
            achieved,
            headcount,
            cells,
            staff_progress,
            unit_path,
            name_sort,
        } = r;
        SubjectRow {
            subject,
            org_unit_id: org_unit_id.into(),
            staff_id: staff_id.map(Into::into),
            name,
            registered,
            total_points,
            self_total,
            achieved,
            headcount,
            cells: cells.into_iter().map(Cell::from).collect(),
            staff_progress: staff_progress.into_iter().map(Cell::from).collect(),
            unit_path,
            name_sort,
        }
    }
}

/// One criterion rolled up over a subtree's units.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CriterionRollup {
    pub criterion_id: String,
    pub code: String,
    pub title: String,
    pub subject: CriterionSubject,
    pub target: Option<f64>,
    /// Units (with registration or evidence) in the subtree.
    pub units: i64,
    pub achieved: i64,
    pub in_progress: i64,
    pub pending: i64,
    pub not_started: i64,
    pub stale: i64,
    /// The mean of the units' values, where they have one.
    pub mean_value: Option<f64>,
}

impl From<scoring::CriterionRollup> for CriterionRollup {
    fn from(r: scoring::CriterionRollup) -> Self {
        let scoring::CriterionRollup {
            criterion_id,
            code,
            title,
            subject,
            target,
            units,
            achieved,
            in_progress,
            pending,
            not_started,
            stale: stale_count,
            mean_value,
        } = r;
        CriterionRollup {
            criterion_id: criterion_id.into(),
            code,
            title,
            subject,
            target,
            units,
            achieved,
            in_progress,
            pending,
            not_started,
            stale: stale_count,
            mean_value,
        }
    }
}

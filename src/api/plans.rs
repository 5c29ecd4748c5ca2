//! `/api/v1/plans`: implementation plans (kế hoạch), with every part of the document.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::AppState;
use crate::api::cached::{self, CachedJson};
use crate::api::extract::{IfMatch, Json, Page, Query, actor, double_option, present, tagged};
use crate::api::list::{ListParams, SortQuery, check_year};
use crate::api::validate;
use crate::app;
use crate::auth::Principal;
use crate::domain::plans::{
    self, AwardSubject, Occasion, Plan, PlanContent, PlanDetail, PlanFilter, PlanSort, PlanStatus,
    ResponsibilityRole, Review,
};
use crate::error::ApiError;
use crate::ids::{OrgUnitId, PlanId};

// A plan's parts, as written and answered -------------------------------------------------

/// A phase (giai đoạn) and the review that ends it.
#[derive(
    Debug, Clone, PartialEq, Serialize, serde::Deserialize, utoipa::ToSchema, validator::Validate,
)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Giai đoạn 1", "start_date": "2025-01-01", "end_date": "2027-12-31", "review": "interim", "review_year": 2027}))]
pub struct Phase {
    #[validate(
        length(min = 1, max = 200),
        custom(function = "crate::domain::validate::text")
    )]
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub review: Option<Review>,
    #[validate(range(min = 1945, max = 2200))]
    pub review_year: Option<i32>,
}

/// A form of award the plan provides, and on which occasion.
#[derive(
    Debug, Clone, PartialEq, Serialize, serde::Deserialize, utoipa::ToSchema, validator::Validate,
)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"occasion": "final", "title": "Bằng khen của Chủ tịch UBND tỉnh", "subject": "both", "description": null}))]
pub struct AwardForm {
    pub occasion: Occasion,
    #[validate(
        length(min = 1, max = 500),
        custom(function = "crate::domain::validate::text")
    )]
    #[schema(min_length = 1, max_length = 500)]
    pub title: String,
    pub subject: AwardSubject,
    #[validate(length(max = 4000))]
    #[schema(max_length = 4000)]
    pub description: Option<String>,
}

/// Which unit leads or coordinates what (tổ chức thực hiện).
#[derive(
    Debug, Clone, PartialEq, Serialize, serde::Deserialize, utoipa::ToSchema, validator::Validate,
)]
#[serde(deny_unknown_fields)]
pub struct Responsibility {
    #[validate(custom(function = "crate::domain::validate::id"))]
    pub org_unit_id: String,
    pub role: ResponsibilityRole,
    #[validate(
        length(min = 1, max = 4000),
        custom(function = "crate::domain::validate::text")
    )]
    #[schema(min_length = 1, max_length = 4000)]
    pub task: String,
}

/// The yearly report deadline, as a rule ("before 15 November every year").
#[derive(
    Debug, Clone, PartialEq, Serialize, serde::Deserialize, utoipa::ToSchema, validator::Validate,
)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"month": 11, "day": 15, "to": "Sở Nội vụ", "note": "Báo cáo kết quả trước ngày 15/11 hằng năm"}))]
pub struct ReportDeadline {
    #[validate(range(min = 1, max = 12))]
    #[schema(minimum = 1, maximum = 12)]
    pub month: u32,
    #[validate(range(min = 1, max = 31))]
    #[schema(minimum = 1, maximum = 31)]
    pub day: u32,
    /// Whom the report goes to.
    #[validate(length(max = 300))]
    #[schema(max_length = 300)]
    pub to: Option<String>,
    #[validate(length(max = 4000))]
    #[schema(max_length = 4000)]
    pub note: Option<String>,
}

impl From<Phase> for plans::Phase {
    fn from(p: Phase) -> Self {
        let Phase {
            name,
            start_date,
            end_date,
            review,
            review_year,
        } = p;
        plans::Phase {
            name,
            start_date,
            end_date,
            review,
            review_year,
        }
    }
}

impl From<plans::Phase> for Phase {
    fn from(p: plans::Phase) -> Self {
        let plans::Phase {
            name,
            start_date,
            end_date,
            review,
            review_year,
        } = p;
        Phase {
            name,
            start_date,
            end_date,
            review,
            review_year,
        }
    }
}

impl From<AwardForm> for plans::AwardForm {
    fn from(f: AwardForm) -> Self {
        let AwardForm {
            occasion,
            title,
            subject,
            description,
        } = f;
        plans::AwardForm {
            occasion,
            title,
            subject,
            description,
        }
    }
}

impl From<plans::AwardForm> for AwardForm {
    fn from(f: plans::AwardForm) -> Self {
        let plans::AwardForm {
            occasion,
            title,
            subject,
            description,
        } = f;
        AwardForm {
            occasion,
            title,
            subject,
            description,
        }
    }
}

impl From<Responsibility> for plans::Responsibility {
    fn from(r: Responsibility) -> Self {
        let Responsibility {
            org_unit_id,
            role,
            task,
        } = r;
        plans::Responsibility {
            org_unit_id: OrgUnitId::from(org_unit_id),
            role,
            task,
        }
    }
}

impl From<plans::Responsibility> for Responsibility {
    fn from(r: plans::Responsibility) -> Self {
        let plans::Responsibility {
            org_unit_id,
            role,
            task,
        } = r;
        Responsibility {
            org_unit_id: org_unit_id.into(),
            role,
            task,
        }
    }
}

impl From<ReportDeadline> for plans::ReportDeadline {
    fn from(d: ReportDeadline) -> Self {
        let ReportDeadline {
            month,
            day,
            to,
            note,
        } = d;
        plans::ReportDeadline {
            month,
            day,
            to,
            note,
        }
    }
}

impl From<plans::ReportDeadline> for ReportDeadline {
    fn from(d: plans::ReportDeadline) -> Self {
        let plans::ReportDeadline {
            month,
            day,
            to,
            note,
        } = d;
        ReportDeadline {
            month,
            day,
            to,
            note,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlanResponse {
    pub id: String,
    /// Number and symbol, e.g. "378/KH-UBND"; required to issue.
    pub number: Option<String>,
    pub issued_on: Option<NaiveDate>,
    /// The issuing org unit.
    pub issuer_id: String,
    pub title: String,
    pub signer_name: Option<String>,
    pub signer_title: Option<String>,
    pub status: PlanStatus,
    /// The movements the plan implements.
    pub movement_ids: Vec<String>,
    /// The legal documents it is based on (căn cứ), in order.
    pub legal_basis_ids: Vec<String>,
    /// Mục đích.
    pub purposes: Vec<String>,
    /// Yêu cầu.
    pub requirements: Vec<String>,
    /// Nội dung thi đua; criteria refer to them by number (1-based).
    pub contents: Vec<String>,
    /// Nhiệm vụ, giải pháp.
    pub solutions: Vec<String>,
    /// Nơi nhận.
    pub recipients: Vec<String>,
    pub phases: Vec<Phase>,
    pub award_forms: Vec<AwardForm>,
    pub responsibilities: Vec<Responsibility>,
    pub report_deadline: Option<ReportDeadline>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<PlanDetail> for PlanResponse {
    fn from(d: PlanDetail) -> Self {
        let PlanDetail { plan, content } = d;
        let PlanContent {
            number,
            issued_on,
            issuer_id,
            title,
            signer_name,
            signer_title,
            movement_ids,
            legal_basis_ids,
            purposes,
            requirements,
            contents,
            solutions,
            recipients,
            phases,
            award_forms,
            responsibilities,
            report_deadline,
        } = content;
        PlanResponse {
            id: plan.id.clone().into(),
            number,
            issued_on,
            issuer_id: issuer_id.into(),
            title,
            signer_name,
            signer_title,
            status: plan.status,
            movement_ids,
            legal_basis_ids,
            purposes,
            requirements,
            contents,
            solutions,
            recipients,
            phases: phases.into_iter().map(Phase::from).collect(),
            award_forms: award_forms.into_iter().map(AwardForm::from).collect(),
            responsibilities: responsibilities
                .into_iter()
                .map(Responsibility::from)
                .collect(),
            report_deadline: report_deadline.map(ReportDeadline::from),
            version: plan.version,
            created_at: plan.created_at.and_utc(),
            updated_at: plan.updated_at.and_utc(),
        }
    }
}

/// A plan in a list, without its parts.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanSummary {
    pub id: String,
    pub number: Option<String>,
    pub issued_on: Option<NaiveDate>,
    pub issuer_id: String,
    pub title: String,
    pub status: PlanStatus,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Plan> for PlanSummary {
    fn from(p: Plan) -> Self {
        let status = p.status;
        let Plan {
            id,
            number,
            issued_on,
            issuer_id,
            title,
            version,
            created_at,
            updated_at,
            ..
        } = p;
        PlanSummary {
            id: id.into(),
            number,
            issued_on,
            issuer_id: issuer_id.into(),
            title,
            status,
            version,
            created_at: created_at.and_utc(),
            updated_at: updated_at.and_utc(),
        }
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "number": "12/KH-VP", "issued_on": "2025-07-20", "issuer_id": "019ab0a4-6a1e-7c3a-9d0e-2f1c8a7b5e41",
    "title": "Kế hoạch triển khai Phong trào “Bình dân học vụ số”",
    "signer_name": "Đặng Thanh Tùng", "signer_title": "Chánh Văn phòng",
    "purposes": ["Phổ cập tri thức cơ bản về chuyển đổi số"], "contents": ["Thi đua tự học về chuyển đổi số"],
    "phases": [{"name": "Giai đoạn 1", "start_date": "2025-01-01", "end_date": "2027-12-31", "review": "interim", "review_year": 2027}],
    "report_deadline": {"month": 11, "day": 15, "to": "Sở Nội vụ"}
}))]
pub struct CreatePlan {
    #[validate(length(min = 1, max = 100), custom(function = "validate::text"))]
    #[schema(min_length = 1, max_length = 100)]
    pub number: Option<String>,
    pub issued_on: Option<NaiveDate>,
    #[validate(custom(function = "validate::id"))]
    pub issuer_id: String,
    #[validate(length(min = 1, max = 1000), custom(function = "validate::text"))]
    #[schema(min_length = 1, max_length = 1000)]
    pub title: String,
    #[validate(length(min = 1, max = 200), custom(function = "validate::text"))]
    #[schema(min_length = 1, max_length = 200)]
    pub signer_name: Option<String>,
    #[validate(length(min = 1, max = 200), custom(function = "validate::text"))]
    #[schema(min_length = 1, max_length = 200)]
    pub signer_title: Option<String>,
    #[serde(default)]
    #[validate(length(max = 20), custom(function = "validate::ids"))]
    pub movement_ids: Vec<String>,
    #[serde(default)]
    #[validate(length(max = 100), custom(function = "validate::ids"))]
    pub legal_basis_ids: Vec<String>,
    #[serde(default)]
    #[validate(length(max = 100), custom(function = "validate::text_items"))]
    pub purposes: Vec<String>,
    #[serde(default)]
    #[validate(length(max = 100), custom(function = "validate::text_items"))]
    pub requirements: Vec<String>,
    #[serde(default)]
    #[validate(length(max = 100), custom(function = "validate::text_items"))]
    pub contents: Vec<String>,
    #[serde(default)]
    #[validate(length(max = 100), custom(function = "validate::text_items"))]
    pub solutions: Vec<String>,
    #[serde(default)]
    #[validate(length(max = 100), custom(function = "validate::text_items"))]
    pub recipients: Vec<String>,
    #[serde(default)]
    #[validate(length(max = 20), nested)]
    pub phases: Vec<Phase>,
    #[serde(default)]
    #[validate(length(max = 100), nested)]
    pub award_forms: Vec<AwardForm>,
    #[serde(default)]
    #[validate(length(max = 200), nested)]
    pub responsibilities: Vec<Responsibility>,
    #[validate(nested)]
    pub report_deadline: Option<ReportDeadline>,
}

impl CreatePlan {
    fn into_content(self) -> PlanContent {
        PlanContent {
            number: self.number,
            issued_on: self.issued_on,
            issuer_id: OrgUnitId::from(self.issuer_id),
            title: self.title,
            signer_name: self.signer_name,
            signer_title: self.signer_title,
            movement_ids: self.movement_ids,
            legal_basis_ids: self.legal_basis_ids,
            purposes: self.purposes,
            requirements: self.requirements,
            contents: self.contents,
            solutions: self.solutions,
            recipients: self.recipients,
            phases: self.phases.into_iter().map(plans::Phase::from).collect(),
            award_forms: self
                .award_forms
                .into_iter()
                .map(plans::AwardForm::from)
                .collect(),
            responsibilities: self
                .responsibilities
                .into_iter()
                .map(plans::Responsibility::from)
                .collect(),
            report_deadline: self.report_deadline.map(plans::ReportDeadline::from),
        }
    }
}

/// A change to a draft plan: each field given replaces the plan's (lists as a whole).
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"contents": ["Thi đua tự học về chuyển đổi số", "Thi đua ứng dụng trí tuệ nhân tạo"]}))]
pub struct UpdatePlan {
    #[serde(default, deserialize_with = "double_option")]
    #[validate(length(min = 1, max = 100), custom(function = "validate::text"))]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 100)]
    pub number: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<NaiveDate>)]
    pub issued_on: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    #[validate(custom(function = "validate::id"))]
    pub issuer_id: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[validate(length(min = 1, max = 1000), custom(function = "validate::text"))]
    #[schema(nullable = false, min_length = 1, max_length = 1000)]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(length(min = 1, max = 200), custom(function = "validate::text"))]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 200)]
    pub signer_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(length(min = 1, max = 200), custom(function = "validate::text"))]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 200)]
    pub signer_title: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    #[validate(length(max = 20), custom(function = "validate::ids"))]
    pub movement_ids: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    #[validate(length(max = 100), custom(function = "validate::ids"))]
    pub legal_basis_ids: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    #[validate(length(max = 100), custom(function = "validate::text_items"))]
    pub purposes: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    #[validate(length(max = 100), custom(function = "validate::text_items"))]
    pub requirements: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    #[validate(length(max = 100), custom(function = "validate::text_items"))]
    pub contents: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    #[validate(length(max = 100), custom(function = "validate::text_items"))]
    pub solutions: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    #[validate(length(max = 100), custom(function = "validate::text_items"))]
    pub recipients: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    #[validate(length(max = 20), nested)]
    pub phases: Option<Vec<Phase>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    #[validate(length(max = 100), nested)]
    pub award_forms: Option<Vec<AwardForm>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    #[validate(length(max = 200), nested)]
    pub responsibilities: Option<Vec<Responsibility>>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(nested)]
    #[schema(value_type = Option<ReportDeadline>)]
    pub report_deadline: Option<Option<ReportDeadline>>,
}

impl UpdatePlan {
    fn into_changes(self) -> app::plans::PlanChanges {
        app::plans::PlanChanges {
            number: self.number,
            issued_on: self.issued_on,
            issuer_id: self.issuer_id.map(OrgUnitId::from),
            title: self.title,
            signer_name: self.signer_name,
            signer_title: self.signer_title,
            movement_ids: self.movement_ids,
            legal_basis_ids: self.legal_basis_ids,
            purposes: self.purposes,
            requirements: self.requirements,
            contents: self.contents,
            solutions: self.solutions,
            recipients: self.recipients,
            phases: self
                .phases
                .map(|v| v.into_iter().map(plans::Phase::from).collect()),
            award_forms: self
                .award_forms
                .map(|v| v.into_iter().map(plans::AwardForm::from).collect()),
            responsibilities: self
                .responsibilities
                .map(|v| v.into_iter().map(plans::Responsibility::from).collect()),
            report_deadline: self
                .report_deadline
                .map(|d| d.map(plans::ReportDeadline::from)),
        }
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"status": "issued"}))]
pub struct StatusChange {
    /// The new status: issued, in_progress, closed or cancelled.
    pub status: PlanStatus,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlanQuery {
    pub status: Option<PlanStatus>,
    /// Plans issued by this unit.
    pub issuer_id: Option<String>,
    /// Plans implementing this movement.
    pub movement_id: Option<String>,
    /// Plans with a phase running in this year.
    #[param(minimum = 1900, maximum = 2200)]
    pub year: Option<i32>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeadlineQuery {
    /// The first day to look from (default: today).
    pub from: Option<NaiveDate>,
    /// How many dates, 1 to 50 (default 5).
    #[param(minimum = 1, maximum = 50)]
    pub count: Option<usize>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"to": "Sở Nội vụ", "note": "trước ngày 15/11 hằng năm", "dates": ["2026-11-15", "2027-11-15"]}))]
pub struct DeadlinesResponse {
    pub to: Option<String>,
    pub note: Option<String>,
    /// The coming due dates within the plan's phases.
    pub dates: Vec<NaiveDate>,
}

impl From<app::plans::Deadlines> for DeadlinesResponse {
    fn from(d: app::plans::Deadlines) -> Self {
        let app::plans::Deadlines { to, note, dates } = d;
        DeadlinesResponse { to, note, dates }
    }
}

/// List plans you may see.
#[utoipa::path(
    operation_id = "listPlans",
    tag = "plans",
    params(ListParams, SortQuery<PlanSort>, PlanQuery),
    responses((status = 200, description = "One page of plans (summaries), with the total", body = Page<PlanSummary>), (status = 422, description = "Invalid parameters"))
)]
#[get("")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    Query(params): Query<ListParams>,
    Query(sort): Query<SortQuery<PlanSort>>,
    Query(query): Query<PlanQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = params.page()?;
    let sort = sort.or(PlanSort::IssuedOn)?;
    let filter = PlanFilter {
        q: params.q(),
        status: query.status,
        issuer_id: query.issuer_id.map(OrgUnitId::from),
        movement_id: query.movement_id,
        year: check_year(query.year)?,
        updated_since: params.updated_since(),
    };
    let (items, total) = super::read(&state.pool, move |conn| {
        app::plans::list(conn, &principal, filter, sort, page)
    })
    .await?;
    Ok(Page::of(items, total, page, PlanSummary::from).respond(&req))
}

/// Draft a plan with all its parts.
#[utoipa::path(
    operation_id = "createPlan",
    tag = "plans",
    request_body = CreatePlan,
    responses(
        (status = 201, description = "The plan created", body = PlanResponse, headers(("ETag" = String))),
        (status = 403, description = "Only officers of the issuing unit's subtree draft its plans"),
        (status = 422, description = "Invalid fields, dates out of order, or a reference that does not exist"),
    )
)]
#[post("")]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    Json(body): Json<CreatePlan>,
) -> Result<HttpResponse, ApiError> {
    let actor = actor(&req, Some(&principal.user_id));
    let content = body.into_content();
    let detail = super::change(&state.pool, move |tx| {
        app::plans::create(tx, &principal, &actor, content)
    })
    .await?;
    Ok(tagged(
        StatusCode::CREATED,
        detail.plan.version,
        &PlanResponse::from(detail),
    ))
}

/// Get a plan with every part.
#[utoipa::path(
    operation_id = "getPlan",
    tag = "plans",
    params(("id" = String, Path, description = "Plan id")),
    responses((status = 200, description = "The plan", body = PlanResponse, headers(("ETag" = String))), (status = 404, description = "No such plan, or not visible to you"))
)]
#[get("/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let key = format!("plan:{id}");
    let plan = state
        .reads
        .answer(&state.pool, key, move |conn| {
            let (detail, issuer_path) =
                app::plans::detail_of_any(conn, &PlanId::from(id.into_inner()))?;
            Ok(CachedJson::new(
                issuer_path,
                Some(detail.plan.version),
                cached::to_json(&PlanResponse::from(detail))?,
            ))
        })
        .await?;
    app::plans::ensure_readable(&principal, &plan.unit_path)?;
    Ok(plan.response(&req))
}

/// Change a draft plan. Lists given replace the plan's as a whole.
#[utoipa::path(
    operation_id = "updatePlan",
    tag = "plans",
    params(("id" = String, Path, description = "Plan id"), ("If-Match" = String, Header, description = "The ETag you read")),
    request_body = UpdatePlan,
    responses(
        (status = 200, description = "The plan as changed", body = PlanResponse, headers(("ETag" = String))),
        (status = 403, description = "Not yours to change"),
        (status = 404, description = "No such plan, or not visible to you"),
        (status = 409, description = "The plan is no longer a draft"),
        (status = 412, description = "The plan changed since you read it"),
        (status = 422, description = "Invalid fields, dates out of order, or a reference that does not exist"),
        (status = 428, description = "If-Match is missing"),
    )
)]
#[patch("/{id}")]
pub async fn update(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    Json(body): Json<UpdatePlan>,
) -> Result<HttpResponse, ApiError> {
    let id = PlanId::from(id.into_inner());
    let actor = actor(&req, Some(&principal.user_id));
    let changes = body.into_changes();
    let detail = super::change(&state.pool, move |tx| {
        app::plans::update(tx, &principal, &actor, &id, version, changes)
    })
    .await?;
    Ok(tagged(
        StatusCode::OK,
        detail.plan.version,
        &PlanResponse::from(detail),
    ))
}

/// Move a plan along draft → issued → in_progress → closed, or cancel it.
#[utoipa::path(
    operation_id = "changePlanStatus",
    tag = "plans",
    params(("id" = String, Path, description = "Plan id"), ("If-Match" = String, Header, description = "The ETag you read")),
    request_body = StatusChange,
    responses(
        (status = 200, description = "The plan in its new status", body = PlanResponse, headers(("ETag" = String))),
        (status = 403, description = "Not yours to change"),
        (status = 404, description = "No such plan, or not visible to you"),
        (status = 409, description = "That change of status is not allowed"),
        (status = 412, description = "The plan changed since you read it"),
        (status = 422, description = "Invalid status, or the plan lacks its number or date to be issued"),
        (status = 428, description = "If-Match is missing"),
    )
)]
#[post("/{id}/status")]
pub async fn change_status(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    Json(body): Json<StatusChange>,
) -> Result<HttpResponse, ApiError> {
    let id = PlanId::from(id.into_inner());
    let actor = actor(&req, Some(&principal.user_id));
    let detail = super::change(&state.pool, move |tx| {
        app::plans::change_status(tx, &principal, &actor, &id, version, body.status)
    })
    .await?;
    Ok(tagged(
        StatusCode::OK,
        detail.plan.version,
        &PlanResponse::from(detail),
    ))
}

/// The coming report due dates of a plan (its yearly deadline, e.g. 15 November).
#[utoipa::path(
    operation_id = "listPlanDeadlines",
    tag = "plans",
    params(("id" = String, Path, description = "Plan id"), DeadlineQuery),
    responses(
        (status = 200, description = "The plan's report deadlines, with working days left", body = DeadlinesResponse),
        (status = 404, description = "No such plan, or not visible to you"),
        (status = 422, description = "Invalid parameters"),
    )
)]
#[get("/{id}/deadlines")]
pub async fn deadlines(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    Query(query): Query<DeadlineQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = PlanId::from(id.into_inner());
    let count = query.count.unwrap_or(5);
    if !(1..=50).contains(&count) {
        return Err(ApiError::invalid(
            "count",
            "range",
            "must be between 1 and 50",
        ));
    }
    let from = query.from.unwrap_or_else(crate::domain::today);
    let d = super::read(&state.pool, move |conn| {
        app::plans::deadlines(conn, &principal, &id, from, count)
    })
    .await?;
    Ok(HttpResponse::Ok().json(DeadlinesResponse::from(d)))
}

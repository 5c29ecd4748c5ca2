//! `/api/v1/plans/{id}/criteria` and `/api/v1/criteria/{id}`: the measurable targets of a plan.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::AppState;
use crate::api::cached::{self, CachedJson};
use crate::api::extract::{IfMatch, Json, Page, Query, actor, double_option, present, tagged};
use crate::api::list::ListParams;
use crate::api::validate;
use crate::app;
use crate::auth::Principal;
use crate::domain::criteria::{
    Criterion, CriterionFields, CriterionFilter, CriterionSubject, Frequency, Measure,
};
use crate::error::ApiError;
use crate::ids::{CriterionId, PlanId};

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019ab0a4-bf60-7152-8d43-5e6f708192a3", "plan_id": "019ab0a4-b000-7000-8000-000000000001",
    "subject": "collective", "code": "TT6", "position": 6,
    "title": "100% cán bộ, công chức, viên chức có hiểu biết về chuyển đổi số",
    "description": null, "measure": "percent", "target": 100.0, "unit": "%", "max_points": 10.0,
    "evidence_expected": "Danh sách cán bộ đã hoàn thành khóa học", "content_no": 4,
    "frequency": "quarterly", "source_criterion_id": "019ab0a4-bf60-7152-8d43-5e6f708192a4",
    "supersedes_id": null, "superseded_by_id": null, "amendment_reason": null, "current": true, "version": 1,
    "created_at": "2026-11-23T08:00:00Z", "updated_at": "2026-11-23T08:00:00Z"
}))]
pub struct CriterionResponse {
    pub id: String,
    pub plan_id: String,
    /// Tập thể (collective: an org unit) or cá nhân (individual: a staff member).
    pub subject: CriterionSubject,
    pub code: String,
    pub position: i32,
    pub title: String,
    pub description: Option<String>,
    pub measure: Measure,
    pub target: Option<f64>,
    pub unit: Option<String>,
    pub max_points: f64,
    pub evidence_expected: Option<String>,
    /// The plan content item (1-based) this criterion measures.
    pub content_no: Option<i32>,
    /// How often evidence is expected; progress flags units whose evidence is older.
    pub frequency: Option<Frequency>,
    /// A collective percentage computed from staff: the individual criterion whose approved
    /// evidence is counted over each unit's active headcount.
    pub source_criterion_id: Option<String>,
    /// The version this amendment replaced.
    pub supersedes_id: Option<String>,
    /// The amendment that replaced this version.
    pub superseded_by_id: Option<String>,
    pub amendment_reason: Option<String>,
    /// Whether this is the version in force.
    pub current: bool,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Criterion> for CriterionResponse {
    fn from(c: Criterion) -> Self {
        let Criterion {
            id,
            plan_id,
            subject,
            code,
            position,
            title,
            search_text: _,
            description,
            measure,
            target,
            unit,
            max_points,
            evidence_expected,
            content_no,
            supersedes_id,
            superseded_by_id,
            amendment_reason,
            current,
            version,
            created_at,
            updated_at,
            frequency,
            source_criterion_id,
        } = c;
        CriterionResponse {
            id: id.into(),
            plan_id: plan_id.into(),
            subject,
            code,
            position,
            title,
            description,
            measure,
            target,
            unit,
            max_points,
            evidence_expected,
            content_no,
            frequency,
            source_criterion_id: source_criterion_id.map(Into::into),
            supersedes_id: supersedes_id.map(Into::into),
            superseded_by_id: superseded_by_id.map(Into::into),
            amendment_reason,
            current,
            version,
            created_at: created_at.and_utc(),
            updated_at: updated_at.and_utc(),
        }
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "subject": "individual", "code": "CN1", "title": "Hoàn thành khóa học Bình dân học vụ số",
    "measure": "percent", "target": 100, "unit": "%", "max_points": 10
}))]
pub struct CreateCriterion {
    pub subject: CriterionSubject,
    #[validate(custom(function = "validate::code"))]
    #[schema(min_length = 1, max_length = 50)]
    pub code: String,
    /// Order within the plan (default: after the last).
    #[validate(range(min = 0, max = 10000))]
    pub position: Option<i32>,
    #[validate(length(min = 1, max = 1000), custom(function = "validate::text"))]
    #[schema(min_length = 1, max_length = 1000)]
    pub title: String,
    #[validate(length(max = 10000))]
    #[schema(max_length = 10000)]
    pub description: Option<String>,
    pub measure: Measure,
    /// Percent 0–100, a whole count, a score up to `max_points`; none for boolean.
    pub target: Option<f64>,
    #[validate(length(min = 1, max = 50))]
    #[schema(min_length = 1, max_length = 50)]
    pub unit: Option<String>,
    #[schema(minimum = 0, maximum = 1000)]
    pub max_points: f64,
    #[validate(length(max = 4000))]
    #[schema(max_length = 4000)]
    pub evidence_expected: Option<String>,
    #[validate(range(min = 1, max = 1000))]
    pub content_no: Option<i32>,
    /// How often evidence is expected (progress flags stale units).
    pub frequency: Option<Frequency>,
    /// Only for a collective percent criterion: the individual criterion of the same plan
    /// whose approved evidence is counted over each unit's active headcount.
    #[validate(custom(function = "validate::id"))]
    pub source_criterion_id: Option<String>,
    /// Required once the plan is issued: why the criteria change.
    #[validate(length(min = 1, max = 4000))]
    #[schema(min_length = 1, max_length = 4000)]
    pub amendment_reason: Option<String>,
}

#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"target": 90, "amendment_reason": "Điều chỉnh theo Công văn số 100/SNV-TĐKT"}))]
pub struct UpdateCriterion {
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub subject: Option<CriterionSubject>,
    #[serde(default, deserialize_with = "present")]
    #[validate(custom(function = "validate::code"))]
    #[schema(nullable = false, min_length = 1, max_length = 50)]
    pub code: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    #[validate(range(min = 0, max = 10000))]
    pub position: Option<i32>,
    #[serde(default, deserialize_with = "present")]
    #[validate(length(min = 1, max = 1000), custom(function = "validate::text"))]
    #[schema(nullable = false, min_length = 1, max_length = 1000)]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(length(max = 10000))]
    #[schema(value_type = Option<String>, max_length = 10000)]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub measure: Option<Measure>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<f64>)]
    pub target: Option<Option<f64>>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(length(min = 1, max = 50))]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 50)]
    pub unit: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, minimum = 0, maximum = 1000)]
    pub max_points: Option<f64>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(length(max = 4000))]
    #[schema(value_type = Option<String>, max_length = 4000)]
    pub evidence_expected: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(range(min = 1, max = 1000))]
    #[schema(value_type = Option<i32>)]
    pub content_no: Option<Option<i32>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Frequency>)]
    pub frequency: Option<Option<Frequency>>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(custom(function = "validate::id"))]
    #[schema(value_type = Option<String>)]
    pub source_criterion_id: Option<Option<String>>,
    /// Required once the plan is issued: the change is then an amendment with a new id.
    #[validate(length(min = 1, max = 4000))]
    #[schema(min_length = 1, max_length = 4000)]
    pub amendment_reason: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CriterionQuery {
    pub subject: Option<CriterionSubject>,
    /// Include versions replaced by amendments (default false).
    pub include_superseded: Option<bool>,
}

/// List the criteria of a plan, in its order.
#[utoipa::path(
    operation_id = "listPlanCriteria",
    tag = "criteria",
    params(("id" = String, Path, description = "Plan id"), ListParams, CriterionQuery),
    responses(
        (status = 200, description = "One page of the plan's current criteria, with the total", body = Page<CriterionResponse>),
        (status = 404, description = "No such plan, or not visible to you"),
        (status = 422, description = "Invalid parameters"),
    )
)]
#[get("/{id}/criteria")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    Query(params): Query<ListParams>,
    Query(query): Query<CriterionQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = params.page()?;
    let filter = CriterionFilter {
        q: params.q(),
        subject: query.subject,
        include_superseded: query.include_superseded.unwrap_or(false),
        updated_since: params.updated_since(),
    };
    // Kept by plan and query: the same page for every reader, visibility checked per reader.
    let key = format!("criteria:{id}?{}", req.query_string());
    let (path, query) = (req.path().to_string(), req.query_string().to_string());
    let answer = state
        .reads
        .answer(&state.pool, key, move |conn| {
            let ((items, total), issuer_path) =
                app::criteria::list_of_any(conn, &PlanId::from(id.into_inner()), &filter, page)?;
            let page = Page::of(items, total, page, CriterionResponse::from);
            Ok(CachedJson::new(issuer_path, None, cached::to_json(&page)?)
                .with_link(page.links(&path, &query)))
        })
        .await?;
    app::plans::ensure_readable(&principal, &answer.unit_path)?;
    Ok(answer.response(&req))
}

/// Add a criterion to a plan (to an issued plan only as an amendment, with a reason).
#[utoipa::path(
    operation_id = "createCriterion",
    tag = "criteria",
    params(("id" = String, Path, description = "Plan id")),
    request_body = CreateCriterion,
    responses(
        (status = 201, description = "The criterion created", body = CriterionResponse, headers(("ETag" = String))),
        (status = 403, description = "Not yours to change"),
        (status = 404, description = "No such plan, or not visible to you"),
        (status = 409, description = "The code is taken, or the plan is closed"),
        (status = 422, description = "Invalid fields, a target that does not fit the measure, or no amendment reason"),
    )
)]
#[post("/{id}/criteria")]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    Json(body): Json<CreateCriterion>,
) -> Result<HttpResponse, ApiError> {
    let id = PlanId::from(id.into_inner());
    let actor = actor(&req, Some(&principal.user_id));
    let new = app::criteria::NewCriterion {
        fields: CriterionFields {
            subject: body.subject,
            code: body.code,
            position: body.position,
            title: body.title,
            description: body.description,
            measure: body.measure,
            target: body.target,
            unit: body.unit,
            max_points: body.max_points,
            evidence_expected: body.evidence_expected,
            content_no: body.content_no,
            frequency: body.frequency,
            source_criterion_id: body.source_criterion_id.map(CriterionId::from),
        },
        amendment_reason: body.amendment_reason,
    };
    let c = super::change(&state.pool, move |tx| {
        app::criteria::create(tx, &principal, &actor, &id, new)
    })
    .await?;
    Ok(tagged(
        StatusCode::CREATED,
        c.version,
        &CriterionResponse::from(c),
    ))
}

/// Get a criterion (any version).
#[utoipa::path(
    operation_id = "getCriterion",
    tag = "criteria",
    params(("id" = String, Path, description = "Criterion id")),
    responses((status = 200, description = "The criterion", body = CriterionResponse, headers(("ETag" = String))), (status = 404, description = "No such criterion, or not visible to you"))
)]
#[get("/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = CriterionId::from(id.into_inner());
    let c = super::read(&state.pool, move |conn| {
        app::criteria::get(conn, &principal, &id)
    })
    .await?;
    Ok(tagged(
        StatusCode::OK,
        c.version,
        &CriterionResponse::from(c),
    ))
}

/// Change a criterion. On a draft plan it changes in place; on an issued plan the change
/// is an amendment: a new version with a new id replaces it, and the old one is kept.
#[utoipa::path(
    operation_id = "amendCriterion",
    tag = "criteria",
    params(("id" = String, Path, description = "Criterion id"), ("If-Match" = String, Header, description = "The ETag you read")),
    request_body = UpdateCriterion,
    responses(
        (status = 200, description = "The new version of the criterion (issued plans) or the criterion as changed (drafts)", body = CriterionResponse, headers(("ETag" = String))),
        (status = 403, description = "Not yours to change"),
        (status = 404, description = "No such criterion, or not visible to you"),
        (status = 409, description = "The code is taken, the version was superseded, or the plan is closed"),
        (status = 412, description = "The criterion changed since you read it"),
        (status = 422, description = "Invalid fields, a target that does not fit the measure, or no amendment reason"),
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
    Json(body): Json<UpdateCriterion>,
) -> Result<HttpResponse, ApiError> {
    let id = CriterionId::from(id.into_inner());
    let actor = actor(&req, Some(&principal.user_id));
    let changes = app::criteria::CriterionChanges {
        subject: body.subject,
        code: body.code,
        position: body.position,
        title: body.title,
        description: body.description,
        measure: body.measure,
        target: body.target,
        unit: body.unit,
        max_points: body.max_points,
        evidence_expected: body.evidence_expected,
        content_no: body.content_no,
        frequency: body.frequency,
        source_criterion_id: body.source_criterion_id.map(|v| v.map(CriterionId::from)),
        amendment_reason: body.amendment_reason,
    };
    let c = super::change(&state.pool, move |tx| {
        app::criteria::update(tx, &principal, &actor, &id, version, changes)
    })
    .await?;
    Ok(tagged(
        StatusCode::OK,
        c.version,
        &CriterionResponse::from(c),
    ))
}

//! `/api/v1/disciplines` (kỷ luật): discipline periods of staff, which hold back awards.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::AppState;
use crate::api::extract::{IfMatch, Json, Query, actor, double_option, present, tagged};
use crate::api::validate;
use crate::app;
use crate::auth::Principal;
use crate::domain::disciplines::{Discipline, DisciplineLevel};
use crate::error::ApiError;
use crate::ids::StaffId;

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019ab0a4-f400-7000-8000-000000000001", "staff_id": "019ab0a4-a300-7000-8000-000000000001",
    "level": "reprimand", "reason": "Vi phạm quy chế làm việc (Quyết định số 05/QĐ-VP)",
    "starts_on": "2025-03-01", "ends_on": "2025-08-31", "version": 1,
    "created_at": "2025-03-01T08:00:00Z", "updated_at": "2025-03-01T08:00:00Z"
}))]
pub struct DisciplineResponse {
    pub id: String,
    pub staff_id: String,
    pub level: DisciplineLevel,
    pub reason: String,
    pub starts_on: NaiveDate,
    /// Absent while it runs without a set end.
    pub ends_on: Option<NaiveDate>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Discipline> for DisciplineResponse {
    fn from(d: Discipline) -> Self {
        DisciplineResponse {
            level: d.level,
            id: d.id,
            staff_id: d.staff_id.into(),
            reason: d.reason,
            starts_on: d.starts_on,
            ends_on: d.ends_on,
            version: d.version,
            created_at: d.created_at.and_utc(),
            updated_at: d.updated_at.and_utc(),
        }
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "staff_id": "019ab0a4-a300-7000-8000-000000000001", "level": "reprimand",
    "reason": "Vi phạm quy chế làm việc (Quyết định số 05/QĐ-VP)", "starts_on": "2025-03-01", "ends_on": "2025-08-31"
}))]
pub struct CreateDiscipline {
    #[validate(custom(function = "validate::id"))]
    pub staff_id: String,
    pub level: DisciplineLevel,
    /// The reason and the deciding document.
    #[validate(length(min = 1, max = 4000), custom(function = "validate::text"))]
    #[schema(min_length = 1, max_length = 4000)]
    pub reason: String,
    #[validate(custom(function = "validate::date"))]
    pub starts_on: NaiveDate,
    #[validate(custom(function = "validate::date"))]
    pub ends_on: Option<NaiveDate>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DisciplineQuery {
    pub staff_id: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DisciplineList {
    pub items: Vec<DisciplineResponse>,
    /// All of them: the list is not paged.
    pub total: i64,
}

/// Record a discipline period of a staff member (officers and heads of their unit).
#[utoipa::path(
    operation_id = "createDiscipline",
    tag = "disciplines",
    request_body = CreateDiscipline,
    responses(
        (status = 201, description = "The discipline period created", body = DisciplineResponse, headers(("ETag" = String))),
        (status = 403, description = "Only officers and heads of the person's unit record discipline"),
        (status = 422, description = "Invalid fields: an unknown staff member, an end before the start"),
    )
)]
#[post("")]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    Json(body): Json<CreateDiscipline>,
) -> Result<HttpResponse, ApiError> {
    let actor = actor(&req, Some(&principal.user_id));
    let new = app::disciplines::NewDiscipline {
        staff_id: StaffId::from(body.staff_id),
        level: body.level,
        reason: body.reason,
        starts_on: body.starts_on,
        ends_on: body.ends_on,
    };
    let d = super::change(&state.pool, move |tx| {
        app::disciplines::create(tx, &principal, &actor, new)
    })
    .await?;
    Ok(tagged(
        StatusCode::CREATED,
        d.version,
        &DisciplineResponse::from(d),
    ))
}

/// Discipline records of staff in your scope (officers and heads only: it is personal).
#[utoipa::path(
    operation_id = "listDisciplines",
    tag = "disciplines",
    params(DisciplineQuery),
    responses((status = 200, description = "The discipline periods you may see, with the total", body = DisciplineList), (status = 403, description = "Only officers and heads read discipline"))
)]
#[get("")]
pub async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    Query(query): Query<DisciplineQuery>,
) -> Result<HttpResponse, ApiError> {
    let staff_id = query.staff_id.map(StaffId::from);
    let items = super::read(&state.pool, move |conn| {
        app::disciplines::list(conn, &principal, staff_id.as_ref())
    })
    .await?;
    Ok(HttpResponse::Ok().json(DisciplineList {
        total: items.len() as i64,
        items: items.into_iter().map(Into::into).collect(),
    }))
}

#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"ends_on": "2025-08-31"}))]
pub struct UpdateDiscipline {
    /// When it ends (`null`: it runs on).
    #[serde(default, deserialize_with = "double_option")]
    #[validate(custom(function = "validate::date"))]
    #[schema(value_type = Option<NaiveDate>)]
    pub ends_on: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "present")]
    #[validate(length(min = 1, max = 4000), custom(function = "validate::text"))]
    #[schema(nullable = false, min_length = 1, max_length = 4000)]
    pub reason: Option<String>,
}

/// Get a discipline record (officers and heads of the person's unit).
#[utoipa::path(
    operation_id = "getDiscipline",
    tag = "disciplines",
    params(("id" = String, Path, description = "Discipline id")),
    responses((status = 200, description = "The discipline period", body = DisciplineResponse, headers(("ETag" = String))), (status = 404, description = "No such record, or not yours to read"))
)]
#[get("/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let d = super::read(&state.pool, move |conn| {
        app::disciplines::get(conn, &principal, &id)
    })
    .await?;
    Ok(tagged(
        StatusCode::OK,
        d.version,
        &DisciplineResponse::from(d),
    ))
}

/// Set when a discipline ends, or correct its reason. The record stays: eligibility counts
/// achievements from its end.
#[utoipa::path(
    operation_id = "updateDiscipline",
    tag = "disciplines",
    params(("id" = String, Path, description = "Discipline id"), ("If-Match" = String, Header, description = "The ETag you read")),
    request_body = UpdateDiscipline,
    responses(
        (status = 200, description = "The discipline period as changed", body = DisciplineResponse, headers(("ETag" = String))),
        (status = 404, description = "No such record, or not yours to read"),
        (status = 412, description = "The record changed since you read it"),
        (status = 422, description = "An end before the start"),
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
    Json(body): Json<UpdateDiscipline>,
) -> Result<HttpResponse, ApiError> {
    let actor = actor(&req, Some(&principal.user_id));
    let changes = app::disciplines::DisciplineChanges {
        ends_on: body.ends_on,
        reason: body.reason,
    };
    let d = super::change(&state.pool, move |tx| {
        app::disciplines::update(tx, &principal, &actor, &id, version, changes)
    })
    .await?;
    Ok(tagged(
        StatusCode::OK,
        d.version,
        &DisciplineResponse::from(d),
    ))
}

//! `/api/v1/movements`: the emulation movements (phong trào thi đua) plans implement.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::AppState;
use crate::api::extract::{IfMatch, Json, Page, Query, actor, double_option, present, tagged};
use crate::api::list::{ListParams, SortQuery, check_year};
use crate::api::validate;
use crate::app;
use crate::auth::Principal;
use crate::domain::movements::{
    Movement, MovementFilter, MovementKind, MovementLevel, MovementSort, MovementStatus,
};
use crate::error::ApiError;
use crate::ids::OrgUnitId;

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019ab0a4-ae5f-7041-9c32-4d5e6f708192", "name": "Cả nước thi đua đổi mới sáng tạo và chuyển đổi số",
    "short_name": "Đổi mới sáng tạo và chuyển đổi số", "description": null, "level": "national", "kind": "thematic",
    "launched_by_id": null, "start_date": "2025-01-01", "end_date": "2030-12-31", "status": "active",
    "owner_unit_id": null, "version": 1,
    "created_at": "2026-11-23T08:00:00Z", "updated_at": "2026-11-23T08:00:00Z"
}))]
pub struct MovementResponse {
    pub id: String,
    pub name: String,
    pub short_name: Option<String>,
    pub description: Option<String>,
    pub level: MovementLevel,
    pub kind: MovementKind,
    /// The unit that launched it, when it is one of ours.
    pub launched_by_id: Option<String>,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub status: MovementStatus,
    /// The unit that keeps it: seen below and above that unit, changed by its officers.
    /// Null for a national movement, which every account sees and admins keep.
    pub owner_unit_id: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Movement> for MovementResponse {
    fn from(m: Movement) -> Self {
        let Movement {
            id,
            name,
            short_name,
            description,
            search_text: _,
            name_sort: _,
            level,
            kind,
            launched_by_id,
            start_date,
            end_date,
            status,
            version,
            created_at,
            updated_at,
            owner_unit_id,
        } = m;
        MovementResponse {
            id,
            name,
            short_name,
            description,
            level,
            kind,
            launched_by_id: launched_by_id.map(Into::into),
            start_date,
            end_date,
            status,
            owner_unit_id: owner_unit_id.map(Into::into),
            version,
            created_at: created_at.and_utc(),
            updated_at: updated_at.and_utc(),
        }
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Bình dân học vụ số", "level": "national", "kind": "thematic", "start_date": "2025-03-26", "end_date": "2030-12-31"}))]
pub struct CreateMovement {
    #[validate(length(min = 1, max = 500), custom(function = "validate::text"))]
    #[schema(min_length = 1, max_length = 500)]
    pub name: String,
    #[validate(length(min = 1, max = 200), custom(function = "validate::text"))]
    #[schema(min_length = 1, max_length = 200)]
    pub short_name: Option<String>,
    #[validate(length(max = 10000))]
    #[schema(max_length = 10000)]
    pub description: Option<String>,
    pub level: MovementLevel,
    pub kind: MovementKind,
    #[validate(custom(function = "validate::id"))]
    pub launched_by_id: Option<String>,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    /// The unit that keeps it (its officers change it). Without it, the caller's own unit;
    /// for an admin, none: a national movement.
    #[validate(custom(function = "validate::id"))]
    pub owner_unit_id: Option<String>,
}

#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"end_date": "2030-12-31"}))]
pub struct UpdateMovement {
    #[serde(default, deserialize_with = "present")]
    #[validate(length(min = 1, max = 500), custom(function = "validate::text"))]
    #[schema(nullable = false, min_length = 1, max_length = 500)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(length(min = 1, max = 200), custom(function = "validate::text"))]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 200)]
    pub short_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(length(max = 10000))]
    #[schema(value_type = Option<String>, max_length = 10000)]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub level: Option<MovementLevel>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub kind: Option<MovementKind>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(custom(function = "validate::id"))]
    #[schema(value_type = Option<String>)]
    pub launched_by_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub start_date: Option<NaiveDate>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub end_date: Option<NaiveDate>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub status: Option<MovementStatus>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MovementQuery {
    pub level: Option<MovementLevel>,
    pub kind: Option<MovementKind>,
    pub status: Option<MovementStatus>,
    /// Running at some time in this year.
    #[param(minimum = 1900, maximum = 2200)]
    pub year: Option<i32>,
}

/// List movements.
#[utoipa::path(
    operation_id = "listMovements",
    tag = "movements",
    params(ListParams, SortQuery<MovementSort>, MovementQuery),
    responses((status = 200, description = "One page of movements, with the total", body = Page<MovementResponse>), (status = 422, description = "Invalid parameters"))
)]
#[get("")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    Query(params): Query<ListParams>,
    Query(sort): Query<SortQuery<MovementSort>>,
    Query(query): Query<MovementQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = params.page()?;
    let sort = sort.or(MovementSort::Name)?;
    let filter = MovementFilter {
        q: params.q(),
        level: query.level,
        kind: query.kind,
        status: query.status,
        year: check_year(query.year)?,
        updated_since: params.updated_since(),
    };
    let (items, total) = super::read(&state.pool, move |conn| {
        app::movements::list(conn, &principal, filter, sort, page)
    })
    .await?;
    Ok(Page::of(items, total, page, MovementResponse::from).respond(&req))
}

/// Record a movement.
#[utoipa::path(
    operation_id = "createMovement",
    tag = "movements",
    request_body = CreateMovement,
    responses(
        (status = 201, description = "The movement created", body = MovementResponse, headers(("ETag" = String))),
        (status = 403, description = "National movements are the admins'; a unit's, its officers'"),
        (status = 422, description = "Invalid fields, or dates out of order"),
    )
)]
#[post("")]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    Json(body): Json<CreateMovement>,
) -> Result<HttpResponse, ApiError> {
    let actor = actor(&req, Some(&principal.user_id));
    let new = app::movements::NewMovement {
        name: body.name,
        short_name: body.short_name,
        description: body.description,
        level: body.level,
        kind: body.kind,
        launched_by_id: body.launched_by_id.map(OrgUnitId::from),
        start_date: body.start_date,
        end_date: body.end_date,
        owner_unit_id: body.owner_unit_id.map(OrgUnitId::from),
    };
    let m = super::change(&state.pool, move |tx| {
        app::movements::create(tx, &principal, &actor, new)
    })
    .await?;
    Ok(tagged(
        StatusCode::CREATED,
        m.version,
        &MovementResponse::from(m),
    ))
}

/// Get a movement.
#[utoipa::path(
    operation_id = "getMovement",
    tag = "movements",
    params(("id" = String, Path, description = "Movement id")),
    responses((status = 200, description = "The movement", body = MovementResponse, headers(("ETag" = String))), (status = 404, description = "No such movement"))
)]
#[get("/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let m = super::read(&state.pool, move |conn| {
        app::movements::get(conn, &principal, &id)
    })
    .await?;
    Ok(tagged(
        StatusCode::OK,
        m.version,
        &MovementResponse::from(m),
    ))
}

/// Change a movement, or close or cancel it (`status`).
#[utoipa::path(
    operation_id = "updateMovement",
    tag = "movements",
    params(("id" = String, Path, description = "Movement id"), ("If-Match" = String, Header, description = "The ETag you read")),
    request_body = UpdateMovement,
    responses(
        (status = 200, description = "The movement as changed", body = MovementResponse, headers(("ETag" = String))),
        (status = 403, description = "National movements are the admins'; a unit's, its officers'"),
        (status = 404, description = "No such movement"),
        (status = 412, description = "The movement changed since you read it"),
        (status = 422, description = "Invalid fields, or dates out of order"),
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
    Json(body): Json<UpdateMovement>,
) -> Result<HttpResponse, ApiError> {
    let actor = actor(&req, Some(&principal.user_id));
    let changes = app::movements::MovementChanges {
        name: body.name,
        short_name: body.short_name,
        description: body.description,
        level: body.level,
        kind: body.kind,
        launched_by_id: body.launched_by_id.map(|v| v.map(OrgUnitId::from)),
        start_date: body.start_date,
        end_date: body.end_date,
        status: body.status,
    };
    let m = super::change(&state.pool, move |tx| {
        app::movements::update(tx, &principal, &actor, &id, version, changes)
    })
    .await?;
    Ok(tagged(
        StatusCode::OK,
        m.version,
        &MovementResponse::from(m),
    ))
}

//! `/api/v1/initiatives` (sáng kiến): recognised initiatives with their authors and the
//! scope of their effect, which eligibility reads.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::AppState;
use crate::api::extract::{IfMatch, Json, Page, Query, actor, present, tagged};
use crate::api::list::{ListParams, check_year};
use crate::api::validate;
use crate::app;
use crate::auth::Principal;
use crate::domain::initiatives::{Initiative, InitiativeDetail, InitiativeFilter, InitiativeScope};
use crate::error::ApiError;
use crate::ids::{OrgUnitId, StaffId};

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019ab0a4-f500-7000-8000-000000000001", "title": "Số hóa hồ sơ một cửa tại Văn phòng UBND tỉnh",
    "org_unit_id": "019ab0a4-a000-7000-8000-000000000002", "scope": "province",
    "recognised_by": "Hội đồng Sáng kiến tỉnh Nghệ An", "document_number": "112/QĐ-HĐSK",
    "recognised_on": "2025-11-20", "author_ids": ["019ab0a4-a300-7000-8000-000000000001"],
    "active": true, "version": 1, "created_at": "2025-11-21T08:00:00Z", "updated_at": "2025-11-21T08:00:00Z"
}))]
pub struct InitiativeResponse {
    pub id: String,
    pub title: String,
    /// The unit the initiative belongs to.
    pub org_unit_id: String,
    /// How far its effect reaches: unit, province or nation.
    pub scope: InitiativeScope,
    /// The council or body that recognised it.
    pub recognised_by: String,
    /// The recognising decision or confirmation.
    pub document_number: String,
    pub recognised_on: NaiveDate,
    /// Staff who wrote it (absent in lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author_ids: Option<Vec<String>>,
    pub active: bool,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl InitiativeResponse {
    fn new(i: Initiative, author_ids: Option<Vec<String>>) -> Self {
        InitiativeResponse {
            scope: i.scope,
            id: i.id,
            title: i.title,
            org_unit_id: i.org_unit_id.into(),
            recognised_by: i.recognised_by,
            document_number: i.document_number,
            recognised_on: i.recognised_on,
            author_ids,
            active: i.active,
            version: i.version,
            created_at: i.created_at.and_utc(),
            updated_at: i.updated_at.and_utc(),
        }
    }
}

impl From<InitiativeDetail> for InitiativeResponse {
    fn from(d: InitiativeDetail) -> Self {
        InitiativeResponse::new(
            d.initiative,
            Some(d.author_ids.into_iter().map(Into::into).collect()),
        )
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "title": "Số hóa hồ sơ một cửa tại Văn phòng UBND tỉnh", "org_unit_id": "019ab0a4-a000-7000-8000-000000000002",
    "scope": "province", "recognised_by": "Hội đồng Sáng kiến tỉnh Nghệ An", "document_number": "112/QĐ-HĐSK",
    "recognised_on": "2025-11-20", "author_ids": ["019ab0a4-a300-7000-8000-000000000001"]
}))]
pub struct CreateInitiative {
    #[validate(length(min = 1, max = 1000), custom(function = "validate::text"))]
    #[schema(min_length = 1, max_length = 1000)]
    pub title: String,
    #[validate(custom(function = "validate::id"))]
    pub org_unit_id: String,
    pub scope: InitiativeScope,
    #[validate(length(min = 1, max = 300), custom(function = "validate::text"))]
    #[schema(min_length = 1, max_length = 300)]
    pub recognised_by: String,
    #[validate(length(min = 1, max = 100), custom(function = "validate::text"))]
    #[schema(min_length = 1, max_length = 100)]
    pub document_number: String,
    #[validate(custom(function = "validate::date"))]
    pub recognised_on: NaiveDate,
    /// Staff of the unit's subtree who wrote it.
    #[validate(length(min = 1, max = 50), custom(function = "validate::ids"))]
    #[schema(min_items = 1, max_items = 50)]
    pub author_ids: Vec<String>,
}

#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"scope": "nation", "document_number": "15/QĐ-BNV"}))]
pub struct UpdateInitiative {
    #[serde(default, deserialize_with = "present")]
    #[validate(length(min = 1, max = 1000), custom(function = "validate::text"))]
    #[schema(nullable = false, min_length = 1, max_length = 1000)]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub scope: Option<InitiativeScope>,
    #[serde(default, deserialize_with = "present")]
    #[validate(length(min = 1, max = 300), custom(function = "validate::text"))]
    #[schema(nullable = false, min_length = 1, max_length = 300)]
    pub recognised_by: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[validate(length(min = 1, max = 100), custom(function = "validate::text"))]
    #[schema(nullable = false, min_length = 1, max_length = 100)]
    pub document_number: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    #[validate(custom(function = "validate::date"))]
    pub recognised_on: Option<NaiveDate>,
    #[serde(default, deserialize_with = "present")]
    #[validate(length(min = 1, max = 50), custom(function = "validate::ids"))]
    #[schema(nullable = false)]
    pub author_ids: Option<Vec<String>>,
    /// `false` archives it (eligibility no longer reads it).
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub active: Option<bool>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InitiativeQuery {
    pub author_id: Option<String>,
    pub scope: Option<InitiativeScope>,
    /// Recognised in this year.
    #[param(minimum = 1900, maximum = 2200)]
    pub year: Option<i32>,
}

/// List initiatives of units in your scope, latest recognised first.
#[utoipa::path(
    operation_id = "listInitiatives",
    tag = "initiatives",
    params(ListParams, InitiativeQuery),
    responses((status = 200, description = "One page of initiatives, with the total", body = Page<InitiativeResponse>), (status = 422, description = "Invalid parameters"))
)]
#[get("")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    Query(params): Query<ListParams>,
    Query(query): Query<InitiativeQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = params.page()?;
    let filter = InitiativeFilter {
        q: params.q(),
        author_id: query.author_id.map(StaffId::from),
        scope: query.scope,
        year: check_year(query.year)?,
    };
    let (items, total) = super::read(&state.pool, move |conn| {
        app::initiatives::list(conn, &principal, filter, page)
    })
    .await?;
    Ok(Page::of(items, total, page, |i| InitiativeResponse::new(i, None)).respond(&req))
}

/// Record a recognised initiative of a unit and its authors (officers and heads of the unit).
#[utoipa::path(
    operation_id = "createInitiative",
    tag = "initiatives",
    request_body = CreateInitiative,
    responses(
        (status = 201, description = "The initiative created", body = InitiativeResponse, headers(("ETag" = String))),
        (status = 403, description = "Only officers and heads of the unit record its initiatives; a province-wide scope is for officers, a national one for admins"),
        (status = 422, description = "Invalid fields, or an author who is not staff of the unit's subtree"),
    )
)]
#[post("")]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    Json(body): Json<CreateInitiative>,
) -> Result<HttpResponse, ApiError> {
    let actor = actor(&req, Some(&principal.user_id));
    let new = app::initiatives::NewInitiative {
        title: body.title,
        org_unit_id: OrgUnitId::from(body.org_unit_id),
        scope: body.scope,
        recognised_by: body.recognised_by,
        document_number: body.document_number,
        recognised_on: body.recognised_on,
        author_ids: body.author_ids.into_iter().map(StaffId::from).collect(),
    };
    let d = super::change(&state.pool, move |tx| {
        app::initiatives::create(tx, &principal, &actor, new)
    })
    .await?;
    Ok(tagged(
        StatusCode::CREATED,
        d.initiative.version,
        &InitiativeResponse::from(d),
    ))
}

/// Get an initiative with its authors.
#[utoipa::path(
    operation_id = "getInitiative",
    tag = "initiatives",
    params(("id" = String, Path, description = "Initiative id")),
    responses((status = 200, description = "The initiative", body = InitiativeResponse, headers(("ETag" = String))), (status = 404, description = "No such initiative, or not visible to you"))
)]
#[get("/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let d = super::read(&state.pool, move |conn| {
        app::initiatives::get(conn, &principal, &id)
    })
    .await?;
    Ok(tagged(
        StatusCode::OK,
        d.initiative.version,
        &InitiativeResponse::from(d),
    ))
}

/// Change an initiative (its scope when recognised again higher up, its authors), or
/// archive it.
#[utoipa::path(
    operation_id = "updateInitiative",
    tag = "initiatives",
    params(("id" = String, Path, description = "Initiative id"), ("If-Match" = String, Header, description = "The ETag you read")),
    request_body = UpdateInitiative,
    responses(
        (status = 200, description = "The initiative as changed", body = InitiativeResponse, headers(("ETag" = String))),
        (status = 403, description = "Only officers and heads of the unit change its initiatives; a province-wide scope is for officers, a national one for admins"),
        (status = 404, description = "No such initiative, or not visible to you"),
        (status = 412, description = "The initiative changed since you read it"),
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
    Json(body): Json<UpdateInitiative>,
) -> Result<HttpResponse, ApiError> {
    let actor = actor(&req, Some(&principal.user_id));
    let changes = app::initiatives::InitiativeChanges {
        title: body.title,
        scope: body.scope,
        recognised_by: body.recognised_by,
        document_number: body.document_number,
        recognised_on: body.recognised_on,
        author_ids: body
            .author_ids
            .map(|ids| ids.into_iter().map(StaffId::from).collect()),
        active: body.active,
    };
    let d = super::change(&state.pool, move |tx| {
        app::initiatives::update(tx, &principal, &actor, &id, version, changes)
    })
    .await?;
    Ok(tagged(
        StatusCode::OK,
        d.initiative.version,
        &InitiativeResponse::from(d),
    ))
}

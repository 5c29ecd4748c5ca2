//! `/api/v1/org-units`: the tree of units that scopes every account.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::AppState;
use crate::api::extract::{IfMatch, Json, Page, Query, actor, tagged};
use crate::api::list::{ListParams, SortQuery};
use crate::api::validate;
use crate::app::{self, org_units::UnitTree};
use crate::auth::Principal;
use crate::domain::org_units::{OrgUnit, OrgUnitKind, OrgUnitSort};
use crate::error::ApiError;
use crate::ids::OrgUnitId;

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019ab0a4-6a1e-7c3a-9d0e-2f1c8a7b5e41", "code": "000.00.00.H42",
    "name": "Ủy ban nhân dân tỉnh Hà Tĩnh", "kind": "province", "parent_id": null,
    "active": true, "version": 1,
    "created_at": "2026-11-23T08:00:00Z", "updated_at": "2026-11-23T08:00:00Z"
}))]
pub struct OrgUnitResponse {
    pub id: String,
    /// The agency's electronic identification code (QĐ 20/2020/QĐ-TTg) where it has one.
    pub code: String,
    pub name: String,
    pub kind: OrgUnitKind,
    pub parent_id: Option<String>,
    pub active: bool,
    /// Increases with every change; the `ETag` is `"v{version}"`.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<OrgUnit> for OrgUnitResponse {
    fn from(unit: OrgUnit) -> Self {
        let OrgUnit {
            id,
            code,
            name,
            name_search: _,
            name_sort: _,
            kind,
            parent_id,
            path: _,
            active,
            version,
            created_at,
            updated_at,
        } = unit;
        OrgUnitResponse {
            id: id.into(),
            code,
            name,
            kind,
            parent_id: parent_id.map(Into::into),
            active,
            version,
            created_at: created_at.and_utc(),
            updated_at: updated_at.and_utc(),
        }
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"code": "000.01.42.H42", "name": "Sở Nội vụ tỉnh Hà Tĩnh", "kind": "agency", "parent_id": "019ab0a4-6a1e-7c3a-9d0e-2f1c8a7b5e41"}))]
pub struct CreateOrgUnit {
    #[validate(custom(function = "validate::code"))]
    #[schema(
        min_length = 1,
        max_length = 50,
        pattern = r"^[A-Za-z0-9][A-Za-z0-9._\-/]{0,49}$"
    )]
    pub code: String,
    #[validate(length(min = 1, max = 300), custom(function = "validate::text"))]
    #[schema(min_length = 1, max_length = 300)]
    pub name: String,
    pub kind: OrgUnitKind,
    /// The unit above; omit for a root (admins only).
    #[validate(custom(function = "validate::id"))]
    pub parent_id: Option<String>,
}

#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Sở Nội vụ"}))]
pub struct UpdateOrgUnit {
    #[validate(custom(function = "validate::code"))]
    #[schema(
        min_length = 1,
        max_length = 50,
        pattern = r"^[A-Za-z0-9][A-Za-z0-9._\-/]{0,49}$"
    )]
    #[serde(default, deserialize_with = "crate::api::extract::present")]
    #[schema(nullable = false)]
    pub code: Option<String>,
    #[validate(length(min = 1, max = 300), custom(function = "validate::text"))]
    #[schema(min_length = 1, max_length = 300)]
    #[serde(default, deserialize_with = "crate::api::extract::present")]
    #[schema(nullable = false)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "crate::api::extract::present")]
    #[schema(nullable = false)]
    pub kind: Option<OrgUnitKind>,
    /// Move the unit under another; `null` makes it a root (admins only).
    #[serde(default, deserialize_with = "crate::api::extract::double_option")]
    #[validate(custom(function = "validate::id"))]
    #[schema(value_type = Option<String>)]
    pub parent_id: Option<Option<String>>,
    /// `false` archives, `true` restores.
    #[serde(default, deserialize_with = "crate::api::extract::present")]
    #[schema(nullable = false)]
    pub active: Option<bool>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrgUnitQuery {
    pub kind: Option<OrgUnitKind>,
    /// Direct children of this unit.
    pub parent_id: Option<String>,
    /// The whole subtree under this unit (itself included).
    pub under: Option<String>,
    pub active: Option<bool>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TreeQuery {
    /// Include archived units (default: only active ones).
    pub include_archived: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrgUnitNode {
    #[serde(flatten)]
    pub unit: OrgUnitResponse,
    #[schema(no_recursion)]
    pub children: Vec<OrgUnitNode>,
}

impl From<UnitTree> for OrgUnitNode {
    fn from(t: UnitTree) -> Self {
        OrgUnitNode {
            unit: t.unit.into(),
            children: t.children.into_iter().map(OrgUnitNode::from).collect(),
        }
    }
}

/// List org units in your scope.
#[utoipa::path(
    operation_id = "listOrgUnits",
    tag = "org-units",
    params(ListParams, SortQuery<OrgUnitSort>, OrgUnitQuery),
    responses((status = 200, description = "One page of units, with the total", body = Page<OrgUnitResponse>), (status = 422, description = "Invalid parameters"))
)]
#[get("")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    Query(params): Query<ListParams>,
    Query(sort): Query<SortQuery<OrgUnitSort>>,
    Query(query): Query<OrgUnitQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = params.page()?;
    let sort = sort.or(OrgUnitSort::Name)?;
    let query = app::org_units::ListQuery {
        q: params.q(),
        kind: query.kind,
        parent_id: query.parent_id.map(OrgUnitId::from),
        under: query.under.map(OrgUnitId::from),
        active: query.active,
        updated_since: params.updated_since(),
    };
    let (items, total) = super::read(&state.pool, move |conn| {
        app::org_units::list(conn, &principal, query, sort, page)
    })
    .await?;
    Ok(Page::of(items, total, page, OrgUnitResponse::from).respond(&req))
}

/// Create an org unit.
#[utoipa::path(
    operation_id = "createOrgUnit",
    tag = "org-units",
    request_body = CreateOrgUnit,
    responses(
        (status = 201, description = "The unit created", body = OrgUnitResponse, headers(("ETag" = String))),
        (status = 403, description = "Your roles do not allow creating units here"),
        (status = 409, description = "The code is taken"),
        (status = 422, description = "Invalid fields, or the parent does not exist"),
    )
)]
#[post("")]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    Json(body): Json<CreateOrgUnit>,
) -> Result<HttpResponse, ApiError> {
    let actor = actor(&req, Some(&principal.user_id));
    let new = app::org_units::NewUnit {
        code: body.code,
        name: body.name,
        kind: body.kind,
        parent_id: body.parent_id.map(OrgUnitId::from),
    };
    let unit = super::change(&state.pool, move |tx| {
        app::org_units::create(tx, &principal, &actor, new)
    })
    .await?;
    Ok(tagged(
        StatusCode::CREATED,
        unit.version,
        &OrgUnitResponse::from(unit),
    ))
}

/// Get an org unit.
#[utoipa::path(
    operation_id = "getOrgUnit",
    tag = "org-units",
    params(("id" = String, Path, description = "Org unit id")),
    responses(
        (status = 200, description = "The unit", body = OrgUnitResponse, headers(("ETag" = String))),
        (status = 404, description = "No such unit, or outside your scope"),
    )
)]
#[get("/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = OrgUnitId::from(id.into_inner());
    let unit = super::read(&state.pool, move |conn| {
        app::org_units::get(conn, &principal, &id)
    })
    .await?;
    Ok(tagged(
        StatusCode::OK,
        unit.version,
        &OrgUnitResponse::from(unit),
    ))
}

/// Change an org unit: its code, name, kind, parent or active flag.
#[utoipa::path(
    operation_id = "updateOrgUnit",
    tag = "org-units",
    params(("id" = String, Path, description = "Org unit id"), ("If-Match" = String, Header, description = "The ETag you read")),
    request_body = UpdateOrgUnit,
    responses(
        (status = 200, description = "The unit as changed", body = OrgUnitResponse, headers(("ETag" = String))),
        (status = 403, description = "Your roles do not allow changing this unit"),
        (status = 404, description = "No such unit, or outside your scope"),
        (status = 409, description = "The code is taken, or the unit still has active sub-units or staff"),
        (status = 412, description = "The unit changed since you read it"),
        (status = 422, description = "Invalid fields, a missing parent, or a move that makes a cycle"),
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
    Json(body): Json<UpdateOrgUnit>,
) -> Result<HttpResponse, ApiError> {
    let id = OrgUnitId::from(id.into_inner());
    let actor = actor(&req, Some(&principal.user_id));
    let changes = app::org_units::UnitChanges {
        code: body.code,
        name: body.name,
        kind: body.kind,
        parent_id: body.parent_id.map(|v| v.map(OrgUnitId::from)),
        active: body.active,
    };
    let unit = super::change(&state.pool, move |tx| {
        app::org_units::update(tx, &principal, &actor, &id, version, changes)
    })
    .await?;
    Ok(tagged(
        StatusCode::OK,
        unit.version,
        &OrgUnitResponse::from(unit),
    ))
}

/// Archive an org unit. Units are never deleted: their history stays.
#[utoipa::path(
    operation_id = "archiveOrgUnit",
    tag = "org-units",
    params(("id" = String, Path, description = "Org unit id"), ("If-Match" = String, Header, description = "The ETag you read")),
    responses(
        (status = 200, description = "The unit, archived", body = OrgUnitResponse, headers(("ETag" = String))),
        (status = 403, description = "Your roles do not allow archiving this unit"),
        (status = 404, description = "No such unit, or outside your scope"),
        (status = 409, description = "The unit still has active sub-units or staff"),
        (status = 412, description = "The unit changed since you read it"),
        (status = 428, description = "If-Match is missing"),
    )
)]
#[post("/{id}/archive")]
pub async fn archive(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
) -> Result<HttpResponse, ApiError> {
    let id = OrgUnitId::from(id.into_inner());
    let actor = actor(&req, Some(&principal.user_id));
    let unit = super::change(&state.pool, move |tx| {
        app::org_units::archive(tx, &principal, &actor, &id, version)
    })
    .await?;
    Ok(tagged(
        StatusCode::OK,
        unit.version,
        &OrgUnitResponse::from(unit),
    ))
}

/// A unit with all its descendants, nested, in Vietnamese name order.
#[utoipa::path(
    operation_id = "getOrgUnitTree",
    tag = "org-units",
    params(("id" = String, Path, description = "Org unit id"), TreeQuery),
    responses(
        (status = 200, description = "The unit and every active unit below it, as a tree", body = OrgUnitNode),
        (status = 404, description = "No such unit, or outside your scope"),
    )
)]
#[get("/{id}/tree")]
pub async fn tree(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    Query(query): Query<TreeQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = OrgUnitId::from(id.into_inner());
    let include_archived = query.include_archived.unwrap_or(false);
    let tree = super::read(&state.pool, move |conn| {
        app::org_units::tree(conn, &principal, &id, include_archived)
    })
    .await?;
    Ok(HttpResponse::Ok().json(OrgUnitNode::from(tree)))
}

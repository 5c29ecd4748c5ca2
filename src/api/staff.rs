//! `/api/v1/staff`: the people of the units (cán bộ, công chức, viên chức, người lao động).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::AppState;
use crate::api::extract::{IfMatch, Json, Page, Query, actor, double_option, tagged};
use crate::api::list::{ListParams, SortQuery};
use crate::api::validate;
use crate::app::{
    self,
    staff::{StaffChanges, StaffView},
};
use crate::auth::Principal;
use crate::domain::staff::{Gender, Staff, StaffCategory, StaffSort};
use crate::error::ApiError;
use crate::ids::{OrgUnitId, StaffId};

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019ab0a4-7b2c-7d1e-8f00-1a2b3c4d5e6f", "staff_code": "CB-0012",
    "full_name": "Nguyễn Thị Hương", "org_unit_id": "019ab0a4-6a1e-7c3a-9d0e-2f1c8a7b5e41",
    "position": "Chuyên viên", "category": "cong_chuc", "email": "huong.nt@hatinh.gov.vn",
    "gender": "female", "personal_id": "*********123", "active": true, "version": 1,
    "created_at": "2026-11-23T08:00:00Z", "updated_at": "2026-11-23T08:00:00Z"
}))]
pub struct StaffResponse {
    pub id: String,
    pub staff_code: Option<String>,
    pub full_name: String,
    pub org_unit_id: String,
    pub position: Option<String>,
    pub category: StaffCategory,
    pub email: Option<String>,
    pub gender: Option<Gender>,
    /// The 12-digit personal identification number; masked except for admins.
    pub personal_id: Option<String>,
    pub active: bool,
    /// The account that is theirs, if any: to name them where an account is asked for
    /// (a council's members). Its roles and unit are for admins (`/users`).
    pub account: Option<StaffAccountRef>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A staff member's account, as those who see the staff member see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffAccountRef {
    pub id: String,
    pub username: String,
    pub active: bool,
}

impl From<StaffView> for StaffResponse {
    /// The wire form of a record as the service gave it (masked for its viewer).
    fn from(view: StaffView) -> Self {
        let StaffView {
            staff: row,
            account,
        } = view;
        let Staff {
            id,
            staff_code,
            full_name,
            name_search: _,
            name_sort: _,
            org_unit_id,
            position,
            category,
            email,
            gender,
            personal_id,
            active,
            version,
            created_at,
            updated_at,
        } = row;
        StaffResponse {
            id: id.into(),
            staff_code,
            full_name,
            org_unit_id: org_unit_id.into(),
            position,
            category,
            email,
            gender,
            personal_id,
            active,
            account: account.map(|a| StaffAccountRef {
                id: a.id.into(),
                username: a.username,
                active: a.active,
            }),
            version,
            created_at: created_at.and_utc(),
            updated_at: updated_at.and_utc(),
        }
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "full_name": "Nguyễn Thị Hương", "org_unit_id": "019ab0a4-6a1e-7c3a-9d0e-2f1c8a7b5e41",
    "category": "cong_chuc", "position": "Chuyên viên", "staff_code": "CB-0012",
    "email": "huong.nt@hatinh.gov.vn", "gender": "female"
}))]
pub struct CreateStaff {
    #[validate(length(min = 1, max = 200), custom(function = "validate::text"))]
    #[schema(min_length = 1, max_length = 200)]
    pub full_name: String,
    #[validate(custom(function = "validate::id"))]
    pub org_unit_id: String,
    pub category: StaffCategory,
    #[validate(length(min = 1, max = 200), custom(function = "validate::text"))]
    #[schema(min_length = 1, max_length = 200)]
    pub position: Option<String>,
    #[validate(custom(function = "validate::code"))]
    #[schema(min_length = 1, max_length = 50)]
    pub staff_code: Option<String>,
    #[validate(email, length(max = 254))]
    #[schema(format = Email, max_length = 254)]
    pub email: Option<String>,
    pub gender: Option<Gender>,
    /// 12 digits (căn cước công dân).
    #[validate(custom(function = "validate::personal_id"))]
    #[schema(pattern = r"^\d{12}$")]
    pub personal_id: Option<String>,
}

#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"position": "Phó Trưởng phòng"}))]
pub struct UpdateStaff {
    #[validate(length(min = 1, max = 200), custom(function = "validate::text"))]
    #[schema(min_length = 1, max_length = 200)]
    #[serde(default, deserialize_with = "crate::api::extract::present")]
    #[schema(nullable = false)]
    pub full_name: Option<String>,
    /// Move to another unit (in your scope).
    #[validate(custom(function = "validate::id"))]
    #[serde(default, deserialize_with = "crate::api::extract::present")]
    #[schema(nullable = false)]
    pub org_unit_id: Option<String>,
    #[serde(default, deserialize_with = "crate::api::extract::present")]
    #[schema(nullable = false)]
    pub category: Option<StaffCategory>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(length(min = 1, max = 200), custom(function = "validate::text"))]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 200)]
    pub position: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(custom(function = "validate::code"))]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 50)]
    pub staff_code: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(email, length(max = 254))]
    #[schema(value_type = Option<String>, format = Email, max_length = 254)]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Gender>)]
    pub gender: Option<Option<Gender>>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(custom(function = "validate::personal_id"))]
    #[schema(value_type = Option<String>, pattern = r"^\d{12}$")]
    pub personal_id: Option<Option<String>>,
    /// `false` archives (the person left), `true` restores.
    #[serde(default, deserialize_with = "crate::api::extract::present")]
    #[schema(nullable = false)]
    pub active: Option<bool>,
}

impl From<UpdateStaff> for StaffChanges {
    fn from(b: UpdateStaff) -> Self {
        StaffChanges {
            full_name: b.full_name,
            org_unit_id: b.org_unit_id.map(OrgUnitId::from),
            category: b.category,
            position: b.position,
            staff_code: b.staff_code,
            email: b.email,
            gender: b.gender,
            personal_id: b.personal_id,
            active: b.active,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StaffQuery {
    /// Staff of exactly this unit.
    pub org_unit_id: Option<String>,
    /// Staff of this unit's whole subtree.
    pub under: Option<String>,
    pub category: Option<StaffCategory>,
    pub gender: Option<Gender>,
    pub active: Option<bool>,
}

/// List staff you may see, in Vietnamese name order (given name first) unless sorted otherwise.
#[utoipa::path(
    operation_id = "listStaff",
    tag = "staff",
    params(ListParams, SortQuery<StaffSort>, StaffQuery),
    responses((status = 200, description = "One page of staff members, with the total", body = Page<StaffResponse>), (status = 422, description = "Invalid parameters"))
)]
#[get("")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    Query(params): Query<ListParams>,
    Query(sort): Query<SortQuery<StaffSort>>,
    Query(query): Query<StaffQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = params.page()?;
    let sort = sort.or(StaffSort::FullName)?;
    let query = app::staff::ListQuery {
        q: params.q(),
        org_unit_id: query.org_unit_id.map(OrgUnitId::from),
        under: query.under.map(OrgUnitId::from),
        category: query.category,
        gender: query.gender,
        active: query.active,
        updated_since: params.updated_since(),
    };
    let (items, total) = super::read(&state.pool, move |conn| {
        app::staff::list(conn, &principal, query, sort, page)
    })
    .await?;
    Ok(Page::of(items, total, page, StaffResponse::from).respond(&req))
}

/// Add a staff member to a unit.
#[utoipa::path(
    operation_id = "createStaff",
    tag = "staff",
    request_body = CreateStaff,
    responses(
        (status = 201, description = "The staff member created", body = StaffResponse, headers(("ETag" = String))),
        (status = 403, description = "Your roles do not allow keeping this unit's staff, or setting a personal id (admins only)"),
        (status = 409, description = "The staff code, email or personal id is taken"),
        (status = 422, description = "Invalid fields, or the unit does not exist"),
    )
)]
#[post("")]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    Json(body): Json<CreateStaff>,
) -> Result<HttpResponse, ApiError> {
    let actor = actor(&req, Some(&principal.user_id));
    let new = app::staff::NewStaff {
        org_unit_id: OrgUnitId::from(body.org_unit_id),
        full_name: body.full_name,
        staff_code: body.staff_code,
        position: body.position,
        category: body.category,
        email: body.email,
        gender: body.gender,
        personal_id: body.personal_id,
    };
    let row = super::change(&state.pool, move |tx| {
        app::staff::create(tx, &principal, &actor, new)
    })
    .await?;
    Ok(tagged(
        StatusCode::CREATED,
        row.staff.version,
        &StaffResponse::from(row),
    ))
}

/// Get a staff member.
#[utoipa::path(
    operation_id = "getStaff",
    tag = "staff",
    params(("id" = String, Path, description = "Staff id")),
    responses(
        (status = 200, description = "The staff member", body = StaffResponse, headers(("ETag" = String))),
        (status = 404, description = "No such staff member, or not visible to you"),
    )
)]
#[get("/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = StaffId::from(id.into_inner());
    let row = super::read(&state.pool, move |conn| {
        app::staff::get(conn, &principal, &id)
    })
    .await?;
    Ok(tagged(
        StatusCode::OK,
        row.staff.version,
        &StaffResponse::from(row),
    ))
}

/// Change a staff member, move them to another unit, or archive them (`active: false`).
#[utoipa::path(
    operation_id = "updateStaff",
    tag = "staff",
    params(("id" = String, Path, description = "Staff id"), ("If-Match" = String, Header, description = "The ETag you read")),
    request_body = UpdateStaff,
    responses(
        (status = 200, description = "The staff member as changed", body = StaffResponse, headers(("ETag" = String))),
        (status = 403, description = "Your roles do not allow changing this record"),
        (status = 404, description = "No such staff member, or not visible to you"),
        (status = 409, description = "The staff code, email or personal id is taken"),
        (status = 412, description = "The record changed since you read it"),
        (status = 422, description = "Invalid fields"),
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
    Json(body): Json<UpdateStaff>,
) -> Result<HttpResponse, ApiError> {
    let id = StaffId::from(id.into_inner());
    let actor = actor(&req, Some(&principal.user_id));
    let changes = app::staff::StaffChanges::from(body);
    let row = super::change(&state.pool, move |tx| {
        app::staff::update(tx, &principal, &actor, &id, version, changes)
    })
    .await?;
    Ok(tagged(
        StatusCode::OK,
        row.staff.version,
        &StaffResponse::from(row),
    ))
}

/// Archive a staff member (they left). Records are never deleted: evidence and awards keep them.
#[utoipa::path(
    operation_id = "archiveStaff",
    tag = "staff",
    params(("id" = String, Path, description = "Staff id"), ("If-Match" = String, Header, description = "The ETag you read")),
    responses(
        (status = 200, description = "The staff member, archived", body = StaffResponse, headers(("ETag" = String))),
        (status = 403, description = "Your roles do not allow changing this record"),
        (status = 404, description = "No such staff member, or not visible to you"),
        (status = 412, description = "The record changed since you read it"),
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
    let id = StaffId::from(id.into_inner());
    let actor = actor(&req, Some(&principal.user_id));
    let row = super::change(&state.pool, move |tx| {
        app::staff::archive(tx, &principal, &actor, &id, version)
    })
    .await?;
    Ok(tagged(
        StatusCode::OK,
        row.staff.version,
        &StaffResponse::from(row),
    ))
}

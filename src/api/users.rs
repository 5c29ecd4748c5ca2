//! `/api/v1/users`: accounts, for admins.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::AppState;
use crate::api::extract::{IfMatch, Json, Page, Query, actor, double_option, tagged};
use crate::api::list::{ListParams, SortQuery};
use crate::api::validate;
use crate::app;
use crate::auth::Admin;
use crate::domain::users::{Role, User, UserChanges, UserSort};
use crate::error::ApiError;
use crate::ids::{OrgUnitId, StaffId, UserId};

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019ab0a4-8c3d-7e2f-9a10-2b3c4d5e6f70", "username": "huong.nt", "roles": ["manager"],
    "org_unit_id": "019ab0a4-6a1e-7c3a-9d0e-2f1c8a7b5e41", "staff_id": null, "active": true,
    "version": 1, "created_at": "2026-11-23T08:00:00Z", "updated_at": "2026-11-23T08:00:00Z"
}))]
pub struct UserResponse {
    pub id: String,
    pub username: String,
    pub roles: Vec<Role>,
    /// The unit whose subtree the account acts in.
    pub org_unit_id: Option<String>,
    /// The person this account belongs to, if any.
    pub staff_id: Option<String>,
    pub active: bool,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<User> for UserResponse {
    fn from(user: User) -> Self {
        let roles = user.roles();
        let User {
            id,
            username,
            password_hash: _,
            roles: _,
            org_unit_id,
            staff_id,
            active,
            version,
            created_at,
            updated_at,
        } = user;
        UserResponse {
            id: id.into(),
            username,
            roles,
            org_unit_id: org_unit_id.map(Into::into),
            staff_id: staff_id.map(Into::into),
            active,
            version,
            created_at: created_at.and_utc(),
            updated_at: updated_at.and_utc(),
        }
    }
}

fn validate_roles(roles: &[Role]) -> Result<(), validator::ValidationError> {
    if roles.is_empty() {
        let mut e = validator::ValidationError::new("required");
        e.message = Some("give at least one role".into());
        return Err(e);
    }
    Ok(())
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "username": "huong.nt", "password": "mật-khẩu-dài-2026", "roles": ["manager"],
    "org_unit_id": "019ab0a4-6a1e-7c3a-9d0e-2f1c8a7b5e41"
}))]
pub struct CreateUser {
    #[validate(custom(function = "validate::username"))]
    #[schema(
        min_length = 3,
        max_length = 64,
        pattern = r"^[A-Za-z0-9][A-Za-z0-9._\-]{2,63}$"
    )]
    pub username: String,
    #[validate(custom(function = "validate::password"))]
    #[schema(min_length = 8, max_length = 128, format = Password)]
    pub password: String,
    #[validate(custom(function = "validate_roles"))]
    #[schema(min_items = 1)]
    pub roles: Vec<Role>,
    /// Required for every role but admin.
    #[validate(custom(function = "validate::id"))]
    pub org_unit_id: Option<String>,
    #[validate(custom(function = "validate::id"))]
    pub staff_id: Option<String>,
}

#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"roles": ["manager", "council"]}))]
pub struct UpdateUser {
    #[validate(custom(function = "validate_roles"))]
    #[schema(min_items = 1)]
    #[serde(default, deserialize_with = "crate::api::extract::present")]
    #[schema(nullable = false)]
    pub roles: Option<Vec<Role>>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(custom(function = "validate::id"))]
    #[schema(value_type = Option<String>)]
    pub org_unit_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(custom(function = "validate::id"))]
    #[schema(value_type = Option<String>)]
    pub staff_id: Option<Option<String>>,
    /// `false` disables the account and ends its sessions.
    #[serde(default, deserialize_with = "crate::api::extract::present")]
    #[schema(nullable = false)]
    pub active: Option<bool>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetPassword {
    #[validate(custom(function = "validate::password"))]
    #[schema(min_length = 8, max_length = 128, format = Password)]
    pub password: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserQuery {
    pub role: Option<Role>,
    pub org_unit_id: Option<String>,
    pub active: Option<bool>,
}

/// List accounts.
#[utoipa::path(
    operation_id = "listUsers",
    tag = "users",
    params(ListParams, SortQuery<UserSort>, UserQuery),
    responses(
        (status = 200, description = "One page of accounts, with the total", body = Page<UserResponse>),
        (status = 403, description = "Admins only"),
        (status = 422, description = "Invalid parameters"),
    )
)]
#[get("")]
pub async fn list(
    req: HttpRequest,
    Admin(principal): Admin,
    state: web::Data<AppState>,
    Query(params): Query<ListParams>,
    Query(sort): Query<SortQuery<UserSort>>,
    Query(query): Query<UserQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = params.page()?;
    let sort = sort.or(UserSort::Username)?;
    let query = app::users::ListQuery {
        q: params.q(),
        role: query.role,
        org_unit_id: query.org_unit_id.map(OrgUnitId::from),
        active: query.active,
        updated_since: params.updated_since(),
    };
    let (items, total) = super::read(&state.pool, move |conn| {
        app::users::list(conn, &principal, query, sort, page)
    })
    .await?;
    Ok(Page::of(items, total, page, UserResponse::from).respond(&req))
}

/// Create an account.
#[utoipa::path(
    operation_id = "createUser",
    tag = "users",
    request_body = CreateUser,
    responses(
        (status = 201, description = "The account created", body = UserResponse, headers(("ETag" = String))),
        (status = 403, description = "Admins only"),
        (status = 409, description = "The username is taken, or the staff member has an account"),
        (status = 422, description = "Invalid fields"),
    )
)]
#[post("")]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    Admin(principal): Admin,
    Json(body): Json<CreateUser>,
) -> Result<HttpResponse, ApiError> {
    let actor = actor(&req, Some(&principal.user_id));
    let new = app::users::NewAccount {
        username: body.username,
        password: body.password,
        roles: body.roles,
        org_unit_id: body.org_unit_id.map(OrgUnitId::from),
        staff_id: body.staff_id.map(StaffId::from),
    };
    // One connection: the password is hashed before the write, not in it.
    let user = super::read(&state.pool, move |conn| {
        app::users::create(conn, &principal, &actor, new)
    })
    .await?;
    Ok(tagged(
        StatusCode::CREATED,
        user.version,
        &UserResponse::from(user),
    ))
}

/// Get an account.
#[utoipa::path(
    operation_id = "getUser",
    tag = "users",
    params(("id" = String, Path, description = "User id")),
    responses(
        (status = 200, description = "The account", body = UserResponse, headers(("ETag" = String))),
        (status = 403, description = "Admins only"),
        (status = 404, description = "No such account"),
    )
)]
#[get("/{id}")]
pub async fn get(
    Admin(principal): Admin,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = UserId::from(id.into_inner());
    let user = super::read(&state.pool, move |conn| {
        app::users::get(conn, &principal, &id)
    })
    .await?;
    Ok(tagged(
        StatusCode::OK,
        user.version,
        &UserResponse::from(user),
    ))
}

/// Change an account's roles, unit, staff link or active flag. Disabling ends its sessions.
#[utoipa::path(
    operation_id = "updateUser",
    tag = "users",
    params(("id" = String, Path, description = "User id"), ("If-Match" = String, Header, description = "The ETag you read")),
    request_body = UpdateUser,
    responses(
        (status = 200, description = "The account as changed", body = UserResponse, headers(("ETag" = String))),
        (status = 403, description = "Admins only"),
        (status = 404, description = "No such account"),
        (status = 409, description = "The staff member has another account"),
        (status = 412, description = "The account changed since you read it"),
        (status = 422, description = "Invalid fields"),
        (status = 428, description = "If-Match is missing"),
    )
)]
#[patch("/{id}")]
pub async fn update(
    req: HttpRequest,
    state: web::Data<AppState>,
    Admin(principal): Admin,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    Json(body): Json<UpdateUser>,
) -> Result<HttpResponse, ApiError> {
    let id = UserId::from(id.into_inner());
    let actor = actor(&req, Some(&principal.user_id));
    let changes = UserChanges {
        roles: body.roles,
        org_unit_id: body.org_unit_id.map(|v| v.map(OrgUnitId::from)),
        staff_id: body.staff_id.map(|s| s.map(StaffId::from)),
        active: body.active,
    };
    let user = super::change(&state.pool, move |tx| {
        app::users::update(tx, &principal, &actor, &id, version, changes)
    })
    .await?;
    Ok(tagged(
        StatusCode::OK,
        user.version,
        &UserResponse::from(user),
    ))
}

/// Set an account's password (a reset). Every session of the account ends.
#[utoipa::path(
    operation_id = "setUserPassword",
    tag = "users",
    params(("id" = String, Path, description = "User id"), ("If-Match" = String, Header, description = "The ETag you read")),
    request_body = SetPassword,
    responses(
        (status = 200, description = "The account; its sessions are ended", body = UserResponse, headers(("ETag" = String))),
        (status = 403, description = "Admins only"),
        (status = 404, description = "No such account"),
        (status = 412, description = "The account changed since you read it"),
        (status = 422, description = "Invalid fields"),
        (status = 428, description = "If-Match is missing"),
    )
)]
#[post("/{id}/password")]
pub async fn set_password(
    req: HttpRequest,
    state: web::Data<AppState>,
    Admin(principal): Admin,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    Json(body): Json<SetPassword>,
) -> Result<HttpResponse, ApiError> {
    let id = UserId::from(id.into_inner());
    let actor = actor(&req, Some(&principal.user_id));
    // One connection: the password is hashed before the write, not in it.
    let user = super::read(&state.pool, move |conn| {
        app::users::set_password(conn, &principal, &actor, &id, version, &body.password)
    })
    .await?;
    Ok(tagged(
        StatusCode::OK,
        user.version,
        &UserResponse::from(user),
    ))
}

/// Lift an account's login lockout.
///
/// After five wrong passwords (or current passwords) in 15 minutes an account's logins
/// answer 429 until the window ends, its owner's too; this forgets those attempts, so the
/// owner logs in at once. Recorded in the audit trail (`login_lockout_lifted`, with whether
/// it was locked). The lock of an address (50 failed logins) is not lifted.
#[utoipa::path(
    operation_id = "liftUserLoginLockout",
    tag = "users",
    params(("id" = String, Path, description = "User id")),
    responses(
        (status = 204, description = "Lifted, or there was no lockout"),
        (status = 403, description = "Admins only"),
        (status = 404, description = "No such account"),
    )
)]
#[delete("/{id}/login-lockout")]
pub async fn lift_login_lockout(
    req: HttpRequest,
    state: web::Data<AppState>,
    Admin(principal): Admin,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = UserId::from(id.into_inner());
    let actor = actor(&req, Some(&principal.user_id));
    let throttle = state.throttle;
    super::change(&state.pool, move |tx| {
        app::users::lift_login_lockout(tx, &principal, &actor, &id, |conn, username| {
            Ok(throttle.lift(conn, username)?)
        })
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

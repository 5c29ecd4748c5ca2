//! `/api/v1/auth`: log in, refresh, log out, who am I, change my password.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::AppState;
use crate::api::extract::{Form, Json, actor};
use crate::api::org_units::OrgUnitResponse;
use crate::api::users::UserResponse;
use crate::api::validate;
use crate::auth::Principal;
use crate::auth::tokens::ACCESS_TTL_SECS;
use crate::db::Writes;
use crate::domain::clients;
use crate::domain::sessions::{self, Opened, Refreshed};
use crate::domain::users;
use crate::domain::{org_units, staff};
use crate::error::{ApiError, Problem};
use crate::secrets;

#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"username": "admin", "password": "correct horse battery"}))]
pub struct LoginRequest {
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub username: String,
    #[validate(length(min = 1, max = 128))]
    #[schema(min_length = 1, max_length = 128, format = Password)]
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct TokenResponse {
    /// A JWT to send as `Authorization: Bearer …`.
    pub access_token: String,
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    #[schema(example = 900)]
    pub expires_in: i64,
    /// Exchange at `/auth/refresh` for new tokens; each works once.
    pub refresh_token: String,
}

#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"refresh_token": "Zx9q3mV7rKp1b8LsT4wYh6nD5fJ0aE2uR9iO3kMgQcA"}))]
pub struct RefreshRequest {
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub refresh_token: String,
}

#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"current_password": "mật khẩu đang dùng", "new_password": "Mùa thi đua đổi mới 2026"}))]
pub struct ChangePasswordRequest {
    #[validate(length(min = 1, max = 128))]
    #[schema(min_length = 1, max_length = 128, format = Password)]
    pub current_password: String,
    #[validate(custom(function = "validate::password"))]
    #[schema(min_length = 8, max_length = 128, format = Password)]
    pub new_password: String,
}

#[derive(Serialize, ToSchema)]
pub struct MeResponse {
    pub user: UserResponse,
    /// The unit whose subtree the account acts in (none for admins without one).
    pub org_unit: Option<OrgUnitResponse>,
    /// The linked staff member's name, when the account belongs to a person.
    pub staff_full_name: Option<String>,
}

fn token_response(state: &AppState, opened: &Opened) -> Result<TokenResponse, ApiError> {
    let roles = opened
        .user
        .roles()
        .iter()
        .map(|r| r.as_str().to_string())
        .collect();
    Ok(TokenResponse {
        access_token: state
            .keys
            .issue(&opened.user.id, &opened.session_id, roles)?,
        token_type: "Bearer",
        expires_in: ACCESS_TTL_SECS,
        refresh_token: opened.refresh_token.clone(),
    })
}

/// The client's address, for throttling. The socket's peer: headers can be forged.
fn client_address(req: &HttpRequest) -> String {
    req.peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// Log in with a username and password.
///
/// Failed attempts are counted per username (5 in 15 minutes) and per address (50), on
/// every instance together; past the limit the answer is 429, with `Retry-After` and the
/// time in `retry_at`, until the window ends or an admin lifts the lockout.
#[utoipa::path(
    operation_id = "logIn",
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "An access token and a refresh token", body = TokenResponse),
        (status = 401, description = "Wrong username or password, or the account is disabled"),
        (status = 422, description = "Invalid fields"),
        (status = 429, description = "Too many failed attempts: `Retry-After` (seconds) and the problem's `retry_at` (UTC) say when to try again"),
    )
)]
#[post("/login")]
pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    Json(body): Json<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let username = users::normalize_username(&body.username);
    let attempt = state.throttle.attempt(&username, &client_address(&req));
    attempt.begin(&state.pool).await?;
    let request_id = actor(&req, None).request_id;
    let name = username.clone();
    let opened = super::run(&state.pool, move |conn| {
        let user = users::find_by_username(conn, &name)?;
        // Verify even for unknown names, so timing does not reveal which exist.
        let verified = match &user {
            Some(u) => secrets::verify_password(&body.password, &u.password_hash),
            None => {
                secrets::verify_dummy_password(&body.password);
                false
            }
        };
        match user {
            Some(u) if verified && u.active => conn
                .write(|tx| {
                    attempt.succeeded(tx)?;
                    sessions::open(tx, u, request_id).map_err(ApiError::from)
                })
                .map(Some),
            _ => Ok(None),
        }
    })
    .await?;
    let Some(opened) = opened else {
        return Err(ApiError::unauthorized("Wrong username or password."));
    };
    Ok(HttpResponse::Ok()
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .json(token_response(&state, &opened)?))
}

/// Exchange a refresh token for new tokens.
///
/// Each refresh token works once. Presenting a used one again ends its whole session,
/// since one of the two holders must have stolen it.
#[utoipa::path(
    operation_id = "refreshSession",
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "A new access token and the next refresh token (the one sent is spent)", body = TokenResponse),
        (status = 401, description = "Unknown, expired or reused refresh token"),
        (status = 422, description = "Invalid fields"),
    )
)]
#[post("/refresh")]
pub async fn refresh(
    req: HttpRequest,
    state: web::Data<AppState>,
    Json(body): Json<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    let request_id = actor(&req, None).request_id;
    let outcome = super::write(&state.pool, move |conn| {
        Ok(sessions::refresh(conn, &body.refresh_token, request_id)?)
    })
    .await?;
    match outcome {
        Refreshed::Renewed(opened) => Ok(HttpResponse::Ok()
            .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
            .json(token_response(&state, &opened)?)),
        Refreshed::Reused => Err(ApiError::unauthorized(
            "This refresh token was already used; the session is ended. Log in again.",
        )),
    }
}

/// End the current session: its access and refresh tokens stop working.
#[utoipa::path(
    operation_id = "logOut",
    tag = "auth",
    responses((status = 204, description = "Logged out"))
)]
#[post("/logout")]
pub async fn logout(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
) -> Result<HttpResponse, ApiError> {
    let actor = actor(&req, Some(&principal.user_id));
    super::write(&state.pool, move |conn| {
        sessions::close(conn, &actor, &principal.session_id).map_err(ApiError::from)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The account behind the token, with its unit.
#[utoipa::path(
    operation_id = "getMe",tag = "auth", responses((status = 200, description = "Your account, roles and unit", body = MeResponse)))]
#[get("/me")]
pub async fn me(
    state: web::Data<AppState>,
    principal: Principal,
) -> Result<HttpResponse, ApiError> {
    let me = super::run(&state.pool, move |conn| {
        let user =
            users::find(conn, &principal.user_id)?.ok_or_else(|| ApiError::not_found("user"))?;
        let unit = match &user.org_unit_id {
            Some(id) => org_units::find(conn, id)?,
            None => None,
        };
        let staff_name = match &user.staff_id {
            Some(id) => staff::find(conn, id)?.map(|(s, _)| s.full_name),
            None => None,
        };
        Ok(MeResponse {
            user: user.into(),
            org_unit: unit.map(Into::into),
            staff_full_name: staff_name,
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(me))
}

/// Change your own password. Every session of the account ends, this one included.
#[utoipa::path(
    operation_id = "changeOwnPassword",
    tag = "auth",
    request_body = ChangePasswordRequest,
    responses(
        (status = 204, description = "Changed; log in again"),
        (status = 422, description = "Invalid fields, or the current password is wrong"),
        (status = 429, description = "Too many wrong current passwords: `Retry-After` (seconds) and the problem's `retry_at` (UTC) say when to try again"),
    )
)]
#[post("/password")]
pub async fn change_password(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    Json(body): Json<ChangePasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    let actor = actor(&req, Some(&principal.user_id));
    // Wrong current passwords count like failed logins: a stolen token must not let
    // someone guess the password behind it.
    let attempt = state
        .throttle
        .attempt(&principal.username, &client_address(&req));
    attempt.begin(&state.pool).await?;
    // `None`: the current password is wrong; otherwise whether the new one was taken.
    let changed = super::run(&state.pool, move |conn| {
        let user =
            users::find(conn, &principal.user_id)?.ok_or_else(|| ApiError::not_found("user"))?;
        if !secrets::verify_password(&body.current_password, &user.password_hash) {
            return Ok(None);
        }
        // Refused after the current password was found right: a weak new password is no
        // failed guess, and must not lock the account.
        let words = users::own_words(conn, &user.username, user.staff_id.as_ref())?;
        if let Err(weak) =
            crate::domain::users::strong_password("new_password", &body.new_password, &words)
        {
            conn.write(|tx| attempt.succeeded(tx))?;
            return Ok(Some(Err(weak)));
        }
        let hash = secrets::hash_password(&body.new_password).map_err(ApiError::internal)?;
        conn.write(|tx| -> Result<_, ApiError> {
            // Re-read inside the transaction: the account may have changed since.
            let current = users::find(tx, &user.id)?.ok_or_else(|| ApiError::not_found("user"))?;
            attempt.succeeded(tx)?;
            Ok(users::set_password(tx, &actor, &current, hash)?)
        })?;
        Ok(Some(Ok(())))
    })
    .await?;
    match changed {
        Some(taken) => taken?,
        None => {
            return Err(ApiError::invalid(
                "current_password",
                "wrong_password",
                "the current password is wrong",
            ));
        }
    }
    Ok(HttpResponse::NoContent().finish())
}

/// An OAuth 2.0 token request (RFC 6749 §4.4). The client's credentials come in the form or
/// as HTTP Basic.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"grant_type": "client_credentials", "client_id": "thidua-5f1c2a9e0b7d4c3a1e2f6a7b", "client_secret": "tds_…", "scope": "reports:read"}))]
pub struct ClientTokenRequest {
    /// Only `client_credentials`.
    pub grant_type: String,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    /// Space-separated scopes to ask for; all of the client's scopes when absent.
    pub scope: Option<String>,
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"access_token": "eyJhbGciOiJIUzI1NiJ9…", "token_type": "Bearer", "expires_in": 900, "scope": "reports:read changes:read"}))]
pub struct ClientTokenResponse {
    pub access_token: String,
    pub token_type: &'static str,
    pub expires_in: i64,
    /// The scopes granted, space-separated.
    pub scope: String,
}

/// `Authorization: Basic base64(client_id:client_secret)`, if sent.
fn basic_credentials(req: &HttpRequest) -> Option<(String, String)> {
    use base64::Engine;
    let value = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    // RFC 6749 §2.3.1: both halves are form-urlencoded before encoding.
    let unescape = |s: &str| {
        form_urlencoded::parse(format!("x={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    Some((unescape(id), unescape(secret)))
}

/// Obtain a token for a service client (OAuth 2.0 client-credentials grant).
///
/// The token opens only the endpoints of its scopes and lives 15 minutes; ask again for a
/// new one. Failed attempts are throttled per client id and per address.
#[utoipa::path(
    operation_id = "issueClientToken",
    tag = "auth",
    request_body(content = ClientTokenRequest, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "An access token for the service client, with its scopes", body = ClientTokenResponse),
        (status = 400, description = "RFC 6749 §5.2, in `error`: `invalid_request` (a field missing or malformed, or not a form body), `unsupported_grant_type` or `invalid_scope`", body = Problem, content_type = "application/json"),
        (status = 401, description = "`invalid_client`: unknown client, wrong secret, or disabled; `WWW-Authenticate: Basic`", body = Problem, content_type = "application/json"),
        (status = 429, description = "Too many failed attempts: `Retry-After` (seconds) and the problem's `retry_at` (UTC) say when to try again"),
    )
)]
#[post("/token")]
pub async fn token(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Result<Form<ClientTokenRequest>, ApiError>,
) -> Result<HttpResponse, ApiError> {
    // Every refusal in OAuth's words (RFC 6749 §5.2), a malformed form's too.
    let Form(body) = body.map_err(ApiError::into_oauth)?;
    client_credentials_grant(req, state, body)
        .await
        .map_err(ApiError::into_oauth)
}

async fn client_credentials_grant(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: ClientTokenRequest,
) -> Result<HttpResponse, ApiError> {
    use actix_web::http::StatusCode;
    if body.grant_type != "client_credentials" {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "Only grant_type=client_credentials is supported.",
        ));
    }
    let Some((client_id, secret)) =
        basic_credentials(&req).or_else(|| body.client_id.clone().zip(body.client_secret.clone()))
    else {
        return Err(ApiError::unauthorized(
            "Send client_id and client_secret in the form or as HTTP Basic.",
        )
        .with_code("invalid_client"));
    };
    let asked = match body.scope.as_deref() {
        None => None,
        Some(s) => Some(clients::parse_scopes(s).map_err(|unknown| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_scope",
                format!("Unknown scope {unknown}."),
            )
        })?),
    };
    let attempt = state
        .throttle
        .attempt(&format!("client:{client_id}"), &client_address(&req));
    attempt.begin(&state.pool).await?;
    let actor = actor(&req, None);
    let id = client_id.clone();
    let client = super::run(&state.pool, move |conn| {
        let client = clients::authenticate(conn, &id, &secret)?;
        if let Some(client) = &client {
            conn.write(|tx| {
                attempt.succeeded(tx)?;
                clients::record_token(tx, &actor, client)
            })?;
        }
        Ok(client)
    })
    .await?;
    let Some(client) = client else {
        return Err(
            ApiError::unauthorized("Unknown client, wrong secret, or a disabled client.")
                .with_code("invalid_client"),
        );
    };
    let held = client.scopes();
    let granted = match asked {
        None => held,
        Some(asked) => {
            if let Some(extra) = asked.iter().find(|s| !held.contains(s)) {
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "invalid_scope",
                    format!("This client does not hold the scope {}.", extra.as_str()),
                ));
            }
            asked
        }
    };
    let scope = clients::scope_string(&granted);
    let access_token =
        state
            .keys
            .issue_client(&client.id, &client.secret_fingerprint(), scope.clone())?;
    Ok(HttpResponse::Ok()
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .json(ClientTokenResponse {
            access_token,
            token_type: "Bearer",
            expires_in: ACCESS_TTL_SECS,
            scope,
        }))
}

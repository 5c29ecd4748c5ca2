//! `/api/v1/clients`: service clients, kept by admins. A client's secret is shown once, at
//! creation and at each rotation; only its hash is stored.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::AppState;
use crate::api::extract::{IfMatch, Json, actor, double_option, no_store, present, tagged};
use crate::api::validate;
use crate::app;
use crate::auth::Admin;
use crate::domain::clients::{ApiClient, ClientScope};
use crate::error::ApiError;
use crate::ids::OrgUnitId;

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019ab0a4-9d4e-7f30-8b21-3c4d5e6f7081", "name": "Sở Nội vụ – hệ thống báo cáo",
    "client_id": "thidua-5f1c2a9e0b7d4c3a1e2f6a7b", "scopes": ["reports:read", "changes:read"],
    "org_unit_id": "019ab0a4-1c2d-7e3f-8a4b-5c6d7e8f9a0b",
    "active": true, "secret_rotated_at": "2026-11-23T08:00:00Z", "last_used_at": null,
    "version": 1, "created_at": "2026-11-23T08:00:00Z", "updated_at": "2026-11-23T08:00:00Z"
}))]
pub struct ClientResponse {
    pub id: String,
    pub name: String,
    /// The public half of the credentials, sent as `client_id` to `/auth/token`.
    pub client_id: String,
    pub scopes: Vec<ClientScope>,
    /// The unit subtree it reads (reports, awards), as an account's scope; null: the whole
    /// system.
    pub org_unit_id: Option<String>,
    pub active: bool,
    pub secret_rotated_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<ApiClient> for ClientResponse {
    fn from(c: ApiClient) -> Self {
        let scopes = c.scopes();
        let ApiClient {
            id,
            name,
            client_id,
            secret_hash: _,
            scopes: _,
            active,
            secret_rotated_at,
            last_used_at,
            created_at,
            updated_at,
            version,
            org_unit_id,
        } = c;
        ClientResponse {
            id,
            name,
            client_id,
            scopes,
            org_unit_id: org_unit_id.map(Into::into),
            active,
            secret_rotated_at: secret_rotated_at.and_utc(),
            last_used_at: last_used_at.map(|t| t.and_utc()),
            version,
            created_at: created_at.and_utc(),
            updated_at: updated_at.and_utc(),
        }
    }
}

/// A client with its secret, answered once.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClientWithSecret {
    #[serde(flatten)]
    pub client: ClientResponse,
    /// Shown only in this answer: store it now. Rotating makes a new one.
    #[schema(example = "tds_Zk9xY3Jq…")]
    pub client_secret: String,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Sở Nội vụ – hệ thống báo cáo", "scopes": ["reports:read", "awards:read"],
    "org_unit_id": "019ab0a4-1c2d-7e3f-8a4b-5c6d7e8f9a0b"}))]
pub struct CreateClient {
    #[validate(length(min = 1, max = 200), custom(function = "validate::text"))]
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    #[validate(length(min = 1, max = 4))]
    #[schema(min_items = 1, max_items = 4)]
    pub scopes: Vec<ClientScope>,
    /// The unit subtree the client reads, as an account's scope (a province's Sở Nội vụ
    /// reads its province). Without it, the whole system; `changes:read` and
    /// `export:read` are for such clients only.
    #[validate(custom(function = "validate::id"))]
    pub org_unit_id: Option<String>,
}

#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"scopes": ["reports:read"]}))]
pub struct UpdateClient {
    #[serde(default, deserialize_with = "present")]
    #[validate(length(min = 1, max = 200), custom(function = "validate::text"))]
    #[schema(nullable = false, min_length = 1, max_length = 200)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[validate(length(min = 1, max = 4))]
    #[schema(nullable = false, min_items = 1, max_items = 4)]
    pub scopes: Option<Vec<ClientScope>>,
    /// `false` disables the client: its tokens stop working at once.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub active: Option<bool>,
    /// A new unit subtree; null: the whole system. Takes effect at the client's next request.
    #[serde(default, deserialize_with = "double_option")]
    #[validate(custom(function = "validate::id"))]
    #[schema(value_type = Option<String>)]
    pub org_unit_id: Option<Option<String>>,
}

/// List service clients.
#[utoipa::path(
    operation_id = "listClients",
    tag = "clients",
    responses(
        (status = 200, description = "Every service client", body = Vec<ClientResponse>),
        (status = 401, description = "Not logged in"),
        (status = 403, description = "Admins only"),
    )
)]
#[get("")]
pub async fn list(
    Admin(principal): Admin,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let items = super::read(&state.pool, move |conn| {
        app::clients::list(conn, &principal)
    })
    .await?;
    let items: Vec<ClientResponse> = items.into_iter().map(ClientResponse::from).collect();
    Ok(HttpResponse::Ok().json(items))
}

/// Register a service client. The answer carries its secret, once.
#[utoipa::path(
    operation_id = "createClient",
    tag = "clients",
    request_body = CreateClient,
    responses(
        (status = 201, description = "The client created; its secret is shown this once", body = ClientWithSecret, headers(("ETag" = String))),
        (status = 403, description = "Admins only"),
        (status = 422, description = "Invalid fields, such as an unknown scope"),
    )
)]
#[post("")]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    Admin(principal): Admin,
    Json(body): Json<CreateClient>,
) -> Result<HttpResponse, ApiError> {
    let actor = actor(&req, Some(&principal.user_id));
    let new = app::clients::NewClient {
        name: body.name,
        scopes: body.scopes,
        org_unit_id: body.org_unit_id.map(OrgUnitId::from),
    };
    let (client, secret) = super::change(&state.pool, move |tx| {
        app::clients::create(tx, &principal, &actor, new)
    })
    .await?;
    Ok(no_store(tagged(
        StatusCode::CREATED,
        client.version,
        &ClientWithSecret {
            client: client.into(),
            client_secret: secret,
        },
    )))
}

/// Get a service client.
#[utoipa::path(
    operation_id = "getClient",
    tag = "clients",
    params(("id" = String, Path, description = "Client id")),
    responses(
        (status = 200, description = "The service client", body = ClientResponse, headers(("ETag" = String))),
        (status = 403, description = "Admins only"),
        (status = 404, description = "No such client"),
    )
)]
#[get("/{id}")]
pub async fn get(
    Admin(principal): Admin,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let client = super::read(&state.pool, move |conn| {
        app::clients::get(conn, &principal, &id)
    })
    .await?;
    Ok(tagged(
        StatusCode::OK,
        client.version,
        &ClientResponse::from(client),
    ))
}

/// Rename a client, change its scopes, or disable it.
#[utoipa::path(
    operation_id = "updateClient",
    tag = "clients",
    params(("id" = String, Path, description = "Client id"), ("If-Match" = String, Header, description = "The ETag you read")),
    request_body = UpdateClient,
    responses(
        (status = 200, description = "The service client as changed", body = ClientResponse, headers(("ETag" = String))),
        (status = 403, description = "Admins only"),
        (status = 404, description = "No such client"),
        (status = 412, description = "The client changed since you read it"),
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
    Json(body): Json<UpdateClient>,
) -> Result<HttpResponse, ApiError> {
    let actor = actor(&req, Some(&principal.user_id));
    let update = app::clients::ClientUpdate {
        name: body.name,
        scopes: body.scopes,
        active: body.active,
        org_unit_id: body.org_unit_id.map(|v| v.map(OrgUnitId::from)),
    };
    let client = super::change(&state.pool, move |tx| {
        app::clients::update(tx, &principal, &actor, &id, version, update)
    })
    .await?;
    Ok(tagged(
        StatusCode::OK,
        client.version,
        &ClientResponse::from(client),
    ))
}

/// Issue a new secret. The old secret and every token obtained with it stop working.
#[utoipa::path(
    operation_id = "rotateClientSecret",
    tag = "clients",
    params(("id" = String, Path, description = "Client id"), ("If-Match" = String, Header, description = "The ETag you read")),
    responses(
        (status = 200, description = "The client with its new secret, shown this once", body = ClientWithSecret, headers(("ETag" = String))),
        (status = 403, description = "Admins only"),
        (status = 404, description = "No such client"),
        (status = 412, description = "The client changed since you read it"),
        (status = 428, description = "If-Match is missing"),
    )
)]
#[post("/{id}/rotate-secret")]
pub async fn rotate_secret(
    req: HttpRequest,
    state: web::Data<AppState>,
    Admin(principal): Admin,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
) -> Result<HttpResponse, ApiError> {
    let actor = actor(&req, Some(&principal.user_id));
    let (client, secret) = super::change(&state.pool, move |tx| {
        app::clients::rotate_secret(tx, &principal, &actor, &id, version)
    })
    .await?;
    Ok(no_store(tagged(
        StatusCode::OK,
        client.version,
        &ClientWithSecret {
            client: client.into(),
            client_secret: secret,
        },
    )))
}

//! `/api/v1/webhooks`: subscriptions that push the change feed to other systems, kept by
//! admins, with each subscription's delivery log, replay and ping.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::AppState;
use crate::api::extract::{IfMatch, Json, Page, Query, actor, no_store, present, tagged};
use crate::api::list::ListParams;
use crate::api::validate;
use crate::app;
use crate::auth::Admin;
use crate::domain::webhooks::{Delivery, DeliveryStatus, NewSubscription, Subscription};
use crate::error::ApiError;
use crate::outbound;

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019ab0a4-9d4e-7f30-8b21-3c4d5e6f7081", "name": "Cổng dữ liệu tỉnh",
    "url": "https://hooks.tinh.gov.vn/thidua", "event_types": ["evidence.*", "award.created"],
    "active": true, "disabled_reason": null, "consecutive_failures": 0, "cursor": 1042,
    "created_by": "019ab0a4-6a1e-7c3a-9d0e-2f1c8a7b5e41", "version": 1,
    "created_at": "2026-11-23T08:00:00Z", "updated_at": "2026-11-23T08:00:00Z"
}))]
pub struct WebhookResponse {
    pub id: String,
    pub name: String,
    pub url: String,
    /// `*`, `{resource_type}.*` or `{resource_type}.{action}` (`evidence.created`).
    pub event_types: Vec<String>,
    /// `false` when disabled, by an admin or after repeated failures.
    pub active: bool,
    /// Why the service disabled it, e.g. "20 consecutive failed deliveries; last: HTTP 500 from …".
    pub disabled_reason: Option<String>,
    /// Failed attempts in a row; reset by a success.
    pub consecutive_failures: i32,
    /// The last feed position turned into deliveries. It moves without a new version.
    pub cursor: i64,
    pub created_by: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Subscription> for WebhookResponse {
    fn from(s: Subscription) -> Self {
        let event_types = s.event_types();
        let Subscription {
            id,
            name,
            url,
            secret: _,
            event_types: _,
            active,
            disabled_reason,
            consecutive_failures,
            cursor,
            created_by,
            created_at,
            updated_at,
            version,
        } = s;
        WebhookResponse {
            id,
            name,
            url,
            event_types,
            active,
            disabled_reason,
            consecutive_failures,
            cursor,
            created_by: created_by.map(Into::into),
            version,
            created_at: created_at.and_utc(),
            updated_at: updated_at.and_utc(),
        }
    }
}

/// A subscription with its signing secret, answered once.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookWithSecret {
    #[serde(flatten)]
    pub webhook: WebhookResponse,
    /// The key of `Thidua-Signature`. Shown only in this answer: store it now.
    #[schema(example = "whsec_Zk9xY3Jq…")]
    pub secret: String,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "name": "Cổng dữ liệu tỉnh", "url": "https://hooks.tinh.gov.vn/thidua",
    "event_types": ["evidence.*", "award.created"]
}))]
pub struct CreateWebhook {
    #[validate(length(min = 1, max = 200), custom(function = "validate::text"))]
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// `http://` or `https://`, without user name or password, on an allowed host.
    #[schema(max_length = 2000)]
    pub url: String,
    /// What to receive: `*`, `org_unit.*`, `evidence.created`…
    #[schema(min_items = 1, max_items = 50)]
    pub event_types: Vec<String>,
}

#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"active": true}))]
pub struct UpdateWebhook {
    #[serde(default, deserialize_with = "present")]
    #[validate(length(min = 1, max = 200), custom(function = "validate::text"))]
    #[schema(nullable = false, min_length = 1, max_length = 200)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, max_length = 2000)]
    pub url: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, min_items = 1, max_items = 50)]
    pub event_types: Option<Vec<String>>,
    /// `false` disables; `true` re-enables, clearing `disabled_reason` and the failure count.
    /// Changes made meanwhile are then sent; replay from the feed's head to skip them.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub active: Option<bool>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"after": 1000}))]
pub struct ReplayRequest {
    /// A feed position (as in `/changes`): every matching change after it is sent again.
    #[schema(minimum = 0)]
    pub after: i64,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019ab0a5-0c1d-7e2f-8a3b-4c5d6e7f8091", "event_id": "evt_1043",
    "event_type": "evidence.created", "position": 1043, "status": "pending", "attempts": 2,
    "last_status_code": 503, "last_error": "HTTP 503", "created_at": "2026-11-23T08:00:00Z",
    "next_attempt_at": "2026-11-23T08:00:30Z", "delivered_at": null
}))]
pub struct DeliveryResponse {
    pub id: String,
    /// Stable across retries and replays: receivers de-duplicate on it.
    pub event_id: String,
    /// `{resource_type}.{action}`, or `ping`.
    pub event_type: String,
    /// The change's feed position (none for a ping).
    pub position: Option<i64>,
    pub status: DeliveryStatus,
    pub attempts: i32,
    /// The HTTP status of the last attempt, if the receiver answered.
    pub last_status_code: Option<i32>,
    /// Why the last attempt failed: `HTTP 503` when the receiver answered, otherwise
    /// `the target did not accept the delivery`, whatever the cause (refused, timed out,
    /// unknown name, TLS, an internal address), so that webhooks cannot map the server's
    /// network; the server log keeps the cause.
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    /// When a pending delivery is tried next.
    pub next_attempt_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
}

impl From<Delivery> for DeliveryResponse {
    fn from(d: Delivery) -> Self {
        let Delivery {
            id,
            subscription_id: _,
            event_id,
            event_type,
            position,
            payload: _,
            status,
            attempts,
            next_attempt_at,
            locked_until: _,
            last_status_code,
            last_error,
            created_at,
            delivered_at,
        } = d;
        DeliveryResponse {
            id,
            event_id,
            event_type,
            position,
            status,
            attempts,
            last_status_code,
            last_error,
            created_at: created_at.and_utc(),
            next_attempt_at: next_attempt_at.and_utc(),
            delivered_at: delivered_at.map(|t| t.and_utc()),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveryQuery {
    /// Only deliveries in this state.
    pub status: Option<DeliveryStatus>,
}

/// How receivers check a delivery; the create endpoint's description.
const SIGNING: &str = "Register a webhook: changes of the listed event types are POSTed to \
`url` from now on, starting with the webhook's own creation (`webhook_subscription.created`, \
for `*`). The answer carries the signing `secret`, once.\n\n\
Each delivery is a JSON body `{\"id\", \"type\", \"created_at\", \"data\": {\"position\", \
\"resource_type\", \"resource_id\", \"action\", \"version\"}}` with the headers \
`Thidua-Event-Id` (the `id`: the same in every retry and replay, so de-duplicate on it), \
`Thidua-Event-Type`, `Thidua-Timestamp` (Unix seconds) and \
`Thidua-Signature: v1=<hex>`.\n\n\
To verify, compute HMAC-SHA256 with the secret (its UTF-8 bytes, `whsec_` included) as the \
key over `{Thidua-Timestamp}.{raw body}`, hex-encode it, and compare it with the value after \
`v1=` in constant time; refuse timestamps more than a few minutes old. Answer 2xx within \
10 s: anything else is retried with exponential backoff, redirects are not followed, and \
after repeated failures the webhook is disabled with the reason recorded. Deliveries due \
together are sent in feed order, but a retried one does not hold back later ones: order \
by `data.position`.";

/// List webhooks.
#[utoipa::path(
    operation_id = "listWebhooks",
    tag = "webhooks",
    params(ListParams),
    responses(
        (status = 200, description = "One page of webhook subscriptions, with the total", body = Page<WebhookResponse>),
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
) -> Result<HttpResponse, ApiError> {
    let page = params.page()?;
    let (rows, total) = super::read(&state.pool, move |conn| {
        app::webhooks::list(conn, &principal, page)
    })
    .await?;
    Ok(Page::of(rows, total, page, WebhookResponse::from).respond(&req))
}

#[utoipa::path(
    operation_id = "createWebhook",
    tag = "webhooks",
    summary = "Register a webhook. The answer carries its signing secret, once.",
    description = SIGNING,
    request_body = CreateWebhook,
    responses(
        (status = 201, description = "The subscription created; its signing secret is shown this once", body = WebhookWithSecret, headers(("ETag" = String))),
        (status = 403, description = "Admins only"),
        (status = 422, description = "Invalid fields: a URL that is not http(s), holds credentials, targets a host not allowed or a name that resolves to an internal address; an unknown event type"),
    )
)]
#[post("")]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    Admin(principal): Admin,
    Json(body): Json<CreateWebhook>,
) -> Result<HttpResponse, ApiError> {
    let actor = actor(&req, Some(&principal.user_id));
    let new = NewSubscription {
        name: body.name,
        url: body.url,
        event_types: body.event_types,
    };
    let settings = state.config.webhooks.clone();
    outbound::refuse_internal_name(&new.url, &settings, &state.config.webhook_resolver).await?;
    // One connection: the feed is sealed before the write, not in it.
    let (sub, secret) = super::read(&state.pool, move |conn| {
        app::webhooks::create(conn, &principal, &actor, new, &settings)
    })
    .await?;
    Ok(no_store(tagged(
        StatusCode::CREATED,
        sub.version,
        &WebhookWithSecret {
            webhook: sub.into(),
            secret,
        },
    )))
}

/// Get a webhook.
#[utoipa::path(
    operation_id = "getWebhook",
    tag = "webhooks",
    params(("id" = String, Path, description = "Webhook id")),
    responses(
        (status = 200, description = "The webhook subscription", body = WebhookResponse, headers(("ETag" = String))),
        (status = 403, description = "Admins only"),
        (status = 404, description = "No such webhook"),
    )
)]
#[get("/{id}")]
pub async fn get(
    Admin(principal): Admin,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let sub = super::read(&state.pool, move |conn| {
        app::webhooks::get(conn, &principal, &id)
    })
    .await?;
    Ok(tagged(
        StatusCode::OK,
        sub.version,
        &WebhookResponse::from(sub),
    ))
}

/// Change a webhook's name, URL or event types, or disable or re-enable it.
#[utoipa::path(
    operation_id = "updateWebhook",
    tag = "webhooks",
    params(("id" = String, Path, description = "Webhook id"), ("If-Match" = String, Header, description = "The ETag you read")),
    request_body = UpdateWebhook,
    responses(
        (status = 200, description = "The webhook subscription as changed", body = WebhookResponse, headers(("ETag" = String))),
        (status = 403, description = "Admins only"),
        (status = 404, description = "No such webhook"),
        (status = 412, description = "The webhook changed since you read it"),
        (status = 422, description = "Invalid fields, such as a URL not allowed"),
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
    Json(body): Json<UpdateWebhook>,
) -> Result<HttpResponse, ApiError> {
    let actor = actor(&req, Some(&principal.user_id));
    let changes = app::webhooks::WebhookChanges {
        name: body.name,
        url: body.url,
        event_types: body.event_types,
        active: body.active,
    };
    let settings = state.config.webhooks.clone();
    if let Some(url) = &changes.url {
        outbound::refuse_internal_name(url, &settings, &state.config.webhook_resolver).await?;
    }
    let sub = super::change(&state.pool, move |tx| {
        app::webhooks::update(tx, &principal, &actor, &id, version, changes, &settings)
    })
    .await?;
    Ok(tagged(
        StatusCode::OK,
        sub.version,
        &WebhookResponse::from(sub),
    ))
}

/// Issue a new signing secret; deliveries are signed with it from their next attempt on.
#[utoipa::path(
    operation_id = "rotateWebhookSecret",
    tag = "webhooks",
    params(("id" = String, Path, description = "Webhook id"), ("If-Match" = String, Header, description = "The ETag you read")),
    responses(
        (status = 200, description = "The subscription with its new signing secret, shown this once", body = WebhookWithSecret, headers(("ETag" = String))),
        (status = 403, description = "Admins only"),
        (status = 404, description = "No such webhook"),
        (status = 412, description = "The webhook changed since you read it"),
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
    let settings = state.config.webhooks.clone();
    let (sub, secret) = super::change(&state.pool, move |tx| {
        app::webhooks::rotate_secret(tx, &principal, &actor, &id, version, &settings)
    })
    .await?;
    Ok(no_store(tagged(
        StatusCode::OK,
        sub.version,
        &WebhookWithSecret {
            webhook: sub.into(),
            secret,
        },
    )))
}

/// A webhook's delivery log, newest first.
#[utoipa::path(
    operation_id = "listWebhookDeliveries",
    tag = "webhooks",
    params(("id" = String, Path, description = "Webhook id"), ListParams, DeliveryQuery),
    responses(
        (status = 200, description = "One page of the subscription's deliveries, newest first, with the total", body = Page<DeliveryResponse>),
        (status = 403, description = "Admins only"),
        (status = 404, description = "No such webhook"),
        (status = 422, description = "Invalid parameters"),
    )
)]
#[get("/{id}/deliveries")]
pub async fn deliveries(
    req: HttpRequest,
    Admin(principal): Admin,
    state: web::Data<AppState>,
    id: web::Path<String>,
    Query(params): Query<ListParams>,
    Query(filter): Query<DeliveryQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = params.page()?;
    let (rows, total) = super::read(&state.pool, move |conn| {
        app::webhooks::deliveries(conn, &principal, &id, filter.status, page)
    })
    .await?;
    Ok(Page::of(rows, total, page, DeliveryResponse::from).respond(&req))
}

/// Deliver again every matching change after a feed position, with the same event ids.
#[utoipa::path(
    operation_id = "replayWebhookDeliveries",
    tag = "webhooks",
    params(("id" = String, Path, description = "Webhook id")),
    request_body = ReplayRequest,
    responses(
        (status = 202, body = WebhookResponse, description = "The cursor is moved; the deliveries follow"),
        (status = 403, description = "Admins only"),
        (status = 404, description = "No such webhook"),
        (status = 422, description = "`after` is not a position the feed has issued"),
    )
)]
#[post("/{id}/replay")]
pub async fn replay(
    req: HttpRequest,
    state: web::Data<AppState>,
    Admin(principal): Admin,
    id: web::Path<String>,
    Json(body): Json<ReplayRequest>,
) -> Result<HttpResponse, ApiError> {
    let actor = actor(&req, Some(&principal.user_id));
    let sub = super::change(&state.pool, move |tx| {
        app::webhooks::replay(tx, &principal, &actor, &id, body.after)
    })
    .await?;
    Ok(HttpResponse::Accepted().json(WebhookResponse::from(sub)))
}

/// Send a `ping` event now, to try the receiver (also when the webhook is disabled).
#[utoipa::path(
    operation_id = "pingWebhook",
    tag = "webhooks",
    params(("id" = String, Path, description = "Webhook id")),
    responses(
        (status = 202, body = DeliveryResponse, description = "Queued; its outcome shows in the delivery log"),
        (status = 403, description = "Admins only"),
        (status = 404, description = "No such webhook"),
    )
)]
#[post("/{id}/ping")]
pub async fn ping(
    req: HttpRequest,
    state: web::Data<AppState>,
    Admin(principal): Admin,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let actor = actor(&req, Some(&principal.user_id));
    let delivery = super::change(&state.pool, move |tx| {
        app::webhooks::ping(tx, &principal, &actor, &id)
    })
    .await?;
    Ok(HttpResponse::Accepted().json(DeliveryResponse::from(delivery)))
}

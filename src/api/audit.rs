//! `/api/v1/audit-log`: who did what and when, with before and after, chained by hash.

use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::api::extract::{Page, Query};
use crate::api::list::ListParams;
use crate::app;
use crate::auth::Admin;
use crate::domain::audit::{self, AuditFilter, LoggedEntry};
use crate::error::ApiError;
use crate::ids::UserId;

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 311, "at": "2026-11-23T08:00:00Z", "actor_id": "019ab0a4-9d4e-7f30-8b21-3c4d5e6f7081",
    "request_id": "7f3c2a", "action": "updated", "resource_type": "plan",
    "resource_id": "019ab0a4-9d4e-7f30-8b21-3c4d5e6f7082",
    "before": {"status": "draft"}, "after": {"status": "issued"}, "chain_seq": 311,
    "hash": "9f2c…"
}))]
pub struct AuditEntryResponse {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// The user who acted; none for the system and for service clients.
    pub actor_id: Option<String>,
    /// The request's `X-Request-Id`, to find it in the server log.
    pub request_id: Option<String>,
    pub action: String,
    pub resource_type: String,
    pub resource_id: String,
    /// The resource before the change, as stored.
    #[schema(value_type = Option<Object>)]
    pub before: Option<serde_json::Value>,
    /// The resource after the change, as stored.
    #[schema(value_type = Option<Object>)]
    pub after: Option<serde_json::Value>,
    /// The entry's place in the hash chain.
    pub chain_seq: Option<i64>,
    /// SHA-256 over the previous entry's hash and this entry; `not-written-by-the-service`
    /// for a row without the service's MAC, which is never chained.
    pub hash: Option<String>,
}

fn json(text: Option<String>) -> Option<serde_json::Value> {
    text.map(|t| serde_json::from_str(&t).unwrap_or(serde_json::Value::String(t)))
}

impl From<LoggedEntry> for AuditEntryResponse {
    fn from(e: LoggedEntry) -> Self {
        let LoggedEntry {
            id,
            at,
            actor_id,
            request_id,
            action,
            resource_type,
            resource_id,
            before,
            after,
            chain_seq,
            hash,
        } = e;
        AuditEntryResponse {
            id,
            at: at.and_utc(),
            actor_id: actor_id.map(Into::into),
            request_id,
            action,
            resource_type,
            resource_id,
            before: json(before),
            after: json(after),
            chain_seq,
            hash,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    pub actor_id: Option<String>,
    pub resource_type: Option<String>,
    pub resource_id: Option<String>,
    /// `created`, `updated`, `archived`, `login`…
    pub action: Option<String>,
    /// At or after this time.
    pub from: Option<DateTime<Utc>>,
    /// Before this time.
    pub to: Option<DateTime<Utc>>,
}

/// Read the audit trail, newest first.
#[utoipa::path(
    operation_id = "listAuditLog",
    tag = "audit",
    params(ListParams, AuditQuery),
    responses(
        (status = 200, description = "One page of audit entries, oldest first, with the total", body = Page<AuditEntryResponse>),
        (status = 401, description = "Not logged in"),
        (status = 403, description = "Admins only"),
        (status = 422, description = "Invalid parameters"),
    )
)]
#[get("")]
pub async fn list(
    req: HttpRequest,
    _admin: Admin,
    state: web::Data<AppState>,
    Query(params): Query<ListParams>,
    Query(query): Query<AuditQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = params.page()?;
    let filter = AuditFilter {
        actor_id: query.actor_id.map(UserId::from),
        resource_type: query.resource_type,
        resource_id: query.resource_id,
        action: query.action,
        from: query.from.map(|t| t.naive_utc()),
        to: query.to.map(|t| t.naive_utc()),
    };
    let (items, total) = super::read(&state.pool, move |conn| {
        app::audit::trail(conn, &filter, page)
    })
    .await?;
    Ok(Page::of(items, total, page, AuditEntryResponse::from).respond(&req))
}

/// Check the audit trail's hash chain.
///
/// Recomputes every entry's hash in order: an edited entry, a removed one, or a removed
/// newest entry is reported, and so is every row without the MAC the service makes when
/// it writes one (`not_written_by_service`). The same check runs as `thidua audit verify`.
#[utoipa::path(
    operation_id = "verifyAuditLog",
    tag = "audit",
    responses(
        (status = 200, description = "The chain's verdict: entries checked and the first break, if any", body = ChainReport, example = json!({"ok": true, "entries": 311, "head_hash": "9f2c…", "problems": []})),
        (status = 401, description = "Not logged in"),
        (status = 403, description = "Admins only"),
    )
)]
#[get("/verify")]
pub async fn verify(_admin: Admin, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let report = super::read(&state.pool, app::audit::verify).await?;
    Ok(HttpResponse::Ok().json(ChainReport::from(report)))
}

/// What is wrong with one place of the chain.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChainProblem {
    /// The audit row's id, when the problem is a row.
    pub id: Option<i64>,
    pub chain_seq: Option<i64>,
    /// `altered`, `missing`, `broken_link`, `unsealed`, `head_mismatch` or
    /// `not_written_by_service` (a row without the service's MAC: put into the table
    /// behind its back, or changed and rehashed; never chained).
    pub problem: String,
}

impl From<audit::ChainProblem> for ChainProblem {
    fn from(p: audit::ChainProblem) -> Self {
        let audit::ChainProblem {
            id,
            chain_seq,
            problem,
        } = p;
        ChainProblem {
            id,
            chain_seq,
            problem,
        }
    }
}

/// The result of checking the whole chain.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChainReport {
    pub ok: bool,
    /// Entries checked.
    pub entries: i64,
    /// The hash of the newest entry, as the head records it.
    pub head_hash: String,
    /// At most 100 problems, oldest first.
    pub problems: Vec<ChainProblem>,
}

impl From<audit::ChainReport> for ChainReport {
    fn from(r: audit::ChainReport) -> Self {
        let audit::ChainReport {
            ok,
            entries,
            head_hash,
            problems,
        } = r;
        ChainReport {
            ok,
            entries,
            head_hash,
            problems: problems.into_iter().map(ChainProblem::from).collect(),
        }
    }
}

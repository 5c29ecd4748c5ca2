//! `/api/v1/changes`: the change feed, for systems that keep a copy of thidua's data.

use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::api::extract::Query;
use crate::app::{self, changes::DEFAULT_LIMIT};
use crate::auth::Caller;
use crate::domain::feed::Change;
use crate::error::ApiError;

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "position": 1042, "at": "2026-11-23T08:00:00Z", "resource_type": "evidence",
    "resource_id": "019ab0a4-9d4e-7f30-8b21-3c4d5e6f7081", "action": "created", "version": 1
}))]
pub struct ChangeResponse {
    /// Where this change sits in the feed; pass the last one seen as `after` to resume.
    pub position: i64,
    pub at: DateTime<Utc>,
    /// `org_unit`, `staff`, `plan`, `criterion`, `evidence`, `nomination`, `award`…
    pub resource_type: String,
    pub resource_id: String,
    /// `created`, `updated`, `archived` (a tombstone: the resource left the live set) or
    /// `superseded` (replaced by a newer version, which comes as a `created`, and kept
    /// readable: an amended criterion).
    pub action: String,
    /// The resource's version after the change; its ETag is `"v{version}"`.
    pub version: i64,
}

impl From<Change> for ChangeResponse {
    fn from(c: Change) -> Self {
        let Change {
            position,
            at,
            resource_type,
            resource_id,
            action,
            version,
        } = c;
        ChangeResponse {
            position,
            at: at.and_utc(),
            resource_type,
            resource_id,
            action,
            version,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": [], "next_after": 1042, "head": 1042, "has_more": false}))]
pub struct ChangePage {
    pub items: Vec<ChangeResponse>,
    /// The cursor for the next call: everything up to it has been seen.
    pub next_after: i64,
    /// The newest position at the time of the call (the data's version).
    pub head: i64,
    /// More changes wait past `next_after`: call again at once.
    pub has_more: bool,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChangeQuery {
    /// The last position already seen; 0 (the default) reads from the start.
    #[param(minimum = 0)]
    pub after: Option<i64>,
    /// At most this many changes (default 100, at most 1000).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<i64>,
    /// Only these resource types, comma-separated (`evidence,nomination`).
    pub resource_type: Option<String>,
}

/// Read the change feed.
///
/// Every create, update and archive of every resource, each once, in commit order: a
/// change comes after every change committed before it was written (so the changes of
/// one record are in the order they were committed). Resume from the last `position` seen (or
/// `next_after`): nothing is skipped, even while writes commit concurrently. Tombstones (`archived`) tell of removals. Admins, and service
/// clients with `changes:read`.
#[utoipa::path(
    operation_id = "listChanges",
    tag = "changes",
    params(ChangeQuery),
    responses(
        (status = 200, description = "The next changes after the cursor, and the cursor to resume from", body = ChangePage),
        (status = 401, description = "Not logged in"),
        (status = 403, description = "Neither an admin nor a client with changes:read"),
        (status = 422, description = "`after` was never issued, or `limit` is out of range"),
    )
)]
#[get("")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    Query(query): Query<ChangeQuery>,
) -> Result<HttpResponse, ApiError> {
    let after = query.after.unwrap_or(0);
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    let types: Vec<String> = query
        .resource_type
        .iter()
        .flat_map(|t| t.split(','))
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect();
    let (items, head) = super::read(&state.pool, move |conn| {
        app::changes::read(conn, &caller, after, limit, &types)
    })
    .await?;
    let has_more = items.len() as i64 == limit;
    // A full page resumes after its last item; a short one has read up to the head.
    let next_after = match items.last() {
        Some(last) if has_more => last.position,
        _ => head,
    };
    // RFC 8288: the next call, while there is more to read.
    let mut res = HttpResponse::Ok();
    if has_more {
        let next = super::extract::with_parameter(
            req.path(),
            req.query_string(),
            "after",
            &next_after.to_string(),
        );
        res.insert_header((
            actix_web::http::header::LINK,
            format!("<{next}>; rel=\"next\""),
        ));
    }
    Ok(res.json(ChangePage {
        items: items.into_iter().map(ChangeResponse::from).collect(),
        next_after,
        head,
        has_more,
    }))
}

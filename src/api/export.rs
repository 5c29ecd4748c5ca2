//! `/api/v1/export/{resource}`: every record of a type as JSON Lines, streamed.

use actix_web::web::Bytes;
use actix_web::{HttpResponse, get, web};
use futures_util::stream;

use crate::AppState;
use crate::app;
use crate::auth::Caller;
use crate::domain::export::{self, ExportResource};
use crate::error::ApiError;

pub const JSON_LINES: &str = "application/x-ndjson";

/// Where a stream stands: the last id sent, and whether the table is exhausted.
struct Cursor {
    state: web::Data<AppState>,
    resource: ExportResource,
    after: String,
    done: bool,
}

/// Export every record of a type, one JSON object per line.
///
/// Records come in id order (creation order), read a thousand at a time, so an export of
/// any size streams in flat memory. Each line is the record as stored, the same shape as
/// the audit trail's `after`; timestamps are UTC. The `Thidua-Data-Version` header is the
/// change-feed position when the export began: follow `/api/v1/changes?after=` from it
/// to catch every change made during and after the export. Admins, and service clients
/// with `export:read`.
#[utoipa::path(
    operation_id = "exportResource",
    tag = "export",
    params(("resource" = String, Path, description = "org-units, staff, movements, legal-documents, plans, criteria, registrations, evidence, initiatives, disciplines, nominations, award-decisions or awards")),
    responses(
        (status = 200, description = "JSON Lines, one record per line", content_type = "application/x-ndjson", body = String,
         headers(("Thidua-Data-Version" = i64, description = "The change-feed position the export starts from"))),
        (status = 401, description = "Not logged in"),
        (status = 403, description = "Neither an admin nor a client with export:read"),
        (status = 404, description = "No such resource type"),
    )
)]
#[get("/{resource}")]
pub async fn stream_all(
    state: web::Data<AppState>,
    caller: Caller,
    resource: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (resource, version) = super::read(&state.pool, move |conn| {
        app::export::begin(conn, &caller, &resource)
    })
    .await?;
    let start = Cursor {
        state,
        resource,
        after: String::new(),
        done: false,
    };
    let body = stream::unfold(start, |mut cursor| async move {
        if cursor.done {
            return None;
        }
        let (resource, after) = (cursor.resource, cursor.after.clone());
        let rows = super::read(&cursor.state.pool, move |conn| {
            app::export::chunk(conn, resource, &after)
        })
        .await;
        match rows {
            Ok(rows) if rows.is_empty() => None,
            Ok(rows) => {
                cursor.done = (rows.len() as i64) < export::CHUNK;
                let mut out = String::new();
                for (id, line) in rows {
                    out.push_str(&line);
                    out.push('\n');
                    cursor.after = id;
                }
                Some((Ok(Bytes::from(out)), cursor))
            }
            // The status line is sent: a failure can only cut the stream short, which
            // the client sees as an unterminated transfer.
            Err(e) => {
                cursor.done = true;
                Some((Err(actix_web::error::ErrorInternalServerError(e)), cursor))
            }
        }
    });
    Ok(HttpResponse::Ok()
        .content_type(JSON_LINES)
        .insert_header(("Thidua-Data-Version", version.to_string()))
        .streaming(body))
}

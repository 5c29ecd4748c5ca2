//! Files sent as `multipart/form-data` and sent back as attachments: evidence and dossiers
//! share them.

use actix_multipart::Multipart;
use actix_web::http::header::{self, ContentDisposition, DispositionParam, DispositionType};
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::StreamExt;

use crate::AppState;
use crate::db::{self, AnyConnection};
use crate::domain::files::{self, Checked};
use crate::error::ApiError;

/// An uploaded file as it was read from the form: its name, declared type and content.
pub type Upload = (String, Option<String>, Vec<u8>);

/// Adds an uploaded file to a record. Everything that can refuse it is decided before the
/// content is stored — its name and content (`files::check`), then whether the record takes
/// a file (`writable`) — so a refusal leaves nothing behind. The content goes to the file
/// store outside any transaction, so no write lock waits on storage; then `writable` runs
/// again inside the write, whose `record` adds the file. Only a lost race can fail after the
/// store, and its content stays unreferenced until an upload of the same content uses it.
pub async fn add_checked<V, T, W, R>(
    state: &AppState,
    (name, declared_type, content): Upload,
    writable: W,
    record: R,
) -> Result<T, ApiError>
where
    W: Fn(&mut AnyConnection) -> Result<V, ApiError> + Send + Clone + 'static,
    R: FnOnce(&mut AnyConnection, V, &Checked, usize) -> Result<T, ApiError> + Send + 'static,
    V: Send + 'static,
    T: Send + 'static,
{
    let limit = state.config.max_file_bytes;
    // Telling the type and hashing up to the size limit is CPU work: off the async worker.
    let (checked, content) = web::block(move || {
        files::check(&name, declared_type.as_deref(), &content, limit).map(|c| (c, content))
    })
    .await
    .map_err(ApiError::internal)??;
    let first = writable.clone();
    db::run(&state.pool, move |conn| first(conn).map(|_| ())).await?;
    let size = content.len();
    state.files.put(&checked.sha256, content).await?;
    db::write(&state.pool, move |conn| {
        let current = writable(conn)?;
        record(conn, current, &checked, size)
    })
    .await
}

/// Reads the one part named `file` of a multipart body, up to `limit` bytes.
pub async fn read_file_part(
    req: &HttpRequest,
    payload: web::Payload,
    limit: usize,
) -> Result<(String, Option<String>, Vec<u8>), ApiError> {
    let declared_length = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    // The form adds a few hundred bytes around the file.
    if declared_length.is_some_and(|n| n > limit + 64 * 1024) {
        return Err(ApiError::too_large(limit));
    }
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !content_type
        .to_ascii_lowercase()
        .starts_with("multipart/form-data")
    {
        return Err(ApiError::unsupported_media_type("multipart/form-data"));
    }
    let mut form = Multipart::new(req.headers(), payload.into_inner());
    while let Some(field) = form.next().await {
        let mut field =
            field.map_err(|e| ApiError::malformed(format!("cannot read the form: {e}")))?;
        if field.name() != Some("file") {
            // Drain other parts.
            while let Some(chunk) = field.next().await {
                chunk.map_err(|e| ApiError::malformed(format!("cannot read the form: {e}")))?;
            }
            continue;
        }
        let name = field
            .content_disposition()
            .and_then(|d| d.get_filename())
            .map(str::to_string)
            .ok_or_else(|| {
                ApiError::invalid(
                    "file.filename",
                    "required",
                    "the file part needs a filename",
                )
            })?;
        let declared = field.content_type().map(|m| m.essence_str().to_string());
        let mut content = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk =
                chunk.map_err(|e| ApiError::malformed(format!("cannot read the file: {e}")))?;
            if content.len() + chunk.len() > limit {
                return Err(ApiError::too_large(limit));
            }
            content.extend_from_slice(&chunk);
        }
        return Ok((name, declared, content));
    }
    Err(ApiError::invalid(
        "file",
        "required",
        "send the file as a form part named file",
    ))
}

/// A stored file as a download: its type, its name, and no sniffing or caching.
pub fn attachment(file_name: String, content_type: String, content: Vec<u8>) -> HttpResponse {
    let disposition = ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![DispositionParam::FilenameExt(header::ExtendedValue {
            charset: header::Charset::Ext("UTF-8".into()),
            language_tag: None,
            value: file_name.into_bytes(),
        })],
    };
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(disposition)
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .body(content)
}

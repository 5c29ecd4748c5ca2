//! Files sent as `multipart/form-data` and sent back as attachments: evidence and dossiers
//! share them.

use actix_multipart::Multipart;
use actix_web::http::header::{self, ContentDisposition, DispositionParam, DispositionType};
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::StreamExt;

use crate::AppState;
use crate::api::extract::declared_length;
use crate::db::{AnyConnection, Tx};
use crate::domain::files::{self, Checked};
use crate::error::ApiError;

/// An uploaded file as it was read from the form: its name, declared type and content.
pub type Upload = (String, Option<String>, Vec<u8>);

/// Room the form takes around the file (boundaries, part headers, other small parts).
pub const FORM_OVERHEAD: usize = 64 * 1024;

/// Adds a file sent as the request's body to a record. Everything that can refuse it is
/// decided before the content is stored, so a refusal leaves nothing behind: the form's
/// type and declared size, then whether the record takes a file (`writable`) — both before
/// a byte of the body is read, so a caller who may not add to the record cannot make the
/// server read up to `THIDUA_MAX_FILE_MB` — then the file's name and content
/// (`files::check`), then `writable` again, as the record may have changed while the file
/// came in. The content goes to the file store outside any transaction, so no write lock
/// waits on storage; then `writable` runs once more inside the write, whose `record` adds
/// the file. Only a lost race can fail after the store, and its content stays
/// unreferenced until an upload of the same content uses it.
pub async fn add_checked<V, T, W, R>(
    state: &AppState,
    req: &HttpRequest,
    payload: web::Payload,
    writable: W,
    record: R,
) -> Result<T, ApiError>
where
    W: Fn(&mut AnyConnection) -> Result<V, ApiError> + Send + Clone + 'static,
    R: FnOnce(&mut Tx<'_>, V, &Checked, usize) -> Result<T, ApiError> + Send + 'static,
    V: Send + 'static,
    T: Send + 'static,
{
    let limit = state.config.max_file_bytes;
    check_form_request(req, limit)?;
    let before_reading = writable.clone();
    super::run(&state.pool, move |conn| before_reading(conn).map(|_| ())).await?;
    let (name, declared_type, content) = read_file_part(req, payload, limit).await?;
    // Telling the type and hashing up to the size limit is CPU work: off the async worker.
    let (checked, content) = web::block(move || {
        files::check(&name, declared_type.as_deref(), &content, limit).map(|c| (c, content))
    })
    .await
    .map_err(ApiError::internal)??;
    let before_storing = writable.clone();
    super::run(&state.pool, move |conn| before_storing(conn).map(|_| ())).await?;
    let size = content.len();
    state.files.put(&checked.sha256, content).await?;
    super::write(&state.pool, move |conn| {
        let current = writable(conn)?;
        record(conn, current, &checked, size)
    })
    .await
}

/// What can be told of a multipart body without reading it: its type (415) and its
/// declared length (413).
fn check_form_request(req: &HttpRequest, limit: usize) -> Result<(), ApiError> {
    if declared_length(req).is_some_and(|n| n > limit + FORM_OVERHEAD) {
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
    Ok(())
}

/// Reads the one part named `file` of a multipart body, up to `limit` bytes, and the
/// whole body up to `limit` plus `FORM_OVERHEAD` (other parts too, with or without a
/// `Content-Length`).
async fn read_file_part(
    req: &HttpRequest,
    payload: web::Payload,
    limit: usize,
) -> Result<Upload, ApiError> {
    let mut form = Multipart::new(req.headers(), payload.into_inner());
    let mut other_parts = 0;
    while let Some(field) = form.next().await {
        let mut field =
            field.map_err(|e| ApiError::malformed(format!("cannot read the form: {e}")))?;
        if field.name() != Some("file") {
            // Drain other parts, within the room the form has around the file.
            while let Some(chunk) = field.next().await {
                let chunk =
                    chunk.map_err(|e| ApiError::malformed(format!("cannot read the form: {e}")))?;
                other_parts += chunk.len();
                if other_parts > FORM_OVERHEAD {
                    return Err(ApiError::too_large(limit));
                }
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

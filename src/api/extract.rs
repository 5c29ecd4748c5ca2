//! Request extractors that answer every client mistake as problem+json naming the field,
//! and responders for the conventions shared by all resources (ETag, list envelope).

use actix_web::http::header::{self, HeaderValue};
use actix_web::{FromRequest, HttpRequest, HttpResponse, dev::Payload};
use futures_util::StreamExt;
use futures_util::future::{LocalBoxFuture, Ready, ready};
use serde::Serialize;
use serde::de::DeserializeOwned;
use utoipa::ToSchema;
use validator::Validate;

use crate::domain::Actor;
use crate::error::{ApiError, FieldError};
use crate::text::nfc;

/// The largest JSON body accepted.
pub const JSON_LIMIT: usize = 1024 * 1024;

/// A JSON body: size-limited, NFC-normalised, deserialised with the path of any bad field,
/// then validated.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned + Validate + 'static> FromRequest for Json<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let checked = check_json_request(req);
        let mut payload = payload.take();
        Box::pin(async move {
            checked?;
            let mut body = Vec::new();
            while let Some(chunk) = payload.next().await {
                let chunk =
                    chunk.map_err(|e| ApiError::malformed(format!("cannot read the body: {e}")))?;
                if body.len() + chunk.len() > JSON_LIMIT {
                    return Err(ApiError::too_large(JSON_LIMIT));
                }
                body.extend_from_slice(&chunk);
            }
            parse_json(&body).map(Json)
        })
    }
}

fn check_json_request(req: &HttpRequest) -> Result<(), ApiError> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if !(essence == "application/json" || essence.ends_with("+json")) {
        return Err(ApiError::unsupported_media_type("application/json"));
    }
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > JSON_LIMIT) {
        return Err(ApiError::too_large(JSON_LIMIT));
    }
    Ok(())
}

/// Parses a JSON document into `T`: 400 when it is not JSON, 422 naming the field when it
/// does not fit `T` or fails its validation.
pub fn parse_json<T: DeserializeOwned + Validate>(body: &[u8]) -> Result<T, ApiError> {
    let mut value: serde_json::Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::malformed(format!("The body is not valid JSON: {e}")))?;
    if !value.is_object() {
        return Err(ApiError::invalid("body", "type", "must be a JSON object"));
    }
    if let Some(field) = find_nul(&value, "") {
        let field = if field.is_empty() {
            "body".to_string()
        } else {
            field
        };
        return Err(ApiError::invalid(
            &field,
            "nul",
            "text may not hold a NUL character (\\u0000)",
        ));
    }
    normalize_strings(&mut value);
    let parsed: T =
        serde_path_to_error::deserialize(value).map_err(|e| shape_error(e.path(), e.inner()))?;
    parsed.validate()?;
    Ok(parsed)
}

/// The path (`a.b[2]`) of the first string holding a NUL character, which no text needs and
/// PostgreSQL refuses.
fn find_nul(value: &serde_json::Value, path: &str) -> Option<String> {
    match value {
        serde_json::Value::String(s) => s.contains('\0').then(|| path.to_string()),
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| find_nul(v, &format!("{path}[{i}]"))),
        serde_json::Value::Object(map) => map.iter().find_map(|(k, v)| {
            let key = if path.is_empty() {
                k.clone()
            } else {
                format!("{path}.{k}")
            };
            if k.contains('\0') {
                Some(key)
            } else {
                find_nul(v, &key)
            }
        }),
        _ => None,
    }
}

/// Every string of a request is stored as NFC; normalising here covers every field at once.
fn normalize_strings(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::String(s) => *s = nfc(s),
        serde_json::Value::Array(items) => items.iter_mut().for_each(normalize_strings),
        serde_json::Value::Object(map) => map.values_mut().for_each(normalize_strings),
        _ => {}
    }
}

/// The field a serde error is about: its path, plus the name in "unknown/missing field `x`".
fn shape_error(path: &serde_path_to_error::Path, error: &impl std::fmt::Display) -> ApiError {
    let message = error.to_string();
    let named = message.split('`').nth(1).map(str::to_string);
    let base = path.to_string();
    let base = if base == "." { String::new() } else { base };
    // serde_path_to_error's path already ends at an unknown field, but stops before a missing one.
    let (code, field) = if message.starts_with("unknown field") {
        ("unknown_field", base)
    } else if message.starts_with("missing field") {
        ("required", join_path(&base, named.as_deref()))
    } else if message.starts_with("unknown variant") {
        ("enum", base)
    } else {
        ("type", base)
    };
    let message = message
        .split(" at line ")
        .next()
        .unwrap_or(&message)
        .to_string();
    ApiError::validation(vec![FieldError {
        field: if field.is_empty() {
            "body".into()
        } else {
            field
        },
        code: code.into(),
        message,
    }])
}

fn join_path(base: &str, name: Option<&str>) -> String {
    match (base.is_empty(), name) {
        (_, None) => base.to_string(),
        (true, Some(n)) => n.to_string(),
        (false, Some(n)) => format!("{base}.{n}"),
    }
}

/// The largest form body accepted (token requests are a few hundred bytes).
pub const FORM_LIMIT: usize = 16 * 1024;

/// An `application/x-www-form-urlencoded` body (the OAuth token request), deserialised
/// with the name of any bad field (422).
pub struct Form<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for Form<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let essence = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|v| v.trim().to_ascii_lowercase());
        let mut payload = payload.take();
        Box::pin(async move {
            if essence.as_deref() != Some("application/x-www-form-urlencoded") {
                return Err(ApiError::unsupported_media_type(
                    "application/x-www-form-urlencoded",
                ));
            }
            let mut body = Vec::new();
            while let Some(chunk) = payload.next().await {
                let chunk =
                    chunk.map_err(|e| ApiError::malformed(format!("cannot read the body: {e}")))?;
                if body.len() + chunk.len() > FORM_LIMIT {
                    return Err(ApiError::too_large(FORM_LIMIT));
                }
                body.extend_from_slice(&chunk);
            }
            let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(&body));
            serde_path_to_error::deserialize(de)
                .map(Form)
                .map_err(|e| shape_error(e.path(), e.inner()))
        })
    }
}

/// Query parameters, deserialised with the name of any bad parameter (422).
/// Unknown parameters are ignored, so a list's common and own parameters can be read apart.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned> FromRequest for Query<T> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(
            req.query_string().as_bytes(),
        ));
        ready(
            serde_path_to_error::deserialize(de)
                .map(Query)
                .map_err(|e| shape_error(e.path(), e.inner())),
        )
    }
}

/// The version named by `If-Match`, required on every change (428 without it).
pub struct IfMatch(pub i64);

impl FromRequest for IfMatch {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let value = req
            .headers()
            .get(header::IF_MATCH)
            .and_then(|v| v.to_str().ok());
        ready(match value {
            None => Err(ApiError::precondition_required()),
            // An ETag we never issued can match nothing.
            Some(v) => Ok(IfMatch(parse_etag(v).unwrap_or(-1))),
        })
    }
}

/// Reads `"v7"` (or `W/"v7"`) back into 7.
fn parse_etag(value: &str) -> Option<i64> {
    let v = value.trim().trim_start_matches("W/");
    v.strip_prefix("\"v")?.strip_suffix('"')?.parse().ok()
}

pub fn etag(version: i64) -> String {
    format!("\"v{version}\"")
}

/// A single resource answered with its `ETag`.
pub fn tagged<T: Serialize>(
    status: actix_web::http::StatusCode,
    version: i64,
    body: &T,
) -> HttpResponse {
    with_etag(status, version).json(body)
}

fn with_etag(status: actix_web::http::StatusCode, version: i64) -> actix_web::HttpResponseBuilder {
    let mut res = HttpResponse::build(status);
    if let Ok(v) = HeaderValue::from_str(&etag(version)) {
        res.insert_header((header::ETAG, v));
    }
    res
}

/// Marks an answer that carries a secret (a client secret, a token) `Cache-Control:
/// no-store`: no cache keeps it, and neither does the idempotency store.
pub fn no_store(mut res: HttpResponse) -> HttpResponse {
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// The envelope of every list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// All matching records, across pages.
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

impl<T> Page<T> {
    /// One page of rows, each turned into its wire form.
    pub fn of<R>(
        rows: Vec<R>,
        total: i64,
        page: crate::domain::PageRequest,
        wire: impl FnMut(R) -> T,
    ) -> Self {
        Page {
            items: rows.into_iter().map(wire).collect(),
            total,
            page: page.page,
            per_page: page.per_page,
        }
    }
}

/// The request id of the current request, set by the request-id middleware.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// Who is acting, for the audit log.
pub fn actor(req: &HttpRequest, user_id: Option<&str>) -> Actor {
    use actix_web::HttpMessage;
    Actor {
        user_id: user_id.map(str::to_string),
        request_id: req.extensions().get::<RequestId>().map(|r| r.0.clone()),
    }
}

/// For PATCH fields that may be left out but not set to `null` (absent → `None`).
pub fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

/// For PATCH fields that may be set to `null`: absent → `None`, `null` → `Some(None)`.
pub fn double_option<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    serde::Deserialize::deserialize(deserializer).map(Some)
}

/// The body length a request declares (`Content-Length`), so a body over a limit is
/// refused (413) before a byte of it is read.
pub fn declared_length(req: &HttpRequest) -> Option<usize> {
    req.headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
}

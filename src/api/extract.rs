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
use crate::ids::UserId;
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
    let mut value = read_json(body)?;
    if !value.is_object() {
        return Err(ApiError::invalid("body", "type", "must be a JSON object"));
    }
    if let Some((field, bad)) = find_bad_text(&value, "") {
        let field = if field.is_empty() {
            "body".to_string()
        } else {
            field
        };
        return Err(match bad {
            '\0' => ApiError::invalid(&field, "nul", "text may not hold a NUL character (\\u0000)"),
            c => ApiError::invalid(
                &field,
                "hidden_characters",
                format!(
                    "text may not hold invisible or direction-changing characters (U+{:04X}): \
                     they make it read as something it is not",
                    c as u32
                ),
            ),
        });
    }
    normalize_strings(&mut value);
    let parsed: T =
        serde_path_to_error::deserialize(value).map_err(|e| shape_error(e.path(), e.inner()))?;
    parsed.validate()?;
    Ok(parsed)
}

/// A JSON document, refusing an object that names a key twice: parsers disagree on which
/// of the two counts (serde_json keeps the last), so a body could mean one thing to a
/// proxy or a signature check and another to us. 400 when it is not JSON; 422 naming the
/// repeated key (`a.b`) otherwise.
fn read_json(body: &[u8]) -> Result<serde_json::Value, ApiError> {
    match serde_json::from_slice::<UniqueKeys>(body) {
        Ok(UniqueKeys(value)) => Ok(value),
        Err(e) if e.is_data() && e.to_string().starts_with(DUPLICATE_KEY) => {
            // Read again, tracking the path, only for the answer (the path costs time).
            let mut de = serde_json::Deserializer::from_slice(body);
            let (base, key) = match serde_path_to_error::deserialize::<_, UniqueKeys>(&mut de) {
                Err(e) => (
                    e.path().to_string(),
                    e.inner().to_string().split('`').nth(1).map(str::to_string),
                ),
                Ok(_) => (String::new(), None),
            };
            let base = if base == "." { String::new() } else { base };
            Err(ApiError::invalid(
                &join_path(&base, key.as_deref()),
                "duplicate_key",
                "the key appears twice in its object; give it once",
            ))
        }
        Err(e) => Err(ApiError::malformed(format!(
            "The body is not valid JSON: {e}"
        ))),
    }
}

const DUPLICATE_KEY: &str = "duplicate key";

/// A `serde_json::Value` read with a check that no object repeats a key (serde_json's own
/// keeps the last; its maintainers leave the check to a `Deserialize` such as this).
struct UniqueKeys(serde_json::Value);

impl<'de> serde::Deserialize<'de> for UniqueKeys {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(UniqueKeysVisitor).map(UniqueKeys)
    }
}

struct UniqueKeysVisitor;

impl<'de> serde::de::Visitor<'de> for UniqueKeysVisitor {
    type Value = serde_json::Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(serde_json::Value::Null, Into::into))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(serde_json::Value::Null)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(UniqueKeys(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(serde_json::Value::Array(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut object = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                return Err(serde::de::Error::custom(format!("{DUPLICATE_KEY} `{key}`")));
            }
            let UniqueKeys(value) = map.next_value()?;
            object.insert(key, value);
        }
        Ok(serde_json::Value::Object(object))
    }
}

fn is_password_field(path: &str) -> bool {
    matches!(path, "password" | "current_password" | "new_password")
}

/// The path (`a.b[2]`) of the first string (or key) holding a character no text may hold,
/// and that character: NUL, which no text needs and PostgreSQL refuses, or one that hides
/// or reorders text (`text::is_hidden`), so every name, title and note of every body is
/// shown as it reads.
fn find_bad_text(value: &serde_json::Value, path: &str) -> Option<(String, char)> {
    let bad = |s: &str| s.chars().find(|c| *c == '\0' || crate::text::is_hidden(*c));
    match value {
        // A password is never shown, so it cannot mislead; refusing its characters would
        // only lock out an account whose password holds one (an emoji's joiner).
        serde_json::Value::String(s) if is_password_field(path) => {
            s.contains('\0').then(|| (path.to_string(), '\0'))
        }
        serde_json::Value::String(s) => bad(s).map(|c| (path.to_string(), c)),
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| find_bad_text(v, &format!("{path}[{i}]"))),
        serde_json::Value::Object(map) => map.iter().find_map(|(k, v)| {
            let key = if path.is_empty() {
                k.clone()
            } else {
                format!("{path}.{k}")
            };
            match bad(k) {
                Some(c) => Some((key, c)),
                None => find_bad_text(v, &key),
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

    /// Its `Link` header (RFC 8288): first, prev, next and last, relative to `path`,
    /// keeping the query's other parameters.
    pub fn links(&self, path: &str, query: &str) -> String {
        page_links(path, query, self.page, self.per_page, self.total)
    }
}

impl<T: Serialize> Page<T> {
    /// The page as a 200 JSON answer with its `Link` header.
    pub fn respond(&self, req: &HttpRequest) -> HttpResponse {
        HttpResponse::Ok()
            .insert_header((header::LINK, self.links(req.path(), req.query_string())))
            .json(self)
    }
}

/// `<path?…&page=N>; rel="…"` for the first, previous, next and last pages (the last is
/// the first when nothing matches). Relative references, so no `Host` is trusted.
pub fn page_links(path: &str, query: &str, page: i64, per_page: i64, total: i64) -> String {
    let last = ((total + per_page - 1) / per_page.max(1)).max(1);
    let target = |n: i64| format!("<{}>", with_parameter(path, query, "page", &n.to_string()));
    let mut links = vec![format!("{}; rel=\"first\"", target(1))];
    if page > 1 {
        links.push(format!("{}; rel=\"prev\"", target((page - 1).min(last))));
    }
    if page < last {
        links.push(format!("{}; rel=\"next\"", target(page + 1)));
    }
    links.push(format!("{}; rel=\"last\"", target(last)));
    links.join(", ")
}

/// `path?query` with the parameter `name` set to `value` (any it held dropped, the others
/// kept in order): the target of a link to another page of the same list.
pub fn with_parameter(path: &str, query: &str, name: &str, value: &str) -> String {
    let kept: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .filter(|(key, _)| key != name)
        .map(|(key, value)| (key.into_owned(), value.into_owned()))
        .collect();
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&kept)
        .append_pair(name, value)
        .finish();
    format!("{path}?{query}")
}

/// The request id of the current request, set by the request-id middleware.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// Who is acting, for the audit log.
pub fn actor(req: &HttpRequest, user_id: Option<&UserId>) -> Actor {
    use actix_web::HttpMessage;
    Actor {
        user_id: user_id.cloned(),
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

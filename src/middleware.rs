//! Middleware: request ids, CORS, and the answer for unknown paths.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::{Condition, Next};
use actix_web::{Error, HttpMessage};

use std::sync::OnceLock;

use crate::api::extract::RequestId;
use crate::auth::Caller;
use crate::config::CorsOrigins;
use crate::db::Writes;
use crate::error::ApiError;

pub const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// A client's request id is kept when it is short and printable; otherwise one is made.
fn acceptable(id: &str) -> bool {
    (1..=128).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_graphic())
}

/// Gives every request an id (the client's `X-Request-Id` or a new one), echoes it on
/// the response, and logs the cause of any 5xx with it.
pub async fn request_id(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let id = req
        .headers()
        .get(&X_REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| acceptable(v))
        .map(str::to_string)
        .unwrap_or_else(crate::domain::new_id);
    req.extensions_mut().insert(RequestId(id.clone()));
    // A NUL byte is no character of any text or id, and PostgreSQL refuses it in text:
    // answered here once for every path and query parameter.
    let encoded = format!("{}?{}", req.path(), req.query_string());
    if encoded.to_ascii_lowercase().contains("%00") {
        let refused = ApiError::malformed("The path or the query holds a NUL byte (%00).");
        let mut res = req.error_response(refused).map_into_right_body();
        if let Ok(value) = HeaderValue::from_str(&id) {
            res.headers_mut().insert(X_REQUEST_ID, value);
        }
        return Ok(res);
    }
    let mut res = next.call(req).await?.map_into_left_body();
    if res.status().is_server_error() {
        let cause = res
            .response()
            .error()
            .map(|e| e.to_string())
            .unwrap_or_default();
        log::error!(
            "request {id} {} {} failed: {cause}",
            res.request().method(),
            res.request().path()
        );
    }
    if let Ok(value) = HeaderValue::from_str(&id) {
        res.headers_mut().insert(X_REQUEST_ID, value);
    }
    Ok(res)
}

/// CORS from configuration. Off when no origin is configured (same-origin use, curl).
/// The service's own origin is always allowed, so the docs page can call the API.
pub fn cors(origins: &CorsOrigins) -> Condition<actix_cors::Cors> {
    let base = actix_cors::Cors::default()
        .allowed_methods(["GET", "POST", "PUT", "PATCH", "DELETE"])
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::IF_MATCH,
            header::IF_NONE_MATCH,
            X_REQUEST_ID,
            IDEMPOTENCY_KEY,
        ])
        .expose_headers([
            header::ETAG,
            header::RETRY_AFTER,
            header::LOCATION,
            X_REQUEST_ID,
            IDEMPOTENT_REPLAYED,
        ])
        .max_age(3600);
    let cors = match origins {
        CorsOrigins::None => base,
        CorsOrigins::Any => base.allow_any_origin(),
        CorsOrigins::List(list) => {
            let list = list.clone();
            base.allowed_origin_fn(move |origin, head| {
                let origin = origin.to_str().unwrap_or("");
                let own = head
                    .headers()
                    .get(header::HOST)
                    .and_then(|h| h.to_str().ok())
                    .is_some_and(|host| origin.ends_with(&format!("://{host}")));
                own || list.iter().any(|o| o == origin)
            })
        }
    };
    Condition::new(*origins != CorsOrigins::None, cors)
}

/// Headers every answer carries: no content sniffing, no framing (clickjacking), no
/// referrer leaking ids in URLs. TLS and HSTS belong to the reverse proxy in front.
pub fn security_headers() -> actix_web::middleware::DefaultHeaders {
    actix_web::middleware::DefaultHeaders::new()
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::X_FRAME_OPTIONS, "DENY"))
        .add((header::REFERRER_POLICY, "no-referrer"))
}

/// Every route's path pattern and methods, read from the OpenAPI document (which is read
/// from the router), so a known path with another method answers 405, not 404.
pub struct RouteTable(Vec<(regex::Regex, Vec<&'static str>)>);

impl RouteTable {
    pub fn from_openapi(doc: &utoipa::openapi::OpenApi) -> RouteTable {
        let mut routes = Vec::new();
        for (path, item) in &doc.paths.paths {
            // `/org-units/{id}/tree` → `^/org-units/[^/]+/tree$`
            let pattern: Vec<String> = path
                .split('/')
                .map(|segment| {
                    if segment.starts_with('{') {
                        "[^/]+".to_string()
                    } else {
                        regex::escape(segment)
                    }
                })
                .collect();
            let pattern = pattern.join("/");
            let Ok(pattern) = regex::Regex::new(&format!("^{pattern}$")) else {
                continue;
            };
            let methods = [
                ("GET", item.get.is_some()),
                ("POST", item.post.is_some()),
                ("PUT", item.put.is_some()),
                ("PATCH", item.patch.is_some()),
                ("DELETE", item.delete.is_some()),
            ]
            .into_iter()
            .filter_map(|(m, on)| on.then_some(m))
            .collect();
            routes.push((pattern, methods));
        }
        RouteTable(routes)
    }

    /// The methods a path answers to; empty when no route has this path.
    pub fn methods(&self, path: &str) -> Vec<&'static str> {
        let mut methods: Vec<&'static str> = self
            .0
            .iter()
            .filter(|(pattern, _)| pattern.is_match(path))
            .flat_map(|(_, m)| m.iter().copied())
            .collect();
        methods.sort_unstable();
        methods.dedup();
        methods
    }
}

/// What matches no route: 405 with `Allow` when the path exists under other methods, else
/// 404 — both problem+json like everything else.
pub async fn not_found(req: actix_web::HttpRequest) -> actix_web::HttpResponse {
    use actix_web::ResponseError;
    let methods = req
        .app_data::<actix_web::web::Data<RouteTable>>()
        .map(|t| t.methods(req.path()))
        .unwrap_or_default();
    if methods.is_empty() {
        return ApiError::not_found("resource at this path").error_response();
    }
    let allow = methods.join(", ");
    let mut res = ApiError::new(
        actix_web::http::StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!("This path answers to {allow}."),
    )
    .error_response();
    if let Ok(value) = HeaderValue::from_str(&allow) {
        res.headers_mut().insert(header::ALLOW, value);
    }
    res
}

pub const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");
pub const IDEMPOTENT_REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");

/// A key is 1 to 255 printable ASCII characters (a UUID, say).
fn acceptable_key(key: &str) -> bool {
    (1..=255).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic())
}

/// What a POST route takes as its body, and so how much of it may be read before the
/// handler runs. Told by path: the middleware runs before routing. The learning-records
/// import and the file uploads of evidence and nominations are the only routes that take
/// more than a JSON body (unit test `body_kinds_follow_the_openapi_document`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BodyKind {
    Json,
    Import,
    File,
}

impl BodyKind {
    fn of(path: &str) -> BodyKind {
        static FILES: OnceLock<regex::Regex> = OnceLock::new();
        let files = FILES.get_or_init(|| {
            regex::Regex::new("^/api/v1/(evidence|nominations)/[^/]+/files$").expect("a regex")
        });
        if path == "/api/v1/learning-records/import" {
            BodyKind::Import
        } else if files.is_match(path) {
            BodyKind::File
        } else {
            BodyKind::Json
        }
    }

    /// The most of a body this caller may send to a route of this kind. The import and
    /// file limits (tens of MiB) hold only for a caller whom policy lets import or attach
    /// files; anyone else is refused before a byte is read, as the handler would refuse
    /// them (API4: an account must not make the server read what it may not send).
    fn limit(self, caller: &Caller, config: &crate::config::Config) -> Result<usize, ApiError> {
        use crate::auth::policy;
        match self {
            BodyKind::Json => Ok(crate::api::extract::JSON_LIMIT),
            BodyKind::Import => {
                policy::ensure(policy::can_import_learning_records(caller.user()?))?;
                Ok(config.max_import_bytes)
            }
            BodyKind::File => {
                policy::ensure(policy::can_upload_files(caller.user()?))?;
                Ok(config.max_file_bytes + crate::api::uploads::FORM_OVERHEAD)
            }
        }
    }
}

/// Whose keys these are: an account's, or a service client's.
fn key_owner(caller: &Caller) -> String {
    match caller {
        Caller::User(p) => format!("user:{}", p.user_id),
        Caller::Client(c) => format!("client:{}", c.id),
    }
}

/// `Idempotency-Key` on a POST: the first answer is kept for 24 hours and sent again for a
/// retry of the same request by the same caller (`Idempotent-Replayed: true`); the same key
/// with a different request is refused (422), and a retry while the first still runs waits
/// for nothing and answers 409. Answers of 5xx, and answers carrying a secret
/// (`Cache-Control: no-store`), and 401s (a session that ended), are not kept, so a retry
/// runs again. Only authenticated
/// requests are covered: logging in is not a write to repeat.
///
/// The caller is checked as the handler's extractor checks it (`Caller`: the session is
/// live, the account or client still enabled) before anything is read, claimed or
/// replayed: a stored answer is never sent to a session that ended. The body is read only
/// up to what the route takes from this caller (`BodyKind::limit`): 413 at once when
/// `Content-Length` says more, and a body sent in chunks is cut off at the limit.
pub async fn idempotency(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    use actix_web::FromRequest;
    use actix_web::body::{BoxBody, EitherBody};
    use futures_util::StreamExt;

    let key = req
        .headers()
        .get(&IDEMPOTENCY_KEY)
        .map(|v| v.to_str().unwrap_or("").to_string());
    let state = req
        .app_data::<actix_web::web::Data<crate::AppState>>()
        .cloned();
    let (Some(key), Some(state), true) =
        (key, state, req.method() == actix_web::http::Method::POST)
    else {
        return Ok(next.call(req).await?.map_into_left_body());
    };
    let refuse = |req: ServiceRequest,
                  e: ApiError|
     -> Result<ServiceResponse<EitherBody<_, BoxBody>>, Error> {
        Ok(req.error_response(e).map_into_right_body())
    };
    if !acceptable_key(&key) {
        let mut e =
            ApiError::malformed("Idempotency-Key must be 1 to 255 printable ASCII characters.");
        e.errors.push(crate::error::FieldError {
            field: "Idempotency-Key".into(),
            code: "format".into(),
            message: "1 to 255 printable ASCII characters".into(),
        });
        return refuse(req, e);
    }
    // Keys belong to a live caller, found by the handlers' own extractor. Without one (log
    // in, refresh, public feedback; a token that does not verify or whose session ended)
    // the request runs as if it had no key: nothing is buffered, stored or replayed, and
    // a guarded handler answers its own 401 before reading the body.
    let Ok(caller) = Caller::extract(req.request()).await else {
        return Ok(next.call(req).await?.map_into_left_body());
    };
    let owner = key_owner(&caller);
    let limit = match BodyKind::of(req.path()).limit(&caller, &state.config) {
        Ok(limit) => limit,
        Err(e) => return refuse(req, e),
    };
    if crate::api::extract::declared_length(req.request()).is_some_and(|n| n > limit) {
        return refuse(req, ApiError::too_large(limit));
    }
    // The body is read (up to the limit) to fingerprint the request, then handed on
    // unchanged.
    let mut payload = req.take_payload();
    let mut body = actix_web::web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk?;
        if body.len() + chunk.len() > limit {
            return refuse(req, ApiError::too_large(limit));
        }
        body.extend_from_slice(&chunk);
    }
    let body = body.freeze();
    let hash = {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update(req.path().as_bytes());
        h.update(b"?");
        h.update(req.query_string().as_bytes());
        h.update(b"\n");
        if let Some(ct) = req.headers().get(header::CONTENT_TYPE) {
            h.update(ct.as_bytes());
        }
        h.update(b"\n");
        h.update(&body);
        hex::encode(h.finalize())
    };
    let (o, k, h) = (owner.clone(), key.clone(), hash);
    let claim = crate::db::run(&state.pool, move |conn| {
        use crate::domain::idempotency::{Claim, claim};
        match conn.write(|tx| claim(tx, &o, &k, &h)) {
            Err(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            )) => Ok(Claim::InProgress),
            other => Ok(other?),
        }
    })
    .await;
    use crate::domain::idempotency::{self as idem, Claim, StoredAnswer};
    match claim {
        Err(e) => return refuse(req, e),
        Ok(Claim::Mismatch) => {
            return refuse(
                req,
                ApiError::invalid(
                    "Idempotency-Key",
                    "reused",
                    "this key was used for a different request; use a new key",
                ),
            );
        }
        Ok(Claim::InProgress) => {
            return refuse(
                req,
                ApiError::conflict(
                    "idempotency_in_progress",
                    "A request with this Idempotency-Key is still running; retry shortly.",
                ),
            );
        }
        Ok(Claim::Replay(answer)) => {
            let mut res = actix_web::HttpResponse::build(
                actix_web::http::StatusCode::from_u16(answer.status as u16)
                    .unwrap_or(actix_web::http::StatusCode::OK),
            );
            for (name, value) in [
                (header::CONTENT_TYPE, &answer.content_type),
                (header::ETAG, &answer.etag),
                (header::LOCATION, &answer.location),
            ] {
                if let Some(v) = value {
                    res.insert_header((name, v.as_str()));
                }
            }
            res.insert_header((IDEMPOTENT_REPLAYED, "true"));
            let res = res.body(answer.body);
            return Ok(req.into_response(res).map_into_right_body());
        }
        Ok(Claim::Run) => {}
    }
    req.set_payload(actix_web::dev::Payload::from(body));
    let res = next.call(req).await?;
    let (req, res) = res.into_parts();
    let status = res.status();
    let header_of = |name| {
        res.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    // Not kept, so a retry runs again: an answer carrying a secret, a failure of ours, and
    // a 401 (the session ended; the retry comes after logging in again).
    let keep = !header_of(header::CACHE_CONTROL).is_some_and(|c| c.contains("no-store"))
        && !status.is_server_error()
        && status != actix_web::http::StatusCode::UNAUTHORIZED;
    let (content_type, etag, location) = (
        header_of(header::CONTENT_TYPE),
        header_of(header::ETAG),
        header_of(header::LOCATION),
    );
    let (head, body) = res.into_parts();
    let bytes = actix_web::body::to_bytes(body).await.ok();
    let (o, k, answer) = (owner, key, bytes.clone());
    // The answer goes out even if it cannot be kept; the claim then goes stale and a
    // retry runs again.
    let _ = crate::db::run(&state.pool, move |conn| -> Result<(), ApiError> {
        conn.write(|tx| match &answer {
            Some(bytes) if keep => idem::store(
                tx,
                &o,
                &k,
                &StoredAnswer {
                    status: i32::from(status.as_u16()),
                    content_type,
                    etag,
                    location,
                    body: bytes.to_vec(),
                },
            ),
            _ => idem::release(tx, &o, &k),
        })?;
        Ok(())
    })
    .await;
    let res = match bytes {
        Some(bytes) => head.set_body(BoxBody::new(bytes)),
        None => head.set_body(BoxBody::new(())),
    };
    Ok(ServiceResponse::new(req, res).map_into_right_body())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_kinds_follow_the_openapi_document() {
        // Every POST route that takes more than JSON must be told apart by its path, or
        // its callers could send it only 1 MiB with an Idempotency-Key.
        let document = crate::openapi_document();
        let mut kinds = Vec::new();
        for (path, item) in &document.paths.paths {
            let Some(post) = &item.post else { continue };
            let types: Vec<&String> = post
                .request_body
                .iter()
                .flat_map(|b| match b {
                    utoipa::openapi::RefOr::T(b) => b.content.keys().collect(),
                    utoipa::openapi::RefOr::Ref(_) => Vec::new(),
                })
                .collect();
            let expected = if types.iter().any(|t| *t == "multipart/form-data") {
                BodyKind::File
            } else if types.iter().any(|t| *t == "text/csv") {
                BodyKind::Import
            } else {
                BodyKind::Json
            };
            let concrete = path.replace("{id}", "019ab0a4-8c3d-7e2f-9a10-2b3c4d5e6f70");
            assert_eq!(BodyKind::of(&concrete), expected, "{path}");
            kinds.push(expected);
        }
        assert!(kinds.contains(&BodyKind::File) && kinds.contains(&BodyKind::Import));
    }
}

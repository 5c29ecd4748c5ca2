//! Middleware: request ids, CORS, and the answer for unknown paths.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::{Condition, Next};
use actix_web::{Error, HttpMessage};

use crate::api::extract::RequestId;
use crate::config::CorsOrigins;
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
        ])
        .expose_headers([
            header::ETAG,
            header::RETRY_AFTER,
            header::LOCATION,
            X_REQUEST_ID,
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

/// Unknown paths answer 404 problem+json like everything else.
pub async fn not_found() -> actix_web::HttpResponse {
    use actix_web::ResponseError;
    ApiError::not_found("resource at this path").error_response()
}

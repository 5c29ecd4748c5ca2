//! The one error type of the API, answered as `application/problem+json` (RFC 9457).

use std::fmt;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use chrono::{DateTime, SecondsFormat, SubsecRound, Utc};
use serde::Serialize;
use utoipa::ToSchema;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// One rejected field of a request.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
#[schema(example = json!({"field": "code", "code": "duplicate", "message": "another org unit has this code"}))]
pub struct FieldError {
    /// The field, as a JSON path into the request (`phases[1].end_date`) or a query parameter.
    pub field: String,
    /// Stable machine code: `required`, `length`, `format`, `range`, `duplicate`, `unknown_field`…
    pub code: String,
    pub message: String,
}

/// The problem document every 4xx and 5xx answer carries.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "urn:thidua:problem:validation",
    "title": "Unprocessable Entity",
    "status": 422,
    "detail": "The request has invalid fields.",
    "code": "validation",
    "errors": [{"field": "name", "code": "length", "message": "must be 1 to 300 characters"}]
}))]
pub struct Problem {
    /// `urn:thidua:problem:{code}`.
    #[serde(rename = "type")]
    pub type_uri: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Stable machine code of the problem; clients branch on this, not on the text.
    pub code: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// With 429: when the caller may try again, in UTC (RFC 3339); `Retry-After` gives the
    /// same time in seconds from the answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "2026-03-03T02:15:00Z")]
    pub retry_at: Option<DateTime<Utc>>,
    /// From the token endpoint only: the OAuth 2.0 error code (RFC 6749 §5.2:
    /// `invalid_request`, `invalid_client`, `unsupported_grant_type`, `invalid_scope`),
    /// which OAuth client libraries read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// From the token endpoint only: the same as `detail`, under OAuth's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_description: Option<String>,
}

/// The realm of every `WWW-Authenticate` challenge.
const REALM: &str = "thidua";

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub detail: String,
    pub errors: Vec<FieldError>,
    pub retry_after: Option<u32>,
    /// With 429: when the caller may try again (`Problem::retry_at`).
    pub retry_at: Option<DateTime<Utc>>,
    /// The cause of a 5xx, logged and never shown to the client.
    pub cause: Option<Box<str>>,
    /// The `WWW-Authenticate` challenge; a 401 without one says `Bearer realm="thidua"`.
    pub challenge: Option<Box<str>>,
    /// Answered as an OAuth 2.0 token-endpoint error (RFC 6749 §5.2): `application/json`,
    /// `code` repeated as `error` and `detail` as `error_description`.
    pub oauth: bool,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            detail: detail.into(),
            errors: Vec::new(),
            retry_after: None,
            retry_at: None,
            cause: None,
            challenge: None,
            oauth: false,
        }
    }

    /// The same problem under a more precise machine code (OAuth's `invalid_client`).
    pub fn with_code(mut self, code: &'static str) -> Self {
        self.code = code;
        self
    }

    pub fn malformed(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "malformed_request", detail)
    }

    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", detail)
    }

    /// A bearer token that was sent but is not (or no longer) good: RFC 6750 §3.1's
    /// `invalid_token`, so a client refreshes or logs in again.
    pub fn invalid_token(detail: impl Into<String>) -> Self {
        let mut e = Self::unauthorized(detail);
        e.challenge = Some(bearer_challenge("invalid_token", &e.detail, None).into());
        e
    }

    pub fn forbidden() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "Your roles do not allow this action.",
        )
    }

    /// A service-client token without the scope an endpoint needs (RFC 6750 §3.1,
    /// naming the scope when there is one to ask for).
    pub fn insufficient_scope(detail: impl Into<String>, scope: Option<&str>) -> Self {
        let mut e = Self::new(StatusCode::FORBIDDEN, "insufficient_scope", detail);
        e.challenge = Some(bearer_challenge("insufficient_scope", &e.detail, scope).into());
        e
    }

    /// This error as the token endpoint answers it (RFC 6749 §5.2): a refused client is
    /// 401 `invalid_client` with a `Basic` challenge (the scheme the endpoint takes), a
    /// request it cannot take (a field missing or malformed, not a form) is 400 with
    /// OAuth's code; throttling (429), a body over the limit (413) and the server's own
    /// failures stay problems.
    pub fn into_oauth(mut self) -> Self {
        let error = match self.code {
            "invalid_client" => "invalid_client",
            "unsupported_grant_type" => "unsupported_grant_type",
            "invalid_scope" => "invalid_scope",
            // Throttling, a body over the limit and the server's failures are HTTP's, not
            // OAuth's.
            "too_many_requests" | "too_large" => return self,
            _ if self.status.is_server_error() => return self,
            _ => {
                self.status = StatusCode::BAD_REQUEST;
                "invalid_request"
            }
        };
        if error == "invalid_client" {
            self.status = StatusCode::UNAUTHORIZED;
            self.challenge = Some(format!("Basic realm=\"{REALM}\"").into());
        }
        self.code = error;
        self.oauth = true;
        self
    }

    /// Absent, or outside the caller's scope: the answer must not tell which.
    pub fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("No such {what}."),
        )
    }

    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, detail)
    }

    /// A conflict caused by one field's value, e.g. a duplicate code.
    pub fn conflict_field(field: &str, code: &'static str, message: impl Into<String>) -> Self {
        let message = message.into();
        let mut e = Self::new(StatusCode::CONFLICT, code, message.clone());
        e.errors.push(FieldError {
            field: field.into(),
            code: code.into(),
            message,
        });
        e
    }

    /// One invalid field (422).
    pub fn invalid(field: &str, code: &str, message: impl Into<String>) -> Self {
        Self::validation(vec![FieldError {
            field: field.into(),
            code: code.into(),
            message: message.into(),
        }])
    }

    /// Several invalid fields (422).
    pub fn validation(errors: Vec<FieldError>) -> Self {
        let mut e = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation",
            "The request has invalid fields.",
        );
        e.errors = errors;
        e
    }

    pub fn precondition_failed() -> Self {
        Self::new(
            StatusCode::PRECONDITION_FAILED,
            "version_mismatch",
            "The resource changed since you read it (If-Match does not match its ETag); read it again.",
        )
    }

    pub fn precondition_required() -> Self {
        Self::new(
            StatusCode::PRECONDITION_REQUIRED,
            "if_match_required",
            "Send If-Match with the ETag you read, so concurrent changes are not lost.",
        )
    }

    pub fn too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("The body is larger than {limit} bytes."),
        )
    }

    /// None of the representations asked for (by `field`: a `format` parameter or the
    /// `Accept` header) is one we produce (406).
    pub fn not_acceptable(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        let mut e = Self::new(
            StatusCode::NOT_ACCEPTABLE,
            "not_acceptable",
            message.clone(),
        );
        e.errors.push(FieldError {
            field: field.into(),
            code: "unknown".into(),
            message,
        });
        e
    }

    pub fn unsupported_media_type(expected: &str) -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            format!("Send the body as {expected}."),
        )
    }

    pub fn too_many_requests(retry_after: u32) -> Self {
        let mut e = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_requests",
            format!("Too many attempts; try again in {retry_after} s."),
        );
        e.retry_after = Some(retry_after);
        e
    }

    /// Too many attempts until `until` (429): a throttle's window ends then. The answer
    /// says when twice, for people and programs: `Retry-After` in seconds, and `retry_at`
    /// (and the detail) as a time in UTC.
    pub fn too_many_requests_until(until: DateTime<Utc>) -> Self {
        let seconds = seconds_until(until, Utc::now());
        // A whole second, not before the window ends.
        let until = match until.timestamp_subsec_nanos() {
            0 => until,
            _ => until.trunc_subsecs(0) + chrono::TimeDelta::seconds(1),
        };
        let mut e = Self::too_many_requests(seconds);
        e.detail = format!(
            "Too many attempts; try again at {} (in {seconds} s).",
            until.to_rfc3339_opts(SecondsFormat::Secs, true)
        );
        e.retry_at = Some(until);
        e
    }

    pub fn internal(cause: impl fmt::Display) -> Self {
        let mut e = Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "An internal error occurred; the X-Request-Id header identifies it in the server log.",
        );
        e.cause = Some(cause.to_string().into());
        e
    }

    /// The database cannot be reached now; a retry may succeed.
    pub fn unavailable(cause: impl fmt::Display) -> Self {
        let mut e = Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "The database is not reachable; try again shortly.",
        );
        e.cause = Some(cause.to_string().into());
        e.retry_after = Some(5);
        e
    }

    pub fn problem(&self) -> Problem {
        Problem {
            type_uri: format!("urn:thidua:problem:{}", self.code),
            title: self
                .status
                .canonical_reason()
                .unwrap_or("Error")
                .to_string(),
            status: self.status.as_u16(),
            detail: self.detail.clone(),
            code: self.code.to_string(),
            errors: self.errors.clone(),
            retry_at: self.retry_at,
            error: self.oauth.then(|| self.code.to_string()),
            error_description: self.oauth.then(|| self.detail.clone()),
        }
    }
}

/// `Bearer realm="thidua", error="…", error_description="…"[, scope="…"]` (RFC 6750 §3).
fn bearer_challenge(error: &str, description: &str, scope: Option<&str>) -> String {
    // A quoted-string holds neither `"` nor `\` unescaped; RFC 6750 allows only
    // printable ASCII in error_description, so anything else is left out.
    let quoted = |text: &str| -> String {
        text.chars()
            .filter(|c| c.is_ascii() && !c.is_ascii_control())
            .flat_map(|c| match c {
                '"' | '\\' => vec!['\\', c],
                c => vec![c],
            })
            .collect()
    };
    let mut challenge = format!(
        "Bearer realm=\"{REALM}\", error=\"{error}\", error_description=\"{}\"",
        quoted(description)
    );
    if let Some(scope) = scope {
        challenge.push_str(&format!(", scope=\"{}\"", quoted(scope)));
    }
    challenge
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.status.as_u16(), self.code, self.detail)?;
        if let Some(cause) = &self.cause {
            write!(f, " ({cause})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut res = HttpResponse::build(self.status);
        // RFC 6749 §5.2 names application/json for the token endpoint's errors.
        res.content_type(if self.oauth {
            "application/json"
        } else {
            PROBLEM_JSON
        });
        if let Some(secs) = self.retry_after {
            res.insert_header((header::RETRY_AFTER, HeaderValue::from(secs)));
        }
        if self.oauth {
            // RFC 6749 §5.1: token answers, errors too, are never cached.
            res.insert_header((header::CACHE_CONTROL, "no-store"));
        }
        let challenge = match &self.challenge {
            Some(challenge) => Some(challenge.to_string()),
            None if self.status == StatusCode::UNAUTHORIZED => {
                Some(format!("Bearer realm=\"{REALM}\""))
            }
            None => None,
        };
        if let Some(value) = challenge.and_then(|c| HeaderValue::from_str(&c).ok()) {
            res.insert_header((header::WWW_AUTHENTICATE, value));
        }
        res.json(self.problem())
    }
}

/// Each kind of domain refusal answered as the API answers it: the one place the domain's
/// words become HTTP.
impl From<crate::domain::Error> for ApiError {
    fn from(e: crate::domain::Error) -> Self {
        use crate::domain::Error as E;
        match e {
            E::Invalid(fields) => {
                ApiError::validation(fields.into_iter().map(Into::into).collect())
            }
            E::NotFound(what) => ApiError::not_found(&what),
            E::Forbidden => ApiError::forbidden(),
            E::InsufficientScope { detail, scope } => ApiError::insufficient_scope(detail, scope),
            E::Unauthenticated(detail) => ApiError::unauthorized(detail),
            E::Conflict {
                code,
                message,
                field: Some(field),
            } => ApiError::conflict_field(&field, code, message),
            E::Conflict {
                code,
                message,
                field: None,
            } => ApiError::conflict(code, message),
            E::Stale => ApiError::precondition_failed(),
            E::VersionRequired => ApiError::precondition_required(),
            E::TooLarge(limit) => ApiError::too_large(limit),
            E::UnsupportedType(expected) => ApiError::unsupported_media_type(&expected),
            E::Database(e) => e.into(),
            E::Internal(cause) => ApiError::internal(cause),
        }
    }
}

impl From<crate::domain::FieldError> for FieldError {
    fn from(f: crate::domain::FieldError) -> Self {
        FieldError {
            field: f.field,
            code: f.code,
            message: f.message,
        }
    }
}

impl From<crate::db::Error> for ApiError {
    fn from(e: crate::db::Error) -> Self {
        match e {
            crate::db::Error::Unavailable(cause) => ApiError::unavailable(cause),
            crate::db::Error::Query(e) => e.into(),
            crate::db::Error::Interrupted(cause) => ApiError::internal(cause),
        }
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind as Kind, Error};
        match e {
            Error::NotFound => ApiError::not_found("resource"),
            // Call sites check uniqueness and references first and name the field; these
            // are the races that slip between the check and the write.
            Error::DatabaseError(Kind::UniqueViolation, _) => {
                ApiError::conflict("duplicate", "A record with the same unique value exists.")
            }
            Error::DatabaseError(Kind::ForeignKeyViolation, _) => ApiError::conflict(
                "reference",
                "A referenced record does not exist or is still referenced.",
            ),
            // A value PostgreSQL cannot store (a date before 4713 BC, a number too large)
            // that slipped past the field checks is the client's, not ours.
            Error::DatabaseError(_, info) if info.message().contains("out of range") => {
                let mut e = ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "out_of_range",
                    "A date or a number is outside what can be stored.",
                );
                e.cause = Some(info.message().into());
                e
            }
            Error::DatabaseError(Kind::SerializationFailure, info) => {
                let mut e = ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "retry",
                    "A concurrent change interfered; try again.",
                );
                e.cause = Some(info.message().into());
                e.retry_after = Some(1);
                e
            }
            // The connection is gone (`db::Liveness` drops it): the next one may answer.
            Error::DatabaseError(Kind::ClosedConnection | Kind::UnableToSendCommand, info) => {
                ApiError::unavailable(info.message())
            }
            other => ApiError::internal(other),
        }
    }
}

impl From<validator::ValidationErrors> for ApiError {
    fn from(errors: validator::ValidationErrors) -> Self {
        let mut fields = Vec::new();
        flatten_validation("", &errors, &mut fields);
        fields.sort_by(|a, b| a.field.cmp(&b.field));
        ApiError::validation(fields)
    }
}

fn flatten_validation(
    prefix: &str,
    errors: &validator::ValidationErrors,
    out: &mut Vec<FieldError>,
) {
    use validator::ValidationErrorsKind as K;
    for (field, kind) in errors.errors() {
        let path = if prefix.is_empty() {
            field.to_string()
        } else {
            format!("{prefix}.{field}")
        };
        match kind {
            K::Field(list) => out.extend(list.iter().map(|e| {
                FieldError {
                    field: path.clone(),
                    code: e.code.to_string(),
                    message: e
                        .message
                        .as_ref()
                        .map(|m| m.to_string())
                        .unwrap_or_else(|| default_message(e)),
                }
            })),
            K::Struct(inner) => flatten_validation(&path, inner, out),
            K::List(items) => {
                for (i, inner) in items {
                    flatten_validation(&format!("{path}[{i}]"), inner, out);
                }
            }
        }
    }
}

/// A readable message for validator's built-in checks, from their parameters.
fn default_message(e: &validator::ValidationError) -> String {
    let p = |k: &str| e.params.get(k).map(|v| v.to_string());
    match e.code.as_ref() {
        "length" => match (p("min"), p("max")) {
            (Some(min), Some(max)) => format!("must be {min} to {max} characters"),
            (None, Some(max)) => format!("must be at most {max} characters"),
            (Some(min), None) => format!("must be at least {min} characters"),
            _ => "has the wrong length".into(),
        },
        "range" => match (p("min"), p("max")) {
            (Some(min), Some(max)) => format!("must be between {min} and {max}"),
            (None, Some(max)) => format!("must be at most {max}"),
            (Some(min), None) => format!("must be at least {min}"),
            _ => "is out of range".into(),
        },
        "email" => "must be an email address".into(),
        "url" => "must be a URL".into(),
        other => format!("is invalid ({other})"),
    }
}

/// Whole seconds from `now` to `until` for `Retry-After`: rounded up, and at least 1.
fn seconds_until(until: DateTime<Utc>, now: DateTime<Utc>) -> u32 {
    let millis = (until - now)
        .num_milliseconds()
        .clamp(1, i64::from(u32::MAX));
    (millis as u64).div_ceil(1000) as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeDelta;

    #[test]
    fn retry_after_is_rounded_up_and_never_zero() {
        let now = Utc::now();
        assert_eq!(seconds_until(now + TimeDelta::milliseconds(1), now), 1);
        assert_eq!(seconds_until(now + TimeDelta::milliseconds(1001), now), 2);
        assert_eq!(seconds_until(now - TimeDelta::seconds(5), now), 1);
        assert_eq!(seconds_until(now + TimeDelta::minutes(15), now), 900);
    }

    #[test]
    fn a_429_says_until_when_in_utc_and_in_seconds() {
        let until = Utc::now() + TimeDelta::minutes(15);
        let e = ApiError::too_many_requests_until(until);
        assert_eq!(e.status, StatusCode::TOO_MANY_REQUESTS);
        let at = e.retry_at.expect("retry_at");
        // A whole second, not before the window ends.
        assert!(at >= until && at - until <= TimeDelta::seconds(1));
        assert_eq!(at.timestamp_subsec_nanos(), 0);
        assert!((899..=900).contains(&e.retry_after.unwrap()));
        let problem = serde_json::to_value(e.problem()).unwrap();
        let text = problem["retry_at"].as_str().unwrap();
        assert!(text.ends_with('Z') && e.detail.contains(text), "{problem}");
    }
}

//! What the domain refuses, in its own words and with no HTTP in it. Every service and
//! rule answers this one type; the API layer (`src/error.rs`) turns each kind into its
//! problem+json answer in one place.
//!
//! One enum for the domain rather than one per aggregate: every aggregate's refusals are of
//! these same kinds (a field the rules refuse, a state that forbids the change, a version
//! read before someone else's change, something hidden or absent), each carrying the
//! stable code clients branch on. An enum per aggregate would repeat these variants, and
//! the API would map each copy the same way.

use std::fmt;

/// One refused field of a request: its path (`phases[1].end_date`), a stable code and a
/// message.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    pub field: String,
    pub code: String,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Values the rules refuse, each naming its field.
    #[error("invalid: {}", describe(.0))]
    Invalid(Vec<FieldError>),
    /// Absent, or hidden from the caller: the answer must not tell which.
    #[error("no such {0}")]
    NotFound(String),
    /// The caller sees it but may not do this.
    #[error("not allowed")]
    Forbidden,
    /// A service client without the scope this needs (named when there is one it could
    /// be given).
    #[error("{detail}")]
    InsufficientScope {
        detail: String,
        scope: Option<&'static str>,
    },
    /// The caller is not (or no longer) signed in.
    #[error("{0}")]
    Unauthenticated(String),
    /// The state of things refuses it (a plan not running, a duplicate, a closed session),
    /// by a stable code, naming the field that caused it when one did.
    #[error("{code}: {message}")]
    Conflict {
        code: &'static str,
        message: String,
        field: Option<String>,
    },
    /// The version the caller read is no longer the current one.
    #[error("the record changed since it was read")]
    Stale,
    /// A change without the version it was read at.
    #[error("the version read is missing")]
    VersionRequired,
    /// A file or body larger than allowed, in bytes.
    #[error("larger than {0} bytes")]
    TooLarge(usize),
    /// Content of a type this does not take; names what it takes.
    #[error("expected {0}")]
    UnsupportedType(String),
    /// What the database answered, or that it could not be reached.
    #[error(transparent)]
    Database(#[from] crate::db::Error),
    /// A bug or a broken invariant of ours; the cause is logged, never shown.
    #[error("{0}")]
    Internal(String),
}

fn describe(fields: &[FieldError]) -> String {
    fields
        .iter()
        .map(|f| format!("{}: {}", f.field, f.message))
        .collect::<Vec<_>>()
        .join("; ")
}

impl Error {
    /// One field the rules refuse.
    pub fn invalid(field: &str, code: &str, message: impl Into<String>) -> Error {
        Error::Invalid(vec![FieldError {
            field: field.into(),
            code: code.into(),
            message: message.into(),
        }])
    }

    /// Several fields at once.
    pub fn validation(errors: Vec<FieldError>) -> Error {
        Error::Invalid(errors)
    }

    pub fn not_found(what: &str) -> Error {
        Error::NotFound(what.to_string())
    }

    pub fn forbidden() -> Error {
        Error::Forbidden
    }

    pub fn insufficient_scope(detail: impl Into<String>, scope: Option<&'static str>) -> Error {
        Error::InsufficientScope {
            detail: detail.into(),
            scope,
        }
    }

    pub fn unauthorized(detail: impl Into<String>) -> Error {
        Error::Unauthenticated(detail.into())
    }

    /// A state that refuses the change.
    pub fn conflict(code: &'static str, message: impl Into<String>) -> Error {
        Error::Conflict {
            code,
            message: message.into(),
            field: None,
        }
    }

    /// A state that refuses the change because of one field's value (a duplicate code).
    pub fn conflict_field(field: &str, code: &'static str, message: impl Into<String>) -> Error {
        Error::Conflict {
            code,
            message: message.into(),
            field: Some(field.to_string()),
        }
    }

    pub fn precondition_failed() -> Error {
        Error::Stale
    }

    pub fn precondition_required() -> Error {
        Error::VersionRequired
    }

    pub fn too_large(limit: usize) -> Error {
        Error::TooLarge(limit)
    }

    pub fn unsupported_media_type(expected: &str) -> Error {
        Error::UnsupportedType(expected.to_string())
    }

    pub fn internal(cause: impl fmt::Display) -> Error {
        Error::Internal(cause.to_string())
    }

    /// The same refusal with its fields named inside `prefix` (`recipients[2]`), for a
    /// part of a request checked on its own.
    pub fn within(self, prefix: &str) -> Error {
        match self {
            Error::Invalid(fields) => Error::Invalid(
                fields
                    .into_iter()
                    .map(|f| FieldError {
                        field: format!("{prefix}.{}", f.field),
                        ..f
                    })
                    .collect(),
            ),
            Error::Conflict {
                code,
                message,
                field: Some(field),
            } => Error::Conflict {
                code,
                message,
                field: Some(format!("{prefix}.{field}")),
            },
            other => other,
        }
    }

    /// The fields a refusal names, none when it is not about values.
    pub fn field_errors(&self) -> &[FieldError] {
        match self {
            Error::Invalid(fields) => fields,
            _ => &[],
        }
    }

    /// Whether this is a conflict of the given code (a race another instance won).
    pub fn is_conflict(&self) -> bool {
        matches!(self, Error::Conflict { .. })
            || matches!(
                self,
                Error::Database(crate::db::Error::Query(
                    diesel::result::Error::DatabaseError(
                        diesel::result::DatabaseErrorKind::UniqueViolation,
                        _
                    )
                ))
            )
    }
}

impl From<diesel::result::Error> for Error {
    fn from(e: diesel::result::Error) -> Error {
        Error::Database(crate::db::Error::Query(e))
    }
}

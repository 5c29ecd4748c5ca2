//! The rules and the storage of each aggregate, as plain functions over a connection.

pub mod audit;
pub mod criteria;
pub mod legal_documents;
pub mod movements;
pub mod org_units;
pub mod plans;
pub mod sessions;
pub mod staff;
pub mod users;

use chrono::{NaiveDateTime, SubsecRound, Utc};

/// Now, in naive UTC cut to microseconds: SQLite would keep nanoseconds and PostgreSQL
/// microseconds, and the two backends must answer the same.
pub fn now() -> NaiveDateTime {
    Utc::now().naive_utc().trunc_subsecs(6)
}

/// A new id: UUIDv7, so ids sort by creation time.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// The first and last day of a calendar year, for "in year N" filters.
pub fn year_range(year: i32) -> Option<(chrono::NaiveDate, chrono::NaiveDate)> {
    Some((
        chrono::NaiveDate::from_ymd_opt(year, 1, 1)?,
        chrono::NaiveDate::from_ymd_opt(year, 12, 31)?,
    ))
}

/// Who makes a change and in which request, for the audit log.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    pub user_id: Option<String>,
    pub request_id: Option<String>,
}

/// One page of a list: 1-based page number and its size.
#[derive(Debug, Clone, Copy)]
pub struct PageRequest {
    pub page: i64,
    pub per_page: i64,
}

impl PageRequest {
    pub fn offset(&self) -> i64 {
        (self.page - 1) * self.per_page
    }
}

/// A sort order over a resource's sortable fields.
#[derive(Debug, Clone, Copy)]
pub struct Sort<F> {
    pub field: F,
    pub descending: bool,
}

/// The fields a list may be sorted by, by their API names.
pub trait SortField: Sized + Copy {
    /// API names accepted in `sort=`, in the order the documentation lists them.
    const NAMES: &'static [&'static str];
    fn from_name(name: &str) -> Option<Self>;
}

/// Defines an enum stored as text and sent as snake_case JSON, with its API names.
macro_rules! text_enum {
    ($(#[$meta:meta])* $vis:vis enum $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
        $vis enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Reads a stored value; storage only ever holds values written through `as_str`.
            pub fn from_db(text: &str) -> $name {
                text.parse().unwrap_or_else(|_| {
                    log::error!("unknown {} {:?} in the database", stringify!($name), text);
                    Self::ALL[0]
                })
            }
        }

        impl std::str::FromStr for $name {
            type Err = ();
            fn from_str(s: &str) -> Result<Self, ()> {
                match s { $($text => Ok($name::$variant),)+ _ => Err(()) }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use text_enum;

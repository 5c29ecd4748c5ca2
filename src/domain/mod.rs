//! The rules and the storage of each aggregate, as plain functions over a connection.

pub mod access;
pub mod audit;
pub mod award_types;
pub mod blocs;
pub mod calendar;
pub mod catalogue;
pub mod clients;
pub mod councils;
pub mod credentials;
pub mod criteria;
pub mod decisions;
pub mod disciplines;
pub mod disclosures;
pub mod eligibility;
pub mod error;
pub mod evidence;
pub mod export;
pub mod feed;
pub mod files;
pub mod idempotency;
pub mod initiatives;
pub mod learning;
pub mod legal_documents;
pub mod movements;
pub mod nominations;
pub mod org_units;
pub mod plans;
pub mod policy;
pub mod registrations;
pub mod reports;
pub mod scoring;
pub mod sessions;
pub mod staff;
pub mod subjects;
pub mod users;
pub mod validate;
pub mod webhooks;
pub mod workflow;

pub use error::{Error, FieldError};

use chrono::{NaiveDateTime, SubsecRound, Utc};

use crate::ids::UserId;

/// Now, in naive UTC cut to microseconds: SQLite would keep nanoseconds and PostgreSQL
/// microseconds, and the two backends must answer the same.
pub fn now() -> NaiveDateTime {
    Utc::now().naive_utc().trunc_subsecs(6)
}

/// A UTC time as the clock reads in Việt Nam (UTC+7, no daylight saving).
pub fn vietnam_local(utc: NaiveDateTime) -> NaiveDateTime {
    utc + chrono::Duration::hours(7)
}

/// Today in Việt Nam, the day deadlines are counted in.
pub fn today() -> chrono::NaiveDate {
    vietnam_local(Utc::now().naive_utc()).date()
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
    pub user_id: Option<UserId>,
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
pub trait SortField: Sized + Copy + 'static {
    /// API names accepted in `sort=`, with the field each selects.
    const FIELDS: &'static [(&'static str, Self)];

    fn from_name(name: &str) -> Option<Self> {
        Self::FIELDS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, f)| *f)
    }

    fn names() -> Vec<&'static str> {
        Self::FIELDS.iter().map(|(n, _)| *n).collect()
    }
}

/// Optimistic concurrency: a change names the version it read (If-Match); 412 when stale.
pub fn ensure_version(current: i64, expected: i64) -> Result<(), crate::domain::Error> {
    if current == expected {
        Ok(())
    } else {
        Err(crate::domain::Error::precondition_failed())
    }
}

/// For an `UPDATE … WHERE version = read`: no row means another request changed the record
/// since it was read (PostgreSQL lets two transactions read the same version), so 412.
pub fn changed_meanwhile(e: diesel::result::Error) -> crate::domain::Error {
    match e {
        diesel::result::Error::NotFound => crate::domain::Error::precondition_failed(),
        e => e.into(),
    }
}

/// Defines an enum stored as text and sent as JSON under the same name.
///
/// Each `$text` must be the snake_case of its variant: serde and the OpenAPI schema take
/// names from `rename_all` (utoipa cannot read a `rename` passed in through a macro), and
/// a test checks that the two agree.
macro_rules! text_enum {
    ($(#[$meta:meta])* $vis:vis enum $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
        #[derive(diesel::deserialize::FromSqlRow, diesel::expression::AsExpression)]
        #[diesel(sql_type = diesel::sql_types::Text)]
        #[serde(rename_all = "snake_case")]
        $vis enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        /// Read from its stored text, on any backend: a value this version does not know
        /// fails the read (written by a newer version, or by hand) instead of becoming
        /// another one.
        impl<DB> diesel::deserialize::FromSql<diesel::sql_types::Text, DB> for $name
        where
            DB: diesel::backend::Backend,
            String: diesel::deserialize::FromSql<diesel::sql_types::Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> diesel::deserialize::Result<Self> {
                let text = <String as diesel::deserialize::FromSql<diesel::sql_types::Text, DB>>::from_sql(bytes)?;
                Ok($name::try_from(text)?)
            }
        }

        /// Stored as its text.
        impl<DB> diesel::serialize::ToSql<diesel::sql_types::Text, DB> for $name
        where
            DB: diesel::backend::Backend,
            str: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
        {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, DB>,
            ) -> diesel::serialize::Result {
                <str as diesel::serialize::ToSql<diesel::sql_types::Text, DB>>::to_sql(self.as_str(), out)
            }
        }

        /// A stored text this version does not know is an error, never a default.
        impl TryFrom<String> for $name {
            type Error = $crate::domain::UnknownStoredValue;
            fn try_from(text: String) -> Result<Self, Self::Error> {
                text.parse().map_err(|()| $crate::domain::UnknownStoredValue {
                    kind: stringify!($name),
                    text,
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

/// A stored value of a closed set that this version does not know (written by a newer
/// version, or by hand): the read fails rather than guess.
#[derive(Debug, thiserror::Error)]
#[error("unknown {kind} {text:?} in the database")]
pub struct UnknownStoredValue {
    pub kind: &'static str,
    pub text: String,
}

/// A stored value read inside a text column (a list kept as text) fails the read as a
/// column of the type would.
impl From<UnknownStoredValue> for diesel::result::Error {
    fn from(e: UnknownStoredValue) -> Self {
        diesel::result::Error::DeserializationError(Box::new(e))
    }
}

#[cfg(test)]
mod tests {
    /// An id type is sent and read as the bare string, as the `String` it replaced was.
    #[test]
    fn ids_serialise_as_their_text() {
        let id = crate::ids::PlanId::from("019ab0a4-6a1e-7c3a-9d0e-2f1c8a7b5e41");
        let json = serde_json::to_value(&id).unwrap();
        assert_eq!(json, "019ab0a4-6a1e-7c3a-9d0e-2f1c8a7b5e41");
        assert_eq!(
            serde_json::from_value::<crate::ids::PlanId>(json).unwrap(),
            id
        );
    }

    /// The stored text, the JSON and the OpenAPI enum of every text enum agree.
    #[test]
    fn text_enums_serialise_as_their_stored_text() {
        fn check<T: serde::Serialize + utoipa::ToSchema + Copy>(
            all: &[T],
            text: fn(T) -> &'static str,
        ) {
            let schema = serde_json::to_value(T::schema()).unwrap();
            for v in all {
                assert_eq!(serde_json::to_value(v).unwrap(), text(*v));
                assert!(
                    schema["enum"]
                        .as_array()
                        .unwrap()
                        .contains(&text(*v).into()),
                    "{} in {schema}",
                    text(*v)
                );
            }
        }
        use super::*;
        check(users::Role::ALL, users::Role::as_str);
        check(org_units::OrgUnitKind::ALL, org_units::OrgUnitKind::as_str);
        check(staff::StaffCategory::ALL, staff::StaffCategory::as_str);
        check(staff::Gender::ALL, staff::Gender::as_str);
        check(
            legal_documents::DocType::ALL,
            legal_documents::DocType::as_str,
        );
        check(
            movements::MovementLevel::ALL,
            movements::MovementLevel::as_str,
        );
        check(
            movements::MovementKind::ALL,
            movements::MovementKind::as_str,
        );
        check(
            movements::MovementStatus::ALL,
            movements::MovementStatus::as_str,
        );
        check(plans::PlanStatus::ALL, plans::PlanStatus::as_str);
        check(plans::Review::ALL, plans::Review::as_str);
        check(plans::Occasion::ALL, plans::Occasion::as_str);
        check(plans::AwardSubject::ALL, plans::AwardSubject::as_str);
        check(
            plans::ResponsibilityRole::ALL,
            plans::ResponsibilityRole::as_str,
        );
        check(
            criteria::CriterionSubject::ALL,
            criteria::CriterionSubject::as_str,
        );
        check(criteria::Measure::ALL, criteria::Measure::as_str);
        check(
            webhooks::DeliveryStatus::ALL,
            webhooks::DeliveryStatus::as_str,
        );
    }
}

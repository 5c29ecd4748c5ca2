//! The ids of the main aggregates, one type each, so that a function asking for a plan's id
//! cannot be handed an evidence id.
//!
//! Each is the id's text (a UUIDv7, made by `new`), stored as text and sent as a JSON
//! string: the types change what the compiler checks, never what is stored or sent. They
//! sit below everything (`db` rows and the domain both name them) and know only diesel,
//! serde and uuid.

/// Defines an id type: the text of one aggregate's ids.
///
/// It reads and writes a text column on any backend (`FromSql`/`ToSql<Text, DB>`, as the
/// domain's `text_enum!` does), so row structs hold it directly and queries compare
/// columns with it; serde sees the bare string (`transparent`).
macro_rules! id_type {
    ($($(#[$meta:meta])* $name:ident),+ $(,)?) => {$(
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[derive(serde::Serialize, serde::Deserialize)]
        #[derive(diesel::deserialize::FromSqlRow, diesel::expression::AsExpression)]
        #[diesel(sql_type = diesel::sql_types::Text)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// A new id: UUIDv7, so ids sort by creation time.
            #[allow(clippy::new_without_default)]
            pub fn new() -> Self {
                $name(uuid::Uuid::now_v7().to_string())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_inner(self) -> String {
                self.0
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> Self {
                $name(id)
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                $name(id.to_owned())
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> Self {
                id.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                &self.0 == other
            }
        }

        /// Read from its stored text, on any backend.
        impl<DB> diesel::deserialize::FromSql<diesel::sql_types::Text, DB> for $name
        where
            DB: diesel::backend::Backend,
            String: diesel::deserialize::FromSql<diesel::sql_types::Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> diesel::deserialize::Result<Self> {
                <String as diesel::deserialize::FromSql<diesel::sql_types::Text, DB>>::from_sql(bytes)
                    .map($name)
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
                <str as diesel::serialize::ToSql<diesel::sql_types::Text, DB>>::to_sql(self.0.as_str(), out)
            }
        }
    )+};
}

id_type! {
    /// An org unit (cơ quan, đơn vị).
    OrgUnitId,
    /// A member of staff (cán bộ, công chức, viên chức, người lao động).
    StaffId,
    /// An account.
    UserId,
    /// An implementation plan (kế hoạch).
    PlanId,
    /// A criterion of a plan (tiêu chí).
    CriterionId,
    /// A piece of evidence (minh chứng).
    EvidenceId,
    /// A nomination for an award (đề nghị khen thưởng).
    NominationId,
    /// An award decision (quyết định khen thưởng).
    DecisionId,
    /// A council (hội đồng thi đua – khen thưởng).
    CouncilId,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_its_text() {
        let text = "019ab0a4-6a1e-7c3a-9d0e-2f1c8a7b5e41";
        let id = PlanId::from(text.to_string());
        assert_eq!(id.as_str(), text);
        assert_eq!(id.to_string(), text);
        assert_eq!(AsRef::<str>::as_ref(&id), text);
        assert_eq!(String::from(id.clone()), text);
        assert_eq!(id.into_inner(), text);
    }

    #[test]
    fn new_ids_are_fresh_uuids() {
        let (a, b) = (EvidenceId::new(), EvidenceId::new());
        assert_eq!(
            uuid::Uuid::parse_str(a.as_str()).unwrap().get_version_num(),
            7
        );
        assert_ne!(a, b);
    }
}

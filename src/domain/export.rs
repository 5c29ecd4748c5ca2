//! Bulk export: every record of one type, in id order, for a first load of another system.
//! Each record is serialised as the audit log stores it, so an export and the audit
//! trail's `after` agree.

use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::AnyConnection;
use crate::db::schema::{
    award_decisions, awards, criteria, disciplines, evidence, initiatives, legal_documents,
    movements, nominations, org_units, plans, registrations, staff,
};
use crate::domain::{
    criteria::Criterion, decisions::Award, decisions::Decision, disciplines::Discipline,
    evidence::Evidence, initiatives::Initiative, legal_documents::LegalDocument,
    movements::Movement, nominations::Nomination, org_units::OrgUnit, plans::Plan,
    registrations::Registration, staff::Staff, staff::mask_personal_id,
};

/// Records read per database round trip while streaming.
pub const CHUNK: i64 = 1_000;

/// The resource types that can be exported, by their path name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ExportResource {
    OrgUnits,
    Staff,
    Movements,
    LegalDocuments,
    Plans,
    Criteria,
    Registrations,
    Evidence,
    Initiatives,
    Disciplines,
    Nominations,
    AwardDecisions,
    Awards,
}

impl ExportResource {
    pub const ALL: [ExportResource; 13] = [
        ExportResource::OrgUnits,
        ExportResource::Staff,
        ExportResource::Movements,
        ExportResource::LegalDocuments,
        ExportResource::Plans,
        ExportResource::Criteria,
        ExportResource::Registrations,
        ExportResource::Evidence,
        ExportResource::Initiatives,
        ExportResource::Disciplines,
        ExportResource::Nominations,
        ExportResource::AwardDecisions,
        ExportResource::Awards,
    ];

    pub fn path(self) -> &'static str {
        match self {
            ExportResource::OrgUnits => "org-units",
            ExportResource::Staff => "staff",
            ExportResource::Movements => "movements",
            ExportResource::LegalDocuments => "legal-documents",
            ExportResource::Plans => "plans",
            ExportResource::Criteria => "criteria",
            ExportResource::Registrations => "registrations",
            ExportResource::Evidence => "evidence",
            ExportResource::Initiatives => "initiatives",
            ExportResource::Disciplines => "disciplines",
            ExportResource::Nominations => "nominations",
            ExportResource::AwardDecisions => "award-decisions",
            ExportResource::Awards => "awards",
        }
    }

    pub fn from_path(path: &str) -> Option<ExportResource> {
        Self::ALL.into_iter().find(|r| r.path() == path)
    }
}

/// Loads up to `CHUNK` rows of one table after an id, as JSON lines.
macro_rules! lines_after {
    ($conn:expr, $after:expr, $table:ident, $row:ty) => {
        lines_after!($conn, $after, $table, $row, |r: $row| r)
    };
    ($conn:expr, $after:expr, $table:ident, $row:ty, $shown:expr) => {{
        let rows: Vec<$row> = $table::table
            .filter($table::id.gt($after))
            .order($table::id)
            .limit(CHUNK)
            .select(<$row>::as_select())
            .load($conn)?;
        rows.into_iter()
            .map($shown)
            .map(|r| {
                let line = serde_json::to_string(&r).unwrap_or_default();
                (String::from(r.id), line)
            })
            .collect()
    }};
}

/// The next chunk after `after` (an id; "" for the start): each record's id and its JSON.
/// Ids are UUIDv7, so id order is creation order and a new record lands at the end.
pub fn chunk(
    conn: &mut AnyConnection,
    resource: ExportResource,
    after: &str,
) -> QueryResult<Vec<(String, String)>> {
    Ok(match resource {
        ExportResource::OrgUnits => lines_after!(conn, after, org_units, OrgUnit),
        // The personal id is shown whole to admins only, and an export goes to systems.
        ExportResource::Staff => lines_after!(conn, after, staff, Staff, |mut r: Staff| {
            r.personal_id = r.personal_id.as_deref().map(mask_personal_id);
            r
        }),
        ExportResource::Movements => lines_after!(conn, after, movements, Movement),
        ExportResource::LegalDocuments => {
            lines_after!(conn, after, legal_documents, LegalDocument)
        }
        ExportResource::Plans => lines_after!(conn, after, plans, Plan),
        ExportResource::Criteria => lines_after!(conn, after, criteria, Criterion),
        ExportResource::Registrations => lines_after!(conn, after, registrations, Registration),
        ExportResource::Evidence => lines_after!(conn, after, evidence, Evidence),
        ExportResource::Initiatives => lines_after!(conn, after, initiatives, Initiative),
        ExportResource::Disciplines => lines_after!(conn, after, disciplines, Discipline),
        ExportResource::Nominations => lines_after!(conn, after, nominations, Nomination),
        ExportResource::AwardDecisions => lines_after!(conn, after, award_decisions, Decision),
        ExportResource::Awards => lines_after!(conn, after, awards, Award),
    })
}

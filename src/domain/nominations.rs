//! Đề nghị khen thưởng: a proposal of a staff member or a unit for an award, its dossier,
//! and its way up the hierarchy to the level that grants the award, then to the council.

use diesel::prelude::*;
use serde::Serialize;

use crate::db::AnyConnection;
use crate::db::schema::{nomination_steps, nominations};
use crate::domain::audit::{self, ChangeAction, Resource};
use crate::domain::{Actor, changed_meanwhile, new_id, now, text_enum};
use crate::error::ApiError;

text_enum! {
    /// Where a nomination stands.
    pub enum NominationStatus {
        /// Being written by the proposing unit.
        Draft => "draft",
        /// Going up the hierarchy; `current_unit_id` must act.
        Submitted => "submitted",
        /// Sent back to the proposing unit for changes.
        Returned => "returned",
        /// Approved by the granting level; waits for its council.
        CouncilReview => "council_review",
        /// Published for public comment.
        Disclosed => "disclosed",
        /// Passed by the council's vote.
        Approved => "approved",
        /// Refused by a level or by the council.
        Rejected => "rejected",
        /// Granted by a decision.
        Decided => "decided",
    }
}

impl NominationStatus {
    /// Whether a council session may take it up.
    pub fn before_council(self) -> bool {
        matches!(
            self,
            NominationStatus::CouncilReview | NominationStatus::Disclosed
        )
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = nominations)]
pub struct Nomination {
    pub id: String,
    pub award_type_id: String,
    pub staff_id: Option<String>,
    pub nominee_unit_id: String,
    pub plan_id: Option<String>,
    pub movement_id: Option<String>,
    pub year: i32,
    pub occasion: String,
    pub period_from: chrono::NaiveDate,
    pub period_to: chrono::NaiveDate,
    pub summary: String,
    #[serde(skip)]
    pub search_text: String,
    pub proposer_unit_id: String,
    pub current_unit_id: Option<String>,
    pub granting_unit_id: String,
    pub status: String,
    pub created_by: Option<String>,
    pub version: i64,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

impl Nomination {
    pub fn status(&self) -> NominationStatus {
        NominationStatus::from_db(&self.status)
    }
}

/// Moves a nomination to `to`, recording the step (at `unit_id`, with `reason`), the audit
/// row and the change event. The version read must still be current (412 otherwise).
#[expect(clippy::too_many_arguments, reason = "one per recorded fact")]
pub fn move_to(
    conn: &mut AnyConnection,
    actor: &Actor,
    current: &Nomination,
    to: NominationStatus,
    current_unit_id: Option<&str>,
    action: &str,
    unit_id: Option<&str>,
    reason: Option<&str>,
) -> Result<Nomination, ApiError> {
    let at = now();
    let row: Nomination = diesel::update(
        nominations::table
            .filter(nominations::id.eq(&current.id))
            .filter(nominations::version.eq(current.version)),
    )
    .set((
        nominations::status.eq(to.as_str()),
        nominations::current_unit_id.eq(current_unit_id),
        nominations::version.eq(current.version + 1),
        nominations::updated_at.eq(at),
    ))
    .returning(nominations::all_columns)
    .get_result(conn)
    .map_err(changed_meanwhile)?;
    diesel::insert_into(nomination_steps::table)
        .values((
            nomination_steps::id.eq(new_id()),
            nomination_steps::nomination_id.eq(&row.id),
            nomination_steps::unit_id.eq(unit_id),
            nomination_steps::action.eq(action),
            nomination_steps::status.eq(to.as_str()),
            nomination_steps::reason.eq(reason),
            nomination_steps::actor_id.eq(actor.user_id.as_deref()),
            nomination_steps::at.eq(at),
        ))
        .execute(conn)?;
    audit::record_change(
        conn,
        actor,
        ChangeAction::Updated,
        Resource {
            kind: "nomination",
            id: &row.id,
            version: row.version,
        },
        Some(current),
        Some(&row),
    )?;
    Ok(row)
}

pub fn find(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<Nomination>> {
    nominations::table
        .filter(nominations::id.eq(id))
        .select(Nomination::as_select())
        .first(conn)
        .optional()
}

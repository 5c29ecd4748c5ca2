//! Learning records (Bình dân học vụ số): completed courses imported as approved evidence
//! of an individual criterion, by the officers and heads above the people who took them.

use crate::db::Writes;
use crate::domain::access::Principal;
use crate::domain::criteria::criterion_with_visible_plan;
use crate::domain::learning::{self, ImportReport, LearningRow, RowError};
use crate::domain::{Actor, Error, plans, policy};
use crate::ids::CriterionId;

/// Whether the caller imports learning records at all: asked before the file is read, so
/// an account that may not import cannot make the server read one.
pub fn may_import(who: &Principal) -> Result<(), Error> {
    policy::ensure(policy::can_import_learning_records(who))
}

/// Import the rows read from a file (and answer the ones refused while reading it) as
/// evidence of a criterion of a running plan the caller sees, for the people the caller
/// reviews; with `dry_run`, answer what would happen and write nothing. One write, alone:
/// a large import does not hold back the small writes queued behind it.
pub fn import(
    conn: &mut impl Writes,
    who: &Principal,
    actor: &Actor,
    criterion_id: &CriterionId,
    rows: Vec<LearningRow>,
    rejected: Vec<RowError>,
    dry_run: bool,
) -> Result<ImportReport, Error> {
    conn.write_alone(|tx| {
        let (c, plan, issuer_path) = criterion_with_visible_plan(tx, who, criterion_id)?
            .ok_or_else(|| {
                Error::invalid(
                    "criterion_id",
                    "not_found",
                    "no such criterion visible to you",
                )
            })?;
        learning::check_criterion(&c)?;
        plans::ensure_running(&plan)?;
        learning::import(
            tx,
            actor,
            &c,
            &issuer_path,
            rows,
            rejected,
            |path, staff_id| policy::can_review_evidence(who, path, Some(staff_id), false),
            dry_run,
        )
    })
}

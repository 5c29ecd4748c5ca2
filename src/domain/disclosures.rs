// HELPER: READ /tmp/common.md FIRST (conventions, the nominations/decisions API contract, build with CARGO_TARGET_DIR=/work/target-shared, commit in your worktree). Delete this line.
//! Công khai: candidates published for public comment over a period of working days.

use chrono::NaiveDate;
use diesel::QueryResult;

use crate::db::AnyConnection;

/// The first day a nomination was published, if it was.
pub fn earliest_start(
    _conn: &mut AnyConnection,
    _nomination_id: &str,
) -> QueryResult<Option<NaiveDate>> {
    Ok(None)
}

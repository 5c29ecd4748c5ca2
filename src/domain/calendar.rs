//! Working days: weekends and the public holidays kept in `holidays`.

use chrono::NaiveDate;
use diesel::QueryResult;

use crate::db::AnyConnection;

/// Seeds the public holidays on first start.
pub fn seed(_conn: &mut AnyConnection) -> Result<(), String> {
    Ok(())
}

/// The number of working days in `[from, to)`.
pub fn working_days_between(
    _conn: &mut AnyConnection,
    _from: NaiveDate,
    _to: NaiveDate,
) -> QueryResult<i64> {
    Ok(0)
}

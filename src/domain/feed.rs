//! Reading the change feed: every committed create, update and archive, in commit order.
//! Positions are given out by `audit::seal_committed`, which a reader calls first.

use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::schema::change_events;
use crate::domain::Error;

/// One change of one resource.
#[derive(Debug, Clone, Queryable)]
pub struct Change {
    pub position: i64,
    pub at: chrono::NaiveDateTime,
    pub resource_type: String,
    pub resource_id: String,
    pub action: String,
    pub version: i64,
}

/// Checks that `after` is a position the feed has issued (0 to the head; 422 on `after`
/// otherwise) and returns the head.
pub fn check_cursor(conn: &mut AnyConnection, after: i64) -> Result<i64, Error> {
    let head = crate::domain::audit::data_version(conn)?;
    if after < 0 || after > head {
        return Err(Error::invalid(
            "after",
            "unknown_cursor",
            format!("no such position: the feed runs from 0 to {head}"),
        ));
    }
    Ok(head)
}

/// Up to `limit` changes after `after`, oldest first, optionally of some resource types.
/// A cursor past the head was never issued: 422 on `after`. Call `seal_committed` first
/// (outside any transaction) to count every write committed before.
pub fn read(
    conn: &mut AnyConnection,
    after: i64,
    limit: i64,
    types: &[String],
) -> Result<(Vec<Change>, i64), Error> {
    let head = check_cursor(conn, after)?;
    let mut query = change_events::table
        .filter(change_events::position.gt(after))
        .filter(change_events::position.le(head))
        .order(change_events::position)
        .limit(limit)
        .select((
            change_events::position.assume_not_null(),
            change_events::at,
            change_events::resource_type,
            change_events::resource_id,
            change_events::action,
            change_events::version,
        ))
        .into_boxed();
    if !types.is_empty() {
        query = query.filter(change_events::resource_type.eq_any(types));
    }
    Ok((query.load(conn)?, head))
}

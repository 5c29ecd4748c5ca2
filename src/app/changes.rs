//! The change feed: what changed, in order, for admins and clients with `changes:read`.

use crate::db::Writes;
use crate::domain::access::Caller;
use crate::domain::clients::ClientScope;
use crate::domain::feed::{self, Change};
use crate::domain::{Error, audit, policy};

/// Changes a page holds when the reader does not say.
pub const DEFAULT_LIMIT: i64 = 100;
/// The most a page holds.
pub const MAX_LIMIT: i64 = 1000;

/// The changes after a position (of the given resource types, all when empty) and the
/// feed's head, sealed up to now first so no committed change is skipped.
pub fn read(
    conn: &mut impl Writes,
    caller: &Caller,
    after: i64,
    limit: i64,
    types: &[String],
) -> Result<(Vec<Change>, i64), Error> {
    policy::ensure_caller(caller, ClientScope::ChangesRead, |p| p.is_admin())?;
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(Error::invalid(
            "limit",
            "range",
            format!("must be 1 to {MAX_LIMIT}"),
        ));
    }
    audit::seal_committed(conn)?;
    feed::read(conn, after, limit, types)
}

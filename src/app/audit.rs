//! The audit trail (admins) and its hash chain.

use crate::db::Writes;
use crate::domain::audit::{self, AuditFilter, ChainReport, LoggedEntry};
use crate::domain::{Error, PageRequest};

/// A page of the trail, sealed up to now first so the newest entries carry their hash.
pub fn trail(
    conn: &mut impl Writes,
    filter: &AuditFilter,
    page: PageRequest,
) -> Result<(Vec<LoggedEntry>, i64), Error> {
    audit::seal_committed(conn)?;
    Ok(audit::list(conn, filter, page)?)
}

/// The whole chain checked on one sealed snapshot.
pub fn verify(conn: &mut impl Writes) -> Result<ChainReport, Error> {
    Ok(audit::sealed_snapshot(conn, audit::verify_chain)?)
}

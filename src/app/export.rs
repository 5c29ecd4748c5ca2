//! Exports: every record of a type, in id order, for admins and clients with `export:read`.

use crate::db::{AnyConnection, Writes};
use crate::domain::access::Caller;
use crate::domain::clients::ClientScope;
use crate::domain::export::{self, ExportResource};
use crate::domain::{Error, audit, policy};

/// What an export of `resource` (its path name) reads, and the change-feed position it
/// starts from: following the feed from there catches every change made during it.
pub fn begin(
    conn: &mut impl Writes,
    caller: &Caller,
    resource: &str,
) -> Result<(ExportResource, i64), Error> {
    policy::ensure_caller(caller, ClientScope::ExportRead, |p| p.is_admin())?;
    let resource = ExportResource::from_path(resource)
        .ok_or_else(|| Error::not_found("resource type to export"))?;
    audit::seal_committed(conn)?;
    Ok((resource, audit::data_version(conn)?))
}

/// The next records after `after` (an id; empty for the first), as (id, JSON line).
pub fn chunk(
    conn: &mut AnyConnection,
    resource: ExportResource,
    after: &str,
) -> Result<Vec<(String, String)>, Error> {
    Ok(export::chunk(conn, resource, after)?)
}

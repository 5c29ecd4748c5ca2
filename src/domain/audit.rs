//! The audit log and the change feed, written inside the transaction of every write.

use diesel::prelude::*;
use serde::Serialize;

use crate::db::AnyConnection;
use crate::db::schema::{audit_log, change_events};
use crate::domain::{Actor, now};

/// What a write did to a resource, as the change feed tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeAction {
    Created,
    Updated,
    Archived,
}

impl ChangeAction {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeAction::Created => "created",
            ChangeAction::Updated => "updated",
            ChangeAction::Archived => "archived",
        }
    }
}

/// A resource as the audit log and the change feed name it.
pub struct Resource<'a> {
    pub kind: &'static str,
    pub id: &'a str,
    pub version: i64,
}

fn to_json<T: Serialize>(value: Option<&T>) -> Option<String> {
    value.and_then(|v| serde_json::to_string(v).ok())
}

/// Records a change of a resource: an audit row (with before and after) and a change event.
pub fn record_change<T: Serialize>(
    conn: &mut AnyConnection,
    actor: &Actor,
    action: ChangeAction,
    resource: Resource<'_>,
    before: Option<&T>,
    after: Option<&T>,
) -> QueryResult<()> {
    let at = now();
    record(
        conn,
        at,
        actor,
        action.as_str(),
        resource.kind,
        resource.id,
        to_json(before),
        to_json(after),
    )?;
    diesel::insert_into(change_events::table)
        .values((
            change_events::at.eq(at),
            change_events::resource_type.eq(resource.kind),
            change_events::resource_id.eq(resource.id),
            change_events::action.eq(action.as_str()),
            change_events::version.eq(resource.version),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records an event that changes no published resource (a login, a password change).
pub fn record_event(
    conn: &mut AnyConnection,
    actor: &Actor,
    action: &str,
    kind: &str,
    id: &str,
) -> QueryResult<()> {
    record(conn, now(), actor, action, kind, id, None, None)
}

/// Records an event with what it did (a bulk import, whose rows each have their own
/// change event).
pub fn record_event_with<T: Serialize>(
    conn: &mut AnyConnection,
    actor: &Actor,
    action: &str,
    kind: &str,
    id: &str,
    after: &T,
) -> QueryResult<()> {
    record(
        conn,
        now(),
        actor,
        action,
        kind,
        id,
        None,
        to_json(Some(after)),
    )
}

#[expect(clippy::too_many_arguments, reason = "one column each")]
fn record(
    conn: &mut AnyConnection,
    at: chrono::NaiveDateTime,
    actor: &Actor,
    action: &str,
    kind: &str,
    id: &str,
    before: Option<String>,
    after: Option<String>,
) -> QueryResult<()> {
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::at.eq(at),
            audit_log::actor_id.eq(actor.user_id.as_deref()),
            audit_log::request_id.eq(actor.request_id.as_deref()),
            audit_log::action.eq(action),
            audit_log::resource_type.eq(kind),
            audit_log::resource_id.eq(id),
            audit_log::before.eq(before),
            audit_log::after.eq(after),
        ))
        .execute(conn)?;
    Ok(())
}

//! Emulation movements (phong trào thi đua), the national ones kept by admins and a unit's
//! by its officers, which plans implement.

use chrono::NaiveDate;

use crate::db::{AnyConnection, Tx};
use crate::domain::access::Principal;
use crate::domain::movements::{
    self, Movement, MovementFields, MovementFilter, MovementKind, MovementLevel, MovementSort,
    MovementStatus,
};
use crate::domain::org_units::{reference_owner, referenced_unit};
use crate::domain::{Actor, Error, PageRequest, Sort, policy};
use crate::ids::OrgUnitId;

/// A movement to launch: national without an owner unit, else the unit's own.
pub struct NewMovement {
    pub name: String,
    pub short_name: Option<String>,
    pub description: Option<String>,
    pub level: MovementLevel,
    pub kind: MovementKind,
    pub launched_by_id: Option<OrgUnitId>,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub owner_unit_id: Option<OrgUnitId>,
}

/// A movement's changes: each field left out (`None`) stays; `Some(None)` clears it.
#[derive(Default)]
pub struct MovementChanges {
    pub name: Option<String>,
    pub short_name: Option<Option<String>>,
    pub description: Option<Option<String>>,
    pub level: Option<MovementLevel>,
    pub kind: Option<MovementKind>,
    pub launched_by_id: Option<Option<OrgUnitId>>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub status: Option<MovementStatus>,
}

/// A page of the movements the caller sees.
pub fn list(
    conn: &mut AnyConnection,
    who: &Principal,
    filter: MovementFilter,
    sort: Sort<MovementSort>,
    page: PageRequest,
) -> Result<(Vec<Movement>, i64), Error> {
    Ok(movements::list(conn, &who.scope, &filter, sort, page)?)
}

/// Launch a movement: a national one by an admin, a unit's by its officers.
pub fn create(
    tx: &mut Tx<'_>,
    who: &Principal,
    actor: &Actor,
    new: NewMovement,
) -> Result<Movement, Error> {
    let (owner, _) = reference_owner(tx, who, new.owner_unit_id.as_ref())?;
    check_launcher(tx, who, new.launched_by_id.as_ref())?;
    let f = MovementFields {
        name: new.name.trim().to_string(),
        short_name: new.short_name,
        description: new.description,
        level: new.level,
        kind: new.kind,
        launched_by_id: new.launched_by_id,
        start_date: new.start_date,
        end_date: new.end_date,
        status: MovementStatus::Active,
    };
    movements::create(tx, actor, f, owner.as_ref())
}

/// A movement the caller sees.
pub fn get(conn: &mut AnyConnection, who: &Principal, id: &str) -> Result<Movement, Error> {
    Ok(visible(conn, who, id)?.0)
}

/// Change a movement the caller keeps.
pub fn update(
    tx: &mut Tx<'_>,
    who: &Principal,
    actor: &Actor,
    id: &str,
    version: i64,
    changes: MovementChanges,
) -> Result<Movement, Error> {
    let (current, owner) = visible(tx, who, id)?;
    policy::ensure(policy::can_edit_owned_reference(who, owner.as_deref()))?;
    let mut f = current.fields();
    if let Some(v) = changes.name {
        f.name = v.trim().to_string();
    }
    if let Some(v) = changes.short_name {
        f.short_name = v;
    }
    if let Some(v) = changes.description {
        f.description = v;
    }
    if let Some(v) = changes.level {
        f.level = v;
    }
    if let Some(v) = changes.kind {
        f.kind = v;
    }
    if let Some(v) = changes.launched_by_id {
        check_launcher(tx, who, v.as_ref())?;
        f.launched_by_id = v;
    }
    if let Some(v) = changes.start_date {
        f.start_date = v;
    }
    if let Some(v) = changes.end_date {
        f.end_date = v;
    }
    if let Some(v) = changes.status {
        f.status = v;
    }
    movements::update(tx, actor, current, version, f)
}

/// A movement the caller sees (404 otherwise), with the path of the unit that keeps it.
fn visible(
    conn: &mut AnyConnection,
    who: &Principal,
    id: &str,
) -> Result<(Movement, Option<String>), Error> {
    let (m, owner) =
        movements::find_with_owner(conn, id)?.ok_or_else(|| Error::not_found("movement"))?;
    policy::ensure_visible(
        policy::can_read_owned_reference(who, owner.as_deref()),
        "movement",
    )?;
    Ok((m, owner))
}

/// The launching unit must exist and be one the caller sees.
fn check_launcher(
    conn: &mut AnyConnection,
    who: &Principal,
    id: Option<&OrgUnitId>,
) -> Result<(), Error> {
    if let Some(id) = id {
        referenced_unit(conn, who, id, "launched_by_id")?;
    }
    Ok(())
}

//! Initiatives (sáng kiến): recognised initiatives with their authors and the scope of their
//! effect, kept by the officers and heads of their unit.

use chrono::NaiveDate;

use crate::db::{AnyConnection, Tx};
use crate::domain::access::Principal;
use crate::domain::initiatives::{
    self, Initiative, InitiativeDetail, InitiativeFields, InitiativeFilter, InitiativeScope,
};
use crate::domain::org_units::referenced_unit;
use crate::domain::{Actor, Error, PageRequest, policy};
use crate::ids::{OrgUnitId, StaffId};

/// A recognised initiative to record, with its authors (staff of the unit's subtree).
pub struct NewInitiative {
    pub title: String,
    pub org_unit_id: OrgUnitId,
    pub scope: InitiativeScope,
    pub recognised_by: String,
    pub document_number: String,
    pub recognised_on: NaiveDate,
    pub author_ids: Vec<StaffId>,
}

/// An initiative's changes: each field left out (`None`) stays.
#[derive(Default)]
pub struct InitiativeChanges {
    pub title: Option<String>,
    pub scope: Option<InitiativeScope>,
    pub recognised_by: Option<String>,
    pub document_number: Option<String>,
    pub recognised_on: Option<NaiveDate>,
    pub author_ids: Option<Vec<StaffId>>,
    pub active: Option<bool>,
}

/// A page of the initiatives of the units in the caller's scope.
pub fn list(
    conn: &mut AnyConnection,
    who: &Principal,
    filter: InitiativeFilter,
    page: PageRequest,
) -> Result<(Vec<Initiative>, i64), Error> {
    let under = who.scope.path_prefix();
    Ok(initiatives::list(conn, under.as_deref(), &filter, page)?)
}

/// Record an initiative of a unit the caller keeps the records of, in a scope the caller
/// may recognise.
pub fn create(
    tx: &mut Tx<'_>,
    who: &Principal,
    actor: &Actor,
    new: NewInitiative,
) -> Result<InitiativeDetail, Error> {
    let unit = referenced_unit(tx, who, &new.org_unit_id, "org_unit_id")?;
    policy::ensure(policy::can_edit_unit_records(who, &unit.path))?;
    policy::ensure(policy::can_record_initiative(who, &unit.path, new.scope))?;
    let fields = InitiativeFields {
        title: new.title.trim().to_string(),
        org_unit_id: unit.id,
        scope: new.scope,
        recognised_by: new.recognised_by.trim().to_string(),
        document_number: new.document_number.trim().to_string(),
        recognised_on: new.recognised_on,
        author_ids: new.author_ids,
        active: true,
    };
    let under = unit.path;
    initiatives::create(tx, actor, &|path| path.starts_with(&under), fields)
}

/// An initiative the caller sees, with its authors.
pub fn get(conn: &mut AnyConnection, who: &Principal, id: &str) -> Result<InitiativeDetail, Error> {
    let (i, _) = visible(conn, who, id)?;
    Ok(initiatives::detail(conn, i)?)
}

/// Change an initiative of a unit the caller keeps the records of.
pub fn update(
    tx: &mut Tx<'_>,
    who: &Principal,
    actor: &Actor,
    id: &str,
    version: i64,
    changes: InitiativeChanges,
) -> Result<InitiativeDetail, Error> {
    let (i, path) = visible(tx, who, id)?;
    policy::ensure(policy::can_edit_unit_records(who, &path))?;
    let current = initiatives::detail(tx, i)?;
    let c = &current.initiative;
    let fields = InitiativeFields {
        title: changes
            .title
            .map(|t| t.trim().to_string())
            .unwrap_or_else(|| c.title.clone()),
        org_unit_id: c.org_unit_id.clone(),
        scope: changes.scope.unwrap_or(c.scope),
        recognised_by: changes
            .recognised_by
            .map(|t| t.trim().to_string())
            .unwrap_or_else(|| c.recognised_by.clone()),
        document_number: changes
            .document_number
            .map(|t| t.trim().to_string())
            .unwrap_or_else(|| c.document_number.clone()),
        recognised_on: changes.recognised_on.unwrap_or(c.recognised_on),
        author_ids: changes
            .author_ids
            .unwrap_or_else(|| current.author_ids.clone()),
        active: changes.active.unwrap_or(c.active),
    };
    policy::ensure(policy::can_record_initiative(who, &path, fields.scope))?;
    initiatives::update(
        tx,
        actor,
        current,
        version,
        &|p| p.starts_with(&path),
        fields,
    )
}

/// An initiative the caller sees (404 otherwise), with its unit's path.
fn visible(
    conn: &mut AnyConnection,
    who: &Principal,
    id: &str,
) -> Result<(Initiative, String), Error> {
    let (i, path) = initiatives::find(conn, id)?.ok_or_else(|| Error::not_found("initiative"))?;
    policy::ensure_visible(policy::can_read_org_unit(who, &path), "initiative")?;
    Ok((i, path))
}

//! Org units: the tree of units that scopes every account, who creates, moves and archives
//! them.

use std::collections::{HashMap, HashSet};

use crate::db::{AnyConnection, Tx};
use crate::domain::access::Principal;
use crate::domain::org_units::{
    self, NewOrgUnit, OrgUnit, OrgUnitChanges, OrgUnitFilter, OrgUnitKind, OrgUnitSort,
    referenced_unit,
};
use crate::domain::{Actor, Error, PageRequest, Sort, policy};
use crate::ids::OrgUnitId;

/// What a list asks for, besides the page and the order.
pub struct ListQuery {
    pub q: Option<String>,
    pub kind: Option<OrgUnitKind>,
    /// Direct children of this unit.
    pub parent_id: Option<OrgUnitId>,
    /// The whole subtree under this unit (itself included).
    pub under: Option<OrgUnitId>,
    pub active: Option<bool>,
    pub updated_since: Option<chrono::NaiveDateTime>,
}

/// A new unit, under `parent_id` or (admins only) a root.
pub struct NewUnit {
    pub code: String,
    pub name: String,
    pub kind: OrgUnitKind,
    pub parent_id: Option<OrgUnitId>,
}

/// A unit's changes: each field left out (`None`) stays; `parent_id: Some(None)` makes it
/// a root.
#[derive(Default)]
pub struct UnitChanges {
    pub code: Option<String>,
    pub name: Option<String>,
    pub kind: Option<OrgUnitKind>,
    pub parent_id: Option<Option<OrgUnitId>>,
    pub active: Option<bool>,
}

/// A unit with its descendants, nested.
pub struct UnitTree {
    pub unit: OrgUnit,
    pub children: Vec<UnitTree>,
}

/// One page of the units in the caller's scope.
pub fn list(
    conn: &mut AnyConnection,
    who: &Principal,
    query: ListQuery,
    sort: Sort<OrgUnitSort>,
    page: PageRequest,
) -> Result<(Vec<OrgUnit>, i64), Error> {
    let under_path = match &query.under {
        Some(id) => Some(referenced_unit(conn, who, id, "under")?.path),
        None => None,
    };
    let filter = OrgUnitFilter {
        q: query.q,
        kind: query.kind,
        parent_id: query.parent_id,
        under_path,
        active: query.active,
        updated_since: query.updated_since,
    };
    Ok(org_units::list(conn, &who.scope, &filter, sort, page)?)
}

/// Create a unit where the caller may.
pub fn create(
    tx: &mut Tx<'_>,
    who: &Principal,
    actor: &Actor,
    new: NewUnit,
) -> Result<OrgUnit, Error> {
    let parent = match &new.parent_id {
        Some(id) => Some(referenced_unit(tx, who, id, "parent_id")?),
        None => None,
    };
    policy::ensure(policy::can_create_org_unit(
        who,
        parent.as_ref().map(|p| p.path.as_str()),
    ))?;
    let unit = NewOrgUnit {
        code: new.code,
        name: new.name.trim().to_string(),
        kind: new.kind,
        active: true,
    };
    org_units::create(tx, actor, unit, parent.as_ref())
}

/// A unit the caller sees.
pub fn get(conn: &mut AnyConnection, who: &Principal, id: &OrgUnitId) -> Result<OrgUnit, Error> {
    visible(conn, who, id)
}

/// Change a unit the caller may change, or move it where they may create one.
pub fn update(
    tx: &mut Tx<'_>,
    who: &Principal,
    actor: &Actor,
    id: &OrgUnitId,
    version: i64,
    changes: UnitChanges,
) -> Result<OrgUnit, Error> {
    let current = visible(tx, who, id)?;
    policy::ensure(policy::can_edit_org_unit(who, &current.path))?;
    let new_parent = match &changes.parent_id {
        None => None,
        Some(None) => Some(None),
        Some(Some(pid)) => Some(Some(referenced_unit(tx, who, pid, "parent_id")?)),
    };
    if let Some(parent) = &new_parent {
        policy::ensure(policy::can_create_org_unit(
            who,
            parent.as_ref().map(|p| p.path.as_str()),
        ))?;
    }
    let unit_changes = OrgUnitChanges {
        code: changes.code,
        name: changes.name.map(|n| n.trim().to_string()),
        kind: changes.kind,
        active: changes.active,
    };
    org_units::update(
        tx,
        actor,
        current,
        version,
        unit_changes,
        new_parent.as_ref().map(|p| p.as_ref()),
    )
}

/// Archive a unit the caller may change.
pub fn archive(
    tx: &mut Tx<'_>,
    who: &Principal,
    actor: &Actor,
    id: &OrgUnitId,
    version: i64,
) -> Result<OrgUnit, Error> {
    let current = visible(tx, who, id)?;
    policy::ensure(policy::can_edit_org_unit(who, &current.path))?;
    org_units::archive(tx, actor, current, version)
}

/// A unit the caller sees with all its descendants (archived ones too, if asked), nested
/// in the order the domain lists them.
pub fn tree(
    conn: &mut AnyConnection,
    who: &Principal,
    id: &OrgUnitId,
    include_archived: bool,
) -> Result<UnitTree, Error> {
    let root = visible(conn, who, id)?;
    let units = org_units::subtree(conn, &root, include_archived)?;
    build_tree(units).ok_or_else(|| Error::not_found("org unit"))
}

/// A unit the caller may see; others answer 404 as if absent.
fn visible(conn: &mut AnyConnection, who: &Principal, id: &OrgUnitId) -> Result<OrgUnit, Error> {
    let unit = org_units::find(conn, id)?.ok_or_else(|| Error::not_found("org unit"))?;
    policy::ensure_visible(policy::can_read_org_unit(who, &unit.path), "org unit")?;
    Ok(unit)
}

/// Nests a subtree (root first by path length) under its root, keeping the given order.
fn build_tree(mut units: Vec<OrgUnit>) -> Option<UnitTree> {
    let root_index = units
        .iter()
        .enumerate()
        .min_by_key(|(_, u)| u.path.len())?
        .0;
    let root = units.remove(root_index);
    let present: HashSet<OrgUnitId> = units.iter().map(|u| u.id.clone()).collect();
    let mut children: HashMap<OrgUnitId, Vec<OrgUnit>> = HashMap::new();
    for unit in units {
        // A unit whose parent was left out (archived) hangs under the root, not nowhere.
        let parent = unit
            .parent_id
            .clone()
            .filter(|p| present.contains(p) || *p == root.id)
            .unwrap_or(root.id.clone());
        children.entry(parent).or_default().push(unit);
    }
    fn attach(unit: OrgUnit, children: &mut HashMap<OrgUnitId, Vec<OrgUnit>>) -> UnitTree {
        let kids = children.remove(&unit.id).unwrap_or_default();
        UnitTree {
            unit,
            children: kids.into_iter().map(|k| attach(k, children)).collect(),
        }
    }
    Some(attach(root, &mut children))
}

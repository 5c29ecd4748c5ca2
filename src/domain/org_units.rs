//! Org units (đơn vị): the tree province → office → divisions that scopes every account.

use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{org_units, staff};
use crate::db::{AnyConnection, Tx, contains_pattern, prefix_pattern};
use crate::domain::Error;
use crate::domain::access::Principal;
use crate::domain::access::Scope;
use crate::domain::audit::{self, ChangeAction, Resource, ResourceKind};
use crate::domain::policy;
use crate::domain::{Actor, PageRequest, Sort, SortField, ensure_version, now, text_enum};
use crate::ids::OrgUnitId;
use crate::on_backend;
use crate::text::{fold, sort_key};

text_enum! {
    /// The kind of unit.
    pub enum OrgUnitKind {
        /// Tỉnh / UBND tỉnh.
        Province => "province",
        /// Sở, ban, ngành: an office of the province.
        Agency => "agency",
        /// Phòng, ban: a division inside an office.
        Division => "division",
        /// Đơn vị sự nghiệp: a public service unit.
        ServiceUnit => "service_unit",
        /// Xã, phường: a commune-level authority.
        Commune => "commune",
        /// Anything else (enterprise, association…).
        Other => "other",
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = org_units)]
pub struct OrgUnit {
    pub id: OrgUnitId,
    pub code: String,
    pub name: String,
    #[serde(skip)]
    pub name_search: String,
    #[serde(skip)]
    pub name_sort: String,
    pub kind: OrgUnitKind,
    pub parent_id: Option<OrgUnitId>,
    pub path: String,
    pub active: bool,
    pub version: i64,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

/// Codes are compared without regard to case: kept in upper case ("000.00.00.H41").
pub fn normalize_code(code: &str) -> String {
    code.trim().to_uppercase()
}

pub fn find(conn: &mut AnyConnection, id: &OrgUnitId) -> QueryResult<Option<OrgUnit>> {
    on_backend!(conn, |c| org_units::table
        .find(id)
        .select(OrgUnit::as_select())
        .get_result(c))
    .optional()
}

fn check_code_free(
    conn: &mut AnyConnection,
    code: &str,
    except_id: Option<&OrgUnitId>,
) -> Result<(), Error> {
    let mut q = org_units::table
        .filter(org_units::code.eq(code))
        .into_boxed();
    if let Some(id) = except_id {
        q = q.filter(org_units::id.ne(id.clone()));
    }
    let taken: i64 = q.count().get_result(conn)?;
    if taken > 0 {
        return Err(Error::conflict_field(
            "code",
            "duplicate",
            "another org unit has this code",
        ));
    }
    Ok(())
}

#[derive(Debug, Clone)]
pub struct NewOrgUnit {
    pub code: String,
    pub name: String,
    pub kind: OrgUnitKind,
    pub active: bool,
}

/// The path of a unit that keeps reference data, if there is one.
pub fn path_of(
    conn: &mut AnyConnection,
    unit_id: Option<&OrgUnitId>,
) -> QueryResult<Option<String>> {
    match unit_id {
        Some(id) => org_units::table
            .find(id)
            .select(org_units::path)
            .get_result(conn)
            .optional(),
        None => Ok(None),
    }
}

/// The units a scope sees up and down — its subtree and the units above it — as reference
/// data owned by a unit (movements, legal documents) is seen; `None` for every unit.
pub fn seen_up_and_down(
    conn: &mut AnyConnection,
    scope: &Scope,
) -> QueryResult<Option<Vec<OrgUnitId>>> {
    let prefix = match scope {
        Scope::All => return Ok(None),
        Scope::Nothing => return Ok(Some(Vec::new())),
        Scope::Subtree(prefix) => prefix,
    };
    // The units above are the ids on the scope's own path (`/<id>/<id>/`).
    let mut ids: Vec<OrgUnitId> = prefix
        .split('/')
        .filter(|id| !id.is_empty())
        .map(OrgUnitId::from)
        .collect();
    ids.extend(
        org_units::table
            .filter(org_units::path.like(prefix_pattern(prefix)))
            .select(org_units::id)
            .load::<OrgUnitId>(conn)?,
    );
    ids.sort_unstable();
    ids.dedup();
    Ok(Some(ids))
}

/// Creates a unit under `parent` (None: a root). The caller has loaded the parent and
/// checked that the actor may create there.
pub fn create(
    tx: &mut Tx<'_>,
    actor: &Actor,
    new: NewOrgUnit,
    parent: Option<&OrgUnit>,
) -> Result<OrgUnit, Error> {
    let code = normalize_code(&new.code);
    check_code_free(tx, &code, None)?;
    if let Some(p) = parent
        && !p.active
    {
        return Err(Error::invalid(
            "parent_id",
            "archived",
            "the parent unit is archived",
        ));
    }
    let id = OrgUnitId::new();
    let path = format!("{}{id}/", parent.map(|p| p.path.as_str()).unwrap_or("/"));
    let at = now();
    let unit: OrgUnit = diesel::insert_into(org_units::table)
        .values((
            org_units::id.eq(&id),
            org_units::code.eq(&code),
            org_units::name_search.eq(fold(&new.name)),
            org_units::name_sort.eq(sort_key(&new.name)),
            org_units::name.eq(&new.name),
            org_units::kind.eq(new.kind.as_str()),
            org_units::parent_id.eq(parent.map(|p| p.id.clone())),
            org_units::path.eq(&path),
            org_units::active.eq(new.active),
            org_units::version.eq(1),
            org_units::created_at.eq(at),
            org_units::updated_at.eq(at),
        ))
        .returning(org_units::all_columns)
        .get_result(tx.conn())?;
    audit::record_change(
        tx,
        actor,
        ChangeAction::Created,
        Resource {
            kind: ResourceKind::OrgUnit,
            id: unit.id.as_str(),
            version: unit.version,
        },
        None,
        Some(&unit),
    )?;
    Ok(unit)
}

/// A change to a unit's own fields; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct OrgUnitChanges {
    pub code: Option<String>,
    pub name: Option<String>,
    pub kind: Option<OrgUnitKind>,
    pub active: Option<bool>,
}

diesel::define_sql_function! {
    /// `substr(text, start)`: the same in SQLite and PostgreSQL.
    fn substr(text: diesel::sql_types::Text, start: diesel::sql_types::Integer) -> diesel::sql_types::Text;
}

/// Whether making `new_parent` the parent of `unit` would put the unit below itself.
pub fn would_cycle(unit: &OrgUnit, new_parent: &OrgUnit) -> bool {
    new_parent.path.starts_with(&unit.path)
}

/// Updates a unit. `new_parent` moves it: the new parent, loaded and authorised by the
/// caller (`Some(None)` makes it a root).
pub fn update(
    tx: &mut Tx<'_>,
    actor: &Actor,
    current: OrgUnit,
    expected_version: i64,
    changes: OrgUnitChanges,
    new_parent: Option<Option<&OrgUnit>>,
) -> Result<OrgUnit, Error> {
    ensure_version(current.version, expected_version)?;
    let code = changes
        .code
        .as_deref()
        .map(normalize_code)
        .unwrap_or(current.code.clone());
    if code != current.code {
        check_code_free(tx, &code, Some(&current.id))?;
    }
    let name = changes.name.clone().unwrap_or(current.name.clone());
    let kind = changes.kind.unwrap_or(current.kind).as_str().to_string();
    let active = changes.active.unwrap_or(current.active);
    if current.active && !active {
        check_archivable(tx, &current)?;
    }
    if !current.active && active {
        check_parent_active(tx, changes_parent_id(&current, new_parent))?;
    }

    let (parent_id, path) = match new_parent {
        None => (current.parent_id.clone(), current.path.clone()),
        Some(parent) => {
            if let Some(p) = parent {
                if would_cycle(&current, p) {
                    return Err(Error::invalid(
                        "parent_id",
                        "cycle",
                        "a unit cannot be moved below itself or one of its descendants",
                    ));
                }
                if !p.active {
                    return Err(Error::invalid(
                        "parent_id",
                        "archived",
                        "the parent unit is archived",
                    ));
                }
            }
            let path = format!(
                "{}{}/",
                parent.map(|p| p.path.as_str()).unwrap_or("/"),
                current.id
            );
            (parent.map(|p| p.id.clone()), path)
        }
    };
    if path != current.path {
        // Re-root the whole subtree: every descendant path starts with the old path.
        // Each descendant changes too (its path, so who sees it): bump it and tell the feed.
        let old_len = current.path.chars().count() as i32;
        let descendants = || {
            org_units::table
                .filter(org_units::path.like(prefix_pattern(&current.path)))
                .filter(org_units::id.ne(current.id.clone()))
        };
        let before: Vec<OrgUnit> = descendants()
            .order(org_units::id)
            .select(OrgUnit::as_select())
            .load(tx.conn())?;
        diesel::update(descendants())
            .set((
                org_units::path.eq(path
                    .clone()
                    .into_sql::<diesel::sql_types::Text>()
                    .concat(substr(org_units::path, old_len + 1))),
                org_units::version.eq(org_units::version + 1),
                org_units::updated_at.eq(now()),
            ))
            .execute(tx.conn())?;
        let ids: Vec<OrgUnitId> = before.iter().map(|u| u.id.clone()).collect();
        let after: Vec<OrgUnit> = org_units::table
            .filter(org_units::id.eq_any(ids))
            .order(org_units::id)
            .select(OrgUnit::as_select())
            .load(tx.conn())?;
        for (old, new) in before.iter().zip(&after) {
            let resource = Resource {
                kind: ResourceKind::OrgUnit,
                id: new.id.as_str(),
                version: new.version,
            };
            audit::record_change(
                tx,
                actor,
                ChangeAction::Updated,
                resource,
                Some(old),
                Some(new),
            )?;
        }
    }

    let unit: OrgUnit = diesel::update(org_units::table.find(&current.id))
        .set((
            org_units::code.eq(&code),
            org_units::name_search.eq(fold(&name)),
            org_units::name_sort.eq(sort_key(&name)),
            org_units::name.eq(&name),
            org_units::kind.eq(&kind),
            org_units::parent_id.eq(&parent_id),
            org_units::path.eq(&path),
            org_units::active.eq(active),
            org_units::version.eq(current.version + 1),
            org_units::updated_at.eq(now()),
        ))
        .returning(org_units::all_columns)
        .get_result(tx.conn())?;
    let action = if current.active && !unit.active {
        ChangeAction::Archived
    } else {
        ChangeAction::Updated
    };
    audit::record_change(
        tx,
        actor,
        action,
        Resource {
            kind: ResourceKind::OrgUnit,
            id: unit.id.as_str(),
            version: unit.version,
        },
        Some(&current),
        Some(&unit),
    )?;
    Ok(unit)
}

/// The parent a unit will have after an update.
fn changes_parent_id<'a>(
    current: &'a OrgUnit,
    new_parent: Option<Option<&'a OrgUnit>>,
) -> Option<&'a OrgUnitId> {
    match new_parent {
        Some(parent) => parent.map(|p| &p.id),
        None => current.parent_id.as_ref(),
    }
}

/// A unit is restored only under an active parent.
fn check_parent_active(
    conn: &mut AnyConnection,
    parent_id: Option<&OrgUnitId>,
) -> Result<(), Error> {
    if let Some(id) = parent_id {
        let active: bool = org_units::table
            .find(id)
            .select(org_units::active)
            .get_result(conn)?;
        if !active {
            return Err(Error::invalid(
                "active",
                "archived_parent",
                "the parent unit is archived; restore it first",
            ));
        }
    }
    Ok(())
}

/// A unit with active sub-units or active staff stays: archiving it would orphan them.
fn check_archivable(conn: &mut AnyConnection, unit: &OrgUnit) -> Result<(), Error> {
    let children: i64 = org_units::table
        .filter(org_units::parent_id.eq(&unit.id))
        .filter(org_units::active.eq(true))
        .count()
        .get_result(conn)?;
    if children > 0 {
        return Err(Error::conflict(
            "has_active_children",
            format!("The unit has {children} active sub-unit(s); archive or move them first."),
        ));
    }
    let members: i64 = staff::table
        .filter(staff::org_unit_id.eq(&unit.id))
        .filter(staff::active.eq(true))
        .count()
        .get_result(conn)?;
    if members > 0 {
        return Err(Error::conflict(
            "has_active_staff",
            format!("The unit has {members} active staff member(s); move or archive them first."),
        ));
    }
    Ok(())
}

/// Archives a unit (records with history are never deleted).
pub fn archive(
    tx: &mut Tx<'_>,
    actor: &Actor,
    current: OrgUnit,
    expected_version: i64,
) -> Result<OrgUnit, Error> {
    let changes = OrgUnitChanges {
        active: Some(false),
        ..Default::default()
    };
    update(tx, actor, current, expected_version, changes, None)
}

#[derive(Debug, Clone, Default)]
pub struct OrgUnitFilter {
    pub q: Option<String>,
    pub kind: Option<OrgUnitKind>,
    pub parent_id: Option<OrgUnitId>,
    /// Only units in the subtree of this unit's path.
    pub under_path: Option<String>,
    pub active: Option<bool>,
    pub updated_since: Option<chrono::NaiveDateTime>,
}

#[derive(Debug, Clone, Copy)]
pub enum OrgUnitSort {
    Name,
    Code,
    CreatedAt,
    UpdatedAt,
}

impl SortField for OrgUnitSort {
    const FIELDS: &'static [(&'static str, Self)] = &[
        ("name", OrgUnitSort::Name),
        ("code", OrgUnitSort::Code),
        ("created_at", OrgUnitSort::CreatedAt),
        ("updated_at", OrgUnitSort::UpdatedAt),
    ];
}

pub fn list(
    conn: &mut AnyConnection,
    scope: &Scope,
    filter: &OrgUnitFilter,
    sort: Sort<OrgUnitSort>,
    page: PageRequest,
) -> QueryResult<(Vec<OrgUnit>, i64)> {
    let query = || {
        let mut q = org_units::table.into_boxed();
        match scope {
            Scope::All => {}
            Scope::Subtree(prefix) => q = q.filter(org_units::path.like(prefix_pattern(prefix))),
            Scope::Nothing => q = q.filter(false.into_sql::<diesel::sql_types::Bool>()),
        }
        if let Some(text) = filter.q.as_deref().map(fold).filter(|t| !t.is_empty()) {
            let pattern = contains_pattern(&text);
            q = q.filter(
                org_units::name_search
                    .like(pattern.clone())
                    .escape('\\')
                    .or(org_units::code
                        .like(contains_pattern(&text.to_uppercase()))
                        .escape('\\')),
            );
        }
        if let Some(kind) = filter.kind {
            q = q.filter(org_units::kind.eq(kind.as_str()));
        }
        if let Some(parent) = &filter.parent_id {
            q = q.filter(org_units::parent_id.eq(parent.clone()));
        }
        if let Some(path) = &filter.under_path {
            q = q.filter(org_units::path.like(prefix_pattern(path)));
        }
        if let Some(active) = filter.active {
            q = q.filter(org_units::active.eq(active));
        }
        if let Some(since) = filter.updated_since {
            q = q.filter(org_units::updated_at.ge(since));
        }
        q
    };
    let total = query().count().get_result(conn)?;
    let q = match (sort.field, sort.descending) {
        (OrgUnitSort::Name, false) => query().order(org_units::name_sort.asc()),
        (OrgUnitSort::Name, true) => query().order(org_units::name_sort.desc()),
        (OrgUnitSort::Code, false) => query().order(org_units::code.asc()),
        (OrgUnitSort::Code, true) => query().order(org_units::code.desc()),
        (OrgUnitSort::CreatedAt, false) => query().order(org_units::created_at.asc()),
        (OrgUnitSort::CreatedAt, true) => query().order(org_units::created_at.desc()),
        (OrgUnitSort::UpdatedAt, false) => query().order(org_units::updated_at.asc()),
        (OrgUnitSort::UpdatedAt, true) => query().order(org_units::updated_at.desc()),
    };
    let items = q
        .then_order_by(org_units::id.asc())
        .offset(page.offset())
        .limit(page.per_page)
        .select(OrgUnit::as_select())
        .load(conn)?;
    Ok((items, total))
}

/// A unit and all its descendants, in Vietnamese name order.
pub fn subtree(
    conn: &mut AnyConnection,
    root: &OrgUnit,
    include_archived: bool,
) -> QueryResult<Vec<OrgUnit>> {
    let mut q = org_units::table
        .filter(org_units::path.like(prefix_pattern(&root.path)))
        .into_boxed();
    if !include_archived {
        q = q.filter(
            org_units::active
                .eq(true)
                .or(org_units::id.eq(root.id.clone())),
        );
    }
    q.order((org_units::name_sort.asc(), org_units::id.asc()))
        .select(OrgUnit::as_select())
        .load(conn)
}

/// A unit named in a request (body or filter): absent or outside the caller's scope is an
/// invalid `field`, not a 404 of the resource being written.
pub fn referenced_unit(
    conn: &mut AnyConnection,
    principal: &Principal,
    id: &OrgUnitId,
    field: &str,
) -> Result<OrgUnit, Error> {
    find(conn, id)?
        .filter(|u| policy::can_read_org_unit(principal, &u.path))
        .ok_or_else(|| Error::invalid(field, "not_found", "no such org unit"))
}

/// The unit that will keep a new movement or legal document, and its path: the one named
/// (`owner_unit_id`, which the caller must see), else the caller's own unit — none, i.e.
/// national, for an admin. The caller must be allowed to keep that unit's reference data.
pub fn reference_owner(
    conn: &mut AnyConnection,
    principal: &Principal,
    named: Option<&OrgUnitId>,
) -> Result<(Option<OrgUnitId>, Option<String>), Error> {
    let owner = match named {
        Some(id) => Some(referenced_unit(conn, principal, id, "owner_unit_id")?),
        None if principal.is_admin() => None,
        None => match principal.org_unit_id.as_ref() {
            Some(id) => find(conn, id)?,
            None => None,
        },
    };
    let (id, path) = owner.map(|u| (u.id, u.path)).unzip();
    policy::ensure(policy::can_edit_owned_reference(principal, path.as_deref()))?;
    Ok((id, path))
}

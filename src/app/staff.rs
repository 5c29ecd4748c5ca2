//! Staff (cán bộ, công chức, viên chức, người lao động): the register of each unit's
//! people, who keeps it, and who reads the personal identification number.

use crate::db::{AnyConnection, Tx};
use crate::domain::access::Principal;
use crate::domain::org_units::{OrgUnit, referenced_unit};
use crate::domain::staff::{
    self, Gender, Staff, StaffCategory, StaffFields, StaffFilter, StaffSort,
};
use crate::domain::users::{self, StaffAccount};
use crate::domain::{Actor, Error, PageRequest, Sort, policy};
use crate::ids::{OrgUnitId, StaffId};

/// What a list asks for, besides the page and the order.
pub struct ListQuery {
    pub q: Option<String>,
    /// Staff of exactly this unit.
    pub org_unit_id: Option<OrgUnitId>,
    /// Staff of this unit's whole subtree.
    pub under: Option<OrgUnitId>,
    pub category: Option<StaffCategory>,
    pub gender: Option<Gender>,
    pub active: Option<bool>,
    pub updated_since: Option<chrono::NaiveDateTime>,
}

/// A new staff member of a unit.
pub struct NewStaff {
    pub org_unit_id: OrgUnitId,
    pub full_name: String,
    pub staff_code: Option<String>,
    pub position: Option<String>,
    pub category: StaffCategory,
    pub email: Option<String>,
    pub gender: Option<Gender>,
    pub personal_id: Option<String>,
}

/// A record's changes: each field left out (`None`) stays; `Some(None)` clears it.
#[derive(Default)]
pub struct StaffChanges {
    pub full_name: Option<String>,
    /// Move to another unit (in the caller's scope).
    pub org_unit_id: Option<OrgUnitId>,
    pub category: Option<StaffCategory>,
    pub position: Option<Option<String>>,
    pub staff_code: Option<Option<String>>,
    pub email: Option<Option<String>>,
    pub gender: Option<Option<Gender>>,
    pub personal_id: Option<Option<String>>,
    /// `false` archives, `true` restores.
    pub active: Option<bool>,
}

impl StaffChanges {
    /// The record's fields with this change applied.
    fn apply(self, mut f: StaffFields) -> StaffFields {
        if let Some(v) = self.full_name {
            f.full_name = v;
        }
        if let Some(v) = self.category {
            f.category = v;
        }
        if let Some(v) = self.position {
            f.position = v;
        }
        if let Some(v) = self.staff_code {
            f.staff_code = v;
        }
        if let Some(v) = self.email {
            f.email = v;
        }
        if let Some(v) = self.gender {
            f.gender = v;
        }
        if let Some(v) = self.personal_id {
            f.personal_id = v;
        }
        if let Some(v) = self.active {
            f.active = v;
        }
        f
    }
}

/// One page of the staff the caller sees, each as the caller may see it.
pub fn list(
    conn: &mut AnyConnection,
    who: &Principal,
    query: ListQuery,
    sort: Sort<StaffSort>,
    page: PageRequest,
) -> Result<(Vec<StaffView>, i64), Error> {
    let under_path = match &query.under {
        Some(id) => Some(referenced_unit(conn, who, id, "under")?.path),
        None => None,
    };
    let filter = StaffFilter {
        q: query.q,
        org_unit_id: query.org_unit_id,
        under_path,
        category: query.category,
        gender: query.gender,
        active: query.active,
        updated_since: query.updated_since,
    };
    let (items, total) = staff::list(conn, &policy::staff_visibility(who), &filter, sort, page)?;
    Ok((views(conn, items, who)?, total))
}

/// Add a staff member to a unit whose register the caller keeps; only those who read the
/// personal identification number set it.
pub fn create(
    tx: &mut Tx<'_>,
    who: &Principal,
    actor: &Actor,
    new: NewStaff,
) -> Result<StaffView, Error> {
    let unit = target_unit(tx, who, &new.org_unit_id)?;
    if new.personal_id.is_some() {
        policy::ensure(policy::can_set_personal_id(who))?;
    }
    let fields = StaffFields {
        full_name: new.full_name,
        staff_code: new.staff_code,
        position: new.position,
        category: new.category,
        email: new.email,
        gender: new.gender,
        personal_id: new.personal_id,
        active: true,
    };
    let row = staff::create(tx, actor, &unit.id, unit.active, fields)?;
    view(tx, row, who)
}

/// A staff member the caller sees, as the caller may see them.
pub fn get(conn: &mut AnyConnection, who: &Principal, id: &StaffId) -> Result<StaffView, Error> {
    let (row, _) = visible(conn, who, id)?;
    view(conn, row, who)
}

/// Change a record the caller keeps, or move it to another unit they keep.
pub fn update(
    tx: &mut Tx<'_>,
    who: &Principal,
    actor: &Actor,
    id: &StaffId,
    version: i64,
    changes: StaffChanges,
) -> Result<StaffView, Error> {
    let (current, unit_path) = visible(tx, who, id)?;
    policy::ensure(policy::can_edit_staff(who, &unit_path))?;
    let new_unit = match &changes.org_unit_id {
        Some(uid) => Some(target_unit(tx, who, uid)?),
        None => None,
    };
    if changes.personal_id.is_some() {
        policy::ensure(policy::can_set_personal_id(who))?;
    }
    let fields = changes.apply(current.fields());
    let row = staff::update(
        tx,
        actor,
        current,
        version,
        fields,
        new_unit.as_ref().map(|u| (&u.id, u.active)),
    )?;
    view(tx, row, who)
}

/// Archive a record the caller keeps (the person left).
pub fn archive(
    tx: &mut Tx<'_>,
    who: &Principal,
    actor: &Actor,
    id: &StaffId,
    version: i64,
) -> Result<StaffView, Error> {
    let (current, unit_path) = visible(tx, who, id)?;
    policy::ensure(policy::can_edit_staff(who, &unit_path))?;
    let fields = StaffFields {
        active: false,
        ..current.fields()
    };
    let row = staff::update(tx, actor, current, version, fields, None)?;
    view(tx, row, who)
}

/// A staff record as its caller sees it, with the account that is theirs.
#[derive(Debug, Clone)]
pub struct StaffView {
    pub staff: Staff,
    /// Who sees the record sees which account is theirs (so officers can name council
    /// members, say); the account's roles and unit stay with admins (`/users`).
    pub account: Option<StaffAccount>,
}

/// The records as `who` sees them, each with its account (one query for them all).
fn views(
    conn: &mut AnyConnection,
    rows: Vec<Staff>,
    who: &Principal,
) -> Result<Vec<StaffView>, Error> {
    let ids: Vec<StaffId> = rows.iter().map(|r| r.id.clone()).collect();
    let mut accounts = users::accounts_of_staff(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|row| StaffView {
            account: accounts.remove(&row.id),
            staff: for_viewer(row, who),
        })
        .collect())
}

fn view(conn: &mut AnyConnection, row: Staff, who: &Principal) -> Result<StaffView, Error> {
    let mut views = views(conn, vec![row], who)?;
    Ok(views.remove(0))
}

/// The record as `who` may see it: the personal identification number masked except for
/// those who read it whole.
fn for_viewer(mut row: Staff, who: &Principal) -> Staff {
    if !policy::sees_personal_id(who) {
        row.personal_id = row.personal_id.as_deref().map(staff::mask_personal_id);
    }
    row
}

/// A staff record the caller may see; others answer 404 as if absent.
fn visible(
    conn: &mut AnyConnection,
    who: &Principal,
    id: &StaffId,
) -> Result<(Staff, String), Error> {
    let (row, unit_path) =
        staff::find(conn, id)?.ok_or_else(|| Error::not_found("staff member"))?;
    policy::ensure_visible(
        policy::can_read_staff(who, &row.id, &unit_path),
        "staff member",
    )?;
    Ok((row, unit_path))
}

/// The unit a staff record goes into: it must exist in scope (422 otherwise) and be one
/// whose register the caller keeps (403).
fn target_unit(
    conn: &mut AnyConnection,
    who: &Principal,
    id: &OrgUnitId,
) -> Result<OrgUnit, Error> {
    let unit = referenced_unit(conn, who, id, "org_unit_id")?;
    policy::ensure(policy::can_edit_staff(who, &unit.path))?;
    Ok(unit)
}

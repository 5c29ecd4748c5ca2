//! Staff (cán bộ, công chức, viên chức, người lao động): the people criteria count.

use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{org_units, staff};
use crate::db::{AnyConnection, Tx, contains_pattern, prefix_pattern};
use crate::domain::Error;
use crate::domain::access::Scope;
use crate::domain::audit::{self, ChangeAction, Resource, ResourceKind};
use crate::domain::policy::StaffVisibility;
use crate::domain::{Actor, PageRequest, Sort, SortField, ensure_version, now, text_enum};
use crate::ids::{OrgUnitId, StaffId};
use crate::text::{fold, person_sort_key};

text_enum! {
    /// The legal category of a person in public service.
    pub enum StaffCategory {
        /// Cán bộ: elected or appointed officials.
        CanBo => "can_bo",
        /// Công chức: civil servants.
        CongChuc => "cong_chuc",
        /// Viên chức: public employees of service units.
        VienChuc => "vien_chuc",
        /// Người lao động: contract workers.
        NguoiLaoDong => "nguoi_lao_dong",
    }
}

text_enum! {
    pub enum Gender {
        Male => "male",
        Female => "female",
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = staff)]
pub struct Staff {
    pub id: StaffId,
    pub staff_code: Option<String>,
    pub full_name: String,
    #[serde(skip)]
    pub name_search: String,
    #[serde(skip)]
    pub name_sort: String,
    pub org_unit_id: OrgUnitId,
    pub position: Option<String>,
    pub category: StaffCategory,
    pub email: Option<String>,
    pub gender: Option<Gender>,
    pub personal_id: Option<String>,
    pub active: bool,
    pub version: i64,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

/// The personal identification number with all but its last three digits hidden.
pub fn mask_personal_id(id: &str) -> String {
    let keep = id.len().saturating_sub(3);
    format!("{}{}", "*".repeat(keep), &id[keep..])
}

/// A staff member with the path of their unit, which decides who sees them.
pub fn find(conn: &mut AnyConnection, id: &StaffId) -> QueryResult<Option<(Staff, String)>> {
    staff::table
        .inner_join(org_units::table)
        .filter(staff::id.eq(id))
        .select((Staff::as_select(), org_units::path))
        .first(conn)
        .optional()
}

/// The fields of a staff record, as written on create and (merged) on update.
#[derive(Debug, Clone)]
pub struct StaffFields {
    pub full_name: String,
    pub staff_code: Option<String>,
    pub position: Option<String>,
    pub category: StaffCategory,
    pub email: Option<String>,
    pub gender: Option<Gender>,
    pub personal_id: Option<String>,
    pub active: bool,
}

/// Staff codes and emails are compared without regard to case.
fn normalize(fields: &mut StaffFields) {
    fields.full_name = fields
        .full_name
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    fields.staff_code = fields
        .staff_code
        .as_deref()
        .map(|c| c.trim().to_uppercase());
    fields.email = fields.email.as_deref().map(|e| e.trim().to_lowercase());
}

fn check_unique(
    conn: &mut AnyConnection,
    fields: &StaffFields,
    except_id: Option<&StaffId>,
) -> Result<(), Error> {
    let others = || {
        let mut q = staff::table.into_boxed();
        if let Some(id) = except_id {
            q = q.filter(staff::id.ne(id.clone()));
        }
        q
    };
    if let Some(code) = &fields.staff_code {
        let n: i64 = others()
            .filter(staff::staff_code.eq(code.clone()))
            .count()
            .get_result(conn)?;
        if n > 0 {
            return Err(Error::conflict_field(
                "staff_code",
                "duplicate",
                "another staff member has this code",
            ));
        }
    }
    if let Some(email) = &fields.email {
        let n: i64 = others()
            .filter(staff::email.eq(email.clone()))
            .count()
            .get_result(conn)?;
        if n > 0 {
            return Err(Error::conflict_field(
                "email",
                "duplicate",
                "another staff member has this email",
            ));
        }
    }
    if let Some(pid) = &fields.personal_id {
        let n: i64 = others()
            .filter(staff::personal_id.eq(pid.clone()))
            .count()
            .get_result(conn)?;
        if n > 0 {
            return Err(Error::conflict_field(
                "personal_id",
                "duplicate",
                "another staff member has this personal identification number",
            ));
        }
    }
    Ok(())
}

/// Staff join and move only into active units.
fn check_unit_active(unit_active: bool) -> Result<(), Error> {
    if unit_active {
        Ok(())
    } else {
        Err(Error::invalid(
            "org_unit_id",
            "archived",
            "the unit is archived",
        ))
    }
}

/// Creates a staff record in `unit_id`, which the caller has loaded and authorised.
pub fn create(
    tx: &mut Tx<'_>,
    actor: &Actor,
    unit_id: &OrgUnitId,
    unit_active: bool,
    mut fields: StaffFields,
) -> Result<Staff, Error> {
    check_unit_active(unit_active)?;
    normalize(&mut fields);
    check_unique(tx, &fields, None)?;
    let at = now();
    let row: Staff = diesel::insert_into(staff::table)
        .values((
            staff::id.eq(StaffId::new()),
            staff::staff_code.eq(&fields.staff_code),
            staff::name_search.eq(fold(&fields.full_name)),
            staff::name_sort.eq(person_sort_key(&fields.full_name)),
            staff::full_name.eq(&fields.full_name),
            staff::org_unit_id.eq(unit_id),
            staff::position.eq(&fields.position),
            staff::category.eq(fields.category.as_str()),
            staff::email.eq(&fields.email),
            staff::gender.eq(fields.gender.map(Gender::as_str)),
            staff::personal_id.eq(&fields.personal_id),
            staff::active.eq(fields.active),
            staff::version.eq(1),
            staff::created_at.eq(at),
            staff::updated_at.eq(at),
        ))
        .returning(staff::all_columns)
        .get_result(tx.conn())?;
    audit::record_change(
        tx,
        actor,
        ChangeAction::Created,
        Resource {
            kind: ResourceKind::Staff,
            id: row.id.as_str(),
            version: row.version,
        },
        None,
        Some(&row),
    )?;
    Ok(row)
}

impl Staff {
    /// The record's current fields, for merging a partial update into.
    pub fn fields(&self) -> StaffFields {
        StaffFields {
            full_name: self.full_name.clone(),
            staff_code: self.staff_code.clone(),
            position: self.position.clone(),
            category: self.category,
            email: self.email.clone(),
            gender: self.gender,
            personal_id: self.personal_id.clone(),
            active: self.active,
        }
    }
}

/// Replaces the fields of a record; `new_unit` moves it (loaded and authorised by the caller).
pub fn update(
    tx: &mut Tx<'_>,
    actor: &Actor,
    current: Staff,
    expected_version: i64,
    mut fields: StaffFields,
    new_unit: Option<(&OrgUnitId, bool)>,
) -> Result<Staff, Error> {
    ensure_version(current.version, expected_version)?;
    let unit_id = match new_unit {
        Some((id, active)) if *id != current.org_unit_id => {
            check_unit_active(active)?;
            id.clone()
        }
        _ => current.org_unit_id.clone(),
    };
    if !current.active && fields.active {
        let active: bool = org_units::table
            .find(&unit_id)
            .select(org_units::active)
            .get_result(tx.conn())?;
        check_unit_active(active)?;
    }
    normalize(&mut fields);
    check_unique(tx, &fields, Some(&current.id))?;
    let row: Staff = diesel::update(staff::table.find(&current.id))
        .set((
            staff::staff_code.eq(&fields.staff_code),
            staff::name_search.eq(fold(&fields.full_name)),
            staff::name_sort.eq(person_sort_key(&fields.full_name)),
            staff::full_name.eq(&fields.full_name),
            staff::org_unit_id.eq(&unit_id),
            staff::position.eq(&fields.position),
            staff::category.eq(fields.category.as_str()),
            staff::email.eq(&fields.email),
            staff::gender.eq(fields.gender.map(Gender::as_str)),
            staff::personal_id.eq(&fields.personal_id),
            staff::active.eq(fields.active),
            staff::version.eq(current.version + 1),
            staff::updated_at.eq(now()),
        ))
        .returning(staff::all_columns)
        .get_result(tx.conn())?;
    if row.org_unit_id != current.org_unit_id {
        follow_move(tx, actor, &row.id, &row.org_unit_id)?;
    }
    let action = if current.active && !row.active {
        ChangeAction::Archived
    } else {
        ChangeAction::Updated
    };
    audit::record_change(
        tx,
        actor,
        action,
        Resource {
            kind: ResourceKind::Staff,
            id: row.id.as_str(),
            version: row.version,
        },
        Some(&current),
        Some(&row),
    )?;
    Ok(row)
}

/// A person's registrations and evidence are seen from the unit they work in now: they
/// follow the move, each as a new version in the audit log and the change feed.
fn follow_move(
    tx: &mut Tx<'_>,
    actor: &Actor,
    staff_id: &StaffId,
    unit_id: &OrgUnitId,
) -> QueryResult<()> {
    use crate::db::schema::{evidence, registrations};
    use crate::domain::evidence::Evidence;
    use crate::domain::registrations::Registration;
    let at = now();
    let moved: Vec<Registration> = registrations::table
        .filter(registrations::staff_id.eq(staff_id))
        .select(Registration::as_select())
        .load(tx.conn())?;
    for before in moved {
        let after: Registration = diesel::update(registrations::table.find(&before.id))
            .set((
                registrations::org_unit_id.eq(unit_id),
                registrations::version.eq(before.version + 1),
                registrations::updated_at.eq(at),
            ))
            .returning(registrations::all_columns)
            .get_result(tx.conn())?;
        let resource = Resource {
            kind: ResourceKind::Registration,
            id: after.id.as_str(),
            version: after.version,
        };
        audit::record_change(
            tx,
            actor,
            ChangeAction::Updated,
            resource,
            Some(&before),
            Some(&after),
        )?;
    }
    let moved: Vec<Evidence> = evidence::table
        .filter(evidence::staff_id.eq(staff_id))
        .select(Evidence::as_select())
        .load(tx.conn())?;
    for before in moved {
        let after: Evidence = diesel::update(evidence::table.find(&before.id))
            .set((
                evidence::org_unit_id.eq(unit_id),
                evidence::version.eq(before.version + 1),
                evidence::updated_at.eq(at),
            ))
            .returning(evidence::all_columns)
            .get_result(tx.conn())?;
        let resource = Resource {
            kind: ResourceKind::Evidence,
            id: after.id.as_str(),
            version: after.version,
        };
        audit::record_change(
            tx,
            actor,
            ChangeAction::Updated,
            resource,
            Some(&before),
            Some(&after),
        )?;
    }
    Ok(())
}

#[derive(Debug, Clone, Default)]
pub struct StaffFilter {
    pub q: Option<String>,
    pub org_unit_id: Option<OrgUnitId>,
    /// Only staff of units in the subtree of this path.
    pub under_path: Option<String>,
    pub category: Option<StaffCategory>,
    pub gender: Option<Gender>,
    pub active: Option<bool>,
    pub updated_since: Option<chrono::NaiveDateTime>,
}

#[derive(Debug, Clone, Copy)]
pub enum StaffSort {
    FullName,
    StaffCode,
    CreatedAt,
    UpdatedAt,
}

impl SortField for StaffSort {
    const FIELDS: &'static [(&'static str, Self)] = &[
        ("full_name", StaffSort::FullName),
        ("staff_code", StaffSort::StaffCode),
        ("created_at", StaffSort::CreatedAt),
        ("updated_at", StaffSort::UpdatedAt),
    ];
}

pub fn list(
    conn: &mut AnyConnection,
    visibility: &StaffVisibility,
    filter: &StaffFilter,
    sort: Sort<StaffSort>,
    page: PageRequest,
) -> QueryResult<(Vec<Staff>, i64)> {
    let query = || {
        let mut q = staff::table.inner_join(org_units::table).into_boxed();
        match visibility {
            StaffVisibility::Units(Scope::All) => {}
            StaffVisibility::Units(Scope::Subtree(prefix)) => {
                q = q.filter(org_units::path.like(prefix_pattern(prefix)))
            }
            StaffVisibility::Units(Scope::Nothing) | StaffVisibility::Own(None) => {
                q = q.filter(false.into_sql::<diesel::sql_types::Bool>())
            }
            StaffVisibility::Own(Some(id)) => q = q.filter(staff::id.eq(id.clone())),
        }
        if let Some(text) = filter.q.as_deref().map(fold).filter(|t| !t.is_empty()) {
            q = q.filter(
                staff::name_search
                    .like(contains_pattern(&text))
                    .escape('\\')
                    .or(staff::staff_code
                        .like(contains_pattern(&text.to_uppercase()))
                        .escape('\\'))
                    .or(staff::email.like(contains_pattern(&text)).escape('\\')),
            );
        }
        if let Some(unit) = &filter.org_unit_id {
            q = q.filter(staff::org_unit_id.eq(unit.clone()));
        }
        if let Some(path) = &filter.under_path {
            q = q.filter(org_units::path.like(prefix_pattern(path)));
        }
        if let Some(category) = filter.category {
            q = q.filter(staff::category.eq(category.as_str()));
        }
        if let Some(gender) = filter.gender {
            q = q.filter(staff::gender.eq(gender.as_str()));
        }
        if let Some(active) = filter.active {
            q = q.filter(staff::active.eq(active));
        }
        if let Some(since) = filter.updated_since {
            q = q.filter(staff::updated_at.ge(since));
        }
        q
    };
    let total = query().count().get_result(conn)?;
    let q = match (sort.field, sort.descending) {
        (StaffSort::FullName, false) => query().order(staff::name_sort.asc()),
        (StaffSort::FullName, true) => query().order(staff::name_sort.desc()),
        (StaffSort::StaffCode, false) => {
            query().order((staff::staff_code.is_null(), staff::staff_code.asc()))
        }
        (StaffSort::StaffCode, true) => {
            query().order((staff::staff_code.is_null().desc(), staff::staff_code.desc()))
        }
        (StaffSort::CreatedAt, false) => query().order(staff::created_at.asc()),
        (StaffSort::CreatedAt, true) => query().order(staff::created_at.desc()),
        (StaffSort::UpdatedAt, false) => query().order(staff::updated_at.asc()),
        (StaffSort::UpdatedAt, true) => query().order(staff::updated_at.desc()),
    };
    let items = q
        .then_order_by(staff::id.asc())
        .offset(page.offset())
        .limit(page.per_page)
        .select(Staff::as_select())
        .load(conn)?;
    Ok((items, total))
}

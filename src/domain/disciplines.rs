//! Kỷ luật: discipline periods of staff. No award while one runs, and achievements count
//! only from its end (NĐ 152/2025 Đ.4); eligibility reads them.

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{disciplines, org_units, staff};
use crate::db::{AnyConnection, Tx, prefix_pattern};
use crate::domain::Error;
use crate::domain::audit::{self, ChangeAction, Resource, ResourceKind};
use crate::domain::{Actor, changed_meanwhile, new_id, now, text_enum};
use crate::ids::StaffId;

text_enum! {
    /// The form of discipline (hình thức kỷ luật).
    pub enum DisciplineLevel {
        /// Khiển trách.
        Reprimand => "reprimand",
        /// Cảnh cáo.
        Warning => "warning",
        /// Hạ bậc lương.
        SalaryDemotion => "salary_demotion",
        /// Giáng chức.
        Demotion => "demotion",
        /// Cách chức.
        Dismissal => "dismissal",
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = disciplines)]
pub struct Discipline {
    pub id: String,
    pub staff_id: StaffId,
    pub level: DisciplineLevel,
    pub reason: String,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub version: i64,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

pub struct DisciplineFields {
    pub staff_id: StaffId,
    pub level: DisciplineLevel,
    pub reason: String,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
}

pub fn create(tx: &mut Tx<'_>, actor: &Actor, f: DisciplineFields) -> QueryResult<Discipline> {
    let d = Discipline {
        id: new_id(),
        staff_id: f.staff_id,
        level: f.level,
        reason: f.reason,
        starts_on: f.starts_on,
        ends_on: f.ends_on,
        version: 1,
        created_at: now(),
        updated_at: now(),
    };
    diesel::insert_into(disciplines::table)
        .values((
            disciplines::id.eq(&d.id),
            disciplines::staff_id.eq(&d.staff_id),
            disciplines::level.eq(d.level.as_str()),
            disciplines::reason.eq(&d.reason),
            disciplines::starts_on.eq(d.starts_on),
            disciplines::ends_on.eq(d.ends_on),
            disciplines::version.eq(1),
            disciplines::created_at.eq(d.created_at),
            disciplines::updated_at.eq(d.updated_at),
        ))
        .execute(tx.conn())?;
    audit::record_change(
        tx,
        actor,
        ChangeAction::Created,
        Resource {
            kind: ResourceKind::Discipline,
            id: d.id.as_str(),
            version: 1,
        },
        None,
        Some(&d),
    )?;
    Ok(d)
}

/// Discipline records of staff under `under` (a path prefix; None: all), newest first.
pub fn list(
    conn: &mut AnyConnection,
    under: Option<&str>,
    staff_id: Option<&StaffId>,
) -> QueryResult<Vec<Discipline>> {
    let mut q = disciplines::table
        .inner_join(staff::table.inner_join(org_units::table))
        .select(Discipline::as_select())
        .order((disciplines::starts_on.desc(), disciplines::id.asc()))
        .into_boxed();
    if let Some(p) = under {
        q = q.filter(org_units::path.like(prefix_pattern(p)));
    }
    if let Some(s) = staff_id {
        q = q.filter(disciplines::staff_id.eq(s.clone()));
    }
    q.limit(1000).load(conn)
}

/// A discipline record with the path of the person's unit, which decides who sees it.
pub fn find(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<(Discipline, String)>> {
    disciplines::table
        .inner_join(staff::table.inner_join(org_units::table))
        .filter(disciplines::id.eq(id))
        .select((Discipline::as_select(), org_units::path))
        .first(conn)
        .optional()
}

/// Changes when a discipline ends (or corrects its reason): the record is kept, and the
/// change audited.
pub fn update(
    tx: &mut Tx<'_>,
    actor: &Actor,
    current: &Discipline,
    expected_version: i64,
    reason: &str,
    ends_on: Option<NaiveDate>,
) -> Result<Discipline, Error> {
    if ends_on.is_some_and(|end| end < current.starts_on) {
        return Err(Error::invalid(
            "ends_on",
            "before_start",
            "the discipline ends before it starts",
        ));
    }
    let row: Discipline = diesel::update(
        disciplines::table
            .filter(disciplines::id.eq(&current.id))
            .filter(disciplines::version.eq(expected_version)),
    )
    .set((
        disciplines::reason.eq(reason),
        disciplines::ends_on.eq(ends_on),
        disciplines::version.eq(expected_version + 1),
        disciplines::updated_at.eq(now()),
    ))
    .returning(disciplines::all_columns)
    .get_result(tx.conn())
    .map_err(changed_meanwhile)?;
    audit::record_change(
        tx,
        actor,
        ChangeAction::Updated,
        Resource {
            kind: ResourceKind::Discipline,
            id: row.id.as_str(),
            version: row.version,
        },
        Some(current),
        Some(&row),
    )?;
    Ok(row)
}

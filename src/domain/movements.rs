//! Movements (phong trào thi đua): the campaigns plans implement.

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::movements;
use crate::db::{AnyConnection, Tx, contains_pattern};
use crate::domain::Error;
use crate::domain::access::Scope;
use crate::domain::audit::{self, ChangeAction, Resource, ResourceKind};
use crate::domain::org_units;
use crate::domain::{
    Actor, PageRequest, Sort, SortField, ensure_version, new_id, now, text_enum, year_range,
};
use crate::ids::OrgUnitId;
use crate::text::{fold, sort_key};

text_enum! {
    /// Who launched the movement.
    pub enum MovementLevel {
        National => "national",
        Provincial => "provincial",
        Agency => "agency",
    }
}

text_enum! {
    /// Thường xuyên (regular) or chuyên đề (thematic).
    pub enum MovementKind {
        Regular => "regular",
        Thematic => "thematic",
    }
}

text_enum! {
    pub enum MovementStatus {
        Active => "active",
        Closed => "closed",
        Cancelled => "cancelled",
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = movements)]
pub struct Movement {
    pub id: String,
    pub name: String,
    pub short_name: Option<String>,
    pub description: Option<String>,
    #[serde(skip)]
    pub search_text: String,
    #[serde(skip)]
    pub name_sort: String,
    pub level: MovementLevel,
    pub kind: MovementKind,
    pub launched_by_id: Option<OrgUnitId>,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub status: MovementStatus,
    pub version: i64,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
    /// The unit that keeps it (the one that entered it); none for a national movement.
    pub owner_unit_id: Option<OrgUnitId>,
}

#[derive(Debug, Clone)]
pub struct MovementFields {
    pub name: String,
    pub short_name: Option<String>,
    pub description: Option<String>,
    pub level: MovementLevel,
    pub kind: MovementKind,
    pub launched_by_id: Option<OrgUnitId>,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub status: MovementStatus,
}

impl Movement {
    pub fn fields(&self) -> MovementFields {
        MovementFields {
            name: self.name.clone(),
            short_name: self.short_name.clone(),
            description: self.description.clone(),
            level: self.level,
            kind: self.kind,
            launched_by_id: self.launched_by_id.clone(),
            start_date: self.start_date,
            end_date: self.end_date,
            status: self.status,
        }
    }
}

fn check(f: &MovementFields) -> Result<(), Error> {
    if f.end_date < f.start_date {
        return Err(Error::invalid(
            "end_date",
            "before_start",
            "must not be before start_date",
        ));
    }
    Ok(())
}

fn search_text(f: &MovementFields) -> String {
    fold(&format!(
        "{} {}",
        f.name,
        f.short_name.as_deref().unwrap_or("")
    ))
}

pub fn find(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<Movement>> {
    movements::table
        .find(id)
        .select(Movement::as_select())
        .get_result(conn)
        .optional()
}

/// The movement and the path of the unit that keeps it (none: national).
pub fn find_with_owner(
    conn: &mut AnyConnection,
    id: &str,
) -> QueryResult<Option<(Movement, Option<String>)>> {
    let Some(row) = find(conn, id)? else {
        return Ok(None);
    };
    let owner = org_units::path_of(conn, row.owner_unit_id.as_ref())?;
    Ok(Some((row, owner)))
}

/// Records a movement kept by `owner_unit_id` (none: national).
pub fn create(
    tx: &mut Tx<'_>,
    actor: &Actor,
    f: MovementFields,
    owner_unit_id: Option<&OrgUnitId>,
) -> Result<Movement, Error> {
    check(&f)?;
    let at = now();
    let m: Movement = diesel::insert_into(movements::table)
        .values((
            movements::id.eq(new_id()),
            movements::search_text.eq(search_text(&f)),
            movements::name_sort.eq(sort_key(&f.name)),
            movements::name.eq(&f.name),
            movements::short_name.eq(&f.short_name),
            movements::description.eq(&f.description),
            movements::level.eq(f.level.as_str()),
            movements::kind.eq(f.kind.as_str()),
            movements::launched_by_id.eq(&f.launched_by_id),
            movements::start_date.eq(f.start_date),
            movements::end_date.eq(f.end_date),
            movements::status.eq(f.status.as_str()),
            movements::version.eq(1),
            movements::created_at.eq(at),
            movements::updated_at.eq(at),
            movements::owner_unit_id.eq(owner_unit_id),
        ))
        .returning(movements::all_columns)
        .get_result(tx.conn())?;
    let resource = Resource {
        kind: ResourceKind::Movement,
        id: m.id.as_str(),
        version: m.version,
    };
    audit::record_change(tx, actor, ChangeAction::Created, resource, None, Some(&m))?;
    Ok(m)
}

pub fn update(
    tx: &mut Tx<'_>,
    actor: &Actor,
    current: Movement,
    expected_version: i64,
    f: MovementFields,
) -> Result<Movement, Error> {
    ensure_version(current.version, expected_version)?;
    check(&f)?;
    let m: Movement = diesel::update(movements::table.find(&current.id))
        .set((
            movements::search_text.eq(search_text(&f)),
            movements::name_sort.eq(sort_key(&f.name)),
            movements::name.eq(&f.name),
            movements::short_name.eq(&f.short_name),
            movements::description.eq(&f.description),
            movements::level.eq(f.level.as_str()),
            movements::kind.eq(f.kind.as_str()),
            movements::launched_by_id.eq(&f.launched_by_id),
            movements::start_date.eq(f.start_date),
            movements::end_date.eq(f.end_date),
            movements::status.eq(f.status.as_str()),
            movements::version.eq(current.version + 1),
            movements::updated_at.eq(now()),
        ))
        .returning(movements::all_columns)
        .get_result(tx.conn())?;
    let resource = Resource {
        kind: ResourceKind::Movement,
        id: m.id.as_str(),
        version: m.version,
    };
    audit::record_change(
        tx,
        actor,
        ChangeAction::Updated,
        resource,
        Some(&current),
        Some(&m),
    )?;
    Ok(m)
}

#[derive(Debug, Clone, Default)]
pub struct MovementFilter {
    pub q: Option<String>,
    pub level: Option<MovementLevel>,
    pub kind: Option<MovementKind>,
    pub status: Option<MovementStatus>,
    /// Movements running at some time in this year.
    pub year: Option<i32>,
    pub updated_since: Option<chrono::NaiveDateTime>,
}

#[derive(Debug, Clone, Copy)]
pub enum MovementSort {
    Name,
    StartDate,
    UpdatedAt,
}

impl SortField for MovementSort {
    const FIELDS: &'static [(&'static str, Self)] = &[
        ("name", MovementSort::Name),
        ("start_date", MovementSort::StartDate),
        ("updated_at", MovementSort::UpdatedAt),
    ];
}

/// The movements a scope sees (national ones and those of units up and down its subtree).
pub fn list(
    conn: &mut AnyConnection,
    scope: &Scope,
    filter: &MovementFilter,
    sort: Sort<MovementSort>,
    page: PageRequest,
) -> QueryResult<(Vec<Movement>, i64)> {
    let owners = org_units::seen_up_and_down(conn, scope)?;
    let query = || {
        let mut q = movements::table.into_boxed();
        if let Some(ids) = &owners {
            q = q.filter(
                movements::owner_unit_id
                    .is_null()
                    .or(movements::owner_unit_id.eq_any(ids.clone())),
            );
        }
        if let Some(text) = filter.q.as_deref().map(fold).filter(|t| !t.is_empty()) {
            q = q.filter(
                movements::search_text
                    .like(contains_pattern(&text))
                    .escape('\\'),
            );
        }
        if let Some(v) = filter.level {
            q = q.filter(movements::level.eq(v.as_str()));
        }
        if let Some(v) = filter.kind {
            q = q.filter(movements::kind.eq(v.as_str()));
        }
        if let Some(v) = filter.status {
            q = q.filter(movements::status.eq(v.as_str()));
        }
        if let Some((first, last)) = filter.year.and_then(year_range) {
            q = q
                .filter(movements::start_date.le(last))
                .filter(movements::end_date.ge(first));
        }
        if let Some(since) = filter.updated_since {
            q = q.filter(movements::updated_at.ge(since));
        }
        q
    };
    let total = query().count().get_result(conn)?;
    let q = match (sort.field, sort.descending) {
        (MovementSort::Name, false) => query().order(movements::name_sort.asc()),
        (MovementSort::Name, true) => query().order(movements::name_sort.desc()),
        (MovementSort::StartDate, false) => query().order(movements::start_date.asc()),
        (MovementSort::StartDate, true) => query().order(movements::start_date.desc()),
        (MovementSort::UpdatedAt, false) => query().order(movements::updated_at.asc()),
        (MovementSort::UpdatedAt, true) => query().order(movements::updated_at.desc()),
    };
    let items = q
        .then_order_by(movements::id.asc())
        .offset(page.offset())
        .limit(page.per_page)
        .select(Movement::as_select())
        .load(conn)?;
    Ok((items, total))
}

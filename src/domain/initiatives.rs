//! Sáng kiến: initiatives recognised by a council or a body, with their authors and the
//! scope of their effect. Eligibility reads them.

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{initiative_authors, initiatives, org_units, staff};
use crate::db::{AnyConnection, Tx, contains_pattern, prefix_pattern};
use crate::domain::Error;
use crate::domain::audit::{self, ChangeAction, Resource, ResourceKind};
use crate::domain::{Actor, PageRequest, changed_meanwhile, new_id, now, text_enum};
use crate::ids::{OrgUnitId, StaffId};
use crate::text::fold;

text_enum! {
    /// How far an initiative's effect reaches (phạm vi ảnh hưởng).
    pub enum InitiativeScope {
        /// Cơ sở: the unit.
        Unit => "unit",
        /// Toàn tỉnh.
        Province => "province",
        /// Toàn quốc.
        Nation => "nation",
    }
}

impl InitiativeScope {
    /// Whether this scope reaches at least as far as `needed`.
    pub fn reaches(self, needed: InitiativeScope) -> bool {
        let order = |s: InitiativeScope| match s {
            InitiativeScope::Unit => 0,
            InitiativeScope::Province => 1,
            InitiativeScope::Nation => 2,
        };
        order(self) >= order(needed)
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = initiatives)]
pub struct Initiative {
    pub id: String,
    pub title: String,
    #[serde(skip)]
    pub title_search: String,
    pub org_unit_id: OrgUnitId,
    pub scope: InitiativeScope,
    pub recognised_by: String,
    pub document_number: String,
    pub recognised_on: NaiveDate,
    pub active: bool,
    pub version: i64,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

/// An initiative with its authors, as stored and audited.
#[derive(Debug, Clone, Serialize)]
pub struct InitiativeDetail {
    pub initiative: Initiative,
    pub author_ids: Vec<StaffId>,
}

#[derive(Debug, Clone)]
pub struct InitiativeFields {
    pub title: String,
    pub org_unit_id: OrgUnitId,
    pub scope: InitiativeScope,
    pub recognised_by: String,
    pub document_number: String,
    pub recognised_on: NaiveDate,
    pub author_ids: Vec<StaffId>,
    pub active: bool,
}

/// An initiative with the path of its unit, which decides who sees it.
pub fn find(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<(Initiative, String)>> {
    initiatives::table
        .inner_join(org_units::table)
        .filter(initiatives::id.eq(id))
        .select((Initiative::as_select(), org_units::path))
        .first(conn)
        .optional()
}

pub fn authors(conn: &mut AnyConnection, id: &str) -> QueryResult<Vec<StaffId>> {
    initiative_authors::table
        .filter(initiative_authors::initiative_id.eq(id))
        .order(initiative_authors::staff_id)
        .select(initiative_authors::staff_id)
        .load(conn)
}

pub fn detail(conn: &mut AnyConnection, i: Initiative) -> QueryResult<InitiativeDetail> {
    let author_ids = authors(conn, &i.id)?;
    Ok(InitiativeDetail {
        initiative: i,
        author_ids,
    })
}

pub struct InitiativeFilter {
    pub q: Option<String>,
    pub author_id: Option<StaffId>,
    pub scope: Option<InitiativeScope>,
    pub year: Option<i32>,
}

/// Initiatives of units under `under` (a path prefix; None: all).
pub fn list(
    conn: &mut AnyConnection,
    under: Option<&str>,
    f: &InitiativeFilter,
    page: PageRequest,
) -> QueryResult<(Vec<Initiative>, i64)> {
    let query = || {
        let mut q = initiatives::table
            .inner_join(org_units::table)
            .select(Initiative::as_select())
            .into_boxed();
        if let Some(under) = under {
            q = q.filter(org_units::path.like(prefix_pattern(under)));
        }
        if let Some(text) = &f.q {
            q = q.filter(initiatives::title_search.like(contains_pattern(&fold(text))));
        }
        if let Some(scope) = f.scope {
            q = q.filter(initiatives::scope.eq(scope.as_str()));
        }
        if let Some((from, to)) = f.year.and_then(crate::domain::year_range) {
            q = q.filter(initiatives::recognised_on.between(from, to));
        }
        if let Some(author) = &f.author_id {
            q = q.filter(
                initiatives::id.eq_any(
                    initiative_authors::table
                        .filter(initiative_authors::staff_id.eq(author.clone()))
                        .select(initiative_authors::initiative_id),
                ),
            );
        }
        q
    };
    let total = query().count().get_result(conn)?;
    let items = query()
        .order((initiatives::recognised_on.desc(), initiatives::id.asc()))
        .limit(page.per_page)
        .offset(page.offset())
        .load(conn)?;
    Ok((items, total))
}

/// Checks that every author is a staff member under `unit_path`'s tree root scope the
/// caller gave (`visible`), and returns them sorted and without repeats.
fn check_authors(
    conn: &mut AnyConnection,
    ids: &[StaffId],
    visible: &dyn Fn(&str) -> bool,
) -> Result<Vec<StaffId>, Error> {
    let mut ids = ids.to_vec();
    ids.sort();
    ids.dedup();
    if ids.is_empty() {
        return Err(Error::invalid(
            "author_ids",
            "required",
            "an initiative has at least one author",
        ));
    }
    let found: Vec<(StaffId, String)> = staff::table
        .inner_join(org_units::table)
        .filter(staff::id.eq_any(&ids))
        .select((staff::id, org_units::path))
        .load(conn)?;
    for id in &ids {
        if !found.iter().any(|(s, path)| s == id && visible(path)) {
            return Err(Error::invalid(
                "author_ids",
                "not_found",
                format!("no staff member {id} visible to you"),
            ));
        }
    }
    Ok(ids)
}

fn write_authors(tx: &mut Tx<'_>, id: &str, authors: &[StaffId]) -> QueryResult<()> {
    diesel::delete(initiative_authors::table.filter(initiative_authors::initiative_id.eq(id)))
        .execute(tx.conn())?;
    for a in authors {
        diesel::insert_into(initiative_authors::table)
            .values((
                initiative_authors::initiative_id.eq(id),
                initiative_authors::staff_id.eq(a),
            ))
            .execute(tx.conn())?;
    }
    Ok(())
}

pub fn create(
    tx: &mut Tx<'_>,
    actor: &Actor,
    visible: &dyn Fn(&str) -> bool,
    f: InitiativeFields,
) -> Result<InitiativeDetail, Error> {
    let author_ids = check_authors(tx, &f.author_ids, visible)?;
    let at = now();
    let i = Initiative {
        id: new_id(),
        title_search: fold(&f.title),
        title: f.title,
        org_unit_id: f.org_unit_id,
        scope: f.scope,
        recognised_by: f.recognised_by,
        document_number: f.document_number,
        recognised_on: f.recognised_on,
        active: true,
        version: 1,
        created_at: at,
        updated_at: at,
    };
    diesel::insert_into(initiatives::table)
        .values((
            initiatives::id.eq(&i.id),
            initiatives::title.eq(&i.title),
            initiatives::title_search.eq(&i.title_search),
            initiatives::org_unit_id.eq(&i.org_unit_id),
            initiatives::scope.eq(i.scope.as_str()),
            initiatives::recognised_by.eq(&i.recognised_by),
            initiatives::document_number.eq(&i.document_number),
            initiatives::recognised_on.eq(i.recognised_on),
            initiatives::active.eq(true),
            initiatives::version.eq(1),
            initiatives::created_at.eq(at),
            initiatives::updated_at.eq(at),
        ))
        .execute(tx.conn())?;
    write_authors(tx, &i.id, &author_ids)?;
    let d = InitiativeDetail {
        initiative: i,
        author_ids,
    };
    audit::record_change(
        tx,
        actor,
        ChangeAction::Created,
        Resource {
            kind: ResourceKind::Initiative,
            id: d.initiative.id.as_str(),
            version: 1,
        },
        None,
        Some(&d),
    )?;
    Ok(d)
}

pub fn update(
    tx: &mut Tx<'_>,
    actor: &Actor,
    current: InitiativeDetail,
    expected_version: i64,
    visible: &dyn Fn(&str) -> bool,
    f: InitiativeFields,
) -> Result<InitiativeDetail, Error> {
    let author_ids = if f.author_ids == current.author_ids {
        f.author_ids.clone()
    } else {
        check_authors(tx, &f.author_ids, visible)?
    };
    let initiative: Initiative = diesel::update(
        initiatives::table
            .filter(initiatives::id.eq(&current.initiative.id))
            .filter(initiatives::version.eq(expected_version)),
    )
    .set((
        initiatives::title.eq(&f.title),
        initiatives::title_search.eq(fold(&f.title)),
        initiatives::scope.eq(f.scope.as_str()),
        initiatives::recognised_by.eq(&f.recognised_by),
        initiatives::document_number.eq(&f.document_number),
        initiatives::recognised_on.eq(f.recognised_on),
        initiatives::active.eq(f.active),
        initiatives::version.eq(expected_version + 1),
        initiatives::updated_at.eq(now()),
    ))
    .returning(initiatives::all_columns)
    .get_result(tx.conn())
    .map_err(changed_meanwhile)?;
    write_authors(tx, &initiative.id, &author_ids)?;
    let d = InitiativeDetail {
        initiative,
        author_ids,
    };
    audit::record_change(
        tx,
        actor,
        if d.initiative.active {
            ChangeAction::Updated
        } else {
            ChangeAction::Archived
        },
        Resource {
            kind: ResourceKind::Initiative,
            id: d.initiative.id.as_str(),
            version: d.initiative.version,
        },
        Some(&current),
        Some(&d),
    )?;
    Ok(d)
}

/// The active initiatives a staff member wrote, recognised on or before `until`.
pub fn of_author(
    conn: &mut AnyConnection,
    staff_id: &StaffId,
    until: NaiveDate,
) -> QueryResult<Vec<Initiative>> {
    initiatives::table
        .inner_join(initiative_authors::table)
        .filter(initiative_authors::staff_id.eq(staff_id))
        .filter(initiatives::active.eq(true))
        .filter(initiatives::recognised_on.le(until))
        .select(Initiative::as_select())
        .order(initiatives::recognised_on.desc())
        .load(conn)
}

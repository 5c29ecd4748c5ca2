//! Blocs (khối, cụm thi đua): org units that emulate together and are ranked against each
//! other. A bloc belongs to the unit whose officers keep it; its members lie below that unit.

use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{bloc_members, blocs, org_units};
use crate::db::{AnyConnection, Tx, contains_pattern, prefix_pattern};
use crate::domain::Error;
use crate::domain::audit::{self, ChangeAction, Resource, ResourceKind};
use crate::domain::scoring::{self, SubjectRow};
use crate::domain::{Actor, PageRequest, changed_meanwhile, ensure_version, new_id, now};
use crate::ids::OrgUnitId;
use crate::text::{fold, sort_key};

/// The tie rule, as the ranking states it to its readers.
pub const TIE_RULE: &str = "Ranked by total points, highest first; equal totals are split by \
the number of criteria whose target is reached, more first; units still equal share a rank \
(1, 2, 2, 4) and are listed in Vietnamese alphabetical order.";

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = blocs)]
pub struct Bloc {
    pub id: String,
    pub name: String,
    #[serde(skip)]
    pub search_text: String,
    #[serde(skip)]
    pub name_sort: String,
    pub description: Option<String>,
    pub owner_id: OrgUnitId,
    pub active: bool,
    pub version: i64,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

/// A bloc with its members, as stored and audited.
#[derive(Debug, Clone, Serialize)]
pub struct BlocDetail {
    pub bloc: Bloc,
    pub member_ids: Vec<OrgUnitId>,
}

#[derive(Debug, Clone)]
pub struct BlocFields {
    pub name: String,
    pub description: Option<String>,
    pub owner_id: OrgUnitId,
    pub member_ids: Vec<OrgUnitId>,
    pub active: bool,
}

/// A bloc with the path of its owner unit, which decides who sees and keeps it.
pub fn find(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<(Bloc, String)>> {
    blocs::table
        .inner_join(org_units::table)
        .filter(blocs::id.eq(id))
        .select((Bloc::as_select(), org_units::path))
        .first(conn)
        .optional()
}

pub fn members(conn: &mut AnyConnection, bloc_id: &str) -> QueryResult<Vec<OrgUnitId>> {
    bloc_members::table
        .inner_join(org_units::table)
        .filter(bloc_members::bloc_id.eq(bloc_id))
        .order((org_units::name_sort, org_units::id))
        .select(bloc_members::org_unit_id)
        .load(conn)
}

pub fn detail(conn: &mut AnyConnection, bloc: Bloc) -> QueryResult<BlocDetail> {
    let member_ids = members(conn, &bloc.id)?;
    Ok(BlocDetail { bloc, member_ids })
}

/// Members are distinct active units strictly below the owner. Those already members
/// (`kept`) are not checked again: a unit archived since stays until someone removes it.
fn check_members(
    conn: &mut AnyConnection,
    owner_path: &str,
    ids: &[OrgUnitId],
    kept: &[OrgUnitId],
) -> Result<(), Error> {
    for (i, id) in ids.iter().enumerate() {
        let field = format!("member_ids[{i}]");
        if ids[..i].contains(id) {
            return Err(Error::invalid(&field, "duplicate", "listed twice"));
        }
        if kept.contains(id) {
            continue;
        }
        let unit: Option<(String, bool)> = org_units::table
            .find(id)
            .select((org_units::path, org_units::active))
            .get_result(conn)
            .optional()?;
        match unit {
            Some((path, true)) if path.starts_with(owner_path) && path != owner_path => {}
            Some((_, false)) => {
                return Err(Error::invalid(&field, "archived", "the unit is archived"));
            }
            _ => {
                return Err(Error::invalid(
                    &field,
                    "not_found",
                    "no such unit below the bloc's owner",
                ));
            }
        }
    }
    Ok(())
}

fn write_members(tx: &mut Tx<'_>, bloc_id: &str, ids: &[OrgUnitId]) -> QueryResult<()> {
    diesel::delete(bloc_members::table.filter(bloc_members::bloc_id.eq(bloc_id)))
        .execute(tx.conn())?;
    for id in ids {
        diesel::insert_into(bloc_members::table)
            .values((
                bloc_members::bloc_id.eq(bloc_id),
                bloc_members::org_unit_id.eq(id),
            ))
            .execute(tx.conn())?;
    }
    Ok(())
}

pub fn create(
    tx: &mut Tx<'_>,
    actor: &Actor,
    owner_path: &str,
    f: BlocFields,
) -> Result<BlocDetail, Error> {
    check_members(tx, owner_path, &f.member_ids, &[])?;
    let at = now();
    let bloc: Bloc = diesel::insert_into(blocs::table)
        .values((
            blocs::id.eq(new_id()),
            blocs::search_text.eq(fold(&f.name)),
            blocs::name_sort.eq(sort_key(&f.name)),
            blocs::name.eq(&f.name),
            blocs::description.eq(&f.description),
            blocs::owner_id.eq(&f.owner_id),
            blocs::active.eq(true),
            blocs::version.eq(1),
            blocs::created_at.eq(at),
            blocs::updated_at.eq(at),
        ))
        .returning(blocs::all_columns)
        .get_result(tx.conn())?;
    write_members(tx, &bloc.id, &f.member_ids)?;
    let detail = detail(tx, bloc)?;
    let resource = Resource {
        kind: ResourceKind::Bloc,
        id: detail.bloc.id.as_str(),
        version: detail.bloc.version,
    };
    audit::record_change(
        tx,
        actor,
        ChangeAction::Created,
        resource,
        None,
        Some(&detail),
    )?;
    Ok(detail)
}

/// Replaces a bloc's fields and members (the owner stays).
pub fn update(
    tx: &mut Tx<'_>,
    actor: &Actor,
    current: BlocDetail,
    owner_path: &str,
    expected_version: i64,
    f: BlocFields,
) -> Result<BlocDetail, Error> {
    ensure_version(current.bloc.version, expected_version)?;
    check_members(tx, owner_path, &f.member_ids, &current.member_ids)?;
    let bloc: Bloc = diesel::update(
        blocs::table
            .find(&current.bloc.id)
            .filter(blocs::version.eq(current.bloc.version)),
    )
    .set((
        blocs::search_text.eq(fold(&f.name)),
        blocs::name_sort.eq(sort_key(&f.name)),
        blocs::name.eq(&f.name),
        blocs::description.eq(&f.description),
        blocs::active.eq(f.active),
        blocs::version.eq(current.bloc.version + 1),
        blocs::updated_at.eq(now()),
    ))
    .returning(blocs::all_columns)
    .get_result(tx.conn())
    .map_err(changed_meanwhile)?;
    write_members(tx, &bloc.id, &f.member_ids)?;
    let detail = detail(tx, bloc)?;
    let action = if current.bloc.active && !detail.bloc.active {
        ChangeAction::Archived
    } else {
        ChangeAction::Updated
    };
    let resource = Resource {
        kind: ResourceKind::Bloc,
        id: detail.bloc.id.as_str(),
        version: detail.bloc.version,
    };
    audit::record_change(tx, actor, action, resource, Some(&current), Some(&detail))?;
    Ok(detail)
}

#[derive(Debug, Clone, Default)]
pub struct BlocFilter {
    pub q: Option<String>,
    pub active: Option<bool>,
    pub member_id: Option<OrgUnitId>,
    pub updated_since: Option<chrono::NaiveDateTime>,
}

/// Blocs whose owner the caller sees (its subtree, or above it), by name.
pub fn list(
    conn: &mut AnyConnection,
    scope: &crate::domain::access::Scope,
    filter: &BlocFilter,
    page: PageRequest,
) -> QueryResult<(Vec<Bloc>, i64)> {
    use crate::domain::access::Scope;
    let query = || {
        let mut q = blocs::table.inner_join(org_units::table).into_boxed();
        q = match scope {
            Scope::All => q,
            // The owner is in the subtree, or above it (the path is a prefix of the scope's).
            Scope::Subtree(prefix) => q.filter(
                org_units::path.like(prefix_pattern(prefix)).or(prefix
                    .clone()
                    .into_sql::<diesel::sql_types::Text>()
                    .like(org_units::path.concat("%"))),
            ),
            Scope::Nothing => q.filter(blocs::id.is_null()),
        };
        if let Some(text) = filter.q.as_deref().map(fold).filter(|t| !t.is_empty()) {
            q = q.filter(
                blocs::search_text
                    .like(contains_pattern(&text))
                    .escape('\\'),
            );
        }
        if let Some(active) = filter.active {
            q = q.filter(blocs::active.eq(active));
        }
        if let Some(member) = &filter.member_id {
            q = q.filter(
                blocs::id.eq_any(
                    bloc_members::table
                        .filter(bloc_members::org_unit_id.eq(member.clone()))
                        .select(bloc_members::bloc_id),
                ),
            );
        }
        if let Some(since) = filter.updated_since {
            q = q.filter(blocs::updated_at.ge(since));
        }
        q
    };
    let total = query().count().get_result(conn)?;
    let items = query()
        .order((blocs::name_sort, blocs::id))
        .offset(page.offset())
        .limit(page.per_page)
        .select(Bloc::as_select())
        .load(conn)?;
    Ok((items, total))
}

/// One unit's place in a bloc's ranking.
#[derive(Debug, Clone)]
pub struct RankedUnit {
    pub rank: usize,
    pub org_unit_id: OrgUnitId,
    pub name: String,
    pub total_points: f64,
    /// Criteria whose target is reached (the first tie-breaker).
    pub achieved: i64,
    pub registered: bool,
}

/// Orders a bloc's board under the tie rule and gives each unit its rank.
pub fn rank(mut rows: Vec<SubjectRow>) -> Vec<RankedUnit> {
    // The board comes in Vietnamese name order; a stable sort keeps it among equals.
    rows.sort_by(|a, b| {
        b.total_points
            .total_cmp(&a.total_points)
            .then(b.achieved.cmp(&a.achieved))
    });
    let ranks = scoring::competition_ranks(&rows, |a, b| {
        a.total_points == b.total_points && a.achieved == b.achieved
    });
    rows.into_iter()
        .zip(ranks)
        .map(|(r, rank)| RankedUnit {
            rank,
            org_unit_id: r.org_unit_id,
            name: r.name,
            total_points: r.total_points,
            achieved: r.achieved,
            registered: r.registered,
        })
        .collect()
}

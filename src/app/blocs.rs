//! Blocs (khối, cụm thi đua): units that emulate together, kept by the officers of their
//! owner unit, and their ranking in a plan's year.

use crate::db::{AnyConnection, Tx};
use crate::domain::access::Principal;
use crate::domain::blocs::{self, Bloc, BlocDetail, BlocFields, BlocFilter, RankedUnit};
use crate::domain::criteria::CriterionSubject;
use crate::domain::org_units::referenced_unit;
use crate::domain::plans::visible_plan;
use crate::domain::scoring::{self, SubjectSet};
use crate::domain::subjects::Seen;
use crate::domain::{Actor, Error, PageRequest, policy};
use crate::ids::{OrgUnitId, PlanId};

/// A new bloc under an owner unit.
pub struct NewBloc {
    pub name: String,
    pub description: Option<String>,
    pub owner_id: OrgUnitId,
    pub member_ids: Vec<OrgUnitId>,
}

/// A bloc's changes: each field left out (`None`) stays; `Some(None)` clears it.
#[derive(Default)]
pub struct BlocChanges {
    pub name: Option<String>,
    pub description: Option<Option<String>>,
    pub member_ids: Option<Vec<OrgUnitId>>,
    pub active: Option<bool>,
}

/// A bloc's ranking in a plan's year.
pub struct RankingDetail {
    pub bloc_id: String,
    pub plan_id: PlanId,
    pub items: Vec<RankedUnit>,
}

/// A page of the blocs whose owner the caller sees.
pub fn list(
    conn: &mut AnyConnection,
    who: &Principal,
    filter: BlocFilter,
    page: PageRequest,
) -> Result<(Vec<Bloc>, i64), Error> {
    Ok(blocs::list(conn, &who.scope, &filter, page)?)
}

/// Make a bloc, by an officer of the owner's subtree.
pub fn create(
    tx: &mut Tx<'_>,
    who: &Principal,
    actor: &Actor,
    new: NewBloc,
) -> Result<BlocDetail, Error> {
    let owner = referenced_unit(tx, who, &new.owner_id, "owner_id")?;
    policy::ensure(policy::can_edit_bloc(who, &owner.path))?;
    let fields = BlocFields {
        name: new.name.trim().to_string(),
        description: new.description,
        owner_id: owner.id.clone(),
        member_ids: new.member_ids,
        active: true,
    };
    blocs::create(tx, actor, &owner.path, fields)
}

/// A bloc the caller sees, with its members.
pub fn get(conn: &mut AnyConnection, who: &Principal, id: &str) -> Result<BlocDetail, Error> {
    let (b, _) = visible(conn, who, id)?;
    Ok(blocs::detail(conn, b)?)
}

/// Change a bloc, by an officer of the owner's subtree.
pub fn update(
    tx: &mut Tx<'_>,
    who: &Principal,
    actor: &Actor,
    id: &str,
    version: i64,
    changes: BlocChanges,
) -> Result<BlocDetail, Error> {
    let (b, owner_path) = visible(tx, who, id)?;
    policy::ensure(policy::can_edit_bloc(who, &owner_path))?;
    let current = blocs::detail(tx, b)?;
    let fields = BlocFields {
        name: changes
            .name
            .map(|n| n.trim().to_string())
            .unwrap_or_else(|| current.bloc.name.clone()),
        description: changes
            .description
            .unwrap_or_else(|| current.bloc.description.clone()),
        owner_id: current.bloc.owner_id.clone(),
        member_ids: changes
            .member_ids
            .unwrap_or_else(|| current.member_ids.clone()),
        active: changes.active.unwrap_or(current.bloc.active),
    };
    blocs::update(tx, actor, current, &owner_path, version, fields)
}

/// The ranking of a bloc's members in a plan's year, for a caller who reads its figures.
pub fn ranking(
    conn: &mut AnyConnection,
    who: &Principal,
    id: &str,
    plan_id: &PlanId,
    year: i32,
) -> Result<RankingDetail, Error> {
    let (b, owner_path) = visible(conn, who, id)?;
    policy::ensure(policy::can_read_ranking(who, &owner_path))?;
    let (plan, issuer_path) = visible_plan(conn, who, plan_id)
        .map_err(|_| Error::invalid("plan", "not_found", "no such plan visible to you"))?;
    let set = SubjectSet {
        kind: CriterionSubject::Collective,
        // A ranking compares whole units: everyone who sees the bloc sees its table.
        seen: Seen::All,
        under_path: None,
        units: blocs::members(conn, &b.id)?,
        only_these: true,
    };
    let rows = scoring::board(
        conn,
        &plan.id,
        &issuer_path,
        year,
        &set,
        crate::domain::today(),
    )?;
    Ok(RankingDetail {
        bloc_id: b.id,
        plan_id: plan.id,
        items: blocs::rank(rows),
    })
}

/// A bloc the caller sees (404 otherwise), with its owner's path.
fn visible(conn: &mut AnyConnection, who: &Principal, id: &str) -> Result<(Bloc, String), Error> {
    let (b, path) = blocs::find(conn, id)?.ok_or_else(|| Error::not_found("bloc"))?;
    policy::ensure_visible(policy::can_read_bloc(who, &path), "bloc")?;
    Ok((b, path))
}

//! Scores, progress and the stale list of a plan's year, computed from the data on every
//! request (see `domain::scoring` for the rules).

use crate::db::AnyConnection;
use crate::domain::access::Principal;
use crate::domain::criteria::CriterionSubject;
use crate::domain::org_units;
use crate::domain::plans::{self, Plan, visible_plan};
use crate::domain::scoring::{self, SubjectRow, SubjectSet};
use crate::domain::subjects::Seen;
use crate::domain::{Error, policy};
use crate::ids::{OrgUnitId, PlanId};

/// A unit's progress in a plan's year: its own row and the rows of the units it covers.
pub struct UnitProgressDetail {
    pub plan: Plan,
    pub unit: SubjectRow,
    pub rows: Vec<SubjectRow>,
}

/// The board of a plan the caller sees for a year: one row per subject of `kind` the
/// caller reads, optionally under a unit in the caller's scope.
pub fn board(
    conn: &mut AnyConnection,
    who: &Principal,
    plan_id: &PlanId,
    year: i32,
    kind: CriterionSubject,
    under_unit: Option<&OrgUnitId>,
) -> Result<(Plan, Vec<SubjectRow>), Error> {
    let (plan, issuer_path) = visible_plan(conn, who, plan_id)?;
    let under_path = match under_unit {
        Some(id) => Some(
            org_units::find(conn, id)?
                .filter(|u| policy::can_read_org_unit(who, &u.path))
                .ok_or_else(|| {
                    Error::invalid("org_unit_id", "not_found", "no such org unit in your scope")
                })?
                .path,
        ),
        None => None,
    };
    let set = SubjectSet {
        kind,
        seen: Seen::from(policy::staff_visibility(who)),
        under_path,
        units: Vec::new(),
        only_these: false,
    };
    let rows = scoring::board(
        conn,
        &plan.id,
        &issuer_path,
        year,
        &set,
        crate::domain::today(),
    )?;
    Ok((plan, rows))
}

/// The rows of both the units and the staff the caller reads, for the stale list.
pub fn stale(
    conn: &mut AnyConnection,
    who: &Principal,
    plan_id: &PlanId,
    year: i32,
    under_unit: Option<&OrgUnitId>,
) -> Result<(Plan, Vec<SubjectRow>), Error> {
    let (plan, mut rows) = board(
        conn,
        who,
        plan_id,
        year,
        CriterionSubject::Collective,
        under_unit,
    )?;
    let (_, people) = board(
        conn,
        who,
        &plan.id,
        year,
        CriterionSubject::Individual,
        under_unit,
    )?;
    rows.extend(people);
    Ok((plan, rows))
}

/// A unit's progress in a plan that reaches it, for a caller who reads its figures.
pub fn unit_progress(
    conn: &mut AnyConnection,
    who: &Principal,
    unit_id: &OrgUnitId,
    plan_id: &PlanId,
    year: i32,
) -> Result<UnitProgressDetail, Error> {
    let unit = org_units::find(conn, unit_id)?
        .filter(|u| policy::can_read_org_unit(who, &u.path))
        .ok_or_else(|| Error::not_found("org unit"))?;
    let (plan, issuer_path) = visible_plan(conn, who, plan_id)
        .map_err(|_| Error::invalid("plan", "not_found", "no such plan visible to you"))?;
    if !plans::reaches(&issuer_path, &unit.path) {
        return Err(Error::invalid(
            "plan",
            "outside_plan",
            "the plan does not reach this unit",
        ));
    }
    let set = SubjectSet {
        kind: CriterionSubject::Collective,
        seen: Seen::from(policy::staff_visibility(who)),
        under_path: Some(unit.path.clone()),
        units: vec![unit.id.clone()],
        only_these: false,
    };
    let rows = scoring::board(
        conn,
        &plan.id,
        &issuer_path,
        year,
        &set,
        crate::domain::today(),
    )?;
    let own = rows
        .iter()
        .find(|r| r.org_unit_id == unit.id)
        .cloned()
        // A member sees no unit rows: the unit is shown to them without figures.
        .ok_or_else(Error::forbidden)?;
    Ok(UnitProgressDetail {
        plan,
        unit: own,
        rows,
    })
}

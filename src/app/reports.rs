//! Reports (báo cáo): what each report is about, loaded and authorised, and its figures with
//! the names and place its Word draft needs — the yearly report of a plan over a unit
//! subtree, the province-wide roll-up, and the draft of an award decision.
//!
//! Each report is two calls on one snapshot: `*_subject` loads what the report is about and
//! checks the caller may read it (the API names the report's ETag from it, and answers a
//! 304 or a kept rendering without computing anything more); `*_figures` computes the
//! figures from that subject. Formats, ETags and rendering are the API's.

use chrono::NaiveDate;

use crate::db::AnyConnection;
use crate::domain::access::{Principal, Scope};
use crate::domain::decisions::{self, AwardView, Decision, GrantStatus};
use crate::domain::org_units::{self, OrgUnit};
use crate::domain::plans::{Plan, visible_plan};
use crate::domain::reports::{self, UnitLine, UnitTotals, YearlyFigures};
use crate::domain::subjects::Seen;
use crate::domain::{Error, policy};
use crate::ids::{DecisionId, OrgUnitId, PlanId};

/// What a report's Word draft needs beside the figures.
#[derive(Debug, Default)]
pub struct DocContext {
    pub issuer_name: String,
    pub parent_name: Option<String>,
    pub place: String,
    pub report_to: Option<String>,
}

// Helpers ---------------------------------------------------------------------------------

/// The subtree a report covers: the unit asked for (404 when hidden), else the caller's
/// scope root — or `preferred` (a plan's issuer) when that lies within it. None: the whole
/// tree (admins).
fn report_unit(
    conn: &mut AnyConnection,
    principal: &Principal,
    unit_id: Option<&OrgUnitId>,
    preferred: Option<&OrgUnitId>,
) -> Result<Option<OrgUnit>, Error> {
    let find = |conn: &mut AnyConnection, id: &OrgUnitId| -> Result<OrgUnit, Error> {
        org_units::find(conn, id)?
            .filter(|u| policy::can_read_org_unit(principal, &u.path))
            .ok_or_else(|| Error::not_found("org unit"))
    };
    if let Some(id) = unit_id {
        return find(conn, id).map(Some);
    }
    if let Some(id) = preferred {
        let unit = org_units::find(conn, id)?.ok_or_else(|| Error::not_found("org unit"))?;
        if principal.scope.contains(&unit.path) {
            return Ok(Some(unit));
        }
    }
    match (&principal.scope, &principal.org_unit_id) {
        (Scope::All, _) => Ok(None),
        (Scope::Subtree(_), Some(id)) => find(conn, id).map(Some),
        _ => Err(Error::forbidden()),
    }
}

/// The place name of a date line: the tree's root (the province) without its body's words.
fn place_of(conn: &mut AnyConnection, path: &str) -> Result<String, Error> {
    let root = path.split('/').find(|s| !s.is_empty()).unwrap_or_default();
    let name = org_units::find(conn, &OrgUnitId::from(root))?
        .map(|u| u.name)
        .unwrap_or_default();
    Ok(place_name(&name))
}

/// "Ủy ban nhân dân tỉnh Nghệ An" → "Nghệ An".
fn place_name(body: &str) -> String {
    let lower = body.to_lowercase();
    if lower.len() != body.len() {
        return body.to_string();
    }
    for marker in ["tỉnh ", "thành phố "] {
        if let Some(i) = lower.rfind(marker) {
            // Byte offsets agree: the lowercase has the same length.
            let rest = body.get(i + marker.len()..).unwrap_or_default();
            if !rest.trim().is_empty() {
                return rest.trim().to_string();
            }
        }
    }
    body.to_string()
}

fn parent_name(conn: &mut AnyConnection, unit: &OrgUnit) -> Result<Option<String>, Error> {
    Ok(match &unit.parent_id {
        Some(id) => org_units::find(conn, id)?.map(|u| u.name),
        None => None,
    })
}

// The yearly report ---------------------------------------------------------------------------

/// What a yearly report is about: a plan the caller sees, its issuer's path, and the unit
/// whose subtree is reported on.
pub struct YearlySubject {
    pub plan: Plan,
    pub issuer_path: String,
    pub unit: OrgUnit,
}

/// The plan (404 when hidden) and the subtree of a yearly report: the unit asked for (404
/// when hidden), else the plan's issuer when it lies within the caller's scope, else the
/// caller's scope root (the issuer for admins); 403 unless the caller reads that subtree's
/// reports.
pub fn yearly_subject(
    conn: &mut AnyConnection,
    who: &Principal,
    plan_id: &PlanId,
    unit_id: Option<&OrgUnitId>,
) -> Result<YearlySubject, Error> {
    let (plan, issuer_path) = visible_plan(conn, who, plan_id)?;
    let unit = report_unit(conn, who, unit_id, Some(&plan.issuer_id))?.map_or_else(
        || org_units::find(conn, &plan.issuer_id)?.ok_or_else(|| Error::not_found("org unit")),
        Ok,
    )?;
    policy::ensure(policy::can_read_reports(who, &unit.path))?;
    Ok(YearlySubject {
        plan,
        issuer_path,
        unit,
    })
}

/// The figures of a yearly report as the caller sees them, with statuses judged as of
/// `today`, and what its Word draft needs.
pub fn yearly_figures(
    conn: &mut AnyConnection,
    who: &Principal,
    subject: &YearlySubject,
    year: i32,
    today: NaiveDate,
) -> Result<(YearlyFigures, DocContext), Error> {
    let YearlySubject {
        plan,
        issuer_path,
        unit,
    } = subject;
    let figures = reports::yearly(
        conn,
        plan,
        issuer_path,
        &unit.path,
        year,
        Seen::from(policy::staff_visibility(who)),
        today,
    )?;
    let context = DocContext {
        issuer_name: unit.name.clone(),
        parent_name: parent_name(conn, unit)?,
        place: place_of(conn, &unit.path)?,
        report_to: plan.report_to.clone(),
    };
    Ok((figures, context))
}

// The province-wide roll-up ---------------------------------------------------------------

/// What a roll-up is about: its root unit (none for the whole tree) and that root's path.
pub struct ProvinceSubject {
    pub root: Option<OrgUnit>,
    /// `/` for the whole tree.
    pub root_path: String,
}

/// The root of a roll-up: the unit asked for (404 when hidden), else the caller's scope
/// root (the whole tree for admins); 403 unless the caller reads its reports.
pub fn province_subject(
    conn: &mut AnyConnection,
    who: &Principal,
    unit_id: Option<&OrgUnitId>,
) -> Result<ProvinceSubject, Error> {
    let root = report_unit(conn, who, unit_id, None)?;
    let root_path = root.as_ref().map_or("/".to_string(), |u| u.path.clone());
    policy::ensure(policy::can_read_reports(who, &root_path))?;
    Ok(ProvinceSubject { root, root_path })
}

/// The figures of a roll-up and what its Word draft needs.
pub struct ProvinceFigures {
    /// A line per unit directly below the root (the tree's roots for the whole tree).
    pub units: Vec<UnitLine>,
    /// Across the root's whole subtree.
    pub total: UnitTotals,
    pub context: DocContext,
}

/// The roll-up of a year below a root, across the plans the caller reads, as the caller
/// sees it, with statuses judged as of `today`.
pub fn province_figures(
    conn: &mut AnyConnection,
    who: &Principal,
    subject: &ProvinceSubject,
    year: i32,
    today: NaiveDate,
) -> Result<ProvinceFigures, Error> {
    let ProvinceSubject { root, root_path } = subject;
    let units = reports::units_below(conn, root.as_ref().map(|u| &u.id))?;
    let (lines, total) = reports::province(
        conn,
        root_path,
        &units,
        year,
        Seen::from(policy::staff_visibility(who)),
        |issuer_path| policy::can_read_plan(who, issuer_path),
        today,
    )?;
    let context = match root {
        Some(u) => DocContext {
            issuer_name: u.name.clone(),
            parent_name: parent_name(conn, u)?,
            place: place_of(conn, &u.path)?,
            report_to: None,
        },
        None => DocContext {
            issuer_name: units.first().map(|u| u.name.clone()).unwrap_or_default(),
            parent_name: None,
            place: units
                .first()
                .map(|u| place_name(&u.name))
                .unwrap_or_default(),
            report_to: None,
        },
    };
    Ok(ProvinceFigures {
        units: lines,
        total,
        context,
    })
}

// The decision's Word draft -----------------------------------------------------------------

/// What a decision's draft is about: the decision, its issuing unit's path, and the place
/// name of its date line.
pub struct DecisionSubject {
    pub decision: Decision,
    pub path: String,
    pub place: String,
}

/// A decision the caller sees (404 otherwise) and drafts (403 otherwise), not revoked (409),
/// with the place of its date line: `place` when given, else the issuing unit's province.
pub fn decision_subject(
    conn: &mut AnyConnection,
    who: &Principal,
    id: &DecisionId,
    place: Option<String>,
) -> Result<DecisionSubject, Error> {
    let (decision, path) =
        decisions::find(conn, id)?.ok_or_else(|| Error::not_found("decision"))?;
    policy::ensure_visible(policy::can_read_council(who, &path), "decision")?;
    policy::ensure(policy::can_draft_decision(who, &path))?;
    if decision.status == GrantStatus::Revoked {
        return Err(Error::conflict(
            "decision_revoked",
            "The decision is revoked; there is no draft to sign.",
        ));
    }
    let place = match place {
        Some(p) => p,
        None => place_of(conn, &path)?,
    };
    Ok(DecisionSubject {
        decision,
        path,
        place,
    })
}

/// What a decision's draft is written from.
pub struct DecisionContent {
    /// The issuing unit, and the name of the unit above it.
    pub unit: OrgUnit,
    pub parent_name: Option<String>,
    /// Every award it grants.
    pub awards: Vec<AwardView>,
    /// The legal bases in force on the decision date.
    pub bases: Vec<String>,
    /// The name of each awardee's unit, by id.
    pub unit_names: Vec<(OrgUnitId, String)>,
}

/// The issuing unit, awards, legal bases and awardees' unit names of a decision's draft.
pub fn decision_content(
    conn: &mut AnyConnection,
    subject: &DecisionSubject,
) -> Result<DecisionContent, Error> {
    let d = &subject.decision;
    let unit =
        org_units::find(conn, &d.org_unit_id)?.ok_or_else(|| Error::not_found("org unit"))?;
    let awards = decisions::decision_awards(conn, &d.id)?;
    let bases = reports::legal_bases(conn, &subject.path, d.decided_on)?;
    let mut unit_names: Vec<(OrgUnitId, String)> = Vec::new();
    for a in &awards {
        if !unit_names.iter().any(|u| u.0 == a.award.subject_unit_id) {
            let name = org_units::find(conn, &a.award.subject_unit_id)?
                .map(|u| u.name)
                .unwrap_or_default();
            unit_names.push((a.award.subject_unit_id.clone(), name));
        }
    }
    let parent_name = parent_name(conn, &unit)?;
    Ok(DecisionContent {
        unit,
        parent_name,
        awards,
        bases,
        unit_names,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_are_read_from_names() {
        assert_eq!(place_name("Ủy ban nhân dân tỉnh Nghệ An"), "Nghệ An");
        assert_eq!(place_name("UBND thành phố Hà Nội"), "Hà Nội");
        assert_eq!(place_name("Bộ Nội vụ"), "Bộ Nội vụ");
    }
}

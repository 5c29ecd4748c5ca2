//! The figures of the reports (báo cáo): the yearly report of a plan's implementation over a
//! unit subtree, and the province-wide roll-up. Every figure is computed from the data on
//! request — achievement by the scoring board (`domain::scoring`), counts by `GROUP BY` —
//! so the same data always gives the same report.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use diesel::dsl::{count, count_star, sql};
use diesel::prelude::*;
use diesel::sql_types::BigInt;

use crate::db::AnyConnection;
use crate::db::prefix_pattern;
use crate::db::schema::{
    award_decisions, award_types, awards, criteria, evidence, learning_records, nominations,
    org_units, plans as plans_t, registrations, staff,
};
use crate::domain::award_types::{AwardKind, AwardLevel};
use crate::domain::criteria::CriterionSubject;
use crate::domain::decisions::GrantStatus;
use crate::domain::evidence::EvidenceStatus;
use crate::domain::nominations::NominationStatus;
use crate::domain::org_units::OrgUnit;
use crate::domain::plans::Plan;
use crate::domain::registrations::RegistrationStatus;
use crate::domain::scoring::{self, CriterionRollup, EvidenceCounts, SubjectRow, SubjectSet};
use crate::domain::subjects::Seen;
use crate::domain::year_range;
use crate::ids::{OrgUnitId, PlanId};

/// Registrations of one kind of subject in one status.
#[derive(Debug, Clone, PartialEq)]
pub struct RegistrationCount {
    pub subject: CriterionSubject,
    pub status: RegistrationStatus,
    pub count: i64,
}

/// A unit's staff and how many of them completed Bình dân học vụ số courses in the year.
#[derive(Debug, Clone)]
pub struct LearningLine {
    pub org_unit_id: OrgUnitId,
    pub name: String,
    /// Active staff of the unit itself (not its subtree).
    pub headcount: i64,
    /// Staff with at least one learning record completed in the year.
    pub staff_trained: i64,
    /// Learning records completed in the year.
    pub records: i64,
    pub path: String,
    pub name_sort: String,
}

/// Nominations or awards of one award type (and, for nominations, one status).
#[derive(Debug, Clone)]
pub struct AwardTypeCount {
    pub award_type_code: String,
    pub award_type_name: String,
    pub kind: AwardKind,
    pub level: AwardLevel,
    /// For nominations: where they stand.
    pub status: Option<NominationStatus>,
    pub count: i64,
    /// For awards: the cash granted with them, VND.
    pub cash_amount: Option<i64>,
    pub rank: i32,
}

/// The figures of a plan's year over a unit subtree.
#[derive(Debug, Clone)]
pub struct YearlyFigures {
    /// The units on the board: registered, or reporting evidence (theirs or their staff's).
    pub units: Vec<SubjectRow>,
    pub rollup: Vec<CriterionRollup>,
    pub registrations: Vec<RegistrationCount>,
    pub evidence: EvidenceCounts,
    pub learning: Vec<LearningLine>,
    pub nominations: Vec<AwardTypeCount>,
    pub awards: Vec<AwardTypeCount>,
}

/// Computes the yearly report of a plan over the subtree at `under` (the plan's reach within
/// it), as seen by `seen`.
pub fn yearly(
    conn: &mut AnyConnection,
    plan: &Plan,
    issuer_path: &str,
    under: &str,
    year: i32,
    seen: Seen,
    today: NaiveDate,
) -> QueryResult<YearlyFigures> {
    let set = SubjectSet {
        kind: CriterionSubject::Collective,
        seen,
        under_path: Some(under.to_string()),
        units: Vec::new(),
        only_these: false,
    };
    let (units, evidence_by_unit) =
        scoring::board_with_evidence(conn, &plan.id, issuer_path, year, &set, today)?;
    // The plan reaches only below its issuer: a subtree above it is read as the issuer's.
    let reach = deeper(under, issuer_path);
    let in_reach: HashSet<String> = org_units::table
        .filter(org_units::path.like(prefix_pattern(reach)))
        .select(org_units::id)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    let evidence = evidence_by_unit
        .into_iter()
        .filter(|(unit, _)| in_reach.contains(unit))
        .fold(EvidenceCounts::default(), |mut sum, (_, counts)| {
            sum += &counts;
            sum
        });
    Ok(YearlyFigures {
        rollup: scoring::rollup(&units),
        units,
        registrations: registration_counts(conn, &plan.id, year, reach)?,
        evidence,
        learning: learning_by_unit(conn, Some(&plan.id), year, reach)?,
        nominations: nomination_counts(conn, year, reach)?,
        awards: award_counts(conn, year, reach)?,
    })
}

/// Of two paths on one branch, the one further down.
fn deeper<'a>(a: &'a str, b: &'a str) -> &'a str {
    if a.len() >= b.len() { a } else { b }
}

/// Active and withdrawn registrations by kind of subject.
pub fn registration_counts(
    conn: &mut AnyConnection,
    plan_id: &PlanId,
    year: i32,
    under: &str,
) -> QueryResult<Vec<RegistrationCount>> {
    let rows: Vec<(String, String, i64)> = registrations::table
        .inner_join(org_units::table)
        .filter(registrations::plan_id.eq(plan_id))
        .filter(registrations::year.eq(year))
        .filter(org_units::path.like(prefix_pattern(under)))
        .group_by((registrations::subject, registrations::status))
        .select((registrations::subject, registrations::status, count_star()))
        .load(conn)?;
    let mut out: Vec<RegistrationCount> = Vec::new();
    for subject in CriterionSubject::ALL {
        for status in RegistrationStatus::ALL {
            let count = rows
                .iter()
                .filter(|r| r.0 == subject.as_str() && r.1 == status.as_str())
                .map(|r| r.2)
                .sum();
            out.push(RegistrationCount {
                subject: *subject,
                status: *status,
                count,
            });
        }
    }
    Ok(out)
}

/// Evidence of every plan counted by the unit it is about (a person's evidence under
/// their unit). One plan's counts come with its board (`scoring::board_with_evidence`).
fn evidence_by_unit(
    conn: &mut AnyConnection,
    year: i32,
    under: &str,
) -> QueryResult<HashMap<String, EvidenceCounts>> {
    let rows: Vec<(String, EvidenceStatus, i64)> = evidence::table
        .inner_join(org_units::table)
        .filter(evidence::year.eq(year))
        .filter(org_units::path.like(prefix_pattern(under)))
        .group_by((evidence::org_unit_id, evidence::status))
        .select((evidence::org_unit_id, evidence::status, count_star()))
        .load(conn)?;
    let mut out: HashMap<String, EvidenceCounts> = HashMap::new();
    for (unit, status, n) in rows {
        out.entry(unit).or_default().add_n(status, n);
    }
    Ok(out)
}

/// Per unit of the subtree with staff or training: its active headcount, the staff who
/// completed a course in the year (of the plan's criteria, or any), and the records. Units
/// in Vietnamese name order.
pub fn learning_by_unit(
    conn: &mut AnyConnection,
    plan_id: Option<&PlanId>,
    year: i32,
    under: &str,
) -> QueryResult<Vec<LearningLine>> {
    let Some((first, last)) = year_range(year) else {
        return Ok(Vec::new());
    };
    let q = learning_records::table
        .inner_join(staff::table.inner_join(org_units::table))
        .filter(learning_records::completed_on.between(first, last))
        .filter(org_units::path.like(prefix_pattern(under)))
        .group_by(staff::org_unit_id)
        .select((
            staff::org_unit_id,
            count(learning_records::staff_id).aggregate_distinct(),
            count_star(),
        ));
    let trained: Vec<(OrgUnitId, i64, i64)> = match plan_id {
        Some(plan_id) => q
            .filter(
                learning_records::criterion_id.eq_any(
                    criteria::table
                        .filter(criteria::plan_id.eq(plan_id))
                        .select(criteria::id),
                ),
            )
            .load(conn)?,
        None => q.load(conn)?,
    };
    let headcounts: Vec<(OrgUnitId, i64)> = staff::table
        .inner_join(org_units::table)
        .filter(staff::active.eq(true))
        .filter(org_units::path.like(prefix_pattern(under)))
        .group_by(staff::org_unit_id)
        .select((staff::org_unit_id, count_star()))
        .load(conn)?;
    let mut by_unit: BTreeMap<OrgUnitId, (i64, i64, i64)> = BTreeMap::new();
    for (id, n) in headcounts {
        by_unit.entry(id).or_default().0 = n;
    }
    for (id, people, records) in trained {
        let e = by_unit.entry(id).or_default();
        e.1 = people;
        e.2 = records;
    }
    let ids: Vec<&OrgUnitId> = by_unit.keys().collect();
    let mut names: Vec<(OrgUnitId, String, String, String)> = Vec::new();
    // Bounded IN lists: PostgreSQL takes at most 65 535 parameters per statement.
    for chunk in ids.chunks(10_000) {
        names.extend(
            org_units::table
                .filter(org_units::id.eq_any(chunk))
                .select((
                    org_units::id,
                    org_units::name,
                    org_units::name_sort,
                    org_units::path,
                ))
                .load::<(OrgUnitId, String, String, String)>(conn)?,
        );
    }
    let mut out: Vec<LearningLine> = names
        .into_iter()
        .map(|(id, name, name_sort, path)| {
            let (headcount, staff_trained, records) = by_unit[&id];
            LearningLine {
                org_unit_id: id,
                name,
                headcount,
                staff_trained,
                records,
                path,
                name_sort,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        a.name_sort
            .cmp(&b.name_sort)
            .then(a.org_unit_id.cmp(&b.org_unit_id))
    });
    Ok(out)
}

/// Nominations of the year for subjects in the subtree, by award type and status.
pub fn nomination_counts(
    conn: &mut AnyConnection,
    year: i32,
    under: &str,
) -> QueryResult<Vec<AwardTypeCount>> {
    let rows: Vec<(String, NominationStatus, i64)> = nominations::table
        .inner_join(org_units::table.on(org_units::id.eq(nominations::nominee_unit_id)))
        .filter(nominations::year.eq(year))
        .filter(org_units::path.like(prefix_pattern(under)))
        .group_by((nominations::award_type_id, nominations::status))
        .select((
            nominations::award_type_id,
            nominations::status,
            count_star(),
        ))
        .load(conn)?;
    let types = award_type_facts(conn, rows.iter().map(|r| r.0.as_str()))?;
    let mut out: Vec<AwardTypeCount> = rows
        .into_iter()
        .filter_map(|(type_id, status, count)| {
            let t = types.get(&type_id)?;
            Some(AwardTypeCount {
                status: Some(status),
                count,
                ..t.clone()
            })
        })
        .collect();
    sort_award_counts(&mut out);
    Ok(out)
}

/// The catalogue facts of award types, by id, as counts to fill in.
fn award_type_facts<'a>(
    conn: &mut AnyConnection,
    ids: impl Iterator<Item = &'a str>,
) -> QueryResult<HashMap<String, AwardTypeCount>> {
    let ids: Vec<&str> = ids.collect();
    let rows: Vec<(String, String, String, AwardKind, AwardLevel, i32)> = award_types::table
        .filter(award_types::id.eq_any(ids))
        .select((
            award_types::id,
            award_types::code,
            award_types::name,
            award_types::kind,
            award_types::level,
            award_types::rank,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, code, name, kind, level, rank)| {
            (
                id,
                AwardTypeCount {
                    award_type_code: code,
                    award_type_name: name,
                    kind,
                    level,
                    status: None,
                    count: 0,
                    cash_amount: None,
                    rank,
                },
            )
        })
        .collect())
}

/// Awards in force for the year's achievement of subjects in the subtree, by award type,
/// with the cash granted.
pub fn award_counts(
    conn: &mut AnyConnection,
    year: i32,
    under: &str,
) -> QueryResult<Vec<AwardTypeCount>> {
    let active = GrantStatus::Active.as_str();
    let rows: Vec<(String, i64, i64)> = awards::table
        .inner_join(award_decisions::table)
        .inner_join(org_units::table.on(org_units::id.eq(awards::subject_unit_id)))
        .filter(awards::year.eq(year))
        .filter(awards::status.eq(active))
        .filter(award_decisions::status.eq(active))
        .filter(org_units::path.like(prefix_pattern(under)))
        .group_by(awards::award_type_id)
        .select((
            awards::award_type_id,
            count_star(),
            // SUM of a BIGINT is NUMERIC on PostgreSQL; the cash fits a BIGINT.
            sql::<BigInt>("CAST(COALESCE(SUM(awards.cash_amount), 0) AS BIGINT)"),
        ))
        .load(conn)?;
    let types = award_type_facts(conn, rows.iter().map(|r| r.0.as_str()))?;
    let mut out: Vec<AwardTypeCount> = rows
        .into_iter()
        .filter_map(|(type_id, count, cash)| {
            let t = types.get(&type_id)?;
            Some(AwardTypeCount {
                count,
                cash_amount: Some(cash),
                ..t.clone()
            })
        })
        .collect();
    sort_award_counts(&mut out);
    Ok(out)
}

/// Highest level first, then the catalogue's rank, then the status's workflow order.
fn sort_award_counts(rows: &mut [AwardTypeCount]) {
    let level = |l: AwardLevel| AwardLevel::ALL.iter().rev().position(|x| *x == l);
    let status = |s: Option<NominationStatus>| {
        s.and_then(|s| NominationStatus::ALL.iter().position(|x| *x == s))
    };
    rows.sort_by(|a, b| {
        level(a.level)
            .cmp(&level(b.level))
            .then(a.rank.cmp(&b.rank))
            .then(a.award_type_code.cmp(&b.award_type_code))
            .then(status(a.status).cmp(&status(b.status)))
    });
}

// The province-wide roll-up --------------------------------------------------------------

/// The units directly below `parent` (the tree's roots for none), in Vietnamese name order.
pub fn units_below(
    conn: &mut AnyConnection,
    parent: Option<&OrgUnitId>,
) -> QueryResult<Vec<OrgUnit>> {
    let q = org_units::table
        .select(OrgUnit::as_select())
        .order((org_units::name_sort, org_units::id))
        .into_boxed();
    match parent {
        Some(id) => q.filter(org_units::parent_id.eq(id.clone())),
        None => q.filter(org_units::parent_id.is_null()),
    }
    .load(conn)
}

/// One unit's totals across the plans of a year (its whole subtree).
#[derive(Debug, Clone, Default)]
pub struct UnitTotals {
    /// Plans with registrations or evidence in the subtree in the year.
    pub plans: i64,
    /// Units with an active collective registration.
    pub units_registered: i64,
    /// Active individual registrations.
    pub staff_registered: i64,
    /// Criteria × units on the plans' boards, and how many of them reached their target.
    pub criteria_assessed: i64,
    pub criteria_achieved: i64,
    pub evidence: EvidenceCounts,
    /// Active staff, and those who completed a Bình dân học vụ số course in the year.
    pub headcount: i64,
    pub staff_trained: i64,
    pub nominations: i64,
    pub awards: i64,
    /// VND.
    pub cash_amount: i64,
}

/// A unit of the roll-up with its totals.
#[derive(Debug, Clone)]
pub struct UnitLine {
    pub org_unit_id: OrgUnitId,
    pub code: String,
    pub name: String,
    pub totals: UnitTotals,
    pub path: String,
}

/// The roll-up of a year: a line per unit of `units` (each over its subtree), and the total
/// over `scope_path` (which may hold records of the root itself too). `plan_visible` says
/// which plans' boards the caller reads.
pub fn province(
    conn: &mut AnyConnection,
    scope_path: &str,
    units: &[OrgUnit],
    year: i32,
    seen: Seen,
    plan_visible: impl Fn(&str) -> bool,
    today: NaiveDate,
) -> QueryResult<(Vec<UnitLine>, UnitTotals)> {
    let mut lines: Vec<UnitLine> = units
        .iter()
        .map(|u| UnitLine {
            org_unit_id: u.id.clone(),
            code: u.code.clone(),
            name: u.name.clone(),
            totals: UnitTotals::default(),
            path: u.path.clone(),
        })
        .collect();
    let mut total = UnitTotals::default();
    let pattern = prefix_pattern(scope_path);
    // Plans at work in the year: by path, the plans with registrations or evidence there.
    let mut plans_at: Vec<(String, String)> = registrations::table
        .inner_join(org_units::table)
        .filter(registrations::year.eq(year))
        .filter(org_units::path.like(&pattern))
        .select((org_units::path, registrations::plan_id))
        .distinct()
        .load(conn)?;
    plans_at.extend(
        evidence::table
            .inner_join(org_units::table)
            .filter(evidence::year.eq(year))
            .filter(evidence::status.ne(EvidenceStatus::Withdrawn.as_str()))
            .filter(org_units::path.like(&pattern))
            .select((org_units::path, evidence::plan_id))
            .distinct()
            .load::<(String, String)>(conn)?,
    );
    let mut plan_sets: Vec<std::collections::BTreeSet<&str>> =
        vec![Default::default(); lines.len()];
    let mut all_plans = std::collections::BTreeSet::new();
    for (path, plan) in &plans_at {
        all_plans.insert(plan.as_str());
        if let Some(i) = lines.iter().position(|l| path.starts_with(&l.path)) {
            plan_sets[i].insert(plan.as_str());
        }
    }
    for (line, set) in lines.iter_mut().zip(&plan_sets) {
        line.totals.plans = set.len() as i64;
    }
    total.plans = all_plans.len() as i64;
    let all_plans: Vec<String> = all_plans.into_iter().map(str::to_string).collect();

    // Each figure is grouped by unit path in SQL, then added to the line whose subtree holds it.
    let mut add = |path: &str, f: &dyn Fn(&mut UnitTotals)| {
        f(&mut total);
        if let Some(line) = lines.iter_mut().find(|l| path.starts_with(&l.path)) {
            f(&mut line.totals);
        }
    };
    // The units of the scope, to place figures grouped by unit id.
    let paths: HashMap<String, String> = org_units::table
        .filter(org_units::path.like(&pattern))
        .select((org_units::id, org_units::path))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect();
    let path_of = |id: &str| paths.get(id).map_or("", String::as_str);
    let registered: Vec<(String, String, i64)> = registrations::table
        .inner_join(org_units::table)
        .filter(registrations::year.eq(year))
        .filter(registrations::status.eq(RegistrationStatus::Active.as_str()))
        .filter(org_units::path.like(&pattern))
        .group_by((registrations::org_unit_id, registrations::subject))
        .select((
            registrations::org_unit_id,
            registrations::subject,
            count(registrations::staff_id).aggregate_distinct(),
        ))
        .load(conn)?;
    for (unit, subject, people) in &registered {
        let path = path_of(unit);
        // A collective group is one unit, whatever the number of plans it registered for.
        if subject == CriterionSubject::Collective.as_str() {
            add(path, &|t| t.units_registered += 1);
        } else {
            add(path, &|t| t.staff_registered += people);
        }
    }
    for (unit, c) in evidence_by_unit(conn, year, scope_path)? {
        add(path_of(&unit), &|t| t.evidence += &c);
    }
    for l in learning_by_unit(conn, None, year, scope_path)? {
        add(&l.path, &|t| {
            t.headcount += l.headcount;
            t.staff_trained += l.staff_trained;
        });
    }
    let nominated: Vec<(String, i64)> = nominations::table
        .inner_join(org_units::table.on(org_units::id.eq(nominations::nominee_unit_id)))
        .filter(nominations::year.eq(year))
        .filter(org_units::path.like(&pattern))
        .group_by(org_units::path)
        .select((org_units::path, count_star()))
        .load(conn)?;
    for (path, n) in &nominated {
        add(path, &|t| t.nominations += n);
    }
    let granted = GrantStatus::Active.as_str();
    let awarded: Vec<(String, i64, i64)> = awards::table
        .inner_join(award_decisions::table)
        .inner_join(org_units::table.on(org_units::id.eq(awards::subject_unit_id)))
        .filter(awards::year.eq(year))
        .filter(awards::status.eq(granted))
        .filter(award_decisions::status.eq(granted))
        .filter(org_units::path.like(&pattern))
        .group_by(org_units::path)
        .select((
            org_units::path,
            count_star(),
            sql::<BigInt>("CAST(COALESCE(SUM(awards.cash_amount), 0) AS BIGINT)"),
        ))
        .load(conn)?;
    for (path, n, cash) in &awarded {
        add(path, &|t| {
            t.awards += n;
            t.cash_amount += cash;
        });
    }

    // Achievement from each plan's board, with the rules of the scoring module.
    let found: Vec<(Plan, String)> = plans_t::table
        .inner_join(org_units::table)
        .filter(plans_t::id.eq_any(&all_plans))
        .select((Plan::as_select(), org_units::path))
        .load(conn)?;
    for (plan, issuer_path) in found.iter().filter(|(_, p)| plan_visible(p)) {
        let set = SubjectSet {
            kind: CriterionSubject::Collective,
            seen: seen.clone(),
            under_path: Some(scope_path.to_string()),
            units: Vec::new(),
            only_these: false,
        };
        for row in scoring::board(conn, &plan.id, issuer_path, year, &set, today)? {
            let achieved = row.achieved;
            let assessed = row.cells.len() as i64;
            add(&row.unit_path, &|t| {
                t.criteria_assessed += assessed;
                t.criteria_achieved += achieved;
            });
        }
    }
    Ok((lines, total))
}

/// The legal bases a decision of a unit cites on a day: the sources of the rule sets in
/// force then, national ones first, then the overrides of the unit's ancestors — each once.
pub fn legal_bases(
    conn: &mut AnyConnection,
    unit_path: &str,
    on: NaiveDate,
) -> QueryResult<Vec<String>> {
    let mut sets: Vec<_> = crate::domain::award_types::list_rule_sets(conn)?
        .into_iter()
        .filter(|s| s.in_force(on))
        .filter(|s| {
            s.org_unit_id
                .as_ref()
                .is_none_or(|id| unit_path.contains(&format!("/{id}/")))
        })
        .collect();
    sets.sort_by_key(|s| (s.org_unit_id.is_some(), s.valid_from));
    let mut out: Vec<String> = Vec::new();
    for s in &sets {
        for source in s.legal_source.split(';').map(str::trim) {
            if !source.is_empty() && !out.iter().any(|b| b == source) {
                out.push(source.to_string());
            }
        }
    }
    Ok(out)
}

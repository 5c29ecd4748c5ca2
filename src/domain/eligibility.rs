//! Eligibility: every rule of an award type, from the rule set in force for the
//! nomination's period, evaluated against the nominee's history. The rules are plain
//! functions over a `History`; `evaluate_nomination` gathers that history from storage.

use std::collections::{BTreeSet, HashMap};

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::prefix_pattern;
use crate::db::schema::{award_types, awards, disciplines, org_units, staff};
use crate::domain::Error;
use crate::domain::award_types::{AwardRules, AwardType, RulesInForce, rules_for};
use crate::domain::criteria::CriterionSubject;
use crate::domain::initiatives::{self, InitiativeScope};
use crate::domain::nominations::{self, NominationStatus, NominationView};
use crate::domain::plans::Occasion;
use crate::domain::scoring::{self, SubjectSet};
use crate::domain::subjects::Seen;
use crate::ids::{NominationId, OrgUnitId, StaffId};

/// An award held before, as the rules read it.
#[derive(Debug, Clone)]
pub struct PastAward {
    pub award_code: String,
    pub year: i32,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub occasion: Occasion,
}

impl PastAward {
    /// Awards for ad hoc (đột xuất) or thematic (chuyên đề) achievements are no ground for
    /// later merit awards (NĐ 152/2025 Đ.4).
    fn counts_for_merit(&self) -> bool {
        !matches!(self.occasion, Occasion::AdHoc | Occasion::Thematic)
    }
}

/// A discipline period (kỷ luật).
#[derive(Debug, Clone, Copy)]
pub struct Discipline {
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
}

/// A collective's members and how many of them hold each award in the year.
#[derive(Debug, Clone, Default)]
pub struct Members {
    pub total: u32,
    pub holders: HashMap<String, u32>,
}

/// What the rules read about a nominee.
#[derive(Debug, Clone, Default)]
pub struct History {
    pub awards: Vec<PastAward>,
    pub disciplines: Vec<Discipline>,
    /// The nominee's recognised initiatives: scope and date.
    pub initiatives: Vec<(InitiativeScope, NaiveDate)>,
    /// Total points on the nomination's plan for its year, when it names a plan.
    pub score: Option<f64>,
    pub members: Option<Members>,
}

/// The nomination being judged.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub collective: bool,
    pub year: i32,
    pub occasion: Occasion,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub has_plan: bool,
}

/// One rule's verdict.
#[derive(Debug, Clone)]
pub struct Check {
    /// A stable name: subject, occasion, discipline, rule_set, requires, initiative,
    /// min_score, members_share, members_count, interval.
    pub rule: String,
    pub passed: bool,
    /// Why, in words.
    pub detail: String,
}

fn check(rule: &str, passed: bool, detail: String) -> Check {
    Check {
        rule: rule.to_string(),
        passed,
        detail,
    }
}

/// The last day a discipline ran, for achievements that count only from its end.
fn discipline_end(h: &History) -> Option<NaiveDate> {
    h.disciplines.iter().filter_map(|d| d.ends_on).max()
}

/// Consecutive years, counting back from `year` (or from the year before when `year`
/// itself is not held), in which `code` was held.
pub fn consecutive_years(held: &BTreeSet<i32>, year: i32) -> u32 {
    let start = if held.contains(&year) { year } else { year - 1 };
    (0..).take_while(|i| held.contains(&(start - i))).count() as u32
}

/// Evaluates every rule for a candidate. `award` is the type proposed; `rules` what the
/// set in force says about it; `today` the day of the evaluation.
pub fn evaluate(
    award: &AwardType,
    rules: Option<&RulesInForce>,
    c: &Candidate,
    h: &History,
    today: NaiveDate,
) -> Vec<Check> {
    let mut out = Vec::new();
    out.push(check(
        "subject",
        award.accepts(c.collective),
        format!(
            "{} is given to {:?}; the nominee is {}",
            award.name,
            award.subject,
            if c.collective {
                "a collective"
            } else {
                "an individual"
            }
        ),
    ));
    out.push(check(
        "occasion",
        award.occasions.contains(&c.occasion),
        format!("proposed on the {} occasion", c.occasion),
    ));
    // Discipline: none running today or at the end of the period, and the period starts
    // after the last one ended.
    let running = h.disciplines.iter().find(|d| {
        [today, c.period_to]
            .iter()
            .any(|day| d.starts_on <= *day && d.ends_on.is_none_or(|end| end >= *day))
    });
    let ended_inside = discipline_end(h).filter(|end| *end >= c.period_from);
    out.push(match (running, ended_inside) {
        (Some(d), _) => check(
            "discipline",
            false,
            format!("under discipline since {}", d.starts_on),
        ),
        (None, Some(end)) => check(
            "discipline",
            false,
            format!("achievements count only from the end of discipline on {end}, after the period starts"),
        ),
        (None, None) => check("discipline", true, "no discipline in the way".into()),
    });
    let Some(in_force) = rules else {
        out.push(check(
            "rule_set",
            false,
            format!(
                "no rule set in force on {} names {}",
                c.period_to, award.code
            ),
        ));
        return out;
    };
    out.push(check(
        "rule_set",
        true,
        format!("{} ({})", in_force.rule_set_code, in_force.legal_source),
    ));
    let r: &AwardRules = &in_force.rules;
    let since = discipline_end(h);
    let merit: Vec<&PastAward> = h
        .awards
        .iter()
        .filter(|a| a.counts_for_merit() && since.is_none_or(|end| a.period_from > end))
        .collect();
    let mut span = 1;
    for need in &r.requires {
        let held: BTreeSet<i32> = merit
            .iter()
            .filter(|a| a.award_code == need.award_type)
            .map(|a| a.year)
            .collect();
        let run = consecutive_years(&held, c.year);
        span = span.max(need.consecutive_years as i32);
        out.push(check(
            "requires",
            run >= need.consecutive_years,
            format!(
                "{} in {} consecutive years needed, {run} held up to {}",
                need.award_type, need.consecutive_years, c.year
            ),
        ));
    }
    if let Some(scope) = r.initiative_scope {
        // Within the years the rule looks at (the consecutive run, or the year itself).
        let from = NaiveDate::from_ymd_opt(c.year - span + 1, 1, 1).unwrap_or(c.period_from);
        let found = h
            .initiatives
            .iter()
            .filter(|(s, on)| s.reaches(scope) && *on >= from && *on <= c.period_to)
            .count();
        out.push(check(
            "initiative",
            found > 0,
            format!(
                "an initiative with {scope} effect recognised from {from} to {}: {found} found",
                c.period_to
            ),
        ));
    }
    if let Some(min) = r.min_score {
        out.push(match (c.has_plan, h.score) {
            (false, _) => check(
                "min_score",
                false,
                format!("{min} points needed; the nomination names no plan to score"),
            ),
            (true, score) => {
                let score = score.unwrap_or(0.0);
                check(
                    "min_score",
                    score >= min,
                    format!("{min} points needed, {score} scored"),
                )
            }
        });
    }
    let members = h.members.clone().unwrap_or_default();
    for share in &r.members_share {
        let holders = members.holders.get(&share.award_type).copied().unwrap_or(0);
        let percent = if members.total == 0 {
            0.0
        } else {
            f64::from(holders) * 100.0 / f64::from(members.total)
        };
        out.push(check(
            "members_share",
            members.total > 0 && percent + 1e-9 >= share.min_percent,
            format!(
                "{} % of members with {} needed: {holders} of {} ({:.1} %)",
                share.min_percent, share.award_type, members.total, percent
            ),
        ));
    }
    for count in &r.members_count {
        let holders = members.holders.get(&count.award_type).copied().unwrap_or(0);
        out.push(check(
            "members_count",
            holders >= count.min,
            format!(
                "at least {} members with {} needed: {holders}",
                count.min, count.award_type
            ),
        ));
    }
    if let Some(interval) = &r.interval {
        let last = merit
            .iter()
            .filter(|a| a.award_code == interval.award_type)
            .map(|a| a.period_to)
            .max();
        out.push(match last {
            None => check(
                "interval",
                false,
                format!("needs an earlier {}", interval.award_type),
            ),
            Some(end) => {
                let years = c.period_to.year() - end.year();
                check(
                    "interval",
                    years >= interval.years as i32,
                    format!(
                        "{} years since the achievement period of {} ended on {end} needed: {years}",
                        interval.years, interval.award_type
                    ),
                )
            }
        });
    }
    out
}

/// The evaluation of a nomination against every rule in force for it.
#[derive(Debug)]
pub struct Eligibility {
    pub nomination_id: NominationId,
    pub award_type: String,
    /// Every rule passed.
    pub eligible: bool,
    pub rule_set_code: Option<String>,
    pub legal_source: Option<String>,
    pub checks: Vec<Check>,
    /// How the award is decided: a secret ballot, the share of all council members that
    /// must agree, and the working days the candidates are published before.
    pub ballot_required: bool,
    pub vote_threshold_percent: Option<f64>,
    pub disclosure_working_days: Option<u32>,
    pub evaluated_on: NaiveDate,
}

/// Awards held by a staff member or a unit, active and not revoked.
fn past_awards(
    conn: &mut AnyConnection,
    staff_id: Option<&StaffId>,
    unit_id: &OrgUnitId,
) -> QueryResult<Vec<PastAward>> {
    let mut q = awards::table
        .inner_join(award_types::table)
        .filter(awards::status.eq("active"))
        .select((
            award_types::code,
            awards::year,
            awards::period_from,
            awards::period_to,
            awards::occasion,
        ))
        .into_boxed();
    q = match staff_id {
        Some(s) => q.filter(awards::staff_id.eq(s.clone())),
        None => q
            .filter(awards::staff_id.is_null())
            .filter(awards::subject_unit_id.eq(unit_id.clone())),
    };
    let rows: Vec<(String, i32, NaiveDate, NaiveDate, Occasion)> = q.load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(award_code, year, period_from, period_to, occasion)| PastAward {
                award_code,
                year,
                period_from,
                period_to,
                occasion,
            },
        )
        .collect())
}

/// A collective's active staff (its subtree) and how many hold each award in `year`:
/// awarded, or approved by the council and waiting for the decision.
fn members(conn: &mut AnyConnection, unit_path: &str, year: i32) -> QueryResult<Members> {
    let active: BTreeSet<String> = staff::table
        .inner_join(org_units::table)
        .filter(staff::active.eq(true))
        .filter(org_units::path.like(prefix_pattern(unit_path)))
        .select(staff::id)
        .load::<String>(conn)?
        .into_iter()
        .map(|id| format!("s:{id}"))
        .collect();
    let mut holders: HashMap<String, u32> = HashMap::new();
    let held = nominations::holders(conn, year, unit_path, None, &[NominationStatus::Approved])?;
    for (code, key) in held {
        if active.contains(&key) {
            *holders.entry(code).or_default() += 1;
        }
    }
    Ok(Members {
        total: active.len() as u32,
        holders,
    })
}

/// The nominee's total points on the nomination's plan for its year.
fn plan_score(conn: &mut AnyConnection, v: &NominationView) -> Result<Option<f64>, Error> {
    let n = &v.nomination;
    let Some(plan_id) = &n.plan_id else {
        return Ok(None);
    };
    let Some((_, issuer_path)) = crate::domain::plans::find(conn, plan_id)? else {
        return Ok(None);
    };
    let set = match &n.staff_id {
        Some(s) => SubjectSet {
            kind: CriterionSubject::Individual,
            seen: Seen::Staff(s.clone()),
            under_path: None,
            units: vec![],
            only_these: false,
        },
        None => SubjectSet {
            kind: CriterionSubject::Collective,
            seen: Seen::All,
            under_path: None,
            units: vec![n.nominee_unit_id.clone()],
            only_these: true,
        },
    };
    let rows = scoring::board(
        conn,
        plan_id,
        &issuer_path,
        n.year,
        &set,
        crate::domain::today(),
    )?;
    Ok(rows
        .into_iter()
        .find(|r| r.staff_id == n.staff_id && r.org_unit_id == n.nominee_unit_id)
        .map(|r| r.total_points))
}

/// Gathers the nominee's history and evaluates the rules in force for the period.
pub fn evaluate_nomination(
    conn: &mut AnyConnection,
    v: &NominationView,
    today: NaiveDate,
) -> Result<Eligibility, Error> {
    let n = &v.nomination;
    let award = crate::domain::award_types::find(conn, &n.award_type_id)?
        .ok_or_else(|| Error::internal("nomination without award type"))?;
    let rules = rules_for(conn, &award.code, &v.nominee_path, n.period_to)?;
    let collective = n.staff_id.is_none();
    let mut history = History {
        awards: past_awards(conn, n.staff_id.as_ref(), &n.nominee_unit_id)?,
        score: plan_score(conn, v)?,
        ..Default::default()
    };
    if let Some(s) = &n.staff_id {
        history.disciplines = disciplines::table
            .filter(disciplines::staff_id.eq(s))
            .select((disciplines::starts_on, disciplines::ends_on))
            .load::<(NaiveDate, Option<NaiveDate>)>(conn)?
            .into_iter()
            .map(|(starts_on, ends_on)| Discipline { starts_on, ends_on })
            .collect();
        history.initiatives = initiatives::of_author(conn, s, n.period_to)?
            .into_iter()
            .map(|i| (i.scope, i.recognised_on))
            .collect();
    } else {
        history.members = Some(members(conn, &v.nominee_path, n.year)?);
    }
    let candidate = Candidate {
        collective,
        year: n.year,
        occasion: n.occasion,
        period_from: n.period_from,
        period_to: n.period_to,
        has_plan: n.plan_id.is_some(),
    };
    let checks = evaluate(&award, rules.as_ref(), &candidate, &history, today);
    let r = rules.as_ref().map(|r| &r.rules);
    Ok(Eligibility {
        nomination_id: n.id.clone(),
        award_type: award.code.clone(),
        eligible: checks.iter().all(|c| c.passed),
        rule_set_code: rules.as_ref().map(|r| r.rule_set_code.clone()),
        legal_source: rules.as_ref().map(|r| r.legal_source.clone()),
        ballot_required: r.is_some_and(|r| r.ballot_required),
        vote_threshold_percent: r.and_then(|r| r.vote_threshold_percent),
        disclosure_working_days: r.and_then(|r| r.disclosure_working_days),
        checks,
        evaluated_on: today,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consecutive_years_count_back_from_the_year_or_the_one_before() {
        let held: BTreeSet<i32> = [2021, 2022, 2023, 2025].into_iter().collect();
        assert_eq!(consecutive_years(&held, 2025), 1);
        assert_eq!(consecutive_years(&held, 2024), 3);
        assert_eq!(consecutive_years(&held, 2023), 3);
        assert_eq!(consecutive_years(&held, 2020), 0);
    }
}

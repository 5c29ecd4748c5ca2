//! Scores, progress and staleness, computed from the data: approved evidence, registrations
//! and the staff register. One board per plan, year and kind of subject serves the score
//! table, the progress views, the stale list and the bloc ranking, so they always agree.
//!
//! The rules, stated once:
//! - **Value** of a criterion for a subject: from its approved evidence — the sum for a
//!   count, any "done" for yes/no, the latest (by `as_of`) for a percentage or a score.
//!   A collective percentage with a `source_criterion_id` is computed instead: the share of
//!   the unit's active staff (its whole subtree) whose approved evidence for the individual
//!   criterion reaches that criterion, so it moves as staff join or leave.
//! - **Points**: the reviewer's score of the latest approved evidence that has one;
//!   otherwise `max_points` × value / target (capped at 1) for a percentage or a count,
//!   all or nothing for yes/no, the value itself for a score — never above `max_points`.
//! - **Status**: achieved (value reaches the target), in progress (a value below it),
//!   pending (evidence not yet approved), not started.
//! - **Stale**: for a criterion with a frequency, no submitted or approved evidence dated
//!   within the last period (a month, a quarter, a year) before the reference day — today,
//!   or the year's last day for a past year.

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, Months, NaiveDate};
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::prefix_pattern;
use crate::db::schema::{criteria, evidence, org_units, registrations, staff};
use crate::domain::criteria::{Criterion, CriterionSubject, Frequency, Measure};
use crate::domain::evidence::EvidenceStatus;
use crate::domain::subjects::Seen;
use crate::domain::text_enum;
use crate::ids::{CriterionId, OrgUnitId, PlanId, StaffId};

text_enum! {
    /// How far a subject is on a criterion.
    pub enum ProgressStatus {
        NotStarted => "not_started",
        Pending => "pending",
        InProgress => "in_progress",
        Achieved => "achieved",
    }
}

text_enum! {
    /// Why a criterion with a frequency needs chasing.
    pub enum Staleness {
        /// No evidence at all in the year.
        Missing => "missing",
        /// The latest evidence is older than one period.
        Stale => "stale",
    }
}

text_enum! {
    /// Where a criterion's points come from.
    pub enum PointsSource {
        Reviewed => "reviewed",
        Computed => "computed",
    }
}

// The rules, as plain functions ---------------------------------------------------------

/// The value of a criterion from approved values ordered by the day they describe.
pub fn combine(measure: Measure, approved_in_order: &[f64]) -> Option<f64> {
    let last = approved_in_order.last().copied()?;
    Some(match measure {
        Measure::Count => approved_in_order.iter().sum(),
        Measure::Boolean => approved_in_order.iter().copied().fold(0.0, f64::max),
        Measure::Percent | Measure::Score => last,
    })
}

/// Whether a value reaches the criterion's target.
pub fn achieved(measure: Measure, target: Option<f64>, value: f64) -> bool {
    match measure {
        Measure::Boolean => value >= 1.0,
        _ => value >= target.unwrap_or(0.0),
    }
}

/// Points earned by a value, before any reviewer's score; never above `max_points`.
pub fn points(measure: Measure, target: Option<f64>, max_points: f64, value: f64) -> f64 {
    let earned = match measure {
        Measure::Boolean => {
            if value >= 1.0 {
                max_points
            } else {
                0.0
            }
        }
        Measure::Score => value,
        Measure::Percent | Measure::Count => match target {
            Some(t) if t > 0.0 => max_points * (value / t).min(1.0),
            _ => max_points,
        },
    };
    round2(earned.clamp(0.0, max_points))
}

/// The share (percent) of a headcount; none for a unit without staff.
pub fn staff_share(achievers: usize, headcount: usize) -> Option<f64> {
    (headcount > 0).then(|| round2(100.0 * achievers as f64 / headcount as f64))
}

/// The day staleness is measured at for a year: none for a year still to come.
pub fn reference_day(year: i32, today: NaiveDate) -> Option<NaiveDate> {
    match year.cmp(&today.year()) {
        std::cmp::Ordering::Greater => None,
        std::cmp::Ordering::Equal => Some(today),
        std::cmp::Ordering::Less => NaiveDate::from_ymd_opt(year, 12, 31),
    }
}

/// Whether evidence last dated `last` is stale at `reference` for a frequency.
pub fn staleness(
    frequency: Frequency,
    last: Option<NaiveDate>,
    reference: NaiveDate,
) -> Option<Staleness> {
    let due_after = reference.checked_sub_months(Months::new(frequency.months()))?;
    match last {
        None => Some(Staleness::Missing),
        Some(d) if d <= due_after => Some(Staleness::Stale),
        Some(_) => None,
    }
}

/// Competition ranks ("1, 2, 2, 4") of entries already sorted best first, where `tied`
/// says whether two neighbours are equal under the tie rule.
pub fn competition_ranks<T>(sorted: &[T], tied: impl Fn(&T, &T) -> bool) -> Vec<usize> {
    let mut ranks = Vec::with_capacity(sorted.len());
    for i in 0..sorted.len() {
        if i > 0 && tied(&sorted[i - 1], &sorted[i]) {
            ranks.push(ranks[i - 1]);
        } else {
            ranks.push(i + 1);
        }
    }
    ranks
}

/// Rounds to hundredths; `+ 0.0` turns the -0.0 of an empty sum into 0.
pub fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0 + 0.0
}

// The board ---------------------------------------------------------------------------

/// Evidence counts by status.
#[derive(Debug, Clone, Default)]
pub struct EvidenceCounts {
    pub draft: i64,
    pub submitted: i64,
    pub approved: i64,
    pub rejected: i64,
    pub returned: i64,
}

impl EvidenceCounts {
    /// Counts `n` more of a status (withdrawn evidence is not counted).
    pub fn add_n(&mut self, status: EvidenceStatus, n: i64) {
        match status {
            EvidenceStatus::Draft => self.draft += n,
            EvidenceStatus::Submitted => self.submitted += n,
            EvidenceStatus::Approved => self.approved += n,
            EvidenceStatus::Rejected => self.rejected += n,
            EvidenceStatus::Returned => self.returned += n,
            EvidenceStatus::Withdrawn => {}
        }
    }

    /// Counts one more of a status.
    pub fn count(&mut self, status: EvidenceStatus) {
        self.add_n(status, 1);
    }
}

impl std::ops::AddAssign<&EvidenceCounts> for EvidenceCounts {
    fn add_assign(&mut self, other: &EvidenceCounts) {
        self.draft += other.draft;
        self.submitted += other.submitted;
        self.approved += other.approved;
        self.rejected += other.rejected;
        self.returned += other.returned;
    }
}

/// One criterion for one subject.
#[derive(Debug, Clone)]
pub struct Cell {
    pub criterion_id: CriterionId,
    pub code: String,
    pub title: String,
    pub measure: Measure,
    pub target: Option<f64>,
    pub max_points: f64,
    /// The achieved value, from approved evidence (or computed from staff).
    pub value: Option<f64>,
    pub points: f64,
    pub points_source: Option<PointsSource>,
    /// The subject's own assessment (tự chấm), from its latest submitted evidence.
    pub self_score: Option<f64>,
    pub status: ProgressStatus,
    /// For a value computed from staff: staff who reached the individual criterion.
    pub achieved_staff: Option<i64>,
    /// For a value computed from staff: the unit's active headcount (its subtree).
    pub headcount: Option<i64>,
    pub frequency: Option<Frequency>,
    /// The day the latest submitted or approved evidence describes.
    pub last_as_of: Option<NaiveDate>,
    pub staleness: Option<Staleness>,
    pub evidence: EvidenceCounts,
}

/// A subject's row: its cells and totals.
#[derive(Debug, Clone)]
pub struct SubjectRow {
    pub subject: CriterionSubject,
    pub org_unit_id: OrgUnitId,
    pub staff_id: Option<StaffId>,
    /// The unit's or the person's name.
    pub name: String,
    pub registered: bool,
    pub total_points: f64,
    /// The sum of the self-assessed scores given.
    pub self_total: Option<f64>,
    /// Criteria whose target is reached.
    pub achieved: i64,
    pub headcount: Option<i64>,
    pub cells: Vec<Cell>,
    /// For a unit: each individual criterion as the share of its active staff (its
    /// subtree) who reached it. Not counted in the unit's points.
    pub staff_progress: Vec<Cell>,
    pub unit_path: String,
    pub name_sort: String,
}

/// Which subjects a board holds.
#[derive(Debug, Clone)]
pub struct SubjectSet {
    pub kind: CriterionSubject,
    /// What the caller sees.
    pub seen: Seen,
    /// Only subjects in this unit's subtree.
    pub under_path: Option<String>,
    /// Units that are always on the board (a bloc's members, the unit asked about), even
    /// without registration or evidence; with `only_these`, the board holds nothing else.
    pub units: Vec<OrgUnitId>,
    pub only_these: bool,
}

struct EvidenceRow {
    criterion_id: CriterionId,
    org_unit_id: OrgUnitId,
    staff_id: Option<StaffId>,
    value: Option<f64>,
    as_of: NaiveDate,
    status: EvidenceStatus,
    self_score: Option<f64>,
    reviewed_score: Option<f64>,
    updated_at: chrono::NaiveDateTime,
}

/// What a unit's staff (its whole subtree) did on the individual criteria, each at the
/// criterion's place in [`StaffIndex::criteria`].
struct Tally {
    headcount: usize,
    /// Per criterion: active staff who reached it.
    reached: Vec<usize>,
    /// Per criterion: the latest day any of them submitted or had approved evidence for.
    last_reported: Vec<Option<NaiveDate>>,
}

/// The tallies of the board's units, by unit path.
struct StaffIndex {
    /// A criterion's place in the tallies, by id.
    criteria: HashMap<CriterionId, usize>,
    tallies: HashMap<String, Tally>,
}

impl StaffIndex {
    /// (staff who reached the criterion, headcount, latest report) under a unit.
    fn share(
        &self,
        criterion_id: &CriterionId,
        unit_path: &str,
    ) -> (usize, usize, Option<NaiveDate>) {
        match (self.tallies.get(unit_path), self.criteria.get(criterion_id)) {
            (Some(t), Some(&i)) => (t.reached[i], t.headcount, t.last_reported[i]),
            (Some(t), None) => (0, t.headcount, None),
            (None, _) => (0, 0, None),
        }
    }

    fn headcount(&self, unit_path: &str) -> usize {
        self.tallies.get(unit_path).map_or(0, |t| t.headcount)
    }
}

/// Computes the board of a plan's year for a set of subjects. Rows are in Vietnamese name
/// order; `today` fixes the staleness reference.
pub fn board(
    conn: &mut AnyConnection,
    plan_id: &PlanId,
    issuer_path: &str,
    year: i32,
    set: &SubjectSet,
    today: NaiveDate,
) -> QueryResult<Vec<SubjectRow>> {
    board_with_evidence(conn, plan_id, issuer_path, year, set, today).map(|(rows, _)| rows)
}

/// The board, and every row of the plan's evidence of the year (withdrawn evidence aside)
/// counted by status per unit it is about, whatever `set` selects: the board reads every
/// such row anyway, and a report then needs no second pass over the evidence table (the
/// count costs `board`'s other callers one hash insert per row).
pub fn board_with_evidence(
    conn: &mut AnyConnection,
    plan_id: &PlanId,
    issuer_path: &str,
    year: i32,
    set: &SubjectSet,
    today: NaiveDate,
) -> QueryResult<(Vec<SubjectRow>, HashMap<String, EvidenceCounts>)> {
    let all: Vec<Criterion> = criteria::table
        .filter(criteria::plan_id.eq(plan_id))
        .select(Criterion::as_select())
        .load(conn)?;
    let current_id = current_versions(&all);
    let mut current: Vec<&Criterion> = all.iter().filter(|c| c.current).collect();
    current.sort_by_key(|c| (c.position, c.created_at));

    let rows: Vec<EvidenceRow> = evidence::table
        .filter(evidence::plan_id.eq(plan_id))
        .filter(evidence::year.eq(year))
        .filter(evidence::status.ne(EvidenceStatus::Withdrawn.as_str()))
        .order((evidence::as_of, evidence::updated_at))
        .select((
            evidence::criterion_id,
            evidence::org_unit_id,
            evidence::staff_id,
            evidence::value,
            evidence::as_of,
            evidence::status,
            evidence::self_score,
            evidence::reviewed_score,
            evidence::updated_at,
        ))
        .load::<(
            CriterionId,
            OrgUnitId,
            Option<StaffId>,
            Option<f64>,
            NaiveDate,
            EvidenceStatus,
            Option<f64>,
            Option<f64>,
            chrono::NaiveDateTime,
        )>(conn)?
        .into_iter()
        .map(|r| EvidenceRow {
            criterion_id: current_id.get(&r.0).cloned().unwrap_or(r.0),
            org_unit_id: r.1,
            staff_id: r.2,
            value: r.3,
            as_of: r.4,
            status: r.5,
            self_score: r.6,
            reviewed_score: r.7,
            updated_at: r.8,
        })
        .collect();

    // Evidence by subject key (staff id, or unit id for collective evidence). A unit whose
    // staff have evidence takes part too: its percentages of staff depend on it.
    let mut by_subject: HashMap<(String, CriterionId), Vec<&EvidenceRow>> = HashMap::new();
    let mut staff_units: HashSet<&str> = HashSet::new();
    let mut by_unit: HashMap<&str, EvidenceCounts> = HashMap::new();
    for r in &rows {
        by_unit
            .entry(r.org_unit_id.as_str())
            .or_default()
            .count(r.status);
        let individual = r.staff_id.is_some();
        if individual != (set.kind == CriterionSubject::Individual) {
            if individual {
                staff_units.insert(r.org_unit_id.as_str());
            }
            continue;
        }
        let key = subject_key(r.staff_id.as_ref(), &r.org_unit_id);
        by_subject
            .entry((key, r.criterion_id.clone()))
            .or_default()
            .push(r);
    }

    let registered: HashSet<String> = {
        let q = registrations::table
            .filter(registrations::plan_id.eq(plan_id))
            .filter(registrations::year.eq(year))
            .filter(registrations::subject.eq(set.kind.as_str()))
            .filter(registrations::status.eq("active"));
        match set.kind {
            CriterionSubject::Collective => q.select(registrations::org_unit_id).load(conn)?,
            CriterionSubject::Individual => q
                .select(registrations::staff_id.assume_not_null())
                .load(conn)?,
        }
        .into_iter()
        .collect()
    };

    let mut subjects = subjects(conn, set, &registered, &by_subject, &staff_units)?;
    subjects.retain(|s| {
        let seen = match &set.seen {
            Seen::All => true,
            Seen::UnitsUnder(prefix) => s.unit_path.starts_with(prefix.as_str()),
            Seen::Staff(id) => s.staff_id.as_ref() == Some(id),
            Seen::Nothing => false,
        };
        seen && crate::domain::plans::reaches(issuer_path, &s.unit_path)
            && set
                .under_path
                .as_deref()
                .is_none_or(|p| s.unit_path.starts_with(p))
    });

    let staff_index = if set.kind == CriterionSubject::Collective {
        let paths: HashSet<&str> = subjects.iter().map(|s| s.unit_path.as_str()).collect();
        Some(staff_index(conn, issuer_path, &paths, &all, &rows)?)
    } else {
        None
    };
    let reference = reference_day(year, today);
    let kind_criteria: Vec<&Criterion> = current
        .iter()
        .copied()
        .filter(|c| c.subject() == set.kind)
        .collect();

    for s in &mut subjects {
        let key = subject_key(s.staff_id.as_ref(), &s.org_unit_id);
        s.registered = registered.contains(&key);
        for c in &kind_criteria {
            let cell = match (&c.source_criterion_id, &staff_index) {
                (Some(source), Some(index)) => {
                    let source = current_id.get(source).cloned().unwrap_or(source.clone());
                    computed_cell(c, index.share(&source, &s.unit_path), reference, false)
                }
                _ => {
                    let empty = Vec::new();
                    let evidence = by_subject
                        .get(&(key.clone(), c.id.clone()))
                        .unwrap_or(&empty);
                    evidence_cell(c, evidence, reference)
                }
            };
            s.cells.push(cell);
        }
        if let Some(index) = &staff_index {
            s.headcount = Some(index.headcount(&s.unit_path) as i64);
            for c in current
                .iter()
                .filter(|c| c.subject() == CriterionSubject::Individual)
            {
                let share = index.share(&c.id, &s.unit_path);
                s.staff_progress
                    .push(computed_cell(c, share, reference, true));
            }
        }
        s.total_points = round2(s.cells.iter().map(|c| c.points).sum());
        let self_scores: Vec<f64> = s.cells.iter().filter_map(|c| c.self_score).collect();
        s.self_total = (!self_scores.is_empty()).then(|| round2(self_scores.iter().sum()));
        s.achieved = s
            .cells
            .iter()
            .filter(|c| c.status == ProgressStatus::Achieved)
            .count() as i64;
    }
    subjects.sort_by(|a, b| {
        a.name_sort
            .cmp(&b.name_sort)
            .then(a.org_unit_id.cmp(&b.org_unit_id))
    });
    let by_unit = by_unit
        .into_iter()
        .map(|(unit, counts)| (unit.to_string(), counts))
        .collect();
    Ok((subjects, by_unit))
}

// Roll-ups ------------------------------------------------------------------------

/// One criterion rolled up over a subtree's units.
#[derive(Debug, Clone)]
pub struct CriterionRollup {
    pub criterion_id: CriterionId,
    pub code: String,
    pub title: String,
    pub subject: CriterionSubject,
    pub target: Option<f64>,
    /// Units (with registration or evidence) in the subtree.
    pub units: i64,
    pub achieved: i64,
    pub in_progress: i64,
    pub pending: i64,
    pub not_started: i64,
    pub stale: i64,
    /// The mean of the units' values, where they have one.
    pub mean_value: Option<f64>,
}

/// Rolls the units' cells up per criterion: collective criteria, then individual ones
/// (as shares of staff).
pub fn rollup(rows: &[SubjectRow]) -> Vec<CriterionRollup> {
    let mut out: Vec<CriterionRollup> = Vec::new();
    let cells = rows.iter().flat_map(|r| {
        r.cells
            .iter()
            .map(|c| (CriterionSubject::Collective, c))
            .chain(
                r.staff_progress
                    .iter()
                    .map(|c| (CriterionSubject::Individual, c)),
            )
    });
    let mut sums: Vec<(f64, i64)> = Vec::new();
    for (subject, cell) in cells {
        let i = match out.iter().position(|r| r.criterion_id == cell.criterion_id) {
            Some(i) => i,
            None => {
                out.push(CriterionRollup {
                    criterion_id: cell.criterion_id.clone(),
                    code: cell.code.clone(),
                    title: cell.title.clone(),
                    subject,
                    target: cell.target,
                    units: 0,
                    achieved: 0,
                    in_progress: 0,
                    pending: 0,
                    not_started: 0,
                    stale: 0,
                    mean_value: None,
                });
                sums.push((0.0, 0));
                out.len() - 1
            }
        };
        let r = &mut out[i];
        r.units += 1;
        match cell.status {
            ProgressStatus::Achieved => r.achieved += 1,
            ProgressStatus::InProgress => r.in_progress += 1,
            ProgressStatus::Pending => r.pending += 1,
            ProgressStatus::NotStarted => r.not_started += 1,
        }
        if cell.staleness.is_some() {
            r.stale += 1;
        }
        if let Some(v) = cell.value {
            sums[i].0 += v;
            sums[i].1 += 1;
        }
    }
    for (r, (sum, n)) in out.iter_mut().zip(sums) {
        r.mean_value = (n > 0).then(|| round2(sum / n as f64));
    }
    out
}

/// What a board's evidence and registrations are keyed by: the staff member for an
/// individual subject, the unit for a collective one.
fn subject_key(staff_id: Option<&StaffId>, org_unit_id: &OrgUnitId) -> String {
    match staff_id {
        Some(s) => s.to_string(),
        None => org_unit_id.to_string(),
    }
}

/// Each criterion id, amended or not, to the id of the version in force.
fn current_versions(all: &[Criterion]) -> HashMap<CriterionId, CriterionId> {
    let next: HashMap<&str, &str> = all
        .iter()
        .filter_map(|c| {
            c.superseded_by_id
                .as_ref()
                .map(|n| (c.id.as_str(), n.as_str()))
        })
        .collect();
    all.iter()
        .map(|c| {
            let mut id = c.id.as_str();
            // Amendment chains are short and acyclic; the bound only guards bad data.
            for _ in 0..100 {
                match next.get(id) {
                    Some(n) => id = n,
                    None => break,
                }
            }
            (c.id.clone(), CriterionId::from(id))
        })
        .collect()
}

fn evidence_cell(c: &Criterion, evidence: &[&EvidenceRow], reference: Option<NaiveDate>) -> Cell {
    let mut counts = EvidenceCounts::default();
    for e in evidence {
        match e.status {
            EvidenceStatus::Draft => counts.draft += 1,
            EvidenceStatus::Submitted => counts.submitted += 1,
            EvidenceStatus::Approved => counts.approved += 1,
            EvidenceStatus::Rejected => counts.rejected += 1,
            EvidenceStatus::Returned => counts.returned += 1,
            EvidenceStatus::Withdrawn => {}
        }
    }
    let approved: Vec<&&EvidenceRow> = evidence
        .iter()
        .filter(|e| e.status == EvidenceStatus::Approved)
        .collect();
    let values: Vec<f64> = approved.iter().filter_map(|e| e.value).collect();
    let value = combine(c.measure(), &values);
    let reviewed = approved
        .iter()
        .filter(|e| e.reviewed_score.is_some())
        .max_by_key(|e| (e.as_of, e.updated_at))
        .and_then(|e| e.reviewed_score);
    let (points_value, source) = match (reviewed, value) {
        (Some(r), _) => (
            round2(r.clamp(0.0, c.max_points)),
            Some(PointsSource::Reviewed),
        ),
        (None, Some(v)) => (
            points(c.measure(), c.target, c.max_points, v),
            Some(PointsSource::Computed),
        ),
        (None, None) => (0.0, None),
    };
    let self_score = evidence
        .iter()
        .filter(|e| {
            matches!(
                e.status,
                EvidenceStatus::Submitted | EvidenceStatus::Approved
            )
        })
        .filter(|e| e.self_score.is_some())
        .max_by_key(|e| (e.as_of, e.updated_at))
        .and_then(|e| e.self_score);
    let last_as_of = evidence
        .iter()
        .filter(|e| {
            matches!(
                e.status,
                EvidenceStatus::Submitted | EvidenceStatus::Approved
            )
        })
        .map(|e| e.as_of)
        .max();
    let waiting = counts.draft + counts.submitted + counts.returned > 0;
    let status = status_of(c, value, waiting);
    Cell {
        criterion_id: c.id.clone(),
        code: c.code.clone(),
        title: c.title.clone(),
        measure: c.measure(),
        target: c.target,
        max_points: c.max_points,
        value,
        points: points_value,
        points_source: source,
        self_score,
        status,
        achieved_staff: None,
        headcount: None,
        frequency: c.frequency(),
        last_as_of,
        staleness: stale_of(c, last_as_of, reference),
        evidence: counts,
    }
}

/// A percentage of staff: a collective criterion computed from staff, or (`as_share`) an
/// individual criterion shown for a unit, reached when all its staff reached it.
fn computed_cell(
    c: &Criterion,
    (achievers, headcount, last): (usize, usize, Option<NaiveDate>),
    reference: Option<NaiveDate>,
    as_share: bool,
) -> Cell {
    let value = staff_share(achievers, headcount);
    let (target, max_points) = if as_share {
        (Some(100.0), 0.0)
    } else {
        (c.target, c.max_points)
    };
    let status = match value {
        Some(v) if achieved(Measure::Percent, target, v) => ProgressStatus::Achieved,
        Some(v) if v > 0.0 => ProgressStatus::InProgress,
        _ => ProgressStatus::NotStarted,
    };
    Cell {
        criterion_id: c.id.clone(),
        code: c.code.clone(),
        title: c.title.clone(),
        measure: Measure::Percent,
        target,
        max_points,
        value,
        points: value.map_or(0.0, |v| points(Measure::Percent, target, max_points, v)),
        points_source: value.map(|_| PointsSource::Computed),
        self_score: None,
        status,
        achieved_staff: Some(achievers as i64),
        headcount: Some(headcount as i64),
        frequency: c.frequency(),
        last_as_of: last,
        staleness: stale_of(c, last, reference),
        evidence: EvidenceCounts::default(),
    }
}

fn status_of(c: &Criterion, value: Option<f64>, waiting: bool) -> ProgressStatus {
    match value {
        Some(v) if achieved(c.measure(), c.target, v) => ProgressStatus::Achieved,
        Some(_) => ProgressStatus::InProgress,
        None if waiting => ProgressStatus::Pending,
        None => ProgressStatus::NotStarted,
    }
}

fn stale_of(
    c: &Criterion,
    last: Option<NaiveDate>,
    reference: Option<NaiveDate>,
) -> Option<Staleness> {
    staleness(c.frequency()?, last, reference?)
}

/// Loads the subjects: registered ones, those with evidence (for units, also evidence of
/// their staff), and the named units.
fn subjects(
    conn: &mut AnyConnection,
    set: &SubjectSet,
    registered: &HashSet<String>,
    by_subject: &HashMap<(String, CriterionId), Vec<&EvidenceRow>>,
    staff_units: &HashSet<&str>,
) -> QueryResult<Vec<SubjectRow>> {
    let mut ids: Vec<String> = set.units.iter().map(OrgUnitId::to_string).collect();
    if !set.only_these {
        let mut more: Vec<String> = registered.iter().cloned().collect();
        more.extend(by_subject.keys().map(|(k, _)| k.clone()));
        more.extend(staff_units.iter().map(|id| id.to_string()));
        ids.extend(more);
    }
    ids.sort();
    ids.dedup();
    let mut out = Vec::new();
    // Bounded IN lists: PostgreSQL takes at most 65 535 parameters per statement.
    for chunk in ids.chunks(10_000) {
        match set.kind {
            CriterionSubject::Collective => {
                let units: Vec<(OrgUnitId, String, String, String)> = org_units::table
                    .filter(org_units::id.eq_any(chunk))
                    .select((
                        org_units::id,
                        org_units::name,
                        org_units::name_sort,
                        org_units::path,
                    ))
                    .load(conn)?;
                out.extend(units.into_iter().map(|(id, name, name_sort, path)| {
                    row(set.kind, id, None, name, name_sort, path)
                }));
            }
            CriterionSubject::Individual => {
                let people: Vec<(StaffId, String, String, OrgUnitId, String)> = staff::table
                    .inner_join(org_units::table)
                    .filter(staff::id.eq_any(chunk))
                    .select((
                        staff::id,
                        staff::full_name,
                        staff::name_sort,
                        staff::org_unit_id,
                        org_units::path,
                    ))
                    .load(conn)?;
                out.extend(people.into_iter().map(|(id, name, name_sort, unit, path)| {
                    row(set.kind, unit, Some(id), name, name_sort, path)
                }));
            }
        }
    }
    Ok(out)
}

fn row(
    subject: CriterionSubject,
    org_unit_id: OrgUnitId,
    staff_id: Option<StaffId>,
    name: String,
    name_sort: String,
    unit_path: String,
) -> SubjectRow {
    SubjectRow {
        subject,
        org_unit_id,
        staff_id,
        name,
        registered: false,
        total_points: 0.0,
        self_total: None,
        achieved: 0,
        headcount: None,
        cells: Vec::new(),
        staff_progress: Vec::new(),
        unit_path,
        name_sort,
    }
}

/// Tallies the active staff in the plan's reach into each board unit above them: one pass
/// over the staff, each counted into its unit and that unit's ancestors.
fn staff_index(
    conn: &mut AnyConnection,
    issuer_path: &str,
    unit_paths: &HashSet<&str>,
    all: &[Criterion],
    rows: &[EvidenceRow],
) -> QueryResult<StaffIndex> {
    let active: Vec<(String, String)> = staff::table
        .inner_join(org_units::table)
        .filter(staff::active.eq(true))
        .filter(org_units::path.like(prefix_pattern(issuer_path)))
        .select((staff::id, org_units::path))
        .load(conn)?;
    // Criteria by place, and people by id: a province's board folds ~20 000 rows and
    // 20 000 people, so each step below hashes a 36-character id as rarely as it can.
    let criteria: HashMap<CriterionId, usize> = all
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.clone(), i))
        .collect();
    // Approved values per (person, criterion) in date order, and each person's latest
    // report per criterion.
    let mut values: HashMap<(&str, usize), Vec<f64>> = HashMap::new();
    let mut people: HashMap<&str, PersonFacts> = HashMap::new();
    for r in rows {
        let Some(person) = r.staff_id.as_ref().map(StaffId::as_str) else {
            continue;
        };
        if !matches!(
            r.status,
            EvidenceStatus::Submitted | EvidenceStatus::Approved
        ) {
            continue;
        }
        let Some(&i) = criteria.get(r.criterion_id.as_str()) else {
            continue;
        };
        let facts = people.entry(person).or_default();
        match facts.reported.iter_mut().find(|(c, _)| *c == i) {
            Some((_, day)) => *day = (*day).max(r.as_of),
            None => facts.reported.push((i, r.as_of)),
        }
        if let (EvidenceStatus::Approved, Some(v)) = (r.status, r.value) {
            values.entry((person, i)).or_default().push(v);
        }
    }
    for ((person, i), vals) in &values {
        let c = &all[*i];
        if combine(c.measure(), vals).is_some_and(|v| achieved(c.measure(), c.target, v)) {
            people.entry(person).or_default().reached.push(*i);
        }
    }
    let mut tallies: HashMap<String, Tally> = unit_paths
        .iter()
        .map(|path| {
            let tally = Tally {
                headcount: 0,
                reached: vec![0; all.len()],
                last_reported: vec![None; all.len()],
            };
            (path.to_string(), tally)
        })
        .collect();
    for (id, path) in &active {
        let facts = people.get(id.as_str());
        // The unit's path and each ancestor's: "/a/", "/a/b/", …
        let ancestors = path
            .char_indices()
            .filter(|(i, ch)| *i > 0 && *ch == '/')
            .map(|(i, _)| &path[..=i]);
        for unit in ancestors {
            let Some(t) = tallies.get_mut(unit) else {
                continue;
            };
            t.headcount += 1;
            let Some(facts) = facts else {
                continue;
            };
            for &i in &facts.reached {
                t.reached[i] += 1;
            }
            for &(i, day) in &facts.reported {
                let last = &mut t.last_reported[i];
                *last = Some(last.map_or(day, |d| d.max(day)));
            }
        }
    }
    Ok(StaffIndex { criteria, tallies })
}

/// One person's part in [`staff_index`], by the criteria's places.
#[derive(Default)]
struct PersonFacts {
    /// Criteria whose target the person's approved values reach.
    reached: Vec<usize>,
    /// The latest day the person submitted or had approved evidence for, per criterion.
    reported: Vec<(usize, NaiveDate)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_combine_by_measure() {
        assert_eq!(combine(Measure::Count, &[2.0, 3.0]), Some(5.0));
        assert_eq!(combine(Measure::Percent, &[40.0, 70.0]), Some(70.0));
        assert_eq!(combine(Measure::Boolean, &[1.0, 0.0]), Some(1.0));
        assert_eq!(combine(Measure::Score, &[]), None);
    }

    #[test]
    fn points_are_proportional_and_capped() {
        assert_eq!(points(Measure::Percent, Some(80.0), 10.0, 40.0), 5.0);
        assert_eq!(points(Measure::Percent, Some(80.0), 10.0, 100.0), 10.0);
        assert_eq!(points(Measure::Count, Some(3.0), 6.0, 1.0), 2.0);
        assert_eq!(points(Measure::Boolean, None, 5.0, 0.0), 0.0);
        assert_eq!(points(Measure::Score, Some(8.0), 10.0, 12.0), 10.0);
        assert_eq!(points(Measure::Count, Some(0.0), 4.0, 0.0), 4.0);
    }

    #[test]
    fn shares_of_headcount() {
        assert_eq!(staff_share(2, 3), Some(66.67));
        assert_eq!(staff_share(0, 0), None);
        let none: [f64; 0] = [];
        assert!(round2(none.iter().sum()).is_sign_positive());
    }

    #[test]
    fn staleness_by_frequency() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let at = d("2026-11-23");
        assert_eq!(
            staleness(Frequency::Monthly, None, at),
            Some(Staleness::Missing)
        );
        assert_eq!(
            staleness(Frequency::Monthly, Some(d("2026-10-24")), at),
            None
        );
        assert_eq!(
            staleness(Frequency::Monthly, Some(d("2026-10-23")), at),
            Some(Staleness::Stale)
        );
        assert_eq!(
            staleness(Frequency::Quarterly, Some(d("2026-09-01")), at),
            None
        );
        assert_eq!(reference_day(2027, at), None);
        assert_eq!(reference_day(2025, at), Some(d("2025-12-31")));
    }

    #[test]
    fn ties_share_a_rank() {
        let sorted = [10.0, 8.0, 8.0, 5.0];
        assert_eq!(competition_ranks(&sorted, |a, b| a == b), vec![1, 2, 2, 4]);
    }
}

//! Criteria (tiêu chí, chỉ tiêu): the measurable targets of a plan. Once the plan is
//! issued they are frozen: a change makes a new version (an amendment) and keeps the old
//! one, so evidence and scores keep pointing at what was in force.

use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{criteria, org_units, plan_items, plans};
use crate::db::{AnyConnection, Tx, contains_pattern};
use crate::domain::Error;
use crate::domain::access::Principal;
use crate::domain::audit::{self, ChangeAction, Resource, ResourceKind};
use crate::domain::plans::{Plan, PlanStatus};
use crate::domain::policy;
use crate::domain::{Actor, PageRequest, ensure_version, now, text_enum};
use crate::ids::{CriterionId, PlanId};
use crate::on_backend;
use crate::text::fold;

text_enum! {
    /// Tập thể (an org unit) or cá nhân (a staff member).
    pub enum CriterionSubject {
        Collective => "collective",
        Individual => "individual",
    }
}

text_enum! {
    /// How achievement is measured.
    pub enum Measure {
        /// A share, 0–100 ("100% công chức được bồi dưỡng kỹ năng số").
        Percent => "percent",
        /// A number of things, never negative.
        Count => "count",
        /// Done or not.
        Boolean => "boolean",
        /// Points, up to the criterion's maximum.
        Score => "score",
    }
}

text_enum! {
    /// How often evidence for a criterion is expected; older evidence is stale.
    pub enum Frequency {
        Monthly => "monthly",
        Quarterly => "quarterly",
        Yearly => "yearly",
    }
}

impl Frequency {
    pub fn months(self) -> u32 {
        match self {
            Frequency::Monthly => 1,
            Frequency::Quarterly => 3,
            Frequency::Yearly => 12,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = criteria)]
pub struct Criterion {
    pub id: CriterionId,
    pub plan_id: PlanId,
    pub subject: CriterionSubject,
    pub code: String,
    pub position: i32,
    pub title: String,
    #[serde(skip)]
    pub search_text: String,
    pub description: Option<String>,
    pub measure: Measure,
    pub target: Option<f64>,
    pub unit: Option<String>,
    pub max_points: f64,
    pub evidence_expected: Option<String>,
    pub content_no: Option<i32>,
    pub supersedes_id: Option<CriterionId>,
    pub superseded_by_id: Option<CriterionId>,
    pub amendment_reason: Option<String>,
    pub current: bool,
    pub version: i64,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
    pub frequency: Option<Frequency>,
    pub source_criterion_id: Option<CriterionId>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CriterionFields {
    pub subject: CriterionSubject,
    pub code: String,
    pub position: Option<i32>,
    pub title: String,
    pub description: Option<String>,
    pub measure: Measure,
    pub target: Option<f64>,
    pub unit: Option<String>,
    pub max_points: f64,
    pub evidence_expected: Option<String>,
    pub content_no: Option<i32>,
    pub frequency: Option<Frequency>,
    /// For a collective percentage computed from staff: the individual criterion whose
    /// approved evidence is counted over the unit's active headcount.
    pub source_criterion_id: Option<CriterionId>,
}

impl Criterion {
    pub fn subject(&self) -> CriterionSubject {
        self.subject
    }

    pub fn measure(&self) -> Measure {
        self.measure
    }

    pub fn frequency(&self) -> Option<Frequency> {
        self.frequency
    }

    pub fn fields(&self) -> CriterionFields {
        CriterionFields {
            subject: self.subject,
            code: self.code.clone(),
            position: Some(self.position),
            title: self.title.clone(),
            description: self.description.clone(),
            measure: self.measure,
            target: self.target,
            unit: self.unit.clone(),
            max_points: self.max_points,
            evidence_expected: self.evidence_expected.clone(),
            content_no: self.content_no,
            frequency: self.frequency(),
            source_criterion_id: self.source_criterion_id.clone(),
        }
    }
}

/// Whether a number (a target, or a measured value) fits a measure; the message says why not.
pub fn fits_measure(measure: Measure, v: f64, max_points: f64) -> Result<(), &'static str> {
    match measure {
        _ if !v.is_finite() => Err("must be a number"),
        // Sums of counts must stay finite.
        _ if v.abs() > 1e12 => Err("at most 1 000 000 000 000"),
        Measure::Percent if !(0.0..=100.0).contains(&v) => Err("a percentage is between 0 and 100"),
        Measure::Count if v < 0.0 || v.fract() != 0.0 => {
            Err("a count is a whole number, not negative")
        }
        Measure::Score if v < 0.0 || v > max_points => Err("a score is between 0 and max_points"),
        Measure::Boolean if v != 0.0 && v != 1.0 => Err("yes/no is 1 (done) or 0 (not done)"),
        _ => Ok(()),
    }
}

/// A target must fit its measure: a percent within 0–100, a count whole and not negative,
/// a score within the maximum points; a yes/no criterion has no number.
pub fn check_target(measure: Measure, target: Option<f64>, max_points: f64) -> Result<(), Error> {
    let bad = |message: &str| Err(Error::invalid("target", "out_of_measure", message));
    match (measure, target) {
        (Measure::Boolean, Some(_)) => bad("a yes/no criterion has no target number"),
        (_, Some(t)) => fits_measure(measure, t, max_points).or_else(bad),
        (Measure::Percent | Measure::Count | Measure::Score, None) => Err(Error::invalid(
            "target",
            "required",
            "this measure needs a target",
        )),
        (Measure::Boolean, None) => Ok(()),
    }
}

pub fn find(conn: &mut AnyConnection, id: &CriterionId) -> QueryResult<Option<Criterion>> {
    on_backend!(conn, |c| criteria::table
        .find(id)
        .select(Criterion::as_select())
        .get_result(c))
    .optional()
}

/// A criterion with its plan and the path of the plan's issuer, in one statement (a write
/// of evidence reads all three; on PostgreSQL each statement is a round trip).
pub fn find_with_plan(
    conn: &mut AnyConnection,
    id: &CriterionId,
) -> QueryResult<Option<(Criterion, Plan, String)>> {
    on_backend!(conn, |c| criteria::table
        .inner_join(plans::table.inner_join(org_units::table))
        .filter(criteria::id.eq(id))
        .select((Criterion::as_select(), Plan::as_select(), org_units::path))
        .get_result(c))
    .optional()
}

/// What may happen to the criteria of a plan in a status: edited in place (draft),
/// amended (issued, in progress), or nothing (closed, cancelled).
enum Change {
    InPlace,
    Amendment,
}

fn change_kind(plan: &Plan, reason: Option<&str>) -> Result<Change, Error> {
    match plan.status {
        PlanStatus::Draft => Ok(Change::InPlace),
        PlanStatus::Issued | PlanStatus::InProgress => match reason {
            Some(r) if !r.trim().is_empty() => Ok(Change::Amendment),
            _ => Err(Error::invalid(
                "amendment_reason",
                "required",
                "the plan is issued: its criteria change only by an amendment with a reason",
            )),
        },
        PlanStatus::Closed | PlanStatus::Cancelled => Err(Error::conflict(
            "plan_closed",
            "The plan is closed or cancelled; its criteria no longer change.",
        )),
    }
}

fn check(
    conn: &mut AnyConnection,
    plan: &Plan,
    f: &CriterionFields,
    except: Option<&CriterionId>,
) -> Result<(), Error> {
    if !(0.0..=1000.0).contains(&f.max_points) {
        return Err(Error::invalid(
            "max_points",
            "range",
            "must be between 0 and 1000",
        ));
    }
    check_target(f.measure, f.target, f.max_points)?;
    if let Some(no) = f.content_no {
        let contents: i64 = plan_items::table
            .filter(plan_items::plan_id.eq(&plan.id))
            .filter(plan_items::section.eq("content"))
            .count()
            .get_result(conn)?;
        if no < 1 || i64::from(no) > contents {
            return Err(Error::invalid(
                "content_no",
                "not_found",
                format!("the plan has {contents} content item(s)"),
            ));
        }
    }
    if let Some(source_id) = &f.source_criterion_id {
        check_source(conn, plan, f, source_id)?;
    }
    let mut q = criteria::table
        .filter(criteria::plan_id.eq(&plan.id))
        .filter(criteria::current.eq(true))
        .filter(criteria::code.eq(f.code.clone()))
        .into_boxed();
    if let Some(id) = except {
        q = q.filter(criteria::id.ne(id.clone()));
    }
    let n: i64 = q.count().get_result(conn)?;
    if n > 0 {
        return Err(Error::conflict_field(
            "code",
            "duplicate",
            "another criterion of this plan has this code",
        ));
    }
    Ok(())
}

/// A percentage computed from staff counts an individual criterion of the same plan, and
/// is itself a collective percentage.
fn check_source(
    conn: &mut AnyConnection,
    plan: &Plan,
    f: &CriterionFields,
    source_id: &CriterionId,
) -> Result<(), Error> {
    let bad = |code: &str, message: &str| Error::invalid("source_criterion_id", code, message);
    if f.subject != CriterionSubject::Collective || f.measure != Measure::Percent {
        return Err(bad(
            "not_allowed",
            "only a collective percent criterion is computed from staff",
        ));
    }
    let source = find(conn, source_id)?
        .filter(|s| s.plan_id == plan.id && s.current)
        .ok_or_else(|| bad("not_found", "no current criterion of this plan has this id"))?;
    if source.subject() != CriterionSubject::Individual {
        return Err(bad("wrong_subject", "must be an individual criterion"));
    }
    Ok(())
}

fn insert(
    tx: &mut Tx<'_>,
    plan_id: &PlanId,
    f: &CriterionFields,
    position: i32,
    supersedes: Option<&CriterionId>,
    reason: Option<&str>,
) -> QueryResult<Criterion> {
    let at = now();
    diesel::insert_into(criteria::table)
        .values((
            criteria::id.eq(CriterionId::new()),
            criteria::plan_id.eq(plan_id),
            criteria::subject.eq(f.subject.as_str()),
            criteria::code.eq(&f.code),
            criteria::position.eq(position),
            criteria::title.eq(&f.title),
            criteria::search_text.eq(fold(&format!("{} {}", f.code, f.title))),
            criteria::description.eq(&f.description),
            criteria::measure.eq(f.measure.as_str()),
            criteria::target.eq(f.target),
            criteria::unit.eq(&f.unit),
            criteria::max_points.eq(f.max_points),
            criteria::evidence_expected.eq(&f.evidence_expected),
            criteria::content_no.eq(f.content_no),
            criteria::supersedes_id.eq(supersedes),
            criteria::amendment_reason.eq(reason),
            criteria::current.eq(true),
            criteria::frequency.eq(f.frequency.map(Frequency::as_str)),
            criteria::source_criterion_id.eq(&f.source_criterion_id),
            criteria::version.eq(1),
            criteria::created_at.eq(at),
            criteria::updated_at.eq(at),
        ))
        .returning(criteria::all_columns)
        .get_result(tx.conn())
}

/// Adds a criterion to a plan (to an issued plan only as an amendment with a reason).
pub fn create(
    tx: &mut Tx<'_>,
    actor: &Actor,
    plan: &Plan,
    f: CriterionFields,
    reason: Option<&str>,
) -> Result<Criterion, Error> {
    let kind = change_kind(plan, reason)?;
    check(tx, plan, &f, None)?;
    let position = match f.position {
        Some(p) => p,
        None => {
            let last: Option<i32> = criteria::table
                .filter(criteria::plan_id.eq(&plan.id))
                .select(diesel::dsl::max(criteria::position))
                .first(tx.conn())?;
            last.map_or(1, |p| p + 1)
        }
    };
    let reason = match kind {
        Change::InPlace => None,
        Change::Amendment => reason,
    };
    let c = insert(tx, &plan.id, &f, position, None, reason)?;
    let resource = Resource {
        kind: ResourceKind::Criterion,
        id: c.id.as_str(),
        version: c.version,
    };
    audit::record_change(tx, actor, ChangeAction::Created, resource, None, Some(&c))?;
    Ok(c)
}

/// Changes a criterion: in place on a draft plan; on an issued one, a new version that
/// supersedes this one (which is kept, no longer current). Returns the criterion in force.
pub fn update(
    tx: &mut Tx<'_>,
    actor: &Actor,
    plan: &Plan,
    current: Criterion,
    expected_version: i64,
    f: CriterionFields,
    reason: Option<&str>,
) -> Result<Criterion, Error> {
    ensure_version(current.version, expected_version)?;
    if !current.current {
        return Err(Error::conflict(
            "superseded",
            "This version was replaced by an amendment; change the current version.",
        ));
    }
    let kind = change_kind(plan, reason)?;
    if matches!(kind, Change::Amendment) && f == current.fields() {
        return Err(Error::invalid(
            "body",
            "no_change",
            "the amendment changes nothing",
        ));
    }
    check(tx, plan, &f, Some(&current.id))?;
    let position = f.position.unwrap_or(current.position);
    match kind {
        Change::InPlace => {
            let c: Criterion = diesel::update(criteria::table.find(&current.id))
                .set((
                    criteria::subject.eq(f.subject.as_str()),
                    criteria::code.eq(&f.code),
                    criteria::position.eq(position),
                    criteria::title.eq(&f.title),
                    criteria::search_text.eq(fold(&format!("{} {}", f.code, f.title))),
                    criteria::description.eq(&f.description),
                    criteria::measure.eq(f.measure.as_str()),
                    criteria::target.eq(f.target),
                    criteria::unit.eq(&f.unit),
                    criteria::max_points.eq(f.max_points),
                    criteria::evidence_expected.eq(&f.evidence_expected),
                    criteria::content_no.eq(f.content_no),
                    criteria::frequency.eq(f.frequency.map(Frequency::as_str)),
                    criteria::source_criterion_id.eq(&f.source_criterion_id),
                    criteria::version.eq(current.version + 1),
                    criteria::updated_at.eq(now()),
                ))
                .returning(criteria::all_columns)
                .get_result(tx.conn())?;
            let resource = Resource {
                kind: ResourceKind::Criterion,
                id: c.id.as_str(),
                version: c.version,
            };
            audit::record_change(
                tx,
                actor,
                ChangeAction::Updated,
                resource,
                Some(&current),
                Some(&c),
            )?;
            Ok(c)
        }
        Change::Amendment => {
            // The old version first leaves "current", so the new one may take its code.
            let old: Criterion = diesel::update(criteria::table.find(&current.id))
                .set((
                    criteria::current.eq(false),
                    criteria::version.eq(current.version + 1),
                    criteria::updated_at.eq(now()),
                ))
                .returning(criteria::all_columns)
                .get_result(tx.conn())?;
            let new = insert(tx, &plan.id, &f, position, Some(&current.id), reason)?;
            let old: Criterion = diesel::update(criteria::table.find(&old.id))
                .set(criteria::superseded_by_id.eq(&new.id))
                .returning(criteria::all_columns)
                .get_result(tx.conn())?;
            let resource = Resource {
                kind: ResourceKind::Criterion,
                id: old.id.as_str(),
                version: old.version,
            };
            audit::record_change(
                tx,
                actor,
                ChangeAction::Superseded,
                resource,
                Some(&current),
                Some(&old),
            )?;
            let resource = Resource {
                kind: ResourceKind::Criterion,
                id: new.id.as_str(),
                version: new.version,
            };
            audit::record_change(tx, actor, ChangeAction::Created, resource, None, Some(&new))?;
            Ok(new)
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct CriterionFilter {
    pub q: Option<String>,
    pub subject: Option<CriterionSubject>,
    /// Include versions replaced by amendments.
    pub include_superseded: bool,
    pub updated_since: Option<chrono::NaiveDateTime>,
}

/// The criteria of a plan, in the plan's order.
pub fn list(
    conn: &mut AnyConnection,
    plan_id: &PlanId,
    filter: &CriterionFilter,
    page: PageRequest,
) -> QueryResult<(Vec<Criterion>, i64)> {
    let query = || {
        let mut q = criteria::table
            .filter(criteria::plan_id.eq(plan_id.clone()))
            .into_boxed();
        if !filter.include_superseded {
            q = q.filter(criteria::current.eq(true));
        }
        if let Some(text) = filter.q.as_deref().map(fold).filter(|t| !t.is_empty()) {
            q = q.filter(
                criteria::search_text
                    .like(contains_pattern(&text))
                    .escape('\\'),
            );
        }
        if let Some(s) = filter.subject {
            q = q.filter(criteria::subject.eq(s.as_str()));
        }
        if let Some(since) = filter.updated_since {
            q = q.filter(criteria::updated_at.ge(since));
        }
        q
    };
    let total = query().count().get_result(conn)?;
    let items = query()
        .order((
            criteria::subject.asc(),
            criteria::position.asc(),
            criteria::created_at.asc(),
        ))
        .offset(page.offset())
        .limit(page.per_page)
        .select(Criterion::as_select())
        .load(conn)?;
    Ok((items, total))
}

/// A criterion with its plan and the plan's issuer path, when both exist and the plan is
/// visible to the caller; each caller answers `None` in its own words.
pub fn criterion_with_visible_plan(
    conn: &mut AnyConnection,
    principal: &Principal,
    id: &CriterionId,
) -> Result<Option<(Criterion, Plan, String)>, Error> {
    let found = find_with_plan(conn, id)?;
    Ok(found.filter(|(_, _, path)| policy::can_read_plan(principal, path)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_fit_their_measure() {
        assert!(check_target(Measure::Percent, Some(100.0), 10.0).is_ok());
        assert!(check_target(Measure::Percent, Some(100.5), 10.0).is_err());
        assert!(check_target(Measure::Percent, Some(-1.0), 10.0).is_err());
        assert!(check_target(Measure::Count, Some(3.0), 10.0).is_ok());
        assert!(check_target(Measure::Count, Some(-3.0), 10.0).is_err());
        assert!(check_target(Measure::Count, Some(2.5), 10.0).is_err());
        assert!(check_target(Measure::Score, Some(11.0), 10.0).is_err());
        assert!(check_target(Measure::Boolean, None, 10.0).is_ok());
        assert!(check_target(Measure::Boolean, Some(1.0), 10.0).is_err());
        assert!(check_target(Measure::Percent, None, 10.0).is_err());
    }
}

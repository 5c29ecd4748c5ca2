//! Plans (kế hoạch): an office's implementation plan for one or more movements, held as
//! structured parts, with a status machine and a yearly report deadline.

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{org_units, plan_movements, plan_phases, plans};
use crate::db::{AnyConnection, Tx, contains_pattern, prefix_pattern};
use crate::domain::Error;
use crate::domain::access::Principal;
use crate::domain::access::Scope;
use crate::domain::audit::{self, ChangeAction, Resource, ResourceKind};
use crate::domain::policy;
use crate::domain::workflow::{self, Move, Workflow};
use crate::domain::{
    Actor, PageRequest, Sort, SortField, ensure_version, now, text_enum, year_range,
};
use crate::ids::{OrgUnitId, PlanId};
use crate::on_backend;
use crate::text::fold;

mod content;
pub use content::*;

text_enum! {
    /// draft → issued → in_progress → closed; any but closed → cancelled.
    pub enum PlanStatus {
        Draft => "draft",
        Issued => "issued",
        InProgress => "in_progress",
        Closed => "closed",
        Cancelled => "cancelled",
    }
}

text_enum! {
    /// The review that ends a phase: sơ kết (interim) or tổng kết (final).
    pub enum Review {
        Interim => "interim",
        Final => "final",
    }
}

text_enum! {
    /// When awards are given (khen thưởng hằng năm / sơ kết / tổng kết / chuyên đề / đột xuất).
    pub enum Occasion {
        Annual => "annual",
        Interim => "interim",
        Final => "final",
        Thematic => "thematic",
        AdHoc => "ad_hoc",
    }
}

text_enum! {
    /// Who an award form or criterion is for: tập thể, cá nhân, or both.
    pub enum AwardSubject {
        Collective => "collective",
        Individual => "individual",
        Both => "both",
    }
}

text_enum! {
    /// Chủ trì (lead) or phối hợp (coordinate).
    pub enum ResponsibilityRole {
        Lead => "lead",
        Coordinate => "coordinate",
    }
}

/// The plan's workflow: moved by naming the next status.
impl Workflow for PlanStatus {
    type Action = PlanStatus;
    type Record = ();

    fn moves() -> &'static [Move<PlanStatus, PlanStatus, ()>] {
        use PlanStatus::*;
        const MOVES: &[Move<PlanStatus, PlanStatus, ()>] = &[
            Move::to(&[Draft], Issued),
            Move::to(&[Issued], InProgress),
            Move::to(&[InProgress], Closed),
            Move::to(&[Draft, Issued, InProgress], Cancelled),
        ];
        MOVES
    }

    fn refused(from: PlanStatus, to: PlanStatus) -> Error {
        Error::conflict(
            "transition_not_allowed",
            format!("A plan cannot go from {from} to {to}."),
        )
    }
}

/// Whether the plan's own text may still change (only drafts: an issued plan is a legal document).
pub fn is_editable(status: PlanStatus) -> bool {
    status == PlanStatus::Draft
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = plans)]
pub struct Plan {
    pub id: PlanId,
    pub number: Option<String>,
    pub issued_on: Option<NaiveDate>,
    pub issuer_id: OrgUnitId,
    pub title: String,
    #[serde(skip)]
    pub search_text: String,
    pub signer_name: Option<String>,
    pub signer_title: Option<String>,
    pub status: PlanStatus,
    pub report_month: Option<i32>,
    pub report_day: Option<i32>,
    pub report_to: Option<String>,
    pub report_note: Option<String>,
    pub version: i64,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

/// A plan with the path of its issuing unit, which decides who sees it.
pub fn find(conn: &mut AnyConnection, id: &PlanId) -> QueryResult<Option<(Plan, String)>> {
    on_backend!(conn, |c| plans::table
        .inner_join(org_units::table)
        .filter(plans::id.eq(id))
        .select((Plan::as_select(), org_units::path))
        .get_result(c))
    .optional()
}

/// Creates a draft plan with all its parts.
pub fn create(
    tx: &mut Tx<'_>,
    actor: &Actor,
    c: PlanContent,
    unit_visible: &dyn Fn(&str) -> bool,
) -> Result<PlanDetail, Error> {
    check(tx, &c, unit_visible)?;
    let at = now();
    let id = PlanId::new();
    let d = c.report_deadline.as_ref();
    let plan: Plan = diesel::insert_into(plans::table)
        .values((
            plans::id.eq(&id),
            plans::number.eq(&c.number),
            plans::issued_on.eq(c.issued_on),
            plans::issuer_id.eq(&c.issuer_id),
            plans::title.eq(&c.title),
            plans::search_text.eq(search_text(&c)),
            plans::signer_name.eq(&c.signer_name),
            plans::signer_title.eq(&c.signer_title),
            plans::status.eq(PlanStatus::Draft.as_str()),
            plans::report_month.eq(d.map(|d| d.month as i32)),
            plans::report_day.eq(d.map(|d| d.day as i32)),
            plans::report_to.eq(d.and_then(|d| d.to.clone())),
            plans::report_note.eq(d.and_then(|d| d.note.clone())),
            plans::version.eq(1),
            plans::created_at.eq(at),
            plans::updated_at.eq(at),
        ))
        .returning(plans::all_columns)
        .get_result(tx.conn())?;
    write_parts(tx, &id, &c)?;
    let detail = PlanDetail { plan, content: c };
    let resource = Resource {
        kind: ResourceKind::Plan,
        id: id.as_str(),
        version: 1,
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

/// Replaces a draft plan's content.
pub fn update(
    tx: &mut Tx<'_>,
    actor: &Actor,
    current: PlanDetail,
    expected_version: i64,
    c: PlanContent,
    unit_visible: &dyn Fn(&str) -> bool,
) -> Result<PlanDetail, Error> {
    ensure_version(current.plan.version, expected_version)?;
    if !is_editable(current.plan.status) {
        return Err(Error::conflict(
            "plan_not_draft",
            "Only a draft plan can be changed; an issued plan changes through its criteria's amendments.",
        ));
    }
    check(tx, &c, unit_visible)?;
    // Criteria name content items by number: the list may not shrink below them.
    let highest: Option<i32> = crate::db::schema::criteria::table
        .filter(crate::db::schema::criteria::plan_id.eq(&current.plan.id))
        .select(diesel::dsl::max(crate::db::schema::criteria::content_no))
        .first(tx.conn())?;
    if let Some(n) = highest
        && c.contents.len() < n as usize
    {
        return Err(Error::invalid(
            "contents",
            "referenced",
            format!("criteria refer to content item {n}; keep at least {n} items"),
        ));
    }
    let d = c.report_deadline.as_ref();
    let plan: Plan = diesel::update(plans::table.find(&current.plan.id))
        .set((
            plans::number.eq(&c.number),
            plans::issued_on.eq(c.issued_on),
            plans::issuer_id.eq(&c.issuer_id),
            plans::title.eq(&c.title),
            plans::search_text.eq(search_text(&c)),
            plans::signer_name.eq(&c.signer_name),
            plans::signer_title.eq(&c.signer_title),
            plans::report_month.eq(d.map(|d| d.month as i32)),
            plans::report_day.eq(d.map(|d| d.day as i32)),
            plans::report_to.eq(d.and_then(|d| d.to.clone())),
            plans::report_note.eq(d.and_then(|d| d.note.clone())),
            plans::version.eq(current.plan.version + 1),
            plans::updated_at.eq(now()),
        ))
        .returning(plans::all_columns)
        .get_result(tx.conn())?;
    write_parts(tx, &plan.id, &c)?;
    let detail = PlanDetail { plan, content: c };
    let resource = Resource {
        kind: ResourceKind::Plan,
        id: detail.plan.id.as_str(),
        version: detail.plan.version,
    };
    audit::record_change(
        tx,
        actor,
        ChangeAction::Updated,
        resource,
        Some(&current),
        Some(&detail),
    )?;
    Ok(detail)
}

/// Moves a plan to another status; issuing needs its number and date.
pub fn transition(
    tx: &mut Tx<'_>,
    actor: &Actor,
    current: PlanDetail,
    expected_version: i64,
    to: PlanStatus,
) -> Result<PlanDetail, Error> {
    ensure_version(current.plan.version, expected_version)?;
    workflow::next(current.plan.status, to, &())?;
    if to == PlanStatus::Issued {
        if current.plan.number.is_none() {
            return Err(Error::invalid(
                "number",
                "required",
                "a plan needs its number (số/ký hiệu) to be issued",
            ));
        }
        if current.plan.issued_on.is_none() {
            return Err(Error::invalid(
                "issued_on",
                "required",
                "a plan needs its date to be issued",
            ));
        }
    }
    let plan: Plan = diesel::update(plans::table.find(&current.plan.id))
        .set((
            plans::status.eq(to.as_str()),
            plans::version.eq(current.plan.version + 1),
            plans::updated_at.eq(now()),
        ))
        .returning(plans::all_columns)
        .get_result(tx.conn())?;
    let action = if to == PlanStatus::Cancelled {
        ChangeAction::Archived
    } else {
        ChangeAction::Updated
    };
    let resource = Resource {
        kind: ResourceKind::Plan,
        id: plan.id.as_str(),
        version: plan.version,
    };
    audit::record_change(
        tx,
        actor,
        action,
        resource,
        Some(&current.plan),
        Some(&plan),
    )?;
    Ok(PlanDetail {
        plan,
        content: current.content,
    })
}

/// The next report due dates: the deadline's day in each year of the plan's span, from `from`.
pub fn deadlines(detail: &PlanDetail, from: NaiveDate, count: usize) -> Vec<NaiveDate> {
    let Some(d) = &detail.content.report_deadline else {
        return Vec::new();
    };
    let last_year = detail
        .content
        .phases
        .iter()
        .map(|p| p.end_date.year())
        .max()
        .unwrap_or(from.year() + 10);
    (from.year()..=last_year)
        .filter_map(|y| NaiveDate::from_ymd_opt(y, d.month, d.day))
        .filter(|date| *date >= from)
        .take(count)
        .collect()
}

/// Registrations and evidence are taken only while the plan runs (issued or in progress).
pub fn ensure_running(plan: &Plan) -> Result<(), Error> {
    match plan.status {
        PlanStatus::Issued | PlanStatus::InProgress => Ok(()),
        status => Err(Error::conflict(
            "plan_not_running",
            format!(
                "The plan is {status}: it takes registrations and evidence only once issued and until closed."
            ),
        )),
    }
}

/// A year of work under a plan must fall within its phases (any year when it has none).
pub fn ensure_year_in_plan(
    conn: &mut AnyConnection,
    plan_id: &PlanId,
    year: i32,
) -> Result<(), Error> {
    let years = plan_phases::table
        .filter(plan_phases::plan_id.eq(plan_id))
        .select((
            diesel::dsl::min(plan_phases::start_date),
            diesel::dsl::max(plan_phases::end_date),
        ));
    let (first, last): (Option<NaiveDate>, Option<NaiveDate>) =
        on_backend!(conn, |c| years.get_result(c))?;
    match (first, last) {
        (Some(first), Some(last)) if year < first.year() || year > last.year() => {
            Err(Error::invalid(
                "year",
                "outside_plan",
                format!("the plan runs from {} to {}", first.year(), last.year()),
            ))
        }
        _ => Ok(()),
    }
}

/// Whether a plan reaches a unit: plans apply to the units below their issuer.
pub fn reaches(issuer_path: &str, unit_path: &str) -> bool {
    unit_path.starts_with(issuer_path)
}

/// What part of the plans an account sees: those of units in its subtree, and those of
/// the units above it (the plans that apply to it).
pub fn visible(scope: &Scope, issuer_path: &str) -> bool {
    match scope {
        Scope::All => true,
        Scope::Subtree(prefix) => {
            issuer_path.starts_with(prefix.as_str()) || prefix.starts_with(issuer_path)
        }
        Scope::Nothing => false,
    }
}

#[derive(Debug, Clone, Default)]
pub struct PlanFilter {
    pub q: Option<String>,
    pub status: Option<PlanStatus>,
    pub issuer_id: Option<OrgUnitId>,
    pub movement_id: Option<String>,
    /// Plans with a phase running in this year.
    pub year: Option<i32>,
    pub updated_since: Option<chrono::NaiveDateTime>,
}

#[derive(Debug, Clone, Copy)]
pub enum PlanSort {
    IssuedOn,
    Title,
    UpdatedAt,
}

impl SortField for PlanSort {
    const FIELDS: &'static [(&'static str, Self)] = &[
        ("issued_on", PlanSort::IssuedOn),
        ("title", PlanSort::Title),
        ("updated_at", PlanSort::UpdatedAt),
    ];
}

pub fn list(
    conn: &mut AnyConnection,
    scope: &Scope,
    filter: &PlanFilter,
    sort: Sort<PlanSort>,
    page: PageRequest,
) -> QueryResult<(Vec<Plan>, i64)> {
    use diesel::sql_types::{Bool, Text};
    let query = || {
        let mut q = plans::table.inner_join(org_units::table).into_boxed();
        match scope {
            Scope::All => {}
            Scope::Subtree(prefix) => {
                q = q.filter(
                    org_units::path.like(prefix_pattern(prefix)).or(prefix
                        .clone()
                        .into_sql::<Text>()
                        .like(org_units::path.concat("%"))),
                )
            }
            Scope::Nothing => q = q.filter(false.into_sql::<Bool>()),
        }
        if let Some(text) = filter.q.as_deref().map(fold).filter(|t| !t.is_empty()) {
            q = q.filter(
                plans::search_text
                    .like(contains_pattern(&text))
                    .escape('\\'),
            );
        }
        if let Some(s) = filter.status {
            q = q.filter(plans::status.eq(s.as_str()));
        }
        if let Some(unit) = &filter.issuer_id {
            q = q.filter(plans::issuer_id.eq(unit.clone()));
        }
        if let Some(m) = &filter.movement_id {
            q = q.filter(
                plans::id.eq_any(
                    plan_movements::table
                        .filter(plan_movements::movement_id.eq(m.clone()))
                        .select(plan_movements::plan_id),
                ),
            );
        }
        if let Some((first, last)) = filter.year.and_then(year_range) {
            q = q.filter(
                plans::id.eq_any(
                    plan_phases::table
                        .filter(plan_phases::start_date.le(last))
                        .filter(plan_phases::end_date.ge(first))
                        .select(plan_phases::plan_id),
                ),
            );
        }
        if let Some(since) = filter.updated_since {
            q = q.filter(plans::updated_at.ge(since));
        }
        q
    };
    let total = query().count().get_result(conn)?;
    let q = match (sort.field, sort.descending) {
        // NULLs (drafts with no date) last, the same on both backends.
        (PlanSort::IssuedOn, false) => {
            query().order((plans::issued_on.is_null(), plans::issued_on.asc()))
        }
        (PlanSort::IssuedOn, true) => {
            query().order((plans::issued_on.is_null().desc(), plans::issued_on.desc()))
        }
        (PlanSort::Title, false) => query().order(plans::search_text.asc()),
        (PlanSort::Title, true) => query().order(plans::search_text.desc()),
        (PlanSort::UpdatedAt, false) => query().order(plans::updated_at.asc()),
        (PlanSort::UpdatedAt, true) => query().order(plans::updated_at.desc()),
    };
    let items = q
        .then_order_by(plans::id.asc())
        .offset(page.offset())
        .limit(page.per_page)
        .select(Plan::as_select())
        .load(conn)?;
    Ok((items, total))
}

/// Loads a plan the caller may see (404 otherwise), with the path of its issuer.
pub fn visible_plan(
    conn: &mut AnyConnection,
    principal: &Principal,
    id: &PlanId,
) -> Result<(Plan, String), Error> {
    let (plan, path) = find(conn, id)?.ok_or_else(|| Error::not_found("plan"))?;
    policy::ensure_visible(policy::can_read_plan(principal, &path), "plan")?;
    Ok((plan, path))
}

/// Loads a plan the caller may change: visible (404) and theirs to write (403).
pub fn editable_plan(
    conn: &mut AnyConnection,
    principal: &Principal,
    id: &PlanId,
) -> Result<Plan, Error> {
    let (plan, path) = visible_plan(conn, principal, id)?;
    policy::ensure(policy::can_edit_plan(principal, &path))?;
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_machine() {
        use PlanStatus::*;
        assert!(workflow::allows(Draft, Issued));
        assert!(workflow::allows(Issued, InProgress));
        assert!(workflow::allows(InProgress, Closed));
        assert!(workflow::allows(Issued, Cancelled));
        assert!(!workflow::allows(Draft, Closed));
        assert!(!workflow::allows(Closed, Cancelled));
        assert!(!workflow::allows(Cancelled, Draft));
        assert!(!workflow::allows(Issued, Draft));
    }

    #[test]
    fn visibility_reaches_down_and_up() {
        let s = Scope::Subtree("/p/o/".into());
        assert!(visible(&s, "/p/o/d/"), "plans of units below");
        assert!(visible(&s, "/p/"), "plans of units above");
        assert!(!visible(&s, "/p/x/"), "not a sibling's");
    }
}

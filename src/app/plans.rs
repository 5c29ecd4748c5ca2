//! Implementation plans (kế hoạch): drafting one with all its parts, changing a draft,
//! moving it along its workflow and its report deadlines.

use chrono::NaiveDate;

use crate::db::{AnyConnection, Tx};
use crate::domain::access::Principal;
use crate::domain::org_units::referenced_unit;
use crate::domain::plans::{
    self, AwardForm, Phase, Plan, PlanContent, PlanDetail, PlanFilter, PlanSort, PlanStatus,
    ReportDeadline, Responsibility, editable_plan, visible_plan,
};
use crate::domain::{Actor, Error, PageRequest, Sort, policy};
use crate::ids::{OrgUnitId, PlanId};

/// A change to a draft plan: each field given (`Some`) replaces the plan's, lists as a
/// whole; `Some(None)` clears an optional one.
#[derive(Default)]
pub struct PlanChanges {
    pub number: Option<Option<String>>,
    pub issued_on: Option<Option<NaiveDate>>,
    pub issuer_id: Option<OrgUnitId>,
    pub title: Option<String>,
    pub signer_name: Option<Option<String>>,
    pub signer_title: Option<Option<String>>,
    pub movement_ids: Option<Vec<String>>,
    pub legal_basis_ids: Option<Vec<String>>,
    pub purposes: Option<Vec<String>>,
    pub requirements: Option<Vec<String>>,
    pub contents: Option<Vec<String>>,
    pub solutions: Option<Vec<String>>,
    pub recipients: Option<Vec<String>>,
    pub phases: Option<Vec<Phase>>,
    pub award_forms: Option<Vec<AwardForm>>,
    pub responsibilities: Option<Vec<Responsibility>>,
    pub report_deadline: Option<Option<ReportDeadline>>,
}

impl PlanChanges {
    fn apply(self, mut c: PlanContent) -> PlanContent {
        if let Some(v) = self.number {
            c.number = v.map(|n| n.trim().to_string());
        }
        if let Some(v) = self.issued_on {
            c.issued_on = v;
        }
        if let Some(v) = self.issuer_id {
            c.issuer_id = v;
        }
        if let Some(v) = self.title {
            c.title = v.trim().to_string();
        }
        if let Some(v) = self.signer_name {
            c.signer_name = v;
        }
        if let Some(v) = self.signer_title {
            c.signer_title = v;
        }
        if let Some(v) = self.movement_ids {
            c.movement_ids = v;
        }
        if let Some(v) = self.legal_basis_ids {
            c.legal_basis_ids = v;
        }
        if let Some(v) = self.purposes {
            c.purposes = v;
        }
        if let Some(v) = self.requirements {
            c.requirements = v;
        }
        if let Some(v) = self.contents {
            c.contents = v;
        }
        if let Some(v) = self.solutions {
            c.solutions = v;
        }
        if let Some(v) = self.recipients {
            c.recipients = v;
        }
        if let Some(v) = self.phases {
            c.phases = v;
        }
        if let Some(v) = self.award_forms {
            c.award_forms = v;
        }
        if let Some(v) = self.responsibilities {
            c.responsibilities = v;
        }
        if let Some(v) = self.report_deadline {
            c.report_deadline = v;
        }
        c
    }
}

/// A plan's coming report due dates, and whom the report goes to.
pub struct Deadlines {
    pub to: Option<String>,
    pub note: Option<String>,
    pub dates: Vec<NaiveDate>,
}

/// A page of the plans in the caller's scope.
pub fn list(
    conn: &mut AnyConnection,
    who: &Principal,
    filter: PlanFilter,
    sort: Sort<PlanSort>,
    page: PageRequest,
) -> Result<(Vec<Plan>, i64), Error> {
    Ok(plans::list(conn, &who.scope, &filter, sort, page)?)
}

/// Draft a plan, by an officer of the issuing unit's subtree.
pub fn create(
    tx: &mut Tx<'_>,
    who: &Principal,
    actor: &Actor,
    mut content: PlanContent,
) -> Result<PlanDetail, Error> {
    content.number = content.number.map(|n| n.trim().to_string());
    content.title = content.title.trim().to_string();
    let issuer = referenced_unit(tx, who, &content.issuer_id, "issuer_id")?;
    policy::ensure(policy::can_edit_plan(who, &issuer.path))?;
    let sees = |path: &str| policy::can_read_org_unit(who, path);
    plans::create(tx, actor, content, &sees)
}

/// A plan with every part, and its issuer's path, for anyone: the caller checks
/// [`ensure_readable`] on that path (the answer is kept for every caller).
pub fn detail_of_any(conn: &mut AnyConnection, id: &PlanId) -> Result<(PlanDetail, String), Error> {
    let (plan, issuer_path) = plans::find(conn, id)?.ok_or_else(|| Error::not_found("plan"))?;
    let detail = plans::detail(conn, plan)?;
    Ok((detail, issuer_path))
}

/// Whether the caller reads a plan issued by the unit at `issuer_path` (404 otherwise).
pub fn ensure_readable(who: &Principal, issuer_path: &str) -> Result<(), Error> {
    policy::ensure_visible(policy::can_read_plan(who, issuer_path), "plan")
}

/// Change a draft plan the caller may edit; moving it to another issuer needs the right
/// to edit that issuer's plans too.
pub fn update(
    tx: &mut Tx<'_>,
    who: &Principal,
    actor: &Actor,
    id: &PlanId,
    version: i64,
    changes: PlanChanges,
) -> Result<PlanDetail, Error> {
    let plan = editable_plan(tx, who, id)?;
    let current = plans::detail(tx, plan)?;
    let content = changes.apply(current.content.clone());
    if content.issuer_id != current.content.issuer_id {
        let issuer = referenced_unit(tx, who, &content.issuer_id, "issuer_id")?;
        policy::ensure(policy::can_edit_plan(who, &issuer.path))?;
    }
    let sees = |path: &str| policy::can_read_org_unit(who, path);
    plans::update(tx, actor, current, version, content, &sees)
}

/// Move a plan the caller may edit along its workflow.
pub fn change_status(
    tx: &mut Tx<'_>,
    who: &Principal,
    actor: &Actor,
    id: &PlanId,
    version: i64,
    to: PlanStatus,
) -> Result<PlanDetail, Error> {
    let plan = editable_plan(tx, who, id)?;
    let current = plans::detail(tx, plan)?;
    plans::transition(tx, actor, current, version, to)
}

/// The next `count` report due dates from `from` of a plan the caller sees.
pub fn deadlines(
    conn: &mut AnyConnection,
    who: &Principal,
    id: &PlanId,
    from: NaiveDate,
    count: usize,
) -> Result<Deadlines, Error> {
    let (plan, _) = visible_plan(conn, who, id)?;
    let detail = plans::detail(conn, plan)?;
    let dates = plans::deadlines(&detail, from, count);
    let (to, note) = detail
        .content
        .report_deadline
        .map(|d| (d.to, d.note))
        .unwrap_or_default();
    Ok(Deadlines { to, note, dates })
}

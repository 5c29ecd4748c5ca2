//! Registrations (đăng ký thi đua): a unit's or a staff member's pledge of titles for a
//! plan's year, and the plan's yearly registration deadlines.

use crate::db::{AnyConnection, Tx};
use crate::domain::access::Principal;
use crate::domain::criteria::CriterionSubject;
use crate::domain::plans::{editable_plan, visible_plan};
use crate::domain::registrations::{
    self, Deadline, DeadlineFields, Registration, RegistrationChange, RegistrationFilter,
    RegistrationStatus, Title,
};
use crate::domain::subjects::{self, Seen};
use crate::domain::{Actor, Error, PageRequest, policy};
use crate::ids::{OrgUnitId, PlanId, StaffId};

/// What a list asks for, besides the page.
pub struct ListQuery {
    pub plan_id: Option<PlanId>,
    pub year: Option<i32>,
    pub subject: Option<CriterionSubject>,
    pub status: Option<RegistrationStatus>,
    pub title: Option<Title>,
    /// Registrations of this unit, the units below it and their staff.
    pub org_unit_id: Option<OrgUnitId>,
    pub staff_id: Option<StaffId>,
    pub updated_since: Option<chrono::NaiveDateTime>,
}

/// A new registration: the plan, year and subject, and the titles pledged.
pub struct NewRegistration {
    pub plan_id: PlanId,
    pub year: i32,
    pub subject: CriterionSubject,
    pub org_unit_id: Option<OrgUnitId>,
    pub staff_id: Option<StaffId>,
    pub titles: Vec<Title>,
    pub note: Option<String>,
}

/// A page of the registrations the caller sees.
pub fn list(
    conn: &mut AnyConnection,
    who: &Principal,
    query: ListQuery,
    page: PageRequest,
) -> Result<(Vec<Registration>, i64), Error> {
    let seen = Seen::from(policy::staff_visibility(who));
    let under_unit_path = subjects::subtree_filter(conn, query.org_unit_id.as_ref())?;
    let filter = RegistrationFilter {
        plan_id: query.plan_id,
        year: query.year,
        subject: query.subject,
        status: query.status,
        title: query.title,
        under_unit_path,
        staff_id: query.staff_id,
        updated_since: query.updated_since,
    };
    Ok(registrations::list(conn, &seen, &filter, page)?)
}

/// Register a subject the caller acts for, for a year of a plan the caller sees.
pub fn create(
    tx: &mut Tx<'_>,
    who: &Principal,
    actor: &Actor,
    new: NewRegistration,
) -> Result<Registration, Error> {
    let (plan, issuer_path) = visible_plan(tx, who, &new.plan_id)
        .map_err(|_| Error::invalid("plan_id", "not_found", "no such plan visible to you"))?;
    let subject = subjects::resolve_to_act_for(
        tx,
        who,
        new.subject,
        new.org_unit_id.as_ref(),
        new.staff_id.as_ref(),
    )?;
    registrations::create(
        tx,
        actor,
        &plan,
        &issuer_path,
        &subject,
        new.year,
        &new.titles,
        new.note,
    )
}

/// A registration the caller sees.
pub fn get(conn: &mut AnyConnection, who: &Principal, id: &str) -> Result<Registration, Error> {
    let (r, _) = visible(conn, who, id)?;
    Ok(r)
}

/// Change (or withdraw, or renew) a registration of a subject the caller acts for.
pub fn update(
    tx: &mut Tx<'_>,
    who: &Principal,
    actor: &Actor,
    id: &str,
    version: i64,
    change: RegistrationChange,
) -> Result<Registration, Error> {
    let (current, path) = visible(tx, who, id)?;
    policy::ensure(policy::can_act_for_subject(
        who,
        &path,
        current.staff_id.as_ref(),
    ))?;
    let (plan, _) = visible_plan(tx, who, &current.plan_id)?;
    registrations::update(tx, actor, &plan, current, version, change)
}

/// The registration deadlines of a plan the caller sees, by year.
pub fn deadlines(
    conn: &mut AnyConnection,
    who: &Principal,
    plan_id: &PlanId,
) -> Result<Vec<Deadline>, Error> {
    let (plan, _) = visible_plan(conn, who, plan_id)?;
    Ok(registrations::list_deadlines(conn, &plan.id)?)
}

/// Set (or reopen) a year's registration deadline of a plan the caller may edit.
pub fn set_deadline(
    tx: &mut Tx<'_>,
    who: &Principal,
    actor: &Actor,
    plan_id: &PlanId,
    year: i32,
    fields: DeadlineFields,
    expected: Option<i64>,
) -> Result<Deadline, Error> {
    let plan = editable_plan(tx, who, plan_id)?;
    registrations::set_deadline(tx, actor, &plan, year, fields, expected)
}

/// A registration the caller sees (404 otherwise), with its subject's unit path.
fn visible(
    conn: &mut AnyConnection,
    who: &Principal,
    id: &str,
) -> Result<(Registration, String), Error> {
    let (r, path) =
        registrations::find(conn, id)?.ok_or_else(|| Error::not_found("registration"))?;
    policy::ensure_visible(
        policy::can_read_subject(who, &path, r.staff_id.as_ref()),
        "registration",
    )?;
    Ok((r, path))
}

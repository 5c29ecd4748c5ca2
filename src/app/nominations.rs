//! Nominations (đề nghị khen thưởng): proposing a nominee for an award, changing a draft,
//! its way up the hierarchy level by level, its dossier and its eligibility.

use chrono::NaiveDate;

use crate::db::{AnyConnection, Tx};
use crate::domain::access::Principal;
use crate::domain::award_types::{self, AwardType};
use crate::domain::criteria::CriterionSubject;
use crate::domain::eligibility::{Eligibility, evaluate_nomination};
use crate::domain::nominations::{
    self, DossierFile, Nomination, NominationAction, NominationFields, NominationFilter,
    NominationStatus, NominationView, QuotaExcess, Step,
};
use crate::domain::org_units::{self, referenced_unit};
use crate::domain::plans::{Occasion, visible_plan};
use crate::domain::subjects::{self, Seen};
use crate::domain::{Actor, Error, PageRequest, files, movements, policy};
use crate::ids::{NominationId, OrgUnitId, PlanId, StaffId};

/// A nomination with its dossier and every step of its way.
pub struct NominationDetail {
    pub view: NominationView,
    pub files: Vec<DossierFile>,
    pub steps: Vec<Step>,
}

/// What a list asks for, besides the page.
pub struct ListQuery {
    pub q: Option<String>,
    pub status: Option<NominationStatus>,
    pub year: Option<i32>,
    /// An award type's code or id.
    pub award_type: Option<String>,
    pub staff_id: Option<StaffId>,
    /// Nominees in this unit's subtree.
    pub org_unit_id: Option<OrgUnitId>,
    /// Waiting for this unit to act.
    pub current_unit_id: Option<OrgUnitId>,
    pub updated_since: Option<chrono::NaiveDateTime>,
}

/// A new nomination: the award type, the nominee (a staff member or a unit), who proposes
/// and the achievement it is for.
pub struct NewNomination {
    /// The award type's code or id.
    pub award_type: String,
    pub staff_id: Option<StaffId>,
    pub org_unit_id: Option<OrgUnitId>,
    /// Default: the nominee's unit.
    pub proposer_unit_id: Option<OrgUnitId>,
    pub plan_id: Option<PlanId>,
    pub movement_id: Option<String>,
    pub year: i32,
    /// Default `annual`.
    pub occasion: Option<Occasion>,
    /// Default: 1 January of `year`.
    pub period_from: Option<NaiveDate>,
    /// Default: 31 December of `year`.
    pub period_to: Option<NaiveDate>,
    pub summary: String,
}

/// A draft's changes: each field left out (`None`) stays; `Some(None)` clears it.
#[derive(Default)]
pub struct NominationChanges {
    pub plan_id: Option<Option<PlanId>>,
    pub movement_id: Option<Option<String>>,
    pub year: Option<i32>,
    pub occasion: Option<Occasion>,
    pub period_from: Option<NaiveDate>,
    pub period_to: Option<NaiveDate>,
    pub summary: Option<String>,
}

/// One page of the nominations the caller sees, latest change first.
pub fn list(
    conn: &mut AnyConnection,
    who: &Principal,
    query: ListQuery,
    page: PageRequest,
) -> Result<(Vec<NominationView>, i64), Error> {
    let award_type_id = match &query.award_type {
        Some(key) => Some(award_types::filter_id(conn, key)?),
        None => None,
    };
    let filter = NominationFilter {
        q: query.q,
        status: query.status,
        year: query.year,
        award_type_id,
        staff_id: query.staff_id,
        under: subjects::subtree_filter(conn, query.org_unit_id.as_ref())?,
        current_unit_id: query.current_unit_id,
        updated_since: query.updated_since,
    };
    let seen = Seen::from(policy::staff_visibility(who));
    Ok(nominations::list(conn, &seen, &filter, page)?)
}

/// Propose a staff member or a unit for an award (a draft), by a unit the nominee lies
/// under and the caller proposes for.
pub fn create(
    tx: &mut Tx<'_>,
    who: &Principal,
    actor: &Actor,
    new: NewNomination,
) -> Result<NominationDetail, Error> {
    let (from, to) = year_bounds(new.year)?;
    let award = award_type_named(tx, &new.award_type, "award_type")?;
    let kind = if new.staff_id.is_some() {
        CriterionSubject::Individual
    } else {
        CriterionSubject::Collective
    };
    award_types::ensure_accepts(&award, kind == CriterionSubject::Collective, "award_type")?;
    let subject = subjects::resolve(
        tx,
        kind,
        new.org_unit_id.as_ref(),
        new.staff_id.as_ref(),
        |path, staff| policy::can_read_subject(who, path, staff),
    )?;
    let proposer_id = new
        .proposer_unit_id
        .clone()
        .unwrap_or_else(|| subject.org_unit_id.clone());
    let proposer = referenced_unit(tx, who, &proposer_id, "proposer_unit_id")?;
    policy::ensure(policy::can_propose(who, &proposer.path))?;
    if !subject.unit_path.starts_with(&proposer.path) {
        return Err(Error::invalid(
            if subject.staff_id.is_some() {
                "staff_id"
            } else {
                "org_unit_id"
            },
            "outside_proposer",
            "the nominee is not in the proposing unit's subtree",
        ));
    }
    let fields = NominationFields {
        plan_id: new.plan_id,
        movement_id: new.movement_id,
        year: new.year,
        occasion: new.occasion.unwrap_or(Occasion::Annual),
        period_from: new.period_from.unwrap_or(from),
        period_to: new.period_to.unwrap_or(to),
        summary: new.summary.trim().to_string(),
    };
    check_fields(tx, who, &award, &fields)?;
    let n = nominations::create(tx, actor, &award, &subject, &proposer, fields)?;
    let v = nominations::view(tx, n)?;
    detail(tx, v)
}

/// A nomination the caller sees, with its dossier and steps.
pub fn get(
    conn: &mut AnyConnection,
    who: &Principal,
    id: &NominationId,
) -> Result<NominationDetail, Error> {
    let v = visible_nomination(conn, who, id)?;
    detail(conn, v)
}

/// Change a draft or returned nomination, as its proposer.
pub fn update(
    tx: &mut Tx<'_>,
    who: &Principal,
    actor: &Actor,
    id: &NominationId,
    version: i64,
    changes: NominationChanges,
) -> Result<NominationDetail, Error> {
    let v = proposed_by_caller(tx, who, id)?;
    let n = &v.nomination;
    let award = award_types::find(tx, &n.award_type_id)?
        .ok_or_else(|| Error::Internal("nomination without award type".into()))?;
    let year = changes.year.unwrap_or(n.year);
    let (from, to) = if changes.year.is_some() {
        year_bounds(year)?
    } else {
        (n.period_from, n.period_to)
    };
    let fields = NominationFields {
        plan_id: changes.plan_id.unwrap_or_else(|| n.plan_id.clone()),
        movement_id: changes.movement_id.unwrap_or_else(|| n.movement_id.clone()),
        year,
        occasion: changes.occasion.unwrap_or(n.occasion),
        period_from: changes.period_from.unwrap_or(from),
        period_to: changes.period_to.unwrap_or(to),
        summary: changes
            .summary
            .as_deref()
            .map(|s| s.trim().to_string())
            .unwrap_or_else(|| n.summary.clone()),
    };
    check_fields(tx, who, &award, &fields)?;
    let n = nominations::update(tx, actor, n, version, fields)?;
    let v = nominations::view(tx, n)?;
    detail(tx, v)
}

/// Act on a nomination at the level it waits at: submit, approve, return or reject (the
/// last two with a reason).
pub fn act(
    tx: &mut Tx<'_>,
    who: &Principal,
    actor: &Actor,
    id: &NominationId,
    version: i64,
    action: NominationAction,
    reason: Option<String>,
) -> Result<NominationDetail, Error> {
    let needs_reason = matches!(action, NominationAction::Return | NominationAction::Reject);
    let reason = reason.map(|r| r.trim().to_string());
    if needs_reason && reason.is_none() {
        return Err(Error::invalid(
            "reason",
            "required",
            "say why the nomination is returned or rejected",
        ));
    }
    let v = visible_nomination(tx, who, id)?;
    let acting = subjects::unit_path(tx, nominations::acting_unit(&v.nomination))?;
    policy::ensure(policy::can_act_at_level(
        who,
        &acting,
        v.nomination.staff_id.as_ref(),
    ))?;
    crate::domain::ensure_version(v.nomination.version, version)?;
    // Once put to a council, the council's vote decides it.
    if v.nomination.status.before_council()
        && crate::domain::councils::in_pending_session(tx, &v.nomination.id)?
    {
        return Err(Error::conflict(
            "in_session",
            "the nomination is before a council session; its vote decides it",
        ));
    }
    let views = if action == NominationAction::Submit {
        submit_all(tx, actor, vec![v])?
    } else {
        let n = move_one(tx, actor, &v.nomination, action, reason.as_deref())?;
        vec![nominations::view(tx, n)?]
    };
    let v = views
        .into_iter()
        .next()
        .ok_or_else(|| Error::Internal("no nomination".into()))?;
    detail(tx, v)
}

/// Submit a batch of the caller's draft or returned nominations together, quotas counted
/// over the batch; nothing is submitted when one would be exceeded.
pub fn submit_batch(
    tx: &mut Tx<'_>,
    who: &Principal,
    actor: &Actor,
    ids: &[NominationId],
) -> Result<Vec<NominationDetail>, Error> {
    let mut batch = Vec::with_capacity(ids.len());
    for (i, id) in ids.iter().enumerate() {
        if ids[..i].contains(id) {
            return Err(Error::invalid(
                &format!("ids[{i}]"),
                "duplicate",
                "named twice",
            ));
        }
        let v = proposed_by_caller(tx, who, id).map_err(|e| {
            if is_not_found(&e) {
                Error::invalid(&format!("ids[{i}]"), "not_found", "no such nomination")
            } else {
                e
            }
        })?;
        batch.push(v);
    }
    let views = submit_all(tx, actor, batch)?;
    views.into_iter().map(|v| detail(tx, v)).collect()
}

/// Every rule of the award type against the nominee; discipline's detail only to those
/// who read it.
pub fn eligibility(
    conn: &mut AnyConnection,
    who: &Principal,
    id: &NominationId,
) -> Result<Eligibility, Error> {
    let v = visible_nomination(conn, who, id)?;
    let mut result = evaluate_nomination(conn, &v, crate::domain::today())?;
    // Discipline is personal: others see only whether the check passed.
    if !policy::can_read_discipline(who, &v.nominee_path) {
        for c in result.checks.iter_mut().filter(|c| c.rule == "discipline") {
            c.detail = "not shown to you".into();
        }
    }
    Ok(result)
}

/// A nomination whose dossier the caller may add a file to: checked before the upload is
/// read, after it is stored and again in the write.
pub fn accepting_file(
    conn: &mut AnyConnection,
    who: &Principal,
    id: &NominationId,
) -> Result<NominationView, Error> {
    let v = proposed_by_caller(conn, who, id)?;
    nominations::ensure_accepts_file(conn, &v.nomination)?;
    Ok(v)
}

/// Add a stored content (`sha256`, name, type, size) to the dossier `accepting_file` gave.
pub fn add_file(
    tx: &mut Tx<'_>,
    actor: &Actor,
    v: NominationView,
    file: (&str, &str, &str, usize),
) -> Result<NominationDetail, Error> {
    let (sha256, name, content_type, size) = file;
    files::record(tx, sha256, size, content_type)?;
    nominations::add_file(
        tx,
        actor,
        &v.nomination,
        sha256,
        name,
        content_type,
        size as i64,
    )?;
    let n =
        nominations::find(tx, &v.nomination.id)?.ok_or_else(|| Error::not_found("nomination"))?;
    let v = nominations::view(tx, n)?;
    detail(tx, v)
}

/// A file of the dossier of a nomination the caller sees.
pub fn file(
    conn: &mut AnyConnection,
    who: &Principal,
    id: &NominationId,
    file_id: &str,
) -> Result<DossierFile, Error> {
    let v = visible_nomination(conn, who, id)?;
    nominations::find_file(conn, &v.nomination.id, file_id)?.ok_or_else(|| Error::not_found("file"))
}

/// A nomination the caller may see (404 otherwise): those who read the nominee's records.
fn visible_nomination(
    conn: &mut AnyConnection,
    who: &Principal,
    id: &NominationId,
) -> Result<NominationView, Error> {
    let n = nominations::find(conn, id)?.ok_or_else(|| Error::not_found("nomination"))?;
    let v = nominations::view(conn, n)?;
    policy::ensure_visible(
        policy::can_read_subject(who, &v.nominee_path, v.nomination.staff_id.as_ref()),
        "nomination",
    )?;
    Ok(v)
}

/// A nomination the caller may change as its proposer (visible, and 403 otherwise).
fn proposed_by_caller(
    conn: &mut AnyConnection,
    who: &Principal,
    id: &NominationId,
) -> Result<NominationView, Error> {
    let v = visible_nomination(conn, who, id)?;
    let proposer = subjects::unit_path(conn, &v.nomination.proposer_unit_id)?;
    policy::ensure(policy::can_act_at_level(
        who,
        &proposer,
        v.nomination.staff_id.as_ref(),
    ))?;
    Ok(v)
}

/// Whether a refusal is answered 404: hidden or absent, or a row a query required.
fn is_not_found(e: &Error) -> bool {
    matches!(
        e,
        Error::NotFound(_)
            | Error::Database(crate::db::Error::Query(diesel::result::Error::NotFound))
    )
}

fn detail(conn: &mut AnyConnection, v: NominationView) -> Result<NominationDetail, Error> {
    let files = nominations::files(conn, &v.nomination.id)?;
    let steps = nominations::steps(conn, &v.nomination.id)?;
    Ok(NominationDetail {
        view: v,
        files,
        steps,
    })
}

fn award_type_named(conn: &mut AnyConnection, key: &str, field: &str) -> Result<AwardType, Error> {
    award_types::find_by_id_or_code(conn, key)?
        .filter(|t| t.active)
        .ok_or_else(|| Error::invalid(field, "not_found", "no such award type"))
}

/// Checks the parts of a nomination that depend on its award type and dates.
fn check_fields(
    conn: &mut AnyConnection,
    who: &Principal,
    award: &AwardType,
    f: &NominationFields,
) -> Result<(), Error> {
    if !award.occasions.contains(&f.occasion) {
        return Err(Error::invalid(
            "occasion",
            "not_allowed",
            format!("{} is not given on this occasion", award.name),
        ));
    }
    if f.period_from > f.period_to {
        return Err(Error::invalid(
            "period_to",
            "before_start",
            "the achievement period ends before it starts",
        ));
    }
    if let Some(plan) = &f.plan_id {
        visible_plan(conn, who, plan)
            .map_err(|_| Error::invalid("plan_id", "not_found", "no such plan"))?;
    }
    if let Some(m) = &f.movement_id
        && !movements::find_with_owner(conn, m)?
            .is_some_and(|(_, owner)| policy::can_read_owned_reference(who, owner.as_deref()))
    {
        return Err(Error::invalid(
            "movement_id",
            "not_found",
            "no such movement",
        ));
    }
    Ok(())
}

fn year_bounds(year: i32) -> Result<(NaiveDate, NaiveDate), Error> {
    crate::domain::year_range(year).ok_or_else(|| Error::invalid("year", "range", "no such year"))
}

/// Submits a batch (already checked to be visible and the caller's): quotas first, then
/// each moves up. Nothing is written when a quota is exceeded.
fn submit_all(
    tx: &mut Tx<'_>,
    actor: &Actor,
    batch: Vec<NominationView>,
) -> Result<Vec<NominationView>, Error> {
    let excess = nominations::check_quotas(tx, &batch)?;
    if let Some(e) = excess.first() {
        return Err(quota_exceeded(e));
    }
    let mut out = Vec::with_capacity(batch.len());
    for v in batch {
        let n = move_one(tx, actor, &v.nomination, NominationAction::Submit, None)?;
        out.push(nominations::view(tx, n)?);
    }
    Ok(out)
}

fn quota_exceeded(e: &QuotaExcess) -> Error {
    Error::conflict(
        "quota_exceeded",
        format!(
            "{} proposals of {} would exceed the quota of {} ({} % of {} holding {} in the year)",
            e.proposed, e.award_type, e.allowed, e.max_percent, e.base, e.of_award_type
        ),
    )
}

/// Applies one level's action, working out the next level from the tree.
fn move_one(
    tx: &mut Tx<'_>,
    actor: &Actor,
    n: &Nomination,
    action: NominationAction,
    reason: Option<&str>,
) -> Result<Nomination, Error> {
    let acting = nominations::acting_unit(n).clone();
    let parent = org_units::find(tx, &acting)?.and_then(|u| u.parent_id);
    let (status, next) = nominations::after_action(n, action, parent.as_ref())?;
    nominations::move_to(
        tx,
        actor,
        n,
        status,
        next.as_ref(),
        action.as_str(),
        Some(&acting),
        reason,
    )
}

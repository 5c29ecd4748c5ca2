//! Award decisions (quyết định khen thưởng) and the awards they grant: which nominations a
//! decision may grant, to whom, and who reads each award.

use chrono::NaiveDate;

use crate::db::{AnyConnection, Tx};
use crate::domain::access::{Caller, Principal};
use crate::domain::award_types;
use crate::domain::criteria::CriterionSubject;
use crate::domain::decisions::{
    self, AwardFilter, AwardView, Decision, DecisionDetail, DecisionFields, DecisionFilter, Grant,
    GrantStatus,
};
use crate::domain::nominations::{self, NominationStatus};
use crate::domain::org_units::{self, referenced_unit};
use crate::domain::plans::Occasion;
use crate::domain::subjects::{self, Seen};
use crate::domain::{Actor, Error, PageRequest, policy, staff};
use crate::ids::{DecisionId, NominationId, OrgUnitId, StaffId};

/// A decision to issue: its document's particulars, the nominations it grants and the
/// awards it records without one.
pub struct NewDecision {
    pub number: String,
    pub decided_on: NaiveDate,
    pub signer: String,
    pub authority: String,
    /// The issuing unit; the nominations are granted at it or below.
    pub org_unit_id: OrgUnitId,
    pub award_year: i32,
    /// Default: 1 January of `award_year`.
    pub period_from: Option<NaiveDate>,
    /// Default: 31 December of `award_year`.
    pub period_to: Option<NaiveDate>,
    /// Default `annual`.
    pub occasion: Option<Occasion>,
    pub nomination_ids: Vec<NominationId>,
    pub recipients: Vec<PastRecipient>,
}

/// An award decided before the service, recorded without a nomination.
pub struct PastRecipient {
    /// The award type's code or id.
    pub award_type: String,
    pub staff_id: Option<StaffId>,
    pub org_unit_id: Option<OrgUnitId>,
}

/// What a list of awards asks for, besides the page.
pub struct AwardQuery {
    pub q: Option<String>,
    pub staff_id: Option<StaffId>,
    /// Recipients in this unit's subtree.
    pub org_unit_id: Option<OrgUnitId>,
    /// An award type's code or id.
    pub award_type: Option<String>,
    pub year: Option<i32>,
    pub status: Option<GrantStatus>,
}

/// Issue a decision granting passed nominations (and, for admins, recording past awards),
/// by an officer of the issuing unit.
pub fn create(
    tx: &mut Tx<'_>,
    who: &Principal,
    actor: &Actor,
    new: NewDecision,
) -> Result<DecisionDetail, Error> {
    let (from, to) = crate::domain::year_range(new.award_year)
        .ok_or_else(|| Error::invalid("award_year", "range", "no such year"))?;
    let unit = referenced_unit(tx, who, &new.org_unit_id, "org_unit_id")?;
    policy::ensure(policy::can_keep_unit_awards(who, &unit.path))?;
    let fields = DecisionFields {
        number: new.number.trim().to_string(),
        decided_on: new.decided_on,
        signer: new.signer.trim().to_string(),
        authority: new.authority.trim().to_string(),
        org_unit_id: unit.id.clone(),
        award_year: new.award_year,
        period_from: new.period_from.unwrap_or(from),
        period_to: new.period_to.unwrap_or(to),
        occasion: new.occasion.unwrap_or(Occasion::Annual),
    };
    if fields.period_from > fields.period_to {
        return Err(Error::invalid(
            "period_to",
            "before_start",
            "the achievement period ends before it starts",
        ));
    }
    let grants = grants(tx, who, &unit.path, &new, &fields)?;
    decisions::create(tx, actor, fields, grants)
}

/// Decisions of the units in the caller's scope, newest first.
pub fn list(
    conn: &mut AnyConnection,
    who: &Principal,
    q: Option<String>,
    year: Option<i32>,
    org_unit_id: Option<&OrgUnitId>,
    page: PageRequest,
) -> Result<(Vec<Decision>, i64), Error> {
    let filter = DecisionFilter {
        q,
        year,
        under: subjects::subtree_filter(conn, org_unit_id)?,
    };
    let prefix = who.scope.path_prefix();
    Ok(decisions::list(conn, prefix.as_deref(), &filter, page)?)
}

/// A decision the caller sees, with the awards whose recipients the caller reads.
pub fn get(
    conn: &mut AnyConnection,
    who: &Principal,
    id: &DecisionId,
) -> Result<DecisionDetail, Error> {
    let (d, _) = visible(conn, who, id)?;
    let mut d = decisions::detail(conn, d)?;
    // A decision is public within its subtree; each recipient's award (and cash) only
    // to those who read that recipient's records.
    d.awards
        .retain(|a| policy::can_read_subject(who, &a.subject_path, a.award.staff_id.as_ref()));
    Ok(d)
}

/// Revoke a decision and its awards, by an officer of the issuing unit.
pub fn revoke(
    tx: &mut Tx<'_>,
    who: &Principal,
    actor: &Actor,
    id: &DecisionId,
    version: i64,
    reason: &str,
) -> Result<DecisionDetail, Error> {
    let (d, path) = visible(tx, who, id)?;
    policy::ensure(policy::can_keep_unit_awards(who, &path))?;
    let current = decisions::detail(tx, d)?;
    decisions::revoke(tx, actor, current, version, reason.trim())
}

/// A page of the awards the caller (an account, or a client with `awards:read`) sees.
pub fn list_awards(
    conn: &mut AnyConnection,
    caller: &Caller,
    query: AwardQuery,
    page: PageRequest,
) -> Result<(Vec<AwardView>, i64), Error> {
    let award_type_id = match &query.award_type {
        Some(key) => Some(award_types::filter_id(conn, key)?),
        None => None,
    };
    let filter = AwardFilter {
        q: query.q,
        staff_id: query.staff_id,
        under: subjects::subtree_filter(conn, query.org_unit_id.as_ref())?,
        award_type_id,
        year: query.year,
        status: query.status,
    };
    let seen = Seen::from(policy::award_visibility(caller)?);
    Ok(decisions::list_awards(conn, &seen, &filter, Some(page))?)
}

/// An award the caller sees.
pub fn get_award(conn: &mut AnyConnection, caller: &Caller, id: &str) -> Result<AwardView, Error> {
    let visibility = policy::award_visibility(caller)?;
    let a = decisions::find_award(conn, id)?.ok_or_else(|| Error::not_found("award"))?;
    policy::ensure_visible(
        policy::can_see_subject(&visibility, &a.subject_path, a.award.staff_id.as_ref()),
        "award",
    )?;
    Ok(a)
}

/// The awards in force of a staff member the caller reads.
pub fn awards_in_force(
    conn: &mut AnyConnection,
    who: &Principal,
    staff_id: &StaffId,
) -> Result<Vec<AwardView>, Error> {
    let (person, path) = staff::find(conn, staff_id)?.ok_or_else(|| Error::not_found("staff"))?;
    policy::ensure_visible(policy::can_read_staff(who, &person.id, &path), "staff")?;
    let filter = AwardFilter {
        q: None,
        staff_id: Some(person.id),
        under: None,
        award_type_id: None,
        year: None,
        status: Some(GrantStatus::Active),
    };
    let (items, _) = decisions::list_awards(conn, &Seen::All, &filter, None)?;
    Ok(items)
}

/// A decision the caller sees (404 otherwise), with its issuing unit's path.
fn visible(
    conn: &mut AnyConnection,
    who: &Principal,
    id: &DecisionId,
) -> Result<(Decision, String), Error> {
    let (d, path) = decisions::find(conn, id)?.ok_or_else(|| Error::not_found("decision"))?;
    policy::ensure_visible(policy::can_read_council(who, &path), "decision")?;
    Ok((d, path))
}

/// The grants of a decision: passed nominations at or below the issuing unit, whose
/// nominees are not under discipline on its date, and recipients recorded directly.
fn grants(
    conn: &mut AnyConnection,
    who: &Principal,
    issuer_path: &str,
    new: &NewDecision,
    decision: &DecisionFields,
) -> Result<Vec<Grant>, Error> {
    if !new.recipients.is_empty() {
        policy::ensure(policy::can_record_past_awards(who))?;
    }
    let mut out = Vec::new();
    for (i, id) in new.nomination_ids.iter().enumerate() {
        let field = format!("nomination_ids[{i}]");
        if new.nomination_ids[..i].contains(id) {
            return Err(Error::invalid(&field, "duplicate", "named twice"));
        }
        let n = nominations::find(conn, id)?
            .ok_or_else(|| Error::invalid(&field, "not_found", "no such nomination"))?;
        let v = nominations::view(conn, n)?;
        let granting = subjects::unit_path(conn, &v.nomination.granting_unit_id)?;
        if !policy::can_read_subject(who, &v.nominee_path, v.nomination.staff_id.as_ref())
            || !granting.starts_with(issuer_path)
        {
            return Err(Error::invalid(
                &field,
                "not_found",
                "no such nomination granted at the issuing unit or below",
            ));
        }
        if v.nomination.status != NominationStatus::Approved {
            return Err(Error::conflict_field(
                &field,
                "not_approved",
                format!(
                    "the nomination is {}: only nominations the council passed are decided",
                    v.nomination.status
                ),
            ));
        }
        if let Some(s) = &v.nomination.staff_id
            && decisions::under_discipline(conn, s, decision.decided_on)?
        {
            return Err(Error::conflict_field(
                &field,
                "under_discipline",
                "the nominee is under discipline on the decision date: no award while it runs",
            ));
        }
        let award_type = award_types::find(conn, &v.nomination.award_type_id)?
            .ok_or_else(|| Error::Internal("nomination without award type".into()))?;
        let n = v.nomination;
        out.push(Grant {
            award_type,
            staff_id: n.staff_id.clone(),
            subject_unit_id: n.nominee_unit_id.clone(),
            recipient_name: v.nominee_name.clone(),
            year: n.year,
            period_from: n.period_from,
            period_to: n.period_to,
            occasion: n.occasion,
            nomination: Some(n),
        });
    }
    for (i, r) in new.recipients.iter().enumerate() {
        let field = format!("recipients[{i}]");
        let award_type =
            award_types::find_by_id_or_code(conn, &r.award_type)?.ok_or_else(|| {
                Error::invalid(
                    &format!("{field}.award_type"),
                    "not_found",
                    "no such award type",
                )
            })?;
        let kind = if r.staff_id.is_some() {
            CriterionSubject::Individual
        } else {
            CriterionSubject::Collective
        };
        award_types::ensure_accepts(
            &award_type,
            kind == CriterionSubject::Collective,
            &format!("{field}.award_type"),
        )?;
        let subject = subjects::resolve(
            conn,
            kind,
            r.org_unit_id.as_ref(),
            r.staff_id.as_ref(),
            |path, _| path.starts_with(issuer_path),
        )
        .map_err(|e| e.within(&field))?;
        let recipient_name = match &subject.staff_id {
            Some(s) => staff::find(conn, s)?
                .map(|(p, _)| p.full_name)
                .unwrap_or_default(),
            None => org_units::find(conn, &subject.org_unit_id)?
                .map(|u| u.name)
                .unwrap_or_default(),
        };
        out.push(Grant {
            award_type,
            staff_id: subject.staff_id,
            subject_unit_id: subject.org_unit_id,
            recipient_name,
            nomination: None,
            year: decision.award_year,
            period_from: decision.period_from,
            period_to: decision.period_to,
            occasion: decision.occasion,
        });
    }
    if out.is_empty() {
        return Err(Error::invalid(
            "nomination_ids",
            "required",
            "a decision grants at least one nomination or recipient",
        ));
    }
    Ok(out)
}

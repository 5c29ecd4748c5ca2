//! Disclosures (công khai): officers publish the candidates waiting for their council;
//! anyone reads the published ones and, while they are open, sends feedback.

use chrono::NaiveDate;

use crate::db::{AnyConnection, Tx};
use crate::domain::access::Principal;
use crate::domain::disclosures::{
    self, Candidate, Disclosure, DisclosureDetail, DisclosureFields, DisclosureFilter, Feedback,
    FeedbackFields,
};
use crate::domain::org_units::referenced_unit;
use crate::domain::{Actor, Error, PageRequest, policy, subjects, today};
use crate::ids::{NominationId, OrgUnitId};

/// What a list asks for, besides the page.
pub struct ListQuery {
    /// Disclosures of this unit and the units below it.
    pub org_unit_id: Option<OrgUnitId>,
    /// Only those taking feedback today (`true`) or not (`false`).
    pub open: Option<bool>,
}

/// Nominations to publish, by a unit they are granted inside.
pub struct NewDisclosure {
    pub title: String,
    pub org_unit_id: OrgUnitId,
    /// Default: today; never before it.
    pub starts_on: Option<NaiveDate>,
    pub working_days: Option<u32>,
    pub nomination_ids: Vec<NominationId>,
}

/// Feedback from anyone, about one candidate or the whole list.
pub struct NewFeedback {
    pub nomination_id: Option<NominationId>,
    pub author_name: Option<String>,
    pub contact: Option<String>,
    pub content: String,
}

/// A published disclosure as the public reads it: its unit's name and its candidates.
pub struct PublicDetail {
    pub disclosure: Disclosure,
    pub unit_name: String,
    pub candidates: Vec<Candidate>,
}

/// One page of the disclosures in the caller's scope, newest first.
pub fn list(
    conn: &mut AnyConnection,
    who: &Principal,
    query: ListQuery,
    page: PageRequest,
) -> Result<(Vec<Disclosure>, i64), Error> {
    let under_path = subjects::subtree_filter(conn, query.org_unit_id.as_ref())?;
    let filter = DisclosureFilter {
        under_path,
        open: query.open,
        today: Some(today()),
    };
    Ok(disclosures::list(conn, &who.scope, &filter, page)?)
}

/// Publish nominations waiting for their council, by an officer of the unit.
pub fn create(
    tx: &mut Tx<'_>,
    who: &Principal,
    actor: &Actor,
    new: NewDisclosure,
) -> Result<DisclosureDetail, Error> {
    let day = today();
    let starts_on = new.starts_on.unwrap_or(day);
    if starts_on < day {
        return Err(Error::invalid(
            "starts_on",
            "past",
            "publication starts today or later",
        ));
    }
    let unit = referenced_unit(tx, who, &new.org_unit_id, "org_unit_id")?;
    policy::ensure(policy::can_keep_unit_awards(who, &unit.path))?;
    let fields = DisclosureFields {
        title: new.title.trim().to_string(),
        org_unit_id: unit.id.clone(),
        starts_on,
        working_days: new.working_days,
        nomination_ids: new.nomination_ids,
    };
    disclosures::create(tx, actor, &unit.path, fields, |path, staff| {
        policy::can_read_subject(who, path, staff)
    })
}

/// A disclosure the caller sees, with its nominations.
pub fn get(conn: &mut AnyConnection, who: &Principal, id: &str) -> Result<DisclosureDetail, Error> {
    let (d, _) = visible_disclosure(conn, who, id)?;
    Ok(disclosures::detail(conn, d)?)
}

/// One page of the feedback a disclosure received, for the officers of its unit.
pub fn feedback(
    conn: &mut AnyConnection,
    who: &Principal,
    id: &str,
    page: PageRequest,
) -> Result<(Vec<Feedback>, i64), Error> {
    let (d, path) = visible_disclosure(conn, who, id)?;
    policy::ensure(policy::can_read_disclosure_feedback(who, &path))?;
    Ok(disclosures::feedback(conn, &d.id, page)?)
}

/// One page of the published disclosures with their units' names, newest first.
pub fn public_list(
    conn: &mut AnyConnection,
    page: PageRequest,
) -> Result<(Vec<(Disclosure, String)>, i64), Error> {
    Ok(disclosures::list_public(conn, page, today())?)
}

/// A published disclosure (one whose publication has started) with its candidates.
pub fn public_get(conn: &mut AnyConnection, id: &str) -> Result<PublicDetail, Error> {
    let (d, _) = disclosures::find(conn, id)?
        .filter(|(d, _)| d.starts_on <= today())
        .ok_or_else(|| Error::not_found("disclosure"))?;
    let unit_name = disclosures::unit_name(conn, &d.org_unit_id)?;
    let candidates = disclosures::candidates(conn, &d.id)?;
    Ok(PublicDetail {
        disclosure: d,
        unit_name,
        candidates,
    })
}

/// Take feedback on a disclosure while it is open.
pub fn add_feedback(
    tx: &mut Tx<'_>,
    actor: &Actor,
    id: &str,
    new: NewFeedback,
) -> Result<Feedback, Error> {
    let trimmed = |s: Option<String>| s.map(|s| s.trim().to_string());
    let fields = FeedbackFields {
        nomination_id: new.nomination_id,
        author_name: trimmed(new.author_name),
        contact: trimmed(new.contact),
        content: new.content.trim().to_string(),
    };
    let (d, _) = disclosures::find(tx, id)?.ok_or_else(|| Error::not_found("disclosure"))?;
    disclosures::add_feedback(tx, actor, &d, today(), fields)
}

/// A disclosure the caller sees (404 otherwise), with its unit's path.
fn visible_disclosure(
    conn: &mut AnyConnection,
    who: &Principal,
    id: &str,
) -> Result<(Disclosure, String), Error> {
    let (d, path) = disclosures::find(conn, id)?.ok_or_else(|| Error::not_found("disclosure"))?;
    policy::ensure_visible(policy::can_read_disclosure(who, &path), "disclosure")?;
    Ok((d, path))
}

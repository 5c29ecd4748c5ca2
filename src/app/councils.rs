//! Councils (Hội đồng Thi đua – Khen thưởng) and their members; their sessions with
//! attendance and quorum, recusals, secret ballots, results and minutes.
//!
//! A council is read by those who see its unit; its sessions only by its members and the
//! officers keeping it (404 for anyone else); the officers keeping it change it and run
//! its sessions.

use chrono::NaiveDate;

use crate::db::{AnyConnection, Tx};
use crate::domain::access::Principal;
use crate::domain::councils::{
    self, Choice, Council, CouncilDetail, CouncilFields, CouncilFilter, MemberInput, Minutes,
    Recusal, Session, SessionDetail, SessionFields, SessionStatus,
};
use crate::domain::org_units::referenced_unit;
use crate::domain::{Actor, Error, PageRequest, policy, users};
use crate::ids::{CouncilId, NominationId, OrgUnitId, StaffId, UserId};

/// What a list of councils asks for, besides the page.
pub struct ListQuery {
    pub q: Option<String>,
    /// Councils of this unit.
    pub org_unit_id: Option<OrgUnitId>,
    pub active: Option<bool>,
    /// Councils this account is a member of.
    pub member_id: Option<UserId>,
    pub updated_since: Option<chrono::NaiveDateTime>,
}

/// A new council of a unit, with its members.
pub struct NewCouncil {
    pub name: String,
    pub org_unit_id: OrgUnitId,
    pub members: Vec<MemberInput>,
}

/// A council's changes: each field left out (`None`) stays; `members` replaces them all.
#[derive(Default)]
pub struct CouncilChanges {
    pub name: Option<String>,
    pub members: Option<Vec<MemberInput>>,
    pub active: Option<bool>,
}

/// A session to schedule over nominations the council's unit grants.
pub struct NewSession {
    pub title: String,
    pub meets_on: NaiveDate,
    pub quorum: Option<i32>,
    pub nomination_ids: Vec<NominationId>,
}

/// A recusal from a nomination, by a member or recorded for one.
pub struct NewRecusal {
    pub nomination_id: NominationId,
    pub reason: String,
    /// The member who recuses; default the caller.
    pub user_id: Option<UserId>,
}

/// That a member voted on a nomination of a session: never what they chose.
pub struct Ballot {
    pub session_id: String,
    pub nomination_id: NominationId,
    pub user_id: UserId,
}

/// One page of the councils in the caller's scope, by name.
pub fn list(
    conn: &mut AnyConnection,
    who: &Principal,
    query: ListQuery,
    page: PageRequest,
) -> Result<(Vec<Council>, i64), Error> {
    let filter = CouncilFilter {
        q: query.q,
        org_unit_id: query.org_unit_id,
        active: query.active,
        member_id: query.member_id,
        updated_since: query.updated_since,
    };
    Ok(councils::list(conn, &who.scope, &filter, page)?)
}

/// Make the council of a unit the caller keeps awards for.
pub fn create(
    tx: &mut Tx<'_>,
    who: &Principal,
    actor: &Actor,
    new: NewCouncil,
) -> Result<CouncilDetail, Error> {
    let unit = referenced_unit(tx, who, &new.org_unit_id, "org_unit_id")?;
    policy::ensure(policy::can_keep_unit_awards(who, &unit.path))?;
    let fields = CouncilFields {
        name: new.name.trim().to_string(),
        org_unit_id: unit.id.clone(),
        members: trimmed(new.members),
        active: true,
    };
    councils::create(tx, actor, &unit.path, fields)
}

/// A council the caller sees, with its members.
pub fn get(
    conn: &mut AnyConnection,
    who: &Principal,
    id: &CouncilId,
) -> Result<CouncilDetail, Error> {
    let (c, _) = visible_council(conn, who, id)?;
    Ok(councils::detail(conn, c)?)
}

/// Rename a council, replace its members or archive it.
pub fn update(
    tx: &mut Tx<'_>,
    who: &Principal,
    actor: &Actor,
    id: &CouncilId,
    version: i64,
    changes: CouncilChanges,
) -> Result<CouncilDetail, Error> {
    let (c, path) = kept_council(tx, who, id)?;
    let current = councils::detail(tx, c)?;
    let fields = CouncilFields {
        name: changes
            .name
            .map(|n| n.trim().to_string())
            .unwrap_or_else(|| current.council.name.clone()),
        org_unit_id: current.council.org_unit_id.clone(),
        members: match changes.members {
            Some(requested) => trimmed(requested),
            None => current
                .members
                .iter()
                .map(|m| MemberInput {
                    user_id: m.user_id.clone(),
                    position: m.position.clone(),
                })
                .collect(),
        },
        active: changes.active.unwrap_or(current.council.active),
    };
    councils::update(tx, actor, current, &path, version, fields)
}

/// One page of a visible council's sessions, latest meeting first.
pub fn list_sessions(
    conn: &mut AnyConnection,
    who: &Principal,
    council_id: &CouncilId,
    status: Option<SessionStatus>,
    page: PageRequest,
) -> Result<(Vec<Session>, i64), Error> {
    let (c, _) = visible_council(conn, who, council_id)?;
    Ok(councils::list_sessions(conn, &c.id, status, page)?)
}

/// Schedule a session of a council the caller keeps, over nominations they see.
pub fn create_session(
    tx: &mut Tx<'_>,
    who: &Principal,
    actor: &Actor,
    council_id: &CouncilId,
    new: NewSession,
) -> Result<SessionDetail, Error> {
    let (c, _) = kept_council(tx, who, council_id)?;
    let fields = SessionFields {
        title: new.title.trim().to_string(),
        meets_on: new.meets_on,
        quorum: new.quorum,
        nomination_ids: new.nomination_ids,
    };
    let visible =
        |path: &str, staff_id: Option<&StaffId>| policy::can_read_subject(who, path, staff_id);
    councils::create_session(tx, actor, &c, fields, &visible)
}

/// A session the caller reads, with attendance, nominations and recusals.
pub fn get_session(
    conn: &mut AnyConnection,
    who: &Principal,
    council_id: &CouncilId,
    session_id: &str,
) -> Result<SessionDetail, Error> {
    let (_, _, s) = visible_session(conn, who, council_id, session_id)?;
    Ok(councils::session_detail(conn, s)?)
}

/// Record the members present at a session the caller keeps.
pub fn set_attendance(
    tx: &mut Tx<'_>,
    who: &Principal,
    actor: &Actor,
    (council_id, session_id): (&CouncilId, &str),
    version: i64,
    user_ids: &[UserId],
) -> Result<SessionDetail, Error> {
    let (_, current) = kept_session(tx, who, council_id, session_id)?;
    councils::set_attendance(tx, actor, current, version, user_ids)
}

/// Open a session the caller keeps.
pub fn open_session(
    tx: &mut Tx<'_>,
    who: &Principal,
    actor: &Actor,
    (council_id, session_id): (&CouncilId, &str),
    version: i64,
) -> Result<SessionDetail, Error> {
    let (_, current) = kept_session(tx, who, council_id, session_id)?;
    councils::open(tx, actor, current, version)
}

/// Close a session the caller keeps, with its results.
pub fn close_session(
    tx: &mut Tx<'_>,
    who: &Principal,
    actor: &Actor,
    (council_id, session_id): (&CouncilId, &str),
    version: i64,
) -> Result<SessionDetail, Error> {
    let (c, current) = kept_session(tx, who, council_id, session_id)?;
    councils::close(tx, actor, current, &c, version)
}

/// Recuse a member from a nomination of a session: the caller themself, or a member the
/// caller records it for as a keeper of the council.
pub fn recuse(
    tx: &mut Tx<'_>,
    who: &Principal,
    actor: &Actor,
    (council_id, session_id): (&CouncilId, &str),
    new: NewRecusal,
) -> Result<Recusal, Error> {
    let (c, path, s) = visible_session(tx, who, council_id, session_id)?;
    let member = new.user_id.unwrap_or_else(|| who.user_id.clone());
    let is_member = councils::is_member(tx, &c.id, &member)?;
    policy::ensure(policy::can_recuse(who, &path, &member, is_member))?;
    if !is_member {
        return Err(Error::invalid(
            "user_id",
            "not_member",
            "not a member of the council",
        ));
    }
    councils::recuse(
        tx,
        actor,
        &s,
        &new.nomination_id,
        &member,
        new.reason.trim(),
    )
}

/// Cast the caller's secret ballot on a nomination of a session.
pub fn vote(
    tx: &mut Tx<'_>,
    who: &Principal,
    actor: &Actor,
    (council_id, session_id): (&CouncilId, &str),
    nomination_id: NominationId,
    choice: Choice,
) -> Result<Ballot, Error> {
    let (c, _, s) = visible_session(tx, who, council_id, session_id)?;
    let is_member = councils::is_member(tx, &c.id, &who.user_id)?;
    policy::ensure(policy::can_vote(is_member))?;
    let member = users::find(tx, &who.user_id)?
        .ok_or_else(|| Error::unauthorized("The account no longer exists."))?;
    councils::vote(tx, actor, &s, &nomination_id, &member, choice)?;
    Ok(Ballot {
        session_id: s.id,
        nomination_id,
        user_id: member.id,
    })
}

/// The minutes of a session the caller reads.
pub fn minutes(
    conn: &mut AnyConnection,
    who: &Principal,
    council_id: &CouncilId,
    session_id: &str,
) -> Result<Minutes, Error> {
    let (c, _, s) = visible_session(conn, who, council_id, session_id)?;
    let detail = councils::session_detail(conn, s)?;
    councils::minutes(conn, detail, &c)
}

fn trimmed(members: Vec<MemberInput>) -> Vec<MemberInput> {
    members
        .into_iter()
        .map(|m| MemberInput {
            user_id: m.user_id,
            position: m.position.trim().to_string(),
        })
        .collect()
}

/// A council the caller sees (404 otherwise), with its unit's path.
fn visible_council(
    conn: &mut AnyConnection,
    who: &Principal,
    id: &CouncilId,
) -> Result<(Council, String), Error> {
    let (c, path) = councils::find(conn, id)?.ok_or_else(|| Error::not_found("council"))?;
    policy::ensure_visible(policy::can_read_council(who, &path), "council")?;
    Ok((c, path))
}

/// A council the caller keeps: 404 when hidden, 403 when only readable.
fn kept_council(
    conn: &mut AnyConnection,
    who: &Principal,
    id: &CouncilId,
) -> Result<(Council, String), Error> {
    let (c, path) = visible_council(conn, who, id)?;
    policy::ensure(policy::can_keep_unit_awards(who, &path))?;
    Ok((c, path))
}

/// A session of a council the caller reads: its members' and its keepers' only. Anyone
/// else (who may read the council's name and members) finds no session: 404.
fn visible_session(
    conn: &mut AnyConnection,
    who: &Principal,
    council_id: &CouncilId,
    session_id: &str,
) -> Result<(Council, String, Session), Error> {
    let (c, path) = visible_council(conn, who, council_id)?;
    let is_member = councils::is_member(conn, &c.id, &who.user_id)?;
    policy::ensure_visible(
        policy::can_read_session(who, &path, is_member),
        "council session",
    )?;
    let s = councils::find_session(conn, &c.id, session_id)?
        .ok_or_else(|| Error::not_found("council session"))?;
    Ok((c, path, s))
}

/// A session the caller runs (officers keeping the council): 404 hidden, 403 read-only.
fn kept_session(
    conn: &mut AnyConnection,
    who: &Principal,
    council_id: &CouncilId,
    session_id: &str,
) -> Result<(Council, SessionDetail), Error> {
    let (c, path, s) = visible_session(conn, who, council_id, session_id)?;
    policy::ensure(policy::can_keep_unit_awards(who, &path))?;
    let detail = councils::session_detail(conn, s)?;
    Ok((c, detail))
}

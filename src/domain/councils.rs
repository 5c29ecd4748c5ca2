//! Hội đồng Thi đua – Khen thưởng: members, sessions, recusals and secret ballots.
//!
//! A council belongs to a unit and votes on the nominations that unit grants. A session
//! goes `scheduled` → `open` → `closed`; a scheduled session that is closed without having
//! opened (it never reached its quorum) ends `invalid`, and its nominations may be put to
//! another session.
//!
//! Ballots are secret. A vote is stored as two unrelated facts written in one transaction:
//! a receipt that a member voted on a nomination (`ballot_receipts`, without the choice)
//! and a counter raised (`session_nominations`, without the member). The audit log records
//! "voted" with the nomination only; no answer carries a choice, and the counters are read
//! out only once the session is closed. Thresholds count all members of the council
//! (snapshot when the session opens), not those present (Luật TĐKT 2022, NĐ 152/2025 Đ.33).
//!
//! Nor does the tally give a choice away: a quorum is at least two thirds of the members,
//! and an open session closes only once every member present has voted on (or recused
//! from) each nomination, so the counts are never those of one or two early ballots. A
//! session opens no sooner than the day it meets, which its disclosure lead time is
//! counted against.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::AnyConnection;
use crate::db::Tx;
use crate::db::schema::{
    ballot_receipts, council_members, council_sessions, councils, disclosure_feedback,
    nominations as nomination_rows, org_units, recusals, session_attendance, session_nominations,
    staff, users,
};
use crate::domain::Error;
use crate::domain::access::Scope;
use crate::domain::audit::{self, ChangeAction, Resource, ResourceKind};
use crate::domain::award_types::{self, AwardRules};
use crate::domain::nominations::{self, Nomination, NominationStatus};
use crate::domain::policy;
use crate::domain::users::User;
use crate::domain::{
    Actor, PageRequest, calendar, changed_meanwhile, disclosures, ensure_version, new_id, now,
    subjects, text_enum,
};
use crate::text::{fold, person_sort_key, sort_key};

text_enum! {
    /// Where a session stands.
    pub enum SessionStatus {
        /// Announced; attendance is recorded. It opens only with its quorum present.
        Scheduled => "scheduled",
        /// In session: members vote and recuse.
        Open => "open",
        /// Over: tallies and outcomes are final and public.
        Closed => "closed",
        /// Closed without having opened (no quorum): no vote took place.
        Invalid => "invalid",
    }
}

text_enum! {
    /// A member's choice on one nomination. Never stored with the member.
    pub enum Choice {
        /// Đồng ý.
        Agree => "agree",
        /// Không đồng ý.
        Disagree => "disagree",
        /// Không có ý kiến.
        Abstain => "abstain",
    }
}

text_enum! {
    /// A nomination's result when the session closes.
    pub enum Outcome {
        Passed => "passed",
        Failed => "failed",
    }
}

// Councils -----------------------------------------------------------------------------

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = councils)]
pub struct Council {
    pub id: String,
    pub name: String,
    pub org_unit_id: String,
    pub active: bool,
    pub version: i64,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

/// A member as listed: the account, its position and the name it is known by (the linked
/// staff member's, else the username).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Member {
    pub user_id: String,
    pub position: String,
    pub name: String,
}

/// A council with its members, as stored and audited.
#[derive(Debug, Clone, Serialize)]
pub struct CouncilDetail {
    pub council: Council,
    pub members: Vec<Member>,
}

/// A member as a request names it.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberInput {
    pub user_id: String,
    pub position: String,
}

#[derive(Debug, Clone)]
pub struct CouncilFields {
    pub name: String,
    pub org_unit_id: String,
    pub members: Vec<MemberInput>,
    pub active: bool,
}

/// A council with the path of its unit, which decides who sees and keeps it.
pub fn find(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<(Council, String)>> {
    councils::table
        .inner_join(org_units::table)
        .filter(councils::id.eq(id))
        .select((Council::as_select(), org_units::path))
        .first(conn)
        .optional()
}

/// Chair first, then vice-chairs, the standing member, other members, and anyone else.
fn position_rank(position: &str) -> u8 {
    let p = fold(position);
    if p.starts_with("chu tich") {
        0
    } else if p.starts_with("pho chu tich") {
        1
    } else if p.starts_with("uy vien thuong truc") {
        2
    } else if p.starts_with("uy vien") {
        3
    } else {
        4
    }
}

/// The members of a council, by position then by name.
pub fn members(conn: &mut AnyConnection, council_id: &str) -> QueryResult<Vec<Member>> {
    let rows: Vec<(String, String, String, Option<String>)> = council_members::table
        .inner_join(users::table)
        .left_join(staff::table.on(staff::id.nullable().eq(users::staff_id)))
        .filter(council_members::council_id.eq(council_id))
        .select((
            council_members::user_id,
            council_members::position,
            users::username,
            staff::full_name.nullable(),
        ))
        .load(conn)?;
    let mut members: Vec<Member> = rows
        .into_iter()
        .map(|(user_id, position, username, full_name)| Member {
            user_id,
            position,
            name: full_name.unwrap_or(username),
        })
        .collect();
    members.sort_by_cached_key(|m| {
        (
            position_rank(&m.position),
            person_sort_key(&m.name),
            m.user_id.clone(),
        )
    });
    Ok(members)
}

pub fn detail(conn: &mut AnyConnection, council: Council) -> QueryResult<CouncilDetail> {
    let members = members(conn, &council.id)?;
    Ok(CouncilDetail { council, members })
}

fn member_ids(conn: &mut AnyConnection, council_id: &str) -> QueryResult<Vec<String>> {
    council_members::table
        .filter(council_members::council_id.eq(council_id))
        .select(council_members::user_id)
        .load(conn)
}

pub fn is_member(conn: &mut AnyConnection, council_id: &str, user_id: &str) -> QueryResult<bool> {
    let n: i64 = council_members::table
        .filter(council_members::council_id.eq(council_id))
        .filter(council_members::user_id.eq(user_id))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// Members are distinct active accounts that see the council (their unit lies below or
/// above the council's), or they could not read what they vote on. Those already members
/// (`kept`) are not checked again: an account disabled since stays until someone removes it.
fn check_members(
    conn: &mut AnyConnection,
    council_path: &str,
    members: &[MemberInput],
    kept: &[String],
) -> Result<(), Error> {
    for (i, m) in members.iter().enumerate() {
        let field = format!("members[{i}].user_id");
        if members[..i].iter().any(|o| o.user_id == m.user_id) {
            return Err(Error::invalid(&field, "duplicate", "listed twice"));
        }
        if kept.contains(&m.user_id) {
            continue;
        }
        let account: Option<(User, Option<String>)> = users::table
            .left_join(org_units::table)
            .filter(users::id.eq(&m.user_id))
            .select((User::as_select(), org_units::path.nullable()))
            .first(conn)
            .optional()?;
        let Some((user, unit_path)) = account else {
            return Err(Error::invalid(&field, "not_found", "no such account"));
        };
        if !user.active {
            return Err(Error::invalid(
                &field,
                "disabled",
                "the account is disabled",
            ));
        }
        if !policy::can_sit_on_council(&user.roles(), unit_path.as_deref(), council_path) {
            return Err(Error::invalid(
                &field,
                "out_of_scope",
                "the account's unit lies neither below nor above the council's unit, so it could not read the council",
            ));
        }
    }
    Ok(())
}

fn write_members(tx: &mut Tx<'_>, council_id: &str, members: &[MemberInput]) -> QueryResult<()> {
    diesel::delete(council_members::table.filter(council_members::council_id.eq(council_id)))
        .execute(tx.conn())?;
    for m in members {
        diesel::insert_into(council_members::table)
            .values((
                council_members::council_id.eq(council_id),
                council_members::user_id.eq(&m.user_id),
                council_members::position.eq(&m.position),
            ))
            .execute(tx.conn())?;
    }
    Ok(())
}

/// Whether a session of the council is open (its membership is then fixed).
fn has_open_session(conn: &mut AnyConnection, council_id: &str) -> QueryResult<bool> {
    let n: i64 = council_sessions::table
        .filter(council_sessions::council_id.eq(council_id))
        .filter(council_sessions::status.eq(SessionStatus::Open.as_str()))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

fn record_council(
    tx: &mut Tx<'_>,
    actor: &Actor,
    action: ChangeAction,
    before: Option<&CouncilDetail>,
    after: &CouncilDetail,
) -> QueryResult<()> {
    let resource = Resource {
        kind: ResourceKind::Council,
        id: &after.council.id,
        version: after.council.version,
    };
    audit::record_change(tx, actor, action, resource, before, Some(after))
}

pub fn create(
    tx: &mut Tx<'_>,
    actor: &Actor,
    unit_path: &str,
    f: CouncilFields,
) -> Result<CouncilDetail, Error> {
    check_members(tx, unit_path, &f.members, &[])?;
    let at = now();
    let council: Council = diesel::insert_into(councils::table)
        .values((
            councils::id.eq(new_id()),
            councils::name.eq(&f.name),
            councils::org_unit_id.eq(&f.org_unit_id),
            councils::active.eq(true),
            councils::version.eq(1),
            councils::created_at.eq(at),
            councils::updated_at.eq(at),
        ))
        .returning(councils::all_columns)
        .get_result(tx.conn())?;
    write_members(tx, &council.id, &f.members)?;
    let detail = detail(tx, council)?;
    record_council(tx, actor, ChangeAction::Created, None, &detail)?;
    Ok(detail)
}

/// Replaces a council's name, members or active flag (its unit stays). Members change, and
/// the council is archived, only while none of its sessions is open.
pub fn update(
    tx: &mut Tx<'_>,
    actor: &Actor,
    current: CouncilDetail,
    unit_path: &str,
    expected_version: i64,
    f: CouncilFields,
) -> Result<CouncilDetail, Error> {
    ensure_version(current.council.version, expected_version)?;
    let old: Vec<MemberInput> = current
        .members
        .iter()
        .map(|m| MemberInput {
            user_id: m.user_id.clone(),
            position: m.position.clone(),
        })
        .collect();
    let same_members = old.len() == f.members.len() && old.iter().all(|m| f.members.contains(m));
    let archiving = current.council.active && !f.active;
    if (!same_members || archiving) && has_open_session(tx, &current.council.id)? {
        return Err(Error::conflict(
            "session_open",
            "A session of this council is open: its members and its state change only after the session closes.",
        ));
    }
    let kept: Vec<String> = old.into_iter().map(|m| m.user_id).collect();
    check_members(tx, unit_path, &f.members, &kept)?;
    let council: Council = diesel::update(
        councils::table
            .find(&current.council.id)
            .filter(councils::version.eq(current.council.version)),
    )
    .set((
        councils::name.eq(&f.name),
        councils::active.eq(f.active),
        councils::version.eq(current.council.version + 1),
        councils::updated_at.eq(now()),
    ))
    .returning(councils::all_columns)
    .get_result(tx.conn())
    .map_err(changed_meanwhile)?;
    if !same_members {
        write_members(tx, &council.id, &f.members)?;
    }
    let detail = detail(tx, council)?;
    let action = if archiving {
        ChangeAction::Archived
    } else {
        ChangeAction::Updated
    };
    record_council(tx, actor, action, Some(&current), &detail)?;
    Ok(detail)
}

#[derive(Debug, Clone, Default)]
pub struct CouncilFilter {
    pub q: Option<String>,
    pub org_unit_id: Option<String>,
    pub active: Option<bool>,
    pub member_id: Option<String>,
    pub updated_since: Option<chrono::NaiveDateTime>,
}

/// Councils whose unit the caller sees (below or above its scope), in Vietnamese name
/// order. The table keeps no folded name, and a province holds a handful of councils, so
/// the search and the order are applied here to the rows the other filters leave.
pub fn list(
    conn: &mut AnyConnection,
    scope: &Scope,
    filter: &CouncilFilter,
    page: PageRequest,
) -> QueryResult<(Vec<Council>, i64)> {
    let mut q = councils::table.inner_join(org_units::table).into_boxed();
    q = match scope {
        Scope::All => q,
        Scope::Subtree(prefix) => q.filter(
            org_units::path
                .like(crate::db::prefix_pattern(prefix))
                .or(prefix
                    .clone()
                    .into_sql::<diesel::sql_types::Text>()
                    .like(org_units::path.concat("%"))),
        ),
        Scope::Nothing => q.filter(councils::id.is_null()),
    };
    if let Some(unit) = &filter.org_unit_id {
        q = q.filter(councils::org_unit_id.eq(unit.clone()));
    }
    if let Some(active) = filter.active {
        q = q.filter(councils::active.eq(active));
    }
    if let Some(member) = &filter.member_id {
        q = q.filter(
            councils::id.eq_any(
                council_members::table
                    .filter(council_members::user_id.eq(member.clone()))
                    .select(council_members::council_id),
            ),
        );
    }
    if let Some(since) = filter.updated_since {
        q = q.filter(councils::updated_at.ge(since));
    }
    let mut rows: Vec<Council> = q.select(Council::as_select()).load(conn)?;
    if let Some(text) = filter.q.as_deref().map(fold).filter(|t| !t.is_empty()) {
        rows.retain(|c| fold(&c.name).contains(&text));
    }
    rows.sort_by_cached_key(|c| (sort_key(&c.name), c.id.clone()));
    let total = rows.len() as i64;
    let items = rows
        .into_iter()
        .skip(usize::try_from(page.offset()).unwrap_or(usize::MAX))
        .take(usize::try_from(page.per_page).unwrap_or(0))
        .collect();
    Ok((items, total))
}

// Sessions -----------------------------------------------------------------------------

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = council_sessions)]
pub struct Session {
    pub id: String,
    pub council_id: String,
    pub title: String,
    pub meets_on: NaiveDate,
    pub quorum: i32,
    pub status: String,
    /// All members when the session opened: what thresholds count.
    pub members_total: Option<i32>,
    pub opened_at: Option<chrono::NaiveDateTime>,
    pub closed_at: Option<chrono::NaiveDateTime>,
    pub version: i64,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

impl Session {
    pub fn status(&self) -> SessionStatus {
        SessionStatus::from_db(&self.status)
    }
}

/// The counters of one nomination in a session. Read only through `tally_visible`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = session_nominations)]
struct TallyRow {
    nomination_id: String,
    agree: i32,
    disagree: i32,
    abstain: i32,
    outcome: Option<String>,
}

/// The votes on one nomination, public once the session is closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct Tally {
    pub agree: i32,
    pub disagree: i32,
    pub abstain: i32,
}

/// Whether a session's counters may be read: only when it is over. Before, a reader
/// watching the counters between two votes would learn each voter's choice.
pub fn tally_visible(status: SessionStatus) -> bool {
    status == SessionStatus::Closed
}

/// A nomination put to a session, with what may be said of it now.
#[derive(Debug, Clone, Serialize)]
pub struct SessionItem {
    pub nomination_id: String,
    pub nominee_name: String,
    pub staff_id: Option<String>,
    pub nominee_unit_id: String,
    pub award_type_code: String,
    pub award_type_name: String,
    pub nomination_status: NominationStatus,
    /// How many members voted (not how).
    pub votes_cast: i64,
    /// Only once the session is closed.
    pub tally: Option<Tally>,
    pub outcome: Option<Outcome>,
}

/// A member's recorded recusal from one nomination.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Recusal {
    pub nomination_id: String,
    pub user_id: String,
    /// The member's name.
    pub name: String,
    pub reason: String,
    pub at: DateTime<Utc>,
}

/// A session with its attendance, nominations and recusals.
#[derive(Debug, Clone)]
pub struct SessionDetail {
    pub session: Session,
    /// Members of the council now (or, once open, when it opened).
    pub members_total: i32,
    /// Accounts recorded present.
    pub attendance: Vec<String>,
    pub items: Vec<SessionItem>,
    pub recusals: Vec<Recusal>,
}

impl SessionDetail {
    pub fn present(&self) -> i32 {
        i32::try_from(self.attendance.len()).unwrap_or(i32::MAX)
    }

    pub fn quorum_met(&self) -> bool {
        self.present() >= self.session.quorum
    }
}

/// What the audit log keeps of a session: never the counters of an open session, which,
/// set beside the time of each "voted" row, would tell who chose what.
#[derive(Serialize)]
struct SessionRecord<'a> {
    #[serde(flatten)]
    session: &'a Session,
    attendance: &'a [String],
    nomination_ids: Vec<&'a str>,
    /// Only in the row that closes the session.
    #[serde(skip_serializing_if = "Option::is_none")]
    results: Option<Vec<ResultRecord<'a>>>,
}

#[derive(Serialize)]
struct ResultRecord<'a> {
    nomination_id: &'a str,
    #[serde(flatten)]
    tally: Tally,
    outcome: Option<Outcome>,
}

impl SessionDetail {
    fn record(&self) -> SessionRecord<'_> {
        SessionRecord {
            session: &self.session,
            attendance: &self.attendance,
            nomination_ids: self
                .items
                .iter()
                .map(|i| i.nomination_id.as_str())
                .collect(),
            results: tally_visible(self.session.status()).then(|| {
                self.items
                    .iter()
                    .filter_map(|i| {
                        Some(ResultRecord {
                            nomination_id: &i.nomination_id,
                            tally: i.tally?,
                            outcome: i.outcome,
                        })
                    })
                    .collect()
            }),
        }
    }
}

fn record_session(
    tx: &mut Tx<'_>,
    actor: &Actor,
    action: ChangeAction,
    before: Option<&SessionDetail>,
    after: &SessionDetail,
) -> QueryResult<()> {
    let resource = Resource {
        kind: ResourceKind::CouncilSession,
        id: &after.session.id,
        version: after.session.version,
    };
    audit::record_change(
        tx,
        actor,
        action,
        resource,
        before.map(|b| b.record()).as_ref(),
        Some(&after.record()),
    )
}

/// A session of a council: absent when it is not this council's.
pub fn find_session(
    conn: &mut AnyConnection,
    council_id: &str,
    session_id: &str,
) -> QueryResult<Option<Session>> {
    council_sessions::table
        .filter(council_sessions::id.eq(session_id))
        .filter(council_sessions::council_id.eq(council_id))
        .select(Session::as_select())
        .first(conn)
        .optional()
}

fn attendance(conn: &mut AnyConnection, session_id: &str) -> QueryResult<Vec<String>> {
    session_attendance::table
        .filter(session_attendance::session_id.eq(session_id))
        .order(session_attendance::user_id)
        .select(session_attendance::user_id)
        .load(conn)
}

/// The name a member is known by, for accounts that may have left the council since.
fn names_of(conn: &mut AnyConnection, user_ids: &[String]) -> QueryResult<HashMap<String, String>> {
    let rows: Vec<(String, String, Option<String>)> = users::table
        .left_join(staff::table.on(staff::id.nullable().eq(users::staff_id)))
        .filter(users::id.eq_any(user_ids))
        .select((users::id, users::username, staff::full_name.nullable()))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, username, full_name)| (id, full_name.unwrap_or(username)))
        .collect())
}

fn items(conn: &mut AnyConnection, session: &Session) -> QueryResult<Vec<SessionItem>> {
    type Row = (TallyRow, Nomination, String, String, Option<String>, String);
    let rows: Vec<Row> = session_nominations::table
        .inner_join(
            nomination_rows::table
                .inner_join(crate::db::schema::award_types::table)
                .left_join(staff::table)
                .inner_join(
                    org_units::table.on(org_units::id.eq(nomination_rows::nominee_unit_id)),
                ),
        )
        .filter(session_nominations::session_id.eq(&session.id))
        .select((
            TallyRow::as_select(),
            Nomination::as_select(),
            crate::db::schema::award_types::code,
            crate::db::schema::award_types::name,
            staff::full_name.nullable(),
            org_units::name,
        ))
        .load(conn)?;
    let cast: Vec<(String, i64)> = ballot_receipts::table
        .filter(ballot_receipts::session_id.eq(&session.id))
        .group_by(ballot_receipts::nomination_id)
        .select((ballot_receipts::nomination_id, diesel::dsl::count_star()))
        .load(conn)?;
    let cast: HashMap<String, i64> = cast.into_iter().collect();
    let visible = tally_visible(session.status());
    let mut items: Vec<(String, SessionItem)> = rows
        .into_iter()
        .map(|(t, n, code, award_name, person, unit_name)| {
            let nominee_name = person.unwrap_or(unit_name);
            let item = SessionItem {
                votes_cast: cast.get(&n.id).copied().unwrap_or(0),
                tally: visible.then_some(Tally {
                    agree: t.agree,
                    disagree: t.disagree,
                    abstain: t.abstain,
                }),
                outcome: t.outcome.as_deref().map(Outcome::from_db),
                nomination_id: t.nomination_id,
                staff_id: n.staff_id.clone(),
                nominee_unit_id: n.nominee_unit_id.clone(),
                nomination_status: n.status,
                nominee_name: nominee_name.clone(),
                award_type_code: code,
                award_type_name: award_name,
            };
            (person_sort_key(&nominee_name), item)
        })
        .collect();
    items.sort_by(|a, b| {
        (&a.1.award_type_code, &a.0, &a.1.nomination_id).cmp(&(
            &b.1.award_type_code,
            &b.0,
            &b.1.nomination_id,
        ))
    });
    Ok(items.into_iter().map(|(_, i)| i).collect())
}

fn session_recusals(conn: &mut AnyConnection, session_id: &str) -> QueryResult<Vec<Recusal>> {
    let rows: Vec<(String, String, String, chrono::NaiveDateTime)> = recusals::table
        .filter(recusals::session_id.eq(session_id))
        .order((recusals::at, recusals::user_id))
        .select((
            recusals::nomination_id,
            recusals::user_id,
            recusals::reason,
            recusals::at,
        ))
        .load(conn)?;
    let ids: Vec<String> = rows.iter().map(|r| r.1.clone()).collect();
    let names = names_of(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|(nomination_id, user_id, reason, at)| Recusal {
            name: names.get(&user_id).cloned().unwrap_or_default(),
            nomination_id,
            user_id,
            reason,
            at: at.and_utc(),
        })
        .collect())
}

fn count_members(conn: &mut AnyConnection, council_id: &str) -> QueryResult<i32> {
    let n: i64 = council_members::table
        .filter(council_members::council_id.eq(council_id))
        .count()
        .get_result(conn)?;
    Ok(i32::try_from(n).unwrap_or(i32::MAX))
}

pub fn session_detail(conn: &mut AnyConnection, session: Session) -> QueryResult<SessionDetail> {
    let members_total = match session.members_total {
        Some(n) => n,
        None => count_members(conn, &session.council_id)?,
    };
    Ok(SessionDetail {
        members_total,
        attendance: attendance(conn, &session.id)?,
        items: items(conn, &session)?,
        recusals: session_recusals(conn, &session.id)?,
        session,
    })
}

/// The sessions of a council, latest meeting first.
pub fn list_sessions(
    conn: &mut AnyConnection,
    council_id: &str,
    status: Option<SessionStatus>,
    page: PageRequest,
) -> QueryResult<(Vec<Session>, i64)> {
    let query = || {
        let mut q = council_sessions::table
            .filter(council_sessions::council_id.eq(council_id.to_string()))
            .into_boxed();
        if let Some(s) = status {
            q = q.filter(council_sessions::status.eq(s.as_str()));
        }
        q
    };
    let total = query().count().get_result(conn)?;
    let items = query()
        .order((
            council_sessions::meets_on.desc(),
            council_sessions::id.desc(),
        ))
        .offset(page.offset())
        .limit(page.per_page)
        .select(Session::as_select())
        .load(conn)?;
    Ok((items, total))
}

/// A session's default quorum: two thirds of the members, rounded up.
pub fn default_quorum(members: i32) -> i32 {
    (2 * members + 2) / 3
}

/// The fewest agree votes that pass among `members`, if any do.
pub fn votes_needed(rules: &AwardRules, members: i32) -> Option<i32> {
    let members = u32::try_from(members).ok()?;
    (0..=members)
        .find(|k| rules.passes(*k, members))
        .and_then(|k| i32::try_from(k).ok())
}

/// The award type of a nomination and its rules in force for the nominee's unit at the end
/// of the achievement period; an award no rule set names asks for more than half.
fn rules_of(
    conn: &mut AnyConnection,
    n: &Nomination,
) -> Result<(award_types::AwardType, AwardRules), Error> {
    let award = award_types::find(conn, &n.award_type_id)?
        .ok_or_else(|| Error::internal(format!("nomination {} without award type", n.id)))?;
    let path = subjects::unit_path(conn, &n.nominee_unit_id)?;
    let rules = award_types::rules_for(conn, &award.code, &path, n.period_to)?
        .map(|r| r.rules)
        .unwrap_or_default();
    Ok((award, rules))
}

#[derive(Debug, Clone)]
pub struct SessionFields {
    pub title: String,
    pub meets_on: NaiveDate,
    pub quorum: Option<i32>,
    pub nomination_ids: Vec<String>,
}

/// Whether a nomination is put to a session not yet over (scheduled or open). Its
/// workflow should not move it meanwhile: the session's close decides it.
pub fn in_pending_session(conn: &mut AnyConnection, nomination_id: &str) -> QueryResult<bool> {
    let n: i64 = session_nominations::table
        .inner_join(council_sessions::table)
        .filter(session_nominations::nomination_id.eq(nomination_id))
        .filter(council_sessions::status.eq_any([
            SessionStatus::Scheduled.as_str(),
            SessionStatus::Open.as_str(),
        ]))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// Checks one nomination put to a session: visible (`visible` by nominee unit path and
/// staff id), granted by the council's unit, waiting for the council, in no other pending
/// session, and published long enough before the meeting when its rules ask for it.
fn check_nomination(
    conn: &mut AnyConnection,
    council: &Council,
    meets_on: NaiveDate,
    field: &str,
    id: &str,
    visible: &dyn Fn(&str, Option<&str>) -> bool,
) -> Result<Nomination, Error> {
    let found = match nominations::find(conn, id)? {
        Some(n) => {
            let path = subjects::unit_path(conn, &n.nominee_unit_id)?;
            visible(&path, n.staff_id.as_deref()).then_some(n)
        }
        None => None,
    };
    let n = found.ok_or_else(|| Error::invalid(field, "not_found", "no such nomination"))?;
    if n.granting_unit_id != council.org_unit_id {
        return Err(Error::invalid(
            field,
            "wrong_council",
            "the nomination is granted by another unit: its council votes on it",
        ));
    }
    if !n.status.before_council() {
        return Err(Error::conflict_field(
            field,
            "not_before_council",
            format!(
                "the nomination is {}, not waiting for the council (council_review or disclosed)",
                n.status
            ),
        ));
    }
    if in_pending_session(conn, &n.id)? {
        return Err(Error::conflict_field(
            field,
            "in_another_session",
            "the nomination is already put to a session that is not over",
        ));
    }
    let (_, rules) = rules_of(conn, &n)?;
    if let Some(days) = rules.disclosure_working_days {
        let published = disclosures::earliest_start(conn, &n.id)?;
        let enough = match published {
            Some(start) => {
                // Counted on the council's own calendar (its province's days off too).
                let council_path = subjects::unit_path(conn, &council.org_unit_id)?;
                calendar::working_days_between(conn, Some(&council_path), start, meets_on)?
                    >= i64::from(days)
            }
            None => false,
        };
        if !enough {
            return Err(Error::conflict_field(
                field,
                "disclosure_too_short",
                format!(
                    "the nominee must be published at least {days} working days before the council meets ({})",
                    match published {
                        Some(start) => format!("published on {start}"),
                        None => "not published".to_string(),
                    }
                ),
            ));
        }
    }
    Ok(n)
}

/// Takes a nomination for a session: raises its version from the one read when it was
/// checked (412 when another change came first). Two sessions scheduled at once over one
/// nomination both find it in no pending session; the second to write here then waits on
/// the first's row lock (PostgreSQL) and fails, instead of both going through.
fn take_nomination(tx: &mut Tx<'_>, n: &Nomination) -> Result<(), Error> {
    diesel::update(
        nomination_rows::table
            .find(&n.id)
            .filter(nomination_rows::version.eq(n.version)),
    )
    .set((
        nomination_rows::version.eq(n.version + 1),
        nomination_rows::updated_at.eq(now()),
    ))
    .returning(nomination_rows::version)
    .get_result::<i64>(tx.conn())
    .map_err(changed_meanwhile)?;
    Ok(())
}

/// Schedules a session of an active council with members, over nominations it votes on.
pub fn create_session(
    tx: &mut Tx<'_>,
    actor: &Actor,
    council: &Council,
    f: SessionFields,
    visible: &dyn Fn(&str, Option<&str>) -> bool,
) -> Result<SessionDetail, Error> {
    if !council.active {
        return Err(Error::conflict(
            "council_archived",
            "The council is archived.",
        ));
    }
    // A year no calendar of ours holds would make working-day counts run for ever.
    if !(1900..=2200).contains(&f.meets_on.year()) {
        return Err(Error::invalid(
            "meets_on",
            "range",
            "must be a day between the years 1900 and 2200",
        ));
    }
    let members = count_members(tx, &council.id)?;
    if members == 0 {
        return Err(Error::conflict(
            "no_members",
            "The council has no members yet.",
        ));
    }
    // Fewer present would let a handful of voters, and whoever reads the tally, tell
    // each choice from the counts.
    let least = default_quorum(members);
    let quorum = match f.quorum {
        None => least,
        Some(q) if (least..=members).contains(&q) => q,
        Some(_) => {
            return Err(Error::invalid(
                "quorum",
                "range",
                format!(
                    "must be between {least} (two thirds of the {members} members, rounded up) and {members}"
                ),
            ));
        }
    };
    let mut taken = Vec::with_capacity(f.nomination_ids.len());
    for (i, id) in f.nomination_ids.iter().enumerate() {
        let field = format!("nomination_ids[{i}]");
        if f.nomination_ids[..i].contains(id) {
            return Err(Error::invalid(&field, "duplicate", "listed twice"));
        }
        taken.push(check_nomination(
            tx, council, f.meets_on, &field, id, visible,
        )?);
    }
    for n in &taken {
        take_nomination(tx, n)?;
    }
    let at = now();
    let session: Session = diesel::insert_into(council_sessions::table)
        .values((
            council_sessions::id.eq(new_id()),
            council_sessions::council_id.eq(&council.id),
            council_sessions::title.eq(&f.title),
            council_sessions::meets_on.eq(f.meets_on),
            council_sessions::quorum.eq(quorum),
            council_sessions::status.eq(SessionStatus::Scheduled.as_str()),
            council_sessions::version.eq(1),
            council_sessions::created_at.eq(at),
            council_sessions::updated_at.eq(at),
        ))
        .returning(council_sessions::all_columns)
        .get_result(tx.conn())?;
    for id in &f.nomination_ids {
        diesel::insert_into(session_nominations::table)
            .values((
                session_nominations::session_id.eq(&session.id),
                session_nominations::nomination_id.eq(id),
                session_nominations::agree.eq(0),
                session_nominations::disagree.eq(0),
                session_nominations::abstain.eq(0),
            ))
            .execute(tx.conn())?;
    }
    let detail = session_detail(tx, session)?;
    record_session(tx, actor, ChangeAction::Created, None, &detail)?;
    Ok(detail)
}

fn not_status(expected: SessionStatus, actual: SessionStatus) -> Error {
    let code = match expected {
        SessionStatus::Scheduled => "session_not_scheduled",
        SessionStatus::Open => "session_not_open",
        SessionStatus::Closed | SessionStatus::Invalid => "session_not_closed",
    };
    Error::conflict(
        code,
        format!("The session is {actual}; this needs it {expected}."),
    )
}

/// Bumps a session's version, checking the one read (412 when another change came first).
fn bump(
    tx: &mut Tx<'_>,
    session: &Session,
    status: SessionStatus,
    members_total: Option<i32>,
    opened_at: Option<chrono::NaiveDateTime>,
    closed_at: Option<chrono::NaiveDateTime>,
) -> Result<Session, Error> {
    diesel::update(
        council_sessions::table
            .find(&session.id)
            .filter(council_sessions::version.eq(session.version)),
    )
    .set((
        council_sessions::status.eq(status.as_str()),
        council_sessions::members_total.eq(members_total),
        council_sessions::opened_at.eq(opened_at),
        council_sessions::closed_at.eq(closed_at),
        council_sessions::version.eq(session.version + 1),
        council_sessions::updated_at.eq(now()),
    ))
    .returning(council_sessions::all_columns)
    .get_result(tx.conn())
    .map_err(changed_meanwhile)
}

/// Records who is present, while the session is scheduled. Only members may be.
pub fn set_attendance(
    tx: &mut Tx<'_>,
    actor: &Actor,
    current: SessionDetail,
    expected_version: i64,
    user_ids: &[String],
) -> Result<SessionDetail, Error> {
    ensure_version(current.session.version, expected_version)?;
    let status = current.session.status();
    if status != SessionStatus::Scheduled {
        return Err(not_status(SessionStatus::Scheduled, status));
    }
    let members = member_ids(tx, &current.session.council_id)?;
    for (i, id) in user_ids.iter().enumerate() {
        let field = format!("user_ids[{i}]");
        if user_ids[..i].contains(id) {
            return Err(Error::invalid(&field, "duplicate", "listed twice"));
        }
        if !members.contains(id) {
            return Err(Error::invalid(
                &field,
                "not_member",
                "not a member of the council",
            ));
        }
    }
    let s = &current.session;
    let session = bump(tx, s, status, s.members_total, s.opened_at, s.closed_at)?;
    diesel::delete(
        session_attendance::table.filter(session_attendance::session_id.eq(&session.id)),
    )
    .execute(tx.conn())?;
    for id in user_ids {
        diesel::insert_into(session_attendance::table)
            .values((
                session_attendance::session_id.eq(&session.id),
                session_attendance::user_id.eq(id),
            ))
            .execute(tx.conn())?;
    }
    let detail = session_detail(tx, session)?;
    record_session(tx, actor, ChangeAction::Updated, Some(&current), &detail)?;
    Ok(detail)
}

/// Opens a scheduled session on or after the day it meets (409 `too_early` before: the
/// disclosure lead time was checked against that day) when its quorum of members is
/// present (409 `below_quorum` otherwise, and it stays scheduled — not valid to vote). The
/// membership is counted now: thresholds are over it.
pub fn open(
    tx: &mut Tx<'_>,
    actor: &Actor,
    current: SessionDetail,
    expected_version: i64,
) -> Result<SessionDetail, Error> {
    ensure_version(current.session.version, expected_version)?;
    let status = current.session.status();
    if status != SessionStatus::Scheduled {
        return Err(not_status(SessionStatus::Scheduled, status));
    }
    let meets_on = current.session.meets_on;
    if crate::domain::today() < meets_on {
        return Err(Error::conflict(
            "too_early",
            format!(
                "The session meets on {meets_on}: it opens on that day, not before (its nominations were published against that day)."
            ),
        ));
    }
    let council_id = current.session.council_id.clone();
    // Accounts removed from the council since attendance was taken are not present members.
    diesel::delete(
        session_attendance::table
            .filter(session_attendance::session_id.eq(&current.session.id))
            .filter(
                session_attendance::user_id.ne_all(
                    council_members::table
                        .filter(council_members::council_id.eq(&council_id))
                        .select(council_members::user_id),
                ),
            ),
    )
    .execute(tx.conn())?;
    let present = attendance(tx, &current.session.id)?.len();
    let members = count_members(tx, &council_id)?;
    let quorum = current.session.quorum;
    if i32::try_from(present).unwrap_or(i32::MAX) < quorum {
        return Err(Error::conflict(
            "below_quorum",
            format!(
                "{present} of the {members} members are present; the session needs {quorum} to be valid."
            ),
        ));
    }
    let session = bump(
        tx,
        &current.session,
        SessionStatus::Open,
        Some(members),
        Some(now()),
        None,
    )?;
    let detail = session_detail(tx, session)?;
    record_session(tx, actor, ChangeAction::Updated, Some(&current), &detail)?;
    Ok(detail)
}

/// Holds the session row until the transaction ends, if it is open: a vote or a recusal
/// then cannot slip in while the session is being closed (PostgreSQL waits on the row lock
/// and sees the closed status; SQLite writes one at a time anyway).
fn hold_open(tx: &mut Tx<'_>, session_id: &str) -> Result<(), Error> {
    let n = diesel::update(
        council_sessions::table
            .find(session_id)
            .filter(council_sessions::status.eq(SessionStatus::Open.as_str())),
    )
    .set(council_sessions::status.eq(council_sessions::status))
    .execute(tx.conn())?;
    if n == 0 {
        let status = council_sessions::table
            .find(session_id)
            .select(council_sessions::status)
            .first::<String>(tx.conn())?;
        return Err(not_status(
            SessionStatus::Open,
            SessionStatus::from_db(&status),
        ));
    }
    Ok(())
}

/// The nomination of a session named by a request's `nomination_id`.
fn session_nomination(
    conn: &mut AnyConnection,
    session_id: &str,
    nomination_id: &str,
) -> Result<Nomination, Error> {
    let n: i64 = session_nominations::table
        .filter(session_nominations::session_id.eq(session_id))
        .filter(session_nominations::nomination_id.eq(nomination_id))
        .count()
        .get_result(conn)?;
    let found = if n > 0 {
        nominations::find(conn, nomination_id)?
    } else {
        None
    };
    found.ok_or_else(|| {
        Error::invalid(
            "nomination_id",
            "not_found",
            "no such nomination in this session",
        )
    })
}

fn has_voted(
    conn: &mut AnyConnection,
    session_id: &str,
    nomination_id: &str,
    user_id: &str,
) -> QueryResult<bool> {
    let n: i64 = ballot_receipts::table
        .filter(ballot_receipts::session_id.eq(session_id))
        .filter(ballot_receipts::nomination_id.eq(nomination_id))
        .filter(ballot_receipts::user_id.eq(user_id))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

fn has_recused(
    conn: &mut AnyConnection,
    session_id: &str,
    nomination_id: &str,
    user_id: &str,
) -> QueryResult<bool> {
    let n: i64 = recusals::table
        .filter(recusals::session_id.eq(session_id))
        .filter(recusals::nomination_id.eq(nomination_id))
        .filter(recusals::user_id.eq(user_id))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// Records a member's recusal from one nomination of an open session, with its reason.
/// A member who already voted on it can no longer recuse.
pub fn recuse(
    tx: &mut Tx<'_>,
    actor: &Actor,
    session: &Session,
    nomination_id: &str,
    user_id: &str,
    reason: &str,
) -> Result<Recusal, Error> {
    hold_open(tx, &session.id)?;
    let n = session_nomination(tx, &session.id, nomination_id)?;
    if has_recused(tx, &session.id, &n.id, user_id)? {
        return Err(Error::conflict(
            "already_recused",
            "This member already recused from this nomination.",
        ));
    }
    if has_voted(tx, &session.id, &n.id, user_id)? {
        return Err(Error::conflict(
            "already_voted",
            "This member already voted on this nomination and can no longer recuse.",
        ));
    }
    let at = now();
    diesel::insert_into(recusals::table)
        .values((
            recusals::session_id.eq(&session.id),
            recusals::nomination_id.eq(&n.id),
            recusals::user_id.eq(user_id),
            recusals::reason.eq(reason),
            recusals::at.eq(at),
        ))
        .execute(tx.conn())?;
    audit::record_event_with(
        tx,
        actor,
        "recused",
        ResourceKind::CouncilSession,
        &session.id,
        &serde_json::json!({"nomination_id": n.id, "user_id": user_id, "reason": reason}),
    )?;
    let name = names_of(tx, &[user_id.to_string()])?
        .remove(user_id)
        .unwrap_or_default();
    Ok(Recusal {
        nomination_id: n.id,
        user_id: user_id.to_string(),
        name,
        reason: reason.to_string(),
        at: at.and_utc(),
    })
}

/// Casts `member`'s secret ballot on a nomination of an open session they attend: a
/// receipt (without the choice) and a counter (without the member), one transaction.
/// The audit row says who voted on what, never how.
pub fn vote(
    tx: &mut Tx<'_>,
    actor: &Actor,
    session: &Session,
    nomination_id: &str,
    member: &User,
    choice: Choice,
) -> Result<(), Error> {
    hold_open(tx, &session.id)?;
    let n = session_nomination(tx, &session.id, nomination_id)?;
    let present: i64 = session_attendance::table
        .filter(session_attendance::session_id.eq(&session.id))
        .filter(session_attendance::user_id.eq(&member.id))
        .count()
        .get_result(tx.conn())?;
    if present == 0 {
        return Err(Error::conflict(
            "not_present",
            "Only members recorded present vote in this session.",
        ));
    }
    if has_recused(tx, &session.id, &n.id, &member.id)? {
        return Err(Error::conflict(
            "recused",
            "You recused from this nomination.",
        ));
    }
    let conflict = policy::vote_conflict(
        member.staff_id.as_deref(),
        &member.roles(),
        member.org_unit_id.as_deref(),
        n.staff_id.as_deref(),
        &n.nominee_unit_id,
    );
    if let Some(why) = conflict {
        return Err(Error::conflict(
            "must_recuse",
            format!("You may not vote on this nomination ({why}): record your recusal instead."),
        ));
    }
    if has_voted(tx, &session.id, &n.id, &member.id)? {
        return Err(already_voted());
    }
    diesel::insert_into(ballot_receipts::table)
        .values((
            ballot_receipts::session_id.eq(&session.id),
            ballot_receipts::nomination_id.eq(&n.id),
            ballot_receipts::user_id.eq(&member.id),
        ))
        .execute(tx.conn())
        .map_err(|e| match e {
            // Two votes of one member racing: the key lets only one in.
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            ) => already_voted(),
            e => e.into(),
        })?;
    let row = session_nominations::table
        .filter(session_nominations::session_id.eq(&session.id))
        .filter(session_nominations::nomination_id.eq(&n.id));
    match choice {
        Choice::Agree => diesel::update(row)
            .set(session_nominations::agree.eq(session_nominations::agree + 1))
            .execute(tx.conn())?,
        Choice::Disagree => diesel::update(row)
            .set(session_nominations::disagree.eq(session_nominations::disagree + 1))
            .execute(tx.conn())?,
        Choice::Abstain => diesel::update(row)
            .set(session_nominations::abstain.eq(session_nominations::abstain + 1))
            .execute(tx.conn())?,
    };
    audit::record_event_with(
        tx,
        actor,
        "voted",
        ResourceKind::CouncilSession,
        &session.id,
        &serde_json::json!({"nomination_id": n.id}),
    )?;
    Ok(())
}

fn already_voted() -> Error {
    Error::conflict(
        "already_voted",
        "You already voted on this nomination in this session.",
    )
}

/// Ends a session. An open one closes: each nomination passes when its agree votes reach
/// its award's threshold of all members (counted when it opened), and moves to `approved`
/// or `rejected` with the tally as the reason. A scheduled one (never opened, no quorum)
/// ends `invalid`, its nominations untouched.
///
/// An open session closes only once every member present has voted on (or recused from)
/// each of its nominations (409 `votes_outstanding`): closed early, its tallies would show
/// the few choices cast so far, down to a single member's.
///
/// A nomination that left council review while the session was open keeps where its own
/// workflow took it; its tally and outcome are recorded all the same.
pub fn close(
    tx: &mut Tx<'_>,
    actor: &Actor,
    current: SessionDetail,
    council: &Council,
    expected_version: i64,
) -> Result<SessionDetail, Error> {
    ensure_version(current.session.version, expected_version)?;
    let s = &current.session;
    let session = match s.status() {
        SessionStatus::Scheduled => bump(tx, s, SessionStatus::Invalid, None, None, Some(now()))?,
        SessionStatus::Open => {
            let outstanding = outstanding_ballots(tx, s)?;
            if outstanding > 0 {
                return Err(Error::conflict(
                    "votes_outstanding",
                    format!(
                        "{outstanding} ballots are outstanding: every member present votes on each nomination (they may abstain) or recuses from it before the session closes."
                    ),
                ));
            }
            let session = bump(
                tx,
                s,
                SessionStatus::Closed,
                s.members_total,
                s.opened_at,
                Some(now()),
            )?;
            let members = session.members_total.unwrap_or(0);
            let tallies: Vec<TallyRow> = session_nominations::table
                .filter(session_nominations::session_id.eq(&session.id))
                .select(TallyRow::as_select())
                .load(tx.conn())?;
            for t in tallies {
                decide(tx, actor, &session, council, &t, members)?;
            }
            session
        }
        other => {
            return Err(Error::conflict(
                "session_over",
                format!("The session is already {other}."),
            ));
        }
    };
    let detail = session_detail(tx, session)?;
    record_session(tx, actor, ChangeAction::Updated, Some(&current), &detail)?;
    Ok(detail)
}

/// How many (member present, nomination) pairs of a session have neither a ballot receipt
/// nor a recusal.
fn outstanding_ballots(conn: &mut AnyConnection, session: &Session) -> QueryResult<usize> {
    let present = attendance(conn, &session.id)?;
    let nominations: Vec<String> = session_nominations::table
        .filter(session_nominations::session_id.eq(&session.id))
        .select(session_nominations::nomination_id)
        .load(conn)?;
    let receipts: Vec<(String, String)> = ballot_receipts::table
        .filter(ballot_receipts::session_id.eq(&session.id))
        .select((ballot_receipts::nomination_id, ballot_receipts::user_id))
        .load(conn)?;
    let recused: Vec<(String, String)> = recusals::table
        .filter(recusals::session_id.eq(&session.id))
        .select((recusals::nomination_id, recusals::user_id))
        .load(conn)?;
    let done: HashSet<(String, String)> = receipts.into_iter().chain(recused).collect();
    Ok(nominations
        .iter()
        .flat_map(|n| present.iter().map(move |u| (n.clone(), u.clone())))
        .filter(|pair| !done.contains(pair))
        .count())
}

fn decide(
    tx: &mut Tx<'_>,
    actor: &Actor,
    session: &Session,
    council: &Council,
    t: &TallyRow,
    members: i32,
) -> Result<(), Error> {
    let n = nominations::find(tx, &t.nomination_id)?
        .ok_or_else(|| Error::internal(format!("nomination {} vanished", t.nomination_id)))?;
    let (_, rules) = rules_of(tx, &n)?;
    let agree = u32::try_from(t.agree).unwrap_or(0);
    let passed = rules.passes(agree, u32::try_from(members).unwrap_or(0));
    let outcome = if passed {
        Outcome::Passed
    } else {
        Outcome::Failed
    };
    diesel::update(
        session_nominations::table
            .filter(session_nominations::session_id.eq(&session.id))
            .filter(session_nominations::nomination_id.eq(&n.id)),
    )
    .set(session_nominations::outcome.eq(outcome.as_str()))
    .execute(tx.conn())?;
    if n.status.before_council() {
        let to = if passed {
            NominationStatus::Approved
        } else {
            NominationStatus::Rejected
        };
        let reason = format!(
            "{}: {} đồng ý, {} không đồng ý, {} không có ý kiến trên tổng số {} thành viên Hội đồng; {} — {}.",
            session.title,
            t.agree,
            t.disagree,
            t.abstain,
            members,
            threshold_text(&rules),
            if passed { "đạt" } else { "không đạt" }
        );
        nominations::move_to(
            tx,
            actor,
            &n,
            to,
            n.current_unit_id.as_deref(),
            "council_vote",
            Some(&council.org_unit_id),
            Some(&reason),
        )?;
    }
    Ok(())
}

// Minutes ------------------------------------------------------------------------------

/// A present or absent member in the minutes.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MinutesMember {
    pub user_id: String,
    pub name: String,
    pub position: String,
}

/// Feedback the public sent about a nomination while it was published.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MinutesFeedback {
    pub author_name: Option<String>,
    pub content: String,
    pub received_at: DateTime<Utc>,
}

/// One nomination's result in the minutes.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MinutesNomination {
    pub nomination_id: String,
    pub nominee_name: String,
    pub award_type_code: String,
    pub award_type_name: String,
    /// Null when the session was invalid (no vote).
    pub tally: Option<Tally>,
    /// Members who voted.
    pub votes_cast: i64,
    /// Agree votes needed, as a percentage of all members; null means more than half.
    pub threshold_percent: Option<f64>,
    /// The fewest agree votes that pass among all members.
    pub votes_needed: Option<i32>,
    pub outcome: Option<Outcome>,
    pub feedback: Vec<MinutesFeedback>,
}

/// Biên bản họp Hội đồng: the record of a session that is over, in parts and as text.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Minutes {
    pub session_id: String,
    pub council_id: String,
    pub council_name: String,
    pub unit_name: String,
    pub title: String,
    pub meets_on: NaiveDate,
    pub status: SessionStatus,
    pub members_total: i32,
    pub quorum: i32,
    pub present: Vec<MinutesMember>,
    pub absent: Vec<MinutesMember>,
    pub recusals: Vec<Recusal>,
    pub nominations: Vec<MinutesNomination>,
    /// The minutes as a Vietnamese document.
    pub text: String,
}

/// "ngày 05 tháng 01 năm 2026": days below 10 and the months January and February take a
/// leading zero in administrative documents (NĐ 30/2020/NĐ-CP).
pub fn vietnamese_date(d: NaiveDate) -> String {
    let month = if d.month() < 3 {
        format!("{:02}", d.month())
    } else {
        d.month().to_string()
    };
    format!("ngày {:02} tháng {month} năm {}", d.day(), d.year())
}

/// 90 → "90", 66.67 → "66,7": a decimal comma, one decimal at most.
fn percent(p: f64) -> String {
    let rounded = (p * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded:.1}").replace('.', ",")
    }
}

fn threshold_text(rules: &AwardRules) -> String {
    match rules.vote_threshold_percent {
        Some(t) => format!(
            "yêu cầu từ {}% tổng số thành viên Hội đồng đồng ý",
            percent(t)
        ),
        None => "yêu cầu trên 50% tổng số thành viên Hội đồng đồng ý".to_string(),
    }
}

fn feedback_of(
    conn: &mut AnyConnection,
    nomination_ids: &[String],
) -> QueryResult<BTreeMap<String, Vec<MinutesFeedback>>> {
    let rows: Vec<(
        Option<String>,
        Option<String>,
        String,
        chrono::NaiveDateTime,
    )> = disclosure_feedback::table
        .filter(disclosure_feedback::nomination_id.eq_any(nomination_ids))
        .order((disclosure_feedback::received_at, disclosure_feedback::id))
        .select((
            disclosure_feedback::nomination_id,
            disclosure_feedback::author_name,
            disclosure_feedback::content,
            disclosure_feedback::received_at,
        ))
        .load(conn)?;
    let mut out: BTreeMap<String, Vec<MinutesFeedback>> = BTreeMap::new();
    for (nomination_id, author_name, content, received_at) in rows {
        if let Some(id) = nomination_id {
            out.entry(id).or_default().push(MinutesFeedback {
                author_name,
                content,
                received_at: received_at.and_utc(),
            });
        }
    }
    Ok(out)
}

/// Draws up the minutes of a session that is over (409 `session_not_closed` before).
///
/// Present and absent members are read against the council's membership now: a member
/// removed since the session is no longer listed as absent.
pub fn minutes(
    conn: &mut AnyConnection,
    detail: SessionDetail,
    council: &Council,
) -> Result<Minutes, Error> {
    let status = detail.session.status();
    if !matches!(status, SessionStatus::Closed | SessionStatus::Invalid) {
        return Err(not_status(SessionStatus::Closed, status));
    }
    let unit_name: String = org_units::table
        .find(&council.org_unit_id)
        .select(org_units::name)
        .get_result(conn)?;
    let members = members(conn, &council.id)?;
    let attending: HashSet<&String> = detail.attendance.iter().collect();
    let (present, absent): (Vec<&Member>, Vec<&Member>) =
        members.iter().partition(|m| attending.contains(&m.user_id));
    let as_minutes = |list: Vec<&Member>| -> Vec<MinutesMember> {
        list.into_iter()
            .map(|m| MinutesMember {
                user_id: m.user_id.clone(),
                name: m.name.clone(),
                position: m.position.clone(),
            })
            .collect()
    };
    let present = as_minutes(present);
    let absent = as_minutes(absent);
    let ids: Vec<String> = detail
        .items
        .iter()
        .map(|i| i.nomination_id.clone())
        .collect();
    let mut feedback = feedback_of(conn, &ids)?;
    let mut nominations_out = Vec::new();
    for item in &detail.items {
        let n = nominations::find(conn, &item.nomination_id)?.ok_or_else(|| {
            Error::internal(format!("nomination {} vanished", item.nomination_id))
        })?;
        let (_, rules) = rules_of(conn, &n)?;
        nominations_out.push(MinutesNomination {
            nomination_id: item.nomination_id.clone(),
            nominee_name: item.nominee_name.clone(),
            award_type_code: item.award_type_code.clone(),
            award_type_name: item.award_type_name.clone(),
            tally: item.tally,
            votes_cast: item.votes_cast,
            threshold_percent: rules.vote_threshold_percent,
            votes_needed: votes_needed(&rules, detail.members_total),
            outcome: item.outcome,
            feedback: feedback.remove(&item.nomination_id).unwrap_or_default(),
        });
    }
    let mut m = Minutes {
        session_id: detail.session.id.clone(),
        council_id: council.id.clone(),
        council_name: council.name.clone(),
        unit_name,
        title: detail.session.title.clone(),
        meets_on: detail.session.meets_on,
        status,
        members_total: detail.members_total,
        quorum: detail.session.quorum,
        present,
        absent,
        recusals: detail.recusals.clone(),
        nominations: nominations_out,
        text: String::new(),
    };
    m.text = minutes_text(&m, &detail.session);
    Ok(m)
}

/// The time in Việt Nam (UTC+7), "14 giờ 30".
fn vietnam_time(t: chrono::NaiveDateTime) -> String {
    super::vietnam_local(t).format("%H giờ %M").to_string()
}

/// The day in Việt Nam (UTC+7) of a UTC time.
fn vietnam_day(t: chrono::NaiveDateTime) -> NaiveDate {
    super::vietnam_local(t).date()
}

fn minutes_text(m: &Minutes, session: &Session) -> String {
    use std::fmt::Write;
    let mut t = String::new();
    let _ = writeln!(t, "{}", m.unit_name.to_uppercase());
    let _ = writeln!(t, "{}", m.council_name.to_uppercase());
    let _ = writeln!(t);
    let _ = writeln!(t, "BIÊN BẢN HỌP HỘI ĐỒNG THI ĐUA – KHEN THƯỞNG");
    let _ = writeln!(t, "{}", m.title);
    let _ = writeln!(t);
    // The clock time only when the session opened on the day it was set for.
    let start = session
        .opened_at
        .filter(|at| vietnam_day(*at) == m.meets_on)
        .map(|at| format!("Vào lúc {}, ", vietnam_time(at)))
        .unwrap_or_default();
    let _ = writeln!(
        t,
        "{start}{}, {} họp xét, đề nghị khen thưởng.",
        vietnamese_date(m.meets_on),
        m.council_name
    );
    let _ = writeln!(
        t,
        "Tổng số thành viên Hội đồng: {}. Có mặt: {}. Vắng mặt: {}. Số thành viên tối thiểu để phiên họp hợp lệ: {}.",
        m.members_total,
        m.present.len(),
        m.members_total
            .saturating_sub(i32::try_from(m.present.len()).unwrap_or(0)),
        m.quorum
    );
    let _ = writeln!(t, "Thành viên có mặt:");
    if m.present.is_empty() {
        let _ = writeln!(t, "- Không có.");
    }
    for p in &m.present {
        let _ = writeln!(t, "- {}, {}", p.name, p.position);
    }
    let _ = writeln!(t, "Thành viên vắng mặt:");
    if m.absent.is_empty() {
        let _ = writeln!(t, "- Không có.");
    }
    for p in &m.absent {
        let _ = writeln!(t, "- {}, {}", p.name, p.position);
    }
    let _ = writeln!(t);
    if m.status == SessionStatus::Invalid {
        let _ = writeln!(
            t,
            "Phiên họp không đủ số thành viên tham dự theo quy định ({} trên {} thành viên, yêu cầu tối thiểu {}) nên không hợp lệ; Hội đồng không tiến hành bỏ phiếu. Các hồ sơ đề nghị được đưa ra phiên họp khác:",
            m.present.len(),
            m.members_total,
            m.quorum
        );
        for (i, n) in m.nominations.iter().enumerate() {
            let _ = writeln!(t, "{}. {} – {}", i + 1, n.nominee_name, n.award_type_name);
        }
    } else {
        let _ = writeln!(
            t,
            "Hội đồng biểu quyết bằng hình thức bỏ phiếu kín. Tỷ lệ đồng ý được tính trên tổng số thành viên Hội đồng, không tính trên số thành viên có mặt."
        );
        let _ = writeln!(t);
        let _ = writeln!(t, "KẾT QUẢ BỎ PHIẾU");
        for (i, n) in m.nominations.iter().enumerate() {
            let _ = writeln!(t, "{}. {} – {}", i + 1, n.nominee_name, n.award_type_name);
            let tally = n.tally.unwrap_or(Tally {
                agree: 0,
                disagree: 0,
                abstain: 0,
            });
            let share = if m.members_total > 0 {
                f64::from(tally.agree) * 100.0 / f64::from(m.members_total)
            } else {
                0.0
            };
            let _ = writeln!(
                t,
                "   Số phiếu: {} đồng ý, {} không đồng ý, {} không có ý kiến ({} thành viên bỏ phiếu).",
                tally.agree, tally.disagree, tally.abstain, n.votes_cast
            );
            let threshold = match n.threshold_percent {
                Some(p) => format!("từ {}%", percent(p)),
                None => "trên 50%".to_string(),
            };
            let needed = n
                .votes_needed
                .map(|k| format!(", tức ít nhất {k} phiếu đồng ý"))
                .unwrap_or_default();
            let _ = writeln!(
                t,
                "   Tỷ lệ đồng ý: {}/{} thành viên Hội đồng ({}%); yêu cầu {} tổng số thành viên{}.",
                tally.agree,
                m.members_total,
                percent(share),
                threshold,
                needed
            );
            let result = match n.outcome {
                Some(Outcome::Passed) => "ĐẠT",
                Some(Outcome::Failed) | None => "KHÔNG ĐẠT",
            };
            let _ = writeln!(t, "   Kết quả: {result}.");
            let recused: Vec<&Recusal> = m
                .recusals
                .iter()
                .filter(|r| r.nomination_id == n.nomination_id)
                .collect();
            for r in recused {
                let _ = writeln!(
                    t,
                    "   Thành viên không tham gia biểu quyết: {} – lý do: {}.",
                    r.name, r.reason
                );
            }
            if n.feedback.is_empty() {
                let _ = writeln!(t, "   Ý kiến phản hồi trong thời gian công khai: không có.");
            } else {
                let _ = writeln!(t, "   Ý kiến phản hồi trong thời gian công khai:");
                for f in &n.feedback {
                    let _ = writeln!(
                        t,
                        "   - {} ({}): {}",
                        f.author_name.as_deref().unwrap_or("Không ghi tên"),
                        vietnamese_date(vietnam_day(f.received_at.naive_utc())),
                        f.content
                    );
                }
            }
        }
    }
    let _ = writeln!(t);
    if let Some(closed) = session.closed_at {
        let _ = writeln!(
            t,
            "Phiên họp kết thúc vào lúc {}, {}.",
            vietnam_time(closed),
            vietnamese_date(vietnam_day(closed))
        );
    }
    let _ = writeln!(
        t,
        "Biên bản được lập từ dữ liệu của phiên họp; số phiếu là số đếm, không ghi lựa chọn của từng thành viên."
    );
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(staff_id: Option<&str>, roles: &str, unit: Option<&str>) -> User {
        User {
            id: "u".into(),
            username: "u".into(),
            password_hash: String::new(),
            roles: roles.into(),
            org_unit_id: unit.map(str::to_string),
            staff_id: staff_id.map(str::to_string),
            active: true,
            version: 1,
            created_at: now(),
            updated_at: now(),
        }
    }

    fn nomination(staff_id: Option<&str>, unit: &str) -> Nomination {
        Nomination {
            id: "n".into(),
            award_type_id: "a".into(),
            staff_id: staff_id.map(str::to_string),
            nominee_unit_id: unit.into(),
            plan_id: None,
            movement_id: None,
            year: 2025,
            occasion: crate::domain::plans::Occasion::Annual,
            period_from: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
            period_to: NaiveDate::from_ymd_opt(2025, 12, 31).unwrap(),
            summary: String::new(),
            search_text: String::new(),
            proposer_unit_id: unit.into(),
            current_unit_id: None,
            granting_unit_id: "g".into(),
            status: crate::domain::nominations::NominationStatus::CouncilReview,
            created_by: None,
            version: 1,
            created_at: now(),
            updated_at: now(),
        }
    }

    /// The policy's answer for a member account and a nomination.
    fn conflict_of(member: &User, n: &Nomination) -> Option<&'static str> {
        policy::vote_conflict(
            member.staff_id.as_deref(),
            &member.roles(),
            member.org_unit_id.as_deref(),
            n.staff_id.as_deref(),
            &n.nominee_unit_id,
        )
    }

    #[test]
    fn the_nominee_and_the_head_of_their_unit_must_recuse() {
        let person = nomination(Some("s1"), "div");
        assert!(conflict_of(&user(Some("s1"), "council", Some("x")), &person).is_some());
        assert!(conflict_of(&user(Some("s2"), "manager", Some("div")), &person).is_some());
        assert!(conflict_of(&user(Some("s2"), "council", Some("div")), &person).is_none());
        assert!(conflict_of(&user(Some("s2"), "manager", Some("other")), &person).is_none());
        assert!(conflict_of(&user(None, "council", None), &person).is_none());
        let unit = nomination(None, "div");
        assert!(conflict_of(&user(Some("s2"), "manager,council", Some("div")), &unit).is_some());
        assert!(conflict_of(&user(None, "council", Some("div")), &unit).is_none());
    }

    #[test]
    fn quorum_is_two_thirds_rounded_up() {
        assert_eq!(default_quorum(1), 1);
        assert_eq!(default_quorum(3), 2);
        assert_eq!(default_quorum(9), 6);
        assert_eq!(default_quorum(10), 7);
        assert_eq!(default_quorum(11), 8);
    }

    #[test]
    fn votes_needed_follow_the_threshold_over_all_members() {
        let rules = |t| AwardRules {
            vote_threshold_percent: t,
            ..Default::default()
        };
        assert_eq!(votes_needed(&rules(Some(90.0)), 10), Some(9));
        assert_eq!(votes_needed(&rules(Some(80.0)), 15), Some(12));
        assert_eq!(votes_needed(&rules(None), 10), Some(6));
        assert_eq!(votes_needed(&rules(None), 11), Some(6));
        assert_eq!(votes_needed(&rules(None), 0), None);
    }

    #[test]
    fn dates_and_percentages_read_as_in_vietnamese_documents() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(vietnamese_date(d(2026, 1, 5)), "ngày 05 tháng 01 năm 2026");
        assert_eq!(
            vietnamese_date(d(2025, 12, 15)),
            "ngày 15 tháng 12 năm 2025"
        );
        assert_eq!(vietnamese_date(d(2025, 3, 20)), "ngày 20 tháng 3 năm 2025");
        assert_eq!(percent(90.0), "90");
        assert_eq!(percent(200.0 / 3.0), "66,7");
    }

    #[test]
    fn positions_order_the_chair_first() {
        assert!(position_rank("Chủ tịch Hội đồng") < position_rank("Phó Chủ tịch Hội đồng"));
        assert!(position_rank("Phó Chủ tịch") < position_rank("Ủy viên thường trực"));
        assert!(position_rank("Ủy viên thường trực") < position_rank("Ủy viên"));
        assert!(position_rank("Ủy viên") < position_rank("Thư ký"));
    }

    #[test]
    fn tallies_show_only_once_the_session_is_closed() {
        assert!(!tally_visible(SessionStatus::Scheduled));
        assert!(!tally_visible(SessionStatus::Open));
        assert!(!tally_visible(SessionStatus::Invalid));
        assert!(tally_visible(SessionStatus::Closed));
    }

    #[test]
    fn text_enums_serialise_as_their_stored_text() {
        for s in SessionStatus::ALL {
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        for c in Choice::ALL {
            assert_eq!(serde_json::to_value(c).unwrap(), c.as_str());
        }
        for o in Outcome::ALL {
            assert_eq!(serde_json::to_value(o).unwrap(), o.as_str());
        }
    }
}

//! A council's sessions: scheduling one over nominations, attendance, opening with a
//! quorum, and closing with the tally that decides each nomination.
//!
//! A session goes `scheduled` → `open` → `closed`; a scheduled session that is closed
//! without having opened (it never reached its quorum) ends `invalid`, and its nominations
//! may be put to another session. Thresholds count all members of the council (snapshot
//! when the session opens), not those present (Luật TĐKT 2022, NĐ 152/2025 Đ.33).
//!
//! The tally gives no choice away: counters are read out only once the session is closed
//! (`tally_visible`), a quorum is at least two thirds of the members, and an open session
//! closes only once every member present has voted on (or recused from) each nomination,
//! so the counts are never those of one or two early ballots. A session opens no sooner
//! than the day it meets, which its disclosure lead time is counted against.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use diesel::prelude::*;
use serde::Serialize;

use super::minutes::threshold_text;
use super::{Council, member_ids};
use crate::db::AnyConnection;
use crate::db::Tx;
use crate::db::schema::{
    ballot_receipts, council_members, council_sessions, nominations as nomination_rows, org_units,
    recusals, session_attendance, session_nominations, staff, users,
};
use crate::domain::Error;
use crate::domain::audit::{self, ChangeAction, Resource, ResourceKind};
use crate::domain::award_types::{self, AwardRules};
use crate::domain::nominations::{self, Nomination, NominationStatus};
use crate::domain::workflow::{self, Move, Workflow};
use crate::domain::{
    Actor, PageRequest, calendar, changed_meanwhile, disclosures, ensure_version, new_id, now,
    subjects, text_enum,
};
use crate::ids::{CouncilId, NominationId, OrgUnitId, StaffId, UserId};
use crate::text::person_sort_key;

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
    /// What moves a session.
    pub enum SessionAction {
        Open => "open",
        Close => "close",
    }
}

/// The session's workflow: a scheduled session opens; closing ends an open one `closed`
/// and one that never opened (no quorum) `invalid`. Quorum, the day and outstanding
/// ballots are checked by `open` and `close` themselves.
impl Workflow for SessionStatus {
    type Action = SessionAction;
    type Record = ();

    fn moves() -> &'static [Move<SessionStatus, SessionAction, ()>] {
        use SessionAction as A;
        use SessionStatus as S;
        const MOVES: &[Move<SessionStatus, SessionAction, ()>] = &[
            Move::by(&[S::Scheduled], A::Open, S::Open),
            Move::by(&[S::Open], A::Close, S::Closed),
            Move::by(&[S::Scheduled], A::Close, S::Invalid),
        ];
        MOVES
    }

    fn refused(from: SessionStatus, action: SessionAction) -> Error {
        match action {
            SessionAction::Open => not_status(SessionStatus::Scheduled, from),
            SessionAction::Close => {
                Error::conflict("session_over", format!("The session is already {from}."))
            }
        }
    }
}

text_enum! {
    /// A nomination's result when the session closes.
    pub enum Outcome {
        Passed => "passed",
        Failed => "failed",
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = council_sessions)]
pub struct Session {
    pub id: String,
    pub council_id: CouncilId,
    pub title: String,
    pub meets_on: NaiveDate,
    pub quorum: i32,
    pub status: SessionStatus,
    /// All members when the session opened: what thresholds count.
    pub members_total: Option<i32>,
    pub opened_at: Option<chrono::NaiveDateTime>,
    pub closed_at: Option<chrono::NaiveDateTime>,
    pub version: i64,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

/// The counters of one nomination in a session. Read only through `tally_visible`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = session_nominations)]
struct TallyRow {
    nomination_id: NominationId,
    agree: i32,
    disagree: i32,
    abstain: i32,
    outcome: Option<Outcome>,
}

/// The votes on one nomination, public once the session is closed (and kept in the audit
/// trail of the session's closing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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
#[derive(Debug, Clone)]
pub struct SessionItem {
    pub nomination_id: NominationId,
    pub nominee_name: String,
    pub staff_id: Option<StaffId>,
    pub nominee_unit_id: OrgUnitId,
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
#[derive(Debug, Clone)]
pub struct Recusal {
    pub nomination_id: NominationId,
    pub user_id: UserId,
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
    pub attendance: Vec<UserId>,
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
    attendance: &'a [UserId],
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
            results: tally_visible(self.session.status).then(|| {
                self.items
                    .iter()
                    .filter_map(|i| {
                        Some(ResultRecord {
                            nomination_id: i.nomination_id.as_str(),
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
        id: after.session.id.as_str(),
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
    council_id: &CouncilId,
    session_id: &str,
) -> QueryResult<Option<Session>> {
    council_sessions::table
        .filter(council_sessions::id.eq(session_id))
        .filter(council_sessions::council_id.eq(council_id))
        .select(Session::as_select())
        .first(conn)
        .optional()
}

fn attendance(conn: &mut AnyConnection, session_id: &str) -> QueryResult<Vec<UserId>> {
    session_attendance::table
        .filter(session_attendance::session_id.eq(session_id))
        .order(session_attendance::user_id)
        .select(session_attendance::user_id)
        .load(conn)
}

/// The name a member is known by, for accounts that may have left the council since.
pub(super) fn names_of(
    conn: &mut AnyConnection,
    user_ids: &[UserId],
) -> QueryResult<HashMap<UserId, String>> {
    let rows: Vec<(UserId, String, Option<String>)> = users::table
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
    let cast: Vec<(NominationId, i64)> = ballot_receipts::table
        .filter(ballot_receipts::session_id.eq(&session.id))
        .group_by(ballot_receipts::nomination_id)
        .select((ballot_receipts::nomination_id, diesel::dsl::count_star()))
        .load(conn)?;
    let cast: HashMap<NominationId, i64> = cast.into_iter().collect();
    let visible = tally_visible(session.status);
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
                outcome: t.outcome,
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
    let rows: Vec<(NominationId, UserId, String, chrono::NaiveDateTime)> = recusals::table
        .filter(recusals::session_id.eq(session_id))
        .order((recusals::at, recusals::user_id))
        .select((
            recusals::nomination_id,
            recusals::user_id,
            recusals::reason,
            recusals::at,
        ))
        .load(conn)?;
    let ids: Vec<UserId> = rows.iter().map(|r| r.1.clone()).collect();
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

fn count_members(conn: &mut AnyConnection, council_id: &CouncilId) -> QueryResult<i32> {
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
    council_id: &CouncilId,
    status: Option<SessionStatus>,
    page: PageRequest,
) -> QueryResult<(Vec<Session>, i64)> {
    let query = || {
        let mut q = council_sessions::table
            .filter(council_sessions::council_id.eq(council_id.clone()))
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
pub(super) fn rules_of(
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
    pub nomination_ids: Vec<NominationId>,
}

/// Whether a nomination is put to a session not yet over (scheduled or open). Its
/// workflow should not move it meanwhile: the session's close decides it.
pub fn in_pending_session(
    conn: &mut AnyConnection,
    nomination_id: &NominationId,
) -> QueryResult<bool> {
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
    id: &NominationId,
    visible: &dyn Fn(&str, Option<&StaffId>) -> bool,
) -> Result<Nomination, Error> {
    let found = match nominations::find(conn, id)? {
        Some(n) => {
            let path = subjects::unit_path(conn, &n.nominee_unit_id)?;
            visible(&path, n.staff_id.as_ref()).then_some(n)
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
    visible: &dyn Fn(&str, Option<&StaffId>) -> bool,
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

pub(super) fn not_status(expected: SessionStatus, actual: SessionStatus) -> Error {
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
    user_ids: &[UserId],
) -> Result<SessionDetail, Error> {
    ensure_version(current.session.version, expected_version)?;
    let status = current.session.status;
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
    workflow::next(current.session.status, SessionAction::Open, &())?;
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
    let session = match workflow::next(s.status, SessionAction::Close, &())? {
        SessionStatus::Invalid => bump(tx, s, SessionStatus::Invalid, None, None, Some(now()))?,
        SessionStatus::Closed => {
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
        other => return Err(Error::internal(format!("closing led to {other}"))),
    };
    let detail = session_detail(tx, session)?;
    record_session(tx, actor, ChangeAction::Updated, Some(&current), &detail)?;
    Ok(detail)
}

/// How many (member present, nomination) pairs of a session have neither a ballot receipt
/// nor a recusal.
fn outstanding_ballots(conn: &mut AnyConnection, session: &Session) -> QueryResult<usize> {
    let present = attendance(conn, &session.id)?;
    let nominations: Vec<NominationId> = session_nominations::table
        .filter(session_nominations::session_id.eq(&session.id))
        .select(session_nominations::nomination_id)
        .load(conn)?;
    let receipts: Vec<(NominationId, UserId)> = ballot_receipts::table
        .filter(ballot_receipts::session_id.eq(&session.id))
        .select((ballot_receipts::nomination_id, ballot_receipts::user_id))
        .load(conn)?;
    let recused: Vec<(NominationId, UserId)> = recusals::table
        .filter(recusals::session_id.eq(&session.id))
        .select((recusals::nomination_id, recusals::user_id))
        .load(conn)?;
    let done: HashSet<(NominationId, UserId)> = receipts.into_iter().chain(recused).collect();
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
            n.current_unit_id.as_ref(),
            "council_vote",
            Some(&council.org_unit_id),
            Some(&reason),
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
        for o in Outcome::ALL {
            assert_eq!(serde_json::to_value(o).unwrap(), o.as_str());
        }
    }
}

//! The secret ballot of an open session: votes and recusals.
//!
//! A vote is stored as two unrelated facts written in one transaction: a receipt that a
//! member voted on a nomination (`ballot_receipts`, without the choice) and a counter
//! raised (`session_nominations`, without the member). The audit log records "voted" with
//! the nomination only; no answer carries a choice, and the counters are read out only
//! once the session is closed (`sessions.rs`).

use diesel::prelude::*;

use super::sessions::{Recusal, Session, SessionStatus, names_of, not_status};
use crate::db::AnyConnection;
use crate::db::Tx;
use crate::db::schema::{
    ballot_receipts, council_sessions, recusals, session_attendance, session_nominations,
};
use crate::domain::Error;
use crate::domain::audit::{self, ResourceKind};
use crate::domain::nominations::{self, Nomination};
use crate::domain::policy;
use crate::domain::users::User;
use crate::domain::{Actor, now, text_enum};
use crate::ids::{NominationId, UserId};

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
            .first::<SessionStatus>(tx.conn())?;
        return Err(not_status(SessionStatus::Open, status));
    }
    Ok(())
}

/// The nomination of a session named by a request's `nomination_id`.
fn session_nomination(
    conn: &mut AnyConnection,
    session_id: &str,
    nomination_id: &NominationId,
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
    nomination_id: &NominationId,
    user_id: &UserId,
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
    nomination_id: &NominationId,
    user_id: &UserId,
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
    nomination_id: &NominationId,
    user_id: &UserId,
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
    let name = names_of(tx, std::slice::from_ref(user_id))?
        .remove(user_id)
        .unwrap_or_default();
    Ok(Recusal {
        nomination_id: n.id,
        user_id: user_id.clone(),
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
    nomination_id: &NominationId,
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
        member.staff_id.as_ref(),
        &member.roles(),
        member.org_unit_id.as_ref(),
        n.staff_id.as_ref(),
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

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::ids::{OrgUnitId, StaffId};

    fn user(staff_id: Option<&str>, roles: &str, unit: Option<&str>) -> User {
        User {
            id: "u".into(),
            username: "u".into(),
            password_hash: String::new(),
            roles: roles.into(),
            org_unit_id: unit.map(OrgUnitId::from),
            staff_id: staff_id.map(StaffId::from),
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
            staff_id: staff_id.map(StaffId::from),
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
            member.staff_id.as_ref(),
            &member.roles(),
            member.org_unit_id.as_ref(),
            n.staff_id.as_ref(),
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
    fn choices_serialise_as_their_stored_text() {
        for c in Choice::ALL {
            assert_eq!(serde_json::to_value(c).unwrap(), c.as_str());
        }
    }
}

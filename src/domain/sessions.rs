//! Logins: sessions, rotating refresh tokens, and the principal behind an access token.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::secrets::{hash_refresh_token, new_refresh_token};

/// A session lives this long after its last refresh.
pub const SESSION_TTL_DAYS: i64 = 30;
use crate::db::AnyConnection;
use crate::db::Tx;
use crate::db::schema::{org_units, refresh_tokens, sessions, users};
use crate::domain::Error;
use crate::domain::access::{Principal, Scope};
use crate::domain::audit::{self, ResourceKind};
use crate::domain::users::{User, roles_from_db};
use crate::domain::{Actor, new_id, now};
use crate::ids::UserId;

/// A session just opened or refreshed: the caller signs an access token for it.
pub struct Opened {
    pub session_id: String,
    pub user: User,
    pub refresh_token: String,
}

fn issue_refresh_token(
    tx: &mut Tx<'_>,
    session_id: &str,
    expires_at: chrono::NaiveDateTime,
) -> QueryResult<String> {
    let token = new_refresh_token();
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::token_hash.eq(hash_refresh_token(&token)),
            refresh_tokens::session_id.eq(session_id),
            refresh_tokens::created_at.eq(now()),
            refresh_tokens::expires_at.eq(expires_at),
        ))
        .execute(tx.conn())?;
    Ok(token)
}

/// Opens a session for an account whose password was verified.
pub fn open(tx: &mut Tx<'_>, user: User, request_id: Option<String>) -> QueryResult<Opened> {
    let session_id = new_id();
    let created = now();
    let expires_at = created + Duration::days(SESSION_TTL_DAYS);
    diesel::insert_into(sessions::table)
        .values((
            sessions::id.eq(&session_id),
            sessions::user_id.eq(&user.id),
            sessions::created_at.eq(created),
            sessions::expires_at.eq(expires_at),
        ))
        .execute(tx.conn())?;
    let refresh_token = issue_refresh_token(tx, &session_id, expires_at)?;
    let actor = Actor {
        user_id: Some(user.id.clone()),
        request_id,
    };
    audit::record_event(tx, &actor, "login", ResourceKind::Session, &session_id)?;
    Ok(Opened {
        session_id,
        user,
        refresh_token,
    })
}

/// The outcome of a refresh.
pub enum Refreshed {
    Renewed(Box<Opened>),
    /// The token had been used before: its session is now revoked (and that must commit).
    Reused,
}

/// Exchanges a refresh token for a new one. A token presented a second time means it was
/// copied: the whole session is revoked, for the thief and the owner alike.
pub fn refresh(
    tx: &mut Tx<'_>,
    token: &str,
    request_id: Option<String>,
) -> Result<Refreshed, Error> {
    let invalid = || Error::unauthorized("The refresh token is not valid; log in again.");
    let hash = hash_refresh_token(token);
    let (session_id, token_expires): (String, chrono::NaiveDateTime) = refresh_tokens::table
        .find(&hash)
        .select((refresh_tokens::session_id, refresh_tokens::expires_at))
        .get_result(tx.conn())
        .optional()?
        .ok_or_else(invalid)?;
    let at = now();
    // Mark used only if still unused: two concurrent refreshes cannot both win.
    let claimed = diesel::update(
        refresh_tokens::table
            .find(&hash)
            .filter(refresh_tokens::used_at.is_null()),
    )
    .set(refresh_tokens::used_at.eq(at))
    .execute(tx.conn())?;
    let actor = Actor {
        user_id: None,
        request_id,
    };
    if claimed == 0 {
        let revoked = diesel::update(
            sessions::table
                .find(&session_id)
                .filter(sessions::revoked_at.is_null()),
        )
        .set((
            sessions::revoked_at.eq(at),
            sessions::revoked_reason.eq("refresh_token_reused"),
        ))
        .execute(tx.conn())?;
        if revoked > 0 {
            audit::record_event(
                tx,
                &actor,
                "refresh_token_reused",
                ResourceKind::Session,
                &session_id,
            )?;
        }
        return Ok(Refreshed::Reused);
    }
    let (user, revoked_at, expires_at): (
        User,
        Option<chrono::NaiveDateTime>,
        chrono::NaiveDateTime,
    ) = sessions::table
        .inner_join(users::table)
        .filter(sessions::id.eq(&session_id))
        .select((
            User::as_select(),
            sessions::revoked_at,
            sessions::expires_at,
        ))
        .first(tx.conn())?;
    if revoked_at.is_some() || expires_at <= at || token_expires <= at || !user.active {
        return Err(invalid());
    }
    let refresh_token = issue_refresh_token(tx, &session_id, expires_at)?;
    Ok(Refreshed::Renewed(Box::new(Opened {
        session_id,
        user,
        refresh_token,
    })))
}

/// Ends a session (logout).
pub fn close(tx: &mut Tx<'_>, actor: &Actor, session_id: &str) -> QueryResult<()> {
    diesel::update(
        sessions::table
            .find(session_id)
            .filter(sessions::revoked_at.is_null()),
    )
    .set((
        sessions::revoked_at.eq(now()),
        sessions::revoked_reason.eq("logout"),
    ))
    .execute(tx.conn())?;
    audit::record_event(tx, actor, "logout", ResourceKind::Session, session_id)
}

/// The caller behind a verified access token, if its session is open and its account
/// active, with the time the session ends.
pub fn principal(
    conn: &mut AnyConnection,
    session_id: &str,
    user_id: &UserId,
) -> QueryResult<Option<(Principal, NaiveDateTime)>> {
    let row: Option<(User, Option<String>, NaiveDateTime)> = sessions::table
        .inner_join(users::table.left_join(org_units::table))
        .filter(sessions::id.eq(session_id))
        .filter(sessions::user_id.eq(user_id))
        .filter(sessions::revoked_at.is_null())
        .filter(sessions::expires_at.gt(now()))
        .filter(users::active.eq(true))
        .select((
            User::as_select(),
            org_units::path.nullable(),
            sessions::expires_at,
        ))
        .get_result(conn)
        .optional()?;
    Ok(row.map(|(user, unit_path, expires_at)| {
        let roles = roles_from_db(&user.roles);
        let scope = if roles.contains(&crate::domain::users::Role::Admin) {
            Scope::All
        } else {
            unit_path.map(Scope::Subtree).unwrap_or(Scope::Nothing)
        };
        let principal = Principal {
            user_id: user.id,
            username: user.username,
            roles,
            org_unit_id: user.org_unit_id,
            staff_id: user.staff_id,
            session_id: session_id.to_string(),
            scope,
        };
        (principal, expires_at)
    }))
}

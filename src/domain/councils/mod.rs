//! Hội đồng Thi đua – Khen thưởng: a council and its members.
//!
//! A council belongs to a unit and votes on the nominations that unit grants. Its members
//! change, and it is archived, only while none of its sessions is open. What a council does
//! lies beside this file, each part on its own: `sessions.rs` (a session from scheduling to
//! its tally), `ballots.rs` (the secret votes and the recusals of an open session) and
//! `minutes.rs` (the record of a session that is over). Their items are re-exported here.

mod ballots;
mod minutes;
mod sessions;

pub use ballots::{Choice, recuse, vote};
pub use minutes::{
    Minutes, MinutesFeedback, MinutesMember, MinutesNomination, minutes, vietnamese_date,
};
pub use sessions::{
    Outcome, Recusal, Session, SessionDetail, SessionFields, SessionItem, SessionStatus, Tally,
    close, create_session, default_quorum, find_session, in_pending_session, list_sessions, open,
    session_detail, set_attendance, tally_visible, votes_needed,
};

use diesel::prelude::*;
use serde::Serialize;

use crate::db::AnyConnection;
use crate::db::Tx;
use crate::db::schema::{council_members, council_sessions, councils, org_units, staff, users};
use crate::domain::Error;
use crate::domain::access::Scope;
use crate::domain::audit::{self, ChangeAction, Resource, ResourceKind};
use crate::domain::policy;
use crate::domain::users::User;
use crate::domain::{Actor, PageRequest, changed_meanwhile, ensure_version, now};
use crate::ids::{CouncilId, OrgUnitId, UserId};
use crate::text::{fold, person_sort_key, sort_key};

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = councils)]
pub struct Council {
    pub id: CouncilId,
    pub name: String,
    pub org_unit_id: OrgUnitId,
    pub active: bool,
    pub version: i64,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

/// A member as listed: the account, its position and the name it is known by (the linked
/// staff member's, else the username).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Member {
    pub user_id: UserId,
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
    pub user_id: UserId,
    pub position: String,
}

#[derive(Debug, Clone)]
pub struct CouncilFields {
    pub name: String,
    pub org_unit_id: OrgUnitId,
    pub members: Vec<MemberInput>,
    pub active: bool,
}

/// A council with the path of its unit, which decides who sees and keeps it.
pub fn find(conn: &mut AnyConnection, id: &CouncilId) -> QueryResult<Option<(Council, String)>> {
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
pub fn members(conn: &mut AnyConnection, council_id: &CouncilId) -> QueryResult<Vec<Member>> {
    let rows: Vec<(UserId, String, String, Option<String>)> = council_members::table
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

fn member_ids(conn: &mut AnyConnection, council_id: &CouncilId) -> QueryResult<Vec<UserId>> {
    council_members::table
        .filter(council_members::council_id.eq(council_id))
        .select(council_members::user_id)
        .load(conn)
}

pub fn is_member(
    conn: &mut AnyConnection,
    council_id: &CouncilId,
    user_id: &UserId,
) -> QueryResult<bool> {
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
    kept: &[UserId],
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

fn write_members(
    tx: &mut Tx<'_>,
    council_id: &CouncilId,
    members: &[MemberInput],
) -> QueryResult<()> {
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
fn has_open_session(conn: &mut AnyConnection, council_id: &CouncilId) -> QueryResult<bool> {
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
        id: after.council.id.as_str(),
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
            councils::id.eq(CouncilId::new()),
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
    let kept: Vec<UserId> = old.into_iter().map(|m| m.user_id).collect();
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
    pub org_unit_id: Option<OrgUnitId>,
    pub active: Option<bool>,
    pub member_id: Option<UserId>,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_order_the_chair_first() {
        assert!(position_rank("Chủ tịch Hội đồng") < position_rank("Phó Chủ tịch Hội đồng"));
        assert!(position_rank("Phó Chủ tịch") < position_rank("Ủy viên thường trực"));
        assert!(position_rank("Ủy viên thường trực") < position_rank("Ủy viên"));
        assert!(position_rank("Ủy viên") < position_rank("Thư ký"));
    }
}

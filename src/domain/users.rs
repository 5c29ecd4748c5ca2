//! Accounts (tài khoản): logins with roles, acting within an org unit's subtree.

use diesel::prelude::*;
use serde::Serialize;

use crate::db::Tx;
use crate::db::schema::{org_units, sessions, staff, users};
use crate::db::{AnyConnection, Writes};
use crate::domain::Error;
use crate::domain::audit::{self, ChangeAction, Resource, ResourceKind};
use crate::domain::{Actor, PageRequest, Sort, SortField, ensure_version, now, text_enum};
use crate::ids::{OrgUnitId, StaffId, UserId};
use crate::text::fold;

text_enum! {
    /// What an account may do (DESIGN.md section 2).
    pub enum Role {
        /// Everything, including accounts and settings.
        Admin => "admin",
        /// Emulation officer: plans, criteria, reviews, decisions, reports in scope.
        Officer => "officer",
        /// Head of a unit: registers and submits for the unit subtree and its staff.
        Manager => "manager",
        /// Staff member: own registrations and evidence.
        Member => "member",
        /// Council member: votes on nominations.
        Council => "council",
    }
}

/// Roles as stored: comma-separated names.
pub fn roles_to_db(roles: &[Role]) -> String {
    roles
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// The roles kept as comma-separated text. A role this version does not know (written by
/// a newer one) grants nothing here: it is logged and left out, never read as another.
pub fn roles_from_db(text: &str) -> Vec<Role> {
    text.split(',')
        .filter(|s| !s.is_empty())
        .filter_map(|s| match Role::try_from(s.to_string()) {
            Ok(role) => Some(role),
            Err(e) => {
                log::error!("{e}: the role grants nothing");
                None
            }
        })
        .collect()
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = users)]
pub struct User {
    pub id: UserId,
    pub username: String,
    #[serde(skip)]
    pub password_hash: String,
    pub roles: String,
    pub org_unit_id: Option<OrgUnitId>,
    pub staff_id: Option<StaffId>,
    pub active: bool,
    pub version: i64,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

impl User {
    pub fn roles(&self) -> Vec<Role> {
        roles_from_db(&self.roles)
    }
}

/// The password's length: 8 to 128 characters.
pub fn check_password_length(password: &str) -> Result<(), String> {
    if (8..=128).contains(&password.chars().count()) {
        Ok(())
    } else {
        Err("must be 8 to 128 characters".into())
    }
}

/// The password rule: 8 to 128 characters, and not easy to guess. zxcvbn estimates the
/// guesses a cracker needs, knowing common passwords ("12345678", "password",
/// "Password1"), names, words, keyboard runs, dates and the account's own words
/// (`personal`: its username, its person's name), which it is given; a score below 3
/// (fewer than 10^10 guesses) is refused, with zxcvbn's feedback as the reason.
pub fn check_password_strength(password: &str, personal: &[&str]) -> Result<(), String> {
    check_password_length(password)?;
    let words = personal_words(personal);
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    let estimate = zxcvbn::zxcvbn(password, &words);
    if estimate.score() >= zxcvbn::Score::Three {
        return Ok(());
    }
    let typed = crate::text::fold(password);
    let own = words
        .iter()
        .any(|w| w.chars().count() >= 3 && typed.contains(w));
    let warning = estimate.feedback().and_then(|f| f.warning());
    let mut why = match (own, warning) {
        (true, _) => {
            "is too easy to guess: it is built on the username or the person's name.".to_string()
        }
        (false, Some(warning)) => format!("is too easy to guess: {warning}"),
        (false, None) => "is too easy to guess.".to_string(),
    };
    for suggestion in estimate.feedback().map_or(&[][..], |f| f.suggestions()) {
        why.push_str(&format!(" {suggestion}"));
    }
    Err(why)
}

/// The words a person would build a password on, from their username and name: each
/// whole, each part ("huong.nt": "huong", "nt"), and without diacritics or spaces
/// ("Nguyễn Văn An": "nguyen", "van", "an", "nguyenvanan"), as people type them.
fn personal_words(personal: &[&str]) -> Vec<String> {
    let mut words = Vec::new();
    for text in personal.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
        let folded = crate::text::fold(text);
        words.push(text.to_lowercase());
        words.push(folded.replace(' ', ""));
        words.extend(
            folded
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| w.len() >= 2)
                .map(str::to_string),
        );
    }
    words.sort();
    words.dedup();
    words
}

/// An account's own words for `check_password_strength`: its username, and the full name
/// of the staff member it belongs to, when it belongs to one.
pub fn own_words(
    conn: &mut AnyConnection,
    username: &str,
    staff_id: Option<&StaffId>,
) -> QueryResult<Vec<String>> {
    let mut words = vec![username.to_string()];
    if let Some(id) = staff_id
        && let Some(name) = staff::table
            .find(id)
            .select(staff::full_name)
            .first::<String>(conn)
            .optional()?
    {
        words.push(name);
    }
    Ok(words)
}

/// Usernames are case-insensitive: kept in lower case.
pub fn normalize_username(username: &str) -> String {
    username.trim().to_lowercase()
}

pub fn find(conn: &mut AnyConnection, id: &UserId) -> QueryResult<Option<User>> {
    users::table
        .find(id)
        .select(User::as_select())
        .get_result(conn)
        .optional()
}

/// The account that belongs to a staff member, as those who see the record see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffAccount {
    pub id: UserId,
    pub username: String,
    pub active: bool,
}

/// The account of each of these staff members that has one (an active one first, should
/// several name the same person).
pub fn accounts_of_staff(
    conn: &mut AnyConnection,
    staff_ids: &[StaffId],
) -> QueryResult<std::collections::HashMap<StaffId, StaffAccount>> {
    let rows: Vec<(Option<StaffId>, UserId, String, bool)> = users::table
        .filter(users::staff_id.eq_any(staff_ids))
        .order((users::active.desc(), users::created_at.asc()))
        .select((users::staff_id, users::id, users::username, users::active))
        .load(conn)?;
    let mut accounts = std::collections::HashMap::new();
    for (staff_id, id, username, active) in rows {
        if let Some(staff_id) = staff_id {
            accounts.entry(staff_id).or_insert(StaffAccount {
                id,
                username,
                active,
            });
        }
    }
    Ok(accounts)
}

pub fn find_by_username(conn: &mut AnyConnection, username: &str) -> QueryResult<Option<User>> {
    users::table
        .filter(users::username.eq(normalize_username(username)))
        .select(User::as_select())
        .first(conn)
        .optional()
}

pub fn count(conn: &mut AnyConnection) -> QueryResult<i64> {
    users::table.count().get_result(conn)
}

/// A new account's fields, checked by the API layer for shape.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub roles: Vec<Role>,
    pub org_unit_id: Option<OrgUnitId>,
    pub staff_id: Option<StaffId>,
    pub active: bool,
}

/// Checks what only the database can tell: the unit and the staff record exist, and a
/// non-admin account has a unit to act in.
fn check_links(
    conn: &mut AnyConnection,
    roles: &[Role],
    org_unit_id: Option<&OrgUnitId>,
    staff_id: Option<&StaffId>,
) -> Result<(), Error> {
    match org_unit_id {
        Some(id) => {
            let exists: i64 = org_units::table.find(id).count().get_result(conn)?;
            if exists == 0 {
                return Err(Error::invalid(
                    "org_unit_id",
                    "not_found",
                    "no such org unit",
                ));
            }
        }
        None if roles.iter().any(|r| *r != Role::Admin) => {
            return Err(Error::invalid(
                "org_unit_id",
                "required",
                "accounts other than admins act within an org unit",
            ));
        }
        None => {}
    }
    if let Some(id) = staff_id {
        let exists: i64 = staff::table.find(id).count().get_result(conn)?;
        if exists == 0 {
            return Err(Error::invalid(
                "staff_id",
                "not_found",
                "no such staff member",
            ));
        }
        let taken: i64 = users::table
            .filter(users::staff_id.eq(id))
            .count()
            .get_result(conn)?;
        if taken > 0 {
            return Err(Error::conflict_field(
                "staff_id",
                "duplicate",
                "another account is linked to this staff member",
            ));
        }
    }
    Ok(())
}

/// Creates an account. The password hash is computed by the caller (it is slow).
pub fn create(
    tx: &mut Tx<'_>,
    actor: &Actor,
    new: NewUser,
    password_hash: String,
) -> Result<User, Error> {
    let username = normalize_username(&new.username);
    if find_by_username(tx, &username)?.is_some() {
        return Err(Error::conflict_field(
            "username",
            "duplicate",
            "this username is taken",
        ));
    }
    check_links(
        tx,
        &new.roles,
        new.org_unit_id.as_ref(),
        new.staff_id.as_ref(),
    )?;
    let at = now();
    let user: User = diesel::insert_into(users::table)
        .values((
            users::id.eq(UserId::new()),
            users::username.eq(&username),
            users::password_hash.eq(password_hash),
            users::roles.eq(roles_to_db(&new.roles)),
            users::org_unit_id.eq(&new.org_unit_id),
            users::staff_id.eq(&new.staff_id),
            users::active.eq(new.active),
            users::version.eq(1),
            users::created_at.eq(at),
            users::updated_at.eq(at),
        ))
        .returning(users::all_columns)
        .get_result(tx.conn())?;
    audit::record_change(
        tx,
        actor,
        ChangeAction::Created,
        Resource {
            kind: ResourceKind::User,
            id: user.id.as_str(),
            version: user.version,
        },
        None,
        Some(&user),
    )?;
    Ok(user)
}

/// A change to an account; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct UserChanges {
    pub roles: Option<Vec<Role>>,
    pub org_unit_id: Option<Option<OrgUnitId>>,
    pub staff_id: Option<Option<StaffId>>,
    pub active: Option<bool>,
}

pub fn update(
    tx: &mut Tx<'_>,
    actor: &Actor,
    current: User,
    expected_version: i64,
    changes: UserChanges,
) -> Result<User, Error> {
    ensure_version(current.version, expected_version)?;
    let roles = changes.roles.clone().unwrap_or_else(|| current.roles());
    let org_unit_id = changes
        .org_unit_id
        .clone()
        .unwrap_or(current.org_unit_id.clone());
    let staff_id = changes.staff_id.clone().unwrap_or(current.staff_id.clone());
    let new_staff = staff_id
        .as_ref()
        .filter(|s| Some(*s) != current.staff_id.as_ref());
    check_links(tx, &roles, org_unit_id.as_ref(), new_staff)?;
    let active = changes.active.unwrap_or(current.active);
    let user: User = diesel::update(users::table.find(&current.id))
        .set((
            users::roles.eq(roles_to_db(&roles)),
            users::org_unit_id.eq(&org_unit_id),
            users::staff_id.eq(&staff_id),
            users::active.eq(active),
            users::version.eq(current.version + 1),
            users::updated_at.eq(now()),
        ))
        .returning(users::all_columns)
        .get_result(tx.conn())?;
    if current.active && !active {
        end_sessions(tx, &user.id, "account_disabled")?;
    }
    audit::record_change(
        tx,
        actor,
        ChangeAction::Updated,
        Resource {
            kind: ResourceKind::User,
            id: user.id.as_str(),
            version: user.version,
        },
        Some(&current),
        Some(&user),
    )?;
    Ok(user)
}

/// Sets a new password (hash computed by the caller) and ends every session of the account.
pub fn set_password(
    tx: &mut Tx<'_>,
    actor: &Actor,
    user: &User,
    password_hash: String,
) -> Result<User, Error> {
    let updated: User = diesel::update(users::table.find(&user.id))
        .set((
            users::password_hash.eq(password_hash),
            users::version.eq(user.version + 1),
            users::updated_at.eq(now()),
        ))
        .returning(users::all_columns)
        .get_result(tx.conn())?;
    end_sessions(tx, &user.id, "password_changed")?;
    audit::record_event(
        tx,
        actor,
        "password_set",
        ResourceKind::User,
        user.id.as_str(),
    )?;
    // The account's version moved: the feed must not skip it (the hash is never serialised).
    let resource = Resource {
        kind: ResourceKind::User,
        id: updated.id.as_str(),
        version: updated.version,
    };
    audit::record_change(
        tx,
        actor,
        ChangeAction::Updated,
        resource,
        Some(user),
        Some(&updated),
    )?;
    Ok(updated)
}

/// Records an account's login lockout lifted (the throttle forgot the username's failed
/// attempts in the same transaction), an admin's decision: the audit trail keeps who
/// lifted it and whether it was locked.
pub fn login_lockout_lifted(
    tx: &mut Tx<'_>,
    actor: &Actor,
    user: &User,
    was_locked: bool,
) -> Result<(), Error> {
    audit::record_event_with(
        tx,
        actor,
        "login_lockout_lifted",
        ResourceKind::User,
        user.id.as_str(),
        &serde_json::json!({"username": user.username, "was_locked": was_locked}),
    )?;
    Ok(())
}

/// Revokes every open session of an account.
pub fn end_sessions(tx: &mut Tx<'_>, user_id: &UserId, reason: &str) -> QueryResult<usize> {
    diesel::update(
        sessions::table
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::revoked_at.is_null()),
    )
    .set((
        sessions::revoked_at.eq(now()),
        sessions::revoked_reason.eq(reason),
    ))
    .execute(tx.conn())
}

/// Filters of the account list.
#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    pub q: Option<String>,
    pub role: Option<Role>,
    pub org_unit_id: Option<OrgUnitId>,
    pub active: Option<bool>,
    pub updated_since: Option<chrono::NaiveDateTime>,
}

#[derive(Debug, Clone, Copy)]
pub enum UserSort {
    Username,
    CreatedAt,
    UpdatedAt,
}

impl SortField for UserSort {
    const FIELDS: &'static [(&'static str, Self)] = &[
        ("username", UserSort::Username),
        ("created_at", UserSort::CreatedAt),
        ("updated_at", UserSort::UpdatedAt),
    ];
}

pub fn list(
    conn: &mut AnyConnection,
    filter: &UserFilter,
    sort: Sort<UserSort>,
    page: PageRequest,
) -> QueryResult<(Vec<User>, i64)> {
    let query = || {
        let mut q = users::table.into_boxed();
        if let Some(text) = filter.q.as_deref().map(fold).filter(|t| !t.is_empty()) {
            q = q.filter(
                users::username
                    .like(crate::db::contains_pattern(&text))
                    .escape('\\'),
            );
        }
        if let Some(role) = filter.role {
            // Roles are a comma list; pad both sides so "admin" cannot match a longer name.
            q = q.filter(
                (",".into_sql::<diesel::sql_types::Text>()
                    .concat(users::roles)
                    .concat(","))
                .like(format!("%,{},%", role.as_str())),
            );
        }
        if let Some(unit) = &filter.org_unit_id {
            q = q.filter(users::org_unit_id.eq(unit.clone()));
        }
        if let Some(active) = filter.active {
            q = q.filter(users::active.eq(active));
        }
        if let Some(since) = filter.updated_since {
            q = q.filter(users::updated_at.ge(since));
        }
        q
    };
    let total = query().count().get_result(conn)?;
    let mut q = query();
    q = match (sort.field, sort.descending) {
        (UserSort::Username, false) => q.order(users::username.asc()),
        (UserSort::Username, true) => q.order(users::username.desc()),
        (UserSort::CreatedAt, false) => q.order(users::created_at.asc()),
        (UserSort::CreatedAt, true) => q.order(users::created_at.desc()),
        (UserSort::UpdatedAt, false) => q.order(users::updated_at.asc()),
        (UserSort::UpdatedAt, true) => q.order(users::updated_at.desc()),
    };
    let items = q
        .then_order_by(users::id.asc())
        .offset(page.offset())
        .limit(page.per_page)
        .select(User::as_select())
        .load(conn)?;
    Ok((items, total))
}

/// Creates an admin account with no unit (admins act everywhere).
pub fn create_admin(conn: &mut impl Writes, username: &str, password: &str) -> Result<User, Error> {
    let hash = crate::secrets::hash_password(password).map_err(Error::internal)?;
    let new = NewUser {
        username: username.to_string(),
        roles: vec![Role::Admin],
        org_unit_id: None,
        staff_id: None,
        active: true,
    };
    conn.write(|tx| create(tx, &Actor::default(), new, hash))
}

/// On first start (no account at all) makes `admin`, with the configured password or a
/// generated one, which is returned so it can be shown once.
pub fn ensure_first_admin(
    conn: &mut impl Writes,
    configured: Option<&str>,
) -> Result<Option<String>, Error> {
    if count(conn)? > 0 {
        return Ok(None);
    }
    let generated = configured.is_none().then(crate::secrets::generate_password);
    let password = configured
        .map(str::to_string)
        .or_else(|| generated.clone())
        .unwrap_or_default();
    match create_admin(conn, "admin", &password) {
        Ok(_) => Ok(generated),
        // Another instance starting at the same time made it first.
        Err(e) if e.is_conflict() => Ok(None),
        Err(e) => Err(e),
    }
}

/// Refuses a password that is easy to guess, or built on the account's own words (422
/// naming `field`, saying why in zxcvbn's words): a weak password is guessed whatever the
/// login throttle allows, from a leaked hash.
pub fn strong_password(field: &str, password: &str, own: &[String]) -> Result<(), Error> {
    let own: Vec<&str> = own.iter().map(String::as_str).collect();
    check_password_strength(password, &own)
        .map_err(|why| Error::invalid(field, "weak_password", format!("The password {why}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A role this version does not know was once read as the first of the enum, `admin`.
    #[test]
    fn a_stored_role_this_version_does_not_know_grants_nothing() {
        assert_eq!(
            roles_from_db("member,auditor,council"),
            vec![Role::Member, Role::Council]
        );
        assert_eq!(roles_from_db("superuser"), Vec::<Role>::new());
    }

    #[test]
    fn common_and_personal_passwords_are_refused_with_the_reason() {
        for weak in [
            "12345678",
            "password",
            "Password1",
            "qwertyuiop",
            "aaaaaaaaaa",
        ] {
            let why = check_password_strength(weak, &[]).unwrap_err();
            assert!(why.starts_with("is too easy to guess"), "{weak}: {why}");
        }
        let why = check_password_strength("Password1", &[]).unwrap_err();
        assert!(why.contains("very common password"), "{why}");
        // The account's own words, as typed: the username, the name without diacritics.
        let own = ["huong.nt", "Nguyễn Thị Hương"];
        for weak in ["huong.nt", "huong.nt2026", "nguyenthihuong", "Huong2026!"] {
            let why = check_password_strength(weak, &own).unwrap_err();
            assert!(
                why.contains("username or the person's name"),
                "{weak}: {why}"
            );
        }
        assert_eq!(
            check_password_strength("short", &[]).unwrap_err(),
            "must be 8 to 128 characters"
        );
        for strong in [
            "mật-khẩu-dài-2026",
            "correct horse battery",
            "tàu-về-bến-Cửa-Lò",
        ] {
            assert_eq!(check_password_strength(strong, &own), Ok(()), "{strong}");
        }
    }
}

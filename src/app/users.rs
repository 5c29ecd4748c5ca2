//! Accounts, kept by admins: creating them, their roles, unit and staff link, resetting a
//! password and lifting a login lockout.

use crate::db::{AnyConnection, Tx, Writes};
use crate::domain::access::Principal;
use crate::domain::users::{self, NewUser, Role, User, UserChanges, UserFilter, UserSort};
use crate::domain::{Actor, Error, PageRequest, Sort, policy};
use crate::ids::{OrgUnitId, StaffId, UserId};
use crate::secrets;

/// What a list asks for, besides the page and the order.
pub struct ListQuery {
    pub q: Option<String>,
    pub role: Option<Role>,
    pub org_unit_id: Option<OrgUnitId>,
    pub active: Option<bool>,
    pub updated_since: Option<chrono::NaiveDateTime>,
}

/// A new account and its password.
pub struct NewAccount {
    pub username: String,
    pub password: String,
    pub roles: Vec<Role>,
    pub org_unit_id: Option<OrgUnitId>,
    pub staff_id: Option<StaffId>,
}

/// One page of the accounts.
pub fn list(
    conn: &mut AnyConnection,
    who: &Principal,
    query: ListQuery,
    sort: Sort<UserSort>,
    page: PageRequest,
) -> Result<(Vec<User>, i64), Error> {
    admin(who)?;
    let filter = UserFilter {
        q: query.q,
        role: query.role,
        org_unit_id: query.org_unit_id,
        active: query.active,
        updated_since: query.updated_since,
    };
    Ok(users::list(conn, &filter, sort, page)?)
}

/// Create an account whose password is strong and not made of its own names. The
/// password is hashed before the write begins, so the write does not wait for it.
pub fn create(
    conn: &mut impl Writes,
    who: &Principal,
    actor: &Actor,
    new: NewAccount,
) -> Result<User, Error> {
    admin(who)?;
    let words = users::own_words(conn, &new.username, new.staff_id.as_ref())?;
    users::strong_password("password", &new.password, &words)?;
    let hash = secrets::hash_password(&new.password).map_err(Error::internal)?;
    let user = NewUser {
        username: new.username,
        roles: new.roles,
        org_unit_id: new.org_unit_id,
        staff_id: new.staff_id,
        active: true,
    };
    conn.write(|tx| users::create(tx, actor, user, hash))
}

/// An account.
pub fn get(conn: &mut AnyConnection, who: &Principal, id: &UserId) -> Result<User, Error> {
    admin(who)?;
    existing(conn, id)
}

/// Change an account's roles, unit, staff link or active flag.
pub fn update(
    tx: &mut Tx<'_>,
    who: &Principal,
    actor: &Actor,
    id: &UserId,
    version: i64,
    changes: UserChanges,
) -> Result<User, Error> {
    admin(who)?;
    let current = existing(tx, id)?;
    users::update(tx, actor, current, version, changes)
}

/// Reset an account's password to a strong one not made of its own names; hashed before
/// the write begins.
pub fn set_password(
    conn: &mut impl Writes,
    who: &Principal,
    actor: &Actor,
    id: &UserId,
    version: i64,
    password: &str,
) -> Result<User, Error> {
    admin(who)?;
    let target = existing(conn, id)?;
    let words = users::own_words(conn, &target.username, target.staff_id.as_ref())?;
    users::strong_password("password", password, &words)?;
    let hash = secrets::hash_password(password).map_err(Error::internal)?;
    conn.write(|tx| -> Result<_, Error> {
        let current = existing(tx, id)?;
        crate::domain::ensure_version(current.version, version)?;
        users::set_password(tx, actor, &current, hash)
    })
}

/// Lift an account's login lockout: `lift` forgets the failed attempts of a username and
/// says whether it was locked; the lifting is audited.
pub fn lift_login_lockout(
    tx: &mut Tx<'_>,
    who: &Principal,
    actor: &Actor,
    id: &UserId,
    lift: impl FnOnce(&mut AnyConnection, &str) -> Result<bool, Error>,
) -> Result<(), Error> {
    admin(who)?;
    let user = existing(tx, id)?;
    let was_locked = lift(tx, &user.username)?;
    users::login_lockout_lifted(tx, actor, &user, was_locked)
}

/// Accounts are the admins' to keep (the routes' `Admin` extractor checked it first).
fn admin(who: &Principal) -> Result<(), Error> {
    policy::ensure(who.is_admin())
}

fn existing(conn: &mut AnyConnection, id: &UserId) -> Result<User, Error> {
    users::find(conn, id)?.ok_or_else(|| Error::not_found("user"))
}

//! Service clients, kept by admins: registering them, their scopes and unit, disabling
//! them and rotating their secret (shown once; only its hash is stored).

use crate::db::{AnyConnection, Tx};
use crate::domain::access::Principal;
use crate::domain::clients::{self, ApiClient, ClientChanges, ClientScope};
use crate::domain::{Actor, Error, org_units, policy};
use crate::ids::OrgUnitId;

/// A client to register, limited to a unit's subtree (none: the whole system).
pub struct NewClient {
    pub name: String,
    pub scopes: Vec<ClientScope>,
    pub org_unit_id: Option<OrgUnitId>,
}

/// A client's changes: each field left out (`None`) stays; `org_unit_id: Some(None)`
/// opens it to the whole system.
#[derive(Default)]
pub struct ClientUpdate {
    pub name: Option<String>,
    pub scopes: Option<Vec<ClientScope>>,
    pub active: Option<bool>,
    pub org_unit_id: Option<Option<OrgUnitId>>,
}

/// Every service client.
pub fn list(conn: &mut AnyConnection, who: &Principal) -> Result<Vec<ApiClient>, Error> {
    admin(who)?;
    Ok(clients::list(conn)?)
}

/// Register a client; it comes back with its secret, which is shown this once.
pub fn create(
    tx: &mut Tx<'_>,
    who: &Principal,
    actor: &Actor,
    new: NewClient,
) -> Result<(ApiClient, String), Error> {
    admin(who)?;
    let name = new.name.trim().to_string();
    check_unit(tx, new.org_unit_id.as_ref())?;
    clients::create(tx, actor, name, &new.scopes, new.org_unit_id)
}

/// A service client.
pub fn get(conn: &mut AnyConnection, who: &Principal, id: &str) -> Result<ApiClient, Error> {
    admin(who)?;
    existing(conn, id)
}

/// Rename a client, change its scopes or unit, or disable it.
pub fn update(
    tx: &mut Tx<'_>,
    who: &Principal,
    actor: &Actor,
    id: &str,
    version: i64,
    update: ClientUpdate,
) -> Result<ApiClient, Error> {
    admin(who)?;
    let changes = ClientChanges {
        name: update.name.map(|n| n.trim().to_string()),
        scopes: update.scopes,
        active: update.active,
        org_unit_id: update.org_unit_id,
        rotate_secret: false,
    };
    check_unit(tx, changes.org_unit_id.as_ref().and_then(|u| u.as_ref()))?;
    let current = existing(tx, id)?;
    let (client, _) = clients::update(tx, actor, current, version, changes)?;
    Ok(client)
}

/// Issue a client a new secret (the old one and its tokens stop working); it comes back
/// with the secret, shown this once.
pub fn rotate_secret(
    tx: &mut Tx<'_>,
    who: &Principal,
    actor: &Actor,
    id: &str,
    version: i64,
) -> Result<(ApiClient, String), Error> {
    admin(who)?;
    let changes = ClientChanges {
        name: None,
        scopes: None,
        active: None,
        org_unit_id: None,
        rotate_secret: true,
    };
    let current = existing(tx, id)?;
    let (client, secret) = clients::update(tx, actor, current, version, changes)?;
    Ok((client, secret.unwrap_or_default()))
}

/// Clients are the admins' to keep (the routes' `Admin` extractor checked it first).
fn admin(who: &Principal) -> Result<(), Error> {
    policy::ensure(who.is_admin())
}

fn existing(conn: &mut AnyConnection, id: &str) -> Result<ApiClient, Error> {
    clients::find(conn, id)?.ok_or_else(|| Error::not_found("client"))
}

/// The unit a client is limited to must exist (422 naming `org_unit_id`).
fn check_unit(conn: &mut AnyConnection, unit: Option<&OrgUnitId>) -> Result<(), Error> {
    if let Some(id) = unit
        && org_units::find(conn, id)?.is_none()
    {
        return Err(Error::invalid(
            "org_unit_id",
            "not_found",
            "no such org unit",
        ));
    }
    Ok(())
}

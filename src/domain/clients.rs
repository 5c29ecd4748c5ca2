//! Service clients: other systems (the Department of Home Affairs, the provincial data
//! platform) that read through the OAuth 2.0 client-credentials grant, each limited to
//! the scopes an admin gave it.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::db::AnyConnection;
use crate::db::Tx;
use crate::db::schema::api_clients;
use crate::domain::Error;
use crate::domain::audit::{self, ChangeAction, Resource, ResourceKind};
use crate::domain::{Actor, changed_meanwhile, ensure_version, new_id, now};
use crate::ids::OrgUnitId;
use crate::secrets::random_bytes;

/// What a client may read. Nothing else is open to a client token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
pub enum ClientScope {
    /// The yearly and province reports.
    #[serde(rename = "reports:read")]
    ReportsRead,
    /// The change feed.
    #[serde(rename = "changes:read")]
    ChangesRead,
    /// Awards and award decisions.
    #[serde(rename = "awards:read")]
    AwardsRead,
    /// Bulk export of every resource.
    #[serde(rename = "export:read")]
    ExportRead,
}

impl ClientScope {
    pub const ALL: [ClientScope; 4] = [
        ClientScope::ReportsRead,
        ClientScope::ChangesRead,
        ClientScope::AwardsRead,
        ClientScope::ExportRead,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ClientScope::ReportsRead => "reports:read",
            ClientScope::ChangesRead => "changes:read",
            ClientScope::AwardsRead => "awards:read",
            ClientScope::ExportRead => "export:read",
        }
    }

    pub fn parse(s: &str) -> Option<ClientScope> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// The change feed and the export carry every record of the system, not filtered by
    /// unit: only a whole-system client may hold them.
    pub fn whole_system_only(self) -> bool {
        matches!(self, ClientScope::ChangesRead | ClientScope::ExportRead)
    }
}

/// A client limited to a unit subtree reads only what can be filtered by unit.
fn check_scopes_fit_unit(
    scopes: &[ClientScope],
    org_unit_id: Option<&OrgUnitId>,
) -> Result<(), Error> {
    match scopes.iter().find(|s| s.whole_system_only()) {
        Some(scope) if org_unit_id.is_some() => Err(Error::invalid(
            "scopes",
            "whole_system_only",
            format!(
                "{} covers the whole system: give it only to a client without org_unit_id",
                scope.as_str()
            ),
        )),
        _ => Ok(()),
    }
}

/// Scopes as OAuth writes them: one string, separated by spaces, in a fixed order.
pub fn scope_string(scopes: &[ClientScope]) -> String {
    ClientScope::ALL
        .into_iter()
        .filter(|s| scopes.contains(s))
        .map(ClientScope::as_str)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Reads a space-separated scope string; the first unknown scope is returned as the error.
pub fn parse_scopes(s: &str) -> Result<Vec<ClientScope>, String> {
    let mut scopes = Vec::new();
    for word in s.split_whitespace() {
        let scope = ClientScope::parse(word).ok_or_else(|| word.to_string())?;
        if !scopes.contains(&scope) {
            scopes.push(scope);
        }
    }
    Ok(scopes)
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = api_clients)]
pub struct ApiClient {
    pub id: String,
    pub name: String,
    pub client_id: String,
    /// Never serialised: the audit log must not carry it either.
    #[serde(skip)]
    pub secret_hash: String,
    pub scopes: String,
    pub active: bool,
    pub secret_rotated_at: chrono::NaiveDateTime,
    pub last_used_at: Option<chrono::NaiveDateTime>,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
    pub version: i64,
    /// The unit subtree the client reads, as an account's scope; none: the whole system.
    pub org_unit_id: Option<OrgUnitId>,
}

impl ApiClient {
    pub fn scopes(&self) -> Vec<ClientScope> {
        parse_scopes(&self.scopes).unwrap_or_default()
    }

    /// What a token names its secret by: a token is good only while the client's secret is
    /// the one it was issued under, so a rotation ends every earlier token at once (a
    /// timestamp in whole seconds let tokens of the rotation's second live on). A hash of
    /// the stored hash: the token reveals nothing that helps to guess the secret.
    pub fn secret_fingerprint(&self) -> String {
        hex::encode(&Sha256::digest(self.secret_hash.as_bytes())[..16])
    }
}

/// A new secret: 256 random bits. Such a secret cannot be guessed, so a fast hash keeps it
/// safe at rest; a slow password hash would only slow every token request.
fn new_secret() -> (String, String) {
    let secret = format!("tds_{}", URL_SAFE_NO_PAD.encode(random_bytes::<32>()));
    let hash = hash_secret(&secret);
    (secret, hash)
}

fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

fn resource(c: &ApiClient) -> Resource<'_> {
    Resource {
        kind: ResourceKind::ApiClient,
        id: c.id.as_str(),
        version: c.version,
    }
}

pub fn find(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<ApiClient>> {
    api_clients::table
        .find(id)
        .select(ApiClient::as_select())
        .get_result(conn)
        .optional()
}

pub fn list(conn: &mut AnyConnection) -> QueryResult<Vec<ApiClient>> {
    api_clients::table
        .order((api_clients::created_at, api_clients::id))
        .select(ApiClient::as_select())
        .load(conn)
}

/// Registers a client; returns it with its secret, which is shown this once.
pub fn create(
    tx: &mut Tx<'_>,
    actor: &Actor,
    name: String,
    scopes: &[ClientScope],
    org_unit_id: Option<OrgUnitId>,
) -> Result<(ApiClient, String), Error> {
    check_scopes_fit_unit(scopes, org_unit_id.as_ref())?;
    let (secret, secret_hash) = new_secret();
    let at = now();
    let client = ApiClient {
        id: new_id(),
        name,
        client_id: format!("thidua-{}", hex::encode(random_bytes::<12>())),
        secret_hash,
        scopes: scope_string(scopes),
        active: true,
        secret_rotated_at: at,
        last_used_at: None,
        created_at: at,
        updated_at: at,
        version: 1,
        org_unit_id,
    };
    diesel::insert_into(api_clients::table)
        .values((
            api_clients::id.eq(&client.id),
            api_clients::name.eq(&client.name),
            api_clients::client_id.eq(&client.client_id),
            api_clients::secret_hash.eq(&client.secret_hash),
            api_clients::scopes.eq(&client.scopes),
            api_clients::active.eq(client.active),
            api_clients::secret_rotated_at.eq(at),
            api_clients::created_at.eq(at),
            api_clients::updated_at.eq(at),
            api_clients::version.eq(1i64),
            api_clients::org_unit_id.eq(&client.org_unit_id),
        ))
        .execute(tx.conn())?;
    audit::record_change(
        tx,
        actor,
        ChangeAction::Created,
        resource(&client),
        None,
        Some(&client),
    )?;
    Ok((client, secret))
}

/// What an admin may change of a client.
#[derive(Debug, Clone)]
pub struct ClientChanges {
    pub name: Option<String>,
    pub scopes: Option<Vec<ClientScope>>,
    pub active: Option<bool>,
    /// A new unit subtree (`Some(None)`: the whole system).
    pub org_unit_id: Option<Option<OrgUnitId>>,
    /// Issue a new secret; the old one and every token made with it stop working.
    pub rotate_secret: bool,
}

/// Applies changes under If-Match; returns the client and, when rotated, its new secret.
pub fn update(
    tx: &mut Tx<'_>,
    actor: &Actor,
    current: ApiClient,
    expected_version: i64,
    changes: ClientChanges,
) -> Result<(ApiClient, Option<String>), Error> {
    ensure_version(current.version, expected_version)?;
    let mut next = current.clone();
    if let Some(name) = changes.name {
        next.name = name;
    }
    if let Some(scopes) = changes.scopes {
        next.scopes = scope_string(&scopes);
    }
    if let Some(active) = changes.active {
        next.active = active;
    }
    if let Some(unit) = changes.org_unit_id {
        next.org_unit_id = unit;
    }
    check_scopes_fit_unit(&next.scopes(), next.org_unit_id.as_ref())?;
    let at = now();
    let secret = if changes.rotate_secret {
        let (secret, hash) = new_secret();
        next.secret_hash = hash;
        next.secret_rotated_at = at;
        Some(secret)
    } else {
        None
    };
    next.updated_at = at;
    next.version += 1;
    diesel::update(
        api_clients::table
            .find(&current.id)
            .filter(api_clients::version.eq(current.version)),
    )
    .set((
        api_clients::name.eq(&next.name),
        api_clients::scopes.eq(&next.scopes),
        api_clients::active.eq(next.active),
        api_clients::secret_hash.eq(&next.secret_hash),
        api_clients::secret_rotated_at.eq(next.secret_rotated_at),
        api_clients::updated_at.eq(at),
        api_clients::version.eq(next.version),
        api_clients::org_unit_id.eq(&next.org_unit_id),
    ))
    .returning(api_clients::id)
    .get_result::<String>(tx.conn())
    .map_err(changed_meanwhile)?;
    let action = if next.active {
        ChangeAction::Updated
    } else {
        ChangeAction::Archived
    };
    audit::record_change(
        tx,
        actor,
        action,
        resource(&next),
        Some(&current),
        Some(&next),
    )?;
    Ok((next, secret))
}

/// The client a `client_id` and secret belong to, if it is active and the secret is its
/// current one. Compared as hashes in constant time, so timing tells nothing.
pub fn authenticate(
    conn: &mut AnyConnection,
    client_id: &str,
    secret: &str,
) -> QueryResult<Option<ApiClient>> {
    let Some(client) = api_clients::table
        .filter(api_clients::client_id.eq(client_id))
        .select(ApiClient::as_select())
        .first(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let given = hash_secret(secret);
    let matches = given
        .bytes()
        .zip(client.secret_hash.bytes())
        .fold(given.len() ^ client.secret_hash.len(), |acc, (a, b)| {
            acc | usize::from(a ^ b)
        })
        == 0;
    Ok((matches && client.active).then_some(client))
}

/// Notes that a client obtained a token (kept in the audit log, not the change feed).
pub fn record_token(tx: &mut Tx<'_>, actor: &Actor, client: &ApiClient) -> QueryResult<()> {
    diesel::update(api_clients::table.find(&client.id))
        .set(api_clients::last_used_at.eq(now()))
        .execute(tx.conn())?;
    audit::record_event(
        tx,
        actor,
        "token_issued",
        ResourceKind::ApiClient,
        &client.id,
    )
}

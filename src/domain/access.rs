//! Who is asking: the explicit access value every service and policy check takes — an
//! account (`Principal`) or a service client (`ClientPrincipal`), each with the unit subtree
//! it acts in (`Scope`). Authentication (`auth`) makes one from a request's token; the
//! domain only reads it.

use crate::domain::Error;
use crate::domain::clients::ClientScope;
use crate::domain::users::Role;
use crate::ids::{OrgUnitId, StaffId, UserId};

/// What a service client's token is told on an endpoint for accounts.
pub fn client_token_refused() -> Error {
    Error::insufficient_scope(
        "A service-client token opens only the endpoints of its scopes.",
        None,
    )
}

/// The part of the org-unit tree an account acts in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Admins: every unit.
    All,
    /// The subtree under a unit, as its materialised path prefix.
    Subtree(String),
    /// An account with no unit: nothing.
    Nothing,
}

impl Scope {
    /// Whether a unit (by its path) lies in this scope.
    pub fn contains(&self, unit_path: &str) -> bool {
        match self {
            Scope::All => true,
            Scope::Subtree(prefix) => unit_path.starts_with(prefix.as_str()),
            Scope::Nothing => false,
        }
    }

    /// The path prefix a list filters on: None for every unit; for no unit, a prefix no
    /// path has (paths are made of UUIDs), so nothing matches.
    pub fn path_prefix(&self) -> Option<String> {
        match self {
            Scope::All => None,
            Scope::Subtree(prefix) => Some(prefix.clone()),
            Scope::Nothing => Some("/-/".into()),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Principal {
    pub user_id: UserId,
    pub username: String,
    pub roles: Vec<Role>,
    pub org_unit_id: Option<OrgUnitId>,
    pub staff_id: Option<StaffId>,
    pub session_id: String,
    pub scope: Scope,
}

impl Principal {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    pub fn is_admin(&self) -> bool {
        self.has(Role::Admin)
    }
}

/// A service client acting with a client-credentials token.
#[derive(Debug, Clone)]
pub struct ClientPrincipal {
    pub id: String,
    pub name: String,
    /// The scopes both the token and the client still have: removing a scope from a
    /// client takes effect at once, not when its tokens expire.
    pub scopes: Vec<ClientScope>,
    /// The unit it is limited to (none: the whole system) and the subtree that gives, as of
    /// this request (an account's unit and scope, for a client).
    pub org_unit_id: Option<OrgUnitId>,
    pub scope: Scope,
}

impl ClientPrincipal {
    pub fn has(&self, scope: ClientScope) -> bool {
        self.scopes.contains(&scope)
    }
}

/// Whoever calls an endpoint that service clients may also read.
#[derive(Debug, Clone)]
pub enum Caller {
    User(Principal),
    Client(ClientPrincipal),
}

impl Caller {
    /// The user id for the audit log; clients are recorded by the request id alone.
    pub fn user_id(&self) -> Option<&UserId> {
        match self {
            Caller::User(p) => Some(&p.user_id),
            Caller::Client(_) => None,
        }
    }

    /// The account calling, or what `Principal` answers a service client (403).
    pub fn user(&self) -> Result<&Principal, Error> {
        match self {
            Caller::User(p) => Ok(p),
            Caller::Client(_) => Err(client_token_refused()),
        }
    }
}

//! Authentication (passwords, tokens, the principal extractor, login throttling) and
//! authorization (the policy module).

pub mod password;
pub mod policy;
pub mod principal;
pub mod throttle;
pub mod tokens;

pub use principal::{Caller, ClientPrincipal, Principal, Scope};

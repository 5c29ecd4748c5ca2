//! Authentication: passwords, tokens, the extractors that turn a request's token into the
//! domain's access value (`domain::access`), and login throttling. Who may do what is the
//! domain's (`domain::policy`).

pub mod principal;
pub mod throttle;
pub mod tokens;

pub use crate::domain::access::{Caller, ClientPrincipal, Principal, Scope};
pub use crate::domain::policy;
pub use principal::Admin;

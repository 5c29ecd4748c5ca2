//! The application layer: one module per aggregate, one function per use case. Each takes
//! the caller (`Principal`, and the `Actor` its writes are audited as) and a command in
//! domain types, and owns the whole of a request's work below HTTP — load, authorise
//! (`domain::policy`), apply the rules (`domain::<aggregate>`), write and audit — so a
//! handler only extracts, makes one call here through `api::read` / `api::write`, and maps
//! the answer to its wire type.
//!
//! It answers `domain::Error` and imports neither `api`, `auth` nor actix: what it returns
//! are domain values, and `src/error.rs` maps a refusal to problem+json once.

pub mod councils;
pub mod decisions;
pub mod disclosures;
pub mod evidence;
pub mod nominations;

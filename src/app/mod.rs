//! The application layer: one module per aggregate, one function per use case. Each takes
//! the caller (`Principal`, and the `Actor` its writes are audited as) and a command in
//! domain types, and owns the whole of a request's work below HTTP — load, authorise
//! (`domain::policy`), apply the rules (`domain::<aggregate>`), write and audit — so a
//! handler only extracts, makes one call here through `api::read` / `api::change`, and maps
//! the answer to its wire type.
//!
//! It answers `domain::Error` and imports neither `api`, `auth` nor actix: what it returns
//! are domain values, and `src/error.rs` maps a refusal to problem+json once.

pub mod audit;
pub mod award_types;
pub mod blocs;
pub mod calendar;
pub mod changes;
pub mod clients;
pub mod councils;
pub mod credentials;
pub mod criteria;
pub mod decisions;
pub mod disciplines;
pub mod disclosures;
pub mod evidence;
pub mod export;
pub mod initiatives;
pub mod learning;
pub mod legal_documents;
pub mod movements;
pub mod nominations;
pub mod org_units;
pub mod plans;
pub mod registrations;
pub mod reports;
pub mod scores;
pub mod staff;
pub mod users;
pub mod webhooks;

//! Verifiable award credentials: which awards a caller may have one of, and what the
//! register says of an award a presented credential names. Signing and checking a
//! credential's proof are pure work on the issuer's key, done without a connection.

use serde_json::Value;

use crate::db::AnyConnection;
use crate::domain::access::Principal;
use crate::domain::credentials::{self, AwardFacts, IssuerKey, Standing};
use crate::domain::{Error, policy};

/// The facts of an award the caller reads, for its credential: none is issued for an
/// award revoked, or granted by a decision revoked.
pub fn issuable(conn: &mut AnyConnection, who: &Principal, id: &str) -> Result<AwardFacts, Error> {
    let (facts, path, staff_id) =
        credentials::award_facts(conn, id)?.ok_or_else(|| Error::not_found("award"))?;
    policy::ensure_visible(
        policy::can_read_subject(who, &path, staff_id.as_ref()),
        "award",
    )?;
    if facts.status == "revoked" || facts.decision_status == "revoked" {
        return Err(Error::conflict(
            "award_revoked",
            "The award or the decision granting it is revoked; no credential is issued for it.",
        ));
    }
    Ok(facts)
}

/// The signed credential of an award `issuable` gave.
pub fn issue(facts: &AwardFacts, key: &IssuerKey) -> Result<Value, Error> {
    credentials::credential(facts, key)
}

/// Whether an award a credential of ours names still stands (none: no such award).
pub fn standing(conn: &mut AnyConnection, award_id: &str) -> Result<Option<Standing>, Error> {
    Ok(credentials::standing(conn, award_id)?)
}

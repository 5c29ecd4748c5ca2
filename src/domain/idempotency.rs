//! Idempotency keys: a client that retries a POST with the same `Idempotency-Key` gets the
//! first answer again, and the work is done once.
//!
//! The key is claimed before the request runs and the answer stored after, in their own
//! transactions. A process that dies between the two leaves a claim that a retry takes
//! over once it is older than `STALE_CLAIM_SECS`; that retry runs the request again.

use diesel::prelude::*;

use crate::db::Tx;
use crate::db::schema::idempotency_keys;
use crate::domain::now;

/// How long a key is remembered.
pub const KEEP_HOURS: i64 = 24;
/// A claim older than this belongs to a request that never finished.
pub const STALE_CLAIM_SECS: i64 = 120;

/// The answer stored for a key.
#[derive(Debug, Clone, Queryable)]
pub struct StoredAnswer {
    pub status: i32,
    pub content_type: Option<String>,
    pub etag: Option<String>,
    pub location: Option<String>,
    pub body: Vec<u8>,
}

/// What to do with a request that carries a key.
#[derive(Debug)]
pub enum Claim {
    /// The key is new (or its claim was abandoned): run the request, then `store`.
    Run,
    /// The same request was answered before: send this again.
    Replay(StoredAnswer),
    /// The key was used for a different request.
    Mismatch,
    /// The first request with this key is still running.
    InProgress,
}

type Row = (
    String,
    Option<i32>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<Vec<u8>>,
    chrono::NaiveDateTime,
);

/// Claims `key` for `owner`, or says why not. Runs in one write transaction.
pub fn claim(tx: &mut Tx<'_>, owner: &str, key: &str, request_hash: &str) -> QueryResult<Claim> {
    let at = now();
    // Forgetting old keys here keeps the table small without a separate job.
    diesel::delete(
        idempotency_keys::table
            .filter(idempotency_keys::created_at.lt(at - chrono::Duration::hours(KEEP_HOURS))),
    )
    .execute(tx.conn())?;
    let found: Option<Row> = idempotency_keys::table
        .find((owner, key))
        .select((
            idempotency_keys::request_hash,
            idempotency_keys::status,
            idempotency_keys::content_type,
            idempotency_keys::etag,
            idempotency_keys::location,
            idempotency_keys::body,
            idempotency_keys::created_at,
        ))
        .get_result(tx.conn())
        .optional()?;
    match found {
        Some((hash, ..)) if hash != request_hash => Ok(Claim::Mismatch),
        Some((_, Some(status), content_type, etag, location, body, _)) => {
            Ok(Claim::Replay(StoredAnswer {
                status,
                content_type,
                etag,
                location,
                body: body.unwrap_or_default(),
            }))
        }
        Some((.., created_at)) if at - created_at < chrono::Duration::seconds(STALE_CLAIM_SECS) => {
            Ok(Claim::InProgress)
        }
        Some(_) => {
            diesel::update(idempotency_keys::table.find((owner, key)))
                .set(idempotency_keys::created_at.eq(at))
                .execute(tx.conn())?;
            Ok(Claim::Run)
        }
        None => {
            diesel::insert_into(idempotency_keys::table)
                .values((
                    idempotency_keys::owner.eq(owner),
                    idempotency_keys::key.eq(key),
                    idempotency_keys::request_hash.eq(request_hash),
                    idempotency_keys::created_at.eq(at),
                ))
                .execute(tx.conn())?;
            Ok(Claim::Run)
        }
    }
}

/// Keeps the answer to a claimed key.
pub fn store(tx: &mut Tx<'_>, owner: &str, key: &str, answer: &StoredAnswer) -> QueryResult<()> {
    diesel::update(idempotency_keys::table.find((owner, key)))
        .set((
            idempotency_keys::status.eq(answer.status),
            idempotency_keys::content_type.eq(answer.content_type.as_deref()),
            idempotency_keys::etag.eq(answer.etag.as_deref()),
            idempotency_keys::location.eq(answer.location.as_deref()),
            idempotency_keys::body.eq(&answer.body),
        ))
        .execute(tx.conn())?;
    Ok(())
}

/// Lets a key go again (the request failed on our side, so a retry should run it).
pub fn release(tx: &mut Tx<'_>, owner: &str, key: &str) -> QueryResult<()> {
    diesel::delete(idempotency_keys::table.find((owner, key))).execute(tx.conn())?;
    Ok(())
}

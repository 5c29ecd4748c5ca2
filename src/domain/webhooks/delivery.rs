//! Sending what the fan-out queued: claiming due deliveries under a lease, the signature
//! a receiver checks, the retry schedule, and recording an attempt (which may disable the
//! subscription). The HTTP request itself is the worker's (`crate::worker`), over
//! `crate::outbound`.
//!
//! A delivery is claimed by a lease (`locked_until`) taken under `FOR UPDATE SKIP LOCKED`,
//! so two instances never send one event at once. Delivery is at least once: an instance
//! that dies after sending but before recording the answer leaves the lease to expire, and
//! the event is sent again. Receivers de-duplicate on the event id, which names the change
//! (`evt_{position}`): it is the same in every retry, every replay and every subscription
//! that receives that change.

use std::time::Duration;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::Settings;
use super::rules::PING;
use super::storage::{Delivery, DeliveryStatus, find, resource};
use crate::db::schema::{webhook_deliveries, webhook_subscriptions};
use crate::db::{AnyConnection, Conn, Tx, Writes};
use crate::domain::Error;
use crate::domain::audit::{self, ChangeAction};
use crate::domain::{Actor, now};

/// The longest wait between two attempts.
pub const MAX_BACKOFF: Duration = Duration::from_secs(3600);
/// How long a receiver has to answer.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// What a delivery that got no HTTP answer records, whatever the cause (refused, timed
/// out, unknown name, failed handshake, internal address): telling them apart would let an
/// admin's webhook probe which hosts and ports the server can reach. The log says which.
pub const UNDELIVERED: &str = "the target did not accept the delivery";
/// How long a claimed delivery stays with the instance that claimed it. Longer than a
/// few sends, so that another instance does not take it over while it is being sent.
pub const LEASE: Duration = Duration::from_secs(60);
/// Deliveries claimed per step, at most. Also the most subscriptions one instance's worker
/// sends to at once, one send each (`crate::worker`).
pub const CLAIM_BATCH: i64 = 50;

/// `Thidua-Signature`: `v1=` and the hex HMAC-SHA256, keyed with the subscription's
/// secret (its UTF-8 bytes, as shown), of `{timestamp}.{body}`. The timestamp is the
/// `Thidua-Timestamp` header, so a receiver can refuse old messages replayed at it.
pub fn signature(secret: &str, timestamp: i64, body: &str) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    format!("v1={}", hex::encode(mac.finalize().into_bytes()))
}

/// The wait after the `failed`-th failed attempt: the base, doubled each time, capped.
pub fn backoff(failed: i32, base: Duration) -> Duration {
    let doublings = failed.clamp(1, 31) as u32 - 1;
    base.checked_mul(1 << doublings)
        .unwrap_or(MAX_BACKOFF)
        .min(MAX_BACKOFF)
}

/// After `attempts` attempts, the last failed: when to try again, or `None` to give up.
pub fn retry_after(attempts: i32, settings: &Settings) -> Option<Duration> {
    (attempts < settings.max_attempts).then(|| backoff(attempts, settings.retry_base))
}

/// What one attempt came to.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The receiver answered 2xx.
    Delivered { status: u16 },
    /// Any other answer (`status`), or none at all.
    Failed { status: Option<u16>, error: String },
}

/// Why a subscription was disabled, as admins read it.
pub fn disabled_reason(failures: i32, last_error: &str, url: &str) -> String {
    format!("{failures} consecutive failed deliveries; last: {last_error} from {url}")
}

/// A delivery taken by this instance until `lease_until`, with what sending it needs.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: String,
    pub subscription_id: String,
    pub url: String,
    pub secret: String,
    pub event_id: String,
    pub event_type: String,
    pub payload: String,
    pub attempts: i32,
    /// The lease: written as `locked_until`, and checked when the outcome is recorded, so
    /// an instance whose lease ran out cannot overwrite the work of the one that took over.
    pub lease_until: NaiveDateTime,
}

/// Claims up to `limit` due deliveries, oldest due first, for `LEASE`, none of the
/// subscriptions in `busy`: the worker is still sending to those, and their next delivery
/// must wait until the one before it is done (delivered, or scheduled for retry). On
/// PostgreSQL `SKIP LOCKED` lets instances claiming together take different rows.
/// Deliveries of disabled subscriptions wait, pings excepted.
pub fn claim_due(conn: &mut Conn, busy: &[String], limit: i64) -> Result<Vec<Claimed>, Error> {
    if limit <= 0 {
        return Ok(Vec::new());
    }
    let at = now();
    let due = || {
        webhook_deliveries::table
            .filter(webhook_deliveries::status.eq(DeliveryStatus::Pending.as_str()))
            .filter(webhook_deliveries::subscription_id.ne_all(busy))
            .filter(webhook_deliveries::next_attempt_at.le(at))
            .filter(
                webhook_deliveries::locked_until
                    .is_null()
                    .or(webhook_deliveries::locked_until.lt(at)),
            )
            .filter(
                webhook_deliveries::subscription_id
                    .eq_any(
                        webhook_subscriptions::table
                            .filter(webhook_subscriptions::active.eq(true))
                            .select(webhook_subscriptions::id),
                    )
                    .or(webhook_deliveries::event_type.eq(PING)),
            )
            .order((
                webhook_deliveries::next_attempt_at,
                webhook_deliveries::position,
                webhook_deliveries::id,
            ))
            .limit(limit)
            .select(webhook_deliveries::id)
    };
    // Idle steps stay read-only: on SQLite a write transaction would take the lock.
    if due().first::<String>(conn.conn()).optional()?.is_none() {
        return Ok(Vec::new());
    }
    conn.write(|tx| {
        let ids: Vec<String> = match tx.conn() {
            AnyConnection::Postgresql(c) => due().for_update().skip_locked().load(c)?,
            AnyConnection::Sqlite(c) => due().load(c)?,
        };
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let lease_until = at + chrono::Duration::from_std(LEASE).map_err(Error::internal)?;
        diesel::update(webhook_deliveries::table.filter(webhook_deliveries::id.eq_any(&ids)))
            .set(webhook_deliveries::locked_until.eq(lease_until))
            .execute(tx.conn())?;
        let rows: Vec<Delivery> = webhook_deliveries::table
            .filter(webhook_deliveries::id.eq_any(&ids))
            .select(Delivery::as_select())
            .load(tx.conn())?;
        let sub_ids: Vec<&str> = rows.iter().map(|d| d.subscription_id.as_str()).collect();
        let subs: Vec<(String, String, String)> = webhook_subscriptions::table
            .filter(webhook_subscriptions::id.eq_any(sub_ids))
            .select((
                webhook_subscriptions::id,
                webhook_subscriptions::url,
                webhook_subscriptions::secret,
            ))
            .load(tx.conn())?;
        // In the order claimed, which is the order due.
        Ok(ids
            .iter()
            .filter_map(|id| rows.iter().find(|d| &d.id == id))
            .filter_map(|d| {
                let (_, url, secret) = subs.iter().find(|s| s.0 == d.subscription_id)?;
                Some(Claimed {
                    id: d.id.clone(),
                    subscription_id: d.subscription_id.clone(),
                    url: url.clone(),
                    secret: secret.clone(),
                    event_id: d.event_id.clone(),
                    event_type: d.event_type.clone(),
                    payload: d.payload.clone(),
                    attempts: d.attempts,
                    lease_until,
                })
            })
            .collect())
    })
}

/// Hands claimed deliveries back unsent (their turn comes at the next step).
pub fn release(conn: &mut impl Writes, claimed: &[Claimed]) -> QueryResult<()> {
    conn.write(|tx| {
        for d in claimed {
            diesel::update(
                webhook_deliveries::table
                    .find(&d.id)
                    .filter(webhook_deliveries::locked_until.eq(d.lease_until)),
            )
            .set(webhook_deliveries::locked_until.eq(None::<NaiveDateTime>))
            .execute(tx.conn())?;
        }
        Ok(())
    })
}

/// Records one attempt: delivered; or failed, to be retried after the backoff or given
/// up. Counts failures in a row on the subscription and disables it at the threshold,
/// recording why (an update in the audit log and the change feed). Nothing is recorded
/// when the lease was lost meanwhile: the instance that took over records its own.
pub fn record_outcome(
    tx: &mut Tx<'_>,
    claimed: &Claimed,
    outcome: &Outcome,
    settings: &Settings,
) -> Result<(), Error> {
    let at = now();
    let attempts = claimed.attempts + 1;
    let this = || {
        webhook_deliveries::table
            .find(&claimed.id)
            .filter(webhook_deliveries::locked_until.eq(claimed.lease_until))
    };
    match outcome {
        Outcome::Delivered { status } => {
            let updated = diesel::update(this())
                .set((
                    webhook_deliveries::status.eq(DeliveryStatus::Delivered.as_str()),
                    webhook_deliveries::attempts.eq(attempts),
                    webhook_deliveries::delivered_at.eq(at),
                    webhook_deliveries::last_status_code.eq(i32::from(*status)),
                    webhook_deliveries::last_error.eq(None::<String>),
                    webhook_deliveries::locked_until.eq(None::<NaiveDateTime>),
                ))
                .execute(tx.conn())?;
            if updated > 0 {
                diesel::update(
                    webhook_subscriptions::table
                        .find(&claimed.subscription_id)
                        .filter(webhook_subscriptions::consecutive_failures.ne(0)),
                )
                .set(webhook_subscriptions::consecutive_failures.eq(0))
                .execute(tx.conn())?;
            }
        }
        Outcome::Failed { status, error } => {
            let (status_text, next_at) = match retry_after(attempts, settings) {
                Some(wait) => (
                    DeliveryStatus::Pending,
                    at + chrono::Duration::from_std(wait).map_err(Error::internal)?,
                ),
                None => (DeliveryStatus::Failed, at),
            };
            let updated = diesel::update(this())
                .set((
                    webhook_deliveries::status.eq(status_text.as_str()),
                    webhook_deliveries::attempts.eq(attempts),
                    webhook_deliveries::next_attempt_at.eq(next_at),
                    webhook_deliveries::last_status_code.eq(status.map(i32::from)),
                    webhook_deliveries::last_error.eq(error),
                    webhook_deliveries::locked_until.eq(None::<NaiveDateTime>),
                ))
                .execute(tx.conn())?;
            if updated == 0 {
                return Ok(());
            }
            let (failures, active): (i32, bool) =
                diesel::update(webhook_subscriptions::table.find(&claimed.subscription_id))
                    .set(
                        webhook_subscriptions::consecutive_failures
                            .eq(webhook_subscriptions::consecutive_failures + 1),
                    )
                    .returning((
                        webhook_subscriptions::consecutive_failures,
                        webhook_subscriptions::active,
                    ))
                    .get_result(tx.conn())?;
            if active && failures >= settings.disable_after {
                disable(tx, &claimed.subscription_id, failures, error, &claimed.url)?;
            }
        }
    }
    Ok(())
}

fn disable(
    tx: &mut Tx<'_>,
    id: &str,
    failures: i32,
    last_error: &str,
    url: &str,
) -> Result<(), Error> {
    let Some(current) = find(tx, id)? else {
        return Ok(());
    };
    let mut next = current.clone();
    next.active = false;
    next.disabled_reason = Some(disabled_reason(failures, last_error, url));
    next.updated_at = now();
    next.version += 1;
    diesel::update(webhook_subscriptions::table.find(id))
        .set((
            webhook_subscriptions::active.eq(false),
            webhook_subscriptions::disabled_reason.eq(&next.disabled_reason),
            webhook_subscriptions::updated_at.eq(next.updated_at),
            webhook_subscriptions::version.eq(next.version),
        ))
        .execute(tx.conn())?;
    log::warn!(
        "webhook {id} disabled: {}",
        next.disabled_reason.as_deref().unwrap_or_default()
    );
    // No user acted: the audit row names none.
    audit::record_change(
        tx,
        &Actor::default(),
        ChangeAction::Updated,
        resource(&next),
        Some(&current),
        Some(&next),
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_is_hmac_sha256_over_timestamp_and_body() {
        // Computed independently: HMAC-SHA256("whsec_test", "1700000000.{\"id\":\"evt_1\"}").
        assert_eq!(
            signature("whsec_test", 1_700_000_000, r#"{"id":"evt_1"}"#),
            "v1=c89214b5b5da833daed6f0b8c5bb6bd58cea9022bd80ccc78230f3942d632925"
        );
        assert_ne!(
            signature("whsec_test", 1_700_000_001, r#"{"id":"evt_1"}"#),
            signature("whsec_test", 1_700_000_000, r#"{"id":"evt_1"}"#)
        );
    }

    #[test]
    fn retries_back_off_and_give_up() {
        let s = Settings {
            retry_base: Duration::from_secs(10),
            max_attempts: 4,
            ..Settings::default()
        };
        assert_eq!(retry_after(1, &s), Some(Duration::from_secs(10)));
        assert_eq!(retry_after(2, &s), Some(Duration::from_secs(20)));
        assert_eq!(retry_after(3, &s), Some(Duration::from_secs(40)));
        assert_eq!(retry_after(4, &s), None);
        assert_eq!(backoff(30, s.retry_base), MAX_BACKOFF);
        assert_eq!(
            backoff(1000, Duration::from_secs(u64::MAX / 2)),
            MAX_BACKOFF
        );
        assert_eq!(
            disabled_reason(20, "HTTP 500", "https://hooks.example.vn/"),
            "20 consecutive failed deliveries; last: HTTP 500 from https://hooks.example.vn/"
        );
    }
}

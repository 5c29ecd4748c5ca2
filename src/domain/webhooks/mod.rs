//! Webhooks: the change feed pushed to other systems over HTTP(S).
//!
//! A subscription names a URL and the event types it wants (`{resource_type}.{action}`,
//! with `*` and `evidence.*` wildcards). The worker (`crate::worker`) turns feed changes
//! past each subscription's `cursor` into `webhook_deliveries` rows (an outbox), then
//! sends them signed, retrying with backoff, and disables a subscription whose receiver
//! keeps failing.
//!
//! Each part is a file of its own, its items re-exported here: `rules.rs`, what a
//! subscription may name (URLs, addresses, event types) as plain functions;
//! `storage.rs`, the subscriptions, the delivery rows and the fan-out that writes them;
//! `delivery.rs`, claiming, signing and recording an attempt.

mod delivery;
mod rules;
mod storage;

pub use delivery::{
    CLAIM_BATCH, Claimed, LEASE, MAX_BACKOFF, Outcome, TIMEOUT, UNDELIVERED, backoff, claim_due,
    disabled_reason, record_outcome, release, retry_after, signature,
};
pub use rules::{
    HostPattern, MAX_EVENT_TYPES, MAX_URL_LEN, PING, Refusal, check_event_types, check_url,
    event_type, is_public, may_connect, parse_allowed_hosts, wants,
};
pub use storage::{
    Delivery, DeliveryStatus, FAN_OUT_BATCH, NewSubscription, PAYLOAD_VERSION, Subscription,
    SubscriptionChanges, change_payload, create, deliveries, event_id, fan_out, find, list,
    pending_deliveries, ping, replay, update,
};

use std::time::Duration;

/// How webhooks are sent, from the `THIDUA_WEBHOOK_*` variables.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// When set, the only hosts a webhook may target. When unset, any host but internal
    /// IP literals and `localhost`. Either way, a connection goes only to a public address
    /// or to an internal one the list names as an address or network (see `may_connect`).
    pub allowed_hosts: Option<Vec<HostPattern>>,
    /// The first retry's delay; each further retry doubles it, up to `MAX_BACKOFF`.
    pub retry_base: Duration,
    /// Attempts of one delivery before it is given up (`failed`).
    pub max_attempts: i32,
    /// Failed attempts in a row, across deliveries, that disable a subscription.
    pub disable_after: i32,
    /// How often the worker looks for work.
    pub tick: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            allowed_hosts: None,
            retry_base: Duration::from_secs(10),
            max_attempts: 10,
            disable_after: 20,
            tick: Duration::from_millis(250),
        }
    }
}

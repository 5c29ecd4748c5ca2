//! Webhook subscriptions, kept by admins: registering and changing them, their delivery
//! log, replaying the feed from a position and pinging a receiver. (Whether a URL's name
//! resolves to an internal address is asked of the network before any of these runs.)

use crate::db::{AnyConnection, Tx, Writes};
use crate::domain::access::Principal;
use crate::domain::webhooks::{
    self, Delivery, DeliveryStatus, NewSubscription, Settings, Subscription, SubscriptionChanges,
};
use crate::domain::{Actor, Error, PageRequest, audit, policy};

/// A webhook's changes: each field left out (`None`) stays.
#[derive(Default)]
pub struct WebhookChanges {
    pub name: Option<String>,
    pub url: Option<String>,
    pub event_types: Option<Vec<String>>,
    /// `true` re-enables a disabled webhook.
    pub active: Option<bool>,
}

/// One page of the webhooks.
pub fn list(
    conn: &mut AnyConnection,
    who: &Principal,
    page: PageRequest,
) -> Result<(Vec<Subscription>, i64), Error> {
    admin(who)?;
    Ok(webhooks::list(conn, page)?)
}

/// Register a webhook that receives the changes committed after it; it comes back with
/// its signing secret, shown this once. The committed changes are sealed into the feed
/// first, outside the write.
pub fn create(
    conn: &mut impl Writes,
    who: &Principal,
    actor: &Actor,
    new: NewSubscription,
    settings: &Settings,
) -> Result<(Subscription, String), Error> {
    admin(who)?;
    let new = NewSubscription {
        name: new.name.trim().to_string(),
        ..new
    };
    // A new subscription starts after every change committed before it.
    audit::seal_committed(conn)?;
    conn.write(|tx| webhooks::create(tx, actor, new, settings))
}

/// A webhook.
pub fn get(conn: &mut AnyConnection, who: &Principal, id: &str) -> Result<Subscription, Error> {
    admin(who)?;
    existing(conn, id)
}

/// Change a webhook's name, URL or event types, or disable or re-enable it.
pub fn update(
    tx: &mut Tx<'_>,
    who: &Principal,
    actor: &Actor,
    id: &str,
    version: i64,
    changes: WebhookChanges,
    settings: &Settings,
) -> Result<Subscription, Error> {
    admin(who)?;
    let changes = SubscriptionChanges {
        name: changes.name.map(|n| n.trim().to_string()),
        url: changes.url,
        event_types: changes.event_types,
        active: changes.active,
        rotate_secret: false,
    };
    let current = existing(tx, id)?;
    let (sub, _) = webhooks::update(tx, actor, current, version, changes, settings)?;
    Ok(sub)
}

/// Issue a webhook a new signing secret; it comes back with the secret, shown this once.
pub fn rotate_secret(
    tx: &mut Tx<'_>,
    who: &Principal,
    actor: &Actor,
    id: &str,
    version: i64,
    settings: &Settings,
) -> Result<(Subscription, String), Error> {
    admin(who)?;
    let changes = SubscriptionChanges {
        rotate_secret: true,
        ..Default::default()
    };
    let current = existing(tx, id)?;
    let (sub, secret) = webhooks::update(tx, actor, current, version, changes, settings)?;
    Ok((sub, secret.unwrap_or_default()))
}

/// One page of a webhook's delivery log, newest first.
pub fn deliveries(
    conn: &mut AnyConnection,
    who: &Principal,
    id: &str,
    status: Option<DeliveryStatus>,
    page: PageRequest,
) -> Result<(Vec<Delivery>, i64), Error> {
    admin(who)?;
    existing(conn, id)?;
    Ok(webhooks::deliveries(conn, id, status, page)?)
}

/// Deliver again every matching change after feed position `after`.
pub fn replay(
    tx: &mut Tx<'_>,
    who: &Principal,
    actor: &Actor,
    id: &str,
    after: i64,
) -> Result<Subscription, Error> {
    admin(who)?;
    webhooks::replay(tx, actor, id, after)
}

/// Queue a `ping` to a webhook's receiver (also when it is disabled).
pub fn ping(tx: &mut Tx<'_>, who: &Principal, actor: &Actor, id: &str) -> Result<Delivery, Error> {
    admin(who)?;
    let sub = existing(tx, id)?;
    webhooks::ping(tx, actor, &sub)
}

/// Webhooks are the admins' to keep (the routes' `Admin` extractor checked it first).
fn admin(who: &Principal) -> Result<(), Error> {
    policy::ensure(who.is_admin())
}

fn existing(conn: &mut AnyConnection, id: &str) -> Result<Subscription, Error> {
    webhooks::find(conn, id)?.ok_or_else(|| Error::not_found("webhook"))
}

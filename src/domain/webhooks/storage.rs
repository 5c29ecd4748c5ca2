//! The rows of webhooks: subscriptions (made, changed and replayed by admins), their
//! delivery log, and the fan-out step that writes a subscription's deliveries.
//!
//! Several instances may share one PostgreSQL database: the fan-out of a subscription runs
//! with its row locked (`FOR UPDATE`), so no event is fanned out twice by two instances.
//! On SQLite the write lock serialises the same steps.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::Settings;
use super::rules::{PING, check_event_types, check_url, event_type, wants};
use crate::db::schema::{webhook_deliveries, webhook_subscriptions};
use crate::db::{AnyConnection, Conn, Tx, Writes};
use crate::domain::Error;
use crate::domain::audit::{self, ChangeAction, Resource, ResourceKind};
use crate::domain::feed::{self, Change};
use crate::domain::{
    Actor, PageRequest, changed_meanwhile, ensure_version, new_id, now, text_enum,
};
use crate::ids::UserId;
use crate::secrets::random_bytes;

// Subscriptions -----------------------------------------------------------------------

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = webhook_subscriptions)]
pub struct Subscription {
    pub id: String,
    pub name: String,
    pub url: String,
    /// Never serialised: the audit log must not carry it either.
    #[serde(skip)]
    pub secret: String,
    /// A JSON array of strings.
    pub event_types: String,
    pub active: bool,
    pub disabled_reason: Option<String>,
    pub consecutive_failures: i32,
    pub cursor: i64,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

impl Subscription {
    pub fn event_types(&self) -> Vec<String> {
        serde_json::from_str(&self.event_types).unwrap_or_default()
    }
}

pub(super) fn resource(s: &Subscription) -> Resource<'_> {
    Resource {
        kind: ResourceKind::WebhookSubscription,
        id: s.id.as_str(),
        version: s.version,
    }
}

/// 256 random bits, shown once and kept to sign with.
fn new_secret() -> String {
    format!("whsec_{}", URL_SAFE_NO_PAD.encode(random_bytes::<32>()))
}

fn types_json(types: &[String]) -> String {
    serde_json::to_string(types).unwrap_or_else(|_| "[]".into())
}

/// Checks the URL and event types of a new or changed subscription.
fn checked(
    url: Option<&str>,
    event_types: Option<&[String]>,
    settings: &Settings,
) -> Result<(Option<String>, Option<Vec<String>>), Error> {
    let url = url
        .map(|u| check_url(u, settings.allowed_hosts.as_deref()))
        .transpose()?
        .map(String::from);
    let types = event_types
        .map(check_event_types)
        .transpose()
        .map_err(|(i, m)| Error::invalid(&format!("event_types[{i}]"), "format", m))?;
    Ok((url, types))
}

pub fn find(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<Subscription>> {
    webhook_subscriptions::table
        .find(id)
        .select(Subscription::as_select())
        .get_result(conn)
        .optional()
}

/// The subscription, its row locked until the transaction ends on PostgreSQL, so two
/// instances cannot move its cursor at once. SQLite's write lock already serialises.
fn lock(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<Subscription>> {
    let query = webhook_subscriptions::table.find(id);
    match conn {
        AnyConnection::Postgresql(c) => query
            .for_update()
            .select(Subscription::as_select())
            .first(c)
            .optional(),
        AnyConnection::Sqlite(c) => query.select(Subscription::as_select()).first(c).optional(),
    }
}

pub fn list(conn: &mut AnyConnection, page: PageRequest) -> QueryResult<(Vec<Subscription>, i64)> {
    let total = webhook_subscriptions::table.count().get_result(conn)?;
    let items = webhook_subscriptions::table
        .order((webhook_subscriptions::created_at, webhook_subscriptions::id))
        .offset(page.offset())
        .limit(page.per_page)
        .select(Subscription::as_select())
        .load(conn)?;
    Ok((items, total))
}

/// What a new subscription is made of.
#[derive(Debug, Clone)]
pub struct NewSubscription {
    pub name: String,
    pub url: String,
    pub event_types: Vec<String>,
}

/// Makes a subscription that receives the changes from now on (its cursor starts at the
/// feed's head); returns it with its secret, shown this once. Checks come first, so a
/// refused URL writes nothing.
pub fn create(
    tx: &mut Tx<'_>,
    actor: &Actor,
    new: NewSubscription,
    settings: &Settings,
) -> Result<(Subscription, String), Error> {
    let (url, types) = checked(Some(&new.url), Some(&new.event_types), settings)?;
    let at = now();
    let sub = Subscription {
        id: new_id(),
        name: new.name,
        url: url.unwrap_or_default(),
        secret: new_secret(),
        event_types: types_json(&types.unwrap_or_default()),
        active: true,
        disabled_reason: None,
        consecutive_failures: 0,
        cursor: audit::data_version(tx)?,
        created_by: actor.user_id.clone(),
        created_at: at,
        updated_at: at,
        version: 1,
    };
    diesel::insert_into(webhook_subscriptions::table)
        .values((
            webhook_subscriptions::id.eq(&sub.id),
            webhook_subscriptions::name.eq(&sub.name),
            webhook_subscriptions::url.eq(&sub.url),
            webhook_subscriptions::secret.eq(&sub.secret),
            webhook_subscriptions::event_types.eq(&sub.event_types),
            webhook_subscriptions::active.eq(true),
            webhook_subscriptions::consecutive_failures.eq(0),
            webhook_subscriptions::cursor.eq(sub.cursor),
            webhook_subscriptions::created_by.eq(&sub.created_by),
            webhook_subscriptions::created_at.eq(at),
            webhook_subscriptions::updated_at.eq(at),
            webhook_subscriptions::version.eq(1i64),
        ))
        .execute(tx.conn())?;
    audit::record_change(
        tx,
        actor,
        ChangeAction::Created,
        resource(&sub),
        None,
        Some(&sub),
    )?;
    let secret = sub.secret.clone();
    Ok((sub, secret))
}

/// What an admin may change of a subscription.
#[derive(Debug, Clone, Default)]
pub struct SubscriptionChanges {
    pub name: Option<String>,
    pub url: Option<String>,
    pub event_types: Option<Vec<String>>,
    /// `true` re-enables a disabled subscription: its failures are forgotten.
    pub active: Option<bool>,
    /// Issue a new secret; deliveries are signed with it from the next attempt on.
    pub rotate_secret: bool,
}

/// Applies changes under If-Match; returns the subscription and, when rotated, its new
/// secret.
pub fn update(
    tx: &mut Tx<'_>,
    actor: &Actor,
    current: Subscription,
    expected_version: i64,
    changes: SubscriptionChanges,
    settings: &Settings,
) -> Result<(Subscription, Option<String>), Error> {
    let (url, types) = checked(
        changes.url.as_deref(),
        changes.event_types.as_deref(),
        settings,
    )?;
    ensure_version(current.version, expected_version)?;
    let mut next = current.clone();
    if let Some(name) = changes.name {
        next.name = name;
    }
    if let Some(url) = url {
        next.url = url;
    }
    if let Some(types) = types {
        next.event_types = types_json(&types);
    }
    if let Some(active) = changes.active {
        if active && !current.active {
            next.disabled_reason = None;
            next.consecutive_failures = 0;
        }
        next.active = active;
    }
    let secret = changes.rotate_secret.then(|| {
        next.secret = new_secret();
        next.secret.clone()
    });
    next.updated_at = now();
    next.version += 1;
    diesel::update(
        webhook_subscriptions::table
            .find(&current.id)
            .filter(webhook_subscriptions::version.eq(current.version)),
    )
    .set((
        webhook_subscriptions::name.eq(&next.name),
        webhook_subscriptions::url.eq(&next.url),
        webhook_subscriptions::secret.eq(&next.secret),
        webhook_subscriptions::event_types.eq(&next.event_types),
        webhook_subscriptions::active.eq(next.active),
        webhook_subscriptions::disabled_reason.eq(&next.disabled_reason),
        webhook_subscriptions::updated_at.eq(next.updated_at),
        webhook_subscriptions::version.eq(next.version),
    ))
    .returning(webhook_subscriptions::id)
    .get_result::<String>(tx.conn())
    .map_err(changed_meanwhile)?;
    if next.consecutive_failures != current.consecutive_failures {
        // Only here: the worker counts failures without a new version.
        diesel::update(webhook_subscriptions::table.find(&current.id))
            .set(webhook_subscriptions::consecutive_failures.eq(0))
            .execute(tx.conn())?;
    }
    audit::record_change(
        tx,
        actor,
        ChangeAction::Updated,
        resource(&next),
        Some(&current),
        Some(&next),
    )?;
    Ok((next, secret))
}

/// Moves the cursor back (or forward) to `after`: the changes after it are delivered
/// again, with the event ids they had. The cursor is the worker's, so this makes no new
/// version; the audit log records who asked.
pub fn replay(tx: &mut Tx<'_>, actor: &Actor, id: &str, after: i64) -> Result<Subscription, Error> {
    let mut sub = lock(tx, id)?.ok_or_else(|| Error::not_found("webhook"))?;
    feed::check_cursor(tx, after)?;
    diesel::update(webhook_subscriptions::table.find(id))
        .set(webhook_subscriptions::cursor.eq(after))
        .execute(tx.conn())?;
    audit::record_event_with(
        tx,
        actor,
        "replay",
        ResourceKind::WebhookSubscription,
        id,
        &serde_json::json!({"after": after, "cursor_was": sub.cursor}),
    )?;
    sub.cursor = after;
    Ok(sub)
}

// Deliveries --------------------------------------------------------------------------

text_enum! {
    /// Where a delivery stands.
    pub enum DeliveryStatus {
        /// Waiting for its first or next attempt.
        Pending => "pending",
        /// The receiver answered 2xx.
        Delivered => "delivered",
        /// Given up after the last attempt.
        Failed => "failed",
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = webhook_deliveries)]
pub struct Delivery {
    pub id: String,
    pub subscription_id: String,
    pub event_id: String,
    pub event_type: String,
    pub position: Option<i64>,
    pub payload: String,
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub locked_until: Option<NaiveDateTime>,
    pub last_status_code: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub delivered_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = webhook_deliveries)]
struct NewDelivery {
    id: String,
    subscription_id: String,
    event_id: String,
    event_type: String,
    position: Option<i64>,
    payload: String,
    status: &'static str,
    attempts: i32,
    next_attempt_at: NaiveDateTime,
    created_at: NaiveDateTime,
}

impl NewDelivery {
    fn due_now(
        subscription_id: &str,
        event_id: String,
        event_type: String,
        position: Option<i64>,
        payload: String,
        at: NaiveDateTime,
    ) -> Self {
        NewDelivery {
            id: new_id(),
            subscription_id: subscription_id.to_string(),
            event_id,
            event_type,
            position,
            payload,
            status: DeliveryStatus::Pending.as_str(),
            attempts: 0,
            next_attempt_at: at,
            created_at: at,
        }
    }
}

fn rfc3339(t: NaiveDateTime) -> String {
    t.and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// The id of the event a feed change makes: the same for every delivery of that change.
pub fn event_id(position: i64) -> String {
    format!("evt_{position}")
}

/// The version of the bodies webhooks send (`payload_version`): raised when a field
/// changes meaning or goes away, so a receiver can tell which shape it reads. Fields may be
/// added without raising it.
pub const PAYLOAD_VERSION: u32 = 1;

/// The body sent for a feed change. It tells what changed, not the data: receivers read
/// the resource with their own credentials, so a webhook cannot leak what they may not see.
pub fn change_payload(change: &Change) -> (String, String) {
    let id = event_id(change.position);
    let kind = event_type(&change.resource_type, &change.action);
    let body = serde_json::json!({
        "id": id,
        "type": kind,
        "payload_version": PAYLOAD_VERSION,
        "created_at": rfc3339(change.at),
        "data": {
            "position": change.position,
            "resource_type": change.resource_type,
            "resource_id": change.resource_id,
            "action": change.action,
            "version": change.version,
        },
    });
    (id, body.to_string())
}

/// Queues a `ping` for the subscription, due at once. It is sent even to a disabled
/// subscription, so a fixed receiver can be tried before the subscription is enabled.
pub fn ping(tx: &mut Tx<'_>, actor: &Actor, sub: &Subscription) -> Result<Delivery, Error> {
    let at = now();
    let id = format!("ping_{}", uuid::Uuid::now_v7().simple());
    let body = serde_json::json!({
        "id": id,
        "type": PING,
        "payload_version": PAYLOAD_VERSION,
        "created_at": rfc3339(at),
        "data": {"subscription_id": sub.id},
    })
    .to_string();
    let row = NewDelivery::due_now(&sub.id, id, PING.into(), None, body, at);
    diesel::insert_into(webhook_deliveries::table)
        .values(&row)
        .execute(tx.conn())?;
    audit::record_event(
        tx,
        actor,
        "ping",
        ResourceKind::WebhookSubscription,
        &sub.id,
    )?;
    Ok(find_delivery(tx, &row.id)?)
}

fn find_delivery(conn: &mut AnyConnection, id: &str) -> QueryResult<Delivery> {
    webhook_deliveries::table
        .find(id)
        .select(Delivery::as_select())
        .get_result(conn)
}

/// A subscription's delivery log, newest first.
pub fn deliveries(
    conn: &mut AnyConnection,
    subscription_id: &str,
    status: Option<DeliveryStatus>,
    page: PageRequest,
) -> QueryResult<(Vec<Delivery>, i64)> {
    let query = || {
        let mut q = webhook_deliveries::table
            .filter(webhook_deliveries::subscription_id.eq(subscription_id.to_string()))
            .into_boxed();
        if let Some(s) = status {
            q = q.filter(webhook_deliveries::status.eq(s.as_str()));
        }
        q
    };
    let total = query().count().get_result(conn)?;
    let items = query()
        .order((
            webhook_deliveries::created_at.desc(),
            webhook_deliveries::id.desc(),
        ))
        .offset(page.offset())
        .limit(page.per_page)
        .select(Delivery::as_select())
        .load(conn)?;
    Ok((items, total))
}

// Fan-out -----------------------------------------------------------------------------

/// Feed changes read per subscription and step.
pub const FAN_OUT_BATCH: i64 = 500;

/// The outbox step: for each active subscription behind the feed's head, turns the next
/// changes after its cursor into deliveries and moves the cursor past them. Returns the
/// deliveries made. An idle step only reads.
pub fn fan_out(conn: &mut Conn) -> Result<usize, Error> {
    audit::seal_committed(conn)?;
    let head = audit::data_version(conn)?;
    let behind: Vec<String> = webhook_subscriptions::table
        .filter(webhook_subscriptions::active.eq(true))
        .filter(webhook_subscriptions::cursor.lt(head))
        .order(webhook_subscriptions::id)
        .select(webhook_subscriptions::id)
        .load(conn.conn())?;
    let mut made = 0;
    for id in behind {
        made += conn.write(|tx| fan_out_one(tx, &id))?;
    }
    Ok(made)
}

/// One subscription's next batch, with its row locked: a second instance waits, then
/// finds the cursor already moved.
fn fan_out_one(tx: &mut Tx<'_>, id: &str) -> Result<usize, Error> {
    let Some(sub) = lock(tx, id)? else {
        return Ok(0);
    };
    if !sub.active {
        return Ok(0);
    }
    let (changes, head) = feed::read(tx, sub.cursor, FAN_OUT_BATCH, &[])?;
    if changes.is_empty() && sub.cursor == head {
        return Ok(0);
    }
    let patterns = sub.event_types();
    let at = now();
    let rows: Vec<NewDelivery> = changes
        .iter()
        .filter(|c| wants(&patterns, &event_type(&c.resource_type, &c.action)))
        .map(|c| {
            let (event_id, payload) = change_payload(c);
            let kind = event_type(&c.resource_type, &c.action);
            NewDelivery::due_now(&sub.id, event_id, kind, Some(c.position), payload, at)
        })
        .collect();
    // A short batch read everything up to the head.
    let cursor = match changes.last() {
        Some(last) if changes.len() as i64 == FAN_OUT_BATCH => last.position,
        _ => head,
    };
    if !rows.is_empty() {
        crate::on_backend!(tx, |c| diesel::insert_into(webhook_deliveries::table)
            .values(&rows)
            .execute(c))?;
    }
    diesel::update(webhook_subscriptions::table.find(id))
        .set(webhook_subscriptions::cursor.eq(cursor))
        .execute(tx.conn())?;
    Ok(rows.len())
}

/// Deliveries waiting for their first or next attempt, due or not (the backlog metric):
/// one count over the `(status, next_attempt_at)` index.
pub fn pending_deliveries(conn: &mut AnyConnection) -> QueryResult<i64> {
    webhook_deliveries::table
        .filter(webhook_deliveries::status.eq(DeliveryStatus::Pending.as_str()))
        .count()
        .get_result(conn)
}

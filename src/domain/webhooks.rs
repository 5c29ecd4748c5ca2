//! Webhooks: the change feed pushed to other systems over HTTP(S).
//!
//! A subscription names a URL and the event types it wants (`{resource_type}.{action}`,
//! with `*` and `evidence.*` wildcards). The worker (`crate::worker`) turns feed changes
//! past each subscription's `cursor` into `webhook_deliveries` rows (an outbox), then
//! sends them signed, retrying with backoff, and disables a subscription whose receiver
//! keeps failing.
//!
//! Several instances may share one PostgreSQL database: the fan-out of a subscription runs
//! with its row locked (`FOR UPDATE`), and a delivery is claimed by a lease
//! (`locked_until`) taken under `FOR UPDATE SKIP LOCKED`, so no event is fanned out or
//! sent twice by two instances. On SQLite the write lock serialises the same steps.
//!
//! Delivery is at least once: an instance that dies after sending but before recording
//! the answer leaves the lease to expire, and the event is sent again. Receivers
//! de-duplicate on the event id, which names the change (`evt_{position}`): it is the same
//! in every retry, every replay and every subscription that receives that change.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use hmac::{Hmac, Mac};
use ipnet::IpNet;
use serde::Serialize;
use sha2::Sha256;
use url::{Host, Url};

use crate::db::schema::{webhook_deliveries, webhook_subscriptions};
use crate::db::{AnyConnection, Conn, Tx, Writes};
use crate::domain::Error;
use crate::domain::audit::{self, ChangeAction, Resource, ResourceKind};
use crate::domain::feed::{self, Change};
use crate::domain::{
    Actor, PageRequest, changed_meanwhile, ensure_version, new_id, now, text_enum,
};
use crate::secrets::random_bytes;

// Settings --------------------------------------------------------------------------

/// How webhooks are sent, from the `THIDUA_WEBHOOK_*` variables.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// When set, the only hosts a webhook may target. When unset, any host but internal
    /// IP literals and `localhost`. Either way, a connection goes only to a public address
    /// or to an internal one the list names as an address or network (see `may_connect`).
    pub allowed_hosts: Option<Vec<HostPattern>>,
    /// How names are turned into addresses: the system's resolver. Not read from the
    /// environment; the tests give their own, to point names at their receivers. Whatever it
    /// answers passes `may_connect` before a connection is made, so no resolver can widen
    /// what webhooks reach.
    pub resolver: crate::outbound::Resolver,
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
            resolver: crate::outbound::Resolver::System,
            retry_base: Duration::from_secs(10),
            max_attempts: 10,
            disable_after: 20,
            tick: Duration::from_millis(250),
        }
    }
}

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

// Rules: target URLs ----------------------------------------------------------------

/// One entry of the allow-list: a host name, an IP address, `*.example.vn` (any name
/// below `example.vn`, not `example.vn` itself), or a network such as `10.20.0.0/16`.
#[derive(Debug, Clone, PartialEq)]
pub enum HostPattern {
    Name(String),
    Below(String),
    Ip(IpAddr),
    Network(IpNet),
}

impl HostPattern {
    pub fn parse(text: &str) -> Result<HostPattern, String> {
        let text = text.trim().trim_end_matches('.');
        let bare = text.trim_start_matches('[').trim_end_matches(']');
        if let Ok(ip) = bare.parse::<IpAddr>() {
            return Ok(HostPattern::Ip(ip));
        }
        if let Ok(net) = bare.parse::<IpNet>() {
            // `10.0.0.0/8`, never `10.1.2.3/8`: a typo there would list a whole network.
            if net.network() != net.addr() {
                return Err(format!(
                    "'{text}' is not a network: its address has bits past /{}, did you mean {}?",
                    net.prefix_len(),
                    net.trunc()
                ));
            }
            return Ok(HostPattern::Network(net));
        }
        let (below, name) = match text.strip_prefix("*.") {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        // The same parsing as target URLs get, so `Hà-Tĩnh.vn` matches its punycode.
        match Host::parse(name) {
            Ok(Host::Domain(d)) if !d.is_empty() && !d.contains('*') && !d.contains('/') => {
                Ok(if below {
                    HostPattern::Below(d)
                } else {
                    HostPattern::Name(d)
                })
            }
            _ => Err(format!(
                "'{text}' is not a host name, an IP address, a network or *.domain"
            )),
        }
    }

    fn matches(&self, host: &Host<&str>) -> bool {
        match (self, host) {
            (HostPattern::Ip(_) | HostPattern::Network(_), Host::Ipv4(v4)) => {
                self.lists_address(IpAddr::V4(*v4))
            }
            (HostPattern::Ip(_) | HostPattern::Network(_), Host::Ipv6(v6)) => {
                self.lists_address(IpAddr::V6(*v6))
            }
            (HostPattern::Name(n), Host::Domain(d)) => d.trim_end_matches('.') == n,
            (HostPattern::Below(n), Host::Domain(d)) => d
                .trim_end_matches('.')
                .strip_suffix(n.as_str())
                .is_some_and(|head| head.len() > 1 && head.ends_with('.')),
            _ => false,
        }
    }

    /// Whether this entry names `ip` itself: an address entry equal to it, or a network
    /// holding it. Compared as written: `127.0.0.1` does not list `::ffff:127.0.0.1`.
    fn lists_address(&self, ip: IpAddr) -> bool {
        match self {
            HostPattern::Ip(listed) => *listed == ip,
            HostPattern::Network(net) => net.contains(&ip),
            HostPattern::Name(_) | HostPattern::Below(_) => false,
        }
    }
}

/// Reads a comma-separated allow-list; an empty one allows nothing.
pub fn parse_allowed_hosts(text: &str) -> Result<Vec<HostPattern>, String> {
    text.split(',')
        .filter(|t| !t.trim().is_empty())
        .map(HostPattern::parse)
        .collect()
}

/// Why a URL is refused, for a 422 on `url`.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub code: &'static str,
    pub message: String,
}

impl From<Refusal> for Error {
    fn from(r: Refusal) -> Self {
        Error::invalid("url", r.code, r.message)
    }
}

fn refuse(code: &'static str, message: impl Into<String>) -> Refusal {
    Refusal {
        code,
        message: message.into(),
    }
}

pub const MAX_URL_LEN: usize = 2000;

/// Checks a webhook target and returns it normalised. Only `http` and `https`, without
/// user name or password (a secret in a URL ends up in logs). With an allow-list, only
/// its hosts. Without one, IP literals that are not public (`is_public`) and `localhost`
/// are refused, so webhooks cannot be pointed at this server's own network (SSRF).
///
/// A DNS name is not resolved here: what it resolves to is checked on every connection
/// (`crate::outbound`), where the answer cannot change between the check and its use.
pub fn check_url(raw: &str, allowed: Option<&[HostPattern]>) -> Result<Url, Refusal> {
    let raw = raw.trim();
    if raw.len() > MAX_URL_LEN {
        return Err(refuse(
            "length",
            format!("must be at most {MAX_URL_LEN} characters"),
        ));
    }
    let url = Url::parse(raw).map_err(|e| refuse("format", format!("is not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(refuse("scheme", "must be an http:// or https:// URL"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(refuse(
            "userinfo",
            "must not hold a user name or password; receivers check the signature instead",
        ));
    }
    let host = url.host().ok_or_else(|| refuse("format", "has no host"))?;
    let allowed_here = match allowed {
        Some(patterns) => patterns.iter().any(|p| p.matches(&host)),
        None => !internal(&host),
    };
    if !allowed_here {
        return Err(refuse(
            "host_not_allowed",
            match allowed {
                Some(_) => format!("{host} is not among the hosts webhooks may be sent to"),
                None => format!("{host} is an internal address; webhooks go to public hosts"),
            },
        ));
    }
    Ok(url)
}

fn internal(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(d) => {
            let d = d.trim_end_matches('.');
            d == "localhost" || d.ends_with(".localhost")
        }
        Host::Ipv4(ip) => !is_public(IpAddr::V4(*ip)),
        Host::Ipv6(ip) => !is_public(IpAddr::V6(*ip)),
    }
}

/// Whether a webhook may open a connection to `ip`: a public address always; an internal
/// one only when the allow-list names that address (or a network holding it). A listed
/// *name* lists none of its addresses, so a name the operator trusts cannot be pointed at
/// an internal address by whoever controls its DNS.
pub fn may_connect(ip: IpAddr, allowed: Option<&[HostPattern]>) -> bool {
    is_public(ip) || allowed.is_some_and(|list| list.iter().any(|p| p.lists_address(ip)))
}

/// IPv4 networks that are not the public internet (RFC 6890 and the IANA special-purpose
/// registry), with the reason each is refused.
const NOT_PUBLIC_V4: [(Ipv4Addr, u8, &str); 16] = [
    (
        Ipv4Addr::new(0, 0, 0, 0),
        8,
        "this network; 0.0.0.0 reaches this host",
    ),
    (Ipv4Addr::new(10, 0, 0, 0), 8, "private"),
    (
        Ipv4Addr::new(100, 64, 0, 0),
        10,
        "carrier-grade NAT, a provider's inside",
    ),
    (Ipv4Addr::new(127, 0, 0, 0), 8, "loopback"),
    (
        Ipv4Addr::new(169, 254, 0, 0),
        16,
        "link-local, cloud metadata services",
    ),
    (Ipv4Addr::new(172, 16, 0, 0), 12, "private"),
    (Ipv4Addr::new(192, 0, 0, 0), 24, "IETF protocol assignments"),
    (Ipv4Addr::new(192, 0, 2, 0), 24, "documentation"),
    (Ipv4Addr::new(192, 88, 99, 0), 24, "6to4 relays, deprecated"),
    (Ipv4Addr::new(192, 168, 0, 0), 16, "private"),
    (
        Ipv4Addr::new(198, 18, 0, 0),
        15,
        "benchmarking, lab networks",
    ),
    (Ipv4Addr::new(198, 51, 100, 0), 24, "documentation"),
    (Ipv4Addr::new(203, 0, 113, 0), 24, "documentation"),
    (Ipv4Addr::new(224, 0, 0, 0), 4, "multicast"),
    (Ipv4Addr::new(240, 0, 0, 0), 4, "reserved"),
    (Ipv4Addr::new(255, 255, 255, 255), 32, "broadcast"),
];

/// IPv6 networks inside global unicast (2000::/3) that are not the public internet.
const NOT_PUBLIC_V6: [(Ipv6Addr, u8, &str); 3] = [
    // Teredo (2001::/32), benchmarking (2001:2::/48), ORCHID and other protocol space.
    (
        Ipv6Addr::new(0x2001, 0, 0, 0, 0, 0, 0, 0),
        23,
        "IETF protocol assignments",
    ),
    (
        Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0),
        32,
        "documentation",
    ),
    (
        Ipv6Addr::new(0x3fff, 0, 0, 0, 0, 0, 0, 0),
        20,
        "documentation",
    ),
];

/// Whether `ip` is an address of the public internet, which webhooks may reach without
/// being listed. Everything else (loopback, private, link-local, carrier-grade NAT,
/// reserved, multicast, documentation and benchmarking ranges) could be this server's own
/// network, so a webhook there would let an admin's URL probe or reach it (SSRF).
///
/// IPv6 is public only inside global unicast (2000::/3): unique-local, site-local,
/// link-local, multicast, IPv4-compatible and the discard prefix all lie outside it.
/// Addresses that carry an IPv4 address are judged by it: IPv4-mapped (`::ffff:a.b.c.d`,
/// which a dual-stack socket connects to as that IPv4 address), NAT64 (64:ff9b::/96, which
/// a DNS64 resolver hands out for every IPv4-only name) and 6to4 (2002::/16).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => !NOT_PUBLIC_V4
            .iter()
            .any(|(net, len, _)| prefix_v4(v4, *len) == prefix_v4(*net, *len)),
        IpAddr::V6(v6) => {
            let bits = u128::from(v6);
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            // NAT64's well-known prefix: the IPv4 address is the last 32 bits.
            if bits >> 32 == 0x0064_ff9b_0000_0000_0000_0000 {
                return is_public(IpAddr::V4(Ipv4Addr::from(bits as u32)));
            }
            // 6to4: the IPv4 address follows the 16-bit prefix.
            if bits >> 112 == 0x2002 {
                return is_public(IpAddr::V4(Ipv4Addr::from((bits >> 80) as u32)));
            }
            let global_unicast = bits >> 125 == 0b001;
            global_unicast
                && !NOT_PUBLIC_V6
                    .iter()
                    .any(|(net, len, _)| prefix_v6(v6, *len) == prefix_v6(*net, *len))
        }
    }
}

fn prefix_v4(ip: Ipv4Addr, len: u8) -> u32 {
    u32::from(ip).checked_shr(32 - u32::from(len)).unwrap_or(0)
}

fn prefix_v6(ip: Ipv6Addr, len: u8) -> u128 {
    u128::from(ip)
        .checked_shr(128 - u32::from(len))
        .unwrap_or(0)
}

// Rules: event types ----------------------------------------------------------------

/// The actions of the change feed.
pub const ACTIONS: [&str; 3] = ["created", "updated", "archived"];
/// The event a ping sends; delivered whatever the subscription's event types.
pub const PING: &str = "ping";
pub const MAX_EVENT_TYPES: usize = 50;

/// The event type of a feed change: `evidence.created`.
pub fn event_type(resource_type: &str, action: &str) -> String {
    format!("{resource_type}.{action}")
}

/// Checks the event types of a subscription: `*`, `{resource_type}.*` or
/// `{resource_type}.{action}`. Returns them trimmed and without repeats, or the index and
/// the reason of the first bad one. Resource types are checked for their form only: the
/// feed's set of types grows with the service.
pub fn check_event_types(items: &[String]) -> Result<Vec<String>, (usize, String)> {
    if items.is_empty() || items.len() > MAX_EVENT_TYPES {
        return Err((
            0,
            format!("list 1 to {MAX_EVENT_TYPES} event types, such as org_unit.* or *"),
        ));
    }
    let mut out: Vec<String> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let item = item.trim();
        let valid = item == "*"
            || item.split_once('.').is_some_and(|(resource, action)| {
                let mut chars = resource.chars();
                chars.next().is_some_and(|c| c.is_ascii_lowercase())
                    && resource.len() <= 50
                    && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                    && (action == "*" || ACTIONS.contains(&action))
            });
        if !valid {
            return Err((
                i,
                format!(
                    "'{item}' is not an event type: use *, resource.* or resource.action \
                     with an action of {}",
                    ACTIONS.join(", ")
                ),
            ));
        }
        if !out.iter().any(|o| o == item) {
            out.push(item.to_string());
        }
    }
    Ok(out)
}

/// Whether a subscription with these patterns wants this event type.
pub fn wants(patterns: &[String], event_type: &str) -> bool {
    patterns.iter().any(|p| {
        p == "*"
            || p == event_type
            || p.strip_suffix('*')
                .is_some_and(|prefix| prefix.ends_with('.') && event_type.starts_with(prefix))
    })
}

// Rules: signing and retrying -------------------------------------------------------

/// The id of the event a feed change makes: the same for every delivery of that change.
pub fn event_id(position: i64) -> String {
    format!("evt_{position}")
}

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

// Storage: subscriptions ------------------------------------------------------------

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
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

impl Subscription {
    pub fn event_types(&self) -> Vec<String> {
        serde_json::from_str(&self.event_types).unwrap_or_default()
    }
}

fn resource(s: &Subscription) -> Resource<'_> {
    Resource {
        kind: ResourceKind::WebhookSubscription,
        id: &s.id,
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

// Storage: deliveries ---------------------------------------------------------------

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
    pub status: String,
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

/// The body sent for a feed change. It tells what changed, not the data: receivers read
/// the resource with their own credentials, so a webhook cannot leak what they may not see.
pub fn change_payload(change: &Change) -> (String, String) {
    let id = event_id(change.position);
    let kind = event_type(&change.resource_type, &change.action);
    let body = serde_json::json!({
        "id": id,
        "type": kind,
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

// The worker's steps ----------------------------------------------------------------

/// Feed changes read per subscription and step.
pub const FAN_OUT_BATCH: i64 = 500;
/// Deliveries claimed per step.
pub const CLAIM_BATCH: i64 = 50;

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

/// Deliveries waiting for their first or next attempt, due or not (the backlog metric):
/// one count over the `(status, next_attempt_at)` index.
pub fn pending_deliveries(conn: &mut AnyConnection) -> QueryResult<i64> {
    webhook_deliveries::table
        .filter(webhook_deliveries::status.eq(DeliveryStatus::Pending.as_str()))
        .count()
        .get_result(conn)
}

/// Claims up to `CLAIM_BATCH` due deliveries, oldest due first, for `LEASE`. On
/// PostgreSQL `SKIP LOCKED` lets instances claiming together take different rows.
/// Deliveries of disabled subscriptions wait, pings excepted.
pub fn claim_due(conn: &mut Conn) -> Result<Vec<Claimed>, Error> {
    let at = now();
    let due = || {
        webhook_deliveries::table
            .filter(webhook_deliveries::status.eq(DeliveryStatus::Pending.as_str()))
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
            .limit(CLAIM_BATCH)
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

    fn allow(list: &str) -> Vec<HostPattern> {
        parse_allowed_hosts(list).unwrap()
    }

    fn code(url: &str, allowed: Option<&[HostPattern]>) -> &'static str {
        check_url(url, allowed)
            .map(|_| "ok")
            .unwrap_or_else(|r| r.code)
    }

    #[test]
    fn only_http_and_https_without_credentials() {
        assert_eq!(code("https://hooks.example.vn/thidua", None), "ok");
        assert_eq!(code("http://hooks.example.vn:8080/x?y=1", None), "ok");
        assert_eq!(code("ftp://hooks.example.vn/", None), "scheme");
        assert_eq!(code("file:///etc/passwd", None), "scheme");
        assert_eq!(code("javascript:alert(1)", None), "scheme");
        assert_eq!(code("hooks.example.vn/x", None), "format");
        assert_eq!(code("https://", None), "format");
        assert_eq!(code("https://user:pw@hooks.example.vn/", None), "userinfo");
        assert_eq!(code("https://user@hooks.example.vn/", None), "userinfo");
        let long = format!("https://hooks.example.vn/{}", "a".repeat(MAX_URL_LEN));
        assert_eq!(code(&long, None), "length");
        // Stored normalised.
        assert_eq!(
            check_url(" HTTPS://Hooks.Example.VN/a ", None)
                .unwrap()
                .as_str(),
            "https://hooks.example.vn/a"
        );
    }

    #[test]
    fn internal_addresses_are_refused_without_an_allow_list() {
        for url in [
            "http://127.0.0.1/",
            "http://127.8.9.10:9000/",
            "http://10.0.0.1/",
            "http://172.16.5.4/",
            "http://192.168.1.1/",
            "http://169.254.169.254/latest/meta-data",
            "http://0.0.0.0/",
            "http://100.64.0.1/",
            "http://198.18.0.1/",
            "http://240.0.0.1/",
            "http://255.255.255.255/",
            "http://[64:ff9b::7f00:1]/",
            "http://[2002:7f00:1::1]/",
            "http://[2001::1]/",
            "http://[::1]/",
            "http://[::]/",
            "http://[fd00::1]/",
            "http://[fe80::1]/",
            "http://[::ffff:127.0.0.1]/",
            "http://[::ffff:10.1.2.3]/",
            "http://localhost:8080/",
            "http://LOCALHOST./",
            "http://api.localhost/",
            // Browsers' number forms of 127.0.0.1, which the URL parser reads as such.
            "http://2130706433/",
            "http://0x7f.1/",
        ] {
            assert_eq!(code(url, None), "host_not_allowed", "{url}");
        }
        for url in [
            "https://8.8.8.8/",
            "https://[2001:4860:4860::8888]/",
            "https://dichvucong.gov.vn/hook",
            "https://172.32.0.1/",
        ] {
            assert_eq!(code(url, None), "ok", "{url}");
        }
    }

    #[test]
    fn an_allow_list_admits_only_its_hosts() {
        let list = allow("127.0.0.1, hooks.example.vn, *.tinh.gov.vn, [::1]");
        let list = Some(list.as_slice());
        assert_eq!(code("http://127.0.0.1:5000/hook", list), "ok");
        assert_eq!(code("http://[::1]/", list), "ok");
        assert_eq!(code("https://HOOKS.example.vn/", list), "ok");
        assert_eq!(code("https://a.tinh.gov.vn/", list), "ok");
        assert_eq!(code("https://b.a.tinh.gov.vn./", list), "ok");
        assert_eq!(code("https://tinh.gov.vn/", list), "host_not_allowed");
        assert_eq!(code("https://xtinh.gov.vn/", list), "host_not_allowed");
        assert_eq!(code("http://10.0.0.1/", list), "host_not_allowed");
        assert_eq!(code("http://127.0.0.2/", list), "host_not_allowed");
        assert_eq!(code("https://other.example.vn/", list), "host_not_allowed");
        // The scheme rule holds whatever the list.
        assert_eq!(code("ftp://127.0.0.1/", list), "scheme");
        // An empty list allows nothing.
        let none = allow(" , ");
        assert_eq!(
            code("https://hooks.example.vn/", Some(&none)),
            "host_not_allowed"
        );
        assert!(parse_allowed_hosts("*.").is_err());
        assert!(parse_allowed_hosts("a b").is_err());
        assert!(parse_allowed_hosts("*.*.vn").is_err());
    }

    /// Every range `is_public` refuses, at its edges, and public addresses beside them.
    #[test]
    fn public_addresses_are_told_from_internal_ones() {
        let internal = [
            "0.0.0.0",
            "0.255.255.255",
            "10.0.0.1",
            "10.255.255.255",
            "100.64.0.1",
            "100.127.255.255",
            "127.0.0.1",
            "127.255.255.254",
            "169.254.169.254",
            "172.16.0.1",
            "172.31.255.255",
            "192.0.0.8",
            "192.0.2.1",
            "192.88.99.1",
            "192.168.1.1",
            "198.18.0.1",
            "198.19.255.255",
            "198.51.100.7",
            "203.0.113.9",
            "224.0.0.1",
            "239.255.255.250",
            "240.0.0.1",
            "254.255.255.255",
            "255.255.255.255",
            "::",
            "::1",
            // IPv4-compatible (deprecated) and IPv4-mapped, judged by their IPv4 address.
            "::127.0.0.1",
            "::8.8.8.8",
            "::ffff:127.0.0.1",
            "::ffff:10.1.2.3",
            "::ffff:169.254.169.254",
            "::ffff:0:127.0.0.1",
            // NAT64: the well-known prefix judged by its IPv4 address, the local-use one refused.
            "64:ff9b::127.0.0.1",
            "64:ff9b::a00:1",
            "64:ff9b:1::808:808",
            "100::1",
            "2001::1",
            "2001:0:4136:e378:8000:63bf:3fff:fdd2",
            "2001:2::1",
            "2001:1ff:ffff::1",
            "2001:db8::1",
            "3fff::1",
            // 6to4, judged by its IPv4 address.
            "2002:7f00:1::1",
            "2002:a00:1::1",
            "2002:c0a8:101::1",
            "5f00::1",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "febf::1",
            "fec0::1",
            "ff02::1",
            "ff0e::1",
        ];
        for ip in internal {
            assert!(!is_public(ip.parse().unwrap()), "{ip} is internal");
        }
        let public = [
            "1.1.1.1",
            "8.8.8.8",
            "9.255.255.255",
            "11.0.0.1",
            "100.63.255.255",
            "100.128.0.1",
            "126.255.255.255",
            "128.0.0.1",
            "169.253.255.255",
            "172.15.255.255",
            "172.32.0.1",
            "192.0.1.1",
            "192.167.255.255",
            "192.169.0.1",
            "198.17.255.255",
            "198.20.0.1",
            "223.255.255.255",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
            "2002:808:808::1",
            "2001:200::1",
            "2001:4860:4860::8888",
            "2404:6800:4005:80a::200e",
            "2a00:1450:4001::1",
            "3ffe:ffff::1",
        ];
        for ip in public {
            assert!(is_public(ip.parse().unwrap()), "{ip} is public");
        }
    }

    /// An internal address is reached only when the allow-list names it; a listed name
    /// lists none of its addresses.
    #[test]
    fn connections_to_internal_addresses_need_the_address_listed() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let list = allow("hooks.tinh.gov.vn, 127.0.0.1, 10.20.0.0/16, fd00:1::/32");
        let list = Some(list.as_slice());
        for (address, allowed, expected) in [
            ("8.8.8.8", None, true),
            ("127.0.0.1", None, false),
            ("8.8.8.8", list, true),
            ("127.0.0.1", list, true),
            ("127.0.0.2", list, false),
            ("::ffff:127.0.0.1", list, false),
            ("10.20.3.4", list, true),
            ("10.21.0.1", list, false),
            ("fd00:1:2::3", list, true),
            ("fd00:2::3", list, false),
            ("169.254.169.254", list, false),
        ] {
            assert_eq!(may_connect(ip(address), allowed), expected, "{address}");
        }
        let names_only = allow("hooks.tinh.gov.vn, *.tinh.gov.vn");
        assert!(!may_connect(ip("127.0.0.1"), Some(&names_only)));
        assert!(may_connect(ip("203.162.4.190"), Some(&names_only)));
    }

    #[test]
    fn an_allow_list_may_hold_networks() {
        let list = allow("10.20.0.0/16, fd00::/8");
        let list = Some(list.as_slice());
        assert_eq!(code("http://10.20.1.2:8080/hook", list), "ok");
        assert_eq!(code("http://[fd00::5]/hook", list), "ok");
        assert_eq!(code("http://10.21.0.1/hook", list), "host_not_allowed");
        assert_eq!(code("http://hooks.example.vn/", list), "host_not_allowed");
        // A network written with host bits is a typo, not a network.
        let err = parse_allowed_hosts("10.20.0.1/16").unwrap_err();
        assert!(err.contains("10.20.0.0/16"), "{err}");
        assert!(parse_allowed_hosts("10.0.0.0/33").is_err());
    }

    #[test]
    fn event_types_and_wildcards() {
        let types =
            |v: &[&str]| check_event_types(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(
            types(&["org_unit.*", " evidence.created", "org_unit.*"]).unwrap(),
            ["org_unit.*", "evidence.created"]
        );
        assert!(types(&["*"]).is_ok());
        assert_eq!(types(&[]).unwrap_err().0, 0);
        assert_eq!(types(&["plan.created", "org-unit.*"]).unwrap_err().0, 1);
        for bad in [
            "evidence",
            "evidence.deleted",
            "*.created",
            "Evidence.created",
            "ping",
            "evidence.*.x",
            ".created",
        ] {
            assert!(types(&[bad]).is_err(), "{bad}");
        }
        let p = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(wants(&p(&["*"]), "evidence.created"));
        assert!(wants(&p(&["evidence.*"]), "evidence.archived"));
        assert!(!wants(&p(&["evidence.*"]), "evidence_history.created"));
        assert!(wants(&p(&["plan.updated"]), "plan.updated"));
        assert!(!wants(&p(&["plan.updated"]), "plan.created"));
        assert_eq!(event_type("org_unit", "created"), "org_unit.created");
    }

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

//! The audit log and the change feed, written inside the transaction of every write.

use std::path::Path;
use std::sync::OnceLock;

use diesel::prelude::*;
use hmac::{Hmac, Mac};
use serde::Serialize;

use crate::db::{AnyConnection, ChangeSet, Tx, Writes};
use sha2::{Digest, Sha256};

use crate::db::schema::{audit_log, change_events, ledger_head};
use crate::domain::catalogue::catalogue;
use crate::domain::{Actor, now};
use crate::ids::UserId;
use crate::on_backend;

/// What a write did to a resource, as the change feed tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeAction {
    Created,
    Updated,
    /// Gone from use: a tombstone for a copy kept elsewhere.
    Archived,
    /// Replaced by a newer version that a `created` of the same kind brings, and kept,
    /// still readable, for what points at it (an amended criterion and its evidence).
    Superseded,
}

impl ChangeAction {
    pub const ALL: [ChangeAction; 4] = [
        ChangeAction::Created,
        ChangeAction::Updated,
        ChangeAction::Archived,
        ChangeAction::Superseded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ChangeAction::Created => "created",
            ChangeAction::Updated => "updated",
            ChangeAction::Archived => "archived",
            ChangeAction::Superseded => "superseded",
        }
    }
}

/// Declares the kinds of resource once: the enum, `ALL` and their stored names.
macro_rules! resource_kinds {
    ($($kind:ident => $name:literal,)+) => {
        /// The kinds of resource the audit log and the change feed name.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum ResourceKind {
            $($kind,)+
        }

        impl ResourceKind {
            /// Every kind, in the order declared.
            pub const ALL: &'static [ResourceKind] = &[$(ResourceKind::$kind,)+];

            /// As stored in `audit_log.resource_type` and `change_events.resource_type`,
            /// and read by the feed's clients: stable.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ResourceKind::$kind => $name,)+
                }
            }
        }
    };
}

resource_kinds! {
    OrgUnit => "org_unit",
    Staff => "staff",
    User => "user",
    Session => "session",
    ApiClient => "api_client",
    WebhookSubscription => "webhook_subscription",
    LegalDocument => "legal_document",
    Movement => "movement",
    Plan => "plan",
    Criterion => "criterion",
    RegistrationDeadline => "registration_deadline",
    Registration => "registration",
    Evidence => "evidence",
    LearningRecords => "learning_records",
    Bloc => "bloc",
    RuleSet => "rule_set",
    BaseSalary => "base_salary",
    Holiday => "holiday",
    UnitHoliday => "unit_holiday",
    Initiative => "initiative",
    Discipline => "discipline",
    Nomination => "nomination",
    Council => "council",
    CouncilSession => "council_session",
    Disclosure => "disclosure",
    DisclosureFeedback => "disclosure_feedback",
    AwardDecision => "award_decision",
    Award => "award",
    BenchData => "bench_data",
}

impl ResourceKind {
    /// Whether its changes go to the change feed (and so to webhooks): the kinds of the
    /// catalogue — every kind but the audit-only events (a login, an import as a whole, the
    /// benchmark's data), whose effects are changes of their own kinds.
    pub fn in_feed(self) -> bool {
        catalogue().iter().any(|e| e.kind == self)
    }

    /// The resource types the change feed names, in a stable order.
    pub fn feed_types() -> impl Iterator<Item = &'static str> {
        Self::ALL
            .iter()
            .copied()
            .filter(|k| k.in_feed())
            .map(ResourceKind::as_str)
    }

    /// Whether a change of this kind changes who may do what: a session's caller is read
    /// from accounts, sessions and the unit tree (`sessions::principal`), so copies of it
    /// expire when one of them is written.
    pub fn affects_access(self) -> bool {
        matches!(
            self,
            ResourceKind::User | ResourceKind::Session | ResourceKind::OrgUnit
        )
    }
}

/// A resource as the audit log and the change feed name it.
pub struct Resource<'a> {
    pub kind: ResourceKind,
    pub id: &'a str,
    pub version: i64,
}

fn to_json<T: Serialize>(value: Option<&T>) -> Option<String> {
    value.and_then(|v| serde_json::to_string(v).ok())
}

/// Records a change of a resource: an audit row (with before and after) and a change event.
pub fn record_change<T: Serialize>(
    conn: &mut Tx<'_>,
    actor: &Actor,
    action: ChangeAction,
    resource: Resource<'_>,
    before: Option<&T>,
    after: Option<&T>,
) -> QueryResult<()> {
    debug_assert!(
        catalogue()
            .iter()
            .any(|e| e.kind == resource.kind && e.fires.iter().any(|(a, _)| *a == action)),
        "{:?} {:?} is not in the event catalogue (domain::catalogue)",
        resource.kind,
        action
    );
    let at = now();
    record(
        conn,
        at,
        actor,
        action.as_str(),
        resource.kind,
        resource.id,
        to_json(before),
        to_json(after),
    )?;
    let event = diesel::insert_into(change_events::table).values((
        change_events::at.eq(at),
        change_events::resource_type.eq(resource.kind.as_str()),
        change_events::resource_id.eq(resource.id),
        change_events::action.eq(action.as_str()),
        change_events::version.eq(resource.version),
    ));
    on_backend!(conn, |c| event.execute(c))?;
    Ok(())
}

/// Records an event that changes no published resource (a login, a password change).
pub fn record_event(
    conn: &mut Tx<'_>,
    actor: &Actor,
    action: &str,
    kind: ResourceKind,
    id: &str,
) -> QueryResult<()> {
    record(conn, now(), actor, action, kind, id, None, None)
}

/// Records an event with what it did (a bulk import, whose rows each have their own
/// change event).
pub fn record_event_with<T: Serialize>(
    conn: &mut Tx<'_>,
    actor: &Actor,
    action: &str,
    kind: ResourceKind,
    id: &str,
    after: &T,
) -> QueryResult<()> {
    record(
        conn,
        now(),
        actor,
        action,
        kind,
        id,
        None,
        to_json(Some(after)),
    )
}

#[expect(clippy::too_many_arguments, reason = "one column each")]
fn record(
    conn: &mut Tx<'_>,
    at: chrono::NaiveDateTime,
    actor: &Actor,
    action: &str,
    kind: ResourceKind,
    id: &str,
    before: Option<String>,
    after: Option<String>,
) -> QueryResult<()> {
    // Copies of what a session's caller is read from expire once this write commits.
    if kind.affects_access() {
        conn.changed(ChangeSet::ACCESS);
    }
    let kind = kind.as_str();
    // The MAC is made here, in the write's own transaction, with a key the database does
    // not hold: a row that lacks a valid one was not written by the service.
    let mac = installed_key()?.sign(&RowContent {
        at,
        actor_id: actor.user_id.as_ref().map(UserId::as_str),
        request_id: actor.request_id.as_deref(),
        action,
        resource_type: kind,
        resource_id: id,
        before: before.as_deref(),
        after: after.as_deref(),
    });
    let row = diesel::insert_into(audit_log::table).values((
        audit_log::at.eq(at),
        audit_log::actor_id.eq(actor.user_id.as_ref()),
        audit_log::request_id.eq(actor.request_id.as_deref()),
        audit_log::action.eq(action),
        audit_log::resource_type.eq(kind),
        audit_log::resource_id.eq(id),
        audit_log::before.eq(before),
        audit_log::after.eq(after),
        audit_log::mac.eq(mac),
    ));
    on_backend!(conn, |c| row.execute(c))?;
    Ok(())
}

/// The key of the audit rows' MACs: `THIDUA_AUDIT_KEY`, or `audit-key` in the data
/// directory. Instances sharing a database must share it, as they share the JWT secret.
#[derive(Clone, PartialEq, Eq)]
pub struct AuditKey(Vec<u8>);

/// The key file kept in the data directory when `THIDUA_AUDIT_KEY` is unset.
pub const KEY_FILE: &str = "audit-key";

impl AuditKey {
    pub fn new(secret: &[u8]) -> AuditKey {
        AuditKey(secret.to_vec())
    }

    /// The configured key, else the one kept in `data_dir/audit-key`, created with mode
    /// 0600 on first start.
    pub fn load(configured: Option<&str>, data_dir: &Path) -> Result<AuditKey, String> {
        if let Some(secret) = configured {
            return Ok(AuditKey::new(secret.as_bytes()));
        }
        crate::private_files::read_or_create_secret(&data_dir.join(KEY_FILE), 32, || {
            use base64::Engine;
            let mut bytes = [0u8; 48];
            rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
        })
        .map(AuditKey)
    }

    /// The configured or kept key, never a new one: checking the trail with a key the
    /// service never used would call every row forged.
    pub fn existing(configured: Option<&str>, data_dir: &Path) -> Result<AuditKey, String> {
        if let Some(secret) = configured {
            return Ok(AuditKey::new(secret.as_bytes()));
        }
        let path = data_dir.join(KEY_FILE);
        crate::private_files::read_secret(&path, 32)?
            .map(AuditKey)
            .ok_or_else(|| {
                format!(
                    "not set, and there is no {}: give the key the service uses",
                    path.display()
                )
            })
    }

    fn mac(&self, nonce: &str, row: &RowContent<'_>) -> Hmac<Sha256> {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes a key of any length");
        mac.update(b"thidua audit row v1");
        // Each field with its presence and length, so no two different rows read the same.
        let mut field = |value: Option<&str>| match value {
            None => mac.update(&[0]),
            Some(v) => {
                mac.update(&[1]);
                mac.update(&(v.len() as u64).to_be_bytes());
                mac.update(v.as_bytes());
            }
        };
        field(Some(nonce));
        field(Some(&row.at.format("%Y-%m-%dT%H:%M:%S%.6f").to_string()));
        field(row.actor_id);
        field(row.request_id);
        field(Some(row.action));
        field(Some(row.resource_type));
        field(Some(row.resource_id));
        field(row.before);
        field(row.after);
        mac
    }

    /// `<nonce>.<tag>`: the nonce (a UUIDv7, time-ordered so the unique index grows at
    /// its end) makes each MAC one of a kind, so a genuine row copied whole is refused.
    fn sign(&self, row: &RowContent<'_>) -> String {
        let nonce = uuid::Uuid::now_v7().simple().to_string();
        let tag = self.mac(&nonce, row).finalize().into_bytes();
        format!("{nonce}.{}", hex::encode(tag))
    }

    /// Whether `mac` is this key's MAC of the row (compared in constant time).
    fn verifies(&self, row: &RowContent<'_>, mac: Option<&str>) -> bool {
        let Some((nonce, tag)) = mac.and_then(|m| m.split_once('.')) else {
            return false;
        };
        let Ok(tag) = hex::decode(tag) else {
            return false;
        };
        self.mac(nonce, row).verify_slice(&tag).is_ok()
    }
}

/// The one key of this process. A process serves one trail; the key is set once at start
/// (`bootstrap`, the commands) rather than carried through every write, which reach
/// `record` from a hundred domain functions with only a connection.
static KEY: OnceLock<AuditKey> = OnceLock::new();

/// Sets this process's audit key. Apps started in one process (the tests) must bring the
/// same key: a second, different key is refused rather than silently ignored.
pub fn install_key(key: AuditKey) -> Result<(), String> {
    if *KEY.get_or_init(|| key.clone()) == key {
        Ok(())
    } else {
        Err("this process already keys its audit rows with another key".into())
    }
}

/// The installed key. Without one nothing is written (fail closed): an unkeyed row
/// would be refused by the sealer anyway.
fn installed_key() -> QueryResult<&'static AuditKey> {
    KEY.get().ok_or_else(|| {
        diesel::result::Error::QueryBuilderError(
            "no audit key installed (audit::install_key at start-up)".into(),
        )
    })
}

/// What an audit row's MAC covers: every column the service writes.
struct RowContent<'a> {
    at: chrono::NaiveDateTime,
    actor_id: Option<&'a str>,
    request_id: Option<&'a str>,
    action: &'a str,
    resource_type: &'a str,
    resource_id: &'a str,
    before: Option<&'a str>,
    after: Option<&'a str>,
}

/// Written in `hash` instead of a hash for a row the sealer refused to chain because its
/// MAC does not verify: it was not written by the service. It keeps the row out of later
/// seals (which look for rows without a hash) and tells the trail's readers what it is.
pub const NOT_WRITTEN_BY_SERVICE: &str = "not-written-by-the-service";

/// The migration that gives audit rows their MAC column.
const AUDIT_MAC_MIGRATION: &str = "20261207000012";

/// After migrations ran (`applied`, their versions): keys the rows written before keys
/// came in, in the one run that adds the MAC column — no state in the database can make
/// the service key rows again.
pub fn after_migrations(conn: &mut impl Writes, applied: &[String]) -> Result<(), String> {
    if applied.iter().any(|v| v == AUDIT_MAC_MIGRATION) {
        let keyed = key_rows_written_before_keys(conn)
            .map_err(|e| format!("cannot key the audit rows written before: {e}"))?;
        if keyed > 0 {
            log::info!("keyed {keyed} audit row(s) written before audit rows had MACs");
        }
    }
    Ok(())
}

/// Gives a MAC to every row that has none: the rows written before audit rows were keyed.
/// `after_migrations` runs it once, right after the migration that adds the column, so the
/// rows are vouched for as the chain vouched for them until then — their hashes still
/// cover them, so one edited before stays `altered` — and from then on every row of the
/// trail must carry a valid MAC: there is no unkeyed kind of row that a forger could
/// pass theirs off as, nor any flag in the database that would have the service key
/// rows again.
pub fn key_rows_written_before_keys(conn: &mut impl Writes) -> QueryResult<usize> {
    conn.write(|tx| {
        let conn = tx.conn();
        let mut keyed = 0;
        let mut after_id = 0i64;
        loop {
            let page: Vec<Entry> = audit_log::table
                .filter(audit_log::mac.is_null())
                .filter(audit_log::id.gt(after_id))
                .order(audit_log::id)
                .limit(VERIFY_PAGE)
                .select(Entry::as_select())
                .load(conn)?;
            let Some(last) = page.last() else { break };
            after_id = last.id;
            let key = installed_key()?;
            for entry in &page {
                diesel::update(audit_log::table.find(entry.id))
                    .set(audit_log::mac.eq(key.sign(&entry.content())))
                    .execute(conn)?;
            }
            keyed += page.len();
        }
        Ok(keyed)
    })
}

/// Seals what has been committed and not yet sealed: gives the change events their feed
/// positions and chains the audit rows onto the trail, in a transaction of its own.
///
/// Writes only append, so PostgreSQL commits them side by side; the ordering happens
/// here, under the row lock of `ledger_head`, one sealer at a time: the worker of every
/// instance each `cache::WATCH`, and every reader of the feed, the trail or the data
/// version just before it reads, so it sees every write committed before it. Positions
/// are given out contiguously after the head, so a reader never sees N+1 without N.
/// A transaction's events become visible at its commit all at once, and they are
/// numbered in the order they were written (`seq`), so an event comes after every event
/// committed before it was written — a write that waited for another transaction's row
/// lock writes its event after that commit, so one record's changes stay in commit order.
pub fn seal_committed(conn: &mut impl Writes) -> QueryResult<()> {
    // Only a connection that may begin a write seals: inside another transaction it
    // would hold the ledger lock to that one's end (and on SQLite fail to begin).
    if !has_unsealed(conn)? {
        return Ok(());
    }
    conn.write(seal)
}

/// Runs reads on one snapshot of the data (`db::snapshot`) beside the data version, so
/// figures computed by several queries agree with each other and with the version. The
/// version counts a write once it is sealed: what committed is sealed first, and when a
/// write committed between that seal and the snapshot, it seals and takes the snapshot
/// again — up to four times, then it reads anyway (under a steady stream of writes), and
/// the version may lag the figures by a few milliseconds of writes until the next seal.
pub fn sealed_snapshot<T, E>(
    conn: &mut impl Writes,
    f: impl FnOnce(&mut AnyConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    let mut f = Some(f);
    for attempt in 1.. {
        seal_committed(conn)?;
        let read = crate::db::snapshot(conn, |conn| {
            if attempt < 4 && has_unsealed(conn)? {
                return Ok(None);
            }
            let f = f.take().expect("read once");
            f(conn).map(Some)
        })?;
        if let Some(value) = read {
            return Ok(value);
        }
    }
    unreachable!("the fourth attempt reads")
}

/// Whether anything waits to be sealed (two lookups in partial indexes).
pub(crate) fn has_unsealed(conn: &mut AnyConnection) -> QueryResult<bool> {
    use diesel::dsl::exists;
    let events: bool = diesel::select(exists(
        change_events::table.filter(change_events::position.is_null()),
    ))
    .get_result(conn)?;
    if events {
        return Ok(true);
    }
    diesel::select(exists(audit_log::table.filter(audit_log::hash.is_null()))).get_result(conn)
}

fn seal(tx: &mut Tx<'_>) -> QueryResult<()> {
    // The lock first: each statement after it reads what was committed before it was
    // granted, so two sealers never number the same rows.
    let (feed_position, mut seq, mut prev_hash): (i64, i64, String) =
        diesel::update(ledger_head::table.find(1))
            .set(ledger_head::feed_position.eq(ledger_head::feed_position))
            .returning((
                ledger_head::feed_position,
                ledger_head::audit_seq,
                ledger_head::audit_hash,
            ))
            .get_result(tx.conn())?;
    // The base comes from our own database row, never from a client. The row count is
    // the number of events numbered, whatever committed since the lock.
    let numbered = diesel::sql_query(format!(
        "UPDATE change_events SET position = {feed_position} + ranked.n \
         FROM (SELECT seq, row_number() OVER (ORDER BY seq) AS n \
               FROM change_events WHERE position IS NULL) AS ranked \
         WHERE change_events.seq = ranked.seq"
    ))
    .execute(tx.conn())?;
    let new_entries: Vec<Entry> = audit_log::table
        .filter(audit_log::hash.is_null())
        .order(audit_log::id)
        .select(Entry::as_select())
        .load(tx.conn())?;
    // Only the service's own rows are chained: one put into the table behind its back
    // (no MAC, or one that does not match) is marked and left out, and verify reports it.
    let key = installed_key()?;
    let (new_entries, forged): (Vec<Entry>, Vec<Entry>) = new_entries
        .into_iter()
        .partition(|e| e.written_by_service(key));
    if !forged.is_empty() {
        for entry in &forged {
            log::warn!(
                "audit row {} was not written by the service: left out of the chain",
                entry.id
            );
        }
        diesel::update(audit_log::table.filter(audit_log::id.eq_any(forged.iter().map(|e| e.id))))
            .set(audit_log::hash.eq(NOT_WRITTEN_BY_SERVICE))
            .execute(tx.conn())?;
    }
    let mut links = Vec::with_capacity(new_entries.len());
    for entry in &new_entries {
        seq += 1;
        let hash = entry.hash(seq, &prev_hash);
        links.push(Link {
            id: entry.id,
            seq,
            prev_hash: std::mem::replace(&mut prev_hash, hash.clone()),
            hash,
        });
    }
    store_links(tx, &links)?;
    diesel::update(ledger_head::table.find(1))
        .set((
            ledger_head::feed_position.eq(feed_position + numbered as i64),
            ledger_head::audit_seq.eq(seq),
            ledger_head::audit_hash.eq(&prev_hash),
        ))
        .execute(tx.conn())?;
    Ok(())
}

/// An audit row's place in the chain.
struct Link {
    id: i64,
    seq: i64,
    prev_hash: String,
    hash: String,
}

fn store_links(tx: &mut Tx<'_>, links: &[Link]) -> QueryResult<()> {
    use diesel::sql_types::{Array, BigInt, Text};
    match tx.conn() {
        // One statement for the batch: a row at a time, each link cost PostgreSQL a parse,
        // a bind and an execute (~100 µs), a third of a core at 1 000 writes/s.
        AnyConnection::Postgresql(pg) if !links.is_empty() => {
            diesel::sql_query(
                "UPDATE audit_log SET chain_seq = link.seq, prev_hash = link.prev, \
                 hash = link.hash FROM unnest($1, $2, $3, $4) AS link(id, seq, prev, hash) \
                 WHERE audit_log.id = link.id",
            )
            .bind::<Array<BigInt>, _>(links.iter().map(|l| l.id).collect::<Vec<_>>())
            .bind::<Array<BigInt>, _>(links.iter().map(|l| l.seq).collect::<Vec<_>>())
            .bind::<Array<Text>, _>(links.iter().map(|l| &l.prev_hash).collect::<Vec<_>>())
            .bind::<Array<Text>, _>(links.iter().map(|l| &l.hash).collect::<Vec<_>>())
            .execute(pg)?;
        }
        AnyConnection::Postgresql(_) => {}
        // In process, a row at a time costs SQLite no round trip.
        AnyConnection::Sqlite(_) => {
            for link in links {
                diesel::update(audit_log::table.find(link.id))
                    .set((
                        audit_log::chain_seq.eq(link.seq),
                        audit_log::prev_hash.eq(&link.prev_hash),
                        audit_log::hash.eq(&link.hash),
                    ))
                    .execute(tx.conn())?;
            }
        }
    }
    Ok(())
}

/// The data's version: the newest position of the change feed. Every committed write moves
/// it once sealed (call `seal_committed` first to count the latest).
pub fn data_version(conn: &mut AnyConnection) -> QueryResult<i64> {
    ledger_head::table
        .find(1)
        .select(ledger_head::feed_position)
        .get_result(conn)
}

/// The ledger's head: (feed position, audit sequence). Every write moves it.
pub fn head(conn: &mut AnyConnection) -> QueryResult<(i64, i64)> {
    ledger_head::table
        .find(1)
        .select((ledger_head::feed_position, ledger_head::audit_seq))
        .get_result(conn)
}

/// An audit row as the hash chain covers it.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = audit_log)]
pub struct Entry {
    pub id: i64,
    pub at: chrono::NaiveDateTime,
    pub actor_id: Option<UserId>,
    pub request_id: Option<String>,
    pub action: String,
    pub resource_type: String,
    pub resource_id: String,
    pub before: Option<String>,
    pub after: Option<String>,
    /// `<nonce>.<tag>`, the HMAC the service made when it wrote the row.
    pub mac: Option<String>,
}

impl Entry {
    fn content(&self) -> RowContent<'_> {
        RowContent {
            at: self.at,
            actor_id: self.actor_id.as_ref().map(UserId::as_str),
            request_id: self.request_id.as_deref(),
            action: &self.action,
            resource_type: &self.resource_type,
            resource_id: &self.resource_id,
            before: self.before.as_deref(),
            after: self.after.as_deref(),
        }
    }

    /// Whether the row carries the MAC the service made when it wrote it. Every row has
    /// one since `key_rows_written_before_keys`, so a row without is not the service's.
    fn written_by_service(&self, key: &AuditKey) -> bool {
        key.verifies(&self.content(), self.mac.as_deref())
    }

    /// SHA-256 over the previous hash and every field, as one JSON array so no two
    /// different entries can read the same.
    fn hash(&self, chain_seq: i64, prev_hash: &str) -> String {
        let canonical = serde_json::json!([
            chain_seq,
            prev_hash,
            self.id,
            self.at.format("%Y-%m-%dT%H:%M:%S%.6f").to_string(),
            self.actor_id,
            self.request_id,
            self.action,
            self.resource_type,
            self.resource_id,
            self.before,
            self.after,
        ]);
        hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
    }
}

/// What is wrong with one place of the chain.
#[derive(Debug, Clone)]
pub struct ChainProblem {
    /// The audit row's id, when the problem is a row.
    pub id: Option<i64>,
    pub chain_seq: Option<i64>,
    /// `altered`, `missing`, `broken_link`, `unsealed`, `head_mismatch` or
    /// `not_written_by_service` (a row without the service's MAC: put into the table
    /// behind its back, or changed and rehashed; never chained).
    pub problem: String,
}

/// The result of checking the whole chain.
#[derive(Debug, Clone)]
pub struct ChainReport {
    pub ok: bool,
    /// Entries checked.
    pub entries: i64,
    /// The hash of the newest entry, as the head records it.
    pub head_hash: String,
    /// At most 100 problems, oldest first.
    pub problems: Vec<ChainProblem>,
}

const MAX_PROBLEMS: usize = 100;
const NOT_BY_SERVICE: &str = "not_written_by_service";

/// An entry with its place in the chain, its link and its hash, as stored.
type ChainedEntry = (Entry, Option<i64>, Option<String>, Option<String>);

fn note(problems: &mut Vec<ChainProblem>, id: Option<i64>, chain_seq: Option<i64>, problem: &str) {
    if problems.len() < MAX_PROBLEMS {
        problems.push(ChainProblem {
            id,
            chain_seq,
            problem: problem.into(),
        });
    }
}
const VERIFY_PAGE: i64 = 2_000;

/// Recomputes every hash of the audit trail, in chain order, in pages so memory stays flat.
/// An edited row no longer matches its hash; a removed row leaves a hole in `chain_seq`
/// and a link that points at nothing; a removed newest row disagrees with the head.
/// Run it in `db::snapshot`, so the head and the rows read agree while sealers run.
pub fn verify_chain(conn: &mut AnyConnection) -> QueryResult<ChainReport> {
    let key = installed_key()?;
    let (head_seq, head_hash): (i64, String) = ledger_head::table
        .find(1)
        .select((ledger_head::audit_seq, ledger_head::audit_hash))
        .get_result(conn)?;
    let mut problems = Vec::new();
    let mut expected_seq = 0i64;
    let mut prev_hash = String::new();
    let mut entries = 0i64;
    let mut broken = false;
    loop {
        let page: Vec<ChainedEntry> = audit_log::table
            .filter(audit_log::chain_seq.gt(expected_seq))
            .order(audit_log::chain_seq)
            .limit(VERIFY_PAGE)
            .select((
                Entry::as_select(),
                audit_log::chain_seq,
                audit_log::prev_hash,
                audit_log::hash,
            ))
            .load(conn)?;
        let Some(last) = page.last() else { break };
        let last_seq = last.1.unwrap_or(expected_seq);
        for (entry, chain_seq, stored_prev, stored_hash) in page {
            let chain_seq = chain_seq.unwrap_or_default();
            entries += 1;
            if chain_seq != expected_seq + 1 {
                broken = true;
                note(&mut problems, None, Some(expected_seq + 1), "missing");
            }
            if stored_prev.as_deref() != Some(prev_hash.as_str()) {
                broken = true;
                note(
                    &mut problems,
                    Some(entry.id),
                    Some(chain_seq),
                    "broken_link",
                );
            }
            let stored = stored_hash.unwrap_or_default();
            if entry.hash(chain_seq, stored_prev.as_deref().unwrap_or("")) != stored {
                broken = true;
                note(&mut problems, Some(entry.id), Some(chain_seq), "altered");
            } else if !entry.written_by_service(key) {
                // Hashed to match, but not with the service's MAC: a forger who rewrote
                // the chain and its head.
                broken = true;
                note(
                    &mut problems,
                    Some(entry.id),
                    Some(chain_seq),
                    NOT_BY_SERVICE,
                );
            }
            expected_seq = chain_seq;
            prev_hash = stored;
        }
        expected_seq = last_seq;
    }
    if expected_seq != head_seq || prev_hash != head_hash {
        broken = true;
        note(&mut problems, None, Some(head_seq), "head_mismatch");
    }
    // Rows the sealer refused, and any other row off the chain that holds a hash (put
    // there so the sealer would pass it by).
    let off_chain: Vec<i64> = audit_log::table
        .filter(audit_log::chain_seq.is_null())
        .filter(audit_log::hash.is_not_null())
        .order(audit_log::id)
        .select(audit_log::id)
        .limit(MAX_PROBLEMS as i64)
        .load(conn)?;
    for id in off_chain {
        broken = true;
        note(&mut problems, Some(id), None, NOT_BY_SERVICE);
    }
    // Rows wait up to a sealer's period to be chained: one without the service's MAC never
    // will be; one left unchained for long was put there past the sealer.
    let stale = now() - chrono::Duration::minutes(10);
    let unsealed: Vec<Entry> = audit_log::table
        .filter(audit_log::hash.is_null())
        .order(audit_log::id)
        .limit(VERIFY_PAGE)
        .select(Entry::as_select())
        .load(conn)?;
    for entry in unsealed {
        if !entry.written_by_service(key) {
            broken = true;
            note(&mut problems, Some(entry.id), None, NOT_BY_SERVICE);
        } else if entry.at < stale {
            broken = true;
            note(&mut problems, Some(entry.id), None, "unsealed");
        }
    }
    Ok(ChainReport {
        ok: !broken,
        entries,
        head_hash,
        problems,
    })
}

/// An audit row as the audit-log endpoint shows it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_log)]
pub struct LoggedEntry {
    pub id: i64,
    pub at: chrono::NaiveDateTime,
    pub actor_id: Option<UserId>,
    pub request_id: Option<String>,
    pub action: String,
    pub resource_type: String,
    pub resource_id: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub chain_seq: Option<i64>,
    pub hash: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor_id: Option<UserId>,
    pub resource_type: Option<String>,
    pub resource_id: Option<String>,
    pub action: Option<String>,
    pub from: Option<chrono::NaiveDateTime>,
    pub to: Option<chrono::NaiveDateTime>,
}

/// The audit trail, newest first.
pub fn list(
    conn: &mut AnyConnection,
    filter: &AuditFilter,
    page: crate::domain::PageRequest,
) -> QueryResult<(Vec<LoggedEntry>, i64)> {
    let build = || {
        let mut q = audit_log::table.into_boxed();
        if let Some(v) = &filter.actor_id {
            q = q.filter(audit_log::actor_id.eq(v.clone()));
        }
        if let Some(v) = &filter.resource_type {
            q = q.filter(audit_log::resource_type.eq(v.clone()));
        }
        if let Some(v) = &filter.resource_id {
            q = q.filter(audit_log::resource_id.eq(v.clone()));
        }
        if let Some(v) = &filter.action {
            q = q.filter(audit_log::action.eq(v.clone()));
        }
        if let Some(v) = filter.from {
            q = q.filter(audit_log::at.ge(v));
        }
        if let Some(v) = filter.to {
            q = q.filter(audit_log::at.lt(v));
        }
        q
    };
    let total = build().count().get_result(conn)?;
    let items = build()
        .order(audit_log::id.desc())
        .offset(page.offset())
        .limit(page.per_page)
        .select(LoggedEntry::as_select())
        .load(conn)?;
    Ok((items, total))
}

#[cfg(test)]
mod tests {
    use super::ResourceKind;

    /// Each kind has a name of its own, and the catalogue leaves out only the audit-only ones.
    #[test]
    fn kinds_have_distinct_names_and_the_feed_its_own() {
        let mut names: Vec<&str> = ResourceKind::ALL.iter().map(|k| k.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ResourceKind::ALL.len(), "names are distinct");
        assert!(ResourceKind::feed_types().any(|t| t == "evidence"));
        assert!(!ResourceKind::feed_types().any(|t| t == "session"));
    }
}

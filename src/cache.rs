//! Answers to hot reads, kept in memory for as long as nothing has been written.
//!
//! Every entry is stamped with the write generation current before its data was read, and
//! used only while the generation is still the same. The generation moves when this
//! process commits a write (the database's commit hook calls [`committed`], as `lib.rs`
//! sets it up) and when the watcher sees
//! `ledger_head` move (a write of another instance, or of a CLI command), at most
//! [`WATCH`] later. So an instance reads its own writes at once and those of another
//! instance sharing the database within [`WATCH`]; while the database cannot be read, the
//! generation moves on every watch and nothing cached is used. The account behind a
//! session has a stamp of its own ([`Generation::access_stamp`]): this process's writes
//! move it only when they change an account, a session or a unit.
//!
//! Entries hold what every request would read the same way (a session's account, a
//! plan); the policy is still checked per request against the entry. What is kept, and
//! how it is answered over HTTP, is the API's (`api::cached`); this module is the
//! machinery: stamps, generations and caches that load a missing entry once. An edit made in
//! the database by hand (psql, sqlite3) moves no generation: restart the instances after
//! one, or it shows when the next write happens.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::db::ChangeSet;

/// How often the watcher reads `ledger_head`.
pub const WATCH: Duration = Duration::from_millis(100);

/// Writes committed by this process. Global because the database's commit hook is: in a
/// process with several databases (the tests) one database's writes also expire
/// another's entries, which costs a read, never a stale answer.
static LOCAL_WRITES: AtomicU64 = AtomicU64::new(0);

/// Writes of this process that change what a session's caller is read from: an account,
/// a session, a unit's place in the tree. Principals are kept across every other write;
/// under a stream of writes, each request read its session again (a second trip to the
/// blocking pool for every write).
static ACCESS_WRITES: AtomicU64 = AtomicU64::new(0);

/// Hears every write this process commits (the database's commit hook): the generation
/// moves, and the access stamp too when the write changed who may do what. Heard after
/// the commit, so an entry read meanwhile, of what was committed before, is not kept as
/// new.
pub fn committed(changes: ChangeSet) {
    LOCAL_WRITES.fetch_add(1, Ordering::Release);
    if changes.access {
        ACCESS_WRITES.fetch_add(1, Ordering::Release);
    }
}

/// The write generation an entry was read at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    local: u64,
    seen: u64,
}

impl Stamp {
    /// Whether data read at this stamp is at least as new as data read at `other`
    /// (both counters only grow).
    fn covers(&self, other: Stamp) -> bool {
        self.local >= other.local && self.seen >= other.seen
    }

    /// For entries whose key names the data's version already (a report's `ETag`): they
    /// never go stale, so no generation is compared.
    pub const KEYED_BY_VERSION: Stamp = Stamp {
        local: u64::MAX,
        seen: u64::MAX,
    };
}

/// What the watcher knows of the database's writes.
#[derive(Debug)]
pub struct Generation {
    /// This process's writes: [`LOCAL_WRITES`], or a test's own counter.
    local: &'static AtomicU64,
    /// This process's writes of accounts, sessions and units: [`ACCESS_WRITES`].
    access: &'static AtomicU64,
    /// Moves on every change of the head the watcher sees, and on every failed watch.
    seen: AtomicU64,
    /// The head as last read: (feed position, audit sequence).
    head: Mutex<Option<(i64, i64)>>,
}

impl Default for Generation {
    fn default() -> Self {
        Generation {
            local: &LOCAL_WRITES,
            access: &ACCESS_WRITES,
            seen: AtomicU64::default(),
            head: Mutex::default(),
        }
    }
}

impl Generation {
    /// Take the stamp before reading the data it will stamp.
    pub fn stamp(&self) -> Stamp {
        Stamp {
            local: self.local.load(Ordering::Acquire),
            seen: self.seen.load(Ordering::Acquire),
        }
    }

    /// The stamp of a session's principal: it moves with the writes of accounts, sessions
    /// and units only (and, like every stamp, with the writes the watcher sees).
    pub fn access_stamp(&self) -> Stamp {
        Stamp {
            local: self.access.load(Ordering::Acquire),
            seen: self.seen.load(Ordering::Acquire),
        }
    }

    /// Records a read of `ledger_head` (None: it could not be read).
    pub fn observe(&self, head: Option<(i64, i64)>) {
        let mut last = self.head.lock().unwrap_or_else(|e| e.into_inner());
        if head.is_none() || *last != head {
            self.seen.fetch_add(1, Ordering::AcqRel);
        }
        *last = head;
    }
}

/// One kind of cached answer, by key.
pub struct ReadCache<K, V> {
    entries: Mutex<HashMap<K, (Stamp, V)>>,
    /// The load under way per key that later misses may wait for, instead of each
    /// reading the same rows (64 readers of a fresh list page made ~1 s of loads before
    /// every page was kept; see `get_or_load`).
    loading: Mutex<HashMap<K, Loading>>,
    capacity: usize,
    /// Lookups that found a current entry, and those that did not (metrics).
    hits: AtomicU64,
    misses: AtomicU64,
}

impl<K: Eq + Hash, V: Clone> ReadCache<K, V> {
    pub fn new(capacity: usize) -> Self {
        ReadCache {
            entries: Mutex::new(HashMap::new()),
            loading: Mutex::new(HashMap::new()),
            capacity,
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// The entry for `key` if it was read at generation `now`.
    pub fn get(&self, key: &K, now: Stamp) -> Option<V> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let found = match entries.get(key) {
            Some((stamp, value)) if *stamp == now => Some(value.clone()),
            _ => None,
        };
        drop(entries);
        let counter = if found.is_some() {
            &self.hits
        } else {
            &self.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    /// Lookups so far: (hits, misses).
    pub fn lookups(&self) -> (u64, u64) {
        (
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
        )
    }

    /// Keeps `value`, read after `stamp` was taken.
    pub fn put(&self, key: K, stamp: Stamp, value: V) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= self.capacity && !entries.contains_key(&key) {
            entries.clear();
        }
        entries.insert(key, (stamp, value));
    }

    /// The entry for `key` if it was read at `since` or later: data at least as new as a
    /// request that arrived at `since`.
    fn get_since(&self, key: &K, since: Stamp) -> Option<V> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        match entries.get(key) {
            Some((stamp, value)) if stamp.covers(since) => Some(value.clone()),
            _ => None,
        }
    }
}

impl<K: Eq + Hash + Clone, V: Clone> ReadCache<K, V> {
    /// The entry for `key` if nothing was written since it was read; else `load`'s answer,
    /// kept. A miss while another request loads the key, from data at least as new as
    /// this request, waits for that load and takes its answer; so 64 misses of one page
    /// read it once, and a caller still reads its own writes. If that load fails, or
    /// the load under way began before this request arrived, the request loads itself.
    pub async fn get_or_load<E, Fut>(
        &self,
        generation: &Generation,
        key: K,
        load: impl FnOnce() -> Fut,
    ) -> Result<V, E>
    where
        Fut: Future<Output = Result<V, E>>,
    {
        let arrived = generation.stamp();
        if let Some(value) = self.get(&key, arrived) {
            return Ok(value);
        }
        let stamp = match self.lead_or_follow(&key, arrived) {
            Role::Lead(lead) => {
                let value = load().await?;
                self.put(key, arrived, value.clone());
                drop(lead);
                return Ok(value);
            }
            Role::Follow(done) => {
                // Resolves when the leader's load is over, answered or not.
                drop(done.lock().await);
                if let Some(value) = self.get_since(&key, arrived) {
                    return Ok(value);
                }
                generation.stamp()
            }
        };
        let value = load().await?;
        self.put(key, stamp, value.clone());
        Ok(value)
    }

    /// Follows the load of `key` under way if it reads data at least as new as a request
    /// that arrived at `arrived`; else leads a load of its own, which later misses follow.
    fn lead_or_follow(&self, key: &K, arrived: Stamp) -> Role<'_, K, V> {
        let mut loading = self.loading.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(under_way) = loading.get(key)
            && under_way.since.covers(arrived)
        {
            return Role::Follow(under_way.done.clone());
        }
        let done = Arc::new(tokio::sync::Mutex::new(()));
        let held = done.clone().try_lock_owned().expect("a new lock is free");
        let under_way = Loading {
            since: arrived,
            done: done.clone(),
        };
        loading.insert(key.clone(), under_way);
        Role::Lead(Lead {
            cache: self,
            key: key.clone(),
            done,
            held: Some(held),
        })
    }
}

/// A load under way: the stamp taken before it read, and a lock its leader holds until
/// it is over.
struct Loading {
    since: Stamp,
    done: Arc<tokio::sync::Mutex<()>>,
}

enum Role<'a, K: Eq + Hash, V> {
    Lead(Lead<'a, K, V>),
    Follow(Arc<tokio::sync::Mutex<()>>),
}

/// A request's lead of a load; when it ends (answered, failed or cancelled) its
/// followers go on.
struct Lead<'a, K: Eq + Hash, V> {
    cache: &'a ReadCache<K, V>,
    key: K,
    done: Arc<tokio::sync::Mutex<()>>,
    held: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl<K: Eq + Hash, V> Drop for Lead<'_, K, V> {
    fn drop(&mut self) {
        let mut loading = self.cache.loading.lock().unwrap_or_else(|e| e.into_inner());
        // A newer load may have taken the key's place meanwhile; that one stays.
        if loading
            .get(&self.key)
            .is_some_and(|l| Arc::ptr_eq(&l.done, &self.done))
        {
            loading.remove(&self.key);
        }
        self.held.take();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A generation that counts writes of its own (other tests' writes would move the
    /// process's), and an empty cache.
    fn fresh() -> (&'static AtomicU64, Generation, ReadCache<&'static str, i32>) {
        let writes: &'static AtomicU64 = Box::leak(Box::new(AtomicU64::new(0)));
        let generation = Generation {
            local: writes,
            ..Generation::default()
        };
        (writes, generation, ReadCache::new(10))
    }

    #[test]
    fn an_entry_serves_until_anything_is_written() {
        let (writes, generation, cache) = fresh();
        generation.observe(Some((1, 1)));
        let stamp = generation.stamp();
        cache.put("plan", stamp, 7);
        assert_eq!(cache.get(&"plan", generation.stamp()), Some(7));
        // The watcher reads the same head: still good.
        generation.observe(Some((1, 1)));
        assert_eq!(cache.get(&"plan", generation.stamp()), Some(7));
        // Another instance wrote.
        generation.observe(Some((2, 2)));
        assert_eq!(cache.get(&"plan", generation.stamp()), None);
        // This process wrote.
        cache.put("plan", generation.stamp(), 8);
        writes.fetch_add(1, Ordering::Release);
        assert_eq!(cache.get(&"plan", generation.stamp()), None);
        // The database cannot be read: nothing is trusted, on every watch.
        cache.put("plan", generation.stamp(), 9);
        generation.observe(None);
        assert_eq!(cache.get(&"plan", generation.stamp()), None);
        let blind = generation.stamp();
        generation.observe(None);
        assert_ne!(generation.stamp(), blind);
    }

    /// A load that takes a while, so that the requests around it overlap.
    async fn slow<T>(value: T) -> T {
        actix_web::rt::time::sleep(Duration::from_millis(30)).await;
        value
    }

    #[actix_web::test]
    async fn concurrent_misses_of_one_key_load_it_once() {
        let (_, generation, cache) = fresh();
        let loads = std::sync::atomic::AtomicUsize::new(0);
        let load = || async {
            loads.fetch_add(1, Ordering::SeqCst);
            Ok::<_, ()>(slow(7).await)
        };
        let answers = futures_util::future::join_all(
            (0..8).map(|_| cache.get_or_load(&generation, "page", load)),
        )
        .await;
        assert_eq!(answers, vec![Ok(7); 8]);
        assert_eq!(loads.load(Ordering::SeqCst), 1);
        assert!(cache.loading.lock().unwrap().is_empty(), "the load is over");
        // Kept: the next request loads nothing.
        assert_eq!(cache.get_or_load(&generation, "page", load).await, Ok(7));
        assert_eq!(loads.load(Ordering::SeqCst), 1);
    }

    #[actix_web::test]
    async fn a_request_after_a_write_never_takes_a_load_begun_before_it() {
        let (writes, generation, cache) = fresh();
        // The first request loads what was there before the write; the second arrives
        // after the write, while that load runs, and loads for itself without waiting.
        let first_done = std::sync::atomic::AtomicBool::new(false);
        let before = async {
            let answer = cache
                .get_or_load(&generation, "page", || async { Ok::<_, ()>(slow(1).await) })
                .await;
            first_done.store(true, Ordering::SeqCst);
            answer
        };
        let after = async {
            actix_web::rt::time::sleep(Duration::from_millis(10)).await;
            writes.fetch_add(1, Ordering::Release);
            let answer = cache
                .get_or_load(&generation, "page", || async { Ok::<_, ()>(2) })
                .await;
            assert!(!first_done.load(Ordering::SeqCst), "it did not wait");
            answer
        };
        assert_eq!(
            futures_util::future::join(before, after).await,
            (Ok(1), Ok(2))
        );
        assert!(
            cache.loading.lock().unwrap().is_empty(),
            "both loads are over"
        );
    }

    #[actix_web::test]
    async fn when_a_load_fails_the_requests_that_waited_load_side_by_side() {
        let (_, generation, cache) = fresh();
        let failing = cache.get_or_load(&generation, "page", || async {
            Err::<i32, _>(slow("down").await)
        });
        let (running, most) = (
            std::sync::atomic::AtomicUsize::new(0),
            std::sync::atomic::AtomicUsize::new(0),
        );
        let load = || async {
            most.fetch_max(running.fetch_add(1, Ordering::SeqCst) + 1, Ordering::SeqCst);
            let answer = slow(5).await;
            running.fetch_sub(1, Ordering::SeqCst);
            Ok::<_, &str>(answer)
        };
        let waiting = futures_util::future::join_all(
            (0..3).map(|_| cache.get_or_load(&generation, "page", load)),
        );
        let (failed, answers) = futures_util::future::join(failing, waiting).await;
        assert_eq!(failed, Err("down"));
        assert_eq!(answers, vec![Ok(5); 3]);
        assert_eq!(most.load(Ordering::SeqCst), 3, "not one after another");
        assert_eq!(cache.get(&"page", generation.stamp()), Some(5));
    }
}

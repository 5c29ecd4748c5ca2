//! How work reaches the database, with its rules held by types.
//!
//! A request's blocking work runs in [`run`] on a [`Conn`]: it reads through it (a `Conn`
//! is an `AnyConnection`), and writes only through [`Conn::write`], which hands the work a
//! [`Tx`] — one transaction, on SQLite's one writing connection ([`super::writer`]) when
//! there is one. Every function that writes takes a `&mut Tx`, so a write cannot run
//! outside a transaction, and a transaction cannot be begun inside another by mistake: a
//! `Tx` offers only [`Tx::nested`], a savepoint. [`write`] is the same as `run` with one
//! `write` in it, without taking a pooled connection the write would not use.
//!
//! Commands and tests that hold a connection of their own (a [`PooledConn`]) write on it
//! through the same [`Writes`] trait; SQLite's busy timeout orders them with the writer.
//!
//! When a write commits, the hook set with [`on_commit`] hears what it changed (a
//! [`ChangeSet`], marked by the writes themselves through [`Tx::changed`]): the database
//! layer carries it and knows nothing of who listens.

use std::ops::{Deref, DerefMut};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use diesel::connection::{
    AnsiTransactionManager, Connection, SimpleConnection, TransactionManager,
};

use super::{AnyConnection, CHECKOUT_TIMEOUT, Pool, PooledConn, writer};

/// Why database work could not be done.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The database cannot take the work now — it is down, every connection is busy, or
    /// too many writes are in line: the same request may be sent again later.
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    /// What a statement answered.
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
    /// The blocking work did not run to its end (the runtime is stopping, or it panicked).
    #[error("the database work did not finish: {0}")]
    Interrupted(String),
}

/// What a committed write changed, as its writers marked it (`Tx::changed`).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ChangeSet {
    /// It changed who may do what: an account, a session, a unit's place in the tree.
    pub access: bool,
}

impl ChangeSet {
    /// A change of who may do what.
    pub const ACCESS: ChangeSet = ChangeSet { access: true };

    fn merge(&mut self, other: ChangeSet) {
        self.access |= other.access;
    }
}

type Hook = Box<dyn Fn(ChangeSet) + Send + Sync>;

static ON_COMMIT: OnceLock<Hook> = OnceLock::new();

/// Sets what hears every write this process commits (once: later calls change nothing).
/// Process-wide, as what listens (the read cache) keeps process-wide counters: in a
/// process with several databases (the tests) one database's writes also expire another's
/// copies, which costs a read, never a stale answer.
pub fn on_commit(hook: impl Fn(ChangeSet) + Send + Sync + 'static) {
    let _ = ON_COMMIT.set(Box::new(hook));
}

/// Tells the hook a write committed.
pub(super) fn committed(changes: ChangeSet) {
    if let Some(hook) = ON_COMMIT.get() {
        hook(changes);
    }
}

/// A connection inside one write transaction. It reads as an `AnyConnection`; the writes
/// of the domain take it, so they run in a transaction by construction.
pub struct Tx<'a> {
    conn: &'a mut AnyConnection,
    changes: &'a mut ChangeSet,
}

impl<'a> Tx<'a> {
    pub(super) fn new(conn: &'a mut AnyConnection, changes: &'a mut ChangeSet) -> Tx<'a> {
        Tx { conn, changes }
    }

    /// The connection, for diesel's statements (which take a connection type, not what
    /// derefs to one).
    pub fn conn(&mut self) -> &mut AnyConnection {
        self.conn
    }

    /// Marks what this write changes, for whoever keeps copies (heard once it commits).
    pub fn changed(&mut self, changes: ChangeSet) {
        self.changes.merge(changes);
    }

    /// Runs `f` in a savepoint: its failure undoes it alone, the transaction goes on.
    pub fn nested<T, E>(&mut self, f: impl FnOnce(&mut Tx<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<diesel::result::Error>,
    {
        let changes = &mut *self.changes;
        self.conn.transaction(|conn| f(&mut Tx { conn, changes }))
    }
}

impl Deref for Tx<'_> {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        self.conn
    }
}

impl DerefMut for Tx<'_> {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        self.conn
    }
}

/// The `AnyConnection` behind whatever holds one: for the macros that match on the
/// backend (`on_backend!`), which take any of them.
pub trait AsConnection {
    fn as_connection(&mut self) -> &mut AnyConnection;
}

impl AsConnection for AnyConnection {
    fn as_connection(&mut self) -> &mut AnyConnection {
        self
    }
}

impl AsConnection for Tx<'_> {
    fn as_connection(&mut self) -> &mut AnyConnection {
        self.conn
    }
}

/// What may begin a write: a request's [`Conn`], or a connection a command holds.
pub trait Writes: DerefMut<Target = AnyConnection> {
    /// The connection, for diesel's statements (which take a connection type, not what
    /// derefs to one).
    fn conn(&mut self) -> &mut AnyConnection {
        self
    }

    /// Runs `f` as one transaction, and returns once it is committed (on SQLite's writer
    /// it may share its commit with the writes queued behind it).
    fn write<T, E>(&mut self, f: impl FnOnce(&mut Tx<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<diesel::result::Error>;

    /// `write` for a large write (an import): on SQLite's writer it commits alone, so the
    /// small writes queued behind it do not wait for it to answer theirs.
    fn write_alone<T, E>(&mut self, f: impl FnOnce(&mut Tx<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<diesel::result::Error>;
}

/// A connection of the pool lent to a request's blocking work.
pub struct Conn {
    conn: PooledConn,
    /// SQLite's writing connection, which every write of a request goes to.
    writer: Option<Arc<writer::Writer>>,
}

impl Deref for Conn {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        &self.conn
    }
}

impl DerefMut for Conn {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.conn
    }
}

impl Conn {
    fn write_as<T, E>(
        &mut self,
        alone: bool,
        f: impl FnOnce(&mut Tx<'_>) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<diesel::result::Error>,
    {
        match &self.writer {
            Some(writer) => writer.write(alone, f),
            None => write_on_connection(&mut self.conn, f),
        }
    }
}

impl Writes for Conn {
    fn write<T, E>(&mut self, f: impl FnOnce(&mut Tx<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<diesel::result::Error>,
    {
        self.write_as(false, f)
    }

    fn write_alone<T, E>(&mut self, f: impl FnOnce(&mut Tx<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<diesel::result::Error>,
    {
        self.write_as(true, f)
    }
}

impl Writes for PooledConn {
    fn write<T, E>(&mut self, f: impl FnOnce(&mut Tx<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<diesel::result::Error>,
    {
        write_on_connection(self, f)
    }

    fn write_alone<T, E>(&mut self, f: impl FnOnce(&mut Tx<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<diesel::result::Error>,
    {
        write_on_connection(self, f)
    }
}

/// A write in a transaction of `conn` itself. On SQLite it begins IMMEDIATE, taking the
/// write lock up front: a deferred transaction that reads, then writes, fails with
/// "database is locked" instead of waiting when another writer got in between.
fn write_on_connection<T, E>(
    conn: &mut AnyConnection,
    f: impl FnOnce(&mut Tx<'_>) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    type Tm = <AnyConnection as Connection>::TransactionManager;
    match conn {
        AnyConnection::Sqlite(c) => {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?
        }
        AnyConnection::Postgresql(_) => Tm::begin_transaction(conn)?,
    }
    let mut changes = ChangeSet::default();
    match f(&mut Tx::new(conn, &mut changes)) {
        Ok(value) => {
            Tm::commit_transaction(conn)?;
            committed(changes);
            Ok(value)
        }
        // As diesel's own `transaction`: when the rollback fails because the connection is
        // gone (the transaction manager is then broken), the first error says more — a lost
        // connection answers 503 where "broken transaction manager" would answer 500.
        Err(e) => match Tm::rollback_transaction(conn) {
            Ok(()) | Err(diesel::result::Error::BrokenTransactionManager) => Err(e),
            Err(rollback) => Err(rollback.into()),
        },
    }
}

/// Runs reads on one snapshot of the data, so figures computed by several queries agree
/// with each other. PostgreSQL needs REPEATABLE READ for that; a SQLite read transaction
/// (WAL) is a snapshot already.
pub fn snapshot<T, E>(
    conn: &mut AnyConnection,
    f: impl FnOnce(&mut AnyConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    conn.transaction(|conn| {
        if let AnyConnection::Postgresql(c) = conn {
            // Planned for their parameters on every run: after five runs of a kept
            // statement PostgreSQL may switch to a generic plan, blind to the unit
            // path's `LIKE '/a/b/%'` prefix, and a province's evidence by unit went
            // from 52 to 715 ms. Planning costs little beside an aggregate's run.
            c.batch_execute(
                "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY; \
                 SET LOCAL plan_cache_mode = force_custom_plan",
            )?;
        }
        f(conn)
    })
}

/// Runs a request's blocking database work on actix's blocking pool, never on an async
/// worker. The pool checkout happens there too, because it can wait.
pub async fn run<T, E, F>(pool: &Pool, f: F) -> Result<T, E>
where
    F: FnOnce(&mut Conn) -> Result<T, E> + Send + 'static,
    T: Send + 'static,
    E: From<Error> + Send + 'static,
{
    let pool = pool.clone();
    actix_web::web::block(move || {
        let conn = pool
            .checkout()
            .map_err(|e| Error::Unavailable(e.to_string()))?;
        f(&mut Conn {
            conn,
            writer: pool.writer.clone(),
        })
    })
    .await
    .map_err(|e| Error::Interrupted(e.to_string()))?
}

/// `run` for a request that is one write. On SQLite it goes to the writer's queue without
/// taking a pooled connection it would not use: with 16 writers and a pool of four,
/// twelve waited for a connection only to queue for the writer after it.
pub async fn write<T, E, F>(pool: &Pool, f: F) -> Result<T, E>
where
    F: FnOnce(&mut Tx<'_>) -> Result<T, E> + Send + 'static,
    T: Send + 'static,
    E: From<Error> + From<diesel::result::Error> + Send + 'static,
{
    let Some(writer) = pool.writer.clone() else {
        return run(pool, move |conn| conn.write(f)).await;
    };
    let place = place_in_line(&pool.writer_line, CHECKOUT_TIMEOUT).await?;
    writer
        .queue(move |tx| {
            // Held while the write waits and runs; a client gone meanwhile does not
            // stop it.
            let _place = place;
            f(tx)
        })
        .await
}

/// A place in `line` within `wait`, or `Unavailable`.
async fn place_in_line(
    line: &Arc<tokio::sync::Semaphore>,
    wait: Duration,
) -> Result<tokio::sync::OwnedSemaphorePermit, Error> {
    match actix_web::rt::time::timeout(wait, line.clone().acquire_owned()).await {
        Ok(Ok(place)) => Ok(place),
        Ok(Err(closed)) => Err(Error::Interrupted(closed.to_string())),
        Err(_) => Err(Error::Unavailable(
            "too many writes in line for the writer".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::*;

    #[actix_web::test]
    async fn a_write_with_no_place_in_line_is_refused_as_unavailable_once_it_has_waited() {
        let line = Arc::new(tokio::sync::Semaphore::new(1));
        let wait = Duration::from_millis(50);
        let first = place_in_line(&line, wait).await.expect("a free place");
        let started = Instant::now();
        let refused = place_in_line(&line, wait)
            .await
            .expect_err("the line is full");
        assert!(matches!(refused, Error::Unavailable(_)), "{refused}");
        assert!(started.elapsed() >= wait);
        drop(first);
        assert!(
            place_in_line(&line, wait).await.is_ok(),
            "a place freed is taken"
        );
    }

    #[test]
    fn a_nested_write_is_undone_alone_and_its_marks_reach_the_commit() {
        let pool = crate::db::pool(":memory:", None).unwrap();
        let mut conn = pool.get().unwrap();
        conn.batch_execute("CREATE TABLE t (n INTEGER NOT NULL)")
            .unwrap();
        let marked = conn.write(|tx| {
            tx.batch_execute("INSERT INTO t VALUES (1)")?;
            let failed: Result<(), diesel::result::Error> = tx.nested(|tx| {
                tx.changed(ChangeSet::ACCESS);
                tx.batch_execute("INSERT INTO t VALUES (2)")?;
                Err(diesel::result::Error::RollbackTransaction)
            });
            assert!(failed.is_err());
            Ok::<_, diesel::result::Error>(tx.changes.access)
        });
        assert_eq!(marked, Ok(true));
        #[derive(diesel::QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let count: Count = diesel::RunQueryDsl::get_result(
            diesel::sql_query("SELECT COUNT(*) AS n FROM t"),
            &mut *conn,
        )
        .unwrap();
        assert_eq!(count.n, 1, "the nested write alone was undone");
    }
}

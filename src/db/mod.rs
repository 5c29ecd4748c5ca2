//! The database: one connection type over SQLite and PostgreSQL, its pool, migrations and
//! the helpers every repository function uses.
//!
//! A row looked up by its key is read with `get_result`, not `first`: `first` adds
//! `LIMIT ?`, and SQLite marks a statement whose limit is a parameter as expired each time
//! the parameter is bound again, so it was prepared anew on every run although diesel
//! keeps it (four statements of each evidence POST, counted with `perf probe`).

pub mod schema;
mod work;
mod writer;

pub use work::{AsConnection, ChangeSet, Conn, Error, Tx, Writes, on_commit, run, snapshot, write};

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use diesel::connection::{SimpleConnection, TransactionManager};
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection, R2D2Connection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// A connection to whichever backend `DATABASE_URL` names. Queries are written once against it.
#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    Postgresql(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

pub type PooledConn = r2d2::PooledConnection<ConnectionManager>;

/// How long a request waits for a pooled connection while the database answers (all
/// connections may be busy); then 503.
pub(crate) const CHECKOUT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a request waits for a connection while the database is down — the last
/// attempt to open a connection failed and none has succeeded since; then 503 at once
/// rather than after `CHECKOUT_TIMEOUT`. r2d2 keeps reopening the missing connections in
/// the background (every `CHECKOUT_TIMEOUT / 2` at most), and its first success ends the
/// outage, with no restart.
const DOWN_WAIT: Duration = Duration::from_millis(250);
/// libpq's own limit on opening a connection, unless `DATABASE_URL` sets one: without it a
/// server that drops packets holds each attempt for minutes, and r2d2 has few threads to
/// make them.
const PG_CONNECT_TIMEOUT_SECS: u32 = 5;

/// How long a SQLite writer waits for the write lock before "database is locked".
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The connection pool, and whether the database answered the last time a connection was
/// opened (see `checkout`).
#[derive(Clone)]
pub struct Pool {
    inner: r2d2::Pool<ConnectionManager>,
    down: Arc<AtomicBool>,
    /// SQLite's one writing connection (`writer`), which `run` and `write` hand the
    /// writes to.
    writer: Option<Arc<writer::Writer>>,
    /// Places in line for the writer (`write`).
    writer_line: Arc<tokio::sync::Semaphore>,
    /// Requests waiting for a connection in `checkout` (a metric).
    waiting: Arc<AtomicUsize>,
}

/// Writes in line for SQLite's writer at most, queued or running (those waiting for their
/// commit are bounded by the commit's size): twice the writes one commit takes, so commits
/// stay full. Past them a write waits up to `CHECKOUT_TIMEOUT` for a place and is then
/// answered 503, as a request waiting for a pooled connection is, rather than queueing
/// without end.
const WRITER_LINE: usize = 128;

impl std::ops::Deref for Pool {
    type Target = r2d2::Pool<ConnectionManager>;

    fn deref(&self) -> &Self::Target {
        &self.inner
    }
}

impl Pool {
    /// A connection for one request: within `CHECKOUT_TIMEOUT` while the database
    /// answers, within `DOWN_WAIT` while it is down. A request that began waiting before
    /// the outage was noticed stops waiting as soon as it is.
    pub fn checkout(&self) -> Result<PooledConn, r2d2::PoolError> {
        self.waiting.fetch_add(1, Ordering::Relaxed);
        let conn = self.wait_for_connection();
        self.waiting.fetch_sub(1, Ordering::Relaxed);
        conn
    }

    fn wait_for_connection(&self) -> Result<PooledConn, r2d2::PoolError> {
        let deadline = Instant::now() + CHECKOUT_TIMEOUT;
        loop {
            let down = self.is_down();
            let left = deadline.saturating_duration_since(Instant::now());
            match self.inner.get_timeout(DOWN_WAIT.min(left)) {
                Ok(conn) => return Ok(conn),
                Err(e) if down || self.is_down() || Instant::now() >= deadline => return Err(e),
                Err(_) => {}
            }
        }
    }

    /// The last attempt to open a connection failed, and none has succeeded since.
    pub fn is_down(&self) -> bool {
        self.down.load(Ordering::Relaxed)
    }

    /// Requests waiting for a pooled connection now.
    pub fn waiting(&self) -> usize {
        self.waiting.load(Ordering::Relaxed)
    }

    /// Writes in line for SQLite's writer now, queued or running; `None` on PostgreSQL.
    pub fn writer_queue(&self) -> Option<usize> {
        self.writer
            .as_ref()
            .map(|_| WRITER_LINE.saturating_sub(self.writer_line.available_permits()))
    }
}

/// Which backend a URL selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of(url: &str) -> Backend {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }
}

/// The path diesel's SQLite driver expects, from `sqlite://path`, `sqlite:path` or a bare path.
fn sqlite_path(url: &str) -> &str {
    url.strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url)
}

/// Opens connections for r2d2. Written by hand because the derived `establish` tries each
/// backend in turn and drops their errors, so "connection refused" would never be seen.
#[derive(Debug, Clone)]
pub struct ConnectionManager {
    url: String,
    /// Set when opening a connection fails, cleared when one opens.
    down: Arc<AtomicBool>,
}

impl ConnectionManager {
    fn open(&self) -> Result<AnyConnection, r2d2::Error> {
        match Backend::of(&self.url) {
            Backend::Postgres => {
                let mut conn = diesel::PgConnection::establish(&self.url)
                    .map_err(r2d2::Error::ConnectionError)?;
                conn.set_instrumentation(Liveness::default());
                Ok(AnyConnection::Postgresql(conn))
            }
            Backend::Sqlite => {
                let mut conn = diesel::SqliteConnection::establish(sqlite_path(&self.url))
                    .map_err(r2d2::Error::ConnectionError)?;
                // Per connection: SQLite forgets these on every open. NORMAL sync in WAL
                // mode survives a process crash (WAL itself is set once, in `pool`).
                // Reads through a memory map skip a read() copy per page: a list counting
                // 20 000 rows took half the time (measured with sqlite3, BENCHMARKS.md).
                // Temporary files in memory: each savepoint of the writer's shared commit
                // (`writer`) journals the pages it changes, ~20 page writes per evidence.
                conn.batch_execute(&format!(
                    "PRAGMA busy_timeout = {}; PRAGMA foreign_keys = ON; \
                     PRAGMA synchronous = NORMAL; PRAGMA mmap_size = 268435456; \
                     PRAGMA temp_store = MEMORY;",
                    SQLITE_BUSY_TIMEOUT.as_millis()
                ))
                .map_err(r2d2::Error::QueryError)?;
                Ok(AnyConnection::Sqlite(conn))
            }
        }
    }
}

impl ManageConnection for ConnectionManager {
    type Connection = AnyConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<AnyConnection, r2d2::Error> {
        let conn = self.open();
        self.down.store(conn.is_err(), Ordering::Relaxed);
        conn
    }

    fn is_valid(&self, conn: &mut AnyConnection) -> Result<(), r2d2::Error> {
        if liveness(conn).is_some_and(|l| l.answered_within(TRUSTED_AFTER_USE)) {
            return Ok(());
        }
        conn.ping().map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut AnyConnection) -> bool {
        conn.is_broken() || liveness(conn).is_some_and(|l| l.lost)
    }
}

/// How long after its last answer a PostgreSQL connection is handed out without a ping.
/// The ping (`SELECT 1`, a round trip) came before every request's work; under load every
/// connection is used every few milliseconds. A connection that died within this time
/// fails the one request that finds it (503, `unavailable`) and is then dropped (`lost`).
const TRUSTED_AFTER_USE: Duration = Duration::from_secs(1);

/// What a PostgreSQL connection's own statements tell of it, kept in diesel's
/// per-connection instrumentation slot.
#[derive(Default)]
struct Liveness {
    last_answer: Option<Instant>,
    /// A statement failed because the connection is gone: the pool drops it.
    lost: bool,
}

impl Liveness {
    fn answered_within(&self, time: Duration) -> bool {
        !self.lost && self.last_answer.is_some_and(|at| at.elapsed() < time)
    }
}

impl diesel::connection::Instrumentation for Liveness {
    fn on_connection_event(&mut self, event: diesel::connection::InstrumentationEvent<'_>) {
        use diesel::result::{DatabaseErrorKind, Error};
        if let diesel::connection::InstrumentationEvent::FinishQuery { error, .. } = event {
            match error {
                None => self.last_answer = Some(Instant::now()),
                Some(Error::DatabaseError(DatabaseErrorKind::ClosedConnection, _))
                | Some(Error::DatabaseError(DatabaseErrorKind::UnableToSendCommand, _)) => {
                    self.lost = true
                }
                Some(_) => {}
            }
        }
    }
}

fn liveness(conn: &mut AnyConnection) -> Option<&mut Liveness> {
    match conn {
        AnyConnection::Postgresql(c) => c.instrumentation().downcast_mut::<Liveness>(),
        AnyConnection::Sqlite(_) => None,
    }
}

/// Builds the pool. SQLite `:memory:` gets one connection, as each would see its own database.
pub fn pool(url: &str, max_size: Option<u32>) -> Result<Pool, String> {
    if Backend::of(url) == Backend::Sqlite && !url.contains(":memory:") {
        // The database holds password hashes and personal data: owner-only, made so
        // before SQLite opens it (SQLite gives its -wal and -shm files the database's
        // mode), and tightened when found open to others.
        let path = std::path::Path::new(sqlite_path(url));
        if let Some(dir) = path.parent()
            && !dir.as_os_str().is_empty()
            && !dir.exists()
        {
            crate::private_files::private_dir(dir).map_err(|e| format!("DATABASE_URL: {e}"))?;
        }
        crate::private_files::private_file(path).map_err(|e| format!("DATABASE_URL: {e}"))?;
        for suffix in ["-wal", "-shm"] {
            let mut companion = path.as_os_str().to_owned();
            companion.push(suffix);
            crate::private_files::tighten(std::path::Path::new(&companion))
                .map_err(|e| format!("DATABASE_URL: {e}"))?;
        }
    }
    if Backend::of(url) == Backend::Sqlite && !url.contains(":memory:") {
        // WAL lets readers run beside the writer. It is a property of the file, set once
        // here: connections opening together would otherwise race for the lock to set it.
        let mut conn = diesel::SqliteConnection::establish(sqlite_path(url))
            .map_err(|e| format!("DATABASE_URL: cannot open {}: {e}", describe(url)))?;
        conn.batch_execute(&format!(
            "PRAGMA busy_timeout = {}; PRAGMA journal_mode = WAL;",
            SQLITE_BUSY_TIMEOUT.as_millis()
        ))
        .map_err(|e| format!("DATABASE_URL: cannot switch {} to WAL: {e}", describe(url)))?;
    }
    let backend = Backend::of(url);
    let default_size = match backend {
        Backend::Postgres => 10,
        Backend::Sqlite if url.contains(":memory:") => 1,
        Backend::Sqlite => 4,
    };
    let url = match backend {
        Backend::Postgres => with_connect_timeout(url),
        Backend::Sqlite => url.to_string(),
    };
    let down = Arc::new(AtomicBool::new(false));
    let manager = ConnectionManager {
        url,
        down: down.clone(),
    };
    if backend == Backend::Postgres {
        // One connection first, so a wrong URL (a closed port, a database that does not
        // exist, a refused password) stops the start within a second, in one line:
        // r2d2's build would retry for its whole connection timeout, logging each failure.
        manager.open().map_err(|e| {
            format!(
                "DATABASE_URL: cannot connect to {}: {}",
                describe(&manager.url),
                one_line(&e.to_string())
            )
        })?;
    }
    let writer = manager.writer();
    let inner = r2d2::Pool::builder()
        .max_size(max_size.unwrap_or(default_size))
        // A PostgreSQL connection is a socket that may have died in the pool, so it is
        // pinged before use unless it answered moments ago (`TRUSTED_AFTER_USE`). A
        // SQLite one is a file handle that cannot: no ping, as it cost a statement per
        // request.
        .test_on_check_out(backend == Backend::Postgres)
        .connection_timeout(CHECKOUT_TIMEOUT)
        .build(manager)
        .map_err(|e| format!("DATABASE_URL: {}", one_line(&e.to_string())))?;
    Ok(Pool {
        inner,
        down,
        writer,
        writer_line: Arc::new(tokio::sync::Semaphore::new(WRITER_LINE)),
        waiting: Arc::default(),
    })
}

/// A message of several lines (libpq adds hints on lines of their own) as one.
fn one_line(message: &str) -> String {
    let lines: Vec<&str> = message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    lines.join(" ")
}

/// The database a URL names, for the log: the SQLite file, or PostgreSQL's host, port and
/// database. Never the password (nor anything else the URL carries).
pub fn describe(url: &str) -> String {
    match Backend::of(url) {
        Backend::Sqlite => {
            let path = sqlite_path(url);
            let shown = if path.starts_with(':') {
                path.to_string()
            } else {
                std::path::absolute(path)
                    .map_or_else(|_| path.to_string(), |p| p.display().to_string())
            };
            format!("SQLite {shown}")
        }
        Backend::Postgres => {
            let Ok(parsed) = url::Url::parse(url) else {
                return "PostgreSQL (a URL that does not parse)".into();
            };
            // libpq also takes the host, port and database as query parameters (a Unix
            // socket's directory is given as `?host=/run/postgresql`).
            let param = |name: &str| {
                parsed
                    .query_pairs()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.into_owned())
            };
            let host = param("host")
                .or_else(|| {
                    parsed
                        .host_str()
                        .filter(|h| !h.is_empty())
                        .map(str::to_string)
                })
                .unwrap_or_else(|| "localhost".into());
            let port = param("port")
                .or_else(|| parsed.port().map(|p| p.to_string()))
                .unwrap_or_else(|| "5432".into());
            let database =
                param("dbname").unwrap_or_else(|| parsed.path().trim_start_matches('/').into());
            // libpq's default database is the user's name.
            let database = if database.is_empty() {
                parsed.username().to_string()
            } else {
                database
            };
            format!("PostgreSQL {host}:{port}/{database}")
        }
    }
}

/// A PostgreSQL URL with libpq's `connect_timeout`, unless it names one already.
fn with_connect_timeout(url: &str) -> String {
    if url.contains("connect_timeout=") {
        return url.to_string();
    }
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}connect_timeout={PG_CONNECT_TIMEOUT_SECS}")
}

/// Applies pending migrations and answers their versions. On PostgreSQL an advisory lock
/// serialises instances that start together, which otherwise race on creating the same
/// tables.
pub fn migrate(conn: &mut AnyConnection) -> Result<Vec<String>, String> {
    const LOCK: i64 = 0x7468_6964_7561; // "thidua"
    let versions = |v: Vec<diesel::migration::MigrationVersion<'_>>| {
        v.iter().map(ToString::to_string).collect::<Vec<_>>()
    };
    let result = match conn {
        AnyConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(versions),
        AnyConnection::Postgresql(c) => {
            c.batch_execute(&format!("SELECT pg_advisory_lock({LOCK})"))
                .map_err(|e| e.to_string())?;
            let applied = c.run_pending_migrations(POSTGRES_MIGRATIONS).map(versions);
            c.batch_execute(&format!("SELECT pg_advisory_unlock({LOCK})"))
                .map_err(|e| e.to_string())?;
            applied
        }
    };
    result.map_err(|e| e.to_string())
}

/// Writes a consistent copy of a SQLite database to a new file while others keep reading
/// and writing (`VACUUM INTO` reads one snapshot). PostgreSQL has pg_dump for this.
pub fn backup(conn: &mut AnyConnection, file: &std::path::Path) -> Result<(), String> {
    let AnyConnection::Sqlite(c) = conn else {
        return Err("backup copies SQLite databases; for PostgreSQL use pg_dump".into());
    };
    // Made empty and owner-only first (VACUUM INTO fills an empty file): the copy holds
    // what the database holds.
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(file) {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(format!("{} exists; name a new file", file.display()));
        }
        Err(e) => return Err(format!("cannot create {}: {e}", file.display())),
    }
    let written = file
        .to_str()
        .ok_or_else(|| format!("{} is not a UTF-8 path", file.display()))
        .and_then(|path| {
            // A string literal, so quotes in the path are doubled.
            c.batch_execute(&format!("VACUUM INTO '{}'", path.replace('\'', "''")))
                .map_err(|e| format!("cannot write {}: {e}", file.display()))
        });
    if written.is_err() {
        let _ = std::fs::remove_file(file);
    }
    written
}

/// Reverts every migration, newest first (used by the test that proves each `down.sql`).
pub fn revert_all(conn: &mut AnyConnection) -> Result<(), String> {
    match conn {
        AnyConnection::Sqlite(c) => c.revert_all_migrations(SQLITE_MIGRATIONS).map(|_| ()),
        AnyConnection::Postgresql(c) => c.revert_all_migrations(POSTGRES_MIGRATIONS).map(|_| ()),
    }
    .map_err(|e| e.to_string())
}

/// Runs a statement on the concrete connection behind an `AnyConnection`, for what the
/// multi-backend cannot express — multi-row `INSERT … VALUES (…), (…)` above all — and
/// for the statements of hot paths: diesel's multi-backend connection writes a query's
/// SQL out again on every run, even when the statement is kept prepared (twice: to ask
/// whether it may be kept, and while binding), which took ~15 % of the SQLite writer's
/// turn; the concrete connection finds the prepared statement by the query's type.
#[macro_export]
macro_rules! on_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $crate::db::AsConnection::as_connection($conn) {
            $crate::db::AnyConnection::Sqlite($c) => $body,
            $crate::db::AnyConnection::Postgresql($c) => $body,
        }
    };
}

/// `LIKE` pattern matching `needle` anywhere, with the wildcards in it escaped by `\`.
pub fn contains_pattern(needle: &str) -> String {
    let mut p = String::with_capacity(needle.len() + 2);
    p.push('%');
    for c in needle.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// `LIKE` pattern matching strings that start with `prefix` (ids and paths hold no wildcards).
pub fn prefix_pattern(prefix: &str) -> String {
    format!("{prefix}%")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_is_described_without_its_password() {
        for (url, described) in [
            (
                "postgres://thidua:s3cret@db.example.vn:6543/thidua?sslmode=require",
                "PostgreSQL db.example.vn:6543/thidua",
            ),
            (
                "postgresql://thidua:s3cret@db/",
                "PostgreSQL db:5432/thidua",
            ),
            (
                "postgres:///thidua?host=/run/postgresql",
                "PostgreSQL /run/postgresql:5432/thidua",
            ),
            ("sqlite://:memory:", "SQLite :memory:"),
            (
                "/var/lib/thidua/data/thidua.db",
                "SQLite /var/lib/thidua/data/thidua.db",
            ),
        ] {
            assert_eq!(describe(url), described, "{url}");
        }
    }

    #[test]
    fn a_postgresql_connection_is_pinged_unless_it_answered_moments_ago_and_dropped_once_lost() {
        let Ok(url) = std::env::var("THIDUA_TEST_DATABASE_URL") else {
            eprintln!("THIDUA_TEST_DATABASE_URL is not set: skipped");
            return;
        };
        let manager = ConnectionManager {
            url: with_connect_timeout(&url),
            down: Arc::default(),
        };
        let mut conn = manager.connect().unwrap();
        let answered = |c: &mut AnyConnection| {
            liveness(c).is_some_and(|l| l.answered_within(TRUSTED_AFTER_USE))
        };
        assert!(
            !answered(&mut conn),
            "a new connection has answered nothing yet"
        );
        // Opened now, so that what follows fits in the second a connection is trusted.
        let mut other = manager.connect().unwrap();
        manager.is_valid(&mut conn).expect("pinged");
        assert!(answered(&mut conn));

        #[derive(QueryableByName)]
        struct Backend {
            #[diesel(sql_type = diesel::sql_types::Integer)]
            pid: i32,
        }
        let Backend { pid } = diesel::sql_query("SELECT pg_backend_pid() AS pid")
            .get_result(&mut conn)
            .unwrap();
        diesel::sql_query(format!("SELECT pg_terminate_backend({pid})"))
            .execute(&mut other)
            .unwrap();
        // Gone for sure, so a ping would fail.
        let alive = format!("SELECT 1 FROM pg_stat_activity WHERE pid = {pid}");
        let deadline = Instant::now() + Duration::from_secs(10);
        while diesel::sql_query(&alive).execute(&mut other).unwrap() > 0 {
            assert!(
                Instant::now() < deadline,
                "the backend was never terminated"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(
            manager.is_valid(&mut conn).is_ok(),
            "one that answered moments ago is not pinged"
        );
        assert!(!manager.has_broken(&mut conn));
        assert!(diesel::sql_query("SELECT 1").execute(&mut conn).is_err());
        assert!(liveness(&mut conn).is_some_and(|l| l.lost), "seen lost");
        assert!(
            manager.has_broken(&mut conn),
            "a lost connection is dropped"
        );
        assert!(manager.is_valid(&mut conn).is_err(), "and pinged if asked");
    }

    #[test]
    fn postgres_urls_get_a_connect_timeout_unless_they_name_one() {
        assert_eq!(
            with_connect_timeout("postgres://u@h/db"),
            "postgres://u@h/db?connect_timeout=5"
        );
        assert_eq!(
            with_connect_timeout("postgres://u@h/db?sslmode=require"),
            "postgres://u@h/db?sslmode=require&connect_timeout=5"
        );
        assert_eq!(
            with_connect_timeout("postgres://u@h/db?connect_timeout=2"),
            "postgres://u@h/db?connect_timeout=2"
        );
    }
}

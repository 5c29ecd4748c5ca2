//! Group commit for SQLite: every write of the process runs on one connection, and writes
//! that queue up behind each other share one transaction.
//!
//! SQLite takes one writer at a time. Measured with 16 writers on four pooled connections,
//! each commit wrote every page it touched to the WAL again (~26 frames for one piece of
//! evidence: the row, its history, its audit row, its change event and a dozen index
//! leaves), and each connection found its page cache stale after another's commit and read
//! the pages back. Here a writer takes the turn, runs its work inside a savepoint of the
//! open transaction, and if others are waiting for the turn, leaves the commit to the last
//! of them; it answers only once that commit is done, so nothing is acknowledged before it
//! is committed (and, with `synchronous = NORMAL`, as before, a commit survives a crash
//! of the process, not of the machine). A write that fails rolls back to its savepoint
//! alone; a commit that fails fails every write in it (503, "retry": none was made). A
//! large write (an import) commits the open group before it starts and commits alone, so
//! small writes do not wait for it to answer.
//!
//! Requests that are one write (`db::write`) queue for the writer's own thread
//! ([`Writer::queue`]), which runs them one after another in one turn and commits when
//! the queue is empty. Handing the turn from thread to thread instead (a mutex) left it
//! idle while the next thread woke: with 16 writers the machine was 40 % idle, the turn
//! the limit. Writes that come from a thread holding a connection (`Conn::write` inside
//! `db::run`) take the turn themselves; code holding a connection of its own (the CLI,
//! tests) writes on it as before, and SQLite's busy timeout orders it with the writer.
//!
//! Each write is told how the commit holding it went, and only then does the commit hook
//! hear what the write changed (`work::committed`): a copy read meanwhile is of what was
//! committed before it.

use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel, sync_channel};
use std::sync::{Arc, Mutex};

use diesel::connection::{AnsiTransactionManager, Connection, TransactionManager};
use diesel::r2d2::{self, R2D2Connection};
use diesel::result::{DatabaseErrorKind, Error};

use super::work::{self, ChangeSet, Tx};
use super::{AnyConnection, ConnectionManager};

/// What each write of a group SQLite rolled back as a whole is told.
const ROLLED_BACK: &str = "the transaction was rolled back";

/// Writes in one transaction at most: bounds how long the first of them waits.
const MOST_PER_COMMIT: usize = 64;

type Tm = <AnyConnection as Connection>::TransactionManager;

/// A write queued for the writer's thread; it answers its caller itself.
type Job = Box<dyn FnOnce(&Shared, &mut Turn) + Send>;

/// Told how the commit holding a write went.
type Tell = Box<dyn FnOnce(Result<(), String>) + Send>;

/// The writing connection of one SQLite database.
pub struct Writer {
    shared: Arc<Shared>,
    /// The queue of the writer's thread, started at the first queued write; the thread
    /// ends when this is dropped (with the pool).
    jobs: Mutex<Option<Sender<Job>>>,
}

/// What the writer's thread and the threads writing themselves share.
struct Shared {
    manager: ConnectionManager,
    /// Fair where it counts: the writer's thread releases it with `unlock_fair`, handing
    /// it to a thread waiting for it instead of taking it back at once for the next
    /// queued write (std's mutex let it, and the background sealer waited for as long as
    /// writes kept coming).
    turn: parking_lot::Mutex<Turn>,
    /// Threads waiting for the turn: while any is, the commit is left to them.
    waiting: AtomicUsize,
}

struct Turn {
    /// Opened at the first write, and again after it broke.
    conn: Option<AnyConnection>,
    /// Whether a transaction is open, and how many writes ran in it.
    open: bool,
    done: usize,
    /// Whom to tell how the commit went: each successful write in the transaction.
    waiting_for_commit: Vec<Tell>,
}

impl Writer {
    pub fn new(manager: ConnectionManager) -> Writer {
        Writer {
            shared: Arc::new(Shared {
                manager,
                turn: parking_lot::Mutex::new(Turn {
                    conn: None,
                    open: false,
                    done: 0,
                    waiting_for_commit: Vec::new(),
                }),
                waiting: AtomicUsize::new(0),
            }),
            jobs: Mutex::new(None),
        }
    }

    /// Runs `f` as one write on this thread, and answers after the transaction holding it
    /// committed. `alone`: commit what is open first, and this write by itself.
    pub fn write<T, E>(
        &self,
        alone: bool,
        f: impl FnOnce(&mut Tx<'_>) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<Error>,
    {
        let shared = &self.shared;
        let mut turn = shared.take_turn();
        let mut changes = ChangeSet::default();
        let outcome = shared.one_write(&mut turn, alone, |c| f(&mut Tx::new(c, &mut changes)));
        let committed = outcome.is_ok().then(|| {
            let (tell, told) = sync_channel(1);
            turn.waiting_for_commit.push(Box::new(move |committed| {
                let _ = tell.send(committed);
            }));
            told
        });
        shared.commit_unless_awaited(&mut turn, alone);
        drop(turn);

        let value = outcome?;
        match committed.map(|told| told.recv()) {
            Some(Ok(Ok(()))) | None => {
                work::committed(changes);
                Ok(value)
            }
            Some(Ok(Err(message))) => Err(commit_failed(message).into()),
            Some(Err(_)) => Err(writer_gone().into()),
        }
    }

    /// Queues `f` for the writer's thread, and answers after the transaction holding it
    /// committed.
    pub fn queue<T, E, F>(&self, f: F) -> impl Future<Output = Result<T, E>> + use<T, E, F>
    where
        F: FnOnce(&mut Tx<'_>) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<Error> + Send + 'static,
    {
        let (answer, answered) = tokio::sync::oneshot::channel::<Result<T, E>>();
        let job: Job = Box::new(move |shared, turn| {
            let mut changes = ChangeSet::default();
            let outcome = catch_unwind(AssertUnwindSafe(|| {
                shared.one_write(turn, false, |c| f(&mut Tx::new(c, &mut changes)))
            }));
            match outcome {
                Ok(Ok(value)) => turn.waiting_for_commit.push(Box::new(move |committed| {
                    let _ = answer.send(match committed {
                        Ok(()) => {
                            work::committed(changes);
                            Ok(value)
                        }
                        Err(message) => Err(commit_failed(message).into()),
                    });
                })),
                Ok(Err(e)) => {
                    let _ = answer.send(Err(e));
                }
                // A bug, undone by `run`: answered as the server's error it is (500), not
                // as a failed commit the client should retry.
                Err(_) => {
                    let panicked = Error::QueryBuilderError("the write panicked".into());
                    let _ = answer.send(Err(panicked.into()));
                }
            }
        });
        let sent = self.jobs_sender().send(job);
        async move {
            if sent.is_err() {
                return Err(writer_gone().into());
            }
            // A job that never ran (its thread gone) dropped its answer.
            answered.await.unwrap_or_else(|_| Err(writer_gone().into()))
        }
    }

    /// Where to queue writes, starting the writer's thread the first time.
    fn jobs_sender(&self) -> Sender<Job> {
        let mut jobs = self.jobs.lock().unwrap_or_else(|e| e.into_inner());
        jobs.get_or_insert_with(|| {
            let (send, receive) = channel();
            let shared = self.shared.clone();
            std::thread::Builder::new()
                .name("sqlite-writer".into())
                .spawn(move || shared.serve(receive))
                .expect("a thread for the SQLite writer");
            send
        })
        .clone()
    }
}

impl Shared {
    /// The turn, counted as waiting meanwhile (so the holder leaves the commit to us).
    fn take_turn(&self) -> parking_lot::MutexGuard<'_, Turn> {
        self.waiting.fetch_add(1, Ordering::AcqRel);
        let turn = self.turn.lock();
        self.waiting.fetch_sub(1, Ordering::AcqRel);
        turn
    }

    /// The writer's thread: takes the turn when a write is queued, runs every write
    /// queued meanwhile in it, and commits once none is left (or the group is full).
    /// Ends when the writer is dropped.
    fn serve(&self, jobs: Receiver<Job>) {
        while let Ok(first) = jobs.recv() {
            let mut turn = self.take_turn();
            let mut next = Some(first);
            while let Some(job) = next {
                // A job answers its write's panic itself; this keeps the thread for the
                // others should anything else in it panic.
                let _ = catch_unwind(AssertUnwindSafe(|| job(self, &mut turn)));
                next = (turn.done < MOST_PER_COMMIT)
                    .then(|| jobs.try_recv().ok())
                    .flatten();
            }
            self.commit_unless_awaited(&mut turn, false);
            // Handed straight to a thread waiting for it, if any.
            parking_lot::MutexGuard::unlock_fair(turn);
        }
    }

    /// Commits the open group, unless a thread waits for the turn: it joins the group and
    /// commits it in its turn (or the one after it). A full group, or one write `alone`,
    /// is committed at once.
    fn commit_unless_awaited(&self, turn: &mut Turn, alone: bool) {
        if turn.open
            && (alone || self.waiting.load(Ordering::Acquire) == 0 || turn.done >= MOST_PER_COMMIT)
        {
            commit(turn);
        }
    }

    /// Runs `f` in the turn, in the open group unless `alone`; a failure that undid the
    /// whole group fails it.
    fn one_write<T, E>(
        &self,
        turn: &mut Turn,
        alone: bool,
        f: impl FnOnce(&mut AnyConnection) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<Error>,
    {
        if alone && turn.open {
            commit(turn);
        }
        let outcome = self.run(turn, alone, f);
        // A failure SQLite answers by rolling back the whole transaction (disk full, I/O)
        // leaves no group to commit: every write in it failed.
        if turn.open && !only_the_group_is_open(turn) {
            abandon(turn);
            return match outcome {
                Ok(_) => Err(commit_failed(ROLLED_BACK.into()).into()),
                Err(e) => Err(e),
            };
        }
        outcome
    }

    /// Opens the transaction if none is, and runs `f` in a savepoint of it; alone, in
    /// the transaction itself (a savepoint journals every page it changes, which for an
    /// import of 100 000 rows took four times as long).
    fn run<T, E>(
        &self,
        turn: &mut Turn,
        alone: bool,
        f: impl FnOnce(&mut AnyConnection) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<Error>,
    {
        if !turn.open && turn.conn.as_mut().is_none_or(|c| c.is_broken()) {
            turn.conn = None;
            let conn = self.manager.open().map_err(|e| match e {
                r2d2::Error::ConnectionError(e) => Error::DatabaseError(
                    DatabaseErrorKind::ClosedConnection,
                    Box::new(e.to_string()),
                ),
                r2d2::Error::QueryError(e) => e,
            })?;
            turn.conn = Some(conn);
        }
        let conn = turn.conn.as_mut().expect("opened above");
        if !turn.open {
            let AnyConnection::Sqlite(c) = conn else {
                unreachable!("a writer is made for SQLite only")
            };
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?;
            turn.open = true;
        }
        if !alone {
            Tm::begin_transaction(conn)?;
        }
        let result = catch_unwind(AssertUnwindSafe(|| f(conn)));
        turn.done += 1;
        if alone {
            if !matches!(result, Ok(Ok(_))) {
                undo_to(conn, 0);
                turn.open = false;
                turn.done = 0;
            }
            return match result {
                Ok(outcome) => outcome,
                Err(panic) => resume_unwind(panic),
            };
        }
        match result {
            Ok(Ok(value)) => match Tm::commit_transaction(conn) {
                Ok(()) => Ok(value),
                Err(e) => {
                    let _ = Tm::rollback_transaction(conn);
                    Err(e.into())
                }
            },
            Ok(Err(e)) => {
                let _ = Tm::rollback_transaction(conn);
                Err(e)
            }
            Err(panic) => {
                // Down to the group: a panic inside a nested write left its savepoint
                // open too. The group stays open for the writes already in it; the next
                // in line commits them, or this thread now if none waits.
                undo_to(conn, 1);
                self.commit_unless_awaited(turn, false);
                resume_unwind(panic)
            }
        }
    }
}

/// Commits the open transaction and tells every write in it.
fn commit(turn: &mut Turn) {
    if !only_the_group_is_open(turn) {
        // A savepoint left open would be all this commit released.
        return abandon(turn);
    }
    let conn = turn.conn.as_mut().expect("a transaction is open");
    let outcome = Tm::commit_transaction(conn).map_err(|e| e.to_string());
    if outcome.is_err() {
        // What the commit left behind goes with the connection.
        let _ = Tm::rollback_transaction(conn);
        turn.conn = None;
    }
    for tell in turn.waiting_for_commit.drain(..) {
        tell(outcome.clone());
    }
    turn.open = false;
    turn.done = 0;
}

/// Rolls back until `depth` transactions and savepoints are open, or the connection's
/// transaction state is lost (which the caller then finds).
fn undo_to(conn: &mut AnyConnection, depth: u32) {
    while matches!(
        Tm::transaction_manager_status_mut(conn).transaction_depth(),
        Ok(Some(open)) if open.get() > depth
    ) {
        if Tm::rollback_transaction(conn).is_err() {
            break;
        }
    }
}

/// Whether the connection is inside the group's transaction and no deeper.
fn only_the_group_is_open(turn: &mut Turn) -> bool {
    turn.conn.as_mut().is_some_and(|conn| {
        matches!(
            Tm::transaction_manager_status_mut(conn).transaction_depth(),
            Ok(Some(depth)) if depth.get() == 1
        )
    })
}

/// Gives up the open group: each write in it is told it failed, and the connection, in
/// whatever state it is, is closed (which rolls back what is left).
fn abandon(turn: &mut Turn) {
    turn.conn = None;
    turn.open = false;
    turn.done = 0;
    for tell in turn.waiting_for_commit.drain(..) {
        tell(Err(ROLLED_BACK.into()));
    }
}

/// The answer to a write whose writer's thread is gone (the pool was dropped).
fn writer_gone() -> Error {
    commit_failed("the writer went away".into())
}

/// The answer to a write whose commit failed: it was not made, and may be sent again.
fn commit_failed(message: String) -> Error {
    Error::DatabaseError(DatabaseErrorKind::SerializationFailure, Box::new(message))
}

impl ConnectionManager {
    /// A writer for this manager's database, when it is a SQLite file (an in-memory
    /// database is private to its one connection).
    pub(super) fn writer(&self) -> Option<Arc<Writer>> {
        (super::Backend::of(&self.url) == super::Backend::Sqlite && !self.url.contains(":memory:"))
            .then(|| Arc::new(Writer::new(self.clone())))
    }
}

#[cfg(test)]
mod tests {
    //! The writer's paths that no client request can take on purpose: several writes in one
    //! transaction where one fails or panics (also inside a nested write), a transaction
    //! SQLite itself rolls back, an import beside small writes; and the writer's thread:
    //! answers only after the commit, the access stamp moved after it, the thread ending
    //! with its pool.

    use std::sync::mpsc::{Receiver, Sender, channel};
    use std::thread::{self, JoinHandle};
    use std::time::{Duration, Instant};

    use diesel::connection::SimpleConnection;
    use diesel::prelude::*;
    use diesel::sql_types::Integer;

    use super::*;

    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Integer)]
        n: i32,
    }

    struct Db {
        _dir: tempfile::TempDir,
        path: String,
        writer: Arc<Writer>,
    }

    impl Db {
        fn new() -> Db {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("w.db").to_str().unwrap().to_string();
            let writer = crate::db::pool(&path, Some(1)).unwrap().writer.unwrap();
            writer
                .write(false, |c| {
                    c.batch_execute("CREATE TABLE t (n INTEGER NOT NULL)")
                })
                .unwrap();
            Db {
                _dir: dir,
                path,
                writer,
            }
        }

        /// What is committed, read on a connection of its own.
        fn committed(&self) -> Vec<i32> {
            let mut c = diesel::SqliteConnection::establish(&self.path).unwrap();
            diesel::sql_query("SELECT n FROM t ORDER BY n")
                .load::<Row>(&mut c)
                .unwrap()
                .into_iter()
                .map(|r| r.n)
                .collect()
        }

        /// Starts a write of `n` that holds the turn until told to go on, and returns once
        /// it has the turn (and its row is written, uncommitted).
        fn holding(&self, n: i32) -> (JoinHandle<QueryResult<()>>, Sender<()>) {
            let (handle, go_on, turn_taken) = self.holder(n, |_| Ok(()));
            turn_taken.recv().unwrap();
            (handle, go_on)
        }

        /// Starts a write of `n` that, once it has the turn, tells so and waits to be told
        /// to go on, then does `then`.
        fn holder(
            &self,
            n: i32,
            then: fn(&mut AnyConnection) -> QueryResult<()>,
        ) -> (JoinHandle<QueryResult<()>>, Sender<()>, Receiver<()>) {
            let (go_on, wait) = channel::<()>();
            let (has_turn, turn_taken) = channel::<()>();
            let writer = self.writer.clone();
            let handle = thread::spawn(move || {
                writer.write(false, |c| {
                    insert(c, n)?;
                    has_turn.send(()).unwrap();
                    wait.recv().unwrap();
                    then(c)
                })
            });
            (handle, go_on, turn_taken)
        }

        /// Starts a write behind the one holding the turn.
        fn queued<T: Send + 'static>(
            &self,
            f: impl FnOnce(&mut Tx<'_>) -> QueryResult<T> + Send + 'static,
        ) -> JoinHandle<QueryResult<T>> {
            let writer = self.writer.clone();
            thread::spawn(move || writer.write(false, f))
        }

        fn until_waiting(&self, n: usize) {
            let deadline = Instant::now() + Duration::from_secs(10);
            while self.writer.shared.waiting.load(Ordering::Acquire) < n {
                assert!(Instant::now() < deadline, "{n} writes never queued");
                thread::sleep(Duration::from_millis(1));
            }
        }
    }

    fn insert(c: &mut AnyConnection, n: i32) -> QueryResult<()> {
        c.batch_execute(&format!("INSERT INTO t VALUES ({n})"))
    }

    fn join<T>(h: JoinHandle<T>) -> T {
        h.join().expect("the write did not panic")
    }

    fn no_commit_in(r: QueryResult<()>) {
        match r {
            Err(Error::DatabaseError(DatabaseErrorKind::SerializationFailure, _)) => {}
            other => panic!("expected a failed commit, got {other:?}"),
        }
    }

    #[test]
    fn a_write_that_fails_in_a_shared_commit_is_the_only_one_undone() {
        let db = Db::new();
        let (first, go_on) = db.holding(1);
        let failing = db.queued(|c| {
            insert(c, 2)?;
            Err::<(), _>(Error::NotFound)
        });
        let third = db.queued(|c| insert(c, 3));
        db.until_waiting(2);
        go_on.send(()).unwrap();

        assert_eq!(join(first), Ok(()));
        assert_eq!(join(failing), Err(Error::NotFound));
        assert_eq!(join(third), Ok(()));
        assert_eq!(db.committed(), [1, 3]);
    }

    /// Runs `panicking` between two writes of one group, and checks the others committed
    /// and the turn usable after it.
    fn a_panic_between(panicking: impl FnOnce(&mut Tx<'_>) -> QueryResult<()> + Send + 'static) {
        let db = Db::new();
        let (first, go_on) = db.holding(1);
        let panicking = db.queued(panicking);
        let third = db.queued(|c| insert(c, 3));
        db.until_waiting(2);
        go_on.send(()).unwrap();

        assert_eq!(join(first), Ok(()));
        assert!(
            panicking.join().is_err(),
            "the panic reaches its own caller"
        );
        assert_eq!(join(third), Ok(()));
        assert_eq!(db.committed(), [1, 3]);
        assert_eq!(db.writer.write(false, |c| insert(c, 4)), Ok(()));
        assert_eq!(db.committed(), [1, 3, 4]);
    }

    #[test]
    fn a_write_that_panics_in_a_shared_commit_leaves_the_others_committed() {
        a_panic_between(|c| {
            insert(c, 2)?;
            panic!("a bug in the middle of a write");
        });
    }

    #[test]
    fn a_write_that_panics_inside_a_nested_write_is_undone_to_the_group() {
        a_panic_between(|c| {
            c.transaction(|c| -> QueryResult<()> {
                insert(c, 2)?;
                panic!("a bug in the middle of a nested write");
            })
        });
    }

    #[test]
    fn a_transaction_sqlite_rolls_back_fails_every_write_in_it_and_the_next_begins_anew() {
        let db = Db::new();
        let (first, go_on_first) = db.holding(1);
        // What SQLite does on a full disk or an I/O error: the whole transaction ends.
        let (rolling_back, go_on_rolling_back, its_turn) =
            db.holder(2, |c| c.batch_execute("ROLLBACK"));
        db.until_waiting(1);
        go_on_first.send(()).unwrap();
        its_turn.recv().unwrap();
        // A write queued behind it, while the group it joins is gone.
        let next = db.queued(|c| insert(c, 3));
        db.until_waiting(1);
        go_on_rolling_back.send(()).unwrap();

        no_commit_in(join(first));
        assert!(join(rolling_back).is_err());
        assert_eq!(join(next), Ok(()), "it began a transaction of its own");
        assert_eq!(db.committed(), [3]);
    }

    #[test]
    fn an_import_commits_the_open_group_first_and_itself_alone() {
        let db = Db::new();
        let (first, go_on) = db.holding(1);
        let writer = db.writer.clone();
        let import = thread::spawn(move || {
            writer.write(true, |c| {
                insert(c, 2)?;
                Err::<(), _>(Error::NotFound)
            })
        });
        db.until_waiting(1);
        go_on.send(()).unwrap();

        assert_eq!(join(first), Ok(()));
        assert_eq!(join(import), Err(Error::NotFound));
        assert_eq!(db.committed(), [1]);

        // An import that succeeds answers once it is committed, though a write waits.
        let (go_on, wait) = channel::<()>();
        let (has_turn, turn_taken) = channel::<()>();
        let (answer, answered) = channel();
        let writer = db.writer.clone();
        thread::spawn(move || {
            let outcome = writer.write(true, |c| {
                insert(c, 3)?;
                has_turn.send(()).unwrap();
                wait.recv().unwrap();
                Ok::<_, Error>(())
            });
            answer.send(outcome).unwrap();
        });
        turn_taken.recv().unwrap();
        let (small, go_on_small, small_has_turn) = db.holder(4, |_| Ok(()));
        db.until_waiting(1);
        go_on.send(()).unwrap();
        let outcome = answered.recv_timeout(Duration::from_secs(10));
        assert_eq!(
            outcome,
            Ok(Ok(())),
            "the import answered without the write behind it"
        );
        small_has_turn.recv().unwrap();
        assert_eq!(db.committed(), [1, 3]);
        go_on_small.send(()).unwrap();
        assert_eq!(join(small), Ok(()));
        assert_eq!(db.committed(), [1, 3, 4]);
    }

    #[test]
    fn queued_writes_run_on_the_writers_thread_each_undone_alone_when_it_fails() {
        let db = Db::new();
        let (first, go_on) = db.holding(1);
        // Sent now; the writer's thread waits for the turn with the first of them.
        let second = db.writer.queue(|c| insert(c, 2));
        let failing = db.writer.queue(|c| {
            insert(c, 3)?;
            Err::<(), _>(Error::NotFound)
        });
        let panicking = db.writer.queue(|c| -> QueryResult<()> {
            insert(c, 4)?;
            panic!("a bug in the middle of a write");
        });
        let fifth = db.writer.queue(|c| insert(c, 5));
        db.until_waiting(1);
        go_on.send(()).unwrap();

        assert_eq!(join(first), Ok(()), "committed by the writer's thread");
        let answers = actix_web::rt::System::new()
            .block_on(async { (second.await, failing.await, panicking.await, fifth.await) });
        assert_eq!(answers.0, Ok(()));
        assert_eq!(answers.1, Err(Error::NotFound));
        assert!(
            matches!(answers.2, Err(Error::QueryBuilderError(_))),
            "a bug answered as one, not as a commit to retry: {:?}",
            answers.2
        );
        assert_eq!(answers.3, Ok(()));
        assert_eq!(db.committed(), [1, 2, 5]);
    }

    #[test]
    fn the_writers_thread_ends_with_the_writer() {
        let db = Db::new();
        let answer = db.writer.queue(|c| insert(c, 1));
        assert_eq!(actix_web::rt::System::new().block_on(answer), Ok(()));
        let shared = Arc::downgrade(&db.writer.shared);
        drop(db.writer);
        let deadline = Instant::now() + Duration::from_secs(10);
        while shared.upgrade().is_some() {
            assert!(
                Instant::now() < deadline,
                "the writer's thread is still running"
            );
            thread::sleep(Duration::from_millis(1));
        }
    }

    #[test]
    fn a_queued_write_is_answered_only_once_its_group_is_committed() {
        let db = Db::new();
        let (first, go_on) = db.holding(1);
        let second = db.writer.queue(|c| insert(c, 2));
        let (running, ran) = channel::<()>();
        let (go_on_third, wait) = channel::<()>();
        let third = db.writer.queue(move |c| {
            insert(c, 3)?;
            running.send(()).unwrap();
            wait.recv().unwrap();
            Ok::<_, Error>(())
        });
        db.until_waiting(1);
        go_on.send(()).unwrap();
        ran.recv().unwrap();

        // The second write is done, in the group the third is still running in.
        let mut second = std::pin::pin!(second);
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        assert!(
            second.as_mut().poll(&mut cx).is_pending(),
            "answered before its commit"
        );
        assert_eq!(db.committed(), Vec::<i32>::new());
        go_on_third.send(()).unwrap();
        let answers = actix_web::rt::System::new().block_on(async { (second.await, third.await) });
        assert_eq!(answers, (Ok(()), Ok(())));
        assert_eq!(join(first), Ok(()));
        assert_eq!(db.committed(), [1, 2, 3]);
    }

    #[test]
    fn a_queued_write_is_heard_by_the_commit_hook_only_once_committed() {
        use std::sync::atomic::AtomicUsize;
        // The only test of this binary that sets the process's hook.
        static HEARD: AtomicUsize = AtomicUsize::new(0);
        crate::db::on_commit(|changes| {
            if changes.access {
                HEARD.fetch_add(1, Ordering::SeqCst);
            }
        });
        let db = Db::new();
        let (first, go_on) = db.holding(1);
        let changing = db.writer.queue(|tx| {
            tx.changed(ChangeSet::ACCESS);
            insert(tx, 2)
        });
        let (running, ran) = channel::<()>();
        let (go_on_third, wait) = channel::<()>();
        let third = db.writer.queue(move |tx| {
            running.send(()).unwrap();
            wait.recv().unwrap();
            insert(tx, 3)
        });
        db.until_waiting(1);
        let before = HEARD.load(Ordering::SeqCst);
        go_on.send(()).unwrap();
        ran.recv().unwrap();
        // A session read now reads what is committed: its copy must not pass for new.
        assert_eq!(
            HEARD.load(Ordering::SeqCst),
            before,
            "heard before the commit"
        );
        go_on_third.send(()).unwrap();
        let answers =
            actix_web::rt::System::new().block_on(async { (changing.await, third.await) });
        assert_eq!(answers, (Ok(()), Ok(())));
        assert_eq!(join(first), Ok(()));
        assert_eq!(
            HEARD.load(Ordering::SeqCst),
            before + 1,
            "heard once committed"
        );
    }
}

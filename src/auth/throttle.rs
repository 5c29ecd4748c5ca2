//! Throttles: attempts counted per key (a username, a client, an address) in fixed
//! windows, for failed logins, client-credentials requests and public feedback.
//!
//! Counted in the database (`throttle_windows`), so every worker of every instance
//! sharing it counts against one allowance: kept in memory per worker, N workers let an
//! attacker N times the allowance (100 feedback posts got 60 through on two workers,
//! although 30 an hour are allowed). An attempt is counted by one `INSERT … ON CONFLICT
//! DO UPDATE … WHERE attempts < allowance` per key, which counts it, starts a window that
//! ended anew, or changes nothing when the key has used its allowance — the check and the
//! count in one statement, so concurrent attempts cannot both take the last one (the row
//! is locked on PostgreSQL; SQLite has one writer).
//!
//! A key that has used its allowance is answered from a read, so knocking at a locked
//! door costs no write. Ended windows are swept, a hundred at a time, by the writes that
//! count attempts: the table holds the windows of the last hour, whatever knocks.

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::db::schema::throttle_windows;
use crate::db::{self, AnyConnection, Tx};
use crate::error::ApiError;
use crate::on_backend;

/// How many attempts a key has in a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allowance {
    pub attempts: i32,
    pub window: TimeDelta,
}

/// Failed logins per username: 5 in 15 minutes (the current password and client
/// credentials count alike).
pub const LOGIN_PER_USERNAME: Allowance = Allowance {
    attempts: 5,
    window: TimeDelta::minutes(15),
};

/// Failed logins per client address: 50 in 15 minutes, so an office behind one address
/// is not locked out by one guesser, while one address cannot try every username.
pub const LOGIN_PER_ADDRESS: Allowance = Allowance {
    attempts: 50,
    window: TimeDelta::minutes(15),
};

/// One key and its allowance: what is counted. The key is the kind of counter and the
/// SHA-256 of what it counts, so the table holds no username or address in clear and every
/// key has the same short length, whatever a client sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counter {
    key: String,
    allowance: Allowance,
}

impl Counter {
    pub fn new(kind: &str, counted: &str, allowance: Allowance) -> Counter {
        let digest = Sha256::digest(counted.as_bytes());
        Counter {
            key: format!("{kind}:{}", hex::encode(digest)),
            allowance,
        }
    }
}

/// The answer to a key that has used its allowance: 429 with the time its window ends.
fn locked(until: NaiveDateTime) -> ApiError {
    ApiError::too_many_requests_until(until.and_utc())
}

/// Counts one attempt on every counter before the attempt is checked, so attempts sent in
/// parallel all count; 429 (and nothing counted) while any of them has used its allowance.
pub async fn begin(pool: &db::Pool, counters: Vec<Counter>) -> Result<(), ApiError> {
    let now = crate::domain::now();
    let read = counters.clone();
    let lock = db::run(pool, move |conn| -> Result<_, ApiError> {
        Ok(locked_until(conn, &read, now)?)
    });
    if let Some(until) = lock.await? {
        return Err(locked(until));
    }
    db::write(pool, move |conn| take(conn, &counters, now)).await
}

/// When the last of the counters' windows that used their allowance ends, if any did.
pub fn locked_until(
    conn: &mut AnyConnection,
    counters: &[Counter],
    now: NaiveDateTime,
) -> QueryResult<Option<NaiveDateTime>> {
    use throttle_windows::dsl as t;
    let keys: Vec<&str> = counters.iter().map(|c| c.key.as_str()).collect();
    let query = t::throttle_windows
        .select((t::key, t::window_ends, t::attempts))
        .filter(t::key.eq_any(keys))
        .filter(t::window_ends.gt(now));
    let windows: Vec<(String, NaiveDateTime, i32)> = on_backend!(conn, |c| query.load(c))?;
    Ok(windows
        .into_iter()
        .filter(|(key, _, attempts)| {
            counters
                .iter()
                .any(|c| c.key == *key && *attempts >= c.allowance.attempts)
        })
        .map(|(_, ends, _)| ends)
        .max())
}

/// Counts an attempt on a key: starts its window, adds to it, or starts anew a window
/// that ended — and changes nothing once the key has used its allowance (`?4`). The
/// count and the check are one statement, so two attempts cannot both take the last one.
const COUNT: &str = "INSERT INTO throttle_windows (key, window_ends, attempts) VALUES (?1, ?2, 1) \
     ON CONFLICT (key) DO UPDATE SET \
     attempts = CASE WHEN throttle_windows.window_ends <= ?3 THEN 1 \
                ELSE throttle_windows.attempts + 1 END, \
     window_ends = CASE WHEN throttle_windows.window_ends <= ?3 THEN excluded.window_ends \
                   ELSE throttle_windows.window_ends END \
     WHERE throttle_windows.window_ends <= ?3 OR throttle_windows.attempts < ?4";

/// Deletes windows that have ended, a few at a time.
const SWEEP: &str = "DELETE FROM throttle_windows WHERE key IN \
     (SELECT key FROM throttle_windows WHERE window_ends <= ?1 LIMIT 100";

/// A statement written with SQLite's numbered parameters (`?1`), for PostgreSQL (`$1`).
fn postgres(sql: &str) -> String {
    sql.replace('?', "$")
}

/// Counts one attempt on each counter, in one write: all, or none (429) when one has used
/// its allowance. Counters are taken in the order given, which callers keep the same for
/// every attempt (username, then address), so two attempts never wait on each other's rows.
pub fn take(tx: &mut Tx<'_>, counters: &[Counter], now: NaiveDateTime) -> Result<(), ApiError> {
    use diesel::sql_types::{Integer, Text, Timestamp};
    use throttle_windows::dsl as t;
    for counter in counters {
        let count = |sql: &str| {
            diesel::sql_query(sql.to_string())
                .bind::<Text, _>(counter.key.clone())
                .bind::<Timestamp, _>(now + counter.allowance.window)
                .bind::<Timestamp, _>(now)
                .bind::<Integer, _>(counter.allowance.attempts)
        };
        let counted = match tx.conn() {
            AnyConnection::Sqlite(c) => count(COUNT).execute(c),
            AnyConnection::Postgresql(c) => count(&postgres(COUNT)).execute(c),
        }?;
        if counted == 0 {
            // Used up, by this attempt's rivals since the read: the error rolls back what
            // this write counted on the counters before.
            let until = t::throttle_windows
                .find(&counter.key)
                .select(t::window_ends);
            let until: NaiveDateTime = on_backend!(tx, |c| until.get_result(c))?;
            return Err(locked(until));
        }
    }
    sweep(tx, now)?;
    Ok(())
}

/// Deletes up to a hundred windows that have ended. On PostgreSQL it skips rows another
/// write holds, so a sweep never waits for a count, and no two writes wait on each other.
fn sweep(tx: &mut Tx<'_>, now: NaiveDateTime) -> QueryResult<usize> {
    use diesel::sql_types::Timestamp;
    match tx.conn() {
        AnyConnection::Sqlite(c) => diesel::sql_query(format!("{SWEEP})"))
            .bind::<Timestamp, _>(now)
            .execute(c),
        AnyConnection::Postgresql(c) => {
            diesel::sql_query(format!("{} FOR UPDATE SKIP LOCKED)", postgres(SWEEP)))
                .bind::<Timestamp, _>(now)
                .execute(c)
        }
    }
}

/// Logins (and checks of the current password, and client-credentials requests) are
/// throttled per username, or client, and per client address.
#[derive(Debug, Clone, Copy)]
pub struct LoginThrottle {
    pub per_username: Allowance,
    pub per_address: Allowance,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        LoginThrottle {
            per_username: LOGIN_PER_USERNAME,
            per_address: LOGIN_PER_ADDRESS,
        }
    }
}

impl LoginThrottle {
    /// An attempt to log in as `username` (or `client:<id>`) from `address`.
    pub fn attempt(&self, username: &str, address: &str) -> LoginAttempt {
        LoginAttempt {
            username: self.username(username),
            address: Counter::new("login-address", address, self.per_address),
        }
    }

    fn username(&self, username: &str) -> Counter {
        Counter::new("login-username", username, self.per_username)
    }

    /// Lifts the lockout of a username (an admin's decision): its failed attempts are
    /// forgotten. Whether it was locked.
    pub fn lift(&self, conn: &mut AnyConnection, username: &str) -> QueryResult<bool> {
        use throttle_windows::dsl as t;
        let counter = self.username(username);
        let locked = locked_until(conn, std::slice::from_ref(&counter), crate::domain::now())?;
        let delete = diesel::delete(t::throttle_windows.find(&counter.key));
        on_backend!(conn, |c| delete.execute(c))?;
        Ok(locked.is_some())
    }
}

/// One login attempt's counters: its username's and its address's.
#[derive(Debug, Clone)]
pub struct LoginAttempt {
    username: Counter,
    address: Counter,
}

impl LoginAttempt {
    /// Counts the attempt before its password is checked (see `begin`).
    pub async fn begin(&self, pool: &db::Pool) -> Result<(), ApiError> {
        begin(pool, vec![self.username.clone(), self.address.clone()]).await
    }

    /// The attempt succeeded: the username starts afresh, and the address gets its
    /// attempt back, so an office behind one address is not throttled by its own logins.
    /// Runs in the write that records the success.
    pub fn succeeded(&self, conn: &mut AnyConnection) -> QueryResult<()> {
        use throttle_windows::dsl as t;
        let forget = diesel::delete(t::throttle_windows.find(&self.username.key));
        on_backend!(conn, |c| forget.execute(c))?;
        let give_back = diesel::update(t::throttle_windows.find(&self.address.key))
            .filter(t::attempts.gt(0))
            .set(t::attempts.eq(t::attempts - 1));
        on_backend!(conn, |c| give_back.execute(c))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Writes;

    const MINUTE: TimeDelta = TimeDelta::minutes(1);

    fn allowance(attempts: i32) -> Allowance {
        Allowance {
            attempts,
            window: MINUTE,
        }
    }

    /// A migrated SQLite database in a file, so several connections can share it.
    fn database() -> (tempfile::TempDir, db::Pool) {
        let dir = tempfile::tempdir().unwrap();
        let url = dir.path().join("t.db").to_string_lossy().into_owned();
        let pool = db::pool(&url, Some(12)).unwrap();
        db::migrate(&mut pool.checkout().unwrap()).unwrap();
        (dir, pool)
    }

    /// `begin` on a connection of the test's own, at `now`.
    fn try_at(
        conn: &mut db::PooledConn,
        counters: &[Counter],
        now: NaiveDateTime,
    ) -> Result<(), NaiveDateTime> {
        if let Some(until) = locked_until(conn, counters, now).unwrap() {
            return Err(until);
        }
        conn.write(|tx| take(tx, counters, now)).map_err(|e| {
            assert_eq!(e.status.as_u16(), 429, "{e}");
            e.retry_at.unwrap().naive_utc()
        })
    }

    fn login(t: &LoginThrottle, username: &str, address: &str) -> Vec<Counter> {
        let a = t.attempt(username, address);
        vec![a.username, a.address]
    }

    #[test]
    fn locks_after_limit_and_success_resets_username() {
        let (_dir, pool) = database();
        let conn = &mut pool.checkout().unwrap();
        let t = LoginThrottle {
            per_username: allowance(3),
            per_address: allowance(100),
        };
        let now = crate::domain::now();
        for _ in 0..3 {
            assert!(try_at(conn, &login(&t, "an", "1.2.3.4"), now).is_ok());
        }
        let until = try_at(conn, &login(&t, "an", "1.2.3.4"), now).unwrap_err();
        assert_eq!(until, now + MINUTE, "locked until the window ends");
        assert!(try_at(conn, &login(&t, "binh", "1.2.3.4"), now).is_ok());
        conn.write(|tx| t.attempt("an", "1.2.3.4").succeeded(tx))
            .unwrap();
        assert!(try_at(conn, &login(&t, "an", "5.6.7.8"), now).is_ok());
    }

    #[test]
    fn address_limit_covers_many_usernames() {
        let (_dir, pool) = database();
        let conn = &mut pool.checkout().unwrap();
        let t = LoginThrottle {
            per_username: allowance(100),
            per_address: allowance(2),
        };
        let now = crate::domain::now();
        assert!(try_at(conn, &login(&t, "a", "9.9.9.9"), now).is_ok());
        assert!(try_at(conn, &login(&t, "b", "9.9.9.9"), now).is_ok());
        assert!(try_at(conn, &login(&t, "c", "9.9.9.9"), now).is_err());
        assert!(try_at(conn, &login(&t, "c", "8.8.8.8"), now).is_ok());
    }

    #[test]
    fn a_refused_attempt_counts_on_no_counter() {
        // The username is locked: the address's count must not move either.
        let (_dir, pool) = database();
        let conn = &mut pool.checkout().unwrap();
        let t = LoginThrottle {
            per_username: allowance(1),
            per_address: allowance(3),
        };
        let now = crate::domain::now();
        assert!(try_at(conn, &login(&t, "an", "9.9.9.9"), now).is_ok());
        // Past the read, as a rival that counted meanwhile would be.
        let refused = conn.write(|tx| take(tx, &login(&t, "an", "9.9.9.9"), now));
        assert_eq!(refused.unwrap_err().status.as_u16(), 429);
        assert!(try_at(conn, &login(&t, "b", "9.9.9.9"), now).is_ok());
        assert!(try_at(conn, &login(&t, "c", "9.9.9.9"), now).is_ok());
        assert!(try_at(conn, &login(&t, "d", "9.9.9.9"), now).is_err());
    }

    #[test]
    fn attempts_count_before_they_are_checked() {
        // Parallel guesses on their own connections: each is counted as it starts, not
        // when its check fails, and the check and the count are one statement.
        let (_dir, pool) = database();
        let t = LoginThrottle {
            per_username: allowance(3),
            per_address: allowance(100),
        };
        let now = crate::domain::now();
        let started = std::thread::scope(|s| {
            let guesses: Vec<_> = (0..10)
                .map(|_| {
                    let pool = pool.clone();
                    let counters = login(&t, "an", "1.2.3.4");
                    s.spawn(move || {
                        let conn = &mut pool.checkout().unwrap();
                        conn.write(|tx| take(tx, &counters, now)).is_ok()
                    })
                })
                .collect();
            guesses
                .into_iter()
                .map(|g| g.join().unwrap())
                .filter(|started| *started)
                .count()
        });
        assert_eq!(started, 3);
    }

    #[test]
    fn successes_give_the_address_its_attempt_back() {
        let (_dir, pool) = database();
        let conn = &mut pool.checkout().unwrap();
        let t = LoginThrottle {
            per_username: allowance(100),
            per_address: allowance(2),
        };
        let now = crate::domain::now();
        for user in ["a", "b", "c", "d"] {
            assert!(try_at(conn, &login(&t, user, "9.9.9.9"), now).is_ok());
            conn.write(|tx| t.attempt(user, "9.9.9.9").succeeded(tx))
                .unwrap();
        }
    }

    #[test]
    fn a_window_that_ended_starts_anew_and_ended_windows_are_swept() {
        let (_dir, pool) = database();
        let conn = &mut pool.checkout().unwrap();
        let now = crate::domain::now();
        let feedback = |address: &str| vec![Counter::new("feedback", address, allowance(2))];
        for address in (0..150).map(|i| format!("10.0.0.{i}")) {
            assert!(try_at(conn, &feedback(&address), now).is_ok());
        }
        assert!(try_at(conn, &feedback("10.0.0.1"), now).is_ok());
        assert!(try_at(conn, &feedback("10.0.0.1"), now).is_err());
        // A minute later the window has ended: the address starts anew, and each
        // counting write sweeps a hundred ended windows.
        let later = now + MINUTE;
        assert!(try_at(conn, &feedback("10.0.0.1"), later).is_ok());
        let left = |conn: &mut AnyConnection| -> i64 {
            let count = throttle_windows::table.count();
            on_backend!(conn, |c| count.get_result(c)).unwrap()
        };
        assert_eq!(left(conn), 50);
        assert!(try_at(conn, &feedback("10.0.0.1"), later).is_ok());
        assert!(try_at(conn, &feedback("10.0.0.1"), later).is_err());
        assert_eq!(left(conn), 1, "only the window that runs is kept");
    }
}

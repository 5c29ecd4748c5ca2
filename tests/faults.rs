//! Load and faults: the real `thidua` binary under mixed traffic, killed with SIGKILL,
//! stopped with SIGTERM, and cut off from its PostgreSQL — bounded, on loopback only.
//!
//! `THIDUA_LOAD_SECS` sets the length of the mixed-traffic run (default 6 s, so `cargo
//! test` stays quick); `THIDUA_LOAD_SECS=60 cargo test --test faults` is the full run.
//! The mixed-traffic test runs on PostgreSQL too when `THIDUA_TEST_DATABASE_URL` is set;
//! the "PostgreSQL stopped" test starts a throwaway PostgreSQL of its own (`initdb`), never
//! touching a shared server, and is skipped with a reason when `initdb` is not installed.
//!
//! The tests take a lock so they run one at a time: each loads both cores, and the
//! latency bounds they check would mean nothing with another load beside them.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const ADMIN_PASSWORD: &str = "admin-pass-2026";

/// One load test at a time (see the module comment).
fn serial() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn load_secs() -> u64 {
    std::env::var("THIDUA_LOAD_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(6)
}

// --- a small HTTP/1.1 client over plain sockets ------------------------------------------

#[derive(Debug, Clone)]
struct Resp {
    status: u16,
    headers: HashMap<String, String>,
    body: String,
}

impl Resp {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }

    /// A problem+json answer with this status and code.
    fn is_problem(&self, status: u16, code: &str) -> bool {
        self.status == status
            && self.header("content-type") == Some("application/problem+json")
            && self.json()["code"] == code
    }
}

/// Reads one response; `Err` for a connection closed or reset before it was complete.
fn read_response(reader: &mut BufReader<TcpStream>) -> std::io::Result<Resp> {
    let eof = || std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "connection closed");
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Err(eof());
    }
    let status: u16 = line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("bad status line {line:?}")))?;
    let mut headers = HashMap::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Err(eof());
        }
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((k, v)) = l.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    let mut body = Vec::new();
    if let Some(len) = headers.get("content-length") {
        let len: usize = len.parse().map_err(std::io::Error::other)?;
        body.resize(len, 0);
        reader.read_exact(&mut body)?;
    } else if headers
        .get("transfer-encoding")
        .is_some_and(|v| v.contains("chunked"))
    {
        loop {
            line.clear();
            if reader.read_line(&mut line)? == 0 {
                return Err(eof());
            }
            let size = usize::from_str_radix(line.trim(), 16).map_err(std::io::Error::other)?;
            let mut chunk = vec![0; size + 2];
            reader.read_exact(&mut chunk)?;
            if size == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..size]);
        }
    } else if status != 304 && status != 204 {
        reader.read_to_end(&mut body)?;
    }
    Ok(Resp {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

fn request_bytes(
    method: &str,
    path: &str,
    token: Option<&str>,
    headers: &[(&str, &str)],
    body: Option<&str>,
    close: bool,
) -> String {
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    if let Some(t) = token {
        req.push_str(&format!("Authorization: Bearer {t}\r\n"));
    }
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    if close {
        req.push_str("Connection: close\r\n");
    }
    let body = body.unwrap_or("");
    if !body.is_empty() || method != "GET" {
        req.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    req.push_str("\r\n");
    req.push_str(body);
    req
}

fn connect(port: u16) -> std::io::Result<TcpStream> {
    let stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(40)))?;
    stream.set_nodelay(true)?;
    Ok(stream)
}

/// A connection the server has accepted and handed to a worker: it answered one request
/// on it already. (A connection still queued — in the kernel's backlog, or between
/// actix's accept thread and its worker — when a stop begins is dropped unanswered.)
fn accepted(port: u16) -> TcpStream {
    let mut reader = BufReader::new(connect(port).unwrap());
    let req = request_bytes("GET", "/healthz", None, &[], None, false);
    reader.get_mut().write_all(req.as_bytes()).unwrap();
    assert_eq!(read_response(&mut reader).unwrap().status, 200);
    reader.into_inner()
}

/// A keep-alive client: one connection, reopened when the server closes it.
struct Client {
    port: u16,
    token: Option<String>,
    conn: Option<BufReader<TcpStream>>,
}

impl Client {
    fn new(port: u16, token: Option<&str>) -> Client {
        Client {
            port,
            token: token.map(str::to_string),
            conn: None,
        }
    }

    fn send(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&Value>,
    ) -> std::io::Result<Resp> {
        let body = body.map(Value::to_string);
        let req = request_bytes(
            method,
            path,
            self.token.as_deref(),
            headers,
            body.as_deref(),
            false,
        );
        // A kept-alive connection the server closed while idle fails before any byte of
        // an answer: that request was never read, so sending it again is safe.
        let reused = self.conn.is_some();
        match self.try_send(&req) {
            Err(e) if reused && e.kind() == std::io::ErrorKind::UnexpectedEof => {
                self.try_send(&req)
            }
            other => other,
        }
    }

    fn try_send(&mut self, req: &str) -> std::io::Result<Resp> {
        if self.conn.is_none() {
            self.conn = Some(BufReader::new(connect(self.port)?));
        }
        let reader = self.conn.as_mut().unwrap();
        let result = reader
            .get_mut()
            .write_all(req.as_bytes())
            .and_then(|()| read_response(reader));
        match &result {
            Ok(r) if r.header("connection") != Some("close") => {}
            _ => self.conn = None,
        }
        result
    }

    fn get(&mut self, path: &str) -> std::io::Result<Resp> {
        self.send("GET", path, &[], None)
    }

    fn post(&mut self, path: &str, body: Value) -> std::io::Result<Resp> {
        self.send("POST", path, &[], Some(&body))
    }
}

// --- the server as a child process ---------------------------------------------------------

struct Server {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Server {
    /// Starts `thidua serve` on `dir` (its data directory) and waits until it answers.
    fn start(dir: &Path, database_url: &str, extra: &[(&str, &str)]) -> Server {
        let port = free_port();
        let log = dir.join(format!("thidua-{port}.log"));
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_thidua"));
        cmd.current_dir(dir)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("RUST_LOG", "warn,actix_server=info")
            .env("THIDUA_BIND", format!("127.0.0.1:{port}"))
            .env("THIDUA_DATA_DIR", dir.join("data"))
            .env("DATABASE_URL", database_url)
            .env("THIDUA_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap());
        for (k, v) in extra {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().unwrap();
        let start = Instant::now();
        loop {
            if let Ok(r) = Client::new(port, None).get("/healthz")
                && r.status == 200
            {
                break;
            }
            if let Some(status) = child.try_wait().unwrap() {
                panic!(
                    "thidua exited early ({status}): {}",
                    std::fs::read_to_string(&log).unwrap_or_default()
                );
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "thidua did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Server { child, port, log }
    }

    fn signal(&self, sig: &str) {
        let ok = Command::new("kill")
            .arg(format!("-{sig}"))
            .arg(self.child.id().to_string())
            .status()
            .unwrap()
            .success();
        assert!(ok, "kill -{sig}");
    }

    /// Waits for the process to exit, at most `bound`.
    fn wait_exit(&mut self, bound: Duration) -> std::process::ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                start.elapsed() < bound,
                "no exit within {bound:?}: {}",
                self.log_text()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn login(&self) -> String {
        let r = Client::new(self.port, None)
            .post(
                "/api/v1/auth/login",
                json!({"username": "admin", "password": ADMIN_PASSWORD}),
            )
            .unwrap();
        assert_eq!(r.status, 200, "login: {}", r.body);
        r.json()["access_token"].as_str().unwrap().to_string()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A PostgreSQL database made for one test on `THIDUA_TEST_DATABASE_URL`'s server, dropped
/// afterwards (as tests/api/harness.rs does).
struct PgTestDb {
    admin_url: String,
    name: String,
    url: String,
}

impl PgTestDb {
    fn create() -> Option<PgTestDb> {
        use diesel::Connection;
        use diesel::connection::SimpleConnection;
        let Ok(admin_url) = std::env::var("THIDUA_TEST_DATABASE_URL") else {
            eprintln!("THIDUA_TEST_DATABASE_URL is not set: PostgreSQL variant skipped");
            return None;
        };
        let name = format!(
            "thidua_test_{}_{}",
            std::process::id(),
            uuid::Uuid::now_v7().simple()
        );
        let mut conn = diesel::PgConnection::establish(&admin_url)
            .unwrap_or_else(|e| panic!("THIDUA_TEST_DATABASE_URL: cannot connect: {e}"));
        conn.batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap();
        let (base, query) = match admin_url.split_once('?') {
            Some((b, q)) => (b, format!("?{q}")),
            None => (admin_url.as_str(), String::new()),
        };
        let server = base.rsplit_once('/').map(|(s, _)| s).unwrap_or(base);
        let url = format!("{server}/{name}{query}");
        Some(PgTestDb {
            admin_url,
            name,
            url,
        })
    }
}

impl Drop for PgTestDb {
    fn drop(&mut self) {
        use diesel::Connection;
        use diesel::connection::SimpleConnection;
        if let Ok(mut conn) = diesel::PgConnection::establish(&self.admin_url) {
            let _ = conn.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

// --- fixtures ------------------------------------------------------------------------------

/// A province with `n` agencies below it; returns the agencies' ids.
fn seed_units(c: &mut Client, prefix: &str, n: usize) -> Vec<String> {
    let r = c
        .post(
            "/api/v1/org-units",
            json!({"code": format!("{prefix}-ROOT"), "name": "Ủy ban nhân dân tỉnh Hà Tĩnh", "kind": "province"}),
        )
        .unwrap();
    assert_eq!(r.status, 201, "{}", r.body);
    let root = r.json()["id"].as_str().unwrap().to_string();
    (0..n)
        .map(|i| {
            let r = c
                .post(
                    "/api/v1/org-units",
                    json!({"code": format!("{prefix}-{i}"), "name": format!("Sở Nội vụ {i}"), "kind": "agency", "parent_id": root}),
                )
                .unwrap();
            assert_eq!(r.status, 201, "{}", r.body);
            r.json()["id"].as_str().unwrap().to_string()
        })
        .collect()
}

fn staff_body(unit: &str, n: u64) -> Value {
    json!({"full_name": format!("Nguyễn Văn An {n}"), "org_unit_id": unit, "category": "cong_chuc", "position": "Chuyên viên"})
}

/// What a load run saw.
#[derive(Default)]
struct Tally {
    requests: AtomicU64,
    created: Mutex<Vec<String>>,
    /// Answers that should never happen: 5xx, unexpected 4xx, broken connections.
    failures: Mutex<Vec<String>>,
    max_latency_ms: AtomicU64,
}

impl Tally {
    fn fail(&self, what: String) {
        let mut f = self.failures.lock().unwrap();
        if f.len() < 50 {
            f.push(what);
        }
    }

    fn check(&self, what: &str, r: &std::io::Result<Resp>, ok: &[u16], started: Instant) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        self.max_latency_ms
            .fetch_max(started.elapsed().as_millis() as u64, Ordering::Relaxed);
        match r {
            Ok(r) if ok.contains(&r.status) => {}
            Ok(r) => self.fail(format!("{what}: {} {}", r.status, r.body)),
            Err(e) => self.fail(format!("{what}: {e}")),
        }
    }

    fn failures(&self) -> Vec<String> {
        self.failures.lock().unwrap().clone()
    }
}

/// Reads back every id answered 201: each must be there.
fn read_back(port: u16, token: &str, ids: &[String]) {
    let missing = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for chunk in ids.chunks(ids.len().div_ceil(8).max(1)) {
            let missing = &missing;
            s.spawn(move || {
                let mut c = Client::new(port, Some(token));
                for id in chunk {
                    let r = c.get(&format!("/api/v1/staff/{id}")).unwrap();
                    if r.status != 200 {
                        missing
                            .lock()
                            .unwrap()
                            .push(format!("{id}: {} {}", r.status, r.body));
                    }
                }
            });
        }
    });
    let missing = missing.into_inner().unwrap();
    assert!(
        missing.is_empty(),
        "{} acknowledged writes missing: {:?}",
        missing.len(),
        &missing[..missing.len().min(10)]
    );
}

// --- mixed traffic -------------------------------------------------------------------------

/// 64 clients for `THIDUA_LOAD_SECS`: lists, single items, the province report, creates
/// and If-Match updates. No 5xx at all, and every create answered 201 is there afterwards.
fn mixed_traffic(database_url: &str, dir: &Path) {
    const CLIENTS: u64 = 64;
    let server = Server::start(dir, database_url, &[]);
    let token = server.login();
    let port = server.port;
    let mut admin = Client::new(port, Some(&token));
    let units = seed_units(&mut admin, "LOAD", 8);
    // A few records every client reads and updates, so updates race each other.
    let shared: Vec<String> = (0..8)
        .map(|i| {
            let r = admin
                .post(
                    "/api/v1/staff",
                    staff_body(&units[i % units.len()], i as u64),
                )
                .unwrap();
            assert_eq!(r.status, 201, "{}", r.body);
            r.json()["id"].as_str().unwrap().to_string()
        })
        .collect();

    let secs = load_secs();
    let tally = Tally::default();
    let deadline = Instant::now() + Duration::from_secs(secs);
    let kinds: [AtomicU64; 6] = Default::default();
    std::thread::scope(|s| {
        for client in 0..CLIENTS {
            let (tally, units, shared, token, kinds) = (&tally, &units, &shared, &token, &kinds);
            s.spawn(move || {
                let mut c = Client::new(port, Some(token));
                let mut n = client;
                while Instant::now() < deadline {
                    n += CLIENTS;
                    let started = Instant::now();
                    let unit = &units[(n % units.len() as u64) as usize];
                    let one = &shared[(n % shared.len() as u64) as usize];
                    let kind = (n / CLIENTS + client) % 20;
                    match kind {
                        // Lists: 30 %.
                        0..=2 => {
                            let r = c.get("/api/v1/staff?q=nguyen%20van&per_page=20");
                            tally.check("GET /staff", &r, &[200], started);
                            kinds[0].fetch_add(1, Ordering::Relaxed);
                        }
                        3..=5 => {
                            let r = c.get("/api/v1/org-units?per_page=50&sort=-code");
                            tally.check("GET /org-units", &r, &[200], started);
                            kinds[0].fetch_add(1, Ordering::Relaxed);
                        }
                        // Single items: 20 %.
                        6..=9 => {
                            let r = c.get(&format!("/api/v1/staff/{one}"));
                            tally.check("GET /staff/{id}", &r, &[200], started);
                            kinds[1].fetch_add(1, Ordering::Relaxed);
                        }
                        // Reports: 10 %.
                        10 | 11 => {
                            let r = c.get("/api/v1/reports/province");
                            tally.check("GET /reports/province", &r, &[200], started);
                            kinds[2].fetch_add(1, Ordering::Relaxed);
                        }
                        // Creates: 25 % (staff, and now and then a unit).
                        12..=15 => {
                            let r = c.post("/api/v1/staff", staff_body(unit, n));
                            tally.check("POST /staff", &r, &[201], started);
                            if let Ok(r) = &r
                                && r.status == 201
                            {
                                let id = r.json()["id"].as_str().unwrap_or_default().to_string();
                                tally.created.lock().unwrap().push(id);
                            }
                            kinds[3].fetch_add(1, Ordering::Relaxed);
                        }
                        16 => {
                            let r = c.post(
                                "/api/v1/org-units",
                                json!({"code": format!("U{client}-{n}"), "name": format!("Phòng {n}"), "kind": "division", "parent_id": unit}),
                            );
                            tally.check("POST /org-units", &r, &[201], started);
                            kinds[4].fetch_add(1, Ordering::Relaxed);
                        }
                        // Updates with If-Match: 15 %; a lost race answers 412.
                        _ => {
                            let r = c.get(&format!("/api/v1/staff/{one}"));
                            tally.check("GET /staff/{id}", &r, &[200], started);
                            if let Ok(r) = r
                                && let Some(etag) = r.header("etag")
                            {
                                let etag = etag.to_string();
                                let started = Instant::now();
                                let r = c.send(
                                    "PATCH",
                                    &format!("/api/v1/staff/{one}"),
                                    &[("If-Match", &etag)],
                                    Some(&json!({"position": format!("Chuyên viên {n}")})),
                                );
                                tally.check("PATCH /staff/{id}", &r, &[200, 412], started);
                                kinds[5].fetch_add(1, Ordering::Relaxed);
                            }
                        }
                    }
                }
            });
        }
    });
    let created = tally.created.lock().unwrap().clone();
    let requests = tally.requests.load(Ordering::Relaxed);
    let [lists, items, reports, staff, units_made, patches] =
        kinds.map(|k| k.load(Ordering::Relaxed));
    eprintln!(
        "mixed traffic on {}: {CLIENTS} clients, {secs} s: {requests} requests ({:.0}/s): \
         {lists} lists, {items} items, {reports} reports, {staff} staff creates ({} answered 201), \
         {units_made} unit creates, {patches} PATCHes; slowest {} ms",
        if database_url.starts_with("postgres") {
            "PostgreSQL"
        } else {
            "SQLite"
        },
        requests as f64 / secs as f64,
        created.len(),
        tally.max_latency_ms.load(Ordering::Relaxed),
    );
    let failures = tally.failures();
    assert!(
        failures.is_empty(),
        "{} unexpected answers, first: {failures:#?}",
        failures.len()
    );
    assert!(reports > 0 && staff > 0 && patches > 0);
    let started = Instant::now();
    read_back(port, &token, &created);
    eprintln!(
        "read back {} acknowledged creates in {} ms",
        created.len(),
        started.elapsed().as_millis()
    );
    assert!(!server.log_text().contains("database is locked"));
}

#[test]
fn mixed_traffic_sqlite() {
    let _serial = serial();
    let dir = tempfile::tempdir().unwrap();
    let url = dir.path().join("data/thidua.db");
    mixed_traffic(url.to_str().unwrap(), dir.path());
}

#[test]
#[cfg_attr(
    not(thidua_pg_tests),
    ignore = "set THIDUA_TEST_DATABASE_URL to run the PostgreSQL variants"
)]
fn mixed_traffic_postgres() {
    let _serial = serial();
    let Some(db) = PgTestDb::create() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    mixed_traffic(&db.url, dir.path());
}

// --- kill -9 on SQLite -----------------------------------------------------------------------

#[derive(diesel::QueryableByName)]
struct IntegrityCheck {
    #[diesel(sql_type = diesel::sql_types::Text)]
    integrity_check: String,
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// Writers run; the server is killed with SIGKILL in the middle. After a restart on the
/// same data directory every write that was answered 201 is there, and SQLite's
/// `integrity_check` is ok.
#[test]
fn kill_9_during_writes_loses_no_acknowledged_write() {
    use diesel::{Connection, RunQueryDsl};
    let _serial = serial();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("data/thidua.db");
    let url = db.to_str().unwrap().to_string();
    let server = Server::start(dir.path(), &url, &[]);
    let token = server.login();
    let port = server.port;
    let units = seed_units(&mut Client::new(port, Some(&token)), "KILL", 4);

    let killed = AtomicBool::new(false);
    let tally = Tally::default();
    let mut server = server;
    std::thread::scope(|s| {
        for w in 0..16u64 {
            let (tally, units, token, killed) = (&tally, &units, &token, &killed);
            s.spawn(move || {
                let mut c = Client::new(port, Some(token));
                let mut n = w;
                loop {
                    n += 16;
                    let started = Instant::now();
                    let r = c.post("/api/v1/staff", staff_body(&units[(n % 4) as usize], n));
                    match r {
                        Ok(r) if r.status == 201 => tally
                            .created
                            .lock()
                            .unwrap()
                            .push(r.json()["id"].as_str().unwrap().to_string()),
                        // Whatever was in flight when the process died never got an answer.
                        _ if killed.load(Ordering::SeqCst) => return,
                        r => tally.check("POST /staff", &r, &[201], started),
                    }
                }
            });
        }
        std::thread::sleep(Duration::from_secs(3));
        killed.store(true, Ordering::SeqCst);
        server.signal("KILL");
        server.wait_exit(Duration::from_secs(5));
    });
    let failures = tally.failures();
    assert!(failures.is_empty(), "before the kill: {failures:#?}");
    let created = tally.created.lock().unwrap().clone();
    assert!(
        created.len() > 50,
        "only {} writes before the kill",
        created.len()
    );

    // The file as the killed process left it (its WAL beside it): every acknowledged
    // row is there, and the database is sound.
    let mut conn = diesel::SqliteConnection::establish(&url).unwrap();
    let check: Vec<IntegrityCheck> = diesel::sql_query("PRAGMA integrity_check")
        .load(&mut conn)
        .unwrap();
    assert_eq!(check.len(), 1);
    assert_eq!(check[0].integrity_check, "ok");
    let mut found = 0;
    for chunk in created.chunks(500) {
        let list = chunk
            .iter()
            .map(|id| format!("'{id}'"))
            .collect::<Vec<_>>()
            .join(",");
        let count: Vec<Count> = diesel::sql_query(format!(
            "SELECT COUNT(*) AS n FROM staff WHERE id IN ({list})"
        ))
        .load(&mut conn)
        .unwrap();
        found += count[0].n as usize;
    }
    drop(conn);
    assert_eq!(found, created.len(), "acknowledged writes lost by the kill");

    // A restart on the same directory serves them, and the audit trail is whole.
    let server = Server::start(dir.path(), &url, &[]);
    read_back(server.port, &token, &created);
    let r = Client::new(server.port, Some(&token))
        .get("/api/v1/audit-log/verify")
        .unwrap();
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["ok"], true, "{}", r.body);
    eprintln!(
        "kill -9: {} writes answered 201 before SIGKILL, all present after restart; integrity_check ok",
        created.len()
    );
}

// --- SIGTERM ---------------------------------------------------------------------------------

/// Requests under way when SIGTERM arrives are answered in full — creates whose body is
/// still arriving, reports, a burst of writes — and the process then exits 0.
#[test]
fn sigterm_lets_in_flight_requests_finish() {
    let _serial = serial();
    let dir = tempfile::tempdir().unwrap();
    let url = dir.path().join("data/thidua.db");
    let mut server = Server::start(dir.path(), url.to_str().unwrap(), &[]);
    let token = server.login();
    let port = server.port;
    let units = seed_units(&mut Client::new(port, Some(&token)), "TERM", 4);

    // Clients under steady load: whatever they were answered must be whole, and each 201
    // kept; once the signal is sent, new connections are refused.
    let term = AtomicBool::new(false);
    let load = Tally::default();

    // Creates sent but for the last bytes of their bodies: under way, and not finished
    // until after the signal.
    let mut partial = Vec::new();
    for i in 0..16u64 {
        let body = staff_body(&units[(i % 4) as usize], i).to_string();
        let req = request_bytes(
            "POST",
            "/api/v1/staff",
            Some(&token),
            &[],
            Some(&body),
            true,
        );
        let (head, tail) = req.as_bytes().split_at(req.len() - 10);
        let mut stream = accepted(port);
        stream.write_all(head).unwrap();
        partial.push((stream, tail.to_vec()));
    }
    let mut created = Vec::new();
    let mut answered = 0;
    let mut after_signal = 0;
    let mut signalled = Instant::now();
    std::thread::scope(|s| {
        for w in 0..16u64 {
            let (load, units, token, term) = (&load, &units, &token, &term);
            s.spawn(move || {
                let mut c = Client::new(port, Some(token));
                let mut n = 1000 + w;
                loop {
                    n += 16;
                    let started = Instant::now();
                    let r = c.post("/api/v1/staff", staff_body(&units[(n % 4) as usize], n));
                    match r {
                        Ok(r) if r.status == 201 => load
                            .created
                            .lock()
                            .unwrap()
                            .push(r.json()["id"].as_str().unwrap().to_string()),
                        Err(_) if term.load(Ordering::SeqCst) => return,
                        r => load.check("POST /staff", &r, &[201], started),
                    }
                }
            });
        }
        // Complete requests, sent together: writes and reports queue behind each other.
        let mut readers = Vec::new();
        for i in 0..64u64 {
            let req = if i % 4 == 0 {
                request_bytes(
                    "GET",
                    "/api/v1/reports/province",
                    Some(&token),
                    &[],
                    None,
                    true,
                )
            } else {
                let body = staff_body(&units[(i % 4) as usize], 100 + i).to_string();
                request_bytes(
                    "POST",
                    "/api/v1/staff",
                    Some(&token),
                    &[],
                    Some(&body),
                    true,
                )
            };
            let mut stream = accepted(port);
            stream.write_all(req.as_bytes()).unwrap();
            readers.push(stream);
        }
        let readers: Vec<_> = partial
            .iter()
            .map(|(s, _)| s.try_clone().unwrap())
            .chain(readers)
            .map(|stream| {
                s.spawn(move || {
                    let r = read_response(&mut BufReader::new(stream));
                    (r, Instant::now())
                })
            })
            .collect();
        std::thread::sleep(Duration::from_millis(50));
        term.store(true, Ordering::SeqCst);
        server.signal("TERM");
        signalled = Instant::now();
        std::thread::sleep(Duration::from_millis(300));
        for (stream, tail) in &mut partial {
            stream.write_all(tail).unwrap();
        }
        for (i, reader) in readers.into_iter().enumerate() {
            let (r, at) = reader.join().unwrap();
            let r = r.unwrap_or_else(|e| {
                panic!(
                    "request {i} sent before SIGTERM got no answer: {e}; {}",
                    server.log_text()
                )
            });
            match r.status {
                201 => created.push(r.json()["id"].as_str().unwrap().to_string()),
                200 => {}
                _ => panic!("request {i}: {} {}", r.status, r.body),
            }
            answered += 1;
            if at > signalled {
                after_signal += 1;
            }
        }
    });
    let drained = signalled.elapsed();
    let status = server.wait_exit(Duration::from_secs(35));
    let exited = signalled.elapsed();
    assert!(
        status.success(),
        "exit status {status:?}: {}",
        server.log_text()
    );
    // Once stopped, it takes no new connections.
    assert!(connect(port).is_err());
    let failures = load.failures();
    assert!(failures.is_empty(), "{failures:#?}");
    let load_created = load.created.lock().unwrap().clone();
    eprintln!(
        "SIGTERM: {answered} requests in flight all answered ({after_signal} of them after the \
         signal, the last {} ms after it), beside {} creates from 16 loaded clients; exit 0 after {} ms",
        drained.as_millis(),
        load_created.len(),
        exited.as_millis()
    );
    assert!(
        after_signal >= 16,
        "the partial creates finish after the signal"
    );

    // What was answered 201 was committed.
    let server = Server::start(dir.path(), url.to_str().unwrap(), &[]);
    assert_eq!(created.len(), 16 + 48);
    created.extend(load_created);
    read_back(server.port, &token, &created);
}

// --- SQLite locking --------------------------------------------------------------------------

/// 32 writers at once, on a pool larger than the default so connections really contend
/// for SQLite's one write lock: no 5xx, never "database is locked", every 201 kept.
#[test]
fn concurrent_writers_on_sqlite_never_see_database_is_locked() {
    let _serial = serial();
    for pool in ["4", "16"] {
        let dir = tempfile::tempdir().unwrap();
        let url = dir.path().join("data/thidua.db");
        let server = Server::start(
            dir.path(),
            url.to_str().unwrap(),
            &[("THIDUA_DB_POOL_SIZE", pool)],
        );
        let token = server.login();
        let port = server.port;
        let mut admin = Client::new(port, Some(&token));
        let units = seed_units(&mut admin, "LOCK", 4);
        let r = admin
            .post("/api/v1/staff", staff_body(&units[0], 0))
            .unwrap();
        let shared = r.json()["id"].as_str().unwrap().to_string();
        let tally = Tally::default();
        let deadline = Instant::now() + Duration::from_secs(4);
        std::thread::scope(|s| {
            for w in 0..32u64 {
                let (tally, units, token, shared) = (&tally, &units, &token, &shared);
                s.spawn(move || {
                    let mut c = Client::new(port, Some(token));
                    let mut n = w;
                    while Instant::now() < deadline {
                        n += 32;
                        let started = Instant::now();
                        // Mostly creates; now and then a unit, or a read-then-update of
                        // one record all writers share (a lost race answers 412).
                        let r = match n % 10 {
                            0 => c.post(
                                "/api/v1/org-units",
                                json!({"code": format!("D{n}"), "name": "Phòng", "kind": "division", "parent_id": units[0]}),
                            ),
                            1 => c.get(&format!("/api/v1/staff/{shared}")).and_then(|r| {
                                let etag = r.header("etag").unwrap_or_default().to_string();
                                c.send(
                                    "PATCH",
                                    &format!("/api/v1/staff/{shared}"),
                                    &[("If-Match", &etag)],
                                    Some(&json!({"position": format!("Chuyên viên {n}")})),
                                )
                            }),
                            _ => c.post("/api/v1/staff", staff_body(&units[(n % 4) as usize], n)),
                        };
                        if let Ok(r) = &r
                            && r.body.contains("database is locked")
                        {
                            tally.fail(format!("database is locked: {}", r.body));
                        }
                        tally.check("write", &r, &[200, 201, 412], started);
                        if let Ok(r) = &r
                            && r.status == 201
                            && n % 10 > 1
                        {
                            let id = r.json()["id"].as_str().unwrap_or_default().to_string();
                            tally.created.lock().unwrap().push(id);
                        }
                    }
                });
            }
        });
        let failures = tally.failures();
        assert!(failures.is_empty(), "pool {pool}: {failures:#?}");
        let log = server.log_text();
        assert!(!log.contains("database is locked"), "pool {pool}: {log}");
        let created = tally.created.lock().unwrap().clone();
        read_back(port, &token, &created);
        eprintln!(
            "SQLite, 32 writers, pool {pool}: {} writes in 4 s, {} staff kept, slowest {} ms, no lock error",
            tally.requests.load(Ordering::Relaxed),
            created.len(),
            tally.max_latency_ms.load(Ordering::Relaxed)
        );
    }
}

// --- PostgreSQL stopped ----------------------------------------------------------------------

/// A throwaway PostgreSQL cluster of this test's own.
struct ThrowawayPg {
    bin: PathBuf,
    data: PathBuf,
    sock: PathBuf,
    port: u16,
    log: PathBuf,
    postmaster: Option<Child>,
    as_postgres: bool,
}

impl ThrowawayPg {
    fn find_bin() -> Option<PathBuf> {
        let mut candidates: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path().join("bin"))
            .collect();
        candidates.sort();
        candidates.reverse();
        if let Ok(path) = std::env::var("PATH") {
            candidates.extend(std::env::split_paths(&path));
        }
        candidates
            .into_iter()
            .find(|d| d.join("initdb").exists() && d.join("postgres").exists())
    }

    fn command(&self, program: &str) -> Command {
        let exe = self.bin.join(program);
        if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(exe);
            c
        } else {
            Command::new(exe)
        }
    }

    /// `initdb` into `dir`, or `None` (with the reason printed) when it cannot be done.
    fn init(dir: &Path) -> Option<ThrowawayPg> {
        let Some(bin) = Self::find_bin() else {
            eprintln!("initdb not found: the PostgreSQL-stopped test is skipped");
            return None;
        };
        // PostgreSQL refuses to run as root: run it as `postgres` then.
        let root = Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
        let pg = ThrowawayPg {
            bin,
            data: dir.join("pgdata"),
            sock: dir.join("pgsock"),
            port: free_port(),
            log: dir.join("postgres.log"),
            postmaster: None,
            as_postgres: root,
        };
        std::fs::create_dir_all(&pg.sock).unwrap();
        std::fs::create_dir_all(&pg.data).unwrap();
        if root {
            let ok = Command::new("chmod")
                .arg("755")
                .arg(dir)
                .status()
                .is_ok_and(|s| s.success())
                && Command::new("chown")
                    .arg("postgres:")
                    .arg(&pg.sock)
                    .arg(&pg.data)
                    .status()
                    .is_ok_and(|s| s.success());
            if !ok {
                eprintln!("cannot hand a directory to the postgres user: test skipped");
                return None;
            }
        }
        let out = pg
            .command("initdb")
            .args(["-A", "trust", "-U", "postgres", "--no-sync", "-D"])
            .arg(&pg.data)
            .output();
        match out {
            Ok(o) if o.status.success() => Some(pg),
            Ok(o) => panic!("initdb failed: {}", String::from_utf8_lossy(&o.stderr)),
            Err(e) => {
                eprintln!("cannot run initdb, test skipped: {e}");
                None
            }
        }
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    fn start(&mut self) {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .unwrap();
        let child = self
            .command("postgres")
            .arg("-D")
            .arg(&self.data)
            .args(["-p", &self.port.to_string()])
            .args(["-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"])
            .arg("-c")
            .arg(format!("unix_socket_directories={}", self.sock.display()))
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap();
        self.postmaster = Some(child);
        let start = Instant::now();
        loop {
            let ready = self
                .command("pg_isready")
                .args(["-q", "-h", "127.0.0.1", "-p", &self.port.to_string()])
                .status()
                .is_ok_and(|s| s.success());
            if ready {
                return;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "throwaway PostgreSQL did not start: {}",
                std::fs::read_to_string(&self.log).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Stops at once, as a crash would: backends are killed, nothing is flushed.
    fn stop_immediate(&mut self) {
        let _ = self
            .command("pg_ctl")
            .arg("-D")
            .arg(&self.data)
            .args(["stop", "-m", "immediate", "-w"])
            .stdout(Stdio::null())
            .status();
        if let Some(mut child) = self.postmaster.take() {
            let _ = child.wait();
        }
    }
}

impl Drop for ThrowawayPg {
    fn drop(&mut self) {
        if self.postmaster.is_some() {
            self.stop_immediate();
        }
    }
}

/// thidua on a PostgreSQL that stops under load: requests answer 503 problem+json
/// quickly, `/readyz` says not ready, and when PostgreSQL is back thidua serves again by
/// itself, without a restart.
#[test]
#[cfg_attr(
    not(thidua_pg_tests),
    ignore = "set THIDUA_TEST_DATABASE_URL to run the PostgreSQL variants"
)]
fn postgres_stopped_answers_503_and_recovers() {
    let _serial = serial();
    let dir = tempfile::tempdir().unwrap();
    let Some(mut pg) = ThrowawayPg::init(dir.path()) else {
        return;
    };
    pg.start();
    let thidua_dir = dir.path().join("thidua");
    std::fs::create_dir_all(&thidua_dir).unwrap();
    let server = Server::start(&thidua_dir, &pg.url(), &[]);
    let token = server.login();
    let port = server.port;
    let units = seed_units(&mut Client::new(port, Some(&token)), "PG", 4);

    /// One answer: when it was sent (from the start), how long it took, what it was.
    struct Seen {
        sent: Duration,
        took: Duration,
        answer: Result<Resp, String>,
    }
    let log: Mutex<Vec<Seen>> = Mutex::new(Vec::new());
    let stop = AtomicBool::new(false);
    let t0 = Instant::now();
    let mut stopped_at = Duration::ZERO;
    let mut restarted_at = Duration::ZERO;
    let ready_log: Arc<Mutex<Vec<(Duration, u16)>>> = Arc::default();
    std::thread::scope(|s| {
        for w in 0..16u64 {
            let (log, stop, units, token) = (&log, &stop, &units, &token);
            s.spawn(move || {
                let mut c = Client::new(port, Some(token));
                let mut n = w;
                while !stop.load(Ordering::Relaxed) {
                    n += 16;
                    let sent = t0.elapsed();
                    let started = Instant::now();
                    let r = if n % 2 == 0 {
                        c.get("/api/v1/staff?per_page=10")
                    } else {
                        c.post("/api/v1/staff", staff_body(&units[(n % 4) as usize], n))
                    };
                    log.lock().unwrap().push(Seen {
                        sent,
                        took: started.elapsed(),
                        answer: r.map_err(|e| e.to_string()),
                    });
                    std::thread::sleep(Duration::from_millis(20));
                }
            });
        }
        let ready_log = ready_log.clone();
        let stop = &stop;
        s.spawn(move || {
            let mut c = Client::new(port, None);
            while !stop.load(Ordering::Relaxed) {
                let r = c.get("/readyz").map(|r| r.status).unwrap_or(0);
                ready_log.lock().unwrap().push((t0.elapsed(), r));
                std::thread::sleep(Duration::from_millis(100));
            }
        });

        std::thread::sleep(Duration::from_secs(2));
        stopped_at = t0.elapsed();
        pg.stop_immediate();
        std::thread::sleep(Duration::from_secs(8));
        restarted_at = t0.elapsed();
        pg.start();
        // Load keeps going until thidua has served writes again for 2 s, at most 20 s.
        let give_up = Instant::now() + Duration::from_secs(20);
        loop {
            std::thread::sleep(Duration::from_millis(200));
            let recovered_for = log
                .lock()
                .unwrap()
                .iter()
                .filter(|e| e.sent > restarted_at)
                .find(|e| e.answer.as_ref().is_ok_and(|r| r.status == 201))
                .map(|e| t0.elapsed().saturating_sub(e.sent));
            if recovered_for.is_some_and(|d| d > Duration::from_secs(2)) || Instant::now() > give_up
            {
                break;
            }
        }
        stop.store(true, Ordering::Relaxed);
    });

    let log = log.into_inner().unwrap();
    let show = |e: &Seen| match &e.answer {
        Ok(r) => format!(
            "sent at {:?}, took {:?}: {} {}",
            e.sent, e.took, r.status, r.body
        ),
        Err(err) => format!("sent at {:?}, took {:?}: {err}", e.sent, e.took),
    };
    // Never a broken connection, never a 500: each answer is a success, or a 503
    // problem+json `unavailable`.
    let bad: Vec<String> = log
        .iter()
        .filter(|e| match &e.answer {
            Ok(r) => !(r.status < 300 || r.is_problem(503, "unavailable")),
            Err(_) => true,
        })
        .map(show)
        .collect();
    let errors: Vec<String> = server
        .log_text()
        .lines()
        .filter(|l| l.contains("ERROR"))
        .take(20)
        .map(str::to_string)
        .collect();
    assert!(
        bad.is_empty(),
        "{} bad answers: {bad:#?}\nserver errors: {errors:#?}",
        bad.len()
    );

    if std::env::var("THIDUA_FAULTS_DEBUG").is_ok() {
        for e in &log {
            eprintln!("{}", show(e).chars().take(160).collect::<String>());
        }
        eprintln!("stopped at {stopped_at:?}, restarted at {restarted_at:?}");
    }
    // While it is down (after a moment for what was under way), every request is
    // refused with 503, quickly.
    let outage: Vec<&Seen> = log
        .iter()
        .filter(|e| {
            e.sent > stopped_at + Duration::from_millis(500) && e.sent + e.took < restarted_at
        })
        .collect();
    assert!(
        outage.len() > 20,
        "only {} requests during the outage",
        outage.len()
    );
    let slowest = outage.iter().map(|e| e.took).max().unwrap();
    let mut latencies: Vec<Duration> = outage.iter().map(|e| e.took).collect();
    latencies.sort();
    let median = latencies[latencies.len() / 2];
    for e in &outage {
        assert!(
            e.answer
                .as_ref()
                .is_ok_and(|r| r.status == 503 && r.header("retry-after").is_some()),
            "during the outage: {}",
            show(e)
        );
    }
    assert!(
        slowest < Duration::from_secs(6),
        "a 503 took {slowest:?}, want under 6 s"
    );
    let ready = ready_log.lock().unwrap().clone();
    assert!(
        ready
            .iter()
            .filter(|(t, _)| *t > stopped_at + Duration::from_secs(1) && *t < restarted_at)
            .all(|(_, s)| *s == 503),
        "/readyz during the outage: {ready:?}"
    );
    assert!(
        ready
            .iter()
            .any(|(t, s)| *t > stopped_at && *t < restarted_at && *s == 503)
    );

    // Back by itself: the first write after the restart that succeeded, within 15 s.
    let recovered = log
        .iter()
        .filter(|e| e.sent > restarted_at && e.answer.as_ref().is_ok_and(|r| r.status == 201))
        .map(|e| e.sent + e.took)
        .min()
        .expect("no write succeeded after PostgreSQL came back");
    let recovery = recovered - restarted_at;
    assert!(
        recovery < Duration::from_secs(15),
        "recovered after {recovery:?}"
    );
    let ready_again = ready
        .iter()
        .find(|(t, s)| *t > restarted_at && *s == 200)
        .map(|(t, _)| *t - restarted_at)
        .expect("/readyz never said ready again");
    // And it stays recovered: nothing fails once it has.
    let after: Vec<String> = log
        .iter()
        .filter(|e| e.sent > recovered)
        .filter(|e| !e.answer.as_ref().is_ok_and(|r| r.status < 300))
        .map(show)
        .collect();
    assert!(after.is_empty(), "failures after recovery: {after:#?}");
    // The webhook worker, failing every step while PostgreSQL is down, says so once and
    // once more when it is back, not four times a second.
    let worker_lines = server
        .log_text()
        .lines()
        .filter(|l| l.contains("webhook worker"))
        .count();
    assert!(worker_lines <= 4, "{}", server.log_text());
    eprintln!(
        "PostgreSQL stopped for {:?} under load: {} requests in all, {} during the outage, all 503 \
         problem+json (median {} ms, slowest {} ms); writes succeeded again {} ms after \
         PostgreSQL restarted, /readyz ready after {} ms; {worker_lines} webhook worker log line(s)",
        restarted_at - stopped_at,
        log.len(),
        outage.len(),
        median.as_millis(),
        slowest.as_millis(),
        recovery.as_millis(),
        ready_again.as_millis(),
    );
}

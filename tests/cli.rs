//! The `thidua` binary as an operator runs it: first start, configuration errors, signals
//! and the subcommands.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn thidua(dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_thidua"));
    cmd.current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("RUST_LOG", "info");
    cmd
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One HTTP/1.1 request over a plain socket: (status, body).
fn http(port: u16, method: &str, path: &str, body: Option<&str>) -> (u16, String) {
    http_as(port, method, path, None, body)
}

/// The same with `Authorization: Bearer <token>` when a token is given.
fn http_as(
    port: u16,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let body = body.unwrap_or("");
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response.split(' ').nth(1).unwrap().parse().unwrap();
    let body = response.split("\r\n\r\n").nth(1).unwrap_or("").to_string();
    (status, body)
}

/// `thidua` serving on a free port, with its log dropped; stopped (killed) when dropped.
struct Server {
    port: u16,
    child: Child,
}

impl Server {
    /// Serves as `command` (a `thidua(dir)` with its settings) says, once it listens.
    fn start(command: &mut Command) -> Server {
        let port = free_port();
        let mut child = command
            .env("THIDUA_BIND", format!("127.0.0.1:{port}"))
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        wait_ready(port, &mut child);
        Server { port, child }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn wait_ready(port: u16, child: &mut Child) {
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(child.try_wait().unwrap().is_none(), "server exited early");
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "server did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn first_start_makes_an_admin_and_sigterm_stops_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = thidua(dir.path())
        .env("THIDUA_BIND", format!("127.0.0.1:{port}"))
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The generated password is printed once in the log.
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut password = None;
    let mut line = String::new();
    while password.is_none() && stderr.read_line(&mut line).unwrap() > 0 {
        if let Some(rest) = line.split("password '").nth(1) {
            password = Some(rest.split('\'').next().unwrap().to_string());
        }
        line.clear();
    }
    let password = password.expect("the first admin's password in the log");
    std::thread::spawn(move || for _ in stderr.lines() {});
    wait_ready(port, &mut child);

    assert_eq!(http(port, "GET", "/healthz", None).0, 200);
    assert_eq!(http(port, "GET", "/readyz", None).0, 200);
    let login = format!(r#"{{"username": "admin", "password": "{password}"}}"#);
    let (status, body) = http(port, "POST", "/api/v1/auth/login", Some(&login));
    assert_eq!(status, 200, "{body}");

    // The database and the signing secret live in ./data; the secret is private.
    assert!(dir.path().join("data/thidua.db").exists());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("data/jwt-secret"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            start.elapsed() < Duration::from_secs(40),
            "no exit after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");

    // A restart keeps the accounts and the secret: the same password still works.
    let mut child = thidua(dir.path())
        .env("THIDUA_BIND", format!("127.0.0.1:{port}"))
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_ready(port, &mut child);
    assert_eq!(
        http(port, "POST", "/api/v1/auth/login", Some(&login)).0,
        200
    );
    child.kill().unwrap();
    child.wait().unwrap();
}

#[cfg(unix)]
#[test]
fn the_data_directory_the_database_and_the_secrets_are_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let mode = |path: &str| {
        std::fs::metadata(dir.path().join(path))
            .unwrap_or_else(|e| panic!("{path}: {e}"))
            .permissions()
            .mode()
            & 0o777
    };
    let private = [
        "data",
        "data/thidua.db",
        "data/thidua.db-wal",
        "data/thidua.db-shm",
        "data/files",
        "data/jwt-secret",
        "data/audit-key",
        "data/issuer-ed25519.key",
    ];
    // The database holds password hashes and personal data: nobody else may read it.
    let server = Server::start(&mut thidua(dir.path()));
    for path in private {
        assert_eq!(mode(path) & 0o077, 0, "{path}: {:o}", mode(path));
    }
    drop(server);

    // Left open to others (by an older version, or by hand): tightened at the next start.
    for path in private {
        let open = if path.contains('.') || path.ends_with("secret") || path.ends_with("key") {
            0o644
        } else {
            0o755
        };
        std::fs::set_permissions(dir.path().join(path), std::fs::Permissions::from_mode(open))
            .unwrap();
    }
    let server = Server::start(&mut thidua(dir.path()));
    for path in private {
        assert_eq!(mode(path) & 0o077, 0, "{path}: {:o}", mode(path));
    }
    drop(server);
}

#[test]
fn a_bad_setting_stops_start_up_with_one_line_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    for (var, value) in [
        ("THIDUA_BIND", "nowhere"),
        ("THIDUA_JWT_SECRET", "short"),
        ("DATABASE_URL", "mysql://db"),
        ("THIDUA_ADMIN_PASSWORD", "Password1"),
        ("THIDUA_AUDIT_KEY", "short"),
    ] {
        let out = thidua(dir.path()).env(var, value).output().unwrap();
        assert!(!out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        let last = stderr.lines().last().unwrap_or("");
        assert!(
            last.starts_with(&format!("thidua: {var}:")),
            "{var}: {stderr}"
        );
    }
}

#[test]
fn passwords_easy_to_guess_stop_the_commands_that_set_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = thidua(dir.path())
        .args(["create-admin", "ops.admin", "--password-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"ops.admin2026\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("password is too easy to guess"), "{stderr}");

    let out = thidua(dir.path())
        .arg("seed-demo")
        .env("THIDUA_DEMO_PASSWORD", "12345678")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr
            .lines()
            .last()
            .unwrap_or("")
            .starts_with("thidua: THIDUA_DEMO_PASSWORD: is too easy to guess"),
        "{stderr}"
    );
    // Refused before anything was written.
    assert!(!dir.path().join("data/thidua.db").exists());
}

#[test]
fn help_documents_the_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let out = thidua(dir.path()).arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    for var in [
        "THIDUA_BIND",
        "DATABASE_URL",
        "THIDUA_DATA_DIR",
        "THIDUA_JWT_SECRET",
        "THIDUA_AUDIT_KEY",
        "THIDUA_ADMIN_PASSWORD",
        "THIDUA_CORS_ORIGINS",
        "THIDUA_METRICS_BIND",
        "THIDUA_LOG_FORMAT",
        "RUST_LOG",
    ] {
        assert!(help.contains(var), "{var} in --help");
    }
    assert!(
        help.contains("healthcheck"),
        "the healthcheck command in --help"
    );
}

#[test]
fn migrate_and_create_admin() {
    let dir = tempfile::tempdir().unwrap();
    let out = thidua(dir.path()).arg("migrate").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("applied"));

    let mut child = thidua(dir.path())
        .args(["create-admin", "ops", "--password-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"ops-password-2026\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("created admin ops"));

    let again = thidua(dir.path())
        .args(["create-admin", "ops"])
        .output()
        .unwrap();
    assert!(!again.status.success(), "the username is taken");

    let server = Server::start(
        thidua(dir.path()).env("THIDUA_ADMIN_PASSWORD", "unused-because-an-account-exists"),
    );
    let port = server.port;
    let login = r#"{"username": "ops", "password": "ops-password-2026"}"#;
    assert_eq!(http(port, "POST", "/api/v1/auth/login", Some(login)).0, 200);
    // No `admin` was made: an account already existed.
    let admin = r#"{"username": "admin", "password": "unused-because-an-account-exists"}"#;
    assert_eq!(http(port, "POST", "/api/v1/auth/login", Some(admin)).0, 401);
    drop(server);
}

#[test]
fn openapi_subcommand_prints_the_committed_document() {
    let dir = tempfile::tempdir().unwrap();
    let out = thidua(dir.path()).arg("openapi").output().unwrap();
    assert!(out.status.success());
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json"))
            .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), committed);
}

#[test]
fn seed_demo_keeps_the_first_admin_and_runs_twice() {
    let dir = tempfile::tempdir().unwrap();
    let out = thidua(dir.path())
        .arg("seed-demo")
        .env("THIDUA_DEMO_PASSWORD", "demo-password-2026")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let admin_password = stdout
        .split("username 'admin', password '")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("the first admin is made and shown")
        .to_string();
    assert!(stdout.contains("officer.na"), "{stdout}");
    let again = thidua(dir.path()).arg("seed-demo").output().unwrap();
    assert!(String::from_utf8_lossy(&again.stdout).contains("nothing changed"));

    let server = Server::start(&mut thidua(dir.path()));
    let port = server.port;
    for (user, password) in [
        ("admin", admin_password.as_str()),
        ("officer.na", "demo-password-2026"),
    ] {
        let login = format!(r#"{{"username": "{user}", "password": "{password}"}}"#);
        assert_eq!(
            http(port, "POST", "/api/v1/auth/login", Some(&login)).0,
            200,
            "{user}"
        );
    }
    drop(server);
}

#[test]
fn audit_verify_finds_an_edited_entry() {
    use diesel::{Connection, RunQueryDsl};
    let dir = tempfile::tempdir().unwrap();
    let out = thidua(dir.path())
        .args(["create-admin", "ops"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let verify = || {
        thidua(dir.path())
            .args(["audit", "verify"])
            .output()
            .unwrap()
    };
    let out = verify();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("audit trail intact: 1 entries"));

    let db = dir.path().join("data/thidua.db");
    let mut conn = diesel::SqliteConnection::establish(db.to_str().unwrap()).unwrap();
    diesel::sql_query("UPDATE audit_log SET actor_id = 'someone-else'")
        .execute(&mut conn)
        .unwrap();
    let out = verify();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("altered: entry 1"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("audit trail broken"));

    // A row put straight into the table is never chained, and verify names it.
    diesel::sql_query(
        "INSERT INTO audit_log (at, action, resource_type, resource_id) \
         VALUES ('2026-12-07 08:00:00', 'created', 'user', 'forged')",
    )
    .execute(&mut conn)
    .unwrap();
    let out = verify();
    assert!(!out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("not_written_by_service: entry 2"),
        "{stdout}"
    );
    // Verify never makes a key of its own: one the service never used would call every
    // row forged.
    std::fs::remove_file(dir.path().join("data/audit-key")).unwrap();
    let out = verify();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("THIDUA_AUDIT_KEY"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!dir.path().join("data/audit-key").exists());
}

#[test]
fn backup_copies_a_live_sqlite_database_that_restores() {
    use diesel::{Connection, QueryableByName, RunQueryDsl};
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(thidua(dir.path()).env("THIDUA_ADMIN_PASSWORD", "admin-pass-2026"));
    let port = server.port;
    let login = r#"{"username": "admin", "password": "admin-pass-2026"}"#;
    // Logins write (a session and an audit row each) while the copy is taken.
    let writer = std::thread::spawn(move || {
        for _ in 0..20 {
            assert_eq!(http(port, "POST", "/api/v1/auth/login", Some(login)).0, 200);
        }
    });
    let copy = dir.path().join("copy.db");
    let out = thidua(dir.path())
        .args(["backup", copy.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    writer.join().unwrap();
    // Never over an existing file.
    let again = thidua(dir.path())
        .args(["backup", copy.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!again.status.success());
    drop(server);

    #[derive(QueryableByName)]
    struct Check {
        #[diesel(sql_type = diesel::sql_types::Text)]
        integrity_check: String,
    }
    let mut conn = diesel::SqliteConnection::establish(copy.to_str().unwrap()).unwrap();
    let check: Vec<Check> = diesel::sql_query("PRAGMA integrity_check")
        .load(&mut conn)
        .unwrap();
    assert_eq!(check[0].integrity_check, "ok");
    drop(conn);

    // Restore: the copy in a fresh data directory serves the same accounts.
    let restored = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(restored.path().join("data")).unwrap();
    std::fs::copy(&copy, restored.path().join("data/thidua.db")).unwrap();
    // With the audit key, which the database does not hold: kept apart from the copy.
    std::fs::copy(
        dir.path().join("data/audit-key"),
        restored.path().join("data/audit-key"),
    )
    .unwrap();
    let out = thidua(restored.path())
        .args(["audit", "verify"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let server = Server::start(&mut thidua(restored.path()));
    let port = server.port;
    assert_eq!(http(port, "POST", "/api/v1/auth/login", Some(login)).0, 200);
    drop(server);
}

/// A webhook receiver on a plain socket: answers 200 to everything and keeps each
/// delivery's `Thidua-Event-Id`.
fn webhook_receiver() -> (u16, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let kept = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let kept = kept.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream);
                let (mut length, mut event) = (0usize, None);
                let mut line = String::new();
                while reader.read_line(&mut line).unwrap_or(0) > 0 && line != "\r\n" {
                    let lower = line.to_ascii_lowercase();
                    if let Some(v) = lower.strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap_or(0);
                    }
                    if lower.starts_with("thidua-event-id:") {
                        event = line.split_once(':').map(|(_, v)| v.trim().to_string());
                    }
                    line.clear();
                }
                let mut body = vec![0; length];
                let _ = reader.read_exact(&mut body);
                if let Some(event) = event {
                    kept.lock().unwrap().push(event);
                }
                let _ = reader.get_mut().write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                );
            });
        }
    });
    (port, seen)
}

fn json_field(body: &str, pointer: &str) -> serde_json::Value {
    let value: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
    value.pointer(pointer).cloned().unwrap_or_default()
}

/// Two instances on one PostgreSQL serve as one service: a token from one works on the
/// other, both show the same change feed and credential issuer, and with both workers
/// running each webhook event is delivered once.
/// The audit key every instance of one database shares, as it shares the JWT secret.
const AUDIT_KEY: &str = "one-audit-key-shared-by-every-instance-2026";

#[test]
#[cfg_attr(
    not(thidua_pg_tests),
    ignore = "set THIDUA_TEST_DATABASE_URL to run the PostgreSQL variants"
)]
fn two_instances_on_one_postgresql_serve_as_one() {
    use diesel::{Connection, RunQueryDsl};
    let Ok(admin_url) = std::env::var("THIDUA_TEST_DATABASE_URL") else {
        eprintln!("skipped: THIDUA_TEST_DATABASE_URL is not set");
        return;
    };
    let name = format!("thidua_test_{}_instances", std::process::id());
    let mut admin_conn = diesel::PgConnection::establish(&admin_url).unwrap();
    diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&mut admin_conn)
        .unwrap();
    diesel::sql_query(format!("CREATE DATABASE {name}"))
        .execute(&mut admin_conn)
        .unwrap();
    let (base, query) = admin_url.split_once('?').unwrap_or((&admin_url, ""));
    let server = base.rsplit_once('/').map_or(base, |(s, _)| s);
    let url = format!(
        "{server}/{name}{}",
        if query.is_empty() {
            String::new()
        } else {
            format!("?{query}")
        }
    );

    let issuer_key = {
        // A key made by one instance, given to both through configuration.
        let dir = tempfile::tempdir().unwrap();
        let out = thidua(dir.path())
            .args(["migrate"])
            .env("DATABASE_URL", &url)
            .env("THIDUA_AUDIT_KEY", AUDIT_KEY)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let port = free_port();
        let mut child = thidua(dir.path())
            .env("DATABASE_URL", &url)
            .env("THIDUA_AUDIT_KEY", AUDIT_KEY)
            .env("THIDUA_BIND", format!("127.0.0.1:{port}"))
            .env("THIDUA_ADMIN_PASSWORD", "admin-pass-2026")
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        wait_ready(port, &mut child);
        child.kill().unwrap();
        child.wait().unwrap();
        std::fs::read_to_string(dir.path().join("data/issuer-ed25519.key")).unwrap()
    };
    let (hook_port, delivered) = webhook_receiver();
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let ports = [free_port(), free_port()];
    let mut children: Vec<Child> = dirs
        .iter()
        .zip(ports)
        .map(|(dir, port)| {
            thidua(dir.path())
                .env("DATABASE_URL", &url)
                .env("THIDUA_BIND", format!("127.0.0.1:{port}"))
                .env(
                    "THIDUA_JWT_SECRET",
                    "one-secret-shared-by-every-instance-2026",
                )
                .env("THIDUA_ISSUER_KEY", issuer_key.trim())
                .env("THIDUA_AUDIT_KEY", AUDIT_KEY)
                .env("THIDUA_WEBHOOK_ALLOWED_HOSTS", "127.0.0.1")
                .env("THIDUA_WEBHOOK_TICK_MS", "50")
                .stderr(Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for (child, port) in children.iter_mut().zip(ports) {
        wait_ready(port, child);
    }
    let [a, b] = ports;

    // A token from one instance works on the other.
    let login = r#"{"username": "admin", "password": "admin-pass-2026"}"#;
    let (status, body) = http(a, "POST", "/api/v1/auth/login", Some(login));
    assert_eq!(status, 200, "{body}");
    let token = json_field(&body, "/access_token")
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        http_as(b, "GET", "/api/v1/auth/me", Some(&token), None).0,
        200
    );

    // A logout on one instance ends the session on the other, though the other has just
    // read it (and keeps what it read until it sees the database written).
    let (_, body) = http(a, "POST", "/api/v1/auth/login", Some(login));
    let leaving = json_field(&body, "/access_token")
        .as_str()
        .unwrap()
        .to_string();
    let me = |port| http_as(port, "GET", "/api/v1/auth/me", Some(&leaving), None).0;
    assert_eq!(me(b), 200);
    assert_eq!(
        http_as(a, "POST", "/api/v1/auth/logout", Some(&leaving), None).0,
        204
    );
    assert_eq!(me(a), 401, "at once on the instance that wrote");
    let deadline = Instant::now() + Duration::from_secs(10);
    while me(b) != 401 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(me(b), 401, "soon on the other");

    // One subscription; both instances' workers run.
    let hook = format!(
        r#"{{"name": "Cổng dữ liệu", "url": "http://127.0.0.1:{hook_port}/hook", "event_types": ["org_unit.*"]}}"#
    );
    let (status, body) = http_as(a, "POST", "/api/v1/webhooks", Some(&token), Some(&hook));
    assert_eq!(status, 201, "{body}");

    // Writes through both instances at once.
    let writers: Vec<_> = (0..10)
        .map(|i| {
            let (port, token) = (ports[i % 2], token.clone());
            std::thread::spawn(move || {
                let unit = format!(r#"{{"code": "T{i}", "name": "Tỉnh {i}", "kind": "province"}}"#);
                let (status, body) =
                    http_as(port, "POST", "/api/v1/org-units", Some(&token), Some(&unit));
                assert_eq!(status, 201, "{body}");
                json_field(&body, "/id").as_str().unwrap().to_string()
            })
        })
        .collect();
    let mut created: Vec<String> = writers.into_iter().map(|w| w.join().unwrap()).collect();
    created.sort();

    // The same feed from both, with every unit in it.
    let feed = |port| {
        let (status, body) = http_as(
            port,
            "GET",
            "/api/v1/changes?resource_type=org_unit&limit=1000",
            Some(&token),
            None,
        );
        assert_eq!(status, 200, "{body}");
        json_field(&body, "/items")
    };
    let from_a = feed(a);
    assert_eq!(from_a, feed(b));
    let mut in_feed: Vec<String> = from_a
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["resource_id"].as_str().unwrap().to_string())
        .collect();
    in_feed.sort();
    assert_eq!(in_feed, created);
    let events: Vec<String> = from_a
        .as_array()
        .unwrap()
        .iter()
        .map(|c| format!("evt_{}", c["position"]))
        .collect();

    // Each event delivered exactly once, though two workers compete for it.
    let deadline = Instant::now() + Duration::from_secs(30);
    while delivered.lock().unwrap().len() < events.len() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(500));
    let mut got = delivered.lock().unwrap().clone();
    got.sort();
    let mut expected = events.clone();
    expected.sort();
    assert_eq!(got, expected, "each event once");

    // One credential issuer for both.
    assert_eq!(
        http(a, "GET", "/api/v1/public/issuer", None),
        http(b, "GET", "/api/v1/public/issuer", None)
    );
    // One audit key for both: each chains the other's rows, and the trail verifies.
    for port in ports {
        let (status, body) = http_as(port, "GET", "/api/v1/audit-log/verify", Some(&token), None);
        assert_eq!(status, 200, "{body}");
        assert_eq!(json_field(&body, "/ok"), true, "{body}");
    }
    for child in &mut children {
        child.kill().unwrap();
        child.wait().unwrap();
    }
    let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&mut admin_conn);
}

#[test]
fn seed_bench_fills_a_database_the_api_serves_and_refuses_a_second_run() {
    let dir = tempfile::tempdir().unwrap();
    let password = "bench-password-2026";
    let out = thidua(dir.path())
        .args([
            "seed-bench",
            "--units",
            "5",
            "--staff",
            "50",
            "--evidence",
            "200",
        ])
        .args(["--nominations", "30", "--plans", "2", "--criteria", "6"])
        .env("THIDUA_ADMIN_PASSWORD", password)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("created 200 evidence"), "{stdout}");
    let value = |key: &str| {
        stdout
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{key}=")))
            .unwrap_or_else(|| panic!("{key} in {stdout}"))
            .to_string()
    };
    let plan_id = value("plan_id");
    let last_year: i32 = value("last_year").parse().unwrap();

    // Bench data is there: a second run refuses, unless told to add another set.
    let again = thidua(dir.path())
        .args(["seed-bench", "--units", "5", "--staff", "50"])
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));

    let server = Server::start(&mut thidua(dir.path()));
    let port = server.port;
    let login = format!(r#"{{"username": "admin", "password": "{password}"}}"#);
    let (status, body) = http(port, "POST", "/api/v1/auth/login", Some(&login));
    assert_eq!(status, 200, "{body}");
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    let token = body["access_token"].as_str().unwrap();

    let json = |path: &str| {
        let (status, body) = http_as(port, "GET", path, Some(token), None);
        assert_eq!(status, 200, "{path}: {body}");
        serde_json::from_str::<serde_json::Value>(&body).unwrap()
    };
    assert_eq!(json("/api/v1/evidence?per_page=1")["total"], 200);
    assert_eq!(json("/api/v1/staff?per_page=1")["total"], 50);
    let plan = json(&format!("/api/v1/plans/{plan_id}"));
    assert_eq!(plan["status"], "issued");
    assert_eq!(
        json(&format!("/api/v1/plans/{plan_id}/criteria"))["total"],
        6
    );
    let report = json(&format!(
        "/api/v1/reports/plans/{plan_id}/yearly?year={}",
        last_year - 1
    ));
    assert!(report["summary"]["units_taking_part"].as_i64().unwrap() > 0);
    assert_eq!(json("/api/v1/nominations?per_page=1")["total"], 30);
    assert!(json("/api/v1/awards?per_page=1")["total"].as_i64().unwrap() > 0);
    // The load is in the audit trail, sealed into its hash chain.
    assert_eq!(json("/api/v1/audit-log/verify")["ok"], true);
    drop(server);
}

/// stderr's lines that hold anything.
fn lines_of(stderr: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(stderr)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect()
}

/// `THIDUA_TEST_DATABASE_URL` with its host, port, database and password replaced.
fn postgres_url(port: Option<u16>, database: &str, password: &str) -> Option<String> {
    let admin_url = std::env::var("THIDUA_TEST_DATABASE_URL").ok()?;
    let mut url = url::Url::parse(&admin_url).unwrap();
    if let Some(port) = port {
        url.set_port(Some(port)).unwrap();
    }
    url.set_password(Some(password)).unwrap();
    url.set_path(&format!("/{database}"));
    Some(url.to_string())
}

/// A wrong port and a database that does not exist each stop start-up within seconds,
/// with one line that names DATABASE_URL (and not its password) — not r2d2 retrying
/// and logging for the pool's whole connection timeout.
#[test]
fn a_wrong_database_url_stops_start_up_in_seconds_with_one_line() {
    let password = "not-shown-2026";
    let nothing_listens = free_port();
    let missing = format!("thidua_missing_{}", std::process::id());
    let (Some(wrong_port), Some(missing_database)) = (
        postgres_url(Some(nothing_listens), "postgres", password),
        postgres_url(None, &missing, password),
    ) else {
        eprintln!("skipped: THIDUA_TEST_DATABASE_URL is not set");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    for (case, url) in [
        ("wrong port", wrong_port),
        ("missing database", missing_database),
    ] {
        let started = Instant::now();
        let out = thidua(dir.path())
            .env("DATABASE_URL", &url)
            .env("THIDUA_BIND", format!("127.0.0.1:{}", free_port()))
            .output()
            .unwrap();
        let took = started.elapsed();
        assert!(!out.status.success(), "{case}");
        assert!(took < Duration::from_secs(10), "{case}: took {took:?}");
        let lines = lines_of(&out.stderr);
        assert_eq!(lines.len(), 1, "{case}: one line: {lines:#?}");
        assert!(
            lines[0].starts_with("thidua: DATABASE_URL: "),
            "{case}: {}",
            lines[0]
        );
        assert!(!lines[0].contains(password), "{case}: {}", lines[0]);
    }
}

/// A port in use stops start-up before anything is made: the error names THIDUA_BIND, no
/// password and no "listening" line is printed, and the first admin is still to be made
/// (a start on a free port then prints its password).
#[test]
fn a_taken_port_stops_start_up_before_the_first_admin_is_made() {
    let dir = tempfile::tempdir().unwrap();
    for var in ["THIDUA_BIND", "THIDUA_METRICS_BIND"] {
        let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let taken_at = taken.local_addr().unwrap().to_string();
        let (bind, metrics_bind) = match var {
            "THIDUA_BIND" => (taken_at, format!("127.0.0.1:{}", free_port())),
            _ => (format!("127.0.0.1:{}", free_port()), taken_at),
        };
        let started = Instant::now();
        let out = thidua(dir.path())
            .env("THIDUA_BIND", bind)
            .env("THIDUA_METRICS_BIND", metrics_bind)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{var}");
        assert!(started.elapsed() < Duration::from_secs(10), "{var}");
        let lines = lines_of(&out.stderr);
        assert!(
            lines
                .last()
                .unwrap()
                .starts_with(&format!("thidua: {var}: ")),
            "{var}: {lines:#?}"
        );
        for line in &lines {
            assert!(!line.contains("password"), "{var}: {line}");
            assert!(!line.contains("listening"), "{var}: {line}");
        }
    }

    let port = free_port();
    let mut child = thidua(dir.path())
        .env("THIDUA_BIND", format!("127.0.0.1:{port}"))
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let made = stderr
        .lines()
        .map_while(Result::ok)
        .any(|line| line.contains("created the first account"));
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        made,
        "the first admin is made on the first start that serves"
    );
}

/// `thidua healthcheck` (the image's HEALTHCHECK) asks /healthz on THIDUA_BIND — an
/// unspecified address such as 0.0.0.0 is asked on loopback — and exits 0, or 1 with
/// one line when nothing answers.
#[test]
fn healthcheck_asks_the_server_on_thidua_bind() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&mut thidua(dir.path()));
    let port = server.port;
    for bind in [format!("127.0.0.1:{port}"), format!("0.0.0.0:{port}")] {
        let out = thidua(dir.path())
            .arg("healthcheck")
            .env("THIDUA_BIND", &bind)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{bind}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    drop(server);
    let started = Instant::now();
    let out = thidua(dir.path())
        .arg("healthcheck")
        .env("THIDUA_BIND", format!("127.0.0.1:{port}"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(started.elapsed() < Duration::from_secs(10));
    let lines = lines_of(&out.stderr);
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert!(
        lines[0].starts_with("thidua: healthcheck: "),
        "{}",
        lines[0]
    );
}

/// stderr of a child, line by line, kept as it comes.
fn collect_lines(
    stderr: impl Read + Send + 'static,
) -> (
    std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    std::thread::JoinHandle<()>,
) {
    let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let kept = lines.clone();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            kept.lock().unwrap().push(line);
        }
    });
    (lines, reader)
}

/// With THIDUA_LOG_FORMAT=json every line on stderr is one JSON object (time in RFC 3339,
/// level, target, message); a request's access line carries its id, the account, the
/// method, the route's template, the status and the duration; the start-up line names
/// the SQLite database.
#[test]
fn json_logs_are_one_object_a_line_with_the_access_fields() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = thidua(dir.path())
        .env("THIDUA_BIND", format!("127.0.0.1:{port}"))
        .env("THIDUA_LOG_FORMAT", "json")
        .env("THIDUA_ADMIN_PASSWORD", "admin-pass-2026")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (lines, reader) = collect_lines(child.stderr.take().unwrap());
    wait_ready(port, &mut child);
    let login = r#"{"username": "admin", "password": "admin-pass-2026"}"#;
    let (status, body) = http(port, "POST", "/api/v1/auth/login", Some(login));
    assert_eq!(status, 200, "{body}");
    let token = json_field(&body, "/access_token");
    let token = token.as_str().unwrap();
    let (_, me) = http_as(port, "GET", "/api/v1/auth/me", Some(token), None);
    let user_id = json_field(&me, "/user/id");
    let user_id = user_id.as_str().unwrap();
    let (status, _) = http_as(
        port,
        "GET",
        &format!("/api/v1/users/{user_id}"),
        Some(token),
        None,
    );
    assert_eq!(status, 200);
    Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    child.wait().unwrap();
    reader.join().unwrap();

    let lines = lines.lock().unwrap();
    assert!(!lines.is_empty());
    let objects: Vec<serde_json::Value> = lines
        .iter()
        .map(|line| {
            let value: serde_json::Value =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
            for field in ["time", "level", "target", "message"] {
                assert!(value[field].is_string(), "{field} in {line}");
            }
            chrono::DateTime::parse_from_rfc3339(value["time"].as_str().unwrap())
                .unwrap_or_else(|e| panic!("time in RFC 3339 ({e}): {line}"));
            value
        })
        .collect();
    let access = objects
        .iter()
        .find(|o| o["route"] == "/api/v1/users/{id}")
        .unwrap_or_else(|| panic!("the access line of GET /api/v1/users/…: {lines:#?}"));
    assert_eq!(access["method"], "GET");
    assert_eq!(access["status"], 200);
    assert_eq!(access["user_id"], user_id);
    assert!(
        access["request_id"]
            .as_str()
            .is_some_and(|id| !id.is_empty())
    );
    assert!(access["duration_ms"].is_number(), "{access}");
    assert!(
        !access.to_string().contains(token),
        "the token stays out of the log"
    );
    let database = dir.path().join("data/thidua.db");
    assert!(
        objects.iter().any(|o| o["message"]
            .as_str()
            .is_some_and(|m| m.contains("SQLite") && m.contains("data/thidua.db"))),
        "the start-up line names {}: {lines:#?}",
        database.display()
    );
}

/// The start-up line names a PostgreSQL database by host, port and name, never with its
/// password.
#[test]
fn the_start_up_line_names_the_postgresql_database_without_its_password() {
    use diesel::{Connection, RunQueryDsl};
    let password = "not-shown-2026";
    let name = format!("thidua_test_{}_named", std::process::id());
    let (Ok(admin_url), Some(url)) = (
        std::env::var("THIDUA_TEST_DATABASE_URL"),
        postgres_url(None, &name, password),
    ) else {
        eprintln!("skipped: THIDUA_TEST_DATABASE_URL is not set");
        return;
    };
    let mut admin = diesel::PgConnection::establish(&admin_url).unwrap();
    let drop_it = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    diesel::sql_query(&drop_it).execute(&mut admin).unwrap();
    diesel::sql_query(format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = thidua(dir.path())
        .env("DATABASE_URL", &url)
        .env("THIDUA_BIND", format!("127.0.0.1:{port}"))
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (lines, reader) = collect_lines(child.stderr.take().unwrap());
    wait_ready(port, &mut child);
    child.kill().unwrap();
    child.wait().unwrap();
    reader.join().unwrap();
    diesel::sql_query(&drop_it).execute(&mut admin).unwrap();

    let parsed = url::Url::parse(&url).unwrap();
    let named = format!(
        "PostgreSQL {}:{}/{name}",
        parsed.host_str().unwrap(),
        parsed.port().unwrap_or(5432)
    );
    let lines = lines.lock().unwrap();
    assert!(
        lines.iter().any(|l| l.contains(&named)),
        "{named} in {lines:#?}"
    );
    assert!(lines.iter().all(|l| !l.contains(password)), "{lines:#?}");
}

/// THIDUA_METRICS_BIND serves /metrics to anyone who reaches it (it is meant for a
/// private address), in Prometheus' text format; the main port keeps it for admins.
#[test]
fn metrics_bind_serves_the_metrics_without_a_token() {
    let dir = tempfile::tempdir().unwrap();
    let metrics_port = free_port();
    let server = Server::start(
        thidua(dir.path()).env("THIDUA_METRICS_BIND", format!("127.0.0.1:{metrics_port}")),
    );
    assert_eq!(http(server.port, "GET", "/healthz", None).0, 200);
    let (status, body) = http(metrics_port, "GET", "/metrics", None);
    assert_eq!(status, 200, "{body}");
    assert!(
        body.contains(
            r#"thidua_http_requests_total{method="GET",route="/healthz",status="200"} 1"#
        ),
        "{body}"
    );
    assert!(body.contains("# TYPE thidua_http_request_duration_seconds histogram"));
    assert_eq!(http(server.port, "GET", "/metrics", None).0, 401);
}

//! The test harness: the real app served over HTTP on a fresh database per test.
//!
//! Every test runs twice, on a fresh SQLite file and, when `THIDUA_TEST_DATABASE_URL`
//! names a PostgreSQL server (a maintenance database such as `postgres`), on a fresh
//! PostgreSQL database created for the test and dropped after it.

use std::sync::Once;

use actix_web::http::{Method, StatusCode};
use diesel::Connection;
use diesel::connection::SimpleConnection;
use serde_json::{Value, json};

use thidua::config::Config;

pub const ADMIN_PASSWORD: &str = "admin-pass-2026";
pub const PASSWORD: &str = "mat-khau-2026";
/// The key of the audit rows' MACs. One for every app of the test process, which keys its
/// audit rows with one key (`audit::install_key`).
pub const AUDIT_KEY: &str = "test-audit-key-of-at-least-32-bytes-2026";
/// Attempts of one webhook delivery before it is given up.
pub const WEBHOOK_MAX_ATTEMPTS: i32 = 5;
/// Failed webhook attempts in a row that disable a subscription.
pub const WEBHOOK_DISABLE_AFTER: i32 = 4;

/// Runs each named async test function on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! db_tests {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[actix_web::test]
                async fn sqlite() {
                    let app = $crate::harness::TestApp::sqlite().await;
                    super::$name(&app).await;
                }

                #[actix_web::test]
                #[cfg_attr(
                    not(thidua_pg_tests),
                    ignore = "set THIDUA_TEST_DATABASE_URL to run the PostgreSQL variants"
                )]
                async fn postgres() {
                    if let Some(app) = $crate::harness::TestApp::postgres().await {
                        super::$name(&app).await;
                    }
                }
            }
        )*
    };
}

/// A database made for one test, removed when the test ends.
enum TestDb {
    Sqlite {
        _dir: tempfile::TempDir,
    },
    /// Another instance's: removed with that instance.
    Shared,
    Postgres {
        admin_url: String,
        name: String,
        _dir: tempfile::TempDir,
    },
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let TestDb::Postgres {
            admin_url, name, ..
        } = self
            && let Ok(mut conn) = diesel::PgConnection::establish(admin_url)
        {
            let _ = conn.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    }
}

pub struct TestApp {
    pub base: String,
    pub client: awc::Client,
    pub state: actix_web::web::Data<thidua::AppState>,
    server: actix_web::dev::ServerHandle,
    /// The background worker, as `thidua serve` runs it; stopped on drop.
    _worker: thidua::worker::Worker,
    _db: TestDb,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Stop accepting at once; in-flight requests are over when a test ends.
        drop(self.server.stop(false));
    }
}

fn init_logging() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let _ = env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("warn"))
            .is_test(true)
            .try_init();
    });
}

fn config(database_url: String, data_dir: &std::path::Path) -> Config {
    config_with(database_url, data_dir, &[])
}

/// The test configuration with some variables set (or overridden) by a test.
fn config_with(
    database_url: String,
    data_dir: &std::path::Path,
    extra: &[(&str, String)],
) -> Config {
    let dir = data_dir.to_string_lossy().into_owned();
    Config::from_lookup(|k| {
        if let Some((_, v)) = extra.iter().find(|(name, _)| *name == k) {
            return Some(v.clone());
        }
        match k {
            "DATABASE_URL" => Some(database_url.clone()),
            "THIDUA_DATA_DIR" => Some(dir.clone()),
            "THIDUA_ADMIN_PASSWORD" => Some(ADMIN_PASSWORD.into()),
            "THIDUA_AUDIT_KEY" => Some(AUDIT_KEY.into()),
            "THIDUA_CORS_ORIGINS" => Some("https://portal.example.vn".into()),
            // Small, so the oversized-file tests stay quick.
            "THIDUA_MAX_FILE_MB" => Some("1".into()),
            // Webhooks go to receivers the tests run on 127.0.0.1, fast and with small limits.
            "THIDUA_WEBHOOK_ALLOWED_HOSTS" => Some("127.0.0.1".into()),
            "THIDUA_WEBHOOK_RETRY_BASE_MS" => Some("50".into()),
            "THIDUA_WEBHOOK_MAX_ATTEMPTS" => Some(WEBHOOK_MAX_ATTEMPTS.to_string()),
            "THIDUA_WEBHOOK_DISABLE_AFTER" => Some(WEBHOOK_DISABLE_AFTER.to_string()),
            "THIDUA_WEBHOOK_TICK_MS" => Some("50".into()),
            _ => None,
        }
    })
    .expect("test configuration")
}

/// Drops databases left by earlier runs whose process is gone (a crashed or killed run).
fn drop_stale_databases(admin_url: &str) {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        use diesel::prelude::*;
        #[derive(QueryableByName)]
        struct Name {
            #[diesel(sql_type = diesel::sql_types::Text)]
            datname: String,
        }
        let Ok(mut conn) = diesel::PgConnection::establish(admin_url) else {
            return;
        };
        let names: Vec<Name> =
            diesel::sql_query("SELECT datname FROM pg_database WHERE datname LIKE 'thidua_test_%'")
                .load(&mut conn)
                .unwrap_or_default();
        for Name { datname } in names {
            let pid = datname
                .split('_')
                .nth(2)
                .and_then(|p| p.parse::<u32>().ok());
            let alive = pid.is_some_and(|p| std::path::Path::new(&format!("/proc/{p}")).exists());
            if !alive {
                let _ =
                    conn.batch_execute(&format!("DROP DATABASE IF EXISTS {datname} WITH (FORCE)"));
            }
        }
    });
}

/// The URL of a database named `name` on the server of `admin_url`.
fn database_url(admin_url: &str, name: &str) -> String {
    let (base, query) = match admin_url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (admin_url, String::new()),
    };
    let server = base.rsplit_once('/').map(|(s, _)| s).unwrap_or(base);
    format!("{server}/{name}{query}")
}

impl TestApp {
    pub async fn sqlite() -> TestApp {
        Self::sqlite_with(&[]).await
    }

    /// On SQLite, with some configuration variables of the test's own.
    pub async fn sqlite_with(extra: &[(&str, String)]) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = dir.path().join("thidua.db").to_string_lossy().into_owned();
        let config = config_with(url, dir.path(), extra);
        Self::start(config, TestDb::Sqlite { _dir: dir }).await
    }

    /// `None` when no PostgreSQL is configured for tests.
    pub async fn postgres() -> Option<TestApp> {
        let Ok(admin_url) = std::env::var("THIDUA_TEST_DATABASE_URL") else {
            eprintln!("THIDUA_TEST_DATABASE_URL is not set: PostgreSQL variant skipped");
            return None;
        };
        Some(Self::postgres_on(admin_url, |_| {}).await)
    }

    /// On a fresh database of the server of `admin_url`, the configuration adjusted by `adjust`.
    async fn postgres_on(admin_url: String, adjust: impl FnOnce(&mut Config)) -> TestApp {
        drop_stale_databases(&admin_url);
        let name = format!(
            "thidua_test_{}_{}",
            std::process::id(),
            uuid::Uuid::now_v7().simple()
        );
        let mut conn = diesel::PgConnection::establish(&admin_url)
            .unwrap_or_else(|e| panic!("THIDUA_TEST_DATABASE_URL: cannot connect: {e}"));
        conn.batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("create test database");
        let dir = tempfile::tempdir().expect("temp dir");
        let mut config = config(database_url(&admin_url, &name), dir.path());
        adjust(&mut config);
        Self::start(
            config,
            TestDb::Postgres {
                admin_url,
                name,
                _dir: dir,
            },
        )
        .await
    }

    /// A fresh app on the same kind of database as this one, its configuration adjusted by
    /// the test: for settings that no environment variable expresses (a webhook resolver)
    /// or that the tests' defaults set (the webhook allow-list).
    pub async fn sibling(&self, adjust: impl FnOnce(&mut Config)) -> TestApp {
        match &self._db {
            TestDb::Sqlite { .. } => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = dir.path().join("thidua.db").to_string_lossy().into_owned();
                let mut config = config(url, dir.path());
                adjust(&mut config);
                Self::start(config, TestDb::Sqlite { _dir: dir }).await
            }
            TestDb::Postgres { admin_url, .. } => {
                Self::postgres_on(admin_url.clone(), adjust).await
            }
            TestDb::Shared => panic!("a sibling of another instance: make it from the first"),
        }
    }

    /// A second instance of the service on this app's database and data directory (so
    /// each one's tokens hold on the other), as a second `thidua serve` beside the first:
    /// its own workers, worker and caches. Drop it before the first.
    pub async fn another_instance(&self) -> TestApp {
        Self::start(self.state.config.clone(), TestDb::Shared).await
    }

    async fn start(config: Config, db: TestDb) -> TestApp {
        init_logging();
        let (state, _) = actix_web::web::block(move || thidua::bootstrap(config))
            .await
            .expect("bootstrap thread")
            .expect("bootstrap");
        let app_state = state.clone();
        let server = actix_web::HttpServer::new(move || thidua::build_app(app_state.clone()))
            .workers(1)
            .disable_signals()
            .bind(("127.0.0.1", 0))
            .expect("bind");
        let addr = server.addrs()[0];
        let server = server.run();
        let handle = server.handle();
        actix_web::rt::spawn(server);
        let worker = thidua::worker::spawn(state.clone());
        TestApp {
            base: format!("http://{addr}"),
            client: awc::Client::builder()
                .timeout(std::time::Duration::from_secs(60))
                .finish(),
            state,
            server: handle,
            _worker: worker,
            _db: db,
        }
    }

    pub fn req(&self, method: Method, path: &str) -> Req<'_> {
        Req {
            app: self,
            method,
            path: path.to_string(),
            token: None,
            headers: Vec::new(),
        }
    }

    pub fn get(&self, path: &str) -> Req<'_> {
        self.req(Method::GET, path)
    }

    pub fn post(&self, path: &str) -> Req<'_> {
        self.req(Method::POST, path)
    }

    pub fn patch(&self, path: &str) -> Req<'_> {
        self.req(Method::PATCH, path)
    }

    /// Logs in, answered as it is (`login` asserts it worked).
    pub fn try_login<'a>(
        &'a self,
        username: &str,
        password: &str,
    ) -> impl Future<Output = Res> + use<'a> {
        self.post("/api/v1/auth/login")
            .json(json!({"username": username, "password": password}))
    }

    /// Trades a refresh token for a new pair, answered as it is.
    pub fn refresh<'a>(&'a self, refresh_token: &str) -> impl Future<Output = Res> + use<'a> {
        self.post("/api/v1/auth/refresh")
            .json(json!({"refresh_token": refresh_token}))
    }

    /// Changes the password of the account of `token`, answered as it is.
    pub fn change_password<'a>(
        &'a self,
        token: &str,
        current: &str,
        new: &str,
    ) -> impl Future<Output = Res> + use<'a> {
        self.post("/api/v1/auth/password")
            .token(token)
            .json(json!({"current_password": current, "new_password": new}))
    }

    /// Logs in and returns the access token.
    pub async fn login(&self, username: &str, password: &str) -> String {
        let res = self.try_login(username, password).await;
        assert_eq!(res.status, StatusCode::OK, "login {username}: {}", res.body);
        res.body["access_token"]
            .as_str()
            .expect("access_token")
            .to_string()
    }

    pub async fn admin(&self) -> String {
        self.login("admin", ADMIN_PASSWORD).await
    }

    /// Creates an account with `roles` in `unit` (as admin) and returns its token.
    pub async fn user(
        &self,
        admin: &str,
        username: &str,
        roles: &[&str],
        unit: Option<&str>,
    ) -> String {
        self.user_for_staff(admin, username, roles, unit, None)
            .await
    }

    pub async fn user_for_staff(
        &self,
        admin: &str,
        username: &str,
        roles: &[&str],
        unit: Option<&str>,
        staff: Option<&str>,
    ) -> String {
        self.account(admin, username, roles, unit, staff).await;
        self.login(username, PASSWORD).await
    }

    /// Creates an account with `roles` in `unit`, linked to a staff record or not (as
    /// admin), without logging in (each login hashes a password); returns its id.
    pub async fn account(
        &self,
        admin: &str,
        username: &str,
        roles: &[&str],
        unit: Option<&str>,
        staff: Option<&str>,
    ) -> String {
        let res = self
            .post("/api/v1/users")
            .token(admin)
            .json(json!({"username": username, "password": PASSWORD, "roles": roles, "org_unit_id": unit, "staff_id": staff}))
            .await;
        assert_eq!(
            res.status,
            StatusCode::CREATED,
            "create user {username}: {}",
            res.body
        );
        res.id()
    }

    /// Creates an org unit (as `token`) and returns its id: a province at the root, an
    /// agency below.
    pub async fn unit(&self, token: &str, code: &str, name: &str, parent: Option<&str>) -> String {
        let kind = if parent.is_some() {
            "agency"
        } else {
            "province"
        };
        self.unit_of_kind(token, code, name, parent, kind).await
    }

    /// Creates an org unit of a given kind and returns its id.
    pub async fn unit_of_kind(
        &self,
        token: &str,
        code: &str,
        name: &str,
        parent: Option<&str>,
        kind: &str,
    ) -> String {
        let res = self.try_unit(token, code, name, parent, kind).await;
        assert_eq!(
            res.status,
            StatusCode::CREATED,
            "create unit {code}: {}",
            res.body
        );
        res.id()
    }

    /// Creates an org unit of a given kind, answered as it is.
    pub fn try_unit<'a>(
        &'a self,
        token: &str,
        code: &str,
        name: &str,
        parent: Option<&str>,
        kind: &str,
    ) -> impl Future<Output = Res> + use<'a> {
        self.post("/api/v1/org-units")
            .token(token)
            .json(json!({"code": code, "name": name, "kind": kind, "parent_id": parent}))
    }

    /// Creates a staff member, a công chức (as `token`), and returns its id.
    pub async fn staff(&self, token: &str, unit: &str, full_name: &str) -> String {
        crate::fixtures::Staff::of(unit, full_name)
            .added(self, token)
            .await
    }
}

pub struct Req<'a> {
    app: &'a TestApp,
    method: Method,
    path: String,
    token: Option<String>,
    headers: Vec<(String, String)>,
}

impl<'a> Req<'a> {
    pub fn token(mut self, token: &str) -> Self {
        self.token = Some(token.to_string());
        self
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    pub fn if_match(self, etag: &str) -> Self {
        self.header("If-Match", etag)
    }

    fn build(&self) -> awc::ClientRequest {
        let mut r = self.app.client.request(
            self.method.clone(),
            format!("{}{}", self.app.base, self.path),
        );
        if let Some(t) = &self.token {
            r = r.insert_header(("Authorization", format!("Bearer {t}")));
        }
        for (k, v) in &self.headers {
            r = r.insert_header((k.as_str(), v.as_str()));
        }
        r
    }

    pub async fn json(self, body: Value) -> Res {
        let r = self
            .build()
            .insert_header(("Content-Type", "application/json"));
        Res::from(r.send_body(body.to_string()).await).await
    }

    /// Sends raw bytes with the given content type.
    pub async fn raw(self, content_type: &str, body: impl Into<Vec<u8>>) -> Res {
        let r = self.build().insert_header(("Content-Type", content_type));
        Res::from(r.send_body(body.into()).await).await
    }

    pub async fn send(self) -> Res {
        Res::from(self.build().send().await).await
    }
}

impl<'a> std::future::IntoFuture for Req<'a> {
    type Output = Res;
    type IntoFuture = std::pin::Pin<Box<dyn std::future::Future<Output = Res> + 'a>>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

#[derive(Debug)]
pub struct Res {
    pub status: StatusCode,
    pub headers: actix_web::http::header::HeaderMap,
    pub body: Value,
    pub bytes: Vec<u8>,
}

impl Res {
    async fn from(
        res: Result<
            awc::ClientResponse<
                impl futures_util::Stream<
                    Item = Result<actix_web::web::Bytes, awc::error::PayloadError>,
                >,
            >,
            awc::error::SendRequestError,
        >,
    ) -> Res {
        let mut res = res.expect("request sent");
        let bytes = res
            .body()
            .limit(64 * 1024 * 1024)
            .await
            .expect("response body")
            .to_vec();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Res {
            status: res.status(),
            headers: res.headers().clone(),
            body,
            bytes,
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn etag(&self) -> String {
        self.header("etag").expect("ETag header").to_string()
    }

    pub fn id(&self) -> String {
        self.body["id"].as_str().expect("id in body").to_string()
    }

    /// Asserts a problem+json answer with this status and code, and returns its field names.
    pub fn problem(&self, status: u16, code: &str) -> Vec<String> {
        assert_eq!(self.status.as_u16(), status, "status; body: {}", self.body);
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json"),
            "content type; body: {}",
            self.body
        );
        assert_eq!(self.body["status"], status);
        assert_eq!(self.body["code"], code, "problem code; body: {}", self.body);
        self.error_fields()
    }

    /// Asserts an OAuth 2.0 token-endpoint error (RFC 6749 §5.2): this status, JSON with
    /// `error` and `error_description`, not cached, and for `invalid_client` the `Basic`
    /// challenge of the scheme the endpoint takes. Returns the fields it names.
    pub fn oauth_error(&self, status: u16, error: &str) -> Vec<String> {
        assert_eq!(self.status.as_u16(), status, "status; body: {}", self.body);
        assert_eq!(
            self.header("content-type"),
            Some("application/json"),
            "content type; body: {}",
            self.body
        );
        assert_eq!(
            self.body["error"], error,
            "OAuth error; body: {}",
            self.body
        );
        assert!(
            self.body["error_description"]
                .as_str()
                .is_some_and(|d| !d.is_empty()),
            "error_description; body: {}",
            self.body
        );
        assert_eq!(self.header("cache-control"), Some("no-store"));
        if error == "invalid_client" {
            assert_eq!(
                self.header("www-authenticate"),
                Some("Basic realm=\"thidua\"")
            );
        }
        self.error_fields()
    }

    /// The fields an error answer names, in order.
    fn error_fields(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|e| {
                e.iter()
                    .map(|f| f["field"].as_str().unwrap_or("").to_string())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Asserts a 422 and returns the fields it names, in order.
    pub fn invalid_fields(&self) -> Vec<String> {
        self.problem(422, "validation")
    }

    /// Asserts a 422 that names `field`.
    pub fn invalid(&self, field: &str) {
        let fields = self.problem(422, "validation");
        assert!(
            fields.iter().any(|f| f == field),
            "expected field {field} in {}",
            self.body
        );
    }

    /// The `id`s of a list's items, in order.
    pub fn ids(&self) -> Vec<String> {
        self.items()
            .iter()
            .map(|i| i["id"].as_str().unwrap_or("").to_string())
            .collect()
    }

    pub fn items(&self) -> Vec<Value> {
        assert_eq!(self.status, StatusCode::OK, "list: {}", self.body);
        self.body["items"].as_array().cloned().unwrap_or_default()
    }

    /// One string field of every item, in order.
    pub fn column(&self, field: &str) -> Vec<String> {
        self.items()
            .iter()
            .map(|i| i[field].as_str().unwrap_or("").to_string())
            .collect()
    }
}

/// What a POST with a streamed body came to: the answer, and how much of the body the
/// client had handed to the connection when the answer's first byte arrived — a bound on
/// what the server can have read of it before answering.
#[derive(Debug)]
pub struct Streamed {
    pub status: u16,
    pub body: Value,
    pub sent_before_answer: usize,
}

impl Streamed {
    /// The body sent before the answer, in MiB, for messages.
    pub fn mib_sent(&self) -> f64 {
        self.sent_before_answer as f64 / (1024.0 * 1024.0)
    }
}

/// POSTs `size` bytes of body to `base` + `path` over a plain socket, with a
/// `Content-Length` or in chunks, in 64 KiB pieces, looking for the answer before each
/// piece. The body is made as it is sent, so the client holds 64 KiB of it, never `size`.
pub async fn post_streamed(
    base: &str,
    path: &str,
    headers: &[(&str, &str)],
    size: usize,
    chunked: bool,
) -> Streamed {
    post_streamed_after(base, path, headers, "", size, chunked).await
}

/// `post_streamed` with a body that begins with `start` (a form's first part header,
/// say), sent with the head, before the `size` bytes of filler.
pub async fn post_streamed_after(
    base: &str,
    path: &str,
    headers: &[(&str, &str)],
    start: &str,
    size: usize,
    chunked: bool,
) -> Streamed {
    let address = base.trim_start_matches("http://").to_string();
    let mut head = format!("POST {path} HTTP/1.1\r\nHost: {address}\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if chunked {
        head.push_str("Transfer-Encoding: chunked\r\n\r\n");
        if !start.is_empty() {
            head.push_str(&format!("{:x}\r\n{start}\r\n", start.len()));
        }
    } else {
        let length = start.len() + size;
        head.push_str(&format!("Content-Length: {length}\r\n\r\n{start}"));
    }
    actix_web::rt::task::spawn_blocking(move || stream_post(&address, head, size, chunked))
        .await
        .expect("the streaming thread")
}

/// One thread sends and looks for the answer in turn, so what it counts as sent before
/// the answer is exact to a piece: a piece is written only after the answer was looked
/// for (the server cannot have answered and then read much of the body meanwhile).
fn stream_post(address: &str, head: String, size: usize, chunked: bool) -> Streamed {
    use std::io::{ErrorKind, Read, Write};
    use std::time::Duration;

    let mut stream = std::net::TcpStream::connect(address).expect("connect");
    stream
        .set_write_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let mut answer = Vec::new();
    let mut buf = [0u8; 8192];
    let piece = vec![b'x'; 64 * 1024];
    let mut sent = 0;
    let mut sending = stream.write_all(head.as_bytes()).is_ok();
    // Looks briefly for the answer between pieces, and waits for it once all is sent.
    stream
        .set_read_timeout(Some(Duration::from_millis(1)))
        .unwrap();
    while answer.is_empty() {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => answer.extend_from_slice(&buf[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                if !sending {
                    continue;
                }
                let n = (size - sent).min(piece.len());
                let written = if n == 0 {
                    // All sent: the end of the chunks, then nothing more.
                    let end = if chunked {
                        stream.write_all(b"0\r\n\r\n")
                    } else {
                        Ok(())
                    };
                    end.and(Err(ErrorKind::UnexpectedEof.into()))
                } else if chunked {
                    stream
                        .write_all(format!("{n:x}\r\n").as_bytes())
                        .and_then(|_| stream.write_all(&piece[..n]))
                        .and_then(|_| stream.write_all(b"\r\n"))
                } else {
                    stream.write_all(&piece[..n])
                };
                match written {
                    Ok(()) => sent += n,
                    // All sent, or the server closed the connection: wait for the answer.
                    Err(_) => {
                        sending = false;
                        stream
                            .set_read_timeout(Some(Duration::from_secs(60)))
                            .unwrap();
                    }
                }
            }
            Err(_) => break,
        }
    }
    let sent_before_answer = sent;
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let header_end = |a: &[u8]| a.windows(4).position(|w| w == b"\r\n\r\n");
    loop {
        if let Some(end) = header_end(&answer) {
            let head = String::from_utf8_lossy(&answer[..end]).to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            if answer.len() >= end + 4 + length {
                break;
            }
        }
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => answer.extend_from_slice(&buf[..n]),
        }
    }
    let end = header_end(&answer).expect("an HTTP answer");
    let status_line = String::from_utf8_lossy(&answer[..end]).to_string();
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status");
    Streamed {
        status,
        body: serde_json::from_slice(&answer[end + 4..]).unwrap_or(Value::Null),
        sent_before_answer,
    }
}

/// `thidua serve` as its own process, on a test app's database and data directory (so
/// the app's tokens hold there), for what must be measured on the server alone: its
/// memory. Killed on drop.
pub struct ServerProcess {
    child: std::process::Child,
    pub base: String,
}

impl ServerProcess {
    pub fn start(app: &TestApp) -> ServerProcess {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let config = &app.state.config;
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_thidua"))
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("RUST_LOG", "warn")
            .env("DATABASE_URL", &config.database_url)
            .env("THIDUA_DATA_DIR", &config.data_dir)
            .env("THIDUA_BIND", format!("127.0.0.1:{port}"))
            .env("THIDUA_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("THIDUA_MAX_FILE_MB", "1")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start thidua");
        let started = std::time::Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                child.try_wait().expect("the server").is_none(),
                "the server exited at start"
            );
            assert!(
                started.elapsed() < std::time::Duration::from_secs(60),
                "the server did not start"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        ServerProcess {
            child,
            base: format!("http://127.0.0.1:{port}"),
        }
    }

    /// A line of the server's `/proc/<pid>/status`, in KiB (`VmHWM`, the most memory it
    /// ever held; `VmRSS`, what it holds now).
    pub fn memory_kib(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("the server's status");
        status
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{field}:")))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or_else(|| panic!("{field} in the server's status"))
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

//! Webhooks against a receiver run by the test on 127.0.0.1: signatures, order, retries,
//! disabling, ping, replay, a receiver that hangs (which holds up no other), URLs that are
//! refused, and names that lead to internal addresses (through a resolver the test
//! controls), refused on every connection.

use std::collections::HashMap;
use std::io::Read;
use std::net::{IpAddr, TcpListener};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::http::StatusCode;
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::db_tests;
use crate::harness::{TestApp, WEBHOOK_DISABLE_AFTER};
use thidua::domain::webhooks::{TIMEOUT, UNDELIVERED, parse_allowed_hosts};
use thidua::outbound::Resolver;

db_tests!(
    deliveries_are_signed_and_in_order_without_duplicates,
    a_failing_receiver_gets_the_same_event_again,
    a_receiver_that_keeps_failing_disables_the_webhook,
    ping_and_rotated_secret,
    replay_sends_the_same_event_ids_again,
    refused_urls_write_nothing,
    only_admins_manage_webhooks,
    instances_side_by_side_send_each_event_once,
    https_targets_are_spoken_to_in_tls,
    a_name_that_resolves_to_an_internal_address_is_not_connected_to,
    a_listed_name_does_not_list_its_internal_addresses,
    a_listed_internal_address_is_reached_by_name,
    failed_deliveries_read_the_same_whatever_the_cause,
    events_are_those_of_the_catalogue_in_their_documented_shape,
    a_hanging_receiver_holds_up_only_its_own_webhook,
);

/// One request the receiver got.
#[derive(Debug, Clone)]
struct Received {
    event_id: String,
    event_type: String,
    timestamp: String,
    signature: String,
    content_type: String,
    body: String,
    /// When the request arrived.
    at: Instant,
}

impl Received {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).expect("JSON body")
    }

    /// Checks the signature as a receiver would, with nothing but the secret.
    fn assert_signed_with(&self, secret: &str) {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(format!("{}.{}", self.timestamp, self.body).as_bytes());
        let expected = format!("v1={}", hex::encode(mac.finalize().into_bytes()));
        assert_eq!(self.signature, expected, "signature of {}", self.body);
        let age = chrono::Utc::now().timestamp() - self.timestamp.parse::<i64>().unwrap();
        assert!(
            (0..60).contains(&age),
            "timestamp {} is current",
            self.timestamp
        );
    }
}

#[derive(Default)]
struct Shared {
    received: Mutex<Vec<Received>>,
    /// Answers 500 while this is above zero, counting down.
    failures_left: AtomicUsize,
    /// Waits `hang` before answering while this is above zero, counting down.
    hangs_left: AtomicUsize,
    hang: Duration,
}

/// A webhook receiver on 127.0.0.1 that records every request.
struct Receiver {
    url: String,
    shared: Arc<Shared>,
    server: actix_web::dev::ServerHandle,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        drop(self.server.stop(false));
    }
}

async fn receive(req: HttpRequest, body: web::Bytes, shared: web::Data<Shared>) -> HttpResponse {
    let at = Instant::now();
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    shared.received.lock().unwrap().push(Received {
        event_id: header("thidua-event-id"),
        event_type: header("thidua-event-type"),
        timestamp: header("thidua-timestamp"),
        signature: header("thidua-signature"),
        content_type: header("content-type"),
        body: String::from_utf8(body.to_vec()).unwrap(),
        at,
    });
    let hanging = shared
        .hangs_left
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok();
    if hanging {
        actix_web::rt::time::sleep(shared.hang).await;
    }
    let failing = shared
        .failures_left
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok();
    if failing {
        HttpResponse::InternalServerError().finish()
    } else {
        HttpResponse::NoContent().finish()
    }
}

impl Receiver {
    /// A receiver that fails the first `failures` requests with 500.
    async fn start(failures: usize) -> Receiver {
        Receiver::with(Shared {
            failures_left: AtomicUsize::new(failures),
            ..Shared::default()
        })
        .await
    }

    /// A receiver that waits `hang` before answering the first `hangs` requests.
    async fn hanging(hangs: usize, hang: Duration) -> Receiver {
        Receiver::with(Shared {
            hangs_left: AtomicUsize::new(hangs),
            hang,
            ..Shared::default()
        })
        .await
    }

    async fn with(shared: Shared) -> Receiver {
        let shared = Arc::new(shared);
        let data = web::Data::from(shared.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .default_service(web::to(receive))
        })
        .workers(1)
        .disable_signals()
        .bind(("127.0.0.1", 0))
        .expect("bind receiver");
        let addr = server.addrs()[0];
        let server = server.run();
        let handle = server.handle();
        actix_web::rt::spawn(server);
        Receiver {
            url: format!("http://{addr}/hooks/thidua"),
            shared,
            server: handle,
        }
    }

    fn fail_next(&self, n: usize) {
        self.shared.failures_left.store(n, Ordering::SeqCst);
    }

    fn received(&self) -> Vec<Received> {
        self.shared.received.lock().unwrap().clone()
    }

    /// Waits until `n` requests have arrived (a few seconds at most).
    async fn wait_for(&self, n: usize) -> Vec<Received> {
        self.wait_for_within(n, Duration::from_secs(10)).await
    }

    /// Waits until `n` requests have arrived, `limit` at most.
    async fn wait_for_within(&self, n: usize, limit: Duration) -> Vec<Received> {
        let deadline = Instant::now() + limit;
        loop {
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            assert!(
                Instant::now() < deadline,
                "expected {n} requests, got {}: {got:?}",
                got.len()
            );
            actix_web::rt::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// Polls `GET path` until `done` holds for its body (a few seconds at most).
async fn wait_until(
    app: &TestApp,
    token: &str,
    path: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    wait_until_within(app, token, path, Duration::from_secs(10), done).await
}

/// Polls `GET path` until `done` holds for its body, `limit` at most.
async fn wait_until_within(
    app: &TestApp,
    token: &str,
    path: &str,
    limit: Duration,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = Instant::now() + limit;
    loop {
        let res = app.get(path).token(token).await;
        assert_eq!(res.status, StatusCode::OK, "{path}: {}", res.body);
        if done(&res.body) {
            return res.body;
        }
        assert!(
            Instant::now() < deadline,
            "{path} never got there: {}",
            res.body
        );
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Several worker ticks: time enough for anything wrongly sent to arrive.
async fn settle() {
    actix_web::rt::time::sleep(Duration::from_millis(400)).await;
}

/// The change feed's newest position.
async fn feed_head(app: &TestApp, token: &str) -> i64 {
    let res = app.get("/api/v1/changes?limit=1").token(token).await;
    res.body["head"].as_i64().expect("head")
}

/// A webhook to `url` for the event types `types` (`org_unit.*`, `*`…), made by the admin.
async fn subscribe(app: &TestApp, admin: &str, url: &str, types: &[&str]) -> Value {
    let res = app
        .post("/api/v1/webhooks")
        .token(admin)
        .json(json!({"name": "Cổng dữ liệu tỉnh", "url": url, "event_types": types}))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert_eq!(res.etag(), "\"v1\"");
    res.body
}

fn deliveries_path(webhook: &Value) -> String {
    format!(
        "/api/v1/webhooks/{}/deliveries",
        webhook["id"].as_str().unwrap()
    )
}

async fn deliveries_are_signed_and_in_order_without_duplicates(app: &TestApp) {
    let admin = app.admin().await;
    let receiver = Receiver::start(0).await;
    // A change made before the subscription is not sent: it starts at the feed's head.
    let before = app.unit(&admin, "H00", "Tỉnh Trước", None).await;
    let hook = subscribe(app, &admin, &receiver.url, &["org_unit.*"]).await;
    let secret = hook["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("whsec_") && secret.len() > 40);
    assert_eq!(hook["event_types"], json!(["org_unit.*"]));
    assert_eq!(hook["active"], true);

    let province = app.unit(&admin, "H42", "Tỉnh Hà Tĩnh", None).await;
    // Not an org unit: not wanted.
    app.staff(&admin, &province, "Nguyễn Văn An").await;
    let office = app
        .unit(&admin, "H42.01", "Sở Nội vụ", Some(&province))
        .await;
    let read = app
        .get(&format!("/api/v1/org-units/{province}"))
        .token(&admin)
        .await;
    let renamed = app
        .patch(&format!("/api/v1/org-units/{province}"))
        .token(&admin)
        .if_match(&read.etag())
        .json(json!({"name": "Ủy ban nhân dân tỉnh Hà Tĩnh"}))
        .await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.body);

    let log = wait_until(app, &admin, &deliveries_path(&hook), |b| {
        b["total"] == 3
            && b["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|d| d["status"] == "delivered")
    })
    .await;
    settle().await;
    let got = receiver.received();
    assert_eq!(got.len(), 3, "each event once: {got:?}");
    let expected = [
        (&province, "org_unit.created"),
        (&office, "org_unit.created"),
        (&province, "org_unit.updated"),
    ];
    let mut last_position = hook["cursor"].as_i64().unwrap();
    for (r, (resource, kind)) in got.iter().zip(expected) {
        r.assert_signed_with(&secret);
        assert_eq!(r.content_type, "application/json");
        let body = r.json();
        let position = body["data"]["position"].as_i64().unwrap();
        assert!(position > last_position, "in feed order: {got:?}");
        last_position = position;
        assert_eq!(body["id"], format!("evt_{position}"));
        assert_eq!(r.event_id, body["id"]);
        assert_eq!(r.event_type, kind);
        assert_eq!(body["type"], kind);
        assert_eq!(body["data"]["resource_type"], "org_unit");
        assert_eq!(body["data"]["resource_id"], resource.as_str());
        assert_ne!(body["data"]["resource_id"], before.as_str());
        assert!(body["created_at"].as_str().unwrap().ends_with('Z'));
    }
    assert_eq!(got[2].json()["data"]["version"], 2);
    assert_eq!(got[2].json()["data"]["action"], "updated");

    // The log, newest first, tells the same.
    let items = log["items"].as_array().unwrap();
    let ids: Vec<&str> = items
        .iter()
        .map(|d| d["event_id"].as_str().unwrap())
        .collect();
    let sent: Vec<&str> = got.iter().rev().map(|r| r.event_id.as_str()).collect();
    assert_eq!(ids, sent);
    for d in items {
        assert_eq!(d["attempts"], 1);
        assert_eq!(d["last_status_code"], 204);
        assert_eq!(d["last_error"], Value::Null);
        assert!(d["delivered_at"].is_string());
    }
    // The cursor has moved past them.
    let now = app
        .get(&format!(
            "/api/v1/webhooks/{}",
            hook["id"].as_str().unwrap()
        ))
        .token(&admin)
        .await;
    assert!(now.body["cursor"].as_i64().unwrap() >= last_position);
    assert!(now.body.get("secret").is_none(), "the secret is shown once");
    assert_eq!(now.etag(), "\"v1\"", "the worker makes no new version");
}

async fn a_failing_receiver_gets_the_same_event_again(app: &TestApp) {
    let admin = app.admin().await;
    let receiver = Receiver::start(2).await;
    let hook = subscribe(app, &admin, &receiver.url, &["org_unit.*", "staff.*"]).await;
    let secret = hook["secret"].as_str().unwrap();
    let unit = app.unit(&admin, "H42", "Tỉnh Hà Tĩnh", None).await;

    let log = wait_until(app, &admin, &deliveries_path(&hook), |b| {
        b["items"][0]["status"] == "delivered"
    })
    .await;
    settle().await;
    let got = receiver.received();
    assert_eq!(got.len(), 3, "two failures, then delivered: {got:?}");
    for r in &got {
        r.assert_signed_with(secret);
        assert_eq!(r.event_id, got[0].event_id);
        assert_eq!(r.body, got[0].body);
    }
    assert_eq!(got[0].json()["data"]["resource_id"], unit.as_str());
    assert_eq!(log["total"], 1);
    let d = &log["items"][0];
    assert_eq!(d["attempts"], 3);
    assert_eq!(d["last_status_code"], 204);
    assert_eq!(d["event_id"], got[0].event_id.as_str());
    // A success ends the run of failures.
    let now = app
        .get(&format!(
            "/api/v1/webhooks/{}",
            hook["id"].as_str().unwrap()
        ))
        .token(&admin)
        .await;
    assert_eq!(now.body["consecutive_failures"], 0);
    assert_eq!(now.body["active"], true);
}

async fn a_receiver_that_keeps_failing_disables_the_webhook(app: &TestApp) {
    let admin = app.admin().await;
    let receiver = Receiver::start(usize::MAX).await;
    let hook = subscribe(app, &admin, &receiver.url, &["org_unit.created"]).await;
    let id = hook["id"].as_str().unwrap();
    let path = format!("/api/v1/webhooks/{id}");
    app.unit(&admin, "H42", "Tỉnh Hà Tĩnh", None).await;

    let disabled = wait_until(app, &admin, &path, |b| b["active"] == false).await;
    let reason = disabled["disabled_reason"].as_str().unwrap();
    assert_eq!(
        reason,
        format!(
            "{WEBHOOK_DISABLE_AFTER} consecutive failed deliveries; last: HTTP 500 from {}",
            receiver.url
        )
    );
    assert_eq!(disabled["consecutive_failures"], WEBHOOK_DISABLE_AFTER);
    assert_eq!(disabled["version"], 2);
    settle().await;
    // Nothing more is sent to a disabled webhook.
    assert_eq!(receiver.received().len(), WEBHOOK_DISABLE_AFTER as usize);
    let log = app.get(&deliveries_path(&hook)).token(&admin).await;
    let d = &log.body["items"][0];
    assert_eq!(d["status"], "pending");
    assert_eq!(d["attempts"], WEBHOOK_DISABLE_AFTER);
    assert_eq!(d["last_status_code"], 500);
    assert_eq!(d["last_error"], "HTTP 500");
    // The change feed tells of it, and the audit log keeps who did it: no one.
    let changes = app
        .get("/api/v1/changes?resource_type=webhook_subscription")
        .token(&admin)
        .await;
    let items = changes.body["items"].as_array().unwrap();
    assert_eq!(items.last().unwrap()["action"], "updated");
    assert_eq!(items.last().unwrap()["version"], 2);

    // Re-enabled once the receiver is fixed: the failures are forgotten, and the waiting
    // delivery goes out.
    receiver.fail_next(0);
    let res = app
        .patch(&path)
        .token(&admin)
        .if_match("\"v2\"")
        .json(json!({"active": true}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body["disabled_reason"], Value::Null);
    assert_eq!(res.body["consecutive_failures"], 0);
    let log = wait_until(app, &admin, &deliveries_path(&hook), |b| {
        b["items"][0]["status"] == "delivered"
    })
    .await;
    assert_eq!(log["items"][0]["attempts"], WEBHOOK_DISABLE_AFTER + 1);
}

async fn ping_and_rotated_secret(app: &TestApp) {
    let admin = app.admin().await;
    let receiver = Receiver::start(0).await;
    let hook = subscribe(app, &admin, &receiver.url, &["evidence.*"]).await;
    let id = hook["id"].as_str().unwrap();

    // Rotation needs If-Match, and answers the new secret once.
    let res = app
        .post(&format!("/api/v1/webhooks/{id}/rotate-secret"))
        .token(&admin)
        .send()
        .await;
    res.problem(428, "if_match_required");
    let rotated = app
        .post(&format!("/api/v1/webhooks/{id}/rotate-secret"))
        .token(&admin)
        .if_match("\"v1\"")
        .send()
        .await;
    assert_eq!(rotated.status, StatusCode::OK, "{}", rotated.body);
    assert_eq!(rotated.etag(), "\"v2\"");
    let secret = rotated.body["secret"].as_str().unwrap();
    assert_ne!(secret, hook["secret"].as_str().unwrap());

    let ping = app
        .post(&format!("/api/v1/webhooks/{id}/ping"))
        .token(&admin)
        .send()
        .await;
    assert_eq!(ping.status, StatusCode::ACCEPTED, "{}", ping.body);
    assert_eq!(ping.body["event_type"], "ping");
    assert_eq!(ping.body["status"], "pending");
    let event_id = ping.body["event_id"].as_str().unwrap();
    assert!(event_id.starts_with("ping_"));

    let got = receiver.wait_for(1).await;
    got[0].assert_signed_with(secret);
    assert_eq!(got[0].event_type, "ping");
    assert_eq!(got[0].event_id, event_id);
    let body = got[0].json();
    assert_eq!(body["type"], "ping");
    assert_eq!(body["data"]["subscription_id"], id);
    wait_until(app, &admin, &deliveries_path(&hook), |b| {
        b["items"][0]["status"] == "delivered" && b["items"][0]["event_id"] == event_id
    })
    .await;

    let missing = app
        .post("/api/v1/webhooks/019ab0a4-0000-7000-8000-000000000000/ping")
        .token(&admin)
        .send()
        .await;
    missing.problem(404, "not_found");
}

async fn replay_sends_the_same_event_ids_again(app: &TestApp) {
    let admin = app.admin().await;
    let receiver = Receiver::start(0).await;
    let hook = subscribe(app, &admin, &receiver.url, &["org_unit.created"]).await;
    let id = hook["id"].as_str().unwrap();
    let start = hook["cursor"].as_i64().unwrap();
    let province = app.unit(&admin, "H42", "Tỉnh Hà Tĩnh", None).await;
    app.unit(&admin, "H42.01", "Sở Nội vụ", Some(&province))
        .await;
    let first = receiver.wait_for(2).await;

    let replay = app
        .post(&format!("/api/v1/webhooks/{id}/replay"))
        .token(&admin)
        .json(json!({"after": start}))
        .await;
    assert_eq!(replay.status, StatusCode::ACCEPTED, "{}", replay.body);
    assert_eq!(replay.body["cursor"], start);
    let all = receiver.wait_for(4).await;
    settle().await;
    assert_eq!(receiver.received().len(), 4, "replayed once");
    let ids = |r: &[Received]| r.iter().map(|r| r.event_id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&all[2..]), ids(&first));
    assert_eq!(all[2].body, first[0].body);
    all[3].assert_signed_with(hook["secret"].as_str().unwrap());
    let log = app.get(&deliveries_path(&hook)).token(&admin).await;
    assert_eq!(log.body["total"], 4);

    // A position the feed never issued.
    for after in [-1, feed_head(app, &admin).await + 1] {
        let res = app
            .post(&format!("/api/v1/webhooks/{id}/replay"))
            .token(&admin)
            .json(json!({"after": after}))
            .await;
        res.invalid("after");
    }
    let res = app
        .post("/api/v1/webhooks/019ab0a4-0000-7000-8000-000000000000/replay")
        .token(&admin)
        .json(json!({"after": 0}))
        .await;
    res.problem(404, "not_found");
}

async fn refused_urls_write_nothing(app: &TestApp) {
    let admin = app.admin().await;
    let before = feed_head(app, &admin).await;
    for (url, types, field) in [
        ("ftp://127.0.0.1/hook", json!(["*"]), "url"),
        // Not on the allow-list (127.0.0.1 in the tests).
        ("http://10.0.0.1/hook", json!(["*"]), "url"),
        ("https://hooks.example.vn/hook", json!(["*"]), "url"),
        ("http://user:secret@127.0.0.1/hook", json!(["*"]), "url"),
        ("not a url", json!(["*"]), "url"),
        (
            "http://127.0.0.1/hook",
            json!(["org_unit.*", "org-unit.*"]),
            "event_types[1]",
        ),
        (
            "http://127.0.0.1/hook",
            json!(["evidence.deleted"]),
            "event_types[0]",
        ),
        ("http://127.0.0.1/hook", json!([]), "event_types[0]"),
    ] {
        let res = app
            .post("/api/v1/webhooks")
            .token(&admin)
            .json(json!({"name": "Hook", "url": url, "event_types": types}))
            .await;
        res.invalid(field);
    }
    let list = app.get("/api/v1/webhooks").token(&admin).await;
    assert_eq!(list.body["total"], 0, "{}", list.body);
    assert_eq!(feed_head(app, &admin).await, before, "nothing in the feed");

    // A change to a refused URL leaves the webhook as it was.
    let hook = subscribe(app, &admin, "http://127.0.0.1:9/hook", &["*"]).await;
    let path = format!("/api/v1/webhooks/{}", hook["id"].as_str().unwrap());
    let res = app
        .patch(&path)
        .token(&admin)
        .if_match("\"v1\"")
        .json(json!({"url": "http://169.254.169.254/latest/meta-data"}))
        .await;
    res.invalid("url");
    let res = app
        .patch(&path)
        .token(&admin)
        .if_match("\"v0\"")
        .json(json!({"name": "Renamed"}))
        .await;
    res.problem(412, "version_mismatch");
    let now = app.get(&path).token(&admin).await;
    assert_eq!(now.etag(), "\"v1\"");
    assert_eq!(now.body["url"], "http://127.0.0.1:9/hook");
}

async fn only_admins_manage_webhooks(app: &TestApp) {
    let admin = app.admin().await;
    let unit = app.unit(&admin, "H42", "Tỉnh Hà Tĩnh", None).await;
    let officer = app.user(&admin, "can_bo", &["officer"], Some(&unit)).await;
    let hook = subscribe(app, &admin, "http://127.0.0.1:9/hook", &["*"]).await;
    let id = hook["id"].as_str().unwrap();
    app.get("/api/v1/webhooks")
        .token(&officer)
        .await
        .problem(403, "forbidden");
    app.get(&format!("/api/v1/webhooks/{id}/deliveries"))
        .token(&officer)
        .await
        .problem(403, "forbidden");
    app.post(&format!("/api/v1/webhooks/{id}/ping"))
        .token(&officer)
        .send()
        .await
        .problem(403, "forbidden");
    create_hook(app, &officer, "http://127.0.0.1/x")
        .await
        .problem(403, "forbidden");
    app.get("/api/v1/webhooks")
        .await
        .problem(401, "unauthorized");
    let list = app.get("/api/v1/webhooks").token(&admin).await;
    assert_eq!(list.body["total"], 1);
    assert_eq!(list.ids(), [id]);
}

/// Several instances on one database: their workers fan out and claim side by side, and
/// still each event goes out once.
async fn instances_side_by_side_send_each_event_once(app: &TestApp) {
    let admin = app.admin().await;
    let receiver = Receiver::start(0).await;
    let province = app.unit(&admin, "H42", "Tỉnh Hà Tĩnh", None).await;
    let start = feed_head(app, &admin).await;
    for i in 0..12 {
        app.unit(
            &admin,
            &format!("H42.{i:02}"),
            &format!("Phòng {i}"),
            Some(&province),
        )
        .await;
    }
    let hook = subscribe(app, &admin, &receiver.url, &["org_unit.created"]).await;
    let id = hook["id"].as_str().unwrap();
    // Back to before the units, so every worker finds the same work at once: the app's
    // own and three more, as other instances would run them.
    let replay = app
        .post(&format!("/api/v1/webhooks/{id}/replay"))
        .token(&admin)
        .json(json!({"after": start}))
        .await;
    assert_eq!(replay.status, StatusCode::ACCEPTED, "{}", replay.body);
    let clients: Vec<awc::Client> = (0..3)
        .map(|_| {
            thidua::outbound::http_client(
                &app.state.config.webhooks,
                &app.state.config.webhook_resolver,
            )
        })
        .collect();
    for _ in 0..5 {
        let steps = clients
            .iter()
            .map(|c| thidua::worker::run_once(&app.state, c));
        for step in futures_util::future::join_all(steps).await {
            step.expect("worker step");
        }
    }
    wait_until(app, &admin, &deliveries_path(&hook), |b| {
        b["total"] == 12
            && b["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|d| d["status"] == "delivered")
    })
    .await;
    settle().await;
    let got = receiver.received();
    let mut ids: Vec<&str> = got.iter().map(|r| r.event_id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 12, "twelve events");
    assert_eq!(got.len(), 12, "each once: {got:?}");
}

/// An https target gets a TLS handshake, never plain HTTP, through the guarded connector:
/// its first bytes are a TLS handshake record naming the URL's host (SNI), though the
/// connection went to the address the name resolved to.
async fn https_targets_are_spoken_to_in_tls(app: &TestApp) {
    let dns = Dns::default();
    let app = &app
        .sibling(|c| {
            c.webhooks.allowed_hosts =
                Some(parse_allowed_hosts("tls.thidua.test, 127.0.0.1").unwrap());
            c.webhook_resolver = dns.resolver();
        })
        .await;
    dns.answer("tls.thidua.test", &["127.0.0.1"]);
    let admin = app.admin().await;
    let listener = RawListener::start();
    let url = format!("https://tls.thidua.test:{}/hooks", listener.port);
    let hook = subscribe(app, &admin, &url, &["evidence.*"]).await;
    let d = ping_outcome(app, &admin, &hook).await;
    assert_eq!(d["status"], "pending");
    assert_eq!(d["last_status_code"], Value::Null);
    assert_eq!(d["last_error"], UNDELIVERED);
    let hello = listener.first_bytes();
    assert_eq!(
        hello.first(),
        Some(&0x16),
        "a TLS handshake record: {hello:?}"
    );
    assert!(
        hello.windows(15).any(|w| w == b"tls.thidua.test"),
        "the host name is sent as SNI: {hello:?}"
    );
}

/// A resolver the test controls: each name answers what the test last set, so a test can
/// change the answer between the check of a URL and its delivery (DNS rebinding).
#[derive(Clone, Default)]
struct Dns(Arc<Mutex<HashMap<String, Vec<IpAddr>>>>);

impl Dns {
    fn answer(&self, name: &str, addresses: &[&str]) {
        let addresses = addresses.iter().map(|a| a.parse().unwrap()).collect();
        self.0.lock().unwrap().insert(name.to_string(), addresses);
    }

    fn forget(&self, name: &str) {
        self.0.lock().unwrap().remove(name);
    }

    fn resolver(&self) -> Resolver {
        let names = self.0.clone();
        Resolver::custom(move |host: &str| {
            names
                .lock()
                .unwrap()
                .get(host)
                .cloned()
                .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, host.to_string()))
        })
    }
}

/// An address of the public internet, answered while a URL is checked: nothing connects
/// to it, since the test changes the answer before the delivery.
const PUBLIC: &str = "93.184.215.14";

/// A TCP listener on 127.0.0.1 that keeps the first bytes of the first connection, then
/// closes it without answering.
struct RawListener {
    port: u16,
    first: Arc<Mutex<Vec<u8>>>,
}

impl RawListener {
    fn start() -> RawListener {
        let listener = TcpListener::bind(("127.0.0.1", 0)).expect("bind raw listener");
        let port = listener.local_addr().unwrap().port();
        let first = Arc::new(Mutex::new(Vec::new()));
        let keep = first.clone();
        std::thread::spawn(move || {
            if let Ok((mut stream, _)) = listener.accept() {
                stream
                    .set_read_timeout(Some(Duration::from_secs(5)))
                    .unwrap();
                let mut buf = [0u8; 4096];
                let n = stream.read(&mut buf).unwrap_or(0);
                keep.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        RawListener { port, first }
    }

    fn first_bytes(&self) -> Vec<u8> {
        self.first.lock().unwrap().clone()
    }
}

/// A port on 127.0.0.1 that nothing listens on.
fn closed_port() -> u16 {
    let listener = TcpListener::bind(("127.0.0.1", 0)).expect("bind");
    listener.local_addr().unwrap().port()
}

/// Pings a webhook and returns its delivery once it has been tried.
async fn ping_outcome(app: &TestApp, admin: &str, hook: &Value) -> Value {
    let id = hook["id"].as_str().unwrap();
    let ping = app
        .post(&format!("/api/v1/webhooks/{id}/ping"))
        .token(admin)
        .send()
        .await;
    assert_eq!(ping.status, StatusCode::ACCEPTED, "{}", ping.body);
    let event_id = ping.body["event_id"].clone();
    let log = wait_until(app, admin, &deliveries_path(hook), |b| {
        b["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["event_id"] == event_id && d["attempts"].as_i64() >= Some(1))
    })
    .await;
    log["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["event_id"] == event_id)
        .unwrap()
        .clone()
}

async fn create_hook(app: &TestApp, admin: &str, url: &str) -> crate::harness::Res {
    app.post("/api/v1/webhooks")
        .token(admin)
        .json(json!({"name": "Hook", "url": url, "event_types": ["evidence.*"]}))
        .await
}

/// Without an allow-list, a webhook reaches public addresses only, whatever name leads to
/// an internal one: refused when it is saved if the name resolves there then, and at the
/// connection if it resolves there later (DNS rebinding), with the same error for the
/// receiver's open port, a closed one and a name that no longer resolves.
async fn a_name_that_resolves_to_an_internal_address_is_not_connected_to(app: &TestApp) {
    let dns = Dns::default();
    let app = &app
        .sibling(|c| {
            c.webhooks.allowed_hosts = None;
            c.webhook_resolver = dns.resolver();
        })
        .await;
    let admin = app.admin().await;
    let receiver = Receiver::start(0).await;
    let port = receiver
        .url
        .split(':')
        .nth(2)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_string();

    // Resolving to loopback now: refused when saved.
    dns.answer("loopback.thidua.test", &["127.0.0.1"]);
    for url in [
        format!("http://loopback.thidua.test:{port}/hooks/thidua"),
        format!("http://[::ffff:127.0.0.1]:{port}/hooks/thidua"),
        format!("http://[64:ff9b::7f00:1]:{port}/hooks/thidua"),
        format!("http://localhost:{port}/hooks/thidua"),
    ] {
        create_hook(app, &admin, &url).await.invalid("url");
    }

    // Public when saved, loopback (or loopback written as IPv6) when delivered.
    dns.answer("open.thidua.test", &[PUBLIC]);
    dns.answer("mapped.thidua.test", &[PUBLIC]);
    dns.answer("closed.thidua.test", &[PUBLIC]);
    dns.answer("gone.thidua.test", &[PUBLIC]);
    let open = subscribe(
        app,
        &admin,
        &format!("http://open.thidua.test:{port}/hooks/thidua"),
        &["evidence.*"],
    )
    .await;
    let mapped = subscribe(
        app,
        &admin,
        &format!("http://mapped.thidua.test:{port}/hooks/thidua"),
        &["evidence.*"],
    )
    .await;
    let closed = subscribe(
        app,
        &admin,
        &format!("http://closed.thidua.test:{}/hooks/thidua", closed_port()),
        &["evidence.*"],
    )
    .await;
    // Nor may a saved webhook be moved to a name that resolves to loopback.
    let res = app
        .patch(&format!(
            "/api/v1/webhooks/{}",
            open["id"].as_str().unwrap()
        ))
        .token(&admin)
        .if_match("\"v1\"")
        .json(json!({"url": format!("http://loopback.thidua.test:{port}/")}))
        .await;
    res.invalid("url");
    dns.answer("open.thidua.test", &["127.0.0.1"]);
    dns.answer("mapped.thidua.test", &["::ffff:127.0.0.1"]);
    let gone = subscribe(
        app,
        &admin,
        &format!("http://gone.thidua.test:{port}/hooks/thidua"),
        &["evidence.*"],
    )
    .await;
    dns.answer("closed.thidua.test", &["127.0.0.1"]);
    dns.forget("gone.thidua.test");
    for hook in [&open, &mapped, &closed, &gone] {
        let d = ping_outcome(app, &admin, hook).await;
        assert_eq!(d["status"], "pending", "{d}");
        assert_eq!(d["last_status_code"], Value::Null, "{d}");
        assert_eq!(
            d["last_error"], UNDELIVERED,
            "the same for an open port and a closed one"
        );
    }
    settle().await;
    assert!(receiver.received().is_empty(), "{:?}", receiver.received());
}

/// Listing a name on `THIDUA_WEBHOOK_ALLOWED_HOSTS` does not list the internal addresses it
/// resolves to: with `localhost` listed but not 127.0.0.1, a receiver there is refused (the
/// system's resolver, which reads `localhost` from /etc/hosts on every machine), and so is
/// a listed name that comes to resolve there after it was saved.
async fn a_listed_name_does_not_list_its_internal_addresses(app: &TestApp) {
    let dns = Dns::default();
    let system = &app
        .sibling(|c| c.webhooks.allowed_hosts = Some(parse_allowed_hosts("localhost").unwrap()))
        .await;
    let admin = system.admin().await;
    let receiver = Receiver::start(0).await;
    let url = receiver.url.replace("127.0.0.1", "localhost");
    create_hook(system, &admin, &url).await.invalid("url");

    let app = &app
        .sibling(|c| {
            c.webhooks.allowed_hosts = Some(parse_allowed_hosts("hooks.thidua.test").unwrap());
            c.webhook_resolver = dns.resolver();
        })
        .await;
    let admin = app.admin().await;
    dns.answer("hooks.thidua.test", &[PUBLIC]);
    let url = receiver.url.replace("127.0.0.1", "hooks.thidua.test");
    let hook = subscribe(app, &admin, &url, &["evidence.*"]).await;
    dns.answer("hooks.thidua.test", &["127.0.0.1"]);
    let d = ping_outcome(app, &admin, &hook).await;
    assert_eq!(d["last_error"], UNDELIVERED);
    settle().await;
    assert!(receiver.received().is_empty(), "{:?}", receiver.received());
}

/// An internal address the operator lists is reached, by its name too.
async fn a_listed_internal_address_is_reached_by_name(app: &TestApp) {
    let dns = Dns::default();
    let app = &app
        .sibling(|c| {
            c.webhooks.allowed_hosts =
                Some(parse_allowed_hosts("hooks.thidua.test, 127.0.0.1").unwrap());
            c.webhook_resolver = dns.resolver();
        })
        .await;
    dns.answer("hooks.thidua.test", &["127.0.0.1"]);
    let admin = app.admin().await;
    let receiver = Receiver::start(0).await;
    let url = receiver.url.replace("127.0.0.1", "hooks.thidua.test");
    let hook = subscribe(app, &admin, &url, &["evidence.*"]).await;
    let d = ping_outcome(app, &admin, &hook).await;
    assert_eq!(d["status"], "delivered", "{d}");
    assert_eq!(receiver.wait_for(1).await[0].event_type, "ping");
}

/// A delivery that got no HTTP answer reads the same whatever kept it from one: a closed
/// port, a listener that hangs up, a failed TLS handshake (and, in the test above, an
/// internal address and a name that no longer resolves). An answer's status is still shown.
async fn failed_deliveries_read_the_same_whatever_the_cause(app: &TestApp) {
    let admin = app.admin().await;
    let hangs_up = RawListener::start();
    let plain = Receiver::start(usize::MAX).await;
    for url in [
        format!("http://127.0.0.1:{}/hooks", closed_port()),
        format!("http://127.0.0.1:{}/hooks", hangs_up.port),
        plain.url.replace("http://", "https://"),
    ] {
        let hook = subscribe(app, &admin, &url, &["evidence.*"]).await;
        let d = ping_outcome(app, &admin, &hook).await;
        assert_eq!(d["last_status_code"], Value::Null, "{url}: {d}");
        assert_eq!(d["last_error"], UNDELIVERED, "{url}");
    }
    let hook = subscribe(app, &admin, &plain.url, &["evidence.*"]).await;
    let d = ping_outcome(app, &admin, &hook).await;
    assert_eq!(d["last_status_code"], 500);
    assert_eq!(d["last_error"], "HTTP 500");
}

/// A subscription names types the catalogue lists (a misspelt one would never fire), and
/// what arrives is the document's `ChangeEvent` or `PingEvent`, with its payload version.
async fn events_are_those_of_the_catalogue_in_their_documented_shape(app: &TestApp) {
    let admin = app.admin().await;
    let receiver = Receiver::start(0).await;
    for types in [
        json!(["evidance.created"]),
        json!(["org_unit.*", "session.*"]),
    ] {
        let index = types.as_array().unwrap().len() - 1;
        app.post("/api/v1/webhooks")
            .token(&admin)
            .json(json!({"name": "Hook", "url": receiver.url, "event_types": types}))
            .await
            .invalid(&format!("event_types[{index}]"));
    }
    let hook = subscribe(app, &admin, &receiver.url, &["org_unit.*"]).await;
    app.unit(&admin, "NA", "Tỉnh Nghệ An", None).await;
    let got = receiver.wait_for(1).await;
    let change = got[0].json();
    crate::openapi_contract::assert_documented("ChangeEvent", &change);
    assert_eq!(change["type"], "org_unit.created");
    assert_eq!(change["payload_version"], 1);
    let doc: Value = serde_json::from_str(
        &std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi/openapi.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let types = &doc["components"]["schemas"]["ChangeEvent"]["properties"]["type"]["enum"];
    assert!(
        types.as_array().unwrap().contains(&change["type"]),
        "the document lists the type sent"
    );
    assert_eq!(
        doc["webhooks"]["change"]["post"]["operationId"],
        "receiveChange"
    );

    let id = hook["id"].as_str().unwrap();
    let ping = app
        .post(&format!("/api/v1/webhooks/{id}/ping"))
        .token(&admin)
        .send()
        .await;
    assert_eq!(ping.status, StatusCode::ACCEPTED, "{}", ping.body);
    let got = receiver.wait_for(2).await;
    let ping = got[1].json();
    crate::openapi_contract::assert_documented("PingEvent", &ping);
    assert_eq!(ping["payload_version"], 1);
}

/// A receiver that hangs until the send gives up holds up its own webhook only (issue 19):
/// the other subscriber gets the changes made meanwhile within a few ticks, not once the
/// hang is over. The hanging one is sent nothing more until its send has timed out and been
/// scheduled for retry; then it gets the rest in feed order, and the retry.
async fn a_hanging_receiver_holds_up_only_its_own_webhook(app: &TestApp) {
    // Longer than a send's `TIMEOUT`, so that the first delivery surely times out.
    let hang = TIMEOUT + Duration::from_secs(2);
    // What a subscriber that nobody holds up waits at most, even on a slow machine: a tick
    // (50 ms here), the feed sealed (every 100 ms), a request to 127.0.0.1. Far below the
    // hang, which the old worker made every subscriber wait out.
    let prompt = Duration::from_secs(2);
    let admin = app.admin().await;
    let slow = Receiver::hanging(1, hang).await;
    let normal = Receiver::start(0).await;
    let slow_hook = subscribe(app, &admin, &slow.url, &["org_unit.created"]).await;
    subscribe(app, &admin, &normal.url, &["org_unit.created"]).await;
    let province = app.unit(&admin, "H42", "Tỉnh Hà Tĩnh", None).await;
    // Both have the first event; the slow receiver hangs on it from now on.
    let hung = slow.wait_for(1).await.remove(0);
    normal.wait_for(1).await;

    let mut units = vec![province.clone()];
    let mut written = Vec::new();
    for i in 0..3 {
        let office = app
            .unit(
                &admin,
                &format!("H42.{i:02}"),
                &format!("Phòng {i}"),
                Some(&province),
            )
            .await;
        units.push(office);
        written.push(Instant::now());
    }
    let resource = |r: &Received| {
        r.json()["data"]["resource_id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let got = normal.wait_for_within(4, 2 * hang).await;
    let delays: Vec<Duration> = got[1..]
        .iter()
        .zip(&written)
        .map(|(r, w)| r.at.saturating_duration_since(*w))
        .collect();
    eprintln!("the normal subscriber got each change {delays:?} after it was written");
    assert!(
        delays.iter().all(|d| *d < prompt),
        "held up by the hanging receiver: each change arrived {delays:?} after it was written"
    );
    assert_eq!(got.iter().map(resource).collect::<Vec<_>>(), units);
    assert_eq!(
        slow.received().len(),
        1,
        "nothing more goes to the hanging receiver while its send is in progress"
    );

    let log = wait_until_within(app, &admin, &deliveries_path(&slow_hook), 2 * hang, |b| {
        b["total"] == 4
            && b["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|d| d["status"] == "delivered")
    })
    .await;
    settle().await;
    let got = slow.received();
    assert_eq!(resource(&got[0]), province);
    assert_eq!(got[0].event_id, hung.event_id);
    // The next request came once the first had timed out and was scheduled for retry;
    // the rest in feed order, then the retry, due after the backoff.
    assert!(
        got[1].at >= hung.at + TIMEOUT - Duration::from_secs(1),
        "sent while the first was in progress: {:?} after it",
        got[1].at - hung.at
    );
    let mut expected = units.clone();
    expected.push(province.clone());
    assert_eq!(got.iter().map(resource).collect::<Vec<_>>(), expected);
    assert_eq!(got[4].event_id, hung.event_id, "the same event again");
    for d in log["items"].as_array().unwrap() {
        let retried = d["event_id"] == hung.event_id.as_str();
        assert_eq!(d["attempts"], if retried { 2 } else { 1 }, "{d}");
    }
    assert_eq!(normal.received().len(), 4, "each event once");
}

//! Data leaving the service: service clients and their scopes, the change feed, the
//! audit trail's hash chain, and bulk export.

use actix_web::http::StatusCode;
use base64::Engine;
use diesel::prelude::*;
use serde_json::{Value, json};

use crate::db_tests;
use crate::fixtures::{Client, ask_token, client_token};
use crate::harness::TestApp;

db_tests!(
    client_credentials_open_only_their_scopes,
    rotating_or_disabling_a_client_ends_its_tokens,
    token_requests_refuse_bad_grants_and_credentials,
    feed_tells_creates_updates_and_tombstones_in_order,
    feed_cursors_resume_and_refuse_what_was_never_issued,
    feed_has_no_gap_or_duplicate_under_concurrent_writers,
    writes_sharing_a_commit_keep_their_own_outcome,
    audit_log_shows_before_and_after_to_admins_only,
    audit_chain_detects_an_edited_or_removed_entry,
    rows_written_behind_the_services_back_are_never_chained_and_verify_reports_them,
    rows_written_before_audit_rows_had_macs_are_keyed_by_the_upgrade,
    export_streams_every_record_as_json_lines,
);

/// A client with `scopes`, made by the admin.
async fn new_client(app: &TestApp, admin: &str, scopes: &[&str]) -> Value {
    Client::with(scopes).made(app, admin).await
}

fn form(pairs: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

async fn client_credentials_open_only_their_scopes(app: &TestApp) {
    let admin = app.admin().await;
    let client = new_client(app, &admin, &["changes:read"]).await;
    let (client_id, secret) = (
        client["client_id"].as_str().unwrap(),
        client["client_secret"].as_str().unwrap(),
    );
    // The secret is shown once, and stored only as a hash.
    let read = app
        .get(&format!(
            "/api/v1/clients/{}",
            client["id"].as_str().unwrap()
        ))
        .token(&admin)
        .await;
    assert_eq!(read.status, StatusCode::OK);
    assert!(read.body.get("client_secret").is_none());
    assert!(!String::from_utf8_lossy(&read.bytes).contains(secret));
    let log = app
        .get("/api/v1/audit-log?resource_type=api_client")
        .token(&admin)
        .await;
    assert!(!String::from_utf8_lossy(&log.bytes).contains(secret));

    let token = client_token(app, client_id, secret).await;
    let feed = app.get("/api/v1/changes").token(&token).await;
    assert_eq!(feed.status, StatusCode::OK, "{}", feed.body);
    // Outside its scopes: every other endpoint, users' ones included.
    app.get("/api/v1/export/org-units")
        .token(&token)
        .await
        .problem(403, "insufficient_scope");
    app.get("/api/v1/awards")
        .token(&token)
        .await
        .problem(403, "insufficient_scope");
    app.get("/api/v1/org-units")
        .token(&token)
        .await
        .problem(403, "insufficient_scope");
    app.try_unit(&token, "X", "X", None, "province")
        .await
        .problem(403, "insufficient_scope");
    app.get("/api/v1/clients")
        .token(&token)
        .await
        .problem(403, "insufficient_scope");
    app.get("/api/v1/reports/province")
        .token(&token)
        .await
        .problem(403, "insufficient_scope");

    // A client with reports:read pulls the province report; its version is the feed's head.
    let reporter = new_client(app, &admin, &["reports:read"]).await;
    let reports = client_token(
        app,
        reporter["client_id"].as_str().unwrap(),
        reporter["client_secret"].as_str().unwrap(),
    )
    .await;
    let res = app
        .get("/api/v1/reports/province?year=2026")
        .token(&reports)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body["data_version"], head(app, &admin).await);
    let again = app
        .get("/api/v1/reports/province?year=2026")
        .token(&reports)
        .header("If-None-Match", &res.etag())
        .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);

    // HTTP Basic works as well as the form, and a narrower scope may be asked for.
    let awards = new_client(app, &admin, &["awards:read", "export:read"]).await;
    let basic = base64::engine::general_purpose::STANDARD.encode(format!(
        "{}:{}",
        awards["client_id"].as_str().unwrap(),
        awards["client_secret"].as_str().unwrap()
    ));
    let res = app
        .post("/api/v1/auth/token")
        .header("Authorization", &format!("Basic {basic}"))
        .raw(
            "application/x-www-form-urlencoded",
            form(&[
                ("grant_type", "client_credentials"),
                ("scope", "awards:read"),
            ]),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body["scope"], "awards:read");
    let narrow = res.body["access_token"].as_str().unwrap().to_string();
    assert_eq!(
        app.get("/api/v1/awards").token(&narrow).await.status,
        StatusCode::OK
    );
    app.get("/api/v1/export/org-units")
        .token(&narrow)
        .await
        .problem(403, "insufficient_scope");

    // Only admins keep clients.
    let unit = app.unit(&admin, "T", "Tỉnh Nghệ An", None).await;
    let officer = app.user(&admin, "canbo", &["officer"], Some(&unit)).await;
    app.get("/api/v1/clients")
        .token(&officer)
        .await
        .problem(403, "forbidden");
    Client::with(&["changes:read"])
        .send(app, &officer)
        .await
        .problem(403, "forbidden");
    // Nor may an officer read the feed.
    app.get("/api/v1/changes")
        .token(&officer)
        .await
        .problem(403, "forbidden");
    // An unknown scope is refused, and nothing is written.
    let before = app.get("/api/v1/clients").token(&admin).await.body;
    app.post("/api/v1/clients")
        .token(&admin)
        .json(json!({"name": "x", "scopes": ["users:write"]}))
        .await
        .invalid("scopes[0]");
    assert_eq!(app.get("/api/v1/clients").token(&admin).await.body, before);
}

async fn rotating_or_disabling_a_client_ends_its_tokens(app: &TestApp) {
    let admin = app.admin().await;
    let client = new_client(app, &admin, &["changes:read"]).await;
    let id = client["id"].as_str().unwrap();
    let client_id = client["client_id"].as_str().unwrap();
    let old_secret = client["client_secret"].as_str().unwrap();
    let old_token = client_token(app, client_id, old_secret).await;

    // Rotation is guarded by If-Match like every change.
    let path = format!("/api/v1/clients/{id}/rotate-secret");
    app.post(&path)
        .token(&admin)
        .send()
        .await
        .problem(428, "if_match_required");
    let etag = app
        .get(&format!("/api/v1/clients/{id}"))
        .token(&admin)
        .await
        .etag();
    let rotated = app.post(&path).token(&admin).if_match(&etag).send().await;
    assert_eq!(rotated.status, StatusCode::OK, "{}", rotated.body);
    let new_secret = rotated.body["client_secret"].as_str().unwrap();
    assert_ne!(new_secret, old_secret);

    let refused = app.get("/api/v1/changes").token(&old_token).await;
    refused.problem(401, "unauthorized");
    // RFC 6750 §3.1: a token that was good and is no longer is `invalid_token`.
    assert_eq!(
        refused.header("www-authenticate"),
        Some(
            "Bearer realm=\"thidua\", error=\"invalid_token\", \
             error_description=\"The client is disabled or its secret was rotated.\""
        )
    );
    ask_token(app, client_id, old_secret)
        .await
        .oauth_error(401, "invalid_client");
    let token = client_token(app, client_id, new_secret).await;
    assert_eq!(
        app.get("/api/v1/changes").token(&token).await.status,
        StatusCode::OK
    );

    // Taking a scope away takes effect on tokens already issued.
    let etag = rotated.etag();
    let res = app
        .patch(&format!("/api/v1/clients/{id}"))
        .token(&admin)
        .if_match(&etag)
        .json(json!({"scopes": ["reports:read"]}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let refused = app.get("/api/v1/changes").token(&token).await;
    refused.problem(403, "insufficient_scope");
    // RFC 6750 §3.1: the scope to ask for is named in the challenge.
    assert_eq!(
        refused.header("www-authenticate"),
        Some(
            "Bearer realm=\"thidua\", error=\"insufficient_scope\", \
             error_description=\"This endpoint needs the scope changes:read.\", \
             scope=\"changes:read\""
        )
    );

    // Disabling ends every token and refuses new ones.
    let res = app
        .patch(&format!("/api/v1/clients/{id}"))
        .token(&admin)
        .if_match(&res.etag())
        .json(json!({"active": false}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    app.get("/api/v1/changes")
        .token(&token)
        .await
        .problem(401, "unauthorized");
    ask_token(app, client_id, new_secret)
        .await
        .oauth_error(401, "invalid_client");
    // The feed records the disabling as a tombstone of the client.
    let feed = app
        .get("/api/v1/changes?resource_type=api_client")
        .token(&admin)
        .await;
    let actions: Vec<&str> = feed.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["created", "updated", "updated", "archived"]);
}

async fn token_requests_refuse_bad_grants_and_credentials(app: &TestApp) {
    let admin = app.admin().await;
    let client = new_client(app, &admin, &["changes:read"]).await;
    let client_id = client["client_id"].as_str().unwrap();
    let secret = client["client_secret"].as_str().unwrap();
    let post = |body: String| {
        app.post("/api/v1/auth/token")
            .raw("application/x-www-form-urlencoded", body)
    };
    post(form(&[
        ("grant_type", "password"),
        ("client_id", client_id),
    ]))
    .await
    .oauth_error(400, "unsupported_grant_type");
    post(form(&[
        ("grant_type", "client_credentials"),
        ("client_id", client_id),
        ("client_secret", "tds_wrong"),
    ]))
    .await
    .oauth_error(401, "invalid_client");
    post(form(&[
        ("grant_type", "client_credentials"),
        ("client_id", "thidua-nobody"),
        ("client_secret", secret),
    ]))
    .await
    .oauth_error(401, "invalid_client");
    post(form(&[("grant_type", "client_credentials")]))
        .await
        .oauth_error(401, "invalid_client");
    post(form(&[
        ("grant_type", "client_credentials"),
        ("client_id", client_id),
        ("client_secret", secret),
        ("scope", "admin:all"),
    ]))
    .await
    .oauth_error(400, "invalid_scope");
    post(form(&[
        ("grant_type", "client_credentials"),
        ("client_id", client_id),
        ("client_secret", secret),
        ("scope", "export:read"),
    ]))
    .await
    .oauth_error(400, "invalid_scope");
    // A form the endpoint cannot read is OAuth's invalid_request, naming the field.
    let fields = post(form(&[("client_id", client_id)]))
        .await
        .oauth_error(400, "invalid_request");
    assert_eq!(fields, ["grant_type"]);
    app.post("/api/v1/auth/token")
        .json(json!({"grant_type": "client_credentials"}))
        .await
        .oauth_error(400, "invalid_request");
    app.post("/api/v1/auth/token")
        .raw("application/x-www-form-urlencoded", "a=".repeat(10_000))
        .await
        .problem(413, "too_large");
    // A token signed with another key is refused everywhere.
    let forged = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &json!({"iss": "thidua", "aud": "thidua-api", "sub": client["id"], "sid": client["id"],
                "jti": "x", "roles": [], "scope": "changes:read export:read",
                "iat": chrono::Utc::now().timestamp(), "nbf": chrono::Utc::now().timestamp(),
                "exp": chrono::Utc::now().timestamp() + 600}),
        &jsonwebtoken::EncodingKey::from_secret(b"not-the-server-secret-not-the-server"),
    )
    .unwrap();
    app.get("/api/v1/changes")
        .token(&forged)
        .await
        .problem(401, "unauthorized");
}

/// Every change after `after`, read page by page as a puller would.
async fn changes_after(app: &TestApp, token: &str, mut after: i64, limit: i64) -> Vec<Value> {
    let mut all = Vec::new();
    loop {
        let res = app
            .get(&format!("/api/v1/changes?after={after}&limit={limit}"))
            .token(token)
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        all.extend(res.body["items"].as_array().unwrap().iter().cloned());
        after = res.body["next_after"].as_i64().unwrap();
        if !res.body["has_more"].as_bool().unwrap() {
            return all;
        }
    }
}

async fn head(app: &TestApp, token: &str) -> i64 {
    let res = app.get("/api/v1/changes?limit=1").token(token).await;
    res.body["head"].as_i64().unwrap()
}

async fn feed_tells_creates_updates_and_tombstones_in_order(app: &TestApp) {
    let admin = app.admin().await;
    let start = head(app, &admin).await;
    let province = app.unit(&admin, "T", "Tỉnh Nghệ An", None).await;
    let agency = app.unit(&admin, "SNV", "Sở Nội vụ", Some(&province)).await;
    let read = app
        .get(&format!("/api/v1/org-units/{agency}"))
        .token(&admin)
        .await;
    let res = app
        .patch(&format!("/api/v1/org-units/{agency}"))
        .token(&admin)
        .if_match(&read.etag())
        .json(json!({"name": "Sở Nội vụ tỉnh Nghệ An"}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let res = app
        .post(&format!("/api/v1/org-units/{agency}/archive"))
        .token(&admin)
        .if_match(&res.etag())
        .send()
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);

    let changes = changes_after(app, &admin, start, 100).await;
    let units: Vec<(String, String, i64)> = changes
        .iter()
        .filter(|c| c["resource_type"] == "org_unit")
        .map(|c| {
            (
                c["resource_id"].as_str().unwrap().to_string(),
                c["action"].as_str().unwrap().to_string(),
                c["version"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        units,
        [
            (province.clone(), "created".to_string(), 1),
            (agency.clone(), "created".to_string(), 1),
            (agency.clone(), "updated".to_string(), 2),
            (agency.clone(), "archived".to_string(), 3),
        ]
    );
    // Positions run on without a gap.
    let positions: Vec<i64> = changes
        .iter()
        .map(|c| c["position"].as_i64().unwrap())
        .collect();
    assert_eq!(
        positions,
        ((start + 1)..=(start + changes.len() as i64)).collect::<Vec<_>>()
    );
    // A filter by type still moves the cursor to the head.
    let res = app
        .get(&format!("/api/v1/changes?after={start}&resource_type=plan"))
        .token(&admin)
        .await;
    assert_eq!(res.body["items"], json!([]));
    assert_eq!(res.body["next_after"], res.body["head"]);
}

async fn feed_cursors_resume_and_refuse_what_was_never_issued(app: &TestApp) {
    let admin = app.admin().await;
    for i in 0..5 {
        app.unit(&admin, &format!("T{i}"), &format!("Tỉnh {i}"), None)
            .await;
    }
    let top = head(app, &admin).await;
    let whole = changes_after(app, &admin, 0, 1000).await;
    let paged = changes_after(app, &admin, 0, 2).await;
    assert_eq!(whole, paged);
    assert_eq!(whole.len() as i64, top);
    // At the head: nothing new, and the cursor stays.
    let res = app
        .get(&format!("/api/v1/changes?after={top}"))
        .token(&admin)
        .await;
    assert_eq!(res.body["items"], json!([]));
    assert_eq!(res.body["next_after"], top);
    assert_eq!(res.body["has_more"], false);
    // Past the head, or below zero: never issued.
    let res = app
        .get(&format!("/api/v1/changes?after={}", top + 1))
        .token(&admin)
        .await;
    res.invalid("after");
    assert_eq!(res.body["errors"][0]["code"], "unknown_cursor");
    app.get("/api/v1/changes?after=-1")
        .token(&admin)
        .await
        .invalid("after");
    app.get("/api/v1/changes?after=abc")
        .token(&admin)
        .await
        .invalid("after");
    app.get("/api/v1/changes?limit=0")
        .token(&admin)
        .await
        .invalid("limit");
    app.get("/api/v1/changes?limit=1001")
        .token(&admin)
        .await
        .invalid("limit");
    app.get("/api/v1/changes")
        .send()
        .await
        .problem(401, "unauthorized");
}

/// Writers commit concurrently while a puller follows the feed: the puller must see every
/// change exactly once, and positions without a hole.
async fn feed_has_no_gap_or_duplicate_under_concurrent_writers(app: &TestApp) {
    let admin = app.admin().await;
    let client = new_client(app, &admin, &["changes:read"]).await;
    let reader = client_token(
        app,
        client["client_id"].as_str().unwrap(),
        client["client_secret"].as_str().unwrap(),
    )
    .await;
    let start = head(app, &admin).await;
    const WRITERS: usize = 8;
    const EACH: usize = 6;
    let writers = (0..WRITERS).map(|w| {
        let admin = admin.clone();
        async move {
            let mut ids = Vec::new();
            for i in 0..EACH {
                ids.push(
                    app.unit(
                        &admin,
                        &format!("W{w}-{i}"),
                        &format!("Đơn vị {w}-{i}"),
                        None,
                    )
                    .await,
                );
            }
            ids
        }
    });
    let done = std::cell::Cell::new(false);
    let puller = async {
        let mut seen = Vec::new();
        let mut after = start;
        loop {
            let finished = done.get();
            let res = app
                .get(&format!("/api/v1/changes?after={after}&limit=7"))
                .token(&reader)
                .await;
            assert_eq!(res.status, StatusCode::OK, "{}", res.body);
            seen.extend(res.body["items"].as_array().unwrap().iter().cloned());
            after = res.body["next_after"].as_i64().unwrap();
            if finished && !res.body["has_more"].as_bool().unwrap() {
                return seen;
            }
        }
    };
    let writing = async {
        let ids = futures_util::future::join_all(writers).await;
        done.set(true);
        ids
    };
    let (ids, seen) = futures_util::future::join(writing, puller).await;
    let positions: Vec<i64> = seen
        .iter()
        .map(|c| c["position"].as_i64().unwrap())
        .collect();
    assert_eq!(
        positions,
        ((start + 1)..=(start + seen.len() as i64)).collect::<Vec<_>>(),
        "positions with a gap or a repeat"
    );
    let mut created: Vec<String> = seen
        .iter()
        .filter(|c| c["resource_type"] == "org_unit" && c["action"] == "created")
        .map(|c| c["resource_id"].as_str().unwrap().to_string())
        .collect();
    let mut expected: Vec<String> = ids.into_iter().flatten().collect();
    created.sort();
    expected.sort();
    assert_eq!(created, expected);
}

/// Writes that queue up for SQLite's writer share one commit: each still gets its own
/// answer, a refused one leaves nothing, and a later write in the same commit sees the
/// earlier (the taken code). PostgreSQL runs the same requests side by side.
async fn writes_sharing_a_commit_keep_their_own_outcome(app: &TestApp) {
    let admin = app.admin().await;
    let tries = (0..24).map(|i| {
        let admin = admin.clone();
        // Every third asks for the same code; the others are new.
        let code = if i % 3 == 0 {
            "TRUNG".to_string()
        } else {
            format!("U{i}")
        };
        async move {
            let res = app
                .try_unit(&admin, &code, &format!("Đơn vị số {i}"), None, "province")
                .await;
            (code, res)
        }
    });
    let answers = futures_util::future::join_all(tries).await;
    let mut created = Vec::new();
    let mut taken = 0;
    for (code, res) in &answers {
        match res.status.as_u16() {
            201 => created.push(res.id()),
            409 if code == "TRUNG" => taken += 1,
            other => panic!("{code}: {other} {}", res.body),
        }
    }
    assert_eq!(created.len(), 17, "16 new codes and one TRUNG");
    assert_eq!(taken, 7);
    let units = app
        .get("/api/v1/org-units?per_page=200")
        .token(&admin)
        .await;
    let mut listed = units.ids();
    listed.sort();
    created.sort();
    assert_eq!(listed, created);
    let audit = app
        .get("/api/v1/audit-log?resource_type=org_unit&action=created&per_page=200")
        .token(&admin)
        .await;
    assert_eq!(audit.body["total"], 17, "{}", audit.body);
    let verify = app.get("/api/v1/audit-log/verify").token(&admin).await;
    assert_eq!(verify.body["ok"], true, "{}", verify.body);
}

async fn audit_log_shows_before_and_after_to_admins_only(app: &TestApp) {
    let admin = app.admin().await;
    let unit = app.unit(&admin, "T", "Tỉnh Nghệ An", None).await;
    let read = app
        .get(&format!("/api/v1/org-units/{unit}"))
        .token(&admin)
        .await;
    app.patch(&format!("/api/v1/org-units/{unit}"))
        .token(&admin)
        .if_match(&read.etag())
        .json(json!({"name": "Tỉnh Nghệ An (mới)"}))
        .await;
    let res = app
        .get(&format!("/api/v1/audit-log?resource_id={unit}"))
        .token(&admin)
        .await;
    let items = res.items();
    assert_eq!(res.body["total"], 2);
    // Newest first.
    assert_eq!(items[0]["action"], "updated");
    assert_eq!(items[0]["before"]["name"], "Tỉnh Nghệ An");
    assert_eq!(items[0]["after"]["name"], "Tỉnh Nghệ An (mới)");
    assert_eq!(items[1]["action"], "created");
    assert!(items[1]["before"].is_null());
    assert!(items[0]["hash"].as_str().unwrap().len() == 64);
    assert!(items[0]["chain_seq"].as_i64().unwrap() > items[1]["chain_seq"].as_i64().unwrap());
    let me = app.get("/api/v1/auth/me").token(&admin).await;
    let by_admin = app
        .get(&format!(
            "/api/v1/audit-log?actor_id={}&action=created&per_page=200",
            me.body["user"]["id"].as_str().unwrap()
        ))
        .token(&admin)
        .await;
    assert!(!by_admin.ids().is_empty());
    app.get("/api/v1/audit-log?from=yesterday")
        .token(&admin)
        .await
        .invalid("from");
    let officer = app.user(&admin, "canbo", &["officer"], Some(&unit)).await;
    app.get("/api/v1/audit-log")
        .token(&officer)
        .await
        .problem(403, "forbidden");
    app.get("/api/v1/audit-log/verify")
        .token(&officer)
        .await
        .problem(403, "forbidden");
}

fn tamper(app: &TestApp, sql: &str) {
    let mut conn = app.state.pool.get().unwrap();
    diesel::sql_query(sql).execute(&mut *conn).unwrap();
}

async fn audit_chain_detects_an_edited_or_removed_entry(app: &TestApp) {
    let admin = app.admin().await;
    let unit = app.unit(&admin, "T", "Tỉnh Nghệ An", None).await;
    for i in 0..3 {
        app.unit(&admin, &format!("H{i}"), &format!("Huyện {i}"), Some(&unit))
            .await;
    }
    let verify = || app.get("/api/v1/audit-log/verify").token(&admin);
    let res = verify().await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.body["ok"], true, "{}", res.body);
    assert!(res.body["entries"].as_i64().unwrap() >= 5);

    // Remove the newest entry: only the head still knows it existed.
    tamper(
        app,
        "DELETE FROM audit_log WHERE chain_seq = (SELECT MAX(chain_seq) FROM audit_log)",
    );
    let res = verify().await;
    assert_eq!(res.body["ok"], false);
    assert_eq!(
        res.body["problems"][0]["problem"], "head_mismatch",
        "{}",
        res.body
    );

    // Edit one entry's content: that entry no longer matches its hash.
    let log = app
        .get(&format!("/api/v1/audit-log?resource_id={unit}"))
        .token(&admin)
        .await;
    let edited = log.items()[0]["id"].as_i64().unwrap();
    tamper(
        app,
        &format!("UPDATE audit_log SET after = '{{\"name\":\"Tỉnh khác\"}}' WHERE id = {edited}"),
    );
    let res = verify().await;
    assert_eq!(res.body["ok"], false);
    let problems = res.body["problems"].as_array().unwrap();
    assert!(
        problems
            .iter()
            .any(|p| p["problem"] == "altered" && p["id"] == edited),
        "{}",
        res.body
    );

    // Remove an entry in the middle: the chain has a hole and a dangling link.
    tamper(
        app,
        &format!("DELETE FROM audit_log WHERE id = {}", edited + 1),
    );
    let res = verify().await;
    let problems: Vec<&str> = res.body["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["problem"].as_str().unwrap())
        .collect();
    assert!(problems.contains(&"missing"), "{}", res.body);
    assert!(problems.contains(&"broken_link"), "{}", res.body);
}

/// The ids verify reports, with their problem.
fn reported(res: &crate::harness::Res) -> Vec<(i64, String)> {
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    res.body["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["id"].as_i64().unwrap_or(-1),
                p["problem"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

async fn rows_written_behind_the_services_back_are_never_chained_and_verify_reports_them(
    app: &TestApp,
) {
    let admin = app.admin().await;
    let unit = app.unit(&admin, "T", "Tỉnh Nghệ An", None).await;
    let verify = || app.get("/api/v1/audit-log/verify").token(&admin);
    let res = verify().await;
    assert_eq!(res.body["ok"], true, "{}", res.body);
    let entries = res.body["entries"].as_i64().unwrap();
    let newest = |app: &TestApp| {
        let mut conn = app.state.pool.get().unwrap();
        #[derive(QueryableByName)]
        struct Id {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            id: i64,
        }
        diesel::sql_query("SELECT MAX(id) AS id FROM audit_log")
            .get_result::<Id>(&mut *conn)
            .unwrap()
            .id
    };
    let genuine = newest(app);

    // A row put straight into the table: "the admin archived the province".
    tamper(
        app,
        &format!(
            "INSERT INTO audit_log (at, actor_id, action, resource_type, resource_id) \
             VALUES ('2026-12-07 08:00:00', 'admin', 'archived', 'org_unit', '{unit}')"
        ),
    );
    let fabricated = newest(app);
    // Verify seals first, as every reader of the trail does: the row is not chained.
    let res = verify().await;
    assert_eq!(res.body["ok"], false, "{}", res.body);
    assert_eq!(
        reported(&res),
        vec![(fabricated, "not_written_by_service".to_string())]
    );
    assert_eq!(res.body["entries"], entries, "{}", res.body);

    // A genuine row copied whole, MAC and all: the database refuses the copy.
    let copy = format!(
        "INSERT INTO audit_log (at, actor_id, request_id, action, resource_type, resource_id, \
         before, after, mac) SELECT at, actor_id, request_id, action, resource_type, \
         resource_id, before, after, {{mac}} FROM audit_log WHERE id = {genuine}"
    );
    let mut conn = app.state.pool.get().unwrap();
    assert!(
        diesel::sql_query(copy.replace("{mac}", "mac"))
            .execute(&mut *conn)
            .is_err()
    );
    drop(conn);
    // Copied with another MAC, or with its content changed: the MAC does not match.
    tamper(
        app,
        &copy.replace(
            "{mac}",
            &format!("substr(mac, 1, 33) || '{}'", "0".repeat(64)),
        ),
    );
    let made_up_mac = newest(app);
    tamper(
        app,
        &format!(
            "INSERT INTO audit_log (at, actor_id, request_id, action, resource_type, \
             resource_id, before, after, mac) SELECT at, 'someone-else', request_id, action, \
             resource_type, resource_id, before, after, 'x' || mac FROM audit_log \
             WHERE id = {genuine}"
        ),
    );
    let borrowed_mac = newest(app);
    // A feed read seals too; the service's own later writes chain as before.
    app.unit(&admin, "H", "Huyện Nam Đàn", Some(&unit)).await;
    assert_eq!(
        app.get("/api/v1/changes").token(&admin).await.status,
        StatusCode::OK
    );
    let res = verify().await;
    assert_eq!(res.body["ok"], false, "{}", res.body);
    assert_eq!(
        reported(&res),
        [fabricated, made_up_mac, borrowed_mac]
            .map(|id| (id, "not_written_by_service".to_string()))
            .to_vec()
    );
    assert!(
        res.body["entries"].as_i64().unwrap() > entries,
        "{}",
        res.body
    );
    // The trail shows them for what they are, off the chain.
    let log = app
        .get(&format!("/api/v1/audit-log?resource_id={unit}&per_page=50"))
        .token(&admin)
        .await;
    let forged = log
        .items()
        .into_iter()
        .find(|e| e["id"] == fabricated)
        .unwrap();
    assert_eq!(forged["chain_seq"], Value::Null);
    assert_eq!(forged["hash"], "not-written-by-the-service");
}

async fn rows_written_before_audit_rows_had_macs_are_keyed_by_the_upgrade(app: &TestApp) {
    let admin = app.admin().await;
    let unit = app.unit(&admin, "T", "Tỉnh Nghệ An", None).await;
    app.unit(&admin, "H", "Huyện Nam Đàn", Some(&unit)).await;
    let verify = || app.get("/api/v1/audit-log/verify").token(&admin);
    let entries = verify().await.body["entries"].clone();
    // The database as the version before MACs left it: its down.sql, and not yet applied.
    for sql in [
        "DROP INDEX audit_log_mac",
        "ALTER TABLE audit_log DROP COLUMN mac",
        "DELETE FROM __diesel_schema_migrations WHERE version = '20261207000012'",
    ] {
        tamper(app, sql);
    }
    let pool = app.state.pool.clone();
    let applied = actix_web::web::block(move || thidua::migrate(&mut pool.get().unwrap()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(applied, 1);
    let res = verify().await;
    assert_eq!(res.body["ok"], true, "{}", res.body);
    assert_eq!(res.body["entries"], entries);
    // From then on, a row without a MAC is not the service's, whatever its age.
    tamper(
        app,
        "INSERT INTO audit_log (at, action, resource_type, resource_id) \
         VALUES ('2020-01-01 00:00:00', 'created', 'org_unit', 'old')",
    );
    let res = verify().await;
    assert_eq!(res.body["ok"], false, "{}", res.body);
    assert_eq!(res.body["problems"][0]["problem"], "not_written_by_service");
}

async fn export_streams_every_record_as_json_lines(app: &TestApp) {
    let admin = app.admin().await;
    let province = app.unit(&admin, "T", "Tỉnh Nghệ An", None).await;
    let mut ids = vec![province.clone()];
    for i in 0..4 {
        ids.push(
            app.unit(
                &admin,
                &format!("X{i}"),
                &format!("Xã {i}"),
                Some(&province),
            )
            .await,
        );
    }
    let version = head(app, &admin).await;
    let res = app.get("/api/v1/export/org-units").token(&admin).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.header("content-type"), Some("application/x-ndjson"));
    assert_eq!(
        res.header("thidua-data-version"),
        Some(version.to_string().as_str())
    );
    let text = String::from_utf8(res.bytes.clone()).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let exported: Vec<&str> = lines.iter().map(|l| l["id"].as_str().unwrap()).collect();
    assert_eq!(exported, ids.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(lines[1]["name"], "Xã 0");
    // People's personal ids leave masked, as non-admins see them.
    let person = app.staff(&admin, &province, "Nguyễn Thị Hoa").await;
    let read = app
        .get(&format!("/api/v1/staff/{person}"))
        .token(&admin)
        .await;
    app.patch(&format!("/api/v1/staff/{person}"))
        .token(&admin)
        .if_match(&read.etag())
        .json(json!({"personal_id": "040190001234"}))
        .await;
    let staff = app.get("/api/v1/export/staff").token(&admin).await;
    let text = String::from_utf8(staff.bytes).unwrap();
    assert!(!text.contains("040190001234"), "{text}");
    assert!(text.contains("\"*********234\""), "{text}");
    // Every exportable type answers, empty or not.
    for resource in [
        "staff",
        "movements",
        "legal-documents",
        "plans",
        "criteria",
        "registrations",
        "evidence",
        "initiatives",
        "disciplines",
        "nominations",
        "award-decisions",
        "awards",
    ] {
        let res = app
            .get(&format!("/api/v1/export/{resource}"))
            .token(&admin)
            .await;
        assert_eq!(res.status, StatusCode::OK, "{resource}");
    }
    app.get("/api/v1/export/users")
        .token(&admin)
        .await
        .problem(404, "not_found");
    let client = new_client(app, &admin, &["export:read"]).await;
    let token = client_token(
        app,
        client["client_id"].as_str().unwrap(),
        client["client_secret"].as_str().unwrap(),
    )
    .await;
    let res = app.get("/api/v1/export/org-units").token(&token).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(String::from_utf8(res.bytes).unwrap().lines().count(), 5);
    let officer = app
        .user(&admin, "canbo", &["officer"], Some(&province))
        .await;
    app.get("/api/v1/export/org-units")
        .token(&officer)
        .await
        .problem(403, "forbidden");
}

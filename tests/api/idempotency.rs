//! `Idempotency-Key`: a retried POST gets the first answer and creates one record.

use actix_web::http::StatusCode;
use serde_json::json;

use crate::db_tests;
use crate::harness::TestApp;

db_tests!(
    a_retried_post_returns_the_first_answer_and_creates_once,
    a_key_reused_for_another_request_is_refused,
    keys_belong_to_their_caller,
    concurrent_retries_create_once,
    answers_carrying_a_secret_are_never_kept,
    a_retry_after_logging_in_again_runs,
    a_kept_answer_is_never_replayed_to_an_ended_session,
);

async fn a_retried_post_returns_the_first_answer_and_creates_once(app: &TestApp) {
    let admin = app.admin().await;
    let body = json!({"code": "T", "name": "Tỉnh Nghệ An", "kind": "province"});
    let first = app
        .post("/api/v1/org-units")
        .token(&admin)
        .header("Idempotency-Key", "4f6c1f7e-unit-T")
        .json(body.clone())
        .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    assert!(first.header("idempotent-replayed").is_none());
    let again = app
        .post("/api/v1/org-units")
        .token(&admin)
        .header("Idempotency-Key", "4f6c1f7e-unit-T")
        .json(body.clone())
        .await;
    assert_eq!(again.status, StatusCode::CREATED);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.body, first.body);
    assert_eq!(again.etag(), first.etag());
    assert_eq!(
        app.get("/api/v1/org-units").token(&admin).await.ids(),
        [first.id()]
    );
    // A refusal is an answer too: it is replayed, not re-run.
    let bad = json!({"code": "", "name": "x", "kind": "province"});
    let refused = app
        .post("/api/v1/org-units")
        .token(&admin)
        .header("Idempotency-Key", "bad-1")
        .json(bad.clone())
        .await;
    refused.invalid("code");
    let replayed = app
        .post("/api/v1/org-units")
        .token(&admin)
        .header("Idempotency-Key", "bad-1")
        .json(bad)
        .await;
    replayed.invalid("code");
    assert_eq!(replayed.header("idempotent-replayed"), Some("true"));
    // Without a key, the same body makes a second attempt (a duplicate code here).
    app.post("/api/v1/org-units")
        .token(&admin)
        .json(body)
        .await
        .problem(409, "duplicate");
}

async fn a_key_reused_for_another_request_is_refused(app: &TestApp) {
    let admin = app.admin().await;
    let first = app
        .post("/api/v1/org-units")
        .token(&admin)
        .header("Idempotency-Key", "k-1")
        .json(json!({"code": "A", "name": "Tỉnh A", "kind": "province"}))
        .await;
    assert_eq!(first.status, StatusCode::CREATED);
    let res = app
        .post("/api/v1/org-units")
        .token(&admin)
        .header("Idempotency-Key", "k-1")
        .json(json!({"code": "B", "name": "Tỉnh B", "kind": "province"}))
        .await;
    res.invalid("Idempotency-Key");
    assert_eq!(
        app.get("/api/v1/org-units").token(&admin).await.ids().len(),
        1
    );
    let res = app
        .post("/api/v1/org-units")
        .token(&admin)
        .header("Idempotency-Key", &"x".repeat(256))
        .json(json!({"code": "C", "name": "Tỉnh C", "kind": "province"}))
        .await;
    let fields = res.problem(400, "malformed_request");
    assert_eq!(fields, ["Idempotency-Key"]);
    assert_eq!(
        app.get("/api/v1/org-units").token(&admin).await.ids().len(),
        1
    );
}

async fn keys_belong_to_their_caller(app: &TestApp) {
    let admin = app.admin().await;
    let province = app.unit(&admin, "T", "Tỉnh Nghệ An", None).await;
    let officer = app
        .user(&admin, "canbo", &["officer"], Some(&province))
        .await;
    let by_admin = app
        .post("/api/v1/org-units")
        .token(&admin)
        .header("Idempotency-Key", "shared")
        .json(json!({"code": "H1", "name": "Huyện 1", "kind": "agency", "parent_id": province}))
        .await;
    assert_eq!(by_admin.status, StatusCode::CREATED, "{}", by_admin.body);
    // Another caller's same key is their own: it runs, and never sees the admin's answer.
    let by_officer = app
        .post("/api/v1/org-units")
        .token(&officer)
        .header("Idempotency-Key", "shared")
        .json(json!({"code": "H2", "name": "Huyện 2", "kind": "agency", "parent_id": province}))
        .await;
    assert_eq!(
        by_officer.status,
        StatusCode::CREATED,
        "{}",
        by_officer.body
    );
    assert!(by_officer.header("idempotent-replayed").is_none());
    assert_ne!(by_officer.id(), by_admin.id());
    // A forged token with a key is simply unauthorised.
    app.post("/api/v1/org-units")
        .token("not-a-token")
        .header("Idempotency-Key", "shared")
        .json(json!({"code": "H3", "name": "Huyện 3", "kind": "agency", "parent_id": province}))
        .await
        .problem(401, "unauthorized");
}

async fn concurrent_retries_create_once(app: &TestApp) {
    let admin = app.admin().await;
    let body = json!({"code": "C", "name": "Tỉnh C", "kind": "province"});
    let tries = (0..6).map(|_| {
        app.post("/api/v1/org-units")
            .token(&admin)
            .header("Idempotency-Key", "same-everywhere")
            .json(body.clone())
    });
    let answers = futures_util::future::join_all(tries).await;
    let mut created = Vec::new();
    for res in &answers {
        match res.status {
            StatusCode::CREATED => created.push(res.id()),
            StatusCode::CONFLICT => {
                res.problem(409, "idempotency_in_progress");
            }
            other => panic!("unexpected {other}: {}", res.body),
        }
    }
    assert!(!created.is_empty());
    created.dedup();
    assert_eq!(created.len(), 1, "one record, whatever the answers");
    assert_eq!(
        app.get("/api/v1/org-units").token(&admin).await.ids(),
        created
    );
}

async fn answers_carrying_a_secret_are_never_kept(app: &TestApp) {
    use diesel::prelude::*;
    let admin = app.admin().await;
    let body = json!({"name": "Cổng dữ liệu tỉnh", "scopes": ["changes:read"]});
    let first = app
        .post("/api/v1/clients")
        .token(&admin)
        .header("Idempotency-Key", "client-1")
        .json(body.clone())
        .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    assert_eq!(first.header("cache-control"), Some("no-store"));
    // The secret is shown once: a retry runs again rather than replaying it.
    let again = app
        .post("/api/v1/clients")
        .token(&admin)
        .header("Idempotency-Key", "client-1")
        .json(body)
        .await;
    assert_eq!(again.status, StatusCode::CREATED);
    assert!(again.header("idempotent-replayed").is_none());
    let mut conn = app.state.pool.get().unwrap();
    let kept: i64 = thidua::db::schema::idempotency_keys::table
        .count()
        .get_result(&mut *conn)
        .unwrap();
    assert_eq!(kept, 0);
    // Every answer carries the security headers.
    assert_eq!(first.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(first.header("x-frame-options"), Some("DENY"));
}

async fn a_retry_after_logging_in_again_runs(app: &TestApp) {
    let admin = app.admin().await;
    let body = json!({"code": "T", "name": "Tỉnh Nghệ An", "kind": "province"});
    let res = app.post("/api/v1/auth/logout").token(&admin).send().await;
    assert!(res.status.is_success(), "{}", res.body);
    // The session ended: 401, and that answer is not what a later retry gets.
    app.post("/api/v1/org-units")
        .token(&admin)
        .header("Idempotency-Key", "after-logout")
        .json(body.clone())
        .await
        .problem(401, "unauthorized");
    let again = app.admin().await;
    let res = app
        .post("/api/v1/org-units")
        .token(&again)
        .header("Idempotency-Key", "after-logout")
        .json(body)
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert!(res.header("idempotent-replayed").is_none());
}

async fn a_kept_answer_is_never_replayed_to_an_ended_session(app: &TestApp) {
    let admin = app.admin().await;
    let province = app.unit(&admin, "T", "Tỉnh Nghệ An", None).await;
    // POSTs an agency with a key, as `token`, and returns the answer.
    let create = |token: String, code: &'static str| {
        app.post("/api/v1/org-units")
            .token(&token)
            .header("Idempotency-Key", &format!("key-{code}"))
            .json(json!({"code": code, "name": format!("Sở {code}"), "kind": "agency", "parent_id": &province}))
    };

    // Logged out: the kept answer is not sent again; the session's end is.
    let officer = app
        .user(&admin, "canbo", &["officer"], Some(&province))
        .await;
    let first = create(officer.clone(), "S1").await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    let replayed = create(officer.clone(), "S1").await;
    assert_eq!(replayed.header("idempotent-replayed"), Some("true"));
    let res = app.post("/api/v1/auth/logout").token(&officer).send().await;
    assert!(res.status.is_success(), "{}", res.body);
    let res = create(officer, "S1").await;
    res.problem(401, "unauthorized");
    assert!(res.header("idempotent-replayed").is_none());

    // A disabled account: the same.
    let created = app
        .post("/api/v1/users")
        .token(&admin)
        .json(json!({"username": "canbo2", "password": crate::harness::PASSWORD, "roles": ["officer"], "org_unit_id": province}))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let second = app.login("canbo2", crate::harness::PASSWORD).await;
    let first = create(second.clone(), "S2").await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    let disabled = app
        .patch(&format!("/api/v1/users/{}", created.id()))
        .token(&admin)
        .if_match(&created.etag())
        .json(json!({"active": false}))
        .await;
    assert_eq!(disabled.status, StatusCode::OK, "{}", disabled.body);
    let res = create(second, "S2").await;
    res.problem(401, "unauthorized");
    assert!(res.header("idempotent-replayed").is_none());

    // A disabled service client: its kept refusal is not replayed either; the handler
    // answers it afresh (`Principal` refuses every client token).
    let client = app
        .post("/api/v1/clients")
        .token(&admin)
        .json(json!({"name": "Cổng dữ liệu tỉnh", "scopes": ["changes:read"]}))
        .await;
    assert_eq!(client.status, StatusCode::CREATED, "{}", client.body);
    let form = form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("grant_type", "client_credentials"),
            ("client_id", client.body["client_id"].as_str().unwrap()),
            (
                "client_secret",
                client.body["client_secret"].as_str().unwrap(),
            ),
        ])
        .finish();
    let token = app
        .post("/api/v1/auth/token")
        .raw("application/x-www-form-urlencoded", form)
        .await;
    assert_eq!(token.status, StatusCode::OK, "{}", token.body);
    let token = token.body["access_token"].as_str().unwrap().to_string();
    create(token.clone(), "S3")
        .await
        .problem(403, "insufficient_scope");
    let replayed = create(token.clone(), "S3").await;
    replayed.problem(403, "insufficient_scope");
    assert_eq!(replayed.header("idempotent-replayed"), Some("true"));
    let res = app
        .patch(&format!("/api/v1/clients/{}", client.id()))
        .token(&admin)
        .if_match(&client.etag())
        .json(json!({"active": false}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let res = create(token, "S3").await;
    res.problem(403, "insufficient_scope");
    assert!(res.header("idempotent-replayed").is_none());
}

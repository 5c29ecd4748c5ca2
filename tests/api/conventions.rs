//! The conventions every resource shares (DESIGN.md section 3).

use actix_web::http::{Method, StatusCode};
use diesel::prelude::*;
use serde_json::json;

use crate::db_tests;
use crate::harness::TestApp;

db_tests!(
    oversized_and_non_json_bodies_are_refused,
    text_that_hides_or_says_two_things_is_refused_naming_the_field,
    request_ids_are_echoed_or_made,
    unknown_paths_answer_problem_json,
    health_and_readiness,
    every_write_is_audited_with_a_change_event,
    cors_allows_configured_origins_only,
    docs_are_served_offline,
    query_parameters_an_operation_does_not_take_are_refused_by_name,
    lists_link_their_first_previous_next_and_last_pages,
);

async fn text_that_hides_or_says_two_things_is_refused_naming_the_field(app: &TestApp) {
    let admin = app.admin().await;
    let unit = |name: String| json!({"code": "NA", "name": name, "kind": "province"});
    // Direction overrides and isolates, zero-width characters, the BOM, the soft hyphen:
    // "Tỉnh Nghệ An" would show as something else, or hide what it holds.
    for hidden in [
        '\u{202e}', '\u{202a}', '\u{2066}', '\u{200b}', '\u{200d}', '\u{2060}', '\u{feff}',
        '\u{00ad}', '\u{180e}',
    ] {
        let res = app
            .post("/api/v1/org-units")
            .token(&admin)
            .json(unit(format!("Tỉnh Nghệ{hidden} An")))
            .await;
        res.invalid("name");
        assert_eq!(res.body["errors"][0]["code"], "hidden_characters");
    }
    // In every string of every body, named by its path.
    app.post("/api/v1/plans")
        .token(&admin)
        .json(json!({"purposes": ["Nâng cao kỹ năng số", "Mục\u{2067}tiêu"]}))
        .await
        .invalid("purposes[1]");

    // A key given twice: which one counts depends on the parser, so neither does.
    let res = app
        .post("/api/v1/org-units")
        .token(&admin)
        .raw(
            "application/json",
            r#"{"code": "NA", "name": "a", "name": "b", "kind": "province"}"#,
        )
        .await;
    res.invalid("name");
    assert_eq!(res.body["errors"][0]["code"], "duplicate_key");
    app.post("/api/v1/plans")
        .token(&admin)
        .raw(
            "application/json",
            r#"{"phases": [{"name": "Giai đoạn 1", "name": "Giai đoạn 2"}]}"#,
        )
        .await
        .invalid("phases[0].name");
    let list = app.get("/api/v1/org-units").token(&admin).await;
    assert_eq!(list.body["total"], 0, "nothing written: {}", list.body);

    // Plain Vietnamese, punctuation and emoji are text like any other.
    let res = app
        .post("/api/v1/org-units")
        .token(&admin)
        .json(unit("Tỉnh Nghệ An – “Bình dân học vụ số” ❤️".into()))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    // A password is never shown: an emoji's joiner in it misleads nobody.
    let password = "gia-đình-👨\u{200d}👩\u{200d}👧-2026";
    let res = app
        .post("/api/v1/users")
        .token(&admin)
        .json(json!({"username": "quan.tri", "password": password, "roles": ["admin"]}))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    app.login("quan.tri", password).await;
}

async fn oversized_and_non_json_bodies_are_refused(app: &TestApp) {
    let admin = app.admin().await;
    let big = format!(
        "{{\"code\": \"A\", \"name\": \"{}\", \"kind\": \"province\"}}",
        "x".repeat(1024 * 1024)
    );
    app.post("/api/v1/org-units")
        .token(&admin)
        .raw("application/json", big)
        .await
        .problem(413, "too_large");
    app.post("/api/v1/org-units")
        .token(&admin)
        .raw(
            "text/plain",
            "{\"code\": \"A\", \"name\": \"x\", \"kind\": \"province\"}",
        )
        .await
        .problem(415, "unsupported_media_type");
    app.post("/api/v1/auth/login")
        .raw(
            "application/x-www-form-urlencoded",
            "username=admin&password=x",
        )
        .await
        .problem(415, "unsupported_media_type");
    // Authentication comes first: an anonymous oversized body is a 401, not read at all.
    let big = "x".repeat(2 * 1024 * 1024);
    let res = app
        .post("/api/v1/org-units")
        .raw("application/json", big)
        .await;
    assert!(
        res.status == StatusCode::UNAUTHORIZED || res.status == StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        res.status
    );
    assert_eq!(
        app.get("/api/v1/org-units").token(&admin).await.body["total"],
        0
    );
}

async fn request_ids_are_echoed_or_made(app: &TestApp) {
    let res = app
        .get("/healthz")
        .header("X-Request-Id", "portal-42")
        .await;
    assert_eq!(res.header("x-request-id"), Some("portal-42"));
    let res = app.get("/healthz").await;
    let made = res.header("x-request-id").unwrap();
    assert!(uuid::Uuid::parse_str(made).is_ok(), "{made}");
    let res = app
        .get("/healthz")
        .header("X-Request-Id", &"x".repeat(500))
        .await;
    assert_ne!(
        res.header("x-request-id").unwrap().len(),
        500,
        "over-long ids are replaced"
    );
    // Errors carry it too.
    let res = app
        .get("/api/v1/auth/me")
        .header("X-Request-Id", "trace-me")
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert_eq!(res.header("x-request-id"), Some("trace-me"));
}

async fn unknown_paths_answer_problem_json(app: &TestApp) {
    app.get("/api/v1/nothing-here")
        .await
        .problem(404, "not_found");
    let admin = app.admin().await;
    app.get(&format!("/api/v1/org-units/{}", uuid::Uuid::now_v7()))
        .token(&admin)
        .await
        .problem(404, "not_found");
    app.get("/api/v1/org-units/not-a-uuid")
        .token(&admin)
        .await
        .problem(404, "not_found");
    // A known path under a method it does not have: 405, naming the ones it has.
    let res = app
        .req(Method::DELETE, "/api/v1/org-units/some-id")
        .token(&admin)
        .send()
        .await;
    res.problem(405, "method_not_allowed");
    assert_eq!(res.header("allow"), Some("GET, PATCH"));
    let res = app.req(Method::TRACE, "/healthz").send().await;
    res.problem(405, "method_not_allowed");
    assert_eq!(res.header("allow"), Some("GET"));
    let res = app.req(Method::PUT, "/api/v1/org-units").send().await;
    assert_eq!(res.header("allow"), Some("GET, POST"));
}

async fn health_and_readiness(app: &TestApp) {
    let res = app.get("/healthz").await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.body, json!({"status": "ok"}));
    let res = app.get("/readyz").await;
    assert_eq!(res.status, StatusCode::OK);
}

/// actor, action, resource type, resource id, before, after, request id.
type AuditRow = (
    Option<String>,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

async fn every_write_is_audited_with_a_change_event(app: &TestApp) {
    use thidua::db::schema::{audit_log, change_events};
    let admin = app.admin().await;
    let admin_id = app.get("/api/v1/auth/me").token(&admin).await.body["user"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let unit = app.unit(&admin, "P", "Tỉnh", None).await;
    let person = app.staff(&admin, &unit, "Lâm Văn Phúc").await;
    app.patch(&format!("/api/v1/staff/{person}"))
        .token(&admin)
        .if_match("\"v1\"")
        .json(json!({"position": "Văn thư"}))
        .await;
    // A refused write leaves no trace.
    app.post("/api/v1/staff")
        .token(&admin)
        .json(json!({"full_name": "", "org_unit_id": unit, "category": "cong_chuc"}))
        .await
        .invalid("full_name");

    let pool = app.state.pool.clone();
    let (audits, events) = actix_web::web::block(move || {
        let mut conn = pool.get().unwrap();
        let audits: Vec<AuditRow> = audit_log::table
            .filter(audit_log::resource_type.ne("session"))
            .order(audit_log::id)
            .select((
                audit_log::actor_id,
                audit_log::action,
                audit_log::resource_type,
                audit_log::resource_id,
                audit_log::before,
                audit_log::after,
                audit_log::request_id,
            ))
            .load(&mut conn)
            .unwrap();
        let events: Vec<(String, String, String, i64)> = change_events::table
            .order(change_events::seq)
            .select((
                change_events::resource_type,
                change_events::resource_id,
                change_events::action,
                change_events::version,
            ))
            .load(&mut conn)
            .unwrap();
        (audits, events)
    })
    .await
    .unwrap();
    // The first admin (made at start), the unit, the staff member, the change.
    let actions: Vec<(&str, &str)> = audits
        .iter()
        .map(|a| (a.2.as_str(), a.1.as_str()))
        .collect();
    assert_eq!(
        actions,
        [
            ("user", "created"),
            ("org_unit", "created"),
            ("staff", "created"),
            ("staff", "updated")
        ]
    );
    let change = &audits[3];
    assert_eq!(change.0.as_deref(), Some(admin_id.as_str()));
    assert_eq!(change.3, person);
    assert!(change.4.as_deref().unwrap().contains("\"position\":null"));
    assert!(change.5.as_deref().unwrap().contains("Văn thư"));
    assert!(change.6.is_some(), "the request id is kept");
    assert!(
        !audits[0].5.as_deref().unwrap().contains("argon2"),
        "no password hash in the log"
    );
    let kinds: Vec<(&str, &str, i64)> = events
        .iter()
        .map(|e| (e.0.as_str(), e.2.as_str(), e.3))
        .collect();
    assert_eq!(
        kinds,
        [
            ("user", "created", 1),
            ("org_unit", "created", 1),
            ("staff", "created", 1),
            ("staff", "updated", 2)
        ]
    );
}

async fn cors_allows_configured_origins_only(app: &TestApp) {
    let allowed = app
        .req(actix_web::http::Method::OPTIONS, "/api/v1/org-units")
        .header("Origin", "https://portal.example.vn")
        .header("Access-Control-Request-Method", "POST")
        .header(
            "Access-Control-Request-Headers",
            "authorization, content-type",
        )
        .await;
    assert_eq!(allowed.status, StatusCode::OK, "{:?}", allowed.headers);
    assert_eq!(
        allowed.header("access-control-allow-origin"),
        Some("https://portal.example.vn")
    );
    let res = app
        .get("/healthz")
        .header("Origin", "https://portal.example.vn")
        .await;
    assert_eq!(
        res.header("access-control-allow-origin"),
        Some("https://portal.example.vn")
    );
    let refused = app
        .get("/healthz")
        .header("Origin", "https://evil.example.com")
        .await;
    assert_eq!(refused.header("access-control-allow-origin"), None);
}

async fn docs_are_served_offline(app: &TestApp) {
    let page = app.get("/docs/").await;
    assert_eq!(page.status, StatusCode::OK);
    let html = String::from_utf8_lossy(&page.bytes);
    assert!(html.contains("swagger"), "Swagger UI page");
    assert!(!html.contains("https://"), "no asset from the internet");
    let doc = app.get("/api-docs/openapi.json").await;
    assert_eq!(doc.status, StatusCode::OK);
    assert_eq!(doc.body["openapi"], "3.1.0");
}

/// A filter the list does not have would otherwise be ignored and answer everything.
async fn query_parameters_an_operation_does_not_take_are_refused_by_name(app: &TestApp) {
    let admin = app.admin().await;
    let res = app.get("/api/v1/plans?active=false").token(&admin).await;
    assert_eq!(res.invalid_fields(), ["active"], "{}", res.body);
    assert_eq!(res.body["errors"][0]["code"], "unknown_parameter");
    let message = res.body["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("status"), "names what it takes: {message}");
    // Each unknown name once, the known ones left alone.
    let res = app
        .get("/api/v1/staff?per_page=5&colour=red&size=2&colour=blue")
        .token(&admin)
        .await;
    assert_eq!(res.invalid_fields(), ["colour", "size"], "{}", res.body);
    // A list that does not sort refuses `sort`; one that does takes it.
    let res = app.get("/api/v1/councils?sort=name").token(&admin).await;
    assert_eq!(res.invalid_fields(), ["sort"], "{}", res.body);
    let res = app.get("/api/v1/staff?sort=-full_name").token(&admin).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    // An operation without parameters takes none; a public one is held to the same.
    let res = app.get("/api/v1/auth/me?debug=1").token(&admin).await;
    assert_eq!(res.invalid_fields(), ["debug"], "{}", res.body);
    let res = app.get("/healthz?verbose=true").await;
    assert_eq!(res.invalid_fields(), ["verbose"], "{}", res.body);
    // Who is asking is settled first.
    app.get("/api/v1/plans?active=false")
        .await
        .problem(401, "unauthorized");
}

/// RFC 8288 `Link` headers on every page, relative, keeping the other parameters.
async fn lists_link_their_first_previous_next_and_last_pages(app: &TestApp) {
    let admin = app.admin().await;
    let province = app.unit(&admin, "NA", "Tỉnh Nghệ An", None).await;
    for name in [
        "Nguyễn Văn An",
        "Trần Thị Bình",
        "Lê Văn Cường",
        "Phạm Thị Dung",
        "Hồ Văn Em",
    ] {
        app.staff(&admin, &province, name).await;
    }
    let res = app
        .get("/api/v1/staff?per_page=2&page=2&q=v%C4%83n")
        .token(&admin)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body["total"], 3, "three names hold “văn”");
    assert_eq!(
        res.header("link"),
        Some(
            "</api/v1/staff?per_page=2&q=v%C4%83n&page=1>; rel=\"first\", \
             </api/v1/staff?per_page=2&q=v%C4%83n&page=1>; rel=\"prev\", \
             </api/v1/staff?per_page=2&q=v%C4%83n&page=2>; rel=\"last\""
        )
    );
    let first = app.get("/api/v1/staff?per_page=2").token(&admin).await;
    assert_eq!(
        first.header("link"),
        Some(
            "</api/v1/staff?per_page=2&page=1>; rel=\"first\", \
             </api/v1/staff?per_page=2&page=2>; rel=\"next\", \
             </api/v1/staff?per_page=2&page=3>; rel=\"last\""
        )
    );
    // Nothing matches: the first page is the last.
    let none = app.get("/api/v1/staff?q=zzz").token(&admin).await;
    assert_eq!(
        none.header("link"),
        Some(
            "</api/v1/staff?q=zzz&page=1>; rel=\"first\", </api/v1/staff?q=zzz&page=1>; rel=\"last\""
        )
    );
    // A page kept in memory carries its links as well, the second time too.
    for _ in 0..2 {
        let kept = app.get("/api/v1/evidence?per_page=1").token(&admin).await;
        assert_eq!(kept.status, StatusCode::OK, "{}", kept.body);
        assert_eq!(
            kept.header("link"),
            Some(
                "</api/v1/evidence?per_page=1&page=1>; rel=\"first\", </api/v1/evidence?per_page=1&page=1>; rel=\"last\""
            )
        );
    }
    // The change feed links its next call while it has more.
    let feed = app.get("/api/v1/changes?limit=2").token(&admin).await;
    assert_eq!(feed.body["has_more"], true, "{}", feed.body);
    let next = feed.body["next_after"].as_i64().unwrap();
    assert_eq!(
        feed.header("link").map(str::to_string),
        Some(format!(
            "</api/v1/changes?limit=2&after={next}>; rel=\"next\""
        ))
    );
}

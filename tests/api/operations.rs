//! What operators use: `/metrics` on the API's port (admins only) and the way to the docs.
//! The metrics listener, the health check command and the logs are the binary's
//! (tests/cli.rs).

use actix_web::http::StatusCode;

use crate::db_tests;
use crate::harness::TestApp;

db_tests!(
    metrics_show_route_templates_to_admins_only,
    the_root_and_docs_without_the_slash_lead_to_the_docs,
);

/// The value of the sample `line` starts with (`name{labels}`), if present.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' '))
        .and_then(|v| v.trim().parse().ok())
}

async fn metrics_show_route_templates_to_admins_only(app: &TestApp) {
    let admin = app.admin().await;
    let unit = app.unit(&admin, "HT", "Tỉnh Hà Tĩnh", None).await;
    let member = app.user(&admin, "binh.tt", &["member"], Some(&unit)).await;
    let me = app.get("/api/v1/auth/me").token(&member).await;
    let member_id = me.body["user"]["id"].as_str().unwrap().to_string();
    for _ in 0..2 {
        let read = app
            .get(&format!("/api/v1/users/{member_id}"))
            .token(&admin)
            .await;
        assert_eq!(read.status, StatusCode::OK, "{}", read.body);
    }
    // Paths no route has share one label, whatever they are.
    for path in ["/no/such/path", "/another/unknown/path?x=1"] {
        assert_eq!(app.get(path).await.status, StatusCode::NOT_FOUND);
    }

    app.get("/metrics").await.problem(401, "unauthorized");
    app.get("/metrics")
        .token(&member)
        .await
        .problem(403, "forbidden");

    let res = app.get("/metrics").token(&admin).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(
        res.header("content-type")
            .is_some_and(|t| t.starts_with("text/plain")),
        "{:?}",
        res.header("content-type")
    );
    let text = String::from_utf8(res.bytes).unwrap();
    let by_template =
        r#"thidua_http_requests_total{method="GET",route="/api/v1/users/{id}",status="200"}"#;
    assert_eq!(sample(&text, by_template), Some(2.0), "{text}");
    assert!(
        !text.contains(&member_id),
        "a raw path's id is never a label"
    );
    let unmatched = r#"thidua_http_requests_total{method="GET",route="unmatched",status="404"}"#;
    assert_eq!(sample(&text, unmatched), Some(2.0), "{text}");
    assert!(!text.contains("/no/such/path"));
    // The refusals above are counted too, under their own status.
    let refused = r#"thidua_http_requests_total{method="GET",route="/metrics",status="403"}"#;
    assert_eq!(sample(&text, refused), Some(1.0), "{text}");
    let latency = r#"thidua_http_request_duration_seconds_count{method="GET",route="/api/v1/users/{id}",status="200"}"#;
    assert_eq!(sample(&text, latency), Some(2.0), "{text}");
    assert!(text.contains(
        r#"thidua_http_request_duration_seconds_bucket{method="GET",route="/api/v1/users/{id}",status="200",le="+Inf"} 2"#
    ));

    for gauge in [
        r#"thidua_db_pool_connections{state="in_use"}"#,
        r#"thidua_db_pool_connections{state="idle"}"#,
        "thidua_db_pool_max_connections",
        "thidua_db_pool_waiting",
        "thidua_webhook_deliveries_pending",
    ] {
        assert!(sample(&text, gauge).is_some(), "{gauge} in {text}");
    }
    // SQLite's writer has a queue; PostgreSQL has none to show.
    let sqlite = app.state.config.database_url.ends_with(".db");
    assert_eq!(
        sample(&text, "thidua_sqlite_writer_queue").is_some(),
        sqlite,
        "{text}"
    );
    // Every request with a token looked its session up in the cache, counted as a hit or a
    // miss. How many hit cannot be promised here: the tests running beside this one in the
    // same process write accounts and units, which expire every kept session.
    let hits = r#"thidua_cache_lookups_total{cache="sessions",result="hit"}"#;
    let misses = r#"thidua_cache_lookups_total{cache="sessions",result="miss"}"#;
    let lookups =
        sample(&text, hits).unwrap_or_default() + sample(&text, misses).unwrap_or_default();
    assert!(
        sample(&text, hits).is_some() && sample(&text, misses).is_some(),
        "{text}"
    );
    // The unit, the account, /me and the two reads, at least.
    assert!(lookups >= 5.0, "{text}");
}

async fn the_root_and_docs_without_the_slash_lead_to_the_docs(app: &TestApp) {
    // The harness's client follows redirects; this one shows them.
    let client = awc::Client::builder().disable_redirects().finish();
    for path in ["/", "/docs"] {
        let res = client
            .get(format!("{}{path}", app.base))
            .send()
            .await
            .unwrap();
        assert!(res.status().is_redirection(), "{path}: {}", res.status());
        let location = res.headers().get("location").map(|v| v.to_str().unwrap());
        assert_eq!(location, Some("/docs/"), "{path}");
    }
    let docs = app.get("/docs/").await;
    assert_eq!(docs.status, StatusCode::OK);
    assert!(String::from_utf8_lossy(&docs.bytes).contains("swagger"));
}

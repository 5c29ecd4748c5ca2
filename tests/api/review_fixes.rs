//! Edges found in review: each was a 500, a silent inconsistency or a probe.

use actix_web::http::StatusCode;
use serde_json::json;

use crate::db_tests;
use crate::fixtures::{Criterion, Plan, Staff, issue_plan};
use crate::harness::{PASSWORD, TestApp};

db_tests!(
    huge_page_numbers_are_refused,
    moving_a_unit_tells_the_feed_about_its_subtree,
    restoring_needs_an_active_parent,
    only_admins_write_personal_ids,
    wrong_current_passwords_are_throttled,
    archived_subtrees_show_only_on_request,
    plan_contents_do_not_shrink_below_their_criteria_and_empty_amendments_are_refused,
);

async fn huge_page_numbers_are_refused(app: &TestApp) {
    let admin = app.admin().await;
    for path in [
        "/api/v1/org-units",
        "/api/v1/staff",
        "/api/v1/plans",
        "/api/v1/users",
    ] {
        app.get(&format!("{path}?page=9223372036854775807"))
            .token(&admin)
            .await
            .invalid("page");
    }
    assert_eq!(
        app.get("/api/v1/org-units?page=1000000")
            .token(&admin)
            .await
            .status,
        StatusCode::OK
    );
    // A year no date can hold is refused, not silently ignored.
    for path in [
        "/api/v1/plans",
        "/api/v1/movements",
        "/api/v1/legal-documents",
    ] {
        app.get(&format!("{path}?year=300000"))
            .token(&admin)
            .await
            .invalid("year");
    }
}

async fn moving_a_unit_tells_the_feed_about_its_subtree(app: &TestApp) {
    let admin = app.admin().await;
    let a = app.unit(&admin, "A", "Tỉnh A", None).await;
    let b = app.unit(&admin, "B", "Sở B", Some(&a)).await;
    let c = app.unit(&admin, "C", "Phòng C", Some(&b)).await;
    let d = app.unit(&admin, "D", "Sở D", Some(&a)).await;
    let res = app
        .patch(&format!("/api/v1/org-units/{b}"))
        .token(&admin)
        .if_match("\"v1\"")
        .json(json!({"parent_id": d}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    // C moved with B: its version and updated_at changed, so incremental sync sees it.
    let moved = app
        .get(&format!("/api/v1/org-units/{c}"))
        .token(&admin)
        .await;
    assert_eq!(moved.body["version"], 2);
    assert_eq!(moved.etag(), "\"v2\"");
}

async fn restoring_needs_an_active_parent(app: &TestApp) {
    let admin = app.admin().await;
    let a = app.unit(&admin, "A", "Tỉnh A", None).await;
    let b = app.unit(&admin, "B", "Sở B", Some(&a)).await;
    let c = app.unit(&admin, "C", "Phòng C", Some(&b)).await;
    let person = app.staff(&admin, &c, "Tạ Văn Sơn").await;
    app.post(&format!("/api/v1/staff/{person}/archive"))
        .token(&admin)
        .if_match("\"v1\"")
        .send()
        .await;
    app.post(&format!("/api/v1/org-units/{c}/archive"))
        .token(&admin)
        .if_match("\"v1\"")
        .send()
        .await;
    app.post(&format!("/api/v1/org-units/{b}/archive"))
        .token(&admin)
        .if_match("\"v1\"")
        .send()
        .await;
    app.patch(&format!("/api/v1/org-units/{c}"))
        .token(&admin)
        .if_match("\"v2\"")
        .json(json!({"active": true}))
        .await
        .invalid("active");
    app.patch(&format!("/api/v1/staff/{person}"))
        .token(&admin)
        .if_match("\"v2\"")
        .json(json!({"active": true}))
        .await
        .invalid("org_unit_id");
    let res = app
        .patch(&format!("/api/v1/org-units/{b}"))
        .token(&admin)
        .if_match("\"v2\"")
        .json(json!({"active": true}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let res = app
        .patch(&format!("/api/v1/org-units/{c}"))
        .token(&admin)
        .if_match("\"v2\"")
        .json(json!({"active": true}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
}

async fn only_admins_write_personal_ids(app: &TestApp) {
    let admin = app.admin().await;
    let unit = app.unit(&admin, "P", "Tỉnh", None).await;
    let officer = app.user(&admin, "officer", &["officer"], Some(&unit)).await;
    Staff::of(&unit, "Hà Thị Thu")
        .personal_id("001099000001")
        .send(app, &officer)
        .await
        .problem(403, "forbidden");
    let person = app.staff(&officer, &unit, "Hà Thị Thu").await;
    app.patch(&format!("/api/v1/staff/{person}"))
        .token(&officer)
        .if_match("\"v1\"")
        .json(json!({"personal_id": "001099000001"}))
        .await
        .problem(403, "forbidden");
    let res = app
        .patch(&format!("/api/v1/staff/{person}"))
        .token(&admin)
        .if_match("\"v1\"")
        .json(json!({"personal_id": "001099000001"}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
}

async fn wrong_current_passwords_are_throttled(app: &TestApp) {
    let admin = app.admin().await;
    let unit = app.unit(&admin, "P", "Tỉnh", None).await;
    let token = app.user(&admin, "guess.me", &["member"], Some(&unit)).await;
    for _ in 0..5 {
        app.change_password(&token, "wrong-guess-1", "new-password-1")
            .await
            .invalid("current_password");
    }
    let res = app
        .change_password(&token, PASSWORD, "new-password-1")
        .await;
    res.problem(429, "too_many_requests");
    assert!(res.header("retry-after").is_some());
}

async fn archived_subtrees_show_only_on_request(app: &TestApp) {
    let admin = app.admin().await;
    let a = app.unit(&admin, "A", "Tỉnh A", None).await;
    let b = app.unit(&admin, "B", "Sở B", Some(&a)).await;
    let c = app.unit(&admin, "C", "Phòng C", Some(&b)).await;
    // An archived unit never has active children (archive and restore refuse it), so the
    // active tree has no orphans; the archived branch shows whole on request.
    app.post(&format!("/api/v1/org-units/{c}/archive"))
        .token(&admin)
        .if_match("\"v1\"")
        .send()
        .await;
    app.post(&format!("/api/v1/org-units/{b}/archive"))
        .token(&admin)
        .if_match("\"v1\"")
        .send()
        .await;
    let tree = app
        .get(&format!("/api/v1/org-units/{a}/tree"))
        .token(&admin)
        .await;
    assert_eq!(tree.body["children"], json!([]));
    let tree = app
        .get(&format!("/api/v1/org-units/{a}/tree?include_archived=true"))
        .token(&admin)
        .await;
    assert_eq!(tree.body["children"][0]["children"][0]["name"], "Phòng C");
}

async fn plan_contents_do_not_shrink_below_their_criteria_and_empty_amendments_are_refused(
    app: &TestApp,
) {
    let admin = app.admin().await;
    let unit = app.unit(&admin, "P", "Tỉnh", None).await;
    let plan = Plan::of(&unit)
        .contents(&["Một", "Hai", "Ba"])
        .draft(app, &admin)
        .await;
    let criterion = Criterion::collective("TT1", "Ba")
        .boolean(1.0)
        .content_no(3)
        .add_to(app, &admin, &plan)
        .await;
    app.patch(&format!("/api/v1/plans/{plan}"))
        .token(&admin)
        .if_match("\"v1\"")
        .json(json!({"contents": ["Một", "Hai"]}))
        .await
        .invalid("contents");
    issue_plan(app, &admin, &plan).await;
    app.patch(&format!("/api/v1/criteria/{criterion}"))
        .token(&admin)
        .if_match("\"v1\"")
        .json(json!({"amendment_reason": "Không đổi gì"}))
        .await
        .invalid("body");
}

//! Throttles hold their documented allowance however many instances serve one database
//! (failed logins, client credentials, public feedback); a 429 says until when; an admin
//! lifts a login lockout.

use actix_web::http::StatusCode;
use chrono::{DateTime, Utc};
use serde_json::json;

use crate::db_tests;
use crate::fixtures::{Client, ask_token};
use crate::harness::{ADMIN_PASSWORD, PASSWORD, Res, TestApp};

db_tests!(
    feedback_allowance_holds_across_two_instances,
    failed_logins_lock_after_five_across_two_instances,
    client_credentials_lock_after_five_across_two_instances,
    an_admin_lifts_a_login_lockout,
);

/// The two instances, in turn.
fn either<'a>(apps: &[&'a TestApp; 2], i: usize) -> &'a TestApp {
    apps[i % 2]
}

/// Asserts a 429 that says until when, in `Retry-After` and in `retry_at`, and that this
/// is within `window_secs` from now; returns the time.
fn assert_locked_until(res: &Res, window_secs: i64) -> DateTime<Utc> {
    res.problem(429, "too_many_requests");
    let retry_after: i64 = res.header("retry-after").unwrap().parse().unwrap();
    assert!(
        (1..=window_secs + 1).contains(&retry_after),
        "Retry-After {retry_after}"
    );
    let text = res.body["retry_at"].as_str().expect("retry_at");
    assert!(text.ends_with('Z'), "UTC: {text}");
    let at: DateTime<Utc> = text.parse().expect("RFC 3339");
    let now = Utc::now();
    assert!(at > now && at <= now + chrono::TimeDelta::seconds(window_secs + 1));
    // The two say the same time, to a second or two of the answer's way here.
    let from_header = now + chrono::TimeDelta::seconds(retry_after);
    assert!(
        (at - from_header).num_seconds().abs() <= 2,
        "{at} / {from_header}"
    );
    assert!(res.body["detail"].as_str().unwrap().contains(text));
    at
}

async fn feedback_allowance_holds_across_two_instances(app: &TestApp) {
    let other = app.another_instance().await;
    let apps = [app, &other];
    // The throttle counts a post before anything else, a disclosure that does not exist
    // included: 30 posts an hour from one address reach the handler, whichever instance.
    let path = "/api/v1/public/disclosures/019ab0a4-0000-7000-8000-000000000000/feedback";
    let mut answers = Vec::new();
    for batch in 0..10 {
        let posts = (0..10).map(|i| {
            either(&apps, batch * 10 + i)
                .post(path)
                .json(json!({"content": "Ý kiến của người dân."}))
        });
        answers.extend(futures_util::future::join_all(posts).await);
    }
    let through: Vec<&Res> = answers
        .iter()
        .filter(|r| r.status != StatusCode::TOO_MANY_REQUESTS)
        .collect();
    assert_eq!(through.len(), 30, "posts that got through of 100");
    for res in through {
        res.problem(404, "not_found");
    }
    let refused = answers.iter().find(|r| r.status.as_u16() == 429).unwrap();
    assert_locked_until(refused, 3600);
}

async fn failed_logins_lock_after_five_across_two_instances(app: &TestApp) {
    let other = app.another_instance().await;
    let apps = [app, &other];
    let guesses = (0..12).map(|i| either(&apps, i).try_login("admin", &format!("guess-{i}")));
    let answers = futures_util::future::join_all(guesses).await;
    let checked = answers
        .iter()
        .filter(|r| r.status == StatusCode::UNAUTHORIZED)
        .count();
    assert_eq!(checked, 5, "guesses checked of 12");
    assert!(
        answers
            .iter()
            .all(|r| matches!(r.status.as_u16(), 401 | 429))
    );
    // Now even the right password waits, on either instance, until the window ends.
    for app in apps {
        let res = app.try_login("admin", ADMIN_PASSWORD).await;
        assert_locked_until(&res, 15 * 60);
    }
}

async fn client_credentials_lock_after_five_across_two_instances(app: &TestApp) {
    let other = app.another_instance().await;
    let apps = [app, &other];
    let admin = app.admin().await;
    let client = Client::with(&["changes:read"])
        .name("Cổng dữ liệu tỉnh")
        .made(app, &admin)
        .await;
    let client_id = client["client_id"].as_str().unwrap();
    let form = |secret: &str| {
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs([
                ("grant_type", "client_credentials"),
                ("client_id", client_id),
                ("client_secret", secret),
            ])
            .finish()
    };
    let guesses = (0..12).map(|i| {
        either(&apps, i).post("/api/v1/auth/token").raw(
            "application/x-www-form-urlencoded",
            form(&format!("tds_{i}")),
        )
    });
    let answers = futures_util::future::join_all(guesses).await;
    let checked = answers
        .iter()
        .filter(|r| r.status == StatusCode::UNAUTHORIZED)
        .count();
    assert_eq!(checked, 5, "guesses checked of 12");
    let secret = client["client_secret"].as_str().unwrap();
    let res = ask_token(&other, client_id, secret).await;
    assert_locked_until(&res, 15 * 60);
}

async fn an_admin_lifts_a_login_lockout(app: &TestApp) {
    let admin = app.admin().await;
    let province = app.unit(&admin, "T", "Tỉnh Nghệ An", None).await;
    let id = app
        .account(&admin, "canbo", &["officer"], Some(&province), None)
        .await;
    let officer = app.login("canbo", PASSWORD).await;
    let lockout = format!("/api/v1/users/{id}/login-lockout");
    let login = || app.try_login("canbo", PASSWORD);
    for i in 0..5 {
        app.try_login("canbo", &format!("guess-{i}"))
            .await
            .problem(401, "unauthorized");
    }
    assert_locked_until(&login().await, 15 * 60);

    // Only admins lift it.
    app.req(actix_web::http::Method::DELETE, &lockout)
        .token(&officer)
        .send()
        .await
        .problem(403, "forbidden");
    assert_locked_until(&login().await, 15 * 60);
    app.req(
        actix_web::http::Method::DELETE,
        "/api/v1/users/019ab0a4-0000-7000-8000-000000000000/login-lockout",
    )
    .token(&admin)
    .send()
    .await
    .problem(404, "not_found");
    let res = app
        .req(actix_web::http::Method::DELETE, &lockout)
        .token(&admin)
        .send()
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.body);
    let res = login().await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    // Lifting again is harmless, and says there was nothing to lift.
    let res = app
        .req(actix_web::http::Method::DELETE, &lockout)
        .token(&admin)
        .send()
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.body);

    // The audit trail says who lifted it, and when there was a lock.
    let log = app
        .get(&format!(
            "/api/v1/audit-log?resource_id={id}&action=login_lockout_lifted"
        ))
        .token(&admin)
        .await;
    let entries = log.items();
    assert_eq!(entries.len(), 2, "{}", log.body);
    let admin_id = app.get("/api/v1/auth/me").token(&admin).await.body["user"]["id"].clone();
    let mut was_locked: Vec<bool> = entries
        .iter()
        .map(|e| {
            assert_eq!(e["actor_id"], admin_id);
            assert_eq!(e["after"]["username"], "canbo");
            e["after"]["was_locked"].as_bool().unwrap()
        })
        .collect();
    was_locked.sort();
    assert_eq!(was_locked, [false, true]);
}

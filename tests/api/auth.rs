use actix_web::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::json;

use crate::db_tests;
use crate::harness::{ADMIN_PASSWORD, PASSWORD, TestApp};

db_tests!(
    first_start_admin_logs_in,
    wrong_password_and_unknown_user_answer_alike,
    refresh_rotates_and_reuse_revokes_the_session,
    logout_ends_the_session,
    bad_tokens_are_refused,
    failed_logins_are_throttled,
    password_change_ends_sessions,
    disabling_a_user_ends_sessions,
    me_describes_the_account,
);

async fn first_start_admin_logs_in(app: &TestApp) {
    let res = app.try_login("admin", ADMIN_PASSWORD).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body["token_type"], "Bearer");
    assert_eq!(res.body["expires_in"], 900);
    assert!(res.body["refresh_token"].as_str().unwrap().len() >= 40);
    let token = res.body["access_token"].as_str().unwrap();
    // The JWT carries the claims the issue names.
    let payload = token.split('.').nth(1).unwrap();
    let claims: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
    for claim in ["iss", "aud", "exp", "nbf", "iat", "sub", "jti", "roles"] {
        assert!(claims.get(claim).is_some(), "claim {claim} in {claims}");
    }
    assert_eq!(claims["roles"], json!(["admin"]));
    // A restart on the same database does not make a second admin.
    let (_, generated) = thidua::bootstrap(app.state.config.clone()).unwrap();
    assert!(generated.is_none());
    let users = app.get("/api/v1/users").token(token).await;
    assert_eq!(users.body["total"], 1);
}

async fn wrong_password_and_unknown_user_answer_alike(app: &TestApp) {
    let wrong = app.try_login("admin", "not-the-password").await;
    let unknown = app.try_login("nobody", "not-the-password").await;
    wrong.problem(401, "unauthorized");
    unknown.problem(401, "unauthorized");
    assert_eq!(wrong.body["detail"], unknown.body["detail"]);
    assert_eq!(
        wrong.header("www-authenticate"),
        Some("Bearer realm=\"thidua\"")
    );
    // Usernames are case-insensitive.
    app.login("ADMIN", ADMIN_PASSWORD).await;
}

async fn refresh_rotates_and_reuse_revokes_the_session(app: &TestApp) {
    let login = app.try_login("admin", ADMIN_PASSWORD).await;
    let first = login.body["refresh_token"].as_str().unwrap().to_string();
    let refreshed = app.refresh(&first).await;
    assert_eq!(refreshed.status, StatusCode::OK, "{}", refreshed.body);
    let second = refreshed.body["refresh_token"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(first, second);
    let new_access = refreshed.body["access_token"].as_str().unwrap().to_string();
    assert_eq!(
        app.get("/api/v1/auth/me").token(&new_access).await.status,
        StatusCode::OK
    );

    // The first token again: a thief or a replay. The whole session ends.
    app.refresh(&first).await.problem(401, "unauthorized");
    app.refresh(&second).await.problem(401, "unauthorized");
    app.get("/api/v1/auth/me")
        .token(&new_access)
        .await
        .problem(401, "unauthorized");

    // An unknown token.
    app.refresh("never-issued")
        .await
        .problem(401, "unauthorized");
    // Other sessions of the account are untouched.
    app.admin().await;
}

async fn logout_ends_the_session(app: &TestApp) {
    let login = app.try_login("admin", ADMIN_PASSWORD).await;
    let access = login.body["access_token"].as_str().unwrap();
    let refresh = login.body["refresh_token"].as_str().unwrap();
    let other = app.admin().await;
    assert_eq!(
        app.post("/api/v1/auth/logout")
            .token(access)
            .send()
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    app.get("/api/v1/auth/me")
        .token(access)
        .await
        .problem(401, "unauthorized");
    app.refresh(refresh).await.problem(401, "unauthorized");
    // Only that session.
    assert_eq!(
        app.get("/api/v1/auth/me").token(&other).await.status,
        StatusCode::OK
    );
}

fn sign(alg: jsonwebtoken::Algorithm, claims: serde_json::Value, secret: &[u8]) -> String {
    let key = jsonwebtoken::EncodingKey::from_secret(secret);
    jsonwebtoken::encode(&jsonwebtoken::Header::new(alg), &claims, &key).unwrap()
}

async fn bad_tokens_are_refused(app: &TestApp) {
    use jsonwebtoken::Algorithm::HS256;
    let good = app.admin().await;
    let parts: Vec<&str> = good.split('.').collect();
    let claims: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    let secret = std::fs::read(app.state.config.data_dir.join("jwt-secret")).unwrap();
    let now = chrono::Utc::now().timestamp();

    // Our own signer reproduces a valid token, so the cases below fail for their one flaw.
    let resigned = sign(HS256, claims.clone(), &secret);
    assert_eq!(
        app.get("/api/v1/auth/me").token(&resigned).await.status,
        StatusCode::OK
    );

    let mut expired = claims.clone();
    expired["exp"] = json!(now - 3600);
    expired["iat"] = json!(now - 7200);
    expired["nbf"] = json!(now - 7200);
    let mut future = claims.clone();
    future["nbf"] = json!(now + 3600);
    let mut other_aud = claims.clone();
    other_aud["aud"] = json!("someone-else");
    let mut other_iss = claims.clone();
    other_iss["iss"] = json!("someone-else");
    let mut no_exp = claims.clone();
    no_exp.as_object_mut().unwrap().remove("exp");

    let none_alg = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(json!({"alg": "none", "typ": "JWT"}).to_string()),
        parts[1]
    );
    let cases = [
        ("alg none", none_alg),
        (
            "another algorithm",
            sign(jsonwebtoken::Algorithm::HS512, claims.clone(), &secret),
        ),
        (
            "bad signature",
            sign(HS256, claims.clone(), b"another secret of enough length!!"),
        ),
        (
            "tampered payload",
            format!(
                "{}.{}.{}",
                parts[0],
                URL_SAFE_NO_PAD.encode(json!({"sub": "x"}).to_string()),
                parts[2]
            ),
        ),
        ("expired", sign(HS256, expired, &secret)),
        ("not yet valid", sign(HS256, future, &secret)),
        ("wrong audience", sign(HS256, other_aud, &secret)),
        ("wrong issuer", sign(HS256, other_iss, &secret)),
        ("no exp", sign(HS256, no_exp, &secret)),
        ("garbage", "not-a-jwt".to_string()),
    ];
    for (what, token) in cases {
        let res = app.get("/api/v1/auth/me").token(&token).await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{what}: {}", res.body);
        res.problem(401, "unauthorized");
        // RFC 6750 §3.1: a token sent and refused is `invalid_token`.
        assert!(
            res.header("www-authenticate")
                .is_some_and(|c| c.starts_with(
                    "Bearer realm=\"thidua\", error=\"invalid_token\", error_description=\""
                )),
            "{what}: {:?}",
            res.header("www-authenticate")
        );
    }
    // No token at all, or another scheme: the challenge names no error (RFC 6750 §3.1).
    let none = app.get("/api/v1/auth/me").await;
    none.problem(401, "unauthorized");
    assert_eq!(
        none.header("www-authenticate"),
        Some("Bearer realm=\"thidua\"")
    );
    let basic = app
        .get("/api/v1/auth/me")
        .header("Authorization", &format!("Basic {good}"))
        .await;
    basic.problem(401, "unauthorized");
    assert_eq!(
        basic.header("www-authenticate"),
        Some("Bearer realm=\"thidua\"")
    );
}

async fn failed_logins_are_throttled(app: &TestApp) {
    for _ in 0..5 {
        app.try_login("admin", "wrong-password")
            .await
            .problem(401, "unauthorized");
    }
    // Now even the right password waits.
    let res = app.try_login("admin", ADMIN_PASSWORD).await;
    res.problem(429, "too_many_requests");
    let retry: u64 = res.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=900).contains(&retry), "Retry-After {retry}");
}

async fn password_change_ends_sessions(app: &TestApp) {
    let admin = app.admin().await;
    let token = app
        .user(
            &admin,
            "an.nv",
            &["officer"],
            Some(&app.unit(&admin, "P1", "Tỉnh", None).await),
        )
        .await;
    let other_session = app.login("an.nv", PASSWORD).await;
    app.change_password(&token, "wrong-one-here", "moi-mat-khau-1")
        .await
        .invalid("current_password");
    app.change_password(&token, PASSWORD, "short")
        .await
        .invalid("new_password");
    let res = app
        .change_password(&token, PASSWORD, "moi-mat-khau-1")
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.body);
    app.get("/api/v1/auth/me")
        .token(&token)
        .await
        .problem(401, "unauthorized");
    app.get("/api/v1/auth/me")
        .token(&other_session)
        .await
        .problem(401, "unauthorized");
    app.try_login("an.nv", PASSWORD)
        .await
        .problem(401, "unauthorized");
    app.login("an.nv", "moi-mat-khau-1").await;

    // An admin's reset ends sessions too.
    let fresh = app.login("an.nv", "moi-mat-khau-1").await;
    let users = app.get("/api/v1/users?q=an.nv").token(&admin).await;
    let id = users.ids()[0].clone();
    let etag = app
        .get(&format!("/api/v1/users/{id}"))
        .token(&admin)
        .await
        .etag();
    let res = app
        .post(&format!("/api/v1/users/{id}/password"))
        .token(&admin)
        .if_match(&etag)
        .json(json!({"password": "reset-by-admin-1"}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    app.get("/api/v1/auth/me")
        .token(&fresh)
        .await
        .problem(401, "unauthorized");
    app.login("an.nv", "reset-by-admin-1").await;
}

async fn disabling_a_user_ends_sessions(app: &TestApp) {
    let admin = app.admin().await;
    let unit = app.unit(&admin, "P1", "Tỉnh", None).await;
    let token = app.user(&admin, "binh.tt", &["member"], Some(&unit)).await;
    let id = app.user_id(&token).await;
    let etag = app
        .get(&format!("/api/v1/users/{id}"))
        .token(&admin)
        .await
        .etag();
    let res = app
        .patch(&format!("/api/v1/users/{id}"))
        .token(&admin)
        .if_match(&etag)
        .json(json!({"active": false}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body["active"], false);
    app.get("/api/v1/auth/me")
        .token(&token)
        .await
        .problem(401, "unauthorized");
    app.try_login("binh.tt", PASSWORD)
        .await
        .problem(401, "unauthorized");
}

async fn me_describes_the_account(app: &TestApp) {
    let admin = app.admin().await;
    let unit = app.unit(&admin, "P1", "Ủy ban nhân dân tỉnh", None).await;
    let person = app.staff(&admin, &unit, "Lê Thị Mai").await;
    let token = app
        .user_for_staff(
            &admin,
            "mai.lt",
            &["member", "council"],
            Some(&unit),
            Some(&person),
        )
        .await;
    let me = app.get("/api/v1/auth/me").token(&token).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.body["user"]["username"], "mai.lt");
    assert_eq!(me.body["user"]["roles"], json!(["member", "council"]));
    assert_eq!(me.body["org_unit"]["id"], unit.as_str());
    assert_eq!(me.body["staff_full_name"], "Lê Thị Mai");
    assert!(me.body["user"].get("password_hash").is_none());
}

//! Every route answers as the route table declares it: the access written in the OpenAPI
//! document (`security`, `x-access`) is the access the service enforces, route by route.

use actix_web::http::{Method, StatusCode};
use serde_json::json;

use crate::db_tests;
use crate::fixtures::{Client, token_of};
use crate::harness::TestApp;

db_tests!(
    every_route_answers_as_its_declared_access,
    an_encoded_path_meets_the_same_door,
);

async fn every_route_answers_as_its_declared_access(app: &TestApp) {
    let doc = app.get("/api-docs/openapi.json").send().await.body;
    let admin = app.admin().await;
    let unit = app.unit(&admin, "UBND", "Ủy ban nhân dân", None).await;
    let member = app
        .user(&admin, "thanh.vien", &["member"], Some(&unit))
        .await;
    let client = client_token(app, &admin).await;

    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if method == "parameters" {
                continue;
            }
            let access = op["x-access"].as_str().unwrap_or_else(|| {
                panic!("{method} {path} declares no access");
            });
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let url = with_placeholders(path);
            let route = format!("{method} {path}");
            let anonymous = app.req(method.clone(), &url).send().await;
            assert!(
                anonymous.status.as_u16() < 500,
                "{route}: {}",
                anonymous.body
            );
            let requirement = &op["security"];
            if access == "public" {
                assert_eq!(requirement, &json!([{}]), "{route}");
                assert_ne!(anonymous.status, StatusCode::UNAUTHORIZED, "{route}");
                checked += 1;
                continue;
            }
            // Every other route: no credentials, no answer but 401, as documented.
            anonymous.problem(401, "unauthorized");
            assert!(op["responses"].get("401").is_some(), "{route}");
            let roles = requirement[0]["bearer"]
                .as_array()
                .unwrap_or_else(|| panic!("{route}: {requirement}"));

            let by_client = app.req(method.clone(), &url).token(&client).send().await;
            if access == "account-or-client" {
                assert!(roles.is_empty(), "{route}");
                assert_ne!(by_client.status, StatusCode::UNAUTHORIZED, "{route}");
            } else {
                // A service client's token opens no route for accounts only.
                by_client.problem(403, "insufficient_scope");
            }

            if access == "roles:admin" {
                assert_eq!(roles, &[json!("admin")], "{route}");
                let by_member = app.req(method.clone(), &url).token(&member).send().await;
                by_member.problem(403, "forbidden");
                assert!(op["responses"].get("403").is_some(), "{route}");
            } else {
                assert!(roles.is_empty(), "{route}");
                assert!(
                    ["account", "account-or-client"].contains(&access),
                    "{route}: {access}"
                );
            }
            checked += 1;
        }
    }
    // Every operation of the document was called (146 when this was written).
    assert!(checked > 140, "{checked} operations");
}

/// The path with each `{parameter}` filled by a value no record has.
fn with_placeholders(path: &str) -> String {
    path.split('/')
        .map(|segment| {
            if segment.starts_with('{') {
                "khong-co"
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// A service client's token with every scope.
async fn client_token(app: &TestApp, admin: &str) -> String {
    let client = Client::with(&["reports:read", "changes:read", "awards:read", "export:read"])
        .name("Nền tảng dữ liệu tỉnh")
        .made(app, admin)
        .await;
    token_of(app, &client).await
}

/// A path spelled with percent-escapes reaches the same route once the router decodes it,
/// so it meets the same access check: none of them opens an admin's route.
async fn an_encoded_path_meets_the_same_door(app: &TestApp) {
    let admin = app.admin().await;
    let unit = app.unit(&admin, "UBND", "Ủy ban nhân dân", None).await;
    let member = app
        .user(&admin, "thanh.vien", &["member"], Some(&unit))
        .await;
    for path in [
        "/api/v1/%75sers",
        "/api/v1/%63lients",
        "/api/v1/%61udit-log",
        "/api/v1/%77ebhooks",
        "/api/v1/audit-log/%76erify",
    ] {
        app.get(path).send().await.problem(401, "unauthorized");
        app.get(path)
            .token(&member)
            .send()
            .await
            .problem(403, "forbidden");
    }
    let res = app
        .post("/api/v1/%75sers")
        .token(&member)
        .json(json!({"username": "ke.mao.danh", "password": crate::harness::PASSWORD, "roles": ["admin"]}))
        .await;
    res.problem(403, "forbidden");
    // The admin reaches them, however spelled.
    let res = app.get("/api/v1/%75sers").token(&admin).send().await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
}

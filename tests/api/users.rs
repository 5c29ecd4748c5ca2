use actix_web::http::StatusCode;
use serde_json::json;

use crate::db_tests;
use crate::harness::{PASSWORD, TestApp};

db_tests!(
    accounts_are_for_admins_only,
    bad_input_names_the_field_and_writes_nothing,
    roles_and_units_change,
    passwords_easy_to_guess_are_refused_wherever_one_is_set,
);

async fn accounts_are_for_admins_only(app: &TestApp) {
    let admin = app.admin().await;
    let unit = app.unit(&admin, "P", "Tỉnh", None).await;
    let officer = app.user(&admin, "officer", &["officer"], Some(&unit)).await;
    let admin_id = app.get("/api/v1/auth/me").token(&admin).await.body["user"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    app.get("/api/v1/users")
        .token(&officer)
        .await
        .problem(403, "forbidden");
    app.get(&format!("/api/v1/users/{admin_id}"))
        .token(&officer)
        .await
        .problem(403, "forbidden");
    app.post("/api/v1/users")
        .token(&officer)
        .json(json!({"username": "x.y", "password": PASSWORD, "roles": ["admin"]}))
        .await
        .problem(403, "forbidden");
    app.patch(&format!("/api/v1/users/{admin_id}"))
        .token(&officer)
        .if_match("\"v1\"")
        .json(json!({"active": false}))
        .await
        .problem(403, "forbidden");
    app.post(&format!("/api/v1/users/{admin_id}/password"))
        .token(&officer)
        .if_match("\"v1\"")
        .json(json!({"password": "taken-over-1"}))
        .await
        .problem(403, "forbidden");
    let list = app.get("/api/v1/users").token(&admin).await;
    assert_eq!(list.column("username"), ["admin", "officer"]);
    assert!(list.items()[0].get("password_hash").is_none());
    app.get(&format!("/api/v1/users/{}", uuid::Uuid::now_v7()))
        .token(&admin)
        .await
        .problem(404, "not_found");
}

async fn bad_input_names_the_field_and_writes_nothing(app: &TestApp) {
    let admin = app.admin().await;
    let unit = app.unit(&admin, "P", "Tỉnh", None).await;
    let person = app.staff(&admin, &unit, "Đinh Văn Khoa").await;
    app.user_for_staff(&admin, "khoa.dv", &["member"], Some(&unit), Some(&person))
        .await;
    let post = |body: serde_json::Value| app.post("/api/v1/users").token(&admin).json(body);
    post(json!({"username": "ab", "password": PASSWORD, "roles": ["member"], "org_unit_id": unit}))
        .await
        .invalid("username");
    post(json!({"username": "a b c", "password": PASSWORD, "roles": ["member"], "org_unit_id": unit})).await.invalid("username");
    post(json!({"username": "new.one", "password": "short", "roles": ["member"], "org_unit_id": unit})).await.invalid("password");
    post(json!({"username": "new.one", "password": "aaaaaaaaaaaa", "roles": ["member"], "org_unit_id": unit})).await.invalid("password");
    post(json!({"username": "new.one", "password": PASSWORD, "roles": [], "org_unit_id": unit}))
        .await
        .invalid("roles");
    post(json!({"username": "new.one", "password": PASSWORD, "roles": ["boss"], "org_unit_id": unit})).await.invalid("roles[0]");
    post(json!({"username": "new.one", "password": PASSWORD, "roles": ["officer"]}))
        .await
        .invalid("org_unit_id");
    post(json!({"username": "new.one", "password": PASSWORD, "roles": ["officer"], "org_unit_id": uuid::Uuid::now_v7().to_string()}))
        .await
        .invalid("org_unit_id");
    assert_eq!(
        post(json!({"username": "KHOA.DV", "password": PASSWORD, "roles": ["member"], "org_unit_id": unit})).await.problem(409, "duplicate"),
        ["username"]
    );
    assert_eq!(
        post(json!({"username": "other.one", "password": PASSWORD, "roles": ["member"], "org_unit_id": unit, "staff_id": person}))
            .await
            .problem(409, "duplicate"),
        ["staff_id"]
    );
    assert_eq!(
        app.get("/api/v1/users").token(&admin).await.body["total"],
        2
    );
}

async fn roles_and_units_change(app: &TestApp) {
    let admin = app.admin().await;
    let root = app.unit(&admin, "P", "Tỉnh", None).await;
    let a = app.unit(&admin, "A", "Sở A", Some(&root)).await;
    let b = app.unit(&admin, "B", "Sở B", Some(&root)).await;
    let only_b = app.staff(&admin, &b, "Cao Thị Yến").await;
    let token = app.user(&admin, "lan.vt", &["member"], Some(&a)).await;
    let id = app.get("/api/v1/auth/me").token(&token).await.body["user"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    app.get(&format!("/api/v1/staff/{only_b}"))
        .token(&token)
        .await
        .problem(404, "not_found");

    let res = app
        .patch(&format!("/api/v1/users/{id}"))
        .token(&admin)
        .if_match("\"v1\"")
        .json(json!({"roles": ["manager"], "org_unit_id": b}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body["roles"], json!(["manager"]));
    // Roles and scope take effect on the next request, without a new token.
    assert_eq!(
        app.get(&format!("/api/v1/staff/{only_b}"))
            .token(&token)
            .await
            .status,
        StatusCode::OK
    );
    let by_role = app.get("/api/v1/users?role=manager").token(&admin).await;
    assert_eq!(by_role.column("username"), ["lan.vt"]);
    let by_role = app.get("/api/v1/users?role=admin").token(&admin).await;
    assert_eq!(by_role.column("username"), ["admin"]);
}

async fn passwords_easy_to_guess_are_refused_wherever_one_is_set(app: &TestApp) {
    let admin = app.admin().await;
    let unit = app.unit(&admin, "P", "Tỉnh Nghệ An", None).await;
    let person = app.staff(&admin, &unit, "Nguyễn Thị Hương").await;
    // Common passwords, and the account's own words: the username, the person's name.
    let weak = [
        "12345678",
        "password",
        "Password1",
        "huong.nt",
        "nguyenthihuong",
    ];
    let refused = |res: crate::harness::Res, field: &str| {
        res.invalid(field);
        assert_eq!(
            res.body["errors"][0]["code"], "weak_password",
            "{}",
            res.body
        );
        let why = res.body["errors"][0]["message"].as_str().unwrap();
        assert!(why.contains("too easy to guess"), "{why}");
    };
    for password in weak {
        refused(
            app.post("/api/v1/users")
                .token(&admin)
                .json(
                    json!({"username": "huong.nt", "password": password, "roles": ["member"],
                    "org_unit_id": unit, "staff_id": person}),
                )
                .await,
            "password",
        );
    }
    let res = app
        .post("/api/v1/users")
        .token(&admin)
        .json(
            json!({"username": "huong.nt", "password": PASSWORD, "roles": ["member"],
            "org_unit_id": unit, "staff_id": person}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let (id, etag) = (res.id(), res.etag());
    let token = app.login("huong.nt", PASSWORD).await;

    // An admin's reset, and the account's own change.
    for password in weak {
        refused(
            app.post(&format!("/api/v1/users/{id}/password"))
                .token(&admin)
                .if_match(&etag)
                .json(json!({"password": password}))
                .await,
            "password",
        );
        refused(
            app.change_password(&token, PASSWORD, password).await,
            "new_password",
        );
    }
    // Nothing changed: the password still opens the account; a strong one is taken.
    let token = app.login("huong.nt", PASSWORD).await;
    let res = app
        .change_password(&token, PASSWORD, "tàu-về-bến-Cửa-Lò")
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.body);
    app.login("huong.nt", "tàu-về-bến-Cửa-Lò").await;
}

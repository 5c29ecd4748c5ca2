//! The demo data set holds both seed plans completely, and loading it twice changes nothing.

use actix_web::http::StatusCode;
use serde_json::{Value, json};

use crate::db_tests;
use crate::harness::TestApp;

db_tests!(seed_plans_are_held_item_by_item);

async fn load(app: &TestApp) -> thidua::demo::Loaded {
    let pool = app.state.pool.clone();
    actix_web::web::block(move || {
        let mut conn = pool.get().unwrap();
        thidua::demo::load(&mut conn, "demo-password-2026").unwrap()
    })
    .await
    .unwrap()
}

async fn plan_by_title(app: &TestApp, token: &str, q: &str) -> Value {
    let list = app.get(&format!("/api/v1/plans?q={q}")).token(token).await;
    assert_eq!(list.body["total"], 1, "one plan matches {q}: {}", list.body);
    let id = list.ids()[0].clone();
    app.get(&format!("/api/v1/plans/{id}"))
        .token(token)
        .await
        .body
}

async fn seed_plans_are_held_item_by_item(app: &TestApp) {
    let first = load(app).await;
    assert!(first.accounts.len() >= 5, "accounts for every role");
    let admin = app.admin().await;

    // Seed 000: Văn phòng UBND tỉnh Nghệ An, two movements.
    let p000 = plan_by_title(app, &admin, "van%20phong%20ubnd%20tinh%20nghe%20an").await;
    assert_eq!(p000["movement_ids"].as_array().unwrap().len(), 2);
    assert_eq!(
        p000["contents"].as_array().unwrap().len(),
        6,
        "six contents"
    );
    assert!(
        p000["contents"][0]
            .as_str()
            .unwrap()
            .starts_with("Thi đua nâng cao nhận thức")
    );
    assert_eq!(p000["signer_name"], "Đặng Thanh Tùng");
    assert!(p000["legal_basis_ids"].as_array().unwrap().len() >= 3);
    let phases: Vec<(String, String, Value)> = p000["phases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["start_date"].as_str().unwrap()[..4].to_string(),
                p["end_date"].as_str().unwrap()[..4].to_string(),
                p["review"].clone(),
            )
        })
        .collect();
    assert_eq!(
        phases,
        [
            ("2025".into(), "2027".into(), json!("interim")),
            ("2027".into(), "2030".into(), json!("final"))
        ]
    );
    let id000 = p000["id"].as_str().unwrap();
    let collective = app
        .get(&format!(
            "/api/v1/plans/{id000}/criteria?subject=collective"
        ))
        .token(&admin)
        .await;
    assert_eq!(collective.body["total"], 6);
    assert!(
        collective
            .items()
            .iter()
            .any(|c| c["measure"] == "percent" && c["target"] == 100.0)
    );
    let individual = app
        .get(&format!(
            "/api/v1/plans/{id000}/criteria?subject=individual"
        ))
        .token(&admin)
        .await;
    assert_eq!(
        individual.column("code"),
        ["CN1", "CN2"],
        "its two individual criteria"
    );

    // Seed 004: Văn phòng Điều phối nông thôn mới tỉnh Hà Tĩnh.
    let p004 = plan_by_title(app, &admin, "nong%20thon%20moi").await;
    let occasions: Vec<&str> = p004["award_forms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["occasion"].as_str().unwrap())
        .collect();
    assert!(
        occasions.contains(&"annual")
            && occasions.contains(&"interim")
            && occasions.contains(&"final"),
        "{occasions:?}"
    );
    assert!(
        p004["award_forms"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["title"] == "Huân chương Lao động" && a["occasion"] == "final")
    );
    assert_eq!(p004["report_deadline"]["month"], 11);
    assert_eq!(p004["report_deadline"]["day"], 15);
    assert_eq!(p004["report_deadline"]["to"], "Sở Nội vụ");
    let id004 = p004["id"].as_str().unwrap();
    let deadlines = app
        .get(&format!(
            "/api/v1/plans/{id004}/deadlines?from=2026-11-23&count=1"
        ))
        .token(&admin)
        .await;
    assert_eq!(deadlines.body["dates"], json!(["2027-11-15"]));

    // Units, staff and accounts to try every role.
    let units = app
        .get("/api/v1/org-units?q=phong%20nghiep%20vu")
        .token(&admin)
        .await;
    assert_eq!(units.column("name"), ["Phòng Nghiệp vụ"]);
    assert!(
        app.get("/api/v1/staff?q=dang%20thanh%20tung")
            .token(&admin)
            .await
            .body["total"]
            == 1
    );
    let officer = app.login("officer.na", "demo-password-2026").await;
    assert_eq!(
        app.get(&format!("/api/v1/plans/{id000}"))
            .token(&officer)
            .await
            .status,
        StatusCode::OK
    );
    app.get(&format!("/api/v1/plans/{id004}"))
        .token(&officer)
        .await
        .problem(404, "not_found");

    // Every text is NFC.
    let text = p000.to_string() + &p004.to_string();
    use unicode_normalization::UnicodeNormalization;
    assert_eq!(text.nfc().collect::<String>(), text);

    // Twice: nothing changes.
    let before = app.get("/api/v1/plans").token(&admin).await.body["total"].clone();
    let second = load(app).await;
    assert!(second.created.is_empty(), "{:?}", second.created);
    assert!(second.accounts.is_empty());
    assert_eq!(
        app.get("/api/v1/plans").token(&admin).await.body["total"],
        before
    );
}

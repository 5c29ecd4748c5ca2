//! Who owns what (issue 17): national reference data is the admins', a unit's movements,
//! legal documents and holidays are its officers', access follows the caller's scope at
//! the time of the request, and a service client reads only its unit subtree.

use actix_web::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::db_tests;
use crate::fixtures::{Client, Evidence, Plan, token_of};
use crate::harness::{Res, TestApp};
use crate::work::{PDF, Work, multipart, work};

db_tests!(
    national_reference_data_is_changed_by_admins_only,
    a_units_documents_and_movements_are_kept_by_its_officers,
    a_unit_keeps_its_own_holidays_for_itself_and_the_units_below,
    authorship_grants_no_access_after_a_transfer,
    a_client_reads_only_its_unit_subtree,
    a_rotation_ends_tokens_issued_in_the_same_second,
);

/// Hà Tĩnh beside the fixture's Nghệ An: its province and an officer of it.
async fn ha_tinh(app: &TestApp, w: &Work) -> (String, String) {
    let province = app
        .unit(
            &w.admin,
            "000.00.00.H42",
            "Ủy ban nhân dân tỉnh Hà Tĩnh",
            None,
        )
        .await;
    let officer = app
        .user(&w.admin, "canbo.hatinh", &["officer"], Some(&province))
        .await;
    (province, officer)
}

/// The feed's entries of one resource, as (action, type) pairs.
async fn feed_of(app: &TestApp, admin: &str, id: &str) -> Vec<(String, String)> {
    let res = app.get("/api/v1/changes?limit=1000").token(admin).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    res.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["resource_id"] == id)
        .map(|e| {
            (
                e["action"].as_str().unwrap_or("").to_string(),
                e["resource_type"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

async fn national_reference_data_is_changed_by_admins_only(app: &TestApp) {
    let w = work(app).await;
    let (_, officer_ht) = ha_tinh(app, &w).await;
    // A base salary of 1 VND from next week would pay every province's awards from it.
    for token in [&officer_ht, &w.officer] {
        app.post("/api/v1/base-salaries")
            .token(token)
            .json(json!({"valid_from": "2027-01-01", "amount": 1, "legal_source": "Giả mạo"}))
            .await
            .problem(403, "forbidden");
    }
    let res = app.get("/api/v1/base-salaries").token(&w.member_a).await;
    assert!(
        res.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["amount"] != 1),
        "{}",
        res.body
    );
    // Removing a national holiday shifts every province's working-day deadlines.
    app.req(Method::DELETE, "/api/v1/holidays/2026-09-02")
        .token(&officer_ht)
        .send()
        .await
        .problem(403, "forbidden");
    app.post("/api/v1/holidays")
        .token(&officer_ht)
        .json(json!({"day": "2026-12-01", "name": "Ngày nghỉ giả"}))
        .await
        .problem(403, "forbidden");
    // National rule sets likewise.
    app.post("/api/v1/rule-sets")
        .token(&officer_ht)
        .json(
            json!({"code": "gia-mao", "name": "Giả mạo", "legal_source": "Không có",
                     "valid_from": "2027-01-01", "rules": {}}),
        )
        .await
        .problem(403, "forbidden");
    // The admin keeps them, audited and in the feed.
    let res = app
        .post("/api/v1/base-salaries")
        .token(&w.admin)
        .json(json!({"valid_from": "2027-01-01", "amount": 2_530_000,
                     "legal_source": "Nghị định (thử nghiệm)"}))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert_eq!(
        feed_of(app, &w.admin, "2027-01-01").await,
        [("created".to_string(), "base_salary".to_string())]
    );
}

async fn a_units_documents_and_movements_are_kept_by_its_officers(app: &TestApp) {
    let w = work(app).await;
    let (ht_province, officer_ht) = ha_tinh(app, &w).await;
    let doc = json!({"number": "378/KH-UBND", "doc_type": "ke_hoach",
                     "issuer": "Ủy ban nhân dân tỉnh Nghệ An", "issued_on": "2025-05-22",
                     "title": "Về triển khai Phong trào “Bình dân học vụ số”"});
    let movement = json!({"name": "Phong trào thi đua của Văn phòng", "level": "agency",
                          "kind": "regular", "start_date": "2025-01-01", "end_date": "2030-12-31"});
    for (path, body, field) in [
        ("/api/v1/legal-documents", &doc, "title"),
        ("/api/v1/movements", &movement, "name"),
    ] {
        // An officer's entry belongs to the officer's unit.
        let res = app.post(path).token(&w.officer).json(body.clone()).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
        assert_eq!(res.body["owner_unit_id"], w.office.as_str());
        let id = res.id();
        let item = format!("{path}/{id}");
        let etag = res.etag();
        // Another province neither sees it nor changes it: 404, and not in its lists.
        app.get(&item)
            .token(&officer_ht)
            .await
            .problem(404, "not_found");
        app.patch(&item)
            .token(&officer_ht)
            .if_match(&etag)
            .json(json!({field: "Đã bị sửa"}))
            .await
            .problem(404, "not_found");
        let list = app.get(path).token(&officer_ht).await;
        assert!(!list.ids().contains(&id), "{}", list.body);
        // Inside the unit's subtree without the role: seen, 403 on change.
        let res = app.get(&item).token(&w.member_a).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        app.patch(&item)
            .token(&w.member_a)
            .if_match(&etag)
            .json(json!({field: "Đã bị sửa"}))
            .await
            .problem(403, "forbidden");
        // The unit's officer and the admin change it.
        let res = app
            .patch(&item)
            .token(&w.officer)
            .if_match(&etag)
            .json(json!({field: "Tên đã sửa"}))
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        let res = app
            .patch(&item)
            .token(&w.admin)
            .if_match(&res.etag())
            .json(json!({field: "Tên đã sửa lần hai"}))
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        // Every change is audited and in the feed.
        let feed = feed_of(app, &w.admin, &id).await;
        assert_eq!(feed.len(), 3, "{feed:?}");
        // An officer cannot make one for a unit outside her scope.
        app.post(path)
            .token(&officer_ht)
            .json({
                let mut b = body.clone();
                b["owner_unit_id"] = json!(w.office);
                b
            })
            .await
            .invalid("owner_unit_id");
    }
    // Hà Tĩnh records the same document for itself without learning Nghệ An has it.
    let res = app
        .post("/api/v1/legal-documents")
        .token(&officer_ht)
        .json(doc.clone())
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert_eq!(res.body["owner_unit_id"], ht_province.as_str());
    // A national document is seen by everyone and changed by admins only.
    let res = app
        .post("/api/v1/legal-documents")
        .token(&w.admin)
        .json(json!({"number": "152/2025/NĐ-CP", "doc_type": "nghi_dinh", "issuer": "Chính phủ",
                     "issued_on": "2025-06-14", "title": "Quy định chi tiết Luật Thi đua, khen thưởng"}))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert_eq!(res.body["owner_unit_id"], Value::Null);
    let national = format!("/api/v1/legal-documents/{}", res.id());
    let seen = app.get(&national).token(&officer_ht).await;
    assert_eq!(seen.status, StatusCode::OK, "{}", seen.body);
    app.patch(&national)
        .token(&officer_ht)
        .if_match(&seen.etag())
        .json(json!({"title": "Đã bị sửa"}))
        .await
        .problem(403, "forbidden");
    // A plan of Hà Tĩnh cannot cite Nghệ An's document (Nghệ An's officer sees only its own).
    let na_doc = app
        .get("/api/v1/legal-documents?q=378")
        .token(&w.officer)
        .await
        .ids()[0]
        .clone();
    Plan::of(&ht_province)
        .legal_basis(&[&na_doc])
        .send(app, &officer_ht)
        .await
        .invalid("legal_basis_ids[0]");
}

async fn working_days(app: &TestApp, token: &str, unit: Option<&str>) -> Res {
    let unit = unit
        .map(|u| format!("&org_unit_id={u}"))
        .unwrap_or_default();
    app.get(&format!(
        "/api/v1/calendar/working-days?from=2026-08-31&to=2026-09-04{unit}"
    ))
    .token(token)
    .await
}

async fn a_unit_keeps_its_own_holidays_for_itself_and_the_units_below(app: &TestApp) {
    let w = work(app).await;
    let (_, officer_ht) = ha_tinh(app, &w).await;
    let day =
        json!({"day": "2026-09-01", "name": "Ngày nghỉ của Văn phòng", "org_unit_id": w.office});
    // Members and heads do not keep a calendar, not even their own unit's; another
    // province cannot name the unit.
    for token in [&w.member_a, &w.manager_a] {
        app.post("/api/v1/holidays")
            .token(token)
            .json(json!({"day": "2026-09-01", "name": "Ngày nghỉ", "org_unit_id": w.division_a}))
            .await
            .problem(403, "forbidden");
    }
    app.post("/api/v1/holidays")
        .token(&officer_ht)
        .json(day.clone())
        .await
        .invalid("org_unit_id");
    let res = app
        .post("/api/v1/holidays")
        .token(&w.officer)
        .json(day.clone())
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert_eq!(res.body["org_unit_id"], w.office.as_str());
    // The office and the divisions below it rest that day; the national calendar does not.
    let below = working_days(app, &w.officer, Some(&w.division_a)).await;
    assert_eq!(below.body["working_days"], 2, "{}", below.body);
    let national = working_days(app, &w.officer, None).await;
    assert_eq!(national.body["working_days"], 3, "{}", national.body);
    let above = working_days(app, &w.admin, Some(&w.province)).await;
    assert_eq!(above.body["working_days"], 3, "{}", above.body);
    let listed = app
        .get(&format!(
            "/api/v1/holidays?year=2026&org_unit_id={}",
            w.division_a
        ))
        .token(&w.member_a)
        .await;
    assert!(
        listed
            .items()
            .iter()
            .any(|h| h["day"] == "2026-09-01" && h["org_unit_id"] == w.office.as_str()),
        "{}",
        listed.body
    );
    // Removal: hidden from another province (404), the unit's officer's to do.
    let path = format!("/api/v1/holidays/2026-09-01?org_unit_id={}", w.office);
    app.req(Method::DELETE, &path)
        .token(&officer_ht)
        .send()
        .await
        .problem(404, "not_found");
    app.req(Method::DELETE, &path)
        .token(&w.manager_a)
        .send()
        .await
        .problem(403, "forbidden");
    let res = app
        .req(Method::DELETE, &path)
        .token(&w.officer)
        .send()
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.body);
    let below = working_days(app, &w.officer, Some(&w.division_a)).await;
    assert_eq!(below.body["working_days"], 3, "{}", below.body);
    let id = format!("{}/2026-09-01", w.office);
    assert_eq!(
        feed_of(app, &w.admin, &id).await,
        [
            ("created".to_string(), "unit_holiday".to_string()),
            ("archived".to_string(), "unit_holiday".to_string()),
        ]
    );
}

async fn authorship_grants_no_access_after_a_transfer(app: &TestApp) {
    let w = work(app).await;
    let (ht_province, _) = ha_tinh(app, &w).await;
    // The head of division A records evidence about one of her staff, with a file.
    let id = Evidence::of_staff(&w.individual, &w.staff_a[1])
        .value(1)
        .recorded(app, &w.manager_a)
        .await;
    let (content_type, body) = multipart("file", "bien-ban.pdf", "application/pdf", PDF);
    let res = app
        .post(&format!("/api/v1/evidence/{id}/files"))
        .token(&w.manager_a)
        .raw(&content_type, body)
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let file = format!(
        "/api/v1/evidence/{id}/files/{}",
        res.body["files"][0]["id"].as_str().unwrap()
    );
    let item = format!("/api/v1/evidence/{id}");
    assert_eq!(
        app.get(&item).token(&w.manager_a).await.status,
        StatusCode::OK
    );
    // She moves to Hà Tĩnh.
    let users = app
        .get(&format!(
            "/api/v1/users?role=manager&org_unit_id={}",
            w.division_a
        ))
        .token(&w.admin)
        .await;
    let user = users.items()[0].clone();
    let read = app
        .get(&format!("/api/v1/users/{}", user["id"].as_str().unwrap()))
        .token(&w.admin)
        .await;
    let res = app
        .patch(&format!("/api/v1/users/{}", user["id"].as_str().unwrap()))
        .token(&w.admin)
        .if_match(&read.etag())
        .json(json!({"org_unit_id": ht_province}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    // Having written it grants nothing now: neither the evidence nor its file.
    app.get(&item)
        .token(&w.manager_a)
        .await
        .problem(404, "not_found");
    app.get(&file)
        .token(&w.manager_a)
        .await
        .problem(404, "not_found");
    let list = app.get("/api/v1/evidence").token(&w.manager_a).await;
    assert!(!list.ids().contains(&id), "{}", list.body);
}

async fn a_client_reads_only_its_unit_subtree(app: &TestApp) {
    let w = work(app).await;
    let (ht_province, _) = ha_tinh(app, &w).await;
    // A Sở Nội vụ client of Nghệ An, as an officer of the province would read.
    let res = Client::with(&["reports:read", "awards:read"])
        .name("Sở Nội vụ Nghệ An")
        .of_unit(&w.province)
        .send(app, &w.admin)
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert_eq!(res.body["org_unit_id"], w.province.as_str());
    let na = token_of(app, &res.body).await;
    let own = app
        .get("/api/v1/reports/province?year=2026")
        .token(&na)
        .await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.body);
    app.get(&format!(
        "/api/v1/reports/province?year=2026&unit_id={ht_province}"
    ))
    .token(&na)
    .await
    .problem(404, "not_found");
    app.get(&format!(
        "/api/v1/reports/plans/{}/yearly?year=2026&unit_id={ht_province}",
        w.plan
    ))
    .token(&na)
    .await
    .problem(404, "not_found");
    let awards = app.get("/api/v1/awards").token(&na).await;
    assert_eq!(awards.status, StatusCode::OK, "{}", awards.body);
    // The feed and the export are not filtered by unit: whole-system clients only.
    Client::with(&["changes:read"])
        .name("Kho dữ liệu")
        .of_unit(&w.province)
        .send(app, &w.admin)
        .await
        .invalid("scopes");
    // A whole-system client (the admin's choice) still reads every province.
    let res = Client::with(&["reports:read"])
        .name("Bộ Nội vụ")
        .send(app, &w.admin)
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert_eq!(res.body["org_unit_id"], Value::Null);
    let all = token_of(app, &res.body).await;
    let res = app
        .get(&format!(
            "/api/v1/reports/province?year=2026&unit_id={ht_province}"
        ))
        .token(&all)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
}

async fn a_rotation_ends_tokens_issued_in_the_same_second(app: &TestApp) {
    let admin = app.admin().await;
    let res = Client::with(&["changes:read"])
        .name("Kho dữ liệu")
        .send(app, &admin)
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let client = res.body.clone();
    let id = client["id"].as_str().unwrap().to_string();
    let etag = res.etag();
    // Start just after a second begins, so the token and the rotation share that second.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    let into = now.subsec_millis();
    actix_web::rt::time::sleep(std::time::Duration::from_millis(u64::from(1010 - into))).await;
    let token = token_of(app, &client).await;
    let rotated = app
        .post(&format!("/api/v1/clients/{id}/rotate-secret"))
        .token(&admin)
        .if_match(&etag)
        .send()
        .await;
    assert_eq!(rotated.status, StatusCode::OK, "{}", rotated.body);
    app.get("/api/v1/changes")
        .token(&token)
        .await
        .problem(401, "unauthorized");
}

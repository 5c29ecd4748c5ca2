use actix_web::http::StatusCode;
use serde_json::json;

use crate::db_tests;
use crate::fixtures::Staff;
use crate::harness::TestApp;

db_tests!(
    create_read_update_with_etags,
    bad_input_names_the_field_and_writes_nothing,
    moves_reroot_the_subtree_and_cycles_are_refused,
    archive_refuses_units_still_in_use,
    tree_nests_children_in_vietnamese_order,
    search_ignores_case_and_diacritics,
    lists_sort_paginate_and_filter,
    officers_act_only_in_their_subtree,
);

async fn create_read_update_with_etags(app: &TestApp) {
    let admin = app.admin().await;
    let res = app
        .post("/api/v1/org-units")
        .token(&admin)
        .json(json!({"code": "000.00.00.h42", "name": "Ủy ban nhân dân tỉnh Hà Tĩnh", "kind": "province"}))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert_eq!(
        res.body["code"], "000.00.00.H42",
        "codes are kept in upper case"
    );
    assert_eq!(res.body["version"], 1);
    assert_eq!(res.etag(), "\"v1\"");
    let id = res.id();
    assert_eq!(uuid::Uuid::parse_str(&id).unwrap().get_version_num(), 7);
    assert!(res.body["created_at"].as_str().unwrap().ends_with('Z'));

    let got = app
        .get(&format!("/api/v1/org-units/{id}"))
        .token(&admin)
        .await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.etag(), "\"v1\"");
    assert_eq!(got.body["name"], "Ủy ban nhân dân tỉnh Hà Tĩnh");

    // Changes need If-Match: missing → 428, stale → 412, current → 200 with a new ETag.
    let path = format!("/api/v1/org-units/{id}");
    app.patch(&path)
        .token(&admin)
        .json(json!({"name": "UBND tỉnh Hà Tĩnh"}))
        .await
        .problem(428, "if_match_required");
    app.patch(&path)
        .token(&admin)
        .if_match("\"v9\"")
        .json(json!({"name": "UBND tỉnh Hà Tĩnh"}))
        .await
        .problem(412, "version_mismatch");
    let updated = app
        .patch(&path)
        .token(&admin)
        .if_match("\"v1\"")
        .json(json!({"name": "UBND tỉnh Hà Tĩnh"}))
        .await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.body);
    assert_eq!(updated.body["version"], 2);
    assert_eq!(updated.etag(), "\"v2\"");
    assert_eq!(updated.body["code"], "000.00.00.H42");
    // The old ETag is now stale.
    app.patch(&path)
        .token(&admin)
        .if_match("\"v1\"")
        .json(json!({"kind": "other"}))
        .await
        .problem(412, "version_mismatch");

    // Text arrives decomposed (NFD) and is stored composed (NFC).
    let nfd = "Ha\u{300} Ti\u{303}nh";
    let res = app
        .patch(&path)
        .token(&admin)
        .if_match("\"v2\"")
        .json(json!({"name": nfd}))
        .await;
    assert_eq!(res.body["name"], "Hà Tĩnh");
}

async fn bad_input_names_the_field_and_writes_nothing(app: &TestApp) {
    let admin = app.admin().await;
    let root = app.unit(&admin, "P1", "Tỉnh", None).await;
    let post = |body: serde_json::Value| app.post("/api/v1/org-units").token(&admin).json(body);

    post(json!({"code": "A", "name": "x", "kind": "agency", "parent_id": root, "extra": 1}))
        .await
        .invalid("extra");
    post(json!({"code": "A", "name": 5, "kind": "agency"}))
        .await
        .invalid("name");
    post(json!({"code": "A", "kind": "agency"}))
        .await
        .invalid("name");
    post(json!({"code": "A", "name": "x", "kind": "ministry"}))
        .await
        .invalid("kind");
    post(json!({"code": "A", "name": "   ", "kind": "agency", "parent_id": root}))
        .await
        .invalid("name");
    post(json!({"code": "A", "name": "x".repeat(301), "kind": "agency", "parent_id": root}))
        .await
        .invalid("name");
    post(json!({"code": "bad code!", "name": "x", "kind": "agency", "parent_id": root}))
        .await
        .invalid("code");
    post(json!({"code": "", "name": "x", "kind": "agency", "parent_id": root}))
        .await
        .invalid("code");
    post(json!({"code": "A", "name": "x", "kind": "agency", "parent_id": "not-an-id"}))
        .await
        .invalid("parent_id");
    post(json!({"code": "A", "name": "x", "kind": "agency", "parent_id": uuid::Uuid::now_v7().to_string()}))
        .await
        .invalid("parent_id");
    let dup = post(json!({"code": "p1", "name": "Khác", "kind": "province"})).await;
    assert_eq!(dup.problem(409, "duplicate"), ["code"]);
    app.post("/api/v1/org-units")
        .token(&admin)
        .raw("application/json", "{\"code\": \"A\",")
        .await
        .problem(400, "malformed_request");
    app.post("/api/v1/org-units")
        .token(&admin)
        .raw("application/json", "[1,2]")
        .await
        .invalid("body");
    app.patch(&format!("/api/v1/org-units/{root}"))
        .token(&admin)
        .if_match("\"v1\"")
        .json(json!({"name": null}))
        .await
        .invalid("name");

    let list = app.get("/api/v1/org-units").token(&admin).await;
    assert_eq!(list.body["total"], 1, "nothing but the root was written");
}

async fn moves_reroot_the_subtree_and_cycles_are_refused(app: &TestApp) {
    let admin = app.admin().await;
    let a = app.unit(&admin, "A", "Tỉnh A", None).await;
    let b = app.unit(&admin, "B", "Sở B", Some(&a)).await;
    let c = app.unit(&admin, "C", "Phòng C", Some(&b)).await;
    let d = app.unit(&admin, "D", "Sở D", Some(&a)).await;
    // An officer of B, whose unit moves below: the account is read again after the move.
    let officer_b = app.user(&admin, "officer.b", &["officer"], Some(&b)).await;
    let sees_c = || async {
        app.get(&format!("/api/v1/org-units/{c}"))
            .token(&officer_b)
            .await
            .status
    };
    assert_eq!(sees_c().await, StatusCode::OK);

    // B cannot go below itself or its child.
    for target in [&b, &c] {
        let res = app
            .patch(&format!("/api/v1/org-units/{b}"))
            .token(&admin)
            .if_match("\"v1\"")
            .json(json!({"parent_id": target}))
            .await;
        res.invalid("parent_id");
        assert_eq!(res.body["errors"][0]["code"], "cycle");
    }
    // Move B (with C) under D: C follows.
    let moved = app
        .patch(&format!("/api/v1/org-units/{b}"))
        .token(&admin)
        .if_match("\"v1\"")
        .json(json!({"parent_id": d}))
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
    assert_eq!(moved.body["parent_id"], d.as_str());
    let under_d = app
        .get(&format!("/api/v1/org-units?under={d}"))
        .token(&admin)
        .await;
    let mut ids = under_d.ids();
    ids.sort();
    let mut expected = vec![b.clone(), c.clone(), d.clone()];
    expected.sort();
    assert_eq!(ids, expected);
    assert_eq!(
        sees_c().await,
        StatusCode::OK,
        "B's officer, at B's new place"
    );
    // An officer of D now sees C, which came with B.
    let officer = app.user(&admin, "officer.d", &["officer"], Some(&d)).await;
    assert_eq!(
        app.get(&format!("/api/v1/org-units/{c}"))
            .token(&officer)
            .await
            .status,
        StatusCode::OK
    );
    // Making B a root again (admins only).
    let res = app
        .patch(&format!("/api/v1/org-units/{b}"))
        .token(&officer)
        .if_match("\"v2\"")
        .json(json!({"parent_id": null}))
        .await;
    res.problem(403, "forbidden");
    let res = app
        .patch(&format!("/api/v1/org-units/{b}"))
        .token(&admin)
        .if_match("\"v2\"")
        .json(json!({"parent_id": null}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body["parent_id"], serde_json::Value::Null);
    assert_eq!(
        app.get(&format!("/api/v1/org-units/{c}"))
            .token(&officer)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

async fn archive_refuses_units_still_in_use(app: &TestApp) {
    let admin = app.admin().await;
    let root = app.unit(&admin, "P", "Tỉnh", None).await;
    let office = app.unit(&admin, "S", "Sở", Some(&root)).await;
    let person = app.staff(&admin, &office, "Hồ Văn Nam").await;

    let res = app
        .post(&format!("/api/v1/org-units/{root}/archive"))
        .token(&admin)
        .send()
        .await;
    res.problem(428, "if_match_required");
    let res = app
        .post(&format!("/api/v1/org-units/{root}/archive"))
        .token(&admin)
        .if_match("\"v1\"")
        .send()
        .await;
    res.problem(409, "has_active_children");
    let res = app
        .post(&format!("/api/v1/org-units/{office}/archive"))
        .token(&admin)
        .if_match("\"v1\"")
        .send()
        .await;
    res.problem(409, "has_active_staff");

    let res = app
        .post(&format!("/api/v1/staff/{person}/archive"))
        .token(&admin)
        .if_match("\"v1\"")
        .send()
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let res = app
        .post(&format!("/api/v1/org-units/{office}/archive"))
        .token(&admin)
        .if_match("\"v1\"")
        .send()
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body["active"], false);
    // Archived units take no new children or staff.
    app.try_unit(&admin, "X", "Phòng", Some(&office), "division")
        .await
        .invalid("parent_id");
    Staff::of(&office, "Ai Đó")
        .category("vien_chuc")
        .send(app, &admin)
        .await
        .invalid("org_unit_id");
    // Still readable, and restorable.
    let res = app
        .patch(&format!("/api/v1/org-units/{office}"))
        .token(&admin)
        .if_match("\"v2\"")
        .json(json!({"active": true}))
        .await;
    assert_eq!(res.body["active"], true);
}

async fn tree_nests_children_in_vietnamese_order(app: &TestApp) {
    let admin = app.admin().await;
    let root = app.unit(&admin, "P", "UBND tỉnh", None).await;
    let tc = app.unit(&admin, "TC", "Sở Tài chính", Some(&root)).await;
    app.unit(&admin, "NV", "Sở Nội vụ", Some(&root)).await;
    app.unit(&admin, "DT", "Sở Đào tạo", Some(&root)).await;
    app.unit(&admin, "DL", "Sở Du lịch", Some(&root)).await;
    app.unit(&admin, "TC1", "Phòng Ngân sách", Some(&tc)).await;
    let old = app.unit(&admin, "OLD", "Sở Cũ", Some(&root)).await;
    app.post(&format!("/api/v1/org-units/{old}/archive"))
        .token(&admin)
        .if_match("\"v1\"")
        .send()
        .await;

    let tree = app
        .get(&format!("/api/v1/org-units/{root}/tree"))
        .token(&admin)
        .await;
    assert_eq!(tree.status, StatusCode::OK, "{}", tree.body);
    assert_eq!(tree.body["id"], root.as_str());
    let names: Vec<&str> = tree.body["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    // "D" before "Đ": the Vietnamese alphabet, not code points or a diacritic-blind order.
    assert_eq!(
        names,
        ["Sở Du lịch", "Sở Đào tạo", "Sở Nội vụ", "Sở Tài chính"]
    );
    assert_eq!(
        tree.body["children"][3]["children"][0]["name"],
        "Phòng Ngân sách"
    );

    let all = app
        .get(&format!(
            "/api/v1/org-units/{root}/tree?include_archived=true"
        ))
        .token(&admin)
        .await;
    assert_eq!(all.body["children"].as_array().unwrap().len(), 5);
}

async fn search_ignores_case_and_diacritics(app: &TestApp) {
    let admin = app.admin().await;
    let root = app
        .unit(&admin, "P", "Ủy ban nhân dân tỉnh Hà Tĩnh", None)
        .await;
    app.unit(&admin, "SDT", "Sở Đào tạo", Some(&root)).await;
    app.unit(&admin, "STTTT", "Sở Khoa học và Công nghệ", Some(&root))
        .await;
    let admin = &admin;
    let names = |q: &'static str| async move {
        app.get(&format!("/api/v1/org-units?q={q}"))
            .token(admin)
            .await
            .column("name")
    };
    assert_eq!(
        names("uy%20ban%20nhan%20dan").await,
        ["Ủy ban nhân dân tỉnh Hà Tĩnh"]
    );
    assert_eq!(names("dao").await, ["Sở Đào tạo"]);
    assert_eq!(names("%C4%90%C3%80O").await, ["Sở Đào tạo"]); // "ĐÀO"
    assert_eq!(names("cong%20nghe").await, ["Sở Khoa học và Công nghệ"]);
    assert_eq!(
        names("sttt").await,
        ["Sở Khoa học và Công nghệ"],
        "codes are searched too"
    );
    assert!(
        names("100%25").await.is_empty(),
        "LIKE wildcards are literal"
    );
}

async fn lists_sort_paginate_and_filter(app: &TestApp) {
    let admin = app.admin().await;
    let root = app.unit(&admin, "P", "Tỉnh", None).await;
    for (code, name) in [
        ("B1", "Ban Bình"),
        ("A1", "Ban An"),
        ("C1", "Ban Châu"),
        ("A2", "Ban Ánh"),
    ] {
        app.unit(&admin, code, name, Some(&root)).await;
    }
    let page1 = app
        .get(&format!("/api/v1/org-units?parent_id={root}&per_page=2"))
        .token(&admin)
        .await;
    assert_eq!(page1.body["total"], 4);
    assert_eq!(page1.body["page"], 1);
    assert_eq!(page1.body["per_page"], 2);
    assert_eq!(page1.column("name"), ["Ban An", "Ban Ánh"]);
    let page2 = app
        .get(&format!(
            "/api/v1/org-units?parent_id={root}&per_page=2&page=2"
        ))
        .token(&admin)
        .await;
    assert_eq!(page2.column("name"), ["Ban Bình", "Ban Châu"]);
    let by_code = app
        .get(&format!("/api/v1/org-units?parent_id={root}&sort=-code"))
        .token(&admin)
        .await;
    assert_eq!(by_code.column("code"), ["C1", "B1", "A2", "A1"]);

    let admin_ref = &admin;
    let bad = |q: &'static str| async move {
        app.get(&format!("/api/v1/org-units?{q}"))
            .token(admin_ref)
            .await
    };
    bad("per_page=201").await.invalid("per_page");
    bad("page=0").await.invalid("page");
    bad("page=abc").await.invalid("page");
    bad("sort=colour").await.invalid("sort");
    bad("kind=ministry").await.invalid("kind");
    bad("updated_since=yesterday")
        .await
        .invalid("updated_since");

    let since = chrono::Utc::now() + chrono::Duration::seconds(1);
    let none = app
        .get(&format!(
            "/api/v1/org-units?updated_since={}",
            since.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        ))
        .token(&admin)
        .await;
    assert_eq!(none.body["total"], 0);
    let all = app
        .get("/api/v1/org-units?updated_since=2020-01-01T00:00:00Z")
        .token(&admin)
        .await;
    assert_eq!(all.body["total"], 5);
    let kinds = app
        .get("/api/v1/org-units?kind=province")
        .token(&admin)
        .await;
    assert_eq!(kinds.body["total"], 1);
}

async fn officers_act_only_in_their_subtree(app: &TestApp) {
    let admin = app.admin().await;
    let province = app.unit(&admin, "P", "Tỉnh", None).await;
    let mine = app.unit(&admin, "MINE", "Sở Nội vụ", Some(&province)).await;
    let child = app
        .unit(&admin, "MINE1", "Phòng Thi đua", Some(&mine))
        .await;
    let other = app
        .unit(&admin, "OTHER", "Sở Tài chính", Some(&province))
        .await;
    let officer = app.user(&admin, "officer", &["officer"], Some(&mine)).await;
    let manager = app.user(&admin, "manager", &["manager"], Some(&mine)).await;

    // Outside the subtree: absent, whatever the verb.
    for path in [
        format!("/api/v1/org-units/{other}"),
        format!("/api/v1/org-units/{province}"),
        format!("/api/v1/org-units/{other}/tree"),
    ] {
        app.get(&path)
            .token(&officer)
            .await
            .problem(404, "not_found");
    }
    app.patch(&format!("/api/v1/org-units/{other}"))
        .token(&officer)
        .if_match("\"v1\"")
        .json(json!({"name": "Đổi tên"}))
        .await
        .problem(404, "not_found");
    app.post(&format!("/api/v1/org-units/{other}/archive"))
        .token(&officer)
        .if_match("\"v1\"")
        .send()
        .await
        .problem(404, "not_found");
    app.try_unit(&officer, "X", "Phòng X", Some(&other), "division")
        .await
        .invalid("parent_id");
    app.get(&format!("/api/v1/org-units?under={other}"))
        .token(&officer)
        .await
        .invalid("under");
    let listed = app.get("/api/v1/org-units").token(&officer).await;
    let mut ids = listed.ids();
    ids.sort();
    let mut expected = vec![mine.clone(), child.clone()];
    expected.sort();
    assert_eq!(ids, expected);

    // Inside: below its own unit it may create and change; its own unit is the admin's.
    let res = app
        .try_unit(&officer, "MINE2", "Phòng Tổ chức", Some(&mine), "division")
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let res = app
        .patch(&format!("/api/v1/org-units/{child}"))
        .token(&officer)
        .if_match("\"v1\"")
        .json(json!({"name": "Phòng TĐKT"}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    app.patch(&format!("/api/v1/org-units/{mine}"))
        .token(&officer)
        .if_match("\"v1\"")
        .json(json!({"name": "Sở Nội vụ mới"}))
        .await
        .problem(403, "forbidden");
    // Moving a unit of its subtree out of it is refused as if the target did not exist.
    app.patch(&format!("/api/v1/org-units/{child}"))
        .token(&officer)
        .if_match("\"v2\"")
        .json(json!({"parent_id": other}))
        .await
        .invalid("parent_id");
    // A manager reads but does not shape the tree; roots are the admin's.
    assert_eq!(
        app.get(&format!("/api/v1/org-units/{child}"))
            .token(&manager)
            .await
            .status,
        StatusCode::OK
    );
    app.try_unit(&manager, "M", "Phòng M", Some(&mine), "division")
        .await
        .problem(403, "forbidden");
    app.try_unit(&officer, "ROOT2", "Tỉnh khác", None, "province")
        .await
        .problem(403, "forbidden");
}

use actix_web::http::StatusCode;
use serde_json::json;

use crate::db_tests;
use crate::fixtures::Staff;
use crate::harness::TestApp;

db_tests!(
    create_read_update_archive,
    personal_id_is_masked_except_for_admins,
    bad_input_names_the_field_and_writes_nothing,
    search_ignores_diacritics_and_d,
    lists_sort_in_vietnamese_order_by_given_name,
    managers_keep_only_their_subtree_and_members_see_themselves,
    those_who_see_a_staff_member_see_which_account_is_theirs,
);

async fn create_read_update_archive(app: &TestApp) {
    let admin = app.admin().await;
    let unit = app.unit(&admin, "P", "Tỉnh", None).await;
    let other = app.unit(&admin, "S", "Sở", Some(&unit)).await;
    let res = app
        .post("/api/v1/staff")
        .token(&admin)
        .json(json!({
            "full_name": "  Nguyễn   Văn An ", "org_unit_id": unit, "category": "cong_chuc",
            "position": "Chuyên viên", "staff_code": "cb-001", "email": "An.NV@HaTinh.gov.vn",
            "gender": "male", "personal_id": "042099001234"
        }))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert_eq!(
        res.body["full_name"], "Nguyễn Văn An",
        "white space is tidied"
    );
    assert_eq!(res.body["staff_code"], "CB-001");
    assert_eq!(res.body["email"], "an.nv@hatinh.gov.vn");
    assert_eq!(res.body["personal_id"], "042099001234");
    let id = res.id();
    let path = format!("/api/v1/staff/{id}");

    let res = app
        .patch(&path)
        .token(&admin)
        .if_match(&res.etag())
        .json(json!({"position": null, "org_unit_id": other}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body["position"], serde_json::Value::Null);
    assert_eq!(res.body["org_unit_id"], other.as_str());
    assert_eq!(res.body["staff_code"], "CB-001", "untouched fields stay");
    assert_eq!(res.body["version"], 2);

    app.post(&format!("{path}/archive"))
        .token(&admin)
        .send()
        .await
        .problem(428, "if_match_required");
    let res = app
        .post(&format!("{path}/archive"))
        .token(&admin)
        .if_match("\"v2\"")
        .send()
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.body["active"], false);
    let active = app.get("/api/v1/staff?active=true").token(&admin).await;
    assert_eq!(active.body["total"], 0);
    assert_eq!(
        app.get(&path).token(&admin).await.body["active"],
        false,
        "archived, not deleted"
    );
}

async fn personal_id_is_masked_except_for_admins(app: &TestApp) {
    let admin = app.admin().await;
    let unit = app.unit(&admin, "P", "Tỉnh", None).await;
    let id = Staff::of(&unit, "Trần Thị Bình")
        .category("vien_chuc")
        .personal_id("042199005678")
        .added(app, &admin)
        .await;
    let officer = app.user(&admin, "officer", &["officer"], Some(&unit)).await;
    assert_eq!(
        app.get(&format!("/api/v1/staff/{id}"))
            .token(&officer)
            .await
            .body["personal_id"],
        "*********678"
    );
    assert_eq!(
        app.get("/api/v1/staff").token(&officer).await.items()[0]["personal_id"],
        "*********678"
    );
    assert_eq!(
        app.get(&format!("/api/v1/staff/{id}"))
            .token(&admin)
            .await
            .body["personal_id"],
        "042199005678"
    );
}

async fn bad_input_names_the_field_and_writes_nothing(app: &TestApp) {
    let admin = app.admin().await;
    let unit = app.unit(&admin, "P", "Tỉnh", None).await;
    let first = Staff::of(&unit, "Phan Văn Hải")
        .category("can_bo")
        .code("X1")
        .email("hai@example.vn")
        .personal_id("001099000001")
        .send(app, &admin)
        .await;
    assert_eq!(first.status, StatusCode::CREATED);
    let post = |extra: serde_json::Value| {
        let mut body =
            json!({"full_name": "Võ Thị Lan", "org_unit_id": unit, "category": "cong_chuc"});
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        app.post("/api/v1/staff").token(&admin).json(body)
    };
    post(json!({"personal_id": "12345678901"}))
        .await
        .invalid("personal_id");
    post(json!({"personal_id": "12345678901a"}))
        .await
        .invalid("personal_id");
    post(json!({"email": "not-an-email"}))
        .await
        .invalid("email");
    post(json!({"category": "chuyen_vien"}))
        .await
        .invalid("category");
    post(json!({"gender": "x"})).await.invalid("gender");
    post(json!({"full_name": ""})).await.invalid("full_name");
    post(json!({"full_name": "a".repeat(201)}))
        .await
        .invalid("full_name");
    post(json!({"org_unit_id": uuid::Uuid::now_v7().to_string()}))
        .await
        .invalid("org_unit_id");
    post(json!({"position": "\u{0007}bell"}))
        .await
        .invalid("position");
    assert_eq!(
        post(json!({"staff_code": "x1"}))
            .await
            .problem(409, "duplicate"),
        ["staff_code"]
    );
    assert_eq!(
        post(json!({"email": "HAI@example.vn"}))
            .await
            .problem(409, "duplicate"),
        ["email"]
    );
    assert_eq!(
        post(json!({"personal_id": "001099000001"}))
            .await
            .problem(409, "duplicate"),
        ["personal_id"]
    );
    let etag = first.etag();
    let res = app
        .patch(&format!("/api/v1/staff/{}", first.id()))
        .token(&admin)
        .if_match(&etag)
        .json(json!({"full_name": null}))
        .await;
    res.invalid("full_name");
    assert_eq!(
        app.get("/api/v1/staff").token(&admin).await.body["total"],
        1
    );
}

async fn search_ignores_diacritics_and_d(app: &TestApp) {
    let admin = app.admin().await;
    let unit = app.unit(&admin, "P", "Tỉnh", None).await;
    for name in [
        "Nguyễn Văn An",
        "Đặng Thị Hoa",
        "Dương Văn Dũng",
        "Trần Quốc Toản",
    ] {
        app.staff(&admin, &unit, name).await;
    }
    let admin = &admin;
    let find = |q: &'static str| async move {
        app.get(&format!("/api/v1/staff?q={q}"))
            .token(admin)
            .await
            .column("full_name")
    };
    assert_eq!(find("nguyen%20van%20an").await, ["Nguyễn Văn An"]);
    assert_eq!(find("NGUYEN").await, ["Nguyễn Văn An"]);
    assert_eq!(find("dang").await, ["Đặng Thị Hoa"]);
    assert_eq!(find("%C4%91%E1%BA%B7ng").await, ["Đặng Thị Hoa"]); // "đặng"
    assert_eq!(find("dung").await, ["Dương Văn Dũng"]);
    assert_eq!(find("van").await, ["Nguyễn Văn An", "Dương Văn Dũng"]);
}

async fn lists_sort_in_vietnamese_order_by_given_name(app: &TestApp) {
    let admin = app.admin().await;
    let unit = app.unit(&admin, "P", "Tỉnh", None).await;
    for name in [
        "Trần Thị Bình",
        "Nguyễn Văn An",
        "Đặng Thị Ánh",
        "Lê Văn An",
        "Phạm Đức Anh",
        "Hoàng Văn Đức",
        "Vũ Thị Dung",
        "Bùi Thị Ân",
        "Ngô Văn Ăn",
    ] {
        app.staff(&admin, &unit, name).await;
    }
    let names = app
        .get("/api/v1/staff")
        .token(&admin)
        .await
        .column("full_name");
    assert_eq!(
        names,
        [
            "Lê Văn An",
            "Nguyễn Văn An",
            "Phạm Đức Anh",
            "Đặng Thị Ánh",
            "Ngô Văn Ăn",
            "Bùi Thị Ân",
            "Trần Thị Bình",
            "Vũ Thị Dung",
            "Hoàng Văn Đức",
        ]
    );
    let desc = app
        .get("/api/v1/staff?sort=-full_name")
        .token(&admin)
        .await
        .column("full_name");
    assert_eq!(desc.first().map(String::as_str), Some("Hoàng Văn Đức"));
}

async fn managers_keep_only_their_subtree_and_members_see_themselves(app: &TestApp) {
    let admin = app.admin().await;
    let province = app.unit(&admin, "P", "Tỉnh", None).await;
    let mine = app.unit(&admin, "MINE", "Sở Nội vụ", Some(&province)).await;
    let other = app
        .unit(&admin, "OTHER", "Sở Tài chính", Some(&province))
        .await;
    let colleague = app.staff(&admin, &mine, "Lý Thị Hằng").await;
    let stranger = app.staff(&admin, &other, "Mai Văn Tú").await;
    let me = app.staff(&admin, &mine, "Kiều Văn Long").await;
    let manager = app.user(&admin, "manager", &["manager"], Some(&mine)).await;
    let member = app
        .user_for_staff(&admin, "long.kv", &["member"], Some(&mine), Some(&me))
        .await;

    // The manager: their subtree only; others' staff are absent.
    let listed = app.get("/api/v1/staff").token(&manager).await;
    assert_eq!(listed.body["total"], 2);
    app.get(&format!("/api/v1/staff/{stranger}"))
        .token(&manager)
        .await
        .problem(404, "not_found");
    app.patch(&format!("/api/v1/staff/{stranger}"))
        .token(&manager)
        .if_match("\"v1\"")
        .json(json!({"position": "Trưởng phòng"}))
        .await
        .problem(404, "not_found");
    app.post(&format!("/api/v1/staff/{stranger}/archive"))
        .token(&manager)
        .if_match("\"v1\"")
        .send()
        .await
        .problem(404, "not_found");
    Staff::of(&other, "Người Mới")
        .send(app, &manager)
        .await
        .invalid("org_unit_id");
    // Moving a colleague out of the subtree is refused the same way.
    app.patch(&format!("/api/v1/staff/{colleague}"))
        .token(&manager)
        .if_match("\"v1\"")
        .json(json!({"org_unit_id": other}))
        .await
        .invalid("org_unit_id");
    let res = app
        .patch(&format!("/api/v1/staff/{colleague}"))
        .token(&manager)
        .if_match("\"v1\"")
        .json(json!({"position": "Phó phòng"}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(
        app.get(&format!("/api/v1/staff?under={other}"))
            .token(&manager)
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    // The member: only their own record, read-only.
    let listed = app.get("/api/v1/staff").token(&member).await;
    assert_eq!(listed.ids(), std::slice::from_ref(&me));
    assert_eq!(
        app.get(&format!("/api/v1/staff/{me}"))
            .token(&member)
            .await
            .status,
        StatusCode::OK
    );
    app.get(&format!("/api/v1/staff/{colleague}"))
        .token(&member)
        .await
        .problem(404, "not_found");
    app.patch(&format!("/api/v1/staff/{me}"))
        .token(&member)
        .if_match("\"v1\"")
        .json(json!({"position": "Giám đốc"}))
        .await
        .problem(403, "forbidden");
    Staff::of(&mine, "Người Mới")
        .send(app, &member)
        .await
        .problem(403, "forbidden");
}

/// Officers name council members by account: the staff record says which account is the
/// person's, to whoever sees the record, without opening `/users` (admins only).
async fn those_who_see_a_staff_member_see_which_account_is_theirs(app: &TestApp) {
    let admin = app.admin().await;
    let province = app.unit(&admin, "NA", "Tỉnh Nghệ An", None).await;
    let office = app
        .unit(&admin, "NA-VP", "Văn phòng UBND tỉnh", Some(&province))
        .await;
    let elsewhere = app.unit(&admin, "HT", "Tỉnh Hà Tĩnh", None).await;
    let anh = app.staff(&admin, &office, "Nguyễn Thị Mai Anh").await;
    let huy = app.staff(&admin, &office, "Trần Quốc Huy").await;
    let far = app.staff(&admin, &elsewhere, "Lê Văn Tám").await;
    let officer = app
        .user(&admin, "officer.na", &["officer"], Some(&office))
        .await;
    let member = app
        .user_for_staff(&admin, "anh.ntm", &["member"], Some(&office), Some(&anh))
        .await;
    app.user_for_staff(&admin, "tam.lv", &["member"], Some(&elsewhere), Some(&far))
        .await;
    let account = app.get("/api/v1/auth/me").token(&member).await.body["user"]["id"].clone();

    let list = app
        .get(&format!("/api/v1/staff?org_unit_id={office}"))
        .token(&officer)
        .await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    let items = list.items();
    let of = |id: &str| items.iter().find(|s| s["id"] == id).unwrap().clone();
    assert_eq!(
        of(&anh)["account"],
        json!({"id": account, "username": "anh.ntm", "active": true})
    );
    assert_eq!(of(&huy)["account"], json!(null), "no account");
    let one = app
        .get(&format!("/api/v1/staff/{anh}"))
        .token(&officer)
        .await;
    assert_eq!(one.body["account"]["id"], account);
    // The person sees their own; another province's staff stay out of sight.
    let own = app
        .get(&format!("/api/v1/staff/{anh}"))
        .token(&member)
        .await;
    assert_eq!(own.body["account"]["username"], "anh.ntm");
    app.get(&format!("/api/v1/staff/{far}"))
        .token(&officer)
        .await
        .problem(404, "not_found");
    // The account's roles and unit stay with admins.
    app.get(&format!("/api/v1/users/{}", account.as_str().unwrap()))
        .token(&officer)
        .await
        .problem(403, "forbidden");
}

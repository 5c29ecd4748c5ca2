use actix_web::http::StatusCode;
use serde_json::{Value, json};

use crate::db_tests;
use crate::fixtures::{Criterion, issue_plan, move_plan};
use crate::harness::TestApp;

db_tests!(
    a_plan_holds_every_part,
    status_machine_refuses_what_is_not_allowed,
    a_stored_status_this_version_does_not_know_fails_the_read,
    criteria_freeze_when_issued_and_change_by_amendment,
    bad_input_names_the_field_and_writes_nothing,
    plans_are_seen_down_and_up_the_tree_and_changed_only_by_their_officers,
    report_deadlines_follow_the_yearly_rule,
    movements_and_legal_documents_are_searchable_reference_data,
    kept_answers_are_gzipped_for_clients_that_ask,
);

/// Reference data for a plan: a province, an office, two movements and two legal documents.
struct Fixture {
    admin: String,
    province: String,
    office: String,
    movements: Vec<String>,
    docs: Vec<String>,
}

async fn fixture(app: &TestApp) -> Fixture {
    let admin = app.admin().await;
    let province = app
        .unit(
            &admin,
            "000.00.00.H41",
            "Ủy ban nhân dân tỉnh Nghệ An",
            None,
        )
        .await;
    let office = app
        .unit(&admin, "NA-VP", "Văn phòng UBND tỉnh", Some(&province))
        .await;
    let mut movements = Vec::new();
    for (name, short) in [
        (
            "Cả nước thi đua đổi mới sáng tạo và chuyển đổi số",
            "Đổi mới sáng tạo và chuyển đổi số",
        ),
        ("Bình dân học vụ số", "Bình dân học vụ số"),
    ] {
        let res = app
            .post("/api/v1/movements")
            .token(&admin)
            .json(
                json!({"name": name, "short_name": short, "level": "national", "kind": "thematic",
                         "start_date": "2025-01-01", "end_date": "2030-12-31"}),
            )
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
        movements.push(res.id());
    }
    let mut docs = Vec::new();
    for (number, date, title) in [
        (
            "378/KH-UBND",
            "2025-05-22",
            "Về triển khai Phong trào “Bình dân học vụ số”",
        ),
        (
            "430/KH-UBND",
            "2025-06-06",
            "Về tổ chức thực hiện Phong trào thi đua “Cả nước thi đua đổi mới sáng tạo và chuyển đổi số”",
        ),
    ] {
        let res = app
            .post("/api/v1/legal-documents")
            .token(&admin)
            .json(json!({"number": number, "doc_type": "ke_hoach", "issuer": "Ủy ban nhân dân tỉnh Nghệ An",
                         "issued_on": date, "title": title}))
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
        docs.push(res.id());
    }
    Fixture {
        admin,
        province,
        office,
        movements,
        docs,
    }
}

fn plan_body(f: &Fixture) -> Value {
    json!({
        "title": "Kế hoạch triển khai Phong trào thi đua “Cả nước đổi mới sáng tạo và chuyển đổi số” và Phong trào “Bình dân học vụ số”",
        "issuer_id": f.office,
        "signer_name": "Đặng Thanh Tùng",
        "signer_title": "Chánh Văn phòng",
        "movement_ids": f.movements,
        "legal_basis_ids": f.docs,
        "purposes": ["Triển khai sâu rộng Phong trào “Bình dân học vụ số”", "Tuyên truyền, nâng cao nhận thức"],
        "requirements": ["Phong trào thi đua phải bám sát nhiệm vụ chính trị của cơ quan"],
        "contents": [
            "Thi đua nâng cao nhận thức, đột phá về đổi mới tư duy",
            "Thi đua phát triển hạ tầng cho phát triển khoa học, công nghệ",
            "Thi đua đẩy mạnh chuyển đổi số",
            "Phát động Phong trào Thi đua tự học về chuyển đổi số",
            "Tập trung nâng cao chất lượng công tác tham mưu tổng hợp",
            "Đổi mới phương pháp làm việc"
        ],
        "solutions": ["Đẩy mạnh công tác tuyên truyền"],
        "recipients": ["Đảng ủy VP UBND", "Lưu: VT, HCQT (TH)"],
        "phases": [
            {"name": "Giai đoạn 1", "start_date": "2025-01-01", "end_date": "2027-12-31", "review": "interim", "review_year": 2027},
            {"name": "Giai đoạn 2", "start_date": "2027-01-01", "end_date": "2030-12-31", "review": "final", "review_year": 2030}
        ],
        "award_forms": [
            {"occasion": "interim", "title": "Giấy khen của Chánh Văn phòng", "subject": "both", "description": null},
            {"occasion": "final", "title": "Bằng khen của Chủ tịch UBND tỉnh", "subject": "collective", "description": "Tối đa 02 tập thể"}
        ],
        "responsibilities": [{"org_unit_id": f.office, "role": "lead", "task": "Theo dõi, hướng dẫn, đôn đốc"}],
        "report_deadline": {"month": 11, "day": 15, "to": "Sở Nội vụ", "note": "trước ngày 15/11 hằng năm"}
    })
}

async fn create_plan(app: &TestApp, token: &str, body: Value) -> String {
    let res = app.post("/api/v1/plans").token(token).json(body).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    res.id()
}

async fn criterion(app: &TestApp, token: &str, plan: &str, body: Value) -> crate::harness::Res {
    app.post(&format!("/api/v1/plans/{plan}/criteria"))
        .token(token)
        .json(body)
        .await
}

async fn a_plan_holds_every_part(app: &TestApp) {
    let f = fixture(app).await;
    let body = plan_body(&f);
    let res = app
        .post("/api/v1/plans")
        .token(&f.admin)
        .json(body.clone())
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert_eq!(res.etag(), "\"v1\"");
    let id = res.id();
    let got = app
        .get(&format!("/api/v1/plans/{id}"))
        .token(&f.admin)
        .await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.body["status"], "draft");
    for field in [
        "title",
        "issuer_id",
        "signer_name",
        "signer_title",
        "movement_ids",
        "legal_basis_ids",
        "purposes",
        "requirements",
        "contents",
        "solutions",
        "recipients",
        "phases",
        "award_forms",
        "responsibilities",
        "report_deadline",
    ] {
        assert_eq!(got.body[field], body[field], "{field} round-trips");
    }

    // A change replaces one list and leaves the rest.
    let res = app
        .patch(&format!("/api/v1/plans/{id}"))
        .token(&f.admin)
        .if_match("\"v1\"")
        .json(json!({"number": "12/KH-VP", "issued_on": "2025-07-20", "solutions": ["Đẩy mạnh tuyên truyền", "Khen thưởng kịp thời"]}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body["solutions"].as_array().unwrap().len(), 2);
    assert_eq!(res.body["contents"], body["contents"]);
    assert_eq!(res.body["number"], "12/KH-VP");
    assert_eq!(res.etag(), "\"v2\"");
    // Read again at once: the change shows, though the plan was read before it.
    let got = app
        .get(&format!("/api/v1/plans/{id}"))
        .token(&f.admin)
        .await;
    assert_eq!(got.etag(), "\"v2\"");
    assert_eq!(got.body["number"], "12/KH-VP");

    // Lists, filters and search without diacritics.
    let admin = &f.admin;
    let list = |q: String| async move { app.get(&format!("/api/v1/plans?{q}")).token(admin).await };
    assert_eq!(
        list("q=binh%20dan%20hoc%20vu%20so".into()).await.ids(),
        vec![id.clone()]
    );
    assert_eq!(
        list("q=12%2Fkh-vp".into()).await.ids(),
        vec![id.clone()],
        "by number"
    );
    assert_eq!(
        list(format!("movement_id={}", f.movements[1])).await.ids(),
        vec![id.clone()]
    );
    assert_eq!(
        list(format!("issuer_id={}", f.office)).await.ids(),
        vec![id.clone()]
    );
    assert_eq!(
        list(format!("issuer_id={}", f.province)).await.body["total"],
        0
    );
    assert_eq!(list("year=2030".into()).await.body["total"], 1);
    assert_eq!(list("year=2031".into()).await.body["total"], 0);
    assert_eq!(list("status=draft".into()).await.body["total"], 1);
    assert_eq!(list("status=issued".into()).await.body["total"], 0);
    list("status=finished".into()).await.invalid("status");
}

async fn status_machine_refuses_what_is_not_allowed(app: &TestApp) {
    let f = fixture(app).await;
    let id = create_plan(app, &f.admin, plan_body(&f)).await;
    let status = |to: &'static str, etag: &'static str| {
        app.post(&format!("/api/v1/plans/{id}/status"))
            .token(&f.admin)
            .if_match(etag)
            .json(json!({"status": to}))
    };
    status("closed", "\"v1\"")
        .await
        .problem(409, "transition_not_allowed");
    status("in_progress", "\"v1\"")
        .await
        .problem(409, "transition_not_allowed");
    status("issued", "\"v1\"").await.invalid("number");
    status("issued", "\"v9\"")
        .await
        .problem(412, "version_mismatch");
    status("done", "\"v1\"").await.invalid("status");

    app.patch(&format!("/api/v1/plans/{id}"))
        .token(&f.admin)
        .if_match("\"v1\"")
        .json(json!({"number": "12/KH-VP"}))
        .await;
    status("issued", "\"v2\"").await.invalid("issued_on");
    app.patch(&format!("/api/v1/plans/{id}"))
        .token(&f.admin)
        .if_match("\"v2\"")
        .json(json!({"issued_on": "2025-07-20"}))
        .await;
    let res = status("issued", "\"v3\"").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body["status"], "issued");
    // An issued plan is a legal document: its text no longer changes.
    app.patch(&format!("/api/v1/plans/{id}"))
        .token(&f.admin)
        .if_match("\"v4\"")
        .json(json!({"title": "Khác"}))
        .await
        .problem(409, "plan_not_draft");
    status("draft", "\"v4\"")
        .await
        .problem(409, "transition_not_allowed");
    assert_eq!(
        status("in_progress", "\"v4\"").await.body["status"],
        "in_progress"
    );
    assert_eq!(status("closed", "\"v5\"").await.body["status"], "closed");
    status("cancelled", "\"v6\"")
        .await
        .problem(409, "transition_not_allowed");

    // A draft can be cancelled.
    let other = create_plan(app, &f.admin, plan_body(&f)).await;
    let res = app
        .post(&format!("/api/v1/plans/{other}/status"))
        .token(&f.admin)
        .if_match("\"v1\"")
        .json(json!({"status": "cancelled"}))
        .await;
    assert_eq!(res.body["status"], "cancelled");
    app.post(&format!("/api/v1/plans/{other}/status"))
        .token(&f.admin)
        .json(json!({"status": "issued"}))
        .await
        .problem(428, "if_match_required");
}

async fn criteria_freeze_when_issued_and_change_by_amendment(app: &TestApp) {
    let f = fixture(app).await;
    let mut body = plan_body(&f);
    body["number"] = json!("12/KH-VP");
    body["issued_on"] = json!("2025-07-20");
    let plan = create_plan(app, &f.admin, body).await;
    let res = criterion(
        app,
        &f.admin,
        &plan,
        json!({"subject": "collective", "code": "tt6", "title": "100% công chức được bồi dưỡng kỹ năng số",
               "measure": "percent", "target": 100, "unit": "%", "max_points": 10, "content_no": 4}),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert_eq!(res.body["code"], "TT6");
    assert_eq!(res.body["position"], 1);
    let tt6 = res.id();
    let res = Criterion::individual("CN1", "Hoàn thành khóa học")
        .boolean(5.0)
        .send(app, &f.admin, &plan)
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert_eq!(res.body["position"], 2);

    // On a draft, a change is made in place.
    let res = app
        .patch(&format!("/api/v1/criteria/{tt6}"))
        .token(&f.admin)
        .if_match("\"v1\"")
        .json(json!({"max_points": 20}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.id(), tt6);
    assert_eq!(res.body["version"], 2);

    issue_plan(app, &f.admin, &plan).await;

    // Read (and kept) before the amendment below: the list read after it shows the change.
    let before = app
        .get(&format!("/api/v1/plans/{plan}/criteria"))
        .token(&f.admin)
        .await;
    assert!(before.ids().contains(&tt6), "{}", before.body);

    // Issued: frozen. A change needs a reason and makes a new version.
    let path = format!("/api/v1/criteria/{tt6}");
    app.patch(&path)
        .token(&f.admin)
        .if_match("\"v2\"")
        .json(json!({"target": 90}))
        .await
        .invalid("amendment_reason");
    let amended = app
        .patch(&path)
        .token(&f.admin)
        .if_match("\"v2\"")
        .json(json!({"target": 90, "amendment_reason": "Điều chỉnh theo Công văn 100/SNV-TĐKT"}))
        .await;
    assert_eq!(amended.status, StatusCode::OK, "{}", amended.body);
    let new_id = amended.id();
    assert_ne!(new_id, tt6);
    assert_eq!(amended.body["supersedes_id"], tt6.as_str());
    assert_eq!(amended.body["target"], 90.0);
    assert_eq!(amended.body["max_points"], 20.0);
    assert_eq!(amended.body["code"], "TT6");
    assert_eq!(amended.body["current"], true);

    // The old version is kept, as it was, for the evidence that points at it.
    let old = app.get(&path).token(&f.admin).await;
    assert_eq!(old.body["current"], false);
    assert_eq!(old.body["target"], 100.0);
    assert_eq!(old.body["superseded_by_id"], new_id.as_str());
    app.patch(&path)
        .token(&f.admin)
        .if_match(&old.etag())
        .json(json!({"target": 80, "amendment_reason": "x"}))
        .await
        .problem(409, "superseded");

    let current = app
        .get(&format!("/api/v1/plans/{plan}/criteria"))
        .token(&f.admin)
        .await;
    assert_eq!(current.column("code"), ["TT6", "CN1"]);
    assert_eq!(current.ids()[0], new_id);
    let all = app
        .get(&format!(
            "/api/v1/plans/{plan}/criteria?include_superseded=true"
        ))
        .token(&f.admin)
        .await;
    assert_eq!(all.body["total"], 3);
    let individual = app
        .get(&format!("/api/v1/plans/{plan}/criteria?subject=individual"))
        .token(&f.admin)
        .await;
    assert_eq!(individual.column("code"), ["CN1"]);
    let found = app
        .get(&format!(
            "/api/v1/plans/{plan}/criteria?q=boi%20duong%20ky%20nang"
        ))
        .token(&f.admin)
        .await;
    assert_eq!(found.column("code"), ["TT6"]);

    // New criteria on an issued plan are amendments too.
    let self_study = Criterion::individual("CN2", "Tự học").boolean(5.0);
    self_study
        .clone()
        .send(app, &f.admin, &plan)
        .await
        .invalid("amendment_reason");
    let res = self_study
        .amendment("Bổ sung")
        .send(app, &f.admin, &plan)
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert_eq!(res.body["amendment_reason"], "Bổ sung");

    // Closed: nothing changes.
    for to in ["in_progress", "closed"] {
        move_plan(app, &f.admin, &plan, to).await;
    }
    app.patch(&format!("/api/v1/criteria/{new_id}"))
        .token(&f.admin)
        .if_match("\"v1\"")
        .json(json!({"target": 95, "amendment_reason": "x"}))
        .await
        .problem(409, "plan_closed");
}

async fn bad_input_names_the_field_and_writes_nothing(app: &TestApp) {
    let f = fixture(app).await;
    let post = |change: Value| {
        let mut body = plan_body(&f);
        for (k, v) in change.as_object().unwrap() {
            body[k] = v.clone();
        }
        app.post("/api/v1/plans").token(&f.admin).json(body)
    };
    post(
        json!({"phases": [{"name": "GĐ 1", "start_date": "2027-01-01", "end_date": "2025-12-31"}]}),
    )
    .await
    .invalid("phases[0].end_date");
    post(
        json!({"phases": [{"name": "GĐ 1", "start_date": "2024-01-01", "end_date": "2027-12-31"}]}),
    )
    .await
    .invalid("phases[0]");
    post(json!({"phases": [{"name": "GĐ 1", "start_date": "2025-01-01", "end_date": "2027-12-31", "review": "final", "review_year": 2029}]})).await.invalid("phases[0].review_year");
    post(json!({"phases": [{"name": "", "start_date": "2025-01-01", "end_date": "2027-12-31"}]}))
        .await
        .invalid("phases[0].name");
    post(json!({"phases": [{"name": "GĐ", "start_date": "2025-02-30", "end_date": "2027-12-31"}]}))
        .await
        .invalid("phases[0].start_date");
    post(json!({"legal_basis_ids": [uuid::Uuid::now_v7().to_string()]}))
        .await
        .invalid("legal_basis_ids[0]");
    post(json!({"legal_basis_ids": [f.docs[0], f.docs[0]]}))
        .await
        .invalid("legal_basis_ids[1]");
    post(json!({"movement_ids": ["not-an-id"]}))
        .await
        .invalid("movement_ids");
    post(json!({"movement_ids": [uuid::Uuid::now_v7().to_string()]}))
        .await
        .invalid("movement_ids[0]");
    post(json!({"issuer_id": uuid::Uuid::now_v7().to_string()}))
        .await
        .invalid("issuer_id");
    post(json!({"responsibilities": [{"org_unit_id": uuid::Uuid::now_v7().to_string(), "role": "lead", "task": "x"}]})).await.invalid("responsibilities[0].org_unit_id");
    post(json!({"responsibilities": [{"org_unit_id": f.office, "role": "boss", "task": "x"}]}))
        .await
        .invalid("responsibilities[0].role");
    post(json!({"report_deadline": {"month": 11, "day": 31}}))
        .await
        .invalid("report_deadline.day");
    post(json!({"report_deadline": {"month": 13, "day": 1}}))
        .await
        .invalid("report_deadline.month");
    post(json!({"award_forms": [{"occasion": "yearly", "title": "x", "subject": "both"}]}))
        .await
        .invalid("award_forms[0].occasion");
    post(json!({"contents": ["ok", "   "]}))
        .await
        .invalid("contents");
    post(json!({"title": ""})).await.invalid("title");
    post(json!({"colour": "red"})).await.invalid("colour");
    assert_eq!(
        app.get("/api/v1/plans").token(&f.admin).await.body["total"],
        0,
        "nothing written"
    );

    let plan = create_plan(app, &f.admin, plan_body(&f)).await;
    let bad = |body: Value| criterion(app, &f.admin, &plan, body);
    let base = |extra: Value| {
        let mut b = json!({"subject": "collective", "code": "TT1", "title": "Tỷ lệ", "measure": "percent", "target": 100, "max_points": 10});
        for (k, v) in extra.as_object().unwrap() {
            b[k] = v.clone();
        }
        b
    };
    bad(base(json!({"target": 120}))).await.invalid("target");
    bad(base(json!({"target": -5}))).await.invalid("target");
    bad(base(json!({"measure": "count", "target": -1})))
        .await
        .invalid("target");
    bad(base(json!({"measure": "count", "target": 1.5})))
        .await
        .invalid("target");
    bad(base(json!({"measure": "score", "target": 11})))
        .await
        .invalid("target");
    bad(base(json!({"measure": "boolean", "target": 1})))
        .await
        .invalid("target");
    bad(base(json!({"target": null}))).await.invalid("target");
    bad(base(json!({"max_points": -1})))
        .await
        .invalid("max_points");
    bad(base(json!({"content_no": 7})))
        .await
        .invalid("content_no");
    bad(base(json!({"subject": "family"})))
        .await
        .invalid("subject");
    bad(base(json!({"code": "T T"}))).await.invalid("code");
    assert_eq!(bad(base(json!({}))).await.status, StatusCode::CREATED);
    assert_eq!(
        bad(base(json!({"code": "tt1"})))
            .await
            .problem(409, "duplicate"),
        ["code"]
    );
    assert_eq!(
        app.get(&format!("/api/v1/plans/{plan}/criteria"))
            .token(&f.admin)
            .await
            .body["total"],
        1
    );

    // Reference data refuses its own bad input.
    let res = app
        .post("/api/v1/movements")
        .token(&f.admin)
        .json(json!({"name": "X", "level": "national", "kind": "regular", "start_date": "2030-01-01", "end_date": "2025-01-01"}))
        .await;
    res.invalid("end_date");
    let res = app
        .post("/api/v1/legal-documents")
        .token(&f.admin)
        .json(json!({"number": "378/KH-UBND", "doc_type": "ke_hoach", "issuer": "Ủy ban nhân dân tỉnh Nghệ An", "issued_on": "2025-05-22", "title": "Trùng"}))
        .await;
    assert_eq!(res.problem(409, "duplicate"), ["number"]);
    app.post("/api/v1/legal-documents")
        .token(&f.admin)
        .json(json!({"number": "1/QĐ", "doc_type": "ke_hoach", "issuer": "UBND", "issued_on": "2025-05-22", "title": "x", "url": "not a url"}))
        .await
        .invalid("url");
}

async fn plans_are_seen_down_and_up_the_tree_and_changed_only_by_their_officers(app: &TestApp) {
    let f = fixture(app).await;
    let division = app
        .unit(
            &f.admin,
            "NA-VP-HCQT",
            "Phòng Hành chính - Quản trị",
            Some(&f.office),
        )
        .await;
    let other_office = app
        .unit(&f.admin, "NA-SNV", "Sở Nội vụ", Some(&f.province))
        .await;
    let officer = app
        .user(&f.admin, "officer.vp", &["officer"], Some(&f.office))
        .await;
    let other_officer = app
        .user(&f.admin, "officer.snv", &["officer"], Some(&other_office))
        .await;
    let province_officer = app
        .user(&f.admin, "officer.tinh", &["officer"], Some(&f.province))
        .await;
    let manager = app
        .user(&f.admin, "manager.vp", &["manager"], Some(&f.office))
        .await;
    let member = app
        .user(&f.admin, "member.hcqt", &["member"], Some(&division))
        .await;

    let plan = create_plan(app, &officer, plan_body(&f)).await;
    let path = format!("/api/v1/plans/{plan}");
    // Another office's officer: absent, though its own officer has just read it (what is
    // kept of a read is checked again for each caller).
    assert_eq!(app.get(&path).token(&officer).await.status, StatusCode::OK);
    app.get(&path)
        .token(&other_officer)
        .await
        .problem(404, "not_found");
    app.patch(&path)
        .token(&other_officer)
        .if_match("\"v1\"")
        .json(json!({"title": "Của tôi"}))
        .await
        .problem(404, "not_found");
    app.get(&format!("{path}/criteria"))
        .token(&other_officer)
        .await
        .problem(404, "not_found");
    Criterion::collective("TT1", "Tỷ lệ hồ sơ giải quyết đúng hạn")
        .boolean(1.0)
        .send(app, &other_officer, &plan)
        .await
        .problem(404, "not_found");
    assert_eq!(
        app.get("/api/v1/plans").token(&other_officer).await.body["total"],
        0
    );
    let mut other = plan_body(&f);
    other["issuer_id"] = json!(f.office);
    app.post("/api/v1/plans")
        .token(&other_officer)
        .json(other)
        .await
        .invalid("issuer_id");

    // Below the issuer the plan applies: readable, not writable.
    for token in [&manager, &member] {
        assert_eq!(app.get(&path).token(token).await.status, StatusCode::OK);
        assert_eq!(app.get("/api/v1/plans").token(token).await.body["total"], 1);
        app.patch(&path)
            .token(token)
            .if_match("\"v1\"")
            .json(json!({"title": "Đổi"}))
            .await
            .problem(403, "forbidden");
    }
    app.post("/api/v1/plans")
        .token(&manager)
        .json(plan_body(&f))
        .await
        .problem(403, "forbidden");
    // Above it, the province's officer oversees and may change it.
    let res = app
        .patch(&path)
        .token(&province_officer)
        .if_match("\"v1\"")
        .json(json!({"signer_title": "Phó Chánh Văn phòng"}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);

    // Reference data: everyone reads, officers write.
    assert_eq!(
        app.get("/api/v1/movements").token(&member).await.body["total"],
        2
    );
    app.post("/api/v1/movements")
        .token(&manager)
        .json(json!({"name": "X", "level": "agency", "kind": "regular", "start_date": "2025-01-01", "end_date": "2025-12-31"}))
        .await
        .problem(403, "forbidden");
    app.patch(&format!("/api/v1/legal-documents/{}", f.docs[0]))
        .token(&member)
        .if_match("\"v1\"")
        .json(json!({"title": "x"}))
        .await
        .problem(403, "forbidden");
}

async fn report_deadlines_follow_the_yearly_rule(app: &TestApp) {
    let f = fixture(app).await;
    let plan = create_plan(app, &f.admin, plan_body(&f)).await;
    let res = app
        .get(&format!(
            "/api/v1/plans/{plan}/deadlines?from=2026-11-20&count=3"
        ))
        .token(&f.admin)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(
        res.body["dates"],
        json!(["2027-11-15", "2028-11-15", "2029-11-15"])
    );
    assert_eq!(res.body["to"], "Sở Nội vụ");
    let res = app
        .get(&format!(
            "/api/v1/plans/{plan}/deadlines?from=2029-01-01&count=10"
        ))
        .token(&f.admin)
        .await;
    assert_eq!(
        res.body["dates"],
        json!(["2029-11-15", "2030-11-15"]),
        "not past the last phase"
    );
    let res = app
        .get(&format!(
            "/api/v1/plans/{plan}/deadlines?from=2025-11-15&count=1"
        ))
        .token(&f.admin)
        .await;
    assert_eq!(
        res.body["dates"],
        json!(["2025-11-15"]),
        "the day itself counts"
    );
    app.get(&format!("/api/v1/plans/{plan}/deadlines?count=0"))
        .token(&f.admin)
        .await
        .invalid("count");
    app.get(&format!("/api/v1/plans/{plan}/deadlines?from=15/11/2025"))
        .token(&f.admin)
        .await
        .invalid("from");
}

async fn movements_and_legal_documents_are_searchable_reference_data(app: &TestApp) {
    let f = fixture(app).await;
    let names = app
        .get("/api/v1/movements?q=binh%20dan%20hoc%20vu%20so")
        .token(&f.admin)
        .await
        .column("name");
    assert_eq!(names, ["Bình dân học vụ số"]);
    let names = app
        .get("/api/v1/movements?q=DOI%20MOI")
        .token(&f.admin)
        .await
        .column("name");
    assert_eq!(names, ["Cả nước thi đua đổi mới sáng tạo và chuyển đổi số"]);
    assert_eq!(
        app.get("/api/v1/movements?year=2031")
            .token(&f.admin)
            .await
            .body["total"],
        0
    );
    assert_eq!(
        app.get("/api/v1/movements?year=2026&kind=thematic")
            .token(&f.admin)
            .await
            .body["total"],
        2
    );
    let res = app
        .patch(&format!("/api/v1/movements/{}", f.movements[0]))
        .token(&f.admin)
        .if_match("\"v1\"")
        .json(json!({"status": "closed", "description": "Phát động ngày 21/4/2025"}))
        .await;
    assert_eq!(res.body["status"], "closed");
    assert_eq!(
        app.get("/api/v1/movements?status=active")
            .token(&f.admin)
            .await
            .body["total"],
        1
    );

    let numbers = app
        .get("/api/v1/legal-documents?q=378")
        .token(&f.admin)
        .await
        .column("number");
    assert_eq!(numbers, ["378/KH-UBND"]);
    let numbers = app
        .get("/api/v1/legal-documents?q=to%20chuc%20thuc%20hien")
        .token(&f.admin)
        .await
        .column("number");
    assert_eq!(numbers, ["430/KH-UBND"]);
    assert_eq!(
        app.get("/api/v1/legal-documents?year=2025&doc_type=ke_hoach")
            .token(&f.admin)
            .await
            .body["total"],
        2
    );
    assert_eq!(
        app.get("/api/v1/legal-documents?doc_type=luat")
            .token(&f.admin)
            .await
            .body["total"],
        0
    );
    let sorted = app
        .get("/api/v1/legal-documents?sort=-issued_on")
        .token(&f.admin)
        .await
        .column("number");
    assert_eq!(sorted, ["430/KH-UBND", "378/KH-UBND"]);
}

/// The plan as a client that accepts gzip gets it: the same JSON, compressed, with a weak
/// `ETag` that still names the version for `If-Match`.
async fn kept_answers_are_gzipped_for_clients_that_ask(app: &TestApp) {
    use std::io::Read;
    let f = fixture(app).await;
    let id = create_plan(app, &f.admin, plan_body(&f)).await;
    let path = format!("/api/v1/plans/{id}");

    let plain = app.get(&path).token(&f.admin).await;
    assert_eq!(plain.status, StatusCode::OK);
    assert_eq!(plain.header("content-encoding"), None);
    let varies = |res: &crate::harness::Res| {
        res.header("vary")
            .is_some_and(|v| v.split(", ").any(|h| h == "accept-encoding"))
    };
    assert!(varies(&plain), "{:?}", plain.header("vary"));
    assert_eq!(plain.etag(), "\"v1\"");
    assert!(plain.bytes.len() > 1024, "a plan is worth compressing");

    // Twice: the first request makes the compressed copy, the second is served it.
    for _ in 0..2 {
        let zipped = app
            .get(&path)
            .token(&f.admin)
            .header("Accept-Encoding", "br;q=1.0, gzip;q=0.8, *;q=0.1")
            .await;
        assert_eq!(zipped.status, StatusCode::OK);
        assert_eq!(zipped.header("content-encoding"), Some("gzip"));
        assert!(varies(&zipped));
        assert_eq!(zipped.etag(), "W/\"v1\"");
        assert!(
            zipped.bytes.len() < plain.bytes.len(),
            "{} bytes",
            zipped.bytes.len()
        );
        let mut json = Vec::new();
        flate2::read::GzDecoder::new(&zipped.bytes[..])
            .read_to_end(&mut json)
            .expect("a gzip stream");
        assert_eq!(json, plain.bytes);
    }

    // Refused or not asked for: the bytes as they are.
    for accepted in ["gzip;q=0", "identity", "br", "*", ""] {
        let res = app
            .get(&path)
            .token(&f.admin)
            .header("Accept-Encoding", accepted)
            .await;
        assert_eq!(res.header("content-encoding"), None, "{accepted}");
        assert_eq!(res.bytes, plain.bytes, "{accepted}");
    }

    // The weak tag names the version a change is made against.
    let res = app
        .patch(&path)
        .token(&f.admin)
        .if_match("W/\"v1\"")
        .json(json!({"solutions": ["Khen thưởng kịp thời"]}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);

    // A short answer is not worth compressing: an empty page of criteria.
    let res = app
        .get(&format!("{path}/criteria"))
        .token(&f.admin)
        .header("Accept-Encoding", "gzip")
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.header("content-encoding"), None);
    assert_eq!(res.body["total"], 0);
}

/// A status written by a newer version (or by hand) is not read as another one: the read
/// fails, and the log says which value of which set it did not know.
async fn a_stored_status_this_version_does_not_know_fails_the_read(app: &TestApp) {
    use diesel::RunQueryDsl;
    let f = fixture(app).await;
    let id = create_plan(app, &f.admin, plan_body(&f)).await;
    let read = app
        .get(&format!("/api/v1/plans/{id}"))
        .token(&f.admin)
        .await;
    assert_eq!(read.body["status"], "draft", "{}", read.body);
    let mut conn = app.state.pool.get().unwrap();
    diesel::sql_query(format!(
        "UPDATE plans SET status = 'paused', version = version + 1 WHERE id = '{id}'"
    ))
    .execute(&mut *conn)
    .unwrap();
    drop(conn);
    // Another account's first read, so no kept answer stands in for the database.
    let officer = app
        .user(&f.admin, "canbo.doc", &["officer"], Some(&f.province))
        .await;
    app.get(&format!("/api/v1/plans/{id}"))
        .token(&officer)
        .await
        .problem(500, "internal");
}

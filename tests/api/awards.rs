//! Awards: the seeded catalogue, nominations up the hierarchy, eligibility on constructed
//! histories, quotas, decisions, awards and their export.

use actix_web::http::StatusCode;
use serde_json::{Value, json};

use crate::db_tests;
use crate::fixtures::{
    DECISIONS, Decision, Discipline, Evidence, NOMINATIONS, Nomination, act, another_department,
    nominate, province_rules, revoke_decision, staff_leaves,
};
use crate::harness::{Res, TestApp};
use crate::work::{PDF, Work, multipart, work};

db_tests!(
    nominations_go_up_the_hierarchy_to_the_granting_level,
    decisions_record_awards_with_cash_and_revocation_revokes_them,
    the_catalogue_rule_sets_and_base_salaries_are_seeded_and_kept,
    individual_titles_read_consecutive_years_initiatives_and_discipline,
    collective_titles_count_their_members,
    intervals_count_from_the_achievement_period_of_the_last_award,
    quotas_are_checked_when_a_batch_is_submitted,
    dossiers_and_initiatives_are_kept_by_the_proposing_unit,
    a_minimum_score_reads_the_plan_board,
    the_seeded_quotas_hold_for_grassroots_and_state_titles,
);

/// Records a decision of the province made before the service (award history) as the
/// admin: `grants` are (award type code, staff id) pairs for `year`. Returns its body.
pub async fn past_decision(
    app: &TestApp,
    w: &Work,
    number: &str,
    year: i32,
    occasion: &str,
    grants: &[(&str, &str)],
) -> Value {
    let mut decision = Decision::of(&w.province, number, year)
        .signer("Nguyễn Văn Đệ")
        .authority("Chủ tịch UBND tỉnh Nghệ An")
        .occasion(occasion);
    for (award_type, staff) in grants {
        decision = decision.grant_staff(award_type, staff);
    }
    decision.made(app, &w.admin).await.body
}

async fn nominations_go_up_the_hierarchy_to_the_granting_level(app: &TestApp) {
    let w = work(app).await;
    // A division proposes one of its staff for Lao động tiên tiến, granted by the office.
    let res = Nomination::of_staff("lao_dong_tien_tien", &w.staff_a[1])
        .send(app, &w.manager_a)
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let ldtt = res.id();
    assert_eq!(res.body["status"], "draft");
    assert_eq!(res.body["proposer_unit_id"], w.division_a);
    assert_eq!(res.body["granting_unit_id"], w.office);
    assert_eq!(res.body["nominee_name"], "Trần Thị Bình");
    assert_eq!(res.body["period_from"], "2025-01-01");

    // The division's head cannot approve at the office's level.
    let res = act(app, &w.manager_a, &ldtt, "submit", None).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body["current_unit_id"], w.office);
    act(app, &w.manager_a, &ldtt, "approve", None)
        .await
        .problem(403, "forbidden");
    // Returned with a reason, changed, resubmitted, approved into council review.
    act(app, &w.officer, &ldtt, "return", None)
        .await
        .invalid("reason");
    let res = act(
        app,
        &w.officer,
        &ldtt,
        "return",
        Some("Thiếu báo cáo thành tích."),
    )
    .await;
    assert_eq!(res.body["status"], "returned", "{}", res.body);
    let res = act(app, &w.manager_a, &ldtt, "submit", None).await;
    assert_eq!(res.body["status"], "submitted", "{}", res.body);
    let res = act(app, &w.officer, &ldtt, "approve", None).await;
    assert_eq!(res.body["status"], "council_review", "{}", res.body);
    let steps: Vec<&str> = res.body["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        ["create", "submit", "return", "submit", "approve"],
        "{}",
        res.body
    );
    assert_eq!(res.body["steps"][2]["reason"], "Thiếu báo cáo thành tích.");

    // A province title goes office → province.
    let res = Nomination::of_staff("chien_si_thi_dua_cap_tinh", &w.staff_a[1])
        .summary("Ba năm liền Chiến sĩ thi đua cơ sở.")
        .send(app, &w.manager_a)
        .await;
    assert_eq!(res.body["granting_unit_id"], w.province, "{}", res.body);
    let cstd = res.id();
    act(app, &w.manager_a, &cstd, "submit", None).await;
    let res = act(app, &w.officer, &cstd, "approve", None).await;
    assert_eq!(res.body["status"], "submitted", "{}", res.body);
    assert_eq!(res.body["current_unit_id"], w.province);
    // The office's officer does not act at the province.
    act(app, &w.officer, &cstd, "approve", None)
        .await
        .problem(403, "forbidden");
    let res = act(
        app,
        &w.admin,
        &cstd,
        "reject",
        Some("Chưa đủ ba năm liên tục."),
    )
    .await;
    assert_eq!(res.body["status"], "rejected", "{}", res.body);
    act(app, &w.admin, &cstd, "submit", None)
        .await
        .problem(409, "invalid_transition");

    // Bad input: a collective award for a person, a nominee outside the proposer,
    // an occasion the award is not given on.
    nominate(
        app,
        &w.officer,
        json!({"award_type": "tap_the_lao_dong_xuat_sac", "staff_id": w.staff_a[0], "year": 2025, "summary": "x"}),
    )
    .await
    .invalid("award_type");
    nominate(
        app,
        &w.officer,
        json!({"award_type": "lao_dong_tien_tien", "staff_id": w.staff_b[0], "proposer_unit_id": w.division_a,
               "year": 2025, "summary": "x"}),
    )
    .await
    .invalid("staff_id");
    nominate(
        app,
        &w.manager_a,
        json!({"award_type": "lao_dong_tien_tien", "staff_id": w.staff_b[0], "year": 2025, "summary": "x"}),
    )
    .await
    .invalid("staff_id");
    nominate(
        app,
        &w.officer,
        json!({"award_type": "lao_dong_tien_tien", "staff_id": w.staff_a[0], "year": 2025,
               "occasion": "ad_hoc", "summary": "x"}),
    )
    .await
    .invalid("occasion");
    nominate(
        app,
        &w.officer,
        json!({"award_type": "khong_co", "staff_id": w.staff_a[0], "year": 2025, "summary": "x"}),
    )
    .await
    .invalid("award_type");
    // Dates outside the years kept (PostgreSQL stores none before 4713 BC).
    nominate(
        app,
        &w.officer,
        json!({"award_type": "lao_dong_tien_tien", "staff_id": w.staff_a[0], "year": 2025,
               "period_from": "-10000-01-01", "summary": "x"}),
    )
    .await
    .invalid("period_from");
    let res = app
        .get("/api/v1/award-types/giay_khen?on=-10000-01-01")
        .token(&w.officer)
        .await;
    assert_eq!(res.status.as_u16(), 422, "{}", res.body);
    // A member sees their own nomination; not others'.
    let res = app
        .get(&format!("{NOMINATIONS}/{ldtt}"))
        .token(&w.member_a)
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    Nomination::of_unit("giay_khen", &w.division_b)
        .proposed_by(&w.office)
        .up_to_council(app, &w)
        .await;
}

async fn decisions_record_awards_with_cash_and_revocation_revokes_them(app: &TestApp) {
    let w = work(app).await;
    // Past awards are recorded by admins only: nothing of them was voted here.
    // Decisions of the office for 2024, signed on 20 January 2025.
    let office_decision = |number: &str| Decision::of(&w.office, number, 2024);
    office_decision("14/QĐ-VP")
        .grant_staff("huan_chuong_lao_dong_hang_nhat", &w.staff_a[0])
        .send(app, &w.officer)
        .await
        .problem(403, "forbidden");
    // 2024-07-01 onwards the base salary is 2 340 000 VND.
    let res = office_decision("15/QĐ-VP")
        .grant_staff("lao_dong_tien_tien", &w.staff_a[0])
        .grant_staff("chien_si_thi_dua_co_so", &w.staff_a[0])
        .grant_unit("giay_khen", &w.division_b)
        .made(app, &w.admin)
        .await;
    let decision = res.id();
    let cash: Vec<i64> = res.body["awards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["cash_amount"].as_i64().unwrap())
        .collect();
    let mut sorted = cash.clone();
    sorted.sort();
    // Rounded up to 10 000 VND: LĐTT 0.3 × 2 340 000 = 702 000 → 710 000; CSTĐCS 1.0 × =
    // 2 340 000; a collective Giấy khen is doubled: 0.6 × = 1 404 000 → 1 410 000.
    assert_eq!(sorted, [710_000, 1_410_000, 2_340_000], "{}", res.body);
    assert_eq!(res.body["period_from"], "2024-01-01");

    // A duplicate number, an award of the wrong kind, a nomination that did not pass.
    office_decision("15/QĐ-VP")
        .grant_staff("giay_khen", &w.staff_b[0])
        .send(app, &w.admin)
        .await
        .problem(409, "duplicate");
    office_decision("16/QĐ-VP")
        .grant_staff("tap_the_lao_dong_tien_tien", &w.staff_b[0])
        .send(app, &w.admin)
        .await
        .invalid("recipients[0].award_type");
    let draft = Nomination::of_staff("giay_khen", &w.staff_b[0])
        .year(2024)
        .summary("Hoàn thành xuất sắc.")
        .draft(app, &w.officer)
        .await;
    office_decision("17/QĐ-VP")
        .nominations(&[&draft])
        .send(app, &w.officer)
        .await
        .problem(409, "not_approved");
    // Nothing was written by the refusals.
    let res = app
        .get(&format!("{DECISIONS}?per_page=10"))
        .token(&w.officer)
        .await;
    assert_eq!(res.body["total"], 1, "{}", res.body);
    // A head of division does not issue decisions, even for their own division; the
    // office is not theirs to name.
    Decision::of(&w.division_a, "18/QĐ-VP", 2024)
        .grant_staff("giay_khen", &w.staff_a[0])
        .send(app, &w.manager_a)
        .await
        .problem(403, "forbidden");
    office_decision("18/QĐ-VP")
        .grant_staff("giay_khen", &w.staff_a[0])
        .send(app, &w.manager_a)
        .await
        .invalid("org_unit_id");

    // Awards are searched without diacritics, by person, type and year.
    let res = app
        .get("/api/v1/awards?q=nguyen%20van%20an&year=2024")
        .token(&w.officer)
        .await;
    assert_eq!(res.body["total"], 2, "{}", res.body);
    let res = app
        .get(&format!(
            "/api/v1/awards?award_type=giay_khen&org_unit_id={}",
            w.division_b
        ))
        .token(&w.officer)
        .await;
    assert_eq!(res.body["total"], 1, "{}", res.body);
    // The member sees their own awards only.
    let res = app.get("/api/v1/awards").token(&w.member_a).await;
    assert_eq!(res.body["total"], 2, "{}", res.body);

    // The export in the national database's shape, JSON and CSV.
    let res = app
        .get(&format!("/api/v1/staff/{}/awards", w.staff_a[0]))
        .token(&w.member_a)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let rows = res.body.as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert!(
        rows.iter()
            .any(|r| r["danh_hieu_hinh_thuc"] == "Chiến sĩ thi đua cơ sở"
                && r["hinh_thuc"] == "Danh hiệu thi đua"
                && r["so_quyet_dinh"] == "15/QĐ-VP"
                && r["ngay_quyet_dinh"] == "20/01/2025"
                && r["loai_khen_thuong"] == "Chính quyền")
    );
    let res = app
        .get(&format!("/api/v1/staff/{}/awards?format=csv", w.staff_a[0]))
        .token(&w.officer)
        .await;
    assert_eq!(res.header("content-type"), Some("text/csv; charset=utf-8"));
    let text = String::from_utf8(res.bytes.clone()).unwrap();
    assert!(text.starts_with("so_quyet_dinh,ngay_quyet_dinh,"), "{text}");
    assert_eq!(text.lines().count(), 3, "{text}");
    app.get(&format!("/api/v1/staff/{}/awards?format=xml", w.staff_a[0]))
        .token(&w.officer)
        .await
        .invalid("format");
    app.get(&format!("/api/v1/staff/{}/awards", w.staff_a[1]))
        .token(&w.member_a)
        .await
        .problem(404, "not_found");

    // Revocation revokes the awards (at the current version only); the export no longer
    // lists them.
    app.post(&format!("{DECISIONS}/{decision}/revoke"))
        .token(&w.officer)
        .if_match("\"v9\"")
        .json(json!({"reason": "Kê khai thành tích không trung thực."}))
        .await
        .problem(412, "version_mismatch");
    let res = revoke_decision(
        app,
        &w.officer,
        &decision,
        "Kê khai thành tích không trung thực.",
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body["status"], "revoked");
    assert!(
        res.body["awards"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["status"] == "revoked")
    );
    let res = app
        .get(&format!("/api/v1/staff/{}/awards", w.staff_a[0]))
        .token(&w.officer)
        .await;
    assert_eq!(res.body.as_array().unwrap().len(), 0);
    let res = app
        .get("/api/v1/awards?status=revoked")
        .token(&w.officer)
        .await;
    assert_eq!(res.body["total"], 3, "{}", res.body);
}

/// Submits nominations as one batch as `token`: all of them or, refused, none.
async fn submit_together(app: &TestApp, token: &str, ids: &[impl AsRef<str>]) -> Res {
    let ids: Vec<&str> = ids.iter().map(AsRef::as_ref).collect();
    app.post(&format!("{NOMINATIONS}/submit"))
        .token(token)
        .json(json!({ "ids": ids }))
        .await
}

/// The eligibility of a nomination, read by the admin.
async fn eligibility(app: &TestApp, w: &Work, id: &str) -> Value {
    let res = app
        .get(&format!("{NOMINATIONS}/{id}/eligibility"))
        .token(&w.admin)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    crate::openapi_contract::assert_documented("Eligibility", &res.body);
    res.body
}

/// Whether every check named `rule` passed (panics when there is none).
fn passed(e: &Value, rule: &str) -> bool {
    let checks: Vec<&Value> = e["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["rule"] == rule)
        .collect();
    assert!(!checks.is_empty(), "no {rule} check in {e}");
    checks.iter().all(|c| c["passed"] == true)
}

/// A draft nomination by the admin; returns its id.
async fn draft(app: &TestApp, w: &Work, nomination: Nomination) -> String {
    nomination
        .summary("Thành tích được tóm tắt trong báo cáo kèm theo.")
        .draft(app, &w.admin)
        .await
}

/// Records an initiative of `author`: a national scope is the admin's to record.
async fn initiative(app: &TestApp, w: &Work, author: &str, scope: &str, on: &str) {
    let token = if scope == "nation" {
        &w.admin
    } else {
        &w.officer
    };
    let res = app
        .post("/api/v1/initiatives")
        .token(token)
        .json(json!({"title": format!("Sáng kiến số hóa quy trình ({scope})"), "org_unit_id": w.office,
            "scope": scope, "recognised_by": "Hội đồng Sáng kiến", "document_number": format!("{on}/QĐ-HĐSK"),
            "recognised_on": on, "author_ids": [author]}))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
}

async fn the_catalogue_rule_sets_and_base_salaries_are_seeded_and_kept(app: &TestApp) {
    let w = work(app).await;
    let res = app.get("/api/v1/award-types").token(&w.member_a).await;
    let codes = res.column("code");
    assert_eq!(codes.len(), 14, "{}", res.body);
    assert_eq!(codes[0], "huan_chuong_lao_dong_hang_nhat");
    let names = res.column("name");
    for name in [
        "Lao động tiên tiến",
        "Chiến sĩ thi đua cơ sở",
        "Chiến sĩ thi đua cấp tỉnh",
        "Chiến sĩ thi đua toàn quốc",
        "Tập thể lao động tiên tiến",
        "Tập thể lao động xuất sắc",
        "Giấy khen",
        "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh",
        "Cờ thi đua của Ủy ban nhân dân tỉnh",
        "Bằng khen của Thủ tướng Chính phủ",
        "Cờ thi đua của Chính phủ",
        "Huân chương Lao động hạng Ba",
    ] {
        assert!(names.iter().any(|n| n == name), "{name}");
    }
    let res = app
        .get("/api/v1/award-types?q=co%20thi%20dua")
        .token(&w.member_a)
        .await;
    assert_eq!(
        res.column("code"),
        ["co_thi_dua_chinh_phu", "co_thi_dua_cap_tinh"]
    );
    // Rules as data, from the set in force on the day asked.
    let res = app
        .get("/api/v1/award-types/chien_si_thi_dua_toan_quoc?on=2026-06-01")
        .token(&w.member_a)
        .await;
    assert_eq!(res.body["cash_multiplier"], 4.5);
    assert_eq!(res.body["rules"]["rule_set_code"], "nd-152-2025");
    assert_eq!(res.body["rules"]["rules"]["vote_threshold_percent"], 90.0);
    assert_eq!(
        res.body["rules"]["rules"]["requires"][0]["consecutive_years"],
        2
    );
    let res = app
        .get("/api/v1/award-types/chien_si_thi_dua_toan_quoc?on=2025-06-30")
        .token(&w.member_a)
        .await;
    assert_eq!(res.body["rules"]["rule_set_code"], "nd-98-2023");
    let res = app
        .get("/api/v1/award-types/co_thi_dua_chinh_phu?on=2026-06-01")
        .token(&w.member_a)
        .await;
    assert_eq!(res.body["rules"]["rules"]["vote_threshold_percent"], 80.0);
    assert_eq!(res.body["rules"]["rules"]["quota"]["max_percent"], 20.0);
    // After NĐ 152/2025 lapses, no set is in force until one is added.
    let res = app
        .get("/api/v1/award-types/lao_dong_tien_tien?on=2027-03-01")
        .token(&w.member_a)
        .await;
    assert!(res.body.get("rules").is_none(), "{}", res.body);

    // A province's override: its officers write it (the office's officer cannot), the
    // national set is the admin's.
    let rules = json!({"chien_si_thi_dua_co_so": {"initiative_scope": "unit",
        "quota": {"max_percent": 40.0, "of_award_type": "lao_dong_tien_tien"}}});
    let set = |code: &str, unit: Option<&str>, rules: Value| {
        json!({"code": code, "name": "Quy định thi đua, khen thưởng tỉnh Nghệ An",
            "legal_source": "Quyết định số 25/2025/QĐ-UBND", "valid_from": "2025-01-01", "org_unit_id": unit, "rules": rules})
    };
    app.post("/api/v1/rule-sets")
        .token(&w.officer)
        .json(set("na-2025", Some(&w.province), rules.clone()))
        .await
        .invalid("org_unit_id");
    app.post("/api/v1/rule-sets")
        .token(&w.officer)
        .json(set("na-2025", None, rules.clone()))
        .await
        .problem(403, "forbidden");
    app.post("/api/v1/rule-sets")
        .token(&w.admin)
        .json(set("na-2025", Some(&w.province), json!({"khong_co": {}})))
        .await
        .invalid("rules.khong_co");
    app.post("/api/v1/rule-sets")
        .token(&w.admin)
        .json(set(
            "na-2025",
            Some(&w.province),
            json!({"lao_dong_tien_tien": {"vote_threshold_percent": 120.0}}),
        ))
        .await
        .invalid("rules.lao_dong_tien_tien");
    app.post("/api/v1/rule-sets")
        .token(&w.admin)
        .json(set(
            "na-2025",
            Some(&w.province),
            json!({"lao_dong_tien_tien": {"unknown_rule": 1}}),
        ))
        .await
        .problem(422, "validation");
    let res = app
        .post("/api/v1/rule-sets")
        .token(&w.admin)
        .json(set("na-2025", Some(&w.province), rules))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let id = res.id();
    let etag = res.etag();
    let res = app
        .get(&format!(
            "/api/v1/award-types/chien_si_thi_dua_co_so?on=2026-06-01&org_unit_id={}",
            w.division_a
        ))
        .token(&w.officer)
        .await;
    assert_eq!(
        res.body["rules"]["rule_set_code"], "na-2025",
        "{}",
        res.body
    );
    assert_eq!(res.body["rules"]["rules"]["quota"]["max_percent"], 40.0);
    // Award types the override does not name fall back to the national set.
    let res = app
        .get(&format!(
            "/api/v1/award-types/lao_dong_tien_tien?on=2026-06-01&org_unit_id={}",
            w.division_a
        ))
        .token(&w.officer)
        .await;
    assert_eq!(res.body["rules"]["rule_set_code"], "nd-152-2025");
    // Versioned changes.
    let res = app
        .patch(&format!("/api/v1/rule-sets/{id}"))
        .token(&w.admin)
        .if_match(&etag)
        .json(json!({"valid_to": "2025-12-31"}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body["version"], 2);
    app.patch(&format!("/api/v1/rule-sets/{id}"))
        .token(&w.admin)
        .if_match(&etag)
        .json(json!({"valid_to": "2026-12-31"}))
        .await
        .problem(412, "version_mismatch");
    app.patch(&format!("/api/v1/rule-sets/{id}"))
        .token(&w.admin)
        .if_match(&res.etag())
        .json(json!({"valid_to": "2024-12-31"}))
        .await
        .invalid("valid_to");
    let res = app
        .get(&format!(
            "/api/v1/award-types/chien_si_thi_dua_co_so?on=2026-06-01&org_unit_id={}",
            w.division_a
        ))
        .token(&w.officer)
        .await;
    assert_eq!(res.body["rules"]["rule_set_code"], "nd-152-2025");

    // Base salaries: seeded, and a new one from the day a decree applies it.
    let res = app.get("/api/v1/base-salaries").token(&w.member_a).await;
    assert_eq!(res.body["items"][0]["amount"], 2_340_000);
    // They set every province's cash: admins only (see `ownership`).
    for token in [&w.manager_a, &w.officer] {
        app.post("/api/v1/base-salaries")
            .token(token)
            .json(json!({"valid_from": "2026-07-01", "amount": 2_530_000, "legal_source": "Nghị định mới"}))
            .await
            .problem(403, "forbidden");
    }
    let res = app
        .post("/api/v1/base-salaries")
        .token(&w.admin)
        .json(json!({"valid_from": "2026-07-01", "amount": 2_530_000, "legal_source": "Nghị định mới"}))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    app.post("/api/v1/base-salaries")
        .token(&w.admin)
        .json(json!({"valid_from": "2026-07-01", "amount": 2_600_000, "legal_source": "Nghị định mới"}))
        .await
        .problem(409, "duplicate");
    app.post("/api/v1/base-salaries")
        .token(&w.admin)
        .json(json!({"valid_from": "2026-08-01", "amount": -5, "legal_source": "x"}))
        .await
        .invalid("amount");
}

async fn individual_titles_read_consecutive_years_initiatives_and_discipline(app: &TestApp) {
    let w = work(app).await;
    let (an, binh, cuong) = (&w.staff_a[0], &w.staff_a[1], &w.staff_a[2]);
    let (dung, duc) = (&w.staff_b[0], &w.staff_b[1]);
    for (n, year) in [("1/QĐ", 2022), ("2/QĐ", 2023), ("3/QĐ", 2024)] {
        past_decision(
            app,
            &w,
            n,
            year,
            "annual",
            &[("chien_si_thi_dua_co_so", binh)],
        )
        .await;
    }
    // Cường: 2022 and 2024, and a thematic award in 2023 that is no ground for merit.
    past_decision(
        app,
        &w,
        "4/QĐ",
        2022,
        "annual",
        &[("chien_si_thi_dua_co_so", cuong)],
    )
    .await;
    past_decision(
        app,
        &w,
        "5/QĐ",
        2023,
        "thematic",
        &[("chien_si_thi_dua_co_so", cuong)],
    )
    .await;
    past_decision(
        app,
        &w,
        "6/QĐ",
        2024,
        "annual",
        &[("chien_si_thi_dua_co_so", cuong)],
    )
    .await;
    initiative(app, &w, binh, "province", "2024-10-01").await;
    initiative(app, &w, cuong, "nation", "2024-10-01").await;

    // Three consecutive years and a provincial initiative: eligible, by the 2023 decree
    // for a 2024 period.
    let id = draft(
        app,
        &w,
        Nomination::of_staff("chien_si_thi_dua_cap_tinh", binh).year(2024),
    )
    .await;
    let e = eligibility(app, &w, &id).await;
    assert_eq!(e["eligible"], true, "{e}");
    assert_eq!(e["rule_set_code"], "nd-98-2023");
    assert!(passed(&e, "requires") && passed(&e, "initiative"));
    // The run broken by a thematic award fails; its initiative reaches further than needed.
    let id = draft(
        app,
        &w,
        Nomination::of_staff("chien_si_thi_dua_cap_tinh", cuong).year(2024),
    )
    .await;
    let e = eligibility(app, &w, &id).await;
    assert_eq!(e["eligible"], false, "{e}");
    assert!(!passed(&e, "requires") && passed(&e, "initiative"), "{e}");

    // An: three years, but only a unit-level initiative.
    for (n, year) in [("7/QĐ", 2023), ("8/QĐ", 2024), ("9/QĐ", 2025)] {
        past_decision(
            app,
            &w,
            n,
            year,
            "annual",
            &[("chien_si_thi_dua_co_so", an)],
        )
        .await;
    }
    initiative(app, &w, an, "unit", "2025-05-01").await;
    let id = draft(
        app,
        &w,
        Nomination::of_staff("chien_si_thi_dua_cap_tinh", an).year(2025),
    )
    .await;
    let e = eligibility(app, &w, &id).await;
    assert_eq!(e["rule_set_code"], "nd-152-2025");
    assert!(passed(&e, "requires") && !passed(&e, "initiative"), "{e}");
    // Chiến sĩ thi đua cơ sở needs a unit initiative: An has one, Đức none.
    let id = draft(
        app,
        &w,
        Nomination::of_staff("chien_si_thi_dua_co_so", an).year(2025),
    )
    .await;
    assert!(passed(&eligibility(app, &w, &id).await, "initiative"));
    let id = draft(
        app,
        &w,
        Nomination::of_staff("chien_si_thi_dua_co_so", duc).year(2025),
    )
    .await;
    assert!(!passed(&eligibility(app, &w, &id).await, "initiative"));

    // Chiến sĩ thi đua toàn quốc: two consecutive provincial titles and a national
    // initiative; decided by a ballot of 90 % of all members after 10 working days public.
    past_decision(
        app,
        &w,
        "10/QĐ",
        2024,
        "annual",
        &[("chien_si_thi_dua_cap_tinh", duc)],
    )
    .await;
    past_decision(
        app,
        &w,
        "11/QĐ",
        2025,
        "annual",
        &[("chien_si_thi_dua_cap_tinh", duc)],
    )
    .await;
    initiative(app, &w, duc, "nation", "2025-09-01").await;
    let id = draft(
        app,
        &w,
        Nomination::of_staff("chien_si_thi_dua_toan_quoc", duc).year(2025),
    )
    .await;
    let e = eligibility(app, &w, &id).await;
    assert_eq!(e["eligible"], true, "{e}");
    assert_eq!(e["ballot_required"], true);
    assert_eq!(e["vote_threshold_percent"], 90.0);
    assert_eq!(e["disclosure_working_days"], 10);
    let id = draft(
        app,
        &w,
        Nomination::of_staff("chien_si_thi_dua_toan_quoc", binh).year(2025),
    )
    .await;
    let e = eligibility(app, &w, &id).await;
    assert!(!passed(&e, "requires") && !passed(&e, "initiative"), "{e}");

    // Discipline: achievements count only from its end; none while it runs.
    Discipline::of(binh, "reprimand", "Vi phạm quy chế làm việc", "2025-03-01")
        .ends_on("2025-08-31")
        .recorded(app, &w.officer)
        .await;
    // A member may not record discipline, even their own; others' records are not seen.
    let reprimand = |staff: &str| Discipline::of(staff, "reprimand", "Đi muộn", "2025-03-01");
    reprimand(an)
        .send(app, &w.member_a)
        .await
        .problem(403, "forbidden");
    reprimand(binh)
        .send(app, &w.member_a)
        .await
        .invalid("staff_id");
    app.post("/api/v1/disciplines")
        .token(&w.officer)
        .json(json!({"staff_id": binh, "level": "reprimand", "reason": "x", "starts_on": "2025-03-01", "ends_on": "2025-01-01"}))
        .await
        .invalid("ends_on");
    let res = app.get("/api/v1/disciplines").token(&w.member_a).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = app
        .get(&format!("/api/v1/disciplines?staff_id={binh}"))
        .token(&w.manager_a)
        .await;
    assert_eq!(
        res.body["items"].as_array().unwrap().len(),
        1,
        "{}",
        res.body
    );
    let id = draft(
        app,
        &w,
        Nomination::of_staff("lao_dong_tien_tien", binh).year(2025),
    )
    .await;
    let e = eligibility(app, &w, &id).await;
    assert!(!passed(&e, "discipline"), "{e}");
    // Its earlier titles no longer count either: the run restarts after the discipline.
    let id = draft(
        app,
        &w,
        Nomination::of_staff("chien_si_thi_dua_cap_tinh", binh).year(2026),
    )
    .await;
    assert!(!passed(&eligibility(app, &w, &id).await, "requires"));
    Discipline::of(dung, "warning", "Vi phạm kỷ luật lao động", "2025-06-01")
        .recorded(app, &w.officer)
        .await;
    let id = draft(
        app,
        &w,
        Nomination::of_staff("lao_dong_tien_tien", dung).year(2025),
    )
    .await;
    let e = eligibility(app, &w, &id).await;
    assert!(!passed(&e, "discipline"), "{e}");
    assert!(e["checks"].to_string().contains("under discipline"), "{e}");
    // Ended on 30 June 2025: 2025 still does not count, 2026 does. Only those who keep
    // Dung's unit see or end it.
    let res = app
        .get(&format!("/api/v1/disciplines?staff_id={dung}"))
        .token(&w.officer)
        .await;
    let discipline = res.body["items"][0]["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/disciplines/{discipline}");
    let res = app.get(&path).token(&w.manager_a).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let res = app.get(&path).token(&w.officer).await;
    app.patch(&path)
        .token(&w.officer)
        .if_match(&res.etag())
        .json(json!({"ends_on": "2025-05-01"}))
        .await
        .invalid("ends_on");
    let res = app
        .patch(&path)
        .token(&w.officer)
        .if_match(&res.etag())
        .json(json!({"ends_on": "2025-06-30"}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body["version"], 2);
    assert!(!passed(&eligibility(app, &w, &id).await, "discipline"));
    let next = draft(
        app,
        &w,
        Nomination::of_staff("lao_dong_tien_tien", dung).year(2026),
    )
    .await;
    assert!(passed(&eligibility(app, &w, &next).await, "discipline"));
    // Lao động tiên tiến asks nothing else.
    let id = draft(
        app,
        &w,
        Nomination::of_staff("lao_dong_tien_tien", cuong).year(2025),
    )
    .await;
    assert_eq!(eligibility(app, &w, &id).await["eligible"], true);
    // Another unit's nomination is not visible.
    let res = app
        .get(&format!("{NOMINATIONS}/{id}/eligibility"))
        .token(&w.member_a)
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
}

async fn collective_titles_count_their_members(app: &TestApp) {
    let w = work(app).await;
    let (an, binh, cuong) = (&w.staff_a[0], &w.staff_a[1], &w.staff_a[2]);
    past_decision(
        app,
        &w,
        "1/QĐ",
        2025,
        "annual",
        &[("lao_dong_tien_tien", an), ("lao_dong_tien_tien", binh)],
    )
    .await;
    let unit = |t: &str| Nomination::of_unit(t, &w.division_a).proposed_by(&w.office);
    // Two of three members (66.7 %): enough for Tập thể lao động tiên tiến (50 %), not for
    // xuất sắc (70 % and a Chiến sĩ thi đua cơ sở).
    let tt = draft(app, &w, unit("tap_the_lao_dong_tien_tien")).await;
    let e = eligibility(app, &w, &tt).await;
    assert_eq!(e["eligible"], true, "{e}");
    let xs = draft(app, &w, unit("tap_the_lao_dong_xuat_sac")).await;
    let e = eligibility(app, &w, &xs).await;
    assert!(
        !passed(&e, "members_share") && !passed(&e, "members_count"),
        "{e}"
    );
    assert!(e["checks"].to_string().contains("2 of 3"), "{e}");
    past_decision(
        app,
        &w,
        "2/QĐ",
        2025,
        "annual",
        &[
            ("lao_dong_tien_tien", cuong),
            ("chien_si_thi_dua_co_so", an),
        ],
    )
    .await;
    let e = eligibility(app, &w, &xs).await;
    assert_eq!(e["eligible"], true, "{e}");
    // A member who leaves no longer counts, nor do their titles.
    staff_leaves(app, &w.admin, cuong).await;
    let e = eligibility(app, &w, &xs).await;
    assert!(passed(&e, "members_share"), "two of two: {e}");
    // Titles of another year do not count.
    let other = draft(app, &w, unit("tap_the_lao_dong_xuat_sac").year(2024)).await;
    assert!(!passed(
        &eligibility(app, &w, &other).await,
        "members_share"
    ));
}

async fn intervals_count_from_the_achievement_period_of_the_last_award(app: &TestApp) {
    let w = work(app).await;
    let dung = &w.staff_b[0];
    past_decision(
        app,
        &w,
        "1/QĐ",
        2020,
        "annual",
        &[("bang_khen_chu_tich_tinh", dung)],
    )
    .await;
    // Five years after the achievement period ended (2020): 2025 passes, 2024 does not.
    let ok = draft(
        app,
        &w,
        Nomination::of_staff("bang_khen_thu_tuong", dung).year(2025),
    )
    .await;
    assert!(passed(&eligibility(app, &w, &ok).await, "interval"));
    let early = draft(
        app,
        &w,
        Nomination::of_staff("bang_khen_thu_tuong", dung).year(2024),
    )
    .await;
    let e = eligibility(app, &w, &early).await;
    assert!(!passed(&e, "interval"), "{e}");
    // Before the Law of 2022 took effect no seeded rule set is in force: said, not guessed.
    let old = draft(
        app,
        &w,
        Nomination::of_staff("bang_khen_thu_tuong", dung).year(2023),
    )
    .await;
    let e = eligibility(app, &w, &old).await;
    assert!(!passed(&e, "rule_set"), "{e}");
    assert_eq!(e["rule_set_code"], Value::Null);
    // Without the earlier award at all.
    let none = draft(
        app,
        &w,
        Nomination::of_staff("huan_chuong_lao_dong_hang_ba", dung).year(2025),
    )
    .await;
    let e = eligibility(app, &w, &none).await;
    assert!(!passed(&e, "interval"), "{e}");
    assert!(
        e["checks"]
            .to_string()
            .contains("needs an earlier bang_khen_thu_tuong"),
        "{e}"
    );
    // A revoked award counts for nothing.
    let d = past_decision(
        app,
        &w,
        "2/QĐ",
        2019,
        "annual",
        &[("bang_khen_thu_tuong", dung)],
    )
    .await;
    assert!(passed(&eligibility(app, &w, &none).await, "interval"));
    revoke_decision(app, &w.admin, d["id"].as_str().unwrap(), "Thu hồi.").await;
    assert!(!passed(&eligibility(app, &w, &none).await, "interval"));
}

async fn quotas_are_checked_when_a_batch_is_submitted(app: &TestApp) {
    let w = work(app).await;
    let everyone: Vec<&str> = w
        .staff_a
        .iter()
        .chain(&w.staff_b)
        .map(String::as_str)
        .collect();
    let ldtt: Vec<(&str, &str)> = everyone
        .iter()
        .map(|s| ("lao_dong_tien_tien", *s))
        .collect();
    past_decision(app, &w, "1/QĐ", 2026, "annual", &ldtt).await;
    // The province allows Chiến sĩ thi đua cơ sở for 40 % of Lao động tiên tiến: 2 of 5.
    province_rules(
        app,
        &w,
        "na-2026",
        "2026-01-01",
        json!({"chien_si_thi_dua_co_so": {"initiative_scope": "unit",
            "quota": {"max_percent": 40.0, "of_award_type": "lao_dong_tien_tien"}}}),
    )
    .await;
    let mut ids = Vec::new();
    for s in &everyone[..3] {
        let id = Nomination::of_staff("chien_si_thi_dua_co_so", s)
            .proposed_by(&w.office)
            .year(2026)
            .summary("Hoàn thành xuất sắc nhiệm vụ, có sáng kiến.")
            .draft(app, &w.officer)
            .await;
        ids.push(id);
    }
    let res = submit_together(app, &w.officer, &ids).await;
    res.problem(409, "quota_exceeded");
    assert!(
        res.body["detail"].as_str().unwrap().contains("quota of 2"),
        "{}",
        res.body
    );
    // Nothing was submitted.
    let res = app
        .get(&format!("{NOMINATIONS}?status=draft"))
        .token(&w.officer)
        .await;
    assert_eq!(res.body["total"], 3, "{}", res.body);
    submit_together(app, &w.officer, &[&ids[0], &ids[0]])
        .await
        .invalid("ids[1]");
    submit_together(app, &w.manager_a, &[&ids[0]])
        .await
        .problem(403, "forbidden");
    let res = submit_together(app, &w.officer, &[&ids[0], &ids[1]]).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(
        res.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n["status"] == "submitted")
    );
    // The third, alone, still goes over.
    act(app, &w.officer, &ids[2], "submit", None)
        .await
        .problem(409, "quota_exceeded");
}

async fn dossiers_and_initiatives_are_kept_by_the_proposing_unit(app: &TestApp) {
    let w = work(app).await;
    let id = Nomination::of_staff("lao_dong_tien_tien", &w.staff_a[2])
        .summary("Hoàn thành tốt nhiệm vụ.")
        .draft(app, &w.manager_a)
        .await;
    let upload = |token: String, name: &'static str, content: &'static [u8]| {
        let id = id.clone();
        async move {
            let (ct, body) = multipart("file", name, "application/pdf", content);
            app.post(&format!("{NOMINATIONS}/{id}/files"))
                .token(&token)
                .raw(&ct, body)
                .await
        }
    };
    let res = upload(w.manager_a.clone(), "Báo cáo thành tích.pdf", PDF).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let file = res.body["files"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(res.body["files"][0]["content_type"], "application/pdf");
    // A text file named as a PDF, and a path for a name, are refused.
    upload(w.manager_a.clone(), "to-trinh.pdf", b"not a pdf at all")
        .await
        .problem(415, "unsupported_media_type");
    upload(w.manager_a.clone(), "../to-trinh.pdf", PDF)
        .await
        .invalid("file.filename");
    // A member reads nothing of it; the proposer downloads it with its name.
    let res = app
        .get(&format!("{NOMINATIONS}/{id}/files/{file}"))
        .token(&w.member_a)
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let res = app
        .get(&format!("{NOMINATIONS}/{id}/files/{file}"))
        .token(&w.officer)
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.bytes, PDF);
    assert!(
        res.header("content-disposition")
            .unwrap()
            .contains("B%C3%A1o")
    );
    // Once submitted, the dossier no longer changes, nor does the nomination.
    act(app, &w.manager_a, &id, "submit", None).await;
    upload(w.manager_a.clone(), "Biên bản.pdf", PDF)
        .await
        .problem(409, "not_editable");
    let res = app
        .get(&format!("{NOMINATIONS}/{id}"))
        .token(&w.manager_a)
        .await;
    app.patch(&format!("{NOMINATIONS}/{id}"))
        .token(&w.manager_a)
        .if_match(&res.etag())
        .json(json!({"summary": "Sửa lại."}))
        .await
        .problem(409, "not_editable");
    // Returned, it changes again.
    act(
        app,
        &w.officer,
        &id,
        "return",
        Some("Bổ sung biên bản bình xét."),
    )
    .await;
    let res = app
        .get(&format!("{NOMINATIONS}/{id}"))
        .token(&w.manager_a)
        .await;
    app.patch(&format!("{NOMINATIONS}/{id}"))
        .token(&w.manager_a)
        .if_match(&res.etag())
        .json(json!({"summary": "Hoàn thành tốt nhiệm vụ; đã bổ sung biên bản.", "period_to": "2024-12-31"}))
        .await
        .invalid("period_to");
    let res = app
        .patch(&format!("{NOMINATIONS}/{id}"))
        .token(&w.manager_a)
        .if_match(&res.etag())
        .json(json!({"summary": "Hoàn thành tốt nhiệm vụ; đã bổ sung biên bản."}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    // Lists filter by status and what waits at a level.
    let res = app
        .get(&format!("{NOMINATIONS}?status=returned&q=hoan%20thanh"))
        .token(&w.officer)
        .await;
    assert_eq!(res.body["total"], 1, "{}", res.body);

    // Initiatives: kept by the unit's officers and heads, authors from its subtree.
    let body = json!({"title": "Ứng dụng trợ lý ảo trong tổng hợp báo cáo", "org_unit_id": w.division_a,
        "scope": "unit", "recognised_by": "Hội đồng Sáng kiến Văn phòng", "document_number": "08/QĐ-HĐSK",
        "recognised_on": "2025-06-10", "author_ids": [w.staff_a[0], w.staff_a[1]]});
    app.post("/api/v1/initiatives")
        .token(&w.member_a)
        .json(body.clone())
        .await
        .problem(403, "forbidden");
    let mut outside = body.clone();
    outside["author_ids"] = json!([w.staff_b[0]]);
    app.post("/api/v1/initiatives")
        .token(&w.manager_a)
        .json(outside)
        .await
        .invalid("author_ids");
    // A head records their unit's own initiatives, not a province-wide or national scope.
    for scope in ["province", "nation"] {
        let mut wider = body.clone();
        wider["scope"] = json!(scope);
        app.post("/api/v1/initiatives")
            .token(&w.manager_a)
            .json(wider)
            .await
            .problem(403, "forbidden");
    }
    let res = app
        .post("/api/v1/initiatives")
        .token(&w.manager_a)
        .json(body)
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let initiative = res.id();
    app.patch(&format!("/api/v1/initiatives/{initiative}"))
        .token(&w.officer)
        .if_match(&res.etag())
        .json(json!({"scope": "nation"}))
        .await
        .problem(403, "forbidden");
    let res = app
        .patch(&format!("/api/v1/initiatives/{initiative}"))
        .token(&w.officer)
        .if_match(&res.etag())
        .json(json!({"scope": "province", "document_number": "31/QĐ-HĐSK"}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body["scope"], "province");
    let res = app
        .get(&format!(
            "/api/v1/initiatives?q=tro%20ly%20ao&author_id={}",
            w.staff_a[1]
        ))
        .token(&w.member_a)
        .await;
    assert_eq!(res.body["total"], 1, "{}", res.body);
    let (_, other) = another_department(app, &w).await;
    let res = app
        .get(&format!("/api/v1/initiatives/{initiative}"))
        .token(&other)
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let res = app.get(&format!("{NOMINATIONS}/{id}")).token(&other).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
}

async fn a_minimum_score_reads_the_plan_board(app: &TestApp) {
    let w = work(app).await;
    // The province asks 5 points on the plan for a Giấy khen (the seeds ask none).
    province_rules(
        app,
        &w,
        "na-diem",
        "2026-01-01",
        json!({"giay_khen": {"min_score": 5.0}}),
    )
    .await;
    Evidence::of_staff(&w.individual, &w.staff_a[0])
        .value(1)
        .approved(app, &w.manager_a, &w.officer)
        .await;
    let scored = |staff: &str, plan: Option<&str>| {
        Nomination::of_staff("giay_khen", staff)
            .year(2026)
            .plan(plan)
    };
    let id = draft(app, &w, scored(&w.staff_a[0], Some(&w.plan))).await;
    let e = eligibility(app, &w, &id).await;
    assert!(passed(&e, "min_score"), "{e}");
    assert_eq!(e["rule_set_code"], "na-diem");
    let id = draft(app, &w, scored(&w.staff_a[1], Some(&w.plan))).await;
    assert!(!passed(&eligibility(app, &w, &id).await, "min_score"));
    let id = draft(app, &w, scored(&w.staff_a[0], None)).await;
    let e = eligibility(app, &w, &id).await;
    assert!(
        !passed(&e, "min_score") && e["checks"].to_string().contains("names no plan"),
        "{e}"
    );
}

async fn the_seeded_quotas_hold_for_grassroots_and_state_titles(app: &TestApp) {
    let w = work(app).await;
    // Chiến sĩ thi đua cơ sở: at most 15 % of Lao động tiên tiến. Five holders allow none.
    let everyone: Vec<&str> = w
        .staff_a
        .iter()
        .chain(&w.staff_b)
        .map(String::as_str)
        .collect();
    let ldtt: Vec<(&str, &str)> = everyone
        .iter()
        .map(|s| ("lao_dong_tien_tien", *s))
        .collect();
    past_decision(app, &w, "1/QĐ", 2026, "annual", &ldtt).await;
    let id = Nomination::of_staff("chien_si_thi_dua_co_so", &w.staff_a[0])
        .proposed_by(&w.office)
        .year(2026)
        .summary("Hoàn thành xuất sắc nhiệm vụ, có sáng kiến.")
        .draft(app, &w.officer)
        .await;
    let res = act(app, &w.officer, &id, "submit", None).await;
    res.problem(409, "quota_exceeded");
    assert!(
        res.body["detail"].as_str().unwrap().contains("quota of 0"),
        "{}",
        res.body
    );

    // Cờ thi đua của Chính phủ: proposals at most 20 % of the units holding the
    // provincial flag. Five flags allow one.
    let mut units = vec![w.office.clone(), w.division_a.clone(), w.division_b.clone()];
    for (code, name) in [("NA-SNV", "Sở Nội vụ"), ("NA-STC", "Sở Tài chính")] {
        units.push(app.unit(&w.admin, code, name, Some(&w.province)).await);
    }
    let flags = units.iter().fold(
        Decision::of(&w.province, "2/QĐ-UBND", 2026)
            .signer("Nguyễn Văn Đệ")
            .authority("Chủ tịch UBND tỉnh Nghệ An"),
        |decision, unit| decision.grant_unit("co_thi_dua_cap_tinh", unit),
    );
    flags.made(app, &w.admin).await;
    let mut ids = Vec::new();
    for u in &units[3..] {
        let id = Nomination::of_unit("co_thi_dua_chinh_phu", u)
            .proposed_by(&w.province)
            .year(2026)
            .summary("Dẫn đầu khối thi đua các sở, ban, ngành năm 2026.")
            .draft(app, &w.admin)
            .await;
        ids.push(id);
    }
    let res = submit_together(app, &w.admin, &ids).await;
    res.problem(409, "quota_exceeded");
    assert!(
        res.body["detail"].as_str().unwrap().contains("quota of 1"),
        "{}",
        res.body
    );
    let res = submit_together(app, &w.admin, &[&ids[0]]).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);

    // Tập thể lao động tiên tiến needs at least half its members Lao động tiên tiến: a
    // unit where one of three holds it fails.
    Decision::of(&w.office, "3/QĐ", 2025)
        .signer("Nguyễn Văn Đệ")
        .authority("Chánh Văn phòng")
        .grant_staff("lao_dong_tien_tien", &w.staff_a[0])
        .made(app, &w.admin)
        .await;
    let id = draft(
        app,
        &w,
        Nomination::of_unit("tap_the_lao_dong_tien_tien", &w.division_a).proposed_by(&w.office),
    )
    .await;
    let e = eligibility(app, &w, &id).await;
    assert!(!passed(&e, "members_share"), "{e}");
    assert!(e["checks"].to_string().contains("1 of 3"), "{e}");
}

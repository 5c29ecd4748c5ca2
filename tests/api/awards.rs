//! Awards: the seeded catalogue, nominations up the hierarchy, eligibility on constructed
//! histories, quotas, decisions, awards and their export.

use actix_web::http::StatusCode;
use serde_json::{Value, json};

use crate::db_tests;
use crate::harness::{Res, TestApp};
use crate::work::{Work, work};

db_tests!(
    nominations_go_up_the_hierarchy_to_the_granting_level,
    decisions_record_awards_with_cash_and_revocation_revokes_them,
);

pub const NOMINATIONS: &str = "/api/v1/nominations";
pub const DECISIONS: &str = "/api/v1/award-decisions";

/// Records a decision made before the service (award history) as the admin: `grants` are
/// (award type code, staff id) pairs for `year`. Returns the decision's body.
pub async fn past_decision(
    app: &TestApp,
    w: &Work,
    number: &str,
    year: i32,
    occasion: &str,
    grants: &[(&str, &str)],
) -> Value {
    let recipients: Vec<Value> = grants
        .iter()
        .map(|(t, s)| json!({"award_type": t, "staff_id": s}))
        .collect();
    let res = app
        .post(DECISIONS)
        .token(&w.admin)
        .json(json!({"number": number, "decided_on": format!("{}-01-20", year + 1),
            "signer": "Nguyễn Văn Đệ", "authority": "Chủ tịch UBND tỉnh Nghệ An", "org_unit_id": w.province,
            "award_year": year, "occasion": occasion, "recipients": recipients}))
        .await;
    assert_eq!(
        res.status,
        StatusCode::CREATED,
        "decision {number}: {}",
        res.body
    );
    res.body
}

/// Creates a nomination as `token`.
pub async fn nominate(app: &TestApp, token: &str, body: Value) -> Res {
    app.post(NOMINATIONS).token(token).json(body).await
}

/// Applies `action` to a nomination as `token`, reading its ETag first.
pub async fn act(app: &TestApp, token: &str, id: &str, action: &str, reason: Option<&str>) -> Res {
    let etag = app
        .get(&format!("{NOMINATIONS}/{id}"))
        .token(token)
        .await
        .header("etag")
        .unwrap_or("\"v0\"")
        .to_string();
    app.post(&format!("{NOMINATIONS}/{id}/actions"))
        .token(token)
        .if_match(&etag)
        .json(json!({"action": action, "reason": reason}))
        .await
}

/// A nomination proposed by the office's officer, submitted and approved up to the council
/// of its granting level (the admin approves at the province). Returns its id.
pub async fn to_council(app: &TestApp, w: &Work, body: Value) -> String {
    let res = nominate(app, &w.officer, body).await;
    assert_eq!(res.status, StatusCode::CREATED, "nominate: {}", res.body);
    let id = res.id();
    let res = act(app, &w.officer, &id, "submit", None).await;
    assert_eq!(res.status, StatusCode::OK, "submit: {}", res.body);
    for _ in 0..4 {
        let current = res_status(app, &w.admin, &id).await;
        if current == "council_review" {
            return id;
        }
        let res = act(app, &w.admin, &id, "approve", None).await;
        assert_eq!(res.status, StatusCode::OK, "approve: {}", res.body);
    }
    panic!("nomination {id} did not reach the council");
}

async fn res_status(app: &TestApp, token: &str, id: &str) -> String {
    let res = app.get(&format!("{NOMINATIONS}/{id}")).token(token).await;
    res.body["status"].as_str().unwrap_or_default().to_string()
}

async fn nominations_go_up_the_hierarchy_to_the_granting_level(app: &TestApp) {
    let w = work(app).await;
    // A division proposes one of its staff for Lao động tiên tiến, granted by the office.
    let res = nominate(
        app,
        &w.manager_a,
        json!({"award_type": "lao_dong_tien_tien", "staff_id": w.staff_a[1], "year": 2025,
               "summary": "Hoàn thành tốt nhiệm vụ được giao năm 2025."}),
    )
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
    let res = nominate(
        app,
        &w.manager_a,
        json!({"award_type": "chien_si_thi_dua_cap_tinh", "staff_id": w.staff_a[1], "year": 2025,
               "summary": "Ba năm liền Chiến sĩ thi đua cơ sở."}),
    )
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
    // A member sees their own nomination; not others'.
    let res = app
        .get(&format!("{NOMINATIONS}/{ldtt}"))
        .token(&w.member_a)
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let _ = to_council(
        app,
        &w,
        json!({"award_type": "giay_khen", "org_unit_id": w.division_b, "proposer_unit_id": w.office,
               "year": 2025, "summary": "Tập thể hoàn thành xuất sắc nhiệm vụ."}),
    )
    .await;
}

async fn decisions_record_awards_with_cash_and_revocation_revokes_them(app: &TestApp) {
    let w = work(app).await;
    // 2024-07-01 onwards the base salary is 2 340 000 VND.
    let res = app
        .post(DECISIONS)
        .token(&w.officer)
        .json(
            json!({"number": "15/QĐ-VP", "decided_on": "2025-01-20", "signer": "Trần Văn Hùng",
            "authority": "Chánh Văn phòng UBND tỉnh", "org_unit_id": w.office, "award_year": 2024,
            "recipients": [
                {"award_type": "lao_dong_tien_tien", "staff_id": w.staff_a[0]},
                {"award_type": "chien_si_thi_dua_co_so", "staff_id": w.staff_a[0]},
                {"award_type": "giay_khen", "org_unit_id": w.division_b}
            ]}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
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
    let body = |number: &str, extra: Value| {
        let mut b = json!({"number": number, "decided_on": "2025-01-20", "signer": "Trần Văn Hùng",
            "authority": "Chánh Văn phòng UBND tỉnh", "org_unit_id": w.office, "award_year": 2024});
        for (k, v) in extra.as_object().unwrap() {
            b[k] = v.clone();
        }
        b
    };
    app.post(DECISIONS)
        .token(&w.officer)
        .json(body(
            "15/QĐ-VP",
            json!({"recipients": [{"award_type": "giay_khen", "staff_id": w.staff_b[0]}]}),
        ))
        .await
        .problem(409, "duplicate");
    app.post(DECISIONS)
        .token(&w.officer)
        .json(body("16/QĐ-VP", json!({"recipients": [{"award_type": "tap_the_lao_dong_tien_tien", "staff_id": w.staff_b[0]}]})))
        .await
        .invalid("recipients[0].award_type");
    let res = nominate(
        app,
        &w.officer,
        json!({"award_type": "giay_khen", "staff_id": w.staff_b[0], "year": 2024, "summary": "Hoàn thành xuất sắc."}),
    )
    .await;
    let draft = res.id();
    app.post(DECISIONS)
        .token(&w.officer)
        .json(body("17/QĐ-VP", json!({"nomination_ids": [draft]})))
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
    let mut own = body(
        "18/QĐ-VP",
        json!({"recipients": [{"award_type": "giay_khen", "staff_id": w.staff_a[0]}]}),
    );
    own["org_unit_id"] = json!(w.division_a);
    app.post(DECISIONS)
        .token(&w.manager_a)
        .json(own)
        .await
        .problem(403, "forbidden");
    app.post(DECISIONS)
        .token(&w.manager_a)
        .json(body(
            "18/QĐ-VP",
            json!({"recipients": [{"award_type": "giay_khen", "staff_id": w.staff_a[0]}]}),
        ))
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

    // Revocation revokes the awards; the export no longer lists them.
    let res = app
        .get(&format!("{DECISIONS}/{decision}"))
        .token(&w.officer)
        .await;
    let etag = res.etag();
    app.post(&format!("{DECISIONS}/{decision}/revoke"))
        .token(&w.officer)
        .if_match("\"v9\"")
        .json(json!({"reason": "Kê khai thành tích không trung thực."}))
        .await
        .problem(412, "version_mismatch");
    let res = app
        .post(&format!("{DECISIONS}/{decision}/revoke"))
        .token(&w.officer)
        .if_match(&etag)
        .json(json!({"reason": "Kê khai thành tích không trung thực."}))
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

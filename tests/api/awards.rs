//! Awards: the seeded catalogue, nominations up the hierarchy, eligibility on constructed
//! histories, quotas, decisions, awards and their export.

use actix_web::http::StatusCode;
use serde_json::{Value, json};

use crate::db_tests;
use crate::harness::{Res, TestApp};
use crate::work::{Work, work};

db_tests!(nominations_go_up_the_hierarchy_to_the_granting_level,);

pub const NOMINATIONS: &str = "/api/v1/nominations";

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

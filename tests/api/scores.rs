//! Scores, progress and staleness: the numbers of a small hand-computed example, and a
//! percentage of staff that moves as staff leave and join.

use actix_web::http::StatusCode;
use serde_json::{Value, json};

use crate::db_tests;
use crate::fixtures::{Evidence, Registration, staff_leaves};
use crate::harness::TestApp;
use crate::work::{Work, work};

db_tests!(
    scores_match_the_hand_computed_example,
    progress_and_stale_follow_the_evidence,
    scores_are_seen_only_within_scope,
);

/// The example, by hand:
/// - TT1 (percent of staff, 10 points): A has 2 of 3 staff trained → 66.67 % → 6.67;
///   B 1 of 2 → 50 % → 5.
/// - TT2 (count, target 4, 8 points): A 1 + 2 = 3 → 6; B 5 → capped at 8 (achieved).
/// - TT3 (score, target 8, 10 points): A 9 → 9 (achieved), self-assessed 9.5; B none.
/// - Totals: A 21.67 with 1 achieved; B 13 with 1 achieved.
async fn example(app: &TestApp) -> Work {
    let w = work(app).await;
    for s in [&w.staff_a[0], &w.staff_a[1]] {
        Evidence::of_staff(&w.individual, s)
            .value(1)
            .approved(app, &w.manager_a, &w.officer)
            .await;
    }
    Evidence::of_staff(&w.individual, &w.staff_b[0])
        .value(1)
        .approved(app, &w.officer, &w.admin)
        .await;
    for (value, day) in [(1, "2026-01-31"), (2, "2026-02-28")] {
        Evidence::of_unit(&w.count, &w.division_a)
            .value(value)
            .measured_on(day)
            .approved(app, &w.manager_a, &w.officer)
            .await;
    }
    Evidence::of_unit(&w.count, &w.division_b)
        .value(5)
        .measured_on(&recent_2026())
        .approved(app, &w.officer, &w.admin)
        .await;
    Evidence::of_unit(&w.score, &w.division_a)
        .value(9)
        .self_score(9.5)
        .approved(app, &w.manager_a, &w.officer)
        .await;
    // Evidence not yet approved counts for nothing but its status.
    Evidence::of_unit(&w.score, &w.division_b)
        .value(10)
        .recorded(app, &w.officer)
        .await;
    w
}

/// The latest day of 2026 that has come: evidence is never dated in the future.
fn recent_2026() -> String {
    let today = thidua::domain::today();
    let end = chrono::NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
    today.min(end).to_string()
}

fn row<'a>(board: &'a Value, unit: &str) -> &'a Value {
    board["items"]
        .as_array()
        .or(board["units"].as_array())
        .unwrap()
        .iter()
        .find(|r| r["org_unit_id"] == unit && r["staff_id"].is_null())
        .unwrap_or_else(|| panic!("no row for {unit} in {board}"))
}

fn cell<'a>(row: &'a Value, criterion: &str) -> &'a Value {
    row["cells"]
        .as_array()
        .unwrap()
        .iter()
        .chain(row["staff_progress"].as_array().unwrap())
        .find(|c| c["criterion_id"] == criterion)
        .unwrap_or_else(|| panic!("no cell for {criterion} in {row}"))
}

async fn scores_match_the_hand_computed_example(app: &TestApp) {
    let w = example(app).await;
    let scores = |query: &'static str| {
        let (plan, officer) = (w.plan.clone(), w.officer.clone());
        async move {
            let res = app
                .get(&format!("/api/v1/plans/{plan}/scores?year=2026{query}"))
                .token(&officer)
                .await;
            assert_eq!(res.status, StatusCode::OK, "{}", res.body);
            res.body
        }
    };
    let board = scores("").await;
    assert_eq!(board["total"], 2);
    let a = row(&board, &w.division_a);
    assert_eq!(cell(a, &w.computed)["value"], 66.67);
    assert_eq!(cell(a, &w.computed)["points"], 6.67);
    assert_eq!(cell(a, &w.computed)["achieved_staff"], 2);
    assert_eq!(cell(a, &w.computed)["headcount"], 3);
    assert_eq!(cell(a, &w.count)["value"], 3.0);
    assert_eq!(cell(a, &w.count)["points"], 6.0);
    assert_eq!(cell(a, &w.count)["status"], "in_progress");
    assert_eq!(cell(a, &w.score)["points"], 9.0);
    assert_eq!(cell(a, &w.score)["self_score"], 9.5);
    assert_eq!(cell(a, &w.score)["status"], "achieved");
    assert_eq!(a["total_points"], 21.67);
    assert_eq!(a["self_total"], 9.5);
    assert_eq!(a["achieved"], 1);
    let b = row(&board, &w.division_b);
    assert_eq!(cell(b, &w.computed)["value"], 50.0);
    assert_eq!(cell(b, &w.count)["points"], 8.0);
    assert_eq!(cell(b, &w.count)["status"], "achieved");
    assert_eq!(cell(b, &w.score)["value"], Value::Null);
    assert_eq!(cell(b, &w.score)["status"], "pending");
    assert_eq!(cell(b, &w.score)["evidence"]["draft"], 1);
    assert_eq!(b["total_points"], 13.0);
    // Individual criteria also show per unit as the share of staff who reached them.
    assert_eq!(cell(a, &w.individual)["value"], 66.67);
    assert_eq!(cell(a, &w.individual)["status"], "in_progress");

    // The staff member who leaves is no longer counted: A reaches 2 of 2.
    let res = staff_leaves(app, &w.admin, &w.staff_a[2]).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    // One who joins B counts at once: 1 of 3.
    app.staff(&w.admin, &w.division_b, "Vũ Thị Hoa").await;
    let board = scores("").await;
    let a = row(&board, &w.division_a);
    assert_eq!(cell(a, &w.computed)["value"], 100.0);
    assert_eq!(cell(a, &w.computed)["status"], "achieved");
    assert_eq!(a["total_points"], 25.0);
    assert_eq!(a["achieved"], 2);
    let b = row(&board, &w.division_b);
    assert_eq!(cell(b, &w.computed)["value"], 33.33);
    assert_eq!(cell(b, &w.computed)["headcount"], 3);
    assert_eq!(b["total_points"], 11.33);

    // Individual scores: the three trained staff, 5 points each.
    let people = scores("&subject=individual").await;
    assert_eq!(people["total"], 3);
    for p in people["items"].as_array().unwrap() {
        assert_eq!(p["total_points"], 5.0, "{p}");
    }
    // Paging over subjects, and a subtree filter.
    let page = scores("&per_page=1&page=2").await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert_eq!(page["total"], 2);
    let only_b = app
        .get(&format!(
            "/api/v1/plans/{}/scores?year=2026&org_unit_id={}",
            w.plan, w.division_b
        ))
        .token(&w.officer)
        .await;
    assert_eq!(only_b.body["total"], 1, "{}", only_b.body);

    // The year is required and bounded.
    app.get(&format!("/api/v1/plans/{}/scores", w.plan))
        .token(&w.officer)
        .await
        .invalid("year");
    app.get(&format!("/api/v1/plans/{}/scores?year=99999", w.plan))
        .token(&w.officer)
        .await
        .invalid("year");
}

async fn progress_and_stale_follow_the_evidence(app: &TestApp) {
    let w = example(app).await;
    let res = app
        .get(&format!("/api/v1/plans/{}/progress?year=2026", w.plan))
        .token(&w.officer)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let count = res.body["rollup"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["criterion_id"] == w.count.as_str())
        .unwrap()
        .clone();
    assert_eq!(count["units"], 2);
    assert_eq!(count["achieved"], 1);
    assert_eq!(count["in_progress"], 1);
    assert_eq!(count["mean_value"], 4.0);
    // A's monthly count was last dated in February: stale. B's is current.
    let a = row(&res.body, &w.division_a);
    assert_eq!(cell(a, &w.count)["staleness"], "stale");
    assert_eq!(cell(a, &w.count)["last_as_of"], "2026-02-28");
    let b = row(&res.body, &w.division_b);
    assert_eq!(cell(b, &w.count)["staleness"], Value::Null);

    let res = app
        .get(&format!("/api/v1/plans/{}/stale?year=2026", w.plan))
        .token(&w.officer)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let items = res.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{}", res.body);
    assert_eq!(items[0]["org_unit_id"], w.division_a.as_str());
    assert_eq!(items[0]["staleness"], "stale");
    assert_eq!(items[0]["frequency"], "monthly");

    // A registered unit without evidence is missing.
    let c = app
        .unit(&w.admin, "NA-VP-QT", "Phòng Quản trị", Some(&w.office))
        .await;
    Registration::of_unit(&w.plan, &c, &["tap_the_lao_dong_tien_tien"])
        .registered(app, &w.officer)
        .await;
    let res = app
        .get(&format!("/api/v1/plans/{}/stale?year=2026", w.plan))
        .token(&w.officer)
        .await;
    let missing: Vec<&Value> = res.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["org_unit_id"] == c.as_str())
        .collect();
    assert_eq!(missing.len(), 1, "{}", res.body);
    assert_eq!(missing[0]["staleness"], "missing");
    // Nothing is due in a year still to come.
    let res = app
        .get(&format!("/api/v1/plans/{}/stale?year=2030", w.plan))
        .token(&w.officer)
        .await;
    assert_eq!(res.body["items"], json!([]));

    // A unit's progress rolls its subtree up: the office holds all five staff.
    let res = app
        .get(&format!(
            "/api/v1/org-units/{}/progress?plan={}&year=2026",
            w.office, w.plan
        ))
        .token(&w.officer)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body["unit"]["org_unit_id"], w.office.as_str());
    assert_eq!(res.body["unit"]["headcount"], 5);
    assert_eq!(cell(&res.body["unit"], &w.computed)["value"], 60.0);
    assert_eq!(res.body["units"].as_array().unwrap().len(), 4);
    let res = app
        .get(&format!(
            "/api/v1/org-units/{}/progress?plan={}&year=2026",
            w.division_a, w.plan
        ))
        .token(&w.manager_a)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body["units"].as_array().unwrap().len(), 1);
    // The plan is required; a unit above the plan's issuer is not reached by it.
    app.get(&format!(
        "/api/v1/org-units/{}/progress?year=2026",
        w.office
    ))
    .token(&w.officer)
    .await
    .invalid("plan");
    app.get(&format!(
        "/api/v1/org-units/{}/progress?plan={}&year=2026",
        w.province, w.plan
    ))
    .token(&w.admin)
    .await
    .invalid("plan");

    // A unit's share of staff is dated by the latest report of any of them: an older
    // report of a third person leaves it where it was.
    let progress = || async {
        let res = app
            .get(&format!("/api/v1/plans/{}/progress?year=2026", w.plan))
            .token(&w.officer)
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        cell(row(&res.body, &w.division_a), &w.computed)["last_as_of"].clone()
    };
    let latest = progress().await;
    assert_ne!(latest, Value::Null);
    Evidence::of_staff(&w.individual, &w.staff_a[2])
        .value(0)
        .measured_on("2026-01-15")
        .approved(app, &w.manager_a, &w.officer)
        .await;
    assert_eq!(progress().await, latest);
}

async fn scores_are_seen_only_within_scope(app: &TestApp) {
    let w = example(app).await;
    // The head of division A sees only A.
    let res = app
        .get(&format!("/api/v1/plans/{}/scores?year=2026", w.plan))
        .token(&w.manager_a)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body["total"], 1);
    assert_eq!(res.body["items"][0]["org_unit_id"], w.division_a.as_str());
    // Asking for B's subtree is refused as if B did not exist.
    app.get(&format!(
        "/api/v1/plans/{}/scores?year=2026&org_unit_id={}",
        w.plan, w.division_b
    ))
    .token(&w.manager_a)
    .await
    .invalid("org_unit_id");
    // A member sees no unit, and only their own individual row.
    let res = app
        .get(&format!("/api/v1/plans/{}/scores?year=2026", w.plan))
        .token(&w.member_a)
        .await;
    assert_eq!(res.body["total"], 0);
    let res = app
        .get(&format!(
            "/api/v1/plans/{}/scores?year=2026&subject=individual",
            w.plan
        ))
        .token(&w.member_a)
        .await;
    assert_eq!(res.body["total"], 1);
    assert_eq!(res.body["items"][0]["staff_id"], w.staff_a[0].as_str());
    // Another province's officer does not see the plan at all.
    let other = app
        .unit(&w.admin, "HT-UBND", "Ủy ban nhân dân tỉnh Hà Tĩnh", None)
        .await;
    let outsider = app
        .user(&w.admin, "canbo.hatinh", &["officer"], Some(&other))
        .await;
    app.get(&format!("/api/v1/plans/{}/scores?year=2026", w.plan))
        .token(&outsider)
        .await
        .problem(404, "not_found");
    app.get(&format!("/api/v1/plans/{}/progress?year=2026", w.plan))
        .token(&outsider)
        .await
        .problem(404, "not_found");
}

//! Blocs (khối thi đua): kept by the officers of their owner, members strictly below it,
//! searchable without diacritics, and ranked by a hand-computed example under the tie rule.

use actix_web::http::StatusCode;
use serde_json::{Value, json};

use crate::db_tests;
use crate::fixtures::{Bloc, Evidence, Plan, Registration, another_department, move_to};
use crate::harness::{Res, TestApp};
use crate::work::{Work, work};

db_tests!(
    blocs_are_made_by_officers_of_the_owner_with_members_below_it,
    blocs_are_listed_searched_changed_and_archived,
    ranking_follows_points_then_achieved_criteria_then_name,
);

const BLOCS: &str = "/api/v1/blocs";

async fn create(app: &TestApp, token: &str, body: Value) -> Res {
    app.post(BLOCS).token(token).json(body).await
}

/// Two more divisions of the office: "Phòng Kế hoạch" and "Phòng Đào tạo" (Đ sorts after
/// D and before H in Vietnamese, though after every ASCII letter byte by byte).
async fn more_divisions(app: &TestApp, w: &Work) -> (String, String) {
    let plans = app
        .unit(&w.admin, "NA-VP-KH", "Phòng Kế hoạch", Some(&w.office))
        .await;
    let training = app
        .unit(&w.admin, "NA-VP-DT", "Phòng Đào tạo", Some(&w.office))
        .await;
    (plans, training)
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

async fn blocs_are_made_by_officers_of_the_owner_with_members_below_it(app: &TestApp) {
    let w = work(app).await;
    let (plans, training) = more_divisions(app, &w).await;

    let res = create(
        app,
        &w.officer,
        json!({"name": "  Khối tổng hợp  ", "description": "Các phòng tham mưu tổng hợp của Văn phòng",
               "owner_id": w.office,
               "member_ids": [w.division_a, w.division_b, plans, training]}),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert_eq!(res.etag(), "\"v1\"");
    assert_eq!(res.body["name"], "Khối tổng hợp");
    assert_eq!(
        res.body["description"],
        "Các phòng tham mưu tổng hợp của Văn phòng"
    );
    assert_eq!(res.body["owner_id"], w.office);
    assert_eq!(res.body["active"], true);
    assert_eq!(res.body["version"], 1);
    // Members in Vietnamese name order: Đào tạo, Hành chính – Tổ chức, Kế hoạch, Tổng hợp.
    assert_eq!(
        strings(&res.body["member_ids"]),
        [
            training.as_str(),
            w.division_b.as_str(),
            plans.as_str(),
            w.division_a.as_str()
        ]
    );
    let id = res.id();
    let res = app.get(&format!("{BLOCS}/{id}")).token(&w.officer).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.etag(), "\"v1\"");
    assert_eq!(
        strings(&res.body["member_ids"]),
        [
            training.as_str(),
            w.division_b.as_str(),
            plans.as_str(),
            w.division_a.as_str()
        ]
    );

    // A bloc without members yet is allowed.
    let res = create(
        app,
        &w.officer,
        json!({"name": "Cụm thi đua mới", "owner_id": w.office}),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert_eq!(res.body["member_ids"], json!([]));
    assert!(res.body["description"].is_null());

    // Members lie strictly below the owner: not the owner, not above it, not beside it.
    let (other, outsider) = another_department(app, &w).await;
    let bloc = |members: &[&str]| Bloc::of(&w.office, "Khối thử", members);
    let res = bloc(&[&w.division_a, &w.office])
        .send(app, &w.officer)
        .await;
    res.invalid("member_ids[1]");
    let res = bloc(&[&w.province]).send(app, &w.admin).await;
    res.invalid("member_ids[0]");
    let res = bloc(&[&w.division_a, &w.division_b, &other])
        .send(app, &w.admin)
        .await;
    res.invalid("member_ids[2]");
    bloc(&["019ab0a4-a000-7000-8000-00000000dead"])
        .send(app, &w.officer)
        .await
        .invalid("member_ids[0]");
    // Each once.
    bloc(&[&w.division_a, &w.division_b, &w.division_a])
        .send(app, &w.officer)
        .await
        .invalid("member_ids[2]");
    // A name is needed.
    create(
        app,
        &w.officer,
        json!({"name": "", "owner_id": w.office, "member_ids": [w.division_a]}),
    )
    .await
    .invalid("name");
    create(
        app,
        &w.officer,
        json!({"owner_id": w.office, "member_ids": [w.division_a]}),
    )
    .await
    .invalid("name");
    // An archived unit is no member.
    let res = app
        .get(&format!("/api/v1/org-units/{plans}"))
        .token(&w.admin)
        .await;
    let res = app
        .patch(&format!("/api/v1/org-units/{plans}"))
        .token(&w.admin)
        .if_match(&res.etag())
        .json(json!({"active": false}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "archive a unit: {}", res.body);
    bloc(&[&w.division_a, &plans])
        .send(app, &w.officer)
        .await
        .invalid("member_ids[1]");

    // A unit head keeps no bloc, even of their own division; the office is out of their sight.
    let own = Bloc::of(&w.division_a, "Khối của phòng", &[]);
    own.clone()
        .send(app, &w.manager_a)
        .await
        .problem(403, "forbidden");
    Bloc::of(&w.office, "Khối tổng hợp 2", &[&w.division_a])
        .send(app, &w.manager_a)
        .await
        .invalid("owner_id");
    own.send(app, &w.member_a).await.problem(403, "forbidden");
    // An officer elsewhere does not see the office.
    Bloc::of(&w.office, "Khối tổng hợp 3", &[&w.division_a])
        .send(app, &outsider)
        .await
        .invalid("owner_id");
    // An officer of the office may also make blocs of a division's units (none yet: empty).
    let res = create(
        app,
        &w.officer,
        json!({"name": "Cụm tổ công tác", "owner_id": w.division_a}),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);

    // Nothing refused was written.
    let res = app.get(BLOCS).token(&w.admin).await;
    assert_eq!(res.body["total"], 3, "{}", res.body);
}

async fn blocs_are_listed_searched_changed_and_archived(app: &TestApp) {
    let w = work(app).await;
    let (plans, _) = more_divisions(app, &w).await;
    let general = Bloc::of(&w.office, "Khối tổng hợp", &[&w.division_a, &w.division_b])
        .made(app, &w.officer)
        .await;
    let cluster = Bloc::of(
        &w.office,
        "Cụm thi đua các phòng chuyên môn",
        &[&w.division_b],
    )
    .made(app, &w.officer)
    .await;
    // A bloc owned by the province, seen by the admin.
    let province_bloc = Bloc::of(&w.province, "Khối các sở, ban, ngành", &[&w.office])
        .made(app, &w.admin)
        .await;

    let list = |token: &str, query: &str| {
        let token = token.to_string();
        let path = format!("{BLOCS}?{query}");
        async move { app.get(&path).token(&token).await }
    };

    // By Vietnamese name order; lists carry no members.
    let res = list(&w.officer, "").await;
    assert_eq!(
        res.ids(),
        [cluster.as_str(), province_bloc.as_str(), general.as_str()]
    );
    assert_eq!(res.body["total"], 3);
    assert_eq!(res.body["page"], 1);
    assert!(res.body["per_page"].as_i64().unwrap() > 0);
    assert!(
        res.items().iter().all(|b| b.get("member_ids").is_none()),
        "{}",
        res.body
    );

    // Searched without diacritics, case or extra spaces.
    assert_eq!(
        list(&w.officer, "q=khoi%20tong%20hop").await.ids(),
        [general.as_str()]
    );
    assert_eq!(
        list(&w.officer, "q=KH%E1%BB%90I%20%20T%E1%BB%94NG")
            .await
            .ids(),
        [general.as_str()]
    );
    assert_eq!(
        list(&w.officer, "q=chuyen%20mon").await.ids(),
        [cluster.as_str()]
    );
    // "đ" is searched as "d".
    assert_eq!(
        list(&w.officer, "q=cum%20thi%20dua").await.ids(),
        [cluster.as_str()]
    );
    assert_eq!(
        list(&w.officer, "q=khoi").await.ids(),
        [province_bloc.as_str(), general.as_str()]
    );
    assert_eq!(list(&w.officer, "q=100%25").await.items().len(), 0);
    // By member.
    assert_eq!(
        list(&w.officer, &format!("member_id={}", w.division_b))
            .await
            .ids(),
        [cluster.as_str(), general.as_str()]
    );
    assert_eq!(
        list(&w.officer, &format!("member_id={}", w.division_a))
            .await
            .ids(),
        [general.as_str()]
    );
    assert_eq!(
        list(&w.officer, &format!("member_id={plans}"))
            .await
            .items()
            .len(),
        0
    );
    list(&w.officer, "active=perhaps").await.invalid("active");

    // Blocs are read by those who see their owner's subtree or lie below it.
    let res = list(&w.manager_a, "").await;
    assert_eq!(
        res.ids(),
        [cluster.as_str(), province_bloc.as_str(), general.as_str()]
    );
    let res = app
        .get(&format!("{BLOCS}/{general}"))
        .token(&w.member_a)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(
        strings(&res.body["member_ids"]),
        [w.division_b.as_str(), w.division_a.as_str()]
    );
    let (_, outsider) = another_department(app, &w).await;
    assert_eq!(list(&outsider, "").await.ids(), [province_bloc.as_str()]);
    for id in [general.as_str(), cluster.as_str()] {
        app.get(&format!("{BLOCS}/{id}"))
            .token(&outsider)
            .await
            .problem(404, "not_found");
    }
    app.get(&format!("{BLOCS}/019ab0a4-e000-7000-8000-00000000dead"))
        .token(&w.admin)
        .await
        .problem(404, "not_found");

    // Changes need the version read.
    let path = format!("{BLOCS}/{general}");
    app.patch(&path)
        .token(&w.officer)
        .json(json!({"name": "Khối tổng hợp – hành chính"}))
        .await
        .problem(428, "if_match_required");
    app.patch(&path)
        .token(&w.officer)
        .if_match("\"v3\"")
        .json(json!({"name": "Khối tổng hợp – hành chính"}))
        .await
        .problem(412, "version_mismatch");
    // Only the officers of the owner change it; the outsider does not even see it.
    app.patch(&path)
        .token(&w.manager_a)
        .if_match("\"v1\"")
        .json(json!({"name": "Khối của tôi"}))
        .await
        .problem(403, "forbidden");
    app.patch(&path)
        .token(&outsider)
        .if_match("\"v1\"")
        .json(json!({"name": "Khối của tôi"}))
        .await
        .problem(404, "not_found");
    // Members stay below the owner.
    app.patch(&path)
        .token(&w.officer)
        .if_match("\"v1\"")
        .json(json!({"member_ids": [w.division_a, w.office]}))
        .await
        .invalid("member_ids[1]");
    app.patch(&path)
        .token(&w.officer)
        .if_match("\"v1\"")
        .json(json!({"name": "   "}))
        .await
        .invalid("name");

    // Name, description and members (replaced) change; the owner stays.
    let res = app
        .patch(&path)
        .token(&w.officer)
        .if_match("\"v1\"")
        .json(
            json!({"name": "Khối tham mưu tổng hợp", "description": "Theo Quyết định số 25/QĐ-VP",
                     "member_ids": [w.division_a, plans]}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.etag(), "\"v2\"");
    assert_eq!(res.body["name"], "Khối tham mưu tổng hợp");
    assert_eq!(res.body["description"], "Theo Quyết định số 25/QĐ-VP");
    assert_eq!(res.body["owner_id"], w.office);
    assert_eq!(
        strings(&res.body["member_ids"]),
        [plans.as_str(), w.division_a.as_str()]
    );
    assert_eq!(
        list(&w.officer, "q=tham%20muu").await.ids(),
        [general.as_str()]
    );
    assert_eq!(
        list(&w.officer, "q=khoi%20tong%20hop").await.items().len(),
        0
    );
    assert_eq!(
        list(&w.officer, &format!("member_id={}", w.division_b))
            .await
            .ids(),
        [cluster.as_str()]
    );
    // Fields not sent stay; a null description clears it.
    let res = app
        .patch(&path)
        .token(&w.officer)
        .if_match("\"v2\"")
        .json(json!({"description": null}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(res.body["description"].is_null());
    assert_eq!(res.body["name"], "Khối tham mưu tổng hợp");
    assert_eq!(
        strings(&res.body["member_ids"]),
        [plans.as_str(), w.division_a.as_str()]
    );

    // Archived, it leaves the active list and stays readable.
    let res = app
        .patch(&path)
        .token(&w.officer)
        .if_match("\"v3\"")
        .json(json!({"active": false}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body["active"], false);
    assert_eq!(res.etag(), "\"v4\"");
    assert_eq!(
        list(&w.officer, "active=true").await.ids(),
        [cluster.as_str(), province_bloc.as_str()]
    );
    assert_eq!(
        list(&w.officer, "active=false").await.ids(),
        [general.as_str()]
    );
    let res = app.get(&path).token(&w.officer).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.body["active"], false);
    // And comes back.
    let res = app
        .patch(&path)
        .token(&w.officer)
        .if_match("\"v4\"")
        .json(json!({"active": true}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body["active"], true);
    assert_eq!(res.etag(), "\"v5\"");

    // A member unit archived later does not lock the bloc: a change that leaves the members
    // alone goes through.
    let unit = app
        .get(&format!("/api/v1/org-units/{plans}"))
        .token(&w.admin)
        .await;
    let res = app
        .patch(&format!("/api/v1/org-units/{plans}"))
        .token(&w.admin)
        .if_match(&unit.etag())
        .json(json!({"active": false}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "archive a unit: {}", res.body);
    let res = app
        .patch(&path)
        .token(&w.officer)
        .if_match("\"v5\"")
        .json(json!({"name": "Khối tham mưu"}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "rename: {}", res.body);
    assert_eq!(res.body["name"], "Khối tham mưu");
}

/// One line of a ranking: (rank, unit id, total points, criteria achieved, registered).
type Line = (u64, String, f64, i64, bool);

async fn ranking(app: &TestApp, token: &str, bloc: &str, plan: &str) -> (Value, Vec<Line>) {
    let res = app
        .get(&format!("{BLOCS}/{bloc}/ranking?plan={plan}&year=2026"))
        .token(token)
        .await;
    assert_eq!(res.status, StatusCode::OK, "ranking: {}", res.body);
    let lines = res.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["rank"].as_u64().unwrap(),
                i["org_unit_id"].as_str().unwrap().to_string(),
                i["total_points"].as_f64().unwrap(),
                i["achieved"].as_i64().unwrap(),
                i["registered"].as_bool().unwrap(),
            )
        })
        .collect();
    (res.body, lines)
}

fn line(rank: u64, unit: &str, total: f64, achieved: i64, registered: bool) -> Line {
    (rank, unit.to_string(), total, achieved, registered)
}

/// The example, by hand (plan criteria: TT1 percent of staff trained, 10 points; TT2 count,
/// target 4, 8 points; TT3 score, target 8, 10 points):
///
/// 1. A (Phòng Tổng hợp): TT2 2 → 8 × 2/4 = 4, TT3 8 → 8 (achieved): 12, 1 achieved.
///    B (Phòng Hành chính – Tổ chức): TT2 4 → 8 (achieved), TT3 4 → 4: 12, 1 achieved.
///    K (Phòng Kế hoạch) and Đ (Phòng Đào tạo): nothing approved, 0.
///    ⇒ A and B share rank 1 (B listed first: H before T), Đ and K share rank 3 (Đ first).
/// 2. K: TT2 3 → 6, TT3 6 → 6: 12 with none achieved ⇒ rank 3 behind A and B; Đ rank 4.
///    Đ's submitted (not approved) evidence counts for nothing.
/// 3. A's new TT3 evidence (8, later) approved with a reviewer's score of 9.5: A 4 + 9.5 =
///    13.5 ⇒ A 1, B 2, K 3, Đ 4.
/// 4. One of B's two staff trained: TT1 50 % → 5; B 17 ⇒ B 1, A 2.
async fn ranking_follows_points_then_achieved_criteria_then_name(app: &TestApp) {
    let w = work(app).await;
    let (plans, training) = more_divisions(app, &w).await;
    let bloc = Bloc::of(
        &w.office,
        "Khối các phòng thuộc Văn phòng",
        &[&w.division_a, &w.division_b, &plans, &training],
    )
    .made(app, &w.officer)
    .await;
    // Division A registered for 2026; B registered, then withdrew.
    let withdrawn = Registration::of_unit(&w.plan, &w.division_b, &["tap_the_lao_dong_tien_tien"])
        .registered(app, &w.officer)
        .await;
    let res = app
        .patch(&format!("/api/v1/registrations/{withdrawn}"))
        .token(&w.officer)
        .if_match("\"v1\"")
        .json(json!({"status": "withdrawn"}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    Registration::of_unit(&w.plan, &w.division_a, &["tap_the_lao_dong_xuat_sac"])
        .registered(app, &w.manager_a)
        .await;
    // Registered for another year does not count for 2026.
    Registration::of_unit(&w.plan, &w.division_b, &["tap_the_lao_dong_tien_tien"])
        .year(2027)
        .registered(app, &w.officer)
        .await;

    // Before any evidence: all at 0, one rank, in Vietnamese name order.
    let (body, lines) = ranking(app, &w.officer, &bloc, &w.plan).await;
    assert_eq!(body["bloc_id"], bloc);
    assert_eq!(body["plan_id"], w.plan);
    assert_eq!(body["year"], 2026);
    assert!(
        body["tie_rule"].as_str().is_some_and(|t| !t.is_empty()),
        "{body}"
    );
    assert!(body["generated_at"].is_string(), "{body}");
    assert_eq!(
        lines,
        [
            line(1, &training, 0.0, 0, false),
            line(1, &w.division_b, 0.0, 0, false),
            line(1, &plans, 0.0, 0, false),
            line(1, &w.division_a, 0.0, 0, true),
        ]
    );
    let names: Vec<&str> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "Phòng Đào tạo",
            "Phòng Hành chính – Tổ chức",
            "Phòng Kế hoạch",
            "Phòng Tổng hợp"
        ]
    );

    // 1. A tie on points and on criteria achieved.
    let at = |criterion: &str, unit: &str, value: f64| {
        Evidence::of_unit(criterion, unit)
            .value(value)
            .measured_on("2026-06-30")
    };
    at(&w.count, &w.division_a, 2.0)
        .approved(app, &w.manager_a, &w.officer)
        .await;
    at(&w.score, &w.division_a, 8.0)
        .approved(app, &w.manager_a, &w.officer)
        .await;
    at(&w.count, &w.division_b, 4.0)
        .approved(app, &w.officer, &w.admin)
        .await;
    at(&w.score, &w.division_b, 4.0)
        .approved(app, &w.officer, &w.admin)
        .await;
    let (_, lines) = ranking(app, &w.officer, &bloc, &w.plan).await;
    assert_eq!(
        lines,
        [
            line(1, &w.division_b, 12.0, 1, false),
            line(1, &w.division_a, 12.0, 1, true),
            line(3, &training, 0.0, 0, false),
            line(3, &plans, 0.0, 0, false),
        ]
    );

    // 2. The same total with fewer criteria achieved ranks below; evidence awaiting review
    //    counts for nothing.
    at(&w.count, &plans, 3.0)
        .approved(app, &w.officer, &w.admin)
        .await;
    at(&w.score, &plans, 6.0)
        .approved(app, &w.officer, &w.admin)
        .await;
    at(&w.count, &training, 4.0)
        .submitted(app, &w.officer)
        .await;
    let (_, lines) = ranking(app, &w.officer, &bloc, &w.plan).await;
    assert_eq!(
        lines,
        [
            line(1, &w.division_b, 12.0, 1, false),
            line(1, &w.division_a, 12.0, 1, true),
            line(3, &plans, 12.0, 0, false),
            line(4, &training, 0.0, 0, false),
        ]
    );

    // 3. A reviewer's score replaces the computed points and breaks the tie.
    let scored = Evidence::of_unit(&w.score, &w.division_a)
        .value(8)
        .measured_on("2026-09-30")
        .submitted(app, &w.manager_a)
        .await;
    let res = move_to(
        app,
        &w.officer,
        &scored,
        json!({"status": "approved", "note": "Tham mưu kịp thời, chất lượng", "reviewed_score": 9.5}),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let (_, lines) = ranking(app, &w.officer, &bloc, &w.plan).await;
    assert_eq!(
        lines,
        [
            line(1, &w.division_a, 13.5, 1, true),
            line(2, &w.division_b, 12.0, 1, false),
            line(3, &plans, 12.0, 0, false),
            line(4, &training, 0.0, 0, false),
        ]
    );

    // 4. The share of trained staff earns points: one of B's two staff → 50 % → 5.
    Evidence::of_staff(&w.individual, &w.staff_b[0])
        .value(1)
        .measured_on("2026-06-30")
        .approved(app, &w.officer, &w.admin)
        .await;
    let (_, lines) = ranking(app, &w.officer, &bloc, &w.plan).await;
    assert_eq!(
        lines,
        [
            line(1, &w.division_b, 17.0, 1, false),
            line(2, &w.division_a, 13.5, 1, true),
            line(3, &plans, 12.0, 0, false),
            line(4, &training, 0.0, 0, false),
        ]
    );

    // Everyone who sees the bloc sees the same table, a unit head included.
    let (_, seen) = ranking(app, &w.manager_a, &bloc, &w.plan).await;
    assert_eq!(seen, lines);

    // Another year of the plan has nothing yet.
    let res = app
        .get(&format!("{BLOCS}/{bloc}/ranking?plan={}&year=2025", w.plan))
        .token(&w.officer)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let totals: Vec<f64> = res.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["total_points"].as_f64().unwrap())
        .collect();
    assert_eq!(totals, [0.0; 4]);

    // The plan and the year are required; a bloc or plan no one sees is not found.
    // A staff member's own account sees the bloc, not its units' figures.
    app.get(&format!("{BLOCS}/{bloc}/ranking?plan={}&year=2026", w.plan))
        .token(&w.member_a)
        .await
        .problem(403, "forbidden");
    app.get(&format!("{BLOCS}/{bloc}/ranking?year=2026"))
        .token(&w.officer)
        .await
        .invalid("plan");
    app.get(&format!("{BLOCS}/{bloc}/ranking?plan={}", w.plan))
        .token(&w.officer)
        .await
        .invalid("year");
    app.get(&format!("{BLOCS}/{bloc}/ranking"))
        .token(&w.officer)
        .await
        .problem(422, "validation");
    app.get(&format!(
        "{BLOCS}/{bloc}/ranking?plan={}&year=twenty",
        w.plan
    ))
    .token(&w.officer)
    .await
    .invalid("year");
    app.get(&format!(
        "{BLOCS}/{bloc}/ranking?plan=019ab0a4-b000-7000-8000-00000000dead&year=2026"
    ))
    .token(&w.officer)
    .await
    .invalid("plan");
    app.get(&format!(
        "{BLOCS}/019ab0a4-e000-7000-8000-00000000dead/ranking?plan={}&year=2026",
        w.plan
    ))
    .token(&w.officer)
    .await
    .problem(404, "not_found");
    let (_, outsider) = another_department(app, &w).await;
    app.get(&format!("{BLOCS}/{bloc}/ranking?plan={}&year=2026", w.plan))
        .token(&outsider)
        .await
        .problem(404, "not_found");

    // A plan with no collective criteria scores every member 0 (not -0) and ranks them
    // together.
    let empty_plan = Plan::of(&w.office)
        .title("Kế hoạch thi đua chuyên đề cải cách hành chính")
        .draft(app, &w.officer)
        .await;
    let res = app
        .get(&format!(
            "{BLOCS}/{bloc}/ranking?plan={empty_plan}&year=2026"
        ))
        .token(&w.officer)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    for item in res.body["items"].as_array().unwrap() {
        assert_eq!(item["rank"], 1, "{}", res.body);
        let total = item["total_points"].as_f64().unwrap();
        assert!(
            total == 0.0 && total.is_sign_positive(),
            "a total of nothing is 0: {}",
            res.body
        );
    }
}

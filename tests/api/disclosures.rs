//! The working-day calendar (seeded holidays, the calculator, holidays kept by officers) and
//! public disclosure (công khai): candidates published by the granting unit's officers,
//! read and commented without login while open, the feedback read by the officers only.

use actix_web::http::{Method, StatusCode};
use diesel::prelude::*;
use serde_json::{Value, json};
use thidua::db::schema::{audit_log, disclosures, rule_sets};

use crate::db_tests;
use crate::fixtures::{DISCLOSURES, Disclosure, NOMINATIONS, Nomination, act, another_department};
use crate::harness::{Res, TestApp};
use crate::work::{Work, work};

db_tests!(
    working_days_step_over_weekends_and_the_seeded_tet,
    national_holidays_are_kept_by_admins_and_removals_stay_removed,
    candidates_are_published_read_and_commented_without_login_while_open,
    only_nominations_waiting_for_the_units_council_are_published,
    the_rules_of_the_candidates_set_the_least_number_of_working_days,
);

const HOLIDAYS: &str = "/api/v1/holidays";
const PUBLIC: &str = "/api/v1/public/disclosures";

/// Runs `f` on a connection of the app's database.
async fn with_db<T: Send + 'static>(
    app: &TestApp,
    f: impl FnOnce(&mut thidua::db::PooledConn) -> T + Send + 'static,
) -> T {
    let pool = app.state.pool.clone();
    actix_web::web::block(move || f(&mut pool.get().unwrap()))
        .await
        .unwrap()
}

async fn calc(app: &TestApp, token: &str, query: &str) -> Res {
    app.get(&format!("/api/v1/calendar/working-days?{query}"))
        .token(token)
        .await
}

async fn due(app: &TestApp, token: &str, from: &str, days: u32) -> String {
    let res = calc(app, token, &format!("from={from}&days={days}")).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    res.body["due"].as_str().unwrap().to_string()
}

async fn count(app: &TestApp, token: &str, from: &str, to: &str) -> i64 {
    let res = calc(app, token, &format!("from={from}&to={to}")).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    res.body["working_days"].as_i64().unwrap()
}

async fn working_days_step_over_weekends_and_the_seeded_tet(app: &TestApp) {
    let w = work(app).await;
    // Any account computes; a period counts its first day when it is a working day.
    let res = calc(app, &w.member_a, "from=2026-03-02&days=10").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(
        res.body,
        json!({"from": "2026-03-02", "days": 10, "due": "2026-03-13"})
    );
    // Friday + 2 working days: Friday, then Monday after the weekend.
    assert_eq!(due(app, &w.member_a, "2026-03-06", 2).await, "2026-03-09");
    // From a Saturday, counting starts on Monday.
    assert_eq!(due(app, &w.member_a, "2026-03-07", 1).await, "2026-03-09");
    assert_eq!(due(app, &w.member_a, "2026-03-07", 0).await, "2026-03-07");
    // Tết Bính Ngọ (16–20 February 2026, with the weekends around it) is stepped over:
    // 12, 13, then 23, 24, 25 February.
    assert_eq!(due(app, &w.member_a, "2026-02-12", 5).await, "2026-02-25");
    // Tết Ất Tỵ 2025 (27–31 January): from Friday 24 January, the second working day is
    // Monday 3 February.
    assert_eq!(due(app, &w.member_a, "2025-01-24", 2).await, "2025-02-03");
    // Spans count the first day, not the last: February 2026 has 20 weekdays, 5 of Tết.
    assert_eq!(
        count(app, &w.member_a, "2026-02-01", "2026-03-01").await,
        15
    );
    assert_eq!(count(app, &w.member_a, "2026-03-06", "2026-03-09").await, 1);
    assert_eq!(count(app, &w.member_a, "2026-03-09", "2026-03-06").await, 0);

    // The seeded holidays of 2026, with their Vietnamese names.
    let res = app
        .get(&format!("{HOLIDAYS}?year=2026"))
        .token(&w.member_a)
        .await;
    let items = res.items();
    assert_eq!(res.body["total"], 11, "{}", res.body);
    let tet = items.iter().find(|h| h["day"] == "2026-02-17").unwrap();
    assert_eq!(tet["name"], "Tết Âm lịch (mùng 1 tháng Giêng năm Bính Ngọ)");
    assert_eq!(tet["weekend"], false);
    let gio_to = items.iter().find(|h| h["day"] == "2026-04-26").unwrap();
    assert_eq!(gio_to["name"], "Giỗ Tổ Hùng Vương (10 tháng 3 âm lịch)");
    assert_eq!(gio_to["weekend"], true);
    assert!(items.iter().any(|h| h["day"] == "2026-04-27"), "nghỉ bù");
    let res = app
        .get(&format!("{HOLIDAYS}?year=2025"))
        .token(&w.member_a)
        .await;
    assert!(
        res.items()
            .iter()
            .any(|h| h["day"] == "2025-04-07"
                && h["name"] == "Giỗ Tổ Hùng Vương (10 tháng 3 âm lịch)")
    );
    let res = app
        .get(&format!("{HOLIDAYS}?year=2026&per_page=2&page=2"))
        .token(&w.member_a)
        .await;
    assert_eq!(res.column("day"), ["2026-02-17", "2026-02-18"]);

    // Refusals name the parameter.
    calc(app, &w.member_a, "days=3").await.invalid("from");
    calc(app, &w.member_a, "from=2026-02-30&days=3")
        .await
        .invalid("from");
    calc(app, &w.member_a, "from=3026-01-01&days=3")
        .await
        .invalid("from");
    calc(app, &w.member_a, "from=2026-03-02&days=-1")
        .await
        .invalid("days");
    calc(app, &w.member_a, "from=2026-03-02&days=1001")
        .await
        .invalid("days");
    calc(app, &w.member_a, "from=2026-03-02&days=ten")
        .await
        .invalid("days");
    calc(app, &w.member_a, "from=2026-03-02")
        .await
        .invalid("days");
    calc(app, &w.member_a, "from=2026-03-02&days=3&to=2026-03-09")
        .await
        .invalid("to");
    calc(app, &w.member_a, "from=2026-03-02&to=02/03/2026")
        .await
        .invalid("to");
    app.get(&format!("{HOLIDAYS}?year=99999"))
        .token(&w.member_a)
        .await
        .invalid("year");
    // Both need an account.
    app.get("/api/v1/calendar/working-days?from=2026-03-02&days=1")
        .await
        .problem(401, "unauthorized");
    app.get(HOLIDAYS).await.problem(401, "unauthorized");
}

async fn national_holidays_are_kept_by_admins_and_removals_stay_removed(app: &TestApp) {
    let w = work(app).await;
    // Quốc khánh 2026: 2 September is a Wednesday; the day next to it is not seeded.
    assert_eq!(count(app, &w.officer, "2026-08-31", "2026-09-04").await, 3);
    let day = json!({"day": "2026-09-01", "name": "  Quốc khánh (ngày liền kề)  "});
    // The national calendar moves every province's deadlines: admins only (a unit keeps
    // its own days off, see `ownership`).
    for token in [&w.member_a, &w.manager_a, &w.officer] {
        app.post(HOLIDAYS)
            .token(token)
            .json(day.clone())
            .await
            .problem(403, "forbidden");
    }
    let res = app.post(HOLIDAYS).token(&w.admin).json(day.clone()).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert_eq!(res.body["day"], "2026-09-01");
    assert_eq!(res.body["name"], "Quốc khánh (ngày liền kề)");
    assert_eq!(res.body["weekend"], false);
    assert_eq!(res.body["org_unit_id"], serde_json::Value::Null);
    assert_eq!(count(app, &w.officer, "2026-08-31", "2026-09-04").await, 2);
    let fields = app
        .post(HOLIDAYS)
        .token(&w.admin)
        .json(day.clone())
        .await
        .problem(409, "duplicate");
    assert_eq!(fields, ["day"]);
    // Bad input names the field.
    app.post(HOLIDAYS)
        .token(&w.admin)
        .json(json!({"day": "2026-02-30", "name": "Ngày lạ"}))
        .await
        .invalid("day");
    app.post(HOLIDAYS)
        .token(&w.admin)
        .json(json!({"day": "1800-01-01", "name": "Ngày xưa"}))
        .await
        .invalid("day");
    app.post(HOLIDAYS)
        .token(&w.admin)
        .json(json!({"day": "2026-12-31", "name": "   "}))
        .await
        .invalid("name");
    app.post(HOLIDAYS)
        .token(&w.admin)
        .json(json!({"name": "Không có ngày"}))
        .await
        .invalid("day");

    // Removal: only admins; a seeded day removed stays removed on the next start.
    let remove = |token: &str, day: &str| {
        app.req(Method::DELETE, &format!("{HOLIDAYS}/{day}"))
            .token(token)
            .send()
    };
    for token in [&w.member_a, &w.officer] {
        remove(token, "2026-09-01").await.problem(403, "forbidden");
    }
    let res = remove(&w.admin, "2026-09-01").await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.body);
    remove(&w.admin, "2026-09-01")
        .await
        .problem(404, "not_found");
    remove(&w.admin, "1-9-2026").await.invalid("day");
    let res = remove(&w.admin, "2027-04-16").await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.body);
    assert_eq!(count(app, &w.officer, "2026-08-31", "2026-09-04").await, 3);
    let (audits, seeded_back) = with_db(app, |conn| {
        thidua::domain::calendar::seed(conn).unwrap();
        let audits: Vec<(String, String)> = audit_log::table
            .filter(audit_log::resource_type.eq("holiday"))
            .order(audit_log::id)
            .select((audit_log::action, audit_log::resource_id))
            .load(conn)
            .unwrap();
        let day = chrono::NaiveDate::from_ymd_opt(2027, 4, 16).unwrap();
        let back = thidua::domain::calendar::find(conn, day, None).unwrap();
        (audits, back.is_some())
    })
    .await;
    assert_eq!(
        audits,
        [
            ("created".to_string(), "2026-09-01".to_string()),
            ("archived".to_string(), "2026-09-01".to_string()),
            ("archived".to_string(), "2027-04-16".to_string()),
        ]
    );
    assert!(!seeded_back, "the seed brought back a removed holiday");
    let res = app
        .get(&format!("{HOLIDAYS}?year=2027"))
        .token(&w.officer)
        .await;
    assert!(!res.column("day").contains(&"2027-04-16".to_string()));
}

/// An officer of another department of the province, with a collective nomination of its
/// own waiting for its council. Returns (officer token, nomination id).
async fn outsider(app: &TestApp, w: &Work) -> (String, String) {
    let (unit, officer) = another_department(app, w).await;
    let id = Nomination::of_unit("giay_khen", &unit)
        .summary("Tập thể hoàn thành tốt nhiệm vụ năm 2025.")
        .draft(app, &officer)
        .await;
    for action in ["submit", "approve"] {
        let res = act(app, &officer, &id, action, None).await;
        assert_eq!(res.status, StatusCode::OK, "{action}: {}", res.body);
    }
    (officer, id)
}

async fn status_of(app: &TestApp, w: &Work, id: &str) -> Value {
    let res = app
        .get(&format!("{NOMINATIONS}/{id}"))
        .token(&w.admin)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    res.body
}

fn today() -> String {
    thidua::domain::today().to_string()
}

async fn candidates_are_published_read_and_commented_without_login_while_open(app: &TestApp) {
    let w = work(app).await;
    // Their summaries are the defaults, shown to the public below.
    let person = Nomination::of_staff("lao_dong_tien_tien", &w.staff_a[1])
        .up_to_council(app, &w)
        .await;
    let unit = Nomination::of_unit("giay_khen", &w.division_b)
        .proposed_by(&w.office)
        .up_to_council(app, &w)
        .await;
    let (stranger, _) = outsider(app, &w).await;

    let res = Disclosure::of(&w.office, &[&person, &unit])
        .title("  Công khai danh sách đề nghị khen thưởng năm 2025  ")
        .send(app, &w.officer)
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert_eq!(res.etag(), "\"v1\"");
    let id = res.id();
    let body = res.body;
    assert_eq!(
        body["title"],
        "Công khai danh sách đề nghị khen thưởng năm 2025"
    );
    assert_eq!(body["org_unit_id"], w.office);
    assert_eq!(body["starts_on"], today());
    // No rule of these awards asks a number: 10 working days, ending on the 10th.
    assert_eq!(body["working_days"], 10);
    assert_eq!(body["ends_on"], due(app, &w.officer, &today(), 10).await);
    assert_eq!(body["open"], true);
    let mut listed: Vec<String> = serde_json::from_value(body["nomination_ids"].clone()).unwrap();
    listed.sort();
    let mut expected = vec![person.clone(), unit.clone()];
    expected.sort();
    assert_eq!(listed, expected);
    // Each nomination moved to `disclosed` with a step of its own.
    for n in [&person, &unit] {
        let n = status_of(app, &w, n).await;
        assert_eq!(n["status"], "disclosed", "{n}");
        let steps = n["steps"].as_array().unwrap();
        assert_eq!(steps.last().unwrap()["action"], "disclosed", "{n}");
        assert_eq!(steps.last().unwrap()["unit_id"], w.office, "{n}");
    }
    let start = with_db(app, {
        let person = thidua::ids::NominationId::from(person.clone());
        move |conn| thidua::domain::disclosures::earliest_start(conn, &person).unwrap()
    })
    .await;
    assert_eq!(start.map(|d| d.to_string()), Some(today()));

    // Signed in: read by the units below and above; not by another department.
    let res = app
        .get(&format!("{DISCLOSURES}/{id}"))
        .token(&w.member_a)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.etag(), "\"v1\"");
    app.get(&format!("{DISCLOSURES}/{id}"))
        .token(&stranger)
        .await
        .problem(404, "not_found");
    let res = app
        .get(&format!("{DISCLOSURES}?org_unit_id={}&open=true", w.office))
        .token(&w.officer)
        .await;
    assert_eq!(res.ids(), [id.as_str()]);
    assert!(res.items()[0].get("nomination_ids").is_none());
    let res = app
        .get(&format!("{DISCLOSURES}?open=false"))
        .token(&w.officer)
        .await;
    assert!(res.ids().is_empty());
    let res = app.get(DISCLOSURES).token(&stranger).await;
    assert!(res.ids().is_empty());

    // Without login: the list and the candidates, nothing personal but names.
    let res = app.get(PUBLIC).await;
    assert_eq!(res.ids(), [id.as_str()]);
    assert_eq!(res.items()[0]["open"], true);
    assert_eq!(res.items()[0]["unit_name"], "Văn phòng UBND tỉnh");
    assert!(res.items()[0].get("candidates").is_none());
    let res = app.get(&format!("{PUBLIC}/{id}")).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let candidates = res.body["candidates"].as_array().unwrap().clone();
    // Giấy khen ranks above Lao động tiên tiến in the catalogue.
    assert_eq!(
        candidates,
        [
            json!({"nomination_id": unit, "nominee_name": "Phòng Hành chính – Tổ chức",
                   "unit_name": "Phòng Hành chính – Tổ chức", "award_type_name": "Giấy khen",
                   "year": 2025, "summary": "Tập thể hoàn thành xuất sắc nhiệm vụ năm 2025."}),
            json!({"nomination_id": person, "nominee_name": "Trần Thị Bình",
                   "unit_name": "Phòng Tổng hợp", "award_type_name": "Lao động tiên tiến",
                   "year": 2025, "summary": "Hoàn thành tốt nhiệm vụ được giao năm 2025."}),
        ]
    );
    let text = String::from_utf8(res.bytes.clone()).unwrap();
    for secret in [&w.staff_a[1], &w.division_a, &w.office] {
        assert!(!text.contains(secret.as_str()), "{secret} leaks: {text}");
    }
    let keys: Vec<&String> = res.body.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "candidates",
            "ends_on",
            "id",
            "open",
            "starts_on",
            "title",
            "unit_name",
            "working_days"
        ]
    );
    app.get(&format!("{PUBLIC}/019ab0a4-0000-7000-8000-000000000000"))
        .await
        .problem(404, "not_found");

    // Feedback without login, about a candidate or the whole list.
    let feedback = |body: Value| app.post(&format!("{PUBLIC}/{id}/feedback")).json(body);
    let res = feedback(
        json!({"nomination_id": person, "author_name": "Nguyễn Thị Hoa",
        "contact": "0912 345 678", "content": "Chị Bình luôn tận tình hướng dẫn người dân."}),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert_eq!(res.body["nomination_id"], person);
    assert_eq!(res.body["disclosure_id"], id);
    assert!(res.body.get("contact").is_none());
    let first = res.id();
    let res = feedback(json!({"content": "Đồng ý với danh sách."})).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    feedback(json!({"nomination_id": w.staff_a[1], "content": "Không phải ứng viên."}))
        .await
        .invalid("nomination_id");
    feedback(json!({"content": ""})).await.invalid("content");
    feedback(json!({"content": "x".repeat(4001)}))
        .await
        .invalid("content");
    feedback(json!({"author_name": "An"}))
        .await
        .invalid("content");
    feedback(json!({"content": "Ý kiến", "email": "a@example.vn"}))
        .await
        .invalid("email");
    app.post(&format!(
        "{PUBLIC}/019ab0a4-0000-7000-8000-000000000000/feedback"
    ))
    .json(json!({"content": "Ý kiến"}))
    .await
    .problem(404, "not_found");

    // The feedback is the unit's officers' to read: it holds contacts.
    let res = app
        .get(&format!("{DISCLOSURES}/{id}/feedback"))
        .token(&w.officer)
        .await;
    assert_eq!(res.body["total"], 2, "{}", res.body);
    let items = res.items();
    assert_eq!(items[0]["id"], first);
    assert_eq!(items[0]["contact"], "0912 345 678");
    assert_eq!(items[0]["author_name"], "Nguyễn Thị Hoa");
    assert_eq!(items[1]["nomination_id"], Value::Null);
    app.get(&format!("{DISCLOSURES}/{id}/feedback"))
        .token(&w.member_a)
        .await
        .problem(403, "forbidden");
    app.get(&format!("{DISCLOSURES}/{id}/feedback"))
        .token(&w.manager_a)
        .await
        .problem(403, "forbidden");
    app.get(&format!("{DISCLOSURES}/{id}/feedback"))
        .token(&stranger)
        .await
        .problem(404, "not_found");
    app.get(&format!("{DISCLOSURES}/{id}/feedback"))
        .await
        .problem(401, "unauthorized");

    // Once the period is over (moved back in time here), and before it starts, feedback is
    // refused.
    let shift = |from: &'static str, to: &'static str| {
        let id = id.clone();
        with_db(app, move |conn| {
            diesel::update(disclosures::table.find(id))
                .set((
                    disclosures::starts_on.eq(from.parse::<chrono::NaiveDate>().unwrap()),
                    disclosures::ends_on.eq(to.parse::<chrono::NaiveDate>().unwrap()),
                ))
                .execute(conn)
                .unwrap();
        })
    };
    shift("2026-03-02", "2026-03-13").await;
    feedback(json!({"content": "Gửi muộn."}))
        .await
        .problem(409, "disclosure_closed");
    let res = app.get(&format!("{PUBLIC}/{id}")).await;
    assert_eq!(res.body["open"], false);
    shift("2200-03-02", "2200-03-13").await;
    feedback(json!({"content": "Gửi sớm."}))
        .await
        .problem(409, "disclosure_closed");
    let res = app
        .get(&format!("{DISCLOSURES}/{id}/feedback"))
        .token(&w.officer)
        .await;
    assert_eq!(res.body["total"], 2, "{}", res.body);
}

async fn only_nominations_waiting_for_the_units_council_are_published(app: &TestApp) {
    let w = work(app).await;
    let waiting = Nomination::of_staff("lao_dong_tien_tien", &w.staff_a[0])
        .up_to_council(app, &w)
        .await;
    let draft = Nomination::of_staff("lao_dong_tien_tien", &w.staff_a[2])
        .draft(app, &w.officer)
        .await;
    // Granted by the province: not the office's to publish.
    let province_level = Nomination::of_staff("chien_si_thi_dua_cap_tinh", &w.staff_b[0])
        .summary("Ba năm liền Chiến sĩ thi đua cơ sở.")
        .up_to_council(app, &w)
        .await;
    let (stranger, theirs) = outsider(app, &w).await;

    let publish = |token: &String, ids: &[&str]| {
        let (disclosure, token) = (Disclosure::of(&w.office, ids), token.clone());
        async move { disclosure.send(app, &token).await }
    };
    // A draft, listed after a good one: 409 naming it, and nothing is published.
    let fields = publish(&w.officer, &[&waiting, &draft])
        .await
        .problem(409, "not_in_council_review");
    assert_eq!(fields, ["nomination_ids[1]"]);
    assert_eq!(
        status_of(app, &w, &waiting).await["status"],
        "council_review"
    );
    assert!(app.get(PUBLIC).await.ids().is_empty());
    // Another department's nomination is not seen; a province award is not the office's.
    publish(&w.officer, &[&theirs])
        .await
        .invalid("nomination_ids[0]");
    let res = publish(&w.officer, &[&province_level]).await;
    res.invalid("nomination_ids[0]");
    assert_eq!(res.body["errors"][0]["code"], "outside_unit");
    publish(&w.officer, &["019ab0a4-0000-7000-8000-000000000000"])
        .await
        .invalid("nomination_ids[0]");
    publish(&w.officer, &[&waiting, &waiting])
        .await
        .invalid("nomination_ids[1]");
    publish(&w.officer, &[]).await.invalid("nomination_ids");
    // Roles: a unit head does not publish; another department's officer does not see the unit.
    Disclosure::of(&w.division_a, &[&waiting])
        .send(app, &w.manager_a)
        .await
        .problem(403, "forbidden");
    publish(&stranger, &[&waiting]).await.invalid("org_unit_id");
    // Bad fields.
    let body = |extra: Value| {
        let mut b =
            json!({"title": "Công khai", "org_unit_id": w.office, "nomination_ids": [waiting]});
        b.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        b
    };
    for (extra, field) in [
        (json!({"working_days": 0}), "working_days"),
        (json!({"working_days": 1001}), "working_days"),
        (json!({"working_days": -3}), "working_days"),
        (json!({"starts_on": "2020-01-06"}), "starts_on"),
        (json!({"starts_on": "2026-02-30"}), "starts_on"),
        (json!({"title": " "}), "title"),
    ] {
        app.post(DISCLOSURES)
            .token(&w.officer)
            .json(body(extra))
            .await
            .invalid(field);
    }

    // Published once; a second time it is no longer waiting.
    let res = app
        .post(DISCLOSURES)
        .token(&w.officer)
        .json(body(json!({"starts_on": "2200-03-03", "working_days": 3})))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    // Monday 3 March 2200, 3 working days: to Wednesday.
    assert_eq!(res.body["ends_on"], "2200-03-05");
    assert_eq!(res.body["open"], false);
    publish(&w.officer, &[&waiting])
        .await
        .problem(409, "not_in_council_review");
    // Not yet open: not public yet, and feedback refused.
    let id = res.id();
    let res = app.get(PUBLIC).await;
    assert!(res.ids().is_empty(), "{}", res.body);
    let res = app.get(&format!("{PUBLIC}/{id}")).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    app.post(&format!("{PUBLIC}/{id}/feedback"))
        .json(json!({"content": "Sớm quá."}))
        .await
        .problem(409, "disclosure_closed");
}

async fn the_rules_of_the_candidates_set_the_least_number_of_working_days(app: &TestApp) {
    let w = work(app).await;
    // The office's own rules ask 15 working days of publication for Giấy khen.
    let office = w.office.clone();
    with_db(app, move |conn| {
        let at = chrono::Utc::now().naive_utc();
        diesel::insert_into(rule_sets::table)
            .values((
                rule_sets::id.eq(uuid::Uuid::now_v7().to_string()),
                rule_sets::code.eq("vp-2026"),
                rule_sets::name.eq("Quy chế thi đua, khen thưởng của Văn phòng"),
                rule_sets::legal_source.eq("Quyết định 15/QĐ-VP"),
                rule_sets::valid_from.eq(chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap()),
                rule_sets::valid_to.eq(None::<chrono::NaiveDate>),
                rule_sets::org_unit_id.eq(Some(office)),
                rule_sets::rules.eq(r#"{"giay_khen": {"disclosure_working_days": 15}}"#),
                rule_sets::version.eq(1_i64),
                rule_sets::created_at.eq(at),
                rule_sets::updated_at.eq(at),
            ))
            .execute(conn)
            .unwrap();
    })
    .await;
    let collective = Nomination::of_unit("giay_khen", &w.division_a)
        .proposed_by(&w.office)
        .up_to_council(app, &w)
        .await;
    let person = Nomination::of_staff("lao_dong_tien_tien", &w.staff_a[0])
        .up_to_council(app, &w)
        .await;
    let disclosure = Disclosure::of(&w.office, &[&person, &collective]).starts_on("2200-03-03");
    let res = disclosure
        .clone()
        .working_days(5)
        .send(app, &w.officer)
        .await;
    res.invalid("working_days");
    assert_eq!(res.body["errors"][0]["code"], "below_rule");
    let res = disclosure.send(app, &w.officer).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert_eq!(res.body["working_days"], 15);
    // Monday 3 March 2200 + 15 working days: three weeks to Friday 21 March.
    assert_eq!(res.body["ends_on"], "2200-03-21");
}

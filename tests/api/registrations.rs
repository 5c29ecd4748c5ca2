//! Registrations (đăng ký thi đua): titles that suit the subject, who registers whom, who
//! sees what, changes under If-Match, and the yearly deadline with its reopening.

use actix_web::http::StatusCode;
use serde_json::{Value, json};

use crate::db_tests;
use crate::fixtures::{Plan, REGISTRATIONS, Registration, another_department, register};
use crate::harness::{Res, TestApp};
use crate::work::{Work, work};

db_tests!(
    registering_checks_titles_subjects_years_and_plans,
    unit_heads_register_their_subtree_and_members_themselves,
    lists_and_reads_show_each_caller_only_what_they_may_see,
    changes_need_the_current_version_and_suitable_titles,
    deadlines_close_registration_and_officers_reopen_it,
);

/// A collective registration of `unit` for the work plan.
fn collective(w: &Work, year: i32, unit: &str, titles: &[&str]) -> Value {
    Registration::of_unit(&w.plan, unit, titles)
        .year(year)
        .body()
}

/// An individual registration of `staff` for the work plan.
fn individual(w: &Work, year: i32, staff: &str, titles: &[&str]) -> Value {
    Registration::of_staff(&w.plan, staff, titles)
        .year(year)
        .body()
}

/// Registers and answers the new registration's id, asserting 201.
async fn registered(app: &TestApp, token: &str, body: Value) -> String {
    let res = register(app, token, body).await;
    assert_eq!(res.status, StatusCode::CREATED, "register: {}", res.body);
    res.id()
}

/// The code of the error naming `field` in a problem document.
fn error_code(res: &Res, field: &str) -> String {
    res.body["errors"]
        .as_array()
        .and_then(|e| e.iter().find(|f| f["field"] == field))
        .and_then(|f| f["code"].as_str())
        .unwrap_or_else(|| panic!("no error for {field} in {}", res.body))
        .to_string()
}

async fn registering_checks_titles_subjects_years_and_plans(app: &TestApp) {
    let w = work(app).await;

    // The unit head registers the division, with a note.
    let mut body = collective(&w, 2026, &w.division_a, &["tap_the_lao_dong_xuat_sac"]);
    body["note"] = json!("Phấn đấu đạt Tập thể lao động xuất sắc năm 2026");
    let res = register(app, &w.manager_a, body).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert_eq!(res.etag(), "\"v1\"");
    assert_eq!(res.body["plan_id"], w.plan);
    assert_eq!(res.body["year"], 2026);
    assert_eq!(res.body["subject"], "collective");
    assert_eq!(res.body["org_unit_id"], w.division_a);
    assert!(res.body["staff_id"].is_null());
    assert_eq!(res.body["titles"], json!(["tap_the_lao_dong_xuat_sac"]));
    assert_eq!(
        res.body["note"],
        "Phấn đấu đạt Tập thể lao động xuất sắc năm 2026"
    );
    assert_eq!(res.body["status"], "active");
    assert_eq!(res.body["version"], 1);
    assert!(res.body["registered_by"].is_string(), "{}", res.body);
    let unit_registration = res.id();

    // A staff member of the division, by the head: the subject's unit is the person's.
    let res = register(
        app,
        &w.manager_a,
        individual(
            &w,
            2026,
            &w.staff_a[1],
            &["lao_dong_tien_tien", "chien_si_thi_dua_co_so"],
        ),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert_eq!(res.body["subject"], "individual");
    assert_eq!(res.body["staff_id"], w.staff_a[1]);
    assert_eq!(res.body["org_unit_id"], w.division_a);
    assert_eq!(
        res.body["titles"],
        json!(["lao_dong_tien_tien", "chien_si_thi_dua_co_so"])
    );

    // Read back as written.
    let res = app
        .get(&format!("{REGISTRATIONS}/{unit_registration}"))
        .token(&w.officer)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.etag(), "\"v1\"");
    assert_eq!(res.body["titles"], json!(["tap_the_lao_dong_xuat_sac"]));

    // Titles must suit the subject, each once, at least one.
    register(
        app,
        &w.officer,
        collective(
            &w,
            2026,
            &w.division_b,
            &["tap_the_lao_dong_tien_tien", "lao_dong_tien_tien"],
        ),
    )
    .await
    .invalid("titles[1]");
    register(
        app,
        &w.officer,
        individual(&w, 2026, &w.staff_b[0], &["co_thi_dua_cap_tinh"]),
    )
    .await
    .invalid("titles[0]");
    let res = register(
        app,
        &w.officer,
        individual(
            &w,
            2026,
            &w.staff_b[0],
            &[
                "lao_dong_tien_tien",
                "chien_si_thi_dua_co_so",
                "lao_dong_tien_tien",
            ],
        ),
    )
    .await;
    res.invalid("titles[2]");
    assert_eq!(error_code(&res, "titles[2]"), "duplicate");
    register(app, &w.officer, collective(&w, 2026, &w.division_b, &[]))
        .await
        .invalid("titles");
    register(
        app,
        &w.officer,
        collective(&w, 2026, &w.division_b, &["huan_chuong_lao_dong"]),
    )
    .await
    .invalid("titles[0]");

    // The subject's shape follows its kind.
    let mut body = collective(&w, 2026, &w.division_b, &["tap_the_lao_dong_tien_tien"]);
    body["staff_id"] = json!(w.staff_b[0]);
    register(app, &w.officer, body).await.invalid("org_unit_id");
    register(
        app,
        &w.officer,
        json!({"plan_id": w.plan, "year": 2026, "subject": "collective", "titles": ["tap_the_lao_dong_tien_tien"]}),
    )
    .await
    .invalid("org_unit_id");
    let mut body = individual(&w, 2026, &w.staff_b[0], &["lao_dong_tien_tien"]);
    body["org_unit_id"] = json!(w.division_b);
    register(app, &w.officer, body).await.invalid("staff_id");
    register(
        app,
        &w.officer,
        json!({"plan_id": w.plan, "year": 2026, "subject": "individual", "titles": ["lao_dong_tien_tien"]}),
    )
    .await
    .invalid("staff_id");

    // Once per subject, plan and year: the unit, and the person whoever registers them.
    let res = register(
        app,
        &w.officer,
        collective(&w, 2026, &w.division_a, &["tap_the_lao_dong_tien_tien"]),
    )
    .await;
    let fields = res.problem(409, "already_registered");
    assert_eq!(fields, ["org_unit_id"], "{}", res.body);
    let res = register(
        app,
        &w.officer,
        individual(&w, 2026, &w.staff_a[1], &["lao_dong_tien_tien"]),
    )
    .await;
    let fields = res.problem(409, "already_registered");
    assert_eq!(fields, ["staff_id"], "{}", res.body);
    // Another year is another registration.
    registered(
        app,
        &w.manager_a,
        collective(&w, 2027, &w.division_a, &["tap_the_lao_dong_tien_tien"]),
    )
    .await;

    // The year lies within the plan's phases (2025–2030).
    for year in [2024, 2031] {
        let res = register(
            app,
            &w.officer,
            collective(&w, year, &w.division_b, &["tap_the_lao_dong_tien_tien"]),
        )
        .await;
        res.invalid("year");
        assert_eq!(error_code(&res, "year"), "outside_plan");
    }

    // An unknown plan is named as such.
    let mut body = collective(&w, 2026, &w.division_b, &["tap_the_lao_dong_tien_tien"]);
    body["plan_id"] = json!("019ab0a4-b000-7000-8000-00000000dead");
    register(app, &w.officer, body).await.invalid("plan_id");

    // A plan still in draft takes no registration.
    let draft = Plan::of(&w.office)
        .title("Kế hoạch thi đua chuyên đề cải cách hành chính")
        .draft(app, &w.officer)
        .await;
    let mut body = collective(&w, 2026, &w.division_b, &["tap_the_lao_dong_tien_tien"]);
    body["plan_id"] = json!(draft);
    register(app, &w.officer, body)
        .await
        .problem(409, "plan_not_running");

    // The plan reaches the units below its issuer, not the province above it.
    let res = register(
        app,
        &w.admin,
        collective(&w, 2026, &w.province, &["co_thi_dua_chinh_phu"]),
    )
    .await;
    res.invalid("org_unit_id");
    assert_eq!(error_code(&res, "org_unit_id"), "outside_plan");

    // A person who left, or an archived unit, is registered no more.
    let person = app.staff(&w.admin, &w.division_b, "Võ Thị Hạnh").await;
    let res = app
        .post(&format!("/api/v1/staff/{person}/archive"))
        .token(&w.admin)
        .if_match("\"v1\"")
        .send()
        .await;
    assert_eq!(res.status, StatusCode::OK, "archive staff: {}", res.body);
    let res = register(
        app,
        &w.officer,
        individual(&w, 2026, &person, &["lao_dong_tien_tien"]),
    )
    .await;
    res.invalid("staff_id");
    assert_eq!(error_code(&res, "staff_id"), "archived");
    let team = app
        .unit(&w.admin, "NA-VP-TH-01", "Tổ Thư ký", Some(&w.division_a))
        .await;
    let res = app
        .patch(&format!("/api/v1/org-units/{team}"))
        .token(&w.admin)
        .if_match("\"v1\"")
        .json(json!({"active": false}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "archive unit: {}", res.body);
    let res = register(
        app,
        &w.manager_a,
        collective(&w, 2026, &team, &["tap_the_lao_dong_tien_tien"]),
    )
    .await;
    res.invalid("org_unit_id");
    assert_eq!(error_code(&res, "org_unit_id"), "archived");

    // Nothing refused was written.
    let res = app
        .get(&format!("{REGISTRATIONS}?plan_id={}", w.plan))
        .token(&w.admin)
        .await;
    assert_eq!(res.body["total"], 3, "{}", res.body);
}

async fn unit_heads_register_their_subtree_and_members_themselves(app: &TestApp) {
    let w = work(app).await;
    let unknown_unit = "019ab0a4-a000-7000-8000-00000000dead";
    let unknown_staff = "019ab0a4-a100-7000-8000-00000000dead";

    // The head of division A registers neither division B nor its staff: they are answered
    // as absent, exactly as ids that exist nowhere.
    let hidden = register(
        app,
        &w.manager_a,
        collective(&w, 2026, &w.division_b, &["tap_the_lao_dong_tien_tien"]),
    )
    .await;
    hidden.invalid("org_unit_id");
    let absent = register(
        app,
        &w.manager_a,
        collective(&w, 2026, unknown_unit, &["tap_the_lao_dong_tien_tien"]),
    )
    .await;
    absent.invalid("org_unit_id");
    assert_eq!(error_code(&hidden, "org_unit_id"), "not_found");
    assert_eq!(hidden.body, absent.body);

    let hidden = register(
        app,
        &w.manager_a,
        individual(&w, 2026, &w.staff_b[0], &["lao_dong_tien_tien"]),
    )
    .await;
    hidden.invalid("staff_id");
    let absent = register(
        app,
        &w.manager_a,
        individual(&w, 2026, unknown_staff, &["lao_dong_tien_tien"]),
    )
    .await;
    assert_eq!(error_code(&hidden, "staff_id"), "not_found");
    assert_eq!(hidden.body, absent.body);

    // Nor the office above the division.
    register(
        app,
        &w.manager_a,
        collective(&w, 2026, &w.office, &["tap_the_lao_dong_tien_tien"]),
    )
    .await
    .invalid("org_unit_id");

    // A member registers themself only; colleagues and the unit are out of their sight.
    let res = register(
        app,
        &w.member_a,
        individual(&w, 2026, &w.staff_a[1], &["lao_dong_tien_tien"]),
    )
    .await;
    res.invalid("staff_id");
    assert_eq!(error_code(&res, "staff_id"), "not_found");
    let res = register(
        app,
        &w.member_a,
        collective(&w, 2026, &w.division_a, &["tap_the_lao_dong_tien_tien"]),
    )
    .await;
    res.invalid("org_unit_id");
    assert_eq!(error_code(&res, "org_unit_id"), "not_found");
    let res = register(
        app,
        &w.member_a,
        individual(
            &w,
            2026,
            &w.staff_a[0],
            &["lao_dong_tien_tien", "chien_si_thi_dua_co_so"],
        ),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert_eq!(res.body["staff_id"], w.staff_a[0]);
    assert_eq!(res.body["org_unit_id"], w.division_a);

    // A council member sees the office's staff but registers nobody.
    let council = app
        .user(&w.admin, "hoidong.tdkt", &["council"], Some(&w.office))
        .await;
    register(
        app,
        &council,
        individual(&w, 2026, &w.staff_a[1], &["lao_dong_tien_tien"]),
    )
    .await
    .problem(403, "forbidden");
    register(
        app,
        &council,
        collective(&w, 2026, &w.division_b, &["tap_the_lao_dong_tien_tien"]),
    )
    .await
    .problem(403, "forbidden");

    // The head registers the division and its staff; the officer of the office the rest.
    registered(
        app,
        &w.manager_a,
        collective(&w, 2026, &w.division_a, &["tap_the_lao_dong_xuat_sac"]),
    )
    .await;
    registered(
        app,
        &w.manager_a,
        individual(&w, 2026, &w.staff_a[2], &["lao_dong_tien_tien"]),
    )
    .await;
    registered(
        app,
        &w.officer,
        collective(&w, 2026, &w.division_b, &["tap_the_lao_dong_tien_tien"]),
    )
    .await;
    registered(
        app,
        &w.officer,
        individual(&w, 2026, &w.staff_b[1], &["lao_dong_tien_tien"]),
    )
    .await;
    // The office itself, the plan's issuer, is registered by its officer.
    registered(
        app,
        &w.officer,
        collective(&w, 2026, &w.office, &["co_thi_dua_cap_tinh"]),
    )
    .await;

    // Unauthenticated: 401.
    app.post(REGISTRATIONS)
        .json(collective(
            &w,
            2026,
            &w.division_b,
            &["tap_the_lao_dong_tien_tien"],
        ))
        .await
        .problem(401, "unauthorized");
}

async fn lists_and_reads_show_each_caller_only_what_they_may_see(app: &TestApp) {
    let w = work(app).await;
    let a_unit = registered(
        app,
        &w.manager_a,
        collective(&w, 2026, &w.division_a, &["tap_the_lao_dong_xuat_sac"]),
    )
    .await;
    let a_self = registered(
        app,
        &w.member_a,
        individual(
            &w,
            2026,
            &w.staff_a[0],
            &["lao_dong_tien_tien", "chien_si_thi_dua_co_so"],
        ),
    )
    .await;
    let a_staff = registered(
        app,
        &w.manager_a,
        individual(&w, 2026, &w.staff_a[1], &["lao_dong_tien_tien"]),
    )
    .await;
    let b_unit = registered(
        app,
        &w.officer,
        collective(
            &w,
            2026,
            &w.division_b,
            &["tap_the_lao_dong_xuat_sac", "co_thi_dua_cap_tinh"],
        ),
    )
    .await;
    let b_staff = registered(
        app,
        &w.officer,
        individual(
            &w,
            2026,
            &w.staff_b[0],
            &["lao_dong_tien_tien", "chien_si_thi_dua_cap_tinh"],
        ),
    )
    .await;
    let a_2027 = registered(
        app,
        &w.manager_a,
        collective(&w, 2027, &w.division_a, &["tap_the_lao_dong_tien_tien"]),
    )
    .await;

    let list = |token: &str, query: &str| {
        let token = token.to_string();
        let path = format!("{REGISTRATIONS}?{query}");
        async move { app.get(&path).token(&token).await }
    };
    let sorted = |mut ids: Vec<String>| {
        ids.sort();
        ids
    };
    let set = |ids: &[&String]| sorted(ids.iter().map(|s| s.to_string()).collect());

    // The officer of the office sees all, newest first, in the list envelope.
    let res = list(&w.officer, "").await;
    assert_eq!(
        res.ids(),
        [
            a_2027.as_str(),
            b_staff.as_str(),
            b_unit.as_str(),
            a_staff.as_str(),
            a_self.as_str(),
            a_unit.as_str()
        ]
    );
    assert_eq!(res.body["total"], 6);
    assert_eq!(res.body["page"], 1);
    assert!(res.body["per_page"].as_i64().unwrap() > 0, "{}", res.body);
    let res = list(&w.officer, "per_page=2&page=2").await;
    assert_eq!(res.ids(), [b_unit.as_str(), a_staff.as_str()]);
    assert_eq!(res.body["total"], 6);

    // Filters.
    let res = list(&w.officer, &format!("plan_id={}", w.plan)).await;
    assert_eq!(res.body["total"], 6);
    let res = list(&w.officer, "plan_id=019ab0a4-b000-7000-8000-00000000dead").await;
    assert_eq!(res.items().len(), 0);
    assert_eq!(list(&w.officer, "year=2027").await.ids(), [a_2027.as_str()]);
    assert_eq!(
        sorted(list(&w.officer, "subject=individual").await.ids()),
        set(&[&a_self, &a_staff, &b_staff])
    );
    assert_eq!(
        sorted(list(&w.officer, "subject=collective&year=2026").await.ids()),
        set(&[&a_unit, &b_unit])
    );
    assert_eq!(
        sorted(list(&w.officer, "title=lao_dong_tien_tien").await.ids()),
        set(&[&a_self, &a_staff, &b_staff])
    );
    // A title matches whole: cờ thi đua cấp tỉnh is not chiến sĩ thi đua cấp tỉnh.
    assert_eq!(
        list(&w.officer, "title=co_thi_dua_cap_tinh").await.ids(),
        [b_unit.as_str()]
    );
    assert_eq!(
        list(&w.officer, "title=chien_si_thi_dua_cap_tinh")
            .await
            .ids(),
        [b_staff.as_str()]
    );
    assert_eq!(
        list(&w.officer, "title=chien_si_thi_dua_toan_quoc")
            .await
            .items()
            .len(),
        0
    );
    // A unit's filter takes its subtree and its staff.
    assert_eq!(
        sorted(
            list(&w.officer, &format!("org_unit_id={}", w.division_b))
                .await
                .ids()
        ),
        set(&[&b_unit, &b_staff])
    );
    assert_eq!(
        list(&w.officer, &format!("org_unit_id={}", w.office))
            .await
            .body["total"],
        6
    );
    assert_eq!(
        list(&w.officer, &format!("staff_id={}", w.staff_a[1]))
            .await
            .ids(),
        [a_staff.as_str()]
    );
    assert_eq!(list(&w.officer, "status=active").await.body["total"], 6);
    assert_eq!(list(&w.officer, "status=withdrawn").await.items().len(), 0);
    // Bad parameters are named.
    list(&w.officer, "year=12").await.invalid("year");
    list(&w.officer, "subject=department")
        .await
        .invalid("subject");
    list(&w.officer, "status=lost").await.invalid("status");
    list(&w.officer, "title=huan_chuong").await.invalid("title");

    // The head of division A sees the division and its staff, not division B.
    let res = list(&w.manager_a, "").await;
    assert_eq!(
        sorted(res.ids()),
        set(&[&a_unit, &a_self, &a_staff, &a_2027])
    );
    assert_eq!(res.body["total"], 4);
    assert_eq!(
        list(&w.manager_a, &format!("org_unit_id={}", w.division_b))
            .await
            .items()
            .len(),
        0
    );
    for id in [b_unit.as_str(), b_staff.as_str()] {
        app.get(&format!("{REGISTRATIONS}/{id}"))
            .token(&w.manager_a)
            .await
            .problem(404, "not_found");
    }
    let res = app
        .get(&format!("{REGISTRATIONS}/{a_staff}"))
        .token(&w.manager_a)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);

    // A member sees their own registration only.
    let res = list(&w.member_a, "").await;
    assert_eq!(res.ids(), [a_self.as_str()]);
    assert_eq!(res.body["total"], 1);
    assert_eq!(
        list(&w.member_a, "subject=collective").await.items().len(),
        0
    );
    let res = app
        .get(&format!("{REGISTRATIONS}/{a_self}"))
        .token(&w.member_a)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.etag(), "\"v1\"");
    for id in [
        a_unit.as_str(),
        a_staff.as_str(),
        b_unit.as_str(),
        b_staff.as_str(),
    ] {
        app.get(&format!("{REGISTRATIONS}/{id}"))
            .token(&w.member_a)
            .await
            .problem(404, "not_found");
    }

    // An officer of another department of the province sees none of the office's.
    let (_, outsider) = another_department(app, &w).await;
    assert_eq!(list(&outsider, "").await.items().len(), 0);
    app.get(&format!("{REGISTRATIONS}/{a_unit}"))
        .token(&outsider)
        .await
        .problem(404, "not_found");
    // The province's admin sees everything; an unknown id is 404 to all.
    assert_eq!(list(&w.admin, "").await.body["total"], 6);
    app.get(&format!(
        "{REGISTRATIONS}/019ab0a4-c000-7000-8000-00000000dead"
    ))
    .token(&w.admin)
    .await
    .problem(404, "not_found");

    // An unknown unit matches nothing: not everything, and no error on either database.
    let res = list(
        &w.officer,
        "org_unit_id=019ab0a4-a000-7000-8000-00000000dead",
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.items().len(), 0);
    assert_eq!(res.body["total"], 0);
}

async fn changes_need_the_current_version_and_suitable_titles(app: &TestApp) {
    let w = work(app).await;
    let id = registered(
        app,
        &w.manager_a,
        individual(&w, 2026, &w.staff_a[1], &["lao_dong_tien_tien"]),
    )
    .await;
    let path = format!("{REGISTRATIONS}/{id}");

    // Without If-Match: 428; with a stale one: 412; nothing changes.
    app.patch(&path)
        .token(&w.manager_a)
        .json(json!({"note": "Bổ sung"}))
        .await
        .problem(428, "if_match_required");
    app.patch(&path)
        .token(&w.manager_a)
        .if_match("\"v7\"")
        .json(json!({"note": "Bổ sung"}))
        .await
        .problem(412, "version_mismatch");
    let res = app.get(&path).token(&w.manager_a).await;
    assert_eq!(res.etag(), "\"v1\"");
    assert!(res.body["note"].is_null());

    // Titles are replaced, a note set.
    let res = app
        .patch(&path)
        .token(&w.manager_a)
        .if_match("\"v1\"")
        .json(json!({"titles": ["chien_si_thi_dua_co_so", "lao_dong_tien_tien"], "note": "Đăng ký bổ sung danh hiệu CSTĐ cơ sở"}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.etag(), "\"v2\"");
    assert_eq!(res.body["version"], 2);
    assert_eq!(
        res.body["titles"],
        json!(["chien_si_thi_dua_co_so", "lao_dong_tien_tien"])
    );
    assert_eq!(res.body["note"], "Đăng ký bổ sung danh hiệu CSTĐ cơ sở");
    // The old version no longer matches.
    app.patch(&path)
        .token(&w.manager_a)
        .if_match("\"v1\"")
        .json(json!({"note": null}))
        .await
        .problem(412, "version_mismatch");

    // Titles that do not suit the person, twice the same, or none: 422 and no change.
    app.patch(&path)
        .token(&w.manager_a)
        .if_match("\"v2\"")
        .json(json!({"titles": ["lao_dong_tien_tien", "tap_the_lao_dong_xuat_sac"]}))
        .await
        .invalid("titles[1]");
    app.patch(&path)
        .token(&w.manager_a)
        .if_match("\"v2\"")
        .json(json!({"titles": ["lao_dong_tien_tien", "lao_dong_tien_tien"]}))
        .await
        .invalid("titles[1]");
    app.patch(&path)
        .token(&w.manager_a)
        .if_match("\"v2\"")
        .json(json!({"titles": []}))
        .await
        .invalid("titles");
    app.patch(&path)
        .token(&w.manager_a)
        .if_match("\"v2\"")
        .json(json!({"titles": null}))
        .await
        .invalid("titles");
    app.patch(&path)
        .token(&w.manager_a)
        .if_match("\"v2\"")
        .json(json!({"status": "cancelled"}))
        .await
        .invalid("status");
    let res = app.get(&path).token(&w.manager_a).await;
    assert_eq!(res.etag(), "\"v2\"");

    // A note is cleared with null; other fields stay.
    let res = app
        .patch(&path)
        .token(&w.manager_a)
        .if_match("\"v2\"")
        .json(json!({"note": null}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(res.body["note"].is_null());
    assert_eq!(
        res.body["titles"],
        json!(["chien_si_thi_dua_co_so", "lao_dong_tien_tien"])
    );

    // Withdrawn, the pledge is not taken again by a new registration: it is renewed.
    let res = app
        .patch(&path)
        .token(&w.manager_a)
        .if_match(&res.etag())
        .json(json!({"status": "withdrawn"}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body["status"], "withdrawn");
    let withdrawn_etag = res.etag();
    let res = app
        .get(&format!("{REGISTRATIONS}?status=withdrawn"))
        .token(&w.officer)
        .await;
    assert_eq!(res.ids(), [id.as_str()]);
    let res = register(
        app,
        &w.manager_a,
        individual(&w, 2026, &w.staff_a[1], &["lao_dong_tien_tien"]),
    )
    .await;
    assert_eq!(res.problem(409, "already_registered"), ["staff_id"]);
    let res = app
        .patch(&path)
        .token(&w.manager_a)
        .if_match(&withdrawn_etag)
        .json(json!({"status": "active"}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body["status"], "active");
    assert_eq!(res.body["version"], 5);

    // Those who do not see it get 404; those who see but do not register for it, 403.
    app.patch(&path)
        .token(&w.member_a)
        .if_match(&res.etag())
        .json(json!({"note": "Của tôi?"}))
        .await
        .problem(404, "not_found");
    let council = app
        .user(&w.admin, "hoidong.tdkt", &["council"], Some(&w.office))
        .await;
    let seen = app.get(&path).token(&council).await;
    assert_eq!(seen.status, StatusCode::OK, "{}", seen.body);
    app.patch(&path)
        .token(&council)
        .if_match(&res.etag())
        .json(json!({"status": "withdrawn"}))
        .await
        .problem(403, "forbidden");

    // The member changes their own registration.
    let own = registered(
        app,
        &w.member_a,
        individual(&w, 2026, &w.staff_a[0], &["lao_dong_tien_tien"]),
    )
    .await;
    let res = app
        .patch(&format!("{REGISTRATIONS}/{own}"))
        .token(&w.member_a)
        .if_match("\"v1\"")
        .json(json!({"titles": ["lao_dong_tien_tien", "chien_si_thi_dua_co_so"]}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.etag(), "\"v2\"");
}

async fn deadlines_close_registration_and_officers_reopen_it(app: &TestApp) {
    let w = work(app).await;
    let deadline = |year: &str| format!("/api/v1/plans/{}/registration-deadlines/{year}", w.plan);
    let deadlines = format!("/api/v1/plans/{}/registration-deadlines", w.plan);

    // Registered before any deadline is set: no deadline, registration open.
    let early = registered(
        app,
        &w.manager_a,
        individual(&w, 2025, &w.staff_a[1], &["lao_dong_tien_tien"]),
    )
    .await;
    let res = app.get(&deadlines).token(&w.officer).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body, json!([]));

    // Only officers of the plan set deadlines.
    let res = app
        .req(actix_web::http::Method::PUT, &deadline("2025"))
        .token(&w.manager_a)
        .json(json!({"closes_on": "2025-03-31"}))
        .await;
    res.problem(403, "forbidden");
    let (_, outsider) = another_department(app, &w).await;
    app.req(actix_web::http::Method::PUT, &deadline("2025"))
        .token(&outsider)
        .json(json!({"closes_on": "2025-03-31"}))
        .await
        .problem(404, "not_found");
    app.get(&deadlines)
        .token(&outsider)
        .await
        .problem(404, "not_found");

    let put = |year: &str, body: Value, etag: Option<&str>| {
        let mut req = app
            .req(actix_web::http::Method::PUT, &deadline(year))
            .token(&w.officer);
        if let Some(e) = etag {
            req = req.if_match(e);
        }
        req.json(body)
    };

    // The closing day lies in its year; a reopening ends after it and says why.
    let res = put("2025", json!({"closes_on": "2026-03-31"}), None).await;
    res.invalid("closes_on");
    assert_eq!(error_code(&res, "closes_on"), "outside_year");
    put(
        "2025",
        json!({"closes_on": "2025-03-31", "reopened_until": "2025-03-31", "reopen_reason": "Gia hạn"}),
        None,
    )
    .await
    .invalid("reopened_until");
    put(
        "2025",
        json!({"closes_on": "2025-03-31", "reopened_until": "2025-02-01", "reopen_reason": "Gia hạn"}),
        None,
    )
    .await
    .invalid("reopened_until");
    put(
        "2025",
        json!({"closes_on": "2025-03-31", "reopened_until": "2025-04-15"}),
        None,
    )
    .await
    .invalid("reopen_reason");
    put(
        "2025",
        json!({"closes_on": "2025-03-31", "reopened_until": "2025-04-15", "reopen_reason": "  "}),
        None,
    )
    .await
    .invalid("reopen_reason");
    // The year is one of the plan's, and a year at all.
    put("2031", json!({"closes_on": "2031-03-31"}), None)
        .await
        .invalid("year");
    put("nam-2025", json!({"closes_on": "2025-03-31"}), None)
        .await
        .invalid("year");
    put("2025", json!({"closes_on": "31/03/2025"}), None)
        .await
        .invalid("closes_on");
    let res = app.get(&deadlines).token(&w.officer).await;
    assert_eq!(res.body, json!([]), "nothing refused was written");

    // 2025 closed on 31 March 2025; 2027 is still open.
    let res = put("2025", json!({"closes_on": "2025-03-31"}), None).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.etag(), "\"v1\"");
    assert_eq!(res.body["plan_id"], w.plan);
    assert_eq!(res.body["year"], 2025);
    assert_eq!(res.body["closes_on"], "2025-03-31");
    assert!(res.body["reopened_until"].is_null());
    assert_eq!(res.body["open"], false);
    let res = put("2027", json!({"closes_on": "2027-03-31"}), None).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body["open"], true);

    // Everyone who sees the plan reads the deadlines, by year.
    for token in [
        w.officer.as_str(),
        w.manager_a.as_str(),
        w.member_a.as_str(),
    ] {
        let res = app.get(&deadlines).token(token).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        let items = res.body.as_array().unwrap();
        let years: Vec<_> = items.iter().map(|d| d["year"].clone()).collect();
        assert_eq!(years, [json!(2025), json!(2027)]);
        assert_eq!(items[0]["open"], false);
        assert_eq!(items[0]["closes_on"], "2025-03-31");
        assert_eq!(items[1]["open"], true);
    }

    // After the deadline, nothing is registered or changed for 2025…
    register(
        app,
        &w.manager_a,
        collective(&w, 2025, &w.division_a, &["tap_the_lao_dong_tien_tien"]),
    )
    .await
    .problem(409, "registration_closed");
    register(
        app,
        &w.member_a,
        individual(&w, 2025, &w.staff_a[0], &["lao_dong_tien_tien"]),
    )
    .await
    .problem(409, "registration_closed");
    app.patch(&format!("{REGISTRATIONS}/{early}"))
        .token(&w.manager_a)
        .if_match("\"v1\"")
        .json(json!({"status": "withdrawn"}))
        .await
        .problem(409, "registration_closed");
    // …while 2026 (no deadline) and 2027 (open) take registrations.
    registered(
        app,
        &w.manager_a,
        collective(&w, 2026, &w.division_a, &["tap_the_lao_dong_tien_tien"]),
    )
    .await;
    let later = registered(
        app,
        &w.manager_a,
        collective(&w, 2027, &w.division_a, &["tap_the_lao_dong_xuat_sac"]),
    )
    .await;
    let res = app
        .patch(&format!("{REGISTRATIONS}/{later}"))
        .token(&w.manager_a)
        .if_match("\"v1\"")
        .json(json!({"titles": ["tap_the_lao_dong_xuat_sac", "co_thi_dua_cap_tinh"]}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);

    // Replacing a deadline needs the version read.
    let until = (thidua::domain::today() + chrono::Duration::days(30)).to_string();
    let reopen = json!({"closes_on": "2025-03-31", "reopened_until": until,
        "reopen_reason": "Công văn số 120/SNV-TĐKT gia hạn đăng ký thi đua"});
    put("2025", reopen.clone(), None)
        .await
        .problem(428, "if_match_required");
    put("2025", reopen.clone(), Some("\"v9\""))
        .await
        .problem(412, "version_mismatch");
    let res = app
        .req(actix_web::http::Method::PUT, &deadline("2025"))
        .token(&w.manager_a)
        .if_match("\"v1\"")
        .json(reopen.clone())
        .await;
    res.problem(403, "forbidden");

    // The officer reopens 2025 until a day to come: registration is open again.
    let res = put("2025", reopen.clone(), Some("\"v1\"")).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.etag(), "\"v2\"");
    assert_eq!(res.body["reopened_until"], until);
    assert_eq!(
        res.body["reopen_reason"],
        "Công văn số 120/SNV-TĐKT gia hạn đăng ký thi đua"
    );
    assert_eq!(res.body["open"], true);
    let res = app.get(&deadlines).token(&w.member_a).await;
    assert_eq!(res.body[0]["open"], true, "{}", res.body);
    assert_eq!(res.body[0]["version"], 2);

    let reopened = registered(
        app,
        &w.manager_a,
        collective(&w, 2025, &w.division_a, &["tap_the_lao_dong_tien_tien"]),
    )
    .await;
    let res = app
        .patch(&format!("{REGISTRATIONS}/{early}"))
        .token(&w.manager_a)
        .if_match("\"v1\"")
        .json(json!({"titles": ["lao_dong_tien_tien", "chien_si_thi_dua_co_so"]}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);

    // A reopening that has ended closes the year again.
    let res = put(
        "2025",
        json!({"closes_on": "2025-03-31", "reopened_until": "2025-04-15", "reopen_reason": "Gia hạn 15 ngày"}),
        Some("\"v2\""),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body["open"], false);
    app.patch(&format!("{REGISTRATIONS}/{reopened}"))
        .token(&w.manager_a)
        .if_match("\"v1\"")
        .json(json!({"note": "Muộn"}))
        .await
        .problem(409, "registration_closed");
    register(
        app,
        &w.officer,
        collective(&w, 2025, &w.division_b, &["tap_the_lao_dong_tien_tien"]),
    )
    .await
    .problem(409, "registration_closed");

    // The deadlines of a plan that does not exist: 404.
    app.get("/api/v1/plans/019ab0a4-b000-7000-8000-00000000dead/registration-deadlines")
        .token(&w.officer)
        .await
        .problem(404, "not_found");
}

//! The whole commendation cycle over HTTP: a nomination goes up, is published, voted by
//! the council, decided, and its award proves itself as a credential until revoked.

use actix_web::http::StatusCode;
use serde_json::json;

use crate::db_tests;
use crate::fixtures::{
    Council, Decision, Discipline, Disclosure, NOMINATIONS, Nomination, Session, act, attend,
    revoke_decision, sessions, step, vote,
};
use crate::harness::TestApp;
use crate::work::work;

db_tests!(
    a_nomination_goes_from_proposal_to_a_verifiable_award,
    the_highest_titles_are_public_ten_working_days_before_the_council_meets,
);

async fn a_nomination_goes_from_proposal_to_a_verifiable_award(app: &TestApp) {
    let w = work(app).await;
    let an = &w.staff_a[0];
    // The division proposes An (who has an account) for Lao động tiên tiến.
    let id = Nomination::of_staff("lao_dong_tien_tien", an)
        .year(2026)
        .summary("Hoàn thành tốt nhiệm vụ; sáng kiến số hóa hồ sơ một cửa.")
        .draft(app, &w.manager_a)
        .await;
    let res = act(app, &w.manager_a, &id, "submit", None).await;
    assert_eq!(res.body["status"], "submitted", "{}", res.body);
    let res = act(app, &w.officer, &id, "approve", None).await;
    assert_eq!(res.body["status"], "council_review", "{}", res.body);

    // Published for comment; anyone comments without logging in.
    let disclosure = Disclosure::of(&w.office, &[&id])
        .title("Công khai danh sách đề nghị Lao động tiên tiến năm 2026")
        .working_days(5)
        .published(app, &w.officer)
        .await;
    let res = app
        .post(&format!("/api/v1/public/disclosures/{disclosure}/feedback"))
        .json(json!({"nomination_id": id, "author_name": "Một công dân",
            "content": "Đề nghị làm rõ hiệu quả áp dụng của sáng kiến."}))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);

    // The office's council: three members, none of them the nominee.
    let mut council =
        Council::of(&w.office).name("Hội đồng Thi đua – Khen thưởng Văn phòng UBND tỉnh");
    let mut members = Vec::new();
    let mut tokens = Vec::new();
    let positions = ["Chủ tịch Hội đồng", "Phó Chủ tịch Hội đồng", "Ủy viên"];
    for (name, position) in ["hd.chutich", "hd.pho", "hd.uyvien"].iter().zip(positions) {
        let token = app
            .user(&w.admin, name, &["council"], Some(&w.office))
            .await;
        let member = app.user_id(&token).await;
        council = council.member(&member, position);
        members.push(member);
        tokens.push(token);
    }
    let council = council.formed(app, &w.officer).await;
    let today = thidua::domain::today().to_string();
    let session = Session::on(&today, &[&id])
        .title("Phiên họp xét khen thưởng năm 2026")
        .scheduled(app, &w.officer, &council)
        .await;
    // Put to the council, the nomination is the council's to decide.
    act(app, &w.officer, &id, "return", Some("Bổ sung hồ sơ."))
        .await
        .problem(409, "in_session");
    let res = attend(app, &w.officer, &council, &session, &members).await;
    assert!(res.status.is_success(), "{}", res.body);
    let res = step(app, &w.officer, &council, &session, "open").await;
    assert!(res.status.is_success(), "{}", res.body);
    for token in &tokens {
        let res = vote(app, token, &council, &session, &id, "agree").await;
        assert!(res.status.is_success(), "{}", res.body);
    }
    let res = step(app, &w.officer, &council, &session, "close").await;
    assert!(res.status.is_success(), "{}", res.body);
    let res = app
        .get(&format!("{NOMINATIONS}/{id}"))
        .token(&w.officer)
        .await;
    assert_eq!(res.body["status"], "approved", "{}", res.body);
    // The minutes tell the tally and the public's objection.
    let minutes = format!("{}/{session}/minutes", sessions(&council));
    let res = app.get(&minutes).token(&w.officer).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let text = res.body["text"].as_str().unwrap();
    assert!(text.contains("BIÊN BẢN"), "{text}");
    assert!(text.contains("Nguyễn Văn An"), "{text}");
    assert!(
        text.contains("Đề nghị làm rõ hiệu quả áp dụng của sáng kiến."),
        "{text}"
    );

    // No award while a discipline runs: disciplined from today for ten days, An is
    // refused today and granted once it has ended.
    let ten_days_on = (thidua::domain::today() + chrono::Duration::days(10)).to_string();
    Discipline::of(an, "reprimand", "Đi muộn nhiều lần", &today)
        .ends_on(&ten_days_on)
        .recorded(app, &w.officer)
        .await;
    let decide = |number: &str, day: &str| {
        Decision::of(&w.office, number, 2026)
            .decided_on(day)
            .nominations(&[&id])
    };
    decide("120/QĐ-VP", &today)
        .send(app, &w.officer)
        .await
        .problem(409, "under_discipline");
    let later = (thidua::domain::today() + chrono::Duration::days(11)).to_string();
    // The decision grants it, with the cash of the base salary in force.
    let res = decide("120/QĐ-VP", &later).made(app, &w.officer).await;
    let decision = res.id();
    let award = res.body["awards"][0]["id"].as_str().unwrap().to_string();
    // 0.3 × 2 340 000 = 702 000, rounded up to 710 000.
    assert_eq!(res.body["awards"][0]["cash_amount"], 710_000);
    assert_eq!(res.body["awards"][0]["nomination_id"], id.as_str());
    // Decided once only.
    decide("121/QĐ-VP", &today)
        .send(app, &w.officer)
        .await
        .problem(409, "not_approved");
    // The whole way is kept.
    let res = app
        .get(&format!("{NOMINATIONS}/{id}"))
        .token(&w.member_a)
        .await;
    assert_eq!(res.body["status"], "decided");
    let steps: Vec<&str> = res.body["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        [
            "draft",
            "submitted",
            "council_review",
            "disclosed",
            "approved",
            "decided"
        ],
        "{}",
        res.body
    );

    // The holder fetches the credential; anyone verifies it without logging in.
    let res = app
        .get(&format!("/api/v1/awards/{award}/credential"))
        .token(&w.member_a)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let credential = res.body.clone();
    let res = app
        .post("/api/v1/public/verify")
        .json(credential.clone())
        .await;
    assert_eq!(res.body["status"], "valid", "{}", res.body);
    revoke_decision(
        app,
        &w.officer,
        &decision,
        "Kê khai thành tích không trung thực.",
    )
    .await;
    let res = app.post("/api/v1/public/verify").json(credential).await;
    assert_eq!(res.body["status"], "revoked", "{}", res.body);
}

async fn the_highest_titles_are_public_ten_working_days_before_the_council_meets(app: &TestApp) {
    let w = work(app).await;
    let id = Nomination::of_staff("chien_si_thi_dua_toan_quoc", &w.staff_b[1])
        .year(2026)
        .summary("Hai năm liền Chiến sĩ thi đua cấp tỉnh; sáng kiến có phạm vi toàn quốc.")
        .up_to_council(app, &w)
        .await;
    let today = thidua::domain::today();
    let admin_id = app.user_id(&w.admin).await;
    let council = Council::of(&w.province)
        .name("Hội đồng Thi đua – Khen thưởng tỉnh")
        .member(&admin_id, "Chủ tịch Hội đồng")
        .formed(app, &w.admin)
        .await;
    let schedule = |meets_on: String| {
        Session::on(&meets_on, &[&id])
            .title("Phiên họp xét Chiến sĩ thi đua toàn quốc")
            .send(app, &w.admin, &council)
    };
    // Not yet published at all.
    schedule((today + chrono::Duration::days(30)).to_string())
        .await
        .problem(409, "disclosure_too_short");
    // Published from today: the law's 10 working days (the rules say so) end on `due`.
    let disclosure = Disclosure::of(&w.province, &[&id])
        .title("Công khai đề nghị Chiến sĩ thi đua toàn quốc")
        .starts_on(&today.to_string());
    disclosure
        .clone()
        .working_days(5)
        .send(app, &w.admin)
        .await
        .invalid("working_days");
    let res = disclosure.send(app, &w.admin).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert_eq!(res.body["working_days"], 10, "{}", res.body);
    let res = app
        .get(&format!(
            "/api/v1/calendar/working-days?from={today}&days=10"
        ))
        .token(&w.admin)
        .await;
    let due: chrono::NaiveDate = res.body["due"].as_str().unwrap().parse().unwrap();
    schedule(due.to_string())
        .await
        .problem(409, "disclosure_too_short");
    let res = schedule((due + chrono::Duration::days(1)).to_string()).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
}

//! Councils (Hội đồng Thi đua – Khen thưởng): kept by the officers of their unit; a session
//! opens only with its quorum; members vote once, in secret, while it is open, and recuse
//! when they have a conflict; thresholds count all members, not those present; minutes are
//! drawn up from the record.

use actix_web::http::StatusCode;
use diesel::prelude::*;
use serde_json::{Value, json};

use crate::db_tests;
use crate::fixtures::{
    COUNCILS, Council, NOMINATIONS, Nomination, Session, another_department, attend, etag_of,
    province_rules, sessions, step, vote,
};
use crate::harness::{PASSWORD, Res, TestApp};
use crate::work::{Work, work};

db_tests!(
    councils_are_kept_by_the_officers_of_their_unit_and_read_below_and_above_it,
    sessions_take_nominations_waiting_for_their_council_and_open_only_with_their_quorum,
    members_present_vote_once_and_only_while_the_session_is_open,
    ballots_are_secret_from_everyone_until_the_session_closes,
    thresholds_count_all_members_and_pass_exactly_at_the_mark,
    members_with_a_conflict_must_recuse_and_recusals_are_recorded_with_their_reason,
    minutes_are_drawn_up_from_the_record_with_the_public_feedback,
    no_tally_shows_a_lone_ballot_the_quorum_is_two_thirds_and_a_session_closes_once_all_present_have_voted,
    a_session_opens_no_sooner_than_the_day_it_meets,
    sessions_and_minutes_are_read_by_the_council_members_and_its_keepers_only,
    a_nomination_goes_to_one_pending_session_even_when_two_are_scheduled_at_once,
);

/// A council of the office with `n` members, accounts `tv01`… in the office (the first
/// chairs it). Returns its id and the member ids.
async fn board(app: &TestApp, w: &Work, n: usize) -> (String, Vec<String>) {
    let mut council = Council::of(&w.office).name("Hội đồng Thi đua – Khen thưởng Văn phòng");
    let mut ids = Vec::new();
    for i in 0..n {
        let username = format!("tv{:02}", i + 1);
        let id = app
            .account(&w.admin, &username, &["council"], Some(&w.office), None)
            .await;
        let position = match i {
            0 => "Chủ tịch Hội đồng",
            1 => "Phó Chủ tịch Hội đồng",
            _ => "Ủy viên",
        };
        council = council.member(&id, position);
        ids.push(id);
    }
    (council.formed(app, &w.officer).await, ids)
}

/// The token of member `i` of a board (`tv01` is 0).
async fn member(app: &TestApp, i: usize) -> String {
    app.login(&format!("tv{:02}", i + 1), PASSWORD).await
}

/// Lao động tiên tiến for a staff member, brought to the office's council.
async fn ldtt(app: &TestApp, w: &Work, staff: &str) -> String {
    Nomination::of_staff("lao_dong_tien_tien", staff)
        .up_to_council(app, w)
        .await
}

/// Giấy khen for a division, proposed by the office, brought to the office's council.
async fn giay_khen(app: &TestApp, w: &Work, unit: &str) -> String {
    Nomination::of_unit("giay_khen", unit)
        .proposed_by(&w.office)
        .up_to_council(app, w)
        .await
}

/// Schedules a session of `body` as the officer.
async fn schedule(app: &TestApp, w: &Work, council: &str, body: Value) -> Res {
    app.post(&sessions(council))
        .token(&w.officer)
        .json(body)
        .await
}

/// The session of the year over `nominations`, on 15 December 2025.
fn year_session(nominations: &[&str]) -> Session {
    Session::on("2025-12-15", nominations).title("Phiên họp xét khen thưởng năm 2025")
}

/// Schedules the session of the year over `nominations` as the officer; returns its id.
async fn session(app: &TestApp, w: &Work, council: &str, nominations: &[&str]) -> String {
    year_session(nominations)
        .scheduled(app, &w.officer, council)
        .await
}

async fn get_session(app: &TestApp, token: &str, council: &str, sid: &str) -> Res {
    app.get(&format!("{}/{sid}", sessions(council)))
        .token(token)
        .await
}

/// A recusal from `nomination`, posted to a session's `recusals` as `token`: the caller's
/// own, or a member's (`member`) recorded by an officer keeping the council.
async fn recuse(
    app: &TestApp,
    token: &str,
    recusals: &str,
    nomination: &str,
    member: Option<&str>,
    reason: &str,
) -> Res {
    let mut body = json!({"nomination_id": nomination, "reason": reason});
    if let Some(member) = member {
        body["user_id"] = member.into();
    }
    app.post(recusals).token(token).json(body).await
}

/// A closed session's count of the ballots on a nomination.
fn tally(agree: i64, disagree: i64, abstain: i64) -> Value {
    json!({"agree": agree, "disagree": disagree, "abstain": abstain})
}

/// The entry of nomination `n` in a session body.
fn entry<'a>(session: &'a Value, n: &str) -> &'a Value {
    session["nominations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["nomination_id"] == n)
        .unwrap_or_else(|| panic!("{n} not in {session}"))
}

async fn nomination_status(app: &TestApp, w: &Work, id: &str) -> Value {
    app.get(&format!("{NOMINATIONS}/{id}"))
        .token(&w.admin)
        .await
        .body
}

type AuditRow = (Option<String>, String, Option<String>, Option<String>);

/// The audit rows of a council session: actor, action, before, after.
async fn session_audit(app: &TestApp, sid: &str) -> Vec<AuditRow> {
    use thidua::db::schema::audit_log;
    let pool = app.state.pool.clone();
    let sid = sid.to_string();
    actix_web::web::block(move || {
        let mut conn = pool.get().unwrap();
        audit_log::table
            .filter(audit_log::resource_type.eq("council_session"))
            .filter(audit_log::resource_id.eq(sid))
            .order(audit_log::id)
            .select((
                audit_log::actor_id,
                audit_log::action,
                audit_log::before,
                audit_log::after,
            ))
            .load(&mut conn)
            .unwrap()
    })
    .await
    .unwrap()
}

async fn councils_are_kept_by_the_officers_of_their_unit_and_read_below_and_above_it(
    app: &TestApp,
) {
    let w = work(app).await;
    let chair = app
        .account(
            &w.admin,
            "ct.hoidong",
            &["council"],
            Some(&w.office),
            Some(&w.staff_b[0]),
        )
        .await;
    let reader = app
        .account(
            &w.admin,
            "tv.hoidong",
            &["council"],
            Some(&w.division_a),
            None,
        )
        .await;
    let body = |members: Value| {
        json!({"name": "  Hội đồng Thi đua – Khen thưởng Văn phòng  ", "org_unit_id": w.office,
               "members": members})
    };

    let res = app
        .post(COUNCILS)
        .token(&w.officer)
        .json(body(json!([
            {"user_id": reader, "position": "Ủy viên"},
            {"user_id": chair, "position": "Chủ tịch Hội đồng"}
        ])))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert_eq!(res.etag(), "\"v1\"");
    let council = res.id();
    assert_eq!(res.body["name"], "Hội đồng Thi đua – Khen thưởng Văn phòng");
    assert_eq!(res.body["org_unit_id"], w.office);
    // The chair first, named after the linked staff member; otherwise the username.
    assert_eq!(res.body["members"][0]["user_id"], chair);
    assert_eq!(res.body["members"][0]["name"], "Phạm Thị Dung");
    assert_eq!(res.body["members"][0]["position"], "Chủ tịch Hội đồng");
    assert_eq!(res.body["members"][1]["name"], "tv.hoidong");

    // Refusals: a head of unit keeps no council; bad members name their field.
    app.post(COUNCILS)
        .token(&w.manager_a)
        .json(json!({"name": "Hội đồng", "org_unit_id": w.division_a}))
        .await
        .problem(403, "forbidden");
    let (other, outsider) = another_department(app, &w).await;
    let stranger = app
        .account(&w.admin, "tv.snv", &["council"], Some(&other), None)
        .await;
    for (members, field) in [
        (
            json!([{"user_id": chair, "position": "Ủy viên"}, {"user_id": chair, "position": "Ủy viên"}]),
            "members[1].user_id",
        ),
        (
            json!([{"user_id": "019ab0a4-0000-7000-8000-000000000000", "position": "Ủy viên"}]),
            "members[0].user_id",
        ),
        (
            json!([{"user_id": stranger, "position": "Ủy viên"}]),
            "members[0].user_id",
        ),
        (
            json!([{"user_id": chair, "position": " "}]),
            "members[0].position",
        ),
        (
            json!([{"user_id": "x", "position": "Ủy viên"}]),
            "members[0].user_id",
        ),
    ] {
        app.post(COUNCILS)
            .token(&w.officer)
            .json(body(members))
            .await
            .invalid(field);
    }
    app.post(COUNCILS)
        .token(&w.officer)
        .json(json!({"name": "Hội đồng", "org_unit_id": other}))
        .await
        .invalid("org_unit_id");

    // Read below the unit (a member in a division) and above it (the admin); not elsewhere.
    let path = format!("{COUNCILS}/{council}");
    let reader_token = app.login("tv.hoidong", PASSWORD).await;
    let res = app.get(&path).token(&reader_token).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.etag(), "\"v1\"");
    app.get(&path)
        .token(&outsider)
        .await
        .problem(404, "not_found");
    assert_eq!(app.get(COUNCILS).token(&outsider).await.body["total"], 0);
    let res = app
        .get(&format!("{COUNCILS}?q=hoi%20dong%20thi%20dua"))
        .token(&reader_token)
        .await;
    assert_eq!(res.ids(), [council.as_str()]);
    assert!(res.items()[0].get("members").is_none(), "{}", res.body);
    let res = app
        .get(&format!("{COUNCILS}?q=khong%20co"))
        .token(&w.officer)
        .await;
    assert_eq!(res.body["total"], 0);
    let res = app
        .get(&format!("{COUNCILS}?member_id={chair}"))
        .token(&w.officer)
        .await;
    assert_eq!(res.ids(), [council.as_str()]);

    // Changes need If-Match, a keeper, and a current version.
    let change = json!({"name": "Hội đồng Thi đua – Khen thưởng Văn phòng UBND tỉnh",
                        "members": [{"user_id": chair, "position": "Chủ tịch Hội đồng"}]});
    app.patch(&path)
        .token(&w.officer)
        .json(change.clone())
        .await
        .problem(428, "if_match_required");
    app.patch(&path)
        .token(&reader_token)
        .if_match("\"v1\"")
        .json(change.clone())
        .await
        .problem(403, "forbidden");
    app.patch(&path)
        .token(&outsider)
        .if_match("\"v1\"")
        .json(change.clone())
        .await
        .problem(404, "not_found");
    app.patch(&path)
        .token(&w.officer)
        .if_match("\"v1\"")
        .json(json!({"members": [{"user_id": stranger, "position": "Ủy viên"}]}))
        .await
        .invalid("members[0].user_id");
    let res = app
        .patch(&path)
        .token(&w.officer)
        .if_match("\"v1\"")
        .json(change.clone())
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.etag(), "\"v2\"");
    assert_eq!(res.body["members"].as_array().unwrap().len(), 1);
    app.patch(&path)
        .token(&w.officer)
        .if_match("\"v1\"")
        .json(change)
        .await
        .problem(412, "version_mismatch");
    // The removed member no longer finds it by membership.
    let res = app
        .get(&format!("{COUNCILS}?member_id={reader}"))
        .token(&w.officer)
        .await;
    assert_eq!(res.body["total"], 0);
}

async fn sessions_take_nominations_waiting_for_their_council_and_open_only_with_their_quorum(
    app: &TestApp,
) {
    let w = work(app).await;
    let (council, members) = board(app, &w, 4).await;
    let waiting = ldtt(app, &w, &w.staff_b[1]).await;
    // A draft, and a nomination granted by the province, are not this council's to vote.
    let draft = Nomination::of_staff("lao_dong_tien_tien", &w.staff_b[0])
        .summary("Bản nháp.")
        .draft(app, &w.officer)
        .await;
    let provincial = Nomination::of_staff("chien_si_thi_dua_cap_tinh", &w.staff_a[1])
        .summary("Ba năm liền Chiến sĩ thi đua cơ sở.")
        .draft(app, &w.manager_a)
        .await;
    year_session(&[])
        .send(app, &w.officer, &council)
        .await
        .invalid("nomination_ids");
    year_session(&[&waiting, &waiting])
        .send(app, &w.officer, &council)
        .await
        .invalid("nomination_ids[1]");
    year_session(&[&provincial])
        .send(app, &w.officer, &council)
        .await
        .invalid("nomination_ids[0]");
    let fields = year_session(&[&waiting, &draft])
        .send(app, &w.officer, &council)
        .await
        .problem(409, "not_before_council");
    assert_eq!(fields, ["nomination_ids[1]"]);
    // The quorum runs from two thirds of the 4 members, rounded up, to all of them.
    for quorum in [0, 1, 2, 5] {
        schedule(
            app,
            &w,
            &council,
            json!({"title": "Phiên họp", "meets_on": "2025-12-15", "quorum": quorum, "nomination_ids": [waiting]}),
        )
        .await
        .invalid("quorum");
    }
    schedule(
        app,
        &w,
        &council,
        json!({"title": "Phiên họp", "meets_on": "15/12/2025", "nomination_ids": [waiting]}),
    )
    .await
    .invalid("meets_on");
    schedule(
        app,
        &w,
        &council,
        json!({"title": "Phiên họp", "meets_on": "9999-12-15", "nomination_ids": [waiting]}),
    )
    .await
    .invalid("meets_on");
    let chair = member(app, 0).await;
    year_session(&[&waiting])
        .send(app, &chair, &council)
        .await
        .problem(403, "forbidden");

    // Scheduled with the default quorum: two thirds of 4 members, rounded up.
    let res = year_session(&[&waiting])
        .send(app, &w.officer, &council)
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert_eq!(res.etag(), "\"v1\"");
    let sid = res.id();
    assert_eq!(res.body["status"], "scheduled");
    assert_eq!(res.body["quorum"], 3);
    assert_eq!(res.body["members_total"], 4);
    assert_eq!(res.body["present"], 0);
    assert_eq!(res.body["quorum_met"], false);
    let e = entry(&res.body, &waiting);
    assert_eq!(e["nominee_name"], "Hoàng Văn Đức");
    assert_eq!(e["award_type_code"], "lao_dong_tien_tien");
    assert_eq!(e["votes_cast"], 0);
    assert_eq!(e["tally"], Value::Null);
    // One pending session per nomination.
    year_session(&[&waiting])
        .send(app, &w.officer, &council)
        .await
        .problem(409, "in_another_session");

    // Attendance: members only, while scheduled.
    let admin_id = app.user_id(&w.admin).await;
    attend(
        app,
        &w.officer,
        &council,
        &sid,
        &[members[0].clone(), admin_id],
    )
    .await
    .invalid("user_ids[1]");
    let res = attend(app, &w.officer, &council, &sid, &members[..2]).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body["present"], 2);
    assert_eq!(res.body["quorum_met"], false);
    // Below its quorum the session does not open: it stays scheduled, not valid to vote.
    step(app, &w.officer, &council, &sid, "open")
        .await
        .problem(409, "below_quorum");
    let res = get_session(app, &w.officer, &council, &sid).await;
    assert_eq!(res.body["status"], "scheduled");
    vote(app, &chair, &council, &sid, &waiting, "agree")
        .await
        .problem(409, "session_not_open");
    let res = attend(app, &w.officer, &council, &sid, &members[..3]).await;
    assert_eq!(res.body["quorum_met"], true, "{}", res.body);
    app.post(&format!("{}/{sid}/open", sessions(&council)))
        .token(&w.officer)
        .send()
        .await
        .problem(428, "if_match_required");
    app.post(&format!("{}/{sid}/open", sessions(&council)))
        .token(&w.officer)
        .if_match("\"v1\"")
        .send()
        .await
        .problem(412, "version_mismatch");
    let path = format!("{}/{sid}", sessions(&council));
    let tag = etag_of(app, &w.officer, &path).await;
    app.post(&format!("{path}/open"))
        .token(&chair)
        .if_match(&tag)
        .send()
        .await
        .problem(403, "forbidden");
    let res = step(app, &w.officer, &council, &sid, "open").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body["status"], "open");
    assert_eq!(res.body["members_total"], 4);
    assert!(res.body["opened_at"].is_string());
    step(app, &w.officer, &council, &sid, "open")
        .await
        .problem(409, "session_not_scheduled");
    attend(app, &w.officer, &council, &sid, &members)
        .await
        .problem(409, "session_not_scheduled");

    // Members change only while no session is open; the name may.
    let council_path = format!("{COUNCILS}/{council}");
    let tag = etag_of(app, &w.officer, &council_path).await;
    app.patch(&council_path)
        .token(&w.officer)
        .if_match(&tag)
        .json(json!({"members": [{"user_id": members[0], "position": "Chủ tịch Hội đồng"}]}))
        .await
        .problem(409, "session_open");
    let res = app
        .patch(&council_path)
        .token(&w.officer)
        .if_match(&tag)
        .json(json!({"name": "Hội đồng Thi đua – Khen thưởng Văn phòng UBND tỉnh"}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);

    let res = app
        .get(&format!("{}?status=open", sessions(&council)))
        .token(&chair)
        .await;
    assert_eq!(res.ids(), [sid.as_str()]);
    assert_eq!(
        app.get(&format!("{}?status=closed", sessions(&council)))
            .token(&chair)
            .await
            .body["total"],
        0
    );
    // It closes once the members present have voted.
    step(app, &w.officer, &council, &sid, "close")
        .await
        .problem(409, "votes_outstanding");
    for i in 0..3 {
        let res = vote(
            app,
            &member(app, i).await,
            &council,
            &sid,
            &waiting,
            "agree",
        )
        .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    }
    let res = step(app, &w.officer, &council, &sid, "close").await;
    assert_eq!(res.body["status"], "closed", "{}", res.body);
    step(app, &w.officer, &council, &sid, "close")
        .await
        .problem(409, "session_over");

    // A session closed without opening ends invalid; its nominations go to another one.
    let unit_award = giay_khen(app, &w, &w.division_a).await;
    let failed = session(app, &w, &council, &[&unit_award]).await;
    let res = step(app, &w.officer, &council, &failed, "close").await;
    assert_eq!(res.body["status"], "invalid", "{}", res.body);
    assert_eq!(
        nomination_status(app, &w, &unit_award).await["status"],
        "council_review"
    );
    let res = app
        .get(&format!("{}/{failed}/minutes", sessions(&council)))
        .token(&w.officer)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(
        res.body["text"]
            .as_str()
            .unwrap()
            .contains("không đủ số thành viên tham dự"),
        "{}",
        res.body["text"]
    );
    session(app, &w, &council, &[&unit_award]).await;

    // Rules that ask for public disclosure: an unpublished nominee cannot be put to the vote.
    let unpublished = ldtt(app, &w, &w.staff_b[0]).await;
    province_rules(
        app,
        &w,
        "qc-hd-vp-2025",
        "2025-01-01",
        json!({"lao_dong_tien_tien": {"disclosure_working_days": 10}}),
    )
    .await;
    let fields = year_session(&[&unpublished])
        .send(app, &w.officer, &council)
        .await
        .problem(409, "disclosure_too_short");
    assert_eq!(fields, ["nomination_ids[0]"]);

    // Nobody outside sees the sessions.
    let (_, outsider) = another_department(app, &w).await;
    get_session(app, &outsider, &council, &sid)
        .await
        .problem(404, "not_found");
    app.get(&sessions(&council))
        .token(&outsider)
        .await
        .problem(404, "not_found");
    year_session(&[&unit_award])
        .send(app, &outsider, &council)
        .await
        .problem(404, "not_found");
}

async fn members_present_vote_once_and_only_while_the_session_is_open(app: &TestApp) {
    let w = work(app).await;
    let (council, members) = board(app, &w, 3).await;
    app.account(&w.admin, "ngoai.hd", &["council"], Some(&w.office), None)
        .await;
    let n = ldtt(app, &w, &w.staff_b[0]).await;
    let sid = session(app, &w, &council, &[&n]).await;
    attend(app, &w.officer, &council, &sid, &members[..2]).await;
    let first = member(app, 0).await;
    let absent = member(app, 2).await;
    let stranger = app.login("ngoai.hd", PASSWORD).await;

    // Before the session opens.
    vote(app, &first, &council, &sid, &n, "agree")
        .await
        .problem(409, "session_not_open");
    step(app, &w.officer, &council, &sid, "open").await;

    // Only members vote, each for themself: not the officer or the admin who keep the
    // council; an account outside it does not even see the session.
    for token in [&w.officer, &w.admin] {
        vote(app, token, &council, &sid, &n, "agree")
            .await
            .problem(403, "forbidden");
    }
    vote(app, &stranger, &council, &sid, &n, "agree")
        .await
        .problem(404, "not_found");
    vote(app, &absent, &council, &sid, &n, "agree")
        .await
        .problem(409, "not_present");
    vote(
        app,
        &first,
        &council,
        &sid,
        "019ab0a4-0000-7000-8000-000000000000",
        "agree",
    )
    .await
    .invalid("nomination_id");
    vote(app, &first, &council, &sid, &n, "yes")
        .await
        .invalid("choice");

    let res = vote(app, &first, &council, &sid, &n, "agree").await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert_eq!(
        res.body,
        json!({"session_id": sid, "nomination_id": n, "user_id": members[0]})
    );
    // Once: a second ballot, whatever its choice, is refused and changes nothing.
    vote(app, &first, &council, &sid, &n, "disagree")
        .await
        .problem(409, "already_voted");
    vote(app, &first, &council, &sid, &n, "agree")
        .await
        .problem(409, "already_voted");
    let res = get_session(app, &first, &council, &sid).await;
    assert_eq!(entry(&res.body, &n)["votes_cast"], 1);

    // After it closes (once the other member present has voted too).
    let second = member(app, 1).await;
    let res = vote(app, &second, &council, &sid, &n, "abstain").await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let res = step(app, &w.officer, &council, &sid, "close").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    vote(app, &second, &council, &sid, &n, "agree")
        .await
        .problem(409, "session_not_open");
    let res = get_session(app, &second, &council, &sid).await;
    let e = entry(&res.body, &n);
    assert_eq!(e["tally"], tally(1, 0, 1));
    // 1 of 3 members is not more than half.
    assert_eq!(e["outcome"], "failed");
    assert_eq!(e["nomination_status"], "rejected");
}

async fn ballots_are_secret_from_everyone_until_the_session_closes(app: &TestApp) {
    let w = work(app).await;
    let (council, members) = board(app, &w, 3).await;
    let n = giay_khen(app, &w, &w.division_b).await;
    let sid = session(app, &w, &council, &[&n]).await;
    attend(app, &w.officer, &council, &sid, &members).await;
    step(app, &w.officer, &council, &sid, "open").await;
    let tokens = [
        member(app, 0).await,
        member(app, 1).await,
        member(app, 2).await,
    ];
    let mut receipts = Vec::new();
    for (token, choice) in tokens.iter().zip(["agree", "disagree", "abstain"]) {
        let res = vote(app, token, &council, &sid, &n, choice).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
        receipts.push(res.body.to_string());
    }
    // No answer carries a choice: not the receipts, not the session to anyone — the
    // admin, the officer, the voters — nor its list, nor minutes (not drawn up yet).
    let secret = |text: &str| {
        ["agree", "disagree", "abstain"]
            .iter()
            .any(|c| text.contains(c))
    };
    for r in &receipts {
        assert!(!secret(r), "{r}");
    }
    for token in [&w.admin, &w.officer, &tokens[0], &tokens[1]] {
        let res = get_session(app, token, &council, &sid).await;
        assert_eq!(res.status, StatusCode::OK);
        assert!(!secret(&res.body.to_string()), "{}", res.body);
        assert_eq!(entry(&res.body, &n)["votes_cast"], 3);
        let res = app.get(&sessions(&council)).token(token).await;
        assert!(!secret(&res.body.to_string()), "{}", res.body);
    }
    app.get(&format!("{}/{sid}/minutes", sessions(&council)))
        .token(&w.admin)
        .await
        .problem(409, "session_not_closed");
    // No endpoint lists ballots.
    let res = app
        .get(&format!("{}/{sid}/votes", sessions(&council)))
        .token(&w.admin)
        .await;
    assert!(matches!(res.status.as_u16(), 404 | 405), "{}", res.status);
    // Nor the audit log: each vote is recorded as "voted" on the nomination, by its voter,
    // without the choice, and no row shows the counters of the open session.
    let rows = session_audit(app, &sid).await;
    let voted: Vec<&AuditRow> = rows.iter().filter(|r| r.1 == "voted").collect();
    assert_eq!(voted.len(), 3);
    for (row, id) in voted.iter().zip(&members) {
        assert_eq!(row.0.as_deref(), Some(id.as_str()));
        assert_eq!(row.2, None);
        let after: Value = serde_json::from_str(row.3.as_deref().unwrap()).unwrap();
        assert_eq!(after, json!({"nomination_id": n}));
    }
    for row in &rows {
        for text in [&row.2, &row.3].into_iter().flatten() {
            assert!(!secret(text), "{text}");
            assert!(!text.contains("choice"), "{text}");
        }
    }

    // Closed: the tally, and only the tally, is public.
    let res = step(app, &w.officer, &council, &sid, "close").await;
    assert_eq!(entry(&res.body, &n)["tally"], tally(1, 1, 1));
    let rows = session_audit(app, &sid).await;
    assert_eq!(rows.iter().filter(|r| r.1 == "voted").count(), 3);
}

async fn thresholds_count_all_members_and_pass_exactly_at_the_mark(app: &TestApp) {
    let w = work(app).await;
    let (council, members) = board(app, &w, 10).await;
    // The province's rules ask 90 % of all members for a Giấy khen; Lao động tiên
    // tiến keeps the default, more than half.
    province_rules(
        app,
        &w,
        "qc-hd-vp-2025",
        "2025-01-01",
        json!({"giay_khen": {"vote_threshold_percent": 90.0}}),
    )
    .await;
    let at_mark = giay_khen(app, &w, &w.division_a).await;
    let below_mark = giay_khen(app, &w, &w.division_b).await;
    let majority = ldtt(app, &w, &w.staff_b[0]).await;
    let half = ldtt(app, &w, &w.staff_b[1]).await;
    let sid = session(
        app,
        &w,
        &council,
        &[&at_mark, &below_mark, &majority, &half],
    )
    .await;
    // Nine of ten present (the default quorum is 7): thresholds still count all ten.
    let res = attend(app, &w.officer, &council, &sid, &members[..9]).await;
    assert_eq!(res.body["quorum"], 7);
    let res = step(app, &w.officer, &council, &sid, "open").await;
    assert_eq!(res.body["members_total"], 10);
    let mut voters = Vec::new();
    for i in 0..9 {
        voters.push(member(app, i).await);
    }
    for (i, token) in voters.iter().enumerate() {
        // 9 agree: 90 % of 10, exactly the mark.
        vote(app, token, &council, &sid, &at_mark, "agree").await;
        // 8 agree: 80 % of all members, though 89 % of those present.
        let choice = if i < 8 { "agree" } else { "disagree" };
        vote(app, token, &council, &sid, &below_mark, choice).await;
        // 6 agree: more than half of 10.
        let choice = if i < 6 { "agree" } else { "abstain" };
        vote(app, token, &council, &sid, &majority, choice).await;
        // 5 agree: half of 10 is not more than half, though a majority of the 9 present.
        let choice = if i < 5 { "agree" } else { "disagree" };
        let res = vote(app, token, &council, &sid, &half, choice).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    }
    let res = step(app, &w.officer, &council, &sid, "close").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let expect = [
        (&at_mark, 9, 0, 0, "passed", "approved"),
        (&below_mark, 8, 1, 0, "failed", "rejected"),
        (&majority, 6, 0, 3, "passed", "approved"),
        (&half, 5, 4, 0, "failed", "rejected"),
    ];
    for (n, agree, disagree, abstain, outcome, status) in expect {
        let e = entry(&res.body, n);
        assert_eq!(e["tally"], tally(agree, disagree, abstain), "{n}");
        assert_eq!(e["outcome"], outcome, "{n}");
        assert_eq!(e["nomination_status"], status, "{n}");
        let nomination = nomination_status(app, &w, n).await;
        assert_eq!(nomination["status"], status);
        let last = nomination["steps"]
            .as_array()
            .unwrap()
            .last()
            .unwrap()
            .clone();
        assert_eq!(last["action"], "council_vote", "{nomination}");
        let reason = last["reason"].as_str().unwrap();
        assert!(
            reason.contains(&format!("{agree} đồng ý")) && reason.contains("10 thành viên"),
            "{reason}"
        );
    }
    let res = app
        .get(&format!("{}/{sid}/minutes", sessions(&council)))
        .token(&w.officer)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let minutes: Vec<&Value> = res.body["nominations"].as_array().unwrap().iter().collect();
    let of = |n: &str| {
        minutes
            .iter()
            .find(|m| m["nomination_id"] == n)
            .copied()
            .unwrap()
    };
    assert_eq!(of(&at_mark)["threshold_percent"], 90.0);
    assert_eq!(of(&at_mark)["votes_needed"], 9);
    assert_eq!(of(&half)["threshold_percent"], Value::Null);
    assert_eq!(of(&half)["votes_needed"], 6);
}

async fn members_with_a_conflict_must_recuse_and_recusals_are_recorded_with_their_reason(
    app: &TestApp,
) {
    let w = work(app).await;
    // The nominee sits on the council, and so does the head of the nominee's division.
    let nominee = app
        .account(
            &w.admin,
            "tv.binh",
            &["council"],
            Some(&w.division_a),
            Some(&w.staff_a[1]),
        )
        .await;
    let head = app.user_id(&w.manager_a).await;
    let plain = app
        .account(&w.admin, "tv.thuong", &["council"], Some(&w.office), None)
        .await;
    app.account(&w.admin, "ngoai.hd", &["council"], Some(&w.office), None)
        .await;
    let council = Council::of(&w.office)
        .member(&plain, "Chủ tịch Hội đồng")
        .member(&nominee, "Ủy viên")
        .member(&head, "Ủy viên")
        .formed(app, &w.officer)
        .await;
    let own = ldtt(app, &w, &w.staff_a[1]).await;
    let other = giay_khen(app, &w, &w.division_b).await;
    let sid = session(app, &w, &council, &[&own, &other]).await;
    attend(
        app,
        &w.officer,
        &council,
        &sid,
        &[plain.clone(), nominee.clone(), head.clone()],
    )
    .await;
    let recusals = format!("{}/{sid}/recusals", sessions(&council));
    let nominee_token = app.login("tv.binh", PASSWORD).await;
    let plain_token = app.login("tv.thuong", PASSWORD).await;
    let stranger = app.login("ngoai.hd", PASSWORD).await;
    // Before the session opens, nobody recuses.
    recuse(
        app,
        &nominee_token,
        &recusals,
        &own,
        None,
        "Là người được đề nghị khen thưởng",
    )
    .await
    .problem(409, "session_not_open");
    step(app, &w.officer, &council, &sid, "open").await;

    vote(app, &nominee_token, &council, &sid, &own, "agree")
        .await
        .problem(409, "must_recuse");
    vote(app, &w.manager_a, &council, &sid, &own, "agree")
        .await
        .problem(409, "must_recuse");
    // No conflict over another division.
    let res = vote(app, &w.manager_a, &council, &sid, &other, "agree").await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);

    recuse(app, &nominee_token, &recusals, &own, None, " ")
        .await
        .invalid("reason");
    let res = recuse(
        app,
        &nominee_token,
        &recusals,
        &own,
        None,
        "Là người được đề nghị khen thưởng",
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert_eq!(res.body["user_id"], nominee);
    assert_eq!(res.body["name"], "Trần Thị Bình");
    assert_eq!(res.body["reason"], "Là người được đề nghị khen thưởng");
    assert!(
        res.body["at"].as_str().unwrap().ends_with('Z'),
        "{}",
        res.body
    );
    recuse(app, &nominee_token, &recusals, &own, None, "Lần nữa")
        .await
        .problem(409, "already_recused");
    vote(app, &nominee_token, &council, &sid, &own, "agree")
        .await
        .problem(409, "recused");
    // A member who voted can no longer recuse.
    recuse(app, &w.manager_a, &recusals, &other, None, "Muộn")
        .await
        .problem(409, "already_voted");
    // An officer keeping the council records a member's recusal; nobody else does, and
    // only members recuse (an account outside the council does not see the session).
    recuse(
        app,
        &plain_token,
        &recusals,
        &own,
        Some(&head),
        "Trưởng phòng",
    )
    .await
    .problem(403, "forbidden");
    recuse(
        app,
        &w.officer,
        &recusals,
        &own,
        None,
        "Không phải thành viên",
    )
    .await
    .problem(403, "forbidden");
    recuse(
        app,
        &stranger,
        &recusals,
        &own,
        None,
        "Không phải thành viên",
    )
    .await
    .problem(404, "not_found");
    let admin_id = app.user_id(&w.admin).await;
    recuse(
        app,
        &w.officer,
        &recusals,
        &own,
        Some(&admin_id),
        "Không phải thành viên",
    )
    .await
    .invalid("user_id");
    let res = recuse(
        app,
        &w.officer,
        &recusals,
        &own,
        Some(&head),
        "Là Trưởng phòng Tổng hợp, đơn vị của cá nhân được đề nghị",
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    vote(app, &plain_token, &council, &sid, &own, "agree").await;

    let res = get_session(app, &plain_token, &council, &sid).await;
    let recorded: Vec<(String, String)> = res.body["recusals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["user_id"].as_str().unwrap().to_string(),
                r["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        recorded,
        [
            (
                nominee.clone(),
                "Là người được đề nghị khen thưởng".to_string()
            ),
            (
                head.clone(),
                "Là Trưởng phòng Tổng hợp, đơn vị của cá nhân được đề nghị".to_string()
            ),
        ]
    );
    let rows = session_audit(app, &sid).await;
    assert_eq!(rows.iter().filter(|r| r.1 == "recused").count(), 2);

    for token in [&plain_token, &nominee_token] {
        let res = vote(app, token, &council, &sid, &other, "agree").await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    }
    let res = step(app, &w.officer, &council, &sid, "close").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    recuse(app, &plain_token, &recusals, &own, None, "Sau khi đóng")
        .await
        .problem(409, "session_not_open");
    let res = app
        .get(&format!("{}/{sid}/minutes", sessions(&council)))
        .token(&plain_token)
        .await;
    assert_eq!(res.body["recusals"].as_array().unwrap().len(), 2);
    let text = res.body["text"].as_str().unwrap();
    assert!(
        text.contains("Thành viên không tham gia biểu quyết: Trần Thị Bình – lý do: Là người được đề nghị khen thưởng."),
        "{text}"
    );
    // Recused members still count in the total: 1 agree of 3 is not more than half.
    assert_eq!(
        entry(
            &get_session(app, &plain_token, &council, &sid).await.body,
            &own
        )["outcome"],
        "failed"
    );
}

/// A disclosure of `nomination` with one piece of public feedback, written directly (the
/// disclosures module owns their API).
async fn feedback(app: &TestApp, unit: &str, nomination: &str, author: &str, content: &str) {
    use thidua::db::schema::{disclosure_feedback, disclosure_nominations, disclosures};
    let pool = app.state.pool.clone();
    let (unit, nomination, author, content) = (
        unit.to_string(),
        nomination.to_string(),
        author.to_string(),
        content.to_string(),
    );
    actix_web::web::block(move || {
        let mut conn = pool.get().unwrap();
        let at = chrono::NaiveDate::from_ymd_opt(2025, 12, 3)
            .unwrap()
            .and_hms_opt(2, 0, 0)
            .unwrap();
        let id = uuid::Uuid::now_v7().to_string();
        diesel::insert_into(disclosures::table)
            .values((
                disclosures::id.eq(&id),
                disclosures::title.eq("Công khai danh sách đề nghị khen thưởng năm 2025"),
                disclosures::org_unit_id.eq(&unit),
                disclosures::starts_on.eq(at.date()),
                disclosures::ends_on.eq(chrono::NaiveDate::from_ymd_opt(2025, 12, 12).unwrap()),
                disclosures::working_days.eq(8),
                disclosures::version.eq(1i64),
                disclosures::created_at.eq(at),
                disclosures::updated_at.eq(at),
            ))
            .execute(&mut conn)
            .unwrap();
        diesel::insert_into(disclosure_nominations::table)
            .values((
                disclosure_nominations::disclosure_id.eq(&id),
                disclosure_nominations::nomination_id.eq(&nomination),
            ))
            .execute(&mut conn)
            .unwrap();
        diesel::insert_into(disclosure_feedback::table)
            .values((
                disclosure_feedback::id.eq(uuid::Uuid::now_v7().to_string()),
                disclosure_feedback::disclosure_id.eq(&id),
                disclosure_feedback::nomination_id.eq(Some(nomination)),
                disclosure_feedback::author_name.eq(Some(author)),
                disclosure_feedback::content.eq(content),
                disclosure_feedback::received_at.eq(at),
            ))
            .execute(&mut conn)
            .unwrap();
    })
    .await
    .unwrap();
}

async fn minutes_are_drawn_up_from_the_record_with_the_public_feedback(app: &TestApp) {
    let w = work(app).await;
    let chair = app
        .account(
            &w.admin,
            "ct.hoidong",
            &["council"],
            Some(&w.office),
            Some(&w.staff_b[0]),
        )
        .await;
    let second = app
        .account(&w.admin, "tv02", &["council"], Some(&w.office), None)
        .await;
    let away = app
        .account(&w.admin, "tv03", &["council"], Some(&w.office), None)
        .await;
    let council = Council::of(&w.office)
        .name("Hội đồng Thi đua – Khen thưởng Văn phòng")
        .member(&away, "Ủy viên")
        .member(&second, "Ủy viên thường trực")
        .member(&chair, "Chủ tịch Hội đồng")
        .formed(app, &w.officer)
        .await;
    let n = giay_khen(app, &w, &w.division_a).await;
    feedback(
        app,
        &w.office,
        &n,
        "Lê Thị Hoa",
        "Đề nghị làm rõ kết quả chuyển đổi số của Phòng Tổng hợp.",
    )
    .await;
    let sid = session(app, &w, &council, &[&n]).await;
    attend(
        app,
        &w.officer,
        &council,
        &sid,
        &[chair.clone(), second.clone()],
    )
    .await;
    step(app, &w.officer, &council, &sid, "open").await;
    let minutes_path = format!("{}/{sid}/minutes", sessions(&council));
    app.get(&minutes_path)
        .token(&w.officer)
        .await
        .problem(409, "session_not_closed");
    let chair_token = app.login("ct.hoidong", PASSWORD).await;
    let second_token = app.login("tv02", PASSWORD).await;
    vote(app, &chair_token, &council, &sid, &n, "agree").await;
    vote(app, &second_token, &council, &sid, &n, "agree").await;
    step(app, &w.officer, &council, &sid, "close").await;

    let res = app.get(&minutes_path).token(&chair_token).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let m = &res.body;
    assert_eq!(
        m["council_name"],
        "Hội đồng Thi đua – Khen thưởng Văn phòng"
    );
    assert_eq!(m["unit_name"], "Văn phòng UBND tỉnh");
    assert_eq!(m["meets_on"], "2025-12-15");
    assert_eq!(m["status"], "closed");
    assert_eq!(m["members_total"], 3);
    let names = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(names(&m["present"]), ["Phạm Thị Dung", "tv02"]);
    assert_eq!(names(&m["absent"]), ["tv03"]);
    let item = &m["nominations"][0];
    assert_eq!(item["nominee_name"], "Phòng Tổng hợp");
    assert_eq!(item["tally"], tally(2, 0, 0));
    assert_eq!(item["votes_needed"], 2);
    assert_eq!(item["outcome"], "passed");
    assert_eq!(item["feedback"][0]["author_name"], "Lê Thị Hoa");
    let text = m["text"].as_str().unwrap();
    for line in [
        "BIÊN BẢN HỌP HỘI ĐỒNG THI ĐUA – KHEN THƯỞNG",
        "Phiên họp xét khen thưởng năm 2025",
        "ngày 15 tháng 12 năm 2025",
        "Tổng số thành viên Hội đồng: 3. Có mặt: 2. Vắng mặt: 1.",
        "- Phạm Thị Dung, Chủ tịch Hội đồng",
        "- tv03, Ủy viên",
        "1. Phòng Tổng hợp – Giấy khen",
        "Số phiếu: 2 đồng ý, 0 không đồng ý, 0 không có ý kiến (2 thành viên bỏ phiếu).",
        "Tỷ lệ đồng ý: 2/3 thành viên Hội đồng (66,7%); yêu cầu trên 50% tổng số thành viên, tức ít nhất 2 phiếu đồng ý.",
        "Kết quả: ĐẠT.",
        "- Lê Thị Hoa (ngày 03 tháng 12 năm 2025): Đề nghị làm rõ kết quả chuyển đổi số của Phòng Tổng hợp.",
    ] {
        assert!(text.contains(line), "missing {line:?} in:\n{text}");
    }
    // Not read outside the council.
    let (_, outsider) = another_department(app, &w).await;
    app.get(&minutes_path)
        .token(&outsider)
        .await
        .problem(404, "not_found");
}

async fn no_tally_shows_a_lone_ballot_the_quorum_is_two_thirds_and_a_session_closes_once_all_present_have_voted(
    app: &TestApp,
) {
    let w = work(app).await;
    let (council, members) = board(app, &w, 3).await;
    let person = ldtt(app, &w, &w.staff_b[0]).await;
    let unit = giay_khen(app, &w, &w.division_b).await;
    let with_quorum = |quorum: i64| year_session(&[&person, &unit]).quorum(quorum);
    // One member present, whose ballot the tally would show, is no quorum: two of three.
    with_quorum(1)
        .send(app, &w.officer, &council)
        .await
        .invalid("quorum");
    let res = with_quorum(2).send(app, &w.officer, &council).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert_eq!(res.body["quorum"], 2);
    let sid = res.id();
    attend(app, &w.officer, &council, &sid, &members[..2]).await;
    let res = step(app, &w.officer, &council, &sid, "open").await;
    assert_eq!(res.body["status"], "open", "{}", res.body);
    let (first, second) = (member(app, 0).await, member(app, 1).await);

    // One ballot cast: the session does not close on it, so its tally is never read.
    let res = vote(app, &first, &council, &sid, &person, "agree").await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    step(app, &w.officer, &council, &sid, "close")
        .await
        .problem(409, "votes_outstanding");
    let res = get_session(app, &w.officer, &council, &sid).await;
    assert_eq!(res.body["status"], "open");
    assert_eq!(entry(&res.body, &person)["votes_cast"], 1);
    assert_eq!(entry(&res.body, &person)["tally"], Value::Null);
    // Every member present, on every nomination: one missing ballot still holds it open.
    vote(app, &first, &council, &sid, &unit, "disagree").await;
    vote(app, &second, &council, &sid, &person, "abstain").await;
    step(app, &w.officer, &council, &sid, "close")
        .await
        .problem(409, "votes_outstanding");
    // A recusal answers for the member; the absent member is not waited for.
    let res = recuse(
        app,
        &second,
        &format!("{}/{sid}/recusals", sessions(&council)),
        &unit,
        None,
        "Có quan hệ gia đình với Trưởng phòng",
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let res = step(app, &w.officer, &council, &sid, "close").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body["status"], "closed");
    assert_eq!(entry(&res.body, &person)["tally"], tally(1, 0, 1));
    assert_eq!(entry(&res.body, &unit)["tally"], tally(0, 1, 0));
}

async fn a_session_opens_no_sooner_than_the_day_it_meets(app: &TestApp) {
    let w = work(app).await;
    let (council, members) = board(app, &w, 3).await;
    let today = thidua::domain::today();
    let later = ldtt(app, &w, &w.staff_b[0]).await;
    let due = ldtt(app, &w, &w.staff_b[1]).await;
    let meeting = |day: chrono::NaiveDate, n: &str| Session::on(&day.to_string(), &[n]);
    // Scheduled for tomorrow, with its quorum present: it does not open today.
    let res = meeting(today + chrono::Duration::days(1), &later)
        .send(app, &w.officer, &council)
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let early = res.id();
    let res = attend(app, &w.officer, &council, &early, &members).await;
    assert_eq!(res.body["quorum_met"], true, "{}", res.body);
    step(app, &w.officer, &council, &early, "open")
        .await
        .problem(409, "too_early");
    let res = get_session(app, &w.officer, &council, &early).await;
    assert_eq!(res.body["status"], "scheduled");
    assert_eq!(res.body["opened_at"], Value::Null);
    vote(
        app,
        &member(app, 0).await,
        &council,
        &early,
        &later,
        "agree",
    )
    .await
    .problem(409, "session_not_open");

    // Scheduled for today, it opens.
    let res = meeting(today, &due).send(app, &w.officer, &council).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let sid = res.id();
    attend(app, &w.officer, &council, &sid, &members).await;
    let res = step(app, &w.officer, &council, &sid, "open").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body["status"], "open");
}

async fn sessions_and_minutes_are_read_by_the_council_members_and_its_keepers_only(app: &TestApp) {
    let w = work(app).await;
    let (council, members) = board(app, &w, 3).await;
    app.account(&w.admin, "ngoai.hd", &["council"], Some(&w.office), None)
        .await;
    let n = ldtt(app, &w, &w.staff_b[0]).await;
    feedback(
        app,
        &w.office,
        &n,
        "Lê Thị Hoa",
        "Đề nghị làm rõ số ngày nghỉ không lý do.",
    )
    .await;
    let sid = session(app, &w, &council, &[&n]).await;
    attend(app, &w.officer, &council, &sid, &members).await;
    step(app, &w.officer, &council, &sid, "open").await;
    let mut voters = Vec::new();
    for i in 0..3 {
        let token = member(app, i).await;
        vote(app, &token, &council, &sid, &n, "agree").await;
        voters.push(token);
    }
    let res = step(app, &w.officer, &council, &sid, "close").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let session_path = format!("{}/{sid}", sessions(&council));
    let minutes_path = format!("{session_path}/minutes");

    // Members of the council and the officers keeping it read the session and the minutes,
    // the public feedback with its author among them.
    for token in [&voters[0], &w.officer, &w.admin] {
        let res = app.get(&session_path).token(token).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        assert_eq!(entry(&res.body, &n)["nominee_name"], "Phạm Thị Dung");
        let res = app.get(&minutes_path).token(token).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        assert_eq!(
            res.body["nominations"][0]["feedback"][0]["author_name"],
            "Lê Thị Hoa"
        );
    }
    // Others who read the council (its name and members) do not: a staff member and a head
    // of a division below it, an account of its unit that does not sit on it.
    let stranger = app.login("ngoai.hd", PASSWORD).await;
    for token in [&w.member_a, &w.manager_a, &stranger] {
        let res = app.get(&format!("{COUNCILS}/{council}")).token(token).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        app.get(&session_path)
            .token(token)
            .await
            .problem(404, "not_found");
        app.get(&minutes_path)
            .token(token)
            .await
            .problem(404, "not_found");
    }
    // The staff member does not see the nominee through the nomination either.
    app.get(&format!("{NOMINATIONS}/{n}"))
        .token(&w.member_a)
        .await
        .problem(404, "not_found");
}

/// The version in an ETag `"v7"`.
fn version_of(etag: &str) -> i64 {
    etag.trim_matches('"')
        .trim_start_matches('v')
        .parse()
        .unwrap()
}

pub fn is_postgres(app: &TestApp) -> bool {
    matches!(
        *app.state.pool.get().unwrap(),
        thidua::db::AnyConnection::Postgresql(_)
    )
}

/// Runs `work` in a rival write transaction on a thread of its own and returns once it is
/// done, the transaction still open: it commits when the sender is used (see
/// `release_once_blocked`), and the handle answers how it went.
pub async fn hold_uncommitted<E>(
    app: &TestApp,
    work: impl FnOnce(&mut thidua::db::Tx<'_>) -> Result<(), E> + Send + 'static,
) -> (
    std::thread::JoinHandle<Result<(), E>>,
    std::sync::mpsc::Sender<()>,
)
where
    E: From<diesel::result::Error> + Send + 'static,
{
    let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
    let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
    let pool = app.state.pool.clone();
    let rival = std::thread::spawn(move || {
        let mut conn = pool.get().unwrap();
        thidua::db::Writes::write(&mut conn, |tx| {
            work(tx)?;
            done_tx.send(()).unwrap();
            release_rx.recv().unwrap();
            Ok(())
        })
    });
    actix_web::web::block(move || done_rx.recv())
        .await
        .unwrap()
        .expect("the rival's work failed");
    (rival, release_tx)
}

/// Lets a rival transaction go once the request under test waits on its lock: seen on
/// PostgreSQL, assumed after 300 ms on SQLite (where the wait is inside SQLite).
pub async fn release_once_blocked(app: &TestApp, release: std::sync::mpsc::Sender<()>) {
    if is_postgres(app) {
        for _ in 0..100 {
            if lock_waited(app).await {
                break;
            }
            actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    } else {
        actix_web::rt::time::sleep(std::time::Duration::from_millis(300)).await;
    }
    release.send(()).unwrap();
}

/// Whether a connection to the test database waits on a lock (PostgreSQL), the ledger's
/// sealers aside: two of them queue on its head now and then, whatever the test holds.
async fn lock_waited(app: &TestApp) -> bool {
    #[derive(diesel::QueryableByName)]
    struct Waiting {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let pool = app.state.pool.clone();
    actix_web::web::block(move || {
        let mut conn = pool.get().unwrap();
        let thidua::db::AnyConnection::Postgresql(pg) = &mut *conn else {
            return false;
        };
        let rows: Vec<Waiting> = diesel::sql_query(
            "SELECT count(*) AS n FROM pg_stat_activity \
             WHERE datname = current_database() AND wait_event_type = 'Lock' \
             AND query NOT ILIKE '%ledger_head%'",
        )
        .load(pg)
        .unwrap();
        rows[0].n > 0
    })
    .await
    .unwrap()
}

async fn a_nomination_goes_to_one_pending_session_even_when_two_are_scheduled_at_once(
    app: &TestApp,
) {
    let w = work(app).await;
    let (council, _) = board(app, &w, 3).await;
    let n = ldtt(app, &w, &w.staff_b[0]).await;
    let nomination = format!("{NOMINATIONS}/{n}");
    let before = version_of(&etag_of(app, &w.officer, &nomination).await);

    // A first scheduling runs to its last step and waits there, uncommitted, ...
    let council_id = thidua::ids::CouncilId::from(council.clone());
    let nomination_id = thidua::ids::NominationId::from(n.clone());
    let (rival, release_tx) = hold_uncommitted(app, move |conn| {
        use thidua::domain::councils;
        let (c, _) = councils::find(conn, &council_id)?.unwrap();
        let fields = councils::SessionFields {
            title: "Phiên họp xét khen thưởng năm 2025".into(),
            meets_on: chrono::NaiveDate::from_ymd_opt(2025, 12, 15).unwrap(),
            quorum: None,
            nomination_ids: vec![nomination_id],
        };
        let actor = thidua::domain::Actor {
            user_id: None,
            request_id: None,
        };
        councils::create_session(conn, &actor, &c, fields, &|_, _| true)?;
        Ok::<_, thidua::error::ApiError>(())
    })
    .await;
    // ... while a second one over the same nomination starts: it finds the nomination in no
    // other session (the first is not committed), then waits on the first (PostgreSQL's row
    // lock; SQLite's single writer) and fails once the first commits.
    let postgres = is_postgres(app);
    let second = Session::on("2025-12-15", &[&n])
        .title("Phiên họp bổ sung")
        .send(app, &w.officer, &council);
    let release = release_once_blocked(app, release_tx);
    let (res, ()) = futures_util::future::join(second, release).await;
    rival.join().unwrap().unwrap();
    if postgres {
        res.problem(412, "version_mismatch");
    } else {
        res.problem(409, "in_another_session");
    }
    let res = app.get(&sessions(&council)).token(&w.officer).await;
    assert_eq!(res.body["total"], 1, "{}", res.body);
    // Taken by the first session, the nomination moved on one version.
    let after = version_of(&etag_of(app, &w.officer, &nomination).await);
    assert_eq!(after, before + 1);
}

//! Evidence: the workflow with files, who may review, and bad input.

use actix_web::http::StatusCode;
use serde_json::json;

use crate::db_tests;
use crate::fixtures::{Evidence, approve_evidence, edit_staff, move_to, record, submit_evidence};
use crate::harness::TestApp;
use crate::work::{PDF, PNG, multipart, work};

db_tests!(
    the_workflow_runs_with_files_and_history,
    nobody_reviews_their_own_or_outside_their_reach,
    bad_files_are_refused_and_leave_nothing_behind,
    bad_evidence_names_the_field_and_writes_nothing,
    office_documents_are_told_from_their_content,
    a_persons_evidence_follows_them_to_their_new_unit,
);

async fn the_workflow_runs_with_files_and_history(app: &TestApp) {
    let w = work(app).await;
    // The unit head records the division's count and attaches a report.
    let res = Evidence::of_unit(&w.count, &w.division_a)
        .value(3)
        .measured_on("2026-10-31")
        .description("Báo cáo dịch vụ công trực tuyến tháng 10")
        .links(&["https://dichvucong.nghean.gov.vn/bao-cao/10"])
        .self_score(6.0)
        .record(app, &w.manager_a)
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert_eq!(res.body["status"], "draft");
    let id = res.id();
    // The answer to the POST is what a GET reads: no files, the one history entry.
    let read = app
        .get(&format!("/api/v1/evidence/{id}"))
        .token(&w.manager_a)
        .await;
    assert_eq!(res.body, read.body);
    assert_eq!(res.body["files"], json!([]));
    assert_eq!(res.body["history"][0]["to_status"], "draft");

    let (ct, body) = multipart("file", "Báo cáo tháng 10.pdf", "application/pdf", PDF);
    let res = app
        .post(&format!("/api/v1/evidence/{id}/files"))
        .token(&w.manager_a)
        .raw(&ct, body)
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let file = res.body["files"][0].clone();
    assert_eq!(file["file_name"], "Báo cáo tháng 10.pdf");
    assert_eq!(file["content_type"], "application/pdf");
    let file_id = file["id"].as_str().unwrap().to_string();

    // The same content under another name is stored once.
    let (ct, body) = multipart("file", "ban-sao.pdf", "application/octet-stream", PDF);
    let res = app
        .post(&format!("/api/v1/evidence/{id}/files"))
        .token(&w.manager_a)
        .raw(&ct, body)
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert_eq!(res.body["files"].as_array().unwrap().len(), 2);
    let stored: Vec<_> = walk(&app.state.config.data_dir.join("files"));
    assert_eq!(stored.len(), 1, "one content, stored once: {stored:?}");

    // Downloaded with its type and name by those who see the evidence.
    let res = app
        .get(&format!("/api/v1/evidence/{id}/files/{file_id}"))
        .token(&w.officer)
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.bytes, PDF);
    assert_eq!(res.header("content-type"), Some("application/pdf"));
    assert!(
        res.header("content-disposition")
            .unwrap()
            .contains("filename*=UTF-8''B%C3%A1o")
    );
    // Not by a member of the division, nor by anyone outside.
    let res = app
        .get(&format!("/api/v1/evidence/{id}/files/{file_id}"))
        .token(&w.member_a)
        .await;
    res.problem(404, "not_found");

    // Submitted, it no longer changes.
    let res = submit_evidence(app, &w.manager_a, &id).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let etag = res.etag();
    app.patch(&format!("/api/v1/evidence/{id}"))
        .token(&w.manager_a)
        .if_match(&etag)
        .json(json!({"value": 4}))
        .await
        .problem(409, "not_editable");
    let (ct, body) = multipart("file", "anh.png", "image/png", PNG);
    app.post(&format!("/api/v1/evidence/{id}/files"))
        .token(&w.manager_a)
        .raw(&ct, body)
        .await
        .problem(409, "not_editable");
    assert_eq!(
        walk(&app.state.config.data_dir.join("files")).len(),
        1,
        "the refused picture is not left behind"
    );

    // A return needs its reason; the author corrects and submits again.
    move_to(app, &w.officer, &id, json!({"status": "returned"}))
        .await
        .invalid("note");
    let res = move_to(
        app,
        &w.officer,
        &id,
        json!({"status": "returned", "note": "Bổ sung số liệu tháng 10"}),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let res = app
        .patch(&format!("/api/v1/evidence/{id}"))
        .token(&w.manager_a)
        .if_match(&res.etag())
        .json(json!({"value": 4}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    submit_evidence(app, &w.manager_a, &id).await;
    let res = move_to(
        app,
        &w.officer,
        &id,
        json!({"status": "approved", "note": "Đạt", "reviewed_score": 7.5}),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body["reviewed_score"], 7.5);

    // The history tells every move and every change, with who and why.
    let history = res.body["history"].as_array().unwrap().clone();
    let moves: Vec<&str> = history
        .iter()
        .filter(|h| h["from_status"] != h["to_status"])
        .map(|h| h["to_status"].as_str().unwrap())
        .collect();
    assert_eq!(
        moves,
        ["draft", "submitted", "returned", "submitted", "approved"]
    );
    let notes: Vec<&str> = history.iter().filter_map(|h| h["note"].as_str()).collect();
    assert_eq!(
        notes,
        [
            "file added: Báo cáo tháng 10.pdf",
            "file added: ban-sao.pdf",
            "Bổ sung số liệu tháng 10",
            "edited",
            "Đạt"
        ]
    );

    // Decided evidence does not move again.
    move_to(app, &w.manager_a, &id, json!({"status": "withdrawn"}))
        .await
        .problem(409, "transition_not_allowed");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

async fn nobody_reviews_their_own_or_outside_their_reach(app: &TestApp) {
    let w = work(app).await;
    // The author may not approve what they wrote.
    let unit_a = Evidence::of_unit(&w.count, &w.division_a)
        .value(2)
        .submitted(app, &w.manager_a)
        .await;
    approve_evidence(app, &w.manager_a, &unit_a)
        .await
        .problem(403, "forbidden");
    // A member neither sees nor reviews the division's evidence.
    approve_evidence(app, &w.member_a, &unit_a)
        .await
        .problem(404, "not_found");

    // A member's own evidence: they submit it; they may not approve it.
    let own = Evidence::of_staff(&w.individual, &w.staff_a[0])
        .value(1)
        .submitted(app, &w.member_a)
        .await;
    approve_evidence(app, &w.member_a, &own)
        .await
        .problem(403, "forbidden");
    // A member records nothing for a colleague: the colleague is not in their sight.
    Evidence::of_staff(&w.individual, &w.staff_a[1])
        .value(1)
        .record(app, &w.member_a)
        .await
        .invalid("staff_id");

    // The head of division A reviews the staff of A, not A's own collective evidence.
    let by_officer = Evidence::of_unit(&w.count, &w.division_a)
        .value(1)
        .submitted(app, &w.officer)
        .await;
    approve_evidence(app, &w.manager_a, &by_officer)
        .await
        .problem(403, "forbidden");
    let res = approve_evidence(app, &w.manager_a, &own).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);

    // An officer whose own staff record is the subject may not review it.
    let officer_b = app
        .user_for_staff(
            &w.admin,
            "canbo.binh",
            &["officer"],
            Some(&w.office),
            Some(&w.staff_a[1]),
        )
        .await;
    let about_b = Evidence::of_staff(&w.individual, &w.staff_a[1])
        .value(1)
        .submitted(app, &w.manager_a)
        .await;
    approve_evidence(app, &officer_b, &about_b)
        .await
        .problem(403, "forbidden");

    // The head of division B does not see division A's evidence at all.
    let manager_b = app
        .user(
            &w.admin,
            "truongphong.hc",
            &["manager"],
            Some(&w.division_b),
        )
        .await;
    approve_evidence(app, &manager_b, &unit_a)
        .await
        .problem(404, "not_found");
    app.get(&format!("/api/v1/evidence/{unit_a}"))
        .token(&manager_b)
        .await
        .problem(404, "not_found");
    // Another province's officer neither.
    let other = app
        .unit(&w.admin, "HT-UBND", "Ủy ban nhân dân tỉnh Hà Tĩnh", None)
        .await;
    let outsider = app
        .user(&w.admin, "canbo.hatinh", &["officer"], Some(&other))
        .await;
    approve_evidence(app, &outsider, &unit_a)
        .await
        .problem(404, "not_found");
    let list = app.get("/api/v1/evidence").token(&outsider).await;
    assert_eq!(list.body["total"], 0);
    // Council members read but do not review.
    let council = app
        .user(&w.admin, "hoidong.1", &["council"], Some(&w.office))
        .await;
    approve_evidence(app, &council, &unit_a)
        .await
        .problem(403, "forbidden");

    // Editing or submitting someone else's evidence makes it one's own: no review of it.
    let drafted = Evidence::of_staff(&w.individual, &w.staff_a[0])
        .value(0)
        .record(app, &w.member_a)
        .await;
    let res = app
        .patch(&format!("/api/v1/evidence/{}", drafted.id()))
        .token(&w.officer)
        .if_match(&drafted.etag())
        .json(json!({"value": 1}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    submit_evidence(app, &w.member_a, &drafted.id()).await;
    approve_evidence(app, &w.officer, &drafted.id())
        .await
        .problem(403, "forbidden");
    let submitted_by_officer = Evidence::of_unit(&w.score, &w.division_a)
        .value(7)
        .recorded(app, &w.manager_a)
        .await;
    submit_evidence(app, &w.officer, &submitted_by_officer).await;
    approve_evidence(app, &w.officer, &submitted_by_officer)
        .await
        .problem(403, "forbidden");
    // A stale version loses: two reviewers read v2, the second answer is 412.
    let raced = Evidence::of_unit(&w.score, &w.division_a)
        .value(6)
        .submitted(app, &w.manager_a)
        .await;
    let etag = app
        .get(&format!("/api/v1/evidence/{raced}"))
        .token(&w.officer)
        .await
        .etag();
    for (token, expected) in [(&w.officer, 200), (&w.admin, 412)] {
        let res = app
            .post(&format!("/api/v1/evidence/{raced}/status"))
            .token(token)
            .if_match(&etag)
            .json(json!({"status": "returned", "note": "Thiếu số liệu"}))
            .await;
        assert_eq!(res.status.as_u16(), expected, "{}", res.body);
    }

    // The officer of the office reviews; the admin too — but not what the admin wrote.
    let res = approve_evidence(app, &w.officer, &unit_a).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let by_admin = Evidence::of_unit(&w.score, &w.division_b)
        .value(5)
        .submitted(app, &w.admin)
        .await;
    approve_evidence(app, &w.admin, &by_admin)
        .await
        .problem(403, "forbidden");

    // Lists are scoped the same way.
    let mine = app.get("/api/v1/evidence").token(&w.member_a).await;
    assert_eq!(mine.body["total"], 2, "{}", mine.body);
    assert!(mine.ids().contains(&own));
    assert!(mine.column("staff_id").iter().all(|s| *s == w.staff_a[0]));
    // Newest first unless asked otherwise; an unknown order is refused, naming `sort`.
    let oldest_first = app
        .get("/api/v1/evidence?sort=created_at")
        .token(&w.member_a)
        .await;
    let mut newest_first = mine.ids();
    newest_first.reverse();
    assert_eq!(oldest_first.ids(), newest_first);
    assert_eq!(
        app.get("/api/v1/evidence?sort=-created_at")
            .token(&w.member_a)
            .await
            .ids(),
        mine.ids()
    );
    app.get("/api/v1/evidence?sort=score")
        .token(&w.member_a)
        .await
        .invalid("sort");
    let a_only = app
        .get("/api/v1/evidence?subject=collective")
        .token(&w.manager_a)
        .await;
    assert!(
        a_only.body["total"].as_i64().unwrap() >= 2,
        "{}",
        a_only.body
    );
    assert!(
        a_only
            .column("org_unit_id")
            .iter()
            .all(|u| *u == w.division_a)
    );
    // Pages are kept until the next write, by the caller's sight: the same page asked
    // in a row by callers who see different records gives each their own.
    let page = "/api/v1/evidence?subject=collective&per_page=100";
    let everything = app.get(page).token(&w.officer).await;
    assert!(everything.ids().contains(&unit_a), "{}", everything.body);
    let b_sees = app.get(page).token(&manager_b).await;
    assert_eq!(b_sees.status, StatusCode::OK, "{}", b_sees.body);
    assert!(!b_sees.ids().contains(&unit_a), "{}", b_sees.body);
    assert_eq!(app.get(page).token(&outsider).await.body["total"], 0);
    assert_eq!(app.get(page).token(&w.officer).await.body, everything.body);
    // A write shows on the next read of the same page.
    let fresh = Evidence::of_unit(&w.count, &w.division_a)
        .value(3)
        .recorded(app, &w.manager_a)
        .await;
    let after = app.get(page).token(&w.officer).await;
    assert!(after.ids().contains(&fresh), "{}", after.body);
    // A score given on approval stays within the criterion's points.
    let more = Evidence::of_unit(&w.score, &w.division_a)
        .value(8)
        .submitted(app, &w.manager_a)
        .await;
    move_to(
        app,
        &w.officer,
        &more,
        json!({"status": "approved", "reviewed_score": 11}),
    )
    .await
    .invalid("reviewed_score");
    move_to(
        app,
        &w.officer,
        &more,
        json!({"status": "rejected", "reviewed_score": 5, "note": "x"}),
    )
    .await
    .invalid("reviewed_score");
}

async fn bad_files_are_refused_and_leave_nothing_behind(app: &TestApp) {
    let w = work(app).await;
    let id = Evidence::of_unit(&w.count, &w.division_a)
        .value(1)
        .recorded(app, &w.manager_a)
        .await;
    let upload = async |name: &str, part_type: &str, content: &[u8]| {
        let (ct, body) = multipart("file", name, part_type, content);
        app.post(&format!("/api/v1/evidence/{id}/files"))
            .token(&w.manager_a)
            .raw(&ct, body)
            .await
    };
    // A PDF that claims to be a picture, by its name or by its declared type.
    let res = upload("anh-chup.png", "image/png", PDF).await;
    res.invalid("file");
    assert_eq!(res.body["errors"][0]["code"], "type_mismatch");
    upload("bao-cao.pdf", "image/png", PDF)
        .await
        .invalid("file");
    // Text is not an accepted kind, whatever its name.
    upload("bao-cao.pdf", "application/pdf", b"<html>not a pdf</html>")
        .await
        .problem(415, "unsupported_media_type");
    // Empty, and too large (the tests allow 1 MiB).
    upload("rong.pdf", "application/pdf", b"")
        .await
        .invalid("file");
    let mut big = PDF.to_vec();
    big.resize(1024 * 1024 + 1, b' ');
    upload("lon.pdf", "application/pdf", &big)
        .await
        .problem(413, "too_large");
    // A path for a name.
    for name in ["../../etc/passwd.pdf", "thu-muc/bao-cao.pdf", "..\\x.pdf"] {
        upload(name, "application/pdf", PDF)
            .await
            .invalid("file.filename");
    }
    // No file part, and not a form at all.
    let (ct, body) = multipart("other", "bao-cao.pdf", "application/pdf", PDF);
    app.post(&format!("/api/v1/evidence/{id}/files"))
        .token(&w.manager_a)
        .raw(&ct, body)
        .await
        .invalid("file");
    app.post(&format!("/api/v1/evidence/{id}/files"))
        .token(&w.manager_a)
        .raw("application/pdf", PDF)
        .await
        .problem(415, "unsupported_media_type");
    // Someone who may not write the evidence: nothing stored either.
    let council = app
        .user(&w.admin, "hoidong.1", &["council"], Some(&w.office))
        .await;
    let (ct, body) = multipart("file", "anh.png", "image/png", PNG);
    app.post(&format!("/api/v1/evidence/{id}/files"))
        .token(&council)
        .raw(&ct, body)
        .await
        .problem(403, "forbidden");

    let res = app
        .get(&format!("/api/v1/evidence/{id}"))
        .token(&w.manager_a)
        .await;
    assert_eq!(res.body["files"], json!([]));
    assert_eq!(res.body["version"], 1, "nothing was written");
    let stored = walk(&app.state.config.data_dir.join("files"));
    assert!(stored.is_empty(), "no file left behind: {stored:?}");

    // A good picture goes in; taken off again, the evidence has no file.
    let res = upload("anh.png", "image/png", PNG).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let file = res.body["files"][0]["id"].as_str().unwrap().to_string();
    let res = app
        .req(
            actix_web::http::Method::DELETE,
            &format!("/api/v1/evidence/{id}/files/{file}"),
        )
        .token(&w.manager_a)
        .if_match(&res.etag())
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body["files"], json!([]));
}

async fn bad_evidence_names_the_field_and_writes_nothing(app: &TestApp) {
    let w = work(app).await;
    let bad = |body: serde_json::Value, field: &'static str| {
        let token = w.officer.clone();
        async move {
            record(app, &token, body).await.invalid(field);
        }
    };
    // A criterion of the wrong subject kind.
    bad(json!({"criterion_id": w.individual, "year": 2026, "org_unit_id": w.division_a, "value": 1}), "staff_id").await;
    bad(
        json!({"criterion_id": w.count, "year": 2026, "staff_id": w.staff_a[0], "value": 1}),
        "org_unit_id",
    )
    .await;
    // Values outside the measure.
    bad(
        json!({"criterion_id": w.count, "year": 2026, "org_unit_id": w.division_a, "value": 2.5}),
        "value",
    )
    .await;
    bad(
        json!({"criterion_id": w.count, "year": 2026, "org_unit_id": w.division_a, "value": -1}),
        "value",
    )
    .await;
    bad(
        json!({"criterion_id": w.score, "year": 2026, "org_unit_id": w.division_a, "value": 11}),
        "value",
    )
    .await;
    bad(
        json!({"criterion_id": w.individual, "year": 2026, "staff_id": w.staff_a[0], "value": 2}),
        "value",
    )
    .await;
    // A computed percentage takes no value.
    bad(
        json!({"criterion_id": w.computed, "year": 2026, "org_unit_id": w.division_a, "value": 90}),
        "value",
    )
    .await;
    // Dates, scores, links, years and references.
    bad(json!({"criterion_id": w.count, "year": 2026, "org_unit_id": w.division_a, "value": 1, "as_of": "2025-12-31"}), "as_of").await;
    bad(json!({"criterion_id": w.count, "year": 2026, "org_unit_id": w.division_a, "value": 1, "self_score": 9}), "self_score").await;
    bad(json!({"criterion_id": w.count, "year": 2026, "org_unit_id": w.division_a, "value": 1, "links": ["javascript:alert(1)"]}), "links[0]").await;
    bad(
        json!({"criterion_id": w.count, "year": 2031, "org_unit_id": w.division_a, "value": 1}),
        "year",
    )
    .await;
    bad(
        json!({"criterion_id": w.count, "year": 2026, "org_unit_id": w.province, "value": 1}),
        "org_unit_id",
    )
    .await;
    bad(json!({"criterion_id": "019ab0a4-0000-7000-8000-000000000000", "year": 2026, "org_unit_id": w.division_a}), "criterion_id").await;
    bad(
        json!({"criterion_id": w.count, "year": 2026, "org_unit_id": w.division_a, "value": 1e300}),
        "value",
    )
    .await;
    bad(json!({"criterion_id": w.count, "year": 2026, "org_unit_id": w.division_a, "value": 1, "description": "a\u{0}b"}), "description").await;
    bad(json!({"criterion_id": w.count, "year": 2026, "org_unit_id": w.division_a, "value": 1, "as_of": "2099-01-01"}), "as_of").await;
    bad(
        json!({"criterion_id": w.count, "year": "2026", "org_unit_id": w.division_a}),
        "year",
    )
    .await;
    let list = app.get("/api/v1/evidence").token(&w.officer).await;
    assert_eq!(list.body["total"], 0, "nothing written: {}", list.body);
    // A NUL byte in a path or a query is refused before it reaches the database.
    app.get("/api/v1/evidence/%00")
        .token(&w.officer)
        .await
        .problem(400, "malformed_request");
    app.get("/api/v1/evidence?q=a%00b")
        .token(&w.officer)
        .await
        .problem(400, "malformed_request");
    // A filter on a unit that does not exist matches nothing (on PostgreSQL too).
    let res = app
        .get("/api/v1/evidence?org_unit_id=019ab0a4-a000-7000-8000-00000000dead")
        .token(&w.officer)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);

    // Submitting needs the measured value.
    let id = Evidence::of_unit(&w.count, &w.division_a)
        .recorded(app, &w.officer)
        .await;
    submit_evidence(app, &w.officer, &id).await.invalid("value");
}

async fn office_documents_are_told_from_their_content(app: &TestApp) {
    let w = work(app).await;
    let id = Evidence::of_unit(&w.count, &w.division_a)
        .value(1)
        .recorded(app, &w.manager_a)
        .await;
    let fixture = |name: &str| {
        std::fs::read(format!(
            "{}/tests/fixtures/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    };
    let upload = async |name: &str, content: &[u8]| {
        let (ct, body) = multipart("file", name, "application/octet-stream", content);
        app.post(&format!("/api/v1/evidence/{id}/files"))
            .token(&w.manager_a)
            .raw(&ct, body)
            .await
    };
    for (file, kind) in [
        (
            "bao-cao.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "danh-sach.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("bien-ban.odt", "application/vnd.oasis.opendocument.text"),
    ] {
        let res = upload(file, &fixture(file)).await;
        assert_eq!(res.status, StatusCode::CREATED, "{file}: {}", res.body);
        let files = res.body["files"].as_array().unwrap();
        assert_eq!(files.last().unwrap()["content_type"], kind, "{file}");
    }
    // A spreadsheet named as a Word file, and a plain archive named as one.
    upload("bang-tinh.docx", &fixture("danh-sach.xlsx"))
        .await
        .invalid("file");
    upload("tai-lieu.docx", &fixture("not-office.zip"))
        .await
        .problem(415, "unsupported_media_type");
}

async fn a_persons_evidence_follows_them_to_their_new_unit(app: &TestApp) {
    let w = work(app).await;
    let id = Evidence::of_staff(&w.individual, &w.staff_a[1])
        .value(1)
        .approved(app, &w.manager_a, &w.officer)
        .await;
    let before = app
        .get(&format!("/api/v1/evidence/{id}"))
        .token(&w.officer)
        .await;
    let res = edit_staff(
        app,
        &w.admin,
        &w.staff_a[1],
        json!({"org_unit_id": w.division_b}),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    // Division A's deputy head no longer sees it; division B's head does, as a new
    // version.
    let deputy_a = app
        .user(&w.admin, "phophong.th", &["manager"], Some(&w.division_a))
        .await;
    app.get(&format!("/api/v1/evidence/{id}"))
        .token(&deputy_a)
        .await
        .problem(404, "not_found");
    let manager_b = app
        .user(
            &w.admin,
            "truongphong.hc",
            &["manager"],
            Some(&w.division_b),
        )
        .await;
    let after = app
        .get(&format!("/api/v1/evidence/{id}"))
        .token(&manager_b)
        .await;
    assert_eq!(after.status, StatusCode::OK, "{}", after.body);
    assert_eq!(after.body["org_unit_id"], w.division_b.as_str());
    assert_ne!(after.etag(), before.etag());
    // The percentage of staff moves with them: B now has 1 of 3 trained.
    let board = app
        .get(&format!(
            "/api/v1/plans/{}/scores?year=2026&org_unit_id={}",
            w.plan, w.division_b
        ))
        .token(&w.officer)
        .await;
    let cells = board.body["items"][0]["cells"].as_array().unwrap().clone();
    let computed = cells
        .iter()
        .find(|c| c["criterion_id"] == w.computed.as_str())
        .unwrap();
    assert_eq!(computed["achieved_staff"], 1, "{computed}");
    assert_eq!(computed["headcount"], 3, "{computed}");
}

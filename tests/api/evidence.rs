//! Evidence: the workflow with files, who may review, and bad input.

use actix_web::http::StatusCode;
use serde_json::json;

use crate::db_tests;
use crate::harness::TestApp;
use crate::work::{PDF, PNG, move_to, multipart, record, work};

db_tests!(the_workflow_runs_with_files_and_history);

async fn the_workflow_runs_with_files_and_history(app: &TestApp) {
    let w = work(app).await;
    // The unit head records the division's count and attaches a report.
    let res = record(
        app,
        &w.manager_a,
        json!({"criterion_id": w.count, "year": 2026, "org_unit_id": w.division_a, "value": 3,
               "as_of": "2026-10-31", "description": "Báo cáo dịch vụ công trực tuyến tháng 10",
               "links": ["https://dichvucong.nghean.gov.vn/bao-cao/10"], "self_score": 6}),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert_eq!(res.body["status"], "draft");
    let id = res.id();

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
    let res = move_to(app, &w.manager_a, &id, json!({"status": "submitted"})).await;
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
    move_to(app, &w.manager_a, &id, json!({"status": "submitted"})).await;
    let res = move_to(
        app,
        &w.officer,
        &id,
        json!({"status": "approved", "note": "Đạt", "reviewed_score": 7.5}),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body["reviewed_score"], 7.5);

    // The history tells every move, with who and why.
    let history = res.body["history"].as_array().unwrap().clone();
    let moves: Vec<&str> = history
        .iter()
        .map(|h| h["to_status"].as_str().unwrap())
        .collect();
    assert_eq!(
        moves,
        ["draft", "submitted", "returned", "submitted", "approved"]
    );
    assert_eq!(history[2]["note"], "Bổ sung số liệu tháng 10");

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

//! The shape of representative answers, kept as `insta` snapshots under `snapshots/`, so a
//! change of shape shows in review as a changed file. Ids, times and versions are replaced
//! by placeholders (they differ between runs); everything else is compared as it is. A
//! changed shape is accepted by running `INSTA_UPDATE=always cargo test --test api shapes`
//! and committing the snapshot, after reading its diff.

use serde_json::{Map, Value, json};

use crate::db_tests;
use crate::harness::TestApp;
use crate::work::{approved, record, work};

db_tests!(representative_answers_keep_their_shape);

async fn representative_answers_keep_their_shape(app: &TestApp) {
    let w = work(app).await;

    let plan = app
        .get(&format!("/api/v1/plans/{}", w.plan))
        .token(&w.officer)
        .await;
    insta::assert_json_snapshot!("plan", placeholders(plan.body));

    let id = approved(
        app,
        &w.manager_a,
        &w.officer,
        json!({"criterion_id": w.count, "year": 2026, "org_unit_id": w.division_a, "value": 3,
               "as_of": "2026-10-31", "description": "Báo cáo dịch vụ công trực tuyến tháng 10",
               "links": ["https://dichvucong.nghean.gov.vn/bao-cao/10"], "self_score": 6}),
    )
    .await;
    let evidence = app
        .get(&format!("/api/v1/evidence/{id}"))
        .token(&w.officer)
        .await;
    insta::assert_json_snapshot!("approved_evidence", placeholders(evidence.body));

    let refused = record(
        app,
        &w.manager_a,
        json!({"criterion_id": w.count, "year": 1900, "org_unit_id": w.division_a, "value": -1}),
    )
    .await;
    insta::assert_json_snapshot!("refused_evidence", placeholders(refused.body));

    let report = app
        .get(&format!(
            "/api/v1/reports/plans/{}/yearly?year=2026",
            w.plan
        ))
        .token(&w.officer)
        .await;
    insta::assert_json_snapshot!("yearly_report", placeholders(report.body));
}

/// The answer with what differs between runs replaced: ids (UUIDs, and the request id a
/// problem carries), times (`at`, `…_at`; `as_of` stays: the test chose it), versions and
/// the change feed's position.
fn placeholders(value: Value) -> Value {
    match value {
        Value::Object(fields) => Value::Object(
            fields
                .into_iter()
                .map(|(key, v)| {
                    let v = match key.as_str() {
                        "version" | "data_version" => json!("[version]"),
                        "at" => json!("[time]"),
                        "request_id" | "instance" => json!("[request]"),
                        k if k.ends_with("_at") && !v.is_null() => json!("[time]"),
                        _ => placeholders(v),
                    };
                    (key, v)
                })
                .collect::<Map<_, _>>(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(placeholders).collect()),
        Value::String(s) if is_uuid(&s) => json!("[id]"),
        Value::String(s) => Value::String(replace_uuids(&s)),
        other => other,
    }
}

fn is_uuid(s: &str) -> bool {
    uuid::Uuid::parse_str(s).is_ok() && s.len() == 36
}

/// UUIDs inside a longer string (a link, a path).
fn replace_uuids(s: &str) -> String {
    s.split('/')
        .map(|part| if is_uuid(part) { "[id]" } else { part })
        .collect::<Vec<_>>()
        .join("/")
}

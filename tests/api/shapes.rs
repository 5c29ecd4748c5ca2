//! The shape of representative answers, kept as `insta` snapshots under `snapshots/`, so a
//! change of shape shows in review as a changed file. Ids, times and versions are replaced
//! by placeholders (they differ between runs); everything else is compared as it is. A
//! changed shape is accepted by running `INSTA_UPDATE=always cargo test --test api shapes`
//! and committing the snapshot, after reading its diff. Each is also held to its schema in
//! the committed OpenAPI document.

use serde_json::{Map, Value, json};

use crate::db_tests;
use crate::fixtures::{Evidence, record};
use crate::harness::TestApp;
use crate::openapi_contract::assert_documented;
use crate::work::work;

db_tests!(representative_answers_keep_their_shape);

async fn representative_answers_keep_their_shape(app: &TestApp) {
    let w = work(app).await;

    let plan = app
        .get(&format!("/api/v1/plans/{}", w.plan))
        .token(&w.officer)
        .await;
    assert_documented("PlanResponse", &plan.body);
    insta::assert_json_snapshot!("plan", placeholders(plan.body));

    let id = Evidence::of_unit(&w.count, &w.division_a)
        .value(3)
        .measured_on("2026-10-31")
        .description("Báo cáo dịch vụ công trực tuyến tháng 10")
        .links(&["https://dichvucong.nghean.gov.vn/bao-cao/10"])
        .self_score(6.0)
        .approved(app, &w.manager_a, &w.officer)
        .await;
    let evidence = app
        .get(&format!("/api/v1/evidence/{id}"))
        .token(&w.officer)
        .await;
    assert_documented("EvidenceResponse", &evidence.body);
    insta::assert_json_snapshot!("approved_evidence", placeholders(evidence.body));

    let refused = record(
        app,
        &w.manager_a,
        json!({"criterion_id": w.count, "year": 1900, "org_unit_id": w.division_a, "value": -1}),
    )
    .await;
    assert_documented("Problem", &refused.body);
    insta::assert_json_snapshot!("refused_evidence", placeholders(refused.body));

    let report = app
        .get(&format!(
            "/api/v1/reports/plans/{}/yearly?year=2026",
            w.plan
        ))
        .token(&w.officer)
        .await;
    assert_documented("YearlyReport", &report.body);
    insta::assert_json_snapshot!("yearly_report", placeholders(report.body));

    // The document people sign: its text, paragraph by paragraph (a table's cells one per
    // line), with the day it was made as a placeholder.
    let docx = app
        .get(&format!(
            "/api/v1/reports/plans/{}/yearly?year=2026&format=docx",
            w.plan
        ))
        .token(&w.officer)
        .await;
    assert_eq!(docx.status, 200, "{}", docx.body);
    insta::assert_snapshot!("yearly_report_docx", document_text(&docx.bytes));
}

/// The text of a Word document's paragraphs, one a line, today's date replaced.
fn document_text(docx: &[u8]) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).expect("a zip package");
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .expect("word/document.xml")
        .read_to_string(&mut xml)
        .expect("UTF-8 XML");
    let today = (chrono::Utc::now() + chrono::Duration::hours(7)).date_naive();
    let (d, m, y) = (
        today.format("%d").to_string(),
        today.format("%m").to_string(),
        today.format("%Y").to_string(),
    );
    xml.split("</w:p>")
        .map(|paragraph| {
            let mut text = String::new();
            for run in paragraph.split("<w:t").skip(1) {
                // `<w:t>` or `<w:t xml:space="preserve">`, never `<w:tbl…` or `<w:tc…`.
                let Some(rest) = run.strip_prefix('>').or_else(|| {
                    run.strip_prefix(' ')
                        .and_then(|r| r.split_once('>').map(|(_, t)| t))
                }) else {
                    continue;
                };
                text.push_str(rest.split("</w:t>").next().unwrap_or(""));
            }
            text.replace("&amp;", "&")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace(
                    &format!("ngày {d} tháng {m} năm {y}"),
                    "ngày [dd] tháng [mm] năm [yyyy]",
                )
                .replace(&format!("{d}/{m}/{y}"), "[dd/mm/yyyy]")
        })
        .map(|line| mask_times(&line))
        .filter(|line| !line.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n")
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

/// Times of day (`07:24`, `07:24:00`) as placeholders: the document says when it was made.
fn mask_times(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    let digits = |at: usize| chars.get(at).is_some_and(char::is_ascii_digit);
    while i < chars.len() {
        if digits(i)
            && digits(i + 1)
            && chars.get(i + 2) == Some(&':')
            && digits(i + 3)
            && digits(i + 4)
        {
            let seconds = chars.get(i + 5) == Some(&':') && digits(i + 6) && digits(i + 7);
            out.push_str(if seconds { "[hh:mm:ss]" } else { "[hh:mm]" });
            i += if seconds { 8 } else { 5 };
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

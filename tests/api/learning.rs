//! Learning records (Bình dân học vụ số): importing completed courses from CSV or JSON as
//! approved evidence, what is refused and why, and how the imports move the boards.

use actix_web::http::StatusCode;
use serde_json::{Value, json};

use crate::db_tests;
use crate::fixtures::{Criterion, Plan, Registration, Staff, edit_staff, staff_leaves};
use crate::harness::{Res, TestApp};
use crate::work::{Work, work};

db_tests!(
    csv_rows_go_in_and_bad_rows_are_answered_with_their_line,
    importing_again_adds_nothing,
    the_json_form_numbers_records,
    json_values_are_read_like_csv_cells,
    a_dry_run_writes_nothing,
    unreadable_files_write_nothing,
    other_content_types_are_refused,
    members_may_not_import,
    only_individual_yes_no_or_count_criteria_take_records,
    rows_outside_the_importers_reach_are_rejected,
    the_computed_share_follows_imports_and_archives,
    units_whose_staff_have_records_are_on_the_board,
    a_hundred_thousand_rows_in_one_request,
    records_are_stored_as_written,
    an_import_meeting_records_committed_meanwhile_writes_nothing,
);

/// Gives the fixture's staff codes and e-mails: division A `NA-A1`… (`a1@nghean.gov.vn`…),
/// division B `NA-B1`… (`b1@nghean.gov.vn`…).
async fn with_codes(app: &TestApp) -> Work {
    let w = work(app).await;
    let people = w
        .staff_a
        .iter()
        .enumerate()
        .map(|(i, id)| (id, format!("A{}", i + 1)))
        .chain(
            w.staff_b
                .iter()
                .enumerate()
                .map(|(i, id)| (id, format!("B{}", i + 1))),
        )
        .collect::<Vec<_>>();
    for (id, key) in people {
        let res = edit_staff(
            app,
            &w.admin,
            id,
            json!({"staff_code": format!("NA-{key}"),
                   "email": format!("{}@nghean.gov.vn", key.to_lowercase())}),
        )
        .await;
        assert_eq!(res.status, StatusCode::OK, "codes for {key}: {}", res.body);
    }
    w
}

/// Creates a staff member with a code (as `token`) and returns its id.
async fn coded_staff(app: &TestApp, token: &str, unit: &str, name: &str, code: &str) -> String {
    Staff::of(unit, name).code(code).added(app, token).await
}

fn import_path(criterion: &str, dry_run: bool) -> String {
    let mut path = format!("/api/v1/learning-records/import?criterion_id={criterion}");
    if dry_run {
        path.push_str("&dry_run=true");
    }
    path
}

async fn import_csv(app: &TestApp, token: &str, criterion: &str, csv: impl Into<Vec<u8>>) -> Res {
    app.post(&import_path(criterion, false))
        .token(token)
        .raw("text/csv", csv)
        .await
}

async fn import_json(app: &TestApp, token: &str, criterion: &str, records: Value) -> Res {
    app.post(&import_path(criterion, false))
        .token(token)
        .json(json!({ "records": records }))
        .await
}

/// Asserts a 200 answer with these counts, and returns the rejected rows as
/// (line, field).
fn report(res: &Res, received: u64, imported: u64, duplicates: u64) -> Vec<(u64, String)> {
    assert_eq!(res.status, StatusCode::OK, "import: {}", res.body);
    assert_eq!(res.body["received"], received, "received: {}", res.body);
    assert_eq!(res.body["imported"], imported, "imported: {}", res.body);
    assert_eq!(
        res.body["duplicates"], duplicates,
        "duplicates: {}",
        res.body
    );
    res.body["rejected"]
        .as_array()
        .expect("rejected")
        .iter()
        .map(|r| {
            assert!(
                r["reason"].as_str().is_some_and(|s| !s.is_empty()),
                "a reason for each rejected row: {r}"
            );
            (
                r["line"].as_u64().expect("line"),
                r["field"].as_str().expect("field").to_string(),
            )
        })
        .collect()
}

fn rejected(rows: &[(u64, &str)]) -> Vec<(u64, String)> {
    rows.iter().map(|(l, f)| (*l, f.to_string())).collect()
}

/// The imported evidence of a criterion, as the admin sees it.
async fn imported(app: &TestApp, w: &Work, criterion: &str) -> Res {
    let res = app
        .get(&format!(
            "/api/v1/evidence?criterion_id={criterion}&source=import&per_page=200"
        ))
        .token(&w.admin)
        .await;
    assert_eq!(res.status, StatusCode::OK, "evidence list: {}", res.body);
    res
}

async fn imported_total(app: &TestApp, w: &Work) -> i64 {
    imported(app, w, &w.individual).await.body["total"]
        .as_i64()
        .expect("total")
}

/// The staff ids of the imported evidence of `individual`, sorted.
async fn imported_staff(app: &TestApp, w: &Work) -> Vec<String> {
    let mut ids = imported(app, w, &w.individual).await.column("staff_id");
    ids.sort();
    ids
}

fn sorted(ids: &[&String]) -> Vec<String> {
    let mut ids: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
    ids.sort();
    ids
}

const HEADER: &str = "staff_code,email,course_code,completed_on,course_title,certificate_id\n";

async fn csv_rows_go_in_and_bad_rows_are_answered_with_their_line(app: &TestApp) {
    let w = with_codes(app).await;
    let csv = format!(
        "{HEADER}\
         NA-A1,,BDHVS-01,2026-05-20,Kỹ năng số cơ bản,CC-2026-000123\n\
         NA-A2,,BDHVS-01,20/05/2026,Kỹ năng số cơ bản,CC-2026-000124\n\
         NA-X9,,BDHVS-01,2026-05-20,Kỹ năng số cơ bản,\n\
         NA-A3,,BDHVS-01,2026-02-30,Kỹ năng số cơ bản,\n\
         \n\
         NA-A3,,BDHVS-01,2024-06-01,Kỹ năng số cơ bản,\n\
         ,a3@nghean.gov.vn,BDHVS-02,2026-06-01,An toàn thông tin,\n\
         na-a1,,BDHVS-01,2026-05-20,Kỹ năng số cơ bản,CC-2026-000123\n\
         NA-A2,,,2026-05-20,,\n\
         NA-B1,,BDHVS-04,2026-07-01,\"Kỹ năng số\nnâng cao, phần 1\",\n\
         NA-X8,,BDHVS-04,2026-07-01,,\n\
         NA-A3,,BDHVS-04\n"
    );
    let res = import_csv(app, &w.officer, &w.individual, csv).await;
    let bad = report(&res, 11, 4, 1);
    // A quoted title over two lines (11–12) keeps the later lines right.
    assert_eq!(
        bad,
        rejected(&[
            (4, "staff_code"),
            (5, "completed_on"),
            (7, "completed_on"),
            (10, "course_code"),
            (13, "staff_code"),
            (14, "row"),
        ]),
        "{}",
        res.body
    );
    assert_eq!(res.body["criterion_id"], w.individual.as_str());
    assert_eq!(res.body["dry_run"], false);

    // Each row went in as approved evidence of the individual criterion, worth 1.
    let list = imported(app, &w, &w.individual).await;
    assert_eq!(list.body["total"], 4, "{}", list.body);
    for e in list.items() {
        assert_eq!(e["status"], "approved", "{e}");
        assert_eq!(e["source"], "import", "{e}");
        assert_eq!(e["value"], 1.0, "{e}");
        assert_eq!(e["year"], 2026, "{e}");
        assert_eq!(e["criterion_id"], w.individual.as_str(), "{e}");
        let unit = if e["staff_id"] == w.staff_b[0].as_str() {
            &w.division_b
        } else {
            &w.division_a
        };
        assert_eq!(e["org_unit_id"], unit.as_str(), "{e}");
    }
    assert_eq!(
        imported_staff(app, &w).await,
        sorted(&[&w.staff_a[0], &w.staff_a[1], &w.staff_a[2], &w.staff_b[0]])
    );
    let of_a2 = list
        .items()
        .into_iter()
        .find(|e| e["staff_id"] == w.staff_a[1].as_str())
        .unwrap();
    assert_eq!(of_a2["as_of"], "2026-05-20", "{of_a2}");
    assert!(
        of_a2["description"]
            .as_str()
            .is_some_and(|d| d.contains("BDHVS-01") && d.contains("Kỹ năng số cơ bản")),
        "{of_a2}"
    );
    // Nothing else of the criterion was touched.
    let res = app
        .get(&format!(
            "/api/v1/evidence?criterion_id={}&source=manual",
            w.individual
        ))
        .token(&w.admin)
        .await;
    assert_eq!(res.body["total"], 0, "{}", res.body);

    // Semicolons, a byte-order mark, CRLF and Vietnamese dates as Excel writes them.
    let csv = "\u{feff}email;course_code;completed_on;full_name\r\n\
               b1@nghean.gov.vn;BDHVS-03;01/07/2026;Phạm Thị Dung\r\n\
               B2@NGHEAN.GOV.VN;BDHVS-03;30/09/2026;Hoàng Văn Đức\r\n\
               b2@nghean.gov.vn;BDHVS-03;31/13/2026;Hoàng Văn Đức\r\n";
    let res = import_csv(app, &w.officer, &w.individual, csv).await;
    let bad = report(&res, 3, 2, 0);
    assert_eq!(bad, rejected(&[(4, "completed_on")]), "{}", res.body);
    assert_eq!(imported_total(app, &w).await, 6);
}

async fn importing_again_adds_nothing(app: &TestApp) {
    let w = with_codes(app).await;
    let csv = format!(
        "{HEADER}\
         NA-A1,,BDHVS-01,2026-05-20,Kỹ năng số cơ bản,\n\
         NA-A1,,BDHVS-02,2026-06-20,An toàn thông tin,\n\
         NA-A2,,BDHVS-01,2026-05-21,Kỹ năng số cơ bản,\n\
         NA-X9,,BDHVS-01,2026-05-21,,\n\
         NA-B1,,BDHVS-01,2025-12-05,,\n"
    );
    let first = import_csv(app, &w.officer, &w.individual, csv.clone()).await;
    assert_eq!(report(&first, 5, 4, 0), rejected(&[(5, "staff_code")]));
    assert_eq!(imported_total(app, &w).await, 4);

    // The same file again: every good row is a duplicate, the bad one is still bad.
    let again = import_csv(app, &w.officer, &w.individual, csv.clone()).await;
    assert_eq!(report(&again, 5, 0, 4), rejected(&[(5, "staff_code")]));
    assert_eq!(imported_total(app, &w).await, 4);

    // By e-mail, in the other date spelling, by another importer: still the same records.
    let csv = "email,course_code,completed_on\n\
               a1@nghean.gov.vn,BDHVS-01,20/05/2026\n\
               a2@nghean.gov.vn,BDHVS-01,21/05/2026\n\
               a2@nghean.gov.vn,BDHVS-01,22/05/2026\n";
    let res = import_csv(app, &w.manager_a, &w.individual, csv).await;
    assert_eq!(report(&res, 3, 1, 2), rejected(&[]));
    assert_eq!(imported_total(app, &w).await, 5);

    // The same rows as JSON are duplicates too.
    let res = import_json(
        app,
        &w.officer,
        &w.individual,
        json!([
            {"staff_code": "NA-A1", "course_code": "BDHVS-02", "completed_on": "2026-06-20"},
            {"staff_code": "NA-B1", "course_code": "BDHVS-01", "completed_on": "05/12/2025"},
        ]),
    )
    .await;
    assert_eq!(report(&res, 2, 0, 2), rejected(&[]));
    assert_eq!(imported_total(app, &w).await, 5);
}

async fn the_json_form_numbers_records(app: &TestApp) {
    let w = with_codes(app).await;
    let res = import_json(
        app,
        &w.officer,
        &w.individual,
        json!([
            {"staff_code": "NA-A1", "course_code": "BDHVS-01", "course_title": "Kỹ năng số cơ bản",
             "completed_on": "2026-05-20", "certificate_id": "CC-2026-000123",
             "certificate_url": "https://binhdanhocvuso.gov.vn/chung-chi/CC-2026-000123",
             "full_name": "Nguyễn Văn An"},
            {"email": "b2@nghean.gov.vn", "course_code": "BDHVS-01", "completed_on": "15/08/2026"},
            {"staff_code": "NA-Z1", "course_code": "BDHVS-01", "completed_on": "2026-05-20"},
            {"staff_code": "NA-A2", "course_code": "BDHVS-01", "completed_on": "2031-01-01"},
            {"staff_code": "NA-A3", "course_code": "BDHVS-01", "completed_on": "2026-05-20",
             "certificate_url": "ftp://binhdanhocvuso.gov.vn/cc"},
            {"course_code": "BDHVS-01", "completed_on": "2026-05-20"},
            {"staff_code": "NA-A1", "course_code": "BDHVS-01", "completed_on": "2026-05-20"},
        ]),
    )
    .await;
    let bad = report(&res, 7, 2, 1);
    assert_eq!(
        bad,
        rejected(&[
            (3, "staff_code"),
            (4, "completed_on"),
            (5, "certificate_url"),
            (6, "staff_code"),
        ]),
        "{}",
        res.body
    );
    assert_eq!(
        imported_staff(app, &w).await,
        sorted(&[&w.staff_a[0], &w.staff_b[1]])
    );
    let list = imported(app, &w, &w.individual).await;
    let of_a1 = list
        .items()
        .into_iter()
        .find(|e| e["staff_id"] == w.staff_a[0].as_str())
        .unwrap();
    assert!(
        of_a1["links"].to_string().contains("CC-2026-000123"),
        "the certificate's link: {of_a1}"
    );

    // A body that is not the JSON form writes nothing.
    let res = app
        .post(&import_path(&w.individual, false))
        .token(&w.officer)
        .json(json!({"rows": []}))
        .await;
    assert!(res.status.is_client_error(), "{}: {}", res.status, res.body);
    let res = app
        .post(&import_path(&w.individual, false))
        .token(&w.officer)
        .raw("application/json", "{\"records\": [")
        .await;
    assert!(res.status.is_client_error(), "{}: {}", res.status, res.body);
    assert_eq!(imported_total(app, &w).await, 2);
}

/// A JSON record's values are read as a CSV file's cells are: around spaces do not make
/// another course, date or person.
async fn json_values_are_read_like_csv_cells(app: &TestApp) {
    let w = with_codes(app).await;
    let csv = "staff_code,course_code,completed_on\nNA-A1,BDHVS-01,2026-05-20\n";
    let res = import_csv(app, &w.officer, &w.individual, csv).await;
    assert_eq!(report(&res, 1, 1, 0), rejected(&[]));
    let res = import_json(
        app,
        &w.officer,
        &w.individual,
        json!([
            {"staff_code": "NA-A1", "course_code": "BDHVS-01 ", "completed_on": "2026-05-20"},
            {"staff_code": " NA-A2 ", "course_code": " BDHVS-01 ", "completed_on": " 2026-05-20 "},
        ]),
    )
    .await;
    assert_eq!(
        report(&res, 2, 1, 1),
        rejected(&[]),
        "\"BDHVS-01 \" is the course already recorded, \" 2026-05-20 \" a date: {}",
        res.body
    );
    assert_eq!(imported_total(app, &w).await, 2);
}

async fn a_dry_run_writes_nothing(app: &TestApp) {
    let w = with_codes(app).await;
    let csv = format!(
        "{HEADER}\
         NA-A1,,BDHVS-01,2026-05-20,,\n\
         NA-A2,,BDHVS-01,2026-05-20,,\n\
         NA-A2,,BDHVS-01,2026-05-20,,\n\
         NA-X9,,BDHVS-01,2026-05-20,,\n"
    );
    let res = app
        .post(&import_path(&w.individual, true))
        .token(&w.officer)
        .raw("text/csv", csv.clone())
        .await;
    assert_eq!(report(&res, 4, 2, 1), rejected(&[(5, "staff_code")]));
    assert_eq!(res.body["dry_run"], true);
    assert_eq!(imported_total(app, &w).await, 0);
    let board = individual_board(app, &w).await;
    for id in &w.staff_a {
        if let Some(cell) = individual_cell(&board, id, &w.individual) {
            assert!(cell["value"].is_null(), "nothing recorded: {cell}");
        }
    }

    // The real import does what the dry run said.
    let res = import_csv(app, &w.officer, &w.individual, csv.clone()).await;
    assert_eq!(report(&res, 4, 2, 1), rejected(&[(5, "staff_code")]));
    assert_eq!(res.body["dry_run"], false);
    assert_eq!(imported_total(app, &w).await, 2);

    // A dry run after it sees the rows as recorded.
    let res = app
        .post(&import_path(&w.individual, true))
        .token(&w.officer)
        .raw("text/csv", csv)
        .await;
    assert_eq!(report(&res, 4, 0, 3), rejected(&[(5, "staff_code")]));
    assert_eq!(imported_total(app, &w).await, 2);
}

fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    let mut out = if big_endian {
        vec![0xFE, 0xFF]
    } else {
        vec![0xFF, 0xFE]
    };
    for u in text.encode_utf16() {
        let bytes = if big_endian {
            u.to_be_bytes()
        } else {
            u.to_le_bytes()
        };
        out.extend_from_slice(&bytes);
    }
    out
}

async fn unreadable_files_write_nothing(app: &TestApp) {
    let w = with_codes(app).await;
    let good =
        "staff_code,course_code,completed_on,course_title\nNA-A1,BDHVS-01,2026-05-20,Kỹ năng số\n";
    let res = import_csv(app, &w.officer, &w.individual, good).await;
    report(&res, 1, 1, 0);
    assert_eq!(imported_total(app, &w).await, 1);

    let good_rows = "NA-A2,BDHVS-01,2026-05-20,Kỹ năng số\nNA-A3,BDHVS-01,2026-05-20,Kỹ năng số\n";
    let mut files: Vec<(&str, Vec<u8>)> = vec![
        (
            "an unknown column",
            format!("staff_code,course_code,completed_on,ghi_chu\n{good_rows}").into_bytes(),
        ),
        (
            "Vietnamese column names",
            format!("ma_can_bo,ma_khoa_hoc,ngay_hoan_thanh,ten_khoa_hoc\n{good_rows}").into_bytes(),
        ),
        (
            "no completed_on column",
            "staff_code,course_code,course_title\nNA-A2,BDHVS-01,Kỹ năng số\n"
                .as_bytes()
                .to_vec(),
        ),
        (
            "no course_code column",
            "staff_code,completed_on\nNA-A2,2026-05-20\n"
                .as_bytes()
                .to_vec(),
        ),
        (
            "no staff_code or email column",
            "full_name,course_code,completed_on\nTrần Thị Bình,BDHVS-01,2026-05-20\n"
                .as_bytes()
                .to_vec(),
        ),
        ("an empty body", Vec::new()),
        (
            "UTF-16LE",
            utf16(
                &format!("staff_code,course_code,completed_on,course_title\n{good_rows}"),
                false,
            ),
        ),
        (
            "UTF-16BE",
            utf16(
                &format!("staff_code,course_code,completed_on,course_title\n{good_rows}"),
                true,
            ),
        ),
    ];
    // Windows-1258 (what Excel writes as plain "CSV" on a Vietnamese Windows): good rows
    // first, the bad bytes on the last line.
    let mut cp1258 = format!("staff_code,course_code,completed_on,course_title\n{good_rows}")
        .as_bytes()
        .to_vec();
    cp1258.extend_from_slice(b"NA-B1,BDHVS-01,2026-05-20,K\xF5 n\xE3ng s\xF4\n");
    files.push(("Windows-1258", cp1258));
    // Latin-1 in the header itself.
    files.push((
        "Latin-1 in the header",
        b"staff_code,course_code,completed_on,cours\xE9\nNA-A2,BDHVS-01,2026-05-20,x\n".to_vec(),
    ));
    for (what, bytes) in files {
        let res = import_csv(app, &w.officer, &w.individual, bytes.clone()).await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{what}: {}",
            res.body
        );
        res.invalid("file");
        // A dry run is refused alike.
        let res = app
            .post(&import_path(&w.individual, true))
            .token(&w.officer)
            .raw("text/csv", bytes)
            .await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{what}: {}",
            res.body
        );
        res.invalid("file");
        assert_eq!(imported_total(app, &w).await, 1, "{what} wrote nothing");
    }
    assert_eq!(imported_staff(app, &w).await, sorted(&[&w.staff_a[0]]));
}

async fn other_content_types_are_refused(app: &TestApp) {
    let w = with_codes(app).await;
    let csv = "staff_code,course_code,completed_on\nNA-A1,BDHVS-01,2026-05-20\n";
    for content_type in [
        "text/plain",
        "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/octet-stream",
        "multipart/form-data; boundary=x",
    ] {
        let res = app
            .post(&import_path(&w.individual, false))
            .token(&w.officer)
            .raw(content_type, csv)
            .await;
        res.problem(415, "unsupported_media_type");
    }
    // No content type at all.
    let res = app
        .post(&import_path(&w.individual, false))
        .token(&w.officer)
        .send()
        .await;
    res.problem(415, "unsupported_media_type");
    assert_eq!(imported_total(app, &w).await, 0);

    // Parameters and case do not matter.
    let res = app
        .post(&import_path(&w.individual, false))
        .token(&w.officer)
        .raw("Text/CSV; charset=utf-8", csv)
        .await;
    assert_eq!(report(&res, 1, 1, 0), rejected(&[]));
    assert_eq!(imported_total(app, &w).await, 1);
}

async fn members_may_not_import(app: &TestApp) {
    let w = with_codes(app).await;
    let csv = "staff_code,course_code,completed_on\nNA-A1,BDHVS-01,2026-05-20\nNA-A2,BDHVS-01,2026-05-20\n";
    let res = import_csv(app, &w.member_a, &w.individual, csv).await;
    res.problem(403, "forbidden");
    let res = import_json(
        app,
        &w.member_a,
        &w.individual,
        json!([{"staff_code": "NA-A1", "course_code": "BDHVS-01", "completed_on": "2026-05-20"}]),
    )
    .await;
    res.problem(403, "forbidden");
    let res = app
        .post(&import_path(&w.individual, true))
        .token(&w.member_a)
        .raw("text/csv", csv)
        .await;
    res.problem(403, "forbidden");
    // Without a token: 401.
    let res = app
        .post(&import_path(&w.individual, false))
        .raw("text/csv", csv)
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{}", res.body);
    assert_eq!(imported_total(app, &w).await, 0);
}

async fn only_individual_yes_no_or_count_criteria_take_records(app: &TestApp) {
    let w = with_codes(app).await;
    let csv = "staff_code,course_code,completed_on\nNA-A1,BDHVS-01,2026-05-20\n";
    for (what, criterion) in [
        ("collective count", w.count.as_str()),
        (
            "collective percent computed from staff",
            w.computed.as_str(),
        ),
        ("collective score", w.score.as_str()),
        ("no such criterion", "019ab0a4-bf60-7152-8d43-5e6f708192a4"),
        ("not an id", "CN1"),
    ] {
        let res = import_csv(app, &w.officer, criterion, csv).await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{what}: {}",
            res.body
        );
        res.invalid("criterion_id");
    }
    let res = app
        .post("/api/v1/learning-records/import")
        .token(&w.officer)
        .raw("text/csv", csv)
        .await;
    res.invalid("criterion_id");
    // A plan not visible to the importer is as unknown as no plan.
    let foreign_criterion = {
        let elsewhere = app
            .unit(
                &w.admin,
                "NA-STTTT",
                "Sở Thông tin và Truyền thông",
                Some(&w.province),
            )
            .await;
        let officer = app
            .user(&w.admin, "canbo.stttt", &["officer"], Some(&elsewhere))
            .await;
        let plan = Plan::of(&elsewhere)
            .title("Kế hoạch chuyển đổi số")
            .number("3/KH-STTTT")
            .draft(app, &officer)
            .await;
        Criterion::individual("CN1", "Hoàn thành khóa học")
            .boolean(5.0)
            .add_to(app, &officer, &plan)
            .await
    };
    let res = import_csv(app, &w.manager_a, &foreign_criterion, csv).await;
    res.invalid("criterion_id");
    assert_eq!(imported_total(app, &w).await, 0);
    for criterion in [&w.count, &w.computed, &w.score] {
        assert_eq!(imported(app, &w, criterion).await.body["total"], 0);
    }

    // An individual percent is not a course; an individual count is.
    let percent = Criterion::individual("CN2", "Tỷ lệ hồ sơ xử lý đúng hạn")
        .percent(100.0, 5.0)
        .amendment("Bổ sung theo Công văn số 100/VP-TĐKT")
        .add_to(app, &w.officer, &w.plan)
        .await;
    let courses = Criterion::individual("CN3", "Số khóa học kỹ năng số đã hoàn thành")
        .count(3.0, 6.0)
        .amendment("Bổ sung theo Công văn số 100/VP-TĐKT")
        .add_to(app, &w.officer, &w.plan)
        .await;
    import_csv(app, &w.officer, &percent, csv)
        .await
        .invalid("criterion_id");
    let three = "staff_code,course_code,completed_on\n\
                 NA-A1,BDHVS-01,2026-05-20\nNA-A1,BDHVS-02,2026-06-20\nNA-A1,BDHVS-03,2026-07-20\n\
                 NA-A2,BDHVS-01,2026-05-20\n";
    let res = import_csv(app, &w.officer, &courses, three).await;
    assert_eq!(report(&res, 4, 4, 0), rejected(&[]));
    assert_eq!(imported(app, &w, &courses).await.body["total"], 4);
    let board = individual_board(app, &w).await;
    let cell = individual_cell(&board, &w.staff_a[0], &courses).expect("A1 on the board");
    assert_eq!(cell["value"], 3.0, "three courses count 3: {cell}");
    let cell = individual_cell(&board, &w.staff_a[1], &courses).expect("A2 on the board");
    assert_eq!(cell["value"], 1.0, "{cell}");

    // An amended criterion takes no records under its old version.
    let res = app
        .get(&format!("/api/v1/criteria/{}", w.individual))
        .token(&w.officer)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let res = app
        .patch(&format!("/api/v1/criteria/{}", w.individual))
        .token(&w.officer)
        .if_match(&res.etag())
        .json(
            json!({"max_points": 6, "amendment_reason": "Điều chỉnh theo Công văn số 101/VP-TĐKT"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "amend: {}", res.body);
    let new_version = res.id();
    assert_ne!(
        new_version, w.individual,
        "an issued plan's criterion is amended as a new version"
    );
    import_csv(app, &w.officer, &w.individual, csv)
        .await
        .invalid("criterion_id");
    let res = import_csv(app, &w.officer, &new_version, csv).await;
    assert_eq!(report(&res, 1, 1, 0), rejected(&[]));
}

async fn rows_outside_the_importers_reach_are_rejected(app: &TestApp) {
    let w = with_codes(app).await;
    // The head of division A records for division A only.
    let csv = "staff_code,course_code,completed_on\n\
               NA-A1,BDHVS-01,2026-05-20\n\
               NA-B1,BDHVS-01,2026-05-20\n\
               NA-A2,BDHVS-01,2026-05-20\n\
               NA-B2,BDHVS-01,2026-05-20\n";
    let res = import_csv(app, &w.manager_a, &w.individual, csv).await;
    assert_eq!(
        report(&res, 4, 2, 0),
        rejected(&[(3, "staff_code"), (5, "staff_code")]),
        "{}",
        res.body
    );
    assert_eq!(
        imported_staff(app, &w).await,
        sorted(&[&w.staff_a[0], &w.staff_a[1]])
    );
    // By e-mail alike.
    let csv = "email,course_code,completed_on\nb1@nghean.gov.vn,BDHVS-02,2026-05-20\n";
    let res = import_csv(app, &w.manager_a, &w.individual, csv).await;
    assert_eq!(report(&res, 1, 0, 0), rejected(&[(2, "email")]));
    // The office's officer reaches both divisions.
    let csv = "staff_code,course_code,completed_on\nNA-B1,BDHVS-01,2026-05-20\nNA-B2,BDHVS-01,2026-05-20\n";
    let res = import_csv(app, &w.officer, &w.individual, csv).await;
    assert_eq!(report(&res, 2, 2, 0), rejected(&[]));
    assert_eq!(imported_total(app, &w).await, 4);

    // A unit head who is also on the staff does not approve their own record.
    let head = app
        .user_for_staff(
            &w.admin,
            "pp.binh",
            &["manager"],
            Some(&w.division_a),
            Some(&w.staff_a[1]),
        )
        .await;
    let csv = "staff_code,course_code,completed_on\nNA-A2,BDHVS-05,2026-08-01\nNA-A3,BDHVS-05,2026-08-01\n";
    let res = import_csv(app, &head, &w.individual, csv).await;
    assert_eq!(report(&res, 2, 1, 0), rejected(&[(2, "staff_code")]));
    let csv = "email,course_code,completed_on\na2@nghean.gov.vn,BDHVS-06,2026-08-01\n";
    let res = import_csv(app, &head, &w.individual, csv).await;
    assert_eq!(report(&res, 1, 0, 0), rejected(&[(2, "email")]));

    // Someone who left is not recorded.
    let res = staff_leaves(app, &w.admin, &w.staff_b[1]).await;
    assert_eq!(res.status, StatusCode::OK, "archive: {}", res.body);
    let csv = "staff_code,course_code,completed_on\nNA-B2,BDHVS-07,2026-09-01\n";
    let res = import_csv(app, &w.officer, &w.individual, csv).await;
    assert_eq!(report(&res, 1, 0, 0), rejected(&[(2, "staff_code")]));

    // Staff above the plan's issuer are not under the plan, even for the admin.
    let governor = coded_staff(app, &w.admin, &w.province, "Võ Trọng Hải", "NA-T1").await;
    let csv = "staff_code,course_code,completed_on\nNA-T1,BDHVS-01,2026-05-20\nNA-A3,BDHVS-09,2026-05-20\n";
    let res = import_csv(app, &w.admin, &w.individual, csv).await;
    assert_eq!(report(&res, 2, 1, 0), rejected(&[(2, "staff_code")]));
    assert!(!imported_staff(app, &w).await.contains(&governor));
    assert_eq!(imported_total(app, &w).await, 6);
}

/// The collective board of 2026 as the officer sees it.
async fn collective_board(app: &TestApp, w: &Work) -> Res {
    let res = app
        .get(&format!(
            "/api/v1/plans/{}/scores?year=2026&per_page=200",
            w.plan
        ))
        .token(&w.officer)
        .await;
    assert_eq!(res.status, StatusCode::OK, "board: {}", res.body);
    res
}

async fn individual_board(app: &TestApp, w: &Work) -> Res {
    let res = app
        .get(&format!(
            "/api/v1/plans/{}/scores?year=2026&subject=individual&per_page=200",
            w.plan
        ))
        .token(&w.officer)
        .await;
    assert_eq!(res.status, StatusCode::OK, "board: {}", res.body);
    res
}

fn cell_of(row: &Value, criterion: &str) -> Option<Value> {
    row["cells"]
        .as_array()?
        .iter()
        .find(|c| c["criterion_id"] == criterion)
        .cloned()
}

/// A unit's cell of a criterion on the collective board.
fn unit_cell(board: &Res, unit: &str, criterion: &str) -> Option<Value> {
    board
        .items()
        .iter()
        .find(|r| r["org_unit_id"] == unit && r["staff_id"].is_null())
        .and_then(|r| cell_of(r, criterion))
}

/// A person's cell of a criterion on the individual board.
fn individual_cell(board: &Res, staff: &str, criterion: &str) -> Option<Value> {
    board
        .items()
        .iter()
        .find(|r| r["staff_id"] == staff)
        .and_then(|r| cell_of(r, criterion))
}

/// Registers a unit for the plan's 2026 collective emulation, so it is on the board.
async fn register(app: &TestApp, w: &Work, unit: &str) {
    Registration::of_unit(&w.plan, unit, &["tap_the_lao_dong_tien_tien"])
        .registered(app, &w.officer)
        .await;
}

async fn the_computed_share_follows_imports_and_archives(app: &TestApp) {
    let w = with_codes(app).await;
    register(app, &w, &w.division_a).await;
    register(app, &w, &w.division_b).await;
    let before = collective_board(app, &w).await;
    let cell = unit_cell(&before, &w.division_a, &w.computed)
        .unwrap_or_else(|| panic!("division A on the board: {}", before.body));
    assert_eq!(cell["achieved_staff"], 0, "{cell}");
    assert_eq!(cell["headcount"], 3, "{cell}");
    assert_eq!(cell["value"], 0.0, "{cell}");

    // Two of division A's three, and one of division B's two; a 2025 course does not count
    // in 2026.
    let csv = "staff_code,course_code,completed_on\n\
               NA-A1,BDHVS-01,2026-05-20\n\
               NA-A2,BDHVS-01,2026-06-02\n\
               NA-A3,BDHVS-01,2025-11-30\n\
               NA-B1,BDHVS-01,2026-03-15\n";
    let res = import_csv(app, &w.officer, &w.individual, csv).await;
    assert_eq!(report(&res, 4, 4, 0), rejected(&[]));

    let board = collective_board(app, &w).await;
    let cell = unit_cell(&board, &w.division_a, &w.computed)
        .unwrap_or_else(|| panic!("division A's computed cell on the board: {}", board.body));
    assert_eq!(cell["value"], 66.67, "{cell}");
    assert_eq!(cell["achieved_staff"], 2, "{cell}");
    assert_eq!(cell["headcount"], 3, "{cell}");
    let cell = unit_cell(&board, &w.division_b, &w.computed)
        .unwrap_or_else(|| panic!("division B's computed cell on the board: {}", board.body));
    assert_eq!(cell["value"], 50.0, "{cell}");
    assert_eq!(cell["achieved_staff"], 1, "{cell}");
    assert_eq!(cell["headcount"], 2, "{cell}");

    // The individual board lists the people with their record.
    let people = individual_board(app, &w).await;
    for id in [&w.staff_a[0], &w.staff_a[1], &w.staff_b[0]] {
        let cell = individual_cell(&people, id, &w.individual)
            .unwrap_or_else(|| panic!("{id} on the individual board: {}", people.body));
        assert_eq!(cell["value"], 1.0, "{cell}");
        assert_eq!(cell["points"], 5.0, "{cell}");
        assert_eq!(cell["status"], "achieved", "{cell}");
    }
    if let Some(cell) = individual_cell(&people, &w.staff_a[2], &w.individual) {
        assert!(
            cell["value"].is_null(),
            "a 2025 course is not 2026's: {cell}"
        );
    }
    // In 2025 the third person of division A has it.
    let res = app
        .get(&format!(
            "/api/v1/plans/{}/scores?year=2025&subject=individual&per_page=200",
            w.plan
        ))
        .token(&w.officer)
        .await;
    let cell = individual_cell(&res, &w.staff_a[2], &w.individual)
        .unwrap_or_else(|| panic!("A3 on the 2025 board: {}", res.body));
    assert_eq!(cell["value"], 1.0, "{cell}");

    // The one who has not done the course leaves: two of two.
    let res = staff_leaves(app, &w.admin, &w.staff_a[2]).await;
    assert_eq!(res.status, StatusCode::OK, "archive: {}", res.body);
    assert_eq!(res.body["active"], false, "{}", res.body);
    let board = collective_board(app, &w).await;
    let cell = unit_cell(&board, &w.division_a, &w.computed).expect("division A");
    assert_eq!(cell["headcount"], 2, "{cell}");
    assert_eq!(cell["achieved_staff"], 2, "{cell}");
    assert_eq!(cell["value"], 100.0, "{cell}");
    assert_eq!(cell["status"], "achieved", "{cell}");

    // One who has done it leaves: their record no longer counts either.
    let res = staff_leaves(app, &w.admin, &w.staff_a[1]).await;
    assert_eq!(res.status, StatusCode::OK, "archive: {}", res.body);
    let board = collective_board(app, &w).await;
    let cell = unit_cell(&board, &w.division_a, &w.computed).expect("division A");
    assert_eq!(cell["headcount"], 1, "{cell}");
    assert_eq!(cell["achieved_staff"], 1, "{cell}");
    assert_eq!(cell["value"], 100.0, "{cell}");
    // Division B is untouched.
    let cell = unit_cell(&board, &w.division_b, &w.computed).expect("division B");
    assert_eq!(
        (cell["achieved_staff"].clone(), cell["headcount"].clone()),
        (json!(1), json!(2))
    );
}

/// Division A is not registered and has no evidence of its own; its staff's records are
/// what its computed criterion is made of, so they put it on the board.
async fn units_whose_staff_have_records_are_on_the_board(app: &TestApp) {
    let w = with_codes(app).await;
    let csv = "staff_code,course_code,completed_on\n\
               NA-A1,BDHVS-01,2026-05-20\n\
               NA-A2,BDHVS-01,2026-06-02\n";
    let res = import_csv(app, &w.officer, &w.individual, csv).await;
    assert_eq!(report(&res, 2, 2, 0), rejected(&[]));
    let board = collective_board(app, &w).await;
    let cell = unit_cell(&board, &w.division_a, &w.computed).unwrap_or_else(|| {
        panic!(
            "division A (unregistered, two of its three staff with approved records) \
             is not on the collective board: {}",
            board.body
        )
    });
    assert_eq!(cell["value"], 66.67, "{cell}");
    assert_eq!(cell["achieved_staff"], 2, "{cell}");
    assert_eq!(cell["headcount"], 3, "{cell}");
}

/// Sends a CSV import with a request timeout of its own: a large file takes longer than
/// the harness's 60 seconds on an unoptimised build.
async fn import_csv_patiently(app: &TestApp, token: &str, criterion: &str, csv: Vec<u8>) -> Res {
    const TIMEOUT: std::time::Duration = std::time::Duration::from_secs(300);
    let client = awc::Client::builder().timeout(TIMEOUT).finish();
    let mut res = client
        .post(format!("{}{}", app.base, import_path(criterion, false)))
        .insert_header(("Authorization", format!("Bearer {token}")))
        .insert_header(("Content-Type", "text/csv"))
        .send_body(csv)
        .await
        .unwrap_or_else(|e| panic!("the import did not answer within {TIMEOUT:?}: {e}"));
    let bytes = res
        .body()
        .limit(64 * 1024 * 1024)
        .await
        .expect("response body")
        .to_vec();
    Res {
        status: res.status(),
        headers: res.headers().clone(),
        body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        bytes,
    }
}

async fn a_hundred_thousand_rows_in_one_request(app: &TestApp) {
    const PEOPLE: usize = 100;
    const COURSES: usize = 1_000;
    let w = work(app).await;
    let started = std::time::Instant::now();
    let unit = app
        .unit(
            &w.admin,
            "NA-VP-DL",
            "Phòng Quản trị – Đời sống",
            Some(&w.office),
        )
        .await;
    for i in 1..=PEOPLE {
        coded_staff(
            app,
            &w.admin,
            &unit,
            &format!("Cán bộ số {i}"),
            &format!("DL-{i:04}"),
        )
        .await;
    }
    eprintln!("{PEOPLE} staff created in {:?}", started.elapsed());

    let mut csv = String::with_capacity(PEOPLE * COURSES * 40);
    csv.push_str("staff_code,course_code,completed_on,certificate_id\n");
    for i in 1..=PEOPLE {
        for k in 0..COURSES {
            let day = 1 + k % 28;
            let month = 1 + (k / 28) % 12;
            csv.push_str(&format!(
                "DL-{i:04},BDHVS-{k:04},2025-{month:02}-{day:02},CC-{i:04}-{k:04}\n"
            ));
        }
    }
    let rows = (PEOPLE * COURSES) as u64;
    eprintln!("CSV of {rows} rows, {} bytes", csv.len());

    let started = std::time::Instant::now();
    let res = import_csv_patiently(app, &w.officer, &w.individual, csv.clone().into_bytes()).await;
    eprintln!("import of {rows} rows: {:?}", started.elapsed());
    assert_eq!(report(&res, rows, rows, 0), rejected(&[]));
    assert_eq!(imported_total(app, &w).await, rows as i64);

    let started = std::time::Instant::now();
    let res = import_csv_patiently(app, &w.officer, &w.individual, csv.into_bytes()).await;
    eprintln!("re-import of {rows} rows: {:?}", started.elapsed());
    assert_eq!(report(&res, rows, 0, rows), rejected(&[]));
    assert_eq!(imported_total(app, &w).await, rows as i64);
}

/// A title with what a text format would escape or read as NULL (`\N`, a tab, a line
/// break, quotes, a comma) besides Vietnamese.
const ODD_TITLE: &str = "Kỹ năng số – “Bình dân học vụ số”, phần 1\n\"Ứng dụng\"\tVNeID \\N";
const CERTIFICATE_URL: &str = "https://binhdanhocvuso.gov.vn/chung-chi/CC-2026-000123";

/// What an import writes, read back from the tables: text byte for byte, absent cells as
/// NULL, and one change event per record that the seal numbers in the file's order.
async fn records_are_stored_as_written(app: &TestApp) {
    use chrono::NaiveDate;
    use diesel::prelude::*;
    use thidua::db::schema::{change_events, evidence, evidence_history, learning_records};

    assert_eq!(
        thidua::text::nfc(ODD_TITLE),
        ODD_TITLE,
        "the import keeps NFC"
    );
    let w = with_codes(app).await;
    let quoted = format!("\"{}\"", ODD_TITLE.replace('"', "\"\""));
    let csv = format!(
        "staff_code,course_code,completed_on,course_title,certificate_id,certificate_url\n\
         NA-A1,BDHVS-01,2026-05-20,{quoted},CC-2026-000123,{CERTIFICATE_URL}\n\
         NA-A2,BDHVS-01,2026-05-21,,,\n\
         NA-B1,BDHVS-02,2026-05-22,\\N,,\n"
    );
    let res = import_csv(app, &w.officer, &w.individual, csv).await;
    assert_eq!(report(&res, 3, 3, 0), rejected(&[]));

    let mut pooled = app.state.pool.get().unwrap();
    thidua::domain::audit::seal_committed(&mut pooled).unwrap();
    let conn = &mut *pooled;
    type Record = (
        String,
        String,
        Option<String>,
        NaiveDate,
        Option<String>,
        Option<String>,
        String,
    );
    let records: Vec<Record> = learning_records::table
        .filter(learning_records::criterion_id.eq(&w.individual))
        .order(learning_records::completed_on)
        .select((
            learning_records::staff_id,
            learning_records::course_code,
            learning_records::course_title,
            learning_records::completed_on,
            learning_records::certificate_id,
            learning_records::certificate_url,
            learning_records::evidence_id,
        ))
        .load(conn)
        .unwrap();
    let day = |d| NaiveDate::from_ymd_opt(2026, 5, d).unwrap();
    let text = |s: &str| Some(s.to_string());
    let expected = [
        (
            &w.staff_a[0],
            "BDHVS-01",
            text(ODD_TITLE),
            day(20),
            text("CC-2026-000123"),
            text(CERTIFICATE_URL),
        ),
        (&w.staff_a[1], "BDHVS-01", None, day(21), None, None),
        (&w.staff_b[0], "BDHVS-02", text("\\N"), day(22), None, None),
    ];
    assert_eq!(records.len(), expected.len(), "{records:?}");
    for (got, want) in records.iter().zip(&expected) {
        let (staff, code, title, on, certificate, url, _) = got;
        assert_eq!(
            (staff, code.as_str(), title, on, certificate, url),
            (want.0, want.1, &want.2, &want.3, &want.4, &want.5)
        );
    }

    type Evidence = (
        Option<String>,
        String,
        String,
        Option<String>,
        Option<String>,
        Option<f64>,
        Option<f64>,
        Option<f64>,
        NaiveDate,
        String,
        String,
        i64,
        Option<String>,
        Option<String>,
    );
    let evidence_ids: Vec<String> = records.iter().map(|r| r.6.clone()).collect();
    for (record, (staff, code, title, on, certificate, url)) in records.iter().zip(&expected) {
        let e: Evidence = evidence::table
            .find(&record.6)
            .select((
                evidence::description,
                evidence::links,
                evidence::search_text,
                evidence::review_note,
                evidence::staff_id,
                evidence::value,
                evidence::self_score,
                evidence::reviewed_score,
                evidence::as_of,
                evidence::status,
                evidence::source,
                evidence::version,
                evidence::created_by,
                evidence::reviewed_by,
            ))
            .first(conn)
            .unwrap();
        let description = match title {
            Some(t) => format!("{code} – {t}"),
            None => code.to_string(),
        };
        assert_eq!(e.0.as_deref(), Some(description.as_str()));
        assert_eq!(e.1, url.clone().unwrap_or_default(), "links");
        assert_eq!(e.2, thidua::text::fold(&description), "search_text");
        assert_eq!(&e.3, certificate, "review_note");
        assert_eq!(e.4.as_ref(), Some(*staff));
        assert_eq!((e.5, e.6, e.7), (Some(1.0), None, None), "value and scores");
        assert_eq!(&e.8, on);
        assert_eq!(
            (e.9.as_str(), e.10.as_str(), e.11),
            ("approved", "import", 1)
        );
        assert!(
            e.12.is_some() && e.12 == e.13,
            "created and reviewed by the importer"
        );

        // from_status, to_status, note, actor_id
        type History = (Option<String>, String, Option<String>, Option<String>);
        let history: Vec<History> = evidence_history::table
            .filter(evidence_history::evidence_id.eq(&record.6))
            .select((
                evidence_history::from_status,
                evidence_history::to_status,
                evidence_history::note,
                evidence_history::actor_id,
            ))
            .load(conn)
            .unwrap();
        assert_eq!(
            history,
            [(
                None::<String>,
                "approved".to_string(),
                text("imported learning record"),
                e.12
            )]
        );
    }

    // One event each, numbered by the feed's sequence in the file's order, then positioned
    // by the seal (above).
    let events: Vec<(i64, Option<i64>, String, String, i64)> = change_events::table
        .filter(change_events::resource_id.eq_any(&evidence_ids[..]))
        .order(change_events::seq)
        .select((
            change_events::seq,
            change_events::position,
            change_events::resource_id,
            change_events::action,
            change_events::version,
        ))
        .load(conn)
        .unwrap();
    let ids: Vec<String> = events.iter().map(|e| e.2.clone()).collect();
    assert_eq!(ids, evidence_ids, "{events:?}");
    for e in &events {
        assert_eq!((e.3.as_str(), e.4), ("created", 1), "{e:?}");
    }
    let positions: Vec<i64> = events.iter().map(|e| e.1.expect("sealed")).collect();
    assert!(positions.windows(2).all(|p| p[0] < p[1]), "{events:?}");
}

/// Another writer commits one of the file's records while the import runs. On PostgreSQL
/// the import does not see the uncommitted record, waits on it at the unique key and then
/// fails: 409, nothing of the file written, and the file sent again goes in. On SQLite the
/// import waits for the single writer before it reads and finds the record a duplicate.
async fn an_import_meeting_records_committed_meanwhile_writes_nothing(app: &TestApp) {
    use crate::councils::{hold_uncommitted, is_postgres, release_once_blocked};
    use diesel::prelude::*;

    let w = with_codes(app).await;
    let first = "staff_code,course_code,completed_on\nNA-A2,BDHVS-01,2026-05-20\n";
    let res = import_csv(app, &w.officer, &w.individual, first).await;
    assert_eq!(report(&res, 1, 1, 0), rejected(&[]));

    // The rival records A1's course (on the evidence of A2's) and waits, uncommitted.
    let staff = w.staff_a[0].clone();
    let (rival, release_tx) = hold_uncommitted(app, move |conn| {
        diesel::sql_query(format!(
            "INSERT INTO learning_records \
             (id, staff_id, criterion_id, course_code, completed_on, evidence_id, created_at) \
             SELECT 'rival', '{staff}', criterion_id, 'BDHVS-01', completed_on, evidence_id, \
             created_at FROM learning_records"
        ))
        .execute(conn.conn())?;
        Ok::<_, diesel::result::Error>(())
    })
    .await;

    let postgres = is_postgres(app);
    let csv = "staff_code,course_code,completed_on,course_title\n\
               NA-A3,BDHVS-01,2026-05-20,Kỹ năng số cơ bản\n\
               NA-A1,BDHVS-01,2026-05-20,Kỹ năng số cơ bản\n\
               NA-B1,BDHVS-01,2026-05-20,\n";
    let import = import_csv(app, &w.officer, &w.individual, csv);
    let release = release_once_blocked(app, release_tx);
    let (res, ()) = futures_util::future::join(import, release).await;
    rival.join().unwrap().unwrap();
    if postgres {
        res.problem(409, "concurrent_import");
        assert_eq!(
            imported_total(app, &w).await,
            1,
            "the failed import wrote nothing"
        );
        let res = import_csv(app, &w.officer, &w.individual, csv).await;
        assert_eq!(report(&res, 3, 2, 1), rejected(&[]));
    } else {
        assert_eq!(report(&res, 3, 2, 1), rejected(&[]));
    }
    assert_eq!(
        imported_staff(app, &w).await,
        sorted(&[&w.staff_a[1], &w.staff_a[2], &w.staff_b[0]])
    );
    let mut conn = app.state.pool.get().unwrap();
    let records: i64 = thidua::db::schema::learning_records::table
        .count()
        .get_result(&mut *conn)
        .unwrap();
    assert_eq!(records, 4, "A2's, the rival's, A3's and B1's");
}

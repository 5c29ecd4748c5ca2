//! Reports: the yearly report of a plan on a hand-computed data set in every format (the
//! XLSX read back as a spreadsheet program reads it, the Word files unzipped), ETags and
//! 304s, the province roll-up, the decision's Word draft, and bad input.

use std::io::Read;

use actix_web::http::StatusCode;
use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use serde_json::{Value, json};

use crate::db_tests;
use crate::fixtures::{
    DECISIONS, Decision, Evidence, Nomination, Registration, another_department, edit_staff,
};
use crate::harness::{Res, TestApp};
use crate::work::{Work, work};

db_tests!(
    the_yearly_report_holds_the_hand_computed_figures,
    the_same_figures_come_as_csv_xlsx_and_word,
    csv_cells_holding_a_separator_are_quoted_and_formulas_neutralised,
    unchanged_reports_answer_304_until_the_data_changes,
    the_province_rollup_totals_each_unit_below_the_root,
    a_decision_is_drafted_in_the_nd30_layout,
    bad_input_and_refusals_are_clear,
);

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// The data set, by hand (plan year 2026, reported over the office):
/// - Units taking part: Phòng Tổng hợp (A, registered) and Phòng Hành chính – Tổ chức (B,
///   evidence only), in Vietnamese order B then A.
/// - TT1 (percent of staff trained): A 2 of 3 → 66.67; B 1 of 2 → 50.
/// - TT2 (count, target 4): A 1 + 2 = 3 (in progress, 6 points); B 5 (achieved, 8).
/// - TT3 (score, target 8): A 9 (achieved); B only a draft (pending).
/// - Totals: A 21.67 points, 1 achieved; B 13, 1 achieved.
/// - Evidence: 3 imported learning records + 4 approved by hand = 7 approved, 1 draft.
/// - Staff: 5, of whom 3 completed a course (3 records): 60 %.
/// - One nomination (draft) for Lao động tiên tiến; a decision granting Lao động tiên tiến
///   to a person and Giấy khen to division B.
struct Example {
    w: Work,
    decision: String,
    /// The cash of the decision's awards, as the decision computed it.
    cash: i64,
}

async fn example(app: &TestApp) -> Example {
    let w = work(app).await;
    // Staff codes for the import of learning records.
    for (id, code) in [
        (&w.staff_a[0], "NA-A1"),
        (&w.staff_a[1], "NA-A2"),
        (&w.staff_b[0], "NA-B1"),
    ] {
        let res = edit_staff(app, &w.admin, id, json!({"staff_code": code})).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    }
    let res = app
        .post(&format!(
            "/api/v1/learning-records/import?criterion_id={}",
            w.individual
        ))
        .token(&w.officer)
        .raw(
            "text/csv",
            "staff_code,course_code,course_title,completed_on\n\
             NA-A1,BDHVS-01,Kỹ năng số cơ bản,2026-05-20\n\
             NA-A2,BDHVS-01,Kỹ năng số cơ bản,2026-06-02\n\
             NA-B1,BDHVS-01,Kỹ năng số cơ bản,2026-07-15\n",
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body["imported"], 3, "{}", res.body);
    for (value, day) in [(1, "2026-01-31"), (2, "2026-02-28")] {
        Evidence::of_unit(&w.count, &w.division_a)
            .value(value)
            .measured_on(day)
            .approved(app, &w.manager_a, &w.officer)
            .await;
    }
    Evidence::of_unit(&w.count, &w.division_b)
        .value(5)
        .measured_on("2026-03-31")
        .approved(app, &w.officer, &w.admin)
        .await;
    Evidence::of_unit(&w.score, &w.division_a)
        .value(9)
        .measured_on("2026-04-30")
        .approved(app, &w.manager_a, &w.officer)
        .await;
    Evidence::of_unit(&w.score, &w.division_b)
        .value(10)
        .measured_on("2026-04-30")
        .recorded(app, &w.officer)
        .await;
    Registration::of_unit(&w.plan, &w.division_a, &["tap_the_lao_dong_tien_tien"])
        .registered(app, &w.officer)
        .await;
    Nomination::of_staff("lao_dong_tien_tien", &w.staff_a[1])
        .year(2026)
        .draft(app, &w.manager_a)
        .await;
    let res = Decision::of(&w.office, "25/QĐ-VP", 2026)
        .decided_on("2026-11-20")
        .grant_staff("lao_dong_tien_tien", &w.staff_a[0])
        .grant_unit("giay_khen", &w.division_b)
        .made(app, &w.admin)
        .await;
    let cash = res.body["awards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["cash_amount"].as_i64().unwrap())
        .sum();
    Example {
        decision: res.id(),
        cash,
        w,
    }
}

fn yearly_path(w: &Work, query: &str) -> String {
    format!("/api/v1/reports/plans/{}/yearly?year=2026{query}", w.plan)
}

async fn yearly(app: &TestApp, w: &Work, query: &str) -> Res {
    let res = app.get(&yearly_path(w, query)).token(&w.officer).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    res
}

fn find<'a>(list: &'a Value, key: &str, value: &str) -> &'a Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|i| i[key] == value)
        .unwrap_or_else(|| panic!("no {key} = {value} in {list}"))
}

async fn the_yearly_report_holds_the_hand_computed_figures(app: &TestApp) {
    let ex = example(app).await;
    let w = &ex.w;
    let r = yearly(app, w, "").await.body;
    assert_eq!(r["year"], 2026);
    assert_eq!(r["period_from"], "2026-01-01");
    assert_eq!(r["unit"]["id"], w.office);
    assert_eq!(r["plan"]["number"], "12/KH-VP");
    assert!(r["generated_at"].is_string());
    assert!(r["data_version"].as_i64().unwrap() > 0);
    let s = &r["summary"];
    assert_eq!(s["units_taking_part"], 2);
    assert_eq!(s["units_registered"], 1);
    assert_eq!(s["criteria_assessed"], 6);
    assert_eq!(s["criteria_achieved"], 2);
    assert_eq!(s["nominations"], 1);
    assert_eq!(s["awards"], 2);
    assert_eq!(s["cash_amount"], ex.cash);

    let names: Vec<&str> = r["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Phòng Hành chính – Tổ chức", "Phòng Tổng hợp"]);
    let a = find(&r["units"], "org_unit_id", &w.division_a);
    assert_eq!(a["registered"], true);
    assert_eq!(a["headcount"], 3);
    assert_eq!(a["total_points"], 21.67);
    assert_eq!(a["achieved"], 1);
    assert_eq!(
        find(&a["criteria"], "criterion_id", &w.computed)["value"],
        66.67
    );
    assert_eq!(find(&a["criteria"], "criterion_id", &w.count)["value"], 3.0);
    assert_eq!(
        find(&a["criteria"], "criterion_id", &w.count)["status"],
        "in_progress"
    );
    let b = find(&r["units"], "org_unit_id", &w.division_b);
    assert_eq!(b["registered"], false);
    assert_eq!(b["total_points"], 13.0);
    assert_eq!(
        find(&b["criteria"], "criterion_id", &w.score)["status"],
        "pending"
    );

    let count = find(&r["criteria"], "criterion_id", &w.count);
    assert_eq!(count["units"], 2);
    assert_eq!(count["achieved"], 1);
    assert_eq!(count["in_progress"], 1);
    assert_eq!(count["mean_value"], 4.0);

    let active = |subject: &str| {
        r["registrations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["subject"] == subject && c["status"] == "active")
            .unwrap()["count"]
            .clone()
    };
    assert_eq!(active("collective"), 1);
    assert_eq!(active("individual"), 0);
    assert_eq!(
        r["evidence"],
        json!({"draft": 1, "submitted": 0, "approved": 7, "rejected": 0, "returned": 0})
    );
    let l = &r["learning"];
    assert_eq!(l["headcount"], 5);
    assert_eq!(l["staff_trained"], 3);
    assert_eq!(l["records"], 3);
    assert_eq!(l["share"], 60.0);
    let la = find(&l["units"], "org_unit_id", &w.division_a);
    assert_eq!(
        (la["headcount"].clone(), la["staff_trained"].clone()),
        (json!(3), json!(2))
    );

    let n = &r["nominations"][0];
    assert_eq!(n["award_type_code"], "lao_dong_tien_tien");
    assert_eq!(n["level"], "grassroots");
    assert_eq!(n["status"], "draft");
    assert_eq!(n["count"], 1);
    assert_eq!(r["nominations"].as_array().unwrap().len(), 1);
    let awards = r["awards"].as_array().unwrap();
    assert_eq!(awards.len(), 2);
    assert_eq!(
        awards
            .iter()
            .map(|a| a["count"].as_i64().unwrap())
            .sum::<i64>(),
        2
    );
    assert_eq!(
        awards
            .iter()
            .map(|a| a["cash_amount"].as_i64().unwrap())
            .sum::<i64>(),
        ex.cash
    );

    // The subtree of division A alone.
    let only_a = yearly(app, w, &format!("&unit_id={}", w.division_a))
        .await
        .body;
    assert_eq!(only_a["unit"]["id"], w.division_a);
    assert_eq!(only_a["summary"]["units_taking_part"], 1);
    assert_eq!(only_a["learning"]["headcount"], 3);
    assert_eq!(only_a["evidence"]["draft"], 0);
    assert_eq!(only_a["evidence"]["approved"], 5);
}

fn unzip(bytes: &[u8], name: &str) -> Option<String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip package");
    let mut file = zip.by_name(name).ok()?;
    let mut text = String::new();
    file.read_to_string(&mut text).expect("UTF-8 XML");
    Some(text)
}

fn cell(range: &calamine::Range<Data>, row: u32, col: u32) -> Data {
    range.get_value((row, col)).cloned().unwrap_or(Data::Empty)
}

async fn csv_cells_holding_a_separator_are_quoted_and_formulas_neutralised(app: &TestApp) {
    let ex = example(app).await;
    let w = &ex.w;
    // A division named so that a spreadsheet splitting on ';' would run "=1+2".
    let unit = app
        .get(&format!("/api/v1/org-units/{}", w.division_b))
        .token(&w.admin)
        .await;
    let res = app
        .patch(&format!("/api/v1/org-units/{}", w.division_b))
        .token(&w.admin)
        .if_match(&unit.etag())
        .json(json!({"name": "Phòng A;=1+2;"}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let res = yearly(app, w, "&format=csv").await;
    let text = String::from_utf8(res.bytes[3..].to_vec()).unwrap();
    // Quoted, so it stays one cell whatever the separator, and the formula is text.
    assert!(
        text.contains(",\"Phòng A;'=1+2;\",Không,2,13,1\n"),
        "{text}"
    );
    assert!(!text.contains(";=1+2"), "{text}");
    // Numbers stay numbers.
    assert!(text.contains("\nTổng cộng,5,3,60,3\n"), "{text}");
}

async fn the_same_figures_come_as_csv_xlsx_and_word(app: &TestApp) {
    let ex = example(app).await;
    let w = &ex.w;
    // CSV, by the parameter: a BOM, Vietnamese headers, the same numbers.
    let res = yearly(app, w, "&format=csv").await;
    assert_eq!(res.header("content-type"), Some("text/csv; charset=utf-8"));
    assert!(res.bytes.starts_with(b"\xEF\xBB\xBF"), "BOM");
    let text = String::from_utf8(res.bytes[3..].to_vec()).unwrap();
    assert!(
        text.contains(
            "Đơn vị tham gia\nSTT,Đơn vị,Đã đăng ký,Số CBCCVC,Tổng điểm,Số chỉ tiêu đạt\n\
             1,Phòng Hành chính – Tổ chức,Không,2,13,1\n2,Phòng Tổng hợp,Có,3,21.67,1\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("Minh chứng theo trạng thái\nTrạng thái,Số lượng\nĐang soạn,1\n"),
        "{text}"
    );
    assert!(text.contains("\nĐã duyệt,7\n"), "{text}");
    assert!(text.contains("\nTổng cộng,5,3,60,3\n"), "{text}");
    assert!(
        text.contains(
            "Phòng Tổng hợp,TT2,Số dịch vụ công trực tuyến toàn trình,4,3,6,Đang thực hiện\n"
        ),
        "{text}"
    );
    // The same by Accept.
    let by_accept = app
        .get(&yearly_path(w, ""))
        .token(&w.officer)
        .header("Accept", "text/csv")
        .await;
    assert_eq!(
        by_accept.header("content-type"),
        Some("text/csv; charset=utf-8")
    );

    // XLSX, read back: a sheet per section, headers, numbers, frozen panes, a chart.
    let res = app
        .get(&yearly_path(w, ""))
        .token(&w.officer)
        .header("Accept", XLSX)
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.header("content-type"), Some(XLSX));
    let mut book: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(res.bytes.clone())).unwrap();
    let sheets = book.sheet_names();
    for name in [
        "Tổng hợp",
        "Đơn vị tham gia",
        "Kết quả theo đơn vị",
        "Chi tiết chỉ tiêu",
        "Tổng hợp chỉ tiêu",
        "Đăng ký thi đua",
        "Minh chứng",
        "Bình dân học vụ số",
        "Đề nghị khen thưởng",
        "Khen thưởng",
        "Biểu đồ",
    ] {
        assert!(sheets.iter().any(|s| s == name), "{name} in {sheets:?}");
    }
    let units = book.worksheet_range("Đơn vị tham gia").unwrap();
    assert_eq!(cell(&units, 0, 1), Data::String("Đơn vị".into()));
    assert_eq!(cell(&units, 0, 4), Data::String("Tổng điểm".into()));
    assert_eq!(cell(&units, 2, 1), Data::String("Phòng Tổng hợp".into()));
    assert_eq!(cell(&units, 2, 4), Data::Float(21.67));
    assert_eq!(cell(&units, 1, 4), Data::Float(13.0));
    let matrix = book.worksheet_range("Kết quả theo đơn vị").unwrap();
    let header = (0..4)
        .map(|c| cell(&matrix, 0, c).to_string())
        .collect::<Vec<_>>();
    let tt2 = header.iter().position(|h| h.starts_with("TT2 – ")).unwrap() as u32;
    assert_eq!(cell(&matrix, 1, tt2), Data::Float(5.0));
    assert_eq!(cell(&matrix, 2, tt2), Data::Float(3.0));
    let evidence = book.worksheet_range("Minh chứng").unwrap();
    assert_eq!(cell(&evidence, 3, 0), Data::String("Đã duyệt".into()));
    assert_eq!(cell(&evidence, 3, 1), Data::Float(7.0));
    let awards = book.worksheet_range("Khen thưởng").unwrap();
    let cash: f64 = (1..awards.height() as u32)
        .map(|r| match cell(&awards, r, 4) {
            Data::Float(f) => f,
            _ => 0.0,
        })
        .sum();
    assert_eq!(cash as i64, ex.cash);
    // One chart per collective criterion, and the header rows frozen.
    assert!(unzip(&res.bytes, "xl/charts/chart1.xml").is_some());
    assert!(unzip(&res.bytes, "xl/charts/chart3.xml").is_some());
    assert!(unzip(&res.bytes, "xl/charts/chart4.xml").is_none());
    let sheet = unzip(&res.bytes, "xl/worksheets/sheet2.xml").unwrap();
    assert!(sheet.contains("state=\"frozen\""), "{sheet}");

    // Word: the NĐ 30 layout around the same tables.
    let res = yearly(app, w, "&format=docx").await;
    assert_eq!(res.header("content-type"), Some(DOCX));
    let xml = unzip(&res.bytes, "word/document.xml").unwrap();
    for text in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "VĂN PHÒNG UBND TỈNH",
        "ỦY BAN NHÂN DÂN TỈNH NGHỆ AN",
        "Số:",
        "Nghệ An, ngày",
        "BÁO CÁO",
        "Kết quả thực hiện Kế hoạch số 12/KH-VP",
        "Nơi nhận:",
        "Phòng Tổng hợp",
        "21.67",
        "Bình dân học vụ số",
    ] {
        assert!(xml.contains(text), "{text} in the report's document.xml");
    }
}

async fn unchanged_reports_answer_304_until_the_data_changes(app: &TestApp) {
    let ex = example(app).await;
    let w = &ex.w;
    let first = yearly(app, w, "").await;
    let etag = first.etag();
    assert!(etag.starts_with('"') && !etag.starts_with("W/"), "{etag}");
    // Read again without a tag: the same report (rendered once for this version, kept).
    let kept = yearly(app, w, "").await;
    assert_eq!(kept.etag(), etag);
    assert_eq!(kept.bytes, first.bytes);
    let again = app
        .get(&yearly_path(w, ""))
        .token(&w.officer)
        .header("If-None-Match", &etag)
        .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.bytes.is_empty());
    assert_eq!(again.etag(), etag);
    // Another format is another representation.
    let csv = yearly(app, w, "&format=csv").await;
    assert_ne!(csv.etag(), etag);
    let res = app
        .get(&yearly_path(w, "&format=csv"))
        .token(&w.officer)
        .header("If-None-Match", &format!("\"x\", {}", csv.etag()))
        .await;
    assert_eq!(res.status, StatusCode::NOT_MODIFIED);
    // A write moves the data's version: the old tag no longer matches.
    let res = Evidence::of_unit(&w.count, &w.division_a)
        .value(1)
        .measured_on("2026-05-31")
        .record(app, &w.officer)
        .await;
    assert_eq!(res.status, StatusCode::CREATED);
    let after = app
        .get(&yearly_path(w, ""))
        .token(&w.officer)
        .header("If-None-Match", &etag)
        .await;
    assert_eq!(after.status, StatusCode::OK);
    assert_ne!(after.etag(), etag);
    assert_eq!(after.body["evidence"]["draft"], 2);
    assert!(
        after.body["data_version"].as_i64() > first.body["data_version"].as_i64(),
        "{} after {}",
        after.body["data_version"],
        first.body["data_version"]
    );
}

async fn the_province_rollup_totals_each_unit_below_the_root(app: &TestApp) {
    let ex = example(app).await;
    let w = &ex.w;
    // The office's officer: a line per division.
    let res = app
        .get("/api/v1/reports/province?year=2026")
        .token(&w.officer)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let r = &res.body;
    assert_eq!(r["unit"]["id"], w.office);
    let a = &find(&r["units"], "org_unit_id", &w.division_a)["totals"];
    assert_eq!(a["plans"], 1);
    assert_eq!(a["units_registered"], 1);
    assert_eq!(a["criteria_assessed"], 3);
    assert_eq!(a["criteria_achieved"], 1);
    assert_eq!(a["evidence"]["approved"], 5);
    assert_eq!(a["headcount"], 3);
    assert_eq!(a["staff_trained"], 2);
    assert_eq!(a["nominations"], 1);
    assert_eq!(a["awards"], 1);
    let b = &find(&r["units"], "org_unit_id", &w.division_b)["totals"];
    assert_eq!(b["units_registered"], 0);
    assert_eq!(b["evidence"]["draft"], 1);
    assert_eq!(b["awards"], 1);
    let t = &r["total"];
    assert_eq!(t["plans"], 1);
    assert_eq!(t["criteria_assessed"], 6);
    assert_eq!(t["criteria_achieved"], 2);
    assert_eq!(t["evidence"]["approved"], 7);
    assert_eq!(t["headcount"], 5);
    assert_eq!(t["staff_trained"], 3);
    assert_eq!(t["awards"], 2);
    assert_eq!(t["cash_amount"], ex.cash);
    // Admins: the tree's roots; the province holds it all.
    let res = app
        .get("/api/v1/reports/province?year=2026")
        .token(&w.admin)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body["unit"], Value::Null);
    let p = &find(&res.body["units"], "org_unit_id", &w.province)["totals"];
    assert_eq!(p, t);
    // As a spreadsheet: one sheet, a total row.
    let res = app
        .get("/api/v1/reports/province?year=2026&format=xlsx")
        .token(&w.officer)
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let mut book: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(res.bytes)).unwrap();
    let range = book.worksheet_range("Tổng hợp theo đơn vị").unwrap();
    assert_eq!(cell(&range, 0, 0), Data::String("Đơn vị".into()));
    assert_eq!(cell(&range, 3, 0), Data::String("Tổng cộng".into()));
    assert_eq!(cell(&range, 3, 4), Data::Float(6.0));
    // Members see no reports.
    app.get("/api/v1/reports/province?year=2026")
        .token(&w.member_a)
        .await
        .problem(403, "forbidden");
}

async fn a_decision_is_drafted_in_the_nd30_layout(app: &TestApp) {
    let ex = example(app).await;
    let w = &ex.w;
    let path = format!("{DECISIONS}/{}/document", ex.decision);
    let res = app.get(&path).token(&w.officer).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.header("content-type"), Some(DOCX));
    let xml = unzip(&res.bytes, "word/document.xml").unwrap();
    for text in [
        "ỦY BAN NHÂN DÂN TỈNH NGHỆ AN",
        "VĂN PHÒNG UBND TỈNH",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 25/QĐ-VP",
        "Nghệ An, ngày 20 tháng 11 năm 2026",
        "QUYẾT ĐỊNH",
        "Về việc khen thưởng thành tích năm 2026",
        "CHÁNH VĂN PHÒNG UBND TỈNH",
        "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15;",
        "Điều 1.",
        "Nguyễn Văn An",
        "Lao động tiên tiến",
        "Phòng Hành chính – Tổ chức",
        "Giấy khen",
        "Điều 2.",
        "Điều 3.",
        "Nơi nhận:",
        "Như Điều 3",
        "CHÁNH",
        "Trần Văn Hùng",
    ] {
        assert!(xml.contains(text), "{text} in the decision's document.xml");
    }
    assert!(unzip(&res.bytes, "word/styles.xml").is_some());
    let res2 = app
        .get(&path)
        .token(&w.officer)
        .header("If-None-Match", &res.etag())
        .await;
    assert_eq!(res2.status, StatusCode::NOT_MODIFIED);
    // A place given by the drafter.
    let res = app
        .get(&format!("{path}?place=Vinh"))
        .token(&w.officer)
        .await;
    let xml = unzip(&res.bytes, "word/document.xml").unwrap();
    assert!(xml.contains("Vinh, ngày 20 tháng 11 năm 2026"));
    // A member reads the decision, but does not draft it; another office sees nothing.
    app.get(&path)
        .token(&w.member_a)
        .await
        .problem(403, "forbidden");
    let (_, stranger) = another_department(app, w).await;
    app.get(&path)
        .token(&stranger)
        .await
        .problem(404, "not_found");
    app.get(&format!("{DECISIONS}/nope/document"))
        .token(&w.officer)
        .await
        .problem(404, "not_found");
}

async fn bad_input_and_refusals_are_clear(app: &TestApp) {
    let w = work(app).await;
    // An unknown format names the parameter; an Accept we cannot answer names the header.
    let fields = app
        .get(&yearly_path(&w, "&format=pdf"))
        .token(&w.officer)
        .await
        .problem(406, "not_acceptable");
    assert_eq!(fields, ["format"]);
    let fields = app
        .get(&yearly_path(&w, ""))
        .token(&w.officer)
        .header("Accept", "application/pdf")
        .await
        .problem(406, "not_acceptable");
    assert_eq!(fields, ["Accept"]);
    app.get(&format!(
        "/api/v1/reports/plans/{}/yearly?year=99999",
        w.plan
    ))
    .token(&w.officer)
    .await
    .invalid("year");
    // A year without data: an empty report, not an error — in every format.
    let res = app
        .get(&format!(
            "/api/v1/reports/plans/{}/yearly?year=2031",
            w.plan
        ))
        .token(&w.officer)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body["units"], json!([]));
    assert_eq!(res.body["summary"]["units_taking_part"], 0);
    assert_eq!(res.body["evidence"]["approved"], 0);
    assert_eq!(res.body["learning"]["staff_trained"], 0);
    assert_eq!(res.body["learning"]["headcount"], 5);
    assert_eq!(res.body["awards"], json!([]));
    for format in ["csv", "xlsx", "docx"] {
        let res = app
            .get(&format!(
                "/api/v1/reports/plans/{}/yearly?year=2031&format={format}",
                w.plan
            ))
            .token(&w.officer)
            .await;
        assert_eq!(res.status, StatusCode::OK, "{format}: {}", res.body);
        assert!(!res.bytes.is_empty());
    }
    // The year defaults to this one.
    let res = app
        .get(&format!("/api/v1/reports/plans/{}/yearly", w.plan))
        .token(&w.officer)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    // Refusals: no login, a member, a manager (403); another office's officer, an unknown
    // plan or unit (404).
    let res = app.get(&yearly_path(&w, "")).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    app.get(&yearly_path(&w, ""))
        .token(&w.member_a)
        .await
        .problem(403, "forbidden");
    app.get(&yearly_path(&w, ""))
        .token(&w.manager_a)
        .await
        .problem(403, "forbidden");
    let (other, stranger) = another_department(app, &w).await;
    app.get(&yearly_path(&w, ""))
        .token(&stranger)
        .await
        .problem(404, "not_found");
    app.get(&format!(
        "/api/v1/reports/province?year=2026&unit_id={}",
        w.office
    ))
    .token(&stranger)
    .await
    .problem(404, "not_found");
    app.get(&yearly_path(&w, &format!("&unit_id={other}")))
        .token(&w.officer)
        .await
        .problem(404, "not_found");
    app.get("/api/v1/reports/plans/nope/yearly?year=2026")
        .token(&w.officer)
        .await
        .problem(404, "not_found");
}

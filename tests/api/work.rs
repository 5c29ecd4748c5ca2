//! The fixture of the daily-work tests: a province with an office and two divisions, staff,
//! accounts per role, and an issued plan with criteria of every kind.

use crate::fixtures::{Criterion, Plan, issue_plan};
use crate::harness::TestApp;

/// Everything a daily-work test starts from.
pub struct Work {
    pub admin: String,
    pub province: String,
    pub office: String,
    pub division_a: String,
    pub division_b: String,
    /// Officer of the office (scope: the office and its divisions).
    pub officer: String,
    /// Head of division A.
    pub manager_a: String,
    /// Staff of division A; `member_a` is the account of the first.
    pub staff_a: Vec<String>,
    pub member_a: String,
    /// Staff of division B.
    pub staff_b: Vec<String>,
    /// Issued by the office; phases 2025–2030.
    pub plan: String,
    /// Collective percent, computed from `individual` over headcount (target 100, 10 points).
    pub computed: String,
    /// Collective count: target 4, 8 points, reported monthly.
    pub count: String,
    /// Collective score: target 8, 10 points.
    pub score: String,
    /// Individual yes/no ("Hoàn thành khóa học Bình dân học vụ số"), 5 points.
    pub individual: String,
}

pub async fn work(app: &TestApp) -> Work {
    let admin = app.admin().await;
    let province = app
        .unit(
            &admin,
            "000.00.00.H41",
            "Ủy ban nhân dân tỉnh Nghệ An",
            None,
        )
        .await;
    let office = app
        .unit(&admin, "NA-VP", "Văn phòng UBND tỉnh", Some(&province))
        .await;
    let division_a = app
        .unit_of_kind(
            &admin,
            "NA-VP-TH",
            "Phòng Tổng hợp",
            Some(&office),
            "division",
        )
        .await;
    let division_b = app
        .unit_of_kind(
            &admin,
            "NA-VP-HC",
            "Phòng Hành chính – Tổ chức",
            Some(&office),
            "division",
        )
        .await;
    let mut staff_a = Vec::new();
    for name in ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"] {
        staff_a.push(app.staff(&admin, &division_a, name).await);
    }
    let mut staff_b = Vec::new();
    for name in ["Phạm Thị Dung", "Hoàng Văn Đức"] {
        staff_b.push(app.staff(&admin, &division_b, name).await);
    }
    let officer = app
        .user(&admin, "canbo.tdkt", &["officer"], Some(&office))
        .await;
    let manager_a = app
        .user(&admin, "truongphong.th", &["manager"], Some(&division_a))
        .await;
    let member_a = app
        .user_for_staff(
            &admin,
            "nv.an",
            &["member"],
            Some(&division_a),
            Some(&staff_a[0]),
        )
        .await;

    let plan = Plan::of(&office)
        .title("Kế hoạch tổ chức Phong trào thi đua “Bình dân học vụ số”")
        .number("12/KH-VP")
        .issued_on("2025-07-20")
        .phase("Giai đoạn 2025–2030", "2025-01-01", "2030-12-31")
        .draft(app, &officer)
        .await;
    let individual = Criterion::individual("CN1", "Hoàn thành khóa học Bình dân học vụ số")
        .boolean(5.0)
        .add_to(app, &officer, &plan)
        .await;
    let computed = Criterion::collective("TT1", "100% công chức được bồi dưỡng kỹ năng số")
        .percent(100.0, 10.0)
        .unit("%")
        .computed_from(&individual)
        .add_to(app, &officer, &plan)
        .await;
    let count = Criterion::collective("TT2", "Số dịch vụ công trực tuyến toàn trình")
        .count(4.0, 8.0)
        .frequency("monthly")
        .add_to(app, &officer, &plan)
        .await;
    let score = Criterion::collective("TT3", "Chất lượng tham mưu tổng hợp")
        .score(8.0, 10.0)
        .add_to(app, &officer, &plan)
        .await;
    issue_plan(app, &officer, &plan).await;
    Work {
        admin,
        province,
        office,
        division_a,
        division_b,
        officer,
        manager_a,
        staff_a,
        member_a,
        staff_b,
        plan,
        computed,
        count,
        score,
        individual,
    }
}

/// A multipart/form-data body with one file part: (content type, body).
pub fn multipart(
    field: &str,
    file_name: &str,
    part_type: &str,
    content: &[u8],
) -> (String, Vec<u8>) {
    let boundary = "thidua-test-boundary-7f3a";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{file_name}\"\r\nContent-Type: {part_type}\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A small valid PDF.
pub const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";

/// The magic numbers of a PNG, and enough after them to be one.
pub const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89";

//! The tables (and the chart) of the reports, built from their figures with Vietnamese
//! labels: every file format (CSV, XLSX, the Word draft's sections) shares them. Apart
//! from the handlers because they are most of a report's wording.

use super::{PlanRef, ProvinceReport, UnitTotals, YearlyReport};
use crate::api::report_formats::{ChartSpec, Table, Value};
use crate::api::scores::EvidenceCounts;
use crate::domain::award_types::{AwardKind, AwardLevel};
use crate::domain::criteria::CriterionSubject;
use crate::domain::evidence::EvidenceStatus;
use crate::domain::nominations::NominationStatus;
use crate::domain::registrations::RegistrationStatus;
use crate::domain::scoring::ProgressStatus;
use crate::domain::vietnam_local;

// Vietnamese labels ----------------------------------------------------------------------

fn progress_label(s: ProgressStatus) -> &'static str {
    match s {
        ProgressStatus::Achieved => "Đạt",
        ProgressStatus::InProgress => "Đang thực hiện",
        ProgressStatus::Pending => "Chờ duyệt",
        ProgressStatus::NotStarted => "Chưa thực hiện",
    }
}

fn subject_label(s: CriterionSubject) -> &'static str {
    match s {
        CriterionSubject::Collective => "Tập thể",
        CriterionSubject::Individual => "Cá nhân",
    }
}

fn registration_label(s: RegistrationStatus) -> &'static str {
    match s {
        RegistrationStatus::Active => "Đang hiệu lực",
        RegistrationStatus::Withdrawn => "Đã rút",
    }
}

fn kind_label(k: AwardKind) -> &'static str {
    match k {
        AwardKind::Title => "Danh hiệu thi đua",
        AwardKind::Form => "Hình thức khen thưởng",
    }
}

fn level_label(l: AwardLevel) -> &'static str {
    match l {
        AwardLevel::Grassroots => "Cơ sở",
        AwardLevel::Province => "Cấp tỉnh",
        AwardLevel::State => "Nhà nước",
    }
}

fn nomination_label(s: NominationStatus) -> &'static str {
    match s {
        NominationStatus::Draft => "Đang soạn",
        NominationStatus::Submitted => "Đã trình",
        NominationStatus::Returned => "Trả lại",
        NominationStatus::CouncilReview => "Chờ Hội đồng xét",
        NominationStatus::Disclosed => "Đang công khai",
        NominationStatus::Approved => "Hội đồng thông qua",
        NominationStatus::Rejected => "Không được chấp thuận",
        NominationStatus::Decided => "Đã có quyết định",
    }
}

/// Evidence statuses with their labels, in workflow order (withdrawn evidence is not counted).
fn evidence_lines(e: &EvidenceCounts) -> [(&'static str, EvidenceStatus, i64); 5] {
    [
        ("Đang soạn", EvidenceStatus::Draft, e.draft),
        ("Đã nộp, chờ duyệt", EvidenceStatus::Submitted, e.submitted),
        ("Đã duyệt", EvidenceStatus::Approved, e.approved),
        ("Bị từ chối", EvidenceStatus::Rejected, e.rejected),
        ("Trả lại bổ sung", EvidenceStatus::Returned, e.returned),
    ]
}

fn yes_no(v: bool) -> &'static str {
    if v { "Có" } else { "Không" }
}

// Tables ---------------------------------------------------------------------------------

pub const SHEET_SUMMARY: &str = "Tổng hợp";
/// The summary row with the change feed's position: for the data files (CSV, XLSX), which
/// a reader matches against the feed, never on paper.
pub const DATA_VERSION: &str = "Phiên bản dữ liệu";
pub const SHEET_UNITS: &str = "Đơn vị tham gia";
pub const SHEET_MATRIX: &str = "Kết quả theo đơn vị";
pub const SHEET_DETAIL: &str = "Chi tiết chỉ tiêu";
pub const SHEET_CRITERIA: &str = "Tổng hợp chỉ tiêu";
pub const SHEET_REGISTRATIONS: &str = "Đăng ký thi đua";
pub const SHEET_EVIDENCE: &str = "Minh chứng";
pub const SHEET_LEARNING: &str = "Bình dân học vụ số";
pub const SHEET_NOMINATIONS: &str = "Đề nghị khen thưởng";
pub const SHEET_AWARDS: &str = "Khen thưởng";
pub const SHEET_PROVINCE: &str = "Tổng hợp theo đơn vị";

pub(super) fn table(
    sheet: &'static str,
    title: &str,
    headers: &[&str],
    rows: Vec<Vec<Value>>,
) -> Table {
    Table {
        sheet,
        title: title.to_string(),
        headers: headers.iter().map(|h| h.to_string()).collect(),
        rows,
    }
}

/// The sections of the yearly report as tables, in the order of the document.
pub(super) fn yearly_tables(r: &YearlyReport) -> Vec<Table> {
    let s = &r.summary;
    let summary = table(
        SHEET_SUMMARY,
        "Tổng hợp",
        &["Chỉ số", "Giá trị"],
        vec![
            vec!["Kế hoạch".into(), plan_name(&r.plan).into()],
            vec!["Năm".into(), i64::from(r.year).into()],
            vec!["Đơn vị báo cáo".into(), r.unit.name.clone().into()],
            vec!["Số đơn vị tham gia".into(), s.units_taking_part.into()],
            vec![
                "Số đơn vị đăng ký thi đua".into(),
                s.units_registered.into(),
            ],
            vec![
                "Số cá nhân đăng ký thi đua".into(),
                s.staff_registered.into(),
            ],
            vec![
                "Số lượt chỉ tiêu được đánh giá".into(),
                s.criteria_assessed.into(),
            ],
            vec!["Số lượt chỉ tiêu đạt".into(), s.criteria_achieved.into()],
            vec!["Số CBCCVC".into(), r.learning.headcount.into()],
            vec![
                "Số CBCCVC hoàn thành Bình dân học vụ số".into(),
                r.learning.staff_trained.into(),
            ],
            vec!["Số đề nghị khen thưởng".into(), s.nominations.into()],
            vec!["Số khen thưởng".into(), s.awards.into()],
            vec!["Tổng tiền thưởng (đồng)".into(), s.cash_amount.into()],
            vec![
                "Thời điểm lập".into(),
                vietnam_local(r.generated_at.naive_utc())
                    .format("%d/%m/%Y %H:%M:%S")
                    .to_string()
                    .into(),
            ],
            vec![DATA_VERSION.into(), r.data_version.into()],
        ],
    );
    let units = table(
        SHEET_UNITS,
        "Đơn vị tham gia",
        &[
            "STT",
            "Đơn vị",
            "Đã đăng ký",
            "Số CBCCVC",
            "Tổng điểm",
            "Số chỉ tiêu đạt",
        ],
        r.units
            .iter()
            .enumerate()
            .map(|(i, u)| {
                vec![
                    (i as i64 + 1).into(),
                    u.name.clone().into(),
                    yes_no(u.registered).into(),
                    u.headcount.into(),
                    u.total_points.into(),
                    u.achieved.into(),
                ]
            })
            .collect(),
    );
    // One column per collective criterion: the value each unit reached (the chart's data).
    let codes: Vec<(String, String)> = r
        .criteria
        .iter()
        .filter(|c| c.subject == CriterionSubject::Collective)
        .map(|c| (c.criterion_id.clone(), format!("{} – {}", c.code, c.title)))
        .collect();
    let mut matrix = Table {
        sheet: SHEET_MATRIX,
        title: "Kết quả thực hiện chỉ tiêu theo đơn vị".into(),
        headers: std::iter::once("Đơn vị".to_string())
            .chain(codes.iter().map(|c| c.1.clone()))
            .collect(),
        rows: Vec::new(),
    };
    for u in &r.units {
        let mut row: Vec<Value> = vec![u.name.clone().into()];
        for (id, _) in &codes {
            row.push(
                u.criteria
                    .iter()
                    .find(|c| &c.criterion_id == id)
                    .and_then(|c| c.value)
                    .into(),
            );
        }
        matrix.rows.push(row);
    }
    let detail = table(
        SHEET_DETAIL,
        "Chi tiết chỉ tiêu theo đơn vị",
        &[
            "Đơn vị",
            "Mã",
            "Chỉ tiêu",
            "Mục tiêu",
            "Đạt được",
            "Điểm",
            "Kết quả",
        ],
        r.units
            .iter()
            .flat_map(|u| {
                u.criteria.iter().map(|c| {
                    let title = r
                        .criteria
                        .iter()
                        .find(|x| x.criterion_id == c.criterion_id)
                        .map_or(String::new(), |x| x.title.clone());
                    vec![
                        u.name.clone().into(),
                        c.code.clone().into(),
                        title.into(),
                        c.target.into(),
                        c.value.into(),
                        c.points.into(),
                        progress_label(c.status).into(),
                    ]
                })
            })
            .collect(),
    );
    let criteria = table(
        SHEET_CRITERIA,
        "Tổng hợp theo chỉ tiêu",
        &[
            "Mã",
            "Chỉ tiêu",
            "Đối tượng",
            "Mục tiêu",
            "Số đơn vị",
            "Đạt",
            "Đang thực hiện",
            "Chờ duyệt",
            "Chưa thực hiện",
            "Giá trị bình quân",
        ],
        r.criteria
            .iter()
            .map(|c| {
                vec![
                    c.code.clone().into(),
                    c.title.clone().into(),
                    subject_label(c.subject).into(),
                    c.target.into(),
                    c.units.into(),
                    c.achieved.into(),
                    c.in_progress.into(),
                    c.pending.into(),
                    c.not_started.into(),
                    c.mean_value.into(),
                ]
            })
            .collect(),
    );
    let registrations = table(
        SHEET_REGISTRATIONS,
        "Đăng ký thi đua",
        &["Đối tượng", "Trạng thái", "Số lượng"],
        r.registrations
            .iter()
            .map(|c| {
                vec![
                    subject_label(c.subject).into(),
                    registration_label(c.status).into(),
                    c.count.into(),
                ]
            })
            .collect(),
    );
    let evidence = table(
        SHEET_EVIDENCE,
        "Minh chứng theo trạng thái",
        &["Trạng thái", "Số lượng"],
        evidence_lines(&r.evidence)
            .iter()
            .map(|(label, _, n)| vec![(*label).into(), (*n).into()])
            .collect(),
    );
    let mut learning_rows: Vec<Vec<Value>> = r
        .learning
        .units
        .iter()
        .map(|l| {
            vec![
                l.name.clone().into(),
                l.headcount.into(),
                l.staff_trained.into(),
                crate::domain::scoring::staff_share(l.staff_trained as usize, l.headcount as usize)
                    .into(),
                l.records.into(),
            ]
        })
        .collect();
    learning_rows.push(vec![
        "Tổng cộng".into(),
        r.learning.headcount.into(),
        r.learning.staff_trained.into(),
        r.learning.share.into(),
        r.learning.records.into(),
    ]);
    let learning = table(
        SHEET_LEARNING,
        "Bồi dưỡng kỹ năng số – Bình dân học vụ số",
        &[
            "Đơn vị",
            "Số CBCCVC",
            "Đã hoàn thành",
            "Tỷ lệ (%)",
            "Số chứng nhận",
        ],
        learning_rows,
    );
    let nominations = table(
        SHEET_NOMINATIONS,
        "Đề nghị khen thưởng",
        &[
            "Danh hiệu, hình thức",
            "Loại",
            "Cấp",
            "Trạng thái",
            "Số lượng",
        ],
        r.nominations
            .iter()
            .map(|n| {
                vec![
                    n.award_type_name.clone().into(),
                    kind_label(n.kind).into(),
                    level_label(n.level).into(),
                    n.status.map(nomination_label).into(),
                    n.count.into(),
                ]
            })
            .collect(),
    );
    let awards = table(
        SHEET_AWARDS,
        "Kết quả khen thưởng",
        &[
            "Danh hiệu, hình thức",
            "Loại",
            "Cấp",
            "Số lượng",
            "Tiền thưởng (đồng)",
        ],
        r.awards
            .iter()
            .map(|a| {
                vec![
                    a.award_type_name.clone().into(),
                    kind_label(a.kind).into(),
                    level_label(a.level).into(),
                    a.count.into(),
                    a.cash_amount.into(),
                ]
            })
            .collect(),
    );
    vec![
        summary,
        units,
        matrix,
        detail,
        criteria,
        registrations,
        evidence,
        learning,
        nominations,
        awards,
    ]
}

/// A chart per collective criterion: its value in each unit.
pub(super) fn yearly_charts(r: &YearlyReport) -> Vec<ChartSpec> {
    let value_cols = r
        .criteria
        .iter()
        .filter(|c| c.subject == CriterionSubject::Collective)
        .enumerate()
        .map(|(i, c)| {
            let target = c
                .target
                .map(|t| format!(" (mục tiêu {})", Value::Number(t).text()))
                .unwrap_or_default();
            (i as u16 + 1, format!("{} – {}{target}", c.code, c.title))
        })
        .collect();
    vec![ChartSpec {
        table: SHEET_MATRIX,
        category_col: 0,
        value_cols,
        y_axis: "Giá trị đạt được",
    }]
}

fn plan_name(p: &PlanRef) -> String {
    match &p.number {
        Some(n) => format!("{} ({n})", p.title),
        None => p.title.clone(),
    }
}

pub(super) fn province_tables(r: &ProvinceReport) -> Vec<Table> {
    let line = |name: &str, t: &UnitTotals| -> Vec<Value> {
        vec![
            name.to_string().into(),
            t.plans.into(),
            t.units_registered.into(),
            t.staff_registered.into(),
            t.criteria_assessed.into(),
            t.criteria_achieved.into(),
            t.evidence.approved.into(),
            t.evidence.submitted.into(),
            t.headcount.into(),
            t.staff_trained.into(),
            t.nominations.into(),
            t.awards.into(),
            t.cash_amount.into(),
        ]
    };
    let mut rows: Vec<Vec<Value>> = r.units.iter().map(|u| line(&u.name, &u.totals)).collect();
    rows.push(line("Tổng cộng", &r.total));
    vec![table(
        SHEET_PROVINCE,
        &format!("Tổng hợp kết quả thi đua, khen thưởng năm {}", r.year),
        &[
            "Đơn vị",
            "Số kế hoạch",
            "Tập thể đăng ký",
            "Cá nhân đăng ký",
            "Lượt chỉ tiêu đánh giá",
            "Lượt chỉ tiêu đạt",
            "Minh chứng đã duyệt",
            "Minh chứng chờ duyệt",
            "Số CBCCVC",
            "Hoàn thành Bình dân học vụ số",
            "Đề nghị khen thưởng",
            "Khen thưởng",
            "Tiền thưởng (đồng)",
        ],
        rows,
    )]
}

//! `thidua seed-bench`: a province's worth of realistic, deterministic data for the
//! benchmark (`bench/run.sh`) — units, staff, plans with their criteria, registrations,
//! evidence in every status, learning records, nominations and five years of awards.
//!
//! The plans, their criteria, movements and legal bases go through the domain functions the
//! API uses. The bulk (staff, registrations, evidence, nominations, awards) is written as
//! multi-row `INSERT`s through `on_backend!`, as the learning-record import does on SQLite,
//! with the derived columns the app keeps (search and sort keys, unit paths, versions) and
//! one change event per row; one audit row per kind of record tells of the whole load.
//! Everything is one transaction (`db::write_tx`), then sealed into the feed and the hash
//! chain (counted in the time: a server would otherwise do it at its start).
//!
//! The same `--seed` gives the same names, texts, values and shapes on every run and both
//! backends. Ids are UUIDv7 and timestamps are the load's, as for any other write.

use std::time::Instant;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{
    award_decisions, award_types, awards, change_events, evidence, evidence_history,
    learning_records, legal_documents, nominations, org_units, registrations, staff,
};
use crate::db::{AnyConnection, Tx, Writes};
use crate::domain::audit::ResourceKind;
use crate::domain::criteria::{Criterion, CriterionFields, CriterionSubject, Frequency, Measure};
use crate::domain::legal_documents::{DocType, LegalDocumentFields};
use crate::domain::movements::{MovementFields, MovementKind, MovementLevel, MovementStatus};
use crate::domain::plans::{
    AwardForm, AwardSubject, Occasion, Phase, PlanContent, PlanStatus, ReportDeadline,
    Responsibility, ResponsibilityRole, Review,
};
use crate::domain::{self, Actor, audit, new_id, now};
use crate::error::ApiError;
use crate::on_backend;
use crate::text::{fold, nfc, person_sort_key, sort_key};

/// What to generate. The defaults are a province (see the benchmark's README section);
/// `thidua seed-bench` takes each as a flag.
#[derive(Debug, Clone, clap::Args)]
pub struct Options {
    /// Org units: the province, its offices and divisions, communes.
    #[arg(long, default_value_t = 300)]
    pub units: usize,
    #[arg(long, default_value_t = 20_000)]
    pub staff: usize,
    #[arg(long, default_value_t = 3)]
    pub plans: usize,
    /// Criteria per plan, half collective and half individual.
    #[arg(long, default_value_t = 40)]
    pub criteria: usize,
    /// Evidence rows in all, a tenth of them learning records.
    #[arg(long, default_value_t = 200_000)]
    pub evidence: usize,
    #[arg(long, default_value_t = 10_000)]
    pub nominations: usize,
    /// Years of data, ending with this one.
    #[arg(long, default_value_t = 5)]
    pub years: usize,
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Add another data set to a database that already holds one.
    #[arg(long)]
    pub force: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            units: 300,
            staff: 20_000,
            plans: 3,
            criteria: 40,
            evidence: 200_000,
            nominations: 10_000,
            years: 5,
            seed: 42,
            force: false,
        }
    }
}

/// What was made, with the ids the benchmark needs.
#[derive(Debug, Clone, Default)]
pub struct Seeded {
    pub run: i64,
    pub code_prefix: String,
    pub root_unit_id: String,
    pub plan_ids: Vec<String>,
    /// A collective count criterion of the first plan (for evidence writes).
    pub collective_criterion_id: String,
    /// A unit under the root, for evidence writes.
    pub unit_id: String,
    /// The individual yes/no criterion learning records go to.
    pub learning_criterion_id: String,
    pub first_year: i32,
    pub last_year: i32,
    pub counts: Vec<(&'static str, usize)>,
    pub seconds: f64,
}

/// SplitMix64: tiny, fast and the same forever (unlike `StdRng`, whose algorithm may change
/// between `rand` versions), so a seed always gives the same data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// 0..n (n > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    /// A pick weighted by the first element of each pair.
    fn weighted<'a, T>(&mut self, items: &'a [(u32, T)]) -> &'a T {
        let total: u32 = items.iter().map(|i| i.0).sum();
        let mut r = (self.next() % u64::from(total)) as u32;
        for (w, v) in items {
            if r < *w {
                return v;
            }
            r -= w;
        }
        &items[items.len() - 1].1
    }
}

// Vietnamese names: the common family names with their rough shares, middle and given names.
const HO: &[(u32, &str)] = &[
    (380, "Nguyễn"),
    (110, "Trần"),
    (95, "Lê"),
    (70, "Phạm"),
    (50, "Hoàng"),
    (40, "Phan"),
    (39, "Vũ"),
    (35, "Võ"),
    (21, "Đặng"),
    (20, "Bùi"),
    (14, "Đỗ"),
    (13, "Hồ"),
    (13, "Ngô"),
    (10, "Dương"),
    (5, "Lý"),
    (8, "Đinh"),
    (7, "Đào"),
    (6, "Cao"),
    (5, "Lương"),
    (5, "Mai"),
    (5, "Trịnh"),
    (4, "Thái"),
    (4, "Hà"),
];
const DEM_NAM: &[&str] = &[
    "Văn", "Hữu", "Đức", "Minh", "Quang", "Công", "Thành", "Xuân", "Anh", "Trọng", "Đình", "Quốc",
    "Tiến", "Hoàng",
];
const DEM_NU: &[&str] = &[
    "Thị", "Thu", "Ngọc", "Thanh", "Hồng", "Kim", "Phương", "Mai", "Thùy", "Bích", "Diệu", "Khánh",
];
const TEN_NAM: &[&str] = &[
    "An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hùng", "Huy", "Khánh", "Long", "Minh", "Nam",
    "Phong", "Quân", "Sơn", "Thắng", "Tuấn", "Việt", "Vinh", "Trung", "Hiếu", "Lộc", "Toàn",
    "Đông",
];
const TEN_NU: &[&str] = &[
    "Anh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hoa", "Hương", "Lan", "Linh", "Loan",
    "Mai", "Nga", "Ngọc", "Nhung", "Phương", "Thảo", "Trang", "Yến", "Vân", "Quỳnh", "Thủy",
];
const AGENCIES: &[&str] = &[
    "Văn phòng Ủy ban nhân dân tỉnh",
    "Sở Nội vụ",
    "Sở Tài chính",
    "Sở Giáo dục và Đào tạo",
    "Sở Y tế",
    "Sở Xây dựng",
    "Sở Công Thương",
    "Sở Nông nghiệp và Môi trường",
    "Sở Khoa học và Công nghệ",
    "Sở Tư pháp",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Thanh tra tỉnh",
    "Sở Dân tộc và Tôn giáo",
    "Ban Quản lý Khu kinh tế",
    "Sở Ngoại vụ",
    "Đài Phát thanh và Truyền hình tỉnh",
    "Trường Cao đẳng Kỹ thuật",
    "Ban Quản lý dự án đầu tư xây dựng",
];
const DIVISIONS: &[&str] = &[
    "Văn phòng",
    "Phòng Tổ chức cán bộ",
    "Phòng Kế hoạch – Tài chính",
    "Thanh tra",
    "Phòng Nghiệp vụ",
    "Phòng Pháp chế",
    "Phòng Chuyển đổi số",
];
const PLACE_A: &[&str] = &[
    "Thanh", "Hưng", "Nghi", "Diễn", "Quỳnh", "Yên", "Đức", "Minh", "Hòa", "Phú", "Tân", "Vĩnh",
    "Kỳ", "Cẩm", "Thạch", "Xuân", "Sơn", "Hương", "Đông", "Nam",
];
const PLACE_B: &[&str] = &[
    "Lộc", "Phú", "Thành", "Sơn", "Hà", "Long", "An", "Bình", "Xuân", "Mỹ", "Trung", "Lâm", "Hải",
    "Tiến", "Phong", "Châu", "Đồng", "Liên",
];
const POSITIONS: &[(u32, Option<&str>)] = &[
    (60, Some("Chuyên viên")),
    (12, Some("Chuyên viên chính")),
    (8, Some("Phó Trưởng phòng")),
    (5, Some("Trưởng phòng")),
    (5, Some("Cán sự")),
    (10, None),
];
const CATEGORIES: &[(u32, &str)] = &[
    (20, "can_bo"),
    (45, "cong_chuc"),
    (30, "vien_chuc"),
    (5, "nguoi_lao_dong"),
];
const COLLECTIVE_CRITERIA: &[(&str, Measure, &str)] = &[
    (
        "Tỷ lệ hồ sơ công việc được xử lý trên môi trường mạng",
        Measure::Percent,
        "%",
    ),
    (
        "Tỷ lệ thủ tục hành chính được cung cấp dịch vụ công trực tuyến toàn trình",
        Measure::Percent,
        "%",
    ),
    (
        "Số sáng kiến, giải pháp chuyển đổi số được công nhận",
        Measure::Count,
        "sáng kiến",
    ),
    ("Tỷ lệ văn bản đi được ký số", Measure::Percent, "%"),
    (
        "Số buổi tuyên truyền phong trào thi đua",
        Measure::Count,
        "buổi",
    ),
    (
        "Kết quả chấm điểm chỉ số cải cách hành chính",
        Measure::Score,
        "điểm",
    ),
    (
        "Tỷ lệ cán bộ, công chức hoàn thành bồi dưỡng kỹ năng số",
        Measure::Percent,
        "%",
    ),
    (
        "Số mô hình, điển hình tiên tiến được nhân rộng",
        Measure::Count,
        "mô hình",
    ),
];
const INDIVIDUAL_CRITERIA: &[(&str, Measure, &str)] = &[
    (
        "Hoàn thành khóa học Bình dân học vụ số",
        Measure::Boolean,
        "",
    ),
    (
        "Số văn bản xử lý trên hệ thống quản lý văn bản điều hành",
        Measure::Count,
        "văn bản",
    ),
    (
        "Hoàn thành xuất sắc nhiệm vụ được giao",
        Measure::Boolean,
        "",
    ),
    (
        "Số sáng kiến được áp dụng tại đơn vị",
        Measure::Count,
        "sáng kiến",
    ),
    (
        "Điểm đánh giá kết quả thực hiện nhiệm vụ",
        Measure::Score,
        "điểm",
    ),
    (
        "Tham gia đầy đủ các lớp tập huấn chuyển đổi số",
        Measure::Boolean,
        "",
    ),
];
const EVIDENCE_TEXT: &[&str] = &[
    "Báo cáo kết quả thực hiện {c} {p} năm {y}",
    "Tổng hợp số liệu {c}, kèm danh sách minh chứng {p} năm {y}",
    "Biên bản kiểm tra, đánh giá {c} {p} năm {y}",
    "Kết quả trích xuất từ hệ thống về {c} {p} năm {y}",
    "Giấy chứng nhận và bảng tổng hợp liên quan đến {c}, năm {y}",
];
const PERIODS: &[&str] = &["quý I", "quý II", "quý III", "quý IV", "6 tháng đầu", "cả"];
const COURSES: &[&str] = &[
    "Kỹ năng số cơ bản",
    "An toàn thông tin cho cán bộ, công chức",
    "Khai thác dịch vụ công trực tuyến",
    "Ứng dụng trí tuệ nhân tạo trong công việc",
    "Chữ ký số và văn bản điện tử",
    "Dữ liệu số và chia sẻ dữ liệu",
];

/// Vietnamese full name and gender.
fn person(rng: &mut Rng) -> (String, &'static str) {
    let ho = rng.weighted(HO);
    if rng.chance(52) {
        let name = format!("{ho} {} {}", rng.pick(DEM_NU), rng.pick(TEN_NU));
        (nfc(&name), "female")
    } else {
        let name = format!("{ho} {} {}", rng.pick(DEM_NAM), rng.pick(TEN_NAM));
        (nfc(&name), "male")
    }
}

fn place(rng: &mut Rng) -> String {
    format!("{} {}", rng.pick(PLACE_A), rng.pick(PLACE_B))
}

/// A time on a day, in office hours.
fn at_on(rng: &mut Rng, day: NaiveDate) -> NaiveDateTime {
    day.and_hms_opt(7, 30, 0).expect("valid time") + Duration::seconds(rng.below(9 * 3600) as i64)
}

/// A day in a year, no later than `latest`.
fn day_in(rng: &mut Rng, year: i32, latest: NaiveDate) -> NaiveDate {
    let first = NaiveDate::from_ymd_opt(year, 1, 1).expect("valid year");
    let last = NaiveDate::from_ymd_opt(year, 12, 31)
        .expect("valid year")
        .min(latest);
    let span = (last - first).num_days().max(0) as usize + 1;
    first + Duration::days(rng.below(span) as i64)
}

/// Rows per statement: SQLite takes at most 32 766 parameters (PostgreSQL 65 535).
fn rows_per_insert(columns: usize) -> usize {
    30_000 / columns
}

/// Inserts rows of one table in multi-row statements.
macro_rules! bulk {
    ($conn:expr, $table:expr, $rows:expr, $columns:expr) => {
        for chunk in $rows.chunks(rows_per_insert($columns)) {
            on_backend!($conn, |c| diesel::insert_into($table)
                .values(chunk)
                .execute(c))?;
        }
    };
}

/// One `created` change event per new row, as each row's own write would record.
fn change_events(
    conn: &mut AnyConnection,
    kind: &'static str,
    ids: &[(String, NaiveDateTime)],
) -> Result<(), ApiError> {
    let rows: Vec<_> = ids
        .iter()
        .map(|(id, at)| {
            (
                change_events::at.eq(*at),
                change_events::resource_type.eq(kind),
                change_events::resource_id.eq(id.as_str()),
                change_events::action.eq("created"),
                change_events::version.eq(1i64),
            )
        })
        .collect();
    bulk!(conn, change_events::table, rows, 5);
    Ok(())
}

/// A legal document by its number, issuer and date: the one there, or a new one.
fn legal_document(
    tx: &mut Tx<'_>,
    actor: &Actor,
    f: LegalDocumentFields,
) -> Result<String, ApiError> {
    let existing = legal_documents::table
        .filter(legal_documents::number.eq(&f.number))
        .filter(legal_documents::issuer.eq(&f.issuer))
        .filter(legal_documents::issued_on.eq(f.issued_on))
        .filter(legal_documents::owner_unit_id.is_null())
        .select(legal_documents::id)
        .first::<String>(tx.conn())
        .optional()?;
    match existing {
        Some(id) => Ok(id),
        None => Ok(domain::legal_documents::create(tx, actor, f, None)?.id),
    }
}

/// The code prefix of a bench data set: `BK` and its run number.
fn prefix(run: i64) -> String {
    format!("BK{run}")
}

/// How many bench data sets the database holds (their roots are coded `BK<n>-TINH`).
pub fn existing_runs(conn: &mut AnyConnection) -> QueryResult<i64> {
    org_units::table
        .filter(org_units::code.like("BK%-TINH"))
        .count()
        .get_result(conn)
}

/// Generates and writes the data set, in one transaction.
pub fn seed(conn: &mut impl Writes, opts: &Options) -> Result<Seeded, ApiError> {
    let started = Instant::now();
    let run = existing_runs(conn)?;
    if run > 0 && !opts.force {
        return Err(ApiError::conflict(
            "bench_data_present",
            "The database already holds bench data; give --force to add another set.",
        ));
    }
    if opts.units < 2 || opts.staff < 1 || opts.plans < 1 || opts.criteria < 2 || opts.years < 1 {
        return Err(ApiError::invalid(
            "options",
            "too_small",
            "at least 2 units, 1 staff member, 1 plan, 2 criteria and 1 year",
        ));
    }
    let mut out = conn.write(|tx| write(tx, opts, run))?;
    crate::domain::audit::seal_committed(conn)?;
    out.seconds = started.elapsed().as_secs_f64();
    Ok(out)
}

struct Unit {
    id: String,
    path: String,
    name: String,
}

struct Person {
    id: String,
    unit: usize,
    name: String,
}

fn write(tx: &mut Tx<'_>, opts: &Options, run: i64) -> Result<Seeded, ApiError> {
    let mut rng = Rng(opts.seed ^ (run as u64).wrapping_mul(0x2545_F491_4F6C_DD1D));
    let actor = Actor::default();
    let p = prefix(run);
    let today = domain::today();
    let last_year = today.year();
    let first_year = last_year - opts.years as i32 + 1;
    let mut out = Seeded {
        run,
        code_prefix: p.clone(),
        first_year,
        last_year,
        ..Default::default()
    };

    // Units: the province, its offices with their divisions, and the communes.
    let province = place(&mut rng);
    let load_at = now();
    let mut units: Vec<Unit> = Vec::with_capacity(opts.units);
    let mut unit_rows = Vec::with_capacity(opts.units);
    let mut push_unit = |units: &mut Vec<Unit>,
                         code: String,
                         name: String,
                         kind: &'static str,
                         parent: Option<usize>| {
        let id = new_id();
        let (parent_id, path) = match parent {
            Some(i) => (Some(units[i].id.clone()), format!("{}{id}/", units[i].path)),
            None => (None, format!("/{id}/")),
        };
        let name = nfc(&name);
        let name_copy = name.clone();
        unit_rows.push((
            org_units::id.eq(id.clone()),
            org_units::code.eq(code),
            org_units::name_search.eq(fold(&name)),
            org_units::name_sort.eq(sort_key(&name)),
            org_units::name.eq(name),
            org_units::kind.eq(kind),
            org_units::parent_id.eq(parent_id),
            org_units::path.eq(path.clone()),
            org_units::active.eq(true),
            org_units::version.eq(1i64),
            org_units::created_at.eq(load_at),
            org_units::updated_at.eq(load_at),
        ));
        units.push(Unit {
            id,
            path,
            name: name_copy,
        });
    };
    push_unit(
        &mut units,
        format!("{p}-TINH"),
        format!("Ủy ban nhân dân tỉnh {province}"),
        "province",
        None,
    );
    let rest = opts.units - 1;
    let agencies = (rest / 15).clamp(1, AGENCIES.len()).min(rest);
    let divisions_each = ((rest - agencies) / 3)
        .checked_div(agencies)
        .unwrap_or(0)
        .min(DIVISIONS.len());
    for (a, agency_name) in AGENCIES.iter().enumerate().take(agencies) {
        push_unit(
            &mut units,
            format!("{p}-S{:02}", a + 1),
            agency_name.to_string(),
            if agency_name.starts_with("Trường") || agency_name.starts_with("Đài") {
                "service_unit"
            } else {
                "agency"
            },
            Some(0),
        );
        let agency = units.len() - 1;
        for (d, division) in DIVISIONS.iter().enumerate().take(divisions_each) {
            push_unit(
                &mut units,
                format!("{p}-S{:02}-P{:02}", a + 1, d + 1),
                division.to_string(),
                "division",
                Some(agency),
            );
        }
    }
    let mut c = 0;
    while units.len() < opts.units {
        c += 1;
        let (kind_name, place_name) = if c % 7 == 0 {
            ("UBND phường", place(&mut rng))
        } else {
            ("UBND xã", place(&mut rng))
        };
        push_unit(
            &mut units,
            format!("{p}-X{c:03}"),
            format!("{kind_name} {place_name}"),
            "commune",
            Some(0),
        );
    }
    bulk!(tx, org_units::table, unit_rows, 12);
    let ids: Vec<_> = units.iter().map(|u| (u.id.clone(), load_at)).collect();
    change_events(tx, "org_unit", &ids)?;
    out.root_unit_id = units[0].id.clone();
    out.unit_id = units[1].id.clone();

    // Staff, spread over every unit but the province itself.
    let mut people: Vec<Person> = Vec::with_capacity(opts.staff);
    let mut rows = Vec::new();
    let mut ids = Vec::new();
    for i in 0..opts.staff {
        let unit = 1 + rng.below(units.len() - 1);
        let (full_name, gender) = person(&mut rng);
        let code = format!("{p}-{:06}", i + 1);
        let id = new_id();
        rows.push((
            staff::id.eq(id.clone()),
            staff::staff_code.eq(Some(code.clone())),
            staff::name_search.eq(fold(&full_name)),
            staff::name_sort.eq(person_sort_key(&full_name)),
            staff::full_name.eq(full_name.clone()),
            staff::org_unit_id.eq(units[unit].id.clone()),
            staff::position.eq(rng.weighted(POSITIONS).map(str::to_string)),
            staff::category.eq(*rng.weighted(CATEGORIES)),
            staff::email.eq(Some(format!("{}@bench.thidua.vn", code.to_lowercase()))),
            staff::gender.eq(Some(gender)),
            staff::active.eq(true),
            staff::version.eq(1i64),
            staff::created_at.eq(load_at),
            staff::updated_at.eq(load_at),
        ));
        ids.push((id.clone(), load_at));
        people.push(Person {
            id,
            unit,
            name: full_name,
        });
    }
    bulk!(tx, staff::table, rows, 14);
    drop(rows);
    change_events(tx, "staff", &ids)?;
    drop(ids);

    // Legal bases, a movement per plan, the plans and their criteria: through the domain.
    let law = legal_document(
        tx,
        &actor,
        LegalDocumentFields {
            number: "06/2022/QH15".into(),
            doc_type: DocType::Luat,
            issuer: "Quốc hội".into(),
            issued_on: NaiveDate::from_ymd_opt(2022, 6, 15).expect("valid date"),
            title: "Luật Thi đua, khen thưởng".into(),
            url: None,
        },
    )?;
    let decree = legal_document(
        tx,
        &actor,
        LegalDocumentFields {
            number: "152/2025/NĐ-CP".into(),
            doc_type: DocType::NghiDinh,
            issuer: "Chính phủ".into(),
            issued_on: NaiveDate::from_ymd_opt(2025, 6, 13).expect("valid date"),
            title: "Nghị định quy định chi tiết một số điều của Luật Thi đua, khen thưởng".into(),
            url: None,
        },
    )?;
    const PLAN_TITLES: &[&str] = &[
        "Kế hoạch triển khai phong trào thi đua \"Cả nước thi đua đổi mới sáng tạo và chuyển đổi số\" và \"Bình dân học vụ số\"",
        "Kế hoạch phát động phong trào thi đua thực hiện thắng lợi nhiệm vụ phát triển kinh tế – xã hội",
        "Kế hoạch thi đua đẩy mạnh cải cách hành chính, xây dựng chính quyền số",
        "Kế hoạch thi đua xây dựng nông thôn mới và đô thị văn minh",
        "Kế hoạch thi đua bảo đảm an sinh xã hội",
    ];
    let mut plans: Vec<(String, Vec<Criterion>)> = Vec::new();
    for k in 0..opts.plans {
        let title = format!(
            "{} giai đoạn {first_year}–{last_year}{}",
            PLAN_TITLES[k % PLAN_TITLES.len()],
            if k >= PLAN_TITLES.len() {
                format!(" (đợt {})", k / PLAN_TITLES.len() + 1)
            } else {
                String::new()
            }
        );
        let movement = domain::movements::create(
            tx,
            &actor,
            MovementFields {
                name: format!("Phong trào thi đua số {} tỉnh {province}", k + 1),
                short_name: None,
                description: Some(format!("Phong trào thi đua của tỉnh {province} ({p})")),
                level: MovementLevel::Provincial,
                kind: if k == 0 {
                    MovementKind::Thematic
                } else {
                    MovementKind::Regular
                },
                launched_by_id: Some(units[0].id.clone()),
                start_date: NaiveDate::from_ymd_opt(first_year, 1, 1).expect("valid date"),
                end_date: NaiveDate::from_ymd_opt(last_year, 12, 31).expect("valid date"),
                status: MovementStatus::Active,
            },
            Some(&units[0].id),
        )?;
        let mid = first_year + (opts.years as i32 - 1) / 2;
        let mut phases = vec![Phase {
            name: format!("Giai đoạn {first_year}–{mid}"),
            start_date: NaiveDate::from_ymd_opt(first_year, 1, 1).expect("valid date"),
            end_date: NaiveDate::from_ymd_opt(mid, 12, 31).expect("valid date"),
            review: Some(Review::Interim),
            review_year: Some(mid),
        }];
        if mid < last_year {
            phases.push(Phase {
                name: format!("Giai đoạn {}–{last_year}", mid + 1),
                start_date: NaiveDate::from_ymd_opt(mid + 1, 1, 1).expect("valid date"),
                end_date: NaiveDate::from_ymd_opt(last_year, 12, 31).expect("valid date"),
                review: Some(Review::Final),
                review_year: Some(last_year),
            });
        }
        let content = PlanContent {
            number: Some(format!("{}/KH-UBND", 100 + k + 10 * run as usize)),
            issued_on: NaiveDate::from_ymd_opt(first_year, 2, 15),
            issuer_id: units[0].id.clone(),
            title,
            signer_name: Some(person(&mut rng).0),
            signer_title: Some("Chủ tịch Ủy ban nhân dân tỉnh".into()),
            movement_ids: vec![movement.id.clone()],
            legal_basis_ids: vec![law.clone(), decree.clone()],
            purposes: vec![
                "Động viên cán bộ, công chức, viên chức thi đua hoàn thành xuất sắc nhiệm vụ."
                    .into(),
                "Phát hiện, bồi dưỡng, nhân rộng các điển hình tiên tiến.".into(),
            ],
            requirements: vec![
                "Thi đua thiết thực, hiệu quả, tránh hình thức.".into(),
                "Khen thưởng kịp thời, chính xác, công khai, minh bạch.".into(),
            ],
            contents: vec![
                "Đẩy mạnh chuyển đổi số trong hoạt động của cơ quan nhà nước.".into(),
                "Phổ cập kỹ năng số cho cán bộ, công chức và người dân.".into(),
                "Cải cách hành chính, nâng cao chất lượng phục vụ.".into(),
            ],
            solutions: vec!["Tăng cường tuyên truyền, kiểm tra, sơ kết, tổng kết.".into()],
            recipients: vec!["Các sở, ban, ngành, UBND các xã, phường".into()],
            phases,
            award_forms: vec![
                AwardForm {
                    occasion: Occasion::Annual,
                    title: "Bằng khen của Chủ tịch UBND tỉnh".into(),
                    subject: AwardSubject::Both,
                    description: None,
                },
                AwardForm {
                    occasion: Occasion::Final,
                    title: "Cờ thi đua của UBND tỉnh".into(),
                    subject: AwardSubject::Collective,
                    description: None,
                },
            ],
            responsibilities: vec![
                Responsibility {
                    org_unit_id: units[1].id.clone(),
                    role: ResponsibilityRole::Lead,
                    task: "Chủ trì, hướng dẫn, theo dõi, tổng hợp kết quả thực hiện.".into(),
                },
                Responsibility {
                    org_unit_id: units[units.len() - 1].id.clone(),
                    role: ResponsibilityRole::Coordinate,
                    task: "Phối hợp triển khai tại địa phương.".into(),
                },
            ],
            report_deadline: Some(ReportDeadline {
                month: 11,
                day: 15,
                to: Some("Sở Nội vụ".into()),
                note: None,
            }),
        };
        let created = domain::plans::create(tx, &actor, content, &|_| true)?;
        let mut criteria = Vec::with_capacity(opts.criteria);
        for i in 0..opts.criteria {
            let individual = i % 2 == 1;
            let list = if individual {
                INDIVIDUAL_CRITERIA
            } else {
                COLLECTIVE_CRITERIA
            };
            let (title, measure, unit) = list[(i / 2) % list.len()];
            let round = (i / 2) / list.len();
            let title = if round > 0 {
                format!("{title} (nhóm {})", round + 1)
            } else {
                title.to_string()
            };
            let max_points = if measure == Measure::Score {
                100.0
            } else {
                10.0
            };
            let target = match measure {
                Measure::Percent => Some(90.0),
                Measure::Count => Some(5.0),
                Measure::Score => Some(80.0),
                Measure::Boolean => None,
            };
            let fields = CriterionFields {
                subject: if individual {
                    CriterionSubject::Individual
                } else {
                    CriterionSubject::Collective
                },
                code: format!("{}{}", if individual { "CN" } else { "TT" }, i / 2 + 1),
                position: Some(i as i32 + 1),
                title,
                description: None,
                measure,
                target,
                unit: (!unit.is_empty()).then(|| unit.to_string()),
                max_points,
                evidence_expected: Some("Báo cáo, số liệu trích xuất từ hệ thống".into()),
                content_no: Some((i % 3) as i32 + 1),
                frequency: Some(if i % 4 == 0 {
                    Frequency::Quarterly
                } else {
                    Frequency::Yearly
                }),
                source_criterion_id: None,
            };
            criteria.push(domain::criteria::create(
                tx,
                &actor,
                &created.plan,
                fields,
                None,
            )?);
        }
        let (plan, _) = domain::plans::find(tx, &created.plan.id)?
            .ok_or_else(|| ApiError::internal("the plan just made is gone"))?;
        let version = plan.version;
        let detail = domain::plans::detail(tx, plan)?;
        domain::plans::transition(tx, &actor, detail, version, PlanStatus::Issued)?;
        plans.push((created.plan.id.clone(), criteria));
    }
    out.plan_ids = plans.iter().map(|p| p.0.clone()).collect();
    let main_criteria = &plans[0].1;
    out.collective_criterion_id = main_criteria
        .iter()
        .find(|c| c.subject == CriterionSubject::Collective && c.measure == Measure::Count)
        .or_else(|| {
            main_criteria
                .iter()
                .find(|c| c.subject == CriterionSubject::Collective)
        })
        .map(|c| c.id.clone())
        .unwrap_or_default();
    let learning = main_criteria
        .iter()
        .find(|c| c.subject == CriterionSubject::Individual && c.measure == Measure::Boolean)
        .cloned();
    out.learning_criterion_id = learning.as_ref().map(|c| c.id.clone()).unwrap_or_default();

    // Registrations: every unit for every plan and year; a fifth of the staff for the
    // first plan.
    let mut rows = Vec::new();
    let mut ids = Vec::new();
    let years: Vec<i32> = (first_year..=last_year).collect();
    for (plan_id, _) in &plans {
        for &year in &years {
            let at = at_on(
                &mut rng,
                NaiveDate::from_ymd_opt(year, 2, 1).expect("valid date"),
            );
            for u in units.iter().skip(1) {
                let id = new_id();
                rows.push((
                    registrations::id.eq(id.clone()),
                    registrations::plan_id.eq(plan_id.clone()),
                    registrations::year.eq(year),
                    registrations::subject.eq("collective"),
                    registrations::org_unit_id.eq(u.id.clone()),
                    registrations::staff_id.eq(None::<String>),
                    registrations::titles.eq(if rng.chance(30) {
                        "tap_the_lao_dong_xuat_sac"
                    } else {
                        "tap_the_lao_dong_tien_tien"
                    }),
                    registrations::status.eq(if rng.chance(3) { "withdrawn" } else { "active" }),
                    registrations::version.eq(1i64),
                    registrations::created_at.eq(at),
                    registrations::updated_at.eq(at),
                ));
                ids.push((id, at));
            }
        }
    }
    for &year in &years {
        let at = at_on(
            &mut rng,
            NaiveDate::from_ymd_opt(year, 2, 1).expect("valid date"),
        );
        let chosen: Vec<&Person> = people.iter().filter(|_| rng.chance(20)).collect();
        for person in chosen {
            let id = new_id();
            rows.push((
                registrations::id.eq(id.clone()),
                registrations::plan_id.eq(plans[0].0.clone()),
                registrations::year.eq(year),
                registrations::subject.eq("individual"),
                registrations::org_unit_id.eq(units[person.unit].id.clone()),
                registrations::staff_id.eq(Some(person.id.clone())),
                registrations::titles.eq(if rng.chance(15) {
                    "lao_dong_tien_tien,chien_si_thi_dua_co_so"
                } else {
                    "lao_dong_tien_tien"
                }),
                registrations::status.eq("active"),
                registrations::version.eq(1i64),
                registrations::created_at.eq(at),
                registrations::updated_at.eq(at),
            ));
            ids.push((id, at));
        }
    }
    bulk!(tx, registrations::table, rows, 11);
    drop(rows);
    change_events(tx, "registration", &ids)?;
    out.counts.push(("registrations", ids.len()));
    drop(ids);

    // Evidence: half for the first plan, individual two times in three; a tenth of it
    // learning records (approved, imported) on the first plan's yes/no criterion.
    let learning_rows = if learning.is_some() {
        opts.evidence / 10
    } else {
        0
    };
    let manual = opts.evidence - learning_rows;
    const STATUSES: &[(u32, &str)] = &[
        (60, "approved"),
        (14, "submitted"),
        (10, "draft"),
        (6, "returned"),
        (6, "rejected"),
        (4, "withdrawn"),
    ];
    let chunk = rows_per_insert(22);
    let mut done = 0;
    while done < manual {
        let n = chunk.min(manual - done);
        let mut ev = Vec::with_capacity(n);
        let mut history = Vec::with_capacity(n);
        let mut ids = Vec::with_capacity(n);
        for _ in 0..n {
            let plan = if rng.chance(50) {
                &plans[0]
            } else {
                &plans[rng.below(plans.len())]
            };
            let individual = rng.chance(67);
            let candidates: Vec<&Criterion> = plan
                .1
                .iter()
                .filter(|c| (c.subject == CriterionSubject::Individual) == individual)
                .collect();
            let criterion = *rng.pick(&candidates);
            let year = *rng.pick(&years);
            let as_of = day_in(&mut rng, year, today);
            let (unit, staff_id) = if individual {
                let person = rng.pick(&people);
                (person.unit, Some(person.id.clone()))
            } else {
                (1 + rng.below(units.len() - 1), None)
            };
            let value = match criterion.measure {
                Measure::Percent => (rng.below(1001) as f64) / 10.0,
                Measure::Count => rng.below(12) as f64,
                Measure::Boolean => {
                    if rng.chance(85) {
                        1.0
                    } else {
                        0.0
                    }
                }
                Measure::Score => (rng.below(201) as f64) / 2.0,
            };
            let status = *rng.weighted(STATUSES);
            let period: &str = PERIODS[rng.below(PERIODS.len())];
            let description = EVIDENCE_TEXT[rng.below(EVIDENCE_TEXT.len())]
                .replace("{c}", &criterion.title.to_lowercase())
                .replace("{p}", period)
                .replace("{y}", &year.to_string());
            let created = at_on(&mut rng, as_of);
            let submitted = (status != "draft").then(|| created + Duration::hours(2));
            let reviewed = matches!(status, "approved" | "rejected" | "returned")
                .then(|| created + Duration::days(3));
            let updated = reviewed.or(submitted).unwrap_or(created);
            let links = if rng.chance(40) {
                format!(
                    "https://vanban.{}.gov.vn/{}",
                    fold(&province).replace(' ', ""),
                    rng.below(1_000_000)
                )
            } else {
                String::new()
            };
            let id = new_id();
            ev.push((
                evidence::id.eq(id.clone()),
                evidence::criterion_id.eq(criterion.id.clone()),
                evidence::plan_id.eq(plan.0.clone()),
                evidence::year.eq(year),
                evidence::subject.eq(if individual {
                    "individual"
                } else {
                    "collective"
                }),
                evidence::org_unit_id.eq(units[unit].id.clone()),
                evidence::staff_id.eq(staff_id),
                evidence::value.eq(Some(value)),
                evidence::as_of.eq(as_of),
                evidence::search_text.eq(fold(&description)),
                evidence::description.eq(Some(description)),
                evidence::links.eq(links),
                evidence::status.eq(status),
                evidence::source.eq("manual"),
                evidence::submitted_at.eq(submitted),
                evidence::reviewed_at.eq(reviewed),
                evidence::review_note
                    .eq((status == "returned").then_some("Đề nghị bổ sung tài liệu minh chứng")),
                evidence::version.eq(if reviewed.is_some() {
                    3i64
                } else if submitted.is_some() {
                    2
                } else {
                    1
                }),
                evidence::created_at.eq(created),
                evidence::updated_at.eq(updated),
            ));
            history.push((
                evidence_history::id.eq(new_id()),
                evidence_history::evidence_id.eq(id.clone()),
                evidence_history::at.eq(updated),
                evidence_history::to_status.eq(status),
            ));
            ids.push((id, updated));
        }
        bulk!(tx, evidence::table, ev, 20);
        bulk!(tx, evidence_history::table, history, 4);
        change_events(tx, "evidence", &ids)?;
        done += n;
    }
    if let Some(criterion) = &learning {
        let mut done = 0;
        while done < learning_rows {
            let n = chunk.min(learning_rows - done);
            let mut ev = Vec::with_capacity(n);
            let mut history = Vec::with_capacity(n);
            let mut records = Vec::with_capacity(n);
            let mut ids = Vec::with_capacity(n);
            for k in done..done + n {
                // Person k mod staff, course k / staff: never the same record twice.
                let person = &people[k % people.len()];
                let course = k / people.len();
                let title = COURSES[course % COURSES.len()];
                let course_code = format!("BDHVS-{:02}", course + 1);
                let year = *rng.pick(&years);
                let completed_on = day_in(&mut rng, year, today);
                let at = at_on(&mut rng, completed_on);
                let description = format!("{course_code} – {title}");
                let certificate = format!("CC-{year}-{:06}", k + 1);
                let id = new_id();
                ev.push((
                    evidence::id.eq(id.clone()),
                    evidence::criterion_id.eq(criterion.id.clone()),
                    evidence::plan_id.eq(criterion.plan_id.clone()),
                    evidence::year.eq(year),
                    evidence::subject.eq("individual"),
                    evidence::org_unit_id.eq(units[person.unit].id.clone()),
                    evidence::staff_id.eq(Some(person.id.clone())),
                    evidence::value.eq(Some(1.0)),
                    evidence::as_of.eq(completed_on),
                    evidence::search_text.eq(fold(&description)),
                    evidence::description.eq(Some(description)),
                    evidence::links.eq(String::new()),
                    evidence::status.eq("approved"),
                    evidence::source.eq("import"),
                    evidence::submitted_at.eq(Some(at)),
                    evidence::reviewed_at.eq(Some(at)),
                    evidence::review_note.eq(Some(certificate.clone())),
                    evidence::version.eq(1i64),
                    evidence::created_at.eq(at),
                    evidence::updated_at.eq(at),
                ));
                history.push((
                    evidence_history::id.eq(new_id()),
                    evidence_history::evidence_id.eq(id.clone()),
                    evidence_history::at.eq(at),
                    evidence_history::to_status.eq("approved"),
                ));
                records.push((
                    learning_records::id.eq(new_id()),
                    learning_records::staff_id.eq(person.id.clone()),
                    learning_records::criterion_id.eq(criterion.id.clone()),
                    learning_records::course_code.eq(course_code),
                    learning_records::course_title.eq(Some(title)),
                    learning_records::completed_on.eq(completed_on),
                    learning_records::certificate_id.eq(Some(certificate)),
                    learning_records::evidence_id.eq(id.clone()),
                    learning_records::created_at.eq(at),
                ));
                ids.push((id, at));
            }
            bulk!(tx, evidence::table, ev, 20);
            bulk!(tx, evidence_history::table, history, 4);
            bulk!(tx, learning_records::table, records, 9);
            change_events(tx, "evidence", &ids)?;
            done += n;
        }
    }
    out.counts.push(("evidence", opts.evidence));
    out.counts.push(("learning records", learning_rows));

    // Nominations over the years, mostly people for grassroots titles; past years decided,
    // granted by one yearly decision of the province with its awards.
    let type_ids: Vec<(String, String, i32, bool)> = award_types::table
        .select((
            award_types::code,
            award_types::id,
            award_types::cash_multiplier,
            award_types::collective_doubles,
        ))
        .load(tx.conn())?;
    let type_of = |code: &str| {
        type_ids
            .iter()
            .find(|t| t.0 == code)
            .cloned()
            .ok_or_else(|| ApiError::internal(format!("award type {code} is not seeded")))
    };
    let individual_types = [
        (70u32, type_of("lao_dong_tien_tien")?),
        (20, type_of("chien_si_thi_dua_co_so")?),
        (10, type_of("giay_khen")?),
    ];
    let collective_types = [
        (70u32, type_of("tap_the_lao_dong_tien_tien")?),
        (30, type_of("tap_the_lao_dong_xuat_sac")?),
    ];
    let mut decisions = Vec::new();
    let mut decision_of_year = std::collections::BTreeMap::new();
    for &year in &years {
        if year == last_year {
            continue;
        }
        let id = new_id();
        let decided_on = NaiveDate::from_ymd_opt(year + 1, 1, 20).expect("valid date");
        let at = at_on(&mut rng, decided_on.min(today));
        decisions.push((
            award_decisions::id.eq(id.clone()),
            award_decisions::number.eq(format!("{}/QĐ-UBND", 150 + year - first_year)),
            award_decisions::decided_on.eq(decided_on),
            award_decisions::signer.eq(person(&mut rng).0),
            award_decisions::authority.eq("Chủ tịch Ủy ban nhân dân tỉnh"),
            award_decisions::org_unit_id.eq(units[0].id.clone()),
            award_decisions::award_year.eq(year),
            award_decisions::period_from
                .eq(NaiveDate::from_ymd_opt(year, 1, 1).expect("valid date")),
            award_decisions::period_to
                .eq(NaiveDate::from_ymd_opt(year, 12, 31).expect("valid date")),
            award_decisions::occasion.eq("annual"),
            award_decisions::status.eq("active"),
            award_decisions::version.eq(1i64),
            award_decisions::created_at.eq(at),
            award_decisions::updated_at.eq(at),
        ));
        let base = domain::award_types::base_salary_on(tx, decided_on)?.unwrap_or(2_340_000);
        decision_of_year.insert(year, (id, at, decided_on, base));
    }
    bulk!(tx, award_decisions::table, decisions, 14);
    let ids: Vec<_> = decision_of_year
        .values()
        .map(|d| (d.0.clone(), d.1))
        .collect();
    change_events(tx, "award_decision", &ids)?;

    let mut noms = Vec::new();
    let mut grants = Vec::new();
    let mut nom_ids = Vec::new();
    let mut award_ids = Vec::new();
    let open = [
        (30u32, "draft"),
        (30, "submitted"),
        (20, "council_review"),
        (10, "approved"),
        (10, "returned"),
    ];
    for _ in 0..opts.nominations {
        let year = *rng.pick(&years);
        let individual = rng.chance(85);
        let (type_row, staff_id, unit, recipient) = if individual {
            let person = rng.pick(&people);
            (
                rng.weighted(&individual_types).clone(),
                Some(person.id.clone()),
                person.unit,
                person.name.clone(),
            )
        } else {
            let unit = 1 + rng.below(units.len() - 1);
            (
                rng.weighted(&collective_types).clone(),
                None,
                unit,
                units[unit].name.clone(),
            )
        };
        let status = if year == last_year {
            *rng.weighted(&open)
        } else if rng.chance(92) {
            "decided"
        } else {
            "rejected"
        };
        let period_from = NaiveDate::from_ymd_opt(year, 1, 1).expect("valid date");
        let period_to = NaiveDate::from_ymd_opt(year, 12, 31).expect("valid date");
        let summary = format!(
            "Hoàn thành xuất sắc nhiệm vụ năm {year}, tích cực tham gia phong trào thi đua đổi mới sáng tạo và chuyển đổi số"
        );
        let created = at_on(
            &mut rng,
            NaiveDate::from_ymd_opt(year, 11, 1)
                .expect("valid date")
                .min(today),
        );
        let id = new_id();
        // The proposing unit is the subject's own; grassroots titles are granted by the
        // head of the office above it (the unit's top-level ancestor), or by the province.
        let office = units[unit]
            .path
            .split('/')
            .filter(|s| !s.is_empty())
            .nth(1)
            .unwrap_or(&units[0].id)
            .to_string();
        noms.push((
            nominations::id.eq(id.clone()),
            nominations::award_type_id.eq(type_row.1.clone()),
            nominations::staff_id.eq(staff_id.clone()),
            nominations::nominee_unit_id.eq(units[unit].id.clone()),
            nominations::plan_id.eq(Some(plans[0].0.clone())),
            nominations::year.eq(year),
            nominations::occasion.eq("annual"),
            nominations::period_from.eq(period_from),
            nominations::period_to.eq(period_to),
            nominations::search_text.eq(fold(&summary)),
            nominations::summary.eq(summary),
            nominations::proposer_unit_id.eq(units[unit].id.clone()),
            nominations::current_unit_id.eq((status == "submitted").then(|| office.clone())),
            nominations::granting_unit_id.eq(office),
            nominations::status.eq(status),
            nominations::version.eq(1i64),
            nominations::created_at.eq(created),
            nominations::updated_at.eq(created),
        ));
        nom_ids.push((id.clone(), created));
        if status == "decided"
            && let Some((decision_id, at, _, base)) = decision_of_year.get(&year)
        {
            let factor = if staff_id.is_none() && type_row.3 {
                2
            } else {
                1
            };
            let exact = base * i64::from(type_row.2) * factor;
            let step = 10_000 * 100;
            let cash = (exact + step - 1) / step * 10_000;
            let award_id = new_id();
            grants.push((
                awards::id.eq(award_id.clone()),
                awards::decision_id.eq(decision_id.clone()),
                awards::nomination_id.eq(Some(id)),
                awards::award_type_id.eq(type_row.1.clone()),
                awards::staff_id.eq(staff_id),
                awards::subject_unit_id.eq(units[unit].id.clone()),
                awards::name_search.eq(fold(&recipient)),
                awards::recipient_name.eq(recipient),
                awards::year.eq(year),
                awards::period_from.eq(period_from),
                awards::period_to.eq(period_to),
                awards::occasion.eq("annual"),
                awards::cash_amount.eq(cash),
                awards::status.eq("active"),
                awards::created_at.eq(*at),
                awards::updated_at.eq(*at),
            ));
            award_ids.push((award_id, *at));
        }
    }
    bulk!(tx, nominations::table, noms, 18);
    change_events(tx, "nomination", &nom_ids)?;
    bulk!(tx, awards::table, grants, 16);
    change_events(tx, "award", &award_ids)?;

    out.counts.insert(0, ("org units", units.len()));
    out.counts.insert(1, ("staff", people.len()));
    out.counts.insert(2, ("plans", plans.len()));
    out.counts
        .insert(3, ("criteria", plans.len() * opts.criteria));
    out.counts.push(("nominations", nom_ids.len()));
    out.counts.push(("award decisions", decision_of_year.len()));
    out.counts.push(("awards", award_ids.len()));

    // One audit row tells of the whole load; each row has its own change event.
    let summary = serde_json::json!({
        "seed": opts.seed,
        "run": run,
        "code_prefix": p,
        "counts": out.counts.iter().map(|(k, v)| (k.to_string(), *v)).collect::<std::collections::BTreeMap<_, _>>(),
    });
    audit::record_event_with(
        tx,
        &actor,
        "seeded",
        ResourceKind::BenchData,
        &units[0].id,
        &summary,
    )?;
    Ok(out)
}

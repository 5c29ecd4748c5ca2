//! The generator and the words of the bench data: a seeded SplitMix64 and Vietnamese
//! names, units, places, criteria and texts to draw from. Apart from the steps so what is
//! drawn reads apart from where it is written.

use chrono::{Duration, NaiveDate, NaiveDateTime};

use thidua::domain::criteria::Measure;
use thidua::text::nfc;

/// SplitMix64: tiny, fast and the same forever (unlike `StdRng`, whose algorithm may change
/// between `rand` versions), so a seed always gives the same data.
pub(super) struct Rng(pub(super) u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// 0..n (n > 0).
    pub(super) fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub(super) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    pub(super) fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    /// A pick weighted by the first element of each pair.
    pub(super) fn weighted<'a, T>(&mut self, items: &'a [(u32, T)]) -> &'a T {
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
pub(super) const HO: &[(u32, &str)] = &[
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
pub(super) const DEM_NAM: &[&str] = &[
    "Văn", "Hữu", "Đức", "Minh", "Quang", "Công", "Thành", "Xuân", "Anh", "Trọng", "Đình", "Quốc",
    "Tiến", "Hoàng",
];
pub(super) const DEM_NU: &[&str] = &[
    "Thị", "Thu", "Ngọc", "Thanh", "Hồng", "Kim", "Phương", "Mai", "Thùy", "Bích", "Diệu", "Khánh",
];
pub(super) const TEN_NAM: &[&str] = &[
    "An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hùng", "Huy", "Khánh", "Long", "Minh", "Nam",
    "Phong", "Quân", "Sơn", "Thắng", "Tuấn", "Việt", "Vinh", "Trung", "Hiếu", "Lộc", "Toàn",
    "Đông",
];
pub(super) const TEN_NU: &[&str] = &[
    "Anh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hoa", "Hương", "Lan", "Linh", "Loan",
    "Mai", "Nga", "Ngọc", "Nhung", "Phương", "Thảo", "Trang", "Yến", "Vân", "Quỳnh", "Thủy",
];
pub(super) const AGENCIES: &[&str] = &[
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
pub(super) const DIVISIONS: &[&str] = &[
    "Văn phòng",
    "Phòng Tổ chức cán bộ",
    "Phòng Kế hoạch – Tài chính",
    "Thanh tra",
    "Phòng Nghiệp vụ",
    "Phòng Pháp chế",
    "Phòng Chuyển đổi số",
];
pub(super) const PLACE_A: &[&str] = &[
    "Thanh", "Hưng", "Nghi", "Diễn", "Quỳnh", "Yên", "Đức", "Minh", "Hòa", "Phú", "Tân", "Vĩnh",
    "Kỳ", "Cẩm", "Thạch", "Xuân", "Sơn", "Hương", "Đông", "Nam",
];
pub(super) const PLACE_B: &[&str] = &[
    "Lộc", "Phú", "Thành", "Sơn", "Hà", "Long", "An", "Bình", "Xuân", "Mỹ", "Trung", "Lâm", "Hải",
    "Tiến", "Phong", "Châu", "Đồng", "Liên",
];
pub(super) const POSITIONS: &[(u32, Option<&str>)] = &[
    (60, Some("Chuyên viên")),
    (12, Some("Chuyên viên chính")),
    (8, Some("Phó Trưởng phòng")),
    (5, Some("Trưởng phòng")),
    (5, Some("Cán sự")),
    (10, None),
];
pub(super) const CATEGORIES: &[(u32, &str)] = &[
    (20, "can_bo"),
    (45, "cong_chuc"),
    (30, "vien_chuc"),
    (5, "nguoi_lao_dong"),
];
pub(super) const COLLECTIVE_CRITERIA: &[(&str, Measure, &str)] = &[
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
pub(super) const INDIVIDUAL_CRITERIA: &[(&str, Measure, &str)] = &[
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
pub(super) const EVIDENCE_TEXT: &[&str] = &[
    "Báo cáo kết quả thực hiện {c} {p} năm {y}",
    "Tổng hợp số liệu {c}, kèm danh sách minh chứng {p} năm {y}",
    "Biên bản kiểm tra, đánh giá {c} {p} năm {y}",
    "Kết quả trích xuất từ hệ thống về {c} {p} năm {y}",
    "Giấy chứng nhận và bảng tổng hợp liên quan đến {c}, năm {y}",
];
pub(super) const PERIODS: &[&str] = &["quý I", "quý II", "quý III", "quý IV", "6 tháng đầu", "cả"];
pub(super) const COURSES: &[&str] = &[
    "Kỹ năng số cơ bản",
    "An toàn thông tin cho cán bộ, công chức",
    "Khai thác dịch vụ công trực tuyến",
    "Ứng dụng trí tuệ nhân tạo trong công việc",
    "Chữ ký số và văn bản điện tử",
    "Dữ liệu số và chia sẻ dữ liệu",
];

/// Vietnamese full name and gender.
pub(super) fn person(rng: &mut Rng) -> (String, &'static str) {
    let ho = rng.weighted(HO);
    if rng.chance(52) {
        let name = format!("{ho} {} {}", rng.pick(DEM_NU), rng.pick(TEN_NU));
        (nfc(&name), "female")
    } else {
        let name = format!("{ho} {} {}", rng.pick(DEM_NAM), rng.pick(TEN_NAM));
        (nfc(&name), "male")
    }
}

pub(super) fn place(rng: &mut Rng) -> String {
    format!("{} {}", rng.pick(PLACE_A), rng.pick(PLACE_B))
}

/// A time on a day, in office hours.
pub(super) fn at_on(rng: &mut Rng, day: NaiveDate) -> NaiveDateTime {
    day.and_hms_opt(7, 30, 0).expect("valid time") + Duration::seconds(rng.below(9 * 3600) as i64)
}

/// A day in a year, no later than `latest`.
pub(super) fn day_in(rng: &mut Rng, year: i32, latest: NaiveDate) -> NaiveDate {
    let first = NaiveDate::from_ymd_opt(year, 1, 1).expect("valid year");
    let last = NaiveDate::from_ymd_opt(year, 12, 31)
        .expect("valid year")
        .min(latest);
    let span = (last - first).num_days().max(0) as usize + 1;
    first + Duration::days(rng.below(span) as i64)
}

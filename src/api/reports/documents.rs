//! The text of the Word drafts (NĐ 30/2020 layout, laid out by `crate::api::documents`):
//! the yearly report, the province-wide roll-up and an award decision, each built from its
//! figures. Apart from the handlers so the Vietnamese wording reads in one place.

use chrono::{Datelike, NaiveDate};

use super::tables::{DATA_VERSION, SHEET_SUMMARY, table};
use super::{ProvinceReport, YearlyReport};
use crate::api::documents::{AdminDocument, Block};
use crate::api::report_formats::{Table, Value};
use crate::domain::decisions::{AwardView, Decision};
use crate::domain::org_units::OrgUnit;
use crate::domain::plans::Occasion;
use crate::domain::vietnam_local;
use crate::ids::OrgUnitId;

const ROMAN: [&str; 12] = [
    "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII",
];

/// The sections as numbered headings, each over its table.
fn sections(tables: Vec<Table>) -> Vec<Block> {
    tables
        .into_iter()
        .enumerate()
        .flat_map(|(i, t)| {
            [
                Block::Heading(format!(
                    "{}. {}",
                    ROMAN.get(i).copied().unwrap_or(""),
                    t.title
                )),
                Block::Table(t),
            ]
        })
        .collect()
}

pub(super) fn yearly_document(r: &YearlyReport, mut tables: Vec<Table>) -> AdminDocument {
    let c = &r.context;
    // No internal versions on paper.
    for t in tables.iter_mut().filter(|t| t.sheet == SHEET_SUMMARY) {
        t.rows
            .retain(|row| row.first() != Some(&DATA_VERSION.into()));
    }
    let plan = match (&r.plan.number, r.plan.issued_on) {
        (Some(n), Some(d)) => format!("Kế hoạch số {n} ngày {}", d.format("%d/%m/%Y")),
        (Some(n), None) => format!("Kế hoạch số {n}"),
        _ => "Kế hoạch".to_string(),
    };
    let mut body = vec![Block::Text(format!(
        "Thực hiện {plan} về việc {}, {} báo cáo kết quả thực hiện năm {} (số liệu từ ngày {} đến ngày {}, tổng hợp lúc {}) như sau:",
        lowercase_first(&r.plan.title),
        c.issuer_name,
        r.year,
        r.period_from.format("%d/%m/%Y"),
        r.period_to.format("%d/%m/%Y"),
        vietnam_local(r.generated_at.naive_utc()).format("%H:%M ngày %d/%m/%Y"),
    ))];
    body.extend(sections(tables));
    AdminDocument {
        parent_body: c.parent_name.clone(),
        issuer: c.issuer_name.clone(),
        number: "Số:         /BC".into(),
        place: c.place.clone(),
        date: None,
        kind: "Báo cáo".into(),
        summary: format!("Kết quả thực hiện {plan} năm {}", r.year),
        authority: None,
        body,
        recipients: c.report_to.iter().cloned().collect(),
        signer_position: "Thủ trưởng đơn vị".into(),
        signer_name: String::new(),
    }
}

fn lowercase_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

pub(super) fn province_document(r: &ProvinceReport, tables: Vec<Table>) -> AdminDocument {
    let c = &r.context;
    let mut body = vec![Block::Text(format!(
        "{} báo cáo tổng hợp kết quả công tác thi đua, khen thưởng năm {} của các đơn vị trực thuộc (tổng hợp lúc {}) như sau:",
        c.issuer_name,
        r.year,
        vietnam_local(r.generated_at.naive_utc()).format("%H:%M ngày %d/%m/%Y"),
    ))];
    body.extend(sections(tables));
    AdminDocument {
        parent_body: c.parent_name.clone(),
        issuer: c.issuer_name.clone(),
        number: "Số:         /BC".into(),
        place: c.place.clone(),
        date: None,
        kind: "Báo cáo".into(),
        summary: format!(
            "Tổng hợp kết quả công tác thi đua, khen thưởng năm {}",
            r.year
        ),
        authority: None,
        body,
        recipients: Vec::new(),
        signer_position: "Thủ trưởng đơn vị".into(),
        signer_name: String::new(),
    }
}

/// The phrase of an occasion in a decision's summary.
fn occasion_phrase(occasion: Occasion, year: i32, from: NaiveDate, to: NaiveDate) -> String {
    match occasion {
        Occasion::Annual => format!("thành tích năm {year}"),
        Occasion::Interim => format!("sơ kết giai đoạn {}–{}", from.year(), to.year()),
        Occasion::Final => format!("tổng kết giai đoạn {}–{}", from.year(), to.year()),
        Occasion::Thematic => format!("thành tích chuyên đề năm {year}"),
        Occasion::AdHoc => format!("thành tích đột xuất năm {year}"),
    }
}

/// The decision as a Word draft, ready to be signed: its legal bases (`bases`), Điều 1 with
/// every awardee (`unit_names` names their units), Điều 2–3, the recipients and the signer.
pub(super) fn decision_draft(
    d: &Decision,
    unit: &OrgUnit,
    parent_body: Option<String>,
    place: String,
    awards: &[AwardView],
    bases: &[String],
    unit_names: &[(OrgUnitId, String)],
) -> AdminDocument {
    let unit_of = |id: &OrgUnitId| {
        unit_names
            .iter()
            .find(|u| u.0 == *id)
            .map_or(String::new(), |u| u.1.clone())
    };
    let occasion = d.occasion;
    let phrase = occasion_phrase(occasion, d.award_year, d.period_from, d.period_to);
    let rows: Vec<Vec<Value>> = awards
        .iter()
        .enumerate()
        .map(|(i, a)| {
            vec![
                (i as i64 + 1).into(),
                a.award.recipient_name.clone().into(),
                unit_of(&a.award.subject_unit_id).into(),
                a.award_type_name.clone().into(),
                a.award.cash_amount.into(),
            ]
        })
        .collect();
    let cash: i64 = awards.iter().map(|a| a.award.cash_amount).sum();
    let people = awards.iter().filter(|a| a.award.staff_id.is_some()).count();
    let collectives = awards.len() - people;
    let mut body: Vec<Block> = bases
        .iter()
        .map(|b| Block::Text(format!("Căn cứ {b};")))
        .collect();
    body.push(Block::Text(format!(
        "Xét đề nghị của Hội đồng Thi đua – Khen thưởng {}.",
        unit.name
    )));
    body.push(Block::Heading("QUYẾT ĐỊNH:".into()));
    body.push(Block::Lead(
        "Điều 1.".into(),
        format!(
            "Khen thưởng {collectives} tập thể và {people} cá nhân đã có {phrase} (danh sách dưới đây):"
        ),
    ));
    body.push(Block::Table(table(
        "Điều 1",
        "Danh sách khen thưởng",
        &[
            "STT",
            "Tập thể, cá nhân",
            "Đơn vị",
            "Danh hiệu, hình thức",
            "Tiền thưởng (đồng)",
        ],
        rows,
    )));
    body.push(Block::Lead(
        "Điều 2.".into(),
        format!(
            "Kèm theo danh hiệu, hình thức khen thưởng là tiền thưởng theo quy định, tổng cộng {} đồng, chi từ Quỹ thi đua, khen thưởng của {}.",
            Value::from(cash).text(),
            unit.name
        ),
    ));
    body.push(Block::Lead(
        "Điều 3.".into(),
        "Quyết định này có hiệu lực kể từ ngày ký. Thủ trưởng các cơ quan, đơn vị có liên quan và các tập thể, cá nhân có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này.".into(),
    ));
    let mut recipients = vec!["Như Điều 3".to_string()];
    recipients.extend(
        unit_names
            .iter()
            .map(|u| u.1.clone())
            .filter(|n| !n.is_empty() && *n != unit.name),
    );
    AdminDocument {
        parent_body,
        issuer: unit.name.clone(),
        number: format!("Số: {}", d.number),
        place,
        date: Some(d.decided_on),
        kind: "Quyết định".into(),
        summary: format!("Về việc khen thưởng {phrase}"),
        authority: Some(d.authority.clone()),
        body,
        recipients,
        // The authority in full (e.g. "Chánh Văn phòng UBND tỉnh"): the drafter shortens it
        // where the form "TM. …" or a bare title is wanted.
        signer_position: d.authority.clone(),
        signer_name: d.signer.clone(),
    }
}

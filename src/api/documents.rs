//! Word drafts in the administrative-document format of NĐ 30/2020/NĐ-CP (Phụ lục I): the
//! issuing body and the national motto side by side, number and symbol, place and date,
//! the kind and the summary of the document, its body, the recipients and the signer. One
//! layout for every document the service drafts (decisions, reports), so a draft is signed
//! as it comes instead of being retyped.

use chrono::{Datelike, NaiveDate};
use docx_rs::{
    AlignmentType, Docx, LineSpacing, PageMargin, Paragraph, Run, RunFonts, Table, TableCell,
    TableRow, WidthType,
};

use crate::api::report_formats::{self, Value};
use crate::error::ApiError;

/// Font sizes in half-points, as Word counts them.
const SIZE_13: usize = 26;
const SIZE_12: usize = 24;
const SIZE_11: usize = 22;
/// A4 text width with NĐ 30 margins (30 mm left, 15 mm right), in twentieths of a point.
const TEXT_WIDTH: usize = 9354;

/// A part of a document's body.
#[derive(Debug, Clone)]
pub enum Block {
    /// A justified paragraph, its first line indented.
    Text(String),
    /// A paragraph whose lead (e.g. "Điều 1.") is bold.
    Lead(String, String),
    /// A bold heading of a section.
    Heading(String),
    /// A table with a header row.
    Table(report_formats::Table),
}

/// A document in the NĐ 30 layout.
#[derive(Debug, Clone)]
pub struct AdminDocument {
    /// The body the issuer belongs to (cơ quan chủ quản), if any.
    pub parent_body: Option<String>,
    /// The issuing body (cơ quan ban hành).
    pub issuer: String,
    /// "Số: 70/QĐ-UBND", or a blank to fill in for a draft.
    pub number: String,
    /// The place name of the date line (địa danh).
    pub place: String,
    /// None leaves the day for the signer to write.
    pub date: Option<NaiveDate>,
    /// The kind of document: "QUYẾT ĐỊNH", "BÁO CÁO".
    pub kind: String,
    /// The summary (trích yếu): "Về việc khen thưởng …".
    pub summary: String,
    /// The authority that decides, above the body ("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH"), if any.
    pub authority: Option<String>,
    pub body: Vec<Block>,
    /// Nơi nhận.
    pub recipients: Vec<String>,
    /// The signer's position (quyền hạn, chức vụ) and name.
    pub signer_position: String,
    pub signer_name: String,
}

/// The date line: "Nghệ An, ngày 05 tháng 01 năm 2026" — a day below 10 and a month below
/// 3 written with a leading zero, as NĐ 30 asks.
pub fn date_line(place: &str, date: Option<NaiveDate>) -> String {
    match date {
        Some(d) => {
            let day = if d.day() < 10 {
                format!("0{}", d.day())
            } else {
                d.day().to_string()
            };
            let month = if d.month() < 3 {
                format!("0{}", d.month())
            } else {
                d.month().to_string()
            };
            format!("{place}, ngày {day} tháng {month} năm {}", d.year())
        }
        None => format!("{place}, ngày      tháng      năm 20   "),
    }
}

/// Upper case, Vietnamese letters included (Rust's is Unicode-aware).
pub fn upper(s: &str) -> String {
    crate::text::nfc(&s.to_uppercase())
}

fn run(text: &str, size: usize) -> Run {
    Run::new().add_text(text).size(size)
}

fn para(align: AlignmentType) -> Paragraph {
    Paragraph::new()
        .align(align)
        .line_spacing(LineSpacing::new().before(0).after(0))
}

fn cell(paragraphs: Vec<Paragraph>, width: usize) -> TableCell {
    paragraphs
        .into_iter()
        .fold(TableCell::new().width(width, WidthType::Dxa), |c, p| {
            c.add_paragraph(p)
        })
        .clear_all_border()
}

/// The heading: issuing body left, the national name and motto right, then the number left
/// and the place and date right — a borderless two-column table, as drafts are laid out.
fn heading(d: &AdminDocument) -> Table {
    let left_w = TEXT_WIDTH * 2 / 5;
    let right_w = TEXT_WIDTH - left_w;
    let mut left = Vec::new();
    if let Some(parent) = &d.parent_body {
        left.push(para(AlignmentType::Center).add_run(run(&upper(parent), SIZE_12)));
    }
    left.push(para(AlignmentType::Center).add_run(run(&upper(&d.issuer), SIZE_12).bold()));
    left.push(para(AlignmentType::Center).add_run(run("–––––––", SIZE_12)));
    let right = vec![
        para(AlignmentType::Center)
            .add_run(run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", SIZE_12).bold()),
        para(AlignmentType::Center).add_run(run("Độc lập - Tự do - Hạnh phúc", SIZE_13).bold()),
        para(AlignmentType::Center).add_run(run("–––––––––––––––––––––––", SIZE_12)),
    ];
    let number = vec![para(AlignmentType::Center).add_run(run(&d.number, SIZE_13))];
    let date = vec![
        para(AlignmentType::Center).add_run(run(&date_line(&d.place, d.date), SIZE_13).italic()),
    ];
    Table::without_borders(vec![
        TableRow::new(vec![cell(left, left_w), cell(right, right_w)]),
        TableRow::new(vec![cell(number, left_w), cell(date, right_w)]),
    ])
    .set_grid(vec![left_w, right_w])
    .width(TEXT_WIDTH, WidthType::Dxa)
}

/// A table of figures: framed, its header row bold.
fn figures(t: &report_formats::Table) -> Table {
    let columns = t.headers.len().max(1);
    let width = TEXT_WIDTH / columns;
    let header = TableRow::new(
        t.headers
            .iter()
            .map(|h| {
                TableCell::new()
                    .width(width, WidthType::Dxa)
                    .add_paragraph(para(AlignmentType::Center).add_run(run(h, SIZE_12).bold()))
            })
            .collect(),
    );
    let rows = t.rows.iter().map(|r| {
        TableRow::new(
            r.iter()
                .map(|v| {
                    let align = match v {
                        Value::Number(_) => AlignmentType::Right,
                        _ => AlignmentType::Left,
                    };
                    TableCell::new()
                        .width(width, WidthType::Dxa)
                        .add_paragraph(para(align).add_run(run(&v.text(), SIZE_12)))
                })
                .collect(),
        )
    });
    let mut rows: Vec<TableRow> = std::iter::once(header).chain(rows).collect();
    if t.rows.is_empty() {
        rows.push(TableRow::new(vec![
            TableCell::new().grid_span(columns).add_paragraph(
                para(AlignmentType::Center).add_run(run("(không có số liệu)", SIZE_12).italic()),
            ),
        ]));
    }
    Table::new(rows)
        .set_grid(vec![width; columns])
        .width(TEXT_WIDTH, WidthType::Dxa)
}

/// The foot: "Nơi nhận:" and its list left, the signer right.
fn foot(d: &AdminDocument) -> Table {
    let left_w = TEXT_WIDTH / 2;
    let right_w = TEXT_WIDTH - left_w;
    let mut left =
        vec![para(AlignmentType::Left).add_run(run("Nơi nhận:", SIZE_12).bold().italic())];
    for r in &d.recipients {
        left.push(para(AlignmentType::Left).add_run(run(&format!("- {r};"), SIZE_11)));
    }
    left.push(para(AlignmentType::Left).add_run(run("- Lưu: VT.", SIZE_11)));
    let mut right: Vec<Paragraph> = d
        .signer_position
        .lines()
        .map(|l| para(AlignmentType::Center).add_run(run(&upper(l), SIZE_13).bold()))
        .collect();
    right.push(
        para(AlignmentType::Center).add_run(run("(Ký, ghi rõ họ tên, đóng dấu)", SIZE_12).italic()),
    );
    for _ in 0..4 {
        right.push(para(AlignmentType::Center));
    }
    right.push(para(AlignmentType::Center).add_run(run(&d.signer_name, SIZE_13).bold()));
    Table::without_borders(vec![TableRow::new(vec![
        cell(left, left_w),
        cell(right, right_w),
    ])])
    .set_grid(vec![left_w, right_w])
    .width(TEXT_WIDTH, WidthType::Dxa)
}

/// The document as a .docx file: A4, Times New Roman 13, NĐ 30 margins.
pub fn docx(d: &AdminDocument) -> Result<Vec<u8>, ApiError> {
    let mut doc = Docx::new()
        // A4 in twentieths of a point.
        .page_size(11906, 16838)
        .page_margin(
            PageMargin::new()
                .top(1134)
                .bottom(1134)
                .left(1701)
                .right(851),
        )
        .default_fonts(
            RunFonts::new()
                .ascii("Times New Roman")
                .hi_ansi("Times New Roman")
                .cs("Times New Roman"),
        )
        .default_size(SIZE_13)
        .add_table(heading(d))
        .add_paragraph(para(AlignmentType::Center))
        .add_paragraph(para(AlignmentType::Center).add_run(run(&upper(&d.kind), SIZE_13).bold()))
        .add_paragraph(para(AlignmentType::Center).add_run(run(&d.summary, SIZE_13).bold()))
        .add_paragraph(para(AlignmentType::Center).add_run(run("–––––––––––", SIZE_13)));
    if let Some(authority) = &d.authority {
        doc = doc
            .add_paragraph(para(AlignmentType::Center))
            .add_paragraph(
                para(AlignmentType::Center).add_run(run(&upper(authority), SIZE_13).bold()),
            );
    }
    doc = doc.add_paragraph(para(AlignmentType::Center));
    let body = |p: Paragraph| {
        p.indent(
            None,
            Some(docx_rs::SpecialIndentType::FirstLine(567)),
            None,
            None,
        )
        .line_spacing(LineSpacing::new().before(0).after(120))
    };
    for b in &d.body {
        doc = match b {
            Block::Text(t) => doc.add_paragraph(
                body(Paragraph::new().align(AlignmentType::Both)).add_run(run(t, SIZE_13)),
            ),
            Block::Lead(lead, t) => doc.add_paragraph(
                body(Paragraph::new().align(AlignmentType::Both))
                    .add_run(run(lead, SIZE_13).bold())
                    .add_run(run(&format!(" {t}"), SIZE_13)),
            ),
            Block::Heading(h) => doc.add_paragraph(
                body(Paragraph::new().align(AlignmentType::Left)).add_run(run(h, SIZE_13).bold()),
            ),
            Block::Table(t) => doc
                .add_table(figures(t))
                .add_paragraph(para(AlignmentType::Left)),
        };
    }
    doc = doc
        .add_paragraph(para(AlignmentType::Left))
        .add_table(foot(d));
    let mut out = std::io::Cursor::new(Vec::new());
    doc.pack(&mut out).map_err(ApiError::internal)?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_as_nd30_asks() {
        let d = |s: &str| s.parse::<NaiveDate>().ok();
        assert_eq!(
            date_line("Nghệ An", d("2026-01-05")),
            "Nghệ An, ngày 05 tháng 01 năm 2026"
        );
        assert_eq!(
            date_line("Nghệ An", d("2026-11-14")),
            "Nghệ An, ngày 14 tháng 11 năm 2026"
        );
        assert_eq!(
            date_line("Nghệ An", d("2026-03-09")),
            "Nghệ An, ngày 09 tháng 3 năm 2026"
        );
        assert_eq!(
            upper("Ủy ban nhân dân tỉnh Nghệ An"),
            "ỦY BAN NHÂN DÂN TỈNH NGHỆ AN"
        );
    }
}

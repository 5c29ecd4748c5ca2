//! Reports as files: the format a caller asks for, tables of figures written as CSV (UTF-8
//! with a BOM, so Excel reads the Vietnamese right) or XLSX (a sheet per table, formatted,
//! the header row frozen, charts), and the `ETag` that lets a puller skip what has not changed.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse};
use rust_xlsxwriter::{Chart, ChartType, Format as XlsxFormat, FormatBorder, Workbook};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::error::ApiError;

pub const CSV: &str = "text/csv; charset=utf-8";
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
pub const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// A representation of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Json,
    Csv,
    Xlsx,
    Docx,
}

impl Format {
    const ALL: [(Format, &'static str, &'static str); 4] = [
        (Format::Json, "json", "application/json"),
        (Format::Csv, "csv", "text/csv"),
        (Format::Xlsx, "xlsx", XLSX),
        (Format::Docx, "docx", DOCX),
    ];

    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|f| f.0 == self)
            .map_or("json", |f| f.1)
    }

    pub fn extension(self) -> &'static str {
        self.name()
    }

    /// The format named by `?format=` first, else the first type of `Accept` we produce
    /// (JSON when it names none in particular). 406 names the parameter or the header.
    pub fn negotiate(req: &HttpRequest, format: Option<&str>) -> Result<Format, ApiError> {
        if let Some(name) = format {
            return Self::ALL
                .iter()
                .find(|f| f.1 == name.trim().to_ascii_lowercase())
                .map(|f| f.0)
                .ok_or_else(|| {
                    ApiError::not_acceptable("format", "the format is json, csv, xlsx or docx")
                });
        }
        let accept = req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let mut wanted: Vec<(f32, usize, &str)> = accept
            .split(',')
            .enumerate()
            .filter_map(|(i, part)| {
                let mut bits = part.split(';');
                let media = bits.next()?.trim();
                let q = bits
                    .filter_map(|b| b.trim().strip_prefix("q="))
                    .find_map(|q| q.parse::<f32>().ok())
                    .unwrap_or(1.0);
                (!media.is_empty() && q > 0.0).then_some((q, i, media))
            })
            .collect();
        if wanted.is_empty() {
            return Ok(Format::Json);
        }
        wanted.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        for (_, _, media) in wanted {
            let media = media.to_ascii_lowercase();
            if matches!(media.as_str(), "*/*" | "application/*") {
                return Ok(Format::Json);
            }
            if let Some(f) = Self::ALL.iter().find(|f| f.2 == media) {
                return Ok(f.0);
            }
        }
        Err(ApiError::not_acceptable(
            "Accept",
            "ask for application/json, text/csv, the XLSX or the DOCX media type, or give ?format=",
        ))
    }
}

// ETags -------------------------------------------------------------------------------

/// A strong validator of a report: the request's meaning (its resolved parameters and
/// format) and the version of the data it is computed from. Equal tags, equal bytes
/// (apart from `generated_at`).
pub fn report_etag(parts: &[&str], data_version: i64) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0]);
    }
    h.update(data_version.to_string().as_bytes());
    format!("\"r{data_version}-{}\"", &hex::encode(h.finalize())[..16])
}

/// The tags a request's `If-None-Match` names.
pub fn if_none_match(req: &HttpRequest) -> Vec<String> {
    req.headers()
        .get_all(header::IF_NONE_MATCH)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().trim_start_matches("W/").to_string())
        .collect()
}

/// Whether the caller holds the report with this tag already (`*` holds any).
pub fn held(tags: &[String], etag: &str) -> bool {
    tags.iter().any(|t| t == etag || t == "*")
}

/// The 304 for an unchanged report: the tag, no body.
pub fn unchanged(etag: &str) -> HttpResponse {
    let mut res = HttpResponse::NotModified();
    headers(&mut res, etag);
    res.finish()
}

fn headers(res: &mut actix_web::HttpResponseBuilder, etag: &str) {
    if let Ok(v) = HeaderValue::from_str(etag) {
        res.insert_header((header::ETAG, v));
    }
    // The format may come from Accept; the figures from the caller's scope.
    res.insert_header((
        header::VARY,
        HeaderValue::from_static("Accept, Authorization"),
    ));
    res.insert_header((
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    ));
}

/// A report rendered in its format, kept for the next reader of the same version (its
/// `generated_at` is the first reader's).
pub struct Rendered {
    pub content_type: &'static str,
    pub file_name: Option<String>,
    pub body: actix_web::web::Bytes,
}

impl Rendered {
    pub fn response(&self, etag: &str) -> HttpResponse {
        file(
            self.content_type,
            etag,
            self.file_name.as_deref(),
            self.body.clone(),
        )
    }
}

/// A report's answer: its bytes as `content_type`, tagged, and as a named attachment for
/// the files.
fn file(
    content_type: &str,
    etag: &str,
    file_name: Option<&str>,
    body: impl actix_web::body::MessageBody + 'static,
) -> HttpResponse {
    let mut res = HttpResponse::Ok();
    res.content_type(content_type);
    headers(&mut res, etag);
    if let Some(name) = file_name
        && let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
    {
        res.insert_header((header::CONTENT_DISPOSITION, v));
    }
    res.body(body)
}

// Tables ------------------------------------------------------------------------------

/// One value of a table.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    Number(f64),
    Empty,
}

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_string())
    }
}

impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Number(v as f64)
    }
}

impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::Number(v)
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Empty, Into::into)
    }
}

impl Value {
    /// As written in CSV and Word: numbers without a needless ".0".
    pub fn text(&self) -> String {
        match self {
            Value::Text(t) => t.clone(),
            Value::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Value::Number(n) => n.to_string(),
            Value::Empty => String::new(),
        }
    }
}

impl Value {
    /// As written in CSV: text made safe by `csv_safe_text`; numbers as they are ("-5" is
    /// a number here, and a spreadsheet may read it as one).
    pub fn csv_text(&self) -> String {
        match self {
            Value::Text(t) => csv_safe_text(t),
            other => other.text(),
        }
    }
}

/// Text as a CSV cell that no spreadsheet runs as a formula (OWASP's CSV injection): an
/// apostrophe, which Excel shows as text, before a `=`, `+`, `-`, `@`, tab or carriage
/// return at the cell's start and right after each `,` or `;` in it, where a spreadsheet
/// that splits on that separator (ignoring the quotes) would start a cell. "Phòng
/// A;=1+2;" becomes "Phòng A;'=1+2;".
pub fn csv_safe_text(text: &str) -> String {
    const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];
    let mut out = String::with_capacity(text.len() + 1);
    let mut cell_starts = true;
    for c in text.chars() {
        if cell_starts && FORMULA_START.contains(&c) {
            out.push('\'');
        }
        out.push(c);
        cell_starts = matches!(c, ',' | ';');
    }
    out
}

/// A CSV writer over `out` that quotes every cell holding a `,` or a `;`: spreadsheets set
/// for `;`-separated lists (as many are) would otherwise split "Phòng A;=1+2;" into cells
/// and run the second. csv quotes a field holding its comment character anywhere, so `;`
/// is made that character (the writer writes no comments).
pub fn csv_writer(out: Vec<u8>) -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .flexible(true)
        .comment(Some(b';'))
        .from_writer(out)
}

/// A section of a report as a table: a sheet of the XLSX, a block of the CSV, a table of
/// the Word document.
#[derive(Debug, Clone)]
pub struct Table {
    /// The sheet's name (at most 31 characters, as Excel wants).
    pub sheet: &'static str,
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Value>>,
}

/// A column chart over a table: one category per row (from `category_col`), one chart per
/// value column in `value_cols`.
#[derive(Debug, Clone)]
pub struct ChartSpec {
    pub table: &'static str,
    pub category_col: u16,
    pub value_cols: Vec<(u16, String)>,
    pub y_axis: &'static str,
}

/// The tables as one CSV file: each under its title row, with its header row, a blank line
/// between them. UTF-8 with a BOM, so Excel opens it with the diacritics right.
pub fn csv(tables: &[Table]) -> Result<Vec<u8>, ApiError> {
    let mut out = csv_writer(b"\xEF\xBB\xBF".to_vec());
    for (i, t) in tables.iter().enumerate() {
        if i > 0 {
            out.write_record([""]).map_err(ApiError::internal)?;
        }
        // Titles name plans and units: text like any other cell.
        out.write_record([csv_safe_text(&t.title)])
            .map_err(ApiError::internal)?;
        out.write_record(t.headers.iter().map(|h| csv_safe_text(h)))
            .map_err(ApiError::internal)?;
        for row in &t.rows {
            out.write_record(row.iter().map(Value::csv_text))
                .map_err(ApiError::internal)?;
        }
    }
    out.into_inner().map_err(ApiError::internal)
}

/// The tables as a workbook: a sheet each, bold framed headers, the header row frozen,
/// columns sized; and the charts on a sheet of their own.
pub fn xlsx(
    tables: &[Table],
    charts: &[ChartSpec],
    chart_sheet: &str,
) -> Result<Vec<u8>, ApiError> {
    let e = |e: rust_xlsxwriter::XlsxError| ApiError::internal(e);
    let mut book = Workbook::new();
    let head = XlsxFormat::new()
        .set_bold()
        .set_text_wrap()
        .set_background_color("D9E2F3")
        .set_border(FormatBorder::Thin);
    let cell = XlsxFormat::new().set_border(FormatBorder::Thin);
    let number = XlsxFormat::new()
        .set_border(FormatBorder::Thin)
        .set_num_format("#,##0.##");
    for t in tables {
        let sheet = book.add_worksheet();
        sheet.set_name(t.sheet).map_err(e)?;
        for (c, h) in t.headers.iter().enumerate() {
            sheet
                .write_string_with_format(0, c as u16, h, &head)
                .map_err(e)?;
            let widest = t
                .rows
                .iter()
                .map(|r| r.get(c).map_or(0, |v| v.text().chars().count()))
                .chain([h.chars().count().min(24)])
                .max()
                .unwrap_or(10);
            sheet
                .set_column_width(c as u16, (widest as f64 + 2.0).clamp(8.0, 60.0))
                .map_err(e)?;
        }
        for (r, row) in t.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, v) in row.iter().enumerate() {
                let c = c as u16;
                match v {
                    Value::Text(s) => sheet.write_string_with_format(r, c, s, &cell),
                    Value::Number(n) => sheet.write_number_with_format(r, c, *n, &number),
                    Value::Empty => sheet.write_blank(r, c, &cell),
                }
                .map_err(e)?;
            }
        }
        sheet.set_freeze_panes(1, 0).map_err(e)?;
    }
    if !charts.is_empty() {
        let sheet = book.add_worksheet();
        sheet.set_name(chart_sheet).map_err(e)?;
        let mut at = 0u32;
        for spec in charts {
            let Some(t) = tables.iter().find(|t| t.sheet == spec.table) else {
                continue;
            };
            if t.rows.is_empty() {
                continue;
            }
            let last = t.rows.len() as u32;
            for (col, title) in &spec.value_cols {
                let mut chart = Chart::new(ChartType::Column);
                chart.title().set_name(title);
                chart
                    .add_series()
                    .set_name((t.sheet, 0, *col))
                    .set_categories((t.sheet, 1, spec.category_col, last, spec.category_col))
                    .set_values((t.sheet, 1, *col, last, *col));
                chart.y_axis().set_name(spec.y_axis);
                chart.legend().set_hidden();
                chart.set_width(640).set_height(300);
                sheet.insert_chart(at, 0, &chart).map_err(e)?;
                at += 16;
            }
        }
    }
    book.save_to_buffer().map_err(e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn csv_text_that_a_spreadsheet_would_run_is_quoted() {
        for formula in ["=HYPERLINK(\"x\")", "+1", "-2+3", "@SUM(A1)"] {
            let text = Value::Text(formula.into()).csv_text();
            assert_eq!(text, format!("'{formula}"));
        }
        assert_eq!(Value::Text("Xã Hưng Lộc".into()).csv_text(), "Xã Hưng Lộc");
        assert_eq!(Value::Number(-3.0).csv_text(), "-3");
        assert_eq!(csv_safe_text("Phòng A;=1+2;"), "Phòng A;'=1+2;");
        assert_eq!(csv_safe_text("a,@b; -c"), "a,'@b; -c");
    }

    #[test]
    fn csv_cells_holding_either_separator_are_quoted() {
        let mut out = csv_writer(Vec::new());
        out.write_record(["Phòng A;=1+2;", "a,b", "plain", "#1"])
            .unwrap();
        let text = String::from_utf8(out.into_inner().unwrap()).unwrap();
        assert_eq!(text, "\"Phòng A;=1+2;\",\"a,b\",plain,#1\n");
    }

    #[test]
    fn the_format_parameter_wins_over_accept() {
        let req = TestRequest::default()
            .insert_header(("Accept", "text/csv"))
            .to_http_request();
        assert_eq!(Format::negotiate(&req, Some("xlsx")).unwrap(), Format::Xlsx);
        assert_eq!(Format::negotiate(&req, None).unwrap(), Format::Csv);
        let e = Format::negotiate(&req, Some("pdf")).unwrap_err();
        assert_eq!(e.status.as_u16(), 406);
        assert_eq!(e.errors[0].field, "format");
    }

    #[test]
    fn accept_is_read_by_quality() {
        let req = |accept: &str| {
            TestRequest::default()
                .insert_header(("Accept", accept))
                .to_http_request()
        };
        let f = |accept: &str| Format::negotiate(&req(accept), None);
        assert_eq!(f("text/html, */*;q=0.8").unwrap(), Format::Json);
        assert_eq!(f(&format!("text/csv;q=0.5, {DOCX}")).unwrap(), Format::Docx);
        assert_eq!(f("").unwrap(), Format::Json);
        assert_eq!(f("application/pdf").unwrap_err().errors[0].field, "Accept");
    }

    #[test]
    fn tags_change_with_the_data_and_the_request() {
        let a = report_etag(&["plan", "2026", "csv"], 7);
        assert_eq!(a, report_etag(&["plan", "2026", "csv"], 7));
        assert_ne!(a, report_etag(&["plan", "2026", "csv"], 8));
        assert_ne!(a, report_etag(&["plan", "2026", "xlsx"], 7));
        assert_ne!(report_etag(&["ab", "c"], 1), report_etag(&["a", "bc"], 1));
    }

    #[test]
    fn csv_starts_with_a_bom_and_keeps_diacritics() {
        let t = Table {
            sheet: "Đơn vị",
            title: "Đơn vị tham gia".into(),
            headers: vec!["Đơn vị".into(), "Điểm".into()],
            rows: vec![
                vec!["Phòng Tổng hợp".into(), 21.67.into()],
                vec!["Phòng B".into(), 13.0.into()],
            ],
        };
        let bytes = csv(&[t]).unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        assert_eq!(
            text,
            "Đơn vị tham gia\nĐơn vị,Điểm\nPhòng Tổng hợp,21.67\nPhòng B,13\n"
        );
    }
}

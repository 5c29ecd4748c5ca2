//! Learning records (Bình dân học vụ số): completed courses imported from a CSV or JSON
//! file and recorded as approved evidence of an individual criterion. A row is recorded
//! once — importing the same rows again adds nothing — and each bad row is answered with
//! its line and reason while the good ones go in.

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use serde::Deserialize;

use crate::db::AnyConnection;
use crate::db::Tx;
use crate::db::schema::{
    change_events, evidence, evidence_history, learning_records, org_units, staff,
};
use crate::domain::Error;
use crate::domain::audit::{self, ResourceKind};
use crate::domain::criteria::{Criterion, CriterionSubject, Measure};
use crate::domain::evidence::{EvidenceSource, EvidenceStatus};
use crate::domain::plans;
use crate::domain::{Actor, new_id, now};
use crate::ids::{CriterionId, EvidenceId, OrgUnitId, StaffId};
use crate::text::{fold, nfc};

/// The most rows one import takes.
pub const MAX_ROWS: usize = 200_000;

/// One row as read from the file: everything still text, checked by `import`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LearningRow {
    /// The staff member, by staff code …
    pub staff_code: Option<String>,
    /// … or by e-mail.
    pub email: Option<String>,
    pub course_code: Option<String>,
    pub course_title: Option<String>,
    /// `YYYY-MM-DD` or `DD/MM/YYYY`.
    pub completed_on: Option<String>,
    pub certificate_id: Option<String>,
    pub certificate_url: Option<String>,
    /// Accepted and ignored: spreadsheets carry it for people to read.
    pub full_name: Option<String>,
    #[serde(skip)]
    pub line: usize,
}

impl LearningRow {
    /// Cells as people mean them, in CSV and JSON alike: trimmed, NFC, empty as absent.
    fn tidy(mut self) -> Self {
        for field in [
            &mut self.staff_code,
            &mut self.email,
            &mut self.course_code,
            &mut self.course_title,
            &mut self.completed_on,
            &mut self.certificate_id,
            &mut self.certificate_url,
            &mut self.full_name,
        ] {
            *field = field
                .take()
                .map(|v| nfc(v.trim()))
                .filter(|v| !v.is_empty());
        }
        self
    }
}

/// Reads the JSON form's records, numbered from 1.
pub fn json_rows(records: Vec<LearningRow>) -> Result<Vec<LearningRow>, Error> {
    if records.len() > MAX_ROWS {
        return Err(Error::invalid(
            "records",
            "too_many_rows",
            format!("at most {MAX_ROWS} records per import"),
        ));
    }
    Ok(records
        .into_iter()
        .enumerate()
        .map(|(i, r)| LearningRow { line: i + 1, ..r }.tidy())
        .collect())
}

/// A row that was not imported, and why.
#[derive(Debug, Clone)]
pub struct RowError {
    /// The line in the CSV file (the header is line 1), or the 1-based record number in JSON.
    pub line: usize,
    pub field: String,
    pub reason: String,
}

/// What an import did.
#[derive(Debug, Clone)]
pub struct ImportReport {
    pub criterion_id: CriterionId,
    pub dry_run: bool,
    pub received: usize,
    /// Rows recorded now, each as approved evidence.
    pub imported: usize,
    /// Rows recorded before (or twice in this file): nothing added.
    pub duplicates: usize,
    pub rejected: Vec<RowError>,
}

const COLUMNS: [&str; 8] = [
    "staff_code",
    "email",
    "full_name",
    "course_code",
    "course_title",
    "completed_on",
    "certificate_id",
    "certificate_url",
];

/// Reads a CSV file (UTF-8, comma or semicolon separated, header row first). A file that
/// cannot be read as a whole — wrong encoding, wrong columns — is refused; a row that does
/// not fit is reported on its line.
pub fn parse_csv(bytes: &[u8]) -> Result<(Vec<LearningRow>, Vec<RowError>), Error> {
    let file_error = |code: &str, message: String| Error::invalid("file", code, message);
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(file_error(
            "encoding",
            "the file is UTF-16; save it as \"CSV UTF-8\"".into(),
        ));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1;
        file_error(
            "encoding",
            format!("the file is not UTF-8 (line {line}); save it as \"CSV UTF-8\""),
        )
    })?;
    let first_line = text.lines().next().unwrap_or("");
    let delimiter = if first_line.contains(';') && !first_line.contains(',') {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| file_error("csv", format!("cannot read the header row: {e}")))?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    if let Some(h) = headers
        .iter()
        .enumerate()
        .find(|(i, h)| headers[..*i].contains(h))
        .map(|(_, h)| h)
    {
        return Err(file_error(
            "columns",
            format!("the column {h} appears twice"),
        ));
    }
    let unknown: Vec<&str> = headers
        .iter()
        .map(String::as_str)
        .filter(|h| !COLUMNS.contains(h))
        .collect();
    if !unknown.is_empty() {
        return Err(file_error(
            "columns",
            format!(
                "unknown column(s) {}; the columns are {}",
                unknown.join(", "),
                COLUMNS.join(", ")
            ),
        ));
    }
    let has = |c: &str| headers.iter().any(|h| h == c);
    let mut missing: Vec<&str> = ["course_code", "completed_on"]
        .into_iter()
        .filter(|c| !has(c))
        .collect();
    if !has("staff_code") && !has("email") {
        missing.push("staff_code or email");
    }
    if !missing.is_empty() {
        return Err(file_error(
            "columns",
            format!("missing column(s): {}", missing.join(", ")),
        ));
    }
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut lines = LineCounter::new(text);
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                if rows.len() + errors.len() >= MAX_ROWS {
                    return Err(file_error(
                        "too_many_rows",
                        format!("at most {MAX_ROWS} rows per import"),
                    ));
                }
                let line = e.position().map_or(0, |p| lines.line_at(p.byte() as usize));
                errors.push(RowError {
                    line,
                    field: "row".into(),
                    reason: format!("cannot read the row: {e}"),
                });
                continue;
            }
        };
        let line = record
            .position()
            .map_or(0, |p| lines.line_at(p.byte() as usize));
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if record.len() != headers.len() {
            errors.push(RowError {
                line,
                field: "row".into(),
                reason: format!(
                    "{} fields where the header has {}",
                    record.len(),
                    headers.len()
                ),
            });
            continue;
        }
        let mut row = LearningRow {
            line,
            ..Default::default()
        };
        for (h, v) in headers.iter().zip(record.iter()) {
            let v = Some(v.to_string());
            match h.as_str() {
                "staff_code" => row.staff_code = v,
                "email" => row.email = v,
                "full_name" => row.full_name = v,
                "course_code" => row.course_code = v,
                "course_title" => row.course_title = v,
                "completed_on" => row.completed_on = v,
                "certificate_id" => row.certificate_id = v,
                _ => row.certificate_url = v,
            }
        }
        rows.push(row.tidy());
        if rows.len() + errors.len() > MAX_ROWS {
            return Err(file_error(
                "too_many_rows",
                format!("at most {MAX_ROWS} rows per import"),
            ));
        }
    }
    Ok((rows, errors))
}

/// Counts lines forward through a text, for the line a record starts on. The reader
/// reports the blank lines before a record as part of it, so they are skipped; counting on
/// from the last position keeps a large file linear.
struct LineCounter<'a> {
    text: &'a str,
    byte: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> Self {
        LineCounter {
            text,
            byte: 0,
            line: 1,
        }
    }

    fn line_at(&mut self, byte: usize) -> usize {
        let byte = byte.min(self.text.len());
        let rest = &self.text[byte..];
        let start = byte + (rest.len() - rest.trim_start_matches(['\r', '\n']).len());
        if start < self.byte {
            // Positions only move forward; start again if one does not.
            self.byte = 0;
            self.line = 1;
        }
        self.line += self.text.as_bytes()[self.byte..start]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        self.byte = start;
        self.line
    }
}

/// A date as spreadsheets write it: `2026-05-20` or `20/05/2026`.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%d/%m/%Y"))
        .ok()
}

/// A person found for a row.
struct Person {
    id: StaffId,
    org_unit_id: OrgUnitId,
    path: String,
    active: bool,
}

/// The checked content of a row.
struct Accepted {
    person_index: usize,
    course_code: String,
    course_title: Option<String>,
    completed_on: NaiveDate,
    certificate_id: Option<String>,
    certificate_url: Option<String>,
}

/// Who may be recorded: `allowed(unit_path, staff_id)` is the importer's right to approve
/// that person's evidence (in scope, and not themself).
#[expect(
    clippy::too_many_arguments,
    reason = "the import's inputs, each used once"
)]
pub fn import(
    tx: &mut Tx<'_>,
    actor: &Actor,
    criterion: &Criterion,
    issuer_path: &str,
    rows: Vec<LearningRow>,
    mut rejected: Vec<RowError>,
    allowed: impl Fn(&str, &StaffId) -> bool,
    dry_run: bool,
) -> Result<ImportReport, Error> {
    let received = rows.len() + rejected.len();
    let people = find_people(tx, &rows)?;
    let mut persons: Vec<Person> = Vec::new();
    let mut person_of: HashMap<StaffId, usize> = HashMap::new();
    let mut years_ok: HashMap<i32, bool> = HashMap::new();
    let mut accepted = Vec::new();
    for row in rows {
        let reject = |field: &str, reason: String| RowError {
            line: row.line,
            field: field.into(),
            reason,
        };
        let cells = [
            &row.staff_code,
            &row.email,
            &row.course_code,
            &row.course_title,
            &row.completed_on,
            &row.certificate_id,
            &row.certificate_url,
        ];
        if cells
            .iter()
            .any(|c| c.as_deref().is_some_and(|v| v.contains('\0')))
        {
            rejected.push(reject("row", "a cell holds a NUL character".into()));
            continue;
        }
        let (key, field) = match (&row.staff_code, &row.email) {
            (Some(code), _) => (format!("code:{}", code.trim().to_uppercase()), "staff_code"),
            (None, Some(email)) => (format!("email:{}", email.trim().to_lowercase()), "email"),
            (None, None) => {
                rejected.push(reject("staff_code", "give staff_code or email".into()));
                continue;
            }
        };
        let Some(person) = people.get(&key).filter(|p| allowed(&p.path, &p.id)) else {
            rejected.push(reject(
                field,
                "no staff member with this key in your scope whose evidence you may approve".into(),
            ));
            continue;
        };
        if !person.active {
            rejected.push(reject(field, "the staff member has left".into()));
            continue;
        }
        if !plans::reaches(issuer_path, &person.path) {
            rejected.push(reject(
                field,
                "the plan does not apply to this person's unit".into(),
            ));
            continue;
        }
        let Some(course_code) = row.course_code.clone().filter(|c| c.chars().count() <= 50) else {
            rejected.push(reject(
                "course_code",
                "required, at most 50 characters".into(),
            ));
            continue;
        };
        let Some(completed_on) = row.completed_on.as_deref().and_then(parse_date) else {
            rejected.push(reject(
                "completed_on",
                "a date such as 2026-05-20 or 20/05/2026".into(),
            ));
            continue;
        };
        let year = completed_on.year();
        let in_plan = match years_ok.get(&year) {
            Some(ok) => *ok,
            None => {
                let ok = plans::ensure_year_in_plan(tx, &criterion.plan_id, year).is_ok();
                years_ok.insert(year, ok);
                ok
            }
        };
        if !in_plan {
            rejected.push(reject(
                "completed_on",
                "outside the years of the plan".into(),
            ));
            continue;
        }
        if let Some(url) = &row.certificate_url
            && !(url.starts_with("https://") || url.starts_with("http://"))
        {
            rejected.push(reject("certificate_url", "an http(s) URL".into()));
            continue;
        }
        let too_long = [&row.course_title, &row.certificate_id, &row.certificate_url]
            .iter()
            .any(|v| v.as_ref().is_some_and(|v| v.chars().count() > 1000));
        if too_long {
            rejected.push(reject(
                "row",
                "a field is longer than 1000 characters".into(),
            ));
            continue;
        }
        let person_index = *person_of.entry(person.id.clone()).or_insert_with(|| {
            persons.push(Person {
                id: person.id.clone(),
                org_unit_id: person.org_unit_id.clone(),
                path: person.path.clone(),
                active: person.active,
            });
            persons.len() - 1
        });
        accepted.push(Accepted {
            person_index,
            course_code,
            course_title: row.course_title.clone(),
            completed_on,
            certificate_id: row.certificate_id.clone(),
            certificate_url: row.certificate_url.clone(),
        });
    }

    // Rows already recorded, or twice in this file, add nothing.
    let mut seen: HashSet<(StaffId, String, NaiveDate)> = HashSet::new();
    let ids: Vec<StaffId> = persons.iter().map(|p| p.id.clone()).collect();
    for chunk in ids.chunks(10_000) {
        let known: Vec<(StaffId, String, NaiveDate)> = learning_records::table
            .filter(learning_records::criterion_id.eq(&criterion.id))
            .filter(learning_records::staff_id.eq_any(chunk))
            .select((
                learning_records::staff_id,
                learning_records::course_code,
                learning_records::completed_on,
            ))
            .load(tx.conn())?;
        seen.extend(known);
    }
    let mut duplicates = 0;
    let mut fresh = Vec::new();
    for a in accepted {
        let key = (
            persons[a.person_index].id.clone(),
            a.course_code.clone(),
            a.completed_on,
        );
        if seen.insert(key) {
            fresh.push(a);
        } else {
            duplicates += 1;
        }
    }
    let imported = fresh.len();
    if !dry_run && !fresh.is_empty() {
        write(tx, actor, criterion, &persons, &fresh)?;
    }
    rejected.sort_by_key(|r| r.line);
    Ok(ImportReport {
        criterion_id: criterion.id.clone(),
        dry_run,
        received,
        imported,
        duplicates,
        rejected,
    })
}

/// An import records into an individual yes/no or count criterion that is in force.
pub fn check_criterion(c: &Criterion) -> Result<(), Error> {
    let bad = |code: &str, message: &str| Err(Error::invalid("criterion_id", code, message));
    if c.subject() != CriterionSubject::Individual {
        return bad(
            "wrong_subject",
            "learning records are evidence of an individual criterion",
        );
    }
    if !matches!(c.measure(), Measure::Boolean | Measure::Count) {
        return bad(
            "wrong_measure",
            "a completed course counts for a yes/no or a count criterion",
        );
    }
    if !c.current {
        return bad(
            "superseded",
            "this criterion was amended; give the version in force",
        );
    }
    Ok(())
}

/// Staff named by the rows, by `code:…` and `email:…` keys.
fn find_people(tx: &mut Tx<'_>, rows: &[LearningRow]) -> QueryResult<HashMap<String, Person>> {
    let codes: HashSet<String> = rows
        .iter()
        .filter_map(|r| r.staff_code.as_deref().map(|c| c.trim().to_uppercase()))
        .collect();
    let emails: HashSet<String> = rows
        .iter()
        .filter(|r| r.staff_code.is_none())
        .filter_map(|r| r.email.as_deref().map(|e| e.trim().to_lowercase()))
        .collect();
    let mut out = HashMap::new();
    let codes: Vec<String> = codes.into_iter().collect();
    let emails: Vec<String> = emails.into_iter().collect();
    type Found = (
        StaffId,
        Option<String>,
        Option<String>,
        OrgUnitId,
        String,
        bool,
    );
    let select = (
        staff::id,
        staff::staff_code,
        staff::email,
        staff::org_unit_id,
        org_units::path,
        staff::active,
    );
    for chunk in codes.chunks(10_000) {
        let found: Vec<Found> = staff::table
            .inner_join(org_units::table)
            .filter(staff::staff_code.eq_any(chunk))
            .select(select)
            .load(tx.conn())?;
        for (id, code, _, unit, path, active) in found {
            let person = Person {
                id,
                org_unit_id: unit,
                path,
                active,
            };
            out.insert(format!("code:{}", code.unwrap_or_default()), person);
        }
    }
    for chunk in emails.chunks(10_000) {
        let found: Vec<Found> = staff::table
            .inner_join(org_units::table)
            .filter(staff::email.eq_any(chunk))
            .select(select)
            .load(tx.conn())?;
        for (id, _, email, unit, path, active) in found {
            let person = Person {
                id,
                org_unit_id: unit,
                path,
                active,
            };
            out.insert(format!("email:{}", email.unwrap_or_default()), person);
        }
    }
    Ok(out)
}

/// Inserts a batch of rows into `$table`: on SQLite as one multi-row `INSERT`, on PostgreSQL
/// as `COPY … FROM STDIN (FORMAT binary)`, which spares parsing and planning a statement of
/// tens of thousands of parameters per batch. A macro, as diesel does not name the bound
/// `from_insertable` needs.
macro_rules! insert_batch {
    ($conn:expr, $table:expr, $rows:expr) => {
        match crate::db::AsConnection::as_connection($conn) {
            AnyConnection::Sqlite(c) => diesel::insert_into($table).values($rows).execute(c),
            AnyConnection::Postgresql(c) => {
                diesel::copy_from($table).from_insertable($rows).execute(c)
            }
        }
    };
}

/// Writes the new records in batches: evidence (approved), its history, the learning
/// record, and one change event each; one audit row tells of the whole import.
fn write(
    tx: &mut Tx<'_>,
    actor: &Actor,
    criterion: &Criterion,
    persons: &[Person],
    fresh: &[Accepted],
) -> Result<(), Error> {
    let at = now();
    let value = 1.0;
    let approved = EvidenceStatus::Approved.as_str();
    let mut evidence_ids = Vec::with_capacity(fresh.len());
    // SQLite takes at most 32 766 parameters per statement: 22 columns × 1 000 rows stays
    // below. COPY has no such limit; 10 000 rows keep a batch's rows to about 10 MB.
    let batch = match tx.conn() {
        AnyConnection::Sqlite(_) => 1_000,
        AnyConnection::Postgresql(_) => 10_000,
    };
    for chunk in fresh.chunks(batch) {
        let mut ev = Vec::with_capacity(chunk.len());
        let mut history = Vec::with_capacity(chunk.len());
        let mut records = Vec::with_capacity(chunk.len());
        let mut events = Vec::with_capacity(chunk.len());
        for a in chunk {
            let p = &persons[a.person_index];
            let evidence_id = EvidenceId::new();
            let description = match &a.course_title {
                Some(t) => format!("{} – {}", a.course_code, t),
                None => a.course_code.clone(),
            };
            let links = a.certificate_url.clone().unwrap_or_default();
            ev.push((
                evidence::id.eq(evidence_id.clone()),
                evidence::criterion_id.eq(criterion.id.clone()),
                evidence::plan_id.eq(criterion.plan_id.clone()),
                evidence::year.eq(a.completed_on.year()),
                evidence::subject.eq(CriterionSubject::Individual.as_str()),
                evidence::org_unit_id.eq(p.org_unit_id.clone()),
                evidence::staff_id.eq(Some(p.id.clone())),
                evidence::value.eq(Some(value)),
                evidence::as_of.eq(a.completed_on),
                evidence::search_text.eq(fold(&description)),
                evidence::description.eq(Some(description)),
                evidence::links.eq(links),
                evidence::status.eq(approved),
                evidence::source.eq(EvidenceSource::Import.as_str()),
                evidence::created_by.eq(actor.user_id.clone()),
                evidence::submitted_at.eq(Some(at)),
                evidence::reviewed_by.eq(actor.user_id.clone()),
                evidence::reviewed_at.eq(Some(at)),
                evidence::review_note.eq(a.certificate_id.clone()),
                evidence::version.eq(1i64),
                evidence::created_at.eq(at),
                evidence::updated_at.eq(at),
            ));
            history.push((
                evidence_history::id.eq(new_id()),
                evidence_history::evidence_id.eq(evidence_id.clone()),
                evidence_history::at.eq(at),
                evidence_history::actor_id.eq(actor.user_id.clone()),
                evidence_history::to_status.eq(approved),
                evidence_history::note.eq(Some("imported learning record")),
            ));
            records.push((
                learning_records::id.eq(new_id()),
                learning_records::staff_id.eq(p.id.clone()),
                learning_records::criterion_id.eq(criterion.id.clone()),
                learning_records::course_code.eq(a.course_code.clone()),
                learning_records::course_title.eq(a.course_title.clone()),
                learning_records::completed_on.eq(a.completed_on),
                learning_records::certificate_id.eq(a.certificate_id.clone()),
                learning_records::certificate_url.eq(a.certificate_url.clone()),
                learning_records::evidence_id.eq(evidence_id.clone()),
                learning_records::imported_by.eq(actor.user_id.clone()),
                learning_records::created_at.eq(at),
            ));
            events.push((
                change_events::at.eq(at),
                change_events::resource_type.eq("evidence"),
                change_events::resource_id.eq(evidence_id.clone()),
                change_events::action.eq("created"),
                change_events::version.eq(1i64),
            ));
            evidence_ids.push(evidence_id);
        }
        insert_batch!(tx, evidence::table, &ev)?;
        insert_batch!(tx, evidence_history::table, &history)?;
        insert_batch!(tx, learning_records::table, &records).map_err(|e| match e {
            // Another import of the same rows committed first.
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            ) => Error::conflict(
                "concurrent_import",
                "The same records were imported at the same moment; send the file again.",
            ),
            e => e.into(),
        })?;
        // seq (and so the feed's order) comes from its sequence; position stays NULL
        // until the seal numbers the events.
        insert_batch!(tx, change_events::table, &events)?;
    }
    let summary = serde_json::json!({
        "criterion_id": criterion.id,
        "imported": fresh.len(),
        "first_evidence_id": evidence_ids.first(),
        "last_evidence_id": evidence_ids.last(),
    });
    audit::record_event_with(
        tx,
        actor,
        "imported",
        ResourceKind::LearningRecords,
        criterion.id.as_str(),
        &summary,
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_reads_rows_with_lines_and_refuses_bad_files() {
        let csv = "\u{feff}staff_code,course_code,completed_on\nNA-1,K1,2026-05-20\n\nNA-2,K1\nNA-3,K2,20/05/2026\n";
        let (rows, errors) = parse_csv(csv.as_bytes()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].line, 5);
        assert_eq!(rows[1].completed_on.as_deref(), Some("20/05/2026"));
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, 4);

        let semicolons = "email;course_code;completed_on\na@b.vn;K1;2026-05-20\n";
        assert_eq!(parse_csv(semicolons.as_bytes()).unwrap().0.len(), 1);

        assert!(parse_csv(b"name,course\nx,y\n").is_err());
        assert!(parse_csv(b"staff_code,completed_on\nx,y\n").is_err());
        assert!(
            parse_csv(b"staff_code,course_code,completed_on\n\xff\xfe,K,2026-01-01\n").is_err()
        );
        assert!(parse_csv(b"\xff\xfes\x00").is_err());
    }

    #[test]
    fn dates_in_both_spellings() {
        assert_eq!(parse_date("2026-05-20"), parse_date("20/05/2026"));
        assert!(parse_date("2026-13-01").is_none());
    }
}

//! Evidence (minh chứng): proof against a criterion for a subject and a year — a measured
//! value, a description, links and files — and its review, with the full history.

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{evidence, evidence_files, evidence_history, org_units};
use crate::db::{AnyConnection, Tx, contains_pattern, prefix_pattern};
use crate::domain::Error;
use crate::domain::audit::{self, ChangeAction, Resource, ResourceKind};
use crate::domain::criteria::{Criterion, CriterionSubject, fits_measure};
use crate::domain::plans::{self, Plan};
use crate::domain::subjects::{Seen, Subject};
use crate::domain::workflow::{self, Move, Workflow};
use crate::domain::{
    Actor, PageRequest, Sort, SortField, changed_meanwhile, ensure_version, new_id, now, text_enum,
};
use crate::ids::{CriterionId, EvidenceId, OrgUnitId, PlanId, StaffId, UserId};
use crate::on_backend;
use crate::text::fold;

text_enum! {
    /// draft → submitted → approved / rejected / returned (→ submitted again); withdrawn by
    /// its author before a decision.
    pub enum EvidenceStatus {
        Draft => "draft",
        Submitted => "submitted",
        Approved => "approved",
        Rejected => "rejected",
        Returned => "returned",
        Withdrawn => "withdrawn",
    }
}

text_enum! {
    /// Entered by hand, or imported (learning records).
    pub enum EvidenceSource {
        Manual => "manual",
        Import => "import",
    }
}

/// The evidence workflow: moved by naming the next status. Who may make a review is
/// `policy::can_review_evidence`'s.
impl Workflow for EvidenceStatus {
    type Action = EvidenceStatus;
    type Record = ();

    fn moves() -> &'static [Move<EvidenceStatus, EvidenceStatus, ()>] {
        use EvidenceStatus::*;
        const MOVES: &[Move<EvidenceStatus, EvidenceStatus, ()>] = &[
            Move::to(&[Draft, Returned], Submitted),
            Move::to(&[Draft, Returned, Submitted], Withdrawn),
            Move::to(&[Submitted], Approved),
            Move::to(&[Submitted], Rejected),
            Move::to(&[Submitted], Returned),
        ];
        MOVES
    }

    fn refused(from: EvidenceStatus, to: EvidenceStatus) -> Error {
        Error::conflict(
            "transition_not_allowed",
            format!("Evidence cannot go from {from} to {to}."),
        )
    }
}

/// Approving, rejecting and returning are reviews: someone else's to make.
pub fn is_review(to: EvidenceStatus) -> bool {
    matches!(
        to,
        EvidenceStatus::Approved | EvidenceStatus::Rejected | EvidenceStatus::Returned
    )
}

/// Evidence changes only while its author holds it.
pub fn is_editable(status: EvidenceStatus) -> bool {
    matches!(status, EvidenceStatus::Draft | EvidenceStatus::Returned)
}

/// The most files one piece of evidence carries.
pub const MAX_FILES: i64 = 50;

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = evidence)]
pub struct Evidence {
    pub id: EvidenceId,
    pub criterion_id: CriterionId,
    pub plan_id: PlanId,
    pub year: i32,
    pub subject: CriterionSubject,
    pub org_unit_id: OrgUnitId,
    pub staff_id: Option<StaffId>,
    pub value: Option<f64>,
    pub as_of: NaiveDate,
    pub description: Option<String>,
    pub links: String,
    #[serde(skip)]
    pub search_text: String,
    pub self_score: Option<f64>,
    pub reviewed_score: Option<f64>,
    pub status: EvidenceStatus,
    pub source: EvidenceSource,
    pub created_by: Option<UserId>,
    pub submitted_at: Option<chrono::NaiveDateTime>,
    pub reviewed_by: Option<UserId>,
    pub reviewed_at: Option<chrono::NaiveDateTime>,
    pub review_note: Option<String>,
    pub version: i64,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

impl Evidence {
    pub fn links(&self) -> Vec<String> {
        self.links
            .lines()
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect()
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = evidence_files)]
pub struct EvidenceFile {
    pub id: String,
    pub evidence_id: EvidenceId,
    pub sha256: String,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub added_by: Option<UserId>,
    pub added_at: chrono::NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = evidence_history)]
pub struct HistoryEntry {
    pub id: String,
    pub evidence_id: EvidenceId,
    pub at: chrono::NaiveDateTime,
    pub actor_id: Option<UserId>,
    pub from_status: Option<EvidenceStatus>,
    pub to_status: EvidenceStatus,
    pub note: Option<String>,
}

/// What the author writes.
#[derive(Debug, Clone, Default)]
pub struct EvidenceFields {
    pub value: Option<f64>,
    pub as_of: Option<NaiveDate>,
    pub description: Option<String>,
    pub links: Vec<String>,
    pub self_score: Option<f64>,
}

impl Evidence {
    pub fn fields(&self) -> EvidenceFields {
        EvidenceFields {
            value: self.value,
            as_of: Some(self.as_of),
            description: self.description.clone(),
            links: self.links(),
            self_score: self.self_score,
        }
    }
}

/// The value fits the criterion's measure (none where the criterion computes it), the day
/// lies in the year, and the self-assessed score within the criterion's points.
pub fn check_fields(c: &Criterion, year: i32, f: &EvidenceFields) -> Result<(), Error> {
    if let Some(v) = f.value {
        if c.source_criterion_id.is_some() {
            return Err(Error::invalid(
                "value",
                "computed",
                "this criterion's value is computed from staff evidence; send none",
            ));
        }
        fits_measure(c.measure(), v, c.max_points)
            .map_err(|m| Error::invalid("value", "out_of_measure", m))?;
    }
    if let Some(d) = f.as_of {
        if d.year() != year {
            return Err(Error::invalid(
                "as_of",
                "outside_year",
                format!("the day the value describes lies in {year}"),
            ));
        }
        // A value reported for a day to come would stay the latest, and never go stale.
        if d > crate::domain::today() {
            return Err(Error::invalid(
                "as_of",
                "future",
                "the day the value describes has come",
            ));
        }
    }
    if let Some(s) = f.self_score
        && !(s.is_finite() && (0.0..=c.max_points).contains(&s))
    {
        return Err(Error::invalid(
            "self_score",
            "range",
            format!("between 0 and the criterion's {} points", c.max_points),
        ));
    }
    for (i, link) in f.links.iter().enumerate() {
        let ok = (link.starts_with("https://") || link.starts_with("http://"))
            && link.len() <= 2000
            && !link.chars().any(char::is_whitespace);
        if !ok {
            return Err(Error::invalid(
                &format!("links[{i}]"),
                "url",
                "an http(s) URL of at most 2000 characters",
            ));
        }
    }
    if f.links.len() > 20 {
        return Err(Error::invalid("links", "too_many", "at most 20 links"));
    }
    Ok(())
}

/// The day a value describes when none is given: today, or the year's last day for a past year.
fn default_as_of(year: i32) -> NaiveDate {
    let today = crate::domain::today();
    if today.year() == year {
        today
    } else {
        NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(today)
    }
}

/// A piece of evidence with the path of its subject's unit, which decides who sees it.
pub fn find(conn: &mut AnyConnection, id: &EvidenceId) -> QueryResult<Option<(Evidence, String)>> {
    evidence::table
        .inner_join(org_units::table)
        .filter(evidence::id.eq(id))
        .select((Evidence::as_select(), org_units::path))
        .first(conn)
        .optional()
}

/// The plan a criterion belongs to must run, the year lie in it, and the subject be one the
/// plan reaches; the criterion must be the version in force.
pub fn check_context(
    conn: &mut AnyConnection,
    plan: &Plan,
    issuer_path: &str,
    criterion: &Criterion,
    subject: &Subject,
    year: i32,
) -> Result<(), Error> {
    plans::ensure_running(plan)?;
    if !criterion.current {
        return Err(Error::invalid(
            "criterion_id",
            "superseded",
            "this criterion was amended; give the version in force",
        ));
    }
    plans::ensure_year_in_plan(conn, &plan.id, year)?;
    if year > crate::domain::today().year() {
        return Err(Error::invalid(
            "year",
            "future",
            "evidence is recorded for a year that has begun",
        ));
    }
    if !plans::reaches(issuer_path, &subject.unit_path) {
        let field = if subject.staff_id.is_some() {
            "staff_id"
        } else {
            "org_unit_id"
        };
        return Err(Error::invalid(
            field,
            "outside_plan",
            "the plan does not apply to this unit: it reaches the units below its issuer",
        ));
    }
    Ok(())
}

/// A new row of evidence, as written by hand (draft) or by an import (approved).
pub struct NewEvidence<'a> {
    pub criterion: &'a Criterion,
    pub subject: &'a Subject,
    pub year: i32,
    pub fields: EvidenceFields,
    pub status: EvidenceStatus,
    pub source: EvidenceSource,
}

/// Inserts evidence and its first history entry; no audit (the callers write it: one per
/// row by hand, one per import).
pub fn insert(
    tx: &mut Tx<'_>,
    actor: &Actor,
    new: NewEvidence<'_>,
    note: Option<&str>,
) -> QueryResult<(Evidence, HistoryEntry)> {
    let at = now();
    let f = new.fields;
    let reviewed = new.status == EvidenceStatus::Approved;
    let insert = diesel::insert_into(evidence::table)
        .values((
            evidence::id.eq(EvidenceId::new()),
            evidence::criterion_id.eq(&new.criterion.id),
            evidence::plan_id.eq(&new.criterion.plan_id),
            evidence::year.eq(new.year),
            evidence::subject.eq(new.subject.kind.as_str()),
            evidence::org_unit_id.eq(&new.subject.org_unit_id),
            evidence::staff_id.eq(&new.subject.staff_id),
            evidence::value.eq(f.value),
            evidence::as_of.eq(f.as_of.unwrap_or_else(|| default_as_of(new.year))),
            evidence::search_text.eq(fold(f.description.as_deref().unwrap_or(""))),
            evidence::description.eq(&f.description),
            evidence::links.eq(f.links.join("\n")),
            evidence::self_score.eq(f.self_score),
            evidence::status.eq(new.status.as_str()),
            evidence::source.eq(new.source.as_str()),
            evidence::created_by.eq(&actor.user_id),
            evidence::submitted_at.eq(reviewed.then_some(at)),
            evidence::reviewed_by.eq(if reviewed {
                actor.user_id.clone()
            } else {
                None
            }),
            evidence::reviewed_at.eq(reviewed.then_some(at)),
            evidence::version.eq(1),
            evidence::created_at.eq(at),
            evidence::updated_at.eq(at),
        ))
        .returning(evidence::all_columns);
    let row: Evidence = on_backend!(tx, |c| insert.get_result(c))?;
    let first = add_history(tx, actor, &row.id, None, new.status, note)?;
    Ok((row, first))
}

fn add_history(
    tx: &mut Tx<'_>,
    actor: &Actor,
    evidence_id: &EvidenceId,
    from: Option<EvidenceStatus>,
    to: EvidenceStatus,
    note: Option<&str>,
) -> QueryResult<HistoryEntry> {
    let insert = diesel::insert_into(evidence_history::table)
        .values((
            evidence_history::id.eq(new_id()),
            evidence_history::evidence_id.eq(evidence_id),
            evidence_history::at.eq(now()),
            evidence_history::actor_id.eq(&actor.user_id),
            evidence_history::from_status.eq(from.map(EvidenceStatus::as_str)),
            evidence_history::to_status.eq(to.as_str()),
            evidence_history::note.eq(note),
        ))
        .returning(evidence_history::all_columns);
    on_backend!(tx, |c| insert.get_result(c))
}

fn audit_change(
    tx: &mut Tx<'_>,
    actor: &Actor,
    action: ChangeAction,
    before: Option<&Evidence>,
    after: &Evidence,
) -> QueryResult<()> {
    let resource = Resource {
        kind: ResourceKind::Evidence,
        id: after.id.as_str(),
        version: after.version,
    };
    audit::record_change(tx, actor, action, resource, before, Some(after))
}

/// Creates a draft; with its one history entry.
pub fn create(
    tx: &mut Tx<'_>,
    actor: &Actor,
    criterion: &Criterion,
    subject: &Subject,
    year: i32,
    fields: EvidenceFields,
) -> Result<(Evidence, HistoryEntry), Error> {
    check_fields(criterion, year, &fields)?;
    let (row, first) = insert(
        tx,
        actor,
        NewEvidence {
            criterion,
            subject,
            year,
            fields,
            status: EvidenceStatus::Draft,
            source: EvidenceSource::Manual,
        },
        None,
    )?;
    audit_change(tx, actor, ChangeAction::Created, None, &row)?;
    Ok((row, first))
}

fn ensure_editable(e: &Evidence) -> Result<(), Error> {
    if is_editable(e.status) {
        Ok(())
    } else {
        Err(Error::conflict(
            "not_editable",
            format!(
                "The evidence is {}: it changes only as a draft or when returned for changes.",
                e.status
            ),
        ))
    }
}

/// Changes a draft (or evidence returned for changes).
pub fn update(
    tx: &mut Tx<'_>,
    actor: &Actor,
    criterion: &Criterion,
    current: Evidence,
    expected_version: i64,
    f: EvidenceFields,
) -> Result<Evidence, Error> {
    ensure_version(current.version, expected_version)?;
    ensure_editable(&current)?;
    check_fields(criterion, current.year, &f)?;
    let row: Evidence = diesel::update(
        evidence::table
            .find(&current.id)
            .filter(evidence::version.eq(current.version)),
    )
    .set((
        evidence::value.eq(f.value),
        evidence::as_of.eq(f.as_of.unwrap_or(current.as_of)),
        evidence::search_text.eq(fold(f.description.as_deref().unwrap_or(""))),
        evidence::description.eq(&f.description),
        evidence::links.eq(f.links.join("\n")),
        evidence::self_score.eq(f.self_score),
        evidence::version.eq(current.version + 1),
        evidence::updated_at.eq(now()),
    ))
    .returning(evidence::all_columns)
    .get_result(tx.conn())
    .map_err(changed_meanwhile)?;
    let status = current.status;
    add_history(tx, actor, &row.id, Some(status), status, Some("edited"))?;
    audit_change(tx, actor, ChangeAction::Updated, Some(&current), &row)?;
    Ok(row)
}

/// A move in the workflow, with the reviewer's note and score.
#[derive(Debug, Clone)]
pub struct Transition {
    pub to: EvidenceStatus,
    pub note: Option<String>,
    pub reviewed_score: Option<f64>,
}

/// Moves evidence through its workflow. Who may make the move is the caller's check
/// (`policy::can_review_evidence` for reviews); this checks the move itself.
pub fn transition(
    tx: &mut Tx<'_>,
    actor: &Actor,
    criterion: &Criterion,
    current: Evidence,
    expected_version: i64,
    t: Transition,
) -> Result<Evidence, Error> {
    ensure_version(current.version, expected_version)?;
    let from = current.status;
    workflow::next(from, t.to, &())?;
    let note = t.note.filter(|n| !n.trim().is_empty());
    if matches!(t.to, EvidenceStatus::Rejected | EvidenceStatus::Returned) && note.is_none() {
        return Err(Error::invalid(
            "note",
            "required",
            "say why the evidence is rejected or returned",
        ));
    }
    if t.reviewed_score.is_some() && t.to != EvidenceStatus::Approved {
        return Err(Error::invalid(
            "reviewed_score",
            "not_allowed",
            "a score is given on approval",
        ));
    }
    if let Some(s) = t.reviewed_score
        && !(s.is_finite() && (0.0..=criterion.max_points).contains(&s))
    {
        return Err(Error::invalid(
            "reviewed_score",
            "range",
            format!(
                "between 0 and the criterion's {} points",
                criterion.max_points
            ),
        ));
    }
    if t.to == EvidenceStatus::Submitted
        && current.value.is_none()
        && criterion.source_criterion_id.is_none()
    {
        return Err(Error::invalid(
            "value",
            "required",
            "evidence is submitted with its measured value",
        ));
    }
    let at = now();
    let review = is_review(t.to);
    let row: Evidence = diesel::update(
        evidence::table
            .find(&current.id)
            .filter(evidence::version.eq(current.version)),
    )
    .set((
        evidence::status.eq(t.to.as_str()),
        evidence::submitted_at.eq(if t.to == EvidenceStatus::Submitted {
            Some(at)
        } else {
            current.submitted_at
        }),
        evidence::reviewed_by.eq(if review {
            actor.user_id.clone()
        } else {
            current.reviewed_by.clone()
        }),
        evidence::reviewed_at.eq(if review {
            Some(at)
        } else {
            current.reviewed_at
        }),
        evidence::review_note.eq(if review {
            note.clone()
        } else {
            current.review_note.clone()
        }),
        evidence::reviewed_score.eq(if review {
            t.reviewed_score
        } else {
            current.reviewed_score
        }),
        evidence::version.eq(current.version + 1),
        evidence::updated_at.eq(at),
    ))
    .returning(evidence::all_columns)
    .get_result(tx.conn())
    .map_err(changed_meanwhile)?;
    add_history(tx, actor, &row.id, Some(from), t.to, note.as_deref())?;
    let action = if t.to == EvidenceStatus::Withdrawn {
        ChangeAction::Archived
    } else {
        ChangeAction::Updated
    };
    audit_change(tx, actor, action, Some(&current), &row)?;
    Ok(row)
}

/// Evidence takes another file while its author holds it, up to `MAX_FILES`.
pub fn ensure_accepts_file(conn: &mut AnyConnection, e: &Evidence) -> Result<(), Error> {
    ensure_editable(e)?;
    let count: i64 = evidence_files::table
        .filter(evidence_files::evidence_id.eq(&e.id))
        .count()
        .get_result(conn)?;
    if count >= MAX_FILES {
        return Err(Error::conflict(
            "too_many_files",
            format!("Evidence carries at most {MAX_FILES} files."),
        ));
    }
    Ok(())
}

/// Attaches a stored content to editable evidence under the name it was uploaded with.
pub fn add_file(
    tx: &mut Tx<'_>,
    actor: &Actor,
    current: Evidence,
    file: (&str, &str, &str, usize),
) -> Result<(Evidence, EvidenceFile), Error> {
    let (sha256, name, content_type, size) = file;
    ensure_accepts_file(tx, &current)?;
    crate::domain::files::record(tx, sha256, size, content_type)?;
    let file: EvidenceFile = diesel::insert_into(evidence_files::table)
        .values((
            evidence_files::id.eq(new_id()),
            evidence_files::evidence_id.eq(&current.id),
            evidence_files::sha256.eq(sha256),
            evidence_files::file_name.eq(name),
            evidence_files::content_type.eq(content_type),
            evidence_files::size.eq(size as i64),
            evidence_files::added_by.eq(&actor.user_id),
            evidence_files::added_at.eq(now()),
        ))
        .returning(evidence_files::all_columns)
        .get_result(tx.conn())?;
    let row = touch(tx, actor, &current, &format!("file added: {name}"))?;
    Ok((row, file))
}

/// Takes a file off editable evidence (the content stays for other evidence that has it).
pub fn remove_file(
    tx: &mut Tx<'_>,
    actor: &Actor,
    current: Evidence,
    expected_version: i64,
    file_id: &str,
) -> Result<Evidence, Error> {
    ensure_version(current.version, expected_version)?;
    ensure_editable(&current)?;
    let file = find_file(tx, &current.id, file_id)?.ok_or_else(|| Error::not_found("file"))?;
    diesel::delete(evidence_files::table.find(&file.id)).execute(tx.conn())?;
    touch(
        tx,
        actor,
        &current,
        &format!("file removed: {}", file.file_name),
    )
}

/// A new version of evidence whose files changed, with the change in its history. Two
/// concurrent changes cannot both pass the version read (nor the file limit).
fn touch(
    tx: &mut Tx<'_>,
    actor: &Actor,
    current: &Evidence,
    note: &str,
) -> Result<Evidence, Error> {
    let row: Evidence = diesel::update(
        evidence::table
            .find(&current.id)
            .filter(evidence::version.eq(current.version)),
    )
    .set((
        evidence::version.eq(current.version + 1),
        evidence::updated_at.eq(now()),
    ))
    .returning(evidence::all_columns)
    .get_result(tx.conn())
    .map_err(changed_meanwhile)?;
    let status = current.status;
    add_history(tx, actor, &row.id, Some(status), status, Some(note))?;
    audit_change(tx, actor, ChangeAction::Updated, Some(current), &row)?;
    Ok(row)
}

/// The files of some evidence, in upload order.
pub fn files_of(conn: &mut AnyConnection, ids: &[EvidenceId]) -> QueryResult<Vec<EvidenceFile>> {
    evidence_files::table
        .filter(evidence_files::evidence_id.eq_any(ids))
        .order((evidence_files::added_at, evidence_files::id))
        .select(EvidenceFile::as_select())
        .load(conn)
}

pub fn find_file(
    conn: &mut AnyConnection,
    evidence_id: &EvidenceId,
    file_id: &str,
) -> QueryResult<Option<EvidenceFile>> {
    evidence_files::table
        .filter(evidence_files::id.eq(file_id))
        .filter(evidence_files::evidence_id.eq(evidence_id))
        .select(EvidenceFile::as_select())
        .first(conn)
        .optional()
}

/// Everyone who wrote the evidence: its creator, and whoever edited it, changed its files
/// or submitted it (every history entry that is not a review).
pub fn authors(conn: &mut AnyConnection, e: &Evidence) -> QueryResult<Vec<UserId>> {
    let mut authors: Vec<UserId> = history_of(conn, &e.id)?
        .into_iter()
        .filter(|h| {
            let review = h.from_status == Some(EvidenceStatus::Submitted) && is_review(h.to_status);
            !review
        })
        .filter_map(|h| h.actor_id)
        .collect();
    authors.extend(e.created_by.clone());
    Ok(authors)
}

pub fn history_of(conn: &mut AnyConnection, id: &EvidenceId) -> QueryResult<Vec<HistoryEntry>> {
    evidence_history::table
        .filter(evidence_history::evidence_id.eq(id))
        .order((evidence_history::at, evidence_history::id))
        .select(HistoryEntry::as_select())
        .load(conn)
}

#[derive(Debug, Clone, Default)]
pub struct EvidenceFilter {
    pub q: Option<String>,
    pub plan_id: Option<PlanId>,
    pub criterion_id: Option<CriterionId>,
    pub year: Option<i32>,
    pub status: Option<EvidenceStatus>,
    pub subject: Option<CriterionSubject>,
    pub source: Option<EvidenceSource>,
    /// Evidence about this unit, the units below it and their staff.
    pub under_unit_path: Option<String>,
    pub staff_id: Option<StaffId>,
    pub updated_since: Option<chrono::NaiveDateTime>,
}

/// The orders the evidence list offers.
#[derive(Debug, Clone, Copy)]
pub enum EvidenceSort {
    CreatedAt,
    UpdatedAt,
    AsOf,
}

impl SortField for EvidenceSort {
    const FIELDS: &'static [(&'static str, Self)] = &[
        ("created_at", EvidenceSort::CreatedAt),
        ("updated_at", EvidenceSort::UpdatedAt),
        ("as_of", EvidenceSort::AsOf),
    ];
}

/// Newest first, the order a review queue is read in (and the one the
/// `evidence_queue` index serves).
pub const NEWEST_FIRST: Sort<EvidenceSort> = Sort {
    field: EvidenceSort::CreatedAt,
    descending: true,
};

/// The evidence the caller sees, filtered, in `sort` order, a page and the total.
pub fn list(
    conn: &mut AnyConnection,
    seen: &Seen,
    filter: &EvidenceFilter,
    sort: Sort<EvidenceSort>,
    page: PageRequest,
) -> QueryResult<(Vec<Evidence>, i64)> {
    // The filters on evidence's own columns, on any query over it.
    macro_rules! own_filters {
        ($q:expr) => {{
            let mut q = $q;
            match seen {
                Seen::All | Seen::UnitsUnder(_) => {}
                Seen::Staff(id) => q = q.filter(evidence::staff_id.eq(id.clone())),
                Seen::Nothing => q = q.filter(evidence::id.is_null()),
            }
            if let Some(text) = filter.q.as_deref().map(fold).filter(|t| !t.is_empty()) {
                q = q.filter(
                    evidence::search_text
                        .like(contains_pattern(&text))
                        .escape('\\'),
                );
            }
            if let Some(v) = &filter.plan_id {
                q = q.filter(evidence::plan_id.eq(v.clone()));
            }
            if let Some(v) = &filter.criterion_id {
                q = q.filter(evidence::criterion_id.eq(v.clone()));
            }
            if let Some(v) = filter.year {
                q = q.filter(evidence::year.eq(v));
            }
            if let Some(v) = filter.status {
                q = q.filter(evidence::status.eq(v.as_str()));
            }
            if let Some(v) = filter.subject {
                q = q.filter(evidence::subject.eq(v.as_str()));
            }
            if let Some(v) = filter.source {
                q = q.filter(evidence::source.eq(v.as_str()));
            }
            if let Some(v) = &filter.staff_id {
                q = q.filter(evidence::staff_id.eq(v.clone()));
            }
            if let Some(since) = filter.updated_since {
                q = q.filter(evidence::updated_at.ge(since));
            }
            q
        }};
    }
    // The page and the total of a query; the id breaks ties in the same direction, so
    // pages never overlap.
    macro_rules! page_of {
        ($query:expr) => {{
            let total = $query.count().get_result(conn)?;
            let ordered = match (sort.field, sort.descending) {
                (EvidenceSort::CreatedAt, false) => {
                    $query.order((evidence::created_at, evidence::id))
                }
                (EvidenceSort::CreatedAt, true) => {
                    $query.order((evidence::created_at.desc(), evidence::id.desc()))
                }
                (EvidenceSort::UpdatedAt, false) => {
                    $query.order((evidence::updated_at, evidence::id))
                }
                (EvidenceSort::UpdatedAt, true) => {
                    $query.order((evidence::updated_at.desc(), evidence::id.desc()))
                }
                (EvidenceSort::AsOf, false) => $query.order((evidence::as_of, evidence::id)),
                (EvidenceSort::AsOf, true) => {
                    $query.order((evidence::as_of.desc(), evidence::id.desc()))
                }
            };
            let items = ordered
                .offset(page.offset())
                .limit(page.per_page)
                .select(Evidence::as_select())
                .load(conn)?;
            Ok((items, total))
        }};
    }
    let mut unit_paths: Vec<&str> = Vec::new();
    if let Seen::UnitsUnder(prefix) = seen {
        unit_paths.push(prefix);
    }
    if let Some(path) = &filter.under_unit_path {
        unit_paths.push(path);
    }
    if unit_paths.is_empty() {
        // Without a unit filter the count reads the `evidence_queue` index alone: joining
        // the units would cost a lookup per matching row (tens of ms for 20 000).
        page_of!(own_filters!(evidence::table.into_boxed()))
    } else {
        let joined = || {
            let mut q = own_filters!(evidence::table.inner_join(org_units::table).into_boxed());
            for path in &unit_paths {
                q = q.filter(org_units::path.like(prefix_pattern(path)));
            }
            q
        };
        page_of!(joined())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use EvidenceStatus::*;

    #[test]
    fn the_workflow_allows_only_its_moves() {
        assert!(workflow::allows(Draft, Submitted));
        assert!(workflow::allows(Submitted, Approved));
        assert!(workflow::allows(Submitted, Returned));
        assert!(workflow::allows(Returned, Submitted));
        assert!(!workflow::allows(Draft, Approved));
        assert!(!workflow::allows(Approved, Submitted));
        assert!(!workflow::allows(Rejected, Submitted));
        assert!(!workflow::allows(Approved, Withdrawn));
        assert!(is_review(Approved) && !is_review(Submitted));
    }
}

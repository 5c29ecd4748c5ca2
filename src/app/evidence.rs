//! Evidence (minh chứng): recording it against a criterion, changing a draft, its workflow
//! and its files.

use chrono::NaiveDate;

use crate::db::{AnyConnection, Tx};
use crate::domain::access::Principal;
use crate::domain::criteria::{self, Criterion, CriterionSubject, criterion_with_visible_plan};
use crate::domain::evidence::{
    self, Evidence, EvidenceFields, EvidenceFile, EvidenceFilter, EvidenceSort, EvidenceSource,
    EvidenceStatus, HistoryEntry, Transition,
};
use crate::domain::subjects::{self, Seen};
use crate::domain::{Actor, Error, PageRequest, Sort, policy};
use crate::ids::{CriterionId, EvidenceId, OrgUnitId, PlanId, StaffId};

/// Evidence with its files and, on a single piece, its whole history.
pub struct EvidenceDetail {
    pub evidence: Evidence,
    pub files: Vec<EvidenceFile>,
    pub history: Option<Vec<HistoryEntry>>,
}

/// What a list asks for, besides the page.
pub struct ListQuery {
    pub q: Option<String>,
    pub plan_id: Option<PlanId>,
    pub criterion_id: Option<CriterionId>,
    pub year: Option<i32>,
    pub status: Option<EvidenceStatus>,
    pub subject: Option<CriterionSubject>,
    pub source: Option<EvidenceSource>,
    /// Evidence about this unit, the units below it and their staff.
    pub org_unit_id: Option<OrgUnitId>,
    pub staff_id: Option<StaffId>,
    pub updated_since: Option<chrono::NaiveDateTime>,
}

/// New evidence: its criterion, subject (a unit or a staff member) and year.
pub struct NewEvidence {
    pub criterion_id: CriterionId,
    pub year: i32,
    pub org_unit_id: Option<OrgUnitId>,
    pub staff_id: Option<StaffId>,
    pub fields: EvidenceFields,
}

/// A draft's changes: each field left out (`None`) stays; `Some(None)` clears it.
#[derive(Default)]
pub struct EvidenceChanges {
    pub value: Option<Option<f64>>,
    pub as_of: Option<NaiveDate>,
    pub description: Option<Option<String>>,
    pub links: Option<Vec<String>>,
    pub self_score: Option<Option<f64>>,
}

/// The records a caller's lists show; the same for everyone who sees the same records, so
/// a page may be kept for all of them.
pub fn seen_by(who: &Principal) -> Seen {
    Seen::from(policy::staff_visibility(who))
}

/// One page of the evidence `seen` covers, each with its files.
pub fn list(
    conn: &mut AnyConnection,
    seen: &Seen,
    query: ListQuery,
    sort: Sort<EvidenceSort>,
    page: PageRequest,
) -> Result<(Vec<EvidenceDetail>, i64), Error> {
    let under_unit_path = subjects::subtree_filter(conn, query.org_unit_id.as_ref())?;
    let filter = EvidenceFilter {
        q: query.q,
        plan_id: query.plan_id,
        criterion_id: query.criterion_id,
        year: query.year,
        status: query.status,
        subject: query.subject,
        source: query.source,
        under_unit_path,
        staff_id: query.staff_id,
        updated_since: query.updated_since,
    };
    let (items, total) = evidence::list(conn, seen, &filter, sort, page)?;
    let ids: Vec<EvidenceId> = items.iter().map(|e| e.id.clone()).collect();
    let mut files = evidence::files_of(conn, &ids)?;
    let items = items
        .into_iter()
        .map(|e| {
            let (own, rest) = files.drain(..).partition(|f| f.evidence_id == e.id);
            files = rest;
            EvidenceDetail {
                evidence: e,
                files: own,
                history: None,
            }
        })
        .collect();
    Ok((items, total))
}

/// Record a draft for a subject the caller acts for, against a criterion of a running plan.
pub fn create(
    tx: &mut Tx<'_>,
    who: &Principal,
    actor: &Actor,
    new: NewEvidence,
) -> Result<EvidenceDetail, Error> {
    let (c, plan, issuer_path) = criterion_with_visible_plan(tx, who, &new.criterion_id)?
        .ok_or_else(|| {
            Error::invalid(
                "criterion_id",
                "not_found",
                "no such criterion visible to you",
            )
        })?;
    let subject = subjects::resolve_to_act_for(
        tx,
        who,
        c.subject(),
        new.org_unit_id.as_ref(),
        new.staff_id.as_ref(),
    )?;
    evidence::check_context(tx, &plan, &issuer_path, &c, &subject, new.year)?;
    let (e, first) = evidence::create(tx, actor, &c, &subject, new.year, new.fields)?;
    // What `get` would read back: no files yet, one history entry.
    Ok(EvidenceDetail {
        evidence: e,
        files: Vec::new(),
        history: Some(vec![first]),
    })
}

/// Evidence the caller sees, with its files and history.
pub fn get(
    conn: &mut AnyConnection,
    who: &Principal,
    id: &EvidenceId,
) -> Result<EvidenceDetail, Error> {
    let (e, _) = visible(conn, who, id)?;
    detail(conn, e)
}

/// Change a draft (or evidence returned for changes) of a subject the caller acts for.
pub fn update(
    tx: &mut Tx<'_>,
    who: &Principal,
    actor: &Actor,
    id: &EvidenceId,
    version: i64,
    changes: EvidenceChanges,
) -> Result<EvidenceDetail, Error> {
    let (current, c) = writable(tx, who, id)?;
    let mut f = current.fields();
    if let Some(v) = changes.value {
        f.value = v;
    }
    if let Some(v) = changes.as_of {
        f.as_of = Some(v);
    }
    if let Some(v) = changes.description {
        f.description = v;
    }
    if let Some(v) = changes.links {
        f.links = v;
    }
    if let Some(v) = changes.self_score {
        f.self_score = v;
    }
    let e = evidence::update(tx, actor, &c, current, version, f)?;
    detail(tx, e)
}

/// A move of the workflow: its author submits or withdraws; a reviewer above the subject
/// (never of their own evidence) approves, rejects or returns.
pub fn change_status(
    tx: &mut Tx<'_>,
    who: &Principal,
    actor: &Actor,
    id: &EvidenceId,
    version: i64,
    t: Transition,
) -> Result<EvidenceDetail, Error> {
    let (current, path) = visible(tx, who, id)?;
    let allowed = if evidence::is_review(t.to) {
        let authored = evidence::authors(tx, &current)?.contains(&who.user_id);
        policy::can_review_evidence(who, &path, current.staff_id.as_ref(), authored)
    } else {
        policy::can_act_for_subject(who, &path, current.staff_id.as_ref())
    };
    policy::ensure(allowed)?;
    let c = criterion_of(tx, &current)?;
    let e = evidence::transition(tx, actor, &c, current, version, t)?;
    detail(tx, e)
}

/// Evidence a file may be added to by the caller: checked before the upload is read,
/// after it is stored and again in the write.
pub fn accepting_file(
    conn: &mut AnyConnection,
    who: &Principal,
    id: &EvidenceId,
) -> Result<Evidence, Error> {
    let (current, _) = writable(conn, who, id)?;
    evidence::ensure_accepts_file(conn, &current)?;
    Ok(current)
}

/// Attach a stored content (`sha256`, name, type, size) to evidence `accepting_file` gave.
pub fn add_file(
    tx: &mut Tx<'_>,
    actor: &Actor,
    current: Evidence,
    file: (&str, &str, &str, usize),
) -> Result<EvidenceDetail, Error> {
    let (e, _) = evidence::add_file(tx, actor, current, file)?;
    detail(tx, e)
}

/// A file of evidence the caller sees.
pub fn file(
    conn: &mut AnyConnection,
    who: &Principal,
    id: &EvidenceId,
    file_id: &str,
) -> Result<EvidenceFile, Error> {
    let (e, _) = visible(conn, who, id)?;
    evidence::find_file(conn, &e.id, file_id)?.ok_or_else(|| Error::not_found("file"))
}

/// Take a file off a draft (or evidence returned for changes).
pub fn remove_file(
    tx: &mut Tx<'_>,
    who: &Principal,
    actor: &Actor,
    id: &EvidenceId,
    version: i64,
    file_id: &str,
) -> Result<EvidenceDetail, Error> {
    let (current, _) = writable(tx, who, id)?;
    let e = evidence::remove_file(tx, actor, current, version, file_id)?;
    detail(tx, e)
}

/// Evidence the caller sees (404 otherwise), with its subject's unit path.
fn visible(
    conn: &mut AnyConnection,
    who: &Principal,
    id: &EvidenceId,
) -> Result<(Evidence, String), Error> {
    let (e, path) = evidence::find(conn, id)?.ok_or_else(|| Error::not_found("evidence"))?;
    // Having written it grants nothing: visibility comes from the caller's scope now, so
    // someone moved to another unit stops reading what she wrote in the old one.
    policy::ensure_visible(
        policy::can_read_subject(who, &path, e.staff_id.as_ref()),
        "evidence",
    )?;
    Ok((e, path))
}

/// Evidence the caller may write: visible, and theirs to act for (403 otherwise).
fn writable(
    conn: &mut AnyConnection,
    who: &Principal,
    id: &EvidenceId,
) -> Result<(Evidence, Criterion), Error> {
    let (e, path) = visible(conn, who, id)?;
    policy::ensure(policy::can_act_for_subject(who, &path, e.staff_id.as_ref()))?;
    let c = criterion_of(conn, &e)?;
    Ok((e, c))
}

fn criterion_of(conn: &mut AnyConnection, e: &Evidence) -> Result<Criterion, Error> {
    criteria::find(conn, &e.criterion_id)?
        .ok_or_else(|| Error::Internal("evidence without its criterion".into()))
}

fn detail(conn: &mut AnyConnection, e: Evidence) -> Result<EvidenceDetail, Error> {
    let files = evidence::files_of(conn, std::slice::from_ref(&e.id))?;
    let history = evidence::history_of(conn, &e.id)?;
    Ok(EvidenceDetail {
        evidence: e,
        files,
        history: Some(history),
    })
}

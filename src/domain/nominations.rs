//! Đề nghị khen thưởng: a proposal of a staff member or a unit for an award, its dossier,
//! and its way up the hierarchy to the level that grants the award, then to the council.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::AnyConnection;
use crate::db::Tx;
use crate::db::schema::{
    award_decisions, award_types, awards, nomination_files, nomination_steps, nominations,
    org_units, staff,
};
use crate::db::{contains_pattern, prefix_pattern};
use crate::domain::Error;
use crate::domain::audit::{self, ChangeAction, Resource, ResourceKind};
use crate::domain::award_types::{AwardLevel, AwardType, rules_for};
use crate::domain::org_units::{self as units, OrgUnit};
use crate::domain::plans::Occasion;
use crate::domain::subjects::{Seen, Subject};
use crate::domain::workflow::{self, Move, Workflow};
use crate::domain::{Actor, PageRequest, changed_meanwhile, new_id, now, text_enum};
use crate::ids::{NominationId, OrgUnitId, PlanId, StaffId, UserId};
use crate::text::fold;

text_enum! {
    /// Where a nomination stands.
    pub enum NominationStatus {
        /// Being written by the proposing unit.
        Draft => "draft",
        /// Going up the hierarchy; `current_unit_id` must act.
        Submitted => "submitted",
        /// Sent back to the proposing unit for changes.
        Returned => "returned",
        /// Approved by the granting level; waits for its council.
        CouncilReview => "council_review",
        /// Published for public comment.
        Disclosed => "disclosed",
        /// Passed by the council's vote.
        Approved => "approved",
        /// Refused by a level or by the council.
        Rejected => "rejected",
        /// Granted by a decision.
        Decided => "decided",
    }
}

impl NominationStatus {
    /// Whether a council session may take it up.
    pub fn before_council(self) -> bool {
        matches!(
            self,
            NominationStatus::CouncilReview | NominationStatus::Disclosed
        )
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = nominations)]
pub struct Nomination {
    pub id: NominationId,
    pub award_type_id: String,
    pub staff_id: Option<StaffId>,
    pub nominee_unit_id: OrgUnitId,
    pub plan_id: Option<PlanId>,
    pub movement_id: Option<String>,
    pub year: i32,
    pub occasion: Occasion,
    pub period_from: chrono::NaiveDate,
    pub period_to: chrono::NaiveDate,
    pub summary: String,
    #[serde(skip)]
    pub search_text: String,
    pub proposer_unit_id: OrgUnitId,
    pub current_unit_id: Option<OrgUnitId>,
    pub granting_unit_id: OrgUnitId,
    pub status: NominationStatus,
    pub created_by: Option<UserId>,
    pub version: i64,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

/// Moves a nomination to `to`, recording the step (at `unit_id`, with `reason`), the audit
/// row and the change event. The version read must still be current (412 otherwise).
#[expect(clippy::too_many_arguments, reason = "one per recorded fact")]
pub fn move_to(
    tx: &mut Tx<'_>,
    actor: &Actor,
    current: &Nomination,
    to: NominationStatus,
    current_unit_id: Option<&OrgUnitId>,
    action: &str,
    unit_id: Option<&OrgUnitId>,
    reason: Option<&str>,
) -> Result<Nomination, Error> {
    let at = now();
    let row: Nomination = diesel::update(
        nominations::table
            .filter(nominations::id.eq(&current.id))
            .filter(nominations::version.eq(current.version)),
    )
    .set((
        nominations::status.eq(to.as_str()),
        nominations::current_unit_id.eq(current_unit_id),
        nominations::version.eq(current.version + 1),
        nominations::updated_at.eq(at),
    ))
    .returning(nominations::all_columns)
    .get_result(tx.conn())
    .map_err(changed_meanwhile)?;
    diesel::insert_into(nomination_steps::table)
        .values((
            nomination_steps::id.eq(new_id()),
            nomination_steps::nomination_id.eq(&row.id),
            nomination_steps::unit_id.eq(unit_id),
            nomination_steps::action.eq(action),
            nomination_steps::status.eq(to.as_str()),
            nomination_steps::reason.eq(reason),
            nomination_steps::actor_id.eq(actor.user_id.as_ref()),
            nomination_steps::at.eq(at),
        ))
        .execute(tx.conn())?;
    audit::record_change(
        tx,
        actor,
        ChangeAction::Updated,
        Resource {
            kind: ResourceKind::Nomination,
            id: row.id.as_str(),
            version: row.version,
        },
        Some(current),
        Some(&row),
    )?;
    Ok(row)
}

pub fn find(conn: &mut AnyConnection, id: &NominationId) -> QueryResult<Option<Nomination>> {
    nominations::table
        .filter(nominations::id.eq(id))
        .select(Nomination::as_select())
        .first(conn)
        .optional()
}

text_enum! {
    /// What a level does with a nomination.
    pub enum NominationAction {
        /// The proposing unit sends it up.
        Submit => "submit",
        /// The level in charge approves: up to the next level, or to the council.
        Approve => "approve",
        /// Back to the proposing unit for changes, with a reason.
        Return => "return",
        /// Refused, with a reason.
        Reject => "reject",
    }
}

/// Statuses a nomination counts as proposed in (for quotas and collective shares).
const LIVE: [NominationStatus; 5] = [
    NominationStatus::Submitted,
    NominationStatus::CouncilReview,
    NominationStatus::Disclosed,
    NominationStatus::Approved,
    NominationStatus::Decided,
];

/// A step of a nomination's way, as its history shows it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = nomination_steps)]
pub struct Step {
    pub id: String,
    pub nomination_id: NominationId,
    /// The level that acted (absent for council and decision steps).
    pub unit_id: Option<OrgUnitId>,
    pub action: String,
    /// The status after the step.
    pub status: String,
    pub reason: Option<String>,
    pub actor_id: Option<UserId>,
    pub at: chrono::NaiveDateTime,
}

pub fn steps(conn: &mut AnyConnection, id: &NominationId) -> QueryResult<Vec<Step>> {
    nomination_steps::table
        .filter(nomination_steps::nomination_id.eq(id))
        .order((nomination_steps::at.asc(), nomination_steps::id.asc()))
        .select(Step::as_select())
        .load(conn)
}

/// A file of the dossier (hồ sơ).
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = nomination_files)]
pub struct DossierFile {
    pub id: String,
    #[serde(skip)]
    pub nomination_id: NominationId,
    pub sha256: String,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub added_by: Option<UserId>,
    pub added_at: chrono::NaiveDateTime,
}

pub fn files(conn: &mut AnyConnection, id: &NominationId) -> QueryResult<Vec<DossierFile>> {
    nomination_files::table
        .filter(nomination_files::nomination_id.eq(id))
        .order((nomination_files::added_at.asc(), nomination_files::id.asc()))
        .select(DossierFile::as_select())
        .load(conn)
}

/// A nomination with what its readers see beside it.
#[derive(Debug, Clone, Serialize)]
pub struct NominationView {
    pub nomination: Nomination,
    pub award_type_code: String,
    pub award_type_name: String,
    pub nominee_name: String,
    /// The nominee's unit path (who may see it).
    #[serde(skip)]
    pub nominee_path: String,
}

/// A nomination with its award type, nominee name and path.
pub fn view(conn: &mut AnyConnection, n: Nomination) -> QueryResult<NominationView> {
    let (code, type_name): (String, String) = award_types::table
        .find(&n.award_type_id)
        .select((award_types::code, award_types::name))
        .get_result(conn)?;
    let (unit_name, nominee_path): (String, String) = org_units::table
        .find(&n.nominee_unit_id)
        .select((org_units::name, org_units::path))
        .get_result(conn)?;
    let nominee_name = match &n.staff_id {
        Some(id) => staff::table
            .find(id)
            .select(staff::full_name)
            .get_result(conn)?,
        None => unit_name,
    };
    Ok(NominationView {
        nomination: n,
        award_type_code: code,
        award_type_name: type_name,
        nominee_name,
        nominee_path,
    })
}

/// The units on a unit's path, from the root down to the unit itself.
pub fn lineage(conn: &mut AnyConnection, unit: &OrgUnit) -> QueryResult<Vec<OrgUnit>> {
    let ids: Vec<&str> = unit.path.split('/').filter(|s| !s.is_empty()).collect();
    let mut found: Vec<OrgUnit> = org_units::table
        .filter(org_units::id.eq_any(&ids))
        .select(OrgUnit::as_select())
        .load(conn)?;
    found.sort_by_key(|u| u.path.len());
    Ok(found)
}

/// The level that grants an award to nominees proposed by `proposer`: for grassroots awards
/// the nearest unit at or above it that is not a division (the office whose head signs);
/// for province and State awards the province (which forwards State awards to Hà Nội).
/// A tree without such a unit falls back to its root.
pub fn granting_unit(
    conn: &mut AnyConnection,
    proposer: &OrgUnit,
    level: AwardLevel,
) -> QueryResult<OrgUnit> {
    let line = lineage(conn, proposer)?;
    let wanted = |u: &&OrgUnit| match level {
        AwardLevel::Grassroots => u.kind != units::OrgUnitKind::Division,
        AwardLevel::Province | AwardLevel::State => u.kind == units::OrgUnitKind::Province,
    };
    Ok(line
        .iter()
        .rev()
        .find(wanted)
        .or(line.first())
        .cloned()
        .unwrap_or_else(|| proposer.clone()))
}

/// What a new nomination says.
#[derive(Debug, Clone)]
pub struct NominationFields {
    pub plan_id: Option<PlanId>,
    pub movement_id: Option<String>,
    pub year: i32,
    pub occasion: Occasion,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub summary: String,
}

/// Writes a draft nomination of `subject` for `award`, proposed by `proposer`.
pub fn create(
    tx: &mut Tx<'_>,
    actor: &Actor,
    award: &AwardType,
    subject: &Subject,
    proposer: &OrgUnit,
    f: NominationFields,
) -> Result<Nomination, Error> {
    let granting = granting_unit(tx, proposer, award.level)?;
    let at = now();
    let id = NominationId::new();
    let row: Nomination = diesel::insert_into(nominations::table)
        .values((
            nominations::id.eq(&id),
            nominations::award_type_id.eq(&award.id),
            nominations::staff_id.eq(&subject.staff_id),
            nominations::nominee_unit_id.eq(&subject.org_unit_id),
            nominations::plan_id.eq(&f.plan_id),
            nominations::movement_id.eq(&f.movement_id),
            nominations::year.eq(f.year),
            nominations::occasion.eq(f.occasion.as_str()),
            nominations::period_from.eq(f.period_from),
            nominations::period_to.eq(f.period_to),
            nominations::search_text.eq(fold(&f.summary)),
            nominations::summary.eq(&f.summary),
            nominations::proposer_unit_id.eq(&proposer.id),
            nominations::current_unit_id.eq(None::<String>),
            nominations::granting_unit_id.eq(&granting.id),
            nominations::status.eq(NominationStatus::Draft.as_str()),
            nominations::created_by.eq(actor.user_id.as_ref()),
            nominations::version.eq(1),
            nominations::created_at.eq(at),
            nominations::updated_at.eq(at),
        ))
        .returning(nominations::all_columns)
        .get_result(tx.conn())?;
    diesel::insert_into(nomination_steps::table)
        .values((
            nomination_steps::id.eq(new_id()),
            nomination_steps::nomination_id.eq(&row.id),
            nomination_steps::unit_id.eq(Some(&proposer.id)),
            nomination_steps::action.eq("create"),
            nomination_steps::status.eq(NominationStatus::Draft.as_str()),
            nomination_steps::reason.eq(None::<String>),
            nomination_steps::actor_id.eq(actor.user_id.as_ref()),
            nomination_steps::at.eq(at),
        ))
        .execute(tx.conn())?;
    audit::record_change(
        tx,
        actor,
        ChangeAction::Created,
        Resource {
            kind: ResourceKind::Nomination,
            id: row.id.as_str(),
            version: 1,
        },
        None,
        Some(&row),
    )?;
    Ok(row)
}

/// Changes what a draft or returned nomination says.
pub fn update(
    tx: &mut Tx<'_>,
    actor: &Actor,
    current: &Nomination,
    expected_version: i64,
    f: NominationFields,
) -> Result<Nomination, Error> {
    if !matches!(
        current.status,
        NominationStatus::Draft | NominationStatus::Returned
    ) {
        return Err(Error::conflict(
            "not_editable",
            "only a draft or returned nomination changes; this one is on its way",
        ));
    }
    let row: Nomination = diesel::update(
        nominations::table
            .filter(nominations::id.eq(&current.id))
            .filter(nominations::version.eq(expected_version)),
    )
    .set((
        nominations::plan_id.eq(&f.plan_id),
        nominations::movement_id.eq(&f.movement_id),
        nominations::year.eq(f.year),
        nominations::occasion.eq(f.occasion.as_str()),
        nominations::period_from.eq(f.period_from),
        nominations::period_to.eq(f.period_to),
        nominations::search_text.eq(fold(&f.summary)),
        nominations::summary.eq(&f.summary),
        nominations::version.eq(expected_version + 1),
        nominations::updated_at.eq(now()),
    ))
    .returning(nominations::all_columns)
    .get_result(tx.conn())
    .map_err(changed_meanwhile)?;
    audit::record_change(
        tx,
        actor,
        ChangeAction::Updated,
        Resource {
            kind: ResourceKind::Nomination,
            id: row.id.as_str(),
            version: row.version,
        },
        Some(current),
        Some(&row),
    )?;
    Ok(row)
}

/// The nomination's workflow, moved by a level's action. Approving at a level below the
/// granting one sends it on up; at the granting level, to its council.
impl Workflow for NominationStatus {
    type Action = NominationAction;
    type Record = Nomination;

    fn moves() -> &'static [Move<NominationStatus, NominationAction, Nomination>] {
        use NominationAction as A;
        use NominationStatus as S;
        const MOVES: &[Move<NominationStatus, NominationAction, Nomination>] = &[
            Move::by(&[S::Draft, S::Returned], A::Submit, S::Submitted),
            Move::by(&[S::Submitted], A::Approve, S::CouncilReview).when(at_granting_level),
            Move::by(&[S::Submitted], A::Approve, S::Submitted),
            Move::by(
                &[S::Submitted, S::CouncilReview, S::Disclosed],
                A::Return,
                S::Returned,
            ),
            Move::by(
                &[S::Submitted, S::CouncilReview, S::Disclosed],
                A::Reject,
                S::Rejected,
            ),
        ];
        MOVES
    }

    fn refused(from: NominationStatus, action: NominationAction) -> Error {
        Error::conflict(
            "invalid_transition",
            format!("a {from} nomination cannot be given \"{action}\""),
        )
    }
}

/// Whether the level acting on a submitted nomination is the one that grants it.
fn at_granting_level(n: &Nomination) -> bool {
    n.current_unit_id.as_ref() == Some(&n.granting_unit_id)
}

/// Where a level's action takes a nomination: its new status (by the workflow's table) and
/// the level that acts next. `parent` is the parent of the current level. Errors name what
/// is wrong.
pub fn after_action(
    n: &Nomination,
    action: NominationAction,
    parent: Option<&OrgUnitId>,
) -> Result<(NominationStatus, Option<OrgUnitId>), Error> {
    let status = workflow::next(n.status, action, n)?;
    let up = || {
        parent
            .cloned()
            .ok_or_else(|| NominationStatus::refused(n.status, action))
    };
    let next_level = match (action, status) {
        // A nomination proposed at the granting level goes straight to it.
        (NominationAction::Submit, _) if n.proposer_unit_id == n.granting_unit_id => {
            Some(n.granting_unit_id.clone())
        }
        (NominationAction::Submit, _) => Some(up()?),
        (NominationAction::Approve, NominationStatus::Submitted) => Some(up()?),
        _ => None,
    };
    Ok((status, next_level))
}

/// The unit whose officers and heads act now: the proposer for a draft or returned
/// nomination, the current level while it goes up, the granting level at the council stage.
pub fn acting_unit(n: &Nomination) -> &OrgUnitId {
    match n.status {
        NominationStatus::Draft | NominationStatus::Returned => &n.proposer_unit_id,
        NominationStatus::Submitted => n.current_unit_id.as_ref().unwrap_or(&n.granting_unit_id),
        _ => &n.granting_unit_id,
    }
}

/// One nomination of a batch that would go over its award's quota.
#[derive(Debug, Clone)]
pub struct QuotaExcess {
    pub award_type: String,
    pub proposer_unit_id: OrgUnitId,
    /// How many may be proposed.
    pub allowed: i64,
    /// How many would be with this batch.
    pub proposed: i64,
    pub of_award_type: String,
    /// The count the quota is a share of.
    pub base: i64,
    pub max_percent: f64,
}

/// Who holds awards in `year` under `under` (a unit path): awarded and in force, or
/// proposed and in one of the `proposed` statuses. Pairs of award type code and subject key
/// ("s:<staff id>" or "u:<unit id>"); `award_id` narrows to one award type.
pub fn holders(
    conn: &mut AnyConnection,
    year: i32,
    under: &str,
    award_id: Option<&str>,
    proposed: &[NominationStatus],
) -> QueryResult<HashSet<(String, String)>> {
    let key = |staff: Option<String>, unit: String| match staff {
        Some(s) => format!("s:{s}"),
        None => format!("u:{unit}"),
    };
    let statuses: Vec<&str> = proposed.iter().map(|s| s.as_str()).collect();
    let mut q = nominations::table
        .inner_join(award_types::table)
        .inner_join(org_units::table.on(org_units::id.eq(nominations::nominee_unit_id)))
        .filter(nominations::year.eq(year))
        .filter(nominations::status.eq_any(&statuses))
        .filter(org_units::path.like(prefix_pattern(under)))
        .select((
            award_types::code,
            nominations::staff_id,
            nominations::nominee_unit_id,
        ))
        .into_boxed();
    let mut a = awards::table
        .inner_join(award_types::table)
        .inner_join(award_decisions::table)
        .inner_join(org_units::table.on(org_units::id.eq(awards::subject_unit_id)))
        .filter(awards::year.eq(year))
        .filter(awards::status.eq("active"))
        .filter(award_decisions::status.eq("active"))
        .filter(org_units::path.like(prefix_pattern(under)))
        .select((award_types::code, awards::staff_id, awards::subject_unit_id))
        .into_boxed();
    if let Some(id) = award_id {
        q = q.filter(nominations::award_type_id.eq(id.to_string()));
        a = a.filter(awards::award_type_id.eq(id.to_string()));
    }
    let proposed: Vec<(String, Option<String>, String)> = q.load(conn)?;
    let awarded: Vec<(String, Option<String>, String)> = a.load(conn)?;
    Ok(proposed
        .into_iter()
        .chain(awarded)
        .map(|(code, s, u)| (code, key(s, u)))
        .collect())
}

/// Serialises quota checks of one award type, proposer and year until the transaction
/// ends: two batches counted at once would each see room for themselves. SQLite already
/// runs one writer at a time (`write_tx` begins IMMEDIATE); PostgreSQL takes an advisory
/// lock on the group.
fn lock_quota(
    tx: &mut Tx<'_>,
    award_id: &str,
    proposer_id: &OrgUnitId,
    year: i32,
) -> QueryResult<()> {
    use sha2::Digest;
    if let AnyConnection::Postgresql(c) = tx.conn() {
        // A key every instance derives alike, whatever its build.
        let digest = sha2::Sha256::digest(format!("quota/{award_id}/{proposer_id}/{year}"));
        let key = i64::from_be_bytes(digest[..8].try_into().unwrap_or_default());
        diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
            .bind::<diesel::sql_types::BigInt, _>(key)
            .execute(c)?;
    }
    Ok(())
}

/// Checks a batch about to be submitted against the quotas of the rules in force: per award
/// type and proposing unit, the nominations already on their way plus the batch may not
/// exceed `max_percent` of the holders of the base award in that year under the proposer.
pub fn check_quotas(tx: &mut Tx<'_>, batch: &[NominationView]) -> Result<Vec<QuotaExcess>, Error> {
    let mut groups: HashMap<(String, OrgUnitId, i32), Vec<&NominationView>> = HashMap::new();
    for v in batch {
        let n = &v.nomination;
        groups
            .entry((n.award_type_id.clone(), n.proposer_unit_id.clone(), n.year))
            .or_default()
            .push(v);
    }
    let mut excess = Vec::new();
    for ((award_id, proposer_id, year), members) in groups {
        lock_quota(tx, &award_id, &proposer_id, year)?;
        let first = members[0];
        let Some(rules) = rules_for(
            tx,
            &first.award_type_code,
            &first.nominee_path,
            first.nomination.period_to,
        )?
        else {
            continue;
        };
        let Some(quota) = rules.rules.quota else {
            continue;
        };
        let proposer_path = crate::domain::subjects::unit_path(tx, &proposer_id)?;
        let Some(base_type) = crate::domain::award_types::find_by_code(tx, &quota.of_award_type)?
        else {
            continue;
        };
        let base = holders(tx, year, &proposer_path, Some(&base_type.id), &LIVE)?.len() as i64;
        let live: Vec<&str> = LIVE.iter().map(|s| s.as_str()).collect();
        let batch_ids: Vec<&str> = members.iter().map(|v| v.nomination.id.as_str()).collect();
        let already: i64 = nominations::table
            .filter(nominations::award_type_id.eq(&award_id))
            .filter(nominations::proposer_unit_id.eq(&proposer_id))
            .filter(nominations::year.eq(year))
            .filter(nominations::status.eq_any(&live))
            .filter(nominations::id.ne_all(&batch_ids))
            .count()
            .get_result(tx.conn())?;
        let allowed = (base as f64 * quota.max_percent / 100.0 + 1e-9).floor() as i64;
        let proposed = already + members.len() as i64;
        if proposed > allowed {
            excess.push(QuotaExcess {
                award_type: first.award_type_code.clone(),
                proposer_unit_id: proposer_id,
                allowed,
                proposed,
                of_award_type: quota.of_award_type,
                base,
                max_percent: quota.max_percent,
            });
        }
    }
    excess.sort_by(|a, b| a.award_type.cmp(&b.award_type));
    Ok(excess)
}

pub struct NominationFilter {
    pub q: Option<String>,
    pub status: Option<NominationStatus>,
    pub year: Option<i32>,
    pub award_type_id: Option<String>,
    pub staff_id: Option<StaffId>,
    /// Nominees in this unit's subtree (a path prefix).
    pub under: Option<String>,
    /// Waiting for this unit to act.
    pub current_unit_id: Option<OrgUnitId>,
    pub updated_since: Option<chrono::NaiveDateTime>,
}

/// Nominations the caller sees, newest first, each with its award type and nominee in
/// the same query.
pub fn list(
    conn: &mut AnyConnection,
    seen: &Seen,
    f: &NominationFilter,
    page: PageRequest,
) -> QueryResult<(Vec<NominationView>, i64)> {
    let query = || {
        let mut q = nominations::table
            .inner_join(org_units::table.on(org_units::id.eq(nominations::nominee_unit_id)))
            .inner_join(award_types::table)
            .left_join(staff::table)
            .into_boxed();
        q = match seen {
            Seen::All => q,
            Seen::UnitsUnder(prefix) => q.filter(org_units::path.like(prefix_pattern(prefix))),
            Seen::Staff(id) => q.filter(nominations::staff_id.eq(id.clone())),
            Seen::Nothing => q.filter(nominations::id.eq("")),
        };
        if let Some(text) = &f.q {
            q = q.filter(nominations::search_text.like(contains_pattern(&fold(text))));
        }
        if let Some(status) = f.status {
            q = q.filter(nominations::status.eq(status.as_str()));
        }
        if let Some(year) = f.year {
            q = q.filter(nominations::year.eq(year));
        }
        if let Some(t) = &f.award_type_id {
            q = q.filter(nominations::award_type_id.eq(t.clone()));
        }
        if let Some(s) = &f.staff_id {
            q = q.filter(nominations::staff_id.eq(s.clone()));
        }
        if let Some(under) = &f.under {
            q = q.filter(org_units::path.like(prefix_pattern(under)));
        }
        if let Some(u) = &f.current_unit_id {
            q = q.filter(nominations::current_unit_id.eq(u.clone()));
        }
        if let Some(since) = f.updated_since {
            q = q.filter(nominations::updated_at.ge(since));
        }
        q
    };
    let total = query().count().get_result(conn)?;
    type Row = (Nomination, String, String, String, String, Option<String>);
    let rows: Vec<Row> = query()
        .select((
            Nomination::as_select(),
            award_types::code,
            award_types::name,
            org_units::name,
            org_units::path,
            staff::full_name.nullable(),
        ))
        .order((nominations::updated_at.desc(), nominations::id.desc()))
        .limit(page.per_page)
        .offset(page.offset())
        .load(conn)?;
    let items = rows
        .into_iter()
        .map(
            |(nomination, code, type_name, unit_name, path, person)| NominationView {
                nomination,
                award_type_code: code,
                award_type_name: type_name,
                nominee_name: person.unwrap_or(unit_name),
                nominee_path: path,
            },
        )
        .collect();
    Ok((items, total))
}

/// The dossier takes another file while the proposer holds the nomination (a draft or
/// returned), up to the same number of files as evidence.
pub fn ensure_accepts_file(conn: &mut AnyConnection, n: &Nomination) -> Result<(), Error> {
    if !matches!(
        n.status,
        NominationStatus::Draft | NominationStatus::Returned
    ) {
        return Err(Error::conflict(
            "not_editable",
            "the dossier changes only while the nomination is a draft or returned",
        ));
    }
    let count: i64 = nomination_files::table
        .filter(nomination_files::nomination_id.eq(&n.id))
        .count()
        .get_result(conn)?;
    if count >= crate::domain::evidence::MAX_FILES {
        return Err(Error::conflict(
            "too_many_files",
            format!(
                "A dossier carries at most {} files.",
                crate::domain::evidence::MAX_FILES
            ),
        ));
    }
    Ok(())
}

/// Adds a stored file to the dossier.
pub fn add_file(
    tx: &mut Tx<'_>,
    actor: &Actor,
    n: &Nomination,
    sha256: &str,
    file_name: &str,
    content_type: &str,
    size: i64,
) -> Result<DossierFile, Error> {
    let file = DossierFile {
        id: new_id(),
        nomination_id: n.id.clone(),
        sha256: sha256.to_string(),
        file_name: file_name.to_string(),
        content_type: content_type.to_string(),
        size,
        added_by: actor.user_id.clone(),
        added_at: now(),
    };
    diesel::insert_into(nomination_files::table)
        .values((
            nomination_files::id.eq(&file.id),
            nomination_files::nomination_id.eq(&file.nomination_id),
            nomination_files::sha256.eq(&file.sha256),
            nomination_files::file_name.eq(&file.file_name),
            nomination_files::content_type.eq(&file.content_type),
            nomination_files::size.eq(file.size),
            nomination_files::added_by.eq(&file.added_by),
            nomination_files::added_at.eq(file.added_at),
        ))
        .execute(tx.conn())?;
    // The dossier is part of the nomination: its version moves, so concurrent edits see it.
    let moved = diesel::update(
        nominations::table
            .filter(nominations::id.eq(&n.id))
            .filter(nominations::version.eq(n.version)),
    )
    .set((
        nominations::version.eq(n.version + 1),
        nominations::updated_at.eq(now()),
    ))
    .execute(tx.conn())?;
    if moved == 0 {
        return Err(Error::precondition_failed());
    }
    audit::record_change(
        tx,
        actor,
        ChangeAction::Updated,
        Resource {
            kind: ResourceKind::Nomination,
            id: n.id.as_str(),
            version: n.version + 1,
        },
        None,
        Some(&file),
    )?;
    Ok(file)
}

pub fn find_file(
    conn: &mut AnyConnection,
    nomination_id: &NominationId,
    file_id: &str,
) -> QueryResult<Option<DossierFile>> {
    nomination_files::table
        .filter(nomination_files::nomination_id.eq(nomination_id))
        .filter(nomination_files::id.eq(file_id))
        .select(DossierFile::as_select())
        .first(conn)
        .optional()
}

#[cfg(test)]
mod tests {
    use super::*;
    use NominationAction as A;
    use NominationStatus as S;

    /// A nomination proposed by a commune ("xa") to be granted by the province ("tinh").
    fn nomination(status: NominationStatus, at: Option<&str>) -> Nomination {
        let day = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
        Nomination {
            id: "n".into(),
            award_type_id: "a".into(),
            staff_id: None,
            nominee_unit_id: "xa".into(),
            plan_id: None,
            movement_id: None,
            year: 2025,
            occasion: crate::domain::plans::Occasion::Annual,
            period_from: day,
            period_to: day,
            summary: String::new(),
            search_text: String::new(),
            proposer_unit_id: "xa".into(),
            current_unit_id: at.map(OrgUnitId::from),
            granting_unit_id: "tinh".into(),
            status,
            created_by: None,
            version: 1,
            created_at: day.and_hms_opt(0, 0, 0).unwrap(),
            updated_at: day.and_hms_opt(0, 0, 0).unwrap(),
        }
    }

    #[test]
    fn a_nomination_goes_up_level_by_level_then_to_its_council() {
        let draft = nomination(S::Draft, None);
        assert_eq!(
            after_action(&draft, A::Submit, Some(&OrgUnitId::from("huyen"))).unwrap(),
            (S::Submitted, Some("huyen".into()))
        );
        // Approved below the granting level: on up, still submitted.
        let at_district = nomination(S::Submitted, Some("huyen"));
        assert_eq!(
            after_action(&at_district, A::Approve, Some(&OrgUnitId::from("tinh"))).unwrap(),
            (S::Submitted, Some("tinh".into()))
        );
        // Approved at the granting level: to the council, no level after it.
        let at_province = nomination(S::Submitted, Some("tinh"));
        assert_eq!(
            after_action(&at_province, A::Approve, None).unwrap(),
            (S::CouncilReview, None)
        );
        assert_eq!(
            after_action(&at_province, A::Return, None).unwrap(),
            (S::Returned, None)
        );
    }

    #[test]
    fn what_the_table_lacks_is_refused_by_its_code() {
        let draft = nomination(S::Draft, None);
        let refused =
            after_action(&draft, A::Approve, Some(&OrgUnitId::from("huyen"))).unwrap_err();
        assert!(matches!(
            refused,
            Error::Conflict {
                code: "invalid_transition",
                ..
            }
        ));
        // Nowhere to go up to.
        let at_district = nomination(S::Submitted, Some("huyen"));
        assert!(after_action(&at_district, A::Approve, None).is_err());
        let rejected = nomination(S::Rejected, None);
        assert!(after_action(&rejected, A::Submit, Some(&OrgUnitId::from("huyen"))).is_err());
    }
}

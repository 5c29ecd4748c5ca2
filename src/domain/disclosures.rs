//! Công khai: candidates published for public comment over a period of working days.
//!
//! For the highest forms the law asks the candidates to be published at least 10 working
//! days before the council meets, and the feedback and complaints received to be reported
//! in the council's minutes (NĐ 152/2025 Đ.44). A disclosure publishes nominations that
//! wait for their council; each moves to `disclosed`. Anyone may read a disclosure and,
//! while it is open, send feedback; the unit's officers read the feedback.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::nominations as nominations_table;
use crate::db::schema::{
    award_types, disclosure_feedback, disclosure_nominations, disclosures, org_units, staff,
};
use crate::db::{AnyConnection, Tx, prefix_pattern};
use crate::domain::Error;
use crate::domain::access::Scope;
use crate::domain::audit::{self, ChangeAction, Resource, ResourceKind};
use crate::domain::nominations::{self, Nomination, NominationStatus};
use crate::domain::{Actor, PageRequest, award_types as awards, calendar, new_id, now};
use crate::ids::{NominationId, OrgUnitId, StaffId, UserId};
use crate::text::sort_key;

/// Working days a disclosure stays open when no rule of its candidates asks for a number.
pub const DEFAULT_WORKING_DAYS: u32 = 10;

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = disclosures)]
pub struct Disclosure {
    pub id: String,
    pub title: String,
    pub org_unit_id: OrgUnitId,
    pub starts_on: NaiveDate,
    /// The last day of the period: its `working_days`-th working day.
    pub ends_on: NaiveDate,
    pub working_days: i32,
    pub created_by: Option<UserId>,
    pub version: i64,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

impl Disclosure {
    /// Whether feedback is taken on `day`: from the first day to the last, both included.
    pub fn is_open(&self, day: NaiveDate) -> bool {
        self.starts_on <= day && day <= self.ends_on
    }
}

/// A disclosure with the nominations it publishes, as stored and audited.
#[derive(Debug, Clone, Serialize)]
pub struct DisclosureDetail {
    pub disclosure: Disclosure,
    pub nomination_ids: Vec<NominationId>,
}

/// What a new disclosure says; `working_days` absent takes the candidates' rules.
#[derive(Debug, Clone)]
pub struct DisclosureFields {
    pub title: String,
    pub org_unit_id: OrgUnitId,
    pub starts_on: NaiveDate,
    pub working_days: Option<u32>,
    pub nomination_ids: Vec<NominationId>,
}

/// A disclosure with the path of its unit, which decides who keeps it.
pub fn find(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<(Disclosure, String)>> {
    disclosures::table
        .inner_join(org_units::table)
        .filter(disclosures::id.eq(id))
        .select((Disclosure::as_select(), org_units::path))
        .first(conn)
        .optional()
}

pub fn nomination_ids(conn: &mut AnyConnection, id: &str) -> QueryResult<Vec<NominationId>> {
    disclosure_nominations::table
        .filter(disclosure_nominations::disclosure_id.eq(id))
        .order(disclosure_nominations::nomination_id)
        .select(disclosure_nominations::nomination_id)
        .load(conn)
}

pub fn detail(conn: &mut AnyConnection, disclosure: Disclosure) -> QueryResult<DisclosureDetail> {
    let nomination_ids = nomination_ids(conn, &disclosure.id)?;
    Ok(DisclosureDetail {
        disclosure,
        nomination_ids,
    })
}

/// The first day a nomination was published, if it was: the earliest start of the
/// disclosures that list it.
pub fn earliest_start(
    conn: &mut AnyConnection,
    nomination_id: &NominationId,
) -> QueryResult<Option<NaiveDate>> {
    disclosure_nominations::table
        .inner_join(disclosures::table)
        .filter(disclosure_nominations::nomination_id.eq(nomination_id))
        .order(disclosures::starts_on.asc())
        .select(disclosures::starts_on)
        .first(conn)
        .optional()
}

/// Checks the nominations a disclosure would publish, in order: each listed once, seen by
/// the caller (`visible`, by nominee unit path and staff id), granted inside the
/// disclosure's unit (422 naming `nomination_ids[i]` otherwise), and waiting for its
/// council (409). Returns them with their nominee unit paths and award codes.
fn check_nominations(
    conn: &mut AnyConnection,
    unit_path: &str,
    ids: &[NominationId],
    visible: impl Fn(&str, Option<&StaffId>) -> bool,
) -> Result<Vec<(Nomination, String, String)>, Error> {
    let mut checked = Vec::with_capacity(ids.len());
    for (i, id) in ids.iter().enumerate() {
        let field = format!("nomination_ids[{i}]");
        if ids[..i].contains(id) {
            return Err(Error::invalid(&field, "duplicate", "listed twice"));
        }
        let view = match nominations::find(conn, id)? {
            Some(n) => Some(nominations::view(conn, n)?),
            None => None,
        };
        let Some(view) = view.filter(|v| visible(&v.nominee_path, v.nomination.staff_id.as_ref()))
        else {
            return Err(Error::invalid(
                &field,
                "not_found",
                "no such nomination visible to you",
            ));
        };
        let granting_path =
            crate::domain::subjects::unit_path(conn, &view.nomination.granting_unit_id)?;
        if !granting_path.starts_with(unit_path) {
            return Err(Error::invalid(
                &field,
                "outside_unit",
                "the nomination is granted by a unit outside the disclosure's unit",
            ));
        }
        let status = view.nomination.status;
        if status != NominationStatus::CouncilReview {
            return Err(Error::conflict_field(
                &field,
                "not_in_council_review",
                format!(
                    "nomination {id} is {status}: only nominations in council_review are disclosed"
                ),
            ));
        }
        checked.push((view.nomination, view.nominee_path, view.award_type_code));
    }
    Ok(checked)
}

/// The working days the rules in force on `on` ask for the largest of the candidates
/// (`disclosure_working_days`), if any asks.
fn working_days_by_rules(
    conn: &mut AnyConnection,
    candidates: &[(Nomination, String, String)],
    on: NaiveDate,
) -> QueryResult<Option<u32>> {
    let mut most = None;
    for (_, nominee_path, code) in candidates {
        let days = awards::rules_for(conn, code, nominee_path, on)?
            .and_then(|r| r.rules.disclosure_working_days);
        most = most.max(days);
    }
    Ok(most)
}

/// Publishes nominations in `council_review` under a unit at `unit_path`: each moves to
/// `disclosed`, and the period ends on its `working_days`-th working day.
pub fn create(
    tx: &mut Tx<'_>,
    actor: &Actor,
    unit_path: &str,
    f: DisclosureFields,
    visible: impl Fn(&str, Option<&StaffId>) -> bool,
) -> Result<DisclosureDetail, Error> {
    let candidates = check_nominations(tx, unit_path, &f.nomination_ids, visible)?;
    let required = working_days_by_rules(tx, &candidates, f.starts_on)?;
    let working_days = match (f.working_days, required) {
        (Some(given), Some(min)) if given < min => {
            return Err(Error::invalid(
                "working_days",
                "below_rule",
                format!(
                    "the rules of these awards publish candidates for at least {min} working days"
                ),
            ));
        }
        (Some(given), _) => given,
        (None, required) => required.unwrap_or(DEFAULT_WORKING_DAYS),
    };
    let ends_on = calendar::add_working_days(tx, Some(unit_path), f.starts_on, working_days)?;
    let at = now();
    let disclosure: Disclosure = diesel::insert_into(disclosures::table)
        .values((
            disclosures::id.eq(new_id()),
            disclosures::title.eq(&f.title),
            disclosures::org_unit_id.eq(&f.org_unit_id),
            disclosures::starts_on.eq(f.starts_on),
            disclosures::ends_on.eq(ends_on),
            disclosures::working_days.eq(i32::try_from(working_days).unwrap_or(i32::MAX)),
            disclosures::created_by.eq(actor.user_id.as_ref()),
            disclosures::version.eq(1),
            disclosures::created_at.eq(at),
            disclosures::updated_at.eq(at),
        ))
        .returning(disclosures::all_columns)
        .get_result(tx.conn())?;
    for (n, _, _) in &candidates {
        diesel::insert_into(disclosure_nominations::table)
            .values((
                disclosure_nominations::disclosure_id.eq(&disclosure.id),
                disclosure_nominations::nomination_id.eq(&n.id),
            ))
            .execute(tx.conn())?;
        nominations::move_to(
            tx,
            actor,
            n,
            NominationStatus::Disclosed,
            n.current_unit_id.as_ref(),
            "disclosed",
            Some(&f.org_unit_id),
            None,
        )?;
    }
    let detail = detail(tx, disclosure)?;
    audit::record_change(
        tx,
        actor,
        ChangeAction::Created,
        Resource {
            kind: ResourceKind::Disclosure,
            id: detail.disclosure.id.as_str(),
            version: detail.disclosure.version,
        },
        None,
        Some(&detail),
    )?;
    Ok(detail)
}

#[derive(Debug, Clone, Default)]
pub struct DisclosureFilter {
    /// Disclosures of units under this path.
    pub under_path: Option<String>,
    /// Open (or not) on `today`.
    pub open: Option<bool>,
    pub today: Option<NaiveDate>,
}

/// Disclosures of units the caller sees (its subtree, or above it), newest first.
pub fn list(
    conn: &mut AnyConnection,
    scope: &Scope,
    filter: &DisclosureFilter,
    page: PageRequest,
) -> QueryResult<(Vec<Disclosure>, i64)> {
    let query = || {
        let mut q = disclosures::table.inner_join(org_units::table).into_boxed();
        q = match scope {
            Scope::All => q,
            Scope::Subtree(prefix) => q.filter(
                org_units::path.like(prefix_pattern(prefix)).or(prefix
                    .clone()
                    .into_sql::<diesel::sql_types::Text>()
                    .like(org_units::path.concat("%"))),
            ),
            Scope::Nothing => q.filter(disclosures::id.is_null()),
        };
        if let Some(under) = &filter.under_path {
            q = q.filter(org_units::path.like(prefix_pattern(under)));
        }
        if let (Some(open), Some(today)) = (filter.open, filter.today) {
            q = if open {
                q.filter(
                    disclosures::starts_on
                        .le(today)
                        .and(disclosures::ends_on.ge(today)),
                )
            } else {
                q.filter(
                    disclosures::starts_on
                        .gt(today)
                        .or(disclosures::ends_on.lt(today)),
                )
            };
        }
        q
    };
    let total = query().count().get_result(conn)?;
    let items = query()
        .order((
            disclosures::starts_on.desc(),
            disclosures::created_at.desc(),
            disclosures::id.desc(),
        ))
        .offset(page.offset())
        .limit(page.per_page)
        .select(Disclosure::as_select())
        .load(conn)?;
    Ok((items, total))
}

// Public ----------------------------------------------------------------------------------

/// Every disclosure published by `today` as the public reads it, with its unit's name,
/// newest first (one that starts later is not public yet).
pub fn list_public(
    conn: &mut AnyConnection,
    page: PageRequest,
    today: NaiveDate,
) -> QueryResult<(Vec<(Disclosure, String)>, i64)> {
    let total = disclosures::table
        .filter(disclosures::starts_on.le(today))
        .count()
        .get_result(conn)?;
    let items = disclosures::table
        .inner_join(org_units::table)
        .filter(disclosures::starts_on.le(today))
        .order((
            disclosures::starts_on.desc(),
            disclosures::created_at.desc(),
            disclosures::id.desc(),
        ))
        .offset(page.offset())
        .limit(page.per_page)
        .select((Disclosure::as_select(), org_units::name))
        .load(conn)?;
    Ok((items, total))
}

/// A published candidate, with nothing personal beyond the nominee's name.
#[derive(Debug, Clone, Serialize)]
pub struct Candidate {
    pub nomination_id: NominationId,
    /// The staff member's full name, or the unit's name for a collective.
    pub nominee_name: String,
    /// The nominee's unit (the unit itself for a collective).
    pub unit_name: String,
    pub award_type_name: String,
    pub year: i32,
    /// The achievements the nomination reports.
    pub summary: String,
}

/// The candidates of a disclosure still standing (a nomination returned or rejected since
/// is no longer published), highest award first, then by name in Vietnamese order.
/// Three queries whatever their number: the public reads this without logging in.
pub fn candidates(conn: &mut AnyConnection, disclosure_id: &str) -> QueryResult<Vec<Candidate>> {
    type Row = (
        NominationId,
        Option<String>,
        String,
        String,
        i32,
        i32,
        String,
    );
    let standing = [
        NominationStatus::Disclosed.as_str(),
        NominationStatus::Approved.as_str(),
        NominationStatus::Decided.as_str(),
    ];
    let rows: Vec<Row> = disclosure_nominations::table
        .inner_join(nominations_table::table.inner_join(award_types::table))
        .filter(disclosure_nominations::disclosure_id.eq(disclosure_id))
        .filter(nominations_table::status.eq_any(standing))
        .select((
            nominations_table::id,
            nominations_table::staff_id,
            nominations_table::nominee_unit_id,
            award_types::name,
            award_types::rank,
            nominations_table::year,
            nominations_table::summary,
        ))
        .load(conn)?;
    let unit_ids: BTreeSet<&String> = rows.iter().map(|r| &r.2).collect();
    let units: BTreeMap<String, String> = org_units::table
        .filter(org_units::id.eq_any(unit_ids))
        .select((org_units::id, org_units::name))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect();
    let staff_ids: BTreeSet<&String> = rows.iter().filter_map(|r| r.1.as_ref()).collect();
    let people: BTreeMap<String, String> = staff::table
        .filter(staff::id.eq_any(staff_ids))
        .select((staff::id, staff::full_name))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect();
    let mut out: Vec<(i32, String, Candidate)> = rows
        .into_iter()
        .map(
            |(id, staff_id, unit_id, award_type_name, rank, year, summary)| {
                let unit_name = units.get(&unit_id).cloned().unwrap_or_default();
                let nominee_name = staff_id
                    .and_then(|s| people.get(&s).cloned())
                    .unwrap_or_else(|| unit_name.clone());
                let candidate = Candidate {
                    nomination_id: id,
                    nominee_name,
                    unit_name,
                    award_type_name,
                    year,
                    summary,
                };
                (rank, sort_key(&candidate.nominee_name), candidate)
            },
        )
        .collect();
    out.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then_with(|| a.1.cmp(&b.1))
            .then_with(|| a.2.nomination_id.cmp(&b.2.nomination_id))
    });
    Ok(out.into_iter().map(|(_, _, c)| c).collect())
}

/// The unit's name, as the public reads it.
pub fn unit_name(conn: &mut AnyConnection, unit_id: &OrgUnitId) -> QueryResult<String> {
    org_units::table
        .find(unit_id)
        .select(org_units::name)
        .get_result(conn)
}

// Feedback --------------------------------------------------------------------------------

/// Feedback from the public. It may hold personal contact data: its unit's officers read it.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = disclosure_feedback)]
pub struct Feedback {
    pub id: String,
    pub disclosure_id: String,
    pub nomination_id: Option<NominationId>,
    pub author_name: Option<String>,
    pub contact: Option<String>,
    pub content: String,
    pub received_at: chrono::NaiveDateTime,
}

#[derive(Debug, Clone)]
pub struct FeedbackFields {
    pub nomination_id: Option<NominationId>,
    pub author_name: Option<String>,
    pub contact: Option<String>,
    pub content: String,
}

/// Takes feedback on an open disclosure (409 `disclosure_closed` outside its period on
/// `today`), about one of its candidates or about the whole list.
pub fn add_feedback(
    tx: &mut Tx<'_>,
    actor: &Actor,
    disclosure: &Disclosure,
    today: NaiveDate,
    f: FeedbackFields,
) -> Result<Feedback, Error> {
    if !disclosure.is_open(today) {
        return Err(Error::conflict(
            "disclosure_closed",
            format!(
                "Feedback is taken from {} to {}.",
                disclosure.starts_on, disclosure.ends_on
            ),
        ));
    }
    if let Some(nomination) = &f.nomination_id {
        let listed: i64 = disclosure_nominations::table
            .filter(disclosure_nominations::disclosure_id.eq(&disclosure.id))
            .filter(disclosure_nominations::nomination_id.eq(nomination))
            .count()
            .get_result(tx.conn())?;
        if listed == 0 {
            return Err(Error::invalid(
                "nomination_id",
                "not_found",
                "not a candidate of this disclosure",
            ));
        }
    }
    let row = Feedback {
        id: new_id(),
        disclosure_id: disclosure.id.clone(),
        nomination_id: f.nomination_id,
        author_name: f.author_name,
        contact: f.contact,
        content: f.content,
        received_at: now(),
    };
    diesel::insert_into(disclosure_feedback::table)
        .values((
            disclosure_feedback::id.eq(&row.id),
            disclosure_feedback::disclosure_id.eq(&row.disclosure_id),
            disclosure_feedback::nomination_id.eq(&row.nomination_id),
            disclosure_feedback::author_name.eq(&row.author_name),
            disclosure_feedback::contact.eq(&row.contact),
            disclosure_feedback::content.eq(&row.content),
            disclosure_feedback::received_at.eq(row.received_at),
        ))
        .execute(tx.conn())?;
    audit::record_change(
        tx,
        actor,
        ChangeAction::Created,
        Resource {
            kind: ResourceKind::DisclosureFeedback,
            id: row.id.as_str(),
            version: 1,
        },
        None,
        Some(&row),
    )?;
    Ok(row)
}

/// A disclosure's feedback, in the order it came.
pub fn feedback(
    conn: &mut AnyConnection,
    disclosure_id: &str,
    page: PageRequest,
) -> QueryResult<(Vec<Feedback>, i64)> {
    let total = disclosure_feedback::table
        .filter(disclosure_feedback::disclosure_id.eq(disclosure_id))
        .count()
        .get_result(conn)?;
    let items = disclosure_feedback::table
        .filter(disclosure_feedback::disclosure_id.eq(disclosure_id))
        .order((
            disclosure_feedback::received_at.asc(),
            disclosure_feedback::id.asc(),
        ))
        .offset(page.offset())
        .limit(page.per_page)
        .select(Feedback::as_select())
        .load(conn)?;
    Ok((items, total))
}

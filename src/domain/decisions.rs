//! Quyết định khen thưởng and the awards they grant. A decision grants nominations the
//! council passed, or records awards decided before the service existed (award history);
//! revoking it revokes its awards. Later eligibility reads the awards.

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{award_decisions, award_types, awards, org_units};
use crate::db::{AnyConnection, Tx, contains_pattern, prefix_pattern};
use crate::domain::Error;
use crate::domain::audit::{self, ChangeAction, Resource, ResourceKind};
use crate::domain::award_types::{AwardKind, AwardType, base_salary_on};
use crate::domain::nominations::{self, Nomination, NominationStatus};
use crate::domain::plans::Occasion;
use crate::domain::subjects::Seen;
use crate::domain::{Actor, PageRequest, changed_meanwhile, new_id, now, text_enum};
use crate::ids::{DecisionId, NominationId, OrgUnitId, StaffId};
use crate::text::fold;

text_enum! {
    /// A decision or an award in force, or revoked (thu hồi).
    pub enum GrantStatus {
        Active => "active",
        Revoked => "revoked",
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = award_decisions)]
pub struct Decision {
    pub id: DecisionId,
    pub number: String,
    pub decided_on: NaiveDate,
    pub signer: String,
    pub authority: String,
    pub org_unit_id: OrgUnitId,
    pub award_year: i32,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub occasion: Occasion,
    pub status: GrantStatus,
    pub revoked_reason: Option<String>,
    pub revoked_at: Option<chrono::NaiveDateTime>,
    pub version: i64,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = awards)]
pub struct Award {
    pub id: String,
    pub decision_id: DecisionId,
    pub nomination_id: Option<NominationId>,
    pub award_type_id: String,
    pub staff_id: Option<StaffId>,
    pub subject_unit_id: OrgUnitId,
    pub recipient_name: String,
    #[serde(skip)]
    pub name_search: String,
    pub year: i32,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub occasion: Occasion,
    /// VND.
    pub cash_amount: i64,
    pub status: GrantStatus,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

/// What a decision says about itself.
#[derive(Debug, Clone)]
pub struct DecisionFields {
    pub number: String,
    pub decided_on: NaiveDate,
    pub signer: String,
    pub authority: String,
    pub org_unit_id: OrgUnitId,
    pub award_year: i32,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub occasion: Occasion,
}

/// One award a decision grants.
#[derive(Debug, Clone)]
pub struct Grant {
    pub award_type: AwardType,
    pub staff_id: Option<StaffId>,
    pub subject_unit_id: OrgUnitId,
    pub recipient_name: String,
    /// The nomination it grants, which must have passed the council.
    pub nomination: Option<Nomination>,
    /// The achievement this award is for: the nomination's year, period and occasion (an
    /// ad hoc nomination stays ad hoc), or the decision's for a recorded past award.
    pub year: i32,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub occasion: Occasion,
}

/// Whether a discipline of the staff member runs on `day`: no award while it does.
pub fn under_discipline(
    conn: &mut AnyConnection,
    staff_id: &StaffId,
    day: NaiveDate,
) -> QueryResult<bool> {
    use crate::db::schema::disciplines;
    let running: i64 = disciplines::table
        .filter(disciplines::staff_id.eq(staff_id))
        .filter(disciplines::starts_on.le(day))
        .filter(
            disciplines::ends_on
                .is_null()
                .or(disciplines::ends_on.ge(day)),
        )
        .count()
        .get_result(conn)?;
    Ok(running > 0)
}

/// A decision with its awards, as stored and audited.
#[derive(Debug, Clone, Serialize)]
pub struct DecisionDetail {
    pub decision: Decision,
    pub awards: Vec<AwardView>,
}

/// An award with its type and decision, as its readers see it.
#[derive(Debug, Clone, Serialize)]
pub struct AwardView {
    pub award: Award,
    pub award_type_code: String,
    pub award_type_name: String,
    pub award_kind: AwardKind,
    pub decision_number: String,
    pub decided_on: NaiveDate,
    pub authority: String,
    pub decision_status: GrantStatus,
    #[serde(skip)]
    pub subject_path: String,
}

impl AwardView {
    /// Revoked itself, or by its decision.
    pub fn revoked(&self) -> bool {
        self.award.status == GrantStatus::Revoked || self.decision_status == GrantStatus::Revoked
    }
}

type AwardRow = (
    Award,
    String,
    String,
    AwardKind,
    String,
    NaiveDate,
    String,
    GrantStatus,
    String,
);

fn award_view(r: AwardRow) -> AwardView {
    let (
        award,
        award_type_code,
        award_type_name,
        award_kind,
        decision_number,
        decided_on,
        authority,
        decision_status,
        subject_path,
    ) = r;
    AwardView {
        award,
        award_type_code,
        award_type_name,
        award_kind,
        decision_number,
        decided_on,
        authority,
        decision_status,
        subject_path,
    }
}

macro_rules! award_query {
    () => {
        awards::table
            .inner_join(award_types::table)
            .inner_join(award_decisions::table)
            .inner_join(org_units::table.on(org_units::id.eq(awards::subject_unit_id)))
            .select((
                Award::as_select(),
                award_types::code,
                award_types::name,
                award_types::kind,
                award_decisions::number,
                award_decisions::decided_on,
                award_decisions::authority,
                award_decisions::status,
                org_units::path,
            ))
    };
}

pub fn find_award(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<AwardView>> {
    award_query!()
        .filter(awards::id.eq(id))
        .first::<AwardRow>(conn)
        .optional()
        .map(|r| r.map(award_view))
}

pub fn decision_awards(
    conn: &mut AnyConnection,
    decision_id: &DecisionId,
) -> QueryResult<Vec<AwardView>> {
    Ok(award_query!()
        .filter(awards::decision_id.eq(decision_id))
        .order(awards::id.asc())
        .load::<AwardRow>(conn)?
        .into_iter()
        .map(award_view)
        .collect())
}

/// A decision with the path of its issuing unit.
pub fn find(conn: &mut AnyConnection, id: &DecisionId) -> QueryResult<Option<(Decision, String)>> {
    award_decisions::table
        .inner_join(org_units::table)
        .filter(award_decisions::id.eq(id))
        .select((Decision::as_select(), org_units::path))
        .first(conn)
        .optional()
}

pub fn detail(conn: &mut AnyConnection, decision: Decision) -> QueryResult<DecisionDetail> {
    let awards = decision_awards(conn, &decision.id)?;
    Ok(DecisionDetail { decision, awards })
}

/// Writes a decision and its awards, each with its cash; the nominations it grants become
/// `decided`. Refuses a duplicate number of the same unit, nominations that did not pass,
/// and a date with no base salary in force.
pub fn create(
    tx: &mut Tx<'_>,
    actor: &Actor,
    f: DecisionFields,
    grants: Vec<Grant>,
) -> Result<DecisionDetail, Error> {
    let taken: i64 = award_decisions::table
        .filter(award_decisions::org_unit_id.eq(&f.org_unit_id))
        .filter(award_decisions::number.eq(&f.number))
        .count()
        .get_result(tx.conn())?;
    if taken > 0 {
        return Err(Error::conflict_field(
            "number",
            "duplicate",
            "the unit already has a decision with this number",
        ));
    }
    let base = base_salary_on(tx, f.decided_on)?.ok_or_else(|| {
        Error::invalid(
            "decided_on",
            "no_base_salary",
            "no base salary (lương cơ sở) is in force on this day",
        )
    })?;
    let at = now();
    let decision = Decision {
        id: DecisionId::new(),
        number: f.number,
        decided_on: f.decided_on,
        signer: f.signer,
        authority: f.authority,
        org_unit_id: f.org_unit_id,
        award_year: f.award_year,
        period_from: f.period_from,
        period_to: f.period_to,
        occasion: f.occasion,
        status: GrantStatus::Active,
        revoked_reason: None,
        revoked_at: None,
        version: 1,
        created_at: at,
        updated_at: at,
    };
    diesel::insert_into(award_decisions::table)
        .values((
            award_decisions::id.eq(&decision.id),
            award_decisions::number.eq(&decision.number),
            award_decisions::decided_on.eq(decision.decided_on),
            award_decisions::signer.eq(&decision.signer),
            award_decisions::authority.eq(&decision.authority),
            award_decisions::org_unit_id.eq(&decision.org_unit_id),
            award_decisions::award_year.eq(decision.award_year),
            award_decisions::period_from.eq(decision.period_from),
            award_decisions::period_to.eq(decision.period_to),
            award_decisions::occasion.eq(decision.occasion.as_str()),
            award_decisions::status.eq(decision.status.as_str()),
            award_decisions::version.eq(1),
            award_decisions::created_at.eq(at),
            award_decisions::updated_at.eq(at),
        ))
        .execute(tx.conn())?;
    for g in grants {
        let id = new_id();
        diesel::insert_into(awards::table)
            .values((
                awards::id.eq(&id),
                awards::decision_id.eq(&decision.id),
                awards::nomination_id.eq(g.nomination.as_ref().map(|n| n.id.clone())),
                awards::award_type_id.eq(&g.award_type.id),
                awards::staff_id.eq(&g.staff_id),
                awards::subject_unit_id.eq(&g.subject_unit_id),
                awards::name_search.eq(fold(&g.recipient_name)),
                awards::recipient_name.eq(&g.recipient_name),
                awards::year.eq(g.year),
                awards::period_from.eq(g.period_from),
                awards::period_to.eq(g.period_to),
                awards::occasion.eq(g.occasion.as_str()),
                awards::cash_amount.eq(g.award_type.cash_amount(base, g.staff_id.is_none())),
                awards::status.eq(GrantStatus::Active.as_str()),
                awards::created_at.eq(at),
                awards::updated_at.eq(at),
            ))
            .execute(tx.conn())?;
        audit::record_change(
            tx,
            actor,
            ChangeAction::Created,
            Resource {
                kind: ResourceKind::Award,
                id: &id,
                version: 1,
            },
            None,
            Some(
                &serde_json::json!({"decision_id": decision.id, "award_type": g.award_type.code,
                "staff_id": g.staff_id, "subject_unit_id": g.subject_unit_id, "year": g.year}),
            ),
        )?;
        if let Some(n) = &g.nomination {
            nominations::move_to(
                tx,
                actor,
                n,
                NominationStatus::Decided,
                None,
                "decided",
                Some(&decision.org_unit_id),
                Some(&decision.number),
            )?;
        }
    }
    let d = detail(tx, decision)?;
    audit::record_change(
        tx,
        actor,
        ChangeAction::Created,
        Resource {
            kind: ResourceKind::AwardDecision,
            id: d.decision.id.as_str(),
            version: 1,
        },
        None,
        Some(&d),
    )?;
    Ok(d)
}

/// Revokes a decision and its awards (thu hồi), with the reason.
pub fn revoke(
    tx: &mut Tx<'_>,
    actor: &Actor,
    current: DecisionDetail,
    expected_version: i64,
    reason: &str,
) -> Result<DecisionDetail, Error> {
    if current.decision.status == GrantStatus::Revoked {
        return Err(Error::conflict(
            "already_revoked",
            "the decision is already revoked",
        ));
    }
    let at = now();
    let decision: Decision = diesel::update(
        award_decisions::table
            .filter(award_decisions::id.eq(&current.decision.id))
            .filter(award_decisions::version.eq(expected_version)),
    )
    .set((
        award_decisions::status.eq(GrantStatus::Revoked.as_str()),
        award_decisions::revoked_reason.eq(reason),
        award_decisions::revoked_at.eq(at),
        award_decisions::version.eq(expected_version + 1),
        award_decisions::updated_at.eq(at),
    ))
    .returning(award_decisions::all_columns)
    .get_result(tx.conn())
    .map_err(changed_meanwhile)?;
    let revoked: Vec<String> =
        diesel::update(awards::table.filter(awards::decision_id.eq(&decision.id)))
            .set((
                awards::status.eq(GrantStatus::Revoked.as_str()),
                awards::updated_at.eq(at),
            ))
            .returning(awards::id)
            .get_results(tx.conn())?;
    for id in &revoked {
        audit::record_change(
            tx,
            actor,
            ChangeAction::Updated,
            Resource {
                kind: ResourceKind::Award,
                id,
                version: 2,
            },
            None,
            Some(&serde_json::json!({"status": GrantStatus::Revoked.as_str(), "reason": reason})),
        )?;
    }
    let d = detail(tx, decision)?;
    audit::record_change(
        tx,
        actor,
        ChangeAction::Updated,
        Resource {
            kind: ResourceKind::AwardDecision,
            id: d.decision.id.as_str(),
            version: d.decision.version,
        },
        Some(&current),
        Some(&d),
    )?;
    Ok(d)
}

pub struct DecisionFilter {
    pub q: Option<String>,
    pub year: Option<i32>,
    pub under: Option<String>,
}

/// Decisions of units the caller sees (`scope_prefix`; None: all), newest first.
pub fn list(
    conn: &mut AnyConnection,
    scope_prefix: Option<&str>,
    f: &DecisionFilter,
    page: PageRequest,
) -> QueryResult<(Vec<Decision>, i64)> {
    let query = || {
        let mut q = award_decisions::table
            .inner_join(org_units::table)
            .select(Decision::as_select())
            .into_boxed();
        if let Some(p) = scope_prefix {
            q = q.filter(org_units::path.like(prefix_pattern(p)));
        }
        if let Some(p) = &f.under {
            q = q.filter(org_units::path.like(prefix_pattern(p)));
        }
        if let Some(y) = f.year {
            q = q.filter(award_decisions::award_year.eq(y));
        }
        if let Some(text) = &f.q {
            q = q.filter(award_decisions::number.like(contains_pattern(text)));
        }
        q
    };
    let total = query().count().get_result(conn)?;
    let items = query()
        .order((
            award_decisions::decided_on.desc(),
            award_decisions::id.desc(),
        ))
        .limit(page.per_page)
        .offset(page.offset())
        .load(conn)?;
    Ok((items, total))
}

pub struct AwardFilter {
    pub q: Option<String>,
    pub staff_id: Option<StaffId>,
    /// Subjects in this unit's subtree.
    pub under: Option<String>,
    pub award_type_id: Option<String>,
    pub year: Option<i32>,
    pub status: Option<GrantStatus>,
}

/// Awards the caller sees, newest decision first.
pub fn list_awards(
    conn: &mut AnyConnection,
    seen: &Seen,
    f: &AwardFilter,
    page: Option<PageRequest>,
) -> QueryResult<(Vec<AwardView>, i64)> {
    let query = || {
        let mut q = award_query!().into_boxed();
        q = match seen {
            Seen::All => q,
            Seen::UnitsUnder(prefix) => q.filter(org_units::path.like(prefix_pattern(prefix))),
            Seen::Staff(id) => q.filter(awards::staff_id.eq(id.clone())),
            Seen::Nothing => q.filter(awards::id.eq("")),
        };
        if let Some(text) = &f.q {
            q = q.filter(awards::name_search.like(contains_pattern(&fold(text))));
        }
        if let Some(s) = &f.staff_id {
            q = q.filter(awards::staff_id.eq(s.clone()));
        }
        if let Some(p) = &f.under {
            q = q.filter(org_units::path.like(prefix_pattern(p)));
        }
        if let Some(t) = &f.award_type_id {
            q = q.filter(awards::award_type_id.eq(t.clone()));
        }
        if let Some(y) = f.year {
            q = q.filter(awards::year.eq(y));
        }
        match f.status {
            Some(GrantStatus::Active) => {
                q = q
                    .filter(awards::status.eq(GrantStatus::Active.as_str()))
                    .filter(award_decisions::status.eq(GrantStatus::Active.as_str()))
            }
            Some(GrantStatus::Revoked) => {
                q = q.filter(
                    awards::status
                        .eq(GrantStatus::Revoked.as_str())
                        .or(award_decisions::status.eq(GrantStatus::Revoked.as_str())),
                )
            }
            None => {}
        }
        q
    };
    let total = query().count().get_result(conn)?;
    let mut q = query().order((award_decisions::decided_on.desc(), awards::id.asc()));
    if let Some(page) = page {
        q = q.limit(page.per_page).offset(page.offset());
    }
    let items = q
        .load::<AwardRow>(conn)?
        .into_iter()
        .map(award_view)
        .collect();
    Ok((items, total))
}

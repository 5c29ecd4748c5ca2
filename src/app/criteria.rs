//! Criteria (tiêu chí): the measurable targets of a plan, added and changed in place on a
//! draft, by amendment once it is issued.

use crate::db::{AnyConnection, Tx};
use crate::domain::access::Principal;
use crate::domain::criteria::{
    self, Criterion, CriterionFields, CriterionFilter, CriterionSubject, Frequency, Measure,
    criterion_with_visible_plan,
};
use crate::domain::plans::{self, Plan, editable_plan};
use crate::domain::{Actor, Error, PageRequest};
use crate::ids::{CriterionId, PlanId};

/// A new criterion, and why it is added when the plan is already issued.
pub struct NewCriterion {
    pub fields: CriterionFields,
    pub amendment_reason: Option<String>,
}

/// A criterion's changes: each field left out (`None`) stays; `Some(None)` clears it.
#[derive(Default)]
pub struct CriterionChanges {
    pub subject: Option<CriterionSubject>,
    pub code: Option<String>,
    pub position: Option<i32>,
    pub title: Option<String>,
    pub description: Option<Option<String>>,
    pub measure: Option<Measure>,
    pub target: Option<Option<f64>>,
    pub unit: Option<Option<String>>,
    pub max_points: Option<f64>,
    pub evidence_expected: Option<Option<String>>,
    pub content_no: Option<Option<i32>>,
    pub frequency: Option<Option<Frequency>>,
    pub source_criterion_id: Option<Option<CriterionId>>,
    /// Required once the plan is issued: the change is then an amendment.
    pub amendment_reason: Option<String>,
}

/// A page of a plan's criteria, with the plan's issuer path, for anyone: the caller checks
/// `app::plans::ensure_readable` on that path (the page is kept for every reader).
pub fn list_of_any(
    conn: &mut AnyConnection,
    plan_id: &PlanId,
    filter: &CriterionFilter,
    page: PageRequest,
) -> Result<((Vec<Criterion>, i64), String), Error> {
    let (plan, issuer_path) =
        plans::find(conn, plan_id)?.ok_or_else(|| Error::not_found("plan"))?;
    let found = criteria::list(conn, &plan.id, filter, page)?;
    Ok((found, issuer_path))
}

/// Add a criterion to a plan the caller may edit.
pub fn create(
    tx: &mut Tx<'_>,
    who: &Principal,
    actor: &Actor,
    plan_id: &PlanId,
    new: NewCriterion,
) -> Result<Criterion, Error> {
    let plan = editable_plan(tx, who, plan_id)?;
    let NewCriterion {
        mut fields,
        amendment_reason,
    } = new;
    fields.code = fields.code.trim().to_uppercase();
    fields.title = fields.title.trim().to_string();
    criteria::create(tx, actor, &plan, fields, amendment_reason.as_deref())
}

/// A criterion (any version) of a plan the caller sees.
pub fn get(
    conn: &mut AnyConnection,
    who: &Principal,
    id: &CriterionId,
) -> Result<Criterion, Error> {
    let (c, _) = visible(conn, who, id)?;
    Ok(c)
}

/// Change a criterion of a plan the caller may edit: in place on a draft, as an amendment
/// once the plan is issued.
pub fn update(
    tx: &mut Tx<'_>,
    who: &Principal,
    actor: &Actor,
    id: &CriterionId,
    version: i64,
    changes: CriterionChanges,
) -> Result<Criterion, Error> {
    let (current, plan) = visible(tx, who, id)?;
    let plan = editable_plan(tx, who, &plan.id)?;
    let mut f = current.fields();
    if let Some(v) = changes.subject {
        f.subject = v;
    }
    if let Some(v) = changes.code {
        f.code = v.trim().to_uppercase();
    }
    if let Some(v) = changes.position {
        f.position = Some(v);
    }
    if let Some(v) = changes.title {
        f.title = v.trim().to_string();
    }
    if let Some(v) = changes.description {
        f.description = v;
    }
    if let Some(v) = changes.measure {
        f.measure = v;
    }
    if let Some(v) = changes.target {
        f.target = v;
    }
    if let Some(v) = changes.unit {
        f.unit = v;
    }
    if let Some(v) = changes.max_points {
        f.max_points = v;
    }
    if let Some(v) = changes.evidence_expected {
        f.evidence_expected = v;
    }
    if let Some(v) = changes.content_no {
        f.content_no = v;
    }
    if let Some(v) = changes.frequency {
        f.frequency = v;
    }
    if let Some(v) = changes.source_criterion_id {
        f.source_criterion_id = v;
    }
    criteria::update(
        tx,
        actor,
        &plan,
        current,
        version,
        f,
        changes.amendment_reason.as_deref(),
    )
}

/// A criterion with its plan, both visible to the caller (404 otherwise).
fn visible(
    conn: &mut AnyConnection,
    who: &Principal,
    id: &CriterionId,
) -> Result<(Criterion, Plan), Error> {
    let (c, plan, _) =
        criterion_with_visible_plan(conn, who, id)?.ok_or_else(|| Error::not_found("criterion"))?;
    Ok((c, plan))
}

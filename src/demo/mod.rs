//! The demo data set: both seed plans held completely, with the units, staff, accounts,
//! legal bases and movements they name (`thidua seed-demo`, `thidua serve --demo`).
//!
//! The data is `demo.json`, transcribed from the two real plans with their Vietnamese
//! restored. Loading goes through the same domain functions as the API, and looks every
//! record up by its natural key first, so a second run changes nothing.

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Deserialize;

use crate::db::Writes;
use crate::db::schema::{legal_documents, movements, org_units, plans, staff};
use crate::domain::criteria::{CriterionFields, CriterionSubject, Measure};
use crate::domain::legal_documents::{DocType, LegalDocumentFields};
use crate::domain::movements::{MovementFields, MovementKind, MovementLevel, MovementStatus};
use crate::domain::org_units::{NewOrgUnit, OrgUnitKind};
use crate::domain::plans::{
    AwardForm, Phase, PlanContent, ReportDeadline, Responsibility, ResponsibilityRole, Review,
};
use crate::domain::staff::{Gender, StaffCategory, StaffFields};
use crate::domain::users::{NewUser, Role};
use crate::domain::{self, Actor};
use crate::error::ApiError;
use crate::ids::{OrgUnitId, StaffId};
use crate::secrets;

const DEMO_JSON: &str = include_str!("demo.json");

#[derive(Deserialize)]
pub struct DemoData {
    pub org_units: Vec<DemoUnit>,
    pub staff: Vec<DemoStaff>,
    pub accounts: Vec<DemoAccount>,
    pub legal_documents: Vec<DemoLegalDocument>,
    pub movements: Vec<DemoMovement>,
    pub plans: Vec<DemoPlan>,
}

#[derive(Deserialize)]
pub struct DemoUnit {
    pub key: String,
    pub code: String,
    pub name: String,
    pub kind: OrgUnitKind,
    pub parent: Option<String>,
}

#[derive(Deserialize)]
pub struct DemoStaff {
    pub key: String,
    pub full_name: String,
    pub unit: String,
    pub category: StaffCategory,
    pub position: Option<String>,
    pub gender: Option<Gender>,
    pub staff_code: String,
    pub email: Option<String>,
}

#[derive(Deserialize)]
pub struct DemoAccount {
    pub username: String,
    pub roles: Vec<Role>,
    pub unit: String,
    pub staff: Option<String>,
}

#[derive(Deserialize)]
pub struct DemoLegalDocument {
    pub key: String,
    pub number: String,
    pub doc_type: DocType,
    pub issuer: String,
    pub issued_on: NaiveDate,
    pub title: String,
    pub url: Option<String>,
}

#[derive(Deserialize)]
pub struct DemoMovement {
    pub key: String,
    pub name: String,
    pub short_name: Option<String>,
    pub description: Option<String>,
    pub level: MovementLevel,
    pub kind: MovementKind,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
}

#[derive(Deserialize)]
pub struct DemoPlan {
    pub key: String,
    pub number: Option<String>,
    pub issued_on: Option<NaiveDate>,
    pub issuer: String,
    pub title: String,
    pub signer_name: Option<String>,
    pub signer_title: Option<String>,
    pub movements: Vec<String>,
    pub legal_bases: Vec<String>,
    pub purposes: Vec<String>,
    pub requirements: Vec<String>,
    pub contents: Vec<String>,
    pub solutions: Vec<String>,
    pub phases: Vec<DemoPhase>,
    pub award_forms: Vec<AwardForm>,
    pub responsibilities: Vec<DemoResponsibility>,
    pub recipients: Vec<String>,
    pub report_deadline: Option<DemoDeadline>,
    pub criteria: Vec<DemoCriterion>,
}

#[derive(Deserialize)]
pub struct DemoPhase {
    pub name: String,
    pub start_year: i32,
    pub end_year: i32,
    pub review: Option<Review>,
    pub review_year: Option<i32>,
}

#[derive(Deserialize)]
pub struct DemoResponsibility {
    pub unit: String,
    pub role: ResponsibilityRole,
    pub task: String,
}

#[derive(Deserialize)]
pub struct DemoDeadline {
    pub month: u32,
    pub day: u32,
    pub to: Option<String>,
    pub description: Option<String>,
}

#[derive(Deserialize)]
pub struct DemoCriterion {
    pub subject: CriterionSubject,
    pub code: String,
    pub title: String,
    pub description: Option<String>,
    pub measure: Measure,
    pub target: Option<f64>,
    pub unit: Option<String>,
    pub max_points: f64,
    pub evidence_expected: Option<String>,
    pub content_index: Option<i32>,
}

/// The demo data set as shipped.
pub fn data() -> DemoData {
    serde_json::from_str(DEMO_JSON).expect("demo.json matches DemoData (checked by a test)")
}

/// What a load did: each record it made, and the accounts with their passwords.
#[derive(Debug, Default)]
pub struct Loaded {
    pub created: Vec<String>,
    pub accounts: Vec<(String, String)>,
}

fn key<'a, V>(map: &'a HashMap<String, V>, k: &str, what: &str) -> Result<&'a V, ApiError> {
    map.get(k)
        .ok_or_else(|| ApiError::internal(format!("demo.json: unknown {what} key {k}")))
}

/// Loads the demo data set in one transaction. Records that exist (by code, staff code,
/// username, number/issuer/date, name or title) are left as they are.
pub fn load(conn: &mut impl Writes, password: &str) -> Result<Loaded, ApiError> {
    let data = data();
    let actor = Actor::default();
    let hash = secrets::hash_password(password).map_err(ApiError::internal)?;
    conn.write(|tx| {
        let mut out = Loaded::default();

        let mut units: HashMap<String, OrgUnitId> = HashMap::new();
        for u in &data.org_units {
            let existing = org_units::table
                .filter(org_units::code.eq(domain::org_units::normalize_code(&u.code)))
                .select(org_units::id)
                .first::<OrgUnitId>(tx.conn())
                .optional()?;
            let id = match existing {
                Some(id) => id,
                None => {
                    let parent = match &u.parent {
                        Some(p) => domain::org_units::find(tx, key(&units, p, "org unit")?)?,
                        None => None,
                    };
                    let new = NewOrgUnit {
                        code: u.code.clone(),
                        name: u.name.clone(),
                        kind: u.kind,
                        active: true,
                    };
                    out.created.push(format!("org unit {}", u.name));
                    domain::org_units::create(tx, &actor, new, parent.as_ref())?.id
                }
            };
            units.insert(u.key.clone(), id);
        }

        let mut people: HashMap<String, StaffId> = HashMap::new();
        for s in &data.staff {
            let existing = staff::table
                .filter(staff::staff_code.eq(s.staff_code.to_uppercase()))
                .select(staff::id)
                .first::<StaffId>(tx.conn())
                .optional()?;
            let id = match existing {
                Some(id) => id,
                None => {
                    let fields = StaffFields {
                        full_name: s.full_name.clone(),
                        staff_code: Some(s.staff_code.clone()),
                        position: s.position.clone(),
                        category: s.category,
                        email: s.email.clone(),
                        gender: s.gender,
                        personal_id: None,
                        active: true,
                    };
                    out.created.push(format!("staff {}", s.full_name));
                    domain::staff::create(
                        tx,
                        &actor,
                        key(&units, &s.unit, "org unit")?,
                        true,
                        fields,
                    )?
                    .id
                }
            };
            people.insert(s.key.clone(), id);
        }

        for a in &data.accounts {
            if domain::users::find_by_username(tx, &a.username)?.is_some() {
                continue;
            }
            let new = NewUser {
                username: a.username.clone(),
                roles: a.roles.clone(),
                org_unit_id: Some(key(&units, &a.unit, "org unit")?.clone()),
                staff_id: a
                    .staff
                    .as_ref()
                    .map(|s| key(&people, s, "staff"))
                    .transpose()?
                    .cloned(),
                active: true,
            };
            domain::users::create(tx, &actor, new, hash.clone())?;
            let roles: Vec<&str> = a.roles.iter().map(|r| r.as_str()).collect();
            out.accounts.push((a.username.clone(), roles.join(",")));
        }

        let mut docs: HashMap<String, String> = HashMap::new();
        for d in &data.legal_documents {
            let existing = legal_documents::table
                .filter(legal_documents::number.eq(&d.number))
                .filter(legal_documents::issuer.eq(&d.issuer))
                .filter(legal_documents::issued_on.eq(d.issued_on))
                .filter(legal_documents::owner_unit_id.is_null())
                .select(legal_documents::id)
                .first::<String>(tx.conn())
                .optional()?;
            let id = match existing {
                Some(id) => id,
                None => {
                    let fields = LegalDocumentFields {
                        number: d.number.clone(),
                        doc_type: d.doc_type,
                        issuer: d.issuer.clone(),
                        issued_on: d.issued_on,
                        title: d.title.clone(),
                        url: d.url.clone(),
                    };
                    out.created.push(format!("legal document {}", d.number));
                    domain::legal_documents::create(tx, &actor, fields, None)?.id
                }
            };
            docs.insert(d.key.clone(), id);
        }

        let mut campaigns: HashMap<String, String> = HashMap::new();
        for m in &data.movements {
            let existing = movements::table
                .filter(movements::name.eq(&m.name))
                .select(movements::id)
                .first::<String>(tx.conn())
                .optional()?;
            let id = match existing {
                Some(id) => id,
                None => {
                    let fields = MovementFields {
                        name: m.name.clone(),
                        short_name: m.short_name.clone(),
                        description: m.description.clone(),
                        level: m.level,
                        kind: m.kind,
                        launched_by_id: None,
                        start_date: m.start_date,
                        end_date: m.end_date,
                        status: MovementStatus::Active,
                    };
                    out.created.push(format!("movement {}", m.name));
                    domain::movements::create(tx, &actor, fields, None)?.id
                }
            };
            campaigns.insert(m.key.clone(), id);
        }

        for p in &data.plans {
            let issuer_id = key(&units, &p.issuer, "org unit")?.clone();
            let exists: i64 = plans::table
                .filter(plans::issuer_id.eq(&issuer_id))
                .filter(plans::title.eq(&p.title))
                .count()
                .get_result(tx.conn())?;
            if exists > 0 {
                continue;
            }
            let year_start = |y: i32| NaiveDate::from_ymd_opt(y, 1, 1).expect("valid year");
            let year_end = |y: i32| NaiveDate::from_ymd_opt(y, 12, 31).expect("valid year");
            let content = PlanContent {
                number: p.number.clone(),
                issued_on: p.issued_on,
                issuer_id,
                title: p.title.clone(),
                signer_name: p.signer_name.clone(),
                signer_title: p.signer_title.clone(),
                movement_ids: p
                    .movements
                    .iter()
                    .map(|m| key(&campaigns, m, "movement").cloned())
                    .collect::<Result<_, _>>()?,
                legal_basis_ids: p
                    .legal_bases
                    .iter()
                    .map(|d| key(&docs, d, "legal document").cloned())
                    .collect::<Result<_, _>>()?,
                purposes: p.purposes.clone(),
                requirements: p.requirements.clone(),
                contents: p.contents.clone(),
                solutions: p.solutions.clone(),
                recipients: p.recipients.clone(),
                phases: p
                    .phases
                    .iter()
                    .map(|ph| Phase {
                        name: ph.name.clone(),
                        start_date: year_start(ph.start_year),
                        end_date: year_end(ph.end_year),
                        review: ph.review,
                        review_year: ph.review_year,
                    })
                    .collect(),
                award_forms: p.award_forms.clone(),
                responsibilities: p
                    .responsibilities
                    .iter()
                    .map(|r| {
                        Ok(Responsibility {
                            org_unit_id: key(&units, &r.unit, "org unit")?.clone(),
                            role: r.role,
                            task: r.task.clone(),
                        })
                    })
                    .collect::<Result<_, ApiError>>()?,
                report_deadline: p.report_deadline.as_ref().map(|d| ReportDeadline {
                    month: d.month,
                    day: d.day,
                    to: d.to.clone(),
                    note: d.description.clone(),
                }),
            };
            let plan = domain::plans::create(tx, &actor, content, &|_| true)?.plan;
            for (i, c) in p.criteria.iter().enumerate() {
                let fields = CriterionFields {
                    subject: c.subject,
                    code: c.code.clone(),
                    position: Some(i as i32 + 1),
                    title: c.title.clone(),
                    description: c.description.clone(),
                    measure: c.measure,
                    target: c.target,
                    unit: c.unit.clone(),
                    max_points: c.max_points,
                    evidence_expected: c.evidence_expected.clone(),
                    content_no: c.content_index.map(|i| i + 1),
                    frequency: None,
                    source_criterion_id: None,
                };
                domain::criteria::create(tx, &actor, &plan, fields, None)?;
            }
            out.created.push(format!(
                "plan {} with {} criteria ({})",
                p.title,
                p.criteria.len(),
                p.key
            ));
        }
        Ok(out)
    })
}

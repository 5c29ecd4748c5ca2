//! A plan's content: its parts (phases, award forms, responsibilities, the report
//! deadline, the lists of text), how they are checked, and their rows.

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{
    legal_documents, movements, org_units, plan_award_forms, plan_items, plan_legal_bases,
    plan_movements, plan_phases, plan_responsibilities,
};
use crate::db::{AnyConnection, Tx};
use crate::domain::Error;
use crate::domain::access::Scope;
use crate::ids::{OrgUnitId, PlanId};
use crate::text::fold;

use super::{AwardSubject, Occasion, Plan, ResponsibilityRole, Review, visible};

/// A phase (giai đoạn) and the review that ends it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Phase {
    pub name: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub review: Option<Review>,
    pub review_year: Option<i32>,
}

/// A form of award the plan provides, and on which occasion.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwardForm {
    pub occasion: Occasion,
    pub title: String,
    pub subject: AwardSubject,
    pub description: Option<String>,
}

/// Which unit leads or coordinates what (tổ chức thực hiện).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Responsibility {
    pub org_unit_id: OrgUnitId,
    pub role: ResponsibilityRole,
    pub task: String,
}

/// The yearly report deadline, as a rule ("before 15 November every year").
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportDeadline {
    pub month: u32,
    pub day: u32,
    /// Whom the report goes to.
    pub to: Option<String>,
    pub note: Option<String>,
}

/// Everything a plan says, as written on create and (merged) on update.
#[derive(Debug, Clone, Serialize)]
pub struct PlanContent {
    pub number: Option<String>,
    pub issued_on: Option<NaiveDate>,
    pub issuer_id: OrgUnitId,
    pub title: String,
    pub signer_name: Option<String>,
    pub signer_title: Option<String>,
    pub movement_ids: Vec<String>,
    pub legal_basis_ids: Vec<String>,
    pub purposes: Vec<String>,
    pub requirements: Vec<String>,
    pub contents: Vec<String>,
    pub solutions: Vec<String>,
    pub recipients: Vec<String>,
    pub phases: Vec<Phase>,
    pub award_forms: Vec<AwardForm>,
    pub responsibilities: Vec<Responsibility>,
    pub report_deadline: Option<ReportDeadline>,
}

/// A plan with all its parts.
#[derive(Debug, Clone, Serialize)]
pub struct PlanDetail {
    pub plan: Plan,
    pub content: PlanContent,
}

/// The ordered text sections, as stored in `plan_items.section`.
const SECTIONS: [&str; 5] = ["purpose", "requirement", "content", "solution", "recipient"];

fn section_mut<'a>(c: &'a mut PlanContent, section: &str) -> &'a mut Vec<String> {
    match section {
        "purpose" => &mut c.purposes,
        "requirement" => &mut c.requirements,
        "content" => &mut c.contents,
        "solution" => &mut c.solutions,
        _ => &mut c.recipients,
    }
}

fn section_ref<'a>(c: &'a PlanContent, section: &str) -> &'a Vec<String> {
    match section {
        "purpose" => &c.purposes,
        "requirement" => &c.requirements,
        "content" => &c.contents,
        "solution" => &c.solutions,
        _ => &c.recipients,
    }
}

/// Loads every part of a plan.
pub fn detail(conn: &mut AnyConnection, plan: Plan) -> QueryResult<PlanDetail> {
    let id = plan.id.clone();
    let movement_ids = plan_movements::table
        .filter(plan_movements::plan_id.eq(&id))
        .order(plan_movements::position)
        .select(plan_movements::movement_id)
        .load(conn)?;
    let legal_basis_ids = plan_legal_bases::table
        .filter(plan_legal_bases::plan_id.eq(&id))
        .order(plan_legal_bases::position)
        .select(plan_legal_bases::legal_document_id)
        .load(conn)?;
    let phases = plan_phases::table
        .filter(plan_phases::plan_id.eq(&id))
        .order(plan_phases::position)
        .select((
            plan_phases::name,
            plan_phases::start_date,
            plan_phases::end_date,
            plan_phases::review,
            plan_phases::review_year,
        ))
        .load::<(String, NaiveDate, NaiveDate, Option<Review>, Option<i32>)>(conn)?
        .into_iter()
        .map(|(name, start_date, end_date, review, review_year)| Phase {
            name,
            start_date,
            end_date,
            review,
            review_year,
        })
        .collect();
    let award_forms = plan_award_forms::table
        .filter(plan_award_forms::plan_id.eq(&id))
        .order(plan_award_forms::position)
        .select((
            plan_award_forms::occasion,
            plan_award_forms::title,
            plan_award_forms::subject,
            plan_award_forms::description,
        ))
        .load::<(Occasion, String, AwardSubject, Option<String>)>(conn)?
        .into_iter()
        .map(|(occasion, title, subject, description)| AwardForm {
            occasion,
            title,
            subject,
            description,
        })
        .collect();
    let responsibilities = plan_responsibilities::table
        .filter(plan_responsibilities::plan_id.eq(&id))
        .order(plan_responsibilities::position)
        .select((
            plan_responsibilities::org_unit_id,
            plan_responsibilities::role,
            plan_responsibilities::task,
        ))
        .load::<(OrgUnitId, ResponsibilityRole, String)>(conn)?
        .into_iter()
        .map(|(org_unit_id, role, task)| Responsibility {
            org_unit_id,
            role,
            task,
        })
        .collect();
    let report_deadline = match (plan.report_month, plan.report_day) {
        (Some(month), Some(day)) => Some(ReportDeadline {
            month: month as u32,
            day: day as u32,
            to: plan.report_to.clone(),
            note: plan.report_note.clone(),
        }),
        _ => None,
    };
    let mut content = PlanContent {
        number: plan.number.clone(),
        issued_on: plan.issued_on,
        issuer_id: plan.issuer_id.clone(),
        title: plan.title.clone(),
        signer_name: plan.signer_name.clone(),
        signer_title: plan.signer_title.clone(),
        movement_ids,
        legal_basis_ids,
        purposes: Vec::new(),
        requirements: Vec::new(),
        contents: Vec::new(),
        solutions: Vec::new(),
        recipients: Vec::new(),
        phases,
        award_forms,
        responsibilities,
        report_deadline,
    };
    let items: Vec<(String, String)> = plan_items::table
        .filter(plan_items::plan_id.eq(&id))
        .order((plan_items::section, plan_items::position))
        .select((plan_items::section, plan_items::text))
        .load(conn)?;
    for (section, text) in items {
        section_mut(&mut content, &section).push(text);
    }
    Ok(PlanDetail { plan, content })
}

/// Checks the parts against each other and against the database; errors name the field.
/// `unit_visible` tells whether the caller may name a unit (issuer, responsibilities).
pub(super) fn check(
    conn: &mut AnyConnection,
    c: &PlanContent,
    unit_visible: &dyn Fn(&str) -> bool,
) -> Result<(), Error> {
    let unit_path =
        |conn: &mut AnyConnection, id: &OrgUnitId| -> QueryResult<Option<(String, bool)>> {
            org_units::table
                .find(id)
                .select((org_units::path, org_units::active))
                .get_result(conn)
                .optional()
        };
    let issuer_path = match unit_path(conn, &c.issuer_id)? {
        Some((path, active)) if unit_visible(&path) => {
            if !active {
                return Err(Error::invalid(
                    "issuer_id",
                    "archived",
                    "the unit is archived",
                ));
            }
            path
        }
        _ => {
            return Err(Error::invalid("issuer_id", "not_found", "no such org unit"));
        }
    };
    // A plan cites national documents and movements, and those kept by units on its
    // issuer's line (above or below it): never another province's.
    let issuer_line = Scope::Subtree(issuer_path);
    let cites = |conn: &mut AnyConnection, owner: &Option<OrgUnitId>| -> QueryResult<bool> {
        Ok(crate::domain::org_units::path_of(conn, owner.as_ref())?
            .is_none_or(|path| visible(&issuer_line, &path)))
    };
    for (i, r) in c.responsibilities.iter().enumerate() {
        if !unit_path(conn, &r.org_unit_id)?.is_some_and(|(p, _)| unit_visible(&p)) {
            return Err(Error::invalid(
                &format!("responsibilities[{i}].org_unit_id"),
                "not_found",
                "no such org unit",
            ));
        }
    }
    for (i, p) in c.phases.iter().enumerate() {
        if p.end_date < p.start_date {
            return Err(Error::invalid(
                &format!("phases[{i}].end_date"),
                "before_start",
                "the phase ends before it starts",
            ));
        }
        if let Some(year) = p.review_year
            && (year < p.start_date.year() || year > p.end_date.year())
        {
            return Err(Error::invalid(
                &format!("phases[{i}].review_year"),
                "range",
                "the review falls outside the phase",
            ));
        }
    }
    if let Some(d) = &c.report_deadline
        && NaiveDate::from_ymd_opt(2001, d.month, d.day).is_none()
    {
        return Err(Error::invalid(
            "report_deadline.day",
            "range",
            "no such day in that month (29 February is not allowed)",
        ));
    }
    check_distinct("movement_ids", &c.movement_ids)?;
    check_distinct("legal_basis_ids", &c.legal_basis_ids)?;
    for (i, id) in c.legal_basis_ids.iter().enumerate() {
        let owner: Option<Option<OrgUnitId>> = legal_documents::table
            .find(id)
            .select(legal_documents::owner_unit_id)
            .get_result(conn)
            .optional()?;
        let cited = match owner {
            Some(owner) => cites(conn, &owner)?,
            None => false,
        };
        if !cited {
            return Err(Error::invalid(
                &format!("legal_basis_ids[{i}]"),
                "not_found",
                "no such legal document",
            ));
        }
    }
    for (i, id) in c.movement_ids.iter().enumerate() {
        let span: Option<(NaiveDate, NaiveDate, Option<OrgUnitId>)> = movements::table
            .find(id)
            .select((
                movements::start_date,
                movements::end_date,
                movements::owner_unit_id,
            ))
            .get_result(conn)
            .optional()?;
        let span = match span {
            Some((start, end, owner)) if cites(conn, &owner)? => Some((start, end)),
            _ => None,
        };
        let Some((start, end)) = span else {
            return Err(Error::invalid(
                &format!("movement_ids[{i}]"),
                "not_found",
                "no such movement",
            ));
        };
        // A plan implements a movement within the movement's own span.
        if let Some((pi, _)) = c
            .phases
            .iter()
            .enumerate()
            .find(|(_, p)| p.start_date < start || p.end_date > end)
        {
            return Err(Error::invalid(
                &format!("phases[{pi}]"),
                "outside_movement",
                format!("the phase falls outside the movement's span {start} – {end}"),
            ));
        }
    }
    Ok(())
}

pub(super) fn check_distinct(field: &str, ids: &[String]) -> Result<(), Error> {
    for (i, id) in ids.iter().enumerate() {
        if ids[..i].contains(id) {
            return Err(Error::invalid(
                &format!("{field}[{i}]"),
                "duplicate",
                "listed twice",
            ));
        }
    }
    Ok(())
}

pub(super) fn search_text(c: &PlanContent) -> String {
    fold(&format!(
        "{} {}",
        c.number.as_deref().unwrap_or(""),
        c.title
    ))
}

/// Replaces every part of a plan with `c`'s.
pub(super) fn write_parts(tx: &mut Tx<'_>, plan_id: &PlanId, c: &PlanContent) -> QueryResult<()> {
    diesel::delete(plan_movements::table.filter(plan_movements::plan_id.eq(plan_id)))
        .execute(tx.conn())?;
    diesel::delete(plan_legal_bases::table.filter(plan_legal_bases::plan_id.eq(plan_id)))
        .execute(tx.conn())?;
    diesel::delete(plan_items::table.filter(plan_items::plan_id.eq(plan_id))).execute(tx.conn())?;
    diesel::delete(plan_phases::table.filter(plan_phases::plan_id.eq(plan_id)))
        .execute(tx.conn())?;
    diesel::delete(plan_award_forms::table.filter(plan_award_forms::plan_id.eq(plan_id)))
        .execute(tx.conn())?;
    diesel::delete(plan_responsibilities::table.filter(plan_responsibilities::plan_id.eq(plan_id)))
        .execute(tx.conn())?;
    for (i, id) in c.movement_ids.iter().enumerate() {
        diesel::insert_into(plan_movements::table)
            .values((
                plan_movements::plan_id.eq(plan_id),
                plan_movements::movement_id.eq(id),
                plan_movements::position.eq(i as i32),
            ))
            .execute(tx.conn())?;
    }
    for (i, id) in c.legal_basis_ids.iter().enumerate() {
        diesel::insert_into(plan_legal_bases::table)
            .values((
                plan_legal_bases::plan_id.eq(plan_id),
                plan_legal_bases::legal_document_id.eq(id),
                plan_legal_bases::position.eq(i as i32),
            ))
            .execute(tx.conn())?;
    }
    for section in SECTIONS {
        for (i, text) in section_ref(c, section).iter().enumerate() {
            diesel::insert_into(plan_items::table)
                .values((
                    plan_items::plan_id.eq(plan_id),
                    plan_items::section.eq(section),
                    plan_items::position.eq(i as i32),
                    plan_items::text.eq(text),
                ))
                .execute(tx.conn())?;
        }
    }
    for (i, p) in c.phases.iter().enumerate() {
        diesel::insert_into(plan_phases::table)
            .values((
                plan_phases::plan_id.eq(plan_id),
                plan_phases::position.eq(i as i32),
                plan_phases::name.eq(&p.name),
                plan_phases::start_date.eq(p.start_date),
                plan_phases::end_date.eq(p.end_date),
                plan_phases::review.eq(p.review.map(Review::as_str)),
                plan_phases::review_year.eq(p.review_year),
            ))
            .execute(tx.conn())?;
    }
    for (i, a) in c.award_forms.iter().enumerate() {
        diesel::insert_into(plan_award_forms::table)
            .values((
                plan_award_forms::plan_id.eq(plan_id),
                plan_award_forms::position.eq(i as i32),
                plan_award_forms::occasion.eq(a.occasion.as_str()),
                plan_award_forms::title.eq(&a.title),
                plan_award_forms::subject.eq(a.subject.as_str()),
                plan_award_forms::description.eq(&a.description),
            ))
            .execute(tx.conn())?;
    }
    for (i, r) in c.responsibilities.iter().enumerate() {
        diesel::insert_into(plan_responsibilities::table)
            .values((
                plan_responsibilities::plan_id.eq(plan_id),
                plan_responsibilities::position.eq(i as i32),
                plan_responsibilities::org_unit_id.eq(&r.org_unit_id),
                plan_responsibilities::role.eq(r.role.as_str()),
                plan_responsibilities::task.eq(&r.task),
            ))
            .execute(tx.conn())?;
    }
    Ok(())
}

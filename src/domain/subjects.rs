//! The subject of a registration or a piece of evidence: an org unit (tập thể) or a staff
//! member (cá nhân), and the unit through which access to it is decided.

use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::schema::org_units;
use crate::domain::Error;
use crate::domain::access::{Principal, Scope};
use crate::domain::criteria::CriterionSubject;
use crate::domain::policy::{self, StaffVisibility};
use crate::domain::{org_units as units, staff};
use crate::ids::{OrgUnitId, StaffId};

/// A subject found and checked to be active.
#[derive(Debug, Clone)]
pub struct Subject {
    pub kind: CriterionSubject,
    /// The unit itself, or the staff member's unit.
    pub org_unit_id: OrgUnitId,
    pub unit_path: String,
    pub staff_id: Option<StaffId>,
}

/// The subject named, as [`resolve`] finds it for `principal`, who must also be allowed to
/// act for it (register it, record its evidence): one they may only read is refused (403).
pub fn resolve_to_act_for(
    conn: &mut AnyConnection,
    principal: &Principal,
    kind: CriterionSubject,
    org_unit_id: Option<&OrgUnitId>,
    staff_id: Option<&StaffId>,
) -> Result<Subject, Error> {
    let subject = resolve(conn, kind, org_unit_id, staff_id, |path, staff| {
        policy::can_read_subject(principal, path, staff)
    })?;
    policy::ensure(policy::can_act_for_subject(
        principal,
        &subject.unit_path,
        subject.staff_id.as_ref(),
    ))?;
    Ok(subject)
}

/// Finds the subject named by `org_unit_id` (collective) or `staff_id` (individual): exactly
/// the one the kind needs must be given. `visible` says whether the caller may see a subject
/// (by unit path and staff id); one they may not see is answered as absent.
pub fn resolve(
    conn: &mut AnyConnection,
    kind: CriterionSubject,
    org_unit_id: Option<&OrgUnitId>,
    staff_id: Option<&StaffId>,
    visible: impl Fn(&str, Option<&StaffId>) -> bool,
) -> Result<Subject, Error> {
    match (kind, org_unit_id, staff_id) {
        (CriterionSubject::Collective, Some(unit_id), None) => {
            let unit = units::find(conn, unit_id)?
                .filter(|u| visible(&u.path, None))
                .ok_or_else(|| {
                    Error::invalid("org_unit_id", "not_found", "no such org unit in your scope")
                })?;
            if !unit.active {
                return Err(Error::invalid(
                    "org_unit_id",
                    "archived",
                    "the org unit is archived",
                ));
            }
            Ok(Subject {
                kind,
                org_unit_id: unit.id,
                unit_path: unit.path,
                staff_id: None,
            })
        }
        (CriterionSubject::Individual, None, Some(staff_id)) => {
            let (person, path) = staff::find(conn, staff_id)?
                .filter(|(s, path)| visible(path, Some(&s.id)))
                .ok_or_else(|| {
                    Error::invalid(
                        "staff_id",
                        "not_found",
                        "no such staff member in your scope",
                    )
                })?;
            if !person.active {
                return Err(Error::invalid(
                    "staff_id",
                    "archived",
                    "the staff member has left",
                ));
            }
            Ok(Subject {
                kind,
                org_unit_id: person.org_unit_id,
                unit_path: path,
                staff_id: Some(person.id),
            })
        }
        (CriterionSubject::Collective, _, _) => Err(Error::invalid(
            "org_unit_id",
            "wrong_subject",
            "a collective (tập thể) subject is an org unit: give org_unit_id and no staff_id",
        )),
        (CriterionSubject::Individual, _, _) => Err(Error::invalid(
            "staff_id",
            "wrong_subject",
            "an individual (cá nhân) subject is a staff member: give staff_id and no org_unit_id",
        )),
    }
}

/// The path of a unit, for subjects loaded by id.
pub fn unit_path(conn: &mut AnyConnection, unit_id: &OrgUnitId) -> QueryResult<String> {
    org_units::table
        .find(unit_id)
        .select(org_units::path)
        .get_result(conn)
}

/// The path prefix of a "this unit and below" filter. An unknown unit gives a prefix no
/// path has (paths are made of UUIDs), so it matches nothing rather than everything.
pub fn subtree_filter(
    conn: &mut AnyConnection,
    unit_id: Option<&OrgUnitId>,
) -> QueryResult<Option<String>> {
    match unit_id {
        None => Ok(None),
        Some(id) => Ok(Some(
            unit_path(conn, id)
                .optional()?
                .unwrap_or_else(|| "/-/".into()),
        )),
    }
}

/// How a list of subject records is narrowed to what the caller sees, as SQL pieces the
/// list queries apply: a unit-path prefix, or one staff member's own records.
#[derive(Debug, Clone)]
pub enum Seen {
    All,
    UnitsUnder(String),
    Staff(StaffId),
    Nothing,
}

impl From<StaffVisibility> for Seen {
    fn from(v: StaffVisibility) -> Seen {
        match v {
            StaffVisibility::Units(Scope::All) => Seen::All,
            StaffVisibility::Units(Scope::Subtree(prefix)) => Seen::UnitsUnder(prefix),
            StaffVisibility::Units(Scope::Nothing) | StaffVisibility::Own(None) => Seen::Nothing,
            StaffVisibility::Own(Some(id)) => Seen::Staff(id),
        }
    }
}

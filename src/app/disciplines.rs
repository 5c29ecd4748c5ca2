//! Discipline (kỷ luật): the periods in which a staff member is disciplined, which hold
//! back awards. Personal: read and kept by the officers and heads of the person's unit.

use chrono::NaiveDate;

use crate::db::{AnyConnection, Tx};
use crate::domain::access::Principal;
use crate::domain::disciplines::{self, Discipline, DisciplineFields, DisciplineLevel};
use crate::domain::{Actor, Error, policy, staff};
use crate::ids::StaffId;

/// A discipline period to record.
pub struct NewDiscipline {
    pub staff_id: StaffId,
    pub level: DisciplineLevel,
    pub reason: String,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
}

/// A record's changes: each field left out (`None`) stays; `ends_on: Some(None)` lets it
/// run on.
#[derive(Default)]
pub struct DisciplineChanges {
    pub ends_on: Option<Option<NaiveDate>>,
    pub reason: Option<String>,
}

/// Record a discipline period of a staff member the caller sees, by an officer or head of
/// their unit.
pub fn create(
    tx: &mut Tx<'_>,
    who: &Principal,
    actor: &Actor,
    new: NewDiscipline,
) -> Result<Discipline, Error> {
    if new.ends_on.is_some_and(|end| end < new.starts_on) {
        return Err(Error::invalid(
            "ends_on",
            "before_start",
            "the discipline ends before it starts",
        ));
    }
    let (person, path) = staff::find(tx, &new.staff_id)?
        .filter(|(s, path)| policy::can_read_staff(who, &s.id, path))
        .ok_or_else(|| Error::invalid("staff_id", "not_found", "no such staff member"))?;
    policy::ensure(policy::can_edit_unit_records(who, &path))?;
    let fields = DisciplineFields {
        staff_id: person.id,
        level: new.level,
        reason: new.reason.trim().to_string(),
        starts_on: new.starts_on,
        ends_on: new.ends_on,
    };
    Ok(disciplines::create(tx, actor, fields)?)
}

/// The discipline records of the staff in the caller's scope, for those who read them.
pub fn list(
    conn: &mut AnyConnection,
    who: &Principal,
    staff_id: Option<&StaffId>,
) -> Result<Vec<Discipline>, Error> {
    let under = who.scope.path_prefix();
    policy::ensure(policy::can_read_discipline(
        who,
        under.as_deref().unwrap_or("/"),
    ))?;
    Ok(disciplines::list(conn, under.as_deref(), staff_id)?)
}

/// A discipline record the caller reads.
pub fn get(conn: &mut AnyConnection, who: &Principal, id: &str) -> Result<Discipline, Error> {
    let (d, _) = readable(conn, who, id)?;
    Ok(d)
}

/// Set when a discipline ends, or correct its reason.
pub fn update(
    tx: &mut Tx<'_>,
    who: &Principal,
    actor: &Actor,
    id: &str,
    version: i64,
    changes: DisciplineChanges,
) -> Result<Discipline, Error> {
    let (current, path) = readable(tx, who, id)?;
    policy::ensure(policy::can_edit_unit_records(who, &path))?;
    let reason = changes
        .reason
        .as_deref()
        .map(str::trim)
        .unwrap_or(&current.reason)
        .to_string();
    let ends_on = changes.ends_on.unwrap_or(current.ends_on);
    disciplines::update(tx, actor, &current, version, &reason, ends_on)
}

/// A discipline record the caller may read (404 otherwise), with the path of the
/// person's unit.
fn readable(
    conn: &mut AnyConnection,
    who: &Principal,
    id: &str,
) -> Result<(Discipline, String), Error> {
    disciplines::find(conn, id)?
        .filter(|(_, path)| policy::can_read_discipline(who, path))
        .ok_or_else(|| Error::not_found("discipline"))
}

//! The public holidays (national, and a unit's own) and working-day deadlines computed
//! from them (see `domain::calendar` for the counting conventions).

use chrono::NaiveDate;

use crate::db::{AnyConnection, Tx};
use crate::domain::access::Principal;
use crate::domain::calendar::{self, Holiday};
use crate::domain::{Actor, Error, org_units, policy};
use crate::ids::OrgUnitId;

/// A holiday to add: national without a unit, else the unit's own.
pub struct NewHoliday {
    pub day: NaiveDate,
    pub name: String,
    pub org_unit_id: Option<OrgUnitId>,
}

/// The holidays of a year (or all) the caller reads: the national ones, and a unit's.
pub fn list_holidays(
    conn: &mut AnyConnection,
    who: &Principal,
    year: Option<i32>,
    org_unit_id: Option<&OrgUnitId>,
) -> Result<Vec<Holiday>, Error> {
    let unit = calendar_unit(conn, who, org_unit_id)?;
    Ok(calendar::list(conn, year, unit.as_deref())?)
}

/// Add a holiday: national ones by admins, a unit's by its officers.
pub fn add_holiday(
    tx: &mut Tx<'_>,
    who: &Principal,
    actor: &Actor,
    new: NewHoliday,
) -> Result<Holiday, Error> {
    let name = new.name.trim().to_string();
    let unit = calendar_unit(tx, who, new.org_unit_id.as_ref())?;
    policy::ensure(policy::can_edit_holidays(who, unit.as_deref()))?;
    calendar::add(tx, actor, new.day, &name, new.org_unit_id.as_ref())
}

/// Remove a holiday: national ones by admins, a unit's by its officers.
pub fn remove_holiday(
    tx: &mut Tx<'_>,
    who: &Principal,
    actor: &Actor,
    day: NaiveDate,
    org_unit_id: Option<&OrgUnitId>,
) -> Result<(), Error> {
    // A unit outside the caller's scope hides its holidays: 404, as for any holiday
    // the caller cannot see.
    let unit = match org_unit_id {
        Some(id) => Some(
            calendar_unit(tx, who, Some(id))
                .map_err(|_| Error::not_found("holiday"))?
                .unwrap_or_default(),
        ),
        None => None,
    };
    policy::ensure(policy::can_edit_holidays(who, unit.as_deref()))?;
    calendar::remove(tx, actor, day, org_unit_id)
}

/// The `n`th working day from `from`, by the national holidays and the unit's.
pub fn add_working_days(
    conn: &mut AnyConnection,
    who: &Principal,
    org_unit_id: Option<&OrgUnitId>,
    from: NaiveDate,
    n: u32,
) -> Result<NaiveDate, Error> {
    let unit = calendar_unit(conn, who, org_unit_id)?;
    Ok(calendar::add_working_days(conn, unit.as_deref(), from, n)?)
}

/// The working days in `[from, to)`, by the national holidays and the unit's.
pub fn working_days_between(
    conn: &mut AnyConnection,
    who: &Principal,
    org_unit_id: Option<&OrgUnitId>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<i64, Error> {
    let unit = calendar_unit(conn, who, org_unit_id)?;
    Ok(calendar::working_days_between(
        conn,
        unit.as_deref(),
        from,
        to,
    )?)
}

/// The path of the unit a calendar request names. A unit's days off are seen, as its
/// other reference data, below and above it; another unit answers 422 naming
/// `org_unit_id`.
fn calendar_unit(
    conn: &mut AnyConnection,
    who: &Principal,
    org_unit_id: Option<&OrgUnitId>,
) -> Result<Option<String>, Error> {
    let Some(id) = org_unit_id else {
        return Ok(None);
    };
    org_units::find(conn, id)?
        .filter(|u| policy::can_read_owned_reference(who, Some(&u.path)))
        .map(|u| Some(u.path))
        .ok_or_else(|| Error::invalid("org_unit_id", "not_found", "no such org unit"))
}

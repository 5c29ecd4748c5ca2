//! Working days: Monday to Friday, except the public holidays kept in `holidays`.
//!
//! Legal deadlines are counted in working days (ngày làm việc): a disclosure stays open
//! 10 of them, a consulted body answers in 10, an appraisal takes 30. Every such count in
//! the service goes through this module, under two conventions:
//!
//! - **A span** `[from, to)` holds the working days from `from` (counted when it is one)
//!   up to the day before `to` ([`count_working_days`], [`working_days_between`]).
//! - **A period of `n` working days starting on `from`** ends on its `n`-th working day,
//!   counting `from` itself as the first when it is a working day, else the first working
//!   day after it ([`nth_working_day`], [`add_working_days`]). A period of 10 working days
//!   published on Monday 2 March 2026 ends on Friday 13 March; one published on a Saturday
//!   starts counting on the Monday. So for `n ≥ 1` the end is always a working day and
//!   `working_days_between(from, end + 1 day) == n`; a period of 0 days ends on `from`.
//!
//! The arithmetic is pure functions over a set of holidays, tested without a database;
//! the database functions only load the holidays a computation needs.

use std::collections::BTreeSet;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::db::Tx;
use crate::db::schema::{audit_log, holidays, unit_holidays};
use crate::db::{AnyConnection, Writes};
use crate::domain::Error;
use crate::domain::audit::{self, ChangeAction, Resource, ResourceKind};
use crate::domain::{Actor, now, year_range};
use crate::ids::OrgUnitId;

/// The public holidays that fall in a computation's range.
pub type Holidays = BTreeSet<NaiveDate>;

// Arithmetic ------------------------------------------------------------------------------

/// Saturday and Sunday, the weekly rest days of public offices.
pub fn is_weekend(day: NaiveDate) -> bool {
    matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Neither a weekend day nor a holiday.
pub fn is_working(holidays: &Holidays, day: NaiveDate) -> bool {
    !is_weekend(day) && !holidays.contains(&day)
}

/// The working days in `[from, to)`; 0 when `to` is not after `from`.
pub fn count_working_days(holidays: &Holidays, from: NaiveDate, to: NaiveDate) -> i64 {
    if to <= from {
        return 0;
    }
    let days = (to - from).num_days();
    // Every whole week holds five weekdays; only the remainder is walked.
    let weeks = days / 7;
    let mut weekdays = weeks * 5;
    let mut day = from + chrono::Duration::days(weeks * 7);
    while day < to {
        if !is_weekend(day) {
            weekdays += 1;
        }
        day = day.succ_opt().unwrap_or(to);
    }
    let holidays_on_weekdays = holidays
        .range(from..to)
        .filter(|h| !is_weekend(**h))
        .count();
    weekdays - holidays_on_weekdays as i64
}

/// The last day of a period of `n` working days starting on `from` (see the module's
/// conventions): `from` itself for `n = 0`. Saturates at the last date chrono can hold.
pub fn nth_working_day(holidays: &Holidays, from: NaiveDate, n: u32) -> NaiveDate {
    let mut left = n;
    let mut day = from;
    while left > 0 {
        if is_working(holidays, day) {
            left -= 1;
            if left == 0 {
                break;
            }
        }
        match day.succ_opt() {
            Some(next) => day = next,
            None => break,
        }
    }
    day
}

// Database --------------------------------------------------------------------------------

/// The units whose own holidays a unit keeps: itself and every unit above it (a province's
/// day off holds for its departments). A unit path is `/<id>/<id>/…/`.
fn line_of(unit_path: &str) -> Vec<String> {
    unit_path
        .split('/')
        .filter(|id| !id.is_empty())
        .map(str::to_string)
        .collect()
}

/// The holidays in `[from, to)` for a unit (national ones and its line's own), or the
/// national ones alone without a unit.
fn holidays_in(
    conn: &mut AnyConnection,
    unit_path: Option<&str>,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Holidays> {
    let mut days: Holidays = holidays::table
        .filter(holidays::day.ge(from).and(holidays::day.lt(to)))
        .select(holidays::day)
        .load::<NaiveDate>(conn)?
        .into_iter()
        .collect();
    if let Some(path) = unit_path {
        days.extend(
            unit_holidays::table
                .filter(unit_holidays::org_unit_id.eq_any(line_of(path)))
                .filter(unit_holidays::day.ge(from).and(unit_holidays::day.lt(to)))
                .select(unit_holidays::day)
                .load::<NaiveDate>(conn)?,
        );
    }
    Ok(days)
}

/// The number of working days in `[from, to)` for a unit; 0 when `to` is not after `from`.
pub fn working_days_between(
    conn: &mut AnyConnection,
    unit_path: Option<&str>,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<i64> {
    if to <= from {
        return Ok(0);
    }
    let holidays = holidays_in(conn, unit_path, from, to)?;
    Ok(count_working_days(&holidays, from, to))
}

/// The last day of a period of `n` working days starting on `from`, for a unit (see the
/// module's conventions).
pub fn add_working_days(
    conn: &mut AnyConnection,
    unit_path: Option<&str>,
    from: NaiveDate,
    n: u32,
) -> QueryResult<NaiveDate> {
    // The end depends only on the holidays up to it: load a window that normally covers
    // it, and widen it in the rare case holidays push the end past the window.
    let mut window = u64::from(n) * 2 + 31;
    loop {
        let until = from.checked_add_days(Days::new(window));
        let holidays = holidays_in(conn, unit_path, from, until.unwrap_or(NaiveDate::MAX))?;
        let end = nth_working_day(&holidays, from, n);
        match until {
            Some(until) if end >= until => window *= 2,
            _ => return Ok(end),
        }
    }
}

// Holidays --------------------------------------------------------------------------------

/// A day off: national (no unit, the admins' to keep) or a unit's own.
#[derive(Debug, Clone, Serialize)]
pub struct Holiday {
    pub day: NaiveDate,
    pub name: String,
    /// The unit that keeps it; none for a national holiday.
    pub org_unit_id: Option<OrgUnitId>,
    pub created_at: chrono::NaiveDateTime,
}

/// How the audit log and the change feed name a holiday: a national one by its day, a
/// unit's own by unit and day.
fn resource_id(day: NaiveDate, unit_id: Option<&OrgUnitId>) -> (ResourceKind, String) {
    match unit_id {
        None => (ResourceKind::Holiday, day.to_string()),
        Some(unit) => (ResourceKind::UnitHoliday, format!("{unit}/{day}")),
    }
}

/// The holidays of a year (all of them without one), by day: the national ones, and with
/// a unit, those of the unit and the units above it.
pub fn list(
    conn: &mut AnyConnection,
    year: Option<i32>,
    unit_path: Option<&str>,
) -> QueryResult<Vec<Holiday>> {
    let range = year.and_then(year_range);
    let mut q = holidays::table
        .select((holidays::day, holidays::name, holidays::created_at))
        .into_boxed();
    if let Some((first, last)) = range {
        q = q.filter(holidays::day.between(first, last));
    }
    let mut rows: Vec<Holiday> = q
        .load::<(NaiveDate, String, chrono::NaiveDateTime)>(conn)?
        .into_iter()
        .map(|(day, name, created_at)| Holiday {
            day,
            name,
            org_unit_id: None,
            created_at,
        })
        .collect();
    if let Some(path) = unit_path {
        let mut q = unit_holidays::table
            .filter(unit_holidays::org_unit_id.eq_any(line_of(path)))
            .select((
                unit_holidays::day,
                unit_holidays::name,
                unit_holidays::org_unit_id,
                unit_holidays::created_at,
            ))
            .into_boxed();
        if let Some((first, last)) = range {
            q = q.filter(unit_holidays::day.between(first, last));
        }
        rows.extend(
            q.load::<(NaiveDate, String, OrgUnitId, chrono::NaiveDateTime)>(conn)?
                .into_iter()
                .map(|(day, name, unit, created_at)| Holiday {
                    day,
                    name,
                    org_unit_id: Some(unit),
                    created_at,
                }),
        );
    }
    rows.sort_by(|a, b| (a.day, &a.org_unit_id).cmp(&(b.day, &b.org_unit_id)));
    Ok(rows)
}

/// A national holiday (no unit) or a unit's own on `day`.
pub fn find(
    conn: &mut AnyConnection,
    day: NaiveDate,
    unit_id: Option<&OrgUnitId>,
) -> QueryResult<Option<Holiday>> {
    let row = match unit_id {
        None => holidays::table
            .find(day)
            .select((holidays::name, holidays::created_at))
            .get_result::<(String, chrono::NaiveDateTime)>(conn)
            .optional()?,
        Some(unit) => unit_holidays::table
            .find((unit, day))
            .select((unit_holidays::name, unit_holidays::created_at))
            .get_result::<(String, chrono::NaiveDateTime)>(conn)
            .optional()?,
    };
    Ok(row.map(|(name, created_at)| Holiday {
        day,
        name,
        org_unit_id: unit_id.cloned(),
        created_at,
    }))
}

/// Adds a holiday, national or a unit's own; a day holds one of each owner (409).
pub fn add(
    tx: &mut Tx<'_>,
    actor: &Actor,
    day: NaiveDate,
    name: &str,
    unit_id: Option<&OrgUnitId>,
) -> Result<Holiday, Error> {
    if find(tx, day, unit_id)?.is_some() {
        return Err(Error::conflict_field(
            "day",
            "duplicate",
            "this day is already a holiday",
        ));
    }
    let row = Holiday {
        day,
        name: name.to_string(),
        org_unit_id: unit_id.cloned(),
        created_at: now(),
    };
    match unit_id {
        None => diesel::insert_into(holidays::table)
            .values((
                holidays::day.eq(row.day),
                holidays::name.eq(&row.name),
                holidays::created_at.eq(row.created_at),
            ))
            .execute(tx.conn())?,
        Some(unit) => diesel::insert_into(unit_holidays::table)
            .values((
                unit_holidays::org_unit_id.eq(unit),
                unit_holidays::day.eq(row.day),
                unit_holidays::name.eq(&row.name),
                unit_holidays::created_at.eq(row.created_at),
            ))
            .execute(tx.conn())?,
    };
    let (kind, id) = resource_id(day, unit_id);
    let resource = Resource {
        kind,
        id: &id,
        version: 1,
    };
    audit::record_change(tx, actor, ChangeAction::Created, resource, None, Some(&row))?;
    Ok(row)
}

/// Removes a holiday (the day becomes a working day again when it is a weekday). The
/// audit row keeps what was removed, and keeps the seed from bringing it back.
pub fn remove(
    tx: &mut Tx<'_>,
    actor: &Actor,
    day: NaiveDate,
    unit_id: Option<&OrgUnitId>,
) -> Result<(), Error> {
    let row = find(tx, day, unit_id)?.ok_or_else(|| Error::not_found("holiday"))?;
    match unit_id {
        None => diesel::delete(holidays::table.find(day)).execute(tx.conn())?,
        Some(unit) => diesel::delete(unit_holidays::table.find((unit, day))).execute(tx.conn())?,
    };
    let (kind, id) = resource_id(day, unit_id);
    let resource = Resource {
        kind,
        id: &id,
        version: 1,
    };
    audit::record_change(
        tx,
        actor,
        ChangeAction::Archived,
        resource,
        Some(&row),
        None,
    )?;
    Ok(())
}

// Seed ------------------------------------------------------------------------------------

#[derive(Deserialize)]
struct SeedHolidays {
    holidays: Vec<SeedHoliday>,
}

#[derive(Deserialize)]
struct SeedHoliday {
    day: NaiveDate,
    name: String,
}

/// The public holidays of 2025–2027 (Bộ luật Lao động 2019, Điều 111–112), with what is
/// left out and why.
const HOLIDAYS: &str = include_str!("holidays.json");

/// Seeds the public holidays on start. Only days not yet holidays are added, and never
/// one an officer removed (its removal is in the audit log): what officers changed stays.
pub fn seed(conn: &mut impl Writes) -> Result<(), String> {
    let seed: SeedHolidays =
        serde_json::from_str(HOLIDAYS).map_err(|e| format!("holidays.json: {e}"))?;
    let at = now();
    conn.write(|tx| {
        let present: BTreeSet<NaiveDate> = holidays::table
            .select(holidays::day)
            .load::<NaiveDate>(tx.conn())?
            .into_iter()
            .collect();
        let removed: BTreeSet<String> = audit_log::table
            .filter(audit_log::resource_type.eq("holiday"))
            .filter(audit_log::action.eq(ChangeAction::Archived.as_str()))
            .select(audit_log::resource_id)
            .load::<String>(tx.conn())?
            .into_iter()
            .collect();
        for h in &seed.holidays {
            if present.contains(&h.day) || removed.contains(&h.day.to_string()) {
                continue;
            }
            diesel::insert_into(holidays::table)
                .values((
                    holidays::day.eq(h.day),
                    holidays::name.eq(&h.name),
                    holidays::created_at.eq(at),
                ))
                .execute(tx.conn())?;
        }
        Ok::<_, diesel::result::Error>(())
    })
    .map_err(|e| format!("cannot seed the holidays: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn seeded() -> Holidays {
        let seed: SeedHolidays = serde_json::from_str(HOLIDAYS).unwrap();
        seed.holidays.into_iter().map(|h| h.day).collect()
    }

    #[test]
    fn weekends_are_not_working_days() {
        let none = Holidays::new();
        assert!(is_working(&none, d("2026-03-06"))); // Friday
        assert!(!is_working(&none, d("2026-03-07"))); // Saturday
        assert!(!is_working(&none, d("2026-03-08"))); // Sunday
        assert!(is_working(&none, d("2026-03-09"))); // Monday
        assert!(!is_working(&seeded(), d("2026-02-17"))); // mùng 1 Tết Bính Ngọ
    }

    #[test]
    fn a_span_counts_from_its_first_day_up_to_the_day_before_its_end() {
        let none = Holidays::new();
        // Friday 6 to Monday 9 March 2026: Friday only.
        assert_eq!(
            count_working_days(&none, d("2026-03-06"), d("2026-03-09")),
            1
        );
        // Friday to Tuesday: Friday and Monday, across the weekend.
        assert_eq!(
            count_working_days(&none, d("2026-03-06"), d("2026-03-10")),
            2
        );
        // Two whole weeks from any day hold ten.
        for start in 1..=7 {
            let from = d("2026-03-01") + chrono::Duration::days(start);
            let to = from + chrono::Duration::days(14);
            assert_eq!(count_working_days(&none, from, to), 10, "from {from}");
        }
        assert_eq!(
            count_working_days(&none, d("2026-03-09"), d("2026-03-09")),
            0
        );
        assert_eq!(
            count_working_days(&none, d("2026-03-10"), d("2026-03-09")),
            0
        );
    }

    #[test]
    fn holidays_on_weekdays_are_taken_out_and_those_on_weekends_count_once() {
        let holidays = seeded();
        // February 2026: 20 weekdays, of which the five days of Tết (16–20 February).
        assert_eq!(
            count_working_days(&holidays, d("2026-02-01"), d("2026-03-01")),
            15
        );
        // April 2026: 22 weekdays; Giỗ Tổ falls on Sunday 26 April and is made up on
        // Monday 27, and 30 April is a Thursday: 20 working days.
        assert_eq!(
            count_working_days(&holidays, d("2026-04-01"), d("2026-05-01")),
            20
        );
    }

    #[test]
    fn a_period_ends_on_its_nth_working_day_counting_its_first_day() {
        let none = Holidays::new();
        // Published on Monday 2 March 2026 for 10 working days: ends Friday 13 March.
        assert_eq!(nth_working_day(&none, d("2026-03-02"), 10), d("2026-03-13"));
        // One working day from a Monday is that Monday.
        assert_eq!(nth_working_day(&none, d("2026-03-02"), 1), d("2026-03-02"));
        // From a Saturday, counting starts on the Monday.
        assert_eq!(nth_working_day(&none, d("2026-03-07"), 1), d("2026-03-09"));
        assert_eq!(nth_working_day(&none, d("2026-03-07"), 5), d("2026-03-13"));
        // From a Friday, the second working day is the Monday after the weekend.
        assert_eq!(nth_working_day(&none, d("2026-03-06"), 2), d("2026-03-09"));
        // No days: the period ends where it starts.
        assert_eq!(nth_working_day(&none, d("2026-03-07"), 0), d("2026-03-07"));
    }

    #[test]
    fn a_period_steps_over_tet() {
        let holidays = seeded();
        // From Thursday 12 February 2026, 5 working days: 12, 13, then Tết (14–22
        // February) is skipped, then 23, 24, 25 February.
        assert_eq!(
            nth_working_day(&holidays, d("2026-02-12"), 5),
            d("2026-02-25")
        );
        // Published on the first day of Tết, counting starts after it.
        assert_eq!(
            nth_working_day(&holidays, d("2026-02-16"), 1),
            d("2026-02-23")
        );
    }

    #[test]
    fn a_period_and_a_span_agree() {
        let holidays = seeded();
        let mut from = d("2025-12-20");
        while from < d("2026-05-10") {
            for n in [1, 2, 5, 10, 30] {
                let end = nth_working_day(&holidays, from, n);
                assert!(is_working(&holidays, end), "{from} + {n} = {end}");
                assert_eq!(
                    count_working_days(&holidays, from, end.succ_opt().unwrap()),
                    i64::from(n),
                    "{from} + {n} = {end}"
                );
            }
            from = from.succ_opt().unwrap();
        }
    }

    #[test]
    fn the_last_date_saturates() {
        let none = Holidays::new();
        assert_eq!(nth_working_day(&none, NaiveDate::MAX, 3), NaiveDate::MAX);
        assert_eq!(count_working_days(&none, NaiveDate::MAX, NaiveDate::MAX), 0);
    }

    #[test]
    fn the_seeded_holidays_are_distinct_named_days_of_2025_to_2027() {
        let seed: SeedHolidays = serde_json::from_str(HOLIDAYS).unwrap();
        let days: BTreeSet<NaiveDate> = seed.holidays.iter().map(|h| h.day).collect();
        assert_eq!(days.len(), seed.holidays.len(), "a day listed twice");
        assert!(
            seed.holidays
                .iter()
                .all(|h| { (2025..=2027).contains(&h.day.year()) && !h.name.trim().is_empty() })
        );
        // Tết Ất Tỵ (25 January – 2 February 2025): its five weekdays.
        for day in [
            "2025-01-27",
            "2025-01-28",
            "2025-01-29",
            "2025-01-30",
            "2025-01-31",
        ] {
            assert!(days.contains(&d(day)), "{day}");
        }
        assert!(days.contains(&d("2025-04-07")), "Giỗ Tổ 2025");
    }
}

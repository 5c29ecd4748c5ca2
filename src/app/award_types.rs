//! The award catalogue (danh hiệu thi đua, hình thức khen thưởng), the rule sets that
//! govern it (national, and provinces' overrides) and the base salaries cash multiplies.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::db::{AnyConnection, Tx};
use crate::domain::access::Principal;
use crate::domain::award_types::{
    self, AwardKind, AwardLevel, AwardRules, AwardType, BaseSalary, RuleSetFields, RuleSetRow,
    RulesInForce,
};
use crate::domain::org_units::{OrgUnitKind, referenced_unit};
use crate::domain::{Actor, Error, policy, validate};
use crate::ids::OrgUnitId;

/// An award type with the rules in force for the day and unit asked about.
pub struct AwardTypeDetail {
    pub award_type: AwardType,
    pub rules: Option<RulesInForce>,
}

/// A new rule set: national (no unit), or a province's override.
pub struct NewRuleSet {
    pub code: String,
    pub name: String,
    pub legal_source: String,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub org_unit_id: Option<OrgUnitId>,
    pub rules: BTreeMap<String, AwardRules>,
}

/// A rule set's changes: each field left out (`None`) stays; `valid_to: Some(None)` makes
/// it open-ended.
#[derive(Default)]
pub struct RuleSetChanges {
    pub name: Option<String>,
    pub legal_source: Option<String>,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<Option<NaiveDate>>,
    pub rules: Option<BTreeMap<String, AwardRules>>,
}

/// A base salary from the day a decree applies it.
pub struct NewBaseSalary {
    pub valid_from: NaiveDate,
    pub amount: i64,
    pub legal_source: String,
}

/// The award catalogue, highest award first; every account reads it.
pub fn list(
    conn: &mut AnyConnection,
    q: Option<&str>,
    kind: Option<AwardKind>,
    level: Option<AwardLevel>,
) -> Result<Vec<AwardType>, Error> {
    Ok(award_types::list(conn, q, kind, level)?)
}

/// An award type (by id or code) with the rules in force on `on` (default today) for a
/// nominee of `org_unit_id` (a unit the caller sees), else the national ones.
pub fn get(
    conn: &mut AnyConnection,
    who: &Principal,
    key: &str,
    org_unit_id: Option<&OrgUnitId>,
    on: Option<NaiveDate>,
) -> Result<AwardTypeDetail, Error> {
    let t = award_types::find_by_id_or_code(conn, key)?
        .ok_or_else(|| Error::not_found("award type"))?;
    let path = match org_unit_id {
        Some(u) => referenced_unit(conn, who, u, "org_unit_id")?.path,
        None => "/".to_string(),
    };
    let on = match on {
        Some(day) => checked_date("on", day)?,
        None => crate::domain::today(),
    };
    let rules = award_types::rules_for(conn, &t.code, &path, on)?;
    Ok(AwardTypeDetail {
        award_type: t,
        rules,
    })
}

/// Every rule set, latest first; every account reads them.
pub fn list_rule_sets(conn: &mut AnyConnection) -> Result<Vec<RuleSetRow>, Error> {
    Ok(award_types::list_rule_sets(conn)?)
}

/// A rule set; every account reads it.
pub fn get_rule_set(conn: &mut AnyConnection, id: &str) -> Result<RuleSetRow, Error> {
    award_types::find_rule_set(conn, id)?
        .map(|(r, _)| r)
        .ok_or_else(|| Error::not_found("rule set"))
}

/// Add a rule set: a province's override by its officers, a national set by admins.
pub fn create_rule_set(
    tx: &mut Tx<'_>,
    who: &Principal,
    actor: &Actor,
    new: NewRuleSet,
) -> Result<RuleSetRow, Error> {
    check_period(new.valid_from, new.valid_to)?;
    let unit = match &new.org_unit_id {
        Some(id) => Some(referenced_unit(tx, who, id, "org_unit_id")?),
        None => None,
    };
    // Provinces set their own rules; a department or division may not lower the
    // bar its own nominees are judged by.
    if unit
        .as_ref()
        .is_some_and(|u| u.kind != OrgUnitKind::Province)
    {
        return Err(Error::invalid(
            "org_unit_id",
            "not_a_province",
            "an override belongs to a province (UBND tỉnh)",
        ));
    }
    policy::ensure(policy::can_edit_rule_set(
        who,
        unit.as_ref().map(|u| u.path.as_str()),
    ))?;
    award_types::create_rule_set(
        tx,
        actor,
        RuleSetFields {
            code: new.code.trim().to_string(),
            name: new.name.trim().to_string(),
            legal_source: new.legal_source.trim().to_string(),
            valid_from: new.valid_from,
            valid_to: new.valid_to,
            org_unit_id: unit.map(|u| u.id),
            rules: new.rules,
        },
    )
}

/// Change a rule set the caller may change (a new version).
pub fn update_rule_set(
    tx: &mut Tx<'_>,
    who: &Principal,
    actor: &Actor,
    id: &str,
    version: i64,
    changes: RuleSetChanges,
) -> Result<RuleSetRow, Error> {
    let current = editable_rule_set(tx, who, id)?;
    let fields = RuleSetFields {
        code: current.code.clone(),
        name: changes
            .name
            .map(|n| n.trim().to_string())
            .unwrap_or_else(|| current.name.clone()),
        legal_source: changes
            .legal_source
            .map(|n| n.trim().to_string())
            .unwrap_or_else(|| current.legal_source.clone()),
        valid_from: changes.valid_from.unwrap_or(current.valid_from),
        valid_to: changes.valid_to.unwrap_or(current.valid_to),
        org_unit_id: current.org_unit_id.clone(),
        rules: changes.rules.unwrap_or_else(|| current.rules()),
    };
    check_period(fields.valid_from, fields.valid_to)?;
    award_types::update_rule_set(tx, actor, current, version, fields)
}

/// The base salaries, latest first; every account reads them.
pub fn base_salaries(conn: &mut AnyConnection) -> Result<Vec<BaseSalary>, Error> {
    Ok(award_types::base_salaries(conn)?)
}

/// Add a base salary (national data: admins).
pub fn add_base_salary(
    tx: &mut Tx<'_>,
    who: &Principal,
    actor: &Actor,
    new: NewBaseSalary,
) -> Result<BaseSalary, Error> {
    policy::ensure(policy::can_edit_national_data(who))?;
    award_types::add_base_salary(
        tx,
        actor,
        new.valid_from,
        new.amount,
        new.legal_source.trim(),
    )
}

/// A day of the years the service works with (1900 to 2200), named by `field` otherwise.
fn checked_date(field: &str, day: NaiveDate) -> Result<NaiveDate, Error> {
    validate::date(&day).map_err(|e| {
        Error::invalid(
            field,
            &e.code,
            e.message.map(|m| m.to_string()).unwrap_or_default(),
        )
    })?;
    Ok(day)
}

fn check_period(from: NaiveDate, to: Option<NaiveDate>) -> Result<(), Error> {
    if to.is_some_and(|to| to < from) {
        return Err(Error::invalid(
            "valid_to",
            "before_start",
            "the rule set ends before it starts",
        ));
    }
    Ok(())
}

/// A rule set the caller may change: a province's override by its officers, a national
/// set by admins. Everyone reads every set.
fn editable_rule_set(
    conn: &mut AnyConnection,
    who: &Principal,
    id: &str,
) -> Result<RuleSetRow, Error> {
    let (row, path) =
        award_types::find_rule_set(conn, id)?.ok_or_else(|| Error::not_found("rule set"))?;
    policy::ensure(policy::can_edit_rule_set(who, path.as_deref()))?;
    Ok(row)
}

//! The award catalogue (danh hiệu thi đua, hình thức khen thưởng) and the rule sets that
//! say what each award needs. Rules are data with a validity period and a legal source:
//! provinces override them, and an evaluation reads the set in force for its period.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::db::Tx;
use crate::db::schema::{award_types, base_salaries, org_units, rule_sets};
use crate::db::{AnyConnection, Writes};
use crate::domain::Error;
use crate::domain::audit::{self, ChangeAction, Resource, ResourceKind};
use crate::domain::initiatives::InitiativeScope;
use crate::domain::plans::{AwardSubject, Occasion};
use crate::domain::{Actor, changed_meanwhile, new_id, now, text_enum};
use crate::ids::OrgUnitId;
use crate::text::fold;

text_enum! {
    /// Danh hiệu thi đua (a title earned by emulation) or hình thức khen thưởng (a form of
    /// commendation).
    pub enum AwardKind {
        Title => "title",
        Form => "form",
    }
}

text_enum! {
    /// Who grants it: the unit itself (cơ sở), the province, or the State.
    pub enum AwardLevel {
        Grassroots => "grassroots",
        Province => "province",
        State => "state",
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = award_types)]
pub struct AwardTypeRow {
    pub id: String,
    pub code: String,
    pub name: String,
    #[serde(skip)]
    pub name_search: String,
    pub kind: AwardKind,
    pub subject: AwardSubject,
    pub level: AwardLevel,
    pub authority: String,
    pub occasions: String,
    pub cash_multiplier: i32,
    pub collective_doubles: bool,
    pub rank: i32,
    pub active: bool,
    pub version: i64,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

/// An award type with its text columns read.
#[derive(Debug, Clone, Serialize)]
pub struct AwardType {
    pub id: String,
    pub code: String,
    pub name: String,
    pub kind: AwardKind,
    pub subject: AwardSubject,
    pub level: AwardLevel,
    pub authority: String,
    pub occasions: Vec<Occasion>,
    /// Multiple of the base salary in hundredths (4.5 → 450).
    pub cash_multiplier: i32,
    pub collective_doubles: bool,
    pub rank: i32,
    pub active: bool,
    pub version: i64,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

impl TryFrom<AwardTypeRow> for AwardType {
    type Error = diesel::result::Error;
    fn try_from(r: AwardTypeRow) -> Result<Self, Self::Error> {
        let occasions = serde_json::from_str::<Vec<String>>(&r.occasions)
            .map_err(|e| diesel::result::Error::DeserializationError(Box::new(e)))?
            .into_iter()
            .map(Occasion::try_from)
            .collect::<Result<_, _>>()?;
        Ok(AwardType {
            occasions,
            kind: r.kind,
            subject: r.subject,
            level: r.level,
            id: r.id,
            code: r.code,
            name: r.name,
            authority: r.authority,
            cash_multiplier: r.cash_multiplier,
            collective_doubles: r.collective_doubles,
            rank: r.rank,
            active: r.active,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

impl AwardType {
    /// Whether a nominee of this kind (collective or individual) may receive it.
    pub fn accepts(&self, collective: bool) -> bool {
        match self.subject {
            AwardSubject::Both => true,
            AwardSubject::Collective => collective,
            AwardSubject::Individual => !collective,
        }
    }

    /// The cash that goes with it: the multiple of the base salary in force, twice for a
    /// collective where the law says so, rounded up to 10 000 VND (NĐ 152/2025 Đ.49–55).
    pub fn cash_amount(&self, base_salary: i64, collective: bool) -> i64 {
        let factor = if collective && self.collective_doubles {
            2
        } else {
            1
        };
        let exact = base_salary * i64::from(self.cash_multiplier) * factor;
        // exact is in hundredths of a VND.
        let step = 10_000 * 100;
        (exact + step - 1) / step * 10_000
    }
}

// Rules -------------------------------------------------------------------------------

/// A title held in consecutive years, the last of them the nomination's year or the one
/// before ("three consecutive years of Chiến sĩ thi đua cơ sở").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsecutiveRule {
    pub award_type: String,
    pub consecutive_years: u32,
}

/// A share of a collective's active staff holding an award in the nomination's year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MembersShareRule {
    pub award_type: String,
    pub min_percent: f64,
}

/// A number of a collective's staff holding an award in the nomination's year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MembersCountRule {
    pub award_type: String,
    pub min: u32,
}

/// Years since an earlier award, counted from the end of the achievement period written
/// in its decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntervalRule {
    pub award_type: String,
    pub years: u32,
}

/// At most `max_percent` of the number of `of_award_type` (awarded or proposed in the same
/// year under the proposing unit) may be proposed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuotaRule {
    pub max_percent: f64,
    pub of_award_type: String,
}

/// What one award type needs, in one rule set. Absent fields ask nothing.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwardRules {
    /// Titles held in consecutive years.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requires: Vec<ConsecutiveRule>,
    /// A sáng kiến of the nominee recognised with at least this scope of effect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initiative_scope: Option<InitiativeScope>,
    /// The nominee's total points on the nomination's plan for its year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_score: Option<f64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members_share: Vec<MembersShareRule>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members_count: Vec<MembersCountRule>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<IntervalRule>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quota: Option<QuotaRule>,
    /// A secret ballot of the council decides (Đ.33.5).
    #[serde(default)]
    pub ballot_required: bool,
    /// Agree votes needed, as a percentage of all council members (not those present).
    /// Absent: more than half of all members.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vote_threshold_percent: Option<f64>,
    /// Working days the candidates are published before the council meets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disclosure_working_days: Option<u32>,
}

impl AwardRules {
    /// Whether `agree` votes out of a council of `members` pass.
    pub fn passes(&self, agree: u32, members: u32) -> bool {
        if members == 0 {
            return false;
        }
        match self.vote_threshold_percent {
            // Compared in hundredths to stay exact: 90 % of 10 members is 9 votes.
            Some(t) => f64::from(agree) * 100.0 >= t * f64::from(members) - 1e-9,
            None => agree * 2 > members,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = rule_sets)]
pub struct RuleSetRow {
    pub id: String,
    pub code: String,
    pub name: String,
    pub legal_source: String,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub org_unit_id: Option<OrgUnitId>,
    pub rules: String,
    pub version: i64,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

impl RuleSetRow {
    pub fn rules(&self) -> BTreeMap<String, AwardRules> {
        serde_json::from_str(&self.rules).unwrap_or_else(|e| {
            log::error!("rule set {} holds unreadable rules: {e}", self.code);
            BTreeMap::new()
        })
    }

    pub fn in_force(&self, on: NaiveDate) -> bool {
        self.valid_from <= on && self.valid_to.is_none_or(|to| on <= to)
    }
}

/// The rules an evaluation uses, and where they come from.
#[derive(Debug, Clone)]
pub struct RulesInForce {
    pub rule_set_id: String,
    pub rule_set_code: String,
    pub legal_source: String,
    pub rules: AwardRules,
}

/// The rules for `award_code` in force on `on` for a nominee under `unit_path`: the
/// override of the province above the nominee, else the national set. State awards follow
/// the national set only: provinces write the rules of their own and grassroots awards
/// (NĐ 152/2025 Đ.6.2), not the State's. None when no set in force names the award.
pub fn rules_for(
    conn: &mut AnyConnection,
    award_code: &str,
    unit_path: &str,
    on: NaiveDate,
) -> QueryResult<Option<RulesInForce>> {
    let state_award = award_types::table
        .filter(award_types::code.eq(award_code))
        .select(award_types::level)
        .first::<String>(conn)
        .optional()?
        .is_some_and(|level| level == AwardLevel::State.as_str());
    let sets: Vec<(RuleSetRow, Option<String>)> = rule_sets::table
        .left_join(org_units::table)
        .select((RuleSetRow::as_select(), org_units::path.nullable()))
        .filter(rule_sets::valid_from.le(on))
        .load(conn)?;
    let best = sets
        .into_iter()
        .filter(|(s, path)| {
            s.in_force(on)
                && match path {
                    None => true,
                    Some(p) => !state_award && unit_path.starts_with(p.as_str()),
                }
        })
        .filter_map(|(s, path)| {
            let rules = s.rules().remove(award_code)?;
            // Deeper overrides first, then the later set.
            let depth = path.map_or(0, |p| p.len());
            Some(((depth, s.valid_from), s, rules))
        })
        .max_by(|a, b| a.0.cmp(&b.0));
    Ok(best.map(|(_, s, rules)| RulesInForce {
        rule_set_id: s.id,
        rule_set_code: s.code,
        legal_source: s.legal_source,
        rules,
    }))
}

// Storage -----------------------------------------------------------------------------

pub fn find(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<AwardType>> {
    award_types::table
        .filter(award_types::id.eq(id))
        .select(AwardTypeRow::as_select())
        .first(conn)
        .optional()?
        .map(AwardType::try_from)
        .transpose()
}

pub fn find_by_code(conn: &mut AnyConnection, code: &str) -> QueryResult<Option<AwardType>> {
    award_types::table
        .filter(award_types::code.eq(code))
        .select(AwardTypeRow::as_select())
        .first(conn)
        .optional()?
        .map(AwardType::try_from)
        .transpose()
}

/// An award type by id or code, as clients may name either.
pub fn find_by_id_or_code(conn: &mut AnyConnection, key: &str) -> QueryResult<Option<AwardType>> {
    match find(conn, key)? {
        Some(t) => Ok(Some(t)),
        None => find_by_code(conn, key),
    }
}

/// The id a list filters on for an award type named by id or code; an unknown one gives
/// an id nothing has, so the list is empty rather than unfiltered.
pub fn filter_id(conn: &mut AnyConnection, key: &str) -> QueryResult<String> {
    Ok(find_by_id_or_code(conn, key)?
        .map(|t| t.id)
        .unwrap_or_else(|| "-".into()))
}

/// Refuses an award for a recipient of the wrong kind, naming `field`.
pub fn ensure_accepts(award: &AwardType, collective: bool, field: &str) -> Result<(), Error> {
    if award.accepts(collective) {
        return Ok(());
    }
    Err(Error::invalid(
        field,
        "wrong_subject",
        format!(
            "{} is not given to {}",
            award.name,
            if collective {
                "a collective (tập thể)"
            } else {
                "an individual (cá nhân)"
            }
        ),
    ))
}

/// The catalogue, highest award first, filtered by a folded search text.
pub fn list(
    conn: &mut AnyConnection,
    q: Option<&str>,
    kind: Option<AwardKind>,
    level: Option<AwardLevel>,
) -> QueryResult<Vec<AwardType>> {
    let mut query = award_types::table
        .select(AwardTypeRow::as_select())
        .order((award_types::rank.desc(), award_types::code.asc()))
        .into_boxed();
    if let Some(q) = q {
        query = query.filter(award_types::name_search.like(crate::db::contains_pattern(&fold(q))));
    }
    if let Some(kind) = kind {
        query = query.filter(award_types::kind.eq(kind.as_str()));
    }
    if let Some(level) = level {
        query = query.filter(award_types::level.eq(level.as_str()));
    }
    query
        .load(conn)?
        .into_iter()
        .map(AwardType::try_from)
        .collect()
}

/// The base salary (lương cơ sở) in force on a day.
pub fn base_salary_on(conn: &mut AnyConnection, day: NaiveDate) -> QueryResult<Option<i64>> {
    base_salaries::table
        .filter(base_salaries::valid_from.le(day))
        .order(base_salaries::valid_from.desc())
        .select(base_salaries::amount)
        .first(conn)
        .optional()
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = base_salaries)]
pub struct BaseSalary {
    pub valid_from: NaiveDate,
    pub amount: i64,
    pub legal_source: String,
    pub created_at: chrono::NaiveDateTime,
}

pub fn base_salaries(conn: &mut AnyConnection) -> QueryResult<Vec<BaseSalary>> {
    base_salaries::table
        .order(base_salaries::valid_from.desc())
        .select(BaseSalary::as_select())
        .load(conn)
}

pub fn add_base_salary(
    tx: &mut Tx<'_>,
    actor: &Actor,
    valid_from: NaiveDate,
    amount: i64,
    legal_source: &str,
) -> Result<BaseSalary, Error> {
    let exists: i64 = base_salaries::table
        .filter(base_salaries::valid_from.eq(valid_from))
        .count()
        .get_result(tx.conn())?;
    if exists > 0 {
        return Err(Error::conflict_field(
            "valid_from",
            "duplicate",
            "a base salary already starts on this day",
        ));
    }
    let row = BaseSalary {
        valid_from,
        amount,
        legal_source: legal_source.to_string(),
        created_at: now(),
    };
    diesel::insert_into(base_salaries::table)
        .values((
            base_salaries::valid_from.eq(row.valid_from),
            base_salaries::amount.eq(row.amount),
            base_salaries::legal_source.eq(&row.legal_source),
            base_salaries::created_at.eq(row.created_at),
        ))
        .execute(tx.conn())?;
    let id = valid_from.to_string();
    audit::record_change(
        tx,
        actor,
        ChangeAction::Created,
        Resource {
            kind: ResourceKind::BaseSalary,
            id: &id,
            version: 1,
        },
        None,
        Some(&row),
    )?;
    Ok(row)
}

// Rule sets ---------------------------------------------------------------------------

pub fn find_rule_set(
    conn: &mut AnyConnection,
    id: &str,
) -> QueryResult<Option<(RuleSetRow, Option<String>)>> {
    rule_sets::table
        .left_join(org_units::table)
        .filter(rule_sets::id.eq(id))
        .select((RuleSetRow::as_select(), org_units::path.nullable()))
        .first(conn)
        .optional()
}

pub fn list_rule_sets(conn: &mut AnyConnection) -> QueryResult<Vec<RuleSetRow>> {
    rule_sets::table
        .order((rule_sets::valid_from.desc(), rule_sets::code.asc()))
        .select(RuleSetRow::as_select())
        .load(conn)
}

#[derive(Debug, Clone)]
pub struct RuleSetFields {
    pub code: String,
    pub name: String,
    pub legal_source: String,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub org_unit_id: Option<OrgUnitId>,
    pub rules: BTreeMap<String, AwardRules>,
}

/// Checks that every award named in the rules exists.
fn check_rule_codes(
    conn: &mut AnyConnection,
    rules: &BTreeMap<String, AwardRules>,
) -> Result<(), Error> {
    let known: Vec<String> = award_types::table.select(award_types::code).load(conn)?;
    let known = |c: &str| known.iter().any(|k| k == c);
    for (code, r) in rules {
        let named = std::iter::once(code.as_str())
            .chain(r.requires.iter().map(|x| x.award_type.as_str()))
            .chain(r.members_share.iter().map(|x| x.award_type.as_str()))
            .chain(r.members_count.iter().map(|x| x.award_type.as_str()))
            .chain(r.interval.iter().map(|x| x.award_type.as_str()))
            .chain(r.quota.iter().map(|x| x.of_award_type.as_str()));
        for c in named {
            if !known(c) {
                return Err(Error::invalid(
                    &format!("rules.{code}"),
                    "unknown_award_type",
                    format!("no award type has the code {c:?}"),
                ));
            }
        }
        let percents = r
            .members_share
            .iter()
            .map(|x| x.min_percent)
            .chain(r.vote_threshold_percent)
            .chain(r.quota.iter().map(|q| q.max_percent));
        for p in percents {
            if !(0.0..=100.0).contains(&p) {
                return Err(Error::invalid(
                    &format!("rules.{code}"),
                    "range",
                    "percentages lie between 0 and 100",
                ));
            }
        }
    }
    Ok(())
}

pub fn create_rule_set(
    tx: &mut Tx<'_>,
    actor: &Actor,
    f: RuleSetFields,
) -> Result<RuleSetRow, Error> {
    check_rule_codes(tx, &f.rules)?;
    let taken: i64 = rule_sets::table
        .filter(rule_sets::code.eq(&f.code))
        .count()
        .get_result(tx.conn())?;
    if taken > 0 {
        return Err(Error::conflict_field(
            "code",
            "duplicate",
            "a rule set already has this code",
        ));
    }
    let at = now();
    let row = RuleSetRow {
        id: new_id(),
        code: f.code,
        name: f.name,
        legal_source: f.legal_source,
        valid_from: f.valid_from,
        valid_to: f.valid_to,
        org_unit_id: f.org_unit_id,
        rules: serde_json::to_string(&f.rules).map_err(Error::internal)?,
        version: 1,
        created_at: at,
        updated_at: at,
    };
    diesel::insert_into(rule_sets::table)
        .values((
            rule_sets::id.eq(&row.id),
            rule_sets::code.eq(&row.code),
            rule_sets::name.eq(&row.name),
            rule_sets::legal_source.eq(&row.legal_source),
            rule_sets::valid_from.eq(row.valid_from),
            rule_sets::valid_to.eq(row.valid_to),
            rule_sets::org_unit_id.eq(&row.org_unit_id),
            rule_sets::rules.eq(&row.rules),
            rule_sets::version.eq(1),
            rule_sets::created_at.eq(at),
            rule_sets::updated_at.eq(at),
        ))
        .execute(tx.conn())?;
    audit::record_change(
        tx,
        actor,
        ChangeAction::Created,
        Resource {
            kind: ResourceKind::RuleSet,
            id: row.id.as_str(),
            version: 1,
        },
        None,
        Some(&row),
    )?;
    Ok(row)
}

/// Replaces a rule set's period, name, source or rules (a new version of the same set).
pub fn update_rule_set(
    tx: &mut Tx<'_>,
    actor: &Actor,
    current: RuleSetRow,
    expected_version: i64,
    f: RuleSetFields,
) -> Result<RuleSetRow, Error> {
    check_rule_codes(tx, &f.rules)?;
    let at = now();
    let rules = serde_json::to_string(&f.rules).map_err(Error::internal)?;
    let row: RuleSetRow = diesel::update(
        rule_sets::table
            .filter(rule_sets::id.eq(&current.id))
            .filter(rule_sets::version.eq(expected_version)),
    )
    .set((
        rule_sets::name.eq(&f.name),
        rule_sets::legal_source.eq(&f.legal_source),
        rule_sets::valid_from.eq(f.valid_from),
        rule_sets::valid_to.eq(f.valid_to),
        rule_sets::rules.eq(&rules),
        rule_sets::version.eq(expected_version + 1),
        rule_sets::updated_at.eq(at),
    ))
    .returning(rule_sets::all_columns)
    .get_result(tx.conn())
    .map_err(changed_meanwhile)?;
    audit::record_change(
        tx,
        actor,
        ChangeAction::Updated,
        Resource {
            kind: ResourceKind::RuleSet,
            id: row.id.as_str(),
            version: row.version,
        },
        Some(&current),
        Some(&row),
    )?;
    Ok(row)
}

// The seed ----------------------------------------------------------------------------

#[derive(Deserialize)]
struct Catalog {
    award_types: Vec<SeedAwardType>,
    rule_sets: Vec<SeedRuleSet>,
    base_salaries: Vec<SeedBaseSalary>,
}

#[derive(Deserialize)]
struct SeedAwardType {
    code: String,
    name: String,
    kind: AwardKind,
    subject: AwardSubject,
    level: AwardLevel,
    authority: String,
    occasions: Vec<Occasion>,
    cash_multiplier: f64,
    collective_doubles: bool,
    rank: i32,
}

#[derive(Deserialize)]
struct SeedRuleSet {
    code: String,
    name: String,
    legal_source: String,
    valid_from: NaiveDate,
    valid_to: Option<NaiveDate>,
    rules: BTreeMap<String, AwardRules>,
}

#[derive(Deserialize)]
struct SeedBaseSalary {
    valid_from: NaiveDate,
    amount: i64,
    legal_source: String,
}

const CATALOG: &str = include_str!("catalog.json");

/// Seeds the catalogue, the national rule sets and the base salaries on first start.
/// Rows already there (by code or date) are left as they are: officers may have changed them.
pub fn seed(conn: &mut impl Writes) -> Result<(), String> {
    let catalog: Catalog =
        serde_json::from_str(CATALOG).map_err(|e| format!("catalog.json: {e}"))?;
    let at = now();
    conn.write(|tx| {
        for t in &catalog.award_types {
            if find_by_code(tx, &t.code)?.is_some() {
                continue;
            }
            let occasions: Vec<&str> = t.occasions.iter().map(|o| o.as_str()).collect();
            diesel::insert_into(award_types::table)
                .values((
                    award_types::id.eq(new_id()),
                    award_types::code.eq(&t.code),
                    award_types::name.eq(&t.name),
                    award_types::name_search.eq(fold(&t.name)),
                    award_types::kind.eq(t.kind.as_str()),
                    award_types::subject.eq(t.subject.as_str()),
                    award_types::level.eq(t.level.as_str()),
                    award_types::authority.eq(&t.authority),
                    award_types::occasions
                        .eq(serde_json::to_string(&occasions).unwrap_or_default()),
                    award_types::cash_multiplier.eq((t.cash_multiplier * 100.0).round() as i32),
                    award_types::collective_doubles.eq(t.collective_doubles),
                    award_types::rank.eq(t.rank),
                    award_types::active.eq(true),
                    award_types::version.eq(1),
                    award_types::created_at.eq(at),
                    award_types::updated_at.eq(at),
                ))
                .execute(tx.conn())?;
        }
        for s in &catalog.rule_sets {
            let exists: i64 = rule_sets::table
                .filter(rule_sets::code.eq(&s.code))
                .count()
                .get_result(tx.conn())?;
            if exists > 0 {
                continue;
            }
            diesel::insert_into(rule_sets::table)
                .values((
                    rule_sets::id.eq(new_id()),
                    rule_sets::code.eq(&s.code),
                    rule_sets::name.eq(&s.name),
                    rule_sets::legal_source.eq(&s.legal_source),
                    rule_sets::valid_from.eq(s.valid_from),
                    rule_sets::valid_to.eq(s.valid_to),
                    rule_sets::org_unit_id.eq(None::<String>),
                    rule_sets::rules.eq(serde_json::to_string(&s.rules).unwrap_or_default()),
                    rule_sets::version.eq(1),
                    rule_sets::created_at.eq(at),
                    rule_sets::updated_at.eq(at),
                ))
                .execute(tx.conn())?;
        }
        for b in &catalog.base_salaries {
            let exists: i64 = base_salaries::table
                .filter(base_salaries::valid_from.eq(b.valid_from))
                .count()
                .get_result(tx.conn())?;
            if exists == 0 {
                diesel::insert_into(base_salaries::table)
                    .values((
                        base_salaries::valid_from.eq(b.valid_from),
                        base_salaries::amount.eq(b.amount),
                        base_salaries::legal_source.eq(&b.legal_source),
                        base_salaries::created_at.eq(at),
                    ))
                    .execute(tx.conn())?;
            }
        }
        Ok::<_, diesel::result::Error>(())
    })
    .map_err(|e| format!("cannot seed the award catalogue: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(threshold: Option<f64>) -> AwardRules {
        AwardRules {
            vote_threshold_percent: threshold,
            ..Default::default()
        }
    }

    #[test]
    fn thresholds_count_all_members_and_pass_exactly_at_the_mark() {
        assert!(rules(Some(90.0)).passes(9, 10));
        assert!(!rules(Some(90.0)).passes(8, 10));
        assert!(rules(Some(80.0)).passes(12, 15));
        assert!(!rules(Some(80.0)).passes(11, 15));
        assert!(rules(None).passes(6, 11));
        assert!(!rules(None).passes(5, 10));
        assert!(!rules(None).passes(0, 0));
    }

    #[test]
    fn cash_rounds_up_to_ten_thousand_and_doubles_for_collectives() {
        let mut t = AwardType {
            id: String::new(),
            code: "x".into(),
            name: "x".into(),
            kind: AwardKind::Form,
            subject: AwardSubject::Both,
            level: AwardLevel::Province,
            authority: String::new(),
            occasions: vec![],
            cash_multiplier: 30,
            collective_doubles: true,
            rank: 0,
            active: true,
            version: 1,
            created_at: now(),
            updated_at: now(),
        };
        // 0.3 × 2 340 000 = 702 000 → 710 000; 1.0 × 1 800 000 stays.
        assert_eq!(t.cash_amount(2_340_000, false), 710_000);
        assert_eq!(t.cash_amount(2_340_000, true), 1_410_000);
        t.cash_multiplier = 100;
        assert_eq!(t.cash_amount(1_800_000, false), 1_800_000);
        t.cash_multiplier = 30;
        // 0.3 × 2 345 678 = 703 703.4 → 710 000.
        assert_eq!(t.cash_amount(2_345_678, false), 710_000);
        t.collective_doubles = false;
        assert_eq!(t.cash_amount(2_340_000, true), 710_000);
    }

    #[test]
    fn the_seeded_catalogue_reads() {
        let c: Catalog = serde_json::from_str(CATALOG).unwrap();
        assert!(c.award_types.len() >= 14);
        for s in &c.rule_sets {
            for code in s.rules.keys() {
                assert!(c.award_types.iter().any(|t| &t.code == code), "{code}");
            }
        }
    }
}

//! `/api/v1/award-types` (danh hiệu thi đua, hình thức khen thưởng), `/api/v1/rule-sets`
//! (their rules, versioned and dated, with provincial overrides) and
//! `/api/v1/base-salaries` (lương cơ sở, which cash amounts multiply).

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::AppState;
use crate::api::extract::{IfMatch, Json, Query, actor, double_option, present, tagged};
use crate::api::validate;
use crate::app;
use crate::auth::Principal;
use crate::domain::award_types::{self, AwardKind, AwardLevel, AwardType, BaseSalary, RuleSetRow};
use crate::domain::initiatives::InitiativeScope;
use crate::domain::plans::{AwardSubject, Occasion};
use crate::error::ApiError;
use crate::ids::OrgUnitId;

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019ab0a4-f100-7000-8000-000000000001", "code": "chien_si_thi_dua_cap_tinh",
    "name": "Chiến sĩ thi đua cấp tỉnh", "kind": "title", "subject": "individual", "level": "province",
    "authority": "Chủ tịch Ủy ban nhân dân tỉnh", "occasions": ["annual"], "cash_multiplier": 3.0,
    "collective_doubles": false, "rank": 40, "active": true, "version": 1,
    "rules": {"rule_set_id": "019ab0a4-f600-7000-8000-000000000001", "rule_set_code": "nd-152-2025",
              "legal_source": "Luật Thi đua, khen thưởng số 06/2022/QH15; Nghị định số 152/2025/NĐ-CP",
              "rules": {"requires": [{"award_type": "chien_si_thi_dua_co_so", "consecutive_years": 3}],
                        "initiative_scope": "province", "ballot_required": false}}
}))]
pub struct AwardTypeResponse {
    pub id: String,
    /// Stable code; the same as registrations' pledged titles.
    pub code: String,
    pub name: String,
    /// Danh hiệu (title) or hình thức (form).
    pub kind: AwardKind,
    /// Cá nhân, tập thể, or both.
    pub subject: AwardSubject,
    pub level: AwardLevel,
    /// Who grants it.
    pub authority: String,
    pub occasions: Vec<Occasion>,
    /// Multiple of the base salary paid with it.
    pub cash_multiplier: f64,
    /// Collectives receive twice the amount.
    pub collective_doubles: bool,
    /// Higher is a higher award.
    pub rank: i32,
    pub active: bool,
    pub version: i64,
    /// The national rules in force today (on a single award type).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rules: Option<RulesInForce>,
}

impl AwardTypeResponse {
    fn new(t: AwardType, rules: Option<award_types::RulesInForce>) -> Self {
        AwardTypeResponse {
            id: t.id,
            code: t.code,
            name: t.name,
            kind: t.kind,
            subject: t.subject,
            level: t.level,
            authority: t.authority,
            occasions: t.occasions,
            cash_multiplier: f64::from(t.cash_multiplier) / 100.0,
            collective_doubles: t.collective_doubles,
            rank: t.rank,
            active: t.active,
            version: t.version,
            rules: rules.map(RulesInForce::from),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AwardTypeList {
    pub items: Vec<AwardTypeResponse>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AwardTypeQuery {
    /// Search text; diacritics ignored.
    pub q: Option<String>,
    pub kind: Option<AwardKind>,
    pub level: Option<AwardLevel>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RulesQuery {
    /// The day the rules must be in force (default today).
    pub on: Option<NaiveDate>,
    /// A nominee's unit: a province's override applies below it.
    pub org_unit_id: Option<String>,
}

/// The award catalogue, highest award first.
#[utoipa::path(
    operation_id = "listAwardTypes",
    tag = "award-types",
    params(AwardTypeQuery),
    responses((status = 200, description = "The award catalogue", body = AwardTypeList))
)]
#[get("")]
pub async fn list(
    state: web::Data<AppState>,
    _principal: Principal,
    Query(query): Query<AwardTypeQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.q.filter(|q| !q.trim().is_empty());
    let items = super::read(&state.pool, move |conn| {
        app::award_types::list(conn, q.as_deref(), query.kind, query.level)
    })
    .await?;
    Ok(HttpResponse::Ok().json(AwardTypeList {
        items: items
            .into_iter()
            .map(|t| AwardTypeResponse::new(t, None))
            .collect(),
    }))
}

/// An award type (by id or code) with the rules in force on a day, for a nominee's unit
/// (a province's override first, then the national set).
#[utoipa::path(
    operation_id = "getAwardType",
    tag = "award-types",
    params(("id" = String, Path, description = "Award type id or code"), RulesQuery),
    responses((status = 200, description = "The award type", body = AwardTypeResponse, headers(("ETag" = String))), (status = 404, description = "No such award type"), (status = 422, description = "An unknown org unit"))
)]
#[get("/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    Query(query): Query<RulesQuery>,
) -> Result<HttpResponse, ApiError> {
    let unit = query.org_unit_id.map(OrgUnitId::from);
    let d = super::read(&state.pool, move |conn| {
        app::award_types::get(conn, &principal, &id, unit.as_ref(), query.on)
    })
    .await?;
    Ok(tagged(
        StatusCode::OK,
        d.award_type.version,
        &AwardTypeResponse::new(d.award_type, d.rules),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RuleSetResponse {
    pub id: String,
    pub code: String,
    pub name: String,
    /// The law, decree or provincial decision the rules come from.
    pub legal_source: String,
    pub valid_from: NaiveDate,
    /// Absent: open-ended.
    pub valid_to: Option<NaiveDate>,
    /// Absent: national; otherwise the province (or unit) whose override it is.
    pub org_unit_id: Option<String>,
    /// Rules per award type code.
    pub rules: BTreeMap<String, AwardRules>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<RuleSetRow> for RuleSetResponse {
    fn from(r: RuleSetRow) -> Self {
        RuleSetResponse {
            rules: wire_rules(r.rules()),
            id: r.id,
            code: r.code,
            name: r.name,
            legal_source: r.legal_source,
            valid_from: r.valid_from,
            valid_to: r.valid_to,
            org_unit_id: r.org_unit_id.map(Into::into),
            version: r.version,
            created_at: r.created_at.and_utc(),
            updated_at: r.updated_at.and_utc(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RuleSetList {
    pub items: Vec<RuleSetResponse>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "code": "na-2026", "name": "Quy định thi đua, khen thưởng tỉnh Nghệ An",
    "legal_source": "Quyết định số 25/2025/QĐ-UBND của UBND tỉnh Nghệ An", "valid_from": "2026-01-01",
    "org_unit_id": "019ab0a4-a000-7000-8000-000000000001",
    "rules": {"chien_si_thi_dua_co_so": {"initiative_scope": "unit", "quota": {"max_percent": 20.0, "of_award_type": "lao_dong_tien_tien"}},
              "chien_si_thi_dua_cap_tinh": {"requires": [{"award_type": "chien_si_thi_dua_co_so", "consecutive_years": 3}],
                                             "initiative_scope": "province", "ballot_required": true, "vote_threshold_percent": 90.0}}
}))]
pub struct CreateRuleSet {
    #[validate(length(min = 1, max = 50), custom(function = "validate::code"))]
    #[schema(min_length = 1, max_length = 50)]
    pub code: String,
    #[validate(length(min = 1, max = 300), custom(function = "validate::text"))]
    #[schema(min_length = 1, max_length = 300)]
    pub name: String,
    #[validate(length(min = 1, max = 1000), custom(function = "validate::text"))]
    #[schema(min_length = 1, max_length = 1000)]
    pub legal_source: String,
    #[validate(custom(function = "validate::date"))]
    pub valid_from: NaiveDate,
    #[validate(custom(function = "validate::date"))]
    pub valid_to: Option<NaiveDate>,
    /// A province's override (of its own and grassroots awards; State awards follow the
    /// national rules); absent: national (admins only).
    #[validate(custom(function = "validate::id"))]
    pub org_unit_id: Option<String>,
    /// Rules per award type code; an award type not named falls back to the national set.
    pub rules: BTreeMap<String, AwardRules>,
}

#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"valid_to": "2027-02-28"}))]
pub struct UpdateRuleSet {
    #[serde(default, deserialize_with = "present")]
    #[validate(length(min = 1, max = 300), custom(function = "validate::text"))]
    #[schema(nullable = false, min_length = 1, max_length = 300)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[validate(length(min = 1, max = 1000), custom(function = "validate::text"))]
    #[schema(nullable = false, min_length = 1, max_length = 1000)]
    pub legal_source: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    #[validate(custom(function = "validate::date"))]
    pub valid_from: Option<NaiveDate>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<NaiveDate>)]
    #[validate(custom(function = "validate::date"))]
    pub valid_to: Option<Option<NaiveDate>>,
    /// Replaces the rules.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub rules: Option<BTreeMap<String, AwardRules>>,
}

/// Every rule set, latest first.
#[utoipa::path(
    operation_id = "listRuleSets",
    tag = "award-types",
    responses((status = 200, description = "The rule sets, current and past", body = RuleSetList))
)]
#[get("")]
pub async fn list_rule_sets(
    state: web::Data<AppState>,
    _principal: Principal,
) -> Result<HttpResponse, ApiError> {
    let items = super::read(&state.pool, |conn| app::award_types::list_rule_sets(conn)).await?;
    Ok(HttpResponse::Ok().json(RuleSetList {
        items: items.into_iter().map(Into::into).collect(),
    }))
}

/// A rule set.
#[utoipa::path(
    operation_id = "getRuleSet",
    tag = "award-types",
    params(("id" = String, Path, description = "Rule set id")),
    responses((status = 200, description = "The rule set", body = RuleSetResponse, headers(("ETag" = String))), (status = 404, description = "No such rule set"))
)]
#[get("/{id}")]
pub async fn get_rule_set(
    state: web::Data<AppState>,
    _principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let row = super::read(&state.pool, move |conn| {
        app::award_types::get_rule_set(conn, &id)
    })
    .await?;
    Ok(tagged(
        StatusCode::OK,
        row.version,
        &RuleSetResponse::from(row),
    ))
}

/// Add a rule set: a province's override of the national rules (its officers), or a new
/// national set (admins), valid for a period and citing its legal source.
#[utoipa::path(
    operation_id = "createRuleSet",
    tag = "award-types",
    request_body = CreateRuleSet,
    responses(
        (status = 201, description = "The rule set created", body = RuleSetResponse, headers(("ETag" = String))),
        (status = 403, description = "Only admins write national sets; officers their unit's overrides"),
        (status = 409, description = "The code is taken"),
        (status = 422, description = "Invalid fields: a unit that is not a province, an unknown award type in the rules, a percentage outside 0–100, an end before the start"),
    )
)]
#[post("")]
pub async fn create_rule_set(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    Json(body): Json<CreateRuleSet>,
) -> Result<HttpResponse, ApiError> {
    let actor = actor(&req, Some(&principal.user_id));
    let new = app::award_types::NewRuleSet {
        code: body.code,
        name: body.name,
        legal_source: body.legal_source,
        valid_from: body.valid_from,
        valid_to: body.valid_to,
        org_unit_id: body.org_unit_id.map(OrgUnitId::from),
        rules: domain_rules(body.rules),
    };
    let row = super::change(&state.pool, move |tx| {
        app::award_types::create_rule_set(tx, &principal, &actor, new)
    })
    .await?;
    Ok(tagged(
        StatusCode::CREATED,
        row.version,
        &RuleSetResponse::from(row),
    ))
}

/// Change a rule set's period, name, source or rules (a new version; evaluations read the
/// set in force for their period).
#[utoipa::path(
    operation_id = "updateRuleSet",
    tag = "award-types",
    params(("id" = String, Path, description = "Rule set id"), ("If-Match" = String, Header, description = "The ETag you read")),
    request_body = UpdateRuleSet,
    responses(
        (status = 200, description = "The rule set as changed", body = RuleSetResponse, headers(("ETag" = String))),
        (status = 403, description = "Only admins change national sets; officers their unit's overrides"),
        (status = 404, description = "No such rule set"),
        (status = 412, description = "The rule set changed since you read it"),
        (status = 422, description = "Invalid fields"),
        (status = 428, description = "If-Match is missing"),
    )
)]
#[patch("/{id}")]
pub async fn update_rule_set(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    Json(body): Json<UpdateRuleSet>,
) -> Result<HttpResponse, ApiError> {
    let actor = actor(&req, Some(&principal.user_id));
    let changes = app::award_types::RuleSetChanges {
        name: body.name,
        legal_source: body.legal_source,
        valid_from: body.valid_from,
        valid_to: body.valid_to,
        rules: body.rules.map(domain_rules),
    };
    let row = super::change(&state.pool, move |tx| {
        app::award_types::update_rule_set(tx, &principal, &actor, &id, version, changes)
    })
    .await?;
    Ok(tagged(
        StatusCode::OK,
        row.version,
        &RuleSetResponse::from(row),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"valid_from": "2024-07-01", "amount": 2340000, "legal_source": "Nghị định số 73/2024/NĐ-CP"}))]
pub struct BaseSalaryResponse {
    pub valid_from: NaiveDate,
    /// VND per month.
    pub amount: i64,
    pub legal_source: String,
}

impl From<BaseSalary> for BaseSalaryResponse {
    fn from(b: BaseSalary) -> Self {
        BaseSalaryResponse {
            valid_from: b.valid_from,
            amount: b.amount,
            legal_source: b.legal_source,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BaseSalaryList {
    pub items: Vec<BaseSalaryResponse>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"valid_from": "2026-07-01", "amount": 2530000, "legal_source": "Nghị định số …/2026/NĐ-CP"}))]
pub struct CreateBaseSalary {
    #[validate(custom(function = "validate::date"))]
    pub valid_from: NaiveDate,
    #[validate(range(min = 1, max = 1_000_000_000))]
    #[schema(minimum = 1, maximum = 1000000000)]
    pub amount: i64,
    #[validate(length(min = 1, max = 1000), custom(function = "validate::text"))]
    #[schema(min_length = 1, max_length = 1000)]
    pub legal_source: String,
}

/// The base salaries (lương cơ sở) by the day they apply, latest first. Cash amounts use
/// the one in force on the decision date.
#[utoipa::path(
    operation_id = "listBaseSalaries",
    tag = "award-types",
    responses((status = 200, description = "The base salaries and the dates they apply from", body = BaseSalaryList))
)]
#[get("")]
pub async fn list_base_salaries(
    state: web::Data<AppState>,
    _principal: Principal,
) -> Result<HttpResponse, ApiError> {
    let items = super::read(&state.pool, |conn| app::award_types::base_salaries(conn)).await?;
    Ok(HttpResponse::Ok().json(BaseSalaryList {
        items: items.into_iter().map(Into::into).collect(),
    }))
}

/// Add a base salary from the day a new decree applies it (admins: it sets the cash of
/// every award in every province).
#[utoipa::path(
    operation_id = "createBaseSalary",
    tag = "award-types",
    request_body = CreateBaseSalary,
    responses(
        (status = 201, description = "The base salary created", body = BaseSalaryResponse),
        (status = 403, description = "Only admins keep base salaries"),
        (status = 409, description = "A base salary already starts on this day"),
    )
)]
#[post("")]
pub async fn create_base_salary(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    Json(body): Json<CreateBaseSalary>,
) -> Result<HttpResponse, ApiError> {
    let actor = actor(&req, Some(&principal.user_id));
    let new = app::award_types::NewBaseSalary {
        valid_from: body.valid_from,
        amount: body.amount,
        legal_source: body.legal_source,
    };
    let row = super::change(&state.pool, move |tx| {
        app::award_types::add_base_salary(tx, &principal, &actor, new)
    })
    .await?;
    Ok(HttpResponse::build(StatusCode::CREATED).json(BaseSalaryResponse::from(row)))
}

/// A title held in consecutive years, the last of them the nomination's year or the one
/// before ("three consecutive years of Chiến sĩ thi đua cơ sở").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsecutiveRule {
    pub award_type: String,
    pub consecutive_years: u32,
}

impl From<award_types::ConsecutiveRule> for ConsecutiveRule {
    fn from(r: award_types::ConsecutiveRule) -> Self {
        let award_types::ConsecutiveRule {
            award_type,
            consecutive_years,
        } = r;
        ConsecutiveRule {
            award_type,
            consecutive_years,
        }
    }
}

impl From<ConsecutiveRule> for award_types::ConsecutiveRule {
    fn from(r: ConsecutiveRule) -> Self {
        let ConsecutiveRule {
            award_type,
            consecutive_years,
        } = r;
        award_types::ConsecutiveRule {
            award_type,
            consecutive_years,
        }
    }
}

/// A share of a collective's active staff holding an award in the nomination's year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MembersShareRule {
    pub award_type: String,
    pub min_percent: f64,
}

impl From<award_types::MembersShareRule> for MembersShareRule {
    fn from(r: award_types::MembersShareRule) -> Self {
        let award_types::MembersShareRule {
            award_type,
            min_percent,
        } = r;
        MembersShareRule {
            award_type,
            min_percent,
        }
    }
}

impl From<MembersShareRule> for award_types::MembersShareRule {
    fn from(r: MembersShareRule) -> Self {
        let MembersShareRule {
            award_type,
            min_percent,
        } = r;
        award_types::MembersShareRule {
            award_type,
            min_percent,
        }
    }
}

/// A number of a collective's staff holding an award in the nomination's year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MembersCountRule {
    pub award_type: String,
    pub min: u32,
}

impl From<award_types::MembersCountRule> for MembersCountRule {
    fn from(r: award_types::MembersCountRule) -> Self {
        let award_types::MembersCountRule { award_type, min } = r;
        MembersCountRule { award_type, min }
    }
}

impl From<MembersCountRule> for award_types::MembersCountRule {
    fn from(r: MembersCountRule) -> Self {
        let MembersCountRule { award_type, min } = r;
        award_types::MembersCountRule { award_type, min }
    }
}

/// Years since an earlier award, counted from the end of the achievement period written
/// in its decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IntervalRule {
    pub award_type: String,
    pub years: u32,
}

impl From<award_types::IntervalRule> for IntervalRule {
    fn from(r: award_types::IntervalRule) -> Self {
        let award_types::IntervalRule { award_type, years } = r;
        IntervalRule { award_type, years }
    }
}

impl From<IntervalRule> for award_types::IntervalRule {
    fn from(r: IntervalRule) -> Self {
        let IntervalRule { award_type, years } = r;
        award_types::IntervalRule { award_type, years }
    }
}

/// At most `max_percent` of the number of `of_award_type` (awarded or proposed in the same
/// year under the proposing unit) may be proposed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuotaRule {
    pub max_percent: f64,
    pub of_award_type: String,
}

impl From<award_types::QuotaRule> for QuotaRule {
    fn from(r: award_types::QuotaRule) -> Self {
        let award_types::QuotaRule {
            max_percent,
            of_award_type,
        } = r;
        QuotaRule {
            max_percent,
            of_award_type,
        }
    }
}

impl From<QuotaRule> for award_types::QuotaRule {
    fn from(r: QuotaRule) -> Self {
        let QuotaRule {
            max_percent,
            of_award_type,
        } = r;
        award_types::QuotaRule {
            max_percent,
            of_award_type,
        }
    }
}

/// What one award type needs, in one rule set. Absent fields ask nothing.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
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

impl From<award_types::AwardRules> for AwardRules {
    fn from(r: award_types::AwardRules) -> Self {
        let award_types::AwardRules {
            requires,
            initiative_scope,
            min_score,
            members_share,
            members_count,
            interval,
            quota,
            ballot_required,
            vote_threshold_percent,
            disclosure_working_days,
        } = r;
        AwardRules {
            requires: requires.into_iter().map(Into::into).collect(),
            initiative_scope,
            min_score,
            members_share: members_share.into_iter().map(Into::into).collect(),
            members_count: members_count.into_iter().map(Into::into).collect(),
            interval: interval.map(Into::into),
            quota: quota.map(Into::into),
            ballot_required,
            vote_threshold_percent,
            disclosure_working_days,
        }
    }
}

impl From<AwardRules> for award_types::AwardRules {
    fn from(r: AwardRules) -> Self {
        let AwardRules {
            requires,
            initiative_scope,
            min_score,
            members_share,
            members_count,
            interval,
            quota,
            ballot_required,
            vote_threshold_percent,
            disclosure_working_days,
        } = r;
        award_types::AwardRules {
            requires: requires.into_iter().map(Into::into).collect(),
            initiative_scope,
            min_score,
            members_share: members_share.into_iter().map(Into::into).collect(),
            members_count: members_count.into_iter().map(Into::into).collect(),
            interval: interval.map(Into::into),
            quota: quota.map(Into::into),
            ballot_required,
            vote_threshold_percent,
            disclosure_working_days,
        }
    }
}

/// The rules per award type code, as answered.
fn wire_rules(rules: BTreeMap<String, award_types::AwardRules>) -> BTreeMap<String, AwardRules> {
    rules.into_iter().map(|(k, v)| (k, v.into())).collect()
}

/// The rules per award type code, as the app layer takes them.
fn domain_rules(rules: BTreeMap<String, AwardRules>) -> BTreeMap<String, award_types::AwardRules> {
    rules.into_iter().map(|(k, v)| (k, v.into())).collect()
}

/// The rules an evaluation uses, and where they come from.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RulesInForce {
    pub rule_set_id: String,
    pub rule_set_code: String,
    pub legal_source: String,
    pub rules: AwardRules,
}

impl From<award_types::RulesInForce> for RulesInForce {
    fn from(r: award_types::RulesInForce) -> Self {
        let award_types::RulesInForce {
            rule_set_id,
            rule_set_code,
            legal_source,
            rules,
        } = r;
        RulesInForce {
            rule_set_id,
            rule_set_code,
            legal_source,
            rules: rules.into(),
        }
    }
}

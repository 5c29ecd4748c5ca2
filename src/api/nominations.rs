//! `/api/v1/nominations` (đề nghị khen thưởng): proposals, their dossier, their eligibility
//! and their way up the hierarchy to the level that grants the award.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::AppState;
use crate::api::extract::{IfMatch, Json, Page, Query, actor, double_option, present, tagged};
use crate::api::list::{ListParams, check_year};
use crate::api::{uploads, validate};
use crate::auth::{Principal, policy};
use crate::db::{AnyConnection, Tx};
use crate::domain::award_types::{self, AwardType};
use crate::domain::criteria::CriterionSubject;
use crate::domain::eligibility::{Eligibility, evaluate_nomination};
use crate::domain::nominations::{
    self, DossierFile, Nomination, NominationAction, NominationFields, NominationFilter,
    NominationStatus, NominationView, QuotaExcess, Step,
};
use crate::domain::org_units::referenced_unit;
use crate::domain::plans::Occasion;
use crate::domain::plans::visible_plan;
use crate::domain::subjects::{self, Seen};
use crate::domain::{files, movements, org_units};
use crate::error::ApiError;

#[derive(Debug, Serialize, ToSchema)]
pub struct DossierFileResponse {
    pub id: String,
    pub file_name: String,
    /// Told from the content, not the name.
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub added_by: Option<String>,
    pub added_at: DateTime<Utc>,
}

impl From<DossierFile> for DossierFileResponse {
    fn from(f: DossierFile) -> Self {
        DossierFileResponse {
            id: f.id,
            file_name: f.file_name,
            content_type: f.content_type,
            size: f.size,
            sha256: f.sha256,
            added_by: f.added_by,
            added_at: f.added_at.and_utc(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019ab0a4-f000-7000-8000-000000000001", "award_type_id": "019ab0a4-f100-7000-8000-000000000001",
    "award_type_code": "chien_si_thi_dua_co_so", "award_type_name": "Chiến sĩ thi đua cơ sở",
    "staff_id": "019ab0a4-a300-7000-8000-000000000001", "nominee_unit_id": "019ab0a4-a000-7000-8000-000000000003",
    "nominee_name": "Nguyễn Văn An", "plan_id": null, "movement_id": null, "year": 2025, "occasion": "annual",
    "period_from": "2025-01-01", "period_to": "2025-12-31",
    "summary": "Hoàn thành xuất sắc nhiệm vụ; sáng kiến số hóa hồ sơ một cửa được công nhận cấp cơ sở.",
    "proposer_unit_id": "019ab0a4-a000-7000-8000-000000000003", "current_unit_id": "019ab0a4-a000-7000-8000-000000000002",
    "granting_unit_id": "019ab0a4-a000-7000-8000-000000000002", "status": "submitted",
    "created_by": "019ab0a4-a200-7000-8000-000000000002", "files": [], "version": 2,
    "created_at": "2026-01-05T08:00:00Z", "updated_at": "2026-01-06T08:00:00Z"
}))]
pub struct NominationResponse {
    pub id: String,
    pub award_type_id: String,
    pub award_type_code: String,
    pub award_type_name: String,
    /// The nominee, for an individual (cá nhân).
    pub staff_id: Option<String>,
    /// The nominee's unit: the unit itself for a collective (tập thể).
    pub nominee_unit_id: String,
    pub nominee_name: String,
    pub plan_id: Option<String>,
    pub movement_id: Option<String>,
    pub year: i32,
    pub occasion: Occasion,
    /// The achievement period; later intervals count from the one the decision writes.
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub summary: String,
    pub proposer_unit_id: String,
    /// The level that must act now, while the nomination goes up.
    pub current_unit_id: Option<String>,
    /// The level that grants the award (its council votes).
    pub granting_unit_id: String,
    pub status: NominationStatus,
    pub created_by: Option<String>,
    /// The dossier (absent in lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub files: Option<Vec<DossierFileResponse>>,
    /// Every step with its level, actor and reason (absent in lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub steps: Option<Vec<Step>>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl NominationResponse {
    fn new(v: NominationView, files: Option<Vec<DossierFile>>, steps: Option<Vec<Step>>) -> Self {
        let n = v.nomination;
        NominationResponse {
            status: n.status,
            occasion: n.occasion,
            id: n.id,
            award_type_id: n.award_type_id,
            award_type_code: v.award_type_code,
            award_type_name: v.award_type_name,
            staff_id: n.staff_id,
            nominee_unit_id: n.nominee_unit_id,
            nominee_name: v.nominee_name,
            plan_id: n.plan_id,
            movement_id: n.movement_id,
            year: n.year,
            period_from: n.period_from,
            period_to: n.period_to,
            summary: n.summary,
            proposer_unit_id: n.proposer_unit_id,
            current_unit_id: n.current_unit_id,
            granting_unit_id: n.granting_unit_id,
            created_by: n.created_by,
            files: files.map(|f| f.into_iter().map(Into::into).collect()),
            steps,
            version: n.version,
            created_at: n.created_at.and_utc(),
            updated_at: n.updated_at.and_utc(),
        }
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "award_type": "chien_si_thi_dua_co_so", "staff_id": "019ab0a4-a300-7000-8000-000000000001", "year": 2025,
    "summary": "Hoàn thành xuất sắc nhiệm vụ; sáng kiến số hóa hồ sơ một cửa được công nhận cấp cơ sở."
}))]
pub struct CreateNomination {
    /// The award type's code (e.g. `chien_si_thi_dua_co_so`) or id.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub award_type: String,
    /// An individual nominee (cá nhân); give this or `org_unit_id`.
    #[validate(custom(function = "validate::id"))]
    pub staff_id: Option<String>,
    /// A collective nominee (tập thể); give this or `staff_id`.
    #[validate(custom(function = "validate::id"))]
    pub org_unit_id: Option<String>,
    /// The unit proposing (default: the nominee's unit); the nominee lies in its subtree.
    #[validate(custom(function = "validate::id"))]
    pub proposer_unit_id: Option<String>,
    #[validate(custom(function = "validate::id"))]
    pub plan_id: Option<String>,
    #[validate(custom(function = "validate::id"))]
    pub movement_id: Option<String>,
    #[validate(range(min = 1900, max = 2200))]
    #[schema(minimum = 1900, maximum = 2200)]
    pub year: i32,
    /// Default `annual`; one of the award type's occasions.
    pub occasion: Option<Occasion>,
    /// Default: 1 January of `year`.
    #[validate(custom(function = "validate::date"))]
    pub period_from: Option<NaiveDate>,
    /// Default: 31 December of `year`.
    #[validate(custom(function = "validate::date"))]
    pub period_to: Option<NaiveDate>,
    /// Tóm tắt thành tích.
    #[validate(length(min = 1, max = 20000), custom(function = "validate::text"))]
    #[schema(min_length = 1, max_length = 20000)]
    pub summary: String,
}

#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"summary": "Bổ sung: chủ trì sáng kiến cấp cơ sở năm 2025."}))]
pub struct UpdateNomination {
    #[serde(default, deserialize_with = "double_option")]
    #[validate(custom(function = "validate::id"))]
    #[schema(value_type = Option<String>)]
    pub plan_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(custom(function = "validate::id"))]
    #[schema(value_type = Option<String>)]
    pub movement_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[validate(range(min = 1900, max = 2200))]
    #[schema(nullable = false, minimum = 1900, maximum = 2200)]
    pub year: Option<i32>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub occasion: Option<Occasion>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    #[validate(custom(function = "validate::date"))]
    pub period_from: Option<NaiveDate>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    #[validate(custom(function = "validate::date"))]
    pub period_to: Option<NaiveDate>,
    #[serde(default, deserialize_with = "present")]
    #[validate(length(min = 1, max = 20000), custom(function = "validate::text"))]
    #[schema(nullable = false, min_length = 1, max_length = 20000)]
    pub summary: Option<String>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"action": "return", "reason": "Thiếu báo cáo thành tích có xác nhận của thủ trưởng đơn vị."}))]
pub struct ActionRequest {
    pub action: NominationAction,
    /// Required to return or reject (the legal ground or what is missing).
    #[validate(length(min = 1, max = 4000), custom(function = "validate::text"))]
    #[schema(max_length = 4000)]
    pub reason: Option<String>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"ids": ["019ab0a4-f000-7000-8000-000000000001", "019ab0a4-f000-7000-8000-000000000002"]}))]
pub struct BatchSubmit {
    /// Draft or returned nominations to send up together; quotas are counted over them.
    #[validate(length(min = 1, max = 500), custom(function = "validate::ids"))]
    #[schema(min_items = 1, max_items = 500)]
    pub ids: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BatchSubmitted {
    pub items: Vec<NominationResponse>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NominationQuery {
    pub status: Option<NominationStatus>,
    pub year: Option<i32>,
    /// An award type's code or id.
    pub award_type: Option<String>,
    pub staff_id: Option<String>,
    /// Nominees in this unit's subtree.
    pub org_unit_id: Option<String>,
    /// Waiting for this unit to act.
    pub current_unit_id: Option<String>,
}

/// A nomination the caller may see (404 otherwise): those who read the nominee's records.
fn visible_nomination(
    conn: &mut AnyConnection,
    principal: &Principal,
    id: &str,
) -> Result<NominationView, ApiError> {
    let n = nominations::find(conn, id)?.ok_or_else(|| ApiError::not_found("nomination"))?;
    let v = nominations::view(conn, n)?;
    policy::ensure_visible(
        policy::can_read_subject(principal, &v.nominee_path, v.nomination.staff_id.as_deref()),
        "nomination",
    )?;
    Ok(v)
}

/// A nomination the caller may change as its proposer (visible, and 403 otherwise).
fn proposed_by_caller(
    conn: &mut AnyConnection,
    principal: &Principal,
    id: &str,
) -> Result<NominationView, ApiError> {
    let v = visible_nomination(conn, principal, id)?;
    let proposer = subjects::unit_path(conn, &v.nomination.proposer_unit_id)?;
    policy::ensure(policy::can_act_at_level(
        principal,
        &proposer,
        v.nomination.staff_id.as_deref(),
    ))?;
    Ok(v)
}

fn detail(conn: &mut AnyConnection, v: NominationView) -> Result<NominationResponse, ApiError> {
    let files = nominations::files(conn, &v.nomination.id)?;
    let steps = nominations::steps(conn, &v.nomination.id)?;
    Ok(NominationResponse::new(v, Some(files), Some(steps)))
}

fn award_type_named(
    conn: &mut AnyConnection,
    key: &str,
    field: &str,
) -> Result<AwardType, ApiError> {
    award_types::find_by_id_or_code(conn, key)?
        .filter(|t| t.active)
        .ok_or_else(|| ApiError::invalid(field, "not_found", "no such award type"))
}

/// Checks the parts of a nomination that depend on its award type and dates.
fn check_fields(
    conn: &mut AnyConnection,
    principal: &Principal,
    award: &AwardType,
    f: &NominationFields,
) -> Result<(), ApiError> {
    if !award.occasions.contains(&f.occasion) {
        return Err(ApiError::invalid(
            "occasion",
            "not_allowed",
            format!("{} is not given on this occasion", award.name),
        ));
    }
    if f.period_from > f.period_to {
        return Err(ApiError::invalid(
            "period_to",
            "before_start",
            "the achievement period ends before it starts",
        ));
    }
    if let Some(plan) = &f.plan_id {
        visible_plan(conn, principal, plan)
            .map_err(|_| ApiError::invalid("plan_id", "not_found", "no such plan"))?;
    }
    if let Some(m) = &f.movement_id
        && !movements::find_with_owner(conn, m)?
            .is_some_and(|(_, owner)| policy::can_read_owned_reference(principal, owner.as_deref()))
    {
        return Err(ApiError::invalid(
            "movement_id",
            "not_found",
            "no such movement",
        ));
    }
    Ok(())
}

fn year_bounds(year: i32) -> Result<(NaiveDate, NaiveDate), ApiError> {
    crate::domain::year_range(year)
        .ok_or_else(|| ApiError::invalid("year", "range", "no such year"))
}

/// List the nominations you may see, latest change first.
#[utoipa::path(
    tag = "nominations",
    params(ListParams, NominationQuery),
    responses((status = 200, body = Page<NominationResponse>), (status = 422, description = "Invalid parameters"))
)]
#[get("")]
pub async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    Query(params): Query<ListParams>,
    Query(query): Query<NominationQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = params.page()?;
    let year = check_year(query.year)?;
    let (items, total) = super::run(&state.pool, move |conn| {
        let award_type_id = match &query.award_type {
            Some(key) => Some(award_types::filter_id(conn, key)?),
            None => None,
        };
        let filter = NominationFilter {
            q: params.q(),
            status: query.status,
            year,
            award_type_id,
            staff_id: query.staff_id.clone(),
            under: subjects::subtree_filter(conn, query.org_unit_id.as_deref())?,
            current_unit_id: query.current_unit_id.clone(),
            updated_since: params.updated_since(),
        };
        let seen = Seen::from(policy::staff_visibility(&principal));
        Ok(nominations::list(conn, &seen, &filter, page)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page::of(items, total, page, |v| {
        NominationResponse::new(v, None, None)
    })))
}

/// Propose a staff member or a unit for an award (a draft until submitted). The proposer is
/// the nominee's unit or a unit above it, and you act for it.
#[utoipa::path(
    tag = "nominations",
    request_body = CreateNomination,
    responses(
        (status = 201, body = NominationResponse, headers(("ETag" = String))),
        (status = 403, description = "You do not propose for this unit"),
        (status = 422, description = "Invalid fields: an unknown award type, a nominee of the wrong kind for it or outside the proposer's subtree, an occasion it is not given on"),
    )
)]
#[post("")]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    Json(body): Json<CreateNomination>,
) -> Result<HttpResponse, ApiError> {
    let actor = actor(&req, Some(&principal.user_id));
    let (from, to) = year_bounds(body.year)?;
    let res = super::write(&state.pool, move |conn| {
        let award = award_type_named(conn, &body.award_type, "award_type")?;
        let kind = if body.staff_id.is_some() {
            CriterionSubject::Individual
        } else {
            CriterionSubject::Collective
        };
        award_types::ensure_accepts(&award, kind == CriterionSubject::Collective, "award_type")?;
        let subject = subjects::resolve(
            conn,
            kind,
            body.org_unit_id.as_deref(),
            body.staff_id.as_deref(),
            |path, staff| policy::can_read_subject(&principal, path, staff),
        )?;
        let proposer_id = body
            .proposer_unit_id
            .clone()
            .unwrap_or_else(|| subject.org_unit_id.clone());
        let proposer = referenced_unit(conn, &principal, &proposer_id, "proposer_unit_id")?;
        policy::ensure(policy::can_propose(&principal, &proposer.path))?;
        if !subject.unit_path.starts_with(&proposer.path) {
            return Err(ApiError::invalid(
                if subject.staff_id.is_some() {
                    "staff_id"
                } else {
                    "org_unit_id"
                },
                "outside_proposer",
                "the nominee is not in the proposing unit's subtree",
            ));
        }
        let fields = NominationFields {
            plan_id: body.plan_id,
            movement_id: body.movement_id,
            year: body.year,
            occasion: body.occasion.unwrap_or(Occasion::Annual),
            period_from: body.period_from.unwrap_or(from),
            period_to: body.period_to.unwrap_or(to),
            summary: body.summary.trim().to_string(),
        };
        check_fields(conn, &principal, &award, &fields)?;
        let n = nominations::create(conn, &actor, &award, &subject, &proposer, fields)?;
        let v = nominations::view(conn, n)?;
        detail(conn, v)
    })
    .await?;
    Ok(tagged(StatusCode::CREATED, res.version, &res))
}

/// Get a nomination with its dossier and every step of its way.
#[utoipa::path(
    tag = "nominations",
    params(("id" = String, Path, description = "Nomination id")),
    responses((status = 200, body = NominationResponse, headers(("ETag" = String))), (status = 404, description = "No such nomination, or not visible to you"))
)]
#[get("/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let res = super::run(&state.pool, move |conn| {
        let v = visible_nomination(conn, &principal, &id)?;
        detail(conn, v)
    })
    .await?;
    Ok(tagged(StatusCode::OK, res.version, &res))
}

/// Change a draft or returned nomination (its proposer's officers and heads).
#[utoipa::path(
    tag = "nominations",
    params(("id" = String, Path, description = "Nomination id"), ("If-Match" = String, Header, description = "The ETag you read")),
    request_body = UpdateNomination,
    responses(
        (status = 200, body = NominationResponse, headers(("ETag" = String))),
        (status = 403, description = "You do not propose for this unit"),
        (status = 404, description = "No such nomination, or not visible to you"),
        (status = 409, description = "The nomination is on its way and no longer changes"),
        (status = 412, description = "The nomination changed since you read it"),
        (status = 428, description = "If-Match is missing"),
    )
)]
#[patch("/{id}")]
pub async fn update(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    Json(body): Json<UpdateNomination>,
) -> Result<HttpResponse, ApiError> {
    let actor = actor(&req, Some(&principal.user_id));
    let res = super::write(&state.pool, move |conn| {
        let v = proposed_by_caller(conn, &principal, &id)?;
        let n = &v.nomination;
        let award = award_types::find(conn, &n.award_type_id)?
            .ok_or_else(|| ApiError::internal("nomination without award type"))?;
        let year = body.year.unwrap_or(n.year);
        let (from, to) = if body.year.is_some() {
            year_bounds(year)?
        } else {
            (n.period_from, n.period_to)
        };
        let fields = NominationFields {
            plan_id: body.plan_id.clone().unwrap_or_else(|| n.plan_id.clone()),
            movement_id: body
                .movement_id
                .clone()
                .unwrap_or_else(|| n.movement_id.clone()),
            year,
            occasion: body.occasion.unwrap_or(n.occasion),
            period_from: body.period_from.unwrap_or(from),
            period_to: body.period_to.unwrap_or(to),
            summary: body
                .summary
                .as_deref()
                .map(|s| s.trim().to_string())
                .unwrap_or_else(|| n.summary.clone()),
        };
        check_fields(conn, &principal, &award, &fields)?;
        let n = nominations::update(conn, &actor, n, version, fields)?;
        let v = nominations::view(conn, n)?;
        detail(conn, v)
    })
    .await?;
    Ok(tagged(StatusCode::OK, res.version, &res))
}

/// Submits a batch (already checked to be visible and the caller's): quotas first, then
/// each moves up. Nothing is written when a quota is exceeded.
fn submit_all(
    tx: &mut Tx<'_>,
    actor: &crate::domain::Actor,
    batch: Vec<NominationView>,
) -> Result<Vec<NominationView>, ApiError> {
    let excess = nominations::check_quotas(tx, &batch)?;
    if let Some(e) = excess.first() {
        return Err(quota_exceeded(e));
    }
    let mut out = Vec::with_capacity(batch.len());
    for v in batch {
        let n = move_one(tx, actor, &v.nomination, NominationAction::Submit, None)?;
        out.push(nominations::view(tx, n)?);
    }
    Ok(out)
}

fn quota_exceeded(e: &QuotaExcess) -> ApiError {
    ApiError::conflict(
        "quota_exceeded",
        format!(
            "{} proposals of {} would exceed the quota of {} ({} % of {} holding {} in the year)",
            e.proposed, e.award_type, e.allowed, e.max_percent, e.base, e.of_award_type
        ),
    )
}

/// Applies one level's action, working out the next level from the tree.
fn move_one(
    tx: &mut Tx<'_>,
    actor: &crate::domain::Actor,
    n: &Nomination,
    action: NominationAction,
    reason: Option<&str>,
) -> Result<Nomination, ApiError> {
    let acting = nominations::acting_unit(n).to_string();
    let parent = org_units::find(tx, &acting)?.and_then(|u| u.parent_id);
    let (status, next) = nominations::after_action(n, action, parent.as_deref())?;
    Ok(nominations::move_to(
        tx,
        actor,
        n,
        status,
        next.as_deref(),
        action.as_str(),
        Some(&acting),
        reason,
    )?)
}

/// Act on a nomination at its current level: `submit` (the proposer), `approve` (forward
/// up, or into council review at the granting level), `return` for changes or `reject`,
/// with a reason.
#[utoipa::path(
    tag = "nominations",
    params(("id" = String, Path, description = "Nomination id"), ("If-Match" = String, Header, description = "The ETag you read")),
    request_body = ActionRequest,
    responses(
        (status = 200, body = NominationResponse, headers(("ETag" = String))),
        (status = 403, description = "You do not act at the level the nomination waits at, or it is about you"),
        (status = 404, description = "No such nomination, or not visible to you"),
        (status = 409, description = "The action does not apply in its status, submitting would exceed a quota, or a council session has it"),
        (status = 412, description = "The nomination changed since you read it"),
        (status = 422, description = "A return or rejection without a reason"),
        (status = 428, description = "If-Match is missing"),
    )
)]
#[post("/{id}/actions")]
pub async fn act(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    Json(body): Json<ActionRequest>,
) -> Result<HttpResponse, ApiError> {
    let needs_reason = matches!(
        body.action,
        NominationAction::Return | NominationAction::Reject
    );
    let reason = body.reason.map(|r| r.trim().to_string());
    if needs_reason && reason.is_none() {
        return Err(ApiError::invalid(
            "reason",
            "required",
            "say why the nomination is returned or rejected",
        ));
    }
    let actor = actor(&req, Some(&principal.user_id));
    let res = super::write(&state.pool, move |conn| {
        let v = visible_nomination(conn, &principal, &id)?;
        let acting = subjects::unit_path(conn, nominations::acting_unit(&v.nomination))?;
        policy::ensure(policy::can_act_at_level(
            &principal,
            &acting,
            v.nomination.staff_id.as_deref(),
        ))?;
        crate::domain::ensure_version(v.nomination.version, version)?;
        // Once put to a council, the council's vote decides it.
        if v.nomination.status.before_council()
            && crate::domain::councils::in_pending_session(conn, &v.nomination.id)?
        {
            return Err(ApiError::conflict(
                "in_session",
                "the nomination is before a council session; its vote decides it",
            ));
        }
        let views = if body.action == NominationAction::Submit {
            submit_all(conn, &actor, vec![v])?
        } else {
            let n = move_one(conn, &actor, &v.nomination, body.action, reason.as_deref())?;
            vec![nominations::view(conn, n)?]
        };
        let v = views
            .into_iter()
            .next()
            .ok_or_else(|| ApiError::internal("no nomination"))?;
        detail(conn, v)
    })
    .await?;
    Ok(tagged(StatusCode::OK, res.version, &res))
}

/// Submit a batch of draft or returned nominations together: each award type's quota is
/// counted over the batch and what is already on its way; nothing is submitted when one
/// would be exceeded.
#[utoipa::path(
    tag = "nominations",
    request_body = BatchSubmit,
    responses(
        (status = 200, body = BatchSubmitted),
        (status = 403, description = "You do not propose for one of them"),
        (status = 409, description = "One is not a draft or returned, or a quota would be exceeded"),
        (status = 422, description = "An unknown nomination, or one named twice"),
    )
)]
#[post("/submit")]
pub async fn submit_batch(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    Json(body): Json<BatchSubmit>,
) -> Result<HttpResponse, ApiError> {
    let actor = actor(&req, Some(&principal.user_id));
    let items = super::write(&state.pool, move |conn| {
        let mut batch = Vec::with_capacity(body.ids.len());
        for (i, id) in body.ids.iter().enumerate() {
            if body.ids[..i].contains(id) {
                return Err(ApiError::invalid(
                    &format!("ids[{i}]"),
                    "duplicate",
                    "named twice",
                ));
            }
            let v = proposed_by_caller(conn, &principal, id).map_err(|e| {
                if e.status == StatusCode::NOT_FOUND {
                    ApiError::invalid(&format!("ids[{i}]"), "not_found", "no such nomination")
                } else {
                    e
                }
            })?;
            batch.push(v);
        }
        let views = submit_all(conn, &actor, batch)?;
        views
            .into_iter()
            .map(|v| detail(conn, v))
            .collect::<Result<Vec<_>, _>>()
    })
    .await?;
    Ok(HttpResponse::Ok().json(BatchSubmitted { items }))
}

/// Evaluate every rule of the award type in force for the nomination's period against the
/// nominee's award history, discipline, initiatives, scores and members: which pass, which
/// fail, and why.
#[utoipa::path(
    tag = "nominations",
    params(("id" = String, Path, description = "Nomination id")),
    responses((status = 200, body = Eligibility), (status = 404, description = "No such nomination, or not visible to you"))
)]
#[get("/{id}/eligibility")]
pub async fn eligibility(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let result = super::run(&state.pool, move |conn| {
        let v = visible_nomination(conn, &principal, &id)?;
        let mut result = evaluate_nomination(conn, &v, crate::domain::today())?;
        // Discipline is personal: others see only whether the check passed.
        if !policy::can_read_discipline(&principal, &v.nominee_path) {
            for c in result.checks.iter_mut().filter(|c| c.rule == "discipline") {
                c.detail = "not shown to you".into();
            }
        }
        Ok(result)
    })
    .await?;
    Ok(HttpResponse::Ok().json(result))
}

/// Add a file to the dossier of a draft or returned nomination, as `multipart/form-data`
/// with one part named `file` (the same store and checks as evidence files).
#[utoipa::path(
    tag = "nominations",
    params(("id" = String, Path, description = "Nomination id")),
    request_body(content = crate::api::evidence::FileUpload, content_type = "multipart/form-data"),
    responses(
        (status = 201, body = NominationResponse, headers(("ETag" = String))),
        (status = 403, description = "You do not propose for this unit"),
        (status = 404, description = "No such nomination, or not visible to you"),
        (status = 409, description = "The nomination is on its way, or its dossier has 50 files"),
        (status = 413, description = "The file is larger than the configured limit (THIDUA_MAX_FILE_MB)"),
        (status = 415, description = "Not multipart/form-data, or a kind of file that is not accepted"),
        (status = 422, description = "No file part, an empty file, a path for a name, or a content that does not match its name"),
    )
)]
#[post("/{id}/files")]
pub async fn upload(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let actor = actor(&req, Some(&principal.user_id));
    let id = id.into_inner();
    let writable = move |conn: &mut AnyConnection| -> Result<NominationView, ApiError> {
        let v = proposed_by_caller(conn, &principal, &id)?;
        nominations::ensure_accepts_file(conn, &v.nomination)?;
        Ok(v)
    };
    let res = uploads::add_checked(&state, &req, payload, writable, move |conn, v, f, size| {
        files::record(conn, &f.sha256, size, f.content_type)?;
        nominations::add_file(
            conn,
            &actor,
            &v.nomination,
            &f.sha256,
            &f.name,
            f.content_type,
            size as i64,
        )?;
        let n = nominations::find(conn, &v.nomination.id)?
            .ok_or_else(|| ApiError::not_found("nomination"))?;
        let v = nominations::view(conn, n)?;
        detail(conn, v)
    })
    .await?;
    Ok(tagged(StatusCode::CREATED, res.version, &res))
}

/// Download a file of a nomination's dossier.
#[utoipa::path(
    tag = "nominations",
    params(("id" = String, Path, description = "Nomination id"), ("file_id" = String, Path, description = "File id")),
    responses(
        (status = 200, description = "The file, with its type and its name in Content-Disposition", content_type = "application/octet-stream"),
        (status = 404, description = "No such file, or not visible to you"),
    )
)]
#[get("/{id}/files/{file_id}")]
pub async fn download(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, file_id) = path.into_inner();
    let file = super::run(&state.pool, move |conn| {
        let v = visible_nomination(conn, &principal, &id)?;
        nominations::find_file(conn, &v.nomination.id, &file_id)?
            .ok_or_else(|| ApiError::not_found("file"))
    })
    .await?;
    let content = state.files.get(&file.sha256).await?;
    Ok(uploads::attachment(
        file.file_name,
        file.content_type,
        content,
    ))
}

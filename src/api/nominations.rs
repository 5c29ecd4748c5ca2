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
use crate::app::{self, nominations::NominationDetail};
use crate::auth::Principal;
use crate::db::AnyConnection;
use crate::domain::nominations::{
    self, DossierFile, NominationAction, NominationStatus, NominationView,
};
use crate::domain::plans::Occasion;
use crate::error::ApiError;
use crate::ids::{NominationId, OrgUnitId, PlanId, StaffId};

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
            added_by: f.added_by.map(Into::into),
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
    fn new(
        v: NominationView,
        files: Option<Vec<DossierFile>>,
        steps: Option<Vec<nominations::Step>>,
    ) -> Self {
        let n = v.nomination;
        NominationResponse {
            status: n.status,
            occasion: n.occasion,
            id: n.id.into(),
            award_type_id: n.award_type_id,
            award_type_code: v.award_type_code,
            award_type_name: v.award_type_name,
            staff_id: n.staff_id.map(Into::into),
            nominee_unit_id: n.nominee_unit_id.into(),
            nominee_name: v.nominee_name,
            plan_id: n.plan_id.map(Into::into),
            movement_id: n.movement_id,
            year: n.year,
            period_from: n.period_from,
            period_to: n.period_to,
            summary: n.summary,
            proposer_unit_id: n.proposer_unit_id.into(),
            current_unit_id: n.current_unit_id.map(Into::into),
            granting_unit_id: n.granting_unit_id.into(),
            created_by: n.created_by.map(Into::into),
            files: files.map(|f| f.into_iter().map(Into::into).collect()),
            steps: steps.map(|s| s.into_iter().map(Step::from).collect()),
            version: n.version,
            created_at: n.created_at.and_utc(),
            updated_at: n.updated_at.and_utc(),
        }
    }
}

impl From<NominationDetail> for NominationResponse {
    fn from(d: NominationDetail) -> Self {
        NominationResponse::new(d.view, Some(d.files), Some(d.steps))
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
    #[param(minimum = 1900, maximum = 2200)]
    pub year: Option<i32>,
    /// An award type's code or id.
    pub award_type: Option<String>,
    pub staff_id: Option<String>,
    /// Nominees in this unit's subtree.
    pub org_unit_id: Option<String>,
    /// Waiting for this unit to act.
    pub current_unit_id: Option<String>,
}

/// List the nominations you may see, latest change first.
#[utoipa::path(
    operation_id = "listNominations",
    tag = "nominations",
    params(ListParams, NominationQuery),
    responses((status = 200, description = "One page of nominations, with the total", body = Page<NominationResponse>), (status = 422, description = "Invalid parameters"))
)]
#[get("")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    Query(params): Query<ListParams>,
    Query(query): Query<NominationQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = params.page()?;
    let year = check_year(query.year)?;
    let query = app::nominations::ListQuery {
        q: params.q(),
        status: query.status,
        year,
        award_type: query.award_type,
        staff_id: query.staff_id.map(StaffId::from),
        org_unit_id: query.org_unit_id.map(OrgUnitId::from),
        current_unit_id: query.current_unit_id.map(OrgUnitId::from),
        updated_since: params.updated_since(),
    };
    let (items, total) = super::read(&state.pool, move |conn| {
        app::nominations::list(conn, &principal, query, page)
    })
    .await?;
    Ok(Page::of(items, total, page, |v| {
        NominationResponse::new(v, None, None)
    })
    .respond(&req))
}

/// Propose a staff member or a unit for an award (a draft until submitted). The proposer is
/// the nominee's unit or a unit above it, and you act for it.
#[utoipa::path(
    operation_id = "createNomination",
    tag = "nominations",
    request_body = CreateNomination,
    responses(
        (status = 201, description = "The nomination created", body = NominationResponse, headers(("ETag" = String))),
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
    let new = app::nominations::NewNomination {
        award_type: body.award_type,
        staff_id: body.staff_id.map(StaffId::from),
        org_unit_id: body.org_unit_id.map(OrgUnitId::from),
        proposer_unit_id: body.proposer_unit_id.map(OrgUnitId::from),
        plan_id: body.plan_id.map(PlanId::from),
        movement_id: body.movement_id,
        year: body.year,
        occasion: body.occasion,
        period_from: body.period_from,
        period_to: body.period_to,
        summary: body.summary,
    };
    let res = NominationResponse::from(
        super::change(&state.pool, move |tx| {
            app::nominations::create(tx, &principal, &actor, new)
        })
        .await?,
    );
    Ok(tagged(StatusCode::CREATED, res.version, &res))
}

/// Get a nomination with its dossier and every step of its way.
#[utoipa::path(
    operation_id = "getNomination",
    tag = "nominations",
    params(("id" = String, Path, description = "Nomination id")),
    responses((status = 200, description = "The nomination", body = NominationResponse, headers(("ETag" = String))), (status = 404, description = "No such nomination, or not visible to you"))
)]
#[get("/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = NominationId::from(id.into_inner());
    let res = NominationResponse::from(
        super::read(&state.pool, move |conn| {
            app::nominations::get(conn, &principal, &id)
        })
        .await?,
    );
    Ok(tagged(StatusCode::OK, res.version, &res))
}

/// Change a draft or returned nomination (its proposer's officers and heads).
#[utoipa::path(
    operation_id = "updateNomination",
    tag = "nominations",
    params(("id" = String, Path, description = "Nomination id"), ("If-Match" = String, Header, description = "The ETag you read")),
    request_body = UpdateNomination,
    responses(
        (status = 200, description = "The nomination as changed", body = NominationResponse, headers(("ETag" = String))),
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
    let id = NominationId::from(id.into_inner());
    let actor = actor(&req, Some(&principal.user_id));
    let changes = app::nominations::NominationChanges {
        plan_id: body.plan_id.map(|p| p.map(PlanId::from)),
        movement_id: body.movement_id,
        year: body.year,
        occasion: body.occasion,
        period_from: body.period_from,
        period_to: body.period_to,
        summary: body.summary,
    };
    let res = NominationResponse::from(
        super::change(&state.pool, move |tx| {
            app::nominations::update(tx, &principal, &actor, &id, version, changes)
        })
        .await?,
    );
    Ok(tagged(StatusCode::OK, res.version, &res))
}

/// Act on a nomination at its current level: `submit` (the proposer), `approve` (forward
/// up, or into council review at the granting level), `return` for changes or `reject`,
/// with a reason.
#[utoipa::path(
    operation_id = "actOnNomination",
    tag = "nominations",
    params(("id" = String, Path, description = "Nomination id"), ("If-Match" = String, Header, description = "The ETag you read")),
    request_body = ActionRequest,
    responses(
        (status = 200, description = "The nomination after the action", body = NominationResponse, headers(("ETag" = String))),
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
    let id = NominationId::from(id.into_inner());
    let actor = actor(&req, Some(&principal.user_id));
    let res = NominationResponse::from(
        super::change(&state.pool, move |tx| {
            app::nominations::act(
                tx,
                &principal,
                &actor,
                &id,
                version,
                body.action,
                body.reason,
            )
        })
        .await?,
    );
    Ok(tagged(StatusCode::OK, res.version, &res))
}

/// Submit a batch of draft or returned nominations together: each award type's quota is
/// counted over the batch and what is already on its way; nothing is submitted when one
/// would be exceeded.
#[utoipa::path(
    operation_id = "submitNominations",
    tag = "nominations",
    request_body = BatchSubmit,
    responses(
        (status = 200, description = "The nominations submitted together, with the quota check", body = BatchSubmitted),
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
    let ids: Vec<NominationId> = body.ids.into_iter().map(NominationId::from).collect();
    let items = super::change(&state.pool, move |tx| {
        app::nominations::submit_batch(tx, &principal, &actor, &ids)
    })
    .await?
    .into_iter()
    .map(NominationResponse::from)
    .collect();
    Ok(HttpResponse::Ok().json(BatchSubmitted { items }))
}

/// Evaluate every rule of the award type in force for the nomination's period against the
/// nominee's award history, discipline, initiatives, scores and members: which pass, which
/// fail, and why.
#[utoipa::path(
    operation_id = "checkNominationEligibility",
    tag = "nominations",
    params(("id" = String, Path, description = "Nomination id")),
    responses((status = 200, description = "Each rule of the award's rule set and its verdict for this nominee", body = Eligibility), (status = 404, description = "No such nomination, or not visible to you"))
)]
#[get("/{id}/eligibility")]
pub async fn eligibility(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = NominationId::from(id.into_inner());
    let result = super::read(&state.pool, move |conn| {
        app::nominations::eligibility(conn, &principal, &id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Eligibility::from(result)))
}

/// Add a file to the dossier of a draft or returned nomination, as `multipart/form-data`
/// with one part named `file` (the same store and checks as evidence files).
#[utoipa::path(
    operation_id = "uploadNominationFile",
    tag = "nominations",
    params(("id" = String, Path, description = "Nomination id")),
    request_body(content = crate::api::evidence::FileUpload, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "The nomination with the file attached", body = NominationResponse, headers(("ETag" = String))),
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
    let id = NominationId::from(id.into_inner());
    let actor = actor(&req, Some(&principal.user_id));
    let accepting = move |conn: &mut AnyConnection| -> Result<NominationView, ApiError> {
        Ok(app::nominations::accepting_file(conn, &principal, &id)?)
    };
    let res = uploads::add_checked(&state, &req, payload, accepting, move |tx, v, f, size| {
        let file = (f.sha256.as_str(), f.name.as_str(), f.content_type, size);
        Ok(app::nominations::add_file(tx, &actor, v, file)?)
    })
    .await
    .map(NominationResponse::from)?;
    Ok(tagged(StatusCode::CREATED, res.version, &res))
}

/// Download a file of a nomination's dossier.
#[utoipa::path(
    operation_id = "downloadNominationFile",
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
    let id = NominationId::from(id);
    let file = super::read(&state.pool, move |conn| {
        app::nominations::file(conn, &principal, &id, &file_id)
    })
    .await?;
    let content = state.files.get(&file.sha256).await?;
    Ok(uploads::attachment(
        file.file_name,
        file.content_type,
        content,
    ))
}

/// A step of a nomination's way, as its history shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Step {
    /// The level that acted (absent for council and decision steps).
    pub unit_id: Option<String>,
    pub action: String,
    /// The status after the step.
    pub status: String,
    pub reason: Option<String>,
    pub actor_id: Option<String>,
    #[schema(value_type = String, format = DateTime)]
    pub at: chrono::NaiveDateTime,
}

impl From<nominations::Step> for Step {
    fn from(s: nominations::Step) -> Self {
        let nominations::Step {
            id: _,
            nomination_id: _,
            unit_id,
            action,
            status,
            reason,
            actor_id,
            at,
        } = s;
        Step {
            unit_id: unit_id.map(Into::into),
            action,
            status,
            reason,
            actor_id: actor_id.map(Into::into),
            at,
        }
    }
}

/// One rule's verdict.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EligibilityCheck {
    /// A stable name: subject, occasion, discipline, rule_set, requires, initiative,
    /// min_score, members_share, members_count, interval.
    pub rule: String,
    pub passed: bool,
    /// Why, in words.
    pub detail: String,
}

impl From<crate::domain::eligibility::Check> for EligibilityCheck {
    fn from(c: crate::domain::eligibility::Check) -> Self {
        let crate::domain::eligibility::Check {
            rule,
            passed,
            detail,
        } = c;
        EligibilityCheck {
            rule,
            passed,
            detail,
        }
    }
}

/// The answer of `GET /nominations/{id}/eligibility`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Eligibility {
    pub nomination_id: String,
    pub award_type: String,
    /// Every rule passed.
    pub eligible: bool,
    pub rule_set_code: Option<String>,
    pub legal_source: Option<String>,
    pub checks: Vec<EligibilityCheck>,
    /// How the award is decided: a secret ballot, the share of all council members that
    /// must agree, and the working days the candidates are published before.
    pub ballot_required: bool,
    pub vote_threshold_percent: Option<f64>,
    pub disclosure_working_days: Option<u32>,
    #[schema(value_type = String)]
    pub evaluated_on: NaiveDate,
}

impl From<crate::domain::eligibility::Eligibility> for Eligibility {
    fn from(e: crate::domain::eligibility::Eligibility) -> Self {
        let crate::domain::eligibility::Eligibility {
            nomination_id,
            award_type,
            eligible,
            rule_set_code,
            legal_source,
            checks,
            ballot_required,
            vote_threshold_percent,
            disclosure_working_days,
            evaluated_on,
        } = e;
        Eligibility {
            nomination_id: nomination_id.into(),
            award_type,
            eligible,
            rule_set_code,
            legal_source,
            checks: checks.into_iter().map(EligibilityCheck::from).collect(),
            ballot_required,
            vote_threshold_percent,
            disclosure_working_days,
            evaluated_on,
        }
    }
}

//! `/api/v1/evidence` (minh chứng): proof against a criterion, its files and its review.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::AppState;
use crate::api::cached::{self, CachedJson};
use crate::api::extract::{IfMatch, Json, Page, Query, actor, double_option, present, tagged};
use crate::api::list::{ListParams, SortQuery, check_year};
use crate::api::uploads;
use crate::api::validate;
use crate::app::{self, evidence::EvidenceDetail};
use crate::auth::Principal;
use crate::db::AnyConnection;
use crate::domain::criteria::CriterionSubject;
use crate::domain::evidence::{
    self, Evidence, EvidenceFields, EvidenceFile, EvidenceSource, EvidenceStatus, HistoryEntry,
    Transition,
};
use crate::error::ApiError;
use crate::ids::{CriterionId, EvidenceId, OrgUnitId, PlanId, StaffId};

#[derive(Debug, Serialize, ToSchema)]
pub struct FileResponse {
    pub id: String,
    pub file_name: String,
    /// Told from the content, not the name.
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub added_by: Option<String>,
    pub added_at: DateTime<Utc>,
}

impl From<EvidenceFile> for FileResponse {
    fn from(f: EvidenceFile) -> Self {
        let EvidenceFile {
            id,
            evidence_id: _,
            sha256,
            file_name,
            content_type,
            size,
            added_by,
            added_at,
        } = f;
        FileResponse {
            id,
            file_name,
            content_type,
            size,
            sha256,
            added_by: added_by.map(Into::into),
            added_at: added_at.and_utc(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryResponse {
    pub at: DateTime<Utc>,
    /// The account that made the move.
    pub actor_id: Option<String>,
    pub from_status: Option<EvidenceStatus>,
    pub to_status: EvidenceStatus,
    pub note: Option<String>,
}

impl From<HistoryEntry> for HistoryResponse {
    fn from(h: HistoryEntry) -> Self {
        let HistoryEntry {
            id: _,
            evidence_id: _,
            at,
            actor_id,
            from_status,
            to_status,
            note,
        } = h;
        HistoryResponse {
            at: at.and_utc(),
            actor_id: actor_id.map(Into::into),
            from_status,
            to_status,
            note,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019ab0a4-d000-7000-8000-000000000001", "criterion_id": "019ab0a4-bf60-7152-8d43-5e6f708192a3",
    "plan_id": "019ab0a4-b000-7000-8000-000000000001", "year": 2026, "subject": "collective",
    "org_unit_id": "019ab0a4-a000-7000-8000-000000000002", "staff_id": null, "value": 85.0, "as_of": "2026-09-30",
    "description": "Kết quả bồi dưỡng kỹ năng số quý III", "links": ["https://vanban.nghean.gov.vn/bc-123"],
    "self_score": 8.5, "reviewed_score": null, "status": "submitted", "source": "manual",
    "created_by": "019ab0a4-a200-7000-8000-000000000004", "submitted_at": "2026-10-01T08:00:00Z",
    "reviewed_by": null, "reviewed_at": null, "review_note": null, "files": [], "version": 3,
    "created_at": "2026-09-30T08:00:00Z", "updated_at": "2026-10-01T08:00:00Z"
}))]
pub struct EvidenceResponse {
    pub id: String,
    pub criterion_id: String,
    pub plan_id: String,
    pub year: i32,
    pub subject: CriterionSubject,
    /// The unit, or the staff member's unit.
    pub org_unit_id: String,
    pub staff_id: Option<String>,
    /// The measured value, in the criterion's measure.
    pub value: Option<f64>,
    /// The day the value describes.
    pub as_of: NaiveDate,
    pub description: Option<String>,
    pub links: Vec<String>,
    /// The subject's own assessment (tự chấm), in points.
    pub self_score: Option<f64>,
    /// The reviewer's score, given on approval.
    pub reviewed_score: Option<f64>,
    pub status: EvidenceStatus,
    pub source: EvidenceSource,
    pub created_by: Option<String>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub review_note: Option<String>,
    pub files: Vec<FileResponse>,
    /// Every move of the workflow (on a single piece of evidence, not in lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<HistoryResponse>>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<EvidenceDetail> for EvidenceResponse {
    fn from(d: EvidenceDetail) -> Self {
        let EvidenceDetail {
            evidence: e,
            files,
            history,
        } = d;
        let links = e.links();
        let Evidence {
            id,
            criterion_id,
            plan_id,
            year,
            subject,
            org_unit_id,
            staff_id,
            value,
            as_of,
            description,
            links: _,
            search_text: _,
            self_score,
            reviewed_score,
            status,
            source,
            created_by,
            submitted_at,
            reviewed_by,
            reviewed_at,
            review_note,
            version,
            created_at,
            updated_at,
        } = e;
        EvidenceResponse {
            id: id.into(),
            criterion_id: criterion_id.into(),
            plan_id: plan_id.into(),
            year,
            subject,
            org_unit_id: org_unit_id.into(),
            staff_id: staff_id.map(Into::into),
            value,
            as_of,
            description,
            links,
            self_score,
            reviewed_score,
            status,
            source,
            created_by: created_by.map(Into::into),
            submitted_at: submitted_at.map(|t| t.and_utc()),
            reviewed_by: reviewed_by.map(Into::into),
            reviewed_at: reviewed_at.map(|t| t.and_utc()),
            review_note,
            files: files.into_iter().map(FileResponse::from).collect(),
            history: history.map(|h| h.into_iter().map(HistoryResponse::from).collect()),
            version,
            created_at: created_at.and_utc(),
            updated_at: updated_at.and_utc(),
        }
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"criterion_id": "019ab0a4-bf60-7152-8d43-5e6f708192a3", "year": 2026,
    "org_unit_id": "019ab0a4-a000-7000-8000-000000000002", "value": 85, "as_of": "2026-09-30",
    "description": "Kết quả bồi dưỡng kỹ năng số quý III", "links": ["https://vanban.nghean.gov.vn/bc-123"], "self_score": 8.5}))]
pub struct CreateEvidence {
    #[validate(custom(function = "validate::id"))]
    pub criterion_id: String,
    #[validate(range(min = 1900, max = 2200))]
    pub year: i32,
    /// For a collective criterion: the unit.
    #[validate(custom(function = "validate::id"))]
    pub org_unit_id: Option<String>,
    /// For an individual criterion: the staff member.
    #[validate(custom(function = "validate::id"))]
    pub staff_id: Option<String>,
    /// In the criterion's measure: 0–100 for a percent, a whole count, 1 or 0 for yes/no,
    /// points for a score. None where the criterion is computed from staff.
    pub value: Option<f64>,
    /// The day the value describes, in the year (default: today, or the year's last day).
    pub as_of: Option<NaiveDate>,
    #[validate(length(max = 10000))]
    #[schema(max_length = 10000)]
    pub description: Option<String>,
    /// http(s) links to documents, at most 20.
    #[serde(default)]
    pub links: Vec<String>,
    pub self_score: Option<f64>,
}

#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"value": 90, "description": "Đã bổ sung danh sách"}))]
pub struct UpdateEvidence {
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<f64>)]
    pub value: Option<Option<f64>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub as_of: Option<NaiveDate>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(length(max = 10000))]
    #[schema(value_type = Option<String>, max_length = 10000)]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub links: Option<Vec<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<f64>)]
    pub self_score: Option<Option<f64>>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"status": "approved", "note": "Đạt yêu cầu", "reviewed_score": 9}))]
pub struct ChangeEvidenceStatus {
    /// `submitted` and `withdrawn` by the author; `approved`, `rejected`, `returned` by a reviewer.
    pub status: EvidenceStatus,
    /// Required when rejecting or returning.
    #[validate(length(max = 4000))]
    #[schema(max_length = 4000)]
    pub note: Option<String>,
    /// On approval: the reviewer's points, up to the criterion's maximum.
    pub reviewed_score: Option<f64>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EvidenceQuery {
    pub plan_id: Option<String>,
    pub criterion_id: Option<String>,
    #[param(minimum = 1900, maximum = 2200)]
    pub year: Option<i32>,
    pub status: Option<EvidenceStatus>,
    pub subject: Option<CriterionSubject>,
    pub source: Option<EvidenceSource>,
    /// Evidence about this unit, the units below it and their staff.
    pub org_unit_id: Option<String>,
    pub staff_id: Option<String>,
}

/// List the evidence you may see, newest first unless `sort` says otherwise
/// (`created_at`, `updated_at`, `as_of`; `-` for descending).
#[utoipa::path(
    operation_id = "listEvidence",
    tag = "evidence",
    params(ListParams, SortQuery<evidence::EvidenceSort>, EvidenceQuery),
    responses((status = 200, description = "One page of evidence records, with the total", body = Page<EvidenceResponse>), (status = 422, description = "Invalid parameters"))
)]
#[get("")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    Query(params): Query<ListParams>,
    Query(sort): Query<SortQuery<evidence::EvidenceSort>>,
    Query(query): Query<EvidenceQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = params.page()?;
    let sort = sort.or_order(evidence::NEWEST_FIRST)?;
    let year = check_year(query.year)?;
    let seen = app::evidence::seen_by(&principal);
    let query = app::evidence::ListQuery {
        q: params.q(),
        plan_id: query.plan_id.map(PlanId::from),
        criterion_id: query.criterion_id.map(CriterionId::from),
        year,
        status: query.status,
        subject: query.subject,
        source: query.source,
        org_unit_id: query.org_unit_id.map(OrgUnitId::from),
        staff_id: query.staff_id.map(StaffId::from),
        updated_since: params.updated_since(),
    };
    // The same page for everyone who sees the same records: a review queue that many
    // officers of one office open is read once until the next write.
    let key = format!("evidence:{seen:?}?{}", req.query_string());
    let (path, query_string) = (req.path().to_string(), req.query_string().to_string());
    let answer = state
        .reads
        .page(&state.pool, key, move |conn| {
            let (items, total) = app::evidence::list(conn, &seen, query, sort, page)?;
            let page = Page::of(items, total, page, EvidenceResponse::from);
            Ok(
                CachedJson::new(String::new(), None, cached::to_json(&page)?)
                    .with_link(page.links(&path, &query_string)),
            )
        })
        .await?;
    Ok(answer.response(&req))
}

/// Record evidence (a draft) against a criterion for a unit or a staff member and a year.
#[utoipa::path(
    operation_id = "createEvidence",
    tag = "evidence",
    request_body = CreateEvidence,
    responses(
        (status = 201, description = "The evidence created", body = EvidenceResponse, headers(("ETag" = String))),
        (status = 403, description = "You do not act for this subject"),
        (status = 409, description = "The plan is not running"),
        (status = 422, description = "Invalid fields, a subject of the wrong kind or outside the plan, or a value outside the measure"),
    )
)]
#[post("")]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    Json(body): Json<CreateEvidence>,
) -> Result<HttpResponse, ApiError> {
    let actor = actor(&req, Some(&principal.user_id));
    let new = app::evidence::NewEvidence {
        criterion_id: CriterionId::from(body.criterion_id),
        year: body.year,
        org_unit_id: body.org_unit_id.map(OrgUnitId::from),
        staff_id: body.staff_id.map(StaffId::from),
        fields: EvidenceFields {
            value: body.value,
            as_of: body.as_of,
            description: body.description,
            links: body.links,
            self_score: body.self_score,
        },
    };
    let e = EvidenceResponse::from(
        super::change(&state.pool, move |tx| {
            app::evidence::create(tx, &principal, &actor, new)
        })
        .await?,
    );
    Ok(tagged(StatusCode::CREATED, e.version, &e))
}

/// Get evidence with its files and its full history.
#[utoipa::path(
    operation_id = "getEvidence",
    tag = "evidence",
    params(("id" = String, Path, description = "Evidence id")),
    responses((status = 200, description = "The evidence", body = EvidenceResponse, headers(("ETag" = String))), (status = 404, description = "No such evidence, or not visible to you"))
)]
#[get("/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = EvidenceId::from(id.into_inner());
    let e = EvidenceResponse::from(
        super::read(&state.pool, move |conn| {
            app::evidence::get(conn, &principal, &id)
        })
        .await?,
    );
    Ok(tagged(StatusCode::OK, e.version, &e))
}

/// Change a draft, or evidence returned for changes.
#[utoipa::path(
    operation_id = "updateEvidence",
    tag = "evidence",
    params(("id" = String, Path, description = "Evidence id"), ("If-Match" = String, Header, description = "The ETag you read")),
    request_body = UpdateEvidence,
    responses(
        (status = 200, description = "The evidence as changed", body = EvidenceResponse, headers(("ETag" = String))),
        (status = 403, description = "You do not act for this subject"),
        (status = 404, description = "No such evidence, or not visible to you"),
        (status = 409, description = "Submitted or decided evidence no longer changes"),
        (status = 412, description = "The evidence changed since you read it"),
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
    Json(body): Json<UpdateEvidence>,
) -> Result<HttpResponse, ApiError> {
    let id = EvidenceId::from(id.into_inner());
    let actor = actor(&req, Some(&principal.user_id));
    let changes = app::evidence::EvidenceChanges {
        value: body.value,
        as_of: body.as_of,
        description: body.description,
        links: body.links,
        self_score: body.self_score,
    };
    let e = EvidenceResponse::from(
        super::change(&state.pool, move |tx| {
            app::evidence::update(tx, &principal, &actor, &id, version, changes)
        })
        .await?,
    );
    Ok(tagged(StatusCode::OK, e.version, &e))
}

/// Move evidence through its workflow: its author submits or withdraws it; an officer in
/// scope, or the head of a unit above the subject, approves, rejects or returns it — never
/// their own.
#[utoipa::path(
    operation_id = "changeEvidenceStatus",
    tag = "evidence",
    params(("id" = String, Path, description = "Evidence id"), ("If-Match" = String, Header, description = "The ETag you read")),
    request_body = ChangeEvidenceStatus,
    responses(
        (status = 200, description = "The evidence in its new status", body = EvidenceResponse, headers(("ETag" = String))),
        (status = 403, description = "Not yours to review (your own evidence, or not above the subject), or not yours to submit"),
        (status = 404, description = "No such evidence, or not visible to you"),
        (status = 409, description = "The workflow does not allow this move"),
        (status = 412, description = "The evidence changed since you read it"),
        (status = 422, description = "A note is missing, or the score is out of range"),
        (status = 428, description = "If-Match is missing"),
    )
)]
#[post("/{id}/status")]
pub async fn change_status(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    Json(body): Json<ChangeEvidenceStatus>,
) -> Result<HttpResponse, ApiError> {
    let id = EvidenceId::from(id.into_inner());
    let actor = actor(&req, Some(&principal.user_id));
    let t = Transition {
        to: body.status,
        note: body.note,
        reviewed_score: body.reviewed_score,
    };
    let e = EvidenceResponse::from(
        super::change(&state.pool, move |tx| {
            app::evidence::change_status(tx, &principal, &actor, &id, version, t)
        })
        .await?,
    );
    Ok(tagged(StatusCode::OK, e.version, &e))
}

/// The upload form, for the documentation: one part named `file`.
#[derive(ToSchema)]
#[expect(dead_code, reason = "documents the multipart body")]
pub struct FileUpload {
    /// PDF, JPEG, PNG, GIF, WebP, TIFF, Word (.doc, .docx), Excel (.xls, .xlsx) or
    /// OpenDocument (.odt, .ods); the type is told from the content and must match the name.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// Attach a file to a draft (or evidence returned for changes), as `multipart/form-data`
/// with one part named `file`. Each content is stored once, by its SHA-256.
#[utoipa::path(
    operation_id = "uploadEvidenceFile",
    tag = "evidence",
    params(("id" = String, Path, description = "Evidence id")),
    request_body(content = FileUpload, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "The evidence with the file attached", body = EvidenceResponse, headers(("ETag" = String))),
        (status = 403, description = "You do not act for this subject"),
        (status = 404, description = "No such evidence, or not visible to you"),
        (status = 409, description = "Submitted or decided evidence no longer changes, or it has 50 files"),
        (status = 413, description = "The file is larger than the configured limit (THIDUA_MAX_FILE_MB)"),
        (status = 415, description = "Not multipart/form-data, or a kind of file that is not accepted"),
        (status = 422, description = "No file part, an empty file, a path for a name, or a content that does not match its name or declared type"),
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
    let id = EvidenceId::from(id.into_inner());
    let accepting =
        move |conn: &mut AnyConnection| Ok(app::evidence::accepting_file(conn, &principal, &id)?);
    let e = uploads::add_checked(
        &state,
        &req,
        payload,
        accepting,
        move |tx, current, f, size| {
            let file = (f.sha256.as_str(), f.name.as_str(), f.content_type, size);
            Ok(app::evidence::add_file(tx, &actor, current, file)?)
        },
    )
    .await
    .map(EvidenceResponse::from)?;
    Ok(tagged(StatusCode::CREATED, e.version, &e))
}

/// Download a file of evidence you may see, with its type and name.
#[utoipa::path(
    operation_id = "downloadEvidenceFile",
    tag = "evidence",
    params(("id" = String, Path, description = "Evidence id"), ("file_id" = String, Path, description = "File id")),
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
    let id = EvidenceId::from(id);
    let file = super::read(&state.pool, move |conn| {
        app::evidence::file(conn, &principal, &id, &file_id)
    })
    .await?;
    let content = state.files.get(&file.sha256).await?;
    Ok(uploads::attachment(
        file.file_name,
        file.content_type,
        content,
    ))
}

/// Take a file off a draft (or evidence returned for changes).
#[utoipa::path(
    operation_id = "removeEvidenceFile",
    tag = "evidence",
    params(
        ("id" = String, Path, description = "Evidence id"),
        ("file_id" = String, Path, description = "File id"),
        ("If-Match" = String, Header, description = "The evidence's ETag"),
    ),
    responses(
        (status = 200, description = "The evidence without the file", body = EvidenceResponse, headers(("ETag" = String))),
        (status = 403, description = "You do not act for this subject"),
        (status = 404, description = "No such file, or not visible to you"),
        (status = 409, description = "Submitted or decided evidence no longer changes"),
        (status = 412, description = "The evidence changed since you read it"),
        (status = 428, description = "If-Match is missing"),
    )
)]
#[delete("/{id}/files/{file_id}")]
pub async fn remove_file(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, String)>,
    IfMatch(version): IfMatch,
) -> Result<HttpResponse, ApiError> {
    let (id, file_id) = path.into_inner();
    let id = EvidenceId::from(id);
    let actor = actor(&req, Some(&principal.user_id));
    let e = EvidenceResponse::from(
        super::change(&state.pool, move |tx| {
            app::evidence::remove_file(tx, &principal, &actor, &id, version, &file_id)
        })
        .await?,
    );
    Ok(tagged(StatusCode::OK, e.version, &e))
}

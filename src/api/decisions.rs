//! `/api/v1/award-decisions` (quyết định khen thưởng) and `/api/v1/awards`: decisions, the
//! awards they grant with their cash, revocation, and the export of a person's awards in
//! the shape of the national civil-servant database.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::AppState;
use crate::api::extract::{IfMatch, Json, Page, Query, actor, tagged};
use crate::api::list::{ListParams, check_year};
use crate::api::validate;
use crate::app;
use crate::auth::{Caller, Principal};
use crate::domain::award_types::AwardKind;
use crate::domain::decisions::{AwardView, Decision, DecisionDetail, GrantStatus};
use crate::domain::plans::Occasion;
use crate::error::ApiError;
use crate::ids::{DecisionId, NominationId, OrgUnitId, StaffId};

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019ab0a4-f300-7000-8000-000000000001", "decision_id": "019ab0a4-f200-7000-8000-000000000001",
    "decision_number": "70/QĐ-UBND", "decided_on": "2026-01-15", "authority": "Chủ tịch UBND tỉnh Nghệ An",
    "nomination_id": "019ab0a4-f000-7000-8000-000000000001", "award_type_id": "019ab0a4-f100-7000-8000-000000000001",
    "award_type_code": "chien_si_thi_dua_cap_tinh", "award_type_name": "Chiến sĩ thi đua cấp tỉnh", "kind": "title",
    "staff_id": "019ab0a4-a300-7000-8000-000000000001", "subject_unit_id": "019ab0a4-a000-7000-8000-000000000003",
    "recipient_name": "Nguyễn Văn An", "year": 2025, "period_from": "2025-01-01", "period_to": "2025-12-31",
    "occasion": "annual", "cash_amount": 7020000, "status": "active", "created_at": "2026-01-15T08:00:00Z"
}))]
pub struct AwardResponse {
    pub id: String,
    pub decision_id: String,
    pub decision_number: String,
    pub decided_on: NaiveDate,
    pub authority: String,
    pub nomination_id: Option<String>,
    pub award_type_id: String,
    pub award_type_code: String,
    pub award_type_name: String,
    pub kind: AwardKind,
    /// The recipient, for an individual.
    pub staff_id: Option<String>,
    /// The recipient unit, or the person's unit.
    pub subject_unit_id: String,
    pub recipient_name: String,
    pub year: i32,
    /// The achievement period the decision writes (later intervals count from it).
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub occasion: Occasion,
    /// VND: the multiple of the base salary in force on the decision date, rounded up to
    /// 10 000 (twice for collectives where the law says so).
    pub cash_amount: i64,
    /// `revoked` when the award or its decision was revoked.
    pub status: GrantStatus,
    pub created_at: DateTime<Utc>,
}

impl From<AwardView> for AwardResponse {
    fn from(v: AwardView) -> Self {
        let status = if v.revoked() {
            GrantStatus::Revoked
        } else {
            GrantStatus::Active
        };
        let a = v.award;
        AwardResponse {
            id: a.id,
            decision_id: a.decision_id.into(),
            decision_number: v.decision_number,
            decided_on: v.decided_on,
            authority: v.authority,
            nomination_id: a.nomination_id.map(Into::into),
            award_type_id: a.award_type_id,
            award_type_code: v.award_type_code,
            award_type_name: v.award_type_name,
            kind: v.award_kind,
            staff_id: a.staff_id.map(Into::into),
            subject_unit_id: a.subject_unit_id.into(),
            recipient_name: a.recipient_name,
            year: a.year,
            period_from: a.period_from,
            period_to: a.period_to,
            occasion: a.occasion,
            cash_amount: a.cash_amount,
            status,
            created_at: a.created_at.and_utc(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019ab0a4-f200-7000-8000-000000000001", "number": "70/QĐ-UBND", "decided_on": "2026-01-15",
    "signer": "Lê Hồng Vinh", "authority": "Chủ tịch UBND tỉnh Nghệ An", "org_unit_id": "019ab0a4-a000-7000-8000-000000000001",
    "award_year": 2025, "period_from": "2025-01-01", "period_to": "2025-12-31", "occasion": "annual",
    "status": "active", "revoked_reason": null, "revoked_at": null, "awards": [], "version": 1,
    "created_at": "2026-01-15T08:00:00Z", "updated_at": "2026-01-15T08:00:00Z"
}))]
pub struct DecisionResponse {
    pub id: String,
    /// Số, ký hiệu: "70/QĐ-UBND".
    pub number: String,
    pub decided_on: NaiveDate,
    pub signer: String,
    /// The issuing authority, as the decision names it.
    pub authority: String,
    /// The unit the decision belongs to.
    pub org_unit_id: String,
    pub award_year: i32,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub occasion: Occasion,
    pub status: GrantStatus,
    pub revoked_reason: Option<String>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// The awards it grants (absent in lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub awards: Option<Vec<AwardResponse>>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl DecisionResponse {
    fn new(d: Decision, awards: Option<Vec<AwardView>>) -> Self {
        DecisionResponse {
            status: d.status,
            occasion: d.occasion,
            id: d.id.into(),
            number: d.number,
            decided_on: d.decided_on,
            signer: d.signer,
            authority: d.authority,
            org_unit_id: d.org_unit_id.into(),
            award_year: d.award_year,
            period_from: d.period_from,
            period_to: d.period_to,
            revoked_reason: d.revoked_reason,
            revoked_at: d.revoked_at.map(|t| t.and_utc()),
            awards: awards.map(|a| a.into_iter().map(Into::into).collect()),
            version: d.version,
            created_at: d.created_at.and_utc(),
            updated_at: d.updated_at.and_utc(),
        }
    }
}

impl From<DecisionDetail> for DecisionResponse {
    fn from(d: DecisionDetail) -> Self {
        DecisionResponse::new(d.decision, Some(d.awards))
    }
}

/// An award recorded directly: for decisions made before the service kept them.
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Recipient {
    /// The award type's code or id.
    #[validate(length(min = 1, max = 100))]
    pub award_type: String,
    #[validate(custom(function = "validate::id"))]
    pub staff_id: Option<String>,
    #[validate(custom(function = "validate::id"))]
    pub org_unit_id: Option<String>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "number": "70/QĐ-UBND", "decided_on": "2026-01-15", "signer": "Lê Hồng Vinh",
    "authority": "Chủ tịch UBND tỉnh Nghệ An", "org_unit_id": "019ab0a4-a000-7000-8000-000000000001",
    "award_year": 2025, "nomination_ids": ["019ab0a4-f000-7000-8000-000000000001"]
}))]
pub struct CreateDecision {
    #[validate(length(min = 1, max = 100), custom(function = "validate::text"))]
    #[schema(min_length = 1, max_length = 100)]
    pub number: String,
    #[validate(custom(function = "validate::date"))]
    pub decided_on: NaiveDate,
    #[validate(length(min = 1, max = 300), custom(function = "validate::text"))]
    #[schema(min_length = 1, max_length = 300)]
    pub signer: String,
    #[validate(length(min = 1, max = 300), custom(function = "validate::text"))]
    #[schema(min_length = 1, max_length = 300)]
    pub authority: String,
    /// The issuing unit (an officer's scope); the nominations are granted at it or below.
    #[validate(custom(function = "validate::id"))]
    pub org_unit_id: String,
    #[validate(range(min = 1900, max = 2200))]
    #[schema(minimum = 1900, maximum = 2200)]
    pub award_year: i32,
    /// Default: 1 January of `award_year`.
    #[validate(custom(function = "validate::date"))]
    pub period_from: Option<NaiveDate>,
    /// Default: 31 December of `award_year`.
    #[validate(custom(function = "validate::date"))]
    pub period_to: Option<NaiveDate>,
    /// Default `annual`.
    pub occasion: Option<Occasion>,
    /// Nominations the council passed (`approved`).
    #[serde(default)]
    #[validate(length(max = 2000), custom(function = "validate::ids"))]
    pub nomination_ids: Vec<String>,
    /// Awards recorded without a nomination: award history from before the service
    /// (admins only, as nothing here was voted).
    #[serde(default)]
    #[validate(length(max = 2000), nested)]
    pub recipients: Vec<Recipient>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "Thu hồi do kê khai thành tích không trung thực (Điều 58 Nghị định 152/2025/NĐ-CP)."}))]
pub struct RevokeDecision {
    #[validate(length(min = 1, max = 4000), custom(function = "validate::text"))]
    #[schema(min_length = 1, max_length = 4000)]
    pub reason: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DecisionQuery {
    #[param(minimum = 1900, maximum = 2200)]
    pub year: Option<i32>,
    /// Decisions of this unit's subtree.
    pub org_unit_id: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AwardQuery {
    pub staff_id: Option<String>,
    /// Recipients in this unit's subtree.
    pub org_unit_id: Option<String>,
    /// An award type's code or id.
    pub award_type: Option<String>,
    #[param(minimum = 1900, maximum = 2200)]
    pub year: Option<i32>,
    pub status: Option<GrantStatus>,
}

/// Issue a decision: it grants nominations the council passed (and may record awards
/// decided before the service), each with its cash. Officers of the issuing unit.
#[utoipa::path(
    operation_id = "createAwardDecision",
    tag = "award-decisions",
    request_body = CreateDecision,
    responses(
        (status = 201, description = "The award decision created", body = DecisionResponse, headers(("ETag" = String))),
        (status = 403, description = "Only officers of the issuing unit issue its decisions; only admins record past awards"),
        (status = 409, description = "A nomination did not pass the council, its nominee is under discipline, or the number is taken"),
        (status = 422, description = "Invalid fields: an unknown nomination or recipient, an award of the wrong kind, no base salary in force on the date"),
    )
)]
#[post("")]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    Json(body): Json<CreateDecision>,
) -> Result<HttpResponse, ApiError> {
    let actor = actor(&req, Some(&principal.user_id));
    let new = app::decisions::NewDecision {
        number: body.number,
        decided_on: body.decided_on,
        signer: body.signer,
        authority: body.authority,
        org_unit_id: OrgUnitId::from(body.org_unit_id),
        award_year: body.award_year,
        period_from: body.period_from,
        period_to: body.period_to,
        occasion: body.occasion,
        nomination_ids: body
            .nomination_ids
            .into_iter()
            .map(NominationId::from)
            .collect(),
        recipients: body
            .recipients
            .into_iter()
            .map(|r| app::decisions::PastRecipient {
                award_type: r.award_type,
                staff_id: r.staff_id.map(StaffId::from),
                org_unit_id: r.org_unit_id.map(OrgUnitId::from),
            })
            .collect(),
    };
    let d = super::change(&state.pool, move |tx| {
        app::decisions::create(tx, &principal, &actor, new)
    })
    .await?;
    Ok(tagged(
        StatusCode::CREATED,
        d.decision.version,
        &DecisionResponse::from(d),
    ))
}

/// List decisions of units you see, newest first (`q` searches the number).
#[utoipa::path(
    operation_id = "listAwardDecisions",
    tag = "award-decisions",
    params(ListParams, DecisionQuery),
    responses((status = 200, description = "One page of award decisions, with the total", body = Page<DecisionResponse>), (status = 422, description = "Invalid parameters"))
)]
#[get("")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    Query(params): Query<ListParams>,
    Query(query): Query<DecisionQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = params.page()?;
    let year = check_year(query.year)?;
    let unit = query.org_unit_id.map(OrgUnitId::from);
    let (items, total) = super::read(&state.pool, move |conn| {
        app::decisions::list(conn, &principal, params.q(), year, unit.as_ref(), page)
    })
    .await?;
    Ok(Page::of(items, total, page, |d| DecisionResponse::new(d, None)).respond(&req))
}

/// Get a decision with the awards you may see.
#[utoipa::path(
    operation_id = "getAwardDecision",
    tag = "award-decisions",
    params(("id" = String, Path, description = "Decision id")),
    responses((status = 200, description = "The award decision", body = DecisionResponse, headers(("ETag" = String))), (status = 404, description = "No such decision, or not visible to you"))
)]
#[get("/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = DecisionId::from(id.into_inner());
    let d = super::read(&state.pool, move |conn| {
        app::decisions::get(conn, &principal, &id)
    })
    .await?;
    Ok(tagged(
        StatusCode::OK,
        d.decision.version,
        &DecisionResponse::from(d),
    ))
}

/// Revoke a decision (thu hồi) with its reason: its awards are revoked too, and their
/// credentials verify as revoked.
#[utoipa::path(
    operation_id = "revokeAwardDecision",
    tag = "award-decisions",
    params(("id" = String, Path, description = "Decision id"), ("If-Match" = String, Header, description = "The ETag you read")),
    request_body = RevokeDecision,
    responses(
        (status = 200, description = "The decision, revoked with its awards", body = DecisionResponse, headers(("ETag" = String))),
        (status = 403, description = "Only officers of the issuing unit revoke its decisions"),
        (status = 404, description = "No such decision, or not visible to you"),
        (status = 409, description = "Already revoked"),
        (status = 412, description = "The decision changed since you read it"),
        (status = 428, description = "If-Match is missing"),
    )
)]
#[post("/{id}/revoke")]
pub async fn revoke(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    Json(body): Json<RevokeDecision>,
) -> Result<HttpResponse, ApiError> {
    let id = DecisionId::from(id.into_inner());
    let actor = actor(&req, Some(&principal.user_id));
    let d = super::change(&state.pool, move |tx| {
        app::decisions::revoke(tx, &principal, &actor, &id, version, &body.reason)
    })
    .await?;
    Ok(tagged(
        StatusCode::OK,
        d.decision.version,
        &DecisionResponse::from(d),
    ))
}

/// Search awards by person (`q` ignores diacritics), unit, type and year.
#[utoipa::path(
    operation_id = "listAwards",
    tag = "awards",
    params(ListParams, AwardQuery),
    responses((status = 200, description = "One page of awards, with the total", body = Page<AwardResponse>), (status = 422, description = "Invalid parameters"))
)]
#[get("")]
pub async fn list_awards(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    Query(params): Query<ListParams>,
    Query(query): Query<AwardQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = params.page()?;
    let year = check_year(query.year)?;
    let query = app::decisions::AwardQuery {
        q: params.q(),
        staff_id: query.staff_id.map(StaffId::from),
        org_unit_id: query.org_unit_id.map(OrgUnitId::from),
        award_type: query.award_type,
        year,
        status: query.status,
    };
    let (items, total) = super::read(&state.pool, move |conn| {
        app::decisions::list_awards(conn, &caller, query, page)
    })
    .await?;
    Ok(Page::of(items, total, page, AwardResponse::from).respond(&req))
}

/// Get an award.
#[utoipa::path(
    operation_id = "getAward",
    tag = "awards",
    params(("id" = String, Path, description = "Award id")),
    responses((status = 200, description = "The award", body = AwardResponse), (status = 404, description = "No such award, or not visible to you"))
)]
#[get("/{id}")]
pub async fn get_award(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let a = super::read(&state.pool, move |conn| {
        app::decisions::get_award(conn, &caller, &id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(AwardResponse::from(a)))
}

/// One award as the national civil-servant database (CSDLQG CBCCVC) keeps it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "so_quyet_dinh": "70/QĐ-UBND", "ngay_quyet_dinh": "15/01/2026", "nam_khen_thuong": 2025,
    "co_quan_ban_hanh": "Chủ tịch UBND tỉnh Nghệ An", "loai_khen_thuong": "Chính quyền",
    "hinh_thuc": "Danh hiệu thi đua", "danh_hieu_hinh_thuc": "Chiến sĩ thi đua cấp tỉnh"
}))]
pub struct CivilServantAward {
    pub so_quyet_dinh: String,
    /// dd/mm/yyyy.
    pub ngay_quyet_dinh: String,
    pub nam_khen_thuong: i32,
    pub co_quan_ban_hanh: String,
    /// Đảng / Chính quyền / Đoàn thể / Khác: decisions of this service are Chính quyền.
    pub loai_khen_thuong: String,
    /// Danh hiệu thi đua or Hình thức khen thưởng.
    pub hinh_thuc: String,
    pub danh_hieu_hinh_thuc: String,
}

impl From<&AwardView> for CivilServantAward {
    fn from(v: &AwardView) -> Self {
        CivilServantAward {
            so_quyet_dinh: v.decision_number.clone(),
            ngay_quyet_dinh: v.decided_on.format("%d/%m/%Y").to_string(),
            nam_khen_thuong: v.award.year,
            co_quan_ban_hanh: v.authority.clone(),
            loai_khen_thuong: "Chính quyền".into(),
            hinh_thuc: match v.award_kind {
                AwardKind::Title => "Danh hiệu thi đua".into(),
                AwardKind::Form => "Hình thức khen thưởng".into(),
            },
            danh_hieu_hinh_thuc: v.award_type_name.clone(),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `json` (default) or `csv`.
    #[param(inline, value_type = Option<AwardsFormat>)]
    pub format: Option<String>,
}

/// The forms a staff member's awards come in.
#[derive(Debug, PartialEq, Eq, ToSchema)]
pub enum AwardsFormat {
    #[schema(rename = "json")]
    Json,
    #[schema(rename = "csv")]
    Csv,
}

impl AwardsFormat {
    fn named(name: Option<&str>) -> Result<AwardsFormat, ApiError> {
        match name {
            None | Some("json") => Ok(AwardsFormat::Json),
            Some("csv") => Ok(AwardsFormat::Csv),
            Some(_) => Err(ApiError::invalid(
                "format",
                "unknown",
                "the format is json or csv",
            )),
        }
    }
}

/// Export a staff member's awards in force in the shape of the national civil-servant
/// database (số QĐ, ngày, năm, cơ quan ban hành, loại, danh hiệu or hình thức), as JSON or
/// CSV.
#[utoipa::path(
    operation_id = "listStaffAwards",
    tag = "awards",
    params(("id" = String, Path, description = "Staff id"), ExportQuery),
    responses(
        (status = 200, description = "The awards in force, oldest decision last", content(
            (Vec<CivilServantAward> = "application/json"),
            (String = "text/csv", example = "so_quyet_dinh,ngay_quyet_dinh,nam_khen_thuong,co_quan_ban_hanh,loai_khen_thuong,hinh_thuc,danh_hieu_hinh_thuc\n70/QĐ-UBND,15/01/2026,2025,Chủ tịch UBND tỉnh Nghệ An,Chính quyền,Danh hiệu thi đua,Chiến sĩ thi đua cấp tỉnh\n"),
        )),
        (status = 404, description = "No such staff member, or not visible to you"),
        (status = 422, description = "An unknown format"),
    )
)]
#[get("/{id}/awards")]
pub async fn staff_awards(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    Query(query): Query<ExportQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = StaffId::from(id.into_inner());
    let csv = AwardsFormat::named(query.format.as_deref())? == AwardsFormat::Csv;
    let awards = super::read(&state.pool, move |conn| {
        app::decisions::awards_in_force(conn, &principal, &id)
    })
    .await?;
    let rows: Vec<CivilServantAward> = awards.iter().map(CivilServantAward::from).collect();
    if !csv {
        return Ok(HttpResponse::Ok().json(rows));
    }
    let mut out = crate::api::report_formats::csv_writer(Vec::new());
    let none = rows.is_empty();
    for r in rows {
        // Decision numbers, authorities and award names are typed by people.
        let safe = crate::api::report_formats::csv_safe_text;
        let r = CivilServantAward {
            so_quyet_dinh: safe(&r.so_quyet_dinh),
            co_quan_ban_hanh: safe(&r.co_quan_ban_hanh),
            danh_hieu_hinh_thuc: safe(&r.danh_hieu_hinh_thuc),
            ..r
        };
        out.serialize(r).map_err(ApiError::internal)?;
    }
    if none {
        out.write_record([
            "so_quyet_dinh",
            "ngay_quyet_dinh",
            "nam_khen_thuong",
            "co_quan_ban_hanh",
            "loai_khen_thuong",
            "hinh_thuc",
            "danh_hieu_hinh_thuc",
        ])
        .map_err(ApiError::internal)?;
    }
    let body = out.into_inner().map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .body(body))
}

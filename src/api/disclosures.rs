//! `/api/v1/disclosures` (công khai): officers publish the candidates waiting for their
//! council; `/api/v1/public/disclosures`: anyone reads them and, while they are open,
//! sends feedback, without logging in.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::AppState;
use crate::api::calendar::check_date;
use crate::api::extract::{Json, Page, Query, actor, tagged};
use crate::api::list::ListParams;
use crate::api::validate;
use crate::app::{self, disclosures::PublicDetail};
use crate::auth::Principal;
use crate::auth::throttle::{self, Allowance, Counter};
use crate::domain::disclosures::{Candidate, Disclosure, DisclosureDetail, Feedback};
use crate::domain::{PageRequest, today};
use crate::error::ApiError;
use crate::ids::{NominationId, OrgUnitId};

/// Feedback posts a client address may send per hour.
pub const FEEDBACK_PER_HOUR: i32 = 30;

/// Bounds the feedback anyone can post without logging in, per client address: counted in
/// the database, so the allowance holds across workers and instances (`auth::throttle`).
fn feedback_counter(address: &str) -> Counter {
    let allowance = Allowance {
        attempts: FEEDBACK_PER_HOUR,
        window: chrono::TimeDelta::hours(1),
    };
    Counter::new("feedback-address", address, allowance)
}

/// Paging of a list that takes no search or sort.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1000000, default = 1)]
    pub page: Option<i64>,
    /// Items per page, at most 200.
    #[param(minimum = 1, maximum = 200, default = 50)]
    pub per_page: Option<i64>,
}

impl PageQuery {
    fn page(&self) -> Result<PageRequest, ApiError> {
        ListParams {
            page: self.page,
            per_page: self.per_page,
            q: None,
            updated_since: None,
        }
        .page()
    }
}

// Officers --------------------------------------------------------------------------------

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019ab0a4-d000-7000-8000-000000000001",
    "title": "Công khai danh sách đề nghị khen thưởng năm 2025 của Văn phòng UBND tỉnh",
    "org_unit_id": "019ab0a4-a000-7000-8000-000000000002", "starts_on": "2026-03-02", "ends_on": "2026-03-13",
    "working_days": 10, "open": true, "nomination_ids": ["019ab0a4-f000-7000-8000-000000000001"],
    "created_by": "019ab0a4-a200-7000-8000-000000000002", "version": 1,
    "created_at": "2026-03-02T01:00:00Z", "updated_at": "2026-03-02T01:00:00Z"
}))]
pub struct DisclosureResponse {
    pub id: String,
    pub title: String,
    /// The unit whose officers publish it; its candidates are granted inside this unit.
    pub org_unit_id: String,
    /// The first day of publication.
    pub starts_on: NaiveDate,
    /// The last day: the `working_days`-th working day counting `starts_on` (or the first
    /// working day after it).
    pub ends_on: NaiveDate,
    pub working_days: i32,
    /// Feedback is taken today.
    pub open: bool,
    /// The published nominations (absent in lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nomination_ids: Option<Vec<String>>,
    pub created_by: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl DisclosureResponse {
    fn new(d: Disclosure, nomination_ids: Option<Vec<String>>) -> Self {
        let open = d.is_open(today());
        let Disclosure {
            id,
            title,
            org_unit_id,
            starts_on,
            ends_on,
            working_days,
            created_by,
            version,
            created_at,
            updated_at,
        } = d;
        DisclosureResponse {
            id,
            title,
            org_unit_id: org_unit_id.into(),
            starts_on,
            ends_on,
            working_days,
            open,
            nomination_ids,
            created_by: created_by.map(Into::into),
            version,
            created_at: created_at.and_utc(),
            updated_at: updated_at.and_utc(),
        }
    }
}

impl From<DisclosureDetail> for DisclosureResponse {
    fn from(d: DisclosureDetail) -> Self {
        DisclosureResponse::new(
            d.disclosure,
            Some(d.nomination_ids.into_iter().map(Into::into).collect()),
        )
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "title": "Công khai danh sách đề nghị khen thưởng năm 2025 của Văn phòng UBND tỉnh",
    "org_unit_id": "019ab0a4-a000-7000-8000-000000000002",
    "nomination_ids": ["019ab0a4-f000-7000-8000-000000000001"]
}))]
pub struct CreateDisclosure {
    #[validate(length(min = 1, max = 500), custom(function = "validate::text"))]
    #[schema(min_length = 1, max_length = 500)]
    pub title: String,
    /// The publishing unit: the candidates' granting units lie inside it.
    #[validate(custom(function = "validate::id"))]
    pub org_unit_id: String,
    /// The first day of publication: today (the default) or later.
    pub starts_on: Option<NaiveDate>,
    /// Working days of publication (1 to 1000). Default: the most the candidates' rules
    /// ask (`disclosure_working_days`), or 10; fewer than the rules ask is refused.
    #[validate(range(min = 1, max = 1000))]
    #[schema(minimum = 1, maximum = 1000)]
    pub working_days: Option<u32>,
    /// Nominations in `council_review`, granted inside the unit.
    #[validate(length(min = 1, max = 500), custom(function = "validate::ids"))]
    pub nomination_ids: Vec<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DisclosureQuery {
    /// Disclosures of this unit and the units below it.
    pub org_unit_id: Option<String>,
    /// Only those taking feedback today (`true`) or not (`false`).
    pub open: Option<bool>,
}

/// List the disclosures of the units below or above you, newest first.
#[utoipa::path(
    operation_id = "listDisclosures",
    tag = "disclosures",
    params(PageQuery, DisclosureQuery),
    responses((status = 200, description = "One page of disclosures, with the total", body = Page<DisclosureResponse>), (status = 422, description = "Invalid parameters"))
)]
#[get("")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    Query(paging): Query<PageQuery>,
    Query(query): Query<DisclosureQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = paging.page()?;
    let query = app::disclosures::ListQuery {
        org_unit_id: query.org_unit_id.map(OrgUnitId::from),
        open: query.open,
    };
    let (items, total) = super::read(&state.pool, move |conn| {
        app::disclosures::list(conn, &principal, query, page)
    })
    .await?;
    Ok(Page::of(items, total, page, |d| DisclosureResponse::new(d, None)).respond(&req))
}

/// Publish nominations waiting for their council (officers of the unit). Each moves to
/// `disclosed`; the period ends on its last working day.
#[utoipa::path(
    operation_id = "createDisclosure",
    tag = "disclosures",
    request_body = CreateDisclosure,
    responses(
        (status = 201, description = "The disclosure created", body = DisclosureResponse, headers(("ETag" = String))),
        (status = 403, description = "Only officers of the unit publish its candidates"),
        (status = 409, description = "A nomination is not in council_review (`errors` names it)"),
        (status = 412, description = "A nomination changed while it was being published"),
        (status = 422, description = "Invalid fields; a nomination you do not see or granted outside the unit; a start in the past; fewer working days than the rules ask"),
    )
)]
#[post("")]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    Json(body): Json<CreateDisclosure>,
) -> Result<HttpResponse, ApiError> {
    let actor = actor(&req, Some(&principal.user_id));
    let starts_on = body
        .starts_on
        .map(|day| check_date("starts_on", day))
        .transpose()?;
    let new = app::disclosures::NewDisclosure {
        title: body.title,
        org_unit_id: OrgUnitId::from(body.org_unit_id),
        starts_on,
        working_days: body.working_days,
        nomination_ids: body
            .nomination_ids
            .into_iter()
            .map(NominationId::from)
            .collect(),
    };
    let d = super::change(&state.pool, move |tx| {
        app::disclosures::create(tx, &principal, &actor, new)
    })
    .await?;
    Ok(tagged(
        StatusCode::CREATED,
        d.disclosure.version,
        &DisclosureResponse::from(d),
    ))
}

/// Get a disclosure with its nominations.
#[utoipa::path(
    operation_id = "getDisclosure",
    tag = "disclosures",
    params(("id" = String, Path, description = "Disclosure id")),
    responses((status = 200, description = "The disclosure", body = DisclosureResponse, headers(("ETag" = String))), (status = 404, description = "No such disclosure, or not visible to you"))
)]
#[get("/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let d = super::read(&state.pool, move |conn| {
        app::disclosures::get(conn, &principal, &id)
    })
    .await?;
    Ok(tagged(
        StatusCode::OK,
        d.disclosure.version,
        &DisclosureResponse::from(d),
    ))
}

/// Feedback from the public, as the council's minutes report it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019ab0a4-d100-7000-8000-000000000001", "nomination_id": "019ab0a4-f000-7000-8000-000000000001",
    "author_name": "Nguyễn Thị Hoa", "contact": "0912 345 678",
    "content": "Đồng chí An tích cực hỗ trợ người dân làm thủ tục trực tuyến.", "received_at": "2026-03-03T02:00:00Z"
}))]
pub struct FeedbackResponse {
    pub id: String,
    /// The candidate it is about; absent for the whole list.
    pub nomination_id: Option<String>,
    pub author_name: Option<String>,
    /// As the author gave it: personal data.
    pub contact: Option<String>,
    pub content: String,
    pub received_at: DateTime<Utc>,
}

impl From<Feedback> for FeedbackResponse {
    fn from(f: Feedback) -> Self {
        let Feedback {
            id,
            disclosure_id: _,
            nomination_id,
            author_name,
            contact,
            content,
            received_at,
        } = f;
        FeedbackResponse {
            id,
            nomination_id: nomination_id.map(Into::into),
            author_name,
            contact,
            content,
            received_at: received_at.and_utc(),
        }
    }
}

/// Read the feedback a disclosure received, in the order it came (officers of its unit:
/// it may hold personal contact data).
#[utoipa::path(
    operation_id = "listDisclosureFeedback",
    tag = "disclosures",
    params(("id" = String, Path, description = "Disclosure id"), PageQuery),
    responses(
        (status = 200, description = "One page of public feedback on the disclosure, with the total", body = Page<FeedbackResponse>),
        (status = 403, description = "Only officers of the unit read its feedback"),
        (status = 404, description = "No such disclosure, or not visible to you"),
        (status = 422, description = "Invalid parameters"),
    )
)]
#[get("/{id}/feedback")]
pub async fn feedback(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    Query(paging): Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = paging.page()?;
    let (items, total) = super::read(&state.pool, move |conn| {
        app::disclosures::feedback(conn, &principal, &id, page)
    })
    .await?;
    Ok(Page::of(items, total, page, FeedbackResponse::from).respond(&req))
}

// Public ----------------------------------------------------------------------------------

/// A published candidate: the nominee's name and unit, the award and the achievements,
/// nothing else about the person.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "nomination_id": "019ab0a4-f000-7000-8000-000000000001", "nominee_name": "Nguyễn Văn An",
    "unit_name": "Phòng Tổng hợp", "award_type_name": "Chiến sĩ thi đua cơ sở", "year": 2025,
    "summary": "Hoàn thành xuất sắc nhiệm vụ; sáng kiến số hóa hồ sơ một cửa được công nhận cấp cơ sở."
}))]
pub struct CandidateResponse {
    /// Names the candidate in feedback.
    pub nomination_id: String,
    /// The staff member's full name, or the unit's name for a collective.
    pub nominee_name: String,
    /// The nominee's unit.
    pub unit_name: String,
    pub award_type_name: String,
    pub year: i32,
    /// The achievements reported.
    pub summary: String,
}

impl From<Candidate> for CandidateResponse {
    fn from(c: Candidate) -> Self {
        let Candidate {
            nomination_id,
            nominee_name,
            unit_name,
            award_type_name,
            year,
            summary,
        } = c;
        CandidateResponse {
            nomination_id: nomination_id.into(),
            nominee_name,
            unit_name,
            award_type_name,
            year,
            summary,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019ab0a4-d000-7000-8000-000000000001",
    "title": "Công khai danh sách đề nghị khen thưởng năm 2025 của Văn phòng UBND tỉnh",
    "unit_name": "Văn phòng UBND tỉnh", "starts_on": "2026-03-02", "ends_on": "2026-03-13",
    "working_days": 10, "open": true,
    "candidates": [{"nomination_id": "019ab0a4-f000-7000-8000-000000000001", "nominee_name": "Nguyễn Văn An",
        "unit_name": "Phòng Tổng hợp", "award_type_name": "Chiến sĩ thi đua cơ sở", "year": 2025,
        "summary": "Hoàn thành xuất sắc nhiệm vụ."}]
}))]
pub struct PublicDisclosure {
    pub id: String,
    pub title: String,
    /// The publishing unit.
    pub unit_name: String,
    pub starts_on: NaiveDate,
    /// Feedback is taken up to this day, included.
    pub ends_on: NaiveDate,
    pub working_days: i32,
    /// Feedback is taken today.
    pub open: bool,
    /// The candidates (absent in lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub candidates: Option<Vec<CandidateResponse>>,
}

impl PublicDisclosure {
    fn new(d: Disclosure, unit_name: String, candidates: Option<Vec<Candidate>>) -> Self {
        PublicDisclosure {
            open: d.is_open(today()),
            id: d.id,
            title: d.title,
            unit_name,
            starts_on: d.starts_on,
            ends_on: d.ends_on,
            working_days: d.working_days,
            candidates: candidates.map(|c| c.into_iter().map(CandidateResponse::from).collect()),
        }
    }
}

impl From<PublicDetail> for PublicDisclosure {
    fn from(p: PublicDetail) -> Self {
        PublicDisclosure::new(p.disclosure, p.unit_name, Some(p.candidates))
    }
}

/// List the published disclosures, newest first (no login).
#[utoipa::path(
    operation_id = "listPublicDisclosures",
    tag = "public",
    params(PageQuery),
    responses((status = 200, description = "One page of published disclosures, with the total", body = Page<PublicDisclosure>), (status = 422, description = "Invalid parameters"))
)]
#[get("")]
pub async fn public_list(
    req: HttpRequest,
    state: web::Data<AppState>,
    Query(paging): Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = paging.page()?;
    let (items, total) = super::read(&state.pool, move |conn| {
        app::disclosures::public_list(conn, page)
    })
    .await?;
    Ok(Page::of(items, total, page, |(d, unit)| {
        PublicDisclosure::new(d, unit, None)
    })
    .respond(&req))
}

/// Read a published disclosure with its candidates (no login).
#[utoipa::path(
    operation_id = "getPublicDisclosure",
    tag = "public",
    params(("id" = String, Path, description = "Disclosure id")),
    responses((status = 200, description = "The published disclosure", body = PublicDisclosure), (status = 404, description = "No such disclosure"))
)]
#[get("/{id}")]
pub async fn public_get(
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let public = PublicDisclosure::from(
        super::read(&state.pool, move |conn| {
            app::disclosures::public_get(conn, &id)
        })
        .await?,
    );
    Ok(HttpResponse::Ok().json(public))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "nomination_id": "019ab0a4-f000-7000-8000-000000000001", "author_name": "Nguyễn Thị Hoa",
    "contact": "0912 345 678", "content": "Đồng chí An tích cực hỗ trợ người dân làm thủ tục trực tuyến."
}))]
pub struct PostFeedback {
    /// The candidate it is about; leave out for the whole list.
    #[validate(custom(function = "validate::id"))]
    pub nomination_id: Option<String>,
    #[validate(length(min = 1, max = 200), custom(function = "validate::text"))]
    #[schema(min_length = 1, max_length = 200)]
    pub author_name: Option<String>,
    /// A telephone number or an address to answer to; read only by the unit's officers.
    #[validate(length(min = 1, max = 200), custom(function = "validate::text"))]
    #[schema(min_length = 1, max_length = 200)]
    pub contact: Option<String>,
    #[validate(length(min = 1, max = 4000), custom(function = "validate::text"))]
    #[schema(min_length = 1, max_length = 4000)]
    pub content: String,
}

/// What the sender of feedback gets back.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "019ab0a4-d100-7000-8000-000000000001", "disclosure_id": "019ab0a4-d000-7000-8000-000000000001",
    "nomination_id": null, "received_at": "2026-03-03T02:00:00Z"}))]
pub struct FeedbackReceipt {
    pub id: String,
    pub disclosure_id: String,
    pub nomination_id: Option<String>,
    pub received_at: DateTime<Utc>,
}

/// Send feedback on a disclosure while it is open (no login), about one candidate or the
/// whole list. Posts are limited per client address.
#[utoipa::path(
    operation_id = "postPublicFeedback",
    tag = "public",
    params(("id" = String, Path, description = "Disclosure id")),
    request_body = PostFeedback,
    responses(
        (status = 201, description = "The feedback received", body = FeedbackReceipt),
        (status = 404, description = "No such disclosure"),
        (status = 409, description = "The disclosure is not open today (`disclosure_closed`)"),
        (status = 422, description = "Invalid fields, or a nomination that is not a candidate of this disclosure"),
        (status = 429, description = "Too many posts from your address: `Retry-After` (seconds) and the problem's `retry_at` (UTC) say when to try again"),
    )
)]
#[post("/{id}/feedback")]
pub async fn post_feedback(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    Json(body): Json<PostFeedback>,
) -> Result<HttpResponse, ApiError> {
    let address = req
        .peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_else(|| "unknown".into());
    throttle::begin(&state.pool, vec![feedback_counter(&address)]).await?;
    let actor = actor(&req, None);
    let new = app::disclosures::NewFeedback {
        nomination_id: body.nomination_id.map(NominationId::from),
        author_name: body.author_name,
        contact: body.contact,
        content: body.content,
    };
    let f = super::change(&state.pool, move |tx| {
        app::disclosures::add_feedback(tx, &actor, &id, new)
    })
    .await?;
    Ok(HttpResponse::Created().json(FeedbackReceipt {
        id: f.id,
        disclosure_id: f.disclosure_id,
        nomination_id: f.nomination_id.map(Into::into),
        received_at: f.received_at.and_utc(),
    }))
}

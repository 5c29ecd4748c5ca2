//! `/api/v1/registrations` (đăng ký thi đua) and a plan's yearly registration deadlines.

use actix_web::FromRequest;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, put, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::AppState;
use crate::api::extract::{IfMatch, Json, Page, Query, actor, double_option, present, tagged};
use crate::api::list::{ListParams, check_year};
use crate::api::validate;
use crate::app;
use crate::auth::Principal;
use crate::domain::criteria::CriterionSubject;
use crate::domain::registrations::{
    self, Deadline, DeadlineFields, Registration, RegistrationChange, RegistrationStatus, Title,
};
use crate::error::ApiError;
use crate::ids::{OrgUnitId, PlanId, StaffId};

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019ab0a4-c000-7000-8000-000000000001", "plan_id": "019ab0a4-b000-7000-8000-000000000001",
    "year": 2026, "subject": "individual", "org_unit_id": "019ab0a4-a000-7000-8000-000000000002",
    "staff_id": "019ab0a4-a100-7000-8000-000000000003", "titles": ["lao_dong_tien_tien", "chien_si_thi_dua_co_so"],
    "note": null, "status": "active", "registered_by": "019ab0a4-a200-7000-8000-000000000004", "version": 1,
    "created_at": "2026-02-10T08:00:00Z", "updated_at": "2026-02-10T08:00:00Z"
}))]
pub struct RegistrationResponse {
    pub id: String,
    pub plan_id: String,
    pub year: i32,
    pub subject: CriterionSubject,
    /// The unit registered, or the staff member's unit.
    pub org_unit_id: String,
    pub staff_id: Option<String>,
    /// The titles pledged.
    pub titles: Vec<Title>,
    pub note: Option<String>,
    pub status: RegistrationStatus,
    /// The account that registered.
    pub registered_by: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Registration> for RegistrationResponse {
    fn from(r: Registration) -> Self {
        let titles = r.titles();
        let Registration {
            id,
            plan_id,
            year,
            subject,
            org_unit_id,
            staff_id,
            titles: _,
            note,
            status,
            registered_by,
            version,
            created_at,
            updated_at,
        } = r;
        RegistrationResponse {
            id,
            plan_id: plan_id.into(),
            year,
            subject,
            org_unit_id: org_unit_id.into(),
            staff_id: staff_id.map(Into::into),
            titles,
            note,
            status,
            registered_by: registered_by.map(Into::into),
            version,
            created_at: created_at.and_utc(),
            updated_at: updated_at.and_utc(),
        }
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"plan_id": "019ab0a4-b000-7000-8000-000000000001", "year": 2026, "subject": "collective",
    "org_unit_id": "019ab0a4-a000-7000-8000-000000000002", "titles": ["tap_the_lao_dong_xuat_sac"]}))]
pub struct CreateRegistration {
    #[validate(custom(function = "validate::id"))]
    pub plan_id: String,
    #[validate(range(min = 1900, max = 2200))]
    pub year: i32,
    pub subject: CriterionSubject,
    /// For a collective registration: the unit.
    #[validate(custom(function = "validate::id"))]
    pub org_unit_id: Option<String>,
    /// For an individual registration: the staff member.
    #[validate(custom(function = "validate::id"))]
    pub staff_id: Option<String>,
    /// The titles pledged, suited to the subject.
    #[validate(length(min = 1, max = 8))]
    pub titles: Vec<Title>,
    #[validate(length(max = 4000))]
    #[schema(max_length = 4000)]
    pub note: Option<String>,
}

#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"status": "withdrawn"}))]
pub struct UpdateRegistration {
    #[serde(default, deserialize_with = "present")]
    #[validate(length(min = 1, max = 8))]
    #[schema(nullable = false)]
    pub titles: Option<Vec<Title>>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(length(max = 4000))]
    #[schema(value_type = Option<String>, max_length = 4000)]
    pub note: Option<Option<String>>,
    /// `withdrawn` takes the pledge back; `active` renews it.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub status: Option<RegistrationStatus>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RegistrationQuery {
    pub plan_id: Option<String>,
    #[param(minimum = 1900, maximum = 2200)]
    pub year: Option<i32>,
    pub subject: Option<CriterionSubject>,
    pub status: Option<RegistrationStatus>,
    /// Registrations pledging this title.
    pub title: Option<Title>,
    /// Registrations of this unit, the units below it and their staff.
    pub org_unit_id: Option<String>,
    pub staff_id: Option<String>,
}

/// List the registrations you may see, newest first.
#[utoipa::path(
    operation_id = "listRegistrations",
    tag = "registrations",
    params(ListParams, RegistrationQuery),
    responses((status = 200, description = "One page of registrations, with the total", body = Page<RegistrationResponse>), (status = 422, description = "Invalid parameters"))
)]
#[get("")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    Query(params): Query<ListParams>,
    Query(query): Query<RegistrationQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = params.page()?;
    let year = check_year(query.year)?;
    let query = app::registrations::ListQuery {
        plan_id: query.plan_id.map(PlanId::from),
        year,
        subject: query.subject,
        status: query.status,
        title: query.title,
        org_unit_id: query.org_unit_id.map(OrgUnitId::from),
        staff_id: query.staff_id.map(StaffId::from),
        updated_since: params.updated_since(),
    };
    let (items, total) = super::read(&state.pool, move |conn| {
        app::registrations::list(conn, &principal, query, page)
    })
    .await?;
    Ok(Page::of(items, total, page, RegistrationResponse::from).respond(&req))
}

/// Register a unit or a staff member for a plan's year, with the titles pledged.
/// Unit heads register their units and staff; a staff member may register themself.
#[utoipa::path(
    operation_id = "createRegistration",
    tag = "registrations",
    request_body = CreateRegistration,
    responses(
        (status = 201, description = "The registration created", body = RegistrationResponse, headers(("ETag" = String))),
        (status = 403, description = "You do not register for this subject"),
        (status = 409, description = "Already registered, registration closed, or the plan is not running"),
        (status = 422, description = "Invalid fields, a subject outside the plan or your scope, or titles that do not suit the subject"),
    )
)]
#[post("")]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    Json(body): Json<CreateRegistration>,
) -> Result<HttpResponse, ApiError> {
    let actor = actor(&req, Some(&principal.user_id));
    let new = app::registrations::NewRegistration {
        plan_id: PlanId::from(body.plan_id),
        year: body.year,
        subject: body.subject,
        org_unit_id: body.org_unit_id.map(OrgUnitId::from),
        staff_id: body.staff_id.map(StaffId::from),
        titles: body.titles,
        note: body.note,
    };
    let r = super::change(&state.pool, move |tx| {
        app::registrations::create(tx, &principal, &actor, new)
    })
    .await?;
    Ok(tagged(
        StatusCode::CREATED,
        r.version,
        &RegistrationResponse::from(r),
    ))
}

/// Get a registration.
#[utoipa::path(
    operation_id = "getRegistration",
    tag = "registrations",
    params(("id" = String, Path, description = "Registration id")),
    responses((status = 200, description = "The registration", body = RegistrationResponse, headers(("ETag" = String))), (status = 404, description = "No such registration, or not visible to you"))
)]
#[get("/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let r = super::read(&state.pool, move |conn| {
        app::registrations::get(conn, &principal, &id)
    })
    .await?;
    Ok(tagged(
        StatusCode::OK,
        r.version,
        &RegistrationResponse::from(r),
    ))
}

/// Change the titles or the note, or withdraw (and renew) a registration — until the deadline.
#[utoipa::path(
    operation_id = "updateRegistration",
    tag = "registrations",
    params(("id" = String, Path, description = "Registration id"), ("If-Match" = String, Header, description = "The ETag you read")),
    request_body = UpdateRegistration,
    responses(
        (status = 200, description = "The registration as changed", body = RegistrationResponse, headers(("ETag" = String))),
        (status = 403, description = "You do not register for this subject"),
        (status = 404, description = "No such registration, or not visible to you"),
        (status = 409, description = "Registration closed, or the plan is not running"),
        (status = 412, description = "The registration changed since you read it"),
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
    Json(body): Json<UpdateRegistration>,
) -> Result<HttpResponse, ApiError> {
    let actor = actor(&req, Some(&principal.user_id));
    let change = RegistrationChange {
        titles: body.titles,
        note: body.note,
        status: body.status,
    };
    let r = super::change(&state.pool, move |tx| {
        app::registrations::update(tx, &principal, &actor, &id, version, change)
    })
    .await?;
    Ok(tagged(
        StatusCode::OK,
        r.version,
        &RegistrationResponse::from(r),
    ))
}

// Deadlines ---------------------------------------------------------------------------

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"plan_id": "019ab0a4-b000-7000-8000-000000000001", "year": 2026, "closes_on": "2026-03-31",
    "reopened_until": "2026-04-15", "reopen_reason": "Công văn số 120/SNV-TĐKT gia hạn đăng ký", "open": true, "version": 2,
    "created_at": "2026-01-05T08:00:00Z", "updated_at": "2026-04-01T08:00:00Z"}))]
pub struct DeadlineResponse {
    pub plan_id: String,
    pub year: i32,
    /// The last day to register.
    pub closes_on: NaiveDate,
    /// An officer's reopening: registration is taken again until this day.
    pub reopened_until: Option<NaiveDate>,
    pub reopen_reason: Option<String>,
    /// Whether registration is open today (Việt Nam time).
    pub open: bool,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Deadline> for DeadlineResponse {
    fn from(d: Deadline) -> Self {
        let open = registrations::is_open(Some(&d), crate::domain::today());
        let Deadline {
            plan_id,
            year,
            closes_on,
            reopened_until,
            reopen_reason,
            version,
            created_at,
            updated_at,
        } = d;
        DeadlineResponse {
            plan_id: plan_id.into(),
            year,
            closes_on,
            reopened_until,
            reopen_reason,
            open,
            version,
            created_at: created_at.and_utc(),
            updated_at: updated_at.and_utc(),
        }
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"closes_on": "2026-03-31", "reopened_until": "2026-04-15", "reopen_reason": "Công văn số 120/SNV-TĐKT gia hạn đăng ký"}))]
pub struct SetDeadline {
    /// The last day to register, in the year.
    pub closes_on: NaiveDate,
    /// Reopens registration until this day (after `closes_on`), with a reason.
    pub reopened_until: Option<NaiveDate>,
    #[validate(length(min = 1, max = 4000))]
    #[schema(min_length = 1, max_length = 4000)]
    pub reopen_reason: Option<String>,
}

/// List a plan's registration deadlines, by year.
#[utoipa::path(
    operation_id = "listRegistrationDeadlines",
    tag = "registrations",
    params(("id" = String, Path, description = "Plan id")),
    responses((status = 200, description = "The plan's registration deadline for each year set", body = Vec<DeadlineResponse>), (status = 404, description = "No such plan, or not visible to you"))
)]
#[get("/{id}/registration-deadlines")]
pub async fn deadlines(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = PlanId::from(id.into_inner());
    let items = super::read(&state.pool, move |conn| {
        app::registrations::deadlines(conn, &principal, &id)
    })
    .await?;
    let items: Vec<DeadlineResponse> = items.into_iter().map(DeadlineResponse::from).collect();
    Ok(HttpResponse::Ok().json(items))
}

/// Set a year's registration deadline, or reopen registration after it (officers of the
/// plan). Replacing an existing deadline needs `If-Match`.
#[utoipa::path(
    operation_id = "setRegistrationDeadline",
    tag = "registrations",
    params(
        ("id" = String, Path, description = "Plan id"),
        ("year" = i32, Path, minimum = 1900, maximum = 2200, description = "The year"),
        ("If-Match" = Option<String>, Header, description = "The ETag you read, when the deadline exists"),
    ),
    request_body = SetDeadline,
    responses(
        (status = 200, description = "The deadline as set", body = DeadlineResponse, headers(("ETag" = String))),
        (status = 403, description = "Only officers of the plan set its deadlines"),
        (status = 404, description = "No such plan, or not visible to you"),
        (status = 412, description = "The deadline changed since you read it"),
        (status = 428, description = "The deadline exists and If-Match is missing"),
    )
)]
#[put("/{id}/registration-deadlines/{year}")]
pub async fn set_deadline(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, String)>,
    Json(body): Json<SetDeadline>,
) -> Result<HttpResponse, ApiError> {
    let (id, year) = path.into_inner();
    let id = PlanId::from(id);
    let year = year
        .parse::<i32>()
        .ok()
        .filter(|y| (1900..=2200).contains(y))
        .ok_or_else(|| ApiError::invalid("year", "range", "a year between 1900 and 2200"))?;
    let expected = match IfMatch::extract(&req).await {
        Ok(IfMatch(v)) => Some(v),
        Err(_) => None,
    };
    let actor = actor(&req, Some(&principal.user_id));
    let fields = DeadlineFields {
        closes_on: body.closes_on,
        reopened_until: body.reopened_until,
        reopen_reason: body.reopen_reason,
    };
    let d = super::change(&state.pool, move |tx| {
        app::registrations::set_deadline(tx, &principal, &actor, &id, year, fields, expected)
    })
    .await?;
    Ok(tagged(
        StatusCode::OK,
        d.version,
        &DeadlineResponse::from(d),
    ))
}

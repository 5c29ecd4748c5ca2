//! `/api/v1/holidays` and `/api/v1/calendar`: the public holidays, and working-day
//! deadlines computed from them (see `domain::calendar` for the counting conventions).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::AppState;
use crate::api::extract::{Json, Page, Query, actor};
use crate::api::list::{ListParams, check_year};
use crate::api::validate;
use crate::app;
use crate::auth::Principal;
use crate::domain::calendar::{self, Holiday};
use crate::error::ApiError;
use crate::ids::OrgUnitId;

/// The longest period the calculator takes, in working days (about four years).
pub const MAX_WORKING_DAYS: i64 = 1000;

/// A date the calendar works with: years 1900 to 2200, like every year of the service.
pub fn check_date(field: &str, day: NaiveDate) -> Result<NaiveDate, ApiError> {
    if (1900..=2200).contains(&day.year()) {
        Ok(day)
    } else {
        Err(ApiError::invalid(
            field,
            "range",
            "must be a date of the years 1900 to 2200",
        ))
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"day": "2026-02-17", "name": "Tết Âm lịch (mùng 1 tháng Giêng năm Bính Ngọ)",
    "org_unit_id": null, "weekend": false, "created_at": "2026-01-05T08:00:00Z"}))]
pub struct HolidayResponse {
    pub day: NaiveDate,
    pub name: String,
    /// The unit whose own day off it is (a province's), for it and the units below it;
    /// null for a national holiday.
    pub org_unit_id: Option<String>,
    /// The holiday falls on a Saturday or Sunday: it takes no working day away.
    pub weekend: bool,
    pub created_at: DateTime<Utc>,
}

impl From<Holiday> for HolidayResponse {
    fn from(h: Holiday) -> Self {
        let Holiday {
            day,
            name,
            org_unit_id,
            created_at,
        } = h;
        HolidayResponse {
            weekend: calendar::is_weekend(day),
            day,
            name,
            org_unit_id: org_unit_id.map(Into::into),
            created_at: created_at.and_utc(),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HolidayQuery {
    /// Only the holidays of this year.
    #[param(minimum = 1900, maximum = 2200)]
    pub year: Option<i32>,
    /// The calendar of this unit: the national holidays and the days off of the unit and
    /// the units above it. Without it, the national holidays.
    pub org_unit_id: Option<String>,
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1000000, default = 1)]
    pub page: Option<i64>,
    /// Items per page, at most 200.
    #[param(minimum = 1, maximum = 200, default = 50)]
    pub per_page: Option<i64>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"day": "2026-09-01", "name": "Quốc khánh (ngày liền kề)"}))]
pub struct CreateHoliday {
    pub day: NaiveDate,
    #[validate(length(min = 1, max = 300), custom(function = "validate::text"))]
    #[schema(min_length = 1, max_length = 300)]
    pub name: String,
    /// A unit's own day off (kept by the officers of that unit); without it, a national
    /// holiday (admins only).
    #[validate(custom(function = "validate::id"))]
    pub org_unit_id: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HolidayOwnerQuery {
    /// The unit whose own day off is removed; without it, the national holiday.
    pub org_unit_id: Option<String>,
}

/// List the public holidays, by day.
#[utoipa::path(
    operation_id = "listHolidays",
    tag = "calendar",
    params(HolidayQuery),
    responses((status = 200, description = "One page of holidays, with the total", body = Page<HolidayResponse>), (status = 422, description = "Invalid parameters"))
)]
#[get("")]
pub async fn list_holidays(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    Query(query): Query<HolidayQuery>,
) -> Result<HttpResponse, ApiError> {
    let year = check_year(query.year)?;
    let page = ListParams {
        page: query.page,
        per_page: query.per_page,
        q: None,
        updated_since: None,
    }
    .page()?;
    let unit = query.org_unit_id.map(OrgUnitId::from);
    let rows = super::read(&state.pool, move |conn| {
        app::calendar::list_holidays(conn, &principal, year, unit.as_ref())
    })
    .await?;
    // A year holds about a dozen holidays: paged here rather than in SQL.
    let total = rows.len() as i64;
    let rows: Vec<Holiday> = rows
        .into_iter()
        .skip(usize::try_from(page.offset()).unwrap_or(usize::MAX))
        .take(usize::try_from(page.per_page).unwrap_or(0))
        .collect();
    Ok(Page::of(rows, total, page, HolidayResponse::from).respond(&req))
}

/// Add a holiday: a national one (admins), e.g. the days the Prime Minister announces for
/// Tết or the day next to Quốc khánh, or a unit's own day off (the officers of that unit),
/// which holds for it and the units below it.
#[utoipa::path(
    operation_id = "addHoliday",
    tag = "calendar",
    request_body = CreateHoliday,
    responses(
        (status = 201, description = "The holiday added", body = HolidayResponse),
        (status = 403, description = "National holidays are the admins'; a unit's, its officers'"),
        (status = 409, description = "The day is already a holiday"),
        (status = 422, description = "Invalid fields"),
    )
)]
#[post("")]
pub async fn add_holiday(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    Json(body): Json<CreateHoliday>,
) -> Result<HttpResponse, ApiError> {
    let day = check_date("day", body.day)?;
    let actor = actor(&req, Some(&principal.user_id));
    let new = app::calendar::NewHoliday {
        day,
        name: body.name,
        org_unit_id: body.org_unit_id.map(OrgUnitId::from),
    };
    let holiday = super::change(&state.pool, move |tx| {
        app::calendar::add_holiday(tx, &principal, &actor, new)
    })
    .await?;
    Ok(HttpResponse::build(StatusCode::CREATED).json(HolidayResponse::from(holiday)))
}

/// Remove a holiday (national: admins; a unit's own: its officers): a weekday becomes a
/// working day again.
#[utoipa::path(
    operation_id = "removeHoliday",
    tag = "calendar",
    params(("day" = NaiveDate, Path, description = "The holiday's day, YYYY-MM-DD"), HolidayOwnerQuery),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "National holidays are the admins'; a unit's, its officers'"),
        (status = 404, description = "The day is not a holiday"),
        (status = 422, description = "The day is not a date"),
    )
)]
#[delete("/{day}")]
pub async fn remove_holiday(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    day: web::Path<String>,
    Query(owner): Query<HolidayOwnerQuery>,
) -> Result<HttpResponse, ApiError> {
    let day: NaiveDate = day
        .parse()
        .map_err(|_| ApiError::invalid("day", "format", "must be a date, YYYY-MM-DD"))?;
    let day = check_date("day", day)?;
    let actor = actor(&req, Some(&principal.user_id));
    let unit = owner.org_unit_id.map(OrgUnitId::from);
    super::change(&state.pool, move |tx| {
        app::calendar::remove_holiday(tx, &principal, &actor, day, unit.as_ref())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WorkingDaysQuery {
    /// The first day (required), YYYY-MM-DD.
    pub from: Option<NaiveDate>,
    /// A period of this many working days from `from` (0 to 1000): answers its last day.
    #[param(minimum = 0, maximum = 1000)]
    pub days: Option<i64>,
    /// The day after the span: answers the working days in `[from, to)`.
    pub to: Option<NaiveDate>,
    /// Count on this unit's calendar (its own and its parents' days off too); without it,
    /// on the national one.
    pub org_unit_id: Option<String>,
}

/// The last day of a period of working days.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"from": "2026-03-02", "days": 10, "due": "2026-03-13"}))]
pub struct Deadline {
    pub from: NaiveDate,
    pub days: i64,
    /// The `days`-th working day, counting `from` itself when it is a working day.
    pub due: NaiveDate,
}

/// The working days in a span.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"from": "2026-02-01", "to": "2026-03-01", "working_days": 15}))]
pub struct Span {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Working days from `from` up to the day before `to`.
    pub working_days: i64,
}

/// A deadline (`days` asked) or a count (`to` asked).
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum WorkingDays {
    Deadline(Deadline),
    Span(Span),
}

/// Count working days: the deadline `days` working days from `from`, or the working days
/// from `from` up to `to` (weekends and the public holidays are not working days).
///
/// A period starting on `from` counts `from` as its first day when it is a working day,
/// else the first working day after it: 10 working days from Monday 2 March 2026 end on
/// Friday 13 March. A span `[from, to)` counts `from` but not `to`.
#[utoipa::path(
    operation_id = "countWorkingDays",
    tag = "calendar",
    params(WorkingDaysQuery),
    responses(
        (status = 200, description = "The number of working days between the dates, and the date a deadline falls on", body = WorkingDays),
        (status = 422, description = "`from` is missing or not a date, neither or both of `days` and `to` are given, or `days` is out of range"),
    )
)]
#[get("/working-days")]
pub async fn working_days(
    state: web::Data<AppState>,
    principal: Principal,
    Query(query): Query<WorkingDaysQuery>,
) -> Result<HttpResponse, ApiError> {
    let from = query
        .from
        .ok_or_else(|| ApiError::invalid("from", "required", "give the first day"))?;
    let from = check_date("from", from)?;
    let unit = query.org_unit_id.map(OrgUnitId::from);
    let answer = match (query.days, query.to) {
        (Some(days), None) => {
            let n = u32::try_from(days)
                .ok()
                .filter(|n| i64::from(*n) <= MAX_WORKING_DAYS)
                .ok_or_else(|| ApiError::invalid("days", "range", "must be between 0 and 1000"))?;
            let due = super::read(&state.pool, move |conn| {
                app::calendar::add_working_days(conn, &principal, unit.as_ref(), from, n)
            })
            .await?;
            WorkingDays::Deadline(Deadline { from, days, due })
        }
        (None, Some(to)) => {
            let to = check_date("to", to)?;
            let working_days = super::read(&state.pool, move |conn| {
                app::calendar::working_days_between(conn, &principal, unit.as_ref(), from, to)
            })
            .await?;
            WorkingDays::Span(Span {
                from,
                to,
                working_days,
            })
        }
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid(
                "to",
                "exclusive",
                "give either days or to, not both",
            ));
        }
        (None, None) => {
            return Err(ApiError::invalid(
                "days",
                "required",
                "give days (a deadline) or to (a count)",
            ));
        }
    };
    Ok(HttpResponse::Ok().json(answer))
}

//! `/api/v1/blocs` (khối, cụm thi đua): units that emulate together, and their ranking.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::AppState;
use crate::api::extract::{IfMatch, Json, Page, Query, actor, double_option, present, tagged};
use crate::api::list::{ListParams, check_year};
use crate::api::validate;
use crate::app;
use crate::auth::Principal;
use crate::domain::blocs::{self, Bloc, BlocDetail, BlocFilter};
use crate::error::ApiError;
use crate::ids::{OrgUnitId, PlanId};

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019ab0a4-e000-7000-8000-000000000001", "name": "Khối các sở, ban, ngành tổng hợp",
    "description": null, "owner_id": "019ab0a4-a000-7000-8000-000000000001",
    "member_ids": ["019ab0a4-a000-7000-8000-000000000002", "019ab0a4-a000-7000-8000-000000000003"],
    "active": true, "version": 1, "created_at": "2026-01-05T08:00:00Z", "updated_at": "2026-01-05T08:00:00Z"
}))]
pub struct BlocResponse {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    /// The unit whose officers keep the bloc; members lie below it.
    pub owner_id: String,
    /// Member units, in Vietnamese name order (absent in lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member_ids: Option<Vec<String>>,
    pub active: bool,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl BlocResponse {
    fn new(b: Bloc, member_ids: Option<Vec<String>>) -> Self {
        let Bloc {
            id,
            name,
            search_text: _,
            name_sort: _,
            description,
            owner_id,
            active,
            version,
            created_at,
            updated_at,
        } = b;
        BlocResponse {
            id,
            name,
            description,
            owner_id: owner_id.into(),
            member_ids,
            active,
            version,
            created_at: created_at.and_utc(),
            updated_at: updated_at.and_utc(),
        }
    }
}

impl From<BlocDetail> for BlocResponse {
    fn from(d: BlocDetail) -> Self {
        BlocResponse::new(
            d.bloc,
            Some(d.member_ids.into_iter().map(Into::into).collect()),
        )
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Khối các sở, ban, ngành tổng hợp", "owner_id": "019ab0a4-a000-7000-8000-000000000001",
    "member_ids": ["019ab0a4-a000-7000-8000-000000000002", "019ab0a4-a000-7000-8000-000000000003"]}))]
pub struct CreateBloc {
    #[validate(length(min = 1, max = 300), custom(function = "validate::text"))]
    #[schema(min_length = 1, max_length = 300)]
    pub name: String,
    #[validate(length(max = 4000))]
    #[schema(max_length = 4000)]
    pub description: Option<String>,
    #[validate(custom(function = "validate::id"))]
    pub owner_id: String,
    #[serde(default)]
    #[validate(length(max = 500), custom(function = "validate::ids"))]
    pub member_ids: Vec<String>,
}

#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"member_ids": ["019ab0a4-a000-7000-8000-000000000002"]}))]
pub struct UpdateBloc {
    #[serde(default, deserialize_with = "present")]
    #[validate(length(min = 1, max = 300), custom(function = "validate::text"))]
    #[schema(nullable = false, min_length = 1, max_length = 300)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(length(max = 4000))]
    #[schema(value_type = Option<String>, max_length = 4000)]
    pub description: Option<Option<String>>,
    /// Replaces the members.
    #[serde(default, deserialize_with = "present")]
    #[validate(length(max = 500), custom(function = "validate::ids"))]
    #[schema(nullable = false)]
    pub member_ids: Option<Vec<String>>,
    /// `false` archives the bloc.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub active: Option<bool>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BlocQuery {
    pub active: Option<bool>,
    /// Blocs this unit is a member of.
    pub member_id: Option<String>,
}

/// List the blocs you may see, by name.
#[utoipa::path(
    operation_id = "listBlocs",
    tag = "blocs",
    params(ListParams, BlocQuery),
    responses((status = 200, description = "One page of blocs, with the total", body = Page<BlocResponse>), (status = 422, description = "Invalid parameters"))
)]
#[get("")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    Query(params): Query<ListParams>,
    Query(query): Query<BlocQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = params.page()?;
    let filter = BlocFilter {
        q: params.q(),
        active: query.active,
        member_id: query.member_id.map(OrgUnitId::from),
        updated_since: params.updated_since(),
    };
    let (items, total) = super::read(&state.pool, move |conn| {
        app::blocs::list(conn, &principal, filter, page)
    })
    .await?;
    Ok(Page::of(items, total, page, |b| BlocResponse::new(b, None)).respond(&req))
}

/// Make a bloc of units below its owner (officers of the owner's subtree).
#[utoipa::path(
    operation_id = "createBloc",
    tag = "blocs",
    request_body = CreateBloc,
    responses(
        (status = 201, description = "The bloc created", body = BlocResponse, headers(("ETag" = String))),
        (status = 403, description = "Only officers of the owner's subtree keep its blocs"),
        (status = 422, description = "Invalid fields, or a member that is not a unit below the owner"),
    )
)]
#[post("")]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    Json(body): Json<CreateBloc>,
) -> Result<HttpResponse, ApiError> {
    let actor = actor(&req, Some(&principal.user_id));
    let new = app::blocs::NewBloc {
        name: body.name,
        description: body.description,
        owner_id: OrgUnitId::from(body.owner_id),
        member_ids: body.member_ids.into_iter().map(OrgUnitId::from).collect(),
    };
    let d = super::change(&state.pool, move |tx| {
        app::blocs::create(tx, &principal, &actor, new)
    })
    .await?;
    Ok(tagged(
        StatusCode::CREATED,
        d.bloc.version,
        &BlocResponse::from(d),
    ))
}

/// Get a bloc with its members.
#[utoipa::path(
    operation_id = "getBloc",
    tag = "blocs",
    params(("id" = String, Path, description = "Bloc id")),
    responses((status = 200, description = "The bloc", body = BlocResponse, headers(("ETag" = String))), (status = 404, description = "No such bloc, or not visible to you"))
)]
#[get("/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let d = super::read(&state.pool, move |conn| {
        app::blocs::get(conn, &principal, &id)
    })
    .await?;
    Ok(tagged(
        StatusCode::OK,
        d.bloc.version,
        &BlocResponse::from(d),
    ))
}

/// Change a bloc: its name, description, members, or archive it.
#[utoipa::path(
    operation_id = "updateBloc",
    tag = "blocs",
    params(("id" = String, Path, description = "Bloc id"), ("If-Match" = String, Header, description = "The ETag you read")),
    request_body = UpdateBloc,
    responses(
        (status = 200, description = "The bloc as changed", body = BlocResponse, headers(("ETag" = String))),
        (status = 403, description = "Only officers of the owner's subtree keep its blocs"),
        (status = 404, description = "No such bloc, or not visible to you"),
        (status = 412, description = "The bloc changed since you read it"),
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
    Json(body): Json<UpdateBloc>,
) -> Result<HttpResponse, ApiError> {
    let actor = actor(&req, Some(&principal.user_id));
    let changes = app::blocs::BlocChanges {
        name: body.name,
        description: body.description,
        member_ids: body
            .member_ids
            .map(|v| v.into_iter().map(OrgUnitId::from).collect()),
        active: body.active,
    };
    let d = super::change(&state.pool, move |tx| {
        app::blocs::update(tx, &principal, &actor, &id, version, changes)
    })
    .await?;
    Ok(tagged(
        StatusCode::OK,
        d.bloc.version,
        &BlocResponse::from(d),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RankingQuery {
    /// The plan whose collective criteria are scored (required).
    pub plan: Option<String>,
    /// The year (required).
    #[param(minimum = 1900, maximum = 2200, required = true)]
    pub year: Option<i32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Ranking {
    pub bloc_id: String,
    pub plan_id: String,
    pub year: i32,
    /// How ties are split.
    pub tie_rule: String,
    pub generated_at: DateTime<Utc>,
    pub items: Vec<RankedUnit>,
}

/// Rank a bloc's members by their total points in a plan's year (the tie rule is stated
/// in the answer).
#[utoipa::path(
    operation_id = "getBlocRanking",
    tag = "blocs",
    params(("id" = String, Path, description = "Bloc id"), RankingQuery),
    responses(
        (status = 200, description = "The bloc's members ranked by points, then achieved criteria, then name", body = Ranking),
        (status = 403, description = "A staff member's own account reads no unit figures"),
        (status = 404, description = "No such bloc, or not visible to you"),
        (status = 422, description = "The plan or the year is missing, or the plan is not visible to you"),
    )
)]
#[get("/{id}/ranking")]
pub async fn ranking(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    Query(query): Query<RankingQuery>,
) -> Result<HttpResponse, ApiError> {
    let year = check_year(query.year)?
        .ok_or_else(|| ApiError::invalid("year", "required", "give the year"))?;
    let plan_id = query
        .plan
        .map(PlanId::from)
        .ok_or_else(|| ApiError::invalid("plan", "required", "give the plan"))?;
    let app::blocs::RankingDetail {
        bloc_id,
        plan_id,
        items,
    } = super::read(&state.pool, move |conn| {
        app::blocs::ranking(conn, &principal, &id, &plan_id, year)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Ranking {
        bloc_id,
        plan_id: plan_id.into(),
        year,
        tie_rule: blocs::TIE_RULE.to_string(),
        generated_at: Utc::now(),
        items: items.into_iter().map(RankedUnit::from).collect(),
    }))
}

/// One unit's place in a bloc's ranking.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RankedUnit {
    pub rank: usize,
    pub org_unit_id: String,
    pub name: String,
    pub total_points: f64,
    /// Criteria whose target is reached (the first tie-breaker).
    pub achieved: i64,
    pub registered: bool,
}

impl From<blocs::RankedUnit> for RankedUnit {
    fn from(u: blocs::RankedUnit) -> Self {
        let blocs::RankedUnit {
            rank,
            org_unit_id,
            name,
            total_points,
            achieved,
            registered,
        } = u;
        RankedUnit {
            rank,
            org_unit_id: org_unit_id.into(),
            name,
            total_points,
            achieved,
            registered,
        }
    }
}

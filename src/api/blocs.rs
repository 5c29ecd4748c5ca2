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
use crate::auth::{Principal, policy};
use crate::db::AnyConnection;
use crate::domain::blocs::{self, Bloc, BlocDetail, BlocFields, BlocFilter, RankedUnit};
use crate::domain::criteria::CriterionSubject;
use crate::domain::org_units::referenced_unit;
use crate::domain::plans::visible_plan;
use crate::domain::scoring::{self, SubjectSet};
use crate::domain::subjects::Seen;
use crate::error::ApiError;

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
            owner_id,
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
        BlocResponse::new(d.bloc, Some(d.member_ids))
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

fn visible_bloc(
    conn: &mut AnyConnection,
    principal: &Principal,
    id: &str,
) -> Result<(Bloc, String), ApiError> {
    let (b, path) = blocs::find(conn, id)?.ok_or_else(|| ApiError::not_found("bloc"))?;
    policy::ensure_visible(policy::can_read_bloc(principal, &path), "bloc")?;
    Ok((b, path))
}

/// List the blocs you may see, by name.
#[utoipa::path(
    tag = "blocs",
    params(ListParams, BlocQuery),
    responses((status = 200, body = Page<BlocResponse>), (status = 422, description = "Invalid parameters"))
)]
#[get("")]
pub async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    Query(params): Query<ListParams>,
    Query(query): Query<BlocQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = params.page()?;
    let filter = BlocFilter {
        q: params.q(),
        active: query.active,
        member_id: query.member_id,
        updated_since: params.updated_since(),
    };
    let (items, total) = super::run(&state.pool, move |conn| {
        Ok(blocs::list(conn, &principal.scope, &filter, page)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page::of(items, total, page, |b| BlocResponse::new(b, None))))
}

/// Make a bloc of units below its owner (officers of the owner's subtree).
#[utoipa::path(
    tag = "blocs",
    request_body = CreateBloc,
    responses(
        (status = 201, body = BlocResponse, headers(("ETag" = String))),
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
    let d = super::write(&state.pool, move |conn| {
        let owner = referenced_unit(conn, &principal, &body.owner_id, "owner_id")?;
        policy::ensure(policy::can_edit_bloc(&principal, &owner.path))?;
        let fields = BlocFields {
            name: body.name.trim().to_string(),
            description: body.description,
            owner_id: owner.id.clone(),
            member_ids: body.member_ids,
            active: true,
        };
        Ok(blocs::create(conn, &actor, &owner.path, fields)?)
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
    tag = "blocs",
    params(("id" = String, Path, description = "Bloc id")),
    responses((status = 200, body = BlocResponse, headers(("ETag" = String))), (status = 404, description = "No such bloc, or not visible to you"))
)]
#[get("/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let d = super::run(&state.pool, move |conn| {
        let (b, _) = visible_bloc(conn, &principal, &id)?;
        Ok(blocs::detail(conn, b)?)
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
    tag = "blocs",
    params(("id" = String, Path, description = "Bloc id"), ("If-Match" = String, Header, description = "The ETag you read")),
    request_body = UpdateBloc,
    responses(
        (status = 200, body = BlocResponse, headers(("ETag" = String))),
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
    let d = super::write(&state.pool, move |conn| {
        let (b, owner_path) = visible_bloc(conn, &principal, &id)?;
        policy::ensure(policy::can_edit_bloc(&principal, &owner_path))?;
        let current = blocs::detail(conn, b)?;
        let fields = BlocFields {
            name: body
                .name
                .map(|n| n.trim().to_string())
                .unwrap_or_else(|| current.bloc.name.clone()),
            description: body
                .description
                .unwrap_or_else(|| current.bloc.description.clone()),
            owner_id: current.bloc.owner_id.clone(),
            member_ids: body
                .member_ids
                .unwrap_or_else(|| current.member_ids.clone()),
            active: body.active.unwrap_or(current.bloc.active),
        };
        Ok(blocs::update(
            conn,
            &actor,
            current,
            &owner_path,
            version,
            fields,
        )?)
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
    tag = "blocs",
    params(("id" = String, Path, description = "Bloc id"), RankingQuery),
    responses(
        (status = 200, body = Ranking),
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
        .ok_or_else(|| ApiError::invalid("plan", "required", "give the plan"))?;
    let (bloc_id, plan_id, items) = super::run(&state.pool, move |conn| {
        let (b, owner_path) = visible_bloc(conn, &principal, &id)?;
        policy::ensure(policy::can_read_ranking(&principal, &owner_path))?;
        let (plan, issuer_path) = visible_plan(conn, &principal, &plan_id)
            .map_err(|_| ApiError::invalid("plan", "not_found", "no such plan visible to you"))?;
        let set = SubjectSet {
            kind: CriterionSubject::Collective,
            // A ranking compares whole units: everyone who sees the bloc sees its table.
            seen: Seen::All,
            under_path: None,
            units: blocs::members(conn, &b.id)?,
            only_these: true,
        };
        let rows = scoring::board(
            conn,
            &plan.id,
            &issuer_path,
            year,
            &set,
            crate::domain::today(),
        )?;
        Ok((b.id, plan.id, blocs::rank(rows)))
    })
    .await?;
    Ok(HttpResponse::Ok().json(Ranking {
        bloc_id,
        plan_id,
        year,
        tie_rule: blocs::TIE_RULE.to_string(),
        generated_at: Utc::now(),
        items,
    }))
}

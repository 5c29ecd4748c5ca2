//! `/api/v1/councils` (Hội đồng Thi đua – Khen thưởng): councils and their members here;
//! their sessions with attendance and quorum, recusals, secret ballots, results and minutes
//! (biên bản) in `sessions.rs`.
//!
//! Ballots are secret: no answer carries a member's choice, and a session's tallies are
//! shown only once it is closed (`domain::councils` keeps that rule).

mod sessions;

pub use sessions::{
    Attendance, BallotReceipt, CreateSession, RecuseRequest, SessionNominationResponse,
    SessionQuery, SessionResponse, SessionSummary, VoteRequest, close_session, create_session,
    get_session, list_sessions, minutes, open_session, recuse, set_attendance, vote,
};

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::AppState;
use crate::api::extract::{IfMatch, Json, Page, Query, actor, present, tagged};
use crate::api::list::ListParams;
use crate::api::validate;
use crate::app;
use crate::auth::Principal;
use crate::domain::councils::{Council, CouncilDetail, Member, MemberInput};
use crate::error::ApiError;
use crate::ids::{CouncilId, OrgUnitId, UserId};

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"user_id": "019ab0a4-d000-7000-8000-000000000001", "position": "Chủ tịch Hội đồng", "name": "Nguyễn Văn An"}))]
pub struct MemberResponse {
    pub user_id: String,
    /// "Chủ tịch Hội đồng", "Phó Chủ tịch Hội đồng", "Ủy viên thường trực", "Ủy viên"…
    pub position: String,
    /// The linked staff member's name, else the username.
    pub name: String,
}

impl From<Member> for MemberResponse {
    fn from(m: Member) -> Self {
        let Member {
            user_id,
            position,
            name,
        } = m;
        MemberResponse {
            user_id: user_id.into(),
            position,
            name,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019ab0a4-f000-7000-8000-000000000001", "name": "Hội đồng Thi đua – Khen thưởng Văn phòng UBND tỉnh",
    "org_unit_id": "019ab0a4-a000-7000-8000-000000000001", "active": true,
    "members": [{"user_id": "019ab0a4-d000-7000-8000-000000000001", "position": "Chủ tịch Hội đồng", "name": "Nguyễn Văn An"}],
    "version": 1, "created_at": "2025-12-01T08:00:00Z", "updated_at": "2025-12-01T08:00:00Z"
}))]
pub struct CouncilResponse {
    pub id: String,
    pub name: String,
    /// The unit whose council it is: it votes on the nominations this unit grants.
    pub org_unit_id: String,
    pub active: bool,
    /// Members, chair first (absent in lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub members: Option<Vec<MemberResponse>>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl CouncilResponse {
    fn new(c: Council, members: Option<Vec<Member>>) -> Self {
        let Council {
            id,
            name,
            org_unit_id,
            active,
            version,
            created_at,
            updated_at,
        } = c;
        CouncilResponse {
            id: id.into(),
            name,
            org_unit_id: org_unit_id.into(),
            active,
            members: members.map(|m| m.into_iter().map(MemberResponse::from).collect()),
            version,
            created_at: created_at.and_utc(),
            updated_at: updated_at.and_utc(),
        }
    }
}

impl From<CouncilDetail> for CouncilResponse {
    fn from(d: CouncilDetail) -> Self {
        CouncilResponse::new(d.council, Some(d.members))
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberRequest {
    #[validate(custom(function = "validate::id"))]
    pub user_id: String,
    #[validate(length(min = 1, max = 100), custom(function = "validate::text"))]
    #[schema(min_length = 1, max_length = 100)]
    pub position: String,
}

fn member_inputs(requested: Vec<MemberRequest>) -> Vec<MemberInput> {
    requested
        .into_iter()
        .map(|m| MemberInput {
            user_id: UserId::from(m.user_id),
            position: m.position,
        })
        .collect()
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Hội đồng Thi đua – Khen thưởng Văn phòng UBND tỉnh",
    "org_unit_id": "019ab0a4-a000-7000-8000-000000000001",
    "members": [{"user_id": "019ab0a4-d000-7000-8000-000000000001", "position": "Chủ tịch Hội đồng"},
                {"user_id": "019ab0a4-d000-7000-8000-000000000002", "position": "Ủy viên thường trực"}]}))]
pub struct CreateCouncil {
    #[validate(length(min = 1, max = 300), custom(function = "validate::text"))]
    #[schema(min_length = 1, max_length = 300)]
    pub name: String,
    #[validate(custom(function = "validate::id"))]
    pub org_unit_id: String,
    /// Active accounts whose unit lies below or above the council's unit.
    #[serde(default)]
    #[validate(length(max = 200), nested)]
    pub members: Vec<MemberRequest>,
}

#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"members": [{"user_id": "019ab0a4-d000-7000-8000-000000000001", "position": "Chủ tịch Hội đồng"}]}))]
pub struct UpdateCouncil {
    #[serde(default, deserialize_with = "present")]
    #[validate(length(min = 1, max = 300), custom(function = "validate::text"))]
    #[schema(nullable = false, min_length = 1, max_length = 300)]
    pub name: Option<String>,
    /// Replaces the members; refused (409 `session_open`) while a session is open.
    #[serde(default, deserialize_with = "present")]
    #[validate(length(max = 200), nested)]
    #[schema(nullable = false)]
    pub members: Option<Vec<MemberRequest>>,
    /// `false` archives the council.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub active: Option<bool>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CouncilQuery {
    /// Councils of this unit.
    pub org_unit_id: Option<String>,
    pub active: Option<bool>,
    /// Councils this account is a member of.
    pub member_id: Option<String>,
}

/// List the councils you may see (of units below or above yours), by name.
#[utoipa::path(
    operation_id = "listCouncils",
    tag = "councils",
    params(ListParams, CouncilQuery),
    responses((status = 200, description = "One page of councils, with the total", body = Page<CouncilResponse>), (status = 422, description = "Invalid parameters"))
)]
#[get("")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    Query(params): Query<ListParams>,
    Query(query): Query<CouncilQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = params.page()?;
    let query = app::councils::ListQuery {
        q: params.q(),
        org_unit_id: query.org_unit_id.map(OrgUnitId::from),
        active: query.active,
        member_id: query.member_id.map(UserId::from),
        updated_since: params.updated_since(),
    };
    let (items, total) = crate::api::read(&state.pool, move |conn| {
        app::councils::list(conn, &principal, query, page)
    })
    .await?;
    Ok(Page::of(items, total, page, |c| CouncilResponse::new(c, None)).respond(&req))
}

/// Make the council of a unit, with its members (officers of the unit's subtree).
#[utoipa::path(
    operation_id = "createCouncil",
    tag = "councils",
    request_body = CreateCouncil,
    responses(
        (status = 201, description = "The council created", body = CouncilResponse, headers(("ETag" = String))),
        (status = 403, description = "Only officers of the unit's subtree keep its council"),
        (status = 422, description = "Invalid fields; a member that is not an active account able to see the council's unit"),
    )
)]
#[post("")]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    Json(body): Json<CreateCouncil>,
) -> Result<HttpResponse, ApiError> {
    let actor = actor(&req, Some(&principal.user_id));
    let new = app::councils::NewCouncil {
        name: body.name,
        org_unit_id: OrgUnitId::from(body.org_unit_id),
        members: member_inputs(body.members),
    };
    let d = crate::api::change(&state.pool, move |tx| {
        app::councils::create(tx, &principal, &actor, new)
    })
    .await?;
    Ok(tagged(
        StatusCode::CREATED,
        d.council.version,
        &CouncilResponse::from(d),
    ))
}

/// Get a council with its members.
#[utoipa::path(
    operation_id = "getCouncil",
    tag = "councils",
    params(("id" = String, Path, description = "Council id")),
    responses((status = 200, description = "The council", body = CouncilResponse, headers(("ETag" = String))), (status = 404, description = "No such council, or not visible to you"))
)]
#[get("/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = CouncilId::from(id.into_inner());
    let d = crate::api::read(&state.pool, move |conn| {
        app::councils::get(conn, &principal, &id)
    })
    .await?;
    Ok(tagged(
        StatusCode::OK,
        d.council.version,
        &CouncilResponse::from(d),
    ))
}

/// Change a council: its name, its members (not while a session is open), or archive it.
#[utoipa::path(
    operation_id = "updateCouncil",
    tag = "councils",
    params(("id" = String, Path, description = "Council id"), ("If-Match" = String, Header, description = "The ETag you read")),
    request_body = UpdateCouncil,
    responses(
        (status = 200, description = "The council as changed", body = CouncilResponse, headers(("ETag" = String))),
        (status = 403, description = "Only officers of the unit's subtree keep its council"),
        (status = 404, description = "No such council, or not visible to you"),
        (status = 409, description = "`session_open`: members change, and the council is archived, only while no session is open"),
        (status = 412, description = "The council changed since you read it"),
        (status = 422, description = "Invalid fields, or a member that is not an active account able to see the council's unit"),
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
    Json(body): Json<UpdateCouncil>,
) -> Result<HttpResponse, ApiError> {
    let id = CouncilId::from(id.into_inner());
    let actor = actor(&req, Some(&principal.user_id));
    let changes = app::councils::CouncilChanges {
        name: body.name,
        members: body.members.map(member_inputs),
        active: body.active,
    };
    let d = crate::api::change(&state.pool, move |tx| {
        app::councils::update(tx, &principal, &actor, &id, version, changes)
    })
    .await?;
    Ok(tagged(
        StatusCode::OK,
        d.council.version,
        &CouncilResponse::from(d),
    ))
}

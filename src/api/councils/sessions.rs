//! A council's sessions under `/api/v1/councils/{id}/sessions`: scheduling, attendance,
//! opening and closing, recusals, secret ballots and the minutes. Apart from the councils'
//! own handlers (`mod.rs`); both call `app::councils`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::AppState;
use crate::api::extract::{IfMatch, Json, Page, Query, actor, tagged};
use crate::api::list::ListParams;
use crate::api::validate;
use crate::app::{self, councils::Ballot};
use crate::auth::Principal;
use crate::domain::councils::{
    self, Choice, Outcome, Session, SessionDetail, SessionItem, SessionStatus,
};
use crate::domain::nominations::NominationStatus;
use crate::error::ApiError;
use crate::ids::{CouncilId, NominationId, UserId};

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019ab0a5-0000-7000-8000-000000000001", "council_id": "019ab0a4-f000-7000-8000-000000000001",
    "title": "Phiên họp xét khen thưởng năm 2025", "meets_on": "2025-12-15", "status": "scheduled",
    "quorum": 7, "members_total": null, "opened_at": null, "closed_at": null,
    "version": 1, "created_at": "2025-12-01T08:00:00Z", "updated_at": "2025-12-01T08:00:00Z"
}))]
pub struct SessionSummary {
    pub id: String,
    pub council_id: String,
    pub title: String,
    pub meets_on: NaiveDate,
    pub status: SessionStatus,
    /// Members that must be present for the session to be valid and open.
    pub quorum: i32,
    /// All members of the council when the session opened (null before): thresholds count them.
    pub members_total: Option<i32>,
    pub opened_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Session> for SessionSummary {
    fn from(s: Session) -> Self {
        let status = s.status;
        let Session {
            id,
            council_id,
            title,
            meets_on,
            quorum,
            status: _,
            members_total,
            opened_at,
            closed_at,
            version,
            created_at,
            updated_at,
        } = s;
        SessionSummary {
            id,
            council_id: council_id.into(),
            title,
            meets_on,
            status,
            quorum,
            members_total,
            opened_at: opened_at.map(|t| t.and_utc()),
            closed_at: closed_at.map(|t| t.and_utc()),
            version,
            created_at: created_at.and_utc(),
            updated_at: updated_at.and_utc(),
        }
    }
}

/// A nomination put to a session. How anyone voted is never shown; the tally appears once
/// the session is closed.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionNominationResponse {
    pub nomination_id: String,
    /// The staff member's or the unit's name.
    pub nominee_name: String,
    /// The nominee, for an individual; null for a collective.
    pub staff_id: Option<String>,
    /// The nominee's unit (the unit itself for a collective).
    pub nominee_unit_id: String,
    pub award_type_code: String,
    pub award_type_name: String,
    pub nomination_status: NominationStatus,
    /// How many members voted on it so far (not how they voted).
    pub votes_cast: i64,
    /// Agree, disagree and abstain counts: null until the session is closed.
    pub tally: Option<Tally>,
    /// Passed or failed, once the session is closed.
    pub outcome: Option<Outcome>,
}

impl From<SessionItem> for SessionNominationResponse {
    fn from(i: SessionItem) -> Self {
        let SessionItem {
            nomination_id,
            nominee_name,
            staff_id,
            nominee_unit_id,
            award_type_code,
            award_type_name,
            nomination_status,
            votes_cast,
            tally,
            outcome,
        } = i;
        SessionNominationResponse {
            nomination_id: nomination_id.into(),
            nominee_name,
            staff_id: staff_id.map(Into::into),
            nominee_unit_id: nominee_unit_id.into(),
            award_type_code,
            award_type_name,
            nomination_status,
            votes_cast,
            tally: tally.map(Tally::from),
            outcome,
        }
    }
}

/// A session with attendance, nominations and recusals. Its `ETag` is the version of the
/// session record (title, attendance, status): ballots and recusals are records of their
/// own and do not change it, so members voting never make an officer's `If-Match` stale.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019ab0a5-0000-7000-8000-000000000001", "council_id": "019ab0a4-f000-7000-8000-000000000001",
    "title": "Phiên họp xét khen thưởng năm 2025", "meets_on": "2025-12-15", "status": "closed",
    "quorum": 7, "members_total": 10, "present": 9, "quorum_met": true,
    "attendance": ["019ab0a4-d000-7000-8000-000000000001"],
    "nominations": [{"nomination_id": "019ab0a4-e000-7000-8000-000000000009", "nominee_name": "Trần Thị Bình",
        "staff_id": "019ab0a4-a100-7000-8000-000000000002", "nominee_unit_id": "019ab0a4-a000-7000-8000-000000000002",
        "award_type_code": "chien_si_thi_dua_toan_quoc", "award_type_name": "Chiến sĩ thi đua toàn quốc",
        "nomination_status": "approved", "votes_cast": 9, "tally": {"agree": 9, "disagree": 0, "abstain": 0}, "outcome": "passed"}],
    "recusals": [], "opened_at": "2025-12-15T01:30:00Z", "closed_at": "2025-12-15T03:00:00Z",
    "version": 4, "created_at": "2025-12-01T08:00:00Z", "updated_at": "2025-12-15T03:00:00Z"
}))]
pub struct SessionResponse {
    pub id: String,
    pub council_id: String,
    pub title: String,
    pub meets_on: NaiveDate,
    pub status: SessionStatus,
    pub quorum: i32,
    /// Members of the council: counted when the session opened, the current count before.
    pub members_total: i32,
    /// Members recorded present.
    pub present: i32,
    /// Whether enough members are present for the session to be valid.
    pub quorum_met: bool,
    /// Accounts recorded present.
    pub attendance: Vec<String>,
    pub nominations: Vec<SessionNominationResponse>,
    pub recusals: Vec<Recusal>,
    pub opened_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<SessionDetail> for SessionResponse {
    fn from(d: SessionDetail) -> Self {
        let present = d.present();
        let quorum_met = d.quorum_met();
        let SessionDetail {
            session,
            members_total,
            attendance,
            items,
            recusals,
        } = d;
        let s = SessionSummary::from(session);
        SessionResponse {
            id: s.id,
            council_id: s.council_id,
            title: s.title,
            meets_on: s.meets_on,
            status: s.status,
            quorum: s.quorum,
            members_total,
            present,
            quorum_met,
            attendance: attendance.into_iter().map(Into::into).collect(),
            nominations: items
                .into_iter()
                .map(SessionNominationResponse::from)
                .collect(),
            recusals: recusals.into_iter().map(Recusal::from).collect(),
            opened_at: s.opened_at,
            closed_at: s.closed_at,
            version: s.version,
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "Phiên họp xét khen thưởng năm 2025", "meets_on": "2025-12-15",
    "nomination_ids": ["019ab0a4-e000-7000-8000-000000000009"]}))]
pub struct CreateSession {
    #[validate(length(min = 1, max = 300), custom(function = "validate::text"))]
    #[schema(min_length = 1, max_length = 300)]
    pub title: String,
    /// The day the council meets. Nominations whose rules ask for public disclosure must
    /// have been published that many working days before it.
    pub meets_on: NaiveDate,
    /// Members that must be present: from two thirds of the members, rounded up (the
    /// default), to all of them.
    #[schema(minimum = 1)]
    pub quorum: Option<i32>,
    /// Nominations granted by the council's unit, in `council_review` or `disclosed`, and in
    /// no other session that is not over.
    #[validate(length(min = 1, max = 200), custom(function = "validate::ids"))]
    #[schema(min_items = 1, max_items = 200)]
    pub nomination_ids: Vec<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SessionQuery {
    pub status: Option<SessionStatus>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"user_ids": ["019ab0a4-d000-7000-8000-000000000001", "019ab0a4-d000-7000-8000-000000000002"]}))]
pub struct Attendance {
    /// Members present; replaces the list.
    #[validate(length(max = 200), custom(function = "validate::ids"))]
    #[schema(max_items = 200)]
    pub user_ids: Vec<String>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"nomination_id": "019ab0a4-e000-7000-8000-000000000009",
    "reason": "Là thủ trưởng đơn vị của cá nhân được đề nghị"}))]
pub struct RecuseRequest {
    #[validate(custom(function = "validate::id"))]
    pub nomination_id: String,
    #[validate(length(min = 1, max = 2000), custom(function = "validate::text"))]
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: String,
    /// The member who recuses; default yourself. Officers keeping the council may record it
    /// for a member.
    #[validate(custom(function = "validate::id"))]
    pub user_id: Option<String>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"nomination_id": "019ab0a4-e000-7000-8000-000000000009", "choice": "agree"}))]
pub struct VoteRequest {
    #[validate(custom(function = "validate::id"))]
    pub nomination_id: String,
    pub choice: Choice,
}

/// That a member voted on a nomination: never what they chose.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"session_id": "019ab0a5-0000-7000-8000-000000000001",
    "nomination_id": "019ab0a4-e000-7000-8000-000000000009", "user_id": "019ab0a4-d000-7000-8000-000000000001"}))]
pub struct BallotReceipt {
    pub session_id: String,
    pub nomination_id: String,
    pub user_id: String,
}

impl From<Ballot> for BallotReceipt {
    fn from(b: Ballot) -> Self {
        let Ballot {
            session_id,
            nomination_id,
            user_id,
        } = b;
        BallotReceipt {
            session_id,
            nomination_id: nomination_id.into(),
            user_id: user_id.into(),
        }
    }
}

/// A session answered with its ETag.
fn session_answer(status: StatusCode, d: SessionDetail) -> HttpResponse {
    tagged(status, d.session.version, &SessionResponse::from(d))
}

/// List a council's sessions, latest meeting first.
#[utoipa::path(
    operation_id = "listCouncilSessions",
    tag = "councils",
    params(("id" = String, Path, description = "Council id"), ListParams, SessionQuery),
    responses(
        (status = 200, description = "One page of the council's sessions (summaries), with the total", body = Page<SessionSummary>),
        (status = 404, description = "No such council, or not visible to you"),
        (status = 422, description = "Invalid parameters"),
    )
)]
#[get("/{id}/sessions")]
pub async fn list_sessions(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    Query(params): Query<ListParams>,
    Query(query): Query<SessionQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = CouncilId::from(id.into_inner());
    let page = params.page()?;
    let (items, total) = crate::api::read(&state.pool, move |conn| {
        app::councils::list_sessions(conn, &principal, &id, query.status, page)
    })
    .await?;
    Ok(Page::of(items, total, page, SessionSummary::from).respond(&req))
}

/// Schedule a session of the council over nominations its unit grants (officers keeping
/// the council).
#[utoipa::path(
    operation_id = "createCouncilSession",
    tag = "councils",
    params(("id" = String, Path, description = "Council id")),
    request_body = CreateSession,
    responses(
        (status = 201, description = "The council session created", body = SessionResponse, headers(("ETag" = String))),
        (status = 403, description = "Only officers of the unit's subtree keep its council"),
        (status = 404, description = "No such council, or not visible to you"),
        (status = 409, description = "`council_archived`, `no_members`; for a nomination (named in `errors`): `not_before_council` (not in council_review or disclosed), `in_another_session`, or `disclosure_too_short` (its rules ask for publication a number of working days before `meets_on`)"),
        (status = 412, description = "A nomination changed meanwhile (another session took it at the same time)"),
        (status = 422, description = "Invalid fields: a nomination not found or granted by another unit (`wrong_council`), a quorum below two thirds of the members (rounded up) or above their number"),
    )
)]
#[post("/{id}/sessions")]
pub async fn create_session(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    Json(body): Json<CreateSession>,
) -> Result<HttpResponse, ApiError> {
    let id = CouncilId::from(id.into_inner());
    let actor = actor(&req, Some(&principal.user_id));
    let new = app::councils::NewSession {
        title: body.title,
        meets_on: body.meets_on,
        quorum: body.quorum,
        nomination_ids: body
            .nomination_ids
            .into_iter()
            .map(NominationId::from)
            .collect(),
    };
    let d = crate::api::change(&state.pool, move |tx| {
        app::councils::create_session(tx, &principal, &actor, &id, new)
    })
    .await?;
    Ok(session_answer(StatusCode::CREATED, d))
}

/// Get a session: attendance, nominations with how many voted, recusals with reasons, and,
/// once closed, each tally and outcome. For the council's members and the officers keeping
/// it only.
#[utoipa::path(
    operation_id = "getCouncilSession",
    tag = "councils",
    params(("id" = String, Path, description = "Council id"), ("sid" = String, Path, description = "Session id")),
    responses(
        (status = 200, description = "The council session", body = SessionResponse, headers(("ETag" = String))),
        (status = 404, description = "No such council or session, or not visible to you: sessions are read by the council's members and the officers keeping it"),
    )
)]
#[get("/{id}/sessions/{sid}")]
pub async fn get_session(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, sid) = path.into_inner();
    let id = CouncilId::from(id);
    let d = crate::api::read(&state.pool, move |conn| {
        app::councils::get_session(conn, &principal, &id, &sid)
    })
    .await?;
    Ok(session_answer(StatusCode::OK, d))
}

/// Record the members present, while the session is scheduled.
#[utoipa::path(
    operation_id = "setCouncilSessionAttendance",
    tag = "councils",
    params(("id" = String, Path, description = "Council id"), ("sid" = String, Path, description = "Session id"),
           ("If-Match" = String, Header, description = "The ETag you read")),
    request_body = Attendance,
    responses(
        (status = 200, description = "The session with its attendance", body = SessionResponse, headers(("ETag" = String))),
        (status = 403, description = "Only officers keeping the council record attendance"),
        (status = 404, description = "No such council or session, or not visible to you: sessions are read by the council's members and the officers keeping it"),
        (status = 409, description = "`session_not_scheduled`: attendance is taken before the session opens"),
        (status = 412, description = "The session changed since you read it"),
        (status = 422, description = "An account that is not a member, or listed twice"),
        (status = 428, description = "If-Match is missing"),
    )
)]
#[put("/{id}/sessions/{sid}/attendance")]
pub async fn set_attendance(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, String)>,
    IfMatch(version): IfMatch,
    Json(body): Json<Attendance>,
) -> Result<HttpResponse, ApiError> {
    let (id, sid) = path.into_inner();
    let id = CouncilId::from(id);
    let actor = actor(&req, Some(&principal.user_id));
    let user_ids: Vec<UserId> = body.user_ids.into_iter().map(UserId::from).collect();
    let d = crate::api::change(&state.pool, move |tx| {
        app::councils::set_attendance(tx, &principal, &actor, (&id, &sid), version, &user_ids)
    })
    .await?;
    Ok(session_answer(StatusCode::OK, d))
}

/// Open a scheduled session: not before the day it meets, and only with its quorum of
/// members present (otherwise it stays scheduled, not valid to vote). The council's
/// membership is counted now: thresholds are over all members, not those present.
#[utoipa::path(
    operation_id = "openCouncilSession",
    tag = "councils",
    params(("id" = String, Path, description = "Council id"), ("sid" = String, Path, description = "Session id"),
           ("If-Match" = String, Header, description = "The ETag you read")),
    responses(
        (status = 200, description = "The session, open for voting", body = SessionResponse, headers(("ETag" = String))),
        (status = 403, description = "Only officers keeping the council open its sessions"),
        (status = 404, description = "No such council or session, or not visible to you: sessions are read by the council's members and the officers keeping it"),
        (status = 409, description = "`too_early`: before the session's `meets_on`; `below_quorum`: fewer members present than the quorum; `session_not_scheduled`"),
        (status = 412, description = "The session changed since you read it"),
        (status = 428, description = "If-Match is missing"),
    )
)]
#[post("/{id}/sessions/{sid}/open")]
pub async fn open_session(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, String)>,
    IfMatch(version): IfMatch,
) -> Result<HttpResponse, ApiError> {
    let (id, sid) = path.into_inner();
    let id = CouncilId::from(id);
    let actor = actor(&req, Some(&principal.user_id));
    let d = crate::api::change(&state.pool, move |tx| {
        app::councils::open_session(tx, &principal, &actor, (&id, &sid), version)
    })
    .await?;
    Ok(session_answer(StatusCode::OK, d))
}

/// Close a session. An open one closes with its results: a nomination passes when its
/// agree votes reach its award's threshold of all members (≥ 90 % for Chiến sĩ thi đua
/// toàn quốc, ≥ 80 % for Cờ thi đua của Chính phủ, else more than half, from the rules in
/// force) and moves to `approved`, otherwise to `rejected`; it closes only once every member
/// present has voted on (or recused from) every nomination. A scheduled one, never opened,
/// ends `invalid` and its nominations wait for another session.
#[utoipa::path(
    operation_id = "closeCouncilSession",
    tag = "councils",
    params(("id" = String, Path, description = "Council id"), ("sid" = String, Path, description = "Session id"),
           ("If-Match" = String, Header, description = "The ETag you read")),
    responses(
        (status = 200, description = "The session, closed, with its tallies", body = SessionResponse, headers(("ETag" = String))),
        (status = 403, description = "Only officers keeping the council close its sessions"),
        (status = 404, description = "No such council or session, or not visible to you: sessions are read by the council's members and the officers keeping it"),
        (status = 409, description = "`votes_outstanding`: a member present has neither voted on nor recused from a nomination; `session_over`: already closed or invalid"),
        (status = 412, description = "The session or one of its nominations changed since you read it"),
        (status = 428, description = "If-Match is missing"),
    )
)]
#[post("/{id}/sessions/{sid}/close")]
pub async fn close_session(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, String)>,
    IfMatch(version): IfMatch,
) -> Result<HttpResponse, ApiError> {
    let (id, sid) = path.into_inner();
    let id = CouncilId::from(id);
    let actor = actor(&req, Some(&principal.user_id));
    let d = crate::api::change(&state.pool, move |tx| {
        app::councils::close_session(tx, &principal, &actor, (&id, &sid), version)
    })
    .await?;
    Ok(session_answer(StatusCode::OK, d))
}

/// Recuse from a nomination, with the reason, while the session is open: a member for
/// themself, or an officer keeping the council for a member (`user_id`). A member who is
/// the nominee, or heads the nominee's unit, must recuse instead of voting.
#[utoipa::path(
    operation_id = "recuseFromCouncilSession",
    tag = "councils",
    params(("id" = String, Path, description = "Council id"), ("sid" = String, Path, description = "Session id")),
    request_body = RecuseRequest,
    responses(
        (status = 201, description = "The recusal recorded", body = Recusal),
        (status = 403, description = "Recusing yourself from a council you do not sit on, or another member without keeping the council"),
        (status = 404, description = "No such council or session, or not visible to you: sessions are read by the council's members and the officers keeping it"),
        (status = 409, description = "`session_not_open`, `already_recused`, or `already_voted` (a member who voted can no longer recuse)"),
        (status = 422, description = "Invalid fields; a nomination not in the session; a `user_id` that is not a member"),
    )
)]
#[post("/{id}/sessions/{sid}/recusals")]
pub async fn recuse(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, String)>,
    Json(body): Json<RecuseRequest>,
) -> Result<HttpResponse, ApiError> {
    let (id, sid) = path.into_inner();
    let id = CouncilId::from(id);
    let actor = actor(&req, Some(&principal.user_id));
    let new = app::councils::NewRecusal {
        nomination_id: NominationId::from(body.nomination_id),
        reason: body.reason,
        user_id: body.user_id.map(UserId::from),
    };
    let r = crate::api::change(&state.pool, move |tx| {
        app::councils::recuse(tx, &principal, &actor, (&id, &sid), new)
    })
    .await?;
    Ok(HttpResponse::Created().json(Recusal::from(r)))
}

/// Cast your secret ballot on a nomination of an open session you attend: agree, disagree
/// or abstain, once. Only the receipt is answered; nobody — an admin included — can read
/// who chose what, and the tally appears when the session closes.
#[utoipa::path(
    operation_id = "castCouncilVote",
    tag = "councils",
    params(("id" = String, Path, description = "Council id"), ("sid" = String, Path, description = "Session id")),
    request_body = VoteRequest,
    responses(
        (status = 201, description = "The receipt of the secret ballot", body = BallotReceipt),
        (status = 403, description = "Only the council's members vote, each for themself"),
        (status = 404, description = "No such council or session, or not visible to you: sessions are read by the council's members and the officers keeping it"),
        (status = 409, description = "`session_not_open` (before it opens or after it closes), `not_present`, `already_voted`, `recused`, or `must_recuse` (you are the nominee or head the nominee's unit)"),
        (status = 422, description = "Invalid fields, or a nomination not in the session"),
    )
)]
#[post("/{id}/sessions/{sid}/votes")]
pub async fn vote(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, String)>,
    Json(body): Json<VoteRequest>,
) -> Result<HttpResponse, ApiError> {
    let (id, sid) = path.into_inner();
    let id = CouncilId::from(id);
    let actor = actor(&req, Some(&principal.user_id));
    let receipt = BallotReceipt::from(
        crate::api::change(&state.pool, move |tx| {
            app::councils::vote(
                tx,
                &principal,
                &actor,
                (&id, &sid),
                NominationId::from(body.nomination_id),
                body.choice,
            )
        })
        .await?,
    );
    Ok(HttpResponse::Created().json(receipt))
}

/// The minutes (biên bản) of a session that is over, drawn up from its record: council,
/// date, members present and absent, recusals with reasons, and for each nomination the
/// tally, the threshold, the result and the public feedback received while it was
/// published; as parts and as Vietnamese text. For the council's members and the officers
/// keeping it only: the feedback names its authors.
#[utoipa::path(
    operation_id = "getCouncilSessionMinutes",
    tag = "councils",
    params(("id" = String, Path, description = "Council id"), ("sid" = String, Path, description = "Session id")),
    responses(
        (status = 200, description = "The session's minutes, drawn up from the record", body = Minutes),
        (status = 404, description = "No such council or session, or not visible to you: sessions are read by the council's members and the officers keeping it"),
        (status = 409, description = "`session_not_closed`: minutes are drawn up once the session is closed or invalid"),
    )
)]
#[get("/{id}/sessions/{sid}/minutes")]
pub async fn minutes(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, sid) = path.into_inner();
    let id = CouncilId::from(id);
    let m = crate::api::read(&state.pool, move |conn| {
        app::councils::minutes(conn, &principal, &id, &sid)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Minutes::from(m)))
}

/// The votes on one nomination, public once the session is closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct Tally {
    pub agree: i32,
    pub disagree: i32,
    pub abstain: i32,
}

impl From<councils::Tally> for Tally {
    fn from(t: councils::Tally) -> Self {
        let councils::Tally {
            agree,
            disagree,
            abstain,
        } = t;
        Tally {
            agree,
            disagree,
            abstain,
        }
    }
}

/// A member's recorded recusal from one nomination.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Recusal {
    pub nomination_id: String,
    pub user_id: String,
    /// The member's name.
    pub name: String,
    pub reason: String,
    pub at: DateTime<Utc>,
}

impl From<councils::Recusal> for Recusal {
    fn from(r: councils::Recusal) -> Self {
        let councils::Recusal {
            nomination_id,
            user_id,
            name,
            reason,
            at,
        } = r;
        Recusal {
            nomination_id: nomination_id.into(),
            user_id: user_id.into(),
            name,
            reason,
            at,
        }
    }
}

/// A present or absent member in the minutes.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MinutesMember {
    pub user_id: String,
    pub name: String,
    pub position: String,
}

impl From<councils::MinutesMember> for MinutesMember {
    fn from(m: councils::MinutesMember) -> Self {
        let councils::MinutesMember {
            user_id,
            name,
            position,
        } = m;
        MinutesMember {
            user_id: user_id.into(),
            name,
            position,
        }
    }
}

/// Feedback the public sent about a nomination while it was published.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MinutesFeedback {
    pub author_name: Option<String>,
    pub content: String,
    pub received_at: DateTime<Utc>,
}

impl From<councils::MinutesFeedback> for MinutesFeedback {
    fn from(f: councils::MinutesFeedback) -> Self {
        let councils::MinutesFeedback {
            author_name,
            content,
            received_at,
        } = f;
        MinutesFeedback {
            author_name,
            content,
            received_at,
        }
    }
}

/// One nomination's result in the minutes.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MinutesNomination {
    pub nomination_id: String,
    pub nominee_name: String,
    pub award_type_code: String,
    pub award_type_name: String,
    /// Null when the session was invalid (no vote).
    pub tally: Option<Tally>,
    /// Members who voted.
    pub votes_cast: i64,
    /// Agree votes needed, as a percentage of all members; null means more than half.
    pub threshold_percent: Option<f64>,
    /// The fewest agree votes that pass among all members.
    pub votes_needed: Option<i32>,
    pub outcome: Option<Outcome>,
    pub feedback: Vec<MinutesFeedback>,
}

impl From<councils::MinutesNomination> for MinutesNomination {
    fn from(n: councils::MinutesNomination) -> Self {
        let councils::MinutesNomination {
            nomination_id,
            nominee_name,
            award_type_code,
            award_type_name,
            tally,
            votes_cast,
            threshold_percent,
            votes_needed,
            outcome,
            feedback,
        } = n;
        MinutesNomination {
            nomination_id: nomination_id.into(),
            nominee_name,
            award_type_code,
            award_type_name,
            tally: tally.map(Tally::from),
            votes_cast,
            threshold_percent,
            votes_needed,
            outcome,
            feedback: feedback.into_iter().map(MinutesFeedback::from).collect(),
        }
    }
}

/// Biên bản họp Hội đồng: the record of a session that is over, in parts and as text.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Minutes {
    pub session_id: String,
    pub council_id: String,
    pub council_name: String,
    pub unit_name: String,
    pub title: String,
    pub meets_on: NaiveDate,
    pub status: SessionStatus,
    pub members_total: i32,
    pub quorum: i32,
    pub present: Vec<MinutesMember>,
    pub absent: Vec<MinutesMember>,
    pub recusals: Vec<Recusal>,
    pub nominations: Vec<MinutesNomination>,
    /// The minutes as a Vietnamese document.
    pub text: String,
}

impl From<councils::Minutes> for Minutes {
    fn from(m: councils::Minutes) -> Self {
        let councils::Minutes {
            session_id,
            council_id,
            council_name,
            unit_name,
            title,
            meets_on,
            status,
            members_total,
            quorum,
            present,
            absent,
            recusals,
            nominations,
            text,
        } = m;
        Minutes {
            session_id,
            council_id: council_id.into(),
            council_name,
            unit_name,
            title,
            meets_on,
            status,
            members_total,
            quorum,
            present: present.into_iter().map(MinutesMember::from).collect(),
            absent: absent.into_iter().map(MinutesMember::from).collect(),
            recusals: recusals.into_iter().map(Recusal::from).collect(),
            nominations: nominations
                .into_iter()
                .map(MinutesNomination::from)
                .collect(),
            text,
        }
    }
}

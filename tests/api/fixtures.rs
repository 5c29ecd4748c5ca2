//! Fixture builders: the things of the domain — a plan and its criteria, evidence, a
//! registration, a nomination, a council and its session, a disclosure, a decision, a
//! discipline, a bloc, a staff member, a service client — made over HTTP with valid
//! Vietnamese defaults, so a test names what it sets up and only the fields that matter
//! to it; and the moves made on them (issue a plan, submit and approve evidence, act on a
//! nomination, attend, open and vote in a session, revoke a decision).
//!
//! A builder sends the fields it was given and its defaults, nothing else. `send` answers
//! the response as it is; the other verbs (`draft`, `recorded`, `approved`, `formed`,
//! `made`…) assert that the thing was made and answer its id (or what was made). Tests
//! whose point is a body (a bad field, a field's effect) write that body out instead.

use actix_web::http::{Method, StatusCode};
use serde_json::{Map, Value};

use crate::harness::{Res, TestApp};
use crate::work::Work;

pub const PLANS: &str = "/api/v1/plans";
pub const EVIDENCE: &str = "/api/v1/evidence";
pub const REGISTRATIONS: &str = "/api/v1/registrations";
pub const NOMINATIONS: &str = "/api/v1/nominations";
pub const COUNCILS: &str = "/api/v1/councils";
pub const DISCLOSURES: &str = "/api/v1/disclosures";
pub const DECISIONS: &str = "/api/v1/award-decisions";

/// A JSON object of these fields.
fn object<const N: usize>(fields: [(&str, Value); N]) -> Map<String, Value> {
    fields
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
}

/// A JSON list of strings.
fn strings(items: &[&str]) -> Value {
    Value::from(items.to_vec())
}

/// The body of a move to another status.
fn status(status: &str) -> Value {
    Value::Object(object([("status", status.into())]))
}

/// Asserts `res` made something (201) and answers its id.
fn created(res: Res, what: &str) -> String {
    assert_eq!(res.status, StatusCode::CREATED, "{what}: {}", res.body);
    res.id()
}

/// The current ETag of the resource at `path`, as `token` reads it.
pub async fn etag_of(app: &TestApp, token: &str, path: &str) -> String {
    let res = app.get(path).token(token).await;
    assert_eq!(res.status, StatusCode::OK, "read {path}: {}", res.body);
    res.etag()
}

/// A setter of one field on a builder that keeps its body as a JSON object.
macro_rules! fields {
    ($builder:ident { $($(#[$doc:meta])* $setter:ident($key:literal: $ty:ty)),* $(,)? }) => {
        impl $builder {
            $(
                $(#[$doc])*
                pub fn $setter(mut self, value: $ty) -> Self {
                    self.0.insert($key.to_string(), Value::from(value));
                    self
                }
            )*
        }
    };
}

// ---------------------------------------------------------------------------------------
// Plans and criteria

/// A plan (kế hoạch thi đua) of an issuing unit. By default "Kế hoạch thi đua năm 2026",
/// số 15/KH, issued on 10 January 2026, with one phase over the year 2026.
#[derive(Clone)]
pub struct Plan(Map<String, Value>);

impl Plan {
    pub fn of(issuer: &str) -> Plan {
        Plan(object([
            ("issuer_id", issuer.into()),
            ("title", "Kế hoạch thi đua năm 2026".into()),
            ("number", "15/KH".into()),
            ("issued_on", "2026-01-10".into()),
        ]))
        .phase("Năm 2026", "2026-01-01", "2026-12-31")
    }

    /// The plan's only phase.
    pub fn phase(mut self, name: &str, start: &str, end: &str) -> Self {
        let phase = object([
            ("name", name.into()),
            ("start_date", start.into()),
            ("end_date", end.into()),
        ]);
        self.0
            .insert("phases".into(), Value::Array(vec![Value::Object(phase)]));
        self
    }

    pub fn contents(mut self, contents: &[&str]) -> Self {
        self.0.insert("contents".into(), strings(contents));
        self
    }

    pub fn legal_basis(mut self, documents: &[&str]) -> Self {
        self.0.insert("legal_basis_ids".into(), strings(documents));
        self
    }

    pub async fn send(self, app: &TestApp, token: &str) -> Res {
        app.post(PLANS)
            .token(token)
            .json(Value::Object(self.0))
            .await
    }

    /// Created, still a draft; answers its id.
    pub async fn draft(self, app: &TestApp, token: &str) -> String {
        created(self.send(app, token).await, "plan")
    }
}

fields!(Plan {
    title("title": &str),
    number("number": &str),
    issued_on("issued_on": &str),
});

/// Moves a plan to `to` (issued, in progress, closed…) as `token`, reading its ETag first.
pub async fn move_plan(app: &TestApp, token: &str, plan: &str, to: &str) -> Res {
    let path = format!("{PLANS}/{plan}");
    let etag = etag_of(app, token, &path).await;
    app.post(&format!("{path}/status"))
        .token(token)
        .if_match(&etag)
        .json(status(to))
        .await
}

/// Issues a draft plan as `token` (its criteria are then frozen).
pub async fn issue_plan(app: &TestApp, token: &str, plan: &str) {
    let res = move_plan(app, token, plan, "issued").await;
    assert_eq!(res.status, StatusCode::OK, "issue the plan: {}", res.body);
}

/// A criterion (tiêu chí) of a plan, for individuals or for units; its measure is set by
/// one of `boolean`, `percent`, `count` or `score`.
#[derive(Clone)]
pub struct Criterion(Map<String, Value>);

impl Criterion {
    pub fn individual(code: &str, title: &str) -> Criterion {
        Criterion::of("individual", code, title)
    }

    pub fn collective(code: &str, title: &str) -> Criterion {
        Criterion::of("collective", code, title)
    }

    fn of(subject: &str, code: &str, title: &str) -> Criterion {
        Criterion(object([
            ("subject", subject.into()),
            ("code", code.into()),
            ("title", title.into()),
        ]))
    }

    fn measure(mut self, measure: &str, target: Option<f64>, points: f64) -> Self {
        self.0.insert("measure".into(), measure.into());
        if let Some(target) = target {
            self.0.insert("target".into(), target.into());
        }
        self.0.insert("max_points".into(), points.into());
        self
    }

    /// Met or not ("có/không").
    pub fn boolean(self, points: f64) -> Self {
        self.measure("boolean", None, points)
    }

    pub fn percent(self, target: f64, points: f64) -> Self {
        self.measure("percent", Some(target), points)
    }

    pub fn count(self, target: f64, points: f64) -> Self {
        self.measure("count", Some(target), points)
    }

    /// A score out of 10.
    pub fn score(self, target: f64, points: f64) -> Self {
        self.measure("score", Some(target), points)
    }

    pub async fn send(self, app: &TestApp, token: &str, plan: &str) -> Res {
        app.post(&format!("{PLANS}/{plan}/criteria"))
            .token(token)
            .json(Value::Object(self.0))
            .await
    }

    /// Added to `plan`; answers its id.
    pub async fn add_to(self, app: &TestApp, token: &str, plan: &str) -> String {
        created(self.send(app, token, plan).await, "criterion")
    }
}

fields!(Criterion {
    unit("unit": &str),
    frequency("frequency": &str),
    content_no("content_no": i64),
    /// A percentage of staff, computed from an individual criterion.
    computed_from("source_criterion_id": &str),
    /// Why a criterion is added to an issued plan.
    amendment("amendment_reason": &str),
});

// ---------------------------------------------------------------------------------------
// Evidence

/// Evidence (minh chứng) of a criterion for 2026, of a unit or of a staff member.
#[derive(Clone)]
pub struct Evidence(Map<String, Value>);

impl Evidence {
    /// Of a unit, for a collective criterion.
    pub fn of_unit(criterion: &str, unit: &str) -> Evidence {
        Evidence::of(criterion, "org_unit_id", unit)
    }

    /// Of a staff member, for an individual criterion.
    pub fn of_staff(criterion: &str, staff: &str) -> Evidence {
        Evidence::of(criterion, "staff_id", staff)
    }

    fn of(criterion: &str, subject: &str, id: &str) -> Evidence {
        Evidence(object([
            ("criterion_id", criterion.into()),
            ("year", 2026.into()),
            (subject, id.into()),
        ]))
    }

    /// The measured value: a count, a percentage, a score, or 1/0 for yes/no.
    pub fn value(mut self, value: impl Into<Value>) -> Self {
        self.0.insert("value".into(), value.into());
        self
    }

    pub fn links(mut self, links: &[&str]) -> Self {
        self.0.insert("links".into(), strings(links));
        self
    }

    /// Recorded as `token`, answered as it is.
    pub async fn record(self, app: &TestApp, token: &str) -> Res {
        record(app, token, Value::Object(self.0)).await
    }

    /// Recorded as `token`, a draft; answers its id.
    pub async fn recorded(self, app: &TestApp, token: &str) -> String {
        created(self.record(app, token).await, "record evidence")
    }

    /// Recorded and submitted by `author`; answers its id.
    pub async fn submitted(self, app: &TestApp, author: &str) -> String {
        let id = self.recorded(app, author).await;
        let res = submit_evidence(app, author, &id).await;
        assert_eq!(res.status, StatusCode::OK, "submit: {}", res.body);
        id
    }

    /// Recorded and submitted by `author`, approved by `reviewer`; answers its id.
    pub async fn approved(self, app: &TestApp, author: &str, reviewer: &str) -> String {
        let id = self.submitted(app, author).await;
        let res = approve_evidence(app, reviewer, &id).await;
        assert_eq!(res.status, StatusCode::OK, "approve: {}", res.body);
        id
    }
}

fields!(Evidence {
    /// The day the value was measured.
    measured_on("as_of": &str),
    self_score("self_score": f64),
    description("description": &str),
});

/// Records evidence as `token` and answers the response.
pub async fn record(app: &TestApp, token: &str, body: Value) -> Res {
    app.post(EVIDENCE).token(token).json(body).await
}

/// Moves evidence as `token` (`body` names the status, and a note or score), reading its
/// current ETag first.
pub async fn move_to(app: &TestApp, token: &str, id: &str, body: Value) -> Res {
    let etag = app
        .get(&format!("{EVIDENCE}/{id}"))
        .token(token)
        .await
        .header("etag")
        .unwrap_or("\"v0\"")
        .to_string();
    app.post(&format!("{EVIDENCE}/{id}/status"))
        .token(token)
        .if_match(&etag)
        .json(body)
        .await
}

/// Submits evidence for review as `token`.
pub async fn submit_evidence(app: &TestApp, token: &str, id: &str) -> Res {
    move_to(app, token, id, status("submitted")).await
}

/// Approves evidence as `token`, with no note nor score of the reviewer's.
pub async fn approve_evidence(app: &TestApp, token: &str, id: &str) -> Res {
    move_to(app, token, id, status("approved")).await
}

// ---------------------------------------------------------------------------------------
// Nominations and decisions

/// A nomination (đề nghị khen thưởng) of a staff member or of a unit for an award type,
/// for the achievements of 2025. Unless given one, its summary says the person
/// "Hoàn thành tốt nhiệm vụ được giao năm 2025." or the unit "Tập thể hoàn thành xuất sắc
/// nhiệm vụ năm 2025.".
#[derive(Clone)]
pub struct Nomination(Map<String, Value>);

impl Nomination {
    pub fn of_staff(award_type: &str, staff: &str) -> Nomination {
        Nomination::of(award_type, "staff_id", staff)
    }

    pub fn of_unit(award_type: &str, unit: &str) -> Nomination {
        Nomination::of(award_type, "org_unit_id", unit)
    }

    fn of(award_type: &str, subject: &str, id: &str) -> Nomination {
        Nomination(object([
            ("award_type", award_type.into()),
            (subject, id.into()),
            ("year", 2025.into()),
        ]))
    }

    /// The plan whose board holds the nominee's score (`None` names none).
    pub fn plan(mut self, plan: Option<&str>) -> Self {
        self.0.insert("plan_id".into(), plan.into());
        self
    }

    pub fn body(mut self) -> Value {
        if !self.0.contains_key("summary") {
            let year = &self.0["year"];
            let summary = if self.0.contains_key("staff_id") {
                format!("Hoàn thành tốt nhiệm vụ được giao năm {year}.")
            } else {
                format!("Tập thể hoàn thành xuất sắc nhiệm vụ năm {year}.")
            };
            self.0.insert("summary".into(), summary.into());
        }
        Value::Object(self.0)
    }

    /// Proposed as `token`, answered as it is.
    pub async fn send(self, app: &TestApp, token: &str) -> Res {
        nominate(app, token, self.body()).await
    }

    /// Proposed as `token`, a draft; answers its id.
    pub async fn draft(self, app: &TestApp, token: &str) -> String {
        created(self.send(app, token).await, "nominate")
    }

    /// Proposed by the office's officer, submitted and approved up to the council of its
    /// granting level (the admin approves at the province); answers its id.
    pub async fn up_to_council(self, app: &TestApp, w: &Work) -> String {
        let id = self.draft(app, &w.officer).await;
        let res = act(app, &w.officer, &id, "submit", None).await;
        assert_eq!(res.status, StatusCode::OK, "submit: {}", res.body);
        for _ in 0..4 {
            let res = app
                .get(&format!("{NOMINATIONS}/{id}"))
                .token(&w.admin)
                .await;
            if res.body["status"] == "council_review" {
                return id;
            }
            let res = act(app, &w.admin, &id, "approve", None).await;
            assert_eq!(res.status, StatusCode::OK, "approve: {}", res.body);
        }
        panic!("nomination {id} did not reach the council");
    }
}

fields!(Nomination {
    year("year": i32),
    summary("summary": &str),
    /// The unit that proposes it, when not the caller's own.
    proposed_by("proposer_unit_id": &str),
});

/// Creates a nomination as `token`.
pub async fn nominate(app: &TestApp, token: &str, body: Value) -> Res {
    app.post(NOMINATIONS).token(token).json(body).await
}

/// Applies `action` (submit, approve, return, reject…) to a nomination as `token`, reading
/// its ETag first.
pub async fn act(app: &TestApp, token: &str, id: &str, action: &str, reason: Option<&str>) -> Res {
    let etag = app
        .get(&format!("{NOMINATIONS}/{id}"))
        .token(token)
        .await
        .header("etag")
        .unwrap_or("\"v0\"")
        .to_string();
    app.post(&format!("{NOMINATIONS}/{id}/actions"))
        .token(token)
        .if_match(&etag)
        .json(Value::Object(object([
            ("action", action.into()),
            ("reason", reason.into()),
        ])))
        .await
}

/// An award decision (quyết định khen thưởng) of a unit for the achievements of a year,
/// granting the awards it lists or the nominations it names. By default signed on 20
/// January of the next year by Trần Văn Hùng, Chánh Văn phòng UBND tỉnh.
#[derive(Clone)]
pub struct Decision(Map<String, Value>);

impl Decision {
    pub fn of(unit: &str, number: &str, award_year: i32) -> Decision {
        Decision(object([
            ("number", number.into()),
            ("decided_on", format!("{}-01-20", award_year + 1).into()),
            ("signer", "Trần Văn Hùng".into()),
            ("authority", "Chánh Văn phòng UBND tỉnh".into()),
            ("org_unit_id", unit.into()),
            ("award_year", award_year.into()),
        ]))
    }

    fn grant(mut self, award_type: &str, subject: &str, id: &str) -> Self {
        let recipient = object([("award_type", award_type.into()), (subject, id.into())]);
        let recipients = self
            .0
            .entry("recipients")
            .or_insert_with(|| Value::Array(Vec::new()));
        recipients
            .as_array_mut()
            .expect("recipients")
            .push(Value::Object(recipient));
        self
    }

    /// Grants `award_type` to a staff member.
    pub fn grant_staff(self, award_type: &str, staff: &str) -> Self {
        self.grant(award_type, "staff_id", staff)
    }

    /// Grants `award_type` to a unit.
    pub fn grant_unit(self, award_type: &str, unit: &str) -> Self {
        self.grant(award_type, "org_unit_id", unit)
    }

    /// Decides these nominations (approved by their council).
    pub fn nominations(mut self, ids: &[&str]) -> Self {
        self.0.insert("nomination_ids".into(), strings(ids));
        self
    }

    pub fn body(self) -> Value {
        Value::Object(self.0)
    }

    /// Made as `token`, answered as it is.
    pub async fn send(self, app: &TestApp, token: &str) -> Res {
        app.post(DECISIONS).token(token).json(self.body()).await
    }

    /// Made as `token`; answers the decision with its awards.
    pub async fn made(self, app: &TestApp, token: &str) -> Res {
        let number = self.0["number"].clone();
        let res = self.send(app, token).await;
        assert_eq!(
            res.status,
            StatusCode::CREATED,
            "decision {number}: {}",
            res.body
        );
        res
    }
}

fields!(Decision {
    decided_on("decided_on": &str),
    signer("signer": &str),
    authority("authority": &str),
    /// annual, thematic…
    occasion("occasion": &str),
});

/// A discipline (kỷ luật) of a staff member: a level (reprimand, warning…), its reason,
/// the day it starts and, unless it runs on, the day it ends. While it runs, and for the
/// periods before its end, the person's achievements do not count.
#[derive(Clone)]
pub struct Discipline(Map<String, Value>);

impl Discipline {
    pub fn of(staff: &str, level: &str, reason: &str, starts_on: &str) -> Discipline {
        Discipline(object([
            ("staff_id", staff.into()),
            ("level", level.into()),
            ("reason", reason.into()),
            ("starts_on", starts_on.into()),
        ]))
    }

    /// Recorded as `token`, answered as it is.
    pub async fn send(self, app: &TestApp, token: &str) -> Res {
        app.post("/api/v1/disciplines")
            .token(token)
            .json(Value::Object(self.0))
            .await
    }

    /// Recorded as `token`; answers its id.
    pub async fn recorded(self, app: &TestApp, token: &str) -> String {
        created(self.send(app, token).await, "discipline")
    }
}

fields!(Discipline {
    ends_on("ends_on": &str),
});

/// Revokes a decision and its awards as `token`, reading its ETag first.
pub async fn revoke_decision(app: &TestApp, token: &str, id: &str, reason: &str) -> Res {
    let path = format!("{DECISIONS}/{id}");
    let etag = etag_of(app, token, &path).await;
    app.post(&format!("{path}/revoke"))
        .token(token)
        .if_match(&etag)
        .json(Value::Object(object([("reason", reason.into())])))
        .await
}

// ---------------------------------------------------------------------------------------
// Registrations

/// A registration (đăng ký thi đua) for a plan's 2026 emulation: of a unit for
/// collective titles, or of a staff member for individual ones.
#[derive(Clone)]
pub struct Registration(Map<String, Value>);

impl Registration {
    pub fn of_unit(plan: &str, unit: &str, titles: &[&str]) -> Registration {
        Registration::of(plan, "collective", "org_unit_id", unit, titles)
    }

    pub fn of_staff(plan: &str, staff: &str, titles: &[&str]) -> Registration {
        Registration::of(plan, "individual", "staff_id", staff, titles)
    }

    fn of(plan: &str, subject: &str, key: &str, id: &str, titles: &[&str]) -> Registration {
        Registration(object([
            ("plan_id", plan.into()),
            ("year", 2026.into()),
            ("subject", subject.into()),
            (key, id.into()),
            ("titles", strings(titles)),
        ]))
    }

    pub fn body(self) -> Value {
        Value::Object(self.0)
    }

    /// Registered as `token`, answered as it is.
    pub async fn send(self, app: &TestApp, token: &str) -> Res {
        register(app, token, self.body()).await
    }

    /// Registered as `token`; answers its id.
    pub async fn registered(self, app: &TestApp, token: &str) -> String {
        created(self.send(app, token).await, "register")
    }
}

fields!(Registration {
    year("year": i32),
});

/// Registers as `token` and answers the response.
pub async fn register(app: &TestApp, token: &str, body: Value) -> Res {
    app.post(REGISTRATIONS).token(token).json(body).await
}

// ---------------------------------------------------------------------------------------
// Councils, sessions and disclosures

/// A council (Hội đồng Thi đua – Khen thưởng) of a unit, its members added with their
/// positions (Chủ tịch Hội đồng, Ủy viên…).
#[derive(Clone)]
pub struct Council(Map<String, Value>);

impl Council {
    pub fn of(unit: &str) -> Council {
        Council(object([
            ("name", "Hội đồng Thi đua – Khen thưởng".into()),
            ("org_unit_id", unit.into()),
            ("members", Value::Array(Vec::new())),
        ]))
    }

    pub fn member(mut self, user: &str, position: &str) -> Self {
        let member = object([("user_id", user.into()), ("position", position.into())]);
        self.0["members"]
            .as_array_mut()
            .expect("members")
            .push(Value::Object(member));
        self
    }

    /// Formed as `token`, answered as it is.
    pub async fn send(self, app: &TestApp, token: &str) -> Res {
        app.post(COUNCILS)
            .token(token)
            .json(Value::Object(self.0))
            .await
    }

    /// Formed as `token`; answers its id.
    pub async fn formed(self, app: &TestApp, token: &str) -> String {
        created(self.send(app, token).await, "council")
    }
}

fields!(Council {
    name("name": &str),
});

/// The sessions of a council.
pub fn sessions(council: &str) -> String {
    format!("{COUNCILS}/{council}/sessions")
}

/// A session (phiên họp) of a council, meeting on a day over nominations waiting for it;
/// titled "Phiên họp xét khen thưởng" unless given a title.
#[derive(Clone)]
pub struct Session(Map<String, Value>);

impl Session {
    pub fn on(meets_on: &str, nominations: &[&str]) -> Session {
        Session(object([
            ("title", "Phiên họp xét khen thưởng".into()),
            ("meets_on", meets_on.into()),
            ("nomination_ids", strings(nominations)),
        ]))
    }

    /// Scheduled as `token`, answered as it is.
    pub async fn send(self, app: &TestApp, token: &str, council: &str) -> Res {
        app.post(&sessions(council))
            .token(token)
            .json(Value::Object(self.0))
            .await
    }

    /// Scheduled as `token`; answers its id.
    pub async fn scheduled(self, app: &TestApp, token: &str, council: &str) -> String {
        created(self.send(app, token, council).await, "session")
    }
}

fields!(Session {
    title("title": &str),
    /// The members who must be present for it to open.
    quorum("quorum": i64),
});

/// Records who attends a session as `token`, reading its ETag first.
pub async fn attend(app: &TestApp, token: &str, council: &str, sid: &str, users: &[String]) -> Res {
    let path = format!("{}/{sid}", sessions(council));
    let etag = etag_of(app, token, &path).await;
    app.req(Method::PUT, &format!("{path}/attendance"))
        .token(token)
        .if_match(&etag)
        .json(Value::Object(object([("user_ids", users.into())])))
        .await
}

/// Opens or closes a session (`what`) as `token`, reading its ETag first.
pub async fn step(app: &TestApp, token: &str, council: &str, sid: &str, what: &str) -> Res {
    let path = format!("{}/{sid}", sessions(council));
    let etag = etag_of(app, token, &path).await;
    app.post(&format!("{path}/{what}"))
        .token(token)
        .if_match(&etag)
        .send()
        .await
}

/// A member's ballot on a nomination: agree, disagree or abstain.
pub async fn vote(
    app: &TestApp,
    token: &str,
    council: &str,
    sid: &str,
    nomination: &str,
    choice: &str,
) -> Res {
    app.post(&format!("{}/{sid}/votes", sessions(council)))
        .token(token)
        .json(Value::Object(object([
            ("nomination_id", nomination.into()),
            ("choice", choice.into()),
        ])))
        .await
}

/// A public disclosure (công khai) by a unit of nominations waiting for its council,
/// titled "Công khai danh sách đề nghị khen thưởng"; from today, for as many working days
/// as the rules ask, unless told otherwise.
#[derive(Clone)]
pub struct Disclosure(Map<String, Value>);

impl Disclosure {
    pub fn of(unit: &str, nominations: &[&str]) -> Disclosure {
        Disclosure(object([
            ("title", "Công khai danh sách đề nghị khen thưởng".into()),
            ("org_unit_id", unit.into()),
            ("nomination_ids", strings(nominations)),
        ]))
    }

    /// Published as `token`, answered as it is.
    pub async fn send(self, app: &TestApp, token: &str) -> Res {
        app.post(DISCLOSURES)
            .token(token)
            .json(Value::Object(self.0))
            .await
    }

    /// Published as `token`; answers its id.
    pub async fn published(self, app: &TestApp, token: &str) -> String {
        created(self.send(app, token).await, "disclosure")
    }
}

fields!(Disclosure {
    title("title": &str),
    working_days("working_days": i64),
    starts_on("starts_on": &str),
});

// ---------------------------------------------------------------------------------------
// Units, accounts and rules

/// Sở Nội vụ, a department of the province beside the office, and the token of its
/// officer (`canbo.snv`), who sees nothing of the office.
pub async fn another_department(app: &TestApp, w: &Work) -> (String, String) {
    let unit = app
        .unit(&w.admin, "NA-SNV", "Sở Nội vụ", Some(&w.province))
        .await;
    let officer = app
        .user(&w.admin, "canbo.snv", &["officer"], Some(&unit))
        .await;
    (unit, officer)
}

impl TestApp {
    /// The id of the account of `token`.
    pub async fn user_id(&self, token: &str) -> String {
        let res = self.get("/api/v1/auth/me").token(token).await;
        assert_eq!(res.status, StatusCode::OK, "me: {}", res.body);
        res.body["user"]["id"]
            .as_str()
            .expect("user id")
            .to_string()
    }
}

/// A rule set of the province, written by the admin, overriding the national rules for
/// the award types `rules` names, from `valid_from`.
pub async fn province_rules(app: &TestApp, w: &Work, code: &str, valid_from: &str, rules: Value) {
    let body = object([
        ("code", code.into()),
        (
            "name",
            "Quy định về công tác thi đua, khen thưởng tỉnh Nghệ An".into(),
        ),
        (
            "legal_source",
            "Quyết định của Ủy ban nhân dân tỉnh Nghệ An".into(),
        ),
        ("valid_from", valid_from.into()),
        ("org_unit_id", w.province.as_str().into()),
        ("rules", rules),
    ]);
    let res = app
        .post("/api/v1/rule-sets")
        .token(&w.admin)
        .json(Value::Object(body))
        .await;
    assert_eq!(
        res.status,
        StatusCode::CREATED,
        "rule set {code}: {}",
        res.body
    );
}

// ---------------------------------------------------------------------------------------
// Service clients

/// A service client (a system that reads the data with client credentials) with its
/// scopes, named "Sở Nội vụ – hệ thống báo cáo", reading the whole system unless limited
/// to a unit's subtree.
#[derive(Clone)]
pub struct Client(Map<String, Value>);

impl Client {
    pub fn with(scopes: &[&str]) -> Client {
        Client(object([
            ("name", "Sở Nội vụ – hệ thống báo cáo".into()),
            ("scopes", strings(scopes)),
        ]))
    }

    /// Created as `admin`, answered as it is.
    pub async fn send(self, app: &TestApp, admin: &str) -> Res {
        app.post("/api/v1/clients")
            .token(admin)
            .json(Value::Object(self.0))
            .await
    }

    /// Created as `admin`; answers the client with its secret (shown this once).
    pub async fn made(self, app: &TestApp, admin: &str) -> Value {
        let res = self.send(app, admin).await;
        assert_eq!(res.status, StatusCode::CREATED, "client: {}", res.body);
        res.body
    }
}

fields!(Client {
    name("name": &str),
    /// Reads only this unit's subtree.
    of_unit("org_unit_id": &str),
});

/// A client-credentials token request with the credentials in the form.
pub async fn ask_token(app: &TestApp, client_id: &str, secret: &str) -> Res {
    let form = form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("grant_type", "client_credentials"),
            ("client_id", client_id),
            ("client_secret", secret),
        ])
        .finish();
    app.post("/api/v1/auth/token")
        .raw("application/x-www-form-urlencoded", form)
        .await
}

/// An access token for these client credentials; never to be cached.
pub async fn client_token(app: &TestApp, client_id: &str, secret: &str) -> String {
    let res = ask_token(app, client_id, secret).await;
    assert_eq!(res.status, StatusCode::OK, "client token: {}", res.body);
    assert_eq!(res.header("cache-control"), Some("no-store"));
    res.body["access_token"]
        .as_str()
        .expect("access_token")
        .to_string()
}

/// An access token for a client as `Client::made` answered it.
pub async fn token_of(app: &TestApp, client: &Value) -> String {
    let field = |name: &str| client[name].as_str().expect(name).to_string();
    client_token(app, &field("client_id"), &field("client_secret")).await
}

// ---------------------------------------------------------------------------------------
// Staff

/// A staff member (cán bộ, công chức, viên chức) of a unit: a công chức unless told.
#[derive(Clone)]
pub struct Staff(Map<String, Value>);

impl Staff {
    pub fn of(unit: &str, full_name: &str) -> Staff {
        Staff(object([
            ("full_name", full_name.into()),
            ("org_unit_id", unit.into()),
            ("category", "cong_chuc".into()),
        ]))
    }

    /// Added as `token`, answered as it is.
    pub async fn send(self, app: &TestApp, token: &str) -> Res {
        app.post("/api/v1/staff")
            .token(token)
            .json(Value::Object(self.0))
            .await
    }

    /// Added as `token`; answers its id.
    pub async fn added(self, app: &TestApp, token: &str) -> String {
        let name = self.0["full_name"].clone();
        let res = self.send(app, token).await;
        assert_eq!(
            res.status,
            StatusCode::CREATED,
            "create staff {name}: {}",
            res.body
        );
        res.id()
    }
}

fields!(Staff {
    /// can_bo, cong_chuc, vien_chuc…
    category("category": &str),
    code("staff_code": &str),
    email("email": &str),
    /// The 12 digits of the citizen's identity card (căn cước công dân).
    personal_id("personal_id": &str),
});

/// Changes a staff record as `token`, reading its ETag first.
pub async fn edit_staff(app: &TestApp, token: &str, id: &str, change: Value) -> Res {
    let path = format!("/api/v1/staff/{id}");
    let etag = etag_of(app, token, &path).await;
    app.patch(&path)
        .token(token)
        .if_match(&etag)
        .json(change)
        .await
}

/// The staff member leaves the service: their record stays, inactive.
pub async fn staff_leaves(app: &TestApp, token: &str, id: &str) -> Res {
    let change = object([("active", false.into())]);
    edit_staff(app, token, id, Value::Object(change)).await
}

// ---------------------------------------------------------------------------------------
// Blocs

/// A bloc (khối, cụm thi đua) of units below its owner, who ranks them.
#[derive(Clone)]
pub struct Bloc(Map<String, Value>);

impl Bloc {
    pub fn of(owner: &str, name: &str, members: &[&str]) -> Bloc {
        Bloc(object([
            ("name", name.into()),
            ("owner_id", owner.into()),
            ("member_ids", strings(members)),
        ]))
    }

    /// Made as `token`, answered as it is.
    pub async fn send(self, app: &TestApp, token: &str) -> Res {
        app.post("/api/v1/blocs")
            .token(token)
            .json(Value::Object(self.0))
            .await
    }

    /// Made as `token`; answers its id.
    pub async fn made(self, app: &TestApp, token: &str) -> String {
        created(self.send(app, token).await, "bloc")
    }
}

//! The OpenAPI document: collected from the router, then completed with what every
//! operation shares (the problem+json body of errors, and the errors any request can meet).

use utoipa::openapi::path::Operation;
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr};
use utoipa::{Modify, OpenApi as _};

use crate::error::{FieldError, PROBLEM_JSON, Problem};

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "thidua",
        description = "Thi đua – khen thưởng: the REST/JSON API for emulation movements and commendation \
                       in Vietnamese government offices — plans, criteria, evidence, awards and reports.\n\n\
                       Errors are `application/problem+json` (RFC 9457) with a stable `code` and, for \
                       invalid fields, `errors: [{field, code, message}]`. Lists take `page`, `per_page` \
                       (≤ 200), `sort`, `q` and `updated_since`. Changes need `If-Match` with the `ETag` you read. \
                       With `Accept-Encoding: gzip`, plans, criteria and evidence pages above 1 KB \
                       come gzip-compressed.",
        license(name = "Apache-2.0", identifier = "Apache-2.0")
    ),
    tags(
        (name = "auth", description = "Log in, refresh, log out"),
        (name = "org-units", description = "Đơn vị: the tree of units that scopes every account"),
        (name = "staff", description = "Cán bộ, công chức, viên chức, người lao động"),
        (name = "movements", description = "Phong trào thi đua: the movements plans implement"),
        (name = "legal-documents", description = "Văn bản căn cứ: the documents plans are based on"),
        (name = "plans", description = "Kế hoạch: implementation plans with every part"),
        (name = "criteria", description = "Tiêu chí: the measurable targets of a plan; amended, never overwritten, once issued"),
        (name = "award-types", description = "Danh hiệu thi đua, hình thức khen thưởng: the catalogue, rule sets and base salaries"),
        (name = "initiatives", description = "Sáng kiến: recognised initiatives and their authors"),
        (name = "disciplines", description = "Kỷ luật: discipline periods that hold back awards"),
        (name = "nominations", description = "Đề nghị khen thưởng: nominations, dossiers, eligibility and their way up the hierarchy"),
        (name = "councils", description = "Hội đồng Thi đua – Khen thưởng: members, sessions, recusals, secret ballots and minutes"),
        (name = "disclosures", description = "Công khai: candidates published for public comment"),
        (name = "public", description = "Without login: published candidates, public feedback, credential verification"),
        (name = "calendar", description = "Public holidays and working-day deadlines"),
        (name = "award-decisions", description = "Quyết định khen thưởng: decisions and their revocation"),
        (name = "awards", description = "Awards granted by decisions, their export and verifiable credentials"),
        (name = "reports", description = "Báo cáo: the yearly report of a plan and the province-wide roll-up, as JSON, CSV, XLSX or Word"),
        (name = "users", description = "Tài khoản: accounts (admins only)"),
        (name = "webhooks", description = "Webhooks: the change feed pushed to other systems, signed and retried (admins only)"),
        (name = "operations", description = "Health checks"),
    ),
    components(schemas(Problem, FieldError)),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut http = Http::new(HttpAuthScheme::Bearer);
        http.bearer_format = Some("JWT".into());
        http.description = Some("An access token from POST /api/v1/auth/login.".into());
        components.add_security_scheme("bearer", SecurityScheme::Http(http));
    }
}

/// The document of the service: `collected` is what the router gave.
pub fn document(collected: OpenApi) -> OpenApi {
    let mut api = ApiDoc::openapi().merge_from(collected);
    for item in api.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for op in operations.into_iter().flatten() {
            complete(op);
        }
        if let Some(op) = &mut item.post {
            idempotent(op);
        }
    }
    api
}

/// Every POST takes an `Idempotency-Key` (see `middleware::idempotency`).
fn idempotent(op: &mut Operation) {
    use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
    let param = ParameterBuilder::new()
        .name("Idempotency-Key")
        .parameter_in(ParameterIn::Header)
        .required(utoipa::openapi::Required::False)
        .description(Some(
            "Any unique string (a UUID): a retry with the same key and request gets the first \
             answer again, with `Idempotent-Replayed: true`, for 24 hours.",
        ))
        .schema(Some(
            utoipa::openapi::ObjectBuilder::new()
                .schema_type(utoipa::openapi::schema::Type::String)
                .min_length(Some(1))
                .max_length(Some(255)),
        ))
        .build();
    op.parameters
        .get_or_insert_with(Vec::new)
        .push(RefOr::T(param));
    let responses = &mut op.responses.responses;
    for (status, description) in [
        (
            "409",
            "A request with this Idempotency-Key is still running",
        ),
        (
            "422",
            "The Idempotency-Key was used for a different request",
        ),
    ] {
        responses
            .entry(status.to_string())
            .or_insert_with(|| RefOr::T(problem_response(description)));
    }
}

fn problem_response(description: &str) -> Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            PROBLEM_JSON,
            ContentBuilder::new()
                .schema(Some(RefOr::Ref(Ref::from_schema_name("Problem"))))
                .build(),
        )
        .build()
}

/// Gives every error response the problem body, and adds the errors any call of this kind
/// can meet, so the contract lists every status a client may see.
fn complete(op: &mut Operation) {
    let secured = op
        .security
        .as_ref()
        .is_some_and(|reqs| reqs.iter().any(|r| *r != Default::default()));
    // A route for named roles lists them in its bearer requirement (`api::access`).
    let for_roles = op.security.as_ref().is_some_and(|reqs| {
        reqs.iter().any(|r| {
            serde_json::to_value(r)
                .ok()
                .and_then(|v| v.as_object().cloned())
                .is_some_and(|o| {
                    o.values()
                        .any(|roles| roles.as_array().is_some_and(|a| !a.is_empty()))
                })
        })
    });
    let has_body = op.request_body.is_some();
    let has_query = op.parameters.iter().flatten().any(|p| {
        matches!(p, RefOr::T(p) if matches!(p.parameter_in, utoipa::openapi::path::ParameterIn::Query))
    });
    let responses = &mut op.responses.responses;
    for (status, response) in responses.iter_mut() {
        if (status.starts_with('4') || status.starts_with('5'))
            && let RefOr::T(r) = response
            && r.content.is_empty()
        {
            *r = problem_response(&r.description);
        }
    }
    let mut add = |status: &str, description: &str| {
        responses
            .entry(status.to_string())
            .or_insert_with(|| RefOr::T(problem_response(description)));
    };
    add("400", "Malformed request (bad JSON or parameters)");
    if secured {
        add(
            "401",
            "Missing, invalid or expired access token, or the session has ended",
        );
    }
    if for_roles {
        add("403", "Your roles do not allow this action");
    }
    if has_body {
        add("413", "The body is larger than 1 MiB");
        add("415", "The body is not application/json");
        add("422", "Invalid fields; `errors` names each one");
    }
    if has_query {
        add("422", "Invalid query parameters; `errors` names each one");
    }
    add(
        "500",
        "Internal error; the X-Request-Id header identifies it in the log",
    );
    add("503", "The database is not reachable; retry later");
}

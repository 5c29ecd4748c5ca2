//! The OpenAPI document: collected from the router, then completed with what every
//! operation shares (the problem+json body of errors, and the errors any request can meet).

use utoipa::openapi::path::Operation;
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr};
use utoipa::{Modify, OpenApi as _};

use crate::api::events::{ChangeEvent, ChangeEventData, PingEvent, PingEventData};
use crate::error::{FieldError, PROBLEM_JSON, Problem};

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "thidua",
        description = "Thi đua – khen thưởng: the REST/JSON API for emulation movements and commendation \
                       in Vietnamese government offices — plans, criteria, evidence, awards and reports.\n\n\
                       Errors are `application/problem+json` (RFC 9457) with a stable `code` and, for \
                       invalid fields, `errors: [{field, code, message}]`. Lists take `page`, `per_page` \
                       (≤ 200), `q` and `updated_since` (and `sort` where they sort), and link \
                       their pages in an RFC 8288 `Link` header. A query parameter an operation \
                       does not take answers 422 naming it. Changes need `If-Match` with the `ETag` you read. \
                       With `Accept-Encoding: gzip`, plans, criteria and evidence pages above 1 KB \
                       come gzip-compressed.",
        license(name = "Apache-2.0", identifier = "Apache-2.0")
    ),
    tags(
        (name = "auth", description = "Đăng nhập — Authentication: log in, refresh, log out, service-client tokens"),
        (name = "org-units", description = "Đơn vị — Units: the tree of units that scopes every account"),
        (name = "staff", description = "Cán bộ, công chức, viên chức, người lao động — Staff: the people of each unit"),
        (name = "movements", description = "Phong trào thi đua — Emulation movements: what plans implement"),
        (name = "legal-documents", description = "Văn bản căn cứ — Legal documents: what plans are based on"),
        (name = "plans", description = "Kế hoạch — Plans: implementation plans with every part"),
        (name = "criteria", description = "Tiêu chí — Criteria: the measurable targets of a plan; amended, never overwritten, once issued"),
        (name = "registrations", description = "Đăng ký thi đua — Registrations: the titles a unit or person registers for in a year, and the deadlines"),
        (name = "evidence", description = "Minh chứng — Evidence: results reported against criteria, with files, reviewed by the unit"),
        (name = "scores", description = "Chấm điểm — Scores: the score board of a plan and the progress of units"),
        (name = "blocs", description = "Cụm, khối thi đua — Blocs: groups of units ranked against each other"),
        (name = "learning-records", description = "Kết quả học tập — Learning records: course results imported in bulk"),
        (name = "award-types", description = "Danh hiệu thi đua, hình thức khen thưởng — Award types: the catalogue, rule sets and base salaries"),
        (name = "initiatives", description = "Sáng kiến — Initiatives: recognised initiatives and their authors"),
        (name = "disciplines", description = "Kỷ luật — Discipline: periods that hold back awards"),
        (name = "nominations", description = "Đề nghị khen thưởng — Nominations: dossiers, eligibility and their way up the hierarchy"),
        (name = "councils", description = "Hội đồng Thi đua – Khen thưởng — Councils: members, sessions, recusals, secret ballots and minutes"),
        (name = "disclosures", description = "Công khai — Disclosures: candidates published for public comment"),
        (name = "public", description = "Tra cứu công khai — Public: published candidates, public feedback and credential verification, without login"),
        (name = "calendar", description = "Lịch làm việc — Calendar: public holidays and working-day deadlines"),
        (name = "award-decisions", description = "Quyết định khen thưởng — Award decisions: decisions and their revocation"),
        (name = "awards", description = "Khen thưởng đã trao — Awards: granted by decisions, with verifiable credentials"),
        (name = "reports", description = "Báo cáo — Reports: the yearly report of a plan and the province-wide roll-up, as JSON, CSV, XLSX or Word"),
        (name = "changes", description = "Nhật ký thay đổi — Change feed: every committed change in order, for systems that keep in sync"),
        (name = "export", description = "Xuất dữ liệu — Export: every record of a kind, streamed as JSON lines"),
        (name = "webhooks", description = "Webhook — Webhooks: the change feed pushed to other systems, signed and retried (admins only)"),
        (name = "clients", description = "Ứng dụng kết nối — Service clients: systems that call the API with the client-credentials grant (admins only)"),
        (name = "users", description = "Tài khoản — Users: accounts (admins only)"),
        (name = "audit", description = "Nhật ký kiểm toán — Audit log: every write, chained so a change to the record shows (admins only)"),
        (name = "operations", description = "Vận hành — Operations: health checks"),
    ),
    servers(
        (url = "/", description = "Máy chủ phục vụ tài liệu này — the server this document is served from"),
        (url = "http://127.0.0.1:8080", description = "Máy chủ cục bộ — a local server (`cargo run --release`)"),
    ),
    components(schemas(Problem, FieldError, ChangeEvent, ChangeEventData, PingEvent, PingEventData)),
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
            binary_bodies(op);
            page_links(op);
        }
        if let Some(op) = &mut item.post {
            idempotent(op);
        }
    }
    refer_to_page_items(&mut api);
    api.webhooks = Some(webhooks());
    api
}

/// The requests thidua makes to subscribers (OpenAPI 3.1 `webhooks`): a change, with the
/// event catalogue as its description, and a ping.
fn webhooks() -> utoipa::openapi::path::Paths {
    use utoipa::openapi::path::{
        HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn, PathItem, PathsBuilder,
    };
    use utoipa::openapi::request_body::RequestBodyBuilder;
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    use utoipa::openapi::{Required, ResponsesBuilder};
    let header = |name: &str, description: &str| {
        ParameterBuilder::new()
            .name(name)
            .parameter_in(ParameterIn::Header)
            .required(Required::True)
            .description(Some(description))
            .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
            .build()
    };
    let operation = |id: &str, summary: &str, description: String, body: &str| {
        OperationBuilder::new()
            .operation_id(Some(id))
            .summary(Some(summary))
            .description(Some(description))
            .tag("webhooks")
            .parameters(Some([
                header(
                    "Thidua-Event-Id",
                    "The event's id, as in the body: drop repeats by it",
                ),
                header("Thidua-Event-Type", "The event type, as in the body"),
                header(
                    "Thidua-Timestamp",
                    "When this attempt was signed, in Unix seconds",
                ),
                header(
                    "Thidua-Signature",
                    "`v1=` and the hex HMAC-SHA256 of `{Thidua-Timestamp}.{body}`, keyed with \
                     the subscription's secret: check it, and refuse old timestamps",
                ),
            ]))
            .request_body(Some(
                RequestBodyBuilder::new()
                    .content(
                        "application/json",
                        ContentBuilder::new()
                            .schema(Some(RefOr::Ref(Ref::from_schema_name(body))))
                            .build(),
                    )
                    .required(Some(Required::True))
                    .build(),
            ))
            .responses(
                ResponsesBuilder::new()
                    .response(
                        "200",
                        ResponseBuilder::new()
                            .description("Received (any 2xx): the delivery is done"),
                    )
                    .response(
                        "400",
                        ResponseBuilder::new().description(
                            "Any other answer, or none within the timeout, is a failure: \
                             retried with backoff, and after repeated failures the \
                             subscription is disabled",
                        ),
                    ),
            )
            .security(utoipa::openapi::security::SecurityRequirement::default())
            .build()
    };
    PathsBuilder::new()
        .path(
            "change",
            PathItem::new(
                HttpMethod::Post,
                operation(
                    "receiveChange",
                    "A change thidua committed, POSTed to each subscription of its type",
                    crate::api::events::catalogue_markdown(),
                    "ChangeEvent",
                ),
            ),
        )
        .path(
            "ping",
            PathItem::new(
                HttpMethod::Post,
                operation(
                    "receivePing",
                    "A ping sent by POST /api/v1/webhooks/{id}/ping, to try a receiver",
                    "Sent whatever the subscription's event types, also while it is disabled."
                        .to_string(),
                    "PingEvent",
                ),
            ),
        )
        .build()
}

/// A page of a list, and the change feed while it has more, carry an RFC 8288 `Link`
/// header (`Page::respond`, `api::changes`).
fn page_links(op: &mut Operation) {
    use utoipa::openapi::header::HeaderBuilder;
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    let Some(RefOr::T(ok)) = op.responses.responses.get_mut("200") else {
        return;
    };
    let paged = match ok.content.get("application/json") {
        Some(RefOr::T(content)) => matches!(&content.schema, Some(RefOr::Ref(r))
            if r.ref_location.contains("/Page_") || r.ref_location.ends_with("/ChangePage")),
        _ => false,
    };
    if paged {
        let link = HeaderBuilder::new()
            .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
            .description(Some(
                "RFC 8288 links to the `first`, `prev`, `next` and `last` pages (the change \
                 feed: `next`, while `has_more`), relative to this path and keeping the \
                 other parameters: `</api/v1/staff?per_page=50&page=2>; rel=\"next\"`",
            ))
            .build();
        ok.headers.insert("Link".to_string(), RefOr::T(link));
    }
}

/// A body that is neither JSON nor text is bytes (`type: string, format: binary`; utoipa
/// would describe a `Vec<u8>` as an array of integers), and a stored file is declared as
/// each kind of file an upload may be (`domain::files`), not as `application/octet-stream`.
fn binary_bodies(op: &mut Operation) {
    use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
    let binary = || {
        RefOr::T(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
                .into(),
        )
    };
    for response in op.responses.responses.values_mut() {
        let RefOr::T(response) = response else {
            continue;
        };
        if let Some(RefOr::T(stored)) = response.content.shift_remove("application/octet-stream") {
            for media in crate::domain::files::accepted_media_types() {
                let mut content = stored.clone();
                content.schema = Some(binary());
                response
                    .content
                    .insert(media.to_string(), RefOr::T(content));
            }
        }
        for (media, content) in response.content.iter_mut() {
            let RefOr::T(content) = content else {
                continue;
            };
            let textual = media.starts_with("text/")
                || media.ends_with("json")
                || media.ends_with("+json")
                || media == "application/vc"
                || media == "application/x-ndjson";
            if !textual {
                content.schema = Some(binary());
            }
        }
    }
}

/// utoipa writes a generic's argument inline (`Page_StaffResponse.items` repeats
/// `StaffResponse` whole, juhaku/utoipa#1586); a page refers to its element's component
/// instead, so generated clients name one type for it and no component is left unused.
fn refer_to_page_items(api: &mut OpenApi) {
    use utoipa::openapi::schema::{ArrayItems, Schema};
    let Some(components) = api.components.as_mut() else {
        return;
    };
    let pages: Vec<(String, String)> = components
        .schemas
        .keys()
        .filter_map(|name| {
            let element = name.strip_prefix("Page_")?;
            components
                .schemas
                .contains_key(element)
                .then(|| (name.clone(), element.to_string()))
        })
        .collect();
    for (page, element) in pages {
        let element_schema = components.schemas[&element].clone();
        if let Some(RefOr::T(Schema::Object(object))) = components.schemas.get_mut(&page)
            && let Some(RefOr::T(Schema::Array(items))) = object.properties.get_mut("items")
            && let ArrayItems::RefOrSchema(item) = &mut items.items
            && **item == element_schema
        {
            **item = RefOr::Ref(Ref::from_schema_name(element));
        }
    }
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
    // The token endpoint's form answers its refusals as OAuth's 400 (`ApiError::into_oauth`).
    let oauth_form = op.request_body.as_ref().is_some_and(|body| {
        matches!(body, RefOr::T(body) if body
            .content
            .keys()
            .all(|media| media == "application/x-www-form-urlencoded"))
    });
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
        // A malformed request can be refused before the handler (a bad Idempotency-Key,
        // unreadable parameters) as a problem, whatever the handler answers itself (the
        // token endpoint's OAuth errors).
        if status == "400"
            && let RefOr::T(r) = response
            && !r.content.contains_key(PROBLEM_JSON)
            && let Some(problem) = problem_response("").content.shift_remove(PROBLEM_JSON)
        {
            r.content.insert(PROBLEM_JSON.to_string(), problem);
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
    }
    if has_body && !oauth_form {
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

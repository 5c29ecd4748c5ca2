//! Who may call each route, declared where the route is registered (`api::routes`).
//!
//! The one declaration does two things: it writes the operation's `security` (and
//! `x-access`) in the OpenAPI document, and [`enforce`] — built from that document —
//! authenticates the caller before the handler runs, refusing with 401 (no or dead
//! credentials, a service client's token where only accounts may call) or 403 (a role the
//! route is not for). What a caller may do with one object stays in `domain::policy`,
//! asked by the services; this is the door in front of them.

use std::collections::HashMap;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{AppService, HttpServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{Error, FromRequest, web};
use utoipa::openapi::extensions::ExtensionsBuilder;
use utoipa::openapi::path::{Operation, ParameterIn, PathItem, Paths};
use utoipa::openapi::security::SecurityRequirement;
use utoipa::openapi::{OpenApi, RefOr, schema::Schema};
use utoipa_actix_web::OpenApiFactory;

use crate::auth::Admin;
use crate::domain::access::{Caller, Principal};
use crate::domain::users::Role;
use crate::error::{ApiError, FieldError};

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, without credentials: health, logging in, the public register.
    Public,
    /// A signed-in account; a service client's token is refused.
    Account,
    /// A signed-in account or a service client (whose scopes the service then checks).
    AccountOrClient,
    /// A signed-in administrator.
    Admin,
}

/// The extension naming a route's access in the document, for clients and for [`enforce`].
const EXTENSION: &str = "x-access";

impl Access {
    const ALL: [Access; 4] = [
        Access::Public,
        Access::Account,
        Access::AccountOrClient,
        Access::Admin,
    ];

    fn name(self) -> &'static str {
        match self {
            Access::Public => "public",
            Access::Account => "account",
            Access::AccountOrClient => "account-or-client",
            Access::Admin => "roles:admin",
        }
    }

    fn parse(name: &str) -> Option<Access> {
        Access::ALL.into_iter().find(|a| a.name() == name)
    }

    /// The OpenAPI security requirement: none for public routes (`{}`), else the bearer
    /// token, naming the roles when only some may call (OpenAPI 3.1 lets a non-OAuth
    /// scheme list role names).
    fn requirement(self) -> SecurityRequirement {
        match self {
            Access::Public => SecurityRequirement::default(),
            Access::Account | Access::AccountOrClient => {
                SecurityRequirement::new("bearer", Vec::<String>::new())
            }
            Access::Admin => SecurityRequirement::new("bearer", [Role::Admin.as_str()]),
        }
    }

    fn declare(self, op: &mut Operation) {
        op.security = Some(vec![self.requirement()]);
        let extension = ExtensionsBuilder::new().add(EXTENSION, self.name()).build();
        op.extensions
            .get_or_insert_with(Default::default)
            .merge(extension);
    }
}

/// A handler with its access, registered in place of the bare handler.
pub struct Declared<F> {
    access: Access,
    handler: F,
}

/// Anyone may call it.
pub fn public<F>(handler: F) -> Declared<F> {
    Declared {
        access: Access::Public,
        handler,
    }
}

/// Signed-in accounts may call it.
pub fn account<F>(handler: F) -> Declared<F> {
    Declared {
        access: Access::Account,
        handler,
    }
}

/// Signed-in accounts and service clients may call it.
pub fn account_or_client<F>(handler: F) -> Declared<F> {
    Declared {
        access: Access::AccountOrClient,
        handler,
    }
}

/// Only administrators may call it.
pub fn admin<F>(handler: F) -> Declared<F> {
    Declared {
        access: Access::Admin,
        handler,
    }
}

impl<F: HttpServiceFactory> HttpServiceFactory for Declared<F> {
    fn register(self, config: &mut AppService) {
        self.handler.register(config)
    }
}

impl<F: OpenApiFactory> OpenApiFactory for Declared<F> {
    fn paths(&self) -> Paths {
        let mut paths = self.handler.paths();
        for item in paths.paths.values_mut() {
            for op in operations(item).into_iter().flatten() {
                self.access.declare(op);
            }
        }
        paths
    }

    fn schemas(&self, schemas: &mut Vec<(String, RefOr<Schema>)>) {
        self.handler.schemas(schemas)
    }
}

fn operations(item: &mut PathItem) -> [Option<&mut Operation>; 5] {
    [
        item.get.as_mut(),
        item.post.as_mut(),
        item.put.as_mut(),
        item.patch.as_mut(),
        item.delete.as_mut(),
    ]
}

/// What the document says of one operation that the door holds a request to.
#[derive(Debug)]
struct Rule {
    method: &'static str,
    access: Access,
    /// The query parameters it takes; any other answers 422.
    query: Vec<String>,
}

/// Each operation's access and query parameters by path template and method, read from
/// the document.
#[derive(Debug, Default)]
pub struct AccessTable(HashMap<String, Vec<Rule>>);

impl AccessTable {
    /// Panics on an operation without a readable declaration: a route registered bare is
    /// a programming error that must not start.
    pub fn from_openapi(doc: &OpenApi) -> AccessTable {
        let mut table = HashMap::new();
        for (path, item) in &doc.paths.paths {
            let mut item = item.clone();
            for (method, op) in ["GET", "POST", "PUT", "PATCH", "DELETE"]
                .into_iter()
                .zip(operations(&mut item))
            {
                let Some(op) = op else { continue };
                let access = op
                    .extensions
                    .as_ref()
                    .and_then(|e| e.get(EXTENSION))
                    .and_then(|v| v.as_str())
                    .and_then(Access::parse)
                    .unwrap_or_else(|| {
                        panic!("{method} {path} is registered without its access (api::access)")
                    });
                let query = op
                    .parameters
                    .iter()
                    .flatten()
                    .filter_map(|p| match p {
                        RefOr::T(p) if p.parameter_in == ParameterIn::Query => Some(p.name.clone()),
                        _ => None,
                    })
                    .collect();
                table
                    .entry(path.clone())
                    .or_insert_with(Vec::new)
                    .push(Rule {
                        method,
                        access,
                        query,
                    });
            }
        }
        AccessTable(table)
    }

    fn rule(&self, method: &str, template: &str) -> Option<&Rule> {
        self.0.get(template)?.iter().find(|r| r.method == method)
    }

    /// The access of the route a request matched, if it matched one in the document.
    pub fn access(&self, method: &str, template: &str) -> Option<Access> {
        self.rule(method, template).map(|r| r.access)
    }
}

/// A query parameter the operation does not take is refused (422 naming each), not
/// ignored: `?active=false` on a list without that filter would otherwise answer
/// everything, and the caller would never know.
fn unknown_parameters(rule: &Rule, query: &str) -> Option<ApiError> {
    let mut unknown: Vec<String> = Vec::new();
    for (name, _) in form_urlencoded::parse(query.as_bytes()) {
        if !rule.query.iter().any(|known| *known == name) && !unknown.iter().any(|u| *u == name) {
            unknown.push(name.into_owned());
        }
    }
    if unknown.is_empty() {
        return None;
    }
    let takes = match rule.query.is_empty() {
        true => "it takes no query parameters".to_string(),
        false => format!("it takes {}", rule.query.join(", ")),
    };
    Some(ApiError::validation(
        unknown
            .into_iter()
            .map(|field| FieldError {
                field,
                code: "unknown_parameter".into(),
                message: format!("not a parameter of this operation; {takes}"),
            })
            .collect(),
    ))
}

/// Authenticates the caller as the matched route declares, before the handler runs. The
/// caller found is kept in the request, where the handler's `Principal`, `Admin` or
/// `Caller` takes it without a second look-up. A path no route of the document matches
/// (or matches under another method) goes on to the router's 404 or 405, or to a route
/// whose handler authenticates through its own extractor: the handlers of guarded routes
/// each take `Principal`, `Admin` or `Caller`, so this check is never the only one.
pub async fn enforce(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    // The template of the path as the router will see it: decoded (`/api/v1/%75sers` is
    // `/api/v1/users`), not as it was sent.
    let template = req.resource_map().match_pattern(req.match_info().as_str());
    let table = req.app_data::<web::Data<AccessTable>>().cloned();
    let rule = match (&table, template) {
        (Some(table), Some(template)) => table.rule(req.method().as_str(), &template),
        _ => None,
    };
    let checked = match rule.map(|r| r.access) {
        None | Some(Access::Public) => Ok(()),
        Some(Access::Account) => Principal::extract(req.request()).await.map(|_| ()),
        Some(Access::AccountOrClient) => Caller::extract(req.request()).await.map(|_| ()),
        Some(Access::Admin) => Admin::extract(req.request()).await.map(|_| ()),
    };
    // Who is asking is settled first: an anonymous caller learns nothing of the parameters.
    let checked = checked.and_then(|()| match rule {
        Some(rule) => unknown_parameters(rule, req.query_string()).map_or(Ok(()), Err),
        None => Ok(()),
    });
    match checked {
        Ok(()) => Ok(next.call(req).await?.map_into_left_body()),
        Err(e) => Ok(req.error_response(e).map_into_right_body()),
    }
}

//! The authenticated caller, extracted from `Authorization: Bearer …`.

use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use futures_util::future::LocalBoxFuture;

use crate::AppState;
use crate::auth::tokens::Claims;
use crate::db;
use crate::domain::access::{Caller, ClientPrincipal, Principal, Scope};
use crate::domain::clients;
use crate::domain::sessions;
use crate::error::ApiError;
use crate::ids::UserId;
use crate::observe::Authenticated;

/// The bearer token of a request, if it has one.
pub fn bearer(req: &HttpRequest) -> Option<&str> {
    let value = req.headers().get(actix_web::http::header::AUTHORIZATION)?;
    let value = value.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

impl FromRequest for Principal {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Principal, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        if let Some(caller) = kept(req) {
            return Box::pin(std::future::ready(match caller {
                Caller::User(principal) => Ok(principal),
                Caller::Client(_) => Err(client_token_refused()),
            }));
        }
        let verified = verified_claims(req);
        let req = req.clone();
        Box::pin(async move {
            let (state, claims) = verified?;
            if claims.scope.is_some() {
                return Err(client_token_refused());
            }
            let principal = user_principal(&state, claims).await?;
            noted(&req, Authenticated::User(principal.user_id.clone().into()));
            keep(&req, Caller::User(principal.clone()));
            Ok(principal)
        })
    }
}

/// A signed-in administrator: the extractor of the routes declared `admin`, so the handler
/// holds the rule itself too, whatever path reached it.
#[derive(Debug, Clone)]
pub struct Admin(pub Principal);

impl FromRequest for Admin {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Admin, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let principal = Principal::from_request(req, payload);
        Box::pin(async move {
            let principal = principal.await?;
            crate::domain::policy::ensure(principal.is_admin())?;
            Ok(Admin(principal))
        })
    }
}

/// What a service client's token gets on an endpoint only accounts may call.
fn client_token_refused() -> ApiError {
    crate::domain::access::client_token_refused().into()
}

/// The app state and the claims of the request's bearer token, checked (signature,
/// algorithm, issuer, audience, time) but not yet looked up.
fn verified_claims(req: &HttpRequest) -> Result<(web::Data<AppState>, Claims), ApiError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ApiError::internal("no app state"))?;
    let token = bearer(req)
        .ok_or_else(|| ApiError::unauthorized("Send an access token: Authorization: Bearer …"))?;
    let claims = state.keys.verify(token)?;
    Ok((state, claims))
}

/// The account behind a user's token: from the cache while no account, session or unit
/// was written since it was read (a logout, a disabled account, a moved unit), else
/// looked up.
async fn user_principal(state: &AppState, claims: Claims) -> Result<Principal, ApiError> {
    let reads = &state.reads;
    let stamp = reads.generation.access_stamp();
    if let Some((principal, ends)) = reads.principals.get(&claims.sid, stamp)
        && principal.user_id == claims.sub
        && ends > crate::domain::now()
    {
        return Ok(principal);
    }
    let sid = claims.sid.clone();
    let (principal, ends) = db::run(&state.pool, move |conn| {
        sessions::principal(conn, &claims.sid, &UserId::from(claims.sub))?
            .ok_or_else(|| ApiError::invalid_token("The session has ended; log in again."))
    })
    .await?;
    reads.principals.put(sid, stamp, (principal.clone(), ends));
    Ok(principal)
}

fn client_principal(
    conn: &mut db::AnyConnection,
    claims: &Claims,
) -> Result<ClientPrincipal, ApiError> {
    let revoked = || ApiError::invalid_token("The client is disabled or its secret was rotated.");
    let client = clients::find(conn, &claims.sub)?.ok_or_else(revoked)?;
    // A token made under an earlier secret dies with it, whatever the second it was made.
    if !client.active || claims.sid != client.secret_fingerprint() {
        return Err(revoked());
    }
    let scope = match client.org_unit_id.as_ref() {
        None => Scope::All,
        // A unit archived or gone leaves the client nothing to read.
        Some(unit) => crate::domain::org_units::find(conn, unit)?
            .map(|u| Scope::Subtree(u.path))
            .unwrap_or(Scope::Nothing),
    };
    let granted = clients::parse_scopes(claims.scope.as_deref().unwrap_or("")).unwrap_or_default();
    let scopes = client
        .scopes()
        .into_iter()
        .filter(|s| granted.contains(s))
        .collect();
    Ok(ClientPrincipal {
        id: client.id,
        name: client.name,
        scopes,
        org_unit_id: client.org_unit_id,
        scope,
    })
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Caller, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        if let Some(caller) = kept(req) {
            return Box::pin(std::future::ready(Ok(caller)));
        }
        let verified = verified_claims(req);
        let req = req.clone();
        Box::pin(async move {
            let (state, claims) = verified?;
            let caller = if claims.scope.is_some() {
                db::run(&state.pool, move |conn| client_principal(conn, &claims))
                    .await
                    .map(Caller::Client)?
            } else {
                user_principal(&state, claims).await.map(Caller::User)?
            };
            noted(
                &req,
                match &caller {
                    Caller::User(p) => Authenticated::User(p.user_id.clone().into()),
                    Caller::Client(c) => Authenticated::Client(c.id.clone()),
                },
            );
            keep(&req, caller.clone());
            Ok(caller)
        })
    }
}

/// Puts who the request was verified to come from in its extensions, for the access log.
fn noted(req: &HttpRequest, who: Authenticated) {
    use actix_web::HttpMessage;
    req.extensions_mut().insert(who);
}

/// The caller already authenticated for this request (by the route's access check, or an
/// earlier extractor), so a request looks its session up once.
fn kept(req: &HttpRequest) -> Option<Caller> {
    use actix_web::HttpMessage;
    req.extensions().get::<Caller>().cloned()
}

fn keep(req: &HttpRequest, caller: Caller) {
    use actix_web::HttpMessage;
    req.extensions_mut().insert(caller);
}

//! thidua: the REST/JSON API for emulation and commendation (thi đua – khen thưởng).
//!
//! `main.rs` parses the command line; everything else, the app the server and the tests
//! share included, is built here.

pub mod api;
pub mod app;
pub mod auth;
pub mod cache;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod ids;
pub mod logging;
pub mod memory;
pub mod metrics;
pub mod middleware;
pub mod observe;
pub mod openapi;
pub mod outbound;
pub mod private_files;
pub mod secrets;
pub mod storage;
pub mod text;
pub mod worker;

use std::sync::OnceLock;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::header::ContentType;
use actix_web::{App, HttpResponse, web};
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::auth::throttle::LoginThrottle;
use crate::auth::tokens::TokenKeys;
use crate::config::Config;

/// What every request handler shares.
pub struct AppState {
    pub pool: db::Pool,
    pub keys: TokenKeys,
    /// The key that signs award credentials, kept in the data directory.
    pub issuer: domain::credentials::IssuerKey,
    pub throttle: LoginThrottle,
    /// Where attachments are kept.
    pub files: storage::FileStore,
    pub config: Config,
    /// Hot reads kept while nothing is written (see `api::cached` and `cache`).
    pub reads: api::cached::Reads,
    /// The request series `/metrics` shows (see `metrics`).
    pub metrics: metrics::Metrics,
}

/// Opens the database, applies migrations, loads the signing key and makes the first
/// admin when there is no account yet. Returns the state and, when it generated the
/// admin's password, that password (to be shown once).
pub fn bootstrap(config: Config) -> Result<(web::Data<AppState>, Option<String>), String> {
    private_data_dir(&config)?;
    // Before anything writes (the migrations key the rows written before keys came in).
    install_audit_key(&config)?;
    // The read cache hears every write this process commits (the database layer knows
    // nothing of it; the hook is set here, where the app is assembled).
    db::on_commit(cache::committed);
    let pool = db::pool(&config.database_url, config.db_pool_size)?;
    let mut conn = pool
        .get()
        .map_err(|e| format!("DATABASE_URL: cannot connect: {e}"))?;
    let applied = migrate(&mut conn)?;
    log::info!(
        "opened the database: {} ({applied} migration(s) applied)",
        db::describe(&config.database_url)
    );
    let generated = domain::users::ensure_first_admin(&mut conn, config.admin_password.as_deref())
        .map_err(|e| format!("cannot create the first admin: {e}"))?;
    domain::award_types::seed(&mut conn)?;
    domain::calendar::seed(&mut conn)?;
    // Seals what was written while no server ran (imports, seeding, an older version's
    // rows); afterwards the worker and the readers of the feed seal as they go.
    domain::audit::seal_committed(&mut conn)
        .map_err(|e| format!("cannot seal the audit trail: {e}"))?;
    drop(conn);
    let keys = TokenKeys::load(config.jwt_secret.as_deref(), &config.data_dir)
        .map_err(|e| format!("THIDUA_JWT_SECRET: {e}"))?;
    let issuer = match config.issuer_key.as_deref() {
        // Checked when the configuration was read.
        Some(key) => domain::credentials::IssuerKey::from_multibase(key.trim())
            .ok_or_else(|| "THIDUA_ISSUER_KEY: not an Ed25519 key".to_string())?,
        None => domain::credentials::IssuerKey::load(&config.data_dir)
            .map_err(|e| format!("THIDUA_DATA_DIR: {e}"))?,
    };
    let files =
        storage::FileStore::from_config(&config).map_err(|e| format!("THIDUA_FILE_STORE: {e}"))?;
    let state = AppState {
        pool,
        keys,
        issuer,
        throttle: LoginThrottle::default(),
        files,
        config,
        reads: api::cached::Reads::default(),
        metrics: metrics::Metrics::default(),
    };
    Ok((web::Data::new(state), generated))
}

/// Makes the data directory owner-only (0700), and tightens the secrets kept in it when
/// an older version or an operator left them open to other accounts. (The database and
/// the attachments are seen to where they are opened: `db::pool`, `storage`.)
pub fn private_data_dir(config: &Config) -> Result<(), String> {
    let dir = &config.data_dir;
    private_files::private_dir(dir).map_err(|e| format!("THIDUA_DATA_DIR: {e}"))?;
    for secret in [
        "jwt-secret",
        domain::audit::KEY_FILE,
        domain::credentials::KEY_FILE,
    ] {
        private_files::tighten(&dir.join(secret)).map_err(|e| format!("THIDUA_DATA_DIR: {e}"))?;
    }
    Ok(())
}

/// Loads the key of the audit rows' MACs (`THIDUA_AUDIT_KEY`, else `audit-key` in the
/// data directory, made on first start) and makes it this process's.
pub fn install_audit_key(config: &Config) -> Result<(), String> {
    let key = domain::audit::AuditKey::load(config.audit_key.as_deref(), &config.data_dir)
        .map_err(|e| format!("THIDUA_AUDIT_KEY: {e}"))?;
    domain::audit::install_key(key).map_err(|e| format!("THIDUA_AUDIT_KEY: {e}"))
}

/// Applies pending migrations, then what the domain does once after some of them (keys the
/// audit rows written before keys came in); answers how many were applied.
pub fn migrate(conn: &mut db::PooledConn) -> Result<usize, String> {
    let applied = db::migrate(conn).map_err(|e| format!("migrations failed: {e}"))?;
    domain::audit::after_migrations(conn, &applied)?;
    Ok(applied.len())
}

/// The whole application: routes, middleware, docs. Used by the server and the tests.
pub fn build_app(
    state: web::Data<AppState>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let cors = middleware::cors(&state.config.cors_origins);
    let (app, collected) = App::new()
        .into_utoipa_app()
        .configure(api::routes)
        .split_for_parts();
    // The document and the route table built from it are the same for every worker (and
    // every app of the process): built once, shared, served as ready bytes.
    type Shared = (
        web::Bytes,
        web::Data<middleware::RouteTable>,
        web::Data<api::access::AccessTable>,
    );
    static SHARED: OnceLock<Shared> = OnceLock::new();
    let (document, routes, access) = SHARED.get_or_init(|| {
        let document = openapi::document(collected);
        let json = serde_json::to_vec(&document).expect("the OpenAPI document serialises");
        let routes = middleware::RouteTable::from_openapi(&document);
        let access = api::access::AccessTable::from_openapi(&document);
        (json.into(), web::Data::new(routes), web::Data::new(access))
    });
    let document = document.clone();
    let observer = observe::Observer::new(state.clone());
    app.app_data(state)
        .app_data(routes.clone())
        .app_data(access.clone())
        // Operators' endpoints, outside the OpenAPI document: Prometheus' text for admins
        // (see `metrics`), and the way to the docs from the root and without the slash.
        .route("/metrics", web::get().to(metrics::for_admins))
        .service(web::redirect("/", "/docs/"))
        .service(web::redirect("/docs", "/docs/").permanent())
        .route(
            "/api-docs/openapi.json",
            web::get().to(move || {
                let document = document.clone();
                async move {
                    HttpResponse::Ok()
                        .content_type(ContentType::json())
                        .body(document)
                }
            }),
        )
        .service(
            SwaggerUi::new("/docs/{_:.*}")
                .config(utoipa_swagger_ui::Config::new(["/api-docs/openapi.json"])),
        )
        .default_service(web::to(middleware::not_found))
        // Inside the idempotency keys' middleware, so a kept refusal replays like any answer.
        .wrap(actix_web::middleware::from_fn(api::access::enforce))
        .wrap(actix_web::middleware::from_fn(middleware::idempotency))
        .wrap(middleware::security_headers())
        .wrap(cors)
        .wrap(actix_web::middleware::from_fn(middleware::request_id))
        .wrap(actix_web::middleware::from_fn(move |req, next| {
            observer.clone().observe(req, next)
        }))
}

/// The OpenAPI document alone (for `thidua openapi` and the contract test).
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    let (_, collected) = App::new()
        .into_utoipa_app()
        .configure(api::routes)
        .split_for_parts();
    openapi::document(collected)
}

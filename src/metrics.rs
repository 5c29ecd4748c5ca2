//! Prometheus metrics: what each request recorded (by `observe`), and what is read when
//! scraped — the connection pool, SQLite's writer queue, the webhook backlog and the hits
//! and misses of the cached reads.
//!
//! `/metrics` is served on `THIDUA_METRICS_BIND` to whoever reaches that address (a
//! private one, for Prometheus), and on the API's own port to admins only. It is left out
//! of the OpenAPI document: it is Prometheus' text format for operators, not the API.
//!
//! Requests are labelled by the route's template (`/api/v1/staff/{id}`), never the raw
//! path, and every path no route matches shares one label, so the number of series stays
//! bounded whatever clients send; methods outside the standard ones share one too.

use actix_web::{HttpResponse, web};
use prometheus::{
    Encoder, Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge,
    IntGaugeVec, Opts, Registry, TextEncoder,
};

use crate::AppState;
use crate::auth::{Principal, policy};
use crate::error::ApiError;

/// Request latency buckets, in seconds: a cached read answers well under a millisecond, a
/// report or an import may take seconds.
const LATENCY_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The route label of every request no route matched.
pub const UNMATCHED: &str = "unmatched";

/// The request series of one instance; the gauges are read at each scrape instead.
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    durations: HistogramVec,
}

impl Default for Metrics {
    fn default() -> Self {
        let labels = ["method", "route", "status"];
        let requests = IntCounterVec::new(
            Opts::new(
                "thidua_http_requests_total",
                "Requests answered, by method, route template and status.",
            ),
            &labels,
        )
        .expect("a valid metric");
        let durations = HistogramVec::new(
            HistogramOpts::new(
                "thidua_http_request_duration_seconds",
                "Time from a request's arrival to its answer's head, by method, route template \
                 and status.",
            )
            .buckets(LATENCY_BUCKETS.to_vec()),
            &labels,
        )
        .expect("a valid metric");
        let registry = Registry::new();
        registry
            .register(Box::new(requests.clone()))
            .expect("registered once");
        registry
            .register(Box::new(durations.clone()))
            .expect("registered once");
        Metrics {
            registry,
            requests,
            durations,
        }
    }
}

/// The series of one method, route and status. Looked up once, then kept by each worker
/// (`observe`): recording is then two atomic additions and no lookup.
pub struct RequestSeries {
    count: IntCounter,
    duration: Histogram,
}

impl RequestSeries {
    pub fn record(&self, seconds: f64) {
        self.count.inc();
        self.duration.observe(seconds);
    }
}

impl Metrics {
    /// The series for these labels (made at their first request).
    pub fn series(&self, method: &str, route: &str, status: &str) -> RequestSeries {
        let labels = [method, route, status];
        RequestSeries {
            count: self.requests.with_label_values(&labels),
            duration: self.durations.with_label_values(&labels),
        }
    }
}

/// The method as a label: the standard ones by name, anything else as one value.
pub fn method_label(method: &actix_web::http::Method) -> &'static str {
    use actix_web::http::Method;
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "OTHER",
    }
}

/// `GET /metrics` on the API's port: admins only (401 without a token, 403 for anyone
/// else).
pub async fn for_admins(
    principal: Principal,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    policy::ensure(policy::can_read_metrics(&principal))?;
    exposition(&state).await
}

/// `GET /metrics` on `THIDUA_METRICS_BIND`: whoever reaches that address.
async fn for_the_metrics_listener(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    exposition(&state).await
}

/// The routes of the `THIDUA_METRICS_BIND` listener: `/metrics`, and 404 for the rest.
pub fn metrics_listener(cfg: &mut web::ServiceConfig) {
    cfg.route("/metrics", web::get().to(for_the_metrics_listener))
        .default_service(web::to(crate::middleware::not_found));
}

async fn exposition(state: &AppState) -> Result<HttpResponse, ApiError> {
    let text = render(state).await?;
    Ok(HttpResponse::Ok()
        .content_type(TextEncoder::new().format_type())
        .body(text))
}

/// Every metric in Prometheus' text format: the request series, and the gauges read now.
/// The webhook backlog is counted on the blocking pool; when the database cannot answer
/// it is left out rather than shown stale.
pub async fn render(state: &AppState) -> Result<String, ApiError> {
    let pending = crate::db::run(&state.pool, |conn| {
        crate::domain::webhooks::pending_deliveries(conn).map_err(ApiError::from)
    })
    .await
    .ok();
    let now = Registry::new();
    let gauge = |name: &str, help: &str, value: i64| -> Result<(), prometheus::Error> {
        let g = IntGauge::new(name, help)?;
        g.set(value);
        now.register(Box::new(g))
    };
    let pool = &state.pool;
    let pool_state = pool.state();
    let connections = IntGaugeVec::new(
        Opts::new(
            "thidua_db_pool_connections",
            "Database connections of the pool, in use or idle.",
        ),
        &["state"],
    )?;
    let idle = i64::from(pool_state.idle_connections);
    connections
        .with_label_values(&["in_use"])
        .set(i64::from(pool_state.connections) - idle);
    connections.with_label_values(&["idle"]).set(idle);
    now.register(Box::new(connections))?;
    gauge(
        "thidua_db_pool_max_connections",
        "Connections the pool may open (THIDUA_DB_POOL_SIZE).",
        i64::from(pool.max_size()),
    )?;
    gauge(
        "thidua_db_pool_waiting",
        "Requests waiting for a pooled connection.",
        count(pool.waiting()),
    )?;
    if let Some(queued) = pool.writer_queue() {
        gauge(
            "thidua_sqlite_writer_queue",
            "Writes in line for SQLite's one writing connection, queued or running.",
            count(queued),
        )?;
    }
    if let Some(pending) = pending {
        gauge(
            "thidua_webhook_deliveries_pending",
            "Webhook deliveries waiting for their first or next attempt.",
            pending,
        )?;
    }
    let lookups = IntCounterVec::new(
        Opts::new(
            "thidua_cache_lookups_total",
            "Lookups of the cached reads, by cache and result (hit or miss).",
        ),
        &["cache", "result"],
    )?;
    for (cache, (hits, misses)) in state.reads.lookups() {
        lookups.with_label_values(&[cache, "hit"]).inc_by(hits);
        lookups.with_label_values(&[cache, "miss"]).inc_by(misses);
    }
    now.register(Box::new(lookups))?;
    let info = IntGaugeVec::new(
        Opts::new("thidua_build_info", "The running version (always 1)."),
        &["version"],
    )?;
    info.with_label_values(&[env!("CARGO_PKG_VERSION")]).set(1);
    now.register(Box::new(info))?;

    let mut families = state.metrics.registry.gather();
    families.extend(now.gather());
    let mut text = Vec::new();
    TextEncoder::new().encode(&families, &mut text)?;
    String::from_utf8(text).map_err(ApiError::internal)
}

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl From<prometheus::Error> for ApiError {
    fn from(e: prometheus::Error) -> Self {
        ApiError::internal(e)
    }
}

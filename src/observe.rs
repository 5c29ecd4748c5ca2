//! What each request leaves behind: one access-log line (target `thidua::access`) and its
//! request metrics (`metrics`).
//!
//! The line names the request's id, who made it (the account or service client the
//! principal extractors verified, `Authenticated`), the method, the route's template, the
//! status and the time to the answer's head. In text it reads as actix's `Logger` line
//! did, with the caller added; with `THIDUA_LOG_FORMAT=json` its fields are the object's.
//!
//! Each worker keeps the series it has recorded to, so that recording a request is a
//! lookup in the worker's own map and two atomic additions: no lock shared between
//! workers on the way of a request.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::time::Instant;

use actix_web::body::{BodySize, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, web};

use crate::AppState;
use crate::metrics::{RequestSeries, UNMATCHED, method_label};
use crate::middleware::X_REQUEST_ID;

/// The log target of access lines: `RUST_LOG=info,thidua::access=warn` silences them.
pub const ACCESS: &str = "thidua::access";

/// Who the principal extractors verified a request's token to be, put in the request's
/// extensions for the access log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Authenticated {
    User(String),
    Client(String),
}

/// One worker's recorder: its app's state and the series it has recorded to, by route
/// template.
pub struct Observer {
    state: web::Data<AppState>,
    series: RefCell<HashMap<String, Vec<KnownSeries>>>,
}

/// A route's series for one method (its label) and status.
type KnownSeries = (&'static str, u16, RequestSeries);

impl Observer {
    /// Made once per worker, by `build_app`.
    pub fn new(state: web::Data<AppState>) -> Rc<Observer> {
        Rc::new(Observer {
            state,
            series: RefCell::default(),
        })
    }

    /// The middleware: times the request, then records and logs its answer.
    pub async fn observe<B: MessageBody + 'static>(
        self: Rc<Self>,
        req: ServiceRequest,
        next: Next<B>,
    ) -> Result<ServiceResponse<B>, Error> {
        let started = Instant::now();
        let method = req.method().clone();
        let answered = next.call(req).await;
        let seconds = started.elapsed().as_secs_f64();
        match &answered {
            Ok(res) => {
                // The template of the route that answered, read from the path the router
                // took (no second match); none for a path no route has.
                let route = res.request().match_pattern();
                let route = route.as_deref().unwrap_or(UNMATCHED);
                let status = res.status().as_u16();
                self.record(&method, route, status, seconds);
                access_line(res, route, seconds);
            }
            // Answered by actix outside this middleware; recorded without a route.
            Err(e) => {
                let status = e.as_response_error().status_code().as_u16();
                self.record(&method, UNMATCHED, status, seconds);
            }
        }
        answered
    }

    fn record(&self, method: &Method, route: &str, status: u16, seconds: f64) {
        let method = method_label(method);
        let mut known = self.series.borrow_mut();
        let list = match known.get_mut(route) {
            Some(list) => list,
            None => known.entry(route.to_string()).or_default(),
        };
        if let Some((_, _, series)) = list.iter().find(|(m, s, _)| *m == method && *s == status) {
            return series.record(seconds);
        }
        let series = self
            .state
            .metrics
            .series(method, route, &status.to_string());
        series.record(seconds);
        list.push((method, status, series));
    }
}

/// Logs the request's line at info, if access lines are wanted.
fn access_line<B: MessageBody>(res: &ServiceResponse<B>, route: &str, seconds: f64) {
    if !log::log_enabled!(target: ACCESS, log::Level::Info) {
        return;
    }
    let req = res.request();
    let request_id = res
        .headers()
        .get(&X_REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    let who = req.extensions().get::<Authenticated>().cloned();
    let peer = req
        .peer_addr()
        .map_or_else(|| "-".to_string(), |a| a.ip().to_string());
    let bytes = match res.response().body().size() {
        BodySize::Sized(n) => Some(n),
        BodySize::None => Some(0),
        BodySize::Stream => None,
    };
    let fields = AccessFields {
        request_id,
        who: who.as_ref(),
        method: req.method().as_str(),
        route,
        path: req.path(),
        status: res.status().as_u16(),
        // Microseconds are plenty, and keep the JSON short.
        duration_ms: (seconds * 1e6).round() / 1e3,
        bytes,
        peer: &peer,
    };
    let query = match req.query_string() {
        "" => String::new(),
        q => format!("?{q}"),
    };
    let caller = match &who {
        Some(Authenticated::User(id)) => format!(" user={id}"),
        Some(Authenticated::Client(id)) => format!(" client={id}"),
        None => String::new(),
    };
    log::logger().log(
        &log::Record::builder()
            .args(format_args!(
                "{peer} \"{} {}{query} {:?}\" {} {} {:.3}ms rid={request_id}{caller}",
                fields.method,
                fields.path,
                req.version(),
                fields.status,
                bytes.map_or_else(|| "-".to_string(), |b| b.to_string()),
                fields.duration_ms,
            ))
            .level(log::Level::Info)
            .target(ACCESS)
            .module_path_static(Some(module_path!()))
            .file_static(Some(file!()))
            .line(Some(line!()))
            .key_values(&fields)
            .build(),
    );
}

/// The access line's fields, for the JSON log (the text line says the same).
struct AccessFields<'a> {
    request_id: &'a str,
    who: Option<&'a Authenticated>,
    method: &'a str,
    route: &'a str,
    path: &'a str,
    status: u16,
    duration_ms: f64,
    bytes: Option<u64>,
    peer: &'a str,
}

impl log::kv::Source for AccessFields<'_> {
    fn visit<'kvs>(
        &'kvs self,
        visitor: &mut dyn log::kv::VisitSource<'kvs>,
    ) -> Result<(), log::kv::Error> {
        use log::kv::{Key, Value};
        visitor.visit_pair(Key::from("request_id"), Value::from(self.request_id))?;
        match self.who {
            Some(Authenticated::User(id)) => {
                visitor.visit_pair(Key::from("user_id"), Value::from(id.as_str()))?
            }
            Some(Authenticated::Client(id)) => {
                visitor.visit_pair(Key::from("client_id"), Value::from(id.as_str()))?
            }
            None => {}
        }
        visitor.visit_pair(Key::from("method"), Value::from(self.method))?;
        visitor.visit_pair(Key::from("route"), Value::from(self.route))?;
        visitor.visit_pair(Key::from("path"), Value::from(self.path))?;
        visitor.visit_pair(Key::from("status"), Value::from(self.status))?;
        visitor.visit_pair(Key::from("duration_ms"), Value::from(self.duration_ms))?;
        if let Some(bytes) = self.bytes {
            visitor.visit_pair(Key::from("bytes"), Value::from(bytes))?;
        }
        visitor.visit_pair(Key::from("peer"), Value::from(self.peer))
    }
}

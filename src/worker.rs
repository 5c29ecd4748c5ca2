//! The background worker of each instance: it fans the change feed out into webhook
//! deliveries and sends them, and watches the ledger's head so the read cache learns of
//! other instances' writes (see `cache`). Started by `thidua serve` and by the tests alike.
//!
//! Every database step runs on the blocking pool (`db::run`); only the HTTP sends run on
//! the async worker. Instances sharing a database coordinate through it (see
//! `domain::webhooks`), so any number of them may run this.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use actix_web::http::header;
use actix_web::rt::task::JoinHandle;
use actix_web::web;
use futures_util::future::join_all;

use crate::AppState;
use crate::db::{self, Writes};
use crate::domain::audit;
use crate::domain::webhooks::{self, Claimed, LEASE, Outcome, Settings};
use crate::error::ApiError;

/// A running worker. Dropping it asks it to stop after its current step.
pub struct Worker {
    stop: Arc<AtomicBool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Worker {
    /// Stops the worker and waits until its current step is done.
    pub async fn stop(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        for task in std::mem::take(&mut self.tasks) {
            let _ = task.await;
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Starts the worker on the current actix runtime: a step every `THIDUA_WEBHOOK_TICK_MS`.
pub fn spawn(state: web::Data<AppState>) -> Worker {
    let stop = Arc::new(AtomicBool::new(false));
    let stopping = stop.clone();
    let watcher = actix_web::rt::spawn(watch_head(state.clone(), stop.clone()));
    let task = actix_web::rt::spawn(async move {
        let client = crate::outbound::http_client(&state.config.webhooks);
        let tick = state.config.webhooks.tick;
        // An unreachable database fails every step, four times a second by default: say
        // so once, and again when it answers.
        let mut unreachable = false;
        while !stopping.load(Ordering::Relaxed) {
            match run_once(&state, &client).await {
                Err(e) if e.code == "unavailable" => {
                    if !unreachable {
                        log::warn!("webhook worker: {e}; waiting for the database");
                    }
                    unreachable = true;
                }
                Err(e) => log::warn!("webhook worker: {e}"),
                Ok(()) if unreachable => {
                    log::info!("webhook worker: the database answers again");
                    unreachable = false;
                }
                Ok(()) => {}
            }
            actix_web::rt::time::sleep(tick).await;
        }
    });
    Worker {
        stop,
        tasks: vec![task, watcher],
    }
}

/// Every `cache::WATCH`: seals what was committed (into the feed and the audit chain),
/// then reads the ledger's head, so that what another instance wrote expires this one's
/// cached reads.
async fn watch_head(state: web::Data<AppState>, stop: Arc<AtomicBool>) {
    while !stop.load(Ordering::Relaxed) {
        let head = db::run(&state.pool, |conn| -> Result<_, ApiError> {
            audit::seal_committed(conn)?;
            Ok(audit::head(conn)?)
        })
        .await;
        state.reads.generation.observe(head.ok());
        actix_web::rt::time::sleep(crate::cache::WATCH).await;
    }
}

/// One step: fan out new changes, then send what is due. Public so tests can drive it.
pub async fn run_once(state: &AppState, client: &awc::Client) -> Result<(), ApiError> {
    db::run(&state.pool, webhooks::fan_out).await?;
    let claimed = db::run(&state.pool, webhooks::claim_due).await?;
    if claimed.is_empty() {
        return Ok(());
    }
    // Each subscription's deliveries in order, the subscriptions side by side, so one
    // slow receiver holds up only its own.
    let mut queues: Vec<Vec<Claimed>> = Vec::new();
    for d in claimed {
        match queues
            .iter_mut()
            .find(|q| q[0].subscription_id == d.subscription_id)
        {
            Some(q) => q.push(d),
            None => queues.push(vec![d]),
        }
    }
    join_all(
        queues
            .into_iter()
            .map(|q| deliver_in_order(state, client, q)),
    )
    .await
    .into_iter()
    .collect()
}

/// Sends one subscription's claimed deliveries one after the other. After a failure the
/// rest are handed back unsent: the receiver is likely down, and they would only pile up
/// failures. So are those left when half the lease is gone, before another instance may
/// take them over.
async fn deliver_in_order(
    state: &AppState,
    client: &awc::Client,
    queue: Vec<Claimed>,
) -> Result<(), ApiError> {
    let started = Instant::now();
    let settings = &state.config.webhooks;
    for (i, d) in queue.iter().enumerate() {
        if started.elapsed() > LEASE / 2 {
            return release(state, &queue[i..]).await;
        }
        let outcome = send(client, d, settings).await;
        let failed = matches!(outcome, Outcome::Failed { .. });
        let (d2, settings2) = (d.clone(), settings.clone());
        db::run(&state.pool, move |conn| {
            conn.write(|tx| webhooks::record_outcome(tx, &d2, &outcome, &settings2))
        })
        .await?;
        if failed {
            return release(state, &queue[i + 1..]).await;
        }
    }
    Ok(())
}

async fn release(state: &AppState, rest: &[Claimed]) -> Result<(), ApiError> {
    if rest.is_empty() {
        return Ok(());
    }
    let rest = rest.to_vec();
    db::run(&state.pool, move |conn| Ok(webhooks::release(conn, &rest)?)).await
}

/// One attempt: POST the payload, signed, and read only the status.
async fn send(client: &awc::Client, d: &Claimed, settings: &Settings) -> Outcome {
    // The allow-list may have narrowed since the subscription was made.
    if let Err(refusal) = webhooks::check_url(&d.url, settings.allowed_hosts.as_deref()) {
        return Outcome::Failed {
            status: None,
            error: format!("not sent: the URL {}", refusal.message),
        };
    }
    let timestamp = chrono::Utc::now().timestamp();
    let result = client
        .post(&d.url)
        .insert_header((header::CONTENT_TYPE, "application/json"))
        .insert_header(("Thidua-Event-Id", d.event_id.as_str()))
        .insert_header(("Thidua-Event-Type", d.event_type.as_str()))
        .insert_header(("Thidua-Timestamp", timestamp.to_string()))
        .insert_header((
            "Thidua-Signature",
            webhooks::signature(&d.secret, timestamp, &d.payload),
        ))
        .send_body(d.payload.clone())
        .await;
    match result {
        Ok(res) if res.status().is_success() => Outcome::Delivered {
            status: res.status().as_u16(),
        },
        Ok(res) => {
            let status = res.status();
            Outcome::Failed {
                status: Some(status.as_u16()),
                error: if status.is_redirection() {
                    format!("HTTP {} (redirects are not followed)", status.as_u16())
                } else {
                    format!("HTTP {}", status.as_u16())
                },
            }
        }
        // A refused port, a silent one, a failed handshake, an unknown name and an internal
        // address all read the same to the admin, so that deliveries cannot map the
        // server's network (SSRF); the operator finds the cause in the log.
        Err(e) => {
            log::warn!(
                "webhook {} delivery {} to {}: not delivered: {e}",
                d.subscription_id,
                d.event_id,
                d.url
            );
            Outcome::Failed {
                status: None,
                error: webhooks::UNDELIVERED.to_string(),
            }
        }
    }
}

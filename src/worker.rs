//! The background worker of each instance: it fans the change feed out into webhook
//! deliveries and sends them, and watches the ledger's head so the read cache learns of
//! other instances' writes (see `cache`). Started by `thidua serve` and by the tests alike.
//!
//! Every database step runs on the blocking pool (`db::run`); only the HTTP sends run on
//! the async worker. Instances sharing a database coordinate through it (see
//! `domain::webhooks`), so any number of them may run this.
//!
//! Subscriptions are isolated from one another: each tick the worker fans out and claims,
//! and each subscription's claimed deliveries are sent by a task of their own, so a
//! receiver that hangs until `TIMEOUT` holds up only its own deliveries, never the next
//! tick's claim for the others. A subscription with a send in progress is not claimed for
//! until that task is done, which keeps its deliveries in feed order.

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
use crate::domain::webhooks::{self, CLAIM_BATCH, Claimed, LEASE, Outcome, Settings, TIMEOUT};
use crate::error::ApiError;

// A claim's lease must outlast the sends made under it, or another instance could take a
// delivery over while this one still sends it: a queue starts no send once half the lease
// is gone, and a send gives up after `TIMEOUT`. (Queue tasks start as soon as their claim
// returns, so the lease and the queue's clock start together.)
const _: () = assert!(LEASE.as_secs() / 2 + TIMEOUT.as_secs() < LEASE.as_secs());

/// A running worker. Dropping it asks it to stop after its current step.
pub struct Worker {
    stop: Arc<AtomicBool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Worker {
    /// Stops the worker and waits until its current step is done: the sends in progress
    /// are finished and recorded, the deliveries claimed but not yet sent handed back.
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
    let watcher = actix_web::rt::spawn(watch_head(state.clone(), stop.clone()));
    let task = actix_web::rt::spawn(deliver(state, stop.clone()));
    Worker {
        stop,
        tasks: vec![task, watcher],
    }
}

/// The worker's loop: every tick, fan out and claim for the subscriptions not being sent
/// to, and start a task per subscription claimed for. It claims no more deliveries than
/// there are subscriptions it may still start, so at most `CLAIM_BATCH` tasks — one send
/// each — run at once, as many sends as one step of the loop could run before (a claim
/// sent with `join_all`). On stop, waits for the tasks, which stop after their current
/// send.
async fn deliver(state: web::Data<AppState>, stop: Arc<AtomicBool>) {
    let client =
        crate::outbound::http_client(&state.config.webhooks, &state.config.webhook_resolver);
    let tick = state.config.webhooks.tick;
    let mut health = Health::default();
    // The subscriptions being sent to, each with its task.
    let mut sending: Vec<(String, JoinHandle<Result<(), ApiError>>)> = Vec::new();
    while !stop.load(Ordering::Relaxed) {
        let (done, running) = std::mem::take(&mut sending)
            .into_iter()
            .partition(|(_, task)| task.is_finished());
        sending = running;
        for (_, task) in done {
            health.task_done(task.await);
        }
        let busy: Vec<String> = sending.iter().map(|(id, _)| id.clone()).collect();
        let room = CLAIM_BATCH - sending.len() as i64;
        match claim(&state, busy, room).await {
            Ok(queues) => {
                health.step(Ok(()));
                for queue in queues {
                    let (state, client, stop) = (state.clone(), client.clone(), stop.clone());
                    let id = queue[0].subscription_id.clone();
                    let task = actix_web::rt::spawn(async move {
                        deliver_in_order(&state, &client, queue, &stop).await
                    });
                    sending.push((id, task));
                }
            }
            Err(e) => health.step(Err(e)),
        }
        actix_web::rt::time::sleep(tick).await;
    }
    for (_, task) in sending {
        health.task_done(task.await);
    }
}

/// What the worker logs of its failures. An unreachable database fails every step, four
/// times a second by default: say so once, and again when it answers.
#[derive(Default)]
struct Health {
    unreachable: bool,
}

impl Health {
    fn step(&mut self, result: Result<(), ApiError>) {
        match result {
            Ok(()) if self.unreachable => {
                log::info!("webhook worker: the database answers again");
                self.unreachable = false;
            }
            Ok(()) => {}
            Err(e) => self.failed(e),
        }
    }

    /// A subscription's task is done. Only its failures count: the next step tells
    /// whether the database answers again.
    fn task_done(&mut self, result: Result<Result<(), ApiError>, actix_web::rt::task::JoinError>) {
        match result {
            Ok(Ok(())) => {}
            Ok(Err(e)) => self.failed(e),
            Err(e) => log::error!("webhook worker: a delivery task failed: {e}"),
        }
    }

    fn failed(&mut self, e: ApiError) {
        if e.code != "unavailable" {
            log::warn!("webhook worker: {e}");
        } else if !self.unreachable {
            log::warn!("webhook worker: {e}; waiting for the database");
            self.unreachable = true;
        }
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

/// One step, all of it: fan out new changes, then send what is due and wait until it is
/// sent. The worker's loop does not wait (see `deliver`); this is for tests to drive a
/// step as another instance would.
pub async fn run_once(state: &AppState, client: &awc::Client) -> Result<(), ApiError> {
    let queues = claim(state, Vec::new(), CLAIM_BATCH).await?;
    let never_stopped = AtomicBool::new(false);
    join_all(
        queues
            .into_iter()
            .map(|q| deliver_in_order(state, client, q, &never_stopped)),
    )
    .await
    .into_iter()
    .collect()
}

/// Fans out new changes, then claims up to `limit` due deliveries of subscriptions other
/// than `busy`: each subscription's, in order, as a queue of its own.
async fn claim(
    state: &AppState,
    busy: Vec<String>,
    limit: i64,
) -> Result<Vec<Vec<Claimed>>, ApiError> {
    db::run(&state.pool, webhooks::fan_out).await?;
    let claimed = db::run(&state.pool, move |conn| {
        webhooks::claim_due(conn, &busy, limit)
    })
    .await?;
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
    Ok(queues)
}

/// Sends one subscription's claimed deliveries one after the other. After a failure the
/// rest are handed back unsent: the receiver is likely down, and they would only pile up
/// failures. So are those left when half the lease is gone, before another instance may
/// take them over, and those left when the worker stops.
async fn deliver_in_order(
    state: &AppState,
    client: &awc::Client,
    queue: Vec<Claimed>,
    stop: &AtomicBool,
) -> Result<(), ApiError> {
    let started = Instant::now();
    let settings = &state.config.webhooks;
    for (i, d) in queue.iter().enumerate() {
        if started.elapsed() > LEASE / 2 || stop.load(Ordering::Relaxed) {
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

//! The events thidua sends: the bodies webhooks POST (declared in the OpenAPI document's
//! `webhooks`) and the event catalogue (`docs/EVENTS.md`), both drawn from
//! `domain::catalogue`, the list every write of the change feed is held to.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa::openapi::schema::{Object, ObjectBuilder, Type};

use crate::domain::audit::{ChangeAction, ResourceKind};
use crate::domain::catalogue::catalogue;
use crate::domain::webhooks::{PAYLOAD_VERSION, PING};

/// The body POSTed to a subscriber for each change it subscribed to, with the headers
/// `Thidua-Event-Id`, `Thidua-Event-Type`, `Thidua-Timestamp` and `Thidua-Signature`. It
/// tells what changed, not the record: read it with your own credentials.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "evt_1043", "type": "evidence.created", "payload_version": 1,
    "created_at": "2026-11-23T08:00:00.000000Z",
    "data": {"position": 1043, "resource_type": "evidence",
             "resource_id": "019ab0a4-9d4e-7f30-8b21-3c4d5e6f7081", "action": "created", "version": 1}
}))]
pub struct ChangeEvent {
    /// `evt_{position}`: the same for every delivery of one change (retries, replays), so
    /// a receiver drops repeats by it.
    pub id: String,
    /// `{resource_type}.{action}`, as the catalogue lists them.
    #[schema(schema_with = event_type_schema)]
    pub r#type: String,
    /// The shape of this body; raised when a field changes meaning or goes away (fields
    /// may be added without it).
    #[schema(minimum = 1)]
    pub payload_version: u32,
    pub created_at: DateTime<Utc>,
    pub data: ChangeEventData,
}

/// What changed, as the change feed (`GET /api/v1/changes`) tells it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeEventData {
    /// Its position in the change feed.
    pub position: i64,
    #[schema(schema_with = resource_type_schema)]
    pub resource_type: String,
    pub resource_id: String,
    #[schema(schema_with = action_schema)]
    pub action: String,
    /// The record's version after the change (its `ETag`).
    pub version: i64,
}

/// The body of `POST /api/v1/webhooks/{id}/ping`: a receiver's trial.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "ping_019ab0a50c1d7e2f8a3b4c5d6e7f8091", "type": "ping", "payload_version": 1,
    "created_at": "2026-11-23T08:00:00.000000Z",
    "data": {"subscription_id": "019ab0a5-0c1d-7e2f-8a3b-4c5d6e7f8091"}
}))]
pub struct PingEvent {
    pub id: String,
    #[schema(schema_with = ping_type_schema)]
    pub r#type: String,
    #[schema(minimum = 1)]
    pub payload_version: u32,
    pub created_at: DateTime<Utc>,
    pub data: PingEventData,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PingEventData {
    pub subscription_id: String,
}

fn enumeration(values: Vec<String>) -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(values))
        .build()
}

/// Every event type of the catalogue.
fn event_type_schema() -> Object {
    enumeration(
        catalogue()
            .iter()
            .flat_map(|e| {
                e.fires
                    .iter()
                    .map(|(action, _)| format!("{}.{}", e.kind.as_str(), action.as_str()))
            })
            .collect(),
    )
}

fn resource_type_schema() -> Object {
    enumeration(ResourceKind::feed_types().map(str::to_string).collect())
}

fn action_schema() -> Object {
    enumeration(
        ChangeAction::ALL
            .iter()
            .map(|a| a.as_str().to_string())
            .collect(),
    )
}

fn ping_type_schema() -> Object {
    enumeration(vec![PING.to_string()])
}

/// The event catalogue as Markdown: `docs/EVENTS.md`, and the description of the
/// document's `change` webhook.
pub fn catalogue_markdown() -> String {
    let mut out = format!(
        "# Events\n\n\
         Every change thidua commits is one event: in the change feed (`GET /api/v1/changes`, \
         in commit order) and POSTed to each webhook subscribed to its type. An event type \
         is `{{resource_type}}.{{action}}`; a subscription names event types, \
         `{{resource_type}}.*` or `*`, and one naming a type not listed here is refused (422). \
         The body is `ChangeEvent` of the OpenAPI document's `webhooks` \
         (`payload_version` {PAYLOAD_VERSION}); a `ping` (`PingEvent`) tries a receiver.\n\n\
         The actions: `created`; `updated`; `archived`, a tombstone (the record left the \
         live set); `superseded`, replaced by a newer version that comes as a `created` of \
         the same type and kept, still readable, for what points at it.\n\n\
         This file is generated from `domain::catalogue` \
         (`UPDATE_EVENTS=1 cargo test --test api events`); every write the test suite makes \
         is checked against it.\n\n\
         | event type | fires when |\n|---|---|\n"
    );
    for entry in catalogue() {
        for (action, when) in entry.fires {
            out.push_str(&format!(
                "| `{}.{}` | {}: {when} |\n",
                entry.kind.as_str(),
                action.as_str(),
                entry.what
            ));
        }
    }
    out
}

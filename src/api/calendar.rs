//! Routes of this module (filled in by its implementation).

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers this module's routes under `/api/v1`.
pub fn routes(_cfg: &mut ServiceConfig) {}

//! Routes of this module (filled in by its implementation).

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers this module's routes under `/api/v1`.
pub fn routes(_cfg: &mut ServiceConfig) {}

/// Registers this module's routes under `/api/v1/public` (no login).
pub fn public_routes(_cfg: &mut ServiceConfig) {}

/// Registers this module's routes under `/api/v1/awards`.
pub fn award_routes(_cfg: &mut ServiceConfig) {}

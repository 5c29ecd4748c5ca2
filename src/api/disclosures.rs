// HELPER: READ /tmp/common.md FIRST (conventions, the nominations/decisions API contract, build with CARGO_TARGET_DIR=/work/target-shared, commit in your worktree). Delete this line.
//! Routes of this module (filled in by its implementation).

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers this module's routes under `/api/v1`.
pub fn routes(_cfg: &mut ServiceConfig) {}

/// Registers this module's routes under `/api/v1/public` (no login).
pub fn public_routes(_cfg: &mut ServiceConfig) {}

//! The HTTP API: one module per resource, and the one place that lists every route.

pub mod audit;
pub mod auth;
pub mod award_types;
pub mod blocs;
pub mod cached;
pub mod calendar;
pub mod changes;
pub mod clients;
pub mod councils;
pub mod credentials;
pub mod criteria;
pub mod decisions;
pub mod disciplines;
pub mod disclosures;
pub mod documents;
pub mod evidence;
pub mod export;
pub mod extract;
pub mod health;
pub mod initiatives;
pub mod learning;
pub mod legal_documents;
pub mod list;
pub mod movements;
pub mod nominations;
pub mod org_units;
pub mod plans;
pub mod registrations;
pub mod report_formats;
pub mod reports;
pub mod scores;
pub mod staff;
pub mod uploads;
pub mod users;
pub mod validate;
pub mod webhooks;

use crate::db;
use crate::error::ApiError;

/// A handler's blocking database work (`db::run`), answering the API's error.
pub async fn run<T, F>(pool: &db::Pool, f: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut db::Conn) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    db::run(pool, f).await
}

/// A handler's one write (`db::write`), answering the API's error.
pub async fn write<T, F>(pool: &db::Pool, f: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut db::Tx<'_>) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    db::write(pool, f).await
}

use utoipa_actix_web::{scope, service_config::ServiceConfig};

/// Every route of the service. Registered with `.service(..)` so the OpenAPI document is
/// collected from the router itself and cannot drift from it.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(health::healthz)
        .service(health::readyz)
        .service(
            scope::scope("/api/v1")
                .service(
                    scope::scope("/auth")
                        .service(auth::login)
                        .service(auth::refresh)
                        .service(auth::logout)
                        .service(auth::me)
                        .service(auth::change_password)
                        .service(auth::token),
                )
                .service(scope::scope("/changes").service(changes::list))
                .service(scope::scope("/export").service(export::stream_all))
                .service(
                    scope::scope("/audit-log")
                        .service(audit::list)
                        .service(audit::verify),
                )
                .service(
                    scope::scope("/clients")
                        .service(clients::list)
                        .service(clients::create)
                        .service(clients::get)
                        .service(clients::update)
                        .service(clients::rotate_secret),
                )
                .service(
                    scope::scope("/webhooks")
                        .service(webhooks::list)
                        .service(webhooks::create)
                        .service(webhooks::get)
                        .service(webhooks::update)
                        .service(webhooks::rotate_secret)
                        .service(webhooks::deliveries)
                        .service(webhooks::replay)
                        .service(webhooks::ping),
                )
                .service(
                    scope::scope("/org-units")
                        .service(org_units::list)
                        .service(org_units::create)
                        .service(org_units::get)
                        .service(org_units::update)
                        .service(org_units::archive)
                        .service(org_units::tree)
                        .service(scores::unit_progress),
                )
                .service(
                    scope::scope("/staff")
                        .service(staff::list)
                        .service(staff::create)
                        .service(staff::get)
                        .service(staff::update)
                        .service(staff::archive)
                        .service(decisions::staff_awards),
                )
                .service(
                    scope::scope("/movements")
                        .service(movements::list)
                        .service(movements::create)
                        .service(movements::get)
                        .service(movements::update),
                )
                .service(
                    scope::scope("/legal-documents")
                        .service(legal_documents::list)
                        .service(legal_documents::create)
                        .service(legal_documents::get)
                        .service(legal_documents::update),
                )
                .service(
                    scope::scope("/plans")
                        .service(plans::list)
                        .service(plans::create)
                        .service(plans::get)
                        .service(plans::update)
                        .service(plans::change_status)
                        .service(plans::deadlines)
                        .service(criteria::list)
                        .service(criteria::create)
                        .service(registrations::deadlines)
                        .service(registrations::set_deadline)
                        .service(scores::scores)
                        .service(scores::plan_progress)
                        .service(scores::stale),
                )
                .service(
                    scope::scope("/criteria")
                        .service(criteria::get)
                        .service(criteria::update),
                )
                .service(
                    scope::scope("/registrations")
                        .service(registrations::list)
                        .service(registrations::create)
                        .service(registrations::get)
                        .service(registrations::update),
                )
                .service(
                    scope::scope("/evidence")
                        .service(evidence::list)
                        .service(evidence::create)
                        .service(evidence::get)
                        .service(evidence::update)
                        .service(evidence::change_status)
                        .service(evidence::upload)
                        .service(evidence::download)
                        .service(evidence::remove_file),
                )
                .service(scope::scope("/learning-records").service(learning::import))
                .service(
                    scope::scope("/blocs")
                        .service(blocs::list)
                        .service(blocs::create)
                        .service(blocs::get)
                        .service(blocs::update)
                        .service(blocs::ranking),
                )
                .service(
                    scope::scope("/award-types")
                        .service(award_types::list)
                        .service(award_types::get),
                )
                .service(
                    scope::scope("/rule-sets")
                        .service(award_types::list_rule_sets)
                        .service(award_types::create_rule_set)
                        .service(award_types::get_rule_set)
                        .service(award_types::update_rule_set),
                )
                .service(
                    scope::scope("/base-salaries")
                        .service(award_types::list_base_salaries)
                        .service(award_types::create_base_salary),
                )
                .service(
                    scope::scope("/initiatives")
                        .service(initiatives::list)
                        .service(initiatives::create)
                        .service(initiatives::get)
                        .service(initiatives::update),
                )
                .service(
                    scope::scope("/disciplines")
                        .service(disciplines::list)
                        .service(disciplines::create)
                        .service(disciplines::get)
                        .service(disciplines::update),
                )
                .service(
                    scope::scope("/nominations")
                        .service(nominations::list)
                        .service(nominations::create)
                        .service(nominations::submit_batch)
                        .service(nominations::get)
                        .service(nominations::update)
                        .service(nominations::act)
                        .service(nominations::eligibility)
                        .service(nominations::upload)
                        .service(nominations::download),
                )
                .configure(calendar::routes)
                .configure(councils::routes)
                .configure(disclosures::routes)
                .service(
                    scope::scope("/award-decisions")
                        .service(decisions::list)
                        .service(decisions::create)
                        .service(decisions::get)
                        .service(decisions::revoke)
                        .service(reports::decision_document),
                )
                .service(
                    scope::scope("/awards")
                        .service(decisions::list_awards)
                        .service(decisions::get_award)
                        .configure(credentials::award_routes),
                )
                .service(
                    scope::scope("/public")
                        .configure(disclosures::public_routes)
                        .configure(credentials::public_routes),
                )
                .configure(credentials::routes)
                .configure(reports::routes)
                .service(
                    scope::scope("/users")
                        .service(users::list)
                        .service(users::create)
                        .service(users::get)
                        .service(users::update)
                        .service(users::set_password)
                        .service(users::lift_login_lockout),
                ),
        );
}

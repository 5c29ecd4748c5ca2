//! The HTTP API: one module per resource, and the one place that lists every route.

pub mod access;
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
pub mod events;
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
pub use crate::domain::validate;
pub mod webhooks;

use crate::db;
use crate::domain;
use crate::error::ApiError;

/// A handler's one call of a read service (`app::…`) on the blocking pool.
pub async fn read<T, F>(pool: &db::Pool, f: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut db::Conn) -> Result<T, domain::Error> + Send + 'static,
    T: Send + 'static,
{
    Ok(db::run(pool, f).await?)
}

/// A handler's one call of a writing service (`app::…`): one transaction.
pub async fn change<T, F>(pool: &db::Pool, f: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut db::Tx<'_>) -> Result<T, domain::Error> + Send + 'static,
    T: Send + 'static,
{
    Ok(db::write(pool, f).await?)
}

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

use access::{account, account_or_client, admin, public};
use utoipa_actix_web::{scope, service_config::ServiceConfig};

/// Every route of the service, each with who may call it (`access`: `public`, `account`,
/// `account_or_client`, `admin`). Registered with `.service(..)` so the OpenAPI document is
/// collected from the router itself and cannot drift from it; the declared access becomes
/// the operation's `security` there, and `access::enforce` holds every request to it.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(public(health::healthz))
        .service(public(health::readyz))
        .service(
            scope::scope("/api/v1")
                .service(
                    scope::scope("/auth")
                        .service(public(auth::login))
                        .service(public(auth::refresh))
                        .service(account(auth::logout))
                        .service(account(auth::me))
                        .service(account(auth::change_password))
                        .service(public(auth::token)),
                )
                .service(scope::scope("/changes").service(account_or_client(changes::list)))
                .service(scope::scope("/export").service(account_or_client(export::stream_all)))
                .service(
                    scope::scope("/audit-log")
                        .service(admin(audit::list))
                        .service(admin(audit::verify)),
                )
                .service(
                    scope::scope("/clients")
                        .service(admin(clients::list))
                        .service(admin(clients::create))
                        .service(admin(clients::get))
                        .service(admin(clients::update))
                        .service(admin(clients::rotate_secret)),
                )
                .service(
                    scope::scope("/webhooks")
                        .service(admin(webhooks::list))
                        .service(admin(webhooks::create))
                        .service(admin(webhooks::get))
                        .service(admin(webhooks::update))
                        .service(admin(webhooks::rotate_secret))
                        .service(admin(webhooks::deliveries))
                        .service(admin(webhooks::replay))
                        .service(admin(webhooks::ping)),
                )
                .service(
                    scope::scope("/org-units")
                        .service(account(org_units::list))
                        .service(account(org_units::create))
                        .service(account(org_units::get))
                        .service(account(org_units::update))
                        .service(account(org_units::archive))
                        .service(account(org_units::tree))
                        .service(account(scores::unit_progress)),
                )
                .service(
                    scope::scope("/staff")
                        .service(account(staff::list))
                        .service(account(staff::create))
                        .service(account(staff::get))
                        .service(account(staff::update))
                        .service(account(staff::archive))
                        .service(account(decisions::staff_awards)),
                )
                .service(
                    scope::scope("/movements")
                        .service(account(movements::list))
                        .service(account(movements::create))
                        .service(account(movements::get))
                        .service(account(movements::update)),
                )
                .service(
                    scope::scope("/legal-documents")
                        .service(account(legal_documents::list))
                        .service(account(legal_documents::create))
                        .service(account(legal_documents::get))
                        .service(account(legal_documents::update)),
                )
                .service(
                    scope::scope("/plans")
                        .service(account(plans::list))
                        .service(account(plans::create))
                        .service(account(plans::get))
                        .service(account(plans::update))
                        .service(account(plans::change_status))
                        .service(account(plans::deadlines))
                        .service(account(criteria::list))
                        .service(account(criteria::create))
                        .service(account(registrations::deadlines))
                        .service(account(registrations::set_deadline))
                        .service(account(scores::scores))
                        .service(account(scores::plan_progress))
                        .service(account(scores::stale)),
                )
                .service(
                    scope::scope("/criteria")
                        .service(account(criteria::get))
                        .service(account(criteria::update)),
                )
                .service(
                    scope::scope("/registrations")
                        .service(account(registrations::list))
                        .service(account(registrations::create))
                        .service(account(registrations::get))
                        .service(account(registrations::update)),
                )
                .service(
                    scope::scope("/evidence")
                        .service(account(evidence::list))
                        .service(account(evidence::create))
                        .service(account(evidence::get))
                        .service(account(evidence::update))
                        .service(account(evidence::change_status))
                        .service(account(evidence::upload))
                        .service(account(evidence::download))
                        .service(account(evidence::remove_file)),
                )
                .service(scope::scope("/learning-records").service(account(learning::import)))
                .service(
                    scope::scope("/blocs")
                        .service(account(blocs::list))
                        .service(account(blocs::create))
                        .service(account(blocs::get))
                        .service(account(blocs::update))
                        .service(account(blocs::ranking)),
                )
                .service(
                    scope::scope("/award-types")
                        .service(account(award_types::list))
                        .service(account(award_types::get)),
                )
                .service(
                    scope::scope("/rule-sets")
                        .service(account(award_types::list_rule_sets))
                        .service(account(award_types::create_rule_set))
                        .service(account(award_types::get_rule_set))
                        .service(account(award_types::update_rule_set)),
                )
                .service(
                    scope::scope("/base-salaries")
                        .service(account(award_types::list_base_salaries))
                        .service(account(award_types::create_base_salary)),
                )
                .service(
                    scope::scope("/initiatives")
                        .service(account(initiatives::list))
                        .service(account(initiatives::create))
                        .service(account(initiatives::get))
                        .service(account(initiatives::update)),
                )
                .service(
                    scope::scope("/disciplines")
                        .service(account(disciplines::list))
                        .service(account(disciplines::create))
                        .service(account(disciplines::get))
                        .service(account(disciplines::update)),
                )
                .service(
                    scope::scope("/nominations")
                        .service(account(nominations::list))
                        .service(account(nominations::create))
                        .service(account(nominations::submit_batch))
                        .service(account(nominations::get))
                        .service(account(nominations::update))
                        .service(account(nominations::act))
                        .service(account(nominations::eligibility))
                        .service(account(nominations::upload))
                        .service(account(nominations::download)),
                )
                .service(
                    scope::scope("/holidays")
                        .service(account(calendar::list_holidays))
                        .service(account(calendar::add_holiday))
                        .service(account(calendar::remove_holiday)),
                )
                .service(scope::scope("/calendar").service(account(calendar::working_days)))
                .service(
                    scope::scope("/councils")
                        .service(account(councils::list))
                        .service(account(councils::create))
                        .service(account(councils::get))
                        .service(account(councils::update))
                        .service(account(councils::list_sessions))
                        .service(account(councils::create_session))
                        .service(account(councils::get_session))
                        .service(account(councils::set_attendance))
                        .service(account(councils::open_session))
                        .service(account(councils::close_session))
                        .service(account(councils::recuse))
                        .service(account(councils::vote))
                        .service(account(councils::minutes)),
                )
                .service(
                    scope::scope("/disclosures")
                        .service(account(disclosures::list))
                        .service(account(disclosures::create))
                        .service(account(disclosures::get))
                        .service(account(disclosures::feedback)),
                )
                .service(
                    scope::scope("/award-decisions")
                        .service(account(decisions::list))
                        .service(account(decisions::create))
                        .service(account(decisions::get))
                        .service(account(decisions::revoke))
                        .service(account(reports::decision_document)),
                )
                .service(
                    scope::scope("/awards")
                        .service(account_or_client(decisions::list_awards))
                        .service(account_or_client(decisions::get_award))
                        .service(account(credentials::credential)),
                )
                .service(
                    scope::scope("/public")
                        .service(
                            scope::scope("/disclosures")
                                .service(public(disclosures::public_list))
                                .service(public(disclosures::public_get))
                                .service(public(disclosures::post_feedback)),
                        )
                        .service(public(credentials::verify))
                        .service(public(credentials::issuer)),
                )
                .service(
                    scope::scope("/reports")
                        .service(account_or_client(reports::yearly))
                        .service(account_or_client(reports::province)),
                )
                .service(
                    scope::scope("/users")
                        .service(admin(users::list))
                        .service(admin(users::create))
                        .service(admin(users::get))
                        .service(admin(users::update))
                        .service(admin(users::set_password))
                        .service(admin(users::lift_login_lockout)),
                ),
        );
}

//! HTTP tests of the real app on a real database (SQLite always, PostgreSQL when configured).

mod fixtures;
mod harness;

mod access;
mod auth;
mod conventions;
mod demo;
mod openapi_contract;
mod org_units;
mod plans;
mod review_fixes;
mod schema;
mod shapes;
mod staff;
mod users;
mod webhooks;
mod work;

mod blocs;
mod evidence;
mod learning;
mod registrations;
mod reports;
mod scores;

mod award_cycle;
mod awards;
mod body_limits;
mod councils;
mod credentials;
mod data_out;
mod disclosures;
mod idempotency;
mod operations;
mod ownership;
mod storage;
mod throttles;

//! The migrations and `schema.rs` agree, and every migration reverts cleanly.

use diesel::prelude::*;
use thidua::db::{self, AnyConnection};

use crate::db_tests;
use crate::harness::TestApp;

db_tests!(
    schema_rs_matches_the_migrated_database,
    migrations_revert_and_reapply
);

#[derive(QueryableByName)]
struct Column {
    #[diesel(sql_type = diesel::sql_types::Text)]
    name: String,
}

/// The column names of a table as the database has them.
fn columns_in_database(conn: &mut AnyConnection, table: &str) -> Vec<String> {
    let sql = match conn {
        AnyConnection::Sqlite(_) => {
            format!("SELECT name FROM pragma_table_info('{table}') ORDER BY cid")
        }
        AnyConnection::Postgresql(_) => format!(
            "SELECT column_name::text AS name FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = '{table}' ORDER BY ordinal_position"
        ),
    };
    diesel::sql_query(sql)
        .load::<Column>(conn)
        .unwrap()
        .into_iter()
        .map(|c| c.name)
        .collect()
}

/// The column names `schema.rs` declares, read from the SQL diesel generates.
fn columns_in_schema_rs<T>(query: T) -> Vec<String>
where
    T: diesel::query_builder::QueryFragment<diesel::sqlite::Sqlite>,
{
    let sql = diesel::debug_query::<diesel::sqlite::Sqlite, _>(&query).to_string();
    let select = sql
        .trim_start_matches("SELECT ")
        .split(" FROM ")
        .next()
        .unwrap()
        .to_string();
    select
        .split(", ")
        .map(|c| c.rsplit('.').next().unwrap().trim_matches('`').to_string())
        .collect()
}

async fn schema_rs_matches_the_migrated_database(app: &TestApp) {
    use thidua::db::schema::*;
    let expected: Vec<(&str, Vec<String>)> = vec![
        (
            "org_units",
            columns_in_schema_rs(org_units::table.select(org_units::all_columns)),
        ),
        (
            "staff",
            columns_in_schema_rs(staff::table.select(staff::all_columns)),
        ),
        (
            "users",
            columns_in_schema_rs(users::table.select(users::all_columns)),
        ),
        (
            "sessions",
            columns_in_schema_rs(sessions::table.select(sessions::all_columns)),
        ),
        (
            "refresh_tokens",
            columns_in_schema_rs(refresh_tokens::table.select(refresh_tokens::all_columns)),
        ),
        (
            "audit_log",
            columns_in_schema_rs(audit_log::table.select(audit_log::all_columns)),
        ),
        (
            "change_events",
            columns_in_schema_rs(change_events::table.select(change_events::all_columns)),
        ),
        (
            "ledger_head",
            columns_in_schema_rs(ledger_head::table.select(ledger_head::all_columns)),
        ),
        (
            "throttle_windows",
            columns_in_schema_rs(throttle_windows::table.select(throttle_windows::all_columns)),
        ),
        (
            "idempotency_keys",
            columns_in_schema_rs(idempotency_keys::table.select(idempotency_keys::all_columns)),
        ),
        (
            "api_clients",
            columns_in_schema_rs(api_clients::table.select(api_clients::all_columns)),
        ),
        (
            "webhook_subscriptions",
            columns_in_schema_rs(
                webhook_subscriptions::table.select(webhook_subscriptions::all_columns),
            ),
        ),
        (
            "webhook_deliveries",
            columns_in_schema_rs(webhook_deliveries::table.select(webhook_deliveries::all_columns)),
        ),
        (
            "legal_documents",
            columns_in_schema_rs(legal_documents::table.select(legal_documents::all_columns)),
        ),
        (
            "movements",
            columns_in_schema_rs(movements::table.select(movements::all_columns)),
        ),
        (
            "plans",
            columns_in_schema_rs(plans::table.select(plans::all_columns)),
        ),
        (
            "plan_movements",
            columns_in_schema_rs(plan_movements::table.select(plan_movements::all_columns)),
        ),
        (
            "plan_legal_bases",
            columns_in_schema_rs(plan_legal_bases::table.select(plan_legal_bases::all_columns)),
        ),
        (
            "plan_items",
            columns_in_schema_rs(plan_items::table.select(plan_items::all_columns)),
        ),
        (
            "plan_phases",
            columns_in_schema_rs(plan_phases::table.select(plan_phases::all_columns)),
        ),
        (
            "plan_award_forms",
            columns_in_schema_rs(plan_award_forms::table.select(plan_award_forms::all_columns)),
        ),
        (
            "plan_responsibilities",
            columns_in_schema_rs(
                plan_responsibilities::table.select(plan_responsibilities::all_columns),
            ),
        ),
        (
            "criteria",
            columns_in_schema_rs(criteria::table.select(criteria::all_columns)),
        ),
        (
            "registration_deadlines",
            columns_in_schema_rs(
                registration_deadlines::table.select(registration_deadlines::all_columns),
            ),
        ),
        (
            "registrations",
            columns_in_schema_rs(registrations::table.select(registrations::all_columns)),
        ),
        (
            "evidence",
            columns_in_schema_rs(evidence::table.select(evidence::all_columns)),
        ),
        (
            "evidence_history",
            columns_in_schema_rs(evidence_history::table.select(evidence_history::all_columns)),
        ),
        (
            "stored_files",
            columns_in_schema_rs(stored_files::table.select(stored_files::all_columns)),
        ),
        (
            "evidence_files",
            columns_in_schema_rs(evidence_files::table.select(evidence_files::all_columns)),
        ),
        (
            "learning_records",
            columns_in_schema_rs(learning_records::table.select(learning_records::all_columns)),
        ),
        (
            "blocs",
            columns_in_schema_rs(blocs::table.select(blocs::all_columns)),
        ),
        (
            "bloc_members",
            columns_in_schema_rs(bloc_members::table.select(bloc_members::all_columns)),
        ),
        (
            "award_types",
            columns_in_schema_rs(award_types::table.select(award_types::all_columns)),
        ),
        (
            "rule_sets",
            columns_in_schema_rs(rule_sets::table.select(rule_sets::all_columns)),
        ),
        (
            "holidays",
            columns_in_schema_rs(holidays::table.select(holidays::all_columns)),
        ),
        (
            "base_salaries",
            columns_in_schema_rs(base_salaries::table.select(base_salaries::all_columns)),
        ),
        (
            "initiatives",
            columns_in_schema_rs(initiatives::table.select(initiatives::all_columns)),
        ),
        (
            "initiative_authors",
            columns_in_schema_rs(initiative_authors::table.select(initiative_authors::all_columns)),
        ),
        (
            "disciplines",
            columns_in_schema_rs(disciplines::table.select(disciplines::all_columns)),
        ),
        (
            "nominations",
            columns_in_schema_rs(nominations::table.select(nominations::all_columns)),
        ),
        (
            "nomination_steps",
            columns_in_schema_rs(nomination_steps::table.select(nomination_steps::all_columns)),
        ),
        (
            "nomination_files",
            columns_in_schema_rs(nomination_files::table.select(nomination_files::all_columns)),
        ),
        (
            "councils",
            columns_in_schema_rs(councils::table.select(councils::all_columns)),
        ),
        (
            "council_members",
            columns_in_schema_rs(council_members::table.select(council_members::all_columns)),
        ),
        (
            "council_sessions",
            columns_in_schema_rs(council_sessions::table.select(council_sessions::all_columns)),
        ),
        (
            "session_attendance",
            columns_in_schema_rs(session_attendance::table.select(session_attendance::all_columns)),
        ),
        (
            "session_nominations",
            columns_in_schema_rs(
                session_nominations::table.select(session_nominations::all_columns),
            ),
        ),
        (
            "ballot_receipts",
            columns_in_schema_rs(ballot_receipts::table.select(ballot_receipts::all_columns)),
        ),
        (
            "recusals",
            columns_in_schema_rs(recusals::table.select(recusals::all_columns)),
        ),
        (
            "disclosures",
            columns_in_schema_rs(disclosures::table.select(disclosures::all_columns)),
        ),
        (
            "disclosure_nominations",
            columns_in_schema_rs(
                disclosure_nominations::table.select(disclosure_nominations::all_columns),
            ),
        ),
        (
            "disclosure_feedback",
            columns_in_schema_rs(
                disclosure_feedback::table.select(disclosure_feedback::all_columns),
            ),
        ),
        (
            "award_decisions",
            columns_in_schema_rs(award_decisions::table.select(award_decisions::all_columns)),
        ),
        (
            "awards",
            columns_in_schema_rs(awards::table.select(awards::all_columns)),
        ),
    ];
    let pool = app.state.pool.clone();
    actix_web::web::block(move || {
        let mut conn = pool.get().unwrap();
        for (table, columns) in expected {
            assert_eq!(
                columns_in_database(&mut conn, table),
                columns,
                "table {table}"
            );
        }
        // And the types: every table loads through its row type.
        org_units::table
            .select(org_units::all_columns)
            .load::<thidua::domain::org_units::OrgUnit>(&mut conn)
            .unwrap();
        staff::table
            .select(staff::all_columns)
            .load::<thidua::domain::staff::Staff>(&mut conn)
            .unwrap();
        users::table
            .select(users::all_columns)
            .load::<thidua::domain::users::User>(&mut conn)
            .unwrap();
        criteria::table
            .select(criteria::all_columns)
            .load::<thidua::domain::criteria::Criterion>(&mut conn)
            .unwrap();
        registrations::table
            .select(registrations::all_columns)
            .load::<thidua::domain::registrations::Registration>(&mut conn)
            .unwrap();
        registration_deadlines::table
            .select(registration_deadlines::all_columns)
            .load::<thidua::domain::registrations::Deadline>(&mut conn)
            .unwrap();
        evidence::table
            .select(evidence::all_columns)
            .load::<thidua::domain::evidence::Evidence>(&mut conn)
            .unwrap();
        evidence_files::table
            .select(evidence_files::all_columns)
            .load::<thidua::domain::evidence::EvidenceFile>(&mut conn)
            .unwrap();
        evidence_history::table
            .select(evidence_history::all_columns)
            .load::<thidua::domain::evidence::HistoryEntry>(&mut conn)
            .unwrap();
        blocs::table
            .select(blocs::all_columns)
            .load::<thidua::domain::blocs::Bloc>(&mut conn)
            .unwrap();
        award_types::table
            .select(award_types::all_columns)
            .load::<thidua::domain::award_types::AwardTypeRow>(&mut conn)
            .unwrap();
        rule_sets::table
            .select(rule_sets::all_columns)
            .load::<thidua::domain::award_types::RuleSetRow>(&mut conn)
            .unwrap();
        initiatives::table
            .select(initiatives::all_columns)
            .load::<thidua::domain::initiatives::Initiative>(&mut conn)
            .unwrap();
        nominations::table
            .select(nominations::all_columns)
            .load::<thidua::domain::nominations::Nomination>(&mut conn)
            .unwrap();
    })
    .await
    .unwrap();
}

async fn migrations_revert_and_reapply(app: &TestApp) {
    let pool = app.state.pool.clone();
    actix_web::web::block(move || {
        let mut conn = pool.get().unwrap();
        db::revert_all(&mut conn).unwrap();
        assert!(
            columns_in_database(&mut conn, "org_units").is_empty(),
            "down.sql dropped the tables"
        );
        assert!(!db::migrate(&mut conn).unwrap().is_empty());
        assert_eq!(columns_in_database(&mut conn, "users").len(), 10);
    })
    .await
    .unwrap();
}

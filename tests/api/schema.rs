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
        assert!(db::migrate(&mut conn).unwrap() > 0);
        assert_eq!(columns_in_database(&mut conn, "users").len(), 10);
    })
    .await
    .unwrap();
}

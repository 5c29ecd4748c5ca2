//! `thidua seed-bench`: a province's worth of realistic, deterministic data for the
//! benchmark (`bench/run.sh`) — units, staff, plans with their criteria, registrations,
//! evidence in every status, learning records, nominations and five years of awards.
//!
//! Part of the binary, not the library: it reaches the service through the library's
//! public API only. `write` runs named steps in order, all drawing from one seeded
//! generator (`words.rs`). The plans, their criteria, movements and legal bases go through
//! the domain functions the API uses (`plans.rs`). The bulk (`records.rs`: units, staff,
//! registrations, evidence, nominations, awards) is written as multi-row `INSERT`s through
//! `on_backend!`, as the learning-record import does on SQLite, with the derived columns
//! the app keeps (search and sort keys, unit paths, versions) and one change event per
//! row; one audit row tells of the whole load. Everything is one transaction
//! (`Writes::write`), then sealed into the feed and the hash chain (counted in the time: a
//! server would otherwise do it at its start).
//!
//! The same `--seed` gives the same names, texts, values and shapes on every run and both
//! backends. Ids are UUIDv7 and timestamps are the load's, as for any other write.

mod plans;
mod records;
mod words;

use std::collections::BTreeMap;
use std::time::Instant;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use thidua::db::schema::{change_events, org_units};
use thidua::db::{AnyConnection, Tx, Writes};
use thidua::domain::audit::{self, ResourceKind};
use thidua::domain::criteria::{Criterion, CriterionSubject, Measure};
use thidua::domain::{self, Actor, now};
use thidua::error::ApiError;
use thidua::on_backend;

use self::words::{Rng, place};

/// What to generate. The defaults are a province (see the benchmark's README section);
/// `thidua seed-bench` takes each as a flag.
#[derive(Debug, Clone, clap::Args)]
pub struct Options {
    /// Org units: the province, its offices and divisions, communes.
    #[arg(long, default_value_t = 300)]
    pub units: usize,
    #[arg(long, default_value_t = 20_000)]
    pub staff: usize,
    #[arg(long, default_value_t = 3)]
    pub plans: usize,
    /// Criteria per plan, half collective and half individual.
    #[arg(long, default_value_t = 40)]
    pub criteria: usize,
    /// Evidence rows in all, a tenth of them learning records.
    #[arg(long, default_value_t = 200_000)]
    pub evidence: usize,
    #[arg(long, default_value_t = 10_000)]
    pub nominations: usize,
    /// Years of data, ending with this one.
    #[arg(long, default_value_t = 5)]
    pub years: usize,
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Add another data set to a database that already holds one.
    #[arg(long)]
    pub force: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            units: 300,
            staff: 20_000,
            plans: 3,
            criteria: 40,
            evidence: 200_000,
            nominations: 10_000,
            years: 5,
            seed: 42,
            force: false,
        }
    }
}

/// What was made, with the ids the benchmark needs.
#[derive(Debug, Clone, Default)]
pub struct Seeded {
    pub code_prefix: String,
    pub root_unit_id: String,
    pub plan_ids: Vec<String>,
    /// A collective count criterion of the first plan (for evidence writes).
    pub collective_criterion_id: String,
    /// A unit under the root, for evidence writes.
    pub unit_id: String,
    /// The individual yes/no criterion learning records go to.
    pub learning_criterion_id: String,
    pub first_year: i32,
    pub last_year: i32,
    pub counts: Vec<(&'static str, usize)>,
    pub seconds: f64,
}

/// What every step reads: the options, the run, and the moment and years of the load.
struct Load<'a> {
    opts: &'a Options,
    run: i64,
    /// The code prefix of the data set (`prefix`).
    p: String,
    actor: Actor,
    today: NaiveDate,
    first_year: i32,
    last_year: i32,
    /// `first_year..=last_year`.
    years: Vec<i32>,
    /// The province's place name.
    province: String,
    /// When the load's own rows (units, staff) were made.
    load_at: NaiveDateTime,
}

struct Unit {
    id: thidua::ids::OrgUnitId,
    path: String,
    name: String,
}

struct Person {
    id: String,
    unit: usize,
    name: String,
}

/// A plan made, with its criteria.
type SeededPlan = (thidua::ids::PlanId, Vec<Criterion>);

/// The yearly decision of each past year: its id, when it was recorded, its date and the
/// base salary its cash is counted on.
type Decisions = BTreeMap<i32, (String, NaiveDateTime, NaiveDate, i64)>;

/// Rows per statement: SQLite takes at most 32 766 parameters (PostgreSQL 65 535).
fn rows_per_insert(columns: usize) -> usize {
    30_000 / columns
}

/// Inserts rows of one table in multi-row statements.
macro_rules! bulk {
    ($conn:expr, $table:expr, $rows:expr, $columns:expr) => {
        for chunk in $rows.chunks(rows_per_insert($columns)) {
            on_backend!($conn, |c| diesel::insert_into($table)
                .values(chunk)
                .execute(c))?;
        }
    };
}

/// One `created` change event per new row, as each row's own write would record.
fn change_events(
    conn: &mut AnyConnection,
    kind: &'static str,
    ids: &[(String, NaiveDateTime)],
) -> Result<(), ApiError> {
    let rows: Vec<_> = ids
        .iter()
        .map(|(id, at)| {
            (
                change_events::at.eq(*at),
                change_events::resource_type.eq(kind),
                change_events::resource_id.eq(id.as_str()),
                change_events::action.eq("created"),
                change_events::version.eq(1i64),
            )
        })
        .collect();
    bulk!(conn, change_events::table, rows, 5);
    Ok(())
}
pub(crate) use bulk;

/// The code prefix of a bench data set: `BK` and its run number.
fn prefix(run: i64) -> String {
    format!("BK{run}")
}

/// How many bench data sets the database holds (their roots are coded `BK<n>-TINH`).
pub fn existing_runs(conn: &mut AnyConnection) -> QueryResult<i64> {
    org_units::table
        .filter(org_units::code.like("BK%-TINH"))
        .count()
        .get_result(conn)
}

/// Generates and writes the data set, in one transaction.
pub fn seed(conn: &mut impl Writes, opts: &Options) -> Result<Seeded, ApiError> {
    let started = Instant::now();
    let run = existing_runs(conn)?;
    if run > 0 && !opts.force {
        return Err(ApiError::conflict(
            "bench_data_present",
            "The database already holds bench data; give --force to add another set.",
        ));
    }
    if opts.units < 2 || opts.staff < 1 || opts.plans < 1 || opts.criteria < 2 || opts.years < 1 {
        return Err(ApiError::invalid(
            "options",
            "too_small",
            "at least 2 units, 1 staff member, 1 plan, 2 criteria and 1 year",
        ));
    }
    let mut out = conn.write(|tx| write(tx, opts, run))?;
    crate::domain::audit::seal_committed(conn)?;
    out.seconds = started.elapsed().as_secs_f64();
    Ok(out)
}

/// The data set, step by step, in one transaction. The steps draw from `rng` in this
/// order, so a seed gives the same data.
fn write(tx: &mut Tx<'_>, opts: &Options, run: i64) -> Result<Seeded, ApiError> {
    let mut rng = Rng(opts.seed ^ (run as u64).wrapping_mul(0x2545_F491_4F6C_DD1D));
    let today = domain::today();
    let last_year = today.year();
    let first_year = last_year - opts.years as i32 + 1;
    let load = Load {
        opts,
        run,
        p: prefix(run),
        actor: Actor::default(),
        today,
        first_year,
        last_year,
        years: (first_year..=last_year).collect(),
        province: place(&mut rng),
        load_at: now(),
    };
    let rng = &mut rng;
    let units = records::units(tx, &load, rng)?;
    let people = records::staff(tx, &load, rng, &units)?;
    let plans = plans::plans(tx, &load, rng, &units)?;
    let main_criteria = &plans[0].1;
    let collective_criterion_id = main_criteria
        .iter()
        .find(|c| c.subject == CriterionSubject::Collective && c.measure == Measure::Count)
        .or_else(|| {
            main_criteria
                .iter()
                .find(|c| c.subject == CriterionSubject::Collective)
        })
        .map(|c| c.id.to_string())
        .unwrap_or_default();
    let learning = main_criteria
        .iter()
        .find(|c| c.subject == CriterionSubject::Individual && c.measure == Measure::Boolean)
        .cloned();
    let registrations = records::registrations(tx, &load, rng, &units, &people, &plans)?;
    // Evidence: a tenth of it learning records (approved, imported) on the first plan's
    // yes/no criterion.
    let learning_rows = if learning.is_some() {
        opts.evidence / 10
    } else {
        0
    };
    let manual = opts.evidence - learning_rows;
    records::evidence(tx, &load, rng, &units, &people, &plans, manual)?;
    if let Some(criterion) = &learning {
        records::learning_records(tx, &load, rng, &units, &people, criterion, learning_rows)?;
    }
    let decisions = records::decisions(tx, &load, rng, &units[0])?;
    let (nominations, awards) =
        records::nominations(tx, &load, rng, &units, &people, &plans, &decisions)?;
    let counts = vec![
        ("org units", units.len()),
        ("staff", people.len()),
        ("plans", plans.len()),
        ("criteria", plans.len() * opts.criteria),
        ("registrations", registrations),
        ("evidence", opts.evidence),
        ("learning records", learning_rows),
        ("nominations", nominations),
        ("award decisions", decisions.len()),
        ("awards", awards),
    ];
    record_load(tx, &load, &units[0], &counts)?;
    Ok(Seeded {
        code_prefix: load.p.clone(),
        root_unit_id: units[0].id.to_string(),
        unit_id: units[1].id.to_string(),
        plan_ids: plans.iter().map(|p| p.0.to_string()).collect(),
        collective_criterion_id,
        learning_criterion_id: learning
            .as_ref()
            .map(|c| c.id.to_string())
            .unwrap_or_default(),
        first_year,
        last_year,
        counts,
        seconds: 0.0,
    })
}

/// One audit row tells of the whole load; each row has its own change event.
fn record_load(
    tx: &mut Tx<'_>,
    load: &Load<'_>,
    root: &Unit,
    counts: &[(&'static str, usize)],
) -> Result<(), ApiError> {
    let summary = serde_json::json!({
        "seed": load.opts.seed,
        "run": load.run,
        "code_prefix": load.p,
        "counts": counts.iter().map(|(k, v)| (k.to_string(), *v)).collect::<BTreeMap<_, _>>(),
    });
    audit::record_event_with(
        tx,
        &load.actor,
        "seeded",
        ResourceKind::BenchData,
        root.id.as_str(),
        &summary,
    )?;
    Ok(())
}

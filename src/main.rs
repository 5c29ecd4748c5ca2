//! The `thidua` command: serve the API (default), migrate, create an admin, print OpenAPI.

mod bench_seed;

use std::io::Read;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use thidua::config::{Config, HELP};
use thidua::logging::LogFormat;
use thidua::{db, domain};

#[derive(Parser)]
#[command(name = "thidua", version, about = "Thi đua – khen thưởng: REST/JSON API for emulation and commendation", after_help = HELP)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API (the default).
    Serve {
        /// Load the demo data set (both seed plans) before serving.
        #[arg(long)]
        demo: bool,
    },
    /// Load the demo data set: both seed plans with their units, staff and accounts.
    /// Running it again changes nothing. Accounts get THIDUA_DEMO_PASSWORD or a generated password.
    SeedDemo,
    /// Fill the database with a province's worth of realistic, deterministic data for the
    /// benchmark (bench/run.sh). Refuses a database that holds bench data unless --force.
    SeedBench(bench_seed::Options),
    /// Apply pending database migrations and exit.
    Migrate,
    /// Create an admin account; the password is read from standard input or generated.
    CreateAdmin {
        username: String,
        /// Read the password from standard input instead of generating one.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Print the OpenAPI document.
    Openapi,
    /// Copy the SQLite database, consistently, while the server runs (PostgreSQL: use
    /// pg_dump). Restore by stopping thidua and putting the copy in the database's place.
    Backup {
        /// The new file to write; it must not exist.
        file: std::path::PathBuf,
    },
    /// Work with the audit trail.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Ask the server on THIDUA_BIND whether it is alive (GET /healthz): exits 0 when it
    /// answers 200, 1 otherwise. For a container's HEALTHCHECK (the image has no curl).
    Healthcheck,
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Recompute the audit trail's hash chain and MACs; exits 1 if an entry was edited or
    /// removed, or was not written by the service. Needs the service's THIDUA_AUDIT_KEY
    /// (or its data directory's audit-key).
    Verify,
}

fn main() -> ExitCode {
    let memory_configured = thidua::memory::configure();
    let _ = dotenvy::dotenv();
    let cli = Cli::parse();
    // A bad value is reported with the rest of the configuration, in the text format.
    let log_format = LogFormat::parse(std::env::var("THIDUA_LOG_FORMAT").ok().as_deref());
    thidua::logging::init(log_format.unwrap_or_default());
    if !memory_configured {
        log::warn!("the allocator refused its threshold for large blocks; memory use may grow");
    }
    match run(cli.command.unwrap_or(Command::Serve { demo: false })) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            thidua::logging::fatal(&message);
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command) -> Result<(), String> {
    if let Command::Openapi = command {
        let doc = thidua::openapi_document();
        println!("{}", doc.to_pretty_json().map_err(|e| e.to_string())?);
        return Ok(());
    }
    let config = Config::from_env().map_err(|e| e.to_string())?;
    match command {
        Command::Serve { demo } => {
            // The ports are taken before anything is written or printed: one in use stops
            // the start here, before the first admin's password is made and shown.
            let listeners = Listeners::bind(&config)?;
            if demo {
                seed_demo(&config)?;
            }
            serve(config, listeners)
        }
        Command::Healthcheck => healthcheck(config.bind),
        Command::SeedDemo => seed_demo(&config),
        Command::SeedBench(options) => seed_bench(&config, &options),
        Command::Migrate => {
            let mut conn = connect(&config)?;
            let applied = thidua::migrate(&mut conn)?;
            println!("applied {applied} migration(s)");
            Ok(())
        }
        Command::CreateAdmin {
            username,
            password_stdin,
        } => {
            let password = if password_stdin {
                let mut s = String::new();
                std::io::stdin()
                    .read_to_string(&mut s)
                    .map_err(|e| e.to_string())?;
                s.trim_end_matches(['\r', '\n']).to_string()
            } else {
                thidua::secrets::generate_password()
            };
            domain::users::check_password_strength(&password, &[&username])
                .map_err(|m| format!("password {m}"))?;
            let mut conn = connect(&config)?;
            thidua::migrate(&mut conn)?;
            domain::users::create_admin(&mut conn, &username, &password)
                .map_err(|e| e.to_string())?;
            if password_stdin {
                println!("created admin {username}");
            } else {
                println!("created admin {username} with password: {password}");
            }
            Ok(())
        }
        Command::Backup { file } => {
            let mut conn = connect(&config)?;
            db::backup(&mut conn, &file)?;
            println!("backed up to {}", file.display());
            Ok(())
        }
        Command::Audit {
            command: AuditCommand::Verify,
        } => {
            // The service's key, never a new one (which would call every row forged).
            let key =
                domain::audit::AuditKey::existing(config.audit_key.as_deref(), &config.data_dir)
                    .map_err(|e| format!("THIDUA_AUDIT_KEY: {e}"))?;
            domain::audit::install_key(key)?;
            let mut conn = db::pool(&config.database_url, Some(1))?
                .get()
                .map_err(|e| format!("DATABASE_URL: cannot connect: {e}"))?;
            let report = domain::audit::sealed_snapshot(&mut conn, domain::audit::verify_chain)
                .map_err(|e| e.to_string())?;
            for p in &report.problems {
                println!(
                    "{}: entry {} (chain position {})",
                    p.problem,
                    p.id.map_or("-".into(), |v| v.to_string()),
                    p.chain_seq.map_or("-".into(), |v| v.to_string()),
                );
            }
            if report.ok {
                println!(
                    "audit trail intact: {} entries, head {}",
                    report.entries, report.head_hash
                );
                Ok(())
            } else {
                Err(format!(
                    "audit trail broken: {} problem(s) in {} entries",
                    report.problems.len(),
                    report.entries
                ))
            }
        }
        Command::Openapi => unreachable!("handled above"),
    }
}

/// One connection to the configured database, for a command, with the audit key its
/// writes are keyed with (the server's: the same variable or data directory).
fn connect(config: &Config) -> Result<db::PooledConn, String> {
    thidua::private_data_dir(config)?;
    thidua::install_audit_key(config)?;
    db::pool(&config.database_url, Some(1))?
        .get()
        .map_err(|e| format!("DATABASE_URL: cannot connect: {e}"))
}

/// Makes the first admin when there is no account yet, and prints a generated password.
fn first_admin(conn: &mut db::PooledConn, config: &Config) -> Result<(), String> {
    let generated = domain::users::ensure_first_admin(conn, config.admin_password.as_deref())
        .map_err(|e| format!("cannot create the first admin: {e}"))?;
    if let Some(password) = generated {
        println!(
            "created the first account: username 'admin', password '{password}' (shown once; change it)"
        );
    }
    Ok(())
}

/// Loads the demo data set and prints what it made.
fn seed_demo(config: &Config) -> Result<(), String> {
    // Checked before anything is written.
    let password = std::env::var("THIDUA_DEMO_PASSWORD")
        .ok()
        .filter(|p| !p.is_empty())
        .unwrap_or_else(thidua::secrets::generate_password);
    domain::users::check_password_strength(&password, &["demo"])
        .map_err(|m| format!("THIDUA_DEMO_PASSWORD: {m}"))?;
    let mut conn = connect(config)?;
    thidua::migrate(&mut conn)?;
    // The first admin comes first: once the demo's accounts exist, a later start would
    // otherwise see accounts and make none.
    first_admin(&mut conn, config)?;
    let loaded = thidua::demo::load(&mut conn, &password).map_err(|e| e.to_string())?;
    if loaded.created.is_empty() {
        println!("demo data already loaded: nothing changed");
        return Ok(());
    }
    for line in &loaded.created {
        println!("created {line}");
    }
    if !loaded.accounts.is_empty() {
        println!("accounts (password: {password}):");
        for (username, roles) in &loaded.accounts {
            println!("  {username:<24} {roles}");
        }
    }
    Ok(())
}

/// Loads the benchmark's data set and prints what it made, the ids the benchmark uses (as
/// `key=value` lines) and the time it took.
fn seed_bench(config: &Config, opts: &bench_seed::Options) -> Result<(), String> {
    let mut conn = connect(config)?;
    thidua::migrate(&mut conn)?;
    first_admin(&mut conn, config)?;
    // The award catalogue and base salaries the nominations and awards refer to.
    domain::award_types::seed(&mut conn)?;
    domain::calendar::seed(&mut conn)?;
    let s = bench_seed::seed(&mut conn, opts).map_err(|e| e.to_string())?;
    for (what, n) in &s.counts {
        println!("created {n} {what}");
    }
    println!("root_unit_id={}", s.root_unit_id);
    println!("unit_id={}", s.unit_id);
    println!("plan_id={}", s.plan_ids[0]);
    println!("collective_criterion_id={}", s.collective_criterion_id);
    println!("learning_criterion_id={}", s.learning_criterion_id);
    println!("staff_code_prefix={}-", s.code_prefix);
    println!("first_year={}", s.first_year);
    println!("last_year={}", s.last_year);
    println!("seconds={:.2}", s.seconds);
    println!("seeded in {:.1} s", s.seconds);
    Ok(())
}

/// The server's sockets, bound to their addresses before start-up writes anything (so a
/// port in use is found at once), listening only once the server is ready to answer (so
/// nothing connects to a server still migrating).
struct Listeners {
    api: Bound,
    /// `THIDUA_METRICS_BIND`'s, when set.
    metrics: Option<Bound>,
}

impl Listeners {
    fn bind(config: &Config) -> Result<Listeners, String> {
        let api = Bound::new("THIDUA_BIND", config.bind)?;
        let metrics = config
            .metrics_bind
            .map(|addr| Bound::new("THIDUA_METRICS_BIND", addr))
            .transpose()?;
        Ok(Listeners { api, metrics })
    }
}

/// A socket bound as actix-web binds its own (address reuse: a restart does not wait for
/// the old connections' TIME_WAIT), not yet listening.
struct Bound {
    variable: &'static str,
    addr: std::net::SocketAddr,
    socket: socket2::Socket,
}

impl Bound {
    fn new(variable: &'static str, addr: std::net::SocketAddr) -> Result<Bound, String> {
        use socket2::{Domain, Protocol, Socket, Type};
        let bound = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))
            .and_then(|socket| {
                socket.set_reuse_address(true)?;
                socket.bind(&addr.into())?;
                Ok(socket)
            })
            .map_err(|e| format!("{variable}: cannot listen on {addr}: {e}"))?;
        Ok(Bound {
            variable,
            addr,
            socket: bound,
        })
    }

    /// Starts listening, with actix-web's backlog of 1 024.
    fn listen(self) -> Result<std::net::TcpListener, String> {
        let Bound {
            variable,
            addr,
            socket,
        } = self;
        socket
            .listen(1024)
            .map_err(|e| format!("{variable}: cannot listen on {addr}: {e}"))?;
        Ok(socket.into())
    }
}

/// GET /healthz on `bind` — on loopback when `bind` is an unspecified address such as
/// 0.0.0.0 — within a few seconds: Ok on 200.
fn healthcheck(bind: std::net::SocketAddr) -> Result<(), String> {
    use std::io::Write;
    use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream};
    use std::time::Duration;
    let ip = match bind.ip() {
        ip if !ip.is_unspecified() => ip,
        std::net::IpAddr::V4(_) => Ipv4Addr::LOCALHOST.into(),
        std::net::IpAddr::V6(_) => Ipv6Addr::LOCALHOST.into(),
    };
    let addr = SocketAddr::new(ip, bind.port());
    let url = format!("http://{addr}/healthz");
    let failed = |e: std::io::Error| format!("healthcheck: {url}: {e}");
    let wait = Duration::from_secs(3);
    let mut stream = TcpStream::connect_timeout(&addr, wait).map_err(failed)?;
    stream.set_read_timeout(Some(wait)).map_err(failed)?;
    stream.set_write_timeout(Some(wait)).map_err(failed)?;
    write!(
        stream,
        "GET /healthz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .map_err(failed)?;
    let mut answer = Vec::new();
    // The status line is all that is needed; a short answer ends with the connection.
    let _ = std::io::Read::read_to_end(&mut stream, &mut answer);
    let status_line = String::from_utf8_lossy(&answer);
    let status_line = status_line.lines().next().unwrap_or("");
    match status_line.split(' ').nth(1) {
        Some("200") => Ok(()),
        Some(status) => Err(format!("healthcheck: {url} answered {status}")),
        None => Err(format!("healthcheck: {url} gave no HTTP answer")),
    }
}

#[actix_web::main]
async fn serve(config: Config, listeners: Listeners) -> Result<(), String> {
    let (state, generated) = thidua::bootstrap(config)?;
    if let Some(password) = generated {
        log::warn!(
            "created the first account: username 'admin', password '{password}' (shown once; change it)"
        );
    }
    let worker = thidua::worker::spawn(state.clone());
    let api = listeners.api.listen()?;
    let api_addr = api.local_addr().map_err(|e| e.to_string())?;
    let app_state = state.clone();
    let server = actix_web::HttpServer::new(move || thidua::build_app(app_state.clone()))
        .listen(api)
        .map_err(|e| format!("THIDUA_BIND: cannot listen on {api_addr}: {e}"))?
        .shutdown_timeout(30)
        .run();
    log::info!("thidua listening on http://{api_addr} (docs at http://{api_addr}/docs/)");
    // The metrics listener: one worker, stopped with the API's server (which alone
    // handles the signals).
    let metrics = match listeners.metrics {
        Some(bound) => {
            let listener = bound.listen()?;
            let addr = listener.local_addr().map_err(|e| e.to_string())?;
            let metrics_server = actix_web::HttpServer::new(move || {
                actix_web::App::new()
                    .app_data(state.clone())
                    .configure(thidua::metrics::metrics_listener)
            })
            .workers(1)
            .disable_signals()
            .listen(listener)
            .map_err(|e| format!("THIDUA_METRICS_BIND: cannot listen on {addr}: {e}"))?
            .run();
            log::info!("metrics on http://{addr}/metrics");
            let handle = metrics_server.handle();
            actix_web::rt::spawn(metrics_server);
            Some(handle)
        }
        None => None,
    };
    // What the workers freed building their routes goes back. Best effort: they are
    // built within milliseconds of the start, but nothing waits for them.
    actix_web::rt::spawn(async {
        actix_web::rt::time::sleep(std::time::Duration::from_millis(200)).await;
        let released = thidua::memory::release_freed();
        log::debug!("startup memory given back: {released}");
    });
    let served = server.await.map_err(|e| e.to_string());
    if let Some(metrics) = metrics {
        metrics.stop(true).await;
    }
    // After the server has drained: a delivery being sent is finished and recorded.
    worker.stop().await;
    served
}

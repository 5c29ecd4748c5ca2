//! Configuration from the environment (and an optional `.env`), typed and checked at start.

use std::net::SocketAddr;
use std::path::PathBuf;

/// The configuration variables, with their defaults, as printed by `thidua --help`.
pub const HELP: &str = "\
Configuration (environment variables, also read from ./.env):
  THIDUA_BIND            address to listen on                [default: 127.0.0.1:8080]
  THIDUA_METRICS_BIND    address serving /metrics (Prometheus) to anyone who reaches it;
                         unset: /metrics only on THIDUA_BIND, to admins [default: unset]
  DATABASE_URL           postgres://… or a SQLite file path  [default: $THIDUA_DATA_DIR/thidua.db]
  THIDUA_DATA_DIR        data directory (database, keys, files) [default: ./data]
  THIDUA_JWT_SECRET      token signing secret, >= 32 bytes   [default: generated once into the data directory]
  THIDUA_AUDIT_KEY       key of the audit rows' MACs, >= 32 bytes [default: generated once into the data directory]
  THIDUA_ISSUER_KEY      Ed25519 key signing award credentials, multibase (z…) [default: generated once into the data directory]
  THIDUA_ADMIN_PASSWORD  password of the first admin account [default: generated, printed once]
  THIDUA_CORS_ORIGINS    comma-separated origins allowed by CORS, or *  [default: none]
  THIDUA_DB_POOL_SIZE    database connections                [default: 4 on SQLite, 10 on PostgreSQL]
  THIDUA_MAX_FILE_MB     largest evidence or dossier file, MiB [default: 20]
  THIDUA_MAX_IMPORT_MB   largest import body (CSV or JSON), MiB [default: 64]
  THIDUA_FILE_STORE      s3://bucket[/prefix] to keep attachments in S3-compatible storage,
                         with AWS_ENDPOINT, AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
                         AWS_ALLOW_HTTP [default: $THIDUA_DATA_DIR/files]
  THIDUA_WEBHOOK_ALLOWED_HOSTS  comma-separated hosts webhooks may target: names, IPs,
                         *.example.vn, networks (10.20.0.0/16). Internal addresses are
                         reached only when listed as IPs or networks, whatever name leads
                         there  [default: any host that resolves to public addresses only]
  THIDUA_WEBHOOK_RETRY_BASE_MS  wait before a failed delivery's first retry, doubled for
                         each further one, at most 1 hour  [default: 10000]
  THIDUA_WEBHOOK_MAX_ATTEMPTS   attempts before a delivery is given up  [default: 10]
  THIDUA_WEBHOOK_DISABLE_AFTER  failed attempts in a row that disable a webhook  [default: 20]
  THIDUA_WEBHOOK_TICK_MS how often the webhook worker looks for work  [default: 250]
  THIDUA_LOG_FORMAT      log lines as text, or json (one object a line) [default: text]
  RUST_LOG               log filter                          [default: info]";

#[derive(Debug, Clone)]
pub struct Config {
    pub bind: SocketAddr,
    /// A second listener serving `/metrics` without a token (meant for a private
    /// address); unset, `/metrics` is served on `bind` to admins only.
    pub metrics_bind: Option<SocketAddr>,
    pub log_format: crate::logging::LogFormat,
    pub database_url: String,
    pub data_dir: PathBuf,
    /// Unset: read from, or generated into, `data_dir/jwt-secret`.
    pub jwt_secret: Option<String>,
    /// Unset: read from, or generated into, `data_dir/audit-key`. Several instances must
    /// share it, as they share the JWT secret: a row keyed by another key is reported as
    /// not written by the service.
    pub audit_key: Option<String>,
    /// Unset: read from, or generated into, `data_dir/issuer-ed25519.key`. Several
    /// instances must share it, as they share the JWT secret.
    pub issuer_key: Option<String>,
    pub admin_password: Option<String>,
    pub cors_origins: CorsOrigins,
    pub db_pool_size: Option<u32>,
    /// The largest uploaded file, in bytes.
    pub max_file_bytes: usize,
    /// The largest import body, in bytes.
    pub max_import_bytes: usize,
    /// `s3://bucket[/prefix]`; unset: the `files` directory under `data_dir`.
    pub file_store: Option<String>,
    /// The `AWS_*` settings of the S3 store, as given.
    pub s3: Vec<(String, String)>,
    pub webhooks: crate::domain::webhooks::Settings,
    /// How webhook host names are turned into addresses: the system's resolver. Not read
    /// from the environment; the tests give their own, to point names at their receivers.
    /// Whatever it answers passes `webhooks::may_connect` before a connection is made, so
    /// no resolver can widen what webhooks reach.
    pub webhook_resolver: crate::outbound::Resolver,
}

#[derive(Debug, Clone, PartialEq)]
pub enum CorsOrigins {
    None,
    Any,
    List(Vec<String>),
}

/// A bad variable: start-up stops with this one line.
#[derive(Debug, thiserror::Error)]
#[error("{var}: {message}")]
pub struct ConfigError {
    pub var: &'static str,
    pub message: String,
}

fn bad(var: &'static str, message: impl Into<String>) -> ConfigError {
    ConfigError {
        var,
        message: message.into(),
    }
}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Config, ConfigError> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// Reads configuration through `get`, so tests can supply their own variables.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let var = |k: &str| get(k).filter(|v| !v.trim().is_empty());

        let address = |name: &'static str, example: &str| {
            var(name)
                .map(|v| {
                    v.trim().parse::<SocketAddr>().map_err(|_| {
                        bad(name, format!("'{v}' is not an address such as {example}"))
                    })
                })
                .transpose()
        };
        let bind = address("THIDUA_BIND", "127.0.0.1:8080")?
            .unwrap_or(SocketAddr::from(([127, 0, 0, 1], 8080)));
        let metrics_bind = address("THIDUA_METRICS_BIND", "127.0.0.1:9090")?;
        if metrics_bind == Some(bind) {
            return Err(bad(
                "THIDUA_METRICS_BIND",
                "must differ from THIDUA_BIND (the metrics listener is a second one)",
            ));
        }
        let log_format = crate::logging::LogFormat::parse(var("THIDUA_LOG_FORMAT").as_deref())
            .map_err(|m| bad("THIDUA_LOG_FORMAT", m))?;
        let data_dir = PathBuf::from(var("THIDUA_DATA_DIR").unwrap_or_else(|| "./data".into()));
        let database_url = var("DATABASE_URL")
            .unwrap_or_else(|| data_dir.join("thidua.db").to_string_lossy().into_owned());
        if database_url.contains("://")
            && !["postgres://", "postgresql://", "sqlite://"]
                .iter()
                .any(|p| database_url.starts_with(p))
        {
            return Err(bad(
                "DATABASE_URL",
                "use postgres://…, postgresql://…, sqlite://PATH or a file path",
            ));
        }
        let jwt_secret = var("THIDUA_JWT_SECRET");
        if let Some(s) = &jwt_secret
            && s.len() < 32
        {
            return Err(bad("THIDUA_JWT_SECRET", "must be at least 32 bytes long"));
        }
        let audit_key = var("THIDUA_AUDIT_KEY");
        if let Some(s) = &audit_key
            && s.len() < 32
        {
            return Err(bad("THIDUA_AUDIT_KEY", "must be at least 32 bytes long"));
        }
        let issuer_key = var("THIDUA_ISSUER_KEY");
        if let Some(k) = &issuer_key
            && crate::domain::credentials::IssuerKey::from_multibase(k.trim()).is_none()
        {
            return Err(bad(
                "THIDUA_ISSUER_KEY",
                "is not an Ed25519 private key in multibase (z…)",
            ));
        }
        let admin_password = var("THIDUA_ADMIN_PASSWORD");
        if let Some(p) = &admin_password
            && let Err(m) = crate::domain::users::check_password_strength(p, &["admin"])
        {
            return Err(bad("THIDUA_ADMIN_PASSWORD", m));
        }
        let cors_origins = match var("THIDUA_CORS_ORIGINS") {
            None => CorsOrigins::None,
            Some(v) if v.trim() == "*" => CorsOrigins::Any,
            Some(v) => {
                let list: Vec<String> = v
                    .split(',')
                    .map(|o| o.trim().trim_end_matches('/').to_string())
                    .filter(|o| !o.is_empty())
                    .collect();
                if let Some(o) = list
                    .iter()
                    .find(|o| !(o.starts_with("http://") || o.starts_with("https://")))
                {
                    return Err(bad(
                        "THIDUA_CORS_ORIGINS",
                        format!("'{o}' is not an origin such as https://portal.example.vn"),
                    ));
                }
                CorsOrigins::List(list)
            }
        };
        let db_pool_size = match var("THIDUA_DB_POOL_SIZE") {
            Some(v) => Some(
                v.trim()
                    .parse::<u32>()
                    .ok()
                    .filter(|n| (1..=200).contains(n))
                    .ok_or_else(|| bad("THIDUA_DB_POOL_SIZE", "must be a number from 1 to 200"))?,
            ),
            None => None,
        };
        let mebibytes = |name: &'static str, default: usize| match var(name) {
            Some(v) => v
                .trim()
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=4096).contains(n))
                .map(|n| n * 1024 * 1024)
                .ok_or_else(|| bad(name, "must be a number of MiB from 1 to 4096")),
            None => Ok(default * 1024 * 1024),
        };
        let max_file_bytes = mebibytes("THIDUA_MAX_FILE_MB", 20)?;
        let max_import_bytes = mebibytes("THIDUA_MAX_IMPORT_MB", 64)?;
        let file_store = var("THIDUA_FILE_STORE");
        if let Some(url) = &file_store
            && !url.starts_with("s3://")
        {
            return Err(bad(
                "THIDUA_FILE_STORE",
                format!("'{url}' is not an s3://bucket URL"),
            ));
        }
        let s3 = crate::storage::S3_VARIABLES
            .iter()
            .filter_map(|name| var(name).map(|v| (name.to_string(), v)))
            .collect();
        let webhooks = webhook_settings(&var)?;
        Ok(Config {
            bind,
            metrics_bind,
            log_format,
            database_url,
            data_dir,
            jwt_secret,
            audit_key,
            issuer_key,
            admin_password,
            cors_origins,
            db_pool_size,
            max_file_bytes,
            max_import_bytes,
            file_store,
            s3,
            webhooks,
            webhook_resolver: crate::outbound::Resolver::System,
        })
    }
}

/// The `THIDUA_WEBHOOK_*` variables.
fn webhook_settings(
    var: &impl Fn(&str) -> Option<String>,
) -> Result<crate::domain::webhooks::Settings, ConfigError> {
    use crate::domain::webhooks::{Settings, parse_allowed_hosts};
    use std::time::Duration;
    let number =
        |name: &'static str, range: std::ops::RangeInclusive<u64>, default: u64| match var(name) {
            Some(v) => v
                .trim()
                .parse::<u64>()
                .ok()
                .filter(|n| range.contains(n))
                .ok_or_else(|| {
                    bad(
                        name,
                        format!("must be a number from {} to {}", range.start(), range.end()),
                    )
                }),
            None => Ok(default),
        };
    let defaults = Settings::default();
    let allowed_hosts = var("THIDUA_WEBHOOK_ALLOWED_HOSTS")
        .map(|v| parse_allowed_hosts(&v).map_err(|m| bad("THIDUA_WEBHOOK_ALLOWED_HOSTS", m)))
        .transpose()?;
    Ok(Settings {
        allowed_hosts,
        retry_base: Duration::from_millis(number(
            "THIDUA_WEBHOOK_RETRY_BASE_MS",
            1..=3_600_000,
            defaults.retry_base.as_millis() as u64,
        )?),
        max_attempts: number(
            "THIDUA_WEBHOOK_MAX_ATTEMPTS",
            1..=100,
            defaults.max_attempts as u64,
        )? as i32,
        disable_after: number(
            "THIDUA_WEBHOOK_DISABLE_AFTER",
            1..=10_000,
            defaults.disable_after as u64,
        )? as i32,
        tick: Duration::from_millis(number(
            "THIDUA_WEBHOOK_TICK_MS",
            10..=60_000,
            defaults.tick.as_millis() as u64,
        )?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(move |k| vars.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()))
    }

    #[test]
    fn defaults() {
        let c = with(&[]).unwrap();
        assert_eq!(c.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(c.database_url, "./data/thidua.db");
        assert_eq!(c.cors_origins, CorsOrigins::None);
        assert_eq!(c.webhooks, crate::domain::webhooks::Settings::default());
    }

    #[test]
    fn webhook_settings() {
        let c = with(&[
            ("THIDUA_WEBHOOK_ALLOWED_HOSTS", "127.0.0.1, *.tinh.gov.vn"),
            ("THIDUA_WEBHOOK_RETRY_BASE_MS", "50"),
            ("THIDUA_WEBHOOK_MAX_ATTEMPTS", "3"),
        ])
        .unwrap();
        assert_eq!(c.webhooks.allowed_hosts.map(|h| h.len()), Some(2));
        assert_eq!(c.webhooks.retry_base.as_millis(), 50);
        assert_eq!(c.webhooks.max_attempts, 3);
        assert_eq!(c.webhooks.disable_after, 20);
        let c = with(&[("THIDUA_WEBHOOK_ALLOWED_HOSTS", "10.20.0.0/16, fd00::/8")]).unwrap();
        assert_eq!(c.webhooks.allowed_hosts.map(|h| h.len()), Some(2));
    }

    #[test]
    fn bad_values_name_their_variable() {
        for (k, v) in [
            ("THIDUA_BIND", "localhost"),
            ("THIDUA_METRICS_BIND", "9090"),
            ("THIDUA_LOG_FORMAT", "yaml"),
            ("THIDUA_JWT_SECRET", "short"),
            ("THIDUA_AUDIT_KEY", "short"),
            ("THIDUA_CORS_ORIGINS", "portal.example.vn"),
            ("DATABASE_URL", "mysql://x"),
            ("THIDUA_DB_POOL_SIZE", "0"),
            ("THIDUA_MAX_FILE_MB", "0"),
            ("THIDUA_MAX_IMPORT_MB", "lots"),
            ("THIDUA_ADMIN_PASSWORD", "123"),
            (
                "THIDUA_WEBHOOK_ALLOWED_HOSTS",
                "hooks.example.vn, not a host",
            ),
            ("THIDUA_WEBHOOK_ALLOWED_HOSTS", "10.20.0.1/16"),
            ("THIDUA_WEBHOOK_RETRY_BASE_MS", "0"),
            ("THIDUA_WEBHOOK_MAX_ATTEMPTS", "many"),
            ("THIDUA_WEBHOOK_DISABLE_AFTER", "-1"),
            ("THIDUA_WEBHOOK_TICK_MS", "1"),
        ] {
            let e = with(&[(k, v)]).unwrap_err();
            assert_eq!(e.var, k);
            assert!(e.to_string().starts_with(k));
        }
    }
}

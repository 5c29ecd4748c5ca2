//! The log on standard error: env_logger's text lines by default, or with
//! `THIDUA_LOG_FORMAT=json` one JSON object a line, for a log collector to read without
//! parsing text.
//!
//! A record's key-values (`log::info!(status = 200; "…")`, as the access log writes them,
//! `observe.rs`) become fields of its object; the text format shows only the message,
//! which says the same for a reader.

use std::io::Write;
use std::sync::OnceLock;

use chrono::SecondsFormat;
use serde_json::{Map, Value};

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    /// env_logger's own lines: `[time LEVEL target] message`.
    #[default]
    Text,
    /// One JSON object a line: `time` (RFC 3339, UTC), `level`, `target`, `message`, and
    /// the record's fields.
    Json,
}

impl LogFormat {
    /// The value of `THIDUA_LOG_FORMAT`: unset or empty is text.
    pub fn parse(value: Option<&str>) -> Result<LogFormat, String> {
        match value.map(str::trim).unwrap_or("") {
            "" | "text" => Ok(LogFormat::Text),
            "json" => Ok(LogFormat::Json),
            other => Err(format!("'{other}' is not a log format: use text or json")),
        }
    }
}

/// The format chosen at start, for the last words of a failed start (`fatal`).
static FORMAT: OnceLock<LogFormat> = OnceLock::new();

/// Sets up the logger: the level from `RUST_LOG` (default `info`), the format given.
pub fn init(format: LogFormat) {
    let _ = FORMAT.set(format);
    let mut builder =
        env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info"));
    if format == LogFormat::Json {
        builder.format(|out, record| writeln!(out, "{}", json_line(record)));
    }
    builder.init();
}

/// The one line a failed command ends with, on standard error: `thidua: {message}`, or
/// an object of level ERROR when the log is JSON (so every line still parses).
pub fn fatal(message: &str) {
    if FORMAT.get() == Some(&LogFormat::Json) {
        eprintln!(
            "{}",
            json_line(
                &log::Record::builder()
                    .args(format_args!("{message}"))
                    .level(log::Level::Error)
                    .target("thidua")
                    .build()
            )
        );
    } else {
        eprintln!("thidua: {message}");
    }
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// One record as a JSON object: `time`, `level`, `target` and `message` first, then the
/// record's fields. A message with line breaks stays on one line (escaped).
pub fn json_line(record: &log::Record<'_>) -> String {
    let mut fields = Map::new();
    let _ = record.key_values().visit(&mut Fields(&mut fields));
    let first: [(&str, Value); 4] = [
        ("time", now().into()),
        ("level", record.level().as_str().into()),
        ("target", record.target().into()),
        ("message", record.args().to_string().into()),
    ];
    // Written in this order by hand: serde_json's map sorts its keys.
    let mut line = String::from("{");
    let rest = fields
        .iter()
        .filter(|(key, _)| !first.iter().any(|(name, _)| name == key))
        .map(|(key, value)| (key.as_str(), value));
    for (key, value) in first.iter().map(|(k, v)| (*k, v)).chain(rest) {
        if line.len() > 1 {
            line.push(',');
        }
        line.push_str(&Value::from(key).to_string());
        line.push(':');
        line.push_str(&value.to_string());
    }
    line.push('}');
    line
}

/// Copies a record's key-values into a map: numbers and booleans as such, anything else
/// as its text.
struct Fields<'a>(&'a mut Map<String, Value>);

impl<'kvs> log::kv::VisitSource<'kvs> for Fields<'_> {
    fn visit_pair(
        &mut self,
        key: log::kv::Key<'kvs>,
        value: log::kv::Value<'kvs>,
    ) -> Result<(), log::kv::Error> {
        let json = if let Some(n) = value.to_u64() {
            Value::from(n)
        } else if let Some(n) = value.to_i64() {
            Value::from(n)
        } else if let Some(n) = value.to_f64() {
            serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number)
        } else if let Some(b) = value.to_bool() {
            Value::from(b)
        } else {
            Value::from(value.to_string())
        };
        self.0.insert(key.as_str().into(), json);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_parse_and_refuse_anything_else() {
        assert_eq!(LogFormat::parse(None), Ok(LogFormat::Text));
        assert_eq!(LogFormat::parse(Some("json")), Ok(LogFormat::Json));
        assert_eq!(LogFormat::parse(Some(" text ")), Ok(LogFormat::Text));
        assert!(LogFormat::parse(Some("yaml")).is_err());
    }

    #[test]
    fn a_record_is_one_object_with_its_fields() {
        let fields: [(&str, log::kv::Value<'_>); 4] = [
            ("status", 404u16.into()),
            ("duration_ms", 1.25f64.into()),
            ("route", "/api/v1/staff/{id}".into()),
            ("message", "not kept: the message is the record's".into()),
        ];
        let line = json_line(
            &log::Record::builder()
                .args(format_args!("two\nlines"))
                .level(log::Level::Info)
                .target("thidua::access")
                .key_values(&fields)
                .build(),
        );
        assert!(!line.contains('\n'));
        assert!(line.starts_with(r#"{"time":"#), "{line}");
        let value: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(value["level"], "INFO");
        assert_eq!(value["target"], "thidua::access");
        assert_eq!(value["message"], "two\nlines");
        assert_eq!(value["status"], 404);
        assert_eq!(value["duration_ms"], 1.25);
        assert_eq!(value["route"], "/api/v1/staff/{id}");
        assert!(chrono::DateTime::parse_from_rfc3339(value["time"].as_str().unwrap()).is_ok());
    }
}

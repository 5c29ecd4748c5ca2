//! The committed OpenAPI document is the contract: it must match what the service serves.

use serde_json::Value;

fn committed_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi/openapi.json")
}

/// Fails when `openapi/openapi.json` is stale. `UPDATE_OPENAPI=1 cargo test` rewrites it.
#[test]
fn committed_document_is_current() {
    let generated = thidua::openapi_document().to_pretty_json().unwrap() + "\n";
    let path = committed_path();
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi/openapi.json is stale: run `UPDATE_OPENAPI=1 cargo test --test api openapi` and commit it"
    );
}

/// Fails when `docs/EVENTS.md` is not the catalogue the service sends by.
/// `UPDATE_EVENTS=1 cargo test --test api events` rewrites it.
#[test]
fn committed_events_catalogue_is_current() {
    let generated = thidua::api::events::catalogue_markdown();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/EVENTS.md");
    if std::env::var_os("UPDATE_EVENTS").is_some() {
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/EVENTS.md is stale: run `UPDATE_EVENTS=1 cargo test --test api events` and commit it"
    );
}

fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            ops.push((method.to_uppercase(), path.clone(), op.clone()));
        }
    }
    ops
}

/// Every operation is either declared public or guarded by the bearer scheme, and
/// documents its errors as problem+json.
#[test]
fn every_operation_declares_security_and_errors() {
    let doc: Value = serde_json::from_str(&thidua::openapi_document().to_json().unwrap()).unwrap();
    let public = [
        "/healthz",
        "/readyz",
        "/api/v1/auth/login",
        "/api/v1/auth/refresh",
        "/api/v1/auth/token",
    ];
    for (method, path, op) in operations(&doc) {
        let security = op["security"]
            .as_array()
            .unwrap_or_else(|| panic!("{method} {path}: no security"));
        let is_public = security
            .iter()
            .all(|s| s.as_object().is_some_and(|o| o.is_empty()));
        assert_eq!(
            is_public,
            public.contains(&path.as_str()) || path.starts_with("/api/v1/public/"),
            "{method} {path}: public or guarded"
        );
        assert!(op["summary"].is_string(), "{method} {path}: summary");
        let responses = op["responses"].as_object().unwrap();
        for (status, response) in responses {
            // The token endpoint answers OAuth's errors as RFC 6749 §5.2 says: JSON.
            let oauth = path == "/api/v1/auth/token" && (status == "400" || status == "401");
            if (status.starts_with('4') || status.starts_with('5')) && !oauth {
                assert!(
                    response["content"]["application/problem+json"].is_object(),
                    "{method} {path} {status}: problem+json body"
                );
            }
        }
        if !is_public {
            assert!(responses.contains_key("401"), "{method} {path}: 401");
        }
        if path.contains("{id}") {
            assert!(responses.contains_key("404"), "{method} {path}: 404");
        }
        if method == "PATCH"
            || path.ends_with("/archive")
            || path.ends_with("/password") && path.contains("{id}")
        {
            assert!(
                responses.contains_key("412") && responses.contains_key("428"),
                "{method} {path}: 412 and 428"
            );
        }
    }
}

/// What a linter (Redocly's recommended rules, run by `.ci/openapi`) and a client
/// generator need: one `operationId` per operation, in camelCase and unique; a
/// `description` on every response; `servers`; every tag used declared, with its
/// Vietnamese and English description; no component left unused.
#[test]
fn the_document_is_what_generators_need() {
    let doc: Value = serde_json::from_str(&thidua::openapi_document().to_json().unwrap()).unwrap();
    assert!(
        doc["servers"].as_array().is_some_and(|s| !s.is_empty()),
        "servers"
    );
    let declared: std::collections::HashMap<&str, &str> = doc["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["name"].as_str().unwrap(),
                t["description"].as_str().unwrap(),
            )
        })
        .collect();
    for (name, description) in &declared {
        assert!(
            description.contains(" — "),
            "tag {name}: \"Vietnamese — English\" description"
        );
    }
    let mut ids = std::collections::HashSet::new();
    for (method, path, op) in operations(&doc) {
        let id = op["operationId"]
            .as_str()
            .unwrap_or_else(|| panic!("{method} {path}: operationId"));
        assert!(
            id.chars().next().is_some_and(|c| c.is_ascii_lowercase())
                && id.chars().all(|c| c.is_ascii_alphanumeric()),
            "{method} {path}: operationId {id} in camelCase"
        );
        assert!(
            ids.insert(id.to_string()),
            "{method} {path}: operationId {id} twice"
        );
        for tag in op["tags"].as_array().unwrap() {
            assert!(
                declared.contains_key(tag.as_str().unwrap()),
                "{method} {path}: tag {tag} not declared"
            );
        }
        for (status, response) in op["responses"].as_object().unwrap() {
            assert!(
                response["description"]
                    .as_str()
                    .is_some_and(|d| !d.is_empty()),
                "{method} {path} {status}: description"
            );
        }
    }
    let text = doc.to_string();
    for name in doc["components"]["schemas"].as_object().unwrap().keys() {
        assert!(
            text.contains(&format!("\"#/components/schemas/{name}\"")),
            "component {name} is never used"
        );
    }
}

/// Holds an answer to the committed document's component `name`: every field it sends is
/// a documented property and every required property is sent, through `$ref`s, arrays and
/// nullable unions. Types and formats are left to schemathesis; this catches a body whose
/// documented shape is another type's (two types of one name share one component).
pub fn assert_documented(name: &str, body: &Value) {
    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(committed_path()).unwrap()).unwrap();
    let schema = doc["components"]["schemas"][name].clone();
    assert!(schema.is_object(), "no component {name}");
    check_against(&doc, &schema, body, name);
}

fn check_against(doc: &Value, schema: &Value, body: &Value, at: &str) {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.trim_start_matches("#/components/schemas/");
        return check_against(doc, &doc["components"]["schemas"][name], body, at);
    }
    if body.is_null() {
        return;
    }
    for union in ["oneOf", "anyOf", "allOf"] {
        if let Some(options) = schema[union].as_array() {
            // A nullable reference is `oneOf: [null, {$ref}]`: hold the value to the
            // option that is not `null`.
            let real: Vec<&Value> = options.iter().filter(|o| o["type"] != "null").collect();
            if let [only] = real.as_slice() {
                return check_against(doc, only, body, at);
            }
            return;
        }
    }
    match body {
        Value::Object(fields) if schema["properties"].is_object() => {
            let properties = schema["properties"].as_object().unwrap();
            for (key, value) in fields {
                let property = properties
                    .get(key)
                    .unwrap_or_else(|| panic!("{at}.{key} is sent but not documented"));
                check_against(doc, property, value, &format!("{at}.{key}"));
            }
            for required in schema["required"].as_array().into_iter().flatten() {
                let key = required.as_str().unwrap();
                assert!(
                    fields.contains_key(key),
                    "{at}.{key} is required but not sent"
                );
            }
        }
        Value::Array(items) if schema["items"].is_object() => {
            for (i, item) in items.iter().enumerate() {
                check_against(doc, &schema["items"], item, &format!("{at}[{i}]"));
            }
        }
        _ => {}
    }
}

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
            if status.starts_with('4') || status.starts_with('5') {
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

fn main() {
    // New migration folders must re-embed the migrations.
    println!("cargo:rerun-if-changed=migrations");
    // The PostgreSQL variants of the HTTP tests run only when a server is configured; the
    // `thidua_pg_tests` flag marks them ignored otherwise, so a run without one does not
    // report them as passed (tests/api/harness.rs, `db_tests!`).
    println!("cargo::rerun-if-env-changed=THIDUA_TEST_DATABASE_URL");
    println!("cargo::rustc-check-cfg=cfg(thidua_pg_tests)");
    if std::env::var_os("THIDUA_TEST_DATABASE_URL").is_some_and(|v| !v.is_empty()) {
        println!("cargo::rustc-cfg=thidua_pg_tests");
    }
}

fn main() {
    // New migration folders must re-embed the migrations.
    println!("cargo:rerun-if-changed=migrations");
}

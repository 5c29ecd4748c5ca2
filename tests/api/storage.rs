//! Attachments in S3-compatible object storage, through the same interface as the local
//! directory: tested against moto's S3 server when one is installed (`.ci/run` installs it;
//! `THIDUA_TEST_MOTO` names its `moto_server`, else it is looked up on PATH).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use actix_web::http::StatusCode;

use crate::fixtures::Evidence;
use crate::harness::TestApp;
use crate::work::{PDF, multipart, work};

struct Moto {
    child: Child,
    port: u16,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Makes a bucket with one plain request (moto takes it unsigned); returns the status.
fn make_bucket(port: u16, bucket: &str) -> u16 {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        stream,
        "PUT /{bucket} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

fn start_moto() -> Option<Moto> {
    let program = std::env::var("THIDUA_TEST_MOTO").unwrap_or_else(|_| "moto_server".into());
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(&program)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let moto = Moto { child, port };
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "moto did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    Some(moto)
}

#[actix_web::test]
async fn attachments_live_in_object_storage() {
    let Some(moto) = start_moto() else {
        eprintln!("skipped: no moto_server (pip install 'moto[server]', or set THIDUA_TEST_MOTO)");
        return;
    };
    assert_eq!(make_bucket(moto.port, "thidua-files"), 200, "bucket made");
    let app = TestApp::sqlite_with(&[
        ("THIDUA_FILE_STORE", "s3://thidua-files".into()),
        ("AWS_ENDPOINT", format!("http://127.0.0.1:{}", moto.port)),
        ("AWS_ALLOW_HTTP", "true".into()),
        ("AWS_REGION", "us-east-1".into()),
        ("AWS_ACCESS_KEY_ID", "testing".into()),
        ("AWS_SECRET_ACCESS_KEY", "testing".into()),
    ])
    .await;
    let w = work(&app).await;
    let id = Evidence::of_unit(&w.count, &w.division_a)
        .value(3)
        .measured_on("2026-10-31")
        .description("Báo cáo tháng 10")
        .recorded(&app, &w.manager_a)
        .await;
    let (ct, body) = multipart("file", "Báo cáo tháng 10.pdf", "application/pdf", PDF);
    let res = app
        .post(&format!("/api/v1/evidence/{id}/files"))
        .token(&w.manager_a)
        .raw(&ct, body)
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let file_id = res.body["files"][0]["id"].as_str().unwrap().to_string();

    // Kept in the bucket under its SHA-256, nothing in the data directory.
    let sha = thidua::domain::files::sha256_hex(PDF);
    let bucket = object_store::aws::AmazonS3Builder::new()
        .with_bucket_name("thidua-files")
        .with_endpoint(format!("http://127.0.0.1:{}", moto.port))
        .with_allow_http(true)
        .with_region("us-east-1")
        .with_access_key_id("testing")
        .with_secret_access_key("testing")
        .build()
        .unwrap();
    let key = object_store::path::Path::from(format!("{}/{sha}", &sha[..2]));
    let stored = object_store::ObjectStoreExt::get(&bucket, &key)
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(stored.as_ref(), PDF);
    assert!(!app.state.config.data_dir.join("files").exists());

    // And served back from there.
    let res = app
        .get(&format!("/api/v1/evidence/{id}/files/{file_id}"))
        .token(&w.manager_a)
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.bytes, PDF);

    // Storage that cannot be reached answers 503, and the evidence keeps its one file.
    drop(moto);
    let (ct, body) = multipart(
        "file",
        "khac.pdf",
        "application/pdf",
        &[PDF, b"\n%%khac"].concat(),
    );
    let res = app
        .post(&format!("/api/v1/evidence/{id}/files"))
        .token(&w.manager_a)
        .raw(&ct, body)
        .await;
    res.problem(503, "unavailable");
    let read = app
        .get(&format!("/api/v1/evidence/{id}"))
        .token(&w.manager_a)
        .await;
    assert_eq!(read.body["files"].as_array().unwrap().len(), 1);
}

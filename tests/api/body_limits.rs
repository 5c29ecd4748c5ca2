//! A body is read only as far as its route takes it from its caller, and only after the
//! caller is known and allowed: large bodies from those who may not send them are refused
//! before the server reads them, with or without an `Idempotency-Key`.

use actix_web::http::StatusCode;

use crate::db_tests;
use crate::fixtures::Evidence;
use crate::harness::{ServerProcess, Streamed, TestApp, post_streamed, post_streamed_after};

db_tests!(
    large_bodies_are_refused_before_they_are_read,
    four_large_posts_from_a_member_do_not_move_the_servers_memory,
    a_form_holds_little_beside_its_file,
);

const MIB: usize = 1024 * 1024;
/// What an attacker sends: under the import limit (64 MiB) and the old buffer (65 MiB).
const LARGE: usize = 60 * MIB;
/// The most a refused body may have been sent of before the answer: what the route reads
/// (1 MiB of JSON at most) and a piece more, far from `LARGE`.
const READ_BEFORE_REFUSAL: usize = 2 * MIB;

/// An officer and a member (no import right, no staff record) of one province.
async fn officer_and_member(app: &TestApp) -> (String, String) {
    let admin = app.admin().await;
    let province = app.unit(&admin, "T", "Tỉnh Nghệ An", None).await;
    let officer = app
        .user(&admin, "canbo", &["officer"], Some(&province))
        .await;
    let member = app
        .user(&admin, "thanhvien", &["member"], Some(&province))
        .await;
    (officer, member)
}

/// A member's large POST, with or without a key, sent with a length or in chunks.
async fn large_post(
    base: &str,
    member: &str,
    path: &str,
    content_type: &str,
    key: Option<&str>,
    chunked: bool,
) -> Streamed {
    let bearer = format!("Bearer {member}");
    let mut headers = vec![
        ("Authorization", bearer.as_str()),
        ("Content-Type", content_type),
    ];
    if let Some(key) = key {
        headers.push(("Idempotency-Key", key));
    }
    post_streamed(base, path, &headers, LARGE, chunked).await
}

fn assert_refused_unread(res: &Streamed, status: u16, code: &str, what: &str) {
    assert_eq!(res.status, status, "{what}: {}", res.body);
    assert_eq!(res.body["code"], code, "{what}: {}", res.body);
    assert!(
        res.sent_before_answer <= READ_BEFORE_REFUSAL,
        "{what}: {:.1} MiB of the body were sent before the answer",
        res.mib_sent()
    );
}

async fn large_bodies_are_refused_before_they_are_read(app: &TestApp) {
    let (officer, member) = officer_and_member(app).await;
    let import =
        "/api/v1/learning-records/import?criterion_id=019ab0a4-8c3d-7e2f-9a10-2b3c4d5e6f70";
    let cases = [
        // The import route: its 64 MiB are for those who may import.
        (
            import,
            "text/csv",
            Some("import-1"),
            false,
            403,
            "forbidden",
        ),
        (import, "text/csv", Some("import-2"), true, 403, "forbidden"),
        (import, "text/csv", None, false, 403, "forbidden"),
        (import, "text/csv", None, true, 403, "forbidden"),
        // A JSON route: 1 MiB, before anything is buffered.
        (
            "/api/v1/org-units",
            "application/json",
            Some("json-1"),
            false,
            413,
            "too_large",
        ),
        (
            "/api/v1/org-units",
            "application/json",
            Some("json-2"),
            true,
            413,
            "too_large",
        ),
        // Files: for those who may attach one (a member without a staff record may not),
        // and the record is checked before its file is read.
        (
            "/api/v1/evidence/019ab0a4-8c3d-7e2f-9a10-2b3c4d5e6f70/files",
            "multipart/form-data; boundary=x",
            Some("file-1"),
            true,
            403,
            "forbidden",
        ),
        (
            "/api/v1/evidence/019ab0a4-8c3d-7e2f-9a10-2b3c4d5e6f70/files",
            "multipart/form-data; boundary=x",
            None,
            true,
            404,
            "not_found",
        ),
    ];
    for (path, content_type, key, chunked, status, code) in cases {
        let res = large_post(&app.base, &member, path, content_type, key, chunked).await;
        let what = format!("{path} key={key:?} chunked={chunked}");
        assert_refused_unread(&res, status, code, &what);
    }

    // Whoever may import still sends more than 1 MiB with a key: read whole, then
    // answered (here: no such criterion).
    let mut csv = String::from("staff_code,course_code,completed_on\n");
    while csv.len() < 2 * MIB {
        csv.push_str("NA-0001,BDHVS-01,2026-05-20\n");
    }
    let res = app
        .post(import)
        .token(&officer)
        .header("Idempotency-Key", "import-by-an-officer")
        .raw("text/csv", csv)
        .await;
    res.invalid("criterion_id");
}

async fn four_large_posts_from_a_member_do_not_move_the_servers_memory(app: &TestApp) {
    let (_, member) = officer_and_member(app).await;
    let server = ServerProcess::start(app);
    // Warm up: the member's session is read, and a keyed POST runs, on the server.
    let warm = post_streamed(
        &server.base,
        "/api/v1/org-units",
        &[
            ("Authorization", &format!("Bearer {member}")),
            ("Content-Type", "application/json"),
            ("Idempotency-Key", "warm-up"),
        ],
        16,
        false,
    )
    .await;
    assert_eq!(warm.status, 400, "{}", warm.body);
    let before = server.memory_kib("VmHWM");

    let import =
        "/api/v1/learning-records/import?criterion_id=019ab0a4-8c3d-7e2f-9a10-2b3c4d5e6f70";
    let posts = [
        (import, "text/csv", Some("big-1"), false),
        (import, "text/csv", None, true),
        (
            "/api/v1/org-units",
            "application/json",
            Some("big-2"),
            false,
        ),
        ("/api/v1/org-units", "application/json", Some("big-3"), true),
    ];
    let answers =
        futures_util::future::join_all(posts.iter().map(|(path, content_type, key, chunked)| {
            large_post(&server.base, &member, path, content_type, *key, *chunked)
        }))
        .await;
    let after = server.memory_kib("VmHWM");
    // 240 MiB were sent at the server; it may hold a few more buffers than before, never
    // one of the bodies.
    let grown_mib = after.saturating_sub(before) as f64 / 1024.0;
    assert!(
        grown_mib < 16.0,
        "the server's peak memory grew by {grown_mib:.1} MiB (from {} to {} KiB)",
        before,
        after
    );
    for (res, (path, _, key, chunked)) in answers.iter().zip(&posts) {
        let expected = if path.starts_with("/api/v1/learning") {
            (403, "forbidden")
        } else {
            (StatusCode::PAYLOAD_TOO_LARGE.as_u16(), "too_large")
        };
        let what = format!("{path} key={key:?} chunked={chunked}");
        assert_refused_unread(res, expected.0, expected.1, &what);
    }
}

async fn a_form_holds_little_beside_its_file(app: &TestApp) {
    // One who may attach a file to this evidence sends a form whose other part never ends:
    // it is read up to the room a form has beside its file, not to the end.
    let w = crate::work::work(app).await;
    let id = Evidence::of_unit(&w.count, &w.division_a)
        .value(1)
        .recorded(app, &w.manager_a)
        .await;
    let bearer = format!("Bearer {}", w.manager_a);
    let headers = [
        ("Authorization", bearer.as_str()),
        ("Content-Type", "multipart/form-data; boundary=b"),
    ];
    let start = "--b\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\n";
    let path = format!("/api/v1/evidence/{id}/files");
    let res = post_streamed_after(&app.base, &path, &headers, start, LARGE, true).await;
    assert_refused_unread(&res, 413, "too_large", "a form part without end");
}

//! Verifiable award credentials: fetched by those who see the award, verified by anyone
//! without logging in, and any change, revocation or foreign key shows.

use actix_web::http::StatusCode;
use serde_json::{Value, json};

use thidua::domain::credentials::{IssuerKey, KEY_FILE, present};

use crate::db_tests;
use crate::fixtures::{Decision, revoke_decision};
use crate::harness::{Res, TestApp};
use crate::work::{Work, work};

db_tests!(
    an_award_credential_verifies_without_login_and_any_change_shows,
    a_revoked_decision_revokes_its_credentials,
    a_credential_signed_by_another_key_is_of_an_unknown_issuer,
    credentials_are_read_only_by_those_who_see_the_award,
    what_is_not_a_secured_credential_is_refused_naming_the_field,
    the_issuer_key_is_published_and_kept_in_the_data_directory,
);

const VERIFY: &str = "/api/v1/public/verify";

/// A yearly decision of the office for 2025, signed on 15 January 2026, with no
/// recipient yet.
fn decision(w: &Work, number: &str) -> Decision {
    Decision::of(&w.office, number, 2025)
        .decided_on("2026-01-15")
        .signer("Trần Văn Quyết")
        .occasion("annual")
}

/// The id of the award a decision gave `who` (a staff or unit id).
fn award_of(decision: &Res, who: &str) -> String {
    decision.body["awards"]
        .as_array()
        .expect("awards")
        .iter()
        .find(|a| a["staff_id"] == who || (a["staff_id"].is_null() && a["subject_unit_id"] == who))
        .and_then(|a| a["id"].as_str())
        .unwrap_or_else(|| panic!("no award for {who}: {}", decision.body))
        .to_string()
}

fn credential_path(award: &str) -> String {
    format!("/api/v1/awards/{award}/credential")
}

/// Fetches a credential and checks it is served as `application/vc`.
async fn fetch(app: &TestApp, token: &str, award: &str) -> Value {
    let res = app.get(&credential_path(award)).token(token).await;
    assert_eq!(res.status, StatusCode::OK, "credential: {}", res.body);
    assert_eq!(res.header("content-type"), Some("application/vc"));
    res.body
}

async fn verify(app: &TestApp, credential: &Value) -> Res {
    // No Authorization header: anyone verifies.
    let res = app.post(VERIFY).json(credential.clone()).await;
    assert_eq!(res.status, StatusCode::OK, "verify: {}", res.body);
    res
}

async fn an_award_credential_verifies_without_login_and_any_change_shows(app: &TestApp) {
    let w = work(app).await;
    let an = &w.staff_a[0];
    let decision = decision(&w, "70/QĐ-VP")
        .grant_staff("chien_si_thi_dua_co_so", an)
        .grant_unit("tap_the_lao_dong_tien_tien", &w.division_a)
        .made(app, &w.admin)
        .await;
    let award = award_of(&decision, an);
    let c = fetch(app, &w.officer, &award).await;

    let issuer = app.get("/api/v1/public/issuer").await;
    assert_eq!(issuer.status, StatusCode::OK);
    assert_eq!(c["@context"][0], "https://www.w3.org/ns/credentials/v2");
    assert_eq!(
        c["@context"][1],
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
    );
    assert_eq!(
        c["type"],
        json!(["VerifiableCredential", "OpenBadgeCredential"])
    );
    assert_eq!(c["id"], format!("urn:uuid:{award}"));
    assert_eq!(c["issuer"]["id"], issuer.body["id"]);
    assert_eq!(c["issuer"]["name"], "Văn phòng UBND tỉnh");
    assert_eq!(c["validFrom"], "2026-01-15T00:00:00+07:00");
    assert_eq!(c["name"], "Chiến sĩ thi đua cơ sở năm 2025");
    let subject = &c["credentialSubject"];
    assert_eq!(subject["name"], "Nguyễn Văn An");
    assert_eq!(subject["achievement"]["name"], "Chiến sĩ thi đua cơ sở");
    assert_eq!(subject["decision"]["number"], "70/QĐ-VP");
    assert_eq!(subject["decision"]["decidedOn"], "2026-01-15");
    assert_eq!(
        subject["decision"]["authority"],
        "Chánh Văn phòng UBND tỉnh"
    );
    assert_eq!(subject["decision"]["awardYear"], 2025);
    assert_eq!(subject["decision"]["periodFrom"], "2025-01-01");
    assert_eq!(c["proof"]["cryptosuite"], "eddsa-jcs-2022");
    assert_eq!(
        c["proof"]["verificationMethod"],
        issuer.body["assertionMethod"][0]
    );
    // Nothing that identifies the person beyond their name: no staff id, no account.
    let text = c.to_string();
    assert!(!text.contains(an.as_str()), "staff id in {text}");
    assert!(!text.contains("nv.an"), "account in {text}");

    // Offline: the did:key in the proof is enough to check the signature.
    let offline = present(c.clone()).expect("a secured credential");
    let signer = offline.signer().expect("the signature holds offline");
    assert_eq!(signer, app.state.issuer.verifying_key());

    let res = verify(app, &c).await;
    assert_eq!(res.body["status"], "valid", "{}", res.body);
    assert_eq!(res.body["award_id"], award.as_str());
    assert_eq!(res.body["issuer"], issuer.body["id"]);
    let checks: Vec<(&str, &str)> = res.body["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["check"].as_str().unwrap(), c["result"].as_str().unwrap()))
        .collect();
    assert_eq!(
        checks,
        [
            ("signature", "passed"),
            ("issuer", "passed"),
            ("revocation", "passed")
        ]
    );
    // Served again, the same bytes; as plain JSON for clients that ask for it.
    let again = app
        .get(&credential_path(&award))
        .token(&w.member_a)
        .header("Accept", "application/json")
        .await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.header("content-type"), Some("application/json"));
    assert_eq!(again.body, c);
    // As application/vc, the media type of the credential itself.
    let posted = app.post(VERIFY).raw("application/vc", c.to_string()).await;
    assert_eq!(posted.body["status"], "valid", "{}", posted.body);
    // In whatever key order and spacing the holder's tools wrote it.
    let mut fields = c.as_object().unwrap().clone();
    let proof = fields.remove("proof").unwrap();
    let rest = serde_json::to_string_pretty(&fields).unwrap();
    let reordered = format!("{{\n  \"proof\": {proof},\n{}", &rest[2..]);
    let posted = app.post(VERIFY).raw("application/json", reordered).await;
    assert_eq!(posted.body["status"], "valid", "{}", posted.body);

    // One character of the name changed.
    let mut renamed = c.clone();
    renamed["credentialSubject"]["name"] = "Nguyễn Văn Ân".into();
    let res = verify(app, &renamed).await;
    assert_eq!(res.body["status"], "tampered");
    assert!(res.body.get("award_id").is_none(), "{}", res.body);
    // Another year.
    let mut moved = c.clone();
    moved["credentialSubject"]["decision"]["awardYear"] = 2024.into();
    assert_eq!(verify(app, &moved).await.body["status"], "tampered");
    // The proof changed.
    let mut reproved = c.clone();
    let value = reproved["proof"]["proofValue"]
        .as_str()
        .unwrap()
        .to_string();
    let flipped = if value.ends_with('A') { 'B' } else { 'A' };
    reproved["proof"]["proofValue"] = format!("{}{flipped}", &value[..value.len() - 1]).into();
    assert_eq!(verify(app, &reproved).await.body["status"], "tampered");
    let mut redated = c.clone();
    redated["proof"]["created"] = "2030-01-01T00:00:00Z".into();
    assert_eq!(verify(app, &redated).await.body["status"], "tampered");

    // The collective award names the unit.
    let unit_award = award_of(&decision, &w.division_a);
    let uc = fetch(app, &w.officer, &unit_award).await;
    assert_eq!(uc["credentialSubject"]["name"], "Phòng Tổng hợp");
    assert_eq!(
        uc["credentialSubject"]["achievement"]["name"],
        "Tập thể lao động tiên tiến"
    );
    assert_eq!(verify(app, &uc).await.body["status"], "valid");
}

async fn a_revoked_decision_revokes_its_credentials(app: &TestApp) {
    let w = work(app).await;
    let binh = &w.staff_a[1];
    let decision = decision(&w, "71/QĐ-VP")
        .grant_staff("lao_dong_tien_tien", binh)
        .made(app, &w.admin)
        .await;
    let award = award_of(&decision, binh);
    let c = fetch(app, &w.officer, &award).await;
    assert_eq!(verify(app, &c).await.body["status"], "valid");

    let res = revoke_decision(
        app,
        &w.admin,
        &decision.id(),
        "Phát hiện kê khai thành tích không trung thực",
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "revoke: {}", res.body);

    let res = verify(app, &c).await;
    assert_eq!(res.body["status"], "revoked", "{}", res.body);
    assert_eq!(res.body["award_id"], award.as_str());
    assert_eq!(res.body["checks"][2]["check"], "revocation");
    assert_eq!(res.body["checks"][2]["result"], "failed");
    // The reason stays with the decision: verifiers learn only that it was revoked.
    assert!(!res.body.to_string().contains("trung thực"), "{}", res.body);
    // No new credential is issued for it.
    app.get(&credential_path(&award))
        .token(&w.officer)
        .await
        .problem(409, "award_revoked");
}

async fn a_credential_signed_by_another_key_is_of_an_unknown_issuer(app: &TestApp) {
    let w = work(app).await;
    let an = &w.staff_a[0];
    let decision = decision(&w, "72/QĐ-VP")
        .grant_staff("chien_si_thi_dua_co_so", an)
        .made(app, &w.admin)
        .await;
    let c = fetch(app, &w.officer, &award_of(&decision, an)).await;
    let mut unsigned = c.clone();
    unsigned.as_object_mut().unwrap().remove("proof");
    let forger = IssuerKey::generate();

    // The same content, naming our DID as issuer, signed with another key.
    let forged = forger.sign(&unsigned, "2026-01-15T08:00:00Z").unwrap();
    let res = verify(app, &forged).await;
    assert_eq!(res.body["status"], "unknown_issuer", "{}", res.body);
    assert_eq!(res.body["checks"][0]["result"], "passed");
    assert_eq!(res.body["issuer"], forger.did());
    assert!(res.body.get("award_id").is_none(), "{}", res.body);

    // A credential of another issuer altogether.
    let mut theirs = unsigned.clone();
    theirs["issuer"]["id"] = forger.did().into();
    let res = verify(app, &forger.sign(&theirs, "2026-01-15T08:00:00Z").unwrap()).await;
    assert_eq!(res.body["status"], "unknown_issuer", "{}", res.body);

    // Our proof, with the verification method pointed at another key.
    let mut swapped = c.clone();
    swapped["proof"]["verificationMethod"] = forger.verification_method().into();
    assert_eq!(verify(app, &swapped).await.body["status"], "tampered");
}

async fn credentials_are_read_only_by_those_who_see_the_award(app: &TestApp) {
    let w = work(app).await;
    let (an, binh, dung) = (&w.staff_a[0], &w.staff_a[1], &w.staff_b[0]);
    let decision = decision(&w, "73/QĐ-VP")
        .grant_staff("lao_dong_tien_tien", an)
        .grant_staff("lao_dong_tien_tien", binh)
        .grant_staff("lao_dong_tien_tien", dung)
        .made(app, &w.admin)
        .await;
    let (own, colleague, other_unit) = (
        award_of(&decision, an),
        award_of(&decision, binh),
        award_of(&decision, dung),
    );
    // The head of division A: their division's awards, not division B's.
    fetch(app, &w.manager_a, &own).await;
    app.get(&credential_path(&other_unit))
        .token(&w.manager_a)
        .await
        .problem(404, "not_found");
    // A member: their own award only.
    fetch(app, &w.member_a, &own).await;
    app.get(&credential_path(&colleague))
        .token(&w.member_a)
        .await
        .problem(404, "not_found");
    // The office's officer sees both divisions.
    fetch(app, &w.officer, &other_unit).await;
    app.get(&credential_path("019ab0a4-f000-7000-8000-00000000dead"))
        .token(&w.admin)
        .await
        .problem(404, "not_found");
    // Fetching needs a login; verifying does not.
    let res = app.get(&credential_path(&own)).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
}

async fn what_is_not_a_secured_credential_is_refused_naming_the_field(app: &TestApp) {
    let res = app.post(VERIFY).json(json!({})).await;
    for field in ["@context", "type", "issuer", "credentialSubject", "proof"] {
        res.invalid(field);
    }
    app.post(VERIFY)
        .json(json!(["a", "list"]))
        .await
        .invalid("body");
    let credential = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": "did:example:1",
        "credentialSubject": {"name": "Nguyễn Văn An"},
        "proof": {
            "type": "DataIntegrityProof",
            "cryptosuite": "ecdsa-rdfc-2019",
            "created": "2026-01-15T08:00:00Z",
            "verificationMethod": "did:example:1#key-1",
            "proofPurpose": "assertionMethod",
            "proofValue": "z1111"
        }
    });
    app.post(VERIFY)
        .json(credential.clone())
        .await
        .invalid("proof.cryptosuite");
    let mut no_value = credential.clone();
    no_value["proof"]["cryptosuite"] = "eddsa-jcs-2022".into();
    no_value["proof"]
        .as_object_mut()
        .unwrap()
        .remove("proofValue");
    app.post(VERIFY)
        .json(no_value)
        .await
        .invalid("proof.proofValue");
    let mut not_vc = credential;
    not_vc["type"] = json!(["OpenBadgeCredential"]);
    app.post(VERIFY).json(not_vc).await.invalid("type");
    // Not JSON, or not a JSON type.
    app.post(VERIFY)
        .raw("application/json", "{\"proof\": ")
        .await
        .problem(400, "malformed_request");
    let res = app.post(VERIFY).raw("text/plain", "{}").await;
    assert_eq!(
        res.status,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "{}",
        res.body
    );
    // As large as any JSON body may be, and no larger.
    let huge = format!("{{\"x\": \"{}\"}}", "a".repeat(1024 * 1024));
    let res = app.post(VERIFY).raw("application/json", huge).await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", res.body);
}

async fn the_issuer_key_is_published_and_kept_in_the_data_directory(app: &TestApp) {
    let res = app.get("/api/v1/public/issuer").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let did = app.state.issuer.did();
    assert!(did.starts_with("did:key:z6Mk"), "{did}");
    assert_eq!(res.body["id"], did.as_str());
    let method = &res.body["verificationMethod"][0];
    assert_eq!(method["type"], "Multikey");
    assert_eq!(method["controller"], did.as_str());
    assert_eq!(
        method["publicKeyMultibase"],
        app.state.issuer.public_key_multibase()
    );
    assert_eq!(res.body["assertionMethod"][0], method["id"]);
    // The key file is what the service signs with: a restart reads the same key back.
    let dir = &app.state.config.data_dir;
    let reloaded = IssuerKey::load(dir).expect("key file");
    assert_eq!(reloaded.did(), did);
    let text = std::fs::read_to_string(dir.join(KEY_FILE)).unwrap();
    assert!(text.starts_with('z'), "multibase private key");
    assert!(
        !res.body.to_string().contains(text.trim()),
        "private key published"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join(KEY_FILE))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

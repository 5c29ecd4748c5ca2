//! Verifiable award credentials: `GET /api/v1/awards/{id}/credential` gives an award as a
//! signed W3C Verifiable Credential 2.0 (Open Badges 3.0), `POST /api/v1/public/verify`
//! tells anyone whether one is valid, tampered with, revoked or not ours, and
//! `GET /api/v1/public/issuer` publishes the issuer's keys.
//!
//! A credential is `application/vc` (VC 2.0 §6.3, the media type of a credential with an
//! embedded proof; it is JSON-LD, so any JSON reader reads it). Clients that ask for
//! `application/json` only get the same bytes under that type.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{FromRequest, HttpRequest, HttpResponse, dev::Payload, get, post, web};
use futures_util::StreamExt;
use futures_util::future::LocalBoxFuture;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::AppState;
use crate::api::extract::JSON_LIMIT;
use crate::app;
use crate::auth::Principal;
use crate::domain::credentials::{self, Checked, MEDIA_TYPE, Standing};
use crate::error::ApiError;

/// Whether the client asked for `application/json` and not for `application/vc`.
fn wants_plain_json(req: &HttpRequest) -> bool {
    let accept = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let types: Vec<String> = accept
        .split(',')
        .map(|t| {
            t.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .collect();
    types.iter().any(|t| t == "application/json") && !types.iter().any(|t| t == MEDIA_TYPE)
}

/// Get an award as a signed verifiable credential.
///
/// A W3C Verifiable Credential 2.0 of type `OpenBadgeCredential` (Open Badges 3.0) with an
/// embedded `DataIntegrityProof` (`eddsa-jcs-2022`). The issuer is a `did:key`, so the
/// holder can show it to anyone, who checks the signature without calling this service;
/// only revocation needs `POST /api/v1/public/verify`. It names the recipient, the award and
/// the decision, never a personal identification number, an email or an amount of money.
/// Answered as `application/vc`, or `application/json` when that is all `Accept` names.
/// Readable by whoever may read the award's subject (the person themself included).
#[utoipa::path(
    operation_id = "getAwardCredential",
    tag = "awards",
    params(("id" = String, Path, description = "Award id")),
    responses(
        (status = 200, description = "The signed credential", content(
            (serde_json::Value = "application/vc", example = json!(credential_example())),
            (serde_json::Value = "application/json")
        )),
        (status = 404, description = "No such award, or not visible to you"),
        (status = 409, description = "The award or its decision is revoked (`award_revoked`): no credential is issued for it"),
    )
)]
#[get("/{id}/credential")]
pub async fn credential(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let facts = super::read(&state.pool, move |conn| {
        app::credentials::issuable(conn, &principal, &id)
    })
    .await?;
    let document = app::credentials::issue(&facts, &state.issuer)?;
    let body = serde_json::to_vec(&document).map_err(ApiError::internal)?;
    let content_type = if wants_plain_json(&req) {
        "application/json"
    } else {
        MEDIA_TYPE
    };
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, HeaderValue::from_static(content_type)))
        .insert_header((header::VARY, HeaderValue::from_static("Accept")))
        .body(body))
}

/// Verify a credential (no login).
///
/// Post a credential as its holder gave it. `status` is `valid` (signed by one of this
/// issuer's keys, unchanged, and the award stands), `tampered` (the signature does not match
/// the content), `revoked` (genuine, but the award or its decision was revoked) or
/// `unknown_issuer` (not signed by a key of this issuer). `checks` lists each step. The
/// answer says nothing the credential does not already say. A body that is not a secured
/// credential (no `proof`, another cryptosuite, no `type`…) is a 422 naming the field.
#[utoipa::path(
    operation_id = "verifyCredential",
    tag = "public",
    request_body(content = serde_json::Value, content_type = "application/json",
        description = "The credential (`application/vc` or any `+json` type is accepted too)"),
    responses(
        (status = 200, description = "The credential's verdict, step by step", body = Verification, example = json!({
            "status": "valid",
            "checks": [
                {"check": "signature", "result": "passed", "message": "the eddsa-jcs-2022 signature matches the content"},
                {"check": "issuer", "result": "passed", "message": "signed with a published key of this issuer"},
                {"check": "revocation", "result": "passed", "message": "the award has not been revoked"}
            ],
            "award_id": "019ab0a4-f000-7000-8000-000000000001",
            "issuer": "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
        })),
        (status = 422, description = "Not a credential secured with an eddsa-jcs-2022 proof; `errors` names the field"),
    )
)]
#[post("/verify")]
pub async fn verify(
    state: web::Data<AppState>,
    CredentialBody(document): CredentialBody,
) -> Result<HttpResponse, ApiError> {
    let presented = credentials::present(document)?;
    // Canonicalising a large document takes a while: off the async workers, and without
    // holding a database connection.
    let keys = state.clone();
    let checked = web::block(move || presented.check(&keys.issuer))
        .await
        .map_err(ApiError::internal)?;
    let outcome: credentials::Verification = match checked {
        Checked::Decided(v) => v,
        Checked::Ours(pending) => {
            let standing: Option<Standing> = match pending.award_id().map(str::to_string) {
                Some(id) => {
                    super::read(&state.pool, move |conn| {
                        app::credentials::standing(conn, &id)
                    })
                    .await?
                }
                None => None,
            };
            pending.finish(standing)
        }
    };
    Ok(HttpResponse::Ok().json(Verification::from(outcome)))
}

/// The issuer's keys (no login).
///
/// The DID document of the `did:key` that signs credentials, its key as a `Multikey` with
/// `publicKeyMultibase`, so holders and verifiers can pin it.
#[utoipa::path(
    operation_id = "getIssuer",
    tag = "public",
    responses((status = 200, description = "The issuer's DID document and public key", body = DidDocument))
)]
#[get("/issuer")]
pub async fn issuer(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=3600"),
        ))
        .json(DidDocument::from(state.issuer.did_document()))
}

/// A posted credential: any JSON object, size-limited like every JSON body, and kept byte
/// for byte as sent (the shared `Json` extractor normalises text to NFC, which would change
/// what was signed).
pub struct CredentialBody(pub Value);

impl FromRequest for CredentialBody {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let checked = check_request(req);
        let mut payload = payload.take();
        Box::pin(async move {
            checked?;
            let mut body = Vec::new();
            while let Some(chunk) = payload.next().await {
                let chunk =
                    chunk.map_err(|e| ApiError::malformed(format!("cannot read the body: {e}")))?;
                if body.len() + chunk.len() > JSON_LIMIT {
                    return Err(ApiError::too_large(JSON_LIMIT));
                }
                body.extend_from_slice(&chunk);
            }
            serde_json::from_slice(&body)
                .map(CredentialBody)
                .map_err(|e| ApiError::malformed(format!("The body is not valid JSON: {e}")))
        })
    }
}

fn check_request(req: &HttpRequest) -> Result<(), ApiError> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if !(essence == "application/json" || essence == MEDIA_TYPE || essence.ends_with("+json")) {
        return Err(ApiError::unsupported_media_type("application/json"));
    }
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > JSON_LIMIT) {
        return Err(ApiError::too_large(JSON_LIMIT));
    }
    Ok(())
}

/// The example of the OpenAPI document: a credential as this service issues it.
fn credential_example() -> Value {
    serde_json::json!({
        "@context": [credentials::VC_CONTEXT, credentials::OB_CONTEXT],
        "id": "urn:uuid:019ab0a4-f000-7000-8000-000000000001",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Chiến sĩ thi đua cơ sở năm 2025",
        "description": "Chiến sĩ thi đua cơ sở tặng theo Quyết định số 70/QĐ-VP ngày 15/01/2026 của Chánh Văn phòng UBND tỉnh.",
        "issuer": {
            "id": "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
            "type": ["Profile"],
            "name": "Văn phòng UBND tỉnh"
        },
        "validFrom": "2026-01-15T00:00:00+07:00",
        "awardedDate": "2026-01-15T00:00:00+07:00",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "name": "Nguyễn Văn An",
            "identifier": [{"type": "IdentityObject", "identityType": "name", "hashed": false, "identityHash": "Nguyễn Văn An"}],
            "achievement": {
                "id": "urn:uuid:019ab0a4-c000-7000-8000-000000000001",
                "type": ["Achievement"],
                "achievementType": "Award",
                "name": "Chiến sĩ thi đua cơ sở",
                "description": "Danh hiệu thi đua cấp cơ sở; thẩm quyền tặng: Thủ trưởng cơ quan, đơn vị.",
                "criteria": {"narrative": "Đạt tiêu chuẩn danh hiệu thi đua “Chiến sĩ thi đua cơ sở” theo Luật Thi đua, khen thưởng số 06/2022/QH15; Nghị định số 152/2025/NĐ-CP; được xét duyệt và quyết định theo quy trình thi đua, khen thưởng."}
            },
            "decision": {
                "number": "70/QĐ-VP",
                "decidedOn": "2026-01-15",
                "authority": "Chánh Văn phòng UBND tỉnh",
                "awardYear": 2025,
                "occasion": "annual",
                "periodFrom": "2025-01-01",
                "periodTo": "2025-12-31"
            }
        },
        "proof": {
            "type": "DataIntegrityProof",
            "cryptosuite": "eddsa-jcs-2022",
            "created": "2026-01-15T08:30:00Z",
            "verificationMethod": "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
            "proofPurpose": "assertionMethod",
            "@context": [credentials::VC_CONTEXT, credentials::OB_CONTEXT],
            "proofValue": "z3P6rHMUaWG6e3Ac6xYFht8aEvoVXndgKTtEY8kzWYXzk8dKmAo2GJeZiJw4qoZ2PGp4ugdaHx3oQiLpeFBLDqP2M"
        }
    })
}

/// A DID document (W3C DID 1.0) listing the issuer's keys as Multikeys.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
    "id": "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
    "verificationMethod": [{
        "id": "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
        "type": "Multikey",
        "controller": "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
        "publicKeyMultibase": "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
    }],
    "assertionMethod": ["did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"]
}))]
pub struct DidDocument {
    #[serde(rename = "@context")]
    pub context: Vec<String>,
    pub id: String,
    #[serde(rename = "verificationMethod")]
    pub verification_method: Vec<VerificationMethod>,
    /// The keys that sign credentials.
    #[serde(rename = "assertionMethod")]
    pub assertion_method: Vec<String>,
}

impl From<credentials::DidDocument> for DidDocument {
    fn from(d: credentials::DidDocument) -> Self {
        let credentials::DidDocument {
            context,
            id,
            verification_method,
            assertion_method,
        } = d;
        DidDocument {
            context,
            id,
            verification_method: verification_method
                .into_iter()
                .map(VerificationMethod::from)
                .collect(),
            assertion_method,
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VerificationMethod {
    pub id: String,
    #[serde(rename = "type")]
    pub type_: String,
    pub controller: String,
    /// base58btc multibase of the multicodec Ed25519 public key (0xed01 + 32 bytes).
    #[serde(rename = "publicKeyMultibase")]
    pub public_key_multibase: String,
}

impl From<credentials::VerificationMethod> for VerificationMethod {
    fn from(m: credentials::VerificationMethod) -> Self {
        let credentials::VerificationMethod {
            id,
            type_,
            controller,
            public_key_multibase,
        } = m;
        VerificationMethod {
            id,
            type_,
            controller,
            public_key_multibase,
        }
    }
}

/// What a verification concludes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VerificationStatus {
    /// Signed by one of our keys, unchanged, and the award stands.
    Valid,
    /// The signature does not match the content: something was changed.
    Tampered,
    /// Genuine, but the award or its decision has been revoked.
    Revoked,
    /// Not signed by one of this issuer's keys.
    UnknownIssuer,
}

impl From<credentials::VerificationStatus> for VerificationStatus {
    fn from(s: credentials::VerificationStatus) -> Self {
        match s {
            credentials::VerificationStatus::Valid => VerificationStatus::Valid,
            credentials::VerificationStatus::Tampered => VerificationStatus::Tampered,
            credentials::VerificationStatus::Revoked => VerificationStatus::Revoked,
            credentials::VerificationStatus::UnknownIssuer => VerificationStatus::UnknownIssuer,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CheckResult {
    Passed,
    Failed,
    /// Not run, because an earlier check decided the answer.
    Skipped,
}

impl From<credentials::CheckResult> for CheckResult {
    fn from(r: credentials::CheckResult) -> Self {
        match r {
            credentials::CheckResult::Passed => CheckResult::Passed,
            credentials::CheckResult::Failed => CheckResult::Failed,
            credentials::CheckResult::Skipped => CheckResult::Skipped,
        }
    }
}

/// One step of a verification.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Check {
    /// `signature`, `issuer` or `revocation`.
    pub check: &'static str,
    pub result: CheckResult,
    pub message: String,
}

impl From<credentials::Check> for Check {
    fn from(c: credentials::Check) -> Self {
        let credentials::Check {
            check,
            result,
            message,
        } = c;
        Check {
            check,
            result: result.into(),
            message,
        }
    }
}

/// The outcome of verifying a credential.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Verification {
    pub status: VerificationStatus,
    pub checks: Vec<Check>,
    /// The award, when the credential is ours and intact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub award_id: Option<String>,
    /// The issuer DID the proof names, when it is a did:key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
}

impl From<credentials::Verification> for Verification {
    fn from(v: credentials::Verification) -> Self {
        let credentials::Verification {
            status,
            checks,
            award_id,
            issuer: issuer_did,
        } = v;
        Verification {
            status: status.into(),
            checks: checks.into_iter().map(Check::from).collect(),
            award_id,
            issuer: issuer_did,
        }
    }
}

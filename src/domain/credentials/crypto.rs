//! The cryptography of a credential, apart from what it says of an award: the issuer's
//! Ed25519 keys and their `did:key` and Multikey forms, the Data Integrity proof of the
//! `eddsa-jcs-2022` cryptosuite (W3C "Data Integrity EdDSA Cryptosuites v1.0"), and the
//! verification of a posted credential.
//!
//! The proof is computed as the cryptosuite says: the SHA-256 of the JCS (RFC 8785) form of
//! the proof options (the proof without `proofValue`, with the document's `@context`),
//! followed by the SHA-256 of the JCS form of the document without its proof; those 64
//! bytes are signed with Ed25519, and the signature is `proofValue` in base58btc multibase.
//! JCS sorts keys itself (by UTF-16 code units), so neither the order a client sends nor
//! the order serde_json keeps in memory ever reaches a signature.

use std::io::Write;
use std::path::Path;

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use rand::RngCore;
use serde::Serialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::VC_CONTEXT;
use crate::domain::{Error, FieldError};

pub const PROOF_TYPE: &str = "DataIntegrityProof";
pub const CRYPTOSUITE: &str = "eddsa-jcs-2022";
pub const PROOF_PURPOSE: &str = "assertionMethod";

/// The file in the data directory that holds the issuer's private key.
pub const KEY_FILE: &str = "issuer-ed25519.key";
/// Multicodec prefixes (varint) of an Ed25519 public key (0xed) and private key (0x1300).
const ED25519_PUB: [u8; 2] = [0xed, 0x01];
const ED25519_PRIV: [u8; 2] = [0x80, 0x26];

// Keys --------------------------------------------------------------------------------

/// The issuer's signing key. Its `Debug` shows only the public key.
pub struct IssuerKey {
    signing: SigningKey,
}

impl std::fmt::Debug for IssuerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuerKey")
            .field("did", &self.did())
            .finish()
    }
}

impl IssuerKey {
    pub fn from_seed(seed: &[u8; 32]) -> IssuerKey {
        IssuerKey {
            signing: SigningKey::from_bytes(seed),
        }
    }

    /// A new key from 32 random bytes.
    pub fn generate() -> IssuerKey {
        let mut seed = [0u8; 32];
        rand::rng().fill_bytes(&mut seed);
        IssuerKey::from_seed(&seed)
    }

    /// The key kept in `data_dir/issuer-ed25519.key`, created with mode 0600 on first start.
    /// Created with `create_new`, so instances starting together end up with the same key.
    pub fn load(data_dir: &Path) -> Result<IssuerKey, String> {
        let path = data_dir.join(KEY_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                return IssuerKey::from_multibase(text.trim()).ok_or_else(|| {
                    format!(
                        "{} does not hold an Ed25519 private key in multibase (z…)",
                        path.display()
                    )
                });
            }
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(format!("cannot read {}: {e}", path.display()));
            }
            Err(_) => {}
        }
        std::fs::create_dir_all(data_dir)
            .map_err(|e| format!("cannot create {}: {e}", data_dir.display()))?;
        let key = IssuerKey::generate();
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        match options.open(&path) {
            Ok(mut file) => file
                .write_all(format!("{}\n", key.private_key_multibase()).as_bytes())
                .and_then(|()| file.sync_all())
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?,
            // Another instance created it first: use theirs.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                return IssuerKey::load(data_dir);
            }
            Err(e) => return Err(format!("cannot create {}: {e}", path.display())),
        }
        Ok(key)
    }

    /// The private key as multibase (`z3u2…`: base58btc of 0x8026 + the 32-byte seed).
    fn private_key_multibase(&self) -> String {
        multibase(&ED25519_PRIV, self.signing.as_bytes())
    }

    pub fn from_multibase(text: &str) -> Option<IssuerKey> {
        let bytes = bs58::decode(text.strip_prefix('z')?).into_vec().ok()?;
        let seed: [u8; 32] = bytes.strip_prefix(&ED25519_PRIV)?.try_into().ok()?;
        Some(IssuerKey::from_seed(&seed))
    }

    pub fn verifying_key(&self) -> VerifyingKey {
        self.signing.verifying_key()
    }

    /// The public key as a Multikey `publicKeyMultibase` (`z6Mk…`).
    pub fn public_key_multibase(&self) -> String {
        public_key_multibase(&self.verifying_key())
    }

    /// `did:key:z6Mk…`, the issuer's identifier.
    pub fn did(&self) -> String {
        format!("did:key:{}", self.public_key_multibase())
    }

    /// `did:key:z6Mk…#z6Mk…`, the key that signs (the did:key method's only key).
    pub fn verification_method(&self) -> String {
        let mb = self.public_key_multibase();
        format!("did:key:{mb}#{mb}")
    }

    /// The public keys this issuer signs with, current first. One today; a rotation would
    /// keep the retired ones here so credentials they signed stay ours.
    pub fn public_keys(&self) -> Vec<VerifyingKey> {
        vec![self.verifying_key()]
    }

    pub fn is_ours(&self, key: &VerifyingKey) -> bool {
        self.public_keys().iter().any(|k| k == key)
    }

    /// Secures `document` (a JSON object without `proof`) with an `eddsa-jcs-2022` proof
    /// made at `created` (an XML Schema dateTime).
    pub fn sign(&self, document: &Value, created: &str) -> Result<Value, Error> {
        let Value::Object(unsecured) = document else {
            return Err(Error::internal("only a JSON object can be signed"));
        };
        let mut proof = Map::new();
        proof.insert("type".into(), PROOF_TYPE.into());
        proof.insert("cryptosuite".into(), CRYPTOSUITE.into());
        proof.insert("created".into(), created.into());
        proof.insert(
            "verificationMethod".into(),
            self.verification_method().into(),
        );
        proof.insert("proofPurpose".into(), PROOF_PURPOSE.into());
        if let Some(context) = unsecured.get("@context") {
            proof.insert("@context".into(), context.clone());
        }
        let data =
            hash_data(&proof_config(&proof, unsecured), unsecured).map_err(Error::internal)?;
        let signature = self.signing.sign(&data);
        proof.insert(
            "proofValue".into(),
            format!("z{}", bs58::encode(signature.to_bytes()).into_string()).into(),
        );
        let mut secured = unsecured.clone();
        secured.insert("proof".into(), Value::Object(proof));
        Ok(Value::Object(secured))
    }

    /// The DID document of the issuer's key, as the did:key method resolves it.
    pub fn did_document(&self) -> DidDocument {
        let did = self.did();
        let methods: Vec<VerificationMethod> = self
            .public_keys()
            .iter()
            .map(|k| {
                let mb = public_key_multibase(k);
                VerificationMethod {
                    id: format!("did:key:{mb}#{mb}"),
                    type_: "Multikey".into(),
                    controller: format!("did:key:{mb}"),
                    public_key_multibase: mb,
                }
            })
            .collect();
        let ids: Vec<String> = methods.iter().map(|m| m.id.clone()).collect();
        DidDocument {
            context: vec![
                "https://www.w3.org/ns/did/v1".into(),
                "https://w3id.org/security/multikey/v1".into(),
            ],
            id: did,
            verification_method: methods,
            assertion_method: ids,
        }
    }
}

fn multibase(prefix: &[u8; 2], key: &[u8; 32]) -> String {
    let mut bytes = Vec::with_capacity(34);
    bytes.extend_from_slice(prefix);
    bytes.extend_from_slice(key);
    format!("z{}", bs58::encode(bytes).into_string())
}

pub fn public_key_multibase(key: &VerifyingKey) -> String {
    multibase(&ED25519_PUB, key.as_bytes())
}

/// The Ed25519 key of a Multikey `z6Mk…` value; None for anything else.
pub fn parse_public_key_multibase(text: &str) -> Option<VerifyingKey> {
    let bytes = bs58::decode(text.strip_prefix('z')?).into_vec().ok()?;
    let key: [u8; 32] = bytes.strip_prefix(&ED25519_PUB)?.try_into().ok()?;
    VerifyingKey::from_bytes(&key).ok()
}

/// The key of a `did:key:z6Mk…#z6Mk…` verification method; None for anything else.
pub fn parse_did_key_method(method: &str) -> Option<VerifyingKey> {
    let (did, fragment) = method.split_once('#')?;
    let mb = did.strip_prefix("did:key:")?;
    if mb != fragment {
        return None;
    }
    parse_public_key_multibase(mb)
}

/// A DID document (W3C DID 1.0) listing the issuer's keys as Multikeys.
#[derive(Debug, Clone, Serialize)]
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

#[derive(Debug, Clone, Serialize)]
pub struct VerificationMethod {
    pub id: String,
    #[serde(rename = "type")]
    pub type_: String,
    pub controller: String,
    /// base58btc multibase of the multicodec Ed25519 public key (0xed01 + 32 bytes).
    #[serde(rename = "publicKeyMultibase")]
    pub public_key_multibase: String,
}

// The cryptosuite -----------------------------------------------------------------------

/// RFC 8785 canonical JSON.
pub fn canonical(value: &impl Serialize) -> Result<Vec<u8>, String> {
    serde_json_canonicalizer::to_vec(value).map_err(|e| e.to_string())
}

/// The proof configuration that is hashed: the proof options with the document's
/// `@context` (eddsa-jcs-2022 "Proof Configuration").
fn proof_config(options: &Map<String, Value>, unsecured: &Map<String, Value>) -> Value {
    let mut config = options.clone();
    config.remove("proofValue");
    match unsecured.get("@context") {
        Some(context) => config.insert("@context".into(), context.clone()),
        None => config.remove("@context"),
    };
    Value::Object(config)
}

/// SHA-256(JCS(proof config)) || SHA-256(JCS(document without proof)): what is signed.
fn hash_data(config: &Value, unsecured: &Map<String, Value>) -> Result<[u8; 64], String> {
    let mut data = [0u8; 64];
    data[..32].copy_from_slice(&Sha256::digest(canonical(config)?));
    data[32..].copy_from_slice(&Sha256::digest(canonical(unsecured)?));
    Ok(data)
}

// Verification --------------------------------------------------------------------------

/// What a verification concludes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckResult {
    Passed,
    Failed,
    /// Not run, because an earlier check decided the answer.
    Skipped,
}

/// One step of a verification.
#[derive(Debug, Clone)]
pub struct Check {
    /// `signature`, `issuer` or `revocation`.
    pub check: &'static str,
    pub result: CheckResult,
    pub message: String,
}

impl Check {
    fn new(check: &'static str, result: CheckResult, message: impl Into<String>) -> Check {
        Check {
            check,
            result,
            message: message.into(),
        }
    }
}

/// The outcome of verifying a credential.
#[derive(Debug, Clone)]
pub struct Verification {
    pub status: VerificationStatus,
    pub checks: Vec<Check>,
    /// The award, when the credential is ours and intact.
    pub award_id: Option<String>,
    /// The issuer DID the proof names, when it is a did:key.
    pub issuer: Option<String>,
}

/// Whether an award is still granted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    Active,
    Revoked,
}

/// A secured credential whose shape is checked: what its proof says, before any trust.
#[derive(Debug)]
pub struct Presented {
    unsecured: Map<String, Value>,
    options: Map<String, Value>,
    proof_value: String,
    verification_method: String,
}

fn required<'a>(
    map: &'a Map<String, Value>,
    prefix: &str,
    name: &str,
) -> Result<&'a Value, FieldError> {
    map.get(name).ok_or_else(|| FieldError {
        field: format!("{prefix}{name}"),
        code: "required".into(),
        message: format!("a credential has `{name}`"),
    })
}

fn string<'a>(
    map: &'a Map<String, Value>,
    prefix: &str,
    name: &str,
) -> Result<&'a str, FieldError> {
    required(map, prefix, name)?
        .as_str()
        .ok_or_else(|| FieldError {
            field: format!("{prefix}{name}"),
            code: "type".into(),
            message: format!("`{name}` must be a string"),
        })
}

fn bad(field: &str, code: &str, message: &str) -> FieldError {
    FieldError {
        field: field.into(),
        code: code.into(),
        message: message.into(),
    }
}

/// Reads a posted document as a secured credential: the fields a Verifiable Credential
/// must have, and one Data Integrity proof of the `eddsa-jcs-2022` suite. Anything else
/// is not something we can verify, and is named field by field.
pub fn present(document: Value) -> Result<Presented, Error> {
    let Value::Object(mut unsecured) = document else {
        return Err(Error::invalid(
            "body",
            "type",
            "a credential is a JSON object",
        ));
    };
    let mut errors = Vec::new();
    match unsecured.get("@context") {
        None => errors.push(bad("@context", "required", "a credential has `@context`")),
        Some(Value::Array(items)) if items.first() == Some(&Value::from(VC_CONTEXT)) => {}
        Some(_) => errors.push(bad(
            "@context",
            "format",
            "`@context` is a list that starts with https://www.w3.org/ns/credentials/v2",
        )),
    }
    match unsecured.get("type") {
        None => errors.push(bad("type", "required", "a credential has `type`")),
        Some(Value::Array(types)) if types.contains(&Value::from("VerifiableCredential")) => {}
        Some(_) => errors.push(bad(
            "type",
            "format",
            "`type` is a list that includes VerifiableCredential",
        )),
    }
    for name in ["issuer", "credentialSubject"] {
        if let Err(e) = required(&unsecured, "", name) {
            errors.push(e);
        }
    }
    let proof = match unsecured.remove("proof") {
        None => {
            errors.push(bad(
                "proof",
                "required",
                "the credential carries no proof to verify",
            ));
            None
        }
        Some(Value::Object(proof)) => Some(proof),
        Some(_) => {
            errors.push(bad(
                "proof",
                "type",
                "`proof` must be one Data Integrity proof object",
            ));
            None
        }
    };
    let mut parts = None;
    if let Some(mut options) = proof {
        let fields = || -> Result<(String, String), FieldError> {
            if string(&options, "proof.", "type")? != PROOF_TYPE {
                return Err(bad(
                    "proof.type",
                    "unsupported",
                    "only DataIntegrityProof proofs are verified here",
                ));
            }
            if string(&options, "proof.", "cryptosuite")? != CRYPTOSUITE {
                return Err(bad(
                    "proof.cryptosuite",
                    "unsupported",
                    "only the eddsa-jcs-2022 cryptosuite is verified here",
                ));
            }
            string(&options, "proof.", "proofPurpose")?;
            string(&options, "proof.", "created")?;
            let method = string(&options, "proof.", "verificationMethod")?.to_string();
            let value = string(&options, "proof.", "proofValue")?.to_string();
            Ok((method, value))
        };
        match fields() {
            Ok((verification_method, proof_value)) => {
                options.remove("proofValue");
                parts = Some((options, verification_method, proof_value));
            }
            Err(e) => errors.push(e),
        }
    }
    match parts {
        Some((options, verification_method, proof_value)) if errors.is_empty() => Ok(Presented {
            unsecured,
            options,
            proof_value,
            verification_method,
        }),
        _ => Err(Error::validation(errors)),
    }
}

impl Presented {
    /// The award a credential of ours is about: its `id` is `urn:uuid:<award id>`.
    fn award_id(&self) -> Option<String> {
        let id = self.unsecured.get("id")?.as_str()?;
        let uuid = uuid::Uuid::parse_str(id.strip_prefix("urn:uuid:")?).ok()?;
        Some(uuid.to_string())
    }

    fn issuer_id(&self) -> Option<&str> {
        match self.unsecured.get("issuer")? {
            Value::String(s) => Some(s),
            Value::Object(o) => o.get("id")?.as_str(),
            _ => None,
        }
    }

    /// Verifies the proof offline, against the did:key its `verificationMethod` names, as
    /// any holder or verifier can without asking us; gives the key that signed.
    pub fn signer(&self) -> Result<VerifyingKey, &'static str> {
        let key = parse_did_key_method(&self.verification_method)
            .ok_or("the verificationMethod is not an Ed25519 did:key")?;
        self.signature_holds(&key).map(|()| key)
    }

    /// Checks the proof (eddsa-jcs-2022 "Verify Proof") against the key it names.
    fn signature_holds(&self, key: &VerifyingKey) -> Result<(), &'static str> {
        let mut unsecured = self.unsecured.clone();
        if let Some(proof_context) = self.options.get("@context") {
            // The document's context must start with the proof's, in order.
            let starts = match (unsecured.get("@context"), proof_context) {
                (Some(Value::Array(doc)), Value::Array(proof)) => doc.starts_with(proof),
                (Some(doc), proof) => doc == proof,
                (None, _) => false,
            };
            if !starts {
                return Err("the document's @context does not start with the proof's");
            }
            unsecured.insert("@context".into(), proof_context.clone());
        }
        let bytes = self
            .proof_value
            .strip_prefix('z')
            .and_then(|v| bs58::decode(v).into_vec().ok())
            .ok_or("proofValue is not base58btc multibase")?;
        let bytes: [u8; 64] = bytes
            .try_into()
            .map_err(|_| "proofValue is not a 64-byte Ed25519 signature")?;
        let data = hash_data(&proof_config(&self.options, &unsecured), &unsecured)
            .map_err(|_| "the document cannot be canonicalised")?;
        key.verify_strict(&data, &Signature::from_bytes(&bytes))
            .map_err(|_| "the signature does not match the content")
    }

    /// Verifies the signature and the issuer, then asks `standing` about the award (only
    /// for an intact credential of ours, so nothing is looked up for anyone else's).
    pub fn verify<E>(
        &self,
        issuer: &IssuerKey,
        standing: impl FnOnce(&str) -> Result<Option<Standing>, E>,
    ) -> Result<Verification, E> {
        Ok(match self.check(issuer) {
            Checked::Decided(v) => v,
            Checked::Ours(pending) => {
                let found = match pending.award_id() {
                    Some(id) => standing(id)?,
                    None => None,
                };
                pending.finish(found)
            }
        })
    }

    /// The part of a verification that needs no database: the signature and the issuer.
    pub fn check(&self, issuer: &IssuerKey) -> Checked {
        use CheckResult::{Failed, Passed, Skipped};
        let key = parse_did_key_method(&self.verification_method);
        let did = key.map(|k| format!("did:key:{}", public_key_multibase(&k)));
        let mut checks = Vec::new();
        let decided = |status, checks| {
            Checked::Decided(Verification {
                status,
                checks,
                award_id: None,
                issuer: did.clone(),
            })
        };
        let Some(key) = key else {
            checks.push(Check::new(
                "signature",
                Skipped,
                "the verificationMethod is not an Ed25519 did:key, so its key is unknown",
            ));
            checks.push(Check::new(
                "issuer",
                Failed,
                "the credential is not signed with a key of this issuer",
            ));
            return decided(VerificationStatus::UnknownIssuer, checks);
        };
        if let Err(why) = self.signature_holds(&key) {
            checks.push(Check::new("signature", Failed, why));
            checks.push(Check::new("issuer", Skipped, "the content was changed"));
            checks.push(Check::new("revocation", Skipped, "the content was changed"));
            return decided(VerificationStatus::Tampered, checks);
        }
        checks.push(Check::new(
            "signature",
            Passed,
            "the eddsa-jcs-2022 signature matches the content",
        ));
        if !issuer.is_ours(&key) || self.issuer_id() != did.as_deref() {
            checks.push(Check::new(
                "issuer",
                Failed,
                "the credential is not signed with a key of this issuer",
            ));
            checks.push(Check::new(
                "revocation",
                Skipped,
                "only this issuer's credentials are looked up",
            ));
            return decided(VerificationStatus::UnknownIssuer, checks);
        }
        checks.push(Check::new(
            "issuer",
            Passed,
            "signed with a published key of this issuer",
        ));
        Checked::Ours(Pending {
            checks,
            award_id: self.award_id(),
            issuer: did,
        })
    }
}

/// A verification after its signature and issuer checks.
#[derive(Debug)]
pub enum Checked {
    /// Answered without asking the database.
    Decided(Verification),
    /// An intact credential of ours: its award's standing decides.
    Ours(Pending),
}

#[derive(Debug)]
pub struct Pending {
    checks: Vec<Check>,
    award_id: Option<String>,
    issuer: Option<String>,
}

impl Pending {
    /// The award the credential is about (`id` is `urn:uuid:<award id>`).
    pub fn award_id(&self) -> Option<&str> {
        self.award_id.as_deref()
    }

    /// The verification, given the award's standing (None: no such award).
    pub fn finish(mut self, standing: Option<Standing>) -> Verification {
        let (status, check) = match standing {
            Some(Standing::Active) => (
                VerificationStatus::Valid,
                Check::new(
                    "revocation",
                    CheckResult::Passed,
                    "the award has not been revoked",
                ),
            ),
            Some(Standing::Revoked) => (
                VerificationStatus::Revoked,
                Check::new(
                    "revocation",
                    CheckResult::Failed,
                    "the award or the decision granting it has been revoked",
                ),
            ),
            None => (
                VerificationStatus::Revoked,
                Check::new(
                    "revocation",
                    CheckResult::Failed,
                    "the issuer holds no record of this award any more",
                ),
            ),
        };
        self.checks.push(check);
        Verification {
            status,
            checks: self.checks,
            award_id: self.award_id,
            issuer: self.issuer,
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// The W3C key pair of the eddsa-jcs-2022 test vectors (vc-di-eddsa, TestVectors).
    const W3C_PRIVATE: &str = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq";
    const W3C_PUBLIC: &str = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2";

    fn w3c_document() -> Value {
        // Keys deliberately out of canonical order.
        json!({
            "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
            "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
            "type": ["VerifiableCredential", "AlumniCredential"],
            "name": "Alumni Credential",
            "description": "A minimum viable example of an Alumni Credential.",
            "issuer": "https://vc.example/issuers/5678",
            "validFrom": "2023-01-01T00:00:00Z",
            "credentialSubject": {"id": "did:example:abcdefgh", "alumniOf": "The School of Examples"}
        })
    }

    #[test]
    fn jcs_orders_keys_by_utf16_code_unit_whatever_order_they_come_in() {
        // A struct serialises its fields in declaration order, unsorted.
        #[derive(Serialize)]
        struct Unsorted {
            z: u8,
            #[serde(rename = "@context")]
            context: &'static str,
            a: [u8; 2],
        }
        assert_eq!(
            canonical(&Unsorted {
                z: 1,
                context: "c",
                a: [2, 3]
            })
            .unwrap(),
            br#"{"@context":"c","a":[2,3],"z":1}"#
        );
        let canon = String::from_utf8(canonical(&w3c_document()).unwrap()).unwrap();
        // canonDocJCS.txt of the W3C test vectors.
        assert_eq!(
            canon,
            r#"{"@context":["https://www.w3.org/ns/credentials/v2","https://www.w3.org/ns/credentials/examples/v2"],"credentialSubject":{"alumniOf":"The School of Examples","id":"did:example:abcdefgh"},"description":"A minimum viable example of an Alumni Credential.","id":"urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33","issuer":"https://vc.example/issuers/5678","name":"Alumni Credential","type":["VerifiableCredential","AlumniCredential"],"validFrom":"2023-01-01T00:00:00Z"}"#
        );
        // Vietnamese text stays as UTF-8, never escaped.
        assert_eq!(
            canonical(&json!({"b": 1, "a": "Chiến sĩ"})).unwrap(),
            "{\"a\":\"Chiến sĩ\",\"b\":1}".as_bytes()
        );
        // Sorted by UTF-16 code units, not by UTF-8 bytes as serde_json's map keeps them:
        // U+1F600 (a surrogate pair, 0xD83D…) comes before U+E000, though its UTF-8 form
        // sorts after.
        assert_eq!(
            canonical(&json!({"\u{E000}": 1, "\u{1F600}": 2})).unwrap(),
            "{\"\u{1F600}\":2,\"\u{E000}\":1}".as_bytes()
        );
    }

    #[test]
    fn keys_read_as_the_w3c_multibase_forms() {
        let key = IssuerKey::from_multibase(W3C_PRIVATE).unwrap();
        assert_eq!(key.private_key_multibase(), W3C_PRIVATE);
        assert_eq!(key.public_key_multibase(), W3C_PUBLIC);
        assert_eq!(key.did(), format!("did:key:{W3C_PUBLIC}"));
        assert_eq!(
            parse_did_key_method(&key.verification_method()),
            Some(key.verifying_key())
        );
        assert_eq!(
            parse_did_key_method(&format!("did:key:{W3C_PUBLIC}#other")),
            None
        );
        assert_eq!(
            parse_did_key_method("https://vc.example/issuers/5678#key-1"),
            None
        );
    }

    #[test]
    fn the_w3c_test_vector_hashes_and_signature_are_reproduced() {
        let key = IssuerKey::from_multibase(W3C_PRIVATE).unwrap();
        let signed = key.sign(&w3c_document(), "2023-02-24T23:36:38Z").unwrap();
        let proof = signed["proof"].as_object().unwrap().clone();
        let Value::Object(mut unsecured) = signed.clone() else {
            unreachable!()
        };
        unsecured.remove("proof");
        let config = proof_config(&proof, &unsecured);
        // proofCanonJCS.txt, proofHashJCS.txt and docHashJCS.txt.
        assert_eq!(
            String::from_utf8(canonical(&config).unwrap()).unwrap(),
            format!(
                r#"{{"@context":["https://www.w3.org/ns/credentials/v2","https://www.w3.org/ns/credentials/examples/v2"],"created":"2023-02-24T23:36:38Z","cryptosuite":"eddsa-jcs-2022","proofPurpose":"assertionMethod","type":"DataIntegrityProof","verificationMethod":"did:key:{W3C_PUBLIC}#{W3C_PUBLIC}"}}"#
            )
        );
        let data = hash_data(&config, &unsecured).unwrap();
        assert_eq!(
            hex::encode(data),
            "66ab154f5c2890a140cb8388a22a160454f80575f6eae09e5a097cabe539a1db\
             59b7cb6251b8991add1ce0bc83107e3db9dbbab5bd2c28f687db1a03abc92f19"
        );
        // A real signature from the vectors: signedJCS.json, whose verificationMethod is
        // an https URL rather than a did:key, verifies with the same algorithm.
        let mut w3c_signed = w3c_document();
        w3c_signed["proof"] = json!({
            "type": "DataIntegrityProof",
            "cryptosuite": "eddsa-jcs-2022",
            "created": "2023-02-24T23:36:38Z",
            "verificationMethod": format!("https://vc.example/issuers/5678#{W3C_PUBLIC}"),
            "proofPurpose": "assertionMethod",
            "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
            "proofValue": "z63t83Y53KfzJ5ZosfKTnqfMcKB2dmTrfjSaQjeNNjAD5srBowQfmWqeRb8rRjmeEuCBEsddF9LsVogtuTsijJKh4"
        });
        let presented = present(w3c_signed).unwrap();
        assert_eq!(presented.signature_holds(&key.verifying_key()), Ok(()));
        // Our own proof verifies too, and Ed25519 being deterministic, signing again gives
        // the same bytes.
        assert_eq!(
            present(signed.clone())
                .unwrap()
                .signature_holds(&key.verifying_key()),
            Ok(())
        );
        assert_eq!(
            key.sign(&w3c_document(), "2023-02-24T23:36:38Z").unwrap(),
            signed
        );
    }

    #[test]
    fn the_key_is_made_once_with_mode_0600_and_read_back_on_every_start() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("nested");
        let first = IssuerKey::load(&data).unwrap();
        let again = IssuerKey::load(&data).unwrap();
        assert_eq!(first.did(), again.did());
        let path = data.join(KEY_FILE);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // Another data directory, another key.
        let other = IssuerKey::load(&dir.path().join("other")).unwrap();
        assert_ne!(other.did(), first.did());
        // A damaged key file stops the start rather than being replaced.
        std::fs::write(&path, "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2\n").unwrap();
        assert!(IssuerKey::load(&data).unwrap_err().contains(KEY_FILE));
    }

    #[test]
    fn the_did_document_lists_the_signing_key_as_a_multikey() {
        let key = IssuerKey::from_multibase(W3C_PRIVATE).unwrap();
        let doc = serde_json::to_value(key.did_document()).unwrap();
        assert_eq!(doc["id"], format!("did:key:{W3C_PUBLIC}"));
        assert_eq!(doc["verificationMethod"][0]["type"], "Multikey");
        assert_eq!(
            doc["verificationMethod"][0]["publicKeyMultibase"],
            W3C_PUBLIC
        );
        assert_eq!(
            doc["assertionMethod"][0],
            format!("did:key:{W3C_PUBLIC}#{W3C_PUBLIC}")
        );
        assert!(!doc.to_string().contains(W3C_PRIVATE));
        assert!(!format!("{key:?}").contains(W3C_PRIVATE));
    }
}

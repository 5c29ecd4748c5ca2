//! Verifiable award credentials: every award as a W3C Verifiable Credential 2.0 in the
//! Open Badges 3.0 form, signed with the issuer's key (`crypto.rs`: the keys, the
//! `eddsa-jcs-2022` proof and its verification, which know nothing of awards).
//!
//! The issuer's Ed25519 key lives in the data directory. Its public half is published as a
//! `did:key`, which embeds the key itself: anyone holding a credential verifies it offline,
//! and only revocation needs asking us (`standing`).

mod crypto;

pub use crypto::{
    CRYPTOSUITE, Check, CheckResult, Checked, DidDocument, IssuerKey, KEY_FILE, PROOF_PURPOSE,
    PROOF_TYPE, Pending, Presented, Standing, Verification, VerificationMethod, VerificationStatus,
    canonical, parse_did_key_method, parse_public_key_multibase, present, public_key_multibase,
};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde_json::{Value, json};

use crate::db::AnyConnection;
use crate::db::schema::{award_decisions, award_types, awards, org_units};
use crate::domain::Error;
use crate::domain::award_types::{AwardKind, AwardLevel, AwardType, AwardTypeRow, rules_for};
use crate::ids::StaffId;
use crate::text::nfc;

/// The base context of every Verifiable Credential 2.0.
pub const VC_CONTEXT: &str = "https://www.w3.org/ns/credentials/v2";
/// The Open Badges 3.0 context (its 3.0.3 revision, the one written for VC 2.0).
pub const OB_CONTEXT: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
/// The media type of a Verifiable Credential, secured or not (VC 2.0 §6.3, IANA
/// `application/vc`, registered 2024-07-05); it is JSON-LD in compacted form.
pub const MEDIA_TYPE: &str = "application/vc";

/// Whether the award stands: revoked when it or its decision is.
pub fn standing(conn: &mut AnyConnection, award_id: &str) -> QueryResult<Option<Standing>> {
    let row: Option<(String, String)> = awards::table
        .inner_join(award_decisions::table)
        .filter(awards::id.eq(award_id))
        .select((awards::status, award_decisions::status))
        .first(conn)
        .optional()?;
    Ok(row.map(|(award, decision)| {
        if award == "revoked" || decision == "revoked" {
            Standing::Revoked
        } else {
            Standing::Active
        }
    }))
}

/// What a credential says about one award, read from the database.
#[derive(Debug, Clone)]
pub struct AwardFacts {
    pub award_id: String,
    pub status: String,
    pub recipient_name: String,
    /// Whether the recipient is a unit (tập thể) rather than a person.
    pub collective: bool,
    pub year: i32,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub occasion: String,
    pub created_at: NaiveDateTime,
    pub award_type: AwardType,
    pub decision_number: String,
    pub decided_on: NaiveDate,
    pub decision_authority: String,
    pub decision_status: String,
    pub award_year: i32,
    /// The unit that issued the decision.
    pub issuing_unit: String,
    /// The legal basis of the award's criteria (from the rule set in force).
    pub legal_source: Option<String>,
}

/// An award with what its credential needs, and the path and staff id that decide who
/// may read it.
pub fn award_facts(
    conn: &mut AnyConnection,
    award_id: &str,
) -> QueryResult<Option<(AwardFacts, String, Option<StaffId>)>> {
    type Row = (
        (
            String,
            String,
            Option<StaffId>,
            String,
            String,
            i32,
            NaiveDate,
            NaiveDate,
            String,
            NaiveDateTime,
        ),
        (String, NaiveDate, String, String, String, i32),
        AwardTypeRow,
    );
    let row: Option<Row> = awards::table
        .inner_join(award_decisions::table)
        .inner_join(award_types::table)
        .filter(awards::id.eq(award_id))
        .select((
            (
                awards::id,
                awards::status,
                awards::staff_id,
                awards::subject_unit_id,
                awards::recipient_name,
                awards::year,
                awards::period_from,
                awards::period_to,
                awards::occasion,
                awards::created_at,
            ),
            (
                award_decisions::number,
                award_decisions::decided_on,
                award_decisions::authority,
                award_decisions::status,
                award_decisions::org_unit_id,
                award_decisions::award_year,
            ),
            AwardTypeRow::as_select(),
        ))
        .first(conn)
        .optional()?;
    let Some((a, d, t)) = row else {
        return Ok(None);
    };
    let (id, status, staff_id, subject_unit_id, recipient_name, year, from, to, occasion, created) =
        a;
    let (number, decided_on, authority, decision_status, issuing_unit_id, award_year) = d;
    let subject_path: String = org_units::table
        .find(&subject_unit_id)
        .select(org_units::path)
        .get_result(conn)?;
    let issuing_unit: String = org_units::table
        .find(&issuing_unit_id)
        .select(org_units::name)
        .get_result(conn)?;
    let award_type = AwardType::try_from(t)?;
    let legal_source =
        rules_for(conn, &award_type.code, &subject_path, decided_on)?.map(|r| r.legal_source);
    let facts = AwardFacts {
        award_id: id,
        status,
        recipient_name,
        collective: staff_id.is_none(),
        year,
        period_from: from,
        period_to: to,
        occasion,
        created_at: created,
        award_type,
        decision_number: number,
        decided_on,
        decision_authority: authority,
        decision_status,
        award_year,
        issuing_unit,
        legal_source,
    };
    Ok(Some((facts, subject_path, staff_id)))
}

/// A calendar day as an instant: its start in Việt Nam (UTC+7).
fn day_start(day: NaiveDate) -> String {
    format!("{}T00:00:00+07:00", day.format("%Y-%m-%d"))
}

/// The law every award rests on when no rule set names it.
const DEFAULT_LEGAL_SOURCE: &str = "Luật Thi đua, khen thưởng số 06/2022/QH15";

/// The unsigned credential of an award (VC 2.0 + Open Badges 3.0). It names the recipient
/// and the decision, never a personal identification number, email or amount of money.
pub fn unsigned_credential(facts: &AwardFacts, issuer_did: &str) -> Value {
    let t = &facts.award_type;
    let what = match t.kind {
        AwardKind::Title => "Danh hiệu thi đua",
        AwardKind::Form => "Hình thức khen thưởng",
    };
    let level = match t.level {
        AwardLevel::Grassroots => "cấp cơ sở",
        AwardLevel::Province => "cấp tỉnh",
        AwardLevel::State => "cấp Nhà nước",
    };
    let decided = facts.decided_on.format("%d/%m/%Y");
    let legal = facts
        .legal_source
        .as_deref()
        .unwrap_or(DEFAULT_LEGAL_SOURCE);
    let narrative = format!(
        "Đạt tiêu chuẩn {} “{}” theo {}; được xét duyệt và quyết định theo quy trình thi đua, khen thưởng.",
        what.to_lowercase(),
        t.name,
        legal
    );
    let name = format!("{} năm {}", t.name, facts.year);
    let document = json!({
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": format!("urn:uuid:{}", facts.award_id),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": name,
        "description": format!(
            "{} tặng theo Quyết định số {} ngày {} của {}.",
            t.name, facts.decision_number, decided, facts.decision_authority
        ),
        "issuer": {
            "id": issuer_did,
            "type": ["Profile"],
            "name": facts.issuing_unit,
        },
        "validFrom": day_start(facts.decided_on),
        "awardedDate": day_start(facts.decided_on),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "name": facts.recipient_name,
            "identifier": [{
                "type": "IdentityObject",
                "identityType": "name",
                "hashed": false,
                "identityHash": facts.recipient_name,
            }],
            "achievement": {
                "id": format!("urn:uuid:{}", t.id),
                "type": ["Achievement"],
                "achievementType": "Award",
                "name": t.name,
                "description": format!("{what} {level}; thẩm quyền tặng: {}.", t.authority),
                "criteria": {"narrative": narrative},
            },
            "decision": {
                "number": facts.decision_number,
                "decidedOn": facts.decided_on.format("%Y-%m-%d").to_string(),
                "authority": facts.decision_authority,
                "awardYear": facts.award_year,
                "occasion": facts.occasion,
                "periodFrom": facts.period_from.format("%Y-%m-%d").to_string(),
                "periodTo": facts.period_to.format("%Y-%m-%d").to_string(),
            },
        },
    });
    normalized(document)
}

/// Every string as NFC, so a credential reads back byte for byte as it was signed.
fn normalized(value: Value) -> Value {
    match value {
        Value::String(s) => Value::String(nfc(&s)),
        Value::Array(items) => Value::Array(items.into_iter().map(normalized).collect()),
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (k, normalized(v))).collect())
        }
        other => other,
    }
}

/// The signed credential of an award. The proof's `created` is when the award was
/// recorded, so every fetch of an unchanged award gives the same bytes.
pub fn credential(facts: &AwardFacts, key: &IssuerKey) -> Result<Value, Error> {
    let unsigned = unsigned_credential(facts, &key.did());
    let created = facts.created_at.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    key.sign(&unsigned, &created)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> AwardFacts {
        use crate::domain::plans::{AwardSubject, Occasion};
        let at = chrono::NaiveDate::from_ymd_opt(2026, 1, 15)
            .unwrap()
            .and_hms_opt(8, 30, 0)
            .unwrap();
        AwardFacts {
            award_id: "019ab0a4-f000-7000-8000-000000000001".into(),
            status: "active".into(),
            recipient_name: "Nguyễn Văn An".into(),
            collective: false,
            year: 2025,
            period_from: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
            period_to: NaiveDate::from_ymd_opt(2025, 12, 31).unwrap(),
            occasion: "annual".into(),
            created_at: at,
            award_type: AwardType {
                id: "019ab0a4-c000-7000-8000-000000000001".into(),
                code: "chien_si_thi_dua_co_so".into(),
                name: "Chiến sĩ thi đua cơ sở".into(),
                kind: AwardKind::Title,
                subject: AwardSubject::Individual,
                level: AwardLevel::Grassroots,
                authority: "Thủ trưởng cơ quan, đơn vị".into(),
                occasions: vec![Occasion::Annual],
                cash_multiplier: 100,
                collective_doubles: false,
                rank: 20,
                active: true,
                version: 1,
                created_at: at,
                updated_at: at,
            },
            decision_number: "70/QĐ-VP".into(),
            decided_on: NaiveDate::from_ymd_opt(2026, 1, 15).unwrap(),
            decision_authority: "Chánh Văn phòng UBND tỉnh".into(),
            decision_status: "active".into(),
            award_year: 2025,
            issuing_unit: "Văn phòng UBND tỉnh".into(),
            legal_source: Some(
                "Luật Thi đua, khen thưởng số 06/2022/QH15; Nghị định số 152/2025/NĐ-CP".into(),
            ),
        }
    }

    fn verify(doc: Value, key: &IssuerKey, standing: Option<Standing>) -> Verification {
        present(doc)
            .unwrap()
            .verify(key, |_| Ok::<_, ()>(standing))
            .unwrap()
    }

    #[test]
    fn an_award_credential_is_an_open_badge_with_the_decision_and_no_personal_numbers() {
        let key = IssuerKey::generate();
        let c = credential(&facts(), &key).unwrap();
        assert_eq!(c["@context"], json!([VC_CONTEXT, OB_CONTEXT]));
        assert_eq!(
            c["type"],
            json!(["VerifiableCredential", "OpenBadgeCredential"])
        );
        assert_eq!(c["id"], "urn:uuid:019ab0a4-f000-7000-8000-000000000001");
        assert_eq!(c["issuer"]["id"], key.did());
        assert_eq!(c["issuer"]["name"], "Văn phòng UBND tỉnh");
        assert_eq!(c["validFrom"], "2026-01-15T00:00:00+07:00");
        let subject = &c["credentialSubject"];
        assert_eq!(subject["name"], "Nguyễn Văn An");
        assert_eq!(subject["achievement"]["name"], "Chiến sĩ thi đua cơ sở");
        assert_eq!(subject["achievement"]["achievementType"], "Award");
        assert!(
            subject["achievement"]["criteria"]["narrative"]
                .as_str()
                .unwrap()
                .contains("Nghị định số 152/2025/NĐ-CP")
        );
        assert_eq!(subject["decision"]["number"], "70/QĐ-VP");
        assert_eq!(subject["decision"]["decidedOn"], "2026-01-15");
        assert_eq!(subject["decision"]["periodTo"], "2025-12-31");
        let proof = &c["proof"];
        assert_eq!(proof["type"], "DataIntegrityProof");
        assert_eq!(proof["cryptosuite"], "eddsa-jcs-2022");
        assert_eq!(proof["proofPurpose"], "assertionMethod");
        assert_eq!(proof["verificationMethod"], key.verification_method());
        assert_eq!(proof["created"], "2026-01-15T08:30:00Z");
        let text = c.to_string();
        for absent in ["staff", "personal", "email", "cash", "@"] {
            let hits = text.matches(absent).count();
            // "@context" appears twice (document and proof); nothing else carries an @.
            let allowed = if absent == "@" { 2 } else { 0 };
            assert_eq!(hits, allowed, "{absent} in {text}");
        }
    }

    #[test]
    fn a_signed_credential_verifies_and_any_change_shows() {
        let key = IssuerKey::generate();
        let c = credential(&facts(), &key).unwrap();
        let v = verify(c.clone(), &key, Some(Standing::Active));
        assert_eq!(v.status, VerificationStatus::Valid, "{v:?}");
        assert_eq!(
            v.award_id.as_deref(),
            Some("019ab0a4-f000-7000-8000-000000000001")
        );
        assert_eq!(v.issuer, Some(key.did()));
        assert!(v.checks.iter().all(|c| c.result == CheckResult::Passed));

        let mut renamed = c.clone();
        renamed["credentialSubject"]["name"] = "Nguyễn Văn Ân".into();
        let v = verify(renamed, &key, Some(Standing::Active));
        assert_eq!(v.status, VerificationStatus::Tampered);
        assert_eq!(v.award_id, None);

        let mut redated = c.clone();
        redated["proof"]["created"] = "2026-01-16T08:30:00Z".into();
        assert_eq!(
            verify(redated, &key, Some(Standing::Active)).status,
            VerificationStatus::Tampered
        );

        let mut resigned = c.clone();
        let value = resigned["proof"]["proofValue"]
            .as_str()
            .unwrap()
            .to_string();
        let last = if value.ends_with('a') { "b" } else { "a" };
        resigned["proof"]["proofValue"] = format!("{}{last}", &value[..value.len() - 1]).into();
        assert_eq!(
            verify(resigned, &key, Some(Standing::Active)).status,
            VerificationStatus::Tampered
        );

        let mut garbled = c.clone();
        garbled["proof"]["proofValue"] = "not base58: 0OIl".into();
        assert_eq!(
            verify(garbled, &key, Some(Standing::Active)).status,
            VerificationStatus::Tampered
        );

        let mut extra = c.clone();
        extra["credentialSubject"]["decision"]["cash"] = 1_000_000.into();
        assert_eq!(
            verify(extra, &key, Some(Standing::Active)).status,
            VerificationStatus::Tampered
        );
    }

    #[test]
    fn a_revoked_award_and_a_forgotten_one_are_revoked() {
        let key = IssuerKey::generate();
        let c = credential(&facts(), &key).unwrap();
        let v = verify(c.clone(), &key, Some(Standing::Revoked));
        assert_eq!(v.status, VerificationStatus::Revoked);
        assert_eq!(v.checks.last().unwrap().result, CheckResult::Failed);
        assert_eq!(verify(c, &key, None).status, VerificationStatus::Revoked);
    }

    #[test]
    fn another_key_is_an_unknown_issuer_and_is_never_looked_up() {
        let ours = IssuerKey::generate();
        let theirs = IssuerKey::generate();
        let c = credential(&facts(), &theirs).unwrap();
        let v = present(c)
            .unwrap()
            .verify(&ours, |_| -> Result<Option<Standing>, ()> {
                panic!("another issuer's award was looked up")
            })
            .unwrap();
        assert_eq!(v.status, VerificationStatus::UnknownIssuer);
        assert_eq!(v.issuer, Some(theirs.did()));
        assert_eq!(v.award_id, None);

        // Signed by our key but naming another issuer: not ours either.
        let mut unsigned = unsigned_credential(&facts(), &theirs.did());
        unsigned["name"] = "x".into();
        let signed = ours.sign(&unsigned, "2026-01-15T08:30:00Z").unwrap();
        assert_eq!(
            verify(signed, &ours, Some(Standing::Active)).status,
            VerificationStatus::UnknownIssuer
        );

        // A key that is not a did:key cannot be ours.
        let mut c = credential(&facts(), &ours).unwrap();
        c["proof"]["verificationMethod"] = "https://example.org/keys#1".into();
        assert_eq!(
            verify(c, &ours, Some(Standing::Active)).status,
            VerificationStatus::UnknownIssuer
        );
    }

    #[test]
    fn what_is_not_a_secured_credential_is_refused_field_by_field() {
        let key = IssuerKey::generate();
        let c = credential(&facts(), &key).unwrap();
        let fields = |doc: Value| -> Vec<String> {
            present(doc)
                .unwrap_err()
                .field_errors()
                .iter()
                .map(|e| e.field.clone())
                .collect()
        };
        assert_eq!(fields(json!([1, 2])), ["body"]);
        assert_eq!(
            fields(json!({})),
            ["@context", "type", "issuer", "credentialSubject", "proof"]
        );
        let mut no_value = c.clone();
        no_value["proof"]
            .as_object_mut()
            .unwrap()
            .remove("proofValue");
        assert_eq!(fields(no_value), ["proof.proofValue"]);
        let mut suite = c.clone();
        suite["proof"]["cryptosuite"] = "ecdsa-rdfc-2019".into();
        assert_eq!(fields(suite), ["proof.cryptosuite"]);
        let mut set = c.clone();
        set["proof"] = json!([c["proof"].clone()]);
        assert_eq!(fields(set), ["proof"]);
        let mut typed = c;
        typed["type"] = json!(["OpenBadgeCredential"]);
        assert_eq!(fields(typed), ["type"]);
    }
}

//! Legal documents (căn cứ) plans are based on: each kept by a unit (or national), seen
//! below and above it, changed by its officers (national ones by admins).

use chrono::NaiveDate;

use crate::db::{AnyConnection, Tx};
use crate::domain::access::Principal;
use crate::domain::legal_documents::{
    self as docs, DocType, LegalDocument, LegalDocumentFields, LegalDocumentFilter,
    LegalDocumentSort,
};
use crate::domain::org_units::reference_owner;
use crate::domain::{Actor, Error, PageRequest, Sort, policy};
use crate::ids::OrgUnitId;

/// A document to record, kept by `owner_unit_id` (default: the caller's unit; none, i.e.
/// national, for an admin).
pub struct NewDocument {
    pub number: String,
    pub doc_type: DocType,
    pub issuer: String,
    pub issued_on: NaiveDate,
    pub title: String,
    pub url: Option<String>,
    pub owner_unit_id: Option<OrgUnitId>,
}

/// A document's corrections: each field left out (`None`) stays; `url: Some(None)`
/// clears it.
#[derive(Default)]
pub struct DocumentChanges {
    pub number: Option<String>,
    pub doc_type: Option<DocType>,
    pub issuer: Option<String>,
    pub issued_on: Option<NaiveDate>,
    pub title: Option<String>,
    pub url: Option<Option<String>>,
}

/// One page of the documents the caller sees.
pub fn list(
    conn: &mut AnyConnection,
    who: &Principal,
    filter: LegalDocumentFilter,
    sort: Sort<LegalDocumentSort>,
    page: PageRequest,
) -> Result<(Vec<LegalDocument>, i64), Error> {
    Ok(docs::list(conn, &who.scope, &filter, sort, page)?)
}

/// Record a document for a unit whose reference data the caller keeps.
pub fn create(
    tx: &mut Tx<'_>,
    who: &Principal,
    actor: &Actor,
    new: NewDocument,
) -> Result<LegalDocument, Error> {
    let fields = LegalDocumentFields {
        number: new.number.trim().to_string(),
        doc_type: new.doc_type,
        issuer: new.issuer.trim().to_string(),
        issued_on: new.issued_on,
        title: new.title.trim().to_string(),
        url: new.url,
    };
    let (owner, _) = reference_owner(tx, who, new.owner_unit_id.as_ref())?;
    docs::create(tx, actor, fields, owner.as_ref())
}

/// A document the caller sees.
pub fn get(conn: &mut AnyConnection, who: &Principal, id: &str) -> Result<LegalDocument, Error> {
    Ok(visible(conn, who, id)?.0)
}

/// Correct a document the caller keeps.
pub fn update(
    tx: &mut Tx<'_>,
    who: &Principal,
    actor: &Actor,
    id: &str,
    version: i64,
    changes: DocumentChanges,
) -> Result<LegalDocument, Error> {
    let (current, owner) = visible(tx, who, id)?;
    policy::ensure(policy::can_edit_owned_reference(who, owner.as_deref()))?;
    let mut f = current.fields();
    if let Some(v) = changes.number {
        f.number = v.trim().to_string();
    }
    if let Some(v) = changes.doc_type {
        f.doc_type = v;
    }
    if let Some(v) = changes.issuer {
        f.issuer = v.trim().to_string();
    }
    if let Some(v) = changes.issued_on {
        f.issued_on = v;
    }
    if let Some(v) = changes.title {
        f.title = v.trim().to_string();
    }
    if let Some(v) = changes.url {
        f.url = v;
    }
    docs::update(tx, actor, current, version, f)
}

/// A document the caller sees (404 otherwise), with the path of the unit that keeps it.
fn visible(
    conn: &mut AnyConnection,
    who: &Principal,
    id: &str,
) -> Result<(LegalDocument, Option<String>), Error> {
    let (doc, owner) =
        docs::find_with_owner(conn, id)?.ok_or_else(|| Error::not_found("legal document"))?;
    policy::ensure_visible(
        policy::can_read_owned_reference(who, owner.as_deref()),
        "legal document",
    )?;
    Ok((doc, owner))
}

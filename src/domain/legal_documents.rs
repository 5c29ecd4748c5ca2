//! Legal documents (văn bản căn cứ): the laws, resolutions and plans a plan is based on.

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::legal_documents;
use crate::db::{AnyConnection, Tx, contains_pattern};
use crate::domain::Error;
use crate::domain::access::Scope;
use crate::domain::audit::{self, ChangeAction, Resource, ResourceKind};
use crate::domain::org_units;
use crate::domain::{
    Actor, PageRequest, Sort, SortField, ensure_version, new_id, now, text_enum, year_range,
};
use crate::ids::OrgUnitId;
use crate::text::fold;

text_enum! {
    /// The type of a legal document.
    pub enum DocType {
        /// Luật.
        Luat => "luat",
        /// Nghị quyết.
        NghiQuyet => "nghi_quyet",
        /// Nghị định.
        NghiDinh => "nghi_dinh",
        /// Quyết định.
        QuyetDinh => "quyet_dinh",
        /// Chỉ thị.
        ChiThi => "chi_thi",
        /// Thông tư.
        ThongTu => "thong_tu",
        /// Kế hoạch.
        KeHoach => "ke_hoach",
        /// Công văn.
        CongVan => "cong_van",
        /// Anything else (hướng dẫn, thông báo…).
        Other => "other",
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = legal_documents)]
pub struct LegalDocument {
    pub id: String,
    pub number: String,
    pub doc_type: DocType,
    pub issuer: String,
    pub issued_on: NaiveDate,
    pub title: String,
    #[serde(skip)]
    pub search_text: String,
    pub url: Option<String>,
    pub version: i64,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
    /// The unit that keeps it (the one that entered it); none for a national document.
    pub owner_unit_id: Option<OrgUnitId>,
}

#[derive(Debug, Clone)]
pub struct LegalDocumentFields {
    pub number: String,
    pub doc_type: DocType,
    pub issuer: String,
    pub issued_on: NaiveDate,
    pub title: String,
    pub url: Option<String>,
}

impl LegalDocument {
    pub fn fields(&self) -> LegalDocumentFields {
        LegalDocumentFields {
            number: self.number.clone(),
            doc_type: self.doc_type,
            issuer: self.issuer.clone(),
            issued_on: self.issued_on,
            title: self.title.clone(),
            url: self.url.clone(),
        }
    }
}

fn search_text(f: &LegalDocumentFields) -> String {
    fold(&format!("{} {} {}", f.number, f.issuer, f.title))
}

pub fn find(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<LegalDocument>> {
    legal_documents::table
        .find(id)
        .select(LegalDocument::as_select())
        .get_result(conn)
        .optional()
}

/// A document is one by its number, issuer and date ("378/KH-UBND" of UBND tỉnh Nghệ An,
/// 22/5/2025) among those of one owner: a unit may record a decree the admins have not
/// made national without learning whether another province recorded it.
fn check_unique(
    conn: &mut AnyConnection,
    f: &LegalDocumentFields,
    owner_unit_id: Option<&OrgUnitId>,
    except: Option<&str>,
) -> Result<(), Error> {
    let mut q = legal_documents::table
        .filter(legal_documents::number.eq(f.number.clone()))
        .filter(legal_documents::issuer.eq(f.issuer.clone()))
        .filter(legal_documents::issued_on.eq(f.issued_on))
        .into_boxed();
    q = match owner_unit_id {
        Some(owner) => q.filter(legal_documents::owner_unit_id.eq(owner.clone())),
        None => q.filter(legal_documents::owner_unit_id.is_null()),
    };
    if let Some(id) = except {
        q = q.filter(legal_documents::id.ne(id.to_string()));
    }
    let n: i64 = q.count().get_result(conn)?;
    if n > 0 {
        return Err(Error::conflict_field(
            "number",
            "duplicate",
            "a document with this number, issuer and date exists",
        ));
    }
    Ok(())
}

/// The legal document and the path of the unit that keeps it (none: national).
pub fn find_with_owner(
    conn: &mut AnyConnection,
    id: &str,
) -> QueryResult<Option<(LegalDocument, Option<String>)>> {
    let Some(row) = find(conn, id)? else {
        return Ok(None);
    };
    let owner = org_units::path_of(conn, row.owner_unit_id.as_ref())?;
    Ok(Some((row, owner)))
}

/// Records a document kept by `owner_unit_id` (none: national).
pub fn create(
    tx: &mut Tx<'_>,
    actor: &Actor,
    f: LegalDocumentFields,
    owner_unit_id: Option<&OrgUnitId>,
) -> Result<LegalDocument, Error> {
    check_unique(tx, &f, owner_unit_id, None)?;
    let at = now();
    let doc: LegalDocument = diesel::insert_into(legal_documents::table)
        .values((
            legal_documents::id.eq(new_id()),
            legal_documents::search_text.eq(search_text(&f)),
            legal_documents::number.eq(&f.number),
            legal_documents::doc_type.eq(f.doc_type.as_str()),
            legal_documents::issuer.eq(&f.issuer),
            legal_documents::issued_on.eq(f.issued_on),
            legal_documents::title.eq(&f.title),
            legal_documents::url.eq(&f.url),
            legal_documents::version.eq(1),
            legal_documents::created_at.eq(at),
            legal_documents::updated_at.eq(at),
            legal_documents::owner_unit_id.eq(owner_unit_id),
        ))
        .returning(legal_documents::all_columns)
        .get_result(tx.conn())?;
    let resource = Resource {
        kind: ResourceKind::LegalDocument,
        id: doc.id.as_str(),
        version: doc.version,
    };
    audit::record_change(tx, actor, ChangeAction::Created, resource, None, Some(&doc))?;
    Ok(doc)
}

pub fn update(
    tx: &mut Tx<'_>,
    actor: &Actor,
    current: LegalDocument,
    expected_version: i64,
    f: LegalDocumentFields,
) -> Result<LegalDocument, Error> {
    ensure_version(current.version, expected_version)?;
    check_unique(tx, &f, current.owner_unit_id.as_ref(), Some(&current.id))?;
    let doc: LegalDocument = diesel::update(legal_documents::table.find(&current.id))
        .set((
            legal_documents::search_text.eq(search_text(&f)),
            legal_documents::number.eq(&f.number),
            legal_documents::doc_type.eq(f.doc_type.as_str()),
            legal_documents::issuer.eq(&f.issuer),
            legal_documents::issued_on.eq(f.issued_on),
            legal_documents::title.eq(&f.title),
            legal_documents::url.eq(&f.url),
            legal_documents::version.eq(current.version + 1),
            legal_documents::updated_at.eq(now()),
        ))
        .returning(legal_documents::all_columns)
        .get_result(tx.conn())?;
    let resource = Resource {
        kind: ResourceKind::LegalDocument,
        id: doc.id.as_str(),
        version: doc.version,
    };
    audit::record_change(
        tx,
        actor,
        ChangeAction::Updated,
        resource,
        Some(&current),
        Some(&doc),
    )?;
    Ok(doc)
}

#[derive(Debug, Clone, Default)]
pub struct LegalDocumentFilter {
    pub q: Option<String>,
    pub doc_type: Option<DocType>,
    pub year: Option<i32>,
    pub updated_since: Option<chrono::NaiveDateTime>,
}

#[derive(Debug, Clone, Copy)]
pub enum LegalDocumentSort {
    IssuedOn,
    Number,
    UpdatedAt,
}

impl SortField for LegalDocumentSort {
    const FIELDS: &'static [(&'static str, Self)] = &[
        ("issued_on", LegalDocumentSort::IssuedOn),
        ("number", LegalDocumentSort::Number),
        ("updated_at", LegalDocumentSort::UpdatedAt),
    ];
}

/// The documents a scope sees (national ones and those of units up and down its subtree).
pub fn list(
    conn: &mut AnyConnection,
    scope: &Scope,
    filter: &LegalDocumentFilter,
    sort: Sort<LegalDocumentSort>,
    page: PageRequest,
) -> QueryResult<(Vec<LegalDocument>, i64)> {
    let owners = org_units::seen_up_and_down(conn, scope)?;
    let query = || {
        let mut q = legal_documents::table.into_boxed();
        if let Some(ids) = &owners {
            q = q.filter(
                legal_documents::owner_unit_id
                    .is_null()
                    .or(legal_documents::owner_unit_id.eq_any(ids.clone())),
            );
        }
        if let Some(text) = filter.q.as_deref().map(fold).filter(|t| !t.is_empty()) {
            q = q.filter(
                legal_documents::search_text
                    .like(contains_pattern(&text))
                    .escape('\\'),
            );
        }
        if let Some(t) = filter.doc_type {
            q = q.filter(legal_documents::doc_type.eq(t.as_str()));
        }
        if let Some((first, last)) = filter.year.and_then(year_range) {
            q = q.filter(legal_documents::issued_on.between(first, last));
        }
        if let Some(since) = filter.updated_since {
            q = q.filter(legal_documents::updated_at.ge(since));
        }
        q
    };
    let total = query().count().get_result(conn)?;
    let q = match (sort.field, sort.descending) {
        (LegalDocumentSort::IssuedOn, false) => query().order(legal_documents::issued_on.asc()),
        (LegalDocumentSort::IssuedOn, true) => query().order(legal_documents::issued_on.desc()),
        (LegalDocumentSort::Number, false) => query().order(legal_documents::number.asc()),
        (LegalDocumentSort::Number, true) => query().order(legal_documents::number.desc()),
        (LegalDocumentSort::UpdatedAt, false) => query().order(legal_documents::updated_at.asc()),
        (LegalDocumentSort::UpdatedAt, true) => query().order(legal_documents::updated_at.desc()),
    };
    let items = q
        .then_order_by(legal_documents::id.asc())
        .offset(page.offset())
        .limit(page.per_page)
        .select(LegalDocument::as_select())
        .load(conn)?;
    Ok((items, total))
}

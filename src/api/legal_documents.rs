//! `/api/v1/legal-documents`: the documents plans are based on (căn cứ).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::AppState;
use crate::api::extract::{IfMatch, Json, Page, Query, actor, double_option, present, tagged};
use crate::api::list::{ListParams, SortQuery, check_year};
use crate::api::validate;
use crate::app;
use crate::auth::Principal;
use crate::domain::legal_documents::{
    DocType, LegalDocument, LegalDocumentFilter, LegalDocumentSort,
};
use crate::error::ApiError;
use crate::ids::OrgUnitId;

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019ab0a4-9d4e-7f30-8b21-3c4d5e6f7081", "number": "378/KH-UBND", "doc_type": "ke_hoach",
    "issuer": "Ủy ban nhân dân tỉnh Nghệ An", "issued_on": "2025-05-22",
    "title": "Triển khai Phong trào “Bình dân học vụ số”", "url": null,
    "owner_unit_id": "019ab0a4-1c2d-7e3f-8a4b-5c6d7e8f9a0b", "version": 1,
    "created_at": "2026-11-23T08:00:00Z", "updated_at": "2026-11-23T08:00:00Z"
}))]
pub struct LegalDocumentResponse {
    pub id: String,
    /// Number and symbol as written: "378/KH-UBND", "57-NQ/TW".
    pub number: String,
    pub doc_type: DocType,
    pub issuer: String,
    pub issued_on: NaiveDate,
    pub title: String,
    pub url: Option<String>,
    /// The unit that keeps it: seen below and above that unit, changed by its officers.
    /// Null for a national document, which every account sees and admins keep.
    pub owner_unit_id: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<LegalDocument> for LegalDocumentResponse {
    fn from(d: LegalDocument) -> Self {
        let LegalDocument {
            id,
            number,
            doc_type,
            issuer,
            issued_on,
            title,
            search_text: _,
            url,
            version,
            created_at,
            updated_at,
            owner_unit_id,
        } = d;
        LegalDocumentResponse {
            id,
            number,
            doc_type,
            issuer,
            issued_on,
            title,
            url,
            owner_unit_id: owner_unit_id.map(Into::into),
            version,
            created_at: created_at.and_utc(),
            updated_at: updated_at.and_utc(),
        }
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"number": "378/KH-UBND", "doc_type": "ke_hoach", "issuer": "Ủy ban nhân dân tỉnh Nghệ An", "issued_on": "2025-05-22", "title": "Triển khai Phong trào “Bình dân học vụ số”"}))]
pub struct CreateLegalDocument {
    #[validate(length(min = 1, max = 100), custom(function = "validate::text"))]
    #[schema(min_length = 1, max_length = 100)]
    pub number: String,
    pub doc_type: DocType,
    #[validate(length(min = 1, max = 300), custom(function = "validate::text"))]
    #[schema(min_length = 1, max_length = 300)]
    pub issuer: String,
    pub issued_on: NaiveDate,
    #[validate(length(min = 1, max = 1000), custom(function = "validate::text"))]
    #[schema(min_length = 1, max_length = 1000)]
    pub title: String,
    #[validate(url, length(max = 2000))]
    #[schema(max_length = 2000)]
    pub url: Option<String>,
    /// The unit that keeps it (its officers change it). Without it, the caller's own unit;
    /// for an admin, none: a national document.
    #[validate(custom(function = "validate::id"))]
    pub owner_unit_id: Option<String>,
}

#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "Về triển khai Phong trào “Bình dân học vụ số” trên địa bàn tỉnh Nghệ An"}))]
pub struct UpdateLegalDocument {
    #[serde(default, deserialize_with = "present")]
    #[validate(length(min = 1, max = 100), custom(function = "validate::text"))]
    #[schema(nullable = false, min_length = 1, max_length = 100)]
    pub number: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub doc_type: Option<DocType>,
    #[serde(default, deserialize_with = "present")]
    #[validate(length(min = 1, max = 300), custom(function = "validate::text"))]
    #[schema(nullable = false, min_length = 1, max_length = 300)]
    pub issuer: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub issued_on: Option<NaiveDate>,
    #[serde(default, deserialize_with = "present")]
    #[validate(length(min = 1, max = 1000), custom(function = "validate::text"))]
    #[schema(nullable = false, min_length = 1, max_length = 1000)]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(url, length(max = 2000))]
    #[schema(value_type = Option<String>, max_length = 2000)]
    pub url: Option<Option<String>>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LegalDocumentQuery {
    pub doc_type: Option<DocType>,
    /// Issued in this year.
    #[param(minimum = 1900, maximum = 2200)]
    pub year: Option<i32>,
}

/// List legal documents.
#[utoipa::path(
    operation_id = "listLegalDocuments",
    tag = "legal-documents",
    params(ListParams, SortQuery<LegalDocumentSort>, LegalDocumentQuery),
    responses((status = 200, description = "One page of legal documents, with the total", body = Page<LegalDocumentResponse>), (status = 422, description = "Invalid parameters"))
)]
#[get("")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    Query(params): Query<ListParams>,
    Query(sort): Query<SortQuery<LegalDocumentSort>>,
    Query(query): Query<LegalDocumentQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = params.page()?;
    let sort = sort.or(LegalDocumentSort::IssuedOn)?;
    let filter = LegalDocumentFilter {
        q: params.q(),
        doc_type: query.doc_type,
        year: check_year(query.year)?,
        updated_since: params.updated_since(),
    };
    let (items, total) = super::read(&state.pool, move |conn| {
        app::legal_documents::list(conn, &principal, filter, sort, page)
    })
    .await?;
    Ok(Page::of(items, total, page, LegalDocumentResponse::from).respond(&req))
}

/// Record a legal document.
#[utoipa::path(
    operation_id = "createLegalDocument",
    tag = "legal-documents",
    request_body = CreateLegalDocument,
    responses(
        (status = 201, description = "The legal document created", body = LegalDocumentResponse, headers(("ETag" = String))),
        (status = 403, description = "National documents are the admins'; a unit's, its officers'"),
        (status = 409, description = "The owner already has a document with this number, issuer and date"),
        (status = 422, description = "Invalid fields"),
    )
)]
#[post("")]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    Json(body): Json<CreateLegalDocument>,
) -> Result<HttpResponse, ApiError> {
    let actor = actor(&req, Some(&principal.user_id));
    let new = app::legal_documents::NewDocument {
        number: body.number,
        doc_type: body.doc_type,
        issuer: body.issuer,
        issued_on: body.issued_on,
        title: body.title,
        url: body.url,
        owner_unit_id: body.owner_unit_id.map(OrgUnitId::from),
    };
    let doc = super::change(&state.pool, move |tx| {
        app::legal_documents::create(tx, &principal, &actor, new)
    })
    .await?;
    Ok(tagged(
        StatusCode::CREATED,
        doc.version,
        &LegalDocumentResponse::from(doc),
    ))
}

/// Get a legal document.
#[utoipa::path(
    operation_id = "getLegalDocument",
    tag = "legal-documents",
    params(("id" = String, Path, description = "Legal document id")),
    responses((status = 200, description = "The legal document", body = LegalDocumentResponse, headers(("ETag" = String))), (status = 404, description = "No such document"))
)]
#[get("/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let doc = super::read(&state.pool, move |conn| {
        app::legal_documents::get(conn, &principal, &id)
    })
    .await?;
    Ok(tagged(
        StatusCode::OK,
        doc.version,
        &LegalDocumentResponse::from(doc),
    ))
}

/// Correct a legal document.
#[utoipa::path(
    operation_id = "updateLegalDocument",
    tag = "legal-documents",
    params(("id" = String, Path, description = "Legal document id"), ("If-Match" = String, Header, description = "The ETag you read")),
    request_body = UpdateLegalDocument,
    responses(
        (status = 200, description = "The legal document as changed", body = LegalDocumentResponse, headers(("ETag" = String))),
        (status = 403, description = "National documents are the admins'; a unit's, its officers'"),
        (status = 404, description = "No such document"),
        (status = 409, description = "The owner already has a document with this number, issuer and date"),
        (status = 412, description = "The document changed since you read it"),
        (status = 422, description = "Invalid fields"),
        (status = 428, description = "If-Match is missing"),
    )
)]
#[patch("/{id}")]
pub async fn update(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    Json(body): Json<UpdateLegalDocument>,
) -> Result<HttpResponse, ApiError> {
    let actor = actor(&req, Some(&principal.user_id));
    let changes = app::legal_documents::DocumentChanges {
        number: body.number,
        doc_type: body.doc_type,
        issuer: body.issuer,
        issued_on: body.issued_on,
        title: body.title,
        url: body.url,
    };
    let doc = super::change(&state.pool, move |tx| {
        app::legal_documents::update(tx, &principal, &actor, &id, version, changes)
    })
    .await?;
    Ok(tagged(
        StatusCode::OK,
        doc.version,
        &LegalDocumentResponse::from(doc),
    ))
}

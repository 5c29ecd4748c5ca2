//! `POST /api/v1/learning-records/import`: completed courses (Bình dân học vụ số) from a CSV
//! or JSON file, recorded as approved evidence of an individual criterion.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, post, web};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::AppState;
use crate::api::extract::{Query, actor, declared_length, parse_json};
use crate::app;
use crate::auth::Principal;
use crate::domain::learning;
use crate::error::ApiError;
use crate::ids::CriterionId;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// The individual criterion (yes/no or count) the records are evidence of.
    pub criterion_id: Option<String>,
    /// Check every row and answer what would happen, writing nothing.
    pub dry_run: Option<bool>,
}

/// The JSON form of an import.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LearningImport {
    pub records: Vec<LearningRow>,
}

/// One row as read from the file: everything still text, checked by `import`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"staff_code": "NA-0001", "course_code": "BDHVS-01", "course_title": "Kỹ năng số cơ bản",
    "completed_on": "2026-05-20", "certificate_id": "CC-2026-000123"}))]
pub struct LearningRow {
    /// The staff member, by staff code …
    pub staff_code: Option<String>,
    /// … or by e-mail.
    pub email: Option<String>,
    pub course_code: Option<String>,
    pub course_title: Option<String>,
    /// `YYYY-MM-DD` or `DD/MM/YYYY`.
    pub completed_on: Option<String>,
    pub certificate_id: Option<String>,
    pub certificate_url: Option<String>,
    /// Accepted and ignored: spreadsheets carry it for people to read.
    pub full_name: Option<String>,
    #[serde(skip)]
    pub line: usize,
}

impl From<LearningRow> for learning::LearningRow {
    fn from(r: LearningRow) -> Self {
        let LearningRow {
            staff_code,
            email,
            course_code,
            course_title,
            completed_on,
            certificate_id,
            certificate_url,
            full_name,
            line,
        } = r;
        learning::LearningRow {
            staff_code,
            email,
            course_code,
            course_title,
            completed_on,
            certificate_id,
            certificate_url,
            full_name,
            line,
        }
    }
}

/// Import learning records. The body is CSV (`text/csv`, UTF-8, a header row with the
/// columns `staff_code` or `email`, `course_code`, `completed_on`, and optionally
/// `course_title`, `certificate_id`, `certificate_url`, `full_name`) or JSON
/// (`{"records": [...]}`). Each new row becomes approved evidence (value 1); rows recorded
/// before add nothing; each rejected row is answered with its line and reason. A file that
/// cannot be read as a whole writes nothing.
#[utoipa::path(
    operation_id = "importLearningRecords",
    tag = "learning-records",
    params(ImportQuery),
    request_body(content(
        (LearningImport = "application/json"),
        (String = "text/csv", example = "staff_code,course_code,course_title,completed_on,certificate_id\nNA-0001,BDHVS-01,Kỹ năng số cơ bản,2026-05-20,CC-2026-000123\n"),
    )),
    responses(
        (status = 200, description = "What the import did: rows read, written, skipped, and each refused row with its reason", body = ImportReport),
        (status = 403, description = "Only officers and unit heads import learning records"),
        (status = 413, description = "The body is larger than THIDUA_MAX_IMPORT_MB"),
        (status = 415, description = "Neither text/csv nor application/json"),
        (status = 422, description = "No such criterion, a criterion that is not individual yes/no or count, a bad encoding or wrong columns"),
    )
)]
#[post("/import")]
pub async fn import(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    Query(query): Query<ImportQuery>,
    mut payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    // Decided before the body is read: an account that may not import cannot make the
    // server read up to THIDUA_MAX_IMPORT_MB.
    app::learning::may_import(&principal)?;
    let criterion_id = query
        .criterion_id
        .ok_or_else(|| ApiError::invalid("criterion_id", "required", "name the criterion"))?;
    crate::api::validate::id(&criterion_id)
        .map_err(|_| ApiError::invalid("criterion_id", "format", "must be an id (UUID)"))?;
    let criterion_id = CriterionId::from(criterion_id);
    let essence = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let csv = match essence.as_str() {
        "text/csv" => true,
        "application/json" => false,
        _ => {
            return Err(ApiError::unsupported_media_type(
                "text/csv or application/json",
            ));
        }
    };
    let limit = state.config.max_import_bytes;
    if declared_length(&req).is_some_and(|n| n > limit) {
        return Err(ApiError::too_large(limit));
    }
    let mut body = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| ApiError::malformed(format!("cannot read the body: {e}")))?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::too_large(limit));
        }
        body.extend_from_slice(&chunk);
    }
    let dry_run = query.dry_run.unwrap_or(false);
    let actor = actor(&req, Some(&principal.user_id));
    let report = super::run(&state.pool, move |conn| {
        // The file is read here, off the async workers; nothing is written if it cannot be.
        let (rows, rejected) = if csv {
            learning::parse_csv(&body)?
        } else {
            let parsed: LearningImport = parse_json(&body)?;
            let records = parsed
                .records
                .into_iter()
                .map(learning::LearningRow::from)
                .collect();
            (learning::json_rows(records)?, Vec::new())
        };
        Ok(app::learning::import(
            conn,
            &principal,
            &actor,
            &criterion_id,
            rows,
            rejected,
            dry_run,
        )?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(ImportReport::from(report)))
}

/// A row that was not imported, and why.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RowError {
    /// The line in the CSV file (the header is line 1), or the 1-based record number in JSON.
    pub line: usize,
    pub field: String,
    pub reason: String,
}

impl From<learning::RowError> for RowError {
    fn from(e: learning::RowError) -> Self {
        let learning::RowError {
            line,
            field,
            reason,
        } = e;
        RowError {
            line,
            field,
            reason,
        }
    }
}

/// What an import did.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"criterion_id": "019ab0a4-bf60-7152-8d43-5e6f708192a4", "dry_run": false, "received": 3,
    "imported": 1, "duplicates": 1, "rejected": [{"line": 4, "field": "staff_code", "reason": "no staff member with this code in your scope"}]}))]
pub struct ImportReport {
    pub criterion_id: String,
    pub dry_run: bool,
    pub received: usize,
    /// Rows recorded now, each as approved evidence.
    pub imported: usize,
    /// Rows recorded before (or twice in this file): nothing added.
    pub duplicates: usize,
    pub rejected: Vec<RowError>,
}

impl From<learning::ImportReport> for ImportReport {
    fn from(r: learning::ImportReport) -> Self {
        let learning::ImportReport {
            criterion_id,
            dry_run,
            received,
            imported,
            duplicates,
            rejected,
        } = r;
        ImportReport {
            criterion_id: criterion_id.into(),
            dry_run,
            received,
            imported,
            duplicates,
            rejected: rejected.into_iter().map(RowError::from).collect(),
        }
    }
}

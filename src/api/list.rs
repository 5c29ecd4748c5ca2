//! The parameters lists take: paging, search and `updated_since`, and sorting on the lists
//! that sort.

use std::marker::PhantomData;

use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa::openapi::Required;
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::{ObjectBuilder, Type};

use crate::domain::{PageRequest, Sort, SortField};
use crate::error::ApiError;

pub const MAX_PER_PAGE: i64 = 200;
pub const DEFAULT_PER_PAGE: i64 = 50;
/// Bounds the offset, which would otherwise overflow.
pub const MAX_PAGE: i64 = 1_000_000;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1000000, default = 1)]
    pub page: Option<i64>,
    /// Items per page, at most 200.
    #[param(minimum = 1, maximum = 200, default = 50)]
    pub per_page: Option<i64>,
    /// Search text; case and Vietnamese diacritics are ignored ("nguyen van an" finds "Nguyễn Văn An").
    pub q: Option<String>,
    /// Only records changed at or after this time (RFC 3339), for incremental sync.
    pub updated_since: Option<DateTime<Utc>>,
}

/// `sort`, on the lists that sort: a field of `F` by its API name, `-name` for descending.
/// Declared per list with `F`'s names as its enum, so the document lists what is accepted.
#[derive(Debug, Deserialize)]
#[serde(bound = "")]
pub struct SortQuery<F> {
    sort: Option<String>,
    #[serde(skip)]
    field: PhantomData<F>,
}

impl<F: SortField> SortQuery<F> {
    /// The requested order, or `default` ascending when none is asked for.
    pub fn or(&self, default: F) -> Result<Sort<F>, ApiError> {
        self.or_order(Sort {
            field: default,
            descending: false,
        })
    }

    /// The requested order, or `default` when none is asked for.
    pub fn or_order(&self, default: Sort<F>) -> Result<Sort<F>, ApiError> {
        let Some(text) = self
            .sort
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        else {
            return Ok(default);
        };
        let (name, descending) = match text.strip_prefix('-') {
            Some(name) => (name, true),
            None => (text, false),
        };
        F::from_name(name)
            .map(|field| Sort { field, descending })
            .ok_or_else(|| {
                ApiError::invalid(
                    "sort",
                    "enum",
                    format!("sort by one of: {}", F::names().join(", ")),
                )
            })
    }
}

impl<F: SortField> IntoParams for SortQuery<F> {
    fn into_params(in_provider: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let values: Vec<String> = F::names()
            .into_iter()
            .flat_map(|name| [name.to_string(), format!("-{name}")])
            .collect();
        vec![
            ParameterBuilder::new()
                .name("sort")
                .parameter_in(in_provider().unwrap_or(ParameterIn::Query))
                .required(Required::False)
                .description(Some("A field to sort by; `-field` sorts descending."))
                .schema(Some(
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .enum_values(Some(values)),
                ))
                .build(),
        ]
    }
}

/// A `year` filter: a year our dates can hold (an out-of-range one would match nothing
/// silently, or everything).
pub fn check_year(year: Option<i32>) -> Result<Option<i32>, ApiError> {
    match year {
        Some(y) if !(1900..=2200).contains(&y) => Err(ApiError::invalid(
            "year",
            "range",
            "must be between 1900 and 2200",
        )),
        _ => Ok(year),
    }
}

impl ListParams {
    pub fn page(&self) -> Result<PageRequest, ApiError> {
        let page = self.page.unwrap_or(1);
        if !(1..=MAX_PAGE).contains(&page) {
            return Err(ApiError::invalid(
                "page",
                "range",
                "must be between 1 and 1000000",
            ));
        }
        let per_page = self.per_page.unwrap_or(DEFAULT_PER_PAGE);
        if !(1..=MAX_PER_PAGE).contains(&per_page) {
            return Err(ApiError::invalid(
                "per_page",
                "range",
                "must be between 1 and 200",
            ));
        }
        Ok(PageRequest { page, per_page })
    }

    pub fn q(&self) -> Option<String> {
        self.q.clone().filter(|q| !q.trim().is_empty())
    }

    pub fn updated_since(&self) -> Option<chrono::NaiveDateTime> {
        self.updated_since.map(|t| t.naive_utc())
    }
}

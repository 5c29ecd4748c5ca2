//! The answers kept in memory (`cache` holds the machinery), and how a kept answer goes
//! out over HTTP: with its `ETag`, gzip-compressed once for every client that accepts it.

use std::sync::{Arc, OnceLock};

use actix_web::web::Bytes;

use crate::cache::{Generation, ReadCache};
use crate::db;
use crate::error::ApiError;

/// Sessions kept; a full cache starts again empty (simple, and a full cache means the
/// working set is larger than the cache anyway).
const SESSIONS: usize = 10_000;
/// Whole answers kept: up to ~20 KB each (a plan's 40 criteria), so ~20 MB at most.
const ANSWERS: usize = 1_000;
/// List pages kept: 50 items of ~1 KB each, so ~13 MB at most.
const PAGES: usize = 256;
/// Rendered reports kept: a province's XLSX is a few hundred KB.
const REPORTS: usize = 32;

/// The cached reads of an instance.
pub struct Reads {
    pub generation: Generation,
    /// By session id: the account behind it, and when the session ends.
    pub principals: ReadCache<String, (crate::auth::Principal, chrono::NaiveDateTime)>,
    /// Whole answers, by what identifies the request (`plan:{id}`, …).
    answers: ReadCache<String, Arc<CachedJson>>,
    /// Pages of a list, by the caller's visibility and the query string.
    pages: ReadCache<String, Arc<CachedJson>>,
    /// Rendered reports, by their `ETag` (`Stamp::KEYED_BY_VERSION`).
    pub reports: ReadCache<String, Arc<super::report_formats::Rendered>>,
}

impl Reads {
    /// Each cache's lookups so far, by name: (name, hits, misses).
    pub fn lookups(&self) -> [(&'static str, (u64, u64)); 4] {
        [
            ("sessions", self.principals.lookups()),
            ("answers", self.answers.lookups()),
            ("pages", self.pages.lookups()),
            ("reports", self.reports.lookups()),
        ]
    }
}

impl Default for Reads {
    fn default() -> Self {
        Reads {
            generation: Generation::default(),
            principals: ReadCache::new(SESSIONS),
            answers: ReadCache::new(ANSWERS),
            pages: ReadCache::new(PAGES),
            reports: ReadCache::new(REPORTS),
        }
    }
}

/// An answer kept whole, with what its policy check needs: the path of the unit that
/// owns what it shows. The caller checks that path for every request.
pub struct CachedJson {
    /// Empty for list pages, whose key names the visibility instead.
    pub unit_path: String,
    /// For the `ETag`, when the answer is one resource.
    pub version: Option<i64>,
    json: Bytes,
    /// A list page's `Link` header (its key names the query, so one page has one).
    link: Option<String>,
    /// The same bytes gzip-compressed, made at the first request that accepts gzip (`None`
    /// when the answer is too small to gain from it): every later one is served the kept
    /// copy, so compression costs nothing per request.
    gzip: OnceLock<Option<Bytes>>,
}

/// Answers shorter than this are sent as they are: headers and framing would eat the gain.
const GZIP_FROM: usize = 1024;

impl CachedJson {
    pub fn new(unit_path: String, version: Option<i64>, json: Bytes) -> CachedJson {
        CachedJson {
            unit_path,
            version,
            json,
            link: None,
            gzip: OnceLock::new(),
        }
    }

    /// A list page, sent with its `Link` header (`Page::links`).
    pub fn with_link(mut self, link: String) -> CachedJson {
        self.link = Some(link);
        self
    }

    /// The answer, 200 with its `ETag` when it has a version; gzip-compressed when the
    /// request accepts gzip (`Vary: Accept-Encoding` either way).
    pub fn response(&self, req: &actix_web::HttpRequest) -> actix_web::HttpResponse {
        use actix_web::http::header::{CONTENT_ENCODING, ContentType, ETAG, LINK, VARY};
        let gzip = accepts_gzip(req)
            .then(|| self.gzip.get_or_init(|| gzip(&self.json)).clone())
            .flatten();
        let mut res = actix_web::HttpResponse::Ok();
        res.content_type(ContentType::json())
            .insert_header((VARY, "accept-encoding"));
        if let Some(link) = &self.link {
            res.insert_header((LINK, link.as_str()));
        }
        if let Some(version) = self.version {
            let tag = super::extract::etag(version);
            // A strong ETag names one representation; as nginx does, the compressed one
            // carries the weak tag of the same version (`If-Match` reads either).
            res.insert_header((
                ETAG,
                if gzip.is_some() {
                    format!("W/{tag}")
                } else {
                    tag
                },
            ));
        }
        match gzip {
            Some(body) => res.insert_header((CONTENT_ENCODING, "gzip")).body(body),
            None => res.body(self.json.clone()),
        }
    }
}

/// Whether the request's `Accept-Encoding` prefers gzip to sending the bytes as they are.
fn accepts_gzip(req: &actix_web::HttpRequest) -> bool {
    use actix_web::HttpMessage;
    use actix_web::http::header::{AcceptEncoding, Encoding};
    req.get_header::<AcceptEncoding>().is_some_and(|accepted| {
        accepted.negotiate([Encoding::gzip(), Encoding::identity()].iter())
            == Some(Encoding::gzip())
    })
}

/// `json` gzip-compressed at the fastest level (JSON shrinks 5–8× even so), or `None`
/// when it is too short to gain.
fn gzip(json: &Bytes) -> Option<Bytes> {
    use std::io::Write;
    if json.len() < GZIP_FROM {
        return None;
    }
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(json.len() / 4),
        flate2::Compression::fast(),
    );
    encoder.write_all(json).ok()?;
    encoder.finish().ok().map(Bytes::from)
}

impl Reads {
    /// The answer kept under `key` if nothing was written since it was read; else `load`
    /// reads it (on the blocking pool) and it is kept.
    pub async fn answer<F>(
        &self,
        pool: &db::Pool,
        key: String,
        load: F,
    ) -> Result<Arc<CachedJson>, ApiError>
    where
        F: FnOnce(&mut db::Conn) -> Result<CachedJson, ApiError> + Send + 'static,
    {
        kept_or_load(&self.answers, &self.generation, pool, key, load).await
    }

    /// A list page, as [`Reads::answer`]. The key must name everything the page depends
    /// on, the caller's visibility included: lists are narrowed in SQL, so no check
    /// per request follows.
    pub async fn page<F>(
        &self,
        pool: &db::Pool,
        key: String,
        load: F,
    ) -> Result<Arc<CachedJson>, ApiError>
    where
        F: FnOnce(&mut db::Conn) -> Result<CachedJson, ApiError> + Send + 'static,
    {
        kept_or_load(&self.pages, &self.generation, pool, key, load).await
    }
}

async fn kept_or_load<F>(
    cache: &ReadCache<String, Arc<CachedJson>>,
    generation: &Generation,
    pool: &db::Pool,
    key: String,
    load: F,
) -> Result<Arc<CachedJson>, ApiError>
where
    F: FnOnce(&mut db::Conn) -> Result<CachedJson, ApiError> + Send + 'static,
{
    cache
        .get_or_load(generation, key, || async {
            super::run(pool, load).await.map(Arc::new)
        })
        .await
}

/// Serialises an answer to keep.
pub fn to_json<T: serde::Serialize>(value: &T) -> Result<Bytes, ApiError> {
    serde_json::to_vec(value)
        .map(Bytes::from)
        .map_err(ApiError::internal)
}

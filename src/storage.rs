//! Where attachments live: one interface over the local data directory (the default) and
//! S3-compatible object storage (for several instances, which must all see every file).
//! Contents are addressed by their SHA-256, so a content is written once and never changes.

use std::sync::Arc;

use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

use crate::config::Config;
use crate::error::ApiError;

/// The file store cannot be reached (object storage down): 503, like the database.
fn unreachable(e: object_store::Error) -> ApiError {
    let mut error = ApiError::unavailable(format!("file store: {e}"));
    error.detail = "The file store is not reachable; try again shortly.".into();
    error
}

pub struct FileStore {
    store: Arc<dyn ObjectStore>,
}

/// The S3 settings read from the environment beside `THIDUA_FILE_STORE=s3://bucket`.
pub const S3_VARIABLES: [&str; 5] = [
    "AWS_ENDPOINT",
    "AWS_REGION",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_ALLOW_HTTP",
];

impl FileStore {
    /// The store `THIDUA_FILE_STORE` names: `s3://bucket[/prefix]`, or the `files`
    /// directory under the data directory when unset.
    pub fn from_config(config: &Config) -> Result<FileStore, String> {
        let store: Arc<dyn ObjectStore> = match &config.file_store {
            None => {
                // Owner-only: attachments hold personal data.
                let dir = config.data_dir.join("files");
                crate::private_files::private_dir(&dir)?;
                Arc::new(LocalFileSystem::new_with_prefix(&dir).map_err(|e| e.to_string())?)
            }
            Some(url) => {
                let mut builder = AmazonS3Builder::new().with_url(url);
                for (name, value) in &config.s3 {
                    let key: AmazonS3ConfigKey = name
                        .to_ascii_lowercase()
                        .parse()
                        .map_err(|e| format!("{name}: {e}"))?;
                    builder = builder.with_config(key, value);
                }
                Arc::new(builder.build().map_err(|e| e.to_string())?)
            }
        };
        Ok(FileStore { store })
    }

    /// `ab/abcdef…`, as the local directory has always laid contents out.
    fn location(sha256: &str) -> Path {
        Path::from(format!("{}/{sha256}", &sha256[..2]))
    }

    /// Stores a content unless it is there already.
    pub async fn put(&self, sha256: &str, content: Vec<u8>) -> Result<(), ApiError> {
        let location = Self::location(sha256);
        match self.store.head(&location).await {
            Ok(_) => return Ok(()),
            Err(object_store::Error::NotFound { .. }) => {}
            Err(e) => return Err(unreachable(e)),
        }
        self.store
            .put(&location, PutPayload::from(content))
            .await
            .map(|_| ())
            .map_err(unreachable)
    }

    /// A stored content.
    pub async fn get(&self, sha256: &str) -> Result<Vec<u8>, ApiError> {
        let found = self
            .store
            .get(&Self::location(sha256))
            .await
            .map_err(|e| ApiError::internal(format!("stored file {sha256}: {e}")))?;
        let bytes = found
            .bytes()
            .await
            .map_err(|e| ApiError::internal(format!("stored file {sha256}: {e}")))?;
        Ok(bytes.to_vec())
    }
}

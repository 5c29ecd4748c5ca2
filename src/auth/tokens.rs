//! Access tokens (JWT, HS256 pinned) and opaque refresh tokens.

use std::io::Write;
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::ids::UserId;
use crate::secrets::random_bytes;

pub const ISSUER: &str = "thidua";
pub const AUDIENCE: &str = "thidua-api";
/// Access tokens are short-lived; sessions live on through refresh tokens.
pub const ACCESS_TTL_SECS: i64 = 15 * 60;

/// The claims of an access token. Roles are informative: each request reads the account's
/// current roles, so a change takes effect at once.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    pub sub: String,
    /// The session (login) the token belongs to; ending it ends the token.
    pub sid: String,
    pub jti: String,
    pub roles: Vec<String>,
    /// Set only on service-client tokens: the OAuth scopes granted, space-separated.
    /// A token with a scope is never a user's, and user endpoints refuse it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
}

pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl TokenKeys {
    pub fn new(secret: &[u8]) -> TokenKeys {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "nbf", "iat", "iss", "aud", "sub"]);
        validation.validate_nbf = true;
        validation.leeway = 5;
        TokenKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
        }
    }

    /// The secret from configuration, else the one kept in `data_dir/jwt-secret`, created
    /// with mode 0600 on first start so tokens survive restarts.
    pub fn load(configured: Option<&str>, data_dir: &Path) -> Result<TokenKeys, String> {
        if let Some(secret) = configured {
            return Ok(TokenKeys::new(secret.as_bytes()));
        }
        let path = data_dir.join("jwt-secret");
        match std::fs::read(&path) {
            Ok(secret) if secret.len() >= 32 => return Ok(TokenKeys::new(&secret)),
            Ok(_) => return Err(format!("{} is shorter than 32 bytes", path.display())),
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(format!("cannot read {}: {e}", path.display()));
            }
            Err(_) => {}
        }
        std::fs::create_dir_all(data_dir)
            .map_err(|e| format!("cannot create {}: {e}", data_dir.display()))?;
        let secret = URL_SAFE_NO_PAD.encode(random_bytes::<48>());
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        match options.open(&path) {
            Ok(mut file) => file
                .write_all(secret.as_bytes())
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?,
            // Another instance created it first: use theirs.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                return Self::load(None, data_dir);
            }
            Err(e) => return Err(format!("cannot create {}: {e}", path.display())),
        }
        Ok(TokenKeys::new(secret.as_bytes()))
    }

    /// A signed access token for a session.
    pub fn issue(
        &self,
        user_id: &UserId,
        session_id: &str,
        roles: Vec<String>,
    ) -> Result<String, ApiError> {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            sub: user_id.to_string(),
            sid: session_id.into(),
            jti: uuid::Uuid::now_v7().to_string(),
            roles,
            scope: None,
            iat: now,
            nbf: now,
            exp: now + ACCESS_TTL_SECS,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(ApiError::internal)
    }

    /// A signed access token for a service client (client-credentials grant). Its `sid`
    /// names the secret it was issued under (`ApiClient::secret_fingerprint`).
    pub fn issue_client(
        &self,
        client_row_id: &str,
        secret_fingerprint: &str,
        scope: String,
    ) -> Result<String, ApiError> {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            sub: client_row_id.into(),
            sid: secret_fingerprint.into(),
            jti: uuid::Uuid::now_v7().to_string(),
            roles: Vec::new(),
            scope: Some(scope),
            iat: now,
            nbf: now,
            exp: now + ACCESS_TTL_SECS,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(ApiError::internal)
    }

    /// Checks signature, algorithm (only HS256: `none` and every other one fail), issuer,
    /// audience and time claims.
    pub fn verify(&self, token: &str) -> Result<Claims, ApiError> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|e| {
                use jsonwebtoken::errors::ErrorKind as K;
                let why = match e.kind() {
                    K::ExpiredSignature => "The access token has expired; refresh it.",
                    K::ImmatureSignature => "The access token is not valid yet.",
                    _ => "The access token is not valid.",
                };
                ApiError::invalid_token(why)
            })
    }
}

//! Files only the service's own account may read: the secrets it keeps in its data
//! directory.

use std::io::Write;
use std::path::Path;

/// The secret kept in `path`, or a new one (`make`) written there with mode 0600 on first
/// start. Created with `create_new`, so instances starting together end up with the same
/// secret. A secret shorter than `min_len` bytes is refused.
pub fn read_or_create_secret(
    path: &Path,
    min_len: usize,
    make: impl Fn() -> String,
) -> Result<Vec<u8>, String> {
    if let Some(secret) = read_secret(path, min_len)? {
        return Ok(secret);
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let secret = make();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(mut file) => file
            .write_all(secret.as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?,
        // Another instance created it first: use theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return read_or_create_secret(path, min_len, make);
        }
        Err(e) => return Err(format!("cannot create {}: {e}", path.display())),
    }
    Ok(secret.into_bytes())
}

/// The secret kept in `path`, `None` when there is no such file.
pub fn read_secret(path: &Path, min_len: usize) -> Result<Option<Vec<u8>>, String> {
    match std::fs::read(path) {
        Ok(secret) if secret.len() >= min_len => Ok(Some(secret)),
        Ok(_) => Err(format!(
            "{} is shorter than {min_len} bytes",
            path.display()
        )),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}

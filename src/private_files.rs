//! Files only the service's own account may read: the data directory, the SQLite
//! database and its WAL files (password hashes, personal data), the attachments and the
//! secrets. Each is made owner-only (0700 for a directory, 0600 for a file) when it is
//! created, and one found looser is tightened at start, with a line in the log.

use std::io::Write;
use std::path::Path;

/// Makes `dir` (and any missing parent) with mode 0700, or tightens it to 0700 when it
/// exists with group or other bits.
pub fn private_dir(dir: &Path) -> Result<(), String> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(dir)
        .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    tighten(dir)
}

/// Makes `path` an empty file with mode 0600 unless it exists, and tightens it to 0600
/// when it exists with group or other bits. Made before SQLite opens the database, so
/// the database is never readable by others, and neither are its `-wal` and `-shm`
/// files, which SQLite creates with the database's own mode.
pub fn private_file(path: &Path) -> Result<(), String> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
        .open(path)
        .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    tighten(path)
}

/// Takes the group and other bits off `path` (0700 for a directory, 0600 for a file)
/// when it has any; nothing when it does not exist.
pub fn tighten(path: &Path) -> Result<(), String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let metadata = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
        };
        let mode = metadata.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            let private = if metadata.is_dir() { 0o700 } else { 0o600 };
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(private))
                .map_err(|e| format!("cannot make {} owner-only: {e}", path.display()))?;
            log::warn!(
                "{} was open to other accounts (mode {mode:o}): made owner-only ({private:o})",
                path.display()
            );
        }
    }
    Ok(())
}

/// The secret kept in `path`, or a new one (`make`) written there with mode 0600 on first
/// start. The new secret is written whole to a file of its own, then linked to `path`,
/// which fails if `path` exists: instances starting together end up with the same secret,
/// and none reads a half-written one. A secret shorter than `min_len` bytes is refused.
pub fn read_or_create_secret(
    path: &Path,
    min_len: usize,
    make: impl Fn() -> String,
) -> Result<Vec<u8>, String> {
    if let Some(secret) = read_secret(path, min_len)? {
        return Ok(secret);
    }
    if let Some(dir) = path.parent() {
        private_dir(dir)?;
    }
    let secret = make();
    let draft = path.with_extension(format!("new-{}", uuid::Uuid::now_v7().simple()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options
        .open(&draft)
        .and_then(|mut file| {
            file.write_all(secret.as_bytes())?;
            file.sync_all()
        })
        .and_then(|()| std::fs::hard_link(&draft, path));
    let _ = std::fs::remove_file(&draft);
    match written {
        Ok(()) => Ok(secret.into_bytes()),
        // Another instance made it first: use theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            read_secret(path, min_len)?.ok_or_else(|| format!("{} vanished", path.display()))
        }
        Err(e) => Err(format!("cannot create {}: {e}", path.display())),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instances_starting_together_share_one_whole_secret() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data/audit-key");
        let secrets: Vec<Vec<u8>> = std::thread::scope(|s| {
            let makers: Vec<_> = (0..8)
                .map(|i| {
                    let path = &path;
                    s.spawn(move || {
                        read_or_create_secret(path, 32, || format!("{i}").repeat(40)).unwrap()
                    })
                })
                .collect();
            makers.into_iter().map(|m| m.join().unwrap()).collect()
        });
        assert!(secrets.iter().all(|s| *s == secrets[0] && s.len() == 40));
        assert_eq!(std::fs::read(&path).unwrap(), secrets[0]);
        // Nothing left beside it.
        assert_eq!(
            std::fs::read_dir(dir.path().join("data")).unwrap().count(),
            1
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&path), 0o600);
            assert_eq!(mode(&dir.path().join("data")), 0o700);
        }
    }
}

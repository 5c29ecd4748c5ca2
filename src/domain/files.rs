//! Uploaded files: the kinds accepted (told from the content, never from the name), and the
//! store under the data directory where each content is kept once, by its SHA-256.

use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::db::Tx;
use crate::db::schema::stored_files;
use crate::domain::Error;
use crate::domain::now;

/// The kinds of file evidence may carry: PDF, images, Word, Excel and OpenDocument.
const ACCEPTED: &[(&str, &[&str])] = &[
    ("application/pdf", &["pdf"]),
    ("image/jpeg", &["jpg", "jpeg"]),
    ("image/png", &["png"]),
    ("image/gif", &["gif"]),
    ("image/webp", &["webp"]),
    ("image/tiff", &["tif", "tiff"]),
    ("application/msword", &["doc"]),
    (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        &["docx"],
    ),
    ("application/vnd.ms-excel", &["xls"]),
    (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &["xlsx"],
    ),
    ("application/vnd.oasis.opendocument.text", &["odt"]),
    ("application/vnd.oasis.opendocument.spreadsheet", &["ods"]),
];

/// The media types a stored file may have, as the API declares its downloads.
pub fn accepted_media_types() -> impl Iterator<Item = &'static str> {
    ACCEPTED.iter().map(|(media, _)| *media)
}

/// Checks an upload and returns its content type: the content decides the type, and the
/// name's extension and the declared type must agree with it.
pub fn check_upload(
    name: &str,
    declared_type: Option<&str>,
    content: &[u8],
    limit: usize,
) -> Result<&'static str, Error> {
    if content.is_empty() {
        return Err(Error::invalid("file", "empty", "the file is empty"));
    }
    if content.len() > limit {
        return Err(Error::too_large(limit));
    }
    let accepted_list = || {
        ACCEPTED
            .iter()
            .flat_map(|(_, ext)| ext.iter())
            .copied()
            .collect::<Vec<_>>()
            .join(", ")
    };
    let detected = infer::get(content).map(|t| t.mime_type());
    let Some((content_type, extensions)) = ACCEPTED
        .iter()
        .find(|(mime, _)| Some(*mime) == detected)
        .copied()
    else {
        return Err(Error::unsupported_media_type(&format!(
            "a PDF, image, Word, Excel or OpenDocument file ({})",
            accepted_list()
        )));
    };
    let extension = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    if !extensions.contains(&extension.as_str()) {
        return Err(Error::invalid(
            "file",
            "type_mismatch",
            format!(
                "the content is {content_type} but the name ends in .{extension}; expected .{}",
                extensions.join(" or .")
            ),
        ));
    }
    let declared = declared_type
        .map(|t| {
            t.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .filter(|t| !t.is_empty() && t != "application/octet-stream");
    if let Some(declared) = declared
        && declared != content_type
    {
        return Err(Error::invalid(
            "file",
            "type_mismatch",
            format!("declared as {declared} but the content is {content_type}"),
        ));
    }
    Ok(content_type)
}

/// A file name as given: a plain name, never a path, without control characters.
pub fn check_file_name(name: &str) -> Result<String, Error> {
    let name = crate::text::nfc(name.trim());
    let bad = |message: &str| Err(Error::invalid("file.filename", "file_name", message));
    if name.is_empty() {
        return bad("the file needs a name");
    }
    if name.len() > 255 {
        return bad("at most 255 bytes");
    }
    if name.contains(['/', '\\', ':']) || name == "." || name == ".." || name.starts_with('.') {
        return bad("a plain file name, not a path");
    }
    // Control characters, and the invisible ones that reorder or hide text when a name
    // is shown ("bao-cao\u{202e}fdp.exe").
    if name
        .chars()
        .any(|c| c.is_control() || crate::text::is_hidden(c))
    {
        return bad("no control or invisible formatting characters");
    }
    Ok(name)
}

pub fn sha256_hex(content: &[u8]) -> String {
    hex::encode(Sha256::digest(content))
}

/// An upload that passed every check: its name, its type told from the content, and the
/// SHA-256 it is stored under.
pub struct Checked {
    pub name: String,
    pub content_type: &'static str,
    pub sha256: String,
}

/// Checks an upload's name and content before anything is stored.
pub fn check(
    name: &str,
    declared: Option<&str>,
    content: &[u8],
    limit: usize,
) -> Result<Checked, Error> {
    let name = check_file_name(name)?;
    let content_type = check_upload(&name, declared, content, limit)?;
    Ok(Checked {
        name,
        content_type,
        sha256: sha256_hex(content),
    })
}

/// Records a stored content once.
pub fn record(tx: &mut Tx<'_>, sha256: &str, size: usize, content_type: &str) -> QueryResult<()> {
    let known: i64 = stored_files::table
        .find(sha256)
        .count()
        .get_result(tx.conn())?;
    if known == 0 {
        diesel::insert_into(stored_files::table)
            .values((
                stored_files::sha256.eq(sha256),
                stored_files::size.eq(size as i64),
                stored_files::content_type.eq(content_type),
                stored_files::created_at.eq(now()),
            ))
            .execute(tx.conn())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PDF: &[u8] = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n";

    #[test]
    fn the_content_decides_the_type() {
        assert_eq!(
            check_upload("bao-cao.pdf", Some("application/pdf"), PDF, 1000).unwrap(),
            "application/pdf"
        );
        assert_eq!(
            check_upload("BAO-CAO.PDF", None, PDF, 1000).unwrap(),
            "application/pdf"
        );
        // A PDF named as a picture, or declared as one.
        assert!(check_upload("anh.png", None, PDF, 1000).is_err());
        assert!(check_upload("a.pdf", Some("image/png"), PDF, 1000).is_err());
        // Text is not an accepted kind, whatever its name says.
        let e = check_upload("a.pdf", None, b"just text", 1000).unwrap_err();
        assert!(matches!(e, Error::UnsupportedType(_)));
        assert_eq!(
            check_upload("a.pdf", None, b"", 1000)
                .unwrap_err()
                .field_errors()[0]
                .code,
            "empty"
        );
        assert!(matches!(
            check_upload("a.pdf", None, PDF, 10).unwrap_err(),
            Error::TooLarge(10)
        ));
    }

    #[test]
    fn names_are_names_not_paths() {
        assert_eq!(check_file_name(" Báo cáo.pdf ").unwrap(), "Báo cáo.pdf");
        for bad in [
            "",
            "../etc/passwd",
            "a/b.pdf",
            "a\\b.pdf",
            "C:x.pdf",
            "..",
            ".env",
            "a\u{0}.pdf",
            "a\u{202e}fdp.exe",
        ] {
            assert!(check_file_name(bad).is_err(), "{bad:?}");
        }
    }
}

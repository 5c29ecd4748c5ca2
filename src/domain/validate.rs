//! The shape rules of values (text without hidden characters, codes, ids, usernames,
//! dates), as validator custom functions for the types that carry them.

use std::sync::LazyLock;

use regex::Regex;
use validator::ValidationError;

fn error(code: &'static str, message: &'static str) -> ValidationError {
    let mut e = ValidationError::new(code);
    e.message = Some(message.into());
    e
}

/// Text that is not only white space and holds no control characters.
pub fn text(value: &str) -> Result<(), ValidationError> {
    if value.trim().is_empty() {
        return Err(error("blank", "must not be blank"));
    }
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(error(
            "control_characters",
            "must not contain control characters",
        ));
    }
    Ok(())
}

static CODE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[A-Za-z0-9][A-Za-z0-9._\-/]{0,49}$").expect("valid regex"));

/// A code such as "000.00.00.H41", "SNV" or "CB-0012": letters, digits and . _ - /.
pub fn code(value: &str) -> Result<(), ValidationError> {
    if CODE.is_match(value) {
        Ok(())
    } else {
        Err(error(
            "format",
            "must be 1 to 50 letters, digits, '.', '_', '-' or '/', starting with a letter or digit",
        ))
    }
}

static USERNAME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[A-Za-z0-9][A-Za-z0-9._\-]{2,63}$").expect("valid regex"));

pub fn username(value: &str) -> Result<(), ValidationError> {
    if USERNAME.is_match(value) {
        Ok(())
    } else {
        Err(error(
            "format",
            "must be 3 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit",
        ))
    }
}

/// The 12-digit personal identification number (CCCD).
pub fn personal_id(value: &str) -> Result<(), ValidationError> {
    if value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(error("format", "must be exactly 12 digits"))
    }
}

/// A password's length; whether it is easy to guess is asked with the account's own words
/// (`api::users::strong_password`).
pub fn password(value: &str) -> Result<(), ValidationError> {
    crate::domain::users::check_password_length(value)
        .map_err(|_| error("weak_password", "must be 8 to 128 characters"))
}

/// An id of ours: a UUID in its canonical text form.
pub fn id(value: &str) -> Result<(), ValidationError> {
    match uuid::Uuid::parse_str(value) {
        Ok(u) if u.hyphenated().to_string() == value => Ok(()),
        _ => Err(error("format", "must be an id (UUID)")),
    }
}

/// A list of text items (purposes, contents…): each item is text of at most 4000 characters.
pub fn text_items(items: &[String]) -> Result<(), ValidationError> {
    for item in items {
        text(item)?;
        if item.chars().count() > 4000 {
            return Err(error("length", "each item must be at most 4000 characters"));
        }
    }
    Ok(())
}

/// A list of ids.
pub fn ids(items: &[String]) -> Result<(), ValidationError> {
    items.iter().try_for_each(|i| id(i))
}

/// A date of the years the service keeps (1900–2200): PostgreSQL stores no date before
/// 4713 BC, and nothing in this domain lies outside these years.
pub fn date(value: &chrono::NaiveDate) -> Result<(), ValidationError> {
    use chrono::Datelike;
    if (1900..=2200).contains(&value.year()) {
        Ok(())
    } else {
        Err(error("range", "must be a date of the years 1900 to 2200"))
    }
}

//! Vietnamese text: NFC storage, diacritic-free search keys and Vietnamese collation.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

/// Text as stored and returned: Unicode NFC, so "ế" typed as e + two marks equals the precomposed one.
pub fn nfc(s: &str) -> String {
    s.nfc().collect()
}

/// Whether `c` changes how text reads without being seen, so a name or a title could show
/// as something it is not ("hoa-don\u{202e}fdp.exe" shows as "hoa-donexe.pdf"): every
/// Unicode format character (category Cf: the bidirectional embeddings, overrides and
/// isolates U+202A–U+202E and U+2066–U+2069, the marks U+200E–U+200F and U+061C, the
/// zero-width characters U+200B–U+200D, U+2060–U+2064 and U+FEFF, the soft hyphen U+00AD,
/// U+180E, the tag characters that hide text, …), and the Hangul fillers, which show as
/// blanks. Vietnamese text needs none of them.
pub fn is_hidden(c: char) -> bool {
    // Every string of every request passes here: below U+00AD (ASCII, Latin-1's first
    // half) there is none, and the table is not looked up.
    c >= '\u{ad}' && c.general_category() == GeneralCategory::Format
        || matches!(c, '\u{115f}' | '\u{1160}' | '\u{3164}' | '\u{ffa0}')
}

/// The first character of `s` that `is_hidden`.
pub fn find_hidden(s: &str) -> Option<char> {
    s.chars().find(|c| is_hidden(*c))
}

/// A search key: lowercase, no diacritics, "đ" folded to "d", runs of white space collapsed.
///
/// "Nguyễn Văn Đạt" → "nguyen van dat". `đ` has no decomposition under NFD, so it is mapped by hand.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        match c {
            'đ' | 'Đ' => out.push('d'),
            _ => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// Base letters in Vietnamese alphabetical order; letters outside the Vietnamese alphabet
/// (f, j, w, z) are placed where the Latin alphabet puts them.
const ALPHABET: &[char] = &[
    'a', 'ă', 'â', 'b', 'c', 'd', 'đ', 'e', 'ê', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
    'ô', 'ơ', 'p', 'q', 'r', 's', 't', 'u', 'ư', 'v', 'w', 'x', 'y', 'z',
];

/// Tone marks in dictionary order: ngang, huyền, hỏi, ngã, sắc, nặng.
const TONES: &[char] = &['\u{300}', '\u{309}', '\u{303}', '\u{301}', '\u{323}'];

/// Splits one character into its Vietnamese base letter (keeping ă â ê ô ơ ư đ) and tone rank.
fn base_and_tone(c: char) -> (char, u8) {
    let mut base = String::new();
    let mut tone = 0u8;
    for d in c.to_lowercase().flat_map(|l| l.nfd()) {
        if let Some(i) = TONES.iter().position(|t| *t == d) {
            tone = i as u8 + 1;
        } else {
            base.push(d);
        }
    }
    let base: String = base.nfc().collect();
    (base.chars().next().unwrap_or(c), tone)
}

/// Primary and tone keys of a text. Primary weights are printable ASCII above '!', so a key
/// compares correctly byte by byte (SQLite BINARY, PostgreSQL COLLATE "C").
fn keys(s: &str) -> (String, String) {
    let mut primary = String::new();
    let mut tones = String::new();
    for c in s.nfc() {
        if c.is_whitespace() {
            if !primary.is_empty() && !primary.ends_with('"') {
                primary.push('"');
            }
            continue;
        }
        if c.is_ascii_digit() {
            primary.push(c); // '0'..'9' sort before every letter
            continue;
        }
        let (base, tone) = base_and_tone(c);
        if let Some(i) = ALPHABET.iter().position(|a| *a == base) {
            primary.push(char::from(b'A' + i as u8));
            tones.push(char::from(b'0' + tone));
        } else if base.is_alphanumeric() {
            // Letters of other scripts: after the Vietnamese alphabet, by their folded form.
            primary.push('~');
            primary.extend(fold(&base.to_string()).chars().filter(char::is_ascii));
        }
        // Punctuation does not take part in ordering.
    }
    let primary = primary.trim_end_matches('"').to_string();
    (primary, tones)
}

/// Vietnamese collation key for titles and unit names: compare letters in Vietnamese
/// alphabetical order first, then tones; case is ignored.
pub fn sort_key(s: &str) -> String {
    let (primary, tones) = keys(s);
    format!("{primary} {tones}")
}

/// Collation key for a person's name: the given name (last word) first, then the rest,
/// as Vietnamese lists of people are ordered ("Nguyễn Văn An" before "Trần Thị Bình").
pub fn person_sort_key(full_name: &str) -> String {
    let name = full_name.trim();
    let (rest, given) = match name.rsplit_once(char::is_whitespace) {
        Some((rest, given)) => (rest.trim(), given),
        None => ("", name),
    };
    let (given_p, given_t) = keys(given);
    let (rest_p, rest_t) = keys(rest);
    // The given name decides, tones included ("Anh" before "Ánh"), before the family name.
    format!("{given_p} {given_t} {rest_p} {rest_t}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_and_direction_changing_characters_are_found() {
        let hidden = [
            '\u{202a}',
            '\u{202e}',
            '\u{2066}',
            '\u{2069}',
            '\u{200b}',
            '\u{200c}',
            '\u{200d}',
            '\u{200e}',
            '\u{200f}',
            '\u{2060}',
            '\u{2064}',
            '\u{feff}',
            '\u{00ad}',
            '\u{180e}',
            '\u{061c}',
            '\u{e0041}',
            '\u{3164}',
        ];
        for c in hidden {
            assert!(is_hidden(c), "U+{:04X}", c as u32);
        }
        assert_eq!(find_hidden("Phòng\u{202e} A"), Some('\u{202e}'));
        // Vietnamese in either form, punctuation and emoji are plain text.
        for text in [
            "Ủy ban nhân dân tỉnh Nghệ An",
            "Nguye\u{302}\u{303}n Văn Đạt",
            "Số 12/QĐ-UBND – “Bình dân học vụ số” ❤️",
        ] {
            assert_eq!(find_hidden(text), None, "{text}");
        }
    }

    #[test]
    fn fold_strips_diacritics_and_d() {
        assert_eq!(fold("Nguyễn  Văn Đạt"), "nguyen van dat");
        assert_eq!(fold("  Chuyển đổi số "), "chuyen doi so");
        assert_eq!(fold("ĐẶNG"), "dang");
    }

    #[test]
    fn nfc_composes() {
        let decomposed = "e\u{302}\u{301}"; // ê + sắc
        assert_eq!(nfc(decomposed), "ế");
        assert_eq!(fold(decomposed), "e");
    }

    fn sorted(names: &[&str], key: fn(&str) -> String) -> Vec<String> {
        let mut v: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        v.sort_by_key(|n| key(n));
        v
    }

    #[test]
    fn vietnamese_alphabet_order() {
        let names = ["Đào", "Dung", "Âu", "Ăn", "An", "Bình", "Ê", "Em"];
        assert_eq!(
            sorted(&names, sort_key),
            ["An", "Ăn", "Âu", "Bình", "Dung", "Đào", "Em", "Ê"]
        );
    }

    #[test]
    fn tones_break_ties_in_dictionary_order() {
        let names = ["má", "mạ", "mà", "ma", "mả", "mã"];
        assert_eq!(
            sorted(&names, sort_key),
            ["ma", "mà", "mả", "mã", "má", "mạ"]
        );
    }

    #[test]
    fn shorter_word_first_and_case_ignored() {
        assert!(sort_key("an") < sort_key("Anh"));
        assert!(sort_key("AN") < sort_key("anh"));
        assert!(sort_key("Sở Nội vụ") < sort_key("Sở Tài chính"));
    }

    #[test]
    fn people_sort_by_given_name_then_the_rest() {
        let names = [
            "Trần Thị Bình",
            "Nguyễn Văn An",
            "Lê Văn An",
            "Đặng Thị Ánh",
            "Phạm Đức Anh",
        ];
        assert_eq!(
            sorted(&names, person_sort_key),
            [
                "Lê Văn An",
                "Nguyễn Văn An",
                "Phạm Đức Anh",
                "Đặng Thị Ánh",
                "Trần Thị Bình"
            ]
        );
    }
}

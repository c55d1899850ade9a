//! Naming a file that is not UTF-8. Excel saves "CSV" (as opposed to "CSV
//! UTF-8") in the computer's code page, which in the Netherlands is
//! Windows-1252, a superset of Latin-1: `café` becomes the bytes `caf\xE9`.
//! Such a file gets a message that says so and how to save it, naming the
//! first line with such a byte; other bytes that are not UTF-8 (a binary
//! file) keep the plain message with the byte's offset.

/// The characters Windows-1252 gives the bytes 0x80–0x9F (None: unused);
/// from 0xA0 on it is Latin-1, the code point of the same number.
const HIGH: [Option<char>; 32] = [
    Some('€'),
    None,
    Some('‚'),
    Some('ƒ'),
    Some('„'),
    Some('…'),
    Some('†'),
    Some('‡'),
    Some('ˆ'),
    Some('‰'),
    Some('Š'),
    Some('‹'),
    Some('Œ'),
    None,
    Some('Ž'),
    None,
    None,
    Some('‘'),
    Some('’'),
    Some('“'),
    Some('”'),
    Some('•'),
    Some('–'),
    Some('—'),
    Some('˜'),
    Some('™'),
    Some('š'),
    Some('›'),
    Some('œ'),
    None,
    Some('ž'),
    Some('Ÿ'),
];

/// The character Windows-1252 gives byte `b`, if any.
fn windows_1252(b: u8) -> Option<char> {
    match b {
        0x80..=0x9F => HIGH.get(usize::from(b - 0x80)).copied().flatten(),
        _ => Some(char::from(b)),
    }
}

/// Why `bytes` (not UTF-8 from byte `bad` on) were refused, as the
/// "expected" part of the message: Windows-1252 text named by its first
/// line with a byte that is not UTF-8 and the character that byte stands
/// for, or the offset of the first bad byte.
pub(crate) fn not_utf8(bytes: &[u8], bad: usize) -> String {
    windows_1252_advice(bytes, bad).unwrap_or_else(|| format!("UTF-8 text (byte {bad} is not)"))
}

/// For text that looks like Windows-1252 (every byte one that code page
/// uses for text), what the refusal says: the first line with a byte
/// that is not UTF-8, the character it stands for, and how to save the
/// file as UTF-8. None for other bytes.
pub(crate) fn windows_1252_advice(bytes: &[u8], bad: usize) -> Option<String> {
    let text_like = bytes.iter().all(|&b| {
        (b >= 0x20 && b != 0x7F || matches!(b, b'\t' | b'\n' | b'\r' | 0x0C))
            && windows_1252(b).is_some()
    });
    match bytes.get(bad) {
        Some(&b) if text_like && b >= 0x80 => {
            let before = bytes.get(..bad).unwrap_or_default();
            let line = 1 + before
                .iter()
                .enumerate()
                .filter(|&(i, &c)| c == b'\n' || (c == b'\r' && before.get(i + 1) != Some(&b'\n')))
                .count();
            let shown = windows_1252(b)
                .map(|c| format!(", '{c}' in Windows-1252"))
                .unwrap_or_default();
            Some(format!(
                "UTF-8 text; this looks like Windows-1252 (Latin-1), as Excel saves a plain \"CSV\": line {line} has byte 0x{b:02X}{shown}. Save the file as UTF-8 (in Excel: \"CSV UTF-8 (comma delimited)\"; in other programs: encoding UTF-8) and import it again"
            ))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin1_text_is_named_by_line_and_character() {
        let bytes = b"kind,key,text\r\nmotie,M5,Een\r\nmotie,M6,Caf\xe9 \x80\n";
        let m = not_utf8(bytes, 41);
        assert!(
            m.contains("line 3 has byte 0xE9, 'é' in Windows-1252"),
            "{m}"
        );
        assert!(m.contains("CSV UTF-8"), "{m}");
    }

    #[test]
    fn binary_keeps_the_offset() {
        let bytes = b"PK\x03\xff\x00rest";
        assert_eq!(not_utf8(bytes, 3), "UTF-8 text (byte 3 is not)");
        // A byte Windows-1252 leaves unused is no text either.
        assert_eq!(not_utf8(b"ab\x81c", 2), "UTF-8 text (byte 2 is not)");
    }

    #[test]
    fn the_table_is_windows_1252() {
        assert_eq!(windows_1252(0x80), Some('€'));
        assert_eq!(windows_1252(0x9F), Some('Ÿ'));
        assert_eq!(windows_1252(0x8D), None);
        assert_eq!(windows_1252(0xE8), Some('è'));
    }
}

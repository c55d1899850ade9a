//! Stored text placed into Markdown (`export --format md`, `diff --format
//! md`), so that it renders as the text it is and never as markup: a stored
//! `<script>`, `<img onerror=…>`, `[x](javascript:…)` or `<javascript:…>`
//! would otherwise become live HTML or a link wherever the Markdown is
//! shown (a wiki, a merge request, a mail that renders it).
//!
//! Every ASCII punctuation character that CommonMark or GitHub Flavored
//! Markdown gives a meaning to inside a line is escaped with a backslash,
//! which CommonMark defines for every ASCII punctuation character and which
//! renders as the character itself: `\ ` * _ [ ] < > & | ~ #` (raw HTML
//! and autolinks need `<`, links and images `[`, entities `&`, table
//! cells end at `|`, emphasis and strike-through take `* _ ~`, code
//! spans `` ` ``). A line that starts with a block marker (`-`, `+`, `=`
//! or a number with `.` or `)`: a list, a setext underline) has that
//! marker escaped too; `#` and `>` are escaped everywhere. Bare web
//! addresses may still be shown as links by renderers that find them
//! (GitHub does, for `http`, `https` and `www.` only); no renderer makes one
//! of a `javascript:` text without the brackets escaped here.

/// The characters escaped wherever they are.
const ESCAPED: &[char] = &['\\', '`', '*', '_', '[', ']', '<', '>', '&', '|', '~', '#'];

/// `s` as Markdown text that renders as `s`: each line escaped as the module
/// says, line breaks kept (the caller decides what a line break becomes).
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for (i, line) in s.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let body = line.trim_start_matches([' ', '\t']);
        out.push_str(line.get(..line.len() - body.len()).unwrap_or_default());
        let marker = block_marker(body);
        for (at, c) in body.char_indices() {
            if ESCAPED.contains(&c) || Some(at) == marker {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out
}

/// `s` on one line, for a table cell, a heading or a list item: escaped as
/// [`text`], paragraphs (blank lines) as `<br><br>` and other line breaks as
/// spaces.
pub fn inline(s: &str) -> String {
    text(s.trim())
        .split("\n\n")
        .map(|p| p.split('\n').map(str::trim).collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("<br><br>")
}

/// Where the character sits that would open a block at the start of a
/// line (not already escaped everywhere): `-`, `+` or `=` first, or the
/// `.` or `)` after up to nine digits.
fn block_marker(line: &str) -> Option<usize> {
    if line.starts_with(['-', '+', '=']) {
        return Some(0);
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    (1..=9)
        .contains(&digits)
        .then(|| line.get(digits..digits + 1))
        .flatten()
        .filter(|c| matches!(*c, "." | ")"))
        .map(|_| digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_left_alone() {
        let s =
            "Motie van het lid Jansen c.s.; verzoekt de regering (zie nr. 5), 100% geregeld: ja!";
        assert_eq!(text(s), s);
    }

    #[test]
    fn markup_is_escaped() {
        assert_eq!(
            text("<script>alert(1)</script> & [x](javascript:y) *a* _b_ `c` ~d~ #e |f"),
            "\\<script\\>alert(1)\\</script\\> \\& \\[x\\](javascript:y) \\*a\\* \\_b\\_ \\`c\\` \\~d\\~ \\#e \\|f"
        );
        assert_eq!(text("a\\b"), "a\\\\b");
    }

    #[test]
    fn block_markers_at_line_starts_are_escaped() {
        assert_eq!(
            text("- punt\n+ punt\n=== kop\n12. lijst\n3) lijst"),
            "\\- punt\n\\+ punt\n\\=== kop\n12\\. lijst\n3\\) lijst"
        );
        assert_eq!(text("  - ingesprongen"), "  \\- ingesprongen");
        assert_eq!(text("2025. jaar"), "2025\\. jaar");
        assert_eq!(text("a - b + c = d 1. e"), "a - b + c = d 1. e");
        assert_eq!(text("1234567890. lang"), "1234567890. lang");
    }

    #[test]
    fn inline_joins_lines_and_keeps_paragraphs() {
        assert_eq!(inline(" a|b\n\nc\nd "), "a\\|b<br><br>c d");
        assert_eq!(inline("x\n# kop\n> citaat"), "x \\# kop \\> citaat");
    }
}

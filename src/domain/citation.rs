//! Citations of Dutch parliamentary papers, parsed from free text.
//!
//! Motions and commitments recorded by kamerstand point at the parliamentary
//! documents they come from, and those pointers are typed by people in the
//! usual footnote style: `Kamerstukken II 2022/23, 34843, nr. 79`,
//! `Kamerstukken I 2020/21, 35 570, C` or `Handelingen II 2018/19, nr. 5,
//! item 6`, with all the small variations that brings (missing spaces, digit
//! groups, lower case, a trailing full stop, a typo in the session year).
//! [`KamerstukRef::parse`] turns such text into a structured value without
//! ever failing: the trimmed input is always kept verbatim in `raw`, whatever
//! could be understood goes into [`ParsedRef`], and every oddity is reported
//! as a human-readable flag so it can be reviewed instead of being silently
//! dropped or rejected. Text that is not a citation at all (prose remarks,
//! empty strings, garbage) yields `parsed: None` plus a flag. The module is
//! pure: no I/O, no global state.
//!
//! Besides the footnote style, registers and budget annexes write: the bare
//! form without "Kamerstukken" (`36 410 VII, nr. 5`, `30 123, nr. 42`, or a
//! dossier alone when it is written recognisably: `35.611`, `36 410 VII`),
//! dossier numbers with a dot between the digit groups (`35.611`), the
//! document id of officielebekendmakingen.nl (`kst-36100-12`,
//! `h-tk-20212022-34-9`), and page references after the number or item
//! (`, p. 4`, `item 7 - blz. 4`), which are kept in [`ParsedRef::page`].

use std::fmt;

use serde::Serialize;

/// The chamber of the States General a document belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Chamber {
    /// Eerste Kamer (Senate), cited as "I".
    #[serde(rename = "I")]
    Eerste,
    /// Tweede Kamer (House of Representatives), cited as "II".
    #[serde(rename = "II")]
    Tweede,
}

/// The series a citation refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// Parliamentary papers (dossier plus document number).
    Kamerstukken,
    /// Records of plenary proceedings (meeting number plus item).
    Handelingen,
}

/// Parliamentary session year, e.g. 2022/23 -> start 2022, end 2023.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct SessionYear {
    /// Calendar year in which the session opens.
    pub start: u16,
    /// Calendar year in which the session closes (always `start + 1` when parsed).
    pub end: u16,
}

impl fmt::Display for SessionYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The customary form abbreviates the second year to two digits,
        // except at a century change, which is written out ("1999/2000").
        if self.end.is_multiple_of(100) {
            write!(f, "{}/{}", self.start, self.end)
        } else {
            write!(f, "{}/{:02}", self.start, self.end % 100)
        }
    }
}

/// A dossier (kamerstuknummer), optionally with a suffix such as a budget
/// chapter in roman numerals ("35925-VIII") or a sub-series ("21501-30").
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Dossier {
    /// The dossier number without digit grouping, e.g. 36229 for "36 229".
    pub number: u32,
    /// The suffix, letters in upper case, e.g. "VIII" or "30".
    pub suffix: Option<String>,
}

impl fmt::Display for Dossier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.number)?;
        if let Some(suffix) = &self.suffix {
            write!(f, "-{suffix}")?;
        }
        Ok(())
    }
}

/// The structured content of a citation that could be recognised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParsedRef {
    /// Kamerstukken or Handelingen.
    pub source: Source,
    /// The chamber; inferred (and flagged) when the text does not name one.
    pub chamber: Chamber,
    /// None when the year is missing or malformed (a flag says which).
    pub session: Option<SessionYear>,
    /// The dossiers cited; empty for Handelingen.
    pub dossiers: Vec<Dossier>,
    /// "79", or an Eerste Kamer letter like "C" or "AB".
    pub number: Option<String>,
    /// Handelingen "item 6".
    pub item: Option<u32>,
    /// A page reference kept from the citation ("p. 4", "blz. 4-6"): "4",
    /// "4-6". Left out of JSON when absent, so older outputs keep their
    /// shape.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
}

/// A citation as written, together with what could be made of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KamerstukRef {
    /// The input, trimmed, never altered otherwise.
    pub raw: String,
    /// None = could not be parsed at all.
    pub parsed: Option<ParsedRef>,
    /// Human-readable anomalies; empty when clean.
    pub flags: Vec<String>,
}

impl KamerstukRef {
    /// Never fails: always returns the raw text, with what could be parsed and flags.
    #[must_use]
    pub fn parse(text: &str) -> KamerstukRef {
        let raw = text.trim();
        let mut parser = Parser::new(raw);
        match parser.citation() {
            Ok(parsed) => KamerstukRef {
                raw: raw.to_string(),
                parsed: Some(parsed),
                flags: parser.flags,
            },
            Err(reason) => KamerstukRef {
                raw: raw.to_string(),
                parsed: None,
                flags: vec![format!("not a recognised citation: {reason}")],
            },
        }
    }

    /// true when parsed is Some and flags is empty.
    #[must_use]
    pub fn is_clean(&self) -> bool {
        self.parsed.is_some() && self.flags.is_empty()
    }

    /// A short item key derived from the citation, when it is a Kamerstukken
    /// citation with exactly one dossier and a number:
    /// "{dossier}[-{suffix}]-{number}", e.g. "34843-79", "35925-VIII-124",
    /// "36200-IV-12", "35570-C". Characters outside [A-Za-z0-9-] are dropped
    /// from the suffix. None otherwise.
    #[must_use]
    pub fn key_hint(&self) -> Option<String> {
        let parsed = self.parsed.as_ref()?;
        if parsed.source != Source::Kamerstukken {
            return None;
        }
        let [dossier] = parsed.dossiers.as_slice() else {
            return None;
        };
        let number = key_safe(parsed.number.as_deref()?);
        if number.is_empty() {
            return None;
        }
        let mut key = dossier.number.to_string();
        if let Some(suffix) = &dossier.suffix {
            let suffix = key_safe(suffix);
            if !suffix.is_empty() {
                key.push('-');
                key.push_str(&suffix);
            }
        }
        key.push('-');
        key.push_str(&number);
        Some(key)
    }
}

impl fmt::Display for KamerstukRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

/// Keeps only `[A-Za-z0-9-]` and strips hyphens from both ends, so the
/// result can be joined with hyphens without producing doubled separators.
fn key_safe(text: &str) -> String {
    let kept: String = text
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    kept.trim_matches('-').to_string()
}

// ---------------------------------------------------------------------------
// Tokenizer
// ---------------------------------------------------------------------------

/// What a token consists of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A run of alphabetic characters.
    Word,
    /// A run of ASCII digits.
    Num,
    /// Any other single character (punctuation, symbols, emoji, ...).
    Punct(char),
}

/// One token, borrowing its text from the input.
#[derive(Debug, Clone, Copy)]
struct Tok<'a> {
    kind: Kind,
    text: &'a str,
    /// Byte offset of the first character (always a char boundary).
    start: usize,
    /// Byte offset just past the last character (always a char boundary).
    end: usize,
    /// Whether whitespace separated this token from the previous one.
    space_before: bool,
}

/// Whitespace for our purposes: Unicode white space (which includes the
/// non-breaking spaces U+00A0, U+2007 and U+202F) plus the invisible
/// zero-width characters that tend to sneak in through copy and paste.
fn is_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{200B}' | '\u{2060}' | '\u{FEFF}')
}

fn tokenize(src: &str) -> Vec<Tok<'_>> {
    let mut toks = Vec::new();
    let mut chars = src.char_indices().peekable();
    let mut space_before = false;
    while let Some((start, c)) = chars.next() {
        if is_space(c) {
            space_before = true;
            continue;
        }
        let kind = if c.is_ascii_digit() {
            Kind::Num
        } else if c.is_alphabetic() {
            Kind::Word
        } else {
            Kind::Punct(c)
        };
        let mut end = start + c.len_utf8();
        let continues = |d: char| match kind {
            Kind::Num => d.is_ascii_digit(),
            Kind::Word => d.is_alphabetic(),
            Kind::Punct(_) => false,
        };
        while let Some(&(at, d)) = chars.peek() {
            if !continues(d) {
                break;
            }
            end = at + d.len_utf8();
            chars.next();
        }
        // Offsets come from char_indices, so this lookup always succeeds;
        // `get` keeps it panic-free regardless.
        if let Some(text) = src.get(start..end) {
            toks.push(Tok {
                kind,
                text,
                start,
                end,
                space_before,
            });
        }
        space_before = false;
    }
    toks
}

// ---------------------------------------------------------------------------
// Parser
// ---------------------------------------------------------------------------

/// Words that introduce a document number.
const NUMBER_WORDS: &[&str] = &["nr", "nrs", "no", "nummer"];
/// Words that join several dossiers.
const AND_WORDS: &[&str] = &["en", "and"];
/// Words that must never be mistaken for a dossier suffix or a letter number.
const RESERVED_WORDS: &[&str] = &[
    "nr", "nrs", "no", "nummer", "en", "and", "item", "p", "pp", "blz", "bl", "zie", "of", "pag",
    "pagina",
];
/// Words that introduce a page reference.
const PAGE_WORDS: &[&str] = &["p", "pp", "blz", "bl", "pag", "pagina", "page"];

/// Longest excerpt of input text quoted in a flag.
const EXCERPT_CHARS: usize = 60;

/// Quotes at most [`EXCERPT_CHARS`] characters of `text`, so that flags stay
/// readable when the input is huge.
fn excerpt(text: &str) -> String {
    let mut chars = text.chars();
    let mut out: String = chars.by_ref().take(EXCERPT_CHARS).collect();
    if chars.next().is_some() {
        out.push('…');
    }
    out
}

fn is_reserved(word: &str) -> bool {
    RESERVED_WORDS.iter().any(|r| r.eq_ignore_ascii_case(word))
}

/// A dossier suffix written after a space: a roman numeral in any case
/// ("IV", "viii") or a short group of capitals ("A", "AB").
fn is_spaced_suffix(word: &str) -> bool {
    if is_reserved(word) {
        return false;
    }
    let roman = word.len() <= 8
        && word.chars().all(|c| {
            matches!(
                c.to_ascii_uppercase(),
                'I' | 'V' | 'X' | 'L' | 'C' | 'D' | 'M'
            )
        });
    let capitals = word.len() <= 3 && word.chars().all(|c| c.is_ascii_uppercase());
    roman || capitals
}

/// The lowest and highest start year accepted for a session.
const YEAR_RANGE: std::ops::RangeInclusive<u16> = 1800..=2199;

fn plausible_year(digits: &str) -> bool {
    digits.len() == 4 && digits.parse::<u16>().is_ok_and(|y| YEAR_RANGE.contains(&y))
}

/// Checks a year pair written as "2022/23", "2022/2023" or "1999/2000"; the
/// second year must follow the first.
fn session_from_digits(first: &str, second: &str) -> Option<SessionYear> {
    if !plausible_year(first) {
        return None;
    }
    let start: u16 = first.parse().ok()?;
    let end = start.checked_add(1)?;
    let written: u16 = second.parse().ok()?;
    let matches = match second.len() {
        2 => written == end % 100,
        4 => written == end,
        _ => false,
    };
    matches.then_some(SessionYear { start, end })
}

/// Recursive-descent parser over the token list. Flags for recoverable
/// anomalies are collected as it goes; unrecoverable problems are returned
/// as the `Err` reason of [`Parser::citation`].
struct Parser<'a> {
    src: &'a str,
    toks: Vec<Tok<'a>>,
    pos: usize,
    flags: Vec<String>,
    /// The last dossier read was written in digit groups ("36 410",
    /// "35.611") or with a suffix: recognisable as a dossier on its own.
    grouped: bool,
}

impl<'a> Parser<'a> {
    fn new(src: &'a str) -> Self {
        Parser {
            src,
            toks: tokenize(src),
            pos: 0,
            flags: Vec::new(),
            grouped: false,
        }
    }

    fn peek_at(&self, ahead: usize) -> Option<Tok<'a>> {
        self.toks.get(self.pos.saturating_add(ahead)).copied()
    }

    fn peek(&self) -> Option<Tok<'a>> {
        self.peek_at(0)
    }

    fn advance(&mut self, by: usize) {
        self.pos = self.pos.saturating_add(by).min(self.toks.len());
    }

    fn punct_at(&self, ahead: usize, c: char) -> bool {
        self.peek_at(ahead)
            .is_some_and(|t| t.kind == Kind::Punct(c))
    }

    fn num_at(&self, ahead: usize) -> bool {
        self.peek_at(ahead).is_some_and(|t| t.kind == Kind::Num)
    }

    fn word_at(&self, ahead: usize, words: &[&str]) -> bool {
        self.peek_at(ahead).is_some_and(|t| {
            t.kind == Kind::Word && words.iter().any(|w| w.eq_ignore_ascii_case(t.text))
        })
    }

    fn eat_punct(&mut self, c: char) -> bool {
        let hit = self.punct_at(0, c);
        if hit {
            self.advance(1);
        }
        hit
    }

    /// The input text from byte `from` to byte `to`, or empty if the offsets
    /// were somehow not on char boundaries.
    fn slice(&self, from: usize, to: usize) -> &'a str {
        self.src.get(from..to).unwrap_or_default()
    }

    /// citation := document-id | source chamber? ","? session? ","? body page? "."?
    ///           | bare-body page? "."?
    fn citation(&mut self) -> Result<ParsedRef, String> {
        if self.toks.is_empty() {
            return Err("empty text".to_string());
        }
        if let Some(parsed) = self.document_id()? {
            return Ok(parsed);
        }
        // The bare form starts with the dossier: "36 410 VII, nr. 5".
        let bare = self.num_at(0);
        let (source, chamber, session) = if bare {
            self.flags.push("no session year".to_string());
            (Source::Kamerstukken, None, None)
        } else {
            let source = self.source()?;
            let chamber = self.chamber()?;
            self.eat_punct(',');
            let session = self.session();
            self.eat_punct(',');
            (source, chamber, session)
        };

        let (dossiers, number, item) = match source {
            Source::Kamerstukken => {
                let dossiers = self.dossiers()?;
                if dossiers.is_empty() {
                    return Err("no dossier number found".to_string());
                }
                if bare && dossiers.iter().any(|d| d.number < 1000) {
                    return Err("a bare number below 1000 is not taken for a dossier".to_string());
                }
                let before = self.pos;
                self.eat_punct(',');
                let named = self.word_at(0, NUMBER_WORDS);
                if bare && !named && !self.grouped {
                    return Err(
                        "a bare number without 'Kamerstukken' or 'nr.' is not taken for a dossier"
                            .to_string(),
                    );
                }
                let number = if bare && !named {
                    self.pos = before;
                    None
                } else {
                    self.document_number(true)?
                };
                if number.is_none() {
                    self.flags.push("no document number".to_string());
                }
                (dossiers, number, None)
            }
            Source::Handelingen => {
                let Some(number) = self.document_number(false)? else {
                    return Err("no meeting number found in Handelingen citation".to_string());
                };
                let item = self.item()?;
                (Vec::new(), Some(number), item)
            }
        };
        let page = self.page();

        if bare && !self.at_end() {
            return Err("a bare dossier number followed by other text".to_string());
        }
        self.trailing();

        let chamber = if let Some(chamber) = chamber {
            chamber
        } else {
            // Only the Eerste Kamer numbers its papers with letters.
            let lettered = number
                .as_deref()
                .is_some_and(|n| n.chars().all(|c| c.is_ascii_alphabetic()));
            let (chamber, name) = if lettered {
                (Chamber::Eerste, "Eerste Kamer (letter-numbered document)")
            } else {
                (Chamber::Tweede, "Tweede Kamer")
            };
            self.flags
                .insert(0, format!("no chamber given; assumed {name}"));
            chamber
        };

        Ok(ParsedRef {
            source,
            chamber,
            session,
            dossiers,
            number,
            item,
            page,
        })
    }

    /// True when nothing but one closing full stop is left.
    fn at_end(&self) -> bool {
        match self.peek() {
            None => true,
            Some(t) => t.kind == Kind::Punct('.') && self.peek_at(1).is_none(),
        }
    }

    /// The document id of officielebekendmakingen.nl, the whole text:
    /// `kst-36100-12` (dossier, suffix parts, number) or
    /// `h-tk-20212022-34-9` (chamber, session, meeting, item). Neither
    /// names what the id does not hold, so a `kst` id is flagged for its
    /// chamber and session as any citation without them is.
    fn document_id(&mut self) -> Result<Option<ParsedRef>, String> {
        let text = self.src.strip_suffix('.').unwrap_or(self.src);
        if text.chars().any(is_space) || !text.contains('-') {
            return Ok(None);
        }
        let parts: Vec<&str> = text.split('-').collect();
        if parts
            .iter()
            .any(|p| p.is_empty() || !p.chars().all(|c| c.is_ascii_alphanumeric()))
        {
            return Ok(None);
        }
        let head = parts.first().map(|p| p.to_ascii_lowercase());
        let parsed = match (head.as_deref(), parts.as_slice()) {
            (Some("kst"), [_, dossier, rest @ ..]) if !rest.is_empty() => {
                let Ok(number) = dossier.parse::<u32>() else {
                    return Ok(None);
                };
                let (last, middle) = rest.split_last().unwrap_or((&"", &[]));
                let nr = if last.chars().all(|c| c.is_ascii_digit()) {
                    last.parse::<u32>()
                        .map_err(|_| format!("number '{}' is out of range", excerpt(last)))?
                        .to_string()
                } else {
                    last.to_ascii_uppercase()
                };
                let suffix = (!middle.is_empty()).then(|| middle.join("-").to_ascii_uppercase());
                let lettered = nr.chars().all(|c| c.is_ascii_alphabetic());
                self.flags.push(format!(
                    "no chamber given; assumed {}",
                    if lettered {
                        "Eerste Kamer (letter-numbered document)"
                    } else {
                        "Tweede Kamer"
                    }
                ));
                self.flags.push("no session year".to_string());
                ParsedRef {
                    source: Source::Kamerstukken,
                    chamber: if lettered {
                        Chamber::Eerste
                    } else {
                        Chamber::Tweede
                    },
                    session: None,
                    dossiers: vec![Dossier { number, suffix }],
                    number: Some(nr),
                    item: None,
                    page: None,
                }
            }
            (Some("h"), [_, chamber, years, meeting, rest @ ..]) if rest.len() <= 1 => {
                let chamber = match chamber.to_ascii_lowercase().as_str() {
                    "tk" => Chamber::Tweede,
                    "ek" => Chamber::Eerste,
                    _ => return Ok(None),
                };
                let session = match (years.get(..4), years.get(4..)) {
                    (Some(a), Some(b)) if years.len() == 8 => session_from_digits(a, b),
                    _ => None,
                };
                if session.is_none() {
                    self.flags.push(format!(
                        "session year '{}' is not a valid year pair",
                        excerpt(years)
                    ));
                }
                let meeting: u32 = meeting.parse().map_err(|_| {
                    format!("meeting number '{}' is not a number", excerpt(meeting))
                })?;
                let item = match rest.first() {
                    Some(i) => Some(
                        i.parse::<u32>()
                            .map_err(|_| format!("item '{}' is not a number", excerpt(i)))?,
                    ),
                    None => None,
                };
                ParsedRef {
                    source: Source::Handelingen,
                    chamber,
                    session,
                    dossiers: Vec::new(),
                    number: Some(meeting.to_string()),
                    item,
                    page: None,
                }
            }
            _ => return Ok(None),
        };
        self.pos = self.toks.len();
        Ok(Some(parsed))
    }

    /// page := ("," | "-" | "–" | ";")* ("p" | "pp" | "blz" | "bl" | "pag" | "pagina") "."? Num (("-" | "–") Num)?
    ///
    /// Leaves the cursor where it was when no page reference follows.
    fn page(&mut self) -> Option<String> {
        let before = self.pos;
        let mut separators = 0;
        while separators < 2
            && (self.punct_at(0, ',')
                || self.punct_at(0, '-')
                || self.punct_at(0, '–')
                || self.punct_at(0, ';'))
        {
            self.advance(1);
            separators += 1;
        }
        if self.word_at(0, PAGE_WORDS) {
            self.advance(1);
            self.eat_punct('.');
            if let Some(first) = self.peek().filter(|t| t.kind == Kind::Num) {
                self.advance(1);
                let mut page = first.text.to_string();
                if (self.punct_at(0, '-') || self.punct_at(0, '–'))
                    && let Some(last) = self.peek_at(1).filter(|t| t.kind == Kind::Num)
                {
                    self.advance(2);
                    page.push('-');
                    page.push_str(last.text);
                }
                return Some(page);
            }
        }
        self.pos = before;
        None
    }

    /// source := "Kamerstukken" | "Kamerstuk" | "Kst" "."? | "Handelingen" | "Hand" "."?
    fn source(&mut self) -> Result<Source, String> {
        const NOT_A_SOURCE: &str = "does not start with 'Kamerstukken' or 'Handelingen'";
        let Some(tok) = self.peek() else {
            return Err("empty text".to_string());
        };
        if tok.kind != Kind::Word {
            return Err(NOT_A_SOURCE.to_string());
        }
        let word = tok.text;
        let (source, abbreviated) = if word.eq_ignore_ascii_case("kamerstukken")
            || word.eq_ignore_ascii_case("kamerstuk")
        {
            (Source::Kamerstukken, false)
        } else if word.eq_ignore_ascii_case("kst") {
            (Source::Kamerstukken, true)
        } else if word.eq_ignore_ascii_case("handelingen") {
            (Source::Handelingen, false)
        } else if word.eq_ignore_ascii_case("hand") {
            (Source::Handelingen, true)
        } else {
            return Err(NOT_A_SOURCE.to_string());
        };
        self.advance(1);
        if abbreviated {
            self.eat_punct('.');
        }
        Ok(source)
    }

    /// chamber := "I" | "II" | "EK" | "TK" | ("Eerste" | "Tweede") "Kamer"?
    ///
    /// Returns `Ok(None)` when no chamber is written; an unexpected word in
    /// this position means the text is not a citation.
    fn chamber(&mut self) -> Result<Option<Chamber>, String> {
        let Some(tok) = self.peek() else {
            return Ok(None);
        };
        if tok.kind != Kind::Word {
            return Ok(None);
        }
        let word = tok.text;
        let chamber = if word.eq_ignore_ascii_case("i") || word.eq_ignore_ascii_case("ek") {
            Chamber::Eerste
        } else if word.eq_ignore_ascii_case("ii") || word.eq_ignore_ascii_case("tk") {
            Chamber::Tweede
        } else if word.eq_ignore_ascii_case("eerste") {
            self.advance(1);
            if self.word_at(0, &["kamer"]) {
                self.advance(1);
            }
            return Ok(Some(Chamber::Eerste));
        } else if word.eq_ignore_ascii_case("tweede") {
            self.advance(1);
            if self.word_at(0, &["kamer"]) {
                self.advance(1);
            }
            return Ok(Some(Chamber::Tweede));
        } else if word
            .chars()
            .all(|c| matches!(c.to_ascii_uppercase(), 'I' | 'V' | 'X'))
        {
            return Err(format!("chamber '{}' must be I or II", excerpt(word)));
        } else {
            return Err(format!("unexpected word '{}'", excerpt(word)));
        };
        self.advance(1);
        Ok(Some(chamber))
    }

    /// session := Num ("/" | "-") Num  |  a lone four-digit year before a dossier
    ///
    /// Always consumes something that looks like an attempt at a session
    /// year, valid or not, and flags anything other than a clean pair.
    fn session(&mut self) -> Option<SessionYear> {
        const MISSING: &str = "no session year";
        let Some(first) = self.peek().filter(|t| t.kind == Kind::Num) else {
            self.flags.push(MISSING.to_string());
            return None;
        };
        if let (Some(sep), Some(second)) = (self.peek_at(1), self.peek_at(2))
            && second.kind == Kind::Num
        {
            // A slash is meant as a year pair unless both sides are long
            // enough to be dossiers ("36222/31015"); a hyphen only
            // when the first part is a plausible year, because "21501-30"
            // is a dossier with a suffix.
            let looks_like_pair = match sep.kind {
                Kind::Punct('/') => {
                    second.text.len() <= 2 || (first.text.len() <= 4 && second.text.len() <= 4)
                }
                Kind::Punct('-') => {
                    plausible_year(first.text) && matches!(second.text.len(), 2 | 4)
                }
                _ => false,
            };
            if looks_like_pair {
                self.advance(3);
                let written = self.slice(first.start, second.end);
                let session = session_from_digits(first.text, second.text);
                if session.is_none() {
                    self.flags.push(format!(
                        "session year '{}' is not a valid year pair",
                        excerpt(written)
                    ));
                }
                return session;
            }
        }
        // "Kamerstukken II 2022, 34843, ..." - a single year where a pair
        // belongs; recognisable because a dossier number follows the comma.
        if plausible_year(first.text) && self.punct_at(1, ',') && self.num_at(2) {
            self.advance(1);
            self.flags.push(format!(
                "session year '{}' is not a valid year pair",
                first.text
            ));
            return None;
        }
        self.flags.push(MISSING.to_string());
        None
    }

    /// Reads the digits of a number that may be written in groups of three
    /// ("36 229", "1 234 567") starting `ahead` tokens from the cursor,
    /// without consuming anything. Returns the digits and the token count.
    ///
    /// The groups may also be joined by a dot without spaces ("35.611"), as
    /// the Eerste Kamer writes dossier numbers.
    fn digit_groups(&self, ahead: usize) -> Option<(String, usize)> {
        let first = self.peek_at(ahead).filter(|t| t.kind == Kind::Num)?;
        let mut digits = first.text.to_string();
        let mut count = 1usize;
        if first.text.len() <= 3 {
            loop {
                let at = ahead.saturating_add(count);
                let group = |t: Tok<'_>| t.kind == Kind::Num && t.text.len() == 3;
                match (self.peek_at(at), self.peek_at(at.saturating_add(1))) {
                    (Some(next), _) if group(next) && next.space_before => {
                        digits.push_str(next.text);
                        count += 1;
                    }
                    (Some(dot), Some(next))
                        if dot.kind == Kind::Punct('.')
                            && !dot.space_before
                            && group(next)
                            && !next.space_before =>
                    {
                        digits.push_str(next.text);
                        count += 2;
                    }
                    _ => break,
                }
            }
        }
        Some((digits, count))
    }

    /// Whether a number after a comma is a further dossier rather than a
    /// document number written without "nr.": dossiers have at least four
    /// digits or carry a hyphenated suffix.
    fn dossier_follows(&self, ahead: usize) -> bool {
        self.digit_groups(ahead).is_some_and(|(digits, count)| {
            digits.len() >= 4 || self.punct_at(ahead.saturating_add(count), '-')
        })
    }

    /// dossiers := dossier (("en" | "&" | "/" | "+" | ",") dossier)*
    fn dossiers(&mut self) -> Result<Vec<Dossier>, String> {
        let mut dossiers = Vec::new();
        if !self.num_at(0) {
            return Ok(dossiers);
        }
        dossiers.push(self.dossier()?);
        loop {
            let joined = self.word_at(0, AND_WORDS)
                || self.punct_at(0, '&')
                || self.punct_at(0, '/')
                || self.punct_at(0, '+');
            let listed = self.punct_at(0, ',') && self.dossier_follows(1);
            if (joined && self.num_at(1)) || listed {
                self.advance(1);
                dossiers.push(self.dossier()?);
            } else {
                return Ok(dossiers);
            }
        }
    }

    /// dossier := digit-groups (("-" part) | (space roman-or-capitals))?
    fn dossier(&mut self) -> Result<Dossier, String> {
        let Some((digits, count)) = self.digit_groups(0) else {
            return Err("expected a dossier number".to_string());
        };
        let number: u32 = digits
            .parse()
            .map_err(|_| format!("dossier number '{}' is out of range", excerpt(&digits)))?;
        self.advance(count);
        let suffix = self.dossier_suffix();
        self.grouped = count > 1 || suffix.is_some();
        Ok(Dossier { number, suffix })
    }

    fn dossier_suffix(&mut self) -> Option<String> {
        let is_part = |t: &Tok<'_>| matches!(t.kind, Kind::Word | Kind::Num);
        if self.punct_at(0, '-')
            && let Some(part) = self.peek_at(1).filter(is_part)
        {
            self.advance(2);
            let mut suffix = part.text.to_ascii_uppercase();
            // Glued-on parts such as the "a" of "21501-30a".
            while let Some(next) = self.peek().filter(is_part)
                && !next.space_before
            {
                suffix.push_str(&next.text.to_ascii_uppercase());
                self.advance(1);
            }
            return Some(suffix);
        }
        if let Some(word) = self.peek()
            && word.kind == Kind::Word
            && word.space_before
            && is_spaced_suffix(word.text)
        {
            self.advance(1);
            return Some(word.text.to_ascii_uppercase());
        }
        None
    }

    /// Whether the token `ahead` is an Eerste Kamer letter number: one to
    /// three ASCII letters standing on their own (followed by nothing, a
    /// comma, a parenthesis or a final full stop).
    fn letter_number_at(&self, ahead: usize) -> bool {
        let Some(tok) = self.peek_at(ahead) else {
            return false;
        };
        let shaped = tok.kind == Kind::Word
            && (1..=3).contains(&tok.text.len())
            && tok.text.chars().all(|c| c.is_ascii_alphabetic())
            && !is_reserved(tok.text);
        if !shaped {
            return false;
        }
        let next = ahead.saturating_add(1);
        match self.peek_at(next).map(|t| t.kind) {
            None | Some(Kind::Punct(',' | ';' | '(')) => true,
            Some(Kind::Punct('.')) => self.peek_at(next.saturating_add(1)).is_none(),
            Some(_) => false,
        }
    }

    /// number := ("nr" | "nrs" | "no" | "nummer") "."? ":"? (Num | letters) | Num | letters
    ///
    /// Letters are only accepted when `letters_allowed` (Kamerstukken).
    fn document_number(&mut self, letters_allowed: bool) -> Result<Option<String>, String> {
        if self.word_at(0, NUMBER_WORDS) {
            let before = self.pos;
            self.advance(1);
            self.eat_punct('.');
            self.eat_punct(':');
            if let Some(number) = self.numeric_number()? {
                return Ok(Some(number));
            }
            if letters_allowed && self.letter_number_at(0) {
                return Ok(self.letter_number());
            }
            // "nr." with nothing usable after it: leave it as trailing text.
            self.pos = before;
            return Ok(None);
        }
        if let Some(number) = self.numeric_number()? {
            self.flags
                .push(format!("document number '{number}' given without 'nr.'"));
            return Ok(Some(number));
        }
        if letters_allowed && self.letter_number_at(0) {
            return Ok(self.letter_number());
        }
        Ok(None)
    }

    /// Consumes a numeric document number, normalised (no leading zeros,
    /// a glued-on letter in upper case).
    fn numeric_number(&mut self) -> Result<Option<String>, String> {
        let Some(tok) = self.peek().filter(|t| t.kind == Kind::Num) else {
            return Ok(None);
        };
        let value: u32 = tok
            .text
            .parse()
            .map_err(|_| format!("number '{}' is out of range", excerpt(tok.text)))?;
        self.advance(1);
        let mut number = value.to_string();
        // A letter glued to the number ("nr. 12a") is part of it.
        if let Some(letters) = self.peek()
            && letters.kind == Kind::Word
            && !letters.space_before
            && letters.text.len() <= 2
            && letters.text.chars().all(|c| c.is_ascii_alphabetic())
        {
            number.push_str(&letters.text.to_ascii_uppercase());
            self.advance(1);
        }
        Ok(Some(number))
    }

    fn letter_number(&mut self) -> Option<String> {
        let tok = self.peek()?;
        self.advance(1);
        Some(tok.text.to_ascii_uppercase())
    }

    /// item := ","? "item" Num
    fn item(&mut self) -> Result<Option<u32>, String> {
        let before = self.pos;
        self.eat_punct(',');
        if self.word_at(0, &["item"])
            && let Some(tok) = self.peek_at(1).filter(|t| t.kind == Kind::Num)
        {
            let item: u32 = tok
                .text
                .parse()
                .map_err(|_| format!("item '{}' is out of range", excerpt(tok.text)))?;
            self.advance(2);
            return Ok(Some(item));
        }
        self.pos = before;
        Ok(None)
    }

    /// Accepts one closing full stop; flags anything else that is left.
    fn trailing(&mut self) {
        if self.punct_at(0, '.') && self.peek_at(1).is_none() {
            self.advance(1);
        }
        let Some(tok) = self.peek() else {
            return;
        };
        let rest = self.slice(tok.start, self.src.len());
        let tidy = rest
            .trim_start_matches(|c: char| c == ',' || c == ';' || is_space(c))
            .trim_end();
        let shown = if tidy.is_empty() { rest } else { tidy };
        self.flags
            .push(format!("trailing text ignored: '{}'", excerpt(shown)));
        self.pos = self.toks.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(start: u16, end: u16) -> Option<SessionYear> {
        Some(SessionYear { start, end })
    }

    fn dossier(number: u32, suffix: Option<&str>) -> Dossier {
        Dossier {
            number,
            suffix: suffix.map(str::to_string),
        }
    }

    fn kst(
        chamber: Chamber,
        session: Option<SessionYear>,
        dossiers: Vec<Dossier>,
        number: Option<&str>,
    ) -> ParsedRef {
        ParsedRef {
            source: Source::Kamerstukken,
            chamber,
            session,
            dossiers,
            number: number.map(str::to_string),
            item: None,
            page: None,
        }
    }

    /// Parses `text` and checks that it is clean and gives `expected`.
    fn assert_clean(text: &str, expected: ParsedRef) {
        let got = KamerstukRef::parse(text);
        assert_eq!(got.raw, text.trim());
        assert_eq!(
            got.flags,
            Vec::<String>::new(),
            "unexpected flags for {text:?}"
        );
        assert_eq!(got.parsed, Some(expected), "wrong parse for {text:?}");
        assert!(got.is_clean());
    }

    fn assert_rejected(text: &str) -> KamerstukRef {
        let got = KamerstukRef::parse(text);
        assert_eq!(got.parsed, None, "{text:?} should not parse");
        assert_eq!(got.flags.len(), 1, "{text:?}: {:?}", got.flags);
        assert!(
            got.flags
                .iter()
                .all(|f| f.starts_with("not a recognised citation")),
            "{text:?}: {:?}",
            got.flags
        );
        assert!(!got.is_clean());
        assert_eq!(got.key_hint(), None);
        got
    }

    #[test]
    fn plain_citation() {
        let text = "Kamerstukken II 2022/23, 34843, nr. 79";
        assert_clean(
            text,
            kst(
                Chamber::Tweede,
                session(2022, 2023),
                vec![dossier(34843, None)],
                Some("79"),
            ),
        );
        let r = KamerstukRef::parse(text);
        assert_eq!(r.key_hint().as_deref(), Some("34843-79"));
        assert_eq!(r.to_string(), text);
    }

    #[test]
    fn no_space_after_nr() {
        assert_clean(
            "Kamerstukken II 2022/23, 34843, nr.78",
            kst(
                Chamber::Tweede,
                session(2022, 2023),
                vec![dossier(34843, None)],
                Some("78"),
            ),
        );
    }

    #[test]
    fn trailing_full_stop_and_roman_suffix() {
        let text = "Kamerstukken II 2021/22, 35925-VIII, nr. 124.";
        assert_clean(
            text,
            kst(
                Chamber::Tweede,
                session(2021, 2022),
                vec![dossier(35925, Some("VIII"))],
                Some("124"),
            ),
        );
        assert_eq!(
            KamerstukRef::parse(text).key_hint().as_deref(),
            Some("35925-VIII-124")
        );
    }

    #[test]
    fn suffix_after_space() {
        let text = "Kamerstukken II 2022/23, 36200 IV, nr. 12";
        assert_clean(
            text,
            kst(
                Chamber::Tweede,
                session(2022, 2023),
                vec![dossier(36200, Some("IV"))],
                Some("12"),
            ),
        );
        assert_eq!(
            KamerstukRef::parse(text).key_hint().as_deref(),
            Some("36200-IV-12")
        );
    }

    #[test]
    fn grouped_dossier_digits() {
        assert_clean(
            "Kamerstukken II 2022/23, 36 229, nr. 5",
            kst(
                Chamber::Tweede,
                session(2022, 2023),
                vec![dossier(36229, None)],
                Some("5"),
            ),
        );
        assert_clean(
            "Kamerstukken II 2023/24, 36 410 XVI, nr. 5",
            kst(
                Chamber::Tweede,
                session(2023, 2024),
                vec![dossier(36410, Some("XVI"))],
                Some("5"),
            ),
        );
    }

    #[test]
    fn comma_after_chamber_and_long_year() {
        let text = "Kamerstukken II, 1999-2000, 26 271, nr. 6";
        assert_clean(
            text,
            kst(
                Chamber::Tweede,
                session(1999, 2000),
                vec![dossier(26271, None)],
                Some("6"),
            ),
        );
        let year = KamerstukRef::parse(text).parsed.and_then(|p| p.session);
        assert_eq!(year.map(|y| y.to_string()).as_deref(), Some("1999/2000"));
    }

    #[test]
    fn eerste_kamer_letter() {
        let text = "Kamerstukken I 2020/21, 35 570, C";
        assert_clean(
            text,
            kst(
                Chamber::Eerste,
                session(2020, 2021),
                vec![dossier(35570, None)],
                Some("C"),
            ),
        );
        assert_eq!(
            KamerstukRef::parse(text).key_hint().as_deref(),
            Some("35570-C")
        );
        assert_clean(
            "Kamerstukken I 2020/21, 35 570 VIII, AB.",
            kst(
                Chamber::Eerste,
                session(2020, 2021),
                vec![dossier(35570, Some("VIII"))],
                Some("AB"),
            ),
        );
    }

    #[test]
    fn two_dossiers() {
        let expected = kst(
            Chamber::Tweede,
            session(2023, 2024),
            vec![dossier(36222, None), dossier(31015, None)],
            Some("3"),
        );
        for text in [
            "Kamerstukken II 2023/24, 36222 en 31015, nr. 3",
            "Kamerstukken II 2023/24, 36222, 31015, nr. 3",
            "Kamerstukken II 2023/24, 36222/31015, nr. 3",
            "Kamerstukken II 2023/24, 36222 & 31015, nr. 3",
        ] {
            assert_clean(text, expected.clone());
            assert_eq!(KamerstukRef::parse(text).key_hint(), None);
        }
    }

    #[test]
    fn lower_case() {
        assert_clean(
            "kamerstukken ii 2022/23, 34843, nr. 79",
            kst(
                Chamber::Tweede,
                session(2022, 2023),
                vec![dossier(34843, None)],
                Some("79"),
            ),
        );
        assert_clean(
            "kamerstukken ii 2022/23, 36200 iv, nr. 12",
            kst(
                Chamber::Tweede,
                session(2022, 2023),
                vec![dossier(36200, Some("IV"))],
                Some("12"),
            ),
        );
    }

    #[test]
    fn handelingen() {
        let text = "Handelingen II 2018/19, nr. 5, item 6";
        assert_clean(
            text,
            ParsedRef {
                source: Source::Handelingen,
                chamber: Chamber::Tweede,
                session: session(2018, 2019),
                dossiers: Vec::new(),
                number: Some("5".to_string()),
                item: Some(6),
                page: None,
            },
        );
        assert_eq!(KamerstukRef::parse(text).key_hint(), None);
        assert_clean(
            "Hand. I 2019/20, nr. 12",
            ParsedRef {
                source: Source::Handelingen,
                chamber: Chamber::Eerste,
                session: session(2019, 2020),
                dossiers: Vec::new(),
                number: Some("12".to_string()),
                item: None,
                page: None,
            },
        );
    }

    #[test]
    fn without_session_year() {
        let short = KamerstukRef::parse("Kamerstuk 34843, nr. 79");
        assert_eq!(
            short.parsed,
            Some(kst(
                Chamber::Tweede,
                None,
                vec![dossier(34843, None)],
                Some("79")
            ))
        );
        assert_eq!(
            short.flags,
            vec!["no chamber given; assumed Tweede Kamer", "no session year"]
        );
        assert_eq!(short.key_hint().as_deref(), Some("34843-79"));

        let with_chamber = KamerstukRef::parse("Kamerstukken II 34843, nr. 79");
        assert_eq!(
            with_chamber.parsed,
            Some(kst(
                Chamber::Tweede,
                None,
                vec![dossier(34843, None)],
                Some("79")
            ))
        );
        assert_eq!(with_chamber.flags, vec!["no session year"]);
        assert!(!with_chamber.is_clean());
    }

    #[test]
    fn chamber_inferred_from_letter() {
        let r = KamerstukRef::parse("Kamerstuk 35570, C");
        assert_eq!(
            r.parsed,
            Some(kst(
                Chamber::Eerste,
                None,
                vec![dossier(35570, None)],
                Some("C")
            ))
        );
        assert_eq!(
            r.flags,
            vec![
                "no chamber given; assumed Eerste Kamer (letter-numbered document)",
                "no session year"
            ]
        );
    }

    #[test]
    fn malformed_session_years() {
        let typo = KamerstukRef::parse("Kamerstukken II 202/25, 36600, nr. 3");
        assert_eq!(
            typo.parsed,
            Some(kst(
                Chamber::Tweede,
                None,
                vec![dossier(36600, None)],
                Some("3")
            ))
        );
        assert_eq!(
            typo.flags,
            vec!["session year '202/25' is not a valid year pair"]
        );

        for (text, year) in [
            ("Kamerstukken II 2022/25, 36600, nr. 3", "2022/25"),
            ("Kamerstukken II 2022-2024, 36600, nr. 3", "2022-2024"),
            ("Kamerstukken II 2022/2022, 36600, nr. 3", "2022/2022"),
            ("Kamerstukken II 2022, 36600, nr. 3", "2022"),
            ("Kamerstukken II 20222/23, 36600, nr. 3", "20222/23"),
        ] {
            let r = KamerstukRef::parse(text);
            assert_eq!(
                r.parsed,
                Some(kst(
                    Chamber::Tweede,
                    None,
                    vec![dossier(36600, None)],
                    Some("3")
                )),
                "{text}"
            );
            assert_eq!(
                r.flags,
                vec![format!("session year '{year}' is not a valid year pair")],
                "{text}"
            );
        }
    }

    #[test]
    fn session_year_forms() {
        for text in [
            "Kamerstukken II 2022-2023, 34843, nr. 79",
            "Kamerstukken II 2022/2023, 34843, nr. 79",
            "Kamerstukken II 2022-23, 34843, nr. 79",
            "Kamerstukken II 2022 / 23, 34843, nr. 79",
        ] {
            assert_clean(
                text,
                kst(
                    Chamber::Tweede,
                    session(2022, 2023),
                    vec![dossier(34843, None)],
                    Some("79"),
                ),
            );
        }
        assert_clean(
            "Kamerstukken II 1999/00, 26271, nr. 6",
            kst(
                Chamber::Tweede,
                session(1999, 2000),
                vec![dossier(26271, None)],
                Some("6"),
            ),
        );
    }

    #[test]
    fn suffix_forms() {
        for (text, number, suffix) in [
            ("Kamerstukken II 2023/24, 35925-VIII, nr. 1", 35925, "VIII"),
            ("Kamerstukken II 2023/24, 36410-XVI, nr. 1", 36410, "XVI"),
            ("Kamerstukken II 2023/24, 21501-30, nr. 1", 21501, "30"),
            ("Kamerstukken II 2023/24, 21501 - 30, nr. 1", 21501, "30"),
            ("Kamerstukken II 2023/24, 35570 C, nr. 1", 35570, "C"),
            ("Kamerstukken II 2023/24, 36200-iv, nr. 1", 36200, "IV"),
        ] {
            assert_clean(
                text,
                kst(
                    Chamber::Tweede,
                    session(2023, 2024),
                    vec![dossier(number, Some(suffix))],
                    Some("1"),
                ),
            );
        }
        // Without a session year a hyphenated numeric suffix is not a year.
        let r = KamerstukRef::parse("Kamerstukken II 21501-30, nr. 1");
        assert_eq!(
            r.parsed,
            Some(kst(
                Chamber::Tweede,
                None,
                vec![dossier(21501, Some("30"))],
                Some("1")
            ))
        );
        assert_eq!(r.key_hint().as_deref(), Some("21501-30-1"));
    }

    #[test]
    fn trailing_text_is_flagged_but_parsed() {
        let expected = kst(
            Chamber::Tweede,
            session(2022, 2023),
            vec![dossier(34843, None)],
            Some("79"),
        );
        for (text, rest) in [
            ("Kamerstukken II 2022/23, 34843, nr. 79 (motie)", "(motie)"),
            (
                "Kamerstukken II 2022/23, 34843, nr. 79.  Zie ook",
                ". Zie ook",
            ),
        ] {
            let r = KamerstukRef::parse(text);
            assert_eq!(r.parsed, Some(expected.clone()), "{text}");
            let wanted = format!("trailing text ignored: '{rest}'");
            // Internal whitespace is quoted as written; compare loosely.
            assert_eq!(r.flags.len(), 1, "{text}: {:?}", r.flags);
            assert_eq!(
                r.flags
                    .first()
                    .map(|f| f.split_whitespace().collect::<Vec<_>>()),
                Some(wanted.split_whitespace().collect::<Vec<_>>()),
                "{text}"
            );
            assert_eq!(r.key_hint().as_deref(), Some("34843-79"));
        }
    }

    #[test]
    fn page_and_item_references_are_kept() {
        for (text, page) in [
            ("Kamerstukken II 2022/23, 34843, nr. 79, p. 3", "3"),
            ("Kamerstukken II 2022/23, 34843, nr. 79, blz. 3-5", "3-5"),
            ("Kamerstukken II 2022/23, 34843, nr. 79 - pag. 3", "3"),
        ] {
            let r = KamerstukRef::parse(text);
            assert!(r.is_clean(), "{text}: {:?}", r.flags);
            let p = r.parsed.clone().unwrap();
            assert_eq!(p.page.as_deref(), Some(page), "{text}");
            assert_eq!(p.number.as_deref(), Some("79"));
            assert_eq!(r.key_hint().as_deref(), Some("34843-79"));
        }
        let h = KamerstukRef::parse("Handelingen I 2019/20, nr. 22, item 7 - blz. 4");
        assert!(h.is_clean(), "{:?}", h.flags);
        let p = h.parsed.unwrap();
        assert_eq!(
            (p.number.as_deref(), p.item, p.page.as_deref()),
            (Some("22"), Some(7), Some("4"))
        );
        let h = KamerstukRef::parse("Handelingen II 2021/22, nr. 34, item 9");
        assert!(h.is_clean());
        assert_eq!(h.parsed.unwrap().item, Some(9));
        // A page reference is kept in JSON only when there is one.
        let j = serde_json::to_value(KamerstukRef::parse("Kamerstuk 34843, nr. 79, p. 4")).unwrap();
        assert_eq!(j["parsed"]["page"], "4");
        let j = serde_json::to_value(KamerstukRef::parse("Kamerstuk 34843, nr. 79")).unwrap();
        assert!(j["parsed"].get("page").is_none());
    }

    #[test]
    fn bare_form_without_kamerstukken() {
        let flags = vec!["no chamber given; assumed Tweede Kamer", "no session year"];
        for (text, d, suffix, nr, key) in [
            (
                "36 410 VII, nr. 5",
                36410,
                Some("VII"),
                Some("5"),
                Some("36410-VII-5"),
            ),
            ("30 123, nr. 42", 30123, None, Some("42"), Some("30123-42")),
            ("34843, nr. 79.", 34843, None, Some("79"), Some("34843-79")),
            (
                "36410-VII nr. 5",
                36410,
                Some("VII"),
                Some("5"),
                Some("36410-VII-5"),
            ),
        ] {
            let r = KamerstukRef::parse(text);
            assert_eq!(
                r.parsed,
                Some(kst(Chamber::Tweede, None, vec![dossier(d, suffix)], nr)),
                "{text}"
            );
            assert_eq!(r.flags, flags, "{text}");
            assert_eq!(r.key_hint().as_deref(), key, "{text}");
        }
        // A dossier alone, when written as one (groups, dots or a suffix).
        for (text, d, suffix) in [
            ("35.611", 35611, None),
            ("36 410 VII", 36410, Some("VII")),
            ("35.570-VIII", 35570, Some("VIII")),
        ] {
            let r = KamerstukRef::parse(text);
            assert_eq!(
                r.parsed,
                Some(kst(Chamber::Tweede, None, vec![dossier(d, suffix)], None)),
                "{text}"
            );
            assert_eq!(
                r.flags,
                vec![
                    "no chamber given; assumed Tweede Kamer",
                    "no session year",
                    "no document number"
                ]
            );
        }
        // Two dotted dossiers.
        let r = KamerstukRef::parse("35.611, 35.612");
        assert_eq!(r.parsed.unwrap().dossiers.len(), 2);
        // Numbers that are not taken for citations.
        for text in [
            "34843",
            "2023",
            "12 mei 2023",
            "36410 mensen hebben gereageerd",
            "36 410, nr. 5 en verder niets",
            "34843, 5",
            "123, nr. 5",
            "3 nr. 4",
        ] {
            assert_eq!(KamerstukRef::parse(text).parsed, None, "{text}");
        }
    }

    #[test]
    fn dotted_dossier_numbers() {
        assert_clean(
            "Kamerstukken I 2019/20, 35.611, C",
            kst(
                Chamber::Eerste,
                session(2019, 2020),
                vec![dossier(35611, None)],
                Some("C"),
            ),
        );
        assert_clean(
            "Kamerstukken II 2021/22, 35.925 VIII, nr. 124",
            kst(
                Chamber::Tweede,
                session(2021, 2022),
                vec![dossier(35925, Some("VIII"))],
                Some("124"),
            ),
        );
    }

    #[test]
    fn document_ids() {
        let r = KamerstukRef::parse("kst-36100-12");
        assert_eq!(
            r.parsed,
            Some(kst(
                Chamber::Tweede,
                None,
                vec![dossier(36100, None)],
                Some("12")
            ))
        );
        assert_eq!(
            r.flags,
            vec!["no chamber given; assumed Tweede Kamer", "no session year"]
        );
        assert_eq!(r.key_hint().as_deref(), Some("36100-12"));
        let r = KamerstukRef::parse("kst-36410-VII-5");
        assert_eq!(r.key_hint().as_deref(), Some("36410-VII-5"));
        let r = KamerstukRef::parse("KST-21501-30-123.");
        assert_eq!(r.key_hint().as_deref(), Some("21501-30-123"));
        let r = KamerstukRef::parse("kst-35570-C");
        assert_eq!(r.parsed.unwrap().chamber, Chamber::Eerste);
        let h = KamerstukRef::parse("h-tk-20212022-34-9");
        assert!(h.is_clean(), "{:?}", h.flags);
        let p = h.parsed.unwrap();
        assert_eq!(
            (p.source, p.chamber, p.session, p.number.as_deref(), p.item),
            (
                Source::Handelingen,
                Chamber::Tweede,
                session(2021, 2022),
                Some("34"),
                Some(9)
            )
        );
        for text in [
            "kst-",
            "kst-abc-1",
            "kst-36100",
            "x-36100-12",
            "h-xk-20212022-3",
        ] {
            assert_eq!(KamerstukRef::parse(text).parsed, None, "{text}");
        }
    }

    #[test]
    fn number_with_letter() {
        let text = "Kamerstukken II 2022/23, 34843, nr. 079a";
        assert_clean(
            text,
            kst(
                Chamber::Tweede,
                session(2022, 2023),
                vec![dossier(34843, None)],
                Some("79A"),
            ),
        );
        assert_eq!(
            KamerstukRef::parse(text).key_hint().as_deref(),
            Some("34843-79A")
        );
    }

    #[test]
    fn missing_or_bare_number() {
        let r = KamerstukRef::parse("Kamerstukken II 2022/23, 34843");
        assert_eq!(
            r.parsed,
            Some(kst(
                Chamber::Tweede,
                session(2022, 2023),
                vec![dossier(34843, None)],
                None
            ))
        );
        assert_eq!(r.flags, vec!["no document number"]);
        assert_eq!(r.key_hint(), None);

        let r = KamerstukRef::parse("Kamerstukken II 2022/23, 34843, 79");
        assert_eq!(
            r.parsed,
            Some(kst(
                Chamber::Tweede,
                session(2022, 2023),
                vec![dossier(34843, None)],
                Some("79")
            ))
        );
        assert_eq!(r.flags, vec!["document number '79' given without 'nr.'"]);
    }

    #[test]
    fn unicode_spaces() {
        assert_clean(
            "Kamerstukken\u{a0}II\u{a0}2022/23,\u{a0}36\u{a0}229,  nr.\u{202f}5",
            kst(
                Chamber::Tweede,
                session(2022, 2023),
                vec![dossier(36229, None)],
                Some("5"),
            ),
        );
        assert_clean(
            "  \u{a0}Kamerstukken   II    2022/23 ,  34843 , nr .  79 \t\n",
            kst(
                Chamber::Tweede,
                session(2022, 2023),
                vec![dossier(34843, None)],
                Some("79"),
            ),
        );
    }

    #[test]
    fn raw_is_trimmed_only() {
        let r = KamerstukRef::parse("  kamerstukken ii 2022/23,  34843, nr.79  ");
        assert_eq!(r.raw, "kamerstukken ii 2022/23,  34843, nr.79");
        assert_eq!(r.to_string(), r.raw);
    }

    #[test]
    fn not_citations() {
        assert_rejected("");
        assert_rejected("   \u{a0} ");
        assert_rejected("zie brief van 3 mei");
        assert_rejected("Kamerstukken");
        assert_rejected("Kamerstukken II");
        assert_rejected("Kamerstukken II 2022/23");
        assert_rejected("Handelingen II 2018/19");
        assert_rejected("🎉🎉 \u{0}\u{7f}\u{fffd}");
        assert_rejected("Toezegging gedaan tijdens het commissiedebat, zie verslag.");
        assert_rejected("Kamerstukken zijn nog niet gepubliceerd.");
        assert_rejected("Motie aangenomen; Kamerstukken II 2022/23, 34843, nr. 79");
        let three = assert_rejected("Kamerstukken III 2022/23, 1, nr. 1");
        assert_eq!(
            three.flags,
            vec!["not a recognised citation: chamber 'III' must be I or II"]
        );
        let big = assert_rejected("Kamerstukken II 2022/23, 4294967296, nr. 1");
        assert_eq!(
            big.flags,
            vec!["not a recognised citation: dossier number '4294967296' is out of range"]
        );
        assert_rejected("Kamerstukken II 2022/23, 42 949 672 960, nr. 1");
        assert_rejected("Kamerstukken II 2022/23, 34843, nr. 99999999999999999999");
        assert_rejected("Handelingen II 2018/19, nr. 5, item 99999999999");
        assert_rejected(&"9".repeat(100_000));
        assert_rejected(&"Kamerstukken ".repeat(10_000));
    }

    #[test]
    fn u32_boundary() {
        assert_clean(
            "Kamerstukken II 2022/23, 4294967295, nr. 4294967295",
            kst(
                Chamber::Tweede,
                session(2022, 2023),
                vec![dossier(u32::MAX, None)],
                Some("4294967295"),
            ),
        );
    }

    #[test]
    fn long_input_flags_are_bounded() {
        let text = format!(
            "Kamerstukken II 2022/23, 34843, nr. 79 {}",
            "x".repeat(50_000)
        );
        let r = KamerstukRef::parse(&text);
        assert!(r.parsed.is_some());
        assert!(r.flags.iter().all(|f| f.chars().count() < 200));
    }

    #[test]
    fn display_impls() {
        assert_eq!(
            SessionYear {
                start: 2022,
                end: 2023
            }
            .to_string(),
            "2022/23"
        );
        assert_eq!(
            SessionYear {
                start: 2008,
                end: 2009
            }
            .to_string(),
            "2008/09"
        );
        assert_eq!(
            SessionYear {
                start: 1999,
                end: 2000
            }
            .to_string(),
            "1999/2000"
        );
        assert_eq!(dossier(35925, Some("VIII")).to_string(), "35925-VIII");
        assert_eq!(dossier(34843, None).to_string(), "34843");
    }

    #[test]
    fn key_hint_filters_suffix() {
        let r = KamerstukRef {
            raw: String::new(),
            parsed: Some(kst(
                Chamber::Tweede,
                None,
                vec![dossier(36200, Some("I V/ä"))],
                Some("12"),
            )),
            flags: Vec::new(),
        };
        assert_eq!(r.key_hint().as_deref(), Some("36200-IV-12"));
    }

    /// Deterministic pseudo-random numbers (xorshift), so the fuzz test needs
    /// no extra crates and is reproducible.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            let n64 = u64::try_from(n.max(1)).unwrap_or(u64::MAX);
            usize::try_from(self.next() % n64).unwrap_or(0)
        }
    }

    fn check_invariants(text: &str) {
        let r = KamerstukRef::parse(text);
        assert_eq!(r.raw, text.trim(), "raw altered for {text:?}");
        assert_eq!(r.to_string(), r.raw);
        assert_eq!(r.is_clean(), r.parsed.is_some() && r.flags.is_empty());
        if r.parsed.is_none() {
            assert!(!r.flags.is_empty(), "unparsed without a flag: {text:?}");
        }
        if let Some(p) = &r.parsed {
            if p.source == Source::Handelingen {
                assert!(p.dossiers.is_empty());
            } else {
                assert!(!p.dossiers.is_empty());
            }
            if let Some(s) = p.session {
                assert_eq!(s.end, s.start + 1);
                let _ = s.to_string();
            }
        }
        if let Some(key) = r.key_hint() {
            assert!(
                key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'),
                "bad key {key:?} for {text:?}"
            );
        }
    }

    #[test]
    fn fuzz_no_panic_and_raw_preserved() {
        let seeds = [
            "Kamerstukken II 2022/23, 34843, nr. 79",
            "Kamerstukken II 2022/23, 34843, nr.78",
            "Kamerstukken II 2021/22, 35925-VIII, nr. 124.",
            "Kamerstukken II 2022/23, 36200 IV, nr. 12",
            "Kamerstukken II 2022/23, 36 229, nr. 5",
            "Kamerstukken II, 1999-2000, 26 271, nr. 6",
            "Kamerstukken I 2020/21, 35 570, C",
            "Kamerstukken II 2023/24, 36222 en 31015, nr. 3",
            "kamerstukken ii 2022/23, 34843, nr. 79",
            "Handelingen II 2018/19, nr. 5, item 6",
            "Kamerstuk 34843, nr. 79",
            "Kamerstukken II 202/25, 36600, nr. 3",
            "Kamerstukken\u{a0}II 2022/23, 34843, nr. 79 (motie) 🎉",
        ];
        let mut inputs: Vec<String> = Vec::new();
        for seed in seeds {
            // Every prefix and suffix at a char boundary.
            for (at, _) in seed.char_indices() {
                inputs.push(seed.get(..at).unwrap_or_default().to_string());
                inputs.push(seed.get(at..).unwrap_or_default().to_string());
            }
            // Single-byte substitutions, repaired to UTF-8 lossily.
            let bytes = seed.as_bytes();
            for at in 0..bytes.len() {
                for replacement in [
                    0u8, b' ', b',', b'.', b'/', b'-', b'9', b'I', b'x', 0xC3, 0xFF,
                ] {
                    let mut mutated = bytes.to_vec();
                    if let Some(b) = mutated.get_mut(at) {
                        *b = replacement;
                    }
                    inputs.push(String::from_utf8_lossy(&mutated).into_owned());
                }
                // Byte deletion.
                let mut cut = bytes.to_vec();
                if at < cut.len() {
                    cut.remove(at);
                }
                inputs.push(String::from_utf8_lossy(&cut).into_owned());
            }
        }
        // Random token soups built from citation-like pieces.
        let pieces = [
            "Kamerstukken",
            "Kamerstuk",
            "Handelingen",
            "Hand.",
            "Kst",
            "I",
            "II",
            "III",
            "2022",
            "/",
            "-",
            "23",
            "2023",
            ",",
            " ",
            "\u{a0}",
            "nr",
            ".",
            "nr.",
            "79",
            "36",
            "229",
            "VIII",
            "C",
            "en",
            "item",
            "6",
            "(motie)",
            "4294967296",
            "0",
            "🎉",
            "é",
            "\u{301}",
            "\u{200b}",
            "p.",
            "&",
            "Eerste",
            "Kamer",
            ":",
            ";",
        ];
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for _ in 0..20_000 {
            let len = rng.below(14);
            let mut s = String::new();
            for _ in 0..len {
                if let Some(piece) = pieces.get(rng.below(pieces.len())) {
                    s.push_str(piece);
                    if rng.below(3) > 0 {
                        s.push(' ');
                    }
                }
            }
            inputs.push(s);
        }
        // Arbitrary code points, including control and private-use ones.
        for _ in 0..2_000 {
            let len = rng.below(30);
            let s: String = (0..len)
                .filter_map(|_| {
                    let code = u32::try_from(rng.next() % 0x11_0000).unwrap_or(0);
                    char::from_u32(code)
                })
                .collect();
            inputs.push(s);
        }
        for text in &inputs {
            check_invariants(text);
        }
        assert!(inputs.len() > 10_000);
    }
}

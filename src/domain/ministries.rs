//! The responsible party written in words, as registers and letters name
//! it ("Minister van BZK", "Staatssecretaris van Financiën", "de minister
//! voor Klimaat en Energie"), read into responsible codes (`MBZK`, `SFIN`,
//! `MKE`; see [`super::responsible`]).
//!
//! Which words name which portfolio is data, not code: `docs/ministries.json`
//! lists current and past ministries and ministers without a ministry, and
//! is built in; a ledger can bring more entries in the same form
//! ([`Ministries::from_json`], [`Ministries::extend`]). Matching ignores
//! case, accents, commas and "&" (read as "en"), takes the longest name that
//! starts the words after "van"/"voor", and ignores a qualifier after a
//! dash, colon or parenthesis (a state secretary's own field).

use super::text::nfc;
use super::{Invalid, Responsible, ResponsibleCode, Role};
use serde::Deserialize;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// The built-in table.
const BUILTIN: &str = include_str!("../../docs/ministries.json");

/// Longest text accepted, in characters: a few parties, not a paragraph.
const MAX_CHARS: usize = 400;

/// One portfolio and the names it goes by.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Portfolio {
    /// The portfolio part of a responsible code, e.g. `BZK`.
    pub code: String,
    /// Its names and abbreviations, e.g. "Binnenlandse Zaken en
    /// Koninkrijksrelaties", "BZK".
    pub names: Vec<String>,
}

/// A table of portfolios by name.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Ministries {
    portfolios: Vec<Portfolio>,
    /// Every name as folded words, with its portfolio's index, longest
    /// first (so the longest match wins).
    names: Vec<(Vec<String>, usize)>,
}

#[derive(Deserialize)]
struct File {
    portfolios: Vec<Portfolio>,
}

impl Ministries {
    /// The built-in table (`docs/ministries.json`).
    pub fn builtin() -> Ministries {
        // The file is ours and a unit test reads it; an empty table is the
        // harmless fallback that keeps this free of panics.
        Ministries::from_json("docs/ministries.json", BUILTIN).unwrap_or_default()
    }

    /// Reads a table in the form of `docs/ministries.json`; `file` names it
    /// in messages. Every code must be a valid portfolio.
    pub fn from_json(file: &str, json: &str) -> Result<Ministries, Invalid> {
        let f: File = serde_json::from_str(json).map_err(|e| {
            Invalid::new(
                "ministries file",
                file,
                format!("JSON with a 'portfolios' list of {{code, names}} ({e})"),
            )
        })?;
        let mut m = Ministries::default();
        for p in f.portfolios {
            if Responsible::parse(&format!("M{}", p.code)).is_err() {
                return Err(Invalid::new(
                    "portfolio code",
                    &p.code,
                    "two to six letters, e.g. BZK or JenV",
                ));
            }
            m.portfolios.push(p);
        }
        m.index();
        Ok(m)
    }

    /// Adds the entries of `other`; a name both know keeps this table's
    /// meaning only if it is longer, so the added entries win ties.
    pub fn extend(&mut self, other: Ministries) {
        self.portfolios.extend(other.portfolios);
        self.index();
    }

    /// The portfolios, in table order.
    pub fn portfolios(&self) -> &[Portfolio] {
        &self.portfolios
    }

    fn index(&mut self) {
        self.names = self
            .portfolios
            .iter()
            .enumerate()
            .flat_map(|(i, p)| p.names.iter().map(move |n| (words(n), i)))
            .filter(|(w, _)| !w.is_empty())
            .collect();
        // Longest first; among equals the later entry (an extension) first.
        self.names
            .sort_by(|(a, i), (b, j)| b.len().cmp(&a.len()).then(j.cmp(i)));
    }

    /// Reads the responsible parties named in words: one or more of a role
    /// ("Minister", "Staatssecretaris", "Ministerie", "Minister-president")
    /// followed by "van" or "voor" and a portfolio's name, joined by "en"
    /// or commas; "de ministers van OCW en SZW" names two. Responsible codes
    /// as an annex writes them (`SOCW`, `MOCW en SOCW`) are accepted too.
    pub fn responsible(&self, text: &str) -> Result<Responsible, Invalid> {
        let expected = || {
            "a role and a portfolio in words, e.g. 'Minister van BZK', 'Staatssecretaris van Financiën' or 'Minister voor Klimaat en Energie' (docs/ministries.json lists the names), or codes such as SOCW".to_string()
        };
        if text.chars().count() > MAX_CHARS {
            return Err(Invalid::new("responsible", text, expected()));
        }
        if let Ok(r) = Responsible::parse(text) {
            return Ok(r);
        }
        let toks = tokens(text);
        let roles: Vec<(usize, Option<Role>)> = toks
            .iter()
            .enumerate()
            .filter_map(|(i, t)| role_word(t).map(|r| (i, r)))
            .collect();
        let Some(&(first, _)) = roles.first() else {
            return Err(Invalid::new("responsible", text, expected()));
        };
        // Only articles may come before the first role.
        if toks
            .get(..first)
            .unwrap_or_default()
            .iter()
            .any(|t| !is_filler(t))
        {
            return Err(Invalid::new("responsible", text, expected()));
        }
        let mut codes: Vec<String> = Vec::new();
        for (k, &(at, role)) in roles.iter().enumerate() {
            let end = roles.get(k + 1).map_or(toks.len(), |(next, _)| *next);
            let segment = toks.get(at + 1..end).unwrap_or_default();
            let (role, portfolios) = match role {
                // The minister-president is the minister of Algemene Zaken.
                None => (Role::Minister, self.segment(segment, true, text)?),
                Some(role) => (role, self.segment(segment, false, text)?),
            };
            let letter = match role {
                Role::Minister => 'M',
                Role::StateSecretary => 'S',
            };
            codes.extend(portfolios.into_iter().map(|p| format!("{letter}{p}")));
        }
        Responsible::parse(&codes.join(" en "))
            .map_err(|e| Invalid::new("responsible", text, e.expected))
    }

    /// The portfolios one role's words name: after "van"/"voor", one or
    /// more names joined by "en" or commas, up to a qualifier or trailing
    /// connectors.
    fn segment(
        &self,
        segment: &[String],
        premier: bool,
        text: &str,
    ) -> Result<Vec<String>, Invalid> {
        let mut words: Vec<&str> = Vec::new();
        for t in segment {
            // A dash, colon or parenthesis opens a qualifier.
            if t == "-" {
                break;
            }
            words.push(t);
        }
        while words
            .last()
            .is_some_and(|w| is_filler(w) || *w == "en" || *w == ",")
        {
            words.pop();
        }
        if premier && words.is_empty() {
            return Ok(vec!["AZ".to_string()]);
        }
        let mut rest: &[&str] = &words;
        if let Some((first, after)) = rest.split_first()
            && matches!(*first, "van" | "voor")
        {
            rest = after;
        }
        let mut out = Vec::new();
        loop {
            let content: Vec<&str> = rest.iter().copied().filter(|w| *w != ",").collect();
            let Some((len, code)) = self.longest(&content) else {
                return Err(Invalid::new(
                    "responsible",
                    text,
                    format!(
                        "a portfolio known by name where it says '{}' (docs/ministries.json lists the names; a ledger can add its own)",
                        rest.join(" ").replace(" ,", ",")
                    ),
                ));
            };
            out.push(code);
            // Skip the matched words (commas inside the name included).
            let mut seen = 0;
            let mut used = 0;
            for w in rest {
                if seen == len {
                    break;
                }
                used += 1;
                if *w != "," {
                    seen += 1;
                }
            }
            rest = rest.get(used..).unwrap_or_default();
            match rest {
                [] => return Ok(out),
                [sep, more @ ..] if matches!(*sep, "en" | ",") && !more.is_empty() => rest = more,
                _ => {
                    return Err(Invalid::new(
                        "responsible",
                        text,
                        format!(
                            "nothing after the portfolio, or another one joined by 'en' (not understood: '{}')",
                            rest.join(" ")
                        ),
                    ));
                }
            }
        }
    }

    /// The longest known name that `words` start with: its length in words
    /// and its portfolio code.
    fn longest(&self, words: &[&str]) -> Option<(usize, String)> {
        self.names.iter().find_map(|(name, i)| {
            let hit = name.len() <= words.len() && name.iter().zip(words).all(|(a, b)| a == b);
            hit.then(|| {
                self.portfolios
                    .get(*i)
                    .map(|p| (name.len(), p.code.clone()))
            })
            .flatten()
        })
    }
}

/// A role word: Some(role), or None for the minister-president.
fn role_word(t: &str) -> Option<Option<Role>> {
    match t {
        "minister" | "ministers" | "ministerie" | "min" => Some(Some(Role::Minister)),
        "staatssecretaris" | "staatssecretarissen" | "stas" => Some(Some(Role::StateSecretary)),
        "minister-president" | "premier" => Some(None),
        _ => None,
    }
}

fn is_filler(t: &str) -> bool {
    matches!(t, "de" | "het" | "door")
}

/// Folds text for matching: NFC, accents dropped, lower case.
fn fold(s: &str) -> String {
    nfc(s)
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The words of a name as matched: folded, "&" as "en", commas dropped.
fn words(name: &str) -> Vec<String> {
    tokens(name).into_iter().filter(|t| t != ",").collect()
}

/// Folded tokens: words (an inner hyphen kept, "minister-president"),
/// "&" as "en", and the punctuation that separates: "," "-" "(" ":".
fn tokens(s: &str) -> Vec<String> {
    let folded = fold(s);
    let mut out = Vec::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut Vec<String>| {
        let w = word.trim_matches('-').to_string();
        if !w.is_empty() {
            out.push(w);
        }
        word.clear();
    };
    let chars: Vec<char> = folded.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let inner_hyphen =
            c == '-' && !word.is_empty() && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric());
        if c.is_alphanumeric() || inner_hyphen {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            match c {
                '&' => out.push("en".into()),
                ',' | ';' | '/' => out.push(",".into()),
                '-' | '–' | '(' | ':' => out.push("-".into()),
                _ => {}
            }
        }
    }
    flush(&mut word, &mut out);
    out
}

impl ResponsibleCode {
    /// The portfolio of this code in words, from `table` (its first name),
    /// when the table knows it.
    pub fn portfolio_name<'a>(&self, table: &'a Ministries) -> Option<&'a str> {
        table
            .portfolios()
            .iter()
            .find(|p| {
                Responsible::parse(&format!("M{}", p.code))
                    .ok()
                    .and_then(|r| r.codes().first().map(|c| c.portfolio == self.portfolio))
                    .unwrap_or(false)
            })
            .and_then(|p| p.names.first().map(String::as_str))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(s: &str) -> String {
        Ministries::builtin()
            .responsible(s)
            .map(|r| r.to_string())
            .unwrap_or_else(|e| format!("error: {}", e.expected))
    }

    #[test]
    fn the_builtin_table_reads() {
        let m = Ministries::from_json("docs/ministries.json", BUILTIN).unwrap();
        assert!(m.portfolios().len() >= 30);
        assert_eq!(Ministries::builtin(), m);
    }

    #[test]
    fn roles_and_portfolios_in_words() {
        for (text, codes) in [
            ("Minister van BZK", "MBZK"),
            ("Staatssecretaris van Financiën", "SFIN"),
            ("staatssecretaris van financien", "SFIN"),
            (
                "Staatssecretaris van Financiën - Fiscaliteit en Belastingdienst",
                "SFIN",
            ),
            ("Minister van Onderwijs, Cultuur en Wetenschap", "MOCW"),
            ("Minister van Economische Zaken en Klimaat", "MEZK"),
            ("Minister van Economische Zaken", "MEZ"),
            ("Minister van EZK", "MEZK"),
            ("Minister van Justitie en Veiligheid", "MJenV"),
            (
                "Staatssecretaris van Justitie en Veiligheid (Asiel en Migratie)",
                "SJenV",
            ),
            ("Minister van Veiligheid en Justitie", "MVENJ"),
            ("Minister voor Klimaat en Energie", "MKE"),
            ("Minister van Asiel en Migratie", "MAenM"),
            ("Minister van Klimaat en Groene Groei", "MKGG"),
            (
                "Minister van Landbouw, Visserij, Voedselzekerheid en Natuur",
                "MLVVN",
            ),
            ("Minister van LNV", "MLNV"),
            ("Minister van Infrastructuur en Waterstaat", "MIenW"),
            ("Minister van Buitenlandse Zaken", "MBZ"),
            ("Minister van BuZa", "MBZ"),
            ("Minister van Defensie", "MDEF"),
            ("Minister van Sociale Zaken en Werkgelegenheid", "MSZW"),
            ("Minister van VWS", "MVWS"),
            ("Minister-President", "MAZ"),
            ("minister-president, minister van Algemene Zaken", "MAZ"),
            ("Ministerie van Financiën", "MFIN"),
            (
                "De minister van OCW en de staatssecretaris van SZW",
                "MOCW en SSZW",
            ),
            ("Minister van OCW, Staatssecretaris van OCW", "MOCW en SOCW"),
            ("de ministers van OCW en SZW", "MOCW en MSZW"),
            (
                "Minister van Justitie en Veiligheid en Minister van BZK",
                "MJenV en MBZK",
            ),
            ("SOCW", "SOCW"),
            ("MOCW en SJenV", "MOCW en SJenV"),
        ] {
            assert_eq!(read(text), codes, "{text}");
        }
    }

    #[test]
    fn unknown_names_are_refused_with_the_words() {
        let e = Ministries::builtin()
            .responsible("Minister van Ruimtevaart")
            .unwrap_err();
        assert!(e.expected.contains("where it says 'ruimtevaart'"), "{e}");
        for bad in [
            "",
            "de regering",
            "Jansen",
            "Minister",
            "Minister van BZK extra",
        ] {
            assert!(read(bad).starts_with("error"), "{bad}");
        }
    }

    #[test]
    fn a_ledger_can_add_names() {
        let mut m = Ministries::builtin();
        assert!(m.responsible("Minister voor Ruimtevaart").is_err());
        m.extend(
            Ministries::from_json(
                "eigen.json",
                r#"{"portfolios":[{"code":"RV","names":["Ruimtevaart"]}]}"#,
            )
            .unwrap(),
        );
        assert_eq!(
            m.responsible("Minister voor Ruimtevaart")
                .unwrap()
                .to_string(),
            "MRV"
        );
        let e = Ministries::from_json("x.json", r#"{"portfolios":[{"code":"R2","names":["x"]}]}"#)
            .unwrap_err();
        assert!(e.expected.contains("two to six letters"));
        assert!(Ministries::from_json("x.json", "[]").is_err());
    }

    #[test]
    fn names_of_codes() {
        let m = Ministries::builtin();
        let r = Responsible::parse("SFIN").unwrap();
        assert_eq!(r.codes()[0].portfolio_name(&m), Some("Financiën"));
    }
}

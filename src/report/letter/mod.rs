//! The words of the documents that go into a letter to parliament: the
//! annex (`crate::formats::annex::render`, `crate::formats::annex::office`)
//! and the changes between two rounds ([`changes`]). Every word those
//! documents print comes from here or from the ledger's own data, in the
//! language asked for (Dutch by default), so a Dutch document holds no
//! English and an English one no Dutch of ours.
//!
//! A document does not open with the machine's `View:` line: it says in a
//! sentence which state it shows ([`Heading::sentence`]), marks anything that
//! is not a sealed round as a concept, and gives the sealed round's digest
//! labelled as the value to check. Sequence numbers and hashes appear only in
//! the lines meant for auditors ([`Heading::auditor`]).

pub mod changes;
pub mod changes_office;
pub mod worddiff;

use crate::domain::{Day, Legend, LegendEntry};
use crate::projection::{Basis, View};
use std::borrow::Cow;

/// The language of a document's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Lang {
    /// Dutch (the annex's own language).
    #[default]
    Nl,
    /// English.
    En,
}

impl Lang {
    /// The language tag of an HTML page (`nl`, `en`).
    pub fn code(self) -> &'static str {
        match self {
            Lang::Nl => "nl",
            Lang::En => "en",
        }
    }

    /// The language Word checks spelling in.
    pub fn word_language(self) -> &'static str {
        match self {
            Lang::Nl => "nl-NL",
            Lang::En => "en-GB",
        }
    }

    /// `nl` or `en` of a pair of words.
    pub fn pick<'a>(self, nl: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Nl => nl,
            Lang::En => en,
        }
    }
}

const MONTHS_NL: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A day as a letter writes it: `1 juli 2025`, `1 July 2025`.
pub fn day(d: Day, lang: Lang) -> String {
    let (y, m, dd) = d.parts();
    let months = match lang {
        Lang::Nl => &MONTHS_NL,
        Lang::En => &MONTHS_EN,
    };
    let month = months
        .get(usize::from(m.saturating_sub(1)))
        .copied()
        .unwrap_or("?");
    format!("{dd} {month} {y}")
}

/// The English label ledgers made before it was changed store for the
/// NAP's first status; it reads too much like "In progress".
const OLD_EN_INVULLING: &str = "Being carried out";

/// A status's label in `lang`.
pub fn label(e: &LegendEntry, lang: Lang) -> Cow<'_, str> {
    match lang {
        Lang::Nl => Cow::Borrowed(e.nl.as_str()),
        // The legend is stored in the ledger's first event, so a ledger
        // created before the NAP's English labels were told apart still
        // holds the old one: shown as the legend now names it.
        Lang::En if e.slug == "invulling" && e.en == OLD_EN_INVULLING => {
            Cow::Owned(Legend::nap().entries[0].en.clone())
        }
        Lang::En => Cow::Borrowed(e.en.as_str()),
    }
}

/// The label of a status slug in `lang` (the slug itself when the legend
/// lacks it).
pub fn status<'a>(legend: &'a Legend, slug: &'a str, lang: Lang) -> Cow<'a, str> {
    legend
        .get(slug)
        .map_or(Cow::Borrowed(slug), |e| label(e, lang))
}

/// A status's colour as `#rrggbb`, grey when the legend lacks it or its
/// colour is not one.
pub fn colour(legend: &Legend, slug: &str) -> String {
    legend
        .get(slug)
        .map(|e| e.colour.clone())
        .filter(|c| {
            c.len() == 7 && c.starts_with('#') && c[1..].chars().all(|x| x.is_ascii_hexdigit())
        })
        .unwrap_or_else(|| "#9e9e9e".into())
}

/// What a document says about the state it shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// Which state, in a sentence: "Stand zoals vastgelegd in ronde
    /// 2025-voorjaar, gemeld aan de Kamer op 15 mei 2025".
    pub sentence: String,
    /// The concept mark, for anything that is not a sealed round as sealed.
    pub concept: Option<String>,
    /// The round's digest labelled as the value to check, with how to check
    /// it, when the state is a sealed round.
    pub check: Option<Check>,
    /// Lines for auditors: where in the chain the state stands.
    pub auditor: Vec<String>,
}

/// A sealed round's digest as a document prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// "Controlewaarde (SHA-256) van ronde 2025-voorjaar".
    pub label: String,
    /// The digest, 64 hex digits.
    pub digest: String,
    /// How a reader checks it.
    pub how: String,
}

impl Check {
    /// Label and digest on one line.
    pub fn line(&self) -> String {
        format!("{}: {}", self.label, self.digest)
    }
}

/// The concept mark's word: `CONCEPT`, `DRAFT`.
pub fn concept_word(lang: Lang) -> &'static str {
    lang.pick("CONCEPT", "DRAFT")
}

/// The check of round `name` with `digest`.
pub fn check(name: &str, digest: &str, lang: Lang) -> Check {
    Check {
        label: match lang {
            Lang::Nl => format!("Controlewaarde (SHA-256) van ronde {name}"),
            Lang::En => format!("Value to check (SHA-256) of round {name}"),
        },
        digest: digest.to_string(),
        how: match lang {
            Lang::Nl => format!(
                "Deze waarde staat in de voortgangsbrief. Wie het register heeft, controleert dat niets is herschreven met: kamerstand verify --digest {digest}"
            ),
            Lang::En => format!(
                "This value is printed in the progress letter. Whoever holds the register checks that nothing was rewritten with: kamerstand verify --digest {digest}"
            ),
        },
    }
}

/// The sentence naming the state `view` shows, without the concept mark:
/// a round by its name and the day it was reported to parliament (the
/// letter's date, which the clerk gave), any other view by the day, in
/// Dutch time, of the last event it holds.
pub fn sentence(view: &View, lang: Lang) -> String {
    let recorded = match &view.basis {
        Basis::AsOf(i) => Some(Day::in_amsterdam(i.at)),
        _ => view.chain.last_recorded.map(Day::in_amsterdam),
    };
    let mut s = match (&view.basis, recorded, lang) {
        (Basis::Round(r), _, Lang::Nl) => format!(
            "Stand zoals vastgelegd in ronde {}, gemeld aan de Kamer op {}",
            r.name,
            day(r.reported_on, lang)
        ),
        (Basis::Round(r), _, Lang::En) => format!(
            "Status as recorded in round {}, reported to parliament on {}",
            r.name,
            day(r.reported_on, lang)
        ),
        (_, None, Lang::Nl) => "Nog niets vastgelegd".to_string(),
        (_, None, Lang::En) => "Nothing recorded yet".to_string(),
        (_, Some(d), Lang::Nl) => format!("Stand zoals vastgelegd op {}", day(d, lang)),
        (_, Some(d), Lang::En) => format!("Status as recorded on {}", day(d, lang)),
    };
    if let Some(d) = view.effective {
        s.push_str(&match lang {
            Lang::Nl => format!("; zoals het was op {}", day(d, lang)),
            Lang::En => format!("; as it stood on {}", day(d, lang)),
        });
    }
    s
}

/// True when `view` is a sealed round as it was sealed (no other day's
/// values): the only state a document shows without a concept mark.
pub fn is_sealed(view: &View) -> bool {
    matches!(view.basis, Basis::Round(_)) && view.effective.is_none()
}

/// What a document says about the state `view` shows.
pub fn heading(view: &View, lang: Lang) -> Heading {
    let sentence = sentence(view, lang);
    let concept = (!is_sealed(view)).then(|| match lang {
        Lang::Nl => {
            "CONCEPT — deze stand is geen verzegelde ronde en heeft daarom nog geen controlewaarde."
                .to_string()
        }
        Lang::En => {
            "DRAFT — this state is not a sealed round and so has no value to check yet.".to_string()
        }
    });
    let check = match &view.basis {
        Basis::Round(r) => Some(check(&r.name, &r.digest.hex(), lang)),
        _ => None,
    };
    Heading {
        sentence,
        concept,
        check,
        auditor: auditor(view, lang),
    }
}

/// The lines for auditors: the seal's place in the chain, or the view's end.
pub fn auditor(view: &View, lang: Lang) -> Vec<String> {
    let c = &view.chain;
    let mut out = Vec::new();
    if let Basis::Round(r) = &view.basis {
        out.push(match lang {
            Lang::Nl => format!(
                "Voor controleurs: ronde {} is verzegeld als gebeurtenis {} op {} door {}; de stand omvat {} gebeurtenissen.",
                r.name,
                r.seq,
                r.recorded_at.rfc3339(),
                r.actor,
                c.events
            ),
            Lang::En => format!(
                "For auditors: round {} was sealed as event {} at {} by {}; the state holds {} events.",
                r.name,
                r.seq,
                r.recorded_at.rfc3339(),
                r.actor,
                c.events
            ),
        });
    } else if let (Some(h), Some(t)) = (c.head, c.last_recorded) {
        out.push(match lang {
            Lang::Nl => format!(
                "Voor controleurs: stand na {} gebeurtenissen, de laatste vastgelegd op {} met hash {}.",
                c.events,
                t.rfc3339(),
                h.hex()
            ),
            Lang::En => format!(
                "For auditors: state after {} events, the last recorded at {} with hash {}.",
                c.events,
                t.rfc3339(),
                h.hex()
            ),
        });
    }
    out
}

/// Stored text escaped for Markdown so that it reads as written and never
/// becomes markup or a link ([`crate::formats::markdown::text`]).
pub fn md_escape(s: &str) -> String {
    crate::formats::markdown::text(s)
}

/// Escapes text for HTML.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Unicode superscript digits, as the annex writes footnote markers.
pub fn superscript(n: usize) -> String {
    const SUP: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    n.to_string()
        .chars()
        .filter_map(|c| c.to_digit(10).and_then(|d| SUP.get(d as usize)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_in_words() {
        let d = Day::from_parts(2025, 7, 1).unwrap();
        assert_eq!(day(d, Lang::Nl), "1 juli 2025");
        assert_eq!(day(d, Lang::En), "1 July 2025");
        let d = Day::from_parts(2024, 12, 31).unwrap();
        assert_eq!(day(d, Lang::Nl), "31 december 2024");
    }

    #[test]
    fn the_nap_english_labels_are_told_apart_also_in_old_ledgers() {
        let nap = Legend::nap();
        let labels: Vec<String> = nap
            .entries
            .iter()
            .map(|e| label(e, Lang::En).into_owned())
            .collect();
        assert!(!labels[0].contains("progress") && labels[1] == "In progress");
        let mut old = nap.entries[0].clone();
        old.en = OLD_EN_INVULLING.into();
        assert_eq!(label(&old, Lang::En), labels[0]);
        assert_eq!(label(&old, Lang::Nl), "Wordt invulling gegeven aan");
    }

    #[test]
    fn escaping_and_markers() {
        assert_eq!(superscript(15), "¹⁵");
        assert_eq!(
            esc("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        assert_eq!(md_escape("a|b*c_d"), "a\\|b\\*c\\_d");
    }
}

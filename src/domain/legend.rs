//! The status legend: which statuses a programme reports, stored as data in the
//! ledger's first event rather than as a fixed enum, because registries differ
//! (the NAP uses five, the Eerste Kamer three, budget annexes others).
//!
//! A programme other than the NAP brings its own legend as a small JSON file
//! given to `init --legend`; [`Legend::from_json`] reads and checks it.

use super::{Invalid, text};
use serde::{Deserialize, Serialize};

/// Slug of the status an item has when no status was stated.
pub const NOT_STATED: &str = "niet-vermeld";

/// Most statuses a legend may hold ("not stated" included).
pub const MAX_STATUSES: usize = 64;

/// Longest accepted slug, in bytes.
pub const MAX_SLUG_BYTES: usize = 40;

/// One status of a legend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegendEntry {
    /// Short machine name, lowercase ASCII, e.g. `in-uitvoering`.
    pub slug: String,
    /// Dutch label as printed in the annex.
    pub nl: String,
    /// English label.
    pub en: String,
    /// Colour of the marker, `#rrggbb`.
    pub colour: String,
}

/// An ordered list of statuses. The order is the order of the legend in the
/// annex. Encoded as the bare list of entries (in JSON and in the canonical
/// bytes alike).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Legend {
    /// The statuses, in legend order.
    pub entries: Vec<LegendEntry>,
}

fn entry(slug: &str, nl: &str, en: &str, colour: &str) -> LegendEntry {
    LegendEntry {
        slug: slug.into(),
        nl: nl.into(),
        en: en.into(),
        colour: colour.into(),
    }
}

impl Legend {
    /// The five statuses of the national action programme's annex, plus
    /// "not stated".
    pub fn nap() -> Legend {
        Legend {
            entries: vec![
                entry(
                    "invulling",
                    "Wordt invulling gegeven aan",
                    "Fulfilled or being fulfilled",
                    "#2e7d32",
                ),
                entry("in-uitvoering", "In uitvoering", "In progress", "#1565c0"),
                entry(
                    "doorlopend",
                    "Doorlopend gedurende uitvoering programma",
                    "Continuous for the programme's duration",
                    "#6a1b9a",
                ),
                entry(
                    "vertraagd",
                    "In uitvoering met vertraging",
                    "In progress, delayed",
                    "#ef6c00",
                ),
                entry(
                    "niet-begonnen",
                    "Nog niet begonnen of afgebroken",
                    "Not started or stopped",
                    "#c62828",
                ),
                Legend::not_stated(),
            ],
        }
    }

    /// The "not stated" entry every legend carries.
    pub fn not_stated() -> LegendEntry {
        entry(NOT_STATED, "Niet vermeld", "Not stated", "#757575")
    }

    /// Finds a status by slug or Dutch label, case-insensitively; otherwise
    /// the error lists every accepted value.
    pub fn resolve(&self, input: &str) -> Result<&LegendEntry, Invalid> {
        let t = input.trim().to_lowercase();
        self.entries
            .iter()
            .find(|e| e.slug == t || e.nl.to_lowercase() == t)
            .ok_or_else(|| {
                let valid: Vec<String> = self
                    .entries
                    .iter()
                    .map(|e| format!("{} (\"{}\")", e.slug, e.nl))
                    .collect();
                let hint = match self.closest(input).as_slice() {
                    [] => String::new(),
                    close => format!("did you mean {}? Accepted: ", close.join(" or ")),
                };
                Invalid::new(
                    "status",
                    input,
                    format!("{hint}one of: {}", valid.join(", ")),
                )
            })
    }

    /// Up to three entries whose slug or Dutch label is close to `input`,
    /// each as `slug ("label")`, nearest first.
    fn closest(&self, input: &str) -> Vec<String> {
        let t = input.trim();
        let names = self
            .entries
            .iter()
            .flat_map(|e| [e.slug.as_str(), e.nl.as_str()]);
        let mut out: Vec<String> = Vec::new();
        for name in text::closest(t, names, 6) {
            if let Some(e) = self.entries.iter().find(|e| e.slug == name || e.nl == name) {
                let shown = format!("{} (\"{}\")", e.slug, e.nl);
                if !out.contains(&shown) {
                    out.push(shown);
                }
            }
        }
        out.truncate(3);
        out
    }

    /// The entry for a slug stored in an event, if the legend has it.
    pub fn get(&self, slug: &str) -> Option<&LegendEntry> {
        self.entries.iter().find(|e| e.slug == slug)
    }

    /// Position of a slug in legend order (unknown slugs sort last).
    pub fn rank(&self, slug: &str) -> usize {
        self.entries
            .iter()
            .position(|e| e.slug == slug)
            .unwrap_or(self.entries.len())
    }

    /// Reads a legend file: a JSON list of statuses
    /// `{"slug", "nl", "en", "colour", "order"?}`, or an object
    /// `{"statuses": [...]}` holding that list.
    ///
    /// Slugs are lowercase ASCII letters, digits and hyphens, and unique;
    /// labels are non-empty one-line text, unique per language regardless of
    /// case, and no label may equal another status's slug (`status` accepts
    /// either); colours are `#rrggbb`. `order`, if given on one entry, must be
    /// given on all, as distinct integers, and sorts the legend; otherwise the
    /// file's order is kept. "Not stated" ([`NOT_STATED`]) is appended unless
    /// the file defines it. A refusal names `file` and the entry (counted
    /// from 1) and says what is accepted.
    pub fn from_json(file: &str, json: &str) -> Result<Legend, Invalid> {
        let refuse = |msg: String| Invalid::new("legend file", file, msg);
        let doc: serde_json::Value = serde_json::from_str(json)
            .map_err(|e| refuse(format!("valid JSON is expected ({e})")))?;
        let shape = "a JSON list of statuses, or an object {\"statuses\": [...]}, each status \
                     {\"slug\", \"nl\", \"en\", \"colour\"} with an optional \"order\"";
        let list = match doc {
            serde_json::Value::Array(list) => list,
            serde_json::Value::Object(mut map) => {
                if let Some(other) = map.keys().find(|k| k.as_str() != "statuses") {
                    return Err(refuse(format!(
                        "unknown field \"{other}\"; expected {shape}"
                    )));
                }
                match map.remove("statuses") {
                    Some(serde_json::Value::Array(list)) => list,
                    _ => return Err(refuse(format!("expected {shape}"))),
                }
            }
            _ => return Err(refuse(format!("expected {shape}"))),
        };
        if list.is_empty() {
            return Err(refuse("the legend must have at least one status".into()));
        }
        if list.len() > MAX_STATUSES {
            return Err(refuse(format!(
                "at most {MAX_STATUSES} statuses are accepted, this has {}",
                list.len()
            )));
        }
        let mut read: Vec<(Option<i64>, LegendEntry)> = Vec::with_capacity(list.len());
        for (i, value) in list.into_iter().enumerate() {
            let n = i + 1;
            let raw: FileEntry = serde_json::from_value(value)
                .map_err(|e| refuse(format!("entry {n}: {e}; expected {shape}")))?;
            let e = raw
                .check()
                .map_err(|msg| refuse(format!("entry {n} (\"{}\"): {msg}", raw.slug)))?;
            read.push((raw.order, e));
        }
        let ordered = read.iter().filter(|(o, _)| o.is_some()).count();
        if ordered != 0 && ordered != read.len() {
            let (n, e) = read
                .iter()
                .enumerate()
                .find(|(_, (o, _))| o.is_none())
                .map(|(i, (_, e))| (i + 1, e.slug.as_str()))
                .unwrap_or_default();
            return Err(refuse(format!(
                "entry {n} (\"{e}\") has no \"order\" while others do; give it on all entries or on none"
            )));
        }
        for (i, (o, e)) in read.iter().enumerate() {
            if let Some((j, _)) = read[..i]
                .iter()
                .enumerate()
                .find(|(_, (p, _))| o.is_some() && p == o)
            {
                return Err(refuse(format!(
                    "entry {} (\"{}\") has the same \"order\" as entry {}; each status needs its own",
                    i + 1,
                    e.slug,
                    j + 1
                )));
            }
        }
        // A stable sort: without orders the file's order stays.
        read.sort_by_key(|(o, _)| *o);
        let mut legend = Legend {
            entries: read.into_iter().map(|(_, e)| e).collect(),
        };
        if legend.get(NOT_STATED).is_none() {
            legend.entries.push(Legend::not_stated());
        }
        legend.check_unique().map_err(refuse)?;
        Ok(legend)
    }

    /// Checks that slugs and labels are unique and that `status` input
    /// cannot match two entries.
    fn check_unique(&self) -> Result<(), String> {
        let name = |i: usize| {
            let e = &self.entries[i];
            if *e == Legend::not_stated() {
                format!("the built-in status {NOT_STATED} (\"{}\")", e.nl)
            } else {
                format!("entry {} (\"{}\")", i + 1, e.slug)
            }
        };
        for (i, a) in self.entries.iter().enumerate() {
            for (j, b) in self.entries[..i].iter().enumerate() {
                let clash = if a.slug == b.slug {
                    Some(format!("slug \"{}\"", a.slug))
                } else if a.nl.to_lowercase() == b.nl.to_lowercase() {
                    Some(format!("Dutch label \"{}\"", a.nl))
                } else if a.en.to_lowercase() == b.en.to_lowercase() {
                    Some(format!("English label \"{}\"", a.en))
                } else if a.nl.to_lowercase() == b.slug || b.nl.to_lowercase() == a.slug {
                    Some("slug of the one as the Dutch label of the other".to_string())
                } else {
                    None
                };
                if let Some(what) = clash {
                    return Err(format!(
                        "{} has the same {what} as {}; statuses must differ in slug and in each label",
                        name(i),
                        name(j)
                    ));
                }
            }
        }
        Ok(())
    }
}

/// One status as written in a legend file, before it is checked.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileEntry {
    slug: String,
    nl: String,
    en: String,
    #[serde(alias = "color")]
    colour: String,
    #[serde(default)]
    order: Option<i64>,
}

impl FileEntry {
    /// The checked entry, or what is wrong with it.
    fn check(&self) -> Result<LegendEntry, String> {
        let slug = self.slug.as_str();
        let slug_ok = !slug.is_empty()
            && slug.len() <= MAX_SLUG_BYTES
            && slug
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !slug.starts_with('-')
            && !slug.ends_with('-');
        if !slug_ok {
            let suggestion: String = text::nfc(slug.trim())
                .to_lowercase()
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join("-");
            let example = if suggestion.is_empty() || suggestion.len() > MAX_SLUG_BYTES {
                "e.g. deels-voldaan".to_string()
            } else {
                format!("e.g. \"{suggestion}\"")
            };
            return Err(format!(
                "slug must be 1 to {MAX_SLUG_BYTES} lowercase ASCII letters, digits and hyphens, not starting or ending with a hyphen ({example})"
            ));
        }
        let label = |field: &str, value: &str| {
            text::short_text(field, value).map_err(|e| format!("\"{field}\" label: {}", e.expected))
        };
        let nl = label("nl", &self.nl)?;
        let en = label("en", &self.en)?;
        let c = self.colour.trim();
        let colour_ok =
            c.len() == 7 && c.starts_with('#') && c.bytes().skip(1).all(|b| b.is_ascii_hexdigit());
        if !colour_ok {
            return Err(format!(
                "colour \"{}\" is not of the form #rrggbb (six hex digits, e.g. #2e7d32)",
                text::shorten(&self.colour, 20)
            ));
        }
        Ok(LegendEntry {
            slug: slug.to_string(),
            nl,
            en,
            colour: c.to_ascii_lowercase(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nap_has_five_plus_not_stated() {
        let l = Legend::nap();
        assert_eq!(l.entries.len(), 6);
        assert_eq!(l.entries[5].slug, NOT_STATED);
        assert_eq!(l.rank("in-uitvoering"), 1);
        assert_eq!(l.rank("onbekend"), 6);
    }

    #[test]
    fn resolves_slug_or_dutch_label_case_insensitively() {
        let l = Legend::nap();
        assert_eq!(l.resolve("VERTRAAGD").unwrap().slug, "vertraagd");
        assert_eq!(
            l.resolve(" in uitvoering met vertraging ").unwrap().slug,
            "vertraagd"
        );
        assert_eq!(l.resolve("niet vermeld").unwrap().slug, NOT_STATED);
    }

    #[test]
    fn rejects_with_the_valid_values() {
        let e = Legend::nap().resolve("klaar").unwrap_err();
        assert_eq!(e.what, "status");
        for slug in ["invulling", "in-uitvoering", "doorlopend", "niet-begonnen"] {
            assert!(e.expected.contains(slug), "{e}");
        }
        assert!(e.expected.contains("In uitvoering met vertraging"));
    }

    #[test]
    fn suggests_close_slugs_and_labels() {
        let l = Legend::nap();
        let e = l.resolve("vertraagt").unwrap_err();
        assert!(
            e.expected
                .starts_with("did you mean vertraagd (\"In uitvoering met vertraging\")?"),
            "{e}"
        );
        let e = l.resolve("in uitvoerng").unwrap_err();
        assert!(
            e.expected
                .starts_with("did you mean in-uitvoering (\"In uitvoering\")?"),
            "{e}"
        );
        let e = l.resolve("klaar").unwrap_err();
        assert!(e.expected.starts_with("one of: "), "{e}");
    }

    const EK: &str = r##"[
        {"slug": "openstaand", "nl": "Openstaand", "en": "Open", "colour": "#C62828"},
        {"slug": "deels-voldaan", "nl": "Deels voldaan", "en": "Partly fulfilled", "colour": "#ef6c00"},
        {"slug": "voldaan", "nl": "Voldaan", "en": "Fulfilled", "colour": "#2e7d32"}
    ]"##;

    fn refused(json: &str) -> String {
        Legend::from_json("l.json", json).unwrap_err().to_string()
    }

    #[test]
    fn reads_a_list_and_appends_not_stated() {
        let l = Legend::from_json("l.json", EK).unwrap();
        let slugs: Vec<&str> = l.entries.iter().map(|e| e.slug.as_str()).collect();
        assert_eq!(
            slugs,
            ["openstaand", "deels-voldaan", "voldaan", NOT_STATED]
        );
        assert_eq!(l.entries[0].colour, "#c62828");
        assert_eq!(l.resolve("deels voldaan").unwrap().slug, "deels-voldaan");
        let wrapped = format!("{{\"statuses\": {EK}}}");
        assert_eq!(Legend::from_json("l.json", &wrapped).unwrap(), l);
    }

    #[test]
    fn order_sorts_and_not_stated_is_kept_where_given() {
        let json = r##"{"statuses": [
            {"slug": "b", "nl": "Bee", "en": "B", "colour": "#000000", "order": 2},
            {"slug": "niet-vermeld", "nl": "Onbekend", "en": "Unknown", "colour": "#111111", "order": 3},
            {"slug": "a", "nl": "Aa", "en": "A", "color": "#222222", "order": -1}
        ]}"##;
        let l = Legend::from_json("l.json", json).unwrap();
        let slugs: Vec<&str> = l.entries.iter().map(|e| e.slug.as_str()).collect();
        assert_eq!(slugs, ["a", "b", NOT_STATED]);
        assert_eq!(l.entries[2].nl, "Onbekend");
    }

    #[test]
    fn the_nap_legend_passes_its_own_checks() {
        let json = serde_json::to_string(&Legend::nap()).unwrap();
        assert_eq!(Legend::from_json("nap.json", &json).unwrap(), Legend::nap());
    }

    #[test]
    fn refuses_bad_files_naming_the_entry() {
        let e = refused("[1, 2");
        assert!(
            e.starts_with("invalid legend file 'l.json': valid JSON"),
            "{e}"
        );
        assert!(refused("[]").contains("at least one status"));
        assert!(refused(r#"{"statuses": []}"#).contains("at least one status"));
        assert!(refused(r#"{"legend": []}"#).contains("unknown field \"legend\""));
        assert!(refused(r#""open""#).contains("a JSON list of statuses"));
        let e = refused(
            r##"[{"slug": "open", "nl": "Open", "en": "Open", "colour": "#000000"},
                            {"slug": "x", "nl": "X", "en": "X"}]"##,
        );
        assert!(e.contains("entry 2: missing field `colour`"), "{e}");
        let e =
            refused(r##"[{"slug": "x", "nl": "X", "en": "X", "colour": "#000000", "kleur": 1}]"##);
        assert!(e.contains("entry 1: unknown field `kleur`"), "{e}");
        let e =
            refused(r##"[{"slug": "Deels voldaan", "nl": "X", "en": "X", "colour": "#000000"}]"##);
        assert!(
            e.contains("entry 1 (\"Deels voldaan\"): slug must be"),
            "{e}"
        );
        assert!(e.contains("e.g. \"deels-voldaan\""), "{e}");
        for bad in ["-x", "x-", "", "ä"] {
            let json =
                format!(r##"[{{"slug": "{bad}", "nl": "X", "en": "X", "colour": "#000000"}}]"##);
            assert!(refused(&json).contains("slug must be"), "{bad}");
        }
        let e = refused(r##"[{"slug": "x", "nl": " ", "en": "X", "colour": "#000000"}]"##);
        assert!(
            e.contains("entry 1 (\"x\"): \"nl\" label: text must not be empty"),
            "{e}"
        );
        let e = refused(r##"[{"slug": "x", "nl": "X", "en": "X", "colour": "green"}]"##);
        assert!(
            e.contains("colour \"green\" is not of the form #rrggbb"),
            "{e}"
        );
        assert!(
            refused(r##"[{"slug": "x", "nl": "X", "en": "X", "colour": "#12345g"}]"##)
                .contains("#rrggbb")
        );
    }

    #[test]
    fn refuses_duplicates_and_ambiguity() {
        let e = refused(
            r##"[{"slug": "a", "nl": "A", "en": "A", "colour": "#000000"},
                            {"slug": "a", "nl": "B", "en": "B", "colour": "#000000"}]"##,
        );
        assert!(
            e.contains("entry 2 (\"a\") has the same slug \"a\" as entry 1"),
            "{e}"
        );
        let e = refused(
            r##"[{"slug": "a", "nl": "Klaar", "en": "A", "colour": "#000000"},
                            {"slug": "b", "nl": "KLAAR", "en": "B", "colour": "#000000"}]"##,
        );
        assert!(e.contains("same Dutch label \"KLAAR\""), "{e}");
        let e = refused(
            r##"[{"slug": "a", "nl": "A", "en": "Done", "colour": "#000000"},
                            {"slug": "b", "nl": "B", "en": "done", "colour": "#000000"}]"##,
        );
        assert!(e.contains("same English label"), "{e}");
        let e = refused(
            r##"[{"slug": "a", "nl": "B", "en": "A", "colour": "#000000"},
                            {"slug": "b", "nl": "C", "en": "B", "colour": "#000000"}]"##,
        );
        assert!(
            e.contains("slug of the one as the Dutch label of the other"),
            "{e}"
        );
        let e = refused(
            r##"[{"slug": "leeg", "nl": "Niet vermeld", "en": "Empty", "colour": "#000000"}]"##,
        );
        assert!(e.contains("the built-in status niet-vermeld"), "{e}");
        let e = refused(
            r##"[{"slug": "a", "nl": "A", "en": "A", "colour": "#000000", "order": 1},
                            {"slug": "b", "nl": "B", "en": "B", "colour": "#000000"}]"##,
        );
        assert!(e.contains("entry 2 (\"b\") has no \"order\""), "{e}");
        let e = refused(
            r##"[{"slug": "a", "nl": "A", "en": "A", "colour": "#000000", "order": 1},
                            {"slug": "b", "nl": "B", "en": "B", "colour": "#000000", "order": 1}]"##,
        );
        assert!(
            e.contains("entry 2 (\"b\") has the same \"order\" as entry 1"),
            "{e}"
        );
        let many: Vec<String> = (0..=MAX_STATUSES)
            .map(|i| {
                format!(r##"{{"slug": "s{i}", "nl": "S{i}", "en": "E{i}", "colour": "#000000"}}"##)
            })
            .collect();
        assert!(refused(&format!("[{}]", many.join(","))).contains("at most 64 statuses"));
    }
}

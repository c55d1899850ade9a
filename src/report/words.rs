//! The words of the item card (`show`), the event log, the item list and
//! the list of rounds, in each language. One table per language ([`NL`],
//! [`EN`]) holds the labels and headings, so that neither language lacks
//! one; the sentences whose parts stand in another order in Dutch than in
//! English are the functions below it. JSON output has none of these: its
//! field names and values are the same in either language.

use super::Lang;

/// The labels and headings of one language.
pub(super) struct Words {
    /// The item list's columns.
    pub list: [&'static str; 6],
    /// What stands for an empty text.
    pub no_text: &'static str,
    /// What stands for an empty list.
    pub none: &'static str,
    /// The list of rounds' columns.
    pub rounds: [&'static str; 6],
    /// Said when no round is sealed.
    pub no_rounds: &'static str,
    /// Said when a view holds no items.
    pub no_items: &'static str,
    /// Added to [`Words::no_items`] for the current view.
    pub add_one: &'static str,
    /// The event log's columns (the card's timeline takes them but for
    /// the item's, with [`Words::change`] for what each event did).
    pub log: [&'static str; 7],
    /// The card's field labels: text, submitters, citations, status,
    /// responsible, previously, due, made, in effect.
    pub fields: [&'static str; 9],
    /// The timeline's column of what each event changed.
    pub change: &'static str,
    /// The card's sections: progress notes, timeline, amendments,
    /// corrections.
    pub sections: [&'static str; 4],
    /// Before an actor: "by".
    pub by: &'static str,
    /// Before a recorded time: "at".
    pub at: &'static str,
    /// Before a day: "on".
    pub on: &'static str,
    /// Before the document an item was made in: "in".
    pub made_in: &'static str,
    /// Where and when an item was made, in a change's words: "made".
    pub made: &'static str,
    /// "reason" (of an amendment or correction).
    pub reason: &'static str,
    /// Before a note's citation.
    pub cites: &'static str,
    /// "corrected by" (seqs follow).
    pub corrected_by: &'static str,
    /// "corrects" (a seq follows).
    pub corrects: &'static str,
    /// An item's registration.
    pub registered: &'static str,
    /// Responsible parties (before their codes).
    pub responsible: &'static str,
    /// A progress note (before its text).
    pub note: &'static str,
    /// An amendment of text, citations or submitters.
    pub amended: &'static str,
    /// An item's details (deadline, where and when it was made).
    pub details: &'static str,
    /// A correction that takes an event back.
    pub retracted: &'static str,
    /// Before an effective date.
    pub effective: &'static str,
    /// Before a deadline.
    pub deadline: &'static str,
    /// Before the parties responsible before the item's registration.
    pub previously: &'static str,
    /// The fields an amendment changes: text, citations, submitters.
    pub amended_fields: [&'static str; 3],
}

/// Dutch.
const NL: Words = Words {
    list: [
        "kenmerk",
        "soort",
        "status",
        "verantwoordelijk",
        "id",
        "tekst",
    ],
    no_text: "(geen tekst)",
    none: "(geen)",
    rounds: [
        "naam",
        "titel",
        "gemeld op",
        "seq",
        "controlewaarde",
        "vastgelegd",
    ],
    no_rounds: "Er is nog geen ronde verzegeld. Verzegel er een met `kamerstand round seal NAAM --reported-on DATUM`.\n",
    no_items: "Deze stand bevat geen items.",
    add_one: " Voeg er een toe met `kamerstand item add --kind motie --text TEKST`.",
    log: [
        "seq",
        "vastgelegd",
        "geldt vanaf",
        "door",
        "item",
        "wat",
        "hash",
    ],
    fields: [
        "Tekst",
        "Indieners",
        "Vindplaatsen",
        "Status",
        "Verantwoordelijk",
        "Eerder",
        "Termijn",
        "Gedaan",
        "Van kracht",
    ],
    change: "wijziging",
    sections: ["Stand van zaken", "Tijdlijn", "Aanpassingen", "Correcties"],
    by: "door",
    at: "op",
    on: "op",
    made_in: "in",
    made: "gedaan",
    reason: "reden",
    cites: "vindplaats",
    corrected_by: "gecorrigeerd door",
    corrects: "corrigeert",
    registered: "opgenomen",
    responsible: "verantwoordelijk",
    note: "stand van zaken",
    amended: "gewijzigd",
    details: "gegevens",
    retracted: "ingetrokken",
    effective: "geldt vanaf",
    deadline: "termijn",
    previously: "eerder",
    amended_fields: ["tekst", "vindplaatsen", "indieners"],
};

/// English.
const EN: Words = Words {
    list: ["key", "kind", "status", "responsible", "id", "text"],
    no_text: "(no text)",
    none: "(none)",
    rounds: ["name", "title", "reported on", "seq", "digest", "recorded"],
    no_rounds: "No rounds sealed yet. Seal one with `kamerstand round seal NAME --reported-on DATE`.\n",
    no_items: "No items in this view.",
    add_one: " Add one with `kamerstand item add --kind motie --text TEXT`.",
    log: [
        "seq",
        "recorded",
        "effective",
        "actor",
        "item",
        "what",
        "hash",
    ],
    fields: [
        "Text",
        "Submitters",
        "Citations",
        "Status",
        "Responsible",
        "Previously",
        "Due",
        "Made",
        "In effect",
    ],
    change: "change",
    sections: ["Progress notes", "Timeline", "Amendments", "Corrections"],
    by: "by",
    at: "at",
    on: "on",
    made_in: "in",
    made: "made",
    reason: "reason",
    cites: "cites",
    corrected_by: "corrected by",
    corrects: "corrects",
    registered: "registered",
    responsible: "responsible",
    note: "note",
    amended: "amended",
    details: "details",
    retracted: "retracted",
    effective: "effective",
    deadline: "deadline",
    previously: "previously",
    amended_fields: ["text", "citations", "submitters"],
};

/// The words of `lang`.
pub(super) fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::Nl => &NL,
        Lang::En => &EN,
    }
}

impl Words {
    /// How wide the card's label column is: its longest label, its colon
    /// and two spaces.
    pub fn field_width(&self) -> usize {
        self.fields
            .iter()
            .map(|f| f.chars().count())
            .max()
            .unwrap_or(0)
            + 3
    }

    /// The card's label `n` ([`Words::fields`]) with its colon, padded to
    /// the label column.
    pub fn field(&self, n: usize) -> String {
        let label = format!("{}:", self.fields[n]);
        format!("{label:<w$}", w = self.field_width())
    }
}

/// The card's line for an item whose registration a correction retracted.
pub(super) fn withdrawn(lang: Lang, seq: u64) -> String {
    match lang {
        Lang::Nl => {
            format!("INGETROKKEN: de registratie (seq {seq}) is door een correctie teruggenomen.\n")
        }
        Lang::En => {
            format!("WITHDRAWN: its registration (seq {seq}) was retracted by a correction.\n")
        }
    }
}

/// The card's line for an item not yet in effect on the view's day.
pub(super) fn not_yet(lang: Lang, from: &dyn std::fmt::Display) -> String {
    match lang {
        Lang::Nl => format!("Op die dag nog niet van kracht: het item geldt vanaf {from}.\n"),
        Lang::En => format!("Not yet in effect on that day: the item takes effect on {from}.\n"),
    }
}

/// When an item took effect and the round that first reported it.
pub(super) fn in_effect(
    lang: Lang,
    from: &dyn std::fmt::Display,
    first: Option<(&str, &dyn std::fmt::Display)>,
) -> String {
    match (lang, first) {
        (Lang::Nl, None) => format!("vanaf {from}"),
        (Lang::Nl, Some((round, letter))) => {
            format!("vanaf {from}; voor het eerst gemeld in ronde {round} (brief van {letter})")
        }
        (Lang::En, None) => format!("from {from}"),
        (Lang::En, Some((round, letter))) => {
            format!("from {from}; first reported in round {round} (letter of {letter})")
        }
    }
}

/// An event's line in the log, for the events that are not about an item's
/// values: the ledger's creation, a seal, a key, an account, an order, a
/// signature.
pub(super) enum Other<'a> {
    /// The ledger was created, with a legend of this many statuses.
    Created {
        programme: &'a str,
        title: &'a str,
        statuses: usize,
    },
    /// An item was registered.
    Registered {
        kind: &'a dyn std::fmt::Display,
        key: &'a dyn std::fmt::Display,
        status: &'a str,
        responsible: &'a dyn std::fmt::Display,
        text: &'a str,
    },
    /// A round was sealed (with the size of its Merkle tree, when named).
    Sealed {
        name: &'a str,
        reported_on: &'a dyn std::fmt::Display,
        tree: Option<u64>,
    },
    /// A key was registered.
    Key {
        role: &'a dyn std::fmt::Display,
        name: &'a dyn std::fmt::Display,
    },
    /// An account was created.
    Account {
        account: &'a dyn std::fmt::Display,
        display_name: &'a str,
        role: &'a dyn std::fmt::Display,
        ministries: &'a [String],
    },
    /// An account was changed: its role, its ministries, or (dis)abled.
    AccountChanged {
        account: &'a dyn std::fmt::Display,
        role: Option<&'a dyn std::fmt::Display>,
        ministries: Option<&'a [String]>,
        disabled: Option<bool>,
    },
    /// The order of one kind's items was set.
    Ordered {
        kind: &'a dyn std::fmt::Display,
        items: usize,
    },
    /// A round was signed.
    Signed {
        round: &'a str,
        key: &'a dyn std::fmt::Display,
    },
}

/// The log's line for `other`.
pub(super) fn other(lang: Lang, other: &Other) -> String {
    match *other {
        Other::Created {
            programme,
            title,
            statuses,
        } => match lang {
            Lang::Nl => {
                format!("grootboek aangelegd: {programme} — {title} ({statuses} statussen)")
            }
            Lang::En => format!("ledger created: {programme} — {title} ({statuses} statuses)"),
        },
        Other::Registered {
            kind,
            key,
            status,
            responsible,
            text,
        } => format!(
            "{kind} {key} {}, {status}, {responsible}: {text}",
            words(lang).registered
        ),
        Other::Sealed {
            name,
            reported_on,
            tree,
        } => match (lang, tree) {
            (Lang::Nl, None) => format!("ronde {name} verzegeld (gemeld op {reported_on})"),
            (Lang::Nl, Some(n)) => format!(
                "ronde {name} verzegeld (gemeld op {reported_on}; boom van {n} gebeurtenissen)"
            ),
            (Lang::En, None) => format!("round {name} sealed (reported on {reported_on})"),
            (Lang::En, Some(n)) => {
                format!("round {name} sealed (reported on {reported_on}; tree of {n} events)")
            }
        },
        Other::Key { role, name } => match lang {
            Lang::Nl => format!("sleutel {name} ({role}) geregistreerd"),
            Lang::En => format!("{role} key {name} registered"),
        },
        Other::Account {
            account,
            display_name,
            role,
            ministries,
        } => {
            let of = if ministries.is_empty() {
                String::new()
            } else {
                format!(" {} {}", lang.pick("voor", "for"), ministries.join(", "))
            };
            match lang {
                Lang::Nl => format!("account {account} ({display_name}) aangemaakt: {role}{of}"),
                Lang::En => format!("account {account} ({display_name}) created: {role}{of}"),
            }
        }
        Other::AccountChanged {
            account,
            role,
            ministries,
            disabled,
        } => {
            let mut parts = Vec::new();
            if let Some(r) = role {
                parts.push(format!("{} {r}", lang.pick("rol", "role")));
            }
            if let Some(m) = ministries {
                parts.push(format!(
                    "{} {}",
                    lang.pick("ministeries", "ministries"),
                    m.join(", ")
                ));
            }
            if let Some(d) = disabled {
                parts.push(
                    if d {
                        lang.pick("uitgeschakeld", "disabled")
                    } else {
                        lang.pick("ingeschakeld", "enabled")
                    }
                    .to_string(),
                );
            }
            let changed = lang.pick("gewijzigd", "changed");
            format!("account {account} {changed}: {}", parts.join(", "))
        }
        Other::Ordered { kind, items } => match lang {
            Lang::Nl => {
                format!("volgorde van de items van soort {kind} vastgesteld ({items} items)")
            }
            Lang::En => format!("order of the {kind} items set ({items} items)"),
        },
        Other::Signed { round, key } => match lang {
            Lang::Nl => format!("ronde {round} ondertekend met sleutel {key}"),
            Lang::En => format!("round {round} signed with key {key}"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_card_labels_line_up_in_either_language() {
        for lang in [Lang::Nl, Lang::En] {
            let w = words(lang);
            let width = w.field_width();
            for n in 0..w.fields.len() {
                let f = w.field(n);
                assert_eq!(f.chars().count(), width, "{lang:?}: {f:?}");
                assert!(f.trim_end().ends_with(':'), "{f:?}");
                // Two spaces at least between the label and its value.
                assert!(f.ends_with("  "), "{lang:?}: {f:?}");
            }
        }
        // The English column is as wide as it always was.
        assert_eq!(words(Lang::En).field_width(), 14);
    }

    #[test]
    fn every_heading_differs_between_the_languages_where_the_words_do() {
        let (nl, en) = (words(Lang::Nl), words(Lang::En));
        assert_ne!(nl.list, en.list);
        assert_ne!(nl.log, en.log);
        assert_ne!(nl.sections, en.sections);
        assert_ne!(nl.fields, en.fields);
        // A table's columns keep their number and their machine-like ones.
        assert_eq!((nl.log[0], nl.log[4], nl.log[6]), ("seq", "item", "hash"));
        assert_eq!((nl.list[2], nl.list[4]), ("status", "id"));
    }
}

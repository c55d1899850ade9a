//! The sentence above every read at the terminal that says, in words a
//! reader understands, which moment the output shows: "Stand van nu
//! (vastgelegd tot 5 december 2026, 14:03)", "Ronde 2025-voorjaar,
//! verzegeld op …", "Zoals bekend op 1 juli 2025, geldend op 31 maart
//! 2025" — in Dutch, or in English with `--lang en`. Times are Dutch local
//! time (Europe/Amsterdam), as the clerk's clock shows them.
//!
//! The chain's own terms (seq, head hash) are not in it: they stay in the
//! JSON (`View::to_json`), in `log` (its rows and [`chain_line`]) and in
//! `verify`, where an auditor looks for them. Also here: what an empty
//! `--as-of` view and a filter that keeps nothing say instead of a table.

use crate::domain::date::amsterdam_offset;
use crate::domain::{Day, Instant, ItemKind, Legend, Timestamp};
use crate::formats::annex::Lang;
use crate::projection::filter::Ministry;
use crate::projection::{Basis, Filter, View};

/// A day in words: "31 maart 2025", "31 March 2025" (as a letter writes
/// it, [`crate::report::letter::day`]).
pub fn day_words(d: Day, lang: Lang) -> String {
    crate::report::letter::day(d, lang)
}

/// An instant's Dutch local day and time of day (seconds only when not 0):
/// `(day, "14:03")`.
fn local(ts: Timestamp) -> (Day, String) {
    let offset = i64::from(amsterdam_offset(ts));
    let dt = ts.to_datetime() + time::Duration::seconds(offset);
    let clock = if dt.second() == 0 {
        format!("{:02}:{:02}", dt.hour(), dt.minute())
    } else {
        format!("{:02}:{:02}:{:02}", dt.hour(), dt.minute(), dt.second())
    };
    (Day::in_amsterdam(ts), clock)
}

/// A recorded time in words: "5 december 2026, 14:03".
pub fn time_words(ts: Timestamp, lang: Lang) -> String {
    let (d, clock) = local(ts);
    format!("{}, {clock}", day_words(d, lang))
}

/// An instant the user gave in words: "1 juli 2025" for the end of a day
/// (what `--as-of 2025-07-01` means), "1 juli 2025 om 14:00" otherwise.
pub fn instant_words(i: &Instant, lang: Lang) -> String {
    let (d, clock) = local(i.at);
    if d.end_in_amsterdam() == i.at {
        return day_words(d, lang);
    }
    let at = match lang {
        Lang::Nl => "om",
        Lang::En => "at",
    };
    format!("{} {at} {clock}", day_words(d, lang))
}

/// The sentence naming `view`, with its filter if it has one.
pub fn view_line(view: &View, lang: Lang) -> String {
    let nl = lang == Lang::Nl;
    let mut s = match &view.basis {
        Basis::Current => (if nl {
            "Stand van nu"
        } else {
            "As it stands now"
        })
        .to_string(),
        Basis::AsOf(i) => format!(
            "{} {}",
            if nl { "Zoals bekend op" } else { "As known on" },
            instant_words(i, lang)
        ),
        Basis::Round(r) => format!(
            "{} {}, {} {}; {} {}",
            if nl { "Ronde" } else { "Round" },
            r.name,
            if nl { "verzegeld op" } else { "sealed on" },
            time_words(r.recorded_at, lang),
            if nl { "brief van" } else { "letter of" },
            day_words(r.reported_on, lang)
        ),
    };
    if let Some(d) = view.effective {
        s.push_str(&format!(
            ", {} {}",
            if nl { "geldend op" } else { "in effect on" },
            day_words(d, lang)
        ));
    }
    // A round names its own moment; other views say up to when they know.
    if !matches!(view.basis, Basis::Round(_)) {
        s.push_str(&match view.chain.last_recorded {
            Some(t) => format!(
                " ({} {})",
                if nl {
                    "vastgelegd tot"
                } else {
                    "recorded up to"
                },
                time_words(t, lang)
            ),
            None => (if nl {
                " (nog niets vastgelegd)"
            } else {
                " (nothing recorded yet)"
            })
            .to_string(),
        });
    }
    if let Some(f) = &view.filter {
        s.push_str(&format!(
            " — {} {}",
            if nl { "alleen" } else { "only" },
            filter_words(&f.filter, view.legend(), lang)
        ));
    }
    s
}

/// What a filter keeps, in words: "moties, status In uitvoering,
/// ministerie OCW".
pub fn filter_words(f: &Filter, legend: &Legend, lang: Lang) -> String {
    let nl = lang == Lang::Nl;
    let mut parts = Vec::new();
    if let Some(k) = f.kind {
        parts.push(
            match (k, nl) {
                (ItemKind::Motie, true) => "moties",
                (ItemKind::Toezegging, true) => "toezeggingen",
                (ItemKind::Motie, false) => "motions",
                (ItemKind::Toezegging, false) => "commitments",
            }
            .to_string(),
        );
    }
    if let Some(s) = &f.status {
        let label = legend
            .get(s)
            .map_or(s.as_str(), |e| if nl { &e.nl } else { &e.en });
        parts.push(format!("status {label}"));
    }
    if let Some(m) = &f.ministry {
        parts.push(match (m, nl) {
            (Ministry::Portfolio(p), true) => format!("ministerie {p}"),
            (Ministry::Portfolio(p), false) => format!("ministry {p}"),
            (Ministry::Party(c), true) => format!("verantwoordelijk {c}"),
            (Ministry::Party(c), false) => format!("responsible {c}"),
        });
    }
    parts.join(", ")
}

/// For auditors (under `log`): how many events the view holds, up to which
/// seq, and the hash of its last.
pub fn chain_line(view: &View, lang: Lang) -> String {
    let nl = lang == Lang::Nl;
    let c = &view.chain;
    match c.head {
        Some(h) => format!(
            "{} {} {}, seq 0–{}, {} {}",
            if nl { "Keten:" } else { "Chain:" },
            c.events,
            match (nl, c.events) {
                (true, 1) => "gebeurtenis",
                (true, _) => "gebeurtenissen",
                (false, 1) => "event",
                (false, _) => "events",
            },
            c.events.saturating_sub(1),
            if nl { "laatste hash" } else { "head" },
            h.short()
        ),
        None => (if nl {
            "Keten: geen gebeurtenissen"
        } else {
            "Chain: no events"
        })
        .to_string(),
    }
}

/// What a read prints for a view that holds no events (an `--as-of`
/// before the ledger began): when the first event was recorded, if known,
/// and that `--effective` picks a day in the world — what was most likely
/// meant.
pub fn nothing_recorded(view: &View, first: Option<Timestamp>, lang: Lang) -> String {
    let nl = lang == Lang::Nl;
    let mut out = format!("{}\n\n", view_line(view, lang));
    let Basis::AsOf(i) = &view.basis else {
        out.push_str(if nl {
            "In deze stand is nog niets vastgelegd.\n"
        } else {
            "Nothing is recorded in this view.\n"
        });
        return out;
    };
    let when = instant_words(i, lang);
    out.push_str(&match (first, nl) {
        (Some(t), true) => format!(
            "Op {when} was er nog niets vastgelegd: de eerste gebeurtenis is vastgelegd op {}.\n",
            time_words(t, lang)
        ),
        (Some(t), false) => format!(
            "Nothing had been recorded by {when}: the first event was recorded on {}.\n",
            time_words(t, lang)
        ),
        (None, true) => format!("Op {when} was er nog niets vastgelegd.\n"),
        (None, false) => format!("Nothing had been recorded by {when}.\n"),
    });
    let day = Day::in_amsterdam(i.at);
    out.push_str(&if nl {
        format!(
            "--as-of toont wat er op dat moment was vastgelegd (de tijd van vastleggen). Bedoelt u wat er in de wereld gold op {}? Gebruik dan --effective {day}.\n",
            day_words(day, lang)
        )
    } else {
        format!(
            "--as-of shows what had been recorded by that moment (when things were recorded). If you meant what was in effect in the world on {}, use --effective {day}.\n",
            day_words(day, lang)
        )
    });
    out
}

/// What a read prints when its filter keeps none of the view's items.
pub fn no_match(view: &View, lang: Lang) -> Option<String> {
    let f = view.filter.as_ref()?;
    if view.existing().next().is_some() {
        return None;
    }
    let words = filter_words(&f.filter, view.legend(), lang);
    let n = f.out_of;
    Some(format!(
        "{}\n\n{}\n",
        view_line(view, lang),
        match lang {
            Lang::Nl => format!(
                "Geen items voldoen aan het filter ({words}); zonder filter toont deze stand {n} item{}.",
                if n == 1 { "" } else { "s" }
            ),
            Lang::En => format!(
                "No items match the filter ({words}); without it this view shows {n} item{}.",
                if n == 1 { "" } else { "s" }
            ),
        }
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::projection::view::{ChainAt, Programme};

    fn ts(s: &str) -> Timestamp {
        Timestamp::from_datetime(
            time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).unwrap(),
        )
    }

    fn view(basis: Basis, effective: Option<&str>, last: Option<&str>) -> View {
        View {
            basis,
            effective: effective.map(|d| Day::parse("d", d).unwrap()),
            programme: Programme {
                name: "P".into(),
                title: "T".into(),
                legend: Legend::nap(),
            },
            chain: ChainAt {
                events: u64::from(last.is_some()) * 12,
                head: last.map(|_| crate::domain::EventHash([7; 32])),
                last_recorded: last.map(ts),
            },
            rounds: vec![],
            items: vec![],
            filter: None,
        }
    }

    #[test]
    fn days_and_times_in_words_in_dutch_time() {
        let d = Day::parse("d", "2025-03-31").unwrap();
        assert_eq!(day_words(d, Lang::Nl), "31 maart 2025");
        assert_eq!(day_words(d, Lang::En), "31 March 2025");
        // Winter: UTC+1; summer: UTC+2.
        assert_eq!(
            time_words(ts("2026-12-05T13:03:00Z"), Lang::Nl),
            "5 december 2026, 14:03"
        );
        assert_eq!(
            time_words(ts("2025-07-01T12:00:30Z"), Lang::En),
            "1 July 2025, 14:00:30"
        );
        // Late in the evening UTC is the next day in The Hague.
        assert_eq!(
            time_words(ts("2025-06-30T22:30:00Z"), Lang::Nl),
            "1 juli 2025, 00:30"
        );
        let end = Instant::parse("--as-of", "2025-07-01").unwrap();
        assert_eq!(instant_words(&end, Lang::Nl), "1 juli 2025");
        let at = Instant::parse("--as-of", "2025-07-01T14:00:00+02:00").unwrap();
        assert_eq!(instant_words(&at, Lang::Nl), "1 juli 2025 om 14:00");
        assert_eq!(instant_words(&at, Lang::En), "1 July 2025 at 14:00");
    }

    #[test]
    fn every_basis_in_words() {
        let now = view(Basis::Current, None, Some("2026-12-05T13:03:00Z"));
        assert_eq!(
            view_line(&now, Lang::Nl),
            "Stand van nu (vastgelegd tot 5 december 2026, 14:03)"
        );
        assert_eq!(
            view_line(&now, Lang::En),
            "As it stands now (recorded up to 5 December 2026, 14:03)"
        );
        let then = view(
            Basis::AsOf(Instant::parse("--as-of", "2025-07-01").unwrap()),
            Some("2025-03-31"),
            Some("2025-06-02T08:00:00Z"),
        );
        assert_eq!(
            view_line(&then, Lang::Nl),
            "Zoals bekend op 1 juli 2025, geldend op 31 maart 2025 (vastgelegd tot 2 juni 2025, 10:00)"
        );
        let round = crate::projection::Round {
            name: "2025-voorjaar".into(),
            title: "Voortgangsbrief".into(),
            reported_on: Day::parse("d", "2025-05-15").unwrap(),
            seq: 11,
            digest: crate::domain::EventHash([1; 32]),
            head_seq: 10,
            head_hash: crate::domain::EventHash([2; 32]),
            recorded_at: ts("2025-05-14T15:30:00Z"),
            actor: "a".into(),
            tree: None,
        };
        let r = view(Basis::Round(round), None, Some("2025-05-14T15:30:00Z"));
        assert_eq!(
            view_line(&r, Lang::Nl),
            "Ronde 2025-voorjaar, verzegeld op 14 mei 2025, 17:30; brief van 15 mei 2025"
        );
        assert_eq!(
            view_line(&r, Lang::En),
            "Round 2025-voorjaar, sealed on 14 May 2025, 17:30; letter of 15 May 2025"
        );
        for line in [view_line(&now, Lang::Nl), view_line(&r, Lang::En)] {
            assert!(!line.contains("seq") && !line.contains("head"), "{line}");
        }
        assert_eq!(
            chain_line(&now, Lang::En),
            "Chain: 12 events, seq 0–11, head 070707070707"
        );
    }

    #[test]
    fn an_empty_as_of_view_points_at_effective() {
        let v = view(
            Basis::AsOf(Instant::parse("--as-of", "2025-01-01").unwrap()),
            None,
            None,
        );
        let first = ts("2025-01-06T09:00:00Z");
        let nl = nothing_recorded(&v, Some(first), Lang::Nl);
        assert!(nl.contains("de eerste gebeurtenis is vastgelegd op 6 januari 2025, 10:00"));
        assert!(nl.contains("--effective 2025-01-01"), "{nl}");
        let en = nothing_recorded(&v, Some(first), Lang::En);
        assert!(
            en.contains("the first event was recorded on 6 January 2025, 10:00"),
            "{en}"
        );
        assert!(en.contains("use --effective 2025-01-01"), "{en}");
    }

    #[test]
    fn a_filter_is_named_and_an_empty_result_said() {
        let v = view(Basis::Current, None, Some("2025-01-06T09:00:00Z"));
        let f = crate::projection::FilterRequest {
            ministry: Some("ocw".into()),
            status: Some("in-uitvoering".into()),
            kind: Some(ItemKind::Motie),
        };
        let v = f.apply(v).unwrap();
        assert!(
            view_line(&v, Lang::Nl)
                .ends_with(" — alleen moties, status In uitvoering, ministerie OCW"),
            "{}",
            view_line(&v, Lang::Nl)
        );
        let said = no_match(&v, Lang::En).unwrap();
        assert!(said.contains("No items match the filter (motions, status In progress, ministry OCW); without it this view shows 0 items."), "{said}");
    }
}

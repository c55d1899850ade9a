//! What a clerk who does not program reads at the terminal (issue 17):
//! whole texts wrapped to the width (`--wide`), filters by ministry, status
//! and kind, the sentence that names the view in plain words (Dutch, or
//! English with `--lang en`), what an `--as-of` before the ledger began
//! says, `verify --digest` with a digest as copied from a letter and a
//! mistyped round, amendments shown as old → new, and the same note twice
//! refused like other no-ops.

use crate::common::{TestEnv, Transcript, snap};
use kamerstand::cli::Terminal;

/// A terminal of `cols` columns, without colour.
fn cols(n: usize) -> Terminal {
    Terminal {
        stdout: true,
        width: Some(n),
        ..Terminal::default()
    }
}

const LONG_NOTE: &str = "Het onderzoeksbureau heeft in februari de eerste resultaten opgeleverd. \
    De gemeenten in de pilot melden dat de regeling werkt; de Kamer ontvangt de eindrapportage \
    voor het zomerreces, samen met een voorstel voor de landelijke uitrol.";

/// A ledger with motions and commitments of several ministries and
/// statuses, one with a long progress note.
fn programme() -> TestEnv {
    let env = TestEnv::init();
    env.set_clock("2025-02-03T09:00:00Z");
    for (kind, key, status, resp, text) in [
        (
            "motie",
            "M1",
            "in-uitvoering",
            "SOCW",
            "Motie van het lid Jansen c.s.; De Tweede Kamer verzoekt de regering scholen te ondersteunen bij het melden van grensoverschrijdend gedrag en de Kamer daarover jaarlijks te informeren.",
        ),
        (
            "motie",
            "M2",
            "vertraagd",
            "MOCW en MJenV",
            "Motie van de leden De Vries en Bakker; De Tweede Kamer verzoekt de regering een landelijk meldpunt in te richten.",
        ),
        (
            "toezegging",
            "T1",
            "in-uitvoering",
            "MJenV",
            "De minister stuurt de Kamer voor de zomer een brief over de voortgang.",
        ),
        (
            "toezegging",
            "T2",
            "invulling",
            "SVWS",
            "De staatssecretaris informeert de Kamer over de evaluatie.",
        ),
    ] {
        env.add(&[
            "--kind",
            kind,
            "--key",
            key,
            "--status",
            status,
            "--responsible",
            resp,
            "--text",
            text,
        ]);
    }
    env.run(&["note", "M1", LONG_NOTE, "--effective", "2025-02-01"])
        .ok();
    env.run(&["note", "T1", "Brief in voorbereiding."]).ok();
    env
}

/// The whitespace-separated words of `s`, joined by single spaces.
fn words(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

// ------------------------------------------------------------ --wide

#[test]
fn wide_shows_whole_texts_wrapped_to_the_terminal_width() {
    let env = programme();
    // Without --wide, at 80 columns the note is cut.
    let cut = env.run_at(cols(80), &["overview"]);
    cut.ok();
    assert!(cut.stdout.contains('…'), "{}", cut.stdout);
    assert!(!words(&cut.stdout).contains(&words(LONG_NOTE)));

    let wide = env.run_at(cols(80), &["overview", "--wide"]);
    wide.ok();
    for line in wide.stdout.lines() {
        assert!(line.chars().count() <= 80, "wider than 80: {line:?}");
    }
    assert!(!wide.stdout.contains('…'), "{}", wide.stdout);
    // The whole note, its words in order, however wrapped.
    assert!(
        words(&wide.stdout).contains(&words(LONG_NOTE)),
        "{}",
        wide.stdout
    );
    // Readable at 80 columns: the note gets lines of at least 60 columns
    // (under its row), not a narrow column beside the others.
    let note_line = wide
        .stdout
        .lines()
        .find(|l| l.contains("Het onderzoeksbureau"))
        .unwrap();
    assert!(note_line.trim().chars().count() >= 60, "{note_line:?}");
    snap!("overview_wide_80", wide.stdout);
    // --full is the same flag.
    assert_eq!(
        env.run_at(cols(80), &["overview", "--full"]).stdout,
        wide.stdout
    );
    // Wider terminals keep the note in its column, wrapped.
    let at_120 = env.run_at(cols(120), &["overview", "--wide"]);
    for line in at_120.stdout.lines() {
        assert!(line.chars().count() <= 120, "wider than 120: {line:?}");
    }
    assert!(words(&at_120.stdout).contains(&words(LONG_NOTE)));
    snap!("overview_wide_120", at_120.stdout);

    // Into a pipe (no width): whole texts, one line per row.
    let piped = env.run(&["overview", "--wide"]);
    piped.ok();
    assert!(!piped.stdout.contains('…'));
    assert!(
        piped
            .stdout
            .lines()
            .any(|l| l.starts_with("M1 ") && l.contains(LONG_NOTE)),
        "{}",
        piped.stdout
    );

    // The other tables and the diff: within the width, nothing cut.
    env.run(&["round", "seal", "R1", "--reported-on", "2025-02-03"])
        .ok();
    env.run(&["note", "M2", LONG_NOTE]).ok();
    let m1 = env.json(&["show", "M1"])["text"]
        .as_str()
        .unwrap()
        .to_string();
    for (args, whole) in [
        (&["item", "list", "--wide"][..], m1.as_str()),
        (&["show", "M1", "--wide"], LONG_NOTE),
        (&["show", "M1", "--wide"], &m1),
        (&["log", "--wide"], LONG_NOTE),
        (&["log", "--wide"], &m1),
        (&["diff", "R1", "now", "--wide"], LONG_NOTE),
    ] {
        let out = env.run_at(cols(80), args);
        out.ok();
        for line in out.stdout.lines() {
            assert!(
                line.chars().count() <= 80,
                "{args:?}: wider than 80: {line:?}"
            );
        }
        assert!(!out.stdout.contains('…'), "{args:?}:\n{}", out.stdout);
        assert!(
            words(&out.stdout).contains(&words(whole)),
            "{args:?}:\n{}",
            out.stdout
        );
    }
    let mut t = Transcript::new();
    for args in [
        &["show", "M1", "--wide"][..],
        &["diff", "R1", "now", "--wide"],
    ] {
        t.add(args, &env.run_at(cols(80), args));
    }
    snap!("show_and_diff_wide_80", t.text());
}

// ------------------------------------------------------------ filters

/// The keys an overview or item list in JSON holds.
fn keys(v: &serde_json::Value) -> Vec<String> {
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["key"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn filters_keep_the_items_of_a_ministry_status_or_kind() {
    let env = programme();
    for (flags, want) in [
        (&["--ministry", "OCW"][..], &["M1", "M2"][..]),
        (&["--ministry", "ocw"], &["M1", "M2"]),
        (&["--ministry", "SOCW"], &["M1"]),
        (&["--ministry", "JenV"], &["M2", "T1"]),
        (&["--ministry", "Justitie en Veiligheid"], &["M2", "T1"]),
        (&["--status", "in-uitvoering"], &["M1", "T1"]),
        (&["--status", "In uitvoering met vertraging"], &["M2"]),
        (&["--kind", "toezegging"], &["T1", "T2"]),
        (&["--kind", "moties"], &["M1", "M2"]),
        (
            &[
                "--kind",
                "toezegging",
                "--status",
                "in-uitvoering",
                "--ministry",
                "JenV",
            ],
            &["T1"],
        ),
    ] {
        for command in [
            &["overview"][..],
            &["item", "list"],
            &["export", "--format", "json"],
        ] {
            let mut args = command.to_vec();
            args.extend_from_slice(flags);
            let v = env.json(&args);
            assert_eq!(keys(&v), want, "{args:?}");
            // The JSON says it is filtered, and out of how many.
            assert_eq!(v["view"]["filter"]["out_of"], 4, "{args:?}");
        }
        // CSV too: one line per item after the header.
        let mut args = vec!["export", "--format", "csv"];
        args.extend_from_slice(flags);
        let out = env.run(&args);
        out.ok();
        assert_eq!(out.stdout.lines().count(), want.len() + 1, "{args:?}");
        // And the Markdown annex names only those items.
        let mut args = vec!["export", "--format", "md"];
        args.extend_from_slice(flags);
        let md = env.run(&args).stdout;
        for key in ["M1", "M2", "T1", "T2"] {
            let text_of = env.json(&["show", key])["text"]
                .as_str()
                .unwrap()
                .to_string();
            assert_eq!(
                md.contains(&text_of[..40.min(text_of.len())]),
                want.contains(&key),
                "{args:?}: {key}"
            );
        }
    }
    // Unfiltered views have no filter member.
    assert!(env.json(&["overview"])["view"].get("filter").is_none());

    let mut t = Transcript::new();
    for args in [
        &["overview", "--ministry", "OCW", "--kind", "motie"][..],
        &["item", "list", "--status", "in-uitvoering"],
        &["--lang", "en", "overview", "--status", "in-uitvoering"],
        // Known, but held by no item: said, not refused.
        &["overview", "--ministry", "FIN"],
        &[
            "item",
            "list",
            "--kind",
            "toezegging",
            "--status",
            "vertraagd",
        ],
    ] {
        let out = env.run(args);
        out.ok();
        t.add(args, &out);
    }
    snap!("filtered_views", t.text());
    let none = env.run(&["overview", "--ministry", "FIN"]);
    assert!(
        none.stdout
            .contains("Geen items voldoen aan het filter (ministerie FIN)")
    );
    let export = env.run(&["export", "--format", "csv", "--ministry", "FIN"]);
    export.expect_code(0);
    assert!(export.stderr.starts_with("note: "), "{}", export.stderr);

    // A value that names nothing known is bad input: exit 2, what is
    // accepted named, nothing else printed.
    let mut t = Transcript::new();
    for (args, needles) in [
        (
            &["overview", "--ministry", "OWC"][..],
            &[
                "--ministry",
                "did you mean OCW",
                "this view's items are assigned to",
            ][..],
        ),
        (
            &["item", "list", "--status", "klaar"],
            &["--status", "in-uitvoering"],
        ),
        (
            &["overview", "--kind", "wet"],
            &["--kind", "motie, toezegging"],
        ),
        (
            &["export", "--format", "events", "--ministry", "OCW"],
            &["--format", "whole chain"],
        ),
    ] {
        t.add(args, &env.refused_in(args, b"", 2, needles));
    }
    snap!("filters_refused", t.text());
}

// ------------------------------------------------------------ the view line

#[test]
fn every_read_names_its_view_in_plain_words_and_auditors_keep_the_chain() {
    let env = programme();
    env.run(&[
        "round",
        "seal",
        "2025-voorjaar",
        "--reported-on",
        "2025-02-10",
    ])
    .ok();
    let jargon = ["View:", "seq", "head", "latest effective values"];
    for args in [
        &["overview"][..],
        &["item", "list"],
        &["show", "M1"],
        &["overview", "--round", "2025-voorjaar"],
        &[
            "overview",
            "--as-of",
            "2025-02-03T10:30:00+01:00",
            "--effective",
            "2025-02-01",
        ],
        &["--lang", "en", "overview"],
        &["--lang", "en", "item", "list", "--round", "2025-voorjaar"],
    ] {
        let out = env.run(args);
        out.ok();
        let line = out
            .stdout
            .lines()
            .find(|l| crate::common::is_view_line(l))
            .unwrap_or_else(|| panic!("{args:?}: no view line in\n{}", out.stdout));
        for j in jargon {
            assert!(!line.contains(j), "{args:?}: {line}");
        }
    }
    let line = |args: &[&str]| {
        env.run(args)
            .stdout
            .lines()
            .find(|l| crate::common::is_view_line(l))
            .unwrap()
            .to_string()
    };
    // Pinned clock: the seal was recorded at 09:25Z, 10:25 in The Hague.
    assert_eq!(
        line(&["overview", "--round", "2025-voorjaar"]),
        "Ronde 2025-voorjaar, verzegeld op 3 februari 2025, 10:25; brief van 10 februari 2025"
    );
    assert_eq!(
        line(&[
            "--lang",
            "en",
            "overview",
            "--round",
            "2025-voorjaar",
            "--effective",
            "2025-01-31"
        ]),
        "Round 2025-voorjaar, sealed on 3 February 2025, 10:25; letter of 10 February 2025, in effect on 31 January 2025"
    );
    assert_eq!(
        line(&["--lang", "en", "overview"]),
        "As it stands now (recorded up to 3 February 2025, 10:25)"
    );
    assert_eq!(
        line(&[
            "overview",
            "--as-of",
            "2025-02-03T10:30:00+01:00",
            "--effective",
            "2025-02-01"
        ]),
        "Zoals bekend op 3 februari 2025 om 10:30, geldend op 1 februari 2025 (vastgelegd tot 3 februari 2025, 10:25)"
    );
    // The chain's terms stay where auditors look: the JSON, and the log.
    let v = env.json(&["overview"]);
    assert_eq!(v["view"]["events"], 8);
    assert!(v["view"]["head"].as_str().unwrap().len() == 64);
    let log = env.run(&["log"]).stdout;
    assert!(
        log.lines()
            .nth(1)
            .unwrap()
            .starts_with("Keten: 8 gebeurtenissen, seq 0–7, laatste hash "),
        "{log}"
    );
    let log = env.run(&["--lang", "en", "log"]).stdout;
    assert!(
        log.lines()
            .nth(1)
            .unwrap()
            .starts_with("Chain: 8 events, seq 0–7, head "),
        "{log}"
    );
}

#[test]
fn an_as_of_before_the_ledger_began_points_at_effective() {
    // Created on 6 January 2025 (the pinned clock), asked about the 1st.
    let env = TestEnv::init();
    env.add(&["--kind", "motie", "--key", "M1", "--text", "Een motie."]);
    let mut t = Transcript::new();
    for args in [
        &["overview", "--as-of", "2025-01-01"][..],
        &["item", "list", "--as-of", "2025-01-01"],
        &["log", "--as-of", "2025-01-01"],
        &[
            "--lang",
            "en",
            "overview",
            "--as-of",
            "2025-01-01T12:00:00Z",
        ],
    ] {
        let out = env.run(args);
        out.ok();
        assert!(
            out.stdout.contains("--effective 2025-01-01"),
            "{args:?}: {}",
            out.stdout
        );
        t.add(args, &out);
    }
    let out = env.run(&["overview", "--as-of", "2025-01-01"]);
    assert!(
        out.stdout
            .contains("de eerste gebeurtenis is vastgelegd op 6 januari 2025, 10:01"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("held no events"));
    snap!("as_of_before_the_first_event", t.text());
    // The JSON is the empty view, as before.
    let v = env.json(&["overview", "--as-of", "2025-01-01"]);
    assert_eq!(v["view"]["events"], 0);
    assert_eq!(v["items"], serde_json::json!([]));
}

// ------------------------------------------------------------ verify --digest

#[test]
fn a_digest_from_a_letter_and_a_mistyped_round() {
    let env = programme();
    env.run(&[
        "round",
        "seal",
        "2024-najaar",
        "--reported-on",
        "2024-11-15",
    ])
    .ok();
    env.run(&["status", "T2", "in-uitvoering"]).ok();
    env.run(&[
        "round",
        "seal",
        "2025-voorjaar",
        "--reported-on",
        "2025-05-15",
    ])
    .ok();
    let d = env.round_digest("2025-voorjaar");
    // As copied out of a letter: in groups of eight, over two lines.
    let letter = format!(
        "{} {} {} {}\n{} {} {} {}\n",
        &d[0..8],
        &d[8..16],
        &d[16..24],
        &d[24..32],
        &d[32..40],
        &d[40..48],
        &d[48..56],
        &d[56..64]
    );
    let (out, j) = env.verify(&["--digest", &letter, "--round", "2025-voorjaar"], 0);
    assert!(
        out.stdout.contains("GEVONDEN: ronde '2025-voorjaar'"),
        "{}",
        out.stdout
    );
    assert_eq!(j["digest"]["ok"], true);
    assert_eq!(j["digest"]["digest"], d.as_str());

    let mut t = Transcript::new();
    // A mistyped round: the names it may mean, and whose seal the digest is.
    let (out, j) = env.verify_into(&mut t, &["--digest", &d, "--round", "2025-vorjaar"], 1);
    assert!(
        out.stdout.contains("bedoelt u 2025-voorjaar"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("De waarde is het zegel van ronde '2025-voorjaar'"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("ingekort"), "{}", out.stdout);
    assert_eq!(j["digest"]["ok"], false);
    // The other round's digest under this round's name.
    let first = env.round_digest("2024-najaar");
    let (out, _) = env.verify_into(&mut t, &["--digest", &first, "--round", "2025-voorjaar"], 1);
    assert!(
        out.stdout
            .contains("deze waarde is het zegel van ronde '2024-najaar'"),
        "{}",
        out.stdout
    );
    // A name like no round, and a digest the ledger does not hold.
    let unknown = format!("{}0", &d[..63]);
    let unknown = if unknown == d {
        format!("{}1", &d[..63])
    } else {
        unknown
    };
    let (out, _) = env.verify_into(&mut t, &["--digest", &unknown, "--round", "zomer"], 1);
    assert!(
        out.stdout
            .contains("er is geen ronde 'zomer' (verzegelde rondes: 2024-najaar, 2025-voorjaar)"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("De waarde staat ook niet in het register"),
        "{}",
        out.stdout
    );
    snap!("digest_with_a_mistyped_round", t.text());

    // Still 64 hex digits: a digit short, or another character, is refused.
    let mut t = Transcript::new();
    for bad in [&letter[1..], &letter.replace('\n', "-")] {
        let args = ["verify", "--digest", bad];
        t.add(
            &args,
            &env.refused_in(&args, b"", 2, &["--digest", "64 hexadecimal digits"]),
        );
    }
    snap!("digest_malformed", t.text());
}

// ------------------------------------------------------------ amendments

#[test]
fn show_gives_each_amendment_as_old_and_new() {
    let env = TestEnv::init();
    env.add(&[
        "--kind",
        "motie",
        "--key",
        "M1",
        "--text",
        "De Tweede Kamer verzoekt de regering een plan te maken.",
        "--submitter",
        "Jansen",
        "--ref",
        "Kamerstukken II 2024/25, 36600, nr. 12",
    ]);
    env.run(&[
        "item",
        "amend",
        "M1",
        "--ref",
        "Kamerstukken II 2024/25, 36600, nr. 14",
        "--reason",
        "verkeerd nummer",
    ])
    .ok();
    env.run(&[
        "item",
        "amend",
        "M1",
        "--text",
        "De Tweede Kamer verzoekt de regering voor de zomer een plan te maken.",
        "--submitter",
        "Jansen",
        "--submitter",
        "De Vries",
    ])
    .ok();
    // An amendment taken back: the next one's "before" does not show it.
    env.run(&["item", "amend", "M1", "--text", "Verkeerde tekst."])
        .ok();
    env.run(&["correct", "4", "--retract", "--reason", "verkeerd item"])
        .ok();
    env.run(&[
        "item",
        "amend",
        "M1",
        "--text",
        "De Tweede Kamer verzoekt de regering voor 1 juli een plan te maken.",
    ])
    .ok();
    // In English here (the Dutch card is in tests/cli.rs): the words the
    // card had before it spoke Dutch too, byte for byte.
    let out = env.run(&["--lang", "en", "show", "M1"]);
    out.ok();
    let s = &out.stdout;
    let amendments = &s[s.find("\nAmendments\n").expect("an Amendments section")..];
    for (old, new) in [
        (
            "citations:   Kamerstukken II 2024/25, 36600, nr. 12",
            "→ Kamerstukken II 2024/25, 36600, nr. 14",
        ),
        (
            "text:        De Tweede Kamer verzoekt de regering een plan te maken.",
            "→ De Tweede Kamer verzoekt de regering voor de zomer een plan te maken.",
        ),
        ("submitters:  Jansen", "→ Jansen, De Vries"),
        (
            "text:        De Tweede Kamer verzoekt de regering voor de zomer een plan te maken.",
            "→ De Tweede Kamer verzoekt de regering voor 1 juli een plan te maken.",
        ),
    ] {
        let at = amendments
            .rfind(old)
            .unwrap_or_else(|| panic!("{old:?} not in\n{amendments}"));
        let next = amendments[at..].lines().nth(1).unwrap().trim();
        assert_eq!(next, new, "{amendments}");
    }
    // The timeline, whole (--wide), says the same on one row each.
    let wide = env.run(&["--lang", "en", "show", "M1", "--wide"]).stdout;
    assert!(
        wide.contains("amended: citations \"Kamerstukken II 2024/25, 36600, nr. 12\" → \"Kamerstukken II 2024/25, 36600, nr. 14\" (verkeerd nummer)"),
        "{wide}"
    );
    snap!("show_amendments_old_and_new", out.stdout);
}

// ------------------------------------------------------------ notes

#[test]
fn the_same_note_again_on_the_same_day_is_refused() {
    let env = TestEnv::init();
    env.add(&["--kind", "motie", "--key", "M1", "--text", "Een motie."]);
    env.run(&["note", "M1", "Stap gezet.", "--effective", "2025-01-03"])
        .ok();
    let args = ["note", "M1", "Stap gezet.", "--effective", "2025-01-03"];
    let out = env.refused_in(
        &args,
        b"",
        2,
        &[
            "latest progress note (seq 2, effective 2025-01-03) already says this",
            "nothing to record",
        ],
    );
    assert!(
        out.stderr.contains("Nothing was written."),
        "{}",
        out.stderr
    );
    snap!(
        "identical_note_refused",
        Transcript::new().add(&args, &out).text()
    );
    // Through standard input as well.
    env.refused_in(
        &["note", "M1", "-", "--effective", "2025-01-03"],
        b"Stap gezet.\n",
        2,
        &["already says this"],
    );
    // Anything new is recorded: another day, a citation, other text.
    for args in [
        &["note", "M1", "Stap gezet.", "--effective", "2025-01-04"][..],
        &[
            "note",
            "M1",
            "Stap gezet.",
            "--effective",
            "2025-01-04",
            "--ref",
            "Kamerstukken II 2024/25, 36600, nr. 3",
        ],
        &["note", "M1", "Volgende stap.", "--effective", "2025-01-04"],
        // Not the latest note any more: saying it again is news.
        &["note", "M1", "Stap gezet.", "--effective", "2025-01-04"],
    ] {
        env.run(args).ok();
    }
    // The ledger holds one event per accepted note.
    assert_eq!(
        env.json(&["log", "--item", "M1"])["events"]
            .as_array()
            .unwrap()
            .len(),
        6
    );
}

// ------------------------------------------------------------ the demo

#[test]
fn the_demo_shows_its_commands_and_a_tampered_copy_that_fails() {
    let env = TestEnv::new();
    let out = env.run(&["demo"]);
    out.ok();
    let s = &out.stdout;
    for needle in [
        "$ kamerstand init --programme PDWG",
        "$ kamerstand import bijlage-2024.txt --reported-on 2024-11-15 --seal-round 2024-najaar",
        "$ kamerstand correct ",
        "$ kamerstand overview\n",
        "$ kamerstand show T1\n",
        "$ kamerstand verify --digest ",
        "$ cp -r ledger.db kopie.db\n",
        "$ kamerstand --store kopie.db verify\nGEBROKEN bij gebeurtenis ",
    ] {
        assert!(s.contains(needle), "{needle:?} not in\n{s}");
    }
    // The copy fails at the changed event, naming its item; the original
    // still verifies afterwards.
    let tail = &s[s.find("$ kamerstand --store kopie.db verify").unwrap()..];
    assert!(tail.contains("inhoud gewijzigd (item 39104-18)"), "{tail}");
    let last = &tail[tail.find("$ kamerstand verify\n").unwrap()..];
    assert!(
        last.lines()
            .nth(1)
            .unwrap()
            .starts_with("in orde: 45 gebeurtenissen gecontroleerd"),
        "{last}"
    );

    let j = env.json(&["demo"]);
    assert_eq!(j["tampered"]["copy"]["ok"], false);
    assert_eq!(
        j["tampered"]["copy"]["first_break"]["kind"],
        "content_altered"
    );
    assert_eq!(j["tampered"]["original"]["ok"], true);
    assert!(j["commands"].as_array().unwrap().len() > 15);
    // The demo never touches the store given with --store.
    assert!(!env.store.exists());
}

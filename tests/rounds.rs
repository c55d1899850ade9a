//! Sealed reporting rounds and diffs on a fixed history: unique round names,
//! `round list` and `round digest`, `--round` on every read command equal to
//! `--as-of` just after the seal and unchanged by later updates and
//! corrections, and `diff` between rounds, instants, dates and now in table,
//! Markdown and JSON; and `verify --digest`, which finds a published round
//! digest in an intact ledger and explains one that is mistyped or names
//! another round (tests/tamper.rs has the digests of damaged ledgers).

use crate::common::{TestEnv, Transcript, snap, two_rounds, without_view};
use serde_json::{Value, json};

const SPRING: &str = "2025-voorjaar";
const AUTUMN: &str = "2025-najaar";

/// Before the first round (recorded 2025-02-03): M1 (seq 1), T1 (2), T2 (3)
/// registered, a note on M1 (4); round 2025-voorjaar sealed (5).
/// Between the rounds (recorded 2025-05-05): M1 vertraagd (6), T1 to "MOCW
/// en SOCW" (7), a note on T1 (8), M2 registered (9), the note on M1
/// corrected (10); round 2025-najaar sealed (11).
/// After (recorded 2025-06-02): M1 invulling (12), M1's registration status
/// corrected (13), a note on M2 (14).
fn ledger() -> TestEnv {
    let env = TestEnv::init();
    env.set_clock("2025-02-03T10:00:00Z");
    let add = |key: &str, kind: &str, status: &str, parties: &str| {
        env.json(&[
            "item",
            "add",
            "--kind",
            kind,
            "--key",
            key,
            "--text",
            &format!("Tekst van {key}."),
            "--status",
            status,
            "--responsible",
            parties,
            "--effective",
            "2025-01-10",
        ])
    };
    add("M1", "motie", "in-uitvoering", "SOCW");
    add("T1", "toezegging", "niet-begonnen", "SVWS");
    add("T2", "toezegging", "doorlopend", "MJenV");
    env.json(&["note", "M1", "Eerste stand.", "--effective", "2025-01-31"]);
    let seal = env.json(&[
        "round",
        "seal",
        SPRING,
        "--title",
        "Voortgangsbrief voorjaar 2025",
        "--reported-on",
        "2025-02-10",
    ]);
    assert_eq!(seal["seq"], 5);

    env.set_clock("2025-05-05T10:00:00Z");
    env.json(&["status", "M1", "vertraagd", "--effective", "2025-05-01"]);
    env.json(&["assign", "T1", "MOCW en SOCW", "--effective", "2025-05-01"]);
    env.json(&[
        "note",
        "T1",
        "Brief in voorbereiding.",
        "--effective",
        "2025-05-02",
    ]);
    add("M2", "motie", "in-uitvoering", "SOCW");
    env.json(&[
        "correct",
        "4",
        "--note",
        "Eerste stand, verbeterd.",
        "--reason",
        "typefout",
    ]);
    let seal = env.json(&["round", "seal", AUTUMN, "--reported-on", "2025-05-20"]);
    assert_eq!(seal["seq"], 11);

    env.set_clock("2025-06-02T10:00:00Z");
    env.json(&["status", "M1", "invulling"]);
    env.json(&[
        "correct",
        "1",
        "--status",
        "doorlopend",
        "--reason",
        "verkeerd overgenomen",
    ]);
    let last = env.json(&[
        "note",
        "M2",
        "Gestart in juni.",
        "--effective",
        "2025-06-01",
    ]);
    assert_eq!(last["seq"], 14);
    env
}

fn round<'a>(list: &'a Value, name: &str) -> &'a Value {
    list["rounds"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("no round {name} in {list}"))
}

fn is_hex64(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

#[test]
fn a_round_name_is_sealed_once_in_any_case() {
    let env = ledger();
    let mut t = Transcript::new();
    for name in [SPRING, "2025-VOORJAAR", " 2025-Najaar "] {
        let args = ["round", "seal", name];
        t.add(
            &args,
            &env.refused_in(&args, b"", 2, &["Nothing was written."]),
        );
    }
    for bad in ["", "_voorjaar", "met spatie", "ronde/1"] {
        let args = ["round", "seal", bad];
        t.add(&args, &env.refused_in(&args, b"", 2, &[]));
    }
    snap!(t.text());
    let head = env.head();
    assert_eq!(env.head(), head);
    // A new name is fine.
    assert_eq!(env.json(&["round", "seal", "2026-voorjaar"])["seq"], 15);
}

#[test]
fn round_list_and_digest_name_every_round() {
    let env = ledger();
    let log = env.json(&["log"]);
    let hash_of = |seq: usize| log["events"][seq]["hash"].as_str().unwrap().to_string();
    let time_of = |seq: usize| {
        log["events"][seq]["recorded_at"]
            .as_str()
            .unwrap()
            .to_string()
    };

    let list = env.json(&["round", "list"]);
    assert_eq!(list["programme"], "NAP");
    assert_eq!(list["rounds"].as_array().unwrap().len(), 2);
    for (name, title, reported, seq) in [
        (SPRING, "Voortgangsbrief voorjaar 2025", "2025-02-10", 5),
        (AUTUMN, AUTUMN, "2025-05-20", 11),
    ] {
        let r = round(&list, name);
        assert_eq!(r["title"], title);
        assert_eq!(r["reported_on"], reported);
        assert_eq!(r["seq"], seq);
        assert_eq!(r["digest"], hash_of(seq));
        assert_eq!(r["head_seq"], seq - 1);
        assert_eq!(r["head_hash"], hash_of(seq - 1));
        assert_eq!(r["recorded_at"], time_of(seq));
        assert_eq!(r["actor"], "clerk");
    }

    let out = env.run(&["round", "list"]);
    out.ok();
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", out.stdout);
    let header: Vec<&str> = lines[0]
        .split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    assert_eq!(
        header,
        [
            "naam",
            "titel",
            "gemeld op",
            "seq",
            "controlewaarde",
            "vastgelegd"
        ]
    );
    for (line, (name, title, reported, seq)) in lines[1..].iter().zip([
        (SPRING, "Voortgangsbrief voorjaar 2025", "2025-02-10", 5),
        (AUTUMN, AUTUMN, "2025-05-20", 11),
    ]) {
        let cells: Vec<&str> = line
            .split("  ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect();
        let recorded = time_of(seq);
        let short = format!("{} {}Z", &recorded[..10], &recorded[11..19]);
        assert_eq!(
            cells,
            [
                name,
                title,
                reported,
                &seq.to_string(),
                &hash_of(seq),
                &short
            ],
            "{line}"
        );
    }

    for asked in [SPRING, "2025-VOORJAAR"] {
        let out = env.run(&["round", "digest", asked]);
        out.ok();
        assert_eq!(
            out.stdout,
            format!("NAP — round {SPRING} — seq 5 — sha256 {}\n", hash_of(5))
        );
        assert!(is_hex64(&hash_of(5)));
    }
    let args = ["round", "digest", "2025-voorjar"];
    let out = env.refused_in(&args, b"", 2, &[]);
    snap!(Transcript::new().add(&args, &out).text());
}

/// The outputs of a read command in table form without its view line, and
/// in JSON without its view member.
fn outputs(env: &TestEnv, args: &[&str]) -> (String, Value) {
    let out = env.run(args);
    out.ok();
    let table: String = out
        .stdout
        .lines()
        .filter(|l| !crate::common::is_view_line(l))
        .map(|l| format!("{l}\n"))
        .collect();
    let mut full = vec!["--format", "json"];
    full.extend_from_slice(args);
    let o = env.run(&full);
    o.ok();
    (table, without_view(&o.json()))
}

#[test]
fn round_views_are_as_of_the_seal_and_stay_so() {
    let env = TestEnv::init();
    env.set_clock("2025-02-03T10:00:00Z");
    env.add(&[
        "--kind",
        "motie",
        "--key",
        "M1",
        "--text",
        "Een motie.",
        "--responsible",
        "SOCW",
    ]);
    env.add(&[
        "--kind",
        "toezegging",
        "--key",
        "T1",
        "--text",
        "Een toezegging.",
    ]);
    env.run(&["note", "M1", "Stand bij de ronde."]).ok();
    env.run(&["status", "T1", "in-uitvoering"]).ok();
    let seal = env.json(&["round", "seal", "R1"]);
    let sealed_at = seal["recorded_at"].as_str().unwrap().to_string();
    let commands: [&[&str]; 7] = [
        &["overview"],
        &["overview", "--effective", "2025-02-05"],
        &["show", "M1"],
        &["show", "T1"],
        &["log"],
        &["log", "--item", "M1"],
        &["item", "list"],
    ];
    let then: Vec<(String, Value)> = commands.iter().map(|c| outputs(&env, c)).collect();

    // Later updates and corrections, some of events before the seal.
    env.set_clock("2025-03-03T10:00:00Z");
    env.run(&["status", "M1", "vertraagd"]).ok();
    env.run(&["correct", "3", "--note", "Andere stand.", "--reason", "r"])
        .ok();
    env.run(&["correct", "4", "--retract", "--reason", "r"])
        .ok();
    env.run(&["correct", "2", "--retract", "--reason", "r"])
        .ok();
    env.run(&["assign", "M1", "MJenV"]).ok();
    env.add(&["--kind", "motie", "--key", "M2", "--text", "Nog een motie."]);
    env.run(&["round", "seal", "R2"]).ok();

    for (c, (table, json)) in commands.iter().zip(&then) {
        for basis in [
            ["--round", "R1"],
            ["--round", "r1"],
            ["--as-of", &sealed_at],
        ] {
            let mut args = c.to_vec();
            args.extend_from_slice(&basis);
            let (t, j) = outputs(&env, &args);
            assert_eq!(&t, table, "{args:?}");
            assert_eq!(&j, json, "{args:?}");
        }
        // And the current view has moved on.
        assert_ne!(&outputs(&env, c).1, json, "{c:?}");
    }
    // An item registered after the round is not in it; an unknown round
    // is named with the rounds there are.
    let mut t = Transcript::new();
    for args in [
        &["show", "M2", "--round", "R1"][..],
        &["overview", "--round", "R3"],
    ] {
        t.add(args, &env.refused_in(args, b"", 2, &[]));
    }
    snap!(t.text());
}

fn diff_item<'a>(d: &'a Value, key: &str) -> Option<&'a Value> {
    d["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["key"] == key)
}

/// The summary of a diff: added, withdrawn, status and responsible changes,
/// notes, corrections, items changed and unchanged (no amendments here).
fn summary(counts: [u64; 8]) -> Value {
    let [
        added,
        withdrawn,
        status,
        parties,
        notes,
        corrections,
        changed,
        unchanged,
    ] = counts;
    json!({
        "added": added,
        "withdrawn": withdrawn,
        "status_changed": status,
        "responsible_changed": parties,
        "notes": notes,
        "amendments": 0,
        "corrections": corrections,
        "items_changed": changed,
        "items_unchanged": unchanged,
    })
}

#[test]
fn diff_between_rounds_in_json() {
    let env = ledger();
    let d = env.json(&["diff", SPRING, AUTUMN, "--events"]);
    assert_eq!(d["programme"], "NAP");
    assert_eq!(d["from"]["round"], SPRING);
    assert_eq!(d["to"]["round"], AUTUMN);
    assert_eq!(d["summary"], summary([1, 0, 1, 1, 1, 1, 3, 1]));
    let keys: Vec<&str> = d["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        ["M1", "M2", "T1"],
        "motions first, unchanged T2 left out"
    );

    let m1 = diff_item(&d, "M1").unwrap();
    assert_eq!(m1["status"]["from"]["slug"], "in-uitvoering");
    assert_eq!(m1["status"]["to"]["slug"], "vertraagd");
    assert_eq!(m1["status"]["to"]["nl"], "In uitvoering met vertraging");
    assert!(m1["responsible"].is_null());
    let kinds: Vec<(u64, &str)> = m1["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["seq"].as_u64().unwrap(), e["change"].as_str().unwrap()))
        .collect();
    assert_eq!(kinds, [(6, "status"), (10, "corrected")]);
    // Without --events the same is counted, and the events are not listed.
    let short = env.json(&["diff", SPRING, AUTUMN]);
    assert_eq!(short["summary"], d["summary"]);
    let m1_short = diff_item(&short, "M1").unwrap();
    assert_eq!(m1_short["events"], json!([]));
    assert_eq!(m1_short["counts"], m1["counts"]);
    assert_eq!(m1["counts"]["status_changes"], 1);
    assert_eq!(m1["counts"]["corrections"], 1);
    let m2 = diff_item(&d, "M2").unwrap();
    assert_eq!(
        (m2["added"].as_bool(), m2["withdrawn"].as_bool()),
        (Some(true), Some(false))
    );
    assert_eq!(m2["status_now"]["slug"], "in-uitvoering");
    let t1 = diff_item(&d, "T1").unwrap();
    assert!(t1["status"].is_null());
    assert_eq!(t1["responsible"]["from"], json!(["SVWS"]));
    assert_eq!(t1["responsible"]["to"], json!(["MOCW", "SOCW"]));
    let note = t1["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["change"] == "note")
        .unwrap();
    assert_eq!(note["text"], "Brief in voorbereiding.");
    assert_eq!(note["seq"], 8);
    assert_eq!(note["effective"], "2025-05-02");

    // --all adds the unchanged item, with nothing to report.
    let all = env.json(&["diff", SPRING, AUTUMN, "--all"]);
    assert_eq!(all["summary"], d["summary"]);
    let t2 = diff_item(&all, "T2").unwrap();
    assert_eq!(t2["added"], false);
    assert_eq!(t2["withdrawn"], false);
    assert!(t2["status"].is_null() && t2["responsible"].is_null());
    assert_eq!(t2["events"], json!([]));
    assert_eq!(t2["status_now"]["slug"], "doorlopend");
    assert_eq!(all["items"].as_array().unwrap().len(), 4);

    // The same diff with the sides given as dates (end of day, Dutch time)
    // and as instants.
    for (from, to) in [
        ("2025-03-01", "2025-05-31"),
        ("2025-02-03T12:00:00Z", "2025-05-05T14:00:00+02:00"),
    ] {
        let x = env.json(&["diff", from, to, "--events"]);
        assert_eq!(x["items"], d["items"], "{from} {to}");
        assert_eq!(x["summary"], d["summary"]);
        assert_eq!(x["from"]["basis"], "as_of");
    }

    // From the last round to now.
    let n = env.json(&["diff", AUTUMN, "now"]);
    assert_eq!(n["to"]["basis"], "current");
    assert_eq!(n["summary"], summary([0, 0, 1, 0, 1, 1, 2, 2]));
    let m1 = diff_item(&n, "M1").unwrap();
    assert_eq!(m1["status"]["from"]["slug"], "vertraagd");
    assert_eq!(m1["status"]["to"]["slug"], "invulling");
    let m2 = diff_item(&n, "M2").unwrap();
    // Without --events: counted, with the latest note.
    assert_eq!(m2["counts"]["notes"], 1);
    assert_eq!(m2["latest_note"]["text"], "Gestart in juni.");
    // Equal sides: nothing changed.
    let same = env.json(&["diff", "now", "NOW"]);
    assert_eq!(same["summary"], summary([0, 0, 0, 0, 0, 0, 0, 4]));
    assert_eq!(same["items"], json!([]));
}

#[test]
fn diff_refuses_sides_in_the_wrong_order_or_unknown() {
    let env = ledger();
    let mut t = Transcript::new();
    for (from, to) in [
        (AUTUMN, SPRING),
        ("now", SPRING),
        ("2025-12-31", "2025-03-01"),
        (SPRING, "2025-zomer"),
        ("gisteren", "now"),
    ] {
        let args = ["diff", from, to];
        t.add(&args, &env.refused_in(&args, b"", 2, &[]));
    }
    snap!(t.text());
}

#[test]
fn diff_in_markdown_and_table() {
    let env = ledger();
    // Motions, then commitments; an item per changed item (T2 is left out
    // unless --all), with its changes, events and notes; the counts below.
    let md = env.run(&["--format", "md", "diff", SPRING, AUTUMN, "--events"]);
    md.ok();
    snap!("diff_md_events", md.stdout);
    let all = env.run(&["--format", "md", "diff", SPRING, AUTUMN, "--all"]);
    all.ok();
    snap!("diff_md_all", all.stdout);
    let t = env.run(&["diff", SPRING, AUTUMN, "--events"]);
    t.ok();
    snap!("diff_table_events", t.stdout);
}

// --------------------------------------------------------- published digests

/// `hex` with one digit changed.
fn one_digit_off(hex: &str, at: usize) -> String {
    let mut b = hex.as_bytes().to_vec();
    b[at] = if b[at] == b'0' { b'1' } else { b'0' };
    String::from_utf8(b).unwrap()
}

#[test]
fn a_published_digest_is_found_on_an_intact_ledger() {
    // The English words (`--lang en`); the Dutch of every result are in
    // the transcripts of `tamper` and `readable`.
    let env = two_rounds();
    let (r1, r2) = (env.round_digest("R1"), env.round_digest("R2"));
    let mut t = Transcript::new();
    for (name, d, seq) in [("R1", &r1, 4), ("r2", &r2, 7)] {
        let (_, j) = env.verify_into(&mut t, &["--lang", "en", "--digest", d, "--round", name], 0);
        assert_eq!(j["ok"], true);
        assert_eq!(j["digest"]["ok"], true);
        assert_eq!(j["digest"]["found_at"], seq);
        assert_eq!(j["digest"]["digest"], d.as_str());
    }
    // Without a round, any event's hash is found where it is.
    let (_, j) = env.verify_into(&mut t, &["--lang", "en", "--digest", &r1], 0);
    assert_eq!(j["digest"]["round"], Value::Null);
    snap!(t.text());
    // Upper case is the same digest.
    env.verify(&["--digest", &r2.to_uppercase(), "--round", "R2"], 0);
    // The round digest line carries the same digest.
    let line = env.run(&["round", "digest", "R2"]);
    line.ok();
    assert!(line.stdout.trim_end().ends_with(&r2), "{}", line.stdout);
}

#[test]
fn a_wrong_digest_is_exit_1_with_an_explanation() {
    // In English (`--lang en`), as the JSON's detail says it.
    let env = two_rounds();
    let (r1, r2) = (env.round_digest("R1"), env.round_digest("R2"));
    let mut t = Transcript::new();
    for at in [0, 31, 63] {
        let wrong = one_digit_off(&r2, at);
        if at == 0 {
            t.note("R2's digest with its first digit changed");
        }
        // The chain itself is intact; the digest is what does not match.
        // (The snapshot shows the first of the three, the others read the
        // same once the digests are redacted.)
        let mut other = Transcript::new();
        let into = if at == 0 { &mut t } else { &mut other };
        let (out, j) = env.verify_into(
            into,
            &["--lang", "en", "--digest", &wrong, "--round", "R2"],
            1,
        );
        assert_eq!(j["ok"], false);
        assert_eq!(j["first_break"], Value::Null);
        assert_eq!(j["digest"]["ok"], false);
        // It shows the digest the round was sealed with beside the one
        // given (both redacted in the snapshot).
        assert!(
            out.stdout.contains(&format!(
                "round 'R2' is sealed at seq 7 with digest {r2}, not the published {wrong}:"
            )),
            "{}",
            out.stdout
        );
        env.verify_into(into, &["--lang", "en", "--digest", &wrong], 1);
    }
    // Another round's digest is not this round's.
    t.note("R1's digest, given for R2");
    env.verify_into(
        &mut t,
        &["--lang", "en", "--digest", &r1, "--round", "R2"],
        1,
    );
    // An unknown round.
    t.note("R1's digest, given for a round that does not exist");
    env.verify_into(
        &mut t,
        &["--lang", "en", "--digest", &r1, "--round", "R3"],
        1,
    );
    snap!(t.text());
    // A digest that is not 64 hex digits is bad input.
    for bad in [&r1[..63], "xyz", &format!("{r1}0")] {
        let out = env.run(&["verify", "--digest", bad]);
        out.expect_code(2);
        assert!(
            out.stderr.contains("64 hexadecimal digits"),
            "{}",
            out.stderr
        );
    }
    // --round needs --digest.
    env.run(&["verify", "--round", "R1"]).expect_code(2);
}

//! Corrections, seen and unseen on both sides of their recorded time: a view
//! as of before a correction shows the original, after it the replacement;
//! `show` marks corrected events and says who corrected them, when and why;
//! corrections of corrections; retractions of a status change, a note and a
//! registration; and everything that cannot be corrected is refused with
//! exit 2 and nothing written.

use crate::common::{TestEnv, Transcript, snap};
use serde_json::Value;

fn item<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["key"] == key)
}

fn status(env: &TestEnv, key: &str, view: &[&str]) -> String {
    let mut args = vec!["overview"];
    args.extend_from_slice(view);
    let v = env.json(&args);
    item(&v, key).unwrap_or_else(|| panic!("no {key} in {v}"))["status"]["slug"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The recorded time of the event a receipt describes.
fn at(receipt: &Value) -> String {
    receipt["recorded_at"].as_str().unwrap().to_string()
}

/// Seq 0 created; 1 M1 registered (in uitvoering, SOCW, 2025-01-10); 2 M1
/// vertraagd (2025-01-20); 3 note on M1 (2025-01-25); 4 M1 to MJenV
/// (2025-01-26); 5 M2 registered (niet-begonnen, MOCW, 2025-01-10); 6 M2 in
/// uitvoering (2025-01-28); 7 note on M2 (2025-01-29); 8 round R1 sealed.
/// Returns the environment and the receipt of the seal.
fn ledger() -> (TestEnv, Value) {
    let env = TestEnv::init();
    env.set_clock("2025-02-03T10:00:00Z");
    let steps: [&[&str]; 7] = [
        &[
            "item",
            "add",
            "--kind",
            "motie",
            "--key",
            "M1",
            "--text",
            "Motie van het lid Jansen.",
            "--status",
            "in-uitvoering",
            "--responsible",
            "SOCW",
            "--effective",
            "2025-01-10",
        ],
        &["status", "M1", "vertraagd", "--effective", "2025-01-20"],
        &["note", "M1", "Eerste notitie.", "--effective", "2025-01-25"],
        &["assign", "M1", "MJenV", "--effective", "2025-01-26"],
        &[
            "item",
            "add",
            "--kind",
            "motie",
            "--key",
            "M2",
            "--text",
            "Motie van het lid De Vries.",
            "--status",
            "niet-begonnen",
            "--responsible",
            "MOCW",
            "--effective",
            "2025-01-10",
        ],
        &["status", "M2", "in-uitvoering", "--effective", "2025-01-28"],
        &["note", "M2", "Notitie bij M2.", "--effective", "2025-01-29"],
    ];
    for (n, args) in steps.iter().enumerate() {
        assert_eq!(env.json(args)["seq"], n + 1, "{args:?}");
    }
    let seal = env.json(&["round", "seal", "R1", "--reported-on", "2025-02-04"]);
    assert_eq!(seal["seq"], 8);
    (env, seal)
}

#[test]
fn a_corrected_status_shows_the_original_before_and_the_replacement_after() {
    let (env, seal) = ledger();
    let before = at(&seal);
    let c = env.json(&[
        "--actor",
        "auditor",
        "correct",
        "2",
        "--status",
        "niet-begonnen",
        "--reason",
        "verkeerde status overgenomen",
    ]);
    assert_eq!(c["seq"], 9);
    assert_eq!(c["type"], "corrected");
    let after = at(&c);

    assert_eq!(status(&env, "M1", &["--as-of", &before]), "vertraagd");
    assert_eq!(status(&env, "M1", &["--as-of", &after]), "niet-begonnen");
    assert_eq!(status(&env, "M1", &[]), "niet-begonnen");
    // The round was sealed before the correction and keeps the original.
    assert_eq!(status(&env, "M1", &["--round", "R1"]), "vertraagd");
    // On the effective axis the replacement takes the original's place.
    assert_eq!(
        status(&env, "M1", &["--effective", "2025-01-15"]),
        "in-uitvoering"
    );
    assert_eq!(
        status(&env, "M1", &["--effective", "2025-01-20"]),
        "niet-begonnen"
    );
    assert_eq!(
        status(
            &env,
            "M1",
            &["--as-of", &before, "--effective", "2025-01-20"]
        ),
        "vertraagd"
    );

    // `show` marks the corrected event and says who, when and why.
    let out = env.run(&["show", "M1"]);
    out.ok();
    snap!("show_after_the_correction", out.stdout);
    // "When" is the correction's recorded time (redacted in the snapshot).
    let when = &after[..10];
    let line = out
        .stdout
        .lines()
        .skip_while(|l| *l != "Correcties")
        .nth(1)
        .unwrap_or_else(|| panic!("no corrections section:\n{}", out.stdout));
    assert!(
        line.starts_with(&format!("- seq 9 door auditor op {when} ")),
        "{line}"
    );
    // As of before the correction there is nothing to mark.
    let out = env.run(&["show", "M1", "--as-of", &before]);
    out.ok();
    snap!("show_before_the_correction", out.stdout);

    let s = env.json(&["show", "M1"]);
    let timeline = s["timeline"].as_array().unwrap();
    let two = timeline.iter().find(|e| e["seq"] == 2).unwrap();
    assert_eq!(two["corrected_by"], serde_json::json!([9]));
    let nine = timeline.iter().find(|e| e["seq"] == 9).unwrap();
    assert_eq!(nine["change"], "corrected");
    assert_eq!(nine["target_seq"], 2);
    assert_eq!(nine["actor"], "auditor");
    assert_eq!(nine["recorded_at"], after.as_str());
    assert_eq!(nine["reason"], "verkeerde status overgenomen");
    assert_eq!(nine["replacement"]["status"], "niet-begonnen");
    let s = env.json(&["show", "M1", "--as-of", &before]);
    let two = s["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["seq"] == 2)
        .unwrap();
    assert_eq!(two["corrected_by"], serde_json::json!([]));
    env.run(&["verify"]).ok();
}

#[test]
fn a_correction_can_itself_be_corrected() {
    let (env, _) = ledger();
    let first = env.json(&[
        "correct",
        "2",
        "--status",
        "niet-begonnen",
        "--reason",
        "eerste correctie",
    ]);
    let second = env.json(&[
        "correct",
        "9",
        "--status",
        "invulling",
        "--reason",
        "de correctie was zelf fout",
    ]);
    assert_eq!(second["seq"], 10);
    assert_eq!(
        status(&env, "M1", &["--as-of", &at(&first)]),
        "niet-begonnen"
    );
    assert_eq!(status(&env, "M1", &["--as-of", &at(&second)]), "invulling");
    assert_eq!(status(&env, "M1", &[]), "invulling");
    let out = env.run(&["show", "M1"]);
    out.ok();
    snap!("show_corrected_correction", out.stdout);

    // The replaced correction no longer applies and cannot be corrected.
    let args = ["correct", "9", "--status", "doorlopend", "--reason", "x"];
    let out = env.refused_in(&args, b"", 2, &[]);
    snap!(
        "correcting_a_replaced_correction",
        Transcript::new().add(&args, &out).text()
    );

    // The latest one can be corrected again.
    let third = env.json(&[
        "correct",
        "10",
        "--effective",
        "2025-01-22",
        "--reason",
        "datum",
    ]);
    assert_eq!(third["seq"], 11);
    assert_eq!(
        status(&env, "M1", &["--effective", "2025-01-21"]),
        "in-uitvoering"
    );
    assert_eq!(status(&env, "M1", &["--as-of", &at(&second)]), "invulling");
    env.run(&["verify"]).ok();
}

#[test]
fn retracting_a_correction_of_a_correction_restores_the_one_it_replaced() {
    let (env, _) = ledger();
    env.json(&[
        "correct",
        "2",
        "--status",
        "niet-begonnen",
        "--reason",
        "een",
    ]);
    let second = env.json(&["correct", "9", "--status", "invulling", "--reason", "twee"]);
    let undo = env.json(&["correct", "10", "--retract", "--reason", "twee was fout"]);
    assert_eq!(undo["seq"], 11);
    // Withdrawing seq 10's effect leaves seq 9 in force, as before seq 10.
    assert_eq!(status(&env, "M1", &[]), "niet-begonnen");
    assert_eq!(status(&env, "M1", &["--as-of", &at(&second)]), "invulling");
    // And seq 9 applies again, so it can be corrected again.
    env.json(&["correct", "9", "--status", "doorlopend", "--reason", "drie"]);
    assert_eq!(status(&env, "M1", &[]), "doorlopend");
    // Retracting the first correction itself restores the original.
    let (env, _) = ledger();
    env.json(&[
        "correct",
        "2",
        "--status",
        "niet-begonnen",
        "--reason",
        "een",
    ]);
    env.json(&["correct", "9", "--retract", "--reason", "een was fout"]);
    assert_eq!(status(&env, "M1", &[]), "vertraagd");
}

#[test]
fn a_replacement_effective_date_moves_the_value_on_the_effective_axis() {
    let (env, seal) = ledger();
    let c = env.json(&[
        "correct",
        "2",
        "--effective",
        "2025-02-10",
        "--reason",
        "vertraging begon later",
    ]);
    for (view, want) in [
        (vec!["--effective", "2025-02-01"], "in-uitvoering"),
        (vec!["--effective", "2025-02-10"], "vertraagd"),
        (
            vec![
                "--as-of",
                seal["recorded_at"].as_str().unwrap(),
                "--effective",
                "2025-02-01",
            ],
            "vertraagd",
        ),
        (
            vec![
                "--as-of",
                c["recorded_at"].as_str().unwrap(),
                "--effective",
                "2025-02-01",
            ],
            "in-uitvoering",
        ),
    ] {
        assert_eq!(status(&env, "M1", &view), want, "{view:?}");
    }
    // The timeline still shows the date as recorded; the card the new one.
    let s = env.json(&["show", "M1", "--effective", "2025-02-01"]);
    let two = s["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["seq"] == 2)
        .unwrap();
    assert_eq!(two["effective"], "2025-01-20");
    assert_eq!(s["status"]["slug"], "in-uitvoering");
}

#[test]
fn a_replaced_note_text_and_retracted_notes_and_status_changes() {
    let (env, seal) = ledger();
    let before = at(&seal);
    let note = |v: &Value, key: &str| item(v, key).unwrap()["latest_note"]["text"].clone();

    let c = env.json(&[
        "correct",
        "3",
        "--note",
        "Verbeterde notitie.",
        "--reason",
        "typefout",
    ]);
    let now = env.json(&["overview"]);
    assert_eq!(note(&now, "M1"), "Verbeterde notitie.");
    let then = env.json(&["overview", "--as-of", &before]);
    assert_eq!(note(&then, "M1"), "Eerste notitie.");

    // Retract the note on M2 and M2's status change.
    let r1 = env.json(&[
        "correct",
        "7",
        "--retract",
        "--reason",
        "hoorde bij een ander item",
    ]);
    let r2 = env.json(&["correct", "6", "--retract", "--reason", "nog niet gestart"]);
    let now = env.json(&["overview"]);
    assert_eq!(note(&now, "M2"), Value::Null);
    assert_eq!(item(&now, "M2").unwrap()["status"]["slug"], "niet-begonnen");
    let mid = env.json(&["overview", "--as-of", &at(&r1)]);
    assert_eq!(note(&mid, "M2"), Value::Null);
    assert_eq!(item(&mid, "M2").unwrap()["status"]["slug"], "in-uitvoering");
    let then = env.json(&["overview", "--as-of", &at(&c)]);
    assert_eq!(note(&then, "M2"), "Notitie bij M2.");
    assert_eq!(
        item(&then, "M2").unwrap()["status"]["slug"],
        "in-uitvoering"
    );

    let s = env.json(&["show", "M2"]);
    assert_eq!(s["notes"], serde_json::json!([]));
    // No progress notes left; both retracted events marked.
    let out = env.run(&["show", "M2"]);
    out.ok();
    snap!("show_retracted_note_and_status", out.stdout);
    // A retracted status change leaves the next one free to record the same.
    let s = env.json(&["status", "M2", "in-uitvoering", "--effective", "2025-02-01"]);
    assert_eq!(s["seq"], r2["seq"].as_u64().unwrap() + 1);
    // Retracting twice is refused.
    let args = ["correct", "7", "--retract", "--reason", "nogmaals"];
    let out = env.refused_in(&args, b"", 2, &[]);
    snap!(
        "retracting_twice",
        Transcript::new().add(&args, &out).text()
    );
}

#[test]
fn a_retracted_registration_withdraws_the_item() {
    let (env, seal) = ledger();
    let before = at(&seal);
    let w = env.json(&["correct", "5", "--retract", "--reason", "dubbel ingevoerd"]);
    assert_eq!(w["seq"], 9);

    let keys = |v: &Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["key"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(keys(&env.json(&["overview"])), ["M1"]);
    assert_eq!(keys(&env.json(&["item", "list"])), ["M1"]);
    assert_eq!(
        keys(&env.json(&["overview", "--as-of", &before])),
        ["M1", "M2"]
    );
    assert_eq!(
        keys(&env.json(&["overview", "--round", "R1"])),
        ["M1", "M2"]
    );
    let out = env.run(&["overview"]);
    out.ok();
    snap!("overview_without_the_withdrawn_item", out.stdout);

    let out = env.run(&["show", "M2"]);
    out.ok();
    snap!("show_withdrawn", out.stdout);
    assert_eq!(env.json(&["show", "M2"])["withdrawn"], true);
    let out = env.run(&["show", "M2", "--as-of", &before]);
    out.ok();
    snap!("show_before_it_was_withdrawn", out.stdout);

    let d = env.json(&["diff", "R1", "now"]);
    let m2 = item(&d, "M2").unwrap();
    assert_eq!(m2["withdrawn"], true);
    assert_eq!(m2["added"], false);
    assert_eq!(d["summary"]["withdrawn"], 1);
    assert_eq!(d["summary"]["corrections"], 1);
    let out = env.run(&["diff", "R1", "now"]);
    out.ok();
    snap!("diff_withdrawn", out.stdout);

    // A withdrawn item takes no new events.
    let mut t = Transcript::new();
    for args in [
        &["status", "M2", "vertraagd"][..],
        &["note", "M2", "Nog iets."],
        &["assign", "M2", "SOCW"],
    ] {
        t.add(args, &env.refused_in(args, b"", 2, &[]));
    }
    snap!("writes_to_a_withdrawn_item", t.text());

    // Retracting the retraction brings it back.
    let back = env.json(&["correct", "9", "--retract", "--reason", "toch niet dubbel"]);
    assert_eq!(keys(&env.json(&["overview"])), ["M1", "M2"]);
    assert_eq!(keys(&env.json(&["overview", "--as-of", &at(&w)])), ["M1"]);
    let d = env.json(&["diff", &at(&w), &at(&back)]);
    assert_eq!(item(&d, "M2").unwrap()["added"], true);
    env.run(&["verify"]).ok();
}

#[test]
fn what_cannot_be_corrected_is_refused_and_nothing_is_written() {
    let (env, _) = ledger();
    let id = env.json(&["show", "M1"])["id"]
        .as_str()
        .unwrap()
        .to_string();
    // With the clock set back (by five minutes, as far as is accepted),
    // the ledger records at the head's time and makes ids from it: two
    // such events share the ids' millisecond timestamp, their first 12
    // hex digits.
    let head = env.head().unwrap().recorded_at;
    for text in ["Op hetzelfde moment.", "Nog eens op dat moment."] {
        env.clock
            .set(kamerstand::domain::Timestamp::from_unix_nanos(
                head.unix_nanos() - 5 * 60_000_000_000,
            ));
        env.json(&["note", "M1", text, "--effective", "2025-01-31"]);
    }
    let log = env.json(&["log", "--limit", "3"]);
    let events = log["events"].as_array().unwrap();
    assert_eq!(events[0]["recorded_at"], events[2]["recorded_at"]);
    let (a, b) = (
        events[1]["id"].as_str().unwrap(),
        events[2]["id"].as_str().unwrap(),
    );
    assert_eq!(a[..12], b[..12]);
    let ambiguous = a[..12].to_string();
    let unknown = "ffffffff".to_string();
    // Events that cannot be corrected, targets that do not exist or are
    // ambiguous, replacements that change nothing or do not fit the event,
    // and options that do not go together.
    let cases: Vec<Vec<&str>> = vec![
        vec!["correct", "0", "--retract", "--reason", "x"],
        vec!["correct", "8", "--retract", "--reason", "x"],
        vec!["correct", "99", "--retract", "--reason", "x"],
        vec!["correct", &unknown, "--retract", "--reason", "x"],
        vec!["correct", &ambiguous, "--retract", "--reason", "x"],
        vec!["correct", "abc", "--retract", "--reason", "x"],
        vec!["correct", "2", "--reason", "x"],
        vec!["correct", "2", "--status", "vertraagd", "--reason", "x"],
        vec!["correct", "2", "--effective", "2025-01-20", "--reason", "x"],
        vec!["correct", "3", "--note", "Eerste notitie.", "--reason", "x"],
        vec!["correct", "4", "--responsible", "MJenV", "--reason", "x"],
        vec!["correct", "2", "--note", "tekst", "--reason", "x"],
        vec!["correct", "3", "--status", "vertraagd", "--reason", "x"],
        vec!["correct", "2", "--status", "onbekend", "--reason", "x"],
        vec!["correct", "2", "--status", "invulling", "--reason", "  "],
        vec![
            "correct",
            "2",
            "--retract",
            "--status",
            "invulling",
            "--reason",
            "x",
        ],
    ];
    let mut t = Transcript::new();
    for args in cases {
        t.add(&args, &env.refused_in(&args, b"", 2, &[]));
    }
    snap!(t.text());

    // A long enough prefix of the id works.
    let c = env.json(&[
        "correct",
        &id[..20],
        "--status",
        "invulling",
        "--reason",
        "per id",
    ]);
    assert_eq!(c["body"]["target_seq"], 1);
    env.run(&["verify"]).ok();
}

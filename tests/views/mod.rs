//! Both time axes on a fixed history with back-dated entries: `--as-of T
//! --effective D` is what the ledger as it stood at T said was true on D, on
//! `overview`, `show`, `item list` and `log`; and every read output names its
//! view (as of …, round …, effective …), in table and JSON form.

use crate::common::{TestEnv, item, seqs};
use serde_json::Value;

fn keys(v: &Value) -> Vec<&str> {
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["key"].as_str().unwrap())
        .collect()
}

/// Status slug, sorted responsible codes and latest note text of an item.
fn row(v: &Value, key: &str) -> (String, Vec<String>, Option<String>) {
    let i = item(v, key);
    let mut parties: Vec<String> = i["responsible"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    parties.sort();
    (
        i["status"]["slug"].as_str().unwrap().to_string(),
        parties,
        i["latest_note"]["text"].as_str().map(str::to_string),
    )
}

fn r(status: &str, parties: &[&str], note: Option<&str>) -> (String, Vec<String>, Option<String>) {
    (
        status.to_string(),
        parties.iter().map(|p| p.to_string()).collect(),
        note.map(str::to_string),
    )
}

const MARCH_NOTE: &str = "Maart: vertraging door aanbesteding.";
const JANUARY_NOTE: &str = "Januari: de pilot is gestart.";

/// Seq 0 created (2025-01-06).
/// Seq 1 M1 registered 2025-02-03, effective 2025-01-10, in uitvoering, SOCW.
/// Seq 2 M1 vertraagd, recorded 2025-03-03, effective 2025-03-01.
/// Seq 3 M1 note, recorded 2025-03-10, effective 2025-03-05.
/// Seq 4 M1 invulling, recorded 2025-04-07 10:00Z, back-dated to 2025-02-01.
/// Seq 5 M1 note, recorded 2025-04-07 12:00Z, back-dated to 2025-01-20.
/// Seq 6 M2 registered 2025-04-08, back-dated to 2024-12-01, doorlopend, MJenV.
/// Seq 7 T1 registered 2025-04-09, effective later: 2025-06-01.
/// Seq 8 M1 assigned to MOCW, recorded 2025-04-10, back-dated to 2025-01-15.
/// Seq 9 round R1 sealed 2025-04-14, reported on 2025-04-15.
fn back_dated() -> TestEnv {
    let env = TestEnv::init();
    let steps: [(&str, &[&str]); 9] = [
        (
            "2025-02-03T10:00:00Z",
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
        ),
        (
            "2025-03-03T10:00:00Z",
            &["status", "M1", "vertraagd", "--effective", "2025-03-01"],
        ),
        (
            "2025-03-10T10:00:00Z",
            &["note", "M1", MARCH_NOTE, "--effective", "2025-03-05"],
        ),
        (
            "2025-04-07T10:00:00Z",
            &["status", "M1", "invulling", "--effective", "2025-02-01"],
        ),
        (
            "2025-04-07T12:00:00Z",
            &["note", "M1", JANUARY_NOTE, "--effective", "2025-01-20"],
        ),
        (
            "2025-04-08T10:00:00Z",
            &[
                "item",
                "add",
                "--kind",
                "motie",
                "--key",
                "M2",
                "--text",
                "Motie van de leden De Vries en Bakker.",
                "--status",
                "doorlopend",
                "--responsible",
                "MJenV",
                "--effective",
                "2024-12-01",
            ],
        ),
        (
            "2025-04-09T10:00:00Z",
            &[
                "item",
                "add",
                "--kind",
                "toezegging",
                "--key",
                "T1",
                "--text",
                "De staatssecretaris stuurt een brief.",
                "--status",
                "niet-begonnen",
                "--responsible",
                "SVWS",
                "--effective",
                "2025-06-01",
            ],
        ),
        (
            "2025-04-10T10:00:00Z",
            &["assign", "M1", "MOCW", "--effective", "2025-01-15"],
        ),
        (
            "2025-04-14T10:00:00Z",
            &["round", "seal", "R1", "--reported-on", "2025-04-15"],
        ),
    ];
    for (n, (at, args)) in steps.iter().enumerate() {
        env.set_clock(at);
        let receipt = env.json(args);
        assert_eq!(receipt["seq"], n + 1, "{args:?}");
        // Recorded within minutes of the clock being set.
        let recorded = receipt["recorded_at"].as_str().unwrap();
        assert_eq!(&recorded[..13], &at[..13], "{args:?}");
    }
    env
}

#[test]
fn as_of_and_effective_combine() {
    let env = back_dated();
    let view = |args: &[&str]| {
        let mut full = vec!["overview"];
        full.extend_from_slice(args);
        env.json(&full)
    };

    // The ledger as it stood at the end of March said that on 15 February
    // M1 was in progress: the back-dated change is not recorded yet.
    let v = view(&["--as-of", "2025-03-31", "--effective", "2025-02-15"]);
    assert_eq!(keys(&v), ["M1"]);
    assert_eq!(row(&v, "M1"), r("in-uitvoering", &["SOCW"], None));
    assert_eq!(v["view"]["basis"], "as_of");
    assert_eq!(v["view"]["as_of"], "2025-03-31T21:59:59.999999999Z");
    assert_eq!(v["view"]["effective"], "2025-02-15");
    assert_eq!(v["view"]["events"], 4);
    let v = view(&["--as-of", "2025-03-31", "--effective", "2025-03-06"]);
    assert_eq!(row(&v, "M1"), r("vertraagd", &["SOCW"], Some(MARCH_NOTE)));
    let v = view(&["--as-of", "2025-03-31"]);
    assert_eq!(row(&v, "M1"), r("vertraagd", &["SOCW"], Some(MARCH_NOTE)));

    // As it stood at the end of April, the same day looks different: the
    // back-dated status, note, assignment and registration are known now.
    let v = view(&["--as-of", "2025-04-30", "--effective", "2025-02-15"]);
    assert_eq!(keys(&v), ["M1", "M2"], "T1 takes effect on 2025-06-01");
    assert_eq!(row(&v, "M1"), r("invulling", &["MOCW"], Some(JANUARY_NOTE)));
    assert_eq!(row(&v, "M2"), r("doorlopend", &["MJenV"], None));
    // Before the back-dated M1 assignment took effect.
    let v = view(&["--as-of", "2025-04-30", "--effective", "2025-01-12"]);
    assert_eq!(row(&v, "M1"), r("in-uitvoering", &["SOCW"], None));
    // Latest effective values: the back-dated change does not override the
    // later-dated one recorded before it.
    let v = view(&["--as-of", "2025-04-30"]);
    assert_eq!(keys(&v), ["M1", "M2", "T1"]);
    assert_eq!(row(&v, "M1"), r("vertraagd", &["MOCW"], Some(MARCH_NOTE)));

    // Instants between the recordings of seq 4 and 5 (13:00 Dutch summer
    // time is 11:00Z) and just before seq 4.
    let v = view(&[
        "--as-of",
        "2025-04-07T13:00:00+02:00",
        "--effective",
        "2025-02-15",
    ]);
    assert_eq!(v["view"]["events"], 5);
    assert_eq!(row(&v, "M1"), r("invulling", &["SOCW"], None));
    let v = view(&[
        "--as-of",
        "2025-04-07T09:59:59Z",
        "--effective",
        "2025-02-15",
    ]);
    assert_eq!(v["view"]["events"], 4);
    assert_eq!(row(&v, "M1"), r("in-uitvoering", &["SOCW"], None));

    // The effective axis alone, as known now.
    let v = view(&["--effective", "2025-01-05"]);
    assert_eq!(keys(&v), ["M2"], "M1 takes effect on 2025-01-10");
    let v = view(&["--effective", "2024-11-30"]);
    assert_eq!(keys(&v), Vec::<&str>::new());
    let v = view(&["--effective", "2025-05-31"]);
    assert_eq!(keys(&v), ["M1", "M2"]);
    let v = view(&["--effective", "2025-06-01"]);
    assert_eq!(keys(&v), ["M1", "M2", "T1"]);
    assert_eq!(row(&v, "T1"), r("niet-begonnen", &["SVWS"], None));
    // The round and an as-of after everything agree with now.
    let now = view(&["--effective", "2025-02-15"]);
    for basis in [&["--round", "R1"][..], &["--as-of", "2026-01-01"]] {
        let mut args = basis.to_vec();
        args.extend_from_slice(&["--effective", "2025-02-15"]);
        assert_eq!(view(&args)["items"], now["items"], "{basis:?}");
    }
}

#[test]
fn item_list_show_and_log_combine_the_axes_too() {
    let env = back_dated();
    let list = env.json(&[
        "item",
        "list",
        "--as-of",
        "2025-04-30",
        "--effective",
        "2025-02-15",
    ]);
    assert_eq!(keys(&list), ["M1", "M2"]);
    assert_eq!(item(&list, "M1")["status"]["slug"], "invulling");
    let list = env.json(&["item", "list", "--as-of", "2025-04-08T09:00:00Z"]);
    assert_eq!(keys(&list), ["M1"]);

    // `log` keeps the events recorded by T whose effective date is on or
    // before D (and those without one).
    let log = env.json(&["log", "--as-of", "2025-04-30", "--effective", "2025-02-15"]);
    // Seq 9, the seal, has no effective date.
    assert_eq!(seqs(&log), [0, 1, 4, 5, 6, 8, 9]);
    let log = env.json(&["log", "--as-of", "2025-03-31", "--effective", "2025-02-15"]);
    assert_eq!(seqs(&log), [0, 1]);
    let log = env.json(&["log", "--item", "M1", "--as-of", "2025-04-07T11:00:00Z"]);
    assert_eq!(seqs(&log), [1, 2, 3, 4]);

    let out = env.run(&[
        "show",
        "M1",
        "--as-of",
        "2025-04-30",
        "--effective",
        "2025-02-15",
    ]);
    out.ok();
    assert!(
        out.stdout
            .contains("Status:       Wordt invulling gegeven aan (invulling)\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("Responsible:  MOCW\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains(&format!("- 2025-01-20 (seq 5, by clerk): {JANUARY_NOTE}")),
        "{}",
        out.stdout
    );
    // Only the notes in effect on that day are listed as progress (the
    // timeline below them still shows every event recorded by then).
    let progress: Vec<&str> = out
        .stdout
        .lines()
        .skip_while(|l| *l != "Progress notes")
        .skip(1)
        .take_while(|l| !l.is_empty())
        .collect();
    assert_eq!(progress.len(), 1, "{}", out.stdout);
    // The timeline holds what was recorded by then, nothing later.
    let s = env.json(&["show", "M1", "--as-of", "2025-03-31"]);
    let timeline: Vec<u64> = s["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_u64().unwrap())
        .collect();
    assert_eq!(timeline, [1, 2, 3]);
    assert_eq!(s["status"]["slug"], "vertraagd");
    assert_eq!(s["responsible"], serde_json::json!(["SOCW"]));

    // An item that is known but not yet in effect on the day asked.
    let out = env.run(&["show", "T1", "--effective", "2025-05-01"]);
    out.ok();
    assert!(
        out.stdout
            .contains("Not yet in effect on that day: the item takes effect on 2025-06-01."),
        "{}",
        out.stdout
    );
    assert_eq!(
        env.json(&["show", "T1", "--effective", "2025-05-01"])["exists"],
        false
    );
    // An item registered after the instant asked for.
    let out = env.run(&["show", "M2", "--as-of", "2025-03-31"]);
    out.expect_code(2);
    assert!(
        out.stderr
            .contains("was registered at seq 6, after this view"),
        "{}",
        out.stderr
    );
}

/// The view line of a table output.
fn view_line(out: &str) -> &str {
    out.lines()
        .find(|l| l.starts_with("View: "))
        .unwrap_or_else(|| panic!("no view line in:\n{out}"))
}

#[test]
fn every_read_output_names_its_view() {
    let env = back_dated();
    let commands: [&[&str]; 4] = [&["overview"], &["show", "M1"], &["log"], &["item", "list"]];
    let cases: [(&[&str], &str, Value); 6] = [
        (
            &[],
            "View: current; latest effective values — 10 events up to seq 9",
            serde_json::json!({"basis": "current", "as_of": null, "round": null, "effective": null}),
        ),
        // Summer time: the end of 31 March 2025 is 21:59:59Z.
        (
            &["--as-of", "2025-03-31"],
            "View: as of 2025-03-31 (end of day, Europe/Amsterdam, UTC+2:00 = 2025-03-31T21:59:59.999999999Z); latest effective values — 4 events up to seq 3",
            serde_json::json!({"basis": "as_of", "as_of": "2025-03-31T21:59:59.999999999Z", "round": null, "effective": null}),
        ),
        // Winter time: the end of 28 February 2025 is 22:59:59Z.
        (
            &["--as-of", "2025-02-28", "--effective", "2025-02-15"],
            "View: as of 2025-02-28 (end of day, Europe/Amsterdam, UTC+1:00 = 2025-02-28T22:59:59.999999999Z); effective 2025-02-15 — 2 events up to seq 1",
            serde_json::json!({"basis": "as_of", "as_of": "2025-02-28T22:59:59.999999999Z", "round": null, "effective": "2025-02-15"}),
        ),
        (
            &["--as-of", "2025-04-07T13:00:00+02:00"],
            "View: as of 2025-04-07T11:00:00.000000000Z; latest effective values — 5 events up to seq 4",
            serde_json::json!({"basis": "as_of", "as_of": "2025-04-07T11:00:00.000000000Z", "round": null, "effective": null}),
        ),
        (
            &["--round", "r1"],
            "View: round R1 (sealed at seq 9, reported on 2025-04-15); latest effective values — 10 events up to seq 9",
            serde_json::json!({"basis": "round", "as_of": null, "round": "R1", "effective": null}),
        ),
        (
            &["--round", "R1", "--effective", "2025-03-01"],
            "View: round R1 (sealed at seq 9, reported on 2025-04-15); effective 2025-03-01 — 10 events up to seq 9",
            serde_json::json!({"basis": "round", "as_of": null, "round": "R1", "effective": "2025-03-01"}),
        ),
    ];
    for command in commands {
        for (flags, line, json) in &cases {
            let mut args = command.to_vec();
            args.extend_from_slice(flags);
            let out = env.run(&args);
            out.ok();
            let got = view_line(&out.stdout);
            assert!(got.starts_with(line), "{args:?}:\n{got}\nexpected\n{line}");
            let v = env.json(&args);
            for (k, want) in json.as_object().unwrap() {
                assert_eq!(&v["view"][k], want, "{args:?} view.{k}: {}", v["view"]);
            }
        }
    }
    // `--as-of` and `--round` together are refused before the store opens.
    let out = env.run(&["overview", "--as-of", "2025-03-31", "--round", "R1"]);
    out.expect_code(2);
    // A malformed instant names the accepted forms.
    let out = env.run(&["overview", "--as-of", "gisteren"]);
    out.expect_code(2);
    assert!(out.stderr.contains("RFC 3339"), "{}", out.stderr);
    assert!(out.stderr.contains("YYYY-MM-DD"), "{}", out.stderr);
    let out = env.run(&["overview", "--as-of", "31-03-2025"]);
    out.expect_code(2);
    assert!(out.stderr.contains("YYYY-MM-DD"), "{}", out.stderr);
}

//! Hostile and bad input. Every refusal exits 2 (refused input) or 1
//! (storage that failed), says on stderr which input was wrong and what
//! would be accepted, prints nothing on stdout and writes nothing: the
//! stored head is the same before and after, and the refusals of commands
//! that would append end by saying that nothing was written.
//!
//! Covered: every kind of value on the command line (statuses, dates,
//! keys, id prefixes, texts, citations, responsible codes, actors, control
//! characters, out-of-range and far-future dates), standard input (not
//! UTF-8, a note of 100 MB), import files (junk, huge, unreadable, broken
//! CSV, forged and broken events files), and store paths that cannot be
//! stores, a read-only store, a read-only file system and a full disk. The
//! table in docs/reliability.md ("Hostile and bad input") lists them.

use crate::common::{Output, SharedClock, TestEnv, Transcript, head_at, snap};
use kamerstand::ledger::{Recorded, codec};
use kamerstand::projection::State;
use serde_json::Value;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// Text limits, as documented (src/domain/text.rs, src/cli/import.rs).
const MAX_TEXT: usize = 64 * 1024;

const MAX_IMPORT: u64 = 256 * 1024 * 1024;

/// A ledger with three items: 34843-79 (motion, in progress, SOCW and
/// SJenV), M1 (motion, not stated) and T1 (commitment, no one responsible).
fn three_items() -> TestEnv {
    let env = TestEnv::init();
    env.add(&[
        "--kind",
        "motie",
        "--text",
        "Motie van het lid Jansen; verzoekt de regering een meldpunt in te richten.",
        "--ref",
        "Kamerstukken II 2022/23, 34843, nr. 79",
        "--responsible",
        "SOCW en SJenV",
        "--status",
        "in-uitvoering",
        "--effective",
        "2024-01-01",
    ]);
    env.add(&[
        "--kind",
        "motie",
        "--text",
        "Motie zonder citaat.",
        "--effective",
        "2024-01-01",
    ]);
    env.add(&[
        "--kind",
        "toezegging",
        "--text",
        "De minister stuurt een brief.",
        "--effective",
        "2024-01-01",
    ]);
    env
}

/// A ledger with M1 (motion) and T1 (commitment).
fn two_items() -> TestEnv {
    let env = TestEnv::init();
    for (kind, key) in [("motie", "M1"), ("toezegging", "T1")] {
        env.add(&[
            "--kind",
            kind,
            "--key",
            key,
            "--text",
            "Een tekst.",
            "--effective",
            "2024-06-01",
        ]);
    }
    env
}

/// Runs `args` with `input` on stdin and checks the refusal: exit 2, an
/// error on stderr, nothing on stdout, the head unchanged; adds it to `t`.
#[track_caller]
fn refused_with_input(t: &mut Transcript, env: &TestEnv, args: &[&str], input: &[u8]) -> Output {
    let out = env.refused_in(args, input, 2, &[]);
    t.add_with_input(args, input, &out);
    out
}

/// Runs `args` against the store at `other` and checks the refusal as
/// [`refused`] does; neither that path's store nor the environment's
/// changes.
#[track_caller]
fn refused_at(t: &mut Transcript, env: &TestEnv, other: &Path, args: &[&str]) -> Output {
    let before = (env.head(), head_at(other), other.exists());
    let mut full = vec!["--store", other.to_str().unwrap()];
    full.extend_from_slice(args);
    let out = env.run_bare(&full);
    out.refusal(2, &format!("{args:?}"), &[]);
    assert_eq!(
        out.stderr.ends_with("\nNothing was written.\n"),
        writes(args),
        "{args:?}: {}",
        out.stderr
    );
    assert_eq!(
        (env.head(), head_at(other), other.exists()),
        before,
        "{args:?} changed a store"
    );
    t.add(&full, &out);
    out
}

/// True for the commands that would append events: their refusals end by
/// saying that nothing was written.
fn writes(args: &[&str]) -> bool {
    let mut words: Vec<&str> = Vec::new();
    let mut value_follows = false;
    for a in args {
        if value_follows {
            value_follows = false;
        } else if matches!(*a, "--store" | "--format" | "--actor" | "--wait") {
            value_follows = true;
        } else if !a.starts_with("--") {
            words.push(a);
        }
    }
    match words.as_slice() {
        ["item", sub, ..] => matches!(*sub, "add" | "amend"),
        ["round", sub, ..] => *sub == "seal",
        [cmd, ..] => matches!(
            *cmd,
            "init" | "status" | "assign" | "note" | "correct" | "import"
        ),
        [] => false,
    }
}

/// Runs `args` and checks the refusal: exit 2, an error on stderr,
/// nothing on stdout, the head unchanged, and for commands that would
/// append, a last line saying that nothing was written; adds it to `t`.
#[track_caller]
fn refused(t: &mut Transcript, env: &TestEnv, args: &[&str]) -> Output {
    let out = env.refused_in(args, b"", 2, &[]);
    assert_eq!(
        out.stderr.ends_with("\nNothing was written.\n"),
        writes(args),
        "{args:?}: {}",
        out.stderr
    );
    t.add(args, &out);
    out
}

/// Writes `bytes` to a file in the environment's directory.
fn file(env: &TestEnv, name: &str, bytes: &[u8]) -> String {
    let p = env.dir.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    p.to_str().unwrap().to_string()
}

/// Deterministic pseudo-random bytes (xorshift).
fn junk(n: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x.to_le_bytes()[0]
        })
        .collect()
}

// ------------------------------------------ values on the command line

#[test]
fn unknown_status_lists_the_valid_values() {
    let mut t = Transcript::new();
    let env = three_items();
    let valid = [
        "'klaar'",
        "invulling",
        "in-uitvoering",
        "doorlopend",
        "vertraagd",
        "niet-begonnen",
        "niet-vermeld",
        "In uitvoering met vertraging",
    ];
    let mut needles = vec!["invalid status"];
    needles.extend(valid);
    refused(&mut t, &env, &["status", "M1", "klaar"]);
    refused(
        &mut t,
        &env,
        &[
            "item", "add", "--kind", "motie", "--text", "x", "--status", "klaar",
        ],
    );
    // A slug with a typo is no status either.
    refused(&mut t, &env, &["status", "M1", "in_uitvoering"]);
    snap!(t.text());
}

#[test]
fn bad_dates_name_the_flag_and_the_form() {
    let mut t = Transcript::new();
    let env = three_items();
    for bad in [
        "01-02-2024",
        "2024-2-1",
        "gisteren",
        "3000-01-01",
        "2024-06-01T10:00",
    ] {
        refused(
            &mut t,
            &env,
            &["status", "M1", "vertraagd", "--effective", bad],
        );
        refused(&mut t, &env, &["assign", "M1", "SOCW", "--effective", bad]);
        refused(&mut t, &env, &["note", "M1", "tekst", "--effective", bad]);
        refused(
            &mut t,
            &env,
            &[
                "item",
                "add",
                "--kind",
                "motie",
                "--text",
                "x",
                "--effective",
                bad,
            ],
        );
    }
    for bad in ["2023-02-29", "2024-13-01", "2024-04-31"] {
        refused(
            &mut t,
            &env,
            &["status", "M1", "vertraagd", "--effective", bad],
        );
    }
    snap!(t.text());
}

#[test]
fn dates_out_of_range_are_refused_wherever_a_date_is_taken() {
    let mut t = Transcript::new();
    let env = two_items();
    for bad in [
        "1899-12-31",
        "0000-01-01",
        "9999-12-31",
        "10000-01-01",
        "-2024-01-01",
    ] {
        let eff = format!("--effective={bad}");
        refused(&mut t, &env, &["status", "M1", "vertraagd", &eff]);
        refused(&mut t, &env, &["note", "M1", "x", &eff]);
        let rep = format!("--reported-on={bad}");
        refused(&mut t, &env, &["round", "seal", "R1", &rep]);
        let asof = format!("--as-of={bad}");
        refused(&mut t, &env, &["overview", &asof]);
    }
    // In a CSV file such a date is an anomaly of its row:
    // hardening::dutch_dates_are_read_and_bad_ones_named_by_row.
    snap!(t.text());
}

#[test]
fn effective_dates_more_than_a_year_ahead_are_refused_wherever_a_date_is_taken() {
    let mut t = Transcript::new();
    let env = two_items();
    // Today on the pinned clock is 2025-01-06; 366 days on is the limit.
    refused(
        &mut t,
        &env,
        &["status", "M1", "vertraagd", "--effective", "2026-01-08"],
    );
    refused(
        &mut t,
        &env,
        &["assign", "M1", "SOCW", "--effective", "2026-01-08"],
    );
    refused(
        &mut t,
        &env,
        &["note", "M1", "x", "--effective", "2026-01-08"],
    );
    refused(
        &mut t,
        &env,
        &[
            "item",
            "add",
            "--kind",
            "motie",
            "--text",
            "x",
            "--effective",
            "2030-01-01",
        ],
    );

    // In the format's range, but centuries after today (2025-01-06 on the
    // pinned clock).
    refused(
        &mut t,
        &env,
        &["status", "M1", "vertraagd", "--effective", "2999-12-31"],
    );
    let path = file(
        &env,
        "toekomst.csv",
        b"kind,key,text,progress,progress_effective\nmotie,M1,Een tekst.,Verder,2999-12-31\n",
    );
    refused(&mut t, &env, &["import", &path]);
    refused(
        &mut t,
        &env,
        &["import", &path, "--effective", "2999-12-31"],
    );
    snap!(t.text());
}

#[test]
fn unknown_key_suggests_close_keys_and_item_list() {
    let mut t = Transcript::new();
    let env = three_items();
    refused(&mut t, &env, &["status", "34843-97", "vertraagd"]);
    refused(&mut t, &env, &["assign", "34843-97", "SOCW"]);
    refused(&mut t, &env, &["note", "34843-97", "tekst"]);
    refused(&mut t, &env, &["item", "amend", "34843-97", "--text", "x"]);
    refused(&mut t, &env, &["show", "34843-97"]);
    refused(&mut t, &env, &["log", "--item", "34843-97"]);
    // Nothing close: no suggestion, still the pointer to `item list`.
    let out = refused(&mut t, &env, &["show", "geheel-iets-anders"]);
    assert!(!out.stderr.contains("Did you mean"), "{}", out.stderr);
    snap!(t.text());
}

#[test]
fn ambiguous_id_prefix_is_refused_and_a_longer_one_accepted() {
    let mut t = Transcript::new();
    let env = three_items();
    let ids: Vec<String> = ["34843-79", "M1", "T1"]
        .iter()
        .map(|k| env.id_of(k))
        .collect();
    // TestClock ids start with the same millisecond timestamp digits.
    let common = ids[0]
        .chars()
        .zip(ids[1].chars())
        .zip(ids[2].chars())
        .take_while(|((a, b), c)| a == b && b == c)
        .count();
    assert!(common >= 4, "ids share too short a prefix: {ids:?}");
    let prefix = &ids[0][..common];
    let out = refused(&mut t, &env, &["status", prefix, "vertraagd"]);
    // It names the prefix and the items it matches by id (the snapshot
    // shows neither: both are redacted).
    assert!(
        out.stderr
            .contains(&format!("id prefix '{prefix}' is ambiguous")),
        "{}",
        out.stderr
    );
    for id in &ids {
        assert!(out.stderr.contains(id.as_str()), "{id}: {}", out.stderr);
    }
    refused(&mut t, &env, &["show", prefix]);
    // The shortest prefix that names only 34843-79 selects it.
    let unique = (common + 1..=ids[0].len())
        .map(|n| &ids[0][..n])
        .find(|p| !ids[1].starts_with(p) && !ids[2].starts_with(p))
        .unwrap();
    let j = env.run(&["--format", "json", "show", unique]).json();
    assert_eq!(j["key"], "34843-79");
    // Fewer than four digits are never taken as an id prefix.
    refused(&mut t, &env, &["show", &ids[0][..3]]);
    snap!(t.text());
}

#[test]
fn empty_text_is_refused() {
    let mut t = Transcript::new();
    let env = three_items();
    refused(
        &mut t,
        &env,
        &["item", "add", "--kind", "motie", "--text", "  \n "],
    );
    refused(&mut t, &env, &["note", "M1", ""]);
    refused_with_input(&mut t, &env, &["note", "M1", "-"], b" \n\r\n");
    refused(
        &mut t,
        &env,
        &["status", "M1", "vertraagd", "--reason", " "],
    );
    refused(
        &mut t,
        &env,
        &[
            "item",
            "add",
            "--kind",
            "motie",
            "--text",
            "x",
            "--submitter",
            "",
        ],
    );
    refused(&mut t, &env, &["--actor", " ", "note", "M1", "x"]);
    snap!(t.text());
}

#[test]
fn malformed_citation_is_refused_by_ref_and_kept_by_ref_raw() {
    let mut t = Transcript::new();
    let env = three_items();
    let bad = "zie de brief van 3 mei";
    refused(
        &mut t,
        &env,
        &[
            "item", "add", "--kind", "motie", "--text", "x", "--ref", bad,
        ],
    );
    refused(&mut t, &env, &["note", "M1", "tekst", "--ref", bad]);
    refused(&mut t, &env, &["item", "amend", "M1", "--ref", bad]);
    // The same text is accepted as a raw citation and kept as typed.
    let before = env.head().unwrap();
    env.run(&["note", "M1", "tekst", "--ref-raw", bad]).ok();
    assert_eq!(env.head().unwrap().seq, before.seq + 1);
    let show = env.run(&["--format", "json", "show", "M1"]).json();
    assert_eq!(show["latest_note"]["citations"][0], bad);
    snap!(t.text());
}

#[test]
fn a_10000_character_citation_is_refused_naming_its_flag() {
    let mut t = Transcript::new();
    let env = two_items();
    let long = format!(
        "Kamerstukken II 2022/23, 34843, nr. 79{}",
        "9".repeat(10_000)
    );
    for flag in ["--ref", "--ref-raw"] {
        refused(&mut t, &env, &["note", "M1", "x", flag, &long]);
        refused(
            &mut t,
            &env,
            &["item", "add", "--kind", "motie", "--text", "x", flag, &long],
        );
    }
    snap!(t.text());
}

#[test]
fn a_citation_of_only_superscripts_is_no_citation_but_may_be_kept_raw() {
    let mut t = Transcript::new();
    let env = two_items();
    let sup = "¹²³⁴⁵⁶⁷⁸⁹⁰";
    refused(&mut t, &env, &["note", "M1", "x", "--ref", sup]);
    env.run(&["note", "M1", "voetnoten", "--ref-raw", sup]).ok();
    let show = env.json(&["show", "M1"]);
    assert_eq!(show["latest_note"]["citations"][0], sup);
    snap!(t.text());
}

#[test]
fn deeply_nested_parentheses_in_a_citation_are_handled() {
    let mut t = Transcript::new();
    let env = two_items();
    let nested = format!(
        "{}Kamerstukken II 2022/23, 34843, nr. 79{}",
        "(".repeat(80),
        ")".repeat(80)
    );
    refused(&mut t, &env, &["note", "M1", "x", "--ref", &nested]);
    // Too deep for the 200-byte limit.
    let deeper = format!("{}x{}", "(".repeat(500), ")".repeat(500));
    refused(&mut t, &env, &["note", "M1", "x", "--ref-raw", &deeper]);
    // Within the limit, kept as typed.
    env.run(&["note", "M1", "haakjes", "--ref-raw", &nested])
        .ok();
    assert_eq!(
        env.json(&["show", "M1"])["latest_note"]["citations"][0],
        nested.as_str()
    );
    snap!(t.text());
}

#[test]
fn duplicate_key_is_refused_regardless_of_case() {
    let mut t = Transcript::new();
    let env = three_items();
    refused(
        &mut t,
        &env,
        &[
            "item", "add", "--kind", "motie", "--text", "x", "--key", "m1",
        ],
    );
    refused(
        &mut t,
        &env,
        &[
            "item",
            "add",
            "--kind",
            "toezegging",
            "--text",
            "x",
            "--key",
            "34843-79",
        ],
    );
    snap!(t.text());
}

#[test]
fn bad_responsible_codes_are_refused() {
    let mut t = Transcript::new();
    let env = three_items();
    for bad in ["minister van OCW", "OCW", "X1", "SOCW en 12", "Sabcdefghij"] {
        refused(&mut t, &env, &["assign", "M1", bad]);
        refused(
            &mut t,
            &env,
            &[
                "item",
                "add",
                "--kind",
                "motie",
                "--text",
                "x",
                "--responsible",
                bad,
            ],
        );
    }
    snap!(t.text());
}

#[test]
fn unknown_kind_lists_the_kinds() {
    let mut t = Transcript::new();
    let env = three_items();
    refused(
        &mut t,
        &env,
        &["item", "add", "--kind", "amendement", "--text", "x"],
    );
    snap!(t.text());
}

#[test]
fn status_change_to_the_same_status_is_refused() {
    let mut t = Transcript::new();
    let env = three_items();
    refused(&mut t, &env, &["status", "34843-79", "in-uitvoering"]);
    refused(&mut t, &env, &["status", "34843-79", "In Uitvoering"]);
    refused(
        &mut t,
        &env,
        &["status", "M1", "niet-vermeld", "--effective", "2024-06-01"],
    );
    snap!(t.text());
}

#[test]
fn assign_to_the_same_parties_is_refused() {
    let mut t = Transcript::new();
    let env = three_items();
    // Same parties in another order and spelling.
    refused(&mut t, &env, &["assign", "34843-79", "sjenv, socw"]);
    snap!(t.text());
}

#[test]
fn amend_with_nothing_to_change_is_refused() {
    let mut t = Transcript::new();
    let env = three_items();
    refused(&mut t, &env, &["item", "amend", "M1", "--reason", "niets"]);
    refused(
        &mut t,
        &env,
        &["item", "amend", "M1", "--text", "Motie zonder citaat."],
    );
    snap!(t.text());
}

#[test]
fn control_characters_in_a_key_are_refused() {
    let mut t = Transcript::new();
    let env = three_items();
    for bad in ["M\u{7}1", "\u{1b}[31mM2", "a\tb", "M 3", "-M4", "é1"] {
        refused(
            &mut t,
            &env,
            &[
                "item",
                "add",
                "--kind",
                "motie",
                "--text",
                "x",
                &format!("--key={bad}"),
            ],
        );
    }
    snap!(t.text());
}

#[test]
fn control_characters_in_actors_are_refused() {
    let mut t = Transcript::new();
    let env = two_items();
    for bad in [
        "a\u{1b}[31mb",
        "a\u{7f}b",
        "clerk\u{7}",
        "twee\nregels",
        "a\u{85}b",
    ] {
        let actor = format!("--actor={bad}");
        refused(&mut t, &env, &[&actor, "note", "M1", "x"]);
    }
    // From the environment too, in the real binary.
    let before = env.head();
    let out = env
        .command(&["note", "M1", "x"])
        .env("KAMERSTAND_ACTOR", "mallory\u{1b}]0;pwned\u{7}")
        .output()
        .unwrap();
    let out = Output {
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
        code: out.status.code().unwrap_or(-1),
    };
    out.refusal(2, "actor from the environment", &[]);
    // The message shows the control characters escaped, not raw.
    assert!(!out.stderr.contains('\u{1b}'), "{:?}", out.stderr);
    assert_eq!(env.head(), before);
    t.note("KAMERSTAND_ACTOR=mallory\\u{1b}]0;pwned\\u{7}, in the real binary");
    t.add(&["note", "M1", "x"], &out);
    snap!(t.text());
}

#[test]
fn control_characters_in_keys_submitters_and_names_are_refused() {
    let mut t = Transcript::new();
    let env = two_items();
    let path = file(
        &env,
        "sleutel.csv",
        b"kind,key,text\nmotie,M\x01,Een motie.\n",
    );
    refused(&mut t, &env, &["import", &path]);
    refused(
        &mut t,
        &env,
        &[
            "item",
            "add",
            "--kind",
            "motie",
            "--text",
            "x",
            "--submitter",
            "Jan\u{7}sen",
        ],
    );
    // A new store is not created for a programme name with an escape.
    let other = env.dir.path().join("nieuw");
    let args = [
        "--store",
        other.to_str().unwrap(),
        "init",
        "--programme",
        "NAP\u{1b}[2J",
    ];
    let out = env.run_bare(&args);
    out.refusal(2, "programme", &[]);
    assert!(!other.exists());
    t.add(&args, &out);
    snap!(t.text());
}

#[test]
fn wait_out_of_range_is_refused() {
    let mut t = Transcript::new();
    let env = three_items();
    for bad in ["--wait=-1", "--wait=100000", "--wait=NaN"] {
        refused(&mut t, &env, &[bad, "note", "M1", "x"]);
    }
    snap!(t.text());
}

#[test]
fn clap_usage_errors_exit_2_and_write_nothing() {
    let mut t = Transcript::new();
    let env = three_items();
    refused_with_input(&mut t, &env, &["status", "M1"], b"");
    refused_with_input(&mut t, &env, &["frobnicate"], b"");
    refused_with_input(&mut t, &env, &["log", "--limit", "veel"], b"");
    refused_with_input(&mut t, &env, &["--format", "xml", "overview"], b"");
    snap!(t.text());
}

// ------------------------------------------------------ standard input

#[test]
fn invalid_utf8_on_stdin_is_refused() {
    let mut t = Transcript::new();
    let env = three_items();
    let out = refused_with_input(
        &mut t,
        &env,
        &["note", "M1", "-"],
        b"Voortgang \xff\xfe tekst",
    );
    assert!(out.stderr.ends_with("\nNothing was written.\n"));
    snap!(t.text());
}

/// A reader of `total` bytes of `pattern`, made up as they are read, that
/// counts how many were taken.
struct Endless {
    pattern: Vec<u8>,
    total: u64,
    given: u64,
}

impl Endless {
    /// `total` bytes of `unit` repeated (a whole number of units per 64 KiB).
    fn new(unit: &[u8], total: u64) -> Endless {
        let pattern = unit.repeat((64 * 1024 / unit.len()).max(1));
        Endless {
            pattern,
            total,
            given: 0,
        }
    }
}

impl Read for Endless {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let left = usize::try_from(self.total - self.given).unwrap_or(usize::MAX);
        let n = buf.len().min(left);
        let len = self.pattern.len();
        let mut i = 0;
        while i < n {
            let at = (usize::try_from(self.given).unwrap() + i) % len;
            let take = (len - at).min(n - i);
            buf[i..i + take].copy_from_slice(&self.pattern[at..at + take]);
            i += take;
        }
        self.given += n as u64;
        Ok(n)
    }
}

/// Runs the CLI in-process with `reader` on stdin; returns the output and
/// how many bytes it read.
fn run_reading(env: &TestEnv, args: &[&str], reader: &mut Endless) -> Output {
    let store = env.store.to_str().unwrap();
    let mut full = vec!["kamerstand", "--wait=10", "--store", store];
    full.extend_from_slice(args);
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let clock: SharedClock = env.clock.clone();
    let make_clock = move || -> Box<dyn kamerstand::ledger::Clock> { Box::new(clock.clone()) };
    let code = kamerstand::cli::run(
        full,
        &mut kamerstand::cli::Env {
            out: &mut out,
            err: &mut err,
            input: reader,
            clock: &make_clock,
            os_user: Some(crate::common::ACTOR.to_string()),
            terminal: kamerstand::cli::Terminal::default(),
            exits_after: false,
            whole_ledger_up_to: kamerstand::ledger::WHOLE_LEDGER_AT_OPEN,
        },
    );
    Output {
        stdout: String::from_utf8(out).unwrap(),
        stderr: String::from_utf8(err).unwrap(),
        code,
    }
}

#[test]
fn a_100_mb_note_on_stdin_is_refused_after_reading_at_most_the_limit() {
    let env = two_items();
    let before = env.head();
    // "é" is two bytes: the limit + 1 cuts one in half, which must not
    // turn the refusal into a complaint about binary data.
    let mut input = Endless::new("é".as_bytes(), 100 * 1024 * 1024);
    let out = run_reading(&env, &["note", "M1", "-"], &mut input);
    out.refusal(2, "100 MB note", &[]);
    assert!(out.stderr.ends_with("\nNothing was written.\n"));
    snap!(
        Transcript::new()
            .note("standard input: 100 MiB of é")
            .add(&["note", "M1", "-"], &out)
            .text()
    );
    assert!(
        input.given <= MAX_TEXT as u64 + 1,
        "read {} bytes of a note that may have at most {MAX_TEXT}",
        input.given
    );
    assert_eq!(env.head(), before);
}

#[test]
fn a_note_over_the_limit_is_refused_even_when_what_was_read_would_fit() {
    // The limit + 1 bytes read end in a space: trimmed, they would fit, and
    // the tail of the note (never read) would be lost without a word.
    let env = two_items();
    let mut note = vec![b'x'; MAX_TEXT];
    note.extend_from_slice(b" en dan nog het slot van de notitie");
    let mut t = Transcript::new();
    refused_with_input(&mut t, &env, &["note", "M1", "-"], &note);
    snap!(t.text());
    // Exactly the limit is accepted.
    let before = env.head().unwrap();
    env.run_with_input(&["note", "M1", "-"], &note[..MAX_TEXT])
        .ok();
    assert_eq!(env.head().unwrap().seq, before.seq + 1);
}

// -------------------------------------------------------- import files

#[test]
fn binary_junk_as_an_import_file_is_refused_in_every_format() {
    let mut t = Transcript::new();
    let env = two_items();
    let mut bytes = junk(5000, 7);
    // Not valid UTF-8 at byte 3, whatever the generator made of the rest.
    bytes[..3].copy_from_slice(b"PK\x03");
    bytes[3] = 0xff;
    let path = file(&env, "junk.bin", &bytes);
    for format in [None, Some("annex"), Some("csv"), Some("events")] {
        let mut args = vec![];
        if let Some(f) = format {
            args.extend(["--format", f]);
        }
        args.extend(["import", path.as_str()]);
        refused(&mut t, &env, &args);
    }
    snap!(t.text());
}

#[test]
fn text_in_no_known_layout_is_refused_naming_the_layouts() {
    let mut t = Transcript::new();
    let env = two_items();
    let text: String = junk(4000, 11)
        .iter()
        .map(|b| char::from(b'a' + b % 26))
        .collect();
    let path = file(&env, "woorden.txt", text.as_bytes());
    refused(&mut t, &env, &["import", &path]);
    snap!(t.text());
}

#[test]
fn a_latin1_csv_file_is_refused_naming_the_byte() {
    let mut t = Transcript::new();
    let env = two_items();
    let path = file(
        &env,
        "latin1.csv",
        b"kind,key,text\nmotie,M5,Caf\xe9 en cr\xe8che\n",
    );
    refused(&mut t, &env, &["import", &path]);
    snap!(t.text());
}

#[test]
fn unreadable_import_paths_are_refused() {
    let mut t = Transcript::new();
    let env = two_items();
    let dir = env.dir.path().to_str().unwrap().to_string();
    refused(&mut t, &env, &["import", &dir]);
    let missing = format!("{dir}/bestaat-niet.csv");
    refused(&mut t, &env, &["import", &missing]);
    snap!(t.text());
}

#[test]
fn a_300_mb_import_file_is_refused_by_the_256_mib_limit() {
    let env = two_items();
    // On disk, not in the memory-backed directory of the other tests;
    // written in pieces and removed with the directory.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("groot.csv");
    {
        let mut f = std::fs::File::create(&path).unwrap();
        f.write_all(b"kind,key,text\n").unwrap();
        let block =
            b"motie,M9,Een regel die heel vaak herhaald wordt in een veel te groot bestand.\n"
                .repeat(13_000);
        let mut written = 0u64;
        while written < 300 * 1000 * 1000 {
            f.write_all(&block).unwrap();
            written += block.len() as u64;
        }
    }
    let p = path.to_str().unwrap();
    let before = env.head();
    let started = Instant::now();
    // The real binary, so that a read of the whole file would show in time
    // and memory of another process, not of the test's.
    let out = env.bin(&["import", p]);
    out.refusal(2, "300 MB import", &[]);
    snap!(Transcript::new().add(&["import", p], &out).text());
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "refusing took {:?}",
        started.elapsed()
    );
    assert_eq!(env.head(), before);
    drop(dir);
}

#[test]
fn a_300_mb_import_on_stdin_reads_at_most_the_limit() {
    let env = two_items();
    let before = env.head();
    let mut input = Endless::new(b"motie,M9,Een regel.\n", 300 * 1024 * 1024);
    let out = run_reading(&env, &["import", "-"], &mut input);
    out.refusal(2, "300 MB on stdin", &[]);
    snap!(
        Transcript::new()
            .note("standard input: 300 MiB of CSV lines")
            .add(&["import", "-"], &out)
            .text()
    );
    assert_eq!(input.given, MAX_IMPORT + 1);
    assert_eq!(env.head(), before);
}

// ----------------------------------------------------------------- CSV

#[test]
fn a_csv_record_with_missing_fields_is_refused() {
    let mut t = Transcript::new();
    let env = two_items();
    let path = file(
        &env,
        "kort.csv",
        b"kind,key,text,status\nmotie,M7,Een motie.,in-uitvoering\nmotie,M8,Nog een\n",
    );
    refused(&mut t, &env, &["import", &path]);
    snap!(t.text());
}

#[test]
fn a_csv_header_with_an_empty_extra_column_is_refused() {
    let mut t = Transcript::new();
    let env = two_items();
    let path = file(&env, "leeg.csv", b"kind,key,text,\nmotie,M7,Een motie.,\n");
    refused(&mut t, &env, &["--format", "csv", "import", &path]);
    snap!(t.text());
}

#[test]
fn a_csv_file_with_a_nul_byte_is_refused() {
    let mut t = Transcript::new();
    let env = two_items();
    let path = file(&env, "nul.csv", b"kind,key,text\nmotie,M7,Een\x00motie.\n");
    refused(&mut t, &env, &["import", &path]);
    snap!(t.text());
}

// -------------------------------------------------------- events files

/// The events export of `env` as lines.
fn export(env: &TestEnv) -> Vec<String> {
    let out = env.run(&["--format", "events", "export"]);
    out.ok();
    out.stdout.lines().map(str::to_string).collect()
}

/// Decodes line `n` (0-based) of an events export.
fn decoded(lines: &[String], n: usize) -> kamerstand::ledger::Envelope {
    let v: Value = serde_json::from_str(&lines[n]).unwrap();
    let bytes = kamerstand::domain::ids::unhex(v["bytes"].as_str().unwrap()).unwrap();
    codec::decode(&bytes).unwrap()
}

/// Lines `..n` replayed into a state, as the importer does.
fn state_before(lines: &[String], n: usize) -> State {
    let mut state = State::default();
    for i in 0..n {
        let envelope = decoded(lines, i);
        let hash = codec::hash(&codec::encode(&envelope).unwrap());
        state.apply(&Recorded { envelope, hash });
    }
    state
}

/// The export line for `envelope`, exactly as `export` writes it, with a
/// freshly computed hash: what a forger who knows the format writes.
fn forged_line(lines: &[String], n: usize, envelope: kamerstand::ledger::Envelope) -> String {
    let mut state = state_before(lines, n);
    let hash = codec::hash(&codec::encode(&envelope).unwrap());
    let rec = Recorded { envelope, hash };
    state.apply(&rec);
    kamerstand::formats::events::line(&|id| state.key_of(id), &rec)
        .trim_end()
        .to_string()
}

/// Imports `lines` into a new store and requires a refusal that names
/// `line`, with no store created; adds it to `t`.
#[track_caller]
fn events_refused(t: &mut Transcript, lines: &[String], line: usize) {
    let target = TestEnv::new();
    // Later than every event in the file: events recorded after the
    // importer's clock are refused before the line at fault is reached.
    target.set_clock("2030-01-01T00:00:00Z");
    let mut text = lines.join("\n");
    text.push('\n');
    let path = file(&target, "events.jsonl", text.as_bytes());
    let out = target.run(&["--format", "events", "import", &path]);
    let at = format!("events file, line {line}: ");
    out.refusal(2, "events file", &[&at, "Nothing was written."]);
    assert!(!target.store.exists(), "a store was created");
    assert_eq!(head_at(&target.store), None);
    t.add(&["--format", "events", "import", &path], &out);
}

fn events_fixture() -> (TestEnv, Vec<String>) {
    let env = two_items();
    env.run(&["status", "M1", "in-uitvoering", "--effective", "2024-07-01"])
        .ok();
    env.run(&[
        "note",
        "T1",
        "Brief verstuurd.",
        "--effective",
        "2024-07-02",
    ])
    .ok();
    env.run(&["note", "M1", "Gestart.", "--effective", "2024-07-03"])
        .ok();
    let lines = export(&env);
    assert_eq!(lines.len(), 6);
    (env, lines)
}

#[test]
fn an_events_file_whose_event_was_rewritten_breaks_at_the_next_line() {
    let mut t = Transcript::new();
    let (_env, lines) = events_fixture();
    // Line 4 (seq 3, M1's status) rewritten with a fresh hash, consistent
    // on its own line; line 5 still names the old hash.
    let mut l = lines.clone();
    let mut e = decoded(&l, 3);
    if let kamerstand::domain::EventBody::StatusChanged { status, .. } = &mut e.body {
        *status = "vertraagd".into();
    }
    l[3] = forged_line(&l, 3, e);
    events_refused(&mut t, &l, 5);
    snap!(t.text());
}

#[test]
fn an_events_file_with_a_forged_seq_is_refused() {
    let mut t = Transcript::new();
    let (_env, lines) = events_fixture();
    // The seq on line 4 says 9: the chain has no seq 3.
    let mut l = lines.clone();
    let mut v: Value = serde_json::from_str(&l[3]).unwrap();
    v["seq"] = Value::from(9);
    l[3] = serde_json::to_string(&v).unwrap();
    events_refused(&mut t, &l, 4);
    // The bytes of line 4 say seq 9 (rehashed), the JSON still 3.
    let mut l = lines.clone();
    let mut e = decoded(&l, 3);
    e.seq = 9;
    let bytes = codec::encode(&e).unwrap();
    let mut v: Value = serde_json::from_str(&l[3]).unwrap();
    v["bytes"] = Value::from(kamerstand::domain::ids::hex(&bytes));
    v["hash"] = Value::from(codec::hash(&bytes).hex());
    l[3] = serde_json::to_string(&v).unwrap();
    events_refused(&mut t, &l, 4);
    snap!(t.text());
}

#[test]
fn an_events_file_with_a_duplicated_seq_is_refused() {
    let mut t = Transcript::new();
    let (_env, lines) = events_fixture();
    let mut l = lines.clone();
    l.insert(4, l[3].clone());
    events_refused(&mut t, &l, 5);
    snap!(t.text());
}

#[test]
fn an_events_file_from_a_newer_format_version_is_refused() {
    let mut t = Transcript::new();
    let (_env, lines) = events_fixture();
    // Every event says format 2 (the first two bytes, little-endian) and
    // is rehashed: the file is whole, this build cannot read it.
    let l: Vec<String> = lines
        .iter()
        .map(|line| {
            let mut v: Value = serde_json::from_str(line).unwrap();
            let mut bytes = kamerstand::domain::ids::unhex(v["bytes"].as_str().unwrap()).unwrap();
            bytes[0] = 2;
            v["bytes"] = Value::from(kamerstand::domain::ids::hex(&bytes));
            v["hash"] = Value::from(codec::hash(&bytes).hex());
            serde_json::to_string(&v).unwrap()
        })
        .collect();
    events_refused(&mut t, &l, 1);
    snap!(t.text());
}

#[test]
fn an_events_file_with_an_event_over_the_size_limit_is_refused() {
    let mut t = Transcript::new();
    let (_env, lines) = events_fixture();
    let mut l = lines.clone();
    let mut v: Value = serde_json::from_str(&l[2]).unwrap();
    v["bytes"] = Value::from("00".repeat(codec::MAX_ENVELOPE_BYTES + 1));
    l[2] = serde_json::to_string(&v).unwrap();
    events_refused(&mut t, &l, 3);
    snap!(t.text());
}

#[test]
fn an_events_file_with_a_line_over_the_line_limit_is_refused_without_reading_it_whole() {
    let mut t = Transcript::new();
    // Events files stream with no size limit; a single line is capped
    // (4 MiB: twice the largest event, with room for its JSON).
    let (_env, lines) = events_fixture();
    let mut l = lines.clone();
    l[2] = format!("{{\"pad\": \"{}\"}}", "x".repeat(5 << 20));
    events_refused(&mut t, &l, 3);
    snap!(t.text());
}

#[test]
fn an_events_file_without_events_is_refused() {
    let target = TestEnv::new();
    let path = file(&target, "leeg.jsonl", b"\n   \n");
    let args = ["--format", "events", "import", &path];
    let out = target.run(&args);
    out.refusal(2, "empty events file", &[]);
    assert!(!target.store.exists());
    snap!(Transcript::new().add(&args, &out).text());
}

// --------------------------------------------- store paths and storage

#[test]
fn missing_store_is_named_with_how_to_create_one() {
    let mut t = Transcript::new();
    let env = three_items();
    let missing = env.dir.path().join("elders");
    let m = missing.to_str().unwrap();
    for args in [
        &["overview"][..],
        &["item", "list"],
        &["status", "M1", "vertraagd"],
        &["note", "M1", "x"],
        &["verify"],
        &["log"],
    ] {
        refused_at(&mut t, &env, &missing, args);
        assert!(!missing.exists(), "{args:?} created {m}");
    }
    snap!(t.text());
}

#[test]
fn second_init_is_refused() {
    let mut t = Transcript::new();
    let env = three_items();
    refused(&mut t, &env, &["init", "--programme", "NAP"]);
    refused(&mut t, &env, &["init", "--programme", "Ander"]);
    let o = env.run(&["--format", "json", "overview"]).json();
    assert_eq!(o["programme"], "NAP");
    assert_eq!(o["items"].as_array().unwrap().len(), 3);
    snap!(t.text());
}

#[test]
fn a_store_path_that_is_a_file_is_refused() {
    let mut t = Transcript::new();
    let env = three_items();
    let file = env.dir.path().join("notes.txt");
    std::fs::write(&file, "geen ledger").unwrap();
    refused_at(&mut t, &env, &file, &["overview"]);
    refused_at(&mut t, &env, &file, &["note", "M1", "x"]);
    refused_at(&mut t, &env, &file, &["init", "--programme", "NAP"]);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "geen ledger");
    snap!(t.text());
}

#[test]
fn init_into_a_directory_with_other_files_is_refused() {
    let mut t = Transcript::new();
    let env = three_items();
    let dir = env.dir.path().join("documenten");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("brief.txt"), "x").unwrap();
    refused_at(&mut t, &env, &dir, &["init", "--programme", "NAP"]);
    let names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["brief.txt"]);
    assert_eq!(head_at(&dir), None);
    snap!(t.text());
}

#[test]
fn a_store_path_inside_a_file_is_refused_as_input() {
    let mut t = Transcript::new();
    let env = two_items();
    let f = env.dir.path().join("notities.txt");
    std::fs::write(&f, "geen ledger").unwrap();
    let inside = f.join("ledger");
    let s = inside.to_str().unwrap();
    for args in [
        &["init", "--programme", "NAP"][..],
        &["overview"],
        &["note", "M1", "x"],
        &["verify"],
    ] {
        let mut full = vec!["--store", s];
        full.extend_from_slice(args);
        let out = env.run_bare(&full);
        out.refusal(2, &format!("{args:?}"), &[]);
        t.add(&full, &out);
    }
    assert_eq!(std::fs::read_to_string(&f).unwrap(), "geen ledger");
    snap!(t.text());
}

/// Sets the mode of `dir` and of every file in it.
fn chmod_all(dir: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            chmod_all(&p, mode);
        } else {
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
        }
    }
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn a_read_only_store_directory_fails_with_exit_1_and_keeps_the_head() {
    let env = two_items();
    let before = env.head();
    chmod_all(&env.store, 0o555);
    // Root (and CAP_DAC_OVERRIDE) is not held back by permissions.
    let probe = env.store.join("probe");
    if std::fs::write(&probe, b"x").is_ok() {
        std::fs::remove_file(&probe).unwrap();
        chmod_all(&env.store, 0o755);
        eprintln!(
            "note: skipped the read-only store directory: permissions do not apply to this user (root); \
             a_read_only_file_system_fails_with_exit_1_and_keeps_the_head covers it"
        );
        return;
    }
    let out = env.run(&["note", "M1", "x"]);
    out.refusal(
        1,
        "read-only store",
        &["storage failed", "kamerstand.lock", "Permission denied"],
    );
    chmod_all(&env.store, 0o755);
    assert_eq!(env.head(), before);
}

// ------------------------------------- read-only and full file systems

/// A tmpfs of `size` mounted at `at` for the length of a test, when this
/// process may mount (root, in a container that allows it).
struct Tmpfs {
    at: PathBuf,
}

impl Tmpfs {
    fn mount(at: &Path, size: &str) -> Option<Tmpfs> {
        std::fs::create_dir_all(at).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .output()
            .is_ok_and(|o| o.status.success());
        ok.then(|| Tmpfs {
            at: at.to_path_buf(),
        })
    }

    fn remount(&self, opts: &str) {
        let out = Command::new("mount")
            .args(["-o", &format!("remount,{opts}")])
            .arg(&self.at)
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let done = Command::new("umount")
            .arg(&self.at)
            .output()
            .is_ok_and(|o| o.status.success());
        if !done {
            let _ = Command::new("umount").arg("-l").arg(&self.at).output();
        }
    }
}

/// Runs the real binary with a deadline: a command that hangs fails the
/// test instead of stopping the suite.
fn bin_within(env: &TestEnv, args: &[&str], limit: Duration) -> Output {
    let mut child = env.command(args).spawn().unwrap();
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{args:?} did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let o = child.wait_with_output().unwrap();
    Output {
        stdout: String::from_utf8(o.stdout).unwrap(),
        stderr: String::from_utf8(o.stderr).unwrap(),
        code: o.status.code().unwrap_or(-1),
    }
}

#[test]
fn a_read_only_file_system_fails_with_exit_1_and_keeps_the_head() {
    let mut env = TestEnv::new();
    let Some(fs) = Tmpfs::mount(&env.dir.path().join("ro"), "8m") else {
        eprintln!("note: skipped the read-only file system: this process cannot mount a tmpfs");
        return;
    };
    env.store = fs.at.join("ledger");
    env.run(&["init", "--programme", "NAP"]).ok();
    env.add(&["--kind", "motie", "--key", "M1", "--text", "x"]);
    let before = env.head();
    fs.remount("ro");
    // Writes, and reads too: every command takes the store's lock file,
    // which needs a writable directory.
    for args in [&["note", "M1", "x"][..], &["overview"], &["verify"]] {
        let out = env.run(args);
        out.refusal(
            1,
            "read-only file system",
            &[
                "storage failed while opening lock file",
                "Read-only file system",
            ],
        );
    }
    fs.remount("rw");
    assert_eq!(env.head(), before);
    env.run(&["verify"]).ok();
}

#[test]
fn a_full_disk_fails_the_write_with_exit_1_and_keeps_the_head() {
    let mut env = TestEnv::new();
    let Some(fs) = Tmpfs::mount(&env.dir.path().join("vol"), "4m") else {
        eprintln!("note: skipped the full disk: this process cannot mount a tmpfs");
        return;
    };
    env.store = fs.at.join("ledger");
    // The real binary throughout: after sled fails to write, the failed
    // process keeps sled's handles (see src/ledger/store.rs), and a test
    // process must not.
    let limit = Duration::from_secs(60);
    bin_within(&env, &["init", "--programme", "NAP"], limit).ok();
    bin_within(
        &env,
        &[
            "item", "add", "--kind", "motie", "--key", "M1", "--text", "x",
        ],
        limit,
    )
    .ok();
    // Fill the file system, then free about 200 KiB.
    let filler = fs.at.join("filler");
    {
        let mut f = std::fs::File::create(&filler).unwrap();
        let chunk = vec![0x5au8; 64 * 1024];
        while f.write_all(&chunk).is_ok() {}
        let len = f.metadata().unwrap().len();
        f.set_len(len.saturating_sub(200 * 1024)).unwrap();
    }
    // Long notes until one no longer fits.
    let long = "Een lange voortgangsnotitie. ".repeat(2000);
    let mut last_ok: Option<(u64, String)> = None;
    let failed = (0..200).find_map(|n| {
        // Each note differs: the same note again is refused as a no-op.
        let text = format!("{n}. {long}");
        let out = bin_within(&env, &["--format", "json", "note", "M1", &text], limit);
        if out.code == 0 {
            let j = out.json();
            last_ok = Some((
                j["seq"].as_u64().unwrap(),
                j["hash"].as_str().unwrap().to_string(),
            ));
            None
        } else {
            Some(out)
        }
    });
    let out = failed.expect("the disk never filled up");
    out.refusal(
        1,
        "full disk",
        &["storage failed", "No space left on device"],
    );
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    // Still full: reads finish, served or refused with the same reason.
    for args in [&["verify"][..], &["overview"]] {
        let out = bin_within(&env, args, limit);
        if out.code != 0 {
            out.refusal(1, "read on a full disk", &["No space left on device"]);
        }
    }
    // Room again: the chain ends at the last acknowledged note, intact.
    std::fs::remove_file(&filler).unwrap();
    let v = bin_within(&env, &["--format", "json", "verify"], limit);
    v.ok();
    let v = v.json();
    let (seq, hash) = last_ok.unwrap_or_else(|| {
        let h = head_at(&env.store).unwrap();
        (h.seq, h.hash.hex())
    });
    assert_eq!(v["ok"], true, "{v}");
    assert_eq!(v["events_checked"], seq + 1, "{v}");
    assert_eq!(v["head"], hash.as_str(), "{v}");
    let head = head_at(&env.store).unwrap();
    assert_eq!((head.seq, head.hash.hex()), (seq, hash));
    bin_within(&env, &["note", "M1", "Weer ruimte."], limit).ok();
    drop(fs);
}

#[test]
fn an_amendment_that_leaves_a_footnote_marker_without_its_citation_is_refused() {
    let mut t = Transcript::new();
    let env = TestEnv::init();
    env.add(&[
        "--kind",
        "motie",
        "--key",
        "M9",
        "--text",
        "Motie van het lid Visser; verzoekt de regering te rapporteren.¹ En jaarlijks te evalueren.²",
        "--ref",
        "Kamerstukken II 2024/25, 36600, nr. 12",
        "--ref",
        "Kamerstukken II 2024/25, 36600, nr. 13",
    ]);
    // A new item whose text names a footnote it does not give.
    refused(
        &mut t,
        &env,
        &[
            "item",
            "add",
            "--kind",
            "motie",
            "--text",
            "Motie van het lid Bakker; verzoekt de regering te rapporteren.¹",
        ],
    );
    // Fewer citations than the text's markers name: which marker goes?
    refused(
        &mut t,
        &env,
        &[
            "item",
            "amend",
            "M9",
            "--ref",
            "Kamerstukken II 2024/25, 36600, nr. 14",
        ],
    );
    // A new text naming a third citation the item does not have.
    refused(
        &mut t,
        &env,
        &[
            "item",
            "amend",
            "M9",
            "--text",
            "Motie van het lid Visser; verzoekt de regering te rapporteren.¹ En te evalueren.²,³",
        ],
    );
    snap!(t.text());
    // Text and citations together say which marker stays.
    env.run(&[
        "item",
        "amend",
        "M9",
        "--text",
        "Motie van het lid Visser; verzoekt de regering te rapporteren.¹ En jaarlijks te evalueren.",
        "--ref",
        "Kamerstukken II 2024/25, 36600, nr. 14",
    ])
    .ok();
    // A power of a unit is no marker.
    env.run(&[
        "item",
        "amend",
        "M9",
        "--text",
        "Motie over een zaal van 40 m².",
    ])
    .ok();
    // The same text through the CSV door: the marker that names nothing
    // is left out with an anomaly, as the annex readers do.
    let csv = env.dir.path().join("marker.csv");
    std::fs::write(
        &csv,
        "kind,key,text\nmotie,M10,\"Motie van het lid Bakker; verzoekt de regering te rapporteren.¹\"\n",
    )
    .unwrap();
    let out = env.run(&["import", csv.to_str().unwrap()]);
    out.ok();
    assert!(
        out.stdout
            .contains("text: footnote marker ¹ names no citation (the row has 0)"),
        "{}",
        out.stdout
    );
    let show = env.run(&["--format", "json", "show", "M10"]);
    show.ok();
    assert_eq!(
        show.json()["text"],
        "Motie van het lid Bakker; verzoekt de regering te rapporteren."
    );
}

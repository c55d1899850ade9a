//! Hostile and bad input, beyond tests/bad_input: junk and huge files,
//! a note of 100 MB on standard input, odd citations, dates out of range,
//! control characters, broken CSV, forged events files, store paths that
//! cannot be stores, a read-only store and a full disk. Every case: a
//! clear message on stderr naming the input, exit code 2 for refused input
//! and 1 for storage that failed, nothing on stdout, and the stored head
//! unchanged. The table in docs/reliability.md ("Hostile and bad input")
//! lists them.

use crate::common::{Output, SharedClock, TestEnv, head_at};
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

/// A ledger with M1 (motion) and T1 (commitment).
fn fixture() -> TestEnv {
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

/// As [`TestEnv::refused_in`] with empty stdin and exit 2.
#[track_caller]
fn refused(env: &TestEnv, args: &[&str], needles: &[&str]) -> Output {
    env.refused_in(args, b"", 2, needles)
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

// ------------------------------------------------------------- import files

#[test]
fn binary_junk_as_an_import_file_is_refused_in_every_format() {
    let env = fixture();
    let mut bytes = junk(5000, 7);
    // Not valid UTF-8 at byte 3, whatever the generator made of the rest.
    bytes[..3].copy_from_slice(b"PK\x03");
    bytes[3] = 0xff;
    let path = file(&env, "junk.bin", &bytes);
    let named = format!("invalid import file '{path}'");
    for format in [None, Some("annex"), Some("csv"), Some("events")] {
        let mut args = vec![];
        if let Some(f) = format {
            args.extend(["--format", f]);
        }
        args.extend(["import", path.as_str()]);
        refused(&env, &args, &[&named, "UTF-8 text (byte 3 is not)"]);
    }
}

#[test]
fn text_in_no_known_layout_is_refused_naming_the_layouts() {
    let env = fixture();
    let text: String = junk(4000, 11)
        .iter()
        .map(|b| char::from(b'a' + b % 26))
        .collect();
    let path = file(&env, "woorden.txt", text.as_bytes());
    refused(
        &env,
        &["import", &path],
        &[
            &format!("invalid import file '{path}'"),
            "a CSV file with a kind,text,… header, or an events export",
            "--format annex|csv|events",
        ],
    );
}

#[test]
fn a_latin1_csv_file_is_refused_naming_the_byte() {
    let env = fixture();
    let path = file(
        &env,
        "latin1.csv",
        b"kind,key,text\nmotie,M5,Caf\xe9 en cr\xe8che\n",
    );
    refused(
        &env,
        &["import", &path],
        &["latin1.csv", "UTF-8 text (byte 26 is not)"],
    );
}

#[test]
fn unreadable_import_paths_are_refused() {
    let env = fixture();
    let dir = env.dir.path().to_str().unwrap().to_string();
    refused(
        &env,
        &["import", &dir],
        &[&format!("invalid import file '{dir}'"), "a readable file"],
    );
    let missing = format!("{dir}/bestaat-niet.csv");
    refused(
        &env,
        &["import", &missing],
        &["bestaat-niet.csv", "a readable file", "No such file"],
    );
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
            checkpoint_every: crate::common::TEST_CHECKPOINT_EVERY,
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
    let env = fixture();
    let before = env.head();
    // "é" is two bytes: the limit + 1 cuts one in half, which must not
    // turn the refusal into a complaint about binary data.
    let mut input = Endless::new("é".as_bytes(), 100 * 1024 * 1024);
    let out = run_reading(&env, &["note", "M1", "-"], &mut input);
    out.refusal(
        2,
        "100 MB note",
        &["note text from standard input", "at most 65536 bytes"],
    );
    assert!(out.stderr.ends_with("\nNothing was written.\n"));
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
    let env = fixture();
    let mut note = vec![b'x'; MAX_TEXT];
    note.extend_from_slice(b" en dan nog het slot van de notitie");
    env.refused_in(
        &["note", "M1", "-"],
        &note,
        2,
        &["note text from standard input", "at most 65536 bytes"],
    );
    // Exactly the limit is accepted.
    let before = env.head().unwrap();
    env.run_with_input(&["note", "M1", "-"], &note[..MAX_TEXT])
        .ok();
    assert_eq!(env.head().unwrap().seq, before.seq + 1);
}

#[test]
fn a_300_mb_import_file_is_refused_by_the_256_mib_limit() {
    let env = fixture();
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
    out.refusal(
        2,
        "300 MB import",
        &[&format!("invalid import file '{p}'"), "at most 256 MiB"],
    );
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
    let env = fixture();
    let before = env.head();
    let mut input = Endless::new(b"motie,M9,Een regel.\n", 300 * 1024 * 1024);
    let out = run_reading(&env, &["import", "-"], &mut input);
    out.refusal(
        2,
        "300 MB on stdin",
        &["invalid import file '-'", "at most 256 MiB"],
    );
    assert_eq!(input.given, MAX_IMPORT + 1);
    assert_eq!(env.head(), before);
}

// --------------------------------------------------------------- citations

#[test]
fn a_10000_character_citation_is_refused_naming_its_flag() {
    let env = fixture();
    let long = format!(
        "Kamerstukken II 2022/23, 34843, nr. 79{}",
        "9".repeat(10_000)
    );
    for flag in ["--ref", "--ref-raw"] {
        let quoted = format!("invalid {flag} 'Kamerstukken II 2022/23");
        refused(
            &env,
            &["note", "M1", "x", flag, &long],
            &[&quoted, "at most 200 bytes are accepted"],
        );
        refused(
            &env,
            &["item", "add", "--kind", "motie", "--text", "x", flag, &long],
            &[&quoted, "at most 200 bytes"],
        );
    }
}

#[test]
fn a_citation_of_only_superscripts_is_no_citation_but_may_be_kept_raw() {
    let env = fixture();
    let sup = "¹²³⁴⁵⁶⁷⁸⁹⁰";
    refused(
        &env,
        &["note", "M1", "x", "--ref", sup],
        &[&format!("invalid --ref '{sup}'"), "use --ref-raw"],
    );
    env.run(&["note", "M1", "voetnoten", "--ref-raw", sup]).ok();
    let show = env.json(&["show", "M1"]);
    assert_eq!(show["latest_note"]["citations"][0], sup);
}

#[test]
fn deeply_nested_parentheses_in_a_citation_are_handled() {
    let env = fixture();
    let nested = format!(
        "{}Kamerstukken II 2022/23, 34843, nr. 79{}",
        "(".repeat(80),
        ")".repeat(80)
    );
    refused(
        &env,
        &["note", "M1", "x", "--ref", &nested],
        &["invalid --ref '((((", "use --ref-raw"],
    );
    // Too deep for the 200-byte limit.
    let deeper = format!("{}x{}", "(".repeat(500), ")".repeat(500));
    refused(
        &env,
        &["note", "M1", "x", "--ref-raw", &deeper],
        &["invalid --ref-raw", "at most 200 bytes"],
    );
    // Within the limit, kept as typed.
    env.run(&["note", "M1", "haakjes", "--ref-raw", &nested])
        .ok();
    assert_eq!(
        env.json(&["show", "M1"])["latest_note"]["citations"][0],
        nested.as_str()
    );
}

// ------------------------------------------------------------------- dates

#[test]
fn dates_out_of_range_are_refused_wherever_a_date_is_taken() {
    let env = fixture();
    let range = "a date YYYY-MM-DD between 1900-01-01 and 2999-12-31";
    for bad in [
        "1899-12-31",
        "0000-01-01",
        "9999-12-31",
        "10000-01-01",
        "-2024-01-01",
    ] {
        let q = format!("'{bad}'");
        let eff = format!("--effective={bad}");
        refused(
            &env,
            &["status", "M1", "vertraagd", &eff],
            &["--effective", &q, range],
        );
        refused(
            &env,
            &["note", "M1", "x", &eff],
            &["--effective", &q, range],
        );
        let rep = format!("--reported-on={bad}");
        refused(
            &env,
            &["round", "seal", "R1", &rep],
            &["--reported-on", &q, range],
        );
        let asof = format!("--as-of={bad}");
        refused(&env, &["overview", &asof], &["--as-of", &q]);
    }
    let path = file(
        &env,
        "oud.csv",
        b"kind,key,text,effective\nmotie,M7,Een motie.,1899-12-31\n",
    );
    refused(
        &env,
        &["import", &path],
        &["CSV line 2, column effective '1899-12-31'", range],
    );
    let path = file(
        &env,
        "ver.csv",
        b"kind,key,text,progress,progress_effective\nmotie,M1,Een tekst.,Verder,10000-01-01\n",
    );
    refused(
        &env,
        &["import", &path],
        &["CSV line 2, column progress_effective '10000-01-01'", range],
    );
}

#[test]
fn a_future_effective_date_far_out_is_refused() {
    let env = fixture();
    // In the format's range, but centuries after today (2025-01-06 on the
    // pinned clock).
    let needles = [
        "effective date 2999-12-31",
        "more than 366 days after today (2025-01-06)",
        "at the latest 2026-01-07",
    ];
    refused(
        &env,
        &["status", "M1", "vertraagd", "--effective", "2999-12-31"],
        &needles,
    );
    let path = file(
        &env,
        "toekomst.csv",
        b"kind,key,text,progress,progress_effective\nmotie,M1,Een tekst.,Verder,2999-12-31\n",
    );
    refused(&env, &["import", &path], &needles);
    refused(
        &env,
        &["import", &path, "--effective", "2999-12-31"],
        &needles,
    );
}

// ------------------------------------------------------ control characters

#[test]
fn control_characters_in_actors_are_refused() {
    let env = fixture();
    for bad in [
        "a\u{1b}[31mb",
        "a\u{7f}b",
        "clerk\u{7}",
        "twee\nregels",
        "a\u{85}b",
    ] {
        let actor = format!("--actor={bad}");
        refused(
            &env,
            &[&actor, "note", "M1", "x"],
            &["invalid --actor", "control character U+"],
        );
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
    out.refusal(
        2,
        "actor from the environment",
        &["invalid --actor", "U+001B"],
    );
    // The message shows the control characters escaped, not raw.
    assert!(!out.stderr.contains('\u{1b}'), "{:?}", out.stderr);
    assert_eq!(env.head(), before);
}

#[test]
fn control_characters_in_keys_submitters_and_names_are_refused() {
    let env = fixture();
    let path = file(
        &env,
        "sleutel.csv",
        b"kind,key,text\nmotie,M\x01,Een motie.\n",
    );
    refused(
        &env,
        &["import", &path],
        &["CSV line 2, column key 'M\\u{1}'", "A-Z a-z 0-9 - _ ."],
    );
    refused(
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
        &[
            "invalid --submitter 'Jan\\u{7}sen'",
            "control character U+0007",
        ],
    );
    // A new store is not created for a programme name with an escape.
    let other = env.dir.path().join("nieuw");
    let out = env.run_bare(&[
        "--store",
        other.to_str().unwrap(),
        "init",
        "--programme",
        "NAP\u{1b}[2J",
    ]);
    out.refusal(2, "programme", &["invalid --programme", "U+001B"]);
    assert!(!other.exists());
}

// --------------------------------------------------------------------- CSV

#[test]
fn a_csv_record_with_missing_fields_is_refused() {
    let env = fixture();
    let path = file(
        &env,
        "kort.csv",
        b"kind,key,text,status\nmotie,M7,Een motie.,in-uitvoering\nmotie,M8,Nog een\n",
    );
    refused(
        &env,
        &["import", &path],
        &["CSV line 3", "4 fields as in the header"],
    );
}

#[test]
fn a_csv_header_with_an_empty_extra_column_is_refused() {
    let env = fixture();
    let path = file(&env, "leeg.csv", b"kind,key,text,\nmotie,M7,Een motie.,\n");
    refused(
        &env,
        &["--format", "csv", "import", &path],
        &["CSV column ''", "one of: kind, key, text"],
    );
}

#[test]
fn a_csv_file_with_a_nul_byte_is_refused() {
    let env = fixture();
    let path = file(&env, "nul.csv", b"kind,key,text\nmotie,M7,Een\x00motie.\n");
    refused(
        &env,
        &["import", &path],
        &["CSV line 2, column text", "control character U+0000"],
    );
}

// ------------------------------------------------------------- events files

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
    kamerstand::report::event_line(&state, &rec)
        .trim_end()
        .to_string()
}

/// Imports `lines` into a new store and requires a refusal at `line`.
#[track_caller]
fn events_refused(lines: &[String], line: usize, needles: &[&str]) {
    let target = TestEnv::new();
    // Later than every event in the file: events recorded after the
    // importer's clock are refused before the line at fault is reached.
    target.set_clock("2030-01-01T00:00:00Z");
    let mut text = lines.join("\n");
    text.push('\n');
    let path = file(&target, "events.jsonl", text.as_bytes());
    let out = target.run(&["--format", "events", "import", &path]);
    let at = format!("events file, line {line}: ");
    let mut all = vec![at.as_str()];
    all.extend_from_slice(needles);
    out.refusal(2, "events file", &all);
    assert!(!target.store.exists(), "a store was created");
    assert_eq!(head_at(&target.store), None);
}

fn events_fixture() -> (TestEnv, Vec<String>) {
    let env = fixture();
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
    let (_env, lines) = events_fixture();
    // Line 4 (seq 3, M1's status) rewritten with a fresh hash, consistent
    // on its own line; line 5 still names the old hash.
    let mut l = lines.clone();
    let mut e = decoded(&l, 3);
    if let kamerstand::domain::EventBody::StatusChanged { status, .. } = &mut e.body {
        *status = "vertraagd".into();
    }
    l[3] = forged_line(&l, 3, e);
    events_refused(
        &l,
        5,
        &["seq 4: link broken", "seq 3 or this event was rewritten"],
    );
}

#[test]
fn an_events_file_with_a_forged_seq_is_refused() {
    let (_env, lines) = events_fixture();
    // The seq on line 4 says 9: the chain has no seq 3.
    let mut l = lines.clone();
    let mut v: Value = serde_json::from_str(&l[3]).unwrap();
    v["seq"] = Value::from(9);
    l[3] = serde_json::to_string(&v).unwrap();
    events_refused(
        &l,
        4,
        &["seq 3: event missing", "the next stored event is seq 9"],
    );
    // The bytes of line 4 say seq 9 (rehashed), the JSON still 3.
    let mut l = lines.clone();
    let mut e = decoded(&l, 3);
    e.seq = 9;
    let bytes = codec::encode(&e).unwrap();
    let mut v: Value = serde_json::from_str(&l[3]).unwrap();
    v["bytes"] = Value::from(kamerstand::domain::ids::hex(&bytes));
    v["hash"] = Value::from(codec::hash(&bytes).hex());
    l[3] = serde_json::to_string(&v).unwrap();
    events_refused(
        &l,
        4,
        &[
            "seq 3: out of order",
            "the event stored at seq 3 says it is seq 9",
        ],
    );
}

#[test]
fn an_events_file_with_a_duplicated_seq_is_refused() {
    let (_env, lines) = events_fixture();
    let mut l = lines.clone();
    l.insert(4, l[3].clone());
    events_refused(
        &l,
        5,
        &[
            "seq 4: out of order",
            "seq 3 comes again where seq 4 should be",
        ],
    );
}

#[test]
fn an_events_file_from_a_newer_format_version_is_refused() {
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
    events_refused(
        &l,
        1,
        &[
            "seq 0: undecodable event",
            "format version 2 is not known to this kamerstand (it reads version 1)",
        ],
    );
}

#[test]
fn an_events_file_with_an_event_over_the_size_limit_is_refused() {
    let (_env, lines) = events_fixture();
    let mut l = lines.clone();
    let mut v: Value = serde_json::from_str(&l[2]).unwrap();
    v["bytes"] = Value::from("00".repeat(codec::MAX_ENVELOPE_BYTES + 1));
    l[2] = serde_json::to_string(&v).unwrap();
    events_refused(&l, 3, &["event of 1048577 bytes is over the limit"]);
}

#[test]
fn an_events_file_with_a_line_over_the_line_limit_is_refused_without_reading_it_whole() {
    // Events files stream with no size limit; a single line is capped
    // (4 MiB: twice the largest event, with room for its JSON).
    let (_env, lines) = events_fixture();
    let mut l = lines.clone();
    l[2] = format!("{{\"pad\": \"{}\"}}", "x".repeat(5 << 20));
    events_refused(&l, 3, &["longer than 4 MiB; no event is that large"]);
}

#[test]
fn an_events_file_without_events_is_refused() {
    let target = TestEnv::new();
    let path = file(&target, "leeg.jsonl", b"\n   \n");
    let out = target.run(&["--format", "events", "import", &path]);
    out.refusal(2, "empty events file", &["the events file holds no events"]);
    assert!(!target.store.exists());
}

#[test]
fn an_events_import_into_an_existing_ledger_is_refused() {
    let (env, lines) = events_fixture();
    // Another ledger's backup into this one.
    let mut text = lines.join("\n");
    text.push('\n');
    let path = file(&env, "backup.jsonl", text.as_bytes());
    let s = env.store.to_str().unwrap();
    refused(
        &env,
        &["import", &path],
        &[
            &format!("{s} already holds one"),
            "give a new path with --store",
        ],
    );
}

// ------------------------------------------------------------- store paths

#[test]
fn a_store_path_inside_a_file_is_refused_as_input() {
    let env = fixture();
    let f = env.dir.path().join("notities.txt");
    std::fs::write(&f, "geen ledger").unwrap();
    let inside = f.join("ledger");
    let s = inside.to_str().unwrap();
    let out = env.run_bare(&["--store", s, "init", "--programme", "NAP"]);
    out.refusal(
        2,
        "init",
        &[
            &format!("{s} cannot be created"),
            "part of that path is a file",
        ],
    );
    for args in [&["overview"][..], &["note", "M1", "x"], &["verify"]] {
        let mut full = vec!["--store", s];
        full.extend_from_slice(args);
        let out = env.run_bare(&full);
        out.refusal(2, "read", &[&format!("no ledger at {s}")]);
    }
    assert_eq!(std::fs::read_to_string(&f).unwrap(), "geen ledger");
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
    let env = fixture();
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

// --------------------------------------- read-only and full file systems

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
    let text = "Een lange voortgangsnotitie. ".repeat(2000);
    let mut last_ok: Option<(u64, String)> = None;
    let failed = (0..200).find_map(|_| {
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

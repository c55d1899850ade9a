//! Time travel: the two time axes, recorded time (`--as-of`, `--round`) and
//! effective date (`--effective`), and how every read command combines them.
//!
//! First on a fixed history with back-dated entries: `--as-of T --effective
//! D` is what the ledger as it stood at T said was true on D, on `overview`,
//! `show`, `item list` and `log`; and every read output names its view (as
//! of …, round …, effective …), in table and JSON form.
//!
//! Then property-tested over random scripted histories run through the CLI
//! in-process with the shared pinned clock. A history registers items,
//! changes status and responsible parties, notes progress (with random
//! effective dates, often back-dated), seals rounds and corrects earlier
//! events (replacing a status, a responsible, a note or an effective date,
//! retracting, and correcting corrections). The clock jumps forward by
//! minutes to weeks between steps. After every step the test keeps what the
//! read commands print at that moment (`overview` with and without
//! `--effective`, `log`, `item list`, rendered by the library from the
//! store) and the instant just after it. At the end every such instant,
//! asked for with `--as-of` (in UTC, with an offset, just before the next
//! event, as a date), must print the same again; `--round` must print what
//! was printed just after the seal; and `diff` between rounds must be the
//! change between their overviews, with the notes recorded in between.

use crate::common::{TestEnv, Transcript, item, seqs, snap, without_view};
use kamerstand::Workspace;
use kamerstand::domain::{Day, Instant, Timestamp};
use kamerstand::ledger::OpenOptions;
use kamerstand::projection::{Basis, View};
use kamerstand::report::{self, Format};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::Value;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

// ------------------------------------------------- a fixed history

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
    // The card as known at the end of April for 15 February: the
    // back-dated status and responsible, and only the note in effect then
    // (January's; the timeline below still shows every event recorded by
    // then).
    snap!("show_as_of_and_effective", out.stdout);
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
    snap!("show_not_yet_in_effect", out.stdout);
    assert_eq!(
        env.json(&["show", "T1", "--effective", "2025-05-01"])["exists"],
        false
    );
    // An item registered after the instant asked for.
    let args = ["show", "M2", "--as-of", "2025-03-31"];
    let out = env.refused_in(&args, b"", 2, &[]);
    snap!(
        "show_registered_after_the_view",
        Transcript::new().add(&args, &out).text()
    );
}

/// The view line of a table output.
fn view_line(out: &str) -> &str {
    out.lines()
        .find(|l| crate::common::is_view_line(l))
        .unwrap_or_else(|| panic!("no view line in:\n{out}"))
}

#[test]
fn every_read_output_names_its_view() {
    let env = back_dated();
    let commands: [&[&str]; 4] = [&["overview"], &["show", "M1"], &["log"], &["item", "list"]];
    let cases: [(&[&str], &str, Value); 6] = [
        (
            &[],
            "Stand van nu (vastgelegd tot 14 april 2025, 12:02)",
            serde_json::json!({"basis": "current", "as_of": null, "round": null, "effective": null}),
        ),
        // Summer time: the end of 31 March 2025 is 21:59:59Z (in the
        // JSON); the sentence names the day, and when its last event was
        // recorded, in Dutch time (winter time still on 10 March).
        (
            &["--as-of", "2025-03-31"],
            "Zoals bekend op 31 maart 2025 (vastgelegd tot 10 maart 2025, 11:02)",
            serde_json::json!({"basis": "as_of", "as_of": "2025-03-31T21:59:59.999999999Z", "round": null, "effective": null}),
        ),
        // Winter time: the end of 28 February 2025 is 22:59:59Z.
        (
            &["--as-of", "2025-02-28", "--effective", "2025-02-15"],
            "Zoals bekend op 28 februari 2025, geldend op 15 februari 2025 (vastgelegd tot 3 februari 2025, 11:02)",
            serde_json::json!({"basis": "as_of", "as_of": "2025-02-28T22:59:59.999999999Z", "round": null, "effective": "2025-02-15"}),
        ),
        (
            &["--as-of", "2025-04-07T13:00:00+02:00"],
            "Zoals bekend op 7 april 2025 om 13:00 (vastgelegd tot 7 april 2025, 12:02)",
            serde_json::json!({"basis": "as_of", "as_of": "2025-04-07T11:00:00.000000000Z", "round": null, "effective": null}),
        ),
        (
            &["--round", "r1"],
            "Ronde R1, verzegeld op 14 april 2025, 12:02; brief van 15 april 2025",
            serde_json::json!({"basis": "round", "as_of": null, "round": "R1", "effective": null}),
        ),
        (
            &["--round", "R1", "--effective", "2025-03-01"],
            "Ronde R1, verzegeld op 14 april 2025, 12:02; brief van 15 april 2025, geldend op 1 maart 2025",
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
            assert_eq!(got, *line, "{args:?}");
            let v = env.json(&args);
            for (k, want) in json.as_object().unwrap() {
                assert_eq!(&v["view"][k], want, "{args:?} view.{k}: {}", v["view"]);
            }
        }
    }
    // `--as-of` and `--round` together are refused before the store
    // opens; a malformed instant names the accepted forms.
    let mut t = Transcript::new();
    for args in [
        &["overview", "--as-of", "2025-03-31", "--round", "R1"][..],
        &["overview", "--as-of", "gisteren"],
        &["overview", "--as-of", "31-03-2025"],
    ] {
        t.add(args, &env.refused_in(args, b"", 2, &[]));
    }
    snap!("malformed_and_conflicting_views", t.text());
}

// ------------------------------------------------ random histories

const STATUSES: [&str; 6] = [
    "invulling",
    "in-uitvoering",
    "doorlopend",
    "vertraagd",
    "niet-begonnen",
    "niet-vermeld",
];
const PARTIES: [&str; 5] = ["SOCW", "MOCW en SOCW", "MJenV", "SVWS", "SOCW en MJenV"];

/// A minute in nanoseconds.
const MINUTE: i64 = 60_000_000_000;

#[derive(Debug, Clone)]
enum Fix {
    /// A replacement value of the kind the corrected event carries.
    Value(usize),
    /// A replacement effective date, days from today.
    Effective(i64),
    Retract,
}

/// One command. Items are picked by `item % count` in registration order;
/// events to correct by `target % count` counted back from the latest.
#[derive(Debug, Clone)]
enum Op {
    Register {
        toezegging: bool,
        status: usize,
        parties: usize,
        day: i64,
    },
    Status {
        item: usize,
        status: usize,
        day: i64,
    },
    Assign {
        item: usize,
        parties: usize,
        day: i64,
    },
    Note {
        item: usize,
        day: i64,
    },
    Seal {
        reported: Option<i64>,
    },
    Correct {
        target: usize,
        by_id: bool,
        fix: Fix,
    },
}

#[derive(Debug, Clone)]
struct Step {
    /// Minutes the clock moves on before the step.
    advance: i64,
    op: Op,
    /// A day (from today) whose effective view is kept after the step.
    probe: i64,
}

/// Days from the clock's today: mostly recent, often long back-dated,
/// sometimes ahead.
fn day_offset() -> impl Strategy<Value = i64> {
    prop_oneof![4 => -14..=0i64, 3 => -400..-14i64, 1 => 1..=30i64]
}

fn fix() -> impl Strategy<Value = Fix> {
    prop_oneof![
        3 => (0..6usize).prop_map(Fix::Value),
        2 => day_offset().prop_map(Fix::Effective),
        2 => Just(Fix::Retract),
    ]
}

fn register() -> impl Strategy<Value = Op> {
    (
        any::<bool>(),
        0..STATUSES.len(),
        0..PARTIES.len(),
        day_offset(),
    )
        .prop_map(|(toezegging, status, parties, day)| Op::Register {
            toezegging,
            status,
            parties,
            day,
        })
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => register(),
        3 => (any::<usize>(), 0..STATUSES.len(), day_offset())
            .prop_map(|(item, status, day)| Op::Status { item, status, day }),
        2 => (any::<usize>(), 0..PARTIES.len(), day_offset())
            .prop_map(|(item, parties, day)| Op::Assign { item, parties, day }),
        3 => (any::<usize>(), day_offset()).prop_map(|(item, day)| Op::Note { item, day }),
        1 => proptest::option::of(-30..=30i64).prop_map(|reported| Op::Seal { reported }),
        4 => (any::<usize>(), any::<bool>(), fix())
            .prop_map(|(target, by_id, fix)| Op::Correct { target, by_id, fix }),
    ]
}

fn step(op: impl Strategy<Value = Op>) -> impl Strategy<Value = Step> {
    (
        prop_oneof![4 => 10..240i64, 3 => 240..4320i64, 1 => 28_800..86_400i64],
        op,
        day_offset(),
    )
        .prop_map(|(advance, op, probe)| Step { advance, op, probe })
}

/// A history: it starts with a registration and has up to 25 steps.
fn history(max: usize) -> impl Strategy<Value = Vec<Step>> {
    (
        step(register()),
        proptest::collection::vec(step(op()), 3..max),
    )
        .prop_map(|(first, rest)| {
            let mut v = vec![first];
            v.extend(rest);
            v
        })
}

/// What kind of value the event a correction ends at carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Root {
    Registration,
    Status,
    Assign,
    Note,
}

/// An accepted item event.
#[derive(Debug, Clone)]
struct Ev {
    seq: u64,
    id: String,
    root: Root,
    correction: bool,
}

/// What the read commands print after a step, and the instant just after
/// it.
#[derive(Debug, Clone)]
struct Snap {
    /// The last event's recorded time (RFC 3339, UTC, nanoseconds).
    at: String,
    nanos: i64,
    events: u64,
    overview: Value,
    probe: Day,
    effective: Value,
    log: Value,
    items: Value,
}

#[derive(Debug, Clone)]
struct Sealed {
    name: String,
    seq: u64,
    snap: usize,
}

/// How often each kind of step was accepted, over all cases.
#[derive(Debug, Default, Clone)]
struct Tally(BTreeMap<&'static str, usize>);

impl Tally {
    fn add(&mut self, what: &'static str) {
        *self.0.entry(what).or_default() += 1;
    }
}

struct Run<'a> {
    env: TestEnv,
    clock: i64,
    keys: Vec<String>,
    events: Vec<Ev>,
    /// Accepted notes: seq, item key, text.
    notes: Vec<(u64, String, String)>,
    corrections: Vec<u64>,
    seals: Vec<Sealed>,
    snaps: Vec<Snap>,
    tally: &'a RefCell<Tally>,
}

fn nanos_of(rfc3339: &str) -> i64 {
    Instant::parse("t", rfc3339).unwrap().at.unix_nanos()
}

fn with_offset(nanos: i64, hours: i8) -> String {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(nanos))
        .unwrap()
        .to_offset(UtcOffset::from_hms(hours, 0, 0).unwrap())
        .format(&Rfc3339)
        .unwrap()
}

fn utc(nanos: i64) -> String {
    Timestamp::from_unix_nanos(nanos).rfc3339()
}

impl Run<'_> {
    fn today(&self) -> Day {
        Day::in_amsterdam(Timestamp::from_unix_nanos(self.clock))
    }

    fn day(&self, offset: i64) -> String {
        self.today().plus_days(offset).to_string()
    }

    /// Opens the store through the library. It waits for the lock, which a
    /// process forked by another test may hold for a moment.
    fn open(&self) -> Workspace {
        let opts = OpenOptions {
            wait: Duration::from_secs(10),
            clock: Box::new(self.env.clock.clone()),
            ..OpenOptions::default()
        };
        Workspace::open(&self.env.store, opts).unwrap()
    }

    /// Runs a write command; Some(receipt) when accepted, None when refused.
    fn write(&mut self, args: Vec<String>) -> Result<Option<Value>, TestCaseError> {
        let mut full = vec!["--format".to_string(), "json".to_string()];
        full.extend(args);
        let before = self.env.head().map(|h| h.seq);
        let out = self.env.run_owned(&full);
        match out.code {
            0 => Ok(Some(out.json())),
            2 => {
                prop_assert!(out.stderr.contains("Nothing was written"), "{}", out.stderr);
                prop_assert_eq!(self.env.head().map(|h| h.seq), before);
                Ok(None)
            }
            c => Err(TestCaseError::fail(format!(
                "{full:?} exited {c}: {}{}",
                out.stdout, out.stderr
            ))),
        }
    }

    /// What the read commands print now, rendered through the library from
    /// the store as the last command left it (one open instead of four).
    fn snapshot(&mut self, probe: i64) {
        let ws = self.open();
        let probe = self.today().plus_days(probe);
        let render = |s: String| without_view(&serde_json::from_str(&s).unwrap());
        let now = ws.view(Basis::Current, None).unwrap();
        let events: Vec<_> = ws.ledger().events().map(Result::unwrap).collect();
        let at = now.chain.last_recorded.unwrap().rfc3339();
        self.snaps.push(Snap {
            nanos: nanos_of(&at),
            at,
            events: now.chain.events,
            overview: render(report::overview(&now, Format::Json)),
            probe,
            effective: render(report::overview(
                &ws.view(Basis::Current, Some(probe)).unwrap(),
                Format::Json,
            )),
            log: render(report::log(&now, &events, Format::Json)),
            items: render(report::item_list(&now, Format::Json)),
        });
    }

    fn step(&mut self, n: usize, s: &Step) -> Result<(), TestCaseError> {
        self.clock += s.advance * MINUTE;
        self.env.clock.set(Timestamp::from_unix_nanos(self.clock));
        let item = |i: &usize, keys: &[String]| keys[i % keys.len()].clone();
        match &s.op {
            Op::Register {
                toezegging,
                status,
                parties,
                day,
            } => {
                let kind = if *toezegging { "toezegging" } else { "motie" };
                let args = vec![
                    "item".into(),
                    "add".into(),
                    "--kind".into(),
                    kind.into(),
                    "--text".into(),
                    format!("Item van stap {n}."),
                    "--status".into(),
                    STATUSES[*status].into(),
                    "--responsible".into(),
                    PARTIES[*parties].into(),
                    "--effective".into(),
                    self.day(*day),
                ];
                let r = self.write(args)?;
                prop_assert!(r.is_some(), "a registration was refused");
                let r = r.unwrap();
                self.keys.push(r["item_key"].as_str().unwrap().to_string());
                self.accepted(&r, Root::Registration, false);
                self.tally.borrow_mut().add("register");
                if *day < 0 {
                    self.tally.borrow_mut().add("back-dated");
                }
            }
            Op::Status {
                item: i,
                status,
                day,
            } => {
                let key = item(i, &self.keys);
                let args = vec![
                    "status".into(),
                    key,
                    STATUSES[*status].into(),
                    "--effective".into(),
                    self.day(*day),
                ];
                if let Some(r) = self.write(args)? {
                    self.accepted(&r, Root::Status, false);
                    self.tally.borrow_mut().add("status");
                    if *day < 0 {
                        self.tally.borrow_mut().add("back-dated");
                    }
                }
            }
            Op::Assign {
                item: i,
                parties,
                day,
            } => {
                let key = item(i, &self.keys);
                let args = vec![
                    "assign".into(),
                    key,
                    PARTIES[*parties].into(),
                    "--effective".into(),
                    self.day(*day),
                ];
                if let Some(r) = self.write(args)? {
                    self.accepted(&r, Root::Assign, false);
                    self.tally.borrow_mut().add("assign");
                }
            }
            Op::Note { item: i, day } => {
                let key = item(i, &self.keys);
                let text = format!("Voortgang bij stap {n}: {key} loopt.");
                let args = vec![
                    "note".into(),
                    key.clone(),
                    text.clone(),
                    "--effective".into(),
                    self.day(*day),
                ];
                if let Some(r) = self.write(args)? {
                    self.accepted(&r, Root::Note, false);
                    self.notes.push((r["seq"].as_u64().unwrap(), key, text));
                    self.tally.borrow_mut().add("note");
                }
            }
            Op::Seal { reported } => {
                let name = if self.seals.len().is_multiple_of(2) {
                    format!("Ronde-{}", self.seals.len() + 1)
                } else {
                    format!("ronde-{}", self.seals.len() + 1)
                };
                let mut args = vec!["round".into(), "seal".into(), name.clone()];
                if let Some(d) = reported {
                    args.extend(["--reported-on".into(), self.day(*d)]);
                }
                let r = self.write(args)?;
                prop_assert!(r.is_some(), "a seal was refused");
                let seq = r.unwrap()["seq"].as_u64().unwrap();
                // The snapshot taken after this step is the round's view.
                self.seals.push(Sealed {
                    name,
                    seq,
                    snap: self.snaps.len(),
                });
                self.tally.borrow_mut().add("seal");
            }
            Op::Correct { target, by_id, fix } => {
                // Counted from the latest event back.
                let ev = self.events[self.events.len() - 1 - target % self.events.len()].clone();
                let mut args = vec![
                    "correct".into(),
                    if *by_id {
                        ev.id.clone()
                    } else {
                        ev.seq.to_string()
                    },
                    "--reason".into(),
                    format!("fout ontdekt bij stap {n}"),
                ];
                let what = match fix {
                    Fix::Retract if ev.correction => {
                        args.push("--retract".into());
                        "retract a correction"
                    }
                    Fix::Retract => {
                        args.push("--retract".into());
                        match ev.root {
                            Root::Registration => "retract registration",
                            Root::Status => "retract status",
                            Root::Assign => "retract assignment",
                            Root::Note => "retract note",
                        }
                    }
                    Fix::Effective(d) => {
                        args.extend(["--effective".into(), self.day(*d)]);
                        "replace effective"
                    }
                    Fix::Value(v) => match ev.root {
                        Root::Status => {
                            args.extend(["--status".into(), STATUSES[*v].into()]);
                            "replace status"
                        }
                        Root::Registration if v.is_multiple_of(2) => {
                            args.extend(["--status".into(), STATUSES[*v].into()]);
                            "replace status"
                        }
                        Root::Registration | Root::Assign => {
                            args.extend(["--responsible".into(), PARTIES[v % 5].into()]);
                            "replace responsible"
                        }
                        Root::Note => {
                            args.extend(["--note".into(), format!("Gecorrigeerde tekst {v}.")]);
                            "replace note"
                        }
                    },
                };
                if let Some(r) = self.write(args)? {
                    self.accepted(&r, ev.root, true);
                    self.corrections.push(r["seq"].as_u64().unwrap());
                    self.tally.borrow_mut().add(what);
                    self.tally.borrow_mut().add(if what.starts_with("retract") {
                        "retract"
                    } else {
                        "replace"
                    });
                    if ev.correction {
                        self.tally.borrow_mut().add("correct a correction");
                    }
                    if *by_id {
                        self.tally.borrow_mut().add("correct by id");
                    }
                }
            }
        }
        self.snapshot(s.probe);
        Ok(())
    }

    fn accepted(&mut self, receipt: &Value, root: Root, correction: bool) {
        self.events.push(Ev {
            seq: receipt["seq"].as_u64().unwrap(),
            id: receipt["id"].as_str().unwrap().to_string(),
            root,
            correction,
        });
    }

    /// Every kept instant, asked for again.
    fn check_as_of(&self) -> Result<(), TestCaseError> {
        let env = &self.env;
        for (i, s) in self.snaps.iter().enumerate() {
            let next = self.snaps[i..]
                .iter()
                .find(|n| n.events > s.events)
                .map(|n| n.nanos);
            // The instant as printed, and either the same instant with an
            // offset or the last one before the next event was recorded.
            let other = match next {
                Some(next) if i % 2 == 1 => {
                    prop_assert!(next > s.nanos, "recorded times must increase");
                    utc(next - 1)
                }
                _ => with_offset(s.nanos, if i.is_multiple_of(4) { 1 } else { 2 }),
            };
            for t in [&s.at, &other] {
                let o = env.json(&["overview", "--as-of", t]);
                prop_assert_eq!(&o["view"]["basis"], "as_of");
                prop_assert_eq!(o["view"]["events"].as_u64(), Some(s.events), "as of {}", t);
                prop_assert_eq!(
                    &without_view(&o),
                    &s.overview,
                    "overview as of {} (step {})",
                    t,
                    i
                );
            }
            let e = env.json(&[
                "overview",
                "--as-of",
                &other,
                "--effective",
                &s.probe.to_string(),
            ]);
            prop_assert_eq!(
                &without_view(&e),
                &s.effective,
                "overview as of {} effective {}",
                other,
                s.probe
            );
            if i.is_multiple_of(2) {
                let l = env.json(&["log", "--as-of", &s.at]);
                prop_assert_eq!(&without_view(&l), &s.log, "log as of {}", s.at);
            } else {
                let l = env.json(&["item", "list", "--as-of", &s.at]);
                prop_assert_eq!(&without_view(&l), &s.items, "item list as of {}", s.at);
            }
        }
        // Dates mean the end of that day in Dutch time: the last snapshot
        // recorded by then.
        let days: BTreeSet<Day> = self
            .snaps
            .iter()
            .step_by(4)
            .map(|s| Day::in_amsterdam(Timestamp::from_unix_nanos(s.nanos)))
            .collect();
        for d in days {
            let end = Instant::parse("d", &d.to_string()).unwrap().at.unix_nanos();
            let expected = self.snaps.iter().rfind(|s| s.nanos <= end).unwrap();
            let o = env.json(&["overview", "--as-of", &d.to_string()]);
            prop_assert_eq!(
                &without_view(&o),
                &expected.overview,
                "as of the date {}",
                d
            );
        }
        // Before the ledger existed there is nothing.
        let o = env.json(&["overview", "--as-of", "2020-01-01T00:00:00Z"]);
        prop_assert_eq!(&o["items"], &Value::Array(vec![]));
        prop_assert_eq!(o["view"]["events"].as_u64(), Some(0));
        Ok(())
    }

    /// Folds as of every kept instant through the library, as an auditor's
    /// own program would.
    fn check_library(&self) -> Result<(), TestCaseError> {
        let ws = self.open();
        let json = |v: &View| -> Value {
            without_view(&serde_json::from_str(&report::overview(v, Format::Json)).unwrap())
        };
        let last = self.snaps.last().unwrap();
        prop_assert_eq!(
            &json(&ws.view(Basis::Current, None).unwrap()),
            &last.overview
        );
        for s in &self.snaps {
            let at = Instant::parse("t", &s.at).unwrap();
            let v = View::replay(ws.ledger().events(), Basis::AsOf(at), None).unwrap();
            prop_assert_eq!(&json(&v), &s.overview, "library view as of {}", s.at);
            let at = Instant::parse("t", &s.at).unwrap();
            let v = View::replay(ws.ledger().events(), Basis::AsOf(at), Some(s.probe)).unwrap();
            prop_assert_eq!(&json(&v), &s.effective, "library view as of {}", s.at);
        }
        Ok(())
    }

    /// `--round` is what was printed just after the seal, whatever came later.
    fn check_rounds(&self) -> Result<(), TestCaseError> {
        let env = &self.env;
        for r in &self.seals {
            let s = &self.snaps[r.snap];
            prop_assert_eq!(s.events, r.seq + 1);
            let name = r.name.to_uppercase();
            let o = env.json(&["overview", "--round", &name]);
            prop_assert_eq!(&o["view"]["basis"], "round");
            prop_assert_eq!(&o["view"]["round"], &r.name);
            prop_assert_eq!(
                &without_view(&o),
                &s.overview,
                "overview of round {}",
                r.name
            );
            let l = env.json(&["log", "--round", &r.name]);
            prop_assert_eq!(&without_view(&l), &s.log, "log of round {}", r.name);
            let e = env.json(&[
                "overview",
                "--round",
                &r.name,
                "--effective",
                &s.probe.to_string(),
            ]);
            prop_assert_eq!(&without_view(&e), &s.effective);
        }
        let list = env.json(&["round", "list"]);
        let names: Vec<&str> = list["rounds"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["name"].as_str().unwrap())
            .collect();
        let sealed: Vec<&str> = self.seals.iter().map(|r| r.name.as_str()).collect();
        prop_assert_eq!(names, sealed);
        Ok(())
    }

    /// `diff` between rounds is the change between their overviews.
    fn check_diffs(&self) -> Result<(), TestCaseError> {
        for pair in self.seals.windows(2) {
            self.check_diff(&pair[0], &pair[1])?;
        }
        if let (Some(a), Some(b)) = (self.seals.first(), self.seals.last())
            && self.seals.len() > 2
        {
            self.check_diff(a, b)?;
        }
        Ok(())
    }

    fn check_diff(&self, a: &Sealed, b: &Sealed) -> Result<(), TestCaseError> {
        let before = rows(&self.snaps[a.snap].overview);
        let after = rows(&self.snaps[b.snap].overview);
        let d = self
            .env
            .json(&["diff", &a.name, &b.name, "--all", "--events"]);
        let short = self.env.json(&["diff", &a.name, &b.name]);
        // The counts (from each side's tallies, loaded from checkpoints)
        // are the events listed (from the events in between).
        for it in d["items"].as_array().unwrap() {
            let listed = |change: &str| {
                it["events"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|e| e["change"] == change)
                    .count() as u64
            };
            let c = &it["counts"];
            prop_assert_eq!(
                [
                    c["status_changes"].as_u64(),
                    c["reassignments"].as_u64(),
                    c["notes"].as_u64(),
                    c["amendments"].as_u64(),
                    c["corrections"].as_u64()
                ],
                [
                    Some(listed("status")),
                    Some(listed("responsible")),
                    Some(listed("note")),
                    Some(listed("amended")),
                    Some(listed("corrected"))
                ],
                "counts of {}",
                it["key"]
            );
        }
        prop_assert_eq!(&d["from"]["round"], &a.name);
        prop_assert_eq!(&d["to"]["round"], &b.name);
        let items: BTreeMap<String, &Value> = d["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| (i["key"].as_str().unwrap().to_string(), i))
            .collect();
        let changed: BTreeSet<String> = short["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["key"].as_str().unwrap().to_string())
            .collect();
        prop_assert_eq!(&short["summary"], &d["summary"]);
        let in_between = |seq: u64| seq > a.seq && seq < b.seq;
        let (mut added, mut withdrawn, mut status, mut parties) = (0u64, 0u64, 0u64, 0u64);
        for key in before.keys().chain(after.keys()) {
            prop_assert!(items.contains_key(key), "diff lacks {}: {}", key, d);
        }
        for (key, it) in &items {
            let (was, is) = (before.get(key), after.get(key));
            let what = format!("{key} in diff {} → {}", a.name, b.name);
            prop_assert_eq!(
                it["added"].as_bool(),
                Some(was.is_none() && is.is_some()),
                "{}",
                what
            );
            prop_assert_eq!(
                it["withdrawn"].as_bool(),
                Some(was.is_some() && is.is_none()),
                "{}",
                what
            );
            added += u64::from(was.is_none() && is.is_some());
            withdrawn += u64::from(was.is_some() && is.is_none());
            match (was, is) {
                (Some(x), Some(y)) => {
                    if x.0 == y.0 {
                        prop_assert!(it["status"].is_null(), "{}: {}", what, it);
                    } else {
                        status += 1;
                        prop_assert_eq!(&it["status"]["from"]["slug"], &x.0, "{}", what);
                        prop_assert_eq!(&it["status"]["to"]["slug"], &y.0, "{}", what);
                    }
                    if x.1 == y.1 {
                        prop_assert!(it["responsible"].is_null(), "{}: {}", what, it);
                    } else {
                        parties += 1;
                        prop_assert_eq!(parties_of(&it["responsible"]["from"]), x.1.clone());
                        prop_assert_eq!(parties_of(&it["responsible"]["to"]), y.1.clone());
                    }
                }
                _ => {
                    // Present on one side only (or registered and withdrawn
                    // in between): no from → to.
                    prop_assert!(it["status"].is_null() && it["responsible"].is_null());
                    // Gone on both sides: listed only if touched in between.
                    if was.is_none() && is.is_none() {
                        let id = it["id"].as_str().unwrap();
                        let reg = self.events.iter().find(|e| e.id == id).unwrap();
                        let touched = !it["events"].as_array().unwrap().is_empty();
                        prop_assert!(
                            in_between(reg.seq) || touched,
                            "{}: withdrawn before the interval and untouched",
                            what
                        );
                    }
                }
            }
            // The notes recorded in between, with their full text.
            let notes: Vec<(u64, String)> = it["events"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|e| e["change"] == "note")
                .map(|e| {
                    (
                        e["seq"].as_u64().unwrap(),
                        e["text"].as_str().unwrap().into(),
                    )
                })
                .collect();
            let expected: Vec<(u64, String)> = self
                .notes
                .iter()
                .filter(|(seq, k, _)| k == key && in_between(*seq))
                .map(|(seq, _, t)| (*seq, t.clone()))
                .collect();
            prop_assert_eq!(notes, expected, "{}", what);
            for e in it["events"].as_array().unwrap() {
                prop_assert!(in_between(e["seq"].as_u64().unwrap()), "{}: {}", what, e);
            }
            let moved = it["added"] == true
                || it["withdrawn"] == true
                || !it["status"].is_null()
                || !it["responsible"].is_null()
                || !it["events"].as_array().unwrap().is_empty();
            prop_assert_eq!(
                changed.contains(key),
                moved,
                "{} listed without --all",
                what
            );
        }
        let s = &d["summary"];
        let count = |k: &str| s[k].as_u64().unwrap();
        let n = |x: usize| u64::try_from(x).unwrap();
        prop_assert_eq!(count("added"), added);
        prop_assert_eq!(count("withdrawn"), withdrawn);
        prop_assert_eq!(count("status_changed"), status);
        prop_assert_eq!(count("responsible_changed"), parties);
        let notes = self.notes.iter().filter(|(q, _, _)| in_between(*q)).count();
        prop_assert_eq!(count("notes"), n(notes));
        let listed: usize = items
            .values()
            .map(|i| {
                i["events"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|e| e["change"] == "corrected")
                    .count()
            })
            .sum();
        prop_assert_eq!(count("corrections"), n(listed));
        prop_assert!(
            listed <= self.corrections.iter().filter(|q| in_between(**q)).count(),
            "more corrections listed than recorded"
        );
        prop_assert_eq!(count("items_changed"), n(changed.len()));
        prop_assert_eq!(
            count("items_changed") + count("items_unchanged"),
            n(items.len())
        );
        Ok(())
    }
}

/// Status slug and sorted responsible codes per item key of an overview.
fn rows(overview: &Value) -> BTreeMap<String, (Value, Vec<String>)> {
    overview["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["key"].as_str().unwrap().to_string(),
                (i["status"]["slug"].clone(), parties_of(&i["responsible"])),
            )
        })
        .collect()
}

fn parties_of(v: &Value) -> Vec<String> {
    let mut p: Vec<String> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    p.sort();
    p
}

fn check(steps: &[Step], tally: &RefCell<Tally>) -> Result<(), TestCaseError> {
    let env = TestEnv::init();
    // Well after the readings `init` took.
    let clock = Timestamp::from_unix_nanos(1_736_154_000_000_000_000 + 60 * MINUTE).unix_nanos();
    let mut run = Run {
        env,
        clock,
        keys: Vec::new(),
        events: Vec::new(),
        notes: Vec::new(),
        corrections: Vec::new(),
        seals: Vec::new(),
        snaps: Vec::new(),
        tally,
    };
    run.snapshot(0);
    for (n, s) in steps.iter().enumerate() {
        run.step(n, s)?;
    }
    run.check_as_of()?;
    run.check_rounds()?;
    run.check_diffs()?;
    run.check_library()?;
    run.env.run(&["verify"]).ok();
    Ok(())
}

/// Random histories: every kept instant, round and diff agrees with what
/// was printed at the time. Across all cases each common kind of step must
/// have been accepted, so the property is not vacuous (the scripted history
/// below covers every kind for certain).
#[test]
fn as_of_round_and_diff_agree_with_what_was_printed_at_the_time() {
    let mut runner = TestRunner::new(Config {
        cases: 32,
        failure_persistence: None,
        ..Config::default()
    });
    let tally = RefCell::new(Tally::default());
    runner
        .run(&history(25), |steps| check(&steps, &tally))
        .unwrap();
    let tally = tally.into_inner();
    for what in [
        "register",
        "status",
        "assign",
        "note",
        "seal",
        "back-dated",
        "replace",
        "retract",
        "correct a correction",
        "correct by id",
    ] {
        assert!(
            tally.0.get(what).copied().unwrap_or(0) > 0,
            "no case accepted a '{what}' step: {:?}",
            tally.0
        );
    }
}

fn at(advance: i64, probe: i64, op: Op) -> Step {
    Step { advance, op, probe }
}

fn fix_step(target: usize, by_id: bool, fix: Fix) -> Op {
    Op::Correct { target, by_id, fix }
}

/// One history, written out, in which every kind of step is accepted: the
/// same checks as the random ones, with nothing left to chance.
#[test]
fn a_scripted_history_with_every_kind_of_step_agrees_too() {
    use Fix::{Effective, Retract, Value};
    let reg = |toezegging, status, parties, day| Op::Register {
        toezegging,
        status,
        parties,
        day,
    };
    let status = |item, status, day| Op::Status { item, status, day };
    let assign = |item, parties, day| Op::Assign { item, parties, day };
    // Events to correct are counted back from the latest item event.
    let steps = [
        at(30, -1, reg(false, 1, 0, -30)), // M1
        at(30, -40, reg(true, 4, 2, -60)), // T1
        at(2880, -20, status(0, 3, -10)),
        at(60, -1, assign(1, 1, -5)),
        at(60, 0, Op::Note { item: 0, day: -3 }),
        at(60, -2, Op::Seal { reported: None }),
        at(57_600, -50, fix_step(2, false, Value(0))), // M1's status
        at(30, -5, fix_step(0, false, Value(4))),      // that correction
        at(30, -300, Op::Note { item: 1, day: -400 }),
        at(30, -1, fix_step(0, false, Value(1))), // T1's note text
        at(30, -1, fix_step(0, false, Retract)),  // that correction
        at(2880, -1, fix_step(5, false, Retract)), // M1's note
        at(30, -1, status(1, 0, -1)),
        at(30, -3, fix_step(0, false, Retract)), // T1's status
        at(30, -15, fix_step(9, false, Effective(-20))), // T1's assignment
        at(30, -15, fix_step(10, true, Value(3))), // the same, by id
        at(1440, 12, reg(false, 0, 3, 10)),      // M2, effective later
        at(30, 12, fix_step(0, false, Retract)), // M2's registration
        at(30, 12, fix_step(0, false, Retract)), // that retraction
        at(30, 0, assign(2, 0, 0)),
        at(30, 0, Op::Seal { reported: Some(5) }),
        at(43_200, -1, fix_step(0, true, Retract)), // M2's assignment
        at(30, 0, Op::Note { item: 2, day: 0 }),
        at(30, -3, fix_step(0, false, Effective(-2))), // that note's day
        at(30, 0, Op::Seal { reported: None }),
    ];
    let tally = RefCell::new(Tally::default());
    check(&steps, &tally).unwrap();
    let tally = tally.into_inner();
    let counts = |what: &str| tally.0.get(what).copied().unwrap_or(0);
    for (what, n) in [
        ("register", 3),
        ("status", 2),
        ("assign", 2),
        ("note", 3),
        ("seal", 3),
        ("replace status", 2),
        ("replace note", 1),
        ("replace effective", 2),
        ("replace responsible", 1),
        ("retract status", 1),
        ("retract note", 1),
        ("retract assignment", 1),
        ("retract registration", 1),
        ("retract a correction", 2),
        ("correct a correction", 3),
        ("correct by id", 2),
    ] {
        assert_eq!(counts(what), n, "{what}: {:?}", tally.0);
    }
}

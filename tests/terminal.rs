//! The real binary's output where it goes: colour, width and progress bars
//! appear in a pseudo-terminal and none of them in piped output, and output
//! into a pipe that its reader closed ends quietly.
//!
//! The terminal is made by `tests/pty_run.py` (Python's standard `pty`
//! module, so nothing to install where python3 is). The terminal test
//! prints a note and passes only when python3 or its `pty` module is
//! missing, or on a system without pseudo-terminals (Windows).
//!
//! Progress bars normally wait a second before they appear; the test sets
//! `KAMERSTAND_PROGRESS_DELAY_MS=0` so that a small ledger (quick to build in
//! a debug build) shows them.

use crate::common::{ACTOR, TestEnv, raw, read_all, wait_for};
use kamerstand::Workspace;
use kamerstand::domain::{Day, EventBody};
use kamerstand::ledger::Draft;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_kamerstand");

/// Variables that would change what the binary decides; cleared so that the
/// developer's or CI's environment does not leak in.
const CLEARED: &[&str] = &[
    "NO_COLOR",
    "CLICOLOR",
    "CLICOLOR_FORCE",
    "COLORTERM",
    "COLUMNS",
    "KAMERSTAND_STORE",
    "KAMERSTAND_PROGRESS_DELAY_MS",
];

fn script() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pty_run.py")
}

/// True when python3 with the `pty` module can run here.
fn have_pty() -> bool {
    if cfg!(windows) {
        return false;
    }
    Command::new("python3")
        .args(["-c", "import pty, termios, fcntl"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The binary's environment: a known terminal type, bars at once, then
/// `vars` (name, value).
fn setup(c: &mut Command, vars: &[(&str, &str)]) {
    for v in CLEARED {
        c.env_remove(v);
    }
    c.env("TERM", "xterm-256color")
        .env("KAMERSTAND_ACTOR", ACTOR)
        .env(kamerstand::cli::PROGRESS_DELAY_ENV, "0");
    for (k, v) in vars {
        c.env(k, v);
    }
}

/// Runs `kamerstand --store S --wait 10 ARGS…` in a terminal `cols` wide;
/// returns everything written there (stdout and stderr together, escape
/// codes included) and the exit code.
fn in_terminal(env: &TestEnv, cols: u16, vars: &[(&str, &str)], args: &[&str]) -> (String, i32) {
    let mut c = Command::new("python3");
    c.arg(script())
        .arg(cols.to_string())
        .arg("40")
        .arg(BIN)
        .arg("--store")
        .arg(&env.store)
        .args(["--wait", "10"])
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    setup(&mut c, vars);
    let o = c.output().unwrap();
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    let code = o.status.code().unwrap_or(-1);
    assert!(
        o.stderr.is_empty(),
        "pty_run.py complained: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    (text, code)
}

/// Runs the binary with stdout and stderr piped: (stdout, stderr, code).
fn piped(env: &TestEnv, vars: &[(&str, &str)], args: &[&str]) -> (String, String, i32) {
    let mut c = Command::new(BIN);
    c.arg("--store")
        .arg(&env.store)
        .args(["--wait", "10"])
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    setup(&mut c, vars);
    let o = c.output().unwrap();
    (
        String::from_utf8(o.stdout).unwrap(),
        String::from_utf8(o.stderr).unwrap(),
        o.status.code().unwrap_or(-1),
    )
}

/// A colour escape (256-colour or 24-bit foreground).
const COLOUR: &str = "\x1b[38;";

/// `s` without escape sequences (CSI `ESC [ … letter`).
fn strip_escapes(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' && chars.peek() == Some(&'[') {
            chars.next();
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// What a terminal `cols` wide would show on its lines: the text after the
/// last carriage return of each line (a progress bar redraws itself with
/// CR), without escapes.
fn screen_lines(s: &str) -> Vec<String> {
    s.split('\n')
        .map(|l| {
            let l = l.strip_suffix('\r').unwrap_or(l);
            strip_escapes(l.rsplit('\r').next().unwrap_or(""))
        })
        .collect()
}

#[test]
fn colour_width_and_progress_in_a_terminal_only() {
    if !have_pty() {
        println!("note: python3 with its pty module is not available; terminal test skipped");
        return;
    }
    let env = TestEnv::new();

    fill(&env, 1500);

    // verify: a bar in the terminal, cleared before the result.
    let (out, code) = in_terminal(&env, 100, &[], &["verify"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("verifying ["), "no bar:\n{out}");
    assert!(out.contains("ETA"), "{out}");
    let screen = screen_lines(&out);
    let last = screen.iter().rfind(|l| !l.trim().is_empty()).unwrap();
    assert!(
        !last.contains("verifying ["),
        "the bar was not cleared: {last:?}"
    );
    assert!(
        screen
            .iter()
            .any(|l| l.starts_with("in orde: 1500 gebeurtenissen gecontroleerd")),
        "{screen:?}"
    );

    // Not with --quiet.
    let (out, code) = in_terminal(&env, 100, &[], &["--quiet", "verify"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        !out.contains("verifying ["),
        "a bar despite --quiet:\n{out}"
    );
    assert!(
        out.contains("in orde: 1500 gebeurtenissen gecontroleerd"),
        "{out}"
    );

    // Not when piped, even with no delay.
    let (stdout, stderr, code) = piped(&env, &[], &["verify"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stderr, "", "piped stderr has a bar");
    assert!(!stdout.contains('\x1b'), "{stdout:?}");

    // export and import: bars in the terminal, none when piped.
    let backup = env.dir.path().join("backup.jsonl");
    let backup_arg = backup.to_str().unwrap();
    let (out, code) = in_terminal(
        &env,
        100,
        &[],
        &["--format", "events", "export", "-o", backup_arg],
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("exporting ["), "no bar:\n{out}");
    let (_, stderr, code) = piped(&env, &[], &["--format", "events", "export"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stderr, "");
    let restored = TestEnv::new();
    let (out, code) = in_terminal(&restored, 100, &[], &["import", backup_arg]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("restoring events ["), "no bar:\n{out}");
    assert!(out.contains("restored 1500 events"), "{out}");
    let again = TestEnv::new();
    let (_, stderr, code) = piped(&again, &[], &["import", backup_arg]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stderr, "");

    // Colour: status markers in the legend's colours, the table fit to a
    // narrow terminal.
    let (out, code) = in_terminal(&env, 70, &[], &["overview"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(COLOUR), "no colour:\n{out}");
    assert!(out.contains('●'), "no status marker:\n{out}");
    for line in screen_lines(&out) {
        let cols = line.chars().count();
        // Title and summary lines are prose that the terminal wraps; table
        // rows must fit.
        if line.starts_with("M") || line.starts_with("T") || line.starts_with("key") {
            assert!(cols <= 70, "{cols} columns: {line:?}");
        }
    }
    let (out, _) = in_terminal(&env, 100, &[("COLORTERM", "truecolor")], &["item", "list"]);
    assert!(out.contains("\x1b[38;2;"), "no 24-bit colour:\n{out}");

    // NO_COLOR: no colour, no markers, at a terminal too.
    let (out, code) = in_terminal(&env, 70, &[("NO_COLOR", "1")], &["overview"]);
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains(COLOUR), "colour despite NO_COLOR:\n{out}");
    assert!(!out.contains('●'), "{out}");

    // Piped: exactly the plain text of the in-process run (no colour, no
    // width fitting); CLICOLOR_FORCE forces colour all the same.
    let plain = env.run(&["overview"]);
    plain.ok();
    let (stdout, stderr, code) = piped(&env, &[], &["overview"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, plain.stdout);
    let (stdout, _, code) = piped(&env, &[("CLICOLOR_FORCE", "1")], &["overview"]);
    assert_eq!(code, 0);
    assert!(stdout.contains(COLOUR), "CLICOLOR_FORCE gave no colour");
}

/// A store an earlier version wrote gets its index, or the part of it
/// that version lacked, at its first open, which takes a while on a large
/// ledger: every command shows that work as a bar at a terminal (here
/// `overview`, `show` and `item list`, which draw none of their own), clears
/// it before its result, and the next open builds nothing and shows none.
#[test]
fn the_one_time_build_at_an_open_shows_a_bar_at_any_command() {
    if !have_pty() {
        println!("note: python3 with its pty module is not available; terminal test skipped");
        return;
    }
    let env = TestEnv::new();
    fill(&env, 1500);
    let cleared = |out: &str, bar: &str| {
        let screen = screen_lines(out);
        let last = screen.iter().rfind(|l| !l.trim().is_empty()).unwrap();
        assert!(!last.contains(bar), "the bar was not cleared: {last:?}");
    };

    // No index at all: the chain is checked, then the index is built.
    raw::edit(&env, |r| r.drop_derived());
    let (out, code) = in_terminal(&env, 100, &[], &["overview"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("verifying ["),
        "no bar for the chain's check:\n{out}"
    );
    assert!(
        out.contains("indexing the ledger ["),
        "no bar for the index:\n{out}"
    );
    assert!(out.contains("M17"), "no overview:\n{out}");
    cleared(&out, "indexing the ledger [");
    let (out, code) = in_terminal(&env, 100, &[], &["item", "list"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        !out.contains("indexing the ledger") && !out.contains("verifying"),
        "a bar where nothing is built:\n{out}"
    );

    // The notes among the other facts: moved apart once, with a bar.
    raw::edit(&env, |r| r.notes_among_facts());
    let (out, code) = in_terminal(&env, 100, &[], &["show", "M5"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("moving the notes apart ["), "no bar:\n{out}");
    assert!(out.contains("Stand 1474"), "no timeline:\n{out}");
    cleared(&out, "moving the notes apart [");
    let (out, code) = in_terminal(&env, 100, &[], &["show", "M5"]);
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains("moving the notes"), "moved twice:\n{out}");

    // Not with --quiet, nor into a pipe; the work is done all the same.
    raw::edit(&env, |r| r.notes_among_facts());
    let (out, code) = in_terminal(&env, 100, &[], &["--quiet", "overview"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        !out.contains("moving the notes"),
        "a bar despite --quiet:\n{out}"
    );
    raw::edit(&env, |r| r.drop_derived());
    let (stdout, stderr, code) = piped(&env, &[], &["overview"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stderr, "", "piped stderr has a bar");
    assert!(stdout.contains("M17"), "{stdout}");
    env.run(&["verify"]).ok();
}

/// Runs the CLI in-process as if stdout were a terminal with this look.
fn run_at(env: &TestEnv, terminal: kamerstand::cli::Terminal, args: &[&str]) -> String {
    let store = env.store.to_str().unwrap();
    let mut full = vec!["kamerstand", "--wait=10", "--store", store];
    full.extend_from_slice(args);
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let clock = env.clock.clone();
    let make_clock = move || -> Box<dyn kamerstand::ledger::Clock> { Box::new(clock.clone()) };
    let code = kamerstand::cli::run(
        full,
        &mut kamerstand::cli::Env {
            out: &mut out,
            err: &mut err,
            input: &mut &b""[..],
            clock: &make_clock,
            os_user: Some(ACTOR.to_string()),
            terminal,
            exits_after: false,
            whole_ledger_up_to: env.whole_ledger_up_to(),
        },
    );
    let err = String::from_utf8(err).unwrap();
    assert_eq!(code, 0, "{err}");
    assert_eq!(err, "");
    String::from_utf8(out).unwrap()
}

#[test]
fn terminal_look_in_process() {
    use kamerstand::cli::Terminal;
    use kamerstand::report::table::ColourMode;
    let env = TestEnv::init();
    env.add(&[
        "--kind",
        "motie",
        "--key",
        "M1",
        "--status",
        "vertraagd",
        "--text",
        "Een motie met een lange tekst die in een smalle terminal niet past",
    ]);
    env.run(&[
        "note",
        "M1",
        "Een voortgangsnotitie die veel langer is dan de breedte van een smalle terminal",
    ])
    .ok();
    let plain = env.run(&["overview"]).stdout;

    // The default (what tests and pipes get) is the plain text.
    assert_eq!(run_at(&env, Terminal::default(), &["overview"]), plain);
    // Colour without a terminal width (CLICOLOR_FORCE into a pipe): the
    // legend's colour as a marker, same rows otherwise.
    let forced = run_at(
        &env,
        Terminal {
            colour: ColourMode::TrueColour,
            ..Terminal::default()
        },
        &["overview"],
    );
    // vertraagd is #ef6c00 in the NAP legend.
    assert!(forced.contains("\x1b[38;2;239;108;0m●\x1b[0m In uitvoering met vertraging"));
    // A width counts only when stdout is a terminal.
    let not_tty = Terminal {
        width: Some(50),
        ..Terminal::default()
    };
    assert_eq!(run_at(&env, not_tty, &["overview"]), plain);
    // At a terminal 50 wide, every table row fits.
    let narrow = run_at(
        &env,
        Terminal {
            stdout: true,
            width: Some(50),
            ..Terminal::default()
        },
        &["overview"],
    );
    assert_ne!(narrow, plain);
    let row = narrow.lines().find(|l| l.starts_with("M1")).unwrap();
    assert!(row.chars().count() <= 50, "{row:?}");
    assert!(row.contains('…'), "{row:?}");
    // JSON is never touched.
    let json = |t: Terminal| run_at(&env, t, &["--format", "json", "overview"]);
    assert_eq!(
        json(Terminal {
            stdout: true,
            stderr: true,
            colour: ColourMode::TrueColour,
            width: Some(40),
        }),
        json(Terminal::default())
    );
}

/// Gives the store a ledger of `events` events (30 items and notes on
/// them), written through the library in one batch.
fn fill(env: &TestEnv, events: u64) {
    use kamerstand::domain::{Day, EventBody, ItemKey, ItemKind, Responsible};
    use kamerstand::ledger::Draft;
    assert_eq!(env.run(&["init", "--programme", "T"]).code, 0);
    let mut ws = Workspace::open(&env.store, env.open_options()).unwrap();
    let day = Day::parse("day", "2025-01-01").unwrap();
    let mut drafts = Vec::new();
    let mut items = Vec::new();
    for n in 1..events {
        let id = ws.new_id();
        let body = if n <= 30 {
            items.push(id);
            EventBody::ItemRegistered {
                kind: ItemKind::Motie,
                key: ItemKey::parse(&format!("M{n}")).unwrap(),
                text: format!("Motie {n}"),
                submitters: vec![],
                citations: vec![],
                responsible: Responsible::none(),
                status: "niet-vermeld".into(),
                effective: day,
            }
        } else {
            EventBody::ProgressNoted {
                item: items[(n % 30) as usize],
                text: format!("Stand {n}"),
                citations: vec![],
                effective: day,
            }
        };
        drafts.push(Draft { id, body });
    }
    ws.record_batch(ACTOR, drafts).unwrap();
}

// ------------------------------------------------------------ closed pipes

/// A ledger whose `log` runs to several times a pipe's buffer.
fn long_ledger() -> TestEnv {
    let env = TestEnv::init();
    env.add(&[
        "--kind",
        "motie",
        "--text",
        "Motie.",
        "--effective",
        "2024-01-01",
    ]);
    let mut ws = Workspace::open(&env.store, env.open_options()).unwrap();
    let item = ws.resolve("M1").unwrap().id;
    let drafts: Vec<Draft> = (0..600)
        .map(|n| Draft {
            id: ws.new_id(),
            body: EventBody::ProgressNoted {
                item,
                text: format!("Voortgang nummer {n}: het werk aan de motie gaat gestaag door."),
                citations: vec![],
                effective: Day::from_parts(2024, 1, 1).unwrap().plus_days(n),
            },
        })
        .collect();
    ws.record_batch("clerk", drafts).unwrap();
    drop(ws);
    env
}

#[test]
fn output_into_a_pipe_closed_after_one_line_ends_quietly() {
    let env = long_ledger();
    for args in [&["log"][..], &["--format", "json", "log"], &["show", "M1"]] {
        let mut child = env.command(args).spawn().unwrap();
        let mut first = String::new();
        let mut reader = BufReader::new(child.stdout.take().unwrap());
        reader.read_line(&mut first).unwrap();
        assert!(!first.is_empty(), "{args:?} printed nothing");
        // Like `| head -1`: the reader goes away with most output unread.
        drop(reader);
        let status = wait_for(&mut child);
        let err = read_all(child.stderr.take());
        assert_eq!(status.code(), Some(0), "{args:?}: {err}");
        assert_eq!(err, "", "{args:?}");
    }
}

#[test]
fn output_into_a_pipe_closed_before_reading_ends_quietly() {
    let env = long_ledger();
    for args in [&["overview"][..], &["log"], &["verify"]] {
        let mut child = env.command(args).spawn().unwrap();
        drop(child.stdout.take());
        let status = wait_for(&mut child);
        let err = read_all(child.stderr.take());
        assert_eq!(status.code(), Some(0), "{args:?}: {err}");
        assert_eq!(err, "", "{args:?}");
    }
}

/// Text stored in the index that would steer a terminal (here forged into
/// M1's latest snapshot: the CLI refuses such text at input) is escaped
/// in every export written to standard output when that is a terminal,
/// and kept as it is in a pipe or a file, where it is data.
#[test]
fn an_export_at_a_terminal_escapes_what_would_steer_it() {
    let env = TestEnv::init();
    // What the reads and writes of a ledger over the limit of the whole
    // index's check at open do (a smaller one refuses the forgery there).
    env.as_if_larger();
    env.add_m1_and_t1(&[]);
    let id = raw::hex_bytes(&env.id_of("M1"));
    raw::edit(&env, |r| {
        let t = r.tree("ix_current");
        let v = t.get(&id).unwrap().unwrap().to_vec();
        let at = v
            .windows(5)
            .position(|w| w == b"motie")
            .expect("M1's text is in its snapshot");
        let mut forged = v.clone();
        forged[at..at + 5].copy_from_slice(b"\x1b[2J\x07");
        t.insert(&id, forged).unwrap();
    });
    let tty = kamerstand::cli::Terminal {
        stdout: true,
        ..kamerstand::cli::Terminal::default()
    };
    for format in ["md", "csv", "html", "json"] {
        let shown = run_at(&env, tty, &["export", "--format", format]);
        assert!(
            !shown.contains('\u{1b}') && !shown.contains('\u{7}'),
            "{format}: {shown:?}"
        );
        let escaped: &[&str] = if format == "json" {
            &["\\u001b", "\\u0007"]
        } else {
            &["\\u{1b}", "\\u{7}"]
        };
        for e in escaped {
            assert!(shown.contains(e), "{format}: {shown}");
        }
    }
    // Into a pipe, the CSV and the Markdown keep the text as stored.
    for format in ["md", "csv"] {
        let piped = run_at(
            &env,
            kamerstand::cli::Terminal::default(),
            &["export", "--format", format],
        );
        assert!(piped.contains("\u{1b}"), "{format}: {piped:?}");
    }
}

//! Hardening (issue 13): what a hostile file, a full disk, a planted link
//! or a wrong clock does. Each test is a row of the fault or hostile-input
//! catalog in docs/reliability.md.
//!
//! Faults that leave sled unable to close (a full disk) run the real binary,
//! each run bounded by a generous deadline that fails the test instead of
//! hanging the suite; the rest run the CLI in-process with the pinned clock.

use crate::common::{ACTOR, Output, TestEnv, head_at, raw};
use kamerstand::domain::invisible::shown_escaped;
use kamerstand::domain::{Day, EventBody, EventId, ItemKind, Responsible, Timestamp};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long any one command may take before the test calls it hung. Far
/// above what a command needs on a loaded machine; it only turns a hang
/// into a failure.
const HUNG: Duration = Duration::from_secs(180);

/// Runs `cmd` to completion with its output in files (so that a full pipe
/// cannot stall it), failing the test if it runs past [`HUNG`].
fn bounded(mut cmd: Command, dir: &Path, what: &str) -> Output {
    let out_path = dir.join("bounded.out");
    let err_path = dir.join("bounded.err");
    cmd.stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap());
    let mut child = cmd.spawn().unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if started.elapsed() > HUNG {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "{what} did not end within {HUNG:?}: it hangs\n--- stderr\n{}",
                std::fs::read_to_string(&err_path).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        stdout: std::fs::read_to_string(&out_path).unwrap(),
        stderr: std::fs::read_to_string(&err_path).unwrap(),
        code: status.code().unwrap_or(-1),
    }
}

/// The real binary against `env`'s store, run through `sh` with a file-size
/// limit of `blocks` (`ulimit -f`: 512-byte blocks in a POSIX shell) and
/// SIGXFSZ ignored, so that a write past the limit fails with EFBIG
/// instead of killing the process. No root needed.
fn limited(env: &TestEnv, blocks: u32, args: &[&str]) -> Command {
    let mut c = Command::new("sh");
    c.arg("-c")
        .arg("trap '' XFSZ; ulimit -f \"$1\" || exit 97; shift; exec \"$@\"")
        .arg("sh")
        .arg(blocks.to_string())
        .arg(env!("CARGO_BIN_EXE_kamerstand"))
        .arg("--store")
        .arg(&env.store)
        .args(args)
        .env("KAMERSTAND_ACTOR", ACTOR)
        .env_remove("KAMERSTAND_STORE")
        .env_remove("CLICOLOR_FORCE")
        .stdin(Stdio::null());
    c
}

/// A receipt: seq and hash of an acknowledged event.
type Receipt = (u64, String);

fn receipt_of(out: &Output) -> Receipt {
    let j = out.json();
    (
        j["seq"].as_u64().unwrap(),
        j["hash"].as_str().unwrap().to_string(),
    )
}

/// Long notes through `run` until one fails; every command must end. The
/// failure must be exit 1 with the full-disk message. Returns the receipts
/// of the notes that were acknowledged.
fn notes_until_full(
    env: &TestEnv,
    run: &dyn Fn(&[&str], Option<&Path>) -> Output,
    needles: &[&str],
) -> Vec<Receipt> {
    let note = env.dir.path().join("note.txt");
    std::fs::write(&note, "Een lange voortgangsnotitie. ".repeat(2000)).unwrap();
    let mut acked = Vec::new();
    for _ in 0..200 {
        let out = run(&["--format", "json", "note", "M1", "-"], Some(&note));
        if out.code == 0 {
            acked.push(receipt_of(&out));
            continue;
        }
        out.refusal(1, "a note on a full disk", needles);
        assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
        // Still full: every command ends, served or refused for that reason.
        for args in [
            &["verify"][..],
            &["overview"],
            &["log"],
            &["--format", "json", "note", "M1", "Kort."],
        ] {
            let out = run(args, None);
            if out.code == 0 {
                if args.contains(&"note") {
                    acked.push(receipt_of(&out));
                }
            } else {
                out.refusal(1, &format!("{args:?} on a full disk"), needles);
            }
        }
        return acked;
    }
    panic!("the disk never filled up");
}

/// After room has returned: `verify` passes, every acknowledged event is at
/// its seq with its hash, and a new note is recorded.
fn all_acknowledged_are_there(env: &TestEnv, acked: &[Receipt]) {
    let dir = env.dir.path();
    let v = bounded(env.command(&["--format", "json", "verify"]), dir, "verify");
    v.ok();
    assert_eq!(v.json()["ok"], true, "{}", v.stdout);
    let log = bounded(env.command(&["--format", "json", "log"]), dir, "log").json();
    let events = log["events"].as_array().unwrap();
    for (seq, hash) in acked {
        let e = events
            .iter()
            .find(|e| e["seq"] == *seq)
            .unwrap_or_else(|| panic!("acknowledged seq {seq} is gone"));
        assert_eq!(e["hash"], hash.as_str(), "seq {seq}");
    }
    bounded(env.command(&["note", "M1", "Weer ruimte."]), dir, "note").ok();
}

// ------------------------------------------------------------- faults

/// Fault 1, without root: a process file-size limit (RLIMIT_FSIZE) is a
/// full disk as far as a writer can tell (EFBIG).
#[test]
fn a_file_size_limit_ends_every_command_with_exit_1_and_loses_nothing() {
    let env = TestEnv::new();
    let dir = env.dir.path().to_path_buf();
    bounded(env.command(&["init", "--programme", "NAP"]), &dir, "init").ok();
    bounded(
        env.command(&[
            "item", "add", "--kind", "motie", "--key", "M1", "--text", "x",
        ]),
        &dir,
        "item add",
    )
    .ok();
    let run = |args: &[&str], input: Option<&Path>| {
        let mut c = limited(&env, 2048, args);
        if let Some(p) = input {
            c.stdin(std::fs::File::open(p).unwrap());
        }
        bounded(c, &dir, &format!("{args:?} under a file-size limit"))
    };
    let acked = notes_until_full(
        &env,
        &run,
        &[
            "the disk is full",
            "file-size limit",
            "Nothing acknowledged before is lost",
            "make room there",
        ],
    );
    assert!(!acked.is_empty(), "the limit left no room for any note");
    all_acknowledged_are_there(&env, &acked);
}

/// A tmpfs of a given size, mounted for the test (root only).
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(at: &Path, size: &str) -> Option<Tmpfs> {
        std::fs::create_dir_all(at).unwrap();
        Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .output()
            .is_ok_and(|o| o.status.success())
            .then(|| Tmpfs(at.to_path_buf()))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let ok = Command::new("umount")
            .arg(&self.0)
            .output()
            .is_ok_and(|o| o.status.success());
        if !ok {
            let _ = Command::new("umount").arg("-l").arg(&self.0).output();
        }
    }
}

/// Fault 1 as reported: a 2 MiB file system filled by long notes. Reads on
/// it used to hang for ever (sled, splitting a node it read, failed to
/// write a blob and then waited at close for a buffer that never
/// completed). Root only; skipped with a note elsewhere.
#[test]
fn a_full_small_file_system_ends_every_command_and_loses_nothing() {
    let mut env = TestEnv::new();
    let Some(fs) = Tmpfs::mount(&env.dir.path().join("klein"), "2m") else {
        eprintln!("note: skipped the 2 MiB file system: this process cannot mount a tmpfs");
        return;
    };
    env.store = fs.0.join("ledger");
    let dir = env.dir.path().to_path_buf();
    bounded(env.command(&["init", "--programme", "NAP"]), &dir, "init").ok();
    bounded(
        env.command(&[
            "item", "add", "--kind", "motie", "--key", "M1", "--text", "x",
        ]),
        &dir,
        "item add",
    )
    .ok();
    let run = |args: &[&str], input: Option<&Path>| {
        let mut c = env.command(args);
        if let Some(p) = input {
            c.stdin(std::fs::File::open(p).unwrap());
        }
        bounded(c, &dir, &format!("{args:?} on a full file system"))
    };
    let acked = notes_until_full(
        &env,
        &run,
        &[
            "the disk is full",
            "No space left on device",
            "Nothing acknowledged before is lost",
        ],
    );
    // Room again.
    let grown = Command::new("mount")
        .args(["-o", "remount,size=64m"])
        .arg(&fs.0)
        .output()
        .unwrap();
    assert!(grown.status.success(), "{grown:?}");
    all_acknowledged_are_there(&env, &acked);
    drop(fs);
}

/// Fault 3: the mark an events import leaves while it runs, beside a head
/// (a stray one: the head is written and the mark removed in one
/// transaction). It made the store open as "holds no ledger" and a new
/// import refuse it as "a ledger already exists".
#[test]
fn a_stray_import_mark_beside_a_head_is_removed_and_the_ledger_opens() {
    let env = TestEnv::init();
    env.add(&["--kind", "motie", "--key", "M1", "--text", "Een motie."]);
    let head = env.head().unwrap();
    raw::edit(&env, |r| {
        r.meta.insert("restoring", &[] as &[u8]).unwrap();
    });
    let o = env.json(&["overview"]);
    assert_eq!(o["items"][0]["key"], "M1");
    assert!(
        !raw::edit(&env, |r| r.meta.contains_key("restoring").unwrap()),
        "the stray mark is still there"
    );
    assert_eq!(env.head(), Some(head));
    env.run(&["verify"]).ok();
    env.run(&["note", "M1", "Gewoon verder."]).ok();
}

/// Fault 3, the other way round: a mark without a head is an interrupted
/// import, and the message names both ways out, which work.
#[test]
fn an_interrupted_import_names_its_ways_out_and_init_is_one() {
    let env = TestEnv::new();
    raw::interrupted_import(&env, &[]);
    let out = env.run(&["overview"]);
    out.refusal(
        2,
        "overview of an interrupted import",
        &[
            "was interrupted before it finished",
            "run the import again with the same --store",
            "`kamerstand init`",
        ],
    );
    env.run(&["init", "--programme", "NAP"]).ok();
    env.run(&["verify"]).ok();
}

/// Fault 4: `--wait` covers sled's own lock on `db`, which another program
/// (here: this test, through sled) can hold without holding ours.
#[test]
fn wait_covers_the_storage_engines_own_lock() {
    let env = TestEnv::init();
    env.add(&["--kind", "motie", "--key", "M1", "--text", "Een motie."]);
    let dir = env.dir.path().to_path_buf();
    let db = {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            match sled::Config::new().path(&env.store).open() {
                Ok(db) => break db,
                Err(_) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(5)),
                Err(e) => panic!("cannot open the store with sled: {e}"),
            }
        }
    };
    // Without --wait: refused once sled's short grace has passed, naming
    // sled's lock, not ours.
    let out = bounded(env.command(&["overview"]), &dir, "overview");
    out.refusal(1, "overview while sled is held", &["own lock", "--wait"]);
    // With --wait: it waits past that grace for sled's lock, and proceeds.
    let mut cmd = env.command(&["--wait", "120", "note", "M1", "Na het wachten."]);
    let out_path = dir.join("waiter.out");
    let err_path = dir.join("waiter.err");
    cmd.stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap());
    let mut child = cmd.spawn().unwrap();
    // It holds our lock (its pid is in the lock file) and so is waiting
    // for sled's.
    let lock = env.store.join("kamerstand.lock");
    let pid = child.id().to_string();
    let started = Instant::now();
    while std::fs::read_to_string(&lock).unwrap_or_default().trim() != pid {
        assert!(started.elapsed() < HUNG, "the waiter never took our lock");
        assert!(
            child.try_wait().unwrap().is_none(),
            "the waiter ended early: {}",
            std::fs::read_to_string(&err_path).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    // Past the two-second grace without --wait.
    std::thread::sleep(Duration::from_secs(3));
    assert!(
        child.try_wait().unwrap().is_none(),
        "the waiter gave up: {}",
        std::fs::read_to_string(&err_path).unwrap_or_default()
    );
    drop(db);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if started.elapsed() > HUNG {
            let _ = child.kill();
            panic!("the waiter did not end after sled's lock was released");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(
        status.success(),
        "{}",
        std::fs::read_to_string(&err_path).unwrap_or_default()
    );
    let show = env.json(&["show", "M1"]);
    assert_eq!(show["latest_note"]["text"], "Na het wachten.");
}

/// Fault 14 (the clock side): a head recorded later than the clock by
/// more than five minutes refuses appends, with what happened and what to
/// do, instead of stamping every later event (and the default effective
/// date) with the head's time. Within five minutes the head's time is
/// used; once the clock has caught up, appends go on.
#[test]
fn a_head_ahead_of_the_clock_refuses_appends_until_the_clock_catches_up() {
    let env = TestEnv::init();
    env.add(&["--kind", "motie", "--key", "M1", "--text", "Een motie."]);
    // A clock that ran ahead for one command.
    env.set_clock("2262-04-11T23:00:00Z");
    env.run(&[
        "note",
        "M1",
        "Uit de toekomst.",
        "--effective",
        "2025-01-06",
    ])
    .ok();
    let head = env.head().unwrap();
    env.set_clock("2025-01-06T12:00:00Z");
    let out = env.refused_in(&["note", "M1", "Nu."], b"", 1, &[]);
    for needle in [
        "the ledger's last event (seq 2) was recorded at 2262-04-11T23:0",
        "later than this computer's clock (2025-01-06T12:",
        "Nothing was written",
        "set it right",
        "export it with `kamerstand export --format events`",
    ] {
        assert!(out.stderr.contains(needle), "{needle:?}:\n{}", out.stderr);
    }
    // Reads go on, and today is the clock's today.
    env.run(&["overview"]).ok();
    let dry = env.run(&["--format", "json", "show", "M1"]).json();
    assert_eq!(dry["latest_note"]["text"], "Uit de toekomst.");
    // Four minutes behind the head: accepted, at the head's time.
    env.clock.set(Timestamp::from_unix_nanos(
        head.recorded_at.unix_nanos() - 4 * 60_000_000_000,
    ));
    let j = env.json(&["note", "M1", "Bijna.", "--effective", "2025-01-06"]);
    assert_eq!(
        j["recorded_at"].as_str().unwrap(),
        head.recorded_at.rfc3339()
    );
    env.run(&["verify"]).ok();
}

// ------------------------------------------------------ hostile input

/// A character that would steer a terminal, found raw in `s`.
fn raw_control(s: &str) -> Option<char> {
    s.chars().find(|c| shown_escaped(*c))
}

fn event_id(hex: &str) -> EventId {
    let mut id = [0u8; 16];
    for (i, b) in id.iter_mut().enumerate() {
        *b = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap();
    }
    EventId(id)
}

/// A ledger whose events carry escape sequences, bidi overrides and other
/// controls in every kind of text, as an events import or an annex import
/// could store them (appended through the library, which leaves judging
/// text to the CLI's parsers).
fn poisoned() -> TestEnv {
    const CLEAR: &str = "\u{1b}[2J\u{1b}[H";
    const TITLE: &str = "\u{1b}]0;gekaapt\u{7}";
    let env = TestEnv::init();
    env.add(&[
        "--kind",
        "motie",
        "--key",
        "M1",
        "--text",
        "Een motie.",
        "--submitter",
        "Jansen",
    ]);
    let m1 = event_id(&env.id_of("M1"));
    let key: kamerstand::domain::ItemKey = serde_json::from_str("\"M\\u001b[2J\"").unwrap();
    let day = Day::parse("d", "2025-01-02").unwrap();
    let bodies = vec![
        EventBody::ItemRegistered {
            kind: ItemKind::Toezegging,
            key,
            text: format!("Tekst{CLEAR}weg\rover"),
            submitters: vec!["Jan\u{202e}nesnaJ".into()],
            citations: vec![format!("Kamerstukken II{TITLE}")],
            responsible: Responsible::none(),
            status: "in-uitvoering".into(),
            effective: day,
        },
        EventBody::ProgressNoted {
            item: m1,
            text: format!("Voortgang{CLEAR}{TITLE}\u{9b}31mrood\u{202e}tseb"),
            citations: vec![],
            effective: day,
        },
        EventBody::StatusChanged {
            item: m1,
            status: "vertraagd".into(),
            reason: Some(format!("Reden{CLEAR}")),
            effective: day,
        },
        EventBody::RoundSealed {
            // Round names are checked as events are (letters, digits and
            // - _ . only): an escape code there is a broken rule, which no
            // read gets past (see tamper::impossible_*). The title is free.
            name: "R1".into(),
            title: format!("Ronde{TITLE}"),
            reported_on: day,
            head_seq: 0,
            head_hash: kamerstand::domain::EventHash::GENESIS,
        },
    ];
    let mut n = 0u8;
    raw::edit(&env, |r| {
        r.plant(&format!("mallory\u{1b}[31m{TITLE}"), bodies, &mut || {
            n += 1;
            [
                0x01, 0x94, 0x3a, 0xda, 0x69, 0xa0, 0x70, 0, 0x80, 0, 0, 0, 0, 0, 0xee, n,
            ]
        });
    });
    env
}

/// Hostile input 6: stored escape sequences are shown as escapes by every
/// human-readable output (tables, show, log, diff, round list and digest,
/// verify), in-process and through the real binary with colour forced on,
/// where the only escape codes left are the status markers' own.
#[test]
fn stored_escape_sequences_are_shown_not_obeyed() {
    let env = poisoned();
    let t1 = env.id_of("M\u{1b}[2J");
    let commands: Vec<Vec<String>> = [
        vec!["log"],
        vec!["show", "M1"],
        vec!["show", &t1],
        vec!["overview"],
        vec!["item", "list"],
        vec!["round", "list"],
        vec!["verify"],
        vec!["diff", "2025-01-01", "2025-01-07"],
        vec!["note", &t1, "Gewoon."],
    ]
    .iter()
    .map(|c| c.iter().map(|s| (*s).to_string()).collect())
    .collect();
    for args in &commands {
        let out = env.run_owned(args);
        out.ok();
        assert_eq!(raw_control(&out.stdout), None, "{args:?}:\n{}", out.stdout);
    }
    let log = env.run(&["log"]).stdout;
    assert!(log.contains("mallory\\u{1b}[3…"), "{log}");
    let show = env.run(&["show", "M1"]).stdout;
    assert!(
        show.contains(
            "Voortgang\\u{1b}[2J\\u{1b}[H\\u{1b}]0;gekaapt\\u{7}\\u{9b}31mrood\\u{202e}tseb"
        ),
        "{show}"
    );
    assert!(
        show.contains("by mallory\\u{1b}[31m\\u{1b}]0;gekaapt\\u{7}):"),
        "{show}"
    );
    let t = env.run(&["show", &t1]).stdout;
    assert!(t.contains("Tekst\\u{1b}[2J\\u{1b}[Hweg\\rover"), "{t}");
    assert!(t.contains("Jan\\u{202e}nesnaJ"), "{t}");
    // The receipt names the stored key escaped.
    let r = env.run(&["note", &t1, "Nog eens."]).stdout;
    assert!(r.starts_with("M\\u{1b}[2J: "), "{r}");
    // The round's digest line and its name in messages.
    let d = env.run(&["round", "digest", "R1"]);
    d.ok();
    assert_eq!(raw_control(&d.stdout), None, "{}", d.stdout);
    let e = env.run(&["overview", "--round", "R\u{1b}[2J"]);
    e.expect_code(2);
    assert_eq!(raw_control(&e.stderr), None, "{}", e.stderr);
    // JSON keeps the text exactly (its escaping is inert).
    let j = env.json(&["show", "M1"]);
    assert!(
        j["latest_note"]["text"]
            .as_str()
            .unwrap()
            .contains('\u{1b}')
    );
    // A terminal: colour forced on, through the real binary.
    for args in [
        &["overview"][..],
        &["show", "M1"],
        &["log"],
        &["item", "list"],
    ] {
        let out = env
            .command(args)
            .env("CLICOLOR_FORCE", "1")
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {out:?}");
        let text = String::from_utf8(out.stdout).unwrap();
        let mut rest = text.clone();
        // Remove the status markers: ESC [ 38;2;R;G;B m ● ESC [ 0 m (or 38;5;N).
        while let Some(at) = rest.find("\u{1b}[38;") {
            let end = rest[at..]
                .find("\u{1b}[0m")
                .map(|e| at + e + "\u{1b}[0m".len())
                .unwrap_or_else(|| panic!("{args:?}: an unterminated escape: {text:?}"));
            assert!(
                rest[at..end].contains('●'),
                "{args:?}: {:?}",
                &rest[at..end]
            );
            rest.replace_range(at..end, "");
        }
        assert_eq!(raw_control(&rest), None, "{args:?}: {text:?}");
    }
}

/// Hostile input 6, error messages: input they quote is shown escaped.
#[test]
fn error_messages_quote_input_escaped() {
    let env = TestEnv::init();
    for args in [
        &["show", "M\u{1b}[2J"][..],
        &["note", "M1", "a\u{1b}]0;x\u{7}b"],
        &["--actor", "Anna\u{202e}annA", "overview"],
        &["overview", "--as-of", "gisteren\u{1b}[2J"],
    ] {
        let out = env.run(args);
        assert_eq!(out.code, 2, "{args:?}: {out:?}");
        assert_eq!(raw_control(&out.stderr), None, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains("\\u{"), "{args:?}: {}", out.stderr);
    }
}

/// Hostile input 9: invisible and bidi characters in names are refused
/// wherever a name enters; free text refuses bidi controls and keeps
/// emoji sequences.
#[test]
fn lookalike_names_are_refused_and_free_text_keeps_emoji() {
    let env = TestEnv::init();
    env.add(&["--kind", "motie", "--key", "M1", "--text", "Een motie."]);
    let head = env.head();
    let rlo = "J. de Vries\u{202e}seirV";
    const HIDDEN: &str = "is not accepted";
    let cases: Vec<(Vec<&str>, &[&str])> = vec![
        (
            vec!["--actor", rlo, "note", "M1", "x"],
            &["--actor", HIDDEN],
        ),
        (
            vec!["--actor", "An\u{200b}na", "note", "M1", "x"],
            &["--actor", HIDDEN],
        ),
        (
            vec!["--actor", "\u{feff}Anna", "note", "M1", "x"],
            &["--actor", HIDDEN],
        ),
        (
            vec!["--actor", "Anna\u{2066}", "note", "M1", "x"],
            &["--actor", HIDDEN],
        ),
        (
            vec![
                "item",
                "add",
                "--kind",
                "motie",
                "--text",
                "t",
                "--submitter",
                rlo,
            ],
            &["--submitter", HIDDEN],
        ),
        (
            vec![
                "item",
                "add",
                "--kind",
                "motie",
                "--text",
                "t",
                "--key",
                "M\u{202e}2",
            ],
            &["key", "A-Z a-z 0-9"],
        ),
        (vec!["round", "seal", "R\u{200b}1"], &["round name"]),
        (
            vec!["round", "seal", "R1", "--title", "Brief\u{202e}"],
            &["--title", HIDDEN],
        ),
        (
            vec!["note", "M1", "t", "--ref-raw", "Kamerstukken\u{200d} II"],
            &["--ref-raw", HIDDEN],
        ),
        (
            vec!["note", "M1", "Omgekeerd \u{202e}tseb"],
            &["note text", HIDDEN],
        ),
        (
            vec!["note", "M1", "Verborgen \u{e0041}\u{e0042}"],
            &["note text", HIDDEN],
        ),
    ];
    for (args, needles) in cases {
        let out = env.run(&args);
        out.refusal(2, &format!("{args:?}"), needles);
        assert_eq!(raw_control(&out.stderr), None, "{}", out.stderr);
        assert!(out.stderr.contains("\\u{"), "{}", out.stderr);
        assert_eq!(env.head(), head, "{args:?} wrote");
    }
    // From the environment, through the real binary.
    let out = env
        .command(&["note", "M1", "x"])
        .env("KAMERSTAND_ACTOR", rlo)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("\\u{202e}"));
    // A CSV submitter.
    let csv = env.dir.path().join("items.csv");
    std::fs::write(
        &csv,
        format!("kind,text,submitters\nmotie,Een motie.,{rlo}\n"),
    )
    .unwrap();
    let out = env.run(&["import", csv.to_str().unwrap()]);
    out.refusal(2, "CSV submitter", &["is not accepted"]);
    // A new ledger's programme name.
    let other = TestEnv::new();
    other.run(&["init", "--programme", "NAP\u{200b}"]).refusal(
        2,
        "programme",
        &["--programme", "is not accepted"],
    );
    // Free text keeps an emoji with its joiner and selector, exactly.
    let emoji = "Overleg \u{1f469}\u{200d}\u{1f4bb} en \u{2764}\u{fe0f}";
    env.run(&["note", "M1", emoji]).ok();
    assert_eq!(env.json(&["show", "M1"])["latest_note"]["text"], emoji);
}

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) {
    std::os::unix::fs::symlink(target, link).unwrap();
}

/// Hostile input 13: a link planted as the lock file is not followed; the
/// command stops before writing, and the link's target is untouched.
#[cfg(unix)]
#[test]
fn a_link_planted_as_the_lock_file_is_not_followed() {
    let env = TestEnv::init();
    let victim = env.dir.path().join("victim.txt");
    std::fs::write(&victim, "onaangetast").unwrap();
    let lock = env.store.join("kamerstand.lock");
    std::fs::remove_file(&lock).unwrap();
    symlink(&victim, &lock);
    for args in [&["overview"][..], &["note", "M1", "x"], &["verify"]] {
        let out = env.run(args);
        out.refusal(
            1,
            &format!("{args:?}"),
            &["kamerstand.lock", "symbolic link"],
        );
    }
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "onaangetast");
    // A hard link is refused too: the pid written into it would land in
    // the other file.
    std::fs::remove_file(&lock).unwrap();
    std::fs::hard_link(&victim, &lock).unwrap();
    env.run(&["overview"])
        .refusal(1, "hard link", &["hard links"]);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "onaangetast");
    std::fs::remove_file(&lock).unwrap();
    env.run(&["overview"]).ok();
}

/// Hostile input 13: links planted among the checkpoint files an earlier
/// version kept (which the migration to the index removes) are removed as
/// links, never followed.
#[cfg(unix)]
#[test]
fn links_planted_among_old_checkpoints_are_removed_not_followed() {
    let env = TestEnv::init();
    env.add(&["--kind", "motie", "--key", "M1", "--text", "Een motie."]);
    let victim = env.dir.path().join("victim.txt");
    std::fs::write(&victim, "onaangetast").unwrap();
    let victim_dir = env.dir.path().join("victim-dir");
    std::fs::create_dir_all(&victim_dir).unwrap();
    std::fs::write(victim_dir.join("keep.txt"), "blijft").unwrap();
    // An old store: no index mark, checkpoint files with links among them.
    raw::edit(&env, |r| {
        r.meta.remove("index").unwrap();
    });
    let dir = env.store.join("checkpoints");
    std::fs::create_dir_all(&dir).unwrap();
    symlink(&victim, &dir.join(format!("{:020}.ckpt", 9)));
    symlink(&victim_dir, &dir.join("sub"));
    env.run(&["note", "M1", "Notitie."]).ok();
    assert!(!dir.exists(), "the checkpoint files were left behind");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "onaangetast");
    assert_eq!(
        std::fs::read_to_string(victim_dir.join("keep.txt")).unwrap(),
        "blijft"
    );
}

/// Hostile input 13: `export -o` writes through a temporary file with an
/// unpredictable name; links planted at the name it used to use, or at the
/// target itself, do not lead it to another file.
#[cfg(unix)]
#[test]
fn export_to_a_file_does_not_follow_planted_links() {
    let env = TestEnv::init();
    env.add(&["--kind", "motie", "--key", "M1", "--text", "Een motie."]);
    let victim = env.dir.path().join("victim.txt");
    std::fs::write(&victim, "onaangetast").unwrap();
    let out_dir = env.dir.path().join("uit");
    std::fs::create_dir(&out_dir).unwrap();
    let target = out_dir.join("bijlage.html");
    symlink(&victim, &out_dir.join(".bijlage.html.kamerstand-tmp"));
    env.run(&["--format", "html", "export", "-o", target.to_str().unwrap()])
        .expect_code(0);
    assert!(
        std::fs::read_to_string(&target)
            .unwrap()
            .contains("Een motie.")
    );
    // A link at the target: replaced by the export, not written through.
    let linked = out_dir.join("backup.jsonl");
    symlink(&victim, &linked);
    env.run(&[
        "--format",
        "events",
        "export",
        "-o",
        linked.to_str().unwrap(),
    ])
    .expect_code(0);
    assert!(!std::fs::symlink_metadata(&linked).unwrap().is_symlink());
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "onaangetast");
    let left: Vec<String> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

/// Hostile input 13: a store directory others can write is refused unless
/// `--allow-shared-store` is given; the sticky bit makes it private
/// enough; a new store is created private whatever the umask.
#[cfg(unix)]
#[test]
fn a_store_directory_others_can_write_is_refused_unless_allowed() {
    use std::os::unix::fs::PermissionsExt;
    let env = TestEnv::init();
    env.add(&["--kind", "motie", "--key", "M1", "--text", "Een motie."]);
    let mode = |m: u32| {
        std::fs::set_permissions(&env.store, std::fs::Permissions::from_mode(m)).unwrap();
    };
    let head = env.head();
    for (m, what) in [(0o775, "group-writable"), (0o757, "world-writable")] {
        mode(m);
        for args in [&["overview"][..], &["note", "M1", "x"]] {
            env.run(args).refusal(
                2,
                &format!("{args:?} on mode {m:o}"),
                &[what, "--allow-shared-store", "chmod go-w"],
            );
        }
        env.run(&["--allow-shared-store", "overview"]).ok();
    }
    mode(0o1777);
    env.run(&["overview"]).ok();
    mode(0o755);
    assert_eq!(env.head(), head, "a refused command wrote");
    env.run(&["note", "M1", "Weer privé."]).ok();
    // init into an existing empty shared directory.
    let shared = env.dir.path().join("gedeeld");
    std::fs::create_dir(&shared).unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o777)).unwrap();
    let s = shared.to_str().unwrap();
    env.run_bare(&["--store", s, "init", "--programme", "NAP"])
        .refusal(2, "init into a shared dir", &["--allow-shared-store"]);
    env.run_bare(&[
        "--store",
        s,
        "--allow-shared-store",
        "init",
        "--programme",
        "NAP",
    ])
    .ok();
    // A new store is 0755 even under a group-writable umask: the binary,
    // run through sh with umask 002.
    let fresh = env.dir.path().join("nieuw");
    let out = Command::new("sh")
        .arg("-c")
        .arg("umask 002; exec \"$@\"")
        .arg("sh")
        .arg(env!("CARGO_BIN_EXE_kamerstand"))
        .arg("--store")
        .arg(&fresh)
        .args(["init", "--programme", "NAP"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let m = std::fs::metadata(&fresh).unwrap().permissions().mode() & 0o777;
    assert_eq!(m, 0o755);
}

/// Hostile input 14: an events file whose events are recorded in the
/// future (here 2262) is refused as a whole, naming the first such event;
/// no store is left behind.
#[test]
fn an_events_file_recorded_in_the_future_is_refused() {
    let source = TestEnv::init();
    source.add(&["--kind", "motie", "--key", "M1", "--text", "Een motie."]);
    source.set_clock("2262-04-11T23:00:00Z");
    source
        .run(&[
            "note",
            "M1",
            "Uit de toekomst.",
            "--effective",
            "2025-01-06",
        ])
        .ok();
    let dump = source.run(&["--format", "events", "export"]);
    dump.ok();
    let target = TestEnv::new();
    target.set_clock("2025-01-07T09:00:00Z");
    let path = target.dir.path().join("toekomst.jsonl");
    std::fs::write(&path, &dump.stdout).unwrap();
    let out = target.run(&["import", path.to_str().unwrap()]);
    out.refusal(
        2,
        "future events",
        &[
            "seq 2, recorded at 2262-04-11T23:0",
            "later than this computer's clock (2025-01-07T09:",
            "Nothing was imported",
            "the lines before seq 2",
        ],
    );
    assert!(!target.store.exists(), "a store was left behind");
    assert_eq!(head_at(&target.store), None);
    // The lines before it restore a ledger that can be written to.
    let first: String = dump
        .stdout
        .lines()
        .take(2)
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&path, first).unwrap();
    target.run(&["import", path.to_str().unwrap()]).ok();
    target.run(&["note", "M1", "Nu wel."]).ok();
    let j = target.json(&["show", "M1"]);
    assert!(
        j["latest_note"]["effective"]
            .as_str()
            .unwrap()
            .starts_with("2025-")
    );
}

/// Hostile input 15: a date given for `--as-of` ends in the Dutch time of
/// its own day, for every era: summer time ended in September from 1981 to
/// 1995, there was none from 1946 to 1976, and before 1940 Amsterdam time
/// was 19 minutes and 32 seconds (later 20 minutes) ahead of UTC.
#[test]
fn dates_before_1996_end_in_the_dutch_time_of_their_day() {
    let env = TestEnv::init();
    for (day, offset, instant) in [
        ("1990-10-15", "UTC+1:00", "1990-10-15T22:59:59.999999999Z"),
        ("1990-08-15", "UTC+2:00", "1990-08-15T21:59:59.999999999Z"),
        ("1978-09-30", "UTC+2:00", "1978-09-30T21:59:59.999999999Z"),
        ("1960-07-01", "UTC+1:00", "1960-07-01T22:59:59.999999999Z"),
        ("1941-01-15", "UTC+2:00", "1941-01-15T21:59:59.999999999Z"),
        ("1938-01-15", "UTC+0:20", "1938-01-15T23:39:59.999999999Z"),
        (
            "1930-07-01",
            "UTC+1:19:32",
            "1930-07-01T22:40:27.999999999Z",
        ),
        ("2025-07-01", "UTC+2:00", "2025-07-01T21:59:59.999999999Z"),
    ] {
        let out = env.run(&["overview", "--as-of", day]);
        out.ok();
        assert!(
            out.stdout.contains(&format!("{offset} = {instant}")),
            "{day}: {}",
            out.stdout
        );
        let j = env.json(&["overview", "--as-of", day]);
        assert_eq!(j["view"]["as_of"], instant, "{day}");
    }
}

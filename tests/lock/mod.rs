//! One process at a time: while the store is held, a second process running
//! the binary is refused at once (or waits with `--wait`), and touches
//! nothing. Also: output into a pipe that its reader closed ends quietly.

use crate::common::TestEnv;
use kamerstand::Workspace;
use kamerstand::domain::{Day, EventBody};
use kamerstand::ledger::Draft;
use std::io::{BufRead, BufReader};
use std::process::{Child, ExitStatus};
use std::time::{Duration, Instant};

/// Generous bound used only as a timeout, never as a measurement.
const TIMEOUT: Duration = Duration::from_secs(60);

/// Waits for `child`, killing it (and failing) if it runs past [`TIMEOUT`].
fn wait(child: &mut Child) -> ExitStatus {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("kamerstand did not finish within {TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn read_all(r: Option<impl std::io::Read>) -> String {
    let mut s = String::new();
    if let Some(mut r) = r {
        r.read_to_string(&mut s).unwrap();
    }
    s
}

fn one_item() -> TestEnv {
    let env = TestEnv::init();
    env.add(&[
        "--kind",
        "motie",
        "--text",
        "Motie.",
        "--effective",
        "2024-01-01",
    ]);
    env
}

#[test]
fn a_second_process_is_refused_at_once_while_the_store_is_held() {
    let env = one_item();
    let before = env.head();
    let holder = env.ledger();
    let expected = format!(
        "error: store {} is in use by another kamerstand process (pid {}); try again when it has finished, or pass --wait SECONDS\n",
        env.store.display(),
        std::process::id()
    );
    for args in [
        &["note", "M1", "Tijdens het vasthouden."][..],
        &["status", "M1", "vertraagd"],
        &["overview"],
        &["verify"],
        &["init", "--programme", "NAP"],
    ] {
        let mut child = env.command(args).spawn().unwrap();
        let status = wait(&mut child);
        let (out, err) = (read_all(child.stdout.take()), read_all(child.stderr.take()));
        assert_eq!(status.code(), Some(1), "{args:?}: {out}{err}");
        assert_eq!(err, expected, "{args:?}");
        assert_eq!(out, "", "{args:?}");
    }
    drop(holder);
    assert_eq!(env.head(), before);
    env.run(&["verify"]).ok();
}

#[test]
fn with_wait_the_second_process_proceeds_once_the_store_is_released() {
    let env = one_item();
    let before = env.head().unwrap();
    let holder = env.ledger();
    let mut child = env
        .command(&["--wait", "5", "note", "M1", "Na het wachten."])
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    // Still waiting, not refused: it has not exited while the store is held.
    assert!(
        child.try_wait().unwrap().is_none(),
        "the waiting process ended while the store was held: {}",
        read_all(child.stderr.take())
    );
    drop(holder);
    let status = wait(&mut child);
    let (out, err) = (read_all(child.stdout.take()), read_all(child.stderr.take()));
    assert_eq!(status.code(), Some(0), "{out}{err}");
    assert_eq!(err, "");
    assert!(out.starts_with("M1: progress noted"), "{out}");
    let after = env.head().unwrap();
    assert_eq!(after.seq, before.seq + 1);
    let show = env.run(&["--format", "json", "show", "M1"]).json();
    assert_eq!(show["latest_note"]["text"], "Na het wachten.");
    env.run(&["verify"]).ok();
}

#[test]
fn a_wait_that_runs_out_is_refused_and_writes_nothing() {
    let env = one_item();
    let before = env.head();
    let holder = env.ledger();
    let out = env.bin(&["--wait", "0.2", "note", "M1", "Te laat."]);
    out.expect_code(1);
    assert!(
        out.stderr
            .contains("is in use by another kamerstand process"),
        "{}",
        out.stderr
    );
    drop(holder);
    assert_eq!(env.head(), before);
}

#[test]
fn concurrent_writers_with_wait_are_serialised() {
    let env = one_item();
    let before = env.head().unwrap();
    let mut children: Vec<Child> = (0..4)
        .map(|n| {
            env.command(&["--wait", "30", "note", "M1", &format!("Notitie {n}.")])
                .spawn()
                .unwrap()
        })
        .collect();
    for child in &mut children {
        let status = wait(child);
        let err = read_all(child.stderr.take());
        assert_eq!(status.code(), Some(0), "{err}");
    }
    assert_eq!(env.head().unwrap().seq, before.seq + 4);
    let log = env.run(&["--format", "json", "log", "--item", "M1"]).json();
    let mut texts: Vec<String> = log["events"]
        .as_array()
        .unwrap()
        .iter()
        .skip(1)
        .map(|e| e["body"]["text"].as_str().unwrap().to_string())
        .collect();
    texts.sort();
    assert_eq!(
        texts,
        ["Notitie 0.", "Notitie 1.", "Notitie 2.", "Notitie 3."]
    );
    env.run(&["verify"]).ok();
}

#[test]
fn a_leftover_lock_file_does_not_block() {
    let env = one_item();
    // The file stays after a process ends; only a held lock counts.
    let lock = env.store.join("kamerstand.lock");
    assert!(lock.exists());
    std::fs::write(&lock, "4194304").unwrap();
    env.bin(&["note", "M1", "Gewoon door."]).ok();
    env.run(&["verify"]).ok();
}

/// A ledger whose `log` runs to several times a pipe's buffer.
fn long_ledger() -> TestEnv {
    let env = one_item();
    let mut ws = Workspace::open(&env.store, env.open_options()).unwrap();
    let item = ws.state().resolve("M1").unwrap().id;
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
        let status = wait(&mut child);
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
        let status = wait(&mut child);
        let err = read_all(child.stderr.take());
        assert_eq!(status.code(), Some(0), "{args:?}: {err}");
        assert_eq!(err, "", "{args:?}");
    }
}

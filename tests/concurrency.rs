//! One process at a time, and several at once. While the store is held, a
//! second process running the binary is refused at once with the "in use"
//! message (or waits with `--wait` and proceeds, or gives up when its wait
//! runs out), and touches nothing; a lock file left behind blocks nothing.
//!
//! Under load, several processes append to one store at the same time, each
//! waiting for the store's lock with `--wait`. Every command must succeed,
//! and every event a command acknowledged must be in the chain at its
//! receipt's seq with its hash, in the order its writer issued them, with no
//! gaps and nothing else in between; `verify` passes. docs/reliability.md
//! ("Concurrent use") records the figures printed here; rerun with
//! `cargo test --test main concurrency -- --nocapture`.

use crate::common::{TestEnv, read_all, wait_for};
use crate::crash::{Receipt, lost_events, parse_receipt, read_chain};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

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

// ------------------------------------------------------ one contender

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
        let status = wait_for(&mut child);
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
    let status = wait_for(&mut child);
    let (out, err) = (read_all(child.stdout.take()), read_all(child.stderr.take()));
    assert_eq!(status.code(), Some(0), "{out}{err}");
    assert_eq!(err, "");
    assert!(out.starts_with("M1: stand van zaken vastgelegd"), "{out}");
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
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr,
        format!(
            "error: store {} is in use by another kamerstand process (pid {}); try again when it has finished, or pass --wait SECONDS\n",
            env.store.display(),
            std::process::id()
        )
    );
    drop(holder);
    assert_eq!(env.head(), before);
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

// ------------------------------------------------- many writers at once

/// Processes appending at the same time.
const WRITERS: usize = 4;
/// How long each writer keeps starting new commands.
const RUN_FOR: Duration = Duration::from_secs(3);
/// Rows of each CSV the importing writer imports (two events a row).
const CSV_ROWS: usize = 3;

/// One command a writer ran.
#[derive(Debug)]
struct Done {
    what: &'static str,
    code: i32,
    stderr: String,
    receipt: Option<Receipt>,
    took: Duration,
}

/// Writer `w`'s `k`th command: writers 0 and 1 note, 2 changes a status
/// back and forth, 3 imports a small CSV of new items.
fn command_for(env: &TestEnv, w: usize, k: usize) -> (&'static str, std::process::Command) {
    let actor = format!("w{w}");
    let key = format!("W{w}");
    let mut args: Vec<String> = ["--wait", "30", "--actor", &actor]
        .iter()
        .map(ToString::to_string)
        .collect();
    let what = match w {
        2 => {
            let status = if k.is_multiple_of(2) {
                "vertraagd"
            } else {
                "in-uitvoering"
            };
            args.extend(["--format", "json", "status", &key, status].map(String::from));
            "status"
        }
        3 => {
            let mut csv = String::from(
                "kind,key,text,submitters,citations,status,responsible,progress,progress_citations,progress_effective,effective\n",
            );
            for i in 0..CSV_ROWS {
                let _ = writeln!(
                    csv,
                    "motie,S{k}-{i},Motie S{k}-{i}; De Tweede Kamer verzoekt de regering door te gaan.,,,in-uitvoering,SOCW,Voortgang S{k}-{i}.,,2025-01-01,2024-06-01"
                );
            }
            let file = env.dir.path().join(format!("w3-{k}.csv"));
            std::fs::write(&file, csv).unwrap();
            args.extend(["import".to_string(), file.to_str().unwrap().to_string()]);
            "import"
        }
        _ => {
            let text = format!("Schrijver {w}, notitie {k}.");
            args.extend(["--format", "json", "note", &key, &text].map(String::from));
            "note"
        }
    };
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    (what, env.command(&args))
}

#[test]
fn four_writers_with_wait_are_serialised_without_loss_or_gap() {
    let env = TestEnv::new();
    env.bin(&["--actor", "setup", "init", "--programme", "STRESS"])
        .ok();
    for w in 0..WRITERS {
        let key = format!("W{w}");
        let text = format!("Motie {key}; De Tweede Kamer verzoekt de regering te schrijven.");
        env.bin(&[
            "--actor", "setup", "item", "add", "--key", &key, "--kind", "motie", "--text", &text,
        ])
        .ok();
    }
    let base = env.head().unwrap().seq;

    let started = Instant::now();
    let done: Vec<Vec<Done>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..WRITERS)
            .map(|w| {
                let env = &env;
                s.spawn(move || {
                    let mut done = Vec::new();
                    while started.elapsed() < RUN_FOR {
                        let (what, mut cmd) = command_for(env, w, done.len());
                        let t = Instant::now();
                        let out = cmd.output().unwrap();
                        let stdout = String::from_utf8(out.stdout).unwrap();
                        done.push(Done {
                            what,
                            code: out.status.code().unwrap_or(-1),
                            stderr: String::from_utf8(out.stderr).unwrap(),
                            receipt: parse_receipt(&stdout),
                            took: t.elapsed(),
                        });
                    }
                    done
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let elapsed = started.elapsed();

    let verify = env.bin(&["verify"]);
    verify.expect_code(0);
    let chain = read_chain(&env.store).unwrap();

    let mut problems = Vec::new();
    let mut per_kind: BTreeMap<&str, u64> = BTreeMap::new();
    let (mut events, mut lost, mut failed) = (0u64, 0u64, 0u64);
    let mut slowest = Duration::ZERO;
    for (w, cmds) in done.iter().enumerate() {
        let actor = format!("w{w}");
        let mut last_seq: Option<u64> = None;
        for (k, d) in cmds.iter().enumerate() {
            slowest = slowest.max(d.took);
            let Some(r) = d.receipt.as_ref().filter(|_| d.code == 0) else {
                failed += 1;
                problems.push(format!(
                    "{actor} command {k} ({}) exited {}: {}",
                    d.what, d.code, d.stderr
                ));
                continue;
            };
            *per_kind.entry(d.what).or_default() += 1;
            events += r.events();
            lost += lost_events(&chain, &actor, r);
            let first = match r {
                Receipt::One { seq, .. } => *seq,
                Receipt::Batch { first, .. } => *first,
                other => {
                    problems.push(format!("{actor} command {k}: unexpected receipt {other:?}"));
                    continue;
                }
            };
            if last_seq.is_some_and(|l| l >= first) {
                problems.push(format!(
                    "{actor} command {k} landed at seq {first}, not after its previous command (seq {last_seq:?})"
                ));
            }
            last_seq = Some(first);
        }
    }
    // Nothing but the acknowledged events after the setup: the chain
    // (contiguous, verified) holds exactly them.
    let after_setup = u64::try_from(chain.len()).unwrap() - (base + 1);
    if after_setup != events {
        problems.push(format!(
            "the chain holds {after_setup} events after the setup, the receipts account for {events}"
        ));
    }
    let mut by_actor: BTreeMap<&str, u64> = BTreeMap::new();
    for e in &chain {
        *by_actor.entry(e.actor.as_str()).or_default() += 1;
    }

    let commands: u64 = per_kind.values().sum();
    println!(
        "concurrent use: {WRITERS} processes at a time for {:.1} s, each with --wait 30",
        elapsed.as_secs_f64()
    );
    println!(
        "  commands acknowledged: {commands} ({}); failed: {failed}",
        per_kind
            .iter()
            .map(|(k, v)| format!("{v} {k}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!(
        "  events appended: {events}; lost: {lost}; chain after the run: {} events, verify ok; slowest command (lock wait included): {} ms",
        chain.len(),
        slowest.as_millis()
    );
    println!("  events per writer: {by_actor:?}");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert_eq!(lost, 0);
    assert_eq!(failed, 0);
    assert!(
        done.iter().all(|d| !d.is_empty()),
        "a writer ran no command"
    );
}

//! Crash safety: a shell loop runs appends and imports through the real
//! binary and the test kills the loop's whole process group with SIGKILL at
//! a seeded random moment. Afterwards the store must open and verify, every
//! event a command reported (its receipt: seq and hash) must be at that seq
//! with that hash, and no command may have landed in part: each command
//! records under its own actor, so its events can be counted.
//!
//! SIGKILL leaves what the kernel already holds (the page cache) in place:
//! this tests atomicity, recovery and the lock, not power loss (see
//! docs/reliability.md, "Crash safety", which records the figures printed
//! here). Rerun with `cargo test --test main crash -- --nocapture`;
//! `KAMERSTAND_CRASH_SEED` and `KAMERSTAND_CRASH_TRIALS` vary the run.

use crate::common::{TestEnv, head_at};
use kamerstand::ledger::{Clock, Ledger, OpenOptions, SystemClock};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Trials per run unless `KAMERSTAND_CRASH_TRIALS` says otherwise.
const TRIALS: u64 = 60;
/// Seed unless `KAMERSTAND_CRASH_SEED` says otherwise.
const SEED: u64 = 0x6b61_6d65_7273_7461;
/// Trials run at the same time.
const WORKERS: usize = 2;
/// How long commands wait for the store's lock (a killed holder's lock is
/// released by the kernel as the process goes).
const WAIT: &str = "10";

/// SplitMix64: a small seeded generator, so that a failing run can be
/// repeated exactly.
#[derive(Debug)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..hi` (`lo` when the range is empty).
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            lo
        } else {
            lo + self.next() % (hi - lo)
        }
    }

    /// True with probability `percent`/100.
    fn chance(&mut self, percent: u64) -> bool {
        self.range(0, 100) < percent
    }
}

/// What a command printed when it reported success.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Receipt {
    /// One event (`--format json` receipt of note, status, item add).
    One { seq: u64, hash: String },
    /// An import batch: `appended N events (seq A–B), head H`.
    Batch {
        n: u64,
        first: u64,
        last: u64,
        head: String,
    },
    /// An import that had nothing to record.
    Nothing,
    /// `init`: the genesis event's hash.
    Created { head: String },
}

impl Receipt {
    /// Events this receipt acknowledges.
    pub(crate) fn events(&self) -> u64 {
        match self {
            Receipt::One { .. } | Receipt::Created { .. } => 1,
            Receipt::Batch { n, .. } => *n,
            Receipt::Nothing => 0,
        }
    }
}

/// Reads a complete receipt from a command's stdout; None if it is absent
/// or cut short.
pub(crate) fn parse_receipt(out: &str) -> Option<Receipt> {
    if out.trim_start().starts_with('{') {
        let v: Value = serde_json::from_str(out).ok()?;
        return Some(Receipt::One {
            seq: v["seq"].as_u64()?,
            hash: v["hash"].as_str()?.to_string(),
        });
    }
    // `init` says it in Dutch unless told otherwise.
    if out.starts_with("grootboek voor ") || out.starts_with("created ledger") {
        let head = out
            .lines()
            .find_map(|l| l.strip_prefix("laatste hash ").or(l.strip_prefix("head ")))?;
        return (head.len() == 64).then(|| Receipt::Created {
            head: head.to_string(),
        });
    }
    if out
        .lines()
        .any(|l| l.starts_with("nothing to record: the ledger already says"))
    {
        return Some(Receipt::Nothing);
    }
    // appended 20 events (seq 3–22), head ab8f…
    let line = out.lines().find(|l| l.starts_with("appended "))?;
    let rest = line.strip_prefix("appended ")?;
    let (n, rest) = rest.split_once(" events (seq ")?;
    let (range, rest) = rest.split_once("), head ")?;
    let (first, last) = range.split_once('–')?;
    (rest.len() == 64).then_some(())?;
    Some(Receipt::Batch {
        n: n.parse().ok()?,
        first: first.parse().ok()?,
        last: last.parse().ok()?,
        head: rest.to_string(),
    })
}

/// One event as the chain holds it.
#[derive(Debug, Clone)]
pub(crate) struct Stored {
    pub hash: String,
    pub actor: String,
}

/// Opens the ledger as every command does (head checked against the last
/// event), runs the full verification and reads the chain (contiguous seq,
/// links); index = seq.
pub(crate) fn read_chain(store: &Path) -> Result<Vec<Stored>, String> {
    let opts = OpenOptions {
        wait: Duration::from_secs(10),
        clock: Box::new(SystemClock),
        ..OpenOptions::default()
    };
    let ledger = Ledger::open(store, opts).map_err(|e| format!("the store does not open: {e}"))?;
    let report = ledger.verify().map_err(|e| format!("verify failed: {e}"))?;
    if !report.ok() {
        return Err(format!("verify reports a break: {:?}", report.first_break));
    }
    let mut out = Vec::new();
    for (n, r) in ledger.events().enumerate() {
        let rec = r.map_err(|e| format!("reading the chain: {e}"))?;
        if usize::try_from(rec.envelope.seq).ok() != Some(n) {
            return Err(format!("event {n} has seq {}", rec.envelope.seq));
        }
        out.push(Stored {
            hash: rec.hash.hex(),
            actor: rec.envelope.actor.clone(),
        });
    }
    Ok(out)
}

/// Checks a receipt against the chain: the events it names are stored under
/// `actor` at those seqs, and the last of them has the receipt's hash (the
/// chain then vouches for the ones before it). Returns the number of
/// acknowledged events that are not there as acknowledged.
pub(crate) fn lost_events(chain: &[Stored], actor: &str, receipt: &Receipt) -> u64 {
    let at = |seq: u64| usize::try_from(seq).ok().and_then(|s| chain.get(s));
    let holds = |first: u64, last: u64, hash: &str| {
        (first..=last).all(|s| at(s).is_some_and(|e| e.actor == actor))
            && at(last).is_some_and(|e| e.hash == hash)
    };
    let ok = match receipt {
        Receipt::One { seq, hash } => holds(*seq, *seq, hash),
        Receipt::Created { head } => holds(0, 0, head),
        Receipt::Batch {
            first, last, head, ..
        } => holds(*first, *last, head),
        Receipt::Nothing => true,
    };
    if ok { 0 } else { receipt.events() }
}

/// Kills every process in group `pgid` with SIGKILL (the shell's builtin
/// `kill`; std can signal only its own child, not the group).
fn kill_group(pgid: u32) {
    let _ = Command::new("sh")
        .arg("-c")
        .arg("kill -9 -$0 2>/dev/null")
        .arg(pgid.to_string())
        .stdin(Stdio::null())
        .status();
}

fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Init,
    Add,
    Note,
    LongNote,
    /// A note whose receipt goes into a pipe nobody reads: the command
    /// commits, then blocks writing its receipt, unacknowledged.
    BlockedNote,
    Status,
    /// A round seal: its frame is written ahead of its event.
    Seal,
    Annex,
    Csv,
    BigTextCsv,
}

impl Kind {
    fn is_import(self) -> bool {
        matches!(self, Kind::Annex | Kind::Csv | Kind::BigTextCsv)
    }
}

/// One command of a trial's script; it records under actor `c{id}`.
#[derive(Debug)]
struct Cmd {
    id: usize,
    kind: Kind,
    args: Vec<String>,
    /// Events it appends if it lands.
    expect: u64,
    /// Rows of an import file.
    rows: u64,
}

const CSV_HEADER: &str = "kind,key,text,submitters,citations,status,responsible,progress,progress_citations,progress_effective,effective\n";

/// A CSV of `rows` new items, each with a status and a progress text of
/// about `text_len` bytes: two events per row (registration, note).
fn csv_file(id: usize, rows: u64, text_len: usize) -> String {
    let mut s = String::from(CSV_HEADER);
    let filler = "Gemeenten oefenen de uitval van hun dienstverlening. ".repeat(text_len / 53 + 1);
    for i in 0..rows {
        let _ = writeln!(
            s,
            "toezegging,C{id}-{i},De minister stuurt de Kamer brief {id}-{i} over de voortgang.,,,in-uitvoering,SOCW,Voortgang {id}-{i}: {},,2025-01-01,2024-06-01",
            &filler[..text_len]
        );
    }
    s
}

/// Which moment a trial's kill aims at.
#[derive(Debug, Clone, Copy)]
enum Aim {
    /// During `init`, the script's first command.
    Init(Duration),
    /// Within the first milliseconds: process start, lock, sled recovery.
    Early(Duration),
    /// Any moment of the run.
    Anytime(Duration),
    /// This long after the script's command `id` (an import) starts.
    Import { id: usize, after: Duration },
    /// Just as command `id` has ended.
    AfterCommand(usize),
    /// This long after command `id` (a blocked note) starts.
    Blocked { id: usize, after: Duration },
    /// Within the first milliseconds after a restart on a store a kill
    /// left: while sled recovers it.
    Restart(Duration),
}

impl Aim {
    fn name(self) -> &'static str {
        match self {
            Aim::Init(_) => "during init",
            Aim::Early(_) => "very early (< 25 ms)",
            Aim::Anytime(_) => "at a random time (< 900 ms)",
            Aim::Import { .. } => "aimed at an import batch",
            Aim::AfterCommand(_) => "just as a command ended",
            Aim::Restart(_) => "right after a restart on a killed store (< 40 ms)",
            Aim::Blocked { .. } => "after a commit, its receipt blocked in a full pipe",
        }
    }
}

/// A trial's commands, built in order.
#[derive(Debug, Default)]
struct Script {
    /// Id of the script's first command (ids run on across a trial's rounds).
    first: usize,
    cmds: Vec<Cmd>,
    /// Items the script has added, and whether each is now delayed.
    items: Vec<(String, bool)>,
}

impl Script {
    fn push(&mut self, kind: Kind, args: &[&str], expect: u64, rows: u64) {
        self.cmds.push(Cmd {
            id: self.next_id(),
            kind,
            args: args.iter().map(ToString::to_string).collect(),
            expect,
            rows,
        });
    }

    fn next_id(&self) -> usize {
        self.first + self.cmds.len()
    }

    fn add(&mut self) {
        let key = format!("X{}", self.next_id());
        let text = format!("Motie {key}; De Tweede Kamer verzoekt de regering te oefenen.");
        let args = ["--format", "json", "item", "add", "--key", &key];
        self.push(
            Kind::Add,
            &[&args[..], &["--kind", "motie", "--text", &text]].concat(),
            1,
            0,
        );
        self.items.push((key, false));
    }

    fn import(&mut self, kind: Kind, rows: u64, annex_events: u64) {
        let file = format!("{}.csv", self.next_id());
        match kind {
            Kind::Annex => self.push(kind, &["import", "ANNEX"], annex_events, 0),
            _ => self.push(kind, &["import", &file], 2 * rows, rows),
        }
    }

    fn some_item(&self, rng: &mut Rng) -> usize {
        let n = u64::try_from(self.items.len()).unwrap();
        usize::try_from(rng.range(0, n)).unwrap()
    }
}

/// One more than the most rows of a CSV import of new items (two events a
/// row) that is written in one transaction, which the harness requires of
/// every command it runs.
const CSV_ROWS_ATOMIC: u64 = kamerstand::ledger::ATOMIC_EVENTS as u64 / 2 + 1;

/// One round's commands, numbered from `first`: an item first, then a
/// large CSV import or a blocked note if `lead` says so, then a random mix
/// of notes, status changes, items, round seals and imports, more than any kill lets run.
fn plan(
    rng: &mut Rng,
    first: usize,
    with_init: bool,
    lead: Option<Kind>,
    annex_events: u64,
) -> Vec<Cmd> {
    let mut s = Script {
        first,
        ..Script::default()
    };
    if with_init {
        s.push(
            Kind::Init,
            &["init", "--programme", "CRASH", "--title", "Crashproef"],
            1,
            0,
        );
    }
    s.add();
    match lead {
        // Two events a row: as large as one transaction takes.
        Some(Kind::Csv) => s.import(Kind::Csv, rng.range(400, CSV_ROWS_ATOMIC), annex_events),
        Some(Kind::BlockedNote) => {
            // Its JSON receipt is larger than a pipe's 64 KiB buffer.
            let key = s.items[0].0.clone();
            let text = format!("Geblokkeerd {}: {}", s.next_id(), "x".repeat(65_000));
            s.push(
                Kind::BlockedNote,
                &["--format", "json", "note", &key, &text],
                1,
                0,
            );
        }
        _ => {}
    }
    while s.cmds.len() < 40 {
        match rng.range(0, 100) {
            0..30 => {
                let key = s.items[s.some_item(rng)].0.clone();
                let text = format!("Voortgang {} bij {key}.", s.next_id());
                s.push(Kind::Note, &["--format", "json", "note", &key, &text], 1, 0);
            }
            30..34 => {
                // Long notes: large events (a run of them makes blob files).
                let key = s.items[s.some_item(rng)].0.clone();
                let text = format!("Lange voortgang {}: {}", s.next_id(), "x".repeat(60_000));
                s.push(
                    Kind::LongNote,
                    &["--format", "json", "note", &key, &text],
                    1,
                    0,
                );
            }
            34..50 => {
                let n = s.some_item(rng);
                let (key, delayed) = &mut s.items[n];
                *delayed = !*delayed;
                let status = if *delayed {
                    "vertraagd"
                } else {
                    "in-uitvoering"
                };
                let key = key.clone();
                s.push(
                    Kind::Status,
                    &["--format", "json", "status", &key, status],
                    1,
                    0,
                );
            }
            50..65 => s.add(),
            65..69 => {
                let name = format!("R{}", s.next_id());
                s.push(
                    Kind::Seal,
                    &[
                        "--format", "json", "round", "seal", &name, "--title", "Ronde",
                    ],
                    1,
                    0,
                );
            }
            69..74 => s.import(Kind::Annex, 0, annex_events),
            // 600 KB in one batch: sled writes pages of it to blob files.
            74..77 => s.import(Kind::BigTextCsv, 12, annex_events),
            _ => {
                let rows = if rng.chance(50) {
                    rng.range(3, 40)
                } else {
                    rng.range(200, CSV_ROWS_ATOMIC)
                };
                s.import(Kind::Csv, rows, annex_events);
            }
        }
    }
    s.cmds
}

/// Length and modification time of sled's `db` file, if there is one.
type DbFile = (u64, Option<std::time::SystemTime>);

fn db_file(store: &Path) -> Option<DbFile> {
    let m = std::fs::metadata(store.join("db")).ok()?;
    Some((m.len(), m.modified().ok()))
}

/// What the test saw of a run: the driver's log, parsed.
#[derive(Debug, Default)]
struct Log {
    started: Vec<usize>,
    ended: BTreeMap<usize, i32>,
    /// The script has run every command.
    done: bool,
}

fn parse_log(text: &str) -> Log {
    let mut log = Log::default();
    // Only whole lines: each is one write() by the shell.
    let whole = text.rfind('\n').map_or("", |n| &text[..n]);
    for line in whole.lines() {
        let parts: Vec<&str> = line.split(' ').collect();
        match parts.as_slice() {
            ["s", id] => log.started.push(id.parse().unwrap()),
            ["e", id, rc] => {
                log.ended.insert(id.parse().unwrap(), rc.parse().unwrap());
            }
            ["done"] => log.done = true,
            _ => {}
        }
    }
    log
}

/// Totals over trials.
#[derive(Debug, Default)]
struct Figures {
    trials: u64,
    kills: u64,
    aims: BTreeMap<&'static str, u64>,
    during_write: u64,
    after_db_write: u64,
    during_import: u64,
    during_init: u64,
    during_seal: u64,
    seals_acked: u64,
    between: u64,
    inflight_landed: u64,
    commands_acked: u64,
    events_acked: u64,
    printed_then_killed: u64,
    lost: u64,
    partial: u64,
    init_redone: u64,
    reopened_and_written: u64,
    max_events: usize,
}

impl Figures {
    fn add(&mut self, o: Figures) {
        self.trials += o.trials;
        self.kills += o.kills;
        for (k, v) in o.aims {
            *self.aims.entry(k).or_default() += v;
        }
        self.during_write += o.during_write;
        self.after_db_write += o.after_db_write;
        self.during_import += o.during_import;
        self.during_init += o.during_init;
        self.during_seal += o.during_seal;
        self.seals_acked += o.seals_acked;
        self.between += o.between;
        self.inflight_landed += o.inflight_landed;
        self.commands_acked += o.commands_acked;
        self.events_acked += o.events_acked;
        self.printed_then_killed += o.printed_then_killed;
        self.lost += o.lost;
        self.partial += o.partial;
        self.init_redone += o.init_redone;
        self.reopened_and_written += o.reopened_and_written;
        self.max_events = self.max_events.max(o.max_events);
    }
}

/// What every trial shares.
#[derive(Debug)]
struct Setup {
    seed: u64,
    annex: std::path::PathBuf,
    /// Events the annex appends to a ledger without its items.
    annex_events: u64,
    /// Learnt run time of a CSV import per row, in µs, to aim kills inside.
    us_per_row: AtomicU64,
}

/// What one round left behind: the driver's log and what the test saw.
#[derive(Debug)]
struct Killed {
    log: Log,
    /// The command that was running when the kill came.
    inflight: Option<usize>,
    /// sled's `db` file had changed since that command started.
    after_db_write: bool,
    /// How long the aimed-at import ran, if it finished before the kill.
    import_took: Option<Duration>,
    /// The driver ran out of commands before the kill (a test bug).
    finished_early: Option<String>,
}

/// Runs `cmds` through a shell loop until `aim` says kill, then kills the
/// shell's process group with SIGKILL.
#[allow(clippy::too_many_lines)]
fn run_round(env: &TestEnv, round: u64, cmds: &[Cmd], aim: Aim, annex: &Path) -> Killed {
    let dir = env.dir.path();
    let store = &env.store;
    // A pause after the command a kill waits for, so that it lands between
    // two commands (elsewhere the shell starts the next one at once).
    let pause_after = match aim {
        Aim::AfterCommand(id) => Some(id),
        _ => None,
    };
    // The script: each command announces its start and its exit code.
    let mut script = format!(
        "B={}\nS={}\nD={}\nr() {{ i=$1; shift; echo \"s $i\"; \"$B\" --store \"$S\" --wait {WAIT} --actor \"c$i\" \"$@\" >\"$D/o$i\" 2>\"$D/e$i\" </dev/null; echo \"e $i $?\"; }}\nrb() {{ i=$1; shift; echo \"s $i\"; \"$B\" --store \"$S\" --wait {WAIT} --actor \"c$i\" \"$@\" 2>\"$D/e$i\" </dev/null | sleep 60; echo \"e $i $?\"; }}\n",
        sh_quote(env!("CARGO_BIN_EXE_kamerstand")),
        sh_quote(store.to_str().unwrap()),
        sh_quote(dir.to_str().unwrap()),
    );
    for c in cmds {
        if matches!(c.kind, Kind::Csv | Kind::BigTextCsv) {
            let len = if c.kind == Kind::BigTextCsv {
                50_000
            } else {
                40
            };
            std::fs::write(
                dir.join(format!("{}.csv", c.id)),
                csv_file(c.id, c.rows, len),
            )
            .unwrap();
        }
        let args: Vec<String> = c
            .args
            .iter()
            .map(|a| match a.as_str() {
                "ANNEX" => sh_quote(annex.to_str().unwrap()),
                a if a.ends_with(".csv") => format!("\"$D\"/{a}"),
                a => sh_quote(a),
            })
            .collect();
        let run = if c.kind == Kind::BlockedNote {
            "rb"
        } else {
            "r"
        };
        let _ = writeln!(script, "{run} {} {}", c.id, args.join(" "));
        if pause_after == Some(c.id) {
            script.push_str("sleep 0.2\n");
        }
    }
    // Then wait to be killed: a fast build can run every command before a
    // kill aimed at a later moment, and the kill then lands after the last
    // command (a kill between commands) instead of finding the driver gone.
    script.push_str("echo done\nexec sleep 600\n");
    let script_path = dir.join(format!("driver-{round}.sh"));
    std::fs::write(&script_path, script).unwrap();
    let log_path = dir.join(format!("log-{round}"));
    let err_path = dir.join(format!("driver-{round}.err"));

    let mut child = Command::new("sh")
        .arg(&script_path)
        .env_remove("KAMERSTAND_STORE")
        .env_remove("KAMERSTAND_ACTOR")
        .process_group(0)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&log_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn()
        .unwrap();
    let pgid = child.id();
    let t0 = Instant::now();
    let mut import_seen: Option<Instant> = None;
    let mut import_took: Option<Duration> = None;
    // The command last seen starting, and sled's `db` file as it was then.
    let mut running: Option<(usize, Option<DbFile>)> = None;
    let mut finished_early = false;
    let at_kill = loop {
        let log = parse_log(&std::fs::read_to_string(&log_path).unwrap_or_default());
        if let Some(&last) = log.started.last()
            && running.as_ref().is_none_or(|(id, _)| *id != last)
        {
            running = Some((last, db_file(store)));
        }
        let fire = match aim {
            Aim::Init(d) | Aim::Early(d) | Aim::Anytime(d) | Aim::Restart(d) => t0.elapsed() >= d,
            Aim::Import { id, after } | Aim::Blocked { id, after } => {
                if import_seen.is_none() && log.started.contains(&id) {
                    import_seen = Some(Instant::now());
                }
                if let Some(t) = import_seen
                    && import_took.is_none()
                    && log.ended.contains_key(&id)
                {
                    import_took = Some(t.elapsed());
                }
                import_seen.is_some_and(|t| t.elapsed() >= after)
            }
            Aim::AfterCommand(id) => log.ended.contains_key(&id),
        };
        if fire || log.done {
            break db_file(store);
        }
        if child.try_wait().unwrap().is_some() {
            finished_early = true;
            break None;
        }
        std::thread::sleep(Duration::from_micros(500));
    };
    kill_group(pgid);
    let _ = child.wait();
    let log = parse_log(&std::fs::read_to_string(&log_path).unwrap());
    let inflight = log
        .started
        .iter()
        .copied()
        .find(|id| !log.ended.contains_key(id));
    let after_db_write = matches!((inflight, &running), (Some(i), Some((r, before))) if i == *r && *before != at_kill);
    Killed {
        log,
        inflight,
        after_db_write,
        import_took,
        finished_early: finished_early
            .then(|| std::fs::read_to_string(&err_path).unwrap_or_default()),
    }
}

/// Chooses where round 0 of a trial kills.
fn first_aim(rng: &mut Rng, mode: u64, with_init: bool, cmds: &[Cmd], setup: &Setup) -> Aim {
    if with_init {
        return Aim::Init(Duration::from_millis(rng.range(0, 150)));
    }
    match mode {
        0..15 => Aim::Early(Duration::from_millis(rng.range(0, 25))),
        15..30 => Aim::Anytime(Duration::from_millis(rng.range(0, 900))),
        55..60 => Aim::Blocked {
            id: cmds[1].id,
            after: Duration::from_millis(1500),
        },
        30..55 => {
            // Within the import's expected run time, learnt so far; half
            // of them in its second half, where it writes.
            let c = &cmds[1];
            let window = setup.us_per_row.load(Ordering::Relaxed) * c.rows * 115 / 100 + 40_000;
            let from = if rng.chance(50) { window / 2 } else { 0 };
            let after = Duration::from_micros(rng.range(from, window));
            Aim::Import { id: c.id, after }
        }
        60..80 => Aim::AfterCommand(cmds[0].id + usize::try_from(rng.range(0, 4)).unwrap()),
        _ => {
            // Aimed at a later import of the script, if there is one.
            match cmds.iter().take(8).skip(2).find(|c| c.kind.is_import()) {
                Some(c) => Aim::Import {
                    id: c.id,
                    after: Duration::from_millis(rng.range(0, 300)),
                },
                None => Aim::Anytime(Duration::from_millis(rng.range(0, 900))),
            }
        }
    }
}

/// Runs trial `n` in a fresh directory: one round (a driver run ended by a
/// kill), or in a quarter of the trials two or three rounds on the same
/// store, the later ones killed while sled recovers from the kill before.
/// Returns its figures and the problems found. Its choices come from its
/// own seeded generator, so a trial repeats whatever ran before it.
#[allow(clippy::too_many_lines)]
fn trial(n: u64, setup: &Setup) -> (Figures, Vec<String>) {
    let mut fig = Figures {
        trials: 1,
        ..Figures::default()
    };
    let mut rng = Rng::new(setup.seed ^ n.wrapping_mul(0xd1b5_4a32_d192_ed03));
    rng.next();
    let rng = &mut rng;
    let env = TestEnv::new();
    let dir = env.dir.path();
    let store = &env.store;
    let mut problems = Vec::new();

    let with_init = n.is_multiple_of(10);
    let rounds = if !with_init && rng.chance(25) {
        rng.range(2, 4)
    } else {
        1
    };
    if !with_init {
        env.bin(&["--actor", "setup", "init", "--programme", "CRASH"])
            .ok();
    }
    let mut cmds: Vec<Cmd> = Vec::new();
    let mut log = Log::default();
    let mut aims = Vec::new();
    for round in 0..rounds {
        let mode = rng.range(0, 100);
        let first_round = round == 0;
        let lead = match mode {
            _ if !first_round || with_init => None,
            30..55 => Some(Kind::Csv),
            55..60 => Some(Kind::BlockedNote),
            _ => None,
        };
        let new = plan(rng, cmds.len(), with_init, lead, setup.annex_events);
        let aim = if first_round {
            first_aim(rng, mode, with_init, &new, setup)
        } else {
            Aim::Restart(Duration::from_millis(rng.range(0, 40)))
        };
        aims.push(aim);
        *fig.aims.entry(aim.name()).or_default() += 1;
        fig.kills += 1;
        let k = run_round(&env, round, &new, aim, &setup.annex);
        match k.inflight {
            Some(id) => {
                let kind = new.iter().find(|c| c.id == id).map(|c| c.kind);
                fig.during_write += 1;
                fig.after_db_write += u64::from(k.after_db_write);
                fig.during_import += u64::from(kind.is_some_and(Kind::is_import));
                fig.during_init += u64::from(kind == Some(Kind::Init));
                fig.during_seal += u64::from(kind == Some(Kind::Seal));
            }
            None => fig.between += 1,
        }
        // Learn how long an import takes per row, to aim later kills inside.
        if let (Aim::Import { id, .. }, Some(took)) = (aim, k.import_took)
            && let Some(c) = new.iter().find(|c| c.id == id && c.kind == Kind::Csv)
        {
            let rate = u64::try_from(took.as_micros()).unwrap() / c.rows.max(1);
            let old = setup.us_per_row.load(Ordering::Relaxed);
            setup
                .us_per_row
                .store((old * 7 + rate * 3) / 10, Ordering::Relaxed);
        }
        if let Some(err) = k.finished_early {
            problems.push(format!(
                "round {round}: the driver ended before the kill: {err}"
            ));
        }
        log.started.extend(k.log.started);
        log.ended.extend(k.log.ended);
        cmds.extend(new);
    }

    // A killed init may leave no ledger; a new init must then succeed.
    if with_init && log.ended.get(&0) != Some(&0) && head_at(store).is_none() {
        let out = env.bin(&[
            "--wait",
            WAIT,
            "--actor",
            "setup",
            "init",
            "--programme",
            "CRASH",
        ]);
        if out.code == 0 {
            fig.init_redone += 1;
        } else {
            problems.push(format!(
                "after a killed init, init again fails: {}",
                out.stderr
            ));
        }
    }

    // The binary's own verify, in a fresh process, on the store as the kills left it.
    let verify = env.bin(&["--wait", WAIT, "verify"]);
    if verify.code != 0 || !verify.stdout.starts_with("in orde:") {
        problems.push(format!(
            "verify: exit {}: {}{}",
            verify.code, verify.stdout, verify.stderr
        ));
    }
    let chain = match read_chain(store) {
        Ok(c) => c,
        Err(e) => {
            problems.push(e);
            let kept = env.dir.keep();
            problems.push(format!("trial {n} ({aims:?}) kept in {}", kept.display()));
            return (fig, problems);
        }
    };
    fig.max_events = fig.max_events.max(chain.len());

    // Each command's events: contiguous, all or nothing, as acknowledged,
    // in command order.
    let mut seqs_of: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (seq, e) in chain.iter().enumerate() {
        seqs_of.entry(e.actor.as_str()).or_default().push(seq);
    }
    let mut last_first: Option<usize> = None;
    // The test's own init (or a redone one) records as "setup".
    let mut counted = seqs_of.get("setup").map_or(0, Vec::len);
    for c in &cmds {
        let actor = format!("c{}", c.id);
        let seqs = seqs_of.get(actor.as_str()).cloned().unwrap_or_default();
        counted += seqs.len();
        let out = std::fs::read_to_string(dir.join(format!("o{}", c.id))).unwrap_or_default();
        let receipt = parse_receipt(&out);
        let rc = log.ended.get(&c.id).copied();
        if let Some(rc) = rc
            && rc != 0
        {
            problems.push(format!(
                "command {} ({:?}) failed with exit {rc}: {}",
                c.id,
                c.kind,
                std::fs::read_to_string(dir.join(format!("e{}", c.id))).unwrap_or_default()
            ));
            continue;
        }
        if seqs.windows(2).any(|w| w[1] != w[0] + 1) {
            problems.push(format!("command {} landed in pieces: seqs {seqs:?}", c.id));
        }
        if let Some(&first) = seqs.first() {
            if last_first.is_some_and(|l| l > first) {
                problems.push(format!("command {} landed before an earlier command", c.id));
            }
            last_first = Some(first);
        }
        let landed = u64::try_from(seqs.len()).unwrap();
        match (&receipt, rc) {
            (Some(r), _) => {
                // Acknowledged: it printed its receipt (and exited 0, or was
                // killed just after printing).
                fig.commands_acked += 1;
                fig.seals_acked += u64::from(c.kind == Kind::Seal);
                fig.events_acked += r.events();
                if rc.is_none() {
                    fig.printed_then_killed += 1;
                }
                let lost = lost_events(&chain, &actor, r);
                fig.lost += lost;
                if lost > 0 || landed != r.events() {
                    problems.push(format!(
                        "command {} ({:?}): receipt {r:?} but the chain holds {landed} of its events at {seqs:?}",
                        c.id, c.kind
                    ));
                }
                if matches!(c.kind, Kind::Csv | Kind::BigTextCsv) && r.events() != c.expect {
                    problems.push(format!(
                        "import {} appended {} events, expected {}",
                        c.id,
                        r.events(),
                        c.expect
                    ));
                }
            }
            (None, Some(_)) => problems.push(format!(
                "command {} exited 0 without a complete receipt: {out:?}",
                c.id
            )),
            (None, None) => {
                if landed != 0 && landed != c.expect {
                    fig.partial += 1;
                    problems.push(format!(
                        "unacknowledged command {} ({:?}) landed {landed} of {} events",
                        c.id, c.kind, c.expect
                    ));
                } else if landed != 0 {
                    fig.inflight_landed += 1;
                }
            }
        }
    }
    if counted != chain.len() {
        problems.push(format!(
            "the chain holds {} events, the commands account for {counted}",
            chain.len()
        ));
    }
    drop(chain);

    // The store takes new events after the crash.
    let after = run_in_process(
        store,
        &[
            "item",
            "add",
            "--key",
            "NA",
            "--kind",
            "motie",
            "--text",
            "Na de crash.",
        ],
    );
    match after {
        0 => fig.reopened_and_written += 1,
        code => problems.push(format!("an append after the crash exited {code}")),
    }

    if !problems.is_empty() {
        let kept = env.dir.keep();
        problems.push(format!("trial {n} ({aims:?}) kept in {}", kept.display()));
    }
    (fig, problems)
}

/// Runs the CLI in this process against `store` with the system clock.
fn run_in_process(store: &Path, args: &[&str]) -> i32 {
    let mut full = vec![
        "kamerstand",
        "--store",
        store.to_str().unwrap(),
        "--wait",
        WAIT,
        "--actor",
        "after",
    ];
    full.extend_from_slice(args);
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let make_clock = || -> Box<dyn Clock> { Box::new(SystemClock) };
    kamerstand::cli::run(
        full,
        &mut kamerstand::cli::Env {
            out: &mut out,
            err: &mut err,
            input: &mut &b""[..],
            clock: &make_clock,
            os_user: None,
            terminal: kamerstand::cli::Terminal::default(),
            exits_after: false,
            whole_ledger_up_to: kamerstand::ledger::WHOLE_LEDGER_AT_OPEN,
        },
    )
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().map_or(default, |v| {
        let v = v.trim();
        v.strip_prefix("0x")
            .map_or_else(|| v.parse().ok(), |h| u64::from_str_radix(h, 16).ok())
            .unwrap_or_else(|| panic!("{name}={v} is not a number"))
    })
}

#[test]
fn killed_writers_lose_no_acknowledged_event_and_leave_no_partial_one() {
    let seed = env_u64("KAMERSTAND_CRASH_SEED", SEED);
    let trials = env_u64("KAMERSTAND_CRASH_TRIALS", TRIALS);
    let annex = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/cli/assets/annex-2024.txt");

    // How many events the annex appends to a ledger without its items.
    let probe = TestEnv::new();
    probe.bin(&["init", "--programme", "CRASH"]).ok();
    let dry = probe.bin(&["import", "--dry-run", annex.to_str().unwrap()]);
    dry.expect_code(0);
    let annex_events: u64 = dry
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("would append "))
        .and_then(|l| l.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no event count in the dry run:\n{}", dry.stdout));

    let setup = Setup {
        seed,
        annex,
        annex_events,
        us_per_row: AtomicU64::new(300),
    };
    let started = Instant::now();
    // Two trials at a time: most of a trial is waiting for its kill.
    let next = AtomicU64::new(0);
    let results = Mutex::new((Figures::default(), Vec::new()));
    std::thread::scope(|s| {
        for _ in 0..WORKERS {
            s.spawn(|| {
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= trials {
                        break;
                    }
                    let (f, p) = trial(n, &setup);
                    let mut r = results.lock().unwrap();
                    r.0.add(f);
                    r.1.extend(p);
                }
            });
        }
    });
    let (fig, problems) = results.into_inner().unwrap();

    println!(
        "crash safety: {} trials, {} kills (SIGKILL to the process group), seed {seed:#x}, {:.1} s",
        fig.trials,
        fig.kills,
        started.elapsed().as_secs_f64()
    );
    for (aim, count) in &fig.aims {
        println!("  kills {aim}: {count}");
    }
    println!(
        "  kills during a write (a command was running): {} ({} in an import batch, {} in init, {} in a round seal); between commands: {}",
        fig.during_write, fig.during_import, fig.during_init, fig.during_seal, fig.between
    );
    println!(
        "  of the kills during a write, after sled had begun writing to its db file (it does from opening the store on): {}",
        fig.after_db_write
    );
    println!(
        "  unacknowledged commands that had landed whole when killed: {}; landed in part: {}",
        fig.inflight_landed, fig.partial
    );
    println!(
        "  commands acknowledged: {} ({} printed their receipt and were killed before exiting)",
        fig.commands_acked, fig.printed_then_killed
    );
    println!("  events acknowledged: {}", fig.events_acked);
    println!("  round seals acknowledged: {}", fig.seals_acked);
    println!("  events lost: {}", fig.lost);
    println!(
        "  init redone after a killed init: {}; stores written to after the crash: {}; largest chain: {} events",
        fig.init_redone, fig.reopened_and_written, fig.max_events
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert_eq!(fig.lost, 0);
    assert_eq!(fig.partial, 0);
    assert!(fig.trials >= trials);
}

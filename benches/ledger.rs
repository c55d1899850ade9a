//! kamerstand's benchmarks for the index in sled (issue 12) and for the
//! Merkle tree and its proofs (issue 15); figures in docs/performance.md.
//! Every figure is a median over repeated runs and is set against a
//! baseline measured in the same run, interleaved with it where it can be,
//! because the machines are shared and noisy. Nothing is asserted about
//! time; the figures and their ratios go to stdout, and a summary table at
//! the end.
//!
//! Run: `cargo bench --features bench --bench ledger` (every section), or
//! name sections: `cargo bench --features bench --bench ledger -- note
//! views verify import memory state open floors curve proofs annexcurve`. The first run
//! generates the ledgers (L takes several minutes) under
//! `target/bench-data/` (or `$KAMERSTAND_BENCH_DATA`) and keeps them, with
//! their events exports, their SQLite peers and a file `NAME.done`, for
//! later runs; remove that file to generate a ledger again.
//!
//! `KAMERSTAND_BENCH_SIZES=s,10k` limits a run to those ledgers (to try
//! the harness quickly; the sections that take one ledger take the largest
//! of those).
//!
//! Ledgers (all `bench-gen --seed 1`): S = `--profile s` (300 items, 3,000
//! events, 5 rounds); 10k, 100k = `--events N --items N/100 --rounds 40`;
//! L = `--profile l` (10,000 items, 1,000,000 events, 40 rounds): one item
//! per hundred events, as in L, for the cost curve.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation,
    clippy::cast_precision_loss
)]

use kamerstand::Workspace;
use kamerstand::app::Quiet;
use kamerstand::app::diff::{Side, compare};
use kamerstand::domain::{Day, Instant as At};
use kamerstand::ledger::{Ledger, OpenOptions};
use kamerstand::projection::{Basis, View};
use kamerstand::synth::Rng;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_kamerstand");
/// Set in a child process of this benchmark: it runs the bare append on
/// the store at this path and exits.
const CHILD: &str = "KAMERSTAND_BENCH_BARE_APPEND";
/// Set with [`CHILD`]: the bare append leaves sled's state to the end of
/// the process, as the `kamerstand` binary does (OpenOptions::leave_at_close).
const CHILD_LEAVES: &str = "KAMERSTAND_BENCH_BARE_LEAVES";
/// Set with [`CHILD`]: the bare append writes its value into two trees in
/// one sled transaction, as an append writes its event and its index
/// entries, rather than with one insert.
const CHILD_ATOMIC: &str = "KAMERSTAND_BENCH_BARE_ATOMIC";
/// Set in a child process of this benchmark: it opens the store at this
/// path, times one view ([`CHILD_VIEW`]) after the open, prints the time in
/// ms and exits: a view as one command sees it, in a process of its own.
const CHILD_STORE: &str = "KAMERSTAND_BENCH_VIEW_STORE";
/// Set with [`CHILD_STORE`]: the view, as `current`, `as-of INSTANT`,
/// `round NAME`, `effective DAY` or `diff ROUND ROUND`.
const CHILD_VIEW: &str = "KAMERSTAND_BENCH_VIEW";
/// sled's page cache as kamerstand configures it (src/ledger/store.rs).
const CACHE: u64 = 32 << 20;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Milliseconds with three significant digits or more.
fn shown(ms: f64) -> String {
    if ms < 1.0 {
        format!("{ms:.3}")
    } else if ms < 10.0 {
        format!("{ms:.2}")
    } else {
        format!("{ms:.1}")
    }
}

fn run(args: &[&str]) -> String {
    stdout_of(Command::new(BIN).args(args))
}

/// What `cmd` prints; panics, with what it said on stderr, if it fails.
fn stdout_of(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Times `f(i)` for i in 1..=n after a warm-up run `f(0)`; the median.
fn time_runs(n: usize, mut f: impl FnMut(usize)) -> Duration {
    f(0);
    median(
        (1..=n)
            .map(|i| {
                let t = Instant::now();
                f(i);
                t.elapsed()
            })
            .collect(),
    )
}

/// Times `a(i)` and `b(i)` alternately, n times each after a warm-up run of
/// both, so that both see the same moments of a noisy machine; the medians.
fn time_pair(n: usize, a: impl FnMut(usize), b: impl FnMut(usize)) -> (Duration, Duration) {
    let (a, b, _) = time_pair_diff(n, a, b);
    (a, b)
}

/// As [`time_pair`], with the median of the paired differences `a(i)` −
/// `b(i)` in ms (negative when `a` was the faster): a difference of a few
/// ms between two runs of over 100 ms, which move by more than that from
/// one moment to the next, shows in the pairs before it shows in the
/// difference of the medians.
fn time_pair_diff(
    n: usize,
    mut a: impl FnMut(usize),
    mut b: impl FnMut(usize),
) -> (Duration, Duration, f64) {
    a(0);
    b(0);
    let (mut da, mut db, mut diffs) = (Vec::new(), Vec::new(), Vec::new());
    for i in 1..=n {
        let t = Instant::now();
        a(i);
        let x = t.elapsed();
        let t = Instant::now();
        b(i);
        let y = t.elapsed();
        da.push(x);
        db.push(y);
        diffs.push(ms(x) - ms(y));
    }
    diffs.sort_by(f64::total_cmp);
    (median(da), median(db), diffs[diffs.len() / 2])
}

fn once(f: impl FnOnce()) -> Duration {
    let t = Instant::now();
    f();
    t.elapsed()
}

/// The figures, printed as they come and kept for the summary.
#[derive(Default)]
struct Report {
    rows: Vec<String>,
    /// Named values for the cost-curve table: (ledger, what) → ms.
    curve: BTreeMap<(String, String), f64>,
}

impl Report {
    fn line(&mut self, s: String) {
        println!("{s}");
        self.rows.push(s);
    }

    /// A figure against its baseline: ratio = ours / baseline.
    fn vs(&mut self, what: &str, ours: Duration, base: Duration, base_name: &str, target: &str) {
        self.line(format!(
            "| {what} | {} ms | {base_name}: {} ms | {:.3} | {target} |",
            shown(ms(ours)),
            shown(ms(base)),
            ms(ours) / ms(base)
        ));
    }

    fn value(&mut self, what: &str, value: String, target: &str) {
        self.line(format!("| {what} | {value} | | | {target} |"));
    }
}

fn data_dir() -> PathBuf {
    let d = std::env::var_os("KAMERSTAND_BENCH_DATA").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data"),
        PathBuf::from,
    );
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The `bench-gen` arguments of a ledger.
fn gen_args(name: &str) -> Vec<&'static str> {
    match name {
        "s" => vec!["--profile", "s"],
        "10k" => vec!["--events", "10000", "--items", "100", "--rounds", "40"],
        "100k" => vec!["--events", "100000", "--items", "1000", "--rounds", "40"],
        "l" => vec!["--profile", "l"],
        other => panic!("no ledger {other}"),
    }
}

/// Peak resident memory (MB) and wall time of one command, from the
/// operating system (Python's resource module, which every machine here
/// has); panics if it fails.
fn measured(args: &[&str]) -> (f64, Duration) {
    let script = "import resource,subprocess,sys,time\n\
        t=time.perf_counter()\n\
        p=subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.PIPE)\n\
        t=time.perf_counter()-t\n\
        sys.stderr.write(p.stderr.decode(errors='replace'))\n\
        print(p.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, t)";
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(BIN)
        .args(args)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let mut parts = text.split_whitespace();
    let code: i32 = parts.next().unwrap().parse().unwrap();
    let kb: f64 = parts.next().unwrap().parse().unwrap();
    let secs: f64 = parts.next().unwrap().parse().unwrap();
    assert_eq!(
        code,
        0,
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (kb / 1024.0, Duration::from_secs_f64(secs))
}

/// The ledger `name`, generated once and kept; its generation time and
/// peak memory are noted beside it.
fn ledger(name: &str) -> PathBuf {
    let dir = data_dir().join(name);
    let done = data_dir().join(format!("{name}.done"));
    if !done.exists() {
        let _ = std::fs::remove_dir_all(&dir);
        eprintln!("generating ledger {name} in {}", dir.display());
        let mut args = vec!["--quiet", "--store", dir.to_str().unwrap(), "bench-gen"];
        args.extend(gen_args(name));
        args.extend(["--seed", "1"]);
        let (mb, t) = measured(&args);
        eprintln!("generated in {:.1} s, {mb:.0} MB at most", t.as_secs_f64());
        std::fs::write(&done, format!("{:.1} s {mb:.0} MB\n", t.as_secs_f64())).unwrap();
    }
    dir
}

/// The events export of ledger `name`, written once and kept.
fn export(name: &str) -> PathBuf {
    let path = data_dir().join(format!("{name}.jsonl"));
    if !path.exists() {
        let part = data_dir().join(format!("{name}.jsonl.part"));
        let store = ledger(name);
        run(&[
            "--quiet",
            "--store",
            store.to_str().unwrap(),
            "export",
            "--format",
            "events",
            "-o",
            part.to_str().unwrap(),
        ]);
        std::fs::rename(&part, &path).unwrap();
    }
    path
}

fn dir_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let m = e.metadata().unwrap();
            if m.is_dir() {
                dir_bytes(&e.path())
            } else {
                m.len()
            }
        })
        .sum()
}

fn copy_dir(from: &Path, to: &Path) {
    let _ = std::fs::remove_dir_all(to);
    let st = Command::new("cp")
        .arg("-r")
        .arg(from)
        .arg(to)
        .status()
        .unwrap();
    assert!(st.success());
}

fn open(path: &Path) -> Workspace {
    Workspace::open(path, OpenOptions::default()).unwrap()
}

fn sled_config(path: &Path) -> sled::Config {
    sled::Config::new()
        .path(path)
        .cache_capacity(CACHE)
        .flush_every_ms(None)
        // sled opens a store only with the compression it was made with;
        // a new store is made as kamerstand makes one.
        .use_compression(kamerstand::ledger::compressed(path))
        .compression_factor(kamerstand::ledger::COMPRESSION_LEVEL)
}

/// The bare append, run as a process of its own: open the store with sled
/// (as kamerstand configures it), insert one value of an event's size into
/// a tree of its own, flush, fsync the `db` file, exit.
///
/// With `atomic`, the value goes into two trees in one sled transaction
/// (each half of it): sled writes a transaction's batch marker ahead of
/// its entries in a log buffer of its own, a write more to make durable
/// than a single insert.
fn bare_append(dir: &Path, leave: bool, atomic: bool) {
    let db = sled_config(dir).open().unwrap();
    let tree = db.open_tree("bench-bare-append").unwrap();
    let n = tree.len() as u64;
    if atomic {
        use sled::Transactional;
        use sled::transaction::ConflictableTransactionError;
        let other = db.open_tree("bench-bare-append-2").unwrap();
        (&tree, &other)
            .transaction(|(a, b)| {
                a.insert(&n.to_be_bytes(), vec![7u8; 350])?;
                b.insert(&n.to_be_bytes(), vec![7u8; 350])?;
                Ok::<(), ConflictableTransactionError<()>>(())
            })
            .unwrap();
    } else {
        tree.insert(n.to_be_bytes(), vec![7u8; 700]).unwrap();
    }
    db.flush().unwrap();
    std::fs::File::open(dir.join("db"))
        .unwrap()
        .sync_all()
        .unwrap();
    if leave {
        std::mem::forget((db, tree));
    }
}

// ------------------------------------------------------------------ note

/// Target 1: one `note` end to end against the bare append, on a copy of
/// `name`.
fn section_note(r: &mut Report, name: &str, tmp: &Path, n: usize) {
    let copy = tmp.join(format!("{name}-note"));
    copy_dir(&ledger(name), &copy);
    let c = copy.to_str().unwrap();
    let items = open(&copy).keys().unwrap().len() as u64;
    let me = std::env::current_exe().unwrap();
    let mut rng = Rng::new(3);
    // One `note` on a random item of the first half, through the binary.
    let note = |rng: &mut Rng, text: String| {
        let key = format!("M{}", 1 + rng.below(items / 2));
        run(&["--store", c, "--actor", "bench", "note", &key, &text]);
    };
    // The bare append as a process of its own, with the settings `envs`.
    let bare_with = |envs: &[&str]| {
        let mut cmd = Command::new(&me);
        cmd.env(CHILD, &copy);
        for e in envs {
            cmd.env(e, "1");
        }
        assert!(cmd.status().unwrap().success());
    };
    let (ours, bare) = time_pair(
        n,
        |i| {
            note(
                &mut rng,
                format!("Voortgang gemeld in de bench, meting {i}."),
            )
        },
        |_| bare_with(&[]),
    );
    r.vs(
        &format!("1. `note` end to end, {name} (n={n})"),
        ours,
        bare,
        "bare sled open+insert+flush+fsync+exit",
        "<= 1.5 on L",
    );
    // `note` against a bare append with the settings `envs` (`bare`, as
    // the table and the curve name it), `n` pairs: the medians and the
    // median of the paired differences, reported and put in the curve.
    let against = |r: &mut Report,
                   seed: u64,
                   tag: &str,
                   envs: &[&str],
                   (bare, row): (&str, &str),
                   what: &str| {
        let mut rng = Rng::new(seed);
        let (ours, theirs, added) = time_pair_diff(
            n,
            |i| {
                note(
                    &mut rng,
                    format!("Voortgang gemeld in de bench, {tag} {i}."),
                )
            },
            |_| bare_with(envs),
        );
        r.vs(
            &format!(
                "1. `note` end to end, {name} (n={n}), against a {bare} that leaves sled at exit"
            ),
            ours,
            theirs,
            what,
            "what note adds: no larger on L than on S",
        );
        r.value(
            &format!(
                "   what `note` adds to that bare append, {name}: the median of the paired differences"
            ),
            format!("{added:+.1} ms"),
            // The target is the issue's, against the bare insert it names.
            if row.is_empty() {
                "no larger on L than on S"
            } else {
                ""
            },
        );
        r.curve.insert(
            (name.into(), format!("bare append{row}, sled left")),
            ms(theirs),
        );
        r.curve
            .insert((name.into(), format!("note - bare{row}, sled left")), added);
    };
    // The binary leaves sled's state to the end of the process, which the
    // bare append above does not: what kamerstand adds is measured against
    // a bare append that leaves it too.
    against(
        r,
        4,
        "tweede meting",
        &[CHILD_LEAVES],
        ("bare append", ""),
        "bare open+insert+flush+fsync, sled left at exit",
    );
    // An append writes its event and its index entries in one sled
    // transaction, which the bare append above, a single insert, does not:
    // what kamerstand adds is measured once more against a bare append
    // that writes atomically to two trees (and leaves sled at exit).
    against(
        r,
        6,
        "meting naast een transactie",
        &[CHILD_LEAVES, CHILD_ATOMIC],
        (
            "bare append in one transaction over two trees",
            " in a transaction",
        ),
        "bare open+transaction+flush+fsync, sled left at exit",
    );
    // A write reads and checks the whole history of the item it touches
    // (docs/format.md, "What reads trust"): some 10 events an item on S,
    // some 100 on the larger ledgers. The same pairs once more, each
    // `note` on an item registered just before the timing (a history of
    // one event), tell what grows with the ledger from what grows with
    // the item's history.
    let fresh: Vec<String> = (0..=n).map(|i| format!("VERS{i}")).collect();
    for (i, key) in fresh.iter().enumerate() {
        run(&[
            "--store",
            c,
            "--actor",
            "bench",
            "item",
            "add",
            "--kind",
            "motie",
            "--key",
            key,
            "--text",
            &format!("Motie voor de meting van een korte geschiedenis, nummer {i}."),
        ]);
    }
    let (ours_new, theirs_new, added_new) = time_pair_diff(
        n,
        |i| {
            run(&[
                "--store",
                c,
                "--actor",
                "bench",
                "note",
                &fresh[i],
                "Voortgang gemeld in de bench, op een nieuw item.",
            ]);
        },
        |_| bare_with(&[CHILD_LEAVES]),
    );
    r.vs(
        &format!(
            "1. `note` end to end on an item of one event, {name} (n={n}), against a bare append that leaves sled at exit"
        ),
        ours_new,
        theirs_new,
        "bare open+insert+flush+fsync, sled left at exit",
        "what note adds: no larger on L than on S",
    );
    r.value(
        &format!(
            "   what `note` on an item of one event adds to that bare append, {name}: the median of the paired differences"
        ),
        format!("{added_new:+.1} ms"),
        "no larger on L than on S",
    );
    r.curve.insert(
        (
            name.into(),
            "note - bare, sled left, an item of one event".into(),
        ),
        added_new,
    );
    // sled 0.34.7 writes its snapshot of the page table when it opens a
    // store written to since the last snapshot (its `snapshot_after_ops`
    // does nothing): the first command after a write pays for it, a read
    // after a read does not.
    let list = || {
        run(&["--store", c, "round", "list"]);
    };
    let mut rng = Rng::new(5);
    let (mut after_write, mut after_read) = (Vec::new(), Vec::new());
    for i in 0..=n {
        note(
            &mut rng,
            format!("Voortgang gemeld in de bench, derde meting {i}."),
        );
        let (w, r) = (once(list), once(list));
        // The first is a warm-up.
        if i > 0 {
            after_write.push(w);
            after_read.push(r);
        }
    }
    r.vs(
        &format!("   `round list` on {name} after a `note` (sled writes its snapshot) (n={n})"),
        median(after_write),
        median(after_read),
        "`round list` after `round list`",
        "",
    );
    r.curve.insert((name.into(), "note".into()), ms(ours));
    r.curve
        .insert((name.into(), "bare append".into()), ms(bare));
    r.curve
        .insert((name.into(), "note - bare".into()), ms(ours) - ms(bare));
    let _ = std::fs::remove_dir_all(&copy);
}

// ----------------------------------------------------------------- views

/// The questions of a workload (benches/peers/workload.py), parsed.
struct Questions {
    as_of: Vec<At>,
    rounds: Vec<String>,
    days: Vec<Day>,
    diffs: Vec<(String, String)>,
    json: PathBuf,
}

fn questions(name: &str, runs: usize) -> Questions {
    let path = data_dir().join(format!("{name}.work{runs}.json"));
    if !path.exists() {
        let out = stdout_of(
            Command::new("python3")
                .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/peers/workload.py"))
                .arg(export(name))
                .args(["--runs", &runs.to_string(), "--seed", "1"]),
        );
        std::fs::write(&path, out).unwrap();
    }
    let w: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let strings = |k: &str| -> Vec<String> {
        w[k].as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    };
    Questions {
        as_of: strings("as_of")
            .iter()
            .map(|t| At::parse("--as-of", t).unwrap())
            .collect(),
        rounds: strings("rounds"),
        days: strings("days")
            .iter()
            .map(|d| Day::parse("--effective", d).unwrap())
            .collect(),
        diffs: w["diff"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p[0].as_str().unwrap().to_string(),
                    p[1].as_str().unwrap().to_string(),
                )
            })
            .collect(),
        json: path,
    }
}

/// The SQLite peer of ledger `name`, loaded once and kept; its medians on
/// the workload of `runs` runs.
fn sqlite(name: &str, q: &Questions) -> serde_json::Value {
    let db = data_dir().join(format!("{name}.sqlite"));
    let peers = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/peers");
    if !db.exists() {
        let part = data_dir().join(format!("{name}.sqlite.part"));
        let _ = std::fs::remove_file(&part);
        let st = Command::new("python3")
            .arg(peers.join("sqlite_peer.py"))
            .arg("load")
            .arg(export(name))
            .arg(&part)
            .stdout(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(st.success());
        std::fs::rename(&part, &db).unwrap();
    }
    let out = Command::new("python3")
        .arg(peers.join("sqlite_peer.py"))
        .arg("bench")
        .arg(&db)
        .arg("--workload")
        .arg(&q.json)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn peer_ms(v: &serde_json::Value, key: &str) -> Duration {
    Duration::from_secs_f64(v[key].as_f64().unwrap_or(f64::NAN) / 1e3)
}

/// Target 2: the views on `name`, in process after open, against a full
/// replay and the SQLite peer on the same questions (`runs` of each).
fn section_views(r: &mut Report, name: &str, runs: usize, with_peer: bool) {
    let q = questions(name, runs);
    let ws = open(&ledger(name));
    let round = |n: &str| ws.round(n).unwrap().unwrap();
    let view = |b: Basis, d: Option<Day>| {
        let v = ws.view(b, d).unwrap();
        assert!(!v.items.is_empty());
    };
    let mut figures = vec![
        ("current", time_runs(runs, |_| view(Basis::Current, None))),
        (
            "as of a random instant",
            time_runs(runs, |i| view(Basis::AsOf(q.as_of[i].clone()), None)),
        ),
        (
            "a random round",
            time_runs(runs, |i| view(Basis::Round(round(&q.rounds[i])), None)),
        ),
        (
            "on a random effective day",
            time_runs(runs, |i| view(Basis::Current, Some(q.days[i]))),
        ),
    ];
    figures.push((
        "diff of two random rounds",
        time_runs(runs, |i| {
            let (a, b) = &q.diffs[i];
            let c = compare(
                &ws,
                &Side::Round(a.clone()),
                &Side::Round(b.clone()),
                false,
                false,
            )
            .unwrap();
            assert!(!c.to.items.is_empty());
        }),
    ));
    // The baseline: the same view by a full replay of the events.
    let replay = time_runs(2, |i| {
        let v = View::replay(ws.ledger().events(), Basis::AsOf(q.as_of[i].clone()), None).unwrap();
        assert!(v.chain.events > 0);
    });
    // The same views one per process, as a command gives them: a fresh
    // process opens the store and times the view after its open. In one
    // process the views above follow each other, and a view after others
    // pays for what they left in sled's cache and the allocator.
    // The store is this process's until it is dropped.
    drop(ws);
    let store = ledger(name);
    let per_command = |view: &dyn Fn(usize) -> String| view_per_command(&store, runs, view);
    let commands = [
        ("current", per_command(&|_| "current".into())),
        (
            "as of a random instant",
            per_command(&|i| format!("as-of {}", q.as_of[i].at)),
        ),
        (
            "a random round",
            per_command(&|i| format!("round {}", q.rounds[i])),
        ),
        (
            "on a random effective day",
            per_command(&|i| format!("effective {}", q.days[i])),
        ),
        (
            "diff of two random rounds",
            per_command(&|i| format!("diff {} {}", q.diffs[i].0, q.diffs[i].1)),
        ),
    ];
    let peer = with_peer.then(|| sqlite(name, &q));
    let peer_key = [
        "current_ms",
        "as_of_ms",
        "round_ms",
        "effective_ms",
        "diff_ms",
    ];
    for (how, times) in [
        ("after open", &figures[..]),
        ("one per process after open", &commands[..]),
    ] {
        for ((what, t), key) in times.iter().zip(peer_key) {
            let label = format!("2. view {what}, {name}, {how} (n={runs})");
            r.vs(&label, *t, replay, "full replay", "<= 50 ms, ratio <= 0.01");
            if let Some(p) = &peer {
                r.vs(
                    "   the same against the SQLite peer (its views in one process)",
                    *t,
                    peer_ms(p, key),
                    &format!("SQLite {key}"),
                    "ratio <= 1",
                );
            }
        }
    }
    // The cost curve keeps the views in one process, as measured before.
    for (what, t) in &figures {
        r.curve.insert((name.into(), (*what).to_string()), ms(*t));
    }
    r.curve
        .insert((name.into(), "full replay".into()), ms(replay));
}

/// The median time of a view (as [`CHILD_VIEW`] names it, for runs
/// 1..=`runs`) after the open, each in a process of its own on `store`;
/// run 0 is a warm-up.
fn view_per_command(store: &Path, runs: usize, view: &dyn Fn(usize) -> String) -> Duration {
    let times: Vec<Duration> = (0..=runs)
        .map(|i| {
            let text = stdout_of(
                Command::new(std::env::current_exe().unwrap())
                    .env(CHILD_STORE, store)
                    .env(CHILD_VIEW, view(i)),
            );
            Duration::from_secs_f64(text.trim().parse::<f64>().unwrap() / 1e3)
        })
        .collect();
    median(times[1..].to_vec())
}

// ---------------------------------------------------------------- floors

/// What a view cannot go below: each tree of `name` read whole by one
/// thread through sled's iterator, nothing decoded (after a fresh open,
/// which is not timed; median of three), beside the views that read it.
/// A view that reads a tree whole pays at least this; one that descends
/// per item pays the leaves it lands on. And the view on an effective day
/// split: on the random days (an item whose latest note takes effect
/// after the day has its note on the day read from `ix_notes`) and on a
/// day after every note (no note read).
fn section_floors(r: &mut Report, name: &str, runs: usize) {
    let l = ledger(name);
    for tree in TREES_A.iter().chain(&TREES_B) {
        let mut sizes = (0u64, 0u64);
        let mut times: Vec<Duration> = (0..3)
            .map(|_| {
                let db = sled_config(&l).open().unwrap();
                let t = db.open_tree(tree).unwrap();
                let start = Instant::now();
                let (mut n, mut bytes) = (0u64, 0u64);
                for kv in t.iter() {
                    let (k, v) = kv.unwrap();
                    n += 1;
                    bytes += (k.len() + v.len()) as u64;
                }
                sizes = (n, bytes);
                start.elapsed()
            })
            .collect();
        times.sort();
        r.value(
            &format!(
                "   floor: `{tree}` of {name} read whole, one thread ({} entries, {:.1} MB; n=3)",
                sizes.0,
                sizes.1 as f64 / 1e6
            ),
            format!("{} ms", shown(ms(times[1]))),
            "",
        );
    }
    let q = questions(name, runs);
    let on_days = view_per_command(&l, runs, &|i| format!("effective {}", q.days[i]));
    let after_notes = view_per_command(&l, runs, &|_| "effective 2999-12-31".into());
    let current = view_per_command(&l, runs, &|_| "current".into());
    r.vs(
        &format!("   view on a random effective day, {name}, one per process (n={runs})"),
        on_days,
        after_notes,
        "on a day after every note",
        "",
    );
    r.vs(
        &format!("   view on a day after every note, {name}, one per process (n={runs})"),
        after_notes,
        current,
        "current",
        "",
    );
}

// ---------------------------------------------------------------- verify

/// Reads every key and value of the trees `names` once; the bytes read.
fn scan_trees(db: &sled::Db, names: &[&str]) -> u64 {
    let mut bytes = 0u64;
    for n in names {
        let t = db.open_tree(n).unwrap();
        for kv in t.iter() {
            let (k, v) = kv.unwrap();
            bytes += (k.len() + v.len()) as u64;
        }
    }
    bytes
}

/// The trees kamerstand keeps, split in two halves of about equal size
/// for a scan on two threads.
const TREES_A: [&str; 3] = ["events", "by_item", "ix_current"];
const TREES_B: [&str; 9] = [
    "ix_versions",
    "ix_facts",
    "ix_notes",
    "ix_keys",
    "ix_rounds",
    "ix_registry",
    "ix_frames",
    "merkle_chunks",
    "meta",
];

/// Target 3: `verify` (chain and index, in process) against a bare sled
/// scan of the same trees on two threads, and on one.
fn section_verify(r: &mut Report, name: &str, n: usize) {
    let l = ledger(name);
    let events = Ledger::open(&l, OpenOptions::default())
        .unwrap()
        .head()
        .unwrap()
        .seq
        + 1;
    let scan2 = || {
        let db = sled_config(&l).open().unwrap();
        let bytes = std::thread::scope(|s| {
            let a = s.spawn(|| scan_trees(&db, &TREES_A));
            let b = s.spawn(|| scan_trees(&db, &TREES_B));
            a.join().unwrap() + b.join().unwrap()
        });
        assert!(bytes > 0);
    };
    let (ours, bare2) = time_pair(
        n,
        |_| {
            let ledger = Ledger::open_for_verify(&l, OpenOptions::default()).unwrap();
            let out = kamerstand::app::verify::verify_ledger(
                &ledger,
                None,
                kamerstand::app::verify::Rebuild::No,
                &Quiet,
            )
            .unwrap();
            assert!(out.ok() && out.chain.events_checked == events, "{out:?}");
        },
        |_| scan2(),
    );
    let bare1 = time_runs(n.min(3), |_| {
        let db = sled_config(&l).open().unwrap();
        let mut all = TREES_A.to_vec();
        all.extend(TREES_B);
        assert!(scan_trees(&db, &all) > 0);
    });
    r.vs(
        &format!("3. verify {name} (chain and index), in process (n={n})"),
        ours,
        bare2,
        "bare sled scan of the same trees, two threads",
        "<= 1.25 (>= 0.8x the throughput)",
    );
    r.vs(
        "   the same against a one-thread scan",
        ours,
        bare1,
        "bare sled scan, one thread",
        "",
    );
    let (mb, cli) = measured(&["--quiet", "--store", l.to_str().unwrap(), "verify"]);
    r.vs(
        &format!("   `verify` {name} end to end, {mb:.0} MB peak"),
        cli,
        bare2,
        "bare scan, two threads",
        "",
    );
}

// ---------------------------------------------------------------- import

/// Target 4: importing the events export of `name` end to end against a
/// bare batch insert of the same event bytes.
fn section_import(r: &mut Report, name: &str, tmp: &Path) {
    let export = export(name);
    let target = tmp.join(format!("{name}-restored"));
    let _ = std::fs::remove_dir_all(&target);
    let (mb, ours) = measured(&[
        "--quiet",
        "--store",
        target.to_str().unwrap(),
        "import",
        export.to_str().unwrap(),
    ]);
    let restored_bytes = dir_bytes(&target);
    let _ = std::fs::remove_dir_all(&target);
    // The same stored values (hash ‖ canonical bytes), batch-inserted in
    // chunks of 4,096 into one tree, flushed and fsynced.
    let rows: Vec<(u64, Vec<u8>)> = {
        let ledger = Ledger::open(&ledger(name), OpenOptions::default()).unwrap();
        ledger
            .events()
            .map(|e| {
                let e = e.unwrap();
                let bytes = kamerstand::ledger::codec::encode(&e.envelope).unwrap();
                let mut v = e.hash.0.to_vec();
                v.extend_from_slice(&bytes);
                (e.envelope.seq, v)
            })
            .collect()
    };
    let bare_dir = tmp.join("bare-import");
    // The bare insert writes a new store as kamerstand does (compressed),
    // and once more uncompressed, as sled does by default.
    let bare_insert = |compress: bool| {
        let _ = std::fs::remove_dir_all(&bare_dir);
        let db = sled_config(&bare_dir)
            .use_compression(compress)
            .open()
            .unwrap();
        let tree = db.open_tree("events").unwrap();
        for (i, chunk) in rows.chunks(4096).enumerate() {
            let mut b = sled::Batch::default();
            for (seq, v) in chunk {
                b.insert(&seq.to_be_bytes(), v.as_slice());
            }
            tree.apply_batch(b).unwrap();
            if i % 16 == 15 {
                db.flush().unwrap();
            }
        }
        db.flush().unwrap();
        std::fs::File::open(bare_dir.join("db"))
            .unwrap()
            .sync_all()
            .unwrap();
    };
    let _ = std::fs::remove_dir_all(&bare_dir);
    let compressed = kamerstand::ledger::compressed(&bare_dir);
    let bare = once(|| bare_insert(compressed));
    let bare_plain = once(|| bare_insert(false));
    drop(rows);
    let _ = std::fs::remove_dir_all(&bare_dir);
    let export_bytes = std::fs::metadata(&export).unwrap().len();
    r.vs(
        &format!(
            "4. import {name}'s events export ({:.2} GB), end to end, {mb:.0} MB peak",
            export_bytes as f64 / 1e9
        ),
        ours,
        bare,
        "bare sled batch insert of the same event bytes",
        "<= 2 (>= 0.5x the bare speed)",
    );
    r.vs(
        "   the same against an uncompressed bare insert",
        ours,
        bare_plain,
        "bare sled batch insert, uncompressed",
        "",
    );
    r.value(
        &format!("5. restored store {name} / its events export"),
        format!(
            "{:.2} GB / {:.2} GB = {:.2}",
            restored_bytes as f64 / 1e9,
            export_bytes as f64 / 1e9,
            restored_bytes as f64 / export_bytes as f64
        ),
        "<= 1.5",
    );
}

// ---------------------------------------------------------------- memory

/// Target 5: peak resident memory of every command on `name`, and the
/// store's size against its events export.
fn section_memory(r: &mut Report, name: &str, tmp: &Path) {
    let l = ledger(name);
    let src = l.to_str().unwrap();
    let copy = tmp.join(format!("{name}-write"));
    copy_dir(&l, &copy);
    let w = copy.to_str().unwrap();
    let q = questions(name, 5);
    let at = q.as_of[1].at.rfc3339();
    let day = q.days[1].to_string();
    let (r1, r2) = q.diffs[1].clone();
    let out = tmp.join("out");
    let out = out.to_str().unwrap();
    // An annex of every item as a round left it, imported again: a
    // status change, a change of responsible and a note for most items.
    let annex = tmp.join("annex.csv");
    let annex = annex.to_str().unwrap();
    run(&[
        "--store", src, "export", "--format", "csv", "--round", &r1, "-o", annex,
    ]);
    let commands: Vec<Vec<&str>> = vec![
        vec!["--store", src, "overview"],
        vec!["--store", src, "--format", "json", "overview"],
        vec!["--store", src, "overview", "--as-of", &at],
        vec!["--store", src, "overview", "--round", &r1],
        vec!["--store", src, "overview", "--effective", &day],
        vec!["--store", src, "item", "list"],
        vec!["--store", src, "show", "M5"],
        vec!["--store", src, "log", "--limit", "20"],
        vec!["--store", src, "log", "--item", "M5"],
        vec!["--store", src, "round", "list"],
        vec!["--store", src, "round", "digest", &r1],
        vec!["--store", src, "diff", &r1, &r2],
        vec!["--store", src, "diff", "--events", &r1, &r2],
        vec!["--store", src, "export", "--format", "html", "-o", out],
        vec!["--store", src, "export", "--format", "csv", "-o", out],
        vec!["--store", src, "export", "--format", "events", "-o", out],
        vec!["--store", src, "--quiet", "verify"],
        vec!["--store", w, "note", "M5", "Geheugen gemeten."],
        vec!["--store", w, "status", "M6", "vertraagd"],
        vec!["--store", w, "import", annex, "--dry-run"],
        vec!["--store", w, "import", annex],
        vec!["--store", w, "round", "seal", "bench-ronde"],
    ];
    for c in commands {
        let (mb, t) = measured(&c);
        let shown: Vec<&str> = c[2..]
            .iter()
            .map(|a| match *a {
                a if a == out => "OUT",
                a if a == annex => "ANNEX.csv",
                a => a,
            })
            .collect();
        r.value(
            &format!("5. peak RSS, {name}: {}", shown.join(" ")),
            format!("{mb:.0} MB ({:.2} s)", t.as_secs_f64()),
            "<= 256 MB",
        );
    }
    let _ = std::fs::remove_dir_all(&copy);
    let export_bytes = std::fs::metadata(export(name)).unwrap().len();
    let store = dir_bytes(&l);
    r.value(
        &format!("5. store {name} as generated / its events export"),
        format!(
            "{:.2} GB / {:.2} GB = {:.2}",
            store as f64 / 1e9,
            export_bytes as f64 / 1e9,
            store as f64 / export_bytes as f64
        ),
        "<= 1.5",
    );
    if let Ok(g) = std::fs::read_to_string(data_dir().join(format!("{name}.done"))) {
        r.value(&format!("   generating {name}"), g.trim().to_string(), "");
    }
}

// ---------------------------------------------------------------- state

/// How large every item's folded state is when all are held at once (what
/// a fold of every item in one scan of the events would keep with today's
/// `ItemState`), by part: the capacities of its vectors and strings added
/// up by hand. The value of a fact, a note's text and an item's text,
/// citations and submitters are counted twice: `ItemState` keeps them as
/// in force and as first recorded. Not a timing: no ratio.
fn section_state(r: &mut Report, name: &str) {
    use kamerstand::domain::Responsible;
    use kamerstand::projection::state::{Change, TimelineEntry};
    use kamerstand::projection::{Amendment, Fact, ItemState, Note};
    use std::mem::{size_of, size_of_val};
    let ledger = Ledger::open(&ledger(name), OpenOptions::default()).unwrap();
    let state = kamerstand::projection::State::replay_results(ledger.events()).unwrap();
    let st = |s: &String| s.capacity();
    let vs = |v: &Vec<String>| v.capacity() * size_of::<String>() + v.iter().map(st).sum::<usize>();
    let resp = |p: &Responsible| {
        size_of_val(p.codes())
            + p.codes()
                .iter()
                .map(|c| c.portfolio.capacity())
                .sum::<usize>()
    };
    let opt = |s: &Option<String>| s.as_ref().map_or(0, st);
    let change = |c: &Change| match c {
        Change::Registered {
            status,
            responsible,
        } => st(status) + resp(responsible),
        Change::Status { from, to, reason } => st(from) + st(to) + opt(reason),
        Change::Responsible { from, to, reason } => resp(from) + resp(to) + opt(reason),
        Change::Note { text, citations } => st(text) + vs(citations),
        Change::Amended {
            text,
            citations,
            submitters,
            reason,
        } => {
            opt(text)
                + citations.as_ref().map_or(0, vs)
                + submitters.as_ref().map_or(0, vs)
                + opt(reason)
        }
        Change::Detailed {
            made_in,
            previous_responsible,
            reason,
            ..
        } => opt(made_in) + previous_responsible.as_ref().map_or(0, resp) + opt(reason),
        Change::Corrected {
            reason,
            replacement,
            ..
        } => {
            st(reason)
                + opt(&replacement.status)
                + opt(&replacement.note)
                + replacement.responsible.as_ref().map_or(0, resp)
        }
    };
    let mut parts = [0usize; 8];
    let mut facts = 0usize;
    for it in state.items.values() {
        parts[0] += it.timeline.capacity() * size_of::<TimelineEntry>()
            + it.timeline
                .iter()
                .map(|e| st(&e.actor) + e.corrected_by.capacity() * 8 + change(&e.change))
                .sum::<usize>();
        parts[1] += it
            .notes
            .iter()
            .map(|n| 2 * st(&n.text) + vs(&n.citations) + st(&n.actor))
            .sum::<usize>();
        parts[2] += it.notes.capacity() * size_of::<Note>();
        parts[3] += it.statuses.capacity() * size_of::<Fact<String>>()
            + it.statuses.iter().map(|f| 2 * st(&f.value)).sum::<usize>();
        parts[4] += it.assignments.capacity() * size_of::<Fact<Responsible>>()
            + it.assignments
                .iter()
                .map(|f| 2 * resp(&f.value))
                .sum::<usize>();
        parts[5] += it.amendments.capacity() * size_of::<Amendment>()
            + it.amendments
                .iter()
                .map(|a| {
                    opt(&a.text)
                        + a.citations.as_ref().map_or(0, vs)
                        + a.submitters.as_ref().map_or(0, vs)
                })
                .sum::<usize>();
        parts[6] +=
            size_of::<ItemState>() + 2 * (st(&it.text) + vs(&it.citations) + vs(&it.submitters));
        facts += it.statuses.len() + it.assignments.len() + it.notes.len();
    }
    let mib = |b: usize| b as f64 / f64::from(1u32 << 20);
    let total: usize = parts.iter().sum();
    let largest = state
        .items
        .values()
        .map(|i| i.timeline.len())
        .max()
        .unwrap_or(0);
    r.line(format!(
        "| state of every item of {name} held at once ({} items, {facts} dated facts, largest item {largest} events) | {:.1} MiB | timeline {:.1}, notes' texts, citations and actors {:.1}, notes' other fields {:.1}, statuses {:.1}, assignments {:.1}, amendments {:.1}, items' own fields {:.1} | | |",
        state.items.len(),
        mib(total),
        mib(parts[0]),
        mib(parts[1]),
        mib(parts[2]),
        mib(parts[3]),
        mib(parts[4]),
        mib(parts[5]),
        mib(parts[6]),
    ));
}

// ------------------------------------------------------------------ open

/// sled's open (and kamerstand's) against the size of the store, and what
/// sled 0.34.7's configuration changes about it.
fn section_open(r: &mut Report, tmp: &Path, names: &[&str]) {
    for name in names {
        let l = ledger(name);
        let size = dir_bytes(&l) as f64 / 1e9;
        let (bare, ours) = time_pair(
            7,
            |_| {
                let db = sled_config(&l).open().unwrap();
                let t = db.open_tree("meta").unwrap();
                assert!(t.get("head").unwrap().is_some());
            },
            |_| drop(open(&l)),
        );
        r.vs(
            &format!("   open {name} ({size:.2} GB): Workspace::open"),
            ours,
            bare,
            "sled's open and one read",
            "",
        );
        r.curve
            .insert((name.to_string(), "sled open".into()), ms(bare));
        let cli = time_runs(7, |_| {
            run(&["--store", l.to_str().unwrap(), "round", "list"]);
        });
        r.value(
            &format!("   `round list` on {name}, end to end"),
            format!("{:.1} ms", ms(cli)),
            "",
        );
    }
    // What can be tuned: the cache, the mode, and (when a store is made)
    // the segment size. Each on a copy made with sled itself.
    let big = *names.last().unwrap();
    let l = ledger(big);
    type Make = Box<dyn Fn(&Path) -> sled::Config>;
    let configs: Vec<(&str, Make)> = vec![
        ("cache 32 MiB (ours)", Box::new(sled_config)),
        (
            "cache 8 MiB",
            Box::new(|p| sled_config(p).cache_capacity(8 << 20)),
        ),
        (
            "cache 256 MiB",
            Box::new(|p| sled_config(p).cache_capacity(256 << 20)),
        ),
        (
            "high-throughput mode",
            Box::new(|p| sled_config(p).mode(sled::Mode::HighThroughput)),
        ),
    ];
    for (what, make) in &configs {
        let t = time_runs(5, |_| {
            let db = make(&l).open().unwrap();
            let t = db.open_tree("meta").unwrap();
            assert!(t.get("head").unwrap().is_some());
        });
        r.value(
            &format!("   sled open of {big}, {what}"),
            format!("{:.1} ms", ms(t)),
            "",
        );
    }
    for seg in [1usize << 20, 8 << 20] {
        let copy = tmp.join(format!("seg-{seg}"));
        let _ = std::fs::remove_dir_all(&copy);
        {
            let from = sled_config(&l).open().unwrap();
            let to = sled_config(&copy).segment_size(seg).open().unwrap();
            for name in from.tree_names() {
                let (a, b) = (from.open_tree(&name).unwrap(), to.open_tree(&name).unwrap());
                let mut batch = sled::Batch::default();
                let mut n = 0;
                for kv in a.iter() {
                    let (k, v) = kv.unwrap();
                    batch.insert(k, v);
                    n += 1;
                    if n % 4096 == 0 {
                        b.apply_batch(std::mem::take(&mut batch)).unwrap();
                        to.flush().unwrap();
                    }
                }
                b.apply_batch(batch).unwrap();
            }
            to.flush().unwrap();
        }
        let t = time_runs(5, |_| {
            let db = sled_config(&copy).segment_size(seg).open().unwrap();
            let t = db.open_tree("meta").unwrap();
            assert!(t.get("head").unwrap().is_some());
        });
        r.value(
            &format!(
                "   sled open of a copy of {big} written with {} MiB segments ({:.2} GB)",
                seg >> 20,
                dir_bytes(&copy) as f64 / 1e9
            ),
            format!("{:.1} ms", ms(t)),
            "",
        );
        let _ = std::fs::remove_dir_all(&copy);
    }
}

// ---------------------------------------------------------------- proofs

/// Issue 15: proof generation after open (`proof inclusion`, `proof item`,
/// `proof consistency`, as the commands make them) against what each must
/// read anyway, the commands end to end against the floor of any command
/// (`round list`), the proofs' sizes, and the append with the Merkle tree
/// against the same append without it (in process, durable, alternated on
/// two copies of `name`).
fn section_proofs(r: &mut Report, name: &str, tmp: &Path, n: usize) {
    use kamerstand::app::proofs;
    use kamerstand::formats::proof::ProofDoc;
    let l = ledger(name);
    let ws = open(&l);
    let rounds: Vec<_> = ws
        .rounds()
        .unwrap()
        .into_iter()
        .filter(|r| r.tree.is_some())
        .collect();
    assert!(rounds.len() >= 2, "{name} has no two v2 seals");
    let items = ws.keys().unwrap().len() as u64;
    let events = ws.ledger().head().unwrap().seq + 1;
    let mut rng = Rng::new(15);
    // The questions, drawn once: (round, seq below its seal), (round,
    // item key), (earlier round, later round).
    let inclusion: Vec<(String, u64)> = (0..=n)
        .map(|_| {
            let r = &rounds[rng.index(rounds.len())];
            (r.name.clone(), rng.below(r.seq))
        })
        .collect();
    let item_q: Vec<(String, String)> = (0..=n)
        .map(|_| {
            let r = &rounds[rounds.len() - 1 - rng.index(rounds.len() / 2)];
            (r.name.clone(), format!("M{}", 1 + rng.below(items / 2)))
        })
        .collect();
    let pairs: Vec<(String, String)> = (0..=n)
        .map(|_| {
            let a = rng.index(rounds.len() - 1);
            let b = a + 1 + rng.index(rounds.len() - 1 - a);
            (rounds[a].name.clone(), rounds[b].name.clone())
        })
        .collect();
    let depth = (64 - (events - 1).leading_zeros()) as usize;
    // Inclusion: the proof against a hash-checked read of the same event.
    let (ours, base) = time_pair(
        n,
        |i| {
            let (round, seq) = &inclusion[i];
            let p = proofs::proof_inclusion(&ws, *seq, round).unwrap();
            assert!(p.path.len() <= depth);
        },
        |i| {
            let (_, seq) = &inclusion[i];
            assert!(ws.ledger().get(*seq).unwrap().is_some());
        },
    );
    r.vs(
        &format!(
            "15. `proof inclusion` of a random event in a random round, {name}, after open (n={n})"
        ),
        ours,
        base,
        "reading that event (hash-checked)",
        "<= 5 ms",
    );
    r.curve
        .insert((name.into(), "proof inclusion".into()), ms(ours));
    // An item's proof: its events up to the round, each with its path,
    // against reading those events.
    let (ours, base) = time_pair(
        n,
        |i| {
            let (round, key) = &item_q[i];
            let p = proofs::proof_item(&ws, key, round).unwrap();
            assert!(!p.events.is_empty());
        },
        |i| {
            let (round, key) = &item_q[i];
            let id = ws.resolve(key).unwrap().id;
            let upto = ws.round(round).unwrap().unwrap().seq;
            assert!(!ws.ledger().item_history_upto(id, upto).unwrap().is_empty());
        },
    );
    r.vs(
        &format!(
            "15. `proof item` of a random motion in a recent round, {name}, after open (n={n})"
        ),
        ours,
        base,
        "reading that item's events up to the round",
        "<= 5 ms",
    );
    r.curve.insert((name.into(), "proof item".into()), ms(ours));
    let (ours, base) = time_pair(
        n,
        |i| {
            let (a, b) = &pairs[i];
            let p = proofs::proof_consistency(&ws, a, b).unwrap();
            assert!(p.size1 < p.size2);
        },
        |i| {
            let (_, b) = &pairs[i];
            let size = ws.round(b).unwrap().unwrap().seq;
            ws.ledger().tree_root(size).unwrap();
        },
    );
    r.vs(
        &format!("15. `proof consistency` of two random rounds, {name}, after open (n={n})"),
        ours,
        base,
        "the later round's root from the stored tree",
        "<= 5 ms",
    );
    r.curve
        .insert((name.into(), "proof consistency".into()), ms(ours));
    // Sizes: every proof as the command prints it.
    let mut incl: Vec<(usize, usize, usize)> = inclusion
        .iter()
        .map(|(round, seq)| {
            let p = proofs::proof_inclusion(&ws, *seq, round).unwrap();
            let (event, path) = (p.event_bytes.len(), p.path.len());
            let json = ProofDoc::Inclusion(p).to_json().len();
            (json, event, path)
        })
        .collect();
    incl.sort_unstable();
    let (json_med, event_med, path_med) = incl[incl.len() / 2];
    let json_max = incl.iter().map(|t| t.0).max().unwrap();
    // What the proof adds to the event it carries (hex, two characters a
    // byte, in the JSON).
    let mut own: Vec<usize> = incl.iter().map(|(j, e, _)| j - 2 * e).collect();
    own.sort_unstable();
    r.value(
        &format!("15. `proof inclusion` JSON size, {name} ({} proofs)", incl.len()),
        format!(
            "median {json_med} B (event {event_med} B, path {path_med} hashes = {} B), largest {json_max} B; without the event's hex: median {} B, largest {} B",
            32 * path_med,
            own[own.len() / 2],
            own[own.len() - 1]
        ),
        "<= 2 KB",
    );
    let mut item_sizes: Vec<(usize, usize)> = item_q
        .iter()
        .map(|(round, key)| {
            let p = proofs::proof_item(&ws, key, round).unwrap();
            let events = p.events.len();
            (ProofDoc::Item(p).to_json().len(), events)
        })
        .collect();
    item_sizes.sort_unstable();
    let (item_med, item_events) = item_sizes[item_sizes.len() / 2];
    r.value(
        &format!(
            "15. `proof item` JSON size, {name} ({} proofs)",
            item_sizes.len()
        ),
        format!(
            "median {:.1} KB ({item_events} events), largest {:.1} KB",
            item_med as f64 / 1e3,
            item_sizes[item_sizes.len() - 1].0 as f64 / 1e3
        ),
        "",
    );
    let cons = proofs::proof_consistency(&ws, &pairs[0].0, &pairs[0].1).unwrap();
    r.value(
        &format!("15. `proof consistency` JSON size, {name}"),
        format!(
            "{} B ({} hashes)",
            ProofDoc::Consistency(cons.clone()).to_json().len(),
            cons.path.len()
        ),
        "",
    );
    drop(ws);
    // The commands end to end, against the floor of every command.
    let store = l.to_str().unwrap();
    let (incl_cli, floor) = time_pair(
        n.min(11),
        |i| {
            let (round, seq) = &inclusion[i];
            run(&[
                "--store",
                store,
                "proof",
                "inclusion",
                &seq.to_string(),
                "--round",
                round,
            ]);
        },
        |_| {
            run(&["--store", store, "round", "list"]);
        },
    );
    r.vs(
        &format!("15. `proof inclusion` end to end, {name} (n={})", n.min(11)),
        incl_cli,
        floor,
        "`round list` end to end",
        "",
    );
    let item_cli = time_runs(n.min(11), |i| {
        let (round, key) = &item_q[i];
        run(&["--store", store, "proof", "item", key, "--round", round]);
    });
    r.vs(
        &format!("15. `proof item` end to end, {name} (n={})", n.min(11)),
        item_cli,
        floor,
        "`round list` end to end",
        "",
    );
    // What the tree takes in the store.
    {
        let db = sled_config(&l).open().unwrap();
        let tree = scan_trees(&db, &["merkle_chunks"]);
        let chunks = db.open_tree("merkle_chunks").unwrap().len();
        r.value(
            &format!("15. the Merkle tree in store {name}"),
            format!(
                "{chunks} chunks of up to 16 nodes, {:.1} MB of keys and values ({:.1}% of the store's {:.2} GB on disk)",
                tree as f64 / 1e6,
                100.0 * tree as f64 / dir_bytes(&l) as f64,
                dir_bytes(&l) as f64 / 1e9
            ),
            "",
        );
    }
    // The append: a note with the tree's nodes (frontier read, leaf hash,
    // nodes and mark in the transaction) against the same note without,
    // alternated on two copies; a store over 1 GB (L) is copied once, for
    // lack of disk, and the notes with the tree come first, then those
    // without (a ledger without its tree cannot go back to it).
    let keys: Vec<String> = (0..=2 * n)
        .map(|_| format!("M{}", 1 + rng.below(items / 2)))
        .collect();
    // Each note's text is new (a count over every note of this section):
    // the warm-up and the timed runs note the same items, and a note that
    // repeats the item's latest is refused as recording nothing.
    let written = std::cell::Cell::new(0u64);
    let note = |ws: &mut Workspace, i: usize| {
        let item = ws.resolve(&keys[i]).unwrap().id;
        let effective = ws.today();
        written.set(written.get() + 1);
        ws.record(
            "bench",
            kamerstand::domain::EventBody::ProgressNoted {
                item,
                text: format!("Voortgang gemeld in de bench, meting {}.", written.get()),
                citations: vec![],
                effective,
            },
        )
        .unwrap();
    };
    let runs = 2 * n;
    let with_dir = tmp.join(format!("{name}-tree"));
    let without_dir = tmp.join(format!("{name}-notree"));
    copy_dir(&l, &with_dir);
    let one_copy = dir_bytes(&l) > 1 << 30;
    let (t_with, t_without, how) = if one_copy {
        let mut ws = open(&with_dir);
        // As many notes first, untimed, so that the timed ones with the
        // tree find sled's cache as warm as those without will.
        for i in 0..runs {
            note(&mut ws, i);
        }
        let t_with = time_runs(runs, |i| note(&mut ws, i));
        ws.without_tree();
        let t_without = time_runs(runs, |i| note(&mut ws, i));
        (t_with, t_without, "one copy, warmed, with then without")
    } else {
        copy_dir(&l, &without_dir);
        let mut with = open(&with_dir);
        let mut without = open(&without_dir);
        without.without_tree();
        let (a, b) = time_pair(runs, |i| note(&mut with, i), |i| note(&mut without, i));
        (a, b, "two copies, alternated")
    };
    r.vs(
        &format!(
            "15. one note appended with the Merkle tree, {name}, in process, durable ({how}, n={runs})"
        ),
        t_with,
        t_without,
        "the same note without the tree",
        "<= 1.10",
    );
    r.curve
        .insert((name.into(), "note in process".into()), ms(t_with));
    // What a `note` process reads of the tree before it appends: the
    // frontier (the roots of the perfect subtrees), read cold, just after
    // the store was opened, as a new process does.
    let (frontier, opened) = {
        let mut reads = Vec::new();
        let mut opens = Vec::new();
        for _ in 0..=n.min(11) {
            let t = Instant::now();
            let ledger = Ledger::open(&l, OpenOptions::default()).unwrap();
            opens.push(t.elapsed());
            let size = ledger.tree_size().unwrap().unwrap();
            let t = Instant::now();
            ledger.tree_root(size).unwrap();
            reads.push(t.elapsed());
        }
        (median(reads), median(opens))
    };
    r.vs(
        &format!("15. the frontier an append reads, just after open, {name}"),
        frontier,
        opened,
        "Ledger::open",
        "",
    );
    r.curve
        .insert((name.into(), "note without tree".into()), ms(t_without));
    let _ = std::fs::remove_dir_all(&with_dir);
    let _ = std::fs::remove_dir_all(&without_dir);
}

// ----------------------------------------------------------------- curve

/// Target 6: the figures of 1 and 2 at 10k, 100k and 1M events, in one
/// table.
fn print_curve(r: &mut Report) {
    let names = ["s", "10k", "100k", "l"];
    let whats = [
        "sled open",
        "note",
        "bare append",
        "note - bare",
        "bare append, sled left",
        "note - bare, sled left",
        "bare append in a transaction, sled left",
        "note - bare in a transaction, sled left",
        "note - bare, sled left, an item of one event",
        "current",
        "as of a random instant",
        "a random round",
        "on a random effective day",
        "diff of two random rounds",
        "full replay",
        "proof inclusion",
        "proof item",
        "proof consistency",
        "note in process",
        "note without tree",
    ];
    r.line(String::new());
    r.line("| ms | S (3k) | 10k | 100k | L (1M) |".into());
    r.line("|---|---|---|---|---|".into());
    for w in whats {
        let cells: Vec<String> = names
            .iter()
            .map(|n| {
                r.curve
                    .get(&((*n).to_string(), w.to_string()))
                    .map_or("—".into(), |v| shown(*v))
            })
            .collect();
        r.line(format!("| {w} | {} |", cells.join(" | ")));
    }
}

/// True if ledger `name` is among those asked for (all by default).
fn size_on(name: &str) -> bool {
    std::env::var("KAMERSTAND_BENCH_SIZES").map_or(true, |s| s.split(',').any(|n| n == name))
}

/// Issue 13, point 10: the annex import's curve. Generated annexes of 1, 10
/// and 100 MB (pages of 20 motions with a status, responsible codes, a
/// progress text and, for the first 999, a footnote citation) imported
/// into a new store through the binary, each against reading the same
/// file (bytes, then UTF-8): a linear import keeps the ratio flat as the
/// file grows. The 100 MB run needs several GB of memory (sled holds the
/// whole batch's transaction).
fn section_annexcurve(r: &mut Report, tmp: &Path) {
    /// An annex of about `bytes` bytes; returns its text and its rows.
    fn annex(bytes: usize) -> (String, usize) {
        const WORDS: [&str; 16] = [
            "de",
            "het",
            "een",
            "gemeenten",
            "regering",
            "programma",
            "digitale",
            "weerbaarheid",
            "onderzoek",
            "kamer",
            "uitvoering",
            "voortgang",
            "rapport",
            "regeling",
            "overleg",
            "ondersteuning",
        ];
        const STATUS: [&str; 4] = [
            "In uitvoering",
            "",
            "In uitvoering met vertraging",
            "Doorlopend gedurende uitvoering programma",
        ];
        const RESP: [&str; 3] = ["SBZK", "MJenV", "MEZK en SBZK"];
        let sup = |n: usize| -> String {
            n.to_string()
                .chars()
                .map(|d| {
                    ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'][d as usize - '0' as usize]
                })
                .collect()
        };
        let mut rng = Rng::new(13);
        let mut words = |n: usize| -> String {
            (0..n)
                .map(|_| WORDS[rng.index(WORDS.len())])
                .collect::<Vec<_>>()
                .join(" ")
        };
        let mut out = String::from("**Stand van zaken\nProgramma Curve\n2025**\n\n");
        let mut rows = 0usize;
        while out.len() < bytes {
            out.push_str("\tStatus\tVerantwoordelijk\tStand van zaken\nMoties\t\t\t\n");
            let mut notes = String::new();
            for _ in 0..20 {
                rows += 1;
                let marker = if rows <= 999 {
                    notes.push_str(&format!(
                        "{} Kamerstukken II 2024/25, {}, nr. {}.\n\n",
                        sup(rows),
                        30_000 + rows,
                        rows % 200 + 1
                    ));
                    format!(" {}", sup(rows))
                } else {
                    String::new()
                };
                out.push_str(&format!(
                    "Motie van het lid Jansen{rows}; De Tweede Kamer verzoekt de regering {} nummer {rows}.{marker}\t{}\t{}\t{} stap {rows}.\n",
                    words(60),
                    STATUS[rows % 4],
                    RESP[rows % 3],
                    words(70)
                ));
            }
            out.push('\n');
            out.push_str(&notes);
        }
        (out, rows)
    }
    let mut per_mb = Vec::new();
    for mb in [1usize, 10, 100] {
        let (text, rows) = annex(mb << 20);
        let path = tmp.join(format!("annex-{mb}mb.txt"));
        std::fs::write(&path, &text).unwrap();
        drop(text);
        let read = time_runs(5, |_| {
            let bytes = std::fs::read(&path).unwrap();
            assert!(String::from_utf8(bytes).is_ok());
        });
        // The import alone, into a store made just before it.
        let runs = if mb >= 100 { 1 } else { 3 };
        let ours = median(
            (0..runs)
                .map(|i| {
                    let store = tmp.join(format!("curve-{mb}-{i}"));
                    let store = store.to_str().unwrap();
                    run(&["--quiet", "--store", store, "init", "--programme", "Curve"]);
                    let took = once(|| {
                        run(&[
                            "--quiet",
                            "--store",
                            store,
                            "import",
                            path.to_str().unwrap(),
                        ]);
                    });
                    let _ = std::fs::remove_dir_all(store);
                    took
                })
                .collect(),
        );
        per_mb.push((mb, ours.as_secs_f64() / mb as f64));
        r.vs(
            &format!("annexcurve: import a {mb} MB annex ({rows} rows) into a new store"),
            ours,
            read,
            "reading the file (bytes and UTF-8)",
            "the seconds-per-MB row below says how linear",
        );
        // Peak memory once, at 10 MB: the batch is one transaction.
        if mb == 10 {
            let store = tmp.join("curve-peak");
            let store = store.to_str().unwrap();
            run(&["--quiet", "--store", store, "init", "--programme", "Curve"]);
            let (peak, _) = measured(&[
                "--quiet",
                "--store",
                store,
                "import",
                path.to_str().unwrap(),
            ]);
            let _ = std::fs::remove_dir_all(store);
            r.value(
                "annexcurve: peak memory of the 10 MB import",
                format!("{peak:.0} MB"),
                "",
            );
        }
        let _ = std::fs::remove_file(&path);
    }
    if let (Some(first), Some(last)) = (per_mb.first(), per_mb.last()) {
        r.value(
            &format!(
                "annexcurve: seconds per MB at {} MB / at {} MB",
                last.0, first.0
            ),
            format!("{:.2}", last.1 / first.1),
            "1.0 = linear",
        );
    }
}

/// The child process of [`CHILD_STORE`]: opens the store, times the view
/// [`CHILD_VIEW`] names after the open, prints the time in ms.
fn timed_view(dir: &Path, view: &str) {
    let ws = open(dir);
    let words: Vec<&str> = view.split(' ').collect();
    let t = Instant::now();
    let items = match words.as_slice() {
        ["current"] => ws.view(Basis::Current, None).unwrap().items.len(),
        ["as-of", at] => ws
            .view(Basis::AsOf(At::parse("--as-of", at).unwrap()), None)
            .unwrap()
            .items
            .len(),
        ["round", name] => {
            let r = ws.round(name).unwrap().unwrap();
            ws.view(Basis::Round(r), None).unwrap().items.len()
        }
        ["effective", day] => ws
            .view(
                Basis::Current,
                Some(Day::parse("--effective", day).unwrap()),
            )
            .unwrap()
            .items
            .len(),
        ["diff", a, b] => {
            let c = compare(
                &ws,
                &Side::Round((*a).to_string()),
                &Side::Round((*b).to_string()),
                false,
                false,
            )
            .unwrap();
            c.to.items.len()
        }
        other => panic!("no view {other:?}"),
    };
    let took = t.elapsed();
    assert!(items > 0);
    println!("{}", ms(took));
}

fn main() {
    if let (Some(dir), Some(view)) = (
        std::env::var_os(CHILD_STORE),
        std::env::var(CHILD_VIEW).ok(),
    ) {
        timed_view(Path::new(&dir), &view);
        return;
    }
    if let Some(dir) = std::env::var_os(CHILD) {
        bare_append(
            Path::new(&dir),
            std::env::var_os(CHILD_LEAVES).is_some(),
            std::env::var_os(CHILD_ATOMIC).is_some(),
        );
        return;
    }
    let wanted: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let on = |name: &str| wanted.is_empty() || wanted.iter().any(|w| w == name);
    let tmp = tempfile::tempdir_in(data_dir()).unwrap();
    let mut r = Report::default();
    println!("kamerstand benchmarks: medians; ratio = ours / baseline, same run");
    println!("| what | ours | baseline (same run) | ratio | target |");
    println!("|---|---|---|---|---|");
    let curve = on("curve");
    if on("note") || curve {
        // n=61: what `note` adds is a few ms, where two runs on L move
        // by ten or more from one moment to the next.
        for name in ["s", "10k", "100k", "l"] {
            let n = 61;
            if (on("note") || name != "s") && size_on(name) {
                section_note(&mut r, name, tmp.path(), n);
            }
        }
    }
    if on("views") || curve {
        for (name, runs) in [("10k", 10), ("100k", 10), ("l", 10)] {
            if !size_on(name) {
                continue;
            }
            section_views(&mut r, name, runs, name == "l" || on("views"));
        }
    }
    let big = ["l", "100k", "10k", "s"]
        .into_iter()
        .find(|n| size_on(n))
        .unwrap_or("l");
    if on("verify") {
        section_verify(&mut r, big, 3);
    }
    if on("import") {
        section_import(&mut r, big, tmp.path());
    }
    if on("memory") {
        section_memory(&mut r, big, tmp.path());
    }
    if on("state") {
        section_state(&mut r, big);
    }
    if on("floors") {
        section_floors(&mut r, big, 10);
    }
    if on("open") {
        let names: Vec<&str> = ["s", "10k", "100k", "l"]
            .into_iter()
            .filter(|n| size_on(n))
            .collect();
        section_open(&mut r, tmp.path(), &names);
    }
    if on("proofs") {
        for (name, n) in [("10k", 21), ("100k", 21), ("l", 21)] {
            if size_on(name) {
                section_proofs(&mut r, name, tmp.path(), n);
            }
        }
    }
    if on("annexcurve") {
        section_annexcurve(&mut r, tmp.path());
    }
    if curve || on("note") || on("views") || on("open") || on("proofs") {
        print_curve(&mut r);
    }
    println!();
    println!("summary:");
    for row in &r.rows {
        println!("{row}");
    }
}

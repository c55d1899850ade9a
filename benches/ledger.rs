//! kamerstand's benchmarks (docs/performance.md): medians over repeated
//! runs, each against a baseline measured in the same run, because the
//! machines are shared and noisy. Nothing is asserted; figures go to stdout.
//!
//! Run: `cargo bench --bench ledger` (everything; the first run generates
//! the L ledger, about 5 minutes), or name sections:
//! `cargo bench --bench ledger -- note open views verify import memory peers`.
//!
//! Ledgers: S = `bench-gen --profile s` (300 items, 3,000 events, 5 rounds),
//! L = `bench-gen --profile l` (10,000 items, 1,000,000 events, 40 rounds),
//! kept under `target/bench-data/` (or `$KAMERSTAND_BENCH_DATA`) between
//! runs. Peers (git, SQLite) run from `benches/peers/`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation
)]

use kamerstand::Workspace;
use kamerstand::domain::{Instant as At, Timestamp};
use kamerstand::ledger::{Ledger, OpenOptions};
use kamerstand::projection::{Basis, View, diff};
use kamerstand::report::{self, Format};
use kamerstand::synth::Rng;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_kamerstand");
const CHILD: &str = "KAMERSTAND_BENCH_BASELINE_APPEND";

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn run(args: &[&str]) -> String {
    let out = Command::new(BIN).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Times `f` `n` times after one warm-up run; the median.
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

fn once(f: impl FnOnce()) -> Duration {
    let t = Instant::now();
    f();
    t.elapsed()
}

/// One line of the report.
struct Row {
    what: String,
    ours: f64,
    base: Option<(f64, String)>,
    note: String,
}

#[derive(Default)]
struct Report(Vec<Row>);

impl Report {
    fn add(&mut self, what: &str, ours: Duration, base: Option<(Duration, &str)>, note: &str) {
        let row = Row {
            what: what.into(),
            ours: ms(ours),
            base: base.map(|(d, s)| (ms(d), s.to_string())),
            note: note.into(),
        };
        print_row(&row);
        self.0.push(row);
    }

    fn value(&mut self, what: &str, value: f64, unit: &str) {
        println!("{what:<58} {value:>10.1} {unit}");
        self.0.push(Row {
            what: what.into(),
            ours: value,
            base: None,
            note: unit.into(),
        });
    }
}

fn print_row(r: &Row) {
    match &r.base {
        Some((b, name)) => println!(
            "{:<58} {:>10.2} ms  vs {:>10.2} ms  ratio {:>7.2}  ({name}) {}",
            r.what,
            r.ours,
            b,
            r.ours / b,
            r.note
        ),
        None => println!("{:<58} {:>10.2} ms  {}", r.what, r.ours, r.note),
    }
}

/// The bare append: open sled, insert, flush, fsync the db file, exit.
fn baseline_append(dir: &Path) {
    let db = sled::Config::new()
        .path(dir)
        .cache_capacity(32 << 20)
        .flush_every_ms(None)
        .open()
        .unwrap();
    let tree = db.open_tree("events").unwrap();
    let n = tree.len() as u64;
    tree.insert(n.to_be_bytes(), vec![7u8; 600]).unwrap();
    db.flush().unwrap();
    std::fs::File::open(dir.join("db"))
        .unwrap()
        .sync_all()
        .unwrap();
}

fn data_dir() -> PathBuf {
    let d = std::env::var_os("KAMERSTAND_BENCH_DATA").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data"),
        PathBuf::from,
    );
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The ledger of a profile, generated once and kept.
fn ledger(profile: &str) -> PathBuf {
    let dir = data_dir().join(profile);
    let done = data_dir().join(format!("{profile}.done"));
    if !done.exists() {
        let _ = std::fs::remove_dir_all(&dir);
        eprintln!("generating the {profile} ledger in {}", dir.display());
        let t = Instant::now();
        run(&[
            "--quiet",
            "--store",
            dir.to_str().unwrap(),
            "bench-gen",
            "--profile",
            profile,
            "--seed",
            "1",
        ]);
        // The first command after generation writes what checkpoints the
        // generator's batches left for later.
        run(&["--store", dir.to_str().unwrap(), "round", "list"]);
        eprintln!("generated in {:.0} s", t.elapsed().as_secs_f64());
        std::fs::write(&done, b"").unwrap();
    }
    dir
}

fn open(path: &Path) -> Workspace {
    Workspace::open(path, OpenOptions::default()).unwrap()
}

fn overview_json(view: &View) -> usize {
    report::overview(view, Format::Json).len()
}

/// Random instants between the first and the last recorded time.
fn instants(ws: &Workspace, n: usize, seed: u64) -> Vec<At> {
    let first = ws.ledger().get(0).unwrap().unwrap().envelope.recorded_at;
    let last = ws.ledger().head().unwrap().recorded_at;
    let span = (last.unix_nanos() - first.unix_nanos()).max(1) as u64;
    let mut rng = Rng::new(seed);
    (0..n)
        .map(|_| {
            let t = Timestamp::from_unix_nanos(first.unix_nanos() + rng.below(span) as i64);
            At::parse("--as-of", &t.rfc3339()).unwrap()
        })
        .collect()
}

fn section_note(r: &mut Report, tmp: &Path) {
    let s = tmp.join("s-note");
    let src = ledger("s");
    copy_dir(&src, &s);
    let s_str = s.to_str().unwrap();
    let note = time_runs(20, |i| {
        let key = format!("M{}", 1 + i % 50);
        run(&[
            "--store",
            s_str,
            "--actor",
            "bench",
            "note",
            &key,
            "Voortgang gemeld in de bench.",
        ]);
    });
    let me = std::env::current_exe().unwrap();
    let bare_dir = tmp.join("bare");
    let bare = time_runs(20, |_| {
        let st = Command::new(&me).env(CHILD, &bare_dir).status().unwrap();
        assert!(st.success());
    });
    r.add(
        "3. note, end to end, on S (n=20)",
        note,
        Some((bare, "open+insert+flush+fsync+exit")),
        "target <= 1.5",
    );
    let start = time_runs(20, |_| {
        run(&["--version"]);
    });
    r.add("   process start alone (--version)", start, None, "");
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

fn section_open(r: &mut Report) {
    let l = ledger("l");
    let sled_only = time_runs(5, |_| {
        drop(Ledger::open(&l, OpenOptions::default()).unwrap());
    });
    r.add(
        "5. open L: sled and the head (Ledger::open)",
        sled_only,
        None,
        "",
    );
    let ws = time_runs(5, |_| {
        drop(open(&l));
    });
    r.add(
        "5. open L: the workspace (Workspace::open; no state is loaded)",
        ws,
        Some((sled_only, "Ledger::open")),
        "",
    );
    let cli = time_runs(5, |_| {
        run(&["--store", l.to_str().unwrap(), "round", "list"]);
    });
    r.add("5. `round list` on L, end to end", cli, None, "");
}

/// sled's own open of L under the configurations worth trying.
fn section_open_tuning(r: &mut Report) {
    let l = ledger("l");
    let lock = l.join("kamerstand.lock");
    let _ = lock;
    type MakeConfig = Box<dyn Fn() -> sled::Config>;
    let configs: Vec<(&str, MakeConfig)> = vec![
        (
            "cache 32 MiB (ours)",
            Box::new(|| sled::Config::new().cache_capacity(32 << 20)),
        ),
        (
            "cache 8 MiB",
            Box::new(|| sled::Config::new().cache_capacity(8 << 20)),
        ),
        (
            "cache 1 GiB (sled's default)",
            Box::new(|| sled::Config::new().cache_capacity(1 << 30)),
        ),
        (
            "low-space mode",
            Box::new(|| {
                sled::Config::new()
                    .cache_capacity(32 << 20)
                    .mode(sled::Mode::LowSpace)
            }),
        ),
    ];
    for (name, make) in configs {
        let t = time_runs(5, |_| {
            let db = make().path(&l).flush_every_ms(None).open().unwrap();
            let tree = db.open_tree("events").unwrap();
            let _ = tree.last().unwrap();
            drop(tree);
            drop(db);
        });
        r.add(
            &format!("5. sled open + last event + close, {name}"),
            t,
            None,
            "",
        );
    }
}

fn section_views(r: &mut Report) {
    let l = ledger("l");
    let ws = open(&l);
    let rounds = ws.rounds().unwrap();
    let ats = instants(&ws, 21, 7);
    let mut rng = Rng::new(11);
    // 4. As of a random instant, and as of a random round: the view (the
    // state, loaded from checkpoints), then separately rendering it.
    let as_of = time_runs(20, |i| {
        let v = ws.view(Basis::AsOf(ats[i].clone()), None).unwrap();
        assert!(v.chain.events > 0);
    });
    let round = time_runs(20, |_| {
        let rd = rounds[rng.index(rounds.len())].clone();
        let v = ws.view(Basis::Round(rd), None).unwrap();
        assert!(v.chain.events > 0);
    });
    let mut rng = Rng::new(12);
    let pairs: Vec<(usize, usize)> = (0..11)
        .map(|_| {
            let a = rng.index(rounds.len());
            let mut b = rng.index(rounds.len());
            while b == a {
                b = rng.index(rounds.len());
            }
            (a.min(b), a.max(b))
        })
        .collect();
    let diff_random = time_runs(10, |i| {
        diff_rounds(&ws, &rounds[pairs[i].0], &rounds[pairs[i].1], false);
    });
    let diff_events = time_runs(4, |i| {
        let a = pairs[i].0.min(rounds.len() - 2);
        diff_rounds(&ws, &rounds[a], &rounds[a + 1], true);
    });
    // The baseline: the same views by a full replay of the events.
    let replay = time_runs(2, |i| {
        let v = View::replay(ws.ledger().events(), Basis::AsOf(ats[i].clone()), None).unwrap();
        assert!(v.chain.events > 0);
    });
    // Rendering a view of 10,000 items, apart from building it.
    let v = ws
        .view(Basis::Round(rounds[rounds.len() / 2].clone()), None)
        .unwrap();
    let json = time_runs(5, |_| {
        overview_json(&v);
    });
    let table = time_runs(5, |_| {
        let _ = report::overview(&v, Format::Table).len();
    });
    r.add(
        "4. rendering a view of L's 10,000 items as JSON (22 MB)",
        json,
        None,
        "",
    );
    r.add("4. rendering it as a table", table, None, "");
    r.add(
        "4. the view --as-of a random instant, L, after open (n=20)",
        as_of,
        Some((replay, "full replay")),
        "target <= 50 ms and ratio <= 1/30",
    );
    r.add(
        "4. the view --round a random round, L, after open (n=20)",
        round,
        Some((replay, "full replay")),
        "target <= 50 ms and ratio <= 1/30",
    );
    r.add(
        "4. diff of two random rounds (both views and the comparison), L, after open (n=10)",
        diff_random,
        Some((replay, "full replay")),
        "target <= 50 ms and ratio <= 1/30",
    );
    r.add(
        "4. diff --events, two adjacent rounds, L, after open (n=4)",
        diff_events,
        Some((replay, "full replay")),
        "",
    );
}

fn diff_rounds(
    ws: &Workspace,
    a: &kamerstand::projection::Round,
    b: &kamerstand::projection::Round,
    events: bool,
) {
    let vf = ws.view(Basis::Round(a.clone()), None).unwrap();
    let vt = ws.view(Basis::Round(b.clone()), None).unwrap();
    let mut d = diff::diff(&vf, &vt, false);
    if events {
        let upto = vt.last_seq();
        d.list_events(vf.chain.events, &mut |id| ws.item_state(id, upto))
            .unwrap();
    }
    assert!(d.summary.items_changed + d.summary.items_unchanged > 0);
}

fn section_verify(r: &mut Report) {
    let l = ledger("l");
    let events = Ledger::open(&l, OpenOptions::default())
        .unwrap()
        .head()
        .unwrap()
        .seq
        + 1;
    let chain = time_runs(2, |_| {
        let ledger = Ledger::open_for_verify(&l, OpenOptions::default()).unwrap();
        let rep = ledger.verify().unwrap();
        assert!(rep.ok() && rep.events_checked == events);
    });
    let cps = time_runs(1, |_| {
        let ledger = Ledger::open(&l, OpenOptions::default()).unwrap();
        let rep = ledger.check_index(&mut |_, _| {}).unwrap();
        assert!(rep.ok());
    });
    let scan = time_runs(2, |_| {
        let db = sled::Config::new()
            .path(&l)
            .cache_capacity(32 << 20)
            .open()
            .unwrap();
        let tree = db.open_tree("events").unwrap();
        let mut bytes = 0usize;
        for kv in tree.iter() {
            bytes += kv.unwrap().1.len();
        }
        assert!(bytes > 0);
    });
    r.add(
        "2. verify L: the chain, in process",
        chain,
        Some((scan, "bare sled scan of the events tree")),
        "target ratio <= 1.25 (>= 0.8x the scan's speed)",
    );
    r.add(
        "2. verify L: rebuilding the index and comparing every entry",
        cps,
        Some((scan, "bare sled scan of the events tree")),
        "",
    );
    let cli = once(|| {
        run(&["--quiet", "--store", l.to_str().unwrap(), "verify"]);
    });
    r.add(
        "2. verify L, end to end (chain and index)",
        cli,
        Some((scan, "bare sled scan of the events tree")),
        "",
    );
}

fn section_import(r: &mut Report, tmp: &Path) {
    let l = ledger("l");
    let export = data_dir().join("l.jsonl");
    if !export.exists() {
        let part = data_dir().join("l.jsonl.part");
        run(&[
            "--quiet",
            "--store",
            l.to_str().unwrap(),
            "export",
            "--format",
            "events",
            "-o",
            part.to_str().unwrap(),
        ]);
        std::fs::rename(&part, &export).unwrap();
    }
    let target = tmp.join("restored");
    let ours = once(|| {
        run(&[
            "--quiet",
            "--store",
            target.to_str().unwrap(),
            "import",
            export.to_str().unwrap(),
        ]);
    });
    let _ = std::fs::remove_dir_all(&target);
    // The same canonical bytes, batch-inserted into one sled tree.
    let rows: Vec<(u64, Vec<u8>)> = {
        let ledger = Ledger::open(&l, OpenOptions::default()).unwrap();
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
    let bare = once(|| {
        let db = sled::Config::new()
            .path(&bare_dir)
            .cache_capacity(32 << 20)
            .open()
            .unwrap();
        let tree = db.open_tree("events").unwrap();
        for chunk in rows.chunks(4096) {
            let mut b = sled::Batch::default();
            for (seq, v) in chunk {
                b.insert(&seq.to_be_bytes(), v.as_slice());
            }
            tree.apply_batch(b).unwrap();
        }
        db.flush().unwrap();
        std::fs::File::open(bare_dir.join("db"))
            .unwrap()
            .sync_all()
            .unwrap();
    });
    let _ = std::fs::remove_dir_all(&bare_dir);
    r.add(
        "1. import L's events export (2.2 GB JSON Lines), end to end",
        ours,
        Some((bare, "bare sled batch insert of the same bytes")),
        "target ratio <= 2 (>= 0.5x the bare speed)",
    );
}

/// Peak resident memory of one command, in MB (from the OS, via Python's
/// resource module, which every machine here has).
fn peak_mb(args: &[&str]) -> f64 {
    let script = "import resource,subprocess,sys\n\
        p=subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL)\n\
        print(p.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)";
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
    assert_eq!(code, 0, "{args:?} failed");
    kb / 1024.0
}

fn section_memory(r: &mut Report, tmp: &Path) {
    let l = ledger("l");
    let src = l.to_str().unwrap();
    let copy = tmp.join("l-write");
    copy_dir(&l, &copy);
    let w = copy.to_str().unwrap();
    let ws = open(&l);
    let rounds: Vec<String> = ws
        .rounds()
        .unwrap()
        .iter()
        .map(|r| r.name.clone())
        .collect();
    let at = instants(&ws, 1, 3)[0].at.rfc3339();
    drop(ws);
    let (r1, r2) = (&rounds[10], &rounds[11]);
    let out = tmp.join("out");
    let out = out.to_str().unwrap();
    let commands: Vec<Vec<&str>> = vec![
        vec!["--store", src, "overview"],
        vec!["--store", src, "--format", "json", "overview"],
        vec!["--store", src, "overview", "--as-of", &at],
        vec!["--store", src, "overview", "--round", r1],
        vec!["--store", src, "overview", "--effective", "2020-01-01"],
        vec!["--store", src, "item", "list"],
        vec!["--store", src, "show", "M5"],
        vec!["--store", src, "log", "--limit", "20"],
        vec!["--store", src, "log", "--item", "M5"],
        vec!["--store", src, "round", "list"],
        vec!["--store", src, "round", "digest", r1],
        vec!["--store", src, "diff", r1, r2],
        vec!["--store", src, "export", "--format", "html", "-o", out],
        vec!["--store", src, "export", "--format", "csv", "-o", out],
        vec!["--store", src, "--quiet", "verify"],
        vec!["--store", w, "note", "M5", "Geheugen gemeten."],
        vec!["--store", w, "status", "M6", "vertraagd"],
        vec!["--store", w, "round", "seal", "bench-ronde"],
    ];
    for c in commands {
        let mb = peak_mb(&c);
        r.value(
            &format!("6. peak RSS: {}", c[2..].join(" ")),
            mb,
            "MB (target <= 256)",
        );
    }
}

/// Runs a peer script; its JSON output.
fn peer(cmd: &str, args: &[&str]) -> serde_json::Value {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/peers");
    let mut c = if cmd.ends_with(".py") {
        let mut c = Command::new("python3");
        c.arg(dir.join(cmd));
        c
    } else {
        Command::new(dir.join(cmd))
    };
    let out = c.args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{cmd} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn ms_of(v: &serde_json::Value, key: &str) -> Duration {
    Duration::from_secs_f64(v[key].as_f64().unwrap_or(f64::NAN) / 1e3)
}

/// kamerstand, end to end, on the questions of a peer workload.
fn ours_on_workload(
    store: &Path,
    work: &serde_json::Value,
    tmp: &Path,
    runs: usize,
) -> [Duration; 4] {
    let copy = tmp.join("peer-append");
    copy_dir(store, &copy);
    let s = store.to_str().unwrap();
    let c = copy.to_str().unwrap();
    let list = |k: &str| work[k].as_array().unwrap().clone();
    let (as_of, diffs, append) = (list("as_of"), list("diff"), list("append"));
    let append = time_runs(runs, |i| {
        run(&[
            "--store",
            c,
            "note",
            append[i].as_str().unwrap(),
            "Peilmoment voor de vergelijking.",
        ]);
    });
    let as_of = time_runs(runs, |i| {
        run(&[
            "--store",
            s,
            "--format",
            "json",
            "overview",
            "--as-of",
            as_of[i].as_str().unwrap(),
        ]);
    });
    let diff = time_runs(runs, |i| {
        let p = diffs[i].as_array().unwrap();
        run(&[
            "--store",
            s,
            "--format",
            "json",
            "diff",
            p[0].as_str().unwrap(),
            p[1].as_str().unwrap(),
        ]);
    });
    let verify = time_runs(runs.min(3), |_| {
        run(&["--quiet", "--store", s, "verify"]);
    });
    [append, as_of, diff, verify]
}

/// kamerstand in process, the store opened once (as the SQLite peer is
/// measured): the view and its JSON, for the as-of and diff questions.
fn ours_in_process(store: &Path, work: &serde_json::Value, runs: usize) -> [Duration; 2] {
    let ws = open(store);
    let list = |k: &str| work[k].as_array().unwrap().clone();
    let (as_of, diffs) = (list("as_of"), list("diff"));
    let as_of = time_runs(runs, |i| {
        let at = At::parse("--as-of", as_of[i].as_str().unwrap()).unwrap();
        overview_json(&ws.view(Basis::AsOf(at), None).unwrap());
    });
    let diff = time_runs(runs, |i| {
        let p = diffs[i].as_array().unwrap();
        let round = |n: &serde_json::Value| ws.round(n.as_str().unwrap()).unwrap().unwrap();
        let vf = ws.view(Basis::Round(round(&p[0])), None).unwrap();
        let vt = ws.view(Basis::Round(round(&p[1])), None).unwrap();
        let d = diff::diff(&vf, &vt, false);
        let _ = report::diff(&vf, &vt, &d, Format::Json).len();
    });
    [as_of, diff]
}

fn section_peers(r: &mut Report, tmp: &Path) {
    // S, generated with one event per batch so that its events have
    // distinct recorded times for the as-of questions.
    let s = data_dir().join("s1");
    if !data_dir().join("s1.done").exists() {
        let _ = std::fs::remove_dir_all(&s);
        run(&[
            "--quiet",
            "--store",
            s.to_str().unwrap(),
            "bench-gen",
            "--profile",
            "s",
            "--seed",
            "1",
            "--batch",
            "1",
        ]);
        std::fs::write(data_dir().join("s1.done"), b"").unwrap();
    }
    let export = tmp.join("s1.jsonl");
    run(&[
        "--store",
        s.to_str().unwrap(),
        "export",
        "--format",
        "events",
        "-o",
        export.to_str().unwrap(),
    ]);
    let work_path = tmp.join("s1.work.json");
    let work = {
        let out = Command::new("python3")
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/peers/workload.py"))
            .args([export.to_str().unwrap(), "--runs", "10", "--seed", "1"])
            .output()
            .unwrap();
        assert!(out.status.success());
        std::fs::write(&work_path, &out.stdout).unwrap();
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let w = work_path.to_str().unwrap();
    let db = tmp.join("s1.sqlite");
    peer(
        "sqlite_peer.py",
        &["load", export.to_str().unwrap(), db.to_str().unwrap()],
    );
    let sq = peer(
        "sqlite_peer.py",
        &["bench", db.to_str().unwrap(), "--workload", w],
    );
    let repo = tmp.join("s1.git");
    peer(
        "git_peer.sh",
        &["build", export.to_str().unwrap(), repo.to_str().unwrap()],
    );
    let gt = peer(
        "git_peer.sh",
        &["bench", repo.to_str().unwrap(), "--workload", w],
    );
    let ours = ours_on_workload(&s, &work, tmp, 10);
    for (i, (what, sq_key, git_key)) in [
        (
            "append one update, durable",
            "append_process_ms",
            "append_ms",
        ),
        ("as of a random instant", "as_of_ms", "as_of_ms"),
        ("diff two random rounds", "diff_ms", "diff_ms"),
        ("verify", "verify_ms", "verify_ms"),
    ]
    .into_iter()
    .enumerate()
    {
        r.add(
            &format!("7. S, {what}: ours vs SQLite"),
            ours[i],
            Some((ms_of(&sq, sq_key), sq_key)),
            "",
        );
        r.add(
            &format!("7. S, {what}: ours vs git"),
            ours[i],
            Some((ms_of(&gt, git_key), git_key)),
            "",
        );
    }
    let inproc = ours_in_process(&s, &work, 10);
    r.add(
        "7. S, as of, in process: ours vs SQLite",
        inproc[0],
        Some((ms_of(&sq, "as_of_ms"), "as_of_ms")),
        "",
    );
    r.add(
        "7. S, diff, in process: ours vs SQLite",
        inproc[1],
        Some((ms_of(&sq, "diff_ms"), "diff_ms")),
        "",
    );
    r.value(
        "   SQLite in process: append (INSERT + COMMIT)",
        sq["append_ms"].as_f64().unwrap_or(f64::NAN),
        "ms",
    );
    r.value(
        "   Python start-up inside SQLite's process append",
        sq["process_start_ms"].as_f64().unwrap_or(f64::NAN),
        "ms",
    );

    // L: SQLite only (the git peer refuses L: see benches/peers/README.md).
    let l_export = data_dir().join("l.jsonl");
    if l_export.exists() {
        let l = ledger("l");
        let out = Command::new("python3")
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/peers/workload.py"))
            .args([l_export.to_str().unwrap(), "--runs", "5", "--seed", "1"])
            .output()
            .unwrap();
        let lw = tmp.join("l.work.json");
        std::fs::write(&lw, &out.stdout).unwrap();
        let lwork: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let ldb = data_dir().join("l.sqlite");
        if !ldb.exists() {
            peer(
                "sqlite_peer.py",
                &["load", l_export.to_str().unwrap(), ldb.to_str().unwrap()],
            );
        }
        let sq = peer(
            "sqlite_peer.py",
            &[
                "bench",
                ldb.to_str().unwrap(),
                "--workload",
                lw.to_str().unwrap(),
            ],
        );
        let inproc = ours_in_process(&l, &lwork, 5);
        r.add(
            "7. L, as of, in process: ours vs SQLite",
            inproc[0],
            Some((ms_of(&sq, "as_of_ms"), "as_of_ms")),
            "",
        );
        r.add(
            "7. L, diff, in process: ours vs SQLite",
            inproc[1],
            Some((ms_of(&sq, "diff_ms"), "diff_ms")),
            "",
        );
        let ours = ours_on_workload(&l, &lwork, tmp, 5);
        for (i, (what, key)) in [
            ("append one update, durable", "append_process_ms"),
            ("as of a random instant", "as_of_ms"),
            ("diff two random rounds", "diff_ms"),
            ("verify", "verify_ms"),
        ]
        .into_iter()
        .enumerate()
        {
            r.add(
                &format!("7. L, {what}: ours vs SQLite"),
                ours[i],
                Some((ms_of(&sq, key), key)),
                "",
            );
        }
    } else {
        println!(
            "7. L: run the import section first (it writes the L export the SQLite peer loads)"
        );
    }
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
        r.add(
            &format!("annexcurve: import a {mb} MB annex ({rows} rows) into a new store"),
            ours,
            Some((read, "reading the file (bytes and UTF-8)")),
            "the seconds-per-MB row below says how linear",
        );
        // Peak memory once, at 10 MB: the batch is one transaction.
        if mb == 10 {
            let store = tmp.join("curve-peak");
            let store = store.to_str().unwrap();
            run(&["--quiet", "--store", store, "init", "--programme", "Curve"]);
            let peak = peak_mb(&[
                "--quiet",
                "--store",
                store,
                "import",
                path.to_str().unwrap(),
            ]);
            let _ = std::fs::remove_dir_all(store);
            r.value("annexcurve: peak memory of the 10 MB import", peak, "MB");
        }
        let _ = std::fs::remove_file(&path);
    }
    if let (Some(first), Some(last)) = (per_mb.first(), per_mb.last()) {
        r.value(
            &format!(
                "annexcurve: seconds per MB at {} MB / at {} MB",
                last.0, first.0
            ),
            last.1 / first.1,
            "x (1.0 = linear)",
        );
    }
}

fn main() {
    if let Ok(dir) = std::env::var(CHILD) {
        baseline_append(Path::new(&dir));
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
    if on("note") {
        section_note(&mut r, tmp.path());
    }
    if on("open") {
        section_open(&mut r);
    }
    if on("opentune") {
        section_open_tuning(&mut r);
    }
    if on("views") {
        section_views(&mut r);
    }
    if on("verify") {
        section_verify(&mut r);
    }
    if on("import") {
        section_import(&mut r, tmp.path());
    }
    if on("memory") {
        section_memory(&mut r, tmp.path());
    }
    if on("peers") {
        section_peers(&mut r, tmp.path());
    }
    if on("annexcurve") {
        section_annexcurve(&mut r, tmp.path());
    }
}

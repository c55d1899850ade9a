//! Quick ledger benchmarks, reported as medians and as ratios against a bare
//! sled baseline measured in the same run (the machines are shared and noisy).
//!
//! Run: `cargo bench --bench ledger`. Figures go to stdout; nothing is
//! asserted. The baseline for one `note` is this same executable re-run in a
//! child mode that only opens sled, inserts one record, flushes, fsyncs and
//! exits.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use kamerstand::ledger::{Ledger, OpenOptions};
use std::path::Path;
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

fn run(args: &[&str]) {
    let out = Command::new(BIN).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
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

fn time_runs(n: usize, mut f: impl FnMut(usize)) -> Duration {
    f(0); // warm-up, not counted
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

fn main() {
    if let Ok(dir) = std::env::var(CHILD) {
        baseline_append(Path::new(&dir));
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let s = tmp.path().join("s.db");
    let s_str = s.to_str().unwrap();
    run(&[
        "--store",
        s_str,
        "bench-gen",
        "--items",
        "300",
        "--events",
        "3000",
        "--seed",
        "1",
    ]);

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
    let bare_dir = tmp.path().join("bare");
    let bare = time_runs(20, |_| {
        let st = Command::new(&me).env(CHILD, &bare_dir).status().unwrap();
        assert!(st.success());
    });
    let start = time_runs(20, |_| run(&["--version"]));

    let l = tmp.path().join("l.db");
    let l_str = l.to_str().unwrap();
    run(&[
        "--store",
        l_str,
        "bench-gen",
        "--items",
        "3000",
        "--events",
        "100000",
        "--seed",
        "2",
    ]);
    let verify = time_runs(5, |_| {
        let ledger = Ledger::open_for_verify(&l, OpenOptions::default()).unwrap();
        let r = ledger.verify().unwrap();
        assert!(r.ok() && r.events_checked == 100_000);
    });
    let scan = time_runs(5, |_| {
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
    let verify_cli = time_runs(5, |_| run(&["--store", l_str, "verify"]));

    println!("kamerstand quick benchmarks (medians)");
    println!(
        "{:<44} {:>10} {:>12} {:>8}",
        "measurement", "ours ms", "baseline ms", "ratio"
    );
    println!(
        "{:<44} {:>10.2} {:>12.2} {:>8.2}",
        "note, end to end, 3k-event ledger (n=20)",
        ms(note),
        ms(bare),
        ms(note) / ms(bare)
    );
    println!(
        "{:<44} {:>10.2}",
        "process start only (--version)",
        ms(start)
    );
    println!(
        "{:<44} {:>10.2} {:>12.2} {:>8.2}",
        "verify, in process, 100k events (n=5)",
        ms(verify),
        ms(scan),
        ms(verify) / ms(scan)
    );
    println!(
        "{:<44} {:>10.2}",
        "verify, end to end, 100k events (n=5)",
        ms(verify_cli)
    );
    println!(
        "baseline for note: open sled + insert + flush + fsync + exit; for verify: open sled + scan the events tree"
    );
}

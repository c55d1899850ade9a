//! The shared server under concurrent writers (docs/performance.md, "The
//! server"): throughput with 1, 2, 4, 8 and 16 clients writing at once, as
//! a ratio to one client, with p50/p99 latency, how many writes each fsync
//! carried (group commit) and in how many groups (sled transactions) they
//! were written; then the load run of issue 14: 16 clients, 200 writes
//! each, every fifth request a read, and afterwards every acknowledged
//! write checked and the chain verified.
//!
//! A client is one connection with one write in flight: it sends the next
//! only once the last is acknowledged. The clients run on the same two
//! cores as the server, so what they spend is taken from it: `scaling`
//! (and `load`) run them as tasks on one thread's event loop, the way a
//! load generator is written, so that they wake once for all the answers a
//! group commit sends together; `threads` runs each on a thread of its own
//! with a blocking client, as a script would, which at 16 clients takes
//! about a third of the server's throughput (docs/performance.md).
//!
//! Before the table, one short unmeasured run warms the process up.
//!
//! Clients and server talk over 127.0.0.1 only; every loop is bounded in
//! count. The store is on the disk the target directory is on (not a RAM
//! disk, where an fsync costs nothing and group commit would show
//! nothing). Nothing is asserted but the load run's durability; figures go
//! to stdout.
//!
//! Run: `cargo bench --bench server` (about 20 seconds once built), or name
//! sections: `cargo bench --bench server -- scaling threads load`.
//! `KAMERSTAND_BENCH_WRITES` sets the writes per client in the scaling runs
//! (default 300: at 100 the one-client run lasts a tenth of a second, and
//! its noise moves every ratio), `KAMERSTAND_BENCH_ROUNDS` how many times
//! each count of clients is run (default 3; the table gives medians),
//! `KAMERSTAND_BENCH_COUNTS` which counts of clients (default `1,2,4,8,16`;
//! the ratios are to the first).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation,
    clippy::cast_precision_loss
)]

use kamerstand::Workspace;
use kamerstand::app::credentials::Credentials;
use kamerstand::app::write::{Registration, Write};
use kamerstand::domain::{AccountName, AccountRole, ItemKind, Legend, Responsible};
use kamerstand::ledger::OpenOptions;
use kamerstand::server::{Config, Server};
use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::time::{Duration, Instant};

/// A ledger with `clients` items (one per client, so no two clients write
/// the same item's history) and a coördinator's token.
fn ledger(dir: &Path, clients: usize) -> (Workspace, String) {
    let store = dir.join("ledger");
    let mut ws = Workspace::create(
        &store,
        OpenOptions::default(),
        "bench",
        "BENCH".into(),
        "Benchmark".into(),
        Legend::nap(),
    )
    .unwrap();
    for c in 0..clients {
        ws.write(
            "bench",
            Write::Register(Registration {
                kind: ItemKind::Motie,
                text: format!("Motie {c}; verzoekt de regering iets"),
                submitters: vec![],
                citations: vec![],
                key: Some(kamerstand::domain::ItemKey::parse(&format!("M{c}")).unwrap()),
                responsible: Responsible::parse("MBZK").unwrap(),
                status: None,
                effective: None,
            }),
        )
        .unwrap();
    }
    let name = AccountName::parse("coord").unwrap();
    ws.write(
        "bench",
        Write::CreateAccount {
            account: name.clone(),
            display_name: "Coördinator".into(),
            role: AccountRole::Coordinator,
            ministries: vec![],
        },
    )
    .unwrap();
    let mut creds = Credentials::load(&store).unwrap();
    let (token, _) = creds
        .new_token(&name, kamerstand::domain::Timestamp::from_unix_nanos(0))
        .unwrap();
    creds.save().unwrap();
    (ws, token)
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(120)))
        .build()
        .into()
}

/// The acknowledged writes: seq and hash.
type Acked = Vec<(u64, String)>;

/// The two fields of a write's answer the load run checks.
#[derive(serde::Deserialize)]
struct Ack {
    seq: u64,
    hash: String,
}

/// What one run measured.
struct Run {
    writes: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
    groups: u64,
    written: u64,
    acked: Acked,
}

/// The median of `v` (sorted in place; the mean of the middle two for an
/// even count).
fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n == 0 {
        0.0
    } else if n % 2 == 1 {
        v[n / 2]
    } else {
        f64::midpoint(v[n / 2 - 1], v[n / 2])
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i]
}

/// How the clients are run.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Clients {
    /// One OS thread per client, each with a blocking HTTP client (ureq):
    /// the way a script calling the API would be written.
    Threads,
    /// Every client a task on one thread's event loop (tokio with hyper's
    /// HTTP/1.1 client), each with its own connection and one write in
    /// flight at a time. The clients share the server's two cores; here
    /// they wake once for all the answers a group commit sends at once,
    /// where threads wake once per answer, so less of the machine goes to
    /// them and more to the server being measured.
    Loop,
}

/// What one client did: the latency of each write, and what was
/// acknowledged.
type ClientRun = (Vec<Duration>, Acked);

/// One client on its own thread: `writes` notes on item `M{c}`, and a read
/// of the overview every `read_every`th request when given.
fn thread_client(
    base: &str,
    token: &str,
    c: usize,
    writes: usize,
    read_every: Option<usize>,
) -> ClientRun {
    let agent = agent();
    let url = format!("{base}/api/v1/items/M{c}/note");
    let auth = format!("Bearer {token}");
    let mut lat = Vec::with_capacity(writes);
    let mut acked = Vec::with_capacity(writes);
    for n in 0..writes {
        if read_every.is_some_and(|k| n % k == k - 1) {
            let mut r = agent
                .get(format!("{base}/api/v1/overview"))
                .header("Authorization", &auth)
                .call()
                .unwrap();
            assert_eq!(r.status(), 200);
            let _ = r.body_mut().read_to_string().unwrap();
        }
        // The body is made before the clock starts, and only the two
        // fields the check needs are read from the answer: the clients
        // share the server's two cores, and what they spend is not the
        // server's.
        let note = format!("{{\"text\":\"client {c} write {n}\"}}");
        let t = Instant::now();
        let mut r = agent
            .post(&url)
            .header("Authorization", &auth)
            .header("Content-Type", "application/json")
            .send(note.as_bytes())
            .unwrap();
        let body = r.body_mut().read_to_vec().unwrap();
        lat.push(t.elapsed());
        assert_eq!(r.status(), 200, "{}", String::from_utf8_lossy(&body));
        let a: Ack = serde_json::from_slice(&body).unwrap();
        acked.push((a.seq, a.hash));
    }
    (lat, acked)
}

/// One client as a task: the same requests as [`thread_client`], over one
/// kept-alive connection of its own.
async fn loop_client(
    addr: SocketAddr,
    token: String,
    c: usize,
    writes: usize,
    read_every: Option<usize>,
) -> ClientRun {
    use http_body_util::{BodyExt, Full};
    use hyper::body::Bytes;
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.set_nodelay(true).unwrap();
    let (mut sender, conn) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .unwrap();
    tokio::spawn(conn);
    let host = addr.to_string();
    let auth = format!("Bearer {token}");
    let path = format!("/api/v1/items/M{c}/note");
    let mut lat = Vec::with_capacity(writes);
    let mut acked = Vec::with_capacity(writes);
    for n in 0..writes {
        if read_every.is_some_and(|k| n % k == k - 1) {
            let req = hyper::Request::get("/api/v1/overview")
                .header("host", &host)
                .header("authorization", &auth)
                .body(Full::new(Bytes::new()))
                .unwrap();
            let r = sender.send_request(req).await.unwrap();
            assert_eq!(r.status(), 200);
            let _ = r.into_body().collect().await.unwrap();
        }
        let req = hyper::Request::post(&path)
            .header("host", &host)
            .header("authorization", &auth)
            .header("content-type", "application/json")
            .body(Full::new(Bytes::from(format!(
                "{{\"text\":\"client {c} write {n}\"}}"
            ))))
            .unwrap();
        let t = Instant::now();
        let r = sender.send_request(req).await.unwrap();
        let status = r.status();
        let body = r.into_body().collect().await.unwrap().to_bytes();
        lat.push(t.elapsed());
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
        let a: Ack = serde_json::from_slice(&body).unwrap();
        acked.push((a.seq, a.hash));
    }
    (lat, acked)
}

/// `clients` clients, `writes` notes each (every `read_every`th request a
/// read of the overview as well, when given), against a fresh ledger.
fn run(
    base_dir: &Path,
    kind: Clients,
    clients: usize,
    writes: usize,
    read_every: Option<usize>,
) -> Run {
    let dir = tempfile::tempdir_in(base_dir).unwrap();
    let (ws, token) = ledger(dir.path(), clients);
    let server = Server::start(
        ws,
        Config {
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            store: dir.path().join("ledger"),
            secure_cookies: false,
            limits: kamerstand::server::Limits::default(),
        },
    )
    .unwrap();
    let addr = server.addr();
    let base = format!("http://{addr}");
    let started = Instant::now();
    let per_client: Vec<ClientRun> = match kind {
        Clients::Threads => std::thread::scope(|scope| {
            let handles: Vec<_> = (0..clients)
                .map(|c| {
                    let (base, token) = (&base, &token);
                    scope.spawn(move || thread_client(base, token, c, writes, read_every))
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        }),
        Clients::Loop => {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                let tasks: Vec<_> = (0..clients)
                    .map(|c| tokio::spawn(loop_client(addr, token.clone(), c, writes, read_every)))
                    .collect();
                let mut out = Vec::with_capacity(clients);
                for t in tasks {
                    out.push(t.await.unwrap());
                }
                out
            })
        }
    };
    let elapsed = started.elapsed();
    let stats = server.stop().unwrap();
    let mut latencies = Vec::new();
    let mut acked = Vec::new();
    for (l, a) in per_client {
        latencies.extend(l);
        acked.extend(a);
    }
    latencies.sort();
    // Durability: every acknowledged write is in the reopened ledger, and
    // it verifies.
    let ws = Workspace::open(&dir.path().join("ledger"), OpenOptions::default()).unwrap();
    for (seq, hash) in &acked {
        let got = ws.ledger().get(*seq).unwrap().unwrap();
        assert_eq!(got.hash.hex(), *hash, "seq {seq} lost or changed");
    }
    assert!(
        ws.ledger().verify().unwrap().ok(),
        "the chain does not verify"
    );
    Run {
        writes: clients * writes,
        elapsed,
        latencies,
        groups: stats.groups,
        written: stats.written,
        acked,
    }
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let wants = |s: &str| args.is_empty() || args.iter().any(|a| a == s);
    let base_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("server-bench");
    std::fs::create_dir_all(&base_dir).unwrap();
    let writes: usize = std::env::var("KAMERSTAND_BENCH_WRITES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(300);
    let rounds: usize = std::env::var("KAMERSTAND_BENCH_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(3);

    // `scaling` runs the clients on one event loop, `threads` each on a
    // thread of its own; asked together, they take turns within each
    // round, so both tables come from the same spell of the machine.
    let kinds: Vec<(Clients, &str)> = [(Clients::Loop, "scaling"), (Clients::Threads, "threads")]
        .into_iter()
        .filter(|(_, section)| wants(section))
        .collect();
    if !kinds.is_empty() {
        println!(
            "## scaling: notes through the API, {writes} per client, store on {}",
            base_dir.display()
        );
        // One short run first, not measured: the first server of the process
        // also pays for starting what later ones find running (sled's I/O
        // threads, the allocator's arenas), which would flatter the ratio.
        let _ = run(&base_dir, kinds[0].0, 1, 20, None);
        // Each count of clients is run `rounds` times, the counts in turn
        // within each round, so that a slow spell of the shared machine
        // falls on every count alike; the table gives medians, and the
        // ratio is the median of each round's ratio to its own one-client
        // run.
        // `KAMERSTAND_BENCH_COUNTS` (say `1,16`) runs only those counts of
        // clients; the ratios need 1 among them.
        let counts: Vec<usize> = std::env::var("KAMERSTAND_BENCH_COUNTS")
            .ok()
            .map(|s| s.split(',').filter_map(|c| c.trim().parse().ok()).collect())
            .filter(|c: &Vec<usize>| !c.is_empty())
            .unwrap_or_else(|| vec![1, 2, 4, 8, 16]);
        let mut runs: Vec<Vec<Vec<Run>>> = kinds
            .iter()
            .map(|_| counts.iter().map(|_| Vec::new()).collect())
            .collect();
        for _ in 0..rounds {
            for (k, &(kind, _)) in kinds.iter().enumerate() {
                for (i, &clients) in counts.iter().enumerate() {
                    runs[k][i].push(run(&base_dir, kind, clients, writes, None));
                }
            }
        }
        let tput = |r: &Run| r.writes as f64 / r.elapsed.as_secs_f64();
        for (k, &(kind, _)) in kinds.iter().enumerate() {
            let runs = &runs[k];
            println!(
                "### clients {}",
                match kind {
                    Clients::Loop => "as tasks on one thread's event loop (hyper)",
                    Clients::Threads => "each on a thread of its own (ureq)",
                }
            );
            println!(
                "clients  writes  writes/s (median of {rounds}; range)  ratio (median; range)  p50 ms  p99 ms  writes per fsync  groups per fsync"
            );
            for (i, &clients) in counts.iter().enumerate() {
                let mut t: Vec<f64> = runs[i].iter().map(tput).collect();
                let mut ratios: Vec<f64> = runs[i]
                    .iter()
                    .zip(&runs[0])
                    .map(|(r, one)| tput(r) / tput(one))
                    .collect();
                let mut lat: Vec<Duration> =
                    runs[i].iter().flat_map(|r| r.latencies.clone()).collect();
                lat.sort();
                let groups: u64 = runs[i].iter().map(|r| r.groups.max(1)).sum();
                let written: usize = runs[i].iter().map(|r| r.writes).sum();
                let transactions: u64 = runs[i].iter().map(|r| r.written).sum();
                println!(
                    "{clients:>7}  {:>6}  {:>8.0} ({:.0}-{:.0})  {:>5.2} ({:.2}-{:.2})  {:>6.1}  {:>6.1}  {:>16.1}  {:>16.2}",
                    runs[i][0].writes,
                    median(&mut t),
                    t[0],
                    t[t.len() - 1],
                    median(&mut ratios),
                    ratios[0],
                    ratios[ratios.len() - 1],
                    percentile(&lat, 0.5).as_secs_f64() * 1e3,
                    percentile(&lat, 0.99).as_secs_f64() * 1e3,
                    written as f64 / groups as f64,
                    transactions as f64 / groups as f64,
                );
            }
        }
    }
    if wants("load") {
        let r = run(&base_dir, Clients::Loop, 16, 200, Some(5));
        println!(
            "## load: 16 clients x 200 writes, a read every 5th request: {} writes in {:.2} s = {:.0} writes/s; p50 {:.1} ms, p99 {:.1} ms; {:.1} writes per fsync; {} acknowledged, 0 lost, chain verified",
            r.writes,
            r.elapsed.as_secs_f64(),
            r.writes as f64 / r.elapsed.as_secs_f64(),
            percentile(&r.latencies, 0.5).as_secs_f64() * 1e3,
            percentile(&r.latencies, 0.99).as_secs_f64() * 1e3,
            r.writes as f64 / r.groups.max(1) as f64,
            r.acked.len(),
        );
    }
}

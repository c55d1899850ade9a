//! The shared test environment: a store in a temporary directory, one pinned
//! clock shared by every command run against it (so recorded times and ids
//! advance across commands as they would in real life, but deterministically),
//! and helpers that run the CLI in-process or as a separate process.

use kamerstand::domain::{EventId, Timestamp};
use kamerstand::ledger::{Clock, Head, Ledger, OpenOptions, TestClock};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub mod raw;
pub mod snap;

pub(crate) use snap::{Transcript, snap};

/// True for the sentence that names a read's view at the terminal
/// (`report::viewline`), in Dutch or English.
pub fn is_view_line(l: &str) -> bool {
    [
        "Stand van nu",
        "Zoals bekend op ",
        "Ronde ",
        "As it stands now",
        "As known on ",
        "Round ",
    ]
    .iter()
    .any(|p| l.starts_with(p))
}

/// The actor every test command records under.
pub const ACTOR: &str = "clerk";

/// A [`TestClock`] shared by all ledgers opened in one test, so that each
/// command continues where the previous one stopped.
#[derive(Debug, Clone)]
pub struct SharedClock(Arc<Mutex<TestClock>>);

impl SharedClock {
    /// The pinned clock: 2025-01-06T09:00:00Z, one minute per reading.
    pub fn pinned() -> SharedClock {
        SharedClock(Arc::new(Mutex::new(TestClock::pinned())))
    }

    /// Moves the clock to `at`.
    pub fn set(&self, at: Timestamp) {
        self.0.lock().unwrap().set(at);
    }
}

impl Clock for SharedClock {
    fn now(&mut self) -> Timestamp {
        self.0.lock().unwrap().now()
    }

    fn new_id(&mut self, at: Timestamp) -> EventId {
        self.0.lock().unwrap().new_id(at)
    }
}

/// What a command run produced.
#[derive(Debug, Clone)]
pub struct Output {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

impl Output {
    /// Panics with the whole output unless the exit code is `code`.
    #[track_caller]
    pub fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "expected exit code {code}, got {}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        );
        self
    }

    /// Panics unless the command succeeded with nothing on stderr.
    #[track_caller]
    pub fn ok(&self) -> &Self {
        self.expect_code(0);
        assert_eq!(self.stderr, "", "unexpected stderr");
        self
    }

    /// Panics unless this is a refusal: exit `code`, nothing on stdout and
    /// an error on stderr holding every needle. `what` names the command in
    /// the messages.
    #[track_caller]
    pub fn refusal(&self, code: i32, what: &str, needles: &[&str]) -> &Self {
        self.expect_code(code);
        assert_eq!(
            self.stdout, "",
            "{what}: a refusal prints nothing on stdout"
        );
        assert!(
            self.stderr.starts_with("error: "),
            "{what}: stderr does not start with an error: {}",
            self.stderr
        );
        for n in needles {
            assert!(
                self.stderr.contains(n),
                "{what}: stderr lacks {n:?}:\n{}",
                self.stderr
            );
        }
        self
    }

    /// Parses stdout as JSON.
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
}

/// A temporary directory on tmpfs when there is one (every append fsyncs,
/// which costs nothing there), else in the system's temp directory.
pub fn temp_dir() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    let builder = {
        let mut b = tempfile::Builder::new();
        b.prefix("kamerstand-test-");
        b
    };
    if shm.is_dir()
        && let Ok(d) = builder.tempdir_in(shm)
    {
        return d;
    }
    builder.tempdir().unwrap()
}

/// One test's world: a directory holding the store, and the shared clock.
#[derive(Debug)]
pub struct TestEnv {
    pub dir: tempfile::TempDir,
    pub store: PathBuf,
    pub clock: SharedClock,
    /// Each command's limit for checking the whole ledger at open
    /// (`Env::whole_ledger_up_to`); see [`TestEnv::as_if_larger`].
    whole_ledger: std::sync::atomic::AtomicU64,
}

impl Default for TestEnv {
    fn default() -> Self {
        TestEnv::new()
    }
}

impl TestEnv {
    /// A fresh directory; the store path inside it does not exist yet.
    pub fn new() -> TestEnv {
        let dir = temp_dir();
        let store = dir.path().join("ledger");
        TestEnv {
            dir,
            store,
            whole_ledger: std::sync::atomic::AtomicU64::new(
                kamerstand::ledger::WHOLE_LEDGER_AT_OPEN,
            ),
            clock: SharedClock::pinned(),
        }
    }

    /// A fresh environment with an initialised ledger.
    pub fn init() -> TestEnv {
        let env = TestEnv::new();
        env.run(&["init", "--programme", "NAP", "--title", "Stand van zaken"])
            .ok();
        env
    }

    /// Copies this store (closed) to `other`'s store path, and the clock.
    pub fn copy_store_to(&self, other: &TestEnv) {
        fn copy(from: &Path, to: &Path) {
            std::fs::create_dir_all(to).unwrap();
            for e in std::fs::read_dir(from).unwrap() {
                let e = e.unwrap();
                let target = to.join(e.file_name());
                if e.file_type().unwrap().is_dir() {
                    copy(&e.path(), &target);
                } else {
                    std::fs::copy(e.path(), target).unwrap();
                }
            }
        }
        copy(&self.store, &other.store);
        other.clock.set(self.clock.clone().now());
    }

    /// Options for opening the store from a test with the shared clock.
    /// They wait for the lock: a child process another test of this binary
    /// is just starting holds a copy of every open file, the lock of a store
    /// a command has just closed included, until it execs.
    pub fn open_options(&self) -> OpenOptions {
        OpenOptions {
            wait: Duration::from_secs(10),
            clock: Box::new(self.clock.clone()),
            whole_ledger_up_to: self.whole_ledger_up_to(),
            ..OpenOptions::default()
        }
    }

    /// From now on, every command and [`TestEnv::open_options`] treat this
    /// ledger as one larger than `WHOLE_LEDGER_AT_OPEN` events: none checks
    /// the whole chain and index when it opens it, so that a test sees what
    /// the other checks of a read or write do on such a ledger.
    pub fn as_if_larger(&self) {
        self.whole_ledger
            .store(0, std::sync::atomic::Ordering::Relaxed);
    }

    /// Each command's limit for checking the whole ledger at open, as
    /// [`TestEnv::as_if_larger`] left it.
    pub fn whole_ledger_up_to(&self) -> u64 {
        self.whole_ledger.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Runs the CLI in-process against this store: `kamerstand --store S
    /// ARGS…`, with the shared clock and empty standard input.
    pub fn run(&self, args: &[&str]) -> Output {
        self.run_with_input(args, b"")
    }

    /// As [`TestEnv::run`], with `input` on standard input.
    pub fn run_with_input(&self, args: &[&str], input: &[u8]) -> Output {
        let store = self.store.to_str().unwrap();
        let mut full = vec!["--store", store];
        full.extend_from_slice(args);
        self.run_raw(&full, input, kamerstand::cli::Terminal::default())
    }

    /// As [`TestEnv::run`], as if standard output were `terminal` (a width,
    /// colour).
    pub fn run_at(&self, terminal: kamerstand::cli::Terminal, args: &[&str]) -> Output {
        let store = self.store.to_str().unwrap();
        let mut full = vec!["--store", store];
        full.extend_from_slice(args);
        self.run_raw(&full, b"", terminal)
    }

    /// Runs the CLI in-process with exactly `args` (after the program name),
    /// for tests that pass their own `--store`.
    pub fn run_bare(&self, args: &[&str]) -> Output {
        self.run_raw(args, b"", kamerstand::cli::Terminal::default())
    }

    fn run_raw(&self, args: &[&str], input: &[u8], terminal: kamerstand::cli::Terminal) -> Output {
        let mut full: Vec<&str> = vec!["kamerstand"];
        // Other tests of this binary spawn processes, and a forked child
        // holds a copy of every open file until it execs, our lock file
        // included: for that moment a store closed by one command still
        // looks in use to the next. Waiting bridges it; nothing else holds
        // these stores (the lock tests run the binary, which does not wait).
        if !args.iter().any(|a| a.starts_with("--wait")) {
            full.push("--wait=10");
        }
        full.extend_from_slice(args);
        let mut out = Vec::new();
        let mut err = Vec::new();
        let mut input = input;
        let clock = self.clock.clone();
        let make_clock = move || -> Box<dyn Clock> { Box::new(clock.clone()) };
        let code = kamerstand::cli::run(
            full,
            &mut kamerstand::cli::Env {
                out: &mut out,
                err: &mut err,
                input: &mut input,
                clock: &make_clock,
                os_user: Some(ACTOR.to_string()),
                terminal,
                exits_after: false,
                whole_ledger_up_to: self.whole_ledger_up_to(),
            },
        );
        Output {
            stdout: String::from_utf8(out).unwrap(),
            stderr: String::from_utf8(err).unwrap(),
            code,
        }
    }

    /// The real binary, set up to run against this store in a separate
    /// process (stdin closed, stdout and stderr captured).
    pub fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_kamerstand"));
        c.arg("--store")
            .arg(&self.store)
            .args(args)
            .env("KAMERSTAND_ACTOR", ACTOR)
            .env_remove("KAMERSTAND_STORE")
            // Piped output is plain unless this forces colour.
            .env_remove("CLICOLOR_FORCE")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        c
    }

    /// Runs the real binary to completion.
    pub fn bin(&self, args: &[&str]) -> Output {
        let o = self.command(args).output().unwrap();
        Output {
            stdout: String::from_utf8(o.stdout).unwrap(),
            stderr: String::from_utf8(o.stderr).unwrap(),
            code: o.status.code().unwrap_or(-1),
        }
    }

    /// The stored head, read after every command has finished (None when
    /// there is no store at the path).
    pub fn head(&self) -> Option<Head> {
        head_at(&self.store)
    }

    /// Opens the ledger from the test (it holds the store's lock until dropped).
    pub fn ledger(&self) -> Ledger {
        Ledger::open(&self.store, self.open_options()).unwrap()
    }

    /// The id of the item with `key`, from `item list --format json`.
    pub fn id_of(&self, key: &str) -> String {
        let list = self.run(&["--format", "json", "item", "list"]).json();
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["key"] == key)
            .unwrap_or_else(|| panic!("no item {key} in {list}"))["id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// Adds an item and returns its key as printed in the JSON receipt.
    pub fn add(&self, args: &[&str]) -> String {
        let mut full = vec!["--format", "json", "item", "add"];
        full.extend_from_slice(args);
        let out = self.run(&full);
        out.ok();
        out.json()["item_key"].as_str().unwrap().to_string()
    }

    /// Registers the two items many tests start from: motie M1, in
    /// uitvoering from 2024-01-10 (with `m1_flags` added to its `item
    /// add`), and toezegging T1 from 2024-01-11.
    pub fn add_m1_and_t1(&self, m1_flags: &[&str]) {
        let mut m1 = vec![
            "--kind",
            "motie",
            "--text",
            "Een motie.",
            "--key",
            "M1",
            "--status",
            "in-uitvoering",
            "--effective",
            "2024-01-10",
        ];
        m1.extend_from_slice(m1_flags);
        self.add(&m1);
        self.add(&[
            "--kind",
            "toezegging",
            "--text",
            "Een toezegging.",
            "--key",
            "T1",
            "--effective",
            "2024-01-11",
        ]);
    }
}

/// The stored head of the store at `path`, or None when there is no store
/// there. Opens the store without the head check, so it also reads damaged
/// stores.
pub fn head_at(path: &Path) -> Option<Head> {
    let opts = OpenOptions {
        wait: Duration::from_secs(5),
        clock: Box::new(TestClock::pinned()),
        ..OpenOptions::default()
    };
    match Ledger::open_for_verify(path, opts) {
        Ok(l) => l.head(),
        Err(kamerstand::Error::NoStore { .. }) => None,
        Err(e) => panic!("cannot read the head of {}: {e}", path.display()),
    }
}

impl TestEnv {
    /// Runs `--format json ARGS…`, requires success and returns the parsed
    /// output.
    #[track_caller]
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let mut full = vec!["--format", "json"];
        full.extend_from_slice(args);
        let out = self.run(&full);
        out.ok();
        out.json()
    }

    /// Moves the shared clock to an RFC 3339 instant.
    pub fn set_clock(&self, rfc3339: &str) {
        let at = kamerstand::domain::Instant::parse("clock", rfc3339).unwrap();
        self.clock.set(at.at);
    }

    /// Runs `args` with `input` on stdin and requires a refusal with exit
    /// `code` (see [`Output::refusal`]) that leaves the head unchanged.
    #[track_caller]
    pub fn refused_in(&self, args: &[&str], input: &[u8], code: i32, needles: &[&str]) -> Output {
        let before = self.head();
        let out = self.run_with_input(args, input);
        out.refusal(code, &format!("{args:?}"), needles);
        assert_eq!(self.head(), before, "{args:?} changed the ledger");
        out
    }

    /// The digest of the sealed round `round`, from `round list`.
    pub fn round_digest(&self, round: &str) -> String {
        let list = self.json(&["round", "list"]);
        list["rounds"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == round)
            .unwrap_or_else(|| panic!("no round {round} in {list}"))["digest"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// Runs `verify ARGS…` in table and JSON form, requires exit `code` from
    /// both, and returns the table form's output and the JSON document.
    #[track_caller]
    pub fn verify(&self, args: &[&str], code: i32) -> (Output, serde_json::Value) {
        let mut full = vec!["verify"];
        full.extend_from_slice(args);
        let t = self.run(&full);
        t.expect_code(code);
        let mut full = vec!["--format", "json", "verify"];
        full.extend_from_slice(args);
        let j = self.run(&full);
        j.expect_code(code);
        (t, j.json())
    }

    /// As [`TestEnv::verify`], adding the table form to `t`.
    #[track_caller]
    pub fn verify_into(
        &self,
        t: &mut Transcript,
        args: &[&str],
        code: i32,
    ) -> (Output, serde_json::Value) {
        let (out, json) = self.verify(args, code);
        let mut full = vec!["verify"];
        full.extend_from_slice(args);
        t.add(&full, &out);
        (out, json)
    }

    /// As [`TestEnv::run`], with arguments built at run time.
    pub fn run_owned(&self, args: &[String]) -> Output {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        self.run(&args)
    }
}

/// The item with `key` in a JSON document's `items` (an overview or an
/// item list).
#[track_caller]
pub fn item<'a>(v: &'a serde_json::Value, key: &str) -> &'a serde_json::Value {
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["key"] == key)
        .unwrap_or_else(|| panic!("no item {key} in {v}"))
}

/// The seqs of a JSON document's `events` (a log), in order.
pub fn seqs(v: &serde_json::Value) -> Vec<u64> {
    v["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_u64().unwrap())
        .collect()
}

/// A ledger with two sealed rounds, for digests and tampering. Seq 0
/// created; 1 M1, 2 T1 registered (recorded 2025-02-03); 3 M1 in
/// uitvoering; round R1 sealed at 4; 5 note on T1 and 6 M1 vertraagd
/// (recorded 2025-05-05); round R2 sealed at 7; 8 note on M1.
pub fn two_rounds() -> TestEnv {
    let env = TestEnv::init();
    env.set_clock("2025-02-03T10:00:00Z");
    for (kind, key) in [("motie", "M1"), ("toezegging", "T1")] {
        env.add(&[
            "--kind",
            kind,
            "--key",
            key,
            "--text",
            "Een tekst.",
            "--effective",
            "2025-01-10",
        ]);
    }
    env.run(&["status", "M1", "in-uitvoering"]).ok();
    assert_eq!(env.json(&["round", "seal", "R1"])["seq"], 4);
    env.set_clock("2025-05-05T10:00:00Z");
    env.run(&["note", "T1", "Brief verstuurd."]).ok();
    env.run(&["status", "M1", "vertraagd"]).ok();
    assert_eq!(env.json(&["round", "seal", "R2"])["seq"], 7);
    env.run(&["note", "M1", "Na de ronde."]).ok();
    assert_eq!(env.head().unwrap().seq, 8);
    env.run(&["verify"]).ok();
    env
}

/// A JSON document without its `view` member: what two views of the same
/// events must agree on, whatever they call themselves.
pub fn without_view(v: &serde_json::Value) -> serde_json::Value {
    let mut v = v.clone();
    if let Some(m) = v.as_object_mut() {
        m.remove("view");
    }
    v
}

/// Generous bound used only as a timeout, never as a measurement.
pub const TIMEOUT: Duration = Duration::from_secs(60);

/// Waits for `child`, killing it (and failing) if it runs past [`TIMEOUT`].
pub fn wait_for(child: &mut std::process::Child) -> std::process::ExitStatus {
    let deadline = std::time::Instant::now() + TIMEOUT;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("kamerstand did not finish within {TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Everything left to read from a child's pipe.
pub fn read_all(r: Option<impl std::io::Read>) -> String {
    let mut s = String::new();
    if let Some(mut r) = r {
        r.read_to_string(&mut s).unwrap();
    }
    s
}

/// Writes a file only its owner may read or write (mode 0600), as a token
/// or key file must be: created so from the start.
pub fn write_private(path: &Path, text: &str) {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    std::io::Write::write_all(&mut o.open(path).unwrap(), text.as_bytes()).unwrap();
}

/// The recorded time of the event at `seq` of `env`'s ledger (RFC 3339).
pub fn instant(env: &TestEnv, seq: u64) -> String {
    env.ledger()
        .get(seq)
        .unwrap()
        .unwrap()
        .envelope
        .recorded_at
        .rfc3339()
}

//! One writer for a ledger many people use at once (the server). Every
//! write goes through one thread that owns the right to write; writes that
//! arrive while it is busy are taken together as a group: each is decided
//! in turn, against the state the ones before it left (a refused one
//! writes nothing and does not sink the others), and staged; the group's
//! writes are then written in one sled transaction (all or none: if it
//! fails, each write of the group is answered with the error, save those
//! a round seal's check wrote before it, which stay in the store and are
//! answered as written). Then the
//! group is made durable (one flush and fsync for everything written
//! since the last one), and only then is each write answered. When more
//! writes are queued, a second thread makes it durable while the writer
//! decides and writes the next group, so an fsync no longer keeps the
//! writer idle; a lone group is made durable on the writer's own thread,
//! which spares it the hand-over. So
//! throughput grows with the number of people writing, while every
//! acknowledged write is on disk.
//!
//! Reads share the workspace behind a read lock, and no reader sees a
//! write that could still be lost: a read begins only when everything
//! written is durable and no group is being written, and the writer waits
//! for the reads that asked before it began a group (so neither starves
//! the other). Who is asking is checked against a copy of the accounts the
//! writer takes after each group that may have changed one (that prepared
//! an event creating or changing an account), published once that group
//! is durable, so that a request is checked and queued while a
//! group is being written or made durable.
//!
//! If making writes durable fails, every write not yet answered is answered
//! with that failure and the writer refuses all later writes and reads:
//! what the store holds is no longer known (the workspace may show writes
//! that never became durable), and the process must be restarted (the
//! store then opens as it was last made durable). The same holds when the
//! writer's thread stops on a bug.

use super::Workspace;
use crate::domain::AccountName;
use crate::error::{Error, Refusal, Result};
use crate::projection::state::Account;
use std::collections::BTreeMap;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError, RwLock, RwLockReadGuard};
use std::thread::JoinHandle;

/// How many writes one group takes at most.
pub const MAX_GROUP: usize = 256;

/// How many writes may wait for the writer; more wait to be queued.
const QUEUE: usize = 1024;

/// Told after the group is made durable (None), or given the error that
/// kept it from being written or made durable.
type Reply = Box<dyn FnOnce(Option<&dyn Fn() -> Error>) + Send>;

/// A queued write: run by the writer thread (returning how to answer it
/// once the group's fate is known), or refused without running.
trait Pending: Send {
    fn run(self: Box<Self>, ws: &mut Workspace) -> Reply;
    fn refuse(self: Box<Self>, why: &str);
}

struct Queued<W, R> {
    work: W,
    reply: R,
}

impl<T, W, R> Pending for Queued<W, R>
where
    T: Send + 'static,
    W: FnOnce(&mut Workspace) -> Result<T> + Send + 'static,
    R: FnOnce(Result<T>) + Send + 'static,
{
    fn run(self: Box<Self>, ws: &mut Workspace) -> Reply {
        let Queued { work, reply } = *self;
        let result = work(ws);
        Box::new(move |failed: Option<&dyn Fn() -> Error>| {
            reply(match (result, failed) {
                (Ok(_), Some(error)) => Err(error()),
                (r, _) => r,
            });
        })
    }

    fn refuse(self: Box<Self>, why: &str) {
        (self.reply)(Err(stopped(why)));
    }
}

fn stopped(why: &str) -> Error {
    Error::storage("making a group of writes durable", why.to_string())
}

type Job = Box<dyn Pending>;

/// The accounts as the last durable group left them, or why they could
/// not be read.
type Accounts = std::result::Result<Arc<BTreeMap<AccountName, Account>>, String>;

/// The handle to the writer: cheap to clone, shared by every request.
#[derive(Clone)]
pub struct Writer {
    shared: Arc<RwLock<Workspace>>,
    accounts: Arc<RwLock<Accounts>>,
    flow: Arc<Flow>,
    jobs: SyncSender<Job>,
}

impl std::fmt::Debug for Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Writer").finish_non_exhaustive()
    }
}

/// What a group commit did, for tests and the benchmark.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GroupStats {
    /// Times the writes were made durable (fsyncs); one covers every group
    /// written since the one before.
    pub groups: u64,
    /// Writes run in them.
    pub writes: u64,
    /// Groups written in them: each one sled transaction (more than one
    /// per fsync when the writer wrote the next group while the last was
    /// being made durable).
    pub written: u64,
}

/// The writer thread, to wait for when the handles are gone.
#[derive(Debug)]
pub struct WriterThread(JoinHandle<GroupStats>);

impl WriterThread {
    /// Waits until every handle is dropped and the last group answered;
    /// returns what the writer did.
    pub fn join(self) -> GroupStats {
        self.0.join().unwrap_or_default()
    }
}

/// Where the writer, the thread that makes its groups durable and the
/// readers meet: one lock, and one condition every change is announced on.
#[derive(Default)]
struct Flow {
    state: Mutex<FlowState>,
    changed: Condvar,
}

/// A group written and waiting to be made durable: its number, how to
/// answer its writes, and the accounts as it left them (when it wrote
/// anything).
type Written = (u64, Vec<Reply>, Option<Accounts>);

#[derive(Default)]
struct FlowState {
    /// Groups written so far.
    written: u64,
    /// Of those, the ones made durable (or given up on, once broken).
    durable: u64,
    /// Written, not yet durable, oldest first.
    waiting: Vec<Written>,
    /// The writer is writing a group.
    writing: bool,
    /// The writer waits to write a group; readers that asked from
    /// `admitted` on wait for it.
    wants: bool,
    /// Readers that asked before this number go before the writer's next
    /// group.
    admitted: u64,
    /// Readers that asked so far (each takes the next number).
    asked: u64,
    /// Readers that began so far.
    began: u64,
    /// Readers reading now.
    reading: usize,
    /// The writer has ended: what is waiting is made durable, then the
    /// other thread ends.
    ended: bool,
    /// Why making writes durable failed, once it did.
    broken: Option<String>,
    /// Groups are being made durable (by one thread or the other).
    syncing: bool,
    /// What was made durable so far.
    stats: GroupStats,
}

impl Flow {
    fn lock(&self) -> MutexGuard<'_, FlowState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn wait<'a>(&self, g: MutexGuard<'a, FlowState>) -> MutexGuard<'a, FlowState> {
        self.changed.wait(g).unwrap_or_else(PoisonError::into_inner)
    }
}

/// The workspace for reading, with everything written durable; the writer
/// writes no group until it is dropped.
pub struct Reading<'a> {
    guard: RwLockReadGuard<'a, Workspace>,
    flow: &'a Flow,
}

impl std::fmt::Debug for Reading<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reading").finish_non_exhaustive()
    }
}

impl std::ops::Deref for Reading<'_> {
    type Target = Workspace;

    fn deref(&self) -> &Workspace {
        &self.guard
    }
}

impl Drop for Reading<'_> {
    fn drop(&mut self) {
        // The read lock goes right after this; a writer let in now waits
        // for it at the write lock for that moment.
        let mut f = self.flow.lock();
        f.reading -= 1;
        drop(f);
        self.flow.changed.notify_all();
    }
}

impl Writer {
    /// Starts the writer thread (and the one that makes its groups
    /// durable) for `ws`.
    pub fn start(mut ws: Workspace) -> Result<(Writer, WriterThread)> {
        let accounts = Arc::new(RwLock::new(accounts_of(&ws)));
        ws.defer_durability();
        let syncer = ws.syncer();
        let shared = Arc::new(RwLock::new(ws));
        let flow = Arc::new(Flow::default());
        let (jobs, rx) = sync_channel::<Job>(QUEUE);
        let inner = Arc::clone(&shared);
        let maker = Arc::new(Maker {
            flow: Arc::clone(&flow),
            syncer,
            accounts: Arc::clone(&accounts),
        });
        let thread = std::thread::Builder::new()
            .name("kamerstand-writer".into())
            .spawn(move || {
                let other = Arc::clone(&maker);
                let durable = std::thread::Builder::new()
                    .name("kamerstand-sync".into())
                    .spawn(move || make_durable(&other));
                let Ok(durable) = durable else {
                    // Nothing can be made durable: every write is refused.
                    rx.iter()
                        .for_each(|job| job.refuse("the writer has stopped"));
                    return GroupStats::default();
                };
                write(&inner, &maker, &rx);
                maker.flow.lock().ended = true;
                maker.flow.changed.notify_all();
                let _ = durable.join();
                maker.flow.lock().stats
            })
            .map_err(|e| Error::storage("starting the writer thread", e))?;
        Ok((
            Writer {
                shared,
                accounts,
                flow,
                jobs,
            },
            WriterThread(thread),
        ))
    }

    /// Queues a write: `work` runs on the writer thread with the workspace;
    /// `reply` gets its result once the group it ran in is durable (or the
    /// error that kept it from being). A write queued after the writer
    /// stopped is answered at once with an error.
    pub fn submit<T, W, R>(&self, work: W, reply: R)
    where
        T: Send + 'static,
        W: FnOnce(&mut Workspace) -> Result<T> + Send + 'static,
        R: FnOnce(Result<T>) + Send + 'static,
    {
        let job: Job = Box::new(Queued { work, reply });
        if let Err(e) = self.jobs.send(job) {
            e.0.refuse("the writer has stopped");
        }
    }

    /// Queues a write and waits for its answer.
    pub fn call<T, W>(&self, work: W) -> Result<T>
    where
        T: Send + 'static,
        W: FnOnce(&mut Workspace) -> Result<T> + Send + 'static,
    {
        let (tx, rx) = std::sync::mpsc::channel();
        self.submit(work, move |r| {
            let _ = tx.send(r);
        });
        rx.recv()
            .unwrap_or_else(|_| Err(stopped("the writer has stopped")))
    }

    /// The workspace for reading, with every write in it durable. Waits
    /// while a group is being written, or made durable; the writer's next
    /// group waits for it (see the module's notes). Refused once the
    /// writer is broken (a sync failed, or its thread stopped on a bug):
    /// what the workspace holds may then include writes that were never
    /// made durable, which a read must not show.
    pub fn read(&self) -> Result<Reading<'_>> {
        let flow = &*self.flow;
        let mut f = flow.lock();
        let me = f.asked;
        f.asked += 1;
        loop {
            if let Some(why) = &f.broken {
                let why = why.clone();
                // This reader will never begin: let the writer pass it.
                f.began += 1;
                drop(f);
                flow.changed.notify_all();
                return Err(Error::storage("reading the ledger", why));
            }
            if !(f.writing || f.written != f.durable || (f.wants && me >= f.admitted)) {
                break;
            }
            f = flow.wait(f);
        }
        f.began += 1;
        f.reading += 1;
        drop(f);
        Ok(Reading {
            guard: self.shared.read().unwrap_or_else(PoisonError::into_inner),
            flow,
        })
    }

    /// The account of that name as the last durable group left it (as
    /// [`super::access::account`] reads it from the workspace), without
    /// waiting for a group being written.
    pub fn account(&self, who: &AccountName) -> Result<Account> {
        let accounts = Arc::clone(
            self.accounts
                .read()
                .unwrap_or_else(PoisonError::into_inner)
                .as_ref()
                .map_err(|e| Error::storage("reading the accounts", e.clone()))?,
        );
        accounts.get(who).cloned().ok_or_else(|| {
            Refusal::UnknownAccount {
                account: who.to_string(),
            }
            .into()
        })
    }
}

fn accounts_of(ws: &Workspace) -> Accounts {
    ws.ledger()
        .accounts()
        .map(Arc::new)
        .map_err(|e| e.to_string())
}

/// What making groups durable takes; the writer's thread and the other one
/// both do it, one at a time.
struct Maker {
    flow: Arc<Flow>,
    syncer: crate::ledger::Syncer,
    accounts: Arc<RwLock<Accounts>>,
}

impl Maker {
    /// Makes `groups` durable with one flush and fsync (every one of them
    /// was written before it began), publishes the accounts they left, and
    /// answers their writes. The caller took them from `waiting` and set
    /// `syncing`; `broken` is why nothing can be made durable any more.
    fn finish(&self, groups: Vec<Written>, broken: Option<String>) {
        let last = groups.last().map_or(0, |g| g.0);
        let count = groups.len() as u64;
        let failed = match broken {
            Some(why) => Some(why),
            None => self.syncer.sync().err().map(|e| {
                format!("{e}; this server reads and writes nothing more until it is restarted")
            }),
        };
        let mut replies = Vec::new();
        let mut latest = None;
        for (_, r, a) in groups {
            replies.extend(r);
            latest = a.or(latest);
        }
        if let (None, Some(a)) = (&failed, latest) {
            *self
                .accounts
                .write()
                .unwrap_or_else(PoisonError::into_inner) = a;
        }
        let mut f = self.flow.lock();
        f.durable = last;
        f.syncing = false;
        f.stats.groups += 1;
        f.stats.writes += replies.len() as u64;
        f.stats.written += count;
        if failed.is_some() && f.broken.is_none() {
            f.broken.clone_from(&failed);
        }
        drop(f);
        self.flow.changed.notify_all();
        let error = |why: &str| stopped(why);
        match failed.as_deref() {
            Some(why) => replies.into_iter().for_each(|r| r(Some(&|| error(why)))),
            None => replies.into_iter().for_each(|r| r(None)),
        }
    }
}

/// The writer thread's loop: take what is queued (up to [`MAX_GROUP`]),
/// wait for the reads that asked before it, run it under the write lock
/// (durability deferred), take a copy of the accounts when a write may
/// have changed one. Then, when more writes are queued or a group is being made
/// durable, leave the group to the other thread ([`make_durable`]) and
/// write the next one meanwhile; otherwise make it durable here, which
/// spares a lone write the hand-over to another thread.
fn write(shared: &RwLock<Workspace>, maker: &Maker, rx: &Receiver<Job>) {
    let flow = &*maker.flow;
    let _unwinding = Unwinding(flow);
    let mut next: Option<Job> = None;
    while let Some(first) = next.take().or_else(|| rx.recv().ok()) {
        let mut group = vec![first];
        while group.len() < MAX_GROUP {
            match rx.try_recv() {
                Ok(j) => group.push(j),
                Err(_) => break,
            }
        }
        let mut f = flow.lock();
        if let Some(why) = f.broken.clone() {
            drop(f);
            group.into_iter().for_each(|job| job.refuse(&why));
            continue;
        }
        f.wants = true;
        f.admitted = f.asked;
        while f.began < f.admitted || f.reading > 0 {
            f = flow.wait(f);
        }
        f.wants = false;
        f.writing = true;
        drop(f);
        let mut ws = shared.write().unwrap_or_else(PoisonError::into_inner);
        let before = ws.ledger().head();
        let account_batches = ws.ledger().account_batches();
        // Several writes are staged and written in one sled transaction; a
        // lone one is written as it is decided, which spares it the staging.
        let several = group.len() > 1;
        if several {
            ws.begin_group();
        }
        // Each write's reply, and how many events the ledger held after it.
        let replies: Vec<(Reply, u64)> = group
            .into_iter()
            .map(|job| {
                let reply = job.run(&mut ws);
                (reply, events(ws.ledger().head()))
            })
            .collect();
        // On a failure, why, and how many events sled holds.
        let unwritten = if several {
            ws.end_group()
                .err()
                .map(|e| (e.to_string(), events(ws.ledger().head())))
        } else {
            None
        };
        // A head that was there and is gone after a failed group means sled's
        // could not even be read back: nothing the workspace shows is known.
        let lost_head = unwritten.is_some() && before.is_some() && ws.ledger().head().is_none();
        // The accounts are read again only when a write of the group may
        // have changed one (a note or a status never does), or when the
        // last reading failed.
        let stale = ws.ledger().account_batches() != account_batches
            || maker
                .accounts
                .read()
                .unwrap_or_else(PoisonError::into_inner)
                .is_err();
        let accounts = stale.then(|| accounts_of(&ws));
        drop(ws);
        let mut f = flow.lock();
        f.writing = false;
        if let Some((why, held)) = unwritten {
            if lost_head {
                f.broken.get_or_insert_with(|| {
                    format!("{why}; the store's head could not be read after it, so this server reads and writes nothing more until it is restarted")
                });
            }
            // The group's transaction failed; the ledger's head is again
            // sled's. A round seal's check (or an import too large to be
            // staged) wrote what the group staged before it: the writes
            // whose events sled holds stay in the store, so they are
            // answered as written once durable, like any other. The rest
            // wrote nothing and are answered with the error.
            let (kept, lost): (Vec<_>, Vec<_>) = replies.into_iter().partition(|(_, n)| *n <= held);
            f.written += 1;
            let n = f.written;
            f.waiting
                .push((n, kept.into_iter().map(|(r, _)| r).collect(), accounts));
            drop(f);
            flow.changed.notify_all();
            let error = || Error::storage("writing a group of writes", why.clone());
            lost.into_iter().for_each(|(r, _)| r(Some(&error)));
            continue;
        }
        f.written += 1;
        let n = f.written;
        f.waiting
            .push((n, replies.into_iter().map(|(r, _)| r).collect(), accounts));
        if !f.syncing {
            next = rx.try_recv().ok();
        }
        let here = !f.syncing && next.is_none();
        let mine = if here {
            f.syncing = true;
            Some((std::mem::take(&mut f.waiting), f.broken.clone()))
        } else {
            None
        };
        drop(f);
        flow.changed.notify_all();
        if let Some((groups, broken)) = mine {
            maker.finish(groups, broken);
        }
    }
}

/// How many events a ledger with `head` holds.
fn events(head: Option<crate::ledger::Head>) -> u64 {
    head.map_or(0, |h| h.seq + 1)
}

/// Marks the writer broken and ended if its thread unwinds (a bug in a
/// write's work: clippy keeps panics out of the code, not out of every
/// dependency). Without it the writer would stay marked as writing and
/// every later read would wait for ever; with it, reads are refused, the
/// groups waiting are answered with the failure, and later writes find
/// the writer stopped.
struct Unwinding<'a>(&'a Flow);

impl Drop for Unwinding<'_> {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            return;
        }
        let mut f = self.0.lock();
        f.writing = false;
        f.wants = false;
        f.ended = true;
        f.broken.get_or_insert_with(|| {
            "the writer stopped on an internal error; this server reads and writes nothing more until it is restarted".to_string()
        });
        drop(f);
        self.0.changed.notify_all();
    }
}

/// The other thread's loop: whenever groups wait and none is being made
/// durable, make every one that waits durable at once. Ends once the
/// writer has and nothing waits.
fn make_durable(maker: &Maker) {
    let flow = &*maker.flow;
    loop {
        let mut f = flow.lock();
        while f.syncing || (f.waiting.is_empty() && !f.ended) {
            f = flow.wait(f);
        }
        if f.waiting.is_empty() {
            return;
        }
        let groups = std::mem::take(&mut f.waiting);
        let broken = f.broken.clone();
        f.syncing = true;
        drop(f);
        maker.finish(groups, broken);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::write::{Registration, Write};
    use crate::domain::{ItemKey, ItemKind, Legend, Responsible};
    use crate::ledger::{Ledger, OpenOptions};
    use std::sync::mpsc;

    fn note(text: &str) -> Write {
        Write::Note {
            item: "M1".into(),
            text: text.into(),
            citations: vec![],
            effective: None,
        }
    }

    fn noted(ws: &mut Workspace, text: &str) -> Result<u64> {
        ws.write("tester", note(text))
            .map(|r| r.recorded.envelope.seq)
    }

    /// A new ledger at `path` with one item, M1.
    fn with_m1(path: &std::path::Path) -> Workspace {
        let mut ws = Workspace::create(
            path,
            OpenOptions::default(),
            "tester",
            "P".into(),
            "T".into(),
            Legend::nap(),
        )
        .unwrap();
        ws.write(
            "tester",
            Write::Register(Registration {
                kind: ItemKind::Motie,
                text: "Motie van het lid A; verzoekt de regering iets".into(),
                submitters: vec![],
                citations: vec![],
                key: Some(ItemKey::parse("M1").unwrap()),
                responsible: Responsible::parse("MVWS").unwrap(),
                status: None,
                effective: None,
            }),
        )
        .unwrap();
        ws
    }

    /// Queues a write that holds the writer, once it runs, until the
    /// returned sender is sent to: what is queued meanwhile is one group.
    fn hold(writer: &Writer) -> mpsc::Sender<()> {
        let (running_tx, running) = mpsc::channel();
        let (release, released) = mpsc::channel::<()>();
        writer.submit(
            move |_ws| {
                running_tx.send(()).unwrap();
                released.recv().unwrap();
                Ok(0)
            },
            |r| assert!(r.is_ok(), "{r:?}"),
        );
        running.recv().unwrap();
        release
    }

    /// A writer over a new ledger with M1 (in the directory returned), held
    /// by a first write (see [`hold`]) until the sender returned is sent to;
    /// the path of its store and its head before.
    fn held() -> (
        tempfile::TempDir,
        std::path::PathBuf,
        crate::ledger::Head,
        Writer,
        WriterThread,
        mpsc::Sender<()>,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store");
        let ws = with_m1(&path);
        let before = ws.ledger().head().unwrap();
        let (writer, thread) = Writer::start(ws).unwrap();
        let release = hold(&writer);
        (dir, path, before, writer, thread, release)
    }

    #[test]
    fn a_group_whose_transaction_fails_answers_every_write_with_the_error_and_writes_none() {
        // A first write holds the writer until the group is queued.
        let (_dir, path, before, writer, thread, release) = held();
        let (done_tx, done) = mpsc::channel();
        for (n, text) in ["a", "b", "c"].into_iter().enumerate() {
            let tx = done_tx.clone();
            writer.submit(
                move |ws| {
                    let seq = noted(ws, text)?;
                    // Each is staged on the one before it.
                    assert_eq!(seq, before.seq + 1 + n as u64);
                    if text == "c" {
                        ws.ledger().fail_next_group_write();
                    }
                    Ok(seq)
                },
                move |r| tx.send(r.map_err(|e| e.to_string())).unwrap(),
            );
        }
        drop(done_tx);
        release.send(()).unwrap();
        let answers: Vec<_> = done.iter().collect();
        assert_eq!(answers.len(), 3);
        for a in &answers {
            let e = a.as_ref().unwrap_err();
            assert!(e.contains("a failure made for a test"), "{e}");
        }
        // The ledger is again what sled holds: the next write follows the
        // last one written, and a read sees it and nothing of the group.
        let seq = writer
            .call(move |ws| {
                assert_eq!(ws.ledger().head(), Some(before));
                noted(ws, "d")
            })
            .unwrap();
        assert_eq!(seq, before.seq + 1);
        assert_eq!(writer.read().unwrap().events(), before.seq + 2);
        drop(writer);
        let stats = thread.join();
        assert_eq!(stats.writes, 2, "{stats:?}");
        let ledger = Ledger::open(&path, OpenOptions::default()).unwrap();
        let texts: Vec<String> = ledger
            .events()
            .map(|r| format!("{:?}", r.unwrap().envelope.body))
            .collect();
        assert_eq!(texts.len() as u64, before.seq + 2);
        assert!(texts.last().unwrap().contains("\"d\""));
        assert!(!texts.iter().any(|t| t.contains("\"a\"")));
        let report = ledger.verify().unwrap();
        assert!(report.ok(), "{report:?}");
    }

    #[test]
    fn a_batch_too_large_for_one_transaction_in_a_group_lands_between_the_writes_around_it() {
        use crate::domain::EventBody;
        use crate::ledger::{ATOMIC_EVENTS, Draft};
        let (_dir, path, before, writer, thread, release) = held();
        // A note staged; a batch too large to be staged, written in parts
        // once the group has written what it staged; a note staged after.
        let large = ATOMIC_EVENTS + 30;
        let (done_tx, done) = mpsc::channel();
        for n in 0..3 {
            let tx = done_tx.clone();
            writer.submit(
                move |ws| {
                    if n != 1 {
                        return noted(ws, &format!("note {n}")).map(|seq| vec![seq]);
                    }
                    let m1 = ws.ledger().item_by_key("M1")?.unwrap();
                    let day = ws.today();
                    let drafts = (0..large)
                        .map(|i| Draft {
                            id: ws.new_id(),
                            body: EventBody::ProgressNoted {
                                item: m1,
                                text: format!("Stand {i}."),
                                citations: vec![],
                                effective: day,
                            },
                        })
                        .collect();
                    let recorded = ws.record_batch("tester", drafts)?;
                    Ok(recorded.iter().map(|r| r.envelope.seq).collect())
                },
                move |r| tx.send((n, r.map_err(|e| e.to_string()))).unwrap(),
            );
        }
        drop(done_tx);
        release.send(()).unwrap();
        let mut answers: Vec<_> = done.iter().collect();
        answers.sort_by_key(|(n, _)| *n);
        let seqs: Vec<u64> = answers
            .into_iter()
            .flat_map(|(n, a)| a.unwrap_or_else(|e| panic!("write {n}: {e}")))
            .collect();
        let last = before.seq + 2 + large as u64;
        assert_eq!(seqs, (before.seq + 1..=last).collect::<Vec<_>>());
        drop(writer);
        thread.join();
        let ledger = Ledger::open(&path, OpenOptions::default()).unwrap();
        assert_eq!(ledger.head().unwrap().seq, last);
        let report = ledger.verify().unwrap();
        assert!(report.ok(), "{report:?}");
        let index = ledger.check_index(&mut |_, _| {}).unwrap();
        assert!(index.ok(), "{index:?}");
    }

    #[test]
    fn a_group_that_fails_after_a_seal_wrote_its_first_writes_answers_those_as_written() {
        let (_dir, path, before, writer, thread, release) = held();
        // A note, a seal (whose check writes the note to sled first), and a
        // note after which the group's transaction fails.
        let (done_tx, done) = mpsc::channel();
        for (n, text) in ["a", "seal", "c"].into_iter().enumerate() {
            let tx = done_tx.clone();
            writer.submit(
                move |ws| {
                    let seq = if text == "seal" {
                        ws.write(
                            "tester",
                            Write::Seal {
                                name: "R1".into(),
                                title: None,
                                reported_on: None,
                            },
                        )
                        .map(|r| r.recorded.envelope.seq)?
                    } else {
                        noted(ws, text)?
                    };
                    if text == "c" {
                        ws.ledger().fail_next_group_write();
                    }
                    Ok(seq)
                },
                move |r| tx.send((n, r.map_err(|e| e.to_string()))).unwrap(),
            );
        }
        drop(done_tx);
        release.send(()).unwrap();
        let mut answers: Vec<_> = done.iter().collect();
        answers.sort_by_key(|(n, _)| *n);
        // The note the seal wrote is in the store, durable: it is answered
        // as written, and nothing after it is.
        assert_eq!(answers[0].1, Ok(before.seq + 1), "{answers:?}");
        for (_, a) in &answers[1..] {
            let e = a.as_ref().unwrap_err();
            assert!(e.contains("a failure made for a test"), "{e}");
        }
        assert_eq!(writer.read().unwrap().events(), before.seq + 2);
        let seq = writer.call(|ws| noted(ws, "d")).unwrap();
        assert_eq!(seq, before.seq + 2);
        drop(writer);
        thread.join();
        let ledger = Ledger::open(&path, OpenOptions::default()).unwrap();
        let texts: Vec<String> = ledger
            .events()
            .map(|r| format!("{:?}", r.unwrap().envelope.body))
            .collect();
        assert_eq!(texts.len() as u64, before.seq + 3);
        assert!(texts[texts.len() - 2].contains("\"a\""));
        assert!(
            !texts
                .iter()
                .any(|t| t.contains("RoundSealed") || t.contains("\"c\""))
        );
        let report = ledger.verify().unwrap();
        assert!(report.ok(), "{report:?}");
    }
}

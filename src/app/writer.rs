//! One writer for a ledger many people use at once (the server). Every
//! write goes through one thread that owns the right to write; writes that
//! arrive while it is busy are taken together as a group: each is decided
//! and written in turn, against the state the ones before it left (a
//! refused one writes nothing and does not sink the others), then the whole
//! group is made durable with one fsync, and only then is each one
//! answered. So throughput grows with the number of people writing, while
//! every acknowledged write is on disk.
//!
//! Reads share the workspace behind a read lock; the writer holds the
//! write lock for a group until it is durable, so no reader sees a write
//! that could still be lost. Who is asking is checked against a copy of
//! the accounts the writer takes after each durable group, so that a
//! request is checked and queued while a group is being made durable,
//! instead of waiting for the lock: that is what lets the next group grow.
//!
//! If making a group durable fails, every write of the group is answered
//! with that failure and the writer refuses all later writes: what the
//! store holds is no longer known, and the process must be restarted (the
//! store then opens as it was last made durable).

use super::Workspace;
use crate::domain::AccountName;
use crate::error::{Error, Refusal, Result};
use crate::projection::state::Account;
use std::collections::BTreeMap;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard};
use std::thread::JoinHandle;

/// How many writes one group takes at most.
pub const MAX_GROUP: usize = 256;

/// How many writes may wait for the writer; more wait to be queued.
const QUEUE: usize = 1024;

/// Told after the group is made durable (None) or failed to be (Some).
type Reply = Box<dyn FnOnce(Option<&str>) + Send>;

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
        Box::new(move |failed: Option<&str>| {
            reply(match (result, failed) {
                (Ok(_), Some(why)) => Err(stopped(why)),
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
    /// Groups made durable (fsyncs).
    pub groups: u64,
    /// Writes run in them.
    pub writes: u64,
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

impl Writer {
    /// Starts the writer thread for `ws`.
    pub fn start(ws: Workspace) -> Result<(Writer, WriterThread)> {
        let accounts = Arc::new(RwLock::new(accounts_of(&ws)));
        let shared = Arc::new(RwLock::new(ws));
        let (jobs, rx) = sync_channel::<Job>(QUEUE);
        let inner = Arc::clone(&shared);
        let published = Arc::clone(&accounts);
        let thread = std::thread::Builder::new()
            .name("kamerstand-writer".into())
            .spawn(move || run(&inner, &published, &rx))
            .map_err(|e| Error::storage("starting the writer thread", e))?;
        Ok((
            Writer {
                shared,
                accounts,
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

    /// The workspace for reading, as the last durable group left it.
    pub fn read(&self) -> RwLockReadGuard<'_, Workspace> {
        self.shared.read().unwrap_or_else(PoisonError::into_inner)
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

/// The writer thread's loop: take what is queued (up to [`MAX_GROUP`]),
/// run it under the write lock with durability deferred, make it durable,
/// copy the accounts when anything was written, release the lock, answer.
fn run(shared: &RwLock<Workspace>, accounts: &RwLock<Accounts>, rx: &Receiver<Job>) -> GroupStats {
    let mut stats = GroupStats::default();
    let mut broken: Option<String> = None;
    while let Ok(first) = rx.recv() {
        let mut group = vec![first];
        while group.len() < MAX_GROUP {
            match rx.try_recv() {
                Ok(j) => group.push(j),
                Err(_) => break,
            }
        }
        let mut ws = shared.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(why) = &broken {
            drop(ws);
            group.into_iter().for_each(|job| job.refuse(why));
            continue;
        }
        ws.defer_durability();
        let before = ws.ledger().head();
        let replies: Vec<Reply> = group.into_iter().map(|job| job.run(&mut ws)).collect();
        let synced = ws.make_durable();
        if synced.is_ok() && ws.ledger().head() != before {
            *accounts.write().unwrap_or_else(PoisonError::into_inner) = accounts_of(&ws);
        }
        drop(ws);
        stats.groups += 1;
        stats.writes += replies.len() as u64;
        match synced {
            Ok(()) => replies.into_iter().for_each(|r| r(None)),
            Err(e) => {
                let why = format!("{e}; this server writes nothing more until it is restarted");
                replies.into_iter().for_each(|r| r(Some(&why)));
                broken = Some(why);
            }
        }
    }
    stats
}

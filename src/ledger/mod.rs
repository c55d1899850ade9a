//! The chain: envelopes, their canonical encoding and hash, the sled store,
//! appends and reads, and verification.
//!
//! [`Ledger`] is the library's entry point for storage. It assigns seq, id,
//! recorded time and `prev`; callers only supply the actor and the body. It
//! does not judge bodies against the ledger's state: that is
//! `projection::decide`, run before `append`.

mod asof;
pub mod clock;
pub mod codec;
pub mod envelope;
pub mod findings;
pub mod index;
pub mod merkle;
pub mod merkle_chunk;
mod pack;
mod spill;
mod staged;
mod store;
pub mod verify;

pub use clock::{CLOCK_TOLERANCE, Clock, SystemClock, TestClock};
pub use envelope::{Envelope, FORMAT_VERSION, Recorded};
#[cfg(feature = "cli")]
pub use store::tampered_copy;
pub use store::{COMPRESSION_LEVEL, Head, Syncer, compressed};
pub use verify::{Break, BreakKind, DigestCheck, DigestOutcome, VerifyReport};

use crate::domain::{EventBody, EventHash, EventId, Timestamp};
use crate::error::{Error, Refusal, Result};
use crate::projection::index::Entry;
use std::path::Path;
use std::time::Duration;
use store::{Access, Row, Store};

/// How to open a ledger.
#[derive(Debug)]
pub struct OpenOptions {
    /// How long to wait for another process to release the store.
    pub wait: Duration,
    /// The ledger's clock.
    pub clock: Box<dyn Clock>,
    /// Accept a store directory that users other than its owner can write
    /// (refused by default: they could plant links where the store writes).
    pub allow_shared_store: bool,
    /// The process ends right after the ledger is closed (a command-line
    /// run): at close the store is made durable and sled's in-memory
    /// state is left to the operating system instead of being freed piece
    /// by piece. Until the process ends, sled's lock on the store stays, so
    /// the same process cannot open it again. Off by default.
    pub leave_at_close: bool,
    /// A store created with these options is written with sled's zstd
    /// compression on top of the values the index packs itself: about two
    /// thirds of the disk, reads that touch many pages two to three times
    /// slower (docs/performance.md). Fixed when the store
    /// is made: an existing store opens as it was made, whatever this says.
    /// Off by default.
    pub compress: bool,
    /// The workspace checks the whole ledger when it opens one of at most
    /// this many events (the chain: every event's hash, bytes, seq, link and
    /// recorded time; then every entry of the index against the events),
    /// and refuses one that breaks or differs; 0: never.
    /// [`WHOLE_LEDGER_AT_OPEN`] by default; 0 for a round seal, which
    /// verifies the whole ledger itself and records in the store what it
    /// finds.
    pub whole_ledger_up_to: u64,
}

/// A ledger of at most this many events is checked whole each time a
/// workspace opens it ([`OpenOptions::whole_ledger_up_to`]): its chain as
/// `verify` checks it, then its whole index compared with the events as
/// `verify` compares it, some 30 ms at the limit, so that on a ledger of
/// that size no command reads or writes over an event damaged below the
/// head or an index entry the events do not give. A larger ledger is
/// checked whole by `verify` and every round seal (docs/format.md, "What
/// reads trust").
pub const WHOLE_LEDGER_AT_OPEN: u64 = 2_000;

impl OpenOptions {
    fn access(&self) -> Access {
        Access {
            wait: self.wait,
            allow_shared: self.allow_shared_store,
            leave_at_close: self.leave_at_close,
            compress: self.compress,
        }
    }
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            wait: Duration::ZERO,
            clock: Box::new(SystemClock),
            allow_shared_store: false,
            leave_at_close: false,
            compress: false,
            whole_ledger_up_to: WHOLE_LEDGER_AT_OPEN,
        }
    }
}

/// An event body with the id it will be recorded under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    /// The event's id (from [`Ledger::new_id`]).
    pub id: EventId,
    /// What happened.
    pub body: EventBody,
}

/// A batch ready to be written: the exact events, their hashes and rows.
#[derive(Debug)]
pub struct Prepared {
    base: Option<Head>,
    rows: Vec<Row>,
    records: Vec<Recorded>,
    /// The Merkle tree nodes the events complete (None: the tree is not
    /// maintained, see [`Ledger::stop_tree`]).
    nodes: Option<Vec<(merkle::NodeId, merkle::Hash)>>,
    /// `node_ends[i]`: how many of `nodes` events `0..=i` complete.
    node_ends: Vec<usize>,
    new_head: Option<Head>,
}

impl Prepared {
    /// The events as they will be recorded.
    pub fn records(&self) -> &[Recorded] {
        &self.records
    }
}

/// The most events written in one transaction (see `Ledger::commit`):
/// every batch a clerk makes, and an import of up to some seven hundred
/// annex rows (a thousand CSV rows of new items with a note each), is one.
/// sled holds what a transaction touches until it ends, some 40 KB an event
/// on a large ledger: on L (a million events) parts of 10,000 made an import
/// of every item peak at 449 MiB, parts of 2,000 at 239 MiB
/// (docs/performance.md).
pub const ATOMIC_EVENTS: usize = 2_000;

/// An open ledger, holding the store's lock until dropped.
#[derive(Debug)]
pub struct Ledger {
    store: Store,
    clock: Box<dyn Clock>,
    head: Option<Head>,
    /// Commits leave durability to [`Ledger::sync`] (a group commit).
    defer_sync: bool,
    /// A commit since the last sync is not durable yet.
    unsynced: bool,
    /// Appends maintain the Merkle tree; off only in a benchmark that
    /// measures what the tree costs (see [`Ledger::stop_tree`]).
    tree: bool,
    /// Commits are staged in the store and written together by
    /// [`Ledger::end_group`] (see [`Ledger::begin_group`]).
    grouping: bool,
    /// Why writing a part of the group failed, once it did: the group's
    /// later commits are refused and its end reports it.
    group_failed: Option<String>,
    /// Batches prepared with an event that creates or changes an account
    /// (see [`Ledger::account_batches`]).
    account_batches: u64,
}

impl Ledger {
    /// Creates a ledger at `path` whose first event is `genesis` (a
    /// `LedgerCreated` body).
    pub(crate) fn create(
        path: &Path,
        opts: OpenOptions,
        actor: &str,
        genesis: EventBody,
    ) -> Result<Ledger> {
        if !matches!(genesis, EventBody::LedgerCreated { .. }) {
            return Err(Refusal::FirstEventNotCreation.into());
        }
        let store = Store::create_with(path, opts.access())?;
        let mut ledger = Ledger {
            store,
            clock: opts.clock,
            head: None,
            defer_sync: false,
            unsynced: false,
            tree: true,
            grouping: false,
            group_failed: None,
            account_batches: 0,
        };
        ledger.append(actor, genesis)?;
        Ok(ledger)
    }

    /// Opens an existing ledger. Refuses one whose stored head does not name
    /// its last event, so that no command serves a view from a damaged head.
    pub fn open(path: &Path, opts: OpenOptions) -> Result<Ledger> {
        let store = Store::open_with(path, opts.access())?;
        let head = store.head()?;
        let last = store.last_seq()?;
        let Some(h) = head else {
            if let Some(l) = last {
                return Err(Error::Corrupt {
                    seq: Some(l),
                    what: "events are stored but no head; run `kamerstand verify` for details"
                        .into(),
                });
            }
            return Err(Error::NoStore {
                path: path.into(),
                message: format!(
                    "{} holds no events (an `init` did not finish); run `kamerstand init` again",
                    crate::fsutil::shown_path(path)
                ),
            });
        };
        if last != Some(h.seq) {
            return Err(Error::Corrupt {
                seq: Some(h.seq),
                what: format!(
                    "the head names seq {} but the last stored event is {}; run `kamerstand verify` for details",
                    h.seq,
                    last.map_or("none".into(), |l| format!("seq {l}"))
                ),
            });
        }
        let last_event = store
            .get(h.seq)?
            .map(|(hash, bytes)| checked(h.seq, hash, &bytes));
        match last_event {
            Some(Ok(rec)) if rec.hash == h.hash && rec.envelope.recorded_at == h.recorded_at => {}
            _ => {
                return Err(Error::Corrupt {
                    seq: Some(h.seq),
                    what: "the stored head does not match the last event (hash or recorded time); run `kamerstand verify` for details".into(),
                });
            }
        }
        // The head names the last event, so an events-import mark beside it
        // is stray: removing it is the way out of a store that would
        // otherwise open as "an interrupted import" and refuse a new import
        // as "a ledger already exists". Best effort: a store that cannot be
        // written still serves reads.
        let _ = store.clear_stray_restore_mark();
        Ok(Ledger {
            store,
            clock: opts.clock,
            head,
            defer_sync: false,
            unsynced: false,
            tree: true,
            grouping: false,
            group_failed: None,
            account_batches: 0,
        })
    }

    /// Checks the whole chain when it holds at most `up_to` events, with
    /// `verify`'s own chain check ([`verify::ChainChecker`]: every event's
    /// seq, hash, bytes, link, recorded time, seals, and the rules that span
    /// the ledger; the head was checked against the last event at open).
    /// Refuses at the first break, naming it as `verify` would. Then the
    /// index of keys (`ix_keys`) must be what the registrations give: a key
    /// entry decides which item a key names and whether a new item may
    /// take a key, which no one item's history bears out. A larger chain
    /// is left to `verify` and every round seal. When it checked, the
    /// registry the chain's events make (folded in the same scan), for the
    /// caller to hold `ix_registry` to.
    pub fn check_whole_chain(&self, up_to: u64) -> Result<Option<index::Registry>> {
        let Some(head) = self.head.filter(|h| h.seq < up_to) else {
            return Ok(None);
        };
        let mut keys = std::collections::BTreeMap::new();
        let mut registry = crate::projection::State::default();
        let mut chain = verify::ChainChecker::new(None);
        for r in self.store.scan_window(0) {
            let (seq, hash, bytes) = match r {
                Ok(event) => event,
                // A record the store cannot give as hash and bytes, as
                // `verify` names it.
                Err(Error::Corrupt { seq: Some(s), what }) => {
                    return Err(broken_chain(&Break {
                        seq: s,
                        kind: BreakKind::ContentAltered,
                        item: None,
                        detail: Box::new(findings::Finding::StoredRecord { what }),
                    }));
                }
                Err(e) => return Err(e),
            };
            if seq > head.seq {
                break;
            }
            let envelope = chain
                .check(seq, hash, &bytes)
                .map_err(|b| broken_chain(&b))?;
            if let EventBody::ItemRegistered { key, .. } = &envelope.body {
                let e = crate::projection::index::key_entry(
                    envelope.id,
                    key,
                    crate::projection::index::Source { seq, hash },
                );
                keys.insert(e.key, e.value);
            }
            if codec::body_variant(&bytes).is_some_and(|v| index::REGISTRY_VARIANTS.contains(&v)) {
                registry.apply(&Recorded { envelope, hash });
            }
        }
        match chain.checked() {
            n if n > head.seq => self
                .keys_as_registered(keys)
                .map(|()| Some(index::Registry::of(registry))),
            n => Err(Error::Corrupt {
                seq: Some(n),
                what: format!(
                    "no event is stored at seq {n}, below the head (seq {}); `kamerstand verify` says more",
                    head.seq
                ),
            }),
        }
    }

    /// Opens a ledger for verification only: no head check, so that damage
    /// is reported by [`Ledger::verify`] instead of refused here.
    pub fn open_for_verify(path: &Path, opts: OpenOptions) -> Result<Ledger> {
        let store = Store::open_with(path, opts.access())?;
        let head = store.head().ok().flatten();
        Ok(Ledger {
            store,
            clock: opts.clock,
            head,
            defer_sync: false,
            unsynced: false,
            tree: true,
            grouping: false,
            group_failed: None,
            account_batches: 0,
        })
    }

    /// The store's directory.
    pub fn path(&self) -> &Path {
        self.store.path()
    }

    /// How many batches this open ledger prepared that create or change an
    /// account, whether or not they were written: while it stays the same,
    /// no account has changed (no other path writes one). For a copy of
    /// the accounts that is taken again only when it may be stale.
    pub fn account_batches(&self) -> u64 {
        self.account_batches
    }

    /// The current head.
    pub fn head(&self) -> Option<Head> {
        self.head
    }

    /// The clock's current reading, never before the head's recorded time
    /// when that is at most [`CLOCK_TOLERANCE`] ahead of it (a clock set
    /// back a little). A head further ahead is not followed: today is the
    /// clock's today, and `Ledger::prepare` refuses to append.
    pub fn now(&mut self) -> Timestamp {
        let now = self.clock.now();
        match self.head {
            Some(h) if h.recorded_at > now && !clock::too_far_ahead(h.recorded_at, now) => {
                h.recorded_at
            }
            _ => now,
        }
    }

    /// The time a new event is recorded at: the clock's reading, or the
    /// head's recorded time when the clock is behind it by at most
    /// [`CLOCK_TOLERANCE`] (recorded times never decrease). Refused when
    /// the head is further ahead: every later event would have to carry
    /// that time, and the default effective date with it.
    fn record_time(&mut self) -> Result<Timestamp> {
        let now = self.clock.now();
        match self.head {
            Some(h) if clock::too_far_ahead(h.recorded_at, now) => {
                Err(Error::ClockBehind(format!(
                    "the ledger's last event (seq {}) was recorded at {}, later than this computer's clock ({}) by more than {} minutes, so a new event cannot be recorded without a time that has not come yet. Nothing was written. If the clock is wrong, set it right and try again; if it is right, the ledger holds events recorded on a machine whose clock ran ahead: export it with `kamerstand export --format events`, keep the lines recorded before now, and import them into a new store",
                    h.seq,
                    h.recorded_at.rfc3339(),
                    now.rfc3339(),
                    CLOCK_TOLERANCE.as_secs() / 60
                )))
            }
            Some(h) if h.recorded_at > now => Ok(h.recorded_at),
            _ => Ok(now),
        }
    }

    /// A fresh event id, for a [`Draft`] whose id later events of the same
    /// batch must name (an item's id is its registration's id).
    pub fn new_id(&mut self) -> EventId {
        let at = self.now();
        self.clock.new_id(at)
    }

    /// Appends one event durably.
    pub(crate) fn append(&mut self, actor: &str, body: EventBody) -> Result<Recorded> {
        let id = self.new_id();
        let mut out = self.append_batch(actor, vec![Draft { id, body }])?;
        out.pop().ok_or_else(|| Refusal::NothingToAppend.into())
    }

    /// Appends several events atomically: all of them or none. They share one
    /// recorded time.
    pub(crate) fn append_batch(
        &mut self,
        actor: &str,
        drafts: Vec<Draft>,
    ) -> Result<Vec<Recorded>> {
        let prepared = self.prepare(actor, drafts)?;
        self.commit(prepared, Vec::new(), &[])
    }

    /// The right edge of the stored Merkle tree, which must cover every
    /// event.
    fn frontier(&self) -> Result<merkle::Frontier> {
        let events = self.head.map_or(0, |h| h.seq + 1);
        if events == 0 {
            return Ok(merkle::Frontier::new());
        }
        let size = self.store.merkle_size()?;
        if size != Some(events) {
            return Err(Error::Corrupt {
                seq: None,
                what: format!(
                    "the Merkle tree covers {} events, the ledger holds {events}; run `kamerstand verify` (and `--rebuild-index` if the chain holds)",
                    size.map_or("no".into(), |s| s.to_string())
                ),
            });
        }
        Ok(merkle::Frontier::load(events, |id| {
            self.store.merkle_node(id)
        })?)
    }

    /// From now on appends neither read nor write the Merkle tree nor its
    /// mark, so that a benchmark can set an append with the tree against
    /// one without. The store is left with a tree that covers fewer events
    /// than it holds: its next writer refuses until `verify
    /// --rebuild-index`.
    #[cfg(any(test, feature = "bench"))]
    pub(crate) fn stop_tree(&mut self) {
        self.tree = false;
    }

    /// The number of events the stored Merkle tree covers (None: it was
    /// never built, or its building was interrupted).
    pub fn tree_size(&self) -> Result<Option<u64>> {
        self.store.merkle_size()
    }

    /// Builds the Merkle tree over the events from scratch (a store from
    /// before the tree, a restore, a rebuild): one pass over the events.
    pub fn build_tree(&self) -> Result<()> {
        self.store.begin_merkle()?;
        let mut frontier = merkle::Frontier::new();
        let mut nodes = Vec::new();
        for r in self.store.scan(0) {
            let (_, _, bytes) = r?;
            nodes.extend(frontier.push(merkle::event_leaf_hash(&bytes)));
            if nodes.len() >= 1 << 16 {
                self.store.write_nodes(&nodes)?;
                nodes.clear();
            }
        }
        self.store.write_nodes(&nodes)?;
        self.store.finish_merkle(frontier.size())
    }

    /// The root of the tree of the first `size` events.
    pub fn tree_root(&self, size: u64) -> Result<merkle::Hash> {
        self.within_tree(size)?;
        Ok(merkle::root(size, |id| self.store.merkle_node(id))?)
    }

    /// The stored hash and canonical bytes of event `seq`, unchecked (a
    /// proof carries the bytes; its checker hashes them).
    pub fn raw(&self, seq: u64) -> Result<Option<(EventHash, Vec<u8>)>> {
        self.store.get(seq)
    }

    /// The audit path of event `seq` in the tree of the first `size` events.
    pub fn inclusion_path(&self, seq: u64, size: u64) -> Result<Vec<merkle::Hash>> {
        self.within_tree(size)?;
        Ok(merkle::inclusion_proof(seq, size, |id| {
            self.store.merkle_node(id)
        })?)
    }

    /// The proof that the tree of `size2` events extends that of `size1`.
    pub fn consistency_path(&self, size1: u64, size2: u64) -> Result<Vec<merkle::Hash>> {
        self.within_tree(size2)?;
        Ok(merkle::consistency_proof(size1, size2, |id| {
            self.store.merkle_node(id)
        })?)
    }

    fn within_tree(&self, size: u64) -> Result<()> {
        match self.store.merkle_size()? {
            Some(s) if size <= s => Ok(()),
            s => Err(Error::Corrupt {
                seq: None,
                what: format!(
                    "a tree of {size} events was asked for; the stored Merkle tree covers {}",
                    s.map_or(
                        "none (run `kamerstand verify --rebuild-index`)".into(),
                        |s| format!("{s} events")
                    )
                ),
            }),
        }
    }

    /// Builds the envelopes, hashes and rows of a batch without writing
    /// anything, so the caller can check the exact events before [`commit`].
    ///
    /// [`commit`]: Ledger::commit
    pub(crate) fn prepare(&mut self, actor: &str, drafts: Vec<Draft>) -> Result<Prepared> {
        self.prepare_at(actor, drafts, None)
    }

    /// True while commits are staged in a group ([`Ledger::begin_group`]).
    pub(crate) fn grouping(&self) -> bool {
        self.grouping
    }

    /// [`Ledger::prepare`], recorded at `at` when given (a part of a batch
    /// written in parts, which all have the batch's one time; never
    /// before the head's).
    pub(crate) fn prepare_at(
        &mut self,
        actor: &str,
        drafts: Vec<Draft>,
        at: Option<Timestamp>,
    ) -> Result<Prepared> {
        if drafts.iter().any(|d| {
            matches!(
                d.body,
                EventBody::AccountCreated { .. } | EventBody::AccountChanged { .. }
            )
        }) {
            self.account_batches += 1;
        }
        let at = match at {
            Some(at) if self.head.is_none_or(|h| at >= h.recorded_at) => at,
            _ => self.record_time()?,
        };
        let mut seq = self.head.map_or(0, |h| h.seq + 1);
        let mut prev = self.head.map_or(EventHash::GENESIS, |h| h.hash);
        let mut rows = Vec::with_capacity(drafts.len());
        let mut records = Vec::with_capacity(drafts.len());
        let mut frontier = if self.tree {
            self.frontier()?
        } else {
            merkle::Frontier::new()
        };
        let mut nodes = Vec::new();
        let mut node_ends = Vec::with_capacity(drafts.len());
        for Draft { id, mut body } in drafts {
            // A seal always names the event just before it, and a v2 seal
            // the tree of every event before it; the ledger fills that in,
            // so a seal drafted in a batch closes the batch so far.
            match &mut body {
                EventBody::RoundSealed {
                    head_seq,
                    head_hash,
                    ..
                } => {
                    *head_seq = seq.saturating_sub(1);
                    *head_hash = prev;
                }
                EventBody::RoundSealedV2 {
                    head_seq,
                    head_hash,
                    tree_size,
                    tree_root,
                    ..
                } => {
                    *head_seq = seq.saturating_sub(1);
                    *head_hash = prev;
                    *tree_size = frontier.size();
                    *tree_root = EventHash(frontier.root());
                }
                _ => {}
            }
            let env = Envelope {
                format: FORMAT_VERSION,
                seq,
                id,
                recorded_at: at,
                actor: actor.to_string(),
                prev,
                body,
            };
            let bytes = codec::encode(&env).map_err(|e| Error::storage("encoding an event", e))?;
            if bytes.len() > codec::MAX_ENVELOPE_BYTES {
                return Err(Refusal::EventTooLarge {
                    bytes: bytes.len(),
                    limit: codec::MAX_ENVELOPE_BYTES,
                }
                .into());
            }
            let hash = codec::hash(&bytes);
            if self.tree {
                nodes.extend(frontier.push(merkle::event_leaf_hash(&bytes)));
            }
            node_ends.push(nodes.len());
            let rec = Recorded {
                envelope: env,
                hash,
            };
            rows.push(Row {
                seq,
                hash,
                bytes,
                item: rec.item(),
            });
            records.push(rec);
            prev = hash;
            seq += 1;
        }
        let new_head = (!records.is_empty()).then_some(Head {
            seq: seq.saturating_sub(1),
            hash: prev,
            recorded_at: at,
        });
        Ok(Prepared {
            base: self.head,
            rows,
            records,
            nodes: self.tree.then_some(nodes),
            node_ends,
            new_head,
        })
    }

    /// Writes a prepared batch, with the index entries it derives, and
    /// makes it durable. Refused if anything was appended since it was
    /// prepared.
    ///
    /// A batch of up to [`ATOMIC_EVENTS`] events is one transaction: all of
    /// it or none. A larger one (only an import of a very large file makes
    /// one) is written in parts of that many events, each a transaction
    /// that leaves a whole ledger (events, index, tree and head up to the
    /// part's last event), and made durable once at the end: sled keeps
    /// every page a transaction touches until it ends, so one transaction
    /// for 100,000 events held about 10 GB. Interrupted, such a batch leaves
    /// the ledger after a part; `ends[i]` (the number of `entries` of the
    /// batch's events `0..=i`) says where each event's entries end.
    pub(crate) fn commit(
        &mut self,
        p: Prepared,
        entries: Vec<Entry>,
        ends: &[usize],
    ) -> Result<Vec<Recorded>> {
        let Some(new_head) = p.new_head else {
            return Ok(Vec::new());
        };
        if p.base != self.head {
            return Err(Refusal::StaleBatch.into());
        }
        let n = p.rows.len();
        let parts = n > ATOMIC_EVENTS && ends.len() == n && p.node_ends.len() == n;
        if self.grouping {
            if let Some(why) = &self.group_failed {
                return Err(group_error(why));
            }
            if parts {
                // Too large to be staged: what the group staged so far is
                // written first, then this batch in its parts, as alone.
                self.write_group()?;
            } else {
                self.store
                    .stage(self.head, &p.rows, entries, p.nodes.as_deref(), new_head)?;
                self.unsynced |= self.defer_sync;
                self.head = Some(new_head);
                return Ok(p.records);
            }
        }
        if !parts {
            self.store.append(
                self.head,
                &p.rows,
                entries,
                p.nodes.as_deref(),
                new_head,
                !self.defer_sync,
            )?;
        } else {
            let bad = || Error::Corrupt {
                seq: None,
                what: "a part of a batch does not end after a whole event".into(),
            };
            let (mut from, mut entries_from, mut nodes_from) = (0, 0, 0);
            let mut entries = entries.into_iter();
            while from < n {
                let to = (from + ATOMIC_EVENTS).min(n);
                let last = p.rows.get(to - 1).ok_or_else(bad)?;
                let head = Head {
                    seq: last.seq,
                    hash: last.hash,
                    recorded_at: new_head.recorded_at,
                };
                let entries_to = *ends.get(to - 1).ok_or_else(bad)?;
                let count = entries_to.checked_sub(entries_from).ok_or_else(bad)?;
                let part: Vec<Entry> = entries.by_ref().take(count).collect();
                if part.len() != count {
                    return Err(bad());
                }
                let nodes_to = *p.node_ends.get(to - 1).ok_or_else(bad)?;
                let nodes = match p.nodes.as_deref() {
                    Some(all) => Some(all.get(nodes_from..nodes_to).ok_or_else(bad)?),
                    None => None,
                };
                self.store.append(
                    self.head,
                    p.rows.get(from..to).ok_or_else(bad)?,
                    part,
                    nodes,
                    head,
                    false,
                )?;
                self.head = Some(head);
                (from, entries_from, nodes_from) = (to, entries_to, nodes_to);
            }
            if !self.defer_sync {
                self.store.sync()?;
            }
        }
        self.unsynced |= self.defer_sync;
        self.head = Some(new_head);
        Ok(p.records)
    }

    /// From now on commits are staged, not written: each is decided
    /// against the ones before it (every read of the ledger sees them), and
    /// [`Ledger::end_group`] writes them all in one sled transaction (the
    /// server's writer, `app::writer`, so that a group of writes pays for
    /// one transaction, not one each). A commit staged is not written, let
    /// alone durable: nobody may be told it succeeded before `end_group`
    /// did, and then the sync after it.
    pub(crate) fn begin_group(&mut self) {
        self.grouping = true;
        self.group_failed = None;
    }

    /// Writes every commit staged since [`Ledger::begin_group`] in one
    /// transaction and ends the group. On an error nothing staged since the
    /// last write of the group is written, and this ledger's head is
    /// again the one the store holds; a caller that staged several writes
    /// must then answer every one of them with the error.
    pub(crate) fn end_group(&mut self) -> Result<()> {
        let written = self.write_group();
        self.grouping = false;
        match (written, self.group_failed.take()) {
            (Err(e), _) => Err(e),
            (Ok(()), Some(why)) => Err(group_error(&why)),
            (Ok(()), None) => Ok(()),
        }
    }

    /// Writes what the group staged so far, and goes on grouping; a round
    /// seal's check of the whole ledger reads sled as it is, and needs it
    /// there. On an error, see [`Ledger::end_group`].
    pub(crate) fn write_group(&mut self) -> Result<()> {
        if let Some(why) = &self.group_failed {
            return Err(group_error(why));
        }
        if !self.store.has_staged() {
            return Ok(());
        }
        let written = self.store.write_staged();
        if let Err(e) = &written {
            self.group_failed = Some(e.to_string());
            // What sled holds; should even that read fail, nothing more is
            // written in this group, and the next write is refused as stale
            // rather than built on a head nobody holds.
            self.head = self.store.head().unwrap_or(None);
        }
        written
    }

    /// Makes the group's next write fail, writing nothing (tests).
    #[cfg(test)]
    pub(crate) fn fail_next_group_write(&self) {
        self.store.fail_next_staged_write();
    }

    /// With `on`, commits are written but not made durable until
    /// [`Ledger::sync`]: several commits then share one fsync.
    pub(crate) fn defer_sync(&mut self, on: bool) {
        self.defer_sync = on;
    }

    /// A handle that makes this ledger's commits durable from another
    /// thread (the server's writer, see `app::writer`), while this one
    /// goes on committing.
    pub(crate) fn syncer(&self) -> Syncer {
        self.store.syncer()
    }

    /// Makes every commit since the last sync durable (nothing to do when
    /// there was none).
    pub(crate) fn sync(&mut self) -> Result<()> {
        if self.unsynced {
            self.store.sync()?;
            self.unsynced = false;
        }
        Ok(())
    }

    /// Creates a ledger at `path` holding exactly the events of a stream,
    /// in seq order from 0, as a backup restore: same seqs, same hashes.
    /// Written in chunks as they come so that a ledger of any size is
    /// restored in bounded memory. Every hash and link was checked on the
    /// way by the chain check that passed each event (an events file's
    /// [`crate::formats::events::Reader`]), which holds the only record of
    /// every event seen: a second check here held another 50 MB for a
    /// million events and added nothing. The head is written last, so an
    /// error or an interruption leaves no ledger (and a store that the
    /// next restore or init clears). An event recorded
    /// more than [`CLOCK_TOLERANCE`] after the clock's reading is refused:
    /// the ledger could not be appended to until that time (see
    /// [`Ledger::prepare`]). `progress` gets the number of events written
    /// so far.
    ///
    /// The Merkle tree and the index are built before the restore ends
    /// (`indexing(items done, items)`), so that a restored ledger is whole
    /// or absent. Returns the first event that breaks a rule of recording
    /// (see [`crate::projection::decide::check_recorded`]) instead of a
    /// ledger when one does: nothing is then restored.
    pub(crate) fn restore_stream_with(
        path: &Path,
        mut opts: OpenOptions,
        events: impl IntoIterator<Item = Result<verify::Passed>>,
        progress: &mut dyn FnMut(u64),
        indexing: &mut dyn FnMut(u64, u64),
    ) -> Result<std::result::Result<Ledger, Break>> {
        const CHUNK: usize = 4096;
        let now = opts.clock.now();
        let store = Store::create_with(path, opts.access())?;
        store.begin_restore()?;
        store.begin_merkle()?;
        let mut rows = Vec::with_capacity(CHUNK);
        // The item index entries, (item, seq), written in key order at the
        // end; and the last event's hash and time, for the head.
        let mut item_index = Vec::new();
        let mut last = None;
        let mut written = 0u64;
        // The Merkle tree is built as the events are written, rather than
        // by reading them all back afterwards ([`Ledger::build_tree`]).
        let mut frontier = merkle::Frontier::new();
        let mut nodes = Vec::new();
        let mut outcome = Ok(());
        for passed in events {
            let verify::Passed { row, recorded_at } = match passed {
                Ok(p) => p,
                Err(e) => {
                    outcome = Err(e);
                    break;
                }
            };
            if row.seq != written {
                outcome = Err(Error::Corrupt {
                    seq: Some(row.seq),
                    what: format!(
                        "an event to restore came as seq {} where {written} was next",
                        row.seq
                    ),
                });
                break;
            }
            if clock::too_far_ahead(recorded_at, now) {
                outcome = Err(Refusal::FromTheFuture {
                    seq: row.seq,
                    recorded_at,
                    now,
                    minutes: CLOCK_TOLERANCE.as_secs() / 60,
                }
                .into());
                break;
            }
            nodes.extend(frontier.push(merkle::event_leaf_hash(&row.bytes)));
            if let Some(item) = row.item {
                item_index.push((item, row.seq));
            }
            last = Some((row.hash, recorded_at));
            written += 1;
            rows.push(row);
            if rows.len() == CHUNK {
                // Every 16 chunks sled is told to write out what it holds,
                // or it keeps the whole import in memory.
                let flush = (written / CHUNK as u64).is_multiple_of(16);
                let done = store
                    .write_rows(&rows)
                    .and_then(|()| store.write_nodes(&nodes))
                    .and_then(|()| if flush { store.flush_rows() } else { Ok(()) });
                if let Err(e) = done {
                    outcome = Err(e);
                    break;
                }
                rows.clear();
                nodes.clear();
                progress(written);
            }
        }
        let head = outcome.and_then(|()| {
            store.write_rows(&rows)?;
            store.write_nodes(&nodes)?;
            store.finish_merkle(frontier.size())?;
            store.write_item_index(std::mem::take(&mut item_index))?;
            let (hash, recorded_at) = last.ok_or(Refusal::NoEventsToRestore)?;
            Ok(Head {
                seq: written - 1,
                hash,
                recorded_at,
            })
        });
        let head = match head {
            Ok(h) => h,
            Err(e) => {
                // Best effort: a store that cannot even be cleared keeps its
                // mark, and the next restore or init clears it.
                let _ = store.abandon_restore();
                return Err(e);
            }
        };
        progress(written);
        // The index is built while the store still carries the mark of an
        // import: an interruption leaves no ledger.
        let ledger = Ledger {
            store,
            clock: opts.clock,
            head: Some(head),
            defer_sync: false,
            unsynced: false,
            tree: true,
            grouping: false,
            group_failed: None,
            account_batches: 0,
        };
        match ledger.build_index_only(indexing) {
            Ok(None) => {}
            Ok(Some(b)) => {
                ledger.store.abandon_restore()?;
                return Ok(Err(b));
            }
            Err(e) => {
                let _ = ledger.store.abandon_restore();
                return Err(e);
            }
        }
        ledger.store.finish_restore(head)?;
        Ok(Ok(ledger))
    }

    /// True if `path` holds no events yet: an empty directory, or what an
    /// `init` or a restore interrupted before its first commit leaves
    /// behind; a store may be created there. A store in use counts as not
    /// empty.
    pub fn is_empty_store(path: &Path) -> bool {
        match Store::open(path, Duration::ZERO) {
            Ok(store) => matches!(store.head(), Ok(None)),
            // Not a store (yet), or one refused as shared: creating one
            // there says whether it may be.
            Err(Error::NoStore { .. } | Error::Refused(Refusal::SharedStore { .. })) => true,
            Err(_) => false,
        }
    }

    /// The event at `seq`, hash-checked.
    pub fn get(&self, seq: u64) -> Result<Option<Recorded>> {
        self.store
            .get(seq)?
            .map(|(h, b)| checked(seq, h, &b))
            .transpose()
    }

    /// The event at `seq`, hash-checked, and still linked into the chain:
    /// the event after it names its hash as `prev` (the head does, for the
    /// last one). An event rewritten with a freshly computed hash passes
    /// its own hash check but not this one, so what is read one event at a
    /// time (an item's history, the hash a view names, the ledger's
    /// creation) is refused instead of served. One more event read; a
    /// forger who relinks everything after it to the head is found only by
    /// `verify` against the index, or by a published digest.
    pub fn get_linked(&self, seq: u64) -> Result<Option<Recorded>> {
        let Some(rec) = self.get(seq)? else {
            return Ok(None);
        };
        let (after, named) = match self.head {
            Some(h) if h.seq == seq => (None, h.hash),
            Some(h) if h.seq < seq => return Ok(Some(rec)),
            None => return Ok(Some(rec)),
            Some(_) => match self.get(seq + 1)? {
                Some(next) => (Some(seq + 1), next.envelope.prev),
                None => {
                    return Err(Error::Corrupt {
                        seq: Some(seq + 1),
                        what:
                            "no event is stored below the head; run `kamerstand verify` for details"
                                .into(),
                    });
                }
            },
        };
        if named != rec.hash {
            return Err(Error::Corrupt {
                seq: Some(seq),
                what: format!(
                    "the event hashes to {}, but {} names {} (this event{} was rewritten); run `kamerstand verify` for details",
                    rec.hash.short(),
                    after.map_or("the head".to_string(), |a| format!(
                        "the event after it (seq {a})"
                    )),
                    named.short(),
                    after.map_or(String::new(), |a| format!(" or seq {a}")),
                ),
            });
        }
        Ok(Some(rec))
    }

    /// All events in order, each hash-checked as it is read and checked to
    /// follow the one before it (contiguous seq, `prev` = its hash), so that
    /// no view is built from a chain with a hole. Use [`Ledger::verify`] for
    /// the full check of recorded times and indexes.
    pub fn events(&self) -> impl Iterator<Item = Result<Recorded>> + '_ {
        self.events_after(None)
    }

    /// The events whose body is of one of `variants` (the variant indices
    /// of schema/event-v1.md, section 5), in seq order, each checked
    /// against its hash and decoded; the others are passed over by their
    /// variant alone ([`codec::body_variant`]), neither hashed nor decoded
    /// nor linked. For a question about a few rare kinds of event on a
    /// large ledger (the registry's keys and accounts): one scan of the
    /// chain's bytes. An event whose variant cannot be read is decoded, and
    /// so refused.
    pub fn events_of_kinds<'a>(
        &'a self,
        variants: &'a [u32],
    ) -> impl Iterator<Item = Result<Recorded>> + 'a {
        self.store.scan(0).filter_map(move |r| match r {
            Err(e) => Some(Err(e)),
            Ok((seq, hash, bytes)) => match codec::body_variant(&bytes) {
                Some(v) if !variants.contains(&v) => None,
                _ => Some(checked(seq, hash, &bytes)),
            },
        })
    }

    /// As [`Ledger::events`], starting after the event at `after` (seq and
    /// hash, e.g. a checkpoint's), which the first event must link to.
    pub fn events_after(
        &self,
        after: Option<(u64, EventHash)>,
    ) -> impl Iterator<Item = Result<Recorded>> + '_ {
        let (mut next, mut prev) = after.map_or((0, EventHash::GENESIS), |(s, h)| (s + 1, h));
        self.store.scan(next).map(move |r| {
            let rec = r.and_then(|(seq, h, b)| checked(seq, h, &b))?;
            let seq = rec.envelope.seq;
            if seq != next {
                return Err(Error::Corrupt {
                    seq: Some(next),
                    what: format!(
                        "no event is stored at seq {next} (the next is seq {seq}); run `kamerstand verify` for details"
                    ),
                });
            }
            if rec.envelope.prev != prev {
                return Err(Error::Corrupt {
                    seq: Some(seq),
                    what: "the event does not link to the one before it; run `kamerstand verify` for details".into(),
                });
            }
            next = seq + 1;
            prev = rec.hash;
            Ok(rec)
        })
    }

    /// The events about one item, in order, via the item index.
    pub fn item_history(&self, item: EventId) -> Result<Vec<Recorded>> {
        self.item_history_upto(item, u64::MAX)
    }

    /// The events about one item up to and including seq `upto`; later
    /// ones are not read.
    pub fn item_history_upto(&self, item: EventId, upto: u64) -> Result<Vec<Recorded>> {
        self.item_events_at(
            item,
            self.store
                .item_seqs(item)?
                .into_iter()
                .take_while(|seq| *seq <= upto),
        )
    }

    /// The seqs of item `item`'s events, in order, from the item index.
    pub(crate) fn item_seqs(&self, item: EventId) -> Result<Vec<u64>> {
        self.store.item_seqs(item)
    }

    /// The events of item `item` at `seqs` (the item index's), each read
    /// with its link checked and refused when it is another item's.
    pub(crate) fn item_events_at(
        &self,
        item: EventId,
        seqs: impl IntoIterator<Item = u64>,
    ) -> Result<Vec<Recorded>> {
        seqs.into_iter()
            .map(|seq| {
                let rec = self.get_linked(seq)?.ok_or_else(|| Error::Corrupt {
                    seq: Some(seq),
                    what: "the item index names an event that does not exist".into(),
                })?;
                // An entry pointed at another item's event is damage, not history.
                if rec.item() != Some(item) {
                    return Err(Error::Corrupt {
                        seq: Some(seq),
                        what: "the item index lists this event under an item it is not about; run `kamerstand verify` for details".into(),
                    });
                }
                Ok(rec)
            })
            .collect()
    }

    /// The last seq recorded at or before `at` (events are stored in
    /// recorded-time order), found by bisection; None if the first event is
    /// later.
    pub fn last_seq_at(&self, at: Timestamp) -> Result<Option<u64>> {
        let Some(head) = self.head else {
            return Ok(None);
        };
        let recorded = |seq: u64| -> Result<Timestamp> {
            Ok(self
                .get(seq)?
                .ok_or_else(|| Error::Corrupt {
                    seq: Some(seq),
                    what: "no event is stored below the head; run `kamerstand verify` for details"
                        .into(),
                })?
                .envelope
                .recorded_at)
        };
        if head.recorded_at <= at {
            return Ok(Some(head.seq));
        }
        // Invariant: recorded(lo) <= at < recorded(hi).
        if recorded(0)? > at {
            return Ok(None);
        }
        let (mut lo, mut hi) = (0u64, head.seq);
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if recorded(mid)? <= at {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        Ok(Some(lo))
    }

    /// The store, for the index (`super::index`) and verification.
    pub(crate) fn store(&self) -> &Store {
        &self.store
    }

    /// Full verification of the chain, head, seals and index.
    pub fn verify(&self) -> Result<VerifyReport> {
        verify::verify(&self.store, None)
    }

    /// Full verification, and a check that a published digest is still in
    /// the ledger (as the named round's seal, if a round is given).
    pub fn verify_digest(&self, digest: &DigestCheck) -> Result<VerifyReport> {
        verify::verify(&self.store, Some(digest))
    }

    /// As [`Ledger::verify`] (with a digest check when one is given),
    /// reporting `progress(events checked, events expected)` as it goes.
    pub fn verify_with_progress(
        &self,
        digest: Option<&DigestCheck>,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<VerifyReport> {
        verify::verify_with_progress(&self.store, digest, progress)
    }
}

/// The error of a group whose write failed.
fn group_error(why: &str) -> Error {
    Error::storage("writing a group of writes", why.to_string())
}

fn checked(seq: u64, stored: EventHash, bytes: &[u8]) -> Result<Recorded> {
    let hash = codec::hash(bytes);
    if hash != stored {
        return Err(Error::Corrupt {
            seq: Some(seq),
            what: "stored event does not match its hash; run `kamerstand verify` for details"
                .into(),
        });
    }
    decoded(seq, hash, bytes)
}

/// The refusal of a command on a chain that breaks at `b`.
fn broken_chain(b: &Break) -> Error {
    Error::Corrupt {
        seq: Some(b.seq),
        what: format!(
            "the chain breaks at {b}. Nothing is read or written on a broken chain: `kamerstand verify` says more; restore the store from a copy"
        ),
    }
}

/// The stored event `bytes` at `seq`, decoded, with the hash stored beside
/// it taken as given (the caller hashes it, or has a chain check that
/// does); refused if they do not decode or name another seq.
pub(super) fn decoded(seq: u64, hash: EventHash, bytes: &[u8]) -> Result<Recorded> {
    decoded_with(seq, hash, bytes, codec::decode)
}

/// As [`decoded`], without checking that the bytes are canonical: for
/// `verify`'s index side, beside a chain check that decodes every event
/// canonically and whose break comes first, and for an import's index
/// build, after one.
pub(super) fn decoded_beside_chain_check(
    seq: u64,
    hash: EventHash,
    bytes: &[u8],
) -> Result<Recorded> {
    decoded_with(seq, hash, bytes, codec::decode_beside_chain_check)
}

fn decoded_with(
    seq: u64,
    hash: EventHash,
    bytes: &[u8],
    decode: fn(&[u8]) -> std::result::Result<Envelope, String>,
) -> Result<Recorded> {
    let envelope = decode(bytes).map_err(|e| Error::Corrupt {
        seq: Some(seq),
        what: format!("stored event cannot be decoded: {e}"),
    })?;
    if envelope.seq != seq {
        return Err(Error::Corrupt {
            seq: Some(seq),
            what: format!(
                "the event stored at seq {seq} says it is seq {}",
                envelope.seq
            ),
        });
    }
    Ok(Recorded { envelope, hash })
}

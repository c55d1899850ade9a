//! The sled store: the only module that touches sled.
//!
//! Layout (docs/format.md): tree `events` maps seq (u64 big-endian) to
//! `hash[32] ‖ canonical envelope bytes`; tree `by_item` holds an item's
//! seqs in entries of up to [`ITEM_BLOCK`], each keyed `item id[16] ‖ its
//! first seq (u64 BE)` with the seqs after it as its value; tree `meta` holds `format`,
//! `head` (`seq BE ‖ hash[32] ‖ recorded_at i64 BE`), `index` (the head
//! the index was written up to, in the same form), `frames` (present when
//! `ix_frames` holds a frame of every sealed round) and `versions-by-round`
//! (present when `ix_versions` is keyed round first). The index's trees
//! (`projection::index`) are written in the same transaction as the event
//! they derive from. Nothing derived lives outside sled.
//!
//! A group of appends (the server's writer) can be staged instead
//! ([`Store::stage`]): every read merges them in ([`super::staged`]), and
//! [`Store::write_staged`] writes them in one transaction.
//!
//! Durability: one append is one sled transaction over the trees it touches,
//! then `flush()` and an fsync of sled's `db` file, because sled 0.34.7's flush
//! does not fsync on Linux. Exclusivity: our own lock file, taken before sled
//! is opened, so a second process is told plainly who holds the store.
//!
//! Hostile surroundings: a store directory other users can write is refused
//! unless the caller allows it (they could plant links where sled and we
//! write); the lock file is never opened through a link. When sled reports an I/O error
//! (a full disk, say) its handles are never dropped (see [`Store::drop`]),
//! and the error says the disk is full when that is what happened.

use crate::domain::{EventHash, EventId, Timestamp};
use crate::error::{Error, Refusal, Result};
use crate::fsutil;
use crate::ledger::merkle;
use crate::ledger::merkle_chunk::{self, BadChunk, Chunk, ChunkId};
use crate::ledger::pack;
use crate::ledger::staged::{self, Entries, Staged, merged};
use crate::projection::index::{Entry, Tree};
use sled::Transactional;

/// A tree of the store, as [`Store::every_tree`] lends it.
type SledTree<'a> = &'a sled::Tree;
use sled::transaction::{ConflictableTransactionError, TransactionError};
use std::collections::BTreeMap;
use std::fs::{File, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::ops::Bound::{Included, Unbounded};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant, SystemTime};

/// An entry of a tree, as bytes.
type KeyValue = (Vec<u8>, Vec<u8>);

/// An index entry as the store writes it: its key and value in sled's own
/// buffers, which a transaction's or a batch's copy shares.
struct Put {
    tree: Tree,
    key: sled::IVec,
    value: sled::IVec,
}

impl From<Entry> for Put {
    fn from(e: Entry) -> Put {
        Put {
            tree: e.tree,
            key: e.key.into(),
            value: e.value.into(),
        }
    }
}

/// Name of our lock file inside the store directory.
pub const LOCK_FILE: &str = "kamerstand.lock";
/// Value of the `format` meta key of a kamerstand store.
const STORE_MARK: &[u8] = b"kamerstand-store-6";
/// The mark of a store an earlier version wrote, whose values are all as
/// they are (this version packs the largest of the index in stores marked
/// [`PACKED`]). It opens as it is, and gets [`STORE_MARK`] at its first
/// append, or before its trees are written again: an earlier binary,
/// which would read a packed value as it is, refuses the new mark instead.
const STORE_MARK_5: &[u8] = b"kamerstand-store-5";
/// The mark of a store an earlier version wrote, whose notes are in
/// `ix_facts` among the other facts (this version keeps them in `ix_notes`,
/// see [`NOTES_APART`]). It opens as it is, and gets [`STORE_MARK`] at its
/// first append, or before its notes are moved: an earlier binary, which
/// would find no notes in `ix_facts`, refuses the new mark instead.
const STORE_MARK_4: &[u8] = b"kamerstand-store-4";
/// The mark of a store an earlier version wrote, whose `ix_facts` and
/// `ix_frames` hold an entry each (this version groups them in stores
/// marked for it, see [`GROUPINGS`]). It opens as it is, and gets
/// [`STORE_MARK`] at its first append: an earlier binary, which would read
/// a group as one entry, refuses the new mark instead.
const STORE_MARK_3: &[u8] = b"kamerstand-store-3";
/// The mark of a store an earlier version wrote, whose item index
/// (`by_item`) has an entry per event. It opens as it is (that layout is
/// entries of one seq, which this version reads), and gets [`STORE_MARK`]
/// in the transaction of its first append, which may grow an entry past
/// one seq: an earlier binary, which would read only the first seq of such
/// an entry, refuses the new mark instead.
const STORE_MARK_2: &[u8] = b"kamerstand-store-2";
/// The mark of a store an earlier version wrote, whose `ix_versions` is
/// keyed item ‖ seq. It opens, and gets [`STORE_MARK`] before its versions
/// are written again keyed by round: an earlier binary, which would read
/// the re-keyed versions as its own and serve views made of them, refuses
/// the new mark instead.
const STORE_MARK_1: &[u8] = b"kamerstand-store-1";
/// Directory of the checkpoint files an earlier version kept beside sled
/// (removed when such a store is migrated).
pub const CHECKPOINT_DIR: &str = "checkpoints";
/// Meta key naming the head the index was written up to.
const INDEX: &str = "index";
/// Meta key present when the index holds a frame of every sealed round
/// (`ix_frames`): set when a new store is made and when the index is
/// built; a store an earlier version wrote lacks it until its frames are
/// built once (`Ledger::build_frames`). Views read no frame without it.
const FRAMES: &str = "frames";
/// Meta key present when `ix_versions` is keyed by round first (round ‖
/// item ‖ seq, `projection::index::version_key`): set when a new store is
/// made and when the index is built; a store an earlier version wrote
/// (item ‖ seq) lacks it until its versions are written again once
/// (`Ledger::build_versions`). Views read no version without it.
const VERSIONS_BY_ROUND: &str = "versions-by-round";
/// Meta key present when `ix_versions` holds an item's versions of a round
/// in entries of up to [`VERSION_GROUP`] (see [`Store::versions_grouped`]):
/// set when a new store is made and when the index or the versions are
/// written afresh. Without it (a store an earlier version wrote) each entry
/// is one version, as it was written.
const VERSIONS_GROUPED: &str = "versions-grouped";
/// Meta key present when `ix_facts` holds an item's facts of one kind in
/// entries of up to [`FACT_GROUP`], set as [`VERSIONS_GROUPED`] is.
const FACTS_GROUPED: &str = "facts-grouped";
/// Meta key present when `ix_frames` holds a round's frames in entries of
/// up to [`FRAME_GROUP`] items, set as [`VERSIONS_GROUPED`] is and when
/// the frames are built afresh.
const FRAMES_GROUPED: &str = "frames-grouped";
/// Meta key present when the notes are in `ix_notes`, one entry each,
/// and `ix_facts` holds only statuses and assignments: set when a new
/// store is made and when the index is built, and once the notes of a
/// store an earlier version wrote are written there
/// ([`Store::begin_notes`]).
/// Without it, `ix_facts` holds the notes too and is read for them.
const NOTES_APART: &str = "notes-apart";
/// Meta key present while the facts and notes of a store an earlier
/// version wrote are written afresh, the notes apart
/// ([`Store::begin_notes`]): an open that finds it writes them again.
const NOTES_MOVING: &str = "notes-moving";
/// Meta key present when the values of the trees [`packs`] names are
/// packed (`ledger::pack`): set when a new store is made and when the index
/// is built afresh, every tree empty. Without it (a store an earlier
/// version wrote) every value is as it is, and is written so.
const PACKED: &str = "values-packed";
/// The most versions one `ix_versions` entry holds in a store marked
/// [`VERSIONS_GROUPED`]: an item's versions of one round go in entries of
/// this many, each keyed by its first (docs/format.md).
pub const VERSION_GROUP: usize = 8;
/// The most facts one `ix_facts` entry holds in a store marked
/// [`FACTS_GROUPED`].
pub const FACT_GROUP: usize = 8;
/// The most items' frames one `ix_frames` entry holds in a store marked
/// [`FRAMES_GROUPED`] (fewer than the others: a frame is the largest
/// value of the index).
pub const FRAME_GROUP: usize = 4;

/// How the entries of an index tree are grouped in a store marked for it:
/// the entries whose keys share their first `prefix` bytes go, in key
/// order, in sled entries of up to `most`, each keyed by its first entry's
/// key, its value each entry as the rest of its key, its value's length
/// (u32 BE) and its value. Reads expand a group into its entries, so no
/// caller sees it (docs/format.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Grouping {
    /// The tree.
    tree: Tree,
    /// The meta key that marks the tree as grouped.
    mark: &'static str,
    /// How many leading bytes of a key the entries of a group share.
    prefix: usize,
    /// The length of an entry's key.
    key: usize,
    /// The most entries a group holds.
    most: usize,
    /// What the entries of a group have in common, for messages.
    what: &'static str,
}

/// The grouped trees: versions by round and item, facts by item and kind,
/// frames by round.
const GROUPINGS: [Grouping; 3] = [
    Grouping {
        tree: Tree::Versions,
        mark: VERSIONS_GROUPED,
        prefix: 8 + 16,
        key: crate::projection::index::VERSION_KEY_LEN,
        most: VERSION_GROUP,
        what: "versions of one round and item",
    },
    Grouping {
        tree: Tree::Facts,
        mark: FACTS_GROUPED,
        prefix: 16 + 1,
        key: crate::projection::index::FACT_KEY_LEN,
        most: FACT_GROUP,
        what: "facts of one item and kind",
    },
    Grouping {
        tree: Tree::Frames,
        mark: FRAMES_GROUPED,
        prefix: 8,
        key: crate::projection::index::FRAME_KEY_LEN,
        most: FRAME_GROUP,
        what: "frames of one round",
    },
];
/// Meta key present while the index is being built (a restore or a
/// migration): until it is gone the index is not read.
const INDEX_BUILDING: &str = "index-building";
/// Meta key present while a round seal's frame is written ahead of the
/// seal ([`Store::append`]): the first seq the seal's batch writes (8
/// bytes, big-endian). The seal's transaction removes it; found when a
/// store is opened, the seal never landed, and the frames at that seq and
/// after are removed with it.
const FRAMES_AHEAD: &str = "frames-ahead";
/// How many entries of a frame written ahead of its seal go in one sled
/// batch: sled frees the log buffers a batch fills only once the batch
/// is over, so a frame written in one (a 15 MB frame on a ledger of
/// 10,000 items fills about 40 MB of them) holds them all at once.
const FRAME_BATCH: usize = 64;
/// After how many such batches sled is asked to write out what it holds
/// (without an fsync), so that a disk slow to take the writes does not
/// let the buffers of many batches pile up.
const FRAME_FLUSH: usize = 8;
/// Meta key present once a round seal found the ledger broken: writes are
/// refused until the ledger is restored.
const SEAL_REFUSED: &str = "seal-refused";
/// Meta key present while an events import writes a new store.
const RESTORING: &str = "restoring";
/// Meta key: the number of events the stored Merkle tree covers (8 bytes,
/// big-endian); absent while the tree is built or before it ever was.
const MERKLE: &str = "merkle";
/// The tree of the Merkle tree's chunks ([`merkle_chunk`]).
const CHUNKS: &str = "merkle_chunks";
/// The tree in which stores written before the chunks kept one entry per
/// node (key [`merkle::NodeId::key`], value the 32-byte hash); converted
/// into [`CHUNKS`] and dropped when such a store is opened.
const OLD_NODES: &str = "merkle";
/// sled's page cache: a CLI reads each event about once, so a small cache is
/// enough (sled's default is 1 GiB).
const CACHE_BYTES: u64 = 32 * 1024 * 1024;
/// The zstd level of a compressed store's writes (sled's default is 5);
/// reads do not depend on it, so it may change between versions.
pub const COMPRESSION_LEVEL: i32 = 3;
/// sled's configuration file in a store directory.
const SLED_CONF: &str = "conf";

/// The chain head: last seq, its hash and its recorded time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Head {
    /// Seq of the last event.
    pub seq: u64,
    /// Hash of the last event.
    pub hash: EventHash,
    /// Recorded time of the last event.
    pub recorded_at: Timestamp,
}

impl Head {
    fn to_bytes(self) -> [u8; 48] {
        let mut b = [0u8; 48];
        b[..8].copy_from_slice(&self.seq.to_be_bytes());
        b[8..40].copy_from_slice(&self.hash.0);
        b[40..].copy_from_slice(&self.recorded_at.unix_nanos().to_be_bytes());
        b
    }

    fn from_bytes(b: &[u8]) -> Option<Head> {
        let seq = u64::from_be_bytes(b.get(..8)?.try_into().ok()?);
        let hash = EventHash(b.get(8..40)?.try_into().ok()?);
        let at = i64::from_be_bytes(b.get(40..48)?.try_into().ok()?);
        (b.len() == 48).then_some(Head {
            seq,
            hash,
            recorded_at: Timestamp::from_unix_nanos(at),
        })
    }
}

/// The most seqs one item index (`by_item`) entry holds: an item's events
/// go in entries of this many, each keyed by its first seq, so that the
/// index has an entry for every 64 events of an item rather than one for
/// each (docs/format.md).
pub const ITEM_BLOCK: usize = 64;

/// One event to write: its seq, hash, canonical bytes and the item it indexes.
#[derive(Debug, Clone)]
pub struct Row {
    /// Position in the chain.
    pub seq: u64,
    /// The event's hash.
    pub hash: EventHash,
    /// Canonical envelope bytes.
    pub bytes: Vec<u8>,
    /// Item for the `by_item` index.
    pub item: Option<EventId>,
}

/// A raw stored event: seq key, stored hash, stored bytes.
pub type RawEvent = (u64, EventHash, Vec<u8>);

/// An open, locked store.
#[derive(Debug)]
pub struct Store {
    path: PathBuf,
    db: sled::Db,
    events: sled::Tree,
    by_item: sled::Tree,
    meta: sled::Tree,
    /// The index's trees, in the order of [`Tree::ALL`].
    ix: [sled::Tree; 8],
    /// The Merkle tree's nodes over the events, sixteen to an entry
    /// ([`merkle_chunk`]), derived like the index.
    merkle: sled::Tree,
    _lock: File,
    /// Leave sled's handles to the end of the process at close
    /// ([`Access::leave_at_close`]).
    leave: bool,
    /// What making it durable takes, shared with a [`Syncer`].
    durable: Arc<Durable>,
    /// Appends staged by a group and not yet written ([`Store::stage`]):
    /// every read below sees them, as if they were in sled.
    staged: Option<Staged>,
    /// The next [`Store::write_staged`] fails (a test's way to a failed
    /// group transaction).
    #[cfg(test)]
    fail_staged: std::sync::atomic::AtomicBool,
    /// The next append that writes a frame stops once it is written, as
    /// if the process had been killed there (a test's way to a crash
    /// between a frame and its seal).
    #[cfg(test)]
    stop_after_frames: std::sync::atomic::AtomicBool,
    /// The store holds this version's mark ([`STORE_MARK`]); when not,
    /// the next append writes it.
    marked: std::sync::atomic::AtomicBool,
    /// Which trees of [`GROUPINGS`] hold their entries in groups (bit
    /// `i` for the `i`th), as their meta marks say.
    grouped: std::sync::atomic::AtomicU8,
    /// The notes are in `ix_notes` ([`NOTES_APART`]); when not (a store an
    /// earlier version wrote, until it is opened for work), `ix_facts`
    /// holds them among the other facts, and is read and written for them.
    notes_apart: std::sync::atomic::AtomicBool,
    /// The values of the trees [`packs`] names are packed ([`PACKED`]).
    packed: std::sync::atomic::AtomicBool,
}

/// What making a store durable takes: shared between the store and a
/// [`Syncer`], so that one thread can make durable what another wrote.
#[derive(Debug)]
struct Durable {
    path: PathBuf,
    db: sled::Db,
    db_file: File,
    /// Set when sled failed to write, or reported an I/O error at all (a
    /// read can write: sled splits a node it finds too large when it reads
    /// it). sled 0.34.7 can then hang for ever in the flush it runs when its
    /// last handle is dropped: a blob file it failed to write, on a full
    /// disk say, leaves a log buffer whose writer never finishes, and no
    /// error is kept that would end the wait. So such a store's handles are
    /// leaked instead: nothing of the failed write was acknowledged, and
    /// what is on disk stays as sled last made it durable.
    write_failed: std::sync::atomic::AtomicBool,
    /// When the last sync that succeeded began (at first: when the store
    /// was opened): every blob file written since must be made durable by
    /// the next one.
    synced_from: std::sync::Mutex<SystemTime>,
}

/// Makes a store durable from another thread than the one writing it
/// (the server's group commit): [`Syncer::sync`] makes durable every
/// write that returned before it was called; one that returns while it
/// runs may or may not be covered.
#[derive(Debug, Clone)]
pub struct Syncer(Arc<Durable>);

impl Syncer {
    /// As `Store::sync`.
    pub fn sync(&self) -> Result<()> {
        self.0.sync()
    }
}

/// How a store may be opened.
#[derive(Debug, Clone, Copy, Default)]
pub struct Access {
    /// How long to wait for another process to release the store (our lock,
    /// then sled's).
    pub wait: Duration,
    /// Accept a store directory that users other than its owner can write.
    pub allow_shared: bool,
    /// The process ends when the store is closed: see
    /// [`crate::ledger::OpenOptions::leave_at_close`].
    pub leave_at_close: bool,
    /// A store created with this access is written with sled's zstd
    /// compression: see [`crate::ledger::OpenOptions::compress`].
    pub compress: bool,
}

impl Drop for Store {
    fn drop(&mut self) {
        // A store left at close is made durable first (every write already
        // was; a read can have written, see `sled_err`), then left like one
        // whose write failed: sled's own drop then does not run. It frees
        // its page table one page at a time and waits for its flusher
        // thread: on a ledger of a million events a quarter of a `note`.
        // A store whose write failed is not flushed at all (that flush can
        // hang for ever, see `write_failed`).
        let failed = self.durable.failed();
        if failed || (self.leave && self.db.flush().is_ok()) {
            // One reference more that is never released: sled's flush on
            // drop does not run. Our lock file is released as usual; sled's
            // own lock on `db` stays until the process ends.
            std::mem::forget((
                self.db.clone(),
                self.events.clone(),
                self.by_item.clone(),
                self.meta.clone(),
                self.ix.clone(),
                self.merkle.clone(),
            ));
        }
    }
}

/// Removes snapshot files sled began but did not finish
/// (`snap.<lsn>.generating`): sled 0.34.7 writes one when it opens a store,
/// renames it when complete, and only then deletes the older one; but it
/// also reads an unfinished one (left by a crash or a full disk) as its
/// newest snapshot and then refuses to open the store as corrupt. The older
/// snapshot and the log are untouched, so removing it loses nothing.
fn remove_unfinished_snapshots(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.filter_map(std::result::Result::ok) {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if name.starts_with("snap.") && name.ends_with(".generating") {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// What a full disk (or a file-size limit or quota, which look the same
/// to a writer) is called in a message, if `e` is one.
fn no_room(e: &std::io::Error) -> Option<&'static str> {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::StorageFull => Some("the disk is full"),
        ErrorKind::FileTooLarge => Some(
            "the disk is full for this process: a file reached the file-size limit it runs under (`ulimit -f`)",
        ),
        ErrorKind::QuotaExceeded => {
            Some("the disk is full for this user: the disk quota is used up")
        }
        _ => None,
    }
}

/// A storage error; a full disk is said to be one, with what it means for
/// the ledger and what to do.
fn storage_error(context: String, e: &std::io::Error, store: &Path) -> Error {
    match no_room(e) {
        Some(what) => Error::storage(
            context,
            format!(
                "{what} ({e}) where the store is ({}). Nothing acknowledged before is lost, and nothing this command was writing was acknowledged; make room there and run the command again",
                fsutil::shown_path(store)
            ),
        ),
        None => Error::storage(context, std::io::Error::new(e.kind(), e.to_string())),
    }
}

/// Maps an I/O error on `path` (inside the store `store`) while `doing`.
fn io<'a>(path: &Path, doing: &str, store: &'a Path) -> impl Fn(std::io::Error) -> Error + 'a {
    let context = format!("{doing} {}", fsutil::shown_path(path));
    move |e| storage_error(context.clone(), &e, store)
}

/// Maps a sled error while `doing` on the store at `store`.
fn sled_error(doing: &str, store: &Path, e: sled::Error) -> Error {
    match e {
        sled::Error::Corruption { at, bt: _ } => Error::Corrupt {
            seq: None,
            what: format!(
                "sled reports corruption{} while {doing}",
                at.map(|a| format!(" at {a:?}")).unwrap_or_default()
            ),
        },
        sled::Error::Io(ioe) => storage_error(doing.to_string(), &ioe, store),
        other => Error::storage(doing, other),
    }
}

/// Refuses a store directory that others can write, unless allowed.
fn check_private(dir: &Path, allow_shared: bool) -> Result<()> {
    if allow_shared {
        return Ok(());
    }
    match fsutil::shared_writable(dir) {
        Ok(Some(mode)) => Err(Refusal::SharedStore {
            path: dir.to_path_buf(),
            mode,
        }
        .into()),
        Ok(None) => Ok(()),
        Err(e) => Err(io(dir, "reading the permissions of", dir)(e)),
    }
}

/// Takes the store's lock, retrying until `deadline`.
fn lock(dir: &Path, deadline: Instant) -> Result<File> {
    let path = dir.join(LOCK_FILE);
    // Never through a link or into a second name of another file: the pid
    // written below would overwrite whatever it points at.
    let mut f = fsutil::open_or_create_plain(&path).map_err(io(&path, "opening lock file", dir))?;
    loop {
        match f.try_lock() {
            Ok(()) => break,
            Err(TryLockError::WouldBlock) => {
                if Instant::now() >= deadline {
                    // A pid is at most ten digits: a larger file (planted
                    // by someone who may write in the store's directory)
                    // is not read whole.
                    let mut s = String::new();
                    let pid = (&f)
                        .take(32)
                        .read_to_string(&mut s)
                        .ok()
                        .and_then(|_| s.trim().parse::<u32>().ok());
                    return Err(Error::InUse {
                        path: dir.to_path_buf(),
                        pid,
                    });
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(TryLockError::Error(e)) => return Err(io(&path, "locking", dir)(e)),
        }
    }
    // Tell later openers who holds it; failure to write the pid is harmless.
    let _ = f
        .set_len(0)
        .and_then(|()| f.seek(SeekFrom::Start(0)))
        .and_then(|_| write!(f, "{}", std::process::id()));
    Ok(f)
}

/// How long to retry sled's own lock on its `db` file once we hold ours,
/// at least. sled 0.34.7 releases that lock only when the last of its
/// internal handles goes, which can be a moment after a `Db` (in this
/// process) or its process has gone; holding our lock means no other
/// kamerstand process uses the store. A longer `--wait` waits longer.
const SLED_LOCK_GRACE: Duration = Duration::from_secs(2);

/// Opens sled at `dir`, retrying while its file lock is held: until
/// `deadline` (the caller's wait) or for [`SLED_LOCK_GRACE`], whichever is
/// later. The lock can be held without ours: by another program that opened
/// the store with sled, or by a kamerstand process whose write failed and
/// that keeps sled's handles until it exits.
fn open_sled(dir: &Path, deadline: Instant, compress_new: bool) -> Result<sled::Db> {
    let deadline = deadline.max(Instant::now() + SLED_LOCK_GRACE);
    let mut compressed = compressed_or(dir, compress_new);
    // Nothing tells how a store that lost its `conf` and every snapshot was
    // written; it is tried uncompressed first (every store made before
    // compression was), and on sled's panic compressed.
    let mut guessed = stored_compression(dir).is_none()
        && std::fs::metadata(dir.join("db")).is_ok_and(|m| m.len() > 0)
        && snapshot_compressed(dir).is_none();
    loop {
        let opened = if guessed {
            match open_guarded(dir, compressed) {
                Some(opened) => opened,
                None if !compressed => {
                    // What sled wrote for the wrong guess (a `conf`, a
                    // snapshot) must not stay to contradict the other.
                    remove_guessed(dir);
                    compressed = true;
                    continue;
                }
                None => {
                    remove_guessed(dir);
                    return Err(Error::Corrupt {
                        seq: None,
                        what: format!(
                            "the storage engine (sled) cannot open {}: it has neither its `conf` file nor a snapshot, and its log reads neither as a compressed nor as an uncompressed store; restore the store from a copy, or from an events export with `kamerstand import`",
                            fsutil::shown_path(dir)
                        ),
                    });
                }
            }
        } else {
            sled_config(dir, compressed).open()
        };
        if opened.is_ok() {
            guessed = false;
        }
        match opened {
            Ok(db) => return Ok(db),
            // sled reports a held lock only through the text of a plain Io error.
            Err(sled::Error::Io(ioe)) if ioe.to_string().contains("could not acquire lock") => {
                if Instant::now() >= deadline {
                    return Err(Error::storage(
                        format!("opening sled store {}", fsutil::shown_path(dir)),
                        format!(
                            "its storage engine's own lock on {} is held by another process ({ioe}): a program that opened the store with sled, or a kamerstand process that is still ending; try again when it has finished, or pass --wait SECONDS",
                            fsutil::shown_path(&dir.join("db"))
                        ),
                    ));
                }
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(sled::Error::Io(ioe)) => {
                return Err(storage_error(
                    format!("opening sled store {}", fsutil::shown_path(dir)),
                    &ioe,
                    dir,
                ));
            }
            Err(sled::Error::Corruption { at, bt: _ }) => {
                return Err(Error::Corrupt {
                    seq: None,
                    what: format!(
                        "the storage engine (sled) cannot open {}: its files are damaged (corrupted data{}); restore the store from a copy, or from an events export with `kamerstand import`",
                        fsutil::shown_path(dir),
                        at.map(|a| format!(" at {a:?}")).unwrap_or_default()
                    ),
                });
            }
            Err(other) => {
                return Err(Error::Corrupt {
                    seq: None,
                    what: format!(
                        "the storage engine (sled) cannot open {}: {other}",
                        fsutil::shown_path(dir)
                    ),
                });
            }
        }
    }
}

/// How every store is opened: `compressed` as it was made.
fn sled_config(dir: &Path, compressed: bool) -> sled::Config {
    sled::Config::new()
        .path(dir)
        .cache_capacity(CACHE_BYTES)
        .flush_every_ms(None)
        .use_compression(compressed)
        .compression_factor(COMPRESSION_LEVEL)
}

/// Opens sled at `dir` when how it was written is a guess: sled 0.34.7
/// panics (on the calling thread) on the first record it cannot read the
/// way it was told to, so the panic is caught, without its message, and
/// None returned. Only for that guess: a panic hook is the process's.
fn open_guarded(dir: &Path, compressed: bool) -> Option<sled::Result<sled::Db>> {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let opened = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        sled_config(dir, compressed).open()
    }));
    std::panic::set_hook(hook);
    opened.ok()
}

/// Removes the `conf` and the snapshots sled wrote while opening a store
/// that had neither ([`open_guarded`]) the wrong way.
fn remove_guessed(dir: &Path) {
    let _ = std::fs::remove_file(dir.join(SLED_CONF));
    let snaps = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(std::result::Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("snap."))
        });
    for snap in snaps {
        let _ = std::fs::remove_file(snap);
    }
}

/// Whether the existing store at `dir` is written with sled's compression
/// (see `compressed_or`; false for a directory that holds no store yet).
pub fn compressed(dir: &Path) -> bool {
    compressed_or(dir, false)
}

/// Whether the store at `dir` is written with sled's compression: as its
/// `conf` file says; for a directory without sled's data file (a store
/// about to be made), `compress_new`. sled writes a new `conf` when it
/// finds none (or one of 8 bytes or fewer), with whatever it is given, and
/// then reads the store that way, which for the wrong choice can end in a
/// panic inside sled: so a `db` without a readable `conf` is opened as its
/// newest snapshot was written ([`snapshot_compressed`]), and without a
/// snapshot either, uncompressed, as every store made before compression
/// was (and, should sled fail on that, compressed: see [`open_sled`]).
fn compressed_or(dir: &Path, compress_new: bool) -> bool {
    if let Some(c) = stored_compression(dir) {
        return c;
    }
    let has_db = std::fs::metadata(dir.join("db")).is_ok_and(|m| m.len() > 0);
    if !has_db {
        return compress_new;
    }
    snapshot_compressed(dir).unwrap_or(false)
}

/// Whether sled wrote the newest snapshot in `dir` compressed, if there is
/// one to tell by. A snapshot file is its body, the length of the body
/// before compression (8 bytes, little-endian) and a CRC-32 (4 bytes): a
/// body as long as that length was not compressed.
fn snapshot_compressed(dir: &Path) -> Option<bool> {
    // sled names them `snap.` and 16 hex digits; the newest sorts last.
    let newest = std::fs::read_dir(dir)
        .ok()?
        .filter_map(std::result::Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.len() == 21 && n.starts_with("snap."))
        })
        .max()?;
    let mut f = File::open(&newest).ok()?;
    let len = f.metadata().ok()?.len();
    let body = len.checked_sub(12)?;
    let mut raw = [0u8; 8];
    f.seek(SeekFrom::Start(body)).ok()?;
    f.read_exact(&mut raw).ok()?;
    Some(u64::from_le_bytes(raw) != body)
}

/// The `use_compression` sled 0.34.7 recorded in the `conf` file of the
/// store at `dir`, if that file is there and says it: lines of `key:
/// value` followed by a CRC-32 of four bytes (which sled checks when it
/// opens the store; a file it would not accept is refused by it, not here).
fn stored_compression(dir: &Path) -> Option<bool> {
    let mut text = Vec::new();
    File::open(dir.join(SLED_CONF))
        .ok()?
        .take(4096)
        .read_to_end(&mut text)
        .ok()?;
    // sled treats a file of 8 bytes or fewer as missing.
    if text.len() <= 8 {
        return None;
    }
    let text = std::str::from_utf8(text.get(..text.len() - 4)?).ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix("use_compression: "))
        .and_then(|v| v.trim().parse().ok())
}

/// For the demo (feature `cli`): makes at `to` a copy of the store at
/// `from` (which nothing may have open), in which the stored bytes of
/// event `seq` have `find` replaced by `put` (as long as it) and its stored
/// hash is kept — what someone who edits a store's files behind
/// kamerstand's back leaves, for `verify` to find. Returns false when the
/// event does not hold `find` (the copy is then left unchanged).
#[cfg(feature = "cli")]
pub fn tampered_copy(from: &Path, to: &Path, seq: u64, find: &[u8], put: &[u8]) -> Result<bool> {
    fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
        std::fs::create_dir_all(to)?;
        for entry in std::fs::read_dir(from)? {
            let entry = entry?;
            let target = to.join(entry.file_name());
            if entry.file_name() == LOCK_FILE {
                continue;
            }
            if entry.file_type()?.is_dir() {
                copy_dir(&entry.path(), &target)?;
            } else {
                std::fs::copy(entry.path(), target)?;
            }
        }
        Ok(())
    }
    if find.len() != put.len() || find.is_empty() {
        return Err(crate::domain::Invalid::new(
            "tampering",
            &String::from_utf8_lossy(put),
            "as many bytes as are replaced",
        )
        .into());
    }
    copy_dir(from, to)
        .map_err(|e| Error::storage(format!("copying {}", fsutil::shown_path(from)), e))?;
    let failed = |e: sled::Error| Error::storage(format!("editing {}", fsutil::shown_path(to)), e);
    let db = open_sled(to, Instant::now(), false)?;
    let events = db.open_tree("events").map_err(failed)?;
    let Some(stored) = events.get(seq.to_be_bytes()).map_err(failed)? else {
        return Ok(false);
    };
    let mut value = stored.to_vec();
    // The value is hash[32] ‖ canonical bytes: only the bytes change.
    let Some(at) = value
        .get(32..)
        .and_then(|bytes| bytes.windows(find.len()).position(|w| w == find))
    else {
        return Ok(false);
    };
    value[32 + at..32 + at + put.len()].copy_from_slice(put);
    events.insert(seq.to_be_bytes(), value).map_err(failed)?;
    db.flush().map_err(failed)?;
    Ok(true)
}

fn has_sled_files(dir: &Path) -> bool {
    dir.join("db").exists() || dir.join("conf").exists()
}

impl Store {
    /// Creates a new store at `dir`. Refuses a path that already holds a
    /// ledger with events, or that is a file or a non-empty foreign directory.
    pub fn create(dir: &Path, wait: Duration) -> Result<Store> {
        Store::create_with(
            dir,
            Access {
                wait,
                ..Access::default()
            },
        )
    }

    /// As [`Store::create`], with the given [`Access`].
    pub fn create_with(dir: &Path, access: Access) -> Result<Store> {
        if dir.is_file() {
            return Err(Error::NoStore {
                path: dir.into(),
                message: format!(
                    "{} is a file; a store is a directory: give a new path with --store",
                    fsutil::shown_path(dir)
                ),
            });
        }
        if dir.is_dir() && !has_sled_files(dir) {
            let foreign = std::fs::read_dir(dir)
                .map_err(io(dir, "reading", dir))?
                .filter_map(std::result::Result::ok)
                .any(|e| e.file_name() != LOCK_FILE);
            if foreign {
                return Err(Error::NoStore {
                    path: dir.into(),
                    message: format!(
                        "{} is a directory with other files in it; give a new or empty directory with --store",
                        fsutil::shown_path(dir)
                    ),
                });
            }
        }
        // Created private (0755 whatever the umask), so that a group-writable
        // umask does not make a store that is then refused as shared.
        dir_builder().create(dir).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotADirectory {
                // A part of the path is a file: the path is wrong, not the disk.
                Error::NoStore {
                    path: dir.into(),
                    message: format!(
                        "{} cannot be created: part of that path is a file ({e}); give a new path with --store",
                        fsutil::shown_path(dir)
                    ),
                }
            } else {
                io(dir, "creating", dir)(e)
            }
        })?;
        let store = Store::open_locked(dir, access)?;
        if store.head()?.is_some() {
            return Err(Refusal::LedgerExists { path: dir.into() }.into());
        }
        // What an interrupted events import wrote is ours to discard: it
        // never had a head, so nothing of it was ever acknowledged.
        if store
            .meta
            .contains_key(RESTORING)
            .map_err(store.sled_err("reading the store mark"))?
        {
            store.clear_all()?;
        }
        // Events without a head are a damaged ledger, not an unfinished
        // init: a new genesis would overwrite seq 0.
        if let Some(last) = store.last_seq()? {
            return Err(Error::Corrupt {
                seq: Some(last),
                what: format!(
                    "{} holds events but no head; run `kamerstand verify` for details",
                    fsutil::shown_path(dir)
                ),
            });
        }
        store
            .meta
            .insert("format", STORE_MARK)
            .map_err(store.write_err("marking the new store"))?;
        store
            .meta
            .insert(FRAMES, &[] as &[u8])
            .map_err(store.write_err("marking the new store"))?;
        store
            .meta
            .insert(VERSIONS_BY_ROUND, &[] as &[u8])
            .map_err(store.write_err("marking the new store"))?;
        store
            .meta
            .insert(NOTES_APART, &[] as &[u8])
            .map_err(store.write_err("marking the new store"))?;
        store.group(&GROUPINGS)?;
        store.pack_values()?;
        store.sync()?;
        // Make durable what sled does not: its `conf` file (written once,
        // never fsynced), the names `db`, `conf` and `blobs` in the new
        // directory (fsync of a file does not cover its name, by POSIX), and
        // the directory's own name in its parent, which for a relative path
        // such as the default `kamerstand.db` is the current directory.
        let parent = dir
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        for f in [&dir.join("conf"), dir, parent] {
            let _ = File::open(f).and_then(|f| f.sync_all());
        }
        Ok(store)
    }

    /// Opens an existing store.
    pub fn open(dir: &Path, wait: Duration) -> Result<Store> {
        Store::open_with(
            dir,
            Access {
                wait,
                ..Access::default()
            },
        )
    }

    /// As [`Store::open`], with the given [`Access`].
    pub fn open_with(dir: &Path, access: Access) -> Result<Store> {
        if !dir.exists() {
            return Err(Error::NoStore {
                path: dir.into(),
                message: format!(
                    "no ledger at {}: create one with `kamerstand init --programme NAME`, or point --store / KAMERSTAND_STORE at an existing one",
                    fsutil::shown_path(dir)
                ),
            });
        }
        if !dir.is_dir() || !has_sled_files(dir) {
            return Err(Error::NoStore {
                path: dir.into(),
                message: format!(
                    "{} is not a kamerstand store (expected a directory made by `kamerstand init`)",
                    fsutil::shown_path(dir)
                ),
            });
        }
        let store = Store::open_locked(dir, access)?;
        if store.remove_unsealed_frames()? {
            store.sync()?;
        }
        // The mark of an events import without a head: the import was
        // interrupted. Beside a head the mark is stray (an import writes
        // the head and removes the mark in one transaction), and the
        // ledger opens; see `Store::clear_stray_restore_mark`.
        if store.has_restore_mark()? && store.head()?.is_none() {
            return Err(Error::NoStore {
                path: dir.into(),
                message: format!(
                    "an events import into {} was interrupted before it finished, so it holds no ledger; run the import again with the same --store (it starts afresh), or `kamerstand init` to start an empty ledger there",
                    fsutil::shown_path(dir)
                ),
            });
        }
        match store
            .meta
            .get("format")
            .map_err(store.sled_err("reading the store mark"))?
        {
            Some(v)
                if [
                    STORE_MARK,
                    STORE_MARK_5,
                    STORE_MARK_4,
                    STORE_MARK_3,
                    STORE_MARK_2,
                    STORE_MARK_1,
                ]
                .contains(&v.as_ref()) =>
            {
                store.marked.store(v.as_ref() == STORE_MARK, Relaxed);
                let mut grouped = 0;
                for (i, g) in GROUPINGS.iter().enumerate() {
                    if store
                        .meta
                        .contains_key(g.mark)
                        .map_err(store.sled_err("reading the index's marks"))?
                    {
                        grouped |= 1 << i;
                    }
                }
                store.grouped.store(grouped, Relaxed);
                let apart = store
                    .meta
                    .contains_key(NOTES_APART)
                    .map_err(store.sled_err("reading the index's marks"))?;
                store.notes_apart.store(apart, Relaxed);
                let packed = store
                    .meta
                    .contains_key(PACKED)
                    .map_err(store.sled_err("reading the index's marks"))?;
                store.packed.store(packed, Relaxed);
                Ok(store)
            }
            Some(v) => Err(Error::Corrupt {
                seq: None,
                what: format!(
                    "store mark is {:?}, expected {:?}",
                    String::from_utf8_lossy(&v),
                    String::from_utf8_lossy(STORE_MARK)
                ),
            }),
            // Events without the mark that `init` and an events import
            // write before any event: the mark was removed. Damage, not a
            // store never initialised (whose `init` would refuse the
            // events).
            None if store
                .events
                .first()
                .map_err(store.sled_err("reading the first event"))?
                .is_some() =>
            {
                Err(Error::Corrupt {
                    seq: None,
                    what: format!(
                        "{} holds events but not the mark of its format (`format` in its tree `meta`), which is written before any event: the store was damaged, and without the mark its values cannot be read safely. Restore it from a backup (`kamerstand --store NEW import EVENTS-EXPORT`)",
                        fsutil::shown_path(dir)
                    ),
                })
            }
            None => Err(Error::NoStore {
                path: dir.into(),
                message: format!(
                    "{} holds no kamerstand ledger (it was never initialised); run `kamerstand init`",
                    fsutil::shown_path(dir)
                ),
            }),
        }
    }

    fn open_locked(dir: &Path, access: Access) -> Result<Store> {
        let deadline = Instant::now() + access.wait;
        check_private(dir, access.allow_shared)?;
        let lock = lock(dir, deadline)?;
        remove_unfinished_snapshots(dir);
        let db = open_sled(dir, deadline, access.compress)?;
        let mut trees = Vec::with_capacity(12);
        for name in [
            "events",
            "by_item",
            "meta",
            Tree::Current.name(),
            Tree::Versions.name(),
            Tree::Facts.name(),
            Tree::Keys.name(),
            Tree::Rounds.name(),
            Tree::Registry.name(),
            Tree::Frames.name(),
            Tree::Notes.name(),
            CHUNKS,
        ] {
            match db.open_tree(name) {
                Ok(t) => trees.push(t),
                Err(e) => {
                    if matches!(e, sled::Error::Io(_)) {
                        // As in `Store::drop`: dropping sled after an I/O
                        // error can hang.
                        std::mem::forget(db.clone());
                    }
                    return Err(sled_error("opening trees", dir, e));
                }
            }
        }
        let [
            events,
            by_item,
            meta,
            cur,
            ver,
            fac,
            key,
            rnd,
            reg,
            frm,
            nts,
            merkle,
        ]: [sled::Tree; 12] = trees
            .try_into()
            .map_err(|_| Error::storage("opening trees", "a tree is missing"))?;
        let db_path = dir.join("db");
        let db_file = File::open(&db_path).map_err(io(&db_path, "opening", dir))?;
        let durable = Arc::new(Durable {
            path: dir.to_path_buf(),
            db: db.clone(),
            db_file,
            write_failed: std::sync::atomic::AtomicBool::new(false),
            synced_from: std::sync::Mutex::new(SystemTime::now()),
        });
        let store = Store {
            path: dir.to_path_buf(),
            db,
            events,
            by_item,
            meta,
            ix: [cur, ver, fac, key, rnd, reg, frm, nts],
            merkle,
            _lock: lock,
            leave: access.leave_at_close,
            durable,
            staged: None,
            #[cfg(test)]
            fail_staged: std::sync::atomic::AtomicBool::new(false),
            #[cfg(test)]
            stop_after_frames: std::sync::atomic::AtomicBool::new(false),
            marked: std::sync::atomic::AtomicBool::new(true),
            grouped: std::sync::atomic::AtomicU8::new(0),
            notes_apart: std::sync::atomic::AtomicBool::new(true),
            packed: std::sync::atomic::AtomicBool::new(false),
        };
        store.convert_old_nodes()?;
        Ok(store)
    }

    /// Converts the per-node Merkle tree of a store written before the
    /// chunks ([`OLD_NODES`]) into chunks, once: reads it in key order
    /// (level by level, each level's nodes in index order, so each chunk
    /// is complete when the next begins), writes the chunks, makes them
    /// durable, and only then drops the old tree. An interruption leaves
    /// the old tree in place, and the next open starts over from an empty
    /// chunk tree; the tree's mark (`meta/merkle`, the events it covers)
    /// holds for both layouts and is not touched. An old tree with an
    /// entry that is no node (a damaged store) is not converted: the tree
    /// is left unbuilt, as after an interrupted build, to be built again
    /// from the events (the workspace's migration does, and `verify`
    /// reports it until then).
    fn convert_old_nodes(&self) -> Result<()> {
        let has_old = self
            .db
            .tree_names()
            .iter()
            .any(|n| n.as_ref() == OLD_NODES.as_bytes());
        if !has_old {
            return Ok(());
        }
        let doing = "converting the Merkle tree";
        let old = self.db.open_tree(OLD_NODES).map_err(self.sled_err(doing))?;
        // An empty old tree holds nothing to convert (a tool that opened
        // the old name by mistake creates one): the chunks stay.
        let empty = old.is_empty();
        if !empty {
            self.merkle.clear().map_err(self.write_err(doing))?;
        }
        let mut batch = sled::Batch::default();
        let mut pending = 0usize;
        let mut current: Option<(ChunkId, Chunk)> = None;
        let mut damaged = false;
        for kv in old.iter() {
            let (k, v) = kv.map_err(self.sled_err(doing))?;
            let (Some(id), Ok(hash)) = (
                merkle::NodeId::from_key(&k),
                <merkle::Hash>::try_from(v.as_ref()),
            ) else {
                damaged = true;
                break;
            };
            let (chunk, slot) = ChunkId::of(id);
            if current.as_ref().is_none_or(|(c, _)| *c != chunk)
                && let Some((c, done)) = current.replace((chunk, Chunk::new()))
            {
                batch.insert(&c.key()[..], done.encode());
                pending += 1;
            }
            if let Some((_, c)) = current.as_mut() {
                c.set(slot, hash);
            }
            if pending >= 4096 {
                self.merkle
                    .apply_batch(std::mem::take(&mut batch))
                    .map_err(self.write_err(doing))?;
                pending = 0;
                self.flush_rows()?;
            }
        }
        drop(old);
        if damaged {
            self.begin_merkle()?;
        } else if !empty {
            if let Some((c, done)) = current {
                batch.insert(&c.key()[..], done.encode());
            }
            self.merkle
                .apply_batch(batch)
                .map_err(self.write_err(doing))?;
        }
        self.sync()?;
        self.db
            .drop_tree(OLD_NODES)
            .map_err(self.write_err(doing))?;
        self.sync()
    }

    /// Maps a sled error of a read; an I/O error marks the store as one
    /// whose handles must not be dropped (a read can write, see
    /// [`Store::drop`]).
    fn sled_err<'a>(&'a self, doing: &'a str) -> impl Fn(sled::Error) -> Error + 'a {
        move |e| {
            if matches!(e, sled::Error::Io(_)) {
                self.mark_failed();
            }
            sled_error(doing, &self.path, e)
        }
    }

    /// Maps a sled error of a write; any error marks the store.
    fn write_err<'a>(&'a self, doing: &'a str) -> impl Fn(sled::Error) -> Error + 'a {
        move |e| {
            self.mark_failed();
            sled_error(doing, &self.path, e)
        }
    }

    fn mark_failed(&self) {
        self.durable.mark_failed();
    }

    /// A handle that makes this store durable from another thread.
    pub fn syncer(&self) -> Syncer {
        Syncer(Arc::clone(&self.durable))
    }

    /// True if the store carries the mark of an events import.
    pub fn has_restore_mark(&self) -> Result<bool> {
        self.meta
            .contains_key(RESTORING)
            .map_err(self.sled_err("reading the store mark"))
    }

    /// Removes the mark of an events import from a store that has a head.
    /// An import writes its head and removes its mark in one transaction,
    /// so a mark beside a head is stray (left by hand, or by a tool that
    /// copied the store while it was written) and the ledger is whole as
    /// far as the head says; the caller has checked that the head names
    /// the last event. Returns whether there was one to remove.
    pub fn clear_stray_restore_mark(&self) -> Result<bool> {
        if self.head()?.is_none() || !self.has_restore_mark()? {
            return Ok(false);
        }
        self.meta
            .remove(RESTORING)
            .map_err(self.write_err("removing a stray import mark"))?;
        self.sync()?;
        Ok(true)
    }

    /// The store's directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The head recorded under the `head` key, if any event exists.
    pub fn head(&self) -> Result<Option<Head>> {
        if let Some(s) = &self.staged {
            return Ok(Some(s.head));
        }
        match self
            .meta
            .get("head")
            .map_err(self.sled_err("reading the head"))?
        {
            None => Ok(None),
            Some(v) => Head::from_bytes(&v)
                .map(Some)
                .ok_or_else(|| Error::Corrupt {
                    seq: None,
                    what: format!("head record has {} bytes, expected 48", v.len()),
                }),
        }
    }

    /// The highest seq key in the events tree.
    pub fn last_seq(&self) -> Result<Option<u64>> {
        if let Some((k, _)) = self.staged_of(|s| &s.events).last_key_value() {
            return Ok(Some(seq_of(k)?));
        }
        match self
            .events
            .last()
            .map_err(self.sled_err("reading the last event"))?
        {
            None => Ok(None),
            Some((k, _)) => Ok(Some(seq_of(&k)?)),
        }
    }

    /// Every tree an append writes, for one transaction over all of them.
    fn every_tree(
        &self,
    ) -> (
        SledTree<'_>,
        SledTree<'_>,
        SledTree<'_>,
        SledTree<'_>,
        SledTree<'_>,
        SledTree<'_>,
        SledTree<'_>,
        SledTree<'_>,
        SledTree<'_>,
        SledTree<'_>,
        SledTree<'_>,
        SledTree<'_>,
    ) {
        // `ix_notes` itself, whether or not it holds the notes: a
        // transaction's closure puts the notes where `Store::ix` says (no
        // tree is given to sled twice).
        let [cur, ver, fac, key, rnd, reg, frm, nts] = &self.ix;
        (
            &self.events,
            &self.by_item,
            &self.meta,
            cur,
            ver,
            fac,
            key,
            rnd,
            reg,
            frm,
            nts,
            &self.merkle,
        )
    }

    /// Writes `rows`, the index `entries` and Merkle tree `nodes` they
    /// derive and the new head in one transaction, provided the stored head
    /// is still `expected`; then, with `durable`, makes it durable (without,
    /// a later [`Store::sync`] must). The index and the tree are marked as
    /// written up to the new head (the tree only when `nodes` is given:
    /// None is for benchmarks that measure what it costs).
    ///
    /// A round seal's frame (its `ix_frames` entries) is the exception:
    /// it is written first, in batches of its own, and the transaction
    /// then removes the meta mark that was set while it was written
    /// ([`FRAMES_AHEAD`]). Only a seal the chain holds makes its frame
    /// read (a view reads the frame of a round in `ix_rounds`), and sled
    /// recovers a prefix of what was written, so a frame without its seal
    /// is one the mark still names: it is removed when the store is next
    /// opened, or at once when the transaction fails.
    pub fn append(
        &self,
        expected: Option<Head>,
        rows: &[Row],
        entries: Vec<Entry>,
        nodes: Option<&[(merkle::NodeId, merkle::Hash)]>,
        head: Head,
        durable: bool,
    ) -> Result<()> {
        // Read before the transaction, which cannot read a range: the head
        // it checks first is the one these were read under.
        let blocks = self.item_blocks(rows)?;
        let (frames, entries): (Vec<Entry>, Vec<Entry>) =
            entries.into_iter().partition(|e| e.tree == Tree::Frames);
        let from = expected.map_or(0, |h| h.seq + 1);
        let ahead = !frames.is_empty();
        if ahead {
            if self.head()? != expected {
                return Err(head_moved());
            }
            if let Err(e) = self.write_frames_ahead(from, frames) {
                return Err(self.frames_not_sealed(true, from, e));
            }
            #[cfg(test)]
            if self.stop_after_frames.swap(false, Relaxed) {
                return Err(Error::storage("appending", "a stop made for a test"));
            }
        }
        let puts = match self.to_write(entries, true) {
            Ok(puts) => puts,
            Err(e) => return Err(self.frames_not_sealed(ahead, from, e)),
        };
        let marked = self.marked.load(Relaxed);
        let apart = self.notes_apart.load(Relaxed);
        let result = self.every_tree().transaction(
            |(ev, ix, meta, cur, ver, fac, key, rnd, reg, frm, nts, mk)| {
                let current = meta.get("head")?;
                if current.as_deref() != expected.map(Head::to_bytes).as_ref().map(|b| &b[..]) {
                    return Err(ConflictableTransactionError::Abort(Aborted::HeadMoved));
                }
                if ahead {
                    meta.remove(FRAMES_AHEAD)?;
                }
                for row in rows {
                    let mut v = Vec::with_capacity(32 + row.bytes.len());
                    v.extend_from_slice(&row.hash.0);
                    v.extend_from_slice(&row.bytes);
                    ev.insert(&row.seq.to_be_bytes(), v)?;
                }
                for (k, v) in &blocks {
                    ix.insert(k.as_slice(), v.as_slice())?;
                }
                if !marked {
                    meta.insert("format", STORE_MARK)?;
                }
                for p in &puts {
                    let t = match holder(p.tree, apart) {
                        Tree::Current => cur,
                        Tree::Versions => ver,
                        Tree::Facts => fac,
                        Tree::Keys => key,
                        Tree::Rounds => rnd,
                        Tree::Registry => reg,
                        Tree::Frames => frm,
                        Tree::Notes => nts,
                    };
                    t.insert(p.key.clone(), p.value.clone())?;
                }
                meta.insert("head", &head.to_bytes()[..])?;
                meta.insert(INDEX, &head.to_bytes()[..])?;
                if let Some(nodes) = nodes {
                    for (chunk, slots) in merkle_chunk::group(nodes) {
                        let key = chunk.key();
                        let mut c = match mk.get(&key[..])? {
                            None => Chunk::new(),
                            Some(v) => Chunk::decode(&v).map_err(|e| {
                                ConflictableTransactionError::Abort(Aborted::Chunk(chunk, e))
                            })?,
                        };
                        for (slot, hash) in slots {
                            c.set(slot, hash);
                        }
                        mk.insert(&key[..], c.encode())?;
                    }
                    meta.insert(MERKLE, &(head.seq + 1).to_be_bytes()[..])?;
                }
                Ok(())
            },
        );
        if result.is_ok() {
            self.marked.store(true, Relaxed);
        }
        let failed = match result {
            Ok(()) if durable => return self.sync(),
            Ok(()) => return Ok(()),
            Err(TransactionError::Abort(Aborted::HeadMoved)) => head_moved(),
            Err(TransactionError::Abort(Aborted::Chunk(chunk, e))) => bad_chunk(chunk, e),
            Err(TransactionError::Storage(e)) => self.write_err("appending")(e),
        };
        Err(self.frames_not_sealed(ahead, from, failed))
    }

    /// Writes the frame of a round seal the next append makes (`frames`,
    /// every entry of `ix_frames` it writes, at seqs from `from` on) ahead
    /// of its transaction, under the [`FRAMES_AHEAD`] mark: in batches of
    /// [`FRAME_BATCH`], each let go of before the next, so that sled's log
    /// buffers are freed as the frame is written. A frame an earlier
    /// seal left that never landed (its mark still there) is removed
    /// first. The caller has checked that `from` follows the stored head.
    fn write_frames_ahead(&self, from: u64, frames: Vec<Entry>) -> Result<()> {
        self.remove_unsealed_frames()?;
        self.meta
            .insert(FRAMES_AHEAD, &from.to_be_bytes()[..])
            .map_err(self.write_err("marking a round's frame"))?;
        let tree = self.ix(Tree::Frames);
        let mut puts = self.to_write(frames, true)?.into_iter().peekable();
        let mut batches = 0;
        while puts.peek().is_some() {
            let mut batch = sled::Batch::default();
            let mut n = 0;
            for p in puts.by_ref().take(FRAME_BATCH) {
                batch.insert(p.key, p.value);
                n += 1;
            }
            tree.apply_batch(batch)
                .map_err(self.write_err("writing a round's frame"))?;
            batches += 1;
            if batches % FRAME_FLUSH == 0 {
                self.db
                    .flush()
                    .map_err(self.write_err("writing a round's frame"))?;
            }
            self.reclaim(n);
        }
        Ok(())
    }

    /// After an append that wrote a frame ahead (`ahead`) failed with
    /// `failed`: the frame is removed, and `failed` returned. Should that
    /// fail too, the mark stays and the next open removes it.
    fn frames_not_sealed(&self, ahead: bool, from: u64, failed: Error) -> Error {
        if ahead {
            // The error that matters is the append's.
            let _ = self.remove_frames_ahead(from);
        }
        failed
    }

    /// Removes the frames of seals at `from` and after that the chain does
    /// not hold (never those at or before the stored head), then the
    /// [`FRAMES_AHEAD`] mark.
    fn remove_frames_ahead(&self, from: u64) -> Result<()> {
        let after_head = self.head()?.map_or(0, |h| h.seq + 1);
        self.remove_frames_from(from.max(after_head))?;
        self.meta
            .remove(FRAMES_AHEAD)
            .map_err(self.write_err("removing a round's frame"))?;
        Ok(())
    }

    /// Removes every `ix_frames` entry of a seal at `from` or after.
    fn remove_frames_from(&self, from: u64) -> Result<()> {
        let tree = self.ix(Tree::Frames);
        let lower = from.to_be_bytes();
        let mut batch = sled::Batch::default();
        let mut n = 0;
        for r in tree.range(&lower[..]..) {
            let (k, _) = r.map_err(self.sled_err("reading a round's frame"))?;
            batch.remove(k);
            n += 1;
        }
        if n > 0 {
            tree.apply_batch(batch)
                .map_err(self.write_err("removing a round's frame"))?;
        }
        Ok(())
    }

    /// Removes a frame written ahead of a seal that never landed, if the
    /// [`FRAMES_AHEAD`] mark says there is one (see [`Store::append`]);
    /// returns whether there was one. Not durable until a sync.
    fn remove_unsealed_frames(&self) -> Result<bool> {
        let Some(v) = self
            .meta
            .get(FRAMES_AHEAD)
            .map_err(self.sled_err("reading the store's marks"))?
        else {
            return Ok(false);
        };
        let from = <[u8; 8]>::try_from(v.as_ref())
            .map(u64::from_be_bytes)
            .map_err(|_| Error::Corrupt {
                seq: None,
                what: format!(
                    "the meta key {FRAMES_AHEAD:?} holds {} bytes, expected 8",
                    v.len()
                ),
            })?;
        self.remove_frames_ahead(from)?;
        Ok(true)
    }

    /// Stages an append as [`Store::append`] would write it, without
    /// writing it: from here on every read of this store sees it, and
    /// [`Store::write_staged`] writes it with every other append staged
    /// since, in one transaction. Refused, with nothing staged, when
    /// `expected` is not the head (staged or stored), or when a chunk of
    /// the Merkle tree the append completes is damaged.
    pub fn stage(
        &mut self,
        expected: Option<Head>,
        rows: &[Row],
        entries: Vec<Entry>,
        nodes: Option<&[(merkle::NodeId, merkle::Hash)]>,
        head: Head,
    ) -> Result<()> {
        if self.head()? != expected {
            return Err(head_moved());
        }
        // The chunks first: a damaged one refuses the append before
        // anything of it is staged.
        let mut chunks = Vec::new();
        for (chunk, slots) in nodes.map(merkle_chunk::group).unwrap_or_default() {
            let mut c = match self.chunk(chunk)? {
                None => Chunk::new(),
                Some(v) => Chunk::decode(&v).map_err(|e| bad_chunk(chunk, e))?,
            };
            for (slot, hash) in slots {
                c.set(slot, hash);
            }
            chunks.push((chunk.key().to_vec(), c.encode()));
        }
        let blocks = self.item_blocks(rows)?;
        let puts = self.to_write(entries, true)?;
        let s = self
            .staged
            .get_or_insert_with(|| Staged::new(expected, head));
        for row in rows {
            let mut v = Vec::with_capacity(32 + row.bytes.len());
            v.extend_from_slice(&row.hash.0);
            v.extend_from_slice(&row.bytes);
            s.events.insert(row.seq.to_be_bytes().to_vec(), v);
        }
        s.by_item.extend(blocks);
        for p in puts {
            s.ix[tree_slot(p.tree)].insert(p.key.to_vec(), p.value.to_vec());
        }
        s.chunks.extend(chunks);
        s.head = head;
        if nodes.is_some() {
            s.merkle = Some(head.seq + 1);
        }
        Ok(())
    }

    /// Writes every append staged since the last call (see
    /// [`Store::stage`]) in one transaction, provided the head sled holds
    /// is still the one the first of them was made on: all of them or none.
    /// Not durable until a [`Store::sync`]. Nothing is staged afterwards,
    /// whether it was written or not: reads see what sled holds.
    pub fn write_staged(&mut self) -> Result<()> {
        let Some(s) = self.staged.take() else {
            return Ok(());
        };
        #[cfg(test)]
        if self.fail_staged.swap(false, Relaxed) {
            return Err(Error::storage("appending", "a failure made for a test"));
        }
        let marked = self.marked.load(Relaxed);
        let apart = self.notes_apart.load(Relaxed);
        let result = self.every_tree().transaction(
            |(ev, ix, meta, cur, ver, fac, key, rnd, reg, frm, nts, mk)| {
                let current = meta.get("head")?;
                if current.as_deref() != s.base.map(Head::to_bytes).as_ref().map(|b| &b[..]) {
                    return Err(ConflictableTransactionError::Abort(()));
                }
                let trees = [
                    cur,
                    ver,
                    fac,
                    key,
                    rnd,
                    reg,
                    frm,
                    if apart { nts } else { fac },
                ];
                for (tree, staged) in [ev, ix]
                    .into_iter()
                    .chain(trees)
                    .zip([&s.events, &s.by_item].into_iter().chain(&s.ix))
                    .chain([(mk, &s.chunks)])
                {
                    for (k, v) in staged {
                        tree.insert(k.as_slice(), v.as_slice())?;
                    }
                }
                meta.insert("head", &s.head.to_bytes()[..])?;
                meta.insert(INDEX, &s.head.to_bytes()[..])?;
                if let Some(size) = s.merkle {
                    meta.insert(MERKLE, &size.to_be_bytes()[..])?;
                }
                if !marked {
                    meta.insert("format", STORE_MARK)?;
                }
                Ok(())
            },
        );
        match result {
            Ok(()) => {
                self.marked.store(true, Relaxed);
                Ok(())
            }
            Err(TransactionError::Abort(())) => Err(head_moved()),
            Err(TransactionError::Storage(e)) => Err(self.write_err("appending")(e)),
        }
    }

    /// Makes the next [`Store::write_staged`] fail, writing nothing.
    #[cfg(test)]
    pub fn fail_next_staged_write(&self) {
        self.fail_staged.store(true, Relaxed);
    }

    /// Makes the next append that writes a frame stop once the frame is
    /// written, before its transaction.
    #[cfg(test)]
    fn stop_next_after_frames(&self) {
        self.stop_after_frames.store(true, Relaxed);
    }

    /// True if appends are staged and not yet written.
    pub fn has_staged(&self) -> bool {
        self.staged.is_some()
    }

    /// A tree's staged entries (none when nothing is staged).
    fn staged_of(&self, tree: impl Fn(&Staged) -> &Entries) -> &Entries {
        self.staged.as_ref().map_or(&staged::NONE, tree)
    }

    /// An index tree's staged entries.
    fn staged_ix(&self, t: Tree) -> &Entries {
        self.staged_of(|s| &s.ix[tree_slot(t)])
    }

    /// A stored Merkle tree chunk, staged or in sled.
    fn chunk(&self, chunk: ChunkId) -> Result<Option<sled::IVec>> {
        let key = chunk.key();
        if let Some(v) = self.staged_of(|s| &s.chunks).get(&key[..]) {
            return Ok(Some(sled::IVec::from(v.as_slice())));
        }
        self.merkle
            .get(key)
            .map_err(self.sled_err("reading the Merkle tree"))
    }

    /// Starts an events import into this new, empty store: marks it so that
    /// an interruption leaves a store that opens as "interrupted import"
    /// and that a new create clears.
    pub fn begin_restore(&self) -> Result<()> {
        self.meta
            .insert(RESTORING, &[] as &[u8])
            .map_err(self.write_err("marking the store"))?;
        self.sync()
    }

    /// Lets sled write out what it holds of an events import, so that its
    /// memory stays bounded (no fsync: [`Store::finish_restore`] makes it
    /// durable).
    pub fn flush_rows(&self) -> Result<()> {
        self.db
            .flush()
            .map(|_| ())
            .map_err(self.write_err("writing imported events"))
    }

    /// Runs what sled has left to free after a large batch. sled 0.34 frees
    /// a page's replaced versions through its epoch collector, which runs a
    /// few dozen of them each time a thread enters it; a batch enters it
    /// once and replaces thousands (a leaf for every key, a parent for every
    /// split), so a bulk load of batches piles them up faster than they are
    /// freed: 2.3 GB of them during an import of a million events
    /// (docs/performance.md, "The import's memory"). Each round here lets the
    /// collector move on and free its next bags, until it has caught up with
    /// what the batch left.
    fn reclaim(&self, writes: usize) {
        // A bag holds 64 freed versions and a round frees up to eight bags;
        // a write replaces one or two versions, and the first two rounds only
        // move the collector's epoch on.
        for _ in 0..(writes / 256 + 4) {
            sled::pin().flush();
        }
    }

    /// Writes the events of rows of an events import (no head yet; not
    /// durable until [`Store::finish_restore`]); their item index entries
    /// are written at the end, in key order ([`Store::write_item_index`]).
    pub fn write_rows(&self, rows: &[Row]) -> Result<()> {
        let mut events = sled::Batch::default();
        for row in rows {
            let mut v = Vec::with_capacity(32 + row.bytes.len());
            v.extend_from_slice(&row.hash.0);
            v.extend_from_slice(&row.bytes);
            events.insert(&row.seq.to_be_bytes(), v);
        }
        self.events
            .apply_batch(events)
            .map_err(self.write_err("writing imported events"))?;
        self.reclaim(rows.len());
        Ok(())
    }

    /// Writes the item index entries of an events import, sorted first:
    /// sled 0.34 holds on to memory for every page that inserts in no
    /// particular order touch (gigabytes for a million events spread over
    /// ten thousand items), and not for pages filled in key order.
    /// Each item's seqs go in entries of [`ITEM_BLOCK`] from its first, as
    /// appends one at a time would have written them.
    pub fn write_item_index(&self, mut entries: Vec<(EventId, u64)>) -> Result<()> {
        entries.sort_unstable();
        let mut batch = sled::Batch::default();
        let (mut in_batch, mut batches) = (0usize, 0usize);
        for item in entries.chunk_by(|a, b| a.0 == b.0) {
            for block in item.chunks(ITEM_BLOCK) {
                let (id, first) = block[0];
                let rest: Vec<u8> = block[1..]
                    .iter()
                    .flat_map(|(_, seq)| seq.to_be_bytes())
                    .collect();
                batch.insert(index_key(id, first).as_slice(), rest);
                in_batch += 1;
                if in_batch == 4096 / ITEM_BLOCK {
                    self.write_item_batch(std::mem::take(&mut batch), in_batch)?;
                    in_batch = 0;
                    batches += 1;
                    if batches % 64 == 63 {
                        self.flush_rows()?;
                    }
                }
            }
        }
        self.write_item_batch(batch, in_batch)
    }

    fn write_item_batch(&self, batch: sled::Batch, writes: usize) -> Result<()> {
        self.by_item
            .apply_batch(batch)
            .map_err(self.write_err("writing the item index"))?;
        self.reclaim(writes);
        Ok(())
    }

    /// The item index entries that writing `rows` leaves changed or new,
    /// key to value: each row about an item adds its seq to the item's last
    /// entry (staged or stored), or begins a new one when that holds
    /// [`ITEM_BLOCK`] seqs already. Refused when an entry it would extend
    /// cannot be read.
    fn item_blocks(&self, rows: &[Row]) -> Result<BTreeMap<Vec<u8>, Vec<u8>>> {
        let mut last: BTreeMap<EventId, Option<KeyValue>> = BTreeMap::new();
        let mut out = BTreeMap::new();
        for row in rows {
            let Some(item) = row.item else { continue };
            let entry = match last.entry(item) {
                std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::btree_map::Entry::Vacant(e) => e.insert(self.last_block(item)?),
            };
            match entry {
                Some((_, v)) if v.len() / 8 + 1 < ITEM_BLOCK => {
                    v.extend_from_slice(&row.seq.to_be_bytes())
                }
                _ => *entry = Some((index_key(item, row.seq).to_vec(), Vec::new())),
            }
            if let Some((k, v)) = entry {
                out.insert(k.clone(), v.clone());
            }
        }
        Ok(out)
    }

    /// The last item index entry of `item` (staged or stored), checked.
    fn last_block(&self, item: EventId) -> Result<Option<KeyValue>> {
        match self.block_below(item, u64::MAX)? {
            Some((k, v)) => {
                parse_block(&k, &v)?;
                Ok(Some((k.to_vec(), v.to_vec())))
            }
            None => Ok(None),
        }
    }

    /// The item index entry of `item` (staged or stored) that begins last
    /// before seq `upper` (one descent).
    fn block_below(&self, item: EventId, upper: u64) -> Result<Option<(sled::IVec, sled::IVec)>> {
        let upper = index_key(item, upper);
        let stored = self
            .by_item
            .get_lt(upper)
            .map_err(self.sled_err("reading the item index"))?;
        Ok(last_below(stored, self.staged_of(|s| &s.by_item), &upper)
            .filter(|(k, _)| k.starts_with(&item.0)))
    }

    /// Ends an events import: makes every row durable, then writes the head
    /// and removes the mark in one transaction, and makes that durable.
    pub fn finish_restore(&self, head: Head) -> Result<()> {
        self.sync()?;
        let result: std::result::Result<(), TransactionError<()>> = self.meta.transaction(|meta| {
            meta.insert("head", &head.to_bytes()[..])?;
            meta.remove(RESTORING)?;
            Ok(())
        });
        match result {
            Ok(()) | Err(TransactionError::Abort(())) => {}
            Err(TransactionError::Storage(e)) => {
                return Err(self.write_err("writing the head")(e));
            }
        }
        self.sync()
    }

    /// Gives up an events import: removes what it wrote and the mark.
    pub fn abandon_restore(&self) -> Result<()> {
        self.clear_all()?;
        self.meta
            .remove(RESTORING)
            .map_err(self.write_err("clearing the store"))?;
        self.sync()
    }

    fn clear_all(&self) -> Result<()> {
        for t in [&self.events, &self.by_item] {
            t.clear().map_err(self.write_err("clearing the store"))?;
        }
        self.clear_index()?;
        self.begin_merkle()?;
        self.remove_legacy_checkpoints()
    }

    /// Flushes sled, then fsyncs what the flush wrote: the `db` file, and
    /// the blob files sled writes large pages to (with their directory),
    /// which its own flush does not make durable either.
    pub fn sync(&self) -> Result<()> {
        self.durable.sync()
    }

    /// One stored event.
    pub fn get(&self, seq: u64) -> Result<Option<(EventHash, Vec<u8>)>> {
        if let Some(v) = self.staged_of(|s| &s.events).get(&seq.to_be_bytes()[..]) {
            return split_value(seq, v).map(Some);
        }
        let v = self
            .events
            .get(seq.to_be_bytes())
            .map_err(self.sled_err("reading an event"))?;
        v.map(|v| split_value(seq, &v)).transpose()
    }

    /// All stored events from `from` on, in key order, as stored.
    pub fn scan(&self, from: u64) -> impl Iterator<Item = Result<RawEvent>> + '_ {
        self.scan_counted(from, SWEEP)
    }

    /// The stored events from `from` on, as [`Store::scan`] gives them, for
    /// a view that stops after some thousands (the events since a seal):
    /// read by the iterator alone up to [`WINDOW`] of them.
    pub fn scan_window(&self, from: u64) -> impl Iterator<Item = Result<RawEvent>> + '_ {
        self.scan_counted(from, WINDOW)
    }

    fn scan_counted(
        &self,
        from: u64,
        uncounted: usize,
    ) -> impl Iterator<Item = Result<RawEvent>> + '_ {
        let stored = counted(
            &self.events,
            self.events.range(from.to_be_bytes()..),
            uncounted,
        )
        .map(|r| r.map_err(self.sled_err("scanning events")));
        let staged = self
            .staged_of(|s| &s.events)
            .range::<[u8], _>((Included(&from.to_be_bytes()[..]), Unbounded));
        merged(stored, staged, false).map(|r| {
            let (k, v) = r?;
            let seq = seq_of(&k)?;
            let (h, b) = split_value(seq, &v)?;
            Ok((seq, h, b))
        })
    }

    /// Seqs of the events indexed under `item`, ascending.
    pub fn item_seqs(&self, item: EventId) -> Result<Vec<u64>> {
        let stored = self
            .by_item
            .scan_prefix(item.0)
            .map(|r| r.map_err(self.sled_err("reading the item index")));
        let mut out = Vec::new();
        for r in merged(
            stored,
            prefixed(self.staged_of(|s| &s.by_item), item.0.to_vec()),
            false,
        ) {
            let (k, v) = r?;
            out.extend(parse_block(&k, &v)?.1);
        }
        // An item's events are listed in the order they were recorded:
        // any other order is damage, not a history to show.
        if let Some(w) = out.windows(2).find(|w| w[0] >= w[1]) {
            return Err(Error::Corrupt {
                seq: Some(w[1]),
                what: format!(
                    "the item index (by_item) lists seq {} after seq {} among the events of item {}, which it keeps in the order they were recorded; run `kamerstand verify` for details",
                    w[1],
                    w[0],
                    item.hex()
                ),
            });
        }
        Ok(out)
    }

    /// True if checkpoint files of an earlier version lie beside sled.
    pub fn has_legacy_checkpoints(&self) -> bool {
        self.path.join(CHECKPOINT_DIR).exists()
    }

    /// Removes the checkpoint files of an earlier version.
    pub fn remove_legacy_checkpoints(&self) -> Result<()> {
        let dir = self.path.join(CHECKPOINT_DIR);
        match std::fs::remove_dir_all(&dir) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(io(&dir, "removing", &self.path)(e))
            }
            _ => Ok(()),
        }
    }

    /// The sled tree that holds `t`'s entries: for the notes of a store
    /// whose notes are not apart, `ix_facts`.
    fn ix(&self, t: Tree) -> &sled::Tree {
        &self.ix[tree_slot(holder(t, self.notes_apart.load(Relaxed)))]
    }

    /// The head the index was written up to; None while it is being built
    /// or was never built.
    pub fn index_head(&self) -> Result<Option<Head>> {
        if self
            .meta
            .contains_key(INDEX_BUILDING)
            .map_err(self.sled_err("reading the index mark"))?
        {
            return Ok(None);
        }
        if let Some(s) = &self.staged {
            return Ok(Some(s.head));
        }
        match self
            .meta
            .get(INDEX)
            .map_err(self.sled_err("reading the index mark"))?
        {
            None => Ok(None),
            Some(v) => Head::from_bytes(&v)
                .map(Some)
                .ok_or_else(|| Error::Corrupt {
                    seq: None,
                    what: format!("index mark has {} bytes, expected 48", v.len()),
                }),
        }
    }

    /// Empties the index and marks it as being built: until
    /// [`Store::finish_index`], it is not read.
    pub fn begin_index(&self) -> Result<()> {
        self.clear_index()?;
        self.meta
            .insert(INDEX_BUILDING, &[] as &[u8])
            .map_err(self.write_err("marking the index"))?;
        self.group(&GROUPINGS)?;
        self.pack_values()
    }

    /// Marks the (empty) trees [`packs`] names as holding packed values.
    fn pack_values(&self) -> Result<()> {
        self.meta
            .insert(PACKED, &[] as &[u8])
            .map_err(self.write_err("marking the index"))?;
        self.packed.store(true, Relaxed);
        Ok(())
    }

    /// True if `t`'s values are packed: in a store marked [`PACKED`], the
    /// trees [`packs`] names.
    fn packed(&self, t: Tree) -> bool {
        self.packed.load(Relaxed) && packs(holder(t, self.notes_apart.load(Relaxed)))
    }

    /// A stored value of `t` as it was given to be written: unpacked when
    /// `t`'s values are packed, else as it is. A value that is not a
    /// packed one is damage to the index, named by tree and key.
    fn unpacked(&self, t: Tree, key: &[u8], v: sled::IVec) -> Result<sled::IVec> {
        if !self.packed(t) {
            return Ok(v);
        }
        pack::unpack(&v)
            .map(sled::IVec::from)
            .map_err(|why| Error::Corrupt {
                seq: named_seq(t, key).filter(|_| key.len() >= 24),
                what: format!(
                    "the index's {} entry {} holds {why}; run `kamerstand verify`",
                    t.name(),
                    crate::domain::ids::hex(key),
                ),
            })
    }

    /// [`Store::unpacked`] for an entry a read gives.
    fn unpacked_entry(
        &self,
        t: Tree,
        r: Result<(sled::IVec, sled::IVec)>,
    ) -> Result<(sled::IVec, sled::IVec)> {
        let (k, v) = r?;
        let v = self.unpacked(t, &k, v)?;
        Ok((k, v))
    }

    /// Marks the (empty) trees of `groupings` as holding their entries in
    /// groups, and the store with this version's mark, which an earlier
    /// binary that would read a group as one entry refuses.
    fn group(&self, groupings: &[Grouping]) -> Result<()> {
        self.meta
            .insert("format", STORE_MARK)
            .map_err(self.write_err("marking the store"))?;
        self.marked.store(true, Relaxed);
        for g in groupings {
            self.meta
                .insert(g.mark, &[] as &[u8])
                .map_err(self.write_err("marking the index"))?;
            if let Some(i) = GROUPINGS.iter().position(|x| x == g) {
                self.grouped.fetch_or(1 << i, Relaxed);
            }
        }
        Ok(())
    }

    /// How `t`'s entries are grouped, when they are ([`GROUPINGS`]); its
    /// reads give each entry on its own either way.
    fn grouping(&self, t: Tree) -> Option<Grouping> {
        // Notes among the facts are grouped as the facts are.
        let t = holder(t, self.notes_apart.load(Relaxed));
        let grouped = self.grouped.load(Relaxed);
        GROUPINGS
            .iter()
            .enumerate()
            .find(|(i, g)| g.tree == t && grouped & (1 << i) != 0)
            .map(|(_, g)| *g)
    }

    fn clear_index(&self) -> Result<()> {
        self.meta
            .insert(INDEX_BUILDING, &[] as &[u8])
            .map_err(self.write_err("marking the index"))?;
        for t in &self.ix {
            t.clear().map_err(self.write_err("clearing the index"))?;
        }
        for k in [
            INDEX,
            INDEX_BUILDING,
            PACKED,
            FRAMES,
            VERSIONS_BY_ROUND,
            VERSIONS_GROUPED,
            FACTS_GROUPED,
            FRAMES_GROUPED,
        ] {
            self.meta
                .remove(k)
                .map_err(self.write_err("clearing the index"))?;
        }
        self.grouped.store(0, Relaxed);
        self.packed.store(false, Relaxed);
        // Every tree is empty, `ix_notes` too: the notes written from here
        // on go there.
        self.meta
            .remove(NOTES_MOVING)
            .map_err(self.write_err("clearing the index"))?;
        self.meta
            .insert(NOTES_APART, &[] as &[u8])
            .map_err(self.write_err("clearing the index"))?;
        self.notes_apart.store(true, Relaxed);
        Ok(())
    }

    /// Writes index entries outside an append, while the index (or a tree
    /// of it) is built afresh: each key once, and in a grouped tree never
    /// among the keys of a group written before, so that the entries of
    /// a grouped tree are grouped among themselves (see
    /// [`Store::to_write`]). An index build writes an item's entries
    /// together, and the items of a thread in id order, in id ranges of
    /// their own.
    pub fn write_entries(&self, entries: Vec<Entry>) -> Result<()> {
        let puts = self.to_write(entries, false)?;
        let written = puts.len();
        // The facts and notes each key on its own, from the highest down.
        // sled splits a full page (17 entries) into the old page, which
        // keeps the lower half and every small record of the inserts it
        // took, and a new page written whole with the upper half. Written
        // upwards (as a batch is), each finished page is such an old one:
        // on L a descent then read some four records a page (its base and
        // a record per later insert, each a read of the log). Written
        // downwards, the finished pages are the new ones, one record each
        // (docs/performance.md, "Index pages written whole"). Only the two
        // trees a view on a day descends into for every item: a key at a
        // time costs sled more than a batch, and the other trees' views
        // read ranges, or few entries.
        let (mut one_by_one, rest): (Vec<Put>, Vec<Put>) = puts
            .into_iter()
            .partition(|p| matches!(p.tree, Tree::Facts | Tree::Notes));
        one_by_one.sort_unstable_by(|a, b| (b.tree, &b.key).cmp(&(a.tree, &a.key)));
        for p in one_by_one {
            self.ix(p.tree)
                .insert(p.key, p.value)
                .map_err(self.write_err("writing the index"))?;
        }
        let mut batches: BTreeMap<Tree, sled::Batch> = Default::default();
        for p in rest {
            batches.entry(p.tree).or_default().insert(p.key, p.value);
        }
        for (t, b) in batches {
            self.ix(t)
                .apply_batch(b)
                .map_err(self.write_err("writing the index"))?;
        }
        self.reclaim(written);
        Ok(())
    }

    /// Ends building the index: it is written up to `head`. Makes it
    /// durable.
    pub fn finish_index(&self, head: Head) -> Result<()> {
        self.sync()?;
        let result: std::result::Result<(), TransactionError<()>> = self.meta.transaction(|meta| {
            meta.insert(INDEX, &head.to_bytes()[..])?;
            meta.insert(FRAMES, &[] as &[u8])?;
            meta.insert(VERSIONS_BY_ROUND, &[] as &[u8])?;
            meta.insert("format", STORE_MARK)?;
            meta.remove(INDEX_BUILDING)?;
            Ok(())
        });
        if result.is_ok() {
            self.marked.store(true, Relaxed);
        }
        match result {
            Ok(()) | Err(TransactionError::Abort(())) => {}
            Err(TransactionError::Storage(e)) => {
                return Err(self.write_err("marking the index")(e));
            }
        }
        self.sync()
    }

    /// True if the index holds a frame of every sealed round (see
    /// [`FRAMES`]).
    pub fn has_frames(&self) -> Result<bool> {
        self.meta
            .contains_key(FRAMES)
            .map_err(self.sled_err("reading the frames mark"))
    }

    /// Empties `ix_frames` before its frames are built (for a store an
    /// earlier version wrote); the mark is set by [`Store::finish_frames`].
    pub fn begin_frames(&self) -> Result<()> {
        self.meta
            .remove(FRAMES)
            .map_err(self.write_err("marking the frames"))?;
        self.ix(Tree::Frames)
            .clear()
            .map_err(self.write_err("clearing the frames"))?;
        self.group(&GROUPINGS[2..])
    }

    /// Marks the frames as built, durably.
    pub fn finish_frames(&self) -> Result<()> {
        self.sync()?;
        self.meta
            .insert(FRAMES, &[] as &[u8])
            .map_err(self.write_err("marking the frames"))?;
        self.sync()
    }

    /// True if `ix_versions` is keyed by round (see [`VERSIONS_BY_ROUND`]).
    pub fn has_versions_by_round(&self) -> Result<bool> {
        self.meta
            .contains_key(VERSIONS_BY_ROUND)
            .map_err(self.sled_err("reading the versions mark"))
    }

    /// Empties `ix_versions` before its versions are written again keyed by
    /// round (for a store an earlier version wrote); the mark is set by
    /// [`Store::finish_versions`].
    pub fn begin_versions(&self) -> Result<()> {
        // The new mark first, durably: from here on an earlier binary
        // refuses the store rather than read versions it cannot read.
        self.meta
            .insert("format", STORE_MARK)
            .map_err(self.write_err("marking the store"))?;
        self.marked.store(true, Relaxed);
        self.sync()?;
        self.meta
            .remove(VERSIONS_BY_ROUND)
            .map_err(self.write_err("marking the versions"))?;
        self.ix(Tree::Versions)
            .clear()
            .map_err(self.write_err("clearing the versions"))?;
        self.group(&GROUPINGS[..1])
    }

    /// Marks the versions as keyed by round, durably.
    pub fn finish_versions(&self) -> Result<()> {
        self.sync()?;
        self.meta
            .insert(VERSIONS_BY_ROUND, &[] as &[u8])
            .map_err(self.write_err("marking the versions"))?;
        self.sync()
    }

    /// True if the notes are in `ix_notes` (see [`NOTES_APART`]).
    pub fn notes_apart(&self) -> bool {
        self.notes_apart.load(Relaxed)
    }

    /// True if the notes are in `ix_notes` and no move of them is
    /// unfinished (see [`NOTES_APART`]).
    pub fn has_notes_apart(&self) -> Result<bool> {
        let moving = self
            .meta
            .contains_key(NOTES_MOVING)
            .map_err(self.sled_err("reading the notes mark"))?;
        Ok(self.notes_apart.load(Relaxed) && !moving)
    }

    /// Empties `ix_facts` and `ix_notes` before their entries are written
    /// afresh, the notes apart (for a store an earlier version wrote, whose
    /// notes are among the other facts); [`Store::finish_notes`] ends it.
    /// Until then an open writes them again.
    pub fn begin_notes(&self) -> Result<()> {
        // The new mark first, durably: from here on an earlier binary
        // refuses the store rather than look for notes where they are not.
        self.meta
            .insert("format", STORE_MARK)
            .map_err(self.write_err("marking the store"))?;
        self.marked.store(true, Relaxed);
        self.meta
            .insert(NOTES_MOVING, &[] as &[u8])
            .map_err(self.write_err("marking the notes"))?;
        self.sync()?;
        for t in [Tree::Facts, Tree::Notes] {
            self.ix[tree_slot(t)]
                .clear()
                .map_err(self.write_err("clearing the facts"))?;
        }
        self.meta
            .insert(NOTES_APART, &[] as &[u8])
            .map_err(self.write_err("marking the notes"))?;
        self.notes_apart.store(true, Relaxed);
        self.group(&GROUPINGS[1..2])
    }

    /// Marks the facts and notes as written afresh, durably.
    pub fn finish_notes(&self) -> Result<()> {
        self.sync()?;
        self.meta
            .remove(NOTES_MOVING)
            .map_err(self.write_err("marking the notes"))?;
        self.sync()
    }

    /// The seq of the last event of `item` at or before `seq`, from the
    /// item index (one descent).
    pub fn item_seq_at(&self, item: EventId, seq: u64) -> Result<Option<u64>> {
        // `seq` + 1 saturates only at u64::MAX, which is in range.
        match self.block_below(item, seq.saturating_add(1))? {
            Some((k, v)) => {
                let (_, seqs) = parse_block(&k, &v)?;
                Ok(seqs.into_iter().take_while(|s| *s <= seq).last())
            }
            None => Ok(None),
        }
    }

    /// The number of events the stored Merkle tree covers; None while it
    /// is built, or if it never was.
    pub fn merkle_size(&self) -> Result<Option<u64>> {
        if let Some(size) = self.staged.as_ref().and_then(|s| s.merkle) {
            return Ok(Some(size));
        }
        match self
            .meta
            .get(MERKLE)
            .map_err(self.sled_err("reading the tree mark"))?
        {
            None => Ok(None),
            Some(v) => <[u8; 8]>::try_from(v.as_ref())
                .map(|b| Some(u64::from_be_bytes(b)))
                .map_err(|_| Error::Corrupt {
                    seq: None,
                    what: format!("Merkle tree mark has {} bytes, expected 8", v.len()),
                }),
        }
    }

    /// A stored Merkle tree node: one read of its chunk.
    pub fn merkle_node(&self, id: merkle::NodeId) -> Result<Option<merkle::Hash>> {
        let (chunk, slot) = ChunkId::of(id);
        match self.chunk(chunk)? {
            None => Ok(None),
            Some(v) => Chunk::pick(&v, slot).map_err(|e| bad_chunk(chunk, e)),
        }
    }

    /// The stored chunks of one level of the Merkle tree, in index order,
    /// each as stored (a value that is no chunk is handed over as such, so
    /// that `verify` can name the node it cannot read).
    pub fn merkle_level(
        &self,
        level: u8,
    ) -> impl Iterator<Item = Result<(ChunkId, std::result::Result<Chunk, BadChunk>)>> + '_ {
        let stored = counted(&self.merkle, self.merkle.scan_prefix([level]), SWEEP)
            .map(|kv| kv.map_err(self.sled_err("reading the Merkle tree")));
        merged(
            stored,
            prefixed(self.staged_of(|s| &s.chunks), vec![level]),
            false,
        )
        .map(move |kv| {
            let (k, v) = kv?;
            let chunk = ChunkId::from_key(&k).ok_or_else(|| Error::Corrupt {
                seq: None,
                what: format!("a Merkle tree chunk key of {} bytes, expected 9", k.len()),
            })?;
            Ok((chunk, Chunk::decode(&v)))
        })
    }

    /// How many Merkle tree nodes are stored: the slots the chunks' bitmaps
    /// name (a scan of every chunk).
    pub fn merkle_nodes(&self) -> Result<u64> {
        let mut n = 0u64;
        let stored = counted(&self.merkle, self.merkle.iter(), SWEEP)
            .map(|kv| kv.map_err(self.sled_err("reading the Merkle tree")));
        for kv in merged(stored, self.staged_of(|s| &s.chunks).iter(), false) {
            let (_, v) = kv?;
            if let [a, b, ..] = v.as_ref() {
                n += u64::from(u16::from_be_bytes([*a, *b]).count_ones());
            }
        }
        Ok(n)
    }

    /// Empties the Merkle tree and removes its mark, before it is built
    /// again from the events.
    pub fn begin_merkle(&self) -> Result<()> {
        self.meta
            .remove(MERKLE)
            .map_err(self.write_err("clearing the Merkle tree"))?;
        self.merkle
            .clear()
            .map_err(self.write_err("clearing the Merkle tree"))?;
        Ok(())
    }

    /// Writes Merkle tree nodes outside an append (while it is built),
    /// chunk by chunk in key order; a chunk that earlier nodes began is
    /// read and completed.
    pub fn write_nodes(&self, nodes: &[(merkle::NodeId, merkle::Hash)]) -> Result<()> {
        let mut b = sled::Batch::default();
        for (chunk, slots) in merkle_chunk::group(nodes) {
            let key = chunk.key();
            let mut c = match self
                .merkle
                .get(key)
                .map_err(self.sled_err("reading the Merkle tree"))?
            {
                None => Chunk::new(),
                Some(v) => Chunk::decode(&v).map_err(|e| bad_chunk(chunk, e))?,
            };
            for (slot, hash) in slots {
                c.set(slot, hash);
            }
            b.insert(&key[..], c.encode());
        }
        self.merkle
            .apply_batch(b)
            .map_err(self.write_err("writing the Merkle tree"))?;
        self.reclaim(nodes.len() / 16);
        Ok(())
    }

    /// Ends building the Merkle tree: it covers `size` events. Durable.
    pub fn finish_merkle(&self, size: u64) -> Result<()> {
        self.sync()?;
        self.meta
            .insert(MERKLE, &size.to_be_bytes()[..])
            .map_err(self.write_err("marking the Merkle tree"))?;
        self.sync()
    }

    /// Why a round seal refused this ledger, if one did.
    pub fn seal_refused(&self) -> Result<Option<String>> {
        Ok(self
            .meta
            .get(SEAL_REFUSED)
            .map_err(self.sled_err("reading the store's marks"))?
            .map(|v| String::from_utf8_lossy(&v).into_owned()))
    }

    /// Records that a round seal found the ledger broken, durably.
    pub fn refuse_writes(&self, what: &str) -> Result<()> {
        self.meta
            .insert(SEAL_REFUSED, what.as_bytes())
            .map_err(self.write_err("marking the store"))?;
        self.sync()
    }

    /// Lifts a refusal recorded by [`Store::refuse_writes`], durably.
    pub fn clear_refusal(&self) -> Result<()> {
        self.meta
            .remove(SEAL_REFUSED)
            .map_err(self.write_err("clearing the store's marks"))?;
        self.sync()
    }

    /// One index entry.
    pub fn ix_get(&self, t: Tree, key: &[u8]) -> Result<Option<sled::IVec>> {
        if let Some(g) = self.grouping(t) {
            // The group that holds `key` is the last one at or before it.
            let mut upper = key.to_vec();
            upper.push(0);
            let prefix = &key[..key.len().min(g.prefix)];
            return Ok(self
                .ix_last_below(t, prefix, &upper)?
                .filter(|(k, _)| k.as_ref() == key)
                .map(|(_, v)| v));
        }
        let v = match self.staged_ix(t).get(key) {
            Some(v) => Some(sled::IVec::from(v.as_slice())),
            None => self
                .ix(t)
                .get(key)
                .map_err(self.sled_err("reading the index"))?,
        };
        v.map(|v| self.unpacked(t, key, v)).transpose()
    }

    /// Every entry of an index tree from `from` on, in key order.
    pub fn ix_scan(
        &self,
        t: Tree,
        from: &[u8],
    ) -> impl Iterator<Item = Result<(sled::IVec, sled::IVec)>> + '_ {
        self.ix_range(t, Included(from), Unbounded)
    }

    /// Every entry of an index tree whose key starts with `prefix`.
    pub fn ix_prefix(
        &self,
        t: Tree,
        prefix: &[u8],
    ) -> impl Iterator<Item = Result<(sled::IVec, sled::IVec)>> + '_ {
        let owned = prefix.to_vec();
        self.ix_range(t, Included(prefix), Unbounded)
            .take_while(move |r| r.as_ref().map_or(true, |(k, _)| k.starts_with(&owned)))
    }

    /// The entries of an index tree within two bounds, in key order.
    pub fn ix_range(
        &self,
        t: Tree,
        lo: std::ops::Bound<&[u8]>,
        hi: std::ops::Bound<&[u8]>,
    ) -> impl Iterator<Item = Result<(sled::IVec, sled::IVec)>> + '_ {
        // A grouped tree's entries are counted from the first: short reads
        // of one item's groups, made for every item (`verify` compares
        // each item's facts so), would otherwise each leave a page of
        // some 70 KB uncounted.
        let uncounted = if self.grouping(t).is_some() { 0 } else { SWEEP };
        self.ix_range_counted(t, lo, hi, uncounted)
    }

    /// The entries of an index tree within two bounds, as
    /// [`Store::ix_range`] gives them, for a view that reads no more than
    /// about one entry an item (a half of `ix_current`, a round's frame,
    /// the versions since a seal): read by the iterator alone up to
    /// [`WINDOW`] of them.
    pub fn ix_window(
        &self,
        t: Tree,
        lo: std::ops::Bound<&[u8]>,
        hi: std::ops::Bound<&[u8]>,
    ) -> impl Iterator<Item = Result<(sled::IVec, sled::IVec)>> + '_ {
        self.ix_range_counted(t, lo, hi, WINDOW)
    }

    fn ix_range_counted(
        &self,
        t: Tree,
        lo: std::ops::Bound<&[u8]>,
        hi: std::ops::Bound<&[u8]>,
        uncounted: usize,
    ) -> impl Iterator<Item = Result<(sled::IVec, sled::IVec)>> + '_ {
        let (start, failed) = match self.group_start(t, lo) {
            Ok(start) => (start, None),
            Err(e) => (Unbounded, Some(e)),
        };
        let hi_owned = hi.map(<[u8]>::to_vec);
        let tree = self.ix(t);
        let stored = counted(
            tree,
            tree.range::<Vec<u8>, _>((start.clone(), hi_owned.clone())),
            uncounted,
        )
        .map(|r| r.map_err(self.sled_err("reading the index")));
        // `BTreeMap::range` panics on bounds that hold no key; sled gives
        // nothing for them.
        let staged = if holds_keys(start.as_ref().map(Vec::as_slice), hi) {
            self.staged_ix(t)
        } else {
            &staged::NONE
        };
        let staged = staged.range::<[u8], _>((start.as_ref().map(Vec::as_slice), hi));
        let grouped = self.grouping(t);
        let lo_owned = lo.map(<[u8]>::to_vec);
        let stop = failed.is_some();
        failed.map(Err).into_iter().chain(
            merged(stored, staged, false)
                .take_while(move |_| !stop)
                .map(move |r| self.unpacked_entry(t, r))
                .flat_map(move |r| Expanded::of(grouped, r, &lo_owned, &hi_owned, false)),
        )
    }

    /// The entries of an index tree between two keys (both included),
    /// last first.
    pub fn ix_range_rev(
        &self,
        t: Tree,
        lo: &[u8],
        hi: &[u8],
    ) -> impl Iterator<Item = Result<(sled::IVec, sled::IVec)>> + '_ {
        let (start, failed) = match self.group_start(t, Included(lo)) {
            Ok(start) => (start, None),
            Err(e) => (Unbounded, Some(e)),
        };
        let stored = self
            .ix(t)
            .range::<Vec<u8>, _>((start.clone(), Included(hi.to_vec())))
            .rev()
            .map(|r| r.map_err(self.sled_err("reading the index")));
        let staged = if holds_keys(start.as_ref().map(Vec::as_slice), Included(hi)) {
            self.staged_ix(t)
        } else {
            &staged::NONE
        };
        let staged = staged
            .range::<[u8], _>((start.as_ref().map(Vec::as_slice), Included(hi)))
            .rev();
        let grouped = self.grouping(t);
        let (lo_owned, hi_owned) = (Included(lo.to_vec()), Included(hi.to_vec()));
        let stop = failed.is_some();
        failed.map(Err).into_iter().chain(
            merged(stored, staged, true)
                .take_while(move |_| !stop)
                .map(move |r| self.unpacked_entry(t, r))
                .flat_map(move |r| Expanded::of(grouped, r, &lo_owned, &hi_owned, true)),
        )
    }

    /// The last entry of an index tree below `upper` whose key starts with
    /// `prefix` (one descent of the tree, where a reversed range builds an
    /// iterator).
    pub fn ix_last_below(
        &self,
        t: Tree,
        prefix: &[u8],
        upper: &[u8],
    ) -> Result<Option<(sled::IVec, sled::IVec)>> {
        let stored = self
            .ix(t)
            .get_lt(upper)
            .map_err(self.sled_err("reading the index"))?;
        let Some((k, v)) = last_below(stored, self.staged_ix(t), upper) else {
            return Ok(None);
        };
        let v = self.unpacked(t, &k, v)?;
        let Some(g) = self.grouping(t) else {
            return Ok(Some((k, v)).filter(|(k, _)| k.starts_with(prefix)));
        };
        // Only for sled's count of the group's page (what it gives is
        // dropped; an error is the descent's to report, and it had none).
        for _ in 0..GROUP_READS {
            let _ = self.ix(t).get(&k);
        }
        // A group begins below `upper`; its last entry below it is the
        // entry (the group's first is).
        Ok(expand_group(g, &k, &v)?
            .into_iter()
            .rev()
            .find(|(k, _)| k.as_ref() < upper)
            .filter(|(k, _)| k.starts_with(prefix)))
    }

    /// Where a read of `t` from `lo` begins: for a grouped tree, at the
    /// group of `lo`'s prefix that begins at or before it, when one does
    /// (its later entries may be after `lo`).
    fn group_start(&self, t: Tree, lo: std::ops::Bound<&[u8]>) -> Result<std::ops::Bound<Vec<u8>>> {
        let owned = lo.map(<[u8]>::to_vec);
        let (Included(k) | std::ops::Bound::Excluded(k)) = lo else {
            return Ok(owned);
        };
        let Some(g) = self.grouping(t).filter(|g| k.len() >= g.prefix) else {
            return Ok(owned);
        };
        // The last group at or before `k` (`k` ‖ 0 is the key just after it).
        let after = [k, &[0]].concat();
        let stored = self
            .ix(t)
            .get_lt(&after)
            .map_err(self.sled_err("reading the index"))?;
        Ok(match last_below(stored, self.staged_ix(t), &after) {
            Some((first, _)) if first.get(..g.prefix) == k.get(..g.prefix) => {
                Included(first.to_vec())
            }
            _ => owned,
        })
    }

    /// The entries to write for `entries`: as they are, but for the trees
    /// that are grouped, whose entries are written as the groups that hold
    /// them. With `extend`, an entry joins the group of its prefix that
    /// holds its key (staged or stored, read here), replacing an entry of
    /// the same key; a full group is split in two, or followed by a new
    /// one when the entry comes after its last. Without (an index build,
    /// which writes each key once, item by item, into emptied trees, and
    /// never among what was written before), groups are formed of
    /// `entries` alone.
    ///
    /// `entries` are taken, not borrowed: each value goes into its group
    /// without a copy, and each group, once encoded, into sled's own
    /// buffer (its `Vec` let go of at once), which a transaction or a batch
    /// then shares instead of copying it again. So a round seal's frame
    /// (every item's current value) is held about once while it is
    /// written, not four times.
    fn to_write(&self, entries: Vec<Entry>, extend: bool) -> Result<Vec<Put>> {
        let mut out = Vec::with_capacity(entries.len());
        let mut by_tree: BTreeMap<Tree, Vec<Entry>> = BTreeMap::new();
        for e in entries {
            match self.grouping(e.tree) {
                Some(_) => by_tree.entry(e.tree).or_default().push(e),
                None if self.packed(e.tree) => out.push(Put::from(Entry {
                    value: pack::pack(&e.value, pack_level(e.tree)),
                    ..e
                })),
                None => out.push(Put::from(e)),
            }
        }
        for (t, mut list) in by_tree {
            let Some(g) = self.grouping(t) else {
                continue;
            };
            list.sort_by(|a, b| a.key.cmp(&b.key));
            // The groups read or begun here, by key: their entries, in key
            // order, the first's key the group's.
            let mut groups: BTreeMap<Vec<u8>, Vec<KeyValue>> = BTreeMap::new();
            let mut changed = std::collections::BTreeSet::new();
            for e in list {
                let Some(prefix) = e.key.get(..g.prefix).filter(|_| e.key.len() == g.key) else {
                    return Err(Error::storage(
                        "writing the index",
                        format!("an {} key is not {} bytes", t.name(), g.key),
                    ));
                };
                let here = groups
                    .range::<[u8], _>((Unbounded, Included(e.key.as_slice())))
                    .next_back()
                    .map(|(k, _)| k.clone())
                    .filter(|k| k.starts_with(prefix));
                let stored = if extend {
                    self.ix_group_at(g, &e.key)?
                } else {
                    None
                };
                // The group that holds the key is the last that begins at
                // or before it; one read here is the newer.
                let at = match (here, stored) {
                    (Some(h), Some((k, members))) if k > h => {
                        groups.insert(k.clone(), members);
                        Some(k)
                    }
                    (Some(h), _) => Some(h),
                    (None, Some((k, members))) => {
                        groups.insert(k.clone(), members);
                        Some(k)
                    }
                    (None, None) => None,
                };
                let Some(members) = at.as_ref().and_then(|k| groups.get_mut(k)) else {
                    changed.insert(e.key.clone());
                    groups.insert(e.key.clone(), vec![(e.key, e.value)]);
                    continue;
                };
                let split = match members.binary_search_by(|(k, _)| k.as_slice().cmp(&e.key)) {
                    Ok(i) => {
                        members[i].1 = e.value;
                        None
                    }
                    Err(i) if members.len() < g.most => {
                        members.insert(i, (e.key, e.value));
                        None
                    }
                    Err(i) if i == members.len() => Some(vec![(e.key, e.value)]),
                    Err(i) => {
                        let mid = members.len() / 2;
                        let mut upper = members.split_off(mid);
                        if i <= mid {
                            members.insert(i, (e.key, e.value));
                        } else {
                            upper.insert(i - mid, (e.key, e.value));
                        }
                        Some(upper)
                    }
                };
                changed.extend(at);
                if let Some(new) = split {
                    let key = new[0].0.clone();
                    changed.insert(key.clone());
                    groups.insert(key, new);
                }
            }
            // Each group is let go of as soon as it is encoded.
            for key in changed {
                let Some(members) = groups.remove(&key) else {
                    continue;
                };
                let len = members
                    .iter()
                    .map(|(k, v)| k.len() - g.prefix + 4 + v.len());
                let mut value = Vec::with_capacity(len.sum());
                for (k, v) in members {
                    value.extend_from_slice(&k[g.prefix..]);
                    value.extend_from_slice(
                        &u32::try_from(v.len()).unwrap_or(u32::MAX).to_be_bytes(),
                    );
                    value.extend_from_slice(&v);
                }
                if self.packed(t) {
                    value = pack::pack(&value, pack_level(t));
                }
                out.push(Put::from(Entry {
                    tree: t,
                    key,
                    value,
                }));
            }
        }
        Ok(out)
    }

    /// The stored (or staged) group of `g`'s tree that begins last at or
    /// before `key`, with its entries, checked.
    fn ix_group_at(&self, g: Grouping, key: &[u8]) -> Result<Option<(Vec<u8>, Vec<KeyValue>)>> {
        let upper = [key, &[0]].concat();
        let stored = self
            .ix(g.tree)
            .get_lt(&upper)
            .map_err(self.sled_err("reading the index"))?;
        match last_below(stored, self.staged_ix(g.tree), &upper) {
            // (The caller checked that `key` is one of `g`'s.)
            Some((k, v)) if k.starts_with(&key[..g.prefix]) => {
                let v = self.unpacked(g.tree, &k, v)?;
                let members = expand_group(g, &k, &v)?
                    .into_iter()
                    .map(|(k, v)| (k.to_vec(), v.to_vec()))
                    .collect();
                Ok(Some((k.to_vec(), members)))
            }
            _ => Ok(None),
        }
    }

    /// Every index entry, in key order.
    pub fn index_entries(&self) -> impl Iterator<Item = Result<(EventId, u64)>> + '_ {
        let stored = counted(&self.by_item, self.by_item.iter(), SWEEP)
            .map(|r| r.map_err(self.sled_err("reading the item index")));
        merged(stored, self.staged_of(|s| &s.by_item).iter(), false).flat_map(|r| {
            match r.and_then(|(k, v)| parse_block(&k, &v)) {
                Ok((id, seqs)) => seqs.into_iter().map(|s| Ok((id, s))).collect(),
                Err(e) => vec![Err(e)],
            }
        })
    }
}

impl Durable {
    /// Flushes sled, then fsyncs what the flush wrote: the `db` file, and
    /// the blob files sled writes large pages to (with their directory),
    /// which its own flush does not make durable either.
    pub fn sync(&self) -> Result<()> {
        let started = SystemTime::now();
        self.db.flush().map_err(|e| {
            self.mark_failed();
            sled_error("flushing", &self.path, e)
        })?;
        self.db_file
            .sync_all()
            .map_err(io(&self.path.join("db"), "fsyncing", &self.path))?;
        let mut from = self
            .synced_from
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        self.sync_blobs(*from)?;
        *from = started;
        Ok(())
    }

    /// Fsyncs the blob files written since `from` and, when there was one,
    /// their directory (for their names).
    fn sync_blobs(&self, from: SystemTime) -> Result<()> {
        let blobs = self.path.join("blobs");
        let Ok(entries) = std::fs::read_dir(&blobs) else {
            return Ok(());
        };
        // Blobs are written once and never modified; only the ones written
        // since the last sync began need an fsync. The margin covers coarse
        // file-system timestamps.
        let since = from - Duration::from_secs(2);
        let mut written = false;
        for e in entries.filter_map(std::result::Result::ok) {
            let recent = e
                .metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|m| m >= since);
            if recent {
                let path = e.path();
                File::open(&path)
                    .and_then(|f| f.sync_all())
                    .map_err(io(&path, "fsyncing", &self.path))?;
                written = true;
            }
        }
        // The directory's fsync is for the names of new blobs; the names of
        // older ones were made durable by the sync that found them new.
        // Without one it is a device cache flush that makes nothing more
        // durable, and it cost as much as the `db` file's fsync
        // (docs/performance.md, "The server").
        if written {
            File::open(&blobs)
                .and_then(|d| d.sync_all())
                .map_err(io(&blobs, "fsyncing", &self.path))?;
        }
        Ok(())
    }

    fn mark_failed(&self) {
        self.write_failed.store(true, Relaxed);
    }

    fn failed(&self) -> bool {
        self.write_failed.load(Relaxed)
    }
}

/// Why an append's transaction gave up.
enum Aborted {
    /// The stored head is not the one the append was prepared on.
    HeadMoved,
    /// A chunk the append must complete is not one.
    Chunk(ChunkId, BadChunk),
}

/// The head sled holds is not the one an append was made on.
fn head_moved() -> Error {
    Error::Corrupt {
        seq: None,
        what: "the stored head changed under an open ledger".into(),
    }
}

/// A stored chunk that is not one: damage to the derived tree.
fn bad_chunk(chunk: ChunkId, e: BadChunk) -> Error {
    Error::Corrupt {
        seq: None,
        what: format!("the Merkle tree chunk at {chunk} is damaged: {e}; run `kamerstand verify`"),
    }
}

/// Creates directories (and missing parents) as 0755, so that a
/// group-writable umask does not make them shared.
fn dir_builder() -> std::fs::DirBuilder {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o755);
    }
    b
}

/// The tree that holds `t`'s entries: the notes of a store whose notes are
/// not `apart` ([`NOTES_APART`]) are in `ix_facts`.
fn holder(t: Tree, apart: bool) -> Tree {
    match t {
        Tree::Notes if !apart => Tree::Facts,
        t => t,
    }
}

/// The trees whose values are packed in a store marked [`PACKED`]: the
/// largest, read a round or an item at a time. Not `ix_current`, which
/// every current view reads whole, nor the small ones.
fn packs(t: Tree) -> bool {
    matches!(t, Tree::Versions | Tree::Frames | Tree::Notes)
}

/// zstd's level for `t`'s values: the notes, small and read one by one,
/// and the frames, which a diff of two rounds unpacks whole (28 MB on
/// L), at a fast level; the versions at the ordinary fastest.
fn pack_level(t: Tree) -> i32 {
    match t {
        Tree::Notes | Tree::Frames => pack::FAST,
        _ => pack::LEVEL,
    }
}

/// Where an index tree sits in [`Store`]'s `ix` (and in [`Staged`]'s).
fn tree_slot(t: Tree) -> usize {
    match t {
        Tree::Current => 0,
        Tree::Versions => 1,
        Tree::Facts => 2,
        Tree::Keys => 3,
        Tree::Rounds => 4,
        Tree::Registry => 5,
        Tree::Frames => 6,
        Tree::Notes => 7,
    }
}

/// The seq a well-formed key of `t` names: a frame's round seal, else
/// the event of the (first) entry, in the key's last eight bytes.
fn named_seq(t: Tree, k: &[u8]) -> Option<u64> {
    let named = match t {
        Tree::Frames => k.get(..8),
        _ => k.get(k.len().saturating_sub(8)..),
    };
    named
        .and_then(|s| s.try_into().ok())
        .map(u64::from_be_bytes)
}

/// The entries a group of `g`'s tree holds, each under its own key (the
/// group's prefix and the rest of its key), in key order. Refused when the
/// value is not entries whose keys ascend from the group's, at most
/// `g.most` of them.
fn expand_group(g: Grouping, k: &[u8], v: &[u8]) -> Result<Vec<(sled::IVec, sled::IVec)>> {
    let bad = |why: &str| Error::Corrupt {
        seq: named_seq(g.tree, k).filter(|_| k.len() == g.key),
        what: format!(
            "the index's {} entry {} holds {why}, where an entry is one to {} {}, from the key it names, ascending",
            g.tree.name(),
            crate::domain::ids::hex(&k[..k.len().min(g.key)]),
            g.most,
            g.what,
        ),
    };
    if k.len() != g.key {
        return Err(bad("a key of another length"));
    }
    let rest_len = g.key - g.prefix;
    let mut out: Vec<(sled::IVec, sled::IVec)> = Vec::new();
    let mut rest = v;
    let mut last: Option<&[u8]> = None;
    while !rest.is_empty() {
        let (Some(tail), Some(len)) = (rest.get(..rest_len), rest.get(rest_len..rest_len + 4))
        else {
            return Err(bad("an entry cut short"));
        };
        let len =
            u32::from_be_bytes(len.try_into().map_err(|_| bad("an entry cut short"))?) as usize;
        let Some(value) = rest.get(rest_len + 4..rest_len + 4 + len) else {
            return Err(bad("an entry cut short"));
        };
        let in_order = match last {
            None => tail == &k[g.prefix..],
            Some(l) => l < tail,
        };
        if !in_order || out.len() == g.most {
            return Err(bad("entries out of order or too many"));
        }
        last = Some(tail);
        out.push(([&k[..g.prefix], tail].concat().into(), value.into()));
        rest = &rest[rest_len + 4 + len..];
    }
    if out.is_empty() {
        return Err(bad("no entry"));
    }
    Ok(out)
}

/// One entry as a read gives it: itself, or for grouped versions the
/// versions of its group within the read's bounds (last first for a
/// reversed read).
enum Expanded {
    One(Option<Result<(sled::IVec, sled::IVec)>>),
    Many(std::vec::IntoIter<Result<(sled::IVec, sled::IVec)>>),
}

impl Expanded {
    fn of(
        grouped: Option<Grouping>,
        r: Result<(sled::IVec, sled::IVec)>,
        lo: &std::ops::Bound<Vec<u8>>,
        hi: &std::ops::Bound<Vec<u8>>,
        rev: bool,
    ) -> Expanded {
        let Some(g) = grouped else {
            return Expanded::One(Some(r));
        };
        let versions = match r.and_then(|(k, v)| expand_group(g, &k, &v)) {
            Ok(v) => v,
            Err(e) => return Expanded::One(Some(Err(e))),
        };
        let within = |k: &[u8]| {
            <(std::ops::Bound<&[u8]>, std::ops::Bound<&[u8]>) as std::ops::RangeBounds<[u8]>>::contains(
                &(lo.as_ref().map(Vec::as_slice), hi.as_ref().map(Vec::as_slice)),
                k,
            )
        };
        let mut kept: Vec<_> = versions
            .into_iter()
            .filter(|(k, _)| within(k))
            .map(Ok)
            .collect();
        if rev {
            kept.reverse();
        }
        Expanded::Many(kept.into_iter())
    }
}

impl Iterator for Expanded {
    type Item = Result<(sled::IVec, sled::IVec)>;

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Expanded::One(r) => r.take(),
            Expanded::Many(i) => i.next(),
        }
    }
}

/// How many times a descent to a group ([`Store::ix_last_below`]) reads
/// the group again by its key. A descent counts the group's page in
/// sled's cache once, and the cache weighs a shard's pages only when 64
/// reads of it have piled up; a view that descends to the facts of every
/// item (a view on an effective day: some 30,000 descents on L) kept up to
/// that many grouped pages of some 70 KB beyond the cache's size (on L,
/// 282 MiB for the view against 153 with four reads more; the time the
/// same: docs/performance.md, "Facts and frames in groups, on top of the
/// counted sweeps").
const GROUP_READS: usize = 4;

/// How many entries a read through sled's iterator gives before [`counted`]
/// reads each next one again by its key.
const SWEEP: usize = 1024;

/// The same for a view's reads, which stop after about one entry an item:
/// each read again by key would cost a view on L 10–20% of its time
/// (docs/performance.md, "A view's reads counted later"), while a sweep that
/// starts uncounted for longer keeps more pages at its start (`verify` on L
/// peaks some 15 MiB higher with this for every read). The unit tests
/// take a smaller one, to read past it in a few thousand entries.
const WINDOW: usize = if cfg!(test) { 2 * SWEEP } else { 16384 };

/// `entries`, a read of `tree` through sled's iterator, with each entry
/// after the first `uncounted` read again by its key (what it gives is
/// unchanged). sled 0.34.7's page cache counts an iterator's read of a
/// page once, and weighs what to page out only when 64 reads of one of
/// its 256 shards have piled up: a long sweep keeps up to some 16,000
/// pages in memory beyond the cache's size (on L, 95 MB for a sweep of the
/// events). A read by key counts the page at each entry, so the shards
/// weigh their pages sixteen times as often and the cache keeps near its
/// size, for some 15% more time (docs/performance.md, "Sweeps that sled
/// counts").
fn counted<'a>(
    tree: &'a sled::Tree,
    entries: impl Iterator<Item = sled::Result<(sled::IVec, sled::IVec)>> + 'a,
    uncounted: usize,
) -> impl Iterator<Item = sled::Result<(sled::IVec, sled::IVec)>> + 'a {
    entries.enumerate().map(move |(i, r)| {
        if i >= uncounted
            && let Ok((k, _)) = &r
        {
            // Only for the count: an error here is the iterator's to
            // report, at its own entry.
            let _ = tree.get(k);
        }
        r
    })
}

/// Whether a key can lie between `lo` and `hi` (where it cannot,
/// `BTreeMap::range` panics).
fn holds_keys(lo: std::ops::Bound<&[u8]>, hi: std::ops::Bound<&[u8]>) -> bool {
    use std::ops::Bound::Excluded;
    match (lo, hi) {
        (Included(a), Included(b)) => a <= b,
        (Included(a) | Excluded(a), Included(b) | Excluded(b)) => a < b,
        _ => true,
    }
}

/// The staged entries whose key starts with `prefix`, in key order.
fn prefixed(staged: &Entries, prefix: Vec<u8>) -> impl Iterator<Item = (&Vec<u8>, &Vec<u8>)> {
    staged
        .range::<[u8], _>((Included(prefix.as_slice()), Unbounded))
        .take_while(move |(k, _)| k.starts_with(&prefix))
}

/// The last entry below `upper`, of the stored one (sled's `get_lt`) and
/// the staged ones; a staged entry wins over a stored one of the same key.
fn last_below(
    stored: Option<(sled::IVec, sled::IVec)>,
    staged: &Entries,
    upper: &[u8],
) -> Option<(sled::IVec, sled::IVec)> {
    let staged = staged
        .range::<[u8], _>((Unbounded, std::ops::Bound::Excluded(upper)))
        .next_back();
    match (stored, staged) {
        (Some((k, _)), Some((sk, sv))) if sk.as_slice() >= k.as_ref() => {
            Some((sk.as_slice().into(), sv.as_slice().into()))
        }
        (None, Some((sk, sv))) => Some((sk.as_slice().into(), sv.as_slice().into())),
        (stored, _) => stored,
    }
}

fn index_key(item: EventId, seq: u64) -> [u8; 24] {
    let mut k = [0u8; 24];
    k[..16].copy_from_slice(&item.0);
    k[16..].copy_from_slice(&seq.to_be_bytes());
    k
}

/// An item index entry: its item and its seqs, ascending (the key's first,
/// then the value's). Refused when the value is not whole seqs that follow
/// the key's in ascending order.
fn parse_block(k: &[u8], v: &[u8]) -> Result<(EventId, Vec<u64>)> {
    let (id, first) = parse_index_key(k)?;
    let mut seqs = Vec::with_capacity(1 + v.len() / 8);
    seqs.push(first);
    for chunk in v.chunks(8) {
        let next = <[u8; 8]>::try_from(chunk).map(u64::from_be_bytes).ok();
        match next {
            Some(s) if seqs.last().is_some_and(|l| *l < s) && seqs.len() < ITEM_BLOCK => {
                seqs.push(s)
            }
            _ => {
                return Err(Error::Corrupt {
                    seq: Some(first),
                    what: format!(
                        "the item index (by_item) entry of item {} from seq {first} holds a value of {} bytes ({}…), where a value is at most {} more seqs of 8 bytes each, ascending after the key's",
                        id.hex(),
                        v.len(),
                        crate::domain::ids::hex(&v[..v.len().min(16)]),
                        ITEM_BLOCK - 1
                    ),
                });
            }
        }
    }
    Ok((id, seqs))
}

fn parse_index_key(k: &[u8]) -> Result<(EventId, u64)> {
    let bad = || Error::Corrupt {
        seq: None,
        what: format!(
            "the item index (by_item) holds a key of {} bytes ({}), where every key is an item id and a seq, 24",
            k.len(),
            crate::domain::ids::hex(&k[..k.len().min(32)])
        ),
    };
    let id: [u8; 16] = k.get(..16).ok_or_else(bad)?.try_into().map_err(|_| bad())?;
    let seq: [u8; 8] = k.get(16..).ok_or_else(bad)?.try_into().map_err(|_| bad())?;
    Ok((EventId(id), u64::from_be_bytes(seq)))
}

fn seq_of(k: &[u8]) -> Result<u64> {
    <[u8; 8]>::try_from(k)
        .map(u64::from_be_bytes)
        .map_err(|_| Error::Corrupt {
            seq: None,
            what: format!(
                "the events tree holds a key of {} bytes ({}), where every key is a seq of 8",
                k.len(),
                crate::domain::ids::hex(&k[..k.len().min(16)])
            ),
        })
}

fn split_value(seq: u64, v: &[u8]) -> Result<(EventHash, Vec<u8>)> {
    match (v.get(..32), v.get(32..)) {
        (Some(h), Some(b)) => {
            let h: [u8; 32] = h.try_into().map_err(|_| Error::Corrupt {
                seq: Some(seq),
                what: "stored hash is not 32 bytes".into(),
            })?;
            Ok((EventHash(h), b.to_vec()))
        }
        _ => Err(Error::Corrupt {
            seq: Some(seq),
            what: format!(
                "stored record of {} bytes is shorter than its hash",
                v.len()
            ),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ops::Bound::Excluded;

    #[test]
    fn head_bytes_roundtrip() {
        let h = Head {
            seq: 7,
            hash: EventHash([9; 32]),
            recorded_at: Timestamp::from_unix_nanos(-5),
        };
        assert_eq!(Head::from_bytes(&h.to_bytes()), Some(h));
        assert_eq!(Head::from_bytes(&[0; 47]), None);
    }

    #[test]
    fn index_keys_sort_by_item_then_seq() {
        let a = index_key(EventId([1; 16]), 300);
        let b = index_key(EventId([1; 16]), 4);
        assert!(b < a);
        assert_eq!(parse_index_key(&a).unwrap(), (EventId([1; 16]), 300));
    }

    /// Every read of `store` the staging merges, over keys chosen to sit
    /// before, between, on and after the entries below (keys that are
    /// prefixes of others among them), rendered for comparison.
    fn reads(store: &Store) -> Vec<String> {
        let mut out = vec![
            format!("head {:?}", store.head().unwrap()),
            format!("index {:?}", store.index_head().unwrap()),
            format!("last {:?}", store.last_seq().unwrap()),
            format!("merkle {:?}", store.merkle_size().unwrap()),
            format!("nodes {:?}", store.merkle_nodes().unwrap()),
        ];
        for level in 0..3 {
            let chunks: Vec<_> = store
                .merkle_level(level)
                .map(|r| r.map(|(c, k)| (c, k.map(|k| k.encode()).ok())).unwrap())
                .collect();
            out.push(format!("level {level} {chunks:?}"));
        }
        for level in 0..3 {
            for index in 0..40 {
                let id = merkle::NodeId { level, index };
                out.push(format!("node {id:?} {:?}", store.merkle_node(id).unwrap()));
            }
        }
        for seq in 0..9 {
            out.push(format!("get {seq} {:?}", store.get(seq).unwrap()));
            let scan: Vec<_> = store.scan(seq).map(|r| r.unwrap().0).collect();
            out.push(format!("scan {seq} {scan:?}"));
        }
        let entries: Vec<_> = store.index_entries().map(|r| r.unwrap()).collect();
        out.push(format!("entries {entries:?}"));
        for item in [1u8, 2, 3] {
            let id = EventId([item; 16]);
            out.push(format!("items {item} {:?}", store.item_seqs(id).unwrap()));
            for seq in 0..10 {
                out.push(format!(
                    "at {item} {seq} {:?}",
                    store.item_seq_at(id, seq).unwrap()
                ));
            }
        }
        let probes: [&[u8]; 14] = [
            b"", b"a", b"a\x00", b"aa", b"ab", b"ab\x00", b"abc", b"abd", b"ac", b"b", b"b\x00",
            b"c", b"d", b"\xff",
        ];
        for t in [Tree::Current, Tree::Keys] {
            out.extend(tree_reads(store, t, &probes));
        }
        out
    }

    fn row(seq: u8, item: u8) -> Row {
        Row {
            seq: u64::from(seq),
            hash: EventHash([seq; 32]),
            bytes: vec![seq; 3],
            item: (item > 0).then_some(EventId([item; 16])),
        }
    }

    fn head(seq: u8) -> Head {
        Head {
            seq: u64::from(seq),
            hash: EventHash([seq; 32]),
            recorded_at: Timestamp::from_unix_nanos(i64::from(seq)),
        }
    }

    fn entries(pairs: &[(Tree, &[u8], &[u8])]) -> Vec<Entry> {
        pairs
            .iter()
            .map(|(tree, k, v)| Entry {
                tree: *tree,
                key: k.to_vec(),
                value: v.to_vec(),
            })
            .collect()
    }

    /// A round seal's frame is written ahead of its transaction. A frame
    /// whose seal never landed (the process stopped between the two, or
    /// the transaction failed) is removed, at the next open or at once,
    /// and the frames of seals the chain holds are kept.
    #[test]
    fn a_frame_whose_seal_never_landed_is_removed() {
        // `n` items' frames at `seal`, each value naming its seal and item.
        let frame_of = |seal: u8, n: u8| -> Vec<Entry> {
            (1..=n)
                .map(|i| Entry {
                    tree: Tree::Frames,
                    key: crate::projection::index::frame_key(u64::from(seal), EventId([i; 16]))
                        .to_vec(),
                    value: vec![seal, i],
                })
                .collect()
        };
        let frame = |seal: u8| frame_of(seal, 10);
        let frames = |store: &Store| -> Vec<Vec<u8>> {
            store
                .ix_scan(Tree::Frames, &[])
                .map(|r| r.unwrap().1.to_vec())
                .collect()
        };
        let want = |seals: &[u8]| -> Vec<Vec<u8>> {
            seals
                .iter()
                .flat_map(|s| (1..=10u8).map(move |i| vec![*s, i]))
                .collect()
        };
        let ahead = |store: &Store| store.meta.get(FRAMES_AHEAD).unwrap().is_some();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s");
        let store = Store::create(&path, Duration::from_secs(1)).unwrap();
        assert!(
            store.grouping(Tree::Frames).is_some(),
            "a new store groups its frames"
        );
        store
            .append(None, &[row(0, 0), row(1, 1)], frame(1), None, head(1), true)
            .unwrap();
        assert_eq!(frames(&store), want(&[1]));
        assert!(!ahead(&store));

        // Stopped between the frame and its seal: the frame is there, and
        // the mark names it, until the store is opened again.
        store.stop_next_after_frames();
        let stopped = store.append(Some(head(1)), &[row(2, 0)], frame(2), None, head(2), true);
        assert!(stopped.is_err());
        assert_eq!(frames(&store), want(&[1, 2]));
        assert!(ahead(&store));
        drop(store);
        let store = Store::open(&path, Duration::from_secs(1)).unwrap();
        assert_eq!(store.head().unwrap(), Some(head(1)));
        assert_eq!(frames(&store), want(&[1]));
        assert!(!ahead(&store));

        // An append that fails once its frame is written (here: another
        // of its entries cannot be grouped) takes the frame with it.
        let mut bad = frame(2);
        bad.extend(entries(&[(Tree::Versions, b"short", b"v")]));
        let failed = store.append(Some(head(1)), &[row(2, 0)], bad, None, head(2), true);
        assert!(failed.unwrap_err().to_string().contains("ix_versions key"));
        assert_eq!(frames(&store), want(&[1]));
        assert!(!ahead(&store));
        // One made on a head that is not the stored one writes nothing,
        // and leaves the frames of the seals the chain holds alone.
        let failed = store.append(Some(head(0)), &[row(1, 0)], frame(1), None, head(1), true);
        assert!(failed.is_err());
        assert_eq!(frames(&store), want(&[1]));
        assert!(!ahead(&store));

        // Stopped again, with a frame of more items; the next seal, in the
        // same process, removes what that one left before it writes.
        store.stop_next_after_frames();
        let stopped = store.append(
            Some(head(1)),
            &[row(2, 0)],
            frame_of(2, 12),
            None,
            head(2),
            true,
        );
        assert!(stopped.is_err());
        assert_eq!(frames(&store).len(), 22);
        // The seal lands: its frame is kept, also across an open.
        store
            .append(Some(head(1)), &[row(2, 0)], frame(2), None, head(2), true)
            .unwrap();
        drop(store);
        let store = Store::open(&path, Duration::from_secs(1)).unwrap();
        assert_eq!(frames(&store), want(&[1, 2]));
        assert_eq!(store.head().unwrap(), Some(head(2)));
    }

    fn nodes(pairs: &[(u8, u64, u8)]) -> Vec<(merkle::NodeId, merkle::Hash)> {
        pairs
            .iter()
            .map(|(level, index, h)| {
                (
                    merkle::NodeId {
                        level: *level,
                        index: *index,
                    },
                    [*h; 32],
                )
            })
            .collect()
    }

    type Bounds<'a> = (std::ops::Bound<&'a [u8]>, std::ops::Bound<&'a [u8]>);

    /// Every read of index tree `t` of `store` from and up to each of
    /// `probes`, rendered for comparison.
    fn tree_reads(store: &Store, t: Tree, probes: &[&[u8]]) -> Vec<String> {
        use std::ops::Bound::Excluded;
        let all = |it: &mut dyn Iterator<Item = Result<(sled::IVec, sled::IVec)>>| -> Vec<(Vec<u8>, Vec<u8>)> {
            it.map(|r| r.map(|(k, v)| (k.to_vec(), v.to_vec())).unwrap())
                .collect()
        };
        let mut out = Vec::new();
        for &p in probes {
            out.push(format!(
                "ix_get {t:?} {p:?} {:?}",
                store.ix_get(t, p).unwrap()
            ));
            out.push(format!(
                "ix_scan {t:?} {p:?} {:?}",
                all(&mut store.ix_scan(t, p))
            ));
            out.push(format!(
                "ix_prefix {t:?} {p:?} {:?}",
                all(&mut store.ix_prefix(t, p))
            ));
            for &upper in probes {
                out.push(format!(
                    "ix_last_below {t:?} {p:?} {upper:?} {:?}",
                    store.ix_last_below(t, p, upper).unwrap()
                ));
                out.push(format!(
                    "ix_range_rev {t:?} {p:?} {upper:?} {:?}",
                    all(&mut store.ix_range_rev(t, p, upper))
                ));
                let bounds: [Bounds; 4] = [
                    (Included(p), Included(upper)),
                    (Included(p), Excluded(upper)),
                    (Excluded(p), Unbounded),
                    (Unbounded, Excluded(upper)),
                ];
                for (lo, hi) in bounds {
                    out.push(format!(
                        "ix_range {t:?} {lo:?} {hi:?} {:?}",
                        all(&mut store.ix_range(t, lo, hi))
                    ));
                }
            }
        }
        out
    }

    /// Every read of `ix_versions` over keys before, inside, between and
    /// after the versions the test below writes, rendered for comparison.
    fn version_reads(store: &Store) -> Vec<String> {
        use crate::projection::index::version_key;
        let mut probes: Vec<Vec<u8>> = vec![vec![], vec![0xff], 0u64.to_be_bytes().to_vec()];
        for (round, item) in [(0u64, 1u8), (0, 2), (0, 3), (7, 1), (7, 3)] {
            let id = EventId([item; 16]);
            probes.push(version_key(round, id, 0)[..24].to_vec());
            for seq in [0, 1, 4, 8, 9, 10, 12, u64::MAX] {
                probes.push(version_key(round, id, seq).to_vec());
            }
        }
        let probes: Vec<&[u8]> = probes.iter().map(Vec::as_slice).collect();
        tree_reads(store, Tree::Versions, &probes)
    }

    #[test]
    fn a_read_longer_than_a_sweep_gives_every_entry_once_in_order() {
        // Past [`SWEEP`] entries every read through sled's iterator reads
        // each entry again by key (`counted`), past [`WINDOW`] a view's:
        // what it gives is the same, staged appends merged in.
        let n = (WINDOW + SWEEP) as u64;
        let at = |seq: u64| Head {
            seq,
            hash: EventHash([7; 32]),
            recorded_at: Timestamp::from_unix_nanos(0),
        };
        let rows = |seqs: std::ops::Range<u64>| -> (Vec<Row>, Vec<Entry>) {
            seqs.map(|seq| {
                let row = Row {
                    seq,
                    hash: EventHash([1; 32]),
                    bytes: seq.to_be_bytes().to_vec(),
                    item: Some(EventId([u8::try_from(seq % 3).unwrap(); 16])),
                };
                let entry = Entry {
                    tree: Tree::Current,
                    key: seq.to_be_bytes().to_vec(),
                    value: vec![1],
                };
                (row, entry)
            })
            .unzip()
        };
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::create(&dir.path().join("s"), Duration::from_secs(1)).unwrap();
        let (r, e) = rows(0..n);
        store.append(None, &r, e, None, at(n - 1), false).unwrap();
        let (r, e) = rows(n..n + 5);
        store
            .stage(Some(at(n - 1)), &r, e, None, at(n + 4))
            .unwrap();
        let check = |store: &Store| {
            for from in [0, 5, n - 2, n + 2] {
                let seqs: Vec<u64> = store.scan(from).map(|r| r.unwrap().0).collect();
                assert_eq!(seqs, (from..n + 5).collect::<Vec<_>>());
                let seqs: Vec<u64> = store.scan_window(from).map(|r| r.unwrap().0).collect();
                assert_eq!(seqs, (from..n + 5).collect::<Vec<_>>());
            }
            let keys: Vec<Vec<u8>> = store
                .ix_scan(Tree::Current, &[])
                .map(|r| r.unwrap().0.to_vec())
                .collect();
            let want: Vec<Vec<u8>> = (0..n + 5).map(|s| s.to_be_bytes().to_vec()).collect();
            assert_eq!(keys, want);
            let keys: Vec<Vec<u8>> = store
                .ix_window(Tree::Current, Included(&[0][..]), Excluded(&[1][..]))
                .map(|r| r.unwrap().0.to_vec())
                .collect();
            assert_eq!(keys, want);
            let items: Vec<(EventId, u64)> = store.index_entries().map(Result::unwrap).collect();
            assert_eq!(items.len(), usize::try_from(n + 5).unwrap());
            assert!(items.windows(2).all(|w| w[0] < w[1]));
        };
        check(&store);
        store.write_staged().unwrap();
        check(&store);
    }

    #[test]
    fn grouped_versions_read_as_a_version_an_entry_whether_staged_or_written() {
        use crate::projection::index::version_key;
        // Round 0: item 1 at seqs 1..=11 (a group of eight and one of
        // three), item 2 at 3 and 5; round 7: item 1 at 8 and 9, item 3
        // at 9; in four writes, in seq order.
        let v = |round: u64, item: u8, seq: u8| Entry {
            tree: Tree::Versions,
            key: version_key(round, EventId([item; 16]), u64::from(seq)).to_vec(),
            value: vec![item, seq, 0xee],
        };
        let writes: Vec<Vec<Entry>> = vec![
            (1..=4).map(|s| v(0, 1, s)).chain([v(0, 2, 3)]).collect(),
            (5..=9)
                .map(|s| v(0, 1, s))
                .chain([v(0, 2, 5), v(7, 1, 8)])
                .collect(),
            vec![v(0, 1, 10), v(7, 1, 9), v(7, 3, 9)],
            vec![v(0, 1, 11)],
        ];
        let dir = tempfile::tempdir().unwrap();
        let new =
            |name: &str| Store::create(&dir.path().join(name), Duration::from_secs(1)).unwrap();
        // A version an entry, as a store without the mark holds them.
        let single = new("single");
        single.meta.remove(VERSIONS_GROUPED).unwrap();
        single.grouped.store(0, Relaxed);
        let mut grouped = new("grouped");
        let mut at = None;
        for (i, w) in writes.iter().enumerate() {
            let h = head(u8::try_from(i).unwrap());
            single.append(at, &[], w.clone(), None, h, false).unwrap();
            if i == 0 {
                grouped.append(at, &[], w.clone(), None, h, false).unwrap();
            } else {
                grouped.stage(at, &[], w.clone(), None, h).unwrap();
            }
            at = Some(h);
        }
        assert_eq!(single.ix(Tree::Versions).len(), 16);
        let want = version_reads(&single);
        let same = |got: Vec<String>, when: &str| {
            assert_eq!(got.len(), want.len());
            for (g, w) in got.iter().zip(&want) {
                assert_eq!(g, w, "{when}");
            }
        };
        same(version_reads(&grouped), "staged");
        grouped.write_staged().unwrap();
        same(version_reads(&grouped), "written");
        // Item 1's versions of round 0 in two entries, of 8 and 3.
        let sizes: Vec<usize> = grouped
            .ix(Tree::Versions)
            .iter()
            .map(|r| {
                let (k, v) = r.unwrap();
                let v = grouped.unpacked(Tree::Versions, &k, v).unwrap();
                expand_group(GROUPINGS[0], &k, &v).unwrap().len()
            })
            .collect();
        assert_eq!(sizes, [8, 3, 2, 2, 1]);
    }

    #[test]
    fn every_grouped_tree_reads_as_an_entry_a_key_however_its_entries_came() {
        // Entries of three prefixes, their keys' tails drawn at random from
        // forty, in six writes: later keys before earlier ones, keys
        // written again, groups filled and split. A store without the
        // marks holds them an entry a key; every read must be the same.
        for g in GROUPINGS {
            let key = |p: u8, t: u8| {
                let mut k = vec![p; g.prefix];
                k.resize(g.key - 1, 0);
                k.push(t);
                k
            };
            let mut state = 0x2545_f491_4f6c_dd1d_u64 ^ g.key as u64;
            let mut draw = |n: u64| {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                (state >> 33) % n
            };
            let writes: Vec<Vec<Entry>> = (0..6u8)
                .map(|w| {
                    (0..9u8)
                        .map(|i| {
                            let (p, t) = (
                                1 + u8::try_from(draw(3)).unwrap(),
                                u8::try_from(draw(40)).unwrap(),
                            );
                            Entry {
                                tree: g.tree,
                                key: key(p, t),
                                value: vec![w, i, p, t],
                            }
                        })
                        .collect()
                })
                .collect();
            let dir = tempfile::tempdir().unwrap();
            let new =
                |name: &str| Store::create(&dir.path().join(name), Duration::from_secs(1)).unwrap();
            let single = new("single");
            single.grouped.store(0, Relaxed);
            let mut grouped = new("grouped");
            let mut at = None;
            for (i, w) in writes.iter().enumerate() {
                let h = head(u8::try_from(i).unwrap());
                single.append(at, &[], w.clone(), None, h, false).unwrap();
                if i % 3 == 0 {
                    grouped.append(at, &[], w.clone(), None, h, false).unwrap();
                } else {
                    grouped.stage(at, &[], w.clone(), None, h).unwrap();
                }
                if i % 3 == 2 {
                    grouped.write_staged().unwrap();
                }
                at = Some(h);
            }
            let mut probes: Vec<Vec<u8>> = vec![vec![], vec![0xff]];
            for p in 0..=4 {
                probes.push(vec![p; g.prefix]);
                for t in [0, 1, 7, 13, 20, 27, 39, 40] {
                    probes.push(key(p, t));
                }
            }
            let probes: Vec<&[u8]> = probes.iter().map(Vec::as_slice).collect();
            let want = tree_reads(&single, g.tree, &probes);
            let got = tree_reads(&grouped, g.tree, &probes);
            assert_eq!(got.len(), want.len());
            for (got, want) in got.iter().zip(&want) {
                assert_eq!(got, want, "{:?}", g.tree);
            }
            // Fewer entries, none of them over full.
            let sizes: Vec<usize> = grouped
                .ix(g.tree)
                .iter()
                .map(|r| {
                    let (k, v) = r.unwrap();
                    let v = grouped.unpacked(g.tree, &k, v).unwrap();
                    expand_group(g, &k, &v).unwrap().len()
                })
                .collect();
            assert_eq!(sizes.iter().sum::<usize>(), single.ix(g.tree).len());
            assert!(sizes.len() * 2 < single.ix(g.tree).len(), "{sizes:?}");
            assert!(sizes.iter().all(|n| *n <= g.most), "{sizes:?}");
        }
    }

    #[test]
    fn every_read_of_staged_appends_is_what_sled_returns_once_they_are_written() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::create(&dir.path().join("s"), Duration::from_secs(1)).unwrap();
        let (c, k) = (Tree::Current, Tree::Keys);
        store
            .append(
                None,
                &[row(0, 0), row(1, 1), row(2, 2), row(3, 1)],
                entries(&[
                    (c, b"a", b"s"),
                    (c, b"ab", b"s"),
                    (c, b"abc", b"s"),
                    (c, b"b", b"s"),
                    (k, b"ab", b"s"),
                    (k, b"c", b"s"),
                ]),
                Some(&nodes(&[(0, 0, 1), (0, 1, 1), (1, 0, 1), (0, 17, 1)])),
                head(3),
                true,
            )
            .unwrap();
        let before = reads(&store);
        // A stage on the wrong head is refused and leaves nothing staged.
        assert!(
            store
                .stage(Some(head(2)), &[row(4, 1)], Vec::new(), None, head(4))
                .is_err()
        );
        assert!(!store.has_staged());
        assert_eq!(reads(&store), before);

        store
            .stage(
                Some(head(3)),
                &[row(4, 1), row(5, 3)],
                entries(&[
                    (c, b"", b"n"),
                    (c, b"aa", b"n"),
                    (c, b"ab", b"n"),
                    (c, b"abd", b"n"),
                    (k, b"a", b"n"),
                ]),
                Some(&nodes(&[(0, 2, 2), (1, 1, 2), (2, 0, 2), (0, 33, 2)])),
                head(5),
            )
            .unwrap();
        store
            .stage(
                Some(head(5)),
                &[row(6, 2), row(7, 1)],
                entries(&[(c, b"b\x00", b"n"), (c, b"d", b"n"), (k, b"c", b"n")]),
                Some(&nodes(&[(0, 3, 3), (0, 1, 3)])),
                head(7),
            )
            .unwrap();
        let staged = reads(&store);
        assert_ne!(staged, before);
        store.write_staged().unwrap();
        assert!(!store.has_staged());
        let written = reads(&store);
        for (a, b) in staged.iter().zip(&written) {
            assert_eq!(a, b, "staged, then written");
        }
        assert_eq!(staged.len(), written.len());
    }

    /// The item index entries of `store`, as stored.
    fn item_entries(store: &Store) -> Vec<(Vec<u8>, Vec<u8>)> {
        store
            .by_item
            .iter()
            .map(|r| r.map(|(k, v)| (k.to_vec(), v.to_vec())).unwrap())
            .collect()
    }

    #[test]
    fn an_items_seqs_go_in_entries_of_sixty_four_however_they_are_written() {
        // Seqs 1..=150: two of every three about item 1, the rest item 2.
        let rows: Vec<Row> = (1..=150u8)
            .map(|s| row(s, if s % 3 == 0 { 2 } else { 1 }))
            .collect();
        let pairs: Vec<(EventId, u64)> = rows.iter().map(|r| (r.item.unwrap(), r.seq)).collect();
        let dir = tempfile::tempdir().unwrap();
        let new =
            |name: &str| Store::create(&dir.path().join(name), Duration::from_secs(1)).unwrap();
        // One append per event.
        let alone = new("alone");
        let mut at = None;
        for r in &rows {
            let h = head(u8::try_from(r.seq).unwrap());
            alone
                .append(at, std::slice::from_ref(r), Vec::new(), None, h, false)
                .unwrap();
            at = Some(h);
        }
        // Staged in groups of 7, and batches of 11.
        let mut grouped = new("grouped");
        let mut at = None;
        for part in rows.chunks(7) {
            let h = head(u8::try_from(part.last().unwrap().seq).unwrap());
            grouped.stage(at, part, Vec::new(), None, h).unwrap();
            grouped.write_staged().unwrap();
            at = Some(h);
        }
        let batched = new("batched");
        let mut at = None;
        for part in rows.chunks(11) {
            let h = head(u8::try_from(part.last().unwrap().seq).unwrap());
            batched
                .append(at, part, Vec::new(), None, h, false)
                .unwrap();
            at = Some(h);
        }
        // An import's index, written at once.
        let imported = new("imported");
        let mut shuffled = pairs.clone();
        shuffled.reverse();
        imported.write_item_index(shuffled).unwrap();
        let want = item_entries(&alone);
        // Item 1: 100 seqs in entries of 64 and 36; item 2: 50 in one.
        let sizes: Vec<usize> = want.iter().map(|(_, v)| 1 + v.len() / 8).collect();
        assert_eq!(sizes, [64, 36, 50]);
        for store in [&grouped, &batched, &imported] {
            assert_eq!(item_entries(store), want);
        }
        // Read back the same whichever way, and as by the entry per seq the
        // store held before entries of many (which it still reads).
        let single = new("single");
        for (item, seq) in &pairs[..120] {
            single
                .by_item
                .insert(index_key(*item, *seq), &[] as &[u8])
                .unwrap();
        }
        // (No head: the rows before are only in the index here.)
        let mut at = None;
        for r in &rows[120..] {
            let h = head(u8::try_from(r.seq).unwrap());
            single
                .append(at, std::slice::from_ref(r), Vec::new(), None, h, false)
                .unwrap();
            at = Some(h);
        }
        for store in [&alone, &single] {
            let entries: Vec<_> = store.index_entries().map(|r| r.unwrap()).collect();
            assert_eq!(entries, {
                let mut p = pairs.clone();
                p.sort();
                p
            });
            for item in [1u8, 2] {
                let id = EventId([item; 16]);
                let seqs: Vec<u64> = pairs.iter().filter(|p| p.0 == id).map(|p| p.1).collect();
                assert_eq!(store.item_seqs(id).unwrap(), seqs);
                for s in 0..=152u64 {
                    let last = seqs.iter().copied().rfind(|x| *x <= s);
                    assert_eq!(
                        store.item_seq_at(id, s).unwrap(),
                        last,
                        "item {item} at {s}"
                    );
                }
            }
        }
        // The appends after the entries per seq grew each item's last one:
        // item 1 had 20 events after seq 120, item 2 ten.
        let single = item_entries(&single);
        assert_eq!(single.len(), 120);
        let grown: Vec<usize> = single
            .iter()
            .map(|(_, v)| v.len() / 8)
            .filter(|n| *n > 0)
            .collect();
        assert_eq!(grown, [20, 10]);
    }

    #[test]
    fn an_item_index_entry_that_is_not_whole_ascending_seqs_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(&dir.path().join("s"), Duration::from_secs(1)).unwrap();
        store
            .append(
                None,
                &[row(0, 0), row(1, 1), row(2, 1)],
                Vec::new(),
                None,
                head(2),
                false,
            )
            .unwrap();
        let key = index_key(EventId([1; 16]), 1);
        for bad in [
            vec![0u8; 7],
            1u64.to_be_bytes().to_vec(),
            [2u64, 2].iter().flat_map(|s| s.to_be_bytes()).collect(),
        ] {
            store.by_item.insert(key, bad).unwrap();
            let said = store.item_seqs(EventId([1; 16])).unwrap_err().to_string();
            assert!(
                said.contains("the item index (by_item) entry of item 01010101"),
                "{said}"
            );
            assert!(store.index_entries().any(|r| r.is_err()));
            // Nor is it extended.
            assert!(
                store
                    .append(
                        Some(head(2)),
                        &[row(3, 1)],
                        Vec::new(),
                        None,
                        head(3),
                        false
                    )
                    .is_err()
            );
        }
        store
            .by_item
            .insert(key, 2u64.to_be_bytes().to_vec())
            .unwrap();
        assert_eq!(store.item_seqs(EventId([1; 16])).unwrap(), [1, 2]);
    }

    #[test]
    fn a_failed_group_write_leaves_sled_as_it_was_and_nothing_staged() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::create(&dir.path().join("s"), Duration::from_secs(1)).unwrap();
        store
            .append(
                None,
                &[row(0, 0), row(1, 1)],
                Vec::new(),
                Some(&nodes(&[(0, 0, 1)])),
                head(1),
                true,
            )
            .unwrap();
        let before = reads(&store);
        store
            .stage(
                Some(head(1)),
                &[row(2, 1)],
                entries(&[(Tree::Current, b"a", b"n")]),
                Some(&nodes(&[(0, 1, 2), (1, 0, 2)])),
                head(2),
            )
            .unwrap();
        store.fail_next_staged_write();
        assert!(store.write_staged().is_err());
        assert!(!store.has_staged());
        assert_eq!(reads(&store), before);
    }
}

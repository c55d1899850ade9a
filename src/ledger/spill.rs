//! Every item's events gathered in one scan of the events tree, for the
//! folds that rebuild or check the whole index (`verify`, an import, a
//! migration).
//!
//! Those folds take the items one at a time, in id order, and need each
//! item's events in seq order. Read by seq, that is one point read per
//! event, each landing on a page of the events tree that sled must read
//! back from its log: on a large ledger most of a `verify` went there. A
//! scan of the tree reads each page once instead; the items' events come
//! out of it interleaved, so they are written, each to the file of the
//! chunk of consecutive items it belongs to, and a chunk is read back
//! whole when its turn comes. The files are anonymous temporary files
//! (no name to plant a link at; gone when closed) in the store's own
//! directory, else in the system's temporary directory, so the fold's
//! memory stays a chunk's worth of events per thread. A ledger of no more
//! events than one chunk holds is gathered in memory instead: the fold
//! would hold as much when it read the chunk back, and a command that
//! checks a small ledger at open writes no file.
//!
//! Nothing here is trusted more than the store: an event comes back with
//! the hash stored beside it, to be checked or decoded exactly as a read
//! by seq would.

use crate::domain::{EventHash, EventId};
use crate::error::{Error, Result};
use crate::ledger::store::Store;
use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::ops::Range;
use std::sync::Mutex;

/// About how many events one chunk holds (a chunk is read into memory
/// whole; an item with more events is a chunk of its own): some 5 MB on
/// the bench's ledgers.
pub(super) const CHUNK_EVENTS: usize = 1 << 13;

/// What a record in a chunk's file starts with: seq, hash, length.
const HEAD_LEN: usize = 8 + 32 + 8;

/// Marks a seq that is no item's in [`Spilled::owner`].
const NO_ITEM: u32 = u32::MAX;

/// The items' events, in chunks of consecutive items.
pub(super) struct Spilled {
    /// Per chunk, the items (indices into the plan) it holds and where its
    /// records are (taken when the chunk is read).
    chunks: Vec<(Range<usize>, Mutex<Option<Held>>)>,
    /// Per seq, the index of the item it is an event of.
    owner: Vec<u32>,
}

/// One chunk read back: each of its items' events, as stored.
pub(super) struct Chunk {
    items: Range<usize>,
    buf: Vec<u8>,
    /// Per item of the chunk, where each of its records starts in `buf`.
    records: Vec<Vec<usize>>,
}

/// Where a chunk's records are kept until it is read.
enum Held {
    File(File),
    Memory(Vec<u8>),
}

/// Where a chunk's records are written during the scan.
enum Sink {
    File(BufWriter<File>),
    Memory(Vec<u8>),
}

impl Sink {
    fn write_all(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        match self {
            Sink::File(w) => w.write_all(bytes),
            Sink::Memory(v) => {
                v.extend_from_slice(bytes);
                Ok(())
            }
        }
    }

    fn done(self) -> Option<Held> {
        match self {
            Sink::File(w) => w.into_inner().ok().map(Held::File),
            Sink::Memory(v) => Some(Held::Memory(v)),
        }
    }
}

/// An event as stored: its seq, the hash stored beside it, and its bytes.
pub(super) struct Stored<'a> {
    pub seq: u64,
    pub hash: EventHash,
    pub bytes: &'a [u8],
}

impl Spilled {
    /// Scans the events of `store` once, writing each event of the plan's
    /// `items` to the file of its chunk; `runs` (ranges of `items`, in
    /// order) are cut into chunks of about `chunk_events` events, so that
    /// no chunk spans two runs.
    /// A ledger of at most `chunk_events` events is gathered in memory.
    /// `Ok(None)` when no temporary file could be made or written: the
    /// caller then reads each item's events by seq. An event the scan
    /// cannot read is an error only if it is an item's (as a read by seq
    /// would have found it).
    pub(super) fn gather(
        store: &Store,
        items: &[(EventId, Vec<u64>)],
        runs: &[Range<usize>],
        events: u64,
        chunk_events: usize,
    ) -> Result<Option<Spilled>> {
        let Ok(len) = usize::try_from(events) else {
            return Ok(None);
        };
        if u32::try_from(items.len()).is_err() {
            return Ok(None);
        }
        let mut owner = vec![NO_ITEM; len];
        let mut chunks = Vec::new();
        for run in runs {
            let mut start = run.start;
            let mut held = 0;
            for i in run.clone() {
                let n = items[i].1.len();
                if held > 0 && held + n > chunk_events {
                    chunks.push(start..i);
                    start = i;
                    held = 0;
                }
                held += n;
            }
            if start < run.end {
                chunks.push(start..run.end);
            }
        }
        let mut chunk_of = vec![0u32; items.len()];
        for (c, range) in chunks.iter().enumerate() {
            for i in range.clone() {
                chunk_of[i] = u32::try_from(c).unwrap_or(NO_ITEM);
                for &seq in &items[i].1 {
                    if let Some(slot) = usize::try_from(seq).ok().and_then(|s| owner.get_mut(s)) {
                        *slot = u32::try_from(i).unwrap_or(NO_ITEM);
                    }
                }
            }
        }
        // Beside the store first: its disk has room for what the store holds,
        // where the system's temporary directory may be memory (tmpfs).
        let make = || tempfile::tempfile_in(store.path()).or_else(|_| tempfile::tempfile());
        let in_memory = len <= chunk_events;
        let mut files = Vec::with_capacity(chunks.len());
        for _ in &chunks {
            if in_memory {
                files.push(Sink::Memory(Vec::new()));
                continue;
            }
            match make() {
                Ok(f) => files.push(Sink::File(BufWriter::with_capacity(1 << 14, f))),
                Err(_) => return Ok(None),
            }
        }
        let owned = |seq: u64| -> Option<usize> {
            let i = *owner.get(usize::try_from(seq).ok()?)?;
            (i != NO_ITEM).then_some(i as usize)
        };
        for r in store.scan(0) {
            let (seq, hash, bytes) = match r {
                Ok(e) => e,
                Err(Error::Corrupt { seq: Some(s), .. }) if owned(s).is_none() => continue,
                Err(e) => return Err(e),
            };
            let Some(i) = owned(seq) else { continue };
            let Some(w) = files.get_mut(chunk_of[i] as usize) else {
                continue;
            };
            let written = w
                .write_all(&seq.to_le_bytes())
                .and_then(|()| w.write_all(&hash.0))
                .and_then(|()| w.write_all(&(bytes.len() as u64).to_le_bytes()))
                .and_then(|()| w.write_all(&bytes));
            if written.is_err() {
                return Ok(None);
            }
        }
        let mut done = Vec::with_capacity(files.len());
        for w in files {
            match w.done() {
                Some(held) => done.push(held),
                None => return Ok(None),
            }
        }
        Ok(Some(Spilled {
            chunks: chunks
                .into_iter()
                .zip(done)
                .map(|(r, f)| (r, Mutex::new(Some(f))))
                .collect(),
            owner,
        }))
    }

    /// The chunk that holds item `i`, read back (each chunk once).
    pub(super) fn chunk_of(&self, i: usize) -> Result<Chunk> {
        let c = self
            .chunks
            .partition_point(|(r, _)| r.end <= i)
            .min(self.chunks.len().saturating_sub(1));
        let Some((items, slot)) = self.chunks.get(c) else {
            return Err(lost("no chunk holds this item"));
        };
        let held = slot
            .lock()
            .map_err(|_| lost("a thread reading a chunk stopped"))?
            .take();
        let buf = match held {
            None => return Err(lost("a chunk was asked for twice")),
            Some(Held::Memory(buf)) => buf,
            Some(Held::File(mut file)) => {
                let mut buf = Vec::new();
                file.seek(SeekFrom::Start(0))
                    .and_then(|_| file.read_to_end(&mut buf))
                    .map_err(|e| lost(&format!("reading it back: {e}")))?;
                buf
            }
        };
        let mut records = vec![Vec::new(); items.len()];
        let mut at = 0;
        while at < buf.len() {
            let head = buf
                .get(at..at + HEAD_LEN)
                .ok_or_else(|| lost("a record is cut short"))?;
            let seq = u64::from_le_bytes(head[..8].try_into().unwrap_or_default());
            let len = u64::from_le_bytes(head[40..48].try_into().unwrap_or_default());
            let next = usize::try_from(len)
                .ok()
                .and_then(|l| (at + HEAD_LEN).checked_add(l))
                .filter(|&n| n <= buf.len())
                .ok_or_else(|| lost("a record is cut short"))?;
            let item = usize::try_from(seq)
                .ok()
                .and_then(|s| self.owner.get(s))
                .map(|&i| i as usize)
                .filter(|i| items.contains(i))
                .ok_or_else(|| lost("a record is of another chunk"))?;
            records[item - items.start].push(at);
            at = next;
        }
        Ok(Chunk {
            items: items.clone(),
            buf,
            records,
        })
    }
}

impl Chunk {
    /// Whether item `i` is in this chunk.
    pub(super) fn holds(&self, i: usize) -> bool {
        self.items.contains(&i)
    }

    /// The events of item `i` (of this chunk) the scan found, in seq order.
    pub(super) fn events(&self, i: usize) -> impl Iterator<Item = Stored<'_>> + '_ {
        let starts = i
            .checked_sub(self.items.start)
            .and_then(|k| self.records.get(k))
            .map_or(&[][..], Vec::as_slice);
        starts.iter().filter_map(|&at| {
            let head = self.buf.get(at..at + HEAD_LEN)?;
            let seq = u64::from_le_bytes(head[..8].try_into().ok()?);
            let hash = EventHash(head[8..40].try_into().ok()?);
            let len = usize::try_from(u64::from_le_bytes(head[40..48].try_into().ok()?)).ok()?;
            let bytes = self.buf.get(at + HEAD_LEN..at + HEAD_LEN + len)?;
            Some(Stored { seq, hash, bytes })
        })
    }
}

/// The temporary files failing after they were written: an I/O failure of
/// this machine, not damage to the store.
fn lost(what: &str) -> Error {
    Error::storage(
        "reading back the items' events gathered in a temporary file",
        what.to_string(),
    )
}

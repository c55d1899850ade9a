//! Restoring a backup: an events export streamed into a new (or empty)
//! store, every line checked as it is read ([`crate::formats::events`]),
//! the store written in chunks and its head last, so that a ledger of any
//! size is restored in bounded memory and an interruption leaves no ledger
//! (see `crate::ledger::Ledger::restore_stream_with`); then the index is
//! built from it.

use super::Progress;
use crate::domain::{EventHash, Invalid};
use crate::error::{Refusal, Result};
use crate::formats::events;
use crate::ledger::verify::Passed;
use crate::ledger::{Ledger, OpenOptions};
use std::io::{BufRead, Read};
use std::path::Path;

/// What a restore did, or in a dry run would do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Events restored (or checked).
    pub events: u64,
    /// The restored chain's head (None in a dry run).
    pub head: Option<EventHash>,
    /// Only checked.
    pub dry_run: bool,
}

/// True if the file at `path` starts (after a UTF-8 byte-order mark and
/// white space) like an events export: a JSON object. Annexes and CSV
/// files never do.
pub fn file_looks_like_events(path: &Path) -> bool {
    // Not opened unless a regular file: a pipe would block here.
    let Ok(f) = crate::fsutil::open_input(path, true) else {
        return false;
    };
    let mut head = Vec::new();
    if f.take(4096).read_to_end(&mut head).is_err() {
        return false;
    }
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&head);
    head.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{')
}

/// Restores the events read from `source` (named `name`, `size` bytes if
/// known, for progress) into a new ledger at `store`.
pub fn restore(
    store: &Path,
    opts: OpenOptions,
    name: &str,
    source: &mut dyn BufRead,
    size: u64,
    dry_run: bool,
    progress: &dyn Progress,
) -> Result<Report> {
    let mut reader = events::Reader::new();
    let mut read_bytes = 0u64;
    let mut line_no = 0usize;
    // Where the lines and the seqs part (blank lines): (seq, line) of the
    // first event after each gap, to name the line of a seq later.
    let mut anchors: Vec<(u64, usize)> = Vec::new();
    let mut buf = Vec::new();
    progress.phase(
        if dry_run {
            "checking events"
        } else {
            "restoring events"
        },
        "bytes",
    );
    let mut next = || -> Option<Result<Passed>> {
        loop {
            buf.clear();
            let limit = u64::try_from(events::MAX_LINE_BYTES).unwrap_or(u64::MAX);
            let n = match source.take(limit + 1).read_until(b'\n', &mut buf) {
                Ok(0) => {
                    // Read to its end: the index build that follows needs
                    // the memory more than the reader.
                    reader.release();
                    return None;
                }
                Ok(n) => n,
                Err(e) => {
                    return Some(Err(Invalid::new(
                        "import file",
                        name,
                        format!("a readable file ({e})"),
                    )
                    .into()));
                }
            };
            let start = read_bytes;
            line_no += 1;
            read_bytes += u64::try_from(n).unwrap_or(0);
            if n > events::MAX_LINE_BYTES {
                return Some(Err(Refusal::BadEventsLine {
                    line: line_no,
                    what: format!(
                        "longer than {} MiB; no event is that large",
                        events::MAX_LINE_BYTES / 1024 / 1024
                    ),
                }
                .into()));
            }
            let text = match std::str::from_utf8(&buf) {
                Ok(t) => t,
                Err(e) => {
                    let at = start + u64::try_from(e.valid_up_to()).unwrap_or(0);
                    return Some(Err(Invalid::new(
                        "import file",
                        name,
                        format!("UTF-8 text (byte {at} is not)"),
                    )
                    .into()));
                }
            };
            if line_no.is_multiple_of(512) {
                progress.update(read_bytes, size.max(read_bytes));
            }
            let seq = reader.events();
            match reader.line(line_no, text.trim_end_matches(['\n', '\r'])) {
                Ok(Some(passed)) => {
                    let offset = |&(s, l): &(u64, usize)| l as u64 - s;
                    if anchors.last().map(offset) != Some(line_no as u64 - seq) {
                        anchors.push((seq, line_no));
                    }
                    return Some(Ok(passed));
                }
                Ok(None) => {}
                Err(e) => return Some(Err(e)),
            }
        }
    };
    // The first event is read and checked before anything else, so that a
    // file that is no events export is refused as such.
    let first = next().unwrap_or_else(|| Err(Refusal::NoEventsToRestore.into()))?;
    // Checked before a dry run too: it says what the real run would do. A
    // store left empty by an interrupted restore (or init) may be reused.
    let existed = store.exists();
    if existed && !Ledger::is_empty_store(store) {
        return Err(Refusal::RestoreIntoLedger {
            path: store.to_path_buf(),
        }
        .into());
    }
    if dry_run {
        let mut n = 1u64;
        while let Some(r) = next() {
            r?;
            n += 1;
        }
        return Ok(Report {
            events: n,
            head: None,
            dry_run,
        });
    }
    // The index is built before the restore ends, from the chain it has
    // just checked event by event, so that the first command after it finds
    // it whole; the items' events are held to the rules of recording on the
    // way. The file is read and its lines checked on this thread while
    // another writes the events (and then builds the index), so that the
    // two overlap on two cores.
    let (tx, rx) = std::sync::mpsc::sync_channel::<Result<Passed>>(1024);
    let indexed = std::sync::atomic::AtomicU64::new(0);
    let items = std::sync::atomic::AtomicU64::new(0);
    let restored = std::thread::scope(|scope| {
        let writer = scope.spawn(|| {
            Ledger::restore_stream_with(store, opts, rx, &mut |_| {}, &mut |done, total| {
                indexed.store(done, std::sync::atomic::Ordering::Relaxed);
                items.store(total, std::sync::atomic::Ordering::Relaxed);
            })
        });
        let mut line = Some(Ok(first));
        while let Some(event) = line {
            let failed = event.is_err();
            // The writer stops at the first error (or its own), and hangs up.
            if tx.send(event).is_err() || failed {
                break;
            }
            line = next();
        }
        drop(tx);
        let mut indexing = false;
        while !writer.is_finished() {
            let total = items.load(std::sync::atomic::Ordering::Relaxed);
            if total > 0 {
                if !indexing {
                    progress.phase("indexing", "items");
                    indexing = true;
                }
                progress.update(indexed.load(std::sync::atomic::Ordering::Relaxed), total);
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        writer.join().unwrap_or_else(|_| {
            Err(crate::Error::Corrupt {
                seq: None,
                what: "the thread writing the restored events stopped unexpectedly".into(),
            })
        })
    });
    // Bad input writes nothing: a store this restore created goes again (an
    // existing empty one was emptied by the restore).
    let discard = || {
        if !existed {
            let _ = std::fs::remove_dir_all(store);
        }
    };
    let ledger = match restored {
        Ok(Ok(l)) => l,
        Ok(Err(b)) => {
            discard();
            let line = anchors
                .iter()
                .rev()
                .find(|(s, _)| *s <= b.seq)
                .map_or(0, |&(s, l)| {
                    l.saturating_add(usize::try_from(b.seq - s).unwrap_or(usize::MAX))
                });
            return Err(Refusal::BadEventsLine {
                line,
                what: b.to_string(),
            }
            .into());
        }
        Err(e) => {
            discard();
            return Err(e);
        }
    };
    let head = ledger.head();
    Ok(Report {
        events: head.map_or(0, |h| h.seq + 1),
        head: head.map(|h| h.hash),
        dry_run,
    })
}

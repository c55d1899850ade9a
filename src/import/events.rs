//! Events import: the JSON Lines stream written by `export --format events`
//! read back for a backup restore. Every line is checked before anything is
//! written: its canonical bytes must hash to its hash and continue the chain
//! (the same checks as `verify`), and the JSON values on the line must be the
//! values the bytes decode to.

use crate::domain::{EventHash, ids::unhex};
use crate::error::{Error, Result};
use crate::ledger::verify::ChainChecker;
use crate::ledger::{Recorded, codec};
use crate::projection::State;
use crate::report;
use serde_json::Value;

/// Reads and checks an events export; returns the canonical bytes of every
/// event in order. The first bad line is named in the error.
pub fn read(input: &str) -> Result<Vec<Vec<u8>>> {
    read_with_progress(input, &mut |_, _| {})
}

/// As [`read`], reporting `progress(lines read, lines in the file)` as it
/// goes.
pub fn read_with_progress(input: &str, progress: &mut dyn FnMut(u64, u64)) -> Result<Vec<Vec<u8>>> {
    let lines = input.lines().count();
    let total = u64::try_from(lines).unwrap_or(u64::MAX);
    let mut checker = ChainChecker::new(None);
    let mut state = State::default();
    let mut out = Vec::new();
    for (n, raw) in input.lines().enumerate() {
        let line = n + 1;
        let done = u64::try_from(n).unwrap_or(u64::MAX);
        if done.is_multiple_of(crate::ledger::verify::PROGRESS_EVERY) {
            progress(done, total);
        }
        if raw.trim().is_empty() {
            continue;
        }
        let bad = |what: String| Error::Rejected(format!("events file, line {line}: {what}"));
        let mut v: Value =
            serde_json::from_str(raw).map_err(|e| bad(format!("not a JSON object ({e})")))?;
        let obj = v
            .as_object_mut()
            .ok_or_else(|| bad("not a JSON object".into()))?;
        let bytes = obj
            .remove("bytes")
            .and_then(|b| b.as_str().and_then(unhex))
            .ok_or_else(
                || bad("no 'bytes' field with the event's canonical bytes in hex".into()),
            )?;
        if bytes.len() > codec::MAX_ENVELOPE_BYTES {
            return Err(bad(format!(
                "event of {} bytes is over the limit",
                bytes.len()
            )));
        }
        let hash = obj
            .get("hash")
            .and_then(Value::as_str)
            .and_then(EventHash::from_hex)
            .ok_or_else(|| bad("no 'hash' field of 64 hex digits".into()))?;
        let seq = obj
            .get("seq")
            .and_then(Value::as_u64)
            .ok_or_else(|| bad("no 'seq' field".into()))?;
        let envelope = checker
            .check(seq, hash, &bytes)
            .map_err(|b| bad(b.to_string()))?;
        let rec = Recorded { envelope, hash };
        state.apply(&rec);
        let expected = report::event_json(&state, &rec);
        if expected != v {
            return Err(bad(
                "the JSON values differ from what the canonical bytes decode to".into(),
            ));
        }
        out.push(bytes);
    }
    progress(total, total);
    if out.is_empty() {
        return Err(Error::Rejected("the events file holds no events".into()));
    }
    Ok(out)
}

/// True if the text's first line looks like an events export.
pub fn looks_like_events(input: &str) -> bool {
    let first = input.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    first.trim_start().starts_with('{') && first.contains("\"bytes\"")
}

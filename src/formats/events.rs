//! The events export, both ways: the JSON Lines stream that `export
//! --format events` writes (one event a line: its JSON as in `log --format
//! json` plus its canonical bytes in hex; schema/events-export.md), and its
//! reader for a backup restore. Every line read is checked before anything
//! is written: its canonical bytes must hash to its hash and continue the
//! chain (the same checks as `verify`), and the JSON values on the line must
//! be the values the bytes decode to.

use crate::domain::{EventHash, EventId, ids::unhex};
use crate::error::{Error, Refusal, Result};
use crate::ledger::verify::{ChainChecker, Passed};
use crate::ledger::{Recorded, codec};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// One event as JSON: envelope fields, hash, the item's key and the body.
pub fn event_json(key_of: &dyn Fn(EventId) -> Option<String>, rec: &Recorded) -> Value {
    let env = &rec.envelope;
    let body = match serde_json::to_value(&env.body) {
        Ok(Value::Object(m)) => m.into_iter().next().map_or(Value::Null, |(_, v)| v),
        _ => Value::Null,
    };
    let item = rec.item();
    json!({
        "seq": env.seq,
        "id": env.id.hex(),
        "recorded_at": env.recorded_at.rfc3339(),
        "actor": env.actor,
        "prev": env.prev.hex(),
        "hash": rec.hash.hex(),
        "format": env.format,
        "type": env.body.kind_name(),
        "item": item.map(|i| i.hex()),
        "item_key": item.and_then(key_of),
        "effective": env.body.effective().map(|d| d.to_string()),
        "body": body,
    })
}

/// One line of an events export: the event as in `log --format json`, plus
/// its canonical bytes in hex (schema/events-export.md).
pub fn line(key_of: &dyn Fn(EventId) -> Option<String>, rec: &Recorded) -> String {
    let mut v = event_json(key_of, rec);
    if let (Value::Object(m), Ok(bytes)) = (&mut v, codec::encode(&rec.envelope)) {
        m.insert(
            "bytes".into(),
            Value::String(crate::domain::ids::hex(&bytes)),
        );
    }
    let mut s = serde_json::to_string(&v).unwrap_or_default();
    s.push('\n');
    s
}

/// Reads and checks an events export; returns the canonical bytes of every
/// event in order. The first bad line is named in the error.
pub fn read(input: &str) -> Result<Vec<Vec<u8>>> {
    let mut reader = Reader::new();
    let mut out = Vec::new();
    for (n, raw) in input.lines().enumerate() {
        if let Some(passed) = reader.line(n + 1, raw)? {
            out.push(passed.into_bytes());
        }
    }
    reader.finish()?;
    Ok(out)
}

/// Longest accepted line of an events export: an event at the size limit,
/// twice (hex bytes and JSON values), with room for the JSON around it.
pub const MAX_LINE_BYTES: usize = 4 * codec::MAX_ENVELOPE_BYTES;

/// Checks an events export one line at a time, so that a file of any size
/// streams through in bounded memory.
#[derive(Debug)]
pub struct Reader {
    checker: ChainChecker,
    /// Each registered item's key, for the `item_key` the JSON lines name.
    keys: BTreeMap<EventId, String>,
}

impl Default for Reader {
    fn default() -> Self {
        Reader::new()
    }
}

impl Reader {
    /// A reader for a chain starting at seq 0.
    pub fn new() -> Reader {
        Reader {
            checker: ChainChecker::new(None),
            keys: BTreeMap::new(),
        }
    }

    /// Events accepted so far.
    pub fn events(&self) -> u64 {
        self.checker.checked()
    }

    /// Lets go of what checking the lines held (the checker's record of
    /// every event it saw, some 50 MB for a million events), for a file
    /// read to its end when more work follows in the same process: an
    /// import builds its index after the last line. No line can be checked
    /// after this.
    pub fn release(&mut self) {
        self.checker = ChainChecker::new(None);
        self.keys = BTreeMap::new();
    }

    /// Checks line number `line` (from 1); returns the event as passed
    /// (its canonical bytes and what a writer needs), or None for a blank
    /// line. A UTF-8 byte-order mark at the start
    /// of the file (which some editors and Windows tools write) is skipped.
    pub fn line(&mut self, line: usize, raw: &str) -> Result<Option<Passed>> {
        let raw = if line == 1 {
            raw.strip_prefix('\u{feff}').unwrap_or(raw)
        } else {
            raw
        };
        if raw.trim().is_empty() {
            return Ok(None);
        }
        let bad = |what: String| Error::from(Refusal::BadEventsLine { line, what });
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
        let (envelope, passed) = self
            .checker
            .pass(seq, hash, bytes)
            .map_err(|b| bad(b.to_string()))?;
        let rec = Recorded { envelope, hash };
        if let crate::domain::EventBody::ItemRegistered { key, .. } = &rec.envelope.body {
            self.keys.insert(rec.envelope.id, key.to_string());
        }
        let expected = event_json(&|id| self.keys.get(&id).cloned(), &rec);
        if expected != v {
            return Err(bad(
                "the JSON values differ from what the canonical bytes decode to".into(),
            ));
        }
        Ok(Some(passed))
    }

    /// Ends the file: refused when it held no events.
    pub fn finish(&self) -> Result<u64> {
        match self.checker.checked() {
            0 => Err(Refusal::NoEventsToRestore.into()),
            n => Ok(n),
        }
    }
}

/// True if the text's first line looks like an events export (after a
/// byte-order mark, if there is one).
pub fn looks_like_events(input: &str) -> bool {
    let input = input.strip_prefix('\u{feff}').unwrap_or(input);
    let first = input.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    first.trim_start().starts_with('{') && first.contains("\"bytes\"")
}

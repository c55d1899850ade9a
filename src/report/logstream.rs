//! The event log written as its events are read, for a log too large to
//! hold: the whole log of a large ledger is a million events, and holding
//! them (with their rows and the text made of them) took gigabytes. The
//! bytes are those [`super::log_keyed`] makes of the same events.

use super::table::{Columns, Look};
use super::{Format, LOG_MAX, log_head, log_headers, log_keyed, log_row};
use crate::domain::EventId;
use crate::formats::events::event_json;
use crate::ledger::Recorded;
use crate::projection::View;
use serde::Serialize;
use serde_json::Value;
use std::cell::RefCell;
use std::io::{self, Write};

/// Reads the log's events, oldest first, handing each to the visitor it is
/// given; stops at the visitor's first error and returns it. A table is
/// read twice (its columns are measured before a line is written).
pub type EachEvent<'a> = &'a dyn Fn(&mut dyn FnMut(&Recorded) -> io::Result<()>) -> io::Result<()>;

/// Writes the log of `view` in `format` to `out`, each event as it is
/// read from `events`; items named by `key_of`. Whole texts (`--wide`) are
/// laid out from every row at once, so for them the events are held.
pub fn log_to(
    view: &View,
    key_of: &dyn Fn(EventId) -> Option<String>,
    events: EachEvent<'_>,
    format: Format,
    look: &Look,
    out: &mut dyn Write,
) -> io::Result<()> {
    if format == Format::Json {
        return json_to(view, key_of, events, out);
    }
    if look.wrap || view.chain.events == 0 {
        let mut all = Vec::new();
        events(&mut |rec| {
            all.push(rec.clone());
            Ok(())
        })?;
        return out.write_all(log_keyed(view, key_of, &all, format, look).as_bytes());
    }
    let mut columns = Columns::new(&log_headers(look.lang), &LOG_MAX);
    events(&mut |rec| {
        columns.measure(&log_row(view, key_of, rec, look.lang));
        Ok(())
    })?;
    let fitted = columns.fit(look);
    out.write_all(log_head(view, look).as_bytes())?;
    columns.write_header(&fitted, out)?;
    events(&mut |rec| columns.write_row(&fitted, &log_row(view, key_of, rec, look.lang), out))
}

/// The log as JSON: keys in the order serde_json's sorted map gives them
/// (as [`log_keyed`] writes one value), "events" written element by element.
fn json_to(
    view: &View,
    key_of: &dyn Fn(EventId) -> Option<String>,
    events: EachEvent<'_>,
    out: &mut dyn Write,
) -> io::Result<()> {
    #[derive(Serialize)]
    struct Doc<'a> {
        events: Each<'a>,
        view: Value,
    }
    let doc = Doc {
        events: Each {
            key_of,
            events,
            failed: RefCell::new(None),
        },
        view: view.to_json(),
    };
    let mut ser = serde_json::Serializer::pretty(&mut *out);
    let written = doc.serialize(&mut ser);
    // A failure to read (or to write) inside the array is passed on as the
    // I/O error it was, not as a JSON error.
    if let Some(e) = doc.events.failed.take() {
        return Err(e);
    }
    written.map_err(io::Error::from)?;
    out.write_all(b"\n")
}

/// The events as a JSON array, each made as it is written.
struct Each<'a> {
    key_of: &'a dyn Fn(EventId) -> Option<String>,
    events: EachEvent<'a>,
    failed: RefCell<Option<io::Error>>,
}

impl Serialize for Each<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error as _, SerializeSeq};
        let mut seq = s.serialize_seq(None)?;
        let mut bad = None;
        let read = (self.events)(&mut |rec| {
            seq.serialize_element(&event_json(self.key_of, rec))
                .map_err(|e| {
                    bad = Some(e);
                    io::Error::other("writing the log as JSON")
                })
        });
        if let Some(e) = bad {
            return Err(e);
        }
        if let Err(e) = read {
            let message = e.to_string();
            *self.failed.borrow_mut() = Some(e);
            return Err(S::Error::custom(message));
        }
        seq.end()
    }
}

//! Comparing two moments: what changed between two rounds, two instants or
//! a moment and now, per item ([`crate::projection::diff`]), with the views
//! of both sides for rendering.

use super::{Workspace, find};
use crate::domain::Instant;
use crate::error::{Refusal, Result};
use crate::projection::diff::ItemDiff;
use crate::projection::{Basis, Diff, TimelineEntry, View, diff};

/// One side of a comparison, as the user named it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Side {
    /// Everything recorded.
    Now,
    /// What was recorded at an instant (named like a date or time; a round
    /// of that name wins).
    At {
        /// The instant.
        at: Instant,
        /// As typed.
        input: String,
    },
    /// A sealed round, by name.
    Round(String),
}

impl Side {
    /// Reads a side: `now`, something that looks like a date or timestamp,
    /// or else a round's name (checked once the store is open).
    pub fn parse(what: &str, s: &str) -> Side {
        let t = s.trim();
        if t.eq_ignore_ascii_case("now") {
            return Side::Now;
        }
        let looks_like_time = t.len() >= 10
            && t.as_bytes().get(4) == Some(&b'-')
            && t.bytes().take(4).all(|b| b.is_ascii_digit());
        match Instant::parse(what, t) {
            Ok(at) if looks_like_time => Side::At {
                at,
                input: t.to_string(),
            },
            _ => Side::Round(t.to_string()),
        }
    }
}

/// The two views compared and what differs between them.
#[derive(Debug)]
pub struct Comparison {
    /// The earlier side.
    pub from: View,
    /// The later side.
    pub to: View,
    /// The differences.
    pub diff: Diff,
}

fn basis(ws: &Workspace, side: &Side) -> Result<Basis> {
    Ok(match side {
        Side::Now => Basis::Current,
        // A round may be named like a date; its name wins.
        Side::At { input, .. } if ws.round(input)?.is_some() => {
            Basis::Round(find::round(ws, input)?)
        }
        Side::At { at, .. } => Basis::AsOf(at.clone()),
        Side::Round(name) => Basis::Round(find::round(ws, name)?),
    })
}

/// Compares `from` with `to`: with `all`, unchanged items are listed too;
/// with `events`, every event recorded in between is listed per item.
pub fn compare(
    ws: &Workspace,
    from: &Side,
    to: &Side,
    all: bool,
    events: bool,
) -> Result<Comparison> {
    let (vf, vt) = match (basis(ws, from)?, basis(ws, to)?) {
        (Basis::Round(a), Basis::Round(b)) => ws.round_views(a, b)?,
        (a, b) => (ws.view(a, None)?, ws.view(b, None)?),
    };
    if vf.chain.events > vt.chain.events {
        return Err(Refusal::FromAfterTo {
            from: crate::report::view_line(&vf, crate::formats::annex::Lang::En),
            to: crate::report::view_line(&vt, crate::formats::annex::Lang::En),
        }
        .into());
    }
    let mut d = diff::diff(&vf, &vt, all);
    if events {
        let upto = vt.last_seq();
        d.list_events(&mut |id| ws.events_since(id, vf.chain.events, upto))?;
        for item in &d.items {
            some_listed(item, &item.events)?;
        }
    }
    Ok(Comparison {
        from: vf,
        to: vt,
        diff: d,
    })
}

/// The events recorded about one item of `c`'s diff between its two sides
/// (its registration left out), read when asked: what [`compare`] with
/// `events` lists under every item beforehand, for a diff written an item
/// at a time, which would otherwise hold every event in between at once.
pub fn item_events(ws: &Workspace, c: &Comparison, d: &ItemDiff) -> Result<Vec<TimelineEntry>> {
    if d.tally.is_empty() {
        return Ok(Vec::new());
    }
    let events = ws.events_since(d.id, c.from.chain.events, c.to.last_seq())?;
    some_listed(d, &events)?;
    Ok(events)
}

/// Refuses, as damage, an item the index of views counts changes of
/// between the two sides when the item index lists none of its events
/// there: the list would be silently empty.
fn some_listed(d: &ItemDiff, events: &[TimelineEntry]) -> Result<()> {
    if events.is_empty() && !d.tally.is_empty() {
        return Err(crate::Error::Corrupt {
            seq: None,
            what: format!(
                "the index of views counts changes of item {} ({}) between the two sides, but the item index lists none of its events there; run `kamerstand verify` for details",
                d.key,
                d.id.hex()
            ),
        });
    }
    Ok(())
}

/// How a difference is to be written: `all` items (not only the changed),
/// the `events` in between, in `format` with `options`, drawn as `look`.
#[derive(Debug, Clone, Copy)]
pub struct Written {
    /// Every item, the unchanged too.
    pub all: bool,
    /// Each changed item's events in between.
    pub events: bool,
    /// The format.
    pub format: crate::report::letter::changes::DiffFormat,
    /// Language and grouping.
    pub options: crate::report::letter::changes::Options,
    /// How tables are drawn.
    pub look: crate::report::table::Look,
}

/// Writes the difference between `from` and `to` to `out`, as `kamerstand
/// diff` and the API give it, an item at a time in every format: the
/// events in between read as each item is written, not listed first, and
/// a Word file compressed as its rows are made, written to `out` once
/// whole. The outer error is the store's or the document's; the inner one
/// the output's, kept apart so that a closed pipe is not taken for a
/// failure to read.
pub fn write_to(
    ws: &Workspace,
    from: &Side,
    to: &Side,
    how: Written,
    out: &mut dyn std::io::Write,
) -> Result<std::io::Result<()>> {
    use crate::report::letter::changes::{self, DiffFormat, Sides};
    use crate::report::letter::changes_office::{self, DocxFailed};
    use std::io::Write as _;
    let c = compare(ws, from, to, how.all, false)?;
    let sides = Sides {
        from: &c.from,
        to: &c.to,
        diff: &c.diff,
    };
    // A failure to read the store is kept aside, so that it is reported
    // as what it is and not as a failure to write the output.
    let failed = std::cell::RefCell::new(None);
    let read = |d: &ItemDiff| {
        item_events(ws, &c, d).map_err(|e| {
            let message = e.to_string();
            *failed.borrow_mut() = Some(e);
            std::io::Error::other(message)
        })
    };
    let events = how.events.then_some(&read as changes::Events<'_>);
    if how.format == DiffFormat::Docx {
        let made = changes_office::docx_to(sides, how.options, events);
        return match (failed.take(), made) {
            (Some(e), _) => Err(e),
            (None, Ok(bytes)) => Ok(out.write_all(&bytes).and_then(|()| out.flush())),
            (None, Err(DocxFailed::Format(e))) => Err(e.for_file("docx")),
            (None, Err(DocxFailed::Read(e))) => Ok(Err(e)),
        };
    }
    let mut w = std::io::BufWriter::new(out);
    let written = match how.format {
        DiffFormat::Json => changes::json_to(sides, how.options, events, &mut w),
        _ => changes::write_to(sides, how.options, how.format, &how.look, events, &mut w),
    }
    .and_then(|()| w.flush());
    match failed.take() {
        Some(e) => Err(e),
        None => Ok(written),
    }
}

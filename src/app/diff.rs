//! Comparing two moments: what changed between two rounds, two instants or
//! a moment and now, per item ([`crate::projection::diff`]), with the views
//! of both sides for rendering.

use super::{Workspace, find};
use crate::domain::Instant;
use crate::error::{Refusal, Result};
use crate::projection::{Basis, Diff, View, diff};
use std::borrow::Cow;

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
pub struct Comparison<'a> {
    /// The earlier side.
    pub from: View<'a>,
    /// The later side.
    pub to: View<'a>,
    /// The differences.
    pub diff: Diff,
}

fn basis(ws: &Workspace, side: &Side) -> Result<(Basis, Option<u64>)> {
    Ok(match side {
        Side::Now => (Basis::Current, ws.state().events.checked_sub(1)),
        // A round may be named like a date; its name wins.
        Side::At { input, .. } if ws.state().round(input).is_some() => {
            let r = find::round(ws, input)?.clone();
            let seq = r.seq;
            (Basis::Round(r), Some(seq))
        }
        Side::At { at, .. } => (Basis::AsOf(at.clone()), ws.ledger().last_seq_at(at.at)?),
        Side::Round(name) => {
            let r = find::round(ws, name)?.clone();
            let seq = r.seq;
            (Basis::Round(r), Some(seq))
        }
    })
}

/// Compares `from` with `to`: with `all`, unchanged items are listed too;
/// with `events`, every event recorded in between is listed per item.
pub fn compare<'a>(
    ws: &'a Workspace,
    from: &Side,
    to: &Side,
    all: bool,
    events: bool,
) -> Result<Comparison<'a>> {
    let (bf, last_f) = basis(ws, from)?;
    let (bt, last_t) = basis(ws, to)?;
    let vf = ws.view(bf, None)?;
    // To list the events in between, the later side is the earlier one
    // with those events applied, so that the items changed in between keep
    // their timelines.
    let vt = match (last_f, last_t) {
        _ if !events => ws.view(bt, None)?,
        (_, None) => ws.view(bt, None)?,
        (f, Some(t)) if f.is_none_or(|f| f <= t) => View {
            state: Cow::Owned(ws.advance(vf.state.clone().into_owned(), t)?),
            basis: bt,
            effective: None,
        },
        _ => ws.view(bt, None)?,
    };
    if vf.state.events > vt.state.events {
        return Err(Refusal::FromAfterTo {
            from: vf.describe(),
            to: vt.describe(),
        }
        .into());
    }
    let d = diff::diff(&vf.state, &vt.state, all, events);
    Ok(Comparison {
        from: vf,
        to: vt,
        diff: d,
    })
}

//! `kamerstand diff`: what changed between two rounds, instants or now.

use super::view::find_round;
use super::{CliError, Env, Global, emit};
use crate::domain::Instant;
use crate::error::Error;
use crate::projection::{Basis, View, diff};
use crate::report;
use crate::workspace::Workspace;
use std::borrow::Cow;

/// Show what changed between two views: per item, added or withdrawn,
/// status and responsible from → to, progress notes, amendments and
/// corrections recorded in between, and a summary line.
///
/// FROM and TO are each a round name, an instant (RFC 3339, or YYYY-MM-DD
/// for the end of that day, Dutch time) or `now`. --format md gives text fit
/// to paste into a letter.
///
/// Example: kamerstand diff 2024-najaar 2025-voorjaar
///
/// Example: kamerstand diff 2025-voorjaar now --format md
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The earlier side, e.g. 2024-najaar or 2025-01-31.
    from: String,
    /// The later side, e.g. 2025-voorjaar or now.
    to: String,
    /// Also list items without change.
    #[arg(long)]
    all: bool,
    /// List every event recorded in between under its item (without it,
    /// each item shows how many notes, amendments and corrections were
    /// recorded, and its latest note). Reads every event in between.
    #[arg(long)]
    events: bool,
}

/// A side of the diff, parsed as far as possible without the store.
enum Side {
    Now,
    At(Dated),
    Round(String),
}

/// An instant with the text it was given as (a round might have that name).
struct Dated {
    at: Instant,
    input: String,
}

fn parse_side(what: &str, s: &str) -> Side {
    let t = s.trim();
    if t.eq_ignore_ascii_case("now") {
        return Side::Now;
    }
    // Something that looks like a date or timestamp is an instant; anything
    // else is a round name, checked once the store is open.
    let looks_like_time = t.len() >= 10
        && t.as_bytes().get(4) == Some(&b'-')
        && t.bytes().take(4).all(|b| b.is_ascii_digit());
    match Instant::parse(what, t) {
        Ok(at) if looks_like_time => Side::At(Dated {
            at,
            input: t.to_string(),
        }),
        _ => Side::Round(t.to_string()),
    }
}

/// The basis a side names, and the seq of the last event it holds.
fn basis(ws: &Workspace, side: &Side) -> Result<(Basis, Option<u64>), CliError> {
    Ok(match side {
        Side::Now => (Basis::Current, ws.state().events.checked_sub(1)),
        // A round may be named like a date; its name wins.
        Side::At(i) if ws.state().round(&i.input).is_some() => {
            let r = find_round(ws, &i.input)?.clone();
            let seq = r.seq;
            (Basis::Round(r), Some(seq))
        }
        Side::At(i) => (Basis::AsOf(i.at.clone()), ws.ledger().last_seq_at(i.at.at)?),
        Side::Round(name) => {
            let r = find_round(ws, name)?.clone();
            let seq = r.seq;
            (Basis::Round(r), Some(seq))
        }
    })
}

pub(super) fn run(a: &Args, g: &Global, env: &mut Env<'_>) -> Result<(), CliError> {
    let from = parse_side("FROM", &a.from);
    let to = parse_side("TO", &a.to);
    let ws = g.open(env)?;
    let (bf, last_f) = basis(&ws, &from)?;
    let (bt, last_t) = basis(&ws, &to)?;
    let vf = ws.view(bf.clone(), None)?;
    // Both sides come from checkpoints; to list the events in between, the
    // later side is the earlier one with those events applied, so that the
    // items changed in between keep their timelines.
    let vt = match (last_f, last_t) {
        _ if !a.events => ws.view(bt, None)?,
        (_, None) => ws.view(bt, None)?,
        (f, Some(t)) if f.is_none_or(|f| f <= t) => View {
            state: Cow::Owned(ws.advance(vf.state.clone().into_owned(), t)?),
            basis: bt,
            effective: None,
        },
        _ => ws.view(bt, None)?,
    };
    if vf.state.events > vt.state.events {
        return Err(CliError::Lib(Error::Rejected(format!(
            "FROM ({}) is later than TO ({}); give the earlier side first",
            vf.describe(),
            vt.describe()
        ))));
    }
    let d = diff::diff(&vf.state, &vt.state, a.all, a.events);
    emit(env, &report::diff_with(&vf, &vt, &d, g.format, &g.look))
}

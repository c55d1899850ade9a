//! `kamerstand log`: the event log.

use super::view::ViewArgs;
use super::{CliError, Env, Global, emit};
use crate::report;

/// Show the event log, oldest first: seq, recorded time, effective date,
/// actor, item, what happened and hash.
///
/// Example: kamerstand log --item M2 --limit 20
///
/// Example: kamerstand log --round 2025-voorjaar
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only events about this item, e.g. M2 (key or id prefix).
    #[arg(long, value_name = "KEY")]
    item: Option<String>,
    /// Only the last N events, e.g. 20.
    #[arg(long, value_name = "N")]
    limit: Option<usize>,
    #[command(flatten)]
    view: ViewArgs,
}

pub(super) fn run(a: &Args, g: &Global, env: &mut Env<'_>) -> Result<(), CliError> {
    let req = a.view.parse()?;
    let ws = g.open(env)?;
    let view = req.build(&ws)?;
    let last = view.last_seq();
    // Only the events the view holds; with --effective, only those in effect
    // on that day (events without an effective date are kept).
    let keep = |e: &crate::ledger::Recorded| {
        last.is_some_and(|l| e.envelope.seq <= l)
            && view
                .effective
                .is_none_or(|d| e.envelope.body.effective().is_none_or(|x| x <= d))
    };
    let limit = a.limit.unwrap_or(usize::MAX);
    let mut events: std::collections::VecDeque<crate::ledger::Recorded> =
        std::collections::VecDeque::new();
    let mut push = |e: crate::ledger::Recorded| {
        if keep(&e) {
            if events.len() == limit {
                events.pop_front();
            }
            if limit > 0 {
                events.push_back(e);
            }
        }
    };
    match &a.item {
        Some(k) => {
            let id = view.state.resolve(k)?.id;
            for e in ws.ledger().item_history(id)? {
                push(e);
            }
        }
        None => {
            // The last N events of the view are the N before its end, unless
            // --effective leaves some out: then the whole view is read (and
            // only N kept).
            let start = match (view.effective, last) {
                (None, Some(l)) if a.limit.is_some() => {
                    let from = (l + 1).saturating_sub(u64::try_from(limit).unwrap_or(u64::MAX));
                    match from.checked_sub(1) {
                        Some(before) => ws.ledger().get(before)?.map(|r| (before, r.hash)),
                        None => None,
                    }
                }
                _ => None,
            };
            for e in ws.ledger().events_after(start) {
                let e = e?;
                if last.is_none_or(|l| e.envelope.seq > l) {
                    break;
                }
                push(e);
            }
        }
    }
    let events: Vec<_> = events.into();
    emit(env, &report::log_with(&view, &events, g.format, &g.look))
}

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
    let mut events = match &a.item {
        Some(k) => {
            let id = view.state.resolve(k)?.id;
            ws.ledger().item_history(id)?
        }
        None => ws.ledger().events().collect::<crate::Result<Vec<_>>>()?,
    };
    // Only the events the view holds; with --effective, only those in effect
    // on that day (events without an effective date are kept).
    let last = view.last_seq();
    events.retain(|e| {
        last.is_some_and(|l| e.envelope.seq <= l)
            && view
                .effective
                .is_none_or(|d| e.envelope.body.effective().is_none_or(|x| x <= d))
    });
    if let Some(n) = a.limit {
        let skip = events.len().saturating_sub(n);
        events.drain(..skip);
    }
    emit(env, &report::log_with(&view, &events, g.format, &g.look))
}

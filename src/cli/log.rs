//! `kamerstand log`: the event log.

use super::{CliError, Env, Global, emit};
use crate::report;

/// Show the event log, oldest first: seq, recorded time, effective date,
/// actor, item, what happened and hash.
///
/// Example: kamerstand log --item M2 --limit 20
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only events about this item (key or id prefix).
    #[arg(long, value_name = "KEY")]
    item: Option<String>,
    /// Only the last N events.
    #[arg(long, value_name = "N")]
    limit: Option<usize>,
}

pub(super) fn run(a: &Args, g: &Global, env: &mut Env<'_>) -> Result<(), CliError> {
    let ws = g.open(env)?;
    let mut events = match &a.item {
        Some(k) => {
            let id = ws.state().resolve(k)?.id;
            ws.ledger().item_history(id)?
        }
        None => ws.ledger().events().collect::<crate::Result<Vec<_>>>()?,
    };
    if let Some(n) = a.limit {
        let skip = events.len().saturating_sub(n);
        events.drain(..skip);
    }
    emit(env, &report::log(ws.state(), &events, g.format))
}

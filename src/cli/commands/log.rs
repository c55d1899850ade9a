//! `kamerstand log`: the event log.

use crate::app::view;
use crate::cli::args::{ViewArgs, WideArgs};
use crate::cli::{CliError, Env, Global, emit};
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
    #[command(flatten)]
    wide: WideArgs,
}

pub(crate) fn run(a: &Args, g: &Global, env: &mut Env<'_>) -> Result<(), CliError> {
    let req = a.view.parse()?;
    let ws = g.open(env)?;
    let view = req.build(&ws)?;
    let look = a.wide.look(g);
    if let Some(s) = super::nothing_recorded(&ws, &view, g, &look)? {
        return emit(env, &s);
    }
    let events = view::events(&ws, &view, a.item.as_deref(), a.limit)?;
    emit(env, &report::log_with(&view, &events, g.report(), &look))
}

#[cfg(feature = "server")]
pub(crate) fn remote(
    a: &Args,
    r: &crate::cli::remote::Remote,
    env: &mut Env<'_>,
) -> Result<(), CliError> {
    let mut q = crate::cli::remote::view_query(&a.view);
    q.push(("item", a.item.clone()));
    q.push(("limit", a.limit.map(|l| l.to_string())));
    r.show(env, "/api/v1/log", &q)
}

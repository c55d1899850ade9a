//! `kamerstand log`: the event log.

use crate::app::view;
use crate::cli::args::{ViewArgs, WideArgs};
use crate::cli::{CliError, Env, Global, emit};
use crate::ledger::Recorded;
use crate::report;
use std::io::Write;

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
    if a.item.is_some() || a.limit.is_some() {
        let events = view::events(&ws, &view, a.item.as_deref(), a.limit)?;
        return emit(env, &report::log_with(&view, &events, g.report(), &look));
    }
    // The whole log is written as it is read: on a large ledger the events
    // and the text made of them took gigabytes. A failure to read the store
    // is kept aside, so that it is reported as what it is and not as a
    // failure to write the output.
    let keys: std::collections::BTreeMap<_, _> = view
        .items
        .iter()
        .map(|i| (i.id, i.key.to_string()))
        .collect();
    let key_of = |id| keys.get(&id).cloned();
    let failed = std::cell::RefCell::new(None);
    let each = |visit: &mut dyn FnMut(&Recorded) -> std::io::Result<()>| {
        let mut stopped = None;
        let read = view::each_event(&ws, &view, &mut |rec| match visit(rec) {
            Ok(()) => true,
            Err(e) => {
                stopped = Some(e);
                false
            }
        });
        if let Err(e) = read {
            let message = e.to_string();
            *failed.borrow_mut() = Some(e);
            return Err(std::io::Error::other(message));
        }
        stopped.map_or(Ok(()), Err)
    };
    let mut w = std::io::BufWriter::new(&mut *env.out);
    let written = report::logstream::log_to(&view, &key_of, &each, g.report(), &look, &mut w)
        .and_then(|()| w.flush());
    match (written, failed.take()) {
        (_, Some(e)) => Err(e.into()),
        (r, None) => r.map_err(CliError::from_output),
    }
}

#[cfg(feature = "server")]
pub(crate) fn remote(
    a: &Args,
    g: &Global,
    r: &crate::cli::remote::Remote,
    env: &mut Env<'_>,
) -> Result<(), CliError> {
    let mut q = crate::cli::remote::view_query(&a.view);
    q.push(("item", a.item.clone()));
    q.push(("limit", a.limit.map(|l| l.to_string())));
    q.extend(crate::cli::remote::wide_query(a.wide, g));
    r.show(env, "/api/v1/log", &q)
}

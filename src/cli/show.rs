//! `kamerstand show`: one item's card and full timeline.

use super::view::ViewArgs;
use super::{CliError, Env, Global, emit};
use crate::report;

/// Show an item: its text, citations, current status and responsible, its
/// progress notes and every event about it (seq, recorded time, effective
/// date, actor, change, hash).
///
/// Example: kamerstand show 34843-79 --as-of 2025-01-31
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Item key or id prefix, e.g. 34843-79 or M2.
    key: String,
    #[command(flatten)]
    view: ViewArgs,
}

pub(super) fn run(a: &Args, g: &Global, env: &mut Env<'_>) -> Result<(), CliError> {
    let req = a.view.parse()?;
    let ws = g.open(env)?;
    let mut view = req.build(&ws)?;
    let id = view.state.resolve(&a.key).map(|i| i.id);
    if let Ok(id) = id {
        ws.unfold_item(&mut view, id)?;
    }
    let item = view.state.resolve(&a.key).map_err(|e| {
        // Known now but not yet in the view: say so rather than "no item".
        match ws.state().resolve(&a.key) {
            Ok(now) => crate::Error::Rejected(format!(
                "item {} was registered at seq {}, after this view ({})",
                now.key,
                now.registered_seq,
                view.describe()
            )),
            Err(_) => e,
        }
    })?;
    let s = report::show_with(&view, item, g.format, &g.look);
    emit(env, &s)
}

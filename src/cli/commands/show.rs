//! `kamerstand show`: one item's card and full timeline.

use crate::app::find;
use crate::cli::args::{ViewArgs, WideArgs};
use crate::cli::{CliError, Env, Global, emit};
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
    #[command(flatten)]
    wide: WideArgs,
}

pub(crate) fn run(a: &Args, g: &Global, env: &mut Env<'_>) -> Result<(), CliError> {
    let req = a.view.parse()?;
    let ws = g.open(env)?;
    let view = req.build(&ws)?;
    let item = find::item_in_view(&ws, &view, &a.key)?;
    emit(
        env,
        &report::show_with(&view, &item, g.report(), &a.wide.look(g)),
    )
}

#[cfg(feature = "server")]
pub(crate) fn remote(
    a: &Args,
    g: &Global,
    r: &crate::cli::remote::Remote,
    env: &mut Env<'_>,
) -> Result<(), CliError> {
    use crate::cli::remote::{seg, view_query, wide_query};
    let mut q = view_query(&a.view);
    q.extend(wide_query(a.wide, g));
    r.show(env, &format!("/api/v1/items/{}", seg(&a.key)), &q)
}

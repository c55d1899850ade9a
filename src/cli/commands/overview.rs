//! `kamerstand overview`: the current overview.

use crate::cli::args::{FilterArgs, ViewArgs, WideArgs};
use crate::cli::{CliError, Env, Global, emit};
use crate::report;

/// Show the current overview, grouped Moties / Toezeggingen: status,
/// responsible and latest progress of every item.
///
/// Example: kamerstand overview --round 2025-voorjaar
///
/// Example: kamerstand overview --as-of 2025-01-31 --effective 2024-12-31
///
/// Example: kamerstand overview --ministry OCW --status in-uitvoering --wide
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    view: ViewArgs,
    #[command(flatten)]
    filter: FilterArgs,
    #[command(flatten)]
    wide: WideArgs,
}

pub(crate) fn run(a: &Args, g: &Global, env: &mut Env<'_>) -> Result<(), CliError> {
    let req = a.view.parse()?;
    let filter = a.filter.parse()?;
    let look = a.wide.look(g);
    let ws = g.open(env)?;
    let view = filter.apply(req.build(&ws)?)?;
    if let Some(s) = super::nothing_recorded(&ws, &view, g, &look)? {
        return emit(env, &s);
    }
    if g.report() == report::Format::Json {
        // Written an item at a time, not made whole first.
        return super::json_out(env, |w| report::overview_json_to(&view, w));
    }
    emit(env, &report::overview_with(&view, g.report(), &look))
}

#[cfg(feature = "server")]
pub(crate) fn remote(
    a: &Args,
    g: &Global,
    r: &crate::cli::remote::Remote,
    env: &mut Env<'_>,
) -> Result<(), CliError> {
    let mut q = crate::cli::remote::filtered_view_query(&a.view, &a.filter);
    q.extend(crate::cli::remote::wide_query(a.wide, g));
    r.show(env, "/api/v1/overview", &q)
}

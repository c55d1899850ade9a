//! `kamerstand overview`: the current overview.

use crate::cli::args::ViewArgs;
use crate::cli::{CliError, Env, Global, emit};
use crate::report;

/// Show the current overview, grouped Moties / Toezeggingen: status,
/// responsible and latest progress of every item.
///
/// Example: kamerstand overview --round 2025-voorjaar
///
/// Example: kamerstand overview --as-of 2025-01-31 --effective 2024-12-31
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    view: ViewArgs,
}

pub(crate) fn run(a: &Args, g: &Global, env: &mut Env<'_>) -> Result<(), CliError> {
    let req = a.view.parse()?;
    let ws = g.open(env)?;
    let view = req.build(&ws)?;
    emit(env, &report::overview_with(&view, g.report(), &g.look))
}

#[cfg(feature = "server")]
pub(crate) fn remote(
    a: &Args,
    r: &crate::cli::remote::Remote,
    env: &mut Env<'_>,
) -> Result<(), CliError> {
    r.show(
        env,
        "/api/v1/overview",
        &crate::cli::remote::view_query(&a.view),
    )
}

//! `kamerstand overview`: the current overview.

use super::{CliError, Env, Global, emit};
use crate::report;

/// Show the current overview, grouped Moties / Toezeggingen: status,
/// responsible and latest progress of every item.
///
/// Example: kamerstand overview --format json
#[derive(Debug, clap::Args)]
pub struct Args {}

pub(super) fn run(_a: &Args, g: &Global, env: &mut Env<'_>) -> Result<(), CliError> {
    let ws = g.open(env)?;
    emit(env, &report::overview(ws.state(), g.format))
}

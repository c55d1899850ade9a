//! `kamerstand show`: one item's card and full timeline.

use super::{CliError, Env, Global, emit};
use crate::report;

/// Show an item: its text, citations, current status and responsible, its
/// progress notes and every event about it (seq, recorded time, effective
/// date, actor, change, hash).
///
/// Example: kamerstand show 34843-79
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Item key or id prefix.
    key: String,
}

pub(super) fn run(a: &Args, g: &Global, env: &mut Env<'_>) -> Result<(), CliError> {
    let ws = g.open(env)?;
    let item = ws.state().resolve(&a.key)?;
    let s = report::show(ws.state(), item, g.format);
    emit(env, &s)
}

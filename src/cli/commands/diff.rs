//! `kamerstand diff`: what changed between two rounds, instants or now.

use crate::app::diff::{self, Side};
use crate::cli::{CliError, Env, Global, emit};
use crate::report;

/// Show what changed between two views: per item, added or withdrawn,
/// status and responsible from → to, progress notes, amendments and
/// corrections recorded in between, and a summary line.
///
/// FROM and TO are each a round name, an instant (RFC 3339, or YYYY-MM-DD
/// for the end of that day, Dutch time) or `now`. --format md gives text fit
/// to paste into a letter.
///
/// Example: kamerstand diff 2024-najaar 2025-voorjaar
///
/// Example: kamerstand diff 2025-voorjaar now --format md
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The earlier side, e.g. 2024-najaar or 2025-01-31.
    from: String,
    /// The later side, e.g. 2025-voorjaar or now.
    to: String,
    /// Also list items without change.
    #[arg(long)]
    all: bool,
    /// List every event recorded in between under its item (without it,
    /// each item shows how many notes, amendments and corrections were
    /// recorded, and its latest note). Reads every event in between.
    #[arg(long)]
    events: bool,
}

pub(crate) fn run(a: &Args, g: &Global, env: &mut Env<'_>) -> Result<(), CliError> {
    let from = Side::parse("FROM", &a.from);
    let to = Side::parse("TO", &a.to);
    let ws = g.open(env)?;
    let c = diff::compare(&ws, &from, &to, a.all, a.events)?;
    emit(
        env,
        &report::diff_with(&c.from, &c.to, &c.diff, g.report(), &g.look),
    )
}

#[cfg(feature = "server")]
pub(crate) fn remote(
    a: &Args,
    r: &crate::cli::remote::Remote,
    env: &mut Env<'_>,
) -> Result<(), CliError> {
    let yes = |b: bool| b.then(|| "true".to_string());
    r.show(
        env,
        "/api/v1/diff",
        &[
            ("from", Some(a.from.clone())),
            ("to", Some(a.to.clone())),
            ("all", yes(a.all)),
            ("events", yes(a.events)),
        ],
    )
}

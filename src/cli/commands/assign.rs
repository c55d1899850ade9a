//! `kamerstand assign`: record a change of responsible parties.

use crate::app::write::Write;
use crate::cli::args::{effective, reason};
use crate::cli::{CliError, Env, Global};
use crate::domain::Responsible;

/// Record that other parties became responsible for an item (e.g. after a
/// cabinet change).
///
/// Example: kamerstand assign M3 "MOCW en SJenV" --effective 2024-07-02 --reason "nieuw kabinet"
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Item key or id prefix, e.g. 34843-79 or M2.
    key: String,
    /// Responsible codes: role letter (M/S) and portfolio, joined by "en",
    /// e.g. "MOCW en SJenV".
    codes: String,
    /// When it took effect, YYYY-MM-DD (default: today).
    #[arg(long, value_name = "DATE")]
    effective: Option<String>,
    /// Why it changed, e.g. "nieuw kabinet" (kept in the history).
    #[arg(long, value_name = "TEXT")]
    reason: Option<String>,
}

pub(crate) fn run(a: &Args, g: &Global, env: &mut Env<'_>) -> Result<(), CliError> {
    let responsible = Responsible::parse(&a.codes)?;
    let effective = effective(a.effective.as_deref())?;
    let reason = reason(a.reason.as_deref())?;
    let mut ws = g.open(env)?;
    let receipt = ws.write(
        &g.actor,
        Write::Assign {
            item: a.key.clone(),
            responsible,
            effective,
            reason,
        },
    )?;
    let line = super::outcome_line(&ws, &receipt.outcome, g.look.lang);
    crate::cli::receipt(env, g, &ws, &receipt.recorded, &line)
}

#[cfg(feature = "server")]
pub(crate) fn remote(
    a: &Args,
    r: &crate::cli::remote::Remote,
    env: &mut Env<'_>,
) -> Result<(), CliError> {
    r.write(
        env,
        &format!("/api/v1/items/{}/assign", crate::cli::remote::seg(&a.key)),
        &serde_json::json!({"responsible": a.codes, "effective": a.effective, "reason": a.reason}),
    )
}

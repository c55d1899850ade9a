//! `kamerstand status`: record a status change.

use crate::app::write::Write;
use crate::cli::args::{effective, reason};
use crate::cli::{CliError, Env, Global};

/// Record that an item's status changed.
///
/// STATUS is a legend slug or its Dutch label, case-insensitively, e.g.
/// in-uitvoering or "In uitvoering met vertraging".
///
/// Example: kamerstand status 34843-79 vertraagd --effective 2025-03-01 --reason "pilot later gestart"
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Item key or id prefix, e.g. 34843-79 or M2.
    key: String,
    /// The new status: a legend slug or Dutch label, e.g. vertraagd.
    status: String,
    /// When it took effect, YYYY-MM-DD (default: today).
    #[arg(long, value_name = "DATE")]
    effective: Option<String>,
    /// Why it changed, e.g. "pilot later gestart" (kept in the history).
    #[arg(long, value_name = "TEXT")]
    reason: Option<String>,
}

pub(crate) fn run(a: &Args, g: &Global, env: &mut Env<'_>) -> Result<(), CliError> {
    let effective = effective(a.effective.as_deref())?;
    let reason = reason(a.reason.as_deref())?;
    let mut ws = g.open(env)?;
    let receipt = ws.write(
        &g.actor,
        Write::Status {
            item: a.key.clone(),
            status: a.status.clone(),
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
        &format!("/api/v1/items/{}/status", crate::cli::remote::seg(&a.key)),
        &serde_json::json!({"status": a.status, "effective": a.effective, "reason": a.reason}),
    )
}

//! `kamerstand correct`: record a correction of an earlier event.

use crate::app::write::{Correction, Write};
use crate::cli::args::effective;
use crate::cli::{CliError, Env, Global};
use crate::domain::{Responsible, text};

/// Correct an earlier event. History keeps both: the original stays in the
/// chain and views as of before the correction still show it; from the
/// correction on, views use the replacement.
///
/// EVENT is a seq number (as shown by `log` and `show`), or a prefix of at
/// least 8 hex digits of the event's id. A correction can itself be
/// corrected; the ledger's creation and round seals cannot.
///
/// Example: kamerstand correct 42 --status in-uitvoering --reason "verkeerde status overgenomen"
///
/// Example: kamerstand correct 57 --retract --reason "notitie hoorde bij een ander item"
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The event to correct: its seq, e.g. 42, or at least 8 hex digits of
    /// its id.
    event: String,
    /// Why the event was wrong, e.g. "verkeerde status overgenomen"
    /// (required).
    #[arg(long, value_name = "TEXT")]
    reason: String,
    /// Replacement status, e.g. in-uitvoering (status changes and
    /// registrations).
    #[arg(long, value_name = "STATUS")]
    status: Option<String>,
    /// Replacement responsible codes, e.g. SOCW (assignments and
    /// registrations).
    #[arg(long, value_name = "CODES")]
    responsible: Option<String>,
    /// Replacement note text (progress notes).
    #[arg(long, value_name = "TEXT")]
    note: Option<String>,
    /// Replacement effective date, YYYY-MM-DD.
    #[arg(long, value_name = "DATE")]
    effective: Option<String>,
    /// Withdraw the event's effect (a retracted registration withdraws the
    /// item).
    #[arg(long, conflicts_with_all = ["status", "responsible", "note", "effective"])]
    retract: bool,
}

pub(crate) fn run(a: &Args, g: &Global, env: &mut Env<'_>) -> Result<(), CliError> {
    let reason = text::free_text("--reason", &a.reason)?;
    let responsible = a
        .responsible
        .as_deref()
        .map(Responsible::parse)
        .transpose()?;
    let note = a
        .note
        .as_deref()
        .map(|n| text::free_text("--note", n))
        .transpose()?;
    let effective = effective(a.effective.as_deref())?;
    let mut ws = g.open(env)?;
    let receipt = ws.write(
        &g.actor,
        Write::Correct {
            event: a.event.clone(),
            reason,
            correction: Correction {
                status: a.status.clone(),
                responsible,
                note,
                effective,
                retract: a.retract,
            },
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
        "/api/v1/corrections",
        &serde_json::json!({
            "event": a.event,
            "reason": a.reason,
            "status": a.status,
            "responsible": a.responsible,
            "note": a.note,
            "effective": a.effective,
            "retract": a.retract,
        }),
    )
}

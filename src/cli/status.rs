//! `kamerstand status`: record a status change.

use super::{CliError, Env, Global, effective, reason, receipt};
use crate::domain::EventBody;
use crate::report::label;

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

pub(super) fn run(a: &Args, g: &Global, env: &mut Env<'_>) -> Result<(), CliError> {
    let eff = effective(a.effective.as_deref())?;
    let why = reason(a.reason.as_deref())?;
    let mut ws = g.open(env)?;
    let legend = ws.state().legend();
    let status = legend.resolve(&a.status)?.slug.clone();
    let item = ws.state().resolve(&a.key)?;
    let (id, key) = (item.id, item.key.clone());
    let effective = ws.day_or_today(eff);
    let item = ws.state().resolve(&a.key)?;
    let from = item.status_at(Some(effective)).to_string();
    let rec = ws.record(
        &g.actor,
        EventBody::StatusChanged {
            item: id,
            status: status.clone(),
            reason: why,
            effective,
        },
    )?;
    let mut line = format!(
        "{key}: status {} → {}, effective {effective}",
        label(&legend, &from),
        label(&legend, &status)
    );
    let item = ws.state().resolve(&a.key)?;
    if item.status() != status {
        line.push_str(&format!(
            "\nnote: a change with a later effective date stays current: {}",
            label(&legend, item.status())
        ));
    }
    receipt(env, g, &ws, &rec, &line)
}

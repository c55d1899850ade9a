//! `kamerstand assign`: record a change of responsible parties.

use super::{CliError, Env, Global, effective, reason, receipt};
use crate::domain::{EventBody, Responsible};

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

pub(super) fn run(a: &Args, g: &Global, env: &mut Env<'_>) -> Result<(), CliError> {
    let responsible = Responsible::parse(&a.codes)?;
    let eff = effective(a.effective.as_deref())?;
    let why = reason(a.reason.as_deref())?;
    let mut ws = g.open(env)?;
    let item = ws.state().resolve(&a.key)?;
    let (id, key) = (item.id, item.key.clone());
    let effective = ws.day_or_today(eff);
    let from = ws.state().resolve(&a.key)?.responsible_at(Some(effective));
    let rec = ws.record(
        &g.actor,
        EventBody::ResponsibilityChanged {
            item: id,
            responsible: responsible.clone(),
            reason: why,
            effective,
        },
    )?;
    let mut line = format!("{key}: responsible {from} → {responsible}, effective {effective}");
    let now = ws.state().resolve(&a.key)?.responsible();
    if !now.same_parties(&responsible) {
        line.push_str(&format!(
            "\nnote: an assignment with a later effective date stays current: {now}"
        ));
    }
    receipt(env, g, &ws, &rec, &line)
}

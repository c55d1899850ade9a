//! `kamerstand correct`: record a correction of an earlier event.

use super::{CliError, Env, Global, effective, receipt};
use crate::domain::{EventBody, Invalid, Replacement, Responsible, text};
use crate::error::Error;
use crate::ledger::Recorded;
use crate::workspace::Workspace;

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

/// Finds the event named by a seq or an id prefix.
fn find_event(ws: &Workspace, input: &str) -> Result<Recorded, CliError> {
    let t = input.trim();
    if !t.is_empty() && t.len() < 8 && t.bytes().all(|b| b.is_ascii_digit()) {
        let seq: u64 = t
            .parse()
            .map_err(|_| Invalid::new("EVENT", input, "a seq number or an id prefix"))?;
        return ws.ledger().get(seq)?.ok_or_else(|| {
            CliError::Lib(Error::Rejected(format!(
                "there is no event with seq {seq} (the last is seq {}); `kamerstand log` lists them",
                ws.state().events.saturating_sub(1)
            )))
        });
    }
    let hex: String = t
        .chars()
        .filter(|c| *c != '-')
        .collect::<String>()
        .to_ascii_lowercase();
    if hex.len() < 8 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(Invalid::new(
            "EVENT",
            input,
            "a seq number (e.g. 42) or at least 8 hex digits of an event id",
        )
        .into());
    }
    let mut found = Vec::new();
    for rec in ws.ledger().events() {
        let rec = rec?;
        if rec.envelope.id.hex().starts_with(&hex) {
            found.push(rec);
        }
    }
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(CliError::Lib(Error::Rejected(format!(
            "no event has an id starting with '{hex}'; `kamerstand log --format json` shows ids"
        )))),
        n => Err(CliError::Lib(Error::Rejected(format!(
            "id prefix '{hex}' matches {n} events (seqs {}); give more digits or the seq",
            found
                .iter()
                .map(|r| r.envelope.seq.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )))),
    }
}

pub(super) fn run(a: &Args, g: &Global, env: &mut Env<'_>) -> Result<(), CliError> {
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
    let eff = effective(a.effective.as_deref())?;
    let mut ws = g.open(env)?;
    let status = match &a.status {
        Some(s) => Some(ws.state().legend().resolve(s)?.slug.clone()),
        None => None,
    };
    let target = find_event(&ws, &a.event)?;
    let env_t = &target.envelope;
    let Some(item) = target.item() else {
        return Err(CliError::Lib(Error::Rejected(format!(
            "seq {} is a {} event, which cannot be corrected (only item events can)",
            env_t.seq,
            env_t.body.kind_name().replace('_', " ")
        ))));
    };
    let (seq, id) = (env_t.seq, env_t.id);
    let rec = ws.record(
        &g.actor,
        EventBody::Corrected {
            target_seq: seq,
            target_id: id,
            item,
            reason,
            replacement: Replacement {
                status,
                responsible,
                note,
                effective: eff,
                retract: a.retract,
            },
        },
    )?;
    let key = ws
        .state()
        .items
        .get(&item)
        .map_or_else(|| item.hex(), |i| i.key.to_string());
    receipt(env, g, &ws, &rec, &format!("{key}: seq {seq} corrected"))
}

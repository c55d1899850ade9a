//! Finding what the user names: an event by its seq or an id prefix, a round
//! by its name (with "did you mean"), an item by key or id prefix (see
//! [`crate::projection::State::resolve`]).

use super::Workspace;
use crate::domain::{Invalid, text};
use crate::error::{Error, Refusal, Result};
use crate::ledger::Recorded;
use crate::projection::Round;

/// The event named by a seq (fewer than 8 digits) or by a prefix of at
/// least 8 hex digits of its id.
pub fn event(ws: &Workspace, input: &str) -> Result<Recorded> {
    let t = input.trim();
    if !t.is_empty() && t.len() < 8 && t.bytes().all(|b| b.is_ascii_digit()) {
        let seq: u64 = t
            .parse()
            .map_err(|_| Invalid::new("EVENT", input, "a seq number or an id prefix"))?;
        return ws.ledger().get(seq)?.ok_or_else(|| {
            Refusal::UnknownSeq {
                seq,
                last: ws.state().events.saturating_sub(1),
            }
            .into()
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
        0 => Err(Refusal::UnknownEventId { prefix: hex }.into()),
        _ => Err(Refusal::AmbiguousEventId {
            prefix: hex,
            seqs: found.iter().map(|r| r.envelope.seq).collect(),
        }
        .into()),
    }
}

/// The sealed round of that name (any case), or a refusal that lists what
/// exists and suggests the closest names.
pub fn round<'a>(ws: &'a Workspace, name: &str) -> Result<&'a Round> {
    let state = ws.state();
    state.round(name).ok_or_else(|| {
        Error::from(Refusal::UnknownRound {
            name: text::shorten(name, 60),
            suggestions: text::closest(name, state.rounds.iter().map(|r| r.name.as_str()), 3),
            known: state.rounds.iter().map(|r| r.name.clone()).collect(),
        })
    })
}

/// The item named by `input` in `view`, with its whole history (for its
/// timeline). An item known now but registered after the view is refused
/// as such rather than as unknown.
pub fn item_in_view<'v>(
    ws: &Workspace,
    view: &'v mut crate::projection::View<'_>,
    input: &str,
) -> Result<&'v crate::projection::ItemState> {
    if let Ok(id) = view.state.resolve(input).map(|i| i.id) {
        ws.unfold_item(view, id)?;
    }
    let described = view.describe();
    view.state
        .resolve(input)
        .map_err(|e| match ws.state().resolve(input) {
            Ok(now) => Refusal::ItemNotInView {
                key: now.key.to_string(),
                registered_seq: now.registered_seq,
                view: described,
            }
            .into(),
            Err(_) => e,
        })
}

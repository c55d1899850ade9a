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
                last: ws.events().saturating_sub(1),
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
pub fn round(ws: &Workspace, name: &str) -> Result<Round> {
    let rounds = ws.rounds()?;
    if let Some(r) = rounds
        .iter()
        .find(|r| r.name.eq_ignore_ascii_case(name.trim()))
    {
        return sealed(ws, r.clone());
    }
    // The rounds come from the index. Before a name is refused as unknown,
    // the chain is asked (a whole read, but only on this refusal): a round
    // the chain sealed that the index lacks is damage to the index, not a
    // wrong name.
    for rec in ws.ledger().events() {
        let rec = rec?;
        if let Some(seal) = rec.envelope.body.seal()
            && seal.name.eq_ignore_ascii_case(name.trim())
        {
            return Err(Error::Corrupt {
                seq: Some(rec.envelope.seq),
                what: format!(
                    "round '{}' is sealed in the chain but missing from the index of rounds (ix_rounds); run `kamerstand verify` (and `--rebuild-index` if the chain holds)",
                    seal.name
                ),
            });
        }
    }
    Err(Error::from(Refusal::UnknownRound {
        name: text::shorten(name, 60),
        suggestions: text::closest(name, rounds.iter().map(|r| r.name.as_str()), 3),
        known: rounds.iter().map(|r| r.name.clone()).collect(),
    }))
}

/// The item named by `input` in `view` (by key or id prefix, resolved
/// against the ledger now) with its whole history up to the view (for its
/// timeline). An item known now but registered after the view is refused
/// as such rather than as unknown.
pub fn item_in_view(
    ws: &Workspace,
    view: &crate::projection::View,
    input: &str,
) -> Result<crate::projection::ItemState> {
    let r = ws.resolve(input)?;
    let upto = view.last_seq();
    let it = match upto {
        Some(s) => ws.item_state(r.id, Some(s))?,
        None => None,
    };
    // The view read the item from the index; here it was folded from its
    // events. They must agree (as `verify` requires of every entry): an
    // index entry forged, or an event left out of the item index, is
    // refused where the two meet rather than shown beside the other.
    if let (Some(it), Some(s)) = (&it, upto)
        && let Some(shown) = view.items.iter().find(|i| i.id == r.id)
        && *shown != crate::projection::ItemView::of(it, view.effective)
    {
        return Err(Error::Corrupt {
            seq: Some(s),
            what: format!(
                "item {} as the index gives it differs from its events (read through the item index) up to seq {s}; run `kamerstand verify` (and `--rebuild-index` if the chain holds)",
                r.key
            ),
        });
    }
    if let Some(it) = it {
        return Ok(it);
    }
    // Registered after the view, or the item index lost its events: the
    // view itself shows the item, or no event of it is listed at all.
    match ws.item_state(r.id, None)? {
        Some(whole) if !view.items.iter().any(|i| i.id == r.id) => Err(Refusal::ItemNotInView {
            key: r.key.to_string(),
            registered_seq: whole.registered_seq,
            view: crate::report::view_line(view, crate::formats::annex::Lang::En),
        }
        .into()),
        _ => Err(Error::Corrupt {
            seq: upto,
            what: format!(
                "the item index lists no event of item {} ({}) up to this view, where the index of views has the item; run `kamerstand verify` for details",
                r.key,
                r.id.hex()
            ),
        }),
    }
}

/// Every sealed round, each checked against its seal (see [`sealed`]).
pub fn rounds(ws: &Workspace) -> Result<Vec<Round>> {
    ws.rounds()?.into_iter().map(|r| sealed(ws, r)).collect()
}

/// `r` as the index holds it, checked against its seal in the chain: the
/// seal is read (and must still be linked into the chain), and the round
/// it makes must be the index's, digest, head and tree included. A round's
/// digest is what a letter publishes and its tree what a note signs, so
/// neither is taken from the index alone. Two event reads per round.
pub fn sealed(ws: &Workspace, r: Round) -> Result<Round> {
    let from_chain = ws.ledger().get_linked(r.seq)?.and_then(|rec| {
        let mut state = crate::projection::State::default();
        state.apply(&rec);
        state.rounds.pop()
    });
    if from_chain.as_ref() == Some(&r) {
        return Ok(r);
    }
    Err(Error::Corrupt {
        seq: Some(r.seq),
        what: format!(
            "round '{}' in the index of rounds (ix_rounds) is not the round the chain's seal at seq {} records{}; run `kamerstand verify` (and `--rebuild-index` if the chain holds)",
            text::shorten(&r.name, 60),
            r.seq,
            match from_chain {
                Some(c) if c.digest != r.digest => format!(
                    " (the index says digest {}, the seal hashes to {})",
                    r.digest.short(),
                    c.digest.short()
                ),
                Some(_) => String::new(),
                None => " (there is no seal there)".into(),
            }
        ),
    })
}

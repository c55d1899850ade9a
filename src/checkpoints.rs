//! Loading a [`State`] at any seq from the nearest earlier checkpoint and
//! the events after it, and keeping checkpoints in place.
//!
//! A checkpoint is kept after every [`Ledger::checkpoint_every`] events and
//! at every sealed round. Before one is used, its header must name the hash
//! the chain has at its seq and its payload must match its SHA-256 (see
//! [`checkpoint::decode`]); one that fails is passed over for an earlier one
//! (or for a replay from the first event) and rebuilt when the fold reaches
//! its seq. `verify` goes further and compares every checkpoint byte for
//! byte with one rebuilt from the events ([`check_all`]).
//!
//! The states loaded here are compacted at every checkpoint seq (see
//! [`crate::projection::ItemState::compact`]); an item that an event needs
//! the history of is refolded from its own events through the item index
//! ([`refold`]), so the values are those of a full replay.

use crate::domain::{Day, EventBody, EventHash, EventId};
use crate::error::{Error, Result};
use crate::ledger::{Ledger, Recorded};
use crate::projection::State;
use crate::projection::checkpoint::{self, Checkpoint};
use std::collections::BTreeSet;

/// A loaded state and how it was reached.
#[derive(Debug, Default)]
pub struct Loaded {
    /// The state after the last event asked for.
    pub state: State,
    /// The checkpoint it started from, if any.
    pub from: Option<u64>,
    /// Events folded after that checkpoint.
    pub folded: u64,
    /// Checkpoints passed over, with why.
    pub bypassed: Vec<(u64, String)>,
}

/// True if a checkpoint belongs after `rec`.
pub fn is_position(ledger: &Ledger, rec: &Recorded) -> bool {
    (rec.envelope.seq + 1).is_multiple_of(ledger.checkpoint_every())
        || matches!(rec.envelope.body, EventBody::RoundSealed { .. })
}

/// Replaces item `id` in `state` by the item folded from all its events up to
/// seq `upto`: those in the ledger and those in `pending` (a batch not yet
/// written).
pub fn refold(
    ledger: &Ledger,
    state: &mut State,
    id: EventId,
    upto: u64,
    pending: &[Recorded],
) -> Result<()> {
    let mut events = ledger.item_history_upto(id, upto)?;
    events.extend(
        pending
            .iter()
            .filter(|r| r.item() == Some(id) && r.envelope.seq <= upto)
            .cloned(),
    );
    let mut folded = State::replay(events.iter());
    match folded.items.remove(&id) {
        Some(item) => {
            state.replace_item(item);
            Ok(())
        }
        None => Err(Error::Corrupt {
            seq: None,
            what: format!(
                "the item index holds no registration for item {}; run `kamerstand verify` for details",
                id.hex()
            ),
        }),
    }
}

/// Applies `rec` to `state`, refolding first the item it needs the history
/// of, if any (`pending` as for [`refold`]).
pub fn apply(
    ledger: &Ledger,
    state: &mut State,
    rec: &Recorded,
    pending: &[Recorded],
) -> Result<()> {
    if let Some(id) = state.needs_history(&rec.envelope.body) {
        refold(
            ledger,
            state,
            id,
            rec.envelope.seq.saturating_sub(1),
            pending,
        )?;
    }
    state.apply(rec);
    Ok(())
}

/// As [`apply`], deciding `rec` (against the state with its history
/// restored) before applying it.
pub fn apply_checked(
    ledger: &Ledger,
    state: &mut State,
    rec: &Recorded,
    pending: &[Recorded],
    today: Day,
) -> Result<()> {
    if let Some(id) = state.needs_history_to_decide(&rec.envelope.body) {
        refold(
            ledger,
            state,
            id,
            rec.envelope.seq.saturating_sub(1),
            pending,
        )?;
    }
    crate::projection::decide::check(state, &rec.envelope.body, today)?;
    state.apply(rec);
    Ok(())
}

/// As [`answer_on`] for a view's own copy of a state: each item refolded
/// for `day` is then reduced to what a view on that day shows (see
/// [`crate::projection::ItemState::focus`]), so that memory stays bounded
/// however many items need their history.
pub fn focus_on(ledger: &Ledger, state: &mut State, day: Day) -> Result<()> {
    refold_for(ledger, state, Some(day), |it| it.focus(day))
}

/// Makes every item of `state` answer for `day` (see
/// [`crate::projection::ItemState::answers_on`]) by refolding the compacted
/// items that cannot; the state must hold exactly the events up to its head.
pub fn answer_on(ledger: &Ledger, state: &mut State, day: Option<Day>) -> Result<()> {
    refold_for(ledger, state, day, |_| {})
}

/// Refolds the items that cannot answer for `day`, passing each to `then`.
fn refold_for(
    ledger: &Ledger,
    state: &mut State,
    day: Option<Day>,
    mut then: impl FnMut(&mut crate::projection::ItemState),
) -> Result<()> {
    let Some(last) = state.events.checked_sub(1) else {
        return Ok(());
    };
    for id in state.unanswerable_on(day) {
        refold(ledger, state, id, last, &[])?;
        if let Some(it) = state.items.get_mut(&id) {
            then(it);
        }
    }
    Ok(())
}

/// Gives item `id` its full history in `state` (for a timeline).
pub fn full_item(ledger: &Ledger, state: &mut State, id: EventId) -> Result<()> {
    match (state.items.get(&id), state.events.checked_sub(1)) {
        (Some(it), Some(last)) if !it.is_full() => refold(ledger, state, id, last, &[]),
        _ => Ok(()),
    }
}

/// Checks stored checkpoint bytes against the chain.
fn trust(
    ledger: &Ledger,
    seq: u64,
    bytes: Option<Vec<u8>>,
) -> std::result::Result<Checkpoint, String> {
    let bytes = bytes.ok_or_else(|| "it went missing while it was read".to_string())?;
    let cp = checkpoint::decode(&bytes)?;
    if cp.seq != seq {
        return Err(format!(
            "it is stored under seq {seq} but built at seq {}",
            cp.seq
        ));
    }
    match ledger.get(seq) {
        Ok(Some(rec)) if rec.hash == cp.hash => Ok(cp),
        Ok(Some(_)) => Err("the event hash it names is not the chain's at its seq".into()),
        Ok(None) => Err("no event is stored at its seq".into()),
        Err(e) => Err(format!("its event cannot be read ({e})")),
    }
}

/// The state after the events up to and including seq `upto` (the head when
/// None). With `maintain`, checkpoints missing or passed over on the way are
/// written.
pub fn load(ledger: &Ledger, upto: Option<u64>, maintain: bool) -> Result<Loaded> {
    load_with_progress(ledger, upto, maintain, &mut |_, _| {})
}

/// As [`load`], reporting `progress(events folded, events to fold)`.
pub fn load_with_progress(
    ledger: &Ledger,
    upto: Option<u64>,
    maintain: bool,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Loaded> {
    let Some(head) = ledger.head() else {
        return Ok(Loaded::default());
    };
    let upto = upto.map_or(head.seq, |u| u.min(head.seq));
    let mut out = Loaded::default();
    let mut start: Option<(u64, EventHash)> = None;
    // Checkpoints that cannot be listed or read are passed over like
    // damaged ones: the events alone give the same state.
    for seq in ledger.checkpoints_before(upto) {
        let Ok(seq) = seq else {
            break;
        };
        let bytes = match ledger.checkpoint(seq) {
            Ok(b) => b,
            Err(e) => {
                out.bypassed.push((seq, format!("it cannot be read ({e})")));
                continue;
            }
        };
        match trust(ledger, seq, bytes) {
            Ok(cp) => {
                start = Some((cp.seq, cp.hash));
                out.state = cp.state;
                out.from = Some(cp.seq);
                break;
            }
            Err(why) => out.bypassed.push((seq, why)),
        }
    }
    let rebuild: BTreeSet<u64> = out.bypassed.iter().map(|(s, _)| *s).collect();
    let first = start.map_or(0, |(s, _)| s + 1);
    let total = (upto + 1).saturating_sub(first);
    let every = crate::ledger::verify::PROGRESS_EVERY;
    for rec in ledger.events_after(start) {
        let rec = rec?;
        let seq = rec.envelope.seq;
        if seq > upto {
            break;
        }
        apply(ledger, &mut out.state, &rec, &[])?;
        out.folded += 1;
        if out.folded.is_multiple_of(every) {
            progress(out.folded, total);
        }
        if is_position(ledger, &rec) {
            out.state.lighten();
            if maintain && (rebuild.contains(&seq) || !ledger.has_checkpoint(seq)?) {
                keep(ledger, &out.state);
            }
        }
    }
    progress(total, total);
    Ok(out)
}

/// Writes the checkpoint of `state` at its last seq if it can: a
/// checkpoint only saves time, so a command whose event is recorded, or
/// whose view is built, does not fail because one could not be written (a
/// full disk, say); the next command that passes there tries again.
/// True if it was written.
pub fn keep(ledger: &Ledger, state: &State) -> bool {
    write(ledger, state).is_ok()
}

/// Writes the checkpoint of `state` at its last seq.
pub fn write(ledger: &Ledger, state: &State) -> Result<()> {
    match (checkpoint::encode(state), state.events.checked_sub(1)) {
        (Some(bytes), Some(seq)) => ledger.put_checkpoint(seq, &bytes),
        _ => Ok(()),
    }
}

/// What [`check_all`] found.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct CheckReport {
    /// Checkpoints that equal the ones rebuilt from the events.
    pub good: u64,
    /// Checkpoints that do not, with why.
    pub bad: Vec<(u64, String)>,
    /// Seqs where a checkpoint is expected but none is stored (not damage:
    /// the next command that passes there writes it).
    pub missing: Vec<u64>,
    /// Seqs whose checkpoint was written anew (when asked to rebuild).
    pub rebuilt: Vec<u64>,
}

impl CheckReport {
    /// True when no damaged checkpoint is left in place.
    pub fn ok(&self) -> bool {
        self.bad.iter().all(|(s, _)| self.rebuilt.contains(s))
    }
}

/// Rebuilds every checkpoint from the events and compares it with the
/// stored one, byte for byte; with `rebuild`, writes the ones that differ or
/// are missing (and removes those beyond the last event). Call only on a
/// chain that verified.
pub fn check_all(
    ledger: &Ledger,
    rebuild: bool,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<CheckReport> {
    let mut report = CheckReport::default();
    let Some(head) = ledger.head() else {
        return Ok(report);
    };
    let stored = ledger.checkpoint_seqs()?;
    let mut state = State::default();
    let every = crate::ledger::verify::PROGRESS_EVERY;
    for rec in ledger.events() {
        let rec = rec?;
        let seq = rec.envelope.seq;
        apply(ledger, &mut state, &rec, &[])?;
        if (seq + 1).is_multiple_of(every) {
            progress(seq + 1, head.seq + 1);
        }
        let position = is_position(ledger, &rec);
        if position {
            state.lighten();
        }
        if !stored.contains(&seq) {
            if position {
                report.missing.push(seq);
                if rebuild {
                    write(ledger, &state)?;
                    report.rebuilt.push(seq);
                }
            }
            continue;
        }
        let expected = checkpoint::encode(&state).unwrap_or_default();
        let bad_before = report.bad.len();
        match ledger.checkpoint(seq)? {
            None => report
                .bad
                .push((seq, "it went missing while verify ran".into())),
            Some(bytes) if bytes == expected => report.good += 1,
            Some(bytes) => {
                let why = match trust(ledger, seq, Some(bytes)) {
                    Err(why) => why,
                    Ok(_) => "its state differs from the one the events give".into(),
                };
                report.bad.push((seq, why));
            }
        }
        if rebuild && report.bad.len() > bad_before {
            ledger.put_checkpoint(seq, &expected)?;
            report.rebuilt.push(seq);
        }
    }
    for seq in stored.range(head.seq + 1..) {
        report
            .bad
            .push((*seq, "it lies beyond the last event".into()));
        if rebuild {
            ledger.remove_checkpoint(*seq)?;
            report.rebuilt.push(*seq);
        }
    }
    progress(head.seq + 1, head.seq + 1);
    Ok(report)
}

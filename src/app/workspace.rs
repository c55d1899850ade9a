//! A ledger together with the state rebuilt from it: the library's entry
//! point for recording. `record` decides (against the state), appends (to the
//! ledger) and applies (to the state), in that order, so a refused event
//! leaves no trace.

use crate::checkpoints;
use crate::domain::{Day, EventBody, Legend, Timestamp};
use crate::error::Result;
use crate::ledger::{Draft, Ledger, OpenOptions, Recorded};
use crate::projection::{Basis, State, View, decide};
use std::borrow::Cow;
use std::path::Path;

/// An open ledger and its current state.
#[derive(Debug)]
pub struct Workspace {
    ledger: Ledger,
    state: State,
}

impl Workspace {
    /// Creates a new ledger with its `ledger_created` event.
    pub fn create(
        path: &Path,
        opts: OpenOptions,
        actor: &str,
        programme: String,
        title: String,
        legend: Legend,
    ) -> Result<Workspace> {
        let genesis = EventBody::LedgerCreated {
            programme,
            title,
            legend,
        };
        decide::check(
            &State::default(),
            &genesis,
            Day::of(Timestamp::from_unix_nanos(0)),
        )?;
        let ledger = Ledger::create(path, opts, actor, genesis)?;
        let state = State::replay_results(ledger.events())?;
        Ok(Workspace { ledger, state })
    }

    /// Opens a ledger and loads its current state: from the latest good
    /// checkpoint and the events after it, writing the checkpoints that are
    /// missing or damaged on the way (see [`crate::checkpoints`]).
    pub fn open(path: &Path, opts: OpenOptions) -> Result<Workspace> {
        Workspace::open_with_progress(path, opts, &mut |_, _| {})
    }

    /// As [`Workspace::open`], reporting `progress(events replayed, events
    /// in the ledger)` while it replays.
    pub fn open_with_progress(
        path: &Path,
        opts: OpenOptions,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<Workspace> {
        let ledger = Ledger::open(path, opts)?;
        let state = checkpoints::load_with_progress(&ledger, None, true, progress)?.state;
        Ok(Workspace { ledger, state })
    }

    /// Loads the state of a ledger opened (or restored) by the caller.
    pub fn from_ledger(ledger: Ledger) -> Result<Workspace> {
        let state = checkpoints::load_with_progress(&ledger, None, true, &mut |_, _| {})?.state;
        Ok(Workspace { ledger, state })
    }

    /// The state after the events up to and including `upto`, loaded from
    /// the nearest good checkpoint.
    pub fn state_at(&self, upto: u64) -> Result<State> {
        if self.state.events == upto + 1 {
            return Ok(self.state.clone());
        }
        Ok(checkpoints::load(&self.ledger, Some(upto), false)?.state)
    }

    /// The current state.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// The view on `basis`, with every item able to answer for `effective`
    /// (compacted items that cannot are refolded from their events).
    pub fn view(&self, basis: Basis, effective: Option<Day>) -> Result<View<'_>> {
        let upto = match &basis {
            Basis::Current => None,
            Basis::AsOf(i) => Some(self.ledger.last_seq_at(i.at)?),
            Basis::Round(r) => Some(Some(r.seq)),
        };
        let mut state = match upto {
            None => Cow::Borrowed(&self.state),
            Some(None) => Cow::Owned(State::default()),
            Some(Some(seq)) => Cow::Owned(self.state_at(seq)?),
        };
        if let Some(day) = effective
            && !state.unanswerable_on(effective).is_empty()
        {
            checkpoints::focus_on(&self.ledger, state.to_mut(), day)?;
        }
        Ok(View {
            state,
            basis,
            effective,
        })
    }

    /// `state` with the events after it up to and including `upto` applied
    /// (no compaction on the way, so timelines of the interval are whole).
    pub fn advance(&self, mut state: State, upto: u64) -> Result<State> {
        let after = state.events.checked_sub(1).zip(state.head);
        for rec in self.ledger.events_after(after) {
            let rec = rec?;
            if rec.envelope.seq > upto {
                break;
            }
            checkpoints::apply(&self.ledger, &mut state, &rec, &[])?;
        }
        Ok(state)
    }

    /// Gives item `id` its full history in `view` (for its timeline).
    pub fn unfold_item(&self, view: &mut View<'_>, id: crate::domain::EventId) -> Result<()> {
        if view.state.items.get(&id).is_some_and(|i| !i.is_full()) {
            checkpoints::full_item(&self.ledger, view.state.to_mut(), id)?;
        }
        Ok(())
    }

    /// Makes every item of the current state answer for `day` (see
    /// [`crate::projection::ItemState::answers_on`]).
    pub fn answer_on(&mut self, day: Option<Day>) -> Result<()> {
        checkpoints::answer_on(&self.ledger, &mut self.state, day)
    }

    /// Gives item `id` its full history in `state` (a copy of the current
    /// one).
    pub(crate) fn unfold_into(&self, state: &mut State, id: crate::domain::EventId) -> Result<()> {
        checkpoints::full_item(&self.ledger, state, id)
    }

    /// Gives item `id` its full history in the current state.
    pub fn unfold_current(&mut self, id: crate::domain::EventId) -> Result<()> {
        checkpoints::full_item(&self.ledger, &mut self.state, id)
    }

    /// Each sealed round up to seq `limit` (all when None) with its status
    /// counts, each from the round's checkpoint.
    pub fn round_counts(&self, limit: Option<u64>) -> Result<crate::projection::view::RoundCounts> {
        self.state
            .rounds
            .iter()
            .filter(|r| limit.is_none_or(|l| r.seq <= l))
            .map(|r| Ok((r.clone(), self.state_at(r.seq)?.status_counts())))
            .collect()
    }

    /// The ledger.
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    /// `day`, or today when none was given: how every command fills in an
    /// effective date the clerk left out.
    pub fn day_or_today(&mut self, day: Option<Day>) -> Day {
        match day {
            Some(d) => d,
            None => self.today(),
        }
    }

    /// Today on the ledger's clock, in Dutch local time: the default
    /// effective date.
    pub fn today(&mut self) -> Day {
        Day::in_amsterdam(self.ledger.now())
    }

    /// Refolds the compacted item that `body` needs the history of, if any.
    fn unfold_for(&mut self, body: &EventBody) -> Result<()> {
        match (
            self.state.needs_history_to_decide(body),
            self.state.events.checked_sub(1),
        ) {
            (Some(id), Some(last)) => {
                checkpoints::refold(&self.ledger, &mut self.state, id, last, &[])
            }
            _ => Ok(()),
        }
    }

    /// Keeps a checkpoint after `rec` if one belongs there.
    fn checkpoint_after(&mut self, rec: &Recorded) -> Result<()> {
        if checkpoints::is_position(&self.ledger, rec) {
            self.state.lighten();
            checkpoints::keep(&self.ledger, &self.state);
        }
        Ok(())
    }

    /// Checks, appends durably and applies one event.
    pub fn record(&mut self, actor: &str, body: EventBody) -> Result<Recorded> {
        let today = self.today();
        self.unfold_for(&body)?;
        decide::check(&self.state, &body, today)?;
        let rec = self.ledger.append(actor, body)?;
        self.state.apply(&rec);
        self.checkpoint_after(&rec)?;
        Ok(rec)
    }

    /// A fresh id for a draft (see [`Ledger::new_id`]).
    pub fn new_id(&mut self) -> crate::domain::EventId {
        self.ledger.new_id()
    }

    /// Checks every draft against the state as it will be after the drafts
    /// before it, then appends them all atomically: all or nothing.
    pub fn record_batch(&mut self, actor: &str, drafts: Vec<Draft>) -> Result<Vec<Recorded>> {
        let today = self.today();
        let prepared = self.ledger.prepare(actor, drafts)?;
        // Check and apply the exact events in one pass on the live state. If
        // one is refused or the write fails, the state is reloaded from the
        // ledger, which the batch then never reached. The state is compacted
        // where checkpoints belong (a long import stays small in memory);
        // the last such checkpoint is written after the commit, earlier
        // ones by the next command that opens the ledger.
        let mut outcome = Ok(());
        let mut last_checkpoint = None;
        let records = prepared.records();
        for (i, rec) in records.iter().enumerate() {
            let step = checkpoints::apply_checked(
                &self.ledger,
                &mut self.state,
                rec,
                &records[..i],
                today,
            );
            if let Err(e) = step {
                outcome = Err(e);
                break;
            }
            if checkpoints::is_position(&self.ledger, rec) {
                self.state.lighten();
                last_checkpoint = Some(self.state.clone());
            }
        }
        let result = outcome.and_then(|()| self.ledger.commit(prepared));
        match &result {
            Err(_) => self.state = checkpoints::load(&self.ledger, None, false)?.state,
            Ok(_) => {
                if let Some(s) = last_checkpoint {
                    checkpoints::keep(&self.ledger, &s);
                }
            }
        }
        result
    }

    /// Checks a batch exactly as [`Workspace::record_batch`] would, against a
    /// copy of the state, and returns the events it would append. Writes
    /// nothing.
    pub fn dry_run(&mut self, actor: &str, drafts: Vec<Draft>) -> Result<Vec<Recorded>> {
        let today = self.today();
        let prepared = self.ledger.prepare(actor, drafts)?;
        let mut scratch = self.state.clone();
        let records = prepared.records();
        for (i, rec) in records.iter().enumerate() {
            checkpoints::apply_checked(&self.ledger, &mut scratch, rec, &records[..i], today)?;
        }
        Ok(records.to_vec())
    }
}

//! A ledger together with the state rebuilt from it: the library's entry
//! point for recording. `record` decides (against the state), appends (to the
//! ledger) and applies (to the state), in that order, so a refused event
//! leaves no trace.

use crate::domain::{Day, EventBody, Legend, Timestamp};
use crate::error::Result;
use crate::ledger::{Draft, Ledger, OpenOptions, Recorded};
use crate::projection::{State, decide};
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

    /// Opens a ledger and replays it.
    pub fn open(path: &Path, opts: OpenOptions) -> Result<Workspace> {
        let ledger = Ledger::open(path, opts)?;
        let state = State::replay_results(ledger.events())?;
        Ok(Workspace { ledger, state })
    }

    /// As [`Workspace::open`], reporting `progress(events replayed, events
    /// in the ledger)` while it replays.
    pub fn open_with_progress(
        path: &Path,
        opts: OpenOptions,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<Workspace> {
        let ledger = Ledger::open(path, opts)?;
        let total = ledger.head().map_or(0, |h| h.seq.saturating_add(1));
        let every = crate::ledger::verify::PROGRESS_EVERY;
        let events = ledger.events().inspect(|r| {
            if let Ok(rec) = r
                && (rec.envelope.seq + 1).is_multiple_of(every)
            {
                progress(rec.envelope.seq + 1, total);
            }
        });
        let state = State::replay_results(events)?;
        progress(total, total);
        Ok(Workspace { ledger, state })
    }

    /// The current state.
    pub fn state(&self) -> &State {
        &self.state
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

    /// Checks, appends durably and applies one event.
    pub fn record(&mut self, actor: &str, body: EventBody) -> Result<Recorded> {
        let today = self.today();
        decide::check(&self.state, &body, today)?;
        let rec = self.ledger.append(actor, body)?;
        self.state.apply(&rec);
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
        // one is refused or the write fails, the state is rebuilt from the
        // ledger, which the batch then never reached.
        let mut outcome = Ok(());
        for rec in prepared.records() {
            if let Err(e) = decide::check(&self.state, &rec.envelope.body, today) {
                outcome = Err(e);
                break;
            }
            self.state.apply(rec);
        }
        let result = outcome.and_then(|()| self.ledger.commit(prepared));
        if result.is_err() {
            self.state = State::replay_results(self.ledger.events())?;
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
        for rec in prepared.records() {
            decide::check(&scratch, &rec.envelope.body, today)?;
            scratch.apply(rec);
        }
        Ok(prepared.records().to_vec())
    }
}

//! `kamerstand bench-gen` (hidden): write a synthetic ledger for benchmarks.

use crate::app::Workspace;
use crate::cli::ui::progress::Progress;
use crate::cli::{CliError, Env, Global, emit};
use crate::domain::Legend;
use crate::synth::{self, Spec};

/// For benchmarks only, never for a real ledger: create a new ledger at
/// --store filled with a seeded synthetic history.
///
/// The history has items, progress notes, status changes, reassignments,
/// amendments, back-dated entries, about 1% corrections and --rounds sealed
/// rounds. The same seed and sizes give the same event bodies; ids, recorded
/// times and hashes come from the clock. --profile s (300 items, 3,000
/// events, 5 rounds) and --profile l (10,000 items, 1,000,000 events, 40
/// rounds) are the sizes the benchmarks use; --items, --events and --rounds
/// override the profile's.
///
/// Example: kamerstand --store /tmp/s.db bench-gen --profile s --seed 1
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Named benchmark size; --items, --events and --rounds override it.
    #[arg(long, value_enum)]
    profile: Option<Profile>,
    /// Number of items [default: the profile's, else 300].
    #[arg(long)]
    items: Option<u64>,
    /// Total number of events, genesis and seals included [default: the
    /// profile's, else 3000].
    #[arg(long)]
    events: Option<u64>,
    /// Number of sealed rounds, spaced evenly over the events [default: the
    /// profile's, else 0].
    #[arg(long)]
    rounds: Option<u64>,
    /// Seed of the generator.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Events per atomic batch.
    #[arg(long, default_value_t = 5000)]
    batch: usize,
}

/// A named benchmark size.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Profile {
    /// 300 items, 3,000 events, 5 sealed rounds.
    S,
    /// 10,000 items, 1,000,000 events, 40 sealed rounds.
    L,
}

impl Args {
    /// The spec the flags ask for: the profile's sizes (or the defaults),
    /// overridden by explicit flags.
    fn spec(&self) -> Spec {
        let base = match self.profile {
            Some(Profile::S) => Spec::S,
            Some(Profile::L) => Spec::L,
            None => Spec {
                rounds: 0,
                ..Spec::S
            },
        };
        Spec {
            items: self.items.unwrap_or(base.items),
            events: self.events.unwrap_or(base.events),
            rounds: self.rounds.unwrap_or(base.rounds),
            seed: self.seed,
        }
    }
}

pub(crate) fn run(a: &Args, g: &Global, env: &mut Env<'_>) -> Result<(), CliError> {
    let spec = a.spec();
    if spec.items == 0 || a.batch == 0 {
        return Err(crate::domain::Invalid::new("--items/--batch", "0", "at least 1").into());
    }
    let mut progress = Progress::start(g);
    let mut ws = Workspace::create(
        &g.store,
        g.options(env),
        &g.actor,
        "SYN".into(),
        format!("Synthetic ledger, seed {}", a.seed),
        Legend::nap(),
    )?;
    let total = spec.total();
    progress.phase("generating", "events");
    progress.update(ws.events(), total);
    synth::generate(&mut ws, &g.actor, spec, a.batch, |done| {
        progress.update(done, total)
    })?;
    progress.finish();
    let head = ws
        .ledger()
        .head()
        .map(|h| (h.seq, h.hash.hex()))
        .unwrap_or_default();
    emit(
        env,
        &format!(
            "wrote {} events ({} items, {} rounds) to {}; head seq {} {}\n",
            ws.events(),
            ws.keys()?.len(),
            ws.rounds()?.len(),
            g.store.display(),
            head.0,
            head.1
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(profile: Option<Profile>, items: Option<u64>, rounds: Option<u64>) -> Args {
        Args {
            profile,
            items,
            events: None,
            rounds,
            seed: 9,
            batch: 5000,
        }
    }

    #[test]
    fn profiles_set_sizes_and_flags_override_them() {
        let plain = args(None, None, None).spec();
        assert_eq!((plain.items, plain.events, plain.rounds), (300, 3_000, 0));
        assert_eq!(
            args(Some(Profile::S), None, None).spec(),
            Spec { seed: 9, ..Spec::S }
        );
        assert_eq!(
            args(Some(Profile::L), None, None).spec(),
            Spec { seed: 9, ..Spec::L }
        );
        let mixed = args(Some(Profile::L), Some(50), Some(2)).spec();
        assert_eq!(
            (mixed.items, mixed.events, mixed.rounds),
            (50, 1_000_000, 2)
        );
    }
}

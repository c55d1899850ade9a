//! `kamerstand bench-gen` (hidden): write a synthetic ledger for benchmarks.

use super::progress::Progress;
use super::{CliError, Env, Global, emit};
use crate::domain::Legend;
use crate::ledger::OpenOptions;
use crate::synth::{self, Spec};
use crate::workspace::Workspace;

/// For benchmarks only: create a new ledger at --store filled with a seeded
/// synthetic history (the same seed gives the same events).
///
/// Example: kamerstand --store /tmp/l.db bench-gen --items 300 --events 3000 --seed 1
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Number of items.
    #[arg(long, default_value_t = 300)]
    items: u64,
    /// Total number of events.
    #[arg(long, default_value_t = 3000)]
    events: u64,
    /// Seed of the generator.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Events per atomic batch.
    #[arg(long, default_value_t = 5000)]
    batch: usize,
}

pub(super) fn run(a: &Args, g: &Global, env: &mut Env<'_>) -> Result<(), CliError> {
    if a.items == 0 || a.batch == 0 {
        return Err(crate::domain::Invalid::new("--items/--batch", "0", "at least 1").into());
    }
    let mut progress = Progress::start(g);
    let mut ws = Workspace::create(
        &g.store,
        OpenOptions {
            wait: g.wait,
            clock: (env.clock)(),
            checkpoint_every: env.checkpoint_every,
        },
        &g.actor,
        "SYN".into(),
        format!("Synthetic ledger, seed {}", a.seed),
        Legend::nap(),
    )?;
    // As synth::generate counts: the ledger_created event, and at least
    // one registration per item.
    let total = a.events.max(a.items.saturating_add(1));
    progress.phase("generating", "events");
    progress.update(ws.state().events, total);
    synth::generate(
        &mut ws,
        &g.actor,
        Spec {
            items: a.items,
            events: a.events,
            seed: a.seed,
        },
        a.batch,
        |done| progress.update(done, total),
    )?;
    progress.finish();
    let head = ws
        .ledger()
        .head()
        .map(|h| (h.seq, h.hash.hex()))
        .unwrap_or_default();
    emit(
        env,
        &format!(
            "wrote {} events ({} items) to {}; head seq {} {}\n",
            ws.state().events,
            ws.state().items.len(),
            g.store.display(),
            head.0,
            head.1
        ),
    )
}

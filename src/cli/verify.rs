//! `kamerstand verify`: check the whole chain.

use super::{CliError, Env, Global, emit};
use crate::ledger::{Ledger, OpenOptions};
use crate::report;

/// Recompute every hash and link, check seq contiguity, recorded-time order,
/// the head and the item index. Exit 0 when intact; exit 1 naming the first
/// broken seq, the kind of break and the affected item.
///
/// Example: kamerstand verify
#[derive(Debug, clap::Args)]
pub struct Args {}

pub(super) fn run(_a: &Args, g: &Global, env: &mut Env<'_>) -> Result<(), CliError> {
    // The store is opened without the head check so that a damaged head is
    // reported as a break rather than refused.
    let ledger = Ledger::open_for_verify(
        &g.store,
        OpenOptions {
            wait: g.wait,
            clock: (env.clock)(),
        },
    )?;
    let r = ledger.verify()?;
    emit(env, &report::verify(&r, g.format))?;
    if r.ok() {
        Ok(())
    } else {
        Err(CliError::VerifyFailed)
    }
}

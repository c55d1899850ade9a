//! `kamerstand verify`: check the whole chain.

use super::progress::Progress;
use super::{CliError, Env, Global, emit};
use crate::domain::{EventHash, Invalid};
use crate::ledger::{DigestCheck, Ledger, OpenOptions};
use crate::report;

/// Recompute every hash and link, check seq contiguity, recorded-time order,
/// the head and the item index. Exit 0 when intact; exit 1 naming the first
/// broken seq, the kind of break and the affected item.
///
/// Example: kamerstand verify
///
/// Example: kamerstand verify --digest 3f2a…(64 hex digits) --round 2025-voorjaar
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A digest published earlier (64 hex digits): check that the ledger
    /// still contains it. Detects a rewritten or truncated ledger.
    #[arg(long, value_name = "HEX")]
    digest: Option<String>,
    /// With --digest: the round it was published for, e.g. 2025-voorjaar;
    /// the digest must be that round's seal.
    #[arg(long, value_name = "NAME", requires = "digest")]
    round: Option<String>,
}

pub(super) fn run(a: &Args, g: &Global, env: &mut Env<'_>) -> Result<(), CliError> {
    let check = match &a.digest {
        Some(hex) => Some(DigestCheck {
            hash: EventHash::from_hex(hex).ok_or_else(|| {
                Invalid::new(
                    "--digest",
                    hex,
                    "64 hexadecimal digits, as printed by `kamerstand round digest`",
                )
            })?,
            round: a.round.clone(),
        }),
        None => None,
    };
    // The store is opened without the head check so that a damaged head is
    // reported as a break rather than refused.
    let mut progress = Progress::start(g);
    let ledger = Ledger::open_for_verify(
        &g.store,
        OpenOptions {
            wait: g.wait,
            clock: (env.clock)(),
        },
    )?;
    progress.phase("verifying", "events");
    let r = ledger.verify_with_progress(check.as_ref(), &mut |done, total| {
        if done < total {
            progress.update(done, total);
        } else {
            // The chain is done; the head and the item index remain.
            progress.spin("checking the head and the item index");
        }
    })?;
    progress.finish();
    emit(env, &report::verify(&r, g.format))?;
    if r.ok() {
        Ok(())
    } else {
        Err(CliError::VerifyFailed)
    }
}

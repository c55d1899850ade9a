//! `kamerstand verify`: check the whole chain.

use super::progress::Progress;
use super::{CliError, Env, Global, emit};
use crate::domain::{EventHash, Invalid};
use crate::ledger::{DigestCheck, Ledger, OpenOptions};
use crate::report;

/// Recompute every hash and link, check seq contiguity, recorded-time order,
/// the head and the item index; then rebuild every checkpoint from the
/// events and compare it with the stored one. Exit 0 when intact; exit 1 naming the first
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
    /// Rewrite from the events every checkpoint that does not match them
    /// (or is missing) after reporting it. Checkpoints only make views
    /// fast; the events are never changed.
    #[arg(long)]
    rebuild_checkpoints: bool,
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
            checkpoint_every: env.checkpoint_every,
            allow_shared_store: g.allow_shared_store,
        },
    )?;
    progress.phase("verifying", "events");
    // The checkpoints are rebuilt from the events on the second core while
    // the chain is checked on this one; their outcome counts only for a
    // chain that holds (they are rebuilt from its events).
    let (r, checkpoints) = std::thread::scope(|scope| {
        let ledger = &ledger;
        let rebuild = a.rebuild_checkpoints;
        let side = (!rebuild).then(|| {
            scope.spawn(move || crate::checkpoints::check_all(ledger, false, &mut |_, _| {}))
        });
        let r = ledger.verify_with_progress(check.as_ref(), &mut |done, total| {
            if done < total {
                progress.update(done, total);
            } else {
                // The chain is done; the head, the index and the
                // checkpoints remain.
                progress.spin("checking the head, the item index and the checkpoints");
            }
        });
        let cps = match side {
            Some(h) => h.join().unwrap_or_else(|_| {
                Err(crate::Error::Corrupt {
                    seq: None,
                    what: "the checkpoint check stopped unexpectedly".into(),
                })
            }),
            None => Ok(crate::checkpoints::CheckReport::default()),
        };
        (r, cps)
    });
    let r = r?;
    let checkpoints = if r.first_break.is_some() {
        None
    } else if a.rebuild_checkpoints {
        // Rebuilding writes: only after the chain is known to hold.
        progress.phase("rebuilding", "checkpoints");
        Some(crate::checkpoints::check_all(
            &ledger,
            true,
            &mut |done, total| {
                progress.update(done, total);
            },
        )?)
    } else {
        Some(checkpoints?)
    };
    progress.finish();
    emit(env, &report::verify(&r, checkpoints.as_ref(), g.format))?;
    if r.ok()
        && checkpoints
            .as_ref()
            .is_none_or(crate::checkpoints::CheckReport::ok)
    {
        Ok(())
    } else {
        Err(CliError::VerifyFailed)
    }
}

//! The full check of a ledger: the chain (every hash, link, seq and
//! recorded time, the head, the seals, the item index) and what the ledger
//! derives from it, rebuilt from the events and compared. The store is
//! opened without the head check, so that a damaged head is reported as a
//! break rather than refused.

use super::Progress;
use crate::checkpoints::{self, CheckReport};
use crate::error::{Error, Result};
use crate::ledger::{DigestCheck, Ledger, OpenOptions, VerifyReport};
use std::path::Path;

/// What `verify` found.
#[derive(Debug)]
pub struct Outcome {
    /// The chain's report.
    pub chain: VerifyReport,
    /// The derived data's report (None when the chain broke: it is rebuilt
    /// from the chain's events, so it says nothing then).
    pub derived: Option<CheckReport>,
}

impl Outcome {
    /// True when both the chain and what it derives are intact.
    pub fn ok(&self) -> bool {
        self.chain.ok() && self.derived.as_ref().is_none_or(CheckReport::ok)
    }
}

/// Verifies the ledger at `path`, against a published digest when one is
/// given; with `rebuild`, rewrites derived data that does not match (only
/// after the chain is known to hold).
pub fn verify(
    path: &Path,
    opts: OpenOptions,
    digest: Option<&DigestCheck>,
    rebuild: bool,
    progress: &dyn Progress,
) -> Result<Outcome> {
    let ledger = Ledger::open_for_verify(path, opts)?;
    verify_ledger(&ledger, digest, rebuild, progress)
}

/// As [`verify`], on a ledger the caller has open.
pub fn verify_ledger(
    ledger: &Ledger,
    digest: Option<&DigestCheck>,
    rebuild: bool,
    progress: &dyn Progress,
) -> Result<Outcome> {
    progress.phase("verifying", "events");
    // The derived data is rebuilt from the events on the second core while
    // the chain is checked on this one; its outcome counts only for a chain
    // that holds (it is rebuilt from the chain's events).
    let (chain, derived) = std::thread::scope(|scope| {
        let side = (!rebuild)
            .then(|| scope.spawn(move || checkpoints::check_all(ledger, false, &mut |_, _| {})));
        let chain = ledger.verify_with_progress(digest, &mut |done, total| {
            if done < total {
                progress.update(done, total);
            } else {
                // The chain is done; the head, the index and the derived
                // data remain.
                progress.spin("checking the head, the item index and the checkpoints");
            }
        });
        let derived = match side {
            Some(h) => h.join().unwrap_or_else(|_| {
                Err(Error::Corrupt {
                    seq: None,
                    what: "the checkpoint check stopped unexpectedly".into(),
                })
            }),
            None => Ok(CheckReport::default()),
        };
        (chain, derived)
    });
    let chain = chain?;
    let derived = if chain.first_break.is_some() {
        None
    } else if rebuild {
        progress.phase("rebuilding", "checkpoints");
        Some(checkpoints::check_all(ledger, true, &mut |done, total| {
            progress.update(done, total);
        })?)
    } else {
        Some(derived?)
    };
    Ok(Outcome { chain, derived })
}

//! The full check of a ledger: the chain (every hash, link, seq and
//! recorded time, the head, the seals, the item index) and the index the
//! views are read from, rebuilt from the events and compared entry by entry.
//! The two run side by side, one on each core. The store is opened without
//! the head check, so that a damaged head is reported as a break rather than
//! refused.

use super::Progress;
use crate::error::{Error, Result};
use crate::ledger::index::{IndexFinding, IndexReport, Trace};
use crate::ledger::{DigestCheck, Ledger, OpenOptions, VerifyReport};
use std::path::Path;

/// Whether `verify` rebuilds the index from the events when it differs
/// from them (only ever after the chain is known to hold).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rebuild {
    /// Only report.
    No,
    /// Rebuild, unless the index names events the chain does not have
    /// (a trace of events cut off its end, kept for whoever looks into it).
    IfDiffers,
    /// Rebuild even over such a trace, which is then gone.
    DiscardingTrace,
}

/// What `verify` found.
#[derive(Debug)]
pub struct Outcome {
    /// The chain's report.
    pub chain: VerifyReport,
    /// The index's report (None when the chain broke: the index is rebuilt
    /// from the chain's events, so comparing says nothing then).
    pub derived: Option<IndexReport>,
}

impl Outcome {
    /// True when both the chain and the index are intact.
    pub fn ok(&self) -> bool {
        self.chain.ok() && self.derived.as_ref().is_none_or(IndexReport::ok)
    }
}

/// Verifies the ledger at `path`, against a published digest when one is
/// given; rebuilds the index from the events when it differs as `rebuild`
/// says.
pub fn verify(
    path: &Path,
    opts: OpenOptions,
    digest: Option<&DigestCheck>,
    rebuild: Rebuild,
    progress: &dyn Progress,
) -> Result<Outcome> {
    let ledger = Ledger::open_for_verify(path, opts)?;
    verify_ledger(&ledger, digest, rebuild, progress)
}

/// As [`verify`], on a ledger the caller has open.
pub fn verify_ledger(
    ledger: &Ledger,
    digest: Option<&DigestCheck>,
    rebuild: Rebuild,
    progress: &dyn Progress,
) -> Result<Outcome> {
    progress.phase("verifying", "events");
    let (chain, index) = std::thread::scope(|scope| {
        let side = scope.spawn(move || ledger.check_index_beside_chain(&mut |_, _| {}));
        // The stored Merkle tree is compared in the chain's scan, which
        // hashes every leaf anyway.
        let chain = ledger.verify_with_tree(digest, &mut |done, total| {
            if done < total {
                progress.update(done, total);
            } else {
                progress.spin("checking the head, the item index and the index of views");
            }
        });
        let index = side.join().unwrap_or_else(|_| {
            Err(Error::Corrupt {
                seq: None,
                what: "the index check stopped unexpectedly".into(),
            })
        });
        (chain, index)
    });
    let (mut chain, tree) = chain?;
    // A rule broken by an event about an item is found where the items are
    // folded (the index check); it is a break of the chain, and counts when
    // no break of the chain itself comes before it.
    let rule = match &index {
        Ok(ix) => ix.rule_broken.clone(),
        Err(_) => None,
    };
    if let Some(b) = rule
        && chain.first_break.as_ref().is_none_or(|c| b.seq < c.seq)
    {
        chain.events_checked = b.seq;
        chain.head = match b.seq.checked_sub(1) {
            Some(s) => ledger.get(s)?.map(|r| r.hash),
            None => None,
        };
        chain.first_break = Some(b);
    }
    if chain.first_break.is_some() {
        return Ok(Outcome {
            chain,
            derived: None,
        });
    }
    let mut index = index?;
    index.add_tree(tree);
    // Derived data that names events the chain does not have is kept as
    // the trace it is: the index is not rebuilt over it.
    index.after_head = ledger.index_after_head(index.first_difference.is_some())?;
    // So is an entry of any tree that names an event after the head, where
    // no event explains it: a fact or note of a cut event, left behind by
    // a forger who set the items' snapshots back with the head.
    if index.after_head.is_none()
        && let Some(d) = &index.first_difference
        && d.what == IndexFinding::Extra
        && let Some(seq) = d.seq
        && ledger.head().is_none_or(|h| seq > h.seq)
    {
        index.after_head = Some(Trace {
            seq,
            tree: d.tree,
            rewritten: false,
        });
    }
    let rebuild = match rebuild {
        Rebuild::No => false,
        Rebuild::IfDiffers => index.after_head.is_none(),
        Rebuild::DiscardingTrace => true,
    };
    if rebuild && !index.ok() {
        progress.phase("rebuilding", "items");
        if let Some(b) = ledger.build_index(&mut |done, total| progress.update(done, total))? {
            return Err(Error::Corrupt {
                seq: Some(b.seq),
                what: format!("the index was not rebuilt: the chain breaks at {b}"),
            });
        }
        index.rebuilt = true;
        // A rebuild builds every tree.
        index.not_compared.clear();
    }
    // A chain that holds, with an index that says what it says: whatever a
    // seal found before has been put right.
    if rebuild && index.ok() && ledger.seal_refused()?.is_some() {
        ledger.clear_refusal()?;
    }
    Ok(Outcome {
        chain,
        derived: Some(index),
    })
}

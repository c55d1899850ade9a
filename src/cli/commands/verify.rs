//! `kamerstand verify`: check the whole chain.

use crate::app::verify;
use crate::cli::ui::progress::Progress;
use crate::cli::{CliError, Env, Global, emit};
use crate::domain::{EventHash, Invalid};
use crate::ledger::DigestCheck;
use crate::report;

/// Recompute every hash and link, check seq contiguity, recorded-time order,
/// the head and the item index; then rebuild the index the views are read
/// from out of the events and compare it entry by entry with the stored one
/// (both at once, one on each core). Exit 0 when intact; exit 1 naming the
/// first broken seq, the kind of break and the affected item, or the first
/// index entry that differs.
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
    /// Rebuild the index from the events when it does not match them, after
    /// reporting where. The index only makes views fast; the events are
    /// never changed, and a chain that does not hold is never indexed.
    #[arg(long, alias = "rebuild-checkpoints")]
    rebuild_index: bool,
}

pub(crate) fn run(a: &Args, g: &Global, env: &mut Env<'_>) -> Result<(), CliError> {
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
    let mut progress = Progress::start(g);
    let outcome = verify::verify(
        &g.store,
        g.options(env),
        check.as_ref(),
        a.rebuild_index,
        &progress,
    )?;
    progress.finish();
    emit(
        env,
        &report::verify(&outcome.chain, outcome.derived.as_ref(), g.report()),
    )?;
    if outcome.ok() {
        Ok(())
    } else {
        Err(CliError::VerifyFailed)
    }
}

#[cfg(feature = "server")]
pub(crate) fn remote(
    a: &Args,
    r: &crate::cli::remote::Remote,
    env: &mut Env<'_>,
) -> Result<(), CliError> {
    if a.rebuild_index {
        return Err(Invalid::new(
            "--rebuild-index",
            "",
            "run on the server's machine, with the server stopped",
        )
        .into());
    }
    let (out, ok) = r.get_verified(
        "/api/v1/verify",
        &[("digest", a.digest.clone()), ("round", a.round.clone())],
    )?;
    emit(env, &out)?;
    if ok {
        Ok(())
    } else {
        Err(CliError::VerifyFailed)
    }
}

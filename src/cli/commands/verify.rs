//! `kamerstand verify`: check the whole chain.

use crate::app::{proofs, verify};
use crate::cli::ui::progress::Progress;
use crate::cli::{CliError, Env, Global, emit};
use crate::domain::{EventHash, Invalid, text};
use crate::error::Refusal;
use crate::ledger::DigestCheck;
use crate::report;
use std::path::PathBuf;

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
///
/// Example: kamerstand verify --note 2025-voorjaar.note --witness-key rekenkamer.key.pub
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
    /// A round's signed note published earlier (`round note`): check its
    /// signatures against the registered keys, and that this ledger holds
    /// its events with the same Merkle root. Detects a ledger rolled back,
    /// truncated or rewritten since.
    #[arg(long, value_name = "FILE")]
    note: Option<PathBuf>,
    /// With --note: a witness's public key (FILE.pub) whose cosignature
    /// the note must carry; repeat for several.
    #[arg(long, value_name = "FILE", requires = "note")]
    witness_key: Vec<PathBuf>,
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
    let note = match &a.note {
        Some(p) => Some(std::fs::read(p).map_err(|e| {
            Invalid::new(
                "--note",
                &p.display().to_string(),
                format!("a readable note file ({e})"),
            )
        })?),
        None => None,
    };
    let witnesses = a
        .witness_key
        .iter()
        .map(|p| proofs::read_public_key(p))
        .collect::<crate::error::Result<Vec<_>>>()?;
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
    let mut ok = outcome.ok();
    if let Some(bytes) = note {
        let ws = g.open(env)?;
        match proofs::verify_note(&ws, &bytes, &witnesses) {
            Ok(check) => emit(env, &note_line(&check))?,
            Err(crate::error::Error::Refused(Refusal::NoteMismatch { what })) => {
                ok = false;
                emit(env, &format!("note: FAILED: {}\n", text::visible(&what)))?;
            }
            Err(e) => return Err(e.into()),
        }
    }
    if ok {
        Ok(())
    } else {
        Err(CliError::VerifyFailed)
    }
}

/// What a note that holds says, in one line.
fn note_line(c: &proofs::NoteCheck) -> String {
    let signed: Vec<String> = c
        .signed_by
        .iter()
        .map(|(name, role, _)| format!("{} ({role})", text::visible(name)))
        .collect();
    format!(
        "note: ok: {} events with Merkle root {}{}, signed by {}; this ledger holds them{}\n",
        c.checkpoint.size(),
        EventHash(*c.checkpoint.root()).hex(),
        c.round
            .as_deref()
            .map(|r| format!(" (round {})", text::visible(r)))
            .unwrap_or_default(),
        signed.join(", "),
        match c.ledger_size - c.checkpoint.size() {
            0 => String::new(),
            n => format!(" and {n} events after them"),
        }
    )
}

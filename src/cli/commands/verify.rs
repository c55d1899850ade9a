//! `kamerstand verify`: check the whole chain.

use crate::app::{proofs, verify};
use crate::cli::ui::progress::Progress;
use crate::cli::{CliError, Env, Global, emit};
use crate::domain::{EventHash, Invalid};
use crate::formats::annex::Lang;
use crate::ledger::DigestCheck;
use crate::report::{self, verification};
use std::path::PathBuf;

/// Recompute every hash and link, check seq contiguity, recorded-time order,
/// the head and the item index; then rebuild the index the views are read
/// from out of the events and compare it entry by entry with the stored one
/// (both at once, one on each core). Exit 0 when intact; exit 1 naming the
/// first broken seq, the kind of break and the affected item, or the first
/// index entry that differs.
///
/// The report is in Dutch ("in orde: …", "GEBROKEN bij gebeurtenis …");
/// `--lang en` gives it in English. Hashes, seq numbers and round names
/// are printed as they are. The JSON (`--format json`) is the same in
/// either language.
///
/// Example: kamerstand verify
///
/// Example: kamerstand verify --digest 3f2a…(64 hex digits) --round 2025-voorjaar
///
/// Example: kamerstand verify --note 2025-voorjaar.note --witness-key rekenkamer.key.pub
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A digest published earlier (64 hex digits; spaces and line breaks
    /// inside, as copied from a letter, are ignored): check that the
    /// ledger still contains it. Detects a rewritten or truncated ledger.
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
    /// With --rebuild-index: rebuild even when the index names events the
    /// chain does not have (after its last, or by another hash), a trace
    /// that events may have been cut off its end (which is then gone).
    /// Without it such an index is left as it is.
    #[arg(long, requires = "rebuild_index")]
    discard_trace: bool,
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
            hash: EventHash::from_published(hex).ok_or_else(|| {
                let digits = hex.chars().filter(char::is_ascii_hexdigit).count();
                Invalid::new(
                    "--digest",
                    hex,
                    format!(
                        "64 hexadecimal digits, as printed by `kamerstand round digest` (spaces and line breaks inside are ignored; this has {digits} hex digits{})",
                        if hex.chars().any(|c| !c.is_ascii_hexdigit() && !c.is_whitespace()) {
                            " and other characters"
                        } else {
                            ""
                        }
                    ),
                )
            })?,
            round: a.round.clone(),
        }),
        None => None,
    };
    let note = match &a.note {
        Some(p) => Some(super::proof::read_input("--note", p)?),
        None => None,
    };
    // A note that is no note is refused before the whole chain is checked.
    if let Some(bytes) = &note {
        crate::formats::note::Note::parse(bytes)?;
    }
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
        match (a.rebuild_index, a.discard_trace) {
            (false, _) => verify::Rebuild::No,
            (true, false) => verify::Rebuild::IfDiffers,
            (true, true) => verify::Rebuild::DiscardingTrace,
        },
        &progress,
    )?;
    progress.finish();
    emit(
        env,
        &report::verify(&outcome.chain, outcome.derived.as_ref(), g.report(), g.lang),
    )?;
    let mut ok = outcome.ok();
    if let Some(bytes) = note {
        let ws = g.open(env)?;
        match proofs::check_note(&ws, &bytes, &witnesses)? {
            Ok(check) => emit(env, &note_line(&check, g.lang))?,
            Err(fault) => {
                ok = false;
                emit(env, &verification::note_fails(&fault, g.lang))?;
            }
        }
    }
    if ok {
        Ok(())
    } else {
        Err(CliError::VerifyFailed)
    }
}

/// What a note that holds says, in one line.
fn note_line(c: &proofs::NoteCheck, lang: Lang) -> String {
    verification::note_holds(
        &verification::NoteHolds {
            events: c.checkpoint.size(),
            root: EventHash(*c.checkpoint.root()),
            round: c.round.as_deref(),
            signed_by: c
                .signed_by
                .iter()
                .map(|(name, role, _)| (name.as_str(), *role))
                .collect(),
            after: c.ledger_size - c.checkpoint.size(),
        },
        lang,
    )
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
    if let Some(note) = &a.note {
        return Err(Invalid::new(
            "--note",
            &crate::fsutil::shown_path(note),
            "a local check: run `kamerstand verify --note` on a copy of the ledger (an events export imported with `kamerstand import`), not through --server",
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

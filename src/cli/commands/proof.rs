//! `kamerstand proof inclusion | consistency | item`: the proofs an
//! auditor checks against a round's signed note without the ledger
//! (schema/proofs.md; `docs/verify_export.py --note … --proof …`), and
//! `proof check`, which checks them so with this tool, opening no store.

use crate::app::proofs::ProofRequest;
use crate::app::{proof_check, proofs};
use crate::cli::{CliError, Env, Global, emit};
use crate::domain::Invalid;
use std::path::PathBuf;

/// Print a proof as JSON on standard output, to hand to an auditor with
/// the round's signed note (`kamerstand round note NAME`).
///
/// Example: kamerstand proof item 36410-12 --round 2025-voorjaar > 36410-12.json
#[derive(Debug, clap::Subcommand)]
pub enum ProofCommand {
    Inclusion(InclusionArgs),
    Consistency(ConsistencyArgs),
    Item(ItemArgs),
    Check(CheckArgs),
}

/// Prove that one event is in a round's checkpoint: the event's bytes and
/// its audit path to the round's root.
///
/// Example: kamerstand proof inclusion 12 --round 2025-voorjaar
#[derive(Debug, clap::Args)]
pub struct InclusionArgs {
    /// The event's seq (see `kamerstand log`).
    seq: u64,
    /// The round whose checkpoint holds it, e.g. 2025-voorjaar.
    #[arg(long, value_name = "NAME")]
    round: String,
}

/// Prove that a later round's checkpoint extends an earlier one's: nothing
/// reported in the first was changed or dropped by the second.
///
/// Example: kamerstand proof consistency 2024-najaar 2025-voorjaar
#[derive(Debug, clap::Args)]
pub struct ConsistencyArgs {
    /// The earlier round, e.g. 2024-najaar.
    first: String,
    /// The later round, e.g. 2025-voorjaar.
    second: String,
}

/// Bundle one item's events up to a round with their inclusion proofs: its
/// reported history, checkable against the round's signed note alone. It
/// proves those events are in the round; it cannot prove that no other
/// event about the item is.
///
/// Example: kamerstand proof item 36410-12 --round 2025-voorjaar
#[derive(Debug, clap::Args)]
pub struct ItemArgs {
    /// The item's key, e.g. 36410-12.
    key: String,
    /// The round, e.g. 2025-voorjaar.
    #[arg(long, value_name = "NAME")]
    round: String,
}

/// Check signed notes and proofs without a ledger: every note must verify
/// with the public keys given (each key must have signed each note), two
/// notes of one size must not differ, and each proof must hold and be
/// about the tree of a note given. Opens no store. Exit 1 when something
/// does not hold.
///
/// Example: kamerstand proof check 36410-12.json --note 2025-voorjaar.note --key gwb.key.pub
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Proof documents (`proof inclusion`, `consistency` or `item`).
    #[arg(value_name = "PROOF")]
    proofs: Vec<PathBuf>,
    /// A round's signed note (`round note`, or a witness's cosigned copy);
    /// repeat for the two rounds of a consistency proof.
    #[arg(long, value_name = "FILE", required = true)]
    note: Vec<PathBuf>,
    /// The public key (FILE.pub) of a signer or witness, obtained from its
    /// owner, not from the ledger; repeat for several.
    #[arg(long, value_name = "FILE.pub", required = true)]
    key: Vec<PathBuf>,
}

/// Reads a note or proof file given on the command line (at most 16 MiB).
pub(crate) fn read_input(flag: &str, path: &std::path::Path) -> Result<Vec<u8>, CliError> {
    let name = crate::fsutil::shown_path(path);
    // Bounded while reading, not only by the size the file claims: a
    // device such as /dev/zero claims none and never ends.
    crate::fsutil::read_at_most(path, 16 * 1024 * 1024)
        .map_err(|e| proofs::input_refused(flag, &name, &e, "16 MiB"))?
        .ok_or_else(|| Invalid::new(flag, &name, "a file of at most 16 MiB").into())
}

fn check(a: &CheckArgs, g: &Global, env: &mut Env<'_>) -> Result<(), CliError> {
    let keys = a
        .key
        .iter()
        .map(|p| proofs::read_public_key(p))
        .collect::<crate::error::Result<Vec<_>>>()?;
    let notes = a
        .note
        .iter()
        .map(|p| {
            Ok(proof_check::NoteInput {
                name: crate::fsutil::shown_path(p),
                bytes: read_input("--note", p)?,
            })
        })
        .collect::<Result<Vec<_>, CliError>>()?;
    let docs = a
        .proofs
        .iter()
        .map(|p| {
            let name = crate::fsutil::shown_path(p);
            let text = String::from_utf8(read_input("proof", p)?)
                .map_err(|_| Invalid::new("proof", &name, "a JSON document in UTF-8"))?;
            Ok((name, text))
        })
        .collect::<Result<Vec<_>, CliError>>()?;
    let outcome = proof_check::check(&notes, &keys, &docs)?;
    let report = if g.report() == crate::report::Format::Json {
        crate::report::proof_check::offline_json(&outcome)
    } else {
        crate::report::proof_check::offline(&outcome, g.lang)
    };
    emit(env, &report)?;
    if outcome.ok() {
        Ok(())
    } else {
        Err(CliError::VerifyFailed)
    }
}

pub(crate) fn run(c: &ProofCommand, g: &Global, env: &mut Env<'_>) -> Result<(), CliError> {
    if let ProofCommand::Check(a) = c {
        return check(a, g, env);
    }
    let Some(req) = request(c) else {
        return Ok(());
    };
    let ws = g.open(env)?;
    emit(env, &proofs::proof(&ws, &req)?.to_json())
}

/// The proof a command asks for (None: `proof check`, which makes none).
fn request(c: &ProofCommand) -> Option<ProofRequest> {
    Some(match c {
        ProofCommand::Inclusion(a) => ProofRequest::Inclusion {
            seq: a.seq,
            round: a.round.clone(),
        },
        ProofCommand::Consistency(a) => ProofRequest::Consistency {
            first: a.first.clone(),
            second: a.second.clone(),
        },
        ProofCommand::Item(a) => ProofRequest::Item {
            key: a.key.clone(),
            round: a.round.clone(),
        },
        ProofCommand::Check(_) => return None,
    })
}

/// The same proofs, made by a server (`--server URL`); `proof check`
/// opens no store and runs here as it does without a server.
#[cfg(feature = "server")]
pub(crate) fn remote(
    c: &ProofCommand,
    g: &Global,
    r: &crate::cli::remote::Remote,
    env: &mut Env<'_>,
) -> Result<(), CliError> {
    let query: Vec<(&str, Option<String>)> = match request(c) {
        None => {
            if let ProofCommand::Check(a) = c {
                return check(a, g, env);
            }
            return Ok(());
        }
        Some(ProofRequest::Inclusion { seq, round }) => vec![
            ("kind", Some("inclusion".into())),
            ("seq", Some(seq.to_string())),
            ("round", Some(round)),
        ],
        Some(ProofRequest::Consistency { first, second }) => vec![
            ("kind", Some("consistency".into())),
            ("first", Some(first)),
            ("second", Some(second)),
        ],
        Some(ProofRequest::Item { key, round }) => vec![
            ("kind", Some("item".into())),
            ("key", Some(key)),
            ("round", Some(round)),
        ],
    };
    let bytes = r.get_bytes("/api/v1/proof", &query)?;
    let text = String::from_utf8(bytes).map_err(|_| {
        crate::error::Error::storage(
            format!("reading the answer of {}", r.base()),
            "the proof is not UTF-8 text",
        )
    })?;
    emit(env, &crate::cli::remote::shown(&text))
}

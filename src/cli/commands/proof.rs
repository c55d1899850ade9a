//! `kamerstand proof inclusion | consistency | item`: the proofs an
//! auditor checks against a round's signed note without the ledger
//! (schema/proofs.md; `docs/verify_export.py --note … --proof …`).

use crate::app::proofs;
use crate::cli::{CliError, Env, Global, emit};
use crate::formats::proof::ProofDoc;

/// Print a proof as JSON on standard output, to hand to an auditor with
/// the round's signed note (`kamerstand round note NAME`).
///
/// Example: kamerstand proof item 36410-12 --round 2025-voorjaar > 36410-12.json
#[derive(Debug, clap::Subcommand)]
pub enum ProofCommand {
    Inclusion(InclusionArgs),
    Consistency(ConsistencyArgs),
    Item(ItemArgs),
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

pub(crate) fn run(c: &ProofCommand, g: &Global, env: &mut Env<'_>) -> Result<(), CliError> {
    let ws = g.open(env)?;
    let doc = match c {
        ProofCommand::Inclusion(a) => {
            ProofDoc::Inclusion(proofs::proof_inclusion(&ws, a.seq, &a.round)?)
        }
        ProofCommand::Consistency(a) => {
            ProofDoc::Consistency(proofs::proof_consistency(&ws, &a.first, &a.second)?)
        }
        ProofCommand::Item(a) => ProofDoc::Item(proofs::proof_item(&ws, &a.key, &a.round)?),
    };
    emit(env, &doc.to_json())
}

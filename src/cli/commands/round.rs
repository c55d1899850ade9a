//! `kamerstand round seal | list | digest | sign | note | cosign`: sealed
//! reporting rounds, and the signed notes that let outsiders check them.

use crate::app::write::Write;
use crate::app::{find, proofs};
use crate::cli::{CliError, Env, Global, emit};
use crate::domain::{Day, Invalid, text};
use crate::projection::decide;
use crate::report;
use std::path::PathBuf;

/// Seal, list and publish reporting rounds. A seal is an event that names the
/// round and the head it closes; its hash is the digest to print in the
/// progress letter.
///
/// Example: kamerstand round seal 2025-voorjaar --title "Voortgangsbrief mei 2025"
///
/// Example: kamerstand round digest 2025-voorjaar
///
/// Example: kamerstand round seal 2025-voorjaar --reported-on 2025-05-15 --sign nap-signer.key
#[derive(Debug, clap::Subcommand)]
pub enum RoundCommand {
    Seal(SealArgs),
    List(ListArgs),
    Digest(DigestArgs),
    Sign(SignArgs),
    Note(NoteArgs),
    Cosign(CosignArgs),
}

/// Sign a sealed round's checkpoint with a registered signer's private
/// key; the signature is recorded in the ledger (`round note` prints it).
///
/// Example: kamerstand round sign 2025-voorjaar --key nap-signer.key
#[derive(Debug, clap::Args)]
pub struct SignArgs {
    /// The round, e.g. 2025-voorjaar.
    name: String,
    /// The signer's private key file (made by `kamerstand key generate`).
    #[arg(long, value_name = "FILE")]
    key: PathBuf,
}

/// Print a round's signed note: the checkpoint (origin, number of events,
/// Merkle root) and its signatures, to publish with the progress letter.
///
/// Example: kamerstand round note 2025-voorjaar > 2025-voorjaar.note
#[derive(Debug, clap::Args)]
pub struct NoteArgs {
    /// The round, e.g. 2025-voorjaar.
    name: String,
}

/// Cosign a round's note as a witness: checks the programme's signature
/// and that the note extends the last one this witness cosigned (kept in
/// KEYFILE.cosigned), then prints the note with the cosignature added.
///
/// Example: kamerstand round cosign 2025-voorjaar.note --key rekenkamer.key > 2025-voorjaar.cosigned.note
#[derive(Debug, clap::Args)]
pub struct CosignArgs {
    /// The note to cosign, e.g. 2025-voorjaar.note.
    note: PathBuf,
    /// The witness's private key file.
    #[arg(long, value_name = "FILE")]
    key: PathBuf,
}

/// Seal a reporting round: everything recorded so far belongs to it.
///
/// Example: kamerstand round seal 2025-voorjaar --title "Voortgangsbrief mei 2025" --reported-on 2025-05-15
#[derive(Debug, clap::Args)]
pub struct SealArgs {
    /// Unique round name, e.g. 2025-voorjaar.
    name: String,
    /// Title, e.g. the progress letter the annex belongs to.
    #[arg(long, value_name = "TEXT")]
    title: Option<String>,
    /// Day the round is reported to parliament, YYYY-MM-DD (default: today).
    #[arg(long, value_name = "DATE")]
    reported_on: Option<String>,
    /// Sign the round's checkpoint with this signer's private key right
    /// after sealing (as `round sign`), e.g. nap-signer.key.
    #[arg(long, value_name = "FILE")]
    sign: Option<PathBuf>,
}

/// List sealed rounds: name, title, reported-on date, seq, digest, recorded
/// time.
///
/// Example: kamerstand round list
#[derive(Debug, clap::Args)]
pub struct ListArgs {}

/// Print the line to publish in a progress letter for a round: programme,
/// round, seq and digest.
///
/// Example: kamerstand round digest 2025-voorjaar
#[derive(Debug, clap::Args)]
pub struct DigestArgs {
    /// The round, e.g. 2025-voorjaar.
    name: String,
}

pub(crate) fn run(c: &RoundCommand, g: &Global, env: &mut Env<'_>) -> Result<(), CliError> {
    match c {
        RoundCommand::Seal(a) => seal(a, g, env),
        RoundCommand::List(_) => {
            let ws = g.open(env)?;
            emit(
                env,
                &report::rounds_with(
                    &ws.programme().name,
                    &find::rounds(&ws)?,
                    g.report(),
                    &g.look,
                ),
            )
        }
        RoundCommand::Sign(a) => {
            let key = proofs::read_private_key(&a.key)?;
            let mut ws = g.open(env)?;
            let rec = proofs::round_sign(&mut ws, &g.actor, &a.name, &key)?;
            let line = signed_line(g, &a.name, key.name());
            crate::cli::receipt(env, g, &ws, &rec, &line)
        }
        RoundCommand::Note(a) => {
            let ws = g.open(env)?;
            emit(env, &proofs::round_note(&ws, &a.name)?.to_text())
        }
        RoundCommand::Cosign(a) => {
            let bytes = super::proof::read_input("note file", &a.note)?;
            let mut ws = g.open(env)?;
            let c = proofs::round_cosign(&mut ws, &bytes, &a.key)?;
            emit(env, &c.note.to_text())
        }
        RoundCommand::Digest(a) => {
            let ws = g.open(env)?;
            let r = find::round(&ws, &a.name)?;
            emit(
                env,
                &report::round_digest(&ws.programme().name, &r, g.report()),
            )
        }
    }
}

fn seal(a: &SealArgs, g: &Global, env: &mut Env<'_>) -> Result<(), CliError> {
    let name = decide::round_name(&a.name)?;
    let title = a
        .title
        .as_deref()
        .map(|t| text::short_text("--title", t))
        .transpose()?;
    let reported_on = a
        .reported_on
        .as_deref()
        .map(|d| Day::parse("--reported-on", d))
        .transpose()?;
    let key = a
        .sign
        .as_deref()
        .map(proofs::read_private_key)
        .transpose()?;
    let mut ws = g.open_to_seal(env)?;
    // The key is checked before the seal, so that a seal is not left
    // unsigned by a key that could never sign it.
    if let Some(k) = &key {
        proofs::check_signer(&ws, k)?;
    }
    let receipt = ws.write(
        &g.actor,
        Write::Seal {
            name: name.clone(),
            title,
            reported_on,
        },
    )?;
    let line = super::outcome_line(&ws, &receipt.outcome, g.look.lang);
    crate::cli::receipt(env, g, &ws, &receipt.recorded, &line)?;
    if let Some(k) = &key {
        let rec = proofs::round_sign(&mut ws, &g.actor, &name, k)?;
        let line = signed_line(g, &name, k.name());
        crate::cli::receipt(env, g, &ws, &rec, &line)?;
    }
    Ok(())
}

#[cfg(feature = "server")]
pub(crate) fn remote(
    c: &RoundCommand,
    r: &crate::cli::remote::Remote,
    env: &mut Env<'_>,
) -> Result<(), CliError> {
    match c {
        RoundCommand::List(_) => r.show(env, "/api/v1/rounds", &[]),
        RoundCommand::Digest(a) => r.show(
            env,
            &format!("/api/v1/rounds/{}/digest", crate::cli::remote::seg(&a.name)),
            &[],
        ),
        RoundCommand::Seal(a) if a.sign.is_some() => Err(Invalid::new(
            "--sign",
            &a.sign.as_ref().map(|p| crate::fsutil::shown_path(p)).unwrap_or_default(),
            "no signing through --server (the private key stays on the signer's machine): seal through the server, then `kamerstand round sign` where the key and a copy of the ledger are",
        )
        .into()),
        RoundCommand::Sign(_) | RoundCommand::Note(_) | RoundCommand::Cosign(_) => {
            Err(Invalid::new(
                "--server",
                "(a server)",
                "round sign, note and cosign work on a local store and key files, not through a server",
            )
            .into())
        }
        RoundCommand::Seal(a) => r.write(
            env,
            "/api/v1/rounds",
            &serde_json::json!({"name": a.name, "title": a.title, "reported_on": a.reported_on}),
        ),
    }
}

/// The receipt line of a round's signature, in the language asked for.
fn signed_line(g: &Global, round: &str, key: &str) -> String {
    let (round, key) = (text::visible(round), text::visible(key));
    match g.look.lang {
        crate::formats::annex::Lang::Nl => format!("ronde {round} ondertekend met sleutel {key}"),
        crate::formats::annex::Lang::En => format!("round {round} signed with key {key}"),
    }
}

//! `kamerstand round seal | list | digest`: sealed reporting rounds.

use crate::app::find;
use crate::app::write::Write;
use crate::cli::{CliError, Env, Global, emit};
use crate::domain::{Day, text};
use crate::projection::decide;
use crate::report;

/// Seal, list and publish reporting rounds. A seal is an event that names the
/// round and the head it closes; its hash is the digest to print in the
/// progress letter.
///
/// Example: kamerstand round seal 2025-voorjaar --title "Voortgangsbrief mei 2025"
///
/// Example: kamerstand round digest 2025-voorjaar
#[derive(Debug, clap::Subcommand)]
pub enum RoundCommand {
    Seal(SealArgs),
    List(ListArgs),
    Digest(DigestArgs),
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
                &report::rounds_with(&ws.programme().name, &ws.rounds()?, g.report(), &g.look),
            )
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
    let mut ws = g.open(env)?;
    let receipt = ws.write(
        &g.actor,
        Write::Seal {
            name,
            title,
            reported_on,
        },
    )?;
    let line = super::outcome_line(&ws, &receipt.outcome);
    crate::cli::receipt(env, g, &ws, &receipt.recorded, &line)
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
        RoundCommand::Seal(a) => r.write(
            env,
            "/api/v1/rounds",
            &serde_json::json!({"name": a.name, "title": a.title, "reported_on": a.reported_on}),
        ),
    }
}

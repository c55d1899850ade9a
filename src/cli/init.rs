//! `kamerstand init`: create a ledger.

use super::{CliError, Env, Global, emit};
use crate::domain::{Legend, text};
use crate::ledger::OpenOptions;
use crate::workspace::Workspace;

/// Create a new ledger for a programme. Refuses a path that already holds one.
///
/// Example: kamerstand init --programme NAP --title "Stand van zaken moties en toezeggingen"
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Short programme name, e.g. NAP.
    #[arg(long, value_name = "NAME")]
    programme: String,
    /// Title printed above overviews; defaults to the programme name.
    #[arg(long, value_name = "TEXT")]
    title: Option<String>,
}

pub(super) fn run(a: &Args, g: &Global, env: &mut Env<'_>) -> Result<(), CliError> {
    let programme = text::short_text("--programme", &a.programme)?;
    let title = match &a.title {
        Some(t) => text::short_text("--title", t)?,
        None => programme.clone(),
    };
    let ws = Workspace::create(
        &g.store,
        OpenOptions {
            wait: g.wait,
            clock: (env.clock)(),
        },
        &g.actor,
        programme.clone(),
        title,
        Legend::nap(),
    )?;
    let head = ws.ledger().head().map(|h| h.hash.hex()).unwrap_or_default();
    if g.format == crate::report::Format::Json {
        let first = ws.ledger().events().next().transpose()?;
        if let Some(rec) = first {
            return super::receipt(env, g, &ws, &rec, "");
        }
    }
    emit(
        env,
        &format!(
            "created ledger for {programme} at {}\nhead {head}\nnext: kamerstand item add --kind motie --text \"…\"\n",
            g.store.display()
        ),
    )
}

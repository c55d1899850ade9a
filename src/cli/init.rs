//! `kamerstand init`: create a ledger, with the NAP's legend or one read from
//! a legend file (checked by [`Legend::from_json`] before any store exists).

use super::{CliError, Env, Global, emit};
use crate::domain::{Invalid, Legend, text};
use crate::ledger::OpenOptions;
use crate::workspace::Workspace;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Largest accepted legend file.
const MAX_LEGEND_BYTES: u64 = 1024 * 1024;

/// Create a new ledger for a programme. Refuses a path that already holds one.
///
/// The statuses default to the NAP annex's five (plus "not stated"). Another
/// programme gives its own with --legend: a JSON list of
/// {"slug", "nl", "en", "colour", "order"?}, as in docs/legend-eerste-kamer.json.
/// The legend is stored in the ledger's first event and cannot change later.
///
/// Example: kamerstand init --programme NAP --title "Stand van zaken moties en toezeggingen"
///
/// Example: kamerstand init --programme EK --legend docs/legend-eerste-kamer.json
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Short programme name, e.g. NAP.
    #[arg(long, value_name = "NAME")]
    programme: String,
    /// Title printed above overviews, e.g. "Stand van zaken moties en
    /// toezeggingen"; defaults to the programme name.
    #[arg(long, value_name = "TEXT")]
    title: Option<String>,
    /// Read the status legend from this JSON file instead of using the
    /// NAP's, e.g. docs/legend-eerste-kamer.json.
    #[arg(long, value_name = "FILE")]
    legend: Option<PathBuf>,
}

/// Reads and checks a legend file; any failure is rejected input.
fn read_legend(path: &Path) -> Result<Legend, CliError> {
    let what = path.display().to_string();
    let unreadable =
        |e: std::io::Error| Invalid::new("legend file", &what, format!("a readable file ({e})"));
    let mut buf = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_LEGEND_BYTES + 1).read_to_end(&mut buf))
        .map_err(unreadable)?;
    if u64::try_from(buf.len()).unwrap_or(u64::MAX) > MAX_LEGEND_BYTES {
        return Err(Invalid::new(
            "legend file",
            &what,
            format!("at most {} KiB", MAX_LEGEND_BYTES / 1024),
        )
        .into());
    }
    let json = String::from_utf8(buf).map_err(|e| {
        Invalid::new(
            "legend file",
            &what,
            format!("UTF-8 text (byte {} is not)", e.utf8_error().valid_up_to()),
        )
    })?;
    Ok(Legend::from_json(&what, &json)?)
}

pub(super) fn run(a: &Args, g: &Global, env: &mut Env<'_>) -> Result<(), CliError> {
    let programme = text::short_text("--programme", &a.programme)?;
    let title = match &a.title {
        Some(t) => text::short_text("--title", t)?,
        None => programme.clone(),
    };
    let legend = match &a.legend {
        Some(path) => read_legend(path)?,
        None => Legend::nap(),
    };
    let slugs: Vec<&str> = legend.entries.iter().map(|e| e.slug.as_str()).collect();
    let legend_line = a
        .legend
        .as_ref()
        .map(|path| format!("legend from {}: {}\n", path.display(), slugs.join(", ")));
    let ws = Workspace::create(
        &g.store,
        OpenOptions {
            wait: g.wait,
            clock: (env.clock)(),
            checkpoint_every: env.checkpoint_every,
            allow_shared_store: g.allow_shared_store,
        },
        &g.actor,
        programme.clone(),
        title,
        legend,
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
            "created ledger for {programme} at {}\n{}head {head}\nnext: kamerstand item add --kind motie --text \"…\"\n",
            g.store.display(),
            legend_line.unwrap_or_default()
        ),
    )
}

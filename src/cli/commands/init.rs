//! `kamerstand init`: create a ledger, with the NAP's legend or one read from
//! a legend file (checked by [`Legend::from_json`] before any store exists).

use crate::app::Workspace;
use crate::cli::{CliError, Env, Global, emit};
use crate::domain::{Legend, text};
use std::path::PathBuf;

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
    /// Write the store with sled's zstd compression: about two thirds of the
    /// disk, reads of many items two to three times slower; fixed for the
    /// store's life.
    #[arg(long)]
    compress: bool,
}

/// Reads and checks a legend file; any failure is rejected input.
pub(crate) fn run(a: &Args, g: &Global, env: &mut Env<'_>) -> Result<(), CliError> {
    let programme = text::short_text("--programme", &a.programme)?;
    let title = match &a.title {
        Some(t) => text::short_text("--title", t)?,
        None => programme.clone(),
    };
    let legend = match &a.legend {
        Some(path) => crate::formats::legend::read_file(path)?,
        None => Legend::nap(),
    };
    let slugs: Vec<&str> = legend.entries.iter().map(|e| e.slug.as_str()).collect();
    let lang = g.look.lang;
    let legend_line = a.legend.as_ref().map(|path| {
        format!(
            "{} {}: {}\n",
            lang.pick("legenda uit", "legend from"),
            crate::fsutil::shown_path(path),
            slugs.join(", ")
        )
    });
    let ws = Workspace::create(
        &g.store,
        crate::ledger::OpenOptions {
            compress: a.compress,
            ..g.options(env)
        },
        &g.actor,
        programme.clone(),
        title,
        legend,
    )?;
    let head = ws.ledger().head().map(|h| h.hash.hex()).unwrap_or_default();
    if g.report() == crate::report::Format::Json {
        let first = ws.ledger().events().next().transpose()?;
        if let Some(rec) = first {
            return crate::cli::receipt(env, g, &ws, &rec, "");
        }
    }
    let at = crate::fsutil::shown_path(&g.store);
    let legend_line = legend_line.unwrap_or_default();
    emit(
        env,
        &match lang {
            crate::formats::annex::Lang::Nl => format!(
                "grootboek voor {programme} aangelegd in {at}\n{legend_line}laatste hash {head}\nvolgende stap: kamerstand item add --kind motie --text \"…\"\n"
            ),
            crate::formats::annex::Lang::En => format!(
                "created ledger for {programme} at {at}\n{legend_line}head {head}\nnext: kamerstand item add --kind motie --text \"…\"\n"
            ),
        },
    )
}

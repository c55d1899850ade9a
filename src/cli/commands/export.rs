//! `kamerstand export`: the annex (md, html), CSV, the overview as JSON, or
//! the events (a backup that `import` restores and that
//! docs/verify_export.py checks without our code).

use crate::app::export;
use crate::cli::args::{OutputFormat, ViewArgs};
use crate::cli::ui::progress::Progress;
use crate::cli::{CliError, Env, Global};
use crate::domain::Invalid;
use crate::formats::annex::Lang;
use std::path::PathBuf;

/// Export the overview in the annex layout (md, html), as CSV or JSON, or the
/// whole event chain (events, JSON Lines). Choose with --format; the view
/// flags pick the moment, as for `overview`.
///
/// Example: kamerstand export --format html --round 2025-voorjaar -o bijlage.html
///
/// Example: kamerstand export --format events -o backup.jsonl
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Write to this file instead of standard output, e.g. bijlage.html
    /// (written whole or not at all).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// Language of labels and headings in md and html.
    #[arg(long, value_enum, default_value_t = Lang::Nl)]
    lang: Lang,
    #[command(flatten)]
    view: ViewArgs,
}

pub(crate) fn run(a: &Args, g: &Global, env: &mut Env<'_>) -> Result<(), CliError> {
    let req = a.view.parse()?;
    let OutputFormat::Export(Some(format)) = g.format else {
        return Err(Invalid::new(
            "--format",
            "(none)",
            "one of md, html, csv, json, events, e.g. `kamerstand export --format html -o bijlage.html`",
        )
        .into());
    };
    let mut progress = Progress::start(g);
    let ws = g.open_with_progress(env, &progress)?;
    let v = req.build(&ws)?;
    match &a.output {
        None => {
            export::export(&ws, &v, format, a.lang, &mut *env.out, &progress)?;
            progress.finish();
            Ok(())
        }
        Some(path) => {
            let bytes = export::to_file(&ws, &v, format, a.lang, path, &progress)?;
            progress.finish();
            let _ = writeln!(
                env.err,
                "wrote {} ({bytes} bytes, {}) to {}",
                format.name(),
                v.describe(),
                path.display()
            );
            Ok(())
        }
    }
}

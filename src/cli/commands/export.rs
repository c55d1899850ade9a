//! `kamerstand export`: the annex (md, html, docx, xlsx), CSV, the overview
//! as JSON, or the events (a backup that `import` restores and that
//! docs/verify_export.py checks without our code).

use crate::app::export;
use crate::cli::args::{OutputFormat, ViewArgs};
use crate::cli::ui::progress::Progress;
use crate::cli::{CliError, Env, Global};
use crate::domain::Invalid;
use crate::formats::annex::{AnnexOptions, Lang};
use std::path::PathBuf;

/// Export the overview in the annex layout (md, html, or a Word or Excel
/// file: docx, xlsx), as CSV or JSON, or the whole event chain (events,
/// JSON Lines). Choose with --format; the view flags pick the moment, as for
/// `overview`. The annex is in Dutch unless --lang en, in the document's
/// own order; a sealed round (--round) carries its digest as the value to
/// check, anything else is marked CONCEPT.
///
/// Example: kamerstand export --format docx --round 2025-voorjaar -o bijlage.docx
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
    /// Language of every word of the annex (md, html, docx, xlsx).
    #[arg(long, value_enum, default_value_t = Lang::Nl)]
    lang: Lang,
    /// Show each item's key before its text in the annex.
    #[arg(long)]
    keys: bool,
    #[command(flatten)]
    view: ViewArgs,
}

pub(crate) fn run(a: &Args, g: &Global, env: &mut Env<'_>) -> Result<(), CliError> {
    let req = a.view.parse()?;
    let OutputFormat::Export(Some(format)) = g.format else {
        return Err(Invalid::new(
            "--format",
            "(none)",
            "one of md, html, docx, xlsx, csv, json, events, e.g. `kamerstand export --format docx -o bijlage.docx`",
        )
        .into());
    };
    let options = AnnexOptions {
        lang: a.lang,
        keys: a.keys,
    };
    if format.is_binary() && a.output.is_none() && env.terminal.stdout {
        return Err(Invalid::new(
            "-o",
            "(none)",
            format!(
                "a file to write the {} file to, e.g. `-o bijlage.{}`: it is not text for the terminal",
                format.name(),
                format.name()
            ),
        )
        .into());
    }
    let mut progress = Progress::start(g);
    let ws = g.open_with_progress(env, &progress)?;
    let v = req.build(&ws)?;
    match &a.output {
        None => {
            export::export_with(&ws, &v, format, options, &mut *env.out, &progress)?;
            progress.finish();
            Ok(())
        }
        Some(path) => {
            let bytes = export::to_file_with(&ws, &v, format, options, path, &progress)?;
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

//! `kamerstand export`: the annex (md, html, docx, xlsx), CSV, the overview
//! as JSON, or the events (a backup that `import` restores and that
//! docs/verify_export.py checks without our code).

use crate::app::export;
use crate::cli::args::{FilterArgs, OutputFormat, ViewArgs};
use crate::cli::ui::progress::Progress;
use crate::cli::ui::terminal::Shown;
use crate::cli::{CliError, Env, Global};
use crate::domain::Invalid;
use crate::formats::ExportFormat;
use crate::formats::annex::{AnnexOptions, Lang};
use std::io::Write;
use std::path::PathBuf;

/// Export the overview in the annex layout (md, html, or a Word or Excel
/// file: docx, xlsx), as CSV or JSON, or the whole event chain (events,
/// JSON Lines). Choose with --format; the view flags pick the moment, as for
/// `overview`, and the filters pick the items. The annex is in Dutch unless
/// --lang en, in the document's own order; a sealed round (--round) carries
/// its digest as the value to check, anything else is marked CONCEPT.
///
/// Example: kamerstand export --format docx --round 2025-voorjaar -o bijlage.docx
///
/// Example: kamerstand export --format html --round 2025-voorjaar -o bijlage.html
///
/// Example: kamerstand export --format events -o backup.jsonl
///
/// Example: kamerstand export --format csv --ministry OCW -o ocw.csv
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Write to this file instead of standard output, e.g. bijlage.html
    /// (written whole or not at all).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// Show each item's key before its text in the annex.
    #[arg(long)]
    keys: bool,
    #[command(flatten)]
    view: ViewArgs,
    #[command(flatten)]
    filter: FilterArgs,
}

/// The format asked for, once the checks that need no ledger hold (the
/// same on a local store and against a server).
fn checked(a: &Args, g: &Global, env: &Env<'_>) -> Result<ExportFormat, CliError> {
    let OutputFormat::Export(Some(format)) = g.format else {
        return Err(Invalid::new(
            "--format",
            "(none)",
            "one of md, html, docx, xlsx, csv, json, events, e.g. `kamerstand export --format docx -o bijlage.docx`",
        )
        .into());
    };
    let filter = a.filter.parse()?;
    if format == ExportFormat::Events && !filter.is_empty() {
        // A chain with events left out is no chain: it could not be
        // restored or checked.
        return Err(Invalid::new(
            "--format",
            "events",
            "md, html, docx, xlsx, csv or json with --ministry, --status or --kind: an events export is the whole chain (a backup), which leaving events out would break",
        )
        .into());
    }
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
    Ok(format)
}

pub(crate) fn run(a: &Args, g: &Global, env: &mut Env<'_>) -> Result<(), CliError> {
    let req = a.view.parse()?;
    let format = checked(a, g, env)?;
    let filter = a.filter.parse()?;
    let options = AnnexOptions {
        lang: g.lang,
        keys: a.keys,
    };
    let mut progress = Progress::start(g);
    let ws = g.open_with_progress(env, &progress)?;
    let v = filter.apply(req.build(&ws)?)?;
    if let Some(none) = crate::report::viewline::no_match(&v, g.lang) {
        // Written all the same (an empty annex is what was asked for), but
        // said.
        let _ = write!(env.err, "note: {}", none.lines().last().unwrap_or_default());
        let _ = writeln!(env.err);
    }
    match &a.output {
        None => {
            // Text shown at a terminal (a binary format is refused above):
            // nothing stored in the ledger may steer it.
            let mut shown;
            let out: &mut dyn Write = if env.terminal.stdout {
                shown = Shown::new(
                    &mut *env.out,
                    matches!(format, ExportFormat::Json | ExportFormat::Events),
                );
                &mut shown
            } else {
                &mut *env.out
            };
            export::export_with(&ws, &v, format, options, out, &progress)?;
            progress.finish();
            Ok(())
        }
        Some(path) => {
            let bytes = export::to_file_with(&ws, &v, format, options, path, &progress)?;
            progress.finish();
            let (what, view) = (format.name(), crate::report::view_line(&v, g.lang));
            let path = crate::fsutil::shown_path(path);
            let _ = writeln!(
                env.err,
                "{}",
                match g.lang {
                    Lang::Nl => format!("{what} ({bytes} bytes; {view}) geschreven naar {path}"),
                    Lang::En => format!("wrote {what} ({bytes} bytes; {view}) to {path}"),
                }
            );
            Ok(())
        }
    }
}

/// The same export, made by a server (`--server URL`): the server renders
/// the file and this writes it, whole or not at all with `-o`.
#[cfg(feature = "server")]
pub(crate) fn remote(
    a: &Args,
    g: &Global,
    r: &crate::cli::remote::Remote,
    env: &mut Env<'_>,
) -> Result<(), CliError> {
    a.view.parse()?;
    let format = checked(a, g, env)?;
    let mut query = crate::cli::remote::filtered_view_query(&a.view, &a.filter);
    query.push(("format", Some(format.name().to_string())));
    if a.keys {
        query.push(("keys", Some("true".to_string())));
    }
    let mut bytes = r.get_bytes("/api/v1/export", &query)?;
    if a.output.is_none() && env.terminal.stdout {
        // Text shown at a terminal (a binary format is refused above):
        // nothing the server sent may steer it.
        bytes = crate::cli::remote::shown(&String::from_utf8_lossy(&bytes)).into_bytes();
    }
    match &a.output {
        None => env
            .out
            .write_all(&bytes)
            .and_then(|()| env.out.flush())
            .map_err(|e| {
                crate::error::Error::storage(format!("writing the {}", format.name()), e).into()
            }),
        Some(path) => {
            let n = export::bytes_to_file(path, &bytes)?;
            let (what, by) = (format.name(), r.base());
            let path = crate::fsutil::shown_path(path);
            let _ = writeln!(
                env.err,
                "{}",
                match g.lang {
                    Lang::Nl =>
                        format!("{what} ({n} bytes, gemaakt door {by}) geschreven naar {path}"),
                    Lang::En => format!("wrote {what} ({n} bytes, made by {by}) to {path}"),
                }
            );
            Ok(())
        }
    }
}

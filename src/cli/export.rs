//! `kamerstand export`: the annex (md, html), CSV, the overview as JSON, or
//! the events (a backup that `import` restores and that
//! docs/verify_export.py checks without our code).

use super::progress::Progress;
use super::view::ViewArgs;
use super::{CliError, Env, Global, emit};
use crate::domain::Invalid;
use crate::projection::Basis;
use crate::report::annex::{self, Lang};
use crate::report::{self, Format};
use std::io::Write;
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

pub(super) fn run(a: &Args, g: &Global, env: &mut Env<'_>) -> Result<(), CliError> {
    let req = a.view.parse()?;
    let format = g.format_name.clone().ok_or_else(|| {
        Invalid::new(
            "--format",
            "(none)",
            "one of md, html, csv, json, events, e.g. `kamerstand export --format html -o bijlage.html`",
        )
    })?;
    let mut progress = Progress::start(g);
    let ws = g.open_with_progress(env, &progress)?;
    let v = req.build(&ws)?;
    if format == "events" {
        // The chain streams out: an export of a large ledger is larger than
        // what should be held in memory.
        progress.phase("exporting", "events");
        let bytes = match &a.output {
            None => write_events(&ws, &v, &progress, &mut *env.out)?,
            Some(path) => write_whole_with(path, |w| write_events(&ws, &v, &progress, w))?,
        };
        progress.finish();
        if let Some(path) = &a.output {
            let _ = writeln!(
                env.err,
                "wrote events ({bytes} bytes, {}) to {}",
                v.describe(),
                path.display()
            );
        }
        return Ok(());
    }
    let text = render_with_progress(&ws, &v, &format, a.lang, &progress)?;
    progress.finish();
    match &a.output {
        None => emit(env, &text),
        Some(path) => {
            write_whole(path, text.as_bytes())?;
            let _ = writeln!(
                env.err,
                "wrote {} ({} bytes, {}) to {}",
                format,
                text.len(),
                v.describe(),
                path.display()
            );
            Ok(())
        }
    }
}

fn csv_err(e: ::csv::Error) -> CliError {
    CliError::Lib(crate::Error::storage("writing CSV", e))
}

/// Writes the events of `v`, one JSON line each, to `w`; returns the
/// number of bytes written.
fn write_events(
    ws: &crate::workspace::Workspace,
    v: &crate::projection::View<'_>,
    progress: &Progress,
    w: &mut dyn Write,
) -> Result<u64, CliError> {
    let last = v.last_seq();
    let total = last.map_or(0, |l| l + 1);
    let every = crate::ledger::verify::PROGRESS_EVERY;
    let mut bytes = 0u64;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, w);
    for rec in ws.ledger().events() {
        let rec = rec?;
        if last.is_none_or(|l| rec.envelope.seq > l) {
            break;
        }
        let line = report::event_line(ws.state(), &rec);
        w.write_all(line.as_bytes())
            .map_err(|e| crate::Error::storage("writing the events", e))?;
        bytes += line.len() as u64;
        let done = rec.envelope.seq + 1;
        if done.is_multiple_of(every) || done == total {
            progress.update(done, total);
        }
    }
    w.flush()
        .map_err(|e| crate::Error::storage("writing the events", e))?;
    Ok(bytes)
}

/// Writes a file whole or not at all: a temporary file beside it under an
/// unpredictable name (never through a planted link), synced, then renamed
/// over the target (see [`crate::fsutil::Staged`]).
fn write_whole(path: &std::path::Path, bytes: &[u8]) -> Result<(), CliError> {
    write_whole_with(path, |w| {
        w.write_all(bytes)
            .map_err(|e| crate::Error::storage(format!("writing {}", path.display()), e))?;
        Ok(())
    })
}

/// As [`write_whole`], with what `fill` writes.
fn write_whole_with<T>(
    path: &std::path::Path,
    fill: impl FnOnce(&mut dyn Write) -> Result<T, CliError>,
) -> Result<T, CliError> {
    if path.file_name().is_none() {
        return Err(Invalid::new("-o", &path.display().to_string(), "a file name").into());
    }
    let storage = |e| {
        CliError::Lib(crate::Error::storage(
            format!("writing {}", path.display()),
            e,
        ))
    };
    let mut staged = crate::fsutil::Staged::beside(path).map_err(storage)?;
    let t = fill(&mut staged)?;
    staged.commit(true).map_err(storage)?;
    Ok(t)
}

/// The export of `view` in `format` (md, html, csv, json or events).
pub(super) fn render(
    ws: &crate::workspace::Workspace,
    v: &crate::projection::View<'_>,
    format: &str,
    lang: Lang,
) -> Result<String, CliError> {
    render_with_progress(ws, v, format, lang, &Progress::none())
}

/// As [`render`], showing its steps on `progress`.
fn render_with_progress(
    ws: &crate::workspace::Workspace,
    v: &crate::projection::View<'_>,
    format: &str,
    lang: Lang,
    progress: &Progress,
) -> Result<String, CliError> {
    if format == "events" {
        progress.phase("exporting", "events");
    } else {
        progress.spin(&format!("exporting {format}"));
    }
    Ok(match format {
        "md" => annex::markdown(v, lang),
        "html" => {
            let limit = match &v.basis {
                Basis::Current => None,
                _ => v.last_seq(),
            };
            let rounds = ws.round_counts(limit)?;
            annex::html(v, &rounds, lang)
        }
        "csv" => {
            let mut w = ::csv::Writer::from_writer(Vec::new());
            let mut out = w.write_record(annex::CSV_COLUMNS).map_err(csv_err);
            for r in annex::csv_records(v) {
                out = out.and_then(|()| w.write_record(&r).map_err(csv_err));
            }
            out?;
            let bytes = w.into_inner().map_err(|e| csv_err(e.into_error().into()))?;
            String::from_utf8(bytes).map_err(|e| crate::Error::storage("writing CSV", e))?
        }
        "json" => report::overview(v, Format::Json),
        _ => {
            // events: the chain up to the view (a prefix of a chain is a chain).
            let last = v.last_seq();
            let total = last.map_or(0, |l| l + 1);
            let every = crate::ledger::verify::PROGRESS_EVERY;
            let mut s = String::new();
            for rec in ws.ledger().events() {
                let rec = rec?;
                if last.is_none_or(|l| rec.envelope.seq > l) {
                    break;
                }
                s.push_str(&report::event_line(ws.state(), &rec));
                let done = rec.envelope.seq + 1;
                if done.is_multiple_of(every) || done == total {
                    progress.update(done, total);
                }
            }
            s
        }
    })
}

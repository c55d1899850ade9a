//! Exporting a view: the annex (Markdown, HTML, Word, Excel), CSV, the
//! overview as JSON, or the event chain (the backup). Every format is
//! written to a stream as it is rendered; [`to_file`] writes a file whole or
//! not at all.

use super::{Progress, Workspace};
use crate::domain::Invalid;
use crate::error::{Error, Result};
use crate::formats::annex::{self, AnnexOptions, Lang};
use crate::formats::{ExportFormat, csv, events};
use crate::projection::{Basis, View};
use crate::report;
use std::io::Write;
use std::path::Path;

/// How many events between two progress reports of a long export.
const PROGRESS_EVERY: u64 = crate::ledger::verify::PROGRESS_EVERY;

/// Writes `view` in `format` to `out` with the annex's words in `lang`;
/// returns the number of bytes.
pub fn export(
    ws: &Workspace,
    view: &View,
    format: ExportFormat,
    lang: Lang,
    out: &mut dyn Write,
    progress: &dyn Progress,
) -> Result<u64> {
    export_with(ws, view, format, AnnexOptions::from(lang), out, progress)
}

/// As [`export`], with every option of the annex (keys shown or not).
pub fn export_with(
    ws: &Workspace,
    view: &View,
    format: ExportFormat,
    options: AnnexOptions,
    out: &mut dyn Write,
    progress: &dyn Progress,
) -> Result<u64> {
    let mut counted = Counting {
        inner: out,
        bytes: 0,
    };
    let written = |e: std::io::Error| Error::storage(format!("writing the {}", format.name()), e);
    match format {
        ExportFormat::Events => {
            // The chain streams out: an export of a large ledger is larger
            // than what should be held in memory.
            progress.phase("exporting", "events");
            write_events(ws, view, &mut counted, progress)?;
        }
        ExportFormat::Md => {
            progress.spin("exporting md");
            // Written a row at a time, not made whole first.
            annex::markdown_to(view, options, &mut counted).map_err(written)?;
        }
        ExportFormat::Html => {
            progress.spin("exporting html");
            let limit = match &view.basis {
                Basis::Current => None,
                _ => view.last_seq(),
            };
            let rounds = ws.round_counts(limit)?;
            annex::html_to(view, &rounds, options, &mut counted).map_err(written)?;
        }
        ExportFormat::Docx | ExportFormat::Xlsx => {
            progress.spin(&format!("exporting {}", format.name()));
            let bytes = match format {
                ExportFormat::Docx => annex::office::docx(view, options),
                _ => annex::office::xlsx(view, options),
            }
            .map_err(|e| e.for_file(format.name()))?;
            counted.write_all(&bytes).map_err(written)?;
        }
        ExportFormat::Csv => {
            progress.spin("exporting csv");
            // The writer's I/O error is passed on as itself, so that a
            // reader that went away is seen as a closed pipe.
            csv::write(view, &mut counted).map_err(|e| match e.into_kind() {
                ::csv::ErrorKind::Io(io) => written(io),
                other => Error::storage("writing CSV", format!("{other:?}")),
            })?;
        }
        ExportFormat::Json => {
            progress.spin("exporting json");
            // Written an item at a time, not made whole first.
            report::overview_json_to(view, &mut counted).map_err(written)?;
        }
    }
    counted.flush().map_err(written)?;
    Ok(counted.bytes)
}

/// As [`export`], into the file at `path`, written whole or not at all.
pub fn to_file(
    ws: &Workspace,
    view: &View,
    format: ExportFormat,
    lang: Lang,
    path: &Path,
    progress: &dyn Progress,
) -> Result<u64> {
    to_file_with(ws, view, format, AnnexOptions::from(lang), path, progress)
}

/// As [`export_with`], into the file at `path`, written whole or not at all.
pub fn to_file_with(
    ws: &Workspace,
    view: &View,
    format: ExportFormat,
    options: AnnexOptions,
    path: &Path,
    progress: &dyn Progress,
) -> Result<u64> {
    write_whole(path, |w| {
        export_with(ws, view, format, options, w, progress)
    })
}

/// Writes `bytes` to the file at `path`, whole or not at all (as an
/// export is written).
pub fn bytes_to_file(path: &Path, bytes: &[u8]) -> Result<u64> {
    write_whole(path, |w| {
        w.write_all(bytes).and_then(|()| w.flush()).map_err(|e| {
            Error::storage(format!("writing {}", crate::fsutil::shown_path(path)), e)
        })?;
        Ok(bytes.len() as u64)
    })
}

/// Writes the file at `path`, whole or not at all, with what `fill` writes
/// into it as it makes it (never the whole text in memory first); returns
/// how many bytes were written.
pub fn stream_to_file(path: &Path, fill: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<u64> {
    write_whole(path, |w| {
        let mut counted = Counting { inner: w, bytes: 0 };
        fill(&mut counted)?;
        counted.flush().map_err(|e| {
            Error::storage(format!("writing {}", crate::fsutil::shown_path(path)), e)
        })?;
        Ok(counted.bytes)
    })
}

/// Writes the events of `view`, one JSON line each (the chain up to the
/// view's end: a prefix of a chain is a chain).
fn write_events(
    ws: &Workspace,
    view: &View,
    w: &mut dyn Write,
    progress: &dyn Progress,
) -> Result<()> {
    let last = view.last_seq();
    let total = last.map_or(0, |l| l + 1);
    let mut w = std::io::BufWriter::with_capacity(1 << 20, w);
    let keys = ws.keys()?;
    let key_of = |id| keys.get(&id).cloned();
    for rec in ws.ledger().events() {
        let rec = rec?;
        if last.is_none_or(|l| rec.envelope.seq > l) {
            break;
        }
        w.write_all(events::line(&key_of, &rec).as_bytes())
            .map_err(|e| Error::storage("writing the events", e))?;
        let done = rec.envelope.seq + 1;
        if done.is_multiple_of(PROGRESS_EVERY) || done == total {
            progress.update(done, total);
        }
    }
    w.flush()
        .map_err(|e| Error::storage("writing the events", e))
}

/// Writes a file whole or not at all: a temporary file beside it under an
/// unpredictable name (never through a planted link), synced, then renamed
/// over the target (see [`crate::fsutil::Staged`]).
fn write_whole<T>(path: &Path, fill: impl FnOnce(&mut dyn Write) -> Result<T>) -> Result<T> {
    if path.file_name().is_none() {
        return Err(Invalid::new("-o", &crate::fsutil::shown_path(path), "a file name").into());
    }
    // The rename below replaces whatever has the name. A planted link must
    // be replaced, not followed; but a directory, or a device such as
    // /dev/null or /dev/stdout's target, is no file to replace: renaming
    // over a device as root would swap it for a plain file.
    // /dev itself and /proc hold the system's devices and the links to
    // them (/dev/stdout leads to whatever standard output is, a plain file
    // included): a name there is never ours to replace. (/dev/shm, a
    // directory for files, is not refused: devices in it are, below.)
    let system = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .and_then(|p| std::fs::canonicalize(p).ok())
        .is_some_and(|p| p == Path::new("/dev") || p.starts_with("/proc") || p.starts_with("/sys"));
    if system {
        return Err(Invalid::new(
            "-o",
            &crate::fsutil::shown_path(path),
            "a file outside /dev, /proc and /sys; leave out -o to write to standard output",
        )
        .into());
    }
    if let Ok(m) = std::fs::symlink_metadata(path) {
        let what = if m.is_dir() {
            Some("a directory")
        } else if m.file_type().is_symlink() {
            // Replaced, not followed, unless it leads to a directory or a
            // device (/dev/stdout is such a link): that link is the system's.
            match std::fs::metadata(path) {
                Ok(t) if t.is_dir() => Some("a link to a directory"),
                Ok(t) if !t.is_file() => Some("a link to a device, pipe or socket"),
                _ => None,
            }
        } else if !m.is_file() {
            Some("a device, pipe or socket")
        } else {
            None
        };
        if let Some(what) = what {
            return Err(Invalid::new(
                "-o",
                &crate::fsutil::shown_path(path),
                format!(
                    "a new file or a regular file to replace, not {what}; leave out -o to write to standard output"
                ),
            )
            .into());
        }
    }
    let storage = |e| Error::storage(format!("writing {}", crate::fsutil::shown_path(path)), e);
    let mut staged = crate::fsutil::Staged::beside(path).map_err(storage)?;
    let t = fill(&mut staged)?;
    staged.commit(true).map_err(storage)?;
    Ok(t)
}

/// A writer that counts what passes through it.
struct Counting<'a> {
    inner: &'a mut dyn Write,
    bytes: u64,
}

impl Write for Counting<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

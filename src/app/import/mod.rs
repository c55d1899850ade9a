//! Importing a document: an annex (as text, a Word file or `pdftotext`
//! output), a register, a budget annex, an Excel or CSV file is read into
//! rows ([`crate::formats::read_import`]), planned against the ledger ([`plan`]: new items are
//! registered, for known ones only what changed is recorded), checked and
//! appended as one atomic batch (or only checked, for a dry run). An events
//! export is no import but a restore ([`super::restore`]).
//!
//! The input is read here, with its limits: at most [`MAX_IMPORT_BYTES`],
//! its format named or detected by content ([`format_of_bytes`]), UTF-8
//! unless it is a Word or Excel file.

pub mod plan;

use super::Workspace;
use crate::domain::EventId;
use crate::domain::{Day, EventBody, EventHash, Invalid};
use crate::error::Result;
use crate::formats::{Anomaly, ImportFormat, ImportRow, ReadOptions};
use crate::ledger::{Draft, Recorded};
use crate::projection::Basis;
use std::collections::BTreeMap;
use std::io::Read;

/// Largest accepted annex or CSV file (an events export streams instead).
pub const MAX_IMPORT_BYTES: u64 = 256 * 1024 * 1024;

/// What the import formats accept, for the refusal of a file none reads.
const ACCEPTED: &str = "an annex (a table with a 'Verantwoordelijk' header and Moties/Toezeggingen sections: as tab-separated text, a Word file or `pdftotext -layout` text), a commitment register (records with fields such as 'Status | openstaand'), a budget annex (Omschrijving / Vindplaats / Stand van zaken), an Excel or CSV file with a kind,text,… header, or an events export; a file in one of these shapes that is not recognised can be named with --format annex|docx|xlsx|pdftext|record|budget|csv|events, and the import then reports what it could not read";

/// Reads a whole import file (or standard input, named "-") as text:
/// at most [`MAX_IMPORT_BYTES`], UTF-8.
pub fn read_text(name: &str, input: &mut dyn Read) -> Result<String> {
    let too_big = || {
        Invalid::new(
            "import file",
            name,
            format!("at most {} MiB", MAX_IMPORT_BYTES / 1024 / 1024),
        )
    };
    let mut buf = Vec::new();
    input
        .take(MAX_IMPORT_BYTES + 1)
        .read_to_end(&mut buf)
        .map_err(|e| Invalid::new("import file", name, format!("a readable file ({e})")))?;
    if u64::try_from(buf.len()).unwrap_or(u64::MAX) > MAX_IMPORT_BYTES {
        return Err(too_big().into());
    }
    String::from_utf8(buf).map_err(|e| {
        let bad = e.utf8_error().valid_up_to();
        Invalid::new(
            "import file",
            name,
            crate::formats::encoding::not_utf8(e.as_bytes(), bad),
        )
        .into()
    })
}

/// Opens a file given to be imported, refusing one that is no regular
/// file: a named pipe would block the open, a device never end. What
/// comes through a pipe is read from standard input, named `-`. No bound
/// on its size: see [`open_file`].
pub fn open_input(path: &std::path::Path) -> Result<std::fs::File> {
    let name = crate::fsutil::shown_path(path);
    crate::fsutil::open_input(path, true).map_err(|e| match e {
        crate::fsutil::InputError::NotRegular(kind) => Invalid::new(
            "import file",
            &name,
            format!("a regular file, or - to read standard input (it is {kind})"),
        )
        .into(),
        crate::fsutil::InputError::Io(e) => {
            Invalid::new("import file", &name, format!("a readable file ({e})")).into()
        }
    })
}

/// Opens an import file ([`open_input`]), refusing one known to be too
/// large before it is read.
pub fn open_file(path: &std::path::Path) -> Result<std::fs::File> {
    let name = crate::fsutil::shown_path(path);
    let f = open_input(path)?;
    if f.metadata().is_ok_and(|m| m.len() > MAX_IMPORT_BYTES) {
        return Err(Invalid::new(
            "import file",
            &name,
            format!("at most {} MiB", MAX_IMPORT_BYTES / 1024 / 1024),
        )
        .into());
    }
    Ok(f)
}

/// Reads a whole import file (or standard input, named "-") as bytes: at
/// most [`MAX_IMPORT_BYTES`].
pub fn read_bytes(name: &str, input: &mut dyn Read) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    input
        .take(MAX_IMPORT_BYTES + 1)
        .read_to_end(&mut buf)
        .map_err(|e| Invalid::new("import file", name, format!("a readable file ({e})")))?;
    if u64::try_from(buf.len()).unwrap_or(u64::MAX) > MAX_IMPORT_BYTES {
        return Err(Invalid::new(
            "import file",
            name,
            format!("at most {} MiB", MAX_IMPORT_BYTES / 1024 / 1024),
        )
        .into());
    }
    Ok(buf)
}

/// The format of a file's bytes: the one named (when the file is of that
/// kind: a text format is not read out of a Word file), else the one its
/// content shows. A PDF, an old Office file or a letter in prose is
/// refused with what to do instead.
pub fn format_of_bytes(
    name: &str,
    bytes: &[u8],
    named: Option<ImportFormat>,
) -> Result<ImportFormat> {
    use crate::formats::sniff::{FileKind, sniff};
    let kind = sniff(bytes);
    match named {
        Some(f) if f.is_binary() => Ok(f),
        Some(f) => match kind {
            FileKind::Text => Ok(f),
            FileKind::Docx | FileKind::Xlsx => Err(Invalid::new(
                "import file",
                name,
                format!(
                    "text for --format {}: this is {}; import it without --format, or with --format {}",
                    f.name(),
                    kind.describe(),
                    if kind == FileKind::Docx { "docx" } else { "xlsx" }
                ),
            )
            .into()),
            FileKind::Unknown => Err(crate::formats::not_text(name, bytes).into()),
            _ => Err(crate::formats::refuse_kind(name, kind).into()),
        },
        None => match ImportFormat::detect_bytes(name, bytes)? {
            Some(f) => Ok(f),
            None => Err(Invalid::new("import file", name, ACCEPTED).into()),
        },
    }
}

/// The format of `text`: the one named, else the one its content shows.
pub fn format_of(name: &str, text: &str, named: Option<ImportFormat>) -> Result<ImportFormat> {
    match named.or_else(|| ImportFormat::detect(text)) {
        Some(f) => Ok(f),
        None => Err(Invalid::new("import file", name, ACCEPTED).into()),
    }
}

/// An import of an annex or CSV document.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    /// The file's name, for messages.
    pub name: &'a str,
    /// Its text (for the text formats).
    pub text: &'a str,
    /// Its bytes, for the formats read from bytes (Word, Excel); for the
    /// others, empty or the bytes of `text`.
    pub bytes: &'a [u8],
    /// The format it is read as.
    pub format: ImportFormat,
    /// What the format's reader needs besides the file.
    pub options: ReadOptions,
    /// The date of the changes; None: the reported-on date, else today.
    pub effective: Option<Day>,
    /// The date of the letter the file was reported with: the round's
    /// reported-on date, and the date of the changes unless `effective`
    /// or a row says better. Required to seal a round (see [`import`]).
    pub reported_on: Option<Day>,
    /// Seal a round (name, title) in the same batch.
    pub round: Option<(String, String)>,
    /// Only check: append nothing.
    pub dry_run: bool,
}

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Clone)]
pub struct Report {
    /// The file's name.
    pub name: String,
    /// Its format.
    pub format: ImportFormat,
    /// Only checked.
    pub dry_run: bool,
    /// Rows read.
    pub rows: usize,
    /// Items registered.
    pub added: usize,
    /// Known items changed.
    pub changed: usize,
    /// Known items found unchanged.
    pub unchanged: usize,
    /// Keys of items in the ledger that the file does not mention.
    pub not_in_file: Vec<String>,
    /// Everything odd, sorted by line.
    pub anomalies: Vec<Anomaly>,
    /// The events appended (or that would be).
    pub records: Vec<Recorded>,
    /// The keys of the items the events are about.
    pub keys: BTreeMap<EventId, String>,
    /// The programme (for a listing of the events).
    pub programme: crate::projection::view::Programme,
}

/// The refusal of a file in which no row was read: what the reader found
/// instead, and what it reads.
fn nothing_read(req: &Request<'_>, anomalies: &[Anomaly]) -> Invalid {
    let found: Vec<String> = anomalies
        .iter()
        .take(3)
        .map(|a| match a.line {
            0 => a.message.clone(),
            l => format!("line {l}: {}", a.message),
        })
        .collect();
    let found = if found.is_empty() {
        String::new()
    } else {
        format!(" (found: {})", found.join("; "))
    };
    Invalid::new(
        "import file",
        req.name,
        format!(
            "at least one item row read as --format {}; none was{found}. Nothing was recorded. Accepted: {ACCEPTED}",
            req.format.name()
        ),
    )
}

/// Reads, plans, checks and (unless a dry run) records an annex or CSV
/// import as one batch. A file in which no row is read is refused, and so
/// is sealing a round without the date of its letter (`reported_on` or
/// `effective`).
pub fn import(ws: &mut Workspace, actor: &str, req: &Request<'_>) -> Result<Report> {
    let legend = ws.legend().clone();
    let input = if req.format.is_binary() {
        req.bytes
    } else {
        req.text.as_bytes()
    };
    // Every format through its reader (crate::formats::read_import).
    let (rows, mut anomalies): (Vec<ImportRow>, Vec<Anomaly>) =
        crate::formats::read_import(req.name, input, req.format, &legend, &req.options)?;
    if rows.is_empty() {
        return Err(nothing_read(req, &anomalies).into());
    }
    // Every row of every format passes the same text checks.
    let (rows, checked) = check_rows(rows, req.format)?;
    anomalies.extend(checked);
    // A round records the letter's date: an import that seals one names
    // it (the file itself states none), so that last year's annex is not
    // reported today by default.
    if req.round.is_some() && req.reported_on.is_none() && req.effective.is_none() {
        return Err(Invalid::new(
            "--seal-round",
            req.round.as_ref().map_or("", |r| r.0.as_str()),
            "a round with the date of its letter: add --reported-on DATE (YYYY-MM-DD, or today)",
        )
        .into());
    }
    let effective = ws.day_or_today(req.effective.or(req.reported_on));
    let reported_on = req.reported_on.unwrap_or(effective);
    // At most four events per row (registration or status change,
    // responsibility, details, note) and an order per kind; ids are drawn
    // up front because planning borrows the state.
    let ids: Vec<EventId> = (0..rows.len() * 4 + 2).map(|_| ws.new_id()).collect();
    let mut ids = ids.into_iter();
    let mut next = || ids.next().unwrap_or(EventId([0; 16]));
    // The plan compares each row with the values now and on its day.
    let now = ws.view(Basis::Current, None)?;
    let on = ws.view(Basis::Current, Some(effective))?;
    let mut p = plan::plan(&now, &on, &rows, effective, &mut next);
    if let Some((name, title)) = &req.round {
        let id = ws.new_id();
        p.drafts.push(Draft {
            id,
            body: EventBody::RoundSealedV2 {
                name: name.clone(),
                title: title.clone(),
                reported_on,
                // Filled in by the ledger: the event before the seal and
                // the tree of every event before it.
                head_seq: 0,
                head_hash: EventHash::GENESIS,
                tree_size: 0,
                tree_root: EventHash::GENESIS,
            },
        });
    }
    anomalies.extend(p.anomalies.iter().cloned());
    anomalies.sort_by_key(|x| x.line);
    // The keys of the items the events are about, so that a listing of
    // them can name the items a batch registers too.
    let mut keys: BTreeMap<EventId, String> = now
        .items
        .iter()
        .map(|i| (i.id, i.key.to_string()))
        .collect();
    // What the plan was made from is let go of before the batch is
    // decided: on a large ledger the two views and the rows are tens of
    // megabytes.
    let n_rows = rows.len();
    drop((now, on, rows));
    // The drafts go to the ledger whole (a copy of a large import's drafts
    // is hundreds of megabytes); the report needs only the plan's counts.
    let drafts = std::mem::take(&mut p.drafts);
    let records = if req.dry_run {
        ws.dry_run(actor, drafts)?
    } else {
        ws.record_batch(actor, drafts)?
    };
    for r in &records {
        if let EventBody::ItemRegistered { key, .. } = &r.envelope.body {
            keys.insert(r.envelope.id, key.to_string());
        }
    }
    Ok(Report {
        name: req.name.to_string(),
        format: req.format,
        dry_run: req.dry_run,
        rows: n_rows,
        added: p.added,
        changed: p.changed,
        unchanged: p.unchanged,
        not_in_file: p.not_in_file,
        anomalies,
        records,
        keys,
        programme: ws.programme().clone(),
    })
}

/// Applies [`ImportRow::checked`] to every row: the rows as they will be
/// recorded and the anomalies of what was left out, or the refusal of the
/// whole import (nothing is written).
fn check_rows(
    rows: Vec<ImportRow>,
    format: ImportFormat,
) -> Result<(Vec<ImportRow>, Vec<Anomaly>)> {
    let source = match format {
        ImportFormat::Csv => "CSV",
        other => other.name(),
    };
    let mut checked = Vec::with_capacity(rows.len());
    let mut anomalies = Vec::new();
    for row in rows {
        let (row, left_out) = row.checked(source)?;
        checked.push(row);
        anomalies.extend(left_out);
    }
    Ok((checked, anomalies))
}

/// An import's options as given (by the command line's flags or the API's
/// query), each with the name it was given under, for messages.
#[derive(Debug, Clone, Copy, Default)]
pub struct Flags<'a> {
    /// `--effective`: the date of the changes.
    pub effective: Option<(&'a str, &'a str)>,
    /// `--reported-on`: a date, or `today`.
    pub reported_on: Option<(&'a str, &'a str)>,
    /// `--seal-round`: the round to seal.
    pub seal_round: Option<(&'a str, &'a str)>,
    /// `--round-title`: its title (the name when None).
    pub round_title: Option<(&'a str, &'a str)>,
    /// `--responsible`: the parties of rows that name none.
    pub responsible: Option<(&'a str, &'a str)>,
    /// `--columns`: a sheet's columns mapped to ours.
    pub columns: Option<(&'a str, &'a str)>,
    /// `--sheet`: the sheet of a workbook to read.
    pub sheet: Option<&'a str>,
}

/// [`Flags`] checked: what a [`Request`] needs besides the file.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The date of the changes.
    pub effective: Option<Day>,
    /// The letter's date: Some(None) for "today" (the ledger's, known once
    /// it is open).
    pub reported_on: Option<Option<Day>>,
    /// The round to seal, with its title.
    pub round: Option<(String, String)>,
    /// What the readers need.
    pub options: ReadOptions,
}

impl Flags<'_> {
    /// Checks every option, refusing the first that does not parse (named
    /// as it was given).
    pub fn check(&self) -> Result<Checked> {
        let effective = self
            .effective
            .map(|(flag, d)| Day::parse(flag, d))
            .transpose()?;
        let reported_on = match self.reported_on.map(|(flag, d)| (flag, d.trim())) {
            None => None,
            Some((_, d)) if d.eq_ignore_ascii_case("today") => Some(None),
            Some((flag, d)) => {
                Some(Some(Day::parse(flag, d).map_err(|e| {
                    Invalid::new(flag, d, format!("{} or today", e.expected))
                })?))
            }
        };
        let round = match self.seal_round {
            None => None,
            Some((_, name)) => {
                let name = crate::projection::decide::round_name(name)?;
                let title = match self.round_title {
                    Some((flag, t)) => crate::domain::text::short_text(flag, t)?,
                    None => name.clone(),
                };
                Some((name, title))
            }
        };
        let ministries = crate::domain::Ministries::builtin();
        let options = ReadOptions {
            responsible: self
                .responsible
                .map(|(flag, r)| {
                    ministries
                        .responsible(r)
                        .map_err(|e| Invalid::new(flag, r, e.expected))
                })
                .transpose()?,
            columns: self
                .columns
                .map(|(_, c)| crate::formats::sheet::Columns::parse(c))
                .transpose()?,
            sheet: self.sheet.map(str::to_string),
            ministries,
        };
        Ok(Checked {
            effective,
            reported_on,
            round,
            options,
        })
    }
}

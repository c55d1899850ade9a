//! Importing a document: an annex or a CSV file is read into rows
//! ([`crate::formats`]), planned against the ledger ([`plan`]: new items are
//! registered, for known ones only what changed is recorded), checked and
//! appended as one atomic batch (or only checked, for a dry run). An events
//! export is no import but a restore ([`super::restore`]).
//!
//! The input is read here, with its limits: at most [`MAX_IMPORT_BYTES`],
//! UTF-8, its format named or detected by content.

mod encoding;
pub mod plan;

use super::Workspace;
use crate::domain::EventId;
use crate::domain::{Day, EventBody, EventHash, Invalid};
use crate::error::Result;
use crate::formats::{Anomaly, ImportFormat, ImportRow, annex, csv};
use crate::ledger::{Draft, Recorded};
use crate::projection::Basis;
use std::collections::BTreeMap;
use std::io::Read;

/// Largest accepted annex or CSV file (an events export streams instead).
pub const MAX_IMPORT_BYTES: u64 = 256 * 1024 * 1024;

/// What the import formats accept, for the refusal of a file none reads.
const ACCEPTED: &str = "an annex (a table with a 'Verantwoordelijk' header and Moties/Toezeggingen sections), a CSV file with a kind,text,… header, or an events export; or say which with --format annex|csv|events";

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
        Invalid::new("import file", name, encoding::not_utf8(e.as_bytes(), bad)).into()
    })
}

/// Opens an import file, refusing one known to be too large before it is
/// read.
pub fn open_file(path: &std::path::Path) -> Result<std::fs::File> {
    let name = path.display().to_string();
    let f = std::fs::File::open(path)
        .map_err(|e| Invalid::new("import file", &name, format!("a readable file ({e})")))?;
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
    /// Its text.
    pub text: &'a str,
    /// Annex or CSV.
    pub format: ImportFormat,
    /// The date of the changes (and the reported-on date of a round sealed
    /// with them); None: today.
    pub effective: Option<Day>,
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

/// Reads, plans, checks and (unless a dry run) records an annex or CSV
/// import as one batch.
pub fn import(ws: &mut Workspace, actor: &str, req: &Request<'_>) -> Result<Report> {
    let legend = ws.legend().clone();
    let (rows, mut anomalies): (Vec<ImportRow>, Vec<Anomaly>) = match req.format {
        ImportFormat::Csv => csv::read(req.text, &legend)?,
        ImportFormat::Annex | ImportFormat::Events => {
            let doc = annex::parse(req.text, &legend);
            let rows = doc.rows.iter().map(ImportRow::from).collect();
            (rows, doc.anomalies)
        }
    };
    // Every row of every format passes the same text checks.
    let (rows, checked) = check_rows(rows, req.format)?;
    anomalies.extend(checked);
    let effective = ws.day_or_today(req.effective);
    // At most two events per new row and three per known one; ids are
    // drawn up front because planning borrows the state.
    let ids: Vec<EventId> = (0..rows.len() * 3).map(|_| ws.new_id()).collect();
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
            body: EventBody::RoundSealed {
                name: name.clone(),
                title: title.clone(),
                reported_on: effective,
                // Filled in by the ledger: the event before the seal.
                head_seq: 0,
                head_hash: EventHash::GENESIS,
            },
        });
    }
    anomalies.extend(p.anomalies.iter().cloned());
    anomalies.sort_by_key(|x| x.line);
    let records = if req.dry_run {
        ws.dry_run(actor, p.drafts.clone())?
    } else {
        ws.record_batch(actor, p.drafts.clone())?
    };
    // The keys of the items the events are about, so that a listing of
    // them can name the items a batch registers too.
    let mut keys: BTreeMap<EventId, String> = now
        .items
        .iter()
        .map(|i| (i.id, i.key.to_string()))
        .collect();
    for r in &records {
        if let EventBody::ItemRegistered { key, .. } = &r.envelope.body {
            keys.insert(r.envelope.id, key.to_string());
        }
    }
    Ok(Report {
        name: req.name.to_string(),
        format: req.format,
        dry_run: req.dry_run,
        rows: rows.len(),
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

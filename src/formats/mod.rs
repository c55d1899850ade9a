//! Every file format kamerstand reads or writes, each in one module that
//! knows both directions: the annex layout (`annex`: text in, Markdown and
//! HTML out), CSV (`csv`), the events export (`events`, the backup that
//! `docs/verify_export.py` checks), Word (`docx`) and Excel (`xlsx`),
//! signed round notes and proofs for outsiders (`note`, `proof`), and
//! recognising a file by its content (`sniff`). Importers turn a document
//! into [`ImportRow`]s and [`Anomaly`]s and never fail on odd content;
//! writers render a view. The Word and Excel modules read a file into a
//! neutral model ([`docx::Document`], [`xlsx::Sheet`]) and write one from
//! it. Nothing here touches the store.

pub mod annex;
mod checks;
pub mod csv;
pub mod docx;
pub mod events;
pub mod legend;
pub mod markdown;
pub mod note;
mod ooxml;
pub mod proof;
pub mod sniff;
pub mod xlsx;

pub use ooxml::{FormatError, Limits};

use crate::domain::{Day, Invalid, ItemKey, ItemKind, Responsible};

/// A format `import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportFormat {
    /// The annex table as text (copied out of the PDF or Word file).
    Annex,
    /// CSV in the columns `export --format csv` writes.
    Csv,
    /// An events export (JSON Lines): a backup, restored whole.
    Events,
}

impl ImportFormat {
    /// Every import format, in the order messages list them.
    pub const ALL: [ImportFormat; 3] =
        [ImportFormat::Annex, ImportFormat::Csv, ImportFormat::Events];

    /// The name `--format` takes.
    pub fn name(self) -> &'static str {
        match self {
            ImportFormat::Annex => "annex",
            ImportFormat::Csv => "csv",
            ImportFormat::Events => "events",
        }
    }

    /// Which format `text` is in, judged by its content: an events export
    /// starts with a JSON object, a CSV file with a header naming our
    /// columns, an annex has a "Verantwoordelijk" header and a section line.
    pub fn detect(text: &str) -> Option<ImportFormat> {
        if events::looks_like_events(text) {
            Some(ImportFormat::Events)
        } else if csv::looks_like_csv(text) {
            Some(ImportFormat::Csv)
        } else if annex::looks_like_annex(text) {
            Some(ImportFormat::Annex)
        } else {
            None
        }
    }
}

/// A format `export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// The annex as Markdown.
    Md,
    /// The annex as a self-contained HTML page.
    Html,
    /// One CSV record per item (what the CSV import reads back).
    Csv,
    /// The overview as JSON (schema/overview.schema.json).
    Json,
    /// The event chain as JSON Lines (schema/events-export.md).
    Events,
}

impl ExportFormat {
    /// Every export format, in the order messages list them.
    pub const ALL: [ExportFormat; 5] = [
        ExportFormat::Md,
        ExportFormat::Html,
        ExportFormat::Csv,
        ExportFormat::Json,
        ExportFormat::Events,
    ];

    /// The name `--format` takes.
    pub fn name(self) -> &'static str {
        match self {
            ExportFormat::Md => "md",
            ExportFormat::Html => "html",
            ExportFormat::Csv => "csv",
            ExportFormat::Json => "json",
            ExportFormat::Events => "events",
        }
    }
}

/// Parses a format name among `all`, refusing others with the list.
pub fn parse_name<T: Copy>(
    what: &str,
    input: &str,
    all: &[T],
    name: impl Fn(T) -> &'static str,
) -> Result<T, Invalid> {
    let folded = input.trim().to_ascii_lowercase();
    all.iter()
        .copied()
        .find(|f| name(*f) == folded)
        .ok_or_else(|| {
            let names: Vec<&str> = all.iter().map(|f| name(*f)).collect();
            Invalid::new(what, input, format!("one of {}", names.join(", ")))
        })
}

/// Something odd in the input, with its line number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anomaly {
    /// 1-based line number the anomaly was found on.
    pub line: usize,
    /// What was odd, e.g. "row without item text".
    pub message: String,
}

/// One item as an import file states it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRow {
    /// Line (or CSV record's line) it came from, 1-based.
    pub line: usize,
    /// Motion or commitment.
    pub kind: ItemKind,
    /// Key, when the file gives one.
    pub key: Option<ItemKey>,
    /// Item text ("" when the source lost it).
    pub text: String,
    /// Submitters.
    pub submitters: Vec<String>,
    /// Citations of the item text, raw.
    pub citations: Vec<String>,
    /// Status slug, when the file states one.
    pub status: Option<String>,
    /// Responsible parties, when stated.
    pub responsible: Option<Responsible>,
    /// Progress text, when stated.
    pub progress: Option<String>,
    /// Citations of the progress text, raw.
    pub progress_citations: Vec<String>,
    /// Effective date of the progress text, when stated.
    pub progress_effective: Option<Day>,
    /// Effective date of the item, when stated.
    pub effective: Option<Day>,
}

impl From<&annex::AnnexRow> for ImportRow {
    /// An annex row states no key and no dates: keys come from citations,
    /// dates from the import's `--effective`.
    fn from(r: &annex::AnnexRow) -> ImportRow {
        ImportRow {
            line: r.line,
            kind: r.kind,
            key: None,
            text: r.text.clone(),
            submitters: r.submitters.clone(),
            citations: r.citations.clone(),
            status: r.status.clone(),
            responsible: r.responsible.clone(),
            progress: r.progress.clone(),
            progress_citations: r.progress_citations.clone(),
            progress_effective: None,
            effective: None,
        }
    }
}

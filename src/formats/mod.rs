//! Every file format kamerstand reads or writes, each in one module that
//! knows both directions: the annex layout (`annex`: text in, Markdown and
//! HTML out; the same table in a Word file, `annex::word`, and in the text
//! `pdftotext -layout` makes of its PDF, `annex::pdftext`), CSV (`csv`),
//! the events export (`events`, the backup that `docs/verify_export.py`
//! checks), Word (`docx`) and Excel (`xlsx`), a sheet with its own columns
//! (`sheet`), the Eerste Kamer's commitment register (`record`), a budget's
//! annex of motions and commitments (`budget`), signed round notes and
//! proofs for outsiders (`note`, `proof`), and recognising a file by its
//! content (`sniff`, [`ImportFormat::detect_bytes`]; a letter in prose is
//! recognised to be refused, `letter`). Importers turn a document into
//! [`ImportRow`]s and [`Anomaly`]s and never fail on odd content; writers
//! render a view. The Word and Excel modules read a file into a neutral
//! model ([`docx::Document`], [`xlsx::Sheet`]) and write one from it.
//! Nothing here touches the store.

pub mod annex;
pub mod budget;
mod checks;
pub mod colours;
pub mod csv;
pub mod docx;
pub(crate) mod encoding;
pub mod events;
pub mod import;
pub mod legend;
pub mod letter;
pub mod markdown;
pub mod note;
mod ooxml;
pub mod proof;
pub mod record;
pub mod sheet;
pub mod sniff;
pub mod xlsx;

pub use import::{ReadOptions, read_import};
pub use ooxml::{FormatError, Limits};

use crate::domain::{Day, Invalid, ItemKey, ItemKind, Responsible};

/// A format `import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportFormat {
    /// The annex table as text (copied out of the PDF or Word file).
    Annex,
    /// The annex as a Word file (`.docx`): its table, footnotes and the
    /// status shown as a cell's colour.
    Docx,
    /// An Excel workbook (`.xlsx`): the CSV columns, or the sheet's own
    /// through a column mapping.
    Xlsx,
    /// The annex's PDF as `pdftotext -layout` turns it into text.
    Pdftext,
    /// A commitment register: one record of fields per commitment.
    Record,
    /// A budget's annex of motions and commitments (Omschrijving /
    /// Vindplaats / Stand van zaken).
    Budget,
    /// CSV in the columns `export --format csv` writes.
    Csv,
    /// An events export (JSON Lines): a backup, restored whole.
    Events,
}

impl ImportFormat {
    /// Every import format, in the order messages list them.
    pub const ALL: [ImportFormat; 8] = [
        ImportFormat::Annex,
        ImportFormat::Docx,
        ImportFormat::Xlsx,
        ImportFormat::Pdftext,
        ImportFormat::Record,
        ImportFormat::Budget,
        ImportFormat::Csv,
        ImportFormat::Events,
    ];

    /// The name `--format` takes.
    pub fn name(self) -> &'static str {
        match self {
            ImportFormat::Annex => "annex",
            ImportFormat::Docx => "docx",
            ImportFormat::Xlsx => "xlsx",
            ImportFormat::Pdftext => "pdftext",
            ImportFormat::Record => "record",
            ImportFormat::Budget => "budget",
            ImportFormat::Csv => "csv",
            ImportFormat::Events => "events",
        }
    }

    /// True for the formats read from bytes rather than text (Word, Excel).
    pub fn is_binary(self) -> bool {
        matches!(self, ImportFormat::Docx | ImportFormat::Xlsx)
    }

    /// Which format `text` is in, judged by its content: an events export
    /// starts with a JSON object, a CSV file with a header naming our
    /// columns, an annex has a "Verantwoordelijk" header and a section line
    /// (tab-separated; spaced into columns, it is `pdftotext -layout`
    /// output), a register has records of known fields, a budget annex the
    /// header Omschrijving / Vindplaats / Stand van zaken.
    pub fn detect(text: &str) -> Option<ImportFormat> {
        if events::looks_like_events(text) {
            Some(ImportFormat::Events)
        } else if csv::looks_like_csv(text) {
            Some(ImportFormat::Csv)
        } else if annex::looks_like_annex(text) {
            Some(ImportFormat::Annex)
        } else if annex::pdftext::looks_like_pdftext(text) {
            Some(ImportFormat::Pdftext)
        } else if budget::looks_like_budget(text) {
            Some(ImportFormat::Budget)
        } else if record::looks_like_record(text) {
            Some(ImportFormat::Record)
        } else {
            None
        }
    }

    /// Which format a file's bytes are in: Word and Excel by their package,
    /// text by [`ImportFormat::detect`]. `Ok(None)`: text in no format we
    /// know. A file no import reads (a PDF, an old `.doc`, an OpenDocument
    /// file, a letter in prose) is refused with what to do instead.
    pub fn detect_bytes(name: &str, bytes: &[u8]) -> Result<Option<ImportFormat>, Invalid> {
        use sniff::FileKind;
        match sniff::sniff(bytes) {
            FileKind::Docx => Ok(Some(ImportFormat::Docx)),
            FileKind::Xlsx => Ok(Some(ImportFormat::Xlsx)),
            FileKind::Text => {
                let text = std::str::from_utf8(bytes).unwrap_or_default();
                match ImportFormat::detect(text) {
                    Some(f) => Ok(Some(f)),
                    None if letter::looks_like_letter(text) => Err(letter::refusal(name)),
                    None => Ok(None),
                }
            }
            FileKind::Unknown => Err(not_text(name, bytes)),
            kind => Err(refuse_kind(name, kind)),
        }
    }
}

/// The refusal of bytes that are no text and no file we read: where the
/// UTF-8 stops, and what would be read.
pub fn not_text(name: &str, bytes: &[u8]) -> Invalid {
    let at = std::str::from_utf8(bytes)
        .err()
        .map_or(0, |e| e.valid_up_to());
    Invalid::new(
        "import file",
        name,
        encoding::windows_1252_advice(bytes, at).unwrap_or_else(|| {
            format!("UTF-8 text (byte {at} is not), or a Word (.docx) or Excel (.xlsx) file")
        }),
    )
}

/// The refusal of a file whose kind no import reads, saying what to do.
pub fn refuse_kind(name: &str, kind: sniff::FileKind) -> Invalid {
    use sniff::FileKind;
    let advice = match kind {
        FileKind::Pdf => {
            "text: this is a PDF, which is not read directly; turn it into text with `pdftotext -layout FILE.pdf FILE.txt` (poppler-utils) and import FILE.txt, or import the Word file the PDF was made from"
        }
        FileKind::LegacyOffice => {
            "a .docx or .xlsx file: this is an old binary Office file (.doc or .xls); open it and save it as .docx or .xlsx"
        }
        FileKind::Odt => {
            "a .docx file: this is an OpenDocument text; save it as .docx (Word) and import that"
        }
        FileKind::Ods => {
            "a .xlsx file: this is an OpenDocument spreadsheet; save it as .xlsx (Excel) and import that"
        }
        FileKind::Zip => "a Word (.docx) or Excel (.xlsx) file: this zip archive is neither",
        FileKind::Docx | FileKind::Xlsx | FileKind::Text | FileKind::Unknown => {
            "a Word (.docx) or Excel (.xlsx) file or UTF-8 text: this file is none of them"
        }
    };
    Invalid::new("import file", name, advice)
}

/// A format `export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// The annex as Markdown.
    Md,
    /// The annex as a self-contained HTML page.
    Html,
    /// The annex as a Word file: tables with the status as cell shading,
    /// Word footnotes.
    Docx,
    /// The annex as an Excel workbook: one sheet, the status as cell fill.
    Xlsx,
    /// One CSV record per item (what the CSV import reads back).
    Csv,
    /// The overview as JSON (schema/overview.schema.json).
    Json,
    /// The event chain as JSON Lines (schema/events-export.md).
    Events,
}

impl ExportFormat {
    /// Every export format, in the order messages list them.
    pub const ALL: [ExportFormat; 7] = [
        ExportFormat::Md,
        ExportFormat::Html,
        ExportFormat::Docx,
        ExportFormat::Xlsx,
        ExportFormat::Csv,
        ExportFormat::Json,
        ExportFormat::Events,
    ];

    /// The name `--format` takes.
    pub fn name(self) -> &'static str {
        match self {
            ExportFormat::Md => "md",
            ExportFormat::Html => "html",
            ExportFormat::Docx => "docx",
            ExportFormat::Xlsx => "xlsx",
            ExportFormat::Csv => "csv",
            ExportFormat::Json => "json",
            ExportFormat::Events => "events",
        }
    }

    /// True for the formats that are files of bytes, not text (Word,
    /// Excel): never written to a terminal.
    pub fn is_binary(self) -> bool {
        matches!(self, ExportFormat::Docx | ExportFormat::Xlsx)
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
    /// 1-based line number the anomaly was found on (for a Word file, the
    /// table row; for Excel, the sheet's row), or 0
    /// ([`import::WHOLE_FILE`]) for a finding about the whole file.
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
    /// A register's short title of the item, when it gives one beside the
    /// text.
    pub title: Option<String>,
    /// The date the item is due ("deadline"), when stated.
    pub deadline: Option<Day>,
    /// Where the commitment was made or the motion adopted (vindplaats):
    /// the citation as written, when stated.
    pub made_in: Option<String>,
    /// When it was made (the debate's date), when stated.
    pub made_on: Option<Day>,
    /// Who was responsible before, when the file says so.
    pub previous_responsible: Option<Responsible>,
}

impl ImportRow {
    /// A row of `kind` on `line` with nothing stated yet.
    pub fn new(line: usize, kind: ItemKind) -> ImportRow {
        ImportRow {
            line,
            kind,
            key: None,
            text: String::new(),
            submitters: Vec::new(),
            citations: Vec::new(),
            status: None,
            responsible: None,
            progress: None,
            progress_citations: Vec::new(),
            progress_effective: None,
            effective: None,
            title: None,
            deadline: None,
            made_in: None,
            made_on: None,
            previous_responsible: None,
        }
    }
}

impl From<&annex::AnnexRow> for ImportRow {
    /// An annex row states no key and no dates: keys come from citations,
    /// dates from the import's `--effective`.
    fn from(r: &annex::AnnexRow) -> ImportRow {
        ImportRow {
            text: r.text.clone(),
            submitters: r.submitters.clone(),
            citations: r.citations.clone(),
            status: r.status.clone(),
            responsible: r.responsible.clone(),
            progress: r.progress.clone(),
            progress_citations: r.progress_citations.clone(),
            ..ImportRow::new(r.line, r.kind)
        }
    }
}

//! Recognises a file by its content, not its name, so the importer can tell
//! a user that the "annex.docx" they gave is really a PDF, or an old `.doc`.

use super::ooxml::{Limits, Package, content_types, has_zip_magic};

/// What a file is, as far as its first bytes and package manifest tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// A Word document (`.docx`, `.docm`, `.dotx`).
    Docx,
    /// An Excel workbook (`.xlsx`, `.xlsm`, `.xltx`).
    Xlsx,
    /// A PDF.
    Pdf,
    /// An OpenDocument text (`.odt`).
    Odt,
    /// An OpenDocument spreadsheet (`.ods`).
    Ods,
    /// An old binary Office file (`.doc`, `.xls`): an OLE compound file.
    LegacyOffice,
    /// Some other zip archive.
    Zip,
    /// UTF-8 text (the annex text layout, CSV, events).
    Text,
    /// Anything else.
    Unknown,
}

impl FileKind {
    /// A short description for messages ("a Word document (.docx)").
    pub fn describe(self) -> &'static str {
        match self {
            FileKind::Docx => "a Word document (.docx)",
            FileKind::Xlsx => "an Excel workbook (.xlsx)",
            FileKind::Pdf => "a PDF",
            FileKind::Odt => "an OpenDocument text (.odt)",
            FileKind::Ods => "an OpenDocument spreadsheet (.ods)",
            FileKind::LegacyOffice => "an old binary Office file (.doc or .xls)",
            FileKind::Zip => "a zip archive that is not a Word or Excel file",
            FileKind::Text => "a text file",
            FileKind::Unknown => "a file of unknown type",
        }
    }
}

/// Tells what the bytes are. Never fails: a damaged package is `Zip`.
pub fn sniff(bytes: &[u8]) -> FileKind {
    let head = &bytes[..bytes.len().min(1024)];
    if head.windows(5).any(|w| w == b"%PDF-") {
        return FileKind::Pdf;
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return FileKind::LegacyOffice;
    }
    if has_zip_magic(bytes) {
        return sniff_zip(bytes);
    }
    if std::str::from_utf8(bytes).is_ok() {
        return FileKind::Text;
    }
    FileKind::Unknown
}

fn sniff_zip(bytes: &[u8]) -> FileKind {
    // A manifest is small: a tight budget keeps sniffing cheap.
    let limits = Limits {
        max_unpacked: 1024 * 1024,
        ..Limits::default()
    };
    let Ok(mut pkg) = Package::open(bytes, "file", limits) else {
        return FileKind::Zip;
    };
    if let Ok(Some(m)) = pkg.read_text("mimetype") {
        match m.trim() {
            "application/vnd.oasis.opendocument.text" => return FileKind::Odt,
            "application/vnd.oasis.opendocument.spreadsheet" => return FileKind::Ods,
            _ => {}
        }
    }
    let Ok(types) = content_types(&mut pkg) else {
        return FileKind::Zip;
    };
    let any = |needles: &[&str]| types.iter().any(|t| needles.iter().any(|n| t.contains(n)));
    if any(&[
        "wordprocessingml.document.main",
        "wordprocessingml.template.main",
        "ms-word.document.macroEnabled.main",
        "ms-word.template.macroEnabledTemplate.main",
    ]) {
        FileKind::Docx
    } else if any(&[
        "spreadsheetml.sheet.main",
        "spreadsheetml.template.main",
        "ms-excel.sheet.macroEnabled.main",
        "ms-excel.template.macroEnabled.main",
    ]) {
        FileKind::Xlsx
    } else {
        FileKind::Zip
    }
}

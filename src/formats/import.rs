//! Reading an import file of any format into rows: the one entry point the
//! import use case calls ([`read_import`]), and what every format's rows go
//! through after their reader: the responsible parties given for rows
//! that name none, a check that every citation is recognised, and the
//! findings about the file as a whole (no row states a status, and why; no
//! row read at all, and what the file looks like instead). A finding about
//! the whole file has line number [`WHOLE_FILE`].

use super::{Anomaly, ImportFormat, ImportRow, annex, budget, csv, letter, record, sheet};
use crate::domain::{KamerstukRef, Legend, Ministries, Responsible, text::shorten};
use crate::error::Error;

/// The line number of a finding about the whole file.
pub const WHOLE_FILE: usize = 0;

/// What a reader needs besides the file.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// The responsible parties of rows that name none (`--responsible`):
    /// a budget annex's chapter minister, a register of one ministry.
    pub responsible: Option<Responsible>,
    /// A sheet's own columns mapped to ours (`--columns`).
    pub columns: Option<sheet::Columns>,
    /// The sheet of a workbook to read (`--sheet`); the first when None.
    pub sheet: Option<String>,
    /// Portfolios named in words (the built-in table by default).
    pub ministries: Ministries,
}

impl Default for ReadOptions {
    fn default() -> ReadOptions {
        ReadOptions {
            responsible: None,
            columns: None,
            sheet: None,
            ministries: Ministries::builtin(),
        }
    }
}

/// Reads the file `name` (its `bytes`) in `format` into rows and anomalies.
/// Refuses a file that cannot be read as that format at all (not UTF-8, a
/// damaged package, a CSV header naming unknown columns, a letter in
/// prose) with a message naming the file; odd content is an anomaly.
pub fn read_import(
    name: &str,
    bytes: &[u8],
    format: ImportFormat,
    legend: &Legend,
    options: &ReadOptions,
) -> Result<(Vec<ImportRow>, Vec<Anomaly>), Error> {
    let text = || decode(name, bytes);
    let (mut rows, mut anomalies): (Vec<ImportRow>, Vec<Anomaly>) = match format {
        ImportFormat::Annex => {
            let doc = annex::parse(text()?, legend);
            (
                doc.rows.iter().map(ImportRow::from).collect(),
                doc.anomalies,
            )
        }
        ImportFormat::Docx => {
            annex::word::read(bytes, legend, &options.ministries).map_err(|e| e.for_file(name))?
        }
        ImportFormat::Xlsx => sheet::read(name, bytes, legend, options)?,
        ImportFormat::Pdftext => {
            let doc = annex::pdftext::parse(text()?, legend, &options.ministries);
            (
                doc.rows.iter().map(ImportRow::from).collect(),
                doc.anomalies,
            )
        }
        ImportFormat::Record => record::read(text()?, legend, &options.ministries),
        ImportFormat::Budget => budget::read(text()?, legend),
        ImportFormat::Csv => csv::read(text()?, legend)?,
        ImportFormat::Events => {
            return Err(crate::domain::Invalid::new(
                "import file",
                name,
                "an annex or CSV file (an events export is restored whole, not read as rows)",
            )
            .into());
        }
    };
    if let Some(r) = &options.responsible {
        for row in rows.iter_mut().filter(|r| r.responsible.is_none()) {
            row.responsible = Some(r.clone());
        }
    } else if format == ImportFormat::Budget && !rows.is_empty() {
        anomalies.push(Anomaly {
            line: WHOLE_FILE,
            message: "a budget annex names no responsible party: the chapter's minister is; give it with --responsible (e.g. --responsible MIenW or --responsible \"Minister van IenW\")".to_string(),
        });
    }
    if matches!(
        format,
        ImportFormat::Csv | ImportFormat::Xlsx | ImportFormat::Record | ImportFormat::Budget
    ) {
        // The annex layouts report their footnotes' citations themselves.
        unrecognised_citations(&rows, &mut anomalies);
    }
    if rows.is_empty() {
        let text = if format.is_binary() {
            None
        } else {
            std::str::from_utf8(bytes).ok()
        };
        if text.is_some_and(letter::looks_like_letter) {
            return Err(letter::refusal(name).into());
        }
        anomalies.push(nothing_read(format, text));
    } else if rows.iter().all(|r| r.status.is_none()) {
        anomalies.push(Anomaly {
            line: WHOLE_FILE,
            message: no_status(format),
        });
    }
    anomalies.sort_by_key(|a| a.line);
    Ok((rows, anomalies))
}

/// The file as UTF-8 text (a byte-order mark is left for the readers).
fn decode<'a>(name: &str, bytes: &'a [u8]) -> Result<&'a str, Error> {
    std::str::from_utf8(bytes).map_err(|e| {
        crate::domain::Invalid::new(
            "import file",
            name,
            format!(
                "UTF-8 text (byte {} is not); a Word or Excel file is read as --format docx or xlsx",
                e.valid_up_to()
            ),
        )
        .into()
    })
}

/// Every citation of a row that is no recognisable citation, reported.
fn unrecognised_citations(rows: &[ImportRow], anomalies: &mut Vec<Anomaly>) {
    for row in rows {
        let all = row
            .citations
            .iter()
            .chain(&row.progress_citations)
            .chain(row.made_in.iter());
        let mut seen = std::collections::BTreeSet::new();
        for c in all {
            if !seen.insert(c.as_str()) {
                continue;
            }
            let r = KamerstukRef::parse(c);
            if r.parsed.is_none() {
                anomalies.push(Anomaly {
                    line: row.line,
                    message: format!(
                        "citation '{}' not recognised ({}); kept as written",
                        shorten(c, 60),
                        r.flags.join("; ")
                    ),
                });
            }
        }
    }
}

/// The finding for a file of which no row was read.
fn nothing_read(format: ImportFormat, text: Option<&str>) -> Anomaly {
    let looks = text
        .and_then(ImportFormat::detect)
        .filter(|f| *f != format && *f != ImportFormat::Events)
        .map(|f| format!("; it looks like --format {}", f.name()))
        .unwrap_or_default();
    let what = match format {
        ImportFormat::Annex => {
            "no row of an annex table was found (a header line with a 'Verantwoordelijk' cell, a 'Moties' or 'Toezeggingen' line, then tab-separated rows)"
        }
        ImportFormat::Pdftext => {
            "no row of an annex table was found (a header line with 'Verantwoordelijk' and 'Stand van zaken' spaced into columns, a 'Moties' or 'Toezeggingen' line, then rows)"
        }
        ImportFormat::Docx => {
            "no table row of an annex was found (a table with a 'Verantwoordelijk' column, or sections 'Moties' and 'Toezeggingen')"
        }
        ImportFormat::Xlsx => "the sheet has no rows under its header",
        ImportFormat::Record => {
            "no record was found (an identifier such as T01234 and fields such as 'Status | openstaand')"
        }
        ImportFormat::Budget => {
            "no row was found under a header Omschrijving / Vindplaats / Stand van zaken"
        }
        ImportFormat::Csv | ImportFormat::Events => "the file has no records under its header",
    };
    Anomaly {
        line: WHOLE_FILE,
        message: format!("no items read: {what}{looks}"),
    }
}

/// The finding for a file in which no row states a status, with the
/// likely reason for its format.
fn no_status(format: ImportFormat) -> String {
    let why = match format {
        ImportFormat::Annex | ImportFormat::Pdftext => {
            "the status column is empty in this text, as it is when the annex shows the status as a colour or icon, which a text copy loses; import the Word file (.docx) the annex was made from to read the colours, or give the statuses in a CSV or Excel file"
        }
        ImportFormat::Docx => {
            "no status cell holds a legend label, and no cell shows a colour of the legend (is the legend's colour the one the document uses? see the legend's 'colour' values)"
        }
        ImportFormat::Xlsx | ImportFormat::Csv => {
            "the status column is missing or empty (and no cell is filled with a colour of the legend)"
        }
        ImportFormat::Record => "no record has a Status field whose value is in the legend",
        ImportFormat::Budget => {
            "no section heading ('in behandeling zijnde …', 'afgedane …') or first word of the progress text ('Afgedaan.') names a status of the legend"
        }
        ImportFormat::Events => "",
    };
    format!("no row states a status, so every item comes in as not stated: {why}")
}

/// Dutch month names and their usual abbreviations, January first.
const MONTHS: [&[&str]; 12] = [
    &["januari", "jan"],
    &["februari", "feb", "febr"],
    &["maart", "mrt", "mar"],
    &["april", "apr"],
    &["mei"],
    &["juni", "jun"],
    &["juli", "jul"],
    &["augustus", "aug"],
    &["september", "sep", "sept"],
    &["oktober", "okt", "oct"],
    &["november", "nov"],
    &["december", "dec"],
];

/// A date as registers and sheets write it: `2025-07-01` (with a time after
/// it, as Excel gives a date cell), `1-7-2025`, `01/07/2025`,
/// `1 juli 2025`, `1 jul. 2025`. None for anything else.
pub fn parse_day(s: &str) -> Option<crate::domain::Day> {
    use crate::domain::Day;
    let t = s.trim();
    let t = t
        .split_whitespace()
        .next()
        .filter(|_| t.len() >= 10 && t.as_bytes().get(4) == Some(&b'-'))
        .unwrap_or(t);
    if let Ok(d) = Day::parse("date", t) {
        return Some(d);
    }
    let num = |p: &str| -> Option<u16> {
        (!p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse().ok())
            .flatten()
    };
    let parts: Vec<&str> = t.split(['-', '/', '.']).collect();
    if let [d, m, y] = parts.as_slice()
        && let (Some(d), Some(m), Some(y)) = (num(d), num(m), num(y))
        && y >= 1000
    {
        return Day::from_parts(y, u8::try_from(m).ok()?, u8::try_from(d).ok()?);
    }
    let words: Vec<String> = t
        .split_whitespace()
        .map(|w| w.trim_end_matches([',', '.']).to_lowercase())
        .collect();
    if let [d, m, y] = words.as_slice()
        && let (Some(d), Some(y)) = (num(d), num(y))
    {
        let month = MONTHS
            .iter()
            .position(|names| names.contains(&m.as_str()))?;
        return Day::from_parts(y, u8::try_from(month + 1).ok()?, u8::try_from(d).ok()?);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_as_registers_write_them() {
        for (s, want) in [
            ("2025-07-01", Some("2025-07-01")),
            ("2025-07-01 00:00:00", Some("2025-07-01")),
            ("1-7-2025", Some("2025-07-01")),
            ("01/07/2025", Some("2025-07-01")),
            ("1 juli 2025", Some("2025-07-01")),
            ("14 febr. 2024", Some("2024-02-14")),
            ("31 juni 2025", None),
            ("juli 2025", None),
            ("1-7-25", None),
            ("", None),
        ] {
            assert_eq!(parse_day(s).map(|d| d.to_string()).as_deref(), want, "{s}");
        }
    }
}

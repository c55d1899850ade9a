//! CSV, both ways: one record per item in the columns of [`CSV_COLUMNS`].
//! [`write()`] renders a view; [`read`] takes such a file (or one a clerk
//! made in a spreadsheet) back as import rows. Required columns when
//! reading: kind and text; the others may be left out. Unknown columns are
//! refused, so a misspelt header does not silently drop data.
//!
//! Cells a spreadsheet would read as a formula (starting with `=`, `+`, `-`,
//! `@`, a tab or a carriage return) are written with a single quote before
//! them, as OWASP advises against CSV injection, and the reader takes
//! exactly that quote off again ([`guarded`], [`unguarded`]), so any text
//! comes back as it went out. Dates are read as `YYYY-MM-DD` and as the
//! `D-M-YYYY` a Dutch spreadsheet saves; a date that cannot be read is an
//! anomaly of its row, not a refusal of the file. Line numbers count every
//! line ending (`\n`, `\r\n` or a lone `\r`), so a file saved on Windows is
//! named by the lines an editor shows.

use super::{Anomaly, ImportRow};
use crate::domain::{Day, Invalid, ItemKey, ItemKind, Legend, Responsible, text};
use crate::projection::View;
use std::borrow::Cow;

/// Reads CSV text into rows. Bad cells are refused with the line and column;
/// nothing is guessed.
pub fn read(input: &str, legend: &Legend) -> Result<(Vec<ImportRow>, Vec<Anomaly>), Invalid> {
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .delimiter(delimiter(input))
        .from_reader(input.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| {
            Invalid::new(
                "CSV header",
                &e.to_string(),
                "a header line naming the columns",
            )
        })?
        .clone();
    let mut index = [None; CSV_COLUMNS.len()];
    for (i, h) in headers.iter().enumerate() {
        let name = h.trim().trim_start_matches('\u{feff}').to_ascii_lowercase();
        match CSV_COLUMNS.iter().position(|c| *c == name) {
            Some(p) if index[p].is_none() => index[p] = Some(i),
            Some(_) => {
                return Err(Invalid::new("CSV header", h, "each column once"));
            }
            None => {
                return Err(Invalid::new(
                    "CSV column",
                    h,
                    format!("one of: {}", CSV_COLUMNS.join(", ")),
                ));
            }
        }
    }
    for required in ["kind", "text"] {
        let p = CSV_COLUMNS.iter().position(|c| *c == required).unwrap_or(0);
        if index[p].is_none() {
            return Err(Invalid::new(
                "CSV header",
                &headers.iter().collect::<Vec<_>>().join(","),
                format!(
                    "a '{required}' column (columns: {})",
                    CSV_COLUMNS.join(", ")
                ),
            ));
        }
    }
    let mut rows = Vec::new();
    let mut anomalies = Vec::new();
    let mut lines = Lines::new(input);
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| lines.at(p.byte()));
            // The reader's own message counts lines its way; ours is above.
            let found = match e.kind() {
                ::csv::ErrorKind::UnequalLengths { len, .. } => format!("a record of {len} fields"),
                _ => e.to_string(),
            };
            Invalid::new(
                format!("CSV line {line}"),
                &found,
                format!("{} fields as in the header", headers.len()),
            )
        })?;
        let line = record.position().map_or(0, |p| lines.at(p.byte()));
        let cell = |name: &str| -> &str {
            unguarded(
                CSV_COLUMNS
                    .iter()
                    .position(|c| *c == name)
                    .and_then(|p| index[p])
                    .and_then(|i| record.get(i))
                    .unwrap_or("")
                    .trim(),
            )
        };
        let at = |col: &str| format!("CSV line {line}, column {col}");
        let list = |col: &str| -> Result<Vec<String>, Invalid> {
            cell(col)
                .lines()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| text::short_text(&at(col), s))
                .collect()
        };
        let mut optional_day = |col: &str| -> Option<Day> {
            let v = cell(col);
            if v.is_empty() {
                return None;
            }
            match day(v) {
                Ok(d) => Some(d),
                Err(why) => {
                    anomalies.push(Anomaly {
                        line,
                        message: format!(
                            "column {col}: '{}' {why}; left out, so the row is read as if that cell were empty (write dates as YYYY-MM-DD or D-M-YYYY)",
                            text::shorten(v, 40)
                        ),
                    });
                    None
                }
            }
        };
        let kind = ItemKind::parse(cell("kind"))
            .map_err(|e| Invalid::new(at("kind"), &e.value, e.expected))?;
        let item_text = match cell("text") {
            "" => String::new(),
            t => text::free_text(&at("text"), t)?,
        };
        let key = match cell("key") {
            "" => None,
            k => {
                Some(ItemKey::parse(k).map_err(|e| Invalid::new(at("key"), &e.value, e.expected))?)
            }
        };
        let status = match cell("status") {
            "" => None,
            s => Some(
                legend
                    .resolve(s)
                    .map_err(|e| Invalid::new(at("status"), &e.value, e.expected))?
                    .slug
                    .clone(),
            ),
        };
        let responsible = match cell("responsible") {
            "" | "-" => None,
            r => Some(
                Responsible::parse(r)
                    .map_err(|e| Invalid::new(at("responsible"), &e.value, e.expected))?,
            ),
        };
        let progress = match cell("progress") {
            "" => None,
            t => Some(text::free_text(&at("progress"), t)?),
        };
        rows.push(ImportRow {
            line,
            kind,
            key,
            text: item_text,
            submitters: list("submitters")?,
            citations: list("citations")?,
            status,
            responsible,
            progress,
            progress_citations: list("progress_citations")?,
            progress_effective: optional_day("progress_effective"),
            effective: optional_day("effective"),
            ..ImportRow::new(line, kind)
        });
    }
    Ok((rows, anomalies))
}

/// A date cell: `YYYY-MM-DD` (what the export writes) or `D-M-YYYY` and
/// `DD-MM-YYYY` (what a spreadsheet set to Dutch saves, `15-5-2025`). Else
/// why it was not read: ambiguous (slashes, which American spreadsheets
/// write month first, or a year of two digits), no day in the calendar, or
/// not a date.
fn day(s: &str) -> Result<Day, String> {
    if let Ok(d) = Day::parse("date", s) {
        return Ok(d);
    }
    let digits = |p: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit())
    };
    let range = || {
        format!(
            "is not a day between {}-01-01 and {}-12-31",
            crate::domain::date::MIN_YEAR,
            crate::domain::date::MAX_YEAR
        )
    };
    for sep in ['-', '/', '.'] {
        let parts: Vec<&str> = s.split(sep).collect();
        let [d, m, y] = parts.as_slice() else {
            continue;
        };
        if !(digits(d, 1..=2) && digits(m, 1..=2) && digits(y, 2..=4)) {
            continue;
        }
        if y.len() != 4 {
            return Err("is ambiguous: its year has two digits".into());
        }
        if sep == '/' {
            return Err(
                "is ambiguous: with slashes the month may come first (as American spreadsheets write it)"
                    .into(),
            );
        }
        let (Ok(d), Ok(m), Ok(y)) = (d.parse::<u8>(), m.parse::<u8>(), y.parse::<u16>()) else {
            continue;
        };
        return Day::from_parts(y, m, d).ok_or_else(|| {
            if (crate::domain::date::MIN_YEAR..=crate::domain::date::MAX_YEAR).contains(&y) {
                "is not a day in the calendar (day-month-year)".to_string()
            } else {
                range()
            }
        });
    }
    match Day::parse("date", s) {
        Err(e) if e.expected.contains("calendar") => Err("is not a day in the calendar".into()),
        Err(_) if s.starts_with(|c: char| c.is_ascii_digit() || c == '-') && s.contains('-') => {
            Err(range())
        }
        _ => Err("is not a date".into()),
    }
}

/// Line numbers of byte offsets, counted on the way through the file (so
/// every record costs only the bytes since the one before): a line ends at
/// `\n`, at `\r\n` and at a lone `\r`, as the CSV reader ends records.
struct Lines<'a> {
    input: &'a [u8],
    byte: usize,
    line: usize,
}

impl<'a> Lines<'a> {
    fn new(input: &'a str) -> Lines<'a> {
        Lines {
            input: input.as_bytes(),
            byte: 0,
            line: 1,
        }
    }

    /// The line (from 1) of the record that starts at byte `at`; offsets
    /// must not decrease. The CSV reader gives a record after `\r\n` the
    /// offset of the `\n` (it ends records at the `\r`), and no record
    /// starts with a line ending, so those are stepped over first.
    fn at(&mut self, at: u64) -> usize {
        let mut at = usize::try_from(at)
            .unwrap_or(usize::MAX)
            .min(self.input.len());
        while matches!(self.input.get(at), Some(b'\r' | b'\n')) {
            at += 1;
        }
        if at < self.byte {
            self.byte = 0;
            self.line = 1;
        }
        let seen = self.input.get(self.byte..at).unwrap_or_default();
        for (i, b) in seen.iter().enumerate() {
            let next = seen.get(i + 1).or_else(|| self.input.get(at)).copied();
            if *b == b'\n' || (*b == b'\r' && next != Some(b'\n')) {
                self.line += 1;
            }
        }
        self.byte = at;
        self.line
    }
}

/// What makes a spreadsheet read a cell as a formula (or, for tab and
/// carriage return, shift what follows): OWASP's list for CSV injection.
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A cell as the export writes it: with a single quote before it when a
/// spreadsheet would read it as a formula (`=HYPERLINK(…)`, `+cmd|…`,
/// `@SUM(…)`, `-2+3`), the way spreadsheet users mark text. Cells that
/// already start with quotes before such a character get one more, so that
/// [`unguarded`] gives every text back exactly.
pub fn guarded(cell: &str) -> Cow<'_, str> {
    if cell.trim_start_matches('\'').starts_with(FORMULA_START) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// A cell as the reader takes it: the quote [`guarded`] puts before a
/// formula character taken off again, and nothing else.
pub fn unguarded(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.trim_start_matches('\'').starts_with(FORMULA_START) => rest,
        _ => cell,
    }
}

/// The field separator: a comma, or a semicolon when the header line has
/// semicolons and no commas (what Dutch spreadsheet programs save).
fn delimiter(input: &str) -> u8 {
    let first = input.lines().next().unwrap_or("");
    if first.contains(';') && !first.contains(',') {
        b';'
    } else {
        b','
    }
}

/// True if the text's first line looks like our CSV header.
pub fn looks_like_csv(input: &str) -> bool {
    let first = input
        .lines()
        .next()
        .unwrap_or("")
        .trim_start_matches('\u{feff}');
    let cols: Vec<String> = first
        .split(char::from(delimiter(input)))
        .map(|c| c.trim().to_ascii_lowercase())
        .collect();
    cols.iter().any(|c| c == "kind") && cols.iter().any(|c| c == "text")
}

/// The CSV columns, in order (docs/clerk-guide.md describes them).
pub const CSV_COLUMNS: [&str; 11] = [
    "kind",
    "key",
    "text",
    "submitters",
    "citations",
    "status",
    "responsible",
    "progress",
    "progress_citations",
    "progress_effective",
    "effective",
];

/// One CSV record per item in the view, in the order of [`CSV_COLUMNS`].
/// Lists (submitters, citations) hold one value per line.
pub fn csv_records(view: &View) -> Vec<[String; 11]> {
    view.existing()
        .map(|it| {
            let note = it.note.as_ref();
            [
                it.kind.slug().to_string(),
                it.key.to_string(),
                it.text.clone(),
                it.submitters.join("\n"),
                it.citations.join("\n"),
                it.status.clone(),
                if it.responsible.is_empty() {
                    String::new()
                } else {
                    it.responsible.to_string()
                },
                note.map(|n| n.text.clone()).unwrap_or_default(),
                note.map(|n| n.citations.join("\n")).unwrap_or_default(),
                note.map(|n| n.effective.to_string()).unwrap_or_default(),
                it.effective.to_string(),
            ]
        })
        .collect()
}

/// Writes the view as CSV: a header of [`CSV_COLUMNS`], then one record per
/// item, every cell [`guarded`] against being read as a formula.
pub fn write(view: &View, out: &mut dyn std::io::Write) -> Result<(), ::csv::Error> {
    let mut w = ::csv::Writer::from_writer(out);
    w.write_record(CSV_COLUMNS)?;
    for r in csv_records(view) {
        w.write_record(r.iter().map(|c| guarded(c).into_owned()))?;
    }
    w.flush()?;
    Ok(())
}

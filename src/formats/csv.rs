//! CSV, both ways: one record per item in the columns of [`CSV_COLUMNS`].
//! [`write`] renders a view; [`read`] takes such a file (or one a clerk
//! made in a spreadsheet) back as import rows. Required columns when
//! reading: kind and text; the others may be left out. Unknown columns are
//! refused, so a misspelt header does not silently drop data.

use super::{Anomaly, ImportRow};
use crate::domain::{Day, Invalid, ItemKey, ItemKind, Legend, Responsible, text};
use crate::projection::View;

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
    let anomalies = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            Invalid::new(
                format!("CSV line {line}"),
                &e.to_string(),
                format!("{} fields as in the header", headers.len()),
            )
        })?;
        let line = usize::try_from(record.position().map_or(0, |p| p.line())).unwrap_or(0);
        let cell = |name: &str| -> &str {
            CSV_COLUMNS
                .iter()
                .position(|c| *c == name)
                .and_then(|p| index[p])
                .and_then(|i| record.get(i))
                .unwrap_or("")
                .trim()
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
        let optional_day = |col: &str| -> Result<Option<Day>, Invalid> {
            let v = cell(col);
            (!v.is_empty()).then(|| Day::parse(&at(col), v)).transpose()
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
            progress_effective: optional_day("progress_effective")?,
            effective: optional_day("effective")?,
            ..ImportRow::new(line, kind)
        });
    }
    Ok((rows, anomalies))
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
/// item.
pub fn write(view: &View, out: &mut dyn std::io::Write) -> Result<(), ::csv::Error> {
    let mut w = ::csv::Writer::from_writer(out);
    w.write_record(CSV_COLUMNS)?;
    for r in csv_records(view) {
        w.write_record(&r)?;
    }
    w.flush()?;
    Ok(())
}

//! An Excel sheet as import rows: in the CSV layout (a header row naming
//! the columns of [`super::csv::CSV_COLUMNS`]), or with its own headers
//! through a column mapping ([`Columns`], `--columns
//! text=Omschrijving,status=Stand,…`).
//!
//! A sheet someone keeps by hand is read forgivingly: a cell that cannot be
//! read (an unknown status, a date that is none, a responsible party not
//! known by name) is an anomaly on its row and the rest of the row is
//! still imported; only a header that does not match is refused. A status
//! may be a label or slug of the legend, or the fill colour of the status
//! cell (of any cell when no column holds the status), read as a Word
//! annex's shading is ([`super::colours`]). A row's kind comes from its
//! kind column, else from a section row (`Moties`, `Toezeggingen`), else
//! from its text ("Motie van het lid …" is a motion); what remains is a
//! commitment, and one finding counts those rows. Line numbers are Excel's
//! row numbers.

use std::collections::BTreeMap;

use super::annex::layouts::{motion_submitters, section_kind};
use super::colours::{Palette, Reading};
use super::csv::CSV_COLUMNS;
use super::docx::Fill;
use super::import::{WHOLE_FILE, parse_day};
use super::xlsx::{Sheet, XCell, read_xlsx};
use super::{Anomaly, ImportRow, ReadOptions};
use crate::domain::text::{free_text, shorten};
use crate::domain::{Invalid, ItemKey, ItemKind, Legend, Ministries, Responsible};
use crate::error::Error;

/// The fields a sheet's column can be mapped to: the CSV columns and the
/// fields registers carry.
pub const TARGETS: [&str; 16] = [
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
    "title",
    "deadline",
    "made_in",
    "made_on",
    "previous_responsible",
];

/// How many rows from the top are searched for the header row.
const HEADER_SEARCH_ROWS: usize = 20;

/// A sheet's own columns mapped to our fields: target field → the sheet's
/// header text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Columns {
    map: BTreeMap<&'static str, String>,
}

impl Columns {
    /// Parses `text=Omschrijving,status=Stand,…`: pairs of one of
    /// [`TARGETS`] and a header of the sheet, separated by commas. A
    /// target may be named once; `text` must be among them.
    pub fn parse(s: &str) -> Result<Columns, Invalid> {
        let mut map = BTreeMap::new();
        for pair in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let Some((target, header)) = pair.split_once('=') else {
                return Err(Invalid::new(
                    "--columns",
                    pair,
                    "TARGET=HEADER pairs separated by commas, e.g. text=Omschrijving,status=Stand",
                ));
            };
            let t = target.trim().to_ascii_lowercase();
            let Some(target) = TARGETS.iter().find(|x| **x == t) else {
                return Err(Invalid::new(
                    "--columns target",
                    target.trim(),
                    format!("one of: {}", TARGETS.join(", ")),
                ));
            };
            let header = header.trim();
            if header.is_empty() {
                return Err(Invalid::new(
                    "--columns",
                    pair,
                    "a header after '=', e.g. text=Omschrijving",
                ));
            }
            if map.insert(*target, header.to_string()).is_some() {
                return Err(Invalid::new(
                    "--columns",
                    pair,
                    format!("'{target}' named once"),
                ));
            }
        }
        if !map.contains_key("text") {
            return Err(Invalid::new(
                "--columns",
                s,
                "a mapping that names the item text, e.g. text=Omschrijving",
            ));
        }
        Ok(Columns { map })
    }

    /// The mapping as pairs, target first.
    pub fn pairs(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.map.iter().map(|(t, h)| (*t, h.as_str()))
    }
}

/// Reads the sheet of the workbook `bytes` (file `name`) that `options`
/// names, in the CSV layout or through `options.columns`.
pub fn read(
    name: &str,
    bytes: &[u8],
    legend: &Legend,
    options: &ReadOptions,
) -> Result<(Vec<ImportRow>, Vec<Anomaly>), Error> {
    let sheet = read_xlsx(bytes, options.sheet.as_deref()).map_err(|e| e.for_file(name))?;
    from_sheet(&sheet, legend, options).map_err(Error::from)
}

/// Reads `sheet`: the header row is found, the columns mapped, each row
/// below read. Refuses only a header that does not match.
pub fn from_sheet(
    sheet: &Sheet,
    legend: &Legend,
    options: &ReadOptions,
) -> Result<(Vec<ImportRow>, Vec<Anomaly>), Invalid> {
    let (header_at, index) = header(sheet, options.columns.as_ref())?;
    let mut r = RowReader {
        legend,
        ministries: &options.ministries,
        palette: Palette::new(legend),
        index,
        anomalies: Vec::new(),
    };
    let mut rows = Vec::new();
    let mut kind: Option<ItemKind> = None;
    let mut guessed = Vec::new();
    for (i, cells) in sheet.rows.iter().enumerate().skip(header_at + 1) {
        let line = usize::try_from(sheet.first_row)
            .unwrap_or(usize::MAX)
            .saturating_add(i)
            .saturating_add(1);
        let texts: Vec<&str> = cells
            .iter()
            .map(|c| c.text.trim())
            .filter(|t| !t.is_empty())
            .collect();
        if texts.is_empty() {
            continue;
        }
        if let Some(k) = section_kind(&texts) {
            kind = Some(k);
            continue;
        }
        if let Some(row) = r.row(cells, line, kind, &mut guessed) {
            rows.push(row);
        }
    }
    let mut anomalies = r.anomalies;
    if !guessed.is_empty() {
        anomalies.push(Anomaly {
            line: WHOLE_FILE,
            message: format!(
                "{} rows name no kind (no kind column, no 'Moties'/'Toezeggingen' row above them, no 'Motie van …' text) and are read as commitments (toezegging): rows {}",
                guessed.len(),
                guessed
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        });
    }
    Ok((rows, anomalies))
}

/// The header row and, per target, the column it is in.
fn header(
    sheet: &Sheet,
    columns: Option<&Columns>,
) -> Result<(usize, BTreeMap<&'static str, usize>), Invalid> {
    let first_filled = sheet
        .rows
        .iter()
        .position(|r| r.iter().any(|c| !c.text.trim().is_empty()));
    let Some(first) = first_filled else {
        return Ok((0, BTreeMap::new()));
    };
    let headers_of = |row: usize| -> String {
        sheet
            .rows
            .get(row)
            .map(|r| {
                r.iter()
                    .map(|c| c.text.trim())
                    .filter(|t| !t.is_empty())
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default()
    };
    match columns {
        Some(map) => {
            for row in first..sheet.rows.len().min(first + HEADER_SEARCH_ROWS) {
                let found: Option<BTreeMap<&'static str, usize>> = map
                    .pairs()
                    .map(|(t, h)| sheet.column(row, h).map(|c| (t, c)))
                    .collect();
                if let Some(index) = found {
                    return Ok((row, index));
                }
            }
            let missing: Vec<String> = map
                .pairs()
                .filter(|(_, h)| sheet.column(first, h).is_none())
                .map(|(t, h)| format!("'{h}' (for {t})"))
                .collect();
            Err(Invalid::new(
                "--columns",
                &missing.join(", "),
                format!(
                    "headers of sheet '{}' (its first row has: {})",
                    sheet.name,
                    headers_of(first)
                ),
            ))
        }
        None => {
            let mut index = BTreeMap::new();
            for (c, cell) in sheet.rows.get(first).into_iter().flatten().enumerate() {
                let h = cell.text.trim().to_ascii_lowercase();
                if h.is_empty() {
                    continue;
                }
                match TARGETS.iter().find(|t| **t == h) {
                    Some(t) => {
                        if index.insert(*t, c).is_some() {
                            return Err(Invalid::new(
                                "sheet header",
                                &cell.text,
                                "each column once",
                            ));
                        }
                    }
                    None => {
                        return Err(Invalid::new(
                            "sheet column",
                            &cell.text,
                            format!(
                                "one of: {} (the CSV columns); for a sheet with its own headers, map them with --columns, e.g. --columns text=Omschrijving,status=Stand",
                                CSV_COLUMNS.join(", ")
                            ),
                        ));
                    }
                }
            }
            if !index.contains_key("text") {
                return Err(Invalid::new(
                    "sheet header",
                    &headers_of(first),
                    "a 'text' column, or --columns naming the column that holds the item text",
                ));
            }
            Ok((first, index))
        }
    }
}

struct RowReader<'a> {
    legend: &'a Legend,
    ministries: &'a Ministries,
    palette: Palette,
    index: BTreeMap<&'static str, usize>,
    anomalies: Vec<Anomaly>,
}

impl RowReader<'_> {
    fn cell<'c>(&self, cells: &'c [XCell], target: &str) -> Option<&'c XCell> {
        self.index.get(target).and_then(|i| cells.get(*i))
    }

    fn text(&self, cells: &[XCell], target: &str) -> String {
        self.cell(cells, target)
            .map(|c| c.text.trim().to_string())
            .unwrap_or_default()
    }

    fn note(&mut self, line: usize, message: String) {
        self.anomalies.push(Anomaly { line, message });
    }

    /// One row, or None when it holds nothing to import.
    fn row(
        &mut self,
        cells: &[XCell],
        line: usize,
        section: Option<ItemKind>,
        guessed: &mut Vec<usize>,
    ) -> Option<ImportRow> {
        let text = match self.text(cells, "text") {
            t if t.is_empty() => String::new(),
            t => match free_text("text", &t) {
                Ok(t) => t,
                Err(e) => {
                    self.note(line, format!("item text not read: {}", e.expected));
                    String::new()
                }
            },
        };
        let kind_cell = self.text(cells, "kind");
        let kind = if kind_cell.is_empty() {
            None
        } else {
            match ItemKind::parse(&kind_cell) {
                Ok(k) => Some(k),
                Err(e) => {
                    self.note(
                        line,
                        format!(
                            "kind '{}' not understood ({})",
                            shorten(&kind_cell, 40),
                            e.expected
                        ),
                    );
                    None
                }
            }
        };
        let kind = kind.or(section).unwrap_or_else(|| {
            if text.to_lowercase().starts_with("motie") {
                ItemKind::Motie
            } else {
                guessed.push(line);
                ItemKind::Toezegging
            }
        });
        let mut row = ImportRow::new(line, kind);
        let key = self.text(cells, "key");
        if !key.is_empty() {
            match ItemKey::parse(&key) {
                Ok(k) => row.key = Some(k),
                Err(e) => self.note(
                    line,
                    format!("key '{}' not used: {}", shorten(&key, 40), e.expected),
                ),
            }
        }
        if text.is_empty() {
            if row.key.is_none() && self.text(cells, "progress").is_empty() {
                return None;
            }
            self.note(line, "row without item text".to_string());
        }
        row.text = text;
        row.status = self.status(cells, line);
        row.responsible = self.responsible(cells, "responsible", line);
        row.previous_responsible = self.responsible(cells, "previous_responsible", line);
        let progress = self.text(cells, "progress");
        if !progress.is_empty() {
            match free_text("progress", &progress) {
                Ok(p) => row.progress = Some(p),
                Err(e) => self.note(line, format!("progress text not read: {}", e.expected)),
            }
        }
        let list = |s: String| -> Vec<String> {
            s.split(['\n', ';'])
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .map(ToString::to_string)
                .collect()
        };
        row.submitters = list(self.text(cells, "submitters"));
        if row.submitters.is_empty() && kind == ItemKind::Motie && !row.text.is_empty() {
            row.submitters = motion_submitters(&row.text).unwrap_or_default();
        }
        row.citations = list(self.text(cells, "citations"));
        row.progress_citations = list(self.text(cells, "progress_citations"));
        let made_in = self.text(cells, "made_in");
        if !made_in.is_empty() {
            if !row.citations.contains(&made_in) {
                row.citations.push(made_in.clone());
            }
            row.made_in = Some(made_in);
        }
        let title = self.text(cells, "title");
        row.title = (!title.is_empty()).then_some(title);
        row.progress_effective = self.day(cells, "progress_effective", line);
        row.effective = self.day(cells, "effective", line);
        row.deadline = self.day(cells, "deadline", line);
        row.made_on = self.day(cells, "made_on", line);
        Some(row)
    }

    fn day(&mut self, cells: &[XCell], target: &str, line: usize) -> Option<crate::domain::Day> {
        let t = self.text(cells, target);
        if t.is_empty() {
            return None;
        }
        let d = parse_day(&t);
        if d.is_none() {
            self.note(
                line,
                format!(
                    "{target} '{}' is not a date (2025-07-01, 1-7-2025 or 1 juli 2025); left out",
                    shorten(&t, 40)
                ),
            );
        }
        d
    }

    fn responsible(&mut self, cells: &[XCell], target: &str, line: usize) -> Option<Responsible> {
        let t = self.text(cells, target);
        if t.is_empty() || t == "-" {
            return None;
        }
        match self.ministries.responsible(&t) {
            Ok(r) => Some(r),
            Err(e) => {
                self.note(
                    line,
                    format!(
                        "{target} '{}' not understood: {}",
                        shorten(&t, 60),
                        e.expected
                    ),
                );
                None
            }
        }
    }

    /// The status: the status cell's label, or its fill colour (any cell's
    /// when no column holds the status); label and colour must agree.
    fn status(&mut self, cells: &[XCell], line: usize) -> Option<String> {
        let mut found: Vec<String> = Vec::new();
        let label = self.text(cells, "status");
        if !label.is_empty() {
            match self.legend.resolve(&label) {
                Ok(e) => found.push(e.slug.clone()),
                Err(e) => self.note(
                    line,
                    format!(
                        "status '{}' not in the legend: {}",
                        shorten(&label, 40),
                        e.expected
                    ),
                ),
            }
        }
        let fills: Vec<Fill> = match self.index.get("status") {
            Some(i) => cells
                .get(*i)
                .and_then(|c| c.fill)
                .map(Fill::Rgb)
                .into_iter()
                .collect(),
            None => cells.iter().filter_map(|c| c.fill).map(Fill::Rgb).collect(),
        };
        for f in fills {
            match self.palette.read_fill(&f) {
                Reading::Status(s) => found.push(s),
                Reading::Neutral => {}
                Reading::Unmatched(why) => {
                    self.note(line, format!("{why}; status not taken from it"))
                }
            }
        }
        found.sort();
        found.dedup();
        match found.as_slice() {
            [] => None,
            [one] => Some(one.clone()),
            many => {
                self.note(
                    line,
                    format!(
                        "the row shows more than one status ({}); status left unstated",
                        many.join(", ")
                    ),
                );
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_mappings() {
        let c = Columns::parse("text=Omschrijving, status = Stand ,responsible=Bewindspersoon")
            .unwrap();
        assert_eq!(
            c.pairs().collect::<Vec<_>>(),
            [
                ("responsible", "Bewindspersoon"),
                ("status", "Stand"),
                ("text", "Omschrijving")
            ]
        );
        let e = Columns::parse("tekst=Omschrijving").unwrap_err();
        assert!(e.expected.contains("one of: kind, key, text"), "{e}");
        assert!(e.expected.contains("previous_responsible"));
        assert!(
            Columns::parse("status=Stand")
                .unwrap_err()
                .expected
                .contains("item text")
        );
        assert!(Columns::parse("text=A,text=B").is_err());
        assert!(Columns::parse("text").is_err());
        assert!(Columns::parse("text=").is_err());
    }

    fn sheet(rows: &[&[&str]]) -> Sheet {
        Sheet {
            name: "Blad1".into(),
            first_row: 0,
            rows: rows
                .iter()
                .map(|r| r.iter().map(|t| XCell::plain(*t)).collect())
                .collect(),
        }
    }

    #[test]
    fn csv_layout_and_own_headers() {
        let legend = Legend::nap();
        let opts = ReadOptions::default();
        let s = sheet(&[
            &["kind", "text", "status", "responsible"],
            &[
                "motie",
                "Motie van het lid A; verzoekt iets.",
                "In uitvoering",
                "SOCW",
            ],
            &["", "", "", ""],
            &[
                "toezegging",
                "Brief sturen.",
                "bestaat niet",
                "Minister van OCW",
            ],
        ]);
        let (rows, anomalies) = from_sheet(&s, &legend, &opts).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[0].submitters, ["A"]);
        assert_eq!(rows[0].status.as_deref(), Some("in-uitvoering"));
        assert_eq!(rows[1].line, 4);
        assert_eq!(rows[1].responsible.as_ref().unwrap().to_string(), "MOCW");
        assert!(
            anomalies[0]
                .message
                .contains("status 'bestaat niet' not in the legend")
        );
        // Unknown headers are refused with the way out.
        let e = from_sheet(&sheet(&[&["Omschrijving", "Stand"]]), &legend, &opts).unwrap_err();
        assert!(e.expected.contains("--columns"), "{e}");
        // Own headers through a mapping, below a title row.
        let opts = ReadOptions {
            columns: Some(Columns::parse("text=Omschrijving,status=Stand").unwrap()),
            ..ReadOptions::default()
        };
        let s = sheet(&[
            &["Overzicht toezeggingen", ""],
            &["Omschrijving", "Stand"],
            &["Toezeggingen", ""],
            &["Brief sturen.", "vertraagd"],
        ]);
        let (rows, anomalies) = from_sheet(&s, &legend, &opts).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].kind, ItemKind::Toezegging);
        assert_eq!(rows[0].status.as_deref(), Some("vertraagd"));
        assert!(anomalies.is_empty(), "{anomalies:?}");
        let e = from_sheet(&sheet(&[&["Tekst", "Stand"]]), &legend, &opts).unwrap_err();
        assert!(e.value.contains("'Omschrijving' (for text)"), "{e}");
        assert!(e.expected.contains("Tekst, Stand"), "{e}");
    }
}

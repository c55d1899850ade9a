//! Excel workbooks (`.xlsx`): one sheet as rows of text cells, each with
//! its fill colour, read with calamine and written with rust_xlsxwriter.
//!
//! Reading gives what the sheet shows: numbers as Excel would print them
//! without formatting (`34843`, `2.5`), dates as `YYYY-MM-DD` (with
//! ` HH:MM:SS` when there is a time), booleans as `TRUE`/`FALSE`, formula
//! results rather than formulas, and a cell's solid fill colour (a status
//! shown as a colour). The package is checked within [`Limits`] before
//! calamine sees it, and cells are read one by one into a sparse map, so a
//! hostile sheet that names a cell at XFD1048576 is refused instead of
//! filling memory.
//!
//! Writing makes one sheet whose first row is a bold, frozen header with an
//! autofilter, wrapped text, thin borders, per-cell fills, A4 print setup
//! and fixed document dates, so the same sheet gives the same bytes.

use super::docx::Rgb;
use super::ooxml::{FormatError, Limits, Package};
use calamine::{DataRef, Reader, Xlsx};
use std::collections::BTreeMap;
use std::io::Cursor;

const FORMAT: &str = "Excel file";

/// Most cells a sheet's used area may cover (rows × columns).
pub const MAX_AREA: u64 = 4_000_000;

/// A cell: its text and its fill colour.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct XCell {
    /// The text as shown.
    pub text: String,
    /// The solid fill, if any.
    pub fill: Option<Rgb>,
}

impl XCell {
    /// A cell with text and no fill.
    pub fn plain(text: impl Into<String>) -> XCell {
        XCell {
            text: text.into(),
            fill: None,
        }
    }
}

/// One sheet as a rectangle of cells.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Sheet {
    /// The sheet's name.
    pub name: String,
    /// Zero-based index of the sheet row `rows[0]` came from (Excel's row
    /// number of `rows[i]` is `first_row + i + 1`). Rows above it were empty.
    pub first_row: u32,
    /// The rows, all as wide as the widest; column 0 is column A.
    pub rows: Vec<Vec<XCell>>,
}

impl Sheet {
    /// The rows as text only.
    pub fn text_rows(&self) -> Vec<Vec<String>> {
        self.rows
            .iter()
            .map(|r| r.iter().map(|c| c.text.clone()).collect())
            .collect()
    }

    /// The index of the column whose header in `rows[header_row]` is
    /// `name`, compared trimmed and without regard to case.
    pub fn column(&self, header_row: usize, name: &str) -> Option<usize> {
        let want = name.trim().to_lowercase();
        self.rows
            .get(header_row)?
            .iter()
            .position(|c| c.text.trim().to_lowercase() == want)
    }
}

/// The names of the workbook's sheets, in workbook order.
pub fn sheet_names(bytes: &[u8]) -> Result<Vec<String>, FormatError> {
    let workbook = open(bytes, Limits::default())?;
    Ok(workbook.sheet_names())
}

/// Reads one sheet (the first when `sheet` is `None`) within the default
/// [`Limits`].
pub fn read_xlsx(bytes: &[u8], sheet: Option<&str>) -> Result<Sheet, FormatError> {
    read_xlsx_with(bytes, sheet, Limits::default())
}

/// Reads one sheet within `limits`.
pub fn read_xlsx_with(
    bytes: &[u8],
    sheet: Option<&str>,
    limits: Limits,
) -> Result<Sheet, FormatError> {
    let mut workbook = open(bytes, limits)?;
    let names = workbook.sheet_names();
    let name = match sheet {
        None => names
            .first()
            .cloned()
            .ok_or_else(|| FormatError::whole(FORMAT, "the workbook has no sheets"))?,
        Some(want) => names
            .iter()
            .find(|n| *n == want)
            .or_else(|| names.iter().find(|n| n.eq_ignore_ascii_case(want.trim())))
            .cloned()
            .ok_or_else(|| {
                FormatError::whole(
                    FORMAT,
                    format!(
                        "the workbook has no sheet '{want}'; its sheets are: {}",
                        names.join(", ")
                    ),
                )
            })?,
    };
    let sheet_err =
        |e: calamine::XlsxError| FormatError::whole(FORMAT, format!("sheet '{name}': {e}"));
    let mut reader = workbook.worksheet_cells_reader(&name).map_err(sheet_err)?;
    let mut cells: BTreeMap<(u32, u32), XCell> = BTreeMap::new();
    while let Some((cell, style_id)) = reader.next_cell_with_style_id().map_err(sheet_err)? {
        let text = cell_text(cell.get_value());
        let fill = reader
            .styles()
            .get(style_id)
            .and_then(|s| s.fill.as_ref())
            .filter(|f| f.is_visible())
            .and_then(|f| f.get_color())
            .map(|c| Rgb([c.red, c.green, c.blue]));
        if text.is_empty() && fill.is_none() {
            continue;
        }
        if cells.len() as u64 >= MAX_AREA {
            return Err(FormatError::whole(
                FORMAT,
                format!("sheet '{name}' has more than {MAX_AREA} cells; refused"),
            ));
        }
        cells.insert(cell.get_position(), XCell { text, fill });
    }
    drop(reader);

    let Some(first_row) = cells.keys().map(|(r, _)| *r).min() else {
        return Ok(Sheet {
            name,
            first_row: 0,
            rows: Vec::new(),
        });
    };
    let last_row = cells.keys().map(|(r, _)| *r).max().unwrap_or(first_row);
    let last_col = cells.keys().map(|(_, c)| *c).max().unwrap_or(0);
    let height = u64::from(last_row - first_row) + 1;
    let width = u64::from(last_col) + 1;
    if height * width > MAX_AREA {
        return Err(FormatError::whole(
            FORMAT,
            format!(
                "sheet '{name}' spans {height} rows × {width} columns; at most {MAX_AREA} cells \
                 are read (is there a stray value far below or to the right?)"
            ),
        ));
    }
    let width = usize::try_from(width).unwrap_or(usize::MAX);
    let mut rows: Vec<Vec<XCell>> = Vec::new();
    for ((r, c), cell) in cells {
        let ri = usize::try_from(r - first_row).unwrap_or(usize::MAX);
        while rows.len() <= ri {
            rows.push(vec![XCell::default(); width]);
        }
        if let Some(slot) = rows
            .get_mut(ri)
            .and_then(|row| row.get_mut(usize::try_from(c).unwrap_or(usize::MAX)))
        {
            *slot = cell;
        }
    }
    Ok(Sheet {
        name,
        first_row,
        rows,
    })
}

/// Checks the package within `limits`, then opens it with calamine.
fn open(bytes: &[u8], limits: Limits) -> Result<Xlsx<Cursor<&[u8]>>, FormatError> {
    let mut pkg = Package::open(bytes, FORMAT, limits)?;
    if !pkg.has("xl/workbook.xml") {
        let what = if pkg.has("word/document.xml") {
            "it looks like a Word document"
        } else {
            "it is not an Excel workbook"
        };
        return Err(FormatError::part(
            FORMAT,
            "xl/workbook.xml",
            format!("the package has no workbook part; {what}"),
        ));
    }
    pkg.check_all()?;
    Xlsx::new(Cursor::new(bytes))
        .map_err(|e| FormatError::whole(FORMAT, format!("the workbook cannot be read: {e}")))
}

/// A cell's value as text.
fn cell_text(v: &DataRef<'_>) -> String {
    match v {
        DataRef::Empty => String::new(),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_string(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => number(*f),
        DataRef::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        DataRef::DateTime(d) => {
            if d.is_duration() {
                let secs = (d.as_f64() * 86_400.0).round();
                if secs.is_finite() && secs.abs() < 1e12 {
                    // Whole and small, checked just above.
                    #[allow(clippy::cast_possible_truncation)]
                    let s = secs as i64;
                    let sign = if s < 0 { "-" } else { "" };
                    let s = s.unsigned_abs();
                    format!("{sign}{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
                } else {
                    number(d.as_f64())
                }
            } else {
                let (y, mo, da, h, mi, s, _) = d.to_ymd_hms_milli();
                if (h, mi, s) == (0, 0, 0) {
                    format!("{y:04}-{mo:02}-{da:02}")
                } else {
                    format!("{y:04}-{mo:02}-{da:02} {h:02}:{mi:02}:{s:02}")
                }
            }
        }
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => e.to_string(),
    }
}

/// A number as Excel's General format would show it: whole numbers without
/// a decimal point, others in their shortest exact form.
fn number(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        // Whole and below 2^53, checked just above.
        #[allow(clippy::cast_possible_truncation)]
        let i = f as i64;
        i.to_string()
    } else {
        f.to_string()
    }
}

/// How to lay out a written sheet.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct XlsxOptions {
    /// Column widths in characters; columns past the list keep Excel's
    /// default.
    pub widths: Vec<f64>,
    /// Print on landscape A4.
    pub landscape: bool,
    /// Lines written above the table in column A, the first in bold (a
    /// title); the header row follows them.
    pub above: Vec<String>,
    /// Lines written below the table in column A, after an empty row.
    pub below: Vec<String>,
}

/// Writes `sheet` as a workbook of one sheet; `sheet.rows[0]` is the header
/// row (bold, frozen, repeated on printed pages, with an autofilter).
/// `sheet.first_row` is ignored: the sheet starts at A1, or below the lines
/// of `options.above`.
pub fn write_xlsx(sheet: &Sheet, options: &XlsxOptions) -> Result<Vec<u8>, FormatError> {
    write_xlsx_rows(&sheet.name, sheet.rows.iter(), options)
}

/// [`write_xlsx`] of a sheet named `name` whose rows `rows` gives one at
/// a time, the header row first: each is written and let go before the
/// next is made, and the worksheet's cells go to a temporary file rather
/// than into memory (made exclusively in the system's temporary directory
/// and unlinked at once, so it follows no planted link and leaves nothing
/// behind; where none can be made, they stay in memory), so that an annex
/// of ten thousand items is never held whole. The same rows give the
/// same bytes as [`write_xlsx`].
pub fn write_xlsx_rows<R: AsRef<[XCell]>>(
    name: &str,
    rows: impl Iterator<Item = R>,
    options: &XlsxOptions,
) -> Result<Vec<u8>, FormatError> {
    use rust_xlsxwriter::{
        Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, FormatPattern,
        Workbook,
    };
    let err = |what: String, e: rust_xlsxwriter::XlsxError| {
        FormatError::whole(FORMAT, format!("{what}: {e}"))
    };
    let mut workbook = Workbook::new();
    // A fixed creation date: the same sheet gives the same bytes.
    let epoch = ExcelDateTime::from_ymd(2000, 1, 1).map_err(|e| err("document date".into(), e))?;
    workbook.set_properties(&DocProperties::new().set_creation_datetime(&epoch));
    // Where no temporary file can be made, the cells are kept in memory.
    let ws = if workbook.add_worksheet_with_low_memory().is_ok() {
        workbook
            .worksheet_from_index(0)
            .map_err(|e| err("the worksheet".into(), e))?
    } else {
        workbook.add_worksheet()
    };
    let name = if name.trim().is_empty() {
        "Blad1"
    } else {
        name
    };
    ws.set_name(name)
        .map_err(|e| err(format!("sheet name '{name}'"), e))?;
    let base = Format::new()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_border(FormatBorder::Thin)
        .set_border_color(Color::RGB(0x808080));
    let mut formats: BTreeMap<(bool, Option<Rgb>), Format> = BTreeMap::new();
    let mut last_col = 0u16;
    let top = u32::try_from(options.above.len())
        .ok()
        .filter(|n| *n < 1_000)
        .ok_or_else(|| FormatError::whole(FORMAT, "too many lines above the table"))?;
    let title = Format::new().set_bold().set_font_size(14);
    let plain = Format::new();
    for (r, line) in (0u32..).zip(&options.above) {
        let f = if r == 0 { &title } else { &plain };
        ws.write_string_with_format(r, 0, line, f)
            .map_err(|e| err(format!("line {} above the table", r + 1), e))?;
    }
    let mut count = 0u32;
    for (r, row) in rows.enumerate() {
        let r32 = u32::try_from(r)
            .ok()
            .and_then(|r| r.checked_add(top))
            .filter(|r| *r < 1_048_576)
            .ok_or_else(|| FormatError::whole(FORMAT, "more rows than Excel's 1,048,576"))?;
        for (c, cell) in row.as_ref().iter().enumerate() {
            let c16 = u16::try_from(c)
                .ok()
                .filter(|c| *c < 16_384)
                .ok_or_else(|| FormatError::whole(FORMAT, "more columns than Excel's 16,384"))?;
            last_col = last_col.max(c16);
            let format = formats.entry((r == 0, cell.fill)).or_insert_with(|| {
                let mut f = base.clone();
                if r == 0 {
                    f = f.set_bold();
                }
                if let Some(rgb) = cell.fill {
                    let [red, green, blue] = rgb.0;
                    f = f
                        .set_pattern(FormatPattern::Solid)
                        .set_background_color(Color::RGB(
                            (u32::from(red) << 16) | (u32::from(green) << 8) | u32::from(blue),
                        ));
                }
                f
            });
            let at = || format!("cell {}{}", column_letters(c16), r32 + 1);
            if cell.text.is_empty() {
                ws.write_blank(r32, c16, format).map_err(|e| err(at(), e))?;
            } else {
                ws.write_string_with_format(r32, c16, &cell.text, format)
                    .map_err(|e| err(at(), e))?;
            }
        }
        count = r32 - top + 1;
    }
    for (c, w) in options.widths.iter().enumerate() {
        let Ok(c) = u16::try_from(c) else { break };
        ws.set_column_width(c, *w)
            .map_err(|e| err(format!("width of column {}", column_letters(c)), e))?;
    }
    if count > 0 {
        ws.set_freeze_panes(top + 1, 0)
            .map_err(|e| err("frozen header".into(), e))?;
        ws.set_repeat_rows(top, top)
            .map_err(|e| err("repeated header".into(), e))?;
        let last_row = top + count - 1;
        ws.autofilter(top, 0, last_row, last_col)
            .map_err(|e| err("autofilter".into(), e))?;
    }
    let after = top + count + 1;
    for (r, line) in (after..).zip(&options.below) {
        ws.write_string(r, 0, line)
            .map_err(|e| err(format!("line {} below the table", r + 1), e))?;
    }
    ws.set_paper_size(9); // A4
    if options.landscape {
        ws.set_landscape();
    }
    workbook
        .save_to_buffer()
        .map_err(|e| err("the workbook".into(), e))
}

/// Excel's column letters for a zero-based column (0 → A, 27 → AB).
fn column_letters(mut c: u16) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + u8::try_from(c % 26).unwrap_or(0));
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Sheet {
        let green = Rgb::parse("#2e7d32");
        let orange = Rgb::parse("#ef6c00");
        Sheet {
            name: "Stand van zaken".into(),
            first_row: 0,
            rows: vec![
                vec![
                    XCell::plain("Omschrijving"),
                    XCell::plain("Stand"),
                    XCell::plain("Verantwoordelijk"),
                ],
                vec![
                    XCell::plain("Motie van het lid Voorbeeld; verzoekt de regering een plan"),
                    XCell {
                        text: "Afgerond".into(),
                        fill: green,
                    },
                    XCell::plain("SOCW"),
                ],
                vec![
                    XCell::plain("De minister stuurt een brief =SUM(A1)"),
                    XCell {
                        text: String::new(),
                        fill: orange,
                    },
                    XCell::plain("MJenV en SOCW"),
                ],
            ],
        }
    }

    #[test]
    fn a_written_sheet_reads_back_with_its_fills() {
        let sheet = sample();
        let bytes = write_xlsx(
            &sheet,
            &XlsxOptions {
                widths: vec![60.0, 14.0, 18.0],
                landscape: true,
                ..XlsxOptions::default()
            },
        )
        .unwrap();
        assert_eq!(
            super::super::sniff::sniff(&bytes),
            super::super::sniff::FileKind::Xlsx
        );
        let back = read_xlsx(&bytes, None).unwrap();
        assert_eq!(back, sheet);
        assert_eq!(back.column(0, " stand "), Some(1));
        assert_eq!(back.column(0, "status"), None);
        let named = read_xlsx(&bytes, Some("stand van zaken")).unwrap();
        assert_eq!(named.rows.len(), 3);
        let e = read_xlsx(&bytes, Some("Blad9")).unwrap_err();
        assert!(
            e.to_string().contains("its sheets are: Stand van zaken"),
            "{e}"
        );
        assert_eq!(sheet_names(&bytes).unwrap(), vec!["Stand van zaken"]);
    }

    #[test]
    fn the_same_sheet_gives_the_same_bytes() {
        let a = write_xlsx(&sample(), &XlsxOptions::default()).unwrap();
        let b = write_xlsx(&sample(), &XlsxOptions::default()).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn numbers_and_dates_read_as_shown() {
        use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.write_string(0, 0, "a").unwrap();
        ws.write_number(1, 0, 34843.0).unwrap();
        ws.write_number(2, 0, 2.5).unwrap();
        ws.write_boolean(3, 0, true).unwrap();
        let date_fmt = Format::new().set_num_format("yyyy-mm-dd");
        let d = ExcelDateTime::from_ymd(2024, 11, 15).unwrap();
        ws.write_datetime_with_format(4, 0, &d, &date_fmt).unwrap();
        let dt_fmt = Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
        let dt = ExcelDateTime::from_ymd(2025, 5, 15)
            .unwrap()
            .and_hms(13, 45, 0)
            .unwrap();
        ws.write_datetime_with_format(5, 0, &dt, &dt_fmt).unwrap();
        // A stray value far away leaves a gap of empty rows, not an error.
        ws.write_string(9, 2, "laatste").unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        let s = read_xlsx(&bytes, None).unwrap();
        let col0: Vec<String> = s.rows.iter().map(|r| r[0].text.clone()).collect();
        assert_eq!(
            col0,
            vec![
                "a",
                "34843",
                "2.5",
                "TRUE",
                "2024-11-15",
                "2025-05-15 13:45:00",
                "",
                "",
                "",
                ""
            ]
        );
        assert_eq!(s.rows[9][2].text, "laatste");
        assert!(s.rows.iter().all(|r| r.len() == 3));
    }

    #[test]
    fn leading_empty_rows_are_counted_not_kept() {
        use rust_xlsxwriter::Workbook;
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.write_string(2, 1, "kop").unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        let s = read_xlsx(&bytes, None).unwrap();
        assert_eq!(s.first_row, 2);
        assert_eq!(s.text_rows(), vec![vec!["".to_string(), "kop".to_string()]]);
    }

    #[test]
    fn a_sheet_spanning_a_huge_area_is_refused() {
        use rust_xlsxwriter::Workbook;
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.write_string(0, 0, "a").unwrap();
        ws.write_string(1_048_575, 16_383, "z").unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        let e = read_xlsx(&bytes, None).unwrap_err();
        assert!(e.to_string().contains("spans 1048576 rows"), "{e}");
    }

    #[test]
    fn non_workbooks_are_refused_with_what_they_are() {
        let e = read_xlsx(b"Omschrijving;Stand\n", None).unwrap_err();
        assert!(e.to_string().contains("not a zip package"), "{e}");
        let docx = crate::formats::docx::write_docx(
            &crate::formats::docx::Document::default(),
            &Default::default(),
        )
        .unwrap();
        let e = read_xlsx(&docx, None).unwrap_err();
        assert!(e.to_string().contains("looks like a Word document"), "{e}");
    }

    /// The sample workbook with stored (uncompressed) entries, so flipped
    /// bytes land in XML as often as in zip structure.
    fn stored_sample() -> Vec<u8> {
        use std::io::{Read as _, Write as _};
        let bytes = write_xlsx(&sample(), &XlsxOptions::default()).unwrap();
        let mut src = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for i in 0..src.len() {
            let mut f = src.by_index(i).unwrap();
            let name = f.name().unwrap().to_string();
            let mut body = Vec::new();
            f.read_to_end(&mut body).unwrap();
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Stored);
            out.start_file(name, opts).unwrap();
            out.write_all(&body).unwrap();
        }
        out.finish().unwrap().into_inner()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// Damaged workbooks give an error or a sheet, never a panic.
        #[test]
        fn flipped_bytes_never_panic(flips in proptest::collection::vec((0usize..100_000, 0u8..=255), 1..8)) {
            let mut bytes = stored_sample();
            for (at, v) in flips {
                let n = bytes.len();
                bytes[at % n] = v;
            }
            let _ = read_xlsx(&bytes, None);
        }
    }

    #[test]
    fn column_letters_follow_excel() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27), "AB");
        assert_eq!(column_letters(16_383), "XFD");
    }
}

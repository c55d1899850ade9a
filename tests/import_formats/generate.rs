//! The generator of the binary fixtures under tests/fixtures/: the Word
//! annexes (coloured cells, markers, footnotes; the layout variants of the
//! family), the Excel sheets, and the Word source of the PDF whose
//! `pdftotext -layout` text is tests/fixtures/pdftext/annex.txt (made by
//! tests/fixtures/pdftext/make.sh). All content is invented. Run with
//! `cargo test --test main import_formats::generate -- --ignored`; the
//! writers are deterministic, so an unchanged generator gives unchanged
//! files.

use kamerstand::formats::docx::{
    Block, Cell, Document, Fill, Inline, Note, Orientation, ParaStyle, Paragraph, Rgb, Row, Run,
    Table, WriteOptions, write_docx,
};
use kamerstand::formats::xlsx::{Sheet, XCell, XlsxOptions, write_xlsx};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// A piece of a paragraph: text, a footnote reference, a coloured dot.
pub enum P<'a> {
    T(&'a str),
    N(u32),
    Dot(&'a str),
}

pub fn rgb(s: &str) -> Rgb {
    Rgb::parse(s).unwrap()
}

pub fn para(parts: &[P<'_>]) -> Paragraph {
    let mut p = Paragraph::default();
    for part in parts {
        p.push(match part {
            P::T(t) => Inline::Text(Run::plain(*t)),
            P::N(n) => Inline::Footnote(*n),
            P::Dot(c) => Inline::Shape(Some(Fill::Rgb(rgb(c)))),
        });
    }
    p
}

pub fn cell(paragraphs: Vec<Paragraph>) -> Cell {
    Cell {
        paragraphs,
        ..Cell::default()
    }
}

pub fn text(t: &str) -> Cell {
    Cell::plain(t)
}

pub fn with_notes(parts: &[P<'_>]) -> Cell {
    cell(vec![para(parts)])
}

pub fn shaded(c: Cell, colour: &str) -> Cell {
    Cell {
        fill: Some(Fill::Rgb(rgb(colour))),
        ..c
    }
}

pub fn row(cells: Vec<Cell>) -> Row {
    Row {
        header: false,
        cells,
    }
}

pub fn header(texts: &[&str]) -> Row {
    let mut cells: Vec<Cell> = texts
        .iter()
        .map(|t| {
            let mut p = Paragraph::default();
            p.push(Inline::Text(Run::bold(*t)));
            cell(if t.is_empty() { Vec::new() } else { vec![p] })
        })
        .collect();
    for c in &mut cells {
        c.fill = Some(Fill::Rgb(rgb("#D9D9D9")));
    }
    Row {
        header: true,
        cells,
    }
}

fn notes(list: &[(u32, &str)]) -> BTreeMap<u32, Note> {
    list.iter().map(|(n, t)| (*n, Note::new(*t))).collect()
}

fn fixtures() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures"))
}

fn write(dir: &str, name: &str, bytes: &[u8]) {
    let d = fixtures().join(dir);
    std::fs::create_dir_all(&d).unwrap();
    std::fs::write(d.join(name), bytes).unwrap();
}

fn docx(doc: &Document) -> Vec<u8> {
    write_docx(doc, &WriteOptions::default()).unwrap()
}

const TITLE: &str =
    "Stand van zaken moties en toezeggingen Actieprogramma Toegankelijke Stations (ATS) 2025";

/// The legend as the family shows it: a coloured dot before each label, in
/// the shades a Word user picks (not the ledger's exact colours).
fn legend_paragraphs() -> Vec<Block> {
    [
        ("#00B050", "Wordt invulling gegeven aan"),
        ("#0070C0", "In uitvoering"),
        ("#7030A0", "Doorlopend gedurende uitvoering programma"),
        ("#FFC000", "In uitvoering met vertraging"),
        ("#FF0000", "Nog niet begonnen of afgebroken"),
    ]
    .iter()
    .map(|(c, l)| Block::Paragraph(para(&[P::Dot(c), P::T(" "), P::T(l)])))
    .collect()
}

/// The seed family's layout: legend of coloured dots, one table with a
/// repeated header row, sections spanning the table, the status an empty
/// shaded cell, footnotes citing papers.
pub fn nap_layout() -> Document {
    let mut blocks = vec![Block::Paragraph(Paragraph::styled(ParaStyle::Title, TITLE))];
    blocks.extend(legend_paragraphs());
    let rows = vec![
        header(&["", "Status", "Verantwoordelijk", "Stand van zaken"]),
        Row::section("Moties", 4, None),
        row(vec![
            with_notes(&[
                P::T(
                    "Motie van het lid Verhoeven c.s.; De Tweede Kamer verzoekt de regering bij elk station de hoogte van de perrons in kaart te brengen en de Kamer hierover jaarlijks te informeren.",
                ),
                P::N(1),
            ]),
            shaded(text(""), "#0070C0"),
            text("MIenW"),
            with_notes(&[
                P::T("De inventarisatie van 2024 is afgerond voor 312 van de 390 stations."),
                P::N(2),
                P::T(" De overige stations volgen in het voorjaar."),
            ]),
        ]),
        row(vec![
            with_notes(&[
                P::T(
                    "Motie van de leden Bakker en Öztürk; De Tweede Kamer verzoekt de regering reizigers met een beperking vooraf te laten weten of een lift buiten gebruik is.",
                ),
                P::N(3),
            ]),
            shaded(text(""), "#00B050"),
            text("SIenW"),
            cell(vec![
                para(&[P::T(
                    "Sinds 1 maart toont de reisplanner storingen aan liften.",
                )]),
                para(&[P::T("Hiermee is invulling gegeven aan de motie.")]),
            ]),
        ]),
        row(vec![
            with_notes(&[
                P::T(
                    "Motie van het lid De Wit; De Tweede Kamer verzoekt de regering de toegankelijkheid van kleine stations mee te wegen bij de verdeling van middelen.",
                ),
                P::N(4),
            ]),
            shaded(text(""), "#FF00FF"),
            text("MIenW en SBZK"),
            text("Wordt meegenomen in de verdeling voor 2026."),
        ]),
        Row::section("Toezeggingen", 4, None),
        row(vec![
            with_notes(&[
                P::T(
                    "De minister stuurt de Kamer voor de zomer een planning voor de aanpassing van de perrons.",
                ),
                P::N(5),
            ]),
            shaded(text(""), "#FFC000"),
            text("Minister van IenW"),
            text("De planning loopt vertraging op door de aanbesteding; zij volgt in het najaar."),
        ]),
        row(vec![
            with_notes(&[
                P::T(
                    "De staatssecretaris gaat in gesprek met de vervoerders over assistentie op kleine stations.",
                ),
                P::N(6),
            ]),
            text(""),
            text("SIenW"),
            with_notes(&[P::T("Het eerste gesprek heeft plaatsgevonden."), P::N(7)]),
        ]),
        row(vec![
            text(
                "De minister informeert de Kamer over de resultaten van de proef met hellingbanen.",
            ),
            shaded(text(""), "#7030A0"),
            text("MIenW"),
            text("De proef loopt tot eind 2026."),
        ]),
    ];
    blocks.push(Block::Table(Table {
        widths: Table::widths_from_weights(&[6, 2, 2, 7], Orientation::Landscape.text_width()),
        rows,
    }));
    Document {
        blocks,
        footnotes: notes(&[
            (1, "Kamerstukken II 2023/24, 36410-XII, nr. 27."),
            (2, "Kamerstukken II 2024/25, 29984, nr. 1102."),
            (3, "Kamerstukken II 2023/24, 36 410 XII, nr. 31"),
            (4, "kst-36410-XII-40"),
            (5, "Handelingen II 2023/24, nr. 58, item 12"),
            (
                6,
                "Toezegging gedaan in het commissiedebat Spoor van 14 februari 2024 (Kamerstukken II 2023/24, 29984, nr. 1080).",
            ),
            (7, "Kamerstukken II 2024/25, 29984, nr. 1110."),
        ]),
        page_numbers: true,
        orientation: Orientation::Landscape,
        ..Document::default()
    }
}

/// No status column and no legend in the document: the status is a
/// coloured dot at the start of the progress text, matched to the
/// ledger's legend colours; section rows are ordinary rows whose first
/// cell names the section; the header row is not marked as repeating.
pub fn no_status_column() -> Document {
    let section = |name: &str| row(vec![text(name), text(""), text("")]);
    let mut head = header(&["Motie/toezegging", "Verantwoordelijk", "Stand van zaken"]);
    head.header = false;
    let rows = vec![
        head,
        section("Moties"),
        row(vec![
            with_notes(&[
                P::T(
                    "Motie van het lid Jansen; De Tweede Kamer verzoekt de regering een meldpunt voor ontoegankelijke stations in te richten.",
                ),
                P::N(1),
            ]),
            text("SIenW"),
            with_notes(&[
                P::Dot("#00B050"),
                P::T(" Het meldpunt is op 1 april geopend."),
            ]),
        ]),
        row(vec![
            text(
                "Motie van het lid Yıldız c.s.; De Tweede Kamer verzoekt de regering bij nieuwbouw van stations ervaringsdeskundigen te betrekken.",
            ),
            text("MIenW"),
            with_notes(&[
                P::Dot("#0070C0"),
                P::T(" Bij drie nieuwbouwprojecten zijn ervaringsdeskundigen betrokken."),
            ]),
        ]),
        section("Toezeggingen"),
        row(vec![
            with_notes(&[
                P::T("De staatssecretaris stuurt jaarlijks een voortgangsrapportage."),
                P::N(2),
            ]),
            text("Staatssecretaris van Infrastructuur en Waterstaat"),
            with_notes(&[P::Dot("#C00000"), P::T(" Nog niet gestart.")]),
        ]),
        row(vec![
            text("De staatssecretaris onderzoekt een proef met gratis begeleiding."),
            text("SIenW"),
            text("Het onderzoek start in 2026."),
        ]),
    ];
    Document {
        blocks: vec![
            Block::Paragraph(Paragraph::styled(
                ParaStyle::Heading(1),
                "Bijlage: stand van zaken",
            )),
            Block::Table(Table {
                widths: Vec::new(),
                rows,
            }),
        ],
        footnotes: notes(&[
            (1, "Kamerstukken II 2022/23, 36200 XII, nr. 18"),
            (2, "Handelingen II 2022/23, nr. 77, item 9 - blz. 4"),
        ]),
        ..Document::default()
    }
}

/// One table per page, each opening with the repeated header row; the
/// status as a label in its column (with or without shading); a section
/// heading between tables; a last table without a header row.
pub fn table_per_page() -> Document {
    let head = || {
        header(&[
            "Omschrijving",
            "Status",
            "Verantwoordelijk",
            "Stand van zaken",
        ])
    };
    let blocks = vec![
        Block::Paragraph(Paragraph::styled(ParaStyle::Title, TITLE)),
        Block::Table(Table {
            widths: Vec::new(),
            rows: vec![
                head(),
                Row::section("Moties", 4, Some(Fill::Rgb(rgb("#F2F2F2")))),
                row(vec![
                    with_notes(&[
                        P::T(
                            "Motie van het lid Van Dam; De Tweede Kamer verzoekt de regering de omroepberichten op stations ook als tekst te tonen.",
                        ),
                        P::N(1),
                    ]),
                    shaded(text("In uitvoering"), "#1565C0"),
                    text("SIenW"),
                    text("Op twintig stations tonen de schermen de berichten al."),
                ]),
                row(vec![
                    text(
                        "Motie van het lid Koster; De Tweede Kamer verzoekt de regering geleidelijnen op alle perrons aan te leggen.",
                    ),
                    text("Doorlopend gedurende uitvoering programma"),
                    text("MIenW"),
                    text("Jaarlijks komen er perrons bij."),
                ]),
            ],
        }),
        Block::Table(Table {
            widths: Vec::new(),
            rows: vec![
                head(),
                row(vec![
                    with_notes(&[
                        P::T(
                            "Motie van de leden Koster en Van Dam; De Tweede Kamer verzoekt de regering de stationshallen beter te verlichten.",
                        ),
                        P::N(2),
                    ]),
                    shaded(text("In uitvoering"), "#C62828"),
                    text("MIenW"),
                    text("Eerste stations zijn aangepast."),
                ]),
            ],
        }),
        Block::Paragraph(Paragraph::styled(ParaStyle::Heading(2), "Toezeggingen")),
        Block::Table(Table {
            widths: Vec::new(),
            rows: vec![
                row(vec![
                    text(
                        "De minister laat onderzoeken hoeveel reizigers de assistentie gebruiken.",
                    ),
                    text("Nog niet begonnen of afgebroken"),
                    text("MIenW"),
                    text("Het onderzoek is uitgesteld."),
                ]),
                row(vec![
                    with_notes(&[
                        P::T(
                            "De staatssecretaris bespreekt de toegankelijkheid van de reisplanner met de vervoerders.",
                        ),
                        P::N(3),
                    ]),
                    text("Afgerond"),
                    text("SIenW"),
                    text("Besproken op 3 juni."),
                ]),
            ],
        }),
    ];
    Document {
        blocks,
        footnotes: notes(&[
            (1, "Kamerstukken II 2024/25, 36600-XII, nr. 14"),
            (2, "Kamerstukken II 2024/25, 36600-XII, nr. 19"),
            (3, "Handelingen II 2024/25, nr. 12, item 5"),
        ]),
        ..Document::default()
    }
}

/// The Word source of the PDF fixture: enough rows, with long texts, that
/// the table runs over pages, rows break across a page and the header row
/// repeats.
pub fn pdf_source() -> Document {
    let mut blocks = vec![Block::Paragraph(Paragraph::styled(ParaStyle::Title, TITLE))];
    blocks.push(Block::Paragraph(Paragraph::plain(
        "Wordt invulling gegeven aan",
    )));
    blocks.push(Block::Paragraph(Paragraph::plain("In uitvoering")));
    blocks.push(Block::Paragraph(Paragraph::plain(
        "In uitvoering met vertraging",
    )));
    let long = " Daarbij worden de regionale vervoerders, de reizigersorganisaties en de gemeenten betrokken, zodat de maatregelen aansluiten bij wat reizigers met een beperking in de praktijk nodig hebben.";
    let mut rows = vec![
        header(&["", "Status", "Verantwoordelijk", "Stand van zaken"]),
        Row::section("Moties", 4, None),
    ];
    let motions: [(&str, &str, &str, u32, &str, usize); 9] = [
        (
            "Verhoeven c.s.",
            "bij elk station de hoogte van de perrons in kaart te brengen",
            "MIenW",
            1,
            "In uitvoering",
            1,
        ),
        (
            "Bakker",
            "reizigers vooraf te laten weten of een lift buiten gebruik is",
            "SIenW",
            2,
            "Wordt invulling gegeven aan",
            1,
        ),
        (
            "De Wit",
            "de toegankelijkheid van kleine stations mee te wegen bij de verdeling van middelen",
            "MIenW en SBZK",
            3,
            "",
            1,
        ),
        (
            "Jansen",
            "een meldpunt voor ontoegankelijke stations in te richten",
            "SIenW",
            4,
            "In uitvoering",
            2,
        ),
        (
            "Koster",
            "geleidelijnen op alle perrons aan te leggen",
            "MIenW",
            5,
            "In uitvoering met vertraging",
            1,
        ),
        (
            "Van Dam",
            "de omroepberichten op stations ook als tekst te tonen",
            "SIenW",
            6,
            "In uitvoering",
            4,
        ),
        (
            "Yıldız c.s.",
            "bij nieuwbouw van stations ervaringsdeskundigen te betrekken",
            "Minister van IenW",
            7,
            "Wordt invulling gegeven aan",
            1,
        ),
        (
            "Smit",
            "oplaadpunten voor scootmobielen op stations te plaatsen",
            "SIenW",
            8,
            "Nog niet begonnen of afgebroken",
            2,
        ),
        (
            "De Vries",
            "de kosten van assistentie voor reizigers te onderzoeken",
            "MIenW en SFIN",
            9,
            "In uitvoering",
            1,
        ),
    ];
    for (who, what, resp, n, status, length) in motions {
        let text_cell = with_notes(&[
            P::T(&format!(
                "Motie van het lid {who}; De Tweede Kamer verzoekt de regering {what} en de Kamer hierover te informeren."
            )),
            P::N(n),
        ]);
        rows.push(row(vec![
            text_cell,
            text(status),
            text(resp),
            text(&format!(
                "Het werk is begonnen in 2024.{}",
                long.repeat(length)
            )),
        ]));
    }
    rows.push(Row::section("Toezeggingen", 4, None));
    rows.push(row(vec![
        with_notes(&[
            P::T("De minister stuurt de Kamer voor de zomer een planning voor de aanpassing van de perrons."),
            P::N(10),
        ]),
        text("In uitvoering"),
        text("MIenW"),
        text("De planning volgt in het najaar."),
    ]));
    rows.push(row(vec![
        text("De staatssecretaris gaat in gesprek met de vervoerders over assistentie op kleine stations."),
        text(""),
        text("SIenW"),
        with_notes(&[P::T("Het eerste gesprek heeft plaatsgevonden."), P::N(11)]),
    ]));
    blocks.push(Block::Table(Table {
        widths: Table::widths_from_weights(&[6, 2, 2, 6], Orientation::Portrait.text_width()),
        rows,
    }));
    Document {
        blocks,
        footnotes: notes(&[
            (1, "Kamerstukken II 2023/24, 36410-XII, nr. 27."),
            (2, "Kamerstukken II 2023/24, 36410-XII, nr. 31."),
            (3, "Kamerstukken II 2023/24, 36410-XII, nr. 40."),
            (4, "Kamerstukken II 2022/23, 36200-XII, nr. 18."),
            (5, "Kamerstukken II 2024/25, 36600-XII, nr. 14."),
            (6, "Kamerstukken II 2024/25, 36600-XII, nr. 19."),
            (7, "Kamerstukken II 2022/23, 36200-XII, nr. 22."),
            (8, "Kamerstukken II 2024/25, 36600-XII, nr. 25."),
            (9, "Kamerstukken II 2024/25, 36600-XII, nr. 31."),
            (10, "Handelingen II 2023/24, nr. 58, item 12."),
            (11, "Kamerstukken II 2024/25, 29984, nr. 1110."),
        ]),
        header: vec!["Bijlage bij de voortgangsbrief ATS 2025".to_string()],
        page_numbers: true,
        ..Document::default()
    }
}

fn xcell(t: &str) -> XCell {
    XCell::plain(t)
}

fn filled(t: &str, c: &str) -> XCell {
    XCell {
        text: t.to_string(),
        fill: Some(rgb(c)),
    }
}

/// A sheet in the CSV layout, one status given only as a fill colour.
pub fn csv_layout_sheet() -> Sheet {
    let rows = vec![
        [
            "kind",
            "key",
            "text",
            "citations",
            "status",
            "responsible",
            "progress",
        ]
        .map(xcell)
        .to_vec(),
        vec![
            xcell("motie"),
            xcell(""),
            xcell(
                "Motie van het lid Verhoeven c.s.; De Tweede Kamer verzoekt de regering bij elk station de hoogte van de perrons in kaart te brengen.",
            ),
            xcell("Kamerstukken II 2023/24, 36410-XII, nr. 27"),
            xcell("In uitvoering"),
            xcell("MIenW"),
            xcell("De inventarisatie is voor 312 stations afgerond."),
        ],
        vec![
            xcell("motie"),
            xcell(""),
            xcell(
                "Motie van de leden Bakker en Öztürk; De Tweede Kamer verzoekt de regering liftstoringen vooraf te melden.",
            ),
            xcell("kst-36410-XII-31"),
            filled("", "#2E7D32"),
            xcell("SIenW"),
            xcell("De reisplanner toont storingen."),
        ],
        vec![
            xcell("toezegging"),
            xcell("T1"),
            xcell("De minister stuurt een planning voor de aanpassing van de perrons."),
            xcell("Handelingen II 2023/24, nr. 58, item 12"),
            xcell("vertraagd"),
            xcell("MIenW"),
            xcell("De planning volgt in het najaar."),
        ],
    ];
    Sheet {
        name: "Bijlage".into(),
        first_row: 0,
        rows,
    }
}

/// A register kept in Excel with its own headers, read through --columns.
pub fn own_columns_sheet() -> Sheet {
    let rows = vec![
        vec![
            xcell("Overzicht toezeggingen en moties ATS"),
            xcell(""),
            xcell(""),
            xcell(""),
            xcell(""),
            xcell(""),
            xcell(""),
        ],
        [
            "Nummer",
            "Omschrijving",
            "Vindplaats",
            "Deadline",
            "Bewindspersoon",
            "Stand",
            "Toelichting",
        ]
        .map(xcell)
        .to_vec(),
        vec![
            xcell("T-01"),
            xcell("De minister stuurt een brief over toiletten op stations."),
            xcell("Kamerstukken II 2023/24, 29984, nr. 1090"),
            xcell("2025-06-30"),
            xcell("Minister van IenW"),
            xcell("In uitvoering"),
            xcell("De brief is in voorbereiding."),
        ],
        vec![
            xcell("T-02"),
            xcell("De staatssecretaris bespreekt de reisassistentie met de vervoerders."),
            xcell("Handelingen II 2023/24, nr. 60, item 4"),
            xcell("1 maart 2025"),
            xcell("SIenW"),
            filled("", "#2E7D32"),
            xcell("Het gesprek is gevoerd op 3 maart."),
        ],
        vec![
            xcell("T-03"),
            xcell(
                "De staatssecretaris van Financiën bekijkt een fiscale regeling voor aangepaste fietsen.",
            ),
            xcell("commissiedebat Fiscaliteit, 12 maart 2024"),
            xcell("eind 2025"),
            xcell("Staatssecretaris van Financiën - Fiscaliteit en Belastingdienst"),
            xcell("vertraagd"),
            xcell("Wacht op het onderzoek."),
        ],
        vec![
            xcell("M-04"),
            xcell(
                "Motie van het lid Smit; De Tweede Kamer verzoekt de regering oplaadpunten voor scootmobielen op stations te plaatsen.",
            ),
            xcell("36 410 XII, nr. 12"),
            xcell(""),
            xcell("MIenW"),
            xcell("Onbekend"),
            xcell(""),
        ],
    ];
    Sheet {
        name: "Toezeggingen".into(),
        first_row: 0,
        rows,
    }
}

/// Writes every binary fixture.
#[test]
#[ignore = "writes the fixtures; run when the generator changes"]
fn write_fixtures() {
    write("word", "nap-layout.docx", &docx(&nap_layout()));
    write("word", "no-status-column.docx", &docx(&no_status_column()));
    write("word", "table-per-page.docx", &docx(&table_per_page()));
    write("pdftext", "annex.docx", &docx(&pdf_source()));
    let opts = XlsxOptions::default();
    write(
        "xlsx",
        "csv-layout.xlsx",
        &write_xlsx(&csv_layout_sheet(), &opts).unwrap(),
    );
    write(
        "xlsx",
        "own-columns.xlsx",
        &write_xlsx(&own_columns_sheet(), &opts).unwrap(),
    );
}

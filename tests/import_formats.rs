//! Importing what clerks have (issue 16): the annex as a Word file (status
//! as cell shading or coloured markers, the layout variants of the family),
//! an Excel sheet (the CSV layout, or its own headers through --columns),
//! the `pdftotext -layout` text of the annex's PDF, the Eerste Kamer's
//! commitment register, a budget's annex of motions and commitments, and a
//! letter in prose (refused, with the way out). Each fixture under
//! tests/fixtures/ is invented content in the shape of the real thing; the
//! binary ones come from `generate` (run it with `--ignored`), the PDF text
//! from tests/fixtures/pdftext/make.sh.
//!
//! Every fixture is read twice: through its reader directly, where each
//! item's kind, text, status, responsible parties and citations are
//! compared with what a reader of the document sees (the counts per layout
//! are in `per_layout_counts`), and end to end through `kamerstand import`
//! in-process, where the ledger's overview must hold the same.

mod generate;

use crate::common::{TestEnv, item};
use kamerstand::domain::{ItemKind, Legend, Ministries};
use kamerstand::formats::docx::read_docx;
use kamerstand::formats::{ImportFormat, ImportRow, ReadOptions, annex, read_import};
use serde_json::Value;

fn path(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn bytes(name: &str) -> Vec<u8> {
    std::fs::read(path(name)).unwrap()
}

fn legend_file(name: &str) -> Legend {
    let p = format!("{}/docs/{name}", env!("CARGO_MANIFEST_DIR"));
    Legend::from_json(&p, &std::fs::read_to_string(&p).unwrap()).unwrap()
}

fn eerste_kamer() -> Legend {
    legend_file("legend-eerste-kamer.json")
}

fn rijksbegroting() -> Legend {
    legend_file("legend-rijksbegroting.json")
}

/// What a reader of the document sees in one item.
#[derive(Debug, Clone, Copy)]
struct Want<'a> {
    kind: ItemKind,
    /// How the item text starts.
    text: &'a str,
    status: Option<&'a str>,
    /// Responsible codes as the domain prints them ("-" for none).
    responsible: &'a str,
    /// The item's citations, raw.
    citations: &'a [&'a str],
}

use ItemKind::{Motie as M, Toezegging as T};

const fn w<'a>(
    kind: ItemKind,
    text: &'a str,
    status: Option<&'a str>,
    responsible: &'a str,
    citations: &'a [&'a str],
) -> Want<'a> {
    Want {
        kind,
        text,
        status,
        responsible,
        citations,
    }
}

/// Items, statuses and citations read right, and how many there are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Score {
    items: usize,
    statuses: usize,
    responsible: usize,
    citations: usize,
    of: usize,
}

fn responsible(r: &ImportRow) -> String {
    r.responsible
        .as_ref()
        .map_or_else(|| "-".to_string(), ToString::to_string)
}

fn score(rows: &[ImportRow], want: &[Want<'_>]) -> Score {
    let mut s = Score {
        items: 0,
        statuses: 0,
        responsible: 0,
        citations: 0,
        of: want.len(),
    };
    for (k, want) in want.iter().enumerate() {
        // An item is read right when the row in its place has its kind and
        // its text; the rest is only counted for items read right.
        let Some(r) = rows.get(k) else { continue };
        if r.kind != want.kind || !r.text.starts_with(want.text) {
            continue;
        }
        s.items += 1;
        s.statuses += usize::from(r.status.as_deref() == want.status);
        s.responsible += usize::from(responsible(r) == want.responsible);
        s.citations += usize::from(r.citations == want.citations);
    }
    s
}

/// Requires every item read right, with the row that differs in the
/// message when one is not.
#[track_caller]
fn all_right(layout: &str, rows: &[ImportRow], want: &[Want<'_>]) -> Score {
    let s = score(rows, want);
    let all = Score {
        items: want.len(),
        statuses: want.len(),
        responsible: want.len(),
        citations: want.len(),
        of: want.len(),
    };
    if s != all {
        for (r, w) in rows.iter().zip(want) {
            eprintln!(
                "{:?} {:?} | {:?} | {} | {:?}\n  want {:?}",
                r.kind,
                r.text.chars().take(50).collect::<String>(),
                r.status,
                responsible(r),
                r.citations,
                w
            );
        }
        panic!("{layout}: {s:?}, {} rows", rows.len());
    }
    assert_eq!(rows.len(), want.len(), "{layout}: rows");
    s
}

fn messages(anomalies: &[kamerstand::formats::Anomaly]) -> Vec<(usize, String)> {
    anomalies
        .iter()
        .map(|a| (a.line, a.message.clone()))
        .collect()
}

#[track_caller]
fn has(anomalies: &[kamerstand::formats::Anomaly], line: usize, needle: &str) {
    assert!(
        anomalies
            .iter()
            .any(|a| a.line == line && a.message.contains(needle)),
        "no anomaly on line {line} with {needle:?} in {:#?}",
        messages(anomalies)
    );
}

fn read(
    name: &str,
    format: ImportFormat,
    legend: &Legend,
    options: &ReadOptions,
) -> (Vec<ImportRow>, Vec<kamerstand::formats::Anomaly>) {
    read_import(name, &bytes(name), format, legend, options).unwrap()
}

// -- the expected items of each fixture ---------------------------------------

const NAP_LAYOUT: &[Want<'static>] = &[
    w(
        M,
        "Motie van het lid Verhoeven c.s.; De Tweede Kamer verzoekt de regering bij elk station",
        Some("in-uitvoering"),
        "MIenW",
        &["Kamerstukken II 2023/24, 36410-XII, nr. 27"],
    ),
    w(
        M,
        "Motie van de leden Bakker en Öztürk; De Tweede Kamer verzoekt",
        Some("invulling"),
        "SIenW",
        &["Kamerstukken II 2023/24, 36 410 XII, nr. 31"],
    ),
    // Magenta is no colour of the legend: said, not guessed.
    w(
        M,
        "Motie van het lid De Wit;",
        None,
        "MIenW en SBZK",
        &["kst-36410-XII-40"],
    ),
    w(
        T,
        "De minister stuurt de Kamer voor de zomer",
        Some("vertraagd"),
        "MIenW",
        &["Handelingen II 2023/24, nr. 58, item 12"],
    ),
    w(
        T,
        "De staatssecretaris gaat in gesprek met de vervoerders",
        None,
        "SIenW",
        &["Kamerstukken II 2023/24, 29984, nr. 1080"],
    ),
    w(
        T,
        "De minister informeert de Kamer over de resultaten",
        Some("doorlopend"),
        "MIenW",
        &[],
    ),
];

const NO_STATUS_COLUMN: &[Want<'static>] = &[
    w(
        M,
        "Motie van het lid Jansen;",
        Some("invulling"),
        "SIenW",
        &["Kamerstukken II 2022/23, 36200 XII, nr. 18"],
    ),
    w(
        M,
        "Motie van het lid Yıldız c.s.;",
        Some("in-uitvoering"),
        "MIenW",
        &[],
    ),
    w(
        T,
        "De staatssecretaris stuurt jaarlijks",
        Some("niet-begonnen"),
        "SIenW",
        &["Handelingen II 2022/23, nr. 77, item 9 - blz. 4"],
    ),
    w(
        T,
        "De staatssecretaris onderzoekt een proef",
        None,
        "SIenW",
        &[],
    ),
];

const TABLE_PER_PAGE: &[Want<'static>] = &[
    w(
        M,
        "Motie van het lid Van Dam;",
        Some("in-uitvoering"),
        "SIenW",
        &["Kamerstukken II 2024/25, 36600-XII, nr. 14"],
    ),
    w(
        M,
        "Motie van het lid Koster;",
        Some("doorlopend"),
        "MIenW",
        &[],
    ),
    // Labelled "In uitvoering" but shaded red: two statuses, neither taken.
    w(
        M,
        "Motie van de leden Koster en Van Dam;",
        None,
        "MIenW",
        &["Kamerstukken II 2024/25, 36600-XII, nr. 19"],
    ),
    w(
        T,
        "De minister laat onderzoeken",
        Some("niet-begonnen"),
        "MIenW",
        &[],
    ),
    // "Afgerond" is no label of the NAP legend.
    w(
        T,
        "De staatssecretaris bespreekt",
        None,
        "SIenW",
        &["Handelingen II 2024/25, nr. 12, item 5"],
    ),
];

const PDFTEXT: &[Want<'static>] = &[
    w(
        M,
        "Motie van het lid Verhoeven c.s.; De Tweede Kamer verzoekt de regering bij elk station de hoogte van de perrons in kaart te brengen en de Kamer hierover te informeren.",
        Some("in-uitvoering"),
        "MIenW",
        &["Kamerstukken II 2023/24, 36410-XII, nr. 27"],
    ),
    w(
        M,
        "Motie van het lid Bakker;",
        Some("invulling"),
        "SIenW",
        &["Kamerstukken II 2023/24, 36410-XII, nr. 31"],
    ),
    w(
        M,
        "Motie van het lid De Wit;",
        None,
        "MIenW en SBZK",
        &["Kamerstukken II 2023/24, 36410-XII, nr. 40"],
    ),
    w(
        M,
        "Motie van het lid Jansen;",
        Some("in-uitvoering"),
        "SIenW",
        &["Kamerstukken II 2022/23, 36200-XII, nr. 18"],
    ),
    w(
        M,
        "Motie van het lid Koster;",
        Some("vertraagd"),
        "MIenW",
        &["Kamerstukken II 2024/25, 36600-XII, nr. 14"],
    ),
    // This row breaks across the page: its status is split over the pages.
    w(
        M,
        "Motie van het lid Van Dam; De Tweede Kamer verzoekt de regering de omroepberichten op stations ook als tekst te tonen en de Kamer hierover te informeren.",
        Some("in-uitvoering"),
        "SIenW",
        &["Kamerstukken II 2024/25, 36600-XII, nr. 19"],
    ),
    w(
        M,
        "Motie van het lid Yıldız c.s.;",
        Some("invulling"),
        "MIenW",
        &["Kamerstukken II 2022/23, 36200-XII, nr. 22"],
    ),
    w(
        M,
        "Motie van het lid Smit;",
        Some("niet-begonnen"),
        "SIenW",
        &["Kamerstukken II 2024/25, 36600-XII, nr. 25"],
    ),
    w(
        M,
        "Motie van het lid De Vries;",
        Some("in-uitvoering"),
        "MIenW en SFIN",
        &["Kamerstukken II 2024/25, 36600-XII, nr. 31"],
    ),
    w(
        T,
        "De minister stuurt de Kamer voor de zomer een planning voor de aanpassing van de perrons.",
        Some("in-uitvoering"),
        "MIenW",
        &["Handelingen II 2023/24, nr. 58, item 12"],
    ),
    w(
        T,
        "De staatssecretaris gaat in gesprek met de vervoerders over assistentie op kleine stations.",
        None,
        "SIenW",
        &[],
    ),
];

const XLSX_CSV: &[Want<'static>] = &[
    w(
        M,
        "Motie van het lid Verhoeven c.s.;",
        Some("in-uitvoering"),
        "MIenW",
        &["Kamerstukken II 2023/24, 36410-XII, nr. 27"],
    ),
    w(
        M,
        "Motie van de leden Bakker en Öztürk;",
        Some("invulling"),
        "SIenW",
        &["kst-36410-XII-31"],
    ),
    w(
        T,
        "De minister stuurt een planning",
        Some("vertraagd"),
        "MIenW",
        &["Handelingen II 2023/24, nr. 58, item 12"],
    ),
];

const XLSX_OWN: &[Want<'static>] = &[
    w(
        T,
        "De minister stuurt een brief over toiletten",
        Some("in-uitvoering"),
        "MIenW",
        &["Kamerstukken II 2023/24, 29984, nr. 1090"],
    ),
    w(
        T,
        "De staatssecretaris bespreekt de reisassistentie",
        Some("invulling"),
        "SIenW",
        &["Handelingen II 2023/24, nr. 60, item 4"],
    ),
    w(
        T,
        "De staatssecretaris van Financiën bekijkt",
        Some("vertraagd"),
        "SFIN",
        &["commissiedebat Fiscaliteit, 12 maart 2024"],
    ),
    // "Onbekend" is no status of the legend.
    w(
        M,
        "Motie van het lid Smit;",
        None,
        "MIenW",
        &["36 410 XII, nr. 12"],
    ),
];

const RECORDS: &[Want<'static>] = &[
    w(
        T,
        "De staatssecretaris zegt de Kamer toe de assistentie op stations",
        Some("openstaand"),
        "SIenW",
        &["36.410", "Handelingen I 2023/24, nr. 22, item 7 - blz. 4"],
    ),
    w(
        T,
        "De minister zegt toe de Kamer per brief",
        Some("deels-voldaan"),
        "MIenW",
        &[
            "36.410 XII",
            "Handelingen I 2023/24, nr. 22, item 7 - blz. 9",
        ],
    ),
    w(
        T,
        "De minister zegt toe bij de uitwerking van de regels voor gegevensdeling de vervoerders",
        Some("voldaan"),
        "MBZK",
        &["35.611, 35.612", "Kamerstukken I 2022/23, 35.611, F"],
    ),
    w(
        T,
        "De staatssecretaris zegt toe te onderzoeken of een fiscale regeling",
        Some("openstaand"),
        "SFIN",
        &["commissiedebat Fiscaliteit, 12 maart 2024"],
    ),
    // "aangehouden" is no status of the register's legend, and the
    // minister's portfolio is unknown: both said, neither guessed.
    w(
        T,
        "De minister zegt toe te bezien of stembureaus",
        None,
        "-",
        &["kst-36200-VII-12"],
    ),
];

const BUDGET_TABS: &[Want<'static>] = &[
    w(
        M,
        "Motie van het lid Verhoeven c.s. over een landelijk overzicht",
        Some("in-behandeling"),
        "MIenW",
        &["36 410 XII, nr. 27"],
    ),
    w(
        M,
        "Motie van de leden Bakker en Öztürk",
        Some("afgedaan"),
        "MIenW",
        &["Kamerstuk 36 410 XII, nr. 31"],
    ),
    w(
        M,
        "Motie van het lid De Wit over kleine stations",
        Some("deels-afgedaan"),
        "MIenW",
        &["30 123, nr. 42"],
    ),
    w(
        T,
        "De minister stuurt de Kamer een planning",
        Some("afgedaan"),
        "MIenW",
        &["Handelingen II 2021/22, nr. 34, item 9"],
    ),
    w(
        T,
        "De staatssecretaris gaat in gesprek",
        Some("afgedaan"),
        "MIenW",
        &["commissiedebat Spoor 14 februari"],
    ),
];

const BUDGET_WEB: &[Want<'static>] = &[
    w(
        T,
        "De minister zegt toe de Kamer jaarlijks te informeren",
        Some("in-behandeling"),
        "MIenW",
        &["Kamerstuk 36 600 XII, nr. 8"],
    ),
    w(
        T,
        "Toezegging om de reisassistentie uit te breiden",
        Some("afgedaan"),
        "MIenW",
        &["Handelingen II 2023/24, nr. 58, item 12"],
    ),
    w(
        M,
        "Motie van het lid Jansen over een meldpunt",
        Some("in-behandeling"),
        "MIenW",
        &["36 200 XII, nr. 18"],
    ),
    w(
        M,
        "Motie van het lid Koster over geleidelijnen",
        Some("afgedaan"),
        "MIenW",
        &["kst-36600-XII-14"],
    ),
];

// -- Word -------------------------------------------------------------------

fn word(name: &str) -> (Vec<ImportRow>, Vec<kamerstand::formats::Anomaly>) {
    read(
        &format!("word/{name}"),
        ImportFormat::Docx,
        &Legend::nap(),
        &ReadOptions::default(),
    )
}

#[test]
fn word_annex_in_the_seed_layout_reads_colours_as_statuses() {
    let (rows, anomalies) = word("nap-layout.docx");
    all_right("word nap-layout", &rows, NAP_LAYOUT);
    // Line numbers are table row numbers: the header row is row 1.
    assert_eq!(
        rows.iter().map(|r| r.line).collect::<Vec<_>>(),
        [3, 4, 5, 7, 8, 9]
    );
    assert_eq!(rows[0].submitters, ["Verhoeven"]);
    assert_eq!(rows[1].submitters, ["Bakker", "Öztürk"]);
    assert_eq!(
        rows[0].progress_citations,
        ["Kamerstukken II 2024/25, 29984, nr. 1102"]
    );
    assert_eq!(
        rows[1].progress.as_deref(),
        Some(
            "Sinds 1 maart toont de reisplanner storingen aan liften.\n\nHiermee is invulling gegeven aan de motie."
        )
    );
    // The Word file's own legend pairs its dots with the labels; a colour
    // outside it is named.
    has(
        &anomalies,
        5,
        "colour #FF00FF matches no colour of the legend",
    );
    has(&anomalies, 8, "footnote 6 is a remark");
    assert_eq!(anomalies.len(), 3, "{:#?}", messages(&anomalies));
    // The model the reader sees, directly: the document's own legend wins
    // over the ledger's colours (its green is not the ledger's green).
    let doc = read_docx(&bytes("word/nap-layout.docx")).unwrap().document;
    let parsed = annex::word::from_document(&doc, &Legend::nap(), &Ministries::builtin());
    assert_eq!(
        parsed.title.as_deref(),
        Some(
            "Stand van zaken moties en toezeggingen Actieprogramma Toegankelijke Stations (ATS) 2025"
        )
    );
    assert_eq!(parsed.footnotes.len(), 7);
}

#[test]
fn word_annex_without_a_status_column_reads_coloured_markers() {
    let (rows, anomalies) = word("no-status-column.docx");
    all_right("word no-status-column", &rows, NO_STATUS_COLUMN);
    // The marker is the status, not part of the text.
    assert_eq!(
        rows[0].progress.as_deref(),
        Some("Het meldpunt is op 1 april geopend.")
    );
    assert!(anomalies.is_empty(), "{:#?}", messages(&anomalies));
}

#[test]
fn word_annex_with_a_table_per_page_and_labels() {
    let (rows, anomalies) = word("table-per-page.docx");
    all_right("word table-per-page", &rows, TABLE_PER_PAGE);
    has(
        &anomalies,
        6,
        "the row shows more than one status (in-uitvoering, niet-begonnen)",
    );
    has(&anomalies, 8, "unknown legend label 'Afgerond'");
    assert_eq!(anomalies.len(), 2, "{:#?}", messages(&anomalies));
}

#[test]
fn word_files_import_end_to_end() {
    let env = TestEnv::init();
    let file = path("word/nap-layout.docx");
    let out = env.run(&["import", &file, "--dry-run"]);
    out.ok();
    assert!(
        out.stdout
            .starts_with(&format!("dry run of {file} (docx): 6 rows; 6 items added, 0 changed, 0 unchanged\n3 anomalies:\n")),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("  line 5: colour #FF00FF matches no colour of the legend")
    );
    // The same through --format, and then for real: the overview holds
    // what the file shows.
    env.run(&["import", &file, "--format", "docx"]).ok();
    let v = env.json(&["overview"]);
    check_overview(
        &v,
        NAP_LAYOUT,
        &[
            "36410-XII-27",
            "36410-XII-31",
            "36410-XII-40",
            "T1",
            "29984-1080",
            "T2",
        ],
    );
    // A text format forced on a Word file is refused with the way out.
    env.refused_in(
        &["import", &file, "--format", "annex"],
        b"",
        2,
        &["this is a Word document (.docx)", "--format docx"],
    );
}

/// The overview holds, for each key, the kind, text, status, responsible
/// and citations the file shows.
#[track_caller]
fn check_overview(v: &Value, want: &[Want<'_>], keys: &[&str]) {
    assert_eq!(v["items"].as_array().unwrap().len(), want.len(), "{v}");
    for (w, key) in want.iter().zip(keys) {
        let it = item(v, key);
        assert_eq!(it["kind"], w.kind.slug(), "{key}");
        assert!(
            it["text"].as_str().unwrap().starts_with(w.text),
            "{key}: {}",
            it["text"]
        );
        assert_eq!(
            it["status"]["slug"],
            w.status.unwrap_or("niet-vermeld"),
            "{key}"
        );
        let resp: Vec<&str> = it["responsible"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap())
            .collect();
        let want_resp = if w.responsible == "-" {
            String::new()
        } else {
            w.responsible.to_string()
        };
        assert_eq!(resp.join(" en "), want_resp, "{key}");
        let cites: Vec<&str> = it["citations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["raw"].as_str().unwrap())
            .collect();
        assert_eq!(cites, w.citations, "{key}");
    }
}

// -- Excel ------------------------------------------------------------------

#[test]
fn excel_in_the_csv_layout_with_a_status_as_fill() {
    let (rows, anomalies) = read(
        "xlsx/csv-layout.xlsx",
        ImportFormat::Xlsx,
        &Legend::nap(),
        &ReadOptions::default(),
    );
    all_right("xlsx csv-layout", &rows, XLSX_CSV);
    assert_eq!(
        rows[2].key.as_ref().map(ToString::to_string).as_deref(),
        Some("T1")
    );
    assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 3, 4]);
    assert!(anomalies.is_empty(), "{:#?}", messages(&anomalies));
}

#[test]
fn excel_with_its_own_headers_through_a_column_mapping() {
    let columns = "key=Nummer,text=Omschrijving,made_in=Vindplaats,deadline=Deadline,responsible=Bewindspersoon,status=Stand,progress=Toelichting";
    let options = ReadOptions {
        columns: Some(kamerstand::formats::sheet::Columns::parse(columns).unwrap()),
        sheet: Some("Toezeggingen".into()),
        ..ReadOptions::default()
    };
    let (rows, anomalies) = read(
        "xlsx/own-columns.xlsx",
        ImportFormat::Xlsx,
        &Legend::nap(),
        &options,
    );
    all_right("xlsx own-columns", &rows, XLSX_OWN);
    let deadlines: Vec<Option<String>> = rows
        .iter()
        .map(|r| r.deadline.map(|d| d.to_string()))
        .collect();
    assert_eq!(
        deadlines,
        [
            Some("2025-06-30".into()),
            Some("2025-03-01".into()),
            None,
            None
        ]
    );
    assert_eq!(
        rows[0].made_in.as_deref(),
        Some("Kamerstukken II 2023/24, 29984, nr. 1090")
    );
    assert_eq!(rows[3].submitters, ["Smit"]);
    has(&anomalies, 0, "3 rows name no kind");
    has(&anomalies, 5, "deadline 'eind 2025' is not a date");
    has(
        &anomalies,
        5,
        "citation 'commissiedebat Fiscaliteit, 12 maart 2024' not recognised",
    );
    has(&anomalies, 6, "status 'Onbekend' not in the legend");
    assert_eq!(anomalies.len(), 4, "{:#?}", messages(&anomalies));

    // End to end: --columns and --sheet on the command line.
    let env = TestEnv::init();
    let file = path("xlsx/own-columns.xlsx");
    env.run(&[
        "import",
        &file,
        "--sheet",
        "Toezeggingen",
        "--columns",
        columns,
    ])
    .ok();
    check_overview(
        &env.json(&["overview"]),
        XLSX_OWN,
        &["T-01", "T-02", "T-03", "M-04"],
    );
    // Without the mapping, the sheet's headers are refused with the way out;
    // a mapping naming an unknown target lists the accepted ones.
    env.refused_in(
        &["import", &file, "--sheet", "Toezeggingen"],
        b"",
        2,
        &["'Overzicht toezeggingen en moties ATS'", "--columns"],
    );
    env.refused_in(
        &["import", &file, "--columns", "tekst=Omschrijving"],
        b"",
        2,
        &[
            "invalid --columns target 'tekst'",
            "one of: kind, key, text,",
            "previous_responsible",
        ],
    );
    env.refused_in(
        &["import", &file, "--columns", "text=Beschrijving"],
        b"",
        2,
        &["'Beschrijving' (for text)"],
    );
}

// -- PDF text ---------------------------------------------------------------

#[test]
fn pdftotext_layout_output_of_the_annex() {
    let text = std::fs::read_to_string(path("pdftext/annex.txt")).unwrap();
    assert_eq!(ImportFormat::detect(&text), Some(ImportFormat::Pdftext));
    let doc = annex::pdftext::parse(&text, &Legend::nap(), &Ministries::builtin());
    let rows: Vec<ImportRow> = doc.rows.iter().map(ImportRow::from).collect();
    all_right("pdftext", &rows, PDFTEXT);
    assert!(doc.anomalies.is_empty(), "{:#?}", messages(&doc.anomalies));
    // Rows stand on the line they start on in the file the clerk has.
    let first_line = |needle: &str| {
        text.lines()
            .position(|l| l.contains(needle))
            .map(|i| i + 1)
            .unwrap()
    };
    assert_eq!(rows[0].line, first_line("Motie van het lid Verhoeven"));
    assert_eq!(
        rows[10].line,
        first_line("De staatssecretaris gaat in gesprek")
    );
    assert_eq!(
        rows[10].progress_citations,
        ["Kamerstukken II 2024/25, 29984, nr. 1110"]
    );
    // The running header and the page numbers are not read.
    assert_eq!(
        doc.title.as_deref(),
        Some(
            "Stand van zaken moties en toezeggingen Actieprogramma Toegankelijke Stations (ATS) 2025"
        )
    );

    let env = TestEnv::init();
    let file = path("pdftext/annex.txt");
    let out = env.run(&["import", &file, "--dry-run"]);
    out.ok();
    assert!(out.stdout.starts_with(&format!(
        "dry run of {file} (pdftext): 11 rows; 11 items added, 0 changed, 0 unchanged\nno anomalies\n"
    )));
}

/// `want` with other statuses: what the same document shows once its
/// colours are gone.
fn with_statuses<'a>(want: &[Want<'a>], statuses: &[Option<&'a str>]) -> Vec<Want<'a>> {
    want.iter()
        .zip(statuses)
        .map(|(w, s)| Want { status: *s, ..*w })
        .collect()
}

fn pdftext(name: &str) -> (Vec<ImportRow>, Vec<kamerstand::formats::Anomaly>) {
    read(
        &format!("pdftext/{name}"),
        ImportFormat::Pdftext,
        &Legend::nap(),
        &ReadOptions::default(),
    )
}

const PDF_PER_PAGE_STATUSES: [Option<&str>; 5] = [
    Some("in-uitvoering"),
    Some("doorlopend"),
    Some("in-uitvoering"),
    Some("niet-begonnen"),
    None,
];

#[test]
fn pdftotext_layout_of_each_word_layout() {
    // The Word fixtures, through LibreOffice's PDF and pdftotext: a legend
    // of dots, centred or wrapped headers, a header repeated mid-page, a
    // section heading between tables. The text keeps every item, every
    // label, every footnote; the colours are gone, and the import says so.
    let (rows, anomalies) = pdftext("nap-layout.txt");
    all_right(
        "pdftext nap-layout",
        &rows,
        &with_statuses(NAP_LAYOUT, &[None; 6]),
    );
    has(&anomalies, 0, "no row states a status");
    has(&anomalies, 0, "import the Word file (.docx)");
    assert_eq!(anomalies.len(), 3, "{:#?}", messages(&anomalies));
    let (rows, anomalies) = pdftext("no-status-column.txt");
    all_right(
        "pdftext no-status-column",
        &rows,
        &with_statuses(NO_STATUS_COLUMN, &[None; 4]),
    );
    // The dot that showed the status is not left in the text.
    assert_eq!(
        rows[0].progress.as_deref(),
        Some("Het meldpunt is op 1 april geopend.")
    );
    assert_eq!(anomalies.len(), 1, "{:#?}", messages(&anomalies));
    // The label stays; the red shading that contradicted it is gone.
    let (rows, anomalies) = pdftext("table-per-page.txt");
    all_right(
        "pdftext table-per-page",
        &rows,
        &with_statuses(TABLE_PER_PAGE, &PDF_PER_PAGE_STATUSES),
    );
    assert_eq!(anomalies.len(), 1, "{:#?}", messages(&anomalies));
    assert!(
        anomalies[0]
            .message
            .contains("unknown legend label 'Afgerond'")
    );
}

#[test]
fn a_word_file_saved_by_libreoffice_reads_the_same() {
    let (rows, anomalies) = word("nap-layout-libreoffice.docx");
    all_right("word nap-layout (LibreOffice)", &rows, NAP_LAYOUT);
    assert_eq!(messages(&anomalies), messages(&word("nap-layout.docx").1));
}

#[test]
fn a_pdf_is_refused_with_the_command_that_makes_text_of_it() {
    let env = TestEnv::init();
    let pdf = env.dir.path().join("bijlage.pdf");
    std::fs::write(
        &pdf,
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
    )
    .unwrap();
    let file = pdf.to_str().unwrap();
    for args in [
        vec!["import", file],
        vec!["import", file, "--format", "annex"],
    ] {
        env.refused_in(
            &args,
            b"",
            2,
            &["this is a PDF", "pdftotext -layout FILE.pdf FILE.txt"],
        );
    }
}

#[test]
fn an_annex_copy_without_statuses_says_why() {
    let env = TestEnv::init();
    let file = env.dir.path().join("kopie.txt");
    std::fs::write(
        &file,
        "\tStatus\tVerantwoordelijk\tStand van zaken\nMoties\t\t\t\nMotie van het lid A; De Tweede Kamer verzoekt iets.\t\tSOCW\tLoopt.\n",
    )
    .unwrap();
    let out = env.run(&["import", file.to_str().unwrap(), "--dry-run"]);
    out.ok();
    assert!(
        out.stdout.contains(
            "1 anomalies:\n  file: no row states a status, so every item comes in as not stated: the status column is empty in this text, as it is when the annex shows the status as a colour or icon, which a text copy loses; import the Word file (.docx)"
        ),
        "{}",
        out.stdout
    );
}

// -- Registers --------------------------------------------------------------

#[test]
fn commitment_register_records() {
    let text = std::fs::read_to_string(path("record/register.txt")).unwrap();
    assert_eq!(ImportFormat::detect(&text), Some(ImportFormat::Record));
    let (rows, anomalies) = read(
        "record/register.txt",
        ImportFormat::Record,
        &eerste_kamer(),
        &ReadOptions::default(),
    );
    all_right("record", &rows, RECORDS);
    let keys: Vec<String> = rows
        .iter()
        .map(|r| r.key.as_ref().unwrap().to_string())
        .collect();
    assert_eq!(keys, ["T03456", "T03457", "T03458", "T03459", "T03460"]);
    // Records follow each other without a blank line and still part.
    assert_eq!(
        rows.iter().map(|r| r.line).collect::<Vec<_>>(),
        [3, 12, 23, 43, 50]
    );
    let day = |d: Option<kamerstand::domain::Day>| d.map(|d| d.to_string());
    assert_eq!(
        rows.iter().map(|r| day(r.deadline)).collect::<Vec<_>>(),
        [
            Some("2025-07-01".into()),
            Some("2024-12-31".into()),
            None,
            Some("2026-01-01".into()),
            None
        ]
    );
    assert_eq!(day(rows[0].made_on).as_deref(), Some("2024-03-12"));
    assert_eq!(day(rows[2].made_on).as_deref(), Some("2023-06-05"));
    assert_eq!(
        rows[0].made_in.as_deref(),
        Some("Handelingen I 2023/24, nr. 22, item 7 - blz. 4")
    );
    assert_eq!(
        rows[0].title.as_deref(),
        Some("Evaluatie van de stationsassistentie (36.410)")
    );
    assert_eq!(
        rows[1]
            .previous_responsible
            .as_ref()
            .map(ToString::to_string)
            .as_deref(),
        Some("SIenW")
    );
    assert_eq!(
        rows[1].progress.as_deref(),
        Some(
            "Een eerste brief is op 3 oktober 2024 verstuurd; het deel over de kleine veerdiensten volgt."
        )
    );
    has(&anomalies, 27, "Deadline 'medio 2024' is not a date");
    has(
        &anomalies,
        43,
        "citation 'commissiedebat Fiscaliteit, 12 maart 2024' not recognised",
    );
    has(
        &anomalies,
        48,
        "field 'Soort toezegging' is not one this register's reader knows",
    );
    has(
        &anomalies,
        51,
        "status 'aangehouden' is not in the ledger's legend",
    );
    has(&anomalies, 52, "where it says 'ruimtevaart'");
    assert_eq!(anomalies.len(), 5, "{:#?}", messages(&anomalies));
    // The page and item of the Handelingen citation are kept.
    let c = kamerstand::domain::KamerstukRef::parse(rows[0].made_in.as_deref().unwrap());
    let p = c.parsed.unwrap();
    assert_eq!((p.item, p.page.as_deref()), (Some(7), Some("4")));

    let env = TestEnv::new();
    let legend = format!(
        "{}/docs/legend-eerste-kamer.json",
        env!("CARGO_MANIFEST_DIR")
    );
    env.run(&[
        "init",
        "--programme",
        "EK",
        "--title",
        "Toezeggingen",
        "--legend",
        &legend,
    ])
    .ok();
    env.run(&["import", &path("record/register.txt")]).ok();
    check_overview(
        &env.json(&["overview"]),
        RECORDS,
        &["T03456", "T03457", "T03458", "T03459", "T03460"],
    );
}

#[test]
fn a_register_read_as_an_annex_is_not_swallowed_in_silence() {
    // Forced through the annex reader, the records give no rows: the import
    // is refused with what the file looks like, never "nothing to record",
    // and with --seal-round no empty round is sealed.
    let env = TestEnv::init();
    let before = env.json(&["log"]);
    for extra in [
        &["--dry-run"][..],
        &["--seal-round", "leeg", "--reported-on", "2025-01-01"],
    ] {
        let file = path("record/register.txt");
        let mut args = vec!["import", &file, "--format", "annex"];
        args.extend_from_slice(extra);
        let out = env.run(&args);
        out.expect_code(2);
        assert!(
            out.stderr
                .contains("at least one item row read as --format annex; none was")
                && out.stderr.contains("no row of an annex table was found")
                && out.stderr.contains("it looks like --format record")
                && out.stderr.contains("Nothing was recorded"),
            "{}",
            out.stderr
        );
        assert!(!out.stdout.contains("nothing to record"));
    }
    assert_eq!(env.json(&["log"]), before);
    assert!(
        env.json(&["round", "list"])["rounds"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

// -- Budget annexes ---------------------------------------------------------

#[test]
fn budget_annex_tab_separated() {
    let text = std::fs::read_to_string(path("budget/tabs.txt")).unwrap();
    assert_eq!(ImportFormat::detect(&text), Some(ImportFormat::Budget));
    let options = ReadOptions {
        responsible: Some(kamerstand::domain::Responsible::parse("MIenW").unwrap()),
        ..ReadOptions::default()
    };
    let (rows, anomalies) = read(
        "budget/tabs.txt",
        ImportFormat::Budget,
        &rijksbegroting(),
        &options,
    );
    all_right("budget tabs", &rows, BUDGET_TABS);
    assert_eq!(rows[0].submitters, ["Verhoeven"]);
    has(
        &anomalies,
        6,
        "the progress text says 'afgedaan', the section heading 'in-behandeling'",
    );
    has(&anomalies, 7, "the progress text says 'deels-afgedaan'");
    has(
        &anomalies,
        12,
        "citation 'commissiedebat Spoor 14 februari' not recognised",
    );
    assert_eq!(anomalies.len(), 3, "{:#?}", messages(&anomalies));
    // Page and item references of the Vindplaats are parsed.
    let c = kamerstand::domain::KamerstukRef::parse(&rows[0].citations[0]);
    assert_eq!(c.key_hint().as_deref(), Some("36410-XII-27"));
    // Without --responsible, the import says whom to give.
    let (_, anomalies) = read(
        "budget/tabs.txt",
        ImportFormat::Budget,
        &rijksbegroting(),
        &ReadOptions::default(),
    );
    has(&anomalies, 0, "give it with --responsible");
}

#[test]
fn budget_annex_copied_from_a_web_page() {
    let text = std::fs::read_to_string(path("budget/web.txt")).unwrap();
    assert_eq!(ImportFormat::detect(&text), Some(ImportFormat::Budget));
    let env = TestEnv::new();
    let legend = format!(
        "{}/docs/legend-rijksbegroting.json",
        env!("CARGO_MANIFEST_DIR")
    );
    env.run(&[
        "init",
        "--programme",
        "Begroting XII",
        "--title",
        "Moties en toezeggingen",
        "--legend",
        &legend,
    ])
    .ok();
    let file = path("budget/web.txt");
    let out = env.run(&[
        "import",
        &file,
        "--responsible",
        "Minister van IenW",
        "--dry-run",
    ]);
    out.ok();
    assert!(
        out.stdout.contains("(budget): 4 rows; 4 items added"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains(
        "  line 13: a motion ('Motie …') under a heading of commitments; read as a motion"
    ));
    env.run(&["import", &file, "--responsible", "MIenW"]).ok();
    check_overview(
        &env.json(&["overview"]),
        BUDGET_WEB,
        &["36600-XII-8", "T1", "36200-XII-18", "36600-XII-14"],
    );
    // The progress of a row is every line up to the next item's text.
    let options = ReadOptions {
        responsible: Some(kamerstand::domain::Responsible::parse("MIenW").unwrap()),
        ..ReadOptions::default()
    };
    let (rows, _) = read(
        "budget/web.txt",
        ImportFormat::Budget,
        &rijksbegroting(),
        &options,
    );
    all_right("budget web", &rows, BUDGET_WEB);
    assert_eq!(
        rows[2].progress.as_deref(),
        Some("Het meldpunt wordt ingericht.\n\nDe opening staat gepland voor 1 april.")
    );
    env.refused_in(
        &["import", &file, "--responsible", "Minister van Ruimtevaart"],
        b"",
        2,
        &["invalid --responsible", "ruimtevaart"],
    );
}

// -- Letters ----------------------------------------------------------------

#[test]
fn a_letter_in_prose_is_refused_with_the_way_out() {
    let env = TestEnv::init();
    let file = path("letter/brief.txt");
    for args in [
        vec!["import", file.as_str()],
        vec!["import", file.as_str(), "--format", "annex"],
    ] {
        env.refused_in(
            &args,
            b"",
            2,
            &[
                "this is a letter in prose, which is not parsed",
                "CSV file",
                "Excel sheet",
            ],
        );
    }
}

// -- The counts -------------------------------------------------------------

/// A layout, its fixture, format, legend, options and expected items.
type Case<'a> = (
    &'a str,
    &'a str,
    ImportFormat,
    &'a Legend,
    &'a ReadOptions,
    &'a [Want<'a>],
);

/// Per layout: items, statuses, responsible parties and citations read
/// right, out of how many items the fixture has (printed with
/// `--nocapture`). Every layout must read all of them as a reader sees
/// them; where a reader sees a status the legend cannot hold (a colour
/// outside it, a label it does not know) the right reading is "not
/// stated" with an anomaly, and that is what is counted.
#[test]
fn per_layout_counts() {
    let nap = Legend::nap();
    let rb = rijksbegroting();
    let ek = eerste_kamer();
    let with_minister = ReadOptions {
        responsible: Some(kamerstand::domain::Responsible::parse("MIenW").unwrap()),
        ..ReadOptions::default()
    };
    let own = ReadOptions {
        columns: Some(
            kamerstand::formats::sheet::Columns::parse(
                "key=Nummer,text=Omschrijving,made_in=Vindplaats,deadline=Deadline,responsible=Bewindspersoon,status=Stand,progress=Toelichting",
            )
            .unwrap(),
        ),
        ..ReadOptions::default()
    };
    let d = ReadOptions::default();
    let pdf_nap = with_statuses(NAP_LAYOUT, &[None; 6]);
    let pdf_no_status = with_statuses(NO_STATUS_COLUMN, &[None; 4]);
    let pdf_per_page = with_statuses(TABLE_PER_PAGE, &PDF_PER_PAGE_STATUSES);
    let cases: Vec<Case<'_>> = vec![
        (
            "Word, seed layout",
            "word/nap-layout.docx",
            ImportFormat::Docx,
            &nap,
            &d,
            NAP_LAYOUT,
        ),
        (
            "Word, no status column",
            "word/no-status-column.docx",
            ImportFormat::Docx,
            &nap,
            &d,
            NO_STATUS_COLUMN,
        ),
        (
            "Word, table per page",
            "word/table-per-page.docx",
            ImportFormat::Docx,
            &nap,
            &d,
            TABLE_PER_PAGE,
        ),
        (
            "Excel, CSV layout",
            "xlsx/csv-layout.xlsx",
            ImportFormat::Xlsx,
            &nap,
            &d,
            XLSX_CSV,
        ),
        (
            "Excel, own columns",
            "xlsx/own-columns.xlsx",
            ImportFormat::Xlsx,
            &nap,
            &own,
            XLSX_OWN,
        ),
        (
            "Word, saved by LibreOffice",
            "word/nap-layout-libreoffice.docx",
            ImportFormat::Docx,
            &nap,
            &d,
            NAP_LAYOUT,
        ),
        (
            "pdftotext -layout",
            "pdftext/annex.txt",
            ImportFormat::Pdftext,
            &nap,
            &d,
            PDFTEXT,
        ),
        (
            "pdftotext, seed layout",
            "pdftext/nap-layout.txt",
            ImportFormat::Pdftext,
            &nap,
            &d,
            &pdf_nap,
        ),
        (
            "pdftotext, no status col",
            "pdftext/no-status-column.txt",
            ImportFormat::Pdftext,
            &nap,
            &d,
            &pdf_no_status,
        ),
        (
            "pdftotext, table per page",
            "pdftext/table-per-page.txt",
            ImportFormat::Pdftext,
            &nap,
            &d,
            &pdf_per_page,
        ),
        (
            "register records",
            "record/register.txt",
            ImportFormat::Record,
            &ek,
            &d,
            RECORDS,
        ),
        (
            "budget, tabs",
            "budget/tabs.txt",
            ImportFormat::Budget,
            &rb,
            &with_minister,
            BUDGET_TABS,
        ),
        (
            "budget, web copy",
            "budget/web.txt",
            ImportFormat::Budget,
            &rb,
            &with_minister,
            BUDGET_WEB,
        ),
    ];
    println!(
        "{:<24} {:>6} {:>9} {:>12} {:>10}",
        "layout", "items", "statuses", "responsible", "citations"
    );
    for (layout, file, format, legend, options, want) in cases {
        let (rows, _) = read(file, format, legend, options);
        let s = all_right(layout, &rows, want);
        println!(
            "{layout:<28} {:>3}/{:<2} {:>6}/{:<2} {:>9}/{:<2} {:>7}/{:<2}",
            s.items, s.of, s.statuses, s.of, s.responsible, s.of, s.citations, s.of
        );
    }
}

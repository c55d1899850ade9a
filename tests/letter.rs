//! What goes into a letter to parliament, in every format: the annex as
//! Word and Excel files (read back: the zip opens, the tables, the status
//! colours as shading and fill, the footnotes as Word footnotes), and the
//! changes between two rounds in Dutch (no English, no sequence numbers or
//! hashes but the two rounds' digests in the footer) and in English, as
//! text, Markdown, HTML, JSON and a Word file, grouped by ministry on
//! request.

use crate::common::{TestEnv, snap};
use kamerstand::formats::docx::{Block, Document, Fill, Inline, read_docx};
use kamerstand::formats::xlsx::read_xlsx;
use regex::Regex;
use std::fmt::Write as _;
use std::io::Read as _;

const AUTUMN: &str = "2024-najaar";
const SPRING: &str = "2025-voorjaar";

/// A ledger holding the demo's two annexes, each sealed as a round.
fn two_years() -> TestEnv {
    let env = TestEnv::init();
    for (file, day, round) in [
        ("annex-2024.txt", "2024-11-15", AUTUMN),
        ("annex-2025.txt", "2025-05-15", SPRING),
    ] {
        let path = format!("{}/src/cli/assets/{file}", env!("CARGO_MANIFEST_DIR"));
        env.run(&["import", &path, "--effective", day, "--seal-round", round])
            .ok();
    }
    env
}

/// Runs `args` with `-o FILE` and returns the file's bytes.
fn to_file(env: &TestEnv, args: &[&str], name: &str) -> Vec<u8> {
    let dir = crate::common::temp_dir();
    let path = dir.path().join(name);
    let path_s = path.to_str().unwrap().to_string();
    let mut full: Vec<&str> = args.to_vec();
    full.extend(["-o", &path_s]);
    let out = env.run(&full);
    out.expect_code(0);
    // The line naming the file speaks the language asked for.
    let english = full.windows(2).any(|w| w == ["--lang", "en"]);
    let (starts, names) = if english {
        ("wrote ", format!(" to {path_s}"))
    } else {
        ("", format!(" geschreven naar {path_s}"))
    };
    assert!(
        out.stderr.starts_with(starts) && out.stderr.trim_end().ends_with(&names),
        "{}",
        out.stderr
    );
    std::fs::read(&path).unwrap()
}

/// The parts of a zip package and the text of one of them.
fn part(bytes: &[u8], name: &str) -> (Vec<String>, String) {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a valid zip");
    let names: Vec<String> = (0..zip.len())
        .map(|i| zip.by_index(i).unwrap().name().unwrap().to_string())
        .collect();
    let mut text = String::new();
    zip.by_name(name)
        .expect("the part")
        .read_to_string(&mut text)
        .unwrap();
    (names, text)
}

/// A Word document as text: each table's rows, a cell as its text with
/// `[^n]` for a footnote reference, `{#RRGGBB}` for its shading and `«…»`
/// around highlighted words; then the footnotes, header and footer.
fn dump(doc: &Document) -> String {
    let mut out = String::new();
    let para = |p: &kamerstand::formats::docx::Paragraph| {
        let mut s = String::new();
        for i in &p.inlines {
            match i {
                Inline::Text(r) if r.fill.is_some() => {
                    let _ = write!(s, "«{}»", r.text);
                }
                Inline::Text(r) => s.push_str(&r.text),
                Inline::Footnote(n) => {
                    let _ = write!(s, "[^{n}]");
                }
                _ => {}
            }
        }
        s
    };
    for b in &doc.blocks {
        match b {
            Block::Paragraph(p) => {
                let _ = writeln!(out, "{:?}: {}", p.style, para(p));
            }
            Block::Table(t) => {
                let _ = writeln!(out, "table:");
                for r in &t.rows {
                    let cells: Vec<String> = r
                        .cells
                        .iter()
                        .map(|c| {
                            let text: Vec<String> = c.paragraphs.iter().map(para).collect();
                            let fill = match &c.fill {
                                Some(Fill::Rgb(rgb)) => format!("{{{rgb}}}"),
                                _ => String::new(),
                            };
                            format!("{fill}{}", text.join(" ¶ "))
                        })
                        .collect();
                    let _ = writeln!(
                        out,
                        "  {}| {}",
                        if r.header { "H " } else { "" },
                        cells.join(" | ")
                    );
                }
            }
        }
    }
    for (n, note) in &doc.footnotes {
        let _ = writeln!(out, "footnote {n}: {}", note.text());
    }
    let _ = writeln!(out, "header: {:?}\nfooter: {:?}", doc.header, doc.footer);
    out
}

/// The legend's colour (`#RRGGBB`) of every Dutch status label.
fn colours(env: &TestEnv) -> Vec<(String, String)> {
    let v = env.json(&["overview"]);
    v["legend"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["nl"].as_str().unwrap().to_string(),
                e["colour"].as_str().unwrap().to_uppercase(),
            )
        })
        .collect()
}

#[test]
fn the_annex_written_a_row_at_a_time_is_the_word_file_of_its_whole_model() {
    // The Word annex is made a row at a time; the library also makes it
    // from the model of the whole document. Both must be the same bytes,
    // in either language, with or without the keys, for a round (with its
    // value to check) and for now (a concept, its mark in the header).
    use kamerstand::app::Workspace;
    use kamerstand::app::diff::{Side, compare};
    use kamerstand::formats::annex::{AnnexOptions, Lang, office};
    use kamerstand::formats::docx::{WriteOptions, write_docx};
    let env = two_years();
    let ws = Workspace::open(&env.store, env.open_options()).unwrap();
    for (side, lang, keys) in [
        (SPRING, Lang::Nl, false),
        ("now", Lang::En, true),
        (AUTUMN, Lang::Nl, true),
    ] {
        let c = compare(
            &ws,
            &Side::parse("FROM", AUTUMN),
            &Side::parse("TO", side),
            false,
            false,
        )
        .unwrap();
        let options = AnnexOptions { lang, keys };
        let streamed = office::docx(&c.to, options).unwrap();
        let annex = kamerstand::formats::annex::render::build(&c.to, options);
        let whole = write_docx(
            &office::document(&annex),
            &WriteOptions {
                language: lang.word_language().to_string(),
                title: Some(annex.title.clone()),
            },
        )
        .unwrap();
        assert!(streamed.len() > 2_000, "{side}");
        assert!(streamed == whole, "{side}: the Word files differ");
        // The workbook likewise, its rows made one at a time.
        let streamed = office::xlsx(&c.to, options).unwrap();
        let (sheet, xlsx_options) = office::sheet(&annex);
        let whole = kamerstand::formats::xlsx::write_xlsx(&sheet, &xlsx_options).unwrap();
        assert!(streamed == whole, "{side}: the workbooks differ");
    }
}

#[test]
fn the_annex_as_a_workbook_is_made_where_no_temporary_file_can_be() {
    // The worksheet's cells go to a temporary file; with none to be had,
    // they are kept in memory and the workbook is the same to a reader.
    let env = two_years();
    let normal = to_file(&env, &["--format", "xlsx", "export"], "bijlage.xlsx");
    let dir = crate::common::temp_dir();
    let path = dir.path().join("zonder-tmp.xlsx");
    let out = env
        .command(&["--format", "xlsx", "export", "-o", path.to_str().unwrap()])
        .env("TMPDIR", dir.path().join("not-there"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let without = std::fs::read(&path).unwrap();
    let rows = |b: &[u8]| read_xlsx(b, None).unwrap().text_rows();
    assert!(rows(&normal).len() > 10);
    assert_eq!(rows(&normal), rows(&without));
}

#[test]
fn the_annex_as_a_word_file_has_tables_shading_and_word_footnotes() {
    let env = two_years();
    let bytes = to_file(
        &env,
        &["--format", "docx", "export", "--round", SPRING],
        "bijlage.docx",
    );
    // A package Word opens: the parts, a footnotes part holding every
    // footnote, tables in the document.
    let (names, footnotes_xml) = part(&bytes, "word/footnotes.xml");
    for want in [
        "[Content_Types].xml",
        "word/document.xml",
        "word/styles.xml",
        "word/footnotes.xml",
    ] {
        assert!(names.iter().any(|n| n == want), "{want} in {names:?}");
    }
    let real_notes = Regex::new(r#"<w:footnote w:id="[1-9][0-9]*""#).unwrap();
    assert_eq!(real_notes.find_iter(&footnotes_xml).count(), 12);
    let (_, document_xml) = part(&bytes, "word/document.xml");
    assert_eq!(document_xml.matches("<w:tbl>").count(), 3);
    assert_eq!(document_xml.matches("<w:footnoteReference").count(), 12);

    // Read back: the legend of the statuses used, each on its colour; one
    // row per item with the status cell shaded in its legend colour.
    let doc = read_docx(&bytes).unwrap().document;
    let tables: Vec<_> = doc.tables().collect();
    assert_eq!(tables.len(), 3);
    let legend = colours(&env);
    for t in &tables[1..] {
        assert!(t.rows[0].header);
        for r in &t.rows[1..] {
            let status = r.cells[1].text();
            let (_, colour) = legend.iter().find(|(l, _)| *l == status).unwrap();
            assert_eq!(
                r.cells[1]
                    .fill
                    .as_ref()
                    .and_then(Fill::rgb)
                    .unwrap()
                    .to_string(),
                *colour,
                "{status}"
            );
        }
    }
    assert_eq!(tables[1].rows.len() - 1 + tables[2].rows.len() - 1, 10);
    // The footnote of the first motion stands after its text.
    let first = &tables[1].rows[1].cells[0].paragraphs[0];
    assert!(matches!(first.inlines.last(), Some(Inline::Footnote(1))));
    snap!("annex_docx", dump(&doc));
}

#[test]
fn the_annex_as_an_excel_file_has_the_status_as_fill() {
    let env = two_years();
    let bytes = to_file(
        &env,
        &["--format", "xlsx", "export", "--round", SPRING],
        "bijlage.xlsx",
    );
    let sheet = read_xlsx(&bytes, None).unwrap();
    let rows = &sheet.rows;
    let header = rows
        .iter()
        .position(|r| r[0].text == "Onderdeel")
        .expect("the header row");
    assert_eq!(
        rows[header]
            .iter()
            .map(|c| c.text.as_str())
            .collect::<Vec<_>>(),
        [
            "Onderdeel",
            "Motie / Toezegging",
            "Status",
            "Verantwoordelijk",
            "Stand van zaken",
            "Voetnoten"
        ]
    );
    let legend = colours(&env);
    let items: Vec<_> = rows[header + 1..]
        .iter()
        .take_while(|r| !r[0].text.is_empty())
        .collect();
    assert_eq!(items.len(), 10);
    for r in &items {
        let (_, colour) = legend.iter().find(|(l, _)| *l == r[2].text).unwrap();
        assert_eq!(r[2].fill.unwrap().to_string(), *colour);
    }
    let mut text = String::new();
    for r in rows {
        let cells: Vec<String> = r
            .iter()
            .map(|c| match c.fill {
                Some(f) => format!("{{{f}}}{}", c.text),
                None => c.text.clone(),
            })
            .collect();
        let _ = writeln!(text, "{}", cells.join(" | ").trim_end_matches(" | "));
    }
    snap!("annex_xlsx", text);
}

/// The 64-digit hex strings of `s`.
fn hashes(s: &str) -> Vec<String> {
    Regex::new(r"[0-9a-f]{64}")
        .unwrap()
        .find_iter(s)
        .map(|m| m.as_str().to_string())
        .collect()
}

#[test]
fn the_dutch_diff_has_no_english_and_no_machine_numbers() {
    let env = two_years();
    let digests = [env.round_digest(AUTUMN), env.round_digest(SPRING)];
    let english = Regex::new(
        r"\b(status:|[Aa]dded|[Ww]ithdrawn|[Rr]esponsible|[Rr]ecorded|between|[Cc]hanged|[Uu]nchanged|View|seq|head|note|events?|effective|[Ff]rom|to)\b",
    )
    .unwrap();
    // Markup (tag names, CSS) is not text a reader sees.
    let markup = Regex::new(r"<style>[^<]*</style>|<[^>]*>").unwrap();
    for format in ["table", "md", "html"] {
        let out = env.run(&[
            "--format", format, "diff", AUTUMN, SPRING, "--all", "--events",
        ]);
        out.ok();
        let text = out.stdout;
        let visible = markup.replace_all(&text, " ");
        let found: Vec<&str> = english.find_iter(&visible).map(|m| m.as_str()).collect();
        assert!(found.is_empty(), "{format}: English words {found:?}");
        // The only hashes are the two rounds' digests, after the heading for
        // auditors.
        assert_eq!(hashes(&text), digests, "{format}");
        let footer = text.find("Voor controleurs").unwrap();
        assert!(text.find(&digests[0]).unwrap() > footer, "{format}");
        assert!(!text.contains("CONCEPT"), "two sealed rounds: {format}");
    }
    // Per item: the short form with its Kamerstuk, then sentences.
    let md = env.run(&["--format", "md", "diff", AUTUMN, SPRING]);
    md.ok();
    let md = md.stdout;
    assert!(md.contains(
        "**Motie van de leden El Idrissi en Van Dalsem: verzoekt de regering te onderzoeken of een landelijk meldpunt voor digitale verstoringen bij gemeenten meerwaarde …** (Kamerstukken II 2023/24, 39104, nr.13)"
    ));
    assert!(md.contains(
        "- Status: van Niet vermeld naar In uitvoering\n- Verantwoordelijk: van MJenV naar SJenV\n"
    ));
    // A progress text that grew by one sentence shows that sentence marked.
    assert!(md.contains(
        "- Stand van zaken (15 mei 2025): De handreiking is in mei 2024 gepubliceerd op de website van de VNG. **Daarmee is de motie uitgevoerd.**"
    ));
    // An added item: its text, responsible and citation.
    assert!(
        md.contains(
            "(Kamerstukken II 2024/25, 39104, nr. 38)\n\n> Motie van het lid Okkerse c.s.;"
        )
    );
    assert!(md.contains("- Nieuw in het overzicht.\n- Status: Nog niet begonnen of afgebroken.\n- Verantwoordelijk: SBZK.\n"));
    snap!("diff_md", md);

    // Up to now: a concept, and no digest for the later side.
    let now = env.run(&["--format", "md", "diff", SPRING, "now"]);
    now.ok();
    assert!(now.stdout.contains("**CONCEPT — "));
    assert_eq!(hashes(&now.stdout), [digests[1].clone()]);
}

#[test]
fn the_english_diff_and_the_diff_by_ministry() {
    let env = two_years();
    let en = env.run(&["--format", "md", "diff", AUTUMN, SPRING, "--lang", "en"]);
    en.ok();
    let en = en.stdout;
    for dutch in [
        "Wijzigingen",
        "Moties",
        "Verantwoordelijk",
        "Nieuw in",
        "Stand van zaken (",
        "Controlewaarde",
        " van In uitvoering",
    ] {
        assert!(!en.contains(dutch), "{dutch}");
    }
    assert!(en.contains(
        "- Status: from Not stated to In progress\n- Responsible: from MJenV to SJenV\n"
    ));
    assert!(en.contains("Value to check (SHA-256) of round 2025-voorjaar"));
    snap!("diff_md_en", en);

    let by = env.run(&["--format", "md", "diff", AUTUMN, SPRING, "--by-ministry"]);
    by.ok();
    let by = by.stdout;
    let headings: Vec<&str> = by.lines().filter(|l| l.starts_with("### ")).collect();
    assert_eq!(
        headings,
        [
            "### Binnenlandse Zaken en Koninkrijksrelaties (BZK)",
            "### Economische Zaken en Klimaat (EZK) en Binnenlandse Zaken en Koninkrijksrelaties (BZK)",
            "### Justitie en Veiligheid (JenV)",
            "### Binnenlandse Zaken en Koninkrijksrelaties (BZK)",
        ]
    );
    // The JenV motion stands under JenV.
    let jenv = by.find("### Justitie en Veiligheid").unwrap();
    assert!(by[jenv..].contains("El Idrissi"));
    assert!(!by[..jenv].contains("El Idrissi"));
}

#[test]
fn the_diff_as_html_json_and_a_word_file() {
    let env = two_years();
    let html = env.run(&["--format", "html", "diff", AUTUMN, SPRING]);
    html.ok();
    assert!(
        html.stdout
            .starts_with("<!DOCTYPE html>\n<html lang=\"nl\">")
    );
    assert!(
        html.stdout
            .contains("<ins>Daarmee is de motie uitgevoerd.</ins>")
    );
    snap!("diff_html", html.stdout);

    let json = env.json(&["diff", AUTUMN, SPRING]);
    assert_eq!(json["lang"], "nl");
    assert_eq!(json["concept"], false);
    assert_eq!(json["checks"].as_array().unwrap().len(), 2);
    let ramdin = json["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["key"] == "39104-19")
        .unwrap();
    let words: Vec<(&str, &str)> = ramdin["progress"]["words"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| (w["op"].as_str().unwrap(), w["text"].as_str().unwrap()))
        .collect();
    assert_eq!(
        words,
        [
            (
                "same",
                "De handreiking is in mei 2024 gepubliceerd op de website van de VNG. "
            ),
            ("added", "Daarmee is de motie uitgevoerd.")
        ]
    );
    assert_eq!(ramdin["citation"], "Kamerstukken II 2023/24, 39104, nr. 19");
    assert_eq!(ramdin["fate"], "changed");

    let bytes = to_file(
        &env,
        &["--format", "docx", "diff", AUTUMN, SPRING],
        "wijzigingen.docx",
    );
    let (_, footnotes_xml) = part(&bytes, "word/footnotes.xml");
    assert!(footnotes_xml.contains("Kamerstukken II 2023/24, 39104, nr. 19"));
    let doc = read_docx(&bytes).unwrap().document;
    let text = dump(&doc);
    assert!(text.contains("«Daarmee is de motie uitgevoerd.»"), "{text}");
    assert_eq!(doc.tables().count(), 2);
    // The status now, shaded in its colour.
    let legend = colours(&env);
    for t in doc.tables() {
        for r in &t.rows[1..] {
            let status = r.cells[2].text();
            let (_, colour) = legend.iter().find(|(l, _)| *l == status).unwrap();
            assert_eq!(
                r.cells[2]
                    .fill
                    .as_ref()
                    .and_then(Fill::rgb)
                    .unwrap()
                    .to_string(),
                *colour
            );
        }
    }
    snap!("diff_docx", text);
}

#[test]
fn a_diff_written_item_by_item_is_the_text_written_whole() {
    // To standard output and into a file, the table, Markdown, HTML and
    // JSON are written one item at a time, each item's events (with
    // `--events`) read as it is written; the library also makes them whole,
    // from the model of all the changes with every event listed first.
    // All three must be the same bytes, whatever the options.
    use kamerstand::app::Workspace;
    use kamerstand::app::diff::{Side, compare};
    use kamerstand::formats::annex::Lang;
    use kamerstand::report::letter::changes::{self, Options, Sides};
    use kamerstand::report::table::Look;
    let env = two_years();
    env.run(&[
        "note",
        "39104-19",
        "Nog een stap gezet.",
        "--effective",
        "2025-06-01",
    ])
    .ok();
    // (format, English, from, to, by ministry, all, events)
    let cases = [
        ("table", false, AUTUMN, SPRING, false, false, false),
        ("table", false, AUTUMN, SPRING, true, true, false),
        ("md", false, AUTUMN, SPRING, true, false, false),
        ("md", true, AUTUMN, "now", false, false, true),
        ("html", false, AUTUMN, SPRING, false, true, false),
        ("html", false, SPRING, "now", true, false, true),
        ("table", true, AUTUMN, "now", false, false, true),
        ("table", false, AUTUMN, SPRING, true, false, true),
        ("json", false, AUTUMN, SPRING, false, false, false),
        ("json", false, AUTUMN, "now", true, false, true),
        ("json", true, SPRING, SPRING, false, true, false),
        ("docx", false, AUTUMN, SPRING, false, false, false),
        ("docx", false, AUTUMN, SPRING, true, true, false),
        ("docx", true, AUTUMN, "now", true, false, true),
        ("docx", false, SPRING, "now", false, true, true),
    ];
    let mut with_events = 0;
    for (format, en, from, to, by_ministry, all, events) in cases {
        let mut args = vec!["--format", format];
        if en {
            args.extend(["--lang", "en"]);
        }
        args.extend(["diff", from, to]);
        for (on, flag) in [
            (by_ministry, "--by-ministry"),
            (all, "--all"),
            (events, "--events"),
        ] {
            if on {
                args.push(flag);
            }
        }
        let file = to_file(&env, &args, "changes");
        if format != "docx" {
            let out = env.run(&args);
            out.ok();
            assert!(out.stdout.len() > 200, "{args:?}: {}", out.stdout);
            assert_eq!(out.stdout.as_bytes(), file.as_slice(), "{args:?}");
        }

        let ws = Workspace::open(&env.store, env.open_options()).unwrap();
        let c = compare(
            &ws,
            &Side::parse("FROM", from),
            &Side::parse("TO", to),
            all,
            events,
        )
        .unwrap();
        with_events += c.diff.items.iter().filter(|d| !d.events.is_empty()).count();
        let sides = Sides {
            from: &c.from,
            to: &c.to,
            diff: &c.diff,
        };
        let options = Options {
            lang: if en { Lang::En } else { Lang::Nl },
            by_ministry,
        };
        let ch = changes::build(sides, options);
        if format == "docx" {
            // The Word file made an entry at a time is the one made from
            // the model of all the changes, byte for byte.
            let whole = kamerstand::report::letter::changes_office::docx(&ch).unwrap();
            assert!(file.len() > 2_000, "{args:?}");
            assert!(file == whole, "{args:?}: the Word files differ");
            continue;
        }
        let whole = match format {
            "json" => changes::json(sides, &ch),
            "md" => changes::markdown(&ch),
            "html" => changes::html(&ch),
            _ => changes::table(&ch, &Look::PLAIN),
        };
        assert_eq!(file, whole.as_bytes(), "{args:?}");
    }
    // The cases with --events list some: the lazy reading is exercised.
    assert!(with_events >= 4, "{with_events} items with events");
}

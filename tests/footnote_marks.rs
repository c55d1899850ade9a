//! Footnote markers after the sentence they belong to (issue 17): an annex
//! cell with markers mid-text is stored with each marker where it stood
//! (numbered within its text) and comes out of every export with the
//! annex's footnote at that place; the Word reader does the same with
//! references inside runs, and `pdftotext` text with digits glued to a
//! sentence; re-importing our own exports records nothing, and neither
//! does a ledger made before markers were kept (a committed events export
//! of that version) re-importing the annex it came from; the demo's annex
//! shows it.

use crate::common::{TestEnv, item, snap};
use kamerstand::domain::{Legend, Ministries};
use kamerstand::formats::annex::{pdftext, word};
use kamerstand::formats::docx::{
    Block, Cell, Document, Inline, Note, Paragraph, Row, Run, Table, WriteOptions, read_docx,
    write_docx,
};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// An invented annex in the text layout: markers after a sentence in the
/// middle of an item text and of a progress text, a power (`m²`) that is
/// no marker, two markers side by side, and a paragraph after them.
const ANNEX: &str = "**Stand van zaken moties en toezeggingen
Programma Veilige Bruggen (PVB) 2025**

\tStatus\tVerantwoordelijk\tStand van zaken
Moties\t\t\t
Motie van het lid Verhoef c.s.; De Tweede Kamer verzoekt de regering alle bruggen te inspecteren. ¹ En de Kamer jaarlijks te informeren. ²\tIn uitvoering\tMIenW\tIn 2024 zijn 120 bruggen geïnspecteerd. ³ Bij 12 bruggen is een dek van 40 m² vervangen.⁴ De overige bruggen volgen in 2025.
Toezeggingen\t\t\t
De minister stuurt de Kamer jaarlijks een overzicht van de inspecties.\tDoorlopend gedurende uitvoering programma\tMIenW\t<p>Het eerste overzicht is verstuurd. ⁵ ⁶</p><p>Een tweede volgt in het najaar.</p>

¹ Kamerstukken II 2023/24, 40100, nr. 3.
² Kamerstukken II 2023/24, 40100, nr. 4.
³ Kamerstukken II 2024/25, 40100, nr. 11.
⁴ Kamerstukken II 2024/25, 40100, nr. 12.
⁵ Kamerstukken II 2024/25, 40100, nr. 15.
⁶ Kamerstukken II 2024/25, 40100, nr. 16.
";

const MOTION: &str = "Motie van het lid Verhoef c.s.; De Tweede Kamer verzoekt de regering alle bruggen te inspecteren.¹ En de Kamer jaarlijks te informeren.²";
const MOTION_NOTE: &str = "In 2024 zijn 120 bruggen geïnspecteerd.¹ Bij 12 bruggen is een dek van 40 m² vervangen.² De overige bruggen volgen in 2025.";
const COMMITMENT_NOTE: &str =
    "Het eerste overzicht is verstuurd.¹,²\n\nEen tweede volgt in het najaar.";

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_str().unwrap().to_string()
}

/// Runs `args` with `-o FILE` and returns the file's bytes.
fn exported(env: &TestEnv, args: &[&str], name: &str) -> Vec<u8> {
    let dir = crate::common::temp_dir();
    let path = dir.path().join(name);
    let path_s = path.to_str().unwrap().to_string();
    let mut full: Vec<&str> = args.to_vec();
    full.extend(["-o", &path_s]);
    env.run(&full).expect_code(0);
    std::fs::read(&path).unwrap()
}

/// A ledger holding [`ANNEX`], and the overview it gives.
fn bridges() -> (TestEnv, tempfile::TempDir) {
    let env = TestEnv::init();
    let dir = crate::common::temp_dir();
    let path = write(dir.path(), "bijlage.txt", ANNEX.as_bytes());
    env.run(&["import", &path, "--effective", "2025-05-15"])
        .ok();
    (env, dir)
}

/// The stored texts and citations of every item, to compare ledgers by.
fn stored(env: &TestEnv) -> serde_json::Value {
    let v = env.json(&["overview"]);
    let items: Vec<serde_json::Value> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            serde_json::json!({
                "key": i["key"],
                "text": i["text"],
                "citations": i["citations"],
                "note": i["latest_note"]["text"],
                "note_citations": i["latest_note"]["citations"],
            })
        })
        .collect();
    serde_json::Value::Array(items)
}

/// A Word paragraph as text, a footnote reference as `[^n]`.
fn para_text(p: &Paragraph) -> String {
    let mut s = String::new();
    for i in &p.inlines {
        match i {
            Inline::Text(r) => s.push_str(&r.text),
            Inline::Footnote(n) => {
                let _ = write!(s, "[^{n}]");
            }
            _ => {}
        }
    }
    s
}

/// The Markdown annex as a clerk's text copy of its tables: cells split by
/// tabs, a text's further paragraphs (rows whose first three cells are
/// empty) joined to its row with `<p>`, the section headings as lines, the
/// footnotes as they are; the rest (title, legend, footer) left out.
fn md_as_text_copy(md: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    for line in md.lines() {
        if let Some(h) = line.strip_prefix("## ") {
            if h == "Moties" || h == "Toezeggingen" {
                out.push(format!("{h}\t\t\t"));
            }
        } else if let Some(row) = line.strip_prefix("| ").and_then(|l| l.strip_suffix(" |")) {
            let cells: Vec<&str> = row.split(" | ").map(str::trim).collect();
            if cells.iter().take(3).all(|c| c.is_empty()) {
                let last = out.last_mut().unwrap();
                let mut prev: Vec<String> = last.split('\t').map(str::to_string).collect();
                for (p, c) in prev.iter_mut().zip(&cells) {
                    if !c.is_empty() {
                        *p = format!("<p>{p}</p><p>{c}</p>");
                    }
                }
                *last = prev.join("\t");
            } else {
                out.push(cells.join("\t"));
            }
        } else if line.starts_with(['¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹']) {
            out.push(line.trim_end().to_string());
        }
    }
    out.join("\n") + "\n"
}

#[test]
fn markers_mid_text_are_stored_in_place_and_exported_there() {
    let (env, _dir) = bridges();
    let v = env.json(&["overview"]);
    let m = item(&v, "40100-3");
    assert_eq!(m["text"], MOTION);
    assert_eq!(m["latest_note"]["text"], MOTION_NOTE);
    let t = item(&v, "T1");
    assert_eq!(t["latest_note"]["text"], COMMITMENT_NOTE);

    // Markdown: each footnote after its sentence, numbered for the whole
    // annex; a power stays a power.
    let md = env.run(&["--format", "md", "export"]);
    md.ok();
    for row in [
        "| Motie van het lid Verhoef c.s.; De Tweede Kamer verzoekt de regering alle bruggen te inspecteren.¹ En de Kamer jaarlijks te informeren.² | In uitvoering | MIenW | In 2024 zijn 120 bruggen geïnspecteerd.³ Bij 12 bruggen is een dek van 40 m² vervangen.⁴ De overige bruggen volgen in 2025. |",
        "| De minister stuurt de Kamer jaarlijks een overzicht van de inspecties. | Doorlopend gedurende uitvoering programma | MIenW | Het eerste overzicht is verstuurd.⁵,⁶ |",
        "|  |  |  | Een tweede volgt in het najaar. |",
    ] {
        assert!(md.stdout.contains(row), "{row}\nnot in\n{}", md.stdout);
    }
    assert!(
        md.stdout
            .contains("⁴ Kamerstukken II 2024/25, 40100, nr. 12  \n")
    );

    // HTML: the same places.
    let html = env.run(&["--format", "html", "export"]);
    html.ok();
    for piece in [
        "inspecteren.<sup class=\"fn\">1</sup> En de Kamer jaarlijks te informeren.<sup class=\"fn\">2</sup></p>",
        "geïnspecteerd.<sup class=\"fn\">3</sup> Bij 12 bruggen is een dek van 40 m² vervangen.<sup class=\"fn\">4</sup> De overige",
        "<p>Het eerste overzicht is verstuurd.<sup class=\"fn\">5,6</sup></p><p>Een tweede volgt in het najaar.</p>",
    ] {
        assert!(html.stdout.contains(piece), "{piece}");
    }

    // Word: a footnote reference at each place, naming the citation.
    let bytes = exported(&env, &["--format", "docx", "export"], "bijlage.docx");
    let doc = read_docx(&bytes).unwrap().document;
    let cells: Vec<String> = doc
        .tables()
        .flat_map(|t| t.rows.iter())
        .flat_map(|r| r.cells.iter())
        .map(|c| {
            c.paragraphs
                .iter()
                .map(para_text)
                .collect::<Vec<_>>()
                .join(" ¶ ")
        })
        .collect();
    for want in [
        "Motie van het lid Verhoef c.s.; De Tweede Kamer verzoekt de regering alle bruggen te inspecteren.[^1] En de Kamer jaarlijks te informeren.[^2]",
        "In 2024 zijn 120 bruggen geïnspecteerd.[^3] Bij 12 bruggen is een dek van 40 m² vervangen.[^4] De overige bruggen volgen in 2025.",
        "Het eerste overzicht is verstuurd.[^5][^6] ¶ Een tweede volgt in het najaar.",
    ] {
        assert!(cells.iter().any(|c| c == want), "{want}\nnot in {cells:#?}");
    }
    assert_eq!(
        doc.footnotes.get(&3).map(Note::text).as_deref(),
        Some("Kamerstukken II 2024/25, 40100, nr. 11")
    );
}

#[test]
fn our_own_exports_import_back_to_nothing() {
    let (env, dir) = bridges();
    let before = stored(&env);
    let head = env.head().unwrap().seq;
    let nothing = |out: &crate::common::Output, what: &str| {
        assert!(
            out.stdout.contains("0 items added, 0 changed, 2 unchanged")
                && out
                    .stdout
                    .contains("nothing to record: the ledger already says what the file says"),
            "{what}:\n{}",
            out.stdout
        );
        assert!(!out.stdout.contains("differs"), "{what}:\n{}", out.stdout);
    };
    // The same annex again.
    let out = env.run(&["import", &dir.path().join("bijlage.txt").to_string_lossy()]);
    out.ok();
    nothing(&out, "the annex again");
    // The Word export, with its footnotes as Word footnotes.
    let docx = exported(&env, &["--format", "docx", "export"], "bijlage.docx");
    let out = env.run(&["import", &write(dir.path(), "export.docx", &docx)]);
    out.ok();
    nothing(&out, "the Word export");
    // The Markdown export, copied as text (its markers superscript digits,
    // `⁵,⁶` side by side).
    let md = env.run(&["--format", "md", "export"]);
    let copy = md_as_text_copy(&md.stdout);
    let out = env.run(&["import", &write(dir.path(), "export.txt", copy.as_bytes())]);
    out.ok();
    nothing(&out, "the Markdown export as text");
    assert_eq!(env.head().unwrap().seq, head);
    assert_eq!(stored(&env), before);

    // Read into a new ledger, each gives the same texts, markers in place.
    for (name, bytes) in [
        ("again.docx", docx.as_slice()),
        ("again.txt", copy.as_bytes()),
    ] {
        let fresh = TestEnv::init();
        fresh.run(&["import", &write(dir.path(), name, bytes)]).ok();
        assert_eq!(stored(&fresh), before, "{name}");
    }
}

#[test]
fn a_changed_marker_alone_is_no_change_but_a_changed_citation_is() {
    let (env, dir) = bridges();
    // The same annex with every marker of the motion's progress text moved
    // to its end, as a copy that lost their places would have them.
    let moved = ANNEX.replace(
        "geïnspecteerd. ³ Bij 12 bruggen is een dek van 40 m² vervangen.⁴ De overige bruggen volgen in 2025.",
        "geïnspecteerd. Bij 12 bruggen is een dek van 40 m² vervangen. De overige bruggen volgen in 2025.³ ⁴",
    );
    assert_ne!(moved, ANNEX);
    let out = env.run(&["import", &write(dir.path(), "moved.txt", moved.as_bytes())]);
    out.ok();
    assert!(
        out.stdout.contains("0 changed, 2 unchanged"),
        "{}",
        out.stdout
    );
    // One footnote less: the note's citations differ, so it is a new note.
    let fewer = moved.replace("volgen in 2025.³ ⁴", "volgen in 2025.³");
    let out = env.run(&[
        "import",
        &write(dir.path(), "fewer.txt", fewer.as_bytes()),
        "--effective",
        "2025-06-01",
    ]);
    out.ok();
    assert!(
        out.stdout.contains("1 changed, 1 unchanged"),
        "{}",
        out.stdout
    );
    let v = env.json(&["overview"]);
    assert_eq!(
        item(&v, "40100-3")["latest_note"]["text"],
        "In 2024 zijn 120 bruggen geïnspecteerd. Bij 12 bruggen is een dek van 40 m² vervangen. De overige bruggen volgen in 2025.¹"
    );
}

// ------------------------------------------------------------ Word

/// A row of the annex table from paragraphs of pieces: text, or a
/// footnote reference.
enum P<'a> {
    T(&'a str),
    N(u32),
}

fn cell(paragraphs: &[&[P<'_>]]) -> Cell {
    Cell {
        paragraphs: paragraphs
            .iter()
            .map(|parts| {
                let mut p = Paragraph::default();
                for part in *parts {
                    p.push(match part {
                        P::T(t) => Inline::Text(Run::plain(*t)),
                        P::N(n) => Inline::Footnote(*n),
                    });
                }
                p
            })
            .collect(),
        ..Cell::default()
    }
}

#[test]
fn the_word_reader_keeps_references_where_they_stand_in_the_runs() {
    // The committed Word fixture: a reference after the first sentence of
    // a progress text.
    let fixture = |name: &str| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name)
    };
    let bytes = std::fs::read(fixture("word/nap-layout.docx")).unwrap();
    let (rows, _) = word::read(&bytes, &Legend::nap(), &Ministries::builtin()).unwrap();
    assert_eq!(
        rows[0].progress.as_deref(),
        Some(
            "De inventarisatie van 2024 is afgerond voor 312 van de 390 stations.¹ De overige stations volgen in het voorjaar."
        )
    );
    assert_eq!(
        rows[0].progress_citations,
        ["Kamerstukken II 2024/25, 29984, nr. 1102"]
    );
    assert!(rows[0].text.ends_with("jaarlijks te informeren.¹"));
    // The same table's PDF as `pdftotext -layout` gives it: the marker a
    // digit glued to the sentence.
    let text = std::fs::read_to_string(fixture("pdftext/nap-layout.txt")).unwrap();
    let doc = pdftext::parse(&text, &Legend::nap(), &Ministries::builtin());
    assert_eq!(doc.rows[0].progress, rows[0].progress);
    assert_eq!(doc.rows[0].text, rows[0].text);

    // References as Word users place them: glued to a word, after a space,
    // two side by side, one in a paragraph of its own, one in the status
    // cell (no place in a text: after the item text).
    let table = Table {
        widths: Vec::new(),
        rows: vec![
            Row {
                header: true,
                cells: vec![
                    Cell::plain(""),
                    Cell::plain("Status"),
                    Cell::plain("Verantwoordelijk"),
                    Cell::plain("Stand van zaken"),
                ],
            },
            Row::section("Toezeggingen", 4, None),
            Row {
                header: false,
                cells: vec![
                    cell(&[&[
                        P::T("De minister meldt de Kamer de inspecties"),
                        P::N(1),
                        P::T(" van alle bruggen."),
                    ]]),
                    cell(&[&[P::T("In uitvoering"), P::N(5)]]),
                    Cell::plain("MIenW"),
                    cell(&[
                        &[
                            P::T("Er zijn 40 bruggen geïnspecteerd. "),
                            P::N(2),
                            P::T("Daarna volgen er meer."),
                            P::N(3),
                            P::N(4),
                        ],
                        &[P::N(6)],
                        &[P::T("De planning staat.")],
                    ]),
                ],
            },
        ],
    };
    let doc = Document {
        blocks: vec![Block::Table(table)],
        footnotes: (1..=6)
            .map(|n| {
                (
                    n,
                    Note::new(format!("Kamerstukken II 2024/25, 40100, nr. {n}")),
                )
            })
            .collect(),
        ..Document::default()
    };
    let bytes = write_docx(&doc, &WriteOptions::default()).unwrap();
    let (rows, anomalies) = word::read(&bytes, &Legend::nap(), &Ministries::builtin()).unwrap();
    assert_eq!(rows.len(), 1, "{anomalies:?}");
    let r = &rows[0];
    assert_eq!(
        r.text,
        "De minister meldt de Kamer de inspecties¹ van alle bruggen."
    );
    let cite = |ns: &[u32]| {
        ns.iter()
            .map(|n| format!("Kamerstukken II 2024/25, 40100, nr. {n}"))
            .collect::<Vec<_>>()
    };
    assert_eq!(r.citations, cite(&[1, 5]));
    assert_eq!(
        r.progress.as_deref(),
        Some(
            "Er zijn 40 bruggen geïnspecteerd.¹ Daarna volgen er meer.²,³,⁴\n\nDe planning staat."
        )
    );
    assert_eq!(r.progress_citations, cite(&[2, 3, 4, 6]));
}

// ------------------------------------------------------------ older ledgers

/// The committed events export of a ledger made before markers were kept.
fn before_markers() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/before-markers/events.jsonl")
}

fn asset(name: &str) -> String {
    format!("{}/src/cli/assets/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// The (type, key) of every event an import appended, from its dry run's
/// log.
fn appended(env: &TestEnv, args: &[&str]) -> (String, Vec<String>) {
    let mut full = vec!["import", "--dry-run"];
    full.extend_from_slice(args);
    let out = env.run(&full);
    out.ok();
    let summary = out.stdout.lines().next().unwrap().to_string();
    let log: Vec<String> = out
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("would append"))
        .skip(1)
        .filter(|l| l.contains("  clerk  "))
        .map(|l| {
            // seq, time, effective, actor, key, what: keep key and the
            // kind of change.
            let after = l.split("  clerk  ").nth(1).unwrap().trim_start();
            let mut words = after.split_whitespace();
            let key = words.next().unwrap_or_default();
            let what = words.next().unwrap_or_default();
            format!("{key} {what}")
        })
        .collect();
    (summary, log)
}

#[test]
fn a_ledger_made_before_markers_were_kept_sees_no_change_in_them() {
    let env = TestEnv::new();
    env.set_clock("2026-12-06T00:00:00Z");
    env.run(&["import", before_markers().to_str().unwrap()])
        .ok();
    let v = env.json(&["overview"]);
    // Its texts hold no markers.
    assert!(
        item(&v, "39104-12")["text"]
            .as_str()
            .unwrap()
            .ends_with("te rapporteren.")
    );
    // The annex it was made from, again: nothing changed.
    let out = env.run(&["import", &asset("annex-2024.txt")]);
    out.ok();
    snap!("before_markers_same_annex", out.stdout);
    assert!(
        out.stdout.contains("0 items added, 0 changed, 9 unchanged")
            && out.stdout.contains("nothing to record"),
        "{}",
        out.stdout
    );
    // Next year's annex records what a ledger made now records: the same
    // changes to the same items, no note for markers alone.
    let now = TestEnv::init();
    now.run(&[
        "import",
        &asset("annex-2024.txt"),
        "--reported-on",
        "2024-11-15",
        "--seal-round",
        "2024-najaar",
    ])
    .ok();
    let args = [
        "--reported-on",
        "2025-05-15",
        "--seal-round",
        "2025-voorjaar",
    ];
    let mut full = vec![asset("annex-2025.txt")];
    full.extend(args.iter().map(ToString::to_string));
    let full: Vec<&str> = full.iter().map(String::as_str).collect();
    let (old_summary, old_log) = appended(&env, &full);
    let (new_summary, new_log) = appended(&now, &full);
    assert_eq!(old_summary, new_summary);
    assert_eq!(old_log, new_log);
    assert!(!old_log.is_empty());
}

// ------------------------------------------------------------ the demo

#[test]
fn the_demo_annex_has_its_markers_after_their_sentences() {
    let env = TestEnv::new();
    let v = env.json(&["demo", "--keep"]);
    let dir = PathBuf::from(v["dir"].as_str().unwrap());
    let md = std::fs::read_to_string(dir.join("bijlage-2025-voorjaar.md"));
    let html = std::fs::read_to_string(dir.join("bijlage-2025-voorjaar.html"));
    std::fs::remove_dir_all(&dir).unwrap();
    let (md, html) = (md.unwrap(), html.unwrap());
    assert!(md.contains(
        "| Alle gemeenten hebben in 2024 een uitvaloefening gehouden.² Vanaf 2025 is de oefening onderdeel van de jaarlijkse planning- en controlcyclus.³ Daarmee is de motie uitgevoerd. |"
    ));
    assert!(html.contains(
        "gehouden.<sup class=\"fn\">2</sup> Vanaf 2025 is de oefening onderdeel van de jaarlijkse planning- en controlcyclus.<sup class=\"fn\">3</sup> Daarmee is de motie uitgevoerd.</p>"
    ));
}

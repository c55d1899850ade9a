//! Unit tests of the annex parser: the fixtures, every layout detail, and
//! robustness against mangled input.

use super::*;

const FIXTURE_2024: &str = include_str!("../../cli/assets/annex-2024.txt");
const FIXTURE_2025: &str = include_str!("../../cli/assets/annex-2025.txt");

/// Line, kind, submitters, status, responsible, number of item and of
/// progress citations.
type Summary<'a> = (
    usize,
    ItemKind,
    Vec<String>,
    Option<&'a str>,
    String,
    usize,
    usize,
);

fn nap(text: &str) -> AnnexDoc {
    parse(text, &Legend::nap())
}

fn resp(r: &AnnexRow) -> String {
    r.responsible
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_default()
}

fn messages(doc: &AnnexDoc) -> Vec<(usize, String)> {
    doc.anomalies
        .iter()
        .map(|a| (a.line, a.message.clone()))
        .collect()
}

fn has(doc: &AnnexDoc, line: usize, needle: &str) -> bool {
    doc.anomalies
        .iter()
        .any(|a| a.line == line && a.message.contains(needle))
}

/// How many superscript footnote markers a text carries.
fn markers(text: &str) -> usize {
    let mut count = 0;
    let mut in_marker = false;
    for c in text.chars() {
        let digit = footnotes::superscript_digit(c).is_some();
        if digit && !in_marker {
            count += 1;
        }
        in_marker = digit;
    }
    count
}

fn kst(year: &str, dossier: &str, nr: &str) -> String {
    format!("Kamerstukken II {year}, {dossier}, nr. {nr}")
}

/// A table page: header, section, rows, then footnote lines.
fn page(section: &str, rows: &[&str], footnotes: &[&str]) -> String {
    let mut s = String::from("\tStatus\tVerantwoordelijk\tStand van zaken\n");
    s.push_str(section);
    s.push_str("\t\t\t\n");
    for r in rows {
        s.push_str(r);
        s.push('\n');
    }
    s.push('\n');
    for f in footnotes {
        s.push_str(f);
        s.push_str("\n\n");
    }
    s
}

// -- the seed annex ----------------------------------------------------

#[test]
fn seed_annex() {
    // The seed lives in the workplace's shared folder beside the clone (or
    // beside a folder of clones); CI always has it, so there a missing seed
    // is a failure, not a skip.
    let found = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .skip(1)
        .map(|dir| dir.join("shared/seed/nap-stand-van-zaken.txt"))
        .find(|path| path.is_file());
    let Some(path) = found else {
        assert!(
            std::env::var_os("CI").is_none(),
            "seed annex not found in a shared/seed folder above the clone"
        );
        println!("seed annex not found above the clone; test skipped");
        return;
    };
    let text = std::fs::read_to_string(&path).expect("the seed annex reads as UTF-8");
    let doc = nap(&text);
    println!("title: {}", doc.title.as_deref().unwrap_or("-"));
    println!("rows:");
    for r in &doc.rows {
        println!(
            "  line {:>3}  {:<10}  {:<42}  {:<14}  citations {} + {}",
            r.line,
            r.kind.slug(),
            format!("{:?}", r.text.chars().take(40).collect::<String>()),
            resp(r),
            r.citations.len(),
            r.progress_citations.len()
        );
    }
    println!("anomalies:");
    for a in &doc.anomalies {
        println!("  line {:>3}: {}", a.line, a.message);
    }

    assert_eq!(
        doc.title.as_deref(),
        Some(
            "Stand van zaken relevante moties en toezeggingen Nationaal Actieprogramma \
             Aanpak seksueel grensoverschrijdend gedrag en seksueel geweld (NAP)"
        )
    );
    assert_eq!(doc.rows.len(), 14);
    let motions: Vec<&AnnexRow> = doc
        .rows
        .iter()
        .filter(|r| r.kind == ItemKind::Motie)
        .collect();
    assert_eq!(motions.len(), 12);
    assert_eq!(motions.iter().filter(|r| r.text.is_empty()).count(), 4);
    assert_eq!(
        doc.rows
            .iter()
            .filter(|r| r.kind == ItemKind::Toezegging && !r.text.is_empty())
            .count(),
        2
    );
    let lines: Vec<usize> = doc.rows.iter().map(|r| r.line).collect();
    assert_eq!(
        lines,
        [
            35, 36, 37, 38, 68, 99, 100, 101, 122, 123, 124, 125, 151, 152
        ]
    );
    let responsible: Vec<String> = doc.rows.iter().map(resp).collect();
    assert_eq!(
        responsible,
        [
            "SOCW",
            "SOCW",
            "SOCW",
            "SOCW",
            "MOCW en SOCW",
            "SSZW",
            "MVWS",
            "SSZW",
            "SVWS",
            "SVWS",
            "SSZW",
            "MJenV",
            "SOCW en MJenV",
            "MVWS"
        ]
    );
    assert!(doc.rows.iter().all(|r| r.status.is_none()), "never guessed");
    assert!(doc.rows.iter().all(|r| r.progress.is_some()));
    assert!(
        doc.rows
            .iter()
            .flat_map(|r| [&r.text, r.progress.as_ref().unwrap()])
            .all(|t| !t.contains("<p>") && !t.contains("</p>"))
    );
    // Footnote markers stay where the document put them, renumbered per
    // field: one marker for each citation the field keeps.
    for r in &doc.rows {
        assert_eq!(markers(&r.text), r.citations.len(), "line {}", r.line);
        assert_eq!(
            markers(r.progress.as_ref().unwrap()),
            r.progress_citations.len(),
            "line {}",
            r.line
        );
    }

    let first = &doc.rows[0];
    assert_eq!(first.submitters, ["van der Laan"]);
    assert!(first.text.ends_with("de Kamer hierover te informeren.¹"));
    assert_eq!(first.citations, [kst("2021/22", "35925-VIII", "124")]);
    assert_eq!(
        first.progress_citations,
        [
            kst("2023/24", "28345", "269"),
            kst("2024/25", "28345", "281")
        ]
    );
    // Markers sit after their sentence, followed by one space.
    let progress = first.progress.as_deref().unwrap();
    assert!(progress.contains("gedeeld.¹ Op 19 december"), "{progress}");
    assert!(
        progress.contains("(SLMZ) de beleidsreactie.² Hiermee"),
        "{progress}"
    );
    assert_eq!(
        doc.rows[2].citations,
        ["Kamerstukken II 2022/23, 34843, nr.78"]
    );
    // <p> paragraphs
    let studenten = &doc.rows[4];
    assert_eq!(
        studenten.progress.as_deref().unwrap().split("\n\n").count(),
        5
    );
    // ¹⁰ glued to the end of the progress text, a remark with a citation
    let westerveld = &doc.rows[6];
    assert_eq!(westerveld.submitters, ["Westerveld"]);
    assert!(
        westerveld
            .progress
            .as_deref()
            .unwrap()
            .ends_with("over de uitvoering van deze motie.¹")
    );
    assert_eq!(
        westerveld.progress_citations,
        ["Kamerstukken II 2023-24, 24170, nr. 310"]
    );
    assert_eq!(doc.rows[7].submitters, ["Werner", "Van der Laan"]);
    assert_eq!(doc.rows[7].citations, [kst("2022/23", "34843", "84")]);
    assert!(
        doc.rows[8..12]
            .iter()
            .all(|r| r.submitters.is_empty() && r.citations.is_empty())
    );
    let commitment = &doc.rows[12];
    assert!(commitment.submitters.is_empty());
    assert_eq!(
        commitment.progress_citations,
        ["Kamerstukken II 202/25, 34843, nr. 116"]
    );

    // Every footnote is kept; all but the three on the page whose rows
    // lost their text are attached to a row.
    assert_eq!(doc.footnotes.len(), 15);
    assert_eq!(
        doc.footnotes.get(&15),
        Some(&(154, "Kamerstukken II 202/25, 34843, nr. 116.".to_string()))
    );
    let attached: usize = doc
        .rows
        .iter()
        .map(|r| r.citations.len() + r.progress_citations.len())
        .sum();
    assert_eq!(attached, 12);

    assert_eq!(
        messages(&doc),
        vec![
            (
                109,
                "footnote 10 is a remark; citation 'Kamerstukken II 2023-24, 24170, nr. 310' taken from its parentheses".to_string()
            ),
            (122, "row without item text".to_string()),
            (123, "row without item text".to_string()),
            (124, "row without item text".to_string()),
            (125, "row without item text".to_string()),
            (
                128,
                "footnote 12 is defined but no row cites it (rows without item text on this page: lines 122, 123, 124, 125)".to_string()
            ),
            (
                131,
                "footnote 13 is defined but no row cites it (rows without item text on this page: lines 122, 123, 124, 125)".to_string()
            ),
            (
                134,
                "footnote 14 is defined but no row cites it (rows without item text on this page: lines 122, 123, 124, 125)".to_string()
            ),
            (
                154,
                "citation 'Kamerstukken II 202/25, 34843, nr. 116' flagged: session year '202/25' is not a valid year pair".to_string()
            ),
        ]
    );
    assert!(looks_like_annex(&text));
}

// -- the fixtures --------------------------------------------------------

#[test]
fn fixture_2024() {
    let doc = nap(FIXTURE_2024);
    assert_eq!(
        doc.title.as_deref(),
        Some(
            "Stand van zaken moties en toezeggingen Programma Digitale Weerbaarheid Gemeenten (PDWG) 2024"
        )
    );
    let summary: Vec<Summary<'_>> = doc
        .rows
        .iter()
        .map(|r| {
            (
                r.line,
                r.kind,
                r.submitters.clone(),
                r.status.as_deref(),
                resp(r),
                r.citations.len(),
                r.progress_citations.len(),
            )
        })
        .collect();
    let s = |v: &[&str]| v.iter().map(ToString::to_string).collect::<Vec<_>>();
    use ItemKind::{Motie, Toezegging};
    assert_eq!(
        summary,
        vec![
            (
                28,
                Motie,
                s(&["Kortenhoeven"]),
                Some("in-uitvoering"),
                "SBZK".into(),
                1,
                1
            ),
            (
                29,
                Motie,
                s(&["El Idrissi", "Van Dalsem"]),
                None,
                "MJenV".into(),
                1,
                0
            ),
            (
                30,
                Motie,
                s(&["Pietersma"]),
                None,
                "MEZK en SBZK".into(),
                1,
                0
            ),
            (55, Motie, s(&["de Wolff-Brink"]), None, "SBZK".into(), 1, 1),
            (56, Motie, s(&["Ramdin"]), None, "MJenV".into(), 1, 0),
            (57, Motie, s(&[]), None, "SBZK".into(), 0, 0),
            (58, Motie, s(&[]), Some("vertraagd"), "SJenV".into(), 0, 0),
            (
                85,
                Toezegging,
                s(&[]),
                Some("doorlopend"),
                "MBZK".into(),
                0,
                1
            ),
            (86, Toezegging, s(&[]), None, "SBZK".into(), 1, 0),
        ]
    );
    let rows = &doc.rows;
    assert_eq!(
        rows[0].text,
        "Motie van het lid Kortenhoeven c.s.; De Tweede Kamer verzoekt de regering gemeenten te \
         ondersteunen bij het jaarlijks oefenen van een uitval van hun digitale dienstverlening \
         en de Kamer over de uitkomsten te rapporteren.¹"
    );
    assert_eq!(rows[0].citations, [kst("2023/24", "39104", "12")]);
    assert_eq!(rows[0].progress_citations, [kst("2023/24", "39104", "15")]);
    assert_eq!(
        rows[0].progress.as_deref(),
        Some(
            "In het voorjaar van 2024 hebben veertig gemeenten een eerste uitvaloefening gehouden.¹ \
             De overige gemeenten volgen in het najaar."
        )
    );
    assert_eq!(rows[1].citations, ["Kamerstukken II 2023/24, 39104, nr.13"]);
    // "informeren.4": footnote 4 is defined on the same page, and the
    // marker is the text's first citation.
    assert!(rows[2].text.ends_with("voor de zomer te informeren.¹"));
    assert_eq!(rows[2].citations, [kst("2023/24", "39250-VII", "41")]);
    // Three cells, <p> paragraphs, a remark footnote.
    assert_eq!(
        rows[3].progress.as_deref(),
        Some(
            "Met de VNG is een regeling uitgewerkt waarmee gemeenten onder de 30.000 inwoners \
             samen een informatiebeveiliger kunnen aanstellen.\n\nDe regeling gaat op 1 januari 2025 in.¹"
        )
    );
    assert_eq!(rows[3].progress_citations, [kst("2023/24", "39104", "22")]);
    // An unknown label is reported, never used.
    assert!(rows[4].text.starts_with("Motie van het lid Ramdin (BBB); "));
    assert_eq!(rows[4].status, None);
    assert_eq!(
        rows[4].progress.as_deref(),
        Some("De handreiking is in mei 2024 gepubliceerd op de website van de VNG.")
    );
    assert!(rows[5].text.is_empty() && rows[6].text.is_empty());
    assert_eq!(
        rows[8].citations,
        ["Toezegging gedaan tijdens het commissiedebat Digitale Overheid van 7 februari 2024."]
    );
    assert_eq!(rows[7].progress_citations, [kst("2024/52", "39104", "27")]);
    assert_eq!(doc.footnotes.len(), 10);

    assert_eq!(
        messages(&doc),
        vec![
            (30, "plain digits '4' glued to 'informeren.' read as footnote marker 4".to_string()),
            (56, "unknown legend label 'Afgerond'".to_string()),
            (57, "row without item text".to_string()),
            (58, "row without item text".to_string()),
            (
                63,
                "footnote 6 is a remark; citation 'Kamerstukken II 2023/24, 39104, nr. 22' taken from its parentheses".to_string()
            ),
            (
                68,
                "footnote 8 is defined but no row cites it (rows without item text on this page: lines 57, 58)".to_string()
            ),
            (
                88,
                "citation 'Kamerstukken II 2024/52, 39104, nr. 27' flagged: session year '2024/52' is not a valid year pair".to_string()
            ),
            (
                90,
                "footnote 10 is not a citation, kept as written: 'Toezegging gedaan tijdens het commissiedebat Digitale Overh…' (not a recognised citation: does not start with 'Kamerstukken' or 'Handelingen')".to_string()
            ),
        ]
    );
    assert!(looks_like_annex(FIXTURE_2024));
}

#[test]
fn fixture_2025() {
    let doc = nap(FIXTURE_2025);
    assert_eq!(
        doc.title.as_deref(),
        Some(
            "Stand van zaken moties en toezeggingen Programma Digitale Weerbaarheid Gemeenten (PDWG) 2025"
        )
    );
    let summary: Vec<(usize, Option<&str>, String, usize, usize)> = doc
        .rows
        .iter()
        .map(|r| {
            (
                r.line,
                r.status.as_deref(),
                resp(r),
                r.citations.len(),
                r.progress_citations.len(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (28, Some("invulling"), "SBZK".into(), 1, 2),
            (29, Some("in-uitvoering"), "SJenV".into(), 1, 1),
            (30, Some("in-uitvoering"), "MEZK en SBZK".into(), 1, 0),
            (55, None, "SBZK".into(), 1, 1),
            (56, Some("invulling"), "MJenV".into(), 1, 0),
            (57, Some("niet-begonnen"), "SBZK".into(), 1, 0),
            (58, None, "SBZK".into(), 0, 0),
            (59, Some("in-uitvoering"), "SJenV".into(), 0, 0),
            (88, Some("doorlopend"), "MBZK".into(), 0, 1),
            (89, Some("invulling"), "SBZK".into(), 1, 0),
        ]
    );
    let rows = &doc.rows;
    assert_eq!(rows[5].submitters, ["Okkerse"]);
    assert_eq!(rows[5].citations, [kst("2024/25", "39104", "38")]);
    // A progress text wrapped onto a line of its own.
    assert_eq!(
        rows[2].progress.as_deref(),
        Some(
            "De waterschappen zijn aangesloten bij de stuurgroep van het programma.\n\n\
             Een eerste gezamenlijke oefening met twee waterschappen vindt in het najaar van 2025 plaats."
        )
    );
    // Markers stay after their sentences, numbered within their text.
    assert_eq!(
        rows[0].progress.as_deref(),
        Some(
            "Alle gemeenten hebben in 2024 een uitvaloefening gehouden.¹ Vanaf 2025 is de \
             oefening onderdeel van de jaarlijkse planning- en controlcyclus.² Daarmee is de \
             motie uitgevoerd."
        )
    );
    assert_eq!(
        rows[0].progress_citations,
        [kst("2024/25", "39104", "31"), kst("2024/25", "39104", "35")]
    );
    // The marker without a definition gives no citation, and goes.
    assert!(rows[9].progress_citations.is_empty());
    assert!(
        rows[9]
            .progress
            .as_deref()
            .is_some_and(|p| p.contains("kunnen aansluiten. Daarmee"))
    );
    assert_eq!(
        messages(&doc),
        vec![
            (30, "plain digits '6' glued to 'informeren.' read as footnote marker 6".to_string()),
            (31, "line read as a continuation of the last cell of the row on line 30".to_string()),
            (58, "row without item text".to_string()),
            (59, "row without item text".to_string()),
            (
                64,
                "footnote 8 is a remark; citation 'Kamerstukken II 2024/25, 39104, nr. 40' taken from its parentheses".to_string()
            ),
            (
                71,
                "footnote 11 is defined but no row cites it (rows without item text on this page: lines 58, 59)".to_string()
            ),
            (89, "footnote marker 14 has no definition".to_string()),
            (
                93,
                "footnote 13 is not a citation, kept as written: 'Toezegging gedaan tijdens het commissiedebat Digitale Overh…' (not a recognised citation: does not start with 'Kamerstukken' or 'Handelingen')".to_string()
            ),
        ]
    );
}

#[test]
fn fixtures_are_the_same_programme_a_year_apart() {
    let old = nap(FIXTURE_2024);
    let new = nap(FIXTURE_2025);
    let texts = |d: &AnnexDoc| -> Vec<String> {
        d.rows
            .iter()
            .filter(|r| !r.text.is_empty())
            .map(|r| r.text.clone())
            .collect()
    };
    let (old_texts, new_texts) = (texts(&old), texts(&new));
    // Every item of 2024 is still there (same text and item citation);
    // exactly one was added.
    for t in &old_texts {
        assert!(new_texts.contains(t), "{t}");
    }
    let added: Vec<&String> = new_texts
        .iter()
        .filter(|t| !old_texts.contains(t))
        .collect();
    assert_eq!(added.len(), 1);
    assert!(added[0].starts_with("Motie van het lid Okkerse c.s."));
    for o in old.rows.iter().filter(|r| !r.text.is_empty()) {
        let n = new.rows.iter().find(|r| r.text == o.text).unwrap();
        assert_eq!(o.citations, n.citations, "{}", o.text);
        assert_eq!(o.kind, n.kind);
    }
    // What changed.
    let find = |d: &AnnexDoc, start: &str| -> AnnexRow {
        d.rows
            .iter()
            .find(|r| r.text.starts_with(start))
            .cloned()
            .unwrap()
    };
    let a = find(&old, "Motie van de leden El Idrissi");
    let b = find(&new, "Motie van de leden El Idrissi");
    assert_ne!(resp(&a), resp(&b));
    let a = find(&old, "Motie van het lid Kortenhoeven");
    let b = find(&new, "Motie van het lid Kortenhoeven");
    assert_eq!(
        (a.status.as_deref(), b.status.as_deref()),
        (Some("in-uitvoering"), Some("invulling"))
    );
    assert_ne!(a.progress, b.progress);
}

// -- layout details ----------------------------------------------------------

#[test]
fn empty_and_non_annex_input() {
    let doc = nap("");
    assert_eq!(doc.title, None);
    assert!(doc.rows.is_empty() && doc.anomalies.is_empty() && doc.footnotes.is_empty());
    assert!(!looks_like_annex(""));
    assert!(!looks_like_annex(
        "kind,text,status\nmotie,iets,in-uitvoering\n"
    ));
    assert!(!looks_like_annex("{\"seq\":0,\"hash\":\"00\"}\n"));
    assert!(!looks_like_annex(
        "Status\tVerantwoordelijk\tStand van zaken\n"
    ));
    assert!(looks_like_annex(
        "Status\tVerantwoordelijk\tStand van zaken\nToezeggingen\t\t\n"
    ));
}

#[test]
fn crlf_and_bom_read_the_same() {
    let crlf = format!("\u{feff}{}", FIXTURE_2024.replace('\n', "\r\n"));
    assert_eq!(nap(&crlf), nap(FIXTURE_2024));
}

#[test]
fn decomposed_text_is_composed() {
    let text = page(
        "Moties",
        &["Motie van het lid Ge\u{301}rard; De Kamer verzoekt iets.\t\tSOCW\tGei\u{308}nformeerd."],
        &[],
    );
    let doc = nap(&text);
    assert_eq!(doc.rows[0].submitters, ["G\u{e9}rard"]);
    assert_eq!(doc.rows[0].progress.as_deref(), Some("Ge\u{ef}nformeerd."));
}

#[test]
fn legend_labels_split_over_lines() {
    let text = format!(
        "Doorlopend\ngedurende uitvoering\nprogramma\n\nIn uitvoering\nmet vertraging\n- In uitvoering\nNog niet\n{}",
        page("Moties", &["Motie van het lid A; tekst.\t\tSOCW\tX."], &[])
    );
    let doc = nap(&text);
    // Only the half label "Nog niet" is not understood.
    assert_eq!(
        messages(&doc),
        vec![(8, "line not understood: 'Nog niet'".to_string())]
    );
    assert_eq!(doc.rows.len(), 1);
}

#[test]
fn header_and_section_variants() {
    for header in [
        "\tStatus\tVerantwoordelijk\tStand van zaken",
        "Status\tVerantwoordelijk\tStand van zaken",
        "Motie/toezegging\tStatus\tVerantwoordelijke\tStand van zaken\t",
    ] {
        for section in ["Moties", "Moties\t\t", "\tMoties\t\t\t", "MOTIES:"] {
            let text = format!("{header}\n{section}\nMotie van het lid A; tekst.\t\tSOCW\tX.\n");
            let doc = nap(&text);
            assert_eq!(doc.rows.len(), 1, "{header:?} {section:?}");
            assert!(doc.anomalies.is_empty(), "{:?}", doc.anomalies);
            assert!(looks_like_annex(&text));
        }
    }
}

#[test]
fn status_from_label_or_slug_never_guessed() {
    let text = page(
        "Moties",
        &[
            "Motie van het lid A; een.\tin uitvoering met VERTRAGING\tSOCW\tX.",
            "Motie van het lid B; twee.\tvertraagd\tSOCW\tX.",
            "Motie van het lid C; drie.\t\tSOCW\tDaarmee is de motie uitgevoerd.",
            "Motie van het lid D; vier.\tIn uitvoering\tSOCW\tX.\tDoorlopend gedurende uitvoering programma",
            "Motie van het lid E; vijf.\tSOCW\tIn uitvoering\tX.",
            "Motie van het lid F; zes.\tVoldaan\tSOCW\tX.",
            "\tDeels voldaan\tSOCW\tX.",
            "Motie van het lid G; zeven.\tSOCW\tVerstuurd op 1 mei.\tVoldaan",
        ],
        &[],
    );
    let doc = nap(&text);
    let statuses: Vec<Option<&str>> = doc.rows.iter().map(|r| r.status.as_deref()).collect();
    assert_eq!(
        statuses,
        [
            Some("vertraagd"),
            Some("vertraagd"),
            None,
            None,
            Some("in-uitvoering"),
            None,
            None,
            None
        ]
    );
    assert!(has(
        &doc,
        6,
        "conflicting status cells 'In uitvoering' and 'Doorlopend"
    ));
    assert!(has(&doc, 8, "unknown legend label 'Voldaan'"));
    assert!(has(&doc, 9, "unknown legend label 'Deels voldaan'"));
    assert!(has(&doc, 9, "row without item text"));
    assert!(has(&doc, 10, "unknown legend label 'Voldaan'"));
    assert_eq!(doc.rows[6].text, "");
    assert_eq!(doc.rows[7].progress.as_deref(), Some("Verstuurd op 1 mei."));
    // A short text cell in the first column is item text, not a label.
    let doc = nap(&page(
        "Toezeggingen",
        &["Brief sturen\t\tMOCW\tVerstuurd."],
        &[],
    ));
    assert_eq!(doc.rows[0].text, "Brief sturen");
    assert!(doc.anomalies.is_empty());
}

#[test]
fn responsible_cell_is_found_by_content() {
    let text = page(
        "Moties",
        &[
            "Motie van het lid A; een.\tSOCW\tX.",
            "Motie van het lid A; twee.\t\t\t\t MOCW en SOCW \t\tX.",
            "Motie van het lid A; drie.\tSOCW, MJenV\tX.",
            "Motie van het lid A; vier.\t\tMoet\tX.",
            "Motie van het lid A; vijf.\t\tSOCW?\tX.",
            "Motie van het lid A; zes.\t\t\tGeen codes hier.",
            "Motie van het lid A; zeven.\tSOCW\tX.\tSVWS",
            "\tSVWS\t",
        ],
        &[],
    );
    let doc = nap(&text);
    let r: Vec<String> = doc.rows.iter().map(resp).collect();
    assert_eq!(
        r,
        [
            "SOCW",
            "MOCW en SOCW",
            "SOCW en MJenV",
            "",
            "",
            "",
            "SOCW",
            "SVWS"
        ]
    );
    assert!(has(&doc, 6, "cell not understood: 'Moet'"));
    assert!(has(&doc, 7, "cell not understood: 'SOCW?'"));
    assert!(has(&doc, 8, "row without responsible codes"));
    assert!(has(&doc, 9, "second responsible cell 'SVWS' ignored"));
    assert_eq!(doc.rows[5].text, "Motie van het lid A; zes.");
    assert_eq!(doc.rows[5].progress.as_deref(), Some("Geen codes hier."));
    assert_eq!(doc.rows[7].progress, None);
    assert!(
        doc.rows
            .iter()
            .take(7)
            .all(|r| r.progress.as_deref().is_some_and(|p| p.ends_with('.')))
    );
}

#[test]
fn submitters() {
    for (text, names) in [
        (
            "Motie van het lid van der Laan c.s.; De Kamer",
            vec!["van der Laan"],
        ),
        (
            "Motie van de leden Werner en Van der Laan; De Kamer",
            vec!["Werner", "Van der Laan"],
        ),
        (
            "Motie van de leden A, B en C c.s.: De Kamer",
            vec!["A", "B", "C"],
        ),
        (
            "Gewijzigde motie van het lid Jansen (VVD); De Kamer",
            vec!["Jansen"],
        ),
        (
            "motie van de leden De Vries (GL) en Yilmaz (D66); x",
            vec!["De Vries", "Yilmaz"],
        ),
    ] {
        assert_eq!(
            motion_submitters(text),
            Some(names.iter().map(ToString::to_string).collect()),
            "{text}"
        );
    }
    for text in [
        "De Tweede Kamer verzoekt",
        "Motie van het lid; x",
        "Motie Jansen; x",
        "Motie van het lid Jansen",
    ] {
        assert_eq!(motion_submitters(text), None, "{text}");
    }
    let doc = nap(&page(
        "Moties",
        &["De Tweede Kamer verzoekt iets.\t\tSOCW\tX."],
        &[],
    ));
    assert!(has(&doc, 3, "motion text names no submitters"));
    // Commitments have no submitters and need none.
    let doc = nap(&page(
        "Toezeggingen",
        &["Motie van het lid A; x.\t\tSOCW\tX."],
        &[],
    ));
    assert!(doc.rows[0].submitters.is_empty() && doc.anomalies.is_empty());
}

#[test]
fn superscript_markers() {
    let text = page(
        "Moties",
        &[
            "Motie van het lid A; tekst ¹ en meer.¹²\t\tSOCW\tEen ² twee.³<p>vier 100 m² en 3 km³.</p>",
        ],
        &[
            "¹ Kamerstukken II 2022/23, 34843, nr. 1.",
            "² Kamerstukken II 2022/23, 34843, nr. 2.",
            "³ Kamerstukken II 2022/23, 34843, nr. 3.",
            "¹² Kamerstukken II 2022/23, 34843, nr. 12.",
        ],
    );
    let doc = nap(&text);
    let r = &doc.rows[0];
    // Each marker stays where it stood, as its citation's number in the
    // text; powers stay powers.
    assert_eq!(r.text, "Motie van het lid A; tekst¹ en meer.²");
    assert_eq!(
        r.citations,
        [kst("2022/23", "34843", "1"), kst("2022/23", "34843", "12")]
    );
    assert_eq!(
        r.progress.as_deref(),
        Some("Een¹ twee.²\n\nvier 100 m² en 3 km³.")
    );
    assert_eq!(
        r.progress_citations,
        [kst("2022/23", "34843", "2"), kst("2022/23", "34843", "3")]
    );
    assert!(doc.anomalies.is_empty(), "{:?}", doc.anomalies);
    assert_eq!(doc.footnotes.get(&12).map(|f| f.0), Some(11));
}

#[test]
fn glued_digits_are_read_conservatively() {
    let first = page(
        "Moties",
        &[
            "Motie van het lid A; de Kamer informeren.4\t\tSOCW\tZie nr.4 en versie 2.4 en 2023.4 en c.s.4 en p.4 en informeren.44 blz.4",
            "Motie van het lid B; de Kamer informeren.5\t\tSOCW\tGemeld.4</p>",
        ],
        &["⁴ Kamerstukken II 2022/23, 34843, nr. 4."],
    );
    let second = page(
        "Moties",
        &["Motie van het lid C; nog eens informeren.4\t\tSOCW\tX."],
        &["⁵ Kamerstukken II 2022/23, 34843, nr. 5."],
    );
    let doc = nap(&format!("{first}{second}"));
    let r = &doc.rows;
    assert_eq!(r[0].text, "Motie van het lid A; de Kamer informeren.¹");
    assert_eq!(r[0].citations, [kst("2022/23", "34843", "4")]);
    assert_eq!(
        r[0].progress.as_deref(),
        Some("Zie nr.4 en versie 2.4 en 2023.4 en c.s.4 en p.4 en informeren.44 blz.4")
    );
    assert!(r[0].progress_citations.is_empty());
    // Footnote 5 is defined on the next page only: kept as text.
    assert_eq!(r[1].text, "Motie van het lid B; de Kamer informeren.5");
    assert_eq!(r[1].progress.as_deref(), Some("Gemeld.¹"));
    assert_eq!(r[1].progress_citations, [kst("2022/23", "34843", "4")]);
    // Footnote 4 is defined on the previous page only: kept as text.
    assert_eq!(r[2].text, "Motie van het lid C; nog eens informeren.4");
    assert!(r[2].citations.is_empty());
    assert!(has(&doc, 3, "read as footnote marker 4"));
    assert!(has(
        &doc,
        3,
        "digits '44' glued to 'informeren.' look like a footnote marker, but no footnote 44"
    ));
    assert!(has(
        &doc,
        4,
        "digits '5' glued to 'informeren.' look like a footnote marker"
    ));
    assert!(has(
        &doc,
        10,
        "digits '4' glued to 'informeren.' look like a footnote marker"
    ));
    assert!(has(&doc, 12, "footnote 5 is defined but no row cites it"));
    assert!(
        !doc.anomalies
            .iter()
            .any(|a| a.message.contains("'nr.'") || a.message.contains("'blz.'"))
    );
}

#[test]
fn footnote_definitions() {
    let text = page(
        "Moties",
        &[
            "Motie van het lid A; een.¹\t\tSOCW\tX.² ³ ⁹",
            "Motie van het lid A; twee. ⁴\t\tSOCW\tX.⁵ ⁶ ⁷",
        ],
        &[
            "¹ Kamerstukken II 2022/23, 34843, nr. 1.",
            "² Kamerstukken II 2022/23, 34843, nr. 2.",
            "¹ Kamerstukken II 2022/23, 34843, nr. 99.",
            "³ Handelingen II 2018/19, nr. 5, item 6",
            "4 Kamerstukken II 2022/23, 34843, nr. 4.",
            "⁵ Zie het verslag (blz. 3) en de brief (Kamerstukken II 2022/23, 34843, nr 5 p. 2).",
            "⁶",
            "⁷ Kamerstukken II 2022/23, 34843, nr. 7, met een lange toelichting die\nop de volgende regel doorloopt.",
            "¹²³⁴ Kamerstukken II 2022/23, 34843, nr. 8.",
        ],
    );
    let doc = nap(&text);
    let r = &doc.rows;
    assert_eq!(r[0].citations, [kst("2022/23", "34843", "1")]);
    assert_eq!(
        r[0].progress_citations,
        [
            kst("2022/23", "34843", "2"),
            "Handelingen II 2018/19, nr. 5, item 6".to_string()
        ]
    );
    assert_eq!(r[1].citations, [kst("2022/23", "34843", "4")]);
    assert_eq!(
        r[1].progress_citations,
        [
            "Kamerstukken II 2022/23, 34843, nr 5 p. 2".to_string(),
            "Kamerstukken II 2022/23, 34843, nr. 7, met een lange toelichting die op de volgende regel doorloopt".to_string()
        ]
    );
    assert_eq!(doc.footnotes.len(), 6);
    assert!(has(&doc, 3, "footnote marker 9 has no definition"));
    assert!(has(&doc, 4, "footnote marker 6 has no definition"));
    assert!(has(
        &doc,
        10,
        "footnote 1 is defined again (first on line 6)"
    ));
    assert!(has(
        &doc,
        16,
        "footnote 5 is a remark; citation 'Kamerstukken II 2022/23, 34843, nr 5 p. 2' taken from its parentheses"
    ));
    // The page reference is kept by the citation, not flagged as trailing
    // text (issue 16).
    assert!(!has(&doc, 16, "trailing text"));
    assert!(has(&doc, 18, "footnote 6 has no text"));
    assert!(has(
        &doc,
        20,
        "citation 'Kamerstukken II 2022/23, 34843, nr. 7, met"
    ));
    assert!(has(&doc, 21, "line read as a continuation of footnote 7"));
    assert!(has(&doc, 23, "footnote marker '¹²³⁴' not understood"));
}

#[test]
fn lines_that_are_not_understood() {
    let text = format!(
        "Inleiding\n\n{}Losse regel na een witregel.\n{}",
        page(
            "Moties",
            &[
                "Motie van het lid A; een.\t\tSOCW",
                "doorloop van een rij zonder stand van zaken",
                "Motie van het lid A; twee.\t\tSOCW\tEerste deel",
                "12",
                "tweede deel.",
            ],
            &[],
        ),
        "Motie van het lid A; drie.\t\tSOCW\tX.\n"
    );
    let doc = nap(&text);
    assert_eq!(doc.title.as_deref(), Some("Inleiding"));
    assert_eq!(doc.rows.len(), 3);
    assert_eq!(
        doc.rows[1].progress.as_deref(),
        Some("Eerste deel tweede deel.")
    );
    assert!(has(&doc, 6, "line not understood: 'doorloop van een rij"));
    assert!(has(
        &doc,
        9,
        "line read as a continuation of the last cell of the row on line 7"
    ));
    assert!(has(&doc, 11, "line not understood: 'Losse regel"));
    assert_eq!(doc.anomalies.len(), 3, "{:?}", doc.anomalies);

    let doc = nap("Motie van het lid A; een.\t\tSOCW\tX.\nStatus\tVerantwoordelijk\n");
    assert!(doc.rows.is_empty());
    assert!(has(
        &doc,
        1,
        "row outside a 'Moties' or 'Toezeggingen' section, skipped"
    ));

    let doc = nap("**Titel zonder einde\nnog titel\nStatus\tVerantwoordelijk\nMoties\n");
    assert_eq!(doc.title.as_deref(), Some("Titel zonder einde nog titel"));
    assert!(has(&doc, 1, "title block opened with '**' is not closed"));
}

#[test]
fn item_and_progress_spread_over_cells() {
    let doc = nap(&page(
        "Moties",
        &[
            "Motie van het lid A; een\ttwee.\tSOCW\tHet eerste deel van de tekst\tloopt hier door.",
            "\t\t\tAlleen voortgang.",
        ],
        &[],
    ));
    assert_eq!(doc.rows[0].text, "Motie van het lid A; een twee.");
    assert_eq!(
        doc.rows[0].progress.as_deref(),
        Some("Het eerste deel van de tekst loopt hier door.")
    );
    assert!(has(&doc, 3, "item text spread over 2 cells; joined"));
    assert!(has(&doc, 3, "stand van zaken spread over 2 cells; joined"));
    assert_eq!(doc.rows[1].text, "");
    assert_eq!(doc.rows[1].progress.as_deref(), Some("Alleen voortgang."));
}

#[test]
fn other_legends() {
    let legend = Legend {
        entries: vec![
            crate::domain::LegendEntry {
                slug: "openstaand".into(),
                nl: "Openstaand".into(),
                en: "Open".into(),
                colour: "#000000".into(),
            },
            crate::domain::LegendEntry {
                slug: "voldaan".into(),
                nl: "Voldaan".into(),
                en: "Fulfilled".into(),
                colour: "#000000".into(),
            },
        ],
    };
    let text = format!(
        "Openstaand\nVoldaan\n{}",
        page(
            "Toezeggingen",
            &[
                "De minister stuurt een brief.\tVoldaan\tMBZK\tVerstuurd.",
                "De minister belt.\tIn uitvoering\tMBZK\tX."
            ],
            &[]
        )
    );
    let doc = parse(&text, &legend);
    assert_eq!(doc.rows[0].status.as_deref(), Some("voldaan"));
    assert_eq!(doc.rows[1].status, None);
    assert!(has(&doc, 6, "unknown legend label 'In uitvoering'"));
}

// -- robustness ----------------------------------------------------------------

/// Deterministic pseudo-random numbers (xorshift).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % u64::try_from(n.max(1)).unwrap()).unwrap()
    }
}

fn check(text: &str) {
    let doc = nap(text);
    if let Err(e) = doc.invariants(text, &Legend::nap()) {
        panic!("{e}");
    }
    let _ = looks_like_annex(text);
}

#[test]
fn truncated_and_mutated_fixtures_never_panic() {
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    for fixture in [FIXTURE_2024, FIXTURE_2025] {
        // Every prefix and suffix at a line boundary, and at many char boundaries.
        let bounds: Vec<usize> = fixture.char_indices().map(|(i, _)| i).collect();
        for (k, &at) in bounds.iter().enumerate() {
            if k % 23 == 0 || fixture.as_bytes().get(at) == Some(&b'\n') {
                check(&fixture[..at]);
                check(&fixture[at..]);
            }
        }
        let lines: Vec<&str> = fixture.lines().collect();
        for skip in 0..lines.len() {
            let mut v = lines.clone();
            v.remove(skip);
            check(&v.join("\n"));
        }
        for _ in 0..150 {
            let mut v = lines.clone();
            let a = rng.below(v.len());
            let b = rng.below(v.len());
            v.swap(a, b);
            let c = rng.below(v.len());
            let dup = v[rng.below(v.len())];
            v.insert(c, dup);
            check(&v.join("\n"));
        }
        let bytes = fixture.as_bytes();
        for _ in 0..600 {
            let mut m = bytes.to_vec();
            for _ in 0..1 + rng.below(6) {
                let at = rng.below(m.len());
                match rng.below(4) {
                    0 => {
                        m[at] = [b'\t', b'\n', b' ', b'.', b'4', b'<', b'*', 0xC2, 0xB9, 0xFF]
                            [rng.below(10)]
                    }
                    1 => {
                        m.remove(at);
                    }
                    2 => m.insert(at, b'\t'),
                    _ => {
                        for (k, b) in "¹⁵".bytes().enumerate() {
                            m.insert(at + k, b);
                        }
                    }
                }
            }
            check(&String::from_utf8_lossy(&m));
        }
    }
}

#[test]
fn random_strings_never_panic() {
    let pieces = [
        "\t",
        "\n",
        "\r\n",
        " ",
        "Moties",
        "Toezeggingen",
        "Status",
        "Verantwoordelijk",
        "Stand van zaken",
        "In uitvoering",
        "Wordt invulling",
        "gegeven aan",
        "Afgerond",
        "SOCW",
        "MOCW en SOCW",
        "Moet",
        "Motie van het lid",
        "Motie van de leden",
        " en ",
        "c.s.",
        ";",
        "(",
        ")",
        "¹",
        "²",
        "¹⁵",
        "⁰",
        "informeren.",
        "4",
        "12",
        ".",
        "<p>",
        "</p>",
        "<p",
        ">",
        "**",
        "- ",
        "Kamerstukken II 2022/23, 34843, nr. 79.",
        "202/25",
        "m",
        "é",
        "e\u{301}",
        "\u{feff}",
        "\u{a0}",
        "🎉",
        "Pagina 3 van 12",
    ];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..4000 {
        let mut s = String::new();
        for _ in 0..rng.below(60) {
            s.push_str(pieces[rng.below(pieces.len())]);
        }
        check(&s);
    }
    for _ in 0..1000 {
        let s: String = (0..rng.below(200))
            .filter_map(|_| char::from_u32(u32::try_from(rng.next() % 0x11_0000).unwrap()))
            .collect();
        check(&s);
    }
    check(&"\t".repeat(10_000));
    check(&"¹".repeat(10_000));
    check(&"**\n".repeat(1_000));
    check(&"Moties\nx\tSOCW\t".repeat(1_000));
}

proptest::proptest! {
    #[test]
    fn arbitrary_text_never_panics(s in "(?s).{0,400}") {
        check(&s);
    }

    #[test]
    fn arbitrary_lines_after_a_header_never_panic(lines in proptest::collection::vec("[^\n]{0,80}", 0..20)) {
        let text = format!("Status\tVerantwoordelijk\tStand van zaken\nMoties\n{}", lines.join("\n"));
        check(&text);
    }
}

/// Found by fuzzing (tests/fuzz, target `annex`): every cell is tried as
/// a legend label, and a failed try computed "did you mean" edit
/// distances against every label, in time proportional to the cell's
/// length times the label's. Long cells made parsing crawl (seconds per
/// row of 64 KB texts); now only candidates whose length could be close
/// are compared, and a long annex reads in linear time.
#[test]
fn long_cells_do_not_make_parsing_crawl() {
    let long = "De Tweede Kamer verzoekt de regering iets lang uit te zoeken. ".repeat(1_000);
    let mut text = String::from("\tStatus\tVerantwoordelijk\tStand van zaken\nMoties\n");
    for _ in 0..20 {
        text.push_str(&format!(
            "Motie van het lid Jansen; {long}\tIn uitvoering\tSOCW\t{long}\n"
        ));
    }
    // No wall-clock assertion (house rule): the quadratic version took
    // minutes here, which the test harness's own patience shows.
    let doc = nap(&text);
    assert_eq!(doc.rows.len(), 20);
    assert_eq!(
        doc.rows[0].text.len(),
        "Motie van het lid Jansen; ".len() + long.trim_end().len()
    );
}

//! Property tests of the parsers that read what others wrote: the annex
//! parser, the citation parser, the CSV and events importers and event
//! decoding, and the readers of the other sources (pdftotext text,
//! registers, budget annexes, Word tables, Excel sheets, responsible
//! parties in words). Each gets arbitrary input (strings, bytes) and
//! near-valid input (the fixtures mutated, CSV with random cells, random
//! tables and sheets, events files and canonical bytes with flipped
//! bytes), and must never panic and keep its documented invariants. The coverage-guided fuzz targets for the same
//! parsers live in `tests/fuzz` (docs/reliability.md, "Fuzzing").

use kamerstand::domain::{
    Day, EventBody, EventHash, EventId, ItemKey, ItemKind, KamerstukRef, Legend, LegendEntry,
    Replacement, Responsible, Timestamp,
};
use kamerstand::formats::csv::CSV_COLUMNS;
use kamerstand::formats::{annex, csv as csv_import, events};
use kamerstand::ledger::{Envelope, FORMAT_VERSION, Recorded, codec};
use kamerstand::projection::State;
use proptest::prelude::*;
use proptest::sample::{Index, select, subsequence};

const FIXTURE_2024: &str = include_str!("../src/cli/assets/annex-2024.txt");
const FIXTURE_2025: &str = include_str!("../src/cli/assets/annex-2025.txt");

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Any text, newlines included, weighted towards the characters the parsers
/// look at (tabs, digits, punctuation, superscripts, odd white space).
fn text(max: usize) -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::string::string_regex(&format!("(?s).{{0,{max}}}")).expect("regex"),
        proptest::collection::vec(
            prop_oneof![
                select(vec![
                    "\t",
                    "\n",
                    "\r\n",
                    " ",
                    ",",
                    ";",
                    ".",
                    "/",
                    "-",
                    "**",
                    "<p>",
                    "¹",
                    "²",
                    "¹⁵",
                    "\u{a0}",
                    "\u{200b}",
                    "\u{feff}",
                    "\"",
                    "nr.",
                    "Motie",
                    "Moties",
                    "Toezeggingen",
                    "Status",
                    "Verantwoordelijk",
                    "SOCW",
                    "en",
                    "II",
                    "2022/23",
                    "34843",
                    "Kamerstukken",
                    "Handelingen",
                    "{",
                    "}",
                    ":",
                    "é",
                    "e\u{301}",
                ])
                .prop_map(str::to_string),
                "[a-zA-Z0-9]{1,6}",
            ],
            0..max / 3 + 1,
        )
        .prop_map(|parts| parts.concat()),
    ]
}

/// Splits `s` at a char boundary at or before the byte `at` (taken modulo
/// the length).
fn boundary(s: &str, at: usize) -> usize {
    let mut i = at % (s.len() + 1);
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

// ---------------------------------------------------------------------------
// Citations
// ---------------------------------------------------------------------------

/// What `KamerstukRef::parse` documents: the trimmed input kept verbatim, a
/// flag whenever nothing could be parsed, stable on its own raw text, and a
/// key hint made only of key-safe characters.
fn check_citation(input: &str) -> KamerstukRef {
    let r = KamerstukRef::parse(input);
    assert_eq!(r.raw, input.trim(), "raw text is the trimmed input");
    assert_eq!(r.to_string(), r.raw);
    assert_eq!(
        KamerstukRef::parse(&r.raw),
        r,
        "parsing raw again gives the same"
    );
    if r.parsed.is_none() {
        assert!(!r.flags.is_empty(), "an unparsed citation says why");
    }
    assert_eq!(r.is_clean(), r.parsed.is_some() && r.flags.is_empty());
    if let Some(key) = r.key_hint() {
        assert!(!key.is_empty());
        assert!(
            key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'),
            "{key}"
        );
        assert!(
            !key.starts_with('-') && !key.ends_with('-') && !key.contains("--"),
            "{key}"
        );
    }
    r
}

/// A citation in the usual footnote style, with the variation people type.
fn near_citation() -> impl Strategy<Value = String> {
    (
        select(vec![
            "Kamerstukken",
            "kamerstukken",
            "Kamerstuk",
            "Kamerstukken  ",
            "Handelingen",
            "Kst.",
            "",
        ]),
        select(vec![" II ", " I ", " ", " III ", "II", " 2 "]),
        1700u16..2300,
        select(vec!["/", " / ", "-", "/20"]),
        0u16..200,
        select(vec![", ", ",", " ", ";  "]),
        1u32..1_000_000,
        select(vec!["", "-VIII", "-30", " IV", " A", "- x", "-"]),
        select(vec![
            ", nr. ", ",nr.", " nr ", ", nrs. ", ", item ", ", ", " nr. ",
        ]),
        "[0-9A-Z]{1,4}( en [0-9]{1,3})?",
        select(vec!["", ".", " .", "  ", "\u{a0}", ", item 6"]),
    )
        .prop_map(
            |(src, chamber, year, sep, end, comma, dossier, suffix, nr, number, tail)| {
                format!(
                    "{src}{chamber}{year}{sep}{end:02}{comma}{dossier}{suffix}{nr}{number}{tail}"
                )
            },
        )
}

/// A character-level edit of a string: delete, insert or duplicate a piece.
#[derive(Debug, Clone)]
enum Edit {
    Delete(usize, usize),
    Insert(usize, String),
    Duplicate(usize, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), 1usize..4).prop_map(|(at, n)| Edit::Delete(at, n)),
        (any::<usize>(), text(6)).prop_map(|(at, s)| Edit::Insert(at, s)),
        (any::<usize>(), 1usize..8).prop_map(|(at, n)| Edit::Duplicate(at, n)),
    ]
}

fn apply_edit(s: &str, e: &Edit) -> String {
    match e {
        Edit::Delete(at, n) => {
            let a = boundary(s, *at);
            let b = boundary(s, a + n);
            let b = b.max(a);
            format!("{}{}", &s[..a], &s[b..])
        }
        Edit::Insert(at, piece) => {
            let a = boundary(s, *at);
            format!("{}{piece}{}", &s[..a], &s[a..])
        }
        Edit::Duplicate(at, n) => {
            let a = boundary(s, *at);
            let b = boundary(s, a + n).max(a);
            format!("{}{}", &s[..b], &s[a..])
        }
    }
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn citation_arbitrary_text(s in text(120)) {
        check_citation(&s);
    }

    #[test]
    fn citation_arbitrary_string(s in any::<String>()) {
        check_citation(&s);
    }

    #[test]
    fn citation_padded_text_keeps_the_trimmed_raw(
        s in near_citation(),
        pad in select(vec!["", " ", "\t", "\n", "\u{a0}", "  \r\n"]),
    ) {
        let r = check_citation(&format!("{pad}{s}{pad}"));
        prop_assert_eq!(r.raw, s.trim());
    }

    #[test]
    fn citation_near_valid_and_mutated(s in near_citation(), edits in proptest::collection::vec(edit(), 0..4)) {
        let mutated = edits.iter().fold(s, |acc, e| apply_edit(&acc, e));
        check_citation(&mutated);
    }

    /// The canonical footnote form is always understood, whatever the numbers.
    #[test]
    fn citation_canonical_form_is_parsed(
        chamber in select(vec!["I", "II"]),
        year in 1800u16..2199,
        dossier in 10_000u32..100_000,
        number in 1u32..1000,
    ) {
        let end = (year + 1) % 100;
        let s = format!("Kamerstukken {chamber} {year}/{end:02}, {dossier}, nr. {number}");
        let r = check_citation(&s);
        let parsed = r.parsed.as_ref().expect("canonical citation parses");
        prop_assert_eq!(parsed.session.map(|y| y.start), Some(year));
        prop_assert_eq!(parsed.dossiers.len(), 1);
        prop_assert_eq!(parsed.dossiers[0].number, dossier);
        let written = number.to_string();
        prop_assert_eq!(parsed.number.as_deref(), Some(written.as_str()));
        prop_assert_eq!(r.key_hint(), Some(format!("{dossier}-{number}")));
    }
}

// ---------------------------------------------------------------------------
// The annex
// ---------------------------------------------------------------------------

/// What `annex::parse` documents: never panics, anomalies sorted by line,
/// every line number in range, texts trimmed, statuses from the legend.
fn check_annex(input: &str) -> annex::AnnexDoc {
    let legend = Legend::nap();
    let doc = annex::parse(input, &legend);
    if let Err(e) = doc.invariants(input, &legend) {
        panic!("{e}");
    }
    let _ = annex::looks_like_annex(input);
    doc
}

/// A line-level edit of an annex.
#[derive(Debug, Clone)]
enum LineEdit {
    Delete(Index),
    Duplicate(Index),
    Swap(Index, Index),
    Split(Index, usize),
    Join(Index),
    TabsToSpaces(Index),
    Text(Index, Edit),
    Insert(Index, String),
}

fn line_edit() -> impl Strategy<Value = LineEdit> {
    prop_oneof![
        any::<Index>().prop_map(LineEdit::Delete),
        any::<Index>().prop_map(LineEdit::Duplicate),
        (any::<Index>(), any::<Index>()).prop_map(|(a, b)| LineEdit::Swap(a, b)),
        (any::<Index>(), any::<usize>()).prop_map(|(a, at)| LineEdit::Split(a, at)),
        any::<Index>().prop_map(LineEdit::Join),
        any::<Index>().prop_map(LineEdit::TabsToSpaces),
        (any::<Index>(), edit()).prop_map(|(a, e)| LineEdit::Text(a, e)),
        (any::<Index>(), text(60)).prop_map(|(a, s)| LineEdit::Insert(a, s)),
    ]
}

fn apply_line_edit(lines: &mut Vec<String>, e: &LineEdit) {
    if lines.is_empty() {
        lines.push(String::new());
    }
    let n = lines.len();
    match e {
        LineEdit::Delete(i) => {
            lines.remove(i.index(n));
        }
        LineEdit::Duplicate(i) => {
            let l = lines[i.index(n)].clone();
            lines.insert(i.index(n), l);
        }
        LineEdit::Swap(a, b) => lines.swap(a.index(n), b.index(n)),
        LineEdit::Split(i, at) => {
            let l = &lines[i.index(n)];
            let cut = boundary(l, *at);
            let (head, tail) = (l[..cut].to_string(), l[cut..].to_string());
            lines[i.index(n)] = head;
            lines.insert(i.index(n) + 1, tail);
        }
        LineEdit::Join(i) => {
            let i = i.index(n);
            if i + 1 < n {
                let next = lines.remove(i + 1);
                lines[i].push_str(&next);
            }
        }
        LineEdit::TabsToSpaces(i) => {
            let i = i.index(n);
            lines[i] = lines[i].replace('\t', "    ");
        }
        LineEdit::Text(i, edit) => {
            let i = i.index(n);
            lines[i] = apply_edit(&lines[i], edit);
        }
        LineEdit::Insert(i, s) => lines.insert(i.index(n), s.clone()),
    }
}

#[test]
fn annex_fixtures_parse_cleanly_enough() {
    for fixture in [FIXTURE_2024, FIXTURE_2025] {
        let doc = check_annex(fixture);
        assert!(!doc.rows.is_empty());
        assert!(doc.title.is_some());
    }
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn annex_arbitrary_text(s in text(600)) {
        check_annex(&s);
    }

    #[test]
    fn annex_arbitrary_bytes(b in proptest::collection::vec(any::<u8>(), 0..800)) {
        check_annex(&String::from_utf8_lossy(&b));
    }

    #[test]
    fn annex_mutated_fixture(
        second in any::<bool>(),
        edits in proptest::collection::vec(line_edit(), 1..10),
    ) {
        let fixture = if second { FIXTURE_2025 } else { FIXTURE_2024 };
        let mut lines: Vec<String> = fixture.lines().map(str::to_string).collect();
        for e in &edits {
            apply_line_edit(&mut lines, e);
        }
        check_annex(&lines.join("\n"));
    }

    #[test]
    fn annex_fixture_with_flipped_bytes(
        second in any::<bool>(),
        flips in proptest::collection::vec((any::<Index>(), 1u8..=255), 1..6),
    ) {
        let fixture = if second { FIXTURE_2025 } else { FIXTURE_2024 };
        let mut bytes = fixture.as_bytes().to_vec();
        for (at, mask) in &flips {
            let i = at.index(bytes.len());
            bytes[i] ^= mask;
        }
        check_annex(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn annex_fixture_cut_anywhere(second in any::<bool>(), a in any::<usize>(), b in any::<usize>()) {
        let fixture = if second { FIXTURE_2025 } else { FIXTURE_2024 };
        let (a, b) = (boundary(fixture, a), boundary(fixture, b));
        check_annex(&fixture[a.min(b)..a.max(b)]);
    }
}

// ---------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------

/// What `csv::read` documents for what it accepts: rows in file order, their
/// short fields trimmed and non-empty, statuses from the legend.
fn check_csv(input: &str) -> Option<Vec<kamerstand::formats::ImportRow>> {
    let legend = Legend::nap();
    let _ = csv_import::looks_like_csv(input);
    let (rows, _) = csv_import::read(input, &legend).ok()?;
    assert!(rows.windows(2).all(|w| w[0].line < w[1].line));
    for row in &rows {
        assert!(row.line >= 1);
        if let Some(s) = &row.status {
            assert!(legend.get(s).is_some(), "{s}");
        }
        assert_eq!(row.text, row.text.trim());
        for c in row
            .citations
            .iter()
            .chain(&row.progress_citations)
            .chain(&row.submitters)
        {
            assert!(!c.is_empty());
            assert_eq!(c, c.trim());
        }
    }
    Some(rows)
}

/// A valid value for a CSV column.
fn valid_cell(column: &'static str) -> BoxedStrategy<String> {
    let short = "[A-Za-z0-9][A-Za-z0-9 ,./]{0,30}";
    let list = move || {
        proptest::collection::vec(short, 0..3)
            .prop_map(|v| v.join("\n"))
            .boxed()
    };
    let day = || {
        (1900u16..=2999, 1u8..=12, 1u8..=28)
            .prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}"))
            .boxed()
    };
    match column {
        "kind" => select(vec!["motie", "Toezegging", "MOTIES", " commitment "])
            .prop_map(str::to_string)
            .boxed(),
        "key" => prop_oneof![Just(String::new()), "[A-Za-z0-9][A-Za-z0-9._-]{0,20}"].boxed(),
        "text" => prop_oneof![Just(String::new()), "[A-Za-zé][A-Za-zé0-9 ,.;\t\n]{0,80}",].boxed(),
        "status" => {
            let mut values: Vec<String> = vec![String::new()];
            for e in Legend::nap().entries {
                values.push(e.nl.to_uppercase());
                values.push(e.nl);
                values.push(e.slug);
            }
            select(values).boxed()
        }
        "responsible" => prop_oneof![
            Just(String::new()),
            Just("-".to_string()),
            subsequence(vec!["SOCW", "mocw", "MJenV", "SBZK", "Mklim"], 1..=3)
                .prop_map(|v| v.join(" en ")),
        ]
        .boxed(),
        "progress" => prop_oneof![Just(String::new()), "[A-Za-z][A-Za-z0-9 ,.\n]{0,80}"].boxed(),
        "submitters" | "citations" | "progress_citations" => list(),
        _ => prop_oneof![Just(String::new()), day()].boxed(),
    }
}

/// A header of some of the columns (kind and text always among them) in
/// some order, and records whose cells are valid.
fn valid_table() -> impl Strategy<Value = (Vec<&'static str>, Vec<Vec<String>>)> {
    subsequence(CSV_COLUMNS.to_vec(), 0..=CSV_COLUMNS.len())
        .prop_flat_map(|mut cols| {
            for required in ["kind", "text"] {
                if !cols.contains(&required) {
                    cols.push(required);
                }
            }
            Just(cols).prop_shuffle()
        })
        .prop_flat_map(|cols| {
            let row: Vec<BoxedStrategy<String>> = cols.iter().map(|c| valid_cell(c)).collect();
            (Just(cols), proptest::collection::vec(row, 0..6))
        })
}

fn write_csv(header: &[&str], records: &[Vec<String>]) -> String {
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    w.write_record(header).unwrap();
    for r in records {
        w.write_record(r).unwrap();
    }
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn csv_arbitrary_text(s in text(400)) {
        check_csv(&s);
    }

    #[test]
    fn csv_arbitrary_text_after_a_header(s in text(400)) {
        check_csv(&format!("{}\n{s}", CSV_COLUMNS.join(",")));
    }

    /// Valid cells in any order of any columns are read, one row a record.
    #[test]
    fn csv_valid_cells_are_read((header, records) in valid_table()) {
        let input = write_csv(&header, &records);
        let rows = check_csv(&input);
        prop_assert!(rows.is_some(), "refused:\n{}", input);
        prop_assert_eq!(rows.map(|r| r.len()), Some(records.len()));
    }

    /// Random cells in a valid header: no panic, and what is read is well formed.
    #[test]
    fn csv_random_cells(
        (header, mut records) in valid_table(),
        junk in proptest::collection::vec((any::<Index>(), any::<Index>(), text(40)), 1..6),
    ) {
        for (r, c, s) in junk {
            if records.is_empty() {
                break;
            }
            let r = r.index(records.len());
            let c = c.index(records[r].len());
            records[r][c] = s;
        }
        check_csv(&write_csv(&header, &records));
    }

    /// A record with a cell too many or too few is refused, not guessed at.
    #[test]
    fn csv_missing_or_extra_cells_are_refused(
        (header, mut records) in valid_table(),
        at in any::<Index>(),
        extra in any::<bool>(),
    ) {
        prop_assume!(!records.is_empty());
        let r = at.index(records.len());
        if extra {
            records[r].push("x".into());
        } else {
            records[r].pop();
        }
        prop_assert!(check_csv(&write_csv(&header, &records)).is_none());
    }

    #[test]
    fn csv_with_flipped_bytes(
        (header, records) in valid_table(),
        flips in proptest::collection::vec((any::<Index>(), 1u8..=255), 1..4),
    ) {
        let mut bytes = write_csv(&header, &records).into_bytes();
        for (at, mask) in &flips {
            let i = at.index(bytes.len());
            bytes[i] ^= mask;
        }
        check_csv(&String::from_utf8_lossy(&bytes));
    }
}

// ---------------------------------------------------------------------------
// Envelopes: generated values and their canonical bytes
// ---------------------------------------------------------------------------

fn day() -> impl Strategy<Value = Day> {
    (1900u16..=2999, 1u8..=12, 1u8..=31).prop_map(|(y, m, d)| {
        Day::from_parts(y, m, d).unwrap_or_else(|| Day::from_parts(y, m, 28).unwrap())
    })
}

fn responsible() -> impl Strategy<Value = Responsible> {
    subsequence(
        vec!["SOCW", "MOCW", "MJenV", "SBZK", "MKLIM", "SFIN"],
        0..=4,
    )
    .prop_map(|v| {
        if v.is_empty() {
            Responsible::none()
        } else {
            Responsible::parse(&v.join(" en ")).unwrap()
        }
    })
}

fn key() -> impl Strategy<Value = ItemKey> {
    "[A-Za-z0-9][A-Za-z0-9._-]{0,31}".prop_map(|k| ItemKey::parse(&k).unwrap())
}

fn id() -> impl Strategy<Value = EventId> {
    any::<[u8; 16]>().prop_map(EventId)
}

fn hash() -> impl Strategy<Value = EventHash> {
    any::<[u8; 32]>().prop_map(EventHash)
}

fn strings() -> impl Strategy<Value = Vec<String>> {
    proptest::collection::vec(any::<String>(), 0..3)
}

fn legend() -> impl Strategy<Value = Legend> {
    proptest::collection::vec(
        (
            any::<String>(),
            any::<String>(),
            any::<String>(),
            any::<String>(),
        )
            .prop_map(|(slug, nl, en, colour)| LegendEntry {
                slug,
                nl,
                en,
                colour,
            }),
        0..4,
    )
    .prop_map(|entries| Legend { entries })
}

fn kind() -> impl Strategy<Value = ItemKind> {
    prop_oneof![Just(ItemKind::Motie), Just(ItemKind::Toezegging)]
}

fn body() -> impl Strategy<Value = EventBody> {
    prop_oneof![
        (any::<String>(), any::<String>(), legend()).prop_map(|(programme, title, legend)| {
            EventBody::LedgerCreated {
                programme,
                title,
                legend,
            }
        }),
        (
            kind(),
            key(),
            any::<String>(),
            strings(),
            strings(),
            responsible(),
            any::<String>(),
            day()
        )
            .prop_map(
                |(kind, key, text, submitters, citations, responsible, status, effective)| {
                    EventBody::ItemRegistered {
                        kind,
                        key,
                        text,
                        submitters,
                        citations,
                        responsible,
                        status,
                        effective,
                    }
                }
            ),
        (id(), any::<String>(), any::<Option<String>>(), day()).prop_map(
            |(item, status, reason, effective)| EventBody::StatusChanged {
                item,
                status,
                reason,
                effective,
            }
        ),
        (id(), responsible(), any::<Option<String>>(), day()).prop_map(
            |(item, responsible, reason, effective)| EventBody::ResponsibilityChanged {
                item,
                responsible,
                reason,
                effective,
            }
        ),
        (id(), any::<String>(), strings(), day()).prop_map(|(item, text, citations, effective)| {
            EventBody::ProgressNoted {
                item,
                text,
                citations,
                effective,
            }
        }),
        (
            id(),
            any::<Option<String>>(),
            proptest::option::of(strings()),
            proptest::option::of(strings()),
            any::<Option<String>>()
        )
            .prop_map(|(item, text, citations, submitters, reason)| {
                EventBody::ItemAmended {
                    item,
                    text,
                    citations,
                    submitters,
                    reason,
                }
            }),
        (
            any::<String>(),
            any::<String>(),
            day(),
            any::<u64>(),
            hash()
        )
            .prop_map(|(name, title, reported_on, head_seq, head_hash)| {
                EventBody::RoundSealed {
                    name,
                    title,
                    reported_on,
                    head_seq,
                    head_hash,
                }
            }),
        (
            any::<u64>(),
            id(),
            id(),
            any::<String>(),
            (
                any::<Option<String>>(),
                proptest::option::of(responsible()),
                any::<Option<String>>(),
                proptest::option::of(day()),
                any::<bool>()
            )
        )
            .prop_map(
                |(
                    target_seq,
                    target_id,
                    item,
                    reason,
                    (status, responsible, note, effective, retract),
                )| {
                    EventBody::Corrected {
                        target_seq,
                        target_id,
                        item,
                        reason,
                        replacement: Replacement {
                            status,
                            responsible,
                            note,
                            effective,
                            retract,
                        },
                    }
                }
            ),
    ]
}

fn envelope() -> impl Strategy<Value = Envelope> {
    (
        any::<u64>(),
        id(),
        any::<i64>(),
        any::<String>(),
        hash(),
        body(),
    )
        .prop_map(|(seq, id, at, actor, prev, body)| Envelope {
            format: FORMAT_VERSION,
            seq,
            id,
            recorded_at: Timestamp::from_unix_nanos(at),
            actor,
            prev,
            body,
        })
}

/// What `codec::decode` documents: never panics, refuses oversize and
/// non-canonical records, so whatever it accepts re-encodes to its bytes.
fn check_decode(bytes: &[u8]) {
    if let Ok(env) = codec::decode(bytes) {
        assert_eq!(codec::encode(&env).as_deref(), Ok(bytes));
    }
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn decode_arbitrary_bytes(b in proptest::collection::vec(any::<u8>(), 0..600)) {
        check_decode(&b);
    }

    #[test]
    fn decode_arbitrary_bytes_after_the_version(b in proptest::collection::vec(any::<u8>(), 0..600)) {
        let mut bytes = FORMAT_VERSION.to_le_bytes().to_vec();
        bytes.extend(b);
        check_decode(&bytes);
    }

    #[test]
    fn decode_of_encode_is_identity(env in envelope()) {
        let bytes = codec::encode(&env).unwrap();
        prop_assert_eq!(codec::decode(&bytes), Ok(env));
    }

    #[test]
    fn decode_of_damaged_encoding(
        env in envelope(),
        flips in proptest::collection::vec((any::<Index>(), 1u8..=255), 0..4),
        cut in any::<Index>(),
        tail in proptest::collection::vec(any::<u8>(), 0..4),
        how in 0u8..3,
    ) {
        let mut bytes = codec::encode(&env).unwrap();
        for (at, mask) in &flips {
            let i = at.index(bytes.len());
            bytes[i] ^= mask;
        }
        match how {
            0 => bytes.truncate(cut.index(bytes.len() + 1)),
            1 => bytes.extend(tail),
            _ => {}
        }
        check_decode(&bytes);
    }
}

// ---------------------------------------------------------------------------
// Events files
// ---------------------------------------------------------------------------

/// One generated event of a chain, picked against what the chain already
/// holds so that the chain verifies.
#[derive(Debug, Clone)]
enum Step {
    Register(ItemKind, String, Responsible, Day),
    Status(Index, Option<String>, Day),
    Assign(Index, Responsible, Day),
    Note(Index, String, Vec<String>, Day),
    Amend(Index, Option<String>, Option<Vec<String>>),
    Seal(String, Day),
    Correct(Index, String, Option<Day>, bool),
}

fn step() -> impl Strategy<Value = Step> {
    let words = || "[A-Za-z][A-Za-z0-9 ,.é\"\\\\]{0,30}";
    prop_oneof![
        3 => (kind(), words(), responsible(), day())
            .prop_map(|(k, t, r, d)| Step::Register(k, t, r, d)),
        2 => (any::<Index>(), proptest::option::of(words()), day())
            .prop_map(|(i, r, d)| Step::Status(i, r, d)),
        1 => (any::<Index>(), responsible(), day()).prop_map(|(i, r, d)| Step::Assign(i, r, d)),
        2 => (any::<Index>(), words(), proptest::collection::vec(words(), 0..2), day())
            .prop_map(|(i, t, c, d)| Step::Note(i, t, c, d)),
        1 => (any::<Index>(), proptest::option::of(words()), proptest::option::of(proptest::collection::vec(words(), 0..2)))
            .prop_map(|(i, t, c)| Step::Amend(i, t, c)),
        1 => ("[a-z0-9][a-z0-9-]{0,11}", day()).prop_map(|(n, d)| Step::Seal(n, d)),
        1 => (any::<Index>(), words(), proptest::option::of(day()), any::<bool>())
            .prop_map(|(i, r, d, x)| Step::Correct(i, r, d, x)),
    ]
}

/// Appends `body` to the chain as the ledger would (seq, id, recorded time
/// a minute apart, prev); returns the new event's id.
fn push(recorded: &mut Vec<Recorded>, body: EventBody) -> EventId {
    let seq = recorded.len() as u64;
    let prev = recorded.last().map_or(EventHash::GENESIS, |r| r.hash);
    let mut raw_id = [0u8; 16];
    raw_id[..8].copy_from_slice(&seq.to_be_bytes());
    raw_id[8] = 0x70;
    let envelope = Envelope {
        format: FORMAT_VERSION,
        seq,
        id: EventId(raw_id),
        recorded_at: Timestamp::from_unix_nanos(
            1_736_150_400_000_000_000 + i64::try_from(seq).unwrap() * 60_000_000_000,
        ),
        actor: "clerk".into(),
        prev,
        body,
    };
    let hash = codec::hash(&codec::encode(&envelope).unwrap());
    recorded.push(Recorded { envelope, hash });
    EventId(raw_id)
}

/// Builds the chain the steps describe (seq 0 creates the ledger) and its
/// events export, written the way `export --format events` writes it.
fn chain(steps: &[Step]) -> (Vec<Vec<u8>>, String) {
    let legend = Legend::nap();
    let mut recorded: Vec<Recorded> = Vec::new();
    push(
        &mut recorded,
        EventBody::LedgerCreated {
            programme: "NAP".into(),
            title: "Stand van zaken".into(),
            legend: legend.clone(),
        },
    );
    let mut items: Vec<EventId> = Vec::new();
    // (seq, id, item) of every event about an item.
    let mut about: Vec<(u64, EventId, EventId)> = Vec::new();
    let mut seals = std::collections::BTreeSet::new();
    let status = |i: usize| legend.entries[i % legend.entries.len()].slug.clone();
    for (n, s) in steps.iter().enumerate() {
        let body = match s {
            Step::Register(kind, text, responsible, effective) => EventBody::ItemRegistered {
                kind: *kind,
                key: ItemKey::parse(&format!("K{n}")).unwrap(),
                text: text.clone(),
                submitters: vec![],
                citations: vec![],
                responsible: responsible.clone(),
                status: status(n),
                effective: *effective,
            },
            Step::Seal(name, reported_on) => {
                if !seals.insert(name.clone()) {
                    continue;
                }
                let head = recorded.last().unwrap();
                EventBody::RoundSealed {
                    name: name.clone(),
                    title: format!("round {name}"),
                    reported_on: *reported_on,
                    head_seq: head.envelope.seq,
                    head_hash: head.hash,
                }
            }
            _ if items.is_empty() => continue,
            Step::Status(i, reason, effective) => EventBody::StatusChanged {
                item: items[i.index(items.len())],
                status: status(n),
                reason: reason.clone(),
                effective: *effective,
            },
            Step::Assign(i, responsible, effective) => {
                if responsible.is_empty() {
                    continue;
                }
                EventBody::ResponsibilityChanged {
                    item: items[i.index(items.len())],
                    responsible: responsible.clone(),
                    reason: None,
                    effective: *effective,
                }
            }
            Step::Note(i, text, citations, effective) => EventBody::ProgressNoted {
                item: items[i.index(items.len())],
                text: text.clone(),
                citations: citations.clone(),
                effective: *effective,
            },
            Step::Amend(i, text, citations) => EventBody::ItemAmended {
                item: items[i.index(items.len())],
                text: text.clone(),
                citations: citations.clone(),
                submitters: None,
                reason: Some("typo".into()),
            },
            Step::Correct(i, reason, effective, retract) => {
                let (target_seq, target_id, item) = about[i.index(about.len())];
                EventBody::Corrected {
                    target_seq,
                    target_id,
                    item,
                    reason: reason.clone(),
                    replacement: Replacement {
                        effective: *effective,
                        retract: *retract,
                        ..Replacement::default()
                    },
                }
            }
        };
        let registers = matches!(body, EventBody::ItemRegistered { .. });
        let item = body.item(EventId([0; 16]));
        let seq = recorded.len() as u64;
        let own = push(&mut recorded, body);
        if registers {
            items.push(own);
            about.push((seq, own, own));
        } else if let Some(item) = item {
            about.push((seq, own, item));
        }
    }
    let state = State::replay(&recorded);
    let file: String = recorded
        .iter()
        .map(|r| events::line(&|id| state.key_of(id), r))
        .collect();
    let bytes = recorded
        .iter()
        .map(|r| codec::encode(&r.envelope).unwrap())
        .collect();
    (bytes, file)
}

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn events_arbitrary_text(s in text(400)) {
        let _ = events::looks_like_events(&s);
        let has_brace = s.contains('{');
        prop_assert!(events::read(&s).is_err() || has_brace);
    }

    #[test]
    fn events_json_lines_with_random_bytes(
        lines in proptest::collection::vec(
            (proptest::collection::vec(any::<u8>(), 0..200), any::<[u8; 32]>(), 0u64..3),
            1..4,
        ),
    ) {
        let text: String = lines
            .iter()
            .map(|(b, h, seq)| {
                format!(
                    "{{\"bytes\":\"{}\",\"hash\":\"{}\",\"seq\":{seq}}}\n",
                    kamerstand::domain::ids::hex(b),
                    kamerstand::domain::ids::hex(h)
                )
            })
            .collect();
        prop_assert!(events::read(&text).is_err());
    }

    /// An export reads back to the same canonical bytes.
    #[test]
    fn events_export_reads_back(steps in proptest::collection::vec(step(), 0..16)) {
        let (bytes, file) = chain(&steps);
        prop_assert!(events::looks_like_events(&file));
        match events::read(&file) {
            Ok(read) => prop_assert_eq!(read, bytes),
            Err(e) => prop_assert!(false, "refused: {}\n{}", e, file),
        }
    }

    /// A flipped byte anywhere is refused, or (when it changes nothing the
    /// file means, such as the case of a hex digit) gives the same chain.
    #[test]
    fn events_export_with_flipped_bytes(
        steps in proptest::collection::vec(step(), 0..10),
        flips in proptest::collection::vec((any::<Index>(), 1u8..=255), 1..3),
    ) {
        let (bytes, file) = chain(&steps);
        let mut damaged = file.into_bytes();
        for (at, mask) in &flips {
            let i = at.index(damaged.len());
            damaged[i] ^= mask;
        }
        if let Ok(read) = events::read(&String::from_utf8_lossy(&damaged)) {
            prop_assert_eq!(read, bytes);
        }
    }

    /// Lines dropped, repeated or swapped are refused; a trailing prefix of
    /// the chain (a cut at a line end) is a chain and reads as one.
    #[test]
    fn events_export_with_lines_moved(
        steps in proptest::collection::vec(step(), 1..10),
        edit in line_edit(),
    ) {
        let (bytes, file) = chain(&steps);
        let original: Vec<String> = file.lines().map(str::to_string).collect();
        let mut lines = original.clone();
        apply_line_edit(&mut lines, &edit);
        let text = lines.join("\n");
        if let Ok(read) = events::read(&text) {
            // Whatever is accepted is the original chain or a prefix of it.
            prop_assert!(read.len() <= bytes.len());
            prop_assert_eq!(&read[..], &bytes[..read.len()]);
        }
    }
}

// ---------------------------------------------------------------------------
// The readers of issue 16: pdftotext text, registers, budget annexes, Word
// tables, Excel sheets, responsible parties in words, citation forms
// ---------------------------------------------------------------------------

use kamerstand::domain::Ministries;
use kamerstand::formats::docx::{
    Block, Cell, Document, Fill, Inline, Note, Paragraph, Rgb, Row, Run, Table,
};
use kamerstand::formats::xlsx::{Sheet, XCell};
use kamerstand::formats::{ImportFormat, ReadOptions, budget, read_import, record, sheet};

const PDFTEXT: &str = include_str!("fixtures/pdftext/annex.txt");
const RECORDS: &str = include_str!("fixtures/record/register.txt");
const BUDGET: &str = include_str!("fixtures/budget/web.txt");

/// What the pdftotext reader keeps of the annex parser's promises, on the
/// file the clerk has: every line number is one of its lines.
fn check_pdftext(input: &str) {
    let legend = Legend::nap();
    let doc = annex::pdftext::parse(input, &legend, &Ministries::builtin());
    if let Err(e) = doc.invariants(input, &legend) {
        panic!("{e}");
    }
    let _ = annex::pdftext::looks_like_pdftext(input);
}

/// Rows and anomalies of a row reader, all on lines of the input (or 0,
/// the whole file), anomalies sorted where the reader sorts them.
fn check_rows(
    input: &str,
    rows: &[kamerstand::formats::ImportRow],
    anomalies: &[kamerstand::formats::Anomaly],
) {
    let lines = input.lines().count().max(1);
    for r in rows {
        assert!(
            r.line >= 1 && r.line <= lines,
            "row line {} of {lines}",
            r.line
        );
        assert_eq!(r.text, r.text.trim());
    }
    for a in anomalies {
        assert!(a.line <= lines, "anomaly line {} of {lines}", a.line);
    }
}

fn check_record(input: &str) {
    for legend in [Legend::nap(), eerste_kamer()] {
        let (rows, anomalies) = record::read(input, &legend, &Ministries::builtin());
        check_rows(input, &rows, &anomalies);
        for r in &rows {
            assert!(r.status.as_ref().is_none_or(|s| legend.get(s).is_some()));
        }
    }
    let _ = record::looks_like_record(input);
}

fn check_budget(input: &str) {
    let (rows, anomalies) = budget::read(input, &Legend::nap());
    check_rows(input, &rows, &anomalies);
    let _ = budget::looks_like_budget(input);
}

fn eerste_kamer() -> Legend {
    Legend::from_json(
        "docs/legend-eerste-kamer.json",
        include_str!("../docs/legend-eerste-kamer.json"),
    )
    .unwrap()
}

fn mutated(base: &str, edits: &[LineEdit]) -> String {
    let mut lines: Vec<String> = base.lines().map(str::to_string).collect();
    for e in edits {
        apply_line_edit(&mut lines, e);
    }
    lines.join("\n")
}

/// A coloured cell of a generated Word table.
fn word_cell() -> impl Strategy<Value = Cell> {
    (
        prop_oneof![
            Just(String::new()),
            select(vec![
                "SOCW",
                "MIenW en SBZK",
                "Minister van OCW",
                "In uitvoering",
                "Moties",
                "Toezeggingen",
                "Verantwoordelijk",
                "Status",
                "Stand van zaken",
                "●"
            ])
            .prop_map(str::to_string),
            text(60),
        ],
        proptest::option::of(any::<[u8; 3]>()),
        0u32..4,
        proptest::option::of(0u32..4),
    )
        .prop_map(|(t, fill, span, note)| {
            let mut p = Paragraph::default();
            p.push(Inline::Text(Run::plain(t)));
            if let Some(n) = note {
                p.push(Inline::Footnote(n));
            }
            Cell {
                paragraphs: vec![p],
                fill: fill.map(|c| Fill::Rgb(Rgb(c))),
                span,
                ..Cell::default()
            }
        })
}

fn word_document() -> impl Strategy<Value = Document> {
    proptest::collection::vec(
        proptest::collection::vec(
            (any::<bool>(), proptest::collection::vec(word_cell(), 0..6)),
            0..8,
        ),
        0..4,
    )
    .prop_map(|tables| {
        let mut doc = Document::default();
        for rows in tables {
            doc.blocks.push(Block::Table(Table {
                widths: Vec::new(),
                rows: rows
                    .into_iter()
                    .map(|(header, cells)| Row { header, cells })
                    .collect(),
            }));
        }
        for n in 0..4 {
            doc.footnotes.insert(
                n,
                Note::new(format!("Kamerstukken II 2023/24, 3641{n}, nr. {n}")),
            );
        }
        doc
    })
}

fn xsheet() -> impl Strategy<Value = Sheet> {
    proptest::collection::vec(
        proptest::collection::vec(
            (
                prop_oneof![
                    select(vec![
                        "kind",
                        "text",
                        "status",
                        "responsible",
                        "key",
                        "motie",
                        "toezegging",
                        "Moties",
                        "1-7-2025",
                        "Omschrijving",
                        "Stand"
                    ])
                    .prop_map(str::to_string),
                    text(30),
                ],
                proptest::option::of(any::<[u8; 3]>()),
            )
                .prop_map(|(text, fill)| XCell {
                    text,
                    fill: fill.map(Rgb),
                }),
            0..6,
        ),
        0..8,
    )
    .prop_map(|rows| Sheet {
        name: "Blad1".into(),
        first_row: 0,
        rows,
    })
}

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn pdftext_arbitrary_text(s in text(600)) {
        check_pdftext(&s);
    }

    #[test]
    fn pdftext_mutated_fixture(edits in proptest::collection::vec(line_edit(), 0..8)) {
        check_pdftext(&mutated(PDFTEXT, &edits));
    }

    #[test]
    fn pdftext_fixture_cut_anywhere(at in any::<usize>()) {
        check_pdftext(&PDFTEXT[..boundary(PDFTEXT, at % (PDFTEXT.len() + 1))]);
    }

    #[test]
    fn record_arbitrary_and_mutated(s in text(400), edits in proptest::collection::vec(line_edit(), 0..8)) {
        check_record(&s);
        check_record(&mutated(RECORDS, &edits));
    }

    #[test]
    fn budget_arbitrary_and_mutated(s in text(400), edits in proptest::collection::vec(line_edit(), 0..8)) {
        check_budget(&s);
        check_budget(&mutated(BUDGET, &edits));
    }

    #[test]
    fn word_tables_never_panic(doc in word_document()) {
        let legend = Legend::nap();
        let parsed = annex::word::from_document(&doc, &legend, &Ministries::builtin());
        let rows: usize = doc.tables().map(|t| t.rows.len()).sum();
        for r in &parsed.rows {
            prop_assert!(r.line >= 1 && r.line <= rows);
            prop_assert!(r.status.as_ref().is_none_or(|s| legend.get(s).is_some()));
        }
        prop_assert!(parsed.anomalies.windows(2).all(|w| w[0].line <= w[1].line));
    }

    #[test]
    fn sheets_never_panic(s in xsheet(), mapped in any::<bool>()) {
        let options = ReadOptions {
            columns: mapped.then(|| sheet::Columns::parse("text=Omschrijving,status=Stand").unwrap()),
            ..ReadOptions::default()
        };
        if let Ok((rows, _)) = sheet::from_sheet(&s, &Legend::nap(), &options) {
            for r in rows {
                prop_assert!(r.line >= 1 && r.line <= s.rows.len());
            }
        }
    }

    #[test]
    fn every_reader_takes_arbitrary_bytes(b in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = ImportFormat::detect_bytes("x", &b);
        for f in ImportFormat::ALL {
            let _ = read_import("x", &b, f, &Legend::nap(), &ReadOptions::default());
        }
    }

    #[test]
    fn responsible_in_words_is_codes_or_a_refusal(s in prop_oneof![
        text(80),
        (select(vec!["Minister", "minister", "Staatssecretaris", "de minister", "Minister-President", "Ministerie"]),
         select(vec![" van ", " voor ", " "]),
         select(vec!["BZK", "Financiën", "Onderwijs, Cultuur en Wetenschap", "Justitie en Veiligheid", "Klimaat en Energie", "x"]),
         select(vec!["", " en de staatssecretaris van OCW", " - Fiscaliteit", ", Minister van SZW", " (Asiel)"]))
            .prop_map(|(a, b, c, d)| format!("{a}{b}{c}{d}")),
    ]) {
        let m = Ministries::builtin();
        if let Ok(r) = m.responsible(&s) {
            prop_assert!(!r.is_empty());
            prop_assert_eq!(Responsible::parse(&r.to_string()).unwrap(), r);
        }
        let _ = sheet::Columns::parse(&s);
    }

    #[test]
    fn citation_new_forms_keep_page_and_item(
        d1 in 10u32..99, d2 in 100u32..999, nr in 1u32..999, page in 1u32..200, item in 1u32..40,
        dotted in any::<bool>(), pw in select(vec!["p.", "blz.", "pag.", "p"]), sep in select(vec![", ", " - ", " "]),
    ) {
        let dossier = if dotted { format!("{d1}.{d2}") } else { format!("{d1} {d2}") };
        let bare = check_citation(&format!("{dossier}, nr. {nr}{sep}{pw} {page}"));
        let p = bare.parsed.clone().unwrap();
        prop_assert_eq!(p.dossiers[0].number, d1 * 1000 + d2);
        prop_assert_eq!(p.number, Some(nr.to_string()));
        prop_assert_eq!(p.page, Some(page.to_string()));
        let h = check_citation(&format!("Handelingen I 2023/24, nr. {nr}, item {item}{sep}{pw} {page}"));
        let p = h.parsed.unwrap();
        prop_assert_eq!((p.item, p.page), (Some(item), Some(page.to_string())));
        let id = check_citation(&format!("kst-{d1}{d2}-{nr}"));
        prop_assert_eq!(id.key_hint(), Some(format!("{d1}{d2}-{nr}")));
    }
}

//! The CLI end to end in a temporary store: every command in table and JSON
//! form, key derivation, the effective-date rule, the demo, snapshots of the
//! read commands' output under the pinned clock, and a programme's own
//! legend given at `init --legend FILE` (the Eerste Kamer's three-step
//! legend from docs/ is stored, accepted by `status` and shown by the
//! overview; bad legend files are refused with exit 2 before any store
//! exists).

use crate::common::{ACTOR, Output, TestEnv, Transcript, item, seqs, snap};
use serde_json::Value;
use std::path::PathBuf;

const REF_79: &str = "Kamerstukken II 2022/23, 34843, nr. 79";

fn keys(v: &Value) -> Vec<String> {
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["key"].as_str().unwrap().to_string())
        .collect()
}

/// The lines of the table whose header starts with `header`, header first
/// (read commands print a view line above their table).
fn table_rows<'a>(out: &'a str, header: &str) -> Vec<&'a str> {
    let rows: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.starts_with(header))
        .take_while(|l| !l.is_empty())
        .collect();
    assert!(
        !rows.is_empty(),
        "no table with header {header:?} in:\n{out}"
    );
    rows
}

/// A successful `verify`: one line naming the number of events and the
/// head (the last hash), in Dutch.
#[track_caller]
fn assert_verified(out: &str, events: u64, head: &str) {
    let events = match events {
        1 => "1 gebeurtenis".to_string(),
        n => format!("{n} gebeurtenissen"),
    };
    assert!(
        out.starts_with(&format!("in orde: {events} gecontroleerd")),
        "{out}"
    );
    let first = out.lines().next().unwrap_or_default();
    assert!(first.ends_with(&format!("laatste hash {head}")), "{out}");
    // Then the line on the index, which matches.
    let rest: Vec<&str> = out.lines().skip(1).collect();
    assert!(
        rest.len() == 1
            && rest[0].starts_with("index en Merkle-boom: ")
            && rest[0].ends_with(" overeen met de gebeurtenissen"),
        "{out}"
    );
}

/// A small programme used by several tests: two motions, one commitment,
/// with updates.
fn programme() -> TestEnv {
    let env = TestEnv::init();
    env.add(&[
        "--kind",
        "motie",
        "--text",
        "Motie van het lid Jansen c.s.; verzoekt de regering een meldpunt in te richten.",
        "--submitter",
        "Jansen",
        "--ref",
        REF_79,
        "--responsible",
        "SOCW",
        "--status",
        "in-uitvoering",
        "--effective",
        "2023-03-01",
    ]);
    env.add(&[
        "--kind",
        "motie",
        "--text",
        "Motie van de leden De Vries en Bakker; verzoekt de regering te rapporteren.",
        "--submitter",
        "De Vries",
        "--submitter",
        "Bakker",
        "--responsible",
        "mocw en sjenv",
        "--effective",
        "2023-05-10",
    ]);
    env.add(&[
        "--kind",
        "toezegging",
        "--text",
        "De minister stuurt voor de zomer een brief over de campagne.",
        "--responsible",
        "MOCW",
        "--status",
        "doorlopend",
        "--effective",
        "2023-06-01",
    ]);
    env.run(&[
        "status",
        "34843-79",
        "vertraagd",
        "--effective",
        "2024-02-01",
        "--reason",
        "aanbesteding later",
    ])
    .ok();
    env.run(&[
        "note",
        "34843-79",
        "Het meldpunt opent in het voorjaar.",
        "--ref",
        "Kamerstukken II 2023/24, 34843, nr. 90",
        "--effective",
        "2024-02-01",
    ])
    .ok();
    env.run(&[
        "assign",
        "M1",
        "SOCW",
        "--effective",
        "2024-07-02",
        "--reason",
        "nieuw kabinet",
    ])
    .ok();
    env.run(&[
        "note",
        "T1",
        "De brief is verstuurd.",
        "--effective",
        "2024-06-20",
    ])
    .ok();
    env
}

#[test]
fn init_creates_a_ledger_that_verifies() {
    let env = TestEnv::new();
    let out = env.run(&["init", "--programme", "NAP", "--title", "Stand van zaken"]);
    out.ok();
    let head = env.head().unwrap();
    assert_eq!(head.seq, 0);
    snap!("init_receipt", out.stdout);
    // The receipt names the head in full (in Dutch unless --lang en).
    assert!(
        out.stdout
            .contains(&format!("laatste hash {}", head.hash.hex()))
    );
    let en = TestEnv::new();
    let out = en.run(&[
        "--lang",
        "en",
        "init",
        "--programme",
        "NAP",
        "--title",
        "Stand van zaken",
    ]);
    out.ok();
    assert!(
        out.stdout.starts_with("created ledger for NAP at "),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains(&format!("\nhead {}\n", en.head().unwrap().hash.hex())),
        "{}",
        out.stdout
    );

    let v = env.run(&["verify"]);
    v.ok();
    assert_verified(&v.stdout, 1, &head.hash.hex());
    let j = env.run(&["--format", "json", "verify"]);
    j.ok();
    let j = j.json();
    assert_eq!(j["ok"], true);
    assert_eq!(j["events_checked"], 1);
    assert_eq!(j["head"], head.hash.hex());
    assert!(j["first_break"].is_null());

    let log = env.run(&["--format", "json", "log"]).json();
    assert_eq!(seqs(&log), [0]);
    assert_eq!(log["events"][0]["type"], "ledger_created");
    assert_eq!(log["events"][0]["actor"], ACTOR);
    assert_eq!(log["events"][0]["prev"], "0".repeat(64));
    assert_eq!(log["events"][0]["body"]["programme"], "NAP");

    let list = env.run(&["item", "list"]);
    list.ok();
    snap!("item_list_empty", list.stdout);
}

#[test]
fn item_keys_are_derived_from_citations_else_counted() {
    let env = TestEnv::init();
    let motie = |extra: &[&str]| {
        let mut a = vec!["--kind", "motie", "--text", "Motie."];
        a.extend_from_slice(extra);
        env.add(&a)
    };
    assert_eq!(motie(&["--ref", REF_79]), "34843-79");
    assert_eq!(
        motie(&["--ref", "Kamerstukken II 2022/23, 35925-VIII, nr. 124"]),
        "35925-VIII-124"
    );
    // Space instead of a hyphen before the suffix, and a space inside the dossier.
    assert_eq!(
        motie(&["--ref", "Kamerstukken II 2022/23, 36 200 IV, nr. 12"]),
        "36200-IV-12"
    );
    // Eerste Kamer letter instead of a number.
    assert_eq!(
        motie(&["--ref", "Kamerstukken I 2020/21, 35 570, C"]),
        "35570-C"
    );
    assert_eq!(motie(&[]), "M1");
    // The citation's key is taken: fall back to the counter.
    assert_eq!(motie(&["--ref", REF_79]), "M2");
    // Handelingen citations give no key.
    assert_eq!(
        motie(&["--ref", "Handelingen II 2018/19, nr. 5, item 6"]),
        "M3"
    );
    // The first citation whose key is free wins.
    assert_eq!(
        motie(&[
            "--ref",
            REF_79,
            "--ref",
            "Kamerstukken II 2023/24, 34843, nr. 80"
        ]),
        "34843-80"
    );
    // An explicit key wins over a citation; the counter skips taken keys.
    assert_eq!(
        motie(&["--key", "M4", "--ref", "Kamerstukken II 2023/24, 1, nr. 2"]),
        "M4"
    );
    assert_eq!(motie(&[]), "M5");
    let t = env.add(&[
        "--kind",
        "toezegging",
        "--text",
        "De minister stuurt een brief.",
    ]);
    assert_eq!(t, "T1");
    let t = env.add(&["--kind", "commitment", "--text", "Nog een brief."]);
    assert_eq!(t, "T2");
    let list = env.run(&["--format", "json", "item", "list"]).json();
    assert_eq!(
        keys(&list),
        [
            "34843-79",
            "34843-80",
            "35570-C",
            "35925-VIII-124",
            "36200-IV-12",
            "M1",
            "M2",
            "M3",
            "M4",
            "M5",
            "T1",
            "T2"
        ]
    );
    // One event per item, after the ledger's creation.
    assert_eq!(env.head().unwrap().seq, 12);
}

#[test]
fn item_add_receipts_in_table_and_json() {
    let env = TestEnv::init();
    let out = env.run(&[
        "item",
        "add",
        "--kind",
        "motie",
        "--text",
        "Motie.",
        "--ref",
        REF_79,
        "--effective",
        "2024-01-01",
    ]);
    out.ok();
    let head = env.head().unwrap();
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", out.stdout);
    assert!(
        lines[0].starts_with("opgenomen: motie 34843-79 (id "),
        "{}",
        lines[0]
    );
    assert_eq!(
        lines[1],
        format!("vastgelegd als seq 1 (hash {})", head.hash.short())
    );
    let id = env.id_of("34843-79");
    assert!(lines[0].contains(&id));

    let prev = head.hash.hex();
    let out = env.run(&[
        "--format",
        "json",
        "item",
        "add",
        "--kind",
        "toezegging",
        "--text",
        "De minister informeert de Kamer.",
        "--responsible",
        "MOCW en SOCW",
        "--status",
        "Doorlopend gedurende uitvoering programma",
        "--effective",
        "2024-09-17",
    ]);
    out.ok();
    let j = out.json();
    let head = env.head().unwrap();
    assert_eq!(j["seq"], 2);
    assert_eq!(j["type"], "item_registered");
    assert_eq!(j["item_key"], "T1");
    assert_eq!(j["item"], j["id"], "an item's id is its registration's id");
    assert_eq!(j["prev"], prev);
    assert_eq!(j["hash"], head.hash.hex());
    assert_eq!(j["effective"], "2024-09-17");
    assert_eq!(j["actor"], ACTOR);
    assert_eq!(j["body"]["kind"], "toezegging");
    assert_eq!(j["body"]["status"], "doorlopend");
    assert_eq!(
        j["body"]["responsible"],
        serde_json::json!(["MOCW", "SOCW"])
    );
    assert_eq!(j["recorded_at"].as_str().unwrap().len(), 30);
}

#[test]
fn item_list_in_table_and_json() {
    let env = programme();
    // Natural order of keys: M2 before M10.
    env.add(&["--kind", "motie", "--text", "Tiende motie.", "--key", "M10"]);
    assert_eq!(
        env.add(&["--kind", "motie", "--text", "Nog een motie."]),
        "M2"
    );
    let out = env.run(&["item", "list"]);
    out.ok();
    // M2 has nobody responsible ("-").
    snap!("item_list_table", out.stdout);
    // The id column holds the item's id.
    let rows = table_rows(&out.stdout, "kenmerk ");
    assert!(rows[1].contains(&env.id_of("34843-79")), "{}", rows[1]);

    let j = env.run(&["--format", "json", "item", "list"]).json();
    assert_eq!(keys(&j), ["34843-79", "M1", "M2", "M10", "T1"]);
    let m1 = &j["items"][1];
    assert_eq!(m1["kind"], "motie");
    assert_eq!(m1["status"]["slug"], "niet-vermeld");
    // Assigned to SOCW from 2024-07-02 on.
    assert_eq!(m1["responsible"], serde_json::json!(["SOCW"]));
    assert_eq!(j["items"][4]["kind"], "toezegging");
    assert_eq!(j["items"][4]["status"]["slug"], "doorlopend");
    assert_eq!(j["view"]["events"], 10);
    assert_eq!(j["view"]["head"], env.head().unwrap().hash.hex());
}

#[test]
fn status_accepts_slug_or_dutch_label_and_prints_a_receipt() {
    let env = programme();
    let out = env.run(&[
        "status",
        "t1",
        "in uitvoering met VERTRAGING",
        "--effective",
        "2024-08-01",
    ]);
    out.ok();
    assert!(
        out.stdout.starts_with(
            "T1: status Doorlopend gedurende uitvoering programma → In uitvoering met vertraging, geldt vanaf 2024-08-01\nvastgelegd als seq 8 "
        ),
        "{}",
        out.stdout
    );
    let j = env
        .run(&[
            "--format",
            "json",
            "status",
            "T1",
            "invulling",
            "--effective",
            "2024-09-01",
            "--reason",
            "brief verstuurd",
        ])
        .json();
    assert_eq!(j["type"], "status_changed");
    assert_eq!(j["seq"], 9);
    assert_eq!(j["item_key"], "T1");
    assert_eq!(j["body"]["status"], "invulling");
    assert_eq!(j["body"]["reason"], "brief verstuurd");
    assert_eq!(j["effective"], "2024-09-01");
    let o = env.run(&["--format", "json", "overview"]).json();
    assert_eq!(item(&o, "T1")["status"]["slug"], "invulling");
    assert_eq!(
        item(&o, "T1")["status"]["nl"],
        "Wordt invulling gegeven aan"
    );
}

#[test]
fn assign_normalises_codes_and_records_the_previous_parties() {
    let env = programme();
    let out = env.run(&["assign", "T1", "mocw, sjenv", "--effective", "2024-08-01"]);
    out.ok();
    assert!(
        out.stdout
            .starts_with("T1: verantwoordelijk MOCW → MOCW en SJenV, geldt vanaf 2024-08-01\n"),
        "{}",
        out.stdout
    );
    let show = env.run(&["--format", "json", "show", "T1"]).json();
    assert_eq!(show["responsible"], serde_json::json!(["MOCW", "SJenV"]));
    let last = show["timeline"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["change"], "responsible");
    assert_eq!(last["from"], serde_json::json!(["MOCW"]));
    assert_eq!(last["to"], serde_json::json!(["MOCW", "SJenV"]));
    assert_eq!(last["effective"], "2024-08-01");
    // Unknown portfolios are kept, upper-cased.
    env.run(&["assign", "T1", "Mklim", "--effective", "2024-09-01"])
        .ok();
    let o = env.run(&["--format", "json", "overview"]).json();
    assert_eq!(item(&o, "T1")["responsible"], serde_json::json!(["MKLIM"]));
    // The JSON receipt.
    let j = env
        .run(&[
            "--format",
            "json",
            "assign",
            "T1",
            "SOCW",
            "--effective",
            "2024-10-01",
            "--reason",
            "herverdeling",
        ])
        .json();
    assert_eq!(j["type"], "responsibility_changed");
    assert_eq!(j["seq"], 10);
    assert_eq!(j["item_key"], "T1");
    assert_eq!(j["item"], env.id_of("T1"));
    assert_eq!(j["effective"], "2024-10-01");
    assert_eq!(j["body"]["responsible"], serde_json::json!(["SOCW"]));
    assert_eq!(j["body"]["reason"], "herverdeling");
    assert_eq!(j["hash"], env.head().unwrap().hash.hex());
}

#[test]
fn note_reads_text_from_stdin_and_normalises_it() {
    let env = programme();
    // Windows line endings, surrounding space and a decomposed é.
    let out = env.run_with_input(
        &["note", "M1", "-", "--effective", "2024-10-01"],
        "  Eerste regel\r\nTweede regel: ge\u{0301}e\u{0308}valueerd.\r\n\n".as_bytes(),
    );
    out.ok();
    assert!(
        out.stdout.starts_with(
            "M1: stand van zaken vastgelegd, geldt vanaf 2024-10-01\nvastgelegd als seq 8 "
        ),
        "{}",
        out.stdout
    );
    let show = env.run(&["--format", "json", "show", "M1"]).json();
    let note = &show["latest_note"];
    assert_eq!(
        note["text"],
        "Eerste regel\nTweede regel: g\u{e9}\u{eb}valueerd."
    );
    assert_eq!(note["seq"], 8);
    assert_eq!(note["effective"], "2024-10-01");
    assert_eq!(note["actor"], ACTOR);
    // A literal text argument is not read from stdin.
    env.run_with_input(
        &["note", "M1", "Gewoon tekst.", "--effective", "2024-10-02"],
        b"genegeerd",
    )
    .ok();
    let show = env.run(&["--format", "json", "show", "M1"]).json();
    assert_eq!(show["latest_note"]["text"], "Gewoon tekst.");
    assert_eq!(show["notes"].as_array().unwrap().len(), 2);
}

#[test]
fn note_citations_strict_and_raw() {
    let env = programme();
    env.run(&[
        "note",
        "T1",
        "Zie de brief.",
        "--ref",
        "kamerstukken II 2023/24, 36 229, nr. 3",
        "--ref-raw",
        "brief van 3 mei (nog niet gepubliceerd)",
        "--effective",
        "2024-06-21",
    ])
    .ok();
    let show = env.run(&["--format", "json", "show", "T1"]).json();
    assert_eq!(
        show["latest_note"]["citations"],
        serde_json::json!([
            "kamerstukken II 2023/24, 36 229, nr. 3",
            "brief van 3 mei (nog niet gepubliceerd)"
        ])
    );
}

#[test]
fn item_amend_replaces_text_citations_and_submitters_and_keeps_history() {
    let env = programme();
    let before = env.run(&["--format", "json", "show", "M1"]).json();
    let out = env.run(&[
        "item",
        "amend",
        "M1",
        "--text",
        "Motie van de leden De Vries en Bakker; verzoekt de regering jaarlijks te rapporteren.",
        "--ref-raw",
        "Kamerstukken II 202/25, 36600, nr. 9",
        "--submitter",
        "De Vries",
        "--reason",
        "tekst uit de motie overgenomen",
    ]);
    out.ok();
    assert!(
        out.stdout
            .starts_with("gewijzigd: M1\nvastgelegd als seq 8 "),
        "{}",
        out.stdout
    );
    let after = env.run(&["--format", "json", "show", "M1"]).json();
    assert_eq!(after["id"], before["id"]);
    assert_eq!(
        after["text"],
        "Motie van de leden De Vries en Bakker; verzoekt de regering jaarlijks te rapporteren."
    );
    assert_eq!(after["submitters"], serde_json::json!(["De Vries"]));
    assert_eq!(
        after["citations"][0]["raw"],
        "Kamerstukken II 202/25, 36600, nr. 9"
    );
    // The key stays, even though the item now has a citation.
    assert_eq!(after["key"], "M1");
    let last = after["timeline"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["change"], "amended");
    assert_eq!(last["seq"], 8);
    assert!(last["effective"].is_null());
    assert_eq!(last["reason"], "tekst uit de motie overgenomen");
    // The registration still shows in the timeline, and status/responsible
    // are untouched.
    assert_eq!(after["timeline"][0]["change"], "registered");
    assert_eq!(after["status"], before["status"]);
    assert_eq!(after["responsible"], before["responsible"]);
    // The card says what was amended and why; the typo in the session year
    // is kept and flagged, not dropped.
    let show = env.run(&["show", "M1"]);
    show.ok();
    snap!("show_amended", show.stdout);
    // The JSON receipt: only the submitters are replaced.
    let j = env
        .run(&[
            "--format",
            "json",
            "item",
            "amend",
            "m1",
            "--submitter",
            "De Vries",
            "--submitter",
            "Bakker",
        ])
        .json();
    assert_eq!(j["type"], "item_amended");
    assert_eq!(j["seq"], 9);
    assert_eq!(j["item_key"], "M1");
    assert!(j["effective"].is_null());
    assert!(j["body"]["text"].is_null());
    assert!(j["body"]["citations"].is_null());
    assert_eq!(
        j["body"]["submitters"],
        serde_json::json!(["De Vries", "Bakker"])
    );
    let after = env.run(&["--format", "json", "show", "M1"]).json();
    assert_eq!(
        after["submitters"],
        serde_json::json!(["De Vries", "Bakker"])
    );
    assert_eq!(
        after["citations"][0]["raw"],
        "Kamerstukken II 202/25, 36600, nr. 9"
    );
}

#[test]
fn show_prints_the_card_and_the_full_timeline() {
    let env = programme();
    let out = env.run(&["show", "34843-79"]);
    out.ok();
    snap!("show_table", out.stdout);
    // The card names the item's id.
    let id = env.id_of("34843-79");
    assert!(
        out.stdout
            .starts_with(&format!("34843-79  motie  (id {id})\n")),
        "{}",
        out.stdout
    );

    let j = env.run(&["--format", "json", "show", "34843-79"]).json();
    let t = j["timeline"].as_array().unwrap();
    assert_eq!(
        t.iter()
            .map(|e| e["seq"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        [1, 4, 5]
    );
    assert_eq!(t[0]["change"], "registered");
    assert_eq!(t[0]["status"], "in-uitvoering");
    assert_eq!(t[1]["change"], "status");
    assert_eq!(t[1]["from"], "in-uitvoering");
    assert_eq!(t[1]["to"], "vertraagd");
    assert_eq!(t[2]["change"], "note");
    // Each timeline entry carries the event's full hash, the same as in the log.
    let log = env.run(&["--format", "json", "log"]).json();
    assert_eq!(t[2]["hash"], log["events"][5]["hash"]);
    assert_eq!(j["citations"][0]["parsed"]["dossiers"][0]["number"], 34843);
    assert_eq!(j["citations"][0]["parsed"]["number"], "79");
    snap!(
        "show_json",
        env.run(&["--format", "json", "show", "T1"]).stdout
    );
}

#[test]
fn items_are_found_by_key_any_case_or_by_id_prefix() {
    let env = programme();
    let id = env.id_of("T1");
    let by_key = env.run(&["--format", "json", "show", "t1"]).json();
    assert_eq!(by_key["id"], id);
    // The unique tail of a TestClock id is its counter, so use the whole id,
    // in UUID form with hyphens, and in upper case.
    let uuid = format!(
        "{}-{}-{}-{}-{}",
        &id[..8],
        &id[8..12],
        &id[12..16],
        &id[16..20],
        &id[20..]
    );
    for prefix in [id.clone(), uuid, id.to_uppercase()] {
        let j = env.run(&["--format", "json", "show", &prefix]).json();
        assert_eq!(j["key"], "T1", "{prefix}");
    }
}

#[test]
fn log_filters_by_item_and_limit() {
    let env = programme();
    let all = env.run(&["--format", "json", "log"]).json();
    assert_eq!(seqs(&all), (0..=7).collect::<Vec<_>>());
    let types: Vec<&str> = all["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "ledger_created",
            "item_registered",
            "item_registered",
            "item_registered",
            "status_changed",
            "progress_noted",
            "responsibility_changed",
            "progress_noted",
        ]
    );
    // Every event links to the one before it.
    for pair in all["events"].as_array().unwrap().windows(2) {
        assert_eq!(pair[1]["prev"], pair[0]["hash"]);
    }
    let m1 = env.run(&["--format", "json", "log", "--item", "M1"]).json();
    assert_eq!(seqs(&m1), [2, 6]);
    assert!(
        m1["events"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["item_key"] == "M1")
    );
    let last = env.run(&["--format", "json", "log", "--limit", "3"]).json();
    assert_eq!(seqs(&last), [5, 6, 7]);
    let both = env
        .run(&[
            "--format", "json", "log", "--item", "34843-79", "--limit", "2",
        ])
        .json();
    assert_eq!(seqs(&both), [4, 5]);
    let more = env
        .run(&["--format", "json", "log", "--limit", "100"])
        .json();
    assert_eq!(seqs(&more).len(), 8);

    snap!("log_table", env.run(&["log"]).stdout);
    let table = env.run(&["log", "--item", "T1"]);
    table.ok();
    snap!("log_item_table", table.stdout);
    // In English the columns and what each event did are English, the
    // statuses in the legend's English labels; the texts as recorded.
    let en = env.run(&["--lang", "en", "log", "--item", "T1"]);
    en.ok();
    let lines: Vec<&str> = en.stdout.lines().collect();
    let header = lines.iter().position(|l| l.starts_with("seq  ")).unwrap();
    let words: Vec<&str> = lines[header].split_whitespace().collect();
    assert_eq!(
        words,
        [
            "seq",
            "recorded",
            "effective",
            "actor",
            "item",
            "what",
            "hash"
        ],
        "{}",
        en.stdout
    );
    assert!(
        lines[header + 1].contains("toezegging T1 registered, "),
        "{}",
        en.stdout
    );
    assert!(
        lines[header + 2].contains("note: De brief is verstuurd."),
        "{}",
        en.stdout
    );
}

#[test]
fn overview_groups_items_with_status_responsible_and_latest_note() {
    let env = programme();
    // Motions, then commitments; a row per item with its status,
    // responsible parties and latest note; the counts per status below.
    let out = env.run(&["overview"]);
    out.ok();
    snap!("overview_table", out.stdout);
    // In English the headings, sections and statuses are English too,
    // where they were Dutch whatever --lang said; the ledger's own text
    // (the notes) stays as recorded.
    let en = env.run(&["--lang", "en", "overview"]);
    en.ok();
    for said in [
        "\nMotions\nkey ",
        "  responsible  progress\n",
        "In progress, delayed",
        "\nCommitments\n",
        "Het meldpunt opent in het voorjaar.",
        "3 items: 1 ",
    ] {
        assert!(en.stdout.contains(said), "{said:?} not in\n{}", en.stdout);
    }
    for dutch in [
        "Moties",
        "verantwoordelijk",
        "stand van zaken",
        "In uitvoering",
        "kenmerk",
    ] {
        assert!(!en.stdout.contains(dutch), "{dutch:?} in\n{}", en.stdout);
    }
    for said in [
        "\nMoties\nkenmerk ",
        "verantwoordelijk  stand van zaken\n",
        "Niet vermeld",
    ] {
        assert!(out.stdout.contains(said), "{said:?} not in\n{}", out.stdout);
    }

    let j = env.run(&["--format", "json", "overview"]).json();
    assert_eq!(j["programme"], "NAP");
    assert_eq!(j["title"], "Stand van zaken");
    assert_eq!(j["view"]["events"], 8);
    assert_eq!(j["view"]["head"], env.head().unwrap().hash.hex());
    assert_eq!(j["legend"].as_array().unwrap().len(), 6);
    assert_eq!(keys(&j), ["34843-79", "M1", "T1"]);
    let m = item(&j, "34843-79");
    assert_eq!(m["status"]["slug"], "vertraagd");
    assert_eq!(m["status"]["en"], "In progress, delayed");
    assert_eq!(m["responsible"], serde_json::json!(["SOCW"]));
    assert_eq!(m["latest_note"]["seq"], 5);
    assert_eq!(
        m["latest_note"]["text"],
        "Het meldpunt opent in het voorjaar."
    );
    assert_eq!(m["citations"][0]["raw"], REF_79);
    assert_eq!(m["submitters"], serde_json::json!(["Jansen"]));
    assert!(item(&j, "M1")["latest_note"].is_null());
    assert_eq!(item(&j, "M1")["status"]["slug"], "niet-vermeld");
    snap!(
        "overview_json",
        env.run(&["--format", "json", "overview"]).stdout
    );
}

/// With `--lang en`, every read names statuses by the legend's English
/// labels (the item list, an item's card and its timeline, the log),
/// as the overview does; in Dutch, by the Dutch ones.
#[test]
fn reads_in_english_name_statuses_by_their_english_labels() {
    let env = programme();
    let reads: [&[&str]; 3] = [&["item", "list"], &["show", "34843-79"], &["log"]];
    for read in reads {
        let en = env.run(&[&["--lang", "en"][..], read].concat());
        en.ok();
        assert!(
            en.stdout.contains("In progress, delayed"),
            "{read:?}:\n{}",
            en.stdout
        );
        assert!(
            !en.stdout.contains("In uitvoering met vertraging"),
            "{read:?}:\n{}",
            en.stdout
        );
        let nl = env.run(read);
        nl.ok();
        assert!(
            nl.stdout.contains("In uitvoering met vertraging"),
            "{read:?}:\n{}",
            nl.stdout
        );
    }
}

#[test]
fn a_back_dated_change_does_not_override_a_later_effective_one() {
    let env = TestEnv::init();
    env.add(&[
        "--kind",
        "motie",
        "--text",
        "Motie.",
        "--status",
        "niet-begonnen",
        "--responsible",
        "SOCW",
        "--effective",
        "2024-01-01",
    ]);
    // Recorded first, effective later.
    env.run(&["status", "M1", "vertraagd", "--effective", "2024-06-01"])
        .ok();
    env.run(&["assign", "M1", "MJenV", "--effective", "2024-06-01"])
        .ok();
    env.run(&["note", "M1", "Juni-stand.", "--effective", "2024-06-01"])
        .ok();
    // Recorded later, effective earlier: history, not the current value.
    let out = env.run(&["status", "M1", "in-uitvoering", "--effective", "2024-03-01"]);
    out.ok();
    // The receipt's "from" is the current status, the timeline's the status
    // in effect on that day.
    env.run(&["assign", "M1", "MOCW", "--effective", "2024-03-01"])
        .ok();
    env.run(&["note", "M1", "Maart-stand.", "--effective", "2024-03-01"])
        .ok();

    let j = env.run(&["--format", "json", "overview"]).json();
    let m = item(&j, "M1");
    assert_eq!(m["status"]["slug"], "vertraagd");
    assert_eq!(m["responsible"], serde_json::json!(["MJenV"]));
    assert_eq!(m["latest_note"]["text"], "Juni-stand.");
    let table = env.run(&["overview"]);
    table.ok();
    snap!("back_dated_overview", table.stdout);

    let show = env.run(&["--format", "json", "show", "M1"]).json();
    let t = show["timeline"].as_array().unwrap();
    assert_eq!(t[4]["change"], "status");
    assert_eq!(
        t[4]["from"], "niet-begonnen",
        "status in effect on 2024-03-01"
    );
    assert_eq!(t[4]["to"], "in-uitvoering");
    assert_eq!(t[5]["from"], serde_json::json!(["SOCW"]));
    // Notes are listed by effective date on the card (March's, recorded
    // later, first), the timeline in the order of recording.
    let card = env.run(&["show", "M1"]);
    card.ok();
    snap!("back_dated_show", card.stdout);

    // A change effective after the later one does take over.
    env.run(&["status", "M1", "invulling", "--effective", "2024-06-02"])
        .ok();
    let j = env.run(&["--format", "json", "overview"]).json();
    assert_eq!(item(&j, "M1")["status"]["slug"], "invulling");
}

#[test]
fn on_the_same_effective_date_the_later_record_wins() {
    let env = TestEnv::init();
    env.add(&[
        "--kind",
        "toezegging",
        "--text",
        "Brief.",
        "--effective",
        "2024-01-01",
    ]);
    env.run(&["status", "T1", "vertraagd", "--effective", "2024-05-05"])
        .ok();
    env.run(&["status", "T1", "invulling", "--effective", "2024-05-05"])
        .ok();
    env.run(&["note", "T1", "Eerste.", "--effective", "2024-05-05"])
        .ok();
    env.run(&["note", "T1", "Tweede.", "--effective", "2024-05-05"])
        .ok();
    env.run(&["assign", "T1", "SOCW", "--effective", "2024-05-05"])
        .ok();
    env.run(&["assign", "T1", "MOCW", "--effective", "2024-05-05"])
        .ok();
    let j = env.run(&["--format", "json", "overview"]).json();
    let t = item(&j, "T1");
    assert_eq!(t["status"]["slug"], "invulling");
    assert_eq!(t["latest_note"]["text"], "Tweede.");
    assert_eq!(t["responsible"], serde_json::json!(["MOCW"]));
}

#[test]
fn defaults_use_the_ledger_clock_day() {
    let env = TestEnv::init();
    // The pinned clock reads 2025-01-06.
    let j = env
        .run(&[
            "--format", "json", "item", "add", "--kind", "motie", "--text", "Motie.",
        ])
        .json();
    assert_eq!(j["effective"], "2025-01-06");
    assert_eq!(j["body"]["status"], "niet-vermeld");
    assert!(
        j["recorded_at"]
            .as_str()
            .unwrap()
            .starts_with("2025-01-06T09:")
    );
    let j = env.run(&["--format", "json", "note", "M1", "Nu."]).json();
    assert_eq!(j["effective"], "2025-01-06");
    // At most 366 days ahead is accepted.
    env.run(&["status", "M1", "vertraagd", "--effective", "2026-01-07"])
        .ok();
    // Recorded times never decrease when the clock jumps back a little
    // (further back than five minutes is refused: hardening::).
    let before = env.head().unwrap().recorded_at;
    env.clock
        .set(kamerstand::domain::Timestamp::from_unix_nanos(
            before.unix_nanos() - 4 * 60_000_000_000,
        ));
    env.run(&["note", "M1", "Klok terug."]).ok();
    let after = env.head().unwrap().recorded_at;
    assert!(after >= before);
    env.run(&["verify"]).ok();
}

#[test]
fn the_actor_flag_is_recorded() {
    let env = TestEnv::init();
    env.run(&[
        "--actor",
        "Anna de Vries",
        "item",
        "add",
        "--kind",
        "motie",
        "--text",
        "Motie.",
    ])
    .ok();
    let log = env.run(&["--format", "json", "log"]).json();
    assert_eq!(log["events"][0]["actor"], ACTOR);
    assert_eq!(log["events"][1]["actor"], "Anna de Vries");
}

#[test]
fn verify_after_many_commands_is_ok_and_names_the_head() {
    let env = programme();
    let head = env.head().unwrap();
    let out = env.run(&["verify"]);
    out.ok();
    assert_verified(&out.stdout, 8, &head.hash.hex());
    let j = env.run(&["--format", "json", "verify"]).json();
    assert_eq!(j["ok"], true);
    assert_eq!(j["events_checked"], 8);
    assert_eq!(j["head"], head.hash.hex());
    // Read commands change nothing.
    for args in [
        &["overview"][..],
        &["item", "list"],
        &["show", "M1"],
        &["log"],
        &["verify"],
    ] {
        env.run(args).ok();
    }
    assert_eq!(env.head(), Some(head));
}

#[test]
fn the_binary_runs_end_to_end_with_the_system_clock() {
    let env = TestEnv::new();
    env.bin(&["init", "--programme", "NAP"]).ok();
    env.bin(&[
        "item",
        "add",
        "--kind",
        "motie",
        "--text",
        "Motie.",
        "--ref",
        REF_79,
        "--effective",
        "2024-01-01",
    ])
    .ok();
    let out = env.bin(&[
        "status",
        "34843-79",
        "in-uitvoering",
        "--effective",
        "2024-05-01",
    ]);
    out.ok();
    let o = env.bin(&["--format", "json", "overview"]);
    o.ok();
    let j = o.json();
    assert_eq!(item(&j, "34843-79")["status"]["slug"], "in-uitvoering");
    let log = env.bin(&["--format", "json", "log"]).json();
    assert_eq!(log["events"][1]["actor"], ACTOR, "KAMERSTAND_ACTOR is used");
    let v = env.bin(&["verify"]);
    v.ok();
    assert!(
        v.stdout
            .starts_with("in orde: 3 gebeurtenissen gecontroleerd")
    );
}

#[test]
fn demo_builds_shows_and_verifies() {
    let env = TestEnv::new();
    let out = env.run(&["demo"]);
    out.ok();
    // Two annexes imported as rounds, the overview, an item's timeline with
    // a correction, the diff, the exports and a good verification.
    snap!("demo", out.stdout);
    // The demo never touches the store given with --store.
    assert!(!env.store.exists());
}

// ------------------------------------------------------------ legend files

fn ek_legend() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("docs/legend-eerste-kamer.json")
        .to_str()
        .unwrap()
        .to_string()
}

fn init_ek() -> TestEnv {
    let env = TestEnv::new();
    let out = env.run(&["init", "--programme", "EK", "--legend", &ek_legend()]);
    out.ok();
    // The receipt lists the legend's statuses.
    snap!("init_with_a_legend_file", out.stdout);
    env
}

#[test]
fn the_eerste_kamer_legend_is_stored_and_used() {
    let env = init_ek();
    let overview = env.json(&["overview"]);
    let legend: Vec<(&str, &str)> = overview["legend"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["slug"].as_str().unwrap(), e["nl"].as_str().unwrap()))
        .collect();
    assert_eq!(
        legend,
        [
            ("openstaand", "Openstaand"),
            ("deels-voldaan", "Deels voldaan"),
            ("voldaan", "Voldaan"),
            ("niet-vermeld", "Niet vermeld"),
        ]
    );

    let t1 = env.add(&[
        "--kind",
        "toezegging",
        "--text",
        "De minister informeert de Kamer over de evaluatie.",
        "--status",
        "Openstaand",
    ]);
    let t2 = env.add(&[
        "--kind",
        "toezegging",
        "--text",
        "De minister stuurt de Kamer een brief over de uitvoering.",
    ]);
    // Labels, case-insensitively, and slugs are accepted.
    env.run(&["status", &t1, "deels voldaan", "--effective", "2025-02-01"])
        .ok();
    env.run(&["status", &t2, "VOLDAAN", "--effective", "2025-02-02"])
        .ok();
    env.run(&["status", &t1, "voldaan", "--effective", "2025-02-03"])
        .ok();
    env.run(&["status", &t1, "deels-voldaan", "--effective", "2025-02-04"])
        .ok();

    let table = env.run(&["overview"]);
    table.ok();
    snap!("legend_overview", table.stdout);
    let json = env.json(&["overview"]);
    let status_of = |key: &str| {
        json["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["key"] == key)
            .unwrap()["status"]["nl"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(status_of(&t1), "Deels voldaan");
    assert_eq!(status_of(&t2), "Voldaan");
    // The view as of an earlier effective date uses the same labels.
    let earlier = env.json(&["overview", "--effective", "2025-02-01"]);
    assert_eq!(
        earlier["items"].as_array().unwrap()[0]["status"]["nl"],
        "Deels voldaan"
    );

    // The NAP's statuses are not in this legend: the legend's are listed,
    // and for a typo the closest is suggested.
    let mut t = Transcript::new();
    for status in ["in-uitvoering", "opnstaand"] {
        let args = ["status", &t1, status];
        let out = env.refused_in(&args, b"", 2, &[]);
        t.add(&args, &out);
    }
    snap!("legend_status_refusals", t.text());
    env.run(&["verify"]).ok();
}

/// Writes `json` to a legend file beside the store and runs `init` with it.
fn init_with(json: &str) -> (TestEnv, String, Output) {
    let env = TestEnv::new();
    let file = env.dir.path().join("legend.json");
    std::fs::write(&file, json).unwrap();
    let file = file.to_str().unwrap().to_string();
    let out = env.run(&["init", "--programme", "X", "--legend", &file]);
    (env, file, out)
}

#[test]
fn bad_legend_files_are_refused_and_no_store_is_created() {
    // Each: what is wrong with it, then the file.
    let cases: &[&str] = &[
        // Not JSON.
        "not json",
        // No statuses, as a list and as an object.
        "[]",
        r#"{"statuses": []}"#,
        // An unknown member.
        r#"{"legend": []}"#,
        // A slug with a capital.
        r##"[{"slug": "Open", "nl": "Open", "en": "Open", "colour": "#000000"}]"##,
        // A status without its colour.
        r##"[{"slug": "open", "nl": "Open", "en": "Open", "colour": "#000000"},
                 {"slug": "dicht", "nl": "Dicht", "en": "Closed"}]"##,
        // A colour that is no #rrggbb.
        r##"[{"slug": "open", "nl": "Open", "en": "Open", "colour": "rood"}]"##,
        // An empty Dutch label.
        r##"[{"slug": "open", "nl": "", "en": "Open", "colour": "#000000"}]"##,
        // Two statuses with one slug.
        r##"[{"slug": "open", "nl": "Open", "en": "Open", "colour": "#000000"},
                 {"slug": "open", "nl": "Dicht", "en": "Closed", "colour": "#000000"}]"##,
        // Two statuses with one Dutch label, in another case.
        r##"[{"slug": "open", "nl": "Open", "en": "Open", "colour": "#000000"},
                 {"slug": "dicht", "nl": "OPEN", "en": "Closed", "colour": "#000000"}]"##,
    ];
    let mut t = Transcript::new();
    for json in cases {
        let (env, file, out) = init_with(json);
        out.refusal(2, json, &[]);
        assert!(!env.store.exists(), "{json}: a store was created");
        t.note(&format!("legend.json: {json}"));
        t.add(&["init", "--programme", "X", "--legend", &file], &out);
    }
    snap!(t.text());
}

#[test]
fn unreadable_legend_files_are_refused() {
    let env = TestEnv::new();
    let missing = env.dir.path().join("geen-legenda.json");
    let mut t = Transcript::new();
    let args = [
        "init",
        "--programme",
        "X",
        "--legend",
        missing.to_str().unwrap(),
    ];
    let out = env.run(&args);
    out.refusal(2, "missing legend file", &[]);
    assert!(!env.store.exists());
    t.add(&args, &out);

    t.note("legend.json: a byte order mark, then []");
    let (env, file, out) = init_with("\u{feff}[]");
    out.refusal(2, "legend file with a BOM", &[]);
    assert!(!env.store.exists());
    t.add(&["init", "--programme", "X", "--legend", &file], &out);

    t.note("latin1.json: [{\"slug\": \"a\", \"nl\": \"\\xe9\"}]");
    let bytes = env.dir.path().join("latin1.json");
    std::fs::write(&bytes, b"[{\"slug\": \"a\", \"nl\": \"\xe9\"}]").unwrap();
    let args = [
        "init",
        "--programme",
        "X",
        "--legend",
        bytes.to_str().unwrap(),
    ];
    let out = env.run(&args);
    out.refusal(2, "latin-1 legend file", &[]);
    assert!(!env.store.exists());
    t.add(&args, &out);
    snap!(t.text());
}

#[test]
fn a_legend_file_does_not_replace_an_existing_ledger() {
    let env = TestEnv::init();
    let before = env.head();
    let out = env.run(&["init", "--programme", "EK", "--legend", &ek_legend()]);
    out.expect_code(2);
    assert_eq!(env.head(), before);
    // The NAP legend still holds.
    let legend = env.json(&["overview"])["legend"].as_array().unwrap().len();
    assert_eq!(legend, 6);
}

#[test]
fn the_clerks_guide_shows_the_legend_file_as_it_is() {
    let file = std::fs::read_to_string(ek_legend()).unwrap();
    let guide = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/clerk-guide.md"),
    )
    .unwrap();
    assert!(
        guide.contains(&format!("```json\n{file}```")),
        "docs/clerk-guide.md must show docs/legend-eerste-kamer.json verbatim"
    );
}

#[test]
fn account_list_speaks_the_language_asked_for() {
    let env = TestEnv::init();
    let none = env.run(&["account", "list"]);
    none.ok();
    assert!(
        none.stdout.starts_with("Geen accounts: "),
        "{}",
        none.stdout
    );
    env.run(&[
        "account", "add", "audit", "--name", "Audit", "--role", "auditor",
    ])
    .ok();
    for (lang, header, state) in [
        (
            "nl",
            [
                "account",
                "naam",
                "rol",
                "ministeries",
                "staat",
                "sinds",
                "seq",
            ],
            "actief",
        ),
        (
            "en",
            [
                "account",
                "name",
                "role",
                "ministries",
                "state",
                "since",
                "seq",
            ],
            "enabled",
        ),
    ] {
        let out = env.run(&["--lang", lang, "account", "list"]);
        out.ok();
        let lines: Vec<&str> = out.stdout.lines().collect();
        assert_eq!(
            lines[0].split_whitespace().collect::<Vec<_>>(),
            header,
            "{}",
            out.stdout
        );
        assert!(
            lines[1].starts_with("audit ") && lines[1].contains(state),
            "{}",
            out.stdout
        );
    }
}

#[test]
fn keys_their_list_and_a_round_signature_speak_the_language_asked_for() {
    let env = TestEnv::init();
    let none = env.run(&["key", "list"]);
    none.ok();
    assert!(
        none.stdout.starts_with("geen sleutels geregistreerd; "),
        "{}",
        none.stdout
    );
    let none = env.run(&["--lang", "en", "key", "list"]);
    assert!(
        none.stdout.starts_with("no keys registered; "),
        "{}",
        none.stdout
    );
    // `key generate` names the two files it wrote in either language.
    for (lang, file, said) in [
        (
            "nl",
            "signer.key",
            "{k} (de privésleutel: bewaar die goed; alleen u kunt hem lezen) en {k}.pub (de publieke sleutel) geschreven\n",
        ),
        (
            "en",
            "other.key",
            "wrote {k} (the private key: keep it safe; readable by you only) and {k}.pub (the public key)\n",
        ),
    ] {
        let k = env.dir.path().join(file);
        let k = k.to_str().unwrap();
        let out = env.run(&[
            "--lang",
            lang,
            "key",
            "generate",
            "--out",
            k,
            "--name",
            "example.org/nap",
        ]);
        out.ok();
        assert!(
            out.stdout.starts_with(&said.replace("{k}", k)),
            "{lang}: {}",
            out.stdout
        );
    }
    let key = env.dir.path().join("signer.key");
    let key = key.to_str().unwrap();
    let public = format!("{key}.pub");
    let out = env.run(&[
        "key",
        "add",
        &public,
        "--name",
        "example.org/nap",
        "--role",
        "signer",
    ]);
    out.ok();
    assert!(
        out.stdout
            .starts_with("sleutel example.org/nap (signer) geregistreerd (sleutel-id "),
        "{}",
        out.stdout
    );
    for (lang, line) in [("nl", "  sleutel-id "), ("en", "  key id ")] {
        let out = env.run(&["--lang", lang, "key", "list"]);
        out.ok();
        assert!(
            out.stdout.starts_with("example.org/nap  signer") && out.stdout.contains(line),
            "{lang}: {}",
            out.stdout
        );
    }
    env.run(&["round", "seal", "r1", "--reported-on", "2025-01-06"])
        .ok();
    let out = env.run(&["--lang", "en", "round", "sign", "r1", "--key", key]);
    out.ok();
    assert!(
        out.stdout
            .starts_with("round r1 signed with key example.org/nap\nrecorded as seq "),
        "{}",
        out.stdout
    );
}

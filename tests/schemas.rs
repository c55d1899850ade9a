//! Machine output against its contract: every JSON document the CLI prints
//! is validated against its JSON Schema in `schema/` (draft 2020-12, with
//! boon, from the files on disk; nothing is fetched).
//!
//! One ledger holds every kind of event — registrations with checked, odd,
//! unparsed and Handelingen citations, status changes with and without a
//! reason, assignments, notes, amendments, two sealed rounds, corrections of
//! each kind of event, a correction of a correction, retractions of a note,
//! an amendment and a registration (a withdrawn item). It is read in several
//! views: current, `--as-of` an instant, a date and a moment before the
//! ledger existed, `--round`, `--effective` and their combinations. Checked:
//! `overview`, `item list`, `show` (every item), `log` (also `--item`,
//! `--limit`), `round list`, `round digest`, `diff` (rounds, instants, `now`,
//! `--all`), `verify` (intact, digest found and not found, tampered store),
//! every write command's receipt, `export --format json` and `--format
//! events`, and `demo` (also with `--keep`).
//!
//! The schemas require every documented key and forbid unknown ones, so a
//! renamed or dropped field fails; `renaming_any_key_fails_validation` proves
//! that for every key of every kind of document, and the other tests check
//! that the ledger really produced every variant (event types, timeline
//! changes, citation forms, view bases, breaks), so no branch of a schema
//! goes unexercised.

use crate::common::{TestEnv, raw};
use boon::{Compiler, Draft, SchemaIndex, Schemas};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// Every schema file in `schema/`, by the name before `.schema.json`.
const SCHEMAS: [&str; 15] = [
    "accounts",
    "api-error",
    "api-requests",
    "demo",
    "diff",
    "import-report",
    "item-list",
    "log",
    "overview",
    "proof-check",
    "receipt",
    "round-digest",
    "rounds",
    "show",
    "verify",
];

fn schema_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("schema")
}

/// The compiled schemas.
pub(crate) struct Checker {
    schemas: Schemas,
    index: BTreeMap<&'static str, SchemaIndex>,
}

impl Checker {
    pub(crate) fn new() -> Checker {
        let mut compiler = Compiler::new();
        compiler.set_default_draft(Draft::V2020_12);
        compiler.enable_format_assertions();
        let mut schemas = Schemas::new();
        let mut index = BTreeMap::new();
        for name in SCHEMAS {
            let path = schema_dir().join(format!("{name}.schema.json"));
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            let json: Value = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()));
            assert_eq!(
                json["$schema"], "https://json-schema.org/draft/2020-12/schema",
                "{name}: not a draft 2020-12 schema"
            );
            let url = format!("https://kamerstand.invalid/schema/{name}.schema.json");
            compiler.add_resource(&url, json).unwrap();
            let i = compiler
                .compile(&url, &mut schemas)
                .unwrap_or_else(|e| panic!("{name}.schema.json does not compile: {e:#}"));
            index.insert(name, i);
        }
        Checker { schemas, index }
    }

    /// Validates `doc` against `schema`; the error in words.
    fn check(&self, schema: &str, doc: &Value) -> Result<(), String> {
        let i = *self
            .index
            .get(schema)
            .unwrap_or_else(|| panic!("no schema {schema}"));
        self.schemas.validate(doc, i).map_err(|e| format!("{e}"))
    }

    /// Panics unless `doc` is valid against `schema`.
    #[track_caller]
    pub(crate) fn valid(&self, schema: &str, what: &str, doc: &Value) {
        if let Err(e) = self.check(schema, doc) {
            let pretty = serde_json::to_string_pretty(doc).unwrap();
            panic!("{what} does not match {schema}.schema.json:\n{e}\n--- document\n{pretty}");
        }
    }
}

/// Every document produced from the ledger: (schema, what was run, output).
type Docs = Vec<(&'static str, String, Value)>;

/// The ledger with every kind of event; returns the environment and the
/// receipts of the write commands, in order.
///
/// Seq 0 created; 1 39112-14 registered; 2 T1; 3 35570-C (Eerste Kamer, a
/// second odd citation); 4 M-hand (Handelingen citation and a raw one); 5
/// M-weg; 6 status 39112-14; 7 assign T1; 8 note 39112-14; 9 amend T1 (text
/// only); 10 amend 35570-C (everything); 11 seal R1; 12 status T1 without a
/// reason, back-dated; 13 note T1 from standard input; 14 correct 6
/// (status); 15 correct 7 (responsible); 16 correct 8 (note); 17 correct 14
/// (status: a correction of a correction); 18 retract 13 (note); 19
/// retract 10 (amendment); 20 retract 5 (registration: M-weg withdrawn); 21
/// correct 4 (registration: status and responsible); 22 seal R2.
fn ledger() -> (TestEnv, Vec<(String, Value)>) {
    let env = TestEnv::init();
    env.set_clock("2025-03-03T09:00:00Z");
    let mut receipts = Vec::new();
    let mut write = |args: &[&str], input: &str| {
        let mut full = vec!["--format", "json"];
        full.extend_from_slice(args);
        let out = env.run_with_input(&full, input.as_bytes());
        out.ok();
        let v = out.json();
        assert_eq!(v["seq"], receipts.len() + 1, "{args:?}");
        receipts.push((args.join(" "), v));
    };
    let steps: [&[&str]; 11] = [
        &[
            "item",
            "add",
            "--kind",
            "motie",
            "--text",
            "Motie van het lid Kaya c.s.; verzoekt de regering gemeenten te helpen.",
            "--submitter",
            "Kaya",
            "--submitter",
            "Bikker",
            "--ref",
            "Kamerstukken II 2024/25, 39112, nr. 14",
            "--responsible",
            "MVRO",
            "--status",
            "niet-begonnen",
            "--effective",
            "2024-11-14",
        ],
        &[
            "item",
            "add",
            "--kind",
            "toezegging",
            "--text",
            "De minister stuurt voor 1 juli een brief.",
            "--responsible",
            "MVRO",
            "--status",
            "in-uitvoering",
            "--effective",
            "2025-02-11",
        ],
        &[
            "item",
            "add",
            "--kind",
            "motie",
            "--text",
            "Motie in de Eerste Kamer.",
            "--ref",
            "Kamerstukken I 2020/21, 35 570, C",
            "--ref",
            "Kamerstukken II 202/25, 36600 XVIII, nr. 7",
            "--effective",
            "2025-01-20",
        ],
        &[
            "item",
            "add",
            "--kind",
            "motie",
            "--key",
            "M-hand",
            "--text",
            "Motie uit het debat.",
            "--ref",
            "Handelingen II 2024/25, nr. 41, item 9",
            "--ref-raw",
            "toezegging tijdens het commissiedebat van 12 maart",
            "--responsible",
            "MOCW en SOCW",
            "--status",
            "Doorlopend gedurende uitvoering programma",
            "--effective",
            "2025-02-01",
        ],
        &[
            "item",
            "add",
            "--kind",
            "motie",
            "--key",
            "M-weg",
            "--text",
            "Motie die ten onrechte werd geregistreerd.",
            "--effective",
            "2025-02-02",
        ],
        &[
            "status",
            "39112-14",
            "in-uitvoering",
            "--effective",
            "2025-03-01",
            "--reason",
            "regeling gepubliceerd",
        ],
        &[
            "assign",
            "T1",
            "MVRO en SVWS",
            "--effective",
            "2025-02-20",
            "--reason",
            "herverdeling portefeuilles",
        ],
        &[
            "note",
            "39112-14",
            "Veertig gemeenten hebben een aanvraag ingedeind.",
            "--ref",
            "Kamerstukken II 2024/25, 39112, nr. 22",
            "--effective",
            "2025-03-02",
        ],
        &[
            "item",
            "amend",
            "T1",
            "--text",
            "De minister stuurt voor 1 juli 2025 een brief.",
        ],
        &[
            "item",
            "amend",
            "35570-C",
            "--text",
            "Motie in de Eerste Kamer, herzien.",
            "--ref",
            "Kamerstukken I 2020/21, 35 570, D",
            "--submitter",
            "Nicolaï",
            "--reason",
            "verkeerde letter",
        ],
        &[
            "round",
            "seal",
            "R1",
            "--title",
            "Voortgangsbrief maart 2025",
            "--reported-on",
            "2025-03-03",
        ],
    ];
    for args in steps {
        write(args, "");
    }
    env.set_clock("2025-04-01T09:00:00Z");
    write(
        &["status", "T1", "vertraagd", "--effective", "2025-02-25"],
        "",
    );
    write(
        &["note", "T1", "-", "--effective", "2025-03-20"],
        "Eerste regel.\nTweede regel.\n",
    );
    let corrections: [&[&str]; 8] = [
        &["correct", "6", "--status", "invulling", "--reason", "r1"],
        &["correct", "7", "--responsible", "SVWS", "--reason", "r2"],
        &[
            "correct",
            "8",
            "--note",
            "Veertig gemeenten hebben een aanvraag ingediend.",
            "--effective",
            "2025-03-01",
            "--reason",
            "typefout",
        ],
        &[
            "correct",
            "14",
            "--status",
            "in-uitvoering",
            "--reason",
            "r4",
        ],
        &[
            "correct",
            "13",
            "--retract",
            "--reason",
            "hoort bij een ander item",
        ],
        &[
            "correct",
            "10",
            "--retract",
            "--reason",
            "amendement ingetrokken",
        ],
        &[
            "correct",
            "5",
            "--retract",
            "--reason",
            "dubbel geregistreerd",
        ],
        &[
            "correct",
            "4",
            "--status",
            "niet-vermeld",
            "--responsible",
            "MOCW",
            "--effective",
            "2025-02-03",
            "--reason",
            "r8",
        ],
    ];
    for args in corrections {
        write(args, "");
    }
    write(&["round", "seal", "R2", "--reported-on", "2025-04-01"], "");
    // A signer key, registered, signs R2.
    let key = env.dir.path().join("sign.key").display().to_string();
    env.run(&[
        "key",
        "generate",
        "--out",
        &key,
        "--name",
        "kamerstand.example/nap",
    ])
    .ok();
    write(
        &[
            "key",
            "add",
            &format!("{key}.pub"),
            "--name",
            "kamerstand.example/nap",
            "--role",
            "signer",
        ],
        "",
    );
    write(&["round", "sign", "R2", "--key", &key], "");
    (env, receipts)
}

/// The keys of the ledger's items, withdrawn one included.
const KEYS: [&str; 5] = ["39112-14", "35570-C", "M-hand", "M-weg", "T1"];

/// The views every read command is run in.
fn views() -> Vec<Vec<&'static str>> {
    vec![
        vec![],
        // Between the first registrations (the clock moves a minute per
        // reading from 09:00).
        vec!["--as-of", "2025-03-03T09:03:30Z"],
        vec![
            "--as-of",
            "2025-03-03T10:03:30+01:00",
            "--effective",
            "2025-01-31",
        ],
        // End of that day, Dutch time: everything up to R1.
        vec!["--as-of", "2025-03-03"],
        // Before the ledger existed: an empty view.
        vec!["--as-of", "2024-01-01"],
        vec!["--round", "R1"],
        vec!["--round", "R2", "--effective", "2025-02-15"],
        vec!["--effective", "2025-01-25"],
        vec!["--effective", "2025-02-26"],
    ]
}

/// Runs `--format json ARGS…` expecting exit code `code`; the parsed output.
fn json_with_code(env: &TestEnv, args: &[&str], code: i32) -> Value {
    let mut full = vec!["--format", "json"];
    full.extend_from_slice(args);
    let out = env.run(&full);
    out.expect_code(code);
    assert!(out.stdout.ends_with("}\n"), "{args:?}: {}", out.stdout);
    out.json()
}

/// Runs `--format json ARGS…` and keeps the output as a document for `schema`.
fn add(docs: &mut Docs, env: &TestEnv, schema: &'static str, args: &[&str], code: i32) {
    let v = json_with_code(env, args, code);
    docs.push((schema, args.join(" "), v));
}

/// Every read document of the ledger, in every view.
fn read_docs(env: &TestEnv) -> Docs {
    let mut docs: Docs = Vec::new();
    for view in views() {
        let with = |cmd: &[&'static str]| -> Vec<&'static str> {
            let mut a = cmd.to_vec();
            a.extend(view.iter().copied());
            a
        };
        add(&mut docs, env, "overview", &with(&["overview"]), 0);
        add(&mut docs, env, "item-list", &with(&["item", "list"]), 0);
        add(&mut docs, env, "log", &with(&["log"]), 0);
        add(
            &mut docs,
            env,
            "overview",
            &with(&["export", "--format", "json"]),
            0,
        );
        for key in KEYS {
            let args = with(&["show", key]);
            let mut full = vec!["--format", "json"];
            full.extend_from_slice(&args);
            let out = env.run(&full);
            // Before its registration was recorded an item is unknown.
            if out.code == 0 {
                docs.push(("show", args.join(" "), out.json()));
            } else {
                out.expect_code(2);
            }
        }
    }
    let more: [(&str, &[&str]); 12] = [
        ("log", &["log", "--item", "39112-14"]),
        (
            "log",
            &["log", "--limit", "3", "--item", "T1", "--round", "R2"],
        ),
        ("log", &["log", "--limit", "0"]),
        ("rounds", &["round", "list"]),
        ("round-digest", &["round", "digest", "R1"]),
        ("round-digest", &["round", "digest", "r2"]),
        ("diff", &["diff", "R1", "R2"]),
        ("diff", &["diff", "R1", "now", "--all", "--events"]),
        ("diff", &["diff", "2024-01-01", "R1", "--events"]),
        (
            "diff",
            &[
                "diff",
                "2025-03-03T09:03:30Z",
                "2025-04-01T09:05:30Z",
                "--events",
            ],
        ),
        ("diff", &["diff", "now", "now", "--events"]),
        ("verify", &["verify"]),
    ];
    for (schema, args) in more {
        let schema: &'static str = SCHEMAS.iter().find(|s| **s == schema).unwrap();
        add(&mut docs, env, schema, args, 0);
    }
    docs
}

/// `verify` with digests found and not found: (args, exit code).
fn verify_docs(env: &TestEnv) -> Docs {
    let rounds = env.json(&["round", "list"]);
    let r1 = rounds["rounds"][0]["digest"].as_str().unwrap().to_string();
    let head = env.json(&["verify"])["head"].as_str().unwrap().to_string();
    let mut wrong = r1.clone();
    wrong.replace_range(63.., if r1.ends_with('0') { "1" } else { "0" });
    let cases: Vec<(Vec<String>, i32)> = vec![
        (
            vec!["--digest".into(), r1.clone(), "--round".into(), "R1".into()],
            0,
        ),
        (vec!["--digest".into(), head], 0),
        (
            vec![
                "--digest".into(),
                wrong.clone(),
                "--round".into(),
                "R1".into(),
            ],
            1,
        ),
        (vec!["--digest".into(), wrong.clone()], 1),
        (
            vec!["--digest".into(), r1, "--round".into(), "R9".into()],
            1,
        ),
    ];
    let mut docs: Docs = Vec::new();
    for (args, code) in cases {
        let mut full: Vec<&str> = vec!["verify"];
        full.extend(args.iter().map(String::as_str));
        let v = json_with_code(env, &full, code);
        docs.push(("verify", full.join(" "), v));
    }
    docs
}

/// Flips a byte of the stored hash of event `seq`, with sled directly.
fn damage(env: &TestEnv, seq: u64) {
    raw::edit(env, |raw| raw.flip(seq, 0, 0x01));
}

/// Each line of `export --format events`, without its `bytes`: documented
/// to be an element of `log`'s events.
fn events_export(env: &TestEnv, c: &Checker) -> usize {
    let out = env.run(&["export", "--format", "events"]);
    out.ok();
    let mut n = 0;
    for line in out.stdout.lines() {
        let mut v: Value = serde_json::from_str(line).unwrap();
        let bytes = v.as_object_mut().unwrap().remove("bytes").unwrap();
        let hex = bytes.as_str().unwrap();
        assert!(
            !hex.is_empty()
                && hex
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
            "bytes is not lowercase hex: {line}"
        );
        c.valid("receipt", "a line of export --format events", &v);
        n += 1;
    }
    n
}

/// The values found at `key` anywhere in `v`, as strings.
fn collect(v: &Value, key: &str, into: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if k == key {
                    into.insert(match x {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    });
                }
                collect(x, key, into);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| collect(x, key, into)),
        _ => {}
    }
}

fn found(docs: &Docs, schema: &str, key: &str) -> BTreeSet<String> {
    let mut s = BTreeSet::new();
    for (_, _, v) in docs.iter().filter(|(s, _, _)| *s == schema) {
        collect(v, key, &mut s);
    }
    s
}

fn set(xs: &[&str]) -> BTreeSet<String> {
    xs.iter().map(|s| (*s).to_string()).collect()
}

#[test]
fn schema_directory_holds_exactly_the_schemas_checked_here() {
    let mut on_disk: Vec<String> = std::fs::read_dir(schema_dir())
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            name.strip_suffix(".schema.json").map(str::to_string)
        })
        .collect();
    on_disk.sort();
    assert_eq!(on_disk, SCHEMAS.to_vec());
    // Each one compiles against the draft 2020-12 meta-schema.
    let _ = Checker::new();
}

#[test]
fn receipts_of_every_write_command_match_the_receipt_schema() {
    let c = Checker::new();
    let (_env, receipts) = ledger();
    for (what, v) in &receipts {
        c.valid("receipt", what, v);
    }
    let types: BTreeSet<String> = receipts
        .iter()
        .map(|(_, v)| v["type"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        types,
        set(&[
            "corrected",
            "item_amended",
            "item_registered",
            "key_registered",
            "progress_noted",
            "responsibility_changed",
            "round_sealed_v2",
            "round_signed",
            "status_changed",
        ])
    );
}

#[test]
fn every_read_command_in_every_view_matches_its_schema() {
    let c = Checker::new();
    let (env, _) = ledger();
    let docs = read_docs(&env);
    for (schema, what, v) in &docs {
        c.valid(schema, what, v);
    }

    // Every variant the schemas describe was produced at least once.
    assert_eq!(
        found(&docs, "log", "type"),
        set(&[
            "corrected",
            "item_amended",
            "item_registered",
            "key_registered",
            "ledger_created",
            "progress_noted",
            "responsibility_changed",
            "round_sealed_v2",
            "round_signed",
            "status_changed",
        ])
    );
    let all_changes = set(&[
        "amended",
        "corrected",
        "note",
        "registered",
        "responsible",
        "status",
    ]);
    assert_eq!(found(&docs, "show", "change"), all_changes);
    assert_eq!(
        found(&docs, "diff", "change"),
        set(&["amended", "corrected", "note", "responsible", "status"])
    );
    assert_eq!(
        found(&docs, "overview", "basis"),
        set(&["as_of", "current", "round"])
    );
    assert_eq!(
        found(&docs, "show", "source"),
        set(&["handelingen", "kamerstukken"])
    );
    assert_eq!(found(&docs, "show", "chamber"), set(&["I", "II"]));
    assert!(
        found(&docs, "show", "parsed").contains("null"),
        "an unparsed citation"
    );
    assert!(
        found(&docs, "show", "flags").iter().any(|f| f != "[]"),
        "a flagged citation"
    );
    assert_eq!(found(&docs, "show", "withdrawn"), set(&["false", "true"]));
    assert_eq!(found(&docs, "show", "exists"), set(&["false", "true"]));
    assert_eq!(found(&docs, "show", "retract"), set(&["false", "true"]));
    assert!(
        found(&docs, "overview", "head").contains("null"),
        "an empty view"
    );
    assert!(found(&docs, "overview", "latest_note").contains("null"));
    assert!(found(&docs, "diff", "added").contains("true"));
    assert!(found(&docs, "diff", "withdrawn").contains("true"));
    for key in ["status", "responsible"] {
        let values = found(&docs, "diff", key);
        assert!(
            values.iter().any(|s| s.contains("\"from\"")),
            "diff {key} from → to"
        );
    }
}

#[test]
fn verify_with_digests_and_on_a_tampered_store_matches_the_verify_schema() {
    let c = Checker::new();
    let (env, _) = ledger();
    let mut docs = verify_docs(&env);
    damage(&env, 9);
    let broken = json_with_code(&env, &["verify"], 1);
    assert_eq!(broken["first_break"]["seq"], 9, "{broken}");
    docs.push(("verify", "verify (tampered)".into(), broken));
    for (schema, what, v) in &docs {
        c.valid(schema, what, v);
    }
    assert_eq!(found(&docs, "verify", "ok"), set(&["false", "true"]));
    assert!(found(&docs, "verify", "found_at").contains("null"));
}

#[test]
fn both_export_forms_match_their_schemas() {
    let c = Checker::new();
    let (env, _) = ledger();
    assert_eq!(events_export(&env, &c), 25);
    for view in [
        &["--round", "R1"][..],
        &["--as-of", "2024-01-01"],
        &["--effective", "2025-02-01"],
    ] {
        let mut args = vec!["export", "--format", "json"];
        args.extend_from_slice(view);
        let out = env.run(&args);
        out.ok();
        c.valid("overview", &args.join(" "), &out.json());
    }
}

/// `demo --format json`, and with `--keep` (whose directory is removed).
fn demo_docs() -> Docs {
    let env = TestEnv::new();
    let mut docs: Docs = Vec::new();
    add(&mut docs, &env, "demo", &["demo"], 0);
    add(&mut docs, &env, "demo", &["demo", "--keep"], 0);
    let dir = PathBuf::from(docs[1].2["dir"].as_str().unwrap());
    let name = dir.file_name().unwrap().to_str().unwrap();
    assert!(name.starts_with("kamerstand-demo-"), "{}", dir.display());
    std::fs::remove_dir_all(&dir).unwrap();
    docs
}

#[test]
fn demo_matches_the_demo_schema() {
    let c = Checker::new();
    for (schema, what, v) in &demo_docs() {
        c.valid(schema, what, v);
    }
}

/// The path to every object key in `v`, one per distinct shape: array
/// indices collapse, except that elements are told apart by their `type` or
/// `change` (event and timeline variants have keys of their own).
fn key_paths(
    v: &Value,
    path: &mut Vec<PathStep>,
    shape: &mut String,
    out: &mut BTreeMap<String, Vec<PathStep>>,
) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                path.push(PathStep::Key(k.clone()));
                let len = shape.len();
                shape.push('/');
                shape.push_str(k);
                out.entry(shape.clone()).or_insert_with(|| path.clone());
                key_paths(x, path, shape, out);
                shape.truncate(len);
                path.pop();
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                path.push(PathStep::Index(i));
                let len = shape.len();
                let variant = x
                    .get("type")
                    .or_else(|| x.get("change"))
                    .and_then(Value::as_str)
                    .unwrap_or("*");
                shape.push_str(&format!("[{variant}]"));
                key_paths(x, path, shape, out);
                shape.truncate(len);
                path.pop();
            }
        }
        _ => {}
    }
}

#[derive(Debug, Clone)]
enum PathStep {
    Key(String),
    Index(usize),
}

/// `doc` with the key at `path` renamed by appending `_renamed`.
fn renamed(doc: &Value, path: &[PathStep]) -> Value {
    let mut doc = doc.clone();
    let (last, parents) = path.split_last().unwrap();
    let mut at = &mut doc;
    for step in parents {
        at = match step {
            PathStep::Key(k) => at.get_mut(k.as_str()).unwrap(),
            PathStep::Index(i) => at.get_mut(*i).unwrap(),
        };
    }
    let PathStep::Key(k) = last else {
        unreachable!("paths end at a key")
    };
    let m = at.as_object_mut().unwrap();
    let x = m.remove(k).unwrap();
    m.insert(format!("{k}_renamed"), x);
    doc
}

#[test]
fn renaming_any_key_fails_validation() {
    let c = Checker::new();
    let (env, receipts) = ledger();
    let mut docs = read_docs(&env);
    docs.extend(verify_docs(&env));
    docs.extend(receipts.into_iter().map(|(w, v)| ("receipt", w, v)));
    docs.extend(demo_docs());
    let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
    let mut tried = 0;
    for (schema, what, doc) in &docs {
        let mut paths = BTreeMap::new();
        key_paths(doc, &mut Vec::new(), &mut String::new(), &mut paths);
        for (shape, path) in paths {
            if !seen.insert(((*schema).to_string(), shape.clone())) {
                continue;
            }
            tried += 1;
            assert!(
                c.check(schema, &renamed(doc, &path)).is_err(),
                "{schema}.schema.json accepts `{what}` with the key {shape} renamed"
            );
        }
    }
    assert!(tried > 300, "only {tried} keys tried");
}

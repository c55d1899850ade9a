//! Bad input: every refusal exits 2, says on stderr which input was wrong and
//! what would be accepted, prints nothing on stdout, and writes nothing (the
//! stored head is the same before and after).

use crate::common::{Output, TestEnv, head_at};
use std::path::Path;

/// A ledger with three items: 34843-79 (motion, in progress, SOCW and
/// SJenV), M1 (motion, not stated) and T1 (commitment, no one responsible).
fn fixture() -> TestEnv {
    let env = TestEnv::init();
    env.add(&[
        "--kind",
        "motie",
        "--text",
        "Motie van het lid Jansen; verzoekt de regering een meldpunt in te richten.",
        "--ref",
        "Kamerstukken II 2022/23, 34843, nr. 79",
        "--responsible",
        "SOCW en SJenV",
        "--status",
        "in-uitvoering",
        "--effective",
        "2024-01-01",
    ]);
    env.add(&[
        "--kind",
        "motie",
        "--text",
        "Motie zonder citaat.",
        "--effective",
        "2024-01-01",
    ]);
    env.add(&[
        "--kind",
        "toezegging",
        "--text",
        "De minister stuurt een brief.",
        "--effective",
        "2024-01-01",
    ]);
    env
}

/// Runs `args` with `input` on stdin and checks the refusal: exit 2, every
/// needle on stderr, nothing on stdout, the head unchanged.
#[track_caller]
fn refused_with_input(env: &TestEnv, args: &[&str], input: &[u8], needles: &[&str]) -> Output {
    env.refused_in(args, input, 2, needles)
}

/// Runs `args` against the store at `other` and checks the refusal as
/// above; neither that path's store nor the environment's changes.
#[track_caller]
fn refused_at(env: &TestEnv, other: &Path, args: &[&str], needles: &[&str]) -> Output {
    let before = (env.head(), head_at(other), other.exists());
    let mut full = vec!["--store", other.to_str().unwrap()];
    full.extend_from_slice(args);
    let out = env.run_bare(&full);
    out.refusal(2, &format!("{args:?}"), needles);
    assert_eq!(
        out.stderr.ends_with("\nNothing was written.\n"),
        writes(args),
        "{args:?}: {}",
        out.stderr
    );
    assert_eq!(
        (env.head(), head_at(other), other.exists()),
        before,
        "{args:?} changed a store"
    );
    out
}

/// True for the commands that would append events: their refusals end by
/// saying that nothing was written.
fn writes(args: &[&str]) -> bool {
    let mut words: Vec<&str> = Vec::new();
    let mut value_follows = false;
    for a in args {
        if value_follows {
            value_follows = false;
        } else if matches!(*a, "--store" | "--format" | "--actor" | "--wait") {
            value_follows = true;
        } else if !a.starts_with("--") {
            words.push(a);
        }
    }
    match words.as_slice() {
        ["item", sub, ..] => matches!(*sub, "add" | "amend"),
        [cmd, ..] => matches!(*cmd, "init" | "status" | "assign" | "note"),
        [] => false,
    }
}

/// As [`refused_with_input`] with empty stdin; refusals of write commands
/// also say that nothing was written.
#[track_caller]
fn refused(env: &TestEnv, args: &[&str], needles: &[&str]) -> Output {
    let out = refused_with_input(env, args, b"", needles);
    assert_eq!(
        out.stderr.ends_with("\nNothing was written.\n"),
        writes(args),
        "{args:?}: {}",
        out.stderr
    );
    out
}

#[test]
fn unknown_status_lists_the_valid_values() {
    let env = fixture();
    let valid = [
        "'klaar'",
        "invulling",
        "in-uitvoering",
        "doorlopend",
        "vertraagd",
        "niet-begonnen",
        "niet-vermeld",
        "In uitvoering met vertraging",
    ];
    let mut needles = vec!["invalid status"];
    needles.extend(valid);
    refused(&env, &["status", "M1", "klaar"], &needles);
    refused(
        &env,
        &[
            "item", "add", "--kind", "motie", "--text", "x", "--status", "klaar",
        ],
        &needles,
    );
    // A slug with a typo is no status either.
    refused(
        &env,
        &["status", "M1", "in_uitvoering"],
        &["'in_uitvoering'", "in-uitvoering"],
    );
}

#[test]
fn bad_dates_name_the_flag_and_the_form() {
    let env = fixture();
    for bad in [
        "01-02-2024",
        "2024-2-1",
        "gisteren",
        "3000-01-01",
        "2024-06-01T10:00",
    ] {
        let quoted = format!("'{bad}'");
        let needles = ["--effective", quoted.as_str(), "YYYY-MM-DD"];
        refused(
            &env,
            &["status", "M1", "vertraagd", "--effective", bad],
            &needles,
        );
        refused(
            &env,
            &["assign", "M1", "SOCW", "--effective", bad],
            &needles,
        );
        refused(&env, &["note", "M1", "tekst", "--effective", bad], &needles);
        refused(
            &env,
            &[
                "item",
                "add",
                "--kind",
                "motie",
                "--text",
                "x",
                "--effective",
                bad,
            ],
            &needles,
        );
    }
    for bad in ["2023-02-29", "2024-13-01", "2024-04-31"] {
        let quoted = format!("'{bad}'");
        refused(
            &env,
            &["status", "M1", "vertraagd", "--effective", bad],
            &["--effective", &quoted, "does not exist in the calendar"],
        );
    }
}

#[test]
fn unknown_key_suggests_close_keys_and_item_list() {
    let env = fixture();
    let needles = [
        "no item with key or id prefix '34843-97'",
        "Did you mean 34843-79",
        "`kamerstand item list`",
    ];
    refused(&env, &["status", "34843-97", "vertraagd"], &needles);
    refused(&env, &["assign", "34843-97", "SOCW"], &needles);
    refused(&env, &["note", "34843-97", "tekst"], &needles);
    refused(
        &env,
        &["item", "amend", "34843-97", "--text", "x"],
        &needles,
    );
    refused(&env, &["show", "34843-97"], &needles);
    refused(&env, &["log", "--item", "34843-97"], &needles);
    // Nothing close: no suggestion, still the pointer to `item list`.
    let out = refused(
        &env,
        &["show", "geheel-iets-anders"],
        &["'geheel-iets-anders'", "`kamerstand item list`"],
    );
    assert!(!out.stderr.contains("Did you mean"), "{}", out.stderr);
}

#[test]
fn ambiguous_id_prefix_is_refused_and_a_longer_one_accepted() {
    let env = fixture();
    let ids: Vec<String> = ["34843-79", "M1", "T1"]
        .iter()
        .map(|k| env.id_of(k))
        .collect();
    // TestClock ids start with the same millisecond timestamp digits.
    let common = ids[0]
        .chars()
        .zip(ids[1].chars())
        .zip(ids[2].chars())
        .take_while(|((a, b), c)| a == b && b == c)
        .count();
    assert!(common >= 4, "ids share too short a prefix: {ids:?}");
    let prefix = &ids[0][..common];
    refused(
        &env,
        &["status", prefix, "vertraagd"],
        &[
            &format!("id prefix '{prefix}' is ambiguous"),
            "matches 3 items",
            "give more digits or the item's key",
            &ids[1],
        ],
    );
    refused(&env, &["show", prefix], &["is ambiguous"]);
    // The shortest prefix that names only 34843-79 selects it.
    let unique = (common + 1..=ids[0].len())
        .map(|n| &ids[0][..n])
        .find(|p| !ids[1].starts_with(p) && !ids[2].starts_with(p))
        .unwrap();
    let j = env.run(&["--format", "json", "show", unique]).json();
    assert_eq!(j["key"], "34843-79");
    // Fewer than four digits are never taken as an id prefix.
    refused(
        &env,
        &["show", &ids[0][..3]],
        &["no item with key or id prefix"],
    );
}

#[test]
fn empty_text_is_refused() {
    let env = fixture();
    refused(
        &env,
        &["item", "add", "--kind", "motie", "--text", "  \n "],
        &["--text", "text must not be empty"],
    );
    refused(
        &env,
        &["note", "M1", ""],
        &["note text", "must not be empty"],
    );
    refused_with_input(
        &env,
        &["note", "M1", "-"],
        b" \n\r\n",
        &["note text", "must not be empty"],
    );
    refused(
        &env,
        &["status", "M1", "vertraagd", "--reason", " "],
        &["--reason", "must not be empty"],
    );
    refused(
        &env,
        &[
            "item",
            "add",
            "--kind",
            "motie",
            "--text",
            "x",
            "--submitter",
            "",
        ],
        &["--submitter", "must not be empty"],
    );
    refused(
        &env,
        &["--actor", " ", "note", "M1", "x"],
        &["--actor", "must not be empty"],
    );
}

#[test]
fn malformed_citation_is_refused_by_ref_and_kept_by_ref_raw() {
    let env = fixture();
    let bad = "zie de brief van 3 mei";
    let needles = [
        "invalid --ref 'zie de brief van 3 mei'",
        "Kamerstukken II 2022/23, 34843, nr. 79",
        "use --ref-raw",
    ];
    refused(
        &env,
        &[
            "item", "add", "--kind", "motie", "--text", "x", "--ref", bad,
        ],
        &needles,
    );
    refused(&env, &["note", "M1", "tekst", "--ref", bad], &needles);
    refused(&env, &["item", "amend", "M1", "--ref", bad], &needles);
    // The same text is accepted as a raw citation and kept as typed.
    let before = env.head().unwrap();
    env.run(&["note", "M1", "tekst", "--ref-raw", bad]).ok();
    assert_eq!(env.head().unwrap().seq, before.seq + 1);
    let show = env.run(&["--format", "json", "show", "M1"]).json();
    assert_eq!(show["latest_note"]["citations"][0], bad);
}

#[test]
fn duplicate_key_is_refused_regardless_of_case() {
    let env = fixture();
    refused(
        &env,
        &[
            "item", "add", "--kind", "motie", "--text", "x", "--key", "m1",
        ],
        &["key 'm1' is already used by motie M1", "--key"],
    );
    refused(
        &env,
        &[
            "item",
            "add",
            "--kind",
            "toezegging",
            "--text",
            "x",
            "--key",
            "34843-79",
        ],
        &["key '34843-79' is already used", "--key"],
    );
}

#[test]
fn missing_store_is_named_with_how_to_create_one() {
    let env = fixture();
    let missing = env.dir.path().join("elders");
    let m = missing.to_str().unwrap();
    let needles = [
        format!("no ledger at {m}"),
        "kamerstand init --programme NAME".to_string(),
        "KAMERSTAND_STORE".to_string(),
    ];
    let needles: Vec<&str> = needles.iter().map(String::as_str).collect();
    for args in [
        &["overview"][..],
        &["item", "list"],
        &["status", "M1", "vertraagd"],
        &["note", "M1", "x"],
        &["verify"],
        &["log"],
    ] {
        refused_at(&env, &missing, args, &needles);
        assert!(!missing.exists(), "{args:?} created {m}");
    }
}

#[test]
fn second_init_is_refused() {
    let env = fixture();
    let s = env.store.to_str().unwrap();
    refused(
        &env,
        &["init", "--programme", "NAP"],
        &[&format!("a ledger already exists at {s}"), "--store"],
    );
    refused(&env, &["init", "--programme", "Ander"], &["already exists"]);
    let o = env.run(&["--format", "json", "overview"]).json();
    assert_eq!(o["programme"], "NAP");
    assert_eq!(o["items"].as_array().unwrap().len(), 3);
}

#[test]
fn bad_responsible_codes_are_refused() {
    let env = fixture();
    for bad in ["minister van OCW", "OCW", "X1", "SOCW en 12", "Sabcdefghij"] {
        let quoted = format!("invalid responsible '{bad}'");
        let needles = [quoted.as_str(), "role letter", "'MOCW en SOCW'"];
        refused(&env, &["assign", "M1", bad], &needles);
        refused(
            &env,
            &[
                "item",
                "add",
                "--kind",
                "motie",
                "--text",
                "x",
                "--responsible",
                bad,
            ],
            &needles,
        );
    }
}

#[test]
fn unknown_kind_lists_the_kinds() {
    let env = fixture();
    refused(
        &env,
        &["item", "add", "--kind", "amendement", "--text", "x"],
        &["invalid kind 'amendement'", "motie, toezegging"],
    );
}

#[test]
fn effective_date_more_than_a_year_ahead_is_refused() {
    let env = fixture();
    // Today on the pinned clock is 2025-01-06; 366 days on is the limit.
    let needles = [
        "effective date 2026-01-08",
        "366 days after today (2025-01-06)",
        "at the latest 2026-01-07",
    ];
    refused(
        &env,
        &["status", "M1", "vertraagd", "--effective", "2026-01-08"],
        &needles,
    );
    refused(
        &env,
        &["assign", "M1", "SOCW", "--effective", "2026-01-08"],
        &needles,
    );
    refused(
        &env,
        &["note", "M1", "x", "--effective", "2026-01-08"],
        &needles,
    );
    refused(
        &env,
        &[
            "item",
            "add",
            "--kind",
            "motie",
            "--text",
            "x",
            "--effective",
            "2030-01-01",
        ],
        &["effective date 2030-01-01", "at the latest 2026-01-07"],
    );
}

#[test]
fn status_change_to_the_same_status_is_refused() {
    let env = fixture();
    let needles = [
        "item 34843-79 already has status in-uitvoering (\"In uitvoering\")",
        "nothing to record",
    ];
    refused(&env, &["status", "34843-79", "in-uitvoering"], &needles);
    refused(&env, &["status", "34843-79", "In Uitvoering"], &needles);
    refused(
        &env,
        &["status", "M1", "niet-vermeld", "--effective", "2024-06-01"],
        &["already has status niet-vermeld", "on 2024-06-01"],
    );
}

#[test]
fn assign_to_the_same_parties_is_refused() {
    let env = fixture();
    // Same parties in another order and spelling.
    refused(
        &env,
        &["assign", "34843-79", "sjenv, socw"],
        &[
            "item 34843-79 is already assigned to SJenV en SOCW",
            "nothing to record",
        ],
    );
}

#[test]
fn invalid_utf8_on_stdin_is_refused() {
    let env = fixture();
    let out = refused_with_input(
        &env,
        &["note", "M1", "-"],
        b"Voortgang \xff\xfe tekst",
        &["note text from standard input", "UTF-8"],
    );
    assert!(out.stderr.ends_with("\nNothing was written.\n"));
}

#[test]
fn too_long_note_on_stdin_is_refused() {
    let env = fixture();
    let big = vec![b'x'; 64 * 1024 + 10];
    refused_with_input(
        &env,
        &["note", "M1", "-"],
        &big,
        &["note text", "at most 65536 bytes"],
    );
}

#[test]
fn control_characters_in_a_key_are_refused() {
    let env = fixture();
    for bad in ["M\u{7}1", "\u{1b}[31mM2", "a\tb", "M 3", "-M4", "é1"] {
        let shown: String = bad
            .chars()
            .flat_map(|c| {
                if c.is_control() {
                    c.escape_default().collect::<Vec<_>>()
                } else {
                    vec![c]
                }
            })
            .collect();
        let value = format!("invalid key '{shown}'");
        refused(
            &env,
            &[
                "item",
                "add",
                "--kind",
                "motie",
                "--text",
                "x",
                &format!("--key={bad}"),
            ],
            &[
                value.as_str(),
                "A-Z a-z 0-9 - _ .",
                "starting with a letter or digit",
            ],
        );
    }
}

#[test]
fn amend_with_nothing_to_change_is_refused() {
    let env = fixture();
    refused(
        &env,
        &["item", "amend", "M1", "--reason", "niets"],
        &[
            "invalid item amend 'M1'",
            "give at least one of --text, --ref, --ref-raw, --submitter",
        ],
    );
    refused(
        &env,
        &["item", "amend", "M1", "--text", "Motie zonder citaat."],
        &["the amendment changes nothing on item M1"],
    );
}

#[test]
fn a_store_path_that_is_a_file_is_refused() {
    let env = fixture();
    let file = env.dir.path().join("notes.txt");
    std::fs::write(&file, "geen ledger").unwrap();
    let f = file.to_str().unwrap();
    refused_at(
        &env,
        &file,
        &["overview"],
        &[&format!("{f} is not a kamerstand store"), "kamerstand init"],
    );
    refused_at(
        &env,
        &file,
        &["note", "M1", "x"],
        &["is not a kamerstand store"],
    );
    refused_at(
        &env,
        &file,
        &["init", "--programme", "NAP"],
        &[&format!("{f} is a file"), "--store"],
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "geen ledger");
}

#[test]
fn init_into_a_directory_with_other_files_is_refused() {
    let env = fixture();
    let dir = env.dir.path().join("documenten");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("brief.txt"), "x").unwrap();
    refused_at(
        &env,
        &dir,
        &["init", "--programme", "NAP"],
        &["is a directory with other files in it", "empty directory"],
    );
    let names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["brief.txt"]);
    assert_eq!(head_at(&dir), None);
}

#[test]
fn wait_out_of_range_is_refused() {
    let env = fixture();
    for bad in ["--wait=-1", "--wait=100000", "--wait=NaN"] {
        refused(
            &env,
            &[bad, "note", "M1", "x"],
            &["--wait", "a number of seconds from 0 to 86400"],
        );
    }
}

#[test]
fn clap_usage_errors_exit_2_and_write_nothing() {
    let env = fixture();
    let out = refused_with_input(&env, &["status", "M1"], b"", &["<STATUS>", "Usage:"]);
    assert!(out.stderr.contains("required"), "{}", out.stderr);
    refused_with_input(&env, &["frobnicate"], b"", &["frobnicate", "Usage:"]);
    refused_with_input(
        &env,
        &["log", "--limit", "veel"],
        b"",
        &["'veel'", "--limit"],
    );
    refused_with_input(
        &env,
        &["--format", "xml", "overview"],
        b"",
        &["'xml'", "table", "json"],
    );
}

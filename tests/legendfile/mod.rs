//! A programme's own legend, given at `init --legend FILE`: the Eerste
//! Kamer's three-step legend from docs/ is stored, accepted by `status` and
//! shown by the overview; bad legend files are refused with exit 2 before any
//! store exists.

use crate::common::TestEnv;
use std::path::PathBuf;

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
    assert!(
        out.stdout
            .contains("openstaand, deels-voldaan, voldaan, niet-vermeld\n"),
        "{}",
        out.stdout
    );
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
    let row = |key: &str| {
        table
            .stdout
            .lines()
            .find(|l| l.starts_with(&format!("{key} ")))
            .unwrap_or_else(|| panic!("no row {key} in:\n{}", table.stdout))
            .to_string()
    };
    assert!(row(&t1).contains("Deels voldaan"), "{}", table.stdout);
    assert!(row(&t2).contains("Voldaan"), "{}", table.stdout);
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

    // The NAP's statuses are not in this legend; the closest are suggested.
    let before = env.head();
    let out = env.run(&["status", &t1, "in-uitvoering"]);
    out.expect_code(2);
    assert!(
        out.stderr.contains("one of: openstaand (\"Openstaand\")"),
        "{}",
        out.stderr
    );
    let out = env.run(&["status", &t1, "opnstaand"]);
    out.expect_code(2);
    assert!(
        out.stderr
            .contains("did you mean openstaand (\"Openstaand\")?"),
        "{}",
        out.stderr
    );
    assert_eq!(env.head(), before);
    env.run(&["verify"]).ok();
}

/// Writes `json` to a legend file beside the store and runs `init` with it.
fn init_with(json: &str) -> (TestEnv, String, crate::common::Output) {
    let env = TestEnv::new();
    let file = env.dir.path().join("legend.json");
    std::fs::write(&file, json).unwrap();
    let file = file.to_str().unwrap().to_string();
    let out = env.run(&["init", "--programme", "X", "--legend", &file]);
    (env, file, out)
}

#[test]
fn bad_legend_files_are_refused_and_no_store_is_created() {
    let cases: &[(&str, &str)] = &[
        ("not json", "valid JSON is expected"),
        ("[]", "at least one status"),
        (r#"{"statuses": []}"#, "at least one status"),
        (r#"{"legend": []}"#, "unknown field \"legend\""),
        (
            r##"[{"slug": "Open", "nl": "Open", "en": "Open", "colour": "#000000"}]"##,
            "entry 1 (\"Open\"): slug must be",
        ),
        (
            r##"[{"slug": "open", "nl": "Open", "en": "Open", "colour": "#000000"},
                 {"slug": "dicht", "nl": "Dicht", "en": "Closed"}]"##,
            "entry 2: missing field `colour`",
        ),
        (
            r##"[{"slug": "open", "nl": "Open", "en": "Open", "colour": "rood"}]"##,
            "entry 1 (\"open\"): colour \"rood\" is not of the form #rrggbb",
        ),
        (
            r##"[{"slug": "open", "nl": "", "en": "Open", "colour": "#000000"}]"##,
            "entry 1 (\"open\"): \"nl\" label: text must not be empty",
        ),
        (
            r##"[{"slug": "open", "nl": "Open", "en": "Open", "colour": "#000000"},
                 {"slug": "open", "nl": "Dicht", "en": "Closed", "colour": "#000000"}]"##,
            "entry 2 (\"open\") has the same slug \"open\" as entry 1",
        ),
        (
            r##"[{"slug": "open", "nl": "Open", "en": "Open", "colour": "#000000"},
                 {"slug": "dicht", "nl": "OPEN", "en": "Closed", "colour": "#000000"}]"##,
            "entry 2 (\"dicht\") has the same Dutch label \"OPEN\" as entry 1",
        ),
    ];
    for (json, expected) in cases {
        let (env, file, out) = init_with(json);
        out.expect_code(2);
        assert!(
            out.stderr
                .starts_with(&format!("error: invalid legend file '{file}'"))
                || out.stderr.contains("invalid legend file '"),
            "{json}: {}",
            out.stderr
        );
        assert!(out.stderr.contains(expected), "{json}: {}", out.stderr);
        assert!(
            out.stderr.contains("Nothing was written."),
            "{}",
            out.stderr
        );
        assert!(!env.store.exists(), "{json}: a store was created");
        assert_eq!(out.stdout, "");
    }
}

#[test]
fn unreadable_legend_files_are_refused() {
    let env = TestEnv::new();
    let missing = env.dir.path().join("geen-legenda.json");
    let out = env.run(&[
        "init",
        "--programme",
        "X",
        "--legend",
        missing.to_str().unwrap(),
    ]);
    out.expect_code(2);
    assert!(out.stderr.contains("geen-legenda.json"), "{}", out.stderr);
    assert!(out.stderr.contains("a readable file"), "{}", out.stderr);
    assert!(!env.store.exists());

    let (env, _, out) = init_with("\u{feff}[]");
    out.expect_code(2);
    assert!(!env.store.exists());
    let bytes = env.dir.path().join("latin1.json");
    std::fs::write(&bytes, b"[{\"slug\": \"a\", \"nl\": \"\xe9\"}]").unwrap();
    let out = env.run(&[
        "init",
        "--programme",
        "X",
        "--legend",
        bytes.to_str().unwrap(),
    ]);
    out.expect_code(2);
    assert!(out.stderr.contains("UTF-8"), "{}", out.stderr);
    assert!(!env.store.exists());
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

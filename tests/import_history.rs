//! What an import records about time and about the clerk's own work: the
//! date of the letter versus the day something happened, a status recorded
//! by hand that a file without statuses must not undo, and items amended
//! by hand that the next year's file must still find.

use crate::common::TestEnv;
use serde_json::Value;

fn write(env: &TestEnv, name: &str, text: &str) -> String {
    let p = env.dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn item<'a>(overview: &'a Value, key: &str) -> &'a Value {
    overview["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["key"] == key)
        .unwrap_or_else(|| panic!("no item {key} in {overview}"))
}

fn keys(overview: &Value) -> Vec<String> {
    overview["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["key"].as_str().unwrap().to_string())
        .collect()
}

fn status(env: &TestEnv, key: &str, extra: &[&str]) -> String {
    let mut args = vec!["overview"];
    args.extend_from_slice(extra);
    item(&env.json(&args), key)["status"]["slug"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Two motions without a status, as a text copy of a coloured annex gives
/// them.
const NO_STATUS: &str = "kind,key,text,status,responsible,progress\n\
motie,M1,Motie over de regionale teams.,,MBZK,De teams worden opgezet.\n\
motie,M2,Motie over de meldplicht.,niet-vermeld,MBZK,Een wetsvoorstel volgt.\n";

#[test]
fn a_status_recorded_by_hand_is_not_undone_by_a_file_that_states_none() {
    let env = TestEnv::init();
    let file = write(&env, "zonder-status.csv", NO_STATUS);
    env.run(&[
        "import",
        &file,
        "--reported-on",
        "2025-05-20",
        "--seal-round",
        "2025-voorjaar",
    ])
    .ok();
    assert_eq!(status(&env, "M1", &[]), "niet-vermeld");
    // The clerk knows better, and from before the letter.
    for key in ["M1", "M2"] {
        env.run(&["status", key, "in-uitvoering", "--effective", "2025-03-01"])
            .ok();
        assert_eq!(status(&env, key, &[]), "in-uitvoering", "{key}");
        // Also on the letter's day, though the import's "not stated"
        // is dated later than the clerk's status.
        assert_eq!(
            status(&env, key, &["--effective", "2025-05-20"]),
            "in-uitvoering"
        );
    }
    // Next year's copy of the same annex, again without statuses (one row
    // says "niet vermeld" outright): the statuses stand, only the notes
    // are new.
    let next = NO_STATUS
        .replace("worden opgezet", "zijn opgezet")
        .replace("Een wetsvoorstel volgt", "Het wetsvoorstel is ingediend");
    let file = write(&env, "zonder-status-2.csv", &next);
    let before = env.head().unwrap().seq;
    env.run(&[
        "import",
        &file,
        "--reported-on",
        "2025-11-20",
        "--seal-round",
        "2025-najaar",
    ])
    .ok();
    let log = env.json(&["log"]);
    let new: Vec<&Value> = log["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["seq"].as_u64().unwrap() > before)
        .collect();
    let types: Vec<&str> = new.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        ["progress_noted", "progress_noted", "round_sealed_v2"],
        "{new:?}"
    );
    for key in ["M1", "M2"] {
        assert_eq!(status(&env, key, &[]), "in-uitvoering", "{key}");
        assert_eq!(
            status(&env, key, &["--round", "2025-najaar"]),
            "in-uitvoering"
        );
    }
    // "Niet vermeld" by hand over a status would change nothing: refused.
    let head = env.head();
    let out = env.run(&["status", "M1", "niet-vermeld", "--effective", "2025-12-01"]);
    out.expect_code(2);
    assert!(
        out.stderr
            .contains("states no status and does not replace one"),
        "{}",
        out.stderr
    );
    assert_eq!(env.head(), head);
}

#[test]
fn a_sealed_import_takes_the_letters_date_and_items_exist_from_the_day_they_were_made() {
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
    let register = fixture("record/register.txt");
    // Sealing without the letter's date is refused, and writes nothing.
    let out = env.run(&["import", &register, "--seal-round", "2025-1"]);
    out.expect_code(2);
    assert!(out.stderr.contains("--reported-on DATE"), "{}", out.stderr);
    assert_eq!(env.head().unwrap().seq, 0);
    // A date that is no date names the option and what it accepts.
    let out = env.run(&[
        "import",
        &register,
        "--seal-round",
        "2025-1",
        "--reported-on",
        "maart",
    ]);
    out.expect_code(2);
    assert!(out.stderr.contains("--reported-on"), "{}", out.stderr);
    assert!(out.stderr.contains("or today"), "{}", out.stderr);

    env.run(&[
        "import",
        &register,
        "--seal-round",
        "2025-1",
        "--reported-on",
        "2025-03-01",
    ])
    .ok();
    let rounds = env.json(&["round", "list"]);
    assert_eq!(rounds["rounds"][0]["reported_on"], "2025-03-01");

    // T03457 was made on 12 March 2024 and reported "deels voldaan" in the
    // letter of 1 March 2025: it exists from the first day, with that
    // status from the second.
    let show = env.json(&["show", "T03457"]);
    assert_eq!(show["effective"], "2024-03-12", "{show}");
    assert_eq!(show["made_on"], "2024-03-12");
    assert_eq!(show["deadline"], "2024-12-31");
    assert_eq!(
        show["made_in"],
        "Handelingen I 2023/24, nr. 22, item 7 - blz. 9"
    );
    assert_eq!(show["previous_responsible"], serde_json::json!(["SIenW"]));
    assert_eq!(status(&env, "T03457", &[]), "deels-voldaan");
    assert_eq!(
        status(&env, "T03457", &["--effective", "2024-06-01"]),
        "niet-vermeld"
    );
    assert!(
        !keys(&env.json(&["overview", "--effective", "2024-03-11"])).contains(&"T03457".into())
    );
    let text = env.run(&["show", "T03457"]).ok().stdout.clone();
    assert!(
        text.contains(
            "Van kracht:        vanaf 2024-03-12; voor het eerst gemeld in ronde 2025-1 (brief van 2025-03-01)"
        ),
        "{text}"
    );
    assert!(text.contains("Termijn:           2024-12-31"), "{text}");
    // The same card in English.
    let text = env
        .run(&["--lang", "en", "show", "T03457"])
        .ok()
        .stdout
        .clone();
    assert!(
        text.contains(
            "In effect:    from 2024-03-12; first reported in round 2025-1 (letter of 2025-03-01)"
        ),
        "{text}"
    );
    assert!(text.contains("Due:          2024-12-31"), "{text}");

    // The same register again: it says nothing new, so nothing is recorded
    // (no second copy of the details, no status change).
    let head = env.head();
    let out = env
        .run(&["import", &register, "--reported-on", "2025-09-01"])
        .ok()
        .stdout
        .clone();
    assert!(
        out.contains("0 items added, 0 changed, 5 unchanged"),
        "{out}"
    );
    assert_eq!(env.head(), head);
}

#[test]
fn an_item_amended_by_hand_is_found_again_by_the_next_import() {
    let env = TestEnv::init();
    // Year one: a row that lost its text and a row with a text but no
    // citation.
    let year1 = "kind,text,citations,status,responsible,progress\n\
motie,,,in-uitvoering,MBZK,De pilot loopt in twee regio's.\n\
motie,Motie over de meldplicht.,,in-uitvoering,MBZK,Een wetsvoorstel volgt.\n";
    let file = write(&env, "jaar1.csv", year1);
    env.run(&["import", &file, "--reported-on", "2025-05-20"])
        .ok();
    assert_eq!(keys(&env.json(&["overview"])), ["M1", "M2"]);
    // The clerk fills in the missing text, and gives the other item its
    // citation and a better text.
    env.run(&["item", "amend", "M1", "--text", "Motie over de pilot."])
        .ok();
    env.run(&[
        "item",
        "amend",
        "M2",
        "--text",
        "Motie over een meldplicht voor gemeenten.",
        "--ref",
        "Kamerstukken II 2024/25, 36410, nr. 5",
    ])
    .ok();
    // Year two: the row still lacks its text; the other one now cites the
    // motion (its text as the annex words it this time).
    let year2 = "kind,text,citations,status,responsible,progress\n\
motie,,,in-uitvoering,MBZK,De pilot loopt in vier regio's.\n\
motie,Motie over de meldplicht (gewijzigd).,\"Kamerstukken II 2024/25, 36410, nr. 5\",invulling,MBZK,Het wetsvoorstel is ingediend.\n";
    let file = write(&env, "jaar2.csv", year2);
    let out = env
        .run(&["import", &file, "--reported-on", "2025-11-20"])
        .ok()
        .stdout
        .clone();
    assert!(out.contains("0 items added, 2 changed"), "{out}");
    let v = env.json(&["overview"]);
    assert_eq!(keys(&v), ["M1", "M2"], "no duplicates");
    assert_eq!(
        item(&v, "M1")["latest_note"]["text"],
        "De pilot loopt in vier regio's."
    );
    assert_eq!(item(&v, "M2")["status"]["slug"], "invulling");
    // The amended texts stand; the file's differing text is reported.
    assert_eq!(
        item(&v, "M2")["text"],
        "Motie over een meldplicht voor gemeenten."
    );
    assert!(
        out.contains("the text of M2 differs from the ledger's"),
        "{out}"
    );
}

//! What write commands print: the receipt line says what the ledger now
//! holds, however the state behind it was loaded.

use crate::common::TestEnv;

/// A status change's receipt names the status in force before it, also
/// after a round seal has written derived state (issue 11: the stored
/// event was right, the printed "from" was not).
#[test]
fn status_and_assign_receipts_name_what_was_in_force_after_a_seal() {
    let env = TestEnv::init();
    env.run(&[
        "item",
        "add",
        "--kind",
        "motie",
        "--text",
        "Een motie.",
        "--key",
        "M1",
        "--status",
        "in-uitvoering",
        "--responsible",
        "SOCW",
        "--effective",
        "2025-01-10",
    ])
    .ok();
    env.run(&["status", "M1", "vertraagd", "--effective", "2025-01-20"])
        .ok();
    env.run(&["assign", "M1", "MJenV", "--effective", "2025-01-20"])
        .ok();
    env.run(&["note", "M1", "Stand.", "--effective", "2025-03-01"])
        .ok();
    // The seal writes derived state that holds the item as it stands now.
    env.run(&["round", "seal", "r1", "--reported-on", "2025-03-02"])
        .ok();
    // Changes dated between the registration and the later changes: what
    // was in force then is the registration's status and parties.
    let out = env.run(&["status", "M1", "doorlopend", "--effective", "2025-01-15"]);
    out.ok();
    assert!(
        out.stdout.starts_with(
            "M1: status In uitvoering → Doorlopend gedurende uitvoering programma, geldt vanaf 2025-01-15\n"
        ),
        "{}",
        out.stdout
    );
    let out = env.run(&["assign", "M1", "MOCW", "--effective", "2025-01-15"]);
    out.ok();
    assert!(
        out.stdout
            .starts_with("M1: verantwoordelijk SOCW → MOCW, geldt vanaf 2025-01-15\n"),
        "{}",
        out.stdout
    );
}

/// Receipts speak the language asked for, as reads do: Dutch unless
/// `--lang en`, the statuses in the legend's label of that language; a
/// change that a later-dated one leaves out of force says so in either.
#[test]
fn receipts_speak_the_language_asked_for() {
    let env = TestEnv::init();
    let add = |lang: &str, key: &str| {
        env.run(&[
            "--lang",
            lang,
            "item",
            "add",
            "--kind",
            "motie",
            "--text",
            "Een motie.",
            "--key",
            key,
            "--status",
            "in-uitvoering",
            "--responsible",
            "SOCW",
            "--effective",
            "2025-01-10",
        ])
    };
    for (lang, key, registered, recorded) in [
        (
            "nl",
            "M1",
            "opgenomen: motie M1 (id ",
            "\nvastgelegd als seq 1 (hash ",
        ),
        (
            "en",
            "M2",
            "registered motie M2 (id ",
            "\nrecorded as seq 2 (hash ",
        ),
    ] {
        let out = add(lang, key);
        out.ok();
        assert!(
            out.stdout.starts_with(registered) && out.stdout.contains(recorded),
            "{lang}: {}",
            out.stdout
        );
    }
    for (lang, later, note, noted, sealed) in [
        (
            "nl",
            "M1: status In uitvoering → Doorlopend gedurende uitvoering programma, geldt vanaf 2025-01-15\nlet op: een wijziging met een latere ingangsdatum blijft van kracht: In uitvoering met vertraging\n",
            "M1",
            "M1: stand van zaken vastgelegd, geldt vanaf 2025-03-01\n",
            "ronde r-nl verzegeld over seq 0–",
        ),
        (
            "en",
            "M2: status In progress → Continuous for the programme's duration, effective 2025-01-15\nnote: a change with a later effective date stays current: In progress, delayed\n",
            "M2",
            "M2: progress noted, effective 2025-03-01\n",
            "sealed round r-en over seq 0–",
        ),
    ] {
        env.run(&["status", note, "vertraagd", "--effective", "2025-01-20"])
            .ok();
        let out = env.run(&[
            "--lang",
            lang,
            "status",
            note,
            "doorlopend",
            "--effective",
            "2025-01-15",
        ]);
        out.ok();
        assert!(out.stdout.starts_with(later), "{lang}: {}", out.stdout);
        let out = env.run(&[
            "--lang",
            lang,
            "note",
            note,
            "Stand.",
            "--effective",
            "2025-03-01",
        ]);
        out.ok();
        assert!(out.stdout.starts_with(noted), "{lang}: {}", out.stdout);
        let out = env.run(&[
            "--lang",
            lang,
            "round",
            "seal",
            &format!("r-{lang}"),
            "--reported-on",
            "2025-03-02",
        ]);
        out.ok();
        assert!(out.stdout.starts_with(sealed), "{lang}: {}", out.stdout);
    }
}

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
            "M1: status In uitvoering → Doorlopend gedurende uitvoering programma, effective 2025-01-15\n"
        ),
        "{}",
        out.stdout
    );
    let out = env.run(&["assign", "M1", "MOCW", "--effective", "2025-01-15"]);
    out.ok();
    assert!(
        out.stdout
            .starts_with("M1: responsible SOCW → MOCW, effective 2025-01-15\n"),
        "{}",
        out.stdout
    );
}

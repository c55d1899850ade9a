//! Reads written as they are made (issue 12, point 5: the memory of every
//! command on a large ledger): the whole event log is written as its events
//! are read, its table measured in a first reading and written in a second.
//! What it writes must be what the log made whole gives; `log --limit N`
//! with N above the number of events still makes it whole.

use crate::common::TestEnv;
use kamerstand::cli::Terminal;

const AUTUMN: &str = "2024-najaar";
const SPRING: &str = "2025-voorjaar";

/// Two annexes imported and sealed, then notes by a clerk whose name is
/// longer than the log's actor column, one of them over several lines.
fn ledger() -> TestEnv {
    let env = TestEnv::init();
    for (file, day, round) in [
        ("annex-2024.txt", "2024-11-15", AUTUMN),
        ("annex-2025.txt", "2025-05-15", SPRING),
    ] {
        let path = format!("{}/src/cli/assets/{file}", env!("CARGO_MANIFEST_DIR"));
        env.run(&["import", &path, "--effective", day, "--seal-round", round])
            .ok();
    }
    let actor = ["--actor", "Mr. drs. A.B.C. van den Bergh-Oudshoorn"];
    env.run(&[
        actor[0],
        actor[1],
        "note",
        "M1",
        "Eerste regel.\nTweede\tregel.",
    ])
    .ok();
    env.run(&[
        actor[0],
        actor[1],
        "status",
        "M1",
        "vertraagd",
        "--effective",
        "2025-01-01",
    ])
    .ok();
    env
}

#[test]
fn the_whole_log_written_as_it_is_read_is_the_log_made_whole() {
    let env = ledger();
    let events = env.head().unwrap().seq + 1;
    assert!(events > 40, "{events} events");
    let plain = Terminal::default();
    let narrow = Terminal {
        stdout: true,
        width: Some(72),
        ..Terminal::default()
    };
    let wide = Terminal {
        stdout: true,
        width: Some(200),
        ..Terminal::default()
    };
    let cases: [(&[&str], Terminal); 10] = [
        (&["log"], plain),
        (&["--format", "json", "log"], plain),
        (&["--lang", "en", "log", "--round", AUTUMN], plain),
        (&["log", "--as-of", "2000-01-01"], plain),
        (&["log", "--effective", "2024-12-31"], plain),
        (
            &["--format", "json", "log", "--effective", "2024-12-31"],
            plain,
        ),
        (&["log"], narrow),
        (&["log", "--round", SPRING], wide),
        (&["log", "--wide"], narrow),
        (&["--format", "json", "log", "--round", SPRING], narrow),
    ];
    let limit = (events + 1).to_string();
    let mut lines = 0;
    for (args, terminal) in cases {
        let streamed = env.run_at(terminal, args);
        streamed.ok();
        let mut whole_args = args.to_vec();
        whole_args.extend(["--limit", &limit]);
        let whole = env.run_at(terminal, &whole_args);
        whole.ok();
        assert_eq!(streamed.stdout, whole.stdout, "{args:?} at {terminal:?}");
        lines += streamed.stdout.lines().count();
    }
    // The cases wrote the log, not only its empty forms.
    assert!(lines as u64 > 5 * events, "{lines} lines");
}

//! The tampering and corruption catalog of docs/reliability.md, the rows
//! that tests/tamper and tests/digest do not already build: an event
//! spliced into the chain (links broken after it, or the whole rest of the
//! chain relinked so that only a published digest reveals it), a rewritten
//! event and an index entry pointed elsewhere as read commands see them, a
//! round seal rewritten with the rest relinked, a stored value too short to
//! hold its hash, and a store whose files are damaged so that sled itself
//! cannot open it. For every row: what `verify` says, and whether read
//! commands refuse (exit 1) or serve.
//!
//! And format stability: an events export written by format version 1,
//! committed under tests/fixtures/format-v1/, must keep importing into a
//! store that verifies, with the same head hash and the same overview.
//!
//! The store is edited with sled directly while no ledger has it open
//! (tests/common/raw.rs).

use crate::common::raw::edit;
use crate::common::{TestEnv, head_at, two_rounds};
use kamerstand::domain::{EventBody, EventHash, Timestamp};
use kamerstand::ledger::Envelope;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// `verify --format json` must exit 1 and name `seq` and `kind`.
#[track_caller]
fn broken_at(env: &TestEnv, seq: u64, kind: &str) -> Value {
    let out = env.run(&["--format", "json", "verify"]);
    out.expect_code(1);
    let j = out.json();
    assert_eq!(j["ok"], false, "{j}");
    assert_eq!(j["first_break"]["seq"], seq, "{j}");
    assert_eq!(j["first_break"]["kind"], kind, "{j}");
    let t = env.run(&["verify"]);
    t.expect_code(1);
    let prefix = format!("BROKEN at seq {seq}: {}", kind.replace('_', " "));
    assert!(t.stdout.starts_with(&prefix), "{}", t.stdout);
    j
}

/// The read commands of the catalog table.
const READS: [&[&str]; 6] = [
    &["overview"],
    &["--format", "json", "overview"],
    &["item", "list"],
    &["show", "M1"],
    &["log"],
    &["round", "list"],
];

/// Every read command refuses with exit 1, prints nothing on stdout and
/// says `needle`; a write is refused as well and the head stays. The
/// checkpoints are removed first, so that every view is folded from the
/// first event, as views before the first checkpoint are: a view served
/// from a checkpoint reads only the events after it, and damage before it
/// is for `verify` to find (see `damage_before_a_checkpoint_…` below).
#[track_caller]
fn reads_refuse(env: &TestEnv, needle: &str) {
    edit(env, |s| s.clear_checkpoints());
    let before = head_at(&env.store);
    for args in READS.iter().copied().chain([&["note", "M1", "x"][..]]) {
        let out = env.run(args);
        out.expect_code(1);
        assert_eq!(out.stdout, "", "{args:?} served a view of a damaged store");
        assert!(
            out.stderr.starts_with("error: ") && out.stderr.contains(needle),
            "{args:?}: stderr lacks {needle:?}: {}",
            out.stderr
        );
    }
    assert_eq!(head_at(&env.store), before);
}

/// Every read command still serves (exit 0): damage only `verify` finds.
#[track_caller]
fn reads_serve(env: &TestEnv) {
    for args in READS {
        env.run(args).ok();
    }
}

// ------------------------------------------------------------ the catalog

#[test]
fn a_spliced_in_event_breaks_the_link_after_it() {
    let env = two_rounds();
    // A forged status change for M1 put in at seq 5; the events after it
    // moved up one seq (re-encoded with fresh hashes, as they must be to
    // sit at their new keys), but their links left as they were.
    edit(&env, |s| {
        let last = s.last_seq();
        for seq in (5..=last).rev() {
            let mut e = s.envelope(seq);
            e.seq += 1;
            s.put(&e);
        }
        let mut forged = s.envelope(3);
        forged.seq = 5;
        forged.id.0[15] ^= 0xff;
        forged.prev = EventHash(s.event(4)[..32].try_into().unwrap());
        forged.recorded_at = s.envelope(4).recorded_at;
        if let EventBody::StatusChanged { status, .. } = &mut forged.body {
            *status = "invulling".into();
        }
        s.put(&forged);
        s.reindex();
        s.set_head_to(last + 1);
    });
    let j = broken_at(&env, 6, "link_broken");
    assert!(
        j["first_break"]["detail"]
            .as_str()
            .unwrap()
            .contains("seq 5 or this event was rewritten"),
        "{j}"
    );
    assert_eq!(j["events_checked"], 6);
    reads_refuse(&env, "ledger is corrupt at seq 6");
}

#[test]
fn a_fully_relinked_spliced_in_event_is_found_only_by_the_published_digest() {
    let env = two_rounds();
    let (r1, r2) = (env.round_digest("R1"), env.round_digest("R2"));
    let head_before = env.head().unwrap();
    // The same forged event at seq 5, with a recorded time between its
    // neighbours', and every later event relinked (seals included), the
    // index rebuilt and the head moved: a consistent longer chain.
    edit(&env, |s| {
        let last = s.last_seq();
        let moved: Vec<Envelope> = (5..=last).map(|q| s.envelope(q)).collect();
        let before = s.envelope(4).recorded_at.unix_nanos();
        let after = moved[0].recorded_at.unix_nanos();
        let mut forged = s.envelope(3);
        forged.seq = 5;
        forged.id.0[15] ^= 0xff;
        forged.prev = EventHash(s.event(4)[..32].try_into().unwrap());
        forged.recorded_at = Timestamp::from_unix_nanos(before + (after - before) / 2);
        if let EventBody::StatusChanged { status, .. } = &mut forged.body {
            *status = "invulling".into();
        }
        let mut prev = s.put(&forged);
        for mut e in moved {
            e.seq += 1;
            e.prev = prev;
            if let EventBody::RoundSealed {
                head_seq,
                head_hash,
                ..
            } = &mut e.body
            {
                *head_seq = e.seq - 1;
                *head_hash = prev;
            }
            prev = s.put(&e);
        }
        s.reindex();
        s.set_head_to(last + 1);
        // The checkpoints name the old hashes: verify would report them.
        s.clear_checkpoints();
    });
    // The chain, the head and the index agree: verify passes, and read
    // commands serve the forged history.
    let out = env.run(&["verify"]);
    out.ok();
    assert!(
        out.stdout
            .starts_with("ok: 10 events verified (2 round seals)"),
        "{}",
        out.stdout
    );
    reads_serve(&env);
    let show = env.json(&["show", "M1"]);
    assert!(show.to_string().contains("invulling"), "{show}");
    // The digest published before the forged event still matches; the one
    // published after does not, and neither does the head written down.
    let ok = env.run(&["verify", "--digest", &r1, "--round", "R1"]);
    ok.ok();
    let bad = env.run(&[
        "--format", "json", "verify", "--digest", &r2, "--round", "R2",
    ]);
    bad.expect_code(1);
    let j = bad.json();
    assert_eq!(j["first_break"], Value::Null);
    assert_eq!(j["digest"]["ok"], false);
    let detail = j["digest"]["detail"].as_str().unwrap();
    assert!(
        detail.contains("round 'R2' is sealed at seq 8")
            && detail.contains("the history up to that seal was rewritten"),
        "{detail}"
    );
    env.run(&["verify", "--digest", &head_before.hash.hex()])
        .expect_code(1);
}

#[test]
fn an_event_rewritten_with_a_fresh_hash_is_refused_by_read_commands() {
    // tests/tamper builds this row and checks `verify` (link broken at the
    // next seq); here: what read commands do with it.
    let env = two_rounds();
    edit(&env, |s| {
        let mut e = s.envelope(3);
        if let EventBody::StatusChanged { status, .. } = &mut e.body {
            *status = "invulling".into();
        }
        s.put(&e);
    });
    broken_at(&env, 4, "link_broken");
    reads_refuse(&env, "ledger is corrupt at seq 4");
}

#[test]
fn an_index_entry_pointed_elsewhere_is_refused_by_log_item_and_a_removed_one_is_not() {
    // tests/tamper checks `verify` on both (index mismatch); here: the one
    // read command that uses the index, `log --item`.
    let env = two_rounds();
    let (m1, t1) = (env.id_of("M1"), env.id_of("T1"));
    // T1's note (seq 5) listed under M1.
    edit(&env, |s| {
        s.index_remove(&t1, 5);
        s.index_put(&m1, 5);
    });
    broken_at(&env, 5, "index_mismatch");
    let out = env.run(&["log", "--item", "M1"]);
    out.expect_code(1);
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr
            .contains("ledger is corrupt at seq 5: the item index lists this event under an item it is not about"),
        "{}",
        out.stderr
    );
    // The views are folded from the chain, not the index: they serve. But
    // `show` reads a compacted item's history through the index, and
    // refuses the entry that names another item's event.
    for args in READS.iter().filter(|a| a[0] != "show") {
        env.run(args).ok();
    }
    let out = env.run(&["show", "M1"]);
    out.expect_code(1);
    assert!(
        out.stderr.contains("ledger is corrupt at seq 5"),
        "{}",
        out.stderr
    );

    // Put it back, then remove M1's entry for seq 6 (M1 vertraagd): `log
    // --item M1` cannot tell an entry that is not there; only verify can.
    edit(&env, |s| {
        s.index_remove(&m1, 5);
        s.index_put(&t1, 5);
        s.index_remove(&m1, 6);
    });
    broken_at(&env, 6, "index_mismatch");
    let log = env.json(&["log", "--item", "M1"]);
    let seqs: Vec<u64> = log["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_u64().unwrap())
        .collect();
    assert_eq!(seqs, [1, 3, 8], "the history lacks seq 6: {log}");
    reads_serve(&env);
}

#[test]
fn a_rewritten_seal_is_a_seal_mismatch_and_reads_see_it_only_until_the_rest_is_relinked() {
    // tests/digest checks `verify` on a seal rewritten alone; here the read
    // commands, before and after the forger also relinks what follows.
    let env = two_rounds();
    let old = edit(&env, |s| {
        let old = s.envelope(4);
        let mut e = old.clone();
        let EventBody::RoundSealed { head_seq, .. } = &mut e.body else {
            panic!("seq 4 is not a seal: {e:?}");
        };
        *head_seq = 2;
        s.put(&e);
        old
    });
    broken_at(&env, 4, "seal_mismatch");
    // The event after the seal no longer links to it.
    reads_refuse(&env, "ledger is corrupt at seq 5");
    edit(&env, |s| {
        let mut e = s.envelope(4);
        e.body = old.body.clone();
        if let EventBody::RoundSealed { head_seq, .. } = &mut e.body {
            *head_seq = 2;
        }
        let prev = s.put(&e);
        s.relink_from(5, prev);
    });
    let j = broken_at(&env, 4, "seal_mismatch");
    assert!(
        j["first_break"]["detail"]
            .as_str()
            .unwrap()
            .contains("round 'R1' names head seq 2"),
        "{j}"
    );
    // Reads check hashes, links and the head, not what a seal names.
    reads_serve(&env);
}

#[test]
fn damage_before_a_checkpoint_is_for_verify_and_log_to_find() {
    // A view served from a checkpoint reads only the events after it: an
    // event rewritten with a fresh hash before the last checkpoint is not
    // read by `overview`; `log` (which reads every event) and `verify` find it.
    let env = two_rounds();
    let last_checkpoint = {
        let ledger = kamerstand::ledger::Ledger::open(&env.store, env.open_options()).unwrap();
        *ledger.checkpoint_seqs().unwrap().last().unwrap()
    };
    assert!(last_checkpoint > 3, "{last_checkpoint}");
    edit(&env, |s| {
        let mut e = s.envelope(3);
        if let EventBody::StatusChanged { status, .. } = &mut e.body {
            *status = "invulling".into();
        }
        s.put(&e);
    });
    broken_at(&env, 4, "link_broken");
    env.run(&["overview"]).ok();
    let out = env.run(&["log"]);
    out.expect_code(1);
    assert!(
        out.stderr.contains("ledger is corrupt at seq 4"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_back_dated_event_with_the_rest_relinked_is_out_of_order_and_reads_serve() {
    // tests/tamper checks `verify` on this row; here the read commands.
    let env = two_rounds();
    edit(&env, |s| {
        let mut e = s.envelope(5);
        e.recorded_at = Timestamp::from_unix_nanos(0);
        let prev = s.put(&e);
        s.relink_from(6, prev);
    });
    broken_at(&env, 5, "out_of_order");
    // Reads do not compare recorded times.
    reads_serve(&env);
}

#[test]
fn a_stored_value_shorter_than_its_hash_is_content_altered() {
    let env = two_rounds();
    edit(&env, |s| {
        s.put_event(3, &[7u8; 20]);
    });
    let j = broken_at(&env, 3, "content_altered");
    assert!(
        j["first_break"]["detail"]
            .as_str()
            .unwrap()
            .contains("stored record of 20 bytes is shorter than its hash"),
        "{j}"
    );
    reads_refuse(&env, "ledger is corrupt at seq 3");
}

// ------------------------------------------- stores sled itself cannot open

/// A good store, damaged by `damage` on the file level while nothing has
/// it open.
fn damaged(damage: impl FnOnce(&Path)) -> TestEnv {
    let env = two_rounds();
    damage(&env.store);
    env
}

/// `verify` and the read commands exit 1 with `needle` on stderr, and do
/// not panic (no "panicked" and no exit 101 from the real binary).
#[track_caller]
fn unopenable(env: &TestEnv, needle: &str) {
    for args in READS.iter().copied().chain([&["verify"][..]]) {
        let out = env.run(args);
        out.expect_code(1);
        assert_eq!(out.stdout, "", "{args:?}");
        assert!(
            out.stderr.starts_with("error: ") && out.stderr.contains(needle),
            "{args:?}: stderr lacks {needle:?}: {}",
            out.stderr
        );
    }
    let out = env.bin(&["verify"]);
    out.expect_code(1);
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    assert!(out.stderr.contains(needle), "{}", out.stderr);
}

fn overwrite(path: &Path, at: u64, bytes: &[u8]) {
    use std::io::{Seek, SeekFrom, Write};
    let mut f = std::fs::OpenOptions::new().write(true).open(path).unwrap();
    f.seek(SeekFrom::Start(at)).unwrap();
    f.write_all(bytes).unwrap();
    f.sync_all().unwrap();
}

#[test]
fn a_store_whose_sled_files_are_damaged_is_refused_with_a_clear_message() {
    let damaged_files = "the storage engine (sled) cannot open";
    // The data file cut to its first kilobyte.
    let env = damaged(|p| {
        std::fs::OpenOptions::new()
            .write(true)
            .open(p.join("db"))
            .unwrap()
            .set_len(1000)
            .unwrap();
    });
    unopenable(&env, damaged_files);
    unopenable(&env, "its files are damaged");
    // The data file emptied.
    let env = damaged(|p| std::fs::write(p.join("db"), b"").unwrap());
    unopenable(&env, damaged_files);
    // Junk over the start of the data file.
    let env = damaged(|p| {
        let junk: Vec<u8> = (0..4096u32)
            .map(|i| u8::try_from(i * 7919 % 251).unwrap())
            .collect();
        overwrite(&p.join("db"), 0, &junk);
    });
    unopenable(&env, damaged_files);
    // sled's settings file scribbled over.
    let env = damaged(|p| {
        std::fs::write(
            p.join("conf"),
            b"segment_size: 1024\nuse_compression: false\nversion: 0.34\n\x01\x02\x03\x04",
        )
        .unwrap();
    });
    unopenable(&env, damaged_files);
    // sled's snapshot file scribbled over.
    let env = damaged(|p| {
        for e in std::fs::read_dir(p).unwrap() {
            let path = e.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.starts_with("snap.") {
                std::fs::write(&path, [0x55u8; 300]).unwrap();
            }
        }
    });
    unopenable(&env, damaged_files);
}

#[test]
fn an_unfinished_sled_snapshot_no_longer_makes_a_store_unopenable() {
    // sled 0.34.7 writes `snap.<lsn>.generating` when it opens a store and
    // renames it when complete; a crash or a full disk in between leaves it
    // behind, and sled would take it for its newest snapshot and refuse the
    // store as corrupt. kamerstand removes it first (src/ledger/store.rs).
    let env = two_rounds();
    let head = env.head().unwrap();
    let leftover = env.store.join("snap.FFFFFFFFFFFFFFFF.generating");
    std::fs::write(&leftover, b"").unwrap();
    let out = env.bin(&["verify"]);
    out.ok();
    assert!(!leftover.exists());
    assert_eq!(env.head(), Some(head));
    std::fs::write(&leftover, [0u8; 7]).unwrap();
    reads_serve(&env);
    assert!(!leftover.exists());
}

#[test]
fn sled_files_removed_leave_a_clear_refusal() {
    // Both of sled's files gone: no store there any more (exit 2).
    let env = damaged(|p| {
        std::fs::remove_file(p.join("db")).unwrap();
        std::fs::remove_file(p.join("conf")).unwrap();
    });
    let out = env.run(&["verify"]);
    out.expect_code(2);
    assert!(
        out.stderr.contains("is not a kamerstand store"),
        "{}",
        out.stderr
    );
    // sled's settings file gone or emptied: sled writes it again, and
    // nothing of the ledger is lost.
    for damage in [
        |p: &Path| std::fs::remove_file(p.join("conf")).unwrap(),
        |p: &Path| std::fs::write(p.join("conf"), b"").unwrap(),
    ] {
        let env = damaged(damage);
        let head = env.head().unwrap();
        env.run(&["verify"]).ok();
        assert_eq!(env.head(), Some(head));
    }
    // Only the data file gone: sled's snapshot names data that is not
    // there, and it refuses the store as damaged.
    let env = damaged(|p| std::fs::remove_file(p.join("db")).unwrap());
    unopenable(&env, "the storage engine (sled) cannot open");
}

// ------------------------------------------------------ format stability

/// The committed fixture directory.
fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/format-v1")
}

/// Head hash of the committed events export, as `import` and `verify`
/// print it. It must never change: the fixture is what format version 1
/// wrote, and every later kamerstand must read it to the same chain.
const FORMAT_V1_HEAD: &str = "97c2c444bafdd8aab2cfe8ba553aa60e5fb544fcd41664dfd03a1509d8bd522f";
/// Events in the fixture.
const FORMAT_V1_EVENTS: u64 = 18;

#[test]
fn the_format_v1_events_export_still_imports_verifies_and_projects_the_same() {
    let dir = fixture_dir();
    let events = dir.join("events.jsonl");
    let env = TestEnv::new();
    // The clock of the fixture's last event: events recorded after the
    // importer's clock are refused.
    env.set_clock("2025-06-02T09:02:00Z");
    let out = env.run(&["import", events.to_str().unwrap()]);
    out.ok();
    assert!(
        out.stdout
            .starts_with(&format!("restored {FORMAT_V1_EVENTS} events into ")),
        "{}",
        out.stdout
    );
    let v = env.json(&["verify"]);
    assert_eq!(v["ok"], true, "{v}");
    assert_eq!(v["events_checked"], FORMAT_V1_EVENTS);
    assert_eq!(v["head"], FORMAT_V1_HEAD);
    assert_eq!(env.head().unwrap().hash.hex(), FORMAT_V1_HEAD);
    // Every event type of format 1 is in it.
    let text = std::fs::read_to_string(&events).unwrap();
    for t in [
        "ledger_created",
        "item_registered",
        "status_changed",
        "responsibility_changed",
        "progress_noted",
        "item_amended",
        "round_sealed",
        "corrected",
    ] {
        assert!(
            text.contains(&format!("\"type\":\"{t}\"")),
            "no {t} event in the fixture"
        );
    }
    // The overview is the one committed next to it.
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("overview.json")).unwrap()).unwrap();
    let actual = env.json(&["overview"]);
    assert!(
        actual == expected,
        "the overview of the format-1 fixture changed; if only the JSON output \
         format changed on purpose, update tests/fixtures/format-v1/overview.json \
         (never events.jsonl).\n--- now:\n{}",
        serde_json::to_string_pretty(&actual).unwrap()
    );
    // And it exports to the very same file.
    let out = env.run(&["--format", "events", "export"]);
    out.ok();
    assert_eq!(out.stdout, text, "the export of the restored chain differs");
}

/// Writes the fixture's events export and overview into the directory
/// named by KAMERSTAND_FORMAT_V1_OUT. Run once, by hand, to create the
/// fixture: `KAMERSTAND_FORMAT_V1_OUT=tests/fixtures/format-v1 cargo test
/// build_the_format_v1_fixture -- --ignored`. A committed events.jsonl is
/// never regenerated.
#[test]
#[ignore = "creates the committed fixture; run by hand only"]
fn build_the_format_v1_fixture() {
    let out = PathBuf::from(std::env::var("KAMERSTAND_FORMAT_V1_OUT").unwrap());
    let env = fixture_ledger();
    let events = env.run(&["--format", "events", "export"]);
    events.ok();
    std::fs::create_dir_all(&out).unwrap();
    let path = out.join("events.jsonl");
    assert!(
        !path.exists(),
        "{} exists: never regenerate it",
        path.display()
    );
    std::fs::write(&path, &events.stdout).unwrap();
    // The overview as the restored store shows it.
    let restored = TestEnv::new();
    restored.run(&["import", path.to_str().unwrap()]).ok();
    let overview = restored.json(&["overview"]);
    let mut s = serde_json::to_string_pretty(&overview).unwrap();
    s.push('\n');
    std::fs::write(out.join("overview.json"), s).unwrap();
    let v = restored.json(&["verify"]);
    eprintln!("head {} events {}", v["head"], v["events_checked"]);
}

/// A ledger with every event type of format 1 and most of their options:
/// non-ASCII and multi-line text, strict and raw citations, submitters,
/// several responsible parties, reasons, two rounds, corrections of each
/// kind (status, note, effective date, retraction, a correction of a
/// correction) and an amendment.
fn fixture_ledger() -> TestEnv {
    let env = TestEnv::init();
    env.set_clock("2025-02-03T08:30:00Z");
    env.add(&[
        "--kind",
        "motie",
        "--text",
        "Motie van het lid Özdemir c.s. over een meldpunt voor ‘stille’ discriminatie — verzoekt de regering …",
        "--submitter",
        "Özdemir",
        "--submitter",
        "Van der Berg",
        "--ref",
        "Kamerstukken II 2022/23, 34843, nr. 79",
        "--responsible",
        "MOCW en SOCW",
        "--status",
        "in-uitvoering",
        "--effective",
        "2023-11-14",
    ]);
    env.add(&[
        "--kind",
        "toezegging",
        "--key",
        "T1",
        "--text",
        "De minister stuurt de Kamer vóór de zomer een brief.",
        "--ref-raw",
        "Handelingen II 2023/24, nr. 12, item 5¹",
        "--effective",
        "2024-02-01",
    ]);
    env.add(&[
        "--kind",
        "motie",
        "--key",
        "M2",
        "--text",
        "Motie over regionale responsteams.",
        "--responsible",
        "SJenV",
        "--effective",
        "2024-03-05",
    ]);
    env.run(&[
        "status",
        "T1",
        "vertraagd",
        "--effective",
        "2024-05-20",
        "--reason",
        "wacht op advies",
    ])
    .ok();
    env.run(&[
        "note",
        "34843-79",
        "Het meldpunt is in voorbereiding.\nEerste gesprekken\tgevoerd.",
        "--ref",
        "Kamerstukken II 2023/24, 34843, nr. 101",
        "--effective",
        "2024-05-31",
    ])
    .ok();
    env.json(&[
        "round",
        "seal",
        "2025-voorjaar",
        "--title",
        "Voortgangsbrief voorjaar 2025",
        "--reported-on",
        "2025-02-03",
    ]);
    env.set_clock("2025-05-12T13:45:00Z");
    env.run(&[
        "assign",
        "M2",
        "MJenV en SBZK",
        "--effective",
        "2025-03-03",
        "--reason",
        "nieuw kabinet",
    ])
    .ok();
    env.run(&[
        "item",
        "amend",
        "M2",
        "--text",
        "Motie van het lid Jansen over regionale responsteams.",
        "--submitter",
        "Jansen",
        "--ref",
        "Kamerstukken II 2023/24, 29517, nr. 230",
        "--reason",
        "tekst teruggevonden",
    ])
    .ok();
    let status = env.json(&["status", "M2", "doorlopend", "--effective", "2025-04-01"]);
    let note = env.json(&[
        "note",
        "T1",
        "Brief verzonden.",
        "--effective",
        "2025-04-15",
    ]);
    let wrong = env.json(&[
        "note",
        "M2",
        "Hoort bij een ander item.",
        "--effective",
        "2025-04-20",
    ]);
    let seq = |v: &Value| v["seq"].as_u64().unwrap().to_string();
    let fix = env.json(&[
        "correct",
        &seq(&status),
        "--status",
        "in-uitvoering",
        "--reason",
        "verkeerde status overgenomen",
    ]);
    env.json(&[
        "correct",
        &seq(&fix),
        "--status",
        "invulling",
        "--reason",
        "ook die was niet juist",
    ]);
    env.json(&[
        "correct",
        &seq(&note),
        "--note",
        "Brief verzonden op 14 april.",
        "--effective",
        "2025-04-14",
        "--reason",
        "datum aangevuld",
    ]);
    env.json(&[
        "correct",
        &seq(&wrong),
        "--retract",
        "--reason",
        "verkeerd item",
    ]);
    env.json(&[
        "round",
        "seal",
        "2025-najaar",
        "--title",
        "Voortgangsbrief najaar 2025",
        "--reported-on",
        "2025-05-12",
    ]);
    env.set_clock("2025-06-02T09:00:00Z");
    env.run(&["note", "M2", "Na de ronde.", "--effective", "2025-06-01"])
        .ok();
    env.run(&["verify"]).ok();
    env
}

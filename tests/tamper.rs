//! Tampering: the store is opened with sled directly (while no kamerstand
//! ledger has it open) and damaged the way an editor, a careless script or a
//! forger would; `verify` must then exit 1 naming the first broken seq, the
//! kind of break and, where there is one, the item. Read and write commands
//! on a damaged store refuse with exit 1 rather than serve or extend it.
//!
//! The store layout is in tests/common/raw.rs and docs/format.md.

use crate::common::TestEnv;
use crate::common::raw::edit;
use kamerstand::domain::{EventBody, Timestamp};

/// Seq 0 created; 1 34843-79 registered; 2 T1 registered; 3 status of
/// 34843-79; 4 note on T1; 5 assign 34843-79; 6 note on 34843-79. Kept
/// without checkpoints, so that every read folds from the first event
/// (tests/catalog has reads served from a checkpoint).
fn ledger() -> TestEnv {
    let mut env = TestEnv::new();
    env.checkpoint_every = u64::MAX;
    env.run(&["init", "--programme", "NAP", "--title", "Stand van zaken"])
        .ok();
    env.add(&[
        "--kind",
        "motie",
        "--text",
        "Motie van het lid Jansen.",
        "--ref",
        "Kamerstukken II 2022/23, 34843, nr. 79",
        "--responsible",
        "SOCW",
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
    env.run(&[
        "status",
        "34843-79",
        "in-uitvoering",
        "--effective",
        "2024-02-01",
    ])
    .ok();
    env.run(&[
        "note",
        "T1",
        "Brief in voorbereiding.",
        "--effective",
        "2024-03-01",
    ])
    .ok();
    env.run(&["assign", "34843-79", "MJenV", "--effective", "2024-04-01"])
        .ok();
    env.run(&[
        "note",
        "34843-79",
        "Meldpunt geopend.",
        "--effective",
        "2024-05-01",
    ])
    .ok();
    assert_eq!(env.head().unwrap().seq, 6);
    env.run(&["verify"]).ok();
    env
}

/// Runs `verify` in table and JSON form and checks that both name the break
/// and how many events were found good before it.
#[track_caller]
fn assert_broken(env: &TestEnv, seq: u64, kind: &str, item: Option<&str>, checked: u64) {
    let out = env.run(&["verify"]);
    out.expect_code(1);
    let prefix = format!("BROKEN at seq {seq}: {kind}");
    assert!(
        out.stdout.starts_with(&prefix),
        "expected {prefix:?}, got:\n{}{}",
        out.stdout,
        out.stderr
    );
    match item {
        Some(key) => assert!(
            out.stdout.starts_with(&format!("{prefix} (item {key}): ")),
            "expected item {key}: {}",
            out.stdout
        ),
        None => assert!(
            out.stdout.starts_with(&format!("{prefix}: ")),
            "{}",
            out.stdout
        ),
    }
    let good = format!("\n{checked} events ");
    assert!(out.stdout.contains(&good), "{}", out.stdout);

    let j = env.run(&["--format", "json", "verify"]);
    j.expect_code(1);
    let j = j.json();
    assert_eq!(j["ok"], false);
    assert_eq!(j["first_break"]["seq"], seq);
    assert_eq!(j["first_break"]["kind"], kind.replace(' ', "_"));
    assert_eq!(j["events_checked"], checked);
    match item {
        Some(key) => assert_eq!(j["first_break"]["item"], key),
        None => assert!(j["first_break"]["item"].is_null(), "{j}"),
    }
    assert!(!j["first_break"]["detail"].as_str().unwrap().is_empty());
}

/// Read and write commands refuse a damaged store with exit 1 and append
/// nothing.
#[track_caller]
fn assert_refused(env: &TestEnv, needle: &str) {
    let before = crate::common::head_at(&env.store);
    for args in [
        &["overview"][..],
        &["--format", "json", "overview"],
        &["item", "list"],
        &["show", "T1"],
        &["log"],
        &["note", "T1", "Nog een notitie."],
    ] {
        let out = env.run(args);
        out.expect_code(1);
        assert_eq!(out.stdout, "", "{args:?} served a view of a damaged store");
        assert!(
            out.stderr.contains(needle),
            "{args:?}: stderr lacks {needle:?}: {}",
            out.stderr
        );
    }
    assert_eq!(crate::common::head_at(&env.store), before);
}

#[test]
fn a_flipped_byte_in_a_stored_hash_is_content_altered() {
    let env = ledger();
    edit(&env, |raw| {
        raw.flip(3, 5, 0x01);
    });
    assert_broken(&env, 3, "content altered", Some("34843-79"), 3);
    assert_refused(&env, "ledger is corrupt at seq 3");
}

#[test]
fn a_flipped_byte_in_the_canonical_bytes_is_content_altered() {
    let env = ledger();
    // The first byte of the actor name: 32 bytes of hash, then format (2),
    // seq (8), id (16), recorded_at (8) and the actor's length (8).
    edit(&env, |raw| {
        let mut v = raw.event(4);
        let at = 32 + 2 + 8 + 16 + 8 + 8;
        assert_eq!(v[at], b'c', "the actor is 'clerk'");
        v[at] ^= 0x20;
        raw.put_event(4, &v);
    });
    assert_broken(&env, 4, "content altered", Some("T1"), 4);
    assert_refused(&env, "ledger is corrupt at seq 4");
}

#[test]
fn flipped_bytes_anywhere_in_any_event_are_found() {
    for seq in [0, 2, 6] {
        let env = ledger();
        let len = edit(&env, |raw| raw.event(seq).len());
        // The first hash byte, the first content byte, the middle and the
        // last byte of the record.
        for at in [0, 32, len / 2, len - 1] {
            edit(&env, |raw| raw.flip(seq, at, 0x80));
            let j = env.run(&["--format", "json", "verify"]);
            j.expect_code(1);
            let j = j.json();
            assert_eq!(j["first_break"]["seq"], seq, "byte {at} of seq {seq}");
            assert_eq!(j["first_break"]["kind"], "content_altered", "byte {at}");
            // Undo, and the ledger verifies again.
            edit(&env, |raw| raw.flip(seq, at, 0x80));
            env.run(&["verify"]).ok();
        }
    }
}

#[test]
fn an_event_rewritten_with_a_fresh_hash_breaks_the_next_link() {
    let env = ledger();
    edit(&env, |raw| {
        raw.forge(3, |e| {
            if let EventBody::StatusChanged { status, .. } = &mut e.body {
                *status = "invulling".into();
            } else {
                panic!("seq 3 is not a status change: {e:?}");
            }
        });
    });
    // Seq 3 hashes correctly now; seq 4's prev no longer names it.
    assert_broken(&env, 4, "link broken", Some("T1"), 4);
    let out = env.run(&["verify"]);
    assert!(
        out.stdout.contains("seq 3 or this event was rewritten"),
        "{}",
        out.stdout
    );
}

#[test]
fn the_last_event_rewritten_with_a_fresh_hash_no_longer_matches_the_head() {
    let env = ledger();
    edit(&env, |raw| {
        raw.forge(6, |e| {
            if let EventBody::ProgressNoted { text, .. } = &mut e.body {
                *text = "Meldpunt nooit geopend.".into();
            }
        });
    });
    assert_broken(&env, 6, "head mismatch", None, 7);
    assert_refused(&env, "ledger is corrupt at seq 6");
}

#[test]
fn an_event_whose_recorded_time_goes_back_is_out_of_order() {
    let env = ledger();
    // A forger who relinks the whole rest of the chain and the head still
    // cannot make a back-dated recording look ordered.
    edit(&env, |raw| {
        let mut prev = raw.forge(3, |e| e.recorded_at = Timestamp::from_unix_nanos(0));
        for seq in 4..=6 {
            prev = raw.forge(seq, |e| e.prev = prev);
        }
        let head = raw.head();
        let at = i64::from_be_bytes(head[40..48].try_into().unwrap());
        raw.set_head(6, &prev.0, at);
    });
    assert_broken(&env, 3, "out of order", Some("34843-79"), 3);
    let out = env.run(&["verify"]);
    assert!(
        out.stdout.contains("before the previous event"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_removed_event_in_the_middle_is_missing() {
    let env = ledger();
    edit(&env, |raw| raw.remove_event(3));
    assert_broken(&env, 3, "event missing", None, 3);
    let out = env.run(&["verify"]);
    assert!(
        out.stdout
            .contains("no event stored at seq 3; the next stored event is seq 4"),
        "{}",
        out.stdout
    );
    assert_refused(&env, "ledger is corrupt");
}

#[test]
fn a_removed_first_event_is_missing() {
    let env = ledger();
    edit(&env, |raw| raw.remove_event(0));
    assert_broken(&env, 0, "event missing", None, 0);
}

#[test]
fn a_removed_last_event_is_missing() {
    let env = ledger();
    edit(&env, |raw| raw.remove_event(6));
    // The head still names seq 6, which is gone.
    assert_broken(&env, 6, "event missing", None, 6);
    assert_refused(&env, "ledger is corrupt at seq 6");
}

#[test]
fn a_removed_last_event_with_a_rewound_head_is_caught_by_the_index() {
    let env = ledger();
    edit(&env, |raw| {
        let five = raw.event(5);
        raw.remove_event(6);
        // A careful forger also gives the head seq 5's recorded time: stored
        // hash (32) + format (2) + seq (8) + id (16), then an i64 LE.
        let at = i64::from_le_bytes(five[58..66].try_into().unwrap());
        raw.set_head(5, &five[..32], at);
    });
    // The chain 0..=5 and its head agree; the item index still lists seq 6.
    assert_broken(&env, 6, "index mismatch", Some("34843-79"), 6);
}

#[test]
fn a_head_with_another_recorded_time_is_a_head_mismatch() {
    let env = ledger();
    edit(&env, |raw| {
        let head = raw.head();
        let at = i64::from_be_bytes(head[40..48].try_into().unwrap());
        let hash = head[8..40].to_vec();
        // A head time in the future would push every later recorded time on.
        raw.set_head(6, &hash, at + 86_400_000_000_000);
    });
    assert_broken(&env, 6, "head mismatch", None, 7);
    assert_refused(&env, "ledger is corrupt at seq 6");
}

#[test]
fn two_swapped_events_are_out_of_order() {
    let env = ledger();
    edit(&env, |raw| {
        let (a, b) = (raw.event(3), raw.event(4));
        raw.put_event(3, &b);
        raw.put_event(4, &a);
    });
    // Seq 3 now holds the note on T1, which says it is seq 4.
    assert_broken(&env, 3, "out of order", Some("T1"), 3);
    let out = env.run(&["verify"]);
    assert!(
        out.stdout
            .contains("the event stored at seq 3 says it is seq 4"),
        "{}",
        out.stdout
    );
    assert_refused(&env, "ledger is corrupt at seq 3");
}

#[test]
fn two_swapped_distant_events_are_out_of_order_at_the_first() {
    let env = ledger();
    edit(&env, |raw| {
        let (a, b) = (raw.event(2), raw.event(5));
        raw.put_event(2, &b);
        raw.put_event(5, &a);
    });
    assert_broken(&env, 2, "out of order", Some("34843-79"), 2);
}

#[test]
fn an_altered_head_hash_is_a_head_mismatch() {
    let env = ledger();
    edit(&env, |raw| {
        let mut h = raw.head();
        h[8 + 31] ^= 0x01;
        raw.meta.insert("head", h).unwrap();
    });
    assert_broken(&env, 6, "head mismatch", None, 7);
    let out = env.run(&["verify"]);
    assert!(out.stdout.contains("the head names hash"), "{}", out.stdout);
    assert_refused(&env, "ledger is corrupt at seq 6");
}

#[test]
fn a_rewound_head_is_a_head_mismatch_after_it() {
    let env = ledger();
    edit(&env, |raw| {
        let four = raw.event(4);
        let head = raw.head();
        let at = i64::from_be_bytes(head[40..48].try_into().unwrap());
        raw.set_head(4, &four[..32], at);
    });
    assert_broken(&env, 5, "head mismatch", None, 7);
    assert_refused(
        &env,
        "the head names seq 4 but the last stored event is seq 6",
    );
}

#[test]
fn a_removed_head_is_a_head_mismatch_and_init_does_not_overwrite() {
    let env = ledger();
    edit(&env, |raw| {
        raw.meta.remove("head").unwrap().unwrap();
    });
    assert_broken(&env, 6, "head mismatch", None, 7);
    assert_refused(&env, "ledger is corrupt");
    // Not an unfinished init: a new init must not write over seq 0.
    let before = edit(&env, |raw| raw.event(0));
    let out = env.run(&["init", "--programme", "NAP"]);
    out.expect_code(1);
    assert!(out.stderr.contains("ledger is corrupt"), "{}", out.stderr);
    assert_eq!(edit(&env, |raw| raw.event(0)), before);
    assert_broken(&env, 6, "head mismatch", None, 7);
}

#[test]
fn an_unreadable_head_is_a_head_mismatch() {
    let env = ledger();
    edit(&env, |raw| {
        let h = raw.head();
        raw.meta.insert("head", &h[..47]).unwrap();
    });
    assert_broken(&env, 6, "head mismatch", None, 7);
    assert_refused(&env, "ledger is corrupt");
}

#[test]
fn a_removed_index_entry_is_an_index_mismatch() {
    let env = ledger();
    let id = env.id_of("34843-79");
    edit(&env, |raw| {
        raw.index_remove(&id, 5);
    });
    assert_broken(&env, 5, "index mismatch", Some("34843-79"), 7);
    let out = env.run(&["verify"]);
    assert!(
        out.stdout.contains("missing from the item index"),
        "{}",
        out.stdout
    );
}

#[test]
fn an_index_entry_pointing_elsewhere_is_an_index_mismatch() {
    let env = ledger();
    let id = env.id_of("34843-79");
    // The entry for seq 5 now points at seq 4, the note on T1.
    edit(&env, |raw| {
        raw.index_remove(&id, 5);
        raw.index_put(&id, 4);
    });
    assert_broken(&env, 4, "index mismatch", Some("34843-79"), 7);
    let out = env.run(&["verify"]);
    assert!(
        out.stdout.contains("not expected in the item index"),
        "{}",
        out.stdout
    );
}

#[test]
fn an_index_entry_moved_to_another_item_is_an_index_mismatch() {
    let env = ledger();
    let (a, t) = (env.id_of("34843-79"), env.id_of("T1"));
    edit(&env, |raw| {
        raw.index_remove(&t, 4);
        raw.index_put(&a, 4);
    });
    let j = env.run(&["--format", "json", "verify"]);
    j.expect_code(1);
    let j = j.json();
    assert_eq!(j["first_break"]["seq"], 4);
    assert_eq!(j["first_break"]["kind"], "index_mismatch");
}

#[test]
fn an_index_entry_for_an_event_that_does_not_exist_is_an_index_mismatch() {
    let env = ledger();
    let id = env.id_of("T1");
    edit(&env, |raw| raw.index_put(&id, 99));
    assert_broken(&env, 99, "index mismatch", Some("T1"), 7);
}

#[test]
fn the_binary_reports_a_break_from_a_separate_process() {
    let env = ledger();
    edit(&env, |raw| raw.remove_event(2));
    let out = env.bin(&["verify"]);
    out.expect_code(1);
    assert!(
        out.stdout.starts_with("BROKEN at seq 2: event missing"),
        "{}",
        out.stdout
    );
    let out = env.bin(&["overview"]);
    out.expect_code(1);
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr.starts_with("error: ledger is corrupt"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_foreign_store_mark_is_refused() {
    let env = ledger();
    edit(&env, |raw| {
        raw.meta.insert("format", "iets-anders-1").unwrap();
    });
    for args in [&["verify"][..], &["overview"], &["note", "T1", "x"]] {
        let out = env.run(args);
        out.expect_code(1);
        assert!(
            out.stderr.contains("store mark is \"iets-anders-1\""),
            "{}",
            out.stderr
        );
    }
}

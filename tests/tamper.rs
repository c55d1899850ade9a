//! Tampering and corruption: the catalog of docs/reliability.md. The store
//! is damaged the way an editor, a careless script or a forger who knows the
//! format would damage it (opened with sled directly while no kamerstand
//! ledger has it open: tests/common/raw.rs, docs/format.md), and for every
//! row of the catalog this says what `verify` reports (exit 1, the first
//! broken seq, the kind of break, the item where there is one, how many
//! events were found good before it) and whether read and write commands
//! refuse the store (exit 1, nothing served, nothing appended) or serve it.
//!
//! Rows: flipped bytes, events rewritten with a fresh hash, removed,
//! swapped, back-dated or spliced in; the head altered, rewound, removed or
//! unreadable; item index entries removed, moved or invented; round seals
//! rewritten; a ledger truncated behind a seal, or rewritten and relinked
//! to the end, which only a published round digest (`verify --digest`)
//! reveals; and stores whose sled files are damaged so that sled itself
//! cannot open them.

use crate::common::raw::edit;
use crate::common::{TestEnv, Transcript, head_at, snap, two_rounds};
use kamerstand::domain::{EventBody, EventHash, Timestamp};
use kamerstand::ledger::Envelope;
use serde_json::Value;
use std::path::Path;

/// Seq 0 created; 1 34843-79 registered; 2 T1 registered; 3 status of
/// 34843-79; 4 note on T1; 5 assign 34843-79; 6 note on 34843-79.
fn ledger() -> TestEnv {
    let env = TestEnv::new();
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

/// The Dutch words of a kind of break, as the JSON names it with spaces.
fn dutch_kind(kind: &str) -> &'static str {
    match kind {
        "content altered" => "inhoud gewijzigd",
        "link broken" => "schakel verbroken",
        "event missing" => "gebeurtenis ontbreekt",
        "out of order" => "volgorde verstoord",
        "index mismatch" => "itemindex wijkt af",
        "head mismatch" => "kop van de keten wijkt af",
        "seal mismatch" => "zegel klopt niet",
        "rule broken" => "regel overtreden",
        other => panic!("no Dutch words for {other:?} in this test"),
    }
}

/// Runs `verify` in Dutch (the default), in English and as JSON, and checks
/// that all three name the break, its kind, the item (or none) and how many
/// events were found good before it, and that the English says what the
/// JSON's detail says; returns what the Dutch form printed, for a snapshot.
#[track_caller]
fn assert_broken(env: &TestEnv, seq: u64, kind: &str, item: Option<&str>, checked: u64) -> String {
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
    let detail = j["first_break"]["detail"].as_str().unwrap();
    assert!(!detail.is_empty());

    let item_words = item.map(|k| format!(" (item {k})")).unwrap_or_default();
    let out = env.run(&["verify"]);
    out.expect_code(1);
    let prefix = format!(
        "GEBROKEN bij gebeurtenis {seq}: {}{item_words}: ",
        dutch_kind(kind)
    );
    assert!(
        out.stdout.starts_with(&prefix),
        "expected {prefix:?}, got:\n{}{}",
        out.stdout,
        out.stderr
    );
    let good = format!(
        "\n{checked} {} de ketencontrole",
        if checked == 1 {
            "gebeurtenis doorstond"
        } else {
            "gebeurtenissen doorstonden"
        }
    );
    assert!(out.stdout.contains(&good), "{}", out.stdout);

    let en = env.run(&["--lang", "en", "verify"]);
    en.expect_code(1);
    let line = format!(
        "BROKEN at seq {seq}: {kind}{item_words}: {detail}\n{checked} events passed the chain checks"
    );
    assert!(
        en.stdout.starts_with(&line),
        "expected {line:?}, got:\n{}",
        en.stdout
    );
    out.stdout
}

/// The read commands of the catalog table.
const READS: [&[&str]; 6] = [
    &["overview"],
    &["--format", "json", "overview"],
    &["item", "list"],
    &["show", "T1"],
    &["log"],
    &["round", "list"],
];

/// Every read command refuses with exit 1, prints nothing on stdout and
/// says `needle`; a write is refused as well and the head stays: damage the
/// opening of a ledger finds (its head and last event, the index's mark).
#[track_caller]
fn reads_refuse(env: &TestEnv, needle: &str) {
    let before = head_at(&env.store);
    for args in READS.iter().copied().chain([&["note", "T1", "x"][..]]) {
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

/// Damage below the head, in an event the views do not read: on a ledger
/// this small every command checks the whole chain when it opens it, so
/// reads and writes refuse, saying `needle` (a larger ledger's views are
/// read from the index and serve: `damage_below_the_head_of_a_larger_ledger_is_for_verify_and_a_seal`);
/// a round seal verifies first and refuses, saying `needle`, and from then
/// on the ledger is neither read nor written. The head stays.
#[track_caller]
fn a_seal_stops_it(env: &TestEnv, needle: &str) {
    reads_refuse(env, needle);
    let before = head_at(&env.store);
    let out = env.run(&["round", "seal", "na-de-schade"]);
    out.expect_code(1);
    assert!(
        out.stderr.contains("the round was not sealed") && out.stderr.contains(needle),
        "stderr lacks {needle:?}: {}",
        out.stderr
    );
    for args in READS.iter().copied().chain([&["note", "T1", "x"][..]]) {
        let out = env.run(args);
        out.expect_code(1);
        assert_eq!(
            out.stdout, "",
            "{args:?} served a ledger a seal found broken"
        );
        assert!(
            out.stderr.contains("a round seal found this ledger broken"),
            "{args:?}: {}",
            out.stderr
        );
    }
    assert_eq!(head_at(&env.store), before);
}

/// The careful forger's finish after rewriting the chain: the index rebuilt
/// from the forged events (the command does it for a chain that holds).
fn rebuild_index(env: &TestEnv) {
    // Over any trace the rewrite left in the old index, as a forger would.
    env.run(&["verify", "--rebuild-index", "--discard-trace"]);
}

// ---------------------------------- flipped bytes and rewritten events

#[test]
fn a_flipped_byte_in_a_stored_hash_is_content_altered() {
    let env = ledger();
    edit(&env, |raw| {
        raw.flip(3, 5, 0x01);
    });
    snap!(assert_broken(
        &env,
        3,
        "content altered",
        Some("34843-79"),
        3
    ));
    a_seal_stops_it(&env, "the chain breaks at seq 3");
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
    snap!(assert_broken(&env, 4, "content altered", Some("T1"), 4));
    a_seal_stops_it(&env, "the chain breaks at seq 4");
}

/// Bytes that decode but are not canonical (a responsible code in lower
/// case, which decoding reads as the upper-case one), stored with their own
/// hash: the chain check reports them, though `verify`'s index side decodes
/// without that check (it leaves it to the chain check beside it).
#[test]
fn a_non_canonical_event_with_its_own_hash_is_undecodable() {
    let env = ledger();
    edit(&env, |raw| {
        let v = raw.event(5);
        let mut bytes = v[32..].to_vec();
        let at = bytes
            .windows(5)
            .position(|w| w == b"MJenV")
            .expect("seq 5 assigns MJenV");
        bytes[at..at + 5].copy_from_slice(b"mjenv");
        let mut stored = kamerstand::ledger::codec::hash(&bytes).0.to_vec();
        stored.extend_from_slice(&bytes);
        raw.put_event(5, &stored);
    });
    let j = env.run(&["--format", "json", "verify"]);
    j.expect_code(1);
    let j = j.json();
    assert_eq!(j["first_break"]["seq"], 5);
    assert_eq!(j["first_break"]["kind"], "undecodable", "{j}");
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
fn a_stored_value_shorter_than_its_hash_is_content_altered() {
    let env = two_rounds();
    edit(&env, |s| {
        s.put_event(3, &[7u8; 20]);
    });
    snap!(assert_broken(&env, 3, "content altered", None, 3));
    a_seal_stops_it(&env, "the chain breaks at seq 3");
}

#[test]
fn an_event_rewritten_with_a_fresh_hash_breaks_the_next_link_and_stops_a_seal() {
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
    snap!(assert_broken(&env, 4, "link broken", Some("T1"), 4));
    a_seal_stops_it(&env, "the chain breaks at seq 4");
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
    snap!(assert_broken(&env, 6, "head mismatch", None, 7));
    reads_refuse(&env, "ledger is corrupt at seq 6");
}

/// Seq 3 of [`two_rounds`] (a status change of M1) rewritten with a fresh
/// hash: no view reads it (the views read the index), and seq 4's link
/// names the old hash.
fn rewrite_seq_3(env: &TestEnv) {
    edit(env, |s| {
        let mut e = s.envelope(3);
        if let EventBody::StatusChanged { status, .. } = &mut e.body {
            *status = "invulling".into();
        }
        s.put(&e);
    });
}

#[test]
fn damage_to_an_event_a_view_does_not_read_stops_every_command_on_a_small_ledger() {
    // A view is read from the index, not from the event rewritten; but on
    // a ledger of at most WHOLE_LEDGER_AT_OPEN events every command checks
    // the whole chain when it opens it: reads refuse, naming the break as
    // `verify` does, writes are refused, and a round seal refuses.
    let env = two_rounds();
    rewrite_seq_3(&env);
    snap!(assert_broken(&env, 4, "link broken", None, 4));
    for args in [
        &["overview"][..],
        &["log"],
        &["export", "--format", "md"],
        &["diff", "R1", "R2"],
        &["note", "M1", "Verder."],
    ] {
        let out = env.run(args);
        out.expect_code(1);
        assert_eq!(out.stdout, "", "{args:?} served a broken chain");
        assert!(
            out.stderr
                .contains("ledger is corrupt at seq 4: the chain breaks at seq 4: link broken"),
            "{args:?}: {}",
            out.stderr
        );
    }
    let out = env.run(&["round", "seal", "r3"]);
    out.expect_code(1);
    assert!(
        out.stderr.contains("the chain breaks at seq 4"),
        "{}",
        out.stderr
    );
}

#[test]
fn damage_below_the_head_of_a_larger_ledger_is_for_verify_and_a_seal() {
    use kamerstand::app::Workspace;
    use kamerstand::ledger::{OpenOptions, WHOLE_LEDGER_AT_OPEN};
    use kamerstand::projection::Basis;
    // A ledger over the limit is opened here as one is: with a limit below
    // its size (`two_rounds` holds 9 events).
    let env = two_rounds();
    let limited = |up_to: u64| OpenOptions {
        whole_ledger_up_to: up_to,
        ..env.open_options()
    };
    let view = |ws: &Workspace| ws.view(Basis::Current, None).unwrap();
    let before = view(&Workspace::open(&env.store, env.open_options()).unwrap());
    rewrite_seq_3(&env);
    // Checked whole at a limit of its size or more.
    for up_to in [9, WHOLE_LEDGER_AT_OPEN] {
        let Err(e) = Workspace::open(&env.store, limited(up_to)) else {
            panic!("a ledger of 9 events opened with a limit of {up_to}");
        };
        assert!(
            e.to_string()
                .contains("the chain breaks at seq 4: link broken"),
            "{e}"
        );
    }
    // Above the limit the views are read from the index, which the event
    // rewritten did not touch: they serve what they served before (reads
    // trust the index; docs/format.md).
    let ws = Workspace::open(&env.store, limited(8)).unwrap();
    assert_eq!(view(&ws), before);
    drop(ws);
    // `verify` names the break and a round seal refuses over it.
    let out = env.run(&["round", "seal", "r3"]);
    out.expect_code(1);
    assert!(
        out.stderr.contains("the chain breaks at seq 4"),
        "{}",
        out.stderr
    );
}

#[test]
fn an_event_whose_recorded_time_goes_back_is_out_of_order_and_is_never_indexed() {
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
    snap!(assert_broken(&env, 3, "out of order", Some("34843-79"), 3));
    // The index names the old head, and is rebuilt only from a chain that
    // holds: reads refuse, before and after an attempt to rebuild it.
    reads_refuse(&env, "the index was written up to seq 6 with hash");
    env.run(&["verify", "--rebuild-index"]).expect_code(1);
    reads_refuse(&env, "the index was written up to seq 6 with hash");
}

// ------------------------------- events removed, swapped or spliced in

#[test]
fn a_removed_event_in_the_middle_is_missing() {
    let env = ledger();
    edit(&env, |raw| raw.remove_event(3));
    snap!(assert_broken(&env, 3, "event missing", None, 3));
    a_seal_stops_it(&env, "the chain breaks at seq 3");
}

#[test]
fn a_removed_first_event_is_missing() {
    let env = ledger();
    edit(&env, |raw| raw.remove_event(0));
    snap!(assert_broken(&env, 0, "event missing", None, 0));
}

#[test]
fn a_removed_last_event_is_missing() {
    let env = ledger();
    edit(&env, |raw| raw.remove_event(6));
    // The head still names seq 6, which is gone.
    snap!(assert_broken(&env, 6, "event missing", None, 6));
    reads_refuse(&env, "ledger is corrupt at seq 6");
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
    snap!(assert_broken(
        &env,
        6,
        "index mismatch",
        Some("34843-79"),
        6
    ));
    // The index was written up to the head that is gone: reads refuse.
    reads_refuse(&env, "the index was written up to seq 6");
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
    snap!(assert_broken(&env, 3, "out of order", Some("T1"), 3));
    a_seal_stops_it(&env, "the chain breaks at seq 3");
}

#[test]
fn two_swapped_distant_events_are_out_of_order_at_the_first() {
    let env = ledger();
    edit(&env, |raw| {
        let (a, b) = (raw.event(2), raw.event(5));
        raw.put_event(2, &b);
        raw.put_event(5, &a);
    });
    snap!(assert_broken(&env, 2, "out of order", Some("34843-79"), 2));
}

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
    snap!(assert_broken(&env, 6, "link broken", Some("T1"), 6));
    // The index still names the old head.
    reads_refuse(
        &env,
        "the index was written up to seq 8 but the chain's head is seq 9",
    );
}

#[test]
fn the_binary_reports_a_break_from_a_separate_process() {
    let env = ledger();
    edit(&env, |raw| raw.remove_event(2));
    let out = env.bin(&["verify"]);
    out.expect_code(1);
    assert!(
        out.stdout
            .starts_with("GEBROKEN bij gebeurtenis 2: gebeurtenis ontbreekt"),
        "{}",
        out.stdout
    );
    let out = env.bin(&["round", "seal", "r9"]);
    out.expect_code(1);
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr.starts_with("error: ledger is corrupt")
            && out.stderr.contains("the round was not sealed"),
        "{}",
        out.stderr
    );
    let out = env.bin(&["overview"]);
    out.expect_code(1);
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr.contains("a round seal found this ledger broken"),
        "{}",
        out.stderr
    );
}

// ------------------------------------------------------------ the head

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
    snap!(assert_broken(&env, 6, "head mismatch", None, 7));
    reads_refuse(&env, "ledger is corrupt at seq 6");
}

#[test]
fn an_altered_head_hash_is_a_head_mismatch() {
    let env = ledger();
    edit(&env, |raw| {
        let mut h = raw.head();
        h[8 + 31] ^= 0x01;
        raw.meta.insert("head", h).unwrap();
    });
    snap!(assert_broken(&env, 6, "head mismatch", None, 7));
    reads_refuse(&env, "ledger is corrupt at seq 6");
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
    snap!(assert_broken(&env, 5, "head mismatch", None, 7));
    reads_refuse(
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
    let broken = assert_broken(&env, 6, "head mismatch", None, 7);
    snap!(broken);
    reads_refuse(&env, "ledger is corrupt");
    // Not an unfinished init: a new init must not write over seq 0.
    let before = edit(&env, |raw| raw.event(0));
    let out = env.run(&["init", "--programme", "NAP"]);
    out.expect_code(1);
    assert!(out.stderr.contains("ledger is corrupt"), "{}", out.stderr);
    assert_eq!(edit(&env, |raw| raw.event(0)), before);
    assert_eq!(assert_broken(&env, 6, "head mismatch", None, 7), broken);
}

#[test]
fn an_unreadable_head_is_a_head_mismatch() {
    let env = ledger();
    edit(&env, |raw| {
        let h = raw.head();
        raw.meta.insert("head", &h[..47]).unwrap();
    });
    snap!(assert_broken(&env, 6, "head mismatch", None, 7));
    reads_refuse(&env, "ledger is corrupt");
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

// ------------------------------------------------------ the item index

#[test]
fn a_removed_index_entry_is_an_index_mismatch() {
    let env = ledger();
    let id = env.id_of("34843-79");
    edit(&env, |raw| {
        raw.index_remove(&id, 5);
    });
    snap!(assert_broken(
        &env,
        5,
        "index mismatch",
        Some("34843-79"),
        7
    ));
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
    snap!(assert_broken(
        &env,
        4,
        "index mismatch",
        Some("34843-79"),
        7
    ));
}

#[test]
fn an_index_entry_for_an_event_that_does_not_exist_is_an_index_mismatch() {
    let env = ledger();
    let id = env.id_of("T1");
    edit(&env, |raw| raw.index_put(&id, 99));
    snap!(assert_broken(&env, 99, "index mismatch", Some("T1"), 7));
}

#[test]
fn an_index_entry_pointed_elsewhere_or_removed_is_refused_by_log_item_and_show() {
    // The tests above check `verify` on such entries; here also the one
    // read command that uses the index, `log --item`.
    let env = two_rounds();
    // What the reads and writes of a ledger over the limit of the whole
    // index's check at open do (a smaller one refuses the forgery there).
    env.as_if_larger();
    let (m1, t1) = (env.id_of("M1"), env.id_of("T1"));
    // T1's note (seq 5) listed under M1.
    edit(&env, |s| {
        s.index_remove(&t1, 5);
        s.index_put(&m1, 5);
    });
    snap!(assert_broken(&env, 5, "index mismatch", Some("T1"), 9));
    let out = env.run(&["log", "--item", "M1"]);
    out.expect_code(1);
    assert_eq!(out.stdout, "");
    snap!("index_entry_under_another_item_log_item", out.stderr);
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

    // Put it back, then remove M1's entry for seq 6 (M1 vertraagd). The
    // item index cannot tell an entry that is not there, but M1's events
    // read through it no longer fold to what the index of views says of
    // M1: `log --item M1` and `show M1` refuse (they served a history
    // without seq 6).
    edit(&env, |s| {
        s.index_remove(&m1, 5);
        s.index_put(&t1, 5);
        s.index_remove(&m1, 6);
    });
    snap!(assert_broken(&env, 6, "index mismatch", Some("M1"), 9));
    for args in [&["log", "--item", "M1"][..], &["show", "M1"]] {
        let out = env.run(args);
        out.expect_code(1);
        assert_eq!(out.stdout, "");
        assert!(
            out.stderr.contains(
                "ledger is corrupt at seq 8: item M1 as the index gives it differs from its events"
            ),
            "{args:?}: {}",
            out.stderr
        );
    }
    reads_serve(&env);
}

// ----------------------------------- round seals and published digests

#[test]
fn a_seal_with_a_flipped_byte_is_content_altered_at_its_seq() {
    let env = two_rounds();
    let r1 = env.round_digest("R1");
    edit(&env, |s| {
        let last = s.event(4).len() - 1;
        s.flip(4, last, 0x01);
    });
    let mut t = Transcript::new();
    let (_, j) = env.verify_into(&mut t, &[], 1);
    assert_eq!(j["first_break"]["seq"], 4);
    assert_eq!(j["first_break"]["kind"], "content_altered");
    let (_, j) = env.verify_into(&mut t, &["--digest", &r1, "--round", "R1"], 1);
    assert_eq!(j["digest"]["ok"], false);
    snap!(t.text());
    a_seal_stops_it(&env, "the chain breaks at seq 4");
}

#[test]
fn a_seal_rewritten_with_a_fresh_hash_is_a_seal_mismatch_at_its_seq() {
    let env = two_rounds();
    let r1 = env.round_digest("R1");
    edit(&env, |s| {
        let mut e = s.envelope(4);
        let (EventBody::RoundSealed { head_hash, .. } | EventBody::RoundSealedV2 { head_hash, .. }) =
            &mut e.body
        else {
            panic!("seq 4 is not a seal: {e:?}");
        };
        head_hash.0[0] ^= 0xff;
        s.put(&e);
    });
    let mut t = Transcript::new();
    let (_, j) = env.verify_into(&mut t, &[], 1);
    assert_eq!(j["first_break"]["seq"], 4);
    assert_eq!(j["first_break"]["kind"], "seal_mismatch");
    env.verify_into(&mut t, &["--digest", &r1, "--round", "R1"], 1);
    snap!(t.text());
}

#[test]
fn a_rewritten_seal_is_a_seal_mismatch_and_stops_a_seal_before_and_after_a_relink() {
    // Above, a seal rewritten alone; here also what reads and seals do,
    // before and after the forger relinks what follows.
    let env = two_rounds();
    let old = edit(&env, |s| {
        let old = s.envelope(4);
        let mut e = old.clone();
        let (EventBody::RoundSealed { head_seq, .. } | EventBody::RoundSealedV2 { head_seq, .. }) =
            &mut e.body
        else {
            panic!("seq 4 is not a seal: {e:?}");
        };
        *head_seq = 2;
        s.put(&e);
        old
    });
    let broken = assert_broken(&env, 4, "seal mismatch", None, 4);
    snap!(broken);
    // The views serve from the index; a seal stops it (on a copy, so
    // that the forger's next step below can follow on this one).
    let copy = TestEnv::new();
    env.copy_store_to(&copy);
    a_seal_stops_it(&copy, "the chain breaks at seq 4");
    edit(&env, |s| {
        let mut e = s.envelope(4);
        e.body = old.body.clone();
        if let EventBody::RoundSealed { head_seq, .. } | EventBody::RoundSealedV2 { head_seq, .. } =
            &mut e.body
        {
            *head_seq = 2;
        }
        let prev = s.put(&e);
        s.relink_from(5, prev);
    });
    // The index is rebuilt only from a chain that holds, which this one
    // does not: it still names the old head, and reads refuse.
    rebuild_index(&env);
    assert_eq!(assert_broken(&env, 4, "seal mismatch", None, 4), broken);
    reads_refuse(&env, "the index was written up to seq 8 with hash");
}

#[test]
fn a_ledger_truncated_behind_a_seal_fails_its_digest() {
    let env = two_rounds();
    let (r1, r2) = (env.round_digest("R1"), env.round_digest("R2"));
    // Remove seqs 6 to 8, the seal of R2 included, with the head set back
    // to seq 5 and the item index cleaned: a consistent shorter ledger.
    edit(&env, |s| {
        s.truncate_after(5);
        s.set_head_to(5);
        s.drop_derived();
    });
    rebuild_index(&env);
    assert_eq!(env.head().unwrap().seq, 5);
    // Plain verification cannot tell: the chain that is left is intact.
    let mut t = Transcript::new();
    env.verify_into(&mut t, &[], 0);
    // The published digest can.
    let (_, j) = env.verify_into(&mut t, &["--digest", &r2, "--round", "R2"], 1);
    assert_eq!(j["ok"], false);
    assert_eq!(j["digest"]["found_at"], Value::Null);
    env.verify_into(&mut t, &["--digest", &r2], 1);
    // The earlier round is still there, and the ledger reads as one round.
    env.verify_into(&mut t, &["--digest", &r1, "--round", "R1"], 0);
    snap!(t.text());
    let rounds = env.json(&["round", "list"]);
    assert_eq!(rounds["rounds"].as_array().unwrap().len(), 1);
    let out = env.run(&["overview", "--round", "R2"]);
    out.expect_code(2);
    // The real binary says the same.
    let args = ["verify", "--digest", &r2, "--round", "R2"];
    let out = env.bin(&args);
    out.expect_code(1);
    assert_eq!(out.stdout, env.run(&args).stdout);
}

#[test]
fn a_ledger_truncated_right_after_a_seal_fails_the_next_digest_only() {
    let env = two_rounds();
    let (r1, r2) = (env.round_digest("R1"), env.round_digest("R2"));
    // Keep R1's seal as the last event.
    edit(&env, |s| {
        s.truncate_after(4);
        s.set_head_to(4);
        s.drop_derived();
    });
    rebuild_index(&env);
    let mut t = Transcript::new();
    env.verify_into(&mut t, &[], 0);
    env.verify_into(&mut t, &["--digest", &r1, "--round", "R1"], 0);
    env.verify_into(&mut t, &["--digest", &r2, "--round", "R2"], 1);
    snap!(t.text());
}

#[test]
fn a_fully_relinked_rewrite_passes_verify_but_not_the_published_digests() {
    let env = two_rounds();
    let (r1, r2) = (env.round_digest("R1"), env.round_digest("R2"));
    // A forger who knows the format rewrites M1's status at seq 3 and then
    // relinks every later event, seals included, and the head.
    edit(&env, |s| {
        let mut e = s.envelope(3);
        let EventBody::StatusChanged { status, .. } = &mut e.body else {
            panic!("seq 3 is not a status change: {e:?}");
        };
        *status = "invulling".into();
        let prev = s.put(&e);
        s.relink_from(4, prev);
    });
    rebuild_index(&env);
    let mut t = Transcript::new();
    env.verify_into(&mut t, &[], 0);
    for (name, d) in [("R1", &r1), ("R2", &r2)] {
        env.verify_into(&mut t, &["--digest", d, "--round", name], 1);
    }
    env.verify_into(&mut t, &["--digest", &r1], 1);
    snap!(t.text());
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
            crate::common::raw::fill_seal(&mut e.body, e.seq, prev, &s.tree_before(e.seq));
            prev = s.put(&e);
        }
        s.reindex();
        s.set_head_to(last + 1);
    });
    rebuild_index(&env);
    // The chain, the head and the index agree: verify passes, and read
    // commands serve the forged history.
    let mut t = Transcript::new();
    env.verify_into(&mut t, &[], 0);
    reads_serve(&env);
    let show = env.json(&["show", "M1"]);
    // The forged status change is in M1's history.
    assert!(
        show["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["seq"] == 5 && e["to"] == "invulling"),
        "{show}"
    );
    // The digest published before the forged event still matches; the one
    // published after does not, and neither does the head written down.
    env.verify_into(&mut t, &["--digest", &r1, "--round", "R1"], 0);
    let (_, j) = env.verify_into(&mut t, &["--digest", &r2, "--round", "R2"], 1);
    assert_eq!(j["first_break"], Value::Null);
    assert_eq!(j["digest"]["ok"], false);
    // The JSON form explains it as the English table form does.
    let detail = j["digest"]["detail"].as_str().unwrap();
    let en = env.run(&["--lang", "en", "verify", "--digest", &r2, "--round", "R2"]);
    en.expect_code(1);
    assert!(en.stdout.contains(detail), "{detail}\n{}", en.stdout);
    env.verify_into(&mut t, &["--digest", &head_before.hash.hex()], 1);
    snap!(t.text());
}

// -------------------------------------- stores sled itself cannot open

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

// ------------------------------------------------ impossible ledgers
//
// Ledgers whose every hash and link holds but that kamerstand could never
// have recorded, made the way a forger who knows the format makes them: an
// events export edited and chained again (every hash and `prev`
// recomputed), or events planted after the head of a store. The import
// refuses such a file (exit 2, naming its line and seq, no store made), and
// `verify` names the first event that breaks a rule (exit 1,
// `rule_broken`).

/// The events of `env`'s ledger, as an export holds them.
fn envelopes(env: &TestEnv) -> Vec<Envelope> {
    let out = env.run(&["export", "--format", "events"]);
    out.ok();
    out.stdout
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            let bytes = crate::common::raw::hex_bytes(v["bytes"].as_str().unwrap());
            kamerstand::ledger::codec::decode(&bytes).unwrap()
        })
        .collect()
}

/// An events export of `events`, chained again: seqs renumbered, every
/// `prev` (and a seal's head) set to the event before, recorded times
/// never going back, every hash computed afresh.
fn rechained(mut events: Vec<Envelope>) -> String {
    use kamerstand::ledger::{Recorded, codec};
    let mut prev = EventHash::GENESIS;
    let mut at = Timestamp::from_unix_nanos(i64::MIN);
    let mut keys = std::collections::BTreeMap::new();
    let mut out = String::new();
    for (seq, env) in events.iter_mut().enumerate() {
        let seq = seq as u64;
        env.seq = seq;
        env.prev = prev;
        at = at.max(env.recorded_at);
        env.recorded_at = at;
        if let EventBody::RoundSealed {
            head_seq,
            head_hash,
            ..
        } = &mut env.body
        {
            *head_seq = seq.saturating_sub(1);
            *head_hash = prev;
        }
        if let EventBody::ItemRegistered { key, .. } = &env.body {
            keys.insert(env.id, key.to_string());
        }
        let hash = codec::hash(&codec::encode(env).unwrap());
        let rec = Recorded {
            envelope: env.clone(),
            hash,
        };
        out.push_str(&kamerstand::formats::events::line(
            &|id| keys.get(&id).cloned(),
            &rec,
        ));
        prev = hash;
    }
    out
}

/// An event like the one at `seq` of `events` (same actor and time), with
/// another body and id.
fn like(events: &[Envelope], seq: usize, id: u8, body: EventBody) -> Envelope {
    let mut e = events[seq].clone();
    e.id = kamerstand::domain::EventId([0xfe, 0, 0, 0, 0, 0, 0x70, 0, 0x80, 0, 0, 0, 0, 0, 0, id]);
    e.body = body;
    e
}

fn day(s: &str) -> kamerstand::domain::Day {
    kamerstand::domain::Day::parse("d", s).unwrap()
}

fn status_change(item: kamerstand::domain::EventId, status: &str) -> EventBody {
    EventBody::StatusChanged {
        item,
        status: status.into(),
        reason: None,
        effective: day("2024-06-01"),
    }
}

fn registration(key: &str) -> EventBody {
    EventBody::ItemRegistered {
        kind: kamerstand::domain::ItemKind::Motie,
        key: kamerstand::domain::ItemKey::parse(key).unwrap(),
        text: "Nog een motie.".into(),
        submitters: vec![],
        citations: vec![],
        responsible: kamerstand::domain::Responsible::none(),
        status: "in-uitvoering".into(),
        effective: day("2024-06-01"),
    }
}

/// The import of `file` is refused with exit 2, naming `line` and the seq
/// on it and saying `needle`; no store is left behind.
#[track_caller]
fn import_refused(file: &str, line: usize, needle: &str) {
    let env = TestEnv::new();
    env.set_clock("2025-06-01T00:00:00Z");
    let path = env.dir.path().join("events.jsonl");
    std::fs::write(&path, file).unwrap();
    let out = env.run(&["import", path.to_str().unwrap()]);
    out.expect_code(2);
    let prefix = format!(
        "error: events file, line {line}: seq {}: rule broken",
        line - 1
    );
    assert!(
        out.stderr.starts_with(&prefix) && out.stderr.contains(needle),
        "expected {prefix:?} … {needle:?}:\n{}",
        out.stderr
    );
    assert!(!env.store.exists(), "the refused import left a store");
}

/// The import of the same events untouched succeeds, so the refusal is
/// the edit's.
fn import_ok(file: &str) {
    let env = TestEnv::new();
    env.set_clock("2025-06-01T00:00:00Z");
    let path = env.dir.path().join("events.jsonl");
    std::fs::write(&path, file).unwrap();
    env.run(&["import", path.to_str().unwrap()]).ok();
    env.run(&["verify"]).ok();
}

fn item_id(env: &TestEnv, key: &str) -> kamerstand::domain::EventId {
    let hex = crate::common::raw::hex_bytes(&env.id_of(key));
    kamerstand::domain::EventId(hex.try_into().unwrap())
}

#[test]
fn impossible_events_files_are_refused_naming_line_and_seq() {
    let env = ledger();
    let events = envelopes(&env);
    import_ok(&rechained(events.clone()));
    let m = item_id(&env, "34843-79");
    let t1 = item_id(&env, "T1");
    // A status not in the legend, inserted as seq 4.
    let mut e = events.clone();
    e.insert(4, like(&events, 3, 1, status_change(m, "bestaat-niet")));
    import_refused(
        &rechained(e),
        5,
        "status 'bestaat-niet' is not in this ledger's legend",
    );
    // Two items with one key (in another case).
    let mut e = events.clone();
    e.push(like(&events, 6, 2, registration("t1")));
    import_refused(
        &rechained(e),
        8,
        "which item T1 already has (registered at seq 2)",
    );
    // A status for an item that does not exist.
    let nobody = kamerstand::domain::EventId([7; 16]);
    let mut e = events.clone();
    e.push(like(&events, 6, 3, status_change(nobody, "vertraagd")));
    import_refused(
        &rechained(e),
        8,
        "no item with that id is registered before it",
    );
    // Two events with one id: seq 4's id again at seq 7.
    let mut e = events.clone();
    let mut twin = like(&events, 6, 4, status_change(t1, "vertraagd"));
    twin.id = events[4].id;
    e.push(twin);
    import_refused(&rechained(e), 8, "is also the id of seq 4");
    // A note recorded before its item: T1's first note moved before T1's
    // registration (seq 2).
    let mut e = events.clone();
    let note = e.remove(4);
    e.insert(2, note);
    import_refused(
        &rechained(e),
        3,
        "no item with that id is registered before it",
    );
}

#[test]
fn verify_names_the_first_event_that_breaks_a_rule() {
    // An event about an item whose rules break (a status not in the
    // legend), then a key used twice: verify names the first.
    let env = ledger();
    let m = item_id(&env, "34843-79");
    let mut n = 0u8;
    edit(&env, |r| {
        r.plant(
            "mallory",
            vec![
                status_change(m, "vertraagd"),
                status_change(m, "bestaat-niet"),
                registration("T1"),
            ],
            &mut || {
                n += 1;
                [0xfe, 0, 0, 0, 0, 0, 0x70, 0, 0x80, 0, 0, 0, 0, 0, 0, n]
            },
        );
    });
    let out = assert_broken(&env, 8, "rule broken", Some("34843-79"), 8);
    assert!(
        out.contains("het register zou haar bij het vastleggen hebben geweigerd (melding: status 'bestaat-niet' is not in this ledger's legend"),
        "{out}"
    );
    // No view is served and nothing is written: the index is built only
    // from events that keep the rules.
    reads_refuse(&env, "the chain breaks at seq 8: rule broken");
    // The key used twice alone.
    let env = ledger();
    edit(&env, |r| {
        r.plant("mallory", vec![registration("t1")], &mut || [0xfe; 16]);
    });
    let out = assert_broken(&env, 7, "rule broken", Some("t1"), 7);
    assert!(out.contains("die item T1 al heeft"), "{out}");
    // An event about an item registered only after it.
    let env = ledger();
    let later = [0xfe, 0, 0, 0, 0, 0, 0x70, 0, 0x80, 0, 0, 0, 0, 0, 0, 9];
    let mut ids = vec![[0xfe; 16], later].into_iter();
    edit(&env, |r| {
        r.plant(
            "mallory",
            vec![
                EventBody::ProgressNoted {
                    item: kamerstand::domain::EventId(later),
                    text: "Te vroeg.".into(),
                    citations: vec![],
                    effective: day("2024-06-01"),
                },
                registration("M9"),
            ],
            &mut || ids.next().unwrap(),
        );
    });
    let out = assert_broken(
        &env,
        7,
        "rule broken",
        Some("fe000000000070008000000000000009"),
        7,
    );
    assert!(
        out.contains("een gebeurtenis progress_noted over item fe000000000070008000000000000009, maar geen eerdere gebeurtenis registreert een item met dat id"),
        "{out}"
    );
}

#[test]
fn an_event_on_a_withdrawn_item_breaks_a_rule() {
    // T1's registration retracted (T1 withdrawn), then a note on T1: the
    // ledger refuses that note when it is recorded, and so does verify
    // when it is planted.
    let env = ledger();
    let t1 = item_id(&env, "T1");
    env.run(&[
        "correct",
        "2",
        "--retract",
        "--reason",
        "dubbel geregistreerd",
    ])
    .ok();
    edit(&env, |r| {
        r.plant(
            "mallory",
            vec![EventBody::ProgressNoted {
                item: t1,
                text: "Toch nog.".into(),
                citations: vec![],
                effective: day("2024-06-01"),
            }],
            &mut || [0xfe; 16],
        );
    });
    let out = assert_broken(&env, 8, "rule broken", Some("T1"), 8);
    assert!(out.contains("was withdrawn"), "{out}");
}

// ------------------------------------------- rules of ledger-wide events

fn key_registration(name: &str, role: kamerstand::domain::KeyRole, byte: u8) -> EventBody {
    EventBody::KeyRegistered {
        name: kamerstand::domain::KeyName::parse(name).unwrap(),
        role,
        public_key: kamerstand::domain::PublicKey([byte; 32]),
    }
}

fn account(name: &str) -> kamerstand::domain::AccountName {
    kamerstand::domain::AccountName::parse(name).unwrap()
}

fn account_created(name: &str) -> EventBody {
    EventBody::AccountCreated {
        account: account(name),
        display_name: "J. de Vries".into(),
        role: kamerstand::domain::AccountRole::Medewerker,
        ministries: vec!["OCW".into()],
    }
}

fn signature(round: &str, key: &str) -> EventBody {
    EventBody::RoundSigned {
        round: round.into(),
        key: kamerstand::domain::KeyName::parse(key).unwrap(),
        signature: kamerstand::domain::Signature([7; 64]),
    }
}

fn sealed(name: &str, v2: bool) -> EventBody {
    let (title, reported_on, head_hash) = (
        "Voortgang".to_string(),
        day("2024-06-01"),
        EventHash([0; 32]),
    );
    if v2 {
        EventBody::RoundSealedV2 {
            name: name.into(),
            title,
            reported_on,
            head_seq: 0,
            head_hash,
            tree_size: 0,
            tree_root: EventHash([0; 32]),
        }
    } else {
        EventBody::RoundSealed {
            name: name.into(),
            title,
            reported_on,
            head_seq: 0,
            head_hash,
        }
    }
}

/// Plants `bodies` after [`ledger`]'s seq 6 (as seq 7 on) and checks that
/// `verify` breaks at `seq` on a rule, about no item, quoting `refusal`
/// (what recording would have said).
#[track_caller]
fn planted_breaks(bodies: Vec<EventBody>, seq: u64, refusal: &str) {
    planted_breaks_in(&ledger(), bodies, seq, refusal);
}

/// [`planted_breaks`] in `env`, a [`ledger`].
#[track_caller]
fn planted_breaks_in(env: &TestEnv, bodies: Vec<EventBody>, seq: u64, refusal: &str) {
    let mut n = 0u8;
    edit(env, |r| {
        r.plant("mallory", bodies, &mut || {
            n += 1;
            [0xfe, 0, 0, 0, 0, 0, 0x70, 0, 0x80, 0, 0, 0, 0, 0, 0, n]
        });
    });
    let out = assert_broken(env, seq, "rule broken", None, seq);
    assert!(
        out.contains(&format!(
            "het register zou haar bij het vastleggen hebben geweigerd (melding: {refusal}"
        )),
        "{out}"
    );
}

#[test]
fn verify_refuses_a_key_name_registered_twice() {
    use kamerstand::domain::KeyRole::{Signer, Witness};
    planted_breaks(
        vec![
            key_registration("nap.example/sign", Signer, 1),
            key_registration("nap.example/sign", Witness, 2),
        ],
        8,
        "key 'nap.example/sign' was registered at seq 7",
    );
}

#[test]
fn verify_refuses_a_public_key_registered_under_a_second_name() {
    use kamerstand::domain::KeyRole::Signer;
    planted_breaks(
        vec![
            key_registration("nap.example/sign", Signer, 1),
            key_registration("nap.example/other", Signer, 1),
        ],
        8,
        "key 'nap.example/sign' was registered at seq 7",
    );
}

#[test]
fn verify_refuses_an_account_created_twice() {
    planted_breaks(
        vec![account_created("j.devries"), account_created("j.devries")],
        8,
        "account 'j.devries' exists already",
    );
}

#[test]
fn verify_refuses_a_change_of_an_account_that_does_not_exist() {
    planted_breaks(
        vec![
            account_created("j.devries"),
            EventBody::AccountChanged {
                account: account("p.jansen"),
                role: None,
                ministries: None,
                disabled: Some(true),
            },
        ],
        8,
        "there is no account 'p.jansen'",
    );
}

#[test]
fn verify_refuses_a_round_signature_by_a_key_not_registered_as_a_signer() {
    use kamerstand::domain::KeyRole::Witness;
    // No key of that name.
    planted_breaks(
        vec![sealed("r1", true), signature("r1", "nap.example/sign")],
        8,
        "no key named 'nap.example/sign' is registered",
    );
    // A witness key, which cosigns but does not sign.
    planted_breaks(
        vec![
            key_registration("nap.example/w", Witness, 3),
            sealed("r1", true),
            signature("r1", "nap.example/w"),
        ],
        9,
        "key 'nap.example/w' is registered as a witness; this needs a signer key",
    );
}

#[test]
fn verify_refuses_a_round_signature_for_a_round_not_sealed_or_sealed_v1() {
    use kamerstand::domain::KeyRole::Signer;
    planted_breaks(
        vec![
            key_registration("nap.example/sign", Signer, 1),
            signature("r1", "nap.example/sign"),
        ],
        8,
        "round 'r1' cannot be signed: no round of that name is sealed",
    );
    planted_breaks(
        vec![
            key_registration("nap.example/sign", Signer, 1),
            sealed("r1", false),
            signature("R1", "nap.example/sign"),
        ],
        9,
        "round 'r1' cannot be signed: it was sealed before seals named their Merkle tree",
    );
}

#[test]
fn verify_refuses_a_second_signature_of_a_round_by_one_key() {
    let env = ledger();
    let dir = env.dir.path();
    let key = dir.join("sign.key").display().to_string();
    let name = "nap.example/sign";
    env.run(&[
        "key", "generate", "--out", &key, "--name", name, "--role", "signer",
    ])
    .ok();
    env.run(&[
        "key",
        "add",
        &format!("{key}.pub"),
        "--name",
        name,
        "--role",
        "signer",
    ])
    .ok();
    env.run(&[
        "round",
        "seal",
        "r1",
        "--reported-on",
        "2024-06-01",
        "--sign",
        &key,
    ])
    .ok();
    // Seq 7 registers the key, 8 seals r1, 9 is its signature.
    env.verify(&[], 0);
    let again = edit(&env, |r| r.envelope(9).body);
    assert!(matches!(again, EventBody::RoundSigned { .. }), "{again:?}");
    edit(&env, |r| {
        r.plant("mallory", vec![again], &mut || [0xfe; 16])
    });
    let out = assert_broken(&env, 10, "rule broken", None, 10);
    assert!(
        out.contains(&format!(
            "(melding: round 'r1' was signed with key '{name}' already (seq 9)"
        )),
        "{out}"
    );
}

#[test]
fn verify_refuses_an_item_order_naming_items_that_do_not_exist_or_of_another_kind() {
    use kamerstand::domain::{EventId, ItemKind};
    planted_breaks(
        vec![EventBody::ItemsOrdered {
            kind: ItemKind::Motie,
            order: vec![EventId([0xab; 16])],
        }],
        7,
        &format!("no item with id {}", EventId([0xab; 16]).hex()),
    );
    let env = ledger();
    let t1 = item_id(&env, "T1");
    planted_breaks_in(
        &env,
        vec![EventBody::ItemsOrdered {
            kind: ItemKind::Motie,
            order: vec![t1],
        }],
        7,
        "the order of the motie items names T1, which is not one of them or is named twice",
    );
}

#[test]
fn an_events_file_breaking_a_ledger_wide_rule_is_refused_naming_line_and_seq() {
    // The import holds a file to the same rules: a key name registered
    // twice, then an order naming an item that does not exist.
    use kamerstand::domain::KeyRole::Signer;
    let env = ledger();
    let events = envelopes(&env);
    let mut e = events.clone();
    e.push(like(
        &events,
        6,
        1,
        key_registration("nap.example/sign", Signer, 1),
    ));
    e.push(like(
        &events,
        6,
        2,
        key_registration("nap.example/sign", Signer, 2),
    ));
    import_refused(
        &rechained(e),
        9,
        "key 'nap.example/sign' was registered at seq 7",
    );
    let mut e = events.clone();
    e.push(like(
        &events,
        6,
        3,
        EventBody::ItemsOrdered {
            kind: kamerstand::domain::ItemKind::Motie,
            order: vec![kamerstand::domain::EventId([0xab; 16])],
        },
    ));
    import_refused(&rechained(e), 8, "no item with id abababab");
}

#[test]
fn an_account_with_fields_recording_refuses_breaks_a_rule() {
    use kamerstand::domain::{AccountName, AccountRole};
    // A forger who re-chains the ledger can write an account event that
    // never came through recording: a display name that is no short text
    // (escape sequences, 10 kB), a portfolio that is no code. `verify`
    // applies recording's rules to them and names the event.
    let cases: Vec<(EventBody, &str)> = vec![
        (
            EventBody::AccountCreated {
                account: AccountName::parse("mallory").unwrap(),
                display_name: "\u{1b}]0;Minister\u{7}".repeat(500),
                role: AccountRole::Coordinator,
                ministries: vec![],
            },
            "display name",
        ),
        (
            EventBody::AccountCreated {
                account: AccountName::parse("eve").unwrap(),
                display_name: "Eve".into(),
                role: AccountRole::Medewerker,
                ministries: vec!["OCW; DROP".into()],
            },
            "OCW; DROP",
        ),
    ];
    for (body, needle) in cases {
        let env = TestEnv::init();
        env.add(&["--kind", "motie", "--text", "Motie A."]);
        let mut n = 0u8;
        edit(&env, |s| {
            s.plant("mallory", vec![body.clone()], &mut || {
                n += 1;
                [n; 16]
            });
        });
        let (out, j) = env.verify(&[], 1);
        assert_eq!(j["first_break"]["kind"], "rule_broken", "{j}");
        assert_eq!(j["first_break"]["seq"], 2, "{j}");
        let detail = j["first_break"]["detail"].as_str().unwrap();
        assert!(detail.contains(needle), "{detail}");
        assert!(
            !out.stdout.contains('\u{1b}'),
            "escape shown raw: {}",
            out.stdout
        );
    }
}

//! Published digests against the ledger as stored: `verify --digest` finds
//! an intact round, explains a mistyped or rewritten one, and rejects a
//! ledger truncated behind a round's seal even when that truncation was done
//! carefully enough (head set back, index cleaned) for plain `verify` to
//! pass; a seal rewritten in place is a break at the seal's seq.
//!
//! The store is edited with sled directly while no ledger has it open
//! (tests/common/raw.rs).

use crate::common::raw::edit;
use crate::common::{TestEnv, two_rounds};
use kamerstand::domain::EventBody;

/// `hex` with one digit changed.
fn one_digit_off(hex: &str, at: usize) -> String {
    let mut b = hex.as_bytes().to_vec();
    b[at] = if b[at] == b'0' { b'1' } else { b'0' };
    String::from_utf8(b).unwrap()
}

/// Runs `verify` with `args` in table and JSON form, requires exit `code`,
/// and returns the table output and the JSON document.
#[track_caller]
fn verify(env: &TestEnv, args: &[&str], code: i32) -> (String, serde_json::Value) {
    let mut full = vec!["verify"];
    full.extend_from_slice(args);
    let t = env.run(&full);
    t.expect_code(code);
    let mut full = vec!["--format", "json", "verify"];
    full.extend_from_slice(args);
    let j = env.run(&full);
    j.expect_code(code);
    (t.stdout, j.json())
}

#[test]
fn a_published_digest_is_found_on_an_intact_ledger() {
    let env = two_rounds();
    let (r1, r2) = (env.round_digest("R1"), env.round_digest("R2"));
    for (name, d, seq) in [("R1", &r1, 4), ("r2", &r2, 7)] {
        let (t, j) = verify(&env, &["--digest", d, "--round", name], 0);
        assert!(
            t.starts_with("ok: 9 events verified (2 round seals)"),
            "{t}"
        );
        assert!(
            t.contains(&format!(
                "found: round '{}' is sealed at seq {seq} with this digest",
                name.to_uppercase()
            )),
            "{t}"
        );
        assert_eq!(j["ok"], true);
        assert_eq!(j["digest"]["ok"], true);
        assert_eq!(j["digest"]["found_at"], seq);
        assert_eq!(j["digest"]["digest"], d.as_str());
    }
    // Without a round, any event's hash is found where it is.
    let (t, j) = verify(&env, &["--digest", &r1], 0);
    assert!(t.contains("digest is the hash of seq 4"), "{t}");
    assert_eq!(j["digest"]["round"], serde_json::Value::Null);
    // Upper case is the same digest.
    verify(&env, &["--digest", &r2.to_uppercase(), "--round", "R2"], 0);
    // The round digest line carries the same digest.
    let line = env.run(&["round", "digest", "R2"]);
    line.ok();
    assert!(line.stdout.trim_end().ends_with(&r2), "{}", line.stdout);
}

#[test]
fn a_wrong_digest_is_exit_1_with_an_explanation() {
    let env = two_rounds();
    let (r1, r2) = (env.round_digest("R1"), env.round_digest("R2"));
    for at in [0, 31, 63] {
        let wrong = one_digit_off(&r2, at);
        let (t, j) = verify(&env, &["--digest", &wrong, "--round", "R2"], 1);
        // The chain itself is intact; the digest is what does not match.
        assert!(
            t.starts_with("digest ") && t.contains("\nok: 9 events verified"),
            "{t}"
        );
        assert!(t.contains("NOT FOUND"), "{t}");
        assert!(
            t.contains(&format!(
                "round 'R2' is sealed at seq 7 with digest {r2}, not the published {wrong}: the history up to that seal was rewritten (or the digest is mistyped)"
            )),
            "{t}"
        );
        assert_eq!(j["ok"], false);
        assert_eq!(j["first_break"], serde_json::Value::Null);
        assert_eq!(j["digest"]["ok"], false);
        let (t, _) = verify(&env, &["--digest", &wrong], 1);
        assert!(
            t.contains("no event among the 9 checked has this hash"),
            "{t}"
        );
    }
    // Another round's digest is not this round's.
    let (t, _) = verify(&env, &["--digest", &r1, "--round", "R2"], 1);
    assert!(t.contains("not the published"), "{t}");
    // An unknown round.
    let (t, _) = verify(&env, &["--digest", &r1, "--round", "R3"], 1);
    assert!(t.contains("round 'R3' is not in the ledger"), "{t}");
    // A digest that is not 64 hex digits is bad input.
    for bad in [&r1[..63], "xyz", &format!("{r1}0")] {
        let out = env.run(&["verify", "--digest", bad]);
        out.expect_code(2);
        assert!(
            out.stderr.contains("64 hexadecimal digits"),
            "{}",
            out.stderr
        );
    }
    // --round needs --digest.
    env.run(&["verify", "--round", "R1"]).expect_code(2);
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
    });
    assert_eq!(env.head().unwrap().seq, 5);
    // Plain verification cannot tell: the chain that is left is intact.
    let (t, _) = verify(&env, &[], 0);
    assert!(t.starts_with("ok: 6 events verified (1 round seal)"), "{t}");
    // The published digest can.
    let (t, j) = verify(&env, &["--digest", &r2, "--round", "R2"], 1);
    assert!(
        t.contains(
            "round 'R2' is not in the ledger (6 events checked): the ledger was truncated before its seal"
        ),
        "{t}"
    );
    assert_eq!(j["ok"], false);
    assert_eq!(j["digest"]["found_at"], serde_json::Value::Null);
    let (t, _) = verify(&env, &["--digest", &r2], 1);
    assert!(
        t.contains(
            "no event among the 6 checked has this hash: the ledger was rewritten or truncated"
        ),
        "{t}"
    );
    // The earlier round is still there, and the ledger reads as one round.
    verify(&env, &["--digest", &r1, "--round", "R1"], 0);
    let rounds = env.json(&["round", "list"]);
    assert_eq!(rounds["rounds"].as_array().unwrap().len(), 1);
    let out = env.run(&["overview", "--round", "R2"]);
    out.expect_code(2);
    // The real binary says the same.
    let out = env.bin(&["verify", "--digest", &r2, "--round", "R2"]);
    out.expect_code(1);
    assert!(
        out.stdout.contains("is not in the ledger"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_ledger_truncated_right_after_a_seal_fails_the_next_digest_only() {
    let env = two_rounds();
    let (r1, r2) = (env.round_digest("R1"), env.round_digest("R2"));
    // Keep R1's seal as the last event.
    edit(&env, |s| {
        s.truncate_after(4);
        s.set_head_to(4);
    });
    verify(&env, &[], 0);
    verify(&env, &["--digest", &r1, "--round", "R1"], 0);
    let (t, _) = verify(&env, &["--digest", &r2, "--round", "R2"], 1);
    assert!(
        t.contains("round 'R2' is not in the ledger (5 events checked)"),
        "{t}"
    );
}

#[test]
fn a_seal_with_a_flipped_byte_is_content_altered_at_its_seq() {
    let env = two_rounds();
    let r1 = env.round_digest("R1");
    edit(&env, |s| {
        let last = s.event(4).len() - 1;
        s.flip(4, last, 0x01);
    });
    let (t, j) = verify(&env, &[], 1);
    assert!(t.starts_with("BROKEN at seq 4: content altered"), "{t}");
    assert_eq!(j["first_break"]["seq"], 4);
    assert_eq!(j["first_break"]["kind"], "content_altered");
    let (t, j) = verify(&env, &["--digest", &r1, "--round", "R1"], 1);
    assert!(t.contains("NOT FOUND"), "{t}");
    assert_eq!(j["digest"]["ok"], false);
}

#[test]
fn a_seal_rewritten_with_a_fresh_hash_is_a_seal_mismatch_at_its_seq() {
    let env = two_rounds();
    let r1 = env.round_digest("R1");
    edit(&env, |s| {
        let mut e = s.envelope(4);
        let EventBody::RoundSealed { head_hash, .. } = &mut e.body else {
            panic!("seq 4 is not a seal: {e:?}");
        };
        head_hash.0[0] ^= 0xff;
        s.put(&e);
    });
    let (t, j) = verify(&env, &[], 1);
    assert!(t.starts_with("BROKEN at seq 4: seal mismatch"), "{t}");
    assert!(t.contains("round 'R1' names head seq 3"), "{t}");
    assert_eq!(j["first_break"]["kind"], "seal_mismatch");
    verify(&env, &["--digest", &r1, "--round", "R1"], 1);
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
    verify(&env, &[], 0);
    for (name, d) in [("R1", &r1), ("R2", &r2)] {
        let (t, _) = verify(&env, &["--digest", d, "--round", name], 1);
        assert!(
            t.contains("the history up to that seal was rewritten"),
            "{t}"
        );
    }
    let (t, _) = verify(&env, &["--digest", &r1], 1);
    assert!(
        t.contains("no event among the 9 checked has this hash"),
        "{t}"
    );
}

//! The versions of the index keyed by round (`ix_versions`: round ‖ item ‖
//! seq), which a view as of an instant reads on top of the last round's
//! frame: a forged or missing version is reported by `verify` naming its
//! item and seq, and a store whose versions an earlier version wrote
//! (item ‖ seq) gets them rewritten once at open. That such views equal a
//! full replay at every seq is held in tests/index.rs.

use crate::common::{TestEnv, instant, raw};

/// A ledger with two items, notes before a round and changes after it.
fn ledger() -> TestEnv {
    let env = TestEnv::init();
    env.add_m1_and_t1(&["--responsible", "SOCW"]);
    for n in 0..4 {
        env.run(&["note", "M1", &format!("Stand {n}.")]).ok();
    }
    env.run(&["round", "seal", "r1", "--reported-on", "2024-03-01"])
        .ok();
    env.run(&["status", "T1", "vertraagd", "--effective", "2024-03-05"])
        .ok();
    env.run(&["note", "M1", "Na de ronde."]).ok();
    env.run(&["note", "T1", "Eerste stand."]).ok();
    env
}

/// Every `ix_versions` key of item `id` (hex), in key order (each an
/// entry of one or more versions of a round).
fn version_keys(env: &TestEnv, id: &str) -> Vec<Vec<u8>> {
    let id = raw::hex_bytes(id);
    raw::edit(env, |r| {
        r.tree("ix_versions")
            .iter()
            .map(|kv| kv.unwrap().0.to_vec())
            .filter(|k| k[8..24] == id[..])
            .collect()
    })
}

fn seq_of(key: &[u8]) -> u64 {
    u64::from_be_bytes(key[24..32].try_into().unwrap())
}

/// `v` with the first `from` replaced by `to`, of the same length.
fn replace(v: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    assert_eq!(from.len(), to.len());
    let at = v
        .windows(from.len())
        .position(|w| w == from)
        .expect("the value holds the text");
    let mut out = v.to_vec();
    out[at..at + from.len()].copy_from_slice(to);
    out
}

#[test]
fn versions_lie_under_the_round_their_event_falls_in() {
    let env = ledger();
    let seal = env.json(&["round", "list"])["rounds"][0]["seq"]
        .as_u64()
        .unwrap();
    let id = raw::hex_bytes(&env.id_of("T1"));
    let rounds: Vec<(u64, u64)> = raw::edit(&env, |r| r.versions())
        .into_iter()
        .filter(|(k, _)| k[8..24] == id[..])
        .map(|(k, _)| (u64::from_be_bytes(k[..8].try_into().unwrap()), seq_of(&k)))
        .collect();
    // Its registration before the seal (round 0), two events after it.
    assert_eq!(rounds.len(), 3, "{rounds:?}");
    assert!(rounds[0].0 == 0 && rounds[0].1 < seal, "{rounds:?}");
    assert!(
        rounds[1..].iter().all(|(r, s)| *r == seal && *s > seal),
        "{rounds:?}"
    );
}

#[test]
fn a_forged_version_is_reported_by_verify_naming_item_and_seq() {
    let env = ledger();
    // What the reads and writes of a ledger over the limit of the whole
    // index's check at open do (a smaller one refuses the forgery there).
    env.as_if_larger();
    let id = env.id_of("T1");
    let keys = version_keys(&env, &id);
    // T1's status change after the round.
    let key = keys[1].clone();
    let seq = seq_of(&key);
    let at = instant(&env, seq);
    let before = env.json(&["overview", "--as-of", &at]);
    assert_eq!(
        crate::common::item(&before, "T1")["status"]["slug"],
        "vertraagd"
    );
    raw::edit(&env, |r| {
        let t = r.tree("ix_versions");
        let v = t.get(&key).unwrap().unwrap().to_vec();
        t.insert(&key, replace(&v, b"vertraagd", b"afgerond\0"))
            .unwrap();
    });
    // Reads trust the index (docs/format.md): the view as of then serves it.
    let forged = env.json(&["overview", "--as-of", &at]);
    assert_ne!(
        crate::common::item(&forged, "T1")["status"]["slug"],
        "vertraagd"
    );
    let out = env.run(&["--lang", "en", "verify"]);
    out.expect_code(1);
    assert!(
        out.stdout.starts_with(&format!(
            "BAD index entry in ix_versions, item {id}, seq {seq}: the entry differs"
        )),
        "{}",
        out.stdout
    );
    // A seal verifies first and refuses.
    let out = env.run(&["round", "seal", "r2"]);
    out.expect_code(1);
    assert!(out.stderr.contains("ix_versions"), "{}", out.stderr);
    env.run(&["verify", "--rebuild-index"]).ok();
    env.run(&["verify"]).ok();
    assert_eq!(env.json(&["overview", "--as-of", &at]), before);
    // A version removed is named as missing.
    raw::edit(&env, |r| {
        r.tree("ix_versions").remove(&key).unwrap();
    });
    let out = env.run(&["--lang", "en", "verify"]);
    out.expect_code(1);
    assert!(
        out.stdout.starts_with(&format!(
            "BAD index entry in ix_versions, item {id}, seq {seq}: an entry the events give is missing"
        )),
        "{}",
        out.stdout
    );
    env.run(&["verify", "--rebuild-index"]).ok();
    // A version under the wrong round is one that is extra.
    raw::edit(&env, |r| {
        let t = r.tree("ix_versions");
        let v = t.get(&key).unwrap().unwrap();
        let mut moved = key.clone();
        moved[..8].copy_from_slice(&0u64.to_be_bytes());
        t.insert(moved, v).unwrap();
    });
    let out = env.run(&["--lang", "en", "verify"]);
    out.expect_code(1);
    assert!(
        out.stdout.starts_with(&format!(
            "BAD index entry in ix_versions, item {id}, seq {seq}: "
        )),
        "{}",
        out.stdout
    );
}

#[test]
fn a_store_whose_versions_are_keyed_by_item_gets_them_keyed_by_round_once_at_open() {
    let env = ledger();
    let head = env.ledger().head().unwrap().seq;
    let instants: Vec<String> = (1..=head).map(|s| instant(&env, s)).collect();
    let views: Vec<serde_json::Value> = instants
        .iter()
        .map(|at| env.json(&["overview", "--as-of", at]))
        .collect();
    let all = raw::edit(&env, |r| {
        let t = r.tree("ix_versions");
        t.iter().count()
    });
    // What an earlier version wrote: item ‖ seq, without the mark, under
    // the first store mark.
    raw::edit(&env, |r| {
        r.meta
            .insert("format", b"kamerstand-store-1".as_slice())
            .unwrap();
        let t = r.tree("ix_versions");
        let entries: Vec<_> = t.iter().map(|kv| kv.unwrap()).collect();
        t.clear().unwrap();
        for (k, v) in entries {
            t.insert(&k[8..], v).unwrap();
        }
        r.meta.remove("versions-by-round").unwrap();
    });
    // verify does not compare versions in a layout no read uses.
    env.run(&["verify"]).ok();
    // The next open writes them again, and views read them.
    for (at, want) in instants.iter().zip(&views) {
        assert_eq!(&env.json(&["overview", "--as-of", at]), want, "{at}");
    }
    let (n, lens, marked, mark) = raw::edit(&env, |r| {
        let t = r.tree("ix_versions");
        let lens: std::collections::BTreeSet<usize> =
            t.iter().map(|kv| kv.unwrap().0.len()).collect();
        (
            t.iter().count(),
            lens,
            r.meta.contains_key("versions-by-round").unwrap(),
            r.meta.get("format").unwrap().map(|v| v.to_vec()),
        )
    });
    assert_eq!((n, marked), (all, true));
    // Marked anew, so that a binary that knows only the first mark (and
    // would read these versions as keyed by item) refuses the store.
    assert_eq!(mark.as_deref(), Some(b"kamerstand-store-6".as_slice()));
    assert_eq!(lens, [32].into_iter().collect());
    env.run(&["verify"]).ok();
}

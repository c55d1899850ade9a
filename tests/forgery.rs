//! Forgeries by someone with write access to the sled files (opened with
//! sled directly: tests/common/raw.rs), checked as an auditor would: for
//! every tree the index and the chain's bookkeeping keep, a value changed,
//! a key removed, a key added that no event explains and two values
//! swapped; for the first event, its removal or replacement. The promise
//! (docs/format.md, "What reads trust"): each is refused by reads and
//! writes (exit 1, naming what was found), or served only until `verify`
//! reports it naming the tree (and item and seq where there are ones) and
//! a round seal refuses it — never a panic, never a view made up.

use crate::common::raw::{self, Raw};
use crate::common::{Output, TestEnv, two_rounds};
use kamerstand::ledger::codec;
use kamerstand::projection::index::RoundEntry;

/// Every read command, over every kind of view (`two_rounds`: rounds R1 at
/// seq 4 and R2 at seq 7, the head at 8).
const READS: &[&[&str]] = &[
    &["overview"],
    &["--format", "json", "overview"],
    &["overview", "--as-of", "2025-03-01"],
    &["overview", "--round", "R1"],
    &["overview", "--effective", "2025-03-01"],
    &["diff", "R1", "R2"],
    &["diff", "2025-03-01", "now"],
    &["show", "M1"],
    &["show", "T1"],
    &["item", "list"],
    &["log"],
    &["export", "--format", "md"],
    &["export", "--format", "html"],
    &["export", "--format", "csv"],
    &["export", "--format", "json"],
    &["export", "--format", "events"],
    &["proof", "inclusion", "3", "--round", "R2"],
    &["proof", "item", "M1", "--round", "R2"],
    &["round", "list"],
];

/// One way to damage a store, as sled sees it.
type Forgery = Box<dyn Fn(&Raw)>;

/// The same, borrowing from the test that makes it.
type ForgeryOf<'a> = Box<dyn Fn(&Raw) + 'a>;

/// A copy of `base`'s store with `forge` applied.
fn forged(base: &TestEnv, forge: &dyn Fn(&Raw)) -> TestEnv {
    let env = TestEnv::new();
    base.copy_store_to(&env);
    raw::edit(&env, |r| forge(r));
    env
}

/// As [`forged`], the copy then treated as a ledger too large for its
/// whole chain to be checked at every open ([`TestEnv::as_if_larger`]):
/// on one as small as this every command would refuse damage below the
/// head before the checks a test means to see.
fn forged_larger(base: &TestEnv, forge: &dyn Fn(&Raw)) -> TestEnv {
    let env = forged(base, forge);
    env.as_if_larger();
    env
}

/// `verify` exits 1 naming the round entry of `ix_rounds` at seal `seq`
/// first.
#[track_caller]
fn verify_names_round_entry(env: &TestEnv, seq: u64) {
    let out = env.run(&["--lang", "en", "verify"]);
    out.expect_code(1);
    assert!(
        out.stdout
            .starts_with(&format!("BAD index entry in ix_rounds, seq {seq}: ")),
        "{}",
        out.stdout
    );
}

/// Runs `args`, which must end with exit 0 (served) or 1 (refused,
/// saying why on stderr and nothing on stdout): never a panic, never
/// another code.
#[track_caller]
fn served_or_refused(env: &TestEnv, args: &[&str], what: &str) -> Output {
    let out = env.run(args);
    match out.code {
        0 => {}
        1 => {
            assert!(
                out.stderr.starts_with("error: "),
                "{what}: {args:?} exit 1 without saying why: {}",
                out.stderr
            );
        }
        c => panic!("{what}: {args:?} exit {c}: {}", out.stderr),
    }
    out
}

// ------------------------------------------------------ the index's trees

/// The index's trees and the Merkle tree's, each changed in one entry
/// (the first, a middle and the last) in every way a forger can: a byte
/// of its value changed, the entry removed, its value put under a key no
/// event explains, its value swapped with its neighbour's. `verify` names
/// the tree, a round seal refuses (and with it every write after), and no
/// read panics or exits otherwise than served or refused.
#[test]
fn every_forged_entry_of_every_derived_tree_is_reported_and_stops_a_seal() {
    let base = two_rounds();
    sweep(
        &base,
        &[
            "ix_current",
            "ix_versions",
            "ix_facts",
            "ix_notes",
            "ix_keys",
            "ix_rounds",
            "ix_frames",
            "merkle_chunks",
        ],
        READS,
    );
}

/// The same for the registry (`ix_registry`: keys, accounts, a round's
/// signature), on a ledger that has them.
#[test]
fn every_forged_entry_of_the_registry_is_reported_and_stops_a_seal() {
    let base = signed_rounds();
    let head = base.head().unwrap().seq;
    let mut reads: Vec<&[&str]> = READS.to_vec();
    reads.extend([
        &["key", "list"][..],
        &["account", "list"],
        &["round", "note", "R2"],
    ]);
    sweep_at(&base, &["ix_registry"], &reads, head);
}

/// `two_rounds` with a signer's key registered (seq 9), round R2 signed
/// with it (seq 10) and an account (seq 11).
fn signed_rounds() -> TestEnv {
    let base = two_rounds();
    let key = base.dir.path().join("sign.key").display().to_string();
    base.run(&[
        "key", "generate", "--out", &key, "--name", SIGNER, "--role", "signer",
    ])
    .ok();
    base.run(&[
        "key",
        "add",
        &format!("{key}.pub"),
        "--name",
        SIGNER,
        "--role",
        "signer",
    ])
    .ok();
    base.run(&["round", "sign", "R2", "--key", &key]).ok();
    base.run(&[
        "account", "add", "audit", "--name", "Audit", "--role", "auditor",
    ])
    .ok();
    assert_eq!(base.head().unwrap().seq, 11);
    base
}

/// The signer's key name in [`signed_rounds`].
const SIGNER: &str = "nap.example/sign";

/// A registry entry deleted from the index, or planted in it, then a write
/// that rests on it: a second account or key of a name the chain already
/// has, a second signature of a round by one key, a change to an account
/// the chain never created. Each write is refused (exit 1, naming the
/// entry and what the chain records) and nothing is written: the chain
/// held such an event for good, and `verify` then failed at it forever.
#[test]
fn a_registry_entry_deleted_or_planted_lets_no_write_through() {
    use kamerstand::projection::index::{Registered, Source};
    let base = signed_rounds();
    let head = base.head().unwrap().seq;
    let key_file = base.dir.path().join("sign.key").display().to_string();
    let public = format!("{key_file}.pub");
    let entry = |r: &Raw, first: u8| -> (Vec<u8>, Vec<u8>) {
        let t = r.tree("ix_registry");
        let (k, v) = t.scan_prefix([first]).next().unwrap().unwrap();
        (k.to_vec(), v.to_vec())
    };
    let cases: Vec<(u8, Vec<&str>, String)> = vec![
        (
            b'a',
            vec!["account", "add", "audit", "--name", "Audit", "--role", "auditor"],
            "account 'audit' is missing from the index of keys and accounts (ix_registry)".into(),
        ),
        (
            b'k',
            vec!["key", "add", &public, "--name", SIGNER, "--role", "signer"],
            format!("key '{SIGNER}' is missing from the index of keys and accounts (ix_registry)"),
        ),
        (
            b's',
            vec!["round", "sign", "R2", "--key", &key_file],
            "a signature of the round sealed at seq 7 is missing from the index of keys and accounts (ix_registry)".into(),
        ),
    ];
    for (first, write, said) in &cases {
        let env = forged(&base, &|r| {
            let (k, _) = entry(r, *first);
            r.tree("ix_registry").remove(k).unwrap();
        });
        let mut args = vec!["--lang", "en"];
        args.extend(write.iter().copied());
        env.run(&args).refusal(1, write[0], &[said]);
        assert_eq!(env.head().unwrap().seq, head, "{write:?} was written");
        // Rebuilt from the chain, the index refuses the same write as a
        // second one (exit 2), and other writes go on.
        env.run(&["verify", "--rebuild-index"]).ok();
        assert_eq!(env.run(&args).code, 2, "{write:?}");
        env.run(&["note", "M1", "Verder."]).ok();
    }
    // An account planted in the index: no change to it is recorded.
    let env = forged(&base, &|r| {
        let (_, v) = entry(r, b'a');
        let (source, mut entry): (Source, Registered) = codec::decode_value(&v).unwrap();
        if let Registered::Account(a) = &mut entry {
            a.account = kamerstand::domain::AccountName::parse("ghost").unwrap();
        }
        r.tree("ix_registry")
            .insert(b"aghost", codec::encode_value(&(source, entry)).unwrap())
            .unwrap();
    });
    env.run(&["--lang", "en", "account", "change", "ghost", "--role", "beheerder"])
        .refusal(
            1,
            "account change",
            &["account 'ghost' is in the index of keys and accounts (ix_registry), and no event of the chain created it"],
        );
    assert_eq!(env.head().unwrap().seq, head);
}

#[test]
fn a_round_note_is_made_from_the_signatures_and_keys_the_chain_records() {
    // A forger puts a key of their own in the registry under the signer's
    // name, with their own signature of round R2's checkpoint: `round
    // note R2` printed a note that verifies, signed by the forger, as the
    // note to publish.
    use kamerstand::app::{Workspace, proofs};
    use kamerstand::projection::index::{Registered, Source};
    let base = signed_rounds();
    let forger_file = base.dir.path().join("forger.key");
    let forger = forger_file.clone();
    base.run(&[
        "key",
        "generate",
        "--out",
        forger.to_str().unwrap(),
        "--name",
        SIGNER,
        "--role",
        "signer",
    ])
    .ok();
    let forger = proofs::read_private_key(&forger).unwrap();
    let signature = {
        let ws = Workspace::open(&base.store, base.open_options()).unwrap();
        let rc = proofs::round_checkpoint(&ws, "R2").unwrap();
        let note = kamerstand::formats::note::sign(&rc.checkpoint, &forger).unwrap();
        <[u8; 64]>::try_from(note.signatures()[0].signature()).unwrap()
    };
    let genuine = base.run(&["round", "note", "R2"]).ok().stdout.clone();
    let env = forged_larger(&base, &|r| {
        let t = r.tree("ix_registry");
        for kv in t.iter() {
            let (k, v) = kv.unwrap();
            let (source, mut entry): (Source, Registered) = codec::decode_value(&v).unwrap();
            match &mut entry {
                Registered::Key(key) => {
                    key.public_key = kamerstand::domain::PublicKey(forger.verifier().public_key());
                }
                Registered::Signature(s) => s.signature = kamerstand::domain::Signature(signature),
                _ => continue,
            }
            t.insert(k, codec::encode_value(&(source, entry)).unwrap())
                .unwrap();
        }
    });
    let out = env.run(&["round", "note", "R2"]);
    out.expect_code(1);
    assert_eq!(out.stdout, "", "a forged note was printed");
    assert!(
        out.stderr.contains("ledger is corrupt at seq 10: the signature of round 'R2' by key 'nap.example/sign' in the index of keys and accounts (ix_registry) is not what the chain records"),
        "{}",
        out.stderr
    );
    // The signature alone put back: the key is still the forger's.
    let genuine_sigs: Vec<(sled::IVec, sled::IVec)> = raw::edit(&base, |b| {
        b.tree("ix_registry").iter().map(Result::unwrap).collect()
    });
    raw::edit(&env, |r| {
        let t = r.tree("ix_registry");
        for (k, v) in &genuine_sigs {
            if k[0] == b's' {
                t.insert(k, v).unwrap();
            }
        }
    });
    let out = env.run(&["round", "note", "R2"]);
    out.expect_code(1);
    assert!(
        out.stderr.contains("ledger is corrupt at seq 9: key 'nap.example/sign' in the index of keys and accounts (ix_registry) is not what the chain records"),
        "{}",
        out.stderr
    );
    // Nor does the forged key sign a round (it appended a signature that
    // only `verify` would have found bad).
    let out = env.run(&[
        "round",
        "sign",
        "R1",
        "--key",
        forger_file.to_str().unwrap(),
    ]);
    out.expect_code(1);
    assert!(
        out.stderr.contains("ledger is corrupt at seq 9: key 'nap.example/sign' in the index of keys and accounts (ix_registry) is not what the chain records"),
        "{}",
        out.stderr
    );
    assert_eq!(env.head().unwrap().seq, 11);
    assert_eq!(base.run(&["round", "note", "R2"]).ok().stdout, genuine);
}

/// Forges each of `trees` in its first, a middle and its last entry
/// (see above) on copies of `base`, and runs `reads`, `verify`, a seal
/// and a note on each.
fn sweep(base: &TestEnv, trees: &[&'static str], reads: &[&[&str]]) {
    sweep_at(base, trees, reads, 8);
}

fn sweep_at(base: &TestEnv, trees: &[&'static str], reads: &[&[&str]], head: u64) {
    for &tree in trees {
        let keys: Vec<Vec<u8>> = raw::edit(base, |r| {
            r.tree(tree)
                .iter()
                .keys()
                .map(|k| k.unwrap().to_vec())
                .collect()
        });
        assert!(keys.len() >= 2, "{tree} has {} entries", keys.len());
        let mut picks = vec![0, keys.len() / 2, keys.len() - 1];
        picks.dedup();
        for i in picks {
            let key = keys[i].clone();
            let next = keys[(i + 1) % keys.len()].clone();
            let forgeries: [(&str, Forgery); 4] = [
                (
                    "a byte of its value changed",
                    Box::new({
                        let key = key.clone();
                        move |r: &Raw| {
                            let t = r.tree(tree);
                            let mut v = t.get(&key).unwrap().unwrap().to_vec();
                            let at = v.len() / 2;
                            v[at] ^= 0x01;
                            t.insert(&key, v).unwrap();
                        }
                    }),
                ),
                (
                    "removed",
                    Box::new({
                        let key = key.clone();
                        move |r: &Raw| {
                            r.tree(tree).remove(&key).unwrap().unwrap();
                        }
                    }),
                ),
                (
                    "its value put under a key no event explains",
                    Box::new({
                        let key = key.clone();
                        move |r: &Raw| {
                            let t = r.tree(tree);
                            let v = t.get(&key).unwrap().unwrap();
                            let mut k = key.clone();
                            *k.last_mut().unwrap() ^= 0x80;
                            assert!(t.insert(k, v).unwrap().is_none());
                        }
                    }),
                ),
                (
                    "its value swapped with the next entry's",
                    Box::new({
                        let (key, next) = (key.clone(), next.clone());
                        move |r: &Raw| {
                            let t = r.tree(tree);
                            let a = t.get(&key).unwrap().unwrap();
                            let b = t.get(&next).unwrap().unwrap();
                            assert_ne!(a, b);
                            t.insert(&key, b).unwrap();
                            t.insert(&next, a).unwrap();
                        }
                    }),
                ),
            ];
            for (how, forge) in &forgeries {
                let what = format!("{tree} entry {i} {how}");
                let env = forged(base, forge.as_ref());
                for args in reads {
                    served_or_refused(&env, args, &what);
                }
                let out = env.run(&["--lang", "en", "verify"]);
                out.expect_code(1);
                let name = if tree == "merkle_chunks" {
                    "merkle"
                } else {
                    tree
                };
                // After the trace of a cut chain, when the forged entry
                // names an event after the head.
                let report = out
                    .stdout
                    .strip_prefix("TRACE OF A CUT CHAIN: ")
                    .and_then(|rest| rest.split_once('\n'))
                    .map_or(out.stdout.as_str(), |(_, rest)| rest);
                assert!(
                    report.starts_with(&format!("BAD index entry in {name}"))
                        || out.stderr.contains(name),
                    "{what}: {}{}",
                    out.stdout,
                    out.stderr
                );
                let out = env.run(&["round", "seal", "R3"]);
                out.expect_code(1);
                assert!(
                    out.stderr.contains(name) || out.stderr.contains("Merkle"),
                    "{what}: {}",
                    out.stderr
                );
                assert_eq!(env.head().unwrap().seq, head, "{what}: a seal was written");
                let out = env.run(&["note", "T1", "Verder."]);
                assert_eq!(out.code, 1, "{what}");
                assert_eq!(env.head().unwrap().seq, head, "{what}: a note was written");
            }
        }
    }
}

/// The values of the packed trees (docs/format.md, `values-packed`)
/// forged in their packing: another tag, a length that claims 4 GiB, a
/// length one more than the frame unpacks to, the frame cut short. Each
/// read is served or refused (never a panic, never an allocation of what
/// the length claims), at least one read that needs the value refuses
/// naming the tree, `verify` reports it, and a seal and a note are refused
/// with nothing written.
#[test]
fn a_packed_value_forged_in_its_packing_is_refused_and_reported() {
    let base = two_rounds();
    // A long note, so that the note, its item's versions and the frames
    // after it are packed with zstd, not stored as they are.
    let long = "Het onderzoek is uitgezet en de resultaten volgen in het najaar. ".repeat(10);
    base.run(&["note", "T1", &long]).ok();
    base.run(&["round", "seal", "R3"]).ok();
    let head = base.head().unwrap().seq;
    type Damage = fn(&mut Vec<u8>);
    let damages: [(&str, Damage); 4] = [
        ("another tag", |v| v[0] = 7),
        ("a length of 4 GiB", |v| {
            v[1..5].copy_from_slice(&u32::MAX.to_be_bytes())
        }),
        ("a length one more than the frame holds", |v| {
            let len = u32::from_be_bytes(v[1..5].try_into().unwrap()) + 1;
            v[1..5].copy_from_slice(&len.to_be_bytes());
        }),
        ("its frame cut short", |v| v.truncate(v.len() - 6)),
    ];
    // The instant of the long note, before the seal after it: read from
    // R2's frame and the versions since.
    let noted = crate::common::instant(&base, head - 1);
    // A view on a day reads a note from ix_notes only where the item's
    // latest note took effect after that day: T1 gets a later one, dated
    // ahead, so that the view on 1 June reads the long note from the tree.
    let later = TestEnv::new();
    base.copy_store_to(&later);
    later
        .run(&["note", "T1", "Verder, later.", "--effective", "2025-09-01"])
        .ok();
    let needing: [(&str, &TestEnv, &[&str]); 3] = [
        ("ix_versions", &base, &["overview", "--as-of", &noted]),
        ("ix_frames", &base, &["overview", "--round", "R3"]),
        (
            "ix_notes",
            &later,
            &["overview", "--effective", "2025-06-01"],
        ),
    ];
    for (tree, from, read) in needing {
        let head = from.head().unwrap().seq;
        for (how, damage) in damages {
            let what = format!("{tree}: {how}");
            // The seq the damaged entry's key names, which `verify`
            // reports: a frame's seal first, else the event last.
            let named = std::cell::Cell::new(0u64);
            let env = forged(from, &|r: &Raw| {
                assert!(r.packed(tree), "{tree} is not marked packed");
                let t = r.tree(tree);
                // The last value packed with zstd: the note's, or one
                // written with it or after it.
                let (k, v) = t
                    .iter()
                    .map(Result::unwrap)
                    .filter(|(_, v)| v[0] == 1)
                    .last()
                    .unwrap_or_else(|| panic!("{tree} holds no value packed with zstd"));
                let seq = if tree == "ix_frames" {
                    &k[..8]
                } else {
                    &k[k.len() - 8..]
                };
                named.set(u64::from_be_bytes(seq.try_into().unwrap()));
                let mut v = v.to_vec();
                damage(&mut v);
                t.insert(k, v).unwrap();
            });
            for args in READS {
                served_or_refused(&env, args, &what);
            }
            let out = env.run(
                &["--lang", "en"]
                    .iter()
                    .chain(read)
                    .copied()
                    .collect::<Vec<_>>(),
            );
            out.expect_code(1);
            assert!(out.stderr.contains(tree), "{what}: {}", out.stderr);
            let out = env.run(&["--lang", "en", "verify"]);
            out.expect_code(1);
            let said = format!("{}{}", out.stdout, out.stderr);
            assert!(said.contains(tree), "{what}: {said}");
            let bad = said.lines().find(|l| l.starts_with("BAD index entry"));
            assert!(
                bad.is_some_and(|l| !l.contains("run `kamerstand verify`")),
                "{what}: verify tells to run verify: {said}"
            );
            assert!(
                said.contains(&format!("seq {}", named.get())),
                "{what}: the damaged entry's seq {} is not named: {said}",
                named.get()
            );
            env.run(&["round", "seal", "R4"]).expect_code(1);
            assert_eq!(env.run(&["note", "M1", "Verder."]).code, 1, "{what}");
            assert_eq!(
                env.head().unwrap().seq,
                head,
                "{what}: something was written"
            );
        }
    }
}

/// A round's status counts forged to the largest numbers the index can
/// hold: the html export draws them in its chart and the as-of view weighs
/// its reads by them; neither may overflow (a panic in a debug build,
/// nonsense in a release build). `verify` names the round's seal.
#[test]
fn forged_round_counts_are_reported_and_overflow_nothing() {
    let env = two_rounds();
    raw::edit(&env, |r| {
        let t = r.tree("ix_rounds");
        for seal in [4u64, 7] {
            let v = t.get(seal.to_be_bytes()).unwrap().unwrap();
            let mut entry: RoundEntry = codec::decode_value(&v).unwrap();
            assert!(!entry.counts.is_empty());
            entry.counts = vec![
                ("in-uitvoering".into(), usize::MAX),
                ("vertraagd".into(), usize::MAX),
                ("afgerond".into(), usize::MAX - 1),
            ];
            t.insert(seal.to_be_bytes(), codec::encode_value(&entry).unwrap())
                .unwrap();
        }
    });
    for args in READS {
        served_or_refused(&env, args, "forged round counts");
    }
    verify_names_round_entry(&env, 4);
    env.run(&["round", "seal", "R3"]).expect_code(1);
}

// --------------------------------------------------------- the first event

/// Every read and write refuses (exit 1, nothing on stdout, naming seq 0),
/// and `verify` reports the break at seq 0.
#[track_caller]
fn refused_at_seq_0(env: &TestEnv, verify_says: &str) {
    for args in READS
        .iter()
        .copied()
        .chain([&["note", "T1", "Verder."][..], &["round", "seal", "R3"]])
    {
        let out = env.run(args);
        out.expect_code(1);
        assert_eq!(
            out.stdout, "",
            "{args:?} served a ledger without its creation"
        );
        assert!(out.stderr.contains("seq 0"), "{args:?}: {}", out.stderr);
    }
    assert_eq!(env.head().unwrap().seq, 8);
    let out = env.run(&["--lang", "en", "verify"]);
    out.expect_code(1);
    assert!(
        out.stdout
            .starts_with(&format!("BROKEN at seq 0: {verify_says}")),
        "{}",
        out.stdout
    );
}

#[test]
fn a_ledger_whose_first_event_was_removed_is_neither_read_nor_written() {
    // The views were served with a blank programme and title (the
    // creation's) and a note was appended to the broken chain.
    let env = forged(&two_rounds(), &|r| r.remove_event(0));
    refused_at_seq_0(&env, "event missing");
}

#[test]
fn a_ledger_whose_first_event_is_no_creation_is_neither_read_nor_written() {
    // Event 0 replaced by a registration, with a fresh hash and no link to
    // anything before it: intact as a stored event, but not a ledger's
    // first.
    let env = forged(&two_rounds(), &|r| {
        let mut e = r.envelope(1);
        e.seq = 0;
        e.prev = kamerstand::domain::EventHash([0; 32]);
        r.put(&e);
    });
    refused_at_seq_0(&env, "out of order");
}

// ------------------------------------------------------------ the marks

/// The marks that say how far the derived trees reach, set ahead, behind
/// or to garbage: every read and write refuses, naming the mark.
#[test]
fn derived_marks_set_ahead_behind_or_to_garbage_are_refused_by_reads_and_writes() {
    let base = two_rounds();
    let cases: [(&str, Forgery, &str); 5] = [
        (
            "Merkle size ahead",
            Box::new(|r: &Raw| {
                r.meta.insert("merkle", &10u64.to_be_bytes()).unwrap();
            }),
            "the Merkle tree covers 10 events, the ledger holds 9",
        ),
        (
            "Merkle size behind",
            Box::new(|r: &Raw| {
                r.meta.insert("merkle", &8u64.to_be_bytes()).unwrap();
            }),
            "the Merkle tree covers 8 events, the ledger holds 9",
        ),
        (
            "Merkle size garbage",
            Box::new(|r: &Raw| {
                r.meta.insert("merkle", b"xyz".as_slice()).unwrap();
            }),
            "Merkle tree mark has 3 bytes",
        ),
        (
            "index mark garbage",
            Box::new(|r: &Raw| {
                r.meta.insert("index", b"xyz".as_slice()).unwrap();
            }),
            "index mark has 3 bytes",
        ),
        (
            "index mark behind",
            Box::new(|r: &Raw| {
                let mut mark = r.head();
                mark[..8].copy_from_slice(&7u64.to_be_bytes());
                mark[8..40].copy_from_slice(&r.event(7)[..32]);
                let at = r.envelope(7).recorded_at.unix_nanos();
                mark[40..].copy_from_slice(&at.to_be_bytes());
                r.meta.insert("index", mark).unwrap();
            }),
            "the index was written up to seq 7 but the chain's head is seq 8",
        ),
    ];
    for (what, forge, needle) in &cases {
        let env = forged(&base, forge.as_ref());
        for args in READS
            .iter()
            .copied()
            .chain([&["note", "T1", "Verder."][..], &["round", "seal", "R3"]])
        {
            let out = env.run(args);
            out.expect_code(1);
            assert_eq!(out.stdout, "", "{what}: {args:?} served");
            assert!(
                out.stderr.contains(needle),
                "{what}: {args:?}: {}",
                out.stderr
            );
        }
        assert_eq!(env.head().unwrap().seq, 8, "{what}");
        env.run(&["verify"]).expect_code(1);
    }
}

// ------------------------------------- an index that lacks what the chain has

#[test]
fn an_item_missing_from_the_index_of_keys_is_damage_not_an_unknown_key() {
    // `show M1` said "no item with key M1. Did you mean M1?" with exit 2,
    // as if the user had mistyped.
    let env = forged_larger(&two_rounds(), &|r| {
        r.tree("ix_keys").remove(b"m1").unwrap().unwrap();
    });
    for args in [&["show", "M1"][..], &["note", "M1", "Verder."]] {
        let out = env.run(args);
        out.expect_code(1);
        assert!(
            out.stderr.contains("item M1 is in the index of items (ix_current) but not in the index of keys (ix_keys)"),
            "{args:?}: {}",
            out.stderr
        );
    }
    // A key that is nowhere is still the user's mistake.
    env.run(&["show", "M9"]).expect_code(2);
    assert_eq!(env.head().unwrap().seq, 8);
}

#[test]
fn a_round_missing_from_the_index_of_rounds_is_damage_not_an_unknown_name() {
    // `overview --round R1` said "no round named 'R1'. Did you mean R2?"
    // with exit 2, though the chain sealed R1 at seq 4.
    let env = forged_larger(&two_rounds(), &|r| {
        r.tree("ix_rounds")
            .remove(4u64.to_be_bytes())
            .unwrap()
            .unwrap();
    });
    for args in [
        &["overview", "--round", "R1"][..],
        &["diff", "r1", "R2"],
        &["export", "--format", "csv", "--round", "R1"],
        &["proof", "item", "M1", "--round", "R1"],
    ] {
        let out = env.run(args);
        out.expect_code(1);
        assert!(
            out.stderr.contains("at seq 4")
                && out.stderr.contains("round 'R1' is sealed in the chain but missing from the index of rounds (ix_rounds)"),
            "{args:?}: {}",
            out.stderr
        );
    }
    env.run(&["overview", "--round", "R9"]).expect_code(2);
    verify_names_round_entry(&env, 4);
}

// ------------------------------- an event rewritten with its hash recomputed

/// Refused with exit 1, nothing on stdout, naming `seq` and the rewrite.
#[track_caller]
fn refused_as_rewritten(env: &TestEnv, args: &[&str], seq: u64) {
    let out = env.run(args);
    out.expect_code(1);
    assert_eq!(out.stdout, "", "{args:?} served a rewritten event");
    assert!(
        out.stderr.contains(&format!(
            "ledger is corrupt at seq {seq}: the event hashes to"
        )) && out.stderr.contains("was rewritten"),
        "{args:?}: {}",
        out.stderr
    );
}

#[test]
fn an_event_rewritten_with_a_fresh_hash_is_not_served_by_reads_of_single_events() {
    // An event stored with a freshly computed hash passes its own hash
    // check; only the next event's `prev` says it is not the chain's.
    // Reads that take one event at a time served it: `show` and `log
    // --item` an item's rewritten registration, `proof item` its bytes,
    // a round's view the rewritten seal's hash as the chain's, every view
    // a rewritten programme title.
    let base = two_rounds();

    // M1's registration (seq 1), its text changed.
    let env = forged_larger(&base, &|r| {
        r.forge(1, |e| {
            if let kamerstand::domain::EventBody::ItemRegistered { text, .. } = &mut e.body {
                *text = "Een vervalste tekst.".into();
            }
        });
    });
    for args in [
        &["show", "M1"][..],
        &["log", "--item", "M1"],
        &["proof", "item", "M1", "--round", "R2"],
    ] {
        refused_as_rewritten(&env, args, 1);
    }
    // A diff's events read only the events in between: one before them
    // is not read, and nothing of it is served.
    let out = env.run(&["diff", "R1", "R2", "--events"]);
    out.ok();
    assert!(
        out.stdout
            .contains("Status: van In uitvoering naar In uitvoering met vertraging")
            && !out.stdout.contains("vervalst"),
        "{}",
        out.stdout
    );
    // A note is decided from the item's standing in the index (writes
    // trust it, as views do); the seal that must come before a digest is
    // published refuses.
    let out = env.run(&["round", "seal", "R3"]);
    out.expect_code(1);
    assert!(
        out.stderr.contains("the chain breaks at seq 2"),
        "{}",
        out.stderr
    );

    // M1's status change between the rounds (seq 6), its reason changed:
    // a diff's events between the rounds read it.
    let env = forged_larger(&base, &|r| {
        r.forge(6, |e| {
            if let kamerstand::domain::EventBody::StatusChanged { reason, .. } = &mut e.body {
                *reason = Some("Een vervalste reden.".into());
            }
        });
    });
    for args in [
        &["diff", "R1", "R2", "--events"][..],
        &["--format", "md", "diff", "R1", "R2", "--events"],
        &["diff", "R1", "now", "--events"],
    ] {
        refused_as_rewritten(&env, args, 6);
    }
    // Nor into a Word file, made a row at a time: no file at all.
    let dir = crate::common::temp_dir();
    let path = dir.path().join("wijzigingen.docx");
    let p = path.to_str().unwrap();
    refused_as_rewritten(
        &env,
        &["--format", "docx", "diff", "R1", "R2", "--events", "-o", p],
        6,
    );
    assert!(
        !path.exists(),
        "a Word file of a rewritten event was written"
    );

    // Round R1's seal (seq 4), its actor changed: the view of R1 named
    // the rewrite's hash as the chain's.
    let env = forged_larger(&base, &|r| {
        r.forge(4, |e| e.actor = "vervalst".into());
    });
    for args in [
        &["overview", "--round", "R1"][..],
        &["--format", "json", "overview", "--as-of", "2025-03-01"],
        &["diff", "R1", "R2"],
    ] {
        refused_as_rewritten(&env, args, 4);
    }

    // The ledger's creation (seq 0), its title changed: every view showed it.
    let env = forged_larger(&base, &|r| {
        r.forge(0, |e| {
            if let kamerstand::domain::EventBody::LedgerCreated { title, .. } = &mut e.body {
                *title = "Vervalste titel".into();
            }
        });
    });
    for args in READS
        .iter()
        .copied()
        .filter(|a| !matches!(a[0], "log") && a.get(1) != Some(&"events"))
        .chain([&["note", "T1", "Verder."][..]])
    {
        refused_as_rewritten(&env, args, 0);
    }
    assert_eq!(env.head().unwrap().seq, 8);
}

// ------------------------------------------- a round's digest and its tree

#[test]
fn a_round_whose_indexed_digest_or_tree_was_forged_is_refused_where_it_is_named() {
    // `round digest R2` printed the index's digest, the value a letter
    // publishes; `round list` and the views of R2 did too, and its tree is
    // what a proof and a round note are made against.
    let base = two_rounds();
    let digest = base.round_digest("R2");
    for (what, change) in [
        (
            "digest",
            (|e: &mut RoundEntry| e.round.digest = kamerstand::domain::EventHash([7; 32]))
                as fn(&mut RoundEntry),
        ),
        ("tree", |e: &mut RoundEntry| {
            let (size, _) = e.round.tree.expect("a v2 seal names its tree");
            e.round.tree = Some((size, kamerstand::domain::EventHash([7; 32])));
        }),
        ("head", |e: &mut RoundEntry| e.round.head_seq -= 1),
    ] {
        let env = forged_larger(&base, &|r| {
            let t = r.tree("ix_rounds");
            let v = t.get(7u64.to_be_bytes()).unwrap().unwrap();
            let mut entry: RoundEntry = codec::decode_value(&v).unwrap();
            change(&mut entry);
            t.insert(7u64.to_be_bytes(), codec::encode_value(&entry).unwrap())
                .unwrap();
        });
        for args in [
            &["round", "digest", "R2"][..],
            &["round", "list"],
            &["overview", "--round", "R2"],
            &["export", "--format", "md", "--round", "R2"],
            &["diff", "R1", "R2"],
            &["proof", "inclusion", "3", "--round", "R2"],
            &["proof", "item", "M1", "--round", "R2"],
        ] {
            let out = env.run(args);
            out.expect_code(1);
            assert_eq!(out.stdout, "", "{what}: {args:?} served the forged round");
            assert!(
                out.stderr.contains(
                    "ledger is corrupt at seq 7: round 'R2' in the index of rounds (ix_rounds) is not the round the chain's seal at seq 7 records"
                ),
                "{what}: {args:?}: {}",
                out.stderr
            );
        }
        // Round R1 is intact and is still served.
        env.run(&["overview", "--round", "R1"]).ok();
        let out = env.run(&["--lang", "en", "verify"]);
        out.expect_code(1);
        assert!(
            out.stdout
                .starts_with("BAD index entry in ix_rounds, seq 7: "),
            "{what}: {}",
            out.stdout
        );
    }
    // Untouched, the digest is the seal's hash.
    let seal_hash = raw::edit(&base, |r| r.event(7)[..32].to_vec());
    assert_eq!(raw::hex_bytes(&digest), seal_hash);
    let out = base.run(&["round", "digest", "R2"]);
    assert!(out.ok().stdout.contains(&digest), "{}", out.stdout);
}

// ------------------------------------ a long-running process after a refusal

#[test]
fn a_process_that_keeps_the_ledger_open_neither_writes_nor_reads_after_a_refused_seal() {
    // The server keeps one workspace open. A seal that found the ledger
    // broken stopped new processes, but the open workspace went on
    // recording notes and serving views.
    use kamerstand::app::{Workspace, write::Write};
    use kamerstand::projection::Basis;
    let env = forged_larger(&two_rounds(), &|r| {
        let t = r.tree("ix_current");
        let (k, v) = t.iter().next().unwrap().unwrap();
        let mut v = v.to_vec();
        let at = v.len() / 2;
        v[at] ^= 0x01;
        t.insert(k, v).unwrap();
    });
    let mut ws = Workspace::open(&env.store, env.open_options()).unwrap();
    ws.view(Basis::Current, None).unwrap();
    let seal = ws.write(
        "clerk",
        Write::Seal {
            name: "R3".into(),
            title: None,
            reported_on: None,
        },
    );
    let e = seal.unwrap_err().to_string();
    assert!(e.contains("the round was not sealed"), "{e}");
    let note = ws.write(
        "clerk",
        Write::Note {
            item: "T1".into(),
            text: "Verder.".into(),
            citations: vec![],
            effective: None,
        },
    );
    let e = note.unwrap_err().to_string();
    assert!(e.contains("a round seal found this ledger broken"), "{e}");
    let e = ws.view(Basis::Current, None).unwrap_err().to_string();
    assert!(e.contains("a round seal found this ledger broken"), "{e}");
    assert_eq!(ws.ledger().head().unwrap().seq, 8);
}

#[test]
fn where_an_items_view_meets_its_folded_events_a_forged_entry_is_refused() {
    // M1's status forged in the index of views (the chain untouched):
    // the overview trusts the index and serves it until `verify` or a
    // seal looks; `show` and `log --item` fold M1's events beside it and
    // refuse the disagreement, now and in the view of round R2 (whose
    // frame is forged the same way).
    let base = two_rounds();
    let id = raw::hex_bytes(&base.id_of("M1"));
    let swap = |v: &[u8]| {
        let at = v
            .windows(b"vertraagd".len())
            .position(|w| w == b"vertraagd")
            .expect("M1 is vertraagd");
        let mut v = v.to_vec();
        v[at..at + 9].copy_from_slice(b"afgerond\0");
        v
    };
    let env = forged_larger(&base, &|r| {
        let t = r.tree("ix_current");
        let v = t.get(&id).unwrap().unwrap();
        t.insert(&id[..], swap(&v)).unwrap();
        let t = r.tree("ix_frames");
        let mut k = 7u64.to_be_bytes().to_vec();
        k.extend_from_slice(&id);
        let v = t.get(&k).unwrap().unwrap();
        t.insert(k, swap(&v)).unwrap();
    });
    for args in [
        &["show", "M1"][..],
        &["log", "--item", "M1"],
        &["show", "M1", "--round", "R2"],
    ] {
        let out = env.run(args);
        out.expect_code(1);
        assert_eq!(out.stdout, "", "{args:?}");
        assert!(
            out.stderr
                .contains("item M1 as the index gives it differs from its events"),
            "{args:?}: {}",
            out.stderr
        );
    }
    env.run(&["show", "T1"]).ok();
    env.run(&["show", "M1", "--round", "R1"]).ok();
    env.run(&["round", "seal", "R3"]).expect_code(1);
}

// ------------------------------------------------- the server's accounts

/// A forger raises an account's role (or adds an account no event made) in
/// `ix_registry`, where the server reads every right from: the server does
/// not start, naming the account; the same ledger unforged starts.
#[test]
fn a_server_does_not_start_on_accounts_the_chain_does_not_record() {
    use kamerstand::domain::AccountRole;
    use kamerstand::projection::index::{Registered, Source};
    use kamerstand::server::{Config, Limits, Server};
    let base = TestEnv::new();
    base.run(&["init", "--programme", "P"]).ok();
    base.run(&[
        "account",
        "add",
        "j.visser",
        "--name",
        "J. Visser",
        "--role",
        "medewerker",
        "--ministry",
        "JenV",
    ])
    .ok();
    base.run(&[
        "account", "add", "audit", "--name", "A", "--role", "auditor",
    ])
    .ok();
    let start = |env: &TestEnv| {
        let ws = kamerstand::Workspace::open(&env.store, env.open_options()).unwrap();
        Server::start(
            ws,
            Config {
                addr: std::net::SocketAddr::from((std::net::Ipv4Addr::LOCALHOST, 0)),
                store: env.store.clone(),
                secure_cookies: false,
                limits: Limits::default(),
            },
        )
    };
    start(&base).unwrap().stop().unwrap();
    let raised = forged_larger(&base, &|r| {
        let t = r.tree("ix_registry");
        for kv in t.iter() {
            let (k, v) = kv.unwrap();
            let (source, mut entry): (Source, Registered) = codec::decode_value(&v).unwrap();
            if let Registered::Account(a) = &mut entry
                && a.account.as_str() == "j.visser"
            {
                a.role = AccountRole::Coordinator;
                t.insert(k, codec::encode_value(&(source, entry)).unwrap())
                    .unwrap();
            }
        }
    });
    let err = start(&raised).unwrap_err().to_string();
    assert!(
        err.contains("account 'j.visser' in the index of keys and accounts (ix_registry) is not what the chain records"),
        "{err}"
    );
    // An account made up under a name of its own, from another's entry.
    let made_up = forged_larger(&base, &|r| {
        let t = r.tree("ix_registry");
        let (_, v) = t.get(b"aaudit").unwrap().map(|v| (0, v)).unwrap();
        let (source, mut entry): (Source, Registered) = codec::decode_value(&v).unwrap();
        if let Registered::Account(a) = &mut entry {
            a.account = kamerstand::domain::AccountName::parse("x.forger").unwrap();
            a.role = AccountRole::Beheerder;
        }
        t.insert(b"ax.forger", codec::encode_value(&(source, entry)).unwrap())
            .unwrap();
    });
    let err = start(&made_up).unwrap_err().to_string();
    assert!(
        err.contains("account 'x.forger' is in the index of keys and accounts (ix_registry), and no event of the chain created it"),
        "{err}"
    );
    // The command line says the same and exits 1.
    let out = raised.run(&["serve", "--port", "0"]);
    out.expect_code(1);
    assert!(out.stderr.contains("account 'j.visser'"), "{}", out.stderr);
}

/// A key of the wrong length in the events tree or in `by_item` (no
/// kamerstand writes one) is named, bytes and all, by `verify`, exit 1.
#[test]
fn a_key_of_the_wrong_length_is_named_by_verify() {
    let base = two_rounds();
    let env = forged(&base, &|r| {
        let (_, v) = r.events.iter().next().unwrap().unwrap();
        r.events.insert([0u8, 0, 0, 0, 0, 0, 0, 0, 9], v).unwrap();
    });
    let out = env.run(&["--lang", "en", "verify"]);
    out.expect_code(1);
    let said = format!("{}{}", out.stdout, out.stderr);
    assert!(
        said.contains("the events tree holds a key of 9 bytes (000000000000000009)"),
        "{said}"
    );
    let env = forged(&base, &|r| {
        r.by_item.insert([1u8, 2, 3], &b""[..]).unwrap();
    });
    let out = env.run(&["--lang", "en", "verify"]);
    out.expect_code(1);
    let said = format!("{}{}", out.stdout, out.stderr);
    assert!(
        said.contains("the item index (by_item) holds a key of 3 bytes (010203)"),
        "{said}"
    );
}

/// `key list` shows the keys the chain registered: a public key swapped in
/// `ix_registry` is refused as damage (exit 1) where it was listed as the
/// signer's.
#[test]
fn key_list_shows_no_key_the_chain_did_not_register() {
    use kamerstand::projection::index::{Registered, Source};
    let base = signed_rounds();
    let genuine = base.run(&["key", "list"]).ok().stdout.clone();
    assert!(genuine.contains(SIGNER), "{genuine}");
    let env = forged(&base, &|r| {
        let t = r.tree("ix_registry");
        for kv in t.iter() {
            let (k, v) = kv.unwrap();
            let (source, mut entry): (Source, Registered) = codec::decode_value(&v).unwrap();
            if let Registered::Key(key) = &mut entry {
                key.public_key.0[0] ^= 1;
                t.insert(k, codec::encode_value(&(source, entry)).unwrap())
                    .unwrap();
            }
        }
    });
    for args in [&["key", "list"][..], &["--format", "json", "key", "list"]] {
        let out = env.run(args);
        out.expect_code(1);
        assert_eq!(out.stdout, "", "{args:?}: a forged key was listed");
        assert!(
            out.stderr.contains(&format!(
                "key '{SIGNER}' in the index of keys and accounts (ix_registry) is not what the chain records"
            )),
            "{}",
            out.stderr
        );
    }
}

// ------------------------------------ what a write checks of its items

/// `note`, `status` and `show` on M1 of [`two_rounds`] (events 1, 3, 6, 8).
const ON_M1: &[&[&str]] = &[
    &["note", "M1", "Verder."],
    &["status", "M1", "invulling"],
    &["show", "M1"],
    &["log", "--item", "M1"],
];

/// A write on an item reads the item's whole history first, each event
/// hash-checked and linked into the chain, whichever way the write is
/// decided (a note from the item's standing, a status change by folding
/// it): a damaged event of the item refuses the write (exit 1, naming the
/// event), and nothing is written. Damage elsewhere in the chain is
/// `verify`'s and every round seal's to find.
#[test]
fn a_write_on_an_item_whose_history_is_damaged_is_refused() {
    let base = two_rounds();
    let forgeries: [(&str, Forgery); 3] = [
        // A byte of event 3 (M1's first status change) changed.
        ("changed", Box::new(|r: &Raw| r.flip(3, 40, 0x01))),
        // Event 3 rewritten with a fresh hash: it no longer links.
        (
            "rewritten",
            Box::new(|r: &Raw| {
                r.forge(3, |e| e.actor = "iemand anders".into());
            }),
        ),
        // Event 3 replaced by event 4 (R1's seal).
        ("replaced", Box::new(|r: &Raw| r.put_event(3, &r.event(4)))),
    ];
    for (what, forge) in &forgeries {
        let env = forged_larger(&base, forge);
        let head = env.head().unwrap();
        for args in ON_M1 {
            env.run(args).refusal(1, what, &["at seq 3"]);
        }
        assert_eq!(env.head().unwrap(), head, "{what}: a write went through");
    }
}

/// A write on an item with a long history (here 41 events of M1) checks
/// all of it (on a large ledger read in parts at once; the library's unit
/// tests hold the parts to one read in order): an undamaged copy takes the
/// write, damage late in the history alone refuses it naming its event,
/// and damage early and late is named at the earlier.
#[test]
fn a_long_history_is_checked_whole_and_named_at_its_first_damage() {
    let base = TestEnv::init();
    base.add(&["--kind", "motie", "--key", "M1", "--text", "Motie een"]);
    let registered = base.head().unwrap().seq;
    for n in 0..40 {
        base.run(&["note", "M1", &format!("Stand {n}.")]).ok();
    }
    assert_eq!(base.head().unwrap().seq, registered + 40);
    let (early, late) = (registered + 10, registered + 30);
    let cases: [(&str, ForgeryOf, Option<u64>); 3] = [
        ("undamaged", Box::new(|_: &Raw| {}), None),
        (
            "late",
            Box::new(move |r: &Raw| r.flip(late, 40, 0x01)),
            Some(late),
        ),
        (
            "early and late",
            Box::new(move |r: &Raw| {
                r.flip(late, 40, 0x01);
                r.flip(early, 40, 0x01);
            }),
            Some(early),
        ),
    ];
    for (what, forge, named) in &cases {
        let env = forged_larger(&base, forge);
        let head = env.head().unwrap();
        let out = env.run(&["--lang", "en", "note", "M1", "Verder."]);
        match named {
            None => {
                out.ok();
                assert_eq!(env.head().unwrap().seq, head.seq + 1, "{what}");
            }
            Some(seq) => {
                out.refusal(1, what, &[&format!("at seq {seq}")]);
                assert_eq!(env.head().unwrap(), head, "{what}: a write went through");
            }
        }
    }
}

/// A forger cuts the last event (M1's note, seq 8) off the chain and sets
/// back everything a command checks at open (the head, the index's mark,
/// the Merkle tree's size), but not M1's latest snapshot, which names seq
/// 8. A write on M1 is refused naming that trace; a write on T1 (which the
/// cut did not touch) goes through and takes seq 8 itself, after which M1's
/// snapshot names seq 8 by another hash than the new event's: writes on M1
/// stay refused, `verify` reports a trace of a rewritten chain and does not
/// rebuild over it, and a round seal refuses. Only `--discard-trace`
/// rebuilds the index, saying so.
#[test]
fn events_cut_off_and_others_written_in_their_place_leave_a_trace_that_writes_keep() {
    let env = forged_larger(&two_rounds(), &|r| r.cut_to(7));
    env.run(&["--lang", "en", "note", "M1", "Nog eens."])
        .refusal(
            1,
            "a note on the cut item",
            &["names seq 8, after the chain's last event (seq 7)"],
        );
    assert_eq!(env.head().unwrap().seq, 7);
    env.run(&["note", "T1", "Verder."]).ok();
    assert_eq!(env.head().unwrap().seq, 8);
    for args in &ON_M1[..2] {
        env.run(args).refusal(
            1,
            "a write on the cut item",
            &[
                "names seq 8 with hash",
                "but the chain's event there has hash",
            ],
        );
    }
    assert_eq!(env.head().unwrap().seq, 8, "a write went through");
    let trace = "TRACE OF A REWRITTEN CHAIN: the index names seq 8 (in ix_current) by another hash than the chain's event there has";
    for args in [&["verify"][..], &["verify", "--rebuild-index"]] {
        let mut full = vec!["--lang", "en"];
        full.extend_from_slice(args);
        let out = env.run(&full);
        out.expect_code(1);
        assert!(out.stdout.starts_with(trace), "{args:?}: {}", out.stdout);
    }
    let out = env.run(&["verify"]);
    out.expect_code(1);
    assert!(
        out.stdout.starts_with(
            "SPOOR VAN EEN HERSCHREVEN KETEN: de index noemt gebeurtenis 8 (in ix_current)"
        ),
        "{}",
        out.stdout
    );
    let out = env.run(&["--format", "json", "verify", "--rebuild-index"]);
    out.expect_code(1);
    let j = out.json();
    assert_eq!(j["index"]["after_head"]["seq"], 8);
    assert_eq!(j["index"]["after_head"]["tree"], "ix_current");
    assert_eq!(j["index"]["after_head"]["rewritten"], true);
    assert_eq!(j["index"]["rebuilt"], false);
    env.run(&["--lang", "en", "round", "seal", "R3"]).refusal(
        1,
        "a seal over the trace",
        &["the index names seq 8 (in ix_current) by another hash"],
    );
    assert_eq!(env.head().unwrap().seq, 8);
    // The refusal of the seal stands until the index is rebuilt, which
    // takes the trace's discarding by name.
    let out = env.run(&[
        "--lang",
        "en",
        "verify",
        "--rebuild-index",
        "--discard-trace",
    ]);
    out.ok();
    assert!(
        out.stdout.starts_with(
            "TRACE OF A REWRITTEN CHAIN DISCARDED: the index named seq 8 (in ix_current)"
        ),
        "{}",
        out.stdout
    );
    env.run(&["verify"]).ok();
    env.run(&["note", "M1", "Nog eens."]).ok();
}

/// An entry of `ix_facts` or `ix_notes` under an id no item has (before
/// every item's, between two, after every one, or a key too short to name
/// an item), with the value of a real entry: `verify` names the tree, and
/// a round seal refuses. (Each item's facts are compared under its own id;
/// these lie between the ids.)
#[test]
fn a_fact_or_note_under_no_items_id_is_reported_and_stops_a_seal() {
    let base = two_rounds();
    let ids: Vec<u128> = ["M1", "T1"]
        .iter()
        .map(|k| u128::from_be_bytes(raw::hex_bytes(&base.id_of(k)).try_into().unwrap()))
        .collect();
    let (lo, hi) = (ids[0].min(ids[1]), ids[0].max(ids[1]));
    assert!(hi - lo > 1, "no id lies between the items' ids");
    let places: [(&str, Vec<u8>); 4] = [
        ("before", (lo - 1).to_be_bytes().to_vec()),
        ("between", (lo / 2 + hi / 2).to_be_bytes().to_vec()),
        ("after", (hi + 1).to_be_bytes().to_vec()),
        ("short", vec![1]),
    ];
    for tree in ["ix_facts", "ix_notes"] {
        for (place, id) in &places {
            let what = format!("{tree}, {place}");
            let env = forged(&base, &|r| {
                if id.len() < 16 {
                    r.tree(tree).insert(id.as_slice(), &[0xff][..]).unwrap();
                    return;
                }
                let mut entries = r.entries(tree);
                let (k, v) = entries[0].clone();
                entries.push(([&id[..], &k[16..]].concat(), v));
                entries.sort();
                r.set_entries(tree, &entries);
            });
            let out = env.run(&["--lang", "en", "verify"]);
            out.expect_code(1);
            assert!(
                out.stdout
                    .starts_with(&format!("BAD index entry in {tree}")),
                "{what}: {}",
                out.stdout
            );
            env.run(&["round", "seal", "R3"]).expect_code(1);
            assert_eq!(env.head().unwrap().seq, 8, "{what}: sealed");
        }
    }
}

/// The mark of the store's format removed (or the whole tree of marks
/// emptied): the store holds events, so it is damage, not a store never
/// initialised. Every command, `verify` included, exits 1 saying what is
/// missing; `init` refuses to start a ledger over the events.
#[test]
fn a_store_whose_format_mark_was_removed_is_damage_not_an_empty_store() {
    let base = two_rounds();
    for cleared in [false, true] {
        let env = forged(&base, &|r| {
            if cleared {
                r.meta.clear().unwrap();
            } else {
                r.meta.remove("format").unwrap();
            }
        });
        for args in READS
            .iter()
            .copied()
            .chain([&["verify"][..], &["note", "M1", "Verder."]])
        {
            env.run(args).refusal(
                1,
                "a store without its format mark",
                &["holds events but not the mark of its format"],
            );
        }
        let out = env.run(&["init", "--programme", "NAP", "--title", "Opnieuw"]);
        assert_ne!(out.code, 0, "init over the events: {}", out.stdout);
        assert_eq!(raw::edit(&env, |r| r.last_seq()), 8);
    }
}

/// Every event of M1 removed from the item index (`by_item`), or its
/// events listed out of the order they were recorded in (1, 6, 8, 3, in
/// blocks of the item index's own layout): reads of M1 and writes on it
/// are refused as damage (exit 1, naming the item index), not told that M1
/// is unknown or registered after the view, nor shown a history out of
/// order, nor a diff's events between two rounds without M1's.
#[test]
fn an_item_whose_events_the_item_index_lost_or_shuffled_is_damage() {
    let base = two_rounds();
    let m1 = base.id_of("M1");
    let forgeries: [(&str, ForgeryOf<'_>); 2] = [
        (
            "the item index lists no event",
            Box::new(|r: &Raw| {
                for seq in [1, 3, 6, 8] {
                    r.index_remove(&m1, seq);
                }
            }),
        ),
        (
            "lists seq 3 after seq 8 among the events of item",
            Box::new(|r: &Raw| {
                let key = |seq: u64| raw::index_key(&m1, seq);
                for seq in [1, 3, 6, 8] {
                    r.by_item.remove(key(seq)).unwrap();
                }
                let later = [6u64.to_be_bytes(), 8u64.to_be_bytes()].concat();
                r.by_item.insert(key(1), later).unwrap();
                r.by_item.insert(key(3), &[][..]).unwrap();
            }),
        ),
    ];
    for (needle, forge) in &forgeries {
        let env = forged_larger(&base, forge);
        for args in ON_M1 {
            env.run(args).refusal(1, needle, &[needle]);
        }
        // Nor does a diff list M1's change between the rounds (seq 6) as
        // no event at all.
        env.run(&["diff", "R1", "R2", "--events"])
            .refusal(1, needle, &["ledger is corrupt"]);
        assert_eq!(env.head().unwrap().seq, 8);
        // `verify` names the disorder as such (it said seq 3 was missing).
        if needle.starts_with("lists") {
            let out = env.run(&["--lang", "en", "verify"]);
            out.expect_code(1);
            assert!(
                out.stdout.starts_with(&format!(
                    "BROKEN at seq 3: index mismatch (item M1): the item index lists seq 3 of item {m1} after seq 8, out of the order they were recorded in"
                )),
                "{}",
                out.stdout
            );
        }
    }
}

/// `ix_current` emptied, or `ix_frames`: the views that read them are
/// refused as damage (exit 1), not served as a ledger or a round without
/// items; views that read neither still serve.
#[test]
fn an_emptied_index_of_views_or_of_frames_is_not_served_as_no_items() {
    let base = two_rounds();
    let cases: [(&str, &[&[&str]], &str); 2] = [
        (
            "ix_current",
            &[
                &["overview"],
                &["item", "list"],
                &["overview", "--effective", "2025-03-01"],
                &["export", "--format", "md"],
            ],
            "the index of views (ix_current) holds no item, where the index of keys (ix_keys) has items",
        ),
        (
            "ix_frames",
            &[
                &["overview", "--round", "R1"],
                &["diff", "R1", "R2"],
                &["overview", "--as-of", "2025-05-05T10:00:00Z"],
            ],
            "the index holds no frame of round 'R1' (ix_frames), whose entry counts 2 items in it",
        ),
    ];
    for (tree, reads, needle) in cases {
        let env = forged_larger(&base, &|r| r.tree(tree).clear().unwrap());
        for args in reads {
            env.run(args).refusal(1, tree, &[needle]);
        }
        env.run(&["round", "list"]).ok();
        env.run(&["verify"]).expect_code(1);
    }
}

/// An import that writes a note on each of 30 items, one of whose earlier
/// notes was damaged: the histories of the items it touches are read (on
/// a ledger this small, all of them; it was each item's latest event only
/// above 16 items), so the import is refused naming the damaged event,
/// and nothing of it is written.
#[test]
fn an_import_on_many_items_one_of_whose_histories_is_damaged_is_refused() {
    let base = TestEnv::init();
    let rows = |progress: &str| {
        let mut csv = String::from("kind,key,text,progress\n");
        for n in 1..=30 {
            csv.push_str(&format!("motie,M{n},Motie nummer {n}.,{progress} {n}.\n"));
        }
        let path = base.dir.path().join(format!("{}.csv", progress.len()));
        std::fs::write(&path, csv).unwrap();
        path.to_str().unwrap().to_string()
    };
    base.run(&["import", &rows("Begonnen")]).ok();
    base.run(&["import", &rows("Halverwege")]).ok();
    // M17's first note: no item's latest event, nor next to one (the
    // latest are the second import's).
    let timeline = base.json(&["show", "M17"])["timeline"].clone();
    assert_eq!(timeline.as_array().unwrap().len(), 3, "{timeline}");
    let m17 = timeline[1]["seq"].as_u64().unwrap();
    let env = forged(&base, &|r| r.flip(m17, 40, 0x01));
    let head = env.head().unwrap();
    let again = rows("Verder gegaan");
    for dry in [true, false] {
        let mut args = vec!["import", again.as_str()];
        if dry {
            args.push("--dry-run");
        }
        env.run(&args).refusal(
            1,
            "an import over a damaged history",
            &[&format!("at seq {m17}")],
        );
        assert_eq!(env.head().unwrap(), head);
    }
}

/// A forger cuts M1's last note (seq 9) off the chain, sets the head and
/// the marks back, and even puts M1's latest snapshot back as it stood
/// before the note (copied from the store as it was then), leaving only
/// the note's own entry in `ix_notes`. `verify` reports that entry as a
/// trace of a cut chain and does not rebuild over it; a seal refuses; a
/// write on M1, which would write its own note at seq 9 over that entry,
/// is refused naming it.
#[test]
fn a_fact_of_a_cut_event_left_behind_is_a_trace_that_no_write_on_its_item_erases() {
    let base = two_rounds();
    let before = TestEnv::new();
    base.copy_store_to(&before);
    base.run(&["note", "M1", "Nog een stand."]).ok();
    assert_eq!(base.head().unwrap().seq, 9);
    let m1 = raw::hex_bytes(&base.id_of("M1"));
    let snapshot = raw::edit(&before, |r| {
        r.tree("ix_current").get(&m1).unwrap().unwrap().to_vec()
    });
    let cut = |r: &Raw| {
        r.cut_to(8);
        r.tree("ix_current")
            .insert(m1.as_slice(), snapshot.as_slice())
            .unwrap();
    };
    let env = forged_larger(&base, &cut);
    let out = env.run(&["--lang", "en", "verify", "--rebuild-index"]);
    out.expect_code(1);
    assert!(
        out.stdout
            .starts_with("TRACE OF A CUT CHAIN: the index names seq 9 (in ix_"),
        "{}",
        out.stdout
    );
    let j = env
        .run(&["--format", "json", "verify", "--rebuild-index"])
        .json();
    assert_eq!(j["index"]["after_head"]["seq"], 9);
    assert_eq!(j["index"]["rebuilt"], false);
    env.run(&["round", "seal", "R3"]).expect_code(1);
    assert_eq!(env.head().unwrap().seq, 8);
    env.run(&["verify", "--rebuild-index", "--discard-trace"])
        .ok();
    // On a copy forged the same way, the write comes first.
    let env = forged_larger(&base, &cut);
    env.run(&["--lang", "en", "note", "M1", "Iets anders."]).refusal(
        1,
        "a note over the cut note's entry",
        &["from seq 9 (ix_notes), which is not one of the item's events (the chain's last is seq 8)"],
    );
    assert_eq!(env.head().unwrap().seq, 8);
}

/// The snapshot of `key`'s item in `ix_current`, decoded, changed by
/// `edit`, and stored again.
fn edit_snapshot(r: &Raw, key: &str, edit: &dyn Fn(&mut kamerstand::projection::index::Snapshot)) {
    let t = r.tree("ix_current");
    for kv in t.iter() {
        let (k, v) = kv.unwrap();
        let mut snap: kamerstand::projection::index::Snapshot = codec::decode_value(&v).unwrap();
        if snap.item.key.as_str() == key {
            edit(&mut snap);
            t.insert(k, codec::encode_value(&snap).unwrap()).unwrap();
            return;
        }
    }
    panic!("no snapshot of {key}");
}

/// One limit for the whole check at open: a ledger of at most
/// `WHOLE_LEDGER_AT_OPEN` events has its whole index compared with the
/// events as well as its chain checked (until session 29 the index only up
/// to 500 events), so a forged snapshot is refused there by every command;
/// one event more and the views serve it until `verify` looks.
#[test]
fn a_ledger_at_the_limit_has_its_whole_index_compared_and_one_over_it_does_not() {
    use kamerstand::domain::EventBody;
    use kamerstand::ledger::{Draft, WHOLE_LEDGER_AT_OPEN};
    let base = TestEnv::init();
    base.add(&["--kind", "motie", "--key", "M1", "--text", "Motie een"]);
    let events = base.head().unwrap().seq + 1;
    {
        let mut ws = kamerstand::Workspace::open(&base.store, base.open_options()).unwrap();
        let item = ws.resolve("M1").unwrap().id;
        let day = kamerstand::domain::Day::parse("day", "2025-01-01").unwrap();
        let drafts = (events..WHOLE_LEDGER_AT_OPEN)
            .map(|n| Draft {
                id: ws.new_id(),
                body: EventBody::ProgressNoted {
                    item,
                    text: format!("Stand {n}"),
                    citations: vec![],
                    effective: day,
                },
            })
            .collect();
        ws.record_batch(crate::common::ACTOR, drafts).unwrap();
    }
    assert_eq!(base.head().unwrap().seq + 1, WHOLE_LEDGER_AT_OPEN);
    let forge = |r: &Raw| edit_snapshot(r, "M1", &|s| s.item.status = "afgerond".into());
    let at_limit = forged(&base, &forge);
    for args in [
        &["overview"][..],
        &["show", "M1"],
        &["note", "M1", "Verder."],
    ] {
        at_limit.run(args).refusal(
            1,
            "at the limit",
            &["the index differs from the events in ix_current"],
        );
    }
    assert_eq!(at_limit.head(), base.head(), "a write went through");
    base.run(&["note", "M1", "Een meer."]).ok();
    let served = base.run(&["overview"]).ok().stdout.clone();
    let over = forged(&base, &forge);
    let out = over.run(&["overview"]).ok().stdout.clone();
    assert_ne!(
        out, served,
        "one event over the limit, the forgery is served"
    );
    let j = over.run(&["--format", "json", "verify"]);
    j.expect_code(1);
    assert_eq!(j.json()["index"]["first_difference"]["tree"], "ix_current");
}

/// A write decides on what the index says of the items it touches (which
/// item a key names, whether it was withdrawn, its status on a day), and
/// reads their histories besides (on a ledger too large for its chain to
/// be checked at every open, as far as a write's budget goes): an index
/// entry of the item that its events do not give refuses the write as
/// damage (exit 1), where a forger who edited it coherently had a status
/// change recorded on another item (which `verify --rebuild-index` then
/// made the chain's for good), had events recorded on a withdrawn item (a
/// broken chain only a restore mends), or had a change refused as bad
/// input (exit 2, "already has that status"). Key entries and snapshots
/// swapped together are refused before anything is read by key: the
/// item's registration in the chain names another key, so that `show`,
/// `log --item` and `proof item` do not serve another item under the key
/// either.
#[test]
fn a_write_decided_on_an_entry_the_items_events_do_not_give_is_refused() {
    use kamerstand::projection::index::{FactValue, Payload};
    let base = two_rounds();
    let events_differ = "is not what the item's events give";
    let forgeries: [(&str, Forgery, &str); 3] = [
        // M1 and T1 swap keys, in the index of keys and in their snapshots:
        // each key entry still names an item whose snapshot has that key.
        (
            "keys swapped",
            Box::new(|r: &Raw| {
                let keys = r.tree("ix_keys");
                let (m1, t1) = (
                    keys.get("m1").unwrap().unwrap(),
                    keys.get("t1").unwrap().unwrap(),
                );
                keys.insert("m1", t1).unwrap();
                keys.insert("t1", m1).unwrap();
                edit_snapshot(r, "M1", &|s| {
                    s.item.key = kamerstand::domain::ItemKey::parse("T0").unwrap()
                });
                edit_snapshot(r, "T1", &|s| {
                    s.item.key = kamerstand::domain::ItemKey::parse("M1").unwrap()
                });
                edit_snapshot(r, "T0", &|s| {
                    s.item.key = kamerstand::domain::ItemKey::parse("T1").unwrap()
                });
            }),
            "registered it under key 'T1'",
        ),
        // M1's snapshot says it was withdrawn.
        (
            "withdrawn",
            Box::new(|r: &Raw| edit_snapshot(r, "M1", &|s| s.item.withdrawn = true)),
            events_differ,
        ),
        // Every status fact of M1 says "vertraagd".
        (
            "a status fact",
            Box::new(|r: &Raw| {
                let facts: Vec<_> = r
                    .entries("ix_facts")
                    .into_iter()
                    .map(|(k, v)| {
                        let mut f: FactValue = codec::decode_value(&v).unwrap();
                        if let Payload::Status(s) = &mut f.payload {
                            *s = "vertraagd".into();
                        }
                        (k, codec::encode_value(&f).unwrap())
                    })
                    .collect();
                r.set_entries("ix_facts", &facts);
            }),
            events_differ,
        ),
    ];
    for (what, forge, says) in &forgeries {
        let env = forged_larger(&base, forge);
        let head = env.head().unwrap();
        for args in [
            &["--lang", "en", "note", "M1", "Verder."][..],
            &[
                "--lang",
                "en",
                "status",
                "M1",
                "vertraagd",
                "--effective",
                "2025-06-01",
            ],
        ] {
            env.run(args).refusal(1, what, &[says]);
        }
        assert_eq!(env.head().unwrap(), head, "{what}: a write went through");
        if *says != events_differ {
            for args in [
                &["--lang", "en", "show", "M1"][..],
                &["--lang", "en", "log", "--item", "M1"],
                &["--lang", "en", "proof", "item", "M1", "--round", "R2"],
                &["--lang", "en", "show", "T1"],
            ] {
                env.run(args).refusal(1, what, &["registered it under key"]);
            }
        }
        // On a ledger this small, every command checks the whole chain and
        // the keys at open; the rest is `verify`'s and every seal's.
        env.run(&["--lang", "en", "verify"]).expect_code(1);
    }
}

/// The index's keys and registry (accounts, signing keys, orders, round
/// signatures) decide which item a key names, whether a new item may take
/// a key, and what an account may do; no one item's history bears them
/// out. On a ledger small enough for its chain to be checked at every open,
/// every command checks them against the chain's events too: a key entry
/// renamed (so that a second item could be registered under the key, a
/// chain break only a restore mends), an account the chain never created or
/// one it did left out of the index, are refused by reads and writes alike
/// (exit 1). On a larger ledger a credential is made only for an account
/// the chain created.
#[test]
fn keys_and_accounts_the_chain_does_not_give_are_refused() {
    let base = two_rounds();
    base.run(&[
        "account",
        "add",
        "m.jansen",
        "--name",
        "M. Jansen",
        "--role",
        "coordinator",
    ])
    .ok();
    let created = base.head().unwrap().seq;
    let forgeries: [(&str, Forgery); 4] = [
        (
            "a key renamed",
            Box::new(|r: &Raw| {
                let keys = r.tree("ix_keys");
                let t1 = keys.remove("t1").unwrap().unwrap();
                keys.insert("t9", t1).unwrap();
                edit_snapshot(r, "T1", &|s| {
                    s.item.key = kamerstand::domain::ItemKey::parse("T9").unwrap()
                });
            }),
        ),
        (
            "an account the chain did not create",
            Box::new(|r: &Raw| {
                use kamerstand::projection::index::{Registered, Source};
                let reg = r.tree("ix_registry");
                let v = reg.get("am.jansen").unwrap().unwrap();
                let (src, mut entry): (Source, Registered) = codec::decode_value(&v).unwrap();
                let Registered::Account(a) = &mut entry else {
                    panic!("not an account: {entry:?}");
                };
                a.account = kamerstand::domain::AccountName::parse("x.forger").unwrap();
                reg.insert("ax.forger", codec::encode_value(&(src, entry)).unwrap())
                    .unwrap();
            }),
        ),
        (
            "an account's entry copied under another name",
            Box::new(|r: &Raw| {
                let reg = r.tree("ix_registry");
                let v = reg.get("am.jansen").unwrap().unwrap();
                reg.insert("ax.forger", v).unwrap();
            }),
        ),
        (
            "an account left out",
            Box::new(|r: &Raw| {
                r.tree("ix_registry").remove("am.jansen").unwrap().unwrap();
            }),
        ),
    ];
    for (what, forge) in &forgeries {
        let env = forged(&base, forge);
        let head = env.head().unwrap();
        for args in [
            &["overview"][..],
            &["show", "T1"],
            &[
                "item",
                "add",
                "--kind",
                "toezegging",
                "--key",
                "T1",
                "--text",
                "Dubbel.",
            ],
            &["account", "token", "x.forger"],
            &["account", "token", "m.jansen"],
        ] {
            env.run(args).refusal(1, what, &["ledger is corrupt"]);
        }
        assert_eq!(env.head().unwrap(), head, "{what}: a write went through");
        // `verify` names the tree and the event the entry is of (for the
        // registry it named no seq).
        let j = env.run(&["--format", "json", "verify"]);
        j.expect_code(1);
        let d = &j.json()["index"]["first_difference"];
        if what.contains("account") {
            assert_eq!(d["tree"], "ix_registry", "{what}: {d}");
            assert_eq!(d["seq"], created, "{what}: {d}");
        } else {
            // The snapshot edited with the key entry comes first.
            assert_eq!(d["tree"], "ix_current", "{what}: {d}");
        }
    }
    // Above the limit, the renamed key is refused wherever it is named:
    // its item was registered under another key. (`item add --key T1`
    // then gets through: docs/format.md, "What reads trust".)
    let env = forged_larger(&base, &*forgeries[0].1);
    for args in [
        &["--lang", "en", "show", "T9"][..],
        &["log", "--item", "T9"],
    ] {
        env.run(args).refusal(
            1,
            "a renamed key, above the limit",
            &["registered it under key 'T1'"],
        );
    }
    // Above the limit, the token is refused all the same.
    let env = forged_larger(&base, &*forgeries[1].1);
    env.run(&["account", "token", "x.forger"]).refusal(
        1,
        "a token of a forged account",
        &[
            "account 'x.forger' is in the index",
            "no event of the chain created it",
        ],
    );
    assert!(
        !std::fs::read_to_string(env.dir.path().join("ledger.credentials.json"))
            .unwrap_or_default()
            .contains("x.forger"),
        "a credential was made for a forged account"
    );
}

/// Every entry of index tree `name` decoded as a snapshot, changed by
/// `edit`, and written again (each in an entry of its own).
fn edit_snapshots(
    r: &Raw,
    name: &str,
    edit: &dyn Fn(&mut kamerstand::projection::index::Snapshot),
) {
    let entries: Vec<_> = r
        .entries(name)
        .into_iter()
        .map(|(k, v)| {
            let mut s: kamerstand::projection::index::Snapshot = codec::decode_value(&v).unwrap();
            edit(&mut s);
            (k, codec::encode_value(&s).unwrap())
        })
        .collect();
    r.set_entries(name, &entries);
}

/// On a ledger of at most `WHOLE_LEDGER_AT_OPEN` events every command
/// compares the whole index with the events when it opens it, as `verify`
/// does: a forged entry of the tree any view reads (the items' snapshots,
/// the rounds' frames, the versions a view as of an instant reads) is
/// never served there, nor written over; every read and write refuses
/// (exit 1), naming the tree. A rebuild mends it, and the reads serve what
/// they served before. (On a larger ledger the views serve it until
/// `verify` or a seal looks: `where_an_items_view_meets_its_folded_events_a_forged_entry_is_refused`
/// and the other tests that use `forged_larger`.)
#[test]
fn a_small_ledgers_index_is_compared_whole_at_every_open() {
    let base = two_rounds();
    let served: Vec<String> = READS
        .iter()
        .map(|args| base.run(args).ok().stdout.clone())
        .collect();
    let forgeries: [(&str, Forgery); 3] = [
        (
            "ix_current",
            Box::new(|r: &Raw| edit_snapshot(r, "M1", &|s| s.item.status = "afgerond".into())),
        ),
        (
            "ix_frames",
            Box::new(|r: &Raw| {
                edit_snapshots(r, "ix_frames", &|s| s.item.status = "afgerond".into())
            }),
        ),
        (
            "ix_versions",
            Box::new(|r: &Raw| {
                edit_snapshots(r, "ix_versions", &|s| s.item.status = "afgerond".into());
            }),
        ),
    ];
    for (tree, forge) in &forgeries {
        let env = forged(&base, forge);
        let head = env.head().unwrap();
        for args in READS
            .iter()
            .copied()
            .chain([&["note", "M1", "Verder."][..]])
        {
            env.run(args).refusal(
                1,
                tree,
                &[&format!("the index differs from the events in {tree}")],
            );
        }
        assert_eq!(env.head().unwrap(), head, "{tree}: a write went through");
        let j = env.run(&["--format", "json", "verify"]);
        j.expect_code(1);
        assert_eq!(j.json()["index"]["first_difference"]["tree"], *tree);
        env.run(&["verify", "--rebuild-index"]).ok();
        for (args, before) in READS.iter().zip(&served) {
            assert_eq!(&env.run(args).ok().stdout, before, "{tree}: {args:?}");
        }
    }
}

//! Signed round notes, witnesses and proofs through the command line: a
//! programme signs a round, a witness cosigns it, and an auditor checks the
//! ledger against the published note, or one item against it without the
//! ledger. Rollback, truncation, a rewritten history, a note signed by a
//! stranger, a cosignature moved to another note and a fork are each
//! caught with a message that names them.

use crate::common::{TestEnv, raw};
use kamerstand::domain::{EventBody, KeyRole, Signature};
use kamerstand::formats::note::{self, Note, VerifierKey};
use kamerstand::formats::proof::ProofDoc;
use std::path::PathBuf;

const SIGNER: &str = "kamerstand.example/nap";
const WITNESS: &str = "rekenkamer.example/w1";

fn path(env: &TestEnv, name: &str) -> PathBuf {
    env.dir.path().join(name)
}

fn p(env: &TestEnv, name: &str) -> String {
    path(env, name).display().to_string()
}

/// A ledger with a registered signer (`sign.key`), a registered witness
/// (`w.key`), and round r1 sealed and signed over three motions.
fn signed_ledger() -> TestEnv {
    let env = TestEnv::init();
    for (file, name, role) in [
        ("sign.key", SIGNER, "signer"),
        ("w.key", WITNESS, "witness"),
    ] {
        env.run(&[
            "key",
            "generate",
            "--out",
            &p(&env, file),
            "--name",
            name,
            "--role",
            role,
        ])
        .ok();
        env.run(&[
            "key",
            "add",
            &p(&env, &format!("{file}.pub")),
            "--name",
            name,
            "--role",
            role,
        ])
        .ok();
    }
    for n in 1..=3 {
        env.add(&[
            "--kind",
            "motie",
            "--text",
            &format!("Motie {n} over het onderwerp."),
            "--ref",
            &format!("Kamerstukken II 2024/25, 36410, nr. {n}"),
        ]);
    }
    seal(&env, "r1");
    env
}

fn seal(env: &TestEnv, round: &str) {
    env.run(&[
        "round",
        "seal",
        round,
        "--reported-on",
        "2025-05-01",
        "--sign",
        &p(env, "sign.key"),
    ])
    .ok();
}

fn note_of(env: &TestEnv, round: &str) -> String {
    let out = env.run(&["round", "note", round]);
    out.ok();
    std::fs::write(path(env, &format!("{round}.note")), &out.stdout).unwrap();
    out.stdout.clone()
}

fn cosign(env: &TestEnv, round: &str) -> crate::common::Output {
    let out = env.run(&[
        "round",
        "cosign",
        &p(env, &format!("{round}.note")),
        "--key",
        &p(env, "w.key"),
    ]);
    if out.code == 0 {
        std::fs::write(path(env, &format!("{round}.cosigned")), &out.stdout).unwrap();
    }
    out
}

fn pubkey(env: &TestEnv, file: &str) -> VerifierKey {
    VerifierKey::parse(std::fs::read_to_string(path(env, file)).unwrap().trim_end()).unwrap()
}

#[test]
fn key_files_are_made_once_private_and_registered_under_their_own_name() {
    let env = TestEnv::init();
    let key = p(&env, "k.key");
    env.run(&["key", "generate", "--out", &key, "--name", SIGNER])
        .ok();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the private key is its owner's only");
    }
    let public = std::fs::read_to_string(format!("{key}.pub")).unwrap();
    assert!(public.starts_with(&format!("{SIGNER}+")), "{public}");
    // Never over an existing key.
    let before = std::fs::read(&key).unwrap();
    env.run(&["key", "generate", "--out", &key, "--name", SIGNER])
        .refusal(2, "key file", &["a key is never overwritten"]);
    assert_eq!(std::fs::read(&key).unwrap(), before);
    // A key registers under the name and role it was made with.
    let head = env.head();
    env.run(&[
        "key",
        "add",
        &format!("{key}.pub"),
        "--name",
        "other",
        "--role",
        "signer",
    ])
    .refusal(2, "--name", &[SIGNER]);
    env.run(&[
        "key",
        "add",
        &format!("{key}.pub"),
        "--name",
        SIGNER,
        "--role",
        "witness",
    ])
    .refusal(2, "--role", &["signer"]);
    assert_eq!(env.head(), head, "nothing written");
    env.run(&[
        "key",
        "add",
        &format!("{key}.pub"),
        "--name",
        SIGNER,
        "--role",
        "signer",
    ])
    .ok();
    let list = env.json(&["key", "list"]);
    assert_eq!(list["keys"][0]["name"], SIGNER);
    assert_eq!(list["keys"][0]["role"], "signer");
    assert_eq!(list["keys"][0]["verifier_key"], public.trim_end());
    // Once only.
    env.run(&[
        "key",
        "add",
        &format!("{key}.pub"),
        "--name",
        SIGNER,
        "--role",
        "signer",
    ])
    .expect_code(2);
}

#[test]
fn a_signed_round_prints_a_note_that_checks_with_the_registered_key() {
    let env = signed_ledger();
    let text = note_of(&env, "r1");
    let note = Note::parse(text.as_bytes()).unwrap();
    let signer = pubkey(&env, "sign.key.pub");
    let verified = note::verify(&note, std::slice::from_ref(&signer)).unwrap();
    let cp = verified.checkpoint();
    assert_eq!(cp.origin(), "kamerstand/nap");
    // The tree of every event before the seal: creation, two keys, three
    // motions.
    let r1 = &env.json(&["round", "list"])["rounds"][0];
    assert_eq!(cp.size(), r1["seq"].as_u64().unwrap());
    assert_eq!(cp.size(), 6);
    // The ledger says the same of it.
    let out = env.run(&["verify", "--note", &p(&env, "r1.note")]);
    out.ok();
    assert!(
        out.stdout
            .contains("notitie: in orde: 6 gebeurtenissen met Merkle-wortel")
            && out.stdout.contains("(ronde r1)")
            && out
                .stdout
                .contains(&format!("ondertekend door {SIGNER} (ondertekenaar)")),
        "{}",
        out.stdout
    );
    let out = env.run(&["--lang", "en", "verify", "--note", &p(&env, "r1.note")]);
    out.ok();
    assert!(
        out.stdout.contains("note: ok: 6 events with Merkle root")
            && out.stdout.contains("(round r1)")
            && out.stdout.contains(&format!("signed by {SIGNER} (signer)")),
        "{}",
        out.stdout
    );
    // Every altered byte of the note is refused.
    let bytes = text.as_bytes();
    for i in 0..bytes.len() {
        let mut b = bytes.to_vec();
        b[i] ^= 0x01;
        let refused = Note::parse(&b).map_err(|e| e.to_string()).and_then(|n| {
            note::verify(&n, std::slice::from_ref(&signer)).map_err(|e| e.to_string())
        });
        assert!(refused.is_err(), "byte {i} altered and still accepted");
    }
    // Signing twice with the same key is refused.
    env.run(&["round", "sign", "r1", "--key", &p(&env, "sign.key")])
        .refusal(2, "", &["was signed with key", "already"]);
}

#[test]
fn a_witness_cosigns_only_what_extends_what_it_cosigned_and_a_fork_is_refused() {
    let env = signed_ledger();
    note_of(&env, "r1");
    cosign(&env, "r1").ok();
    let fork = TestEnv::new();
    env.copy_store_to(&fork);
    // The real ledger goes on; the witness cosigns r2, which extends r1.
    env.add(&["--kind", "motie", "--text", "Motie 4 over het onderwerp."]);
    seal(&env, "r2");
    note_of(&env, "r2");
    cosign(&env, "r2").ok();
    let cosigned = std::fs::read_to_string(path(&env, "r2.cosigned")).unwrap();
    assert_eq!(cosigned.matches('—').count(), 2, "{cosigned}");
    let out = env.run(&[
        "verify",
        "--note",
        &p(&env, "r2.cosigned"),
        "--witness-key",
        &p(&env, "w.key.pub"),
    ]);
    out.ok();
    assert!(
        out.stdout.contains(&format!("{WITNESS} (getuige)")),
        "{}",
        out.stdout
    );
    // A copy that recorded something else at the same place: a note of the
    // same size with another root. The witness, who cosigned r2, refuses.
    fork.add(&["--kind", "motie", "--text", "Een andere motie."]);
    fork.run(&[
        "round",
        "seal",
        "r2",
        "--reported-on",
        "2025-05-01",
        "--sign",
        &p(&env, "sign.key"),
    ])
    .ok();
    let forked = fork.run(&["round", "note", "r2"]);
    forked.ok();
    std::fs::write(path(&env, "r2-fork.note"), &forked.stdout).unwrap();
    let out = fork.run(&[
        "round",
        "cosign",
        &p(&env, "r2-fork.note"),
        "--key",
        &p(&env, "w.key"),
    ]);
    assert_ne!(out.code, 0, "{}", out.stdout);
    assert!(out.stderr.contains("fork"), "{}", out.stderr);
    // An older note after a newer one is refused as well.
    let out = cosign(&env, "r1");
    assert_ne!(out.code, 0);
    assert!(out.stderr.contains("a log never shrinks"), "{}", out.stderr);
}

#[test]
fn rollback_truncation_and_a_rewritten_history_fail_verify_against_the_note() {
    let env = signed_ledger();
    let old = TestEnv::new();
    env.copy_store_to(&old);
    env.add(&["--kind", "motie", "--text", "Motie 4 over het onderwerp."]);
    seal(&env, "r2");
    note_of(&env, "r2");
    let note = p(&env, "r2.note");
    // Rolled back to the older copy: fewer events than the note.
    let out = old.run(&["verify", "--note", &note]);
    out.expect_code(1);
    assert!(
        out.stdout.contains("notitie: NIET IN ORDE: ")
            && out
                .stdout
                .contains("teruggezet naar een oudere kopie of ingekort"),
        "{}",
        out.stdout
    );
    let out = old.run(&["--lang", "en", "verify", "--note", &note]);
    out.expect_code(1);
    assert!(
        out.stdout.contains("note: FAILED: ")
            && out
                .stdout
                .contains("rolled back to an older copy or truncated"),
        "{}",
        out.stdout
    );
    // A signed round covers its events: rewriting one of r1's, even with
    // the chain, the seals and the index relinked, breaks r1's signature.
    let relinked = TestEnv::new();
    env.copy_store_to(&relinked);
    raw::edit(&relinked, |s| {
        let mut e = s.envelope(4);
        if let EventBody::ItemRegistered { text, .. } = &mut e.body {
            *text = "Motie 2, herschreven.".into();
        }
        let prev = s.put(&e);
        s.relink_from(5, prev);
    });
    let (_, j) = relinked.verify(&[], 1);
    assert_eq!(j["first_break"]["kind"], "bad_signature", "{j}");
    // So a forger who wants verify to pass drops what no key of theirs can
    // sign again: r2's seal and signature, and rewrites the motion after
    // r1. The chain holds; the published note does not.
    let forged = TestEnv::new();
    env.copy_store_to(&forged);
    let last = raw::edit(&forged, |s| {
        let seal = (0..=s.last_seq())
            .find(|&q| matches!(s.envelope(q).body, EventBody::RoundSealedV2 { ref name, .. } if name == "r2"))
            .unwrap();
        let mut e = s.envelope(seal - 1);
        if let EventBody::ItemRegistered { text, .. } = &mut e.body {
            *text = "Motie 4, herschreven.".into();
        }
        s.put(&e);
        s.truncate_after(seal - 1);
        s.set_head_to(seal - 1);
        s.drop_derived();
        seal - 1
    });
    forged.run(&["verify", "--rebuild-index"]);
    forged.verify(&[], 0);
    assert_eq!(forged.head().unwrap().seq, last);
    let out = forged.run(&["verify", "--note", &note]);
    out.expect_code(1);
    assert!(
        out.stdout
            .contains("de geschiedenis is herschreven (een afsplitsing)"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_stranger_signature_a_moved_cosignature_and_a_forged_signature_event_are_refused() {
    let env = signed_ledger();
    let text = note_of(&env, "r1");
    // A note signed by a key nobody registered: no signer vouches for it.
    let stranger = note::PrivateKey::generate(SIGNER, KeyRole::Signer).unwrap();
    let cp = note::Checkpoint::parse(Note::parse(text.as_bytes()).unwrap().text()).unwrap();
    let fake = note::sign(&cp, &stranger).unwrap();
    std::fs::write(path(&env, "fake.note"), fake.to_text()).unwrap();
    let out = env.run(&["verify", "--note", &p(&env, "fake.note")]);
    out.expect_code(1);
    assert!(
        out.stdout.contains("notitie: NIET IN ORDE: ")
            && out
                .stdout
                .contains("door geen enkele geregistreerde sleutel"),
        "{}",
        out.stdout
    );
    let out = env.run(&["--lang", "en", "verify", "--note", &p(&env, "fake.note")]);
    out.expect_code(1);
    assert!(
        out.stdout.contains("note: FAILED: ")
            && out
                .stdout
                .contains("not signed by any registered signer key"),
        "{}",
        out.stdout
    );
    // A cosignature copied onto the next round's note (another root).
    cosign(&env, "r1").ok();
    let line = std::fs::read_to_string(path(&env, "r1.cosigned"))
        .unwrap()
        .lines()
        .last()
        .unwrap()
        .to_string();
    env.add(&["--kind", "motie", "--text", "Motie 4 over het onderwerp."]);
    seal(&env, "r2");
    let moved = format!("{}{line}\n", note_of(&env, "r2"));
    std::fs::write(path(&env, "moved.note"), moved).unwrap();
    let out = env.run(&["verify", "--note", &p(&env, "moved.note")]);
    out.expect_code(1);
    assert!(
        out.stdout.contains(WITNESS) && out.stdout.contains("klopt niet"),
        "{}",
        out.stdout
    );
    // A signature event planted with bytes the key never signed (for a
    // round it may sign: a sealed v2 round it has not signed yet): verify
    // names it.
    let planted = TestEnv::new();
    env.copy_store_to(&planted);
    raw::edit(&planted, |s| {
        let mut n = 0u8;
        s.plant(
            "mallory",
            vec![
                EventBody::RoundSealedV2 {
                    name: "r3".into(),
                    title: "Voortgang".into(),
                    reported_on: kamerstand::domain::Day::parse("d", "2025-06-01").unwrap(),
                    head_seq: 0,
                    head_hash: kamerstand::domain::EventHash([0; 32]),
                    tree_size: 0,
                    tree_root: kamerstand::domain::EventHash([0; 32]),
                },
                EventBody::RoundSigned {
                    round: "r3".into(),
                    key: kamerstand::domain::KeyName::parse(SIGNER).unwrap(),
                    signature: Signature([7; 64]),
                },
            ],
            &mut || {
                n += 1;
                [n; 16]
            },
        );
    });
    let (_, j) = planted.verify(&[], 1);
    assert_eq!(j["first_break"]["kind"], "bad_signature", "{j}");
    // The same bytes by the witness key: recording refuses a witness's
    // round signature, so verify names the rule before the bytes.
    let witness = TestEnv::new();
    env.copy_store_to(&witness);
    raw::edit(&witness, |s| {
        s.plant(
            "mallory",
            vec![EventBody::RoundSigned {
                round: "r2".into(),
                key: kamerstand::domain::KeyName::parse(WITNESS).unwrap(),
                signature: Signature([7; 64]),
            }],
            &mut || [0xee; 16],
        );
    });
    let (_, j) = witness.verify(&[], 1);
    assert_eq!(j["first_break"]["kind"], "rule_broken", "{j}");
    assert!(
        j["first_break"]["detail"]
            .as_str()
            .unwrap()
            .contains("this needs a signer key"),
        "{j}"
    );
}

#[test]
fn inclusion_consistency_and_item_proofs_check_against_the_signed_notes_alone() {
    let env = signed_ledger();
    let r1 = note_of(&env, "r1");
    env.run(&[
        "status",
        "36410-2",
        "in-uitvoering",
        "--effective",
        "2025-06-01",
    ])
    .ok();
    seal(&env, "r2");
    let r2 = note_of(&env, "r2");
    let signer = pubkey(&env, "sign.key.pub");
    let cp = |t: &str| {
        note::verify(
            &Note::parse(t.as_bytes()).unwrap(),
            std::slice::from_ref(&signer),
        )
        .unwrap()
        .checkpoint()
        .clone()
    };
    let (cp1, cp2) = (cp(&r1), cp(&r2));
    let proof = |args: &[&str]| {
        let out = env.run(args);
        out.ok();
        ProofDoc::from_json(&out.stdout).unwrap()
    };
    // One event in r2.
    let ProofDoc::Inclusion(inc) = proof(&["proof", "inclusion", "4", "--round", "r2"]) else {
        panic!("not an inclusion proof");
    };
    inc.verify().unwrap();
    inc.check_against(&cp2).unwrap();
    assert!(inc.check_against(&cp1).is_err());
    // r2 extends r1.
    let ProofDoc::Consistency(con) = proof(&["proof", "consistency", "r1", "r2"]) else {
        panic!("not a consistency proof");
    };
    con.verify().unwrap();
    con.check_against(&cp1, &cp2).unwrap();
    // Motion 36410-2's history up to r2: registration and status change.
    let ProofDoc::Item(item) = proof(&["proof", "item", "36410-2", "--round", "r2"]) else {
        panic!("not an item proof");
    };
    assert_eq!(item.events.len(), 2);
    item.verify().unwrap();
    item.check_against(&cp2).unwrap();
    // Any altered byte of an event, or of a path, is rejected.
    for e in 0..item.events.len() {
        for i in [
            0,
            item.events[e].event_bytes.len() / 2,
            item.events[e].event_bytes.len() - 1,
        ] {
            let mut bad = item.clone();
            bad.events[e].event_bytes[i] ^= 0x01;
            assert!(bad.verify().is_err(), "event {e} byte {i}");
        }
        for h in 0..item.events[e].path.len() {
            let mut bad = item.clone();
            bad.events[e].path[h][0] ^= 0x80;
            assert!(bad.verify().is_err(), "event {e} path {h}");
        }
    }
    // An event of another item slipped into the bundle is named.
    let ProofDoc::Item(other) = proof(&["proof", "item", "36410-3", "--round", "r2"]) else {
        panic!("not an item proof");
    };
    let mut mixed = item.clone();
    mixed.events.push(other.events[0].clone());
    mixed.events.sort_by_key(|e| e.leaf_index);
    let err = mixed.verify().unwrap_err().to_string();
    assert!(err.contains("not item"), "{err}");
    // Bad requests are refused with what would do.
    env.run(&["proof", "inclusion", "99", "--round", "r1"])
        .refusal(2, "event", &["a seq below 6"]);
    env.run(&["proof", "consistency", "r2", "r1"]).refusal(
        2,
        "rounds",
        &["the earlier round first"],
    );
}

#[test]
fn an_item_proof_is_bound_to_its_item_key_and_events_and_a_forged_bundle_is_refused() {
    let env = signed_ledger();
    // Motion 36410-2 (seq 4): a status change (8), another motion's note
    // (9) between its own note (10) and that note's correction (11).
    env.run(&[
        "status",
        "36410-2",
        "in-uitvoering",
        "--effective",
        "2025-06-01",
    ])
    .ok();
    env.run(&["note", "36410-3", "Een notitie over motie 3."])
        .ok();
    env.run(&["note", "36410-2", "Twintig gemeenten doen mee."])
        .ok();
    env.run(&[
        "correct",
        "10",
        "--note",
        "Dertig gemeenten doen mee.",
        "--reason",
        "verkeerd overgenomen",
    ])
    .ok();
    seal(&env, "r2");
    let r1 = note_of(&env, "r1");
    let r2 = note_of(&env, "r2");
    let signer = pubkey(&env, "sign.key.pub");
    let cp = |t: &str| {
        note::verify(
            &Note::parse(t.as_bytes()).unwrap(),
            std::slice::from_ref(&signer),
        )
        .unwrap()
        .checkpoint()
        .clone()
    };
    let item_proof = |key: &str| {
        let out = env.run(&["proof", "item", key, "--round", "r2"]);
        out.ok();
        match ProofDoc::from_json(&out.stdout).unwrap() {
            ProofDoc::Item(p) => p,
            other => panic!("not an item proof: {other:?}"),
        }
    };
    let honest = item_proof("36410-2");
    let seqs: Vec<u64> = honest.events.iter().map(|e| e.leaf_index).collect();
    assert_eq!(seqs, [4, 8, 10, 11]);
    honest.verify().unwrap();
    honest.check_against(&cp(&r2)).unwrap();
    // Bound to r2's checkpoint: the size and root are r2's, not r1's.
    let err = honest.check_against(&cp(&r1)).unwrap_err().to_string();
    assert!(err.contains("the checkpoint is for 6 events"), "{err}");
    let other = item_proof("36410-3");

    let refused = |what: &str, bad: &kamerstand::formats::proof::ItemProof, says: &[&str]| {
        let err = bad
            .verify()
            .expect_err(&format!("{what}: accepted"))
            .to_string();
        for s in says {
            assert!(err.contains(s), "{what}: {err}");
        }
    };
    // A forged key label: the key is the one the registration gives.
    let mut bad = honest.clone();
    bad.key = "36410-3".into();
    refused(
        "another key",
        &bad,
        &[
            "event 4 registers the item under key '36410-2'",
            "the proof names key '36410-3'",
        ],
    );
    // The same bundle relabelled as another item, key and all.
    let mut bad = honest.clone();
    bad.key = other.key.clone();
    bad.item = other.item.clone();
    refused(
        "another item's id",
        &bad,
        &[
            "event 4 registers item",
            &format!("the proof is for item {}", other.item),
        ],
    );
    // The registration left out: nothing ties the events to a key.
    let mut bad = honest.clone();
    bad.events.remove(0);
    refused(
        "no registration",
        &bad,
        &[
            "event 8 is a status_changed event",
            "begins with the item's registration",
        ],
    );
    // Another item's registration in front, the events behind it.
    let mut bad = honest.clone();
    bad.events.insert(0, other.events[0].clone());
    refused(
        "another item's registration first",
        &bad,
        &["event 5 registers item"],
    );
    // Another item's event slipped in, in seq order.
    let mut bad = honest.clone();
    bad.events.insert(2, other.events[1].clone());
    assert_eq!(bad.events[2].leaf_index, 9);
    refused(
        "another item's event",
        &bad,
        &[
            "event 9 is about item",
            &format!("not item {}", honest.item),
        ],
    );
    // Reordered, and listed twice.
    let mut bad = honest.clone();
    bad.events.swap(1, 2);
    refused(
        "reordered",
        &bad,
        &["event 8 comes after event 10", "in seq order"],
    );
    let mut bad = honest.clone();
    bad.events.insert(2, honest.events[1].clone());
    refused("duplicated", &bad, &["event 8 is listed twice"]);
    let mut bad = honest.clone();
    bad.events.insert(1, honest.events[0].clone());
    refused("registration twice", &bad, &["event 4 is listed twice"]);
    // A correction whose target was left out is a bundle with a hole.
    let mut bad = honest.clone();
    bad.events.remove(2);
    refused(
        "correction without its target",
        &bad,
        &["event 11 corrects event 10, which the proof does not hold"],
    );
}

#[test]
fn a_round_sealed_before_the_tree_is_said_to_be_unsignable_by_note_and_sign_alike() {
    // The committed format-1 ledger: its two rounds have v1 seals.
    let env = TestEnv::new();
    env.set_clock("2025-06-02T09:02:00Z");
    let events = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/format-v1/events.jsonl"
    );
    env.run(&["import", events]).ok();
    env.run(&[
        "key",
        "generate",
        "--out",
        &p(&env, "sign.key"),
        "--name",
        SIGNER,
    ])
    .ok();
    env.run(&[
        "key",
        "add",
        &p(&env, "sign.key.pub"),
        "--name",
        SIGNER,
        "--role",
        "signer",
    ])
    .ok();
    let head = env.head();
    let says = [
        "round '2025-voorjaar' cannot be signed",
        "(a v1 seal), so the chain names no tree root to sign and it can have no signed note",
        "seal a new round and sign that",
    ];
    // `round note` no longer sends the clerk to `round sign`, which would
    // refuse; both say the same.
    let out = env.run(&["round", "note", "2025-voorjaar"]);
    out.refusal(2, "round note", &says);
    assert!(!out.stderr.contains("sign it with"), "{}", out.stderr);
    env.run(&[
        "round",
        "sign",
        "2025-voorjaar",
        "--key",
        &p(&env, "sign.key"),
    ])
    .refusal(2, "round sign", &says);
    // Even with a key that could not sign anything, the round is what is
    // wrong.
    env.run(&[
        "key",
        "generate",
        "--out",
        &p(&env, "w.key"),
        "--name",
        WITNESS,
        "--role",
        "witness",
    ])
    .ok();
    env.run(&["round", "sign", "2025-voorjaar", "--key", &p(&env, "w.key")])
        .refusal(2, "round sign with a stranger key", &says);
    assert_eq!(env.head(), head, "nothing written");
    // A v2 round sealed now can be signed, and printed.
    env.run(&[
        "round",
        "seal",
        "2025-winter",
        "--reported-on",
        "2025-06-02",
        "--sign",
        &p(&env, "sign.key"),
    ])
    .ok();
    note_of(&env, "2025-winter");
}

#[test]
fn a_second_registration_of_a_key_name_breaks_a_rule_even_with_an_unusable_key() {
    let env = signed_ledger();
    // Event 7 is r1's signature by the signer key.
    let signature = match raw::edit(&env, |s| s.envelope(7).body) {
        EventBody::RoundSigned { signature, .. } => signature,
        other => panic!("not a signature: {other:?}"),
    };
    // A forger registers the signer's name again, with the identity point
    // (no Ed25519 key signs with it), then repeats the old signature:
    // recording refuses a name registered twice, so verify names the
    // second registration (seq 8) and never trusts either key for it.
    let mut identity = [0u8; 32];
    identity[0] = 1;
    let mut n = 0u8;
    raw::edit(&env, |s| {
        s.plant(
            "mallory",
            vec![
                EventBody::KeyRegistered {
                    name: kamerstand::domain::KeyName::parse(SIGNER).unwrap(),
                    role: KeyRole::Signer,
                    public_key: kamerstand::domain::PublicKey(identity),
                },
                EventBody::RoundSigned {
                    round: "r1".into(),
                    key: kamerstand::domain::KeyName::parse(SIGNER).unwrap(),
                    signature,
                },
            ],
            &mut || {
                n += 1;
                [n; 16]
            },
        );
    });
    let (_, j) = env.verify(&[], 1);
    assert_eq!(j["first_break"]["kind"], "rule_broken", "{j}");
    assert_eq!(j["first_break"]["seq"], 8, "{j}");
    assert!(
        j["first_break"]["detail"]
            .as_str()
            .unwrap()
            .contains("was registered at seq"),
        "{j}"
    );
}

#[test]
fn proof_check_checks_notes_and_proofs_with_our_tool_and_no_store() {
    let env = signed_ledger();
    note_of(&env, "r1");
    env.run(&[
        "status",
        "36410-2",
        "in-uitvoering",
        "--effective",
        "2025-06-01",
    ])
    .ok();
    seal(&env, "r2");
    note_of(&env, "r2");
    for (file, args) in [
        ("inc.json", vec!["proof", "inclusion", "4", "--round", "r2"]),
        ("con.json", vec!["proof", "consistency", "r1", "r2"]),
        (
            "item.json",
            vec!["proof", "item", "36410-2", "--round", "r2"],
        ),
    ] {
        let out = env.run(&args);
        out.ok();
        std::fs::write(path(&env, file), &out.stdout).unwrap();
    }
    // No store: the check reads only the files it is given.
    let nowhere = p(&env, "no-store-here");
    let check = |proofs: &[&str], notes: &[&str], keys: &[&str], extra: &[&str]| {
        let mut args: Vec<String> = vec!["--store".into(), nowhere.clone()];
        args.extend(extra.iter().map(|s| s.to_string()));
        args.extend(["proof".into(), "check".into()]);
        args.extend(proofs.iter().map(|f| p(&env, f)));
        for n in notes {
            args.extend(["--note".into(), p(&env, n)]);
        }
        for k in keys {
            args.extend(["--key".into(), p(&env, k)]);
        }
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        env.run_bare(&refs)
    };
    let all = ["inc.json", "con.json", "item.json"];
    let notes = ["r1.note", "r2.note"];
    let out = check(&all, &notes, &["sign.key.pub"], &[]);
    out.ok();
    assert_eq!(
        out.stdout.matches(": in orde: ").count(),
        5,
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("zitten in de boom van 9 gebeurtenissen"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("begint met de boom van 6 gebeurtenissen"),
        "{}",
        out.stdout
    );
    assert!(!path(&env, "no-store-here").exists());
    // As JSON, in its schema: every note and proof, and the forged one's
    // reason.
    let schemas = crate::schemas::Checker::new();
    let j = check(&all, &notes, &["sign.key.pub"], &["--format", "json"]);
    j.ok();
    let doc = j.json();
    schemas.valid("proof-check", "proof check", &doc);
    assert_eq!(doc["ok"], true);
    let types: Vec<&str> = doc["proofs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["inclusion", "consistency", "item"]);
    assert_eq!(doc["proofs"][2]["seqs"].as_array().unwrap().len(), 2);
    let en = check(&["con.json"], &notes, &["sign.key.pub"], &["--lang", "en"]);
    en.ok();
    assert!(
        en.stdout.contains("proof ") && en.stdout.contains(": ok: the tree of 9 events"),
        "{}",
        en.stdout
    );

    // One byte of an event changed: the proof fails, exit 1.
    let item = std::fs::read_to_string(path(&env, "item.json")).unwrap();
    let at = item.find("\"event_bytes\": \"").unwrap() + 40;
    let mut forged = item.clone().into_bytes();
    forged[at] = if forged[at] == b'0' { b'1' } else { b'0' };
    std::fs::write(path(&env, "forged.json"), forged).unwrap();
    let out = check(&["forged.json"], &["r2.note"], &["sign.key.pub"], &[]);
    out.expect_code(1);
    assert!(
        out.stdout.contains("forged.json: NIET IN ORDE: "),
        "{}",
        out.stdout
    );
    let j = check(
        &["forged.json"],
        &["r2.note"],
        &["sign.key.pub"],
        &["--format", "json"],
    );
    j.expect_code(1);
    let doc = j.json();
    schemas.valid("proof-check", "a failed proof check", &doc);
    assert_eq!(doc["ok"], false);
    assert_eq!(doc["proofs"][0]["ok"], false);

    // A witness key given that did not sign: the note fails.
    let out = check(&[], &["r2.note"], &["sign.key.pub", "w.key.pub"], &[]);
    out.expect_code(1);
    assert!(
        out.stdout.contains("draagt geen handtekening van getuige"),
        "{}",
        out.stdout
    );
    // A note with one changed digit of its root: no signature holds.
    let r2 = std::fs::read_to_string(path(&env, "r2.note")).unwrap();
    let mut lines: Vec<String> = r2.lines().map(String::from).collect();
    lines[2] = lines[2].replacen(|c: char| c.is_ascii_alphabetic(), "A", 1);
    if lines[2] == r2.lines().nth(2).unwrap() {
        lines[2] = lines[2].replacen('A', "B", 1);
    }
    std::fs::write(path(&env, "altered.note"), lines.join("\n") + "\n").unwrap();
    let out = check(&["inc.json"], &["altered.note"], &["sign.key.pub"], &[]);
    out.expect_code(1);
    assert!(
        out.stdout.contains("altered.note: NIET IN ORDE: ")
            && out
                .stdout
                .contains("geen opgegeven notitie over die boom is in orde"),
        "{}",
        out.stdout
    );

    // A proof about a tree no given note is about, a proof that is not
    // one, and no key: refused as input, exit 2, naming the file.
    check(&["inc.json"], &["r1.note"], &["sign.key.pub"], &[]).refusal(
        2,
        "no note of its size",
        &["inc.json", "a tree of 9 events", "about 6"],
    );
    std::fs::write(path(&env, "nonsense.json"), "{\"type\": \"receipt\"}").unwrap();
    check(&["nonsense.json"], &["r2.note"], &["sign.key.pub"], &[]).refusal(
        2,
        "not a proof",
        &["nonsense.json", "schema/proofs.md"],
    );
    let out = check(&["inc.json"], &["r2.note"], &[], &[]);
    out.expect_code(2);
    // A note given where a key belongs: the refusal names the file.
    check(&["inc.json"], &["r2.note"], &["r1.note"], &[]).refusal(
        2,
        "a note as a key",
        &[
            "public key file",
            "r1.note",
            "as `kamerstand key generate` writes it",
        ],
    );
    // So does a private key file that is none, without echoing it.
    std::fs::write(
        path(&env, "bad.key"),
        "PRIVATE+KEY+x+00000000+c2VjcmV0
",
    )
    .unwrap();
    let out = env.run(&["round", "seal", "r3", "--sign", &p(&env, "bad.key")]);
    out.refusal(2, "a bad private key", &["private key file", "bad.key"]);
    assert!(!out.stderr.contains("c2VjcmV0"), "{}", out.stderr);
}

//! The committed test vectors of issue 15, rebuilt by our Rust code and
//! compared byte for byte with `tests/fixtures/merkle-vectors.json` and
//! `tests/fixtures/note-vectors.json`; docs/verify_export.py --self-test
//! recomputes the same files independently (tests/proofs.sh). A vector
//! file that no longer matches means the hashing, the proofs or the note
//! format changed: never silently. To regenerate after a change made on
//! purpose: `KAMERSTAND_UPDATE_VECTORS=1 cargo test --test main proofs`.
// The test trees are small: their sizes fit any usize.
#![allow(clippy::cast_possible_truncation)]

use kamerstand::formats::note::{
    self, Checkpoint, KeyRole, LastCosigned, Note, NoteError, PrivateKey,
};
use kamerstand::formats::proof::{ConsistencyProof, InclusionProof, ProofDoc};
use kamerstand::ledger::merkle::{self, Frontier, Hash, NodeId, ProofError};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::convert::Infallible;
use std::path::Path;

fn hex(b: &[u8]) -> String {
    kamerstand::domain::ids::hex(b)
}

fn hexes(list: &[Hash]) -> Vec<String> {
    list.iter().map(|h| hex(h)).collect()
}

/// A tree held in memory as the store would hold it.
struct Tree(BTreeMap<NodeId, Hash>);

impl Tree {
    fn of(leaves: &[Hash]) -> Tree {
        let mut f = Frontier::new();
        let mut nodes = BTreeMap::new();
        for l in leaves {
            nodes.extend(f.push(*l));
        }
        Tree(nodes)
    }

    fn get(&self) -> impl FnMut(NodeId) -> Result<Option<Hash>, Infallible> + '_ {
        |id| Ok(self.0.get(&id).copied())
    }

    fn root(&self, n: u64) -> Hash {
        merkle::root(n, self.get()).unwrap()
    }

    fn inclusion(&self, i: u64, n: u64) -> Vec<Hash> {
        merkle::inclusion_proof(i, n, self.get()).unwrap()
    }

    fn consistency(&self, m: u64, n: u64) -> Vec<Hash> {
        merkle::consistency_proof(m, n, self.get()).unwrap()
    }
}

/// Compares `value` with the committed file, or writes it when asked to.
fn compare_or_update(name: &str, value: &Value) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let text = serde_json::to_string_pretty(value).unwrap() + "\n";
    if std::env::var_os("KAMERSTAND_UPDATE_VECTORS").is_some_and(|v| v == "1") {
        std::fs::write(&path, &text).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == text,
        "tests/fixtures/{name} differs from what this build computes; if the change is \
         intended, run KAMERSTAND_UPDATE_VECTORS=1 cargo test --test main proofs"
    );
}

/// Sizes with vectors: every tree up to 8 leaves, and some past a power of two.
const SIZES: [u64; 12] = [1, 2, 3, 4, 5, 6, 7, 8, 12, 13, 16, 17];

fn leaf_data() -> Vec<Vec<u8>> {
    // Certificate Transparency's eight test leaves, then nine of our own.
    let ct = [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ];
    let mut data: Vec<Vec<u8>> = ct
        .iter()
        .map(|h| kamerstand::domain::ids::unhex(h).unwrap())
        .collect();
    data.extend((8..17).map(|i| format!("kamerstand test leaf {i}").into_bytes()));
    data
}

#[test]
fn merkle_vectors_match_the_committed_file() {
    let data = leaf_data();
    let leaves: Vec<Hash> = data.iter().map(|d| merkle::leaf_hash(d)).collect();
    let tree = Tree::of(&leaves);
    let mut trees = Vec::new();
    for n in SIZES {
        let root = tree.root(n);
        let inclusion: Vec<Value> = (0..n)
            .map(|i| {
                let path = tree.inclusion(i, n);
                merkle::verify_inclusion(&leaves[i as usize], i, n, &path, &root).unwrap();
                json!({"leaf_index": i, "path": hexes(&path)})
            })
            .collect();
        let consistency: Vec<Value> = (1..=n)
            .map(|m| {
                let path = tree.consistency(m, n);
                let root1 = tree.root(m);
                merkle::verify_consistency(m, n, &root1, &root, &path).unwrap();
                json!({"size1": m, "root1": hex(&root1), "path": hexes(&path)})
            })
            .collect();
        trees.push(json!({
            "size": n,
            "root": hex(&root),
            "inclusion": inclusion,
            "consistency": consistency,
        }));
    }

    // Negative vectors: a valid proof with one thing changed, each refused.
    let mut negative = Vec::new();
    let (n, i) = (13u64, 6u64);
    let root = tree.root(n);
    let path = tree.inclusion(i, n);
    let flip = |h: &Hash, at: usize| {
        let mut h = *h;
        h[at] ^= 0x01;
        h
    };
    let mut inc = |what: &str, leaf: Hash, idx: u64, size: u64, path: Vec<Hash>, root: Hash| {
        let err = merkle::verify_inclusion(&leaf, idx, size, &path, &root).expect_err(what);
        negative.push(json!({
            "type": "inclusion", "altered": what, "leaf_hash": hex(&leaf),
            "leaf_index": idx, "tree_size": size, "path": hexes(&path), "root": hex(&root),
            "rust_error": err.to_string(),
        }));
    };
    let leaf = leaves[i as usize];
    inc(
        "path[0] byte 0 flipped",
        leaf,
        i,
        n,
        {
            let mut p = path.clone();
            p[0] = flip(&p[0], 0);
            p
        },
        root,
    );
    inc(
        "path[2] byte 31 flipped",
        leaf,
        i,
        n,
        {
            let mut p = path.clone();
            p[2] = flip(&p[2], 31);
            p
        },
        root,
    );
    inc(
        "root byte 5 flipped",
        leaf,
        i,
        n,
        path.clone(),
        flip(&root, 5),
    );
    inc(
        "leaf hash byte 9 flipped",
        flip(&leaf, 9),
        i,
        n,
        path.clone(),
        root,
    );
    inc("leaf index 6 -> 7", leaf, i + 1, n, path.clone(), root);
    // (A size whose tree gives this leaf the same path shape, 11 say, would
    // pass: the size that counts is the signed checkpoint's.)
    inc("tree size 13 -> 7", leaf, i, 7, path.clone(), root);
    inc(
        "tree size 13 -> 6 (index outside)",
        leaf,
        i,
        6,
        path.clone(),
        root,
    );
    inc(
        "last path element dropped",
        leaf,
        i,
        n,
        path[..path.len() - 1].to_vec(),
        root,
    );
    inc(
        "extra path element",
        leaf,
        i,
        n,
        [path.clone(), vec![root]].concat(),
        root,
    );

    let (m, n) = (5u64, 13u64);
    let (r1, r2) = (tree.root(m), tree.root(n));
    let cpath = tree.consistency(m, n);
    let mut con = |what: &str, s1: u64, s2: u64, r1: Hash, r2: Hash, path: Vec<Hash>| {
        let err = merkle::verify_consistency(s1, s2, &r1, &r2, &path).expect_err(what);
        negative.push(json!({
            "type": "consistency", "altered": what, "size1": s1, "size2": s2,
            "root1": hex(&r1), "root2": hex(&r2), "path": hexes(&path),
            "rust_error": err.to_string(),
        }));
    };
    con("path[1] byte 0 flipped", m, n, r1, r2, {
        let mut p = cpath.clone();
        p[1] = flip(&p[1], 0);
        p
    });
    con(
        "root1 byte 0 flipped",
        m,
        n,
        flip(&r1, 0),
        r2,
        cpath.clone(),
    );
    con(
        "root2 byte 31 flipped",
        m,
        n,
        r1,
        flip(&r2, 31),
        cpath.clone(),
    );
    con("size1 5 -> 6", 6, n, r1, r2, cpath.clone());
    // (Sizes whose proofs have the same shape pass; the first that does not.)
    let s2 = [9u64, 12, 8, 6]
        .into_iter()
        .find(|s| merkle::verify_consistency(m, *s, &r1, &r2, &cpath).is_err())
        .unwrap();
    con(&format!("size2 13 -> {s2}"), m, s2, r1, r2, cpath.clone());
    con("size1 0", 0, n, r1, r2, cpath.clone());
    con("size1 > size2", n, m, r1, r2, cpath.clone());
    con("empty path", m, n, r1, r2, vec![]);
    con(
        "last path element dropped",
        m,
        n,
        r1,
        r2,
        cpath[..cpath.len() - 1].to_vec(),
    );
    con(
        "extra path element",
        m,
        n,
        r1,
        r2,
        [cpath.clone(), vec![r2]].concat(),
    );
    con("equal sizes, different roots", n, n, r1, r2, vec![]);

    let vectors = json!({
        "about": "RFC 9162 §2.1 Merkle tree vectors written by kamerstand's Rust code \
                  (tests/proofs/mod.rs) and recomputed from the definitions by \
                  docs/verify_export.py --self-test. leaf hash = SHA-256(0x00 || data), \
                  node = SHA-256(0x01 || left || right); all values lowercase hex. The first \
                  eight leaves are Certificate Transparency's test leaves.",
        "empty_root": hex(&merkle::empty_root()),
        "leaf_data": data.iter().map(|d| hex(d)).collect::<Vec<_>>(),
        "leaf_hashes": hexes(&leaves),
        "trees": trees,
        "negative": negative,
    });
    compare_or_update("merkle-vectors.json", &vectors);
}

/// Test keys from fixed seeds: published on purpose, never used for real.
fn key(name: &str, role: KeyRole, seed: u8) -> PrivateKey {
    PrivateKey::from_seed(name, role, &[seed; 32]).unwrap()
}

const ORIGIN: &str = "kamerstand.example/nap";

fn fixture_events() -> Vec<Vec<u8>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/format-v1/events.jsonl");
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            kamerstand::domain::ids::unhex(v["bytes"].as_str().unwrap()).unwrap()
        })
        .collect()
}

#[test]
fn note_vectors_match_the_committed_file() {
    let signer = key(ORIGIN, KeyRole::Signer, 0x11);
    let witness = key("witness.example/w1", KeyRole::Witness, 0x22);
    let stranger = key("elsewhere.example/log", KeyRole::Signer, 0x33);
    let events = fixture_events();
    let leaves: Vec<Hash> = events.iter().map(|e| merkle::event_leaf_hash(e)).collect();
    let tree = Tree::of(&leaves);
    let cp = |n: u64| Checkpoint::new(ORIGIN, n, tree.root(n)).unwrap();
    let log = [signer.verifier()];

    // Rounds sealed at seq 6 and 16: checkpoints of the events before each seal.
    let round6 = note::cosign(
        &note::sign(&cp(6), &signer).unwrap(),
        &log,
        &witness,
        1_736_150_400,
        None,
    )
    .unwrap();
    let p6_16 = tree.consistency(6, 16);
    let round16 = note::cosign(
        &note::sign(&cp(16), &signer).unwrap(),
        &log,
        &witness,
        1_751_328_000,
        Some(LastCosigned {
            checkpoint: &cp(6),
            proof: &p6_16,
        }),
    )
    .unwrap();
    // The log signs a second history of 16 events (event 3 rewritten).
    let mut rewritten = leaves[..16].to_vec();
    rewritten[3] = merkle::leaf_hash(b"a rewritten event");
    let fork_cp = Checkpoint::new(ORIGIN, 16, Tree::of(&rewritten).root(16)).unwrap();
    let fork16 = note::sign(&fork_cp, &signer).unwrap();
    let stranger16 = note::sign(&cp(16), &stranger).unwrap();
    // The witness's cosignature of round 16 moved onto the forked checkpoint.
    let moved_text = format!(
        "{}{}",
        fork16.to_text(),
        round16.to_text().lines().last().unwrap().to_string() + "\n"
    );
    let moved = Note::parse(moved_text.as_bytes()).unwrap();

    // What Rust says of each note: the Python verifier must agree.
    let all = [signer.verifier(), witness.verifier()];
    for n in [&round6, &round16] {
        let v = note::verify(n, &all).unwrap();
        v.require(&witness.verifier()).unwrap();
    }
    note::verify(&fork16, &all).unwrap();
    assert!(matches!(
        note::detect_fork(&cp(16), &fork_cp),
        Err(NoteError::Fork { size: 16, .. })
    ));
    assert!(matches!(
        note::verify(&stranger16, &all),
        Err(NoteError::NoSignerSignature { .. })
    ));
    assert!(matches!(
        note::verify(&moved, &all),
        Err(NoteError::BadSignature {
            role: KeyRole::Witness,
            ..
        })
    ));

    let inclusion = |i: u64, n: u64| {
        let p = InclusionProof {
            tree_size: n,
            leaf_index: i,
            event_bytes: events[i as usize].clone(),
            path: tree.inclusion(i, n),
            root: tree.root(n),
        };
        p.verify().unwrap();
        ProofDoc::Inclusion(p).to_json()
    };
    let consistency = ConsistencyProof {
        size1: 6,
        size2: 16,
        root1: tree.root(6),
        root2: tree.root(16),
        path: p6_16.clone(),
    };
    consistency.verify().unwrap();
    let mut bad_event = match ProofDoc::from_json(&inclusion(5, 16)).unwrap() {
        ProofDoc::Inclusion(p) => p,
        other => unreachable!("an inclusion proof, not {other:?}"),
    };
    let last = bad_event.event_bytes.len() - 1;
    bad_event.event_bytes[last] ^= 0x01;
    assert!(bad_event.verify().is_err());
    let mut short = consistency.clone();
    short.path.pop();
    assert!(matches!(
        short.verify(),
        Err(kamerstand::formats::proof::ProofCheckError::Proof(
            ProofError::TooShort
        ))
    ));

    let files = json!({
        "signer.pub": format!("{}\n", signer.verifier()),
        "witness.pub": format!("{}\n", witness.verifier()),
        "stranger.pub": format!("{}\n", stranger.verifier()),
        "round-6.note": round6.to_text(),
        "round-16.note": round16.to_text(),
        "fork-16.note": fork16.to_text(),
        "stranger-16.note": stranger16.to_text(),
        "moved-cosignature-16.note": moved.to_text(),
        "inclusion-5-of-16.json": inclusion(5, 16),
        "inclusion-0-of-6.json": inclusion(0, 6),
        "inclusion-15-of-16.json": inclusion(15, 16),
        "inclusion-5-of-16-altered-event.json": ProofDoc::Inclusion(bad_event).to_json(),
        "consistency-6-16.json": ProofDoc::Consistency(consistency).to_json(),
        "consistency-6-16-short.json": ProofDoc::Consistency(short).to_json(),
    });
    let vectors = json!({
        "about": "Signed checkpoints (c2sp.org/signed-note, tlog-checkpoint, \
                  tlog-cosignature) and proof documents (schema/proofs.md) over the 18 \
                  events of tests/fixtures/format-v1/events.jsonl, written by kamerstand's \
                  Rust code (tests/proofs/mod.rs) and checked by docs/verify_export.py \
                  --self-test and tests/proofs.sh. The keys are test keys from fixed \
                  seeds, published on purpose: never trust them for anything.",
        "origin": ORIGIN,
        "seeds": {
            "signer": hex(&[0x11; 32]),
            "witness": hex(&[0x22; 32]),
            "stranger": hex(&[0x33; 32]),
        },
        "files": files,
    });
    compare_or_update("note-vectors.json", &vectors);
}

//! The Merkle tree as the store keeps it: sixteen nodes to a sled entry
//! (a chunk, `src/ledger/merkle_chunk.rs`). A store written before the
//! chunks, with one entry per node, is converted when it is opened, and
//! its roots and proofs stay what they were; a conversion cut short is
//! redone; a forged chunk is found by `verify`, which names the node.

use crate::common::{TestEnv, raw};
use kamerstand::ledger::merkle::{Hash, NodeId};
use kamerstand::ledger::merkle_chunk::{Chunk, ChunkId};

/// A ledger of its genesis, 2 items and 40 notes: 43 events, so the tree
/// has levels 0 to 5, full chunks at level 0 and a partial one at its
/// right edge.
fn ledger() -> TestEnv {
    let env = TestEnv::init();
    env.add_m1_and_t1(&[]);
    for n in 0..40 {
        let key = if n % 2 == 0 { "M1" } else { "T1" };
        env.run(&["note", key, &format!("Stand {n}.")]).ok();
    }
    env
}

/// Every root, every inclusion path in the whole tree and every
/// consistency path from a smaller tree, as the ledger makes them.
#[derive(Debug, PartialEq)]
struct Proofs {
    roots: Vec<Hash>,
    inclusion: Vec<Vec<Hash>>,
    consistency: Vec<Vec<Hash>>,
}

fn proofs(env: &TestEnv) -> Proofs {
    let ledger = env.ledger();
    let n = ledger.tree_size().unwrap().unwrap();
    Proofs {
        roots: (0..=n).map(|s| ledger.tree_root(s).unwrap()).collect(),
        inclusion: (0..n)
            .map(|seq| ledger.inclusion_path(seq, n).unwrap())
            .collect(),
        consistency: (1..n)
            .map(|m| ledger.consistency_path(m, n).unwrap())
            .collect(),
    }
}

/// Every stored node, read from the chunks with sled.
fn stored_nodes(r: &raw::Raw) -> Vec<(NodeId, Hash)> {
    let mut out = Vec::new();
    for kv in r.tree("merkle_chunks").iter() {
        let (k, v) = kv.unwrap();
        let chunk = ChunkId::from_key(&k).unwrap();
        for (slot, hash) in Chunk::decode(&v).unwrap().nodes() {
            out.push((chunk.node(slot), hash));
        }
    }
    out
}

/// Rewrites the store as a version before the chunks left it: one entry
/// per node in tree `merkle`, no chunks. Returns the nodes.
fn to_old_layout(env: &TestEnv) -> Vec<(NodeId, Hash)> {
    raw::edit(env, |r| {
        let nodes = stored_nodes(r);
        let old = r.tree("merkle");
        for (id, hash) in &nodes {
            old.insert(id.key(), hash.as_slice()).unwrap();
        }
        r.tree("merkle_chunks").clear().unwrap();
        nodes
    })
}

fn has_tree(env: &TestEnv, name: &str) -> bool {
    raw::edit(env, |r| r.tree_names().iter().any(|n| n == name.as_bytes()))
}

#[test]
fn a_store_with_a_node_per_entry_is_converted_once_with_its_proofs_unchanged() {
    let env = ledger();
    let before = proofs(&env);
    let nodes = to_old_layout(&env);
    // 43 leaves: 43 + 21 + 10 + 5 + 2 + 1 nodes.
    assert_eq!(nodes.len(), 82);
    assert!(has_tree(&env, "merkle"));
    assert_eq!(proofs(&env), before);
    assert!(!has_tree(&env, "merkle"), "the old tree is dropped");
    let (chunks, after) = raw::edit(&env, |r| (r.tree("merkle_chunks").len(), stored_nodes(r)));
    assert_eq!(after, nodes);
    // Level 0: 3 chunks (16 + 16 + 11 nodes); level 1: 2 (16 + 5); levels
    // 2 to 5: one each.
    assert_eq!(chunks, 9);
    env.run(&["verify"]).ok();
    // The ledger goes on from the converted tree.
    env.run(&["note", "M1", "Na de omzetting."]).ok();
    env.run(&["verify"]).ok();
    let later = proofs(&env);
    assert_eq!(later.roots[..before.roots.len()], before.roots[..]);
}

#[test]
fn a_conversion_cut_short_is_done_again_on_the_next_open() {
    let env = ledger();
    let before = proofs(&env);
    to_old_layout(&env);
    // What a conversion killed before it dropped the old tree leaves: some
    // chunks written (here one that is wrong, to show it is not kept).
    raw::edit(&env, |r| {
        let mut c = Chunk::new();
        c.set(0, [7; 32]);
        r.tree("merkle_chunks")
            .insert(
                ChunkId {
                    level: 0,
                    number: 0,
                }
                .key(),
                c.encode(),
            )
            .unwrap();
    });
    assert_eq!(proofs(&env), before);
    assert!(!has_tree(&env, "merkle"));
    env.run(&["verify"]).ok();
}

#[test]
fn an_old_tree_with_an_entry_that_is_no_node_is_left_for_a_rebuild() {
    let env = ledger();
    let before = proofs(&env);
    to_old_layout(&env);
    raw::edit(&env, |r| {
        let key = NodeId { level: 0, index: 3 }.key();
        r.tree("merkle").insert(key, &[1u8; 31][..]).unwrap();
    });
    let out = env.run(&["--lang", "en", "verify"]);
    out.expect_code(1);
    assert!(
        out.stdout
            .contains("the Merkle tree covers no events, the ledger holds 43"),
        "{}",
        out.stdout
    );
    env.run(&["verify", "--rebuild-index"]).ok();
    env.run(&["verify"]).ok();
    assert_eq!(proofs(&env), before);
}

/// Edits the chunk that holds `node` with `f` (its stored value).
fn forge(env: &TestEnv, node: NodeId, f: impl FnOnce(&mut Vec<u8>)) {
    raw::edit(env, |r| {
        let key = ChunkId::of(node).0.key();
        let t = r.tree("merkle_chunks");
        let mut v = t.get(key).unwrap().unwrap().to_vec();
        f(&mut v);
        t.insert(key, v).unwrap();
    });
}

#[track_caller]
fn verify_names(env: &TestEnv, what: &str) {
    let out = env.run(&["--lang", "en", "verify"]);
    out.expect_code(1);
    assert!(
        out.stdout.starts_with("BAD index entry in merkle"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains(what), "{}", out.stdout);
    env.run(&["verify", "--rebuild-index"]).ok();
    env.run(&["verify"]).ok();
}

#[test]
fn a_forged_chunk_is_reported_by_verify_naming_the_node() {
    let env = ledger();
    let before = proofs(&env);
    // A changed hash: leaf 5, slot 5 of the first chunk.
    forge(&env, NodeId { level: 0, index: 5 }, |v| v[2 + 5 * 32] ^= 1);
    verify_names(
        &env,
        "the Merkle tree node at level 0, index 5 differs from the one the events give",
    );
    // A node removed from its chunk, bit and hash: leaf 42, the last.
    forge(
        &env,
        NodeId {
            level: 0,
            index: 42,
        },
        |v| {
            let bits = u16::from_be_bytes([v[0], v[1]]) & !(1 << 10);
            v[..2].copy_from_slice(&bits.to_be_bytes());
            v.truncate(v.len() - 32);
        },
    );
    verify_names(
        &env,
        "the Merkle tree node at level 0, index 42 is missing; it is the one the events give",
    );
    // A node at a higher level: level 2, index 3.
    forge(&env, NodeId { level: 2, index: 3 }, |v| {
        v[2 + 3 * 32 + 31] ^= 0x80
    });
    verify_names(
        &env,
        "the Merkle tree node at level 2, index 3 differs from the one the events give",
    );
    // A chunk that lost a hash but not its bit is no chunk: the first node
    // the events give in it is named.
    forge(
        &env,
        NodeId {
            level: 0,
            index: 20,
        },
        |v| v.truncate(v.len() - 32),
    );
    verify_names(
        &env,
        "the Merkle tree node at level 0, index 16 differs from the one the events give",
    );
    // A node the events do not give, put in a chunk's free slot.
    forge(
        &env,
        NodeId {
            level: 0,
            index: 47,
        },
        |v| {
            let bits = u16::from_be_bytes([v[0], v[1]]) | (1 << 15);
            v[..2].copy_from_slice(&bits.to_be_bytes());
            v.extend_from_slice(&[9; 32]);
        },
    );
    verify_names(&env, "83 Merkle tree nodes are stored, the events give 82");
    assert_eq!(proofs(&env), before);
}

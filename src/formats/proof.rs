//! Proof documents: the JSON an auditor receives with a signed checkpoint
//! and checks without kamerstand (schema/proofs.md, docs/verify_export.py).
//!
//! - An **inclusion proof** carries one event's canonical bytes, its
//!   position and the audit path to the root of a tree of `tree_size`
//!   events. Checked, it proves: this exact event is event `leaf_index` of
//!   the tree with that root. Its bytes also say their own seq, which must
//!   be `leaf_index`.
//! - A **consistency proof** carries two tree sizes, their roots and the
//!   path between them. Checked, it proves: the tree of `size2` events
//!   begins with the `size1` events of the first tree, unchanged.
//!
//! - An **item proof** carries every event about one item in a tree, each
//!   with its audit path. Checked, it proves: these events, about this
//!   item, are in the tree with that root; the first is the item's
//!   registration, which gives the key the proof names, and a correction's
//!   target is among them. It does not prove that the
//!   tree holds no *other* event about the item: the tree is ordered by
//!   seq, not by item, so absence has no short proof. An auditor who must
//!   know the complete history checks the whole export.
//!
//! None proves anything about *which* root is the real one: that is the
//! signed checkpoint's job. [`InclusionProof::check_against`] and
//! [`ConsistencyProof::check_against`] tie a proof to a verified
//! checkpoint's size and root.
//!
//! Hashes and bytes are lowercase hex, exactly; unknown keys are refused,
//! so a document means one thing.

use crate::domain::{EventBody, Invalid};
use crate::formats::note::Checkpoint;
use crate::ledger::codec;
use crate::ledger::merkle::{self, Hash, ProofError};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One proof document, told apart by its `"type"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ProofDoc {
    /// `"type": "inclusion"`.
    Inclusion(InclusionProof),
    /// `"type": "consistency"`.
    Consistency(ConsistencyProof),
    /// `"type": "item"`.
    Item(ItemProof),
}

/// One item's events in the tree of `tree_size` events, each with its
/// audit path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemProof {
    /// The item's key, exactly as its registration (the first event)
    /// gives it; [`ItemProof::verify`] holds it to that.
    pub key: String,
    /// The item's id (its registration's id), 32 lowercase hex digits.
    pub item: String,
    /// The round whose checkpoint the tree is: a label, which nothing in
    /// the tree or the note carries, so nothing checks it.
    pub round: String,
    /// The number of events in the tree.
    pub tree_size: u64,
    /// The tree's root.
    #[serde(with = "hex_hash")]
    pub root: Hash,
    /// The item's events, in seq order.
    pub events: Vec<ItemEvent>,
}

/// One event of an item proof.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemEvent {
    /// The event's position (its seq).
    pub leaf_index: u64,
    /// The event's canonical bytes.
    #[serde(with = "hex_bytes")]
    pub event_bytes: Vec<u8>,
    /// The audit path, leaf side first.
    #[serde(with = "hex_list")]
    pub path: Vec<Hash>,
}

/// An event's inclusion in the tree of `tree_size` events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InclusionProof {
    /// The number of events in the tree.
    pub tree_size: u64,
    /// The event's position (its seq).
    pub leaf_index: u64,
    /// The event's canonical bytes (the leaf data is
    /// `kamerstand/event/v1\n` followed by them).
    #[serde(with = "hex_bytes")]
    pub event_bytes: Vec<u8>,
    /// The audit path, leaf side first (RFC 9162 §2.1.3).
    #[serde(with = "hex_list")]
    pub path: Vec<Hash>,
    /// The root the path leads to.
    #[serde(with = "hex_hash")]
    pub root: Hash,
}

/// The tree of `size2` events extends the tree of `size1` events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsistencyProof {
    /// The older tree's size.
    pub size1: u64,
    /// The newer tree's size.
    pub size2: u64,
    /// The older tree's root.
    #[serde(with = "hex_hash")]
    pub root1: Hash,
    /// The newer tree's root.
    #[serde(with = "hex_hash")]
    pub root2: Hash,
    /// The consistency path (RFC 9162 §2.1.4); empty when the sizes are equal.
    #[serde(with = "hex_list")]
    pub path: Vec<Hash>,
}

/// Why a proof document does not prove what it says.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProofCheckError {
    /// The event bytes in an inclusion proof are not a readable event.
    #[error("the event in the proof cannot be read: {0}")]
    Event(String),
    /// The event's own seq is not the leaf index.
    #[error("the event in the proof is seq {seq}, but the proof places it at leaf {leaf_index}")]
    SeqMismatch {
        /// The seq in the event's bytes.
        seq: u64,
        /// The leaf index the proof claims.
        leaf_index: u64,
    },
    /// The hashes do not add up.
    #[error(transparent)]
    Proof(#[from] ProofError),
    /// An item proof breaks one of its rules (schema/proofs.md §4): it
    /// does not begin with its item's registration under its key, an event
    /// is about another item, comes twice or out of order, or corrects an
    /// event the proof does not hold. The text names the event and the
    /// rule.
    #[error("{0}")]
    NotTheItem(String),
    /// The proof is about another tree than the checkpoint.
    #[error(
        "the proof is for a tree of {proof_size} events with root {proof_root}; the checkpoint is for {checkpoint_size} events with root {checkpoint_root}"
    )]
    NotThisCheckpoint {
        /// The proof's tree size.
        proof_size: u64,
        /// The proof's root, hex.
        proof_root: String,
        /// The checkpoint's tree size.
        checkpoint_size: u64,
        /// The checkpoint's root, hex.
        checkpoint_root: String,
    },
}

impl ProofDoc {
    /// Parses a proof document; the message names the first problem.
    pub fn from_json(text: &str) -> Result<ProofDoc, Invalid> {
        serde_json::from_str(text).map_err(|e| {
            Invalid::new(
                "proof document",
                text,
                format!("a proof as schema/proofs.md describes ({e})"),
            )
        })
    }

    /// The document as pretty JSON with a final newline.
    pub fn to_json(&self) -> String {
        // Serializing plain fields, strings and numbers cannot fail.
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// Checks the proof's hashes (and, for inclusion, its event).
    pub fn verify(&self) -> Result<(), ProofCheckError> {
        match self {
            ProofDoc::Inclusion(p) => p.verify(),
            ProofDoc::Consistency(p) => p.verify(),
            ProofDoc::Item(p) => p.verify(),
        }
    }
}

impl ItemProof {
    /// Checks the bundle against its own labels and its tree
    /// (schema/proofs.md §4): the first event is the registration of the
    /// item `item` under the key `key`; every other event is about that
    /// item and is no second registration; a correction's target is an
    /// earlier event of the bundle, with the id the correction names; the
    /// events are listed once each, in ascending seq order, each at its
    /// own seq; and each path leads from its event to `root` in the tree of
    /// `tree_size` events. Whether that tree is the round's is for
    /// [`ItemProof::check_against`] and the signed checkpoint to say.
    pub fn verify(&self) -> Result<(), ProofCheckError> {
        let refuse = |what: String| Err(ProofCheckError::NotTheItem(what));
        if self.events.is_empty() {
            return refuse(
                "the item proof holds no event: it begins with the item's registration".into(),
            );
        }
        // (seq, id) of the events checked so far, in seq order.
        let mut held: Vec<(u64, crate::domain::EventId)> = Vec::new();
        for e in &self.events {
            let env = codec::decode(&e.event_bytes).map_err(ProofCheckError::Event)?;
            let seq = env.seq;
            if seq != e.leaf_index {
                return Err(ProofCheckError::SeqMismatch {
                    seq,
                    leaf_index: e.leaf_index,
                });
            }
            match held.last() {
                Some(&(last, _)) if last == seq => {
                    return refuse(format!(
                        "event {seq} is listed twice: an item proof lists each event once, in seq order"
                    ));
                }
                Some(&(last, _)) if last > seq => {
                    return refuse(format!(
                        "event {seq} comes after event {last}: an item proof lists its events once, in seq order"
                    ));
                }
                _ => {}
            }
            match (held.first(), &env.body) {
                (None, EventBody::ItemRegistered { key, .. }) => {
                    if env.id.hex() != self.item {
                        return refuse(format!(
                            "event {seq} registers item {}, but the proof is for item {}: an item proof begins with the registration of its item",
                            env.id.hex(),
                            self.item
                        ));
                    }
                    if key.as_str() != self.key {
                        return refuse(format!(
                            "event {seq} registers the item under key '{key}', but the proof names key '{}': the key is the one the registration gives (an item's key never changes)",
                            self.key
                        ));
                    }
                }
                (None, body) => {
                    return refuse(format!(
                        "event {seq} is a {} event, but an item proof begins with the item's registration (item_registered)",
                        body.kind_name()
                    ));
                }
                (Some(&(first, _)), body) => {
                    let about = body.item(env.id).map(|i| i.hex());
                    if about.as_deref() != Some(self.item.as_str()) {
                        return refuse(format!(
                            "event {seq} is about {}, not item {} (registered at event {first}): every event of an item proof is about its item",
                            about.map_or("no item".to_string(), |i| format!("item {i}")),
                            self.item
                        ));
                    }
                    if let EventBody::ItemRegistered { .. } = body {
                        return refuse(format!(
                            "event {seq} registers the item again, but the proof's item was registered at event {first}: only the first event of an item proof is a registration"
                        ));
                    }
                    if let EventBody::Corrected {
                        target_seq,
                        target_id,
                        ..
                    } = body
                    {
                        match held.iter().find(|(s, _)| s == target_seq) {
                            None => {
                                return refuse(format!(
                                    "event {seq} corrects event {target_seq}, which the proof does not hold: what a correction corrects is about the same item, so it belongs in the proof"
                                ));
                            }
                            Some((_, id)) if id != target_id => {
                                return refuse(format!(
                                    "event {seq} corrects event {target_seq} with id {}, but the proof's event {target_seq} has id {}",
                                    target_id.hex(),
                                    id.hex()
                                ));
                            }
                            Some(_) => {}
                        }
                    }
                }
            }
            merkle::verify_inclusion(
                &merkle::event_leaf_hash(&e.event_bytes),
                e.leaf_index,
                self.tree_size,
                &e.path,
                &self.root,
            )?;
            held.push((seq, env.id));
        }
        Ok(())
    }

    /// An error unless the proof is about the checkpoint's tree.
    pub fn check_against(&self, cp: &Checkpoint) -> Result<(), ProofCheckError> {
        same_tree(self.tree_size, &self.root, cp)
    }
}

impl InclusionProof {
    /// Checks that the event's seq is its leaf index and that the path
    /// leads from its leaf hash to the root.
    pub fn verify(&self) -> Result<(), ProofCheckError> {
        let env = codec::decode(&self.event_bytes).map_err(ProofCheckError::Event)?;
        if env.seq != self.leaf_index {
            return Err(ProofCheckError::SeqMismatch {
                seq: env.seq,
                leaf_index: self.leaf_index,
            });
        }
        merkle::verify_inclusion(
            &merkle::event_leaf_hash(&self.event_bytes),
            self.leaf_index,
            self.tree_size,
            &self.path,
            &self.root,
        )?;
        Ok(())
    }

    /// An error unless the proof is about the checkpoint's tree (same size
    /// and root).
    pub fn check_against(&self, cp: &Checkpoint) -> Result<(), ProofCheckError> {
        same_tree(self.tree_size, &self.root, cp)
    }
}

impl ConsistencyProof {
    /// Checks the path between the two roots.
    pub fn verify(&self) -> Result<(), ProofCheckError> {
        merkle::verify_consistency(self.size1, self.size2, &self.root1, &self.root2, &self.path)?;
        Ok(())
    }

    /// An error unless `older` is the first tree and `newer` the second.
    pub fn check_against(
        &self,
        older: &Checkpoint,
        newer: &Checkpoint,
    ) -> Result<(), ProofCheckError> {
        same_tree(self.size1, &self.root1, older)?;
        same_tree(self.size2, &self.root2, newer)
    }
}

fn same_tree(size: u64, root: &Hash, cp: &Checkpoint) -> Result<(), ProofCheckError> {
    if size == cp.size() && root == cp.root() {
        return Ok(());
    }
    Err(ProofCheckError::NotThisCheckpoint {
        proof_size: size,
        proof_root: crate::domain::ids::hex(root),
        checkpoint_size: cp.size(),
        checkpoint_root: crate::domain::ids::hex(cp.root()),
    })
}

/// Lowercase hex only: one value, one spelling.
fn strict_unhex(s: &str) -> Option<Vec<u8>> {
    if s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        crate::domain::ids::unhex(s)
    } else {
        None
    }
}

fn unhex_hash<E: serde::de::Error>(s: &str) -> Result<Hash, E> {
    strict_unhex(s)
        .and_then(|b| Hash::try_from(b.as_slice()).ok())
        .ok_or_else(|| E::custom(format!("{s:?} is not 64 lowercase hex digits")))
}

mod hex_hash {
    use super::*;

    pub fn serialize<S: Serializer>(h: &Hash, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&crate::domain::ids::hex(h))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Hash, D::Error> {
        unhex_hash(&String::deserialize(d)?)
    }
}

mod hex_list {
    use super::*;

    pub fn serialize<S: Serializer>(list: &[Hash], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(list.iter().map(|h| crate::domain::ids::hex(h)))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Hash>, D::Error> {
        Vec::<String>::deserialize(d)?
            .iter()
            .map(|s| unhex_hash(s))
            .collect()
    }
}

mod hex_bytes {
    use super::*;

    pub fn serialize<S: Serializer>(b: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&crate::domain::ids::hex(b))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let s = String::deserialize(d)?;
        strict_unhex(&s).ok_or_else(|| D::Error::custom("event_bytes is not lowercase hex"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::merkle::{Frontier, NodeId, consistency_proof, inclusion_proof};
    use std::collections::BTreeMap;
    use std::convert::Infallible;

    /// The events of the committed format-1 fixture, as canonical bytes.
    fn events() -> Vec<Vec<u8>> {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/format-v1/events.jsonl"
        );
        std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                crate::domain::ids::unhex(v["bytes"].as_str().unwrap()).unwrap()
            })
            .collect()
    }

    fn tree(events: &[Vec<u8>]) -> BTreeMap<NodeId, Hash> {
        let mut f = Frontier::new();
        let mut nodes = BTreeMap::new();
        for e in events {
            nodes.extend(f.push(merkle::event_leaf_hash(e)));
        }
        nodes
    }

    fn inclusion(events: &[Vec<u8>], index: u64, size: u64) -> InclusionProof {
        let nodes = tree(events);
        let get = |id| Ok::<_, Infallible>(nodes.get(&id).copied());
        InclusionProof {
            tree_size: size,
            leaf_index: index,
            event_bytes: events[usize::try_from(index).unwrap()].clone(),
            path: inclusion_proof(index, size, get).unwrap(),
            root: merkle::root(size, get).unwrap(),
        }
    }

    #[test]
    fn an_inclusion_proof_round_trips_and_verifies() {
        let events = events();
        let p = ProofDoc::Inclusion(inclusion(&events, 5, 16));
        let json = p.to_json();
        assert!(
            json.starts_with("{\n  \"type\": \"inclusion\",\n  \"tree_size\": 16,"),
            "{json}"
        );
        assert_eq!(ProofDoc::from_json(&json).unwrap(), p);
        p.verify().unwrap();
    }

    #[test]
    fn an_inclusion_proof_is_refused_for_an_altered_event_or_place() {
        let events = events();
        let good = inclusion(&events, 5, 16);
        for i in 0..good.event_bytes.len() {
            let mut p = good.clone();
            p.event_bytes[i] ^= 0x01;
            assert!(p.verify().is_err(), "event byte {i}");
        }
        for i in 0..good.path.len() {
            for byte in 0..32 {
                let mut p = good.clone();
                p.path[i][byte] ^= 0x80;
                assert!(p.verify().is_err());
            }
        }
        let mut p = good.clone();
        p.root[31] ^= 1;
        assert!(matches!(
            p.verify(),
            Err(ProofCheckError::Proof(ProofError::RootMismatch { .. }))
        ));
        // The event of seq 5 does not sit at leaf 4 or 6.
        for at in [4, 6] {
            let mut p = good.clone();
            p.leaf_index = at;
            let err = p.verify().unwrap_err();
            assert_eq!(
                err.to_string(),
                format!("the event in the proof is seq 5, but the proof places it at leaf {at}")
            );
        }
        // Another event's bytes in its place.
        let mut p = good.clone();
        p.event_bytes = events[6].clone();
        assert!(p.verify().is_err());
    }

    #[test]
    fn proofs_are_tied_to_a_checkpoint_by_size_and_root() {
        let events = events();
        let p = inclusion(&events, 3, 16);
        let cp = Checkpoint::new("kamerstand.example/nap", 16, p.root).unwrap();
        p.check_against(&cp).unwrap();
        let other = Checkpoint::new("kamerstand.example/nap", 17, p.root).unwrap();
        let err = p.check_against(&other).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("the proof is for a tree of 16 events"),
            "{err}"
        );

        let nodes = tree(&events);
        let get = |id| Ok::<_, Infallible>(nodes.get(&id).copied());
        let c = ConsistencyProof {
            size1: 6,
            size2: 16,
            root1: merkle::root(6, get).unwrap(),
            root2: merkle::root(16, get).unwrap(),
            path: consistency_proof(6, 16, get).unwrap(),
        };
        let doc = ProofDoc::Consistency(c.clone());
        assert_eq!(ProofDoc::from_json(&doc.to_json()).unwrap(), doc);
        doc.verify().unwrap();
        let older = Checkpoint::new("kamerstand.example/nap", 6, c.root1).unwrap();
        c.check_against(&older, &cp).unwrap();
        assert!(c.check_against(&cp, &older).is_err());
    }

    #[test]
    fn documents_are_read_strictly() {
        let events = events();
        let json = ProofDoc::Inclusion(inclusion(&events, 2, 3)).to_json();
        let root_hex = crate::domain::ids::hex(&inclusion(&events, 2, 3).root);
        let bad = [
            (
                json.replace("\"inclusion\"", "\"inclusions\""),
                "unknown variant",
            ),
            (json.replace("\"tree_size\"", "\"size\""), "unknown field"),
            (
                json.replace(&root_hex, &root_hex.to_uppercase()),
                "64 lowercase hex",
            ),
            (json.replace(&root_hex, &root_hex[..62]), "64 lowercase hex"),
            (
                json.replace("\"tree_size\": 3", "\"tree_size\": -3"),
                "invalid value",
            ),
            (
                json.replace("\"tree_size\": 3", "\"tree_size\": \"3\""),
                "invalid type",
            ),
            (json.replacen('{', "{\"extra\": 1, ", 1), "unknown field"),
        ];
        for (text, says) in bad {
            let err = ProofDoc::from_json(&text).unwrap_err().to_string();
            assert!(err.contains(says), "{err}");
        }
    }
}

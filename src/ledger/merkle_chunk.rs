//! How the store packs the Merkle tree's nodes ([`super::merkle`]): sixteen
//! consecutive nodes of one level share one store entry, a *chunk*, so that
//! a ledger of a million events keeps about 125,000 entries for its tree
//! instead of two million (sled's memory and its open grow with the number
//! of entries, not with their bytes: docs/performance.md, issue 12).
//!
//! A chunk is addressed by [`ChunkId`] `(level, number)`: it holds the
//! nodes `(level, number·16 + slot)` for slots 0 to 15. Its key has the
//! shape of a node's key (level byte ‖ number as u64 big-endian), so that a
//! byte-ordered store keeps each level's chunks in order. Its value
//! (docs/format.md) is a presence bitmap, u16 big-endian (bit `s` set: slot
//! `s` is stored), then the 32-byte hash of every present slot in slot
//! order: `2 + 32·k` bytes for `k` present slots. The tree only ever grows
//! at its right edge, so a stored chunk's present slots are in practice
//! always a prefix; the bitmap says so explicitly, so that a value that
//! lost a hash, or a node removed from a chunk, is told apart from a node
//! never written. This module does no I/O.

use super::merkle::{Hash, NodeId};
use std::collections::BTreeMap;
use std::fmt;

/// Nodes per chunk.
pub const SLOTS: u64 = 16;
/// The same, as a count of array slots.
const SLOT_COUNT: usize = 16;

/// The address of a chunk: the nodes `(level, number·16 ..
/// number·16 + 16)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ChunkId {
    /// The level of all its nodes.
    pub level: u8,
    /// Which run of sixteen nodes of that level, from the left.
    pub number: u64,
}

impl ChunkId {
    /// The chunk a node is kept in, and its slot there.
    pub fn of(node: NodeId) -> (ChunkId, usize) {
        let chunk = ChunkId {
            level: node.level,
            number: node.index / SLOTS,
        };
        // A value below 16 always fits.
        (chunk, usize::try_from(node.index % SLOTS).unwrap_or(0))
    }

    /// The node in `slot` of this chunk.
    pub fn node(self, slot: usize) -> NodeId {
        NodeId {
            level: self.level,
            index: self.number * SLOTS + slot as u64,
        }
    }

    /// The store key: level byte, then the number as 8 bytes big-endian.
    pub fn key(self) -> [u8; 9] {
        NodeId {
            level: self.level,
            index: self.number,
        }
        .key()
    }

    /// The chunk a [`ChunkId::key`] names, or None for bytes that are not
    /// one.
    pub fn from_key(key: &[u8]) -> Option<ChunkId> {
        NodeId::from_key(key).map(|n| ChunkId {
            level: n.level,
            number: n.index,
        })
    }
}

impl fmt::Display for ChunkId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "level {}, indexes {} to {}",
            self.level,
            self.number * SLOTS,
            self.number * SLOTS + SLOTS - 1
        )
    }
}

/// The nodes of one chunk.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Chunk {
    slots: [Option<Hash>; SLOT_COUNT],
}

/// A stored chunk value that is not one: its length does not match its
/// bitmap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "a Merkle tree chunk of {len} bytes with {present} nodes present (expected {expected} bytes)"
)]
pub struct BadChunk {
    /// The value's length.
    pub len: usize,
    /// The slots its bitmap names (0 when the value is too short for one).
    pub present: u32,
    /// The length that bitmap requires.
    pub expected: usize,
}

impl Chunk {
    /// A chunk with no node.
    pub fn new() -> Chunk {
        Chunk::default()
    }

    /// Reads a stored value.
    pub fn decode(value: &[u8]) -> Result<Chunk, BadChunk> {
        let bad = |present: u32| BadChunk {
            len: value.len(),
            present,
            expected: 2 + 32 * present as usize,
        };
        let (bitmap, mut rest) = match value {
            [a, b, rest @ ..] => (u16::from_be_bytes([*a, *b]), rest),
            _ => return Err(bad(0)),
        };
        if rest.len() != 32 * bitmap.count_ones() as usize {
            return Err(bad(bitmap.count_ones()));
        }
        let mut chunk = Chunk::new();
        for (slot, place) in chunk.slots.iter_mut().enumerate() {
            if bitmap & (1 << slot) != 0 {
                let (hash, tail) = rest.split_at(32);
                *place = Some(hash.try_into().map_err(|_| bad(bitmap.count_ones()))?);
                rest = tail;
            }
        }
        Ok(chunk)
    }

    /// One slot of a stored value, without reading the others.
    pub fn pick(value: &[u8], slot: usize) -> Result<Option<Hash>, BadChunk> {
        let bad = |present: u32| BadChunk {
            len: value.len(),
            present,
            expected: 2 + 32 * present as usize,
        };
        let (bitmap, rest) = match value {
            [a, b, rest @ ..] => (u16::from_be_bytes([*a, *b]), rest),
            _ => return Err(bad(0)),
        };
        if rest.len() != 32 * bitmap.count_ones() as usize {
            return Err(bad(bitmap.count_ones()));
        }
        if slot >= SLOT_COUNT || bitmap & (1 << slot) == 0 {
            return Ok(None);
        }
        let before = (bitmap & ((1u16 << slot) - 1)).count_ones() as usize;
        let hash = rest
            .get(32 * before..32 * before + 32)
            .and_then(|h| <Hash>::try_from(h).ok());
        Ok(hash)
    }

    /// The stored value: bitmap, then the present hashes in slot order.
    pub fn encode(&self) -> Vec<u8> {
        let mut bitmap = 0u16;
        let mut out = Vec::with_capacity(2 + 32 * self.len());
        out.extend_from_slice(&[0, 0]);
        for (slot, hash) in self.slots.iter().enumerate() {
            if let Some(h) = hash {
                bitmap |= 1 << slot;
                out.extend_from_slice(h);
            }
        }
        out[..2].copy_from_slice(&bitmap.to_be_bytes());
        out
    }

    /// The node in `slot`, if stored.
    pub fn get(&self, slot: usize) -> Option<Hash> {
        self.slots.get(slot).copied().flatten()
    }

    /// Stores the node in `slot` (a slot outside the chunk is ignored: the
    /// callers take slots from [`ChunkId::of`]).
    pub fn set(&mut self, slot: usize, hash: Hash) {
        if let Some(place) = self.slots.get_mut(slot) {
            *place = Some(hash);
        }
    }

    /// How many nodes it holds.
    pub fn len(&self) -> usize {
        self.slots.iter().flatten().count()
    }

    /// Whether it holds no node.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Its nodes, in slot order.
    pub fn nodes(&self) -> impl Iterator<Item = (usize, Hash)> + '_ {
        self.slots
            .iter()
            .enumerate()
            .filter_map(|(slot, h)| h.map(|h| (slot, h)))
    }
}

/// Nodes grouped by the chunk they belong in, chunks in key order (the
/// order a store writes fastest); within a chunk a later node for the same
/// slot wins.
pub fn group(nodes: &[(NodeId, Hash)]) -> BTreeMap<ChunkId, Vec<(usize, Hash)>> {
    let mut out: BTreeMap<ChunkId, Vec<(usize, Hash)>> = BTreeMap::new();
    for (id, hash) in nodes {
        let (chunk, slot) = ChunkId::of(*id);
        out.entry(chunk).or_default().push((slot, *hash));
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use crate::ledger::merkle::Frontier;

    fn h(n: u8) -> Hash {
        [n; 32]
    }

    #[test]
    fn slots_and_chunks_address_each_node_once() {
        for (level, index, number, slot) in [
            (0u8, 0u64, 0u64, 0usize),
            (0, 15, 0, 15),
            (0, 16, 1, 0),
            (3, 33, 2, 1),
            (20, u64::MAX, u64::MAX / 16, 15),
        ] {
            let node = NodeId { level, index };
            let (c, s) = ChunkId::of(node);
            assert_eq!((c.level, c.number, s), (level, number, slot), "{node}");
            assert_eq!(c.node(s), node);
        }
    }

    #[test]
    fn keys_sort_by_level_then_number_and_read_back() {
        let a = ChunkId {
            level: 0,
            number: 300,
        };
        let b = ChunkId {
            level: 1,
            number: 0,
        };
        assert!(a.key() < b.key());
        assert!(
            ChunkId {
                level: 0,
                number: 2
            }
            .key()
                < a.key()
        );
        assert_eq!(ChunkId::from_key(&a.key()), Some(a));
        assert_eq!(ChunkId::from_key(&a.key()[..8]), None);
        assert_eq!(a.to_string(), "level 0, indexes 4800 to 4815");
    }

    #[test]
    fn a_partial_chunk_round_trips_and_picks_its_slots() {
        let mut c = Chunk::new();
        assert!(c.is_empty());
        assert_eq!(c.encode(), vec![0, 0]);
        c.set(0, h(1));
        c.set(1, h(2));
        c.set(5, h(6));
        let v = c.encode();
        assert_eq!(v.len(), 2 + 3 * 32);
        assert_eq!(&v[..2], &[0b0000_0000, 0b0010_0011]);
        assert_eq!(Chunk::decode(&v).unwrap(), c);
        for slot in 0..16 {
            assert_eq!(Chunk::pick(&v, slot).unwrap(), c.get(slot), "slot {slot}");
        }
        assert_eq!(Chunk::pick(&v, 5).unwrap(), Some(h(6)));
        assert_eq!(Chunk::pick(&v, 2).unwrap(), None);
        assert_eq!(Chunk::pick(&v, 16).unwrap(), None);
        assert_eq!(c.nodes().map(|(s, _)| s).collect::<Vec<_>>(), [0, 1, 5]);
    }

    #[test]
    fn a_value_that_lost_or_gained_bytes_is_refused() {
        let mut c = Chunk::new();
        c.set(0, h(1));
        c.set(1, h(2));
        let v = c.encode();
        for bad in [&v[..v.len() - 32], &v[..v.len() - 1], &v[..1], &[][..]] {
            assert!(Chunk::decode(bad).is_err(), "{} bytes", bad.len());
            assert!(Chunk::pick(bad, 0).is_err(), "{} bytes", bad.len());
        }
        let mut longer = v.clone();
        longer.extend_from_slice(&h(3));
        assert_eq!(
            Chunk::decode(&longer).unwrap_err(),
            BadChunk {
                len: 98,
                present: 2,
                expected: 66
            }
        );
    }

    /// Every node a growing tree stores lands in a chunk and stays there
    /// while later appends rewrite that chunk.
    #[test]
    fn a_chunk_never_loses_a_node() {
        let mut frontier = Frontier::new();
        let mut stored: BTreeMap<ChunkId, Vec<u8>> = BTreeMap::new();
        let mut all = Vec::new();
        for n in 0..1000u32 {
            let leaf = crate::ledger::merkle::leaf_hash(&n.to_be_bytes());
            let nodes = frontier.push(leaf);
            for (chunk, slots) in group(&nodes) {
                let mut c = stored
                    .get(&chunk)
                    .map_or_else(Chunk::new, |v| Chunk::decode(v).unwrap());
                for (slot, hash) in slots {
                    c.set(slot, hash);
                }
                stored.insert(chunk, c.encode());
            }
            all.extend(nodes);
        }
        for (id, hash) in &all {
            let (chunk, slot) = ChunkId::of(*id);
            assert_eq!(
                Chunk::pick(&stored[&chunk], slot).unwrap(),
                Some(*hash),
                "{id}"
            );
        }
        let held: usize = stored
            .values()
            .map(|v| Chunk::decode(v).unwrap().len())
            .sum();
        assert_eq!(held, all.len());
        // 1000 leaves, 16 per chunk: 63 chunks at level 0.
        assert_eq!(stored.keys().filter(|c| c.level == 0).count(), 63);
    }

    #[test]
    fn grouping_keeps_key_order_and_the_last_write() {
        let nodes = [
            (NodeId { level: 1, index: 3 }, h(1)),
            (
                NodeId {
                    level: 0,
                    index: 17,
                },
                h(2),
            ),
            (NodeId { level: 0, index: 2 }, h(3)),
            (NodeId { level: 0, index: 2 }, h(4)),
        ];
        let g = group(&nodes);
        let keys: Vec<_> = g.keys().map(|c| (c.level, c.number)).collect();
        assert_eq!(keys, [(0, 0), (0, 1), (1, 0)]);
        let mut c = Chunk::new();
        for (slot, hash) in &g[&ChunkId {
            level: 0,
            number: 0,
        }] {
            c.set(*slot, *hash);
        }
        assert_eq!(c.get(2), Some(h(4)));
    }
}

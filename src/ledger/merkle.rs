//! The Merkle tree over the events, as certificate-transparency logs keep
//! one (RFC 6962, restated in RFC 9162 §2.1), next to the hash chain.
//!
//! What it proves, and to whom: the chain lets someone who holds *all* the
//! events check them; the tree lets someone who holds only a signed root
//! (a round's checkpoint, `formats::note`) check one event against it with
//! an *inclusion proof* of about log2(n) hashes, and check that a later
//! root extends an earlier one without rewriting it with a *consistency
//! proof*. Leaf `n` is event `n` (seq order); its data is exactly what the
//! chain hashes, `codec::HASH_TAG_V1 ‖ canonical bytes`.
//!
//! Hashing (RFC 9162 §2.1.1): leaf = SHA-256(0x00 ‖ data), interior node =
//! SHA-256(0x01 ‖ left ‖ right), the tree of n leaves split at the largest
//! power of two below n. The root of the empty tree is SHA-256 of nothing.
//!
//! Storage model: only the nodes of *complete* subtrees are kept, each
//! addressed by [`NodeId`] `(level, index)`: the node covering leaves
//! `index·2^level .. (index+1)·2^level`. Such a node never changes once
//! written, so an append-only store can keep it forever: [`append`] returns
//! exactly the nodes that one new leaf completes (the leaf itself and one
//! per trailing one-bit of its index). Every other hash — the root of any
//! size, the siblings in a proof — is a fold of O(log n) stored nodes, so
//! [`root`], [`inclusion_proof`] and [`consistency_proof`] read O(log n)
//! nodes through a caller's `get_node` closure (sled in the ledger; its
//! errors pass through as [`TreeError::Store`]). This module does no I/O.
//!
//! [`verify_inclusion`] and [`verify_consistency`] are the RFC 9162
//! §2.1.3.2 and §2.1.4.2 algorithms step by step; docs/verify_export.py
//! carries an independent copy for outsiders.

use super::codec::HASH_TAG_V1;
use sha2::{Digest, Sha256};
use std::fmt;

/// A SHA-256 hash in the tree.
pub type Hash = [u8; 32];

/// Domain-separation prefix of a leaf hash (RFC 9162 §2.1.1).
const LEAF_PREFIX: u8 = 0x00;
/// Domain-separation prefix of an interior node hash.
const NODE_PREFIX: u8 = 0x01;

/// The hash of a leaf with this data: SHA-256(0x00 ‖ data).
pub fn leaf_hash(data: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([LEAF_PREFIX]);
    h.update(data);
    h.finalize().into()
}

/// The leaf hash of an event from its canonical bytes: the leaf data is
/// `HASH_TAG_V1 ‖ bytes`, the same bytes the chain hash covers, so one
/// event has one meaning in both structures.
pub fn event_leaf_hash(canonical: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([LEAF_PREFIX]);
    h.update(HASH_TAG_V1);
    h.update(canonical);
    h.finalize().into()
}

/// The hash of an interior node: SHA-256(0x01 ‖ left ‖ right).
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([NODE_PREFIX]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// The root of the empty tree: SHA-256 of the empty string.
pub fn empty_root() -> Hash {
    Sha256::digest([]).into()
}

/// The address of a complete subtree's node: it covers the `2^level`
/// leaves from `index·2^level`. Level 0 nodes are the leaf hashes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId {
    /// Height above the leaves (0 = a leaf).
    pub level: u8,
    /// Position among the nodes of that level, from the left.
    pub index: u64,
}

impl NodeId {
    /// A store key: the level byte, then the index as 8 bytes big-endian,
    /// so that a byte-ordered store keeps each level's nodes in order.
    pub fn key(self) -> [u8; 9] {
        let mut k = [0u8; 9];
        k[0] = self.level;
        k[1..].copy_from_slice(&self.index.to_be_bytes());
        k
    }

    /// The node a [`NodeId::key`] names, or None for bytes that are not one.
    pub fn from_key(key: &[u8]) -> Option<NodeId> {
        let (&level, rest) = key.split_first()?;
        let index = u64::from_be_bytes(<[u8; 8]>::try_from(rest).ok()?);
        (level < 64).then_some(NodeId { level, index })
    }
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "level {}, index {}", self.level, self.index)
    }
}

/// Why a tree could not be read or a proof not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TreeError<E> {
    /// The caller's store failed.
    #[error("reading the Merkle tree failed: {0}")]
    Store(E),
    /// A node that a tree of this size must have is not stored: the derived
    /// tree is damaged or was never built.
    #[error(
        "the Merkle tree node at {node} is missing (a tree of {size} events needs it); run `kamerstand verify`"
    )]
    Missing {
        /// The absent node.
        node: NodeId,
        /// The tree size being read.
        size: u64,
    },
    /// The sizes or index asked for do not fit together.
    #[error("{0}")]
    OutOfRange(String),
}

impl From<TreeError<crate::Error>> for crate::Error {
    /// A store error stays what it was; a missing node is damage to the
    /// derived tree; a range outside the tree is a refused request.
    fn from(e: TreeError<crate::Error>) -> crate::Error {
        match e {
            TreeError::Store(e) => e,
            TreeError::Missing { .. } => crate::Error::Corrupt {
                seq: None,
                what: e.to_string(),
            },
            TreeError::OutOfRange(what) => crate::Refusal::OutsideTree { what }.into(),
        }
    }
}

/// A proof that does not prove what it claims: which check failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProofError {
    /// Inclusion: the index is not a leaf of a tree of that size.
    #[error("leaf index {index} is not in a tree of {size} leaves")]
    IndexOutOfRange {
        /// The claimed leaf index.
        index: u64,
        /// The claimed tree size.
        size: u64,
    },
    /// Consistency: the sizes are not 0 < size1 ≤ size2.
    #[error("a consistency proof needs 0 < size1 <= size2, not size1 {size1} and size2 {size2}")]
    Sizes {
        /// The older tree's size.
        size1: u64,
        /// The newer tree's size.
        size2: u64,
    },
    /// The path holds more hashes than the tree shape allows.
    #[error("the proof has more hashes than a tree of this size needs")]
    TooLong,
    /// The path holds fewer hashes than the tree shape needs.
    #[error("the proof has fewer hashes than a tree of this size needs")]
    TooShort,
    /// Consistency: an empty path for two different sizes.
    #[error("the consistency proof is empty, but the sizes differ")]
    Empty,
    /// Consistency between equal sizes: the roots differ, or a path was given.
    #[error(
        "both trees have {size} leaves, so the proof must be empty and the roots equal; they are not (two different trees of one size: a fork)"
    )]
    SameSizeDiffers {
        /// The common size.
        size: u64,
    },
    /// The path leads to another old root.
    #[error("the proof does not lead to the first root (it gives {computed})")]
    FirstRootMismatch {
        /// The root the path computes, hex.
        computed: String,
    },
    /// The path leads to another root.
    #[error("the proof does not lead to the root (it gives {computed})")]
    RootMismatch {
        /// The root the path computes, hex.
        computed: String,
    },
}

fn hex(h: &Hash) -> String {
    crate::domain::ids::hex(h)
}

/// The largest power of two strictly below `n` (n ≥ 2): the split point
/// `k` of RFC 9162 §2.1.1.
fn split(n: u64) -> u64 {
    debug_assert!(n >= 2);
    1u64 << (63 - (n - 1).leading_zeros())
}

/// Reads stored nodes for a tree of `size` leaves, turning an absent node
/// into [`TreeError::Missing`].
struct Reader<F> {
    get: F,
    size: u64,
}

impl<F, E> Reader<F>
where
    F: FnMut(NodeId) -> Result<Option<Hash>, E>,
{
    fn node(&mut self, node: NodeId) -> Result<Hash, TreeError<E>> {
        (self.get)(node)
            .map_err(TreeError::Store)?
            .ok_or(TreeError::Missing {
                node,
                size: self.size,
            })
    }

    /// MTH of leaves `start..end` (start < end). A range that is one
    /// complete, aligned subtree is one stored node; any other range the
    /// RFC's recursion meets is a complete left part and a shorter right
    /// part, so this reads one node per one-bit of the range's width.
    fn range(&mut self, start: u64, end: u64) -> Result<Hash, TreeError<E>> {
        let width = end - start;
        if width.is_power_of_two() && start.is_multiple_of(width) {
            let level = u8::try_from(width.trailing_zeros()).unwrap_or(u8::MAX);
            return self.node(NodeId {
                level,
                index: start >> width.trailing_zeros(),
            });
        }
        let k = split(width);
        let left = self.range(start, start + k)?;
        let right = self.range(start + k, end)?;
        Ok(node_hash(&left, &right))
    }

    /// RFC 9162 §2.1.3.1 PATH(m, D[start:end]), with `m` an absolute index.
    fn path(
        &mut self,
        m: u64,
        start: u64,
        end: u64,
        out: &mut Vec<Hash>,
    ) -> Result<(), TreeError<E>> {
        if end - start == 1 {
            return Ok(());
        }
        let k = split(end - start);
        if m < start + k {
            self.path(m, start, start + k, out)?;
            out.push(self.range(start + k, end)?);
        } else {
            self.path(m, start + k, end, out)?;
            out.push(self.range(start, start + k)?);
        }
        Ok(())
    }

    /// RFC 9162 §2.1.4.1 SUBPROOF(m, D[start:end], b), `m` counted from
    /// `start`.
    fn subproof(
        &mut self,
        m: u64,
        start: u64,
        end: u64,
        complete: bool,
        out: &mut Vec<Hash>,
    ) -> Result<(), TreeError<E>> {
        let n = end - start;
        if m == n {
            if !complete {
                out.push(self.range(start, end)?);
            }
            return Ok(());
        }
        let k = split(n);
        if m <= k {
            self.subproof(m, start, start + k, complete, out)?;
            out.push(self.range(start + k, end)?);
        } else {
            self.subproof(m - k, start + k, end, false, out)?;
            out.push(self.range(start, start + k)?);
        }
        Ok(())
    }
}

/// The nodes to store when leaf `size_before` (0-based, the next seq) with
/// hash `leaf` is appended to a tree of `size_before` leaves: the leaf's
/// own node and every complete subtree it closes, lowest level first.
/// Reads one stored node (a left sibling) per node it closes.
pub fn append<E>(
    size_before: u64,
    leaf: Hash,
    get_node: impl FnMut(NodeId) -> Result<Option<Hash>, E>,
) -> Result<Vec<(NodeId, Hash)>, TreeError<E>> {
    let mut r = Reader {
        get: get_node,
        size: size_before,
    };
    if size_before == u64::MAX {
        return Err(TreeError::OutOfRange("the tree is full".into()));
    }
    let mut out = Vec::with_capacity(1 + size_before.trailing_ones() as usize);
    let mut node = NodeId {
        level: 0,
        index: size_before,
    };
    let mut hash = leaf;
    out.push((node, hash));
    // A node with an odd index is a right child: its parent is complete now.
    while node.index & 1 == 1 {
        let left = r.node(NodeId {
            level: node.level,
            index: node.index - 1,
        })?;
        hash = node_hash(&left, &hash);
        node = NodeId {
            level: node.level + 1,
            index: node.index >> 1,
        };
        out.push((node, hash));
    }
    Ok(out)
}

/// As [`append`] for several leaves in a row (one batch of events): the
/// nodes written by earlier leaves of the batch are read from the result
/// being built, the others through `get_node`.
pub fn append_batch<E>(
    size_before: u64,
    leaves: &[Hash],
    mut get_node: impl FnMut(NodeId) -> Result<Option<Hash>, E>,
) -> Result<Vec<(NodeId, Hash)>, TreeError<E>> {
    let mut pending: std::collections::BTreeMap<NodeId, Hash> = Default::default();
    let mut out = Vec::new();
    for (size, leaf) in (size_before..).zip(leaves) {
        let new = append(size, *leaf, |id| match pending.get(&id) {
            Some(h) => Ok(Some(*h)),
            None => get_node(id),
        })?;
        for (id, h) in &new {
            pending.insert(*id, *h);
        }
        out.extend(new);
    }
    Ok(out)
}

/// The root of the tree of the first `size` leaves (size 0: the empty
/// root), from one stored node per one-bit of `size`.
pub fn root<E>(
    size: u64,
    get_node: impl FnMut(NodeId) -> Result<Option<Hash>, E>,
) -> Result<Hash, TreeError<E>> {
    if size == 0 {
        return Ok(empty_root());
    }
    Reader {
        get: get_node,
        size,
    }
    .range(0, size)
}

/// The audit path of leaf `index` in the tree of `size` leaves (RFC 9162
/// §2.1.3.1), leaf-side first, from O(log size) stored nodes.
pub fn inclusion_proof<E>(
    index: u64,
    size: u64,
    get_node: impl FnMut(NodeId) -> Result<Option<Hash>, E>,
) -> Result<Vec<Hash>, TreeError<E>> {
    if index >= size {
        return Err(TreeError::OutOfRange(format!(
            "leaf {index} is not in a tree of {size} leaves"
        )));
    }
    let mut out = Vec::new();
    Reader {
        get: get_node,
        size,
    }
    .path(index, 0, size, &mut out)?;
    Ok(out)
}

/// The consistency proof from the tree of `m` leaves to the tree of `n`
/// (RFC 9162 §2.1.4.1, 0 < m < n); empty when m = n. From O(log n)
/// stored nodes.
pub fn consistency_proof<E>(
    m: u64,
    n: u64,
    get_node: impl FnMut(NodeId) -> Result<Option<Hash>, E>,
) -> Result<Vec<Hash>, TreeError<E>> {
    if m == 0 || m > n {
        return Err(TreeError::OutOfRange(format!(
            "a consistency proof goes from a smaller to a larger non-empty tree, not from {m} to {n} leaves"
        )));
    }
    let mut out = Vec::new();
    if m < n {
        Reader {
            get: get_node,
            size: n,
        }
        .subproof(m, 0, n, true, &mut out)?;
    }
    Ok(out)
}

/// RFC 9162 §2.1.3.2: checks that `leaf` is leaf `index` of the tree of
/// `size` leaves whose root is `root`, given its audit path.
pub fn verify_inclusion(
    leaf: &Hash,
    index: u64,
    size: u64,
    path: &[Hash],
    root: &Hash,
) -> Result<(), ProofError> {
    // 1. The index must lie in the tree.
    if index >= size {
        return Err(ProofError::IndexOutOfRange { index, size });
    }
    // 2.-3.
    let (mut fnode, mut snode) = (index, size - 1);
    let mut r = *leaf;
    // 4.
    for p in path {
        // a.
        if snode == 0 {
            return Err(ProofError::TooLong);
        }
        // b.
        if fnode & 1 == 1 || fnode == snode {
            r = node_hash(p, &r);
            if fnode & 1 == 0 {
                while fnode & 1 == 0 && fnode != 0 {
                    fnode >>= 1;
                    snode >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        // c.
        fnode >>= 1;
        snode >>= 1;
    }
    // 5.
    if snode != 0 {
        return Err(ProofError::TooShort);
    }
    if r != *root {
        return Err(ProofError::RootMismatch { computed: hex(&r) });
    }
    Ok(())
}

/// RFC 9162 §2.1.4.2: checks that the tree of `size2` leaves with root
/// `root2` extends the tree of `size1` leaves with root `root1`. The RFC
/// defines proofs for 0 < size1 < size2; for size1 = size2 the proof must
/// be empty and the roots equal (nothing was appended).
pub fn verify_consistency(
    size1: u64,
    size2: u64,
    root1: &Hash,
    root2: &Hash,
    path: &[Hash],
) -> Result<(), ProofError> {
    if size1 == 0 || size1 > size2 {
        return Err(ProofError::Sizes { size1, size2 });
    }
    if size1 == size2 {
        if !path.is_empty() || root1 != root2 {
            return Err(ProofError::SameSizeDiffers { size: size1 });
        }
        return Ok(());
    }
    // 1.
    if path.is_empty() {
        return Err(ProofError::Empty);
    }
    // 2. A complete first tree is its own first node.
    let mut nodes: Vec<&Hash> = Vec::with_capacity(path.len() + 1);
    if size1.is_power_of_two() {
        nodes.push(root1);
    }
    nodes.extend(path);
    // 3.
    let (mut fnode, mut snode) = (size1 - 1, size2 - 1);
    // 4.
    while fnode & 1 == 1 {
        fnode >>= 1;
        snode >>= 1;
    }
    // 5.
    let (first, rest) = nodes.split_first().ok_or(ProofError::Empty)?;
    let (mut fr, mut sr) = (**first, **first);
    // 6.
    for c in rest {
        // a.
        if snode == 0 {
            return Err(ProofError::TooLong);
        }
        // b.
        if fnode & 1 == 1 || fnode == snode {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            if fnode & 1 == 0 {
                while fnode & 1 == 0 && fnode != 0 {
                    fnode >>= 1;
                    snode >>= 1;
                }
            }
        } else {
            sr = node_hash(&sr, c);
        }
        // c.
        fnode >>= 1;
        snode >>= 1;
    }
    // 7.
    if snode != 0 {
        return Err(ProofError::TooShort);
    }
    if fr != *root1 {
        return Err(ProofError::FirstRootMismatch { computed: hex(&fr) });
    }
    if sr != *root2 {
        return Err(ProofError::RootMismatch { computed: hex(&sr) });
    }
    Ok(())
}

/// The right edge of a tree held in memory: the roots of its complete
/// subtrees, largest first. Fed the leaves one by one it yields the same
/// nodes [`append`] does, without a store; `verify` uses it to rebuild the
/// tree from the events and compare it with the stored one.
#[derive(Debug, Clone, Default)]
pub struct Frontier {
    size: u64,
    /// (level, hash) of each complete subtree on the right edge, the
    /// highest level first; the levels are the one-bits of `size`.
    edge: Vec<(u8, Hash)>,
}

impl Frontier {
    /// The frontier of the empty tree.
    pub fn new() -> Frontier {
        Frontier::default()
    }

    /// The frontier of a stored tree of `size` leaves: one node read per
    /// one-bit of `size`.
    pub fn load<E>(
        size: u64,
        get_node: impl FnMut(NodeId) -> Result<Option<Hash>, E>,
    ) -> Result<Frontier, TreeError<E>> {
        let mut r = Reader {
            get: get_node,
            size,
        };
        let mut edge = Vec::new();
        let mut start = 0u64;
        for level in (0..64u8).rev() {
            if size & (1u64 << level) != 0 {
                let node = NodeId {
                    level,
                    index: start >> level,
                };
                edge.push((level, r.node(node)?));
                start += 1u64 << level;
            }
        }
        Ok(Frontier { size, edge })
    }

    /// The number of leaves.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Appends a leaf; returns the nodes it completes, as [`append`] does.
    pub fn push(&mut self, leaf: Hash) -> Vec<(NodeId, Hash)> {
        let mut node = NodeId {
            level: 0,
            index: self.size,
        };
        let mut hash = leaf;
        let mut out = vec![(node, hash)];
        while let Some(&(level, left)) = self.edge.last() {
            if level != node.level {
                break;
            }
            self.edge.pop();
            hash = node_hash(&left, &hash);
            node = NodeId {
                level: node.level + 1,
                index: node.index >> 1,
            };
            out.push((node, hash));
        }
        self.edge.push((node.level, hash));
        self.size += 1;
        out
    }

    /// The root of the tree so far.
    pub fn root(&self) -> Hash {
        let mut it = self.edge.iter().rev();
        let Some(&(_, mut acc)) = it.next() else {
            return empty_root();
        };
        for (_, left) in it {
            acc = node_hash(left, &acc);
        }
        acc
    }
}

#[cfg(test)]
mod tests {
    //! The stored-node algorithms against the RFC's recursive definitions
    //! over a plain list of leaves.
    // Test trees are small: their sizes fit any usize.
    #![allow(clippy::cast_possible_truncation)]
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;
    use std::convert::Infallible;

    /// RFC 9162 §2.1.1 MTH, recursively.
    fn mth(leaves: &[Hash]) -> Hash {
        match leaves.len() {
            0 => empty_root(),
            1 => leaves[0],
            n => {
                let k = split(n as u64) as usize;
                node_hash(&mth(&leaves[..k]), &mth(&leaves[k..]))
            }
        }
    }

    /// RFC 9162 §2.1.3.1 PATH, recursively.
    fn ref_path(m: usize, leaves: &[Hash]) -> Vec<Hash> {
        let n = leaves.len();
        if n <= 1 {
            return vec![];
        }
        let k = split(n as u64) as usize;
        if m < k {
            let mut p = ref_path(m, &leaves[..k]);
            p.push(mth(&leaves[k..]));
            p
        } else {
            let mut p = ref_path(m - k, &leaves[k..]);
            p.push(mth(&leaves[..k]));
            p
        }
    }

    /// RFC 9162 §2.1.4.1 SUBPROOF, recursively.
    fn ref_subproof(m: usize, leaves: &[Hash], b: bool) -> Vec<Hash> {
        let n = leaves.len();
        if m == n {
            return if b { vec![] } else { vec![mth(leaves)] };
        }
        let k = split(n as u64) as usize;
        if m <= k {
            let mut p = ref_subproof(m, &leaves[..k], b);
            p.push(mth(&leaves[k..]));
            p
        } else {
            let mut p = ref_subproof(m - k, &leaves[k..], false);
            p.push(mth(&leaves[..k]));
            p
        }
    }

    fn leaves(n: usize) -> Vec<Hash> {
        (0..n as u64).map(|i| leaf_hash(&i.to_le_bytes())).collect()
    }

    /// A store built by `append`, counting reads.
    #[derive(Default)]
    struct Store {
        nodes: BTreeMap<NodeId, Hash>,
        reads: u64,
    }

    impl Store {
        fn build(leaves: &[Hash]) -> Store {
            let mut s = Store::default();
            for (i, l) in leaves.iter().enumerate() {
                let new = append(i as u64, *l, s.get()).unwrap();
                s.nodes.extend(new);
            }
            s.reads = 0;
            s
        }

        fn get(&mut self) -> impl FnMut(NodeId) -> Result<Option<Hash>, Infallible> + '_ {
            |id| {
                self.reads += 1;
                Ok(self.nodes.get(&id).copied())
            }
        }
    }

    fn log2_ceil(n: u64) -> u64 {
        u64::from(64 - n.saturating_sub(1).leading_zeros())
    }

    fn check_size(all: &[Hash], store: &mut Store, n: usize) {
        let tree = &all[..n];
        let expected = mth(tree);
        store.reads = 0;
        assert_eq!(root(n as u64, store.get()).unwrap(), expected, "root {n}");
        assert!(store.reads <= 64, "root reads");
        let bound = 2 * log2_ceil(n as u64) + 2;
        for m in 0..n {
            store.reads = 0;
            let p = inclusion_proof(m as u64, n as u64, store.get()).unwrap();
            assert_eq!(p, ref_path(m, tree), "path {m} of {n}");
            assert!(
                store.reads <= bound,
                "{} reads for path {m} of {n}",
                store.reads
            );
            verify_inclusion(&tree[m], m as u64, n as u64, &p, &expected).unwrap();
        }
        for m in 1..=n {
            store.reads = 0;
            let p = consistency_proof(m as u64, n as u64, store.get()).unwrap();
            let want = if m == n {
                vec![]
            } else {
                ref_subproof(m, tree, true)
            };
            assert_eq!(p, want, "consistency {m} -> {n}");
            assert!(
                store.reads <= 2 * bound,
                "{} reads for {m} -> {n}",
                store.reads
            );
            verify_consistency(m as u64, n as u64, &mth(&all[..m]), &expected, &p).unwrap();
        }
    }

    #[test]
    fn stored_nodes_equal_the_recursive_definition_up_to_70() {
        let all = leaves(70);
        let mut store = Store::build(&all);
        for n in 1..=70 {
            check_size(&all, &mut store, n);
        }
    }

    #[test]
    fn append_stores_exactly_the_complete_subtrees() {
        let all = leaves(37);
        let store = Store::build(&all);
        // One node per complete aligned subtree: sum over levels of n >> level.
        let expected: u64 = (0..6).map(|l| 37u64 >> l).sum();
        assert_eq!(store.nodes.len() as u64, expected);
        for (id, h) in &store.nodes {
            let w = 1usize << id.level;
            let start = id.index as usize * w;
            assert_eq!(*h, mth(&all[start..start + w]), "node {id}");
        }
        // Appending leaf 7 (index 0b111) closes levels 1, 2 and 3.
        let mut s = Store::build(&all[..7]);
        let new = append(7, all[7], s.get()).unwrap();
        let ids: Vec<_> = new.iter().map(|(id, _)| (id.level, id.index)).collect();
        assert_eq!(ids, vec![(0, 7), (1, 3), (2, 1), (3, 0)]);
        assert_eq!(s.reads, 3);
    }

    #[test]
    fn batch_and_frontier_give_the_same_nodes() {
        let all = leaves(45);
        let one_by_one = Store::build(&all);
        let mut batched = Store::build(&all[..13]);
        let new = append_batch(13, &all[13..], batched.get()).unwrap();
        batched.nodes.extend(new);
        assert_eq!(batched.nodes, one_by_one.nodes);

        let mut f = Frontier::new();
        let mut nodes = BTreeMap::new();
        for (i, l) in all.iter().enumerate() {
            nodes.extend(f.push(*l));
            assert_eq!(f.root(), mth(&all[..=i]));
            let mut s = Store::build(&all[..=i]);
            let loaded = Frontier::load(i as u64 + 1, s.get()).unwrap();
            assert_eq!(loaded.root(), f.root());
        }
        assert_eq!(nodes, one_by_one.nodes);
        assert_eq!(Frontier::new().root(), empty_root());
    }

    #[test]
    fn missing_nodes_and_bad_ranges_are_errors() {
        let all = leaves(11);
        let mut store = Store::build(&all);
        store.nodes.remove(&NodeId { level: 1, index: 4 });
        let err = root(11, store.get()).unwrap_err();
        assert!(
            matches!(
                err,
                TreeError::Missing {
                    node: NodeId { level: 1, index: 4 },
                    size: 11
                }
            ),
            "{err}"
        );
        assert!(err.to_string().contains("level 1, index 4"));
        assert!(matches!(
            inclusion_proof(11, 11, store.get()),
            Err(TreeError::OutOfRange(_))
        ));
        assert!(matches!(
            consistency_proof(0, 5, store.get()),
            Err(TreeError::OutOfRange(_))
        ));
        assert!(matches!(
            consistency_proof(6, 5, store.get()),
            Err(TreeError::OutOfRange(_))
        ));
        let failing = |_| Err::<Option<Hash>, _>("disk on fire");
        assert!(matches!(
            root(3, failing),
            Err(TreeError::Store("disk on fire"))
        ));
        assert_eq!(root(0, failing).unwrap(), empty_root());
        let as_library: crate::Error = TreeError::<crate::Error>::Missing {
            node: NodeId { level: 1, index: 4 },
            size: 11,
        }
        .into();
        assert!(
            matches!(as_library, crate::Error::Corrupt { .. }),
            "{as_library}"
        );
    }

    #[test]
    fn node_keys_round_trip_and_sort_by_level_then_index() {
        let a = NodeId {
            level: 0,
            index: 300,
        };
        let b = NodeId { level: 1, index: 2 };
        assert!(a.key() < b.key());
        assert_eq!(NodeId::from_key(&b.key()), Some(b));
        assert_eq!(NodeId::from_key(&[1, 2, 3]), None);
        assert_eq!(NodeId::from_key(&[64, 0, 0, 0, 0, 0, 0, 0, 0]), None);
    }

    #[test]
    fn hashing_is_domain_separated() {
        // RFC 6962 §2.1: the empty tree's root, and a leaf vs a node.
        assert_eq!(
            hex(&empty_root()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        let mut data = vec![0x01];
        data.extend([7u8; 64]);
        assert_ne!(leaf_hash(&data[1..]), node_hash(&[7; 32], &[7; 32]));
        let mut tagged = HASH_TAG_V1.to_vec();
        tagged.extend(b"abc");
        assert_eq!(event_leaf_hash(b"abc"), leaf_hash(&tagged));
    }

    /// The roots that certificate-transparency implementations publish for
    /// their eight test leaves (sizes 1 to 8), a check against outside
    /// figures rather than against our own reading of the RFC.
    #[test]
    fn published_roots_of_the_ct_test_leaves() {
        let data = [
            "",
            "00",
            "10",
            "2021",
            "3031",
            "40414243",
            "5051525354555657",
            "606162636465666768696a6b6c6d6e6f",
        ];
        let roots = [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
            "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
            "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
        ];
        let leaves: Vec<Hash> = data
            .iter()
            .map(|d| leaf_hash(&crate::domain::ids::unhex(d).unwrap()))
            .collect();
        let mut store = Store::build(&leaves);
        for (n, want) in (1..=8u64).zip(roots) {
            assert_eq!(hex(&root(n, store.get()).unwrap()), want, "size {n}");
        }
    }

    /// Every single-bit change of a valid proof's inputs is refused.
    fn assert_every_flip_fails(tree: &[Hash], m: usize) {
        let n = tree.len() as u64;
        let root = mth(tree);
        let path = ref_path(m, tree);
        let idx = m as u64;
        for (i, bit) in (0..path.len()).flat_map(|i| (0..256).map(move |b| (i, b))) {
            let mut p = path.clone();
            p[i][bit / 8] ^= 1 << (bit % 8);
            assert!(verify_inclusion(&tree[m], idx, n, &p, &root).is_err());
        }
        for bit in 0..256 {
            let mut r = root;
            r[bit / 8] ^= 1 << (bit % 8);
            assert!(verify_inclusion(&tree[m], idx, n, &path, &r).is_err());
            let mut l = tree[m];
            l[bit / 8] ^= 1 << (bit % 8);
            assert!(verify_inclusion(&l, idx, n, &path, &root).is_err());
        }
        for other in 0..n + 2 {
            if other != idx {
                assert!(verify_inclusion(&tree[m], other, n, &path, &root).is_err());
            }
        }
        // A size the index is not in is refused. (Another size that gives
        // this leaf the same path shape proves the same thing about the same
        // root; the size that counts is the one the signed note carries.)
        for size in [0, idx] {
            assert!(verify_inclusion(&tree[m], idx, size, &path, &root).is_err());
        }
        if !path.is_empty() {
            let mut shorter = path.clone();
            shorter.pop();
            assert!(verify_inclusion(&tree[m], idx, n, &shorter, &root).is_err());
        }
        let mut longer = path.clone();
        longer.push([0; 32]);
        assert!(verify_inclusion(&tree[m], idx, n, &longer, &root).is_err());
    }

    #[test]
    fn every_altered_inclusion_proof_fails() {
        let all = leaves(21);
        for n in [1usize, 2, 3, 5, 8, 13, 21] {
            for m in 0..n {
                assert_every_flip_fails(&all[..n], m);
            }
        }
    }

    #[test]
    fn every_altered_consistency_proof_fails() {
        let all = leaves(21);
        for n in [2usize, 3, 4, 7, 8, 9, 16, 21] {
            let r2 = mth(&all[..n]);
            for m in 1..n {
                let r1 = mth(&all[..m]);
                let p = ref_subproof(m, &all[..n], true);
                let (m, n64) = (m as u64, n as u64);
                verify_consistency(m, n64, &r1, &r2, &p).unwrap();
                for i in 0..p.len() {
                    for bit in 0..256 {
                        let mut q = p.clone();
                        q[i][bit / 8] ^= 1 << (bit % 8);
                        assert!(verify_consistency(m, n64, &r1, &r2, &q).is_err());
                    }
                }
                for bit in 0..256 {
                    let mut a = r1;
                    a[bit / 8] ^= 1 << (bit % 8);
                    assert!(verify_consistency(m, n64, &a, &r2, &p).is_err());
                    let mut b = r2;
                    b[bit / 8] ^= 1 << (bit % 8);
                    assert!(verify_consistency(m, n64, &r1, &b, &p).is_err());
                }
                // Sizes out of order are refused. (Other sizes with the same
                // proof shape prove the same about the same roots; the sizes
                // that count are the ones the signed notes carry.)
                for (s1, s2) in [(0, n64), (n64 + 1, n64)] {
                    assert!(verify_consistency(s1, s2, &r1, &r2, &p).is_err());
                }
                let mut shorter = p.clone();
                shorter.pop();
                assert!(verify_consistency(m, n64, &r1, &r2, &shorter).is_err());
                let mut longer = p.clone();
                longer.push([0; 32]);
                assert!(verify_consistency(m, n64, &r1, &r2, &longer).is_err());
            }
        }
    }

    #[test]
    fn consistency_edge_cases_say_what_is_wrong() {
        let all = leaves(6);
        let r = mth(&all);
        assert_eq!(verify_consistency(6, 6, &r, &r, &[]), Ok(()));
        assert_eq!(
            verify_consistency(6, 6, &r, &mth(&all[..5]), &[]),
            Err(ProofError::SameSizeDiffers { size: 6 })
        );
        assert_eq!(
            verify_consistency(0, 6, &empty_root(), &r, &[]),
            Err(ProofError::Sizes { size1: 0, size2: 6 })
        );
        assert_eq!(
            verify_consistency(7, 6, &r, &r, &[]),
            Err(ProofError::Sizes { size1: 7, size2: 6 })
        );
        assert_eq!(
            verify_consistency(3, 6, &mth(&all[..3]), &r, &[]),
            Err(ProofError::Empty)
        );
        assert_eq!(
            verify_inclusion(&all[0], 6, 6, &[], &r),
            Err(ProofError::IndexOutOfRange { index: 6, size: 6 })
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        #[test]
        fn large_random_trees_match_the_definition(
            n in 71u64..2000,
            picks in proptest::collection::vec(any::<u64>(), 4),
        ) {
            let all = leaves(n as usize);
            let mut store = Store::build(&all);
            let expected = mth(&all);
            prop_assert_eq!(root(n, store.get()).unwrap(), expected);
            let bound = 2 * log2_ceil(n) + 2;
            for pick in picks {
                let m = pick % n;
                store.reads = 0;
                let p = inclusion_proof(m, n, store.get()).unwrap();
                prop_assert!(store.reads <= bound);
                prop_assert_eq!(&p, &ref_path(m as usize, &all));
                prop_assert!(verify_inclusion(&all[m as usize], m, n, &p, &expected).is_ok());
                let m1 = 1 + pick % n;
                store.reads = 0;
                let c = consistency_proof(m1, n, store.get()).unwrap();
                prop_assert!(store.reads <= 2 * bound);
                let want = if m1 == n { vec![] } else { ref_subproof(m1 as usize, &all, true) };
                prop_assert_eq!(&c, &want);
                prop_assert!(verify_consistency(m1, n, &mth(&all[..m1 as usize]), &expected, &c).is_ok());
            }
        }
    }
}

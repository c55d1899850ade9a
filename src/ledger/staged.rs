//! What a group of writes has staged and not yet written (the server's
//! writer, `app::writer`): each write of a group is decided against the
//! ones before it, so the store's reads must see them before they are in
//! sled; the whole group is then written in one transaction. The store
//! ([`super::store`]) keeps the staged entries here, one map per tree, and
//! merges them into every read of those trees. Entries are only ever
//! inserted: an append removes nothing. Nothing here touches sled.

use super::Head;
use crate::error::Result;
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::iter::Peekable;

/// A tree's staged entries, key to value (as the store would hold them).
pub(super) type Entries = BTreeMap<Vec<u8>, Vec<u8>>;

/// No entries: what a read merges when nothing is staged.
pub(super) static NONE: Entries = BTreeMap::new();

/// Everything a group has staged: the appends since the group's first,
/// tree by tree, and the marks they move.
#[derive(Debug)]
pub(super) struct Staged {
    /// The head sled holds: the one the group's first append was made on.
    pub base: Option<Head>,
    /// The head after the last staged append.
    pub head: Head,
    /// How many events the Merkle tree covers after it (None: the tree is
    /// not maintained, see `Ledger::stop_tree`).
    pub merkle: Option<u64>,
    /// `events`, `by_item`, the index's trees (in the order of
    /// `projection::index::Tree::ALL`) and the Merkle tree's chunks.
    pub events: Entries,
    pub by_item: Entries,
    pub ix: [Entries; 8],
    pub chunks: Entries,
}

impl Staged {
    /// Nothing staged yet on `base`; `head` is set by the first append.
    pub fn new(base: Option<Head>, head: Head) -> Staged {
        Staged {
            base,
            head,
            merkle: None,
            events: Entries::new(),
            by_item: Entries::new(),
            ix: Default::default(),
            chunks: Entries::new(),
        }
    }
}

/// The entries of a stored tree and of the same tree's staged ones, merged
/// in key order (`rev`: last first); a staged entry wins over a stored one
/// with the same key. An error of the stored side is passed on as it
/// comes.
pub(super) struct Merged<'a, I, J, K>
where
    I: Iterator<Item = Result<(K, K)>>,
    J: Iterator<Item = (&'a Vec<u8>, &'a Vec<u8>)>,
{
    stored: Peekable<I>,
    staged: Peekable<J>,
    rev: bool,
}

/// Merges `stored` and `staged` (see [`Merged`]).
pub(super) fn merged<'a, I, J, K>(stored: I, staged: J, rev: bool) -> Merged<'a, I, J, K>
where
    I: Iterator<Item = Result<(K, K)>>,
    J: Iterator<Item = (&'a Vec<u8>, &'a Vec<u8>)>,
{
    Merged {
        stored: stored.peekable(),
        staged: staged.peekable(),
        rev,
    }
}

/// Which side a merge takes next.
enum Next {
    Stored,
    Staged,
    /// The same key on both: the staged one, the stored one skipped.
    Both,
    Done,
}

impl<'a, I, J, K> Iterator for Merged<'a, I, J, K>
where
    I: Iterator<Item = Result<(K, K)>>,
    J: Iterator<Item = (&'a Vec<u8>, &'a Vec<u8>)>,
    K: AsRef<[u8]> + From<&'a [u8]>,
{
    type Item = Result<(K, K)>;

    fn next(&mut self) -> Option<Self::Item> {
        let next = match (self.stored.peek(), self.staged.peek()) {
            (None, None) => Next::Done,
            (Some(Err(_)), _) | (Some(Ok(_)), None) => Next::Stored,
            (None, Some(_)) => Next::Staged,
            (Some(Ok((a, _))), Some((b, _))) => {
                let order = a.as_ref().cmp(b.as_slice());
                match if self.rev { order.reverse() } else { order } {
                    Ordering::Less => Next::Stored,
                    Ordering::Greater => Next::Staged,
                    Ordering::Equal => Next::Both,
                }
            }
        };
        let staged = |s: &mut Peekable<J>| {
            s.next()
                .map(|(k, v)| Ok((K::from(k.as_slice()), K::from(v.as_slice()))))
        };
        match next {
            Next::Done => None,
            Next::Stored => self.stored.next(),
            Next::Staged => staged(&mut self.staged),
            Next::Both => {
                self.stored.next();
                staged(&mut self.staged)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&[u8], &[u8])]) -> Entries {
        pairs
            .iter()
            .map(|(k, v)| (k.to_vec(), v.to_vec()))
            .collect()
    }

    fn stored(pairs: &[(&[u8], &[u8])]) -> Vec<Result<(Vec<u8>, Vec<u8>)>> {
        pairs
            .iter()
            .map(|(k, v)| Ok((k.to_vec(), v.to_vec())))
            .collect()
    }

    type Pairs = Vec<(Vec<u8>, Vec<u8>)>;

    #[test]
    fn staged_entries_merge_in_key_order_and_win_over_stored_ones() {
        let s = stored(&[(b"a", b"1"), (b"c", b"old"), (b"e", b"5")]);
        let t = map(&[(b"b", b"2"), (b"c", b"new"), (b"f", b"6")]);
        let out: Pairs = merged(s.into_iter(), t.iter(), false)
            .collect::<Result<_>>()
            .unwrap();
        let keys: Vec<&[u8]> = out.iter().map(|(k, _)| k.as_slice()).collect();
        assert_eq!(keys, [b"a", b"b", b"c", b"e", b"f"]);
        assert_eq!(out[2].1, b"new");

        let s = stored(&[(b"e", b"5"), (b"c", b"old"), (b"a", b"1")]);
        let out: Pairs = merged(s.into_iter(), t.iter().rev(), true)
            .collect::<Result<_>>()
            .unwrap();
        let keys: Vec<&[u8]> = out.iter().map(|(k, _)| k.as_slice()).collect();
        assert_eq!(keys, [b"f", b"e", b"c", b"b", b"a"]);
        assert_eq!(out[2].1, b"new");
    }

    #[test]
    fn a_stored_error_is_passed_on() {
        let s: Vec<Result<(Vec<u8>, Vec<u8>)>> = vec![
            Ok((b"a".to_vec(), vec![])),
            Err(crate::error::Error::storage("reading", "broken")),
        ];
        let t = map(&[(b"b", b"")]);
        let out: Vec<_> = merged(s.into_iter(), t.iter(), false).collect();
        assert!(out[0].is_ok());
        assert!(out[1].is_err());
        assert!(out[2].is_ok());
    }
}

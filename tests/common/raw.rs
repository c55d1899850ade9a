//! Editing a store with sled directly, while no kamerstand ledger has it
//! open: what an editor, a careless script or a forger who knows the format
//! would do to it.
//!
//! Layout (docs/format.md): tree `events` maps seq (u64 BE) to
//! `hash[32] ‖ canonical bytes`; `by_item` holds an item's seqs in
//! entries keyed `item id[16] ‖ first seq BE`, the seqs after it (BE) as
//! the value (an entry of one seq, as the edits here write, has an empty
//! value);
//! `meta` holds `head` = `seq BE ‖ hash[32] ‖ recorded_at i64 BE`;
//! the index's trees are `ix_current`, `ix_versions`, `ix_facts`, `ix_keys`,
//! `ix_rounds`, `ix_registry` and `ix_frames`, with `meta` `index` naming
//! the head they were written up to (and `frames` marking that every sealed
//! round has its frame).

use super::TestEnv;
use kamerstand::domain::{EventBody, EventHash};
use kamerstand::ledger::{Envelope, codec, merkle};
use std::time::{Duration, Instant};

/// The store's trees, opened with sled directly.
pub struct Raw {
    db: sled::Db,
    pub events: sled::Tree,
    pub by_item: sled::Tree,
    pub meta: sled::Tree,
}

/// Opens the store with sled, lets `f` edit it, then flushes and closes
/// sled before anything else opens the store.
pub fn edit<R>(env: &TestEnv, f: impl FnOnce(&Raw) -> R) -> R {
    let raw = Raw::open(env);
    let r = f(&raw);
    raw.db.flush().unwrap();
    drop(raw);
    r
}

/// Makes at `env.store` what an events import killed halfway leaves: a
/// store marked as being imported into, holding `events` (hash and
/// canonical bytes, by seq) and no head.
pub fn interrupted_import(env: &TestEnv, events: &[(u64, Vec<u8>, Vec<u8>)]) {
    std::fs::create_dir_all(&env.store).unwrap();
    let db = sled::Config::new().path(&env.store).open().unwrap();
    let meta = db.open_tree("meta").unwrap();
    meta.insert("format", b"kamerstand-store-1".as_slice())
        .unwrap();
    meta.insert("restoring", b"".as_slice()).unwrap();
    let tree = db.open_tree("events").unwrap();
    for (seq, hash, bytes) in events {
        let mut v = hash.clone();
        v.extend_from_slice(bytes);
        tree.insert(seq.to_be_bytes(), v).unwrap();
    }
    db.flush().unwrap();
}

/// A value of a packed tree as the store keeps it (docs/format.md,
/// `values-packed`): tag 1, its length and a zstd frame.
pub fn pack(value: &[u8]) -> Vec<u8> {
    let frame = zstd::block::compress(value, 1).unwrap();
    let len = u32::try_from(value.len()).unwrap().to_be_bytes();
    [&[1u8][..], &len, &frame].concat()
}

/// The value a packed tree's stored value holds (tag 0: as it is; tag 1:
/// unpacked to its length).
pub fn unpack(stored: &[u8]) -> Vec<u8> {
    match stored[0] {
        0 => stored[1..].to_vec(),
        1 => {
            let len = u32::from_be_bytes(stored[1..5].try_into().unwrap()) as usize;
            let v = zstd::block::decompress(&stored[5..], len).unwrap();
            assert_eq!(v.len(), len);
            v
        }
        t => panic!("a packed value tagged {t}"),
    }
}

/// The bytes of a hex string (an id as the JSON output prints it).
pub fn hex_bytes(hex: &str) -> Vec<u8> {
    (0..hex.len() / 2)
        .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

/// The key of the item index entry for `seq` under the item whose id is
/// `item_hex` (32 hex digits, as the JSON output prints it).
pub fn index_key(item_hex: &str, seq: u64) -> Vec<u8> {
    let mut k: Vec<u8> = (0..16)
        .map(|i| u8::from_str_radix(&item_hex[2 * i..2 * i + 2], 16).unwrap())
        .collect();
    k.extend_from_slice(&seq.to_be_bytes());
    k
}

/// Opens the store at `path` with sled directly, compressed as `compress`
/// says, waiting while sled's lock is held: a just-closed ledger's lock can
/// outlive it for a moment, and a child process another test is starting
/// holds a copy of it between its fork and its exec. Any other outcome
/// (success or another error) is returned as sled gives it.
pub fn sled_open(path: &std::path::Path, compress: bool) -> sled::Result<sled::Db> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match sled::Config::new()
            .path(path)
            .use_compression(compress)
            .open()
        {
            Err(e)
                if e.to_string().contains("could not acquire lock")
                    && Instant::now() < deadline =>
            {
                std::thread::sleep(Duration::from_millis(5));
            }
            r => return r,
        }
    }
}

impl Raw {
    /// Opens the store, waiting for sled's lock (see [`sled_open`]).
    fn open(env: &TestEnv) -> Raw {
        let db = sled_open(&env.store, kamerstand::ledger::compressed(&env.store))
            .unwrap_or_else(|e| panic!("cannot open the store with sled: {e}"));
        Raw {
            events: db.open_tree("events").unwrap(),
            by_item: db.open_tree("by_item").unwrap(),
            meta: db.open_tree("meta").unwrap(),
            db,
        }
    }

    /// Any tree of the store, by name (the index's are `ix_current`,
    /// `ix_versions`, `ix_facts`, `ix_keys`, `ix_rounds`, `ix_registry`,
    /// `ix_frames`).
    pub fn tree(&self, name: &str) -> sled::Tree {
        self.db.open_tree(name).unwrap()
    }

    /// The names of the trees the store holds.
    pub fn tree_names(&self) -> Vec<sled::IVec> {
        self.db.tree_names()
    }

    // ---------------------------------------------------------- events

    /// The stored value at `seq`: hash and canonical bytes.
    pub fn event(&self, seq: u64) -> Vec<u8> {
        self.events
            .get(seq.to_be_bytes())
            .unwrap()
            .unwrap_or_else(|| panic!("no event at seq {seq}"))
            .to_vec()
    }

    /// Stores `value` at `seq` as it is.
    pub fn put_event(&self, seq: u64, value: &[u8]) {
        self.events.insert(seq.to_be_bytes(), value).unwrap();
    }

    /// Removes the event at `seq`, which must be there.
    pub fn remove_event(&self, seq: u64) {
        assert!(self.events.remove(seq.to_be_bytes()).unwrap().is_some());
    }

    /// XORs byte `at` of the stored value at `seq` with `mask`.
    pub fn flip(&self, seq: u64, at: usize, mask: u8) {
        let mut v = self.event(seq);
        v[at] ^= mask;
        self.put_event(seq, &v);
    }

    /// The seq of the last stored event.
    pub fn last_seq(&self) -> u64 {
        let (k, _) = self.events.last().unwrap().unwrap();
        u64::from_be_bytes(k.as_ref().try_into().unwrap())
    }

    /// The event at `seq`, decoded.
    pub fn envelope(&self, seq: u64) -> Envelope {
        codec::decode(&self.event(seq)[32..]).unwrap()
    }

    /// Stores `env` at its own seq with a freshly computed hash, as a
    /// forger who knows the format would.
    pub fn put(&self, env: &Envelope) -> EventHash {
        let bytes = codec::encode(env).unwrap();
        let hash = codec::hash(&bytes);
        let mut v = hash.0.to_vec();
        v.extend_from_slice(&bytes);
        self.put_event(env.seq, &v);
        hash
    }

    /// Re-stores the event at `seq` after `edit`, with a fresh hash.
    pub fn forge(&self, seq: u64, edit: impl FnOnce(&mut Envelope)) -> EventHash {
        let mut env = self.envelope(seq);
        edit(&mut env);
        self.put(&env)
    }

    /// Relinks every event from `from` on to the one before it, `prev`
    /// being the hash of the event at `from - 1` (a seal's head hash with
    /// it), and points the head at the last: the careful forger's finish
    /// but for the index, which then names the old hashes (the forger
    /// rebuilds it with `verify --rebuild-index`).
    pub fn relink_from(&self, from: u64, mut prev: EventHash) {
        let last = self.last_seq();
        let mut tree = self.tree_before(from);
        for seq in from..=last {
            prev = self.forge(seq, |e| {
                e.prev = prev;
                fill_seal(&mut e.body, seq, prev, &tree);
            });
            tree.push(merkle::event_leaf_hash(&self.event(seq)[32..]));
        }
        self.set_head_to(last);
    }

    /// The Merkle tree of the stored events before `seq`, as a forger
    /// recomputes it for the seals it rewrites.
    pub fn tree_before(&self, seq: u64) -> merkle::Frontier {
        let mut tree = merkle::Frontier::new();
        for s in 0..seq {
            tree.push(merkle::event_leaf_hash(&self.event(s)[32..]));
        }
        tree
    }

    /// Removes every event after `last` and their item index entries.
    pub fn truncate_after(&self, last: u64) {
        let gone: Vec<sled::IVec> = self
            .events
            .range((last + 1).to_be_bytes()..)
            .keys()
            .map(Result::unwrap)
            .collect();
        assert!(!gone.is_empty());
        for k in gone {
            self.events.remove(k).unwrap();
        }
        let items: Vec<Vec<u8>> = self
            .index_pairs()
            .into_iter()
            .filter(|(_, seq)| *seq > last)
            .map(|(item, _)| item)
            .collect();
        for item in items {
            self.rewrite_item(&item, |seqs| seqs.retain(|s| *s <= last));
        }
    }

    /// Cuts the chain after `last` (see [`Raw::truncate_after`]) and sets
    /// back with it everything a command checks when it opens the store:
    /// the head, the mark of the head the index was written up to, the
    /// Merkle tree's size. What else the cut events derived is left.
    pub fn cut_to(&self, last: u64) {
        self.truncate_after(last);
        self.set_head_to(last);
        self.meta.insert("index", self.head()).unwrap();
        self.meta
            .insert("merkle", &(last + 1).to_be_bytes()[..])
            .unwrap();
    }

    /// Every (item id, seq) the item index holds, in its order.
    pub fn index_pairs(&self) -> Vec<(Vec<u8>, u64)> {
        let mut out = Vec::new();
        for kv in self.by_item.iter() {
            let (k, v) = kv.unwrap();
            let item = k[..16].to_vec();
            out.push((
                item.clone(),
                u64::from_be_bytes(k[16..24].try_into().unwrap()),
            ));
            for c in v.chunks(8) {
                out.push((item.clone(), u64::from_be_bytes(c.try_into().unwrap())));
            }
        }
        out
    }

    /// Every version `ix_versions` holds, each under its own key (round,
    /// item, seq), in key order (see [`Raw::entries`]).
    pub fn versions(&self) -> Vec<(Vec<u8>, Vec<u8>)> {
        self.entries("ix_versions")
    }

    /// How many leading key bytes the entries of a group of index tree
    /// `name` share, when the store marks the tree as grouped: versions by
    /// round and item, facts by item and kind, frames by round.
    fn grouped(&self, name: &str) -> Option<usize> {
        let (mark, prefix) = match name {
            "ix_versions" => ("versions-grouped", 24),
            "ix_facts" => ("facts-grouped", 17),
            "ix_frames" => ("frames-grouped", 8),
            _ => return None,
        };
        self.meta.contains_key(mark).unwrap().then_some(prefix)
    }

    /// True if the store marks index tree `name`'s values as packed
    /// (`values-packed`: versions, frames and notes).
    pub fn packed(&self, name: &str) -> bool {
        matches!(name, "ix_versions" | "ix_frames" | "ix_notes")
            && self.meta.contains_key("values-packed").unwrap()
    }

    /// Every entry of index tree `name`, each under its own key, in key
    /// order: in a packed tree each stored value unpacked first (a tag
    /// byte, then for tag 0 the value, for tag 1 its length, 4 bytes BE,
    /// and a zstd frame); in a grouped tree an entry holds several, each
    /// as the rest of its key after the group's prefix, its length (4
    /// bytes BE) and its bytes.
    pub fn entries(&self, name: &str) -> Vec<(Vec<u8>, Vec<u8>)> {
        let grouped = self.grouped(name);
        let packed = self.packed(name);
        let mut out = Vec::new();
        for kv in self.tree(name).iter() {
            let (k, v) = kv.unwrap();
            let v = if packed { unpack(&v) } else { v.to_vec() };
            let Some(prefix) = grouped else {
                out.push((k.to_vec(), v.to_vec()));
                continue;
            };
            let tail = k.len() - prefix;
            let mut rest = &v[..];
            while !rest.is_empty() {
                let len = u32::from_be_bytes(rest[tail..tail + 4].try_into().unwrap()) as usize;
                let key = [&k[..prefix], &rest[..tail]].concat();
                out.push((key, rest[tail + 4..tail + 4 + len].to_vec()));
                rest = &rest[tail + 4 + len..];
            }
        }
        out
    }

    /// Writes index tree `name` anew as `entries`, each in an entry of its
    /// own (in a grouped tree, a group of one: a layout the ledger reads
    /// like its own), packed when the tree is.
    pub fn set_entries(&self, name: &str, entries: &[(Vec<u8>, Vec<u8>)]) {
        let grouped = self.grouped(name);
        let packed = self.packed(name);
        let t = self.tree(name);
        t.clear().unwrap();
        for (k, v) in entries {
            let value = match grouped {
                None => v.clone(),
                Some(prefix) => {
                    let len = u32::try_from(v.len()).unwrap().to_be_bytes();
                    [&k[prefix..], &len[..], v].concat()
                }
            };
            let value = if packed { pack(&value) } else { value };
            t.insert(k.as_slice(), value).unwrap();
        }
    }

    /// Puts the notes back among the other facts, as a version before
    /// kept them: each in an entry of its own in `ix_facts` (a group of one
    /// when the facts are grouped), `ix_notes` emptied, the mark that says
    /// they are apart removed.
    pub fn notes_among_facts(&self) {
        let mut facts = self.entries("ix_facts");
        facts.extend(self.entries("ix_notes"));
        facts.sort();
        self.set_entries("ix_facts", &facts);
        self.tree("ix_notes").clear().unwrap();
        self.meta.remove("notes-apart").unwrap();
    }

    /// Rewrites the item index entries of `item` (16 bytes) as `edit`
    /// leaves its seqs, one entry per seq (a layout the ledger reads like
    /// its own).
    fn rewrite_item(&self, item: &[u8], edit: impl FnOnce(&mut Vec<u64>)) {
        let mut seqs: Vec<u64> = self
            .index_pairs()
            .into_iter()
            .filter(|(i, _)| i == item)
            .map(|(_, s)| s)
            .collect();
        edit(&mut seqs);
        let keys: Vec<sled::IVec> = self
            .by_item
            .scan_prefix(item)
            .keys()
            .map(Result::unwrap)
            .collect();
        for k in keys {
            self.by_item.remove(k).unwrap();
        }
        for seq in seqs {
            let mut k = item.to_vec();
            k.extend_from_slice(&seq.to_be_bytes());
            self.by_item.insert(k, &[]).unwrap();
        }
    }

    // ------------------------------------------------------------ head

    /// The stored head value.
    pub fn head(&self) -> Vec<u8> {
        self.meta.get("head").unwrap().unwrap().to_vec()
    }

    /// Stores a head of `seq`, `hash` and `recorded_at` (Unix nanoseconds).
    pub fn set_head(&self, seq: u64, hash: &[u8], recorded_at: i64) {
        let mut v = Vec::with_capacity(48);
        v.extend_from_slice(&seq.to_be_bytes());
        v.extend_from_slice(hash);
        v.extend_from_slice(&recorded_at.to_be_bytes());
        self.meta.insert("head", v).unwrap();
    }

    /// Points the head at the event stored at `seq`.
    pub fn set_head_to(&self, seq: u64) {
        let hash = self.event(seq)[..32].to_vec();
        let at = self.envelope(seq).recorded_at.unix_nanos();
        self.set_head(seq, &hash, at);
    }

    /// Appends `bodies` after the head as a forger who knows the format
    /// would, bypassing every check the ledger makes (ids from `ids`, each
    /// recorded a minute after the one before), and drops the index mark
    /// so that the next command rebuilds the index from the events.
    pub fn plant(&self, actor: &str, bodies: Vec<EventBody>, ids: &mut dyn FnMut() -> [u8; 16]) {
        let head = self.head();
        let mut seq = u64::from_be_bytes(head[..8].try_into().unwrap());
        let mut prev = EventHash(head[8..40].try_into().unwrap());
        let mut at = i64::from_be_bytes(head[40..48].try_into().unwrap());
        let mut tree = self.tree_before(seq + 1);
        for mut body in bodies {
            seq += 1;
            at += 60_000_000_000;
            fill_seal(&mut body, seq, prev, &tree);
            let env = Envelope {
                format: kamerstand::ledger::FORMAT_VERSION,
                seq,
                id: kamerstand::domain::EventId(ids()),
                recorded_at: kamerstand::domain::Timestamp::from_unix_nanos(at),
                actor: actor.to_string(),
                prev,
                body,
            };
            prev = self.put(&env);
            tree.push(merkle::event_leaf_hash(&self.event(seq)[32..]));
            if let Some(item) = env.body.item(env.id) {
                let mut k = item.0.to_vec();
                k.extend_from_slice(&seq.to_be_bytes());
                self.by_item.insert(k, &[]).unwrap();
            }
        }
        self.set_head_to(seq);
        self.meta.remove("index").unwrap();
    }

    // ----------------------------------------------------------- index

    /// Adds an index entry for `seq` under the item `item_hex`.
    pub fn index_put(&self, item_hex: &str, seq: u64) {
        let item = &index_key(item_hex, 0)[..16];
        self.rewrite_item(item, |seqs| {
            seqs.push(seq);
            seqs.sort_unstable();
            seqs.dedup();
        });
    }

    /// Removes the index entry for `seq` under `item_hex`, which must be
    /// there.
    pub fn index_remove(&self, item_hex: &str, seq: u64) {
        let item = &index_key(item_hex, 0)[..16];
        self.rewrite_item(item, |seqs| {
            let at = seqs.iter().position(|s| *s == seq).unwrap();
            seqs.remove(at);
        });
    }

    /// Removes everything derived from the events (the index's trees and
    /// marks, the Merkle tree) as a careful forger who cut the chain short
    /// would: derived data that still names the cut events is a trace the
    /// ledger will not rebuild over.
    pub fn drop_derived(&self) {
        for name in self.tree_names() {
            if name.starts_with(b"ix_") || name.as_ref() == b"merkle_chunks" {
                self.db.open_tree(&name).unwrap().clear().unwrap();
            }
        }
        for mark in ["index", "merkle"] {
            self.meta.remove(mark).unwrap();
        }
    }

    /// Rebuilds the item index from the events, as a careful forger would.
    pub fn reindex(&self) {
        self.by_item.clear().unwrap();
        for seq in 0..=self.last_seq() {
            let env = self.envelope(seq);
            if let Some(item) = env.body.item(env.id) {
                let mut k = item.0.to_vec();
                k.extend_from_slice(&seq.to_be_bytes());
                self.by_item.insert(k, &[]).unwrap();
            }
        }
    }
}

/// Fills in what the ledger fills in for a seal at `seq`: the event before
/// it (`prev`) and, for a v2 seal, the tree of every event before it.
pub fn fill_seal(body: &mut EventBody, seq: u64, prev: EventHash, tree: &merkle::Frontier) {
    match body {
        EventBody::RoundSealed {
            head_seq,
            head_hash,
            ..
        } => {
            *head_seq = seq - 1;
            *head_hash = prev;
        }
        EventBody::RoundSealedV2 {
            head_seq,
            head_hash,
            tree_size,
            tree_root,
            ..
        } => {
            *head_seq = seq - 1;
            *head_hash = prev;
            *tree_size = tree.size();
            *tree_root = EventHash(tree.root());
        }
        _ => {}
    }
}

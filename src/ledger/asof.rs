//! Views as of an instant from a round's frame: the view at seq S is the
//! frame of the last round sealed at or before S (every item as the seal
//! left it), with each item written after that seal replaced by its version
//! after its last event at or before S. `ix_versions` is keyed round ‖ item
//! ‖ seq ([`index::version_key`]), so the versions since a seal are one
//! range of the index, read in key order, instead of a point read per item
//! spread over the whole store (docs/performance.md, "Views as of an
//! instant from a frame"). Also here: an item's version at S on its own
//! (the views that still read item by item), the one-time rewrite of an
//! older store's versions, and how `verify` compares them.

use super::Ledger;
use super::index::{EntryDigest, IndexDifference, WORKERS};
use crate::domain::EventId;
use crate::error::{Error, Result};
use crate::projection::ItemView;
use crate::projection::index::{
    self, FactKey, FactValue, ItemBuild, Payload, RoundEntry, Snapshot, Tree,
};
use crate::projection::view::NoteView;
use std::collections::{BTreeMap, BTreeSet};

fn corrupt(what: String) -> Error {
    Error::Corrupt { seq: None, what }
}

fn decoded<T: serde::de::DeserializeOwned>(t: Tree, bytes: &[u8]) -> Result<T> {
    index::decode(t, bytes).map_err(corrupt)
}

/// How many entries a cold point read costs against entries read in a
/// range: sled 0.34 reads a whole leaf (up to 16 entries) for either, and
/// the point path reads two per item (its version and its note).
const POINT_READ: u64 = 2 * 16;

impl Ledger {
    /// The seqs of the round seals, ascending (the keys of `ix_rounds`).
    pub fn seal_seqs(&self) -> Result<Vec<u64>> {
        self.store()
            .ix_scan(Tree::Rounds, &[])
            .map(|r| {
                let (k, _) = r?;
                <[u8; 8]>::try_from(k.as_ref())
                    .map(u64::from_be_bytes)
                    .map_err(|_| {
                        corrupt(format!("ix_rounds key of {} bytes cannot be read", k.len()))
                    })
            })
            .collect()
    }

    /// True if `ix_versions` is keyed by round (a store an earlier version
    /// wrote gets that once, at open).
    pub fn has_versions_by_round(&self) -> Result<bool> {
        self.store().has_versions_by_round()
    }

    /// Writes the versions of a store an earlier version wrote (keyed item ‖
    /// seq) again keyed by round, derived from the events by the same fold
    /// as the rest of the index ([`Ledger::build_index`]), once.
    /// `progress(items done, items)`.
    pub fn build_versions(&self, progress: &mut dyn FnMut(u64, u64)) -> Result<()> {
        self.store().begin_versions()?;
        self.expected_index(
            vec![0usize; WORKERS],
            &|written: &mut usize, build: ItemBuild| {
                let versions = build
                    .entries
                    .into_iter()
                    .filter(|((tree, _), _)| *tree == Tree::Versions);
                self.write_built(written, versions)
            },
            progress,
        )?;
        self.store().finish_versions()
    }

    /// Item `id`'s version after its last event at or before seq `s` (the
    /// note by reference), `seals` the seal seqs; None if it has no event
    /// by then. One read when the item changed since the last seal before
    /// `s`, else the item index says which event, and that version is read.
    pub(crate) fn version_at(
        &self,
        id: EventId,
        s: u64,
        seals: &[u64],
    ) -> Result<Option<Snapshot>> {
        if !self.has_versions_by_round()? {
            return Err(corrupt(
                "the index's versions are in an earlier layout; open the ledger with this version to convert them".into(),
            ));
        }
        let round = index::round_of(seals, s);
        let upper = index::version_key(round, id, s.saturating_add(1));
        let prefix = &upper[..24];
        if let Some((_, v)) = self.store().ix_last_below(Tree::Versions, prefix, &upper)? {
            return decoded(Tree::Versions, &v).map(Some);
        }
        let Some(t) = self.store().item_seq_at(id, s)? else {
            return Ok(None);
        };
        let key = index::version_key(index::round_of(seals, t), id, t);
        match self.store().ix_get(Tree::Versions, &key)? {
            Some(v) => decoded(Tree::Versions, &v).map(Some),
            None => Err(corrupt(format!(
                "the index holds no version of item {} after its event at seq {t}; run `kamerstand verify` for details",
                id.hex()
            ))),
        }
    }

    /// Every item as a view at seq `s` on the latest effective day shows
    /// it, from the frame of the last round sealed at or before `s` and the
    /// versions written since, when that reads fewer pages than a point
    /// read per item changed after `s` would (see [`POINT_READ`]); None
    /// when it would not, or the index has no frames (the caller reads item
    /// by item).
    pub fn items_as_of(&self, s: u64) -> Result<Option<Vec<ItemView>>> {
        // At the head every item is its latest snapshot.
        let Some(head) = self.head().filter(|h| h.seq > s) else {
            return Ok(None);
        };
        if !self.has_frames()? || !self.has_versions_by_round()? {
            return Ok(None);
        }
        let rounds = self.round_entries()?;
        let n = rounds.partition_point(|r| r.round.seq <= s);
        let (seal, next) = (
            n.checked_sub(1).and_then(|i| rounds.get(i)),
            rounds.get(n).map_or(head.seq, |r| r.round.seq),
        );
        let in_frame = seal.map_or(0, |r: &RoundEntry| {
            // Saturating: the counts are the index's, and a forged one
            // (which `verify` reports) must not overflow here.
            r.counts
                .iter()
                .fold(0u64, |sum, (_, c)| sum.saturating_add(*c as u64))
        });
        let from = seal.map_or(0, |r| r.round.seq);
        // The frame, the round's versions and at most the events since the
        // seal, against two pages per item changed since `s` (at most one
        // per event after it, at most every item).
        let ranges = in_frame
            .saturating_add(next.saturating_sub(from))
            .saturating_add(s.saturating_sub(from));
        let points = POINT_READ
            .saturating_mul((head.seq - s).min(in_frame.saturating_add(s.saturating_sub(from))));
        if ranges > points {
            return Ok(None);
        }
        self.items_from_frame(s)
    }

    /// Every item as a view at seq `s` on the latest effective day shows
    /// it, read from the frame of the last round sealed at or before `s`
    /// and the versions since (none before the first seal), in id order;
    /// None when the index has no frames or its versions are in an earlier
    /// layout. (Public so that the tests hold it to a replay at every seq.)
    pub fn items_from_frame(&self, s: u64) -> Result<Option<Vec<ItemView>>> {
        if !self.has_frames()? || !self.has_versions_by_round()? {
            return Ok(None);
        }
        let seals = self.seal_seqs()?;
        let from = match seals.partition_point(|x| *x <= s) {
            0 => 0,
            n => seals[n - 1],
        };
        // The frame on one side (itself on both cores), the versions and
        // the notes on this one.
        let (frame, versions) = std::thread::scope(|scope| {
            let frame = scope.spawn(|| {
                if from == 0 {
                    Ok(Some(Vec::new()))
                } else {
                    self.frame(from)
                }
            });
            let versions = self.versions_since(from, s);
            let frame = frame.join().unwrap_or_else(|_| {
                Err(corrupt(
                    "a thread reading a frame stopped unexpectedly".into(),
                ))
            });
            (frame, versions)
        });
        let Some(frame) = frame? else {
            return Ok(None);
        };
        let versions = versions?;
        let mut notes = self.notes_of(&frame, &versions, from)?;
        // Both are in id order: the frame's items, each replaced by its
        // version when it has one, and the items registered since.
        let mut out = Vec::with_capacity(frame.len().max(versions.len()));
        let mut frame = frame.into_iter().peekable();
        for snap in versions {
            let id = snap.item.id;
            while let Some(item) = frame.next_if(|i| i.id < id) {
                out.push(item);
            }
            frame.next_if(|i| i.id == id);
            let mut item = snap.item;
            item.note = match snap.note {
                // A note key names its item: each is taken once.
                Some(k) => Some(notes.remove(&k.to_bytes()).ok_or_else(|| {
                    corrupt(format!(
                        "the index's version of item {} at seq {} names a note that is not in the index",
                        id.hex(),
                        snap.source.seq
                    ))
                })?),
                None => None,
            };
            out.push(item);
        }
        out.extend(frame);
        Ok(Some(out))
    }

    /// Per item written after seal `from` and at or before `s`, its last
    /// version by then, in id order: one range of `ix_versions`.
    fn versions_since(&self, from: u64, s: u64) -> Result<Vec<Snapshot>> {
        let mut last: Vec<(EventId, sled::IVec)> = Vec::new();
        for r in self.store().ix_prefix(Tree::Versions, &from.to_be_bytes()) {
            let (k, v) = r?;
            let (_, id, seq) = index::version_key_parts(&k).ok_or_else(|| {
                corrupt(format!(
                    "ix_versions key of {} bytes cannot be read",
                    k.len()
                ))
            })?;
            if seq > s {
                continue;
            }
            // An item's versions are in seq order: the last one wins.
            match last.last_mut() {
                Some((other, value)) if *other == id => *value = v,
                _ => last.push((id, v)),
            }
        }
        last.into_iter()
            .map(|(_, v)| decoded::<Snapshot>(Tree::Versions, &v))
            .collect()
    }

    /// The note each of `versions` names, by its key: from the item's
    /// frame entry when that holds the same note (a note whose values were
    /// last given before the seal `from`), from the event that recorded it
    /// when that was after the seal and nothing corrected it since (one
    /// range of events), else from `ix_facts`.
    fn notes_of(
        &self,
        frame: &[ItemView],
        versions: &[Snapshot],
        from: u64,
    ) -> Result<BTreeMap<[u8; index::FACT_KEY_LEN], NoteView>> {
        let mut out = BTreeMap::new();
        let mut recorded: BTreeMap<u64, FactKey> = BTreeMap::new();
        let mut facts: BTreeSet<[u8; index::FACT_KEY_LEN]> = BTreeSet::new();
        for snap in versions {
            let Some(k) = snap.note else { continue };
            let framed = frame
                .binary_search_by(|i| i.id.cmp(&snap.item.id))
                .ok()
                .and_then(|i| frame[i].note.as_ref())
                .filter(|n| n.seq == k.root && k.version < from);
            if let Some(n) = framed {
                out.insert(k.to_bytes(), n.clone());
            } else if k.version > from && k.version == k.root {
                recorded.insert(k.version, k);
            } else {
                facts.insert(k.to_bytes());
            }
        }
        let mut note_of = |seq: u64, stored, bytes: &[u8], k: FactKey| -> Result<()> {
            let rec = super::checked(seq, stored, bytes)?;
            match rec.envelope.body {
                crate::domain::EventBody::ProgressNoted {
                    text,
                    citations,
                    effective,
                    ..
                } if effective == k.effective => {
                    out.insert(
                        k.to_bytes(),
                        NoteView {
                            seq,
                            effective,
                            recorded_at: rec.envelope.recorded_at,
                            actor: rec.envelope.actor,
                            text,
                            citations,
                        },
                    );
                }
                // Not what the index says it is: as the index has it.
                _ => {
                    facts.insert(k.to_bytes());
                }
            }
            Ok(())
        };
        if let (Some(&lo), Some(&hi)) = (recorded.keys().next(), recorded.keys().next_back()) {
            // A range when the notes are dense in it, else a read each.
            if (hi - lo) < POINT_READ * recorded.len() as u64 {
                for r in self.store().scan(lo) {
                    let (seq, hash, bytes) = r?;
                    if seq > hi {
                        break;
                    }
                    if let Some(k) = recorded.get(&seq) {
                        note_of(seq, hash, &bytes, *k)?;
                    }
                }
            } else {
                for (&seq, k) in &recorded {
                    if let Some((hash, bytes)) = self.store().get(seq)? {
                        note_of(seq, hash, &bytes, *k)?;
                    }
                }
            }
        }
        for k in facts {
            if let Some(v) = self.store().ix_get(Tree::Facts, &k)?
                && let Payload::Note(n) = decoded::<FactValue>(Tree::Facts, &v)?.payload
            {
                out.insert(k, n);
            }
        }
        Ok(out)
    }
}

/// The `ix_versions` entries one run of items gives (the run's items in id
/// order), as one running SHA-256 per round over its entries in key order
/// (each entry as its key's length, key, value's length and value), with
/// their count: what `verify` compares with the stored entries grouped the
/// same way, instead of a range per item (the versions of an item lie in
/// as many places as it has rounds). A digest over an ordered sequence, so
/// that entries chosen by a forger cannot be made to add up to the same.
#[derive(Default)]
pub(super) struct VersionDigests {
    /// The run's first item with versions.
    pub first: Option<EventId>,
    /// Per round (seal seq, 0 before the first).
    rounds: BTreeMap<u64, EntryDigest>,
}

impl VersionDigests {
    /// Adds an expected entry (an item's, in key order, the items in id
    /// order).
    pub fn push(&mut self, key: &[u8], value: &[u8]) {
        if let Some((round, id, _)) = index::version_key_parts(key) {
            self.first.get_or_insert(id);
            self.rounds.entry(round).or_default().push(key, value);
        }
    }
}

/// Compares the stored `ix_versions` with the digests the runs gave (in the
/// runs' order): the entries compared, or the first that differs (named
/// by a second fold when a digest differs).
pub(super) fn check_versions(
    ledger: &Ledger,
    runs: Vec<VersionDigests>,
) -> Result<(u64, Option<IndexDifference>)> {
    let mut bounds: Vec<EventId> = Vec::new();
    let mut want: BTreeMap<(u64, usize), (u64, [u8; 32])> = BTreeMap::new();
    for run in runs {
        let Some(first) = run.first else { continue };
        for (round, d) in run.rounds {
            want.insert((round, bounds.len()), d.finish());
        }
        bounds.push(first);
    }
    let mut have: BTreeMap<(u64, usize), EntryDigest> = BTreeMap::new();
    let mut readable = true;
    for r in ledger.store().ix_scan(Tree::Versions, &[]) {
        let (k, v) = r?;
        let Some((round, id, _)) = index::version_key_parts(&k) else {
            readable = false;
            break;
        };
        let run = bounds.partition_point(|b| *b <= id).saturating_sub(1);
        have.entry((round, run)).or_default().push(&k, &v);
    }
    let same = readable
        && have.len() == want.len()
        && have
            .into_iter()
            .zip(&want)
            .all(|((k, d), (wk, wd))| k == *wk && d.finish() == *wd);
    if same {
        Ok((want.values().map(|(n, _)| n).sum(), None))
    } else {
        Ok((
            0,
            Some(ledger.first_difference_in::<{ index::VERSION_KEY_LEN }>(Tree::Versions)?),
        ))
    }
}

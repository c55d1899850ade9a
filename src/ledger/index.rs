//! The index in the store: views read out of it, the index built from the
//! events (after a restore, or once for a store an earlier version wrote),
//! and checked against them by `verify`. The rules of what an event writes
//! and what a view reads are in [`crate::projection::index`]; the sled
//! trees are `super::store`'s.
//!
//! What reads trust: a view is read from the index alone, after the ledger
//! was opened (the stored head names the last event, whose hash and recorded
//! time match, and the index was written up to that same head). Whether the
//! index says what the events say is established by `verify`, which
//! rebuilds it from the events, and is checked before every round seal.

use super::asof::up_to;
pub use super::findings::IndexFinding;
use super::{Break, BreakKind, Head, Ledger, Recorded};
use crate::domain::{Day, EventBody, EventId};
use crate::error::{Error, Result};
use crate::projection::index::{
    self, Entry, FactKey, FactKind, FactValue, ItemBuild, Payload, Registered, RoundEntry,
    Snapshot, Standing, Tree,
};
use crate::projection::{ItemView, Round};
use std::collections::BTreeMap;
use std::ops::Bound::{Excluded, Included, Unbounded};

/// An index entry's key and value.
type KeyValue = (Vec<u8>, Vec<u8>);

/// A range of keys: from (included) and to (excluded), None unbounded.
type Gap = (Option<Vec<u8>>, Option<Vec<u8>>);

fn corrupt(what: String) -> Error {
    Error::Corrupt { seq: None, what }
}

fn decoded<T: serde::de::DeserializeOwned>(t: Tree, bytes: &[u8]) -> Result<T> {
    index::decode(t, bytes).map_err(corrupt)
}

impl Ledger {
    /// The head the index was written up to (None: not built yet).
    pub fn index_head(&self) -> Result<Option<Head>> {
        self.store().index_head()
    }

    /// Why a round seal refused further writes, if one did.
    pub fn seal_refused(&self) -> Result<Option<String>> {
        self.store().seal_refused()
    }

    /// Removes the checkpoint files an earlier version kept beside sled.
    pub fn remove_legacy_checkpoints(&self) -> Result<()> {
        self.store().remove_legacy_checkpoints()
    }

    /// Marks the index as being built (emptied; not read until built).
    pub fn begin_index(&self) -> Result<()> {
        self.store().begin_index()
    }

    /// Lifts a refusal a seal recorded (after the index was rebuilt from a
    /// chain that holds).
    pub fn clear_refusal(&self) -> Result<()> {
        self.store().clear_refusal()
    }

    /// Refuses further writes: a round seal found the ledger broken.
    pub fn refuse_writes(&self, what: &str) -> Result<()> {
        self.store().refuse_writes(what)
    }

    /// The sealed rounds, oldest first, with their status counts.
    pub fn round_entries(&self) -> Result<Vec<RoundEntry>> {
        self.store()
            .ix_scan(Tree::Rounds, &[])
            .map(|r| {
                let (_, v) = r?;
                decoded(Tree::Rounds, &v)
            })
            .collect()
    }

    /// The seq of the last sealed round's seal, 0 when none is: the round
    /// a write that seals none falls in, as the versions are keyed. One
    /// read, where [`Ledger::rounds`] reads every round.
    pub fn last_round_seq(&self) -> Result<u64> {
        match self.store().ix_last_below(Tree::Rounds, &[], &[0xff; 9])? {
            None => Ok(0),
            Some((_, v)) => {
                let entry: RoundEntry = decoded(Tree::Rounds, &v)?;
                Ok(entry.round.seq)
            }
        }
    }

    /// The sealed rounds, oldest first.
    pub fn rounds(&self) -> Result<Vec<Round>> {
        Ok(self.round_entries()?.into_iter().map(|r| r.round).collect())
    }

    /// The item id under a key, any case.
    pub fn item_by_key(&self, key: &str) -> Result<Option<EventId>> {
        let folded = key.trim().to_ascii_lowercase();
        match self.store().ix_get(Tree::Keys, folded.as_bytes())? {
            None => Ok(None),
            Some(v) => {
                let (id, _): (EventId, index::Source) = decoded(Tree::Keys, &v)?;
                Ok(Some(id))
            }
        }
    }

    /// Every key starting with `prefix` (folded), with its item, in key
    /// order.
    pub fn keys_with_prefix(&self, prefix: &str) -> Result<Vec<(String, EventId)>> {
        self.store()
            .ix_prefix(Tree::Keys, prefix.as_bytes())
            .map(|r| {
                let (k, v) = r?;
                let (id, _): (EventId, index::Source) = decoded(Tree::Keys, &v)?;
                Ok((String::from_utf8_lossy(&k).into_owned(), id))
            })
            .collect()
    }

    /// Every item's latest snapshot, in id order.
    pub fn current(&self) -> impl Iterator<Item = Result<Snapshot>> + '_ {
        self.store().ix_scan(Tree::Current, &[]).map(|r| {
            let (_, v) = r?;
            decoded(Tree::Current, &v)
        })
    }

    /// Every item's latest snapshot, in id order, as [`Ledger::current`]
    /// gives them, read and decoded in two halves by id, one on each core:
    /// what a view of the whole ledger starts from.
    pub fn currents(&self) -> Result<Vec<Snapshot>> {
        let Some(split) = self.middle_item()? else {
            // No item at all: only when the index of keys has none either.
            if self.store().ix_scan(Tree::Keys, &[]).next().is_some() {
                return Err(corrupt(
                    "the index of views (ix_current) holds no item, where the index of keys (ix_keys) has items; run `kamerstand verify` for details".into(),
                ));
            }
            return Ok(Vec::new());
        };
        let half = |lo: std::ops::Bound<&[u8]>, hi: std::ops::Bound<&[u8]>| {
            self.store()
                .ix_window(Tree::Current, lo, hi)
                .map(|r| {
                    let (_, v) = r?;
                    decoded::<Snapshot>(Tree::Current, &v)
                })
                .collect::<Result<Vec<_>>>()
        };
        let (upper, mut out) = self.halves(
            || half(Included(&split.0[..]), Unbounded),
            || half(Unbounded, Excluded(&split.0[..])),
        )?;
        out.extend(upper);
        Ok(out)
    }

    /// Every item's latest snapshot as stored (item id, value bytes), in id
    /// order: what a round seal copies into its frame.
    pub fn current_values(&self) -> impl Iterator<Item = Result<(EventId, Vec<u8>)>> + '_ {
        self.store().ix_scan(Tree::Current, &[]).map(|r| {
            let (k, v) = r?;
            let id = <[u8; 16]>::try_from(k.as_ref()).map_err(|_| {
                corrupt(format!(
                    "ix_current key of {} bytes cannot be read",
                    k.len()
                ))
            })?;
            Ok((EventId(id), v.to_vec()))
        })
    }

    /// True if the index holds a frame of every sealed round (a store an
    /// earlier version wrote gets them once, at open).
    pub fn has_frames(&self) -> Result<bool> {
        self.store().has_frames()
    }

    /// The frame of the round sealed at seq `seal`: every item as the round
    /// left it (on the latest effective day), in id order, read in one
    /// range of the index (its two halves on both cores); None when the
    /// index holds no frames (a store an earlier version wrote, not yet
    /// given them).
    pub fn frame(&self, seal: u64) -> Result<Option<Vec<ItemView>>> {
        if !self.has_frames()? {
            return Ok(None);
        }
        let lo = index::frame_key(seal, EventId([0; 16]));
        let hi = index::frame_key(seal, EventId([0xff; 16]));
        let half =
            |lo: std::ops::Bound<&[u8]>, hi: std::ops::Bound<&[u8]>| -> Result<Vec<ItemView>> {
                self.store()
                    .ix_window(Tree::Frames, lo, hi)
                    .map(|r| {
                        let (_, v) = r?;
                        decoded::<Snapshot>(Tree::Frames, &v).map(|s| s.item)
                    })
                    .collect()
            };
        let Some(middle) = self.middle_item()? else {
            let out = half(Included(&lo), Included(&hi))?;
            self.frame_held(seal, out.len())?;
            return Ok(Some(out));
        };
        let split = index::frame_key(seal, middle);
        let (b, mut out) = self.halves(
            || half(Included(&split), Included(&hi)),
            || half(Included(&lo), Excluded(&split)),
        )?;
        out.extend(b);
        self.frame_held(seal, out.len())?;
        Ok(Some(out))
    }

    /// Refuses, as damage, the frame of the round sealed at `seal` read
    /// with `items` items when it has none but the round's entry counts
    /// items in it (its frame was removed): a view of no items is not
    /// served for a round that had some.
    pub(super) fn frame_held(&self, seal: u64, items: usize) -> Result<()> {
        if items > 0 {
            return Ok(());
        }
        let Some(v) = self.store().ix_get(Tree::Rounds, &seal.to_be_bytes())? else {
            return Ok(());
        };
        let entry: RoundEntry = decoded(Tree::Rounds, &v)?;
        let counted = entry
            .counts
            .iter()
            .fold(0u64, |sum, (_, c)| sum.saturating_add(*c as u64));
        if counted > 0 {
            return Err(Error::Corrupt {
                seq: Some(seal),
                what: format!(
                    "the index holds no frame of round '{}' (ix_frames), whose entry counts {counted} items in it; run `kamerstand verify` for details",
                    entry.round.name
                ),
            });
        }
        Ok(())
    }

    /// The frames of two rounds (sealed at `a` and `b`), as [`Ledger::frame`]
    /// gives each: an item whose two values are the same bytes (it did not
    /// change in between; a value names the item's last event) is decoded
    /// once. None when the index holds no frames. The items are read in two
    /// halves by id, one on each core, each half reading both frames side
    /// by side and decoding as it reads.
    pub fn frame_pair(&self, a: u64, b: u64) -> Result<Option<(Vec<ItemView>, Vec<ItemView>)>> {
        if !self.has_frames()? {
            return Ok(None);
        }
        let (earlier, later) = match self.middle_item()? {
            None => self.pair_half(a, b, None, None)?,
            Some(middle) => {
                let ((earlier_hi, later_hi), (mut earlier, mut later)) = self.halves(
                    || self.pair_half(a, b, Some(middle), None),
                    || self.pair_half(a, b, None, Some(middle)),
                )?;
                earlier.extend(earlier_hi);
                later.extend(later_hi);
                (earlier, later)
            }
        };
        self.frame_held(a, earlier.len())?;
        self.frame_held(b, later.len())?;
        Ok(Some((earlier, later)))
    }

    /// The items with ids in [`lo`, `hi`) (unbounded where None) of the
    /// frames of the rounds sealed at `a` (earlier) and `b` (later), in id
    /// order, for [`Ledger::frame_pair`].
    fn pair_half(
        &self,
        a: u64,
        b: u64,
        lo: Option<EventId>,
        hi: Option<EventId>,
    ) -> Result<(Vec<ItemView>, Vec<ItemView>)> {
        let lo = lo.unwrap_or(EventId([0; 16]));
        let bounds = |seal| {
            (
                index::frame_key(seal, lo),
                index::frame_key(seal, hi.unwrap_or(EventId([0xff; 16]))),
            )
        };
        let ((a_lo, a_hi), (b_lo, b_hi)) = (bounds(a), bounds(b));
        let entry = |r: Result<(sled::IVec, sled::IVec)>| -> Result<(EventId, sled::IVec)> {
            let (k, v) = r?;
            let (_, id) = index::frame_key_parts(&k).ok_or_else(|| {
                corrupt(format!("ix_frames key of {} bytes cannot be read", k.len()))
            })?;
            Ok((id, v))
        };
        let item = |v: &sled::IVec| decoded::<Snapshot>(Tree::Frames, v).map(|s| s.item);
        let mut earlier_frame = self
            .store()
            .ix_window(
                Tree::Frames,
                Included(&a_lo[..]),
                up_to(&a_hi[..], hi.is_some()),
            )
            .map(entry)
            .peekable();
        let (mut earlier, mut later) = (Vec::new(), Vec::new());
        for r in self.store().ix_window(
            Tree::Frames,
            Included(&b_lo[..]),
            up_to(&b_hi[..], hi.is_some()),
        ) {
            let (id, value) = entry(r)?;
            let now = item(&value)?;
            // The earlier frame's items before this one (none, as items are
            // never removed, unless the index says otherwise), then this
            // one's, decoded only when it changed.
            while let Some(r) =
                earlier_frame.next_if(|r| r.as_ref().map_or(true, |(other, _)| *other <= id))
            {
                let (other, before) = r?;
                earlier.push(if other == id && before == value {
                    now.clone()
                } else {
                    item(&before)?
                });
            }
            later.push(now);
        }
        for r in earlier_frame {
            earlier.push(item(&r?.1)?);
        }
        Ok((earlier, later))
    }

    /// Takes entries an index build derived into `sink`, and writes what
    /// it holds once that is 4 MiB: the items' entries together, so that
    /// the frames of the items next to each other are grouped. Every 32
    /// MiB written sled is made to let them out of memory (it keeps what
    /// is written until it is flushed). [`Ledger::finish_built`] writes
    /// what is left.
    pub(super) fn write_built(
        &self,
        sink: &mut BuildSink,
        entries: impl IntoIterator<Item = ((Tree, Vec<u8>), Vec<u8>)>,
    ) -> Result<()> {
        const WRITE_BYTES: usize = 4 << 20;
        for ((tree, key), value) in entries {
            sink.held += key.len() + value.len();
            sink.entries.push(Entry { tree, key, value });
        }
        if sink.held >= WRITE_BYTES {
            self.write_held(sink)?;
        }
        Ok(())
    }

    /// Writes what `sink` holds.
    fn write_held(&self, sink: &mut BuildSink) -> Result<()> {
        const FLUSH_BYTES: usize = 32 << 20;
        self.store()
            .write_entries(std::mem::take(&mut sink.entries))?;
        sink.written += std::mem::take(&mut sink.held);
        if sink.written >= FLUSH_BYTES {
            sink.written = 0;
            self.store().flush_rows()?;
        }
        Ok(())
    }

    /// Writes what the sinks of a build hold, in their runs' order.
    pub(super) fn finish_built(&self, sinks: Vec<BuildSink>) -> Result<()> {
        for mut sink in sinks {
            self.write_held(&mut sink)?;
        }
        Ok(())
    }

    /// Gives a store an earlier version wrote (whose index has no frames) a
    /// frame of every sealed round, derived from the events by the same fold
    /// as the rest of the index ([`Ledger::build_index`]), once.
    /// `progress(items done, items)`.
    pub fn build_frames(&self, progress: &mut dyn FnMut(u64, u64)) -> Result<()> {
        self.store().begin_frames()?;
        // Without a sealed round there is no frame to build.
        if self.round_entries()?.is_empty() {
            return self.store().finish_frames();
        }
        let Expected { sinks, .. } = self.expected_index(
            BuildSink::each_worker(),
            &|sink: &mut BuildSink, build: ItemBuild| {
                let frames = build
                    .entries
                    .into_iter()
                    .filter(|((tree, _), _)| *tree == Tree::Frames);
                self.write_built(sink, frames)
            },
            progress,
        )?;
        self.finish_built(sinks)?;
        self.store().finish_frames()
    }

    /// One item's latest snapshot.
    pub fn current_of(&self, id: EventId) -> Result<Option<Snapshot>> {
        self.store()
            .ix_get(Tree::Current, &id.0)?
            .map(|v| decoded(Tree::Current, &v))
            .transpose()
    }

    /// Every item of `currents` (latest snapshots, in id order) as a view at
    /// seq `s` on `day` (latest when None) shows it, leaving out those
    /// registered after `s`. Items are read on both cores.
    pub fn items_at(
        &self,
        currents: Vec<Snapshot>,
        s: u64,
        day: Option<Day>,
    ) -> Result<Vec<ItemView>> {
        // Only items changed after `s`, or a view on a day, read more than
        // their latest snapshot.
        let reads = currents
            .iter()
            .filter(|c| day.is_some() || c.source.seq > s)
            .count();
        let seals = &self.seal_seqs()?;
        if reads < 256 {
            let mut out = Vec::with_capacity(currents.len());
            for c in currents {
                out.extend(self.item_at(c, s, day, seals)?);
            }
            return Ok(out);
        }
        let mut currents = currents;
        let half = currents.split_off(currents.len() / 2);
        let (b, mut out) = self.halves(
            move || {
                half.into_iter()
                    .filter_map(|c| self.item_at(c, s, day, seals).transpose())
                    .collect::<Result<Vec<_>>>()
            },
            || {
                currents
                    .into_iter()
                    .filter_map(|c| self.item_at(c, s, day, seals).transpose())
                    .collect::<Result<Vec<_>>>()
            },
        )?;
        out.extend(b);
        Ok(out)
    }

    /// The item as a view at seq `s` on `day` (latest when None) shows it,
    /// starting from its latest snapshot `current`; None if it was
    /// registered after `s`. `seals`: the round seals' seqs, ascending.
    pub fn item_at(
        &self,
        current: Snapshot,
        s: u64,
        day: Option<Day>,
        seals: &[u64],
    ) -> Result<Option<ItemView>> {
        let id = current.item.id;
        let snapshot = if current.source.seq <= s {
            current
        } else {
            let Some(mut snap) = self.version_at(id, s, seals)? else {
                return Ok(None);
            };
            if let Some(key) = snap.note {
                // The note the latest snapshot holds, when it is that one;
                // else the note's entry in `facts`.
                snap.item.note = if current.note == Some(key) {
                    current.item.note
                } else {
                    match self.store().ix_get(Tree::Notes, &key.to_bytes())? {
                        Some(v) => match decoded::<FactValue>(Tree::Notes, &v)?.payload {
                            Payload::Note(n) => Some(n),
                            _ => None,
                        },
                        None => {
                            return Err(corrupt(format!(
                                "the index's version of item {} at seq {} names a note that is not in the index",
                                id.hex(),
                                snap.source.seq
                            )));
                        }
                    }
                };
            }
            snap
        };
        let Some(d) = day else {
            return Ok(Some(snapshot.item));
        };
        // The snapshot's note is the latest in force at `s`: when it took
        // effect by `d` (or there is none), it is the one on `d` too, and
        // the notes are not read.
        let known_note = match &snapshot.item.note {
            None => Some(None),
            Some(n) if n.effective <= d => Some(Some(n.clone())),
            Some(_) => None,
        };
        let mut item = index::resolve(&snapshot, s, d, &mut |kind| match (kind, &known_note) {
            (FactKind::Note, Some(_)) => Ok(None),
            _ => self.fact_at(id, kind, d, s),
        })?;
        if let Some(note) = known_note {
            item.note = note;
        }
        Ok(Some(item))
    }

    /// The fact of `kind` about item `id` in force on `day` in a view at
    /// seq `s`: the last entry on or before that day that was open at `s`.
    /// A status "not stated" gives way to an earlier stated one (as
    /// [`crate::projection::ItemState::status_at`] has it).
    fn fact_at(&self, id: EventId, kind: FactKind, day: Day, s: u64) -> Result<Option<FactValue>> {
        Ok(self.fact_entry_at(id, kind, Some(day), s)?.map(|(_, f)| f))
    }

    /// As `fact_at`, with the fact's key; on any day when `day` is None.
    fn fact_entry_at(
        &self,
        id: EventId,
        kind: FactKind,
        day: Option<Day>,
        s: u64,
    ) -> Result<Option<(FactKey, FactValue)>> {
        let (lo, hi) = index::fact_range(id, kind, day);
        let tree = kind.tree();
        let keyed = |k: &[u8], f: FactValue| -> Result<(FactKey, FactValue)> {
            let key = FactKey::from_bytes(k).ok_or_else(|| {
                corrupt(format!(
                    "{} key of {} bytes cannot be read",
                    tree.name(),
                    k.len()
                ))
            })?;
            Ok((key, f))
        };
        let not_stated = |f: &FactValue| matches!(&f.payload, Payload::Status(st) if st == crate::domain::legend::NOT_STATED);
        // Mostly the last one is open and states something: one descent of
        // the tree.
        let Some((k, v)) = self.store().ix_last_below(tree, &lo[..17], &hi)? else {
            return Ok(None);
        };
        let mut unstated = None;
        let f: FactValue = decoded(tree, &v)?;
        if f.open_at(s) {
            if !not_stated(&f) {
                return keyed(&k, f).map(Some);
            }
            unstated = Some(keyed(&k, f)?);
        }
        for r in self.store().ix_range_rev(tree, &lo, &k) {
            let (key, v) = r?;
            if key == k {
                continue;
            }
            let f: FactValue = decoded(tree, &v)?;
            if !f.open_at(s) {
                continue;
            }
            if !not_stated(&f) {
                return keyed(&key, f).map(Some);
            }
            if unstated.is_none() {
                unstated = Some(keyed(&key, f)?);
            }
        }
        Ok(unstated)
    }

    /// What the index holds about item `current` before writes on it (see
    /// [`Standing`]): a few reads, whatever the length of the item's
    /// history. Its statuses (the latest, and the one in force on
    /// `status_day`) are read only for a status change dated that day, its
    /// assignments only for a change of responsible dated `parties_day`:
    /// a note or an amendment neither decides nor derives anything from
    /// them (left None).
    pub fn standing(
        &self,
        current: Snapshot,
        status_day: Option<Day>,
        parties_day: Option<Day>,
    ) -> Result<Standing> {
        let id = current.item.id;
        let head = self.head().map_or(0, |h| h.seq);
        let status = |(k, f): (FactKey, FactValue)| match f.payload {
            Payload::Status(s) => Some((k, s)),
            _ => None,
        };
        let parties = |(k, f): (FactKey, FactValue)| match f.payload {
            Payload::Responsible(p) => Some((k, p)),
            _ => None,
        };
        let mut standing = Standing {
            latest_status: None,
            latest_parties: None,
            status_on: None,
            parties_on: None,
            current,
        };
        if let Some(d) = status_day {
            standing.latest_status = self
                .fact_entry_at(id, FactKind::Status, None, head)?
                .and_then(status);
            standing.status_on = self
                .fact_entry_at(id, FactKind::Status, Some(d), head)?
                .and_then(status);
        }
        if let Some(d) = parties_day {
            standing.latest_parties = self
                .fact_entry_at(id, FactKind::Responsible, None, head)?
                .map(|(k, _)| k);
            standing.parties_on = self
                .fact_entry_at(id, FactKind::Responsible, Some(d), head)?
                .and_then(parties);
        }
        Ok(standing)
    }

    /// The highest seq after the chain's head that the data derived from
    /// the events names, if any: the Merkle tree's size, the mark of the
    /// head the index was written up to, the event of an item's latest
    /// snapshot, a round's seal. Each is written in the transaction of the
    /// event it derives from, so one that names an event the chain does not
    /// have is a trace of events cut off the end of the chain (or of forged
    /// derived data): `verify` reports it and does not rebuild the index
    /// over it, and neither does an open. Events cut off together with all
    /// they derived leave no such trace: only a published digest tells
    /// then (`verify --digest`).
    ///
    /// With `hashes` (when the index was found to differ from the events),
    /// also an item's latest snapshot or a round's seal that names an event
    /// at or before the head by a hash the chain's event there does not
    /// have (the lowest such seq, when none lies after the head): events
    /// cut off the end and others recorded in their place leave that trace
    /// once the new ones reach the seqs the old ones had.
    pub fn index_after_head(&self, hashes: bool) -> Result<Option<Trace>> {
        let head = self.head().map(|h| h.seq);
        let mut named: Option<Trace> = None;
        let mut other: Option<Trace> = None;
        let mut note = |seq: u64, tree: &'static str| {
            if head.is_none_or(|h| seq > h) && named.is_none_or(|n| seq > n.seq) {
                named = Some(Trace {
                    seq,
                    tree,
                    rewritten: false,
                });
            }
        };
        let mut check = |source: index::Source, tree: &'static str| -> Result<()> {
            if hashes
                && head.is_some_and(|h| source.seq <= h)
                && other.is_none_or(|o| source.seq < o.seq)
                && self.store().get(source.seq)?.map(|(h, _)| h) != Some(source.hash)
            {
                other = Some(Trace {
                    seq: source.seq,
                    tree,
                    rewritten: true,
                });
            }
            Ok(())
        };
        if let Some(size) = self.store().merkle_size()?.filter(|n| *n > 0) {
            note(size - 1, "merkle");
        }
        if let Some(h) = self.index_head()? {
            note(h.seq, "meta");
        }
        for r in self.store().ix_scan(Tree::Current, &[]) {
            let (_, v) = r?;
            // One that cannot be read is `verify`'s to report.
            if let Ok(snap) = index::decode::<Snapshot>(Tree::Current, &v) {
                note(snap.source.seq, Tree::Current.name());
                check(snap.source, Tree::Current.name())?;
            }
        }
        for r in self.store().ix_scan(Tree::Rounds, &[]) {
            let (k, v) = r?;
            if let Ok(seal) = <[u8; 8]>::try_from(k.as_ref()) {
                note(u64::from_be_bytes(seal), Tree::Rounds.name());
            }
            if let Ok(entry) = index::decode::<RoundEntry>(Tree::Rounds, &v) {
                check(entry.source, Tree::Rounds.name())?;
            }
        }
        Ok(named.or(other))
    }

    /// Refuses, as damage, an item whose latest snapshot the chain does not
    /// bear out, before a write goes on from it (and its own entries take
    /// the place of what was found): the snapshot names a seq after the
    /// head (events cut off the end of the chain), the item index's last
    /// event of the item is not the one the snapshot names, or the chain's
    /// event there is another (by its hash) or no longer linked into the
    /// chain (see [`Ledger::get_linked`]). When the item's events number no
    /// more than `budget`, every one is read so too (hash-checked, linked,
    /// about the item), as the fold of a status change reads them, every
    /// fact and note of the item in the index must name one of them, and
    /// what they give (folded under `legend`: its snapshot, its key, its
    /// facts and notes) must be what the index holds of the item, byte for
    /// byte, and keep the rules of recording; their number is taken from
    /// `budget`: what a write may read of the histories of the items it
    /// touches. `alone`: the write touches this item only, and may read a
    /// long history in parts at once ([`Ledger::history_at`]); a batch
    /// over many items reads each on this thread, since threads started
    /// item after item leave a heap each behind them (an annex of every
    /// item of L peaked 36 MB higher).
    pub fn item_in_chain(
        &self,
        snap: &Snapshot,
        legend: &crate::domain::Legend,
        budget: &mut u64,
        alone: bool,
    ) -> Result<()> {
        let source = snap.source;
        let item = || format!("item {} ({})", snap.item.key, snap.item.id.hex());
        let head = self.head().map(|h| h.seq);
        if head.is_none_or(|h| source.seq > h) {
            return Err(Error::Corrupt {
                seq: Some(source.seq),
                what: format!(
                    "the index's latest snapshot of {} names seq {}, after the chain's last event ({}): events may have been cut off the end of the chain, and nothing is written over that trace. Check the head against a published round digest (`kamerstand verify --digest DIGEST`); `kamerstand verify` says more",
                    item(),
                    source.seq,
                    head.map_or("there is none".into(), |h| format!("seq {h}"))
                ),
            });
        }
        let last = match self.get_linked(source.seq)? {
            Some(rec) if rec.hash == source.hash => rec,
            found => {
                return Err(Error::Corrupt {
                    seq: Some(source.seq),
                    what: format!(
                        "the index's latest snapshot of {} names seq {} with hash {}, but the chain's event there {}: events may have been cut off the end of the chain and others recorded in their place, and nothing is written over that trace. Check the chain against a published round digest (`kamerstand verify --digest DIGEST`); `kamerstand verify` says more",
                        item(),
                        source.seq,
                        source.hash.short(),
                        found.map_or("is missing".to_string(), |r| format!(
                            "has hash {}",
                            r.hash.short()
                        ))
                    ),
                });
            }
        };
        let seqs = self.item_seqs(snap.item.id)?;
        if seqs.last() != Some(&source.seq) {
            return Err(Error::Corrupt {
                seq: Some(source.seq),
                what: format!(
                    "the item index lists {} as the last event of {}, where the index's latest snapshot of it names seq {}; run `kamerstand verify` for details",
                    seqs.last()
                        .map_or("no event".to_string(), |s| format!("seq {s}")),
                    item(),
                    source.seq
                ),
            });
        }
        let events = seqs.len() as u64;
        if events <= *budget {
            *budget -= events;
            // Every fact and note of the item names one of its events: a
            // fact of an event cut off the chain is a trace a write on the
            // item would take the place of.
            let known: std::collections::BTreeSet<u64> = seqs.iter().copied().collect();
            let mut facts = Vec::new();
            for tree in [Tree::Facts, Tree::Notes] {
                for r in self.store().ix_prefix(tree, &snap.item.id.0) {
                    let (k, v) = r?;
                    if let Some(key) = FactKey::from_bytes(&k)
                        && !known.contains(&key.version)
                    {
                        return Err(Error::Corrupt {
                            seq: Some(key.version),
                            what: format!(
                                "the index holds a fact of {} from seq {} ({}), which is not one of the item's events{}: a trace of events cut off the end of the chain, or a forged entry, and nothing is written over it; `kamerstand verify` says more",
                                item(),
                                key.version,
                                tree.name(),
                                head.filter(|h| key.version > *h)
                                    .map_or(String::new(), |h| format!(
                                        " (the chain's last is seq {h})"
                                    ))
                            ),
                        });
                    }
                    facts.push((tree, k, v));
                }
            }
            // Every event of the item, hash-checked and linked, but the
            // last, which was read so above.
            let mut history = self.history_at(snap.item.id, &seqs[..seqs.len() - 1], alone)?;
            history.push(last);
            self.item_as_its_events_give(snap, history, &facts, legend)?;
        }
        Ok(())
    }

    /// The events of `item` at `seqs` (in order), each hash-checked and
    /// linked ([`Ledger::item_events_at`]). On a large ledger each lies on
    /// a page of its own, which a fresh process reads from the disk: a long
    /// history of an item a write touches `alone` is read in
    /// [`HISTORY_PARTS`] parts at once, so that the disk serves them
    /// together rather than one after the other.
    fn history_at(&self, item: EventId, seqs: &[u64], alone: bool) -> Result<Vec<Recorded>> {
        let large = self.head().is_some_and(|h| h.seq >= VIEW_THREADS_FROM);
        let parts = if alone && large && seqs.len() >= HISTORY_THREADS_FROM {
            HISTORY_PARTS
        } else {
            1
        };
        self.history_in_parts(item, seqs, parts)
    }

    /// As [`Ledger::history_at`], in `parts` parts, each on a thread of its
    /// own (one: on this thread). Damage in several parts is named at its
    /// first seq, as one read in order names it.
    fn history_in_parts(&self, item: EventId, seqs: &[u64], parts: usize) -> Result<Vec<Recorded>> {
        if parts <= 1 || seqs.len() < 2 {
            return self.item_events_at(item, seqs.iter().copied());
        }
        let read: Vec<Result<Vec<Recorded>>> = std::thread::scope(|scope| {
            let running: Vec<_> = seqs
                .chunks(seqs.len().div_ceil(parts))
                .map(|c| scope.spawn(move || self.item_events_at(item, c.iter().copied())))
                .collect();
            running
                .into_iter()
                .map(|t| {
                    t.join().unwrap_or_else(|_| {
                        Err(corrupt(
                            "a thread reading an item's events stopped unexpectedly".into(),
                        ))
                    })
                })
                .collect()
        });
        in_order(read)
    }

    /// Refuses an index of keys that is not `want` (every key entry the
    /// chain's registrations give), naming the first entry that differs.
    pub(super) fn keys_as_registered(&self, want: BTreeMap<Vec<u8>, Vec<u8>>) -> Result<()> {
        match compare(
            Tree::Keys,
            want.into_iter(),
            self.store().ix_scan(Tree::Keys, &[]),
        )? {
            None => Ok(()),
            Some(d) => Err(Error::Corrupt {
                seq: d.seq,
                what: format!(
                    "the index of keys (ix_keys) is not what the chain's registrations give{}: {}. Nothing is read or written over it: run `kamerstand verify` (and `--rebuild-index` if the chain holds)",
                    d.item
                        .map_or(String::new(), |id| format!(" (item {})", id.hex())),
                    d.what
                ),
            }),
        }
    }

    /// Refuses, as damage, an item whose entries in the index are not what
    /// its events (`history`, the whole of it, in order) give: its snapshot
    /// (`ix_current`), its key (`ix_keys`), its facts and notes (`facts`,
    /// as read from both trees, in key order); or whose events break a
    /// rule of recording. What `verify` compares for every item, for one
    /// (the versions and frames, which only views read, excepted).
    fn item_as_its_events_give(
        &self,
        snap: &Snapshot,
        history: Vec<Recorded>,
        facts: &[(Tree, sled::IVec, sled::IVec)],
        legend: &crate::domain::Legend,
    ) -> Result<()> {
        let id = snap.item.id;
        let item = || format!("item {} ({})", snap.item.key, id.hex());
        let build = index::build_item(history.into_iter().map(Ok), &[], legend)?;
        if let Some(b) = build.broken {
            return Err(Error::Corrupt {
                seq: Some(b.seq),
                what: format!(
                    "the event at seq {} of {} breaks a rule of recording ({}); run `kamerstand verify` for details",
                    b.seq,
                    item(),
                    b.what
                ),
            });
        }
        let differs = |tree: Tree, seq: u64| Error::Corrupt {
            seq: Some(seq),
            what: format!(
                "the index's {} entry of {} from seq {seq} is not what the item's events give (it was changed, or left behind by events cut off); nothing is written over it. Run `kamerstand verify` for details",
                tree.name(),
                item()
            ),
        };
        let expected = |tree: Tree| {
            build
                .entries
                .range((tree, Vec::new())..)
                .take_while(move |((t, _), _)| *t == tree)
                .map(|((_, k), v)| (k.as_slice(), v.as_slice()))
        };
        let stored_current = self.store().ix_get(Tree::Current, &id.0)?;
        if expected(Tree::Current).next() != stored_current.as_deref().map(|v| (&id.0[..], v)) {
            return Err(differs(Tree::Current, snap.source.seq));
        }
        for (k, v) in expected(Tree::Keys) {
            if self.store().ix_get(Tree::Keys, k)?.as_deref() != Some(v) {
                return Err(differs(Tree::Keys, snap.item.registered_seq));
            }
        }
        for tree in [Tree::Facts, Tree::Notes] {
            let mut want = expected(tree);
            for (_, k, v) in facts.iter().filter(|(t, _, _)| *t == tree) {
                let seq = FactKey::from_bytes(k).map_or(snap.source.seq, |f| f.version);
                // A differing or extra entry is named by its own seq, a
                // missing one by the seq of the one expected, as `verify`
                // names them.
                match want.next() {
                    Some((wk, wv)) if wk == k.as_ref() && wv == v.as_ref() => {}
                    Some((wk, _)) if wk < k.as_ref() => {
                        let at = FactKey::from_bytes(wk).map_or(seq, |f| f.version);
                        return Err(differs(tree, at));
                    }
                    _ => return Err(differs(tree, seq)),
                }
            }
            if let Some((wk, _)) = want.next() {
                let seq = FactKey::from_bytes(wk).map_or(snap.source.seq, |f| f.version);
                return Err(differs(tree, seq));
            }
        }
        Ok(())
    }

    /// The item events of item `id`, in order, up to and including `upto`.
    pub fn item_events(&self, id: EventId, upto: u64) -> Result<Vec<Recorded>> {
        self.item_history_upto(id, upto)
    }

    /// The timeline entries of item `id`'s events recorded at or after
    /// seq `boundary` and up to `upto`, its registration left out, as the
    /// fold of its whole history up to `upto` gives them: the events in
    /// between read one by one, and for each status change or
    /// reassignment what was in force before it from the index (one
    /// descent), for a correction the events of the chain it corrects. A
    /// diff's events cost what lies in between, not the item's history
    /// (when most of the history lies in between, it is folded whole).
    pub fn item_events_since(
        &self,
        id: EventId,
        boundary: u64,
        upto: u64,
    ) -> Result<Vec<crate::projection::TimelineEntry>> {
        use crate::projection::diff::{Before, timeline_of};
        let seqs = self.item_seqs(id)?;
        let (after, upto_n) = (
            seqs.partition_point(|s| *s < boundary),
            seqs.partition_point(|s| *s <= upto),
        );
        // When most of its history lies in between (a diff from long
        // ago), folding it all reads less than asking the index about each
        // event in between.
        if upto_n.saturating_sub(after) * 2 > upto_n {
            let mut state = crate::projection::State::default();
            for rec in self.item_events_at(id, seqs[..upto_n].iter().copied())? {
                state.apply(&rec);
            }
            return Ok(state
                .items
                .get(&id)
                .map(|it| crate::projection::diff::events_since(it, boundary))
                .unwrap_or_default());
        }
        let events = self.item_events_at(id, seqs[after.min(upto_n)..upto_n].iter().copied())?;
        let payload = |kind: FactKind, day: Day, s: u64| -> Result<Option<Payload>> {
            Ok(self.fact_at(id, kind, day, s)?.map(|f| f.payload))
        };
        let not_a = |kind: &str, s: u64| {
            corrupt(format!(
                "the index holds a fact of another kind among item {}'s {kind} facts known at seq {s}",
                id.hex()
            ))
        };
        timeline_of(
            &events,
            Before {
                status: &mut |day, s| match payload(FactKind::Status, day, s)? {
                    None => Ok(crate::domain::legend::NOT_STATED.to_string()),
                    Some(Payload::Status(st)) => Ok(st),
                    Some(_) => Err(not_a("status", s)),
                },
                parties: &mut |day, s| match payload(FactKind::Responsible, day, s)? {
                    None => Ok(crate::domain::Responsible::none()),
                    Some(Payload::Responsible(p)) => Ok(p),
                    Some(_) => Err(not_a("responsible", s)),
                },
                // As the fold has it: a target that is an earlier
                // correction of this item is corrected at that one's root.
                root: &mut |target, before| {
                    let (mut t, mut bound) = (target, before);
                    while t < bound {
                        let Some(rec) = self.get_linked(t)? else {
                            break;
                        };
                        match rec.envelope.body {
                            EventBody::Corrected { target_seq, .. } if rec.item() == Some(id) => {
                                bound = t;
                                t = target_seq;
                            }
                            _ => break,
                        }
                    }
                    Ok(t)
                },
            },
        )
    }

    /// The ids of every item, each once, in id order (from the item index).
    pub fn item_ids(&self) -> impl Iterator<Item = Result<EventId>> + '_ {
        let mut last: Option<EventId> = None;
        self.store().index_entries().filter_map(move |r| match r {
            Err(e) => Some(Err(e)),
            Ok((id, _)) if last == Some(id) => None,
            Ok((id, _)) => {
                last = Some(id);
                Some(Ok(id))
            }
        })
    }

    /// The item index read once: every item's seqs (items in id order),
    /// and the events that are no item's (the ledger's creation, round
    /// seals, keys, accounts, orders), found as the seqs the item index
    /// does not hold.
    fn item_plan(&self) -> Result<ItemPlan> {
        let Some(head) = self.head() else {
            return Ok(ItemPlan::default());
        };
        let mut plan = ItemPlan::default();
        let mut is_item = vec![false; usize::try_from(head.seq + 1).unwrap_or(0)];
        for r in self.store().index_entries() {
            let (id, seq) = r?;
            // Past the head is no event (verify reports such entries).
            let Some(slot) = usize::try_from(seq).ok().and_then(|s| is_item.get_mut(s)) else {
                continue;
            };
            *slot = true;
            match plan.items.last_mut() {
                Some((last, seqs)) if *last == id => seqs.push(seq),
                _ => plan.items.push((id, vec![seq])),
            }
        }
        for (seq, item) in is_item.iter().enumerate() {
            if *item {
                continue;
            }
            let seq = seq as u64;
            let rec = self.get(seq)?.ok_or_else(|| Error::Corrupt {
                seq: Some(seq),
                what: "no event is stored below the head".into(),
            })?;
            if let EventBody::LedgerCreated { legend, .. } = &rec.envelope.body {
                plan.legend = Some(legend.clone());
            }
            plan.others.push((seq, rec));
        }
        Ok(plan)
    }

    /// Builds the Merkle tree and the index from the events (whose chain
    /// the caller has checked): the tree in one pass, the items one by one
    /// (on both cores), then the rounds with their counts and the
    /// registry. The index is marked as being built until it is whole, and
    /// what is written is let out of memory as it goes. Returns the first
    /// event that breaks a rule of recording, if one does; the index is then
    /// left unfinished (marked as being built, so never read).
    /// `progress(items done, items)`.
    pub fn build_index(&self, progress: &mut dyn FnMut(u64, u64)) -> Result<Option<Break>> {
        if self.head().is_none() {
            return Ok(None);
        }
        self.build_tree()?;
        self.build_index_with(progress, Hashes::Check)
    }

    /// As [`Ledger::build_index`], for an import that has built the Merkle
    /// tree as it wrote the events, each hashed and decoded (canonically)
    /// by its chain check just before: the items' events are read back
    /// with their stored hashes and not checked a second time.
    pub(crate) fn build_index_only(
        &self,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<Option<Break>> {
        self.build_index_with(progress, Hashes::Trust)
    }

    /// The index's part of [`Ledger::build_index`], the events read back
    /// as `hashes` says.
    fn build_index_with(
        &self,
        progress: &mut dyn FnMut(u64, u64),
        hashes: Hashes,
    ) -> Result<Option<Break>> {
        let Some(head) = self.head() else {
            return Ok(None);
        };
        self.store().begin_index()?;
        let Expected {
            others,
            broken,
            sinks,
            ..
        } = self.expected_index_of(
            BuildSink::each_worker(),
            &|sink: &mut BuildSink, build: ItemBuild| self.write_built(sink, build.entries),
            progress,
            hashes,
            GATHERED,
        )?;
        if broken.is_some() {
            return Ok(broken);
        }
        self.finish_built(sinks)?;
        self.store().write_entries(others)?;
        self.store().finish_index(head)?;
        Ok(None)
    }

    /// Rebuilds the whole index from the events, item by item: the items
    /// are cut into as many runs (in id order, of about as many events) as
    /// there are `sinks`, and each run is folded on a thread of its own,
    /// handing each item's part to `each(its sink, part)`; the first run on
    /// the calling thread, which reports `progress(items done, items)`.
    /// Returns the entries of what is no item's (rounds, registry), the first event (lowest seq) that
    /// breaks a rule of recording, and the sinks, in the runs' order.
    pub(crate) fn expected_index<S: Send>(
        &self,
        sinks: Vec<S>,
        each: &(dyn Fn(&mut S, ItemBuild) -> Result<()> + Sync),
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<Expected<S>> {
        self.expected_index_of(sinks, each, progress, Hashes::Check, GATHERED)
    }

    /// As [`Ledger::expected_index`]; with [`Hashes::Trust`] an item's
    /// events are taken with the hash stored beside them rather than
    /// hashed again, and decoded without encoding them again to see that
    /// they are canonical (for `verify`, whose chain check hashes and
    /// decodes every event on the other core and whose break, if any, is
    /// what it reports; and for an import, whose chain check did so as it
    /// wrote them).
    fn expected_index_of<S: Send>(
        &self,
        sinks: Vec<S>,
        each: &(dyn Fn(&mut S, ItemBuild) -> Result<()> + Sync),
        progress: &mut dyn FnMut(u64, u64),
        hashes: Hashes,
        gather: Option<usize>,
    ) -> Result<Expected<S>> {
        let decode = |seq: u64, hash: crate::domain::EventHash, bytes: &[u8]| -> Result<Recorded> {
            match hashes {
                Hashes::Check => super::checked(seq, hash, bytes),
                Hashes::Trust => super::decoded_beside_chain_check(seq, hash, bytes),
            }
        };
        let plan = self.item_plan()?;
        let seal_seqs: Vec<u64> = plan
            .others
            .iter()
            .filter(|(_, r)| r.envelope.body.seal().is_some())
            .map(|(s, _)| *s)
            .collect();
        let legend = plan
            .legend
            .clone()
            .unwrap_or_else(crate::domain::Legend::nap);
        let total = plan.items.len() as u64;
        let done = std::sync::atomic::AtomicU64::new(0);
        let runs = runs(&plan.items, sinks.len().max(1));
        // The items' events gathered in one scan where temporary files can
        // be had; else each read by seq.
        let spilled = match gather {
            Some(chunk_events) => {
                let events = self.head().map_or(0, |h| h.seq.saturating_add(1));
                super::spill::Spilled::gather(
                    self.store(),
                    &plan.items,
                    &runs,
                    events,
                    chunk_events,
                )?
            }
            None => None,
        };
        let missing = |seq: u64| Error::Corrupt {
            seq: Some(seq),
            what: "the item index names an event that does not exist".into(),
        };
        let work = |run: &std::ops::Range<usize>,
                    sink: &mut S,
                    report: &mut dyn FnMut(u64)|
         -> Result<RunOutcome> {
            let mut out = RunOutcome {
                counts: vec![BTreeMap::new(); seal_seqs.len()],
                broken: None,
            };
            let mut chunk: Option<super::spill::Chunk> = None;
            for i in run.clone() {
                let (id, seqs) = &plan.items[i];
                let about = |rec: Recorded| {
                    if rec.item() != Some(*id) {
                        return Err(Error::Corrupt {
                            seq: Some(rec.envelope.seq),
                            what: "the item index lists this event under an item it is not about; run `kamerstand verify` for details".into(),
                        });
                    }
                    Ok(rec)
                };
                let events: Vec<Result<Recorded>> = match &spilled {
                    Some(spilled) => {
                        if !chunk.as_ref().is_some_and(|c| c.holds(i)) {
                            drop(chunk.take());
                            chunk = Some(spilled.chunk_of(i)?);
                        }
                        let mut found = chunk.iter().flat_map(|c| c.events(i)).peekable();
                        seqs.iter()
                            .map(|&seq| match found.next_if(|e| e.seq == seq) {
                                Some(e) => decode(e.seq, e.hash, e.bytes).and_then(about),
                                None => Err(missing(seq)),
                            })
                            .collect()
                    }
                    None => seqs
                        .iter()
                        .map(|&seq| {
                            let (hash, bytes) =
                                self.store().get(seq)?.ok_or_else(|| missing(seq))?;
                            decode(seq, hash, &bytes).and_then(about)
                        })
                        .collect(),
                };
                let build = index::build_item(events, &seal_seqs, &legend)?;
                if let Some(b) = &build.broken
                    && out.broken.as_ref().is_none_or(|f: &Break| b.seq < f.seq)
                {
                    out.broken = Some(Break {
                        seq: b.seq,
                        kind: BreakKind::RuleBroken,
                        item: Some(build.key.clone().unwrap_or_else(|| id.hex())),
                        detail: Box::new(super::findings::Finding::Refused {
                            what: b.what.clone(),
                        }),
                    });
                }
                for (slot, status) in out.counts.iter_mut().zip(&build.at_rounds) {
                    if let Some(s) = status {
                        *slot.entry(s.clone()).or_insert(0usize) += 1;
                    }
                }
                each(sink, build)?;
                let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                report(n);
            }
            Ok(out)
        };
        let mut sinks = sinks;
        let mut first_sink = sinks.remove(0);
        let (first, rest) = std::thread::scope(|scope| {
            let handles: Vec<_> = runs[1..]
                .iter()
                .zip(sinks)
                .map(|(items, mut sink)| {
                    let work = &work;
                    scope.spawn(move || work(items, &mut sink, &mut |_| {}).map(|out| (out, sink)))
                })
                .collect();
            let first = work(&runs[0], &mut first_sink, &mut |n| progress(n, total));
            let rest: Vec<Result<(RunOutcome, S)>> = handles
                .into_iter()
                .map(|h| {
                    h.join().unwrap_or_else(|_| {
                        Err(Error::Corrupt {
                            seq: None,
                            what: "a thread rebuilding the index stopped unexpectedly".into(),
                        })
                    })
                })
                .collect();
            (first, rest)
        });
        let mut outcomes = vec![first?];
        let mut sinks_out = vec![first_sink];
        for r in rest {
            let (out, sink) = r?;
            outcomes.push(out);
            sinks_out.push(sink);
        }
        progress(total, total);
        let broken = outcomes
            .iter()
            .filter_map(|o| o.broken.clone())
            .min_by_key(|b| b.seq);
        let mut state = crate::projection::State::default();
        let mut entries: BTreeMap<(Tree, Vec<u8>), Vec<u8>> = BTreeMap::new();
        let mut n = 0;
        for (_, rec) in &plan.others {
            state.apply(rec);
            if rec.envelope.body.seal().is_some() {
                let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
                for o in &outcomes {
                    for (status, c) in o.counts.get(n).into_iter().flatten() {
                        *counts.entry(status.as_str()).or_insert(0) += c;
                    }
                }
                n += 1;
                if let Some(r) = state.rounds.last() {
                    let e = index::round_entry(
                        rec,
                        r,
                        &legend,
                        counts.iter().flat_map(|(s, c)| std::iter::repeat_n(*s, *c)),
                    );
                    entries.insert((e.tree, e.key), e.value);
                }
            }
            if let Some(e) = index::registry_entry(&state, rec) {
                entries.insert((e.tree, e.key), e.value);
            }
        }
        Ok(Expected {
            others: entries
                .into_iter()
                .map(|((tree, key), value)| Entry { tree, key, value })
                .collect(),
            broken,
            sinks: sinks_out,
            items: plan.items.iter().map(|(id, _)| *id).collect(),
        })
    }

    /// The keys registered to sign or cosign round notes, the accounts of a
    /// shared ledger, and the latest order of each kind of item.
    pub fn registry(&self) -> Result<Registry> {
        let mut out = Registry::default();
        for r in self.store().ix_scan(Tree::Registry, &[]) {
            let (k, v) = r?;
            match registered(&k, &v)? {
                Registered::Key(k) => {
                    out.keys.insert(k.name.clone(), k);
                }
                Registered::Account(a) => {
                    out.accounts.insert(a.account.clone(), a);
                }
                Registered::Order(kind, order) => {
                    out.orders.insert(kind, order);
                }
                Registered::Signature(s) => out.signatures.entry(s.seal_seq).or_default().push(s),
            }
        }
        for sigs in out.signatures.values_mut() {
            sigs.sort_by_key(|s| s.seq);
        }
        Ok(out)
    }

    /// The accounts of a shared ledger, as [`Ledger::registry`] has them,
    /// without reading the rest of the registry (the keys, the orders and
    /// every round's signatures): the server reads them after every group
    /// of writes.
    pub fn accounts(
        &self,
    ) -> Result<BTreeMap<crate::domain::AccountName, crate::projection::state::Account>> {
        let mut out = BTreeMap::new();
        for r in self.store().ix_prefix(Tree::Registry, b"a") {
            let (k, v) = r?;
            if let Registered::Account(a) = registered(&k, &v)? {
                out.insert(a.account.clone(), a);
            }
        }
        Ok(out)
    }

    /// One account of a shared ledger (None: the ledger has no such
    /// account).
    pub fn account(
        &self,
        name: &crate::domain::AccountName,
    ) -> Result<Option<crate::projection::state::Account>> {
        let mut key = vec![b'a'];
        key.extend_from_slice(name.as_str().as_bytes());
        let Some(v) = self.store().ix_get(Tree::Registry, &key)? else {
            return Ok(None);
        };
        match registered(&key, &v)? {
            Registered::Account(a) => Ok(Some(a)),
            _ => Err(corrupt(format!(
                "the registry's entry for account '{name}' holds something else"
            ))),
        }
    }

    /// The order of the items of `kind` as it stood at seq `s`, if one was
    /// set by then.
    pub fn order_at(&self, kind: crate::domain::ItemKind, s: u64) -> Result<Option<Vec<EventId>>> {
        let lo = index::order_key(kind, 0);
        let hi = index::order_key(kind, s);
        match self.store().ix_range_rev(Tree::Registry, &lo, &hi).next() {
            None => Ok(None),
            Some(r) => {
                let (k, v) = r?;
                match registered(&k, &v)? {
                    Registered::Order(_, order) => Ok(Some(order)),
                    _ => Err(corrupt(
                        "an order's key in the registry holds something else".into(),
                    )),
                }
            }
        }
    }

    /// Compares the stored index with the one the events give; returns
    /// the first difference, by tree, item and seq. `progress(items done,
    /// items)`.
    pub fn check_index(&self, progress: &mut dyn FnMut(u64, u64)) -> Result<IndexReport> {
        let mut report = self.check_index_but_tree(progress)?;
        if report.first_difference.is_none() {
            let tree = self.check_tree()?;
            report.add_tree(tree);
        }
        Ok(report)
    }

    /// As [`Ledger::check_index`], right after a chain check of the same
    /// ledger ([`Ledger::check_whole_chain`], which hashed and decoded
    /// every event): the items' events are not hashed again.
    pub fn check_index_after_chain(&self) -> Result<IndexReport> {
        let mut report = self.check_items(&mut |_, _| {}, Hashes::Trust)?;
        if report.first_difference.is_none() {
            report.add_tree(self.check_tree()?);
        }
        Ok(report)
    }

    /// As [`Ledger::check_index`] without the Merkle tree, which
    /// [`Ledger::verify_with_tree`] compares in the chain's own scan; the
    /// caller adds its result with [`IndexReport::add_tree`].
    pub fn check_index_but_tree(&self, progress: &mut dyn FnMut(u64, u64)) -> Result<IndexReport> {
        self.check_items(progress, Hashes::Check)
    }

    /// As [`Ledger::check_index_but_tree`], for `verify` only, beside the
    /// chain check on the other core: the items' events are not hashed
    /// again (the chain check hashes each, and its break comes first).
    pub fn check_index_beside_chain(
        &self,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<IndexReport> {
        self.check_items(progress, Hashes::Trust)
    }

    fn check_items(
        &self,
        progress: &mut dyn FnMut(u64, u64),
        hashes: Hashes,
    ) -> Result<IndexReport> {
        let mut report = IndexReport::default();
        // An index written up to another head is not compared entry by
        // entry, but the items are still folded: their rules are checked.
        let mut first: Option<IndexDifference> = None;
        if self.index_head()? != self.head() {
            first = Some(IndexDifference {
                tree: "meta",
                item: None,
                seq: self.head().map(|h| h.seq),
                what: match self.index_head()? {
                    None => IndexFinding::NeverBuilt,
                    Some(h) => written(h, self.head()),
                },
            });
        }
        // Per item, the stored entries under its id must be exactly the
        // expected ones; the keys and rounds trees are compared whole.
        #[derive(Default)]
        struct Check {
            first: Option<IndexDifference>,
            keys: BTreeMap<Vec<u8>, Vec<u8>>,
            /// The frame entries expected of this run's items, per round
            /// (seal seq), as one running digest each: a run's items are
            /// in id order, so each round's are in key order (all of L's
            /// frames, even each by its SHA-256, would take tens of MB).
            frames: BTreeMap<u64, EntryDigest>,
            /// The run's first item.
            first_item: Option<EventId>,
            /// The version entries expected of this run's items, per round
            /// likewise (an item's versions lie in as many ranges as it has
            /// rounds).
            versions: super::asof::VersionDigests,
            entries: u64,
        }
        let compare_marked = first.is_none();
        // A store an earlier version wrote has no frames until it is opened
        // (and no read uses them until then): nothing to compare.
        let with_frames = self.has_frames()?;
        // Nor versions keyed by round.
        let with_versions = self.has_versions_by_round()?;
        // Nor notes apart from the other facts: there `ix_facts` holds
        // both.
        let notes_apart = self.store().notes_apart();
        let Expected {
            others: rounds,
            broken,
            sinks: checks,
            items,
        } = self.expected_index_of(
            (0..WORKERS).map(|_| Check::default()).collect(),
            &|c: &mut Check, build: ItemBuild| {
                if c.first.is_some() || !compare_marked {
                    return Ok(());
                }
                let mut by_tree: BTreeMap<Tree, Vec<KeyValue>> = BTreeMap::new();
                let mut item = None;
                for ((tree, key), value) in build.entries {
                    if tree == Tree::Keys {
                        c.keys.insert(key, value);
                        continue;
                    }
                    if tree == Tree::Frames {
                        if with_frames && let Some((seal, id)) = index::frame_key_parts(&key) {
                            c.first_item.get_or_insert(id);
                            c.frames.entry(seal).or_default().push(&key, &value);
                        }
                        continue;
                    }
                    if tree == Tree::Versions {
                        if with_versions {
                            c.versions.push(&key, &value);
                        }
                        continue;
                    }
                    item.get_or_insert_with(|| key.get(..16).map(<[u8]>::to_vec));
                    by_tree.entry(tree).or_default().push((key, value));
                }
                let Some(Some(prefix)) = item else {
                    return Ok(());
                };
                let trees: &[Tree] = if notes_apart {
                    &[Tree::Current, Tree::Facts, Tree::Notes]
                } else {
                    // The notes are compared with `ix_facts`, in key order
                    // among the other facts.
                    let notes = by_tree.remove(&Tree::Notes).unwrap_or_default();
                    let facts = by_tree.entry(Tree::Facts).or_default();
                    facts.extend(notes);
                    facts.sort_unstable_by(|a, b| a.0.cmp(&b.0));
                    &[Tree::Current, Tree::Facts]
                };
                for &tree in trees {
                    let want = by_tree.remove(&tree).unwrap_or_default();
                    c.entries += want.len() as u64;
                    let have = self.store().ix_prefix(tree, &prefix);
                    if let Some(d) = compare(tree, want.into_iter(), have)? {
                        c.first = Some(d);
                        return Ok(());
                    }
                }
                Ok(())
            },
            progress,
            hashes,
            GATHERED,
        )?;
        let mut expected_keys: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
        // Per round and run (numbered among the runs that gave frames), the
        // count and digest of the frame entries expected; and the first
        // item of each such run, which bounds the runs' ids.
        let mut expected_frames: RunDigests = BTreeMap::new();
        let mut bounds: Vec<EventId> = Vec::new();
        let mut entries = 0u64;
        let mut versions = Vec::with_capacity(checks.len());
        for mut c in checks {
            entries += c.entries;
            versions.push(std::mem::take(&mut c.versions));
            expected_keys.extend(c.keys);
            if let Some(id) = c.first_item {
                for (seal, d) in c.frames {
                    expected_frames.insert((seal, bounds.len()), d.finish());
                }
                bounds.push(id);
            }
            if first.is_none() {
                first = c.first;
            }
        }
        // The versions on the other core; the trees after them on this one.
        // A difference is the first found in that order: the versions' before
        // the others'.
        if first.is_none() {
            let (versions, rest) = std::thread::scope(|scope| {
                let other = scope.spawn(|| {
                    if with_versions {
                        super::asof::check_versions(self, versions)
                    } else {
                        Ok((0, None))
                    }
                });
                let rest = self.check_other_trees(
                    items,
                    expected_keys,
                    with_frames.then_some((&bounds, &expected_frames)),
                    &rounds,
                );
                let versions = other.join().unwrap_or_else(|_| {
                    Err(corrupt(
                        "a thread comparing the versions stopped unexpectedly".into(),
                    ))
                });
                (versions, rest)
            });
            let (n, d) = versions?;
            entries += n;
            first = d;
            if first.is_none() {
                let (n, d) = rest?;
                entries += n;
                first = d;
            }
        }
        report.entries = entries;
        report.first_difference = first;
        report.rule_broken = broken;
        report.not_compared = [
            (!with_frames).then_some(Tree::Frames.name()),
            (!with_versions).then_some(Tree::Versions.name()),
        ]
        .into_iter()
        .flatten()
        .collect();
        Ok(report)
    }

    /// After the items and beside the versions, the trees `verify` compares
    /// whole: no `current` entry of an item without events, then the keys,
    /// the frames (when `frames` gives the runs' first items and the
    /// expected digests), the rounds and the registry (from `others`). The
    /// entries compared and the first difference, in that order.
    fn check_other_trees(
        &self,
        items: Vec<EventId>,
        keys: BTreeMap<Vec<u8>, Vec<u8>>,
        frames: Option<(&[EventId], &RunDigests)>,
        others: &[Entry],
    ) -> Result<(u64, Option<IndexDifference>)> {
        // A snapshot of an item that has no events at all. (Reads start from
        // the snapshots, so versions and facts of such an item are never
        // read.)
        let ids: std::collections::BTreeSet<EventId> = items.into_iter().collect();
        for r in self.store().ix_scan(Tree::Current, &[]) {
            let (k, _) = r?;
            let known = <[u8; 16]>::try_from(k.as_ref()).is_ok_and(|b| ids.contains(&EventId(b)));
            if !known {
                return Ok((
                    0,
                    Some(IndexDifference {
                        tree: Tree::Current.name(),
                        item: k.as_ref().try_into().ok().map(EventId),
                        seq: None,
                        what: IndexFinding::Orphan,
                    }),
                ));
            }
        }
        // The facts and notes are compared under each item's id; an entry
        // under no item's id lies between them: one probe per gap.
        for tree in [Tree::Facts, Tree::Notes] {
            if let Some(d) = self.entry_between_items(tree, &ids)? {
                return Ok((0, Some(d)));
            }
        }
        let mut entries = keys.len() as u64;
        let mut first = compare(
            Tree::Keys,
            keys.into_iter(),
            self.store().ix_scan(Tree::Keys, &[]),
        )?;
        if first.is_none()
            && let Some((bounds, want)) = frames
        {
            let parts = |k: &[u8]| index::frame_key_parts(k);
            if self.same_digests(Tree::Frames, bounds, parts, want)? {
                entries += want.values().map(|(n, _)| n).sum::<u64>();
            } else {
                first = Some(self.first_difference_in::<{ index::FRAME_KEY_LEN }>(Tree::Frames)?);
            }
        }
        for tree in [Tree::Rounds, Tree::Registry] {
            if first.is_none() {
                let want: Vec<KeyValue> = others
                    .iter()
                    .filter(|e| e.tree == tree)
                    .map(|e| (e.key.clone(), e.value.clone()))
                    .collect();
                entries += want.len() as u64;
                first = compare(tree, want.into_iter(), self.store().ix_scan(tree, &[]))?;
            }
        }
        Ok((entries, first))
    }

    /// The first entry of `tree` (keyed by item id first) whose key lies
    /// under none of `ids`, as a difference: the entries between two
    /// consecutive ids, before the first and after the last, each gap read
    /// by one probe of the index.
    fn entry_between_items(
        &self,
        tree: Tree,
        ids: &std::collections::BTreeSet<EventId>,
    ) -> Result<Option<IndexDifference>> {
        let mut lo: Option<Vec<u8>> = None;
        let mut gaps = Vec::with_capacity(ids.len() + 1);
        for id in ids {
            gaps.push((lo.take(), Some(id.0.to_vec())));
            // The least key above every key under `id`: its bytes plus one,
            // none above the highest id.
            let mut next = id.0;
            let Some(i) = next.iter().rposition(|b| *b != 0xff) else {
                return self.first_in_gaps(tree, gaps);
            };
            next[i] += 1;
            next[i + 1..].fill(0);
            lo = Some(next.to_vec());
        }
        gaps.push((lo, None));
        self.first_in_gaps(tree, gaps)
    }

    /// The first entry of `tree` within any of `gaps` (from, included, to,
    /// excluded; None: unbounded), as an entry the events do not give.
    fn first_in_gaps(&self, tree: Tree, gaps: Vec<Gap>) -> Result<Option<IndexDifference>> {
        for (from, to) in gaps {
            let lo = from.as_deref().map_or(Unbounded, Included);
            let hi = to.as_deref().map_or(Unbounded, Excluded);
            let one = self.store().ix_range(tree, lo, hi).take(1);
            if let Some(d) = compare(tree, std::iter::empty(), one)? {
                return Ok(Some(d));
            }
        }
        Ok(None)
    }

    /// Whether the stored entries of `tree`, grouped by round (as `parts`
    /// reads it from a key, with the item) and by run (the run whose first
    /// item, in `bounds`, is the last at or before the entry's item) and
    /// digested in key order, have the counts and digests `want` expects;
    /// false too for a key `parts` cannot read.
    pub(super) fn same_digests(
        &self,
        tree: Tree,
        bounds: &[EventId],
        parts: impl Fn(&[u8]) -> Option<(u64, EventId)>,
        want: &RunDigests,
    ) -> Result<bool> {
        let mut have: BTreeMap<(u64, usize), EntryDigest> = BTreeMap::new();
        for r in self.store().ix_scan(tree, &[]) {
            // An entry that cannot be read is one that differs: the
            // comparison entry by entry names it.
            let (k, v) = match r {
                Ok(kv) => kv,
                Err(Error::Corrupt { .. }) => return Ok(false),
                Err(e) => return Err(e),
            };
            let Some((round, id)) = parts(&k) else {
                return Ok(false);
            };
            let run = bounds.partition_point(|b| *b <= id).saturating_sub(1);
            have.entry((round, run)).or_default().push(&k, &v);
        }
        Ok(have.len() == want.len()
            && have
                .into_iter()
                .zip(want)
                .all(|((k, d), (wk, wd))| k == *wk && d.finish() == *wd))
    }

    /// The first entry of `tree` (keys of `N` bytes) that differs from
    /// what the events give, in key order, once the digests of
    /// [`Ledger::check_index`] said one does (the frames, the versions): the
    /// tree's entries derived again, each value kept by its SHA-256, and
    /// compared entry by entry. (Slow, and as large in memory as the entries
    /// are many: only for an index known to be wrong.)
    pub(super) fn first_difference_in<const N: usize>(
        &self,
        tree: Tree,
    ) -> Result<IndexDifference> {
        let Expected { sinks, .. } = self.expected_index(
            vec![Vec::<([u8; N], [u8; 32])>::new(); WORKERS],
            &|sink: &mut Vec<([u8; N], [u8; 32])>, build: ItemBuild| {
                for ((t, key), value) in build.entries {
                    if t == tree
                        && let Ok(k) = key.as_slice().try_into()
                    {
                        sink.push((k, value_hash(&value)));
                    }
                }
                Ok(())
            },
            &mut |_, _| {},
        )?;
        let mut want: Vec<([u8; N], [u8; 32])> = sinks.into_iter().flatten().collect();
        want.sort_unstable_by_key(|e| e.0);
        let diff = compare(
            tree,
            want.into_iter().map(|(k, h)| (k.to_vec(), h.to_vec())),
            self.store()
                .ix_scan(tree, &[])
                .map(|r| r.map(|(k, v)| (k, sled::IVec::from(&value_hash(&v)[..])))),
        )?;
        // The digests differed, so some entry does (unless the store
        // changed under the check).
        Ok(diff.unwrap_or(IndexDifference {
            tree: tree.name(),
            item: None,
            seq: None,
            what: IndexFinding::Differs,
        }))
    }

    /// Compares the stored Merkle tree with the one the events give, node
    /// by node: returns the nodes compared and the first difference.
    fn check_tree(&self) -> Result<(u64, Option<IndexDifference>)> {
        let mut check = TreeCheck::new(self)?;
        let mut frontier = crate::ledger::merkle::Frontier::new();
        for r in self.store().scan(0) {
            if check.first.is_some() {
                break;
            }
            let (seq, _, bytes) = r?;
            let nodes = frontier.push(crate::ledger::merkle::event_leaf_hash(&bytes));
            check.nodes(seq, &nodes)?;
        }
        check.finish()
    }

    /// The chain's check ([`Ledger::verify_with_progress`]) with the
    /// comparison of the stored Merkle tree in the same scan of the events
    /// (the chain check hashes every leaf anyway). The tree's result (nodes
    /// compared, first difference) means something only when the chain
    /// holds.
    pub fn verify_with_tree(
        &self,
        digest: Option<&crate::ledger::DigestCheck>,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<(crate::ledger::VerifyReport, (u64, Option<IndexDifference>))> {
        let mut check = TreeCheck::new(self)?;
        let report = crate::ledger::verify::verify_with_nodes(
            self.store(),
            digest,
            progress,
            &mut |seq, nodes| check.nodes(seq, nodes),
        )?;
        Ok((report, check.finish()?))
    }
}

/// The stored Merkle tree compared with the nodes the events give, as a
/// scan of the events hands them over in seq order.
struct TreeCheck<'a> {
    ledger: &'a Ledger,
    /// One cursor per level over its chunks in key order: the events give
    /// each level's nodes in index order, so each level's chunks are read
    /// once, in one range scan, instead of a read per node.
    levels: Vec<TreeCursor<'a>>,
    compared: u64,
    first: Option<IndexDifference>,
}

fn tree_difference(seq: Option<u64>, what: IndexFinding) -> IndexDifference {
    IndexDifference {
        tree: "merkle",
        item: None,
        seq,
        what,
    }
}

impl<'a> TreeCheck<'a> {
    /// A check of `ledger`'s tree; a tree that covers another number of
    /// events than the chain's head names is a difference at once.
    fn new(ledger: &'a Ledger) -> Result<TreeCheck<'a>> {
        let events = ledger.head().map_or(0, |h| h.seq + 1);
        let size = ledger.store().merkle_size()?;
        let first = (size != Some(events)).then(|| {
            tree_difference(
                None,
                IndexFinding::TreeSize {
                    covers: size,
                    events,
                },
            )
        });
        Ok(TreeCheck {
            ledger,
            levels: Vec::new(),
            compared: 0,
            first,
        })
    }

    /// Compares the nodes event `seq` completes (nothing once a difference
    /// was found).
    fn nodes(
        &mut self,
        seq: u64,
        nodes: &[(crate::ledger::merkle::NodeId, crate::ledger::merkle::Hash)],
    ) -> Result<()> {
        if self.first.is_some() {
            return Ok(());
        }
        for &(id, want) in nodes {
            self.compared += 1;
            while self.levels.len() <= usize::from(id.level) {
                let level = u8::try_from(self.levels.len()).unwrap_or(u8::MAX);
                self.levels.push(TreeCursor {
                    chunks: Box::new(self.ledger.store().merkle_level(level)),
                    current: None,
                });
            }
            let have = match self.levels.get_mut(usize::from(id.level)) {
                Some(cursor) => cursor.node(id)?,
                None => Err(()),
            };
            if have != Ok(Some(want)) {
                self.first = Some(tree_difference(
                    Some(seq),
                    IndexFinding::Node {
                        id,
                        missing: have == Ok(None),
                    },
                ));
                return Ok(());
            }
        }
        Ok(())
    }

    /// The nodes compared and the first difference: one found on the way,
    /// or a stored tree with nodes the events do not give.
    fn finish(self) -> Result<(u64, Option<IndexDifference>)> {
        if self.first.is_some() {
            return Ok((self.compared, self.first));
        }
        let stored = self.ledger.store().merkle_nodes()?;
        if stored != self.compared {
            return Ok((
                self.compared,
                Some(tree_difference(
                    None,
                    IndexFinding::NodeCount {
                        stored,
                        given: self.compared,
                    },
                )),
            ));
        }
        Ok((self.compared, None))
    }
}

/// The chunks of one level of the stored Merkle tree, read forward as
/// the tree check asks for that level's nodes in index order.
struct TreeCursor<'a> {
    chunks: Box<dyn Iterator<Item = Result<ChunkRead>> + 'a>,
    /// The chunk last read: the one the next node is looked for in first.
    current: Option<ChunkRead>,
}

/// A chunk as read: its address and its nodes, or why it is no chunk.
type ChunkRead = (
    crate::ledger::merkle_chunk::ChunkId,
    std::result::Result<crate::ledger::merkle_chunk::Chunk, crate::ledger::merkle_chunk::BadChunk>,
);

impl TreeCursor<'_> {
    /// The stored node `id` (Ok(None): not stored; Err: its chunk is no
    /// chunk). Chunks before the one `id` is in are passed over: nodes they
    /// hold that the events do not give show in the count of stored nodes.
    fn node(
        &mut self,
        id: crate::ledger::merkle::NodeId,
    ) -> Result<std::result::Result<Option<crate::ledger::merkle::Hash>, ()>> {
        let (want, slot) = crate::ledger::merkle_chunk::ChunkId::of(id);
        loop {
            match &self.current {
                Some((c, _)) if c.number >= want.number => break,
                _ => match self.chunks.next() {
                    Some(read) => self.current = Some(read?),
                    None => return Ok(Ok(None)),
                },
            }
        }
        Ok(match &self.current {
            Some((c, Ok(chunk))) if c.number == want.number => Ok(chunk.get(slot)),
            Some((c, Err(_))) if c.number == want.number => Err(()),
            _ => Ok(None),
        })
    }
}

/// Says how the head the index was written up to differs from the chain's.
pub fn mismatch(index: Head, chain: Option<Head>) -> String {
    written(index, chain).to_string()
}

/// How the head the index was written up to differs from the chain's.
fn written(index: Head, chain: Option<Head>) -> IndexFinding {
    match chain {
        Some(c) if c.seq == index.seq => IndexFinding::WrittenOther {
            seq: index.seq,
            index: index.hash,
            chain: c.hash,
        },
        Some(c) => IndexFinding::WrittenElsewhere {
            index: index.seq,
            chain: c.seq,
        },
        None => IndexFinding::WrittenNoHead { index: index.seq },
    }
}

/// A read's message about a damaged entry without its closing advice to
/// run `kamerstand verify`, for `verify`'s own report of it.
fn without_advice(mut what: String) -> String {
    if let Some(at) = what.find("; run `kamerstand verify`") {
        what.truncate(at);
    }
    what
}

/// Compares expected entries with stored ones (both in key order). A
/// stored entry that cannot be read (a group out of order, a key of
/// another length) is a difference too, named by the item of the entry
/// expected there and the seq the stored key names.
/// The entry of `ix_registry` stored under key `k`, decoded; refused
/// as damage when it is not one that would be kept under that key (an
/// account's entry copied under another name is not that account).
fn registered(k: &[u8], v: &[u8]) -> Result<Registered> {
    let (src, entry): (index::Source, Registered) = decoded(Tree::Registry, v)?;
    if index::registry_key(src, &entry) != k {
        return Err(Error::Corrupt {
            seq: Some(src.seq),
            what: format!(
                "the ix_registry entry under key {} holds an entry kept under another key; run `kamerstand verify` for details",
                crate::domain::text::visible(&String::from_utf8_lossy(k))
            ),
        });
    }
    Ok(entry)
}

fn compare(
    tree: Tree,
    want: impl Iterator<Item = (Vec<u8>, Vec<u8>)>,
    have: impl Iterator<Item = Result<(sled::IVec, sled::IVec)>>,
) -> Result<Option<IndexDifference>> {
    let mut want = want.peekable();
    let mut have = have.peekable();
    loop {
        let h = match have.next() {
            Some(Ok(h)) => Some(h),
            Some(Err(Error::Corrupt { seq, what })) => {
                let item = want.peek().and_then(|(k, v)| where_of(tree, k, v).0);
                return Ok(Some(IndexDifference {
                    tree: tree.name(),
                    item,
                    seq,
                    what: IndexFinding::Unreadable {
                        what: without_advice(what),
                    },
                }));
            }
            Some(Err(e)) => return Err(e),
            None => None,
        };
        let w = want.next();
        // A missing or differing entry is named by the entry expected, an
        // extra one by the entry stored.
        let ((item, seq), what) = match (w, h) {
            (Some((wk, wv)), Some((hk, hv))) if wk == hk.as_ref() => {
                if wv == hv.as_ref() {
                    continue;
                }
                (where_of(tree, &wk, &wv), IndexFinding::Differs)
            }
            (Some((wk, wv)), Some((hk, _))) if wk.as_slice() < hk.as_ref() => {
                (where_of(tree, &wk, &wv), IndexFinding::Missing)
            }
            (Some(_), Some((hk, hv))) | (None, Some((hk, hv))) => {
                (where_of(tree, &hk, &hv), IndexFinding::Extra)
            }
            (Some((wk, wv)), None) => (where_of(tree, &wk, &wv), IndexFinding::Missing),
            (None, None) => return Ok(None),
        };
        return Ok(Some(IndexDifference {
            tree: tree.name(),
            item,
            seq,
            what,
        }));
    }
}

/// Below this many events, a view's two halves are read one after the
/// other on the calling thread: a thread costs more than the reads it
/// would share (on the bench's 10k ledger a whole-ledger view took 0.23 ms
/// on one thread and 0.31 ms on two).
const VIEW_THREADS_FROM: u64 = 1 << 15;

/// From this many events of an item's history, a write on that item
/// alone that checks it (on a ledger of [`VIEW_THREADS_FROM`] events or
/// more) reads it in [`HISTORY_PARTS`] parts at once
/// ([`Ledger::history_at`]).
const HISTORY_THREADS_FROM: usize = 32;

/// How many parts of a long history are read at once: each event a page
/// read, mostly from the disk in a fresh process, which serves several at
/// once (docs/performance.md, "An item's history read in parts").
const HISTORY_PARTS: usize = 4;

impl Ledger {
    /// A view's two halves: `theirs` on another thread and `mine` on this
    /// one on a large ledger, both on this thread on a small one.
    pub(super) fn halves<A: Send, B>(
        &self,
        theirs: impl FnOnce() -> Result<A> + Send,
        mine: impl FnOnce() -> Result<B>,
    ) -> Result<(A, B)> {
        if self.head().is_some_and(|h| h.seq >= VIEW_THREADS_FROM) {
            on_both_cores(theirs, mine)
        } else {
            Ok((theirs()?, mine()?))
        }
    }
}

/// Parts read apart, joined in order: the first part's error, if any,
/// before any later part's.
fn in_order<T>(parts: Vec<Result<Vec<T>>>) -> Result<Vec<T>> {
    let mut out = Vec::new();
    for p in parts {
        out.extend(p?);
    }
    Ok(out)
}

/// Runs `theirs` on another thread and `mine` on this one; both results.
pub(super) fn on_both_cores<A: Send, B>(
    theirs: impl FnOnce() -> Result<A> + Send,
    mine: impl FnOnce() -> Result<B>,
) -> Result<(A, B)> {
    std::thread::scope(|scope| {
        let other = scope.spawn(theirs);
        let mine = mine();
        let theirs = other.join().unwrap_or_else(|_| {
            Err(corrupt(
                "a thread reading the index stopped unexpectedly".into(),
            ))
        });
        Ok((theirs?, mine?))
    })
}

/// Per round (seal seq) and run (its number), the count and digest of the
/// entries expected: how `verify` holds the frames and versions it compares.
pub(super) type RunDigests = BTreeMap<(u64, usize), (u64, [u8; 32])>;

/// A running SHA-256 over index entries in key order, each as its key's
/// and its value's length (8 bytes each) and bytes, so that no other
/// sequence of entries gives the same bytes; and how many entries it holds.
/// Equal digests mean equal sequences (as far as SHA-256 resists
/// collisions), whatever a forger chose to store.
#[derive(Default)]
pub(super) struct EntryDigest {
    count: u64,
    hash: sha2::Sha256,
}

impl EntryDigest {
    pub(super) fn push(&mut self, key: &[u8], value: &[u8]) {
        use sha2::Digest;
        self.count += 1;
        self.hash.update((key.len() as u64).to_le_bytes());
        self.hash.update(key);
        self.hash.update((value.len() as u64).to_le_bytes());
        self.hash.update(value);
    }

    pub(super) fn finish(self) -> (u64, [u8; 32]) {
        use sha2::Digest;
        (self.count, self.hash.finalize().into())
    }
}

/// The SHA-256 of an index value: how `verify` holds the frames it
/// expects when it looks for the one that differs.
fn value_hash(v: &[u8]) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    Sha256::digest(v).into()
}

/// The item and seq an index entry names (by its key; an `ix_current`
/// and an `ix_keys` entry by the source its value names).
fn where_of(tree: Tree, key: &[u8], value: &[u8]) -> (Option<EventId>, Option<u64>) {
    let item = key.get(..16).and_then(|p| p.try_into().ok()).map(EventId);
    match tree {
        Tree::Versions => match index::version_key_parts(key) {
            Some((_, id, seq)) => (Some(id), Some(seq)),
            None => (None, None),
        },
        Tree::Facts | Tree::Notes => (item, FactKey::from_bytes(key).map(|k| k.version)),
        // The event the snapshot is of, when its value can be read.
        Tree::Current => (
            item,
            index::decode::<Snapshot>(tree, value)
                .ok()
                .map(|s| s.source.seq),
        ),
        Tree::Rounds => (None, key.try_into().ok().map(u64::from_be_bytes)),
        Tree::Frames => match index::frame_key_parts(key) {
            Some((seal, id)) => (Some(id), Some(seal)),
            None => (None, None),
        },
        // A key names its item and the event that gave it the key.
        Tree::Keys => match index::decode::<(EventId, index::Source)>(tree, value) {
            Ok((id, source)) => (Some(id), Some(source.seq)),
            Err(_) => (None, None),
        },
        // The event that recorded the key, account, order or signature,
        // when the value can be read; else an order's key names it.
        Tree::Registry => (
            None,
            index::decode::<(index::Source, Registered)>(tree, value)
                .ok()
                .map(|(source, _)| source.seq)
                .or_else(|| {
                    (key.first() == Some(&b'o'))
                        .then(|| key.get(2..10).and_then(|b| b.try_into().ok()))
                        .flatten()
                        .map(u64::from_be_bytes)
                }),
        ),
    }
}

/// The variant indices (schema/event-v1.md, section 5) of the events the
/// registry is folded from: `round_sealed` (6), `round_sealed_v2` (8),
/// `key_registered` (9), `account_created` (10), `account_changed` (11),
/// `items_ordered` (13) and `round_signed` (14).
pub const REGISTRY_VARIANTS: [u32; 7] = [6, 8, 9, 10, 11, 13, 14];

/// What the registry holds now.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Registry {
    /// Keys that may sign or cosign round notes, by name.
    pub keys: BTreeMap<crate::domain::KeyName, crate::projection::state::RegisteredKey>,
    /// Accounts, by name.
    pub accounts: BTreeMap<crate::domain::AccountName, crate::projection::state::Account>,
    /// The latest order of each kind of item.
    pub orders: BTreeMap<crate::domain::ItemKind, Vec<EventId>>,
    /// Signatures of round checkpoints, by seal seq, in recording order.
    pub signatures: BTreeMap<u64, Vec<crate::projection::state::RoundSignature>>,
}

impl Registry {
    /// The registry `state` holds, folded from the events of
    /// [`REGISTRY_VARIANTS`].
    pub fn of(state: crate::projection::State) -> Registry {
        Registry {
            keys: state.signing_keys,
            accounts: state.accounts,
            orders: state.orders,
            signatures: state.signatures,
        }
    }
}

/// What checking the index found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndexReport {
    /// Entries compared.
    pub entries: u64,
    /// It was rebuilt from the events after the check.
    pub rebuilt: bool,
    /// The highest seq after the chain's head that the derived data names
    /// ([`Ledger::index_after_head`]): a trace of events cut off the chain,
    /// over which the index is rebuilt only when asked to discard it.
    pub after_head: Option<Trace>,
    /// The trees not compared because this store has not been given them
    /// yet (an earlier version wrote it, or their building was cut short):
    /// no read uses them until the next open builds them from the events.
    pub not_compared: Vec<&'static str>,
    /// The first entry that differs from what the events give.
    pub first_difference: Option<IndexDifference>,
    /// The first event (lowest seq) that breaks a rule of recording about
    /// its item, found while the items were folded; `verify` reports it as
    /// a break of the chain.
    pub rule_broken: Option<Break>,
}

impl IndexReport {
    /// Adds the comparison of the Merkle tree (nodes compared, first
    /// difference) to a report of the rest of the index: its difference
    /// counts only when the rest has none.
    pub fn add_tree(&mut self, (nodes, diff): (u64, Option<IndexDifference>)) {
        if self.first_difference.is_none() {
            self.entries += nodes;
            self.first_difference = diff;
        }
    }

    /// True if the index says what the events say (it did, or it was
    /// rebuilt from them), and every event keeps the rules.
    pub fn ok(&self) -> bool {
        self.rule_broken.is_none()
            && ((self.first_difference.is_none() && self.after_head.is_none()) || self.rebuilt)
    }
}

/// Derived data that names an event the chain does not have (see
/// [`Ledger::index_after_head`]): the highest seq after the head so named,
/// else the lowest at or before it named by another hash; and where (a
/// tree as `verify` names it: `merkle`, `meta` for the index's mark,
/// `ix_current`, `ix_rounds`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Trace {
    /// The seq named.
    pub seq: u64,
    /// What names it.
    pub tree: &'static str,
    /// The seq is at or before the head, and the chain's event there is
    /// another than the one named (the chain was cut and written on).
    pub rewritten: bool,
}

/// An index entry that differs from what the events give.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexDifference {
    /// The tree it is in.
    pub tree: &'static str,
    /// The item it is about, if any.
    pub item: Option<EventId>,
    /// The event it names, if any.
    pub seq: Option<u64>,
    /// What differs (its `Display` is the English sentence).
    pub what: IndexFinding,
}

/// Whether the index's fold hashes each event it reads again.
#[derive(Clone, Copy)]
enum Hashes {
    /// Hash each (the chain was not checked alongside).
    Check,
    /// Take the stored hash, and decode without the canonical check (a
    /// chain check hashes and decodes each alongside, or did just before).
    Trust,
}

/// How the folds over every item read the items' events: gathered by one
/// scan in chunks of about this many events (see `spill`).
const GATHERED: Option<usize> = Some(super::spill::CHUNK_EVENTS);

/// Threads that fold the items when the index is rebuilt (the machines
/// this runs on have two cores).
pub(super) const WORKERS: usize = 2;

/// The item index read once (see `Ledger::item_plan`).
#[derive(Default)]
struct ItemPlan {
    /// Every item with its seqs, in id order.
    items: Vec<(EventId, Vec<u64>)>,
    /// The events that are no item's, by seq.
    others: Vec<(u64, Recorded)>,
    /// The legend of the ledger's first event.
    legend: Option<crate::domain::Legend>,
}

/// What a thread of an index build has derived and not yet written
/// ([`Ledger::write_built`]), and how much it wrote since sled was last
/// made to let it out of memory.
#[derive(Debug, Default)]
pub(crate) struct BuildSink {
    entries: Vec<Entry>,
    held: usize,
    written: usize,
}

impl BuildSink {
    /// A sink for each thread of a build.
    pub(crate) fn each_worker() -> Vec<BuildSink> {
        (0..WORKERS).map(|_| BuildSink::default()).collect()
    }
}

/// What rebuilding the index gave (see `Ledger::expected_index`).
pub(crate) struct Expected<S> {
    /// The entries of what is no item's (rounds and registry), in key
    /// order.
    pub others: Vec<Entry>,
    /// The first event that breaks a rule of recording.
    pub broken: Option<Break>,
    /// The sinks, in the runs' order.
    pub sinks: Vec<S>,
    /// Every item, in id order.
    pub items: Vec<EventId>,
}

/// What one run of items gave, besides its sink.
struct RunOutcome {
    /// Per round, how many of the run's items stood in each status.
    counts: Vec<BTreeMap<String, usize>>,
    /// The run's first broken rule.
    broken: Option<Break>,
}

/// `items` cut into `n` runs in order, of about as many events each (as
/// ranges of `items`).
fn runs(items: &[(EventId, Vec<u64>)], n: usize) -> Vec<std::ops::Range<usize>> {
    let total: usize = items.iter().map(|(_, s)| s.len()).sum();
    let mut out = Vec::with_capacity(n);
    let mut start = 0;
    let mut acc = 0;
    for (i, (_, seqs)) in items.iter().enumerate() {
        acc += seqs.len();
        if out.len() + 1 < n && acc * n >= total * (out.len() + 1) {
            out.push(start..i + 1);
            start = i + 1;
        }
    }
    out.push(start..items.len());
    while out.len() < n {
        out.push(items.len()..items.len());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::TestClock;

    /// Every item's fold as [`Ledger::expected_index_of`] hands it over,
    /// the events read as `gather` says.
    fn folded(
        ledger: &Ledger,
        gather: Option<usize>,
    ) -> (Vec<Entry>, Option<Break>, Vec<ItemBuild>) {
        let Expected {
            others,
            broken,
            sinks,
            ..
        } = ledger
            .expected_index_of(
                vec![Vec::new(); WORKERS],
                &|sink: &mut Vec<ItemBuild>, build| {
                    sink.push(build);
                    Ok(())
                },
                &mut |_, _| {},
                Hashes::Check,
                gather,
            )
            .unwrap();
        (others, broken, sinks.into_iter().flatten().collect())
    }

    /// An item's history read in parts is the history read in one go, in
    /// the same order, however many parts.
    #[test]
    fn a_history_read_in_parts_is_the_history_read_whole() {
        let spec = crate::synth::Spec {
            items: 3,
            events: 400,
            rounds: 2,
            seed: 11,
        };
        let (_dir, ws) = crate::synth::generated(spec, TestClock::pinned(), 64);
        let ledger = ws.ledger();
        let first = ledger
            .store()
            .ix_scan(Tree::Current, &[])
            .next()
            .unwrap()
            .unwrap()
            .0;
        let item = EventId(<[u8; 16]>::try_from(first.as_ref()).unwrap());
        let seqs = ledger.item_seqs(item).unwrap();
        assert!(
            seqs.len() >= 2 * HISTORY_THREADS_FROM,
            "{} events",
            seqs.len()
        );
        let read = |parts| -> Vec<(u64, crate::domain::EventHash)> {
            ledger
                .history_in_parts(item, &seqs, parts)
                .unwrap()
                .iter()
                .map(|r| (r.envelope.seq, r.hash))
                .collect()
        };
        let whole = read(1);
        assert_eq!(whole.iter().map(|x| x.0).collect::<Vec<_>>(), seqs);
        for parts in [2, 3, HISTORY_PARTS, seqs.len() + 5] {
            assert_eq!(read(parts), whole, "in {parts} parts");
        }
    }

    #[test]
    fn parts_read_apart_name_the_first_error_in_order() {
        let err = |seq| Err(corrupt(format!("at {seq}")));
        let parts: Vec<Result<Vec<u64>>> = vec![Ok(vec![1, 2]), err(3), err(5)];
        match in_order(parts) {
            Err(Error::Corrupt { what, .. }) => assert_eq!(what, "at 3"),
            other => panic!("{other:?}"),
        }
        let parts: Vec<Result<Vec<u64>>> = vec![Ok(vec![1, 2]), Ok(vec![]), Ok(vec![3])];
        assert_eq!(in_order(parts).unwrap(), vec![1, 2, 3]);
    }

    #[test]
    fn the_items_events_gathered_by_one_scan_fold_as_read_by_seq() {
        let spec = crate::synth::Spec {
            items: 30,
            events: 1_500,
            rounds: 4,
            seed: 7,
        };
        let (_dir, ws) = crate::synth::generated(spec, TestClock::pinned(), 64);
        let ledger = ws.ledger();
        let by_seq = folded(ledger, None);
        assert_eq!(by_seq.2.len(), 30, "every item folded");
        assert!(by_seq.2.iter().all(|b| !b.entries.is_empty()));
        // Chunks of a few events (many per run, an item each or more),
        // and of the whole ledger.
        for chunk in [1, 7, 100, 1 << 20] {
            assert!(
                folded(ledger, Some(chunk)) == by_seq,
                "gathered in chunks of {chunk} events, the folds differ"
            );
        }
    }
}

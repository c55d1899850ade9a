//! The index in the store: views read out of it, the index built from the
//! events (after a restore, or once for a store an earlier version wrote),
//! and checked against them by `verify`. The rules of what an event writes
//! and what a view reads are in [`crate::projection::index`]; the sled
//! trees are [`super::store`]'s.
//!
//! What reads trust: a view is read from the index alone, after the ledger
//! was opened (the stored head names the last event, whose hash and recorded
//! time match, and the index was written up to that same head). Whether the
//! index says what the events say is established by `verify`, which
//! rebuilds it from the events, and is checked before every round seal.

use super::{Break, BreakKind, Head, Ledger, Recorded};
use crate::domain::{Day, EventId};
use crate::error::{Error, Result};
use crate::projection::index::{
    self, Entry, FactKind, FactValue, ItemBuild, Payload, RoundEntry, Snapshot, Tree,
};
use crate::projection::{ItemView, Round};
use std::collections::BTreeMap;

/// An index entry's key and value.
type KeyValue = (Vec<u8>, Vec<u8>);

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

    /// One item's latest snapshot.
    pub fn current_of(&self, id: EventId) -> Result<Option<Snapshot>> {
        self.store()
            .ix_get(Tree::Current, &id.0)?
            .map(|v| decoded(Tree::Current, &v))
            .transpose()
    }

    /// The item as a view at seq `s` on `day` (latest when None) shows it,
    /// starting from its latest snapshot `current`; None if it was
    /// registered after `s`.
    pub fn item_at(&self, current: Snapshot, s: u64, day: Option<Day>) -> Result<Option<ItemView>> {
        let id = current.item.id;
        let snapshot = if current.source.seq <= s {
            current
        } else {
            let lo = index::version_key(id, 0);
            let hi = index::version_key(id, s);
            match self.store().ix_range_rev(Tree::Versions, &lo, &hi).next() {
                None => return Ok(None),
                Some(r) => {
                    let (_, v) = r?;
                    let mut snap: Snapshot = decoded(Tree::Versions, &v)?;
                    if let Some(key) = snap.note {
                        snap.item.note = match self.store().ix_get(Tree::Facts, &key.to_bytes())? {
                            Some(v) => match decoded::<FactValue>(Tree::Facts, &v)?.payload {
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
                        };
                    }
                    snap
                }
            }
        };
        let Some(d) = day else {
            return Ok(Some(snapshot.item));
        };
        let item = index::resolve(&snapshot, s, d, &mut |kind| self.fact_at(id, kind, d, s))?;
        Ok(Some(item))
    }

    /// The fact of `kind` about item `id` in force on `day` in a view at
    /// seq `s`: the last entry on or before that day that was open at `s`.
    fn fact_at(&self, id: EventId, kind: FactKind, day: Day, s: u64) -> Result<Option<FactValue>> {
        let (lo, hi) = index::fact_range(id, kind, Some(day));
        for r in self.store().ix_range_rev(Tree::Facts, &lo, &hi) {
            let (_, v) = r?;
            let f: FactValue = decoded(Tree::Facts, &v)?;
            if f.open_at(s) {
                return Ok(Some(f));
            }
        }
        Ok(None)
    }

    /// The item events of item `id`, in order, up to and including `upto`.
    pub fn item_events(&self, id: EventId, upto: u64) -> Result<Vec<Recorded>> {
        self.item_history_upto(id, upto)
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

    /// The seqs of the round seals, ascending (read from the events that
    /// are no item's).
    fn seal_seqs(&self) -> Result<Vec<(u64, Recorded)>> {
        let Some(head) = self.head() else {
            return Ok(Vec::new());
        };
        let mut is_item = vec![false; usize::try_from(head.seq + 1).unwrap_or(0)];
        for r in self.store().index_entries() {
            let (_, seq) = r?;
            if let Some(slot) = usize::try_from(seq).ok().and_then(|s| is_item.get_mut(s)) {
                *slot = true;
            }
        }
        let mut out = Vec::new();
        for (seq, item) in is_item.iter().enumerate() {
            if *item {
                continue;
            }
            let seq = seq as u64;
            let rec = self.get(seq)?.ok_or_else(|| Error::Corrupt {
                seq: Some(seq),
                what: "no event is stored below the head".into(),
            })?;
            if matches!(
                rec.envelope.body,
                crate::domain::EventBody::RoundSealed { .. }
            ) {
                out.push((seq, rec));
            }
        }
        Ok(out)
    }

    /// Builds the index from the events (whose chain the caller has
    /// checked): item by item, then the rounds with their counts. The index
    /// is marked as being built until it is whole. Returns the first event
    /// that breaks a rule of recording, if one does; the index is then left
    /// unfinished (marked as being built, so never read). `progress(items
    /// done, items)`.
    pub fn build_index(&self, progress: &mut dyn FnMut(u64, u64)) -> Result<Option<Break>> {
        let Some(head) = self.head() else {
            return Ok(None);
        };
        self.store().begin_index()?;
        let (rounds, broken) = self.expected_index(&mut |done, total, build: ItemBuild| {
            let entries: Vec<Entry> = build
                .entries
                .into_iter()
                .map(|((tree, key), value)| Entry { tree, key, value })
                .collect();
            progress(done, total);
            self.store().write_entries(&entries)
        })?;
        if broken.is_some() {
            return Ok(broken);
        }
        self.store().write_entries(&rounds)?;
        self.store().finish_index(head)?;
        Ok(None)
    }

    /// Rebuilds the whole index from the events, handing each item's part
    /// to `each(items done, items, part)`; returns the rounds' entries and
    /// the first event (lowest seq) that breaks a rule of recording.
    pub(crate) fn expected_index(
        &self,
        each: &mut dyn FnMut(u64, u64, ItemBuild) -> Result<()>,
    ) -> Result<(Vec<Entry>, Option<Break>)> {
        let seals = self.seal_seqs()?;
        let seal_seqs: Vec<u64> = seals.iter().map(|(s, _)| *s).collect();
        let legend = match self.get(0)? {
            Some(Recorded {
                envelope:
                    super::Envelope {
                        body: crate::domain::EventBody::LedgerCreated { legend, .. },
                        ..
                    },
                ..
            }) => legend,
            _ => crate::domain::Legend::nap(),
        };
        let ids: Vec<EventId> = self.item_ids().collect::<Result<_>>()?;
        let total = ids.len() as u64;
        let mut at_rounds: Vec<Vec<String>> = vec![Vec::new(); seals.len()];
        let head = self.head().map_or(0, |h| h.seq);
        let mut broken: Option<Break> = None;
        for (n, id) in ids.iter().enumerate() {
            let events = self.item_events(*id, head)?;
            let build = index::build_item(events.into_iter().map(Ok), &seal_seqs, &legend)?;
            if let Some(b) = &build.broken
                && broken.as_ref().is_none_or(|f| b.seq < f.seq)
            {
                broken = Some(Break {
                    seq: b.seq,
                    kind: BreakKind::RuleBroken,
                    item: Some(build.key.clone().unwrap_or_else(|| id.hex())),
                    detail: format!("the ledger would have refused to record it: {}", b.what),
                });
            }
            for (slot, status) in at_rounds.iter_mut().zip(&build.at_rounds) {
                if let Some(s) = status {
                    slot.push(s.clone());
                }
            }
            each(n as u64 + 1, total, build)?;
        }
        let mut state = crate::projection::State::default();
        let mut rounds = Vec::new();
        for ((_, rec), statuses) in seals.iter().zip(&at_rounds) {
            state.apply(rec);
            if let Some(r) = state.rounds.last() {
                rounds.push(index::round_entry(
                    rec,
                    r,
                    &legend,
                    statuses.iter().map(String::as_str),
                ));
            }
        }
        Ok((rounds, broken))
    }

    /// Compares the stored index with the one the events give; returns
    /// the first difference, by tree, item and seq. `progress(items done,
    /// items)`.
    pub fn check_index(&self, progress: &mut dyn FnMut(u64, u64)) -> Result<IndexReport> {
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
                    None => "the index was never built (or its building was interrupted)".into(),
                    Some(h) => mismatch(h, self.head()),
                },
            });
        }
        // Per item, the stored entries under its id must be exactly the
        // expected ones; the keys and rounds trees are compared whole.
        let mut expected_keys: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
        let mut entries = 0u64;
        let (rounds, broken) = self.expected_index(&mut |done, total, build| {
            progress(done, total);
            if first.is_some() {
                return Ok(());
            }
            let mut by_tree: BTreeMap<Tree, Vec<KeyValue>> = BTreeMap::new();
            let mut item = None;
            for ((tree, key), value) in build.entries {
                if tree == Tree::Keys {
                    expected_keys.insert(key, value);
                    continue;
                }
                item.get_or_insert_with(|| key.get(..16).map(<[u8]>::to_vec));
                by_tree.entry(tree).or_default().push((key, value));
            }
            let Some(Some(prefix)) = item else {
                return Ok(());
            };
            for tree in [Tree::Current, Tree::Versions, Tree::Facts] {
                let want = by_tree.remove(&tree).unwrap_or_default();
                entries += want.len() as u64;
                let have = self.store().ix_prefix(tree, &prefix);
                if let Some(d) = compare(tree, want.into_iter(), have)? {
                    first = Some(d);
                    return Ok(());
                }
            }
            Ok(())
        })?;
        if first.is_none() {
            // A snapshot of an item that has no events at all. (Reads start
            // from the snapshots, so versions and facts of such an item are
            // never read.)
            let ids: std::collections::BTreeSet<Vec<u8>> = self
                .item_ids()
                .map(|r| r.map(|id| id.0.to_vec()))
                .collect::<Result<_>>()?;
            for r in self.store().ix_scan(Tree::Current, &[]) {
                let (k, _) = r?;
                if !ids.contains(k.as_ref()) {
                    first = Some(IndexDifference {
                        tree: Tree::Current.name(),
                        item: k.as_ref().try_into().ok().map(EventId),
                        seq: None,
                        what: "an entry for an item the events do not have".into(),
                    });
                    break;
                }
            }
        }
        if first.is_none() {
            entries += expected_keys.len() as u64;
            first = compare(
                Tree::Keys,
                expected_keys.into_iter(),
                self.store().ix_scan(Tree::Keys, &[]),
            )?;
        }
        if first.is_none() {
            entries += rounds.len() as u64;
            first = compare(
                Tree::Rounds,
                rounds.into_iter().map(|e| (e.key, e.value)),
                self.store().ix_scan(Tree::Rounds, &[]),
            )?;
        }
        report.entries = entries;
        report.first_difference = first;
        report.rule_broken = broken;
        Ok(report)
    }
}

/// Says how the head the index was written up to differs from the chain's.
pub fn mismatch(index: Head, chain: Option<Head>) -> String {
    match chain {
        Some(c) if c.seq == index.seq => format!(
            "the index was written up to seq {} with hash {}, but the chain's event there has hash {}",
            index.seq,
            index.hash.short(),
            c.hash.short()
        ),
        Some(c) => format!(
            "the index was written up to seq {} but the chain's head is seq {}",
            index.seq, c.seq
        ),
        None => format!(
            "the index was written up to seq {} but the chain has no head",
            index.seq
        ),
    }
}

/// Compares expected entries with stored ones (both in key order).
fn compare(
    tree: Tree,
    want: impl Iterator<Item = (Vec<u8>, Vec<u8>)>,
    have: impl Iterator<Item = Result<(sled::IVec, sled::IVec)>>,
) -> Result<Option<IndexDifference>> {
    let mut want = want.peekable();
    let mut have = have.peekable();
    loop {
        let h = match have.next() {
            Some(r) => Some(r?),
            None => None,
        };
        let w = want.next();
        let (item, seq) = match (&w, &h) {
            (Some((k, _)), _) => where_of(tree, k),
            (None, Some((k, _))) => where_of(tree, k),
            (None, None) => return Ok(None),
        };
        let what = match (w, h) {
            (Some((wk, wv)), Some((hk, hv))) if wk == hk.as_ref() => {
                if wv == hv.as_ref() {
                    continue;
                }
                "the entry differs from the one the events give"
            }
            (Some((wk, _)), Some((hk, _))) if wk.as_slice() < hk.as_ref() => {
                "an entry the events give is missing"
            }
            (Some(_), Some(_)) => "an entry the events do not give is present",
            (Some(_), None) => "an entry the events give is missing",
            (None, Some(_)) => "an entry the events do not give is present",
            (None, None) => return Ok(None),
        };
        return Ok(Some(IndexDifference {
            tree: tree.name(),
            item,
            seq,
            what: what.into(),
        }));
    }
}

/// The item and seq an index key names.
fn where_of(tree: Tree, key: &[u8]) -> (Option<EventId>, Option<u64>) {
    let item = key.get(..16).and_then(|p| p.try_into().ok()).map(EventId);
    match tree {
        Tree::Versions => (
            item,
            key.get(16..24)
                .and_then(|b| b.try_into().ok())
                .map(u64::from_be_bytes),
        ),
        Tree::Facts => (item, index::FactKey::from_bytes(key).map(|k| k.version)),
        Tree::Current => (item, None),
        Tree::Rounds => (None, key.try_into().ok().map(u64::from_be_bytes)),
        Tree::Keys => (None, None),
    }
}

/// What checking the index found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndexReport {
    /// Entries compared.
    pub entries: u64,
    /// It was rebuilt from the events after the check.
    pub rebuilt: bool,
    /// The first entry that differs from what the events give.
    pub first_difference: Option<IndexDifference>,
    /// The first event (lowest seq) that breaks a rule of recording about
    /// its item, found while the items were folded; `verify` reports it as
    /// a break of the chain.
    pub rule_broken: Option<Break>,
}

impl IndexReport {
    /// True if the index says what the events say (it did, or it was
    /// rebuilt from them), and every event keeps the rules.
    pub fn ok(&self) -> bool {
        self.rule_broken.is_none() && (self.first_difference.is_none() || self.rebuilt)
    }
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
    /// What differs.
    pub what: String,
}

//! Planning an import: rows read from an annex or a CSV file, compared with
//! the ledger's current view, become the events that record what changed.
//! Pure: it returns drafts and findings; the caller decides and appends them
//! as one atomic batch. Linear in the rows and the ledger's items: every
//! lookup goes through a map built once.
//!
//! Matching: a row names an existing item by its key (given, or derived
//! from its first citation as for new items), else by a citation the item
//! now carries, else by the same kind and the same non-empty text as the
//! item has now (so an item amended by hand is found by its new text). A
//! row without text or citation is matched by its progress text or its
//! place among such rows, to the items that lack them or had them filled
//! in by an amendment. A row that matches nothing registers a new item.
//!
//! For an existing item only differences are recorded: a status that
//! differs (a row that states none, or says "not stated", leaves it alone:
//! the file does not know better than a status recorded by hand),
//! responsible parties that differ, a progress text that differs from the
//! latest note, details (deadline, where and when it was made, the
//! previous responsible) that differ. A new item made on a known earlier
//! day exists from that day; the status the file reports takes the
//! import's date. The order of the file's rows is kept as the items'
//! order in the annex when it differs from the ledger's.

use crate::domain::{
    Day, EventBody, EventId, ItemKey, ItemKind, KamerstukRef, Legend, legend::NOT_STATED,
};
use crate::formats::{Anomaly, ImportRow};
use crate::ledger::Draft;
use crate::projection::natural_key;
use crate::projection::{ItemView, View};
use std::collections::{BTreeMap, BTreeSet};

/// The outcome of planning.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// Events to append, in order.
    pub drafts: Vec<Draft>,
    /// What was odd, by line.
    pub anomalies: Vec<Anomaly>,
    /// Items registered by the import.
    pub added: usize,
    /// Existing items the import changed.
    pub changed: usize,
    /// Existing items the import found unchanged.
    pub unchanged: usize,
    /// Keys of ledger items the file does not mention.
    pub not_in_file: Vec<String>,
}

/// A known item as the plan compares it: now, and on the import's day.
#[derive(Clone, Copy)]
struct Known<'a> {
    /// On the latest effective values.
    now: &'a ItemView,
    /// On the import's effective day.
    on: &'a ItemView,
}

/// The ledger's items, looked up by key, by citation, by text and by what
/// lost its text.
struct Items<'a> {
    by_key: BTreeMap<String, Known<'a>>,
    /// Key hints of the citations items carry now; None where two items
    /// share one.
    by_citation: BTreeMap<String, Option<Known<'a>>>,
    by_text: BTreeMap<(ItemKind, &'a str), Known<'a>>,
    all: Vec<Known<'a>>,
    /// Display position, by id.
    place: BTreeMap<EventId, usize>,
}

impl<'a> Items<'a> {
    fn new(now: &'a View, on: &'a View) -> Items<'a> {
        let on_day: BTreeMap<EventId, &ItemView> = on.items.iter().map(|i| (i.id, i)).collect();
        let all: Vec<Known<'a>> = now
            .items
            .iter()
            .map(|i| Known {
                now: i,
                on: on_day.get(&i.id).copied().unwrap_or(i),
            })
            .collect();
        let mut by_text = BTreeMap::new();
        let mut by_citation: BTreeMap<String, Option<Known<'a>>> = BTreeMap::new();
        for k in &all {
            // The first item (in display order) with a text wins, as before.
            by_text
                .entry((k.now.kind, k.now.text.as_str()))
                .or_insert(*k);
            let hints: BTreeSet<String> = k
                .now
                .citations
                .iter()
                .filter_map(|c| KamerstukRef::parse(c).key_hint())
                .map(|h| h.to_ascii_lowercase())
                .collect();
            for h in hints {
                by_citation
                    .entry(h)
                    .and_modify(|e| *e = None)
                    .or_insert(Some(*k));
            }
        }
        Items {
            by_key: all.iter().map(|k| (k.now.key.folded(), *k)).collect(),
            by_citation,
            by_text,
            place: all.iter().enumerate().map(|(n, k)| (k.now.id, n)).collect(),
            all,
        }
    }

    /// The one item that carries one of the row's citations now.
    fn by_citation(&self, row: &ImportRow) -> Option<Known<'a>> {
        row.citations
            .iter()
            .filter_map(|c| KamerstukRef::parse(c).key_hint())
            .find_map(|h| {
                self.by_citation
                    .get(&h.to_ascii_lowercase())
                    .copied()
                    .flatten()
            })
    }

    fn by_key(&self, key: &str) -> Option<Known<'a>> {
        self.by_key.get(&key.to_ascii_lowercase()).copied()
    }
}

/// Plans the events for `rows` against the ledger: `now` is its current
/// view on the latest effective values, `on` the same on `effective`, the
/// date of status and responsibility changes to known items, and of new
/// items and notes whose row gives none; `new_id` supplies event ids (an
/// item's id is its registration's, so later drafts can name new items).
pub fn plan(
    now: &View,
    on: &View,
    rows: &[ImportRow],
    effective: Day,
    new_id: &mut dyn FnMut() -> EventId,
) -> Plan {
    let mut p = Plan::default();
    let items = Items::new(now, on);
    let mut keys = Keys {
        used: now.items.iter().map(|i| i.key.folded()).collect(),
        next: BTreeMap::new(),
    };
    let mut seen: BTreeSet<EventId> = BTreeSet::new();
    let legend = now.legend();
    let textless = TextlessRows::new(&items, rows);
    // Every row's item, in the file's order: kind, id, display place now
    // (None for a new item), key.
    let mut placed: Vec<(ItemKind, EventId, Option<usize>, ItemKey)> = Vec::new();
    for row in rows {
        let existing = match find(&items, row, &textless) {
            Some(Match::Sure(it)) => Some(it),
            Some(Match::ByPosition(it)) => {
                p.anomalies.push(Anomaly {
                    line: row.line,
                    message: format!(
                        "matched to {} by its position among the rows without text or citation; check it",
                        it.now.key
                    ),
                });
                Some(it)
            }
            None => None,
        };
        if let Some(it) = existing {
            if !seen.insert(it.now.id) {
                p.anomalies.push(Anomaly {
                    line: row.line,
                    message: format!(
                        "item {} appears twice in the file; this row is skipped",
                        it.now.key
                    ),
                });
                continue;
            }
            placed.push((
                it.now.kind,
                it.now.id,
                items.place.get(&it.now.id).copied(),
                it.now.key.clone(),
            ));
            let before = p.drafts.len();
            changes(&mut p, it, row, legend, effective, new_id);
            if !row.text.is_empty() && row.text != it.now.text {
                p.anomalies.push(Anomaly {
                    line: row.line,
                    message: format!(
                        "the text of {} differs from the ledger's; it is not changed by an import (use `item amend`)",
                        it.now.key
                    ),
                });
            }
            if p.drafts.len() > before {
                p.changed += 1;
            } else {
                p.unchanged += 1;
            }
            continue;
        }
        let Some(key) = keys.new_key(row) else {
            p.anomalies.push(Anomaly {
                line: row.line,
                message: "no free key for this row; it is skipped".into(),
            });
            continue;
        };
        if row.text.is_empty() && row.citations.is_empty() && row.key.is_none() {
            p.anomalies.push(Anomaly {
                line: row.line,
                message: format!(
                    "registered as new item {key}; a later import can match it only by the same progress text or by its place among the rows without text or citation"
                ),
            });
        }
        let status = stated(&mut p, row, legend);
        let id = new_id();
        placed.push((row.kind, id, None, key.clone()));
        // An item made on a known earlier day exists from that day; what
        // the file says of its status is what stood on the import's day.
        let made_earlier = row
            .effective
            .is_none()
            .then_some(row.made_on)
            .flatten()
            .filter(|d| *d < effective);
        p.drafts.push(Draft {
            id,
            body: EventBody::ItemRegistered {
                kind: row.kind,
                key,
                text: row.text.clone(),
                submitters: row.submitters.clone(),
                citations: row.citations.clone(),
                responsible: row.responsible.clone().unwrap_or_default(),
                status: match (made_earlier, &status) {
                    (None, Some(s)) => s.clone(),
                    _ => NOT_STATED.to_string(),
                },
                effective: row.effective.or(made_earlier).unwrap_or(effective),
            },
        });
        if let (Some(_), Some(s)) = (made_earlier, status) {
            p.drafts.push(Draft {
                id: new_id(),
                body: EventBody::StatusChanged {
                    item: id,
                    status: s,
                    reason: Some("import".into()),
                    effective,
                },
            });
        }
        if let Some(body) = details(id, row, None) {
            p.drafts.push(Draft { id: new_id(), body });
        }
        if let Some(text) = row.progress.clone().filter(|t| !t.trim().is_empty()) {
            let note_id = new_id();
            p.drafts.push(Draft {
                id: note_id,
                body: EventBody::ProgressNoted {
                    item: id,
                    text,
                    citations: row.progress_citations.clone(),
                    effective: row
                        .progress_effective
                        .or(row.effective)
                        .unwrap_or(effective),
                },
            });
        }
        p.added += 1;
    }
    for kind in [ItemKind::Motie, ItemKind::Toezegging] {
        if let Some(order) = reordered(&placed, kind) {
            p.drafts.push(Draft {
                id: new_id(),
                body: EventBody::ItemsOrdered { kind, order },
            });
        }
    }
    p.not_in_file = now
        .items
        .iter()
        .filter(|i| !i.withdrawn && !seen.contains(&i.id))
        .map(|i| i.key.to_string())
        .collect();
    p
}

/// The status a row states, if the ledger's legend has it: "not stated"
/// states none, and one the legend lacks is an anomaly.
fn stated(p: &mut Plan, row: &ImportRow, legend: &Legend) -> Option<String> {
    let s = row.status.as_ref().filter(|s| s.as_str() != NOT_STATED)?;
    if legend.get(s).is_none() {
        p.anomalies.push(Anomaly {
            line: row.line,
            message: format!("status '{s}' is not in the ledger's legend; not stated instead"),
        });
        return None;
    }
    Some(s.clone())
}

/// The order of `kind`'s items in the file, when it is not the order they
/// would be shown in anyway (known items where they stand, new ones after
/// them by key).
fn reordered(
    placed: &[(ItemKind, EventId, Option<usize>, ItemKey)],
    kind: ItemKind,
) -> Option<Vec<EventId>> {
    let file: Vec<&(ItemKind, EventId, Option<usize>, ItemKey)> =
        placed.iter().filter(|p| p.0 == kind).collect();
    let mut shown = file.clone();
    shown.sort_by_cached_key(|p| (p.2.unwrap_or(usize::MAX), natural_key(p.3.as_str())));
    let order: Vec<EventId> = file.iter().map(|p| p.1).collect();
    (order.len() > 1 && order != shown.iter().map(|p| p.1).collect::<Vec<_>>()).then_some(order)
}

/// The details a row gives that the item (None: a new one) does not hold:
/// an [`EventBody::ItemDetailed`], or None when there are none.
fn details(item: EventId, row: &ImportRow, known: Option<&ItemView>) -> Option<EventBody> {
    fn new<T: PartialEq + Clone>(row: &Option<T>, now: Option<&Option<T>>) -> Option<T> {
        row.as_ref()
            .filter(|v| now.is_none_or(|n| n.as_ref() != Some(*v)))
            .cloned()
    }
    let deadline = new(&row.deadline, known.map(|k| &k.deadline));
    let made_on = new(&row.made_on, known.map(|k| &k.made_on));
    let made_in = new(&row.made_in, known.map(|k| &k.made_in));
    let previous_responsible = row
        .previous_responsible
        .as_ref()
        .filter(|r| !r.is_empty())
        .filter(|r| {
            known.is_none_or(|k| {
                k.previous_responsible
                    .as_ref()
                    .is_none_or(|p| !r.same_parties(p))
            })
        })
        .cloned();
    (deadline.is_some() || made_on.is_some() || made_in.is_some() || previous_responsible.is_some())
        .then(|| EventBody::ItemDetailed {
            item,
            deadline,
            made_on,
            made_in,
            previous_responsible,
            reason: Some("import".into()),
        })
}

fn derived_key(row: &ImportRow) -> Option<ItemKey> {
    row.citations
        .iter()
        .filter_map(|c| KamerstukRef::parse(c).key_hint())
        .find_map(|h| ItemKey::parse(&h).ok())
}

/// How a row was matched to an existing item.
enum Match<'a> {
    /// By key, citation or text: certain.
    Sure(Known<'a>),
    /// A row without text or citation, matched by its place among such rows.
    ByPosition(Known<'a>),
}

fn find<'a>(items: &Items<'a>, row: &ImportRow, textless: &TextlessRows<'a>) -> Option<Match<'a>> {
    if let Some(k) = &row.key {
        return items.by_key(k.as_str()).map(Match::Sure);
    }
    if let Some(it) = derived_key(row).and_then(|k| items.by_key(k.as_str())) {
        return Some(Match::Sure(it));
    }
    if let Some(it) = items.by_citation(row) {
        return Some(Match::Sure(it));
    }
    if row.text.is_empty() {
        return textless.find(row);
    }
    items
        .by_text
        .get(&(row.kind, row.text.as_str()))
        .copied()
        .map(Match::Sure)
}

/// Rows that lost their text and carry no citation can only be matched to
/// items that lack them too, or had their text filled in by an amendment
/// since: by the same progress text (the same annex again), else by
/// position, when the file has exactly as many such rows of that kind as
/// the ledger has such items. Built once, so that each row is looked up,
/// not compared with every such item and row.
struct TextlessRows<'a> {
    /// Per kind, the items without text or citation, in registration order.
    items: BTreeMap<ItemKind, Vec<Known<'a>>>,
    /// Per kind and latest note text, the first of those items.
    by_note: BTreeMap<(ItemKind, &'a str), Known<'a>>,
    /// Per kind, how many such rows the file has.
    rows: BTreeMap<ItemKind, usize>,
    /// Each such row's place among those of its kind, by line.
    place: BTreeMap<usize, usize>,
}

impl<'a> TextlessRows<'a> {
    fn new(all: &Items<'a>, rows: &[ImportRow]) -> TextlessRows<'a> {
        let mut sorted: Vec<Known<'a>> = all
            .all
            .iter()
            .copied()
            .filter(|k| {
                !k.now.withdrawn
                    && k.now.citations.is_empty()
                    && (k.now.text.is_empty() || k.now.tally.amendments > 0)
            })
            .collect();
        sorted.sort_by_key(|k| k.now.registered_seq);
        let mut items: BTreeMap<ItemKind, Vec<Known<'a>>> = BTreeMap::new();
        let mut by_note = BTreeMap::new();
        for k in sorted {
            if let Some(n) = &k.now.note {
                by_note.entry((k.now.kind, n.text.as_str())).or_insert(k);
            }
            items.entry(k.now.kind).or_default().push(k);
        }
        let mut counts: BTreeMap<ItemKind, usize> = BTreeMap::new();
        let mut place = BTreeMap::new();
        for r in rows
            .iter()
            .filter(|r| r.key.is_none() && r.text.is_empty() && r.citations.is_empty())
        {
            let n = counts.entry(r.kind).or_default();
            place.entry(r.line).or_insert(*n);
            *n += 1;
        }
        TextlessRows {
            items,
            by_note,
            rows: counts,
            place,
        }
    }

    fn find(&self, row: &ImportRow) -> Option<Match<'a>> {
        if let Some(p) = &row.progress
            && let Some(it) = self.by_note.get(&(row.kind, p.as_str()))
        {
            return Some(Match::Sure(*it));
        }
        let items = self.items.get(&row.kind).map_or(&[][..], Vec::as_slice);
        if self.rows.get(&row.kind).copied().unwrap_or(0) != items.len() {
            return None;
        }
        let at = *self.place.get(&row.line)?;
        items.get(at).map(|it| Match::ByPosition(*it))
    }
}

/// The keys in use, and per key letter the lowest counter that may be
/// free: keys are only added, so the search for the next free `M<n>` goes
/// on from where the last one stopped.
struct Keys {
    used: BTreeSet<String>,
    next: BTreeMap<char, u64>,
}

impl Keys {
    /// The key of a new item: the row's own, else one derived from its
    /// citations, else the kind's letter and the next free counter; taken.
    fn new_key(&mut self, row: &ImportRow) -> Option<ItemKey> {
        let key = if let Some(k) = &row.key {
            (!self.used.contains(&k.folded())).then(|| k.clone())?
        } else if let Some(k) = derived_key(row).filter(|k| !self.used.contains(&k.folded())) {
            k
        } else {
            let letter = row.kind.key_letter();
            let n = self.next.entry(letter).or_insert(1);
            loop {
                let k = format!("{letter}{n}");
                *n += 1;
                if !self.used.contains(&k.to_ascii_lowercase()) {
                    break ItemKey::parse(&k).ok()?;
                }
            }
        };
        self.used.insert(key.folded());
        Some(key)
    }
}

fn changes(
    p: &mut Plan,
    it: Known<'_>,
    row: &ImportRow,
    legend: &Legend,
    effective: Day,
    new_id: &mut dyn FnMut() -> EventId,
) {
    // A row's `effective` is the item's own date (as the CSV export writes
    // it), not that of a change to a known item: those take the import's.
    // Skip what the item already holds now or on that day: the ledger
    // refuses the latter as "nothing to record", which would sink the batch.
    let on = effective;
    if let Some(s) = stated(p, row, legend).filter(|s| it.now.status != *s && it.on.status != *s) {
        p.drafts.push(Draft {
            id: new_id(),
            body: EventBody::StatusChanged {
                item: it.now.id,
                status: s,
                reason: Some("import".into()),
                effective: on,
            },
        });
    }
    if let Some(r) = row.responsible.as_ref().filter(|r| {
        !r.is_empty() && !r.same_parties(&it.now.responsible) && !r.same_parties(&it.on.responsible)
    }) {
        p.drafts.push(Draft {
            id: new_id(),
            body: EventBody::ResponsibilityChanged {
                item: it.now.id,
                responsible: r.clone(),
                reason: Some("import".into()),
                effective: on,
            },
        });
    }
    if let Some(body) = details(it.now.id, row, Some(it.now)) {
        p.drafts.push(Draft { id: new_id(), body });
    }
    let latest = it.now.note.as_ref().map(|n| n.text.as_str());
    if let Some(text) = row
        .progress
        .as_ref()
        .filter(|t| !t.trim().is_empty() && latest != Some(t.as_str()))
    {
        p.drafts.push(Draft {
            id: new_id(),
            body: EventBody::ProgressNoted {
                item: it.now.id,
                text: text.clone(),
                citations: row.progress_citations.clone(),
                effective: row.progress_effective.unwrap_or(effective),
            },
        });
    }
}

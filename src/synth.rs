//! Synthetic ledgers for benchmarks and load tests: a seeded generator of
//! realistic event streams, exposed on the CLI as the hidden `bench-gen`
//! command. Not for real ledgers.
//!
//! A history holds item registrations (motions and commitments), progress
//! notes of 200–1,500 characters, status changes, reassignments and
//! amendments; some notes and status changes are back-dated (never before
//! the item's registration); about 1% of events are corrections of an
//! earlier note or status change of the same item (a replaced text or status,
//! now and then a retracted note); and [`Spec::rounds`] sealed reporting
//! rounds (`2016-voorjaar`, `2016-najaar`, …) are spaced evenly over the
//! events, the last a quarter of a round before the end. [`Spec::S`] and
//! [`Spec::L`] are the two sizes the benchmarks use.
//!
//! Every event is checked by `decide` like any recorded one, so the generator
//! keeps just enough of each item (its status timeline, current parties,
//! correctable events) to only propose events that are accepted.
//!
//! The same spec and seed give the same event bodies: effective dates are
//! laid out on a fixed calendar ending on [`LAST_DAY`], not on today. Ids,
//! recorded times and hashes come from the ledger's clock, so the fields
//! that name them (an event's item, a correction's target id, a seal's head
//! hash) are the same only with a deterministic clock.

use crate::app::Workspace;
use crate::domain::{Day, EventBody, EventId, ItemKey, ItemKind, Replacement, Responsible};
use crate::error::{Error, Result};
use crate::ledger::Draft;

/// A small, fast, seeded PRNG (SplitMix64); good enough for test data.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// Uniform index into a slice of length `n`.
    pub fn index(&mut self, n: usize) -> usize {
        usize::try_from(self.below(u64::try_from(n).unwrap_or(u64::MAX))).unwrap_or(0)
    }
}

const WORDS: &[&str] = &[
    "de",
    "het",
    "een",
    "gemeenten",
    "onderzoek",
    "pilot",
    "regio",
    "kabinet",
    "Kamer",
    "brief",
    "voortgang",
    "uitvoering",
    "aanpak",
    "scholen",
    "partners",
    "afspraken",
    "middelen",
    "evaluatie",
    "wordt",
    "is",
    "zijn",
    "met",
    "voor",
    "in",
    "op",
    "over",
    "samen",
    "landelijk",
    "plan",
    "maatregelen",
    "gestart",
    "afgerond",
    "vertraagd",
    "verwacht",
    "najaar",
    "voorjaar",
    "rapport",
    "subsidie",
    "netwerk",
    "meldpunt",
    "campagne",
    "cijfers",
    "monitor",
    "werkgroep",
    "advies",
];
const PORTFOLIOS: &[&str] = &[
    "OCW", "SZW", "VWS", "JenV", "BZK", "EZK", "FIN", "IenW", "LNV",
];

/// Sentences of random words, between `min` and `max` bytes long (`max`
/// at least 12 more than `min`), ending in a full stop.
fn sentence_text(rng: &mut Rng, min: usize, max: usize) -> String {
    let target = min + rng.index(max - min + 1);
    let mut s = String::with_capacity(target + 16);
    let mut start = true;
    while s.len() < target {
        if !s.is_empty() {
            s.push(' ');
        }
        let w = WORDS[rng.index(WORDS.len())];
        if start {
            let mut c = w.chars();
            if let Some(f) = c.next() {
                s.extend(f.to_uppercase());
                s.push_str(c.as_str());
            }
        } else {
            s.push_str(w);
        }
        start = rng.below(12) == 0;
        if start {
            s.push('.');
        }
    }
    if !s.ends_with('.') {
        s.push('.');
    }
    if s.len() > max {
        // Drop the last words (none longer than 12 bytes), keeping `min`.
        let cut = s.get(..max).and_then(|head| head.rfind(' ')).unwrap_or(max);
        s.truncate(cut);
        s.truncate(s.trim_end_matches('.').len());
        s.push('.');
    }
    s
}

fn responsible(rng: &mut Rng) -> Responsible {
    let n = 1 + usize::from(rng.below(4) == 0);
    let codes: Vec<String> = (0..n)
        .map(|_| {
            let role = if rng.below(2) == 0 { 'M' } else { 'S' };
            format!("{role}{}", PORTFOLIOS[rng.index(PORTFOLIOS.len())])
        })
        .collect();
    Responsible::parse(&codes.join(" en ")).unwrap_or_default()
}

/// Shape of a synthetic ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    /// Number of items.
    pub items: u64,
    /// Total number of events, including the genesis, the registrations and
    /// the seals (raised to fit them if too small; see [`Spec::total`]).
    pub events: u64,
    /// Number of sealed reporting rounds.
    pub rounds: u64,
    /// PRNG seed.
    pub seed: u64,
}

impl Spec {
    /// The small benchmark ledger: 300 items, 3,000 events, 5 sealed rounds.
    pub const S: Spec = Spec {
        items: 300,
        events: 3_000,
        rounds: 5,
        seed: 1,
    };

    /// The large benchmark ledger: 10,000 items, 1,000,000 events, 40 sealed
    /// rounds.
    pub const L: Spec = Spec {
        items: 10_000,
        events: 1_000_000,
        rounds: 40,
        seed: 1,
    };

    /// The number of events the ledger will hold: `events`, or enough for
    /// the genesis, one registration per item and the seals if that is more.
    pub fn total(&self) -> u64 {
        self.events
            .max(self.items.saturating_add(self.rounds).saturating_add(1))
    }

    /// Days the history spans: about eight years, or more so that seals lie
    /// at least 190 days apart (at most one per half year), capped at a
    /// century.
    fn span_days(&self) -> u64 {
        self.rounds.saturating_mul(190).clamp(3_000, 36_500)
    }
}

/// The last day of every synthetic history (year, month, day). Fixed, so
/// that bodies do not depend on the day the generator runs, and in the past
/// of any real clock and of `TestClock::pinned`, so that no effective date
/// lies too far ahead.
pub const LAST_DAY: (u16, u8, u8) = (2024, 12, 31);

/// A status value as the generator knows it: effective day (days since the
/// start), seq, index into the legend.
type StatusFact = (i64, u64, usize);

/// What the generator remembers of an item to keep every event valid.
struct Known {
    id: EventId,
    /// Status values (the registration's first), as corrected.
    statuses: Vec<StatusFact>,
    responsible: Responsible,
    registered: i64,
    /// Notes and status changes never corrected yet.
    correctable: Vec<Target>,
}

impl Known {
    /// The legend index of the status in effect on `day`, as `decide` sees
    /// it: latest effective day, then latest seq.
    fn status_on(&self, day: i64) -> Option<usize> {
        self.statuses
            .iter()
            .filter(|f| f.0 <= day)
            .max_by_key(|f| (f.0, f.1))
            .map(|f| f.2)
    }
}

/// An event a correction may name.
#[derive(Debug, Clone, Copy)]
struct Target {
    seq: u64,
    id: EventId,
    note: bool,
}

const CORRECTION_REASONS: &[&str] = &[
    "verkeerde tekst overgenomen uit de vorige brief",
    "bedrag en datum verbeterd na navraag bij het departement",
    "status verkeerd overgenomen",
];

/// A status index other than `not`, uniformly.
fn other_status(rng: &mut Rng, n: usize, not: Option<usize>) -> usize {
    match not {
        Some(s) if n > 1 => (s + 1 + rng.index(n - 1)) % n,
        _ => rng.index(n),
    }
}

/// Seq of the `k`-th seal (1-based) of `rounds` over `total` events: evenly
/// spaced, the last a quarter of a round before the end.
fn seal_at(k: u64, rounds: u64, total: u64) -> u64 {
    let at = (u128::from(4 * k - 1) * u128::from(total)) / (4 * u128::from(rounds.max(1)));
    u64::try_from(at).unwrap_or(u64::MAX)
}

/// Appends a synthetic history to a freshly created ledger, in atomic
/// batches of `batch` events, each checked like any recorded event; a seal
/// is recorded on its own after the batch before it. `progress` is called
/// after each batch and seal with the number of events so far.
pub fn generate(
    ws: &mut Workspace,
    actor: &str,
    spec: Spec,
    batch: usize,
    mut progress: impl FnMut(u64),
) -> Result<()> {
    let mut rng = Rng::new(spec.seed);
    let legend = ws.legend().clone();
    let statuses: Vec<String> = legend.entries.iter().map(|e| e.slug.clone()).collect();
    if statuses.is_empty() {
        return Err(Error::Invalid(crate::domain::Invalid::new(
            "legend",
            "(empty)",
            "at least one status",
        )));
    }
    let total = spec.total();
    let span = spec.span_days();
    let (y, m, d) = LAST_DAY;
    let last = Day::from_parts(y, m, d)
        .ok_or_else(|| crate::domain::Invalid::new("synth::LAST_DAY", "", "a day"))?;
    let start = last.plus_days(-i64::try_from(span).unwrap_or(0));
    // Days since `start` of the event at seq `n`: the history spans `span`
    // days evenly.
    let day_of = |n: u64| -> i64 {
        let d = u128::from(n) * u128::from(span) / u128::from(total.max(1));
        i64::try_from(d).unwrap_or(0)
    };
    let batch = batch.max(1);
    let mut items: Vec<Known> = Vec::new();
    let (mut motions, mut commitments) = (0u64, 0u64);
    let mut drafts: Vec<Draft> = Vec::with_capacity(batch);
    let mut n = ws.events();
    let mut names: std::collections::BTreeSet<String> =
        ws.rounds()?.into_iter().map(|r| r.name).collect();
    let mut sealed = 0u64;
    while n < total {
        let today = day_of(n);
        let registered = u64::try_from(items.len()).unwrap_or(u64::MAX);
        let unregistered = spec.items.saturating_sub(registered);
        let seals_left = spec.rounds - sealed;
        let left = total - n;
        if seals_left > 0 && (left <= seals_left || n >= seal_at(sealed + 1, spec.rounds, total)) {
            if !drafts.is_empty() {
                ws.append_unindexed(actor, std::mem::take(&mut drafts))?;
                progress(n);
            }
            let day = start.plus_days(today);
            seal(ws, actor, day, &mut names)?;
            sealed += 1;
            n += 1;
            progress(n);
            continue;
        }
        let must_register = left.saturating_sub(seals_left) <= unregistered;
        let id = ws.new_id();
        let body = if unregistered > 0 && (items.is_empty() || must_register || rng.below(10) < 2) {
            let kind = if rng.below(4) == 0 {
                ItemKind::Toezegging
            } else {
                ItemKind::Motie
            };
            let counter = match kind {
                ItemKind::Motie => &mut motions,
                ItemKind::Toezegging => &mut commitments,
            };
            *counter += 1;
            let number = *counter;
            let status = rng.index(statuses.len());
            let resp = responsible(&mut rng);
            items.push(Known {
                id,
                statuses: vec![(today, n, status)],
                responsible: resp.clone(),
                registered: today,
                correctable: Vec::new(),
            });
            let year = start.plus_days(today).parts().0;
            EventBody::ItemRegistered {
                kind,
                key: ItemKey::parse(&format!("{}{number}", kind.key_letter()))?,
                text: sentence_text(&mut rng, 120, 400),
                submitters: vec![format!("Lid {}", rng.below(150))],
                citations: vec![format!(
                    "Kamerstukken II {year}/{:02}, {}, nr. {}",
                    (year + 1) % 100,
                    30000 + rng.below(6000),
                    1 + rng.below(300)
                )],
                responsible: resp,
                status: statuses[status].clone(),
                effective: start.plus_days(today),
            }
        } else {
            let i = rng.index(items.len());
            let it = &mut items[i];
            let roll = rng.below(100);
            if roll == 0 && !it.correctable.is_empty() {
                // About 1%: correct a note or status change of this item that
                // was never corrected before.
                let t = it.correctable.swap_remove(rng.index(it.correctable.len()));
                let replacement = if t.note {
                    if rng.below(5) == 0 {
                        Replacement {
                            retract: true,
                            ..Replacement::default()
                        }
                    } else {
                        // "bedrag" is not in WORDS, so the text differs
                        // from every generated note.
                        let mut text = sentence_text(&mut rng, 200, 1_440);
                        text.push_str(" Het eerder gemelde bedrag is gecorrigeerd.");
                        Replacement {
                            note: Some(text),
                            ..Replacement::default()
                        }
                    }
                } else {
                    let fact = it.statuses.iter_mut().find(|f| f.1 == t.seq);
                    let was = fact.as_ref().map(|f| f.2);
                    let s = other_status(&mut rng, statuses.len(), was);
                    if let Some(f) = fact {
                        f.2 = s;
                    }
                    Replacement {
                        status: Some(statuses[s].clone()),
                        ..Replacement::default()
                    }
                };
                EventBody::Corrected {
                    target_seq: t.seq,
                    target_id: t.id,
                    item: it.id,
                    reason: CORRECTION_REASONS[rng.index(CORRECTION_REASONS.len())].into(),
                    replacement,
                }
            } else {
                match roll {
                    0..=54 => {
                        // One note in ten is back-dated, but not before
                        // registration.
                        let eff = if rng.below(10) == 0 {
                            (today - i64::try_from(rng.below(365)).unwrap_or(0)).max(it.registered)
                        } else {
                            today
                        };
                        it.correctable.push(Target {
                            seq: n,
                            id,
                            note: true,
                        });
                        EventBody::ProgressNoted {
                            item: it.id,
                            text: sentence_text(&mut rng, 200, 1500),
                            citations: Vec::new(),
                            effective: start.plus_days(eff),
                        }
                    }
                    55..=84 => {
                        // One status change in ten is back-dated, likewise.
                        let eff = if rng.below(10) == 0 {
                            (today - i64::try_from(rng.below(365)).unwrap_or(0)).max(it.registered)
                        } else {
                            today
                        };
                        let s = other_status(&mut rng, statuses.len(), it.status_on(eff));
                        it.statuses.push((eff, n, s));
                        it.correctable.push(Target {
                            seq: n,
                            id,
                            note: false,
                        });
                        EventBody::StatusChanged {
                            item: it.id,
                            status: statuses[s].clone(),
                            reason: (rng.below(3) == 0).then(|| sentence_text(&mut rng, 20, 60)),
                            effective: start.plus_days(eff),
                        }
                    }
                    85..=95 => {
                        let mut r = responsible(&mut rng);
                        while r.same_parties(&it.responsible) {
                            r = responsible(&mut rng);
                        }
                        it.responsible = r.clone();
                        EventBody::ResponsibilityChanged {
                            item: it.id,
                            responsible: r,
                            reason: Some("herverdeling portefeuilles".into()),
                            effective: start.plus_days(today),
                        }
                    }
                    _ => EventBody::ItemAmended {
                        item: it.id,
                        text: Some(sentence_text(&mut rng, 120, 400)),
                        citations: None,
                        submitters: None,
                        reason: Some("tekst gecorrigeerd".into()),
                    },
                }
            }
        };
        drafts.push(Draft { id, body });
        n += 1;
        if drafts.len() >= batch {
            ws.append_unindexed(actor, std::mem::take(&mut drafts))?;
            progress(n);
        }
    }
    if !drafts.is_empty() {
        ws.append_unindexed(actor, drafts)?;
        progress(n);
    }
    ws.reindex(&mut |_, _| {})
}

/// Seals a round over the current head, named after the half year of
/// `day` (`2016-voorjaar`, `2016-najaar`) and reported on `day`.
fn seal(
    ws: &mut Workspace,
    actor: &str,
    day: Day,
    names: &mut std::collections::BTreeSet<String>,
) -> Result<()> {
    let head = ws
        .ledger()
        .head()
        .ok_or(crate::error::Refusal::EmptyLedger)?;
    let (year, month, _) = day.parts();
    let season = if month <= 6 { "voorjaar" } else { "najaar" };
    let base = format!("{year}-{season}");
    // Seals lie at least 190 days apart, so a name is taken only when
    // --rounds asks for more than two a year over a century.
    let mut name = base.clone();
    let mut k = 1u64;
    while names.contains(&name) {
        k += 1;
        name = format!("{base}-{k}");
    }
    names.insert(name.clone());
    let id = ws.new_id();
    ws.append_unindexed(
        actor,
        vec![Draft {
            id,
            body: EventBody::RoundSealedV2 {
                name,
                title: format!("Voortgangsbrief {season} {year}"),
                reported_on: day,
                head_seq: head.seq,
                head_hash: head.hash,
                tree_size: head.seq + 1,
                tree_root: crate::domain::EventHash::GENESIS,
            },
        }],
    )?;
    Ok(())
}

/// A new ledger in a temporary directory, generated from `spec` under
/// `clock` in batches of `batch` (its progress checked to go forward): for
/// the library's own tests.
#[cfg(test)]
pub(crate) fn generated(
    spec: Spec,
    clock: crate::ledger::TestClock,
    batch: usize,
) -> (tempfile::TempDir, Workspace) {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = Workspace::create(
        &dir.path().join("l.db"),
        crate::ledger::OpenOptions {
            clock: Box::new(clock),
            ..crate::ledger::OpenOptions::default()
        },
        "bench",
        "SYN".into(),
        "Synthetic".into(),
        crate::domain::Legend::nap(),
    )
    .unwrap();
    let mut last = 0;
    generate(&mut ws, "bench", spec, batch, |n| {
        assert!(n > last, "progress goes forward");
        last = n;
    })
    .unwrap();
    assert_eq!(last, spec.total());
    (dir, ws)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{EventHash, Timestamp};
    use crate::ledger::{Recorded, TestClock};
    use std::collections::HashMap;

    fn events(ws: &Workspace) -> Vec<Recorded> {
        ws.ledger().events().collect::<Result<Vec<_>>>().unwrap()
    }

    /// The bodies with every clock-made value replaced: ids by the seq of
    /// the event they name, a seal's head hash and tree root by the genesis
    /// hash.
    fn bodies(ws: &Workspace) -> Vec<EventBody> {
        let evs = events(ws);
        let seqs: HashMap<EventId, u64> = evs
            .iter()
            .map(|r| (r.envelope.id, r.envelope.seq))
            .collect();
        let id = |i: &mut EventId| *i = EventId(u128::from(seqs[&*i]).to_be_bytes());
        evs.into_iter()
            .map(|r| {
                let mut b = r.envelope.body;
                match &mut b {
                    EventBody::StatusChanged { item, .. }
                    | EventBody::ResponsibilityChanged { item, .. }
                    | EventBody::ProgressNoted { item, .. }
                    | EventBody::ItemAmended { item, .. } => id(item),
                    EventBody::Corrected {
                        item, target_id, ..
                    } => {
                        id(item);
                        id(target_id);
                    }
                    EventBody::RoundSealed { head_hash, .. } => *head_hash = EventHash::GENESIS,
                    // The tree's root is made of the events' hashes too.
                    EventBody::RoundSealedV2 {
                        head_hash,
                        tree_root,
                        ..
                    } => {
                        *head_hash = EventHash::GENESIS;
                        *tree_root = EventHash::GENESIS;
                    }
                    EventBody::LedgerCreated { .. } | EventBody::ItemRegistered { .. } => {}
                    // The generator writes none of these.
                    _ => {}
                }
                b
            })
            .collect()
    }

    #[test]
    fn texts_stay_within_bounds() {
        let mut rng = Rng::new(3);
        for (min, max) in [(20, 60), (120, 400), (200, 1500)] {
            for _ in 0..2000 {
                let t = sentence_text(&mut rng, min, max);
                assert!((min..=max).contains(&t.len()), "{min}..={max}: {}", t.len());
                assert!(t.ends_with('.') && !t.ends_with("..") && !t.contains("  "));
            }
        }
    }

    #[test]
    fn same_seed_gives_same_bodies_whatever_the_clock() {
        let spec = Spec {
            items: 40,
            events: 700,
            rounds: 3,
            seed: 7,
        };
        let (_a, a) = generated(spec, TestClock::pinned(), 64);
        let (_b, b) = generated(spec, TestClock::pinned(), 64);
        // Same clock too: the very same ledger.
        assert_eq!(a.ledger().head(), b.ledger().head());
        // Another clock (and batch size): other ids and hashes, same bodies.
        let later = TestClock::new(Timestamp::from_unix_nanos(1_800_000_000_000_000_000), 1_000);
        let (_c, c) = generated(spec, later, 500);
        assert_ne!(a.ledger().head(), c.ledger().head());
        assert_eq!(bodies(&a), bodies(&c));
        assert_eq!(bodies(&a).len(), 700);
        let (_d, d) = generated(Spec { seed: 8, ..spec }, TestClock::pinned(), 64);
        assert_ne!(bodies(&a), bodies(&d));
    }

    #[test]
    fn profile_s_is_realistic_and_verifies() {
        let (_dir, ws) = generated(Spec::S, TestClock::pinned(), 500);
        let st = ws.view(crate::projection::Basis::Current, None).unwrap();
        let rounds = ws.rounds().unwrap();
        assert!(
            st.items.len() >= 256,
            "enough items for the views' two threads"
        );
        assert_eq!(st.chain.events, 3_000);
        assert_eq!(st.items.len(), 300);
        assert_eq!(rounds.len(), 5);
        let report = ws.ledger().verify().unwrap();
        assert!(report.ok(), "{report:?}");
        assert!(ws.ledger().check_index(&mut |_, _| {}).unwrap().ok());
        assert_eq!((report.events_checked, report.seals_checked), (3_000, 5));
        // Views of 300 items are read on two threads: they equal a replay.
        let day = Day::from_parts(2020, 6, 1);
        for r in &rounds {
            for effective in [None, day] {
                let basis = crate::projection::Basis::Round(r.clone());
                let got = ws.view(basis.clone(), effective).unwrap();
                let want = crate::projection::View::replay(ws.ledger().events(), basis, effective)
                    .unwrap();
                assert_eq!(got, want, "round {} on {effective:?}", r.name);
            }
        }
        let current = ws.view(crate::projection::Basis::Current, day).unwrap();
        let want = crate::projection::View::replay(
            ws.ledger().events(),
            crate::projection::Basis::Current,
            day,
        )
        .unwrap();
        assert_eq!(current, want);

        let evs = events(&ws);
        let mut registered: HashMap<EventId, Day> = HashMap::new();
        let mut latest = None;
        let (mut corrections, mut back_dated_status, mut back_dated_notes) = (0, 0, 0);
        let mut kinds: HashMap<&str, usize> = HashMap::new();
        for r in &evs {
            let b = &r.envelope.body;
            *kinds.entry(b.kind_name()).or_default() += 1;
            if let EventBody::ItemRegistered { effective, .. } = b {
                registered.insert(r.envelope.id, *effective);
            }
            if let (Some(item), Some(eff)) = (b.item(r.envelope.id), b.effective()) {
                assert!(
                    eff >= registered[&item],
                    "seq {} before its item",
                    r.envelope.seq
                );
                if latest.is_some_and(|l| eff < l) {
                    match b {
                        EventBody::StatusChanged { .. } => back_dated_status += 1,
                        EventBody::ProgressNoted { .. } => back_dated_notes += 1,
                        _ => {}
                    }
                }
                latest = latest.max(Some(eff));
            }
            match b {
                EventBody::ProgressNoted { text, .. } => {
                    assert!((200..=1500).contains(&text.len()));
                }
                EventBody::Corrected { replacement, .. } => {
                    corrections += 1;
                    if let Some(t) = &replacement.note {
                        assert!((200..=1500).contains(&t.len()));
                    }
                }
                _ => {}
            }
        }
        assert!(
            (10..=60).contains(&corrections),
            "{corrections} corrections"
        );
        assert!(back_dated_status >= 1 && back_dated_notes >= 1);
        for kind in [
            "progress_noted",
            "status_changed",
            "responsibility_changed",
            "item_amended",
        ] {
            assert!(
                kinds.get(kind).is_some_and(|n| *n >= 50),
                "{kind}: {kinds:?}"
            );
        }
        // Rounds: two a year by name, spaced evenly, the last before the end.
        let seqs: Vec<u64> = rounds.iter().map(|r| r.seq).collect();
        assert_eq!(seqs, [450, 1_050, 1_650, 2_250, 2_850]);
        for r in &rounds {
            let (year, month, _) = r.reported_on.parts();
            let season = if month <= 6 { "voorjaar" } else { "najaar" };
            assert_eq!(r.name, format!("{year}-{season}"));
            assert_eq!(r.title, format!("Voortgangsbrief {season} {year}"));
        }
    }

    #[test]
    fn small_specs_fit_every_registration_and_seal() {
        let spec = Spec {
            items: 30,
            events: 10,
            rounds: 4,
            seed: 1,
        };
        assert_eq!(spec.total(), 35);
        let (_dir, ws) = generated(spec, TestClock::pinned(), 7);
        assert_eq!(ws.events(), 35);
        assert_eq!(ws.keys().unwrap().len(), 30);
        assert_eq!(ws.rounds().unwrap().len(), 4);
        assert!(ws.ledger().verify().unwrap().ok());
        assert!(ws.ledger().check_index(&mut |_, _| {}).unwrap().ok());
    }

    #[test]
    fn sizes_of_the_profiles() {
        assert_eq!(
            (Spec::S.items, Spec::S.total(), Spec::S.rounds),
            (300, 3_000, 5)
        );
        assert_eq!(
            (Spec::L.items, Spec::L.total(), Spec::L.rounds),
            (10_000, 1_000_000, 40)
        );
        // Forty rounds need twenty years at most two a year.
        assert!(Spec::L.span_days() >= 40 * 183);
    }
}

//! Synthetic ledgers for benchmarks and load tests: a seeded generator of
//! realistic event streams (items, status changes, reassignments, progress
//! notes of 200–1,500 characters, back-dated entries). The same seed gives the
//! same events. Exposed on the CLI as the hidden `bench-gen` command.

use crate::domain::{EventBody, EventId, ItemKey, ItemKind, Legend, Responsible};
use crate::error::Result;
use crate::ledger::Draft;
use crate::workspace::Workspace;

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

fn sentence_text(rng: &mut Rng, min: usize, max: usize) -> String {
    let target = min + rng.index(max - min + 1);
    let mut s = String::with_capacity(target + 16);
    let mut start = true;
    while s.len() < target {
        let w = WORDS[rng.index(WORDS.len())];
        if start {
            let mut c = w.chars();
            if let Some(f) = c.next() {
                s.extend(f.to_uppercase());
                s.push_str(c.as_str());
            }
            start = false;
        } else {
            s.push(' ');
            s.push_str(w);
        }
        if rng.below(12) == 0 {
            s.push('.');
            start = true;
            s.push(' ');
        }
    }
    let mut out = s.trim().to_string();
    if !out.ends_with('.') {
        out.push('.');
    }
    out
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
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    /// Number of items.
    pub items: u64,
    /// Total number of events, including the genesis and registrations.
    pub events: u64,
    /// PRNG seed.
    pub seed: u64,
}

/// What the generator remembers of an item to keep every event valid.
struct Known {
    id: EventId,
    status: usize,
    responsible: Responsible,
    registered: i64,
}

/// Appends a synthetic history to a freshly created ledger, in atomic
/// batches of `batch` events, each checked like any recorded event.
/// `progress` is called after each batch with the number of events so far.
pub fn generate(
    ws: &mut Workspace,
    actor: &str,
    spec: Spec,
    batch: usize,
    mut progress: impl FnMut(u64),
) -> Result<()> {
    let mut rng = Rng::new(spec.seed);
    let legend = ws.state().legend.clone().unwrap_or_else(Legend::nap);
    let statuses: Vec<String> = legend.entries.iter().map(|e| e.slug.clone()).collect();
    let start = ws.today().plus_days(-3650);
    let mut items: Vec<Known> = Vec::new();
    let (mut motions, mut commitments) = (0u64, 0u64);
    let mut drafts: Vec<Draft> = Vec::with_capacity(batch);
    let total = spec.events.max(spec.items + 1);
    let mut n = ws.state().events;
    // Days since `start`; advances slowly so the history spans years.
    let mut today: i64 = 0;
    let per_day = (total / 3000).max(1);
    while n < total {
        let registered = u64::try_from(items.len()).unwrap_or(u64::MAX);
        let left = total - n;
        let must_register = left <= spec.items.saturating_sub(registered);
        let id = ws.new_id();
        let body = if registered < spec.items
            && (items.is_empty() || must_register || rng.below(10) < 2)
        {
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
                status,
                responsible: resp.clone(),
                registered: today,
            });
            let year = 2016 + today / 365;
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
            match rng.below(100) {
                0..=54 => {
                    // One note in ten is back-dated, but not before registration.
                    let eff = if rng.below(10) == 0 {
                        (today - i64::try_from(rng.below(365)).unwrap_or(0)).max(it.registered)
                    } else {
                        today
                    };
                    EventBody::ProgressNoted {
                        item: it.id,
                        text: sentence_text(&mut rng, 200, 1500),
                        citations: Vec::new(),
                        effective: start.plus_days(eff),
                    }
                }
                55..=84 => {
                    it.status = (it.status + 1 + rng.index(statuses.len() - 1)) % statuses.len();
                    EventBody::StatusChanged {
                        item: it.id,
                        status: statuses[it.status].clone(),
                        reason: (rng.below(3) == 0).then(|| sentence_text(&mut rng, 20, 60)),
                        effective: start.plus_days(today),
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
        };
        drafts.push(Draft { id, body });
        n += 1;
        if n.is_multiple_of(per_day) {
            today += 1;
        }
        if drafts.len() >= batch || n == total {
            ws.record_batch(actor, std::mem::take(&mut drafts))?;
            progress(n);
        }
    }
    Ok(())
}

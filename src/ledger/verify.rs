//! Full verification of a store: every hash recomputed, every link and seq
//! checked, recorded time never decreasing, the head and the item index
//! compared with what the events imply. Stops at the first break and names it.

use super::codec;
use super::envelope::Envelope;
pub use super::findings::{DigestFinding, DigestIs, Finding};
use super::store::Store;
use crate::domain::{EventBody, EventHash, EventId, KeyRole, Timestamp};
use crate::error::{Refusal, Result};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// The kind of damage found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BreakKind {
    /// The stored bytes do not hash to the stored hash.
    ContentAltered,
    /// The bytes hash correctly but cannot be decoded as an envelope.
    Undecodable,
    /// An event's `prev` is not the hash of the event before it.
    LinkBroken,
    /// A seq is missing from the chain.
    EventMissing,
    /// An event sits at the wrong seq, or its recorded time goes back.
    OutOfOrder,
    /// The item index disagrees with the events.
    IndexMismatch,
    /// The stored head is not the last event.
    HeadMismatch,
    /// A round seal does not name the head it was sealed on.
    SealMismatch,
    /// A correction names an event that is not where it says.
    BadReference,
    /// An event breaks a rule the ledger applies when it records one (a
    /// status not in the legend, a key used twice, an event about an item
    /// not registered before it, an id used twice, …): the ledger could not
    /// have recorded it.
    RuleBroken,
    /// A round signature does not verify with the key it names.
    BadSignature,
}

impl BreakKind {
    /// The kind in a few English words (its JSON name with spaces).
    pub fn words(self) -> &'static str {
        match self {
            BreakKind::ContentAltered => "content altered",
            BreakKind::Undecodable => "undecodable event",
            BreakKind::LinkBroken => "link broken",
            BreakKind::EventMissing => "event missing",
            BreakKind::OutOfOrder => "out of order",
            BreakKind::IndexMismatch => "index mismatch",
            BreakKind::HeadMismatch => "head mismatch",
            BreakKind::SealMismatch => "seal mismatch",
            BreakKind::BadReference => "bad reference",
            BreakKind::RuleBroken => "rule broken",
            BreakKind::BadSignature => "bad signature",
        }
    }
}

impl fmt::Display for BreakKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.words())
    }
}

/// The first break found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Break {
    /// The first affected seq.
    pub seq: u64,
    /// What kind of damage.
    pub kind: BreakKind,
    /// The affected item's key (or id when its key is unknown), if any.
    pub item: Option<String>,
    /// What was found (its `Display` and JSON are the English sentence);
    /// boxed, as a break is the error of every event's check.
    pub detail: Box<Finding>,
}

impl fmt::Display for Break {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "seq {}: {}", self.seq, self.kind)?;
        if let Some(item) = &self.item {
            write!(f, " (item {item})")?;
        }
        write!(f, ": {}", self.detail)
    }
}

/// A published digest to look for, optionally as a named round's seal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestCheck {
    /// The digest as published.
    pub hash: EventHash,
    /// The round it was published for, if given.
    pub round: Option<String>,
}

/// Whether a published digest is still in the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DigestOutcome {
    /// The digest looked for.
    pub digest: EventHash,
    /// The round named, if any.
    pub round: Option<String>,
    /// Seq of the event with that hash, if found.
    pub found_at: Option<u64>,
    /// True when the digest is where it should be.
    pub ok: bool,
    /// What was found (its `Display` and JSON are the English sentence).
    pub detail: DigestFinding,
}

/// The outcome of a verification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    /// Events whose hash, link and order were checked and found good.
    pub events_checked: u64,
    /// Hash of the last good event (the head when the ledger is intact).
    pub head: Option<EventHash>,
    /// Round seals checked against the chain.
    pub seals_checked: u64,
    /// The first break, or None when the ledger is intact.
    pub first_break: Option<Break>,
    /// The published digest's check, if one was asked for.
    pub digest: Option<DigestOutcome>,
}

impl VerifyReport {
    /// True when nothing is broken and a digest asked for was found.
    pub fn ok(&self) -> bool {
        self.first_break.is_none() && self.digest.as_ref().is_none_or(|d| d.ok)
    }
}

/// `broken`: the chain broke after `checked` events, so `seals` and
/// `found_at` cover only the events before the break.
fn digest_outcome(
    check: &DigestCheck,
    found_at: Option<u64>,
    seals: &BTreeMap<String, (String, u64, EventHash)>,
    checked: u64,
    broken: bool,
) -> DigestOutcome {
    let h = check.hash;
    // The round whose seal the digest is, if any: a digest copied from
    // one letter and checked against another round's name.
    let sealed_by = seals
        .values()
        .find(|(_, _, seal)| *seal == h)
        .map(|(real, seq, _)| (real.clone(), *seq));
    let detail = match &check.round {
        Some(name) => match seals.get(&name.to_ascii_lowercase()) {
            None => unknown_round(name, seals, sealed_by, found_at, checked, broken),
            Some((real, seq, seal_hash)) if *seal_hash == h => DigestFinding::Sealed {
                round: real.clone(),
                seq: *seq,
            },
            Some((real, seq, seal_hash)) => match sealed_by {
                Some((other, at)) => DigestFinding::OtherRound {
                    other,
                    at,
                    round: real.clone(),
                    seq: *seq,
                },
                None => DigestFinding::Rewritten {
                    round: real.clone(),
                    seq: *seq,
                    seal: *seal_hash,
                    published: h,
                },
            },
        },
        None => match found_at {
            Some(seq) => DigestFinding::HashOf { seq },
            None => DigestFinding::Absent { checked },
        },
    };
    DigestOutcome {
        digest: h,
        round: check.round.clone(),
        found_at,
        ok: matches!(
            detail,
            DigestFinding::Sealed { .. } | DigestFinding::HashOf { .. }
        ),
        detail,
    }
}

/// What a digest check says when `--round` names no sealed round: the
/// names it may have meant, and what the digest itself is in the ledger
/// (another round's seal, another event, or nothing).
fn unknown_round(
    name: &str,
    seals: &BTreeMap<String, (String, u64, EventHash)>,
    sealed_by: Option<(String, u64)>,
    found_at: Option<u64>,
    checked: u64,
    broken: bool,
) -> DigestFinding {
    // In the order they were sealed.
    let mut sealed: Vec<&(String, u64, EventHash)> = seals.values().collect();
    sealed.sort_by_key(|(_, seq, _)| *seq);
    let names: Vec<&str> = sealed.iter().map(|(real, _, _)| real.as_str()).collect();
    DigestFinding::UnknownRound {
        name: name.to_string(),
        close: crate::domain::text::closest(name, names.iter().copied(), 3),
        sealed: names.iter().map(|n| (*n).to_string()).collect(),
        checked,
        broken,
        digest: match (sealed_by, found_at) {
            (Some((round, seq)), _) => DigestIs::Seal { round, seq },
            (None, Some(seq)) => DigestIs::Event { seq },
            (None, None) => DigestIs::Nowhere,
        },
    }
}

struct Names(BTreeMap<EventId, String>);

impl Names {
    fn of(&self, item: Option<EventId>) -> Option<String> {
        item.map(|i| self.0.get(&i).cloned().unwrap_or_else(|| i.hex()))
    }
}

/// An event a [`ChainChecker`] passed, with what an import's writer needs
/// of it, so that the writer takes it as checked rather than checking the
/// chain a second time (and holding a second record of every event).
#[derive(Debug)]
pub struct Passed {
    pub(super) row: super::store::Row,
    pub(super) recorded_at: Timestamp,
}

impl Passed {
    /// The event's canonical bytes.
    pub fn into_bytes(self) -> Vec<u8> {
        self.row.bytes
    }
}

/// Checks a chain one stored event at a time: seq contiguity, the stored
/// hash against the bytes, decoding, the envelope's own seq, the `prev` link,
/// recorded-time order, that only seq 0 creates the ledger, round seals and
/// correction references, and the rules that span the whole ledger: every
/// event id used once, every item key once (in any case), every event about
/// an item recorded after the item's registration, every round name well
/// formed, and every ledger-wide event (key, account, round signature, item
/// order) one that recording would have taken. (The rules about one item's own history are checked where items
/// are folded: [`crate::projection::index::build_item`].) Used by
/// [`verify`] over a store and by the events importer over a file, before
/// anything is written.
#[derive(Debug)]
pub struct ChainChecker {
    names: Names,
    /// A 64-bit fingerprint of every event id seen, keyed by this
    /// process's random SipHash keys (`fingerprints`), so that no file can
    /// be made to collide them; a fingerprint met again is confirmed in
    /// `ids`. A hash set is one allocation however many, where a B-tree's
    /// small nodes, kept to the end and spread among the events an import
    /// writes meanwhile, held the pages around them (an import of L some
    /// 50 MiB higher); and fingerprints take half what the ids would.
    seen_ids: std::collections::HashSet<u64>,
    fingerprints: std::collections::hash_map::RandomState,
    /// Each item key, folded, with the seq of its registration.
    item_keys: BTreeMap<String, (u64, String)>,
    /// Id of every event that passed, by seq.
    ids: Vec<EventId>,
    /// The item of every event that passed, by seq: 0 for none, else one
    /// more than its place in `item_ids` (20 bytes an event with `ids`,
    /// where an id and an optional id took 33).
    items: Vec<u32>,
    /// Every item an event that passed is about, in the order met.
    item_ids: Vec<EventId>,
    /// The place of each item in `item_ids`.
    item_slots: std::collections::HashMap<EventId, u32>,
    seals: BTreeMap<String, (String, u64, EventHash)>,
    prev: EventHash,
    prev_time: Option<Timestamp>,
    next_seq: u64,
    digest: Option<DigestCheck>,
    found_at: Option<u64>,
    /// The Merkle tree of the events that passed, for the roots v2 seals
    /// name.
    tree: super::merkle::Frontier,
    /// The nodes the last event that passed completed in that tree (its
    /// leaf first): what `verify` compares with the stored tree as it goes.
    last_nodes: Vec<TreeNode>,
    /// The checkpoints' origin, from the ledger's creation.
    origin: String,
    /// Registered keys, by name: what a round signature is checked with.
    keys: BTreeMap<String, crate::formats::note::VerifierKey>,
    /// The checkpoint text of every v2 round, by lower-cased name.
    checkpoints: BTreeMap<String, String>,
    /// What the ledger-wide rules need, as recording knew it.
    rules: LedgerRules,
}

/// The state the rules about ledger-wide events are checked against: the
/// part of [`crate::projection::State`] that
/// [`crate::projection::decide::check_recorded`] reads for them, kept
/// small so that a check of a large ledger does not fold it whole.
#[derive(Debug, Default)]
struct LedgerRules {
    /// Each item's kind, by id (an order names items of one kind).
    item_kinds: BTreeMap<EventId, crate::domain::ItemKind>,
    /// Each registered key name, with its role and seq.
    key_names: BTreeMap<String, (KeyRole, u64)>,
    /// Each registered public key, with its name and seq.
    public_keys: BTreeMap<[u8; 32], (String, u64)>,
    /// Every account created.
    accounts: BTreeSet<String>,
    /// Every round signature: (the seal's seq, the key's name) and the
    /// signature's seq.
    signatures: BTreeMap<(u64, String), u64>,
}

impl fmt::Debug for Names {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Names({})", self.0.len())
    }
}

impl ChainChecker {
    /// A checker for a chain starting at seq 0, looking for `digest` if given.
    pub fn new(digest: Option<DigestCheck>) -> ChainChecker {
        ChainChecker {
            names: Names(BTreeMap::new()),
            seen_ids: std::collections::HashSet::new(),
            fingerprints: std::collections::hash_map::RandomState::new(),
            item_keys: BTreeMap::new(),
            ids: Vec::new(),
            items: Vec::new(),
            item_ids: Vec::new(),
            item_slots: std::collections::HashMap::new(),
            seals: BTreeMap::new(),
            prev: EventHash::GENESIS,
            prev_time: None,
            next_seq: 0,
            digest,
            found_at: None,
            tree: super::merkle::Frontier::new(),
            last_nodes: Vec::new(),
            origin: String::new(),
            keys: BTreeMap::new(),
            checkpoints: BTreeMap::new(),
            rules: LedgerRules::default(),
        }
    }

    /// The root of the Merkle tree of the events that passed.
    pub fn tree_root(&self) -> EventHash {
        EventHash(self.tree.root())
    }

    /// The Merkle tree nodes the last event that passed completed, its
    /// leaf first.
    pub fn last_nodes(&self) -> &[TreeNode] {
        &self.last_nodes
    }

    /// Events that passed so far.
    pub fn checked(&self) -> u64 {
        self.next_seq
    }

    fn brk(&self, seq: u64, kind: BreakKind, item: Option<EventId>, detail: Finding) -> Break {
        Break {
            seq,
            kind,
            item: self.names.of(item),
            detail: Box::new(detail),
        }
    }

    /// As [`ChainChecker::check`], keeping the event for an import's
    /// writer: its envelope (to compare with what else describes it) and
    /// the event as passed.
    pub fn pass(
        &mut self,
        seq: u64,
        stored: EventHash,
        bytes: Vec<u8>,
    ) -> std::result::Result<(Envelope, Passed), Break> {
        let env = self.check(seq, stored, &bytes)?;
        let passed = Passed {
            row: super::store::Row {
                seq,
                hash: stored,
                item: env.body.item(env.id),
                bytes,
            },
            recorded_at: env.recorded_at,
        };
        Ok((env, passed))
    }

    /// Checks the next event, stored at key `seq` with `stored` hash.
    /// Returns the decoded envelope when it is good.
    pub fn check(
        &mut self,
        seq: u64,
        stored: EventHash,
        bytes: &[u8],
    ) -> std::result::Result<Envelope, Break> {
        let next = self.next_seq;
        // Only an events file can go back: a store's keys are unique and
        // ascending.
        if seq < next {
            return Err(self.brk(
                next,
                BreakKind::OutOfOrder,
                None,
                Finding::Repeated { seq, next },
            ));
        }
        if seq != next {
            return Err(self.brk(
                next,
                BreakKind::EventMissing,
                None,
                Finding::Gap { next, found: seq },
            ));
        }
        let computed = codec::hash(bytes);
        let decoded = codec::decode(bytes);
        let item = decoded.as_ref().ok().and_then(|e| e.body.item(e.id));
        if computed != stored {
            return Err(self.brk(
                seq,
                BreakKind::ContentAltered,
                item,
                Finding::HashDiffers { computed, stored },
            ));
        }
        let env = decoded.map_err(|reason| {
            self.brk(
                seq,
                BreakKind::Undecodable,
                None,
                Finding::Undecodable { reason },
            )
        })?;
        if env.seq != seq {
            return Err(self.brk(
                seq,
                BreakKind::OutOfOrder,
                item,
                Finding::WrongSeq { seq, says: env.seq },
            ));
        }
        if env.prev != self.prev {
            return Err(self.brk(
                seq,
                BreakKind::LinkBroken,
                item,
                Finding::Link {
                    seq,
                    prev: env.prev,
                    before: self.prev,
                },
            ));
        }
        if let Some(t) = self.prev_time.filter(|t| env.recorded_at < *t) {
            return Err(self.brk(
                seq,
                BreakKind::OutOfOrder,
                item,
                Finding::TimeBack {
                    at: env.recorded_at,
                    before: t,
                },
            ));
        }
        if (seq == 0) != matches!(env.body, EventBody::LedgerCreated { .. }) {
            return Err(self.brk(
                seq,
                BreakKind::OutOfOrder,
                item,
                Finding::Creation {
                    kind: env.body.kind_name(),
                    seq,
                },
            ));
        }
        if let Some(brk) = self.rule_broken(seq, &env) {
            return Err(brk);
        }
        if let Some(crate::domain::Seal {
            name,
            head_seq,
            head_hash,
            tree,
            ..
        }) = env.body.seal()
        {
            if let Some((first, at, _)) = self.seals.get(&name.to_ascii_lowercase()) {
                return Err(self.brk(
                    seq,
                    BreakKind::SealMismatch,
                    None,
                    Finding::SealAgain {
                        name: name.to_string(),
                        first: first.clone(),
                        at: *at,
                    },
                ));
            }
            if seq == 0 || head_seq != seq - 1 || head_hash != self.prev {
                return Err(self.brk(
                    seq,
                    BreakKind::SealMismatch,
                    None,
                    Finding::SealHead {
                        name: name.to_string(),
                        head_seq,
                        head_hash,
                        before_seq: seq.saturating_sub(1),
                        before_hash: self.prev,
                    },
                ));
            }
            if let Some((size, root)) = tree
                && (size != seq || root.0 != self.tree.root())
            {
                return Err(self.brk(
                    seq,
                    BreakKind::SealMismatch,
                    None,
                    Finding::SealTree {
                        name: name.to_string(),
                        size,
                        root,
                        seq,
                        computed: EventHash(self.tree.root()),
                    },
                ));
            }
            self.seals
                .insert(name.to_ascii_lowercase(), (name.to_string(), seq, computed));
            if let Some((size, root)) = tree {
                self.checkpoints.insert(
                    name.to_ascii_lowercase(),
                    format!(
                        "{}\n{size}\n{}\n",
                        self.origin,
                        crate::formats::note::base64(&root.0)
                    ),
                );
            }
        }
        match &env.body {
            EventBody::ItemRegistered { key, .. } => {
                self.names.0.insert(env.id, key.to_string());
                self.item_keys.insert(key.folded(), (seq, key.to_string()));
            }
            EventBody::LedgerCreated { programme, .. } => {
                self.origin = crate::formats::note::origin_of(programme);
            }
            EventBody::KeyRegistered {
                name,
                role,
                public_key,
            } => {
                // A name is registered once (a second registration breaks
                // a rule above); one whose key is no usable Ed25519 key
                // verifies nothing.
                match crate::formats::note::VerifierKey::new(name.as_str(), *role, public_key.0) {
                    Ok(k) => {
                        self.keys.insert(name.to_string(), k);
                    }
                    Err(_) => {
                        self.keys.remove(name.as_str());
                    }
                }
            }
            EventBody::RoundSigned {
                round,
                key,
                signature,
            } => {
                let holds = self
                    .checkpoints
                    .get(&round.to_ascii_lowercase())
                    .zip(self.keys.get(key.as_str()))
                    .is_some_and(|(text, k)| k.signed(text, &signature.0));
                if !holds {
                    return Err(self.brk(
                        seq,
                        BreakKind::BadSignature,
                        None,
                        Finding::Signature {
                            round: round.to_string(),
                            key: key.to_string(),
                        },
                    ));
                }
            }
            EventBody::Corrected {
                target_seq,
                target_id,
                item: named,
                ..
            } => {
                let target = usize::try_from(*target_seq)
                    .ok()
                    .and_then(|i| Some((*self.ids.get(i)?, self.item_at(i))));
                let at = target.map(|(id, _)| id);
                if let Some((_, target_item)) = target.filter(|(id, _)| id == target_id)
                    && target_item != Some(*named)
                {
                    return Err(self.brk(
                        seq,
                        BreakKind::BadReference,
                        item,
                        Finding::CorrectionItem {
                            target_seq: *target_seq,
                            named: *named,
                            actual: target_item,
                        },
                    ));
                }
                if *target_seq >= seq || at != Some(*target_id) {
                    return Err(self.brk(
                        seq,
                        BreakKind::BadReference,
                        item,
                        Finding::CorrectionTarget {
                            target_seq: *target_seq,
                            target_id: *target_id,
                            actual: at,
                        },
                    ));
                }
            }
            _ => {}
        }
        if self.digest.as_ref().is_some_and(|d| d.hash == computed) {
            self.found_at = Some(seq);
        }
        self.remember(seq, env.id, &env.body);
        self.ids.push(env.id);
        let slot = match item {
            None => 0,
            Some(i) => {
                let next = u32::try_from(self.item_ids.len() + 1).unwrap_or(u32::MAX);
                let slot = *self.item_slots.entry(i).or_insert(next);
                if slot == next {
                    self.item_ids.push(i);
                }
                slot
            }
        };
        self.items.push(slot);
        self.seen_ids.insert(self.fingerprint(env.id));
        self.last_nodes = self.tree.push(super::merkle::event_leaf_hash(bytes));
        self.prev = computed;
        self.prev_time = Some(env.recorded_at);
        self.next_seq += 1;
        Ok(env)
    }

    /// `id`'s fingerprint in `seen_ids`.
    fn fingerprint(&self, id: EventId) -> u64 {
        use std::hash::BuildHasher;
        self.fingerprints.hash_one(id)
    }

    /// Makes room for `events` events at once, when their number is known
    /// (`verify`): the record then never grows by copying itself, which
    /// for a million events held the old and the new hash table together.
    pub fn reserve(&mut self, events: u64) {
        let n = usize::try_from(events).unwrap_or(0);
        self.seen_ids.reserve(n);
        self.ids.reserve(n);
        self.items.reserve(n);
    }

    /// The first rule that spans the ledger which `env` (at `seq`, its
    /// chain checks passed) breaks.
    fn rule_broken(&self, seq: u64, env: &Envelope) -> Option<Break> {
        let item = env.body.item(env.id);
        let broken = |detail: Finding| Some(self.brk(seq, BreakKind::RuleBroken, item, detail));
        if self.seen_ids.contains(&self.fingerprint(env.id))
            && let Some(first) = self.ids.iter().position(|id| *id == env.id)
        {
            return broken(Finding::IdAgain {
                id: env.id,
                first: Some(first as u64),
            });
        }
        if let EventBody::ItemRegistered { key, .. } = &env.body
            && let Some((at, existing)) = self.item_keys.get(&key.folded())
        {
            return Some(Break {
                seq,
                kind: BreakKind::RuleBroken,
                item: Some(key.to_string()),
                detail: Box::new(Finding::KeyAgain {
                    key: key.to_string(),
                    existing: existing.to_string(),
                    at: *at,
                }),
            });
        }
        if let Some(seal) = env.body.seal()
            && let Err(e) = crate::projection::decide::round_name(seal.name)
        {
            return broken(Finding::RoundName {
                what: e.to_string(),
            });
        }
        if let Some(i) = item
            && i != env.id
            && !self.names.0.contains_key(&i)
        {
            return broken(Finding::NoSuchItem {
                kind: env.body.kind_name(),
                item: i,
            });
        }
        if let Err(e) = crate::projection::decide::account_fields(&env.body) {
            return broken(Finding::Refused {
                what: e.to_string(),
            });
        }
        self.refusal(&env.body).and_then(|r| {
            broken(Finding::Refused {
                what: r.to_string(),
            })
        })
    }

    /// What recording would have refused of a ledger-wide event, in the
    /// words and order of [`crate::projection::decide::check_recorded`]:
    /// a key name or public key registered twice, an account created twice
    /// or changed before it exists, a round signature for a round not
    /// sealed (or sealed v1), by a key not registered as a signer or one
    /// that signed it already, an item order naming items that do not
    /// exist, of another kind, or twice.
    fn refusal(&self, body: &EventBody) -> Option<Refusal> {
        let rules = &self.rules;
        match body {
            EventBody::KeyRegistered {
                name, public_key, ..
            } => rules
                .key_names
                .get(name.as_str())
                .map(|(_, seq)| (name.to_string(), *seq))
                .or_else(|| rules.public_keys.get(&public_key.0).cloned())
                .map(|(name, seq)| Refusal::KeyExists { name, seq }),
            EventBody::AccountCreated { account, .. } => rules
                .accounts
                .contains(account.as_str())
                .then(|| Refusal::AccountExists {
                    account: account.to_string(),
                }),
            EventBody::AccountChanged { account, .. } => {
                (!rules.accounts.contains(account.as_str())).then(|| Refusal::UnknownAccount {
                    account: account.to_string(),
                })
            }
            EventBody::RoundSigned { round, key, .. } => {
                let folded = round.trim().to_ascii_lowercase();
                let Some((name, at, _)) = self.seals.get(&folded) else {
                    return Some(Refusal::RoundNotSignable {
                        name: round.clone(),
                        why: "no round of that name is sealed (`kamerstand round list`)".into(),
                    });
                };
                if !self.checkpoints.contains_key(&folded) {
                    return Some(crate::projection::decide::v1_round_unsignable(name));
                }
                let Some((role, _)) = rules.key_names.get(key.as_str()) else {
                    return Some(Refusal::UnknownKey {
                        name: key.to_string(),
                    });
                };
                if *role != KeyRole::Signer {
                    return Some(Refusal::WrongKeyRole {
                        name: key.to_string(),
                        role: *role,
                        needed: KeyRole::Signer,
                    });
                }
                rules
                    .signatures
                    .get(&(*at, key.to_string()))
                    .map(|seq| Refusal::AlreadySigned {
                        round: name.clone(),
                        key: key.to_string(),
                        seq: *seq,
                    })
            }
            EventBody::ItemsOrdered { kind, order } => {
                let mut seen = BTreeSet::new();
                order.iter().find_map(|id| {
                    let Some(k) = rules.item_kinds.get(id) else {
                        return Some(Refusal::UnknownItemId { id: id.hex() });
                    };
                    (k != kind || !seen.insert(*id)).then(|| Refusal::BadOrder {
                        kind: *kind,
                        key: self.names.of(Some(*id)).unwrap_or_default(),
                    })
                })
            }
            _ => None,
        }
    }

    /// Takes in what the ledger-wide rules need of an event that passed.
    fn remember(&mut self, seq: u64, id: EventId, body: &EventBody) {
        let rules = &mut self.rules;
        match body {
            EventBody::ItemRegistered { kind, .. } => {
                rules.item_kinds.insert(id, *kind);
            }
            EventBody::KeyRegistered {
                name,
                role,
                public_key,
            } => {
                rules.key_names.insert(name.to_string(), (*role, seq));
                rules
                    .public_keys
                    .insert(public_key.0, (name.to_string(), seq));
            }
            EventBody::AccountCreated { account, .. } => {
                rules.accounts.insert(account.to_string());
            }
            EventBody::RoundSigned { round, key, .. } => {
                if let Some((_, at, _)) = self.seals.get(&round.trim().to_ascii_lowercase()) {
                    rules.signatures.insert((*at, key.to_string()), seq);
                }
            }
            _ => {}
        }
    }

    /// The item index entries the events checked so far imply: (item,
    /// seq) for every event about an item, in key order.
    pub fn item_index(&self) -> Vec<(EventId, u64)> {
        let mut out: Vec<(EventId, u64)> = (0..self.items.len())
            .filter_map(|seq| self.item_at(seq).map(|i| (i, seq as u64)))
            .collect();
        out.sort_unstable();
        out
    }

    /// The item the event at `seq` (one that passed) is about.
    fn item_at(&self, seq: usize) -> Option<EventId> {
        let slot = self.items.get(seq)?.checked_sub(1)?;
        self.item_ids.get(usize::try_from(slot).ok()?).copied()
    }

    /// True when `entries` (item index entries, as the store reads them)
    /// are exactly [`ChainChecker::item_index`]: each one an event that
    /// passed is about, in strictly ascending order, and as many as there
    /// are such events. Reads the entries as they come, holding nothing;
    /// stops at the first that is not.
    pub fn item_index_is(
        &self,
        entries: impl Iterator<Item = Result<(EventId, u64)>>,
    ) -> Result<bool> {
        let mut last: Option<(EventId, u64)> = None;
        let mut n = 0usize;
        for entry in entries {
            let (item, seq) = entry?;
            let about = usize::try_from(seq).ok().and_then(|s| self.item_at(s));
            if about != Some(item) || last.is_some_and(|l| l >= (item, seq)) {
                return Ok(false);
            }
            last = Some((item, seq));
            n += 1;
        }
        Ok(n == self.items.iter().filter(|s| **s != 0).count())
    }

    /// The report so far, with the break found (if any).
    pub fn report(&self, first_break: Option<Break>) -> VerifyReport {
        let checked = self.next_seq;
        let broken = first_break.is_some();
        VerifyReport {
            events_checked: checked,
            head: (checked > 0).then_some(self.prev),
            seals_checked: u64::try_from(self.seals.len()).unwrap_or(u64::MAX),
            first_break,
            digest: self
                .digest
                .as_ref()
                .map(|d| digest_outcome(d, self.found_at, &self.seals, checked, broken)),
        }
    }
}

/// Verifies the whole store and, if asked, looks for a published digest.
pub fn verify(store: &Store, digest: Option<&DigestCheck>) -> Result<VerifyReport> {
    verify_with_progress(store, digest, &mut |_, _| {})
}

/// How often, in events, long loops report their progress.
pub const PROGRESS_EVERY: u64 = 512;

/// As [`verify`], calling `progress(done, total)` every
/// [`PROGRESS_EVERY`] events and once at the end of the chain; `total` is
/// what the stored head promises (0 when there is no readable head).
pub fn verify_with_progress(
    store: &Store,
    digest: Option<&DigestCheck>,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<VerifyReport> {
    verify_with_nodes(store, digest, progress, &mut |_, _| Ok(()))
}

/// A Merkle tree node, by address, with its hash.
pub type TreeNode = (super::merkle::NodeId, super::merkle::Hash);

/// As [`verify_with_progress`], handing `nodes(seq, its nodes)` the Merkle
/// tree nodes each event that passed completed (its leaf first), so that
/// the stored tree can be compared in the same scan of the events.
pub fn verify_with_nodes(
    store: &Store,
    digest: Option<&DigestCheck>,
    progress: &mut dyn FnMut(u64, u64),
    nodes: &mut dyn FnMut(u64, &[TreeNode]) -> Result<()>,
) -> Result<VerifyReport> {
    let total = match store.head() {
        Ok(Some(h)) => h.seq.saturating_add(1),
        _ => 0,
    };
    let mut c = ChainChecker::new(digest.cloned());
    c.reserve(total);
    for raw in store.scan(0) {
        match raw {
            Ok((seq, stored, bytes)) => {
                if let Err(brk) = c.check(seq, stored, &bytes) {
                    return Ok(c.report(Some(brk)));
                }
                nodes(seq, c.last_nodes())?;
                if c.next_seq.is_multiple_of(PROGRESS_EVERY) {
                    progress(c.next_seq, total.max(c.next_seq));
                }
            }
            Err(crate::Error::Corrupt { seq: Some(s), what }) => {
                let brk = c.brk(
                    s,
                    BreakKind::ContentAltered,
                    None,
                    Finding::StoredRecord { what },
                );
                return Ok(c.report(Some(brk)));
            }
            Err(e) => return Err(e),
        }
    }

    progress(c.next_seq, total.max(c.next_seq));

    // An unreadable head is reported like a wrong one.
    let head = match store.head() {
        Ok(h) => Ok(h),
        Err(crate::Error::Corrupt { what, .. }) => Err(what),
        Err(e) => return Err(e),
    };
    let last = c.next_seq.checked_sub(1);
    let mismatch = match (head, last) {
        (Ok(None), None) => None,
        (Ok(Some(h)), Some(l))
            if h.seq == l && h.hash == c.prev && Some(h.recorded_at) == c.prev_time =>
        {
            None
        }
        // The head names events past the last one stored: those are missing
        // (the last one removed, or the head pointed past the end).
        (Ok(Some(h)), l) if l.is_none_or(|l| h.seq > l) => {
            let at = l.map_or(0, |l| l + 1);
            Some((
                at,
                BreakKind::EventMissing,
                Finding::HeadPastEnd {
                    head_seq: h.seq,
                    head_hash: h.hash,
                    at,
                    last: l,
                },
            ))
        }
        (Ok(Some(h)), Some(l)) if h.seq < l => Some((
            h.seq + 1,
            BreakKind::HeadMismatch,
            Finding::HeadBehind {
                head_seq: h.seq,
                head_hash: h.hash,
                last: l,
            },
        )),
        (Ok(Some(h)), Some(l)) if h.hash == c.prev => Some((
            l,
            BreakKind::HeadMismatch,
            Finding::HeadTime {
                head: h.recorded_at,
                last: c.prev_time,
            },
        )),
        (Ok(Some(h)), l) => Some((
            l.unwrap_or(0),
            BreakKind::HeadMismatch,
            Finding::HeadHash {
                head: h.hash,
                last: c.prev,
            },
        )),
        (Ok(None), l) => Some((l.unwrap_or(0), BreakKind::HeadMismatch, Finding::NoHead)),
        (Err(what), l) => Some((
            l.unwrap_or(0),
            BreakKind::HeadMismatch,
            Finding::HeadUnreadable { what },
        )),
    };
    if let Some((at, kind, detail)) = mismatch {
        return Ok(c.report(Some(c.brk(at, kind, None, detail))));
    }

    // Mostly the index is what the events give: checked as it is read,
    // without the expected entries in memory (24 bytes an event).
    if c.item_index_is(store.index_entries())? {
        return Ok(c.report(None));
    }
    // Both sides in key order (item, seq), compared in one pass: the
    // stored index is read as it is iterated, not held. The break named is
    // the mismatch at the lowest seq.
    let expected = c.item_index();
    let mut want = expected.iter().peekable();
    // `true`: missing from the index; `false`: not expected in it.
    let mut first: Option<((EventId, u64), bool)> = None;
    let mut note = |e: (EventId, u64), missing: bool| {
        // At equal seqs a missing entry is named before an unexpected one.
        if first.is_none_or(|((_, s), m)| e.1 < s || (e.1 == s && missing && !m)) {
            first = Some((e, missing));
        }
    };
    // The first entry of an item listed after a later one of the same.
    let mut disorder: Option<((EventId, u64), u64)> = None;
    let mut last: Option<(EventId, u64)> = None;
    for entry in store.index_entries() {
        let got = entry?;
        if let Some(l) = last
            && l.0 == got.0
            && l.1 >= got.1
            && disorder.is_none()
        {
            disorder = Some((got, l.1));
        }
        last = Some(got);
        while let Some(&&w) = want.peek() {
            if w < got {
                note(w, true);
                want.next();
            } else {
                break;
            }
        }
        if want.peek() == Some(&&got) {
            want.next();
        } else {
            note(got, false);
        }
    }
    for &w in want {
        note(w, true);
    }
    // The disorder when it comes first, else the first entry missing or
    // not expected.
    let found = match (disorder, first) {
        (Some(((item, seq), after)), f) if f.is_none_or(|((_, s), _)| seq <= s) => {
            Some((item, seq, Finding::IndexOrder { item, seq, after }))
        }
        (_, Some(((item, seq), missing))) => {
            Some((item, seq, Finding::IndexEntry { item, seq, missing }))
        }
        _ => None,
    };
    Ok(c.report(
        found.map(|(item, seq, detail)| c.brk(seq, BreakKind::IndexMismatch, Some(item), detail)),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_item_index_is_what_the_events_give_only_with_each_entry_once_and_none_missing() {
        let mut c = ChainChecker::new(None);
        let (a, b) = (EventId([1; 16]), EventId([2; 16]));
        // Seq 0 is about no item; 1, 2 and 4 about a; 3 about b.
        c.item_ids = vec![a, b];
        c.items = vec![0, 1, 1, 2, 1];
        let is =
            |entries: &[(EventId, u64)]| c.item_index_is(entries.iter().map(|e| Ok(*e))).unwrap();
        assert_eq!(c.item_index(), [(a, 1), (a, 2), (a, 4), (b, 3)]);
        assert!(is(&c.item_index()));
        // As many entries, one twice where another is missing.
        assert!(!is(&[(a, 1), (a, 2), (a, 2), (b, 3)]));
        // Out of order.
        assert!(!is(&[(a, 1), (a, 4), (a, 2), (b, 3)]));
        // One missing, one too many, one of another item, one of no item,
        // one beyond the events.
        assert!(!is(&[(a, 1), (a, 2), (b, 3)]));
        assert!(!is(&[(a, 1), (a, 2), (a, 3), (a, 4), (b, 3)]));
        assert!(!is(&[(a, 1), (a, 2), (a, 3), (b, 4)]));
        assert!(!is(&[(a, 0), (a, 1), (a, 2), (a, 4), (b, 3)]));
        assert!(!is(&[(a, 1), (a, 2), (a, 4), (b, 3), (b, 9)]));
    }
}

//! Full verification of a store: every hash recomputed, every link and seq
//! checked, recorded time never decreasing, the head and the item index
//! compared with what the events imply. Stops at the first break and names it.

use super::codec;
use super::envelope::Envelope;
use super::store::Store;
use crate::domain::{EventBody, EventHash, EventId, Timestamp};
use crate::error::Result;
use serde::Serialize;
use std::collections::BTreeMap;
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
    /// A round signature does not verify with the key it names.
    BadSignature,
}

impl fmt::Display for BreakKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BreakKind::ContentAltered => "content altered",
            BreakKind::Undecodable => "undecodable event",
            BreakKind::LinkBroken => "link broken",
            BreakKind::EventMissing => "event missing",
            BreakKind::OutOfOrder => "out of order",
            BreakKind::IndexMismatch => "index mismatch",
            BreakKind::HeadMismatch => "head mismatch",
            BreakKind::SealMismatch => "seal mismatch",
            BreakKind::BadReference => "bad reference",
            BreakKind::BadSignature => "bad signature",
        })
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
    /// What was found, in words.
    pub detail: String,
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
    /// Explanation.
    pub detail: String,
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
    let mut out = DigestOutcome {
        digest: h,
        round: check.round.clone(),
        found_at,
        ok: false,
        detail: String::new(),
    };
    // The round whose seal the digest is, if any: a digest copied from
    // one letter and checked against another round's name.
    let sealed_by = seals
        .values()
        .find(|(_, _, seal)| *seal == h)
        .map(|(real, seq, _)| (real.clone(), *seq));
    match &check.round {
        Some(name) => match seals.get(&name.to_ascii_lowercase()) {
            None => {
                out.detail = unknown_round(name, seals, sealed_by, found_at, checked, broken);
            }
            Some((real, seq, seal_hash)) if *seal_hash == h => {
                out.ok = true;
                out.detail = format!("round '{real}' is sealed at seq {seq} with this digest");
            }
            Some((real, seq, seal_hash)) => {
                out.detail = match &sealed_by {
                    Some((other, at)) => format!(
                        "this digest is the seal of round '{other}' (seq {at}), not of round '{real}' (sealed at seq {seq}): was it published for {other}? Check it with --round {other}"
                    ),
                    None => format!(
                        "round '{real}' is sealed at seq {seq} with digest {}, not the published {}: the history up to that seal was rewritten (or the digest is mistyped)",
                        seal_hash.hex(),
                        h.hex()
                    ),
                };
            }
        },
        None => match found_at {
            Some(seq) => {
                out.ok = true;
                out.detail = format!("digest is the hash of seq {seq}");
            }
            None => {
                out.detail = format!(
                    "no event among the {checked} checked has this hash: the ledger was rewritten or truncated after the digest was published (or the digest is mistyped)"
                );
            }
        },
    }
    out
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
) -> String {
    // In the order they were sealed.
    let mut sealed: Vec<&(String, u64, EventHash)> = seals.values().collect();
    sealed.sort_by_key(|(_, seq, _)| *seq);
    let names: Vec<&str> = sealed.iter().map(|(real, _, _)| real.as_str()).collect();
    let close = crate::domain::text::closest(name, names.iter().copied(), 3);
    let did_you_mean = if close.is_empty() {
        String::new()
    } else {
        format!("; did you mean {}?", close.join(" or "))
    };
    let listed = if names.is_empty() {
        "none".to_string()
    } else {
        names.join(", ")
    };
    let mut out = match (broken, names.is_empty()) {
        (true, _) => format!(
            "no round named '{name}' is sealed among the {checked} events before the break{did_you_mean} (sealed there: {listed})"
        ),
        (false, true) => format!(
            "no round is sealed in this ledger ({checked} events checked), so none is named '{name}'"
        ),
        (false, false) => {
            format!("no round is named '{name}'{did_you_mean} (sealed rounds: {listed})")
        }
    };
    out.push_str(&match (sealed_by, found_at) {
        (Some((round, seq)), _) => format!(
            ". The digest is the seal of round '{round}' (seq {seq}): check it with --round {round}"
        ),
        (None, Some(seq)) => format!(
            ". The digest is in the ledger, as the hash of seq {seq}, which is not a round's seal"
        ),
        (None, None) if broken => {
            ". Nor is the digest among those events: it may lie beyond the break".to_string()
        }
        (None, None) => format!(
            ". The digest is not in the ledger either (none of the {checked} events checked has it): the ledger was rewritten or truncated after it was published, or the digest or the round's name is mistyped"
        ),
    });
    out
}

struct Names(BTreeMap<EventId, String>);

impl Names {
    fn of(&self, item: Option<EventId>) -> Option<String> {
        item.map(|i| self.0.get(&i).cloned().unwrap_or_else(|| i.hex()))
    }
}

/// Checks a chain one stored event at a time: seq contiguity, the stored
/// hash against the bytes, decoding, the envelope's own seq, the `prev` link,
/// recorded-time order, that only seq 0 creates the ledger, round seals and
/// correction references. Used by [`verify`] over a store and by the events
/// importer over a file, before anything is written.
#[derive(Debug)]
pub struct ChainChecker {
    names: Names,
    /// Id and item of every event that passed, by seq.
    ids: Vec<(EventId, Option<EventId>)>,
    seals: BTreeMap<String, (String, u64, EventHash)>,
    /// Index entries the events imply, in seq order (sorted at the end).
    expected_index: Vec<(EventId, u64)>,
    prev: EventHash,
    prev_time: Option<Timestamp>,
    next_seq: u64,
    digest: Option<DigestCheck>,
    found_at: Option<u64>,
    /// The Merkle tree of the events that passed, for the roots v2 seals
    /// name.
    tree: super::merkle::Frontier,
    /// The checkpoints' origin, from the ledger's creation.
    origin: String,
    /// Registered keys, by name: what a round signature is checked with.
    keys: BTreeMap<String, crate::formats::note::VerifierKey>,
    /// The checkpoint text of every v2 round, by lower-cased name.
    checkpoints: BTreeMap<String, String>,
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
            ids: Vec::new(),
            seals: BTreeMap::new(),
            expected_index: Vec::new(),
            prev: EventHash::GENESIS,
            prev_time: None,
            next_seq: 0,
            digest,
            found_at: None,
            tree: super::merkle::Frontier::new(),
            origin: String::new(),
            keys: BTreeMap::new(),
            checkpoints: BTreeMap::new(),
        }
    }

    /// The root of the Merkle tree of the events that passed.
    pub fn tree_root(&self) -> EventHash {
        EventHash(self.tree.root())
    }

    /// Events that passed so far.
    pub fn checked(&self) -> u64 {
        self.next_seq
    }

    /// Hash and recorded time of the last event that passed.
    pub fn last(&self) -> Option<(EventHash, Timestamp)> {
        self.prev_time.map(|t| (self.prev, t))
    }

    fn brk(&self, seq: u64, kind: BreakKind, item: Option<EventId>, detail: String) -> Break {
        Break {
            seq,
            kind,
            item: self.names.of(item),
            detail,
        }
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
                format!(
                    "seq {seq} comes again where seq {next} should be (a duplicated or reordered event)"
                ),
            ));
        }
        if seq != next {
            return Err(self.brk(
                next,
                BreakKind::EventMissing,
                None,
                format!("no event stored at seq {next}; the next stored event is seq {seq}"),
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
                // Full hashes: short ones can be equal when a late byte differs.
                format!(
                    "stored bytes hash to {}, the stored hash is {}",
                    computed.hex(),
                    stored.hex()
                ),
            ));
        }
        let env = decoded.map_err(|e| self.brk(seq, BreakKind::Undecodable, None, e))?;
        if env.seq != seq {
            return Err(self.brk(
                seq,
                BreakKind::OutOfOrder,
                item,
                format!("the event stored at seq {seq} says it is seq {}", env.seq),
            ));
        }
        if env.prev != self.prev {
            return Err(self.brk(
                seq,
                BreakKind::LinkBroken,
                item,
                format!(
                    "prev is {}, but the event before hashes to {}{}",
                    env.prev.short(),
                    self.prev.short(),
                    if seq > 0 {
                        format!(" (seq {} or this event was rewritten)", seq - 1)
                    } else {
                        String::new()
                    }
                ),
            ));
        }
        if let Some(t) = self.prev_time.filter(|t| env.recorded_at < *t) {
            return Err(self.brk(
                seq,
                BreakKind::OutOfOrder,
                item,
                format!(
                    "recorded at {}, before the previous event ({t})",
                    env.recorded_at
                ),
            ));
        }
        if (seq == 0) != matches!(env.body, EventBody::LedgerCreated { .. }) {
            return Err(self.brk(
                seq,
                BreakKind::OutOfOrder,
                item,
                format!(
                    "a {} event at seq {seq}: ledger_created must be the first event, and only the first",
                    env.body.kind_name()
                ),
            ));
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
                    format!("round '{name}' was already sealed as '{first}' at seq {at}; round names are unique"),
                ));
            }
            if seq == 0 || head_seq != seq - 1 || head_hash != self.prev {
                return Err(self.brk(
                    seq,
                    BreakKind::SealMismatch,
                    None,
                    format!(
                        "round '{name}' names head seq {head_seq} ({}), but the event before it is seq {} ({})",
                        head_hash.short(),
                        seq.saturating_sub(1),
                        self.prev.short()
                    ),
                ));
            }
            if let Some((size, root)) = tree
                && (size != seq || root.0 != self.tree.root())
            {
                return Err(self.brk(
                    seq,
                    BreakKind::SealMismatch,
                    None,
                    format!(
                        "round '{name}' names a Merkle tree of {size} events with root {}, but the {seq} events before it give root {}",
                        root.short(),
                        EventHash(self.tree.root()).short()
                    ),
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
            }
            EventBody::LedgerCreated { programme, .. } => {
                self.origin = crate::formats::note::origin_of(programme);
            }
            EventBody::KeyRegistered {
                name,
                role,
                public_key,
            } => {
                // The latest registration of a name counts, even one whose
                // key is no usable Ed25519 key: it then verifies nothing,
                // rather than leaving the earlier key in force.
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
                        format!(
                            "the signature of round '{round}' by key '{key}' does not verify over the round's checkpoint with the key registered under that name"
                        ),
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
                    .and_then(|i| self.ids.get(i))
                    .copied();
                let at = target.map(|(id, _)| id);
                if let Some((_, target_item)) = target.filter(|(id, _)| id == target_id)
                    && target_item != Some(*named)
                {
                    return Err(self.brk(
                        seq,
                        BreakKind::BadReference,
                        item,
                        format!(
                            "the correction says seq {target_seq} is about item {}, but {}",
                            named.hex(),
                            target_item.map_or(
                                "that event is about no item".to_string(),
                                |i| format!("it is about {}", i.hex())
                            )
                        ),
                    ));
                }
                if *target_seq >= seq || at != Some(*target_id) {
                    return Err(self.brk(
                        seq,
                        BreakKind::BadReference,
                        item,
                        format!(
                            "the correction names seq {target_seq} with id {}, but {}",
                            target_id.hex(),
                            at.map_or("no such earlier event exists".to_string(), |i| format!(
                                "that event's id is {}",
                                i.hex()
                            ))
                        ),
                    ));
                }
            }
            _ => {}
        }
        if self.digest.as_ref().is_some_and(|d| d.hash == computed) {
            self.found_at = Some(seq);
        }
        self.ids.push((env.id, item));
        if let Some(i) = item {
            self.expected_index.push((i, seq));
        }
        self.tree.push(super::merkle::event_leaf_hash(bytes));
        self.prev = computed;
        self.prev_time = Some(env.recorded_at);
        self.next_seq += 1;
        Ok(env)
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
    let total = match store.head() {
        Ok(Some(h)) => h.seq.saturating_add(1),
        _ => 0,
    };
    let mut c = ChainChecker::new(digest.cloned());
    for raw in store.scan(0) {
        match raw {
            Ok((seq, stored, bytes)) => {
                if let Err(brk) = c.check(seq, stored, &bytes) {
                    return Ok(c.report(Some(brk)));
                }
                if c.next_seq.is_multiple_of(PROGRESS_EVERY) {
                    progress(c.next_seq, total.max(c.next_seq));
                }
            }
            Err(crate::Error::Corrupt { seq: Some(s), what }) => {
                let brk = c.brk(s, BreakKind::ContentAltered, None, what);
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
                format!(
                    "the head names seq {} ({}), but no event is stored at seq {at}{}",
                    h.seq,
                    h.hash.short(),
                    l.map_or(String::new(), |l| format!(
                        "; the last stored event is seq {l}"
                    ))
                ),
            ))
        }
        (Ok(Some(h)), Some(l)) if h.seq < l => Some((
            h.seq + 1,
            BreakKind::HeadMismatch,
            format!(
                "the head names seq {} ({}), but the last event is seq {l}",
                h.seq,
                h.hash.short()
            ),
        )),
        (Ok(Some(h)), Some(l)) if h.hash == c.prev => Some((
            l,
            BreakKind::HeadMismatch,
            format!(
                "the head's recorded time {} is not the last event's ({})",
                h.recorded_at,
                c.prev_time.map_or("none".into(), |t| t.to_string())
            ),
        )),
        (Ok(Some(h)), l) => Some((
            l.unwrap_or(0),
            BreakKind::HeadMismatch,
            // Full hashes: short ones can be equal when a late byte differs.
            format!(
                "the head names hash {}, but the last event hashes to {}",
                h.hash.hex(),
                c.prev.hex()
            ),
        )),
        (Ok(None), l) => Some((
            l.unwrap_or(0),
            BreakKind::HeadMismatch,
            "no head is stored, but events exist".to_string(),
        )),
        (Err(what), l) => Some((
            l.unwrap_or(0),
            BreakKind::HeadMismatch,
            format!("the head cannot be read: {what}"),
        )),
    };
    if let Some((at, kind, detail)) = mismatch {
        return Ok(c.report(Some(c.brk(at, kind, None, detail))));
    }

    // Both sides in key order (item, seq), compared in one pass: the
    // stored index is read as it is iterated, not held. The break named is
    // the mismatch at the lowest seq.
    let mut expected = std::mem::take(&mut c.expected_index);
    expected.sort_unstable();
    let mut want = expected.iter().peekable();
    let mut first: Option<((EventId, u64), &str)> = None;
    let mut note = |e: (EventId, u64), what: &'static str| {
        // At equal seqs a missing entry is named before an unexpected one.
        if first.is_none_or(|((_, s), w)| e.1 < s || (e.1 == s && what < w)) {
            first = Some((e, what));
        }
    };
    for entry in store.index_entries() {
        let got = entry?;
        while let Some(&&w) = want.peek() {
            if w < got {
                note(w, "missing from");
                want.next();
            } else {
                break;
            }
        }
        if want.peek() == Some(&&got) {
            want.next();
        } else {
            note(got, "not expected in");
        }
    }
    for &w in want {
        note(w, "missing from");
    }
    if let Some(((item, seq), what)) = first {
        let detail = format!(
            "the entry for item {} at seq {seq} is {what} the item index",
            item.hex()
        );
        return Ok(c.report(Some(c.brk(
            seq,
            BreakKind::IndexMismatch,
            Some(item),
            detail,
        ))));
    }
    Ok(c.report(None))
}

//! Deciding: a proposed event is checked against the current [`State`] and
//! either accepted or refused with a reason, before anything is written.
//! Applying an accepted event (in `state`) then cannot fail.

use super::{Change, State};
use crate::domain::{Day, EventBody, ItemKey, ItemKind, KamerstukRef, Replacement, text};
use crate::error::{Error, Refusal, Result};

/// How far after today an effective date may lie.
pub const MAX_DAYS_AHEAD: i64 = 366;

/// Most citations accepted on one event.
pub const MAX_CITATIONS: usize = 64;
/// Most submitters accepted on one item.
pub const MAX_SUBMITTERS: usize = 64;

/// Why a round sealed with a v1 seal (variant 6) can have no signature
/// and so no note: the seal names no Merkle root, and a signature covers
/// only a root the chain itself names (schema/proofs.md §6). `round sign`,
/// `round note` and this check all say it in these words.
pub fn v1_round_unsignable(name: &str) -> Refusal {
    Refusal::RoundNotSignable {
        name: name.to_string(),
        why: "it was sealed before seals named their Merkle tree (a v1 seal), so the chain names no tree root to sign and it can have no signed note; seal a new round and sign that (this round's digest is checked with `kamerstand verify --digest`)".into(),
    }
}

/// Checks `body` against `state`; `today` is the ledger clock's day.
pub fn check(state: &State, body: &EventBody, today: Day) -> Result<()> {
    check_in(state, body, today, Mode::Recording)
}

/// Checks an event already in a ledger against the rules every version of
/// kamerstand applied when it recorded one (what `verify` and an events
/// import hold every event to): all of [`check`] except the refusals of
/// changes that change nothing (a status, an assignment, an amendment or a
/// correction that leaves the values as they were, a retraction of what is
/// retracted), whose judgement rests on the fold as each version had it.
/// `recorded_on` is the day the event was recorded (in Dutch time): an
/// effective date may lie at most [`MAX_DAYS_AHEAD`] after it.
pub fn check_recorded(state: &State, body: &EventBody, recorded_on: Day) -> Result<()> {
    check_in(state, body, recorded_on, Mode::Recorded)
}

/// Whether an event is about to be recorded or was recorded already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Recording,
    Recorded,
}

fn check_in(state: &State, body: &EventBody, today: Day, mode: Mode) -> Result<()> {
    let strict = mode == Mode::Recording;
    if state.legend.is_none() && !matches!(body, EventBody::LedgerCreated { .. }) {
        return Err(Refusal::NotCreated.into());
    }
    let replacement_day = match body {
        EventBody::Corrected { replacement, .. } => replacement.effective,
        _ => None,
    };
    if let Some(d) = body.effective().or(replacement_day) {
        let latest = today.plus_days(MAX_DAYS_AHEAD);
        if d > latest {
            return Err(Refusal::EffectiveTooLate {
                day: d,
                today,
                max_days: MAX_DAYS_AHEAD,
                latest,
            }
            .into());
        }
    }
    // Borrowed, not cloned: verify and imports check every event.
    let nap;
    let legend = match &state.legend {
        Some(l) => l,
        None => {
            nap = crate::domain::Legend::nap();
            &nap
        }
    };
    let known_status = |slug: &str| -> Result<()> {
        legend.get(slug).map(|_| ()).ok_or_else(|| {
            Error::from(Refusal::StatusNotInLegend {
                slug: slug.to_string(),
                valid: legend.entries.iter().map(|e| e.slug.clone()).collect(),
            })
        })
    };
    let lists = |citations: &[String], submitters: &[String]| -> Result<()> {
        if citations.len() > MAX_CITATIONS || submitters.len() > MAX_SUBMITTERS {
            return Err(Refusal::TooManyListed {
                citations: MAX_CITATIONS,
                submitters: MAX_SUBMITTERS,
            }
            .into());
        }
        Ok(())
    };
    match body {
        EventBody::LedgerCreated { .. } => {
            if state.events > 0 {
                return Err(Refusal::AlreadyCreated.into());
            }
        }
        EventBody::ItemRegistered {
            key,
            status,
            citations,
            submitters,
            ..
        } => {
            if let Some(existing) = state.by_key(key.as_str()) {
                return Err(Refusal::DuplicateKey {
                    key: key.to_string(),
                    kind: existing.kind,
                    existing: existing.key.to_string(),
                }
                .into());
            }
            known_status(status)?;
            lists(citations, submitters)?;
        }
        EventBody::StatusChanged {
            item,
            status,
            effective,
            ..
        } => {
            let it = item_or_reject(state, item)?;
            known_status(status)?;
            // "Niet vermeld" over a stated status is refused since issue 16;
            // events recorded before it may hold one, so only new events
            // are held to it.
            if let Some(now) = it
                .status_on(*effective)
                .filter(|s| strict && status == crate::domain::legend::NOT_STATED && *s != status)
            {
                return Err(Refusal::NotStatedOverStatus {
                    key: it.key.to_string(),
                    status: now.to_string(),
                    effective: *effective,
                }
                .into());
            }
            if strict && it.status_on(*effective) == Some(status.as_str()) {
                let label = legend
                    .get(status)
                    .map_or(status.as_str(), |e| e.nl.as_str());
                return Err(Refusal::StatusUnchanged {
                    key: it.key.to_string(),
                    status: status.clone(),
                    label: label.to_string(),
                    effective: *effective,
                }
                .into());
            }
        }
        EventBody::ResponsibilityChanged {
            item,
            responsible,
            effective,
            ..
        } => {
            let it = item_or_reject(state, item)?;
            if responsible.is_empty() {
                return Err(Refusal::NoResponsible.into());
            }
            if strict
                && it
                    .responsible_on(*effective)
                    .is_some_and(|r| r.same_parties(responsible))
            {
                return Err(Refusal::AssignmentUnchanged {
                    key: it.key.to_string(),
                    responsible: responsible.clone(),
                    effective: *effective,
                }
                .into());
            }
        }
        EventBody::ProgressNoted {
            item,
            text,
            citations,
            effective,
        } => {
            let it = item_or_reject(state, item)?;
            if text.trim().is_empty() {
                return Err(Refusal::EmptyNote.into());
            }
            lists(citations, &[])?;
            // Like a status or an assignment that is in force already: the
            // same note again, on the same day, records nothing new.
            if let Some(n) = it.latest_note_at(None).filter(|n| {
                n.effective == *effective && n.text == *text && n.citations == *citations
            }) {
                return Err(Refusal::NoteUnchanged {
                    key: it.key.to_string(),
                    seq: n.seq,
                    effective: n.effective,
                }
                .into());
            }
        }
        EventBody::RoundSealed { .. } | EventBody::RoundSealedV2 { .. } => {
            let Some(crate::domain::Seal {
                name,
                head_seq,
                head_hash,
                tree,
                ..
            }) = body.seal()
            else {
                return Ok(());
            };
            if tree.is_some_and(|(size, _)| size != head_seq + 1) {
                return Err(Refusal::SealTreeSize {
                    size: tree.map_or(0, |t| t.0),
                    head_seq,
                }
                .into());
            }
            round_name(name)?;
            if let Some(r) = state.round(name) {
                return Err(Refusal::RoundExists {
                    name: r.name.clone(),
                    seq: r.seq,
                    digest: r.digest,
                }
                .into());
            }
            if Some(head_hash) != state.head || head_seq + 1 != state.events {
                return Err(Refusal::SealNotAtHead.into());
            }
        }
        EventBody::Corrected {
            target_seq,
            target_id,
            item,
            reason,
            replacement,
        } => check_correction(
            state,
            *target_seq,
            *target_id,
            item,
            reason,
            replacement,
            strict,
        )?,
        EventBody::KeyRegistered {
            name, public_key, ..
        } => {
            if let Some(k) = state.signing_keys.get(name) {
                return Err(Refusal::KeyExists {
                    name: name.to_string(),
                    seq: k.seq,
                }
                .into());
            }
            if let Some(k) = state
                .signing_keys
                .values()
                .find(|k| k.public_key == *public_key)
            {
                return Err(Refusal::KeyExists {
                    name: k.name.to_string(),
                    seq: k.seq,
                }
                .into());
            }
        }
        EventBody::AccountCreated { account, .. } => {
            if state.accounts.contains_key(account) {
                return Err(Refusal::AccountExists {
                    account: account.to_string(),
                }
                .into());
            }
            account_fields(body)?;
        }
        EventBody::AccountChanged {
            account,
            role,
            ministries,
            disabled,
        } => {
            let a = state
                .accounts
                .get(account)
                .ok_or_else(|| Refusal::UnknownAccount {
                    account: account.to_string(),
                })?;
            account_fields(body)?;
            let changes = role.is_some_and(|r| r != a.role)
                || ministries.as_ref().is_some_and(|m| *m != a.ministries)
                || disabled.is_some_and(|d| d != a.disabled);
            if strict && !changes {
                return Err(Refusal::AccountUnchanged {
                    account: account.to_string(),
                }
                .into());
            }
        }
        EventBody::ItemDetailed {
            item,
            deadline,
            made_on,
            made_in,
            previous_responsible,
            ..
        } => {
            let it = item_or_reject(state, item)?;
            let changes = deadline.is_some_and(|d| it.deadline != Some(d))
                || made_on.is_some_and(|d| it.made_on != Some(d))
                || made_in
                    .as_ref()
                    .is_some_and(|m| it.made_in.as_ref() != Some(m))
                || previous_responsible
                    .as_ref()
                    .is_some_and(|p| it.previous_responsible.as_ref() != Some(p));
            if strict && !changes {
                return Err(Refusal::DetailsUnchanged {
                    key: it.key.to_string(),
                }
                .into());
            }
        }
        EventBody::RoundSigned { round, key, .. } => {
            let r = state
                .round(round)
                .ok_or_else(|| Refusal::RoundNotSignable {
                    name: round.clone(),
                    why: "no round of that name is sealed (`kamerstand round list`)".into(),
                })?;
            if r.tree.is_none() {
                return Err(v1_round_unsignable(&r.name).into());
            }
            let k = state
                .signing_keys
                .get(key)
                .ok_or_else(|| Refusal::UnknownKey {
                    name: key.to_string(),
                })?;
            if k.role != crate::domain::KeyRole::Signer {
                return Err(Refusal::WrongKeyRole {
                    name: key.to_string(),
                    role: k.role,
                    needed: crate::domain::KeyRole::Signer,
                }
                .into());
            }
            if let Some(s) = state
                .signatures
                .get(&r.seq)
                .and_then(|v| v.iter().find(|s| s.key == *key))
            {
                return Err(Refusal::AlreadySigned {
                    round: r.name.clone(),
                    key: key.to_string(),
                    seq: s.seq,
                }
                .into());
            }
        }
        EventBody::ItemsOrdered { kind, order } => {
            let mut seen = std::collections::BTreeSet::new();
            for id in order {
                let (k, key) = state
                    .item_kinds
                    .get(id)
                    .ok_or_else(|| Refusal::UnknownItemId { id: id.hex() })?;
                if k != kind || !seen.insert(*id) {
                    return Err(Refusal::BadOrder {
                        kind: *kind,
                        key: key.clone(),
                    }
                    .into());
                }
            }
        }
        EventBody::ItemAmended {
            item,
            text,
            citations,
            submitters,
            ..
        } => {
            let it = item_or_reject(state, item)?;
            lists(
                citations.as_deref().unwrap_or_default(),
                submitters.as_deref().unwrap_or_default(),
            )?;
            let changes = text.as_ref().is_some_and(|t| *t != it.text)
                || citations.as_ref().is_some_and(|c| *c != it.citations)
                || submitters.as_ref().is_some_and(|s| *s != it.submitters);
            if strict && !changes {
                return Err(Refusal::AmendmentChangesNothing {
                    key: it.key.to_string(),
                }
                .into());
            }
        }
    }
    Ok(())
}

fn item_or_reject<'a>(
    state: &'a State,
    item: &crate::domain::EventId,
) -> Result<&'a super::ItemState> {
    let it = state
        .items
        .get(item)
        .ok_or_else(|| Refusal::UnknownItemId { id: item.hex() })?;
    if it.withdrawn {
        return Err(Refusal::ItemWithdrawn {
            key: it.key.to_string(),
            registered_seq: it.registered_seq,
        }
        .into());
    }
    Ok(it)
}

/// Portfolio codes of an account (`OCW`, `JenV`, …): each as in a
/// responsible code, without the role letter.
fn portfolios(list: &[String]) -> Result<()> {
    if list.len() > MAX_CITATIONS {
        return Err(Refusal::TooManyListed {
            citations: MAX_CITATIONS,
            submitters: MAX_SUBMITTERS,
        }
        .into());
    }
    for p in list {
        crate::domain::Responsible::parse(&format!("M{p}"))
            .ok()
            .filter(|r| r.codes().len() == 1 && r.codes()[0].portfolio == *p)
            .ok_or_else(|| {
                crate::domain::Invalid::new(
                    "ministry",
                    p,
                    "a portfolio as in a responsible code, in its usual spelling, e.g. OCW or JenV",
                )
            })?;
    }
    Ok(())
}

/// The rules of an account event's own fields, which recording applies
/// and `verify` checks again on a ledger that may not have come through
/// recording: a display name is a short text, portfolios are codes such as
/// `OCW` or `JenV`, at most as many as an item's citations.
pub fn account_fields(body: &EventBody) -> Result<()> {
    match body {
        EventBody::AccountCreated {
            display_name,
            ministries,
            ..
        } => {
            text::short_text("display name", display_name)?;
            portfolios(ministries)
        }
        EventBody::AccountChanged {
            ministries: Some(m),
            ..
        } => portfolios(m),
        _ => Ok(()),
    }
}

/// Round names: 1–64 characters from A-Z a-z 0-9 - _ . starting with a
/// letter or digit.
pub fn round_name(s: &str) -> Result<String> {
    let t = s.trim();
    let ok = !t.is_empty()
        && t.len() <= 64
        && t.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(t.to_string())
    } else {
        Err(Error::Invalid(crate::domain::Invalid::new(
            "round name",
            s,
            "1 to 64 characters from A-Z a-z 0-9 - _ . starting with a letter or digit, e.g. 2025-voorjaar",
        )))
    }
}

fn check_correction(
    state: &State,
    target_seq: u64,
    target_id: crate::domain::EventId,
    item: &crate::domain::EventId,
    reason: &str,
    r: &Replacement,
    strict: bool,
) -> Result<()> {
    let it = state
        .items
        .get(item)
        .ok_or_else(|| Refusal::UnknownItemId { id: item.hex() })?;
    let entry = it
        .entry(target_seq)
        .ok_or_else(|| Refusal::NotAnEventOfItem {
            seq: target_seq,
            key: it.key.to_string(),
        })?;
    if entry.id != target_id {
        return Err(Refusal::EventIdMismatch {
            seq: target_seq,
            stored: entry.id.hex(),
            given: target_id.hex(),
        }
        .into());
    }
    if reason.trim().is_empty() {
        return Err(Refusal::CorrectionNeedsReason.into());
    }
    if matches!(entry.change, Change::Corrected { .. }) && !it.correction_active(target_seq) {
        return Err(Refusal::CorrectionSuperseded {
            seq: target_seq,
            key: it.key.to_string(),
        }
        .into());
    }
    let root = it.root_of(target_seq).unwrap_or(target_seq);
    let root_change = it.entry(root).map(|e| &e.change);
    let given = [
        r.status.is_some(),
        r.responsible.is_some(),
        r.note.is_some(),
        r.effective.is_some(),
    ];
    if r.retract && given.iter().any(|g| *g) {
        return Err(Refusal::RetractWithReplacement.into());
    }
    if !r.retract && !given.iter().any(|g| *g) {
        return Err(Refusal::NoReplacement.into());
    }
    let refuse = |what: &str, kind: &str| {
        Err(Refusal::NotReplaceable {
            what: what.to_string(),
            kind: kind.to_string(),
            root,
        }
        .into())
    };
    if matches!(root_change, Some(Change::Detailed { .. })) {
        return Err(Refusal::DetailsNotCorrectable { seq: root }.into());
    }
    let kind = match root_change {
        Some(Change::Registered { .. }) => "registration",
        Some(Change::Status { .. }) => "status change",
        Some(Change::Responsible { .. }) => "assignment",
        Some(Change::Note { .. }) => "progress note",
        _ => "amendment",
    };
    if r.status.is_some() && !matches!(kind, "registration" | "status change") {
        return refuse("--status", kind);
    }
    if r.responsible.is_some() && !matches!(kind, "registration" | "assignment") {
        return refuse("--responsible", kind);
    }
    if r.note.is_some() && kind != "progress note" {
        return refuse("--note", kind);
    }
    if r.effective.is_some() && kind == "amendment" {
        return refuse("--effective", kind);
    }
    if let Some(s) = &r.status {
        let legend = state.legend();
        if legend.get(s).is_none() {
            return Err(Refusal::StatusNotInLegend {
                slug: s.clone(),
                valid: Vec::new(),
            }
            .into());
        }
    }
    if r.responsible
        .as_ref()
        .is_some_and(|p| p.is_empty() && kind == "assignment")
    {
        return Err(Refusal::NoResponsible.into());
    }
    if r.note.as_ref().is_some_and(|n| n.trim().is_empty()) {
        return Err(Refusal::EmptyReplacementNote.into());
    }
    // A replacement identical to what is in force changes nothing.
    if !strict {
        return Ok(());
    }
    if r.retract {
        if target_seq == root && it.replacement_of(root).is_some_and(|c| c.retract) {
            return Err(Refusal::AlreadyRetracted { root }.into());
        }
    } else {
        let status = it.statuses.iter().find(|f| f.seq == root);
        let parties = it.assignments.iter().find(|f| f.seq == root);
        let note = it.notes.iter().find(|n| n.seq == root);
        let effective = status
            .map(|f| f.effective)
            .or(parties.map(|f| f.effective))
            .or(note.map(|n| n.effective));
        // A correction of a correction replaces that one whole: it changes
        // something unless it says exactly what the one it replaces says.
        let replaces_other = target_seq != root
            && it.entry(target_seq).is_some_and(
                |e| !matches!(&e.change, Change::Corrected { replacement, .. } if replacement == r),
            );
        let changes = replaces_other
            || it.replacement_of(root).is_some_and(|c| c.retract)
            || r.status
                .as_ref()
                .is_some_and(|s| status.is_none_or(|f| &f.value != s))
            || r.responsible
                .as_ref()
                .is_some_and(|p| parties.is_none_or(|f| &f.value != p))
            || r.note
                .as_ref()
                .is_some_and(|t| note.is_none_or(|n| &n.text != t))
            || r.effective.is_some_and(|d| effective != Some(d));
        if !changes {
            return Err(Refusal::CorrectionChangesNothing { root }.into());
        }
    }
    Ok(())
}

/// The key for a new item: the one given, else one derived from the first
/// citation that yields a free key, else the kind's letter and the lowest free
/// counter (`M1`, `M2`, … / `T1`, …). `taken(key)` says whether a key is in
/// use (any case).
pub fn assign_key<E>(
    kind: ItemKind,
    explicit: Option<ItemKey>,
    citations: &[String],
    taken: &mut dyn FnMut(&str) -> std::result::Result<bool, E>,
) -> std::result::Result<ItemKey, E>
where
    E: From<Error>,
{
    if let Some(k) = explicit {
        return Ok(k);
    }
    for c in citations {
        if let Some(k) = KamerstukRef::parse(c)
            .key_hint()
            .and_then(|hint| ItemKey::parse(&hint).ok())
            && !taken(k.as_str())?
        {
            return Ok(k);
        }
    }
    let letter = kind.key_letter();
    for n in 1u64.. {
        let k = format!("{letter}{n}");
        if !taken(&k)? {
            return ItemKey::parse(&k).map_err(|e| E::from(Error::Invalid(e)));
        }
    }
    Err(E::from(Refusal::NoFreeKey.into()))
}

/// Normalises a list of raw citations from the command line. With `strict`,
/// a citation that cannot be parsed at all is refused (use `--ref-raw` to
/// keep one as it is).
pub fn citations(raw: &[String], strict: bool) -> Result<Vec<String>> {
    raw.iter()
        .map(|c| {
            let t = text::short_text(if strict { "--ref" } else { "--ref-raw" }, c)?;
            let parsed = KamerstukRef::parse(&t);
            if strict && parsed.parsed.is_none() {
                return Err(Error::Invalid(crate::domain::Invalid::new(
                    "--ref",
                    c,
                    format!(
                        "a citation such as 'Kamerstukken II 2022/23, 34843, nr. 79' or 'Handelingen II 2018/19, nr. 5, item 6' ({}); use --ref-raw to keep other text as it is",
                        parsed.flags.join("; ")
                    ),
                )));
            }
            Ok(t)
        })
        .collect()
}

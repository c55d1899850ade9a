//! Deciding: a proposed event is checked against the current [`State`] and
//! either accepted or refused with a reason, before anything is written.
//! Applying an accepted event (in `state`) then cannot fail.

use super::{Change, State};
use crate::domain::{Day, EventBody, ItemKey, ItemKind, KamerstukRef, Replacement, text};
use crate::error::{Error, Result};

/// How far after today an effective date may lie.
pub const MAX_DAYS_AHEAD: i64 = 366;

/// Most citations accepted on one event.
pub const MAX_CITATIONS: usize = 64;
/// Most submitters accepted on one item.
pub const MAX_SUBMITTERS: usize = 64;

/// Checks `body` against `state`; `today` is the ledger clock's day.
pub fn check(state: &State, body: &EventBody, today: Day) -> Result<()> {
    if state.legend.is_none() && !matches!(body, EventBody::LedgerCreated { .. }) {
        return Err(Error::Rejected(
            "the ledger has not been created yet; run `kamerstand init` first".into(),
        ));
    }
    let replacement_day = match body {
        EventBody::Corrected { replacement, .. } => replacement.effective,
        _ => None,
    };
    if let Some(d) = body.effective().or(replacement_day) {
        let latest = today.plus_days(MAX_DAYS_AHEAD);
        if d > latest {
            return Err(Error::Rejected(format!(
                "effective date {d} is more than {MAX_DAYS_AHEAD} days after today ({today}); give the day the change takes effect, at the latest {latest}"
            )));
        }
    }
    let legend = state.legend();
    let known_status = |slug: &str| -> Result<()> {
        legend.get(slug).map(|_| ()).ok_or_else(|| {
            let valid: Vec<&str> = legend.entries.iter().map(|e| e.slug.as_str()).collect();
            Error::Rejected(format!(
                "status '{slug}' is not in this ledger's legend; use one of: {}",
                valid.join(", ")
            ))
        })
    };
    let lists = |citations: &[String], submitters: &[String]| -> Result<()> {
        if citations.len() > MAX_CITATIONS || submitters.len() > MAX_SUBMITTERS {
            return Err(Error::Rejected(format!(
                "at most {MAX_CITATIONS} citations and {MAX_SUBMITTERS} submitters are accepted per event"
            )));
        }
        Ok(())
    };
    match body {
        EventBody::LedgerCreated { .. } => {
            if state.events > 0 {
                return Err(Error::Rejected("this ledger was already created".into()));
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
                return Err(Error::Rejected(format!(
                    "key '{key}' is already used by {} {}; choose another with --key",
                    existing.kind, existing.key
                )));
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
            if it.status_on(*effective) == Some(status.as_str()) {
                let label = legend
                    .get(status)
                    .map_or(status.as_str(), |e| e.nl.as_str());
                return Err(Error::Rejected(format!(
                    "item {} already has status {status} (\"{label}\") on {effective}; nothing to record",
                    it.key
                )));
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
                return Err(Error::Rejected("give at least one responsible code".into()));
            }
            if it
                .responsible_on(*effective)
                .is_some_and(|r| r.same_parties(responsible))
            {
                return Err(Error::Rejected(format!(
                    "item {} is already assigned to {responsible} on {effective}; nothing to record",
                    it.key
                )));
            }
        }
        EventBody::ProgressNoted {
            item,
            text,
            citations,
            ..
        } => {
            item_or_reject(state, item)?;
            if text.trim().is_empty() {
                return Err(Error::Rejected("a progress note needs text".into()));
            }
            lists(citations, &[])?;
        }
        EventBody::RoundSealed {
            name,
            head_seq,
            head_hash,
            ..
        } => {
            round_name(name)?;
            if let Some(r) = state.round(name) {
                return Err(Error::Rejected(format!(
                    "round '{}' was already sealed at seq {} (digest {}); round names are unique",
                    r.name,
                    r.seq,
                    r.digest.short()
                )));
            }
            if Some(*head_hash) != state.head || *head_seq + 1 != state.events {
                return Err(Error::Rejected(
                    "the seal does not name the current head".into(),
                ));
            }
        }
        EventBody::Corrected {
            target_seq,
            target_id,
            item,
            reason,
            replacement,
        } => check_correction(state, *target_seq, *target_id, item, reason, replacement)?,
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
            if !changes {
                return Err(Error::Rejected(format!(
                    "the amendment changes nothing on item {}; give a new --text, --ref or --submitter",
                    it.key
                )));
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
        .ok_or_else(|| Error::Rejected(format!("no item with id {}", item.hex())))?;
    if it.withdrawn {
        return Err(Error::Rejected(format!(
            "item {} was withdrawn (its registration, seq {}, was retracted); correct that retraction to bring it back",
            it.key, it.registered_seq
        )));
    }
    Ok(it)
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
) -> Result<()> {
    let it = state
        .items
        .get(item)
        .ok_or_else(|| Error::Rejected(format!("no item with id {}", item.hex())))?;
    let entry = it.entry(target_seq).ok_or_else(|| {
        Error::Rejected(format!(
            "seq {target_seq} is not an event of item {}; `kamerstand log --item {}` lists its events",
            it.key, it.key
        ))
    })?;
    if entry.id != target_id {
        return Err(Error::Rejected(format!(
            "seq {target_seq} has id {}, not {}",
            entry.id.hex(),
            target_id.hex()
        )));
    }
    if reason.trim().is_empty() {
        return Err(Error::Rejected(
            "a correction needs a reason (--reason)".into(),
        ));
    }
    if matches!(entry.change, Change::Corrected { .. }) && !it.correction_active(target_seq) {
        return Err(Error::Rejected(format!(
            "correction seq {target_seq} no longer applies (it was itself corrected); correct the latest correction instead (see `kamerstand show {}`)",
            it.key
        )));
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
        return Err(Error::Rejected(
            "--retract withdraws the event; it cannot be combined with a replacement value".into(),
        ));
    }
    if !r.retract && !given.iter().any(|g| *g) {
        return Err(Error::Rejected(
            "give a replacement (--status, --responsible, --note, --effective) or --retract".into(),
        ));
    }
    let refuse = |what: &str, kind: &str| {
        Err(Error::Rejected(format!(
            "{what} cannot replace anything in a {kind} event (seq {root}); use {}",
            match kind {
                "registration" => "--status, --responsible, --effective or --retract",
                "status change" => "--status, --effective or --retract",
                "assignment" => "--responsible, --effective or --retract",
                "progress note" => "--note, --effective or --retract",
                _ => "--retract (or amend the item again)",
            }
        )))
    };
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
            return Err(Error::Rejected(format!(
                "status '{s}' is not in this ledger's legend"
            )));
        }
    }
    if r.responsible
        .as_ref()
        .is_some_and(|p| p.is_empty() && kind == "assignment")
    {
        return Err(Error::Rejected("give at least one responsible code".into()));
    }
    if r.note.as_ref().is_some_and(|n| n.trim().is_empty()) {
        return Err(Error::Rejected("a replacement note needs text".into()));
    }
    // A replacement identical to what is in force changes nothing.
    if r.retract {
        if target_seq == root && it.replacement_of(root).is_some_and(|c| c.retract) {
            return Err(Error::Rejected(format!("seq {root} is already retracted")));
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
            return Err(Error::Rejected(format!(
                "the correction changes nothing: seq {root} already has these values"
            )));
        }
    }
    Ok(())
}

/// The key for a new item: the one given, else one derived from the first
/// citation that yields a free key, else the kind's letter and the lowest free
/// counter (`M1`, `M2`, … / `T1`, …).
pub fn assign_key(
    state: &State,
    kind: ItemKind,
    explicit: Option<ItemKey>,
    citations: &[String],
) -> Result<ItemKey> {
    if let Some(k) = explicit {
        return Ok(k);
    }
    for c in citations {
        if let Some(k) = KamerstukRef::parse(c)
            .key_hint()
            .and_then(|hint| ItemKey::parse(&hint).ok())
            .filter(|k| state.by_key(k.as_str()).is_none())
        {
            return Ok(k);
        }
    }
    let letter = kind.key_letter();
    (1u64..)
        .map(|n| format!("{letter}{n}"))
        .find(|k| state.by_key(k).is_none())
        .and_then(|k| ItemKey::parse(&k).ok())
        .ok_or_else(|| Error::Rejected("no free item key".into()))
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

//! Deciding: a proposed event is checked against the current [`State`] and
//! either accepted or refused with a reason, before anything is written.
//! Applying an accepted event (in `state`) then cannot fail.

use super::State;
use crate::domain::{Day, EventBody, ItemKey, ItemKind, KamerstukRef, text};
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
    if let Some(d) = body.effective() {
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
    state
        .items
        .get(item)
        .ok_or_else(|| Error::Rejected(format!("no item with id {}", item.hex())))
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
            let t = text::short_text("--ref", c)?;
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

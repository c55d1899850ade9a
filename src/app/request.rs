//! Writes as another program or a web form sends them: plain text fields,
//! turned into a typed [`Write`] by the same domain parsers the command
//! line uses (dates, texts, citations, responsible codes, names), so a
//! request through the server is checked exactly as a command is. Empty
//! optional fields count as left out, as a web form sends them.
//!
//! The JSON shape of each request is documented in `schema/api.md` and
//! `schema/api-requests.schema.json`.

use super::write::{Correction, Registration, Write};
use crate::domain::{AccountName, AccountRole, Day, Invalid, ItemKey, ItemKind, Responsible, text};
use crate::error::Result;
use crate::projection::decide;
use serde::Deserialize;

fn opt(s: Option<String>) -> Option<String> {
    s.filter(|t| !t.trim().is_empty())
}

fn day(what: &str, s: Option<String>) -> Result<Option<Day>> {
    Ok(opt(s).map(|d| Day::parse(what, &d)).transpose()?)
}

fn reason(s: Option<String>) -> Result<Option<String>> {
    Ok(opt(s).map(|r| text::free_text("reason", &r)).transpose()?)
}

fn refs(strict: &[String], raw: &[String]) -> Result<Vec<String>> {
    let keep = |v: &[String]| -> Vec<String> {
        v.iter().filter(|s| !s.trim().is_empty()).cloned().collect()
    };
    let mut out = decide::citations(&keep(strict), true)?;
    out.extend(decide::citations(&keep(raw), false)?);
    Ok(out)
}

fn names(what: &str, v: &[String]) -> Result<Vec<String>> {
    v.iter()
        .filter(|s| !s.trim().is_empty())
        .map(|s| text::short_text(what, s).map_err(Into::into))
        .collect()
}

/// `POST /api/v1/items/{key}/status`: a status change.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusRequest {
    /// A legend slug or its Dutch label.
    pub status: String,
    /// YYYY-MM-DD (default: today).
    #[serde(default)]
    pub effective: Option<String>,
    /// Why.
    #[serde(default)]
    pub reason: Option<String>,
}

impl StatusRequest {
    /// The write, for the item named by key or id prefix.
    pub fn into_write(self, item: &str) -> Result<Write> {
        Ok(Write::Status {
            item: item.to_string(),
            status: self.status,
            effective: day("effective", self.effective)?,
            reason: reason(self.reason)?,
        })
    }
}

/// `POST /api/v1/items/{key}/assign`: new responsible parties.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssignRequest {
    /// Codes joined by "en", e.g. `MOCW en SVWS`.
    pub responsible: String,
    /// YYYY-MM-DD (default: today).
    #[serde(default)]
    pub effective: Option<String>,
    /// Why.
    #[serde(default)]
    pub reason: Option<String>,
}

impl AssignRequest {
    /// The write, for the item named by key or id prefix.
    pub fn into_write(self, item: &str) -> Result<Write> {
        Ok(Write::Assign {
            item: item.to_string(),
            responsible: Responsible::parse(&self.responsible)?,
            effective: day("effective", self.effective)?,
            reason: reason(self.reason)?,
        })
    }
}

/// `POST /api/v1/items/{key}/note`: a progress note.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoteRequest {
    /// The text.
    pub text: String,
    /// Citations that must parse, e.g. `Kamerstukken II 2024/25, 34843, nr. 80`.
    #[serde(default)]
    pub refs: Vec<String>,
    /// Citations kept as typed.
    #[serde(default)]
    pub refs_raw: Vec<String>,
    /// YYYY-MM-DD (default: today).
    #[serde(default)]
    pub effective: Option<String>,
}

impl NoteRequest {
    /// The write, for the item named by key or id prefix.
    pub fn into_write(self, item: &str) -> Result<Write> {
        Ok(Write::Note {
            item: item.to_string(),
            text: text::free_text("note text", &self.text)?,
            citations: refs(&self.refs, &self.refs_raw)?,
            effective: day("effective", self.effective)?,
        })
    }
}

/// `POST /api/v1/items`: a new item.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    /// `motie` or `toezegging`.
    pub kind: String,
    /// The item's text.
    pub text: String,
    /// Who submitted a motion.
    #[serde(default)]
    pub submitters: Vec<String>,
    /// Citations that must parse.
    #[serde(default)]
    pub refs: Vec<String>,
    /// Citations kept as typed.
    #[serde(default)]
    pub refs_raw: Vec<String>,
    /// The key (default: derived).
    #[serde(default)]
    pub key: Option<String>,
    /// Responsible codes.
    #[serde(default)]
    pub responsible: Option<String>,
    /// Initial status (default: not stated).
    #[serde(default)]
    pub status: Option<String>,
    /// YYYY-MM-DD (default: today).
    #[serde(default)]
    pub effective: Option<String>,
}

impl RegisterRequest {
    /// The write.
    pub fn into_write(self) -> Result<Write> {
        Ok(Write::Register(Registration {
            kind: ItemKind::parse(&self.kind)?,
            text: text::free_text("text", &self.text)?,
            submitters: names("submitter", &self.submitters)?,
            citations: refs(&self.refs, &self.refs_raw)?,
            key: opt(self.key).map(|k| ItemKey::parse(&k)).transpose()?,
            responsible: opt(self.responsible)
                .map(|r| Responsible::parse(&r))
                .transpose()?
                .unwrap_or_default(),
            status: opt(self.status),
            effective: day("effective", self.effective)?,
        }))
    }
}

/// `POST /api/v1/items/{key}/amend`: fix an item's own text, citations or
/// submitters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AmendRequest {
    /// Replacement text.
    #[serde(default)]
    pub text: Option<String>,
    /// Replacement citations that must parse.
    #[serde(default)]
    pub refs: Vec<String>,
    /// Replacement citations kept as typed.
    #[serde(default)]
    pub refs_raw: Vec<String>,
    /// Replacement submitters.
    #[serde(default)]
    pub submitters: Vec<String>,
    /// Why.
    #[serde(default)]
    pub reason: Option<String>,
}

impl AmendRequest {
    /// The write, for the item named by key or id prefix.
    pub fn into_write(self, item: &str) -> Result<Write> {
        let text = opt(self.text)
            .map(|t| text::free_text("text", &t))
            .transpose()?;
        let has_refs = self
            .refs
            .iter()
            .chain(&self.refs_raw)
            .any(|r| !r.trim().is_empty());
        let citations = has_refs
            .then(|| refs(&self.refs, &self.refs_raw))
            .transpose()?;
        let submitters = names("submitter", &self.submitters)?;
        let submitters = (!submitters.is_empty()).then_some(submitters);
        if text.is_none() && citations.is_none() && submitters.is_none() {
            return Err(Invalid::new(
                "amend",
                item,
                "give at least one of text, refs, refs_raw, submitters",
            )
            .into());
        }
        Ok(Write::Amend {
            item: item.to_string(),
            text,
            citations,
            submitters,
            reason: reason(self.reason)?,
        })
    }
}

/// `POST /api/v1/corrections`: correct an earlier event.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CorrectRequest {
    /// The event: its seq or an id prefix.
    pub event: String,
    /// Why it was wrong.
    pub reason: String,
    /// Replacement status.
    #[serde(default)]
    pub status: Option<String>,
    /// Replacement responsible codes.
    #[serde(default)]
    pub responsible: Option<String>,
    /// Replacement note text.
    #[serde(default)]
    pub note: Option<String>,
    /// Replacement effective date.
    #[serde(default)]
    pub effective: Option<String>,
    /// Withdraw the event's effect.
    #[serde(default)]
    pub retract: bool,
}

impl CorrectRequest {
    /// The write.
    pub fn into_write(self) -> Result<Write> {
        let correction = Correction {
            status: opt(self.status),
            responsible: opt(self.responsible)
                .map(|r| Responsible::parse(&r))
                .transpose()?,
            note: opt(self.note)
                .map(|n| text::free_text("note", &n))
                .transpose()?,
            effective: day("effective", self.effective)?,
            retract: self.retract,
        };
        if correction.retract
            && (correction.status.is_some()
                || correction.responsible.is_some()
                || correction.note.is_some()
                || correction.effective.is_some())
        {
            return Err(Invalid::new(
                "retract",
                "true",
                "either retract, or replacement values, not both",
            )
            .into());
        }
        Ok(Write::Correct {
            event: self.event.trim().to_string(),
            reason: text::free_text("reason", &self.reason)?,
            correction,
        })
    }
}

/// `POST /api/v1/rounds`: seal a round.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SealRequest {
    /// The round's name, e.g. `2025-najaar`.
    pub name: String,
    /// Its title (default: the name).
    #[serde(default)]
    pub title: Option<String>,
    /// YYYY-MM-DD (default: today).
    #[serde(default)]
    pub reported_on: Option<String>,
}

impl SealRequest {
    /// The write.
    pub fn into_write(self) -> Result<Write> {
        Ok(Write::Seal {
            name: decide::round_name(&self.name)?,
            title: opt(self.title)
                .map(|t| text::short_text("title", &t))
                .transpose()?,
            reported_on: day("reported_on", self.reported_on)?,
        })
    }
}

/// `POST /api/v1/accounts`: a new account.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountRequest {
    /// Login name, e.g. `j.devries`.
    pub account: String,
    /// The person's name.
    pub display_name: String,
    /// beheerder, coordinator, medewerker or auditor.
    pub role: String,
    /// Portfolios, e.g. `["VWS"]`.
    #[serde(default)]
    pub ministries: Vec<String>,
}

impl AccountRequest {
    /// The write.
    pub fn into_write(self) -> Result<Write> {
        Ok(Write::CreateAccount {
            account: AccountName::parse(&self.account)?,
            display_name: text::short_text("display name", &self.display_name)?,
            role: AccountRole::parse(&self.role)?,
            ministries: ministries(&self.ministries),
        })
    }
}

/// `POST /api/v1/accounts/{name}`: change an account.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountChangeRequest {
    /// New role.
    #[serde(default)]
    pub role: Option<String>,
    /// New portfolios (all of them).
    #[serde(default)]
    pub ministries: Option<Vec<String>>,
    /// Disable (true) or enable (false).
    #[serde(default)]
    pub disabled: Option<bool>,
}

impl AccountChangeRequest {
    /// The write, for the account of that name.
    pub fn into_write(self, account: &str) -> Result<Write> {
        Ok(Write::ChangeAccount {
            account: AccountName::parse(account)?,
            role: opt(self.role).map(|r| AccountRole::parse(&r)).transpose()?,
            ministries: self.ministries.map(|m| ministries(&m)),
            disabled: self.disabled,
        })
    }
}

/// Portfolios as typed, split on commas and spaces, trimmed (the ledger's
/// decide checks each against the responsible codes' spelling).
pub fn ministries(v: &[String]) -> Vec<String> {
    v.iter()
        .flat_map(|s| s.split([',', ' ']))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// The view a read asks for, as query parameters: `as_of` (RFC 3339 or a
/// date), `round` (a round's name), `effective` (a date); parsed as the
/// command line's `--as-of`, `--round` and `--effective`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ViewQuery {
    /// `as_of`.
    pub as_of: Option<String>,
    /// `round`.
    pub round: Option<String>,
    /// `effective`.
    pub effective: Option<String>,
}

impl ViewQuery {
    /// The view request (no store needed); `as_of` and `round` exclude
    /// each other.
    pub fn parse(self) -> Result<super::view::ViewRequest> {
        let as_of = opt(self.as_of);
        let round = opt(self.round);
        if as_of.is_some() && round.is_some() {
            return Err(Invalid::new(
                "as_of",
                as_of.as_deref().unwrap_or_default(),
                "either as_of or round, not both",
            )
            .into());
        }
        Ok(super::view::ViewRequest {
            as_of: as_of
                .map(|s| crate::domain::Instant::parse("as_of", &s))
                .transpose()?,
            round,
            effective: day("effective", self.effective)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_form_fields_are_left_out_and_bad_ones_named() {
        let w = StatusRequest {
            status: "vertraagd".into(),
            effective: Some(String::new()),
            reason: Some("  ".into()),
        }
        .into_write("M1")
        .unwrap();
        assert!(matches!(
            w,
            Write::Status {
                effective: None,
                reason: None,
                ..
            }
        ));
        let e = StatusRequest {
            status: "x".into(),
            effective: Some("2025-31-01".into()),
            reason: None,
        }
        .into_write("M1")
        .unwrap_err();
        assert!(e.to_string().contains("2025-31-01"), "{e}");
        assert!(e.is_input());
        assert!(
            AssignRequest {
                responsible: "XYZ".into(),
                ..Default::default()
            }
            .into_write("M1")
            .is_err()
        );
        assert!(AmendRequest::default().into_write("M1").is_err());
        assert_eq!(
            ministries(&["VWS, JenV".into(), " OCW ".into()]),
            ["VWS", "JenV", "OCW"]
        );
    }
}

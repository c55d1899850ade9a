//! The writes a clerk makes, typed: each [`Write`] names items, events and
//! statuses as the user did (a key, a seq, a label), is resolved against the
//! ledger, decided, appended durably and applied, and comes back as a
//! [`Receipt`] that says what changed in terms a receipt line or a JSON
//! answer can show. Texts arrive already normalised by the domain parsers
//! (`domain::text`), so every door (command line, server) checks them the
//! same way before the ledger is touched.

use super::{Workspace, find};
use crate::domain::Invalid;
use crate::domain::{
    AccountName, AccountRole, Day, EventBody, EventHash, EventId, ItemKey, ItemKind, Replacement,
    Responsible, legend::NOT_STATED,
};
use crate::error::{Error, Refusal, Result};
use crate::ledger::Recorded;
use crate::projection::decide;

/// A new motion or commitment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    /// Motion or commitment.
    pub kind: ItemKind,
    /// The item's text.
    pub text: String,
    /// Who submitted it.
    pub submitters: Vec<String>,
    /// Citations, checked for form by the caller.
    pub citations: Vec<String>,
    /// The key to use; None: derived (see [`decide::assign_key`]).
    pub key: Option<ItemKey>,
    /// Initially responsible parties.
    pub responsible: Responsible,
    /// Initial status as typed (slug or label); None: not stated.
    pub status: Option<String>,
    /// When it came into being; None: today.
    pub effective: Option<Day>,
}

/// What a correction puts in place, as the user typed it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Correction {
    /// Replacement status as typed (slug or label).
    pub status: Option<String>,
    /// Replacement parties.
    pub responsible: Option<Responsible>,
    /// Replacement note text.
    pub note: Option<String>,
    /// Replacement effective date.
    pub effective: Option<Day>,
    /// Withdraw the event's effect.
    pub retract: bool,
}

/// One write. Items are named by key or id prefix, events by seq or id
/// prefix, statuses by slug or label; dates left out are today's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Write {
    /// Register an item.
    Register(Registration),
    /// Fix an item's own text, citations or submitters.
    Amend {
        /// The item.
        item: String,
        /// Replacement text.
        text: Option<String>,
        /// Replacement citations.
        citations: Option<Vec<String>>,
        /// Replacement submitters.
        submitters: Option<Vec<String>>,
        /// Why.
        reason: Option<String>,
    },
    /// Record a status change.
    Status {
        /// The item.
        item: String,
        /// The new status, slug or label.
        status: String,
        /// When it took effect.
        effective: Option<Day>,
        /// Why.
        reason: Option<String>,
    },
    /// Record a change of responsible parties.
    Assign {
        /// The item.
        item: String,
        /// The new parties.
        responsible: Responsible,
        /// When it took effect.
        effective: Option<Day>,
        /// Why.
        reason: Option<String>,
    },
    /// Record a progress text.
    Note {
        /// The item.
        item: String,
        /// The text.
        text: String,
        /// Papers it cites.
        citations: Vec<String>,
        /// The day it refers to.
        effective: Option<Day>,
    },
    /// Correct an earlier event.
    Correct {
        /// The event: a seq or an id prefix.
        event: String,
        /// Why it was wrong.
        reason: String,
        /// What to use instead.
        correction: Correction,
    },
    /// Seal a reporting round over everything recorded so far.
    Seal {
        /// The round's name.
        name: String,
        /// Its title (default: the name).
        title: Option<String>,
        /// The day it was reported (default: today).
        reported_on: Option<Day>,
    },
    /// Create an account of a shared ledger.
    CreateAccount {
        /// Its login name.
        account: AccountName,
        /// The person's name, as shown.
        display_name: String,
        /// What it may do.
        role: AccountRole,
        /// Portfolios (e.g. `VWS`) whose items a medewerker records for.
        ministries: Vec<String>,
    },
    /// Change an account's role or ministries, or disable or enable it.
    ChangeAccount {
        /// The account.
        account: AccountName,
        /// New role.
        role: Option<AccountRole>,
        /// New portfolios (all of them).
        ministries: Option<Vec<String>>,
        /// Disable (true) or enable again (false).
        disabled: Option<bool>,
    },
}

/// What a write changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// An item was registered.
    Registered {
        /// Its kind.
        kind: ItemKind,
        /// Its key.
        key: ItemKey,
        /// Its id.
        id: EventId,
    },
    /// An item's own text was fixed.
    Amended {
        /// Its key.
        key: ItemKey,
    },
    /// A status changed.
    Status {
        /// The item's key.
        key: ItemKey,
        /// The status in force on that day before.
        from: String,
        /// The new status.
        to: String,
        /// The day.
        effective: Day,
        /// A later-dated status that stays current, if any.
        still_current: Option<String>,
    },
    /// Responsibility moved.
    Assigned {
        /// The item's key.
        key: ItemKey,
        /// The parties on that day before.
        from: Responsible,
        /// The new parties.
        to: Responsible,
        /// The day.
        effective: Day,
        /// A later-dated assignment that stays current, if any.
        still_current: Option<Responsible>,
    },
    /// A progress text was noted.
    Noted {
        /// The item's key.
        key: ItemKey,
        /// The day it refers to.
        effective: Day,
    },
    /// An event was corrected.
    Corrected {
        /// The item's key.
        key: String,
        /// The corrected event.
        seq: u64,
    },
    /// A round was sealed.
    Sealed {
        /// Its name.
        name: String,
        /// The last seq it covers.
        head_seq: u64,
        /// Its digest (the seal's hash): the value to publish.
        digest: EventHash,
    },
    /// An account was created.
    AccountCreated {
        /// Its name.
        account: AccountName,
    },
    /// An account was changed.
    AccountChanged {
        /// Its name.
        account: AccountName,
    },
}

impl Outcome {
    /// The key of the item the write's own event is about, where the
    /// outcome names it (a correction names the corrected event's item,
    /// which its own event is about too, but as text).
    pub fn item_key(&self) -> Option<&ItemKey> {
        match self {
            Outcome::Registered { key, .. }
            | Outcome::Amended { key }
            | Outcome::Status { key, .. }
            | Outcome::Assigned { key, .. }
            | Outcome::Noted { key, .. } => Some(key),
            Outcome::Corrected { .. }
            | Outcome::Sealed { .. }
            | Outcome::AccountCreated { .. }
            | Outcome::AccountChanged { .. } => None,
        }
    }
}

/// A write's receipt: the event as recorded and what it changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// The event.
    pub recorded: Recorded,
    /// What it changed.
    pub outcome: Outcome,
}

/// Refuses an amendment after which a footnote marker in the item's text
/// (`¹` = its first citation) names no citation: replacing the citations
/// cannot say which marker goes with which, so the text must come too.
fn markers_have_citations(text: &str, citations: &[String], new_text: bool) -> Result<()> {
    let needed = crate::formats::annex::marks::highest(text);
    if needed <= citations.len() {
        return Ok(());
    }
    let marker = crate::report::letter::superscript(needed);
    let given = citations.len();
    let citations_word = |n: usize| {
        if n == 1 {
            "1 citation".to_string()
        } else {
            format!("{n} citations")
        }
    };
    Err(if new_text {
        Invalid::new(
            "text",
            text,
            format!("a text whose footnote markers name its citations: marker {marker} needs {} and the item has {}; give the citations too (--ref), or drop the marker", citations_word(needed), citations_word(given)),
        )
    } else {
        Invalid::new(
            "citations",
            &citations.join("; "),
            format!("at least {}, because the item's text carries footnote marker {marker}; to drop or renumber markers, give the amended text too (--text)", citations_word(needed)),
        )
    }
    .into())
}

impl Workspace {
    /// Resolves, decides, appends durably and applies one write.
    pub fn write(&mut self, actor: &str, w: Write) -> Result<Receipt> {
        match w {
            Write::Register(r) => self.register(actor, r),
            Write::Amend {
                item,
                text,
                citations,
                submitters,
                reason,
            } => {
                let (id, key) = self.item_ref(&item)?;
                if text.is_some() || citations.is_some() {
                    let now = self.item_now(id)?;
                    markers_have_citations(
                        text.as_deref().unwrap_or(&now.text),
                        citations.as_deref().unwrap_or(&now.citations),
                        text.is_some(),
                    )?;
                }
                let rec = self.record(
                    actor,
                    EventBody::ItemAmended {
                        item: id,
                        text,
                        citations,
                        submitters,
                        reason,
                    },
                )?;
                Ok(Receipt {
                    recorded: rec,
                    outcome: Outcome::Amended { key },
                })
            }
            Write::Status {
                item,
                status,
                effective,
                reason,
            } => {
                let status = self.legend().resolve(&status)?.slug.clone();
                let (id, key) = self.item_ref(&item)?;
                let effective = self.day_or_today(effective);
                let from = self.item_whole(id)?.status_at(Some(effective)).to_string();
                let rec = self.record(
                    actor,
                    EventBody::StatusChanged {
                        item: id,
                        status: status.clone(),
                        reason,
                        effective,
                    },
                )?;
                let now = self.item_now(id)?.status;
                Ok(Receipt {
                    recorded: rec,
                    outcome: Outcome::Status {
                        key,
                        from,
                        still_current: (now != status).then_some(now),
                        to: status,
                        effective,
                    },
                })
            }
            Write::Assign {
                item,
                responsible,
                effective,
                reason,
            } => {
                let (id, key) = self.item_ref(&item)?;
                let effective = self.day_or_today(effective);
                let from = self.item_whole(id)?.responsible_at(Some(effective));
                let rec = self.record(
                    actor,
                    EventBody::ResponsibilityChanged {
                        item: id,
                        responsible: responsible.clone(),
                        reason,
                        effective,
                    },
                )?;
                let now = self.item_now(id)?.responsible;
                Ok(Receipt {
                    recorded: rec,
                    outcome: Outcome::Assigned {
                        key,
                        from,
                        still_current: (!now.same_parties(&responsible)).then_some(now),
                        to: responsible,
                        effective,
                    },
                })
            }
            Write::Note {
                item,
                text,
                citations,
                effective,
            } => {
                let (id, key) = self.item_ref(&item)?;
                let effective = self.day_or_today(effective);
                let rec = self.record(
                    actor,
                    EventBody::ProgressNoted {
                        item: id,
                        text,
                        citations,
                        effective,
                    },
                )?;
                Ok(Receipt {
                    recorded: rec,
                    outcome: Outcome::Noted { key, effective },
                })
            }
            Write::Correct {
                event,
                reason,
                correction,
            } => self.correct(actor, &event, reason, correction),
            Write::CreateAccount {
                account,
                display_name,
                role,
                ministries,
            } => {
                self.name_unused_by_unmarked_actors(&account)?;
                let rec = self.record(
                    actor,
                    EventBody::AccountCreated {
                        account: account.clone(),
                        display_name,
                        role,
                        ministries,
                    },
                )?;
                Ok(Receipt {
                    recorded: rec,
                    outcome: Outcome::AccountCreated { account },
                })
            }
            Write::ChangeAccount {
                account,
                role,
                ministries,
                disabled,
            } => {
                let rec = self.record(
                    actor,
                    EventBody::AccountChanged {
                        account: account.clone(),
                        role,
                        ministries,
                        disabled,
                    },
                )?;
                Ok(Receipt {
                    recorded: rec,
                    outcome: Outcome::AccountChanged { account },
                })
            }
            Write::Seal {
                name,
                title,
                reported_on,
            } => {
                let name = decide::round_name(&name)?;
                let head = self.ledger().head().ok_or(Refusal::EmptyLedger)?;
                let reported_on = self.day_or_today(reported_on);
                let rec = self.record(
                    actor,
                    EventBody::RoundSealedV2 {
                        name: name.clone(),
                        title: title.unwrap_or_else(|| name.clone()),
                        reported_on,
                        head_seq: head.seq,
                        head_hash: head.hash,
                        // Filled in by the ledger: the tree of every event
                        // before the seal.
                        tree_size: head.seq + 1,
                        tree_root: EventHash::GENESIS,
                    },
                )?;
                let digest = rec.hash;
                Ok(Receipt {
                    recorded: rec,
                    outcome: Outcome::Sealed {
                        name,
                        head_seq: head.seq,
                        digest,
                    },
                })
            }
        }
    }

    fn register(&mut self, actor: &str, r: Registration) -> Result<Receipt> {
        let status = match &r.status {
            Some(s) => self.legend().resolve(s)?.slug.clone(),
            None => NOT_STATED.to_string(),
        };
        markers_have_citations(&r.text, &r.citations, true)?;
        let key = decide::assign_key(r.kind, r.key, &r.citations, &mut |k| self.key_taken(k))?;
        let effective = self.day_or_today(r.effective);
        let rec = self.record(
            actor,
            EventBody::ItemRegistered {
                kind: r.kind,
                key: key.clone(),
                text: r.text,
                submitters: r.submitters,
                citations: r.citations,
                responsible: r.responsible,
                status,
                effective,
            },
        )?;
        let id = rec.envelope.id;
        Ok(Receipt {
            recorded: rec,
            outcome: Outcome::Registered {
                kind: r.kind,
                key,
                id,
            },
        })
    }

    /// Refuses an account name that events recorded before the ledger had
    /// accounts carry as their actor. Those events were written at the
    /// command line and carry the name as it was typed, unmarked (only
    /// once there are accounts does the command line write `local:NAME`):
    /// with an account of that name they would read as the account's,
    /// signed in to the server. Only the events before the first account
    /// can be such events, so the scan stops there.
    fn name_unused_by_unmarked_actors(&self, account: &AccountName) -> Result<()> {
        for rec in self.ledger().events() {
            let rec = rec?;
            if matches!(rec.envelope.body, EventBody::AccountCreated { .. }) {
                break;
            }
            if AccountName::parse(&rec.envelope.actor).is_ok_and(|a| &a == account) {
                return Err(Invalid::new(
                    "account name",
                    account.as_str(),
                    format!(
                        "a name no event was recorded under before the ledger had accounts: seq {} carries '{}' as typed at the command line, and with an account of that name it would read as the account's; choose another, e.g. {}.2",
                        rec.envelope.seq,
                        crate::domain::text::visible(&rec.envelope.actor),
                        account
                    ),
                )
                .into());
            }
        }
        Ok(())
    }

    fn correct(
        &mut self,
        actor: &str,
        event: &str,
        reason: String,
        c: Correction,
    ) -> Result<Receipt> {
        let status = match &c.status {
            Some(s) => Some(self.legend().resolve(s)?.slug.clone()),
            None => None,
        };
        let target = find::event(self, event)?;
        let env_t = &target.envelope;
        let Some(item) = target.item() else {
            return Err(Refusal::NotCorrectable {
                seq: env_t.seq,
                kind: env_t.body.kind_name().replace('_', " "),
            }
            .into());
        };
        let (seq, id) = (env_t.seq, env_t.id);
        let rec = self.record(
            actor,
            EventBody::Corrected {
                target_seq: seq,
                target_id: id,
                item,
                reason,
                replacement: Replacement {
                    status,
                    responsible: c.responsible,
                    note: c.note,
                    effective: c.effective,
                    retract: c.retract,
                },
            },
        )?;
        let key = self
            .ledger()
            .current_of(item)?
            .map_or_else(|| item.hex(), |s| s.item.key.to_string());
        Ok(Receipt {
            recorded: rec,
            outcome: Outcome::Corrected { key, seq },
        })
    }

    /// The id and key of the item named by a key or id prefix.
    fn item_ref(&self, input: &str) -> Result<(EventId, ItemKey)> {
        let it = self.resolve(input)?;
        Ok((it.id, it.key))
    }

    /// The item with its whole history, folded from its events.
    fn item_whole(&self, id: EventId) -> Result<crate::projection::ItemState> {
        match self.item_state(id, None)? {
            Some(it) => Ok(it),
            // No events of an item the index of views has: the item index
            // lost them (damage, not an unknown item).
            None => {
                let Some(snap) = self.ledger().current_of(id)? else {
                    return Err(Refusal::UnknownItemId { id: id.hex() }.into());
                };
                // What it finds says more; it finds something.
                self.ledger()
                    .item_in_chain(&snap, self.legend(), &mut 0, true)?;
                Err(Error::Corrupt {
                    seq: Some(snap.source.seq),
                    what: format!(
                        "the item index lists no event of item {} ({}); run `kamerstand verify` for details",
                        snap.item.key,
                        id.hex()
                    ),
                })
            }
        }
    }

    /// The item as it stands now, from the index.
    fn item_now(&self, id: EventId) -> Result<crate::projection::ItemView> {
        self.ledger()
            .current_of(id)?
            .map(|s| s.item)
            .ok_or_else(|| Refusal::UnknownItemId { id: id.hex() }.into())
    }
}

//! Event bodies: the facts the ledger records. The chain, ids and recorded
//! time around them live in the ledger's envelope.
//!
//! The order of the variants and of their fields is part of the canonical
//! encoding (schema/event-v1.md): a variant's number is its position here.
//! New kinds of event are added at the end; existing ones never change.

use super::{
    AccountName, AccountRole, Day, EventHash, EventId, ItemKey, ItemKind, KeyName, KeyRole, Legend,
    PublicKey, Responsible, Signature,
};
use serde::{Deserialize, Serialize};

/// What happened. Items are named by the id of the event that registered them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventBody {
    /// Variant 0: the first event of every ledger.
    LedgerCreated {
        /// Short programme name, e.g. `NAP`.
        programme: String,
        /// Full title, printed above overviews.
        title: String,
        /// The statuses this programme reports.
        legend: Legend,
    },
    /// Variant 1: a motion or commitment enters the overview. Its item id is
    /// this event's id.
    ItemRegistered {
        /// Motion or commitment.
        kind: ItemKind,
        /// Human key, unique in the ledger regardless of case.
        key: ItemKey,
        /// The item's text as it appears in the annex (may be empty when the
        /// source lost it).
        text: String,
        /// Members who submitted a motion.
        submitters: Vec<String>,
        /// Citations of parliamentary papers, raw text.
        citations: Vec<String>,
        /// Initially responsible parties (may be empty).
        responsible: Responsible,
        /// Initial status slug.
        status: String,
        /// When the item came into being in the world.
        effective: Day,
    },
    /// Variant 2: the reported status changed.
    StatusChanged {
        /// The item.
        item: EventId,
        /// New status slug.
        status: String,
        /// Why, if the clerk said.
        reason: Option<String>,
        /// When it took effect.
        effective: Day,
    },
    /// Variant 3: other parties became responsible.
    ResponsibilityChanged {
        /// The item.
        item: EventId,
        /// The new parties (never empty).
        responsible: Responsible,
        /// Why, e.g. a new cabinet.
        reason: Option<String>,
        /// When it took effect.
        effective: Day,
    },
    /// Variant 4: a progress text for the "stand van zaken" column.
    ProgressNoted {
        /// The item.
        item: EventId,
        /// The progress text.
        text: String,
        /// Papers the text cites.
        citations: Vec<String>,
        /// The day the progress refers to.
        effective: Day,
    },
    /// Variant 5: the item's own text, citations or submitters were fixed.
    /// Fields left `None` are unchanged.
    ItemAmended {
        /// The item.
        item: EventId,
        /// Replacement text.
        text: Option<String>,
        /// Replacement citation list.
        citations: Option<Vec<String>>,
        /// Replacement submitters.
        submitters: Option<Vec<String>>,
        /// Why it was amended.
        reason: Option<String>,
    },
    /// Variant 6: a reporting round was sealed. Its own hash is the round's
    /// published digest.
    RoundSealed {
        /// Unique round name, e.g. `2025-voorjaar`.
        name: String,
        /// Title, e.g. the progress letter it belongs to.
        title: String,
        /// The day the round was reported to parliament.
        reported_on: Day,
        /// Seq of the head at sealing (the event before this one).
        head_seq: u64,
        /// Hash of the head at sealing.
        head_hash: EventHash,
    },
    /// Variant 7: an earlier event was wrong. From this event on, views use
    /// the replacement instead of the corrected event's values.
    Corrected {
        /// Seq of the corrected event.
        target_seq: u64,
        /// Id of the corrected event (must match the event at `target_seq`).
        target_id: EventId,
        /// The item the corrected event is about.
        item: EventId,
        /// Why, always given.
        reason: String,
        /// What to use instead.
        replacement: Replacement,
    },
    /// Variant 8: a reporting round was sealed, with the Merkle tree over
    /// the events before the seal (RFC 9162 hashing, schema/proofs.md).
    /// Seals are written as this variant from format 1's second edition
    /// on; variant 6 stays readable.
    RoundSealedV2 {
        /// Unique round name, e.g. `2025-voorjaar`.
        name: String,
        /// Title, e.g. the progress letter it belongs to.
        title: String,
        /// The day the round was reported to parliament.
        reported_on: Day,
        /// Seq of the head at sealing (the event before this one).
        head_seq: u64,
        /// Hash of the head at sealing.
        head_hash: EventHash,
        /// How many events the tree covers: `head_seq + 1`.
        tree_size: u64,
        /// The tree's root over events `0..tree_size`.
        tree_root: EventHash,
    },
    /// Variant 9: a public key that may sign round notes (signer) or
    /// cosign them (witness). The private key is never in the ledger.
    KeyRegistered {
        /// The key's name, as its signature lines carry it.
        name: KeyName,
        /// Signer or witness.
        role: KeyRole,
        /// The Ed25519 public key.
        public_key: PublicKey,
    },
    /// Variant 10: an account of a shared ledger was created.
    AccountCreated {
        /// Its login name.
        account: AccountName,
        /// The person's name, as shown.
        display_name: String,
        /// What it may do.
        role: AccountRole,
        /// Portfolios (e.g. `OCW`, `JenV`) whose items a medewerker may
        /// record for.
        ministries: Vec<String>,
    },
    /// Variant 11: an account's role, ministries or state changed. Fields
    /// left `None` are unchanged.
    AccountChanged {
        /// The account.
        account: AccountName,
        /// New role.
        role: Option<AccountRole>,
        /// New portfolios (all of them).
        ministries: Option<Vec<String>>,
        /// Disabled (true) or enabled again (false).
        disabled: Option<bool>,
    },
    /// Variant 12: what a register says about an item beyond its text: its
    /// deadline, where and when it was made, who was responsible before.
    /// Fields left `None` are unchanged.
    ItemDetailed {
        /// The item.
        item: EventId,
        /// The day it is due.
        deadline: Option<Day>,
        /// The day it was made (the debate or the letter).
        made_on: Option<Day>,
        /// Where it was made: a citation, e.g. `Handelingen II 2021/22, nr. 34, item 9`.
        made_in: Option<String>,
        /// Who was responsible before, as the register says.
        previous_responsible: Option<Responsible>,
        /// Why, if the clerk said.
        reason: Option<String>,
    },
    /// Variant 13: the order the items of one kind stand in in the annex
    /// (kept from an import, or set by hand). Items not named follow, by
    /// key.
    ItemsOrdered {
        /// Motions or commitments.
        kind: ItemKind,
        /// The items, in order.
        order: Vec<EventId>,
    },
    /// Variant 14: a registered signer key signed a v2 round's checkpoint
    /// (origin, tree size, root: schema/proofs.md §3). The signature line
    /// of the round's note, kept in the chain so that `round note` can
    /// print the note again and every copy of the ledger carries it.
    RoundSigned {
        /// The round, by name.
        round: String,
        /// The signer key, by its registered name.
        key: KeyName,
        /// The Ed25519 signature of the checkpoint text.
        signature: Signature,
    },
}

/// What a correction puts in place of the corrected event's values. Fields
/// left `None` keep the corrected event's value; `retract` withdraws the
/// event's effect altogether (a retracted registration withdraws the item).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Replacement {
    /// Replacement status slug (status changes and registrations).
    pub status: Option<String>,
    /// Replacement parties (assignments and registrations).
    pub responsible: Option<Responsible>,
    /// Replacement note text (progress notes).
    pub note: Option<String>,
    /// Replacement effective date.
    pub effective: Option<Day>,
    /// Withdraw the event's effect.
    pub retract: bool,
}

impl EventBody {
    /// The item this event is about, given the id of the event itself (a
    /// registration is about the item it creates).
    pub fn item(&self, own_id: EventId) -> Option<EventId> {
        match self {
            EventBody::LedgerCreated { .. }
            | EventBody::RoundSealed { .. }
            | EventBody::RoundSealedV2 { .. }
            | EventBody::KeyRegistered { .. }
            | EventBody::AccountCreated { .. }
            | EventBody::AccountChanged { .. }
            | EventBody::ItemsOrdered { .. }
            | EventBody::RoundSigned { .. } => None,
            EventBody::ItemRegistered { .. } => Some(own_id),
            EventBody::Corrected { item, .. } => Some(*item),
            EventBody::StatusChanged { item, .. }
            | EventBody::ResponsibilityChanged { item, .. }
            | EventBody::ProgressNoted { item, .. }
            | EventBody::ItemAmended { item, .. }
            | EventBody::ItemDetailed { item, .. } => Some(*item),
        }
    }

    /// The effective date, for events that have one.
    pub fn effective(&self) -> Option<Day> {
        match self {
            EventBody::ItemRegistered { effective, .. }
            | EventBody::StatusChanged { effective, .. }
            | EventBody::ResponsibilityChanged { effective, .. }
            | EventBody::ProgressNoted { effective, .. } => Some(*effective),
            EventBody::LedgerCreated { .. }
            | EventBody::ItemAmended { .. }
            | EventBody::RoundSealed { .. }
            | EventBody::Corrected { .. }
            | EventBody::RoundSealedV2 { .. }
            | EventBody::KeyRegistered { .. }
            | EventBody::AccountCreated { .. }
            | EventBody::AccountChanged { .. }
            | EventBody::ItemDetailed { .. }
            | EventBody::ItemsOrdered { .. }
            | EventBody::RoundSigned { .. } => None,
        }
    }

    /// Short name of the kind of event, as in JSON's `type`.
    pub fn kind_name(&self) -> &'static str {
        match self {
            EventBody::LedgerCreated { .. } => "ledger_created",
            EventBody::ItemRegistered { .. } => "item_registered",
            EventBody::StatusChanged { .. } => "status_changed",
            EventBody::ResponsibilityChanged { .. } => "responsibility_changed",
            EventBody::ProgressNoted { .. } => "progress_noted",
            EventBody::ItemAmended { .. } => "item_amended",
            EventBody::RoundSealed { .. } => "round_sealed",
            EventBody::Corrected { .. } => "corrected",
            EventBody::RoundSealedV2 { .. } => "round_sealed_v2",
            EventBody::KeyRegistered { .. } => "key_registered",
            EventBody::AccountCreated { .. } => "account_created",
            EventBody::AccountChanged { .. } => "account_changed",
            EventBody::ItemDetailed { .. } => "item_detailed",
            EventBody::ItemsOrdered { .. } => "items_ordered",
            EventBody::RoundSigned { .. } => "round_signed",
        }
    }

    /// The seal's fields, for both seal variants: name, title, reported-on
    /// day, head seq and hash, and the tree (size and root) of a v2 seal.
    pub fn seal(&self) -> Option<Seal<'_>> {
        match self {
            EventBody::RoundSealed {
                name,
                title,
                reported_on,
                head_seq,
                head_hash,
            } => Some(Seal {
                name,
                title,
                reported_on: *reported_on,
                head_seq: *head_seq,
                head_hash: *head_hash,
                tree: None,
            }),
            EventBody::RoundSealedV2 {
                name,
                title,
                reported_on,
                head_seq,
                head_hash,
                tree_size,
                tree_root,
            } => Some(Seal {
                name,
                title,
                reported_on: *reported_on,
                head_seq: *head_seq,
                head_hash: *head_hash,
                tree: Some((*tree_size, *tree_root)),
            }),
            _ => None,
        }
    }
}

/// A round seal's fields, whichever variant carries them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seal<'a> {
    /// The round's name.
    pub name: &'a str,
    /// Its title.
    pub title: &'a str,
    /// The day it was reported.
    pub reported_on: Day,
    /// The head it seals.
    pub head_seq: u64,
    /// That head's hash.
    pub head_hash: EventHash,
    /// The Merkle tree's size and root (v2 seals).
    pub tree: Option<(u64, EventHash)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day() -> Day {
        Day::from_parts(2024, 3, 1).unwrap()
    }

    #[test]
    fn registration_is_about_itself() {
        let own = EventId([7; 16]);
        let reg = EventBody::ItemRegistered {
            kind: ItemKind::Motie,
            key: ItemKey::parse("M1").unwrap(),
            text: "t".into(),
            submitters: vec![],
            citations: vec![],
            responsible: Responsible::none(),
            status: "niet-vermeld".into(),
            effective: day(),
        };
        assert_eq!(reg.item(own), Some(own));
        assert_eq!(reg.effective(), Some(day()));
        let note = EventBody::ProgressNoted {
            item: EventId([1; 16]),
            text: "x".into(),
            citations: vec![],
            effective: day(),
        };
        assert_eq!(note.item(own), Some(EventId([1; 16])));
        assert_eq!(note.kind_name(), "progress_noted");
    }

    #[test]
    fn ledger_events_have_no_item_or_date() {
        let created = EventBody::LedgerCreated {
            programme: "P".into(),
            title: "T".into(),
            legend: Legend::nap(),
        };
        assert_eq!(created.item(EventId([0; 16])), None);
        assert_eq!(created.effective(), None);
    }
}

//! Who may write what on a shared ledger, and what an event's actor says.
//! The rules live here, in the library, so that the server and the command
//! line apply the same ones and an HTTP handler holds none:
//!
//! - a **beheerder** manages accounts (and records nothing else);
//! - a **coördinator** records for every item and seals rounds;
//! - a **medewerker** records statuses, assignments, notes and corrections
//!   for items whose responsible parties (as they stand now) include one of
//!   the account's ministries, and nothing else (a correction only of
//!   what they could record: not of an amendment of the text, and not one
//!   that withdraws an item or moves the day it was registered);
//! - an **auditor** reads and writes nothing;
//! - a disabled account does nothing at all, reading included.
//!
//! The actor an event records follows from where it came from
//! ([`Origin`]): through the server it is the signed-in account's name; from
//! the local command line, on a ledger that has accounts, it is the name
//! given with `--actor` behind [`LOCAL_PREFIX`], and a name that would read
//! as an account's is refused. Accounts are ledger events; credentials are
//! not (see [`super::credentials`]).

use super::write::{Receipt, Write};
use super::{Workspace, find};
use crate::domain::{AccountName, AccountRole, EventBody, Responsible};
use crate::error::{Refusal, Result};
use crate::ledger::Draft;
use crate::ledger::index::Registry;
use crate::projection::state::Account;
use std::collections::{BTreeMap, BTreeSet};

/// What the actor of an event written by the local command line starts
/// with on a ledger that has accounts. Account names cannot hold `:`, so
/// such an actor never reads as an account's.
pub const LOCAL_PREFIX: &str = "local:";

/// Where a workspace's writes come from; it decides what the recorded
/// actor says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Origin {
    /// The local command line on the machine that holds the store, whoever
    /// can read and write its files: on a ledger with accounts the actor is
    /// recorded as `local:NAME`.
    #[default]
    Local,
    /// The server: every actor is a signed-in, enabled account, recorded by
    /// its name.
    SignedIn,
}

/// A write as the rules see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Register an item.
    Register,
    /// Amend an item's own text.
    Amend,
    /// Record a status.
    Status,
    /// Record responsible parties.
    Assign,
    /// Record a progress note.
    Note,
    /// Correct an event.
    Correct,
    /// Seal a round.
    Seal,
    /// Import an annex or CSV file (registers and changes many items, and
    /// may seal a round): a coördinator's.
    Import,
    /// Create or change an account.
    Accounts,
}

impl Action {
    /// The action a write asks for.
    pub fn of(w: &Write) -> Action {
        match w {
            Write::Register(_) => Action::Register,
            Write::Amend { .. } => Action::Amend,
            Write::Status { .. } => Action::Status,
            Write::Assign { .. } => Action::Assign,
            Write::Note { .. } => Action::Note,
            Write::Correct { .. } => Action::Correct,
            Write::Seal { .. } => Action::Seal,
            Write::CreateAccount { .. } | Write::ChangeAccount { .. } => Action::Accounts,
        }
    }

    /// Every action, in the order messages and pages list them.
    pub const ALL: [Action; 9] = [
        Action::Register,
        Action::Amend,
        Action::Status,
        Action::Assign,
        Action::Note,
        Action::Correct,
        Action::Seal,
        Action::Import,
        Action::Accounts,
    ];

    /// What it does, after "may not".
    pub fn describe(self) -> &'static str {
        match self {
            Action::Register => "register items",
            Action::Amend => "amend an item's text",
            Action::Status => "record a status",
            Action::Assign => "record responsible parties",
            Action::Note => "record a progress note",
            Action::Correct => "correct an event",
            Action::Seal => "seal a round",
            Action::Import => "import an annex or CSV file",
            Action::Accounts => "create or change accounts",
        }
    }

    /// What it does, in Dutch, after "mag dit niet:" (the web pages).
    pub fn describe_nl(self) -> &'static str {
        match self {
            Action::Register => "items registreren",
            Action::Amend => "de tekst van een item wijzigen",
            Action::Status => "een status vastleggen",
            Action::Assign => "verantwoordelijken vastleggen",
            Action::Note => "een stand van zaken vastleggen",
            Action::Correct => "een gebeurtenis corrigeren",
            Action::Seal => "een ronde verzegelen",
            Action::Import => "een bijlage of CSV-bestand importeren",
            Action::Accounts => "accounts aanmaken of wijzigen",
        }
    }

    /// True for writes about one item, which a medewerker may make for
    /// the items of their ministries.
    pub fn per_item(self) -> bool {
        matches!(
            self,
            Action::Status | Action::Assign | Action::Note | Action::Correct
        )
    }
}

/// What a role may do, as a refusal's last clause says it.
pub fn allowed(account: &Account) -> String {
    match account.role {
        AccountRole::Beheerder => {
            "a beheerder creates, changes and disables accounts and records nothing else".into()
        }
        AccountRole::Coordinator => {
            "a coördinator records for every item, imports annexes and seals rounds, and does not manage accounts"
                .into()
        }
        AccountRole::Medewerker => format!(
            "a medewerker records statuses, responsible parties, progress notes and corrections only for items whose responsible parties include one of their ministries ({})",
            ministries(account)
        ),
        AccountRole::Auditor => "an auditor reads everything and records nothing".into(),
    }
}

/// [`allowed`] in Dutch.
pub fn allowed_nl(account: &Account) -> String {
    match account.role {
        AccountRole::Beheerder => {
            "een beheerder maakt, wijzigt en schakelt accounts uit en legt verder niets vast".into()
        }
        AccountRole::Coordinator => {
            "een coördinator legt vast voor elk item, importeert bijlagen en verzegelt rondes, en beheert geen accounts"
                .into()
        }
        AccountRole::Medewerker => format!(
            "een medewerker legt statussen, verantwoordelijken, standen van zaken en correcties vast, alleen voor items waarvan de verantwoordelijken een van de eigen ministeries bevatten ({})",
            if account.ministries.is_empty() {
                "geen".to_string()
            } else {
                account.ministries.join(", ")
            }
        ),
        AccountRole::Auditor => "een auditor leest alles en legt niets vast".into(),
    }
}

/// A refusal of `account`: `what` it asked, in English and in Dutch.
fn not_allowed(account: &Account, what: String, what_nl: &str) -> crate::error::Error {
    let role_nl = match account.role {
        AccountRole::Medewerker => format!(
            "medewerker voor {}",
            if account.ministries.is_empty() {
                "geen ministerie".to_string()
            } else {
                account.ministries.join(", ")
            }
        ),
        r => r.label().to_string(),
    };
    Refusal::NotAllowed {
        account: account.account.to_string(),
        role: role_shown(account),
        what,
        allowed: allowed(account),
        nl: format!(
            "Account '{}' ({role_nl}) mag dit niet: {what_nl}. Want {}.",
            account.account,
            allowed_nl(account)
        ),
    }
    .into()
}

fn ministries(account: &Account) -> String {
    if account.ministries.is_empty() {
        "none".into()
    } else {
        account.ministries.join(", ")
    }
}

/// The role as a refusal shows it: with the ministries of a medewerker.
pub fn role_shown(account: &Account) -> String {
    match account.role {
        AccountRole::Medewerker => format!("medewerker for {}", ministries(account)),
        r => r.label().to_string(),
    }
}

/// True if `responsible` names one of the account's ministries.
pub fn is_theirs(account: &Account, responsible: &Responsible) -> bool {
    responsible
        .codes()
        .iter()
        .any(|c| account.ministries.contains(&c.portfolio))
}

/// May this account read? Every enabled account may.
pub fn may_read(account: &Account) -> Result<()> {
    if account.disabled {
        return Err(Refusal::AccountDisabled {
            account: account.account.to_string(),
        }
        .into());
    }
    Ok(())
}

/// May this account make a write of this kind, on an item with these
/// responsible parties (`item`: its key and parties, for per-item writes)?
/// The pure rule; [`authorize`] finds the item.
pub fn may(account: &Account, action: Action, item: Option<(&str, &Responsible)>) -> Result<()> {
    may_read(account)?;
    let ok = match account.role {
        AccountRole::Beheerder => action == Action::Accounts,
        AccountRole::Coordinator => action != Action::Accounts,
        AccountRole::Medewerker => {
            action.per_item() && item.is_some_and(|(_, r)| is_theirs(account, r))
        }
        AccountRole::Auditor => false,
    };
    if ok {
        return Ok(());
    }
    let (what, what_nl) = match item {
        Some((key, r)) if action.per_item() => (
            format!(
                "{} for item {key}, whose responsible parties are {}",
                action.describe(),
                if r.is_empty() {
                    "not stated".to_string()
                } else {
                    r.to_string()
                }
            ),
            format!(
                "{} voor item {key}, met als verantwoordelijken {}",
                action.describe_nl(),
                if r.is_empty() {
                    "niet vermeld".to_string()
                } else {
                    r.to_string()
                }
            ),
        ),
        _ => (
            action.describe().to_string(),
            action.describe_nl().to_string(),
        ),
    };
    Err(not_allowed(account, what, &what_nl))
}

/// The account of that name, or a refusal.
pub fn account(ws: &Workspace, who: &AccountName) -> Result<Account> {
    ws.ledger().account(who)?.ok_or_else(|| {
        Refusal::UnknownAccount {
            account: who.to_string(),
        }
        .into()
    })
}

/// Checks that the account may make this write, finding the item it is
/// about (for a correction, the corrected event's item) and its
/// responsible parties as they stand now.
pub fn authorize(ws: &Workspace, who: &AccountName, w: &Write) -> Result<()> {
    let acc = account(ws, who)?;
    let action = Action::of(w);
    may_read(&acc)?;
    // Only a medewerker's rights depend on the item; the others are
    // decided without resolving it (so a refusal does not depend on
    // whether the item exists).
    if acc.role != AccountRole::Medewerker || !action.per_item() {
        return may(&acc, action, None);
    }
    let id = match w {
        Write::Status { item, .. }
        | Write::Assign { item, .. }
        | Write::Note { item, .. }
        | Write::Amend { item, .. } => ws.resolve(item)?.id,
        Write::Correct {
            event, correction, ..
        } => {
            let rec = find::event(ws, event)?;
            let Some(id) = rec.item() else {
                return may(&acc, action, None);
            };
            let root = root_of(ws, rec)?;
            if let Some((what, what_nl)) = beyond_item_writes(&root.envelope.body, correction) {
                let key = ws
                    .ledger()
                    .current_of(id)?
                    .map_or_else(|| id.hex(), |s| s.item.key.to_string());
                let seq = root.envelope.seq;
                return Err(not_allowed(
                    &acc,
                    format!("{what} of item {key} (seq {seq})"),
                    &format!("{what_nl} van item {key} (seq {seq})"),
                ));
            }
            id
        }
        _ => return may(&acc, action, None),
    };
    let now = ws
        .ledger()
        .current_of(id)?
        .ok_or_else(|| Refusal::UnknownItemId { id: id.hex() })?
        .item;
    may(&acc, action, Some((now.key.as_str(), &now.responsible)))
}

/// The event a correction chain ends at: `rec` itself, or for a
/// correction, the event the corrections before it corrected.
fn root_of(ws: &Workspace, mut rec: crate::ledger::Recorded) -> Result<crate::ledger::Recorded> {
    while let EventBody::Corrected { target_seq, .. } = rec.envelope.body {
        rec = ws.ledger().get(target_seq)?.ok_or(Refusal::UnknownSeq {
            seq: target_seq,
            last: ws.events().saturating_sub(1),
        })?;
    }
    Ok(rec)
}

/// What a correction of `root` would do that goes beyond the writes a
/// medewerker may make about an item (a status, responsible parties, a
/// note, and when those took effect), as a refusal says it; None if it
/// does not. Undoing or replacing an amendment changes the item's own
/// text, and retracting a registration withdraws the item from every
/// view (or moving its date, from the views before it): those are the
/// writes of whoever registers and amends items, the coördinator.
pub fn beyond_item_writes(
    root: &EventBody,
    c: &super::write::Correction,
) -> Option<(&'static str, &'static str)> {
    match root {
        EventBody::ItemAmended { .. } => Some((
            "correct the amendment of the text",
            "de wijziging van de tekst corrigeren",
        )),
        EventBody::ItemRegistered { .. } if c.retract => Some((
            "withdraw the registration (retract it)",
            "de registratie intrekken (het item terugtrekken)",
        )),
        EventBody::ItemRegistered { .. } if c.effective.is_some() => Some((
            "move the day of the registration",
            "de datum van de registratie verplaatsen",
        )),
        _ => None,
    }
}

/// Imports an annex or CSV file as a signed-in account: only a
/// coördinator may (an import registers and changes items of every
/// ministry, and may seal a round); recorded under the account's name.
pub fn import_as(
    ws: &mut Workspace,
    who: &AccountName,
    req: &super::import::Request<'_>,
) -> Result<super::import::Report> {
    let acc = account(ws, who)?;
    may(&acc, Action::Import, None)?;
    super::import::import(ws, who.as_str(), req)
}

/// Makes a write as a signed-in account: [`authorize`], then the write,
/// recorded under the account's name.
pub fn write_as(ws: &mut Workspace, who: &AccountName, w: Write) -> Result<Receipt> {
    authorize(ws, who, &w)?;
    keeps_a_beheerder(ws, &w)?;
    no_role_of_ones_own(ws, who, &w)?;
    ws.write(who.as_str(), w)
}

/// Refuses a signed-in account a role it gives itself, other than
/// auditor: a beheerder who made their own account coördinator or
/// medewerker would record items with their own password, which the split
/// of the roles is there to prevent. Another beheerder can make the change
/// (and it is on record as theirs); stepping down to auditor, or
/// disabling oneself, is no gain of rights.
fn no_role_of_ones_own(ws: &Workspace, who: &AccountName, w: &Write) -> Result<()> {
    let Write::ChangeAccount {
        account,
        role: Some(role),
        ..
    } = w
    else {
        return Ok(());
    };
    if account != who || *role == AccountRole::Auditor {
        return Ok(());
    }
    let acc = self::account(ws, who)?;
    if acc.role == *role {
        return Ok(());
    }
    Err(not_allowed(
        &acc,
        format!(
            "give its own account the role {} (another beheerder can)",
            role.label()
        ),
        &format!(
            "het eigen account de rol {} geven (een andere beheerder kan dat)",
            role.label()
        ),
    ))
}

/// Refuses, for a signed-in account, the change that would leave no
/// enabled beheerder: one click on the accounts page (a beheerder taking
/// away their own role) would otherwise leave nobody who can manage
/// accounts through the server, until it is stopped and the store changed
/// on its machine. The local command line, whose user holds the store,
/// may still do it.
fn keeps_a_beheerder(ws: &Workspace, w: &Write) -> Result<()> {
    let Write::ChangeAccount {
        account,
        role,
        disabled,
        ..
    } = w
    else {
        return Ok(());
    };
    let accounts = ws.ledger().registry()?.accounts;
    let manages = |a: &Account| a.role == AccountRole::Beheerder && !a.disabled;
    let Some(target) = accounts.get(account).filter(|a| manages(a)) else {
        return Ok(());
    };
    let stays = role.is_none_or(|r| r == AccountRole::Beheerder) && *disabled != Some(true);
    if stays
        || accounts
            .values()
            .any(|a| a.account != target.account && manages(a))
    {
        return Ok(());
    }
    let (what, value) = match role {
        Some(r) if *r != AccountRole::Beheerder => ("role", r.as_str()),
        _ => ("disabled", "true"),
    };
    Err(crate::domain::Invalid::new(
        what,
        value,
        format!(
            "a change that leaves an enabled beheerder: {account} is the only one, so make another account beheerder first"
        ),
    )
    .into())
}

/// The keys, accounts, item orders and round signatures as the chain's
/// events make them: every such event (and every seal, which a signature
/// names) folded in seq order, in one scan of the chain's bytes (each such
/// event checked against its hash as it is read; the others, found by their
/// kind alone, are not decoded).
pub fn registry_from_chain(ledger: &crate::ledger::Ledger) -> Result<Registry> {
    let mut state = crate::projection::State::default();
    for rec in ledger.events_of_kinds(&crate::ledger::index::REGISTRY_VARIANTS) {
        state.apply(&rec?);
    }
    Ok(Registry::of(state))
}

/// The first thing the index's registry (`ix_registry`) holds otherwise
/// than the chain's events make it ([`registry_from_chain`]): the seq of
/// the event concerned (where there is one) and what differs; None when
/// the two are the same.
pub fn registry_difference(chain: &Registry, index: &Registry) -> Option<(Option<u64>, String)> {
    let (what, (seq, in_chain, in_index), verb) =
        first_difference(&chain.accounts, &index.accounts, |_, a| Some(a.created_seq))
            .map(|(name, d)| (format!("account '{name}'"), d, "created"))
            .or_else(|| {
                first_difference(&chain.keys, &index.keys, |_, k| Some(k.seq))
                    .map(|(name, d)| (format!("key '{name}'"), d, "registered"))
            })
            .or_else(|| {
                first_difference(&chain.signatures, &index.signatures, |seal, _| Some(*seal)).map(
                    |(seal, d)| {
                        let what = format!("a signature of the round sealed at seq {seal}");
                        (what, d, "recorded")
                    },
                )
            })
            .or_else(|| {
                first_difference(&chain.orders, &index.orders, |_, _| None)
                    .map(|(kind, d)| (format!("the order of the {kind} items"), d, "recorded"))
            })?;
    const IX: &str = "the index of keys and accounts (ix_registry)";
    let said = match (in_chain, in_index) {
        (true, false) => format!("{what} is missing from {IX}"),
        (false, true) => format!("{what} is in {IX}, and no event of the chain {verb} it"),
        _ => format!("{what} in {IX} is not what the chain records"),
    };
    Some((seq, said))
}

/// Where the chain and the index differ about one entry of the registry:
/// the seq of the event concerned, whether the chain has the entry, whether
/// the index does.
type Differs = (Option<u64>, bool, bool);

/// The first key (in order) whose value differs between the chain's `a`
/// and the index's `b`: the key, and the seq `seq` names for its value (the
/// chain's where it has one), whether the chain has it and whether the
/// index does.
fn first_difference<'m, K: Ord, V: PartialEq>(
    a: &'m BTreeMap<K, V>,
    b: &'m BTreeMap<K, V>,
    seq: impl Fn(&K, &V) -> Option<u64>,
) -> Option<(&'m K, Differs)> {
    let keys: BTreeSet<&K> = a.keys().chain(b.keys()).collect();
    keys.into_iter().find_map(|k| {
        let (x, y) = (a.get(k), b.get(k));
        (x != y).then(|| {
            (
                k,
                (x.or(y).and_then(|v| seq(k, v)), x.is_some(), y.is_some()),
            )
        })
    })
}

/// Refuses a ledger whose keys, accounts, orders and round signatures in
/// the index (`ix_registry`) are not what the chain's events make of them,
/// saying `so` of the refusal (one scan of the chain). The server decides
/// every right from the index's accounts, so it checks the registry so
/// once, when it starts; afterwards it alone writes the store, and each
/// entry it writes was decided by the same fold. A small ledger's open
/// checks it too, and a credential is made only for an account the chain
/// created.
pub fn check_registry(ledger: &crate::ledger::Ledger, so: &str) -> Result<()> {
    registry_as(&registry_from_chain(ledger)?, ledger, so)
}

/// Refuses, as [`check_registry`] does, a registry in the index that is
/// not `chain` (what the chain's events make of it, already folded).
pub fn registry_as(chain: &Registry, ledger: &crate::ledger::Ledger, so: &str) -> Result<()> {
    match registry_difference(chain, &ledger.registry()?) {
        None => Ok(()),
        Some((seq, what)) => Err(crate::error::Error::Corrupt {
            seq,
            what: format!(
                "{what}; {so}: run `kamerstand verify` to see what else differs (and `--rebuild-index` if the chain holds)"
            ),
        }),
    }
}

/// The actor to record for a signed-in account `name`, given its account
/// as the ledger has it (None: no such account): its name, if it may still
/// read.
pub fn signed_in_actor(name: &AccountName, account: Option<&Account>) -> Result<String> {
    let acc = account.ok_or_else(|| Refusal::UnknownAccount {
        account: name.to_string(),
    })?;
    may_read(acc)?;
    Ok(name.to_string())
}

/// The actor to record for `actor` coming from `origin`, given the accounts
/// the ledger has and the drafts about to be written (an account a draft
/// creates counts as existing).
pub fn recorded_actor(
    origin: Origin,
    actor: &str,
    accounts: &BTreeMap<AccountName, Account>,
    drafts: &[Draft],
) -> Result<String> {
    let created: BTreeSet<&AccountName> = drafts
        .iter()
        .filter_map(|d| match &d.body {
            EventBody::AccountCreated { account, .. } => Some(account),
            _ => None,
        })
        .collect();
    match origin {
        Origin::SignedIn => {
            let name = AccountName::parse(actor)?;
            signed_in_actor(&name, accounts.get(&name))
        }
        Origin::Local if accounts.is_empty() && created.is_empty() => Ok(actor.to_string()),
        Origin::Local => {
            let t = actor.trim();
            if t.to_ascii_lowercase().starts_with(LOCAL_PREFIX) {
                return Err(Refusal::ActorReserved {
                    actor: t.to_string(),
                    why: format!(
                        "'{LOCAL_PREFIX}' is what kamerstand puts before the name of whoever records at this machine, not part of a name"
                    ),
                }
                .into());
            }
            if let Ok(name) = AccountName::parse(t)
                && (accounts.contains_key(&name) || created.contains(&name))
            {
                return Err(Refusal::ActorReserved {
                    actor: t.to_string(),
                    why: format!(
                        "it is the name of account '{name}', and that name alone stands for what the account recorded signed in to the server"
                    ),
                }
                .into());
            }
            Ok(format!("{LOCAL_PREFIX}{t}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::EventId;

    fn acc(name: &str, role: AccountRole, ministries: &[&str], disabled: bool) -> Account {
        Account {
            account: AccountName::parse(name).unwrap(),
            display_name: name.into(),
            role,
            ministries: ministries.iter().map(|m| (*m).to_string()).collect(),
            disabled,
            created_seq: 1,
        }
    }

    fn resp(s: &str) -> Responsible {
        Responsible::parse(s).unwrap()
    }

    #[test]
    fn every_role_by_every_action() {
        let vws = resp("MVWS");
        let ocw = resp("MOCW en SOCW");
        let b = acc("beheer", AccountRole::Beheerder, &[], false);
        let c = acc("coord", AccountRole::Coordinator, &[], false);
        let m = acc("mw", AccountRole::Medewerker, &["VWS"], false);
        let a = acc("audit", AccountRole::Auditor, &[], false);
        for action in Action::ALL {
            let item = Some(("M1", &vws));
            assert_eq!(
                may(&b, action, item).is_ok(),
                action == Action::Accounts,
                "{action:?}"
            );
            assert_eq!(
                may(&c, action, item).is_ok(),
                action != Action::Accounts,
                "{action:?}"
            );
            assert_eq!(
                may(&m, action, item).is_ok(),
                action.per_item(),
                "{action:?}"
            );
            assert!(may(&m, action, Some(("M2", &ocw))).is_err(), "{action:?}");
            assert!(may(&a, action, item).is_err(), "{action:?}");
            for mut x in [b.clone(), c.clone(), m.clone(), a.clone()] {
                x.disabled = true;
                let e = may(&x, action, item).unwrap_err();
                assert!(e.is_forbidden());
                assert!(e.to_string().contains("disabled"), "{e}");
            }
        }
    }

    #[test]
    fn a_refusal_names_the_account_the_role_and_what_is_allowed() {
        let m = acc("m.jansen", AccountRole::Medewerker, &["VWS", "JenV"], false);
        let e = may(&m, Action::Status, Some(("M3", &resp("SOCW")))).unwrap_err();
        let msg = e.to_string();
        assert!(e.is_forbidden());
        for part in [
            "m.jansen",
            "medewerker for VWS, JenV",
            "M3",
            "SOCW",
            "only for items",
        ] {
            assert!(msg.contains(part), "{part}: {msg}");
        }
        // Any one of several parties makes the item theirs.
        assert!(may(&m, Action::Note, Some(("M4", &resp("SOCW en MJenV")))).is_ok());
        assert!(may(&m, Action::Note, Some(("M5", &Responsible::none()))).is_err());
    }

    #[test]
    fn local_actors_are_marked_and_cannot_read_as_accounts() {
        let mut accounts = BTreeMap::new();
        assert_eq!(
            recorded_actor(Origin::Local, "J. de Vries", &accounts, &[]).unwrap(),
            "J. de Vries"
        );
        let create = Draft {
            id: EventId([1; 16]),
            body: EventBody::AccountCreated {
                account: AccountName::parse("j.devries").unwrap(),
                display_name: "J. de Vries".into(),
                role: AccountRole::Beheerder,
                ministries: vec![],
            },
        };
        assert_eq!(
            recorded_actor(
                Origin::Local,
                "root",
                &accounts,
                std::slice::from_ref(&create)
            )
            .unwrap(),
            "local:root"
        );
        assert!(
            recorded_actor(Origin::Local, "j.devries", &accounts, &[create]).is_err(),
            "imitates the account being created"
        );
        let a = acc("j.devries", AccountRole::Coordinator, &[], false);
        accounts.insert(a.account.clone(), a);
        assert_eq!(
            recorded_actor(Origin::Local, "root", &accounts, &[]).unwrap(),
            "local:root"
        );
        for bad in ["j.devries", "J.DeVries ", "local:root", "LOCAL:x"] {
            let e = recorded_actor(Origin::Local, bad, &accounts, &[]).unwrap_err();
            assert!(
                matches!(e.refusal(), Some(Refusal::ActorReserved { .. })),
                "{bad}"
            );
        }
        assert_eq!(
            recorded_actor(Origin::SignedIn, "j.devries", &accounts, &[]).unwrap(),
            "j.devries"
        );
        assert!(recorded_actor(Origin::SignedIn, "nobody", &accounts, &[]).is_err());
        assert!(recorded_actor(Origin::SignedIn, "J. de Vries", &accounts, &[]).is_err());
    }
}

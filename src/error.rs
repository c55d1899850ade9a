//! The library's one error type. Three families are kept apart because
//! callers treat them differently: input we refuse ([`Error::Invalid`] for
//! input that does not parse, [`Error::Refused`] for input the ledger's
//! state refuses — exit code 2 at the command line, nothing written), a
//! ledger that is damaged ([`Error::Corrupt`]) and storage that failed
//! ([`Error::Storage`], which keeps its underlying error) — exit code 1.
//!
//! Every refusal is a [`Refusal`] variant holding the data that explains it,
//! so that a library user can tell them apart; its `Display` is the message
//! a clerk reads.

use crate::domain::{Day, EventHash, Invalid, ItemKind, Responsible};
use std::fmt;
use std::path::PathBuf;

/// Everything that can go wrong in a library call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An argument or input field did not parse.
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// The input parsed but the ledger refuses it. Nothing was written.
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// There is no ledger at the path (or the path is not a store).
    #[error("{message}")]
    NoStore {
        /// The store path.
        path: PathBuf,
        /// What is wrong and what to do.
        message: String,
    },
    /// Another process holds the store's lock.
    #[error("store {} is in use by another kamerstand process{}; try again when it has finished, or pass --wait SECONDS", crate::fsutil::shown_path(path), pid.map(|p| format!(" (pid {p})")).unwrap_or_default())]
    InUse {
        /// The store path.
        path: PathBuf,
        /// The holder's process id, when it wrote one.
        pid: Option<u32>,
    },
    /// The stored data contradicts itself.
    #[error("ledger is corrupt{}: {what}", seq.map(|s| format!(" at seq {s}")).unwrap_or_default())]
    Corrupt {
        /// The first affected event, when known.
        seq: Option<u64>,
        /// What was found.
        what: String,
    },
    /// The ledger's last event was recorded later than the clock says it is
    /// now, by more than the clock's tolerance: nothing can be appended
    /// without stamping it with a time that has not come (exit code 1:
    /// neither the input nor the store is at fault, the clock or the
    /// ledger's history is).
    #[error("{0}")]
    ClockBehind(String),
    /// Reading or writing the store failed.
    #[error("storage failed while {context}: {source}")]
    Storage {
        /// What we were doing.
        context: String,
        /// The underlying error.
        source: Box<dyn std::error::Error + Send + Sync + 'static>,
    },
}

impl Error {
    /// A storage error with context, keeping the underlying error.
    pub fn storage(
        context: impl Into<String>,
        source: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>,
    ) -> Error {
        Error::Storage {
            context: context.into(),
            source: source.into(),
        }
    }

    /// True for errors caused by the user's input (exit code 2).
    pub fn is_input(&self) -> bool {
        matches!(
            self,
            Error::Invalid(_) | Error::Refused(_) | Error::NoStore { .. }
        )
    }

    /// True for a write refused by the rights of the account that asked
    /// (HTTP 403 at the server; exit code 2 like every refusal).
    pub fn is_forbidden(&self) -> bool {
        matches!(
            self,
            Error::Refused(Refusal::NotAllowed { .. } | Refusal::AccountDisabled { .. })
        )
    }

    /// The refusal, if this is one.
    pub fn refusal(&self) -> Option<&Refusal> {
        match self {
            Error::Refused(r) => Some(r),
            _ => None,
        }
    }
}

/// Result with the library's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why the ledger refuses a request that parsed. Nothing was written.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Refusal {
    /// No `ledger_created` event yet.
    NotCreated,
    /// `init` on a ledger that exists.
    AlreadyCreated,
    /// The first event of a ledger must create it.
    FirstEventNotCreation,
    /// A ledger already exists at the path.
    LedgerExists {
        /// The store path.
        path: PathBuf,
    },
    /// An effective date too far after today.
    EffectiveTooLate {
        /// The date given.
        day: Day,
        /// The ledger's today.
        today: Day,
        /// How many days ahead are allowed.
        max_days: i64,
        /// The latest accepted day.
        latest: Day,
    },
    /// A status slug the legend lacks.
    StatusNotInLegend {
        /// The slug given.
        slug: String,
        /// The legend's slugs (empty: not listed).
        valid: Vec<String>,
    },
    /// Too many citations or submitters on one event.
    TooManyListed {
        /// Most citations per event.
        citations: usize,
        /// Most submitters per event.
        submitters: usize,
    },
    /// An item key in use.
    DuplicateKey {
        /// The key asked for.
        key: String,
        /// Kind of the item that has it.
        kind: ItemKind,
        /// The key as that item spells it.
        existing: String,
    },
    /// No free key of the kind's form.
    NoFreeKey,
    /// An item id no item has.
    UnknownItemId {
        /// The id, hex.
        id: String,
    },
    /// No item matches a key or id prefix.
    UnknownItem {
        /// What was typed (shortened).
        input: String,
        /// The closest keys.
        suggestions: Vec<String>,
    },
    /// An id prefix matches several items.
    AmbiguousItem {
        /// What was typed.
        input: String,
        /// How many items match.
        count: usize,
        /// Some of them, as "KEY (id)".
        examples: Vec<String>,
    },
    /// The item was registered after the view shown.
    ItemNotInView {
        /// The item's key.
        key: String,
        /// Its registration's seq.
        registered_seq: u64,
        /// The view, described.
        view: String,
    },
    /// The item's registration was retracted.
    ItemWithdrawn {
        /// The item's key.
        key: String,
        /// Its registration's seq.
        registered_seq: u64,
    },
    /// The status asked for is in force already.
    StatusUnchanged {
        /// The item's key.
        key: String,
        /// The status slug.
        status: String,
        /// Its Dutch label.
        label: String,
        /// The day asked about.
        effective: Day,
    },
    /// "Not stated" asked for where a status is in effect: it states no
    /// status, so it would change nothing.
    NotStatedOverStatus {
        /// The item's key.
        key: String,
        /// The status in effect.
        status: String,
        /// The day asked about.
        effective: Day,
    },
    /// The parties asked for are responsible already.
    AssignmentUnchanged {
        /// The item's key.
        key: String,
        /// The parties.
        responsible: Responsible,
        /// The day asked about.
        effective: Day,
    },
    /// A progress note that repeats the item's latest note: the same
    /// text and citations, with the same effective date.
    NoteUnchanged {
        /// The item's key.
        key: String,
        /// The note that says it already.
        seq: u64,
        /// Its effective date.
        effective: Day,
    },
    /// An assignment without parties.
    NoResponsible,
    /// A note without text.
    EmptyNote,
    /// A correction's replacement note without text.
    EmptyReplacementNote,
    /// An amendment that changes nothing.
    AmendmentChangesNothing {
        /// The item's key.
        key: String,
    },
    /// A round name in use.
    RoundExists {
        /// The round's name.
        name: String,
        /// Its seal's seq.
        seq: u64,
        /// Its digest.
        digest: EventHash,
    },
    /// A seal that does not name the head.
    SealNotAtHead,
    /// A round name no round has.
    UnknownRound {
        /// What was typed (shortened).
        name: String,
        /// The closest names.
        suggestions: Vec<String>,
        /// Every sealed round.
        known: Vec<String>,
    },
    /// A seq past the head.
    UnknownSeq {
        /// The seq given.
        seq: u64,
        /// The last seq.
        last: u64,
    },
    /// No event id starts so.
    UnknownEventId {
        /// The hex prefix.
        prefix: String,
    },
    /// Several event ids start so.
    AmbiguousEventId {
        /// The hex prefix.
        prefix: String,
        /// The seqs of the events that match.
        seqs: Vec<u64>,
    },
    /// The event is not about an item.
    NotCorrectable {
        /// Its seq.
        seq: u64,
        /// Its kind, e.g. "round sealed".
        kind: String,
    },
    /// The corrected event is not the item's.
    NotAnEventOfItem {
        /// The seq named.
        seq: u64,
        /// The item's key.
        key: String,
    },
    /// The corrected event's id does not match.
    EventIdMismatch {
        /// The seq named.
        seq: u64,
        /// The id stored there.
        stored: String,
        /// The id given.
        given: String,
    },
    /// A correction without a reason.
    CorrectionNeedsReason,
    /// The correction named was itself replaced or retracted.
    CorrectionSuperseded {
        /// Its seq.
        seq: u64,
        /// The item's key.
        key: String,
    },
    /// `--retract` with replacement values.
    RetractWithReplacement,
    /// A correction with neither replacement nor retraction.
    NoReplacement,
    /// A replacement value the corrected kind of event does not have.
    NotReplaceable {
        /// The flag, e.g. "--note".
        what: String,
        /// The kind of event, e.g. "status change".
        kind: String,
        /// The corrected (root) event.
        root: u64,
    },
    /// A retraction of what is retracted already.
    AlreadyRetracted {
        /// The root event.
        root: u64,
    },
    /// A correction that changes nothing.
    CorrectionChangesNothing {
        /// The root event.
        root: u64,
    },
    /// An event over the size limit.
    EventTooLarge {
        /// Its encoded size.
        bytes: usize,
        /// The limit.
        limit: usize,
    },
    /// A write with nothing in it.
    NothingToAppend,
    /// A batch prepared against a head that moved on.
    StaleBatch,
    /// The first side of a diff is later than the second.
    FromAfterTo {
        /// The FROM view, described.
        from: String,
        /// The TO view, described.
        to: String,
    },
    /// The ledger has no events.
    EmptyLedger,
    /// A flag that does not apply to an events import.
    NotForRestore {
        /// The flag.
        flag: String,
    },
    /// An events import into a store that holds a ledger.
    RestoreIntoLedger {
        /// The store path.
        path: PathBuf,
    },
    /// An events file with no events.
    NoEventsToRestore,
    /// A line of an events file that is not what it claims.
    BadEventsLine {
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        what: String,
    },
    /// A v2 seal whose tree does not cover exactly the events before it.
    SealTreeSize {
        /// The size it names.
        size: u64,
        /// The head it seals.
        head_seq: u64,
    },
    /// A key name or public key registered already.
    KeyExists {
        /// The key's name.
        name: String,
        /// The event that registered it.
        seq: u64,
    },
    /// A key name no key has.
    UnknownKey {
        /// The name.
        name: String,
    },
    /// A round that cannot be signed: unknown, or sealed before seals
    /// named their Merkle tree.
    RoundNotSignable {
        /// The name asked for.
        name: String,
        /// Why not.
        why: String,
    },
    /// A key that may not do what was asked (a witness asked to sign as
    /// the programme, or the reverse).
    WrongKeyRole {
        /// The key's name.
        name: String,
        /// Its registered role.
        role: crate::domain::KeyRole,
        /// The role needed.
        needed: crate::domain::KeyRole,
    },
    /// The key signed the round already.
    AlreadySigned {
        /// The round.
        round: String,
        /// The key.
        key: String,
        /// The event that recorded the signature.
        seq: u64,
    },
    /// A signature that does not verify with the key it names.
    BadSignature {
        /// What was signed.
        what: String,
        /// The key.
        key: String,
    },
    /// A signed note that does not fit this ledger, or whose signatures
    /// do not hold.
    NoteMismatch {
        /// What does not fit.
        what: String,
    },
    /// An account name in use.
    AccountExists {
        /// The name.
        account: String,
    },
    /// An account name no account has.
    UnknownAccount {
        /// The name.
        account: String,
    },
    /// An account change that changes nothing.
    AccountUnchanged {
        /// The name.
        account: String,
    },
    /// An account may not make this write (its role or its ministries do
    /// not allow it): HTTP 403 at the server.
    NotAllowed {
        /// The account.
        account: String,
        /// Its role, as shown (with its ministries for a medewerker).
        role: String,
        /// What it asked to do.
        what: String,
        /// What the role does allow.
        allowed: String,
        /// The whole refusal in Dutch, as the web pages show it.
        nl: String,
    },
    /// A disabled account may do nothing: HTTP 403 at the server.
    AccountDisabled {
        /// The account.
        account: String,
    },
    /// A kamerstand server refused a request (`--server`): its status and
    /// message.
    FromServer {
        /// The HTTP status (400, 401, 403, 404).
        status: u16,
        /// The server's message.
        message: String,
    },
    /// The local command line's actor would read as a signed-in account
    /// (or as written locally twice) on a ledger that has accounts.
    ActorReserved {
        /// The actor as given.
        actor: String,
        /// Why it is reserved.
        why: String,
    },
    /// Details that say what the item holds already.
    DetailsUnchanged {
        /// The item's key.
        key: String,
    },
    /// A correction of an item's details.
    DetailsNotCorrectable {
        /// The details event.
        seq: u64,
    },
    /// An order naming an item of another kind, or one twice.
    BadOrder {
        /// The kind ordered.
        kind: ItemKind,
        /// The item that does not belong.
        key: String,
    },
    /// A proof asked for a leaf or size the tree does not have.
    OutsideTree {
        /// What was asked.
        what: String,
    },
    /// A store directory that others can write.
    SharedStore {
        /// The store path.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// Events to restore recorded after the clock's now.
    FromTheFuture {
        /// The first such event.
        seq: u64,
        /// When it says it was recorded.
        recorded_at: crate::domain::Timestamp,
        /// The clock's now.
        now: crate::domain::Timestamp,
        /// The tolerance.
        minutes: u64,
    },
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Refusal as R;
        let list = |v: &[String]| v.join(", ");
        let did_you_mean = |v: &[String]| {
            if v.is_empty() {
                String::new()
            } else {
                format!(" Did you mean {}?", v.join(", "))
            }
        };
        match self {
            R::NotCreated => write!(
                f,
                "the ledger has not been created yet; run `kamerstand init` first"
            ),
            R::AlreadyCreated => write!(f, "this ledger was already created"),
            R::FirstEventNotCreation => {
                write!(f, "the first event of a ledger must be ledger_created")
            }
            R::LedgerExists { path } => write!(
                f,
                "a ledger already exists at {}; use it, or choose another path with --store",
                crate::fsutil::shown_path(path)
            ),
            R::EffectiveTooLate {
                day,
                today,
                max_days,
                latest,
            } => write!(
                f,
                "effective date {day} is more than {max_days} days after today ({today}); give the day the change takes effect, at the latest {latest}"
            ),
            R::StatusNotInLegend { slug, valid } if valid.is_empty() => {
                write!(f, "status '{slug}' is not in this ledger's legend")
            }
            R::StatusNotInLegend { slug, valid } => write!(
                f,
                "status '{slug}' is not in this ledger's legend; use one of: {}",
                list(valid)
            ),
            R::TooManyListed {
                citations,
                submitters,
            } => write!(
                f,
                "at most {citations} citations and {submitters} submitters are accepted per event"
            ),
            R::DuplicateKey {
                key,
                kind,
                existing,
            } => write!(
                f,
                "key '{key}' is already used by {kind} {existing}; choose another with --key"
            ),
            R::NoFreeKey => write!(f, "no free item key"),
            R::UnknownItemId { id } => write!(f, "no item with id {id}"),
            R::UnknownItem { input, suggestions } => write!(
                f,
                "no item with key or id prefix '{input}'.{} `kamerstand item list` shows all keys and ids",
                did_you_mean(suggestions)
            ),
            R::AmbiguousItem {
                input,
                count,
                examples,
            } => write!(
                f,
                "id prefix '{input}' is ambiguous: it matches {count} items, e.g. {}; give more digits or the item's key",
                list(examples)
            ),
            R::ItemNotInView {
                key,
                registered_seq,
                view,
            } => write!(
                f,
                "item {key} was registered at seq {registered_seq}, after this view ({view})"
            ),
            R::ItemWithdrawn {
                key,
                registered_seq,
            } => write!(
                f,
                "item {key} was withdrawn (its registration, seq {registered_seq}, was retracted); correct that retraction to bring it back"
            ),
            R::StatusUnchanged {
                key,
                status,
                label,
                effective,
            } => write!(
                f,
                "item {key} already has status {status} (\"{label}\") on {effective}; nothing to record"
            ),
            R::NotStatedOverStatus {
                key,
                status,
                effective,
            } => write!(
                f,
                "item {key} has status {status} on {effective}; 'niet-vermeld' states no status and does not replace one (a status recorded in error is taken back with `correct SEQ --retract`)"
            ),
            R::AssignmentUnchanged {
                key,
                responsible,
                effective,
            } => write!(
                f,
                "item {key} is already assigned to {responsible} on {effective}; nothing to record"
            ),
            R::NoteUnchanged {
                key,
                seq,
                effective,
            } => write!(
                f,
                "item {key}'s latest progress note (seq {seq}, effective {effective}) already says this; nothing to record (to say it again on another day, give that day with --effective)"
            ),
            R::NoResponsible => write!(f, "give at least one responsible code"),
            R::EmptyNote => write!(f, "a progress note needs text"),
            R::EmptyReplacementNote => write!(f, "a replacement note needs text"),
            R::AmendmentChangesNothing { key } => write!(
                f,
                "the amendment changes nothing on item {key}; give a new --text, --ref or --submitter"
            ),
            R::RoundExists { name, seq, digest } => write!(
                f,
                "round '{name}' was already sealed at seq {seq} (digest {}); round names are unique",
                digest.short()
            ),
            R::SealNotAtHead => write!(f, "the seal does not name the current head"),
            R::UnknownRound {
                name,
                suggestions,
                known,
            } => {
                let known = if known.is_empty() {
                    "no rounds are sealed yet".to_string()
                } else {
                    format!("sealed rounds: {}", list(known))
                };
                write!(
                    f,
                    "no round named '{name}'.{} ({known}; see `kamerstand round list`)",
                    did_you_mean(suggestions)
                )
            }
            R::UnknownSeq { seq, last } => write!(
                f,
                "there is no event with seq {seq} (the last is seq {last}); `kamerstand log` lists them"
            ),
            R::UnknownEventId { prefix } => write!(
                f,
                "no event has an id starting with '{prefix}'; `kamerstand log --format json` shows ids"
            ),
            R::AmbiguousEventId { prefix, seqs } => write!(
                f,
                "id prefix '{prefix}' matches {} events (seqs {}); give more digits or the seq",
                seqs.len(),
                seqs.iter()
                    .map(u64::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            R::NotCorrectable { seq, kind } => write!(
                f,
                "seq {seq} is a {kind} event, which cannot be corrected (only item events can)"
            ),
            R::NotAnEventOfItem { seq, key } => write!(
                f,
                "seq {seq} is not an event of item {key}; `kamerstand log --item {key}` lists its events"
            ),
            R::EventIdMismatch { seq, stored, given } => {
                write!(f, "seq {seq} has id {stored}, not {given}")
            }
            R::CorrectionNeedsReason => write!(f, "a correction needs a reason (--reason)"),
            R::CorrectionSuperseded { seq, key } => write!(
                f,
                "correction seq {seq} no longer applies (it was itself corrected); correct the latest correction instead (see `kamerstand show {key}`)"
            ),
            R::RetractWithReplacement => write!(
                f,
                "--retract withdraws the event; it cannot be combined with a replacement value"
            ),
            R::NoReplacement => write!(
                f,
                "give a replacement (--status, --responsible, --note, --effective) or --retract"
            ),
            R::NotReplaceable { what, kind, root } => write!(
                f,
                "{what} cannot replace anything in a {kind} event (seq {root}); use {}",
                match kind.as_str() {
                    "registration" => "--status, --responsible, --effective or --retract",
                    "status change" => "--status, --effective or --retract",
                    "assignment" => "--responsible, --effective or --retract",
                    "progress note" => "--note, --effective or --retract",
                    _ => "--retract (or amend the item again)",
                }
            ),
            R::AlreadyRetracted { root } => write!(f, "seq {root} is already retracted"),
            R::CorrectionChangesNothing { root } => write!(
                f,
                "the correction changes nothing: seq {root} already has these values"
            ),
            R::EventTooLarge { bytes, limit } => write!(
                f,
                "event of {bytes} bytes exceeds the {limit}-byte limit; shorten its texts"
            ),
            R::NothingToAppend => write!(f, "nothing to append"),
            R::StaleBatch => write!(
                f,
                "the batch was prepared against an older head; prepare it again"
            ),
            R::FromAfterTo { from, to } => write!(
                f,
                "FROM ({from}) is later than TO ({to}); give the earlier side first"
            ),
            R::EmptyLedger => write!(f, "the ledger has no events"),
            R::NotForRestore { flag } => write!(
                f,
                "{flag} does not apply to an events import: it restores the chain exactly as it was"
            ),
            R::RestoreIntoLedger { path } => write!(
                f,
                "an events import restores a whole ledger into a new or empty store, and {} already holds one; give a new path with --store",
                crate::fsutil::shown_path(path)
            ),
            R::NoEventsToRestore => write!(f, "the events file holds no events"),
            R::BadEventsLine { line, what } => write!(f, "events file, line {line}: {what}"),
            R::OutsideTree { what } => write!(f, "{what}"),
            R::SealTreeSize { size, head_seq } => write!(
                f,
                "the seal's Merkle tree covers {size} events, but the seal closes seq {head_seq}: it must cover {} events",
                head_seq + 1
            ),
            R::KeyExists { name, seq } => write!(
                f,
                "key '{name}' was registered at seq {seq}; a key is registered once, under one name"
            ),
            R::UnknownKey { name } => write!(
                f,
                "no key named '{name}' is registered; `kamerstand key list` shows those that are"
            ),
            R::RoundNotSignable { name, why } => {
                write!(f, "round '{name}' cannot be signed: {why}")
            }
            R::WrongKeyRole { name, role, needed } => write!(
                f,
                "key '{name}' is registered as a {role}; this needs a {needed} key"
            ),
            R::AlreadySigned { round, key, seq } => write!(
                f,
                "round '{round}' was signed with key '{key}' already (seq {seq}); `kamerstand round note {round}` prints the note"
            ),
            R::BadSignature { what, key } => write!(
                f,
                "the signature of {what} does not verify with the public key registered as '{key}'"
            ),
            R::NoteMismatch { what } => write!(f, "the note does not hold: {what}"),
            R::AccountExists { account } => write!(
                f,
                "account '{account}' exists already; change it with `kamerstand account change {account}`"
            ),
            R::UnknownAccount { account } => write!(
                f,
                "there is no account '{account}'; `kamerstand account list` shows those that exist"
            ),
            R::AccountUnchanged { account } => {
                write!(
                    f,
                    "the change says what account '{account}' holds already; nothing to record"
                )
            }
            R::NotAllowed {
                account,
                role,
                what,
                allowed,
                ..
            } => write!(f, "account '{account}' ({role}) may not {what}; {allowed}"),
            R::AccountDisabled { account } => write!(
                f,
                "account '{account}' is disabled and may do nothing; a beheerder can enable it again"
            ),
            R::FromServer { status, message } => {
                write!(
                    f,
                    "the server refused the request (HTTP {status}): {message}"
                )
            }
            R::ActorReserved { actor, why } => write!(
                f,
                "--actor '{actor}' is refused on this ledger: {why}; give your own name, e.g. --actor \"J. de Vries (beheer)\""
            ),
            R::DetailsUnchanged { key } => write!(
                f,
                "item {key} holds these details already; nothing to record"
            ),
            R::DetailsNotCorrectable { seq } => write!(
                f,
                "seq {seq} records an item's details, which a correction does not replace: record the right details again"
            ),
            R::BadOrder { kind, key } => write!(
                f,
                "the order of the {kind} items names {key}, which is not one of them or is named twice"
            ),
            R::SharedStore { path, mode } => write!(
                f,
                "store directory {} can be written by users other than its owner (mode {mode:04o}: {} without the sticky bit), who could plant links or files where kamerstand writes; make it private with `chmod go-w {}`, or pass --allow-shared-store if everyone who can write there is trusted",
                crate::fsutil::shown_path(path),
                match (mode & 0o020 != 0, mode & 0o002 != 0) {
                    (true, true) => "group- and world-writable",
                    (true, false) => "group-writable",
                    _ => "world-writable",
                },
                crate::fsutil::shown_path(path)
            ),
            R::FromTheFuture {
                seq,
                recorded_at,
                now,
                minutes,
            } => write!(
                f,
                "the events to restore hold seq {seq}, recorded at {}, later than this computer's clock ({}) by more than {minutes} minutes: they come from a machine whose clock ran ahead, or were edited. Restored, the ledger could not be written to until that time. Nothing was imported; import only the lines before seq {seq} if they are what you need, or check the clock",
                recorded_at.rfc3339(),
                now.rfc3339()
            ),
        }
    }
}

impl std::error::Error for Refusal {}

//! An open ledger: the library's entry point. Opening loads no state: views
//! are read from the index in sled ([`crate::ledger::index`]), and a write
//! folds only the items it touches from their events. `record` decides
//! (against those items), appends the event together with the index entries
//! it derives in one transaction, and is refused on a ledger a round seal
//! found broken.

use crate::domain::{Day, EventBody, EventId, ItemKey, ItemKind, Legend, Timestamp};
use crate::error::{Error, Refusal, Result};
use crate::ledger::{ATOMIC_EVENTS, Draft, Ledger, OpenOptions, Recorded};
use crate::projection::index::{self, Entry, Standing};
use crate::projection::view::{ChainAt, Programme, RoundCounts};
use crate::projection::{Basis, ItemState, Round, State, View, decide, natural_key};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// How many events of the histories of the items a write touches it reads
/// to check them (see `Ledger::item_in_chain`): every item's whole history
/// in a ledger of some thousands of events, or in a write on one item; an
/// annex import on a ledger of a million touches histories that are the
/// whole ledger, and reads as many of them as this allows.
const HISTORY_EVENTS: u64 = 10_000;

/// An open ledger.
#[derive(Debug)]
pub struct Workspace {
    ledger: Ledger,
    programme: Programme,
    origin: super::access::Origin,
    /// The index's registry was found to be the chain's by this process,
    /// which has written the store alone since (the server, from its
    /// start): its writes need not check it again.
    registry_checked: bool,
}

/// An item as the user named it: its id and key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemRef {
    /// Its id.
    pub id: EventId,
    /// Its key.
    pub key: ItemKey,
}

impl Workspace {
    /// Creates a new ledger with its `ledger_created` event.
    pub fn create(
        path: &Path,
        opts: OpenOptions,
        actor: &str,
        programme: String,
        title: String,
        legend: Legend,
    ) -> Result<Workspace> {
        let genesis = EventBody::LedgerCreated {
            programme,
            title,
            legend,
        };
        decide::check(
            &State::default(),
            &genesis,
            Day::of(Timestamp::from_unix_nanos(0)),
        )?;
        let ledger = Ledger::create(path, opts, actor, genesis)?;
        Workspace::from_ledger(ledger)
    }

    /// Opens a ledger.
    pub fn open(path: &Path, opts: OpenOptions) -> Result<Workspace> {
        Workspace::open_with_progress(path, opts, &super::Quiet)
    }

    /// As [`Workspace::open`], reporting to `progress` while a store an
    /// earlier version wrote gets its index or the parts of it that version
    /// lacked (once): each such step is a phase of its own. An open that
    /// builds nothing reports nothing.
    pub fn open_with_progress(
        path: &Path,
        opts: OpenOptions,
        progress: &dyn super::Progress,
    ) -> Result<Workspace> {
        let whole = opts.whole_ledger_up_to;
        let ledger = Ledger::open(path, opts)?;
        Workspace::from_ledger_checked(ledger, progress, whole)
    }

    /// The workspace of a ledger opened (or restored) by the caller.
    pub fn from_ledger(ledger: Ledger) -> Result<Workspace> {
        Workspace::from_ledger_checked(ledger, &super::Quiet, 0)
    }

    /// The workspace of `ledger`, its index built or completed first when
    /// it lacks any part (reported to `progress`); the whole chain of a
    /// ledger of at most `whole` events, its keys and its registry are
    /// checked before anything is read ([`Ledger::check_whole_chain`]),
    /// and then its whole index.
    fn from_ledger_checked(
        ledger: Ledger,
        progress: &dyn super::Progress,
        whole: u64,
    ) -> Result<Workspace> {
        let counted = |what: &str| {
            progress.phase(what, "items");
            move |done: u64, total: u64| progress.update(done, total)
        };
        not_refused(&ledger)?;
        let head = ledger.head();
        let events = head.map_or(0, |h| h.seq + 1);
        match (ledger.index_head()?, ledger.tree_size()?) {
            (h, Some(size)) if h == head && size == events => {
                // An index an earlier version wrote has no frames of the
                // rounds: they are built once.
                if !ledger.has_frames()? {
                    ledger.build_frames(&mut counted("building the rounds' frames"))?;
                }
                // Nor its versions keyed by round: written again once.
                if !ledger.has_versions_by_round()? {
                    ledger.build_versions(&mut counted("keying the versions by round"))?;
                }
                // Nor its notes apart from the other facts: moved once.
                if !ledger.has_notes_apart()? {
                    ledger.move_notes(&mut counted("moving the notes apart"))?;
                }
            }
            (None, _) | (_, None) => migrate(&ledger, progress)?,
            (h, Some(size)) if h == head => {
                return Err(Error::Corrupt {
                    seq: None,
                    what: format!(
                        "the Merkle tree covers {size} events, the ledger holds {events}; run `kamerstand verify` (and `--rebuild-index` if the chain holds)"
                    ),
                });
            }
            (Some(h), _) => {
                return Err(Error::Corrupt {
                    seq: Some(h.seq),
                    what: format!(
                        "{}; run `kamerstand verify` (and `--rebuild-index` if the chain holds)",
                        crate::ledger::index::mismatch(h, head)
                    ),
                });
            }
        }
        // Then a small ledger's whole chain (what the index says of the
        // events was checked first: the head it was written up to).
        let chain_registry = ledger.check_whole_chain(whole)?;
        if let Some(chain) = &chain_registry {
            // And the keys, accounts, orders and round signatures, which
            // decide what a write may do and no one item's history bears
            // out; this workspace's writes then keep them so.
            super::access::registry_as(chain, &ledger, "nothing is read or written over it")?;
        }
        let registry_checked = chain_registry.is_some();
        // Then its whole index, right after the chain's check, which hashed
        // every event.
        if registry_checked {
            index_as_the_events_give(&ledger)?;
        }
        let programme = match ledger.get_linked(0)?.map(|r| r.envelope.body) {
            Some(EventBody::LedgerCreated {
                programme,
                title,
                legend,
            }) => Programme {
                name: programme,
                title,
                legend,
            },
            // Every ledger starts with its creation (`verify` checks it):
            // without it the programme, title and legend every view shows
            // would be made up, and a write would extend a broken chain.
            Some(_) => {
                return Err(Error::Corrupt {
                    seq: Some(0),
                    what: "the event stored at seq 0 is not the ledger's creation; run `kamerstand verify` for details".into(),
                });
            }
            None => {
                return Err(Error::Corrupt {
                    seq: Some(0),
                    what: "no event is stored at seq 0 (the ledger's creation); run `kamerstand verify` for details".into(),
                });
            }
        };
        Ok(Workspace {
            ledger,
            programme,
            origin: super::access::Origin::Local,
            registry_checked,
        })
    }

    /// Checks the index's keys, accounts, orders and round signatures
    /// against the chain (one scan of it: [`super::access::check_registry`])
    /// and, when they agree, lets this workspace's writes rely on them
    /// without checking again: for a process that alone writes the store
    /// for as long as it runs (the server holds the store's lock).
    pub fn check_registry(&mut self) -> Result<()> {
        super::access::check_registry(
            &self.ledger,
            "the server decides every right from it, so it does not start",
        )?;
        self.registry_checked = true;
        Ok(())
    }

    /// Says where this workspace's writes come from, which decides the
    /// actor they record (see [`super::access::recorded_actor`]). A new
    /// workspace is `Local`; the server sets `SignedIn`.
    pub fn set_origin(&mut self, origin: super::access::Origin) {
        self.origin = origin;
    }

    /// Where this workspace's writes come from.
    pub fn origin(&self) -> super::access::Origin {
        self.origin
    }

    /// Leaves the writes that follow durable only at
    /// [`Workspace::make_durable`]: a group commit, where several writes,
    /// each decided against the state the ones before it left, share one
    /// fsync. Nobody may be told a write succeeded before that call did.
    pub fn defer_durability(&mut self) {
        self.ledger.defer_sync(true);
    }

    /// Makes every write since [`Workspace::defer_durability`] durable
    /// (one flush and fsync), and writes durably one by one again.
    pub fn make_durable(&mut self) -> Result<()> {
        let synced = self.ledger.sync();
        self.ledger.defer_sync(false);
        synced
    }

    /// From now on writes are decided as before, each against the ones
    /// before it, but staged rather than written: [`Workspace::end_group`]
    /// writes them all in one transaction (the server's writer). Not
    /// durable before that and a sync after it, like every deferred write.
    pub(crate) fn begin_group(&mut self) {
        self.ledger.begin_group();
    }

    /// Writes what was staged since [`Workspace::begin_group`], all or
    /// nothing, and ends the group. On an error no write of the group may
    /// be acknowledged (see [`Ledger::end_group`]).
    pub(crate) fn end_group(&mut self) -> Result<()> {
        self.ledger.end_group()
    }

    /// A handle that makes this workspace's writes durable from another
    /// thread, while this one goes on writing with durability deferred
    /// (the server's writer).
    pub(crate) fn syncer(&self) -> crate::ledger::Syncer {
        self.ledger.syncer()
    }

    /// The actor to record for `actor` from this workspace's origin.
    fn recorded_actor(&self, actor: &str, drafts: &[Draft]) -> Result<String> {
        // A signed-in actor is checked against its own account: one read,
        // not every account (the server's writer does this for each write).
        if let (super::access::Origin::SignedIn, Ok(name)) =
            (self.origin, crate::domain::AccountName::parse(actor))
        {
            return super::access::signed_in_actor(&name, self.ledger.account(&name)?.as_ref());
        }
        super::access::recorded_actor(self.origin, actor, &self.ledger.accounts()?, drafts)
    }

    /// The ledger.
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    /// The programme, its title and legend.
    pub fn programme(&self) -> &Programme {
        &self.programme
    }

    /// The legend.
    pub fn legend(&self) -> &Legend {
        &self.programme.legend
    }

    /// How many events the ledger holds.
    pub fn events(&self) -> u64 {
        self.ledger.head().map_or(0, |h| h.seq + 1)
    }

    /// The sealed rounds, oldest first.
    pub fn rounds(&self) -> Result<Vec<Round>> {
        self.ledger.rounds()
    }

    /// The round of that name (any case).
    pub fn round(&self, name: &str) -> Result<Option<Round>> {
        Ok(self
            .rounds()?
            .into_iter()
            .find(|r| r.name.eq_ignore_ascii_case(name.trim())))
    }

    /// Each sealed round up to seq `limit` (all when None) with its status
    /// counts.
    pub fn round_counts(&self, limit: Option<u64>) -> Result<RoundCounts> {
        Ok(self
            .ledger
            .round_entries()?
            .into_iter()
            .filter(|r| limit.is_none_or(|l| r.round.seq <= l))
            .map(|r| (r.round, r.counts))
            .collect())
    }

    /// The last seq a basis holds (None: no events).
    pub fn last_seq(&self, basis: &Basis) -> Result<Option<u64>> {
        Ok(match basis {
            Basis::Current => self.ledger.head().map(|h| h.seq),
            Basis::AsOf(i) => self.ledger.last_seq_at(i.at)?,
            Basis::Round(r) => Some(r.seq),
        })
    }

    /// The view on `basis` and `effective`, read from the index.
    pub fn view(&self, basis: Basis, effective: Option<Day>) -> Result<View> {
        self.view_of(basis, effective, None)
    }

    /// The views of two rounds on the latest values, as [`Workspace::view`]
    /// gives each: from their frames, where an item whose two frame values
    /// are the same bytes (it did not change in between) is decoded once.
    pub fn round_views(&self, from: Round, to: Round) -> Result<(View, View)> {
        let Some((earlier, later)) = self.ledger.frame_pair(from.seq, to.seq)? else {
            return Ok((
                self.view(Basis::Round(from), None)?,
                self.view(Basis::Round(to), None)?,
            ));
        };
        Ok((
            self.view_of(Basis::Round(from), None, Some(earlier))?,
            self.view_of(Basis::Round(to), None, Some(later))?,
        ))
    }

    /// [`Workspace::view`], with the items given when the caller has read
    /// them (a round's frame).
    fn view_of(
        &self,
        basis: Basis,
        effective: Option<Day>,
        items: Option<Vec<crate::projection::ItemView>>,
    ) -> Result<View> {
        // And so do its views (one read of a mark).
        not_refused(&self.ledger)?;
        let last = self.last_seq(&basis)?;
        let mut view = View {
            basis,
            effective,
            programme: self.programme.clone(),
            chain: ChainAt::default(),
            rounds: Vec::new(),
            items: Vec::new(),
            filter: None,
        };
        let Some(s) = last else {
            return Ok(view);
        };
        view.chain = match self.ledger.head() {
            Some(h) if h.seq == s => ChainAt {
                events: s + 1,
                head: Some(h.hash),
                last_recorded: Some(h.recorded_at),
            },
            _ => {
                // The hash a view names as its chain's: one the chain
                // still links to, not a rewrite's.
                let rec = self.ledger.get_linked(s)?.ok_or_else(|| Error::Corrupt {
                    seq: Some(s),
                    what: "no event is stored below the head; run `kamerstand verify` for details"
                        .into(),
                })?;
                ChainAt {
                    events: s + 1,
                    head: Some(rec.hash),
                    last_recorded: Some(rec.envelope.recorded_at),
                }
            }
        };
        view.rounds = self.rounds()?.into_iter().filter(|r| r.seq <= s).collect();
        // A round on the latest effective day is its frame: one range of
        // the index. Otherwise every item is read at `s`.
        let frame = match (&view.basis, effective, items) {
            (_, _, Some(items)) => Some(items),
            (Basis::Round(r), None, None) => self.ledger.frame(r.seq)?,
            // As of an instant: from the last frame before it and the
            // versions since, when that reads less.
            (_, None, None) => self.ledger.items_as_of(s)?,
            _ => None,
        };
        view.items = match frame {
            Some(items) => items,
            None => {
                let currents = self.ledger.currents()?;
                self.ledger.items_at(currents, s, effective)?
            }
        };
        // Items in the order last set for their kind (as of the view), the
        // others after them by key.
        let mut place: BTreeMap<EventId, usize> = BTreeMap::new();
        for kind in [ItemKind::Motie, ItemKind::Toezegging] {
            if let Some(order) = self.ledger.order_at(kind, s)? {
                place.extend(order.into_iter().enumerate().map(|(n, id)| (id, n)));
            }
        }
        view.items.sort_by_cached_key(|i| {
            (
                i.kind,
                place.get(&i.id).copied().unwrap_or(usize::MAX),
                natural_key(i.key.as_str()),
            )
        });
        Ok(view)
    }

    /// The item named by its key (any case), an unambiguous key prefix of
    /// 3+ characters, or an unambiguous prefix (4+ hex digits) of its id;
    /// otherwise a refusal that says what exists.
    pub fn resolve(&self, input: &str) -> Result<ItemRef> {
        let t = input.trim();
        // The item a key entry names must have that key (an item's key
        // never changes): a write is not sent to another item by a key
        // entry forged or swapped in the index.
        let found = |key: &str, id: EventId| -> Result<ItemRef> {
            let snap = self.ledger.current_of(id)?.ok_or_else(|| Error::Corrupt {
                seq: None,
                what: format!("the index has a key for item {} but no values", id.hex()),
            })?;
            if snap.item.key.folded() != key {
                return Err(Error::Corrupt {
                    seq: Some(snap.source.seq),
                    what: format!(
                        "the index disagrees with itself about key '{key}': its key entry names item {}, whose latest snapshot has key '{}'; run `kamerstand verify` for details",
                        id.hex(),
                        snap.item.key
                    ),
                });
            }
            // And the chain agrees: the item's registration (hash-checked
            // and linked) is of this item under this key, so that no read
            // or write is sent to another item by key entries and
            // snapshots swapped together, on a ledger of any size.
            let seq = snap.item.registered_seq;
            let registered = self.ledger.get_linked(seq)?.map(|r| r.envelope);
            let under = match &registered {
                Some(e) if e.id == id => match &e.body {
                    EventBody::ItemRegistered { key: k, .. } => Some(k),
                    _ => None,
                },
                _ => None,
            };
            if under.is_none_or(|k| k.folded() != key) {
                return Err(Error::Corrupt {
                    seq: Some(seq),
                    what: format!(
                        "the index names item {} for key '{key}', but the chain's event at seq {seq}, where the index says it was registered, {}; run `kamerstand verify` for details",
                        id.hex(),
                        match (&registered, under) {
                            (None, _) => "is missing".to_string(),
                            (Some(_), Some(k)) => format!("registered it under key '{k}'"),
                            (Some(_), None) => "is not its registration".to_string(),
                        }
                    ),
                });
            }
            Ok(ItemRef {
                id,
                key: snap.item.key,
            })
        };
        let folded = t.to_ascii_lowercase();
        if let Some(id) = self.ledger.item_by_key(t)? {
            return found(&folded, id);
        }
        if folded.len() >= 3
            && let [(key, id)] = self.ledger.keys_with_prefix(&folded)?.as_slice()
        {
            return found(key, *id);
        }
        let hex: String = t
            .chars()
            .filter(|c| *c != '-')
            .collect::<String>()
            .to_ascii_lowercase();
        if hex.len() >= 4 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
            let mut matches = Vec::new();
            for snap in self.ledger.current() {
                let snap = snap?;
                if snap.item.id.hex().starts_with(&hex) {
                    matches.push(snap.item);
                }
            }
            match matches.as_slice() {
                [one] => {
                    return Ok(ItemRef {
                        id: one.id,
                        key: one.key.clone(),
                    });
                }
                [] => {}
                many => {
                    return Err(Refusal::AmbiguousItem {
                        input: t.to_string(),
                        count: many.len(),
                        examples: many
                            .iter()
                            .take(5)
                            .map(|i| format!("{} ({})", i.key, i.id.hex()))
                            .collect(),
                    }
                    .into());
                }
            }
        }
        let keys: Vec<String> = self
            .ledger
            .current()
            .map(|r| r.map(|s| s.item.key.to_string()))
            .collect::<Result<_>>()?;
        // An item the index of items holds under this very key, which the
        // index of keys does not know, is damage to the index: not input
        // to refuse with the key itself as a suggestion.
        if keys.iter().any(|k| k.eq_ignore_ascii_case(t)) {
            return Err(Error::Corrupt {
                seq: None,
                what: format!(
                    "item {} is in the index of items (ix_current) but not in the index of keys (ix_keys); run `kamerstand verify` (and `--rebuild-index` if the chain holds)",
                    crate::domain::text::shorten(t, 60)
                ),
            });
        }
        Err(Refusal::UnknownItem {
            input: crate::domain::text::shorten(t, 60),
            suggestions: crate::domain::text::closest(t, keys.iter().map(String::as_str), 3),
        }
        .into())
    }

    /// The item with its whole history up to and including seq `upto` (the
    /// head when None), folded from its events.
    pub fn item_state(&self, id: EventId, upto: Option<u64>) -> Result<Option<ItemState>> {
        let upto = upto.or(self.ledger.head().map(|h| h.seq)).unwrap_or(0);
        let mut state = State::default();
        for rec in self.ledger.item_events(id, upto)? {
            state.apply(&rec);
        }
        Ok(state.items.remove(&id))
    }

    /// The events recorded about item `id` at or after seq `boundary` and
    /// up to `upto` (the head when None), its registration left out, as its
    /// timeline up to `upto` shows them: what a diff lists under an item,
    /// read without the item's history before `boundary`.
    pub fn events_since(
        &self,
        id: EventId,
        boundary: u64,
        upto: Option<u64>,
    ) -> Result<Vec<crate::projection::TimelineEntry>> {
        let Some(upto) = upto.or(self.ledger.head().map(|h| h.seq)) else {
            return Ok(Vec::new());
        };
        self.ledger.item_events_since(id, boundary, upto)
    }

    /// Every item's key, by id.
    pub fn keys(&self) -> Result<BTreeMap<EventId, String>> {
        self.ledger
            .current()
            .map(|r| r.map(|s| (s.item.id, s.item.key.to_string())))
            .collect()
    }

    /// True if an item has this key (any case).
    pub fn key_taken(&self, key: &str) -> Result<bool> {
        Ok(self.ledger.item_by_key(key)?.is_some())
    }

    /// `day`, or today when none was given: how every command fills in an
    /// effective date the clerk left out.
    pub fn day_or_today(&mut self, day: Option<Day>) -> Day {
        match day {
            Some(d) => d,
            None => self.today(),
        }
    }

    /// Today on the ledger's clock, in Dutch local time: the default
    /// effective date.
    pub fn today(&mut self) -> Day {
        Day::in_amsterdam(self.ledger.now())
    }

    /// Now on the ledger's clock.
    pub fn now(&mut self) -> Timestamp {
        self.ledger.now()
    }

    /// A fresh id for a draft (see [`Ledger::new_id`]).
    pub fn new_id(&mut self) -> EventId {
        self.ledger.new_id()
    }

    /// The state a write is decided against: the programme, the rounds,
    /// the chain's head, and only the items the drafts touch (with the one
    /// holding a key a registration asks for): those of `standings` as
    /// they stand in, the others each folded whole.
    fn focus(&self, drafts: &[Draft], standings: &BTreeMap<EventId, Standing>) -> Result<State> {
        let mut ids: BTreeSet<EventId> = BTreeSet::new();
        // Every item's key by its latest snapshot, read once when a key to
        // be registered is not in the key index: a key entry missing from
        // the index (deleted, or stored under another case) must not let a
        // second item take a key, which the chain would then hold for good.
        let mut by_snapshot: Option<BTreeMap<String, EventId>> = None;
        for d in drafts {
            match &d.body {
                EventBody::ItemRegistered { key, .. } => {
                    if let Some(id) = self.ledger.item_by_key(key.as_str())? {
                        ids.insert(id);
                        continue;
                    }
                    if by_snapshot.is_none() {
                        by_snapshot = Some(
                            self.ledger
                                .current()
                                .map(|r| r.map(|s| (s.item.key.folded(), s.item.id)))
                                .collect::<Result<_>>()?,
                        );
                    }
                    if let Some(id) = by_snapshot.as_ref().and_then(|m| m.get(&key.folded())) {
                        ids.insert(*id);
                    }
                }
                body => {
                    if let Some(id) = body.item(d.id) {
                        ids.insert(id);
                    }
                }
            }
        }
        let head = self.ledger.head();
        let mut state = State::default();
        state.programme.clone_from(&self.programme.name);
        state.title.clone_from(&self.programme.title);
        state.legend = head.is_some().then(|| self.programme.legend.clone());
        state.rounds = self.rounds()?;
        let registry = self.ledger.registry()?;
        // A key, an account or a round's signature is recorded only where
        // the index says there is none yet, and an account is changed only
        // where it says there is one: an entry deleted from the index (or
        // planted in it) must not let the chain hold a second one for good.
        // So these writes check the index's registry against the chain
        // first (one scan of it), unless this process did so when it
        // started and has written the store alone since.
        if !self.registry_checked
            && drafts.iter().any(|d| {
                matches!(
                    d.body,
                    EventBody::KeyRegistered { .. }
                        | EventBody::AccountCreated { .. }
                        | EventBody::AccountChanged { .. }
                        | EventBody::RoundSigned { .. }
                )
            })
        {
            let chain = super::access::registry_from_chain(&self.ledger)?;
            if let Some((seq, what)) = super::access::registry_difference(&chain, &registry) {
                return Err(Error::Corrupt {
                    seq,
                    what: format!(
                        "{what}; a write decided on it could record what the chain does not allow, so nothing is written: run `kamerstand verify` (and `--rebuild-index` if the chain holds)"
                    ),
                });
            }
        }
        state.signing_keys = registry.keys;
        state.accounts = registry.accounts;
        state.orders = registry.orders;
        state.signatures = registry.signatures;
        state.events = self.events();
        state.head = head.map(|h| h.hash);
        state.last_recorded = head.map(|h| h.recorded_at);
        // The items the batch only gives statuses, parties, notes and
        // amendments stand in as the index has them; the rest are folded.
        for st in standings.values() {
            state.insert_item(st.stand_in());
        }
        for id in ids.into_iter().filter(|id| !standings.contains_key(id)) {
            if let Some(it) = self.item_state(id, None)? {
                state.insert_item(it);
            }
        }
        // An order is checked against every item's kind (and names them
        // by key).
        if drafts
            .iter()
            .any(|d| matches!(d.body, EventBody::ItemsOrdered { .. }))
        {
            for snap in self.ledger.current() {
                let item = snap?.item;
                state
                    .item_kinds
                    .entry(item.id)
                    .or_insert((item.kind, item.key.to_string()));
            }
        }
        Ok(state)
    }

    /// Refuses writes to a ledger a round seal found broken; before a seal,
    /// checks the whole chain and index and refuses (for good) on a break.
    fn guard(&mut self, drafts: &[Draft]) -> Result<()> {
        // A long-running process (the server) opened the ledger before a
        // seal found it broken: its writes stop as a new process's would.
        not_refused(&self.ledger)?;
        if drafts.iter().any(|d| d.body.seal().is_some()) {
            // The check reads sled as it is: a group's staged writes are
            // written first.
            self.ledger.write_group()?;
            let what = match super::verify::verify_ledger(
                &self.ledger,
                None,
                super::verify::Rebuild::No,
                &super::Quiet,
            ) {
                Ok(found) => match (found.chain.first_break, found.derived) {
                    (Some(b), _) => Some(format!("the chain breaks at {b}")),
                    // A trace of a cut chain first: no seal over it.
                    (None, Some(ix)) => match ix.after_head {
                        Some(named) => Some(cut_trace(named, self.ledger.head().map(|h| h.seq))),
                        None => ix.first_difference.map(|d| {
                            format!(
                                "the index differs from the events in {}{}{}: {}",
                                d.tree,
                                d.item
                                    .map(|i| format!(", item {}", i.hex()))
                                    .unwrap_or_default(),
                                d.seq.map(|s| format!(", seq {s}")).unwrap_or_default(),
                                d.what
                            )
                        }),
                    },
                    (None, None) => None,
                },
                // Damage the check could not read past refuses as a break does.
                Err(Error::Corrupt { seq, what }) => Some(match seq {
                    Some(seq) => format!("{what} (seq {seq})"),
                    None => what,
                }),
                Err(e) => return Err(e),
            };
            if let Some(what) = what {
                self.ledger.refuse_writes(&what)?;
                return Err(Error::Corrupt {
                    seq: None,
                    what: format!(
                        "the round was not sealed: {what}. Nothing more is recorded in this ledger; run `kamerstand verify` for details and restore it from a backup"
                    ),
                });
            }
        }
        Ok(())
    }

    /// Checks each event of a prepared batch against `state` as the events
    /// before it left it, applying it, and returns the index entries they
    /// write.
    fn check_and_index(
        &self,
        state: &mut State,
        standings: &mut BTreeMap<EventId, Standing>,
        records: &[Recorded],
        today: Day,
        keep: bool,
    ) -> Result<Entries> {
        let mut out = Entries::default();
        for rec in records {
            let entries = &mut out.all;
            // An item the index stands in for: decided on its standing,
            // its entries derived from it (see `standings`).
            if let Some(st) = rec.item().and_then(|id| standings.get_mut(&id)) {
                state.insert_item(st.stand_in());
                decide::check(state, &rec.envelope.body, today)?;
                let round = state.rounds.last().map_or(0, |r| r.seq);
                entries.extend(st.advance(rec, round));
                state.apply(rec);
                out.ended(keep);
                continue;
            }
            decide::check(state, &rec.envelope.body, today)?;
            let item = rec.item();
            let before = item
                .and_then(|id| state.items.get(&id))
                .and_then(|it| {
                    index::touched_root(it, &rec.envelope.body).map(|r| index::facts_of(it, r))
                })
                .unwrap_or_default();
            // The round the event falls in (an item event is no seal).
            let round = state.rounds.last().map_or(0, |r| r.seq);
            state.apply(rec);
            if let Some(after) = item.and_then(|id| state.items.get(&id)) {
                entries.extend(index::item_entries(&before, after, rec, round));
            }
            entries.extend(index::registry_entry(state, rec));
            if rec.envelope.body.seal().is_some()
                && let Some(round) = state.rounds.last()
            {
                let statuses = self.statuses_with(state, standings)?;
                entries.push(index::round_entry(
                    rec,
                    round,
                    state.legend.as_ref().unwrap_or(&self.programme.legend),
                    statuses.values().map(String::as_str),
                ));
                let frame = self.frame_with(entries)?;
                entries.extend(index::frame_entries(rec.envelope.seq, frame));
            }
            out.ended(keep);
        }
        Ok(out)
    }

    /// Every item's `current` value as it stands after the entries of a
    /// batch so far (`written`, in order: the last one per item wins over
    /// the stored one): what a round seal's frame holds.
    fn frame_with(&self, written: &[Entry]) -> Result<BTreeMap<EventId, Vec<u8>>> {
        let mut out = BTreeMap::new();
        for r in self.ledger.current_values() {
            let (id, value) = r?;
            out.insert(id, value);
        }
        for e in written.iter().filter(|e| e.tree == index::Tree::Current) {
            if let Ok(id) = <[u8; 16]>::try_from(e.key.as_slice()) {
                out.insert(EventId(id), e.value.clone());
            }
        }
        Ok(out)
    }

    /// The status of every existing item now, the items in `state` as it
    /// has them (a batch may have changed them), those of `standings` as
    /// their snapshots after the batch's writes have them, the others as
    /// the index has them.
    fn statuses_with(
        &self,
        state: &State,
        standings: &BTreeMap<EventId, Standing>,
    ) -> Result<BTreeMap<EventId, String>> {
        let mut out = BTreeMap::new();
        for snap in self.ledger.current() {
            let snap = snap?;
            if !snap.item.withdrawn {
                out.insert(snap.item.id, snap.item.status);
            }
        }
        for it in state.items.values() {
            if it.exists_on(None) {
                out.insert(it.id, it.status().to_string());
            } else {
                out.remove(&it.id);
            }
        }
        // A stand-in holds the statuses in force on its write's day, not
        // the latest.
        for (id, st) in standings {
            if st.current.item.withdrawn {
                out.remove(id);
            } else {
                out.insert(*id, st.current.item.status.clone());
            }
        }
        Ok(out)
    }

    /// Checks, appends durably (with its index entries) one event.
    pub fn record(&mut self, actor: &str, body: EventBody) -> Result<Recorded> {
        let id = self.new_id();
        let mut out = self.record_batch(actor, vec![Draft { id, body }])?;
        out.pop().ok_or_else(|| Refusal::NothingToAppend.into())
    }

    /// Checks every draft against the state as it will be after the drafts
    /// before it, then appends them all atomically: all or nothing. A
    /// batch of more than [`ATOMIC_EVENTS`] events is all decided first,
    /// keeping nothing, so that a refusal anywhere in it writes nothing;
    /// then it is written in parts of that many, each decided again
    /// against the ledger the parts before it left, its index entries
    /// derived and written before the next part's are (so that they are
    /// never all held at once), each part a whole ledger, all with the
    /// batch's one recorded time.
    pub fn record_batch(&mut self, actor: &str, drafts: Vec<Draft>) -> Result<Vec<Recorded>> {
        self.guard(&drafts)?;
        let actor = self.recorded_actor(actor, &drafts)?;
        let today = self.today();
        if drafts.len() <= ATOMIC_EVENTS || self.ledger.grouping() {
            let (prepared, entries) = self.decide_and_index(&actor, drafts, today, (true, None))?;
            return self.ledger.commit(prepared, entries.all, &entries.ends);
        }
        let (checked, _) = self.decide_and_index(&actor, drafts.clone(), today, (false, None))?;
        let at = checked.records().first().map(|r| r.envelope.recorded_at);
        drop(checked);
        let mut out = Vec::with_capacity(drafts.len());
        let mut rest = drafts;
        while !rest.is_empty() {
            let later = rest.split_off(ATOMIC_EVENTS.min(rest.len()));
            let (prepared, entries) = self.decide_and_index(&actor, rest, today, (true, at))?;
            out.extend(self.ledger.commit(prepared, entries.all, &entries.ends)?);
            rest = later;
        }
        Ok(out)
    }

    /// Prepares a batch, checks every event and derives its index entries:
    /// from the items' standings in the index where the batch allows (see
    /// [`Standing`] and `standings`), else by folding the items it
    /// touches.
    /// Without `keep` (a dry run, a check before a batch is written in
    /// parts) the entries are derived and let go of event by event, so
    /// that none is held (none is written); with `at`, the events are
    /// recorded at that time (see [`Workspace::record_batch`]).
    fn decide_and_index(
        &mut self,
        actor: &str,
        drafts: Vec<Draft>,
        today: Day,
        (keep, at): (bool, Option<Timestamp>),
    ) -> Result<(crate::ledger::Prepared, Entries)> {
        // The parts of a batch written in parts were checked, histories
        // and all, when the whole batch was decided first.
        let history = if at.is_some() { 0 } else { HISTORY_EVENTS };
        let (mut standings, all) = self.standings(&drafts, history)?;
        if all {
            // What decide asks of the state for such a batch: the legend
            // and the items it touches (no rounds, keys or accounts). The
            // legend is lent to it, not copied, and given back whatever
            // the outcome.
            let mut state = State::default();
            state.legend = Some(std::mem::replace(
                &mut self.programme.legend,
                Legend {
                    entries: Vec::new(),
                },
            ));
            let decided = (|| {
                let prepared = self.ledger.prepare_at(actor, drafts, at)?;
                let mut entries = Entries::default();
                // Such a batch seals no round: its events fall in the last.
                let round = self.ledger.last_round_seq()?;
                for rec in prepared.records() {
                    // Every event of such a batch has its item's standing.
                    let standing = rec.item().and_then(|id| standings.get_mut(&id));
                    if let Some(st) = &standing {
                        state.insert_item(st.stand_in());
                    }
                    decide::check(&state, &rec.envelope.body, today)?;
                    if let Some(st) = standing {
                        entries.all.extend(st.advance(rec, round));
                        // No other write of such a batch asks about it:
                        // its next write stands it in again.
                        state.items.remove(&st.current.item.id);
                    }
                    entries.ended(keep);
                }
                Ok((prepared, entries))
            })();
            if let Some(legend) = state.legend.take() {
                self.programme.legend = legend;
            }
            return decided;
        }
        let mut state = self.focus(&drafts, &standings)?;
        let prepared = self.ledger.prepare_at(actor, drafts, at)?;
        let entries =
            self.check_and_index(&mut state, &mut standings, prepared.records(), today, keep)?;
        Ok((prepared, entries))
    }

    /// The standings of the items a batch writes only status changes,
    /// changes of responsible, notes and amendments about, at most one
    /// status change and one change of responsible per item (each read on
    /// its own day; a note or an amendment reads no facts), so that a
    /// batch about many items with long histories (an annex's import on a
    /// large ledger) folds none of them; and whether every event of the
    /// batch is such a write. An item any other event names (a
    /// correction, details) is folded, and so is one about which a batch
    /// changes the status or the parties twice.
    ///
    /// Before, every item it touches is checked against the chain (see
    /// `Ledger::item_in_chain`), with up to `history` events of their
    /// histories read.
    fn standings(
        &self,
        drafts: &[Draft],
        mut history: u64,
    ) -> Result<(BTreeMap<EventId, Standing>, bool)> {
        // Per item the days of its status change and change of
        // responsible; None: folded.
        type Days = Option<(Option<Day>, Option<Day>)>;
        let mut wants: BTreeMap<EventId, Days> = BTreeMap::new();
        let mut all = true;
        for d in drafts {
            let (item, status, parties) = match &d.body {
                EventBody::StatusChanged {
                    item, effective, ..
                } => (*item, Some(*effective), None),
                EventBody::ResponsibilityChanged {
                    item, effective, ..
                } => (*item, None, Some(*effective)),
                EventBody::ProgressNoted { item, .. } | EventBody::ItemAmended { item, .. } => {
                    (*item, None, None)
                }
                body => {
                    all = false;
                    if let Some(item) = body.item(d.id) {
                        wants.insert(item, None);
                    }
                    continue;
                }
            };
            let days = wants.entry(item).or_insert(Some((None, None)));
            match days {
                Some((s, p))
                    if !(status.is_some() && s.is_some() || parties.is_some() && p.is_some()) =>
                {
                    *s = s.or(status);
                    *p = p.or(parties);
                }
                _ => {
                    *days = None;
                    all = false;
                }
            }
        }
        let mut out = BTreeMap::new();
        let alone = wants.len() == 1;
        for (item, days) in wants {
            // An unknown item is refused by the fold's decide.
            let Some(current) = self.ledger.current_of(item)? else {
                all = false;
                continue;
            };
            // Nothing is written over an item the chain does not bear out:
            // the write would go on from its snapshot (or, folded, from
            // what the index says the item is called), and its own entries
            // would take the place of what was found. Each item's history
            // is read and held to its entries here as far as `history`
            // allows (a folded one is read again by the fold).
            self.ledger
                .item_in_chain(&current, &self.programme.legend, &mut history, alone)?;
            let Some((status_day, parties_day)) = days else {
                continue;
            };
            out.insert(
                item,
                self.ledger.standing(current, status_day, parties_day)?,
            );
        }
        Ok((out, all))
    }

    /// Appends events without deciding them or writing the index, which is
    /// marked as being built (no view reads it) until [`Workspace::reindex`]:
    /// for the benchmark generator, which writes a million events this way
    /// and the index once.
    #[cfg(any(test, feature = "bench"))]
    pub(crate) fn append_unindexed(
        &mut self,
        actor: &str,
        drafts: Vec<Draft>,
    ) -> Result<Vec<Recorded>> {
        if self.ledger.index_head()?.is_some() {
            self.ledger.begin_index()?;
        }
        self.ledger.append_batch(actor, drafts)
    }

    /// Appends stop maintaining the Merkle tree, for the benchmark that
    /// measures what it costs (see `Ledger::stop_tree`); on a copy only.
    #[cfg(any(test, feature = "bench"))]
    pub fn without_tree(&mut self) {
        self.ledger.stop_tree();
    }

    /// Builds the index from the events (see [`Ledger::build_index`]).
    pub fn reindex(&mut self, progress: &mut dyn FnMut(u64, u64)) -> Result<()> {
        match self.ledger.build_index(progress)? {
            None => Ok(()),
            Some(b) => Err(Error::Corrupt {
                seq: Some(b.seq),
                what: format!("the index was not built: the chain breaks at {b}"),
            }),
        }
    }

    /// Checks a batch exactly as [`Workspace::record_batch`] would and
    /// returns the events it would append. Writes nothing.
    pub fn dry_run(&mut self, actor: &str, drafts: Vec<Draft>) -> Result<Vec<Recorded>> {
        let actor = self.recorded_actor(actor, &drafts)?;
        let today = self.today();
        let (prepared, _) = self.decide_and_index(&actor, drafts, today, (false, None))?;
        Ok(prepared.records().to_vec())
    }
}

/// The index entries a batch derives, in the order of its events:
/// `ends[i]` is the number of entries of events `0..=i`, so that a large
/// batch can be written in parts that each end after a whole event.
#[derive(Debug, Default)]
struct Entries {
    all: Vec<Entry>,
    ends: Vec<usize>,
}

impl Entries {
    /// Marks the end of an event's entries; without `keep`, lets them go.
    fn ended(&mut self, keep: bool) {
        if !keep {
            self.all.clear();
        }
        self.ends.push(self.all.len());
    }
}

/// Gives a store an earlier version wrote its index: the chain is checked
/// first (an index is built only from a chain that holds), then the index is
/// built, and the checkpoint files that version kept are removed.
fn migrate(ledger: &Ledger, progress: &dyn super::Progress) -> Result<()> {
    let found = super::verify::verify_ledger(ledger, None, super::verify::Rebuild::No, progress)?;
    if let Some(b) = found.chain.first_break {
        return Err(Error::Corrupt {
            seq: Some(b.seq),
            what: format!(
                "this store has no index yet, and one is built only from a chain that holds; the chain breaks at {b}. Run `kamerstand verify` for details"
            ),
        });
    }
    // Not over a trace of events cut off the chain (see
    // `Ledger::index_after_head`, which the check looked for): an index an
    // earlier version wrote, or one whose building was interrupted, names
    // none.
    if let Some(trace) = found.derived.and_then(|ix| ix.after_head) {
        return Err(Error::Corrupt {
            seq: Some(trace.seq),
            what: cut_trace(trace, ledger.head().map(|h| h.seq)),
        });
    }
    progress.phase("indexing the ledger", "items");
    if let Some(b) = ledger.build_index(&mut |done, total| progress.update(done, total))? {
        return Err(Error::Corrupt {
            seq: Some(b.seq),
            what: format!(
                "this store has no index yet, and one is built only from a chain that holds; the chain breaks at {b}. Run `kamerstand verify` for details"
            ),
        });
    }
    ledger.remove_legacy_checkpoints()
}

/// What a trace of events cut off the chain is, for a refusal: the index
/// names seq `named.seq`, after the chain's last event (`head`), or by
/// another hash than the chain's event there has.
pub(crate) fn cut_trace(named: crate::ledger::index::Trace, head: Option<u64>) -> String {
    if named.rewritten {
        return format!(
            "the index names seq {} (in {}) by another hash than the chain's event there has: events may have been cut off the end of the chain and others recorded in their place, and the index is not built again over that trace. Check the chain against a published round digest (`kamerstand verify --digest DIGEST`) and restore from a copy if events are missing; `kamerstand verify --rebuild-index --discard-trace` builds it all the same",
            named.seq, named.tree
        );
    }
    format!(
        "the index names seq {} (in {}), after the chain's last event ({}): events may have been cut off the end of the chain, and the index is not built again over that trace. Check the head against a published round digest (`kamerstand verify --digest DIGEST`) and restore from a copy if events are missing; `kamerstand verify --rebuild-index --discard-trace` builds it all the same",
        named.seq,
        named.tree,
        head.map_or("there is none".into(), |h| format!("seq {h}"))
    )
}

/// Refuses a ledger whose index is not what its events give, compared
/// whole as `verify` compares it (for a small ledger, at open, right after
/// its chain was checked whole): the first
/// entry that differs, a trace of a cut chain, or an event that breaks a
/// rule of recording about its item.
fn index_as_the_events_give(ledger: &Ledger) -> Result<()> {
    let report = ledger.check_index_after_chain()?;
    let refused = |seq: Option<u64>, what: String| Error::Corrupt {
        seq,
        what: format!(
            "{what}; nothing is read or written over it (a ledger this small is compared with its events whole at every open): run `kamerstand verify` (and `--rebuild-index` if the chain holds)"
        ),
    };
    if let Some(t) = report.after_head {
        return Err(refused(
            Some(t.seq),
            format!(
                "{} names seq {}{}: a trace of events cut off the end of the chain",
                t.tree,
                t.seq,
                if t.rewritten {
                    " by another hash than the chain's event there"
                } else {
                    ", after the chain's last event"
                }
            ),
        ));
    }
    if let Some(b) = report.rule_broken {
        return Err(refused(Some(b.seq), format!("the chain breaks at {b}")));
    }
    match report.first_difference {
        None => Ok(()),
        Some(d) => Err(refused(
            d.seq,
            format!(
                "the index differs from the events in {}{}{}: {}",
                d.tree,
                d.item
                    .map_or(String::new(), |id| format!(", item {}", id.hex())),
                d.seq.map_or(String::new(), |s| format!(", seq {s}")),
                d.what
            ),
        )),
    }
}

/// Refuses a ledger a round seal found broken (`meta` `seal-refused`): it
/// is neither read nor written until it is restored or its index rebuilt.
fn not_refused(ledger: &Ledger) -> Result<()> {
    match ledger.seal_refused()? {
        None => Ok(()),
        Some(what) => Err(Error::Corrupt {
            seq: None,
            what: format!(
                "a round seal found this ledger broken ({what}); it is neither read nor written until it is restored from a backup, or, when only the index differs from the events, `kamerstand verify --rebuild-index` rebuilds it. `kamerstand verify` says where it breaks"
            ),
        }),
    }
}

//! The index changes how fast a view is read, never what it shows: views
//! read from the index equal views from a full replay of the events at every
//! seq, every round and random effective days, cards included; `verify`
//! rebuilds the index from the events and finds it equal. Derived data never
//! outranks the chain: a forged index entry, a forged index mark and a
//! damaged early event are refused by reads and writes or reported by
//! `verify` naming the tree, item and seq, and a round seal refuses to seal
//! over them (and writes stop); a forged frame of a round is reported
//! naming the item and the round's seal. A store an earlier version wrote,
//! with checkpoint files beside sled, gets its index once and loses the
//! files; one whose index has no frames of its rounds gets them once.

use crate::common::{TestEnv, raw};
use kamerstand::Workspace;
use kamerstand::domain::{
    Day, EventBody, EventId, Instant, ItemKey, ItemKind, Legend, Replacement, Responsible,
};
use kamerstand::ledger::{OpenOptions, TestClock};
use kamerstand::projection::{Basis, State, View};
use kamerstand::report::{self, Format};
use std::path::Path;
use std::time::Duration;

fn options(clock: TestClock) -> OpenOptions {
    OpenOptions {
        wait: Duration::from_secs(10),
        clock: Box::new(clock),
        ..OpenOptions::default()
    }
}

/// "niet-vermeld" among them: it never overrides a stated status, which
/// the index's writes must follow as the fold does.
const STATUSES: [&str; 6] = [
    "invulling",
    "in-uitvoering",
    "doorlopend",
    "vertraagd",
    "niet-begonnen",
    "niet-vermeld",
];
const PARTIES: [&str; 4] = ["SOCW", "MJenV", "MOCW en SOCW", "SSZW"];

/// A random history of `n` attempted steps of every kind (refused ones are
/// skipped), with back-dated changes, corrections of every sort and seals.
fn history(path: &Path, seed: u64, n: usize) -> Workspace {
    history_of(path, seed, n, usize::MAX)
}

/// The same with at most `most` items: once they are registered, a step
/// that would register another changes a status instead, so that each
/// item's facts, versions and events fill the index's groups and blocks
/// and split them.
fn history_of(path: &Path, seed: u64, n: usize, most: usize) -> Workspace {
    let clock = TestClock::new(
        kamerstand::domain::Timestamp::from_unix_nanos(1_736_154_000_000_000_000),
        3_600_000_000_000,
    );
    let mut ws = Workspace::create(
        path,
        options(clock),
        "test",
        "NAP".into(),
        "Stand van zaken".into(),
        Legend::nap(),
    )
    .unwrap();
    let mut rng = Rng::new(seed);
    let mut items: Vec<EventId> = Vec::new();
    let mut kinds: std::collections::BTreeMap<EventId, ItemKind> = Default::default();
    // (seq, id, item) of every event about an item.
    let mut targets: Vec<(u64, EventId, EventId)> = Vec::new();
    let mut rounds = 0;
    for step in 0..n {
        let today = ws.today();
        let day =
            |rng: &mut Rng| -> Day { today.plus_days(-i64::try_from(rng.below(200)).unwrap_or(0)) };
        let pick = |rng: &mut Rng, items: &[EventId]| items[rng.index(items.len())];
        let kind = match rng.below(116) {
            _ if items.is_empty() => 0,
            k @ 0..=9 if items.len() >= most => 10 + k,
            k => k,
        };
        let body = match kind {
            0..=9 => EventBody::ItemRegistered {
                kind: if rng.below(3) == 0 {
                    ItemKind::Toezegging
                } else {
                    ItemKind::Motie
                },
                key: ItemKey::parse(&format!("K{step}")).unwrap(),
                text: format!("Item {step}."),
                submitters: vec![],
                citations: vec![],
                responsible: if rng.below(4) == 0 {
                    Responsible::none()
                } else {
                    Responsible::parse(PARTIES[rng.index(PARTIES.len())]).unwrap()
                },
                status: STATUSES[rng.index(STATUSES.len())].into(),
                effective: day(&mut rng),
            },
            10..=34 => EventBody::StatusChanged {
                item: pick(&mut rng, &items),
                status: STATUSES[rng.index(STATUSES.len())].into(),
                reason: None,
                effective: day(&mut rng),
            },
            35..=49 => EventBody::ResponsibilityChanged {
                item: pick(&mut rng, &items),
                responsible: Responsible::parse(PARTIES[rng.index(PARTIES.len())]).unwrap(),
                reason: None,
                effective: day(&mut rng),
            },
            50..=69 => EventBody::ProgressNoted {
                item: pick(&mut rng, &items),
                text: format!("Voortgang {step}."),
                citations: vec![],
                effective: day(&mut rng),
            },
            70..=74 => EventBody::ItemAmended {
                item: pick(&mut rng, &items),
                text: Some(format!("Tekst {step}.")),
                citations: None,
                submitters: None,
                reason: None,
            },
            75..=79 => {
                rounds += 1;
                let head = ws.ledger().head().unwrap();
                // Both seal versions: a ledger may hold either.
                if kind % 2 == 0 {
                    EventBody::RoundSealedV2 {
                        name: format!("ronde-{rounds}"),
                        title: format!("Ronde {rounds}"),
                        reported_on: today,
                        head_seq: head.seq,
                        head_hash: head.hash,
                        tree_size: head.seq + 1,
                        tree_root: kamerstand::domain::EventHash::GENESIS,
                    }
                } else {
                    EventBody::RoundSealed {
                        name: format!("ronde-{rounds}"),
                        title: format!("Ronde {rounds}"),
                        reported_on: today,
                        head_seq: head.seq,
                        head_hash: head.hash,
                    }
                }
            }
            100..=104 => EventBody::ItemDetailed {
                item: pick(&mut rng, &items),
                deadline: Some(day(&mut rng).plus_days(300)),
                made_on: (rng.below(2) == 0).then(|| day(&mut rng)),
                made_in: (rng.below(2) == 0)
                    .then(|| format!("Handelingen II 2024/25, nr. {step}, item 3")),
                previous_responsible: (rng.below(3) == 0)
                    .then(|| Responsible::parse(PARTIES[rng.index(PARTIES.len())]).unwrap()),
                reason: None,
            },
            105..=110 => {
                // Some items of one kind, in a random order.
                let kind = if rng.below(2) == 0 {
                    ItemKind::Motie
                } else {
                    ItemKind::Toezegging
                };
                let mut order: Vec<EventId> = items
                    .iter()
                    .copied()
                    .filter(|id| kinds.get(id) == Some(&kind))
                    .collect();
                for i in (1..order.len()).rev() {
                    order.swap(i, rng.index(i + 1));
                }
                order.truncate(1 + rng.index(order.len().max(1)));
                EventBody::ItemsOrdered { kind, order }
            }
            111 => EventBody::KeyRegistered {
                name: kamerstand::domain::KeyName::parse(&format!("sleutel-{step}.example/nap"))
                    .unwrap(),
                role: kamerstand::domain::KeyRole::Signer,
                public_key: kamerstand::domain::PublicKey([u8::try_from(step % 250).unwrap(); 32]),
            },
            112..=113 => EventBody::AccountCreated {
                account: kamerstand::domain::AccountName::parse(&format!("clerk{step}")).unwrap(),
                display_name: format!("Klerk {step}"),
                role: kamerstand::domain::AccountRole::Medewerker,
                ministries: vec!["OCW".into()],
            },
            _ if targets.is_empty() => continue,
            _ => {
                let (seq, id, item) = targets[rng.index(targets.len())];
                let replacement = match rng.below(5) {
                    0 => Replacement {
                        retract: true,
                        ..Replacement::default()
                    },
                    1 => Replacement {
                        effective: Some(day(&mut rng)),
                        ..Replacement::default()
                    },
                    2 => Replacement {
                        status: Some(STATUSES[rng.index(STATUSES.len())].into()),
                        ..Replacement::default()
                    },
                    3 => Replacement {
                        responsible: Some(
                            Responsible::parse(PARTIES[rng.index(PARTIES.len())]).unwrap(),
                        ),
                        ..Replacement::default()
                    },
                    _ => Replacement {
                        note: Some(format!("Verbeterd {step}.")),
                        ..Replacement::default()
                    },
                };
                EventBody::Corrected {
                    target_seq: seq,
                    target_id: id,
                    item,
                    reason: "fout".into(),
                    replacement,
                }
            }
        };
        if let Ok(rec) = ws.record("test", body) {
            if let Some(item) = rec.item()
                && !matches!(rec.envelope.body, EventBody::ItemDetailed { .. })
            {
                targets.push((rec.envelope.seq, rec.envelope.id, item));
            }
            if let EventBody::ItemRegistered { kind, .. } = rec.envelope.body {
                items.push(rec.envelope.id);
                kinds.insert(rec.envelope.id, kind);
            }
        }
    }
    ws
}

/// Every item's card in `view`, as `show --format json` renders it, from
/// the item's history folded up to the view.
fn cards(ws: &Workspace, view: &View) -> Vec<String> {
    view.items
        .iter()
        .map(|i| {
            let it = ws.item_state(i.id, view.last_seq()).unwrap().unwrap();
            report::show(view, &it, Format::Json)
        })
        .collect()
}

/// The same cards from a replayed state.
fn replayed_cards(state: &State, view: &View) -> Vec<String> {
    view.items
        .iter()
        .map(|i| report::show(view, &state.items[&i.id], Format::Json))
        .collect()
}

#[test]
fn views_from_the_index_equal_a_full_replay_at_every_seq_round_and_day() {
    for seed in [1, 2, 3] {
        let _ = views_equal_a_replay(seed, 160, usize::MAX);
    }
}

/// The same on histories of three items, each with some hundred events:
/// their facts of one kind, their versions of a round and their events
/// fill the index's groups (eight to an entry) and item blocks (64) many
/// times over, and back-dated facts and corrections land inside full ones.
#[test]
fn views_from_the_index_equal_a_full_replay_where_few_items_fill_the_groups() {
    for seed in [11, 12] {
        let env = views_equal_a_replay(seed, 420, 3);
        // The groups were filled and split: most facts and versions share
        // an entry with others, and some item's events span item blocks
        // (of 64 seqs, docs/format.md).
        let (facts, versions, blocks) = raw::edit(&env, |r| {
            let share = |t: &str| (r.entries(t).len(), r.tree(t).len());
            let mut per_item = std::collections::BTreeMap::<Vec<u8>, usize>::new();
            for (item, _) in r.index_pairs() {
                *per_item.entry(item).or_default() += 1;
            }
            (
                share("ix_facts"),
                share("ix_versions"),
                (per_item.values().max().copied(), r.by_item.len()),
            )
        });
        assert!(facts.0 > 4 * facts.1, "seed {seed}: facts {facts:?}");
        assert!(
            versions.0 > 2 * versions.1,
            "seed {seed}: versions {versions:?}"
        );
        assert!(
            blocks.0 > Some(64) && blocks.1 > 3,
            "seed {seed}: item blocks {blocks:?}"
        );
    }
}

/// Views from the index at every seq (as of each event's instant, on the
/// latest day and on random effective days), every round's frame and view,
/// every diff of two rounds and the rounds' counts equal those of a full
/// replay, and `verify`'s rebuild of the index finds it equal; for a
/// history of `steps` steps and at most `most` items. Gives the store back,
/// closed.
fn views_equal_a_replay(seed: u64, steps: usize, most: usize) -> TestEnv {
    let env = TestEnv::new();
    let ws = history_of(&env.store, seed, steps, most);
    let events: Vec<_> = ws.ledger().events().map(Result::unwrap).collect();
    let head = events.len() as u64 - 1;
    assert!(head > 60, "seed {seed}: only {head} events were accepted");
    let corrections = events
        .iter()
        .filter(|e| matches!(e.envelope.body, EventBody::Corrected { .. }))
        .count();
    assert!(corrections >= 5, "seed {seed}: {corrections} corrections");
    for kind in ["item_detailed", "items_ordered", "account_created"] {
        assert!(
            events.iter().any(|e| e.envelope.body.kind_name() == kind),
            "seed {seed}: no {kind}"
        );
    }
    let today = Day::of(events.last().unwrap().envelope.recorded_at);
    let mut rng = Rng::new(seed);
    let mut compared = 0;
    // Instants before the first seal, after one, at the head.
    let mut seen = [0; 3];
    for seq in 0..=head {
        // Every event has its own recorded time: as of it, the view
        // holds the events up to it.
        let at = events[usize::try_from(seq).unwrap()].envelope.recorded_at;
        let basis = Basis::AsOf(Instant::parse("t", &at.rfc3339()).unwrap());
        let mut state = State::default();
        for e in &events[..=usize::try_from(seq).unwrap()] {
            state.apply(e);
        }
        for effective in [
            None,
            Some(today.plus_days(-i64::try_from(rng.below(220)).unwrap())),
            Some(today.plus_days(30)),
        ] {
            let got = ws.view(basis.clone(), effective).unwrap();
            let want = View::from_state(&state, basis.clone(), effective);
            assert_eq!(got, want, "seed {seed}, seq {seq}, effective {effective:?}");
            assert_eq!(
                cards(&ws, &got),
                replayed_cards(&state, &want),
                "seed {seed}, seq {seq}, effective {effective:?}"
            );
            compared += got.items.len();
        }
        // As of the instant, from the frame of the last round sealed
        // by then and the versions since (before the first seal: the
        // versions alone), whichever path the view chose.
        let mut want = View::from_state(&state, basis.clone(), None).items;
        want.sort_by_key(|i| i.id);
        let got = ws.ledger().items_from_frame(seq).unwrap().unwrap();
        assert_eq!(got, want, "seed {seed}, seq {seq}: from the frame");
        let sealed = rounds_by(&events, seq);
        seen[usize::from(sealed > 0) + usize::from(seq == head)] += 1;
    }
    // The frame path was held to instants before the first seal, after
    // one, and at the head.
    assert!(seen.iter().all(|n| *n > 0), "seed {seed}: {seen:?}");
    assert!(compared > 1000, "{compared}");
    let rounds = ws.rounds().unwrap();
    assert!(rounds.len() >= 2, "seed {seed}: {} rounds", rounds.len());
    // Every round has its frame (the seal wrote it), and a view of the
    // round on the latest day is read from it.
    assert!(ws.ledger().has_frames().unwrap());
    for r in &rounds {
        let frame = ws.ledger().frame(r.seq).unwrap().unwrap();
        let mut want = View::replay(
            events.iter().cloned().map(Ok),
            Basis::Round(r.clone()),
            None,
        )
        .unwrap()
        .items;
        want.sort_by_key(|i| i.id);
        assert_eq!(frame, want, "seed {seed}: frame of round {}", r.name);
    }
    // A diff of every two rounds (both read from frames) equals the
    // diff of two replayed views.
    for (i, a) in rounds.iter().enumerate() {
        for b in &rounds[i..] {
            let got = kamerstand::app::diff::compare(
                &ws,
                &kamerstand::app::diff::Side::Round(a.name.clone()),
                &kamerstand::app::diff::Side::Round(b.name.clone()),
                true,
                true,
            )
            .unwrap();
            let replayed = |r: &kamerstand::projection::Round| {
                View::replay(
                    events.iter().cloned().map(Ok),
                    Basis::Round(r.clone()),
                    None,
                )
                .unwrap()
            };
            let (from, to) = (replayed(a), replayed(b));
            assert_eq!(got.from, from, "seed {seed}: {} to {}", a.name, b.name);
            assert_eq!(got.to, to, "seed {seed}: {} to {}", a.name, b.name);
            let mut want = kamerstand::projection::diff::diff(&from, &to, true);
            let upto = to.last_seq();
            let mut state = State::default();
            for e in events.iter().take_while(|e| Some(e.envelope.seq) <= upto) {
                state.apply(e);
            }
            want.list_events(&mut |id| {
                Ok::<_, std::convert::Infallible>(
                    state
                        .items
                        .get(&id)
                        .map(|it| kamerstand::projection::diff::events_since(it, from.chain.events))
                        .unwrap_or_default(),
                )
            })
            .unwrap();
            assert_eq!(got.diff, want, "seed {seed}: {} to {}", a.name, b.name);
        }
    }
    for r in rounds {
        for effective in [
            None,
            Some(today.plus_days(-i64::try_from(rng.below(220)).unwrap())),
        ] {
            let got = ws.view(Basis::Round(r.clone()), effective).unwrap();
            let want = View::replay(
                events.iter().cloned().map(Ok),
                Basis::Round(r.clone()),
                effective,
            )
            .unwrap();
            assert_eq!(got, want, "round {} effective {effective:?}", r.name);
        }
    }
    // The rounds' status counts (the annex chart) equal a replay's.
    let counts = ws.round_counts(None).unwrap();
    let want =
        kamerstand::projection::view::round_counts(events.iter().cloned().map(Ok), None).unwrap();
    assert_eq!(counts, want, "seed {seed}");
    // verify rebuilds the index from the events and finds it equal.
    let report = ws.ledger().check_index(&mut |_, _| {}).unwrap();
    assert!(report.ok(), "seed {seed}: {report:?}");
    assert!(report.entries > head, "{report:?}");
    drop(ws);
    env
}

/// The events a diff lists under an item, read from the events in between
/// and the index, equal those of the item's whole history folded, for
/// every later side, every item and boundaries before, at and after its
/// registration, at each round's seal and at random: status changes and
/// reassignments name what was in force before them, corrections their
/// root (across the boundary too) and the corrections that named them.
#[test]
fn a_diffs_events_read_from_the_index_equal_those_of_the_items_folded_history() {
    use kamerstand::projection::Change;
    for seed in [4, 5, 6] {
        let env = TestEnv::new();
        let ws = history(&env.store, seed, 160);
        let events: Vec<_> = ws.ledger().events().map(Result::unwrap).collect();
        let seals: Vec<u64> = ws.rounds().unwrap().iter().map(|r| r.seq).collect();
        let mut rng = Rng::new(seed);
        let mut state = State::default();
        // Entries compared, and those of corrections whose target is an
        // earlier correction before the boundary.
        let (mut compared, mut rooted_before) = (0, 0);
        for e in &events {
            state.apply(e);
            let upto = e.envelope.seq;
            for it in state.items.values() {
                let mut boundaries = vec![
                    0,
                    it.registered_seq,
                    it.registered_seq + 1,
                    rng.below(upto + 2),
                    upto,
                    upto + 1,
                ];
                boundaries.extend(seals.iter().map(|s| s + 1).filter(|s| *s <= upto));
                for b in boundaries {
                    let want = kamerstand::projection::diff::events_since(it, b);
                    let got = ws.events_since(it.id, b, Some(upto)).unwrap();
                    assert_eq!(
                        got, want,
                        "seed {seed}, item {}, from {b} to {upto}",
                        it.key
                    );
                    compared += got.len();
                    rooted_before += got
                        .iter()
                        .filter(|t| {
                            matches!(t.change, Change::Corrected { target_seq, root_seq, .. }
                                if target_seq < b && root_seq != target_seq)
                        })
                        .count();
                }
            }
        }
        assert!(compared > 10_000, "seed {seed}: {compared} entries");
        assert!(
            rooted_before > 0,
            "seed {seed}: no correction of a correction across a boundary"
        );
    }
}

/// Batches about many items (as an annex's import makes: a status change,
/// a change of responsible, notes and amendments per item, in any order)
/// are decided on the items' standings in the index and derive their
/// entries from them, the items they also correct or detail, or change the
/// status of twice, folded; new items and seals among them. Each batch is
/// accepted or refused as deciding its events one by one on a full replay
/// would, with the same refusal; what it writes rebuilds equal from the
/// events (`verify`), and views and the rounds' counts equal a replay's.
#[test]
fn batches_decided_on_the_items_standings_match_a_fold_of_the_whole_ledger() {
    use kamerstand::ledger::Draft;
    use kamerstand::projection::decide;
    // Batches refused because a registration asked for the key of an item
    // the batch stands in for.
    let mut taken = 0;
    for seed in [7, 8, 9] {
        let env = TestEnv::new();
        let mut ws = history(&env.store, seed, 120);
        let mut rng = Rng::new(seed);
        let (mut accepted, mut refused) = (0, 0);
        for batch in 0..40 {
            let events: Vec<_> = ws.ledger().events().map(Result::unwrap).collect();
            let mut state = State::replay(&events);
            let items: Vec<EventId> = state
                .items
                .values()
                .filter(|it| !it.withdrawn)
                .map(|it| it.id)
                .collect();
            let today = ws.today();
            let day = |rng: &mut Rng| today.plus_days(-i64::try_from(rng.below(200)).unwrap());
            let mut drafts = Vec::new();
            for _ in 0..1 + rng.below(6) {
                let item = items[rng.index(items.len())];
                let it = &state.items[&item];
                // Most kinds once, in a random order; now and then one
                // that has the item folded, or a write that changes nothing.
                let mut kinds: Vec<u64> = (0..4).filter(|_| rng.below(3) > 0).collect();
                if rng.below(6) == 0 {
                    kinds.push(4 + rng.below(3));
                }
                for i in (1..kinds.len()).rev() {
                    kinds.swap(i, rng.index(i + 1));
                }
                for k in kinds {
                    let body = match k {
                        0 => EventBody::StatusChanged {
                            item,
                            status: STATUSES[rng.index(STATUSES.len() - 1)].into(),
                            reason: None,
                            effective: day(&mut rng),
                        },
                        1 => EventBody::ResponsibilityChanged {
                            item,
                            responsible: Responsible::parse(PARTIES[rng.index(PARTIES.len())])
                                .unwrap(),
                            reason: None,
                            effective: day(&mut rng),
                        },
                        2 => match it.latest_note().filter(|_| rng.below(5) == 0) {
                            // The latest note again: refused.
                            Some(n) => EventBody::ProgressNoted {
                                item,
                                text: n.text.clone(),
                                citations: n.citations.clone(),
                                effective: n.effective,
                            },
                            None => EventBody::ProgressNoted {
                                item,
                                text: format!("Stand {batch}-{}.", rng.below(3)),
                                citations: vec![],
                                effective: day(&mut rng),
                            },
                        },
                        3 => EventBody::ItemAmended {
                            item,
                            text: Some(format!("Tekst {}.", rng.below(4))),
                            citations: None,
                            submitters: None,
                            reason: None,
                        },
                        4 => EventBody::StatusChanged {
                            item,
                            status: STATUSES[rng.index(STATUSES.len() - 1)].into(),
                            reason: None,
                            effective: day(&mut rng),
                        },
                        5 => EventBody::ItemDetailed {
                            item,
                            deadline: Some(day(&mut rng).plus_days(400)),
                            made_on: None,
                            made_in: None,
                            previous_responsible: None,
                            reason: None,
                        },
                        _ => {
                            let (seq, id) = it.timeline.last().map(|e| (e.seq, e.id)).unwrap();
                            EventBody::Corrected {
                                target_seq: seq,
                                target_id: id,
                                item,
                                reason: "fout".into(),
                                replacement: Replacement {
                                    effective: Some(day(&mut rng)),
                                    ..Replacement::default()
                                },
                            }
                        }
                    };
                    drafts.push(Draft {
                        id: ws.new_id(),
                        body,
                    });
                }
            }
            if rng.below(4) == 0 {
                // Now and then under the key of an item the batch writes
                // about (refused: the key is taken); first or last.
                let key = match drafts.first().and_then(|d| d.body.item(d.id)) {
                    Some(item) if rng.below(3) == 0 => state.items[&item].key.to_string(),
                    _ => format!("B{batch}"),
                };
                let at = if rng.below(2) == 0 { 0 } else { drafts.len() };
                drafts.insert(
                    at,
                    Draft {
                        id: ws.new_id(),
                        body: EventBody::ItemRegistered {
                            kind: ItemKind::Motie,
                            key: ItemKey::parse(&key).unwrap(),
                            text: format!("Nieuw {batch}."),
                            submitters: vec![],
                            citations: vec![],
                            responsible: Responsible::none(),
                            status: STATUSES[0].into(),
                            effective: day(&mut rng),
                        },
                    },
                );
            }
            if rng.below(5) == 0 {
                let head = ws.ledger().head().unwrap();
                drafts.push(Draft {
                    id: ws.new_id(),
                    body: EventBody::RoundSealed {
                        name: format!("partij-{batch}"),
                        title: format!("Partij {batch}"),
                        reported_on: today,
                        head_seq: head.seq + drafts.len() as u64,
                        head_hash: head.hash,
                    },
                });
            }
            // The oracle: each event decided on the replay so far, then
            // applied to it (a seal names the head before it, as the
            // ledger fills it in).
            let expected = drafts.iter().try_for_each(|d| {
                let mut body = d.body.clone();
                if let EventBody::RoundSealed {
                    head_seq,
                    head_hash,
                    ..
                } = &mut body
                {
                    *head_seq = state.events - 1;
                    *head_hash = state.head.unwrap();
                }
                decide::check(&state, &body, today)?;
                let rec = kamerstand::ledger::Recorded {
                    envelope: kamerstand::ledger::Envelope {
                        format: kamerstand::ledger::FORMAT_VERSION,
                        seq: state.events,
                        id: d.id,
                        recorded_at: state.last_recorded.unwrap(),
                        actor: "test".into(),
                        prev: kamerstand::domain::EventHash::GENESIS,
                        body,
                    },
                    hash: kamerstand::domain::EventHash(
                        [u8::try_from(state.events % 251).unwrap(); 32],
                    ),
                };
                state.apply(&rec);
                Ok::<_, kamerstand::Error>(())
            });
            let got = ws.record_batch("test", drafts.clone());
            match (&expected, &got) {
                (Ok(()), Ok(recs)) => {
                    accepted += 1;
                    assert_eq!(recs.len(), drafts.len());
                }
                (Err(want), Err(e)) => {
                    refused += 1;
                    taken += usize::from(matches!(
                        want,
                        kamerstand::Error::Refused(kamerstand::Refusal::DuplicateKey { .. })
                    ));
                    assert_eq!(
                        e.to_string(),
                        want.to_string(),
                        "seed {seed}, batch {batch}"
                    );
                }
                _ => panic!(
                    "seed {seed}, batch {batch}: the replay says {expected:?}, the batch {:?}",
                    got.map(|r| r.len())
                ),
            }
        }
        assert!(
            accepted > 5 && refused > 3,
            "seed {seed}: {accepted} accepted, {refused} refused"
        );
        let events: Vec<_> = ws.ledger().events().map(Result::unwrap).collect();
        let report = ws.ledger().check_index(&mut |_, _| {}).unwrap();
        assert!(report.ok(), "seed {seed}: {report:?}");
        let want = View::replay(events.iter().cloned().map(Ok), Basis::Current, None).unwrap();
        assert_eq!(ws.view(Basis::Current, None).unwrap(), want, "seed {seed}");
        let counts = ws.round_counts(None).unwrap();
        let want = kamerstand::projection::view::round_counts(events.iter().cloned().map(Ok), None)
            .unwrap();
        assert_eq!(counts, want, "seed {seed}");
    }
    assert!(taken > 0, "no registration asked for a stood-in item's key");
}

/// The rounds sealed at or before `seq`.
fn rounds_by(events: &[kamerstand::ledger::Recorded], seq: u64) -> usize {
    events
        .iter()
        .take_while(|e| e.envelope.seq <= seq)
        .filter(|e| e.envelope.body.seal().is_some())
        .count()
}

/// A small ledger with a round, as the CLI writes it.
fn sealed_ledger() -> TestEnv {
    let env = TestEnv::init();
    env.add_m1_and_t1(&["--responsible", "SOCW"]);
    for n in 0..6 {
        env.run(&[
            "note",
            "M1",
            &format!("Stand {n}."),
            "--effective",
            "2024-02-01",
        ])
        .ok();
    }
    env.run(&["round", "seal", "r1", "--reported-on", "2024-03-01"])
        .ok();
    env.run(&["status", "T1", "vertraagd", "--effective", "2024-03-05"])
        .ok();
    env
}

/// The key of item `key`'s entry in the `ix_current` tree.
fn item_id(env: &TestEnv, key: &str) -> String {
    env.id_of(key)
}

#[test]
fn a_forged_index_entry_is_reported_by_verify_and_refused_by_a_seal_and_later_writes() {
    let env = sealed_ledger();
    let id = item_id(&env, "M1");
    // A forger rewrites M1's status in the index (not the chain).
    raw::edit(&env, |r| {
        let t = r.tree("ix_current");
        let key = raw::hex_bytes(&id);
        let v = t.get(&key).unwrap().unwrap().to_vec();
        let forged = replace(&v, b"in-uitvoering", b"doorlopend\0\0\0");
        t.insert(key, forged).unwrap();
    });
    let out = env.run(&["verify"]);
    out.expect_code(1);
    assert!(
        out.stdout.starts_with(&format!(
            "AFWIJKENDE indexvermelding in ix_current, item {id}, gebeurtenis 8: "
        )),
        "{}",
        out.stdout
    );
    let out = env.run(&["--lang", "en", "verify"]);
    out.expect_code(1);
    assert!(
        out.stdout.starts_with(&format!(
            "BAD index entry in ix_current, item {id}, seq 8: "
        )),
        "{}",
        out.stdout
    );
    // A seal verifies first: it refuses, and from then on writes do too.
    let out = env.run(&["round", "seal", "r2"]);
    out.expect_code(1);
    assert!(
        out.stderr.contains("the round was not sealed"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("ix_current"), "{}", out.stderr);
    let out = env.run(&["note", "T1", "Verder."]);
    out.expect_code(1);
    assert!(
        out.stderr.contains("a round seal found this ledger broken"),
        "{}",
        out.stderr
    );
    let out = env.run(&["overview"]);
    out.expect_code(1);
    assert_eq!(out.stdout, "");
    // `verify --rebuild-index` puts the index back from the events (the
    // chain holds), and with it the ledger.
    env.run(&["verify", "--rebuild-index"]).ok();
    env.run(&["verify"]).ok();
    assert_eq!(
        env.json(&["round", "list"])["rounds"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        crate::common::item(&env.json(&["overview"]), "M1")["status"]["slug"],
        "in-uitvoering"
    );
    env.run(&["note", "T1", "Verder."]).ok();
}

#[test]
fn derived_data_naming_events_the_chain_lacks_is_a_trace_of_a_cut_that_is_never_rebuilt_over() {
    let env = sealed_ledger();
    let last = env.head().unwrap().seq;
    // A forger cuts the last event (T1's status) off the chain, sets the
    // head and even the index's mark back, but leaves what else was
    // derived from it: the Merkle tree and T1's latest snapshot name it.
    raw::edit(&env, |r| {
        r.truncate_after(last - 1);
        r.set_head_to(last - 1);
        r.meta.insert("index", r.head()).unwrap();
    });
    let trace = format!(
        "TRACE OF A CUT CHAIN: the index names seq {last} (in merkle), after the chain's last event (seq {})",
        last - 1
    );
    for args in [&["verify"][..], &["verify", "--rebuild-index"], &["verify"]] {
        let mut full = vec!["--lang", "en"];
        full.extend_from_slice(args);
        let out = env.run(&full);
        out.expect_code(1);
        assert!(out.stdout.starts_with(&trace), "{args:?}: {}", out.stdout);
        assert!(
            out.stdout
                .contains("(reads serve the index; it is not rebuilt over the trace above)"),
            "{}",
            out.stdout
        );
    }
    let out = env.run(&["verify"]);
    out.expect_code(1);
    assert!(
        out.stdout.starts_with(&format!(
            "SPOOR VAN EEN INGEKORTE KETEN: de index noemt gebeurtenis {last} (in merkle)"
        )),
        "{}",
        out.stdout
    );
    let out = env.run(&["--format", "json", "verify", "--rebuild-index"]);
    out.expect_code(1);
    let j = out.json();
    assert_eq!(j["index"]["after_head"]["seq"], last);
    assert_eq!(j["index"]["after_head"]["tree"], "merkle");
    assert_eq!(j["index"]["rebuilt"], false);
    // Nothing reads or writes over it.
    env.run(&["overview"]).expect_code(1);
    env.run(&["note", "T1", "Verder."]).expect_code(1);
    assert_eq!(env.head().unwrap().seq, last - 1);
    // Nor does an open build a new index over it when the mark is gone.
    raw::edit(&env, |r| {
        r.meta.remove("index").unwrap();
    });
    env.run(&["--lang", "en", "overview"]).refusal(
        1,
        "overview",
        &[&format!(
            "the index names seq {last} (in merkle), after the chain's last event (seq {})",
            last - 1
        )],
    );
    // The trace is discarded only when asked for by name; the index is
    // then built from the shorter chain, which only a published digest
    // tells from the real one (tests/tamper.rs).
    env.run(&["verify", "--discard-trace"]).expect_code(2);
    let out = env.run(&[
        "--lang",
        "en",
        "verify",
        "--rebuild-index",
        "--discard-trace",
    ]);
    out.ok();
    assert!(
        out.stdout.starts_with(&format!(
            "TRACE OF A CUT CHAIN DISCARDED: the index named seq {last} (in merkle), after the chain's last event (seq {})",
            last - 1
        )),
        "{}",
        out.stdout
    );
    env.run(&["verify"]).ok();
    env.run(&["overview"]).ok();
    env.run(&["note", "T1", "Verder."]).ok();
}

#[test]
fn a_round_seal_refuses_an_index_that_names_an_event_after_the_head() {
    use kamerstand::ledger::codec;
    use kamerstand::projection::index::Snapshot;
    let env = sealed_ledger();
    // What the reads and writes of a ledger over the limit of the whole
    // index's check at open do (a smaller one refuses the forgery there).
    env.as_if_larger();
    let head = env.head().unwrap().seq;
    let t1 = raw::hex_bytes(&item_id(&env, "T1"));
    // T1's latest snapshot made to name an event far after the head: the
    // marks and the Merkle tree still match, so reads open the store.
    raw::edit(&env, |r| {
        let t = r.tree("ix_current");
        let mut snap: Snapshot = codec::decode_value(&t.get(&t1).unwrap().unwrap()).unwrap();
        snap.source.seq = 99;
        t.insert(&t1, codec::encode_value(&snap).unwrap()).unwrap();
    });
    env.run(&["overview"]).ok();
    env.run(&["--lang", "en", "round", "seal", "r2"])
        .refusal(1, "round seal", &[&format!(
            "the round was not sealed: the index names seq 99 (in ix_current), after the chain's last event (seq {head})"
        )]);
    assert_eq!(env.head().unwrap().seq, head);
    // Found broken by the seal: nothing more is read or written, and the
    // index is rebuilt over the trace only when asked to discard it.
    env.run(&["overview"]).expect_code(1);
    env.run(&["verify", "--rebuild-index"]).expect_code(1);
    env.run(&["overview"]).expect_code(1);
    env.run(&["verify", "--rebuild-index", "--discard-trace"])
        .ok();
    env.run(&["round", "seal", "r2"]).ok();
}

#[test]
fn a_key_entry_forged_in_the_index_neither_misdirects_a_write_nor_lets_a_key_be_taken_twice() {
    let env = sealed_ledger();
    // What a write checks of a key entry on a ledger too large for its
    // chain and keys to be checked at every open.
    env.as_if_larger();
    let (m1, t1) = (item_id(&env, "M1"), item_id(&env, "T1"));
    let head = env.head().unwrap().seq;
    // The entries of keys m1 and t1 swapped: a note meant for M1 would go
    // to T1.
    raw::edit(&env, |r| {
        let t = r.tree("ix_keys");
        let (a, b) = (t.get("m1").unwrap().unwrap(), t.get("t1").unwrap().unwrap());
        t.insert("m1", b).unwrap();
        t.insert("t1", a).unwrap();
    });
    env.run(&["--lang", "en", "note", "M1", "Voor M1."])
        .refusal(1, "note", &[&format!(
            "the index disagrees with itself about key 'm1': its key entry names item {t1}, whose latest snapshot has key 'T1'"
        )]);
    assert_eq!(env.head().unwrap().seq, head);
    // verify names the item and the event that gave it the key.
    let out = env.run(&["--lang", "en", "verify"]);
    out.expect_code(1);
    assert!(
        out.stdout
            .starts_with(&format!("BAD index entry in ix_keys, item {m1}, seq 1: ")),
        "{}",
        out.stdout
    );
    env.run(&["verify", "--rebuild-index"]).ok();
    // The entry of key m1 gone: M1 keeps its key all the same.
    raw::edit(&env, |r| {
        r.tree("ix_keys").remove("m1").unwrap();
    });
    env.run(&[
        "--lang",
        "en",
        "item",
        "add",
        "--kind",
        "motie",
        "--text",
        "Een tweede.",
        "--key",
        "m1",
    ])
    .refusal(2, "item add", &["already used by motie M1"]);
    assert_eq!(env.head().unwrap().seq, head);
    let out = env.run(&["--lang", "en", "verify"]);
    out.expect_code(1);
    assert!(
        out.stdout.starts_with(&format!(
            "BAD index entry in ix_keys, item {m1}, seq 1: an entry the events give is missing"
        )),
        "{}",
        out.stdout
    );
}

#[test]
fn a_group_of_entries_that_cannot_be_read_is_reported_by_verify_naming_item_and_seq() {
    let env = sealed_ledger();
    let m1 = item_id(&env, "M1");
    for (day, status) in [(4, "vertraagd"), (5, "in-uitvoering"), (6, "vertraagd")] {
        let day = format!("2024-03-{day:02}");
        env.run(&["status", "M1", status, "--effective", &day]).ok();
    }
    // Two of M1's statuses in one group of ix_facts swapped: a group whose
    // entries do not ascend.
    let swapped = raw::edit(&env, |r| {
        let t = r.tree("ix_facts");
        let prefix = raw::hex_bytes(&m1);
        let (k, v) = t
            .scan_prefix(&prefix)
            .map(Result::unwrap)
            .max_by_key(|(_, v)| v.len())
            .unwrap();
        // A group's value is its entries one after the other: each the
        // rest of its key (after the item and kind), a 4-byte length and
        // the value. The second and third change places.
        let rest = k.len() - 17;
        let mut parts = Vec::new();
        let mut at = 0;
        while at < v.len() {
            let len = u32::from_be_bytes(v[at + rest..at + rest + 4].try_into().unwrap()) as usize;
            parts.push(v[at..at + rest + 4 + len].to_vec());
            at += rest + 4 + len;
        }
        if parts.len() < 3 {
            return false;
        }
        parts.swap(1, 2);
        t.insert(k, parts.concat()).unwrap();
        true
    });
    assert!(swapped, "M1's statuses are grouped");
    let out = env.run(&["--lang", "en", "verify"]);
    out.expect_code(1);
    assert!(
        out.stdout
            .starts_with(&format!("BAD index entry in ix_facts, item {m1}, seq ")),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains(": the stored entry cannot be read: the index's ix_facts entry"),
        "{}",
        out.stdout
    );
    // The chain's own line follows: the chain holds.
    assert!(out.stdout.contains("\nok: "), "{}", out.stdout);
    env.run(&["verify", "--rebuild-index"]).ok();
    env.run(&["verify"]).ok();
}

#[test]
fn a_forged_frame_entry_is_reported_by_verify_naming_item_and_round_seal() {
    let env = sealed_ledger();
    // What the reads and writes of a ledger over the limit of the whole
    // index's check at open do (a smaller one refuses the forgery there).
    env.as_if_larger();
    let id = item_id(&env, "M1");
    let seal = env.json(&["round", "list"])["rounds"][0]["seq"]
        .as_u64()
        .unwrap();
    // What a round view shows before the forgery (read from the frame).
    let before = env.json(&["overview", "--round", "r1"]);
    assert_eq!(
        crate::common::item(&before, "M1")["status"]["slug"],
        "in-uitvoering"
    );
    // A forger rewrites M1's status in round r1's frame only.
    raw::edit(&env, |r| {
        let mut key = seal.to_be_bytes().to_vec();
        key.extend(raw::hex_bytes(&id));
        let mut frames = r.entries("ix_frames");
        for (k, v) in &mut frames {
            if *k == key {
                *v = replace(v, b"in-uitvoering", b"doorlopend\0\0\0");
            }
        }
        r.set_entries("ix_frames", &frames);
    });
    // Reads trust the index (docs/format.md): the round view serves it.
    let forged = env.json(&["overview", "--round", "r1"]);
    assert_ne!(
        crate::common::item(&forged, "M1")["status"]["slug"],
        "in-uitvoering"
    );
    let out = env.run(&["--lang", "en", "verify"]);
    out.expect_code(1);
    assert!(
        out.stdout.starts_with(&format!(
            "BAD index entry in ix_frames, item {id}, seq {seal}: "
        )),
        "{}",
        out.stdout
    );
    // A seal verifies first and refuses.
    let out = env.run(&["round", "seal", "r2"]);
    out.expect_code(1);
    assert!(out.stderr.contains("ix_frames"), "{}", out.stderr);
    env.run(&["verify", "--rebuild-index"]).ok();
    env.run(&["verify"]).ok();
    assert_eq!(
        env.json(&["overview", "--round", "r1"])["items"],
        before["items"]
    );
    // A frame entry of an item that is not in the round is extra.
    raw::edit(&env, |r| {
        let mut key = (seal - 1).to_be_bytes().to_vec();
        key.extend(raw::hex_bytes(&id));
        let mut frames = r.entries("ix_frames");
        frames.insert(0, (key, b"x".to_vec()));
        r.set_entries("ix_frames", &frames);
    });
    let out = env.run(&["--lang", "en", "verify"]);
    out.expect_code(1);
    assert!(
        out.stdout.starts_with(&format!(
            "BAD index entry in ix_frames, item {id}, seq {}: ",
            seal - 1
        )),
        "{}",
        out.stdout
    );
}

#[test]
fn frames_swapped_between_items_or_missing_are_reported_naming_item_and_round_seal() {
    // `verify` compares each round's frame entries as running digests
    // (per run of items); a difference there is named entry by entry.
    let env = sealed_ledger();
    let seal = env.json(&["round", "list"])["rounds"][0]["seq"]
        .as_u64()
        .unwrap();
    let mut ids = [item_id(&env, "M1"), item_id(&env, "T1")];
    ids.sort();
    let key = |id: &str| {
        let mut k = seal.to_be_bytes().to_vec();
        k.extend(raw::hex_bytes(id));
        k
    };
    // The two items' entries of round r1 swapped: as many entries, the
    // same values, each under the other item's key.
    raw::edit(&env, |r| {
        let mut frames = r.entries("ix_frames");
        let at = |k: Vec<u8>| frames.iter().position(|(f, _)| *f == k).unwrap();
        let (a, b) = (at(key(&ids[0])), at(key(&ids[1])));
        let value = frames[a].1.clone();
        frames[a].1 = frames[b].1.clone();
        frames[b].1 = value;
        r.set_entries("ix_frames", &frames);
    });
    let out = env.run(&["--lang", "en", "verify"]);
    out.expect_code(1);
    assert!(
        out.stdout.starts_with(&format!(
            "BAD index entry in ix_frames, item {}, seq {seal}: the entry differs",
            ids[0]
        )),
        "{}",
        out.stdout
    );
    env.run(&["verify", "--rebuild-index"]).ok();
    env.run(&["verify"]).ok();
    // The later item's entry removed.
    raw::edit(&env, |r| {
        let mut frames = r.entries("ix_frames");
        frames.retain(|(k, _)| *k != key(&ids[1]));
        r.set_entries("ix_frames", &frames);
    });
    let out = env.run(&["--lang", "en", "verify"]);
    out.expect_code(1);
    assert!(
        out.stdout.starts_with(&format!(
            "BAD index entry in ix_frames, item {}, seq {seal}: an entry the events give is missing",
            ids[1]
        )),
        "{}",
        out.stdout
    );
}

#[test]
fn a_store_whose_index_has_no_frames_gets_them_once_at_open() {
    let env = sealed_ledger();
    let seal = env.json(&["round", "list"])["rounds"][0]["seq"]
        .as_u64()
        .unwrap();
    let before = env.json(&["overview", "--round", "r1"]);
    let diff = env.json(&["diff", "r1", "now"]);
    // What an earlier version wrote: an index without frames or their mark.
    let (frames, entries) = raw::edit(&env, |r| {
        let n = (r.entries("ix_frames").len(), r.tree("ix_frames").len());
        r.tree("ix_frames").clear().unwrap();
        r.meta.remove("frames").unwrap();
        n
    });
    assert_eq!(frames, 2, "one frame per item of round r1");
    assert_eq!(entries, 1, "the seal wrote both frames in one entry");
    // verify does not compare frames the index does not have yet, and
    // says so.
    let out = env.run(&["--lang", "en", "verify"]);
    out.ok();
    assert!(
        out.stdout
            .contains("\nnot compared: ix_frames (not built yet in this store;"),
        "{}",
        out.stdout
    );
    assert_eq!(
        env.json(&["verify"])["index"]["not_compared"],
        serde_json::json!(["ix_frames"])
    );
    // The next open builds them, and views read them.
    assert_eq!(
        env.json(&["overview", "--round", "r1"])["items"],
        before["items"]
    );
    let (frames, entries, marked, first) = raw::edit(&env, |r| {
        let t = r.tree("ix_frames");
        let first = t.first().unwrap().map(|(k, _)| k.to_vec());
        (
            r.entries("ix_frames").len(),
            t.len(),
            r.meta.contains_key("frames").unwrap(),
            first,
        )
    });
    // (A build writes the items of each of its threads apart: here, one
    // each.)
    assert_eq!((frames, entries, marked), (2, 2, true));
    assert_eq!(first.unwrap()[..8], seal.to_be_bytes());
    assert_eq!(env.json(&["diff", "r1", "now"]), diff);
    env.run(&["verify"]).ok();
}

#[test]
fn a_store_without_rounds_and_without_the_frames_mark_gets_the_mark_at_open() {
    let env = TestEnv::init();
    env.add(&["--kind", "motie", "--text", "Een motie.", "--key", "M1"]);
    raw::edit(&env, |r| r.meta.remove("frames").unwrap());
    env.run(&["overview"]).ok();
    let (marked, frames) = raw::edit(&env, |r| {
        (
            r.meta.contains_key("frames").unwrap(),
            r.tree("ix_frames").len(),
        )
    });
    assert_eq!((marked, frames), (true, 0));
    env.run(&["verify"]).ok();
}

/// `v` with the first `from` replaced by `to` (same length, or the entry's
/// length prefix would lie).
fn replace(v: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    assert_eq!(from.len(), to.len());
    let at = v
        .windows(from.len())
        .position(|w| w == from)
        .expect("the value holds the text");
    let mut out = v.to_vec();
    out[at..at + from.len()].copy_from_slice(to);
    out
}

#[test]
fn an_index_written_up_to_another_head_is_refused_at_open() {
    let env = sealed_ledger();
    raw::edit(&env, |r| {
        let mut mark = r.meta.get("index").unwrap().unwrap().to_vec();
        mark[7] ^= 1;
        r.meta.insert("index", mark).unwrap();
    });
    for args in [&["overview"][..], &["note", "M1", "Verder."]] {
        let out = env.run(args);
        out.expect_code(1);
        assert!(
            out.stderr.contains("the index was written up to seq"),
            "{args:?}: {}",
            out.stderr
        );
    }
    let out = env.run(&["verify"]);
    out.expect_code(1);
    assert!(
        out.stdout
            .contains("de index is bijgewerkt tot gebeurtenis"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_damaged_early_event_stops_a_seal_and_every_write_after_it() {
    let env = sealed_ledger();
    raw::edit(&env, |r| r.flip(3, 40, 0x01));
    let out = env.run(&["verify"]);
    out.expect_code(1);
    assert!(
        out.stdout.contains("GEBROKEN bij gebeurtenis 3"),
        "{}",
        out.stdout
    );
    let out = env.run(&["round", "seal", "r2"]);
    out.expect_code(1);
    assert!(
        out.stderr.contains("the chain breaks at seq 3"),
        "{}",
        out.stderr
    );
    let out = env.run(&["status", "T1", "doorlopend"]);
    out.expect_code(1);
    assert!(
        out.stderr.contains("a round seal found this ledger broken"),
        "{}",
        out.stderr
    );
    // Reading the damaged event is refused too.
    let out = env.run(&["log"]);
    out.expect_code(1);
    assert!(out.stderr.contains("seq 3"), "{}", out.stderr);
}

#[test]
fn a_store_with_checkpoint_files_gets_its_index_once_and_loses_the_files() {
    let env = sealed_ledger();
    let before = env.json(&["overview"]);
    // What an earlier version left: no index trees, checkpoint files.
    raw::edit(&env, |r| {
        for name in [
            "ix_current",
            "ix_versions",
            "ix_facts",
            "ix_keys",
            "ix_rounds",
        ] {
            r.tree(name).clear().unwrap();
        }
        r.meta.remove("index").unwrap();
    });
    let dir = env.store.join("checkpoints");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("00000000000000000009.ckpt"), b"old").unwrap();
    assert_eq!(env.json(&["overview"])["items"], before["items"]);
    assert!(!dir.exists(), "the checkpoint files were left behind");
    env.run(&["verify"]).ok();
    assert_eq!(
        env.json(&["round", "list"])["rounds"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn a_store_without_an_index_and_with_a_broken_chain_is_not_indexed() {
    let env = sealed_ledger();
    raw::edit(&env, |r| {
        r.meta.remove("index").unwrap();
        r.flip(2, 40, 0x01);
    });
    let out = env.run(&["overview"]);
    out.expect_code(1);
    assert!(
        out.stderr
            .contains("one is built only from a chain that holds"),
        "{}",
        out.stderr
    );
}

/// A small seeded generator (splitmix64), so that a failing case reruns.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        (z ^ (z >> 31)) % n.max(1)
    }

    fn index(&mut self, n: usize) -> usize {
        usize::try_from(self.below(n as u64)).unwrap()
    }
}

#[test]
fn a_batch_over_one_transaction_is_written_in_parts_that_each_leave_a_whole_ledger() {
    use kamerstand::ledger::{ATOMIC_EVENTS, Draft};
    let env = TestEnv::init();
    let mut ws = Workspace::open(&env.store, env.open_options()).unwrap();
    let day = Day::from_parts(2025, 3, 1).unwrap();
    let mut items = Vec::new();
    let mut drafts = Vec::new();
    // Two parts: registrations, then notes on them; the index entries and
    // tree nodes of each part end with its last event.
    for n in 0..ATOMIC_EVENTS + 150 {
        let id = ws.new_id();
        let body = if n < 200 {
            items.push(id);
            EventBody::ItemRegistered {
                kind: ItemKind::Motie,
                key: ItemKey::parse(&format!("M{n}")).unwrap(),
                text: format!("Motie {n} over een onderwerp."),
                submitters: vec![],
                citations: vec![],
                responsible: Responsible::none(),
                status: "niet-vermeld".into(),
                effective: day,
            }
        } else {
            EventBody::ProgressNoted {
                item: items[n % 200],
                text: format!("Stand van zaken nummer {n}."),
                citations: vec![],
                effective: day.plus_days(i64::try_from(n / 200).unwrap()),
            }
        };
        drafts.push(Draft { id, body });
    }
    let recorded = ws.record_batch("clerk", drafts).unwrap();
    assert_eq!(recorded.len(), ATOMIC_EVENTS + 150);
    // One recorded time for the whole batch, as for a batch in one part.
    let at = recorded[0].envelope.recorded_at;
    assert!(recorded.iter().all(|r| r.envelope.recorded_at == at));
    let events: Vec<_> = ws.ledger().events().map(Result::unwrap).collect();
    assert_eq!(events.len(), recorded.len() + 1);
    assert_eq!(
        ws.ledger().head().unwrap().hash,
        recorded.last().unwrap().hash
    );
    // The index and the tree equal what the events say.
    let report = ws.ledger().check_index(&mut |_, _| {}).unwrap();
    assert!(report.ok(), "{report:?}");
    assert_eq!(
        ws.ledger().tree_size().unwrap(),
        Some(u64::try_from(events.len()).unwrap())
    );
    let want = View::replay(events.iter().cloned().map(Ok), Basis::Current, None).unwrap();
    assert_eq!(ws.view(Basis::Current, None).unwrap(), want);
    // A batch refused in what would be its second part writes no part:
    // the whole batch is decided before the first is written.
    let head = ws.ledger().head().unwrap();
    let mut drafts: Vec<Draft> = (0..ATOMIC_EVENTS + 20)
        .map(|n| Draft {
            id: ws.new_id(),
            body: EventBody::ProgressNoted {
                item: items[n % 200],
                text: format!("Nog een stand, nummer {n}."),
                citations: vec![],
                effective: day.plus_days(100),
            },
        })
        .collect();
    if let Some(EventBody::ProgressNoted { text, .. }) = drafts.last_mut().map(|d| &mut d.body) {
        text.clear();
    }
    assert!(ws.record_batch("clerk", drafts).is_err());
    assert_eq!(ws.ledger().head().unwrap(), head);
    drop(ws);
    env.verify(&[], 0);
}

#[test]
fn verify_and_an_import_need_no_system_temporary_directory() {
    // The folds over every item gather the events in temporary files
    // beside the store, else in the system's temporary directory (else they
    // read each event by seq: `ledger::index`'s unit test holds that path
    // to the same result). With no system temporary directory they find
    // the same.
    let env = sealed_ledger();
    let nowhere = env.dir.path().join("not-there");
    let run = |env: &TestEnv, args: &[&str], tmp: bool| {
        let mut c = env.command(args);
        if !tmp {
            c.env("TMPDIR", &nowhere);
        }
        let o = c.output().unwrap();
        (
            o.status.code(),
            String::from_utf8(o.stdout).unwrap(),
            String::from_utf8(o.stderr).unwrap(),
        )
    };
    let gathered = run(&env, &["verify"], true);
    assert_eq!(gathered.0, Some(0), "{gathered:?}");
    assert_eq!(run(&env, &["verify"], false), gathered);
    // An events import into a new store builds the same index.
    let dump = env.run(&["--format", "events", "export"]);
    dump.ok();
    let target = TestEnv::new();
    let path = target.dir.path().join("backup.jsonl");
    std::fs::write(&path, &dump.stdout).unwrap();
    let imported = run(&target, &["import", path.to_str().unwrap()], false);
    assert_eq!(imported.0, Some(0), "{imported:?}");
    assert_eq!(run(&target, &["verify"], true).0, Some(0));
    assert_eq!(
        run(&target, &["--format", "json", "overview"], true),
        run(&env, &["--format", "json", "overview"], true)
    );
    // A forged entry is found either way, and named the same.
    let id = item_id(&env, "M1");
    raw::edit(&env, |r| {
        let t = r.tree("ix_current");
        let key = raw::hex_bytes(&id);
        let v = t.get(&key).unwrap().unwrap().to_vec();
        t.insert(key, replace(&v, b"in-uitvoering", b"doorlopend\0\0\0"))
            .unwrap();
    });
    let gathered = run(&env, &["verify"], true);
    assert_eq!(gathered.0, Some(1), "{gathered:?}");
    assert!(gathered.1.contains(&id), "{gathered:?}");
    assert_eq!(run(&env, &["verify"], false), gathered);
}

/// A new store made by importing `env`'s events export (its clock
/// `env`'s).
fn imported(env: &TestEnv) -> TestEnv {
    let dump = env.run(&["--format", "events", "export"]);
    dump.ok();
    let target = TestEnv::new();
    target
        .clock
        .set(kamerstand::ledger::Clock::now(&mut env.clock.clone()));
    let path = target.dir.path().join("backup.jsonl");
    std::fs::write(&path, &dump.stdout).unwrap();
    target.run(&["import", path.to_str().unwrap()]).ok();
    target
}

#[test]
fn an_items_events_beyond_one_item_index_entry_are_read_checked_and_imported_alike() {
    // The item index holds an item's seqs 64 to an entry: an item with more
    // events has several, and every read, `verify` and an events import
    // treat them as one list.
    let env = sealed_ledger();
    for n in 0..60 {
        env.run(&["note", "M1", &format!("Stap {n}.")]).ok();
    }
    let id = item_id(&env, "M1");
    let entries = |env: &TestEnv| {
        raw::edit(env, |r| {
            r.by_item
                .scan_prefix(raw::hex_bytes(&id))
                .map(|kv| kv.map(|(k, v)| (k.to_vec(), v.to_vec())).unwrap())
                .collect::<Vec<_>>()
        })
    };
    let own = entries(&env);
    let seqs: Vec<u64> = raw::edit(&env, |r| r.index_pairs())
        .into_iter()
        .filter(|(item, _)| *item == raw::hex_bytes(&id))
        .map(|(_, s)| s)
        .collect();
    assert!(seqs.len() > 64, "{}", seqs.len());
    assert_eq!(own.len(), 2);
    assert_eq!(own[0].1.len(), 63 * 8);
    env.run(&["verify"]).ok();
    // `log --item` lists every one of them.
    let log = env.run(&["--format", "json", "log", "--item", "M1"]).json();
    let listed: Vec<u64> = log["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_u64().unwrap())
        .collect();
    assert_eq!(listed, seqs);
    // An events import writes the same entries.
    let target = imported(&env);
    assert_eq!(entries(&target), own);
    // A seq taken out of the second entry is reported at that seq.
    let gone = seqs[70.min(seqs.len() - 1)];
    raw::edit(&env, |r| r.index_remove(&id, gone));
    let out = env.run(&["--lang", "en", "verify"]);
    out.expect_code(1);
    assert!(
        out.stdout
            .contains(&format!("BROKEN at seq {gone}: index mismatch")),
        "{}",
        out.stdout
    );
    // As many entries as events, each an event of the item, but one seq
    // twice where another is missing: `verify` names the missing one.
    raw::edit(&env, |r| r.index_put(&id, gone));
    env.run(&["verify"]).ok();
    let (first, twice, missing) = (seqs[0], seqs[2], seqs[1]);
    raw::edit(&env, |r| {
        let mut key = raw::hex_bytes(&id);
        key.extend_from_slice(&first.to_be_bytes());
        let rest: Vec<u8> = seqs[2..64].iter().flat_map(|s| s.to_be_bytes()).collect();
        r.by_item.insert(&key, rest).unwrap();
        let mut again = raw::hex_bytes(&id);
        again.extend_from_slice(&twice.to_be_bytes());
        r.by_item.insert(again, &[]).unwrap();
    });
    let out = env.run(&["--lang", "en", "verify"]);
    out.expect_code(1);
    assert!(
        out.stdout
            .contains(&format!("BROKEN at seq {missing}: index mismatch")),
        "{}",
        out.stdout
    );
}

#[test]
fn a_store_with_an_item_index_entry_per_event_reads_as_it_is_and_is_marked_anew_by_its_first_append()
 {
    // What the version before wrote: an entry per event, under the second
    // store mark.
    let env = sealed_ledger();
    let before = env.json(&["log", "--item", "M1"]);
    let mark =
        |env: &TestEnv| raw::edit(env, |r| r.meta.get("format").unwrap().map(|v| v.to_vec()));
    let pairs = raw::edit(&env, |r| {
        let pairs = r.index_pairs();
        r.by_item.clear().unwrap();
        for (item, seq) in &pairs {
            let mut k = item.clone();
            k.extend_from_slice(&seq.to_be_bytes());
            r.by_item.insert(k, &[]).unwrap();
        }
        r.meta
            .insert("format", b"kamerstand-store-2".as_slice())
            .unwrap();
        pairs
    });
    // Reads and `verify` take it as it is, and write nothing.
    assert_eq!(env.json(&["log", "--item", "M1"]), before);
    env.run(&["verify"]).ok();
    assert_eq!(
        mark(&env).as_deref(),
        Some(b"kamerstand-store-2".as_slice())
    );
    // The first append adds its seq to the item's last entry and marks the
    // store anew, so that a binary that reads an entry per event refuses it.
    env.run(&["note", "M1", "Verder."]).ok();
    assert_eq!(
        mark(&env).as_deref(),
        Some(b"kamerstand-store-6".as_slice())
    );
    let (entries, now) = raw::edit(&env, |r| (r.by_item.iter().count(), r.index_pairs()));
    assert_eq!(entries, pairs.len());
    assert_eq!(now.len(), pairs.len() + 1);
    env.run(&["verify"]).ok();
}

#[test]
fn versions_go_in_groups_of_eight_that_read_as_each_version_on_its_own() {
    // An item's versions of one round go eight to an `ix_versions` entry;
    // a store whose entries are a version each (what the version before
    // wrote, without the `versions-grouped` mark) gives the same views,
    // and an events import writes the same groups.
    let env = sealed_ledger();
    for n in 0..20 {
        env.run(&["note", "M1", &format!("Stap {n}.")]).ok();
    }
    let id = raw::hex_bytes(&item_id(&env, "M1"));
    let head = env.head().unwrap().seq;
    let instants: Vec<String> = (1..head)
        .map(|seq| crate::common::instant(&env, seq))
        .collect();
    let views = |env: &TestEnv| -> Vec<serde_json::Value> {
        instants
            .iter()
            .map(|at| env.json(&["overview", "--as-of", at]))
            .collect()
    };
    let grouped = views(&env);
    let (sizes, versions, stored) = raw::edit(&env, |r| {
        let t = r.tree("ix_versions");
        let stored: Vec<(Vec<u8>, Vec<u8>)> = t
            .iter()
            .map(|kv| kv.map(|(k, v)| (k.to_vec(), v.to_vec())).unwrap())
            .collect();
        let versions = r.versions();
        let sizes: Vec<usize> = stored
            .iter()
            .filter(|(k, _)| k[8..24] == id[..] && k[..8] != [0; 8])
            .map(|(k, _)| {
                versions
                    .iter()
                    .filter(|(v, _)| v[..24] == k[..24] && v[24..] >= k[24..])
                    .count()
            })
            .collect();
        (sizes, versions, stored)
    });
    // M1 after the seal: 20 notes in groups from the seal on (the later
    // groups counted in the earlier ones' tallies: 20, 12, 4).
    assert_eq!(sizes, [20, 12, 4]);
    assert!(stored.len() < versions.len());
    env.run(&["verify"]).ok();
    // An events import writes the same groups.
    let target = imported(&env);
    let imported: Vec<(Vec<u8>, Vec<u8>)> = raw::edit(&target, |r| {
        r.tree("ix_versions")
            .iter()
            .map(|kv| kv.map(|(k, v)| (k.to_vec(), v.to_vec())).unwrap())
            .collect()
    });
    assert_eq!(imported, stored);
    // The same versions a version an entry, without the mark: the same
    // views, a clean `verify`, and a note adds an entry of its own.
    let single = TestEnv::new();
    env.copy_store_to(&single);
    raw::edit(&single, |r| {
        let t = r.tree("ix_versions");
        t.clear().unwrap();
        for (k, v) in &versions {
            let v = if r.packed("ix_versions") {
                raw::pack(v)
            } else {
                v.clone()
            };
            t.insert(k, v).unwrap();
        }
        r.meta.remove("versions-grouped").unwrap();
    });
    assert_eq!(views(&single), grouped);
    single.run(&["verify"]).ok();
    single.run(&["note", "M1", "Verder."]).ok();
    let after = raw::edit(&single, |r| r.tree("ix_versions").iter().count());
    assert_eq!(after, versions.len() + 1);
    single.run(&["verify"]).ok();
    // A group cut short is refused by the views that read it, reported by
    // `verify` and stops a seal and the writes after it.
    let last = stored
        .iter()
        .rfind(|(k, _)| k[8..24] == id[..])
        .unwrap()
        .clone();
    raw::edit(&env, |r| {
        r.tree("ix_versions")
            .insert(&last.0, &last.1[..last.1.len() - 1])
            .unwrap();
    });
    let out = env.run(&["overview", "--as-of", instants.last().unwrap()]);
    out.expect_code(1);
    assert!(out.stderr.contains("ix_versions"), "{}", out.stderr);
    let out = env.run(&["--lang", "en", "verify"]);
    out.expect_code(1);
    assert!(
        out.stdout.contains("ix_versions") || out.stderr.contains("ix_versions"),
        "{}{}",
        out.stdout,
        out.stderr
    );
    env.run(&["round", "seal", "r2"]).expect_code(1);
    env.run(&["note", "M1", "Nog een."]).expect_code(1);
    assert_eq!(env.head().unwrap().seq, head);
}

#[test]
fn facts_and_frames_go_in_groups_that_read_as_each_on_its_own() {
    // An item's facts of one kind go eight to an `ix_facts` entry, a
    // round's frames four to an `ix_frames` entry, however the facts come:
    // notes dated before ones recorded earlier land among them, and fill
    // and split their groups. A store whose entries are a fact or a frame
    // each (what the version before wrote, marked `kamerstand-store-3`)
    // gives the same views, and an import the same facts and frames.
    let env = sealed_ledger();
    for (n, day) in [9, 3, 12, 1, 7, 15, 2, 11, 5, 14, 4, 8, 6, 13, 10]
        .iter()
        .enumerate()
    {
        let day = format!("2024-04-{day:02}");
        env.run(&["note", "M1", &format!("Stap {n}."), "--effective", &day])
            .ok();
        // T1's statuses in day order, alternating (a status the item
        // already has on its day is refused).
        let on = format!("2024-04-{:02}", n + 1);
        let status = ["in-uitvoering", "vertraagd"][n % 2];
        env.run(&["status", "T1", status, "--effective", &on]).ok();
    }
    env.run(&["round", "seal", "r2", "--reported-on", "2024-05-01"])
        .ok();
    let views = |env: &TestEnv| -> Vec<serde_json::Value> {
        let mut out: Vec<serde_json::Value> = (1..=16)
            .map(|d| env.json(&["overview", "--effective", &format!("2024-04-{d:02}")]))
            .collect();
        out.push(env.json(&["overview", "--round", "r1"]));
        out.push(env.json(&["overview", "--round", "r2", "--effective", "2024-04-08"]));
        out.push(env.json(&["diff", "r1", "r2"]));
        out.push(env.json(&["show", "M1"]));
        out
    };
    let grouped = views(&env);
    let counts = |env: &TestEnv| {
        raw::edit(env, |r| {
            ["ix_facts", "ix_frames"].map(|t| (r.entries(t), r.tree(t).len()))
        })
    };
    let [(facts, fact_entries), (frames, frame_entries)] = counts(&env);
    assert!(
        fact_entries * 3 < facts.len(),
        "{fact_entries} of {}",
        facts.len()
    );
    assert!(
        frame_entries < frames.len(),
        "{frame_entries} of {}",
        frames.len()
    );
    env.run(&["verify"]).ok();
    // An events import writes the same facts and frames, grouped.
    let target = imported(&env);
    let [(f, fe), (r, re)] = counts(&target);
    assert_eq!((&f, &r), (&facts, &frames));
    assert!(fe < f.len() && re <= r.len());
    assert_eq!(views(&target), grouped);
    // The same facts (notes among them) and frames an entry each, as the
    // version before wrote them: a clean `verify`, the same views (the
    // first moves the notes to their own tree); a note adds a fact of its
    // own and marks the store anew.
    let notes = raw::edit(&env, |r| r.entries("ix_notes"));
    let single = TestEnv::new();
    env.copy_store_to(&single);
    raw::edit(&single, |r| {
        r.notes_among_facts();
        for (tree, mark) in [
            ("ix_facts", "facts-grouped"),
            ("ix_frames", "frames-grouped"),
        ] {
            let entries = r.entries(tree);
            r.meta.remove(mark).unwrap();
            r.set_entries(tree, &entries);
        }
        r.meta
            .insert("format", b"kamerstand-store-3".as_slice())
            .unwrap();
    });
    single.run(&["verify"]).ok();
    assert_eq!(views(&single), grouped);
    assert_eq!(
        raw::edit(&single, |r| (r.entries("ix_facts"), r.entries("ix_notes"))),
        (facts.clone(), notes.clone())
    );
    single.run(&["verify"]).ok();
    single.run(&["note", "M1", "Verder."]).ok();
    let (after, mark) = raw::edit(&single, |r| {
        (
            r.tree("ix_notes").len(),
            r.meta.get("format").unwrap().map(|v| v.to_vec()),
        )
    });
    assert_eq!(after, notes.len() + 1);
    assert_eq!(mark.as_deref(), Some(b"kamerstand-store-6".as_slice()));
    single.run(&["verify"]).ok();
}

#[test]
fn notes_among_the_facts_are_written_apart_at_the_first_open_and_again_after_a_stopped_one() {
    let env = sealed_ledger();
    let views = |env: &TestEnv| -> Vec<serde_json::Value> {
        vec![
            env.json(&["overview"]),
            env.json(&["overview", "--effective", "2024-02-01"]),
            env.json(&["overview", "--round", "r1", "--effective", "2024-01-15"]),
            env.json(&["show", "M1"]),
        ]
    };
    let before = views(&env);
    let layout = |env: &TestEnv| {
        raw::edit(env, |r| {
            (
                r.entries("ix_facts"),
                r.entries("ix_notes"),
                r.meta.get("format").unwrap().map(|v| v.to_vec()),
                r.meta.contains_key("notes-moving").unwrap(),
            )
        })
    };
    let (facts, notes, mark, moving) = layout(&env);
    // The notes (kind 3 after the item's id) are in their own tree, and
    // only there.
    assert!(notes.len() >= 6 && notes.iter().all(|(k, _)| k[16] == 3));
    assert!(!facts.is_empty() && facts.iter().all(|(k, _)| k[16] != 3));
    assert_eq!(
        (mark.as_deref(), moving),
        (Some(b"kamerstand-store-6".as_slice()), false)
    );
    // As the version before kept them: among the facts.
    raw::edit(&env, |r| {
        r.notes_among_facts();
        r.meta
            .insert("format", b"kamerstand-store-4".as_slice())
            .unwrap();
    });
    // `verify` compares them where they are, and writes nothing.
    env.run(&["verify"]).ok();
    assert_eq!(
        layout(&env).2.as_deref(),
        Some(b"kamerstand-store-4".as_slice())
    );
    // The first open for work writes them apart, and marks the store so
    // that the version before refuses it.
    assert_eq!(views(&env), before);
    assert_eq!(
        layout(&env),
        (facts.clone(), notes.clone(), mark.clone(), false)
    );
    env.run(&["verify"]).ok();
    // An open stopped while it wrote them leaves its mark and some of the
    // notes: `verify` reports the missing one, the next open writes them
    // all again.
    raw::edit(&env, |r| {
        r.meta.insert("notes-moving", &[] as &[u8]).unwrap();
        r.tree("ix_notes").remove(&notes[2].0).unwrap();
    });
    let out = env.run(&["--lang", "en", "verify"]);
    out.expect_code(1);
    assert!(
        out.stdout.starts_with("BAD index entry in ix_notes, item "),
        "{}",
        out.stdout
    );
    assert_eq!(views(&env), before);
    assert_eq!(layout(&env), (facts, notes, mark, false));
    env.run(&["verify"]).ok();
}

#[test]
fn a_store_written_before_values_were_packed_reads_and_writes_them_as_they_are() {
    // A store this version makes packs the values of its versions, frames
    // and notes (docs/format.md, `values-packed`); a store the version
    // before wrote holds them as they are, without the mark, and must give
    // the same views and a clean `verify`, append as it is, and be marked
    // anew so that the version before refuses it. An events import of it
    // writes a packed store again.
    let env = sealed_ledger();
    let long = "De uitvoering loopt volgens de planning die de Kamer is toegezonden. ".repeat(12);
    env.run(&["note", "M1", &long]).ok();
    let mid = crate::common::instant(&env, 6);
    let views = |env: &TestEnv| -> Vec<serde_json::Value> {
        vec![
            env.json(&["overview"]),
            env.json(&["overview", "--round", "r1"]),
            env.json(&["overview", "--as-of", &mid]),
            env.json(&["overview", "--effective", "2024-02-01"]),
            env.json(&["show", "M1"]),
        ]
    };
    let packed = views(&env);
    const TREES: [&str; 3] = ["ix_versions", "ix_frames", "ix_notes"];
    // Each of the three trees holds values packed with zstd (tag 1), and
    // nothing but packed values; the other trees none.
    let tags = |env: &TestEnv| {
        raw::edit(env, |r| {
            TREES.map(|name| {
                let tags: std::collections::BTreeSet<u8> = r
                    .tree(name)
                    .iter()
                    .values()
                    .map(|v| v.unwrap()[0])
                    .collect();
                (r.packed(name), tags)
            })
        })
    };
    for (name, (marked, tags)) in TREES.iter().zip(tags(&env)) {
        assert!(marked, "{name}");
        assert!(
            tags.contains(&1) && tags.is_subset(&[0, 1].into()),
            "{name}: {tags:?}"
        );
    }
    assert!(!raw::edit(&env, |r| r.packed("ix_current")));
    // The same entries as the version before wrote them.
    let old = TestEnv::new();
    env.copy_store_to(&old);
    raw::edit(&old, |r| {
        let entries = TREES.map(|name| r.entries(name));
        r.meta.remove("values-packed").unwrap();
        r.meta
            .insert("format", b"kamerstand-store-5".as_slice())
            .unwrap();
        for (name, entries) in TREES.iter().zip(&entries) {
            r.set_entries(name, entries);
        }
    });
    let mark =
        |env: &TestEnv| raw::edit(env, |r| r.meta.get("format").unwrap().map(|v| v.to_vec()));
    assert_eq!(views(&old), packed);
    old.run(&["verify"]).ok();
    assert_eq!(
        mark(&old).as_deref(),
        Some(b"kamerstand-store-5".as_slice())
    );
    // An append writes as it is and marks the store anew.
    let longer = format!("{long}Daarna verder.");
    old.run(&["note", "M1", &longer]).ok();
    old.run(&["round", "seal", "r2", "--reported-on", "2024-04-01"])
        .ok();
    assert_eq!(
        mark(&old).as_deref(),
        Some(b"kamerstand-store-6".as_slice())
    );
    assert!(!raw::edit(&old, |r| r.packed("ix_notes")));
    old.run(&["verify"]).ok();
    let after = |env: &TestEnv| -> Vec<serde_json::Value> {
        let mut v = views(env);
        v.push(env.json(&["overview", "--round", "r2"]));
        v.push(env.json(&["diff", "r1", "r2"]));
        v
    };
    let unpacked_after = after(&old);
    // An events import (the index built afresh from the events) writes a
    // packed store that gives the same views.
    let target = imported(&old);
    for (name, (marked, tags)) in TREES.iter().zip(tags(&target)) {
        assert!(marked, "{name}");
        assert!(tags.contains(&1), "{name}: {tags:?}");
    }
    assert_eq!(after(&target), unpacked_after);
    target.run(&["verify"]).ok();
}

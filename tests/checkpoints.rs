//! Checkpoints change how fast a view is built, never what it shows: views
//! loaded from checkpoints (with compacted items, refolded where an event or
//! an effective day needs their history) equal views from a full replay, for
//! every seq, every round and random effective days; and a damaged
//! checkpoint is passed over, reported by `verify` and rebuilt.

use crate::common::{TestEnv, raw};
use kamerstand::Workspace;
use kamerstand::checkpoints;
use kamerstand::domain::{
    Day, EventBody, EventId, ItemKey, ItemKind, Legend, Replacement, Responsible,
};
use kamerstand::ledger::{Ledger, OpenOptions, TestClock};
use kamerstand::projection::{Basis, State, View};
use kamerstand::report::{self, Format};
use serde_json::Value;
use std::path::Path;
use std::time::Duration;

const EVERY: u64 = 4;

fn options(clock: TestClock) -> OpenOptions {
    OpenOptions {
        wait: Duration::from_secs(10),
        clock: Box::new(clock),
        checkpoint_every: EVERY,
        ..OpenOptions::default()
    }
}

const STATUSES: [&str; 5] = [
    "invulling",
    "in-uitvoering",
    "doorlopend",
    "vertraagd",
    "niet-begonnen",
];
const PARTIES: [&str; 4] = ["SOCW", "MJenV", "MOCW en SOCW", "SSZW"];

/// A random history of `n` attempted steps of every kind (refused ones are
/// skipped), with back-dated changes, corrections of every sort and seals.
fn history(path: &Path, seed: u64, n: usize) -> Workspace {
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
    // (seq, id, item) of every event about an item.
    let mut targets: Vec<(u64, EventId, EventId)> = Vec::new();
    let mut rounds = 0;
    for step in 0..n {
        let today = ws.today();
        let day =
            |rng: &mut Rng| -> Day { today.plus_days(-i64::try_from(rng.below(200)).unwrap_or(0)) };
        let pick = |rng: &mut Rng, items: &[EventId]| items[rng.index(items.len())];
        let kind = if items.is_empty() { 0 } else { rng.below(100) };
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
                EventBody::RoundSealed {
                    name: format!("ronde-{rounds}"),
                    title: format!("Ronde {rounds}"),
                    reported_on: today,
                    head_seq: head.seq,
                    head_hash: head.hash,
                }
            }
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
            if let Some(item) = rec.item() {
                targets.push((rec.envelope.seq, rec.envelope.id, item));
            }
            if matches!(rec.envelope.body, EventBody::ItemRegistered { .. }) {
                items.push(rec.envelope.id);
            }
        }
    }
    ws
}

/// The overview and every item's card of `state` as JSON, on `effective`.
fn rendered(state: &State, basis: Basis, effective: Option<Day>) -> (Value, Vec<Value>) {
    let view = View {
        state: std::borrow::Cow::Borrowed(state),
        basis,
        effective,
    };
    let overview = serde_json::from_str(&report::overview(&view, Format::Json)).unwrap();
    let cards = state
        .sorted_items()
        .iter()
        .map(|it| serde_json::from_str(&report::show(&view, it, Format::Json)).unwrap())
        .collect();
    (overview, cards)
}

#[test]
fn views_from_checkpoints_equal_a_full_replay_at_every_seq_and_round() {
    for seed in [1, 2, 3] {
        let env = TestEnv::new();
        let ws = history(&env.store, seed, 160);
        let events: Vec<_> = ws.ledger().events().map(Result::unwrap).collect();
        let head = events.len() as u64 - 1;
        assert!(head > 60, "seed {seed}: only {head} events were accepted");
        let corrections = events
            .iter()
            .filter(|e| matches!(e.envelope.body, EventBody::Corrected { .. }))
            .count();
        assert!(corrections >= 5, "seed {seed}: {corrections} corrections");
        let stored = ws.ledger().checkpoint_seqs().unwrap();
        assert!(stored.len() as u64 >= head / EVERY, "{stored:?}");
        // verify's fold (which lightens items instead of compacting them)
        // rebuilds every checkpoint the writer wrote, byte for byte.
        let check = checkpoints::check_all(ws.ledger(), false, &mut |_, _| {}).unwrap();
        assert_eq!(check.good, stored.len() as u64, "{check:?}");
        assert!(
            check.bad.is_empty() && check.missing.is_empty(),
            "{check:?}"
        );
        let today = ws.state().last_recorded.map(Day::of).unwrap();
        let mut rng = Rng::new(seed);
        let mut refolded = 0;
        for seq in 0..=head {
            let replay = State::replay(&events[..=usize::try_from(seq).unwrap()]);
            let loaded = checkpoints::load(ws.ledger(), Some(seq), false).unwrap();
            assert!(loaded.bypassed.is_empty());
            for effective in [
                None,
                Some(today.plus_days(-i64::try_from(rng.below(220)).unwrap())),
            ] {
                let mut state = loaded.state.clone();
                checkpoints::answer_on(ws.ledger(), &mut state, effective).unwrap();
                refolded += state.items.values().filter(|i| i.is_full()).count();
                // The cards need each item's whole timeline.
                for id in state.items.keys().copied().collect::<Vec<_>>() {
                    checkpoints::full_item(ws.ledger(), &mut state, id).unwrap();
                }
                let got = rendered(&state, Basis::Current, effective);
                let want = rendered(&replay, Basis::Current, effective);
                assert_eq!(
                    got.0, want.0,
                    "seed {seed}, seq {seq}, effective {effective:?}"
                );
                assert_eq!(
                    got.1, want.1,
                    "seed {seed}, seq {seq}, effective {effective:?}"
                );
            }
        }
        assert!(refolded > 0);
        // Every round, through the workspace as the CLI asks for it.
        for r in ws.state().rounds.clone() {
            let view = ws.view(Basis::Round(r.clone()), None).unwrap();
            let replay = State::replay(&events[..=usize::try_from(r.seq).unwrap()]);
            let want = View {
                state: std::borrow::Cow::Owned(replay),
                basis: Basis::Round(r.clone()),
                effective: None,
            };
            assert_eq!(
                report::overview(&view, Format::Json),
                report::overview(&want, Format::Json),
                "round {}",
                r.name
            );
            // And on an earlier effective day, where most items are
            // refolded and then reduced to what that day shows.
            let day = today.plus_days(-i64::try_from(rng.below(220)).unwrap());
            let view = ws.view(Basis::Round(r.clone()), Some(day)).unwrap();
            let want = View {
                effective: Some(day),
                ..want
            };
            assert_eq!(
                report::overview(&view, Format::Json),
                report::overview(&want, Format::Json),
                "round {} effective {day}",
                r.name
            );
        }
    }
}

#[test]
fn the_live_state_of_a_writer_equals_a_replay_after_every_write() {
    // `history` records through a workspace whose state is compacted at
    // every checkpoint; reopening folds from checkpoints. Both must equal a
    // replay of the same events.
    let env = TestEnv::new();
    let ws = history(&env.store, 9, 200);
    let events: Vec<_> = ws.ledger().events().map(Result::unwrap).collect();
    let replay = State::replay(&events);
    let live = rendered(ws.state(), Basis::Current, None).0;
    assert_eq!(live, rendered(&replay, Basis::Current, None).0);
    drop(ws);
    let clock = TestClock::pinned();
    let reopened = Workspace::open(&env.store, options(clock)).unwrap();
    assert_eq!(rendered(reopened.state(), Basis::Current, None).0, live);
}

fn first_checkpoint(path: &Path) -> u64 {
    let ledger = Ledger::open(path, options(TestClock::pinned())).unwrap();
    *ledger.checkpoint_seqs().unwrap().iter().nth(1).unwrap()
}

#[test]
fn a_damaged_checkpoint_is_passed_over_reported_and_rebuilt() {
    let mut env = TestEnv::new();
    env.checkpoint_every = EVERY;
    drop(history(&env.store, 4, 120));
    let before = env.json(&["overview"]);
    let seq = first_checkpoint(&env.store);
    for damage in ["payload", "hash", "garbage", "other state"] {
        raw::edit(&env, |t| {
            let mut v = t.checkpoint(seq);
            match damage {
                "payload" => {
                    let last = v.len() - 1;
                    v[last] ^= 0x40;
                }
                "hash" => v[40] ^= 1,
                "garbage" => v = b"not a checkpoint".to_vec(),
                // A well-formed checkpoint of another seq, stored here.
                _ => v = t.checkpoint(seq + EVERY),
            }
            t.put_checkpoint(seq, &v);
        });
        let out = env.run(&["verify"]);
        out.expect_code(1);
        assert!(
            out.stdout.contains(&format!("checkpoint at seq {seq}")),
            "{damage}: {}",
            out.stdout
        );
        // Reads pass it over: the same overview, as of every seq near it.
        let ledger = Ledger::open(&env.store, options(TestClock::pinned())).unwrap();
        let loaded = checkpoints::load(&ledger, Some(seq + 1), false).unwrap();
        assert_eq!(loaded.bypassed.len(), 1, "{damage}");
        assert!(loaded.from.is_none_or(|f| f < seq), "{damage}");
        drop(ledger);
        assert_eq!(env.json(&["overview"])["items"], before["items"]);
        // `verify --rebuild-checkpoints` rewrites it from the events.
        let out = env.run(&["verify", "--rebuild-checkpoints"]);
        out.expect_code(0);
        assert!(
            out.stdout.contains("rebuilt 1 checkpoint"),
            "{}",
            out.stdout
        );
        env.run(&["verify"]).expect_code(0);
    }
}

#[test]
fn a_forger_who_relinks_the_chain_but_leaves_the_checkpoints_is_caught_by_them() {
    let mut env = TestEnv::new();
    env.checkpoint_every = EVERY;
    drop(history(&env.store, 5, 80));
    let last = env.head().unwrap().seq;
    // Seq 3 rewritten with a fresh hash and every later event relinked to
    // it, the head moved: a consistent chain. The checkpoints are left.
    raw::edit(&env, |t| {
        let mut prev = t.forge(3, |e| e.actor = "vervalser".into());
        for seq in 4..=last {
            prev = t.forge(seq, |e| {
                e.prev = prev;
                if let EventBody::RoundSealed { head_hash, .. } = &mut e.body {
                    *head_hash = prev;
                }
            });
        }
        t.set_head_to(last);
    });
    let out = env.run(&["--format", "json", "verify"]);
    out.expect_code(1);
    let j = out.json();
    assert!(j["first_break"].is_null(), "{j}");
    let bad = j["checkpoints"]["bad"].as_array().unwrap();
    assert!(!bad.is_empty(), "{j}");
    assert!(
        bad.iter()
            .all(|b| b["why"] == "the event hash it names is not the chain's at its seq"),
        "{j}"
    );
}

#[test]
fn a_checkpoint_directory_that_cannot_be_written_costs_time_not_commands() {
    let mut env = TestEnv::new();
    env.checkpoint_every = EVERY;
    drop(history(&env.store, 6, 40));
    // Written on a clock of its own: this one continues from its head.
    env.clock.set(env.head().unwrap().recorded_at);
    let before = env.json(&["overview"]);
    // A file where the directory should be: nothing can be listed or
    // written there.
    let dir = env.store.join("checkpoints");
    std::fs::remove_dir_all(&dir).unwrap();
    std::fs::write(&dir, b"geen map").unwrap();
    assert_eq!(env.json(&["overview"])["items"], before["items"]);
    let key = before["items"][0]["key"].as_str().unwrap().to_string();
    for i in 0..EVERY + 1 {
        env.run(&["note", &key, &format!("Notitie {i}.")]).ok();
    }
    let after = env.json(&["show", &key]);
    assert_eq!(after["latest_note"]["text"], format!("Notitie {EVERY}."));
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

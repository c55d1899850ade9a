//! sled's zstd compression is a property of a store, fixed when it is made:
//! new stores are compressed, a store made uncompressed (every store made
//! before compression) keeps opening, verifying and taking writes as it is,
//! and neither is ever rewritten in the other form (docs/format.md).

use crate::common::TestEnv;
use kamerstand::ledger::Clock;

/// What sled recorded in the store's `conf` file about compression.
fn conf_says(env: &TestEnv) -> String {
    let conf = std::fs::read(env.store.join("conf")).unwrap();
    let text = String::from_utf8_lossy(&conf[..conf.len() - 4]).to_string();
    text.lines()
        .find(|l| l.starts_with("use_compression: "))
        .unwrap()
        .to_string()
}

/// A small ledger with a sealed round and a note after it.
fn ledger() -> TestEnv {
    let env = TestEnv::init();
    env.add(&["--kind", "motie", "--key", "M1", "--text", "Een motie."]);
    env.run(&["note", "M1", "Eerste stand."]).ok();
    env.run(&[
        "round",
        "seal",
        "2025-voorjaar",
        "--reported-on",
        "2025-03-01",
    ])
    .ok();
    env.run(&["note", "M1", "Tweede stand."]).ok();
    env
}

/// Copies `from`'s store, tree by tree, into a new store at `to`'s path
/// written by sled with `compress`: the same trees, keys and values in the
/// other form, as a store written before (or after) compression holds them.
fn rewrite(from: &TestEnv, to: &TestEnv, compress: bool) {
    let src = sled::Config::new()
        .path(&from.store)
        .use_compression(kamerstand::ledger::compressed(&from.store))
        .open()
        .unwrap();
    let dst = sled::Config::new()
        .path(&to.store)
        .use_compression(compress)
        .open()
        .unwrap();
    for name in src.tree_names() {
        let (a, b) = (src.open_tree(&name).unwrap(), dst.open_tree(&name).unwrap());
        for kv in a.iter() {
            let (k, v) = kv.unwrap();
            b.insert(k, v).unwrap();
        }
    }
    dst.flush().unwrap();
    to.clock.set(from.clock.clone().now());
}

#[test]
fn a_new_store_is_compressed_and_says_so_in_sleds_conf() {
    let env = ledger();
    assert_eq!(conf_says(&env), "use_compression: true");
    assert!(kamerstand::ledger::compressed(&env.store));
    env.verify(&[], 0);
    // An events import makes a new store too.
    let export = env.dir.path().join("events.jsonl");
    env.run(&[
        "export",
        "--format",
        "events",
        "--output",
        export.to_str().unwrap(),
    ])
    .expect_code(0);
    let restored = TestEnv::new();
    restored.clock.set(env.clock.clone().now());
    restored
        .run(&["import", export.to_str().unwrap()])
        .expect_code(0);
    assert_eq!(conf_says(&restored), "use_compression: true");
    restored.verify(&[], 0);
}

#[test]
fn an_uncompressed_store_opens_verifies_and_takes_writes_as_it_is() {
    let made = ledger();
    let old = TestEnv::new();
    rewrite(&made, &old, false);
    assert_eq!(conf_says(&old), "use_compression: false");
    assert!(!kamerstand::ledger::compressed(&old.store));
    let before = std::fs::read(old.store.join("conf")).unwrap();
    old.verify(&[], 0);
    assert_eq!(
        crate::common::without_view(&old.json(&["overview"])),
        crate::common::without_view(&made.json(&["overview"]))
    );
    old.run(&["note", "M1", "Derde stand."]).ok();
    old.run(&[
        "round",
        "seal",
        "2025-najaar",
        "--reported-on",
        "2025-09-01",
    ])
    .ok();
    old.verify(&[], 0);
    // Still uncompressed: sled's conf is as it was.
    assert_eq!(std::fs::read(old.store.join("conf")).unwrap(), before);
    let shown = old.run(&["show", "M1"]);
    shown.ok();
    assert!(shown.stdout.contains("Derde stand."), "{}", shown.stdout);
}

#[test]
fn a_compressed_store_opened_uncompressed_is_refused_by_sled_not_a_panic() {
    // What a program that opens the store with sled's defaults meets.
    let env = ledger();
    let e = sled::Config::new().path(&env.store).open().unwrap_err();
    assert!(
        e.to_string().contains("cannot change compression values"),
        "{e}"
    );
    // And the store is untouched by the attempt.
    env.verify(&[], 0);
    assert_eq!(conf_says(&env), "use_compression: true");
}

#[test]
fn without_sleds_conf_a_store_opens_as_its_snapshot_was_written() {
    // sled writes a missing `conf` again with whatever it is given; the
    // store must be given what it was made with, or sled misreads it.
    for compress in [false, true] {
        let made = ledger();
        let env = TestEnv::new();
        rewrite(&made, &env, compress);
        // One open by kamerstand, so that sled has written its snapshot.
        env.verify(&[], 0);
        std::fs::remove_file(env.store.join("conf")).unwrap();
        assert_eq!(kamerstand::ledger::compressed(&env.store), compress);
        env.verify(&[], 0);
        assert_eq!(conf_says(&env), format!("use_compression: {compress}"));
        env.run(&["note", "M1", "Na het herstel."]).ok();
        env.verify(&[], 0);
    }
}

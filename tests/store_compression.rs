//! sled's zstd compression is a property of a store, fixed when it is made
//! (`init --compress`, or `import --compress` of an events export): a store
//! of either kind keeps opening, verifying and taking writes as it was
//! made, and is never rewritten in the other form (docs/format.md).

use crate::common::TestEnv;
use crate::common::raw::sled_open;
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

/// A small ledger with a sealed round and a note after it, made with
/// `init --compress` when `compress`.
fn ledger_made(compress: bool) -> TestEnv {
    let env = TestEnv::new();
    let mut args = vec!["init", "--programme", "NAP"];
    if compress {
        args.push("--compress");
    }
    env.run(&args).ok();
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

/// A compressed small ledger.
fn ledger() -> TestEnv {
    ledger_made(true)
}

/// Copies `from`'s store, tree by tree, into a new store at `to`'s path
/// written by sled with `compress`: the same trees, keys and values in the
/// other form, as a store written before (or after) compression holds them.
fn rewrite(from: &TestEnv, to: &TestEnv, compress: bool) {
    let src = sled_open(&from.store, kamerstand::ledger::compressed(&from.store)).unwrap();
    let dst = sled_open(&to.store, compress).unwrap();
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
fn a_store_is_compressed_only_when_asked_and_says_so_in_sleds_conf() {
    let plain = ledger_made(false);
    assert_eq!(conf_says(&plain), "use_compression: false");
    assert!(!kamerstand::ledger::compressed(&plain.store));
    let env = ledger();
    assert_eq!(conf_says(&env), "use_compression: true");
    assert!(kamerstand::ledger::compressed(&env.store));
    env.verify(&[], 0);
    // An events import makes a new store: compressed when asked, whatever
    // the store it came from was.
    let export = env.dir.path().join("events.jsonl");
    env.run(&[
        "export",
        "--format",
        "events",
        "--output",
        export.to_str().unwrap(),
    ])
    .expect_code(0);
    for (flags, says) in [
        (vec!["--compress"], "use_compression: true"),
        (vec![], "use_compression: false"),
    ] {
        let restored = TestEnv::new();
        restored.clock.set(env.clock.clone().now());
        let mut args = vec!["import", export.to_str().unwrap()];
        args.extend(flags);
        restored.run(&args).expect_code(0);
        assert_eq!(conf_says(&restored), says);
        restored.verify(&[], 0);
        assert_eq!(
            crate::common::without_view(&restored.json(&["overview"])),
            crate::common::without_view(&env.json(&["overview"]))
        );
    }
}

#[test]
fn compress_with_an_annex_is_refused_naming_the_flag_and_writes_nothing() {
    let env = ledger_made(false);
    let annex = env.dir.path().join("bijlage.csv");
    std::fs::write(&annex, "key,kind,text\nM9,motie,Een nieuwe motie.\n").unwrap();
    let head = env.json(&["log", "--limit", "1"]);
    let out = env.run(&["import", annex.to_str().unwrap(), "--compress"]);
    out.expect_code(2);
    assert!(out.stderr.contains("--compress"), "{}", out.stderr);
    assert!(out.stderr.contains("events export"), "{}", out.stderr);
    assert_eq!(env.json(&["log", "--limit", "1"]), head);
    assert_eq!(conf_says(&env), "use_compression: false");
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
    let e = sled_open(&env.store, false).unwrap_err();
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

#[test]
fn without_sleds_conf_and_snapshots_a_store_opens_either_way() {
    // Nothing is left to tell how it was written: sled, told wrong, panics
    // on its first record; the store is tried both ways instead.
    for compress in [false, true] {
        let made = ledger();
        let env = TestEnv::new();
        rewrite(&made, &env, compress);
        env.verify(&[], 0);
        let before = env.run(&["round", "list"]).ok().stdout.clone();
        for entry in std::fs::read_dir(&env.store).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_str().unwrap().to_string();
            if name == "conf" || name.starts_with("snap.") {
                std::fs::remove_file(&path).unwrap();
            }
        }
        let out = env.run(&["round", "list"]);
        out.ok();
        assert_eq!(out.stdout, before);
        assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
        assert_eq!(conf_says(&env), format!("use_compression: {compress}"));
        env.verify(&[], 0);
        env.run(&["note", "M1", "Na het herstel."]).ok();
        env.verify(&[], 0);
    }
}

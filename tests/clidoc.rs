//! The CLI's own documentation: `docs/cli.md` must equal a fresh rendering of
//! the clap definitions (`KAMERSTAND_UPDATE_DOCS=1` rewrites it), every
//! command has help and an example, the top-level help explains the time
//! axes, rounds and corrections, completions and man pages are generated,
//! and mistyped commands, flags, statuses and shells get suggestions.

use crate::common::{TestEnv, Transcript, snap};
use clap::CommandFactory;
use std::path::PathBuf;

fn reference_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/cli.md")
}

#[test]
fn reference_matches_the_clap_definitions() {
    let fresh = kamerstand::cli::reference_markdown();
    let path = reference_path();
    if std::env::var_os("KAMERSTAND_UPDATE_DOCS").is_some_and(|v| v == "1") {
        std::fs::write(&path, &fresh).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != fresh {
        let line = committed
            .lines()
            .zip(fresh.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| committed.lines().count().min(fresh.lines().count()));
        panic!(
            "docs/cli.md is out of date with the clap definitions (first difference at line {}):\n\
             committed: {:?}\n\
             generated: {:?}\n\
             Regenerate it with: KAMERSTAND_UPDATE_DOCS=1 cargo test --test main clidoc",
            line + 1,
            committed.lines().nth(line).unwrap_or("(end of file)"),
            fresh.lines().nth(line).unwrap_or("(end of file)"),
        );
    }
}

#[test]
fn reference_does_not_depend_on_terminal_or_environment() {
    // The rendering fixes its own width and hides environment values, so
    // the variables a user or CI may have set change nothing.
    let a = kamerstand::cli::reference_markdown();
    assert!(!a.contains('\u{1b}'), "colour codes in the reference");
    assert!(
        a.contains("[env: KAMERSTAND_STORE]"),
        "env values must be hidden"
    );
    assert!(a.lines().all(|l| l == l.trim_end()), "trailing spaces");
    assert!(
        a.lines()
            .all(|l| l.chars().count() <= 100 || l.starts_with("- ["))
    );
    assert!(
        !a.contains("## kamerstand bench-gen") && !a.contains("(#kamerstand-bench-gen)"),
        "hidden commands are left out"
    );
    for cmd in [
        "init",
        "item add",
        "round seal",
        "completions",
        "man",
        "verify",
    ] {
        assert!(a.contains(&format!("\n## kamerstand {cmd}\n")), "{cmd}");
    }
}

/// Every visible command below `cmd`, with its words after `kamerstand`.
fn commands(cmd: &clap::Command, path: &str, out: &mut Vec<(String, clap::Command)>) {
    for sub in cmd.get_subcommands() {
        if sub.is_hide_set() || sub.get_name() == "help" {
            continue;
        }
        let p = format!("{path} {}", sub.get_name()).trim().to_string();
        out.push((p.clone(), sub.clone()));
        commands(sub, &p, out);
    }
}

#[test]
fn every_command_and_flag_has_help_and_every_command_an_example() {
    let mut root = kamerstand::cli::Cli::command();
    root.build();
    let mut all = vec![("".to_string(), root.clone())];
    commands(&root, "", &mut all);
    assert!(all.len() >= 20, "{} commands", all.len());
    for (path, cmd) in &all {
        let long = cmd.clone().render_long_help().to_string();
        if !path.is_empty() {
            assert!(
                long.contains("\nExample: kamerstand "),
                "`kamerstand {path} --help` shows no example:\n{long}"
            );
        }
        for arg in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
            let help = arg
                .get_long_help()
                .or(arg.get_help())
                .map(ToString::to_string)
                .unwrap_or_default();
            assert!(
                help.trim().len() > 3,
                "`kamerstand {path}`: argument {} has no help text",
                arg.get_id()
            );
        }
    }
    // And the binary prints it: `help COMMAND` equals `COMMAND --help`.
    let env = TestEnv::new();
    let a = env.run_bare(&["help", "item", "add"]);
    a.ok();
    let b = env.run_bare(&["item", "add", "--help"]);
    assert_eq!(a.stdout, b.stdout);
    assert!(
        a.stdout.contains("Example: kamerstand item add"),
        "{}",
        a.stdout
    );
}

#[test]
fn long_help_explains_time_axes_rounds_and_corrections() {
    let env = TestEnv::new();
    for args in [&["--help"][..], &["help"][..]] {
        let out = env.run_bare(args);
        out.ok();
        for topic in [
            "Recorded time (--as-of, --round).",
            "Effective date (--effective).",
            "Rounds. `round seal NAME`",
            "Corrections. Nothing is overwritten",
            "Exit codes: 0 success",
        ] {
            assert!(
                out.stdout.contains(topic),
                "{args:?}: {topic}\n{}",
                out.stdout
            );
        }
    }
    // The short help stays short.
    let short = env.run_bare(&["-h"]);
    assert!(!short.stdout.contains("Recorded time"), "{}", short.stdout);
}

#[test]
fn completions_for_each_shell() {
    let env = TestEnv::new();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = env.run_bare(&["completions", shell]);
        out.ok();
        assert!(out.stdout.contains("kamerstand"), "{shell}");
        for word in ["overview", "round", "as-of", "legend"] {
            assert!(out.stdout.contains(word), "{shell} completion lacks {word}");
        }
    }
    // Through the real binary too, and nothing touches a store.
    let out = env.bin(&["completions", "bash"]);
    out.ok();
    assert!(
        out.stdout.starts_with("_kamerstand()"),
        "{}",
        &out.stdout[..80]
    );
    assert!(!env.store.exists());
    let args = ["completions", "bsh"];
    let bad = env.run_bare(&args);
    bad.refusal(2, "completions bsh", &[]);
    snap!(Transcript::new().add(&args, &bad).text());
}

#[test]
fn man_pages() {
    let env = TestEnv::new();
    let out = env.run_bare(&["man"]);
    out.ok();
    assert!(out.stdout.contains(".TH kamerstand 1 "), "{}", out.stdout);
    for word in ["verify", "completions", "Recorded time"] {
        assert!(out.stdout.contains(word), "{word}");
    }
    let sub = env.run_bare(&["man", "item", "add"]);
    sub.ok();
    assert!(
        sub.stdout.contains(".TH kamerstand-item-add 1 "),
        "{}",
        sub.stdout
    );
    assert!(sub.stdout.contains("\\-\\-submitter"), "{}", sub.stdout);
    let mut t = Transcript::new();
    for args in [&["man", "item", "ad"][..], &["man", "status", "x"]] {
        let bad = env.run_bare(args);
        bad.refusal(2, "man", &[]);
        t.add(args, &bad);
    }
    snap!(t.text());
    assert!(!env.store.exists());
}

#[test]
fn mistyped_commands_and_flags_get_suggestions() {
    let env = TestEnv::init();
    let mut t = Transcript::new();
    for args in [
        &["overveiw"][..],
        &["overview", "--as-off", "2025-01-01"],
        &["round", "seel", "x"],
    ] {
        t.add(args, &env.refused_in(args, b"", 2, &[]));
    }
    snap!(t.text());
}

#[test]
fn mistyped_statuses_get_the_closest_legend_values() {
    let env = TestEnv::init();
    let key = env.add(&[
        "--kind",
        "toezegging",
        "--text",
        "De minister stuurt een brief.",
    ]);
    let mut t = Transcript::new();
    for args in [
        &["status", &key, "in-uitvoerng"][..],
        &["status", &key, "In uitvoering met vertragin"],
        &[
            "item",
            "add",
            "--kind",
            "motie",
            "--text",
            "x",
            "--status",
            "doorlopen",
        ],
    ] {
        t.add(
            args,
            &env.refused_in(args, b"", 2, &["Nothing was written."]),
        );
    }
    snap!(t.text());
}

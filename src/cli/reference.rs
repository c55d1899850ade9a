//! The text that explains kamerstand's ideas in the top-level long help, and
//! the command reference `docs/cli.md`, rendered from the same clap
//! definitions as `--help` so the two cannot drift apart (a test compares the
//! committed file with a fresh rendering).

use super::Cli;
use clap::CommandFactory;

/// Width the reference is rendered at, whatever the terminal.
const WIDTH: usize = 100;

/// Shown after the top-level long help (`kamerstand --help`, `kamerstand
/// help`). One line per paragraph: clap wraps it to the terminal, man to the
/// page.
pub(super) const CONCEPTS: &str = "\
Two time axes, rounds and corrections:

Recorded time (--as-of, --round). Every event carries the time it was recorded, \
set by the ledger's clock, never by a flag. `--as-of 2025-05-01` shows what the \
ledger held at the end of that day: later events, corrections included, are \
invisible. This is the auditor's \"what was reported when\".

Effective date (--effective). The day a change took effect in the world, given \
by the clerk (default: today). Write commands take it to back-date a change; \
read commands take it to show the values in effect on that day, as known in \
the chosen view. Of two changes, the one with the later effective date stays \
current, whichever was recorded last.

Rounds. `round seal NAME` closes a reporting round: everything recorded so far \
belongs to it, and the seal's hash is the digest to print in the progress \
letter. `--round NAME` shows the ledger as sealed, `diff ROUND1 ROUND2` shows \
what changed, and `verify --digest HEX` later proves that nothing was rewritten.

Corrections. Nothing is overwritten or deleted. `correct SEQ` records a \
correction that points at the wrong event and gives a replacement (or \
--retract). Both stay in the chain: views as of before the correction show the \
original, views after it the replacement.

Exit codes: 0 success; 2 input refused (nothing was written); 1 damaged \
ledger, failed verification or failed storage.

`kamerstand help COMMAND` shows a command's flags and examples.";

/// The command tree as clap builds it, at a fixed width and with environment
/// values hidden, so the rendering does not depend on the terminal or the
/// caller's environment.
fn built() -> clap::Command {
    let mut cmd = Cli::command()
        .term_width(WIDTH)
        .max_term_width(WIDTH)
        .mut_args(|a| a.hide_env_values(true));
    cmd.build();
    cmd
}

/// Every visible command below `cmd`, depth first in definition order, with
/// its words after `kamerstand` (clap's own `help` and hidden commands left out).
fn walk<'a>(
    cmd: &'a clap::Command,
    path: &[&'a str],
    out: &mut Vec<(Vec<&'a str>, &'a clap::Command)>,
) {
    for sub in cmd.get_subcommands() {
        if sub.is_hide_set() || sub.get_name() == "help" {
            continue;
        }
        let mut p = path.to_vec();
        p.push(sub.get_name());
        out.push((p.clone(), sub));
        walk(sub, &p, out);
    }
}

/// The long help of `cmd` as plain text, without trailing spaces.
fn long_help(cmd: &clap::Command) -> String {
    let text = cmd.clone().term_width(WIDTH).render_long_help().to_string();
    let mut s: String = text
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n");
    s.push('\n');
    s
}

/// The command reference in Markdown: a list of commands, then the long help
/// of `kamerstand` and of every visible command, as `--help` prints it at a
/// width of 100 columns. This is `docs/cli.md`.
pub fn markdown() -> String {
    /// Breaks a line of words at spaces so no line is longer than `max`.
    fn wrap(s: &str, max: usize) -> String {
        let mut out = String::new();
        let mut line = 0;
        for w in s.split(' ') {
            if line > 0 && line + 1 + w.chars().count() > max {
                out.push('\n');
                line = 0;
            } else if line > 0 {
                out.push(' ');
                line += 1;
            }
            out.push_str(w);
            line += w.chars().count();
        }
        out
    }
    let root = built();
    let mut all = Vec::new();
    walk(&root, &[], &mut all);
    let globals: Vec<String> = root
        .get_arguments()
        .filter(|a| a.is_global_set() && !a.is_hide_set())
        .filter_map(|a| a.get_long().map(|l| format!("`--{l}`")))
        .collect();
    let mut s = format!(
        "# Command-line reference\n\n\
         <!-- Generated from the clap definitions; do not edit. Regenerate with\n     \
         KAMERSTAND_UPDATE_DOCS=1 cargo test --test main clidoc -->\n\n\
         This is what `kamerstand --help` and `kamerstand help COMMAND` print. Every\n\
         command also takes the global options\n{}\n\
         (see [kamerstand](#kamerstand)).\n\n",
        wrap(&globals.join(", "), 100)
    );
    s.push_str("- [kamerstand](#kamerstand)\n");
    for (path, _) in &all {
        let name = path.join(" ");
        let indent = "  ".repeat(path.len());
        s.push_str(&format!(
            "{indent}- [{name}](#kamerstand-{})\n",
            path.join("-")
        ));
    }
    s.push_str("\n## kamerstand\n\n```text\n");
    s.push_str(&long_help(&root));
    s.push_str("```\n");
    for (path, cmd) in &all {
        s.push_str(&format!(
            "\n## kamerstand {}\n\n```text\n{}```\n",
            path.join(" "),
            long_help(cmd)
        ));
    }
    s
}

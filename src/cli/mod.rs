//! The command line: clap definitions and one small handler per command, one
//! file each. A handler parses its arguments into domain types, opens the
//! store, calls the library and renders; it holds no domain rule.
//!
//! [`run`] takes its output streams and clock from an [`Env`], so tests drive
//! the whole CLI in-process with a pinned clock; `main` passes the real ones.

mod args;
mod command_error;
mod commands;
mod reference;
#[cfg(feature = "server")]
mod remote;
mod ui;

pub use command_error::CliError;
#[cfg(feature = "server")]
pub(crate) use commands::outcome_line;
pub use reference::markdown as reference_markdown;
pub use ui::progress::DELAY_ENV as PROGRESS_DELAY_ENV;
pub use ui::terminal::Terminal;

use crate::formats::annex::Lang;
use crate::ledger::Clock;
use args::Formats;
pub(crate) use args::Global;
use clap::{Parser, Subcommand};
#[cfg(feature = "bench")]
use commands::bench_gen;
use commands::{
    account, assign, completions, correct, demo, diff, export, import, init, item, key, log, man,
    note, overview, proof, round, show, status, verify,
};
use std::ffi::OsString;
use std::io::{Read, Write};
use std::path::PathBuf;

/// Record and check what a programme reports to parliament about its motions
/// (moties) and commitments (toezeggingen), in an append-only, hash-chained
/// ledger.
///
/// Start with `kamerstand demo`, or create a ledger with
/// `kamerstand init --programme NAP --title "…"` and add items with
/// `kamerstand item add`.
#[derive(Debug, Parser)]
#[command(
    name = "kamerstand",
    version,
    max_term_width = 100,
    after_long_help = reference::CONCEPTS,
    next_help_heading = "Global options"
)]
pub struct Cli {
    /// The ledger's directory, e.g. nap.db (made by `init`).
    #[arg(
        long,
        global = true,
        env = "KAMERSTAND_STORE",
        default_value = "kamerstand.db",
        value_name = "PATH"
    )]
    pub(crate) store: PathBuf,
    /// Who is recording, stored in every event, e.g. "J. de Vries".
    /// Defaults to the OS user.
    #[arg(long, global = true, env = "KAMERSTAND_ACTOR", value_name = "NAME")]
    pub(crate) actor: Option<String>,
    /// Output format: table or json; diff also md. For `import` the input
    /// format (annex, csv, events); for `export` the export format (md,
    /// html, csv, json, events).
    #[arg(long, global = true, value_name = "FORMAT")]
    pub(crate) format: Option<String>,
    /// If another kamerstand process holds the store, wait up to this many
    /// seconds for it instead of failing at once.
    #[arg(
        long,
        global = true,
        value_name = "SECONDS",
        default_value_t = 0.0,
        allow_negative_numbers = true
    )]
    pub(crate) wait: f64,
    /// Use a store directory that users other than its owner can write
    /// (group- or world-writable without the sticky bit). Refused without
    /// this flag: they could plant links or files where kamerstand writes.
    #[arg(long, global = true)]
    pub(crate) allow_shared_store: bool,
    /// Show no progress bars on standard error. Without it, import,
    /// verify, export and bench-gen show one when standard error is a
    /// terminal and the work takes more than a second; so does any command
    /// that is the first to open a store an earlier version wrote (it
    /// builds the index once).
    ///
    /// Example: kamerstand --quiet verify
    #[arg(long, short = 'q', global = true)]
    pub(crate) quiet: bool,
    /// Language of what is written for people: the sentence naming the
    /// view above every read, the statuses every read names, the headings
    /// and labels of every read's tables (overview, item list, show, log,
    /// round list, account list), the receipt every write prints, the
    /// line naming a file written (export, diff, key generate), the
    /// labels and headings of exported documents, and what `verify`
    /// reports (nl or en). Error messages and import reports are in
    /// English, but for the table of events a dry run lists.
    #[arg(long, global = true, value_enum, default_value_t = Lang::Nl, value_name = "LANG")]
    pub(crate) lang: Lang,
    /// Work against a kamerstand server instead of a local store, e.g.
    /// https://kamerstand.example.nl (see `kamerstand serve`). The API
    /// token comes from KAMERSTAND_TOKEN or --token-file, never from the
    /// command line. Commands: overview, show, log, item, status, assign,
    /// note, correct, round, diff, export, import (annexes and CSV),
    /// proof, verify, account (list, add, change, disable, enable).
    // The URL stays bare: this text is also the option's help.
    #[allow(rustdoc::bare_urls)]
    #[cfg(feature = "server")]
    #[arg(long, global = true, env = "KAMERSTAND_SERVER", value_name = "URL")]
    pub(crate) server: Option<String>,
    /// A file holding the API token for --server (made by `kamerstand
    /// account token NAME`), readable by its owner only (chmod 600);
    /// without it, KAMERSTAND_TOKEN.
    #[cfg(feature = "server")]
    #[arg(long, global = true, value_name = "PATH")]
    pub(crate) token_file: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Init(init::Args),
    #[command(subcommand)]
    Item(item::ItemCommand),
    Status(status::Args),
    Assign(assign::Args),
    Note(note::Args),
    Show(show::Args),
    Correct(correct::Args),
    #[command(subcommand)]
    Round(round::RoundCommand),
    #[command(subcommand)]
    Key(key::KeyCommand),
    #[command(subcommand)]
    Proof(proof::ProofCommand),
    Diff(diff::Args),
    Export(export::Args),
    Import(import::Args),
    Log(log::Args),
    Overview(overview::Args),
    Verify(verify::Args),
    #[command(subcommand)]
    Account(account::AccountCommand),
    #[cfg(feature = "server")]
    Serve(commands::serve::Args),
    Demo(demo::Args),
    Completions(completions::Args),
    Man(man::Args),
    #[cfg(feature = "bench")]
    #[command(hide = true)]
    BenchGen(bench_gen::Args),
}

impl Command {
    /// Which formats `--format` may name with this command.
    fn formats(&self) -> Formats {
        match self {
            Command::Import(_) => Formats::Import,
            Command::Export(_) => Formats::Export,
            Command::Diff(_) => Formats::Diff,
            _ => Formats::Read,
        }
    }

    /// True for commands that work on no ledger at all (help for the
    /// shell, a key file, proofs checked against notes and keys): they run
    /// here the same with or without `--server`, so that a
    /// `KAMERSTAND_SERVER` set for scripts does not stop them.
    #[cfg(feature = "server")]
    fn needs_no_ledger(&self) -> bool {
        match self {
            Command::Completions(_) | Command::Man(_) => true,
            Command::Key(c) => matches!(c, key::KeyCommand::Generate(_)),
            Command::Proof(c) => matches!(c, proof::ProofCommand::Check(_)),
            _ => false,
        }
    }

    /// True for commands that append events (their refusals say that
    /// nothing was written).
    fn writes(&self) -> bool {
        match self {
            Command::Init(_)
            | Command::Status(_)
            | Command::Assign(_)
            | Command::Note(_)
            | Command::Correct(_)
            | Command::Import(_) => true,
            #[cfg(feature = "bench")]
            Command::BenchGen(_) => true,
            Command::Item(c) => !matches!(c, item::ItemCommand::List(_)),
            Command::Round(c) => matches!(
                c,
                round::RoundCommand::Seal(_) | round::RoundCommand::Sign(_)
            ),
            Command::Key(c) => !matches!(c, key::KeyCommand::List(_)),
            Command::Proof(_) => false,
            Command::Account(c) => !matches!(c, account::AccountCommand::List(_)),
            #[cfg(feature = "server")]
            Command::Serve(_) => false,
            Command::Show(_)
            | Command::Log(_)
            | Command::Overview(_)
            | Command::Verify(_)
            | Command::Diff(_)
            | Command::Export(_)
            | Command::Demo(_)
            | Command::Completions(_)
            | Command::Man(_) => false,
        }
    }
}

/// What a command run needs from the outside world.
pub struct Env<'a> {
    /// Standard output.
    pub out: &'a mut dyn Write,
    /// Standard error.
    pub err: &'a mut dyn Write,
    /// Standard input (for `note KEY -`).
    pub input: &'a mut dyn Read,
    /// Makes the ledger's clock for each opened store.
    pub clock: &'a dyn Fn() -> Box<dyn Clock>,
    /// The OS user name, the default actor.
    pub os_user: Option<String>,
    /// What stdout and stderr are attached to: colour, width and progress
    /// bars follow from it. Tests pass the default (no terminal).
    pub terminal: Terminal,
    /// The process ends when the command does (the binary; not a test or
    /// the demo, which run several commands in one process): the command's
    /// store is then left to the end of the process instead of being
    /// closed piece by piece ([`crate::ledger::OpenOptions::leave_at_close`]).
    pub exits_after: bool,
    /// How many events a ledger may hold for each command to check its whole
    /// chain and index when it opens it ([`crate::ledger::OpenOptions::whole_ledger_up_to`]):
    /// [`crate::ledger::WHOLE_LEDGER_AT_OPEN`]; tests set less, to see what a
    /// command does on a larger ledger.
    pub whole_ledger_up_to: u64,
}

impl std::fmt::Debug for Env<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Env")
            .field("os_user", &self.os_user)
            .field("terminal", &self.terminal)
            .finish_non_exhaustive()
    }
}

/// The refusal of an argument that is not UTF-8 where text is expected
/// (file paths take any bytes): which one it is, found by parsing again
/// with every other such argument made UTF-8 (lossily) and looking up
/// whose value the culprit became.
fn not_utf8(args: &[OsString]) -> crate::domain::Invalid {
    use crate::domain::Invalid;
    let expected = "text in UTF-8 (only file paths may hold other bytes)";
    let lossy: Vec<OsString> = args
        .iter()
        .map(|a| OsString::from(a.to_string_lossy().into_owned()))
        .collect();
    for (i, a) in args.iter().enumerate() {
        if a.to_str().is_some() {
            continue;
        }
        let mut one = lossy.clone();
        one[i] = a.clone();
        let Err(e) = Cli::try_parse_from(&one) else {
            continue;
        };
        if e.kind() != clap::error::ErrorKind::InvalidUtf8 {
            continue;
        }
        let shown = crate::fsutil::shown_path(std::path::Path::new(a));
        // `--flag=VALUE` holds its value after the '='.
        let value = lossy[i]
            .to_str()
            .filter(|l| l.starts_with("--"))
            .and_then(|l| l.split_once('='))
            .map_or_else(|| lossy[i].clone(), |(_, v)| OsString::from(v));
        let name = arg_name(&lossy, &value).unwrap_or_else(|| format!("argument {i}"));
        return Invalid::new(name, &shown, expected);
    }
    // Else the value of an environment variable clap reads.
    let mut cmds = vec![<Cli as clap::CommandFactory>::command()];
    while let Some(cmd) = cmds.pop() {
        for env in cmd.get_arguments().filter_map(clap::Arg::get_env) {
            if let Some(v) = std::env::var_os(env)
                && v.to_str().is_none()
            {
                let shown = crate::fsutil::shown_path(std::path::Path::new(&v));
                return Invalid::new(env.to_string_lossy(), &shown, expected);
            }
        }
        cmds.extend(cmd.get_subcommands().cloned());
    }
    Invalid::new("argument", "(not shown)", expected)
}

/// The name of the argument (`--actor`, `NAME`) whose value is `value`
/// when `args` are parsed.
fn arg_name(args: &[OsString], value: &OsString) -> Option<String> {
    use clap::CommandFactory;
    let mut cmd = Cli::command();
    let mut m = cmd.clone().try_get_matches_from(args).ok()?;
    loop {
        for id in m.ids() {
            let hit = m
                .get_raw(id.as_str())
                .is_some_and(|mut vs| vs.any(|v| v == value));
            if hit {
                let arg = cmd.get_arguments().find(|a| a.get_id() == id)?;
                return Some(match (arg.get_long(), arg.get_short()) {
                    (Some(l), _) => format!("--{l}"),
                    (None, Some(s)) => format!("-{s}"),
                    (None, None) => arg
                        .get_value_names()
                        .and_then(|n| n.first())
                        .map_or_else(|| id.as_str().to_uppercase(), ToString::to_string),
                });
            }
        }
        let (name, sub) = m.remove_subcommand()?;
        cmd = cmd.find_subcommand(&name)?.clone();
        m = sub;
    }
}

/// Writes text to stdout; a closed pipe ends the command quietly.
pub(crate) fn emit(env: &mut Env<'_>, s: &str) -> Result<(), CliError> {
    env.out
        .write_all(s.as_bytes())
        .and_then(|()| env.out.flush())
        .map_err(CliError::from_output)
}

/// Runs the CLI on `args` (including the program name) and returns the exit
/// code: 0 success, 1 corruption or storage failure, 2 rejected input.
pub fn run<I, T>(args: I, env: &mut Env<'_>) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let cli = match Cli::try_parse_from(&args) {
        Ok(c) => c,
        Err(e) if e.kind() == clap::error::ErrorKind::InvalidUtf8 => {
            // clap says only that some argument is not UTF-8: say which.
            return CliError::from(not_utf8(&args)).report(env.err, false);
        }
        Err(e) => {
            let code = e.exit_code();
            let rendered = e.render().to_string();
            let stream: &mut dyn Write = if e.use_stderr() { env.err } else { env.out };
            let _ = stream.write_all(rendered.as_bytes());
            return code;
        }
    };
    match dispatch(&cli, env) {
        Ok(()) => 0,
        Err(e) => e.report(env.err, cli.command.writes()),
    }
}

fn dispatch(cli: &Cli, env: &mut Env<'_>) -> Result<(), CliError> {
    let g = Global::lower(cli, env, cli.command.formats())?;
    #[cfg(feature = "server")]
    if let Some(url) = &cli.server
        && !cli.command.needs_no_ledger()
    {
        return remote_dispatch(cli, url, &g, env);
    }
    match &cli.command {
        Command::Init(a) => init::run(a, &g, env),
        Command::Item(c) => item::run(c, &g, env),
        Command::Status(a) => status::run(a, &g, env),
        Command::Assign(a) => assign::run(a, &g, env),
        Command::Note(a) => note::run(a, &g, env),
        Command::Show(a) => show::run(a, &g, env),
        Command::Correct(a) => correct::run(a, &g, env),
        Command::Round(c) => round::run(c, &g, env),
        Command::Key(c) => key::run(c, &g, env),
        Command::Proof(c) => proof::run(c, &g, env),
        Command::Diff(a) => diff::run(a, &g, env),
        Command::Export(a) => export::run(a, &g, env),
        Command::Import(a) => import::run(a, &g, env),
        Command::Log(a) => log::run(a, &g, env),
        Command::Overview(a) => overview::run(a, &g, env),
        Command::Verify(a) => verify::run(a, &g, env),
        Command::Account(c) => account::run(c, &g, env),
        #[cfg(feature = "server")]
        Command::Serve(a) => commands::serve::run(a, &g, env),
        Command::Demo(a) => demo::run(a, &g, env),
        Command::Completions(a) => completions::run(a, env),
        Command::Man(a) => man::run(a, env),
        #[cfg(feature = "bench")]
        Command::BenchGen(a) => bench_gen::run(a, &g, env),
    }
}

/// Runs a command against a server (`--server URL`).
#[cfg(feature = "server")]
fn remote_dispatch(cli: &Cli, url: &str, g: &Global, env: &mut Env<'_>) -> Result<(), CliError> {
    let r = remote::Remote::connect(url, cli.token_file.as_deref(), g)?;
    match &cli.command {
        Command::Overview(a) => overview::remote(a, g, &r, env),
        Command::Show(a) => show::remote(a, g, &r, env),
        Command::Log(a) => log::remote(a, g, &r, env),
        Command::Item(c) => item::remote(c, g, &r, env),
        Command::Status(a) => status::remote(a, &r, env),
        Command::Assign(a) => assign::remote(a, &r, env),
        Command::Note(a) => note::remote(a, &r, env),
        Command::Correct(a) => correct::remote(a, &r, env),
        Command::Round(c) => round::remote(c, &r, env),
        Command::Diff(a) => diff::remote(a, g, &r, env),
        Command::Export(a) => export::remote(a, g, &r, env),
        Command::Import(a) => import::remote(a, g, &r, env),
        Command::Proof(c) => proof::remote(c, g, &r, env),
        Command::Verify(a) => verify::remote(a, &r, env),
        Command::Account(c) => account::remote(c, &r, env),
        _ => Err(crate::domain::Invalid::new(
            "--server",
            url,
            "no --server for this command: it works on a local store (or, for `serve`, is the server)",
        )
        .into()),
    }
}

/// Prints what a write command recorded: its receipt line, or the event
/// as JSON.
pub(crate) fn receipt(
    env: &mut Env<'_>,
    g: &Global,
    ws: &crate::app::Workspace,
    rec: &crate::ledger::Recorded,
    line: &str,
) -> Result<(), CliError> {
    let key_of = |id| {
        ws.ledger()
            .current_of(id)
            .ok()
            .flatten()
            .map(|s| s.item.key.to_string())
    };
    emit(
        env,
        &crate::report::receipt(&key_of, rec, line, g.report(), g.look.lang),
    )
}

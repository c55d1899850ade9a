//! Arguments, low to high: clap reads the raw flags into [`super::Cli`]
//! (typed by value parsers where clap can), and [`Global::lower`] turns the
//! global ones into validated settings before any store is opened — the
//! actor checked, `--wait` in range, `--format` made the typed format of the
//! command at hand (it is one global flag whose values differ per command,
//! so that check is ours: it names the values this command takes). The view flags shared by every read command are parsed
//! here into the library's [`ViewRequest`].

use super::ui::progress::Progress as Bar;
use super::{Cli, CliError, Env};
use crate::app::view::ViewRequest;
use crate::app::{Progress, Workspace};
use crate::domain::{Day, Instant, Invalid, ItemKind, text};
use crate::formats::annex::Lang;
use crate::formats::{ExportFormat, ImportFormat};
use crate::ledger::OpenOptions;
use crate::projection::FilterRequest;
use crate::report::Format;
use crate::report::letter::changes::DiffFormat;
use crate::report::table::Look;
use std::path::PathBuf;
use std::time::Duration;

/// Which formats a command takes: `--format` is one global flag, and each
/// command accepts its own part of its values, checked and typed here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Formats {
    /// table, json.
    Read,
    /// table, md, html, docx, json.
    Diff,
    /// The import formats.
    Import,
    /// The export formats.
    Export,
}

impl Formats {
    fn names(self) -> Vec<&'static str> {
        match self {
            Formats::Read => vec!["table", "json"],
            Formats::Diff => DiffFormat::ALL.iter().map(|f| f.name()).collect(),
            Formats::Import => ImportFormat::ALL.iter().map(|f| f.name()).collect(),
            Formats::Export => ExportFormat::ALL.iter().map(|f| f.name()).collect(),
        }
    }
}

/// The typed `--format` of the command at hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// A read command's output.
    Report(Format),
    /// `diff`'s output.
    Diff(DiffFormat),
    /// `import`'s input format (None: detect).
    Import(Option<ImportFormat>),
    /// `export`'s format (None: not given).
    Export(Option<ExportFormat>),
}

/// Settings shared by all commands, validated before any store is opened.
#[derive(Debug, Clone)]
pub struct Global {
    /// The store's directory.
    pub store: PathBuf,
    /// Who is recording.
    pub actor: String,
    /// The output (or import/export) format.
    pub format: OutputFormat,
    /// How long to wait for another process's lock.
    pub wait: Duration,
    /// Accept a store directory others can write (`--allow-shared-store`).
    pub allow_shared_store: bool,
    /// How tables and statuses are drawn on stdout.
    pub look: Look,
    /// Show progress bars on stderr (a terminal, and no `--quiet`).
    pub progress: bool,
    /// The language of sentences and documents (`--lang`).
    pub lang: Lang,
}

impl Global {
    /// Lowers the global flags for a command that takes `formats`.
    pub fn lower(cli: &Cli, env: &Env<'_>, formats: Formats) -> Result<Global, CliError> {
        let actor_raw = cli
            .actor
            .clone()
            .or_else(|| env.os_user.clone())
            .unwrap_or_else(|| "unknown".into());
        let actor = text::short_text("--actor", &actor_raw)?;
        if !(0.0..=86_400.0).contains(&cli.wait) {
            return Err(Invalid::new(
                "--wait",
                &cli.wait.to_string(),
                "a number of seconds from 0 to 86400",
            )
            .into());
        }
        let given = cli.format.as_deref().map(str::to_ascii_lowercase);
        let given = given.as_deref();
        if let Some(f) = given
            && !formats.names().contains(&f)
        {
            return Err(Invalid::new(
                "--format",
                f,
                format!("one of {} for this command", formats.names().join(", ")),
            )
            .into());
        }
        let format = match formats {
            Formats::Diff => OutputFormat::Diff(
                DiffFormat::ALL
                    .iter()
                    .copied()
                    .find(|f| Some(f.name()) == given)
                    .unwrap_or(DiffFormat::Table),
            ),
            Formats::Read => OutputFormat::Report(match given {
                Some("json") => Format::Json,
                Some("md") => Format::Md,
                _ => Format::Table,
            }),
            Formats::Import => OutputFormat::Import(
                given
                    .map(|f| {
                        crate::formats::parse_name("--format", f, &ImportFormat::ALL, |x| x.name())
                    })
                    .transpose()?,
            ),
            Formats::Export => OutputFormat::Export(
                given
                    .map(|f| {
                        crate::formats::parse_name("--format", f, &ExportFormat::ALL, |x| x.name())
                    })
                    .transpose()?,
            ),
        };
        Ok(Global {
            store: cli.store.clone(),
            actor,
            format,
            wait: Duration::from_secs_f64(cli.wait),
            allow_shared_store: cli.allow_shared_store,
            look: Look {
                lang: cli.lang,
                ..env.terminal.look()
            },
            progress: env.terminal.stderr && !cli.quiet,
            lang: cli.lang,
        })
    }

    /// The report format of a read command (table when the command takes
    /// another kind of format).
    pub fn report(&self) -> Format {
        match self.format {
            OutputFormat::Report(f) => f,
            _ => Format::Table,
        }
    }

    /// How to open the store.
    pub fn options(&self, env: &Env<'_>) -> OpenOptions {
        OpenOptions {
            wait: self.wait,
            clock: (env.clock)(),
            allow_shared_store: self.allow_shared_store,
            leave_at_close: false,
            compress: false,
            whole_ledger_up_to: env.whole_ledger_up_to,
        }
    }

    /// How to open the store for the command's own workspace, which is
    /// closed when the command ends: left to the end of the process when
    /// the process ends with the command ([`Env::exits_after`]).
    fn options_to_the_end(&self, env: &Env<'_>) -> OpenOptions {
        OpenOptions {
            leave_at_close: env.exits_after,
            ..self.options(env)
        }
    }

    /// Opens the store. A store an earlier version wrote gets its index (or
    /// the parts of it that version lacked) once, at its first open, which
    /// can take a while on a large ledger: a progress bar shows it, made
    /// only then, so that an open that builds nothing starts no thread and
    /// draws nothing.
    pub fn open(&self, env: &Env<'_>) -> Result<Workspace, CliError> {
        let bar = OnFirstReport {
            g: self,
            bar: std::cell::OnceCell::new(),
        };
        self.open_with_progress(env, &bar)
    }

    /// Opens the store for a round seal: a small ledger's chain is not
    /// checked at open, as the seal verifies the whole ledger itself and
    /// records in the store what it finds.
    pub fn open_to_seal(&self, env: &Env<'_>) -> Result<Workspace, CliError> {
        let bar = OnFirstReport {
            g: self,
            bar: std::cell::OnceCell::new(),
        };
        Ok(Workspace::open_with_progress(
            &self.store,
            OpenOptions {
                whole_ledger_up_to: 0,
                ..self.options_to_the_end(env)
            },
            &bar,
        )?)
    }

    /// Opens the store, showing on `progress` how far building its index
    /// has come (once, for a store an earlier version wrote).
    pub fn open_with_progress(
        &self,
        env: &Env<'_>,
        progress: &dyn Progress,
    ) -> Result<Workspace, CliError> {
        Ok(Workspace::open_with_progress(
            &self.store,
            self.options_to_the_end(env),
            progress,
        )?)
    }
}

/// A command's progress display made at the first report, not before: the
/// bar of [`Global::open`], cleared when the open returns.
struct OnFirstReport<'g> {
    g: &'g Global,
    bar: std::cell::OnceCell<Bar>,
}

impl OnFirstReport<'_> {
    fn bar(&self) -> &Bar {
        self.bar.get_or_init(|| Bar::start(self.g))
    }
}

impl Progress for OnFirstReport<'_> {
    fn phase(&self, what: &str, unit: &str) {
        self.bar().phase(what, unit);
    }
    fn spin(&self, what: &str) {
        self.bar().spin(what);
    }
    fn update(&self, done: u64, total: u64) {
        self.bar().update(done, total);
    }
}

/// Which view of the ledger to show.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ViewArgs {
    /// Show what the ledger held at this instant: RFC 3339
    /// (2025-05-01T14:00:00+02:00) or a date YYYY-MM-DD meaning the end of
    /// that day in Dutch time (Europe/Amsterdam). Later events, corrections
    /// included, are invisible.
    #[arg(long, value_name = "INSTANT", conflicts_with = "round")]
    pub as_of: Option<String>,
    /// Show the view as of a sealed reporting round, e.g. 2025-voorjaar
    /// (see `round list`).
    #[arg(long, value_name = "NAME")]
    pub round: Option<String>,
    /// Show the values in effect on this day, YYYY-MM-DD, as known in the
    /// chosen view.
    #[arg(long, value_name = "DATE")]
    pub effective: Option<String>,
}

impl ViewArgs {
    /// Parses the flags (no store needed).
    pub fn parse(&self) -> Result<ViewRequest, CliError> {
        Ok(ViewRequest {
            as_of: self
                .as_of
                .as_deref()
                .map(|s| Instant::parse("--as-of", s))
                .transpose()?,
            round: self.round.clone(),
            effective: self
                .effective
                .as_deref()
                .map(|s| Day::parse("--effective", s))
                .transpose()?,
        })
    }
}

/// Which items to show: filters shared by `overview`, `item list` and
/// `export`, applied by the library ([`FilterRequest`]).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct FilterArgs {
    /// Only items one of whose responsible parties is of this ministry: a
    /// portfolio (OCW: its ministers and state secretaries), a responsible
    /// code (SOCW: that party only) or a ministry's name (Financiën).
    #[arg(long, value_name = "CODE")]
    pub ministry: Option<String>,
    /// Only items in this status: a slug or label of the ledger's legend,
    /// e.g. in-uitvoering or "In uitvoering".
    #[arg(long, value_name = "STATUS")]
    pub status: Option<String>,
    /// Only motions or only commitments: motie or toezegging.
    #[arg(long, value_name = "KIND")]
    pub kind: Option<String>,
}

impl FilterArgs {
    /// Parses what can be checked without the store (the kind, the form of
    /// the texts); the library checks the rest against the view.
    pub fn parse(&self) -> Result<FilterRequest, CliError> {
        let short = |what: &str, v: &Option<String>| -> Result<Option<String>, CliError> {
            v.as_deref()
                .map(|s| text::short_text(what, s).map_err(CliError::from))
                .transpose()
        };
        Ok(FilterRequest {
            ministry: short("--ministry", &self.ministry)?,
            status: short("--status", &self.status)?,
            kind: self
                .kind
                .as_deref()
                .map(|k| ItemKind::parse(k).map_err(|e| Invalid::new("--kind", k, e.expected)))
                .transpose()?,
        })
    }
}

/// Whole texts instead of cut ones, for the commands that print tables.
#[derive(Debug, Clone, Copy, Default, clap::Args)]
pub struct WideArgs {
    /// Show whole texts, wrapped to the terminal's width, instead of
    /// cutting them to keep each row on one line.
    #[arg(long, visible_alias = "full")]
    pub wide: bool,
}

impl WideArgs {
    /// The look of standard output with this choice.
    pub fn look(self, g: &Global) -> Look {
        Look {
            wrap: self.wide,
            ..g.look
        }
    }
}

/// Parses an optional `--effective` date (None: the ledger's today).
pub fn effective(arg: Option<&str>) -> Result<Option<Day>, CliError> {
    arg.map(|s| Day::parse("--effective", s))
        .transpose()
        .map_err(Into::into)
}

/// Parses an optional `--reason`.
pub fn reason(arg: Option<&str>) -> Result<Option<String>, CliError> {
    arg.map(|s| text::free_text("--reason", s))
        .transpose()
        .map_err(Into::into)
}

/// Checked citations: strict ones must parse, raw ones are kept as typed.
pub fn citations(strict: &[String], raw: &[String]) -> Result<Vec<String>, CliError> {
    let mut v = crate::projection::decide::citations(strict, true)?;
    v.extend(crate::projection::decide::citations(raw, false)?);
    Ok(v)
}

/// Checked one-line names (submitters).
pub fn names(what: &str, raw: &[String]) -> Result<Vec<String>, CliError> {
    raw.iter()
        .map(|s| text::short_text(what, s).map_err(Into::into))
        .collect()
}

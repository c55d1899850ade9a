//! `kamerstand import`: an annex (text, Word or `pdftotext` output), a
//! register, a budget annex, an Excel or CSV file, or an events export in.

use crate::app::{import, restore};
use crate::cli::args::OutputFormat;
use crate::cli::ui::progress::Progress;
use crate::cli::{CliError, Env, Global, emit};
use crate::domain::{Invalid, text};
use crate::error::Refusal;
use crate::formats::ImportFormat;
use crate::ledger::OpenOptions;
use std::io::BufRead;
use std::path::PathBuf;

/// Import an annex (the Word file itself, the tab-separated text copied out
/// of its table, or the text `pdftotext -layout` makes of its PDF), a
/// commitment register (one record per commitment), a budget's annex of
/// motions and commitments, an Excel or CSV file (as `export --format csv`
/// writes, or with its own columns and --columns), or an events export (a
/// backup, restored into a new store with the same seqs and hashes). The
/// format is detected by content when --format is not given; a PDF or a
/// letter in prose is refused with what to do instead.
///
/// An annex or CSV import is one atomic batch: items are matched by key (or
/// citation, or text); new ones are registered and for known ones only
/// what changed is recorded. Every anomaly is reported with its line. A
/// file of more than 2,000 events' worth (some 700 rows that each change
/// an item's status, responsible and note) is written in parts of 2,000
/// events, each a whole ledger; if such an import is interrupted,
/// importing the same file again records the rest.
///
/// Example: kamerstand import bijlage-2025.txt --dry-run
///
/// Example: kamerstand import bijlage-2025.txt --reported-on 2025-05-20 --seal-round 2025-voorjaar
///
/// Example: kamerstand import bijlage-2025.docx --dry-run
///
/// Example: kamerstand import begroting.txt --responsible MBZK
///
/// Example: kamerstand import register.xlsx --sheet Toezeggingen --columns text=Omschrijving,status=Stand
///
/// Example: kamerstand --store herstel.db import backup.jsonl
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The file to import, e.g. bijlage-2025.txt, or - for standard input
    /// (what comes through a pipe: a named pipe, /dev/stdin or <(…) that
    /// is no regular file is refused, not waited for).
    file: PathBuf,
    /// Show the events that would be appended and the anomalies; write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Seal a reporting round with this name in the same batch, e.g.
    /// 2025-voorjaar.
    #[arg(long, value_name = "NAME")]
    seal_round: Option<String>,
    /// Title of the round sealed with --seal-round (default: its name), e.g.
    /// "Voortgangsbrief voorjaar 2025".
    #[arg(long, value_name = "TEXT", requires = "seal_round")]
    round_title: Option<String>,
    /// Effective date of the imported changes, YYYY-MM-DD (default: the
    /// --reported-on date, else today); also the reported-on date of a
    /// round sealed with --seal-round when --reported-on is not given.
    #[arg(long, value_name = "DATE")]
    effective: Option<String>,
    /// The date of the letter the file was reported with, YYYY-MM-DD or
    /// today: the reported-on date of the round sealed with --seal-round
    /// (which needs it, or --effective), and the date of the changes
    /// unless --effective or a row says better.
    #[arg(long, value_name = "DATE")]
    reported_on: Option<String>,
    /// Responsible parties of rows that name none, as codes or in words,
    /// e.g. MBZK or "Minister van BZK" (a budget annex's chapter minister).
    #[arg(long, value_name = "CODES")]
    responsible: Option<String>,
    /// An Excel sheet's own columns mapped to ours, e.g.
    /// text=Omschrijving,status=Stand,responsible=Bewindspersoon.
    #[arg(long, value_name = "MAPPING")]
    columns: Option<String>,
    /// The sheet of an Excel file to read (default: the first).
    #[arg(long, value_name = "NAME")]
    sheet: Option<String>,
    /// Restore an events export into a store written with sled's zstd
    /// compression: about two thirds of the disk, reads of many items two to
    /// three times slower; fixed for the store's life. Only with an events
    /// export (which makes a new store).
    #[arg(long)]
    compress: bool,
}

/// `--compress` with a file that is not an events export: the store
/// already exists, and how it is written was fixed when it was made.
fn compress_refused(name: &str) -> CliError {
    Invalid::new(
        "--compress",
        name,
        "an events export restored into a new store; a store for annexes is compressed when it is made (`kamerstand init --compress`)",
    )
    .into()
}

pub(crate) fn run(a: &Args, g: &Global, env: &mut Env<'_>) -> Result<(), CliError> {
    let import::Checked {
        effective,
        reported_on,
        round,
        options,
    } = flags(a).check()?;
    let OutputFormat::Import(named) = g.format else {
        return Err(Invalid::new("--format", "(other)", "annex, csv or events").into());
    };
    let name = crate::fsutil::shown_path(&a.file);
    let is_file = name != "-";
    // An events export (a backup) streams: it may be far larger than the
    // other formats' limit.
    if is_file && (named == Some(ImportFormat::Events) || restore::file_looks_like_events(&a.file))
    {
        let f = import::open_input(&a.file)?;
        let size = f.metadata().map_or(0, |m| m.len());
        let mut r = std::io::BufReader::with_capacity(1 << 20, f);
        return restore(a, g, env, &name, &mut r, size);
    }
    let bytes = if is_file {
        import::read_bytes(&name, &mut import::open_file(&a.file)?)?
    } else {
        import::read_bytes(&name, env.input)?
    };
    let format = import::format_of_bytes(&name, &bytes, named)?;
    // A text file's bytes become its text (not a copy of them).
    let (bytes, text) = if format.is_binary() {
        (bytes, String::new())
    } else {
        let text = String::from_utf8(bytes).map_err(|e| {
            Invalid::new(
                "import file",
                &name,
                format!("UTF-8 text (byte {} is not)", e.utf8_error().valid_up_to()),
            )
        })?;
        (Vec::new(), text)
    };
    if format == ImportFormat::Events {
        return restore(a, g, env, &name, &mut text.as_bytes(), text.len() as u64);
    }
    if a.compress {
        return Err(compress_refused(&name));
    }
    let mut progress = Progress::start(g);
    let mut ws = g.open_with_progress(env, &progress)?;
    progress.spin(if a.dry_run {
        "checking the import"
    } else {
        "importing"
    });
    let reported_on = reported_on.map(|d| d.unwrap_or_else(|| ws.today()));
    let report = import::import(
        &mut ws,
        &g.actor,
        &import::Request {
            name: &name,
            text: &text,
            bytes: if format.is_binary() { &bytes } else { &[] },
            format,
            options,
            effective,
            reported_on,
            round,
            dry_run: a.dry_run,
        },
    )?;
    progress.finish();
    emit(env, &crate::report::import::render(&report, &g.look))
}

/// The import's flags, named as the command line names them.
pub(crate) fn flags(a: &Args) -> import::Flags<'_> {
    import::Flags {
        effective: a.effective.as_deref().map(|d| ("--effective", d)),
        reported_on: a.reported_on.as_deref().map(|d| ("--reported-on", d)),
        seal_round: a.seal_round.as_deref().map(|n| ("--seal-round", n)),
        round_title: a.round_title.as_deref().map(|t| ("--round-title", t)),
        responsible: a.responsible.as_deref().map(|r| ("--responsible", r)),
        columns: a.columns.as_deref().map(|c| ("--columns", c)),
        sheet: a.sheet.as_deref(),
    }
}

/// Restores an events export streamed from `source` (`size` bytes, if
/// known, for progress).
fn restore(
    a: &Args,
    g: &Global,
    env: &mut Env<'_>,
    name: &str,
    source: &mut dyn BufRead,
    size: u64,
) -> Result<(), CliError> {
    if let Some(flag) = [
        (a.seal_round.is_some(), "--seal-round"),
        (a.effective.is_some(), "--effective"),
        (a.responsible.is_some(), "--responsible"),
        (a.columns.is_some(), "--columns"),
        (a.sheet.is_some(), "--sheet"),
    ]
    .iter()
    .find_map(|(given, flag)| given.then_some(*flag))
    {
        return Err(crate::Error::from(Refusal::NotForRestore {
            flag: flag.to_string(),
        })
        .into());
    }
    let mut progress = Progress::start(g);
    let report = restore::restore(
        &g.store,
        OpenOptions {
            compress: a.compress,
            ..g.options(env)
        },
        name,
        source,
        size,
        a.dry_run,
        &progress,
    )?;
    progress.finish();
    emit(
        env,
        &match report.head {
            None => format!(
                "dry run: {} events checked; they would be restored into {}\n",
                report.events,
                text::visible(&crate::fsutil::shown_path(&g.store))
            ),
            Some(head) => format!(
                "restored {} events into {}; head {}\n",
                report.events,
                text::visible(&crate::fsutil::shown_path(&g.store)),
                head.hex()
            ),
        },
    )
}

/// The same import, read and recorded by a server (`--server URL`) as the
/// signed-in coördinator: the file goes up whole, the report comes back.
/// An events export is refused: a restore makes a new store, on the
/// store's machine.
#[cfg(feature = "server")]
pub(crate) fn remote(
    a: &Args,
    g: &Global,
    r: &crate::cli::remote::Remote,
    env: &mut Env<'_>,
) -> Result<(), CliError> {
    // Every flag is checked here first, as locally.
    flags(a).check()?;
    if a.compress {
        return Err(compress_refused(&crate::fsutil::shown_path(&a.file)));
    }
    let OutputFormat::Import(named) = g.format else {
        return Err(Invalid::new("--format", "(other)", "annex, csv or events").into());
    };
    let name = crate::fsutil::shown_path(&a.file);
    let bytes = if name == "-" {
        import::read_bytes(&name, env.input)?
    } else {
        import::read_bytes(&name, &mut import::open_file(&a.file)?)?
    };
    if import::format_of_bytes(&name, &bytes, named)? == ImportFormat::Events {
        return Err(Invalid::new(
            "import file",
            &name,
            "an annex (text, Word or Excel) or a CSV file through --server: an events export is restored into a new store on the store's machine (`kamerstand --store NEW import FILE`)",
        )
        .into());
    }
    // The server names the file in its report by its name, not its path.
    let shown = a
        .file
        .file_name()
        .map_or_else(|| name.clone(), |n| n.to_string_lossy().into_owned());
    let query = [
        ("name", Some(shown)),
        ("as", named.map(|f| f.name().to_string())),
        ("effective", a.effective.clone()),
        ("reported_on", a.reported_on.clone()),
        ("seal_round", a.seal_round.clone()),
        ("round_title", a.round_title.clone()),
        ("responsible", a.responsible.clone()),
        ("columns", a.columns.clone()),
        ("sheet", a.sheet.clone()),
        ("dry_run", a.dry_run.then(|| "true".to_string())),
    ];
    let report = r.post_bytes("/api/v1/import", &query, &bytes)?;
    emit(env, &report)
}

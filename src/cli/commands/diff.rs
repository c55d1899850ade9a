//! `kamerstand diff`: what changed between two rounds, instants or now,
//! written for a letter (in Dutch unless `--lang en`) or as JSON.

use crate::app::diff::{self, Side};
use crate::app::export::{bytes_to_file, stream_to_file};
use crate::cli::args::OutputFormat;
use crate::cli::{CliError, Env, Global};
use crate::domain::Invalid;
use crate::report::letter::changes::{DiffFormat, Options};
use std::path::PathBuf;

/// Show what changed between two views, per item: the motion or commitment
/// in a short form with its Kamerstuk, then what changed in sentences
/// ("Status: van In uitvoering naar Afgerond"), a changed progress text with
/// its new words marked, new items with their text, responsible and
/// citation; grouped by section (Moties, Toezeggingen) and, with
/// --by-ministry, by ministry. The rounds' digests close it, for auditors.
///
/// FROM and TO are each a round name, an instant (RFC 3339, or YYYY-MM-DD
/// for the end of that day, Dutch time) or `now`. --format md, html or docx
/// gives a document fit for a letter (docx needs -o); json keeps the
/// machine data.
///
/// Example: kamerstand diff 2024-najaar 2025-voorjaar
///
/// Example: kamerstand diff 2024-najaar 2025-voorjaar --format docx -o wijzigingen.docx
///
/// Example: kamerstand diff 2025-voorjaar now --format md --by-ministry
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The earlier side, e.g. 2024-najaar or 2025-01-31.
    from: String,
    /// The later side, e.g. 2025-voorjaar or now.
    to: String,
    /// Also list items without change.
    #[arg(long)]
    all: bool,
    /// List under each item what was recorded in between, one line per
    /// event with its date. Reads every event in between.
    #[arg(long)]
    events: bool,
    /// Group each section's items by the ministries responsible for them.
    #[arg(long)]
    by_ministry: bool,
    /// Write to this file instead of standard output, e.g.
    /// wijzigingen.docx (written whole or not at all).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    #[command(flatten)]
    wide: crate::cli::args::WideArgs,
}

/// The format asked for; a Word file only to a file, not to a terminal.
fn format_of(a: &Args, g: &Global, env: &Env<'_>) -> Result<DiffFormat, CliError> {
    let format = match g.format {
        OutputFormat::Diff(f) => f,
        _ => DiffFormat::Table,
    };
    if format == DiffFormat::Docx && a.output.is_none() && env.terminal.stdout {
        return Err(Invalid::new(
            "-o",
            "(none)",
            "a file to write the Word file to, e.g. `-o wijzigingen.docx`: it is not text for the terminal",
        )
        .into());
    }
    Ok(format)
}

pub(crate) fn run(a: &Args, g: &Global, env: &mut Env<'_>) -> Result<(), CliError> {
    let format = format_of(a, g, env)?;
    let from = Side::parse("FROM", &a.from);
    let to = Side::parse("TO", &a.to);
    let ws = g.open(env)?;
    let how = diff::Written {
        all: a.all,
        events: a.events,
        format,
        options: Options {
            lang: g.lang,
            by_ministry: a.by_ministry,
        },
        look: if a.output.is_some() {
            crate::report::table::Look::PLAIN
        } else {
            a.wide.look(g)
        },
    };
    // Written to standard output or into the file as it is made (Word's
    // document whole), never the whole text in memory first.
    match &a.output {
        None => diff::write_to(&ws, &from, &to, how, &mut *env.out)?.map_err(CliError::from_output),
        Some(path) => {
            let n = stream_to_file(path, |w| {
                diff::write_to(&ws, &from, &to, how, w)?.map_err(|e| {
                    crate::Error::storage(format!("writing {}", crate::fsutil::shown_path(path)), e)
                })
            })?;
            written(env, g, format, path, n)
        }
    }
}

/// Says on standard error what was written where (in the language asked
/// for).
fn written(
    env: &mut Env<'_>,
    g: &Global,
    format: DiffFormat,
    path: &std::path::Path,
    n: u64,
) -> Result<(), CliError> {
    let (what, path) = (format.name(), crate::fsutil::shown_path(path));
    let _ = writeln!(
        env.err,
        "{}",
        match g.lang {
            crate::formats::annex::Lang::Nl => format!("{what} ({n} bytes) geschreven naar {path}"),
            crate::formats::annex::Lang::En => format!("wrote {what} ({n} bytes) to {path}"),
        }
    );
    Ok(())
}

#[cfg(feature = "server")]
pub(crate) fn remote(
    a: &Args,
    g: &Global,
    r: &crate::cli::remote::Remote,
    env: &mut Env<'_>,
) -> Result<(), CliError> {
    let format = format_of(a, g, env)?;
    let yes = |b: bool| b.then(|| "true".to_string());
    let mut query = vec![
        ("from", Some(a.from.clone())),
        ("to", Some(a.to.clone())),
        ("all", yes(a.all)),
        ("events", yes(a.events)),
        ("by_ministry", yes(a.by_ministry)),
        ("format", Some(format.name().to_string())),
    ];
    if a.output.is_none() {
        // As locally: a file gets the plain text, a terminal whole texts
        // wrapped to its width with --wide.
        query.extend(crate::cli::remote::wide_query(a.wide, g));
    }
    let mut bytes = r.get_bytes("/api/v1/diff", &query)?;
    match &a.output {
        None => {
            if env.terminal.stdout {
                // Text shown at a terminal (Word's bytes are refused
                // above): nothing the server sent may steer it.
                bytes = crate::cli::remote::shown(&String::from_utf8_lossy(&bytes)).into_bytes();
            }
            env.out
                .write_all(&bytes)
                .and_then(|()| env.out.flush())
                .map_err(CliError::from_output)
        }
        Some(path) => {
            let n = bytes_to_file(path, &bytes)?;
            written(env, g, format, path, n)
        }
    }
}

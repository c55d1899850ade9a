//! `kamerstand diff`: what changed between two rounds, instants or now,
//! written for a letter (in Dutch unless `--lang en`) or as JSON.

use crate::app::diff::{self, Side};
use crate::app::export::bytes_to_file;
use crate::cli::args::OutputFormat;
use crate::cli::{CliError, Env, Global};
use crate::domain::Invalid;
use crate::report::letter::changes::{self, DiffFormat, Options, Sides};
use crate::report::letter::changes_office;
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

pub(crate) fn run(a: &Args, g: &Global, env: &mut Env<'_>) -> Result<(), CliError> {
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
    let from = Side::parse("FROM", &a.from);
    let to = Side::parse("TO", &a.to);
    let ws = g.open(env)?;
    let c = diff::compare(&ws, &from, &to, a.all, a.events)?;
    let sides = Sides {
        from: &c.from,
        to: &c.to,
        diff: &c.diff,
    };
    let options = Options {
        lang: g.lang,
        by_ministry: a.by_ministry,
    };
    let look = if a.output.is_some() {
        crate::report::table::Look::PLAIN
    } else {
        a.wide.look(g)
    };
    if a.output.is_none() && format != DiffFormat::Docx {
        // Written as it is made, an item at a time: on a large ledger the
        // words of every item's changes at once, and the whole text, would
        // be the largest things in memory.
        let mut w = std::io::BufWriter::new(&mut *env.out);
        return match format {
            DiffFormat::Json => changes::json_to(sides, options, &mut w),
            _ => changes::write_to(sides, options, format, &look, &mut w),
        }
        .and_then(|()| std::io::Write::flush(&mut w))
        .map_err(CliError::from_output);
    }
    let ch = changes::build(sides, options);
    let bytes = match format {
        DiffFormat::Json => changes::json(sides, &ch).into_bytes(),
        other => {
            // Every other format is made from `ch` alone: the two views and
            // their difference are let go first (on a large ledger they
            // weigh about as much as the text made from them).
            drop(c);
            match other {
                DiffFormat::Md => changes::markdown(&ch).into_bytes(),
                DiffFormat::Html => changes::html(&ch).into_bytes(),
                DiffFormat::Docx => changes_office::docx(&ch).map_err(|e| e.for_file("docx"))?,
                _ => changes::table(&ch, &look).into_bytes(),
            }
        }
    };
    match &a.output {
        Some(path) => {
            let n = bytes_to_file(path, &bytes)?;
            let _ = writeln!(
                env.err,
                "wrote {} ({n} bytes) to {}",
                format.name(),
                path.display()
            );
            Ok(())
        }
        None => env
            .out
            .write_all(&bytes)
            .and_then(|()| env.out.flush())
            .map_err(CliError::from_output),
    }
}

#[cfg(feature = "server")]
pub(crate) fn remote(
    a: &Args,
    r: &crate::cli::remote::Remote,
    env: &mut Env<'_>,
) -> Result<(), CliError> {
    let yes = |b: bool| b.then(|| "true".to_string());
    r.show(
        env,
        "/api/v1/diff",
        &[
            ("from", Some(a.from.clone())),
            ("to", Some(a.to.clone())),
            ("all", yes(a.all)),
            ("events", yes(a.events)),
        ],
    )
}

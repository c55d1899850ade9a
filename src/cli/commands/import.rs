//! `kamerstand import`: an annex (text, Word or `pdftotext` output), a
//! register, a budget annex, an Excel or CSV file, or an events export in.

use crate::app::{import, restore};
use crate::cli::args::OutputFormat;
use crate::cli::ui::progress::Progress;
use crate::cli::{CliError, Env, Global, emit};
use crate::domain::{Day, Invalid, text};
use crate::error::Refusal;
use crate::formats::ImportFormat;
use crate::projection::decide;
use crate::projection::view::ChainAt;
use crate::projection::{Basis, View};
use crate::report::Format;
use std::fmt::Write as _;
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
/// file of more than 10,000 events' worth (some 5,000 rows) is written in
/// parts of 10,000 events, each a whole ledger; if such an import is
/// interrupted, importing the same file again records the rest.
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
    /// The file to import, e.g. bijlage-2025.txt, or - for standard input.
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
}

pub(crate) fn run(a: &Args, g: &Global, env: &mut Env<'_>) -> Result<(), CliError> {
    let effective = a
        .effective
        .as_deref()
        .map(|d| Day::parse("--effective", d))
        .transpose()?;
    // "today" is the ledger's today, known once the store is open.
    let reported_on = match a.reported_on.as_deref().map(str::trim) {
        None => None,
        Some(d) if d.eq_ignore_ascii_case("today") => Some(None),
        Some(d) => Some(Some(Day::parse("--reported-on", d).map_err(|e| {
            Invalid::new("--reported-on", d, format!("{} or today", e.expected))
        })?)),
    };
    let round = a
        .seal_round
        .as_deref()
        .map(decide::round_name)
        .transpose()?
        .map(|name| -> Result<(String, String), CliError> {
            let title = match &a.round_title {
                Some(t) => text::short_text("--round-title", t)?,
                None => name.clone(),
            };
            Ok((name, title))
        })
        .transpose()?;
    let ministries = crate::domain::Ministries::builtin();
    let options = crate::formats::ReadOptions {
        responsible: a
            .responsible
            .as_deref()
            .map(|r| {
                ministries
                    .responsible(r)
                    .map_err(|e| Invalid::new("--responsible", r, e.expected))
            })
            .transpose()?,
        columns: a
            .columns
            .as_deref()
            .map(crate::formats::sheet::Columns::parse)
            .transpose()?,
        sheet: a.sheet.clone(),
        ministries,
    };
    let OutputFormat::Import(named) = g.format else {
        return Err(Invalid::new("--format", "(other)", "annex, csv or events").into());
    };
    let name = a.file.display().to_string();
    let is_file = name != "-";
    // An events export (a backup) streams: it may be far larger than the
    // other formats' limit.
    if is_file && (named == Some(ImportFormat::Events) || restore::file_looks_like_events(&a.file))
    {
        let f = std::fs::File::open(&a.file)
            .map_err(|e| Invalid::new("import file", &name, format!("a readable file ({e})")))?;
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
    let text = if format.is_binary() {
        String::new()
    } else {
        String::from_utf8(bytes.clone()).map_err(|e| {
            Invalid::new(
                "import file",
                &name,
                format!("UTF-8 text (byte {} is not)", e.utf8_error().valid_up_to()),
            )
        })?
    };
    if format == ImportFormat::Events {
        return restore(a, g, env, &name, &mut text.as_bytes(), text.len() as u64);
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
    emit(env, &render(&report))
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
        g.options(env),
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
                text::visible(&g.store.display().to_string())
            ),
            Some(head) => format!(
                "restored {} events into {}; head {}\n",
                report.events,
                text::visible(&g.store.display().to_string()),
                head.hex()
            ),
        },
    )
}

/// The import's report: counts, the ledger's items the file does not
/// mention, anomalies by line, and the events appended (listed in a dry
/// run).
///
/// What came from the file (its name, the anomalies, which quote it) is
/// shown through [`text::visible`], so that an escape sequence in an annex
/// cannot steer the terminal that shows the report.
pub(crate) fn render(r: &import::Report) -> String {
    let mut out = format!(
        "{} {} ({}): {} rows; {} items added, {} changed, {} unchanged\n",
        if r.dry_run { "dry run of" } else { "imported" },
        text::visible(&r.name),
        r.format.name(),
        r.rows,
        r.added,
        r.changed,
        r.unchanged
    );
    if !r.not_in_file.is_empty() {
        let _ = writeln!(
            out,
            "in the ledger but not in the file (left as they are): {}",
            text::visible(&r.not_in_file.join(", "))
        );
    }
    if r.anomalies.is_empty() {
        out.push_str("no anomalies\n");
    } else {
        let _ = writeln!(out, "{} anomalies:", r.anomalies.len());
        // One line per input line, its findings joined.
        let mut by_line: Vec<(usize, Vec<&str>)> = Vec::new();
        for x in &r.anomalies {
            match by_line.last_mut() {
                Some((l, msgs)) if *l == x.line => msgs.push(&x.message),
                _ => by_line.push((x.line, vec![&x.message])),
            }
        }
        for (line, msgs) in by_line {
            let joined = msgs.join("; ");
            let msgs = text::visible(&joined);
            // Line 0: a finding about the whole file.
            if line == crate::formats::import::WHOLE_FILE {
                let _ = writeln!(out, "  file: {msgs}");
            } else {
                let _ = writeln!(out, "  line {line}: {msgs}");
            }
        }
    }
    match (r.records.first(), r.records.last()) {
        (Some(f), Some(l)) => {
            let _ = writeln!(
                out,
                "{} {} events (seq {}–{}){}",
                if r.dry_run {
                    "would append"
                } else {
                    "appended"
                },
                r.records.len(),
                f.envelope.seq,
                l.envelope.seq,
                if r.dry_run {
                    String::new()
                } else {
                    format!(", head {}", l.hash.hex())
                }
            );
            if r.dry_run {
                // The view the events would give.
                let view = View {
                    basis: Basis::Current,
                    effective: None,
                    programme: r.programme.clone(),
                    chain: ChainAt {
                        events: l.envelope.seq + 1,
                        head: Some(l.hash),
                        last_recorded: Some(l.envelope.recorded_at),
                    },
                    rounds: Vec::new(),
                    items: Vec::new(),
                    filter: None,
                };
                out.push('\n');
                out.push_str(&crate::report::log_keyed(
                    &view,
                    &|id| r.keys.get(&id).cloned(),
                    &r.records,
                    Format::Table,
                    &crate::report::table::Look::PLAIN,
                ));
            }
        }
        _ => out.push_str("nothing to record: the ledger already says what the file says\n"),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::Anomaly;

    /// A reader of another format may quote a cell raw in an anomaly; the
    /// report shows it escaped all the same.
    #[test]
    fn the_report_shows_what_the_file_says_escaped() {
        let r = import::Report {
            name: "bijlage\u{1b}[2J.txt".into(),
            format: ImportFormat::Annex,
            dry_run: true,
            rows: 1,
            added: 0,
            changed: 0,
            unchanged: 0,
            not_in_file: vec!["M1".into()],
            anomalies: vec![
                Anomaly {
                    line: 3,
                    message: "cell not understood: 'a\u{1b}]0;titel\u{7}'".into(),
                },
                Anomaly {
                    line: 3,
                    message: "naam \u{202e}sneJ".into(),
                },
            ],
            records: Vec::new(),
            keys: std::collections::BTreeMap::new(),
            programme: crate::projection::view::Programme {
                name: "NAP".into(),
                title: "Stand".into(),
                legend: crate::domain::Legend::nap(),
            },
        };
        let out = render(&r);
        assert!(
            !out.chars().any(crate::domain::invisible::shown_escaped),
            "{out:?}"
        );
        assert!(
            out.starts_with("dry run of bijlage\\u{1b}[2J.txt (annex)"),
            "{out}"
        );
        assert!(
            out.contains(
                "  line 3: cell not understood: 'a\\u{1b}]0;titel\\u{7}'; naam \\u{202e}sneJ\n"
            ),
            "{out}"
        );
    }
}

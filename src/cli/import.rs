//! `kamerstand import`: an annex, a CSV file or an events export in.

use super::progress::Progress;
use super::{CliError, Env, Global, emit};
use crate::domain::{Day, EventBody, Invalid, text};
use crate::import::{annex, csv, events, plan};
use crate::ledger::{Draft, Ledger, OpenOptions};
use crate::projection::decide;
use crate::report;
use std::fmt::Write as _;
use std::io::{BufRead, Read};
use std::path::PathBuf;

/// Largest accepted import file.
const MAX_IMPORT_BYTES: u64 = 256 * 1024 * 1024;

/// Import an annex (the tab-separated text copied out of the annex's PDF or
/// Word table), a CSV file (as `export --format csv` writes) or an events
/// export (a backup, restored into a new store with the same seqs and
/// hashes). The format is detected when --format is not given.
///
/// An annex or CSV import is one atomic batch: items are matched by key (or
/// citation, or text); new ones are registered and for known ones only
/// what changed is recorded. Every anomaly is reported with its line.
///
/// Example: kamerstand import bijlage-2025.txt --dry-run
///
/// Example: kamerstand import bijlage-2025.txt --effective 2025-05-20 --seal-round 2025-voorjaar
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
    /// Effective date of the imported changes, YYYY-MM-DD (default: today);
    /// also the reported-on date of a round sealed with --seal-round.
    #[arg(long, value_name = "DATE")]
    effective: Option<String>,
}

fn read_input(path: &PathBuf, env: &mut Env<'_>) -> Result<String, CliError> {
    let what = path.display().to_string();
    let too_big = || -> CliError {
        Invalid::new(
            "import file",
            &what,
            format!("at most {} MiB", MAX_IMPORT_BYTES / 1024 / 1024),
        )
        .into()
    };
    let mut buf = Vec::new();
    let read = if what == "-" {
        env.input.take(MAX_IMPORT_BYTES + 1).read_to_end(&mut buf)
    } else {
        match std::fs::File::open(path) {
            // A file known to be too large is refused before it is read.
            Ok(f) if f.metadata().is_ok_and(|m| m.len() > MAX_IMPORT_BYTES) => {
                return Err(too_big());
            }
            Ok(f) => f.take(MAX_IMPORT_BYTES + 1).read_to_end(&mut buf),
            Err(e) => {
                return Err(
                    Invalid::new("import file", &what, format!("a readable file ({e})")).into(),
                );
            }
        }
    };
    read.map_err(|e| Invalid::new("import file", &what, format!("a readable file ({e})")))?;
    if u64::try_from(buf.len()).unwrap_or(u64::MAX) > MAX_IMPORT_BYTES {
        return Err(too_big());
    }
    String::from_utf8(buf).map_err(|e| {
        Invalid::new(
            "import file",
            &what,
            format!("UTF-8 text (byte {} is not)", e.utf8_error().valid_up_to()),
        )
        .into()
    })
}

pub(super) fn run(a: &Args, g: &Global, env: &mut Env<'_>) -> Result<(), CliError> {
    let eff = a
        .effective
        .as_deref()
        .map(|d| Day::parse("--effective", d))
        .transpose()?;
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
    // An events export (a backup) streams: it may be far larger than the
    // other formats' limit.
    let is_file = a.file.display().to_string() != "-";
    if is_file && (g.format_name.as_deref() == Some("events") || file_looks_like_events(&a.file)) {
        let what = a.file.display().to_string();
        let f = std::fs::File::open(&a.file)
            .map_err(|e| Invalid::new("import file", &what, format!("a readable file ({e})")))?;
        let size = f.metadata().map_or(0, |m| m.len());
        let mut r = std::io::BufReader::with_capacity(1 << 20, f);
        return restore(a, g, env, &mut r, size);
    }
    let input = read_input(&a.file, env)?;
    let format = match g.format_name.as_deref() {
        Some(f) => f.to_string(),
        None if events::looks_like_events(&input) => "events".into(),
        None if csv::looks_like_csv(&input) => "csv".into(),
        None if annex::looks_like_annex(&input) => "annex".into(),
        None => {
            return Err(Invalid::new(
                "import file",
                &a.file.display().to_string(),
                "an annex (a table with a 'Verantwoordelijk' header and Moties/Toezeggingen sections), a CSV file with a kind,text,… header, or an events export; or say which with --format annex|csv|events",
            )
            .into());
        }
    };
    if format == "events" {
        return restore(a, g, env, &mut input.as_bytes(), input.len() as u64);
    }
    let mut progress = Progress::start(g);
    let mut ws = g.open_with_progress(env, &progress)?;
    progress.spin(if a.dry_run {
        "checking the import"
    } else {
        "importing"
    });
    let effective = ws.day_or_today(eff);
    let name = a.file.display().to_string();
    let out = import_text(
        &mut ws,
        &g.actor,
        &Source {
            name: &name,
            text: &input,
            format: &format,
        },
        effective,
        round,
        a.dry_run,
    )?;
    progress.finish();
    emit(env, &out)
}

/// An import's input.
pub(super) struct Source<'a> {
    /// File name, for messages.
    pub name: &'a str,
    /// The text.
    pub text: &'a str,
    /// "annex" or "csv".
    pub format: &'a str,
}

/// Plans, checks and (unless `dry_run`) records an annex or CSV import as
/// one batch; returns the report to print.
pub(super) fn import_text(
    ws: &mut crate::workspace::Workspace,
    actor: &str,
    src: &Source<'_>,
    effective: Day,
    round: Option<(String, String)>,
    dry_run: bool,
) -> Result<String, CliError> {
    let format = src.format;
    let legend = ws.state().legend();
    let (rows, mut anomalies) = if format == "csv" {
        csv::read(src.text, &legend)?
    } else {
        let doc = annex::parse(src.text, &legend);
        let rows = doc.rows.iter().map(plan::ImportRow::from).collect();
        (rows, doc.anomalies)
    };
    // At most two events per new row and three per known one; ids are
    // drawn up front because planning borrows the state.
    let ids: Vec<crate::domain::EventId> = (0..rows.len() * 3).map(|_| ws.new_id()).collect();
    let mut ids = ids.into_iter();
    let mut next = || ids.next().unwrap_or(crate::domain::EventId([0; 16]));
    // The plan compares each row with the values in effect on its day.
    ws.answer_on(Some(effective))?;
    let mut p = plan::plan(ws.state(), &rows, effective, &mut next);
    if let Some((name, title)) = &round {
        let id = ws.new_id();
        p.drafts.push(Draft {
            id,
            body: EventBody::RoundSealed {
                name: name.clone(),
                title: title.clone(),
                reported_on: effective,
                // Filled in by the ledger: the event before the seal.
                head_seq: 0,
                head_hash: crate::domain::EventHash::GENESIS,
            },
        });
    }
    anomalies.extend(p.anomalies.iter().cloned());
    anomalies.sort_by_key(|x| x.line);
    let records = if dry_run {
        ws.dry_run(actor, p.drafts.clone())?
    } else {
        ws.record_batch(actor, p.drafts.clone())?
    };
    let mut out = format!(
        "{} {} ({format}): {} rows; {} items added, {} changed, {} unchanged\n",
        if dry_run { "dry run of" } else { "imported" },
        src.name,
        rows.len(),
        p.added,
        p.changed,
        p.unchanged
    );
    if !p.not_in_file.is_empty() {
        let _ = writeln!(
            out,
            "in the ledger but not in the file (left as they are): {}",
            p.not_in_file.join(", ")
        );
    }
    if anomalies.is_empty() {
        out.push_str("no anomalies\n");
    } else {
        let _ = writeln!(out, "{} anomalies:", anomalies.len());
        // One line per input line, its findings joined.
        let mut by_line: Vec<(usize, Vec<&str>)> = Vec::new();
        for x in &anomalies {
            match by_line.last_mut() {
                Some((l, msgs)) if *l == x.line => msgs.push(&x.message),
                _ => by_line.push((x.line, vec![&x.message])),
            }
        }
        for (line, msgs) in by_line {
            let _ = writeln!(out, "  line {line}: {}", msgs.join("; "));
        }
    }
    match (records.first(), records.last()) {
        (Some(f), Some(l)) => {
            let _ = writeln!(
                out,
                "{} {} events (seq {}–{}){}",
                if dry_run { "would append" } else { "appended" },
                records.len(),
                f.envelope.seq,
                l.envelope.seq,
                if dry_run {
                    String::new()
                } else {
                    format!(", head {}", l.hash.hex())
                }
            );
            if dry_run {
                // The state after the batch, so that events about items
                // the batch registers name them.
                let mut after = ws.state().clone();
                for r in &records {
                    after.apply(r);
                }
                let view = crate::projection::View::current(&after, None);
                out.push('\n');
                out.push_str(&report::log(&view, &records, report::Format::Table));
            }
        }
        _ => out.push_str("nothing to record: the ledger already says what the file says\n"),
    }
    Ok(out)
}

/// True if the file at `path` starts (after white space) like an events
/// export: a JSON object. Annexes and CSV files never do.
fn file_looks_like_events(path: &PathBuf) -> bool {
    let Ok(f) = std::fs::File::open(path) else {
        return false;
    };
    let mut head = Vec::new();
    if f.take(4096).read_to_end(&mut head).is_err() {
        return false;
    }
    head.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{')
}

/// Restores an events export streamed from `source` (`size` bytes, if
/// known, for progress): every line is checked as it is read and the store
/// is written in chunks; the head is written last (see
/// [`Ledger::restore_stream`]).
fn restore(
    a: &Args,
    g: &Global,
    env: &mut Env<'_>,
    source: &mut dyn BufRead,
    size: u64,
) -> Result<(), CliError> {
    if let Some(flag) = [
        (a.seal_round.is_some(), "--seal-round"),
        (a.effective.is_some(), "--effective"),
    ]
    .iter()
    .find_map(|(given, flag)| given.then_some(*flag))
    {
        return Err(crate::Error::Rejected(format!(
            "{flag} does not apply to an events import: it restores the chain exactly as it was"
        ))
        .into());
    }
    let what = a.file.display().to_string();
    let mut reader = events::Reader::new();
    let mut read_bytes = 0u64;
    let mut line_no = 0usize;
    let mut buf = Vec::new();
    let progress = std::cell::RefCell::new(Progress::start(g));
    progress.borrow_mut().phase(
        if a.dry_run {
            "checking events"
        } else {
            "restoring events"
        },
        "bytes",
    );
    let mut next = || -> Option<crate::Result<Vec<u8>>> {
        loop {
            buf.clear();
            let limit = u64::try_from(events::MAX_LINE_BYTES).unwrap_or(u64::MAX);
            let n = match source.take(limit + 1).read_until(b'\n', &mut buf) {
                Ok(0) => return None,
                Ok(n) => n,
                Err(e) => {
                    return Some(Err(Invalid::new(
                        "import file",
                        &what,
                        format!("a readable file ({e})"),
                    )
                    .into()));
                }
            };
            let start = read_bytes;
            line_no += 1;
            read_bytes += u64::try_from(n).unwrap_or(0);
            if n > events::MAX_LINE_BYTES {
                return Some(Err(crate::Error::Rejected(format!(
                    "events file, line {line_no}: longer than {} MiB; no event is that large",
                    events::MAX_LINE_BYTES / 1024 / 1024
                ))));
            }
            let text = match std::str::from_utf8(&buf) {
                Ok(t) => t,
                Err(e) => {
                    let at = start + u64::try_from(e.valid_up_to()).unwrap_or(0);
                    return Some(Err(Invalid::new(
                        "import file",
                        &what,
                        format!("UTF-8 text (byte {at} is not)"),
                    )
                    .into()));
                }
            };
            if line_no.is_multiple_of(512) {
                progress
                    .borrow_mut()
                    .update(read_bytes, size.max(read_bytes));
            }
            match reader.line(line_no, text.trim_end_matches(['\n', '\r'])) {
                Ok(Some(bytes)) => return Some(Ok(bytes)),
                Ok(None) => {}
                Err(e) => return Some(Err(e)),
            }
        }
    };
    // The first event is read and checked before anything else, so that a
    // file that is no events export is refused as such.
    let first = next().unwrap_or_else(|| {
        Err(crate::Error::Rejected(
            "the events file holds no events".into(),
        ))
    })?;
    // Checked before a dry run too: it says what the real run would do. A
    // store left empty by an interrupted restore (or init) may be reused.
    let existed = g.store.exists();
    if existed && !Ledger::is_empty_store(&g.store) {
        return Err(crate::Error::Rejected(format!(
            "an events import restores a whole ledger into a new or empty store, and {} already holds one; give a new path with --store",
            g.store.display()
        ))
        .into());
    }
    if a.dry_run {
        let mut n = 1u64;
        while let Some(r) = next() {
            r?;
            n += 1;
        }
        progress.borrow_mut().finish();
        return emit(
            env,
            &format!(
                "dry run: {n} events checked; they would be restored into {}\n",
                g.store.display()
            ),
        );
    }
    let restored = Ledger::restore_stream(
        &g.store,
        OpenOptions {
            wait: g.wait,
            clock: (env.clock)(),
            checkpoint_every: env.checkpoint_every,
            allow_shared_store: g.allow_shared_store,
        },
        std::iter::once(Ok(first)).chain(std::iter::from_fn(&mut next)),
        &mut |_| {},
    );
    let ledger = match restored {
        Ok(l) => l,
        Err(e) => {
            // Bad input writes nothing: a store this import created goes
            // again (an existing empty one was emptied by the restore).
            if !existed {
                let _ = std::fs::remove_dir_all(&g.store);
            }
            return Err(e.into());
        }
    };
    progress.borrow_mut().finish();
    let n = ledger.head().map_or(0, |h| h.seq + 1);
    let head = ledger.head().map(|h| h.hash.hex()).unwrap_or_default();
    // The checkpoints are written now, so that the first command after the
    // restore does not fold the whole chain.
    drop(ledger);
    let ws = g.open(env)?;
    drop(ws);
    emit(
        env,
        &format!(
            "restored {n} events into {}; head {head}\n",
            g.store.display()
        ),
    )
}

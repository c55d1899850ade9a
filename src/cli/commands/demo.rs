//! `kamerstand demo`: an invented programme's year, end to end, in a
//! temporary directory: last year's annex imported and sealed as a round,
//! updates recorded by hand (one back-dated, one corrected), this year's
//! annex imported and sealed, then the overview, one item's history, the
//! rounds, the diff between them, the exports and the verification against
//! the first round's published digest. The README's first command.

use crate::app::diff::{self, Side};
use crate::app::write::{Correction, Write};
use crate::app::{Quiet, Workspace, export, import, verify};
use crate::cli::{CliError, Env, Global, emit};
use crate::domain::{Day, Legend};
use crate::formats::annex::Lang;
use crate::formats::{ExportFormat, ImportFormat};
use crate::ledger::DigestCheck;
use crate::projection::{Basis, Change};
use crate::report::{self, Format};
use std::path::{Path, PathBuf};

/// Run a programme's year in a temporary directory: import last year's annex
/// as round 2024-najaar, record updates (one back-dated, one corrected),
/// import this year's annex as round 2025-voorjaar; then print the overview,
/// one item's history, the rounds, the diff between them, the exports and
/// the verification against the first round's digest.
///
/// Example: kamerstand demo --keep
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Keep the demo directory (ledger and exports) and print its path.
    #[arg(long)]
    keep: bool,
}

/// Last year's annex of the invented programme (also a test fixture).
const ANNEX_2024: &str = include_str!("../assets/annex-2024.txt");
/// This year's annex.
const ANNEX_2025: &str = include_str!("../assets/annex-2025.txt");

/// A hand-recorded update between the two rounds.
enum Step {
    /// Status change: key, status, effective, reason.
    Status(&'static str, &'static str, &'static str, &'static str),
    /// Progress note: key, effective, text.
    Note(&'static str, &'static str, &'static str),
    /// Correct the latest status change of an item: key, status, reason.
    CorrectLastStatus(&'static str, &'static str, &'static str),
}

const BETWEEN_ROUNDS: &[Step] = &[
    Step::Status(
        "39104-18",
        "in-uitvoering",
        "2025-01-20",
        "regeling met de VNG vastgesteld",
    ),
    // Recorded after the first round, effective before the second: a
    // back-dated note.
    Step::Note(
        "39104-13",
        "2024-12-01",
        "Het onderzoeksbureau voor het meldpunt-onderzoek is geselecteerd.",
    ),
    Step::Status("T1", "niet-begonnen", "2025-02-03", "volgens verslag"),
    // The clerk took the wrong status from the minutes: corrected, not overwritten.
    Step::CorrectLastStatus(
        "T1",
        "doorlopend",
        "verkeerde status overgenomen uit het verslag",
    ),
];

fn day(s: &str) -> Result<Day, CliError> {
    Ok(Day::parse("demo date", s)?)
}

fn play(ws: &mut Workspace, actor: &str) -> Result<(), CliError> {
    for step in BETWEEN_ROUNDS {
        let w = match step {
            Step::Status(key, status, on, why) => Write::Status {
                item: (*key).into(),
                status: (*status).into(),
                effective: Some(day(on)?),
                reason: Some((*why).into()),
            },
            Step::Note(key, on, text) => Write::Note {
                item: (*key).into(),
                text: (*text).into(),
                citations: Vec::new(),
                effective: Some(day(on)?),
            },
            Step::CorrectLastStatus(key, status, why) => {
                let id = ws.resolve(key)?.id;
                let last = ws
                    .item_state(id, None)?
                    .map(|it| it.timeline)
                    .unwrap_or_default()
                    .iter()
                    .rev()
                    .find(|e| matches!(e.change, Change::Status { .. }))
                    .map(|e| e.seq)
                    .ok_or(crate::Error::from(crate::Refusal::NotAnEventOfItem {
                        seq: 0,
                        key: (*key).into(),
                    }))?;
                Write::Correct {
                    event: last.to_string(),
                    reason: (*why).into(),
                    correction: Correction {
                        status: Some((*status).into()),
                        ..Correction::default()
                    },
                }
            }
        };
        ws.write(actor, w)?;
    }
    Ok(())
}

/// Imports one of the demo's annexes and seals its round; returns the
/// import's report as the CLI prints it.
fn import_annex(
    ws: &mut Workspace,
    name: &str,
    text: &str,
    on: &str,
    round: (&str, &str),
) -> Result<String, CliError> {
    let report = import::import(
        ws,
        "secretariaat",
        &import::Request {
            name,
            text,
            bytes: &[],
            format: ImportFormat::Annex,
            options: crate::formats::ReadOptions::default(),
            effective: None,
            reported_on: Some(day(on)?),
            round: Some((round.0.into(), round.1.into())),
            dry_run: false,
        },
    )?;
    Ok(super::import::render(&report))
}

fn temp_dir() -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    std::env::temp_dir().join(format!("kamerstand-demo-{}-{nanos}", std::process::id()))
}

pub(crate) fn run(a: &Args, g: &Global, env: &mut Env<'_>) -> Result<(), CliError> {
    let dir = temp_dir();
    let result = demo_in(&dir, a, g, env);
    if !a.keep {
        let _ = std::fs::remove_dir_all(&dir);
    }
    result
}

fn demo_in(dir: &Path, a: &Args, g: &Global, env: &mut Env<'_>) -> Result<(), CliError> {
    let store = dir.join("ledger.db");
    let mut ws = Workspace::create(
        &store,
        g.options(env),
        "secretariaat",
        "PDWG".into(),
        "Programma Digitale Weerbaarheid Gemeenten (voorbeeld)".into(),
        Legend::nap(),
    )?;
    let first_import = import_annex(
        &mut ws,
        "bijlage-2024.txt",
        ANNEX_2024,
        "2024-11-15",
        ("2024-najaar", "Voortgangsbrief najaar 2024"),
    )?;
    play(&mut ws, "beleidsmedewerker")?;
    let second_import = import_annex(
        &mut ws,
        "bijlage-2025.txt",
        ANNEX_2025,
        "2025-05-15",
        ("2025-voorjaar", "Voortgangsbrief voorjaar 2025"),
    )?;

    // T1's card shows its whole timeline.
    let t1 = ws.resolve("T1")?.id;
    let now = ws.view(Basis::Current, None)?;
    let rounds = ws.rounds()?;
    let (Some(first), Some(second)) = (rounds.first().cloned(), rounds.last().cloned()) else {
        return Err(crate::Error::from(crate::Refusal::EmptyLedger).into());
    };
    let c = diff::compare(
        &ws,
        &Side::Round(first.name.clone()),
        &Side::Round(second.name.clone()),
        false,
        true,
    )?;
    let item = ws
        .item_state(t1, None)?
        .ok_or(crate::Error::from(crate::Refusal::UnknownItem {
            input: "T1".into(),
            suggestions: Vec::new(),
        }))?;

    // The exports a clerk sends along with the letter, and the backup.
    let mut exports = String::new();
    for (file, format) in [
        ("bijlage-2025-voorjaar.html", ExportFormat::Html),
        ("bijlage-2025-voorjaar.md", ExportFormat::Md),
        ("overzicht.csv", ExportFormat::Csv),
        ("events.jsonl", ExportFormat::Events),
    ] {
        let r2 = ws.view(Basis::Round(second.clone()), None)?;
        let bytes = export::to_file(&ws, &r2, format, Lang::Nl, &dir.join(file), &Quiet)?;
        exports.push_str(&format!(
            "kamerstand export --round {} --format {} -o {file}: {bytes} bytes\n",
            second.name,
            format.name()
        ));
    }

    let check = DigestCheck {
        hash: first.digest,
        round: Some(first.name.clone()),
    };
    let outcome = verify::verify_ledger(ws.ledger(), Some(&check), false, &Quiet)?;
    let fmt = if g.report() == Format::Json {
        Format::Json
    } else {
        Format::Table
    };
    let sections = [
        (
            "import_2024",
            "Last year's annex imported and sealed: kamerstand import bijlage-2024.txt --seal-round 2024-najaar".to_string(),
            first_import,
        ),
        (
            "import_2025",
            "This year's annex: only what changed is recorded: kamerstand import bijlage-2025.txt --seal-round 2025-voorjaar".to_string(),
            second_import,
        ),
        (
            "overview",
            "Overview now: kamerstand overview".to_string(),
            report::overview_with(&now, fmt, &g.look),
        ),
        (
            "item",
            "One item's history, with a correction: kamerstand show T1".to_string(),
            report::show_with(&now, &item, fmt, &g.look),
        ),
        (
            "rounds",
            "Sealed rounds: kamerstand round list".to_string(),
            report::rounds_with(&ws.programme().name, &rounds, fmt, &g.look),
        ),
        (
            "diff",
            format!(
                "What changed between the rounds: kamerstand diff {} {}",
                first.name, second.name
            ),
            report::diff_with(&c.from, &c.to, &c.diff, fmt, &g.look),
        ),
        ("exports", "Exports".to_string(), exports),
        (
            "verify",
            format!(
                "The chain, and the digest published with round {}: kamerstand verify --digest {} --round {}",
                first.name,
                first.digest.short(),
                first.name
            ),
            report::verify(&outcome.chain, outcome.derived.as_ref(), fmt),
        ),
    ];
    let mut out = String::new();
    if fmt == Format::Json {
        let mut doc = serde_json::Map::new();
        for (name, _, text) in &sections {
            let value = serde_json::from_str(text).unwrap_or_else(|_| text.clone().into());
            doc.insert((*name).into(), value);
        }
        if a.keep {
            doc.insert("store".into(), store.display().to_string().into());
            doc.insert("dir".into(), dir.display().to_string().into());
        }
        out = serde_json::to_string_pretty(&doc).unwrap_or_default();
        out.push('\n');
    } else {
        for (_, title, text) in &sections {
            out.push_str(&format!("== {title} ==\n\n{text}\n"));
        }
        if a.keep {
            out.push_str(&format!(
                "The demo ledger and exports are kept in {}\nTry: kamerstand --store {} log\n",
                dir.display(),
                store.display()
            ));
        } else {
            out.push_str(
                "(The demo ran in a temporary directory, now removed; `demo --keep` keeps it.)\n",
            );
        }
    }
    emit(env, &out)?;
    if outcome.ok() {
        Ok(())
    } else {
        Err(CliError::VerifyFailed)
    }
}

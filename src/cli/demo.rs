//! `kamerstand demo`: an invented programme's year, end to end, in a
//! temporary directory: last year's annex imported and sealed as a round,
//! updates recorded by hand (one back-dated, one corrected), this year's
//! annex imported and sealed, then the overview, one item's history, the
//! rounds, the diff between them, the exports and the verification against
//! the first round's published digest. The README's first command.

use super::import::{Source, import_text};
use super::{CliError, Env, Global, emit};
use crate::domain::{Day, EventBody, Legend, Replacement};
use crate::ledger::{DigestCheck, OpenOptions};
use crate::projection::{Basis, Change, View, diff};
use crate::report::annex::Lang;
use crate::report::{self, Format};
use crate::workspace::Workspace;
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
const ANNEX_2024: &str = include_str!("../../tests/fixtures/annex-2024.txt");
/// This year's annex.
const ANNEX_2025: &str = include_str!("../../tests/fixtures/annex-2025.txt");

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
        let body = match step {
            Step::Status(key, status, on, why) => EventBody::StatusChanged {
                item: ws.state().resolve(key)?.id,
                status: (*status).into(),
                reason: Some((*why).into()),
                effective: day(on)?,
            },
            Step::Note(key, on, text) => EventBody::ProgressNoted {
                item: ws.state().resolve(key)?.id,
                text: (*text).into(),
                citations: Vec::new(),
                effective: day(on)?,
            },
            Step::CorrectLastStatus(key, status, why) => {
                let id = ws.state().resolve(key)?.id;
                ws.unfold_current(id)?;
                let item = ws.state().resolve(key)?;
                let last = item
                    .timeline
                    .iter()
                    .rev()
                    .find(|e| matches!(e.change, Change::Status { .. }))
                    .ok_or_else(|| crate::Error::Rejected(format!("{key} has no status change")))?;
                EventBody::Corrected {
                    target_seq: last.seq,
                    target_id: last.id,
                    item: item.id,
                    reason: (*why).into(),
                    replacement: Replacement {
                        status: Some((*status).into()),
                        ..Replacement::default()
                    },
                }
            }
        };
        ws.record(actor, body)?;
    }
    Ok(())
}

fn temp_dir() -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    std::env::temp_dir().join(format!("kamerstand-demo-{}-{nanos}", std::process::id()))
}

pub(super) fn run(a: &Args, g: &Global, env: &mut Env<'_>) -> Result<(), CliError> {
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
        OpenOptions {
            wait: g.wait,
            clock: (env.clock)(),
            checkpoint_every: env.checkpoint_every,
            allow_shared_store: g.allow_shared_store,
        },
        "secretariaat",
        "PDWG".into(),
        "Programma Digitale Weerbaarheid Gemeenten (voorbeeld)".into(),
        Legend::nap(),
    )?;
    let first_import = import_text(
        &mut ws,
        "secretariaat",
        &Source {
            name: "bijlage-2024.txt",
            text: ANNEX_2024,
            format: "annex",
        },
        day("2024-11-15")?,
        Some(("2024-najaar".into(), "Voortgangsbrief najaar 2024".into())),
        false,
    )?;
    play(&mut ws, "beleidsmedewerker")?;
    let second_import = import_text(
        &mut ws,
        "secretariaat",
        &Source {
            name: "bijlage-2025.txt",
            text: ANNEX_2025,
            format: "annex",
        },
        day("2025-05-15")?,
        Some((
            "2025-voorjaar".into(),
            "Voortgangsbrief voorjaar 2025".into(),
        )),
        false,
    )?;

    // T1's card shows its whole timeline.
    let t1 = ws.state().resolve("T1")?.id;
    ws.unfold_current(t1)?;
    let state = ws.state();
    let now = View::current(state, None);
    let (Some(first), Some(second)) = (state.rounds.first().cloned(), state.rounds.last().cloned())
    else {
        return Err(crate::Error::Rejected("the demo seals two rounds".into()).into());
    };
    let r1 = View::fold(ws.ledger().events(), Basis::Round(first.clone()), None)?;
    let r2 = View::fold(ws.ledger().events(), Basis::Round(second.clone()), None)?;
    let d = diff::diff(&r1.state, &r2.state, false, true);
    let item = state.resolve("T1")?;

    // The exports a clerk sends along with the letter, and the backup.
    let mut exports = String::new();
    for (file, format) in [
        ("bijlage-2025-voorjaar.html", "html"),
        ("bijlage-2025-voorjaar.md", "md"),
        ("overzicht.csv", "csv"),
        ("events.jsonl", "events"),
    ] {
        let text = super::export::render(&ws, &r2, format, Lang::Nl)?;
        let path = dir.join(file);
        std::fs::write(&path, &text)
            .map_err(|e| crate::Error::storage(format!("writing {}", path.display()), e))?;
        exports.push_str(&format!(
            "kamerstand export --round {} --format {format} -o {file}: {} bytes\n",
            second.name,
            text.len()
        ));
    }

    let check = DigestCheck {
        hash: first.digest,
        round: Some(first.name.clone()),
    };
    let r = ws.ledger().verify_digest(&check)?;
    let checkpoints = crate::checkpoints::check_all(ws.ledger(), false, &mut |_, _| {})?;
    let fmt = if g.format == Format::Json {
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
            report::show_with(&now, item, fmt, &g.look),
        ),
        (
            "rounds",
            "Sealed rounds: kamerstand round list".to_string(),
            report::rounds_with(state, fmt, &g.look),
        ),
        (
            "diff",
            format!(
                "What changed between the rounds: kamerstand diff {} {}",
                first.name, second.name
            ),
            report::diff_with(&r1, &r2, &d, fmt, &g.look),
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
            report::verify(&r, Some(&checkpoints), fmt),
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
    if r.ok() {
        Ok(())
    } else {
        Err(CliError::VerifyFailed)
    }
}

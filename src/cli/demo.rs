//! `kamerstand demo`: a small invented programme, recorded into a ledger in a
//! temporary directory, then shown and verified. The README's first command.

use super::{CliError, Env, Global, emit};
use crate::domain::{Day, EventBody, ItemKey, ItemKind, Legend, Responsible};
use crate::ledger::DigestCheck;
use crate::ledger::OpenOptions;
use crate::projection::{Basis, View, decide, diff};
use crate::report::{self, Format};
use crate::workspace::Workspace;
use std::path::PathBuf;

/// Build a ledger for an invented programme in a temporary directory: two
/// sealed reporting rounds with updates in between, a back-dated note and a
/// correction. Print the overview, one item's timeline, the rounds, the diff
/// between the rounds and the verification against the first round's digest.
///
/// Example: kamerstand demo --keep
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Keep the demo ledger and print its path, to explore it further.
    #[arg(long)]
    keep: bool,
}

/// One step of the demo script.
enum Step {
    Item {
        kind: ItemKind,
        key: Option<&'static str>,
        text: &'static str,
        submitters: &'static [&'static str],
        refs: &'static [&'static str],
        responsible: &'static str,
        status: &'static str,
        on: &'static str,
    },
    Status(
        &'static str,
        &'static str,
        &'static str,
        Option<&'static str>,
    ),
    Assign(&'static str, &'static str, &'static str, &'static str),
    Note(
        &'static str,
        &'static str,
        &'static str,
        &'static [&'static str],
    ),
    /// Seal a round: name, title, reported on.
    Seal(&'static str, &'static str, &'static str),
    /// Correct the latest status change of an item: key, status, reason.
    CorrectLastStatus(&'static str, &'static str, &'static str),
}

/// The invented programme: a handful of motions and commitments about
/// digital resilience, with a year and a half of updates.
const SCRIPT: &[Step] = &[
    Step::Item {
        kind: ItemKind::Motie,
        key: None,
        text: "Motie van het lid Visser c.s.; verzoekt de regering scholen te helpen met lessen over online oplichting.",
        submitters: &["Visser"],
        refs: &["Kamerstukken II 2023/24, 36410, nr. 41"],
        responsible: "SOCW",
        status: "niet-begonnen",
        on: "2024-01-18",
    },
    Step::Item {
        kind: ItemKind::Motie,
        key: None,
        text: "Motie van de leden De Boer en Yilmaz; verzoekt de regering te verkennen hoe slachtoffers van nepbeelden sneller hulp krijgen.",
        submitters: &["De Boer", "Yilmaz"],
        refs: &["Kamerstukken II 2023/24, 26643, nr. 1102"],
        responsible: "MJenV",
        status: "in-uitvoering",
        on: "2024-02-06",
    },
    Step::Item {
        kind: ItemKind::Motie,
        key: None,
        text: "Motie van het lid Smit; verzoekt de regering de cursussen digitale vaardigheden voor ouderen uit te breiden naar bibliotheken.",
        submitters: &["Smit"],
        refs: &["Kamerstukken II 2024/25, 36600 VII, nr. 18"],
        responsible: "MBZK",
        status: "in-uitvoering",
        on: "2024-03-12",
    },
    Step::Item {
        kind: ItemKind::Motie,
        key: None,
        text: "Motie van het lid Bos; verzoekt de regering jaarlijks te rapporteren over meldingen van online fraude.",
        submitters: &["Bos"],
        refs: &[],
        responsible: "MJenV en MEZK",
        status: "doorlopend",
        on: "2024-04-02",
    },
    Step::Item {
        kind: ItemKind::Toezegging,
        key: None,
        text: "De minister stuurt voor de zomer een voortgangsbrief over de aanpak van phishing.",
        submitters: &[],
        refs: &[],
        responsible: "MJenV",
        status: "in-uitvoering",
        on: "2024-04-25",
    },
    Step::Item {
        kind: ItemKind::Toezegging,
        key: Some("T-campagne"),
        text: "De staatssecretaris informeert de Kamer over de evaluatie van de voorlichtingscampagne.",
        submitters: &[],
        refs: &[],
        responsible: "SOCW",
        status: "niet-vermeld",
        on: "2024-05-14",
    },
    Step::Note(
        "36410-41",
        "2024-06-10",
        "Met vijf lerarenopleidingen is een lesbrief over online oplichting ontwikkeld; de proef start na de zomer.",
        &[],
    ),
    Step::Status(
        "36410-41",
        "in-uitvoering",
        "2024-06-10",
        Some("proef voorbereid"),
    ),
    Step::Assign(
        "36600-VII-18",
        "SBZK",
        "2024-07-02",
        "nieuw kabinet, portefeuilleverdeling",
    ),
    Step::Note(
        "T1",
        "2024-07-05",
        "De voortgangsbrief is verstuurd.",
        &["Kamerstukken II 2023/24, 26643, nr. 1150"],
    ),
    Step::Status("T1", "invulling", "2024-07-05", None),
    Step::Note(
        "26643-1102",
        "2024-09-30",
        "De verkenning loopt; gesprekken met hulporganisaties en platforms zijn gevoerd.",
        &[],
    ),
    Step::Seal("2024-najaar", "Voortgangsbrief najaar 2024", "2024-12-10"),
    Step::Status(
        "26643-1102",
        "vertraagd",
        "2024-11-15",
        Some("aanbesteding onderzoek later gegund"),
    ),
    Step::Note(
        "36600-VII-18",
        "2025-01-20",
        "In twaalf gemeenten bieden bibliotheken de cursus nu aan.",
        &[],
    ),
    Step::Note(
        "M1",
        "2025-02-03",
        "De eerste jaarrapportage over meldingen is met de Kamer gedeeld.",
        &["Kamerstukken II 2024/25, 29911, nr. 460"],
    ),
    Step::Status("T-campagne", "niet-begonnen", "2025-02-10", None),
    // The clerk took the wrong status from the minutes: corrected, not overwritten.
    Step::CorrectLastStatus(
        "T-campagne",
        "in-uitvoering",
        "verkeerde status overgenomen uit het verslag",
    ),
    // Recorded last but effective earlier: a back-dated note.
    Step::Note(
        "36410-41",
        "2024-11-01",
        "Vijftig scholen doen mee aan de proef.",
        &[],
    ),
    Step::Seal(
        "2025-voorjaar",
        "Voortgangsbrief voorjaar 2025",
        "2025-05-20",
    ),
];

fn day(s: &str) -> Result<Day, CliError> {
    Ok(Day::parse("demo date", s)?)
}

fn play(ws: &mut Workspace, actor: &str) -> Result<(), CliError> {
    for step in SCRIPT {
        let body = match step {
            Step::Item {
                kind,
                key,
                text,
                submitters,
                refs,
                responsible,
                status,
                on,
            } => {
                let citations: Vec<String> = refs.iter().map(|r| (*r).to_string()).collect();
                let explicit = key.map(ItemKey::parse).transpose()?;
                let key = decide::assign_key(ws.state(), *kind, explicit, &citations)?;
                EventBody::ItemRegistered {
                    kind: *kind,
                    key,
                    text: (*text).into(),
                    submitters: submitters.iter().map(|s| (*s).to_string()).collect(),
                    citations,
                    responsible: Responsible::parse(responsible)?,
                    status: (*status).into(),
                    effective: day(on)?,
                }
            }
            Step::Status(key, status, on, why) => EventBody::StatusChanged {
                item: ws.state().resolve(key)?.id,
                status: (*status).into(),
                reason: why.map(Into::into),
                effective: day(on)?,
            },
            Step::Assign(key, codes, on, why) => EventBody::ResponsibilityChanged {
                item: ws.state().resolve(key)?.id,
                responsible: Responsible::parse(codes)?,
                reason: Some((*why).into()),
                effective: day(on)?,
            },
            Step::Note(key, on, text, refs) => EventBody::ProgressNoted {
                item: ws.state().resolve(key)?.id,
                text: (*text).into(),
                citations: refs.iter().map(|r| (*r).to_string()).collect(),
                effective: day(on)?,
            },
            Step::Seal(name, title, on) => {
                let head = ws.state();
                EventBody::RoundSealed {
                    name: (*name).into(),
                    title: (*title).into(),
                    reported_on: day(on)?,
                    head_seq: head.events.saturating_sub(1),
                    head_hash: head.head.unwrap_or(crate::domain::EventHash::GENESIS),
                }
            }
            Step::CorrectLastStatus(key, status, why) => {
                let item = ws.state().resolve(key)?;
                let last = item
                    .timeline
                    .iter()
                    .rev()
                    .find(|e| matches!(e.change, crate::projection::Change::Status { .. }))
                    .ok_or_else(|| crate::Error::Rejected(format!("{key} has no status change")))?;
                EventBody::Corrected {
                    target_seq: last.seq,
                    target_id: last.id,
                    item: item.id,
                    reason: (*why).into(),
                    replacement: crate::domain::Replacement {
                        status: Some((*status).into()),
                        ..Default::default()
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

fn demo_in(dir: &std::path::Path, a: &Args, g: &Global, env: &mut Env<'_>) -> Result<(), CliError> {
    let mut ws = Workspace::create(
        dir,
        OpenOptions {
            wait: g.wait,
            clock: (env.clock)(),
        },
        "secretariaat",
        "PDW".into(),
        "Programma Digitale Weerbaarheid (voorbeeld) — stand van zaken moties en toezeggingen"
            .into(),
        Legend::nap(),
    )?;
    play(&mut ws, "secretariaat")?;
    let state = ws.state();
    let now = View::current(state, None);
    let (Some(first), Some(second)) = (state.rounds.first().cloned(), state.rounds.last().cloned())
    else {
        return Err(crate::Error::Rejected("the demo script seals two rounds".into()).into());
    };
    let r1 = View::fold(ws.ledger().events(), Basis::Round(first.clone()), None)?;
    let r2 = View::fold(ws.ledger().events(), Basis::Round(second.clone()), None)?;
    let d = diff::diff(&r1.state, &r2.state, false);
    let item = state.resolve("T-campagne")?;
    let check = DigestCheck {
        hash: first.digest,
        round: Some(first.name.clone()),
    };
    let r = ws.ledger().verify_digest(&check)?;
    let fmt = if g.format == Format::Json {
        Format::Json
    } else {
        Format::Table
    };
    let sections = [
        (
            "overview",
            "Overview now: kamerstand overview".to_string(),
            report::overview(&now, fmt),
        ),
        (
            "item",
            "One item's history, with a correction: kamerstand show T-campagne".to_string(),
            report::show(&now, item, fmt),
        ),
        (
            "rounds",
            "Sealed rounds: kamerstand round list".to_string(),
            report::rounds(state, fmt),
        ),
        (
            "diff",
            format!(
                "What changed between the rounds: kamerstand diff {} {}",
                first.name, second.name
            ),
            report::diff(&r1, &r2, &d, fmt),
        ),
        (
            "verify",
            format!(
                "The chain, and the digest published with round {}: kamerstand verify --digest {} --round {}",
                first.name,
                first.digest.short(),
                first.name
            ),
            report::verify(&r, fmt),
        ),
    ];
    let mut out = String::new();
    if fmt == Format::Json {
        let mut doc = serde_json::Map::new();
        for (name, _, text) in &sections {
            doc.insert(
                (*name).into(),
                serde_json::from_str(text).unwrap_or(serde_json::Value::Null),
            );
        }
        if a.keep {
            doc.insert("store".into(), dir.display().to_string().into());
        }
        out = serde_json::to_string_pretty(&doc).unwrap_or_default();
        out.push('\n');
    } else {
        for (_, title, text) in &sections {
            out.push_str(&format!("== {title} ==\n\n{text}\n"));
        }
        if a.keep {
            out.push_str(&format!(
                "The demo ledger is kept at {}\nTry: kamerstand --store {} log\n",
                dir.display(),
                dir.display()
            ));
        }
    }
    emit(env, &out)?;
    if r.ok() {
        Ok(())
    } else {
        Err(CliError::VerifyFailed)
    }
}

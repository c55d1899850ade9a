//! `kamerstand demo`: a small invented programme, recorded into a ledger in a
//! temporary directory, then shown and verified. The README's first command.

use super::{CliError, Env, Global, emit};
use crate::domain::{Day, EventBody, ItemKey, ItemKind, Legend, Responsible};
use crate::ledger::OpenOptions;
use crate::projection::decide;
use crate::report::{self, Format};
use crate::workspace::Workspace;
use std::path::PathBuf;

/// Build a ledger for an invented programme in a temporary directory, record
/// a year of updates, and print the overview, one item's timeline and the
/// verification result.
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
    Step::Status("T-campagne", "in-uitvoering", "2025-02-10", None),
    // Recorded last but effective earlier: a back-dated note.
    Step::Note(
        "36410-41",
        "2024-11-01",
        "Vijftig scholen doen mee aan de proef.",
        &[],
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
    let mut out = String::new();
    if g.format == Format::Table {
        out.push_str("== Overview ==\n\n");
    }
    out.push_str(&report::overview(state, g.format));
    let item = state.resolve("36410-41")?;
    if g.format == Format::Table {
        out.push_str("\n== One item's history: kamerstand show 36410-41 ==\n\n");
    }
    out.push_str(&report::show(state, item, g.format));
    let r = ws.ledger().verify()?;
    if g.format == Format::Table {
        out.push_str("\n== kamerstand verify ==\n\n");
    }
    out.push_str(&report::verify(&r, g.format));
    if a.keep {
        out.push_str(&format!(
            "\nThe demo ledger is kept at {}\nTry: kamerstand --store {} log\n",
            dir.display(),
            dir.display()
        ));
    }
    emit(env, &out)?;
    if r.ok() {
        Ok(())
    } else {
        Err(CliError::VerifyFailed)
    }
}

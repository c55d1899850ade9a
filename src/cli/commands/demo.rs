//! `kamerstand demo`: an invented programme's year, end to end, in a
//! temporary directory, as the clerk's own commands: last year's annex
//! imported and sealed as a round, updates recorded by hand (one
//! back-dated, one corrected), this year's annex imported and sealed, then
//! the overview, one item's history, the rounds, the diff between them, the
//! exports and the verification against the first round's published
//! digest. It ends with the product's point: a copy of the ledger with one
//! byte changed behind kamerstand's back, which `verify` refuses, while the
//! original still verifies. The README's first command.
//!
//! Every step is a real command line, run in this process by
//! [`crate::cli::run`] against the demo's store and printed as `$ kamerstand
//! …` above its output, so what the demo shows is what a clerk types.

use crate::app::Workspace;
use crate::cli::{CliError, Env, Global, emit};
use crate::formats::annex::Lang;
use crate::ledger::OpenOptions;
use crate::projection::Change;
use crate::report::Format;
use std::path::{Path, PathBuf};

/// Run a programme's year in a temporary directory, as the clerk's
/// commands: import last year's annex as round 2024-najaar, record updates
/// (one back-dated, one corrected), import this year's annex as round
/// 2025-voorjaar; then the overview, one item's history, the rounds, the
/// diff between them, the exports and the verification against the first
/// round's digest — and a copy of the ledger with one byte changed, which
/// `verify` refuses.
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

/// The programme's name and title.
const PROGRAMME: (&str, &str) = (
    "PDWG",
    "Programma Digitale Weerbaarheid Gemeenten (voorbeeld)",
);

/// Who records: the secretariat imports and seals, a policy officer
/// records updates by hand.
const SECRETARIAT: &str = "secretariaat";
const OFFICER: &str = "beleidsmedewerker";

/// The hand-recorded updates between the two rounds, as typed after
/// `kamerstand`.
const BETWEEN_ROUNDS: &[&[&str]] = &[
    &[
        "status",
        "39104-18",
        "in-uitvoering",
        "--effective",
        "2025-01-20",
        "--reason",
        "regeling met de VNG vastgesteld",
    ],
    // Recorded after the first round, effective before it: a back-dated note.
    &[
        "note",
        "39104-13",
        "Het onderzoeksbureau voor het meldpunt-onderzoek is geselecteerd.",
        "--effective",
        "2024-12-01",
    ],
    &[
        "status",
        "T1",
        "niet-begonnen",
        "--effective",
        "2025-02-03",
        "--reason",
        "volgens verslag",
    ],
];

/// The status T1 should have had: the clerk took the wrong one from the
/// minutes, and corrects it (never overwrites).
const T1_CORRECTION: (&str, &str) = ("doorlopend", "verkeerde status overgenomen uit het verslag");

/// What the tampering changes in the copy: one digit of a number reported
/// to parliament in a progress note ("112 gemeenten" becomes "912").
const TAMPER: (&str, &str) = ("112 gemeenten", "912 gemeenten");

/// Names of the copy and of the files the demo writes.
const COPY: &str = "kopie.db";
const STORE: &str = "ledger.db";

/// One command's part of the transcript.
struct Ran {
    /// The command as shown (`$ kamerstand …`).
    shown: String,
    /// What it printed: standard output, then standard error.
    text: String,
    /// Its exit code.
    code: i32,
}

/// Runs the demo's commands against its store and keeps what they print.
struct Session<'a, 'e> {
    dir: &'a Path,
    store: PathBuf,
    env: &'a mut Env<'e>,
    lang: Lang,
    /// Every command shown, in order.
    commands: Vec<String>,
}

/// `arg` as a shell would need it typed: quoted when it holds a space or a
/// character the shell treats specially.
fn quote(arg: &str) -> String {
    let plain = !arg.is_empty()
        && arg
            .chars()
            .all(|c| c.is_alphanumeric() || "-_.,:/=+@%".contains(c));
    if plain {
        arg.to_string()
    } else if !arg.contains(['"', '$', '`', '\\', '!']) {
        format!("\"{arg}\"")
    } else {
        format!("'{}'", arg.replace('\'', r"'\''"))
    }
}

impl Session<'_, '_> {
    /// Runs `kamerstand [--store STORE] ARGS` as `actor`, where `store` is
    /// this session's unless given; `json` asks for JSON output. File
    /// names in `args` are in the demo's directory.
    fn run_on(&mut self, store: &Path, actor: &str, args: &[&str], json: bool) -> Ran {
        let mut shown = String::from("$ kamerstand");
        if store != self.store {
            shown.push_str(&format!(
                " --store {}",
                quote(&self.relative(&store.display().to_string()))
            ));
        }
        for a in args {
            shown.push(' ');
            shown.push_str(&quote(a));
        }
        let mut argv: Vec<String> = vec![
            "kamerstand".into(),
            "--store".into(),
            store.display().to_string(),
            "--actor".into(),
            actor.into(),
            "--lang".into(),
            match self.lang {
                Lang::Nl => "nl",
                Lang::En => "en",
            }
            .into(),
            "--quiet".into(),
            // A moment's wait if the store still looks in use (a process
            // forked elsewhere can hold its lock file until it execs).
            "--wait=10".into(),
        ];
        if json {
            argv.extend(["--format".into(), "json".into()]);
        }
        for a in args {
            // A file the demo wrote, or will: in its directory.
            let is_file = [".txt", ".html", ".md", ".csv", ".jsonl"]
                .iter()
                .any(|ext| a.ends_with(ext))
                && !a.contains('/');
            argv.push(if is_file {
                self.dir.join(a).display().to_string()
            } else {
                (*a).to_string()
            });
        }
        let mut out = Vec::new();
        let mut err = Vec::new();
        let mut input = std::io::empty();
        let code = {
            let mut sub = Env {
                out: &mut out,
                err: &mut err,
                input: &mut input,
                clock: self.env.clock,
                os_user: self.env.os_user.clone(),
                terminal: crate::cli::Terminal {
                    stderr: false,
                    ..self.env.terminal
                },
                // The tour opens its ledger again for the next step.
                exits_after: false,
                whole_ledger_up_to: self.env.whole_ledger_up_to,
            };
            crate::cli::run(argv, &mut sub)
        };
        let mut text = String::from_utf8_lossy(&out).into_owned();
        text.push_str(&String::from_utf8_lossy(&err));
        self.commands.push(shown.clone());
        Ran {
            shown,
            text: self.relative(&text),
            code,
        }
    }

    /// [`Session::run_on`] this session's store, which must succeed.
    fn run(&mut self, actor: &str, args: &[&str], json: bool) -> Result<Ran, CliError> {
        let store = self.store.clone();
        let ran = self.run_on(&store, actor, args, json);
        if ran.code != 0 {
            return Err(crate::Error::Corrupt {
                seq: None,
                what: format!(
                    "the demo's command `{}` failed (exit {}): {}",
                    ran.shown.trim_start_matches("$ "),
                    ran.code,
                    ran.text.trim()
                ),
            }
            .into());
        }
        Ok(ran)
    }

    /// `text` with the demo directory's path taken out, so that files are
    /// named as the commands name them.
    fn relative(&self, text: &str) -> String {
        text.replace(&format!("{}/", self.dir.display()), "")
            .replace(&self.dir.display().to_string(), ".")
    }

    /// Opens the demo's store in this process, for what the commands do
    /// not print (an event's seq).
    fn open(&self) -> Result<Workspace, CliError> {
        Ok(Workspace::open(
            &self.store,
            OpenOptions {
                wait: std::time::Duration::from_secs(5),
                clock: (self.env.clock)(),
                allow_shared_store: false,
                leave_at_close: false,
                compress: false,
                whole_ledger_up_to: crate::ledger::WHOLE_LEDGER_AT_OPEN,
            },
        )?)
    }
}

/// Makes the demo's directory: new (never one that was there already,
/// which whoever made it could read or have planted links in), with an
/// unguessable name, open to its owner only.
pub(crate) fn temp_dir() -> Result<PathBuf, CliError> {
    let parent = std::env::temp_dir();
    crate::fsutil::create_private_dir(&parent, &format!("kamerstand-demo-{}-", std::process::id()))
        .map_err(|e| {
            crate::Error::storage(
                format!(
                    "creating a directory in {}",
                    crate::fsutil::shown_path(&parent)
                ),
                e,
            )
            .into()
        })
}

pub(crate) fn run(a: &Args, g: &Global, env: &mut Env<'_>) -> Result<(), CliError> {
    let dir = temp_dir()?;
    let result = demo_in(&dir, a, g, env);
    if !a.keep {
        let _ = std::fs::remove_dir_all(&dir);
    }
    result
}

/// A section of the output: its JSON name, its heading, and the commands
/// with what they printed.
struct Section {
    name: &'static str,
    title: String,
    ran: Vec<Ran>,
    /// Lines shown between the commands, after the one at this index.
    notes: Vec<(usize, String)>,
    /// Its value in the JSON output, when not what its one command printed
    /// (or the text of several).
    value: Option<serde_json::Value>,
}

impl Section {
    fn new(name: &'static str, title: impl Into<String>, ran: Vec<Ran>) -> Section {
        Section {
            name,
            title: title.into(),
            ran,
            notes: Vec::new(),
            value: None,
        }
    }

    fn text(&self) -> String {
        let mut out = String::new();
        for (i, r) in self.ran.iter().enumerate() {
            out.push_str(&format!("{}\n{}", r.shown, r.text));
            if !r.text.is_empty() && !r.text.ends_with('\n') {
                out.push('\n');
            }
            for (_, note) in self.notes.iter().filter(|(at, _)| *at == i) {
                out.push_str(note);
                out.push('\n');
            }
            if i + 1 < self.ran.len() {
                out.push('\n');
            }
        }
        out
    }
}

/// Writes the demo's two annexes into `dir`.
fn write_annexes(dir: &Path) -> Result<(), CliError> {
    std::fs::create_dir_all(dir)
        .map_err(|e| crate::Error::storage(format!("creating {}", dir.display()), e))?;
    for (file, text) in [
        ("bijlage-2024.txt", ANNEX_2024),
        ("bijlage-2025.txt", ANNEX_2025),
    ] {
        crate::fsutil::write_whole(&dir.join(file), text.as_bytes(), false)
            .map_err(|e| crate::Error::storage(format!("writing {file}"), e))?;
    }
    Ok(())
}

/// The demo's ledger in `dir` (its store `ledger.db`): last year's annex
/// imported and sealed, the updates between the rounds, this year's annex
/// imported and sealed, by the clerk's own commands. (`serve --demo`
/// serves it.)
#[cfg(feature = "server")]
pub(crate) fn build(dir: &Path, g: &Global, env: &mut Env<'_>) -> Result<Workspace, CliError> {
    write_annexes(dir)?;
    let mut s = Session {
        dir,
        store: dir.join(STORE),
        env,
        lang: g.lang,
        commands: Vec::new(),
    };
    year(&mut s)?;
    s.open()
}

/// The commands that build the demo's year, as sections of its output.
fn year(s: &mut Session<'_, '_>) -> Result<Vec<Section>, CliError> {
    let mut sections = Vec::new();
    let init = s.run(
        SECRETARIAT,
        &["init", "--programme", PROGRAMME.0, "--title", PROGRAMME.1],
        false,
    )?;
    let import_2024 = s.run(
        SECRETARIAT,
        &[
            "import",
            "bijlage-2024.txt",
            "--reported-on",
            "2024-11-15",
            "--seal-round",
            "2024-najaar",
            "--round-title",
            "Voortgangsbrief najaar 2024",
        ],
        false,
    )?;
    sections.push(Section::new(
        "import_2024",
        "Last year's annex, imported and sealed as round 2024-najaar",
        vec![init, import_2024],
    ));

    let mut updates = Vec::new();
    for step in BETWEEN_ROUNDS {
        updates.push(s.run(OFFICER, step, false)?);
    }
    // The last status change of T1, as `show T1` lists it.
    let t1_status = {
        let ws = s.open()?;
        let id = ws.resolve("T1")?.id;
        ws.item_state(id, None)?
            .and_then(|it| {
                it.timeline
                    .iter()
                    .rev()
                    .find(|e| matches!(e.change, Change::Status { .. }))
                    .map(|e| e.seq)
            })
            .ok_or(crate::Error::from(crate::Refusal::NotAnEventOfItem {
                seq: 0,
                key: "T1".into(),
            }))?
    };
    let seq = t1_status.to_string();
    updates.push(s.run(
        OFFICER,
        &[
            "correct",
            &seq,
            "--status",
            T1_CORRECTION.0,
            "--reason",
            T1_CORRECTION.1,
        ],
        false,
    )?);
    sections.push(Section::new(
        "updates",
        "Updates recorded by hand between the rounds: one back-dated, one corrected",
        updates,
    ));

    let import_2025 = s.run(
        SECRETARIAT,
        &[
            "import",
            "bijlage-2025.txt",
            "--reported-on",
            "2025-05-15",
            "--seal-round",
            "2025-voorjaar",
            "--round-title",
            "Voortgangsbrief voorjaar 2025",
        ],
        false,
    )?;
    sections.push(Section::new(
        "import_2025",
        "This year's annex: only what changed is recorded",
        vec![import_2025],
    ));

    Ok(sections)
}

fn demo_in(dir: &Path, a: &Args, g: &Global, env: &mut Env<'_>) -> Result<(), CliError> {
    write_annexes(dir)?;
    let json = g.report() == Format::Json;
    let mut s = Session {
        dir,
        store: dir.join(STORE),
        env,
        lang: g.lang,
        commands: Vec::new(),
    };
    let mut sections = year(&mut s)?;

    let overview = s.run(SECRETARIAT, &["overview"], json)?;
    sections.push(Section::new("overview", "The overview now", vec![overview]));
    let item = s.run(SECRETARIAT, &["show", "T1"], json)?;
    sections.push(Section::new(
        "item",
        "One item's history, with a correction",
        vec![item],
    ));
    let rounds = s.run(SECRETARIAT, &["round", "list"], json)?;
    sections.push(Section::new("rounds", "The sealed rounds", vec![rounds]));
    let diff = s.run(
        SECRETARIAT,
        &["diff", "2024-najaar", "2025-voorjaar", "--events"],
        json,
    )?;
    sections.push(Section::new(
        "diff",
        "What changed between the rounds",
        vec![diff],
    ));

    // The documents that go with the letter, and the backup.
    let mut exports = Vec::new();
    for (file, format) in [
        ("bijlage-2025-voorjaar.html", "html"),
        ("bijlage-2025-voorjaar.md", "md"),
        ("overzicht.csv", "csv"),
        ("events.jsonl", "events"),
    ] {
        exports.push(s.run(
            SECRETARIAT,
            &[
                "export",
                "--round",
                "2025-voorjaar",
                "--format",
                format,
                "-o",
                file,
            ],
            false,
        )?);
    }
    sections.push(Section::new("exports", "The exports", exports));

    // The digest printed in the first letter, checked against the ledger.
    let digest = {
        let ws = s.open()?;
        ws.rounds()?
            .into_iter()
            .find(|r| r.name == "2024-najaar")
            .map(|r| r.digest.hex())
            .ok_or(crate::Error::from(crate::Refusal::EmptyLedger))?
    };
    let verify = s.run(
        SECRETARIAT,
        &["verify", "--digest", &digest, "--round", "2024-najaar"],
        json,
    )?;
    sections.push(Section::new(
        "verify",
        "The chain, and the digest published with round 2024-najaar",
        vec![verify],
    ));

    // The product's point: a copy with one byte changed does not verify.
    let tampered = tamper(&mut s, json)?;
    sections.push(tampered);

    let commands = std::mem::take(&mut s.commands);
    let store = s.store.clone();
    let mut out = String::new();
    if json {
        let mut doc = serde_json::Map::new();
        for sec in &sections {
            // Read commands gave JSON; writes and exports their text.
            let value = match (&sec.value, sec.ran.as_slice()) {
                (Some(v), _) => v.clone(),
                (None, [one]) => {
                    serde_json::from_str(&one.text).unwrap_or_else(|_| one.text.clone().into())
                }
                (None, _) => sec.text().into(),
            };
            doc.insert(sec.name.into(), value);
        }
        doc.insert("commands".into(), commands.into());
        if a.keep {
            doc.insert("store".into(), store.display().to_string().into());
            doc.insert("dir".into(), dir.display().to_string().into());
        }
        out = serde_json::to_string_pretty(&doc).unwrap_or_default();
        out.push('\n');
    } else {
        for sec in &sections {
            out.push_str(&format!("== {} ==\n\n{}\n", sec.title, sec.text()));
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
    emit(s.env, &out)
}

/// Copies the store, changes one byte of one event in the copy (as an
/// editor would, bypassing kamerstand), and verifies both: the copy must
/// fail, naming the event, and the original must still pass.
fn tamper(s: &mut Session<'_, '_>, json: bool) -> Result<Section, CliError> {
    let copy = s.dir.join(COPY);
    let seq = {
        let ws = s.open()?;
        let mut found = None;
        for rec in ws.ledger().events() {
            let rec = rec?;
            if let crate::domain::EventBody::ProgressNoted { text, .. } = &rec.envelope.body
                && text.contains(TAMPER.0)
            {
                found = Some((rec.envelope.seq, rec.item()));
            }
        }
        let (seq, item) = found.ok_or(crate::Error::from(crate::Refusal::EmptyLedger))?;
        let key = item
            .and_then(|i| ws.ledger().current_of(i).ok().flatten())
            .map(|st| st.item.key.to_string())
            .unwrap_or_default();
        (seq, key)
    };
    let changed = crate::ledger::tampered_copy(
        &s.store,
        &copy,
        seq.0,
        TAMPER.0.as_bytes(),
        TAMPER.1.as_bytes(),
    )?;
    if !changed {
        return Err(crate::Error::Corrupt {
            seq: Some(seq.0),
            what: "the demo could not change its copy".into(),
        }
        .into());
    }
    let copied = Ran {
        shown: format!("$ cp -r {STORE} {COPY}"),
        text: String::new(),
        code: 0,
    };
    s.commands.push(copied.shown.clone());
    let broken = s.run_on(&copy, SECRETARIAT, &["verify"], json);
    if broken.code != 1 {
        return Err(crate::Error::Corrupt {
            seq: Some(seq.0),
            what: format!(
                "the demo's tampered copy was not refused by verify (exit {}): {}",
                broken.code,
                broken.text.trim()
            ),
        }
        .into());
    }
    let intact = s.run(SECRETARIAT, &["verify"], json)?;
    let changed = format!(
        "then, outside kamerstand, one byte of {COPY} changed: in seq {} (the progress note of {}), \"{}\" became \"{}\"",
        seq.0, seq.1, TAMPER.0, TAMPER.1
    );
    let parsed = |r: &Ran| -> serde_json::Value {
        serde_json::from_str(&r.text).unwrap_or_else(|_| r.text.clone().into())
    };
    let value = serde_json::json!({
        "changed": changed,
        "copy": parsed(&broken),
        "original": parsed(&intact),
    });
    let mut section = Section::new(
        "tampered",
        "A copy of the ledger with one byte changed, and the original",
        vec![copied, broken, intact],
    );
    section.notes.push((0, format!("# {changed}")));
    section.value = Some(value);
    Ok(section)
}

//! One file per command: each holds the command's `Args` (whose doc comment
//! is its help text) and a `run` that parses them into domain types, calls
//! the library and renders the outcome. No domain rule lives here.

pub(super) mod account;
pub(super) mod assign;
#[cfg(feature = "bench")]
pub(super) mod bench_gen;
pub(super) mod completions;
pub(super) mod correct;
pub(super) mod demo;
pub(super) mod diff;
pub(super) mod export;
pub(super) mod import;
pub(super) mod init;
pub(super) mod item;
pub(super) mod key;
pub(super) mod log;
pub(super) mod man;
pub(super) mod note;
pub(super) mod overview;
pub(super) mod proof;
pub(super) mod round;
#[cfg(feature = "server")]
pub(super) mod serve;
pub(super) mod show;
pub(super) mod status;
pub(super) mod verify;

use crate::app::Workspace;
use crate::app::write::Outcome;
use crate::cli::{CliError, Global};
use crate::projection::View;
use crate::report::table::Look;
use crate::report::{Format, label_in};

/// What a table-format read prints instead of its table when its view
/// holds no events (an `--as-of` before the ledger began): when the first
/// event was recorded, and that `--effective` is the day in the world.
pub(crate) fn nothing_recorded(
    ws: &Workspace,
    view: &View,
    g: &Global,
    look: &Look,
) -> Result<Option<String>, CliError> {
    if view.chain.events > 0 || g.report() != Format::Table {
        return Ok(None);
    }
    let first = crate::app::view::first_recorded(ws)?;
    Ok(Some(crate::report::viewline::nothing_recorded(
        view, first, look.lang,
    )))
}

/// Writes a document to standard output as `write` makes it (JSON of
/// every item, written an item at a time rather than made whole first).
pub(crate) fn json_out(
    env: &mut crate::cli::Env<'_>,
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<(), CliError> {
    use std::io::Write as _;
    let mut w = std::io::BufWriter::new(&mut *env.out);
    write(&mut w)
        .and_then(|()| w.flush())
        .map_err(CliError::from_output)
}

/// The receipt line of a write: what changed, in the clerk's words (in
/// `lang`).
pub(crate) fn outcome_line(
    ws: &Workspace,
    o: &Outcome,
    lang: crate::formats::annex::Lang,
) -> String {
    let legend = ws.legend();
    let effective = lang.pick("geldt vanaf", "effective");
    let later = |what: (&str, &str), now: &dyn std::fmt::Display| match lang {
        crate::formats::annex::Lang::Nl => format!(
            "\nlet op: {} met een latere ingangsdatum blijft van kracht: {now}",
            what.0
        ),
        crate::formats::annex::Lang::En => format!(
            "\nnote: {} with a later effective date stays current: {now}",
            what.1
        ),
    };
    match o {
        Outcome::Registered { kind, key, id } => format!(
            "{} {kind} {key} (id {})",
            lang.pick("opgenomen:", "registered"),
            id.hex()
        ),
        Outcome::Amended { key } => format!("{} {key}", lang.pick("gewijzigd:", "amended")),
        Outcome::Status {
            key,
            from,
            to,
            effective: day,
            still_current,
        } => {
            let mut line = format!(
                "{key}: status {} → {}, {effective} {day}",
                label_in(legend, from, lang),
                label_in(legend, to, lang)
            );
            if let Some(now) = still_current {
                line.push_str(&later(
                    ("een wijziging", "a change"),
                    &label_in(legend, now, lang),
                ));
            }
            line
        }
        Outcome::Assigned {
            key,
            from,
            to,
            effective: day,
            still_current,
        } => {
            let mut line = format!(
                "{key}: {} {from} → {to}, {effective} {day}",
                lang.pick("verantwoordelijk", "responsible")
            );
            if let Some(now) = still_current {
                line.push_str(&later(("een toewijzing", "an assignment"), now));
            }
            line
        }
        Outcome::Noted {
            key,
            effective: day,
        } => format!(
            "{key}: {}, {effective} {day}",
            lang.pick("stand van zaken vastgelegd", "progress noted")
        ),
        Outcome::Corrected { key, seq } => {
            format!(
                "{key}: seq {seq} {}",
                lang.pick("gecorrigeerd", "corrected")
            )
        }
        Outcome::Sealed {
            name,
            head_seq,
            digest,
        } => match lang {
            crate::formats::annex::Lang::Nl => format!(
                "ronde {name} verzegeld over seq 0–{head_seq}; controlewaarde om te publiceren:\n{}",
                digest.hex()
            ),
            crate::formats::annex::Lang::En => format!(
                "sealed round {name} over seq 0–{head_seq}; digest to publish:\n{}",
                digest.hex()
            ),
        },
        Outcome::AccountCreated { account } => {
            format!("account {account} {}", lang.pick("aangemaakt", "created"))
        }
        Outcome::AccountChanged { account } => {
            format!("account {account} {}", lang.pick("gewijzigd", "changed"))
        }
    }
}

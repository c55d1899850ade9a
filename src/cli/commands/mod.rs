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
    let nl = lang == crate::formats::annex::Lang::Nl;
    let effective = if nl { "geldt vanaf" } else { "effective" };
    let later = |what: &str, now: &dyn std::fmt::Display| {
        if nl {
            format!("\nlet op: {what} met een latere ingangsdatum blijft van kracht: {now}")
        } else {
            format!("\nnote: {what} with a later effective date stays current: {now}")
        }
    };
    match o {
        Outcome::Registered { kind, key, id } => {
            if nl {
                format!("opgenomen: {kind} {key} (id {})", id.hex())
            } else {
                format!("registered {kind} {key} (id {})", id.hex())
            }
        }
        Outcome::Amended { key } => {
            if nl {
                format!("gewijzigd: {key}")
            } else {
                format!("amended {key}")
            }
        }
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
                let what = if nl { "een wijziging" } else { "a change" };
                line.push_str(&later(what, &label_in(legend, now, lang)));
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
            let responsible = if nl {
                "verantwoordelijk"
            } else {
                "responsible"
            };
            let mut line = format!("{key}: {responsible} {from} → {to}, {effective} {day}");
            if let Some(now) = still_current {
                let what = if nl {
                    "een toewijzing"
                } else {
                    "an assignment"
                };
                line.push_str(&later(what, now));
            }
            line
        }
        Outcome::Noted {
            key,
            effective: day,
        } => {
            if nl {
                format!("{key}: stand van zaken vastgelegd, {effective} {day}")
            } else {
                format!("{key}: progress noted, {effective} {day}")
            }
        }
        Outcome::Corrected { key, seq } => {
            if nl {
                format!("{key}: seq {seq} gecorrigeerd")
            } else {
                format!("{key}: seq {seq} corrected")
            }
        }
        Outcome::Sealed {
            name,
            head_seq,
            digest,
        } => {
            if nl {
                format!(
                    "ronde {name} verzegeld over seq 0–{head_seq}; controlewaarde om te publiceren:\n{}",
                    digest.hex()
                )
            } else {
                format!(
                    "sealed round {name} over seq 0–{head_seq}; digest to publish:\n{}",
                    digest.hex()
                )
            }
        }
        Outcome::AccountCreated { account } => {
            if nl {
                format!("account {account} aangemaakt")
            } else {
                format!("account {account} created")
            }
        }
        Outcome::AccountChanged { account } => {
            if nl {
                format!("account {account} gewijzigd")
            } else {
                format!("account {account} changed")
            }
        }
    }
}

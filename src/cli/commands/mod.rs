//! One file per command: each holds the command's `Args` (whose doc comment
//! is its help text) and a `run` that parses them into domain types, calls
//! the library and renders the outcome. No domain rule lives here.

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
pub(super) mod show;
pub(super) mod status;
pub(super) mod verify;

use crate::app::Workspace;
use crate::app::write::Outcome;
use crate::report::label;

/// The receipt line of a write: what changed, in the clerk's words.
pub(crate) fn outcome_line(ws: &Workspace, o: &Outcome) -> String {
    let legend = ws.legend();
    match o {
        Outcome::Registered { kind, key, id } => {
            format!("registered {kind} {key} (id {})", id.hex())
        }
        Outcome::Amended { key } => format!("amended {key}"),
        Outcome::Status {
            key,
            from,
            to,
            effective,
            still_current,
        } => {
            let mut line = format!(
                "{key}: status {} → {}, effective {effective}",
                label(legend, from),
                label(legend, to)
            );
            if let Some(now) = still_current {
                line.push_str(&format!(
                    "\nnote: a change with a later effective date stays current: {}",
                    label(legend, now)
                ));
            }
            line
        }
        Outcome::Assigned {
            key,
            from,
            to,
            effective,
            still_current,
        } => {
            let mut line = format!("{key}: responsible {from} → {to}, effective {effective}");
            if let Some(now) = still_current {
                line.push_str(&format!(
                    "\nnote: an assignment with a later effective date stays current: {now}"
                ));
            }
            line
        }
        Outcome::Noted { key, effective } => {
            format!("{key}: progress noted, effective {effective}")
        }
        Outcome::Corrected { key, seq } => format!("{key}: seq {seq} corrected"),
        Outcome::Sealed {
            name,
            head_seq,
            digest,
        } => format!(
            "sealed round {name} over seq 0–{head_seq}; digest to publish:\n{}",
            digest.hex()
        ),
    }
}

//! The view flags shared by every read command (`--as-of`, `--round`,
//! `--effective`), parsed before the store is opened and turned into a
//! [`View`] after.

use super::CliError;
use crate::domain::{Day, Instant, text};
use crate::error::Error;
use crate::projection::{Basis, View};
use crate::workspace::Workspace;

/// Which view of the ledger to show.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ViewArgs {
    /// Show what the ledger held at this instant: RFC 3339
    /// (2025-05-01T14:00:00+02:00) or a date YYYY-MM-DD meaning the end of
    /// that day in Dutch time (Europe/Amsterdam). Later events, corrections
    /// included, are invisible.
    #[arg(long, value_name = "INSTANT", conflicts_with = "round")]
    pub as_of: Option<String>,
    /// Show the view as of a sealed reporting round, e.g. 2025-voorjaar
    /// (see `round list`).
    #[arg(long, value_name = "NAME")]
    pub round: Option<String>,
    /// Show the values in effect on this day, YYYY-MM-DD, as known in the
    /// chosen view.
    #[arg(long, value_name = "DATE")]
    pub effective: Option<String>,
}

/// Parsed view flags.
#[derive(Debug, Clone, Default)]
pub struct ViewRequest {
    as_of: Option<Instant>,
    round: Option<String>,
    effective: Option<Day>,
}

impl ViewArgs {
    /// Parses the flags (no store needed).
    pub fn parse(&self) -> Result<ViewRequest, CliError> {
        Ok(ViewRequest {
            as_of: self
                .as_of
                .as_deref()
                .map(|s| Instant::parse("--as-of", s))
                .transpose()?,
            round: self.round.clone(),
            effective: self
                .effective
                .as_deref()
                .map(|s| Day::parse("--effective", s))
                .transpose()?,
        })
    }
}

/// The round of that name, or a refusal that lists what exists.
pub fn find_round<'a>(
    ws: &'a Workspace,
    name: &str,
) -> Result<&'a crate::projection::Round, CliError> {
    let state = ws.state();
    state.round(name).ok_or_else(|| {
        let close = text::closest(name, state.rounds.iter().map(|r| r.name.as_str()), 3);
        let hint = if close.is_empty() {
            String::new()
        } else {
            format!(" Did you mean {}?", close.join(", "))
        };
        let known = if state.rounds.is_empty() {
            "no rounds are sealed yet".to_string()
        } else {
            format!(
                "sealed rounds: {}",
                state
                    .rounds
                    .iter()
                    .map(|r| r.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        CliError::Lib(Error::Rejected(format!(
            "no round named '{}'.{hint} ({known}; see `kamerstand round list`)",
            text::shorten(name, 60)
        )))
    })
}

impl ViewRequest {
    /// The view asked for.
    pub fn build<'a>(&self, ws: &'a Workspace) -> Result<View<'a>, CliError> {
        let basis = if let Some(name) = &self.round {
            Basis::Round(find_round(ws, name)?.clone())
        } else if let Some(i) = &self.as_of {
            Basis::AsOf(i.clone())
        } else {
            Basis::Current
        };
        Ok(ws.view(basis, self.effective)?)
    }
}

//! What the process's standard streams are attached to, found out once by
//! `main` and handed to [`crate::cli::run`] in the [`crate::cli::Env`]: tests pass
//! [`Terminal::default`] (no terminal anywhere), so their output is the
//! plain text that pipes get.

use crate::report::table::{ColourMode, Look};
use std::io::{IsTerminal, Write};

/// The standard streams as the command sees them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Terminal {
    /// Standard output is a terminal.
    pub stdout: bool,
    /// Standard error is a terminal: long work shows a progress bar there.
    pub stderr: bool,
    /// How status colours are written to standard output. Decided by
    /// anstream: off when stdout is not a terminal, `TERM` is `dumb` or
    /// `NO_COLOR` is set; on when `CLICOLOR_FORCE` is set.
    pub colour: ColourMode,
    /// The terminal's width in columns when stdout is one (`COLUMNS` when
    /// set, else the window's size): tables are fit to it.
    pub width: Option<usize>,
}

impl Terminal {
    /// Looks at the real standard streams and the environment.
    pub fn detect() -> Terminal {
        let stdout = std::io::stdout();
        let is_tty = stdout.is_terminal();
        let colour = match anstream::AutoStream::choice(&stdout) {
            anstream::ColorChoice::Never => ColourMode::Off,
            _ if anstyle_query::truecolor() => ColourMode::TrueColour,
            _ => ColourMode::Ansi256,
        };
        let width = is_tty
            .then(|| {
                std::env::var("COLUMNS")
                    .ok()
                    .and_then(|c| c.trim().parse::<usize>().ok())
                    .filter(|&c| c > 0)
                    .or_else(|| terminal_size::terminal_size().map(|(w, _)| usize::from(w.0)))
            })
            .flatten();
        Terminal {
            stdout: is_tty,
            stderr: std::io::stderr().is_terminal(),
            colour,
            width,
        }
    }

    /// Standard output to write to: through anstream's `AutoStream` when
    /// colour is on (which also serves consoles that need the Windows API
    /// rather than escape codes), the plain stream otherwise.
    pub fn stdout(&self) -> Box<dyn Write> {
        let raw = std::io::stdout().lock();
        if self.colour == ColourMode::Off {
            Box::new(raw)
        } else {
            Box::new(anstream::AutoStream::new(
                raw,
                anstream::ColorChoice::Always,
            ))
        }
    }

    /// How tables and statuses are drawn on standard output.
    pub fn look(&self) -> Look {
        Look {
            colour: self.colour,
            width: if self.stdout { self.width } else { None },
            ..Look::PLAIN
        }
    }
}

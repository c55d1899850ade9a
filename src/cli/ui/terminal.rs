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

/// Text on its way to a terminal with every character that could steer it
/// (what [`crate::domain::invisible::shown_escaped`] names: controls but
/// newline and tab, bidirectional controls, tags, line and paragraph
/// separators) written as an escape: `\u{1b}`, or in JSON `\u001b`. What an
/// export writes to standard output when that is a terminal, so that text
/// stored in the ledger (or forged into its index) cannot clear the screen
/// or rewrite a line. The bytes are taken as UTF-8, a character split
/// between two writes included; a byte that is not UTF-8 is written as
/// U+FFFD.
pub struct Shown<'a> {
    out: &'a mut dyn Write,
    json: bool,
    /// The start of a character whose other bytes are still to come.
    pending: Vec<u8>,
}

impl std::fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shown").field("json", &self.json).finish()
    }
}

impl<'a> Shown<'a> {
    /// Escapes what is written on to `out`; as JSON string escapes when
    /// `json`.
    pub fn new(out: &'a mut dyn Write, json: bool) -> Shown<'a> {
        Shown {
            out,
            json,
            pending: Vec::new(),
        }
    }

    fn text(&mut self, s: &str) -> std::io::Result<()> {
        let shown = if self.json {
            crate::domain::text::json_visible(s)
        } else {
            crate::domain::text::visible(s)
        };
        self.out.write_all(shown.as_bytes())
    }
}

impl Write for Shown<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut bytes = std::mem::take(&mut self.pending);
        bytes.extend_from_slice(buf);
        let mut rest = &bytes[..];
        loop {
            match std::str::from_utf8(rest) {
                Ok(s) => {
                    self.text(s)?;
                    break;
                }
                Err(e) => {
                    let (good, bad) = rest.split_at(e.valid_up_to());
                    self.text(std::str::from_utf8(good).unwrap_or_default())?;
                    match e.error_len() {
                        Some(n) => {
                            self.text("\u{fffd}")?;
                            rest = &bad[n..];
                        }
                        None => {
                            self.pending = bad.to_vec();
                            break;
                        }
                    }
                }
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(parts: &[&[u8]], json: bool) -> String {
        let mut out = Vec::new();
        let mut w = Shown::new(&mut out, json);
        for p in parts {
            w.write_all(p).unwrap();
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn what_would_steer_a_terminal_is_escaped_and_the_rest_passes() {
        let text = "a\u{1b}[2Jb\u{7}\tc\n\u{202e}dé€\r".as_bytes();
        let want = "a\\u{1b}[2Jb\\u{7}\tc\n\\u{202e}dé€\\r";
        assert_eq!(shown(&[text], false), want);
        // Split anywhere, a character across two writes included.
        for cut in 0..text.len() {
            assert_eq!(shown(&[&text[..cut], &text[cut..]], false), want, "{cut}");
        }
        assert_eq!(
            shown(&["\"x\u{1b}y\u{202e}\"".as_bytes()], true),
            "\"x\\u001by\\u202e\""
        );
        assert_eq!(shown(&[b"a\xffb"], false), "a\u{fffd}b");
    }
}

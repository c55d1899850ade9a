//! Errors of a command run, mapped to messages and exit codes in one place:
//! 2 for input we refuse (nothing was written), 1 for a damaged ledger, a
//! failed verification or failed storage, 0 for a reader that went away.

use crate::Error;
use crate::domain::Invalid;
use std::io::Write;

/// Why a command did not succeed.
#[derive(Debug)]
pub enum CliError {
    /// A library error.
    Lib(Error),
    /// `verify` found a break (its report was already printed).
    VerifyFailed,
    /// The reader of our output closed the pipe: stop quietly.
    ClosedPipe,
    /// Writing our output failed otherwise.
    Output(std::io::Error),
}

impl From<Error> for CliError {
    fn from(e: Error) -> Self {
        // Output written through the library (an export to standard
        // output) to a reader that went away is a closed pipe, not a
        // storage failure.
        // The I/O error may be wrapped (the CSV writer's error holds it as
        // its source), so the whole chain of sources is looked at.
        if let Error::Storage { source, .. } = &e {
            let mut at: Option<&(dyn std::error::Error + 'static)> = Some(source.as_ref());
            while let Some(err) = at {
                if err
                    .downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
                {
                    return CliError::ClosedPipe;
                }
                at = err.source();
            }
        }
        CliError::Lib(e)
    }
}

impl From<Invalid> for CliError {
    fn from(e: Invalid) -> Self {
        CliError::Lib(Error::Invalid(e))
    }
}

impl CliError {
    /// Classifies a failed write to stdout.
    pub fn from_output(e: std::io::Error) -> CliError {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            CliError::ClosedPipe
        } else {
            CliError::Output(e)
        }
    }

    /// Prints the message and returns the exit code. `writes` says whether
    /// the command would have appended events, so a refusal can say that
    /// nothing was.
    pub fn report(&self, err: &mut dyn Write, writes: bool) -> i32 {
        let (code, msg) = match self {
            CliError::Lib(e) => (
                if e.is_input() { 2 } else { 1 },
                if e.is_input() && writes {
                    format!("error: {e}\nNothing was written.")
                } else {
                    format!("error: {e}")
                },
            ),
            CliError::VerifyFailed => (1, String::new()),
            CliError::ClosedPipe => return 0,
            CliError::Output(e) => (1, format!("error: writing output failed: {e}")),
        };
        if !msg.is_empty() {
            // Messages can quote input and stored text: shown escaped.
            let _ = writeln!(err, "{}", crate::domain::text::visible(&msg));
        }
        code
    }
}

//! The `kamerstand` binary: wires the real streams and clock into
//! [`kamerstand::cli::run`] and exits with its code.
#![forbid(unsafe_code)]

use kamerstand::ledger::{Clock, SystemClock};

fn main() {
    // Colour, width and progress bars follow from what the streams are
    // attached to (std::io::IsTerminal, anstream's NO_COLOR/CLICOLOR_FORCE).
    let terminal = kamerstand::cli::Terminal::detect();
    let mut out = terminal.stdout();
    // Not locked: a progress bar draws on stderr from its own thread.
    let mut err = std::io::stderr();
    let mut input = std::io::stdin().lock();
    let clock = || -> Box<dyn Clock> { Box::new(SystemClock) };
    let os_user = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .ok()
        .filter(|u| !u.is_empty());
    let code = kamerstand::cli::run(
        std::env::args_os(),
        &mut kamerstand::cli::Env {
            out: &mut out,
            err: &mut err,
            input: &mut input,
            clock: &clock,
            os_user,
            terminal,
            exits_after: true,
        },
    );
    std::process::exit(code);
}

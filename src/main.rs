//! The `kamerstand` binary: wires the real streams and clock into
//! [`kamerstand::cli::run`] and exits with its code.
#![forbid(unsafe_code)]

use kamerstand::ledger::{Clock, SystemClock};

fn main() {
    let mut out = std::io::stdout().lock();
    let mut err = std::io::stderr().lock();
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
        },
    );
    std::process::exit(code);
}

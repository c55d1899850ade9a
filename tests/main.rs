//! The integration test binary: the CLI end to end in temporary stores, bad
//! input, tampered stores, the store lock and a model-based property test;
//! time travel (as-of, effective, rounds, diffs, corrections) and published
//! digests.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod bad_input;
mod catalog;
mod checkpoints;
mod cli;
mod clidoc;
mod common;
mod concurrency;
mod corrections;
mod crash;
mod digest;
mod hardening;
mod hostile;
mod importexport;
mod legendfile;
mod lock;
mod model;
mod parsers;
mod rounds;
mod schemas;
mod tamper;
mod terminal;
mod timetravel;
mod views;

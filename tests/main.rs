//! The integration test binary: the CLI end to end in temporary stores, bad
//! input, tampered stores, the store lock and a model-based property test;
//! time travel (as-of, effective, rounds, diffs, corrections) and published
//! digests.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod bad_input;
mod cli;
mod common;
mod corrections;
mod digest;
mod importexport;
mod lock;
mod model;
mod rounds;
mod tamper;
mod timetravel;
mod views;

//! The integration test binary: the CLI end to end in temporary stores, bad
//! input, tampered stores, the store lock and a model-based property test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod bad_input;
mod cli;
mod common;
mod lock;
mod model;
mod tamper;

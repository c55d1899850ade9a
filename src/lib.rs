//! kamerstand: an append-only, hash-chained ledger of what a programme reports
//! to parliament about its motions and commitments.
//!
//! Layers, arrows pointing down: the command line ([`cli`], behind the
//! default `cli` feature) and any other caller → [`app`] (the use cases) →
//! [`formats`] / [`report`] / [`projection`] → [`ledger`] → [`domain`].
//! `domain` and `projection` do no I/O; only `ledger::store` touches sled.
#![forbid(unsafe_code)]

pub mod app;
pub mod domain;
pub mod error;
pub mod formats;
pub mod fsutil;
pub mod ledger;
pub mod projection;
pub mod report;

#[cfg(feature = "cli")]
pub mod cli;
#[cfg(feature = "server")]
pub mod server;
#[cfg(any(test, feature = "bench"))]
pub mod synth;

pub use app::Workspace;
pub use error::{Error, Refusal, Result};

//! kamerstand: an append-only, hash-chained ledger of what a programme reports
//! to parliament about its motions and commitments.
//!
//! Layers, arrows pointing down: [`cli`] → [`report`] / [`projection`] →
//! [`ledger`] → [`domain`]. `domain` and `projection` do no I/O; only
//! `ledger::store` touches sled.
#![forbid(unsafe_code)]

pub mod checkpoints;
pub mod domain;
pub mod error;
pub mod fsutil;
pub mod import;
pub mod ledger;

pub use error::{Error, Result};
pub mod projection;
pub mod workspace;
pub use workspace::Workspace;
pub mod cli;
pub mod report;
pub mod synth;

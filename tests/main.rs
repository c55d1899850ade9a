//! The one integration test binary. Each module is one behaviour, named for
//! what a reader would look for: `cli` (every command end to end, legend
//! files), `clidoc` (help, docs/cli.md, completions, man pages), `terminal`
//! (colour, width, progress bars, closed pipes), `hostile` (bad and hostile
//! input of every kind), `tamper` (damaged stores and published digests),
//! `crash` (killed writers), `concurrency` (the store lock, writers at
//! once), `time_travel` (as-of and effective views), `rounds` (sealed
//! rounds, diffs, digests), `corrections`, `import_export` (annex, CSV,
//! events; the format-1 fixture), `footnote_marks` (footnote markers kept
//! in place from import to export, and no change for texts that only
//! gained them), `letter` (the annex and the diff for a letter: Word, Excel, Dutch and
//! English), `schemas` (JSON output against schema/),
//! `checkpoints`, `model` (a model-based property test) and `parsers`
//! (property tests of what reads others' files). `common` is the shared
//! test environment; snapshots live in tests/snapshots/.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod as_of;
mod cli;
mod clidoc;
mod common;
mod concurrency;
mod corrections;
mod crash;
mod doors;
mod footnote_marks;
mod forgery;
mod hardening;
mod hostile;
mod import_export;
mod import_formats;
mod import_history;
mod index;
mod letter;
mod merkle_chunks;
mod model;
mod parsers;
mod proofs;
mod readable;
mod receipts;
mod rounds;
mod schemas;
mod server;
mod server_attacks;
mod signed_rounds;
mod store_compression;
mod streamed_reads;
mod tamper;
mod terminal;
mod time_travel;

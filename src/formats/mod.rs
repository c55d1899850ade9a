//! File formats other than the annex text and CSV: Word (`.docx`) and Excel
//! (`.xlsx`), each read and written in one place, plus recognising a file by
//! its content so the importer can tell the user what a file is.
//!
//! These modules know nothing of the ledger: they read a file into a neutral
//! model ([`docx::Document`], [`xlsx::Sheet`]) and write a file from the same
//! model. Mapping ledger views to the model and the model to import rows is
//! the caller's job.

pub mod docx;
mod ooxml;
pub mod sniff;
pub mod xlsx;

pub use ooxml::{FormatError, Limits};

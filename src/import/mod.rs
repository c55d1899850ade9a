//! Importing what others wrote: turning the documents a programme already has
//! (the annex copied out of a PDF or Word file, and later other formats) into
//! rows the ledger can record. Parsers here are pure: they take text, never
//! fail, and report what they could not understand as anomalies with line
//! numbers instead of guessing.

pub mod annex;
pub mod csv;
pub mod events;
pub mod plan;

//! File formats, each read and written in one place.

pub mod note;
pub mod proof;

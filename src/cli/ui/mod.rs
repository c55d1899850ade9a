//! Everything about the terminal in one place: what the standard streams are
//! attached to (colour, width), and the progress bars drawn on standard
//! error. The rest of the CLI and the library only see a [`Terminal`] value
//! and the report layer's `Look`.

pub mod progress;
pub mod terminal;

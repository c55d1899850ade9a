//! Pure folds over events: the [`State`] of the overview rebuilt from the
//! chain, and [`decide`], which checks a proposed event against that state
//! before anything is written. No I/O happens here.

pub mod decide;
pub mod state;

pub use state::{Change, ItemState, Note, State, TimelineEntry};

//! Pure folds over events: the [`State`] of the overview rebuilt from the
//! chain, and [`decide`], which checks a proposed event against that state
//! before anything is written. No I/O happens here.

pub mod checkpoint;
pub mod decide;
pub mod diff;
pub mod state;
pub mod view;

pub use diff::Diff;
pub use state::{Amendment, Change, Fact, ItemState, Note, Round, State, Tally, TimelineEntry};
pub use view::{Basis, View};

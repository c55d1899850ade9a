//! Pure folds over events and the rules of the index built from them: the
//! [`State`] of the overview rebuilt from the chain, [`decide`], which checks
//! a proposed event against that state before anything is written, the
//! [`index`] rules (what an event writes, how a view reads it back), views
//! and diffs. No I/O happens here.

pub mod decide;
pub mod diff;
pub mod index;
pub mod state;
pub mod view;

pub use diff::Diff;
pub use state::{
    Account, Amendment, Change, Fact, ItemState, Note, RegisteredKey, Round, State, Tally,
    TimelineEntry, natural_key,
};
pub use view::{Basis, ItemView, NoteView, View};

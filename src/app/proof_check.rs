//! Checking proofs without a ledger (`kamerstand proof check`): the
//! auditor's side of [`super::proofs`] with our own tool, as
//! `docs/verify_export.py --note … --pubkey … --proof …` does it without.
//! Nothing here opens a store: the inputs are signed notes, the public keys
//! the auditor obtained from their owners, and proof documents.
//!
//! Every note must verify with the keys given, and every key given must
//! have signed every note (the keys say whom the auditor trusts); two notes
//! of one size with different roots are a fork. A proof is checked on its
//! own (its hashes, its event bytes) and then against the note of its tree:
//! an inclusion or item proof against the note of its size, a consistency
//! proof against the notes of both its sizes.

use crate::domain::{EventHash, Invalid, KeyRole};
use crate::error::Result;
use crate::formats::note::{self, Checkpoint, Note, NoteError, VerifierKey};
use crate::formats::proof::{ProofCheckError, ProofDoc};

/// A note as given: a name to report it by, and its bytes.
#[derive(Debug, Clone)]
pub struct NoteInput {
    /// What the caller calls it (a file name).
    pub name: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// A note that holds.
#[derive(Debug, Clone)]
pub struct NoteHeld {
    /// The name it was given under.
    pub name: String,
    /// Its checkpoint.
    pub checkpoint: Checkpoint,
    /// The keys whose signatures verified: name, role, cosignature time.
    pub signed_by: Vec<(String, KeyRole, Option<u64>)>,
}

/// What checking one note found.
#[derive(Debug)]
pub struct NoteOutcome {
    /// The name it was given under.
    pub name: String,
    /// The note, or why it does not hold.
    pub result: std::result::Result<NoteHeld, NoteError>,
}

/// What a proof that holds shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shown {
    /// One event is in the tree.
    Inclusion {
        /// Its seq (leaf index).
        seq: u64,
        /// The tree's size.
        size: u64,
        /// The tree's root.
        root: EventHash,
        /// The note that signed the tree.
        note: String,
    },
    /// An item's events, from its registration, are in the tree.
    Item {
        /// The item's key as the proof names it.
        key: String,
        /// How many events.
        events: usize,
        /// Their seqs.
        seqs: Vec<u64>,
        /// The tree's size.
        size: u64,
        /// The tree's root.
        root: EventHash,
        /// The round the proof names.
        round: String,
        /// The note that signed the tree.
        note: String,
    },
    /// The newer tree extends the older one.
    Consistency {
        /// The older tree: size, root and note.
        older: (u64, EventHash, String),
        /// The newer tree: size, root and note.
        newer: (u64, EventHash, String),
    },
}

/// Why a proof does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProofFault {
    /// Its hashes, its events or its tree are not what it claims.
    Check(ProofCheckError),
    /// Its tree is that of no note that holds, while a note given did not
    /// hold: nothing vouches for it.
    NoNoteHolds {
        /// The tree size it is about.
        size: u64,
    },
}

/// What checking one proof found.
#[derive(Debug, Clone)]
pub struct ProofOutcome {
    /// The name it was given under.
    pub name: String,
    /// What it shows, or why it does not hold.
    pub result: std::result::Result<Shown, ProofFault>,
}

/// Everything one check found.
#[derive(Debug)]
pub struct OfflineCheck {
    /// Each note, in the order given.
    pub notes: Vec<NoteOutcome>,
    /// A fork between two of the notes that held.
    pub fork: Option<NoteError>,
    /// Each proof, in the order given.
    pub proofs: Vec<ProofOutcome>,
}

impl OfflineCheck {
    /// True when every note and proof holds and the notes do not fork.
    pub fn ok(&self) -> bool {
        self.fork.is_none()
            && self.notes.iter().all(|n| n.result.is_ok())
            && self.proofs.iter().all(|p| p.result.is_ok())
    }
}

/// Checks `notes` against `keys`, then each of `proofs` (name, JSON text)
/// against the notes. Input that cannot be read as a note, a key or a
/// proof document, or a proof whose tree no given note is about, is an
/// error (the caller's input); a note or proof that does not hold is a
/// finding in the result.
pub fn check(
    notes: &[NoteInput],
    keys: &[VerifierKey],
    proofs: &[(String, String)],
) -> Result<OfflineCheck> {
    if keys.is_empty() {
        return Err(Invalid::new(
            "--key",
            "",
            "at least one public key file (FILE.pub) of a key that signs the programme's rounds, obtained from its owner",
        )
        .into());
    }
    let mut outcomes = Vec::new();
    for n in notes {
        let parsed = Note::parse(&n.bytes).map_err(|e| named(&n.name, e))?;
        let result = note::verify(&parsed, keys).and_then(|v| {
            for k in keys {
                v.require(k)?;
            }
            Ok(NoteHeld {
                name: n.name.clone(),
                checkpoint: v.checkpoint().clone(),
                signed_by: v
                    .signatures()
                    .iter()
                    .map(|s| (s.name.clone(), s.role, s.timestamp))
                    .collect(),
            })
        });
        let result = match result {
            Err(NoteError::Invalid(e)) => return Err(named(&n.name, e).into()),
            other => other,
        };
        outcomes.push(NoteOutcome {
            name: n.name.clone(),
            result,
        });
    }
    let held: Vec<&NoteHeld> = outcomes
        .iter()
        .filter_map(|o| o.result.as_ref().ok())
        .collect();
    let mut fork = None;
    for (i, a) in held.iter().enumerate() {
        for b in held.iter().skip(i + 1) {
            if let Err(e) = note::detect_fork(&a.checkpoint, &b.checkpoint) {
                fork.get_or_insert(e);
            }
        }
    }
    let any_failed = held.len() < outcomes.len();
    let mut checked = Vec::new();
    for (name, text) in proofs {
        let doc = ProofDoc::from_json(text).map_err(|e| named(name, e))?;
        let result = match doc.verify() {
            Err(e) => Err(ProofFault::Check(e)),
            Ok(()) => against(&doc, name, &held, any_failed)?,
        };
        checked.push(ProofOutcome {
            name: name.clone(),
            result,
        });
    }
    Ok(OfflineCheck {
        notes: outcomes,
        fork,
        proofs: checked,
    })
}

/// The proof `doc` (whose hashes hold) against the note of its tree. With
/// no note of its tree among those that held: a finding when a note given
/// did not hold (it may have been that one), else the caller's input.
fn against(
    doc: &ProofDoc,
    name: &str,
    held: &[&NoteHeld],
    any_failed: bool,
) -> Result<std::result::Result<Shown, ProofFault>> {
    let of_size = |size: u64| -> Result<std::result::Result<&NoteHeld, ProofFault>> {
        if let Some(n) = held.iter().find(|n| n.checkpoint.size() == size) {
            return Ok(Ok(*n));
        }
        if any_failed {
            return Ok(Err(ProofFault::NoNoteHolds { size }));
        }
        let sizes: Vec<String> = held
            .iter()
            .map(|n| n.checkpoint.size().to_string())
            .collect();
        Err(Invalid::new(
            "proof",
            name,
            format!(
                "a proof about a tree whose signed note is given with --note: this one is about a tree of {size} events, the notes given are about {}",
                if sizes.is_empty() {
                    "none".to_string()
                } else {
                    sizes.join(", ")
                }
            ),
        )
        .into())
    };
    let hash = |h: &[u8; 32]| EventHash(*h);
    let check = |r: std::result::Result<(), ProofCheckError>| r.map_err(ProofFault::Check);
    Ok(match doc {
        ProofDoc::Inclusion(p) => of_size(p.tree_size)?.and_then(|n| {
            check(p.check_against(&n.checkpoint)).map(|()| Shown::Inclusion {
                seq: p.leaf_index,
                size: p.tree_size,
                root: hash(&p.root),
                note: n.name.clone(),
            })
        }),
        ProofDoc::Item(p) => of_size(p.tree_size)?.and_then(|n| {
            check(p.check_against(&n.checkpoint)).map(|()| Shown::Item {
                key: p.key.clone(),
                events: p.events.len(),
                seqs: p.events.iter().map(|e| e.leaf_index).collect(),
                size: p.tree_size,
                root: hash(&p.root),
                round: p.round.clone(),
                note: n.name.clone(),
            })
        }),
        ProofDoc::Consistency(p) => {
            let older = of_size(p.size1)?;
            let newer = of_size(p.size2)?;
            older.and_then(|older| {
                let newer = newer?;
                check(p.check_against(&older.checkpoint, &newer.checkpoint)).map(|()| {
                    Shown::Consistency {
                        older: (p.size1, hash(&p.root1), older.name.clone()),
                        newer: (p.size2, hash(&p.root2), newer.name.clone()),
                    }
                })
            })
        }
    })
}

/// `e` with the input's name in front of what it names.
fn named(name: &str, e: Invalid) -> Invalid {
    Invalid {
        what: format!("{} {name}", e.what),
        ..e
    }
}

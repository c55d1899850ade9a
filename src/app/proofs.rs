//! Proof for outsiders: the keys that sign round checkpoints, the signed
//! note of a round, a witness's cosignature, checking a note against the
//! ledger, and the inclusion, consistency and item proofs an auditor checks
//! without the ledger (schema/proofs.md).
//!
//! A round's **checkpoint** is the Merkle tree of every event before its
//! seal: origin [`origin`], size the seal's seq, root the tree's root there
//! (which a v2 seal also names in the chain). Signer keys are registered
//! by `key_registered` events; a signature is recorded as a
//! `round_signed` event, so every copy of the ledger can print the note
//! again. Witnesses cosign a note outside the ledger: their key files
//! keep, beside them, the last checkpoint they cosigned.

use super::Workspace;
use crate::domain::{EventBody, Invalid, KeyName, KeyRole, PublicKey, Signature};
use crate::error::{Error, Refusal, Result};
use crate::formats::note::{
    self, Checkpoint, Note, NoteFault, NoteSignature, PrivateKey, VerifierKey,
};
use crate::formats::proof::{ConsistencyProof, InclusionProof, ItemEvent, ItemProof};
use crate::ledger::Recorded;
use crate::projection::Round;
use std::path::{Path, PathBuf};

/// The origin line of a programme's checkpoints (see [`note::origin_of`]).
pub fn origin(programme: &str) -> String {
    note::origin_of(programme)
}

/// Makes a new key pair: the private key at `path` (created new, readable
/// by its owner only) and the public key at `path` + `.pub`. Refuses an
/// existing file, writing nothing.
pub fn key_generate(path: &Path, name: &str, role: KeyRole) -> Result<VerifierKey> {
    // A key file's name is shown in every message about it and typed
    // again to sign: one that hides or reorders characters is refused.
    let shown = path.to_string_lossy();
    if shown
        .chars()
        .any(|c| c.is_control() || crate::domain::invisible::refused_in_short_text(c))
    {
        return Err(Invalid::new(
            "--out",
            &shown,
            "a path without control, bidi or invisible characters",
        )
        .into());
    }
    let public = pub_path(path);
    for p in [path, public.as_path()] {
        if std::fs::symlink_metadata(p).is_ok() {
            return Err(Invalid::new(
                "key file",
                &crate::fsutil::shown_path(p),
                "a path where no file exists yet (a key is never overwritten)",
            )
            .into());
        }
    }
    let key = PrivateKey::generate(name, role).map_err(note_error)?;
    note::write_private_key(path, &key).map_err(|e| {
        Error::storage(
            format!(
                "writing the private key {}",
                crate::fsutil::shown_path(path)
            ),
            e,
        )
    })?;
    let verifier = key.verifier();
    if let Err(e) = note::write_public_key(&public, &verifier) {
        let _ = std::fs::remove_file(path);
        return Err(Error::storage(
            format!(
                "writing the public key {}",
                crate::fsutil::shown_path(&public)
            ),
            e,
        ));
    }
    Ok(verifier)
}

/// The public key file beside a private key file.
pub fn pub_path(path: &Path) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(".pub");
    PathBuf::from(p)
}

/// Reads a public key file (`FILE.pub`).
pub fn read_public_key(path: &Path) -> Result<VerifierKey> {
    let text = read_small(path, "public key file")?;
    VerifierKey::parse(text.trim_end_matches('\n')).map_err(|e| {
        Invalid::new(
            "public key file",
            &crate::fsutil::shown_path(path),
            format!(
                "a public key file (FILE.pub) as `kamerstand key generate` writes it; its {} '{}' is not {}",
                e.what, e.value, e.expected
            ),
        )
        .into()
    })
}

/// Reads a private key file.
pub fn read_private_key(path: &Path) -> Result<PrivateKey> {
    let what = "private key file";
    let name = crate::fsutil::shown_path(path);
    let f = crate::fsutil::open_input(path, true)
        .map_err(|e| input_refused(what, &name, &e, "64 KiB"))?;
    // A key others could read may have been copied: it is refused, as
    // `key generate` never makes one, until its owner decides. The mode is
    // the opened file's, so that no other file can be put in its place
    // between the check and the read.
    if let Some(why) = crate::fsutil::not_private(&f, &name, "check that it was not copied")
        .map_err(|e| Error::storage(format!("reading the private key from {name}"), e))?
    {
        return Err(Invalid::new(what, &name, why).into());
    }
    let bytes = crate::fsutil::read_opened_at_most(f, 64 * 1024)
        .map_err(|e| input_refused(what, &name, &e, "64 KiB"))?
        .ok_or_else(|| Invalid::new(what, &name, "a file of at most 64 KiB"))?;
    let text = String::from_utf8(bytes).map_err(|_| Invalid::new(what, &name, "UTF-8 text"))?;
    PrivateKey::parse(text.trim_end_matches('\n')).map_err(|e| {
        // The value is not repeated: it may be the key itself.
        Invalid::new(
            "private key file",
            &crate::fsutil::shown_path(path),
            format!(
                "a private key file as `kamerstand key generate` writes it; its {} is not {}",
                e.what, e.expected
            ),
        )
        .into()
    })
}

/// Why a file given to be read (`what`, at `name`) was not: a device, a
/// pipe or a directory is no file of at most `limit`.
pub fn input_refused(
    what: &str,
    name: &str,
    e: &crate::fsutil::InputError,
    limit: &str,
) -> Invalid {
    match e {
        crate::fsutil::InputError::NotRegular(kind) => Invalid::new(
            what,
            name,
            format!("a regular file of at most {limit} (it is {kind})"),
        ),
        crate::fsutil::InputError::Io(e) => {
            Invalid::new(what, name, format!("a readable file ({e})"))
        }
    }
}

/// Reads a small text file (a key, a note), naming it when it cannot.
fn read_small(path: &Path, what: &str) -> Result<String> {
    let name = crate::fsutil::shown_path(path);
    let bytes = crate::fsutil::read_at_most(path, 64 * 1024)
        .map_err(|e| input_refused(what, &name, &e, "64 KiB"))?
        .ok_or_else(|| Invalid::new(what, &name, "a file of at most 64 KiB"))?;
    String::from_utf8(bytes).map_err(|_| Invalid::new(what, &name, "UTF-8 text").into())
}

/// Registers a public key (`key add FILE.pub --name NAME --role ROLE`):
/// the name and role given must be the ones the key file carries, since
/// a note's signature lines name the key as the file does.
pub fn key_add(
    ws: &mut Workspace,
    actor: &str,
    key: &VerifierKey,
    name: &str,
    role: KeyRole,
) -> Result<Recorded> {
    if key.name() != name.trim() {
        return Err(Invalid::new(
            "--name",
            name,
            format!(
                "the name the key file carries, '{}' (a signature line names its key as the file does)",
                key.name()
            ),
        )
        .into());
    }
    if key.role() != role {
        return Err(Invalid::new(
            "--role",
            role.as_str(),
            format!("the role the key file was made for, {}", key.role()),
        )
        .into());
    }
    ws.record(
        actor,
        EventBody::KeyRegistered {
            name: KeyName::parse(key.name())?,
            role,
            public_key: PublicKey(key.public_key()),
        },
    )
}

/// The registered keys, as note verifier keys, each checked against the
/// event that registered it (a forged one is refused as damage).
pub fn registered_keys(ws: &Workspace) -> Result<Vec<VerifierKey>> {
    let reg = ws.ledger().registry()?;
    reg.keys
        .values()
        .map(|k| {
            // Each as the event that registered it says: a key the index
            // alone vouches for would be listed, and trusted, as genuine.
            checked_key(ws, k)?;
            Ok(VerifierKey::new(k.name.as_str(), k.role, k.public_key.0)?)
        })
        .collect()
}

/// A sealed round and its checkpoint.
#[derive(Debug, Clone)]
pub struct RoundCheckpoint {
    /// The round.
    pub round: Round,
    /// Its checkpoint: every event before the seal.
    pub checkpoint: Checkpoint,
}

/// The checkpoint of round `name`: the tree of the `seal seq` events
/// before its seal. For a v2 seal the root the chain names is used (and
/// must be the stored tree's).
pub fn round_checkpoint(ws: &Workspace, name: &str) -> Result<RoundCheckpoint> {
    // An unknown name is refused as everywhere else (with the names that
    // exist), not as a round that "cannot be signed": proofs ask too.
    let round = super::find::round(ws, name)?;
    let size = round.seq;
    let root = ws.ledger().tree_root(size)?;
    if let Some((s, r)) = round.tree
        && (s != size || r.0 != root)
    {
        return Err(Error::Corrupt {
            seq: Some(round.seq),
            what: format!(
                "round '{}' names a tree of {s} events with root {}, the stored tree gives {}; run `kamerstand verify`",
                round.name,
                r.short(),
                crate::domain::EventHash(root).short()
            ),
        });
    }
    let checkpoint = Checkpoint::new(&origin(&ws.programme().name), size, root)?;
    Ok(RoundCheckpoint { round, checkpoint })
}

/// Signs round `name` with a signer's private key, recording the
/// signature (`round seal --sign`, `round sign`). The key must be
/// registered as a signer with the same public key.
pub fn round_sign(
    ws: &mut Workspace,
    actor: &str,
    name: &str,
    key: &PrivateKey,
) -> Result<Recorded> {
    let rc = round_checkpoint(ws, name)?;
    // A v1 round is refused for what it is, whatever the key.
    if rc.round.tree.is_none() {
        return Err(crate::projection::decide::v1_round_unsignable(&rc.round.name).into());
    }
    let key_name = check_signer(ws, key)?;
    let signed = note::sign(&rc.checkpoint, key).map_err(note_error)?;
    let sig = signed
        .signatures()
        .first()
        .and_then(|s| <[u8; 64]>::try_from(s.signature()).ok())
        .ok_or_else(|| Error::storage("signing the checkpoint", "no signature was made"))?;
    ws.record(
        actor,
        EventBody::RoundSigned {
            round: rc.round.name.clone(),
            key: key_name,
            signature: Signature(sig),
        },
    )
}

/// Checks that `key` may sign rounds: registered as a signer, with this
/// public key. Returns its registered name.
pub fn check_signer(ws: &Workspace, key: &PrivateKey) -> Result<KeyName> {
    let reg = ws.ledger().registry()?;
    let key_name = KeyName::parse(key.name())?;
    let registered = reg.keys.get(&key_name).ok_or_else(|| Refusal::UnknownKey {
        name: key.name().to_string(),
    })?;
    checked_key(ws, registered)?;
    if registered.public_key.0 != key.verifier().public_key() {
        return Err(Invalid::new(
            "private key",
            key.name(),
            format!(
                "the private key of the public key registered as '{}' (this file holds another key of that name)",
                key.name()
            ),
        )
        .into());
    }
    if key.role() != KeyRole::Signer || registered.role != KeyRole::Signer {
        return Err(Refusal::WrongKeyRole {
            name: key.name().to_string(),
            role: registered.role,
            needed: KeyRole::Signer,
        }
        .into());
    }
    Ok(key_name)
}

/// The signed note of round `name`, with every signature the ledger
/// recorded for it. Refused when the round was not signed.
pub fn round_note(ws: &Workspace, name: &str) -> Result<Note> {
    let rc = round_checkpoint(ws, name)?;
    // Not "sign it first": a v1 round can never be signed.
    if rc.round.tree.is_none() {
        return Err(crate::projection::decide::v1_round_unsignable(&rc.round.name).into());
    }
    let reg = ws.ledger().registry()?;
    let mut lines = Vec::new();
    for s in reg.signatures.get(&rc.round.seq).into_iter().flatten() {
        // The note is what a letter publishes: each signature and its key
        // are read from the events that recorded them, not from the
        // registry (the index) alone.
        let signed = ws.ledger().get_linked(s.seq)?.map(|r| r.envelope.body);
        if !matches!(&signed, Some(EventBody::RoundSigned { round, key, signature })
            if round.eq_ignore_ascii_case(&rc.round.name) && *key == s.key && *signature == s.signature)
        {
            return Err(registry_damage(
                s.seq,
                &format!(
                    "the signature of round '{}' by key '{}'",
                    rc.round.name, s.key
                ),
            ));
        }
        let k = reg.keys.get(&s.key).ok_or_else(|| Error::Corrupt {
            seq: Some(s.seq),
            what: format!(
                "key '{}', which signed round '{}' here, is missing from the index of keys and accounts (ix_registry); run `kamerstand verify` (and `--rebuild-index` if the chain holds)",
                s.key, rc.round.name
            ),
        })?;
        checked_key(ws, k)?;
        let v = VerifierKey::new(k.name.as_str(), k.role, k.public_key.0)?;
        lines.push(NoteSignature::of_key(&v, s.signature.0.to_vec()));
    }
    if lines.is_empty() {
        // Before "not signed" is said, the chain after the seal is asked
        // (a read of the rest of the chain, on this refusal only): a
        // signature it records that the registry lacks is damage.
        for rec in ws
            .ledger()
            .events_after(Some((rc.round.seq, rc.round.digest)))
        {
            let rec = rec?;
            if let EventBody::RoundSigned { round, key, .. } = &rec.envelope.body
                && round.eq_ignore_ascii_case(&rc.round.name)
            {
                return Err(Error::Corrupt {
                    seq: Some(rec.envelope.seq),
                    what: format!(
                        "the signature of round '{}' by key '{key}' recorded here is missing from the index of keys and accounts (ix_registry); run `kamerstand verify` (and `--rebuild-index` if the chain holds)",
                        rc.round.name
                    ),
                });
            }
        }
        return Err(Refusal::RoundNotSignable {
            name: rc.round.name.clone(),
            why: format!(
                "it has no signature yet: sign it with `kamerstand round sign {} --key FILE` (a registered signer's private key)",
                rc.round.name
            ),
        }
        .into());
    }
    let note = Note::of_checkpoint(&rc.checkpoint, lines);
    // What the ledger prints must verify: a recorded signature that does
    // not is damage, not a note to publish.
    let keys = registered_keys(ws)?;
    note::verify(&note, &keys).map_err(|e| Error::Corrupt {
        seq: Some(rc.round.seq),
        what: format!(
            "a signature recorded for round '{}' does not verify: {e}",
            rc.round.name
        ),
    })?;
    Ok(note)
}

/// What a witness's cosignature did.
#[derive(Debug, Clone)]
pub struct Cosigned {
    /// The note with the cosignature added.
    pub note: Note,
    /// The checkpoint cosigned before (from the state file), if any.
    pub previous: Option<Checkpoint>,
    /// Where the witness keeps its last cosigned checkpoint.
    pub state: PathBuf,
}

/// Cosigns a note as a witness (`round cosign NOTE --key FILE`): the
/// programme's signature must verify with a registered signer key, and
/// the checkpoint must extend the last one this witness cosigned (kept in
/// `FILE.cosigned`), by a consistency proof from this ledger's tree. Then
/// the cosignature line is added and the state file updated.
pub fn round_cosign(ws: &mut Workspace, note_text: &[u8], key_path: &Path) -> Result<Cosigned> {
    let witness = read_private_key(key_path)?;
    let parsed = Note::parse(note_text)?;
    let cp = Checkpoint::parse(parsed.text())?;
    let state = state_path(key_path);
    let previous = match crate::fsutil::read_at_most(&state, 64 * 1024) {
        Ok(None) => {
            return Err(Invalid::new(
                "witness state file",
                &crate::fsutil::shown_path(&state),
                "a file of at most 64 KiB",
            )
            .into());
        }
        Ok(Some(b)) => Some(
            Checkpoint::parse(&String::from_utf8_lossy(&b)).map_err(|e| {
                Invalid::new(
                    "witness state file",
                    &crate::fsutil::shown_path(&state),
                    format!("the checkpoint this witness cosigned last ({})", e.expected),
                )
            })?,
        ),
        Err(crate::fsutil::InputError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(crate::fsutil::InputError::Io(e)) => {
            return Err(Error::storage(
                format!("reading {}", crate::fsutil::shown_path(&state)),
                e,
            ));
        }
        Err(e) => {
            return Err(input_refused(
                "witness state file",
                &crate::fsutil::shown_path(&state),
                &e,
                "64 KiB",
            )
            .into());
        }
    };
    let proof = match &previous {
        Some(p) if p.size() < cp.size() && p.size() > 0 => {
            ws.ledger().consistency_path(p.size(), cp.size())?
        }
        _ => Vec::new(),
    };
    let log_keys: Vec<VerifierKey> = registered_keys(ws)?
        .into_iter()
        .filter(|k| k.role() == KeyRole::Signer)
        .collect();
    let now = ws.now();
    let timestamp = u64::try_from(now.unix_nanos() / 1_000_000_000).unwrap_or(0);
    let last = previous.as_ref().map(|p| note::LastCosigned {
        checkpoint: p,
        proof: &proof,
    });
    let note = note::cosign(&parsed, &log_keys, &witness, timestamp, last).map_err(note_error)?;
    crate::fsutil::write_whole(&state, cp.text().as_bytes(), true)
        .map_err(|e| Error::storage(format!("writing {}", crate::fsutil::shown_path(&state)), e))?;
    Ok(Cosigned {
        note,
        previous,
        state,
    })
}

/// The file beside a witness's key that holds the last checkpoint it
/// cosigned.
pub fn state_path(key_path: &Path) -> PathBuf {
    let mut p = key_path.as_os_str().to_owned();
    p.push(".cosigned");
    PathBuf::from(p)
}

/// What checking a note against the ledger found.
#[derive(Debug, Clone)]
pub struct NoteCheck {
    /// The checkpoint the note carries.
    pub checkpoint: Checkpoint,
    /// The round sealed right after the checkpoint's events, if any.
    pub round: Option<String>,
    /// The keys whose signatures verified: (name, role, cosignature time).
    pub signed_by: Vec<(String, KeyRole, Option<u64>)>,
    /// Signature lines of keys neither registered nor named.
    pub ignored: Vec<String>,
    /// The ledger's tree size.
    pub ledger_size: u64,
}

/// Checks a note (`verify --note FILE`): its signatures against the
/// registered keys and `extra` witness keys (every key named in `extra`
/// must have signed), then the ledger against it: the ledger must hold at
/// least the note's events (else it was rolled back or truncated) and its
/// tree of that size must have the note's root (else history was
/// rewritten: a fork).
pub fn verify_note(ws: &Workspace, note_text: &[u8], extra: &[VerifierKey]) -> Result<NoteCheck> {
    check_note(ws, note_text, extra)?.map_err(|fault| match fault {
        NoteFault::Signatures(e) => note_error(e),
        other => Refusal::NoteMismatch {
            what: other.to_string(),
        }
        .into(),
    })
}

/// As [`verify_note`], with a note that does not hold as the inner error,
/// which says why as data; a note that does not parse, or a key or store
/// that cannot be read, is the outer one.
pub fn check_note(
    ws: &Workspace,
    note_text: &[u8],
    extra: &[VerifierKey],
) -> Result<std::result::Result<NoteCheck, NoteFault>> {
    let parsed = Note::parse(note_text)?;
    let mut keys = registered_keys(ws)?;
    for k in extra {
        if !keys.contains(k) {
            keys.push(k.clone());
        }
    }
    let verified = match note::verify(&parsed, &keys) {
        Ok(v) => v,
        Err(note::NoteError::Invalid(i)) => return Err(i.into()),
        Err(e) => return Ok(Err(NoteFault::Signatures(e))),
    };
    for k in extra {
        if let Err(e) = verified.require(k) {
            return Ok(Err(NoteFault::Signatures(e)));
        }
    }
    let cp = verified.checkpoint().clone();
    let ours = origin(&ws.programme().name);
    if cp.origin() != ours {
        return Ok(Err(NoteFault::Origin {
            note: cp.origin().to_string(),
            ours,
        }));
    }
    let ledger_size = ws.ledger().tree_size()?.unwrap_or(0);
    if cp.size() > ledger_size {
        return Ok(Err(NoteFault::RolledBack {
            covers: cp.size(),
            holds: ledger_size,
        }));
    }
    let root = ws.ledger().tree_root(cp.size())?;
    if &root != cp.root() {
        return Ok(Err(NoteFault::Fork {
            size: cp.size(),
            ours: crate::domain::EventHash(root),
            theirs: crate::domain::EventHash(*cp.root()),
        }));
    }
    let round = ws
        .rounds()?
        .into_iter()
        .find(|r| r.seq == cp.size())
        .map(|r| r.name);
    Ok(Ok(NoteCheck {
        checkpoint: cp,
        round,
        signed_by: verified
            .signatures()
            .iter()
            .map(|s| (s.name.clone(), s.role, s.timestamp))
            .collect(),
        ignored: verified.ignored().iter().map(|(n, _)| n.clone()).collect(),
        ledger_size,
    }))
}

/// The inclusion proof of event `seq` in round `round`'s checkpoint.
pub fn proof_inclusion(ws: &Workspace, seq: u64, round: &str) -> Result<InclusionProof> {
    let rc = round_checkpoint(ws, round)?;
    let size = rc.checkpoint.size();
    if seq >= size {
        return Err(Invalid::new(
            "event",
            &seq.to_string(),
            format!(
                "a seq below {size}: round '{}' covers the events before its seal (seq {})",
                rc.round.name, rc.round.seq
            ),
        )
        .into());
    }
    let (_, bytes) = ws.ledger().raw(seq)?.ok_or_else(|| Error::Corrupt {
        seq: Some(seq),
        what: "no event is stored at this seq".into(),
    })?;
    Ok(InclusionProof {
        tree_size: size,
        leaf_index: seq,
        event_bytes: bytes,
        path: ws.ledger().inclusion_path(seq, size)?,
        root: *rc.checkpoint.root(),
    })
}

/// The proof that round `second`'s tree extends round `first`'s.
pub fn proof_consistency(ws: &Workspace, first: &str, second: &str) -> Result<ConsistencyProof> {
    let a = round_checkpoint(ws, first)?;
    let b = round_checkpoint(ws, second)?;
    let (size1, size2) = (a.checkpoint.size(), b.checkpoint.size());
    if size1 > size2 {
        return Err(Invalid::new(
            "rounds",
            &format!("{first} {second}"),
            format!(
                "the earlier round first: '{}' ({size1} events) comes after '{}' ({size2})",
                a.round.name, b.round.name
            ),
        )
        .into());
    }
    Ok(ConsistencyProof {
        size1,
        size2,
        root1: *a.checkpoint.root(),
        root2: *b.checkpoint.root(),
        path: if size1 == size2 || size1 == 0 {
            Vec::new()
        } else {
            ws.ledger().consistency_path(size1, size2)?
        },
    })
}

/// Every event about item `key` in round `round`'s checkpoint, each with
/// its inclusion proof: one motion's reported history, checkable against
/// the signed round without the rest of the ledger.
pub fn proof_item(ws: &Workspace, key: &str, round: &str) -> Result<ItemProof> {
    let item = ws.resolve(key)?;
    let rc = round_checkpoint(ws, round)?;
    let size = rc.checkpoint.size();
    let mut events = Vec::new();
    for rec in ws
        .ledger()
        .item_history_upto(item.id, size.saturating_sub(1))?
    {
        let seq = rec.envelope.seq;
        let (_, bytes) = ws.ledger().raw(seq)?.ok_or_else(|| Error::Corrupt {
            seq: Some(seq),
            what: "no event is stored at this seq".into(),
        })?;
        events.push(ItemEvent {
            leaf_index: seq,
            event_bytes: bytes,
            path: ws.ledger().inclusion_path(seq, size)?,
        });
    }
    if events.is_empty() {
        return Err(Invalid::new(
            "item",
            key,
            format!(
                "an item registered before round '{}' was sealed",
                rc.round.name
            ),
        )
        .into());
    }
    Ok(ItemProof {
        key: item.key.to_string(),
        item: item.id.hex(),
        round: rc.round.name.clone(),
        tree_size: size,
        root: *rc.checkpoint.root(),
        events,
    })
}

/// A note error as the error kinds the CLI maps: bad input is a refusal
/// (exit 2), the rest names what failed.
fn note_error(e: note::NoteError) -> Error {
    match e {
        note::NoteError::Invalid(i) => i.into(),
        other => Refusal::NoteMismatch {
            what: other.to_string(),
        }
        .into(),
    }
}

/// Which proof to make, as `kamerstand proof …` and the API's
/// `GET proofs/{kind}` ask for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProofRequest {
    /// Event `seq` is in `round`'s checkpoint.
    Inclusion {
        /// The event's seq.
        seq: u64,
        /// The round's name.
        round: String,
    },
    /// The `second` round's checkpoint extends the `first`'s.
    Consistency {
        /// The earlier round.
        first: String,
        /// The later round.
        second: String,
    },
    /// One item's events up to `round`, each with its inclusion proof.
    Item {
        /// The item's key.
        key: String,
        /// The round.
        round: String,
    },
}

/// The proof `req` asks for, as the document an auditor is handed.
pub fn proof(ws: &Workspace, req: &ProofRequest) -> Result<crate::formats::proof::ProofDoc> {
    use crate::formats::proof::ProofDoc;
    Ok(match req {
        ProofRequest::Inclusion { seq, round } => {
            ProofDoc::Inclusion(proof_inclusion(ws, *seq, round)?)
        }
        ProofRequest::Consistency { first, second } => {
            ProofDoc::Consistency(proof_consistency(ws, first, second)?)
        }
        ProofRequest::Item { key, round } => ProofDoc::Item(proof_item(ws, key, round)?),
    })
}

/// An entry of the registry (`ix_registry`) that is not what the event at
/// `seq` records.
fn registry_damage(seq: u64, what: &str) -> Error {
    Error::Corrupt {
        seq: Some(seq),
        what: format!(
            "{what} in the index of keys and accounts (ix_registry) is not what the chain records; run `kamerstand verify` (and `--rebuild-index` if the chain holds)"
        ),
    }
}

/// Checks a key of the registry against the event that registered it (a
/// key the registry alone vouches for would sign, or verify, anything).
fn checked_key(ws: &Workspace, k: &crate::projection::state::RegisteredKey) -> Result<()> {
    let registered = ws.ledger().get_linked(k.seq)?.map(|r| r.envelope.body);
    if matches!(&registered, Some(EventBody::KeyRegistered { name, role, public_key })
        if *name == k.name && *role == k.role && *public_key == k.public_key)
    {
        return Ok(());
    }
    Err(registry_damage(k.seq, &format!("key '{}'", k.name)))
}

//! Signed checkpoints: the published form of a round's Merkle root.
//!
//! Three public formats, each followed to the letter so that tools outside
//! kamerstand can read what we publish:
//!
//! - **signed note** (c2sp.org/signed-note): a UTF-8 text ending in a
//!   newline, a blank line, then signature lines `— <key name>
//!   base64(key id ‖ signature)`. The text is what is signed.
//! - **checkpoint** (c2sp.org/tlog-checkpoint): the note text of a log's
//!   tree head: origin line, tree size in decimal, base64 root hash, then
//!   optional extension lines.
//! - **cosignature** (c2sp.org/tlog-cosignature, Ed25519 form): a witness's
//!   signature line over `cosignature/v1\ntime <t>\n` ‖ the checkpoint text,
//!   stored as base64(key id ‖ 8-byte big-endian t ‖ signature).
//!
//! What a verified note proves: the holder of the signer key published
//! this tree size and root for this origin (and, for each verified
//! cosignature, that the witness saw it and, before signing, checked that
//! it extends the last root it cosigned — see [`cosign`]). Combined with an
//! inclusion proof (`ledger::merkle`) it proves that one event is in the
//! published tree; with a consistency proof, that a later tree kept every
//! earlier event unchanged. Two verified notes of one origin and size with
//! different roots prove a fork ([`detect_fork`]).
//!
//! Keys are Ed25519 (RFC 8032) in the text forms the Go `note` package
//! and the witness ecosystem use: a verifier key `name+<8 hex key id>+
//! base64(type ‖ 32-byte public key)` and a private key `PRIVATE+KEY+name+
//! <key id>+base64(type ‖ 32-byte seed)`, where type is 0x01 for a signer
//! and 0x04 for a witness, and the key id is the first four bytes of
//! SHA-256(name ‖ 0x0A ‖ type ‖ public key).
//!
//! Parsing is strict: exact newlines, no carriage returns or other control
//! characters, no spaces around values, canonical base64 and decimal. A
//! note that does not parse is refused before any signature is checked.

use crate::domain::Invalid;
use crate::ledger::merkle::{self, Hash};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_dalek::Signer as _;
use sha2::{Digest, Sha256};
use std::fmt;
use std::io::Write as _;
use std::path::Path;
use zeroize::Zeroizing;

/// The largest note we read, in bytes (a checkpoint with a hundred
/// signatures is under 16 KiB).
pub const MAX_NOTE_BYTES: usize = 64 * 1024;

/// The most signature lines we read in one note (the spec asks verifiers to
/// accept at least 16).
pub const MAX_SIGNATURES: usize = 100;

/// The first characters of a signature line: em dash (U+2014), space.
const SIG_PREFIX: &str = "\u{2014} ";

/// The first word of a private key's text form.
const PRIVATE_PREFIX: &str = "PRIVATE+KEY+";

/// The header line of an Ed25519 cosignature's signed message.
const COSIGNATURE_HEADER: &str = "cosignature/v1\n";

pub use crate::domain::KeyRole;
pub use fault::NoteFault;

mod fault;

/// What a key role means in a signed note: its signature type byte and the
/// length of its signatures.
trait NoteRole: Sized {
    /// The signature type byte of c2sp.org/signed-note.
    fn type_byte(self) -> u8;
    /// The role a type byte stands for.
    fn from_type_byte(b: u8) -> Option<Self>;
    /// Length of the signature after the key id: 64 bytes, or 8 + 64 for a
    /// timestamped cosignature.
    fn signature_len(self) -> usize;
}

impl NoteRole for KeyRole {
    fn type_byte(self) -> u8 {
        match self {
            KeyRole::Signer => 0x01,
            KeyRole::Witness => 0x04,
        }
    }

    fn from_type_byte(b: u8) -> Option<KeyRole> {
        match b {
            0x01 => Some(KeyRole::Signer),
            0x04 => Some(KeyRole::Witness),
            _ => None,
        }
    }

    fn signature_len(self) -> usize {
        match self {
            KeyRole::Signer => 64,
            KeyRole::Witness => 72,
        }
    }
}

/// The signature type byte of a role (c2sp.org/signed-note): 0x01 for a
/// signer, 0x04 for a witness.
pub fn type_byte(role: KeyRole) -> u8 {
    role.type_byte()
}

/// Everything that can stop a note from being made or trusted.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NoteError {
    /// The note, checkpoint or key text is malformed.
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// No signature line of a known signer key verified.
    #[error(
        "the note is not signed by any registered signer key; {}",
        describe_present(present)
    )]
    NoSignerSignature {
        /// The signature lines the note does carry: key name and key id.
        present: Vec<(String, String)>,
    },
    /// A signature line of a known key does not verify.
    #[error(
        "the {} by {role} key {name} (key id {key_id}) does not verify: the note was altered, or the signature was made over another checkpoint (a different origin, size or root)",
        if *role == KeyRole::Witness { "cosignature" } else { "signature" }
    )]
    BadSignature {
        /// The key's name.
        name: String,
        /// The key id, 8 hex digits.
        key_id: String,
        /// The key's role.
        role: KeyRole,
    },
    /// A key that must have signed did not.
    #[error("the note has no {role} signature by {name} (key id {key_id})")]
    MissingSignature {
        /// The key's name.
        name: String,
        /// The key id, 8 hex digits.
        key_id: String,
        /// The key's role.
        role: KeyRole,
    },
    /// A key was used for what its role does not allow.
    #[error("key {name} is a {role} key; this needs a {needed} key")]
    WrongRole {
        /// The key's name.
        name: String,
        /// Its role.
        role: KeyRole,
        /// The role needed.
        needed: KeyRole,
    },
    /// The witness already cosigned this note.
    #[error("the note already carries a cosignature by {name}")]
    AlreadyCosigned {
        /// The witness key's name.
        name: String,
    },
    /// Two checkpoints that should be of one log are not.
    #[error(
        "the checkpoint is for origin {found:?}, but the last one cosigned is for {expected:?}"
    )]
    OriginMismatch {
        /// The origin expected.
        expected: String,
        /// The origin found.
        found: String,
    },
    /// A witness was asked to cosign a smaller tree than it cosigned before.
    #[error(
        "the checkpoint has {size} events, fewer than the {last_size} of the last one cosigned: a log never shrinks"
    )]
    Rollback {
        /// The last size cosigned.
        last_size: u64,
        /// The size offered now.
        size: u64,
    },
    /// Two checkpoints of one origin and size with different roots.
    #[error(
        "fork: two checkpoints of {origin} both have {size} events but different roots ({root_a} and {root_b}); the log showed two different histories"
    )]
    Fork {
        /// The common origin.
        origin: String,
        /// The common size.
        size: u64,
        /// One root, base64.
        root_a: String,
        /// The other root, base64.
        root_b: String,
    },
    /// The consistency proof from the last cosigned checkpoint fails.
    #[error(
        "the checkpoint of {size2} events is not shown to extend the last one cosigned ({size1} events): {reason}"
    )]
    Inconsistent {
        /// The older size.
        size1: u64,
        /// The newer size.
        size2: u64,
        /// Which check of the proof failed.
        reason: merkle::ProofError,
    },
    /// The operating system gave no randomness for a new key.
    #[error("cannot generate a key: the operating system's random source failed: {0}")]
    Randomness(String),
}

fn describe_present(present: &[(String, String)]) -> String {
    if present.is_empty() {
        return "it carries no signature that a registered key can check".into();
    }
    let names: Vec<String> = present
        .iter()
        .map(|(n, id)| format!("{n} (key id {id})"))
        .collect();
    format!(
        "it is signed only by {}; register the signer's public key if you trust it",
        names.join(", ")
    )
}

fn id_hex(id: &[u8; 4]) -> String {
    crate::domain::ids::hex(id)
}

/// Checks a key name or origin: non-empty, no spaces of any kind, no `+`,
/// no control characters (c2sp.org/signed-note; for origins this is the
/// spec's recommendation, which we hold ourselves to).
fn check_name(what: &str, name: &str) -> Result<(), Invalid> {
    if name.is_empty() {
        return Err(Invalid::new(what, name, "a non-empty name"));
    }
    if let Some(c) = name
        .chars()
        .find(|c| c.is_whitespace() || c.is_control() || *c == '+')
    {
        return Err(Invalid::new(
            what,
            name,
            format!(
                "a name without spaces, '+' or control characters (found {c:?}), e.g. example.org/programme"
            ),
        ));
    }
    Ok(())
}

/// Strict base64 (RFC 4648 §4, padded, canonical) of exactly `N` bytes.
fn b64_exact<const N: usize>(what: &str, s: &str) -> Result<[u8; N], Invalid> {
    let bytes = b64_any(what, s)?;
    <[u8; N]>::try_from(bytes.as_slice()).map_err(|_| {
        Invalid::new(
            what,
            s,
            format!("base64 of {N} bytes (this is {} bytes)", bytes.len()),
        )
    })
}

fn b64_any(what: &str, s: &str) -> Result<Vec<u8>, Invalid> {
    B64.decode(s)
        .map_err(|e| Invalid::new(what, s, format!("standard padded base64 ({e})")))
}

fn key_id(name: &str, role: KeyRole, public: &[u8; 32]) -> [u8; 4] {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update([b'\n', role.type_byte()]);
    h.update(public);
    let d: [u8; 32] = h.finalize().into();
    [d[0], d[1], d[2], d[3]]
}

/// Splits `name+<8 hex>+<base64>` (the base64 may itself hold `+`).
fn split_key_text<'a>(what: &str, text: &'a str) -> Result<(&'a str, [u8; 4], &'a str), Invalid> {
    let expected = "name+<8 hex digits key id>+<base64 key>";
    let (name, rest) = text
        .split_once('+')
        .ok_or_else(|| Invalid::new(what, text, expected))?;
    let (id, data) = rest
        .split_once('+')
        .ok_or_else(|| Invalid::new(what, text, expected))?;
    check_name(&format!("{what} name"), name)?;
    let id_ok = id.len() == 8 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    let id_bytes = crate::domain::ids::unhex(id)
        .filter(|_| id_ok)
        .and_then(|b| <[u8; 4]>::try_from(b.as_slice()).ok())
        .ok_or_else(|| Invalid::new(format!("{what} key id"), id, "8 lowercase hex digits"))?;
    Ok((name, id_bytes, data))
}

/// Accepts the text alone or followed by one newline, as a key file holds it.
fn strip_one_newline(text: &str) -> &str {
    text.strip_suffix('\n').unwrap_or(text)
}

/// A public key that notes are checked against: its name, role, key id and
/// Ed25519 public key.
#[derive(Clone, PartialEq, Eq)]
pub struct VerifierKey {
    name: String,
    role: KeyRole,
    id: [u8; 4],
    public: ed25519_dalek::VerifyingKey,
}

impl fmt::Debug for VerifierKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VerifierKey({self})")
    }
}

impl VerifierKey {
    /// A verifier key from its parts. Refuses a name that is not a key name
    /// and a public key that is not the canonical encoding of a curve point
    /// of large order (such a key could make signatures valid for any text).
    pub fn new(name: &str, role: KeyRole, public: [u8; 32]) -> Result<VerifierKey, Invalid> {
        check_name("key name", name)?;
        let bad = || {
            Invalid::new(
                "public key",
                &crate::domain::ids::hex(&public),
                "the canonical encoding of an Ed25519 public key",
            )
        };
        let key = ed25519_dalek::VerifyingKey::from_bytes(&public).map_err(|_| bad())?;
        if key.is_weak() || key.to_edwards().compress().to_bytes() != public {
            return Err(bad());
        }
        Ok(VerifierKey {
            name: name.to_string(),
            role,
            id: key_id(name, role, &public),
            public: key,
        })
    }

    /// Parses the vkey text `name+<key id>+base64(type ‖ public key)`,
    /// optionally followed by one newline (as in a `.pub` file). The key id
    /// must be the one the name, type and key give.
    pub fn parse(text: &str) -> Result<VerifierKey, Invalid> {
        let text = strip_one_newline(text);
        let (name, id, data) = split_key_text("verifier key", text)?;
        let raw = b64_exact::<33>("verifier key", data)?;
        let role = KeyRole::from_type_byte(raw[0]).ok_or_else(|| {
            Invalid::new(
                "verifier key type",
                &format!("0x{:02x}", raw[0]),
                "0x01 (Ed25519 signer) or 0x04 (Ed25519 cosignature witness)",
            )
        })?;
        let mut public = [0u8; 32];
        public.copy_from_slice(&raw[1..]);
        let key = VerifierKey::new(name, role, public)?;
        if key.id != id {
            return Err(Invalid::new(
                "verifier key id",
                &id_hex(&id),
                format!(
                    "the id its name, type and key give ({}); the key text was altered",
                    id_hex(&key.id)
                ),
            ));
        }
        Ok(key)
    }

    /// The key's name, as on its signature lines.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// What the key is for.
    pub fn role(&self) -> KeyRole {
        self.role
    }

    /// The 4-byte key id.
    pub fn key_id(&self) -> [u8; 4] {
        self.id
    }

    /// The key id as 8 hex digits.
    pub fn key_id_hex(&self) -> String {
        id_hex(&self.id)
    }

    /// The 32-byte Ed25519 public key.
    pub fn public_key(&self) -> [u8; 32] {
        self.public.to_bytes()
    }

    fn matches(&self, sig: &NoteSignature) -> bool {
        self.name == sig.name && self.id == sig.key_id
    }

    /// Checks one signature line of this key over the note text; returns
    /// the cosignature's timestamp for a witness key.
    fn check(&self, text: &str, sig: &NoteSignature) -> Result<Option<u64>, NoteError> {
        let bad = || NoteError::BadSignature {
            name: self.name.clone(),
            key_id: self.key_id_hex(),
            role: self.role,
        };
        if sig.signature.len() != self.role.signature_len() {
            return Err(bad());
        }
        let (timestamp, raw, message) = match self.role {
            KeyRole::Signer => (None, &sig.signature[..], text.as_bytes().to_vec()),
            KeyRole::Witness => {
                let (t, raw) = sig.signature.split_at(8);
                let t = u64::from_be_bytes(<[u8; 8]>::try_from(t).map_err(|_| bad())?);
                if t > i64::MAX as u64 {
                    return Err(bad());
                }
                (Some(t), raw, cosignature_message(text, t).into_bytes())
            }
        };
        let signature = ed25519_dalek::Signature::from_slice(raw).map_err(|_| bad())?;
        self.public
            .verify_strict(&message, &signature)
            .map_err(|_| bad())?;
        Ok(timestamp)
    }
}

impl VerifierKey {
    /// True if `signature` is this signer's signature of a checkpoint's
    /// `text` (the 64 bytes of a signer's line).
    pub fn signed(&self, text: &str, signature: &[u8; 64]) -> bool {
        let line = NoteSignature::of_key(self, signature.to_vec());
        self.role == KeyRole::Signer && self.check(text, &line).is_ok()
    }
}

/// Standard padded base64, as checkpoints write roots.
pub fn base64(bytes: &[u8]) -> String {
    B64.encode(bytes)
}

/// The origin line of a programme's checkpoints: `kamerstand/` and the
/// programme's name in lower case, with every run of characters a key name
/// cannot hold (white space, `+`, control characters) as one `-`
/// (schema/proofs.md §3).
pub fn origin_of(programme: &str) -> String {
    let mut out = String::from("kamerstand/");
    let mut gap = false;
    for c in programme.trim().chars().flat_map(char::to_lowercase) {
        if c.is_whitespace() || c == '+' || c.is_control() {
            gap = true;
            continue;
        }
        if gap && !out.ends_with('/') {
            out.push('-');
        }
        gap = false;
        out.push(c);
    }
    if out.ends_with('/') {
        out.push_str("ledger");
    }
    out
}

impl fmt::Display for VerifierKey {
    /// The vkey text form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut raw = [0u8; 33];
        raw[0] = self.role.type_byte();
        raw[1..].copy_from_slice(self.public.as_bytes());
        write!(f, "{}+{}+{}", self.name, self.key_id_hex(), B64.encode(raw))
    }
}

/// A private key that signs (as the log) or cosigns (as a witness). The
/// secret is wiped from memory when the value is dropped; `Debug` shows
/// only the public parts.
#[derive(Clone)]
pub struct PrivateKey {
    name: String,
    role: KeyRole,
    id: [u8; 4],
    secret: ed25519_dalek::SigningKey,
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "PrivateKey({} {} {})",
            self.name,
            self.role,
            self.key_id_hex()
        )
    }
}

impl PrivateKey {
    /// A new key from the operating system's random source.
    pub fn generate(name: &str, role: KeyRole) -> Result<PrivateKey, NoteError> {
        let mut seed = Zeroizing::new([0u8; 32]);
        getrandom::fill(seed.as_mut_slice()).map_err(|e| NoteError::Randomness(e.to_string()))?;
        Ok(PrivateKey::from_seed(name, role, &seed)?)
    }

    /// The key with this 32-byte Ed25519 seed (RFC 8032's "private key").
    pub fn from_seed(name: &str, role: KeyRole, seed: &[u8; 32]) -> Result<PrivateKey, Invalid> {
        check_name("key name", name)?;
        let secret = ed25519_dalek::SigningKey::from_bytes(seed);
        let public = secret.verifying_key().to_bytes();
        Ok(PrivateKey {
            name: name.to_string(),
            role,
            id: key_id(name, role, &public),
            secret,
        })
    }

    /// Parses `PRIVATE+KEY+name+<key id>+base64(type ‖ seed)`, optionally
    /// followed by one newline. The key id must match.
    pub fn parse(text: &str) -> Result<PrivateKey, Invalid> {
        let text = strip_one_newline(text);
        // The key itself is never echoed in a message.
        let rest = text.strip_prefix(PRIVATE_PREFIX).ok_or_else(|| {
            Invalid::new(
                "private key",
                "(not shown)",
                "text starting with PRIVATE+KEY+ (a file written by `kamerstand key generate`)",
            )
        })?;
        let (name, id, data) = split_key_text("private key", rest)?;
        let raw = Zeroizing::new(B64.decode(data).ok().filter(|r| r.len() == 33).ok_or_else(
            || {
                Invalid::new(
                    "private key",
                    "(not shown)",
                    "base64 of a type byte and a 32-byte seed",
                )
            },
        )?);
        let role = KeyRole::from_type_byte(raw[0]).ok_or_else(|| {
            Invalid::new(
                "private key type",
                &format!("0x{:02x}", raw[0]),
                "0x01 (signer) or 0x04 (witness)",
            )
        })?;
        let mut seed = Zeroizing::new([0u8; 32]);
        seed.copy_from_slice(&raw[1..]);
        let key = PrivateKey::from_seed(name, role, &seed)?;
        if key.id != id {
            return Err(Invalid::new(
                "private key id",
                &id_hex(&id),
                format!(
                    "the id its name, type and key give ({}); the key text was altered",
                    key.key_id_hex()
                ),
            ));
        }
        Ok(key)
    }

    /// The text form, to be written with [`write_private_key`]. Built in
    /// one buffer of its final size, wiped when dropped, so that no copy of
    /// the secret is left behind in freed memory.
    pub fn to_text(&self) -> Zeroizing<String> {
        let mut raw = Zeroizing::new([0u8; 33]);
        raw[0] = self.role.type_byte();
        raw[1..].copy_from_slice(self.secret.as_bytes());
        let len = PRIVATE_PREFIX.len() + self.name.len() + 1 + 8 + 1 + 44;
        let mut text = Zeroizing::new(String::with_capacity(len));
        text.push_str(PRIVATE_PREFIX);
        text.push_str(&self.name);
        text.push('+');
        text.push_str(&self.key_id_hex());
        text.push('+');
        B64.encode_string(raw.as_slice(), &mut text);
        text
    }

    /// The key's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// What the key is for.
    pub fn role(&self) -> KeyRole {
        self.role
    }

    /// The key id as 8 hex digits.
    pub fn key_id_hex(&self) -> String {
        id_hex(&self.id)
    }

    /// The matching public key.
    pub fn verifier(&self) -> VerifierKey {
        VerifierKey {
            name: self.name.clone(),
            role: self.role,
            id: self.id,
            public: self.secret.verifying_key(),
        }
    }

    fn signature_line(&self, signature: Vec<u8>) -> NoteSignature {
        NoteSignature {
            name: self.name.clone(),
            key_id: self.id,
            signature,
        }
    }
}

/// Writes a private key's text to `path`, which must not exist: written
/// whole to a new file beside it, readable only by its owner (mode 0600 on
/// Unix) from its creation, synced to disk, and then given its name, which
/// fails if anything (a file, a planted link) is there by then. A crash
/// leaves no half-written key under that name.
pub fn write_private_key(path: &Path, key: &PrivateKey) -> std::io::Result<()> {
    let text = key.to_text();
    write_new(path, text.as_bytes(), 0o600)
}

/// Writes a verifier key's text (and a newline) to `path`, which must not
/// exist (mode 0644 on Unix), as [`write_private_key`] does.
pub fn write_public_key(path: &Path, key: &VerifierKey) -> std::io::Result<()> {
    write_new(path, format!("{key}\n").as_bytes(), 0o644)
}

fn write_new(path: &Path, bytes: &[u8], mode: u32) -> std::io::Result<()> {
    let mut staged = crate::fsutil::Staged::beside_mode(path, mode)?;
    staged.write_all(bytes)?;
    staged.commit_new()
}

/// A checkpoint: the note text of a tree head (c2sp.org/tlog-checkpoint).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    origin: String,
    size: u64,
    root: Hash,
    extensions: Vec<String>,
}

impl Checkpoint {
    /// A checkpoint of the tree of `size` leaves with this root, for the log
    /// named `origin` (a name like `example.org/programme`: no spaces, no
    /// `+`).
    pub fn new(origin: &str, size: u64, root: Hash) -> Result<Checkpoint, Invalid> {
        Checkpoint::with_extensions(origin, size, root, Vec::new())
    }

    /// As [`Checkpoint::new`], with extension lines after the root (each
    /// non-empty, without newlines or other control characters). The spec
    /// advises against them: monitors cannot audit them.
    pub fn with_extensions(
        origin: &str,
        size: u64,
        root: Hash,
        extensions: Vec<String>,
    ) -> Result<Checkpoint, Invalid> {
        check_name("checkpoint origin", origin)?;
        for e in &extensions {
            if e.is_empty() || e.chars().any(char::is_control) {
                return Err(Invalid::new(
                    "checkpoint extension line",
                    e,
                    "a non-empty line without control characters",
                ));
            }
        }
        Ok(Checkpoint {
            origin: origin.to_string(),
            size,
            root,
            extensions,
        })
    }

    /// Parses a checkpoint note text (the part of a note above the blank
    /// line, with its final newline).
    pub fn parse(text: &str) -> Result<Checkpoint, Invalid> {
        let what = "checkpoint";
        let body = text
            .strip_suffix('\n')
            .ok_or_else(|| Invalid::new(what, text, "text ending in a newline"))?;
        let lines: Vec<&str> = body.split('\n').collect();
        let [origin, size, root, extensions @ ..] = lines.as_slice() else {
            return Err(Invalid::new(
                what,
                text,
                "at least three lines: origin, tree size, base64 root hash",
            ));
        };
        let size = parse_size(size)?;
        let root = b64_exact::<32>("checkpoint root hash", root)?;
        Checkpoint::with_extensions(
            origin,
            size,
            root,
            extensions.iter().map(|s| s.to_string()).collect(),
        )
    }

    /// The note text: origin, size, base64 root, extension lines, each
    /// ending in a newline.
    pub fn text(&self) -> String {
        let mut s = format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            B64.encode(self.root)
        );
        for e in &self.extensions {
            s.push_str(e);
            s.push('\n');
        }
        s
    }

    /// The log's name.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The number of leaves (events).
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The Merkle root of those leaves.
    pub fn root(&self) -> &Hash {
        &self.root
    }

    /// The extension lines.
    pub fn extensions(&self) -> &[String] {
        &self.extensions
    }
}

/// The tree size line: ASCII decimal without leading zeros ("0" alone for
/// the empty tree), within u64.
fn parse_size(s: &str) -> Result<u64, Invalid> {
    let what = "checkpoint tree size";
    let expected = "a decimal number without sign, spaces or leading zeros";
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) || (s.len() > 1 && s.starts_with('0'))
    {
        return Err(Invalid::new(what, s, expected));
    }
    s.parse::<u64>()
        .map_err(|_| Invalid::new(what, s, "a number below 2^64"))
}

/// One signature line of a note: the key name, the key id, and the bytes
/// after the key id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteSignature {
    name: String,
    key_id: [u8; 4],
    signature: Vec<u8>,
}

impl NoteSignature {
    /// The signature line of `key` with these signature bytes (64 for a
    /// signer's, 72 for a witness's timed cosignature).
    pub fn of_key(key: &VerifierKey, signature: Vec<u8>) -> NoteSignature {
        NoteSignature {
            name: key.name.clone(),
            key_id: key.id,
            signature,
        }
    }

    /// The key name on the line.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key id on the line.
    pub fn key_id(&self) -> [u8; 4] {
        self.key_id
    }

    /// The signature bytes after the key id.
    pub fn signature(&self) -> &[u8] {
        &self.signature
    }

    fn line(&self) -> String {
        let mut raw = Vec::with_capacity(4 + self.signature.len());
        raw.extend(self.key_id);
        raw.extend(&self.signature);
        format!("{SIG_PREFIX}{} {}\n", self.name, B64.encode(raw))
    }
}

/// A signed note (c2sp.org/signed-note): a text and its signature lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    text: String,
    signatures: Vec<NoteSignature>,
}

impl Note {
    /// Parses a note from its bytes, refusing anything the spec does not
    /// allow (and carriage returns, which it forbids as control characters).
    pub fn parse(input: &[u8]) -> Result<Note, Invalid> {
        let what = "signed note";
        if input.len() > MAX_NOTE_BYTES {
            return Err(Invalid::new(
                what,
                &format!("{} bytes", input.len()),
                format!("at most {MAX_NOTE_BYTES} bytes"),
            ));
        }
        let text = std::str::from_utf8(input).map_err(|e| {
            Invalid::new(
                what,
                &String::from_utf8_lossy(input),
                format!("UTF-8 text ({e})"),
            )
        })?;
        if let Some((at, c)) = text.char_indices().find(|(_, c)| *c < ' ' && *c != '\n') {
            let line = text[..at].matches('\n').count() + 1;
            return Err(Invalid::new(
                what,
                &format!("{c:?} on line {line}"),
                "text whose only control character is the newline (no carriage returns or tabs)",
            ));
        }
        let split = text.rfind("\n\n").ok_or_else(|| {
            Invalid::new(
                what,
                text,
                "a text ending in a newline, a blank line, then signature lines",
            )
        })?;
        let (body, sigs) = (&text[..=split], &text[split + 2..]);
        let Some(sigs) = sigs.strip_suffix('\n').filter(|s| !s.is_empty()) else {
            return Err(Invalid::new(
                what,
                sigs,
                "one or more signature lines after the blank line, each ending in a newline",
            ));
        };
        let mut signatures = Vec::new();
        for line in sigs.split('\n') {
            if signatures.len() == MAX_SIGNATURES {
                return Err(Invalid::new(
                    what,
                    line,
                    format!("at most {MAX_SIGNATURES} signature lines"),
                ));
            }
            signatures.push(parse_signature_line(line)?);
        }
        Ok(Note {
            text: body.to_string(),
            signatures,
        })
    }

    /// A checkpoint's note with signature lines kept from before (a
    /// ledger keeps its signers' signatures and prints the note again).
    pub fn of_checkpoint(checkpoint: &Checkpoint, signatures: Vec<NoteSignature>) -> Note {
        Note {
            text: checkpoint.text(),
            signatures,
        }
    }

    /// The signed text, with its final newline.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The signature lines, in order.
    pub fn signatures(&self) -> &[NoteSignature] {
        &self.signatures
    }

    /// The note as bytes to publish: text, blank line, signature lines.
    pub fn to_text(&self) -> String {
        let mut s = self.text.clone();
        s.push('\n');
        for sig in &self.signatures {
            s.push_str(&sig.line());
        }
        s
    }
}

fn parse_signature_line(line: &str) -> Result<NoteSignature, Invalid> {
    let what = "signature line";
    let expected =
        "an em dash (U+2014), a space, the key name, a space, base64(key id and signature)";
    let rest = line
        .strip_prefix(SIG_PREFIX)
        .ok_or_else(|| Invalid::new(what, line, expected))?;
    let (name, b64) = rest
        .split_once(' ')
        .ok_or_else(|| Invalid::new(what, line, expected))?;
    check_name("signature key name", name)?;
    let raw = b64_any("signature", b64)?;
    if raw.len() < 5 {
        return Err(Invalid::new(
            "signature",
            b64,
            "base64 of a 4-byte key id and a signature",
        ));
    }
    Ok(NoteSignature {
        name: name.to_string(),
        key_id: [raw[0], raw[1], raw[2], raw[3]],
        signature: raw[4..].to_vec(),
    })
}

/// The message an Ed25519 cosignature signs: `cosignature/v1`, `time <t>`,
/// then the checkpoint text (c2sp.org/tlog-cosignature).
pub fn cosignature_message(text: &str, timestamp: u64) -> String {
    format!("{COSIGNATURE_HEADER}time {timestamp}\n{text}")
}

/// Signs a checkpoint as the log: a note with one signature line.
pub fn sign(checkpoint: &Checkpoint, key: &PrivateKey) -> Result<Note, NoteError> {
    if key.role != KeyRole::Signer {
        return Err(NoteError::WrongRole {
            name: key.name.clone(),
            role: key.role,
            needed: KeyRole::Signer,
        });
    }
    let text = checkpoint.text();
    let line = sign_text(&text, key);
    Ok(Note {
        text,
        signatures: vec![line],
    })
}

/// A plain Ed25519 signature line over any note text.
fn sign_text(text: &str, key: &PrivateKey) -> NoteSignature {
    key.signature_line(key.secret.sign(text.as_bytes()).to_bytes().to_vec())
}

/// One verified signature line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedSignature {
    /// The key's name.
    pub name: String,
    /// The key id.
    pub key_id: [u8; 4],
    /// The key's role.
    pub role: KeyRole,
    /// A witness's cosignature time (seconds since 1970, UTC).
    pub timestamp: Option<u64>,
}

/// A note whose checkpoint a known signer key vouches for.
#[derive(Debug, Clone)]
pub struct Verified {
    checkpoint: Checkpoint,
    signatures: Vec<VerifiedSignature>,
    ignored: Vec<(String, [u8; 4])>,
}

impl Verified {
    /// The checkpoint the note carries.
    pub fn checkpoint(&self) -> &Checkpoint {
        &self.checkpoint
    }

    /// The signature lines of known keys, all of which verified.
    pub fn signatures(&self) -> &[VerifiedSignature] {
        &self.signatures
    }

    /// Signature lines by keys not among those given (name, key id); the
    /// spec says to ignore them, a report may list them.
    pub fn ignored(&self) -> &[(String, [u8; 4])] {
        &self.ignored
    }

    /// True if `key` has a verified signature line on the note.
    pub fn is_signed_by(&self, key: &VerifierKey) -> bool {
        self.signatures
            .iter()
            .any(|s| s.name == key.name && s.key_id == key.id && s.role == key.role)
    }

    /// An error naming `key` unless it signed the note.
    pub fn require(&self, key: &VerifierKey) -> Result<(), NoteError> {
        if self.is_signed_by(key) {
            return Ok(());
        }
        Err(NoteError::MissingSignature {
            name: key.name.clone(),
            key_id: key.key_id_hex(),
            role: key.role,
        })
    }
}

/// Verifies a checkpoint note against known keys (c2sp.org/signed-note):
/// lines by unknown keys (name and key id not both matching a known key)
/// are ignored; every line by a known key must verify, or the whole note
/// is refused; and at least one known *signer* key must have signed (a
/// witness's cosignature alone does not make a checkpoint).
pub fn verify(note: &Note, keys: &[VerifierKey]) -> Result<Verified, NoteError> {
    let checkpoint = Checkpoint::parse(&note.text)?;
    let mut signatures = Vec::new();
    let mut ignored = Vec::new();
    for sig in &note.signatures {
        let known: Vec<&VerifierKey> = keys.iter().filter(|k| k.matches(sig)).collect();
        if known.is_empty() {
            ignored.push((sig.name.clone(), sig.key_id));
            continue;
        }
        for key in known {
            let timestamp = key.check(&note.text, sig)?;
            signatures.push(VerifiedSignature {
                name: key.name.clone(),
                key_id: key.id,
                role: key.role,
                timestamp,
            });
        }
    }
    if !signatures.iter().any(|s| s.role == KeyRole::Signer) {
        // No signer line verified, so every line is named: unknown keys'
        // and known witnesses' alike.
        let present = note
            .signatures
            .iter()
            .map(|s| (s.name.clone(), id_hex(&s.key_id)))
            .collect();
        return Err(NoteError::NoSignerSignature { present });
    }
    Ok(Verified {
        checkpoint,
        signatures,
        ignored,
    })
}

/// The last checkpoint a witness cosigned for this log, and the consistency
/// proof from it to the one it is asked to cosign now.
#[derive(Debug, Clone, Copy)]
pub struct LastCosigned<'a> {
    /// The checkpoint cosigned before.
    pub checkpoint: &'a Checkpoint,
    /// The consistency proof from its size to the new size (empty when the
    /// sizes are equal).
    pub proof: &'a [Hash],
}

/// Cosigns a note as a witness (c2sp.org/tlog-cosignature): checks the
/// log's signature with `log_keys`, checks that the checkpoint extends the
/// last one this witness cosigned (same origin; not smaller; at the same
/// size the same root, else a fork; at a larger size a valid consistency
/// proof), and only then adds a cosignature line with `timestamp` (seconds
/// since 1970, UTC).
pub fn cosign(
    note: &Note,
    log_keys: &[VerifierKey],
    witness: &PrivateKey,
    timestamp: u64,
    last: Option<LastCosigned<'_>>,
) -> Result<Note, NoteError> {
    if witness.role != KeyRole::Witness {
        return Err(NoteError::WrongRole {
            name: witness.name.clone(),
            role: witness.role,
            needed: KeyRole::Witness,
        });
    }
    if timestamp > i64::MAX as u64 {
        return Err(Invalid::new(
            "cosignature time",
            &timestamp.to_string(),
            "seconds since 1970 below 2^63",
        )
        .into());
    }
    let verified = verify(note, log_keys)?;
    let cp = verified.checkpoint();
    if note
        .signatures
        .iter()
        .any(|s| s.name == witness.name && s.key_id == witness.id)
    {
        return Err(NoteError::AlreadyCosigned {
            name: witness.name.clone(),
        });
    }
    if let Some(last) = last {
        let before = last.checkpoint;
        if before.origin != cp.origin {
            return Err(NoteError::OriginMismatch {
                expected: before.origin.clone(),
                found: cp.origin.clone(),
            });
        }
        if cp.size < before.size {
            return Err(NoteError::Rollback {
                last_size: before.size,
                size: cp.size,
            });
        }
        detect_fork(before, cp)?;
        if cp.size > before.size {
            merkle::verify_consistency(before.size, cp.size, &before.root, &cp.root, last.proof)
                .map_err(|reason| NoteError::Inconsistent {
                    size1: before.size,
                    size2: cp.size,
                    reason,
                })?;
        }
    }
    let message = cosignature_message(&note.text, timestamp);
    let mut sig = timestamp.to_be_bytes().to_vec();
    sig.extend(witness.secret.sign(message.as_bytes()).to_bytes());
    let mut out = note.clone();
    out.signatures.push(witness.signature_line(sig));
    Ok(out)
}

/// An error if two checkpoints of one origin have one size but different
/// roots: proof that the log showed two histories.
pub fn detect_fork(a: &Checkpoint, b: &Checkpoint) -> Result<(), NoteError> {
    if a.origin == b.origin && a.size == b.size && a.root != b.root {
        return Err(NoteError::Fork {
            origin: a.origin.clone(),
            size: a.size,
            root_a: B64.encode(a.root),
            root_b: B64.encode(b.root),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests;

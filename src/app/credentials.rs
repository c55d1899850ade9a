//! The credentials of a shared ledger's accounts: password hashes and API
//! tokens. They are never in the ledger (which is exported, published in
//! part and kept for ever), but in a small file of their own beside the
//! store directory, `STORE.credentials.json`, readable by its owner only
//! (mode 0600), written whole or not at all through [`crate::fsutil`]
//! (never through a planted link).
//!
//! - A password is kept as an argon2id hash (a PHC string with its salt
//!   and parameters: 19 MiB of memory, 2 passes), so a stolen file costs a
//!   guesser that much per guess.
//! - A token is 32 random bytes, shown once as `kst_` and 43 base64url
//!   characters; the file keeps only its SHA-256 (a token is long and
//!   random, so a fast hash is enough to make a stolen file useless).
//!
//! Who an account is and what it may do is the ledger's business
//! (`account_created`, `account_changed`); this file only says how it
//! proves that it is who it says.

use crate::domain::{AccountName, Invalid, Timestamp};
use crate::error::{Error, Result};
use crate::fsutil;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The first line of defence against a file from something else.
const FORMAT: &str = "kamerstand-credentials-1";
/// What a token starts with, so that one pasted in the wrong place is
/// recognised.
pub const TOKEN_PREFIX: &str = "kst_";
/// Shortest password accepted, in characters.
pub const MIN_PASSWORD: usize = 10;
/// Longest password accepted, in bytes (hashing cost does not depend on
/// it, but a request body does).
pub const MAX_PASSWORD: usize = 1024;

/// The largest credentials file read: far more than any programme's
/// accounts fill (an entry with a password and ten tokens is under 1 KiB).
pub const MAX_FILE: u64 = 16 * 1024 * 1024;

/// The credentials file of a store: `STORE.credentials.json` beside it.
pub fn path_for(store: &Path) -> PathBuf {
    let mut name = store
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_else(|| "kamerstand".into());
    name.push(".credentials.json");
    store.with_file_name(name)
}

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    format: String,
    accounts: BTreeMap<String, Entry>,
}

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    /// argon2id PHC string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    password: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    tokens: Vec<Token>,
}

/// A token as the file keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Token {
    /// The first 8 hex digits of its hash: how it is named when listed or
    /// revoked.
    pub id: String,
    /// SHA-256 of the whole token, hex.
    pub sha256: String,
    /// When it was made (RFC 3339, UTC).
    pub created: String,
}

/// The credentials of a store's accounts, as read from their file.
#[derive(Debug, Clone)]
pub struct Credentials {
    path: PathBuf,
    file: File,
}

fn io_err(path: &Path, doing: &str) -> impl FnOnce(std::io::Error) -> Error {
    let what = format!("{doing} {}", fsutil::shown_path(path));
    move |e| Error::storage(what, e)
}

impl Credentials {
    /// Reads the credentials of the store at `store` (none yet: empty). A
    /// file that others may read is refused: it should never have been.
    /// So is one another user owns (as ssh refuses an `authorized_keys`
    /// file of someone else's): whoever could plant it there could have
    /// put their own tokens in it. A file that is no regular file (a pipe
    /// would block the server's start) or larger than [`MAX_FILE`] is
    /// refused too.
    pub fn load(store: &Path) -> Result<Credentials> {
        #[cfg(unix)]
        let me = Some(rustix::process::geteuid().as_raw());
        #[cfg(not(unix))]
        let me = None;
        Credentials::load_owned_by(store, me)
    }

    /// As [`Credentials::load`], with the file required to be owned by
    /// user id `owner` (None: not checked), so that the check can be
    /// tested without a second user.
    pub fn load_owned_by(store: &Path, owner: Option<u32>) -> Result<Credentials> {
        let path = path_for(store);
        let mut f = match fsutil::open_input(&path, false) {
            Ok(f) => f,
            Err(fsutil::InputError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Credentials {
                    path,
                    file: File {
                        format: FORMAT.into(),
                        accounts: BTreeMap::new(),
                    },
                });
            }
            Err(fsutil::InputError::Io(e)) => return Err(io_err(&path, "opening")(e)),
            Err(e) => {
                return Err(Error::storage(
                    format!("opening {}", fsutil::shown_path(&path)),
                    format!("{e}; it must be the file kamerstand writes (remove what is there)"),
                ));
            }
        };
        let meta = f.metadata().map_err(io_err(&path, "reading"))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::{MetadataExt, PermissionsExt};
            if let Some(me) = owner
                && meta.uid() != me
            {
                return Err(Error::storage(
                    format!("opening {}", fsutil::shown_path(&path)),
                    format!(
                        "it is owned by user id {}, not by the user running kamerstand (user id {me}), and a credentials file is read only by its owner (root included): run kamerstand as that user (e.g. with `sudo -u`), or, if it should not be theirs, check its accounts and tokens before you `chown` it",
                        meta.uid()
                    ),
                ));
            }
            let mode = meta.permissions().mode();
            if mode & 0o077 != 0 {
                return Err(Error::storage(
                    format!("opening {}", fsutil::shown_path(&path)),
                    format!(
                        "other users may read or write it (mode {:04o}); make it private with `chmod 600 {}`",
                        mode & 0o7777,
                        fsutil::shown_path(&path)
                    ),
                ));
            }
        }
        #[cfg(not(unix))]
        let _ = owner;
        if meta.len() > MAX_FILE {
            return Err(Error::storage(
                format!("reading {}", fsutil::shown_path(&path)),
                format!(
                    "it holds {} bytes, more than the {} MiB a credentials file may hold",
                    meta.len(),
                    MAX_FILE / 1024 / 1024
                ),
            ));
        }
        let mut text = String::new();
        (&mut f)
            .take(MAX_FILE)
            .read_to_string(&mut text)
            .map_err(io_err(&path, "reading"))?;
        let file: File = serde_json::from_str(&text).map_err(|e| Error::Corrupt {
            seq: None,
            what: format!(
                "{} is not a credentials file: {e}",
                fsutil::shown_path(&path)
            ),
        })?;
        if file.format != FORMAT {
            return Err(Error::Corrupt {
                seq: None,
                what: format!(
                    "{} is in format '{}', not {FORMAT}",
                    fsutil::shown_path(&path),
                    file.format
                ),
            });
        }
        Ok(Credentials { path, file })
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes the file whole (mode 0600, fsynced, renamed into place).
    pub fn save(&self) -> Result<()> {
        let mut bytes = serde_json::to_vec_pretty(&self.file)
            .map_err(|e| Error::storage("encoding the credentials", e))?;
        bytes.push(b'\n');
        let mut staged =
            // 0600 from its creation: a file others could open before
            // its mode was narrowed could be read through that descriptor
            // once the hashes are in it.
            fsutil::Staged::beside_mode(&self.path, 0o600).map_err(io_err(&self.path, "creating"))?;
        staged
            .restrict_to_owner()
            .and_then(|()| staged.write_all(&bytes))
            .map_err(io_err(&self.path, "writing"))?;
        staged.commit(true).map_err(io_err(&self.path, "writing"))
    }

    /// Sets an account's password (checked for length), replacing any.
    pub fn set_password(&mut self, account: &AccountName, password: &str) -> Result<()> {
        check_password(password)?;
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt).map_err(|e| Error::storage("drawing a salt", e.to_string()))?;
        let salt = SaltString::encode_b64(&salt)
            .map_err(|e| Error::storage("encoding a salt", e.to_string()))?;
        let hash = argon2::Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map_err(|e| Error::storage("hashing the password", e.to_string()))?
            .to_string();
        self.entry(account).password = Some(hash);
        Ok(())
    }

    /// The account's stored password hash (salted, so a new password,
    /// even the same one again, gives a new one), or None without one: a
    /// server compares it to tell that a password was changed since a
    /// sign-in.
    pub fn password_hash(&self, account: &AccountName) -> Option<&str> {
        self.file
            .accounts
            .get(account.as_str())
            .and_then(|e| e.password.as_deref())
    }

    /// True if `password` is the account's. Without a stored password a
    /// hash is still computed, so the answer takes as long either way.
    pub fn check_password(&self, account: &AccountName, password: &str) -> bool {
        let stored = self
            .file
            .accounts
            .get(account.as_str())
            .and_then(|e| e.password.as_deref());
        let argon = argon2::Argon2::default();
        match stored.and_then(|s| PasswordHash::new(s).ok()) {
            Some(h) if password.len() <= MAX_PASSWORD => {
                argon.verify_password(password.as_bytes(), &h).is_ok()
            }
            _ => {
                let salt = SaltString::encode_b64(&[0u8; 16]);
                if let Ok(salt) = salt {
                    let _ = argon.hash_password(b"not a password", &salt);
                }
                false
            }
        }
    }

    /// Makes a new token for the account; returns it (the only time it is
    /// seen whole) and its id.
    pub fn new_token(&mut self, account: &AccountName, now: Timestamp) -> Result<(String, String)> {
        let mut raw = [0u8; 32];
        getrandom::fill(&mut raw).map_err(|e| Error::storage("drawing a token", e.to_string()))?;
        let token = format!(
            "{TOKEN_PREFIX}{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw)
        );
        let sha = token_hash(&token);
        let id = sha[..8].to_string();
        self.entry(account).tokens.push(Token {
            id: id.clone(),
            sha256: sha,
            created: now.rfc3339(),
        });
        Ok((token, id))
    }

    /// The account a token belongs to.
    pub fn token_account(&self, token: &str) -> Option<AccountName> {
        let t = token.trim();
        if !t.starts_with(TOKEN_PREFIX) || t.len() > 100 {
            return None;
        }
        let sha = token_hash(t);
        self.file.accounts.iter().find_map(|(name, e)| {
            e.tokens
                .iter()
                .any(|k| same(k.sha256.as_bytes(), sha.as_bytes()))
                .then(|| AccountName::parse(name).ok())
                .flatten()
        })
    }

    /// The account's tokens.
    pub fn tokens(&self, account: &AccountName) -> Vec<Token> {
        self.file
            .accounts
            .get(account.as_str())
            .map(|e| e.tokens.clone())
            .unwrap_or_default()
    }

    /// Removes the account's tokens (all, or the one with that id);
    /// returns how many were removed.
    pub fn revoke(&mut self, account: &AccountName, id: Option<&str>) -> usize {
        let Some(e) = self.file.accounts.get_mut(account.as_str()) else {
            return 0;
        };
        let before = e.tokens.len();
        e.tokens
            .retain(|k| id.is_some_and(|i| !k.id.eq_ignore_ascii_case(i)));
        before - e.tokens.len()
    }

    /// Removes the account's password and tokens.
    pub fn forget(&mut self, account: &AccountName) {
        self.file.accounts.remove(account.as_str());
    }

    fn entry(&mut self, account: &AccountName) -> &mut Entry {
        self.file
            .accounts
            .entry(account.as_str().to_string())
            .or_default()
    }
}

/// Checks a password's length: at least [`MIN_PASSWORD`] characters, at
/// most [`MAX_PASSWORD`] bytes, one line.
pub fn check_password(password: &str) -> Result<(), Invalid> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD || password.len() > MAX_PASSWORD || password.contains(['\n', '\r']) {
        return Err(Invalid::new(
            "password",
            "(not shown)",
            format!("one line of {MIN_PASSWORD} to {MAX_PASSWORD} characters"),
        ));
    }
    Ok(())
}

/// SHA-256 of a token, hex.
fn token_hash(token: &str) -> String {
    crate::domain::ids::hex(&Sha256::digest(token.as_bytes()))
}

/// Compares without stopping at the first difference.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_and_tokens_round_trip_through_a_private_file() {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("nap.db");
        assert_eq!(path_for(&store), dir.path().join("nap.db.credentials.json"));
        let who = AccountName::parse("j.devries").unwrap();
        let mut c = Credentials::load(&store).unwrap();
        assert!(!c.check_password(&who, "geheim-wachtwoord"));
        assert!(c.set_password(&who, "kort").is_err());
        c.set_password(&who, "geheim-wachtwoord").unwrap();
        let (token, id) = c
            .new_token(&who, Timestamp::from_unix_nanos(1_700_000_000_000_000_000))
            .unwrap();
        c.save().unwrap();
        let text = std::fs::read_to_string(c.path()).unwrap();
        assert!(!text.contains("geheim-wachtwoord"));
        assert!(!text.contains(&token[4..]));
        assert!(text.contains("$argon2id$"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(c.path()).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let c = Credentials::load(&store).unwrap();
        assert!(c.check_password(&who, "geheim-wachtwoord"));
        assert!(!c.check_password(&who, "geheim-wachtwoorD"));
        assert_eq!(c.token_account(&token), Some(who.clone()));
        assert_eq!(c.token_account(&format!("{token}x")), None);
        assert_eq!(c.token_account("kst_nothing"), None);
        let mut c = c;
        assert_eq!(c.revoke(&who, Some(&id)), 1);
        assert_eq!(c.token_account(&token), None);
    }

    #[cfg(unix)]
    #[test]
    fn a_file_others_can_read_is_refused_and_a_planted_link_not_followed() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("s.db");
        let path = path_for(&store);
        std::fs::write(
            &path,
            format!("{{\"format\":\"{FORMAT}\",\"accounts\":{{}}}}"),
        )
        .unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let e = Credentials::load(&store).unwrap_err();
        assert!(e.to_string().contains("chmod 600"), "{e}");
        std::fs::remove_file(&path).unwrap();
        let elsewhere = dir.path().join("elsewhere");
        std::fs::write(&elsewhere, "x").unwrap();
        std::os::unix::fs::symlink(&elsewhere, &path).unwrap();
        assert!(Credentials::load(&store).is_err());
        // Saving replaces the link; the file it pointed at is untouched.
        let c = Credentials {
            path: path.clone(),
            file: File {
                format: FORMAT.into(),
                accounts: BTreeMap::new(),
            },
        };
        c.save().unwrap();
        assert_eq!(std::fs::read_to_string(&elsewhere).unwrap(), "x");
        assert!(
            !std::fs::symlink_metadata(&path)
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }
}

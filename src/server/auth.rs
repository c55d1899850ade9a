//! Who is asking: API tokens (`Authorization: Bearer kst_…`) for programs,
//! sessions with a cookie for people, CSRF tokens for every form, and a
//! throttle on failed sign-ins. Credentials are read from the store's
//! credentials file ([`crate::app::credentials`]) and read again when the
//! file changes, so `kamerstand account password` and `account token` take
//! effect while the server runs. What an account may do is not decided
//! here but by [`crate::app::access`], on every request, against the
//! ledger's accounts as they stand: a disabled account's session and
//! tokens stop working at its next request. A session also ends when its
//! account's password is changed or removed (`kamerstand account
//! password`): that is what an administrator does when a password has
//! leaked, and the sessions opened with it must go with it.
//!
//! Sessions live in memory only: a restart signs everyone out. A session
//! ends 8 hours after its sign-in, used or not, as its cookie's `Max-Age`
//! tells the browser. A session
//! cookie is `HttpOnly` and `SameSite=Strict` (and `Secure` behind TLS);
//! its id is 256 random bits. Every form carries the session's CSRF token,
//! compared in constant time; signing in gives a new session id.

use crate::app::credentials::Credentials;
use crate::domain::AccountName;
use crate::error::Result;
use axum::http::HeaderMap;
use base64::Engine as _;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

/// The session cookie's name.
pub const COOKIE: &str = "kamerstand_sessie";
/// A session unused this long ends.
const IDLE: Duration = Duration::from_secs(8 * 3600);
/// A session ends this long after its sign-in however much it is used:
/// the cookie's Max-Age says so to the browser, and a copy of the cookie
/// taken elsewhere must not outlive it by being kept busy.
const LIFE: Duration = Duration::from_secs(8 * 3600);
/// At most this many sessions are kept; beyond it the least recently used
/// ends.
const MAX_SESSIONS: usize = 10_000;
/// Failed sign-ins of one account before it must wait.
const FREE_FAILURES: u32 = 5;
/// How long an account waits per failure beyond those, up to [`MAX_WAIT`].
const WAIT_PER_FAILURE: Duration = Duration::from_secs(30);
const MAX_WAIT: Duration = Duration::from_secs(15 * 60);
/// Password hashes computed at once (each takes 19 MiB and tens of ms).
const HASHING: usize = 2;
/// At most this many names' failed sign-ins are remembered: every name
/// tried is one, made-up names included, so without a bound a client
/// trying names for days would fill the server's memory.
const MAX_FAILURES: usize = 100_000;

/// A session.
#[derive(Debug, Clone)]
pub struct Session {
    /// Its id (the cookie's value).
    pub id: String,
    /// The signed-in account (None: not signed in yet).
    pub account: Option<AccountName>,
    /// The token every form of this session carries.
    pub csrf: String,
    /// The account's password hash when it signed in.
    password: Option<String>,
    created: Instant,
    last_seen: Instant,
}

impl Session {
    /// Unused for longer than [`IDLE`], or older than [`LIFE`].
    fn expired(&self) -> bool {
        self.expired_at(Instant::now())
    }

    /// As [`Session::expired`], at `now`.
    fn expired_at(&self, now: Instant) -> bool {
        now.saturating_duration_since(self.last_seen) > IDLE
            || now.saturating_duration_since(self.created) > LIFE
    }
}

#[derive(Debug, Default)]
struct Failures {
    count: u32,
    last: Option<Instant>,
}

/// The credentials file as last read, with what identified its version.
#[derive(Debug)]
struct Cached {
    stamp: Option<(SystemTime, u64)>,
    creds: Arc<Credentials>,
}

/// Sessions, credentials and the sign-in throttle.
#[derive(Debug)]
pub struct Auth {
    store: PathBuf,
    secure: bool,
    creds: Mutex<Option<Cached>>,
    sessions: Mutex<BTreeMap<String, Session>>,
    failures: Mutex<BTreeMap<AccountName, Failures>>,
    hashing: tokio::sync::Semaphore,
}

/// Why a sign-in failed (the page says no more than "wrong name or
/// password", or how long to wait).
#[derive(Debug)]
pub enum LoginError {
    /// Wrong name or password.
    Wrong,
    /// Too many failures: try again after this long.
    Wait(Duration),
    /// The credentials could not be read.
    Broken(crate::Error),
}

/// 256 random bits, base64url.
pub fn random_id() -> Result<String> {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b)
        .map_err(|e| crate::Error::storage("drawing a session id", e.to_string()))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b))
}

/// Compares without stopping at the first difference.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Adds `s` to `sessions`, keeping at most `cap`: when full, first the
/// sessions idle too long go, then the one least recently seen among those
/// nobody signed in to, and a signed-in one only when there is none of
/// those. Every visit of the sign-in page makes a session, so a flood of
/// such visits must not sign the clerks out.
fn insert_bounded(sessions: &mut BTreeMap<String, Session>, s: Session, cap: usize) {
    if sessions.len() >= cap {
        sessions.retain(|_, s| !s.expired());
    }
    if sessions.len() >= cap {
        let oldest = |signed_in: bool| {
            sessions
                .iter()
                .filter(|(_, s)| s.account.is_some() == signed_in)
                .min_by_key(|(_, s)| s.last_seen)
                .map(|(k, _)| k.clone())
        };
        if let Some(k) = oldest(false).or_else(|| oldest(true)) {
            sessions.remove(&k);
        }
    }
    sessions.insert(s.id.clone(), s);
}

/// Counts a failed sign-in of `name`, keeping at most `cap` names: when
/// full, first those whose last failure is older than the longest wait
/// (their throttle is over) go, then the one that failed longest ago.
fn note_failure(failures: &mut BTreeMap<AccountName, Failures>, name: AccountName, cap: usize) {
    if !failures.contains_key(&name) && failures.len() >= cap {
        failures.retain(|_, f| f.last.is_some_and(|t| t.elapsed() < MAX_WAIT));
        if failures.len() >= cap
            && let Some(oldest) = failures
                .iter()
                .min_by_key(|(_, f)| f.last)
                .map(|(k, _)| k.clone())
        {
            failures.remove(&oldest);
        }
    }
    let f = failures.entry(name).or_default();
    f.count = f.count.saturating_add(1);
    f.last = Some(Instant::now());
}

impl Auth {
    /// Credentials of the store at `store`.
    pub fn new(store: PathBuf, secure: bool) -> Auth {
        Auth {
            store,
            secure,
            creds: Mutex::new(None),
            sessions: Mutex::new(BTreeMap::new()),
            failures: Mutex::new(BTreeMap::new()),
            hashing: tokio::sync::Semaphore::new(HASHING),
        }
    }

    /// The credentials, read again when their file changed.
    pub fn credentials(&self) -> Result<Arc<Credentials>> {
        let path = crate::app::credentials::path_for(&self.store);
        let stamp = std::fs::symlink_metadata(&path)
            .ok()
            .and_then(|m| Some((m.modified().ok()?, m.len())));
        let mut cached = lock(&self.creds);
        if let Some(c) = cached.as_ref()
            && c.stamp == stamp
            && stamp.is_some()
        {
            return Ok(Arc::clone(&c.creds));
        }
        let creds = Arc::new(Credentials::load(&self.store)?);
        *cached = Some(Cached {
            stamp,
            creds: Arc::clone(&creds),
        });
        Ok(creds)
    }

    /// The account an API request's bearer token belongs to.
    pub fn bearer(&self, headers: &HeaderMap) -> Result<Option<AccountName>> {
        let Some(token) = headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
        else {
            return Ok(None);
        };
        Ok(self.credentials()?.token_account(token))
    }

    /// The session a request's cookie names, if it is still valid (it is
    /// marked used).
    pub fn session(&self, headers: &HeaderMap) -> Option<Session> {
        let id = cookie(headers, COOKIE)?;
        // Read before the sessions are locked (no two locks at once).
        let creds = self.credentials();
        let mut sessions = lock(&self.sessions);
        let s = sessions.get_mut(&id)?;
        if s.expired() {
            sessions.remove(&id);
            return None;
        }
        if let Some(name) = &s.account {
            // Credentials that cannot be read sign nobody in.
            let creds = creds.ok()?;
            if creds.password_hash(name) != s.password.as_deref() {
                sessions.remove(&id);
                return None;
            }
        }
        s.last_seen = Instant::now();
        Some(s.clone())
    }

    /// A new session (for `account`, or not signed in yet).
    pub fn new_session(&self, account: Option<AccountName>) -> Result<Session> {
        let password = match &account {
            Some(name) => self.credentials()?.password_hash(name).map(str::to_string),
            None => None,
        };
        let s = Session {
            id: random_id()?,
            account,
            csrf: random_id()?,
            password,
            created: Instant::now(),
            last_seen: Instant::now(),
        };
        insert_bounded(&mut lock(&self.sessions), s.clone(), MAX_SESSIONS);
        Ok(s)
    }

    /// Ends a session.
    pub fn end(&self, id: &str) {
        lock(&self.sessions).remove(id);
    }

    /// The `Set-Cookie` value for a session.
    pub fn cookie_for(&self, s: &Session) -> String {
        format!(
            "{COOKIE}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}",
            s.id,
            LIFE.as_secs(),
            if self.secure { "; Secure" } else { "" }
        )
    }

    /// The `Set-Cookie` value that removes the session cookie.
    pub fn cookie_cleared(&self) -> String {
        format!(
            "{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{}",
            if self.secure { "; Secure" } else { "" }
        )
    }

    /// Checks a password, throttled per account and limited in how many
    /// hashes run at once.
    pub async fn login(
        self: &Arc<Self>,
        name: AccountName,
        password: String,
    ) -> std::result::Result<AccountName, LoginError> {
        if let Some(wait) = self.must_wait(&name) {
            return Err(LoginError::Wait(wait));
        }
        let creds = self.credentials().map_err(LoginError::Broken)?;
        let Ok(_permit) = self.hashing.acquire().await else {
            return Err(LoginError::Wrong);
        };
        let who = name.clone();
        let ok = tokio::task::spawn_blocking(move || creds.check_password(&who, &password))
            .await
            .unwrap_or(false);
        let mut failures = lock(&self.failures);
        if ok {
            failures.remove(&name);
            Ok(name)
        } else {
            note_failure(&mut failures, name, MAX_FAILURES);
            Err(LoginError::Wrong)
        }
    }

    fn must_wait(&self, name: &AccountName) -> Option<Duration> {
        let failures = lock(&self.failures);
        let f = failures.get(name)?;
        let over = f.count.checked_sub(FREE_FAILURES)?;
        let wait = (WAIT_PER_FAILURE * (over + 1)).min(MAX_WAIT);
        let since = f.last?.elapsed();
        (since < wait).then(|| wait - since)
    }
}

/// The value of cookie `name` in a request.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(id: &str, account: Option<&str>) -> Session {
        Session {
            id: id.to_string(),
            account: account.map(|a| AccountName::parse(a).unwrap()),
            csrf: String::new(),
            password: None,
            created: Instant::now(),
            last_seen: Instant::now(),
        }
    }

    #[test]
    fn a_session_kept_busy_still_ends_at_the_end_of_its_life() {
        let mut s = session("clerk", Some("m.jansen"));
        assert!(!s.expired());
        // Used a minute before the end of its life: still ends with it.
        let end = s.created + LIFE + Duration::from_secs(1);
        s.last_seen = end - Duration::from_secs(60);
        assert!(!s.expired_at(end - Duration::from_secs(2)));
        assert!(s.expired_at(end));
    }

    #[test]
    fn failed_sign_ins_of_made_up_names_are_remembered_within_a_bound() {
        let name = |s: &str| AccountName::parse(s).unwrap();
        let mut failures = BTreeMap::new();
        for _ in 0..7 {
            note_failure(&mut failures, name("m.jansen"), 3);
        }
        for n in 0..1000 {
            note_failure(&mut failures, name(&format!("verzonnen{n}")), 3);
        }
        assert_eq!(failures.len(), 3);
        // The newest names are the ones kept, each counted once.
        assert_eq!(failures[&name("verzonnen999")].count, 1);
        // A name already counted is counted again without evicting others.
        note_failure(&mut failures, name("verzonnen999"), 3);
        assert_eq!(failures.len(), 3);
        assert_eq!(failures[&name("verzonnen999")].count, 2);
    }

    #[test]
    fn a_flood_of_sign_in_pages_does_not_sign_the_clerks_out() {
        let mut sessions = BTreeMap::new();
        insert_bounded(&mut sessions, session("clerk", Some("m.jansen")), 3);
        for n in 0..50 {
            insert_bounded(&mut sessions, session(&format!("anon{n:02}"), None), 3);
        }
        assert_eq!(sessions.len(), 3);
        assert!(sessions.contains_key("clerk"), "{:?}", sessions.keys());
        // The newest anonymous sessions are the ones kept.
        assert!(sessions.contains_key("anon49"));
        // Only signed-in sessions left: the least recently seen goes.
        let mut full = BTreeMap::new();
        for n in 0..4 {
            insert_bounded(&mut full, session(&format!("s{n}"), Some("a.b")), 3);
        }
        assert_eq!(full.len(), 3);
        assert!(!full.contains_key("s0"));
    }
}

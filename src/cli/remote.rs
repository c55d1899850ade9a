//! `--server URL` (feature `server`): the command line as a client of a
//! kamerstand server, so that a clerk (or a script) works against the
//! shared ledger with the same commands and the same output. The server
//! renders what the command would print (`format=table` or `json`); this
//! module sends the command's arguments and prints the answer.
//!
//! The API token comes from the environment (`KAMERSTAND_TOKEN`) or a file
//! (`--token-file`), never from the command line, where other users of the
//! machine could read it. It is sent only over HTTPS, or over plain HTTP to
//! the machine itself (loopback); redirects are not followed, so it never
//! goes anywhere else either.
//!
//! A server that does not answer within [`TIMEOUT_ENV`] seconds (300 by
//! default: an import of a large annex takes a while) is given up on, as
//! an I/O failure (exit 1).

use super::{CliError, Env, Global, emit};
use crate::domain::Invalid;
use crate::domain::text;
use crate::error::{Error, Refusal};
use crate::report::Format;
use serde_json::Value;
use std::path::Path;
use std::time::Duration;

/// The environment variable that holds the API token.
pub const TOKEN_ENV: &str = "KAMERSTAND_TOKEN";

/// The environment variable that sets how many seconds to wait for a
/// server's whole answer.
pub const TIMEOUT_ENV: &str = "KAMERSTAND_TIMEOUT";

/// How long to wait for a server's whole answer, unless [`TIMEOUT_ENV`]
/// says otherwise.
const TIMEOUT: Duration = Duration::from_secs(300);

/// The largest answer read from a server: a view, a list, an exported
/// file or a proof. The largest ledger measured (L in docs/performance.md:
/// 10,000 items, a million events) gives an overview or export of 10 to 15
/// MB (the demo's 10 items give 10 to 14 KB) and a whole log as a table of
/// about 150 MB; what is larger (the whole log as JSON, some 800 MB, or an
/// events export, 2.2 GB) is to be asked for in parts (`log --limit`) or
/// made on the store's machine. An answer is held whole (and its text
/// copied once to be shown), so this also bounds the memory it takes.
pub const MAX_ANSWER: u64 = 256 * 1024 * 1024;

/// The largest token file read: a token is 47 characters.
const MAX_TOKEN_FILE: u64 = 4096;

/// The largest refusal or failure read from a server (any answer but
/// 200): its message is shown shortened to 300 characters anyway.
pub const MAX_REFUSAL: u64 = 64 * 1024;

/// How long to wait for a server's whole answer: [`TIMEOUT_ENV`], or
/// [`TIMEOUT`].
fn timeout() -> Result<Duration, Invalid> {
    match std::env::var(TIMEOUT_ENV) {
        Ok(v) if !v.trim().is_empty() => v
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|n| (1..=86_400).contains(n))
            .map(Duration::from_secs)
            .ok_or_else(|| {
                Invalid::new(
                    TIMEOUT_ENV,
                    &v,
                    "a whole number of seconds from 1 to 86400 to wait for the server's answer, e.g. 300",
                )
            }),
        _ => Ok(TIMEOUT),
    }
}

/// Opens the token file: a regular file (a pipe would block, a device
/// never end), not through a symbolic link, that only its owner may read
/// or write. A token others could read may have been read: refused, as a
/// private key file is, until its owner has seen to it.
fn open_token_file(p: &Path) -> Result<std::fs::File, CliError> {
    let name = crate::fsutil::shown_path(p);
    let f = crate::fsutil::open_input(p, false).map_err(|e| match e {
        crate::fsutil::InputError::NotRegular(kind) => CliError::from(Invalid::new(
            "--token-file",
            &name,
            format!("a regular file holding the token, not a symbolic link (it is {kind})"),
        )),
        crate::fsutil::InputError::Io(e) => {
            Error::storage(format!("reading the token from {name}"), e).into()
        }
    })?;
    let then = "check that nobody else read the token (else revoke it: `kamerstand account token NAME --revoke ID` on the server)";
    if let Some(why) = crate::fsutil::not_private(&f, &name, then)
        .map_err(|e| Error::storage(format!("reading the token from {name}"), e))?
    {
        return Err(Invalid::new("--token-file", &name, why).into());
    }
    Ok(f)
}

/// A connection to a server.
#[derive(Debug)]
pub struct Remote {
    base: String,
    token: String,
    agent: ureq::Agent,
    format: Format,
    /// The language asked for (`--lang`), sent with every read.
    lang: crate::formats::annex::Lang,
}

fn loopback(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    h == "localhost"
        || h.parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

impl Remote {
    /// Checks the URL and reads the token (from `token_file`, else the
    /// environment).
    pub fn connect(url: &str, token_file: Option<&Path>, g: &Global) -> Result<Remote, CliError> {
        let base = url.trim().trim_end_matches('/').to_string();
        let (scheme, rest) = base.split_once("://").unwrap_or(("", &base));
        let authority = rest.split('/').next().unwrap_or_default();
        let host = match authority.rsplit_once(':') {
            Some((h, p)) if p.bytes().all(|b| b.is_ascii_digit()) && !h.is_empty() => h,
            _ => authority,
        };
        // Only printable ASCII: anything else is no URL, and a control
        // character would reach the terminal in every message naming it.
        let printable = base.bytes().all(|b| b.is_ascii_graphic());
        let ok = printable
            && match scheme {
                "https" => !host.is_empty(),
                "http" => loopback(host),
                _ => false,
            };
        if !ok {
            return Err(Invalid::new(
                "--server",
                url,
                "an https:// URL of a kamerstand server (http:// only to this machine, e.g. http://127.0.0.1:8080), so the token is never sent in the clear",
            )
            .into());
        }
        let token = match token_file {
            Some(p) => {
                let f = open_token_file(p)?;
                let read = crate::fsutil::read_opened_at_most(f, MAX_TOKEN_FILE).map_err(|e| {
                    Error::storage(
                        format!("reading the token from {}", crate::fsutil::shown_path(p)),
                        e.to_string(),
                    )
                })?;
                // A longer file was cut short before: the token sent was
                // then not the one in the file.
                let Some(bytes) = read else {
                    return Err(Invalid::new(
                        "--token-file",
                        &crate::fsutil::shown_path(p),
                        format!(
                            "a file of at most {MAX_TOKEN_FILE} bytes holding one token, as `kamerstand account token NAME` prints it"
                        ),
                    )
                    .into());
                };
                String::from_utf8(bytes).map_err(|_| {
                    // Not shown: it may be a real token with a stray byte.
                    Invalid::new(
                        "token",
                        "(not shown)",
                        "one line of printable ASCII, as `kamerstand account token NAME` prints it",
                    )
                })?
            }
            None => std::env::var(TOKEN_ENV).unwrap_or_default(),
        };
        let token = token.trim().to_string();
        if !token.bytes().all(|b| b.is_ascii_graphic()) {
            // Not shown: it may be a real token with a stray byte.
            return Err(Invalid::new(
                "token",
                "(not shown)",
                "one line of printable ASCII, as `kamerstand account token NAME` prints it",
            )
            .into());
        }
        if token.is_empty() {
            return Err(Invalid::new(
                "token",
                "(none)",
                format!(
                    "an API token in {TOKEN_ENV} or in the file --token-file names (made by `kamerstand account token NAME` on the server)"
                ),
            )
            .into());
        }
        let wait = timeout()?;
        // No redirect is followed: one would take the request (a write
        // turned into a read by a 303) to an address nobody gave, and an
        // answer from there is no answer of this server.
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .max_redirects_will_error(false)
            .timeout_global(Some(wait))
            .build()
            .into();
        Ok(Remote {
            base,
            token,
            agent,
            format: g.report(),
            lang: g.lang,
        })
    }

    fn format_name(&self) -> &'static str {
        match self.format {
            Format::Json => "json",
            Format::Table => "table",
            Format::Md => "md",
        }
    }

    /// GETs `path` with `query` (empty values left out) and the format.
    pub fn get(&self, path: &str, query: &[(&str, Option<String>)]) -> Result<String, CliError> {
        self.fetch(path, query).map(|(b, _)| b)
    }

    /// As [`Remote::get`], with whether the server found the ledger
    /// verified (`verify`).
    pub fn get_verified(
        &self,
        path: &str,
        query: &[(&str, Option<String>)],
    ) -> Result<(String, bool), CliError> {
        self.fetch(path, query).map(|(b, v)| (b, v != Some(false)))
    }

    /// GETs `path`: the body, and the verified header if there was one.
    fn fetch(
        &self,
        path: &str,
        query: &[(&str, Option<String>)],
    ) -> Result<(String, Option<bool>), CliError> {
        let mut req = self
            .agent
            .get(format!("{}{path}", self.base))
            .header("Authorization", format!("Bearer {}", self.token))
            .query("format", self.format_name())
            .query("lang", self.lang.code());
        for (k, v) in query {
            if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                req = req.query(*k, v);
            }
        }
        answer(&self.base, req.call(), self.format == Format::Json)
    }

    /// GETs `path` with `query` as given (without the command line's output
    /// format, which a file's own `format` would clash with): the answer's
    /// bytes, e.g. an exported Word file.
    pub fn get_bytes(
        &self,
        path: &str,
        query: &[(&str, Option<String>)],
    ) -> Result<Vec<u8>, CliError> {
        let mut req = self
            .agent
            .get(format!("{}{path}", self.base))
            .header("Authorization", format!("Bearer {}", self.token))
            .query("lang", self.lang.code());
        for (k, v) in query {
            if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                req = req.query(*k, v);
            }
        }
        answer_bytes(&self.base, req.call()).map(|(b, _)| b)
    }

    /// POSTs `bytes` (a file) to `path` with `query`: the answer as the
    /// command line's text.
    pub fn post_bytes(
        &self,
        path: &str,
        query: &[(&str, Option<String>)],
        bytes: &[u8],
    ) -> Result<String, CliError> {
        let mut req = self
            .agent
            .post(format!("{}{path}", self.base))
            .header("Authorization", format!("Bearer {}", self.token))
            .header("Content-Type", "application/octet-stream")
            .query("format", "table")
            .query("lang", self.lang.code());
        for (k, v) in query {
            if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                req = req.query(*k, v);
            }
        }
        answer(&self.base, req.send(bytes), false).map(|(b, _)| b)
    }

    /// The server's address, as given.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// POSTs a JSON body to `path`.
    pub fn post(&self, path: &str, body: &Value) -> Result<String, CliError> {
        let req = self
            .agent
            .post(format!("{}{path}", self.base))
            .header("Authorization", format!("Bearer {}", self.token))
            .query(
                "format",
                if self.format == Format::Json {
                    "json"
                } else {
                    "table"
                },
            )
            .query("lang", self.lang.code());
        answer(&self.base, req.send_json(body), self.format == Format::Json).map(|(b, _)| b)
    }

    /// Prints a GET's answer.
    pub fn show(
        &self,
        env: &mut Env<'_>,
        path: &str,
        query: &[(&str, Option<String>)],
    ) -> Result<(), CliError> {
        let out = self.get(path, query)?;
        emit(env, &out)
    }

    /// Prints a POST's answer (the receipt).
    pub fn write(&self, env: &mut Env<'_>, path: &str, body: &Value) -> Result<(), CliError> {
        let out = self.post(path, body)?;
        emit(env, &out)
    }
}

/// A path segment, percent-encoded.
pub fn seg(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A 200 answer as text to show (and the verified header, if any); `json`:
/// JSON was asked for, and an answer that is not JSON is a failure of the
/// server rather than something to print.
fn answer(
    base: &str,
    r: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    json: bool,
) -> Result<(String, Option<bool>), CliError> {
    let (bytes, verified) = answer_bytes(base, r)?;
    let body = String::from_utf8(bytes).map_err(|_| {
        Error::storage(
            format!("reading the answer of {base}"),
            "it is not UTF-8 text",
        )
    })?;
    let body = shown(&body);
    // Checked once shown: a raw control character in a string, which JSON
    // does not allow, is by then the escape it should have been.
    if json && serde_json::from_str::<serde::de::IgnoredAny>(&body).is_err() {
        return Err(Error::storage(
            format!("reading the answer of {base}"),
            format!(
                "JSON was asked for and the answer is not JSON (it begins '{}'): is this a kamerstand server?",
                text::shorten(body.trim(), 60)
            ),
        )
        .into());
    }
    Ok((body, verified))
}

/// A server's text answer as the terminal may be shown it: whatever the
/// server sends, no control character (other than newline and tab)
/// reaches the terminal raw. A JSON answer keeps its form (valid JSON
/// holds no raw control character, so only a broken one changes); any
/// other also gets the bidi and tag characters escaped, as our own output
/// does ([`text::visible`]). In JSON they become JSON's own escapes
/// (`\u202e`), which inside a string mean the same character: the answer
/// stays the JSON it was, and a terminal shows it as text.
pub fn shown(body: &str) -> String {
    if body.trim_start().starts_with(['{', '[']) {
        text::json_visible(body).into_owned()
    } else {
        text::visible(body).into_owned()
    }
}

/// A 200 answer's bytes (and the verified header, if any), or the refusal
/// or failure it says.
fn answer_bytes(
    base: &str,
    r: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
) -> Result<(Vec<u8>, Option<bool>), CliError> {
    let mut resp = r.map_err(|e| match e {
        ureq::Error::Timeout(_) => Error::storage(
            format!("asking the server at {base}"),
            format!(
                "no whole answer within {} seconds ({TIMEOUT_ENV} sets how long to wait)",
                timeout().unwrap_or(TIMEOUT).as_secs()
            ),
        ),
        e => Error::storage(format!("asking the server at {base}"), e),
    })?;
    let status = resp.status().as_u16();
    if (300..400).contains(&status) {
        let to = resp
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(|l| text::shorten(l, 200))
            .unwrap_or_else(|| "(no address)".to_string());
        return Err(Error::storage(
            format!("asking the server at {base} (HTTP {status})"),
            format!(
                "it answered with a redirect to {to}, which is not followed (nor is the request sent there): give --server the address of the kamerstand server itself"
            ),
        )
        .into());
    }
    let verified = resp
        .headers()
        .get("x-kamerstand-verified")
        .and_then(|v| v.to_str().ok())
        .map(|v| v == "true");
    let too_large = || {
        Error::storage(
            format!("reading the answer of {base}"),
            format!(
                "it is larger than the {} MiB an answer may be (MAX_ANSWER): ask for less (`log --limit N`, a filter, a round) or run the command on the store's machine",
                MAX_ANSWER / 1024 / 1024
            ),
        )
    };
    if status == 200 {
        // A declared length over the limit is refused before any byte.
        let declared = resp
            .headers()
            .get("content-length")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        if declared.is_some_and(|n| n > MAX_ANSWER) {
            return Err(too_large().into());
        }
        let bytes = resp
            .body_mut()
            .with_config()
            .limit(MAX_ANSWER)
            .read_to_vec()
            .map_err(|e| match e {
                ureq::Error::BodyExceedsLimit(_) => too_large(),
                e => Error::storage(format!("reading the answer of {base}"), e),
            })?;
        return Ok((bytes, verified));
    }
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(
        &mut std::io::Read::take(resp.body_mut().as_reader(), MAX_REFUSAL),
        &mut bytes,
    )
    .map_err(|e| Error::storage(format!("reading the answer of {base}"), e))?;
    let body = String::from_utf8_lossy(&bytes);
    let message = serde_json::from_str::<Value>(&body)
        .ok()
        .and_then(|v| {
            v.pointer("/error/message")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .unwrap_or_else(|| text::shorten(body.trim(), 300));
    let message = text::visible(&message).into_owned();
    if (400..500).contains(&status) {
        Err(Error::from(Refusal::FromServer { status, message }).into())
    } else {
        Err(Error::storage(
            format!("asking the server at {base} (HTTP {status})"),
            message,
        )
        .into())
    }
}

/// Which view and filter flags a read command gave, as query parameters.
pub fn filtered_view_query(
    v: &super::args::ViewArgs,
    f: &super::args::FilterArgs,
) -> Vec<(&'static str, Option<String>)> {
    let mut q = view_query(v);
    q.extend([
        ("ministry", f.ministry.clone()),
        ("status", f.status.clone()),
        ("kind", f.kind.clone()),
    ]);
    q
}

/// `--wide` as query parameters: whole texts, wrapped to the width of the
/// terminal the answer is printed to (none when it goes to a pipe or a
/// file, where each row stays on one line), as the command prints them
/// locally.
pub fn wide_query(w: super::args::WideArgs, g: &Global) -> Vec<(&'static str, Option<String>)> {
    let look = w.look(g);
    vec![
        ("wide", look.wrap.then(|| "true".to_string())),
        (
            "width",
            look.width.filter(|_| look.wrap).map(|n| n.to_string()),
        ),
    ]
}

/// Which view flags a read command gave, as query parameters.
pub fn view_query(v: &super::args::ViewArgs) -> Vec<(&'static str, Option<String>)> {
    vec![
        ("as_of", v.as_of.clone()),
        ("round", v.round.clone()),
        ("effective", v.effective.clone()),
    ]
}

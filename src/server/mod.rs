//! `kamerstand serve` (feature `server`): one process holds the store and
//! serves it over HTTP, as a JSON API for programs (and `kamerstand
//! --server`) and as web pages in Dutch for people, without scripts.
//!
//! The server is a thin caller of the library, as the command line is:
//! requests are parsed by [`crate::app::request`], rights checked by
//! [`crate::app::access`], writes made by the one [`Writer`] (which groups
//! concurrent writes into one durable commit), views built by
//! [`crate::app::view`] and rendered by [`crate::report`] (the API's JSON is
//! the command line's `--format json`). What lives here is HTTP: routing,
//! sessions and cookies, CSRF tokens, request limits, and the HTML.
//!
//! - `auth`: credentials, sessions, CSRF, sign-in throttling.
//! - `api`: `/api/v1/…`, JSON, authenticated by API token.
//! - `web`: the pages, authenticated by a session cookie.
//! - `html`: escaping, the page frame and the style sheet.

mod api;
mod auth;
mod html;
mod limits;
mod nl;
mod web;

pub use limits::Limits;

use crate::app::Workspace;
use crate::app::access::Origin;
use crate::app::writer::{GroupStats, Writer, WriterThread};
use crate::error::{Error, Result};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

/// The largest request body accepted, in bytes: a note is at most 64 KiB
/// of text, and a form or JSON body around it stays well below this.
pub const MAX_BODY: usize = 256 * 1024;

/// The largest file `POST /api/v1/import` takes: an annex as a Word or
/// Excel file, with room to spare (the seed's annex is a few hundred KiB).
pub const MAX_IMPORT: usize = 16 << 20;

/// How to serve.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where to listen (127.0.0.1 by default; port 0 picks a free one).
    pub addr: SocketAddr,
    /// The store's directory, beside which the credentials are read.
    pub store: PathBuf,
    /// Mark cookies `Secure`: the server is reached over HTTPS (through a
    /// reverse proxy that terminates TLS).
    pub secure_cookies: bool,
    /// What one client may take of the server in time and connections.
    pub limits: Limits,
}

/// What every request handler shares.
#[derive(Debug)]
pub(crate) struct App {
    pub writer: Writer,
    pub auth: Arc<auth::Auth>,
}

/// A running server.
#[derive(Debug)]
pub struct Server {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: std::thread::JoinHandle<Result<GroupStats>>,
}

impl Server {
    /// Binds `config.addr` and starts serving `ws` on threads of its own;
    /// returns once it listens.
    pub fn start(mut ws: Workspace, config: Config) -> Result<Server> {
        ws.set_origin(Origin::SignedIn);
        // Every right is decided from the index's accounts: they (and the
        // rest of its registry) must be the chain's before the server
        // serves anyone.
        ws.check_registry()?;
        let listener = std::net::TcpListener::bind(config.addr)
            .and_then(|l| l.set_nonblocking(true).map(|()| l))
            .map_err(|e| Error::storage(format!("listening on {}", config.addr), e))?;
        let addr = listener
            .local_addr()
            .map_err(|e| Error::storage("reading the address listened on", e))?;
        let (writer, writer_thread) = Writer::start(ws)?;
        let app = Arc::new(App {
            writer,
            auth: Arc::new(auth::Auth::new(config.store.clone(), config.secure_cookies)),
        });
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .max_blocking_threads(32)
            .thread_name("kamerstand-http")
            .enable_all()
            .build()
            .map_err(|e| Error::storage("starting the HTTP runtime", e))?;
        let thread = std::thread::Builder::new()
            .name("kamerstand-serve".into())
            .spawn(move || {
                serve(
                    runtime,
                    listener,
                    config.limits,
                    app,
                    writer_thread,
                    stopped,
                )
            })
            .map_err(|e| Error::storage("starting the server thread", e))?;
        Ok(Server {
            addr,
            stop: Some(stop),
            thread,
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting, lets requests in progress finish and every queued
    /// write be answered, and closes the store. Returns what the writer
    /// did.
    pub fn stop(mut self) -> Result<GroupStats> {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        self.thread
            .join()
            .unwrap_or_else(|_| Err(Error::storage("serving", "the server thread stopped")))
    }

    /// Serves until the process is told to stop (Ctrl-C or SIGTERM), then
    /// stops as [`Server::stop`] does.
    pub fn run_until_signal(self) -> Result<GroupStats> {
        let signals = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::storage("waiting for a signal", e))?;
        signals.block_on(async {
            #[cfg(unix)]
            {
                use tokio::signal::unix::{SignalKind, signal};
                if let Ok(mut term) = signal(SignalKind::terminate()) {
                    tokio::select! {
                        _ = tokio::signal::ctrl_c() => {}
                        _ = term.recv() => {}
                    }
                    return;
                }
            }
            let _ = tokio::signal::ctrl_c().await;
        });
        self.stop()
    }
}

fn serve(
    runtime: tokio::runtime::Runtime,
    listener: std::net::TcpListener,
    limits: Limits,
    app: Arc<App>,
    writer_thread: WriterThread,
    stopped: tokio::sync::oneshot::Receiver<()>,
) -> Result<GroupStats> {
    let served = runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)
            .map_err(|e| Error::storage("listening", e))?;
        limits::serve(listener, router(app, limits), limits, async {
            let _ = stopped.await;
        })
        .await;
        Ok(())
    });
    // Requests still running hold the app (and the writer); the runtime's
    // end drops them, and the writer thread then answers what is queued
    // and ends.
    runtime.shutdown_timeout(std::time::Duration::from_secs(10));
    let stats = writer_thread.join();
    served.map(|()| stats)
}

fn router(app: Arc<App>, limits: Limits) -> Router {
    Router::new()
        .merge(api::routes())
        .merge(web::routes())
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(app)
        .layer(axum::middleware::from_fn_with_state(
            limits,
            limits::whole_body,
        ))
}

/// A known path asked with a method it does not take (a GET of a form's
/// target, a DELETE): 405, as the API's JSON error under `/api/` and as a
/// page otherwise, like every other refusal.
async fn method_not_allowed(
    method: axum::http::Method,
    uri: axum::http::Uri,
) -> axum::response::Response {
    use axum::http::StatusCode;
    if uri.path().starts_with("/api/") {
        api::error(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            &format!(
                "this path does not take {method}; schema/api.md lists the method of each path"
            ),
        )
    } else {
        web::refusal(
            StatusCode::METHOD_NOT_ALLOWED,
            "Dit adres is er alleen voor een formulier; open de pagina en gebruik het formulier daar.",
        )
    }
}

/// The segments a route names (an item's key, a round's or account's
/// name), percent-decoded. One that is not UTF-8 once decoded is answered
/// 400 as every other refusal is (the API's JSON error, or a page),
/// rather than with the framework's own line of plain text.
pub(crate) struct Segments<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned + Send> axum::extract::FromRequestParts<S>
    for Segments<T>
{
    type Rejection = axum::response::Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> std::result::Result<Self, Self::Rejection> {
        use axum::http::StatusCode;
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(t)) => Ok(Segments(t)),
            Err(e) if parts.uri.path().starts_with("/api/") => Err(api::error(
                StatusCode::BAD_REQUEST,
                "invalid",
                &format!(
                    "the path is not valid ({}): a key or name in it is UTF-8 text, percent-encoded",
                    e.body_text()
                ),
            )),
            Err(_) => Err(web::refusal(
                StatusCode::BAD_REQUEST,
                "Dit adres is ongeldig: een sleutel of naam erin is geen UTF-8-tekst.",
            )),
        }
    }
}

/// Runs a read on a blocking thread with the workspace as the last
/// durable group left it.
pub(crate) async fn read<T, F>(app: &Arc<App>, f: F) -> Result<T>
where
    T: Send + 'static,
    F: FnOnce(&Workspace) -> Result<T> + Send + 'static,
{
    let app = Arc::clone(app);
    tokio::task::spawn_blocking(move || f(&*app.writer.read()?))
        .await
        .unwrap_or_else(|e| Err(Error::storage("reading", e.to_string())))
}

/// What a write through the server answers.
#[derive(Debug)]
pub(crate) struct Written {
    /// The receipt in the format asked for (empty when none was).
    pub receipt: String,
    /// The seq the event was recorded as.
    pub seq: u64,
    /// The item's key, when the write was about one.
    pub key: Option<String>,
}

/// Makes a write as a signed-in account through the writer, answered once
/// it is durable, with its receipt in the format and language asked for
/// (as `--format` and `--lang` print it; None: no receipt). Every write waits for the writer's thread, so it
/// does only what needs the workspace (the item's key, the table's line);
/// the JSON is rendered here, on the request's own thread.
pub(crate) async fn write(
    app: &Arc<App>,
    who: crate::domain::AccountName,
    w: crate::app::write::Write,
    receipt: Option<(crate::report::Format, crate::formats::annex::Lang)>,
) -> Result<Written> {
    use crate::report::Format;
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.writer.submit(
        move |ws: &mut Workspace| {
            let r = crate::app::access::write_as(ws, &who, w)?;
            // The item's key, as the outcome names it or else as the index
            // holds it.
            let key = match r.outcome.item_key() {
                Some(k) => Some(k.to_string()),
                None => r.recorded.item().and_then(|id| {
                    ws.ledger()
                        .current_of(id)
                        .ok()
                        .flatten()
                        .map(|s| s.item.key.to_string())
                }),
            };
            let line = match receipt {
                Some((Format::Table | Format::Md, lang)) => {
                    crate::cli::outcome_line(ws, &r.outcome, lang)
                }
                _ => String::new(),
            };
            Ok((r.recorded, key, line))
        },
        move |r| {
            let _ = tx.send(r);
        },
    );
    let (recorded, key, line) = rx
        .await
        .unwrap_or_else(|_| Err(Error::storage("writing", "the writer has stopped")))?;
    // A receipt names the key of the event's own item only.
    let item = recorded.item();
    let key_of = |id| if Some(id) == item { key.clone() } else { None };
    let receipt = receipt.map_or_else(String::new, |(f, lang)| {
        crate::report::receipt(&key_of, &recorded, &line, f, lang)
    });
    Ok(Written {
        receipt,
        seq: recorded.envelope.seq,
        key,
    })
}

/// The signed-in account as the last durable group left it, if it may
/// read. Read from the writer's copy of the accounts: no wait for the
/// group being written.
pub(crate) fn account(
    app: &Arc<App>,
    who: &crate::domain::AccountName,
) -> Result<crate::projection::state::Account> {
    let a = app.writer.account(who)?;
    crate::app::access::may_read(&a)?;
    Ok(a)
}

/// The fields of an `application/x-www-form-urlencoded` body or a query
/// string (the last of repeated names wins; bytes that are not UTF-8
/// become U+FFFD: for reading a CSRF token or a page's filters, never for
/// text that is recorded, which [`form_fields`] reads).
pub(crate) fn fields(s: &str) -> std::collections::BTreeMap<String, String> {
    pairs(s.as_bytes())
        .map(|(k, v)| {
            (
                String::from_utf8_lossy(&k).into_owned(),
                String::from_utf8_lossy(&v).into_owned(),
            )
        })
        .collect()
}

/// The fields of a form body whose values are recorded: each name and
/// value must be UTF-8 once percent-decoded (a form sent in another
/// encoding would otherwise be recorded with U+FFFD for every letter it
/// spells differently, in a ledger that cannot forget it). Err: the name
/// of the first field that is not.
pub(crate) fn form_fields(
    body: &[u8],
) -> std::result::Result<std::collections::BTreeMap<String, String>, String> {
    let mut out = std::collections::BTreeMap::new();
    for (k, v) in pairs(body) {
        let name = String::from_utf8(k).map_err(|e| {
            crate::domain::text::shorten(&e.as_bytes().escape_ascii().to_string(), 40)
        })?;
        let value = String::from_utf8(v).map_err(|_| crate::domain::text::shorten(&name, 40))?;
        out.insert(name, value);
    }
    Ok(out)
}

/// The fields of an API request's query string, each of them one of
/// `accepted`, given at most once, and UTF-8 once percent-decoded. The
/// API is read by programs and by people typing URLs: a misspelt `asof`
/// silently ignored would answer the view of now to someone who asked for
/// another, and of `as_of` given twice only one can be meant.
pub(crate) fn query_fields(
    s: &str,
    accepted: &[&str],
) -> std::result::Result<std::collections::BTreeMap<String, String>, crate::domain::Invalid> {
    use crate::domain::Invalid;
    let mut out = std::collections::BTreeMap::new();
    for (k, v) in pairs(s.as_bytes()) {
        let k = String::from_utf8_lossy(&k).into_owned();
        if !accepted.contains(&k.as_str()) {
            return Err(Invalid::new(
                "query parameter",
                &k,
                format!(
                    "on this path one of {} (see schema/api.md)",
                    if accepted.is_empty() {
                        "none".to_string()
                    } else {
                        accepted.join(", ")
                    }
                ),
            ));
        }
        if out.contains_key(&k) {
            return Err(Invalid::new(
                "query parameter",
                &k,
                "each parameter at most once: it was given more than once",
            ));
        }
        let v = String::from_utf8(v).map_err(|e| {
            Invalid::new(
                k.clone(),
                &String::from_utf8_lossy(e.as_bytes()),
                "UTF-8 text, percent-encoded",
            )
        })?;
        out.insert(k, v);
    }
    Ok(out)
}

/// The name and value pairs of a form body or query string, as the bytes
/// they percent-decode to.
fn pairs(s: &[u8]) -> impl Iterator<Item = (Vec<u8>, Vec<u8>)> + '_ {
    fn decode(b: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(b.len());
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'+' => out.push(b' '),
                b'%' if i + 2 < b.len() => {
                    let hex = std::str::from_utf8(&b[i + 1..i + 3]).ok();
                    match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                        Some(v) => {
                            out.push(v);
                            i += 2;
                        }
                        None => out.push(b'%'),
                    }
                }
                c => out.push(c),
            }
            i += 1;
        }
        out
    }
    s.split(|&b| b == b'&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| match kv.iter().position(|&b| b == b'=') {
            Some(at) => (decode(&kv[..at]), decode(&kv[at + 1..])),
            None => (decode(kv), Vec::new()),
        })
}

/// The HTTP status of a library error: 403 for a write the account's
/// rights refuse, 400 for other refused input, 500 for a damaged ledger or
/// failed storage.
pub(crate) fn status_of(e: &Error) -> axum::http::StatusCode {
    use axum::http::StatusCode;
    if e.is_forbidden() {
        StatusCode::FORBIDDEN
    } else if e.is_input() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::INTERNAL_SERVER_ERROR
    }
}

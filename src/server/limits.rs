//! What one client may hold of the server, in bytes, in time and in
//! connections, so that a slow or idle client cannot take it from the
//! clerks: a request head must arrive within [`Limits::head`] (which also
//! closes a connection left idle that long between requests), a body
//! within [`Limits::body`] and at most [`MAX_BODY`] bytes, and no more
//! than [`Limits::connections`] connections are served at once (further
//! ones wait in the system's queue until one ends).
//!
//! The connections are served here by hand with hyper, rather than through
//! axum's `serve`, because that one sets no timer: without a timer hyper
//! keeps a connection whose head never ends for as long as its client
//! likes.

use super::{MAX_BODY, MAX_IMPORT, api, web};
use axum::Router;
use axum::body::{Body, HttpBody};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;

/// The bounds in time and connections (the body's size is [`MAX_BODY`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// How long a client may take to send a request's head, and how long a
    /// connection may stay idle between requests, before it is closed.
    pub head: Duration,
    /// How long a client may take to send a request's body, once its head
    /// is in; a body that takes longer is answered 408.
    pub body: Duration,
    /// How many connections are served at once.
    pub connections: usize,
}

impl Default for Limits {
    /// 15 s for a head, 30 s for a body (a form or a note is a few KiB),
    /// 512 connections: far more than the clerks of a ministry, far fewer
    /// than the process may open.
    fn default() -> Limits {
        Limits {
            head: Duration::from_secs(15),
            body: Duration::from_secs(30),
            connections: 512,
        }
    }
}

/// How long a stop waits for requests still running before it lets the
/// runtime end them.
const STOP_GRACE: Duration = Duration::from_secs(10);

/// Serves `router` on `listener` within `limits` until `stop` resolves;
/// then accepts no more, lets each connection finish the request it is in,
/// and returns once they have (or after [`STOP_GRACE`]).
pub(super) async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    stop: impl Future<Output = ()>,
) {
    let slots = Arc::new(Semaphore::new(limits.connections.max(1)));
    let (closing, closed) = watch::channel(false);
    let mut connections = JoinSet::new();
    tokio::pin!(stop);
    loop {
        // A slot first: when every one is taken, the next client waits in
        // the system's queue instead of being accepted and kept waiting.
        let slot = tokio::select! {
            () = &mut stop => break,
            s = Arc::clone(&slots).acquire_owned() => match s {
                Ok(s) => s,
                Err(_) => break,
            },
        };
        let tcp = tokio::select! {
            () = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok((tcp, _)) => tcp,
                // Out of file descriptors or a connection reset before it
                // was taken: try again shortly rather than spin.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        // Answers go out at once rather than wait for an acknowledgement
        // of the last one (Nagle): a client waits for every answer.
        let _ = tcp.set_nodelay(true);
        let service = TowerToHyperService::new(router.clone());
        let mut closing = closed.clone();
        connections.spawn(async move {
            let _slot = slot;
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(limits.head);
            let conn = builder.serve_connection(TokioIo::new(tcp), service);
            tokio::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => {}
                _ = closing.changed() => {
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.await;
                }
            }
        });
        // Reap the connections that ended, so the set does not grow.
        while connections.try_join_next().is_some() {}
    }
    let _ = closing.send(true);
    let _ = tokio::time::timeout(STOP_GRACE, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
}

/// Middleware: reads the request's whole body within `limits.body` and
/// [`MAX_BODY`] ([`MAX_IMPORT`] for a file to import) before the handler
/// sees it; a body too large is answered
/// 413, one too slow 408, in the API's JSON under `/api/` and as a page
/// otherwise. Nothing is written either way: the handler never runs.
pub(super) async fn whole_body(State(limits): State<Limits>, req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let most = most_for(req.uri().path());
    let declared = req
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > most as u64) {
        return too_large(api, most);
    }
    let (parts, body) = req.into_parts();
    match tokio::time::timeout(limits.body, collect(body, most)).await {
        Ok(Ok(bytes)) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        Ok(Err(Collect::TooLarge)) => too_large(api, most),
        Ok(Err(Collect::Broken)) => refuse(
            api,
            StatusCode::BAD_REQUEST,
            "invalid",
            "the request body could not be read whole: the connection broke off or its encoding is wrong",
            "De inhoud van het verzoek kon niet helemaal worden gelezen.",
        ),
        Err(_) => refuse(
            api,
            StatusCode::REQUEST_TIMEOUT,
            "timeout",
            &format!(
                "the request body did not arrive within {} seconds; send it whole at once",
                limits.body.as_secs()
            ),
            "Het verzoek kwam niet op tijd binnen. Probeer het opnieuw.",
        ),
    }
}

enum Collect {
    TooLarge,
    Broken,
}

/// The most a request to `path` may send: [`MAX_IMPORT`] for a file to
/// import, [`MAX_BODY`] for everything else.
fn most_for(path: &str) -> usize {
    if path == "/api/v1/import" {
        MAX_IMPORT
    } else {
        MAX_BODY
    }
}

/// The body's bytes, as long as they stay within `most`.
async fn collect(mut body: Body, most: usize) -> Result<Vec<u8>, Collect> {
    let mut bytes = Vec::new();
    while let Some(frame) = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
        let frame = frame.map_err(|_| Collect::Broken)?;
        if let Ok(data) = frame.into_data() {
            if bytes.len() + data.len() > most {
                return Err(Collect::TooLarge);
            }
            bytes.extend_from_slice(&data);
        }
    }
    Ok(bytes)
}

fn too_large(api: bool, most: usize) -> Response {
    refuse(
        api,
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        &format!(
            "the request body is larger than {} KiB, the most this server accepts here (a note is at most 64 KiB of text, a file to import 16 MiB)",
            most / 1024
        ),
        "Het verzoek is groter dan deze server aanneemt.",
    )
}

fn refuse(api: bool, status: StatusCode, kind: &str, message: &str, dutch: &str) -> Response {
    if api {
        api::error(status, kind, message)
    } else {
        web::refusal(status, dutch)
    }
}

//! The JSON API, `/api/v1/…` (documented in `schema/api.md`): every read
//! and write command of the command line, authenticated with an API token
//! (`Authorization: Bearer kst_…`, made by `kamerstand account token`).
//! Reads answer exactly what the command's `--format json` prints (same
//! schemas); writes take a JSON body (`schema/api-requests.schema.json`)
//! and answer the receipt `--format json` prints. Errors are
//! `{"error": {"status", "kind", "message"}}`: 400 for refused input, 401
//! without a valid token, 403 for a write the account may not make (or a
//! disabled account), 404 for an unknown path, 500 for a damaged ledger or
//! failed storage. Nothing is written when the answer is not 200.

// An early answer is an HTTP response (the error page or JSON error), as
// axum handlers return it; boxing it would buy nothing on this path.
#![allow(clippy::result_large_err)]

use super::{App, Segments, query_fields, read, status_of};
use crate::app::request::{
    AccountChangeRequest, AccountRequest, AmendRequest, AssignRequest, CorrectRequest, NoteRequest,
    RegisterRequest, SealRequest, StatusRequest, ViewQuery,
};
use crate::app::write::Write;
use crate::app::{Quiet, diff, filter, find, view};
use crate::domain::{EventHash, Invalid};
use crate::error::Error;
use crate::formats::{ExportFormat, ImportFormat};
use crate::projection::state::Account;
use crate::report::{self, Format};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::Arc;

type Answer = Result<Response, Response>;

pub(super) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/api/v1/me", get(me))
        .route("/api/v1/overview", get(overview))
        .route("/api/v1/items", get(items).post(register))
        .route("/api/v1/items/{key}", get(show))
        .route("/api/v1/items/{key}/status", post(status))
        .route("/api/v1/items/{key}/assign", post(assign))
        .route("/api/v1/items/{key}/note", post(note))
        .route("/api/v1/items/{key}/amend", post(amend))
        .route("/api/v1/corrections", post(correct))
        .route("/api/v1/log", get(log))
        .route("/api/v1/rounds", get(rounds).post(seal))
        .route("/api/v1/rounds/{name}/digest", get(digest))
        .route("/api/v1/diff", get(diff_of))
        .route("/api/v1/verify", get(verify))
        .route("/api/v1/export", get(export))
        .route("/api/v1/proof", get(proof))
        .route(
            "/api/v1/import",
            post(import_file).layer(axum::extract::DefaultBodyLimit::max(super::MAX_IMPORT)),
        )
        .route("/api/v1/accounts", get(accounts).post(add_account))
        .route("/api/v1/accounts/{name}", post(change_account))
        .route("/api/v1/{*rest}", get(not_found).post(not_found))
}

/// An error answer.
pub(super) fn error(status: StatusCode, kind: &str, message: &str) -> Response {
    let body = json!({"error": {"status": status.as_u16(), "kind": kind, "message": message}});
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        format!(
            "{}\n",
            serde_json::to_string_pretty(&body).unwrap_or_default()
        ),
    )
        .into_response()
}

fn lib_error(e: &Error) -> Response {
    let status = status_of(e);
    let kind = if e.is_forbidden() {
        "forbidden"
    } else if matches!(e, Error::Invalid(_)) {
        "invalid"
    } else if e.is_input() {
        "refused"
    } else if matches!(e, Error::Corrupt { .. }) {
        "corrupt"
    } else {
        "storage"
    };
    error(status, kind, &e.to_string())
}

/// The output format a read (or a write's receipt) asks for with
/// `format`: json (the default), table (the command line's text, without
/// colour), md (diff only).
fn format_of(q: &BTreeMap<String, String>) -> Result<Format, Response> {
    match q.get("format").map(String::as_str) {
        None | Some("" | "json") => Ok(Format::Json),
        Some("table") => Ok(Format::Table),
        Some("md") => Ok(Format::Md),
        Some(other) => Err(lib_error(
            &Invalid::new("format", other, "json, table or md").into(),
        )),
    }
}

/// A 200 answer in `format`.
fn answer(format: Format, body: String) -> Response {
    match format {
        Format::Json => json_ok(body),
        Format::Table | Format::Md => (
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            body,
        )
            .into_response(),
    }
}

fn json_ok(body: String) -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

async fn not_found() -> Response {
    error(
        StatusCode::NOT_FOUND,
        "not_found",
        "no such API path; schema/api.md lists them",
    )
}

/// The account a request's token belongs to, if it may read.
fn who(app: &Arc<App>, headers: &HeaderMap) -> Result<Account, Response> {
    match app.auth.bearer(headers) {
        Ok(Some(name)) => super::account(app, &name).map_err(|e| lib_error(&e)),
        Ok(None) => Err(error(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "send a valid API token as `Authorization: Bearer kst_…` (made by `kamerstand account token NAME`)",
        )),
        Err(e) => Err(lib_error(&e)),
    }
}

/// The query parameters each path takes (`format` and `lang` everywhere,
/// as `kamerstand --server` sends them with every request).
const PLAIN: &[&str] = &["format", "lang"];
const VIEW: &[&str] = &[
    "format",
    "lang",
    "as_of",
    "round",
    "effective",
    "wide",
    "width",
];
const VIEW_FILTERED: &[&str] = &[
    "format",
    "lang",
    "as_of",
    "round",
    "effective",
    "ministry",
    "status",
    "kind",
    "wide",
    "width",
];
const LOG: &[&str] = &[
    "format",
    "lang",
    "as_of",
    "round",
    "effective",
    "item",
    "limit",
    "wide",
    "width",
];
const DIFF: &[&str] = &[
    "format",
    "lang",
    "from",
    "to",
    "all",
    "events",
    "by_ministry",
    "wide",
    "width",
];
const VERIFY: &[&str] = &["format", "lang", "digest", "round"];
const EXPORT: &[&str] = &[
    "format",
    "lang",
    "as_of",
    "round",
    "effective",
    "ministry",
    "status",
    "kind",
    "keys",
];
const PROOF: &[&str] = &["lang", "kind", "seq", "round", "first", "second", "key"];
const IMPORT: &[&str] = &[
    "format",
    "lang",
    "name",
    "as",
    "effective",
    "reported_on",
    "seal_round",
    "round_title",
    "responsible",
    "columns",
    "sheet",
    "dry_run",
];

/// The request's query parameters, refused (400) when one is not among
/// `accepted` or is given twice.
fn query(uri: &Uri, accepted: &[&str]) -> Result<BTreeMap<String, String>, Response> {
    let q = query_fields(uri.query().unwrap_or(""), accepted).map_err(|e| lib_error(&e.into()))?;
    // `lang=EN` or `lang=fr` would otherwise answer in Dutch unasked.
    if let Some(l) = q
        .get("lang")
        .filter(|l| !matches!(l.as_str(), "" | "nl" | "en"))
    {
        return Err(lib_error(&Invalid::new("lang", l, "nl or en").into()));
    }
    Ok(q)
}

/// The language a reader asked for (`lang=en`; Dutch otherwise).
fn lang_of(q: &BTreeMap<String, String>) -> crate::formats::annex::Lang {
    match q.get("lang").map(String::as_str) {
        Some("en") => crate::formats::annex::Lang::En,
        _ => crate::formats::annex::Lang::Nl,
    }
}

/// How text answers look: plain (no colour), in the language asked for;
/// with `wide=true` whole texts, as `--wide` gives them: each row on one
/// line, or wrapped to `width` columns (the terminal `kamerstand
/// --server` prints to).
fn look_of(q: &BTreeMap<String, String>) -> Result<report::table::Look, Response> {
    let wrap = match q.get("wide").map(String::as_str) {
        None | Some("" | "false") => false,
        Some("true") => true,
        Some(other) => {
            return Err(lib_error(
                &Invalid::new("wide", other, "true or false").into(),
            ));
        }
    };
    let width = match q.get("width").filter(|s| !s.is_empty()) {
        None => None,
        Some(w) => Some(
            w.parse::<usize>()
                .ok()
                .filter(|n| (20..=1000).contains(n))
                .ok_or_else(|| {
                    lib_error(
                        &Invalid::new("width", w, "a number of columns from 20 to 1000").into(),
                    )
                })?,
        ),
    };
    Ok(report::table::Look {
        lang: lang_of(q),
        wrap,
        width,
        ..report::table::Look::PLAIN
    })
}

fn view_query(q: &BTreeMap<String, String>) -> ViewQuery {
    ViewQuery {
        as_of: q.get("as_of").cloned(),
        round: q.get("round").cloned(),
        effective: q.get("effective").cloned(),
    }
}

fn body<T: serde::de::DeserializeOwned>(bytes: &Bytes) -> Result<T, Response> {
    serde_json::from_slice(bytes).map_err(|e| {
        error(
            StatusCode::BAD_REQUEST,
            "invalid",
            &format!("the request body is not the JSON this path takes ({e}); see schema/api.md"),
        )
    })
}

async fn run_write(app: &Arc<App>, uri: &Uri, who: &Account, w: Result<Write, Error>) -> Answer {
    let q = query(uri, PLAIN)?;
    let format = format_of(&q)?;
    let w = w.map_err(|e| lib_error(&e))?;
    super::write(app, who.account.clone(), w, Some((format, lang_of(&q))))
        .await
        .map(|r| answer(format, r.receipt))
        .map_err(|e| lib_error(&e))
}

fn flat(a: Answer) -> Response {
    a.unwrap_or_else(|e| e)
}

async fn me(State(app): State<Arc<App>>, headers: HeaderMap, uri: Uri) -> Response {
    flat(
        async {
            let a = who(&app, &headers)?;
            query(&uri, PLAIN)?;
            Ok(json_ok(format!(
                "{}\n",
                serde_json::to_string_pretty(&report::accounts::account_json(&a))
                    .unwrap_or_default()
            )))
        }
        .await,
    )
}

/// A read of a view, filtered as the query says, rendered by `render`.
async fn view_read(
    app: Arc<App>,
    headers: HeaderMap,
    uri: Uri,
    render: fn(&crate::projection::View, Format, &report::table::Look) -> String,
) -> Response {
    flat(
        async {
            who(&app, &headers)?;
            let q = query(&uri, VIEW_FILTERED)?;
            let format = format_of(&q)?;
            let req = view_query(&q).parse().map_err(|e| lib_error(&e))?;
            let look = look_of(&q)?;
            let out = read(&app, move |ws| {
                let v = req.build(ws)?;
                let f = filter::request(
                    q.get("ministry").map(String::as_str),
                    q.get("status").map(String::as_str),
                    q.get("kind").map(String::as_str),
                    ["ministry", "status", "kind"],
                )?;
                Ok(render(&f.apply(v)?, format, &look))
            })
            .await
            .map_err(|e| lib_error(&e))?;
            Ok(answer(format, out))
        }
        .await,
    )
}

async fn overview(State(app): State<Arc<App>>, headers: HeaderMap, uri: Uri) -> Response {
    view_read(app, headers, uri, report::overview_with).await
}

async fn items(State(app): State<Arc<App>>, headers: HeaderMap, uri: Uri) -> Response {
    view_read(app, headers, uri, report::item_list_with).await
}

async fn show(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    uri: Uri,
    Segments(key): Segments<String>,
) -> Response {
    flat(
        async {
            who(&app, &headers)?;
            let q = query(&uri, VIEW)?;
            let format = format_of(&q)?;
            let req = view_query(&q).parse().map_err(|e| lib_error(&e))?;
            let look = look_of(&q)?;
            let out = read(&app, move |ws| {
                let v = req.build(ws)?;
                let item = find::item_in_view(ws, &v, &key)?;
                Ok(report::show_with(&v, &item, format, &look))
            })
            .await
            .map_err(|e| lib_error(&e))?;
            Ok(answer(format, out))
        }
        .await,
    )
}

async fn log(State(app): State<Arc<App>>, headers: HeaderMap, uri: Uri) -> Response {
    flat(
        async {
            who(&app, &headers)?;
            let q = query(&uri, LOG)?;
            let format = format_of(&q)?;
            let req = view_query(&q).parse().map_err(|e| lib_error(&e))?;
            let limit = match q.get("limit").filter(|s| !s.is_empty()) {
                Some(s) => Some(s.parse::<usize>().map_err(|_| {
                    lib_error(&Invalid::new("limit", s, "a whole number of events, e.g. 20").into())
                })?),
                None => None,
            };
            let item = q.get("item").filter(|s| !s.is_empty()).cloned();
            let look = look_of(&q)?;
            let out = read(&app, move |ws| {
                let v = req.build(ws)?;
                let events = view::events(ws, &v, item.as_deref(), limit)?;
                Ok(report::log_with(&v, &events, format, &look))
            })
            .await
            .map_err(|e| lib_error(&e))?;
            Ok(answer(format, out))
        }
        .await,
    )
}

async fn rounds(State(app): State<Arc<App>>, headers: HeaderMap, uri: Uri) -> Response {
    flat(
        async {
            who(&app, &headers)?;
            let format = format_of(&query(&uri, PLAIN)?)?;
            let out = read(&app, move |ws| {
                Ok(report::rounds(&ws.programme().name, &ws.rounds()?, format))
            })
            .await
            .map_err(|e| lib_error(&e))?;
            Ok(answer(format, out))
        }
        .await,
    )
}

async fn digest(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    uri: Uri,
    Segments(name): Segments<String>,
) -> Response {
    flat(
        async {
            who(&app, &headers)?;
            let format = format_of(&query(&uri, PLAIN)?)?;
            let out = read(&app, move |ws| {
                let r = find::round(ws, &name)?;
                Ok(report::round_digest(&ws.programme().name, &r, format))
            })
            .await
            .map_err(|e| lib_error(&e))?;
            Ok(answer(format, out))
        }
        .await,
    )
}

/// `GET diff?from=&to=&all=&events=&by_ministry=&format=`: what `kamerstand
/// diff` prints with the same flags, in any of its formats (`table`, `md`,
/// `html`, `docx`, `json`), made by the same functions.
async fn diff_of(State(app): State<Arc<App>>, headers: HeaderMap, uri: Uri) -> Response {
    use crate::report::letter::changes::{DiffFormat, Options};
    flat(
        async {
            who(&app, &headers)?;
            let q = query(&uri, DIFF)?;
            let format = match q.get("format").map(String::as_str) {
                None | Some("") => DiffFormat::Json,
                Some(name) => {
                    crate::formats::parse_name("format", name, &DiffFormat::ALL, |f| f.name())
                        .map_err(|e| lib_error(&e.into()))?
                }
            };
            let side = |name: &str| {
                q.get(name)
                    .filter(|s| !s.trim().is_empty())
                    .map(|s| diff::Side::parse(name, s))
                    .ok_or_else(|| {
                        lib_error(
                            &Invalid::new(name, "", "a round's name, a date or instant, or now")
                                .into(),
                        )
                    })
            };
            let (from, to) = (side("from")?, side("to")?);
            // `all=yes` would otherwise be taken as false.
            let yes = |name: &str| match q.get(name).map(String::as_str) {
                None | Some("" | "false" | "0") => Ok(false),
                Some("true" | "1") => Ok(true),
                Some(other) => Err(lib_error(
                    &Invalid::new(name, other, "true or false").into(),
                )),
            };
            let (all, events, by_ministry) = (yes("all")?, yes("events")?, yes("by_ministry")?);
            let how = diff::Written {
                all,
                events,
                format,
                options: Options {
                    lang: lang_of(&q),
                    by_ministry,
                },
                look: look_of(&q)?,
            };
            let out = read(&app, move |ws| {
                // What `kamerstand diff` writes, by the same use case.
                let mut buf = Vec::new();
                diff::write_to(ws, &from, &to, how, &mut buf)?
                    .map_err(|e| Error::storage("writing the diff", e))?;
                Ok(buf)
            })
            .await
            .map_err(|e| lib_error(&e))?;
            let kind = match format {
                DiffFormat::Json => "application/json",
                DiffFormat::Html => "text/html; charset=utf-8",
                DiffFormat::Docx => {
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                }
                DiffFormat::Table | DiffFormat::Md => "text/plain; charset=utf-8",
            };
            Ok(document(kind, out))
        }
        .await,
    )
}

async fn verify(State(app): State<Arc<App>>, headers: HeaderMap, uri: Uri) -> Response {
    flat(
        async {
            who(&app, &headers)?;
            let q = query(&uri, VERIFY)?;
            let format = format_of(&q)?;
            let check = match q.get("digest").filter(|s| !s.is_empty()) {
                Some(hex) => Some(crate::ledger::DigestCheck {
                    hash: EventHash::from_published(hex).ok_or_else(|| {
                        lib_error(&Invalid::new("digest", hex, "64 hexadecimal digits").into())
                    })?,
                    round: q.get("round").filter(|s| !s.is_empty()).cloned(),
                }),
                None => None,
            };
            let lang = lang_of(&q);
            let out = read(&app, move |ws| {
                let o = crate::app::verify::verify_ledger(
                    ws.ledger(),
                    check.as_ref(),
                    crate::app::verify::Rebuild::No,
                    &Quiet,
                )?;
                Ok((
                    o.ok(),
                    report::verify(&o.chain, o.derived.as_ref(), format, lang),
                ))
            })
            .await
            .map_err(|e| lib_error(&e))?;
            // A ledger that does not verify is an answer, not an error: the
            // report says where it breaks; the header says that it does.
            let mut r = answer(format, out.1);
            r.headers_mut().insert(
                "x-kamerstand-verified",
                axum::http::HeaderValue::from_static(if out.0 { "true" } else { "false" }),
            );
            Ok(r)
        }
        .await,
    )
}

async fn export(State(app): State<Arc<App>>, headers: HeaderMap, uri: Uri) -> Response {
    flat(
        async {
            who(&app, &headers)?;
            let q = query(&uri, EXPORT)?;
            let req = view_query(&q).parse().map_err(|e| lib_error(&e))?;
            let name = q.get("format").cloned().unwrap_or_else(|| "json".into());
            let format =
                crate::formats::parse_name("format", &name, &ExportFormat::ALL, |x| x.name())
                    .map_err(|e| lib_error(&e.into()))?;
            let options = crate::formats::annex::AnnexOptions {
                lang: lang_of(&q),
                keys: match q.get("keys").map(String::as_str) {
                    None | Some("" | "false") => false,
                    Some("true") => true,
                    Some(other) => {
                        return Err(lib_error(
                            &Invalid::new("keys", other, "true or false").into(),
                        ));
                    }
                },
            };
            let out = read(&app, move |ws| {
                let f = filter::request(
                    q.get("ministry").map(String::as_str),
                    q.get("status").map(String::as_str),
                    q.get("kind").map(String::as_str),
                    ["ministry", "status", "kind"],
                )?;
                if format == ExportFormat::Events && !f.is_empty() {
                    // As on the command line: a chain with events left out
                    // is no chain.
                    return Err(Invalid::new(
                        "format",
                        "events",
                        "md, html, docx, xlsx, csv or json with ministry, status or kind: an events export is the whole chain (a backup), which leaving events out would break",
                    )
                    .into());
                }
                let v = f.apply(req.build(ws)?)?;
                let mut buf = Vec::new();
                crate::app::export::export_with(ws, &v, format, options, &mut buf, &Quiet)?;
                Ok(buf)
            })
            .await
            .map_err(|e| lib_error(&e))?;
            let kind = match format {
                ExportFormat::Json | ExportFormat::Events => "application/json",
                ExportFormat::Html => "text/html; charset=utf-8",
                ExportFormat::Csv => "text/csv; charset=utf-8",
                ExportFormat::Md => "text/markdown; charset=utf-8",
                ExportFormat::Docx => {
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                }
                ExportFormat::Xlsx => {
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                }
            };
            Ok(document(kind, out))
        }
        .await,
    )
}

async fn accounts(State(app): State<Arc<App>>, headers: HeaderMap, uri: Uri) -> Response {
    flat(
        async {
            who(&app, &headers)?;
            let q = query(&uri, PLAIN)?;
            let format = format_of(&q)?;
            let look = report::table::Look {
                lang: lang_of(&q),
                ..report::table::Look::PLAIN
            };
            let out = read(&app, move |ws| {
                let reg = ws.ledger().registry()?;
                Ok(report::accounts::accounts(
                    reg.accounts.values(),
                    format,
                    &look,
                ))
            })
            .await
            .map_err(|e| lib_error(&e))?;
            Ok(answer(format, out))
        }
        .await,
    )
}

async fn register(State(app): State<Arc<App>>, headers: HeaderMap, uri: Uri, b: Bytes) -> Response {
    flat(
        async {
            let a = who(&app, &headers)?;
            let r: RegisterRequest = body(&b)?;
            run_write(&app, &uri, &a, r.into_write()).await
        }
        .await,
    )
}

async fn status(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    uri: Uri,
    Segments(key): Segments<String>,
    b: Bytes,
) -> Response {
    flat(
        async {
            let a = who(&app, &headers)?;
            let r: StatusRequest = body(&b)?;
            run_write(&app, &uri, &a, r.into_write(&key)).await
        }
        .await,
    )
}

async fn assign(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    uri: Uri,
    Segments(key): Segments<String>,
    b: Bytes,
) -> Response {
    flat(
        async {
            let a = who(&app, &headers)?;
            let r: AssignRequest = body(&b)?;
            run_write(&app, &uri, &a, r.into_write(&key)).await
        }
        .await,
    )
}

async fn note(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    uri: Uri,
    Segments(key): Segments<String>,
    b: Bytes,
) -> Response {
    flat(
        async {
            let a = who(&app, &headers)?;
            let r: NoteRequest = body(&b)?;
            run_write(&app, &uri, &a, r.into_write(&key)).await
        }
        .await,
    )
}

async fn amend(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    uri: Uri,
    Segments(key): Segments<String>,
    b: Bytes,
) -> Response {
    flat(
        async {
            let a = who(&app, &headers)?;
            let r: AmendRequest = body(&b)?;
            run_write(&app, &uri, &a, r.into_write(&key)).await
        }
        .await,
    )
}

async fn correct(State(app): State<Arc<App>>, headers: HeaderMap, uri: Uri, b: Bytes) -> Response {
    flat(
        async {
            let a = who(&app, &headers)?;
            let r: CorrectRequest = body(&b)?;
            run_write(&app, &uri, &a, r.into_write()).await
        }
        .await,
    )
}

async fn seal(State(app): State<Arc<App>>, headers: HeaderMap, uri: Uri, b: Bytes) -> Response {
    flat(
        async {
            let a = who(&app, &headers)?;
            let r: SealRequest = body(&b)?;
            run_write(&app, &uri, &a, r.into_write()).await
        }
        .await,
    )
}

/// `GET proof?kind=inclusion&seq=&round=`, `kind=consistency&first=&second=`
/// or `kind=item&key=&round=`: the proof document `kamerstand proof …`
/// prints (schema/proofs.md), for any signed-in account.
async fn proof(State(app): State<Arc<App>>, headers: HeaderMap, uri: Uri) -> Response {
    use crate::app::proofs::{self, ProofRequest};
    flat(
        async {
            who(&app, &headers)?;
            let q = query(&uri, PROOF)?;
            let arg = |k: &str| -> Result<String, Response> {
                q.get(k).filter(|v| !v.is_empty()).cloned().ok_or_else(|| {
                    lib_error(&Invalid::new(k, "(none)", "a value: see schema/api.md").into())
                })
            };
            let req = match q.get("kind").map(String::as_str).unwrap_or_default() {
                "inclusion" => {
                    let seq = arg("seq")?;
                    ProofRequest::Inclusion {
                        seq: seq.parse().map_err(|_| {
                            lib_error(&Invalid::new("seq", &seq, "an event's seq, e.g. 12").into())
                        })?,
                        round: arg("round")?,
                    }
                }
                "consistency" => ProofRequest::Consistency {
                    first: arg("first")?,
                    second: arg("second")?,
                },
                "item" => ProofRequest::Item {
                    key: arg("key")?,
                    round: arg("round")?,
                },
                other => {
                    return Err(lib_error(
                        &Invalid::new("kind", other, "inclusion, consistency or item").into(),
                    ));
                }
            };
            let out = read(&app, move |ws| Ok(proofs::proof(ws, &req)?.to_json()))
                .await
                .map_err(|e| lib_error(&e))?;
            Ok(json_ok(out))
        }
        .await,
    )
}

/// `POST import?name=&as=&effective=&reported_on=&seal_round=&round_title=&responsible=&columns=&sheet=&dry_run=true`:
/// the body is the file (an annex as text, Word or Excel, or a CSV), read
/// and recorded as `kamerstand import` does, by a coördinator, in one
/// group of the writer. An events export is not restored through the
/// server: that makes a new store, on the store's machine.
async fn import_file(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    uri: Uri,
    b: Bytes,
) -> Response {
    flat(
        async {
            let a = who(&app, &headers)?;
            let q = query(&uri, IMPORT)?;
            let format = format_of(&q)?;
            let look = look_of(&q)?;
            let arg = |k: &'static str| q.get(k).map(String::as_str).filter(|v| !v.is_empty());
            let pair = |k: &'static str| arg(k).map(|v| (k, v));
            let checked = crate::app::import::Flags {
                effective: pair("effective"),
                reported_on: pair("reported_on"),
                seal_round: pair("seal_round"),
                round_title: pair("round_title"),
                responsible: pair("responsible"),
                columns: pair("columns"),
                sheet: arg("sheet"),
            }
            .check()
            .map_err(|e| lib_error(&e))?;
            let dry_run = match arg("dry_run") {
                None | Some("false") => false,
                Some("true") => true,
                Some(other) => {
                    return Err(lib_error(
                        &Invalid::new("dry_run", other, "true or false").into(),
                    ));
                }
            };
            let name = arg("name").unwrap_or("upload").to_string();
            let named = arg("as")
                .map(|n| {
                    crate::formats::parse_name("as", n, &ImportFormat::ALL, |x| x.name())
                        .map_err(|e| lib_error(&e.into()))
                })
                .transpose()?;
            let bytes = b.to_vec();
            let file_format = crate::app::import::format_of_bytes(&name, &bytes, named)
                .map_err(|e| lib_error(&e))?;
            if file_format == ImportFormat::Events {
                return Err(lib_error(
                    &Invalid::new(
                        "as",
                        "events",
                        "an annex (text, Word or Excel) or a CSV file: an events export is restored into a new store on the store's machine (`kamerstand --store NEW import FILE`), not through the server",
                    )
                    .into(),
                ));
            }
            let text = if file_format.is_binary() {
                String::new()
            } else {
                String::from_utf8(bytes.clone()).map_err(|e| {
                    lib_error(
                        &Invalid::new(
                            "import file",
                            &name,
                            format!("UTF-8 text (byte {} is not)", e.utf8_error().valid_up_to()),
                        )
                        .into(),
                    )
                })?
            };
            let (tx, rx) = tokio::sync::oneshot::channel();
            app.writer.submit(
                move |ws: &mut crate::app::Workspace| {
                    let reported_on = checked
                        .reported_on
                        .map(|d| d.unwrap_or_else(|| ws.today()));
                    let report = crate::app::access::import_as(
                        ws,
                        &a.account,
                        &crate::app::import::Request {
                            name: &name,
                            text: &text,
                            bytes: if file_format.is_binary() { &bytes } else { &[] },
                            format: file_format,
                            options: checked.options,
                            effective: checked.effective,
                            reported_on,
                            round: checked.round,
                            dry_run,
                        },
                    )?;
                    Ok(match format {
                        Format::Json => report::import::json(&report),
                        Format::Table | Format::Md => report::import::render(&report, &look),
                    })
                },
                move |r| {
                    let _ = tx.send(r);
                },
            );
            let out = rx
                .await
                .unwrap_or_else(|_| Err(Error::storage("importing", "the writer has stopped")))
                .map_err(|e| lib_error(&e))?;
            Ok(answer(format, out))
        }
        .await,
    )
}

async fn add_account(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    uri: Uri,
    b: Bytes,
) -> Response {
    flat(
        async {
            let a = who(&app, &headers)?;
            let r: AccountRequest = body(&b)?;
            run_write(&app, &uri, &a, r.into_write()).await
        }
        .await,
    )
}

async fn change_account(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    uri: Uri,
    Segments(name): Segments<String>,
    b: Bytes,
) -> Response {
    flat(
        async {
            let a = who(&app, &headers)?;
            let r: AccountChangeRequest = body(&b)?;
            run_write(&app, &uri, &a, r.into_write(&name)).await
        }
        .await,
    )
}

/// A document as the command would write it (an export, a diff), of that
/// content type, never kept by a cache.
fn document(kind: &'static str, out: Vec<u8>) -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "no-store"),
        ],
        out,
    )
        .into_response()
}

//! The web pages, in Dutch, rendered on the server and usable without
//! scripts: sign in and out, the overview with filters (ministry, status,
//! kind) and view pickers (as of an instant, a round, effective on a day),
//! an item's page with its timeline and corrections, the rounds with their
//! digests, the difference between two rounds, and the accounts. Forms
//! appear only for the writes the signed-in account may make (as
//! [`crate::app::access::may`] says), carry the session's CSRF token, and
//! post to the same library calls as the API; the library decides again
//! on every write, so a hand-made form gets the same refusal.
//!
//! A write answers with a redirect to the page it came from (showing what
//! was recorded), or that page again with the refusal (HTTP 400 or 403).

// An early answer is an HTTP response (the error page or JSON error), as
// axum handlers return it; boxing it would buy nothing on this path.
#![allow(clippy::result_large_err)]

use super::auth::{LoginError, Session, same};
use super::html::{self, Viewer, csrf_field, esc, page, url};
use super::{App, Segments, fields, read, status_of};
use crate::app::access::{self, Action};
use crate::app::request::{
    AccountChangeRequest, AccountRequest, AmendRequest, AssignRequest, CorrectRequest, NoteRequest,
    RegisterRequest, SealRequest, StatusRequest, ViewQuery,
};
use crate::app::write::Write;
use crate::app::{diff, filter, find};
use crate::domain::{AccountName, AccountRole, Legend};
use crate::error::Error;
use crate::projection::state::Account;
use crate::projection::{Basis, Change, ItemState, View};
use crate::report::label;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::sync::Arc;

pub(super) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/stijl.css", get(css))
        .route("/inloggen", get(login_page).post(login))
        .route("/uitloggen", post(logout))
        .route("/", get(overview))
        .route("/items", post(register))
        .route("/items/{key}", get(item))
        .route("/items/{key}/{action}", post(item_write))
        .route("/correcties", post(correct))
        .route("/rondes", get(rounds).post(seal))
        .route("/verschil", get(difference))
        .route("/accounts", get(accounts).post(add_account))
        .route("/accounts/{name}", post(change_account))
        .fallback(unknown_path)
}

/// The headers every page carries: no scripts, no framing, no caching,
/// no referrer.
fn html_response(status: StatusCode, body: String) -> Response {
    let mut r = (status, body).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

fn redirect(to: &str, cookie: Option<String>) -> Response {
    let mut r = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    if let Some(c) = cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
        r.headers_mut().insert(header::SET_COOKIE, c);
    }
    r
}

fn error_page(
    status: StatusCode,
    programme: &str,
    viewer: Option<&Viewer>,
    text: &str,
) -> Response {
    // What broke on the server (a storage failure names the store's
    // files) is shown to signed-in clerks only; someone not signed in
    // learns that it failed, not where.
    let text = if status.is_server_error() && viewer.is_none() {
        "Er ging iets mis op de server. Probeer het later opnieuw, of meld het bij de beheerder van de server."
    } else {
        text
    };
    let title = match status {
        StatusCode::FORBIDDEN => "Niet toegestaan",
        StatusCode::NOT_FOUND => "Niet gevonden",
        StatusCode::BAD_REQUEST => "Geweigerd",
        StatusCode::PAYLOAD_TOO_LARGE => "Te groot",
        StatusCode::REQUEST_TIMEOUT => "Te laat",
        _ => "Fout",
    };
    html_response(
        status,
        page(
            title,
            programme,
            viewer,
            &format!(
                "{}<p><a href=\"/\">Terug naar het overzicht</a></p>",
                html::message("fout", text)
            ),
        ),
    )
}

async fn css() -> Response {
    let mut r = html::CSS.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/css; charset=utf-8"),
    );
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("max-age=3600"),
    );
    r
}

/// An error as a page says it: in Dutch, as the rest of the page (see
/// [`super::nl`]).
fn nl(e: &Error) -> String {
    super::nl::error(e)
}

/// A refused request before any page was chosen (too large, too slow).
pub(super) fn refusal(status: StatusCode, text: &str) -> Response {
    error_page(status, "", None, text)
}

/// Any path no route takes: under `/api/` (another version, say) the
/// API's JSON error, a page otherwise.
async fn unknown_path(uri: Uri) -> Response {
    if uri.path().starts_with("/api/") {
        super::api::error(
            StatusCode::NOT_FOUND,
            "not_found",
            "no such API path; every path starts with /api/v1/ and schema/api.md lists them",
        )
    } else {
        not_found().await
    }
}

async fn not_found() -> Response {
    error_page(StatusCode::NOT_FOUND, "", None, "Deze pagina bestaat niet.")
}

/// A signed-in request: its session, the account as the ledger has it,
/// and the programme's name.
struct Ctx {
    session: Session,
    account: Account,
    programme: String,
}

impl Ctx {
    fn viewer(&self) -> Viewer {
        Viewer {
            account: self.account.account.to_string(),
            role: match self.account.role {
                AccountRole::Medewerker => {
                    format!("medewerker voor {}", self.account.ministries.join(", "))
                }
                r => r.label().to_string(),
            },
            csrf: self.session.csrf.clone(),
            manages_accounts: self.account.role == AccountRole::Beheerder,
        }
    }

    fn may(&self, action: Action, item: Option<(&str, &crate::domain::Responsible)>) -> bool {
        access::may(&self.account, action, item).is_ok()
    }
}

/// The signed-in session, or the answer to give instead: to the sign-in
/// page without one, a refusal for a disabled account (whose session
/// ends).
async fn signed_in(app: &Arc<App>, headers: &HeaderMap) -> Result<Ctx, Response> {
    let Some(session) = app.auth.session(headers) else {
        return Err(redirect("/inloggen", None));
    };
    let Some(name) = session.account.clone() else {
        return Err(redirect("/inloggen", None));
    };
    let found = read(app, move |ws| {
        Ok((access::account(ws, &name), ws.programme().name.clone()))
    })
    .await;
    match found {
        Ok((Ok(account), programme)) if !account.disabled => Ok(Ctx {
            session,
            account,
            programme,
        }),
        Ok((Ok(account), programme)) => {
            app.auth.end(&session.id);
            Err(error_page(
                StatusCode::FORBIDDEN,
                &programme,
                None,
                &format!(
                    "Account {} is uitgeschakeld en kan niets meer, ook niet lezen. Een beheerder kan het weer inschakelen.",
                    account.account
                ),
            ))
        }
        Ok((Err(_), _)) => {
            app.auth.end(&session.id);
            Err(redirect("/inloggen", Some(app.auth.cookie_cleared())))
        }
        Err(e) => Err(error_page(status_of(&e), "", None, &nl(&e))),
    }
}

/// A signed-in form post: the session must be signed in and the form must
/// carry its CSRF token.
async fn form_post(
    app: &Arc<App>,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<(Ctx, BTreeMap<String, String>), Response> {
    let ctx = signed_in(app, headers).await?;
    let form = fields(&String::from_utf8_lossy(body));
    let token = form.get("csrf").map(String::as_str).unwrap_or_default();
    if !same(token, &ctx.session.csrf) {
        return Err(error_page(
            StatusCode::FORBIDDEN,
            &ctx.programme,
            Some(&ctx.viewer()),
            "Dit formulier is niet (meer) geldig: het hoort niet bij deze sessie. Open de pagina opnieuw en probeer het nog eens. Er is niets vastgelegd.",
        ));
    }
    // What is recorded is read strictly: a form sent in another encoding
    // is refused whole rather than recorded with U+FFFD for its letters.
    let form = match super::form_fields(body) {
        Ok(f) => f,
        Err(name) => {
            return Err(error_page(
                StatusCode::BAD_REQUEST,
                &ctx.programme,
                Some(&ctx.viewer()),
                &format!(
                    "Het veld {name} van dit formulier is geen UTF-8-tekst (het is in een andere tekenset verstuurd). Er is niets vastgelegd; verstuur het formulier vanaf de pagina zelf."
                ),
            ));
        }
    };
    Ok((ctx, form))
}

/// Stored text cut to `max` characters for a table cell, line breaks as
/// spaces (other control characters shown escaped).
fn short(s: &str, max: usize) -> String {
    crate::domain::text::shorten(&s.replace(['\n', '\r'], " "), max)
}

fn field(form: &BTreeMap<String, String>, name: &str) -> Option<String> {
    form.get(name).cloned()
}

fn lines(form: &BTreeMap<String, String>, name: &str) -> Vec<String> {
    form.get(name)
        .map(|s| {
            s.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

// ---------------------------------------------------------------- sign in

async fn login_page(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    let session = match app.auth.session(&headers) {
        Some(s) if s.account.is_some() => return redirect("/", None),
        Some(s) => s,
        None => match app.auth.new_session(None) {
            Ok(s) => s,
            Err(e) => return error_page(status_of(&e), "", None, &nl(&e)),
        },
    };
    login_form(&app, &session, None, StatusCode::OK).await
}

async fn login_form(
    app: &Arc<App>,
    s: &Session,
    msg: Option<&str>,
    status: StatusCode,
) -> Response {
    let programme = read(app, |ws| Ok(ws.programme().name.clone()))
        .await
        .unwrap_or_default();
    let body = format!(
        "{}<form method=\"post\" action=\"/inloggen\" class=\"write\">{}\
         <p><label>Accountnaam <input name=\"account\" autocomplete=\"username\" required></label></p>\
         <p><label>Wachtwoord <input name=\"wachtwoord\" type=\"password\" autocomplete=\"current-password\" required></label></p>\
         <p><button type=\"submit\">Aanmelden</button></p></form>\
         <p class=\"muted\">Nog geen account of wachtwoord? Vraag het de beheerder van deze kamerstand.</p>",
        msg.map(|m| html::message("fout", m)).unwrap_or_default(),
        csrf_field(&s.csrf)
    );
    let mut r = html_response(status, page("Aanmelden", &programme, None, &body));
    if let Ok(c) = HeaderValue::from_str(&app.auth.cookie_for(s)) {
        r.headers_mut().insert(header::SET_COOKIE, c);
    }
    r
}

async fn login(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Response {
    let form = fields(&String::from_utf8_lossy(&body));
    let Some(session) = app.auth.session(&headers) else {
        // No session: the form did not come from our page (or expired).
        return match app.auth.new_session(None) {
            Ok(s) => {
                login_form(
                    &app,
                    &s,
                    Some("Het aanmeldformulier was verlopen; probeer het opnieuw."),
                    StatusCode::FORBIDDEN,
                )
                .await
            }
            Err(e) => error_page(status_of(&e), "", None, &nl(&e)),
        };
    };
    if !same(
        form.get("csrf").map(String::as_str).unwrap_or_default(),
        &session.csrf,
    ) {
        return login_form(
            &app,
            &session,
            Some("Het aanmeldformulier hoort niet bij deze sessie; probeer het opnieuw."),
            StatusCode::FORBIDDEN,
        )
        .await;
    }
    let wrong = "Onbekende accountnaam of onjuist wachtwoord.";
    let Ok(name) = AccountName::parse(form.get("account").map(String::as_str).unwrap_or_default())
    else {
        return login_form(&app, &session, Some(wrong), StatusCode::UNAUTHORIZED).await;
    };
    let password = form.get("wachtwoord").cloned().unwrap_or_default();
    match app.auth.login(name.clone(), password).await {
        Ok(name) => {
            // The ledger must know the account, enabled.
            let who = name.clone();
            let ok = read(&app, move |ws| {
                let a = access::account(ws, &who)?;
                access::may_read(&a)
            })
            .await;
            if let Err(e) = ok {
                let text = if e.is_forbidden() {
                    format!("Account {name} is uitgeschakeld.")
                } else {
                    wrong.to_string()
                };
                return login_form(&app, &session, Some(&text), StatusCode::FORBIDDEN).await;
            }
            app.auth.end(&session.id);
            match app.auth.new_session(Some(name)) {
                Ok(s) => redirect("/", Some(app.auth.cookie_for(&s))),
                Err(e) => error_page(status_of(&e), "", None, &nl(&e)),
            }
        }
        Err(LoginError::Wrong) => {
            login_form(&app, &session, Some(wrong), StatusCode::UNAUTHORIZED).await
        }
        Err(LoginError::Wait(d)) => {
            let text = format!(
                "Te veel mislukte pogingen voor dit account; probeer het over {} seconden opnieuw.",
                d.as_secs().max(1)
            );
            login_form(&app, &session, Some(&text), StatusCode::TOO_MANY_REQUESTS).await
        }
        Err(LoginError::Broken(e)) => error_page(status_of(&e), "", None, &nl(&e)),
    }
}

async fn logout(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Response {
    match form_post(&app, &headers, &body).await {
        Ok((ctx, _)) => {
            app.auth.end(&ctx.session.id);
            redirect("/inloggen", Some(app.auth.cookie_cleared()))
        }
        Err(r) => r,
    }
}

// ---------------------------------------------------------------- views

/// The view the page's query asks for, and the query to repeat in links.
fn view_query(q: &BTreeMap<String, String>) -> ViewQuery {
    ViewQuery {
        as_of: q.get("peildatum").cloned(),
        round: q.get("ronde").cloned(),
        effective: q.get("geldend").cloned(),
    }
}

/// The view the page's query asks for, a refusal naming the page's own
/// fields (`peildatum`, `ronde`, `geldend`): the clerk typed those, not
/// the API's `as_of`, `round` and `effective`.
fn view_request(q: &BTreeMap<String, String>) -> Result<crate::app::view::ViewRequest, Error> {
    view_query(q).parse().map_err(|e| match e {
        Error::Invalid(mut i) => {
            let page = match i.what.as_str() {
                "as_of" => Some("peildatum"),
                "round" => Some("ronde"),
                "effective" => Some("geldend"),
                _ => None,
            };
            if let Some(name) = page {
                i.what = name.to_string();
            }
            // The pickers are the page's own fields: what they take is
            // said in Dutch ([`nl`] gives the sentence around it).
            i.expected = if i.expected.contains("either as_of or round") {
                "kies een ronde of een peildatum, niet allebei".to_string()
            } else {
                match page {
                    Some("peildatum") => "een datum (het einde van die dag, Nederlandse tijd) of een tijdstip zoals 2025-05-01T14:00:00+02:00".to_string(),
                    Some("geldend") => "een bestaande datum, jjjj-mm-dd".to_string(),
                    _ => i.expected,
                }
            };
            Error::Invalid(i)
        }
        e => e,
    })
}

fn describe_view(v: &View) -> String {
    let basis = match &v.basis {
        Basis::Current => "alles wat nu is vastgelegd".to_string(),
        Basis::AsOf(i) => format!("zoals vastgelegd op {}", i.label),
        Basis::Round(r) => format!(
            "zoals bij ronde {} (verzegeld op seq {}, gerapporteerd op {})",
            r.name, r.seq, r.reported_on
        ),
    };
    let eff = v.effective.map_or_else(
        || "de laatste waarden".to_string(),
        |d| format!("de waarden geldend op {d}"),
    );
    format!(
        "Stand: {basis}; {eff}. {} gebeurtenissen{}.",
        v.chain.events,
        v.chain
            .head
            .map(|h| format!(", laatste hash {}", h.short()))
            .unwrap_or_default()
    )
}

fn status_cell(legend: &Legend, slug: &str) -> String {
    html::status(
        label(legend, slug),
        legend.get(slug).map(|e| e.colour.as_str()),
    )
}

/// The pickers of a view (as of, round, effective), with the other query
/// fields kept as hidden fields.
fn view_pickers(q: &BTreeMap<String, String>, rounds: &[crate::projection::Round]) -> String {
    let round_opts: Vec<(&str, &str)> = std::iter::once(("", "— nu —"))
        .chain(rounds.iter().map(|r| (r.name.as_str(), r.name.as_str())))
        .collect();
    format!(
        "<label>Ronde <select name=\"ronde\">{}</select></label>\
         <label>Vastgelegd tot en met <input type=\"date\" name=\"peildatum\" value=\"{}\"></label>\
         <label>Geldend op <input type=\"date\" name=\"geldend\" value=\"{}\"></label>",
        html::options(round_opts, q.get("ronde").map(String::as_str)),
        esc(q.get("peildatum").map(String::as_str).unwrap_or_default()),
        esc(q.get("geldend").map(String::as_str).unwrap_or_default()),
    )
}

fn saved_message(q: &BTreeMap<String, String>) -> String {
    q.get("vastgelegd")
        .filter(|s| s.bytes().all(|b| b.is_ascii_digit()) && !s.is_empty())
        .map(|seq| html::message("ok", &format!("Vastgelegd als seq {seq}.")))
        .unwrap_or_default()
}

async fn overview(State(app): State<Arc<App>>, headers: HeaderMap, uri: Uri) -> Response {
    let ctx = match signed_in(&app, &headers).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    overview_page(
        &app,
        &ctx,
        &fields(uri.query().unwrap_or("")),
        None,
        StatusCode::OK,
    )
    .await
}

async fn overview_page(
    app: &Arc<App>,
    ctx: &Ctx,
    q: &BTreeMap<String, String>,
    msg: Option<String>,
    status: StatusCode,
) -> Response {
    let req = match view_request(q) {
        Ok(r) => r,
        Err(e) => {
            return error_page(status_of(&e), &ctx.programme, Some(&ctx.viewer()), &nl(&e));
        }
    };
    let qc = q.clone();
    let built = read(app, move |ws| {
        let v = req.build(ws)?;
        let f = filter::request(
            qc.get("ministerie").map(String::as_str),
            qc.get("status").map(String::as_str),
            qc.get("soort").map(String::as_str),
            ["ministerie", "status", "soort"],
        )?
        .resolve(&v)?;
        Ok((v, f, ws.rounds()?))
    })
    .await;
    let (v, f, rounds) = match built {
        Ok(x) => x,
        Err(e) => {
            return error_page(status_of(&e), &ctx.programme, Some(&ctx.viewer()), &nl(&e));
        }
    };
    let legend = &v.programme.legend;
    let ministries: BTreeSet<String> = v
        .items
        .iter()
        .flat_map(|i| i.responsible.codes().iter().map(|c| c.portfolio.clone()))
        .collect();
    let mut body = String::new();
    body.push_str(&saved_message(q));
    if let Some(m) = msg {
        body.push_str(&html::message("fout", &m));
    }
    let _ = write!(body, "<p class=\"muted\">{}</p>", esc(&describe_view(&v)));
    let ministry_chosen = f.ministry.as_ref().map(ToString::to_string);
    let min_opts: Vec<(&str, &str)> = std::iter::once(("", "alle"))
        .chain(ministries.iter().map(|m| (m.as_str(), m.as_str())))
        .collect();
    let status_opts: Vec<(&str, &str)> = std::iter::once(("", "alle"))
        .chain(
            legend
                .entries
                .iter()
                .map(|e| (e.slug.as_str(), e.nl.as_str())),
        )
        .collect();
    let _ = write!(
        body,
        "<form method=\"get\" action=\"/\" class=\"filters\">\
         <label>Ministerie <select name=\"ministerie\">{}</select></label>\
         <label>Status <select name=\"status\">{}</select></label>\
         <label>Soort <select name=\"soort\">{}</select></label><br>{}\
         <button type=\"submit\">Toon</button> <a href=\"/\">Alles, nu</a></form>",
        html::options(min_opts, ministry_chosen.as_deref()),
        html::options(status_opts, f.status.as_deref()),
        html::options(
            [
                ("", "beide"),
                ("motie", "Moties"),
                ("toezegging", "Toezeggingen")
            ],
            q.get("soort").map(String::as_str)
        ),
        view_pickers(q, &rounds),
    );
    let carry: String = ["peildatum", "ronde", "geldend"]
        .iter()
        .filter_map(|k| {
            q.get(*k)
                .filter(|v| !v.is_empty())
                .map(|v| format!("{k}={}", url(v)))
        })
        .collect::<Vec<_>>()
        .join("&");
    let shown: Vec<_> = v.items.iter().filter(|i| f.keeps(i)).collect();
    for (kind, title) in [
        (crate::domain::ItemKind::Motie, "Moties"),
        (crate::domain::ItemKind::Toezegging, "Toezeggingen"),
    ] {
        let of_kind: Vec<_> = shown.iter().filter(|i| i.kind == kind).collect();
        if of_kind.is_empty() {
            continue;
        }
        let _ = write!(
            body,
            "<h2>{title} ({})</h2><table><thead><tr><th>Sleutel</th><th>Tekst</th><th>Verantwoordelijk</th><th>Status</th><th>Stand van zaken</th></tr></thead><tbody>",
            of_kind.len()
        );
        for it in of_kind {
            let note = it
                .note
                .as_ref()
                .map(|n| short(&n.text, 160))
                .unwrap_or_default();
            let _ = write!(
                body,
                "<tr><td class=\"key\"><a href=\"/items/{}{}\">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                url(it.key.as_str()),
                if carry.is_empty() {
                    String::new()
                } else {
                    format!("?{carry}")
                },
                esc(it.key.as_str()),
                esc(&short(&it.text, 160)),
                esc(&it.responsible.to_string()),
                status_cell(legend, &it.status),
                esc(&note),
            );
        }
        body.push_str("</tbody></table>");
    }
    if shown.is_empty() {
        body.push_str("<p>Geen items in deze selectie.</p>");
    }
    if ctx.may(Action::Register, None) && matches!(v.basis, Basis::Current) {
        let _ = write!(
            body,
            "<h2>Nieuw item</h2><form method=\"post\" action=\"/items\" class=\"write\">{}\
             <label>Soort <select name=\"soort\"><option value=\"motie\">motie</option><option value=\"toezegging\">toezegging</option></select></label>\
             <label>Sleutel (leeg: afgeleid) <input name=\"sleutel\"></label>\
             <label>Verantwoordelijk <input name=\"verantwoordelijk\" placeholder=\"MOCW en SVWS\"></label>\
             <label>Ingangsdatum <input type=\"date\" name=\"ingang\"></label>\
             <label>Tekst <textarea name=\"tekst\" required></textarea></label>\
             <label>Kamerstukken (één per regel) <textarea name=\"refs\"></textarea></label>\
             <button type=\"submit\">Registreren</button></form>",
            csrf_field(&ctx.session.csrf)
        );
    }
    html_response(
        status,
        page("Overzicht", &ctx.programme, Some(&ctx.viewer()), &body),
    )
}

/// A Dutch line for a timeline change.
fn change_nl(legend: &Legend, c: &Change) -> String {
    let why = |r: &Option<String>| r.as_ref().map(|r| format!(" ({r})")).unwrap_or_default();
    match c {
        Change::Registered {
            status,
            responsible,
        } => format!(
            "geregistreerd: status {}, verantwoordelijk {}",
            label(legend, status),
            if responsible.is_empty() {
                "niet vermeld".to_string()
            } else {
                responsible.to_string()
            }
        ),
        Change::Status { from, to, reason } => format!(
            "status: {} → {}{}",
            label(legend, from),
            label(legend, to),
            why(reason)
        ),
        Change::Responsible { from, to, reason } => {
            format!("verantwoordelijk: {from} → {to}{}", why(reason))
        }
        Change::Note { text, .. } => {
            format!("stand van zaken: {}", short(text, 200))
        }
        Change::Amended { reason, .. } => format!("tekst of gegevens gewijzigd{}", why(reason)),
        Change::Detailed { reason, .. } => format!("details vastgelegd{}", why(reason)),
        Change::Corrected {
            target_seq,
            reason,
            replacement,
            ..
        } => {
            let mut parts = Vec::new();
            if replacement.retract {
                parts.push("ingetrokken".to_string());
            }
            if let Some(s) = &replacement.status {
                parts.push(format!("status {}", label(legend, s)));
            }
            if let Some(r) = &replacement.responsible {
                parts.push(format!("verantwoordelijk {r}"));
            }
            if replacement.note.is_some() {
                parts.push("nieuwe tekst".into());
            }
            if let Some(d) = replacement.effective {
                parts.push(format!("ingangsdatum {d}"));
            }
            format!(
                "correctie van seq {target_seq}: {} ({reason})",
                parts.join(", ")
            )
        }
    }
}

async fn item(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    uri: Uri,
    Segments(key): Segments<String>,
) -> Response {
    let ctx = match signed_in(&app, &headers).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    item_page(
        &app,
        &ctx,
        &key,
        &fields(uri.query().unwrap_or("")),
        None,
        StatusCode::OK,
    )
    .await
}

async fn item_page(
    app: &Arc<App>,
    ctx: &Ctx,
    key: &str,
    q: &BTreeMap<String, String>,
    msg: Option<String>,
    status: StatusCode,
) -> Response {
    let req = match view_request(q) {
        Ok(r) => r,
        Err(e) => {
            return error_page(status_of(&e), &ctx.programme, Some(&ctx.viewer()), &nl(&e));
        }
    };
    let k = key.to_string();
    let built = read(app, move |ws| {
        let v = req.build(ws)?;
        let it = find::item_in_view(ws, &v, &k)?;
        Ok((v, it))
    })
    .await;
    let (v, it) = match built {
        Ok(x) => x,
        // A refused write whose form named no item we have (a hidden
        // field changed by hand): its refusal is what to say, not that
        // the page to return to is missing.
        Err(_) if msg.is_some() => {
            return error_page(
                status,
                &ctx.programme,
                Some(&ctx.viewer()),
                msg.as_deref().unwrap_or_default(),
            );
        }
        Err(e) => {
            let status = if e.is_input() {
                StatusCode::NOT_FOUND
            } else {
                status_of(&e)
            };
            return error_page(status, &ctx.programme, Some(&ctx.viewer()), &nl(&e));
        }
    };
    let body = item_body(ctx, &v, &it, q, msg);
    html_response(
        status,
        page(
            &format!(
                "{} {}",
                match it.kind {
                    crate::domain::ItemKind::Motie => "Motie",
                    crate::domain::ItemKind::Toezegging => "Toezegging",
                },
                it.key
            ),
            &ctx.programme,
            Some(&ctx.viewer()),
            &body,
        ),
    )
}

fn item_body(
    ctx: &Ctx,
    v: &View,
    it: &ItemState,
    q: &BTreeMap<String, String>,
    msg: Option<String>,
) -> String {
    let legend = &v.programme.legend;
    let day = v.effective;
    let mut b = String::new();
    b.push_str(&saved_message(q));
    if let Some(m) = msg {
        b.push_str(&html::message("fout", &m));
    }
    let _ = write!(b, "<p class=\"muted\">{}</p>", esc(&describe_view(v)));
    let responsible = it.responsible_at(day);
    let _ = write!(
        b,
        "<table><tbody>\
         <tr><th>Tekst</th><td>{}</td></tr>\
         <tr><th>Indieners</th><td>{}</td></tr>\
         <tr><th>Kamerstukken</th><td>{}</td></tr>\
         <tr><th>Verantwoordelijk</th><td>{}</td></tr>\
         <tr><th>Status</th><td>{}</td></tr>\
         <tr><th>Sinds</th><td>{}</td></tr>{}\
         </tbody></table>",
        if it.text.is_empty() {
            "<em>(tekst ontbreekt)</em>".to_string()
        } else {
            esc(&it.text)
        },
        esc(&it.submitters.join(", ")),
        it.citations
            .iter()
            .map(|c| esc(c))
            .collect::<Vec<_>>()
            .join("<br>"),
        esc(&responsible.to_string()),
        status_cell(legend, it.status_at(day)),
        it.effective,
        if it.withdrawn {
            "<tr><th>Ingetrokken</th><td>ja</td></tr>"
        } else {
            ""
        },
    );
    b.push_str("<h2>Stand van zaken</h2>");
    let notes: Vec<_> = it.notes_at(day).collect();
    if notes.is_empty() {
        b.push_str("<p class=\"muted\">Nog geen stand van zaken.</p>");
    }
    for n in notes.iter().rev() {
        let _ = write!(
            b,
            "<p><strong>{}</strong> <span class=\"muted\">(seq {}, door {})</span><br>{}</p>",
            n.effective,
            n.seq,
            esc(&n.actor),
            esc(&n.text).replace('\n', "<br>")
        );
    }
    b.push_str(
        "<h2>Tijdlijn</h2><table><thead><tr><th>Seq</th><th>Vastgelegd (UTC)</th><th>Ingangsdatum</th><th>Door</th><th>Wijziging</th><th>Gecorrigeerd door</th><th>Hash</th></tr></thead><tbody>",
    );
    for e in &it.timeline {
        let corrected = !e.corrected_by.is_empty();
        let _ = write!(
            b,
            "<tr id=\"seq-{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td{}>{}</td><td>{}</td><td class=\"hash\">{}</td></tr>",
            e.seq,
            e.seq,
            esc(&e.recorded_at.short()),
            e.effective.map(|d| d.to_string()).unwrap_or_default(),
            esc(&e.actor),
            if corrected {
                " class=\"corrected\""
            } else {
                ""
            },
            esc(&change_nl(legend, &e.change)),
            e.corrected_by
                .iter()
                .map(|s| format!("<a href=\"#seq-{s}\">seq {s}</a>"))
                .collect::<Vec<_>>()
                .join(", "),
            e.hash.short(),
        );
    }
    b.push_str("</tbody></table>");
    if !matches!(v.basis, Basis::Current) || v.effective.is_some() {
        b.push_str("<p class=\"muted\">Vastleggen kan alleen in de stand van nu, zonder peildatum of geldend-op-datum. <a href=\"?\">Naar de stand van nu</a></p>");
        return b;
    }
    let key = it.key.as_str();
    let current = it.responsible();
    let item = Some((key, &current));
    let csrf = csrf_field(&ctx.session.csrf);
    let action = |a: &str| format!("/items/{}/{a}", url(key));
    let mut forms = String::new();
    if ctx.may(Action::Status, item) {
        let opts: Vec<(&str, &str)> = legend
            .entries
            .iter()
            .map(|e| (e.slug.as_str(), e.nl.as_str()))
            .collect();
        let _ = write!(
            forms,
            "<form method=\"post\" action=\"{}\" class=\"write\" id=\"status-form\"><h3>Status vastleggen</h3>{csrf}\
             <label>Status <select name=\"status\">{}</select></label>\
             <label>Ingangsdatum <input type=\"date\" name=\"ingang\"></label>\
             <label>Reden <input name=\"reden\"></label>\
             <button type=\"submit\">Status vastleggen</button></form>",
            action("status"),
            html::options(opts, Some(it.status()))
        );
    }
    if ctx.may(Action::Assign, item) {
        let _ = write!(
            forms,
            "<form method=\"post\" action=\"{}\" class=\"write\"><h3>Verantwoordelijk</h3>{csrf}\
             <label>Verantwoordelijk <input name=\"verantwoordelijk\" value=\"{}\" required></label>\
             <label>Ingangsdatum <input type=\"date\" name=\"ingang\"></label>\
             <label>Reden <input name=\"reden\"></label>\
             <button type=\"submit\">Toewijzen</button></form>",
            action("toewijzen"),
            esc(&current.to_string())
        );
    }
    if ctx.may(Action::Note, item) {
        let _ = write!(
            forms,
            "<form method=\"post\" action=\"{}\" class=\"write\"><h3>Stand van zaken</h3>{csrf}\
             <label>Tekst <textarea name=\"tekst\" required></textarea></label>\
             <label>Kamerstukken (één per regel) <textarea name=\"refs\"></textarea></label>\
             <label>Ingangsdatum <input type=\"date\" name=\"ingang\"></label>\
             <button type=\"submit\">Stand van zaken vastleggen</button></form>",
            action("notitie")
        );
    }
    if ctx.may(Action::Correct, item) {
        // Corrections of the text's amendments are offered only to those
        // who may amend it (the library refuses the others).
        let amends = ctx.may(Action::Amend, item);
        let amendment = |seq: u64| {
            it.timeline
                .iter()
                .any(|e| e.seq == seq && matches!(e.change, Change::Amended { .. }))
        };
        let events: Vec<(String, String)> = it
            .timeline
            .iter()
            .filter(|e| !matches!(e.change, Change::Detailed { .. }))
            .filter(|e| {
                amends
                    || !match &e.change {
                        Change::Amended { .. } => true,
                        Change::Corrected { root_seq, .. } => amendment(*root_seq),
                        _ => false,
                    }
            })
            .map(|e| {
                (
                    e.seq.to_string(),
                    format!(
                        "seq {}: {}",
                        e.seq,
                        short(&change_nl(legend, &e.change), 60)
                    ),
                )
            })
            .collect();
        let _ = write!(
            forms,
            "<form method=\"post\" action=\"/correcties\" class=\"write\"><h3>Correctie</h3>{csrf}\
             <input type=\"hidden\" name=\"item\" value=\"{}\">\
             <label>Gebeurtenis <select name=\"gebeurtenis\">{}</select></label>\
             <label>Reden <input name=\"reden\" required></label>\
             <label>Juiste status <select name=\"status\"><option value=\"\">(ongewijzigd)</option>{}</select></label>\
             <label>Juiste verantwoordelijken <input name=\"verantwoordelijk\"></label>\
             <label>Juiste ingangsdatum <input type=\"date\" name=\"ingang\"></label>\
             <label>Juiste tekst <textarea name=\"tekst\"></textarea></label>\
             <label><input type=\"checkbox\" name=\"intrekken\" value=\"ja\"> intrekken</label>\
             <button type=\"submit\">Correctie vastleggen</button></form>",
            esc(key),
            html::options(events.iter().map(|(a, b)| (a.as_str(), b.as_str())), None),
            html::options(
                legend
                    .entries
                    .iter()
                    .map(|e| (e.slug.as_str(), e.nl.as_str())),
                None
            )
        );
    }
    if ctx.may(Action::Amend, item) {
        let _ = write!(
            forms,
            "<form method=\"post\" action=\"{}\" class=\"write\"><h3>Tekst wijzigen</h3>{csrf}\
             <label>Tekst <textarea name=\"tekst\">{}</textarea></label>\
             <label>Reden <input name=\"reden\"></label>\
             <button type=\"submit\">Wijzigen</button></form>",
            action("wijzigen"),
            esc(&it.text)
        );
    }
    if forms.is_empty() {
        let _ = write!(
            b,
            "<p class=\"muted\">Als {} kunt u voor dit item niets vastleggen.</p>",
            esc(&ctx.viewer().role)
        );
    } else {
        let _ = write!(b, "<h2>Vastleggen</h2><div class=\"forms\">{forms}</div>");
    }
    b
}

/// Answers a form write: a redirect to `back` with the seq recorded, or
/// the page again with the refusal.
async fn answer_write(
    app: &Arc<App>,
    ctx: &Ctx,
    w: Result<Write, Error>,
    page_of: Back,
) -> Response {
    let result = match w {
        Ok(w) => super::write(app, ctx.account.account.clone(), w, None).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(done) => {
            let seq = done.seq;
            let to = match (&page_of, done.key) {
                (Back::Item(_), Some(k)) => format!("/items/{}?vastgelegd={seq}", url(&k)),
                (Back::Item(k), None) => format!("/items/{}?vastgelegd={seq}", url(k)),
                (Back::Overview, Some(k)) => format!("/items/{}?vastgelegd={seq}", url(&k)),
                (Back::Overview, None) => format!("/?vastgelegd={seq}"),
                (Back::Rounds, _) => format!("/rondes?vastgelegd={seq}"),
                (Back::Accounts, _) => format!("/accounts?vastgelegd={seq}"),
            };
            redirect(&to, None)
        }
        Err(e) => {
            let status = status_of(&e);
            let text = format!("Geweigerd, er is niets vastgelegd: {}", nl(&e));
            let none = BTreeMap::new();
            match page_of {
                Back::Item(k) => item_page(app, ctx, &k, &none, Some(text), status).await,
                Back::Overview => overview_page(app, ctx, &none, Some(text), status).await,
                Back::Rounds => rounds_page(app, ctx, &none, Some(text), status).await,
                Back::Accounts => accounts_page(app, ctx, &none, Some(text), status).await,
            }
        }
    }
}

/// Which page a form write returns to.
enum Back {
    Item(String),
    Overview,
    Rounds,
    Accounts,
}

async fn item_write(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Segments((key, action)): Segments<(String, String)>,
    body: Bytes,
) -> Response {
    let (ctx, f) = match form_post(&app, &headers, &body).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let w = match action.as_str() {
        "status" => StatusRequest {
            status: field(&f, "status").unwrap_or_default(),
            effective: field(&f, "ingang"),
            reason: field(&f, "reden"),
        }
        .into_write(&key),
        "toewijzen" => AssignRequest {
            responsible: field(&f, "verantwoordelijk").unwrap_or_default(),
            effective: field(&f, "ingang"),
            reason: field(&f, "reden"),
        }
        .into_write(&key),
        "notitie" => NoteRequest {
            text: field(&f, "tekst").unwrap_or_default(),
            refs: Vec::new(),
            refs_raw: lines(&f, "refs"),
            effective: field(&f, "ingang"),
        }
        .into_write(&key),
        "wijzigen" => AmendRequest {
            text: field(&f, "tekst"),
            reason: field(&f, "reden"),
            ..Default::default()
        }
        .into_write(&key),
        _ => return not_found().await,
    };
    answer_write(&app, &ctx, w, Back::Item(key)).await
}

async fn register(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Response {
    let (ctx, f) = match form_post(&app, &headers, &body).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let w = RegisterRequest {
        kind: field(&f, "soort").unwrap_or_default(),
        text: field(&f, "tekst").unwrap_or_default(),
        refs_raw: lines(&f, "refs"),
        key: field(&f, "sleutel"),
        responsible: field(&f, "verantwoordelijk"),
        effective: field(&f, "ingang"),
        ..Default::default()
    }
    .into_write();
    answer_write(&app, &ctx, w, Back::Overview).await
}

async fn correct(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Response {
    let (ctx, f) = match form_post(&app, &headers, &body).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let w = CorrectRequest {
        event: field(&f, "gebeurtenis").unwrap_or_default(),
        reason: field(&f, "reden").unwrap_or_default(),
        status: field(&f, "status"),
        responsible: field(&f, "verantwoordelijk"),
        note: field(&f, "tekst"),
        effective: field(&f, "ingang"),
        retract: f.get("intrekken").is_some_and(|v| v == "ja"),
    }
    .into_write();
    let back = match field(&f, "item") {
        Some(k) if !k.is_empty() => Back::Item(k),
        _ => Back::Overview,
    };
    answer_write(&app, &ctx, w, back).await
}

// ---------------------------------------------------------------- rounds

async fn rounds(State(app): State<Arc<App>>, headers: HeaderMap, uri: Uri) -> Response {
    let ctx = match signed_in(&app, &headers).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    rounds_page(
        &app,
        &ctx,
        &fields(uri.query().unwrap_or("")),
        None,
        StatusCode::OK,
    )
    .await
}

async fn rounds_page(
    app: &Arc<App>,
    ctx: &Ctx,
    q: &BTreeMap<String, String>,
    msg: Option<String>,
    status: StatusCode,
) -> Response {
    let rounds = match read(app, |ws| ws.rounds()).await {
        Ok(r) => r,
        Err(e) => {
            return error_page(status_of(&e), &ctx.programme, Some(&ctx.viewer()), &nl(&e));
        }
    };
    let mut b = saved_message(q);
    if let Some(m) = msg {
        b.push_str(&html::message("fout", &m));
    }
    if rounds.is_empty() {
        b.push_str("<p>Er is nog geen ronde verzegeld.</p>");
    } else {
        b.push_str("<p>De digest van een ronde is de hash van haar zegel: het getal dat in de voortgangsbrief kan staan, en waarmee <code>kamerstand verify --digest</code> later aantoont dat er sindsdien niets is herschreven.</p>");
        b.push_str("<table><thead><tr><th>Ronde</th><th>Titel</th><th>Gerapporteerd</th><th>Zegel (seq)</th><th>Door</th><th>Digest</th><th></th></tr></thead><tbody>");
        let mut prev: Option<&str> = None;
        for r in &rounds {
            let links = format!(
                "<a href=\"/?ronde={}\">overzicht</a>{}",
                url(&r.name),
                prev.map(|p| format!(
                    " · <a href=\"/verschil?van={}&amp;tot={}\">verschil met {}</a>",
                    url(p),
                    url(&r.name),
                    esc(p)
                ))
                .unwrap_or_default()
            );
            let _ = write!(
                b,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"hash\">{}</td><td>{links}</td></tr>",
                esc(&r.name),
                esc(&r.title),
                r.reported_on,
                r.seq,
                esc(&r.actor),
                r.digest.hex(),
            );
            prev = Some(&r.name);
        }
        b.push_str("</tbody></table>");
    }
    if ctx.may(Action::Seal, None) {
        let _ = write!(
            b,
            "<h2>Ronde verzegelen</h2><form method=\"post\" action=\"/rondes\" class=\"write\">{}\
             <label>Naam <input name=\"naam\" placeholder=\"2025-najaar\" required></label>\
             <label>Titel <input name=\"titel\"></label>\
             <label>Gerapporteerd op <input type=\"date\" name=\"gerapporteerd\"></label>\
             <button type=\"submit\">Verzegelen</button></form>",
            csrf_field(&ctx.session.csrf)
        );
    }
    html_response(
        status,
        page("Rondes", &ctx.programme, Some(&ctx.viewer()), &b),
    )
}

async fn seal(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Response {
    let (ctx, f) = match form_post(&app, &headers, &body).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let w = SealRequest {
        name: field(&f, "naam").unwrap_or_default(),
        title: field(&f, "titel"),
        reported_on: field(&f, "gerapporteerd"),
    }
    .into_write();
    answer_write(&app, &ctx, w, Back::Rounds).await
}

async fn difference(State(app): State<Arc<App>>, headers: HeaderMap, uri: Uri) -> Response {
    let ctx = match signed_in(&app, &headers).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let q = fields(uri.query().unwrap_or(""));
    let rounds = match read(&app, |ws| ws.rounds()).await {
        Ok(r) => r,
        Err(e) => {
            return error_page(status_of(&e), &ctx.programme, Some(&ctx.viewer()), &nl(&e));
        }
    };
    let from = q
        .get("van")
        .filter(|s| !s.is_empty())
        .cloned()
        .or_else(|| rounds.iter().rev().nth(1).map(|r| r.name.clone()))
        .or_else(|| rounds.last().map(|r| r.name.clone()));
    let to = q
        .get("tot")
        .filter(|s| !s.is_empty())
        .cloned()
        .unwrap_or_else(|| "nu".into());
    let opts: Vec<(&str, &str)> = rounds
        .iter()
        .map(|r| (r.name.as_str(), r.name.as_str()))
        .collect();
    let to_opts: Vec<(&str, &str)> = opts
        .iter()
        .copied()
        .chain(std::iter::once(("nu", "nu")))
        .collect();
    let mut b = format!(
        "<form method=\"get\" action=\"/verschil\" class=\"filters\">\
         <label>Van <select name=\"van\">{}</select></label>\
         <label>Tot <select name=\"tot\">{}</select></label>\
         <button type=\"submit\">Vergelijk</button></form>",
        html::options(opts.iter().copied(), from.as_deref()),
        html::options(to_opts, Some(&to)),
    );
    let Some(from) = from else {
        b.push_str("<p>Er is nog geen ronde verzegeld om mee te vergelijken.</p>");
        return html_response(
            StatusCode::OK,
            page("Verschil", &ctx.programme, Some(&ctx.viewer()), &b),
        );
    };
    let to_side = if to == "nu" {
        "now".to_string()
    } else {
        to.clone()
    };
    let compared = read(&app, move |ws| {
        diff::compare(
            ws,
            &diff::Side::parse("van", &from),
            &diff::Side::parse("tot", &to_side),
            false,
            false,
        )
    })
    .await;
    let c = match compared {
        Ok(c) => c,
        Err(e) => {
            b.push_str(&html::message("fout", &nl(&e)));
            return html_response(
                status_of(&e),
                page("Verschil", &ctx.programme, Some(&ctx.viewer()), &b),
            );
        }
    };
    let legend = &c.to.programme.legend;
    let s = &c.diff.summary;
    let _ = write!(
        b,
        "<p class=\"muted\">Van: {}<br>Tot: {}</p>\
         <p>{} items gewijzigd, {} ongewijzigd: {} nieuw, {} ingetrokken, {} met een andere status, {} met andere verantwoordelijken, {} nieuwe standen van zaken, {} correcties.</p>",
        esc(&describe_view(&c.from)),
        esc(&describe_view(&c.to)),
        s.items_changed,
        s.items_unchanged,
        s.added,
        s.withdrawn,
        s.status_changed,
        s.responsible_changed,
        s.notes,
        s.corrections
    );
    if !c.diff.items.is_empty() {
        b.push_str("<table><thead><tr><th>Sleutel</th><th>Tekst</th><th>Status</th><th>Verantwoordelijk</th><th>Vastgelegd</th></tr></thead><tbody>");
        for d in &c.diff.items {
            let status = match (&d.status, d.added, d.withdrawn) {
                (_, true, _) => format!("nieuw: {}", status_cell(legend, &d.status_now)),
                (_, _, true) => "ingetrokken".into(),
                (Some((a, z)), _, _) => {
                    format!("{} → {}", status_cell(legend, a), status_cell(legend, z))
                }
                (None, _, _) => status_cell(legend, &d.status_now),
            };
            let resp = d
                .responsible
                .as_ref()
                .map(|(a, z)| esc(&format!("{a} → {z}")))
                .unwrap_or_default();
            let t = &d.tally;
            let _ = write!(
                b,
                "<tr><td class=\"key\"><a href=\"/items/{}\">{}</a></td><td>{}</td><td>{status}</td><td>{resp}</td><td>{} status, {} toewijzing, {} stand van zaken</td></tr>",
                url(d.key.as_str()),
                esc(d.key.as_str()),
                esc(&short(&d.text, 120)),
                t.status_changes,
                t.reassignments,
                t.notes,
            );
        }
        b.push_str("</tbody></table>");
    }
    html_response(
        StatusCode::OK,
        page("Verschil", &ctx.programme, Some(&ctx.viewer()), &b),
    )
}

// ---------------------------------------------------------------- accounts

async fn accounts(State(app): State<Arc<App>>, headers: HeaderMap, uri: Uri) -> Response {
    let ctx = match signed_in(&app, &headers).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    accounts_page(
        &app,
        &ctx,
        &fields(uri.query().unwrap_or("")),
        None,
        StatusCode::OK,
    )
    .await
}

async fn accounts_page(
    app: &Arc<App>,
    ctx: &Ctx,
    q: &BTreeMap<String, String>,
    msg: Option<String>,
    status: StatusCode,
) -> Response {
    let list = match read(app, |ws| Ok(ws.ledger().registry()?.accounts)).await {
        Ok(l) => l,
        Err(e) => {
            return error_page(status_of(&e), &ctx.programme, Some(&ctx.viewer()), &nl(&e));
        }
    };
    let manages = ctx.may(Action::Accounts, None);
    let csrf = csrf_field(&ctx.session.csrf);
    let mut b = saved_message(q);
    if let Some(m) = msg {
        b.push_str(&html::message("fout", &m));
    }
    b.push_str("<p>Accounts zijn gebeurtenissen in het grootboek: wie wat mocht, en sinds wanneer, blijft zichtbaar. Wachtwoorden en tokens staan er niet in; die zet de beheerder op de server met <code>kamerstand account password</code> en <code>account token</code>.</p>");
    b.push_str("<table><thead><tr><th>Account</th><th>Naam</th><th>Rol</th><th>Ministeries</th><th>Staat</th><th>Sinds seq</th>");
    if manages {
        b.push_str("<th>Wijzigen</th>");
    }
    b.push_str("</tr></thead><tbody>");
    for a in list.values() {
        let _ = write!(
            b,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
            esc(a.account.as_str()),
            esc(&a.display_name),
            esc(a.role.label()),
            esc(&a.ministries.join(", ")),
            if a.disabled {
                "uitgeschakeld"
            } else {
                "actief"
            },
            a.created_seq
        );
        if manages {
            let roles: Vec<(&str, &str)> = AccountRole::ALL
                .iter()
                .map(|r| (r.as_str(), r.label()))
                .collect();
            let _ = write!(
                b,
                "<td><form method=\"post\" action=\"/accounts/{}\" class=\"inline\">{csrf}\
                 <select name=\"rol\">{}</select> <input name=\"ministeries\" value=\"{}\" size=\"10\"> \
                 <button type=\"submit\">Opslaan</button></form> \
                 <form method=\"post\" action=\"/accounts/{}\" class=\"inline\">{csrf}\
                 <input type=\"hidden\" name=\"uitschakelen\" value=\"{}\">\
                 <button type=\"submit\">{}</button></form></td>",
                url(a.account.as_str()),
                html::options(roles, Some(a.role.as_str())),
                esc(&a.ministries.join(" ")),
                url(a.account.as_str()),
                if a.disabled { "nee" } else { "ja" },
                if a.disabled {
                    "Inschakelen"
                } else {
                    "Uitschakelen"
                },
            );
        }
        b.push_str("</tr>");
    }
    b.push_str("</tbody></table>");
    if manages {
        let roles: Vec<(&str, &str)> = AccountRole::ALL
            .iter()
            .map(|r| (r.as_str(), r.label()))
            .collect();
        let _ = write!(
            b,
            "<h2>Nieuw account</h2><form method=\"post\" action=\"/accounts\" class=\"write\">{csrf}\
             <label>Accountnaam <input name=\"account\" placeholder=\"m.jansen\" required></label>\
             <label>Naam <input name=\"naam\" required></label>\
             <label>Rol <select name=\"rol\">{}</select></label>\
             <label>Ministeries <input name=\"ministeries\" placeholder=\"VWS JenV\"></label>\
             <button type=\"submit\">Aanmaken</button></form>",
            html::options(roles, Some("medewerker"))
        );
    }
    html_response(
        status,
        page("Accounts", &ctx.programme, Some(&ctx.viewer()), &b),
    )
}

async fn add_account(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Response {
    let (ctx, f) = match form_post(&app, &headers, &body).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let w = AccountRequest {
        account: field(&f, "account").unwrap_or_default(),
        display_name: field(&f, "naam").unwrap_or_default(),
        role: field(&f, "rol").unwrap_or_default(),
        ministries: field(&f, "ministeries").into_iter().collect(),
    }
    .into_write();
    answer_write(&app, &ctx, w, Back::Accounts).await
}

async fn change_account(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Segments(name): Segments<String>,
    body: Bytes,
) -> Response {
    let (ctx, f) = match form_post(&app, &headers, &body).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let w = match f.get("uitschakelen") {
        Some(v) => AccountChangeRequest {
            disabled: Some(v == "ja"),
            ..Default::default()
        },
        None => AccountChangeRequest {
            role: field(&f, "rol"),
            ministries: field(&f, "ministeries").map(|m| vec![m]),
            disabled: None,
        },
    }
    .into_write(&name);
    answer_write(&app, &ctx, w, Back::Accounts).await
}

//! The shared ledger attacked by a careless or hostile user, on what
//! `server` does not already try: query parameters the API does not take
//! or is given twice, a session opened with a password that has since been
//! changed, and the command line's `--server` against a server that
//! redirects, hangs, sends bidi characters in JSON, or does not send JSON
//! at all. Everything listens on 127.0.0.1 with a port the system picks;
//! waits are bounded.

use crate::common::TestEnv;
use crate::schemas::Checker;
use crate::server::{Http, PASSWORD, csrf, events, serve, shared};
use kamerstand::app::Workspace;
use kamerstand::domain::AccountName;
use kamerstand::server::{Config, Limits, Server};
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::net::SocketAddr;
use std::net::{Ipv4Addr, TcpListener};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

#[test]
fn the_api_refuses_query_parameters_it_does_not_take_or_twice_and_writes_nothing() {
    let s = shared();
    let server = serve(&s.env);
    let http = Http::new(&server);
    let coord = s.tokens["coord"].as_str();
    // What the paths take is still taken, as `kamerstand --server` sends it.
    let fine = http.api_get(
        "/api/v1/overview?format=json&lang=en&as_of=2030-01-01&ministry=VWS",
        Some(coord),
    );
    assert_eq!(fine.status, 200, "{}", fine.body);
    // A misspelt view option would answer the view of now: refused.
    for (path, named, said) in [
        ("/api/v1/overview?asof=2000-01-01", "asof", "as_of"),
        ("/api/v1/items?ministerie=VWS", "ministerie", "ministry"),
        (
            "/api/v1/items/M1?effectief=2000-01-01",
            "effectief",
            "effective",
        ),
        ("/api/v1/log?limiet=1", "limiet", "limit"),
        ("/api/v1/rounds?as_of=2000-01-01", "as_of", "format, lang"),
        (
            "/api/v1/export?format=csv&sleutels=true",
            "sleutels",
            "keys",
        ),
        ("/api/v1/me?x=1", "x", "format, lang"),
    ] {
        let a = http.api_get(path, Some(coord));
        assert_eq!(a.status, 400, "{path}: {}", a.body);
        let message = a.json()["error"]["message"].as_str().unwrap().to_string();
        assert!(
            message.contains(&format!("'{named}'")) && message.contains(said),
            "{path}: {message}"
        );
    }
    // A value the path would have read as something else unasked.
    for (path, named) in [
        ("/api/v1/overview?format=table&lang=EN", "lang"),
        ("/api/v1/diff?from=now&to=now&all=yes", "all"),
        ("/api/v1/log?item=%FF", "item"),
    ] {
        let a = http.api_get(path, Some(coord));
        assert_eq!(a.status, 400, "{path}: {}", a.body);
        let message = a.json()["error"]["message"].as_str().unwrap().to_string();
        assert!(
            message.starts_with(&format!("invalid {named} ")),
            "{path}: {message}"
        );
    }
    // Given twice, only one can be meant.
    for path in [
        "/api/v1/overview?as_of=2000-01-01&as_of=2030-01-01",
        "/api/v1/items?ministry=VWS&ministry=OCW",
        "/api/v1/diff?from=now&to=now&to=now",
    ] {
        let a = http.api_get(path, Some(coord));
        assert_eq!(a.status, 400, "{path}: {}", a.body);
        assert!(a.body.contains("more than once"), "{path}: {}", a.body);
    }
    // A write with a stray parameter is refused whole: nothing written.
    let before = events(&http, &s);
    for path in [
        "/api/v1/items/M1/status?format=json&format=table",
        "/api/v1/items/M1/status?formaat=json",
    ] {
        let a = http.api_post(path, coord, &json!({"status": "vertraagd"}));
        assert_eq!(a.status, 400, "{path}: {}", a.body);
    }
    assert_eq!(events(&http, &s), before);
    server.stop().unwrap();
}

#[test]
fn a_path_that_is_not_utf8_or_a_method_a_path_does_not_take_is_refused_in_kind() {
    let s = shared();
    let server = serve(&s.env);
    let http = Http::new(&server);
    let checker = Checker::new();
    let coord = s.tokens["coord"].as_str();
    let before = events(&http, &s);
    // The API answers every refusal in its error schema, a page otherwise.
    let bad = [
        ("GET", "/api/v1/items/%FF", 400),
        ("POST", "/api/v1/items/%C3/status", 400),
        ("GET", "/api/v1/rounds/%FF%FE/digest", 400),
        ("POST", "/api/v1/accounts/%FF", 400),
        ("GET", "/api/v1/items/M1/status", 405),
        ("DELETE", "/api/v1/items", 405),
        ("PUT", "/api/v1/items/M1", 405),
        ("GET", "/api/v2/items", 404),
        ("GET", "/api/", 404),
    ];
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .allow_non_standard_methods(true)
        .build()
        .into();
    let base = format!("http://{}", server.addr());
    for (method, path, status) in bad {
        let req = ureq::http::Request::builder()
            .method(method)
            .uri(format!("{base}{path}"))
            .header("Authorization", format!("Bearer {coord}"))
            .header("Content-Type", "application/json")
            .body(if method == "GET" {
                String::new()
            } else {
                "{}".to_string()
            })
            .unwrap();
        let mut a = agent.run(req).unwrap();
        assert_eq!(a.status().as_u16(), status, "{method} {path}");
        let body = a.body_mut().read_to_string().unwrap();
        let v: Value = serde_json::from_str(&body)
            .unwrap_or_else(|e| panic!("{method} {path}: not JSON ({e}): {body}"));
        checker.valid("api-error", path, &v);
    }
    let vws = http.session("vws");
    for (path, status) in [
        ("/items/%FF", 400),
        ("/items/M1/status", 405),
        ("/uitloggen", 405),
    ] {
        let a = http.get(path, Some(&vws));
        assert_eq!(a.status, status, "{path}: {}", a.body);
        assert!(a.body.starts_with("<!DOCTYPE html>"), "{path}: {}", a.body);
        assert!(a.body.contains("class=\"msg fout\""), "{path}: {}", a.body);
    }
    assert_eq!(events(&http, &s), before);
    server.stop().unwrap();
}

#[test]
fn a_form_sent_in_another_encoding_is_refused_not_recorded_with_replacement_characters() {
    let s = shared();
    let server = serve(&s.env);
    let http = Http::new(&server);
    let vws = http.session("vws");
    let page = http.get("/items/M1", Some(&vws));
    let token = csrf(&page.body);
    let before = events(&http, &s);
    // "coördinatie" as Latin-1 sends it: %F6, which is no UTF-8.
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    for body in [
        format!("csrf={token}&tekst=co%F6rdinatie"),
        format!("csrf={token}&tekst=x&ingang%FF=2025-01-01"),
    ] {
        let mut a = agent
            .post(format!("http://{}/items/M1/notitie", server.addr()))
            .header("Cookie", &vws)
            .content_type("application/x-www-form-urlencoded")
            .send(body.as_str())
            .unwrap();
        let html = a.body_mut().read_to_string().unwrap();
        assert_eq!(a.status().as_u16(), 400, "{body}: {html}");
        assert!(html.contains("geen UTF-8-tekst"), "{html}");
        assert!(!html.contains('\u{fffd}'), "{html}");
    }
    assert_eq!(events(&http, &s), before);
    // The same note in UTF-8 is recorded as typed.
    let ok = http.form(
        "/items/M1/notitie",
        Some(&vws),
        &[("csrf", &token), ("tekst", "coördinatie")],
    );
    assert_eq!(ok.status, 303, "{}", ok.body);
    let shown = http.api_get("/api/v1/items/M1", Some(&s.tokens["audit"]));
    assert!(shown.body.contains("coördinatie"), "{}", shown.body);
    server.stop().unwrap();
}

#[test]
fn the_last_beheerder_cannot_give_up_the_role_or_be_disabled_through_the_server() {
    let s = shared();
    let server = serve(&s.env);
    let http = Http::new(&server);
    let beheer = s.tokens["beheer"].as_str();
    let before = events(&http, &s);
    for body in [
        json!({"role": "auditor"}),
        json!({"role": "coordinator"}),
        json!({"disabled": true}),
    ] {
        let a = http.api_post("/api/v1/accounts/beheer", beheer, &body);
        assert_eq!(a.status, 400, "{body}: {}", a.body);
        assert!(a.body.contains("only one"), "{}", a.body);
    }
    // Nor through the accounts page.
    let session = http.session("beheer");
    let page = http.get("/accounts", Some(&session));
    let token = csrf(&page.body);
    let form = http.form(
        "/accounts/beheer",
        Some(&session),
        &[("csrf", &token), ("rol", "auditor"), ("ministeries", "")],
    );
    assert_eq!(form.status, 400, "{}", form.body);
    assert!(form.body.contains("beheer is de enige"), "{}", form.body);
    assert_eq!(events(&http, &s), before);
    // With a second beheerder, the first may step down, but not give
    // itself a role that records items: the other beheerder can.
    let add = http.api_post(
        "/api/v1/accounts",
        beheer,
        &json!({"account": "beheer2", "display_name": "Tweede", "role": "beheerder"}),
    );
    assert_eq!(add.status, 200, "{}", add.body);
    let before = events(&http, &s);
    for role in ["coordinator", "medewerker"] {
        let a = http.api_post(
            "/api/v1/accounts/beheer",
            beheer,
            &json!({"role": role, "ministries": ["VWS"]}),
        );
        assert_eq!(a.status, 403, "{role}: {}", a.body);
        assert!(a.body.contains("its own account"), "{}", a.body);
    }
    let form = http.form(
        "/accounts/beheer",
        Some(&session),
        &[
            ("csrf", &token),
            ("rol", "coordinator"),
            ("ministeries", ""),
        ],
    );
    assert_eq!(form.status, 403, "{}", form.body);
    assert!(form.body.contains("het eigen account"), "{}", form.body);
    assert_eq!(events(&http, &s), before);
    let step_down = http.api_post(
        "/api/v1/accounts/beheer",
        beheer,
        &json!({"role": "auditor"}),
    );
    assert_eq!(step_down.status, 200, "{}", step_down.body);
    server.stop().unwrap();
}

/// Markup, quotes that would end an attribute, and a script URL: what a
/// hostile clerk types into every text the pages show.
const HOSTILE: &str =
    "<script>alert(1)</script>\"'><img src=x onerror=alert(2)> javascript:alert(3) &amp;";

#[test]
fn hostile_text_in_every_field_is_shown_escaped_on_every_page_for_every_role() {
    let s = shared();
    let server = serve(&s.env);
    let http = Http::new(&server);
    let coord = s.tokens["coord"].as_str();
    let mut status_seq = None;
    for (path, token, body) in [
        (
            "/api/v1/items",
            coord,
            json!({"kind": "motie", "key": "X1", "text": HOSTILE, "submitters": [HOSTILE],
                   "refs_raw": [HOSTILE], "responsible": "SVWS"}),
        ),
        (
            "/api/v1/items/X1/note",
            coord,
            json!({"text": HOSTILE, "refs_raw": [HOSTILE]}),
        ),
        (
            "/api/v1/items/X1/status",
            coord,
            json!({"status": "vertraagd", "reason": HOSTILE}),
        ),
        (
            "/api/v1/items/X1/assign",
            coord,
            json!({"responsible": "MVWS", "reason": HOSTILE}),
        ),
        (
            "/api/v1/rounds",
            coord,
            json!({"name": "r1", "title": HOSTILE}),
        ),
        (
            "/api/v1/items/X1/amend",
            coord,
            json!({"text": format!("{HOSTILE} 2"), "reason": HOSTILE}),
        ),
        (
            "/api/v1/accounts",
            s.tokens["beheer"].as_str(),
            json!({"account": "x.y", "display_name": HOSTILE, "role": "medewerker", "ministries": ["VWS"]}),
        ),
    ] {
        let a = http.api_post(path, token, &body);
        assert_eq!(a.status, 200, "{path}: {}", a.body);
        if path.ends_with("/status") {
            status_seq = a.json()["seq"].as_u64();
        }
    }
    let correct = http.api_post(
        "/api/v1/corrections",
        coord,
        &json!({"event": status_seq.unwrap().to_string(), "reason": HOSTILE, "status": "in-uitvoering"}),
    );
    assert_eq!(correct.status, 200, "{}", correct.body);
    let pages = [
        "/".to_string(),
        "/?status=vertraagd&ministerie=VWS".to_string(),
        "/items/X1".to_string(),
        "/items/X1?ronde=r1".to_string(),
        "/rondes".to_string(),
        "/verschil?van=r1&tot=nu".to_string(),
        "/accounts".to_string(),
        format!("/items/{}", "%3Cscript%3E"),
        format!("/?peildatum={}", "%3Cscript%3E%22%3E"),
        format!("/verschil?van={}&tot=nu", "%3Cimg%20src%3Dx%3E"),
    ];
    for who in ["beheer", "coord", "vws", "ocw", "audit"] {
        let session = http.session(who);
        for page in &pages {
            let a = http.get(page, Some(&session));
            assert!(a.status < 500, "{who} {page}: {}", a.body);
            for raw in ["<script", "<img", "\"'>"] {
                assert!(!a.body.contains(raw), "{who} {page}: {raw} in {}", a.body);
            }
        }
        // The text is there, escaped, where the account may see it.
        let item = http.get("/items/X1", Some(&session));
        assert!(
            item.body
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&gt;&lt;img"),
            "{who}: {}",
            item.body
        );
        assert!(item.body.contains("&amp;amp;"), "{who}: {}", item.body);
    }
    server.stop().unwrap();
}

#[test]
fn sessions_are_renewed_at_sign_in_and_their_cookie_is_secure_when_asked() {
    let s = shared();
    let ws = Workspace::open(&s.env.store, s.env.open_options()).unwrap();
    let server = Server::start(
        ws,
        Config {
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            store: s.env.store.clone(),
            secure_cookies: true,
            limits: Limits::default(),
        },
    )
    .unwrap();
    let base = format!("http://{}", server.addr());
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let set_cookie = |r: &ureq::http::Response<ureq::Body>| {
        r.headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
            .unwrap_or_default()
    };
    let flags = |c: &str| {
        assert!(
            c.contains("; HttpOnly") && c.contains("; SameSite=Strict") && c.contains("; Secure"),
            "{c}"
        );
    };
    let mut page = agent.get(format!("{base}/inloggen")).call().unwrap();
    let before = set_cookie(&page);
    flags(&before);
    let before = before.split(';').next().unwrap().to_string();
    let token = csrf(&page.body_mut().read_to_string().unwrap());
    let signed = agent
        .post(format!("{base}/inloggen"))
        .header("Cookie", &before)
        .content_type("application/x-www-form-urlencoded")
        .send(format!("csrf={token}&account=vws&wachtwoord={PASSWORD}").as_str())
        .unwrap();
    assert_eq!(signed.status().as_u16(), 303);
    let after = set_cookie(&signed);
    flags(&after);
    let after = after.split(';').next().unwrap().to_string();
    // A new id: one planted before the sign-in is worth nothing after.
    assert_ne!(before, after);
    let old = agent
        .get(format!("{base}/"))
        .header("Cookie", &before)
        .call()
        .unwrap();
    assert_eq!(old.status().as_u16(), 303);
    let new = agent
        .get(format!("{base}/"))
        .header("Cookie", &after)
        .call()
        .unwrap();
    assert_eq!(new.status().as_u16(), 200);
    // Signing out takes the session's token too, and clears the cookie
    // with the same flags.
    let forged = agent
        .post(format!("{base}/uitloggen"))
        .header("Cookie", &after)
        .content_type("application/x-www-form-urlencoded")
        .send("csrf=")
        .unwrap();
    assert_eq!(forged.status().as_u16(), 403);
    let mut page = agent
        .get(format!("{base}/"))
        .header("Cookie", &after)
        .call()
        .unwrap();
    let token = csrf(&page.body_mut().read_to_string().unwrap());
    let out = agent
        .post(format!("{base}/uitloggen"))
        .header("Cookie", &after)
        .content_type("application/x-www-form-urlencoded")
        .send(format!("csrf={token}").as_str())
        .unwrap();
    assert_eq!(out.status().as_u16(), 303);
    let cleared = set_cookie(&out);
    flags(&cleared);
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    server.stop().unwrap();
}

#[test]
fn a_page_refuses_a_view_naming_the_field_the_clerk_typed() {
    let s = shared();
    let server = serve(&s.env);
    let http = Http::new(&server);
    let vws = http.session("vws");
    for (query, named) in [
        ("peildatum=gisteren", "peildatum"),
        ("geldend=2025-13-01", "geldend"),
        ("ronde=r1&peildatum=2025-01-01", "peildatum"),
    ] {
        for page in ["/", "/items/M1"] {
            let a = http.get(&format!("{page}?{query}"), Some(&vws));
            assert_eq!(a.status, 400, "{page}?{query}: {}", a.body);
            assert!(
                a.body.contains(&format!("Ongeldige {named} ")),
                "{page}?{query}: {}",
                a.body
            );
            for api in ["as_of", "effective"] {
                assert!(!a.body.contains(api), "{page}?{query}: {api} in {}", a.body);
            }
        }
    }
    server.stop().unwrap();
}

#[test]
fn a_refused_correction_with_its_item_field_changed_by_hand_still_says_why() {
    let s = shared();
    let server = serve(&s.env);
    let http = Http::new(&server);
    let vws = http.session("vws");
    let token = csrf(&http.get("/items/M1", Some(&vws)).body);
    let before = events(&http, &s);
    // M2 is OCW's: its registration (seq 2) is not vws's to correct; the
    // hidden field says an item that does not exist.
    let a = http.form(
        "/correcties",
        Some(&vws),
        &[
            ("csrf", &token),
            ("item", &"X".repeat(10_000)),
            ("gebeurtenis", "2"),
            ("reden", "verkeerd"),
            ("status", "vertraagd"),
        ],
    );
    assert_eq!(a.status, 403, "{}", a.body);
    assert!(a.body.contains("medewerker voor VWS"), "{}", a.body);
    assert!(
        !a.body
            .contains("XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"),
        "the whole field echoed"
    );
    assert_eq!(events(&http, &s), before);
    server.stop().unwrap();
}

#[test]
fn a_changed_password_ends_the_sessions_opened_with_the_old_one() {
    let s = shared();
    let server = serve(&s.env);
    let http = Http::new(&server);
    let vws = http.session("vws");
    let ocw = http.session("ocw");
    assert_eq!(http.get("/", Some(&vws)).status, 200);
    // The administrator changes the password, as after a leak.
    let mut creds = kamerstand::app::credentials::Credentials::load(&s.env.store).unwrap();
    creds
        .set_password(&AccountName::parse("vws").unwrap(), "een-nieuw-wachtwoord")
        .unwrap();
    creds.save().unwrap();
    let old = http.get("/", Some(&vws));
    assert_eq!(old.status, 303, "{}", old.body);
    assert_eq!(old.location.as_deref(), Some("/inloggen"));
    // Nor does a form of that session write anything.
    let before = events(&http, &s);
    let form = http.form(
        "/items/M1/status",
        Some(&vws),
        &[("csrf", "x"), ("status", "vertraagd")],
    );
    assert_ne!(form.status, 200);
    assert_eq!(events(&http, &s), before);
    // Other accounts stay signed in; the new password signs in.
    assert_eq!(http.get("/", Some(&ocw)).status, 200);
    assert_eq!(http.sign_in("vws", PASSWORD).status, 401);
    let again = http.sign_in("vws", "een-nieuw-wachtwoord");
    assert_eq!(again.status, 303, "{}", again.body);
    assert_eq!(http.get("/", again.cookie.as_deref()).status, 200);
    server.stop().unwrap();
}

/// A "server" on the loopback interface that answers its connections, in
/// turn, with `answers` (whole HTTP answers, as bytes; None: read the
/// request and never answer). Each request's first line is sent on the
/// channel. The thread is left waiting for a connection that may never
/// come; it ends with the test binary.
fn fake(answers: Vec<Option<Vec<u8>>>) -> (String, mpsc::Receiver<String>) {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for answer in answers {
            let Ok((mut c, _)) = listener.accept() else {
                return;
            };
            c.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
            let head = super::server::read_request(&mut c);
            let _ = tx.send(head.lines().next().unwrap_or_default().to_string());
            match answer {
                Some(bytes) => {
                    let _ = c.write_all(&bytes);
                }
                None => held.push(c),
            }
        }
        // Hold the silent connections open until the client gives up.
        std::thread::sleep(Duration::from_secs(60));
    });
    (url, rx)
}

fn http_answer(status: &str, headers: &str, body: &str) -> Option<Vec<u8>> {
    Some(
        format!(
            "HTTP/1.1 {status}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .into_bytes(),
    )
}

fn token_file(env: &TestEnv) -> String {
    let token = env.dir.path().join("t.token");
    crate::common::write_private(&token, "kst_abc\n");
    token.to_str().unwrap().to_string()
}

#[test]
fn the_command_line_follows_no_redirect_of_a_server() {
    let env = TestEnv::new();
    let token = token_file(&env);
    // A write answered 303 would be repeated as a read of wherever it
    // points, and that read's answer printed as if the write were done.
    let (url, requests) = fake(vec![
        http_answer(
            "303 See Other",
            "Location: /api/v1/overview\r\nContent-Type: text/plain\r\n",
            "",
        ),
        http_answer(
            "200 OK",
            "Content-Type: application/json\r\n",
            "{\"view\": {}}\n",
        ),
    ]);
    let out = env.run_bare(&[
        "--server",
        &url,
        "--token-file",
        &token,
        "status",
        "M1",
        "vertraagd",
    ]);
    out.expect_code(1);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert!(
        out.stderr.contains("redirect to /api/v1/overview") && out.stderr.contains("--server"),
        "{}",
        out.stderr
    );
    let first = requests.recv_timeout(Duration::from_secs(5)).unwrap();
    assert!(first.starts_with("POST /api/v1/items/M1/status"), "{first}");
    // Nothing was asked of the address redirected to.
    assert!(
        requests.recv_timeout(Duration::from_millis(300)).is_err(),
        "the redirect was followed"
    );
}

#[test]
fn json_from_a_server_reaches_the_terminal_as_json_without_bidi_controls_or_is_refused() {
    let env = TestEnv::new();
    let token = token_file(&env);
    let (url, _requests) = fake(vec![
        http_answer(
            "200 OK",
            "Content-Type: application/json\r\n",
            "{\"items\": [\"Jans\u{202e}neJ\", \"tag\u{e0041}\", \"bel\\u0007\"]}\n",
        ),
        http_answer(
            "200 OK",
            "Content-Type: text/html\r\n",
            "<html><body>Aanmelden bij de proxy</body></html>\n",
        ),
    ]);
    let run = || {
        env.run_bare(&[
            "--server",
            &url,
            "--token-file",
            &token,
            "--format",
            "json",
            "overview",
        ])
    };
    let bidi = run();
    bidi.ok();
    assert!(
        !bidi
            .stdout
            .chars()
            .any(|c| c == '\u{202e}' || c == '\u{e0041}' || (c.is_control() && c != '\n')),
        "{:?}",
        bidi.stdout
    );
    // Still JSON, with the same strings: the characters are escaped the
    // way JSON escapes them.
    let v: Value = serde_json::from_str(&bidi.stdout).unwrap();
    assert_eq!(
        v["items"],
        json!(["Jans\u{202e}neJ", "tag\u{e0041}", "bel\u{7}"])
    );
    // JSON asked for, a page answered (a proxy's sign-in page): not
    // printed as if it were the answer.
    let page = run();
    page.expect_code(1);
    assert!(page.stdout.is_empty(), "{}", page.stdout);
    assert!(page.stderr.contains("not JSON"), "{}", page.stderr);
}

#[test]
fn the_command_line_gives_up_on_a_server_that_never_answers() {
    let env = TestEnv::new();
    let token = token_file(&env);
    let (url, requests) = fake(vec![None]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_kamerstand"))
        .args(["--server", &url, "--token-file", &token, "overview"])
        .env("KAMERSTAND_TIMEOUT", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the command line still waits for a server that never answers");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("within 1 seconds") && stderr.contains("KAMERSTAND_TIMEOUT"),
        "{stderr}"
    );
    assert!(requests.recv_timeout(Duration::from_secs(5)).is_ok());
    // A wait that is no number is refused as input, before anything is
    // sent.
    let bad = Command::new(env!("CARGO_BIN_EXE_kamerstand"))
        .args(["--server", &url, "--token-file", &token, "overview"])
        .env("KAMERSTAND_TIMEOUT", "lang")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&bad.stderr);
    assert_eq!(bad.status.code(), Some(2), "{err}");
    assert!(
        err.contains("KAMERSTAND_TIMEOUT") && err.contains("seconds"),
        "{err}"
    );
}

/// A failure on the server's side (here the credentials file damaged) is
/// shown to someone not signed in without what failed where: no path of
/// the store's files on a page anyone can ask for.
#[test]
fn a_server_failure_shows_no_path_to_someone_not_signed_in() {
    let s = shared();
    let server = serve(&s.env);
    let http = Http::new(&server);
    let creds = kamerstand::app::credentials::path_for(&s.env.store);
    std::fs::write(&creds, "not the credentials").unwrap();
    let a = http.sign_in("coord", PASSWORD);
    assert_eq!(a.status, 500, "{}", a.body);
    assert!(
        a.body.contains("Er ging iets mis op de server"),
        "{}",
        a.body
    );
    let dir = s.env.dir.path().to_str().unwrap();
    assert!(!a.body.contains(dir), "a path on the page: {}", a.body);
    server.stop().unwrap();
}

/// A server's answer is read up to `MAX_ANSWER` (256 MiB) only: one that
/// declares more is refused before any of it is read, and one that sends
/// more without saying so is cut off there, exit 1 naming the server and
/// the limit. (It read up to 1 GiB, then copied it twice to show it.)
#[test]
fn an_answer_larger_than_the_limit_is_refused_naming_the_server_and_the_limit() {
    use std::io::Write as _;
    let env = TestEnv::new();
    let token = token_file(&env);
    let declared = Some(
        format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\nbegin",
            300u64 * 1024 * 1024
        )
        .into_bytes(),
    );
    let (url, _requests) = fake(vec![declared]);
    let out = env.run_bare(&["--server", &url, "--token-file", &token, "overview"]);
    out.expect_code(1);
    assert!(
        out.stderr.contains(&url) && out.stderr.contains("256 MiB"),
        "{}",
        out.stderr
    );
    // Undeclared (read until the connection closes): the client stops
    // reading at the limit.
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let sender = std::thread::spawn(move || {
        let (mut c, _) = listener.accept().unwrap();
        c.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        c.set_write_timeout(Some(Duration::from_secs(60))).unwrap();
        let _ = super::server::read_request(&mut c);
        let _ = c
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n");
        let block = vec![b'x'; 1 << 20];
        let mut sent = 0u64;
        // A little over the limit; a client that keeps reading gets it all.
        while sent <= 257 * 1024 * 1024 {
            if c.write_all(&block).is_err() {
                break;
            }
            sent += block.len() as u64;
        }
        sent
    });
    let out = env.run_bare(&["--server", &url, "--token-file", &token, "overview"]);
    out.expect_code(1);
    assert!(
        out.stderr.contains(&url) && out.stderr.contains("256 MiB"),
        "{}",
        out.stderr
    );
    assert!(sender.join().unwrap() >= 256 * 1024 * 1024);
}

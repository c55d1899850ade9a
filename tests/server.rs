//! The shared ledger over HTTP, on the loopback interface only: signing in
//! and out, CSRF refusals, what each role may write through the web pages
//! and the API (403 with nothing written otherwise), a disabled account,
//! the API's JSON against the schemas, the command line's `--server`,
//! group commit in the writer, concurrent writers all durable, and a
//! server killed with SIGKILL while clients write: every acknowledged write
//! is in the ledger afterwards and it verifies.
//!
//! Request loops are bounded in count; every server here listens on
//! 127.0.0.1 with a port the system picks.

use crate::common::TestEnv;
use crate::schemas::Checker;
use kamerstand::app::Workspace;
use kamerstand::app::writer::Writer;
use kamerstand::server::{Config, Limits, Server};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::sync::mpsc;
use std::time::Duration;

pub(crate) const PASSWORD: &str = "een-goed-wachtwoord";

/// A ledger with two items of two ministries and an account of every role
/// (with a password and a token each), served in-process.
pub(crate) struct Shared {
    pub(crate) env: TestEnv,
    pub(crate) tokens: BTreeMap<&'static str, String>,
}

const ACCOUNTS: &[(&str, &str, &[&str])] = &[
    ("beheer", "beheerder", &[]),
    ("coord", "coordinator", &[]),
    ("vws", "medewerker", &["VWS"]),
    ("ocw", "medewerker", &["OCW"]),
    ("audit", "auditor", &[]),
];

pub(crate) fn shared() -> Shared {
    let env = TestEnv::init();
    env.run(&[
        "item",
        "add",
        "--kind",
        "motie",
        "--key",
        "M1",
        "--text",
        "Motie van het lid A; verzoekt de regering iets",
        "--responsible",
        "MVWS",
    ])
    .ok();
    env.run(&[
        "item",
        "add",
        "--kind",
        "motie",
        "--key",
        "M2",
        "--text",
        "Motie van het lid B; verzoekt de regering iets anders",
        "--responsible",
        "MOCW en SOCW",
    ])
    .ok();
    let mut tokens = BTreeMap::new();
    for (name, role, ministries) in ACCOUNTS {
        let mut args = vec!["account", "add", name, "--name", name, "--role", role];
        for m in *ministries {
            args.extend(["--ministry", m]);
        }
        env.run(&args).ok();
        env.run_with_input(
            &["account", "password", name],
            format!("{PASSWORD}\n").as_bytes(),
        )
        .ok();
        let out = env.run(&["account", "token", name]);
        out.expect_code(0);
        assert!(out.stderr.contains("shown this once"), "{}", out.stderr);
        tokens.insert(*name, out.stdout.trim().to_string());
    }
    Shared { env, tokens }
}

pub(crate) fn serve(env: &TestEnv) -> Server {
    serve_with(env, Limits::default())
}

fn serve_with(env: &TestEnv, limits: Limits) -> Server {
    let ws = Workspace::open(&env.store, env.open_options()).unwrap();
    Server::start(
        ws,
        Config {
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            store: env.store.clone(),
            secure_cookies: false,
            limits,
        },
    )
    .unwrap()
}

/// A bare connection, for clients that do not behave. Reads give up after
/// 20 seconds, so a server that never closes fails the test instead of
/// hanging it.
fn raw(server: &Server) -> TcpStream {
    let s = TcpStream::connect(server.addr()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    s
}

/// One answer read off `s`: its status line and headers, and the body its
/// Content-Length announces.
fn one_answer(s: &mut TcpStream) -> (String, String) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        let n = s
            .read(&mut byte)
            .unwrap_or_else(|e| panic!("no answer from the server: {e}"));
        assert_eq!(n, 1, "the server closed without answering");
        head.push(byte[0]);
    }
    let head = String::from_utf8(head).unwrap();
    let length: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().parse().unwrap())
        })
        .expect("a Content-Length");
    let mut body = vec![0u8; length];
    s.read_exact(&mut body).unwrap();
    (head, String::from_utf8(body).unwrap())
}

/// Everything the server sends on `s` until it closes the connection.
fn until_closed(s: &mut TcpStream) -> String {
    let mut b = Vec::new();
    s.read_to_end(&mut b)
        .unwrap_or_else(|e| panic!("the server did not close the connection: {e}"));
    String::from_utf8_lossy(&b).into_owned()
}

/// An answer: status, the session cookie it set (if any), the body.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) cookie: Option<String>,
    pub(crate) location: Option<String>,
    pub(crate) body: String,
}

impl Answer {
    pub(crate) fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

pub(crate) struct Http {
    agent: ureq::Agent,
    base: String,
}

impl Http {
    pub(crate) fn new(server: &Server) -> Http {
        Http::at(&format!("http://{}", server.addr()))
    }

    fn at(base: &str) -> Http {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .max_redirects_will_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        Http {
            agent,
            base: base.to_string(),
        }
    }

    fn answer(r: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Answer {
        let mut r = r.unwrap();
        let header = |n: &str| {
            r.headers()
                .get(n)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let cookie = header("set-cookie").and_then(|c| {
            c.split(';')
                .next()
                .map(str::to_string)
                .filter(|kv| !kv.ends_with('='))
        });
        let location = header("location");
        Answer {
            status: r.status().as_u16(),
            cookie,
            location,
            body: r.body_mut().read_to_string().unwrap(),
        }
    }

    pub(crate) fn get(&self, path: &str, cookie: Option<&str>) -> Answer {
        let mut req = self.agent.get(format!("{}{path}", self.base));
        if let Some(c) = cookie {
            req = req.header("Cookie", c);
        }
        Http::answer(req.call())
    }

    pub(crate) fn form(&self, path: &str, cookie: Option<&str>, fields: &[(&str, &str)]) -> Answer {
        let body: Vec<String> = fields
            .iter()
            .map(|(k, v)| format!("{k}={}", enc(v)))
            .collect();
        let mut req = self.agent.post(format!("{}{path}", self.base));
        if let Some(c) = cookie {
            req = req.header("Cookie", c);
        }
        Http::answer(
            req.content_type("application/x-www-form-urlencoded")
                .send(body.join("&")),
        )
    }

    pub(crate) fn api_get(&self, path: &str, token: Option<&str>) -> Answer {
        let mut req = self.agent.get(format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.header("Authorization", format!("Bearer {t}"));
        }
        Http::answer(req.call())
    }

    pub(crate) fn api_post(&self, path: &str, token: &str, body: &Value) -> Answer {
        Http::answer(
            self.agent
                .post(format!("{}{path}", self.base))
                .header("Authorization", format!("Bearer {token}"))
                .send_json(body),
        )
    }

    fn api_post_file(&self, path: &str, token: &str, bytes: &[u8]) -> Answer {
        Http::answer(
            self.agent
                .post(format!("{}{path}", self.base))
                .header("Authorization", format!("Bearer {token}"))
                .header("Content-Type", "application/octet-stream")
                .send(bytes),
        )
    }

    /// Signs in through the pages; returns the session cookie.
    pub(crate) fn sign_in(&self, account: &str, password: &str) -> Answer {
        let page = self.get("/inloggen", None);
        assert_eq!(page.status, 200);
        let cookie = page.cookie.clone().unwrap();
        let csrf = csrf(&page.body);
        self.form(
            "/inloggen",
            Some(&cookie),
            &[
                ("csrf", &csrf),
                ("account", account),
                ("wachtwoord", password),
            ],
        )
    }

    pub(crate) fn session(&self, account: &str) -> String {
        let a = self.sign_in(account, PASSWORD);
        assert_eq!(a.status, 303, "{}", a.body);
        a.cookie.unwrap()
    }
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

pub(crate) fn csrf(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").expect("a CSRF field") + 19;
    html[at..].split('"').next().unwrap().to_string()
}

/// How many events the ledger holds, asked of the server that holds it
/// (as the coördinator, who can read while every other account's rights
/// are being tried).
pub(crate) fn events(http: &Http, s: &Shared) -> u64 {
    let a = http.api_get("/api/v1/overview", Some(&s.tokens["coord"]));
    assert_eq!(a.status, 200, "{}", a.body);
    a.json()["view"]["events"].as_u64().unwrap()
}

#[test]
fn web_pages_sign_in_refuse_forged_forms_and_follow_the_roles() {
    let s = shared();
    let server = serve(&s.env);
    let http = Http::new(&server);

    // Not signed in: to the sign-in page.
    let a = http.get("/", None);
    assert_eq!((a.status, a.location.as_deref()), (303, Some("/inloggen")));
    // Wrong password, unknown account: the same answer.
    assert_eq!(http.sign_in("vws", "niet-het-wachtwoord").status, 401);
    assert_eq!(http.sign_in("niemand", PASSWORD).status, 401);
    // A sign-in form without its session's token is refused.
    let page = http.get("/inloggen", None);
    let forged = http.form(
        "/inloggen",
        page.cookie.as_deref(),
        &[
            ("csrf", "vervalst"),
            ("account", "vws"),
            ("wachtwoord", PASSWORD),
        ],
    );
    assert_eq!(forged.status, 403);

    let vws = http.session("vws");
    let overview = http.get("/", Some(&vws));
    assert_eq!(overview.status, 200);
    assert!(
        overview.body.contains("href=\"/items/M1\""),
        "{}",
        overview.body
    );
    assert!(!overview.body.contains("<script"));
    let item = http.get("/items/M1", Some(&vws));
    assert!(item.body.contains("Status vastleggen"));
    let token = csrf(&item.body);

    // A form without the session's token writes nothing.
    let before = events(&http, &s);
    let a = http.form(
        "/items/M1/status",
        Some(&vws),
        &[("csrf", "vervalst"), ("status", "in-uitvoering")],
    );
    assert_eq!(a.status, 403);
    assert_eq!(events(&http, &s), before);

    // Its own ministry's item: recorded, under the account's name.
    let a = http.form(
        "/items/M1/status",
        Some(&vws),
        &[
            ("csrf", &token),
            ("status", "in-uitvoering"),
            ("reden", "gestart"),
        ],
    );
    assert_eq!(a.status, 303, "{}", a.body);
    assert_eq!(events(&http, &s), before + 1);
    let page = http.get(a.location.as_deref().unwrap(), Some(&vws));
    assert!(page.body.contains("Vastgelegd als seq"));
    assert!(
        page.body.contains("<td>vws</td>"),
        "the timeline names the account"
    );
    let overview = http.get("/?status=in-uitvoering", Some(&vws));
    assert!(overview.body.contains("href=\"/items/M1\""));
    assert!(!overview.body.contains("href=\"/items/M2\""));

    // Another ministry's item: no forms, and a forged post is refused.
    let other = http.get("/items/M2", Some(&vws));
    assert!(!other.body.contains("Status vastleggen"));
    let a = http.form(
        "/items/M2/status",
        Some(&vws),
        &[("csrf", &token), ("status", "in-uitvoering")],
    );
    assert_eq!(a.status, 403);
    // In Dutch, as the rest of the page, naming the item and its parties.
    for part in [
        "medewerker voor VWS",
        "mag dit niet: een status vastleggen voor item M2",
        "MOCW en SOCW",
    ] {
        assert!(a.body.contains(part), "{part}: {}", a.body);
    }
    assert!(!a.body.contains("may not"), "{}", a.body);
    assert_eq!(events(&http, &s), before + 1);

    // The auditor sees both items and no form to write with.
    let audit = http.session("audit");
    let page = http.get("/items/M2", Some(&audit));
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("class=\"write\""), "{}", page.body);
    let a = http.form(
        "/items/M2/notitie",
        Some(&audit),
        &[("csrf", &csrf(&page.body)), ("tekst", "mag niet")],
    );
    assert_eq!(a.status, 403);
    assert_eq!(events(&http, &s), before + 1);

    // Signing out ends the session.
    let a = http.form("/uitloggen", Some(&vws), &[("csrf", &token)]);
    assert_eq!(a.status, 303);
    assert_eq!(http.get("/", Some(&vws)).status, 303);

    // A disabled account's session stops working at its next request.
    let beheer = http.session("beheer");
    let page = http.get("/accounts", Some(&beheer));
    let a = http.form(
        "/accounts/audit",
        Some(&beheer),
        &[("csrf", &csrf(&page.body)), ("uitschakelen", "ja")],
    );
    assert_eq!(a.status, 303, "{}", a.body);
    assert_eq!(http.get("/", Some(&audit)).status, 403);
    assert_eq!(http.sign_in("audit", PASSWORD).status, 403);
    server.stop().unwrap();
}

#[test]
fn the_pages_refuse_a_view_in_dutch() {
    let s = shared();
    s.env.run(&["round", "seal", "r1"]).ok();
    let server = serve(&s.env);
    let http = Http::new(&server);
    let audit = http.session("audit");
    for (path, said) in [
        (
            "/?ronde=r1&peildatum=2025-01-06",
            "kies een ronde of een peildatum, niet allebei",
        ),
        (
            "/?peildatum=gisteren",
            "Ongeldige peildatum &#39;gisteren&#39;",
        ),
        ("/?geldend=2025-02-30", "een bestaande datum"),
        (
            "/?ronde=r2",
            "Er is geen ronde &#39;r2&#39;. Verzegelde rondes: r1.",
        ),
        ("/verschil?van=r2&tot=nu", "Er is geen ronde &#39;r2&#39;"),
    ] {
        let a = http.get(path, Some(&audit));
        assert_eq!(a.status, 400, "{path}: {}", a.body);
        assert!(a.body.contains(said), "{path}: {}", a.body);
        for english in ["either", "invalid", "no round", "kamerstand round list"] {
            assert!(!a.body.contains(english), "{path}: {english}: {}", a.body);
        }
    }
    server.stop().unwrap();
}

#[test]
fn the_api_checks_every_role_against_every_write_and_answers_in_the_schemas() {
    let s = shared();
    let server = serve(&s.env);
    let http = Http::new(&server);
    let checker = Checker::new();

    let a = http.api_get("/api/v1/overview", None);
    assert_eq!(a.status, 401);
    checker.valid("api-error", "401", &a.json());
    assert_eq!(
        http.api_get("/api/v1/overview", Some("kst_nep")).status,
        401
    );

    // Reads: the command line's JSON, in its schemas, in several views.
    let t = &s.tokens["audit"];
    for (path, schema) in [
        ("/api/v1/overview", "overview"),
        ("/api/v1/overview?effective=2025-01-01", "overview"),
        ("/api/v1/overview?as_of=2025-01-06", "overview"),
        ("/api/v1/items", "item-list"),
        ("/api/v1/items/M1", "show"),
        ("/api/v1/log?limit=3", "log"),
        ("/api/v1/rounds", "rounds"),
        ("/api/v1/verify", "verify"),
        ("/api/v1/accounts", "accounts"),
    ] {
        let a = http.api_get(path, Some(t));
        assert_eq!(a.status, 200, "{path}: {}", a.body);
        checker.valid(schema, path, &a.json());
    }
    // As text, in the language asked for (Dutch unless lang=en).
    for (query, header) in [("", "naam"), ("&lang=en", "name")] {
        let path = format!("/api/v1/accounts?format=table{query}");
        let a = http.api_get(&path, Some(t));
        assert_eq!(a.status, 200, "{path}: {}", a.body);
        let first = a.body.lines().next().unwrap_or("");
        assert!(
            first.split_whitespace().nth(1) == Some(header),
            "{path}: {}",
            a.body
        );
    }
    let a = http.api_get("/api/v1/overview?ministry=OCW", Some(t));
    let keys: Vec<_> = a.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["key"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(keys, ["M2"]);
    let a = http.api_get("/api/v1/overview?effective=2025-13-01", Some(t));
    assert_eq!(a.status, 400);
    checker.valid("api-error", "400", &a.json());
    // A filter refusal names the query's field, not the command line's flag.
    for (path, field) in [
        ("/api/v1/overview?status=bogus", "status"),
        ("/api/v1/items?ministry=XYZZY", "ministry"),
        ("/api/v1/overview?kind=brief", "kind"),
    ] {
        let a = http.api_get(path, Some(t));
        assert_eq!(a.status, 400, "{path}");
        checker.valid("api-error", "400", &a.json());
        assert!(
            a.body.contains(field) && !a.body.contains("--"),
            "{path}: {}",
            a.body
        );
    }

    // Every write, by every role: allowed ones answer a receipt, the
    // others 403 with nothing written.
    let writes: Vec<(&str, &str, Value)> = vec![
        (
            "register",
            "/api/v1/items",
            json!({"kind": "toezegging", "text": "De minister stuurt een brief."}),
        ),
        (
            "amend",
            "/api/v1/items/M1/amend",
            json!({"text": "Motie van het lid A; verzoekt de regering iets, gewijzigd"}),
        ),
        (
            "status own",
            "/api/v1/items/M1/status",
            json!({"status": "vertraagd"}),
        ),
        (
            "status other",
            "/api/v1/items/M2/status",
            json!({"status": "vertraagd"}),
        ),
        (
            "assign own",
            "/api/v1/items/M1/assign",
            json!({"responsible": "MVWS en SVWS"}),
        ),
        (
            "note own",
            "/api/v1/items/M1/note",
            json!({"text": "Voortgang."}),
        ),
        (
            "note other",
            "/api/v1/items/M2/note",
            json!({"text": "Voortgang."}),
        ),
        ("seal", "/api/v1/rounds", json!({"name": "r1"})),
        (
            "account",
            "/api/v1/accounts",
            json!({"account": "nieuw", "display_name": "Nieuw", "role": "auditor"}),
        ),
    ];
    let allowed = |role: &str, what: &str| -> bool {
        match role {
            "beheer" => what == "account",
            "coord" => what != "account",
            "vws" => what.ends_with(" own"),
            "ocw" => what.ends_with(" other"),
            _ => false,
        }
    };
    for (name, _, _) in ACCOUNTS {
        for (what, path, body) in &writes {
            // Names and rounds are used once: vary them per account.
            let mut body = body.clone();
            if let Some(n) = body.get_mut("name") {
                *n = json!(format!("r-{name}"));
            }
            if let Some(n) = body.get_mut("account") {
                *n = json!(format!("nieuw-{name}"));
            }
            if *what == "amend" {
                body["text"] = json!(format!("Motie van het lid A; gewijzigd door {name}"));
            }
            if what.starts_with("note") {
                // A note repeating the latest one is refused as a no-op.
                body["text"] = json!(format!("Voortgang volgens {name}."));
            }
            if *what == "assign own" {
                body["responsible"] = json!(if *name == "vws" {
                    "MVWS en SJenV"
                } else {
                    "MVWS en SVWS"
                });
            }
            if what.starts_with("status") {
                // Each account its own status, so no write repeats the
                // status an item already has.
                body["status"] = json!(match *name {
                    "coord" => "in-uitvoering",
                    "vws" => "vertraagd",
                    "ocw" => "doorlopend",
                    _ => "invulling",
                });
            }
            checker.valid("api-requests", what, &body);
            let before = events(&http, &s);
            let a = http.api_post(path, &s.tokens[name], &body);
            if allowed(name, what) {
                assert_eq!(a.status, 200, "{name} {what}: {}", a.body);
                checker.valid("receipt", what, &a.json());
                assert_eq!(a.json()["actor"], json!(name));
                assert_eq!(events(&http, &s), before + 1);
            } else {
                assert_eq!(a.status, 403, "{name} {what}: {}", a.body);
                checker.valid("api-error", what, &a.json());
                assert_eq!(a.json()["error"]["kind"], "forbidden");
                assert!(
                    a.json()["error"]["message"]
                        .as_str()
                        .unwrap()
                        .contains(name)
                );
                assert_eq!(events(&http, &s), before, "{name} {what} wrote");
            }
        }
    }

    // Bad input is 400, named, and writes nothing.
    let before = events(&http, &s);
    let a = http.api_post(
        "/api/v1/items/M1/status",
        &s.tokens["coord"],
        &json!({"status": "vertraagd", "effective": "2025-02-30"}),
    );
    assert_eq!(a.status, 400);
    assert!(
        a.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("2025-02-30")
    );
    let a = http.api_post(
        "/api/v1/items/M1/status",
        &s.tokens["coord"],
        &json!({"staat": 1}),
    );
    assert_eq!(a.status, 400);
    assert_eq!(events(&http, &s), before);

    // A disabled account can do nothing, reading included.
    let a = http.api_post(
        "/api/v1/accounts/vws",
        &s.tokens["beheer"],
        &json!({"disabled": true}),
    );
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(
        http.api_get("/api/v1/overview", Some(&s.tokens["vws"]))
            .status,
        403
    );
    let a = http.api_post(
        "/api/v1/items/M1/note",
        &s.tokens["vws"],
        &json!({"text": "x"}),
    );
    assert_eq!(a.status, 403);
    server.stop().unwrap();

    // What the auditor sees afterwards: account events by the local actor
    // and by the beheerder, writes under the accounts' names.
    let log = s.env.json(&["log", "--format", "json"]);
    let actors: std::collections::BTreeSet<String> = log["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["actor"].as_str().unwrap().to_string())
        .collect();
    assert!(actors.contains(&format!("local:{}", crate::common::ACTOR)));
    assert!(actors.contains("coord") && actors.contains("vws") && actors.contains("beheer"));
}

/// The seq of the latest event about `key` whose log line contains `what`.
fn seq_of(http: &Http, s: &Shared, key: &str, what: &str) -> u64 {
    let a = http.api_get(&format!("/api/v1/log?item={key}"), Some(&s.tokens["coord"]));
    a.json()["events"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|e| e.to_string().contains(what))
        .unwrap_or_else(|| panic!("no event with {what} in {}", a.body))["seq"]
        .as_u64()
        .unwrap()
}

#[test]
fn a_medewerker_corrects_only_what_they_may_record_on_their_own_items() {
    let s = shared();
    let server = serve(&s.env);
    let http = Http::new(&server);
    let checker = Checker::new();
    let post = |who: &str, path: &str, body: Value| {
        let a = http.api_post(path, &s.tokens[who], &body);
        if a.status == 200 {
            checker.valid("receipt", path, &a.json());
        } else {
            checker.valid("api-error", path, &a.json());
        }
        a
    };
    // The coördinator amends M1's text; the medewerker of VWS records a
    // status and a note on it.
    assert_eq!(
        post(
            "coord",
            "/api/v1/items/M1/amend",
            json!({"text": "Motie van het lid A; verzoekt de regering iets beters", "reason": "tikfout"}),
        )
        .status,
        200
    );
    assert_eq!(
        post(
            "vws",
            "/api/v1/items/M1/status",
            json!({"status": "vertraagd"})
        )
        .status,
        200
    );
    assert_eq!(
        post(
            "vws",
            "/api/v1/items/M1/note",
            json!({"text": "Voortgang."})
        )
        .status,
        200
    );
    let registered = seq_of(&http, &s, "M1", "registered");
    let amended = seq_of(&http, &s, "M1", "amended");
    let status = seq_of(&http, &s, "M1", "vertraagd");
    let note = seq_of(&http, &s, "M1", "Voortgang");
    let m2 = seq_of(&http, &s, "M2", "registered");
    // The item's page offers the medewerker a correction of the status
    // and the note, not of the amendment; the coördinator all three.
    for (who, offered) in [("vws", false), ("coord", true)] {
        let page = http.get("/items/M1", Some(&http.session(who)));
        assert!(
            page.body.contains(&format!("<option value=\"{status}\"")),
            "{who}"
        );
        assert!(
            page.body.contains(&format!("<option value=\"{note}\"")),
            "{who}"
        );
        assert_eq!(
            page.body.contains(&format!("<option value=\"{amended}\"")),
            offered,
            "{who}: {}",
            page.body
        );
    }

    // Refused, with nothing written: what only the coördinator records
    // (the item's text, its registration), another ministry's item, and
    // any correction by the auditor or the beheerder.
    for (who, body, names) in [
        (
            "vws",
            json!({"event": amended.to_string(), "reason": "terug", "retract": true}),
            "amendment",
        ),
        (
            "vws",
            json!({"event": registered.to_string(), "reason": "weg", "retract": true}),
            "withdraw",
        ),
        (
            "vws",
            json!({"event": registered.to_string(), "reason": "later", "effective": "2025-01-01"}),
            "registration",
        ),
        (
            "ocw",
            json!({"event": status.to_string(), "reason": "x", "status": "doorlopend"}),
            "MVWS",
        ),
        (
            "vws",
            json!({"event": m2.to_string(), "reason": "x", "status": "doorlopend"}),
            "MOCW en SOCW",
        ),
        (
            "audit",
            json!({"event": note.to_string(), "reason": "x", "retract": true}),
            "auditor",
        ),
        (
            "beheer",
            json!({"event": note.to_string(), "reason": "x", "retract": true}),
            "beheerder",
        ),
    ] {
        let before = events(&http, &s);
        let a = post(who, "/api/v1/corrections", body.clone());
        assert_eq!(a.status, 403, "{who} {body}: {}", a.body);
        let message = a.json()["error"]["message"].as_str().unwrap().to_string();
        assert!(message.contains(names), "{who} {body}: {message}");
        assert_eq!(events(&http, &s), before, "{who} {body} wrote");
    }
    // A correction of a correction of the amendment is judged as one of
    // the amendment.
    let a = post(
        "coord",
        "/api/v1/corrections",
        json!({"event": amended.to_string(), "reason": "terug", "retract": true}),
    );
    assert_eq!(a.status, 200, "{}", a.body);
    let before = events(&http, &s);
    let a = post(
        "vws",
        "/api/v1/corrections",
        json!({"event": (before - 1).to_string(), "reason": "toch niet", "retract": true}),
    );
    assert_eq!(a.status, 403, "{}", a.body);
    assert_eq!(events(&http, &s), before);

    // Allowed: the medewerker corrects statuses, notes and the parties of
    // the registration of their own items; the coördinator anything.
    for (who, body) in [
        (
            "vws",
            json!({"event": status.to_string(), "reason": "x", "status": "doorlopend"}),
        ),
        (
            "vws",
            json!({"event": note.to_string(), "reason": "x", "note": "Voortgang, beter."}),
        ),
        (
            "vws",
            json!({"event": registered.to_string(), "reason": "x", "responsible": "MVWS en SVWS"}),
        ),
        (
            "coord",
            json!({"event": registered.to_string(), "reason": "x", "effective": "2025-01-01"}),
        ),
    ] {
        let before = events(&http, &s);
        let a = post(who, "/api/v1/corrections", body.clone());
        assert_eq!(a.status, 200, "{who} {body}: {}", a.body);
        assert_eq!(a.json()["actor"], json!(who));
        assert_eq!(events(&http, &s), before + 1);
    }
    server.stop().unwrap();
}

#[test]
fn the_command_line_prints_through_the_server_what_it_prints_locally() {
    let s = shared();
    s.env.run(&["round", "seal", "r1"]).ok();
    s.env
        .run(&["status", "M1", "vertraagd", "--reason", "later gestart"])
        .ok();
    s.env
        .run(&[
            "note",
            "M2",
            "Het onderzoeksbureau heeft in februari de eerste resultaten opgeleverd; de Kamer ontvangt de eindrapportage voor het zomerreces.",
        ])
        .ok();
    let commands: &[&[&str]] = &[
        &["diff", "r1", "now"],
        &["--format", "json", "diff", "r1", "now"],
        &["--format", "md", "diff", "r1", "now", "--by-ministry"],
        &["--format", "html", "diff", "r1", "now", "--all"],
        &["--lang", "en", "diff", "r1", "now", "--events"],
        &["--lang", "en", "--format", "json", "diff", "r1", "now"],
        &["--lang", "en", "show", "M1"],
        &["--lang", "en", "log", "--limit", "3"],
        &["show", "M2", "--wide"],
        &["log", "--wide"],
        &["overview", "--wide"],
        &["item", "list", "--wide"],
    ];
    let terminal = kamerstand::cli::Terminal {
        stdout: true,
        width: Some(80),
        ..kamerstand::cli::Terminal::default()
    };
    let at_terminal: &[&[&str]] = &[
        &["overview", "--wide"],
        &["show", "M2", "--wide"],
        &["diff", "r1", "now", "--wide"],
    ];
    let local: Vec<_> = commands.iter().map(|c| s.env.run(c)).collect();
    let local_at: Vec<_> = at_terminal
        .iter()
        .map(|c| s.env.run_at(terminal, c))
        .collect();
    let server = serve(&s.env);
    let url = format!("http://{}", server.addr());
    let token = s.env.dir.path().join("audit.token");
    crate::common::write_private(&token, &s.tokens["audit"]);
    let t = token.to_str().unwrap();
    let remote = |args: &[&'static str]| {
        let mut full: Vec<String> = ["--server", url.as_str(), "--token-file", t]
            .map(str::to_string)
            .to_vec();
        full.extend(args.iter().map(|a| (*a).to_string()));
        full
    };
    fn strs(v: &[String]) -> Vec<&str> {
        v.iter().map(String::as_str).collect()
    }
    for (c, l) in commands.iter().zip(&local) {
        l.ok();
        let full = remote(c);
        let r = s.env.run_bare(&strs(&full));
        assert_eq!(
            (r.code, &r.stdout),
            (l.code, &l.stdout),
            "{c:?} through the server\n--- stderr\n{}",
            r.stderr
        );
    }
    for (c, l) in at_terminal.iter().zip(&local_at) {
        let full = remote(c);
        let r = s.env.run_at(terminal, &strs(&full));
        assert_eq!(
            (r.code, &r.stdout),
            (l.code, &l.stdout),
            "{c:?} through the server, at a terminal\n--- stderr\n{}",
            r.stderr
        );
    }
    // A Word file is written here whole, the same as locally.
    let file = s.env.dir.path().join("wijzigingen.docx");
    let full = remote(&["--format", "docx", "diff", "r1", "now", "-o"]);
    let mut args = strs(&full);
    args.push(file.to_str().unwrap());
    let out = s.env.run_bare(&args);
    out.expect_code(0);
    assert!(
        out.stderr.starts_with("docx (") && out.stderr.contains(" bytes) geschreven naar "),
        "{}",
        out.stderr
    );
    let remote_docx = std::fs::read(&file).unwrap();
    server.stop().unwrap();
    s.env
        .run(&[
            "--format",
            "docx",
            "diff",
            "r1",
            "now",
            "-o",
            file.to_str().unwrap(),
        ])
        .expect_code(0);
    assert_eq!(remote_docx, std::fs::read(&file).unwrap());
}

#[test]
fn commands_that_need_no_ledger_run_here_with_a_server_set_for_scripts() {
    // A KAMERSTAND_SERVER exported for scripts (as docs/server.md shows)
    // does not stop the commands that touch no ledger: nothing is sent,
    // so no server and no token are needed for them.
    let env = TestEnv::init();
    let key = env.dir.path().join("ondertekening.key");
    let server = ["--server", "http://127.0.0.1:9"];
    let run = |args: &[&str]| {
        let mut full = server.to_vec();
        full.extend_from_slice(args);
        env.run_bare(&full)
    };
    let out = run(&["completions", "bash"]);
    out.ok();
    assert!(out.stdout.contains("kamerstand"), "{}", out.stdout);
    run(&["man"]).expect_code(0);
    run(&[
        "key",
        "generate",
        "--name",
        "kamerstand.example/nap",
        "--out",
        key.to_str().unwrap(),
    ])
    .expect_code(0);
    assert!(key.exists());
    // A command about the ledger still goes to the server, never here.
    run(&["overview"]).refusal(2, "token", &["KAMERSTAND_TOKEN"]);
}

#[test]
fn serve_demo_tells_a_newcomer_how_to_sign_in_and_how_to_use_the_command_line() {
    let env = TestEnv::init();
    let mut child = env
        .command(&["serve", "--demo", "--port", "0"])
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut said = Vec::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        let done = line.starts_with("Stop with Ctrl-C");
        said.push(line);
        if done || said.len() > 40 {
            break;
        }
    }
    let url = said[0]
        .strip_prefix("kamerstand serve: listening on ")
        .unwrap_or_else(|| panic!("{said:?}"))
        .trim_end_matches('/')
        .to_string();
    assert!(
        said.iter().any(|l| l.contains("demo-wachtwoord")),
        "{said:?}"
    );
    // Each account with its token, for --server and the API.
    let token = |name: &str| {
        said.iter()
            .filter_map(|l| l.trim().strip_prefix(name))
            .map(str::trim)
            .find(|t| t.starts_with("kst_"))
            .unwrap_or_else(|| panic!("no token for {name}: {said:?}"))
            .to_string()
    };
    let run = |name: &str, args: &[&str]| {
        let file = env.dir.path().join(format!("{name}.token"));
        crate::common::write_private(&file, &token(name));
        let mut full = vec![
            "--server",
            url.as_str(),
            "--token-file",
            file.to_str().unwrap(),
        ];
        full.extend_from_slice(args);
        env.run_bare(&full)
    };
    let overview = run("auditor", &["overview"]);
    overview.ok();
    let m = run(
        "a.bakker",
        &["--format", "json", "item", "list", "--ministry", "JenV"],
    );
    m.ok();
    let key = m.json()["items"][0]["key"].as_str().unwrap().to_string();
    run("a.bakker", &["note", &key, "Mag niet."]).refusal(
        2,
        "the server refused",
        &["403", "medewerker for BZK"],
    );
    run("j.visser", &["note", &key, "Voortgang van JenV."]).ok();
    let _ = std::process::Command::new("kill")
        .arg(child.id().to_string())
        .status();
    assert!(child.wait().unwrap().success());
}

#[test]
fn the_command_line_works_against_the_server_with_a_token() {
    let s = shared();
    let server = serve(&s.env);
    let url = format!("http://{}", server.addr());
    let token = s.env.dir.path().join("vws.token");
    crate::common::write_private(&token, &format!("{}\n", s.tokens["vws"]));
    let t = token.to_str().unwrap();
    let run = |args: &[&str]| {
        let mut full = vec!["--server", url.as_str(), "--token-file", t];
        full.extend_from_slice(args);
        s.env.run_bare(&full)
    };
    let out = run(&["status", "M1", "vertraagd", "--reason", "via de server"]);
    out.ok();
    assert!(out.stdout.contains("M1: status"), "{}", out.stdout);
    // The receipt the server writes speaks the client's language.
    assert!(
        out.stdout.contains("\nvastgelegd als seq "),
        "{}",
        out.stdout
    );
    let out = run(&["--lang", "en", "note", "M1", "Voortgang via de server."]);
    out.ok();
    assert!(
        out.stdout.starts_with("M1: progress noted, effective ")
            && out.stdout.contains("\nrecorded as seq "),
        "{}",
        out.stdout
    );
    run(&["assign", "M1", "MVWS en SVWS"]).ok();
    run(&["status", "M2", "vertraagd"]).refusal(
        2,
        "the server refused",
        &["403", "medewerker for VWS"],
    );
    let out = run(&["overview"]);
    out.ok();
    assert!(
        out.stdout.contains("In uitvoering met vertraging"),
        "{}",
        out.stdout
    );
    // Filters go to the server, and a value naming nothing is refused.
    let kept = run(&["overview", "--ministry", "OCW", "--format", "json"]);
    kept.ok();
    let kept: Value = serde_json::from_str(&kept.stdout).unwrap();
    let keys: Vec<&Value> = kept["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| &i["key"])
        .collect();
    assert_eq!(keys, [&json!("M2")], "{kept}");
    run(&["item", "list", "--status", "geen-status"]).expect_code(2);
    // Signing needs the key's machine and a local store.
    run(&["round", "sign", "r1", "--key", "x.key"]).refusal(2, "--server", &["local store"]);
    run(&["show", "M1", "--format", "json"]).ok();
    run(&["round", "list"]).ok();
    run(&["diff", "2025-01-01", "now"]).ok();
    run(&["verify"]).ok();
    run(&["log", "--limit", "2"]).ok();
    // Exports are made by the server: to standard output, or written here
    // whole with -o; filters and --keys go along; an events export with a
    // filter is refused as it is locally.
    let csv = run(&["export", "--format", "csv"]);
    csv.ok();
    let events = run(&["export", "--format", "events"]);
    events.ok();
    let ocw = run(&["export", "--format", "md", "--ministry", "OCW", "--keys"]);
    ocw.ok();
    assert!(
        ocw.stdout.contains("M2") && !ocw.stdout.contains("M1"),
        "{}",
        ocw.stdout
    );
    let docx = s.env.dir.path().join("bijlage.docx");
    let out = run(&["export", "--format", "docx", "-o", docx.to_str().unwrap()]);
    out.expect_code(0);
    assert!(
        out.stderr.starts_with("docx (") && out.stderr.contains(") geschreven naar "),
        "{}",
        out.stderr
    );
    assert!(std::fs::read(&docx).unwrap().starts_with(b"PK"));
    run(&["export", "--format", "events", "--ministry", "OCW"]).refusal(
        2,
        "events with a filter",
        &["whole chain"],
    );
    run(&["export", "--format", "csv", "--status", "geen-status"]).expect_code(2);
    // Commands that need the store's machine say so.
    run(&["account", "password", "vws"]).expect_code(2);
    // The token never comes from the command line; plain HTTP only to
    // this machine.
    s.env
        .run_bare(&[
            "--server",
            "http://192.0.2.1:8080",
            "--token-file",
            t,
            "overview",
        ])
        .refusal(2, "--server", &["https://"]);
    s.env
        .run_bare(&["--server", url.as_str(), "overview"])
        .expect_code(2);
    let stats = server.stop().unwrap();
    assert!(stats.writes >= 3);
    // What the server exported is what the store exports here.
    assert_eq!(csv.stdout, s.env.run(&["export", "--format", "csv"]).stdout);
    assert_eq!(
        events.stdout,
        s.env.run(&["export", "--format", "events"]).stdout
    );
    // Through the server the actor is the account.
    let log = s.env.json(&["log", "--item", "M1", "--format", "json"]);
    let last = log["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["actor"], "vws");
}

#[test]
fn the_local_command_line_is_marked_and_cannot_pass_for_an_account() {
    let s = shared();
    let out = s.env.run(&["--actor", "vws", "status", "M1", "vertraagd"]);
    out.refusal(2, "--actor 'vws'", &["account 'vws'"]);
    s.env
        .run(&["--actor", "local:vws", "status", "M1", "vertraagd"])
        .refusal(2, "--actor", &["local:"]);
    s.env
        .run(&["--actor", "J. de Vries", "status", "M1", "vertraagd"])
        .ok();
    let log = s.env.json(&["log", "--limit", "1", "--format", "json"]);
    assert_eq!(log["events"][0]["actor"], "local:J. de Vries");
}

#[test]
fn no_account_takes_the_name_events_before_the_accounts_carry_unmarked() {
    // A year at the command line as 'J.deVries', before the ledger had
    // accounts: those events carry the name as typed. An account of that
    // name would make them read as signed in to the server.
    let env = TestEnv::init();
    env.run(&[
        "--actor",
        "J.deVries",
        "item",
        "add",
        "--kind",
        "motie",
        "--text",
        "Motie van het lid A; verzoekt de regering iets",
    ])
    .ok();
    let before = env.head().unwrap().seq;
    env.run(&[
        "account",
        "add",
        "j.devries",
        "--name",
        "J. de Vries",
        "--role",
        "coordinator",
    ])
    .refusal(2, "account name 'j.devries'", &["seq 1", "J.deVries"]);
    assert_eq!(env.head().unwrap().seq, before, "nothing written");
    // Another name is fine; from then on the command line marks its
    // actors, so a name typed afterwards is no obstacle.
    env.run(&[
        "account",
        "add",
        "beheer",
        "--name",
        "B",
        "--role",
        "beheerder",
    ])
    .ok();
    env.run(&["--actor", "m.jansen", "status", "M1", "vertraagd"])
        .ok();
    env.run(&[
        "account", "add", "m.jansen", "--name", "M", "--role", "auditor",
    ])
    .ok();
    // Through the server too: the beheerder is refused the old name.
    let token = env.run(&["account", "token", "beheer"]);
    token.expect_code(0);
    let token = token.stdout.trim().to_string();
    let server = serve(&env);
    let http = Http::new(&server);
    let a = http.api_post(
        "/api/v1/accounts",
        &token,
        &json!({"account": "j.devries", "display_name": "J. de Vries", "role": "auditor"}),
    );
    assert_eq!(a.status, 400, "{}", a.body);
    Checker::new().valid("api-error", "400", &a.json());
    server.stop().unwrap();
}

#[test]
fn writes_queued_together_share_one_commit_and_a_refused_one_sinks_none() {
    let s = shared();
    let ws = Workspace::open(&s.env.store, s.env.open_options()).unwrap();
    let mut ws = ws;
    ws.set_origin(kamerstand::app::access::Origin::SignedIn);
    let (writer, thread) = Writer::start(ws).unwrap();
    let coord = kamerstand::domain::AccountName::parse("coord").unwrap();
    let vws = kamerstand::domain::AccountName::parse("vws").unwrap();

    let before = writer.read().unwrap().events();
    // The first write holds the writer until the others are queued, so
    // they are taken as one group.
    let (running_tx, running) = mpsc::channel();
    let (release, released) = mpsc::channel::<()>();
    let (done_tx, done) = mpsc::channel();
    let tx = done_tx.clone();
    writer.submit(
        move |_ws| {
            running_tx.send(()).unwrap();
            released.recv().unwrap();
            Ok(0u64)
        },
        move |r| {
            tx.send(("gate".to_string(), r.map_err(|e| e.to_string())))
                .unwrap()
        },
    );
    running.recv().unwrap();
    let jobs: Vec<(&str, kamerstand::domain::AccountName, &str)> = vec![
        ("a", coord.clone(), "M1"),
        ("b", vws.clone(), "M2"), // refused: not VWS's item
        ("c", vws.clone(), "M1"),
        ("d", coord.clone(), "M2"),
        ("e", coord.clone(), "nope"), // refused: no such item
        ("f", vws.clone(), "M1"),
    ];
    for (name, who, item) in jobs {
        let tx = done_tx.clone();
        writer.submit(
            move |ws| {
                let w = kamerstand::app::write::Write::Note {
                    item: item.into(),
                    text: format!("noot {name}"),
                    citations: vec![],
                    effective: None,
                };
                kamerstand::app::access::write_as(ws, &who, w).map(|r| r.recorded.envelope.seq)
            },
            move |r| {
                tx.send((name.to_string(), r.map_err(|e| e.to_string())))
                    .unwrap()
            },
        );
    }
    drop(done_tx);
    release.send(()).unwrap();
    let answers: BTreeMap<String, Result<u64, String>> = done.iter().collect();
    drop(writer);
    let stats = thread.join();
    // The six are one group, made durable together: with the gate's, or
    // after it while the writer waited for them.
    assert!(
        matches!(stats.groups, 1 | 2),
        "{} fsyncs for the gate and one group",
        stats.groups
    );
    assert_eq!(stats.writes, 7);
    let ok: Vec<u64> = ["a", "c", "d", "f"]
        .iter()
        .map(|k| *answers[*k].as_ref().unwrap())
        .collect();
    assert_eq!(ok, [before, before + 1, before + 2, before + 3]);
    assert!(
        answers["b"]
            .as_ref()
            .unwrap_err()
            .contains("medewerker for VWS")
    );
    assert!(answers["e"].as_ref().unwrap_err().contains("nope"));
    let (out, _) = s.env.verify(&[], 0);
    out.ok();
}

/// A write as the server makes it for one account: its seq and outcome,
/// or the refusal's message and whether it is one of rights.
fn write_for(
    ws: &mut Workspace,
    who: &str,
    w: kamerstand::app::write::Write,
) -> Result<(u64, String), (String, bool)> {
    let who = kamerstand::domain::AccountName::parse(who).unwrap();
    kamerstand::app::access::write_as(ws, &who, w)
        .map(|r| (r.recorded.envelope.seq, format!("{:?}", r.outcome)))
        .map_err(|e| (e.to_string(), e.is_forbidden()))
}

/// The writes of one group, in order, with what each depends on: a
/// registration then a note on it, two status changes on one item, a
/// change of responsible parties that makes the next note allowed and
/// the one after it refused, and refusals of rights and of input between
/// them.
fn mixed_group() -> Vec<(&'static str, kamerstand::app::write::Write)> {
    use kamerstand::app::write::{Registration, Write};
    use kamerstand::domain::{ItemKey, ItemKind, Responsible};
    let note = |item: &str, text: &str| Write::Note {
        item: item.into(),
        text: text.into(),
        citations: vec![],
        effective: None,
    };
    let status = |item: &str, s: &str| Write::Status {
        item: item.into(),
        status: s.into(),
        effective: None,
        reason: None,
    };
    vec![
        (
            "coord",
            Write::Register(Registration {
                kind: ItemKind::Motie,
                text: "Motie van het lid C; verzoekt de regering nog iets".into(),
                submitters: vec![],
                citations: vec![],
                key: Some(ItemKey::parse("M3").unwrap()),
                responsible: Responsible::parse("MVWS").unwrap(),
                status: None,
                effective: None,
            }),
        ),
        ("vws", note("M3", "noot op het nieuwe item")),
        ("vws", status("M1", "in-uitvoering")),
        ("vws", status("M1", "vertraagd")),
        ("vws", note("M2", "geweigerd: niet van VWS")),
        ("ocw", status("M3", "vertraagd")),
        ("coord", status("M1", "geen-status-die-bestaat")),
        (
            "coord",
            Write::Assign {
                item: "M3".into(),
                responsible: Responsible::parse("MOCW").unwrap(),
                effective: None,
                reason: None,
            },
        ),
        ("ocw", note("M3", "nu van OCW")),
        ("vws", note("M3", "geweigerd: niet meer van VWS")),
        ("coord", note("M2", "de laatste")),
    ]
}

/// The answers to `writes` made one at a time on a copy of the shared
/// ledger, after checking that the writer, given them as one group on
/// another copy with its clock in step, answers each the same and leaves
/// the same events byte for byte (the same head), and a ledger that
/// verifies. Returns the answers, the events before them and the grouped
/// copy.
type Answers = Vec<Result<(u64, String), (String, bool)>>;

fn grouped_as_one_by_one(
    writes: fn() -> Vec<(&'static str, kamerstand::app::write::Write)>,
) -> (Answers, u64, TestEnv) {
    let s = shared();
    let grouped = TestEnv::new();
    let single = TestEnv::new();
    s.env.copy_store_to(&grouped);
    s.env.copy_store_to(&single);
    let at = kamerstand::domain::Timestamp::from_unix_nanos(1_767_254_400_000_000_000);
    grouped.clock.set(at);
    single.clock.set(at);

    let mut ws = Workspace::open(&single.store, single.open_options()).unwrap();
    ws.set_origin(kamerstand::app::access::Origin::SignedIn);
    let before = ws.events();
    let one_by_one: Vec<_> = writes()
        .into_iter()
        .map(|(who, w)| write_for(&mut ws, who, w))
        .collect();
    drop(ws);

    let mut ws = Workspace::open(&grouped.store, grouped.open_options()).unwrap();
    ws.set_origin(kamerstand::app::access::Origin::SignedIn);
    let (writer, thread) = Writer::start(ws).unwrap();
    // A first write holds the writer until the whole group is queued.
    let (running_tx, running) = mpsc::channel();
    let (release, released) = mpsc::channel::<()>();
    writer.submit(
        move |_ws| {
            running_tx.send(()).unwrap();
            released.recv().unwrap();
            Ok(())
        },
        |r| r.unwrap(),
    );
    running.recv().unwrap();
    let (done_tx, done) = mpsc::channel();
    for (n, (who, w)) in writes().into_iter().enumerate() {
        let tx = done_tx.clone();
        writer.submit(
            move |ws| Ok(write_for(ws, who, w)),
            move |r| tx.send((n, r.unwrap())).unwrap(),
        );
    }
    drop(done_tx);
    release.send(()).unwrap();
    let mut grouped_answers: Vec<_> = done.iter().collect();
    grouped_answers.sort_by_key(|(n, _)| *n);
    let grouped_answers: Vec<_> = grouped_answers.into_iter().map(|(_, a)| a).collect();
    drop(writer);
    let stats = thread.join();
    assert!(matches!(stats.groups, 1 | 2), "{stats:?}");
    assert_eq!(grouped_answers, one_by_one);

    // The same events, byte for byte: the same head; and the ledger
    // verifies.
    let (g, o) = (grouped.ledger(), single.ledger());
    assert_eq!(g.head(), o.head());
    let (gs, os): (Vec<_>, Vec<_>) = (
        g.events().map(|r| r.unwrap()).collect(),
        o.events().map(|r| r.unwrap()).collect(),
    );
    assert_eq!(gs, os);
    drop((g, o));
    let (out, _) = grouped.verify(&[], 0);
    out.ok();
    (one_by_one, before, grouped)
}

#[test]
fn a_group_answers_each_write_as_one_by_one_and_writes_nothing_of_a_refused_one() {
    let (one_by_one, before, grouped) = grouped_as_one_by_one(mixed_group);
    // The answers are the ones the writes' dependencies call for.
    let refused: Vec<usize> = one_by_one
        .iter()
        .enumerate()
        .filter(|(_, a)| a.is_err())
        .map(|(n, _)| n)
        .collect();
    assert_eq!(refused, [4, 5, 6, 9], "{one_by_one:#?}");
    assert!(one_by_one[4].as_ref().unwrap_err().1, "a refusal of rights");
    assert!(one_by_one[5].as_ref().unwrap_err().1, "a refusal of rights");
    assert!(!one_by_one[6].as_ref().unwrap_err().1, "a refusal of input");
    assert!(one_by_one[9].as_ref().unwrap_err().1, "a refusal of rights");
    let (seq, outcome) = one_by_one[3].as_ref().unwrap();
    assert!(outcome.contains("from: \"in-uitvoering\""), "{outcome}");
    let seqs: Vec<u64> = one_by_one
        .iter()
        .filter_map(|a| a.as_ref().ok().map(|(s, _)| *s))
        .collect();
    assert_eq!(seqs, (before..before + 7).collect::<Vec<_>>());
    assert_eq!(*seq, before + 3);

    // Nothing of a refused write.
    let g = grouped.ledger();
    assert_eq!(g.head().unwrap().seq + 1, before + 7);
    let texts: Vec<String> = g
        .events()
        .map(|r| serde_json::to_string(&r.unwrap().envelope.body).unwrap())
        .collect();
    assert!(texts.iter().any(|t| t.contains("nu van OCW")));
    assert!(!texts.iter().any(|t| t.contains("geweigerd")));
}

/// A group whose writes change what the next may do through the accounts
/// (ministries changed, an account disabled, one created) and that seals
/// rounds in its middle: a seal first writes what the group staged, and a
/// refused seal writes nothing of its own.
fn accounts_and_seals_group() -> Vec<(&'static str, kamerstand::app::write::Write)> {
    use kamerstand::app::write::Write;
    use kamerstand::domain::{AccountName, AccountRole};
    let note = |item: &str, text: &str| Write::Note {
        item: item.into(),
        text: text.into(),
        citations: vec![],
        effective: None,
    };
    let seal = |name: &str| Write::Seal {
        name: name.into(),
        title: None,
        reported_on: None,
    };
    let change =
        |who: &str, ministries: Option<Vec<String>>, disabled: Option<bool>| Write::ChangeAccount {
            account: AccountName::parse(who).unwrap(),
            role: None,
            ministries,
            disabled,
        };
    vec![
        (
            "beheer",
            change("ocw", Some(vec!["OCW".into(), "VWS".into()]), None),
        ),
        ("ocw", note("M1", "nu ook van OCW")),
        ("beheer", change("vws", None, Some(true))),
        ("vws", note("M1", "geweigerd: uitgeschakeld")),
        (
            "coord",
            Write::Status {
                item: "M2".into(),
                status: "in-uitvoering".into(),
                effective: None,
                reason: None,
            },
        ),
        ("coord", seal("R1")),
        ("ocw", note("M2", "na de eerste ronde")),
        (
            "beheer",
            Write::CreateAccount {
                account: AccountName::parse("nieuw").unwrap(),
                display_name: "Nieuwe medewerker".into(),
                role: AccountRole::Medewerker,
                ministries: vec!["VWS".into()],
            },
        ),
        ("nieuw", note("M1", "van het nieuwe account")),
        ("coord", seal("R1")),
        ("nieuw", note("M2", "geweigerd: niet van VWS")),
        ("coord", seal("R2")),
        ("ocw", note("M1", "na de tweede ronde")),
    ]
}

#[test]
fn a_group_that_changes_accounts_and_seals_rounds_answers_as_one_by_one() {
    let (one_by_one, before, grouped) = grouped_as_one_by_one(accounts_and_seals_group);
    let refused: Vec<usize> = one_by_one
        .iter()
        .enumerate()
        .filter(|(_, a)| a.is_err())
        .map(|(n, _)| n)
        .collect();
    assert_eq!(refused, [3, 9, 10], "{one_by_one:#?}");
    assert!(one_by_one[3].as_ref().unwrap_err().1, "a disabled account");
    assert!(
        !one_by_one[9].as_ref().unwrap_err().1,
        "a round's name taken"
    );
    assert!(
        one_by_one[10].as_ref().unwrap_err().1,
        "a refusal of rights"
    );
    let g = grouped.ledger();
    assert_eq!(g.head().unwrap().seq + 1, before + 10);
    // Each round covers what the group wrote before it.
    let rounds = g.rounds().unwrap();
    let seals: Vec<(&str, u64)> = rounds.iter().map(|r| (r.name.as_str(), r.seq)).collect();
    assert_eq!(seals, [("R1", before + 4), ("R2", before + 8)]);
}

/// The writer of the server, started on the shared ledger as for signed-in
/// accounts, and how many events the ledger has.
fn start_writer(s: &Shared) -> (Writer, kamerstand::app::writer::WriterThread, u64) {
    let mut ws = Workspace::open(&s.env.store, s.env.open_options()).unwrap();
    ws.set_origin(kamerstand::app::access::Origin::SignedIn);
    let (writer, thread) = Writer::start(ws).unwrap();
    let before = writer.read().unwrap().events();
    (writer, thread, before)
}

#[test]
fn a_read_waits_for_the_group_being_written_and_sees_it_whole() {
    let s = shared();
    let (writer, thread, before) = start_writer(&s);
    let coord = kamerstand::domain::AccountName::parse("coord").unwrap();
    // A group that writes one event, then holds the writer.
    let (written_tx, written) = mpsc::channel();
    let (release, released) = mpsc::channel::<()>();
    writer.submit(
        move |ws| {
            let w = kamerstand::app::write::Write::Note {
                item: "M1".into(),
                text: "geschreven, nog niet duurzaam".into(),
                citations: vec![],
                effective: None,
            };
            let seq = kamerstand::app::access::write_as(ws, &coord, w)?
                .recorded
                .envelope
                .seq;
            written_tx.send(()).unwrap();
            released.recv().unwrap();
            Ok(seq)
        },
        |r| assert!(r.is_ok(), "{r:?}"),
    );
    written.recv().unwrap();
    std::thread::scope(|scope| {
        let (seen_tx, seen) = mpsc::channel();
        let reader = &writer;
        scope.spawn(move || seen_tx.send(reader.read().unwrap().events()).unwrap());
        // The reader does not begin while the group is being written.
        assert!(seen.recv_timeout(Duration::from_millis(300)).is_err());
        release.send(()).unwrap();
        // Then it sees the group, made durable.
        assert_eq!(seen.recv().unwrap(), before + 1);
    });
    drop(writer);
    assert_eq!(thread.join().writes, 1);
}

#[test]
fn a_group_left_to_the_other_thread_is_neither_answered_nor_read_before_it_is_durable() {
    let s = shared();
    let (writer, thread, before) = start_writer(&s);
    let coord = kamerstand::domain::AccountName::parse("coord").unwrap();
    // A write answered too early holds the writer: fail rather than hang.
    const BOUND: Duration = Duration::from_secs(20);
    let (step_tx, step) = mpsc::channel();
    // A first group, left to the thread that makes groups durable because
    // the next write is queued behind it; its answer then holds that
    // thread, so nothing written after it can be made durable there.
    let (release_first, first_released) = mpsc::channel::<()>();
    let (release_sync, sync_released) = mpsc::channel::<()>();
    let tx = step_tx.clone();
    let held = step_tx.clone();
    writer.submit(
        move |_ws| {
            tx.send("first running").unwrap();
            first_released.recv().unwrap();
            Ok(())
        },
        move |r| {
            assert!(r.is_ok(), "{r:?}");
            held.send("first answered").unwrap();
            let _ = sync_released.recv();
        },
    );
    assert_eq!(step.recv_timeout(BOUND).unwrap(), "first running");
    // The write under test: queued behind the first, it writes one event,
    // then holds the writer until a third write is queued behind it.
    let (release_note, note_released) = mpsc::channel::<()>();
    let (answer_tx, answer) = mpsc::channel();
    let tx = step_tx.clone();
    writer.submit(
        move |ws| {
            let w = kamerstand::app::write::Write::Note {
                item: "M1".into(),
                text: "geschreven, nog niet duurzaam".into(),
                citations: vec![],
                effective: None,
            };
            let seq = kamerstand::app::access::write_as(ws, &coord, w)?
                .recorded
                .envelope
                .seq;
            tx.send("note written").unwrap();
            note_released.recv().unwrap();
            Ok(seq)
        },
        move |r| answer_tx.send(r).unwrap(),
    );
    release_first.send(()).unwrap();
    // The note is being written, and the first group is durable and its
    // answer holds the other thread (in either order).
    let mut steps = [
        step.recv_timeout(BOUND).unwrap(),
        step.recv_timeout(BOUND).unwrap(),
    ];
    steps.sort_unstable();
    assert_eq!(steps, ["first answered", "note written"]);
    std::thread::scope(|scope| {
        let (seen_tx, seen) = mpsc::channel();
        let reader = &writer;
        // A read asked while the note is being written.
        scope.spawn(move || seen_tx.send(reader.read().unwrap().events()).unwrap());
        std::thread::sleep(Duration::from_millis(100));
        // The third write, queued behind the note, so that the note's
        // group is left to the held thread; it holds the writer too.
        let (release_last, last_released) = mpsc::channel::<()>();
        writer.submit(
            move |_ws| {
                last_released.recv().unwrap();
                Ok(())
            },
            |r| assert!(r.is_ok(), "{r:?}"),
        );
        release_note.send(()).unwrap();
        // The note is written and not durable: not answered, not read.
        assert!(seen.recv_timeout(Duration::from_millis(300)).is_err());
        assert!(answer.try_recv().is_err(), "answered before durable");
        release_sync.send(()).unwrap();
        assert_eq!(answer.recv().unwrap().unwrap(), before);
        release_last.send(()).unwrap();
        assert_eq!(seen.recv().unwrap(), before + 1);
    });
    drop(writer);
    assert_eq!(thread.join().writes, 3);
}

#[test]
fn a_writer_stopped_by_a_bug_refuses_reads_and_writes_instead_of_hanging() {
    let s = shared();
    let (writer, thread, before) = start_writer(&s);
    let coord = kamerstand::domain::AccountName::parse("coord").unwrap();
    const BOUND: Duration = Duration::from_secs(20);
    // A first group holds the writer while a note and a write whose work
    // stops the writer's thread half-way (as a bug would) are queued:
    // they are taken together as the next group.
    let (held_tx, held) = mpsc::channel::<()>();
    let (release, released) = mpsc::channel::<()>();
    writer.submit(
        move |_ws| {
            held_tx.send(()).unwrap();
            released.recv().unwrap();
            Ok(())
        },
        |r| assert!(r.is_ok(), "{r:?}"),
    );
    held.recv_timeout(BOUND).unwrap();
    let (note_tx, note) = mpsc::channel();
    writer.submit(
        move |ws| {
            let w = kamerstand::app::write::Write::Note {
                item: "M1".into(),
                text: "geschreven vlak voor de fout".into(),
                citations: vec![],
                effective: None,
            };
            kamerstand::app::access::write_as(ws, &coord, w).map(|_| ())
        },
        move |r| note_tx.send(r).unwrap(),
    );
    let (bug_tx, bug) = mpsc::channel();
    writer.submit(
        |_ws| -> kamerstand::Result<()> { panic!("a bug in a write's work") },
        move |r| bug_tx.send(r).unwrap(),
    );
    release.send(()).unwrap();
    // Neither is answered as written: the note was never made durable,
    // and both answers went with the thread.
    assert!(!matches!(note.recv_timeout(BOUND), Ok(Ok(()))));
    assert!(!matches!(bug.recv_timeout(BOUND), Ok(Ok(()))));
    // A read is refused, not left waiting, and shows nothing of the note.
    // (A thread of its own, not scoped: a read that hangs fails the test
    // rather than hanging it.)
    let (seen_tx, seen) = mpsc::channel();
    let reader = writer.clone();
    std::thread::spawn(move || {
        let _ = seen_tx.send(reader.read().map(|r| r.events()));
    });
    let read = seen.recv_timeout(BOUND).expect("the read hung");
    let err = read.expect_err("a read after the writer stopped");
    assert!(err.to_string().contains("restarted"), "{err}");
    // A later write is refused at once.
    assert!(writer.call(|_ws| Ok(())).is_err());
    drop(writer);
    let _ = thread.join();
    // The store opens again; the note, never acknowledged, may or may
    // not have reached the disk, and the chain holds either way.
    let seqs = s.env.ledger().head().map_or(0, |h| h.seq + 1);
    assert!(seqs >= before);
    let (out, _) = s.env.verify(&[], 0);
    out.ok();
}

#[test]
fn concurrent_writers_through_the_server_are_all_durable() {
    const CLIENTS: usize = 8;
    const WRITES: usize = 25;
    let s = shared();
    let server = serve(&s.env);
    let base = format!("http://{}", server.addr());
    let acked: Vec<Vec<(u64, String)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..CLIENTS)
            .map(|c| {
                let (who, item) = if c % 2 == 0 {
                    ("vws", "M1")
                } else {
                    ("ocw", "M2")
                };
                let token = s.tokens[who].clone();
                let base = base.clone();
                scope.spawn(move || {
                    let http = Http::at(&base);
                    let mut got = Vec::new();
                    for n in 0..WRITES {
                        let a = http.api_post(
                            &format!("/api/v1/items/{item}/note"),
                            &token,
                            &json!({"text": format!("client {c} write {n}")}),
                        );
                        assert_eq!(a.status, 200, "{}", a.body);
                        let j = a.json();
                        got.push((
                            j["seq"].as_u64().unwrap(),
                            j["hash"].as_str().unwrap().to_string(),
                        ));
                        if n % 5 == 0 {
                            let r = http.api_get("/api/v1/overview", Some(&token));
                            assert_eq!(r.status, 200);
                        }
                    }
                    got
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let stats = server.stop().unwrap();
    assert_eq!(stats.writes, (CLIENTS * WRITES) as u64);
    let all: Vec<(u64, String)> = acked.into_iter().flatten().collect();
    assert_eq!(all.len(), CLIENTS * WRITES);
    let ledger = s.env.ledger();
    for (seq, hash) in &all {
        assert_eq!(ledger.get(*seq).unwrap().unwrap().hash.hex(), *hash);
    }
    drop(ledger);
    let (out, _) = s.env.verify(&[], 0);
    out.ok();
}

#[test]
fn a_server_killed_during_writes_keeps_every_acknowledged_write() {
    const CLIENTS: usize = 4;
    const KILL_AFTER: usize = 60;
    const MAX_WRITES: usize = 400;
    let s = shared();
    let mut child = s.env.command(&["serve", "--port", "0"]).spawn().unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let url = first
        .split_whitespace()
        .find(|w| w.starts_with("http://127.0.0.1:"))
        .unwrap_or_else(|| panic!("no address in {first:?}"))
        .trim_end_matches('/')
        .to_string();
    let acked = std::sync::Mutex::new(Vec::<(u64, String)>::new());
    let killed = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|scope| {
        for c in 0..CLIENTS {
            let (who, item) = if c % 2 == 0 {
                ("vws", "M1")
            } else {
                ("coord", "M2")
            };
            let token = s.tokens[who].clone();
            let (url, acked, killed) = (&url, &acked, &killed);
            scope.spawn(move || {
                let http = Http::at(url);
                for n in 0..MAX_WRITES / CLIENTS {
                    let r = http
                        .agent
                        .post(format!("{url}/api/v1/items/{item}/note"))
                        .header("Authorization", format!("Bearer {token}"))
                        .send_json(json!({"text": format!("client {c} write {n}")}));
                    // After the kill, requests fail: stop.
                    let Ok(mut r) = r else { return };
                    let Ok(body) = r.body_mut().read_to_string() else {
                        return;
                    };
                    if r.status() != 200 {
                        assert!(killed.load(std::sync::atomic::Ordering::SeqCst), "{body}");
                        return;
                    }
                    let j: Value = serde_json::from_str(&body).unwrap();
                    acked.lock().unwrap().push((
                        j["seq"].as_u64().unwrap(),
                        j["hash"].as_str().unwrap().to_string(),
                    ));
                }
            });
        }
        // Kill it mid-stream, once enough writes were acknowledged.
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        while acked.lock().unwrap().len() < KILL_AFTER && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        killed.store(true, std::sync::atomic::Ordering::SeqCst);
        child.kill().unwrap();
        child.wait().unwrap();
    });
    let acked = acked.into_inner().unwrap();
    assert!(
        acked.len() >= KILL_AFTER,
        "only {} writes acknowledged",
        acked.len()
    );
    // After a restart (here: opening the store) every acknowledged write
    // is there, with its hash, and the ledger verifies.
    let (out, _) = s.env.verify(&[], 0);
    out.ok();
    let ledger = s.env.ledger();
    for (seq, hash) in &acked {
        let got = ledger
            .get(*seq)
            .unwrap()
            .unwrap_or_else(|| panic!("seq {seq} lost"));
        assert_eq!(got.hash.hex(), *hash, "seq {seq}");
    }
    eprintln!(
        "server killed after {} acknowledged writes; the ledger holds {} events",
        acked.len(),
        ledger.head().map_or(0, |h| h.seq + 1)
    );
}

#[test]
fn slow_idle_and_oversized_requests_are_cut_off_and_write_nothing() {
    let s = shared();
    let limits = Limits {
        head: Duration::from_millis(500),
        body: Duration::from_millis(500),
        connections: 3,
    };
    let server = serve_with(&s.env, limits);
    let http = Http::new(&server);
    let checker = Checker::new();
    let token = &s.tokens["coord"];
    let before = events(&http, &s);
    let big = "x".repeat(300 * 1024);

    // A body over 256 KiB, declared: refused before it is read, in the
    // API's JSON, naming the limit. (Only the head is sent: the server
    // answers without reading the body.)
    let mut c = raw(&server);
    write!(
        c,
        "POST /api/v1/items/M1/note HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        300 * 1024
    )
    .unwrap();
    let (head, body) = one_answer(&mut c);
    assert!(head.starts_with("HTTP/1.1 413"), "{head}");
    let v: Value = serde_json::from_str(&body).unwrap();
    checker.valid("api-error", "413", &v);
    assert_eq!(v["error"]["kind"], "too_large");
    assert!(body.contains("256 KiB"), "{body}");

    // The same without a declared length (chunked): refused once more
    // than 256 KiB has come in.
    let mut c = raw(&server);
    write!(
        c,
        "POST /api/v1/items/M1/note HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{{\"text\": \"",
        300 * 1024
    )
    .unwrap();
    c.write_all(&big.as_bytes()[..260 * 1024]).unwrap();
    let (head, body) = one_answer(&mut c);
    assert!(head.starts_with("HTTP/1.1 413"), "{head}");
    assert!(body.contains("too_large"), "{body}");

    // A form that large: a page in Dutch.
    let mut c = raw(&server);
    write!(
        c,
        "POST /inloggen HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
        300 * 1024
    )
    .unwrap();
    let (head, body) = one_answer(&mut c);
    assert!(head.starts_with("HTTP/1.1 413"), "{head}");
    assert!(body.contains("Te groot"), "{body}");

    // A body that never ends: 408 once its time is up.
    let mut c = raw(&server);
    write!(
        c,
        "POST /api/v1/items/M1/note HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"text\":"
    )
    .unwrap();
    let (head, body) = one_answer(&mut c);
    assert!(head.starts_with("HTTP/1.1 408"), "{head}");
    let v: Value = serde_json::from_str(&body).unwrap();
    checker.valid("api-error", "408", &v);
    assert_eq!(v["error"]["kind"], "timeout");

    // A head that never ends, and a connection that sends nothing: closed
    // without an answer.
    let mut c = raw(&server);
    write!(c, "GET / HTTP/1.1\r\nHost: t\r\n").unwrap();
    assert_eq!(until_closed(&mut c), "");
    let mut c = raw(&server);
    assert_eq!(until_closed(&mut c), "");

    // As many idle connections as the server serves at once do not keep
    // the next client out for long: they are cut off and it is answered.
    let held: Vec<TcpStream> = (0..limits.connections).map(|_| raw(&server)).collect();
    let a = http.get("/inloggen", None);
    assert_eq!(a.status, 200);
    drop(held);

    assert_eq!(
        events(&http, &s),
        before,
        "a refused request wrote something"
    );
    server.stop().unwrap();
}

#[test]
fn an_import_larger_than_one_transaction_is_written_whole_through_the_server() {
    use std::fmt::Write as _;
    let s = shared();
    let server = serve(&s.env);
    let http = Http::new(&server);
    // At least an event a row: more than one transaction takes, so the
    // import is written in parts (among other writes of a group:
    // `app::writer`'s unit tests).
    let rows = kamerstand::ledger::ATOMIC_EVENTS + 150;
    let mut csv = String::from("kind,key,text,status\n");
    for i in 0..rows {
        writeln!(
            csv,
            "motie,G{i},\"Motie van het lid G; verzoekt de regering stap {i} te zetten\",in-uitvoering"
        )
        .unwrap();
    }
    let before = events(&http, &s);
    let done = http.api_post_file(
        "/api/v1/import?name=groot.csv&reported_on=2025-05-15&format=json",
        &s.tokens["coord"],
        csv.as_bytes(),
    );
    assert_eq!(done.status, 200, "{}", done.body);
    assert_eq!(
        done.json()["added"].as_u64(),
        Some(rows as u64),
        "{}",
        done.body
    );
    let count = done.json()["appended"]["count"].as_u64().unwrap();
    assert!(count > kamerstand::ledger::ATOMIC_EVENTS as u64, "{count}");
    assert_eq!(events(&http, &s), before + count);
    // A write after it lands on the ledger the parts left.
    let note = http.api_post(
        "/api/v1/items/G7/note",
        &s.tokens["coord"],
        &json!({"text": "Na de grote import."}),
    );
    assert_eq!(note.status, 200, "{}", note.body);
    assert_eq!(events(&http, &s), before + count + 1);
    server.stop().unwrap();
    // Every part left a whole ledger: chain, index and tree agree.
    let out = s.env.run(&["--lang", "en", "verify"]);
    out.ok();
    assert!(
        out.stdout
            .starts_with(&format!("ok: {} events verified", before + count + 1)),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("entries match the events"),
        "{}",
        out.stdout
    );
}

#[test]
fn an_annex_is_imported_through_the_server_by_a_coordinator_only() {
    let s = shared();
    let server = serve(&s.env);
    let http = Http::new(&server);
    let checker = Checker::new();
    let csv = "kind,key,text,status\nmotie,M7,\"Motie van het lid C; verzoekt de regering een plan\",in-uitvoering\nmotie,M8,\"Motie van het lid D; verzoekt de regering een brief\",\n";
    let path = "/api/v1/import?name=bijlage.csv&reported_on=2025-05-15&format=json";

    // Every other role is refused, and nothing is written.
    for name in ["beheer", "vws", "ocw", "audit"] {
        let before = events(&http, &s);
        let a = http.api_post_file(path, &s.tokens[name], csv.as_bytes());
        assert_eq!(a.status, 403, "{name}: {}", a.body);
        checker.valid("api-error", name, &a.json());
        assert!(a.body.contains("import an annex or CSV file"), "{}", a.body);
        assert_eq!(events(&http, &s), before, "{name} wrote");
    }

    // A dry run reports and writes nothing; the import records both rows.
    let before = events(&http, &s);
    let dry = http.api_post_file(
        &format!("{path}&dry_run=true"),
        &s.tokens["coord"],
        csv.as_bytes(),
    );
    assert_eq!(dry.status, 200, "{}", dry.body);
    checker.valid("import-report", "dry run", &dry.json());
    assert_eq!(dry.json()["dry_run"], true);
    assert_eq!(dry.json()["appended"]["head"], Value::Null);
    assert_eq!(events(&http, &s), before);
    let done = http.api_post_file(path, &s.tokens["coord"], csv.as_bytes());
    assert_eq!(done.status, 200, "{}", done.body);
    checker.valid("import-report", "import", &done.json());
    assert_eq!(done.json()["added"], 2);
    let count = done.json()["appended"]["count"].as_u64().unwrap();
    assert!(count >= 2, "{}", done.body);
    assert_eq!(events(&http, &s), before + count);

    // Bad options are named as the query names them; an events export is
    // not restored through the server.
    let a = http.api_post_file(
        "/api/v1/import?reported_on=gisteren",
        &s.tokens["coord"],
        csv.as_bytes(),
    );
    assert_eq!(a.status, 400, "{}", a.body);
    assert!(a.body.contains("reported_on"), "{}", a.body);
    let export = http.api_get("/api/v1/export?format=events", Some(&s.tokens["coord"]));
    assert_eq!(export.status, 200);
    let a = http.api_post_file("/api/v1/import", &s.tokens["coord"], export.body.as_bytes());
    assert_eq!(a.status, 400, "{}", a.body);
    assert!(a.body.contains("new store"), "{}", a.body);

    // From the command line: the same import, its report as text.
    let url = format!("http://{}", server.addr());
    let token = s.env.dir.path().join("coord.token");
    crate::common::write_private(&token, &format!("{}\n", s.tokens["coord"]));
    let file = s.env.dir.path().join("voorjaar.csv");
    std::fs::write(
        &file,
        "kind,key,text\ntoezegging,T9,\"De minister stuurt de Kamer een overzicht.\"\n",
    )
    .unwrap();
    let out = s.env.run_bare(&[
        "--server",
        &url,
        "--token-file",
        token.to_str().unwrap(),
        "import",
        file.to_str().unwrap(),
        "--reported-on",
        "2025-05-15",
        "--seal-round",
        "2025-voorjaar",
    ]);
    out.ok();
    assert!(
        out.stdout
            .starts_with("imported voorjaar.csv (csv): 1 rows; 1 items added"),
        "{}",
        out.stdout
    );
    let rounds = http.api_get("/api/v1/rounds", Some(&s.tokens["coord"]));
    assert!(rounds.body.contains("2025-voorjaar"), "{}", rounds.body);

    // The round's proofs come from the server too, for any account.
    let proof = s.env.run_bare(&[
        "--server",
        &url,
        "--token-file",
        token.to_str().unwrap(),
        "proof",
        "item",
        "T9",
        "--round",
        "2025-voorjaar",
    ]);
    proof.ok();
    let a = http.api_get(
        "/api/v1/proof?kind=inclusion&seq=1&round=2025-voorjaar",
        Some(&s.tokens["audit"]),
    );
    assert_eq!(a.status, 200, "{}", a.body);
    assert!(
        a.json()["tree_size"].as_u64().is_some_and(|n| n > 1),
        "{}",
        a.body
    );
    assert_eq!(a.json()["tree_size"], proof_tree_size(&proof.stdout));
    let a = http.api_get("/api/v1/proof?kind=alles", Some(&s.tokens["audit"]));
    assert_eq!(a.status, 400, "{}", a.body);
    assert!(a.body.contains("kind"), "{}", a.body);
    server.stop().unwrap();
    // Recorded under the coördinator's account.
    let log = s.env.json(&["log", "--item", "T9", "--format", "json"]);
    assert_eq!(log["events"][0]["actor"], "coord");
    // The proof is the one the store's machine makes.
    let local = s
        .env
        .run(&["proof", "item", "T9", "--round", "2025-voorjaar"]);
    assert_eq!(proof.stdout, local.stdout);
}

/// The tree size a proof document names.
fn proof_tree_size(doc: &str) -> Value {
    let v: Value = serde_json::from_str(doc).unwrap();
    v["tree_size"].clone()
}

/// Reads a request's head and its body (as long as its Content-Length
/// says) from `c`; returns the head. A connection closed with unread bytes
/// is reset, and the reset can reach the client before the answer does.
pub(crate) fn read_request(c: &mut TcpStream) -> String {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && c.read(&mut byte).unwrap_or(0) == 1 {
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let declared = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse::<usize>().ok())
                .flatten()
        })
        .unwrap_or(0);
    let mut body = vec![0u8; declared];
    let _ = c.read_exact(&mut body);
    head
}

/// A "server" on the loopback interface that answers each of `answers`
/// (in turn, one connection each) whatever was asked: for testing what the
/// command line does with what a server sends.
pub(crate) fn fake_server(
    answers: Vec<(u16, &'static str, String)>,
) -> (String, std::thread::JoinHandle<()>) {
    let listener = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let thread = std::thread::spawn(move || {
        for (status, kind, body) in answers {
            let (mut c, _) = listener.accept().unwrap();
            c.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
            read_request(&mut c);
            write!(
                c,
                "HTTP/1.1 {status} X\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            )
            .unwrap();
        }
    });
    (url, thread)
}

#[test]
fn what_a_server_sends_reaches_the_terminal_without_raw_control_characters() {
    let env = TestEnv::new();
    let token = env.dir.path().join("t.token");
    crate::common::write_private(&token, "abc\n");
    let (url, thread) = fake_server(vec![
        (
            200,
            "text/plain",
            "Stand\u{1b}[2J\u{1b}]0;titel\u{7} van zaken \u{202e}sneJ\n".to_string(),
        ),
        (
            200,
            "application/json",
            "{\"items\": [\"a\u{1b}[31mrood\"]}\n".to_string(),
        ),
        (
            403,
            "application/json",
            "{\"error\": {\"status\": 403, \"kind\": \"forbidden\", \"message\": \"nee\u{1b}[8mverborgen\"}}\n"
                .to_string(),
        ),
    ]);
    let run = |args: &[&str]| {
        let mut full = vec![
            "--server",
            url.as_str(),
            "--token-file",
            token.to_str().unwrap(),
        ];
        full.extend_from_slice(args);
        env.run_bare(&full)
    };
    let raw = |s: &str| {
        s.chars()
            .any(|c| (c.is_control() && c != '\n' && c != '\t') || c == '\u{202e}')
    };
    let text = run(&["overview"]);
    text.ok();
    assert!(!raw(&text.stdout), "{:?}", text.stdout);
    assert!(text.stdout.contains("Stand\\u{1b}[2J"), "{:?}", text.stdout);
    let json = run(&["--format", "json", "overview"]);
    json.ok();
    assert!(!raw(&json.stdout), "{:?}", json.stdout);
    let refused = run(&["status", "M1", "vertraagd"]);
    refused.expect_code(2);
    assert!(!raw(&refused.stderr), "{:?}", refused.stderr);
    assert!(refused.stderr.contains("nee"), "{}", refused.stderr);
    thread.join().unwrap();
}

/// A page's text with the escapes of quotes and ampersands undone, to find
/// a sentence in it as it reads.
fn unescaped(html: &str) -> String {
    html.replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[test]
fn every_refusal_a_web_form_meets_is_shown_in_dutch_and_writes_nothing() {
    let s = shared();
    s.env.run(&["round", "seal", "r1"]).expect_code(0);
    let server = serve(&s.env);
    let http = Http::new(&server);
    for (path, body) in [
        ("/api/v1/items/M1/status", json!({"status": "vertraagd"})),
        ("/api/v1/items/M1/note", json!({"text": "Voortgang."})),
    ] {
        let a = http.api_post(path, &s.tokens["coord"], &body);
        assert_eq!(a.status, 200, "{}", a.body);
    }
    let status = seq_of(&http, &s, "M1", "vertraagd").to_string();
    let note = seq_of(&http, &s, "M1", "Voortgang").to_string();
    // An assignment taken back, and M2 withdrawn.
    let a = http.api_post(
        "/api/v1/items/M1/assign",
        &s.tokens["coord"],
        &json!({"responsible": "MVWS en SVWS"}),
    );
    assert_eq!(a.status, 200, "{}", a.body);
    let assigned = seq_of(&http, &s, "M1", "SVWS").to_string();
    let m2 = seq_of(&http, &s, "M2", "registered").to_string();
    for event in [&assigned, &m2] {
        let a = http.api_post(
            "/api/v1/corrections",
            &s.tokens["coord"],
            &json!({"event": event, "reason": "vergissing", "retract": true}),
        );
        assert_eq!(a.status, 200, "{}", a.body);
    }
    let long_title = "x".repeat(201);
    let many_refs = (0..65)
        .map(|i| format!("Stuk {i}"))
        .collect::<Vec<_>>()
        .join("\n");
    let coord = http.session("coord");
    let beheer = http.session("beheer");
    let coord_csrf = csrf(&http.get("/", Some(&coord)).body);
    let beheer_csrf = csrf(&http.get("/accounts", Some(&beheer)).body);
    let c = coord_csrf.as_str();
    let b = beheer_csrf.as_str();
    let before = events(&http, &s);
    // Who posts, where, which fields; what the page must say in Dutch and
    // what of the English message it must not.
    type Case<'a> = (&'a str, &'a str, Vec<(&'a str, &'a str)>, &'a str, &'a str);
    let cases: Vec<Case> = vec![
        (
            "coord",
            "/items/M1/status",
            vec![("status", "vertraagd")],
            "Item M1 heeft op ",
            "already has status",
        ),
        (
            "coord",
            "/items/M1/status",
            vec![("status", "vergeten")],
            "Het veld Status ('vergeten') is ongeldig: kies een van: invulling (\"Wordt invulling gegeven aan\"), ",
            "one of",
        ),
        (
            "coord",
            "/items/M1/status",
            vec![("status", "niet-vermeld")],
            "'niet-vermeld' noemt geen status",
            "states no status",
        ),
        (
            "coord",
            "/items/M1/status",
            vec![("status", "in-uitvoering"), ("ingang", "2999-01-01")],
            "Ingangsdatum 2999-01-01 ligt meer dan 366 dagen na vandaag",
            "days after today",
        ),
        (
            "coord",
            "/items/M1/status",
            vec![("status", "in-uitvoering"), ("ingang", "6-1-2025")],
            "Het veld Ingangsdatum ('6-1-2025') is ongeldig: geef een datum JJJJ-MM-DD tussen 1900-01-01 en 2999-12-31",
            "invalid effective",
        ),
        (
            "coord",
            "/items/M1/status",
            vec![("status", "in-uitvoering"), ("ingang", "2025-02-30")],
            "die dag bestaat niet",
            "does not exist in the calendar",
        ),
        (
            "coord",
            "/items/M9/status",
            vec![("status", "in-uitvoering")],
            "Er is geen item met sleutel of id-begin 'M9'",
            "no item with key",
        ),
        (
            "coord",
            "/items/M1/toewijzen",
            vec![("verantwoordelijk", "XYZ")],
            "Het veld Verantwoordelijk ('XYZ') is ongeldig: geef een of meer codes",
            "invalid responsible",
        ),
        (
            "coord",
            "/items/M1/toewijzen",
            vec![("verantwoordelijk", "MVWS")],
            "al toegewezen aan MVWS",
            "already assigned",
        ),
        (
            "coord",
            "/items/M1/notitie",
            vec![("tekst", "  ")],
            "Het veld Tekst is ongeldig: het mag niet leeg zijn.",
            "must not be empty",
        ),
        (
            "coord",
            "/items/M1/notitie",
            vec![("tekst", "Voortgang.")],
            "De laatste voortgangsnotitie van item M1 (seq ",
            "already says this",
        ),
        (
            "coord",
            "/items/M1/notitie",
            vec![("tekst", "Veel stukken."), ("refs", many_refs.as_str())],
            "ten hoogste 64 kamerstukken en 64 indieners",
            "citations and",
        ),
        (
            "coord",
            "/items/M2/status",
            vec![("status", "in-uitvoering")],
            "Item M2 is ingetrokken: de registratie (seq 2) is teruggenomen.",
            "was withdrawn",
        ),
        (
            "coord",
            "/correcties",
            vec![
                ("gebeurtenis", assigned.as_str()),
                ("reden", "fout"),
                ("intrekken", "ja"),
            ],
            "is al ingetrokken.",
            "already retracted",
        ),
        (
            "coord",
            "/items/M1/wijzigen",
            vec![("tekst", "Motie van het lid A; verzoekt de regering iets")],
            "verandert niets aan item M1",
            "changes nothing",
        ),
        (
            "coord",
            "/items/M1/wijzigen",
            vec![("tekst", "")],
            "Geef een nieuwe tekst om het item te wijzigen.",
            "give at least one of",
        ),
        (
            "coord",
            "/items",
            vec![
                ("soort", "motie"),
                ("tekst", "Nog een motie"),
                ("sleutel", "m1"),
            ],
            "Sleutel 'm1' is al in gebruik voor motie M1",
            "is already used by",
        ),
        (
            "coord",
            "/items",
            vec![("soort", "motie"), ("tekst", "Motie\u{b9} van het lid C")],
            "Het veld Tekst ('Motie\u{b9} van het lid C') is ongeldig: voetnootteken \u{b9} vraagt 1 kamerstuk en het item heeft er 0;",
            "footnote",
        ),
        (
            "coord",
            "/items/M1/notitie",
            vec![("tekst", "Klaar\u{7}.")],
            "is ongeldig: stuurteken U+0007 is niet toegestaan (alleen regeleinde en tab wel).",
            "control character",
        ),
        (
            "coord",
            "/items/M1/notitie",
            vec![("tekst", "Klaar\u{202e}.")],
            "is ongeldig: U+202E is een teken dat de leesrichting omkeert",
            "bidirectional",
        ),
        (
            "coord",
            "/rondes",
            vec![("naam", "r2"), ("titel", &long_title)],
            "Het veld Titel (",
            "bytes are accepted",
        ),
        (
            "beheer",
            "/accounts/beheer",
            vec![("uitschakelen", "ja")],
            "beheer is de enige",
            "only one",
        ),
        (
            "coord",
            "/items",
            vec![("soort", "wet"), ("tekst", "Een wet")],
            "Het veld Soort ('wet') is ongeldig: kies motie of toezegging.",
            "one of: motie",
        ),
        (
            "coord",
            "/items",
            vec![
                ("soort", "motie"),
                ("tekst", "Een motie"),
                ("sleutel", "-x"),
            ],
            "Het veld Sleutel ('-x') is ongeldig: 1 tot 32 tekens (letters A-Z a-z, cijfers, - _ .), beginnend met een letter of cijfer, bijvoorbeeld 34843-79 of M3.",
            "characters from",
        ),
        (
            "coord",
            "/correcties",
            vec![
                ("gebeurtenis", "9999"),
                ("reden", "fout"),
                ("intrekken", "ja"),
            ],
            "Er is geen gebeurtenis met seq 9999",
            "there is no event",
        ),
        (
            "coord",
            "/correcties",
            vec![
                ("gebeurtenis", "xyz"),
                ("reden", "fout"),
                ("intrekken", "ja"),
            ],
            "Het veld Gebeurtenis ('xyz') is ongeldig: geef een seq",
            "hex digits",
        ),
        (
            "coord",
            "/correcties",
            vec![
                ("gebeurtenis", status.as_str()),
                ("reden", ""),
                ("intrekken", "ja"),
            ],
            "Het veld Reden is ongeldig: het mag niet leeg zijn.",
            "must not be empty",
        ),
        (
            "coord",
            "/correcties",
            vec![("gebeurtenis", status.as_str()), ("reden", "fout")],
            "Geef een juiste waarde",
            "give a replacement",
        ),
        (
            "coord",
            "/correcties",
            vec![
                ("gebeurtenis", note.as_str()),
                ("reden", "fout"),
                ("status", "vertraagd"),
            ],
            "Juiste status vervangt niets in een voortgangsnotitie",
            "cannot replace anything",
        ),
        (
            "coord",
            "/correcties",
            vec![
                ("gebeurtenis", status.as_str()),
                ("reden", "fout"),
                ("status", "vertraagd"),
            ],
            "De correctie verandert niets",
            "changes nothing",
        ),
        (
            "coord",
            "/correcties",
            vec![("gebeurtenis", "0"), ("reden", "fout"), ("intrekken", "ja")],
            "Seq 0 is een aanmaak van het grootboek",
            "cannot be corrected",
        ),
        (
            "coord",
            "/correcties",
            vec![
                ("gebeurtenis", status.as_str()),
                ("reden", "fout"),
                ("status", "vertraagd"),
                ("intrekken", "ja"),
            ],
            "Trek de gebeurtenis in, of geef juiste waarden, niet allebei.",
            "either retract",
        ),
        (
            "coord",
            "/rondes",
            vec![("naam", "r1")],
            "Ronde 'r1' is al verzegeld op seq ",
            "was already sealed",
        ),
        (
            "coord",
            "/rondes",
            vec![("naam", "-r")],
            "Het veld Naam ('-r') is ongeldig: 1 tot 64 tekens (letters A-Z a-z, cijfers, - _ .)",
            "invalid round name",
        ),
        (
            "beheer",
            "/accounts",
            vec![("account", "vws"), ("naam", "Nog een"), ("rol", "auditor")],
            "Account 'vws' bestaat al",
            "exists already",
        ),
        (
            "beheer",
            "/accounts",
            vec![("account", "X!"), ("naam", "X"), ("rol", "auditor")],
            "Het veld Accountnaam ('X!') is ongeldig: 2 tot 64 tekens (kleine letters a-z, cijfers, . _ -), beginnend met een letter",
            "invalid account name",
        ),
        (
            "beheer",
            "/accounts",
            vec![("account", "nieuw"), ("naam", "Nieuw"), ("rol", "koning")],
            "Het veld Rol ('koning') is ongeldig: kies beheerder",
            "invalid role",
        ),
        (
            "beheer",
            "/accounts",
            vec![
                ("account", "nieuw"),
                ("naam", "Nieuw"),
                ("rol", "medewerker"),
                ("ministeries", "V.W.S"),
            ],
            "Het veld Ministerie ('V.W.S') is ongeldig: geef een portefeuille",
            "invalid ministry",
        ),
        (
            "beheer",
            "/accounts/niemand",
            vec![("rol", "auditor")],
            "Er is geen account 'niemand'.",
            "there is no account",
        ),
        (
            "beheer",
            "/accounts/audit",
            vec![("rol", "auditor")],
            "Account 'audit' heeft dit al",
            "holds already",
        ),
        (
            "beheer",
            "/accounts/beheer",
            vec![("rol", "auditor")],
            "Deze wijziging laat geen ingeschakelde beheerder over: beheer is de enige.",
            "leaves an enabled beheerder",
        ),
    ];
    let mut wrong = Vec::new();
    for (who, path, fields, dutch, english) in cases {
        let (cookie, token) = if who == "beheer" {
            (&beheer, b)
        } else {
            (&coord, c)
        };
        let mut form = vec![("csrf", token)];
        form.extend(fields.iter().cloned());
        let a = http.form(path, Some(cookie), &form);
        assert!(
            (400..500).contains(&a.status),
            "{path} {fields:?}: {} {}",
            a.status,
            a.body
        );
        let page = unescaped(&a.body);
        let said = page
            .split("<p class=\"msg fout\" role=\"alert\">")
            .nth(1)
            .and_then(|m| m.split("</p>").next())
            .unwrap_or_default();
        if !said.starts_with("Geweigerd, er is niets vastgelegd: ")
            || !said.contains(dutch)
            || said.contains(english)
        {
            wrong.push(format!(
                "{path} {fields:?}\n  wanted: {dutch}\n  said:   {said}"
            ));
        }
        assert_eq!(events(&http, &s), before, "{path} {fields:?}");
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    server.stop().unwrap();
}

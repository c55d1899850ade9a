//! `kamerstand serve`: serve the ledger to several people at once, as a JSON
//! API and web pages in Dutch (see docs/server.md). The server itself is
//! `crate::server`; this file opens the store (or builds the demo), starts
//! it, prints where it listens, and waits for Ctrl-C or SIGTERM.

use crate::app::credentials::Credentials;
use crate::app::write::Write;
use crate::cli::{CliError, Env, Global, emit};
use crate::domain::{AccountName, AccountRole, Invalid};
use crate::server::{Config, Limits, Server};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

/// Serve the ledger over HTTP: a JSON API for programs and
/// `kamerstand --server`, and web pages in Dutch for people, with accounts
/// and roles (see `kamerstand account`).
///
/// One process holds the store; writes are decided one by one and made
/// durable in groups. Listens on 127.0.0.1 unless told otherwise: put a
/// reverse proxy with TLS in front of it to serve a network (and pass
/// --secure-cookies). Prints the address it listens on; stops on Ctrl-C
/// or SIGTERM, after answering every write in progress.
///
/// Example: kamerstand --store nap.db serve --port 8080
///
/// Example: kamerstand serve --demo
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The address to listen on.
    #[arg(long, value_name = "IP", default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    bind: IpAddr,
    /// The port to listen on (0: any free port; the address is printed).
    #[arg(long, value_name = "PORT", default_value_t = 8080)]
    port: u16,
    /// Mark session cookies Secure: the server is reached over HTTPS,
    /// through a reverse proxy that terminates TLS.
    #[arg(long)]
    secure_cookies: bool,
    /// Serve the demo's ledger (built in a temporary directory, removed at
    /// the end) with demo accounts, and print them.
    #[arg(long)]
    demo: bool,
}

/// A demo account: name, display name, role, ministries.
type DemoAccount = (
    &'static str,
    &'static str,
    AccountRole,
    &'static [&'static str],
);

/// The demo's accounts.
const DEMO_ACCOUNTS: &[DemoAccount] = &[
    ("beheer", "Beheerder (demo)", AccountRole::Beheerder, &[]),
    (
        "coordinator",
        "Coördinator BZK (demo)",
        AccountRole::Coordinator,
        &[],
    ),
    (
        "a.bakker",
        "A. Bakker, BZK (demo)",
        AccountRole::Medewerker,
        &["BZK"],
    ),
    (
        "j.visser",
        "J. Visser, JenV (demo)",
        AccountRole::Medewerker,
        &["JenV"],
    ),
    ("auditor", "Auditor (demo)", AccountRole::Auditor, &[]),
];

/// The demo accounts' password.
pub(crate) const DEMO_PASSWORD: &str = "demo-wachtwoord";

pub(crate) fn run(a: &Args, g: &Global, env: &mut Env<'_>) -> Result<(), CliError> {
    let config = |store| Config {
        addr: SocketAddr::new(a.bind, a.port),
        store,
        secure_cookies: a.secure_cookies,
        limits: Limits::default(),
    };
    if a.demo {
        let dir = super::demo::temp_dir()?;
        let result = demo(g, env, &dir, config);
        let _ = std::fs::remove_dir_all(&dir);
        return result;
    }
    let ws = g.open(env)?;
    let accounts = ws.ledger().registry()?.accounts;
    if accounts.is_empty() {
        return Err(Invalid::new(
            "serve",
            &crate::fsutil::shown_path(&g.store),
            "a ledger with accounts: add one first, e.g. `kamerstand account add j.devries --name \"J. de Vries\" --role beheerder` and `kamerstand account password j.devries`",
        )
        .into());
    }
    let server = Server::start(ws, config(g.store.clone()))?;
    announce(env, &server, None)?;
    server.run_until_signal()?;
    Ok(())
}

fn demo(
    g: &Global,
    env: &mut Env<'_>,
    dir: &std::path::Path,
    config: impl Fn(std::path::PathBuf) -> Config,
) -> Result<(), CliError> {
    let store = dir.join("ledger.db");
    let mut ws = super::demo::build(dir, g, env)?;
    let mut creds = Credentials::load(&store)?;
    let mut tokens = Vec::new();
    for (name, display, role, ministries) in DEMO_ACCOUNTS {
        let account = AccountName::parse(name)?;
        ws.write(
            &g.actor,
            Write::CreateAccount {
                account: account.clone(),
                display_name: (*display).into(),
                role: *role,
                ministries: ministries.iter().map(|m| (*m).to_string()).collect(),
            },
        )?;
        creds.set_password(&account, DEMO_PASSWORD)?;
        // A token each, so that a newcomer can try `--server` and the API
        // too (the demo's store is in a directory nobody is told of).
        let now = ws.now();
        tokens.push((*name, creds.new_token(&account, now)?.0));
    }
    creds.save()?;
    let server = Server::start(ws, config(store))?;
    announce(env, &server, Some((DEMO_ACCOUNTS, &tokens)))?;
    server.run_until_signal()?;
    Ok(())
}

/// What the demo tells a newcomer: its accounts, and each one's token.
type Demo<'a> = (&'a [DemoAccount], &'a [(&'a str, String)]);

fn announce(env: &mut Env<'_>, server: &Server, demo: Option<Demo<'_>>) -> Result<(), CliError> {
    let mut out = format!("kamerstand serve: listening on http://{}/\n", server.addr());
    if let Some((accounts, tokens)) = demo {
        out.push_str(&format!(
            "Demo ledger in a temporary directory (removed when the server stops). Sign in with one of these accounts, password {DEMO_PASSWORD}:\n"
        ));
        for (name, display, role, ministries) in accounts {
            out.push_str(&format!(
                "  {name:<12} {:<12} {}{}\n",
                role.label(),
                display,
                if ministries.is_empty() {
                    String::new()
                } else {
                    format!(" — ministeries {}", ministries.join(", "))
                }
            ));
        }
        out.push_str(&format!(
            "For the command line (kamerstand --server http://{}/ overview) or the API, put an account's token in KAMERSTAND_TOKEN:\n",
            server.addr()
        ));
        for (name, token) in tokens {
            out.push_str(&format!("  {name:<12} {token}\n"));
        }
    }
    out.push_str("Stop with Ctrl-C.\n");
    emit(env, &out)
}

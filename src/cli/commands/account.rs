//! `kamerstand account add | change | disable | enable | list | password |
//! token`: the accounts of a shared ledger (events in the ledger) and their
//! credentials (a file beside the store, never in the ledger), managed by
//! whoever runs the command line on the machine that holds the store.

use crate::app::credentials::{self, Credentials};
use crate::app::request::ministries;
use crate::app::write::Write;
use crate::cli::{CliError, Env, Global, emit};
use crate::domain::{AccountName, AccountRole, Invalid, text};
use crate::error::Error;
use crate::report;
use std::io::Read;

/// Manage the accounts of a shared ledger (see `kamerstand serve`).
///
/// Accounts are events in the ledger, recorded with the local actor
/// (`local:NAME`): the audit trail shows who could do what, and when.
/// Passwords and tokens are kept apart from the ledger, in
/// STORE.credentials.json beside the store (mode 0600).
///
/// Example: kamerstand account add m.jansen --name "M. Jansen" --role medewerker --ministry VWS
#[derive(Debug, clap::Subcommand)]
pub enum AccountCommand {
    Add(AddArgs),
    Change(ChangeArgs),
    Disable(NameArgs),
    Enable(NameArgs),
    List(ListArgs),
    Password(NameArgs),
    Token(TokenArgs),
}

/// Create an account.
///
/// Roles: beheerder (manages accounts), coordinator (records for every
/// item, seals rounds), medewerker (records status, assignments, notes
/// and corrections for the items of their ministries), auditor (reads
/// only).
///
/// Example: kamerstand account add m.jansen --name "M. Jansen" --role medewerker --ministry VWS
#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// Login name: 2–64 characters from a-z 0-9 . _ -, e.g. m.jansen.
    name: String,
    /// The person's name as shown, e.g. "M. Jansen".
    #[arg(long = "name", value_name = "TEXT")]
    display_name: String,
    /// beheerder, coordinator, medewerker or auditor.
    #[arg(long, value_name = "ROLE")]
    role: String,
    /// A portfolio whose items a medewerker records for, e.g. VWS or JenV
    /// (repeat for more).
    #[arg(long = "ministry", value_name = "CODE")]
    ministries: Vec<String>,
}

/// Change an account's role or ministries.
///
/// Example: kamerstand account change m.jansen --ministry VWS --ministry JenV
#[derive(Debug, clap::Args)]
pub struct ChangeArgs {
    /// The account, e.g. m.jansen.
    name: String,
    /// The new role.
    #[arg(long, value_name = "ROLE")]
    role: Option<String>,
    /// The new ministries, all of them (repeat for more).
    #[arg(long = "ministry", value_name = "CODE")]
    ministries: Vec<String>,
    /// Remove every ministry.
    #[arg(long, conflicts_with = "ministries")]
    no_ministries: bool,
}

/// One account by name.
///
/// `disable`: the account may do nothing, reading included, from its next
/// request on (its sessions end). `enable`: it may again. `password`:
/// reads the new password from standard input (one line, at least 10
/// characters), never from the command line, where other users could see
/// it.
///
/// Example: kamerstand account disable m.jansen
#[derive(Debug, clap::Args)]
pub struct NameArgs {
    /// The account, e.g. m.jansen.
    name: String,
}

/// List the accounts.
///
/// Example: kamerstand account list --format json
#[derive(Debug, clap::Args)]
pub struct ListArgs {}

/// Make an API token for an account (printed once; only its hash is kept),
/// or revoke tokens.
///
/// A program or `kamerstand --server URL` sends the token to prove it acts
/// for the account; keep it as a password.
///
/// A file holding it must be readable by its owner only (`umask 077`
/// before writing it, or `chmod 600`): `--token-file` refuses one others
/// may read.
///
/// Example: kamerstand account token m.jansen > m.jansen.token
#[derive(Debug, clap::Args)]
pub struct TokenArgs {
    /// The account, e.g. m.jansen.
    name: String,
    /// Revoke the token with this id (as `--list` shows it) instead.
    #[arg(long, value_name = "ID", conflicts_with_all = ["revoke_all", "list"])]
    revoke: Option<String>,
    /// Revoke all of the account's tokens instead.
    #[arg(long, conflicts_with = "list")]
    revoke_all: bool,
    /// List the account's tokens (ids and when they were made).
    #[arg(long)]
    list: bool,
}

pub(crate) fn run(c: &AccountCommand, g: &Global, env: &mut Env<'_>) -> Result<(), CliError> {
    match c {
        AccountCommand::Add(a) => {
            let w = crate::app::request::AccountRequest {
                account: a.name.clone(),
                display_name: a.display_name.clone(),
                role: a.role.clone(),
                ministries: a.ministries.clone(),
            }
            .into_write()?;
            write(w, g, env)
        }
        AccountCommand::Change(a) => {
            let role = a.role.as_deref().map(AccountRole::parse).transpose()?;
            let list = if a.no_ministries {
                Some(Vec::new())
            } else {
                (!a.ministries.is_empty()).then(|| ministries(&a.ministries))
            };
            if role.is_none() && list.is_none() {
                return Err(Invalid::new(
                    "account change",
                    &a.name,
                    "give --role, --ministry or --no-ministries",
                )
                .into());
            }
            write(
                Write::ChangeAccount {
                    account: AccountName::parse(&a.name)?,
                    role,
                    ministries: list,
                    disabled: None,
                },
                g,
                env,
            )
        }
        AccountCommand::Disable(a) | AccountCommand::Enable(a) => write(
            Write::ChangeAccount {
                account: AccountName::parse(&a.name)?,
                role: None,
                ministries: None,
                disabled: Some(matches!(c, AccountCommand::Disable(_))),
            },
            g,
            env,
        ),
        AccountCommand::List(_) => {
            let ws = g.open(env)?;
            let reg = ws.ledger().registry()?;
            emit(
                env,
                &report::accounts::accounts(reg.accounts.values(), g.report(), &g.look),
            )
        }
        AccountCommand::Password(a) => password(a, g, env),
        AccountCommand::Token(a) => token(a, g, env),
    }
}

fn write(w: Write, g: &Global, env: &mut Env<'_>) -> Result<(), CliError> {
    let mut ws = g.open(env)?;
    let receipt = ws.write(&g.actor, w)?;
    let line = super::outcome_line(&ws, &receipt.outcome, g.look.lang);
    crate::cli::receipt(env, g, &ws, &receipt.recorded, &line)
}

/// Checks that the account exists. When the server holds the store, the
/// check is left to the server (a credential of an account the ledger
/// does not have lets nobody in), and the command says so.
fn known(name: &AccountName, g: &Global, env: &mut Env<'_>) -> Result<(), CliError> {
    match g.open(env) {
        Ok(ws) => {
            // An account only the index has must not get a credential that
            // outlives the forgery.
            crate::app::access::check_registry(
                ws.ledger(),
                "a credential is made only for an account the chain created, so none is made",
            )?;
            crate::app::access::account(&ws, name)?;
            Ok(())
        }
        Err(CliError::Lib(Error::InUse { .. })) => {
            let _ = writeln!(
                env.err,
                "note: the store is in use (by `kamerstand serve`?), so whether account '{name}' exists was not checked; the server reads the new credentials at the next sign-in"
            );
            Ok(())
        }
        Err(e) => Err(e),
    }
}

fn password(a: &NameArgs, g: &Global, env: &mut Env<'_>) -> Result<(), CliError> {
    let name = AccountName::parse(&a.name)?;
    let mut buf = Vec::new();
    env.input
        .take(u64::try_from(credentials::MAX_PASSWORD).unwrap_or(u64::MAX) + 2)
        .read_to_end(&mut buf)
        .map_err(|e| Error::storage("reading the password from standard input", e))?;
    let text = String::from_utf8(buf)
        .map_err(|_| Invalid::new("password", "(not shown)", "UTF-8 text"))?;
    // One line: the newline that ends it is not part of it.
    let pw = text.strip_suffix('\n').unwrap_or(&text);
    let pw = pw.strip_suffix('\r').unwrap_or(pw);
    credentials::check_password(pw)?;
    known(&name, g, env)?;
    let mut c = Credentials::load(&g.store)?;
    c.set_password(&name, pw)?;
    c.save()?;
    emit(
        env,
        &format!(
            "password of {name} set (kept as an argon2id hash in {})\n",
            crate::fsutil::shown_path(c.path())
        ),
    )
}

fn token(a: &TokenArgs, g: &Global, env: &mut Env<'_>) -> Result<(), CliError> {
    let name = AccountName::parse(&a.name)?;
    let mut c = Credentials::load(&g.store)?;
    if a.list {
        let mut out = String::new();
        for t in c.tokens(&name) {
            out.push_str(&format!("{}  made {}\n", t.id, t.created));
        }
        if out.is_empty() {
            out = format!("{name} has no tokens\n");
        }
        return emit(env, &out);
    }
    if a.revoke.is_some() || a.revoke_all {
        let n = c.revoke(&name, a.revoke.as_deref());
        if n == 0 {
            return Err(Invalid::new(
                "--revoke",
                a.revoke.as_deref().unwrap_or("all"),
                format!(
                    "the id of one of {name}'s tokens (`kamerstand account token {name} --list`)"
                ),
            )
            .into());
        }
        c.save()?;
        return emit(env, &format!("{n} token(s) of {name} revoked\n"));
    }
    known(&name, g, env)?;
    let now = (env.clock)().now();
    let (token, id) = c.new_token(&name, now)?;
    c.save()?;
    let _ = writeln!(
        env.err,
        "token {id} made for {name}; it is shown this once (only its hash is kept). Give it to {name} as you would a password; `kamerstand --server URL` reads it from KAMERSTAND_TOKEN or --token-file."
    );
    emit(env, &format!("{}\n", text::visible(&token)))
}

#[cfg(feature = "server")]
pub(crate) fn remote(
    c: &AccountCommand,
    r: &crate::cli::remote::Remote,
    env: &mut Env<'_>,
) -> Result<(), CliError> {
    match c {
        AccountCommand::List(_) => r.show(env, "/api/v1/accounts", &[]),
        AccountCommand::Add(a) => r.write(
            env,
            "/api/v1/accounts",
            &serde_json::json!({
                "account": a.name,
                "display_name": a.display_name,
                "role": a.role,
                "ministries": a.ministries,
            }),
        ),
        AccountCommand::Change(a) => r.write(
            env,
            &format!("/api/v1/accounts/{}", crate::cli::remote::seg(&a.name)),
            &serde_json::json!({
                "role": a.role,
                "ministries": if a.no_ministries { Some(Vec::new()) } else { (!a.ministries.is_empty()).then(|| a.ministries.clone()) },
            }),
        ),
        AccountCommand::Disable(a) | AccountCommand::Enable(a) => r.write(
            env,
            &format!("/api/v1/accounts/{}", crate::cli::remote::seg(&a.name)),
            &serde_json::json!({"disabled": matches!(c, AccountCommand::Disable(_))}),
        ),
        AccountCommand::Password(_) | AccountCommand::Token(_) => Err(Invalid::new(
            "--server",
            "account password/token",
            "run on the server's machine: credentials are kept beside the store, never sent over the network",
        )
        .into()),
    }
}

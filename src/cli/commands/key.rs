//! `kamerstand key generate | add | list`: the Ed25519 keys that sign a
//! round's checkpoint (signer) or cosign it (witness).

use crate::app::proofs;
use crate::cli::{CliError, Env, Global, emit};
use crate::domain::{Invalid, KeyRole, text};
use std::fmt::Write as _;
use std::path::PathBuf;

/// Make and register the keys that sign round notes. The private key stays
/// in its file, never in the ledger; the ledger registers public keys.
///
/// Example: kamerstand key generate --out nap-signer.key --name kamerstand.example/nap
///
/// Example: kamerstand key add nap-signer.key.pub --name kamerstand.example/nap --role signer
#[derive(Debug, clap::Subcommand)]
pub enum KeyCommand {
    Generate(GenerateArgs),
    Add(AddArgs),
    List(ListArgs),
}

/// Make a new key pair: FILE (the private key, readable by its owner only)
/// and FILE.pub (the public key to register and to hand to auditors).
/// Neither file may exist yet.
///
/// Example: kamerstand key generate --out nap-signer.key --name kamerstand.example/nap
///
/// Example: kamerstand key generate --out rekenkamer.key --name rekenkamer.example/witness --role witness
#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    /// Where to write the private key, e.g. nap-signer.key (and the public
    /// key beside it, nap-signer.key.pub).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// The key's name, as signature lines carry it, e.g.
    /// kamerstand.example/nap (no spaces or '+').
    #[arg(long, value_name = "NAME")]
    name: String,
    /// signer (signs the programme's rounds) or witness (cosigns them).
    #[arg(long, value_name = "ROLE", default_value = "signer")]
    role: String,
}

/// Register a public key that may sign (signer) or cosign (witness) round
/// notes. The name and role must be the ones the key file was made with.
///
/// Example: kamerstand key add nap-signer.key.pub --name kamerstand.example/nap --role signer
#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// The public key file, e.g. nap-signer.key.pub.
    file: PathBuf,
    /// The key's name, e.g. kamerstand.example/nap.
    #[arg(long, value_name = "NAME")]
    name: String,
    /// signer or witness.
    #[arg(long, value_name = "ROLE")]
    role: String,
}

/// List the registered keys: name, role, key id, registering seq and the
/// public key as auditors pass it to `verify_export.py --pubkey`.
///
/// Example: kamerstand key list
#[derive(Debug, clap::Args)]
pub struct ListArgs {}

fn role(s: &str) -> Result<KeyRole, Invalid> {
    KeyRole::parse(s).map_err(|e| Invalid::new("--role", s, e.expected))
}

pub(crate) fn run(c: &KeyCommand, g: &Global, env: &mut Env<'_>) -> Result<(), CliError> {
    match c {
        KeyCommand::Generate(a) => {
            let key = proofs::key_generate(&a.out, a.name.trim(), role(&a.role)?)?;
            let private = text::visible(&crate::fsutil::shown_path(&a.out)).into_owned();
            let public =
                text::visible(&crate::fsutil::shown_path(&proofs::pub_path(&a.out))).into_owned();
            let line = match g.look.lang {
                crate::formats::annex::Lang::Nl => format!(
                    "{private} (de privésleutel: bewaar die goed; alleen u kunt hem lezen) en {public} (de publieke sleutel) geschreven"
                ),
                crate::formats::annex::Lang::En => format!(
                    "wrote {private} (the private key: keep it safe; readable by you only) and {public} (the public key)"
                ),
            };
            emit(env, &format!("{line}\n{key}\n"))
        }
        KeyCommand::Add(a) => {
            let role = role(&a.role)?;
            let key = proofs::read_public_key(&a.file)?;
            let mut ws = g.open(env)?;
            let rec = proofs::key_add(&mut ws, &g.actor, &key, &a.name, role)?;
            let line = match g.look.lang {
                crate::formats::annex::Lang::Nl => format!(
                    "sleutel {} ({role}) geregistreerd (sleutel-id {})",
                    text::visible(key.name()),
                    key.key_id_hex()
                ),
                crate::formats::annex::Lang::En => format!(
                    "{role} key {} registered (key id {})",
                    text::visible(key.name()),
                    key.key_id_hex()
                ),
            };
            crate::cli::receipt(env, g, &ws, &rec, &line)
        }
        KeyCommand::List(_) => {
            let ws = g.open(env)?;
            let reg = ws.ledger().registry()?;
            let keys = proofs::registered_keys(&ws)?;
            if g.report() == crate::report::Format::Json {
                let list: Vec<serde_json::Value> = reg
                    .keys
                    .values()
                    .zip(&keys)
                    .map(|(k, v)| {
                        serde_json::json!({
                            "name": k.name.as_str(),
                            "role": k.role.as_str(),
                            "key_id": v.key_id_hex(),
                            "public_key": k.public_key.to_string(),
                            "verifier_key": v.to_string(),
                            "seq": k.seq,
                        })
                    })
                    .collect();
                let mut s = serde_json::to_string_pretty(&serde_json::json!({ "keys": list }))
                    .unwrap_or_default();
                s.push('\n');
                return emit(env, &s);
            }
            let mut out = String::new();
            let lang = g.look.lang;
            if keys.is_empty() {
                out.push_str(lang.pick(
                    "geen sleutels geregistreerd; `kamerstand key add BESTAND.pub --name NAAM --role signer` registreert er een\n",
                    "no keys registered; `kamerstand key add FILE.pub --name NAME --role signer` registers one\n",
                ));
            }
            let (id, at) = (
                lang.pick("sleutel-id", "key id"),
                lang.pick("geregistreerd bij seq", "registered at seq"),
            );
            for (k, v) in reg.keys.values().zip(&keys) {
                let _ = writeln!(
                    out,
                    "{}  {}  {id} {}  {at} {}\n  {}",
                    text::visible(k.name.as_str()),
                    k.role,
                    v.key_id_hex(),
                    k.seq,
                    text::visible(&v.to_string())
                );
            }
            emit(env, &out)
        }
    }
}

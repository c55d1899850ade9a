//! The accounts of a shared ledger as `account list` and the server show
//! them: a table for people, JSON (`schema/accounts.schema.json`) for
//! programs. Credentials are not the ledger's and are not shown here; a
//! caller that has them adds whether a password is set.

use super::Format;
use super::table::{Look, Table};
use crate::projection::state::Account;
use serde_json::{Value, json};

/// One account as JSON.
pub fn account_json(a: &Account) -> Value {
    json!({
        "account": a.account.as_str(),
        "display_name": a.display_name,
        "role": a.role.as_str(),
        "ministries": a.ministries,
        "disabled": a.disabled,
        "created_seq": a.created_seq,
    })
}

/// The accounts, by name.
pub fn accounts<'a>(
    list: impl IntoIterator<Item = &'a Account>,
    format: Format,
    look: &Look,
) -> String {
    let list: Vec<&Account> = list.into_iter().collect();
    match format {
        Format::Json => {
            let v = json!({
                "accounts": list.iter().map(|a| account_json(a)).collect::<Vec<_>>(),
            });
            format!(
                "{}\n",
                serde_json::to_string_pretty(&v).unwrap_or_else(|_| "{}".into())
            )
        }
        Format::Table | Format::Md => {
            let lang = look.lang;
            if list.is_empty() {
                return lang
                    .pick(
                        "Geen accounts: dit grootboek wordt niet gedeeld. Voeg er een toe met `kamerstand account add`.\n",
                        "No accounts: this ledger is not shared. Add one with `kamerstand account add`.\n",
                    )
                    .into();
            }
            let headers = if lang == super::Lang::Nl {
                [
                    "account",
                    "naam",
                    "rol",
                    "ministeries",
                    "staat",
                    "sinds seq",
                ]
            } else {
                [
                    "account",
                    "name",
                    "role",
                    "ministries",
                    "state",
                    "since seq",
                ]
            };
            let mut t = Table::new(&headers, &[32, 32, 12, 24, 13, 9]);
            for a in list {
                let state = if a.disabled {
                    lang.pick("uitgeschakeld", "disabled")
                } else {
                    lang.pick("actief", "enabled")
                };
                t.row(vec![
                    a.account.to_string(),
                    a.display_name.clone(),
                    a.role.label().to_string(),
                    a.ministries.join(", "),
                    state.into(),
                    a.created_seq.to_string(),
                ]);
            }
            t.render_with(look)
        }
    }
}

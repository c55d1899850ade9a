//! `kamerstand item add | list | amend`: register, list and fix items.

use super::{CliError, Env, Global, effective, emit, reason, receipt};
use crate::domain::{EventBody, ItemKey, ItemKind, Responsible, text};
use crate::projection::decide;
use crate::report;

/// Register, list or amend items (motions and commitments).
///
/// Example: kamerstand item add --kind toezegging --text "De minister stuurt de Kamer een brief."
///
/// Example: kamerstand item list
#[derive(Debug, clap::Subcommand)]
pub enum ItemCommand {
    Add(AddArgs),
    List(ListArgs),
    Amend(AmendArgs),
}

/// Register a motion or commitment.
///
/// The key is taken from --key, else derived from the first citation
/// (`34843-79`), else the next free M1, M2, … / T1, T2, …
///
/// Example: kamerstand item add --kind motie --text "De Tweede Kamer verzoekt de regering …"
///   --submitter "Jansen" --ref "Kamerstukken II 2024/25, 36600, nr. 12" --responsible SOCW
#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// motie or toezegging.
    #[arg(long, value_name = "KIND")]
    kind: String,
    /// The item's text as in the annex, e.g. "De Tweede Kamer verzoekt de
    /// regering …".
    #[arg(long, value_name = "TEXT")]
    text: String,
    /// Member who submitted the motion, e.g. Jansen (repeat for several).
    #[arg(long = "submitter", value_name = "NAME")]
    submitters: Vec<String>,
    /// Citation of a parliamentary paper, checked for form, e.g.
    /// "Kamerstukken II 2024/25, 36600, nr. 12" (repeat for several).
    #[arg(long = "ref", value_name = "CITATION")]
    refs: Vec<String>,
    /// Citation kept as typed without checking its form, e.g. a typo as
    /// printed: "Kamerstukken II 202/25, 36600, nr. 12".
    #[arg(long = "ref-raw", value_name = "TEXT")]
    raw_refs: Vec<String>,
    /// Key to use instead of the derived one, e.g. M12.
    #[arg(long, value_name = "KEY")]
    key: Option<String>,
    /// Responsible codes, e.g. SOCW or "MOCW en SOCW".
    #[arg(long, value_name = "CODES")]
    responsible: Option<String>,
    /// Initial status: a legend slug or Dutch label, e.g. in-uitvoering
    /// (default: not stated).
    #[arg(long, value_name = "STATUS")]
    status: Option<String>,
    /// When the item came into being, YYYY-MM-DD (default: today).
    #[arg(long, value_name = "DATE")]
    effective: Option<String>,
}

/// List all items with key, kind, status, responsible and id.
///
/// Example: kamerstand item list --format json
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    #[command(flatten)]
    view: super::view::ViewArgs,
}

/// Fix an item's own text, citations or submitters (history keeps both).
///
/// Example: kamerstand item amend M2 --ref "Kamerstukken II 2024/25, 36600, nr. 14" --reason "wrong number"
#[derive(Debug, clap::Args)]
pub struct AmendArgs {
    /// Item key or id prefix, e.g. 34843-79 or M2.
    key: String,
    /// Replacement text.
    #[arg(long, value_name = "TEXT")]
    text: Option<String>,
    /// Replacement citations (all of them; repeat for several).
    #[arg(long = "ref", value_name = "CITATION")]
    refs: Vec<String>,
    /// Replacement citation kept as typed.
    #[arg(long = "ref-raw", value_name = "TEXT")]
    raw_refs: Vec<String>,
    /// Replacement submitters (all of them; repeat for several).
    #[arg(long = "submitter", value_name = "NAME")]
    submitters: Vec<String>,
    /// Why it is amended, e.g. "verkeerd nummer".
    #[arg(long, value_name = "TEXT")]
    reason: Option<String>,
}

pub(super) fn run(c: &ItemCommand, g: &Global, env: &mut Env<'_>) -> Result<(), CliError> {
    match c {
        ItemCommand::Add(a) => add(a, g, env),
        ItemCommand::List(a) => {
            let req = a.view.parse()?;
            let ws = g.open(env)?;
            let view = req.build(&ws)?;
            emit(env, &report::item_list_with(&view, g.format, &g.look))
        }
        ItemCommand::Amend(a) => amend(a, g, env),
    }
}

/// Checked citations: strict ones must parse, raw ones are kept as typed.
pub(super) fn all_refs(strict: &[String], raw: &[String]) -> Result<Vec<String>, CliError> {
    let mut v = decide::citations(strict, true)?;
    v.extend(decide::citations(raw, false)?);
    Ok(v)
}

fn names(what: &str, raw: &[String]) -> Result<Vec<String>, CliError> {
    raw.iter()
        .map(|s| text::short_text(what, s).map_err(Into::into))
        .collect()
}

fn add(a: &AddArgs, g: &Global, env: &mut Env<'_>) -> Result<(), CliError> {
    // Everything is parsed before the store is opened.
    let kind = ItemKind::parse(&a.kind)?;
    let item_text = text::free_text("--text", &a.text)?;
    let submitters = names("--submitter", &a.submitters)?;
    let citations = all_refs(&a.refs, &a.raw_refs)?;
    let key = a.key.as_deref().map(ItemKey::parse).transpose()?;
    let responsible = a
        .responsible
        .as_deref()
        .map(Responsible::parse)
        .transpose()?
        .unwrap_or_default();
    let eff = effective(a.effective.as_deref())?;

    let mut ws = g.open(env)?;
    let status = match &a.status {
        Some(s) => ws.state().legend().resolve(s)?.slug.clone(),
        None => crate::domain::legend::NOT_STATED.to_string(),
    };
    let key = decide::assign_key(ws.state(), kind, key, &citations)?;
    let effective = ws.day_or_today(eff);
    let rec = ws.record(
        &g.actor,
        EventBody::ItemRegistered {
            kind,
            key: key.clone(),
            text: item_text,
            submitters,
            citations,
            responsible,
            status,
            effective,
        },
    )?;
    let line = format!("registered {kind} {key} (id {})", rec.envelope.id.hex());
    receipt(env, g, &ws, &rec, &line)
}

fn amend(a: &AmendArgs, g: &Global, env: &mut Env<'_>) -> Result<(), CliError> {
    let new_text = a
        .text
        .as_deref()
        .map(|t| text::free_text("--text", t))
        .transpose()?;
    let citations = (!a.refs.is_empty() || !a.raw_refs.is_empty())
        .then(|| all_refs(&a.refs, &a.raw_refs))
        .transpose()?;
    let submitters = (!a.submitters.is_empty())
        .then(|| names("--submitter", &a.submitters))
        .transpose()?;
    let why = reason(a.reason.as_deref())?;
    if new_text.is_none() && citations.is_none() && submitters.is_none() {
        return Err(crate::domain::Invalid::new(
            "item amend",
            &a.key,
            "give at least one of --text, --ref, --ref-raw, --submitter",
        )
        .into());
    }
    let mut ws = g.open(env)?;
    let item = ws.state().resolve(&a.key)?;
    let (id, key) = (item.id, item.key.clone());
    let rec = ws.record(
        &g.actor,
        EventBody::ItemAmended {
            item: id,
            text: new_text,
            citations,
            submitters,
            reason: why,
        },
    )?;
    receipt(env, g, &ws, &rec, &format!("amended {key}"))
}

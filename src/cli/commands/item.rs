//! `kamerstand item add | list | amend`: register, list and fix items.

use crate::app::write::{Registration, Write};
use crate::cli::args::{citations, effective, names, reason};
use crate::cli::{CliError, Env, Global, emit};
use crate::domain::{ItemKey, ItemKind, Responsible, text};
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
///
/// Example: kamerstand item list --kind toezegging --wide
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    #[command(flatten)]
    view: crate::cli::args::ViewArgs,
    #[command(flatten)]
    filter: crate::cli::args::FilterArgs,
    #[command(flatten)]
    wide: crate::cli::args::WideArgs,
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

pub(crate) fn run(c: &ItemCommand, g: &Global, env: &mut Env<'_>) -> Result<(), CliError> {
    match c {
        ItemCommand::Add(a) => add(a, g, env),
        ItemCommand::List(a) => {
            let req = a.view.parse()?;
            let filter = a.filter.parse()?;
            let look = a.wide.look(g);
            let ws = g.open(env)?;
            let view = filter.apply(req.build(&ws)?)?;
            if let Some(s) = super::nothing_recorded(&ws, &view, g, &look)? {
                return emit(env, &s);
            }
            if g.report() == report::Format::Json {
                // Written an item at a time, not made whole first.
                return super::json_out(env, |w| report::item_list_json_to(&view, w));
            }
            emit(env, &report::item_list_with(&view, g.report(), &look))
        }
        ItemCommand::Amend(a) => amend(a, g, env),
    }
}

fn add(a: &AddArgs, g: &Global, env: &mut Env<'_>) -> Result<(), CliError> {
    // Everything is parsed before the store is opened.
    let registration = Registration {
        kind: ItemKind::parse(&a.kind)?,
        text: text::free_text("--text", &a.text)?,
        submitters: names("--submitter", &a.submitters)?,
        citations: citations(&a.refs, &a.raw_refs)?,
        key: a.key.as_deref().map(ItemKey::parse).transpose()?,
        responsible: a
            .responsible
            .as_deref()
            .map(Responsible::parse)
            .transpose()?
            .unwrap_or_default(),
        status: a.status.clone(),
        effective: effective(a.effective.as_deref())?,
    };
    let mut ws = g.open(env)?;
    let receipt = ws.write(&g.actor, Write::Register(registration))?;
    let line = super::outcome_line(&ws, &receipt.outcome, g.look.lang);
    crate::cli::receipt(env, g, &ws, &receipt.recorded, &line)
}

fn amend(a: &AmendArgs, g: &Global, env: &mut Env<'_>) -> Result<(), CliError> {
    let new_text = a
        .text
        .as_deref()
        .map(|t| text::free_text("--text", t))
        .transpose()?;
    let new_citations = (!a.refs.is_empty() || !a.raw_refs.is_empty())
        .then(|| citations(&a.refs, &a.raw_refs))
        .transpose()?;
    let submitters = (!a.submitters.is_empty())
        .then(|| names("--submitter", &a.submitters))
        .transpose()?;
    let reason = reason(a.reason.as_deref())?;
    if new_text.is_none() && new_citations.is_none() && submitters.is_none() {
        return Err(crate::domain::Invalid::new(
            "item amend",
            &a.key,
            "give at least one of --text, --ref, --ref-raw, --submitter",
        )
        .into());
    }
    let mut ws = g.open(env)?;
    let receipt = ws.write(
        &g.actor,
        Write::Amend {
            item: a.key.clone(),
            text: new_text,
            citations: new_citations,
            submitters,
            reason,
        },
    )?;
    let line = super::outcome_line(&ws, &receipt.outcome, g.look.lang);
    crate::cli::receipt(env, g, &ws, &receipt.recorded, &line)
}

#[cfg(feature = "server")]
pub(crate) fn remote(
    c: &ItemCommand,
    g: &Global,
    r: &crate::cli::remote::Remote,
    env: &mut Env<'_>,
) -> Result<(), CliError> {
    match c {
        ItemCommand::List(a) => {
            let mut q = crate::cli::remote::filtered_view_query(&a.view, &a.filter);
            q.extend(crate::cli::remote::wide_query(a.wide, g));
            r.show(env, "/api/v1/items", &q)
        }
        ItemCommand::Add(a) => r.write(
            env,
            "/api/v1/items",
            &serde_json::json!({
                "kind": a.kind,
                "text": a.text,
                "submitters": a.submitters,
                "refs": a.refs,
                "refs_raw": a.raw_refs,
                "key": a.key,
                "responsible": a.responsible,
                "status": a.status,
                "effective": a.effective,
            }),
        ),
        ItemCommand::Amend(a) => r.write(
            env,
            &format!("/api/v1/items/{}/amend", crate::cli::remote::seg(&a.key)),
            &serde_json::json!({
                "text": a.text,
                "refs": a.refs,
                "refs_raw": a.raw_refs,
                "submitters": a.submitters,
                "reason": a.reason,
            }),
        ),
    }
}

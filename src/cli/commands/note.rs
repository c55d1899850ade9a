//! `kamerstand note`: record a progress text.

use crate::app::write::Write;
use crate::cli::args::{citations, effective};
use crate::cli::{CliError, Env, Global};
use crate::domain::{Invalid, text};
use std::io::Read;

/// Record a progress note ("stand van zaken") for an item.
///
/// TEXT `-` reads the note from standard input.
///
/// Example: kamerstand note 34843-79 "De pilot is gestart." --ref "Kamerstukken II 2024/25, 28345, nr. 290"
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Item key or id prefix, e.g. 34843-79 or M2.
    key: String,
    /// The progress text, e.g. "De pilot is gestart.", or - to read it
    /// from standard input.
    text: String,
    /// Citation the note refers to, checked for form, e.g.
    /// "Kamerstukken II 2024/25, 28345, nr. 290" (repeat for several).
    #[arg(long = "ref", value_name = "CITATION")]
    refs: Vec<String>,
    /// Citation kept as typed without checking its form, e.g. a typo as
    /// printed: "Kamerstukken II 202/25, 28345, nr. 290".
    #[arg(long = "ref-raw", value_name = "TEXT")]
    raw_refs: Vec<String>,
    /// The day the progress refers to, YYYY-MM-DD (default: today).
    #[arg(long, value_name = "DATE")]
    effective: Option<String>,
}

pub(crate) fn run(a: &Args, g: &Global, env: &mut Env<'_>) -> Result<(), CliError> {
    let raw = if a.text == "-" {
        read_stdin(env)?
    } else {
        a.text.clone()
    };
    let text = text::free_text("note text", &raw)?;
    let citations = citations(&a.refs, &a.raw_refs)?;
    let effective = effective(a.effective.as_deref())?;
    let mut ws = g.open(env)?;
    let receipt = ws.write(
        &g.actor,
        Write::Note {
            item: a.key.clone(),
            text,
            citations,
            effective,
        },
    )?;
    let line = super::outcome_line(&ws, &receipt.outcome, g.look.lang);
    crate::cli::receipt(env, g, &ws, &receipt.recorded, &line)
}

/// The note text from standard input: at most the text limit, UTF-8.
fn read_stdin(env: &mut Env<'_>) -> Result<String, CliError> {
    let mut buf = Vec::new();
    let limit = u64::try_from(text::MAX_TEXT_BYTES).unwrap_or(u64::MAX) + 1;
    env.input
        .take(limit)
        .read_to_end(&mut buf)
        .map_err(|e| crate::Error::storage("reading the note from standard input", e))?;
    // More than the limit was sent: refuse it whole. (Trimming what was
    // read could otherwise pass a note whose tail was never read, and a
    // cut in the middle of a character is no reason to call it binary.)
    if buf.len() > text::MAX_TEXT_BYTES {
        return Err(Invalid::new(
            "note text from standard input",
            "(more than the limit)",
            format!("at most {} bytes", text::MAX_TEXT_BYTES),
        )
        .into());
    }
    Ok(String::from_utf8(buf).map_err(|_| {
        Invalid::new(
            "note text from standard input",
            "(binary data)",
            "UTF-8 text",
        )
    })?)
}

#[cfg(feature = "server")]
pub(crate) fn remote(
    a: &Args,
    r: &crate::cli::remote::Remote,
    env: &mut Env<'_>,
) -> Result<(), CliError> {
    let text = if a.text == "-" {
        read_stdin(env)?
    } else {
        a.text.clone()
    };
    r.write(
        env,
        &format!("/api/v1/items/{}/note", crate::cli::remote::seg(&a.key)),
        &serde_json::json!({
            "text": text,
            "refs": a.refs,
            "refs_raw": a.raw_refs,
            "effective": a.effective,
        }),
    )
}

//! The report of an annex or CSV import (`kamerstand import`, and the
//! server's `POST /api/v1/import`): counts, the ledger's items the file
//! does not mention, anomalies by line, and the events appended (listed in
//! a dry run).

use crate::app::import::Report;
use crate::domain::text;
use crate::projection::view::ChainAt;
use crate::projection::{Basis, View};
use crate::report::Format;
use std::fmt::Write as _;

/// The import's report: counts, the ledger's items the file does not
/// mention, anomalies by line, and the events appended (listed in a dry
/// run).
///
/// What came from the file (its name, the anomalies, which quote it) is
/// shown through [`text::visible`], so that an escape sequence in an annex
/// cannot steer the terminal that shows the report. The events a dry run
/// lists are a log's table, in `look`'s language and colours as `log`
/// shows them; the sentences around it are in English.
pub fn render(r: &Report, look: &crate::report::table::Look) -> String {
    let mut out = format!(
        "{} {} ({}): {} rows; {} items added, {} changed, {} unchanged\n",
        if r.dry_run { "dry run of" } else { "imported" },
        text::visible(&r.name),
        r.format.name(),
        r.rows,
        r.added,
        r.changed,
        r.unchanged
    );
    if !r.not_in_file.is_empty() {
        let _ = writeln!(
            out,
            "in the ledger but not in the file (left as they are): {}",
            text::visible(&r.not_in_file.join(", "))
        );
    }
    if r.anomalies.is_empty() {
        out.push_str("no anomalies\n");
    } else {
        let _ = writeln!(out, "{} anomalies:", r.anomalies.len());
        // One line per input line, its findings joined.
        let mut by_line: Vec<(usize, Vec<&str>)> = Vec::new();
        for x in &r.anomalies {
            match by_line.last_mut() {
                Some((l, msgs)) if *l == x.line => msgs.push(&x.message),
                _ => by_line.push((x.line, vec![&x.message])),
            }
        }
        for (line, msgs) in by_line {
            let joined = msgs.join("; ");
            let msgs = text::visible(&joined);
            // Line 0: a finding about the whole file.
            if line == crate::formats::import::WHOLE_FILE {
                let _ = writeln!(out, "  file: {msgs}");
            } else {
                let _ = writeln!(out, "  line {line}: {msgs}");
            }
        }
    }
    match (r.records.first(), r.records.last()) {
        (Some(f), Some(l)) => {
            let _ = writeln!(
                out,
                "{} {} events (seq {}–{}){}",
                if r.dry_run {
                    "would append"
                } else {
                    "appended"
                },
                r.records.len(),
                f.envelope.seq,
                l.envelope.seq,
                if r.dry_run {
                    String::new()
                } else {
                    format!(", head {}", l.hash.hex())
                }
            );
            if r.dry_run {
                // The view the events would give.
                let view = View {
                    basis: Basis::Current,
                    effective: None,
                    programme: r.programme.clone(),
                    chain: ChainAt {
                        events: l.envelope.seq + 1,
                        head: Some(l.hash),
                        last_recorded: Some(l.envelope.recorded_at),
                    },
                    rounds: Vec::new(),
                    items: Vec::new(),
                    filter: None,
                };
                out.push('\n');
                out.push_str(&crate::report::log_keyed(
                    &view,
                    &|id| r.keys.get(&id).cloned(),
                    &r.records,
                    Format::Table,
                    look,
                ));
            }
        }
        _ => out.push_str("nothing to record: the ledger already says what the file says\n"),
    }
    out
}

/// The report as one JSON document (schema/import-report.schema.json): the
/// counts, the items not in the file, the anomalies by line (0: the whole
/// file) and the events appended, or that would be in a dry run.
pub fn json(r: &Report) -> String {
    let appended = match (r.records.first(), r.records.last()) {
        (Some(f), Some(l)) => serde_json::json!({
            "count": r.records.len(),
            "first_seq": f.envelope.seq,
            "last_seq": l.envelope.seq,
            "head": if r.dry_run { serde_json::Value::Null } else { l.hash.hex().into() },
        }),
        _ => serde_json::json!({ "count": 0, "first_seq": null, "last_seq": null, "head": null }),
    };
    let doc = serde_json::json!({
        "file": r.name,
        "format": r.format.name(),
        "dry_run": r.dry_run,
        "rows": r.rows,
        "added": r.added,
        "changed": r.changed,
        "unchanged": r.unchanged,
        "not_in_file": r.not_in_file,
        "anomalies": r.anomalies.iter().map(|a| serde_json::json!({
            "line": a.line,
            "message": a.message,
        })).collect::<Vec<_>>(),
        "appended": appended,
    });
    format!(
        "{}\n",
        serde_json::to_string_pretty(&doc).unwrap_or_default()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::{Anomaly, ImportFormat};

    /// A reader of another format may quote a cell raw in an anomaly; the
    /// report shows it escaped all the same.
    #[test]
    fn the_report_shows_what_the_file_says_escaped() {
        let r = Report {
            name: "bijlage\u{1b}[2J.txt".into(),
            format: ImportFormat::Annex,
            dry_run: true,
            rows: 1,
            added: 0,
            changed: 0,
            unchanged: 0,
            not_in_file: vec!["M1".into()],
            anomalies: vec![
                Anomaly {
                    line: 3,
                    message: "cell not understood: 'a\u{1b}]0;titel\u{7}'".into(),
                },
                Anomaly {
                    line: 3,
                    message: "naam \u{202e}sneJ".into(),
                },
            ],
            records: Vec::new(),
            keys: std::collections::BTreeMap::new(),
            programme: crate::projection::view::Programme {
                name: "NAP".into(),
                title: "Stand".into(),
                legend: crate::domain::Legend::nap(),
            },
        };
        let out = render(&r, &crate::report::table::Look::PLAIN);
        assert!(
            !out.chars().any(crate::domain::invisible::shown_escaped),
            "{out:?}"
        );
        assert!(
            out.starts_with("dry run of bijlage\\u{1b}[2J.txt (annex)"),
            "{out}"
        );
        assert!(
            out.contains(
                "  line 3: cell not understood: 'a\\u{1b}]0;titel\\u{7}'; naam \\u{202e}sneJ\n"
            ),
            "{out}"
        );
    }
}

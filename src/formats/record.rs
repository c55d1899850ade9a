//! A commitment register in the Eerste Kamer's shape: one record per
//! commitment, opened by its identifier (`T03456`, or `Toezegging T03456`,
//! with the title after it), then fields written as `field | value` (or
//! `field: value`), or as the field's name on a line of its own with the
//! value on the lines below it, as a copy of the register's web page gives.
//!
//! Records are told apart by their identifier lines, not by blank lines: a
//! copy without blank lines between the records reads the same. The fields
//! read are the title, the commitment's text, the status (a label of the
//! ledger's legend: the register's own legend is
//! `docs/legend-eerste-kamer.json`, openstaand / deels voldaan / voldaan),
//! the deadline, the date it was made, the responsible and the one before
//! (in words: "Minister van BZK"), the dossiers (`35.611`), where it was
//! made (a Handelingen citation with item and page) and the progress. A
//! field we know but do not import (the committee, the session year) is
//! passed over; any other field, a line outside a field, a value that is
//! not understood, is an anomaly with its line. Pure and panic-free.

use super::import::parse_day;
use super::{Anomaly, ImportRow};
use crate::domain::text::shorten;
use crate::domain::{ItemKey, ItemKind, Legend, Ministries};

/// What a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Key,
    Title,
    Text,
    Status,
    Deadline,
    MadeOn,
    Responsible,
    Previous,
    Dossiers,
    MadeIn,
    Progress,
    Kind,
    /// Known, not imported.
    Ignored,
}

/// Field names as registers write them (folded to lower case, without a
/// closing colon), longest first where one starts another.
const FIELDS: &[(&str, Field)] = &[
    ("nummer", Field::Key),
    ("toezeggingnummer", Field::Key),
    ("kenmerk", Field::Key),
    ("titel", Field::Title),
    ("onderwerp", Field::Title),
    ("toezegging", Field::Text),
    ("omschrijving", Field::Text),
    ("tekst", Field::Text),
    ("beschrijving", Field::Text),
    ("status", Field::Status),
    ("deadline", Field::Deadline),
    ("uiterste datum", Field::Deadline),
    ("datum toezegging", Field::MadeOn),
    ("datum", Field::MadeOn),
    ("gedaan op", Field::MadeOn),
    ("bewindspersoon", Field::Responsible),
    ("bewindspersonen", Field::Responsible),
    ("verantwoordelijk", Field::Responsible),
    ("verantwoordelijke", Field::Responsible),
    ("eerdere bewindspersoon", Field::Previous),
    ("vorige bewindspersoon", Field::Previous),
    ("oorspronkelijke bewindspersoon", Field::Previous),
    ("kamerstukken", Field::Dossiers),
    ("kamerstuk", Field::Dossiers),
    ("kamerstuknummer", Field::Dossiers),
    ("kamerstuknummers", Field::Dossiers),
    ("dossier", Field::Dossiers),
    ("dossiernummer", Field::Dossiers),
    ("vindplaats", Field::MadeIn),
    ("handelingen", Field::MadeIn),
    ("stand van zaken", Field::Progress),
    ("voortgang", Field::Progress),
    ("toelichting", Field::Progress),
    ("soort", Field::Kind),
    ("commissie", Field::Ignored),
    ("commissies", Field::Ignored),
    ("vergaderjaar", Field::Ignored),
    ("ministerie", Field::Ignored),
    ("categorie", Field::Ignored),
    ("kamer", Field::Ignored),
];

/// The field a name stands for.
fn field(name: &str) -> Option<Field> {
    let n = name.trim().trim_end_matches(':').trim().to_lowercase();
    FIELDS.iter().find(|(f, _)| *f == n).map(|(_, k)| *k)
}

/// An identifier line: `T03456`, `Toezegging T03456`, perhaps followed by
/// the title after a bar, a dash, a colon or a space. The identifier and
/// the rest.
fn identifier(line: &str) -> Option<(String, String)> {
    let t = line.trim();
    let lower = t.to_lowercase();
    let rest = lower
        .strip_prefix("toezegging")
        .map(|_| t.get("toezegging".len()..).unwrap_or("").trim_start())
        .unwrap_or(t);
    let id: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    let mut chars = id.chars();
    let letter = chars.next()?;
    let digits: String = chars.collect();
    if !matches!(letter, 'T' | 'M')
        || !(4..=6).contains(&digits.len())
        || !digits.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let after = rest.get(id.len()..).unwrap_or("");
    if after
        .chars()
        .next()
        .is_some_and(|c| !c.is_whitespace() && !matches!(c, '|' | ':' | '-' | '–'))
    {
        return None;
    }
    let title = after
        .trim()
        .trim_start_matches(['|', ':', '-', '–'])
        .trim()
        .to_string();
    Some((id, title))
}

/// `field | value` or `field: value` with a known field.
fn field_line(line: &str) -> Option<(Field, String, String)> {
    let (name, value) = line.split_once('|').or_else(|| line.split_once(':'))?;
    let f = field(name)?;
    Some((f, name.trim().to_string(), value.trim().to_string()))
}

/// `field | value` with any field name (short, no digits): a field the
/// register has and we do not know.
fn unknown_field_line(line: &str) -> Option<(String, String)> {
    let (name, value) = line.split_once('|')?;
    let name = name.trim();
    (!name.is_empty()
        && name.chars().count() <= 40
        && name
            .chars()
            .all(|c| c.is_alphabetic() || c == ' ' || c == '-'))
    .then(|| (name.to_string(), value.trim().to_string()))
}

/// True when the text reads as a register: an identifier line and at
/// least two known field names.
pub fn looks_like_record(text: &str) -> bool {
    let mut ids = 0;
    let mut fields = 0;
    for line in text.lines().take(2000) {
        if identifier(line).is_some() {
            ids += 1;
        } else if field_line(line).is_some() || field(line).is_some_and(|f| f != Field::Kind) {
            fields += 1;
        }
        if ids >= 1 && fields >= 2 {
            return true;
        }
    }
    false
}

/// One record as collected: its line, identifier, title and fields.
#[derive(Debug, Default)]
struct Record {
    line: usize,
    id: Option<String>,
    title: String,
    /// Field, the name as written, the value's lines, the field's line.
    fields: Vec<(Field, String, Vec<String>, usize)>,
}

/// Reads a register into rows. Never fails.
pub fn read(
    text: &str,
    legend: &Legend,
    ministries: &Ministries,
) -> (Vec<ImportRow>, Vec<Anomaly>) {
    let mut anomalies = Vec::new();
    let mut records: Vec<Record> = Vec::new();
    // The field whose value continues on the next lines.
    let mut open: bool = false;
    for (i, raw) in text.lines().enumerate() {
        let no = i + 1;
        let line = raw.trim_start_matches('\u{feff}').trim();
        if line.is_empty() {
            open = false;
            continue;
        }
        if let Some((id, title)) = identifier(line) {
            records.push(Record {
                line: no,
                id: Some(id),
                title,
                fields: Vec::new(),
            });
            open = false;
            continue;
        }
        let Some(rec) = records.last_mut() else {
            // The document's own heading, before the first record.
            if field_line(line).is_some() {
                anomalies.push(Anomaly {
                    line: no,
                    message: format!(
                        "field before the first record (an identifier such as T01234), not read: '{}'",
                        shorten(line, 60)
                    ),
                });
            }
            continue;
        };
        if let Some((f, name, value)) = field_line(line) {
            if f == Field::Key && rec.id.is_some() && !value.is_empty() {
                // A "Nummer" field opens the next record when this one has
                // its identifier already.
                records.push(Record {
                    line: no,
                    id: Some(value),
                    ..Record::default()
                });
                open = false;
                continue;
            }
            rec.fields.push((f, name, vec![value.clone()], no));
            open = value.is_empty() || matches!(f, Field::Text | Field::Progress);
            continue;
        }
        if let Some(f) = field(line) {
            rec.fields
                .push((f, line.trim_end_matches(':').to_string(), Vec::new(), no));
            open = true;
            continue;
        }
        if let Some((name, _)) = unknown_field_line(line) {
            anomalies.push(Anomaly {
                line: no,
                message: format!(
                    "field '{}' is not one this register's reader knows; not read",
                    shorten(&name, 40)
                ),
            });
            open = false;
            continue;
        }
        match rec.fields.last_mut() {
            Some((_, _, value, _)) if open => value.push(line.to_string()),
            None if rec.title.is_empty() => rec.title = line.to_string(),
            _ => anomalies.push(Anomaly {
                line: no,
                message: format!(
                    "line not understood, outside any field: '{}'",
                    shorten(line, 60)
                ),
            }),
        }
    }
    let rows = records
        .into_iter()
        .map(|r| row(r, legend, ministries, &mut anomalies))
        .collect();
    (rows, anomalies)
}

fn row(
    r: Record,
    legend: &Legend,
    ministries: &Ministries,
    anomalies: &mut Vec<Anomaly>,
) -> ImportRow {
    let mut note = |line: usize, message: String| anomalies.push(Anomaly { line, message });
    let mut kind = ItemKind::Toezegging;
    let mut row = ImportRow::new(r.line, kind);
    if let Some(id) = &r.id {
        match ItemKey::parse(id) {
            Ok(k) => row.key = Some(k),
            Err(e) => note(
                r.line,
                format!("identifier '{id}' not used as key: {}", e.expected),
            ),
        }
        if id.starts_with('M') {
            kind = ItemKind::Motie;
        }
    }
    let mut title = (!r.title.is_empty()).then(|| r.title.clone());
    let mut text = None;
    for (f, name, lines, line) in r.fields {
        let value = lines.join(" ").trim().to_string();
        if value.is_empty() && f != Field::Ignored {
            note(line, format!("field '{name}' has no value"));
            continue;
        }
        match f {
            Field::Key => {}
            Field::Ignored => {}
            Field::Title => title = Some(value),
            Field::Text => text = Some(value),
            Field::Progress => {
                row.progress = Some(match row.progress.take() {
                    Some(p) => format!("{p}\n\n{value}"),
                    None => value,
                });
            }
            Field::Kind => match ItemKind::parse(&value) {
                Ok(k) => kind = k,
                Err(_) => note(
                    line,
                    format!(
                        "kind '{}' not understood; read as toezegging",
                        shorten(&value, 40)
                    ),
                ),
            },
            Field::Status => match legend.resolve(&value) {
                Ok(e) => row.status = Some(e.slug.clone()),
                Err(e) => note(
                    line,
                    format!(
                        "status '{}' is not in the ledger's legend ({}); a register with the Eerste Kamer's statuses needs a ledger made with `init --legend docs/legend-eerste-kamer.json`",
                        shorten(&value, 40),
                        e.expected
                    ),
                ),
            },
            Field::Deadline | Field::MadeOn => match parse_day(&value) {
                Some(d) if f == Field::Deadline => row.deadline = Some(d),
                Some(d) => row.made_on = Some(d),
                None => note(
                    line,
                    format!(
                        "{name} '{}' is not a date (1 juli 2025, 1-7-2025 or 2025-07-01); left out",
                        shorten(&value, 40)
                    ),
                ),
            },
            Field::Responsible | Field::Previous => match ministries.responsible(&value) {
                Ok(p) if f == Field::Responsible => row.responsible = Some(p),
                Ok(p) => row.previous_responsible = Some(p),
                Err(e) => note(
                    line,
                    format!(
                        "{name} '{}' not understood: {}",
                        shorten(&value, 60),
                        e.expected
                    ),
                ),
            },
            Field::Dossiers => {
                for c in citations(&value) {
                    if !row.citations.contains(&c) {
                        row.citations.push(c);
                    }
                }
            }
            Field::MadeIn => {
                if !row.citations.contains(&value) {
                    row.citations.push(value.clone());
                }
                row.made_in = Some(value);
            }
        }
    }
    row.kind = kind;
    match (text, &title) {
        (Some(t), _) => row.text = t,
        (None, Some(t)) => row.text = t.clone(),
        (None, None) => note(r.line, "record without a title or text".to_string()),
    }
    row.title = title.filter(|t| *t != row.text);
    row
}

/// The citations in a dossier field: the whole value when it is one
/// citation, else its parts separated by commas or semicolons
/// ("35.611, 35.612").
fn citations(value: &str) -> Vec<String> {
    use crate::domain::KamerstukRef;
    if KamerstukRef::parse(value).parsed.is_some() {
        return vec![value.to_string()];
    }
    let parts: Vec<String> = value
        .split([',', ';'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(ToString::to_string)
        .collect();
    if parts.len() > 1
        && parts
            .iter()
            .all(|p| KamerstukRef::parse(p).parsed.is_some())
    {
        parts
    } else {
        vec![value.to_string()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        assert_eq!(identifier("T03456"), Some(("T03456".into(), String::new())));
        assert_eq!(
            identifier("Toezegging T03456 - Evaluatie (36.410)"),
            Some(("T03456".into(), "Evaluatie (36.410)".into()))
        );
        assert_eq!(
            identifier("T03456 | Titel"),
            Some(("T03456".into(), "Titel".into()))
        );
        assert_eq!(identifier("T0345"), Some(("T0345".into(), String::new())));
        assert_eq!(identifier("T03456x"), None);
        assert_eq!(identifier("Tekst"), None);
        assert_eq!(identifier("T12"), None);
    }

    #[test]
    fn records_without_blank_lines_are_records() {
        let text = "T01001 | Eerste\nStatus | voldaan\nT01002 | Tweede\nStatus | openstaand\nDeadline | 1 juli 2025\n";
        let (rows, anomalies) = read(text, &Legend::nap(), &Ministries::builtin());
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].line, 3);
        assert_eq!(
            rows[1].deadline.map(|d| d.to_string()).as_deref(),
            Some("2025-07-01")
        );
        // The NAP legend has no "voldaan": said, not guessed.
        assert!(
            anomalies
                .iter()
                .any(|a| a.line == 2 && a.message.contains("legend-eerste-kamer.json"))
        );
        assert!(looks_like_record(text));
        assert!(!looks_like_record("T01001\nmet wat tekst\n"));
    }
}

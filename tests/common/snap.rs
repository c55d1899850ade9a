//! Snapshots of whole outputs (insta, kept in tests/snapshots/): `snap!`,
//! which first takes out what says nothing about behaviour and would change
//! with any unrelated edit to a test's history (hashes, ids, recorded
//! times, temporary and checkout paths), and a transcript that puts several
//! commands and what they printed into one snapshot.
//!
//! Under the pinned clock these values are deterministic, so the filters
//! are not needed for a snapshot to pass twice; they keep a snapshot about
//! what a command says, not about which events came before it. Tests that
//! care about a hash or an id (a receipt names the head, a message names
//! the item) assert it separately.

use super::Output;
use regex::Regex;
use std::fmt::Write as _;
use std::sync::OnceLock;

/// Asserts a snapshot of `value` after [`redact`]: `snap!(value)` names it
/// after the test function, `snap!("name", value)` explicitly.
macro_rules! snap {
    ($value:expr) => {
        insta::assert_snapshot!(
            None::<&str>,
            $crate::common::snap::redact(&$value),
            stringify!($value)
        )
    };
    ($name:expr, $value:expr) => {
        insta::assert_snapshot!(
            $name,
            $crate::common::snap::redact(&$value),
            stringify!($value)
        )
    };
}
pub(crate) use snap;

/// One replacement of [`redact`]: what to find, what to put instead, and
/// whether the value can be a table cell (then a replacement followed by a
/// column gap is padded to the width of what it replaces, so that the
/// table's columns stay aligned in the snapshot).
struct Filter {
    find: Regex,
    put: &'static str,
    cell: bool,
}

/// Month names in Dutch and English, as `report::viewline` writes them.
const MONTHS: &str = "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|January|February|March|April|May|June|July|August|September|October|November|December";

/// The replacements of [`redact`], in the order they are applied.
fn filters() -> &'static [Filter] {
    static FILTERS: OnceLock<Vec<Filter>> = OnceLock::new();
    FILTERS.get_or_init(|| {
        // As the ledger prints a recorded time: RFC 3339 in UTC with
        // nanoseconds, or to the second in tables. Times a test gives
        // (`--as-of 2025-04-07T13:00:00+02:00`) and examples in messages
        // are not in these forms, and stay.
        let time = r"\b\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}:\d{2}\.\d{9}Z| \d{2}:\d{2}:\d{2}Z)";
        let uuid = r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b";
        [
            (regex::escape(env!("CARGO_MANIFEST_DIR")), "[repo]", false),
            (
                r"(?:/[\w.-]+)*/(?:kamerstand-test-|\.tmp)[A-Za-z0-9]{6}".to_string(),
                "[tmp]",
                false,
            ),
            (r"\b[0-9a-f]{64}\b".to_string(), "[hash]", true),
            (uuid.to_string(), "[id]", true),
            (r"\b[0-9a-f]{32}\b".to_string(), "[id]", true),
            (r"\b[0-9a-f]{12}\b".to_string(), "[hash12]", true),
            (time.to_string(), "[time]", true),
            // A recorded time in words, as the view line says it in Dutch
            // time ("5 december 2026, 14:03"); an instant a user gave
            // ("7 april 2025 om 13:00") and days in words stay.
            (
                format!(
                    r"\b\d{{1,2}} (?:{}) \d{{4}}, \d{{2}}:\d{{2}}(?::\d{{2}})?",
                    MONTHS
                ),
                "[time]",
                false,
            ),
        ]
        .into_iter()
        .map(|(find, put, cell)| Filter {
            find: Regex::new(&find).unwrap(),
            put,
            cell,
        })
        .collect()
    })
}

/// `s` with what says nothing about behaviour replaced, in this order:
/// - the checkout (`CARGO_MANIFEST_DIR`) becomes `[repo]`;
/// - a temporary directory of the tests becomes `[tmp]`;
/// - a 64-digit hash becomes `[hash]`, a 12-digit short one `[hash12]`;
/// - an item or event id (32 hex digits, or a UUID) becomes `[id]`;
/// - a recorded time as the ledger prints it (RFC 3339 in UTC with
///   nanoseconds, a table's `YYYY-MM-DD HH:MM:SSZ`, or in words with a
///   time of day, `5 december 2026, 14:03`) becomes `[time]`.
///
/// Dates (effective dates, reporting days) stay: they are what the tests
/// set.
pub fn redact(s: impl AsRef<str>) -> String {
    let mut s = s.as_ref().to_string();
    for f in filters() {
        let text = s.clone();
        s = f
            .find
            .replace_all(&text, |c: &regex::Captures<'_>| {
                let m = c.get(0).unwrap();
                let width = m.as_str().chars().count();
                if f.cell && text[m.end()..].starts_with("  ") && width > f.put.len() {
                    format!("{:<width$}", f.put)
                } else {
                    f.put.to_string()
                }
            })
            .into_owned();
    }
    s
}

/// Several commands and what they printed, as one text to snapshot: for
/// each, the command line and its exit code, then what it wrote to stdout
/// and to stderr (each only when it wrote something).
#[derive(Debug, Default)]
pub struct Transcript(String);

impl Transcript {
    pub fn new() -> Transcript {
        Transcript::default()
    }

    /// Adds the command `args` (after `kamerstand`, without the store the
    /// test environment adds) and what it printed.
    pub fn add(&mut self, args: &[&str], out: &Output) -> &mut Self {
        if !self.0.is_empty() {
            self.0.push('\n');
        }
        let line: Vec<String> = args.iter().map(|a| shown(a)).collect();
        let _ = writeln!(self.0, "$ kamerstand {}", line.join(" "));
        let _ = writeln!(self.0, "exit {}", out.code);
        for (name, text) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
            if !text.is_empty() {
                let _ = writeln!(self.0, "[{name}]");
                self.0.push_str(text);
                if !text.ends_with('\n') {
                    self.0.push_str("\n[no newline at the end]\n");
                }
            }
        }
        self
    }

    /// As [`Transcript::add`], for a command that read `input` on standard
    /// input (shown when short, else its length; nothing when empty).
    pub fn add_with_input(&mut self, args: &[&str], input: &[u8], out: &Output) -> &mut Self {
        let shown = if input.len() <= 60 {
            format!("{}", input.escape_ascii())
        } else {
            format!("{} bytes", input.len())
        };
        if !input.is_empty() {
            self.note(&format!("standard input: {shown}"));
        }
        self.add(args, out)
    }

    /// Adds a line of commentary, for a step that is not a command.
    pub fn note(&mut self, text: &str) -> &mut Self {
        if !self.0.is_empty() {
            self.0.push('\n');
        }
        let _ = writeln!(self.0, "# {text}");
        self
    }

    pub fn text(&self) -> &str {
        &self.0
    }
}

/// An argument as a shell would need it typed: quoted when it holds spaces
/// or quotes, control characters escaped, and cut short when it is long
/// (the length says how long it was).
fn shown(arg: &str) -> String {
    // Long enough for a hash (64 digits), which the snapshot then redacts.
    const LONG: usize = 80;
    let escaped: String = arg
        .chars()
        .map(|c| {
            if c.is_control() {
                c.escape_debug().to_string()
            } else {
                c.to_string()
            }
        })
        .collect();
    let mut s = if escaped.chars().count() > LONG {
        let head: String = escaped.chars().take(40).collect();
        format!("{head}…[{} bytes]", arg.len())
    } else {
        escaped
    };
    if s.is_empty() || s.contains([' ', '\'', '"', '|', '<', '>', '&', ';', '(', ')']) {
        s = format!("'{}'", s.replace('\'', "'\\''"));
    }
    s
}

#[test]
fn redact_replaces_what_varies_and_keeps_table_columns() {
    let hash = "41e867d0ff0c".repeat(5) + "abcd";
    let text = format!(
        "head {hash}\n\
         1    2025-01-06 09:04:00Z  2023-03-01  clerk  41e867d0ff0c\n\
         \"id\": \"01943ada69a070008000000000000002\", \"at\": \"2025-01-06T09:22:00.000000000Z\"\n\
         show 01943ada-69a0-7000-8000-000000000002 --as-of 2025-04-07T13:00:00+02:00\n\
         {}/docs/x.json /dev/shm/kamerstand-test-Ab12Cd/ledger /tmp/.tmpXy34Zw/a.csv\n",
        env!("CARGO_MANIFEST_DIR")
    );
    assert_eq!(
        redact(&text),
        "head [hash]\n\
         1    [time]                2023-03-01  clerk  [hash12]\n\
         \"id\": \"[id]\", \"at\": \"[time]\"\n\
         show [id] --as-of 2025-04-07T13:00:00+02:00\n\
         [repo]/docs/x.json [tmp]/ledger [tmp]/a.csv\n"
    );
}

#[test]
fn a_transcript_shows_each_command_its_exit_and_its_streams() {
    let mut t = Transcript::new();
    let refused = Output {
        stdout: String::new(),
        stderr: "error: no\nNothing was written.\n".into(),
        code: 2,
    };
    let served = Output {
        stdout: "ok".into(),
        stderr: String::new(),
        code: 0,
    };
    t.add(&["note", "M1", "twee woorden", "a\u{1b}b"], &refused);
    t.note("then");
    t.add(&["show", &"x".repeat(90)], &served);
    assert_eq!(
        t.text(),
        "$ kamerstand note M1 'twee woorden' a\\u{1b}b\n\
         exit 2\n\
         [stderr]\n\
         error: no\n\
         Nothing was written.\n\
         \n\
         # then\n\
         \n\
         $ kamerstand show 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…[90 bytes]'\n\
         exit 0\n\
         [stdout]\n\
         ok\n\
         [no newline at the end]\n"
    );
}

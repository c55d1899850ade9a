//! The web pages' HTML: escaping (every stored or typed text passes through
//! [`esc`]), the frame every page shares (header, navigation, sign-out
//! form), and the style sheet. No scripts: every page works with forms and
//! links alone, and the Content-Security-Policy allows none.

use std::fmt::Write as _;

/// Escapes text for HTML content and attribute values (as every HTML
/// document kamerstand writes does).
pub use crate::report::letter::esc;

/// Percent-encodes a path segment or query value.
pub fn url(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// Who the page is for: shown in the header, and the sign-out form's token.
#[derive(Debug, Clone)]
pub struct Viewer {
    /// The account's name.
    pub account: String,
    /// The role (and ministries) as shown.
    pub role: String,
    /// The session's CSRF token.
    pub csrf: String,
    /// Whether the accounts page is offered.
    pub manages_accounts: bool,
}

/// A hidden field with the CSRF token.
pub fn csrf_field(token: &str) -> String {
    format!(
        "<input type=\"hidden\" name=\"csrf\" value=\"{}\">",
        esc(token)
    )
}

/// A whole page.
pub fn page(title: &str, programme: &str, viewer: Option<&Viewer>, body: &str) -> String {
    let mut nav = String::new();
    if let Some(v) = viewer {
        let _ = write!(
            nav,
            "<nav><a href=\"/\">Overzicht</a> <a href=\"/rondes\">Rondes</a> <a href=\"/verschil\">Verschil</a>{}\
             <span class=\"who\">Aangemeld als <strong>{}</strong> ({})</span>\
             <form method=\"post\" action=\"/uitloggen\" class=\"inline\">{}<button type=\"submit\">Afmelden</button></form></nav>",
            if v.manages_accounts {
                " <a href=\"/accounts\">Accounts</a>"
            } else {
                ""
            },
            esc(&v.account),
            esc(&v.role),
            csrf_field(&v.csrf)
        );
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"nl\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{} — {}</title>\n<link rel=\"stylesheet\" href=\"/stijl.css\">\n</head>\n<body>\n\
         <header><span class=\"brand\">kamerstand</span> <span class=\"prog\">{}</span>{nav}</header>\n\
         <main>\n<h1>{}</h1>\n{body}\n</main>\n</body>\n</html>\n",
        esc(title),
        esc(programme),
        esc(programme),
        esc(title)
    )
}

/// A message box: `kind` is `ok` or `fout`.
pub fn message(kind: &str, text: &str) -> String {
    format!(
        "<p class=\"msg {kind}\" role=\"{}\">{}</p>",
        if kind == "fout" { "alert" } else { "status" },
        esc(text)
    )
}

/// A status with its legend colour.
pub fn status(label: &str, colour: Option<&str>) -> String {
    let dot = colour
        .filter(|c| {
            c.len() == 7 && c.starts_with('#') && c[1..].bytes().all(|b| b.is_ascii_hexdigit())
        })
        .map(|c| format!("<span class=\"dot\" style=\"background:{c}\"></span>"))
        .unwrap_or_default();
    format!("{dot}{}", esc(label))
}

/// `<option>`s, the one equal to `selected` selected.
pub fn options<'a>(
    list: impl IntoIterator<Item = (&'a str, &'a str)>,
    selected: Option<&str>,
) -> String {
    let mut out = String::new();
    for (value, label) in list {
        let _ = write!(
            out,
            "<option value=\"{}\"{}>{}</option>",
            esc(value),
            if selected == Some(value) {
                " selected"
            } else {
                ""
            },
            esc(label)
        );
    }
    out
}

/// The style sheet.
pub const CSS: &str = "\
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0;color:#1b1b1b;background:#fff;font-size:15px}
header{background:#154273;color:#fff;padding:.6em 1em;display:flex;flex-wrap:wrap;gap:1em;align-items:center}
header .brand{font-weight:700;letter-spacing:.02em}
header .prog{opacity:.85}
header nav{display:flex;flex-wrap:wrap;gap:1em;align-items:center;margin-left:auto}
header a{color:#fff}
header .who{opacity:.9}
header button{font-size:.9em}
main{padding:1em 1.5em;max-width:80em}
h1{font-size:1.4em;color:#154273}
h2{font-size:1.15em;color:#154273;margin-top:1.5em}
table{border-collapse:collapse;width:100%;margin:.5em 0}
th,td{border-bottom:1px solid #ccd;padding:.35em .5em;text-align:left;vertical-align:top}
th{background:#eef2f7}
td.key{white-space:nowrap}
.dot{display:inline-block;width:.8em;height:.8em;border-radius:50%;margin-right:.35em;vertical-align:-.05em;border:1px solid #0003}
.msg{padding:.6em .8em;border-radius:4px}
.msg.ok{background:#e6f4ea;border:1px solid #7bbf8e}
.msg.fout{background:#fdecea;border:1px solid #e0867c}
form.filters,form.write{background:#f6f8fb;border:1px solid #dde3ec;padding:.7em;border-radius:4px;margin:.6em 0}
form.filters label,form.write label{display:inline-block;margin:.2em .8em .2em 0}
form.write textarea{width:100%;min-height:5em}
form.inline{display:inline}
.muted{color:#555}
.hash{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em;word-break:break-all}
.corrected{text-decoration:line-through;color:#666}
.forms{display:grid;grid-template-columns:repeat(auto-fit,minmax(22em,1fr));gap:.8em}
";

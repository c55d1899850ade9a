//! Plain-text tables for the terminal: columns sized to their content, long
//! cells cut with an ellipsis so a row stays on one line.

/// A table under construction.
#[derive(Debug, Default)]
pub struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
    max: Vec<usize>,
}

impl Table {
    /// A table with these headers; `max` caps each column's width (0 = no cap).
    pub fn new(headers: &[&str], max: &[usize]) -> Table {
        Table {
            headers: headers.iter().map(|h| (*h).to_string()).collect(),
            rows: Vec::new(),
            max: max.to_vec(),
        }
    }

    /// Adds a row.
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// True when no rows were added.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Renders with two spaces between columns and no trailing spaces.
    pub fn render(&self) -> String {
        let n = self.headers.len();
        let cell = |row: &[String], i: usize| -> String {
            let raw = row.get(i).map_or("", String::as_str);
            let one_line = raw.replace(['\n', '\t'], " ");
            match self.max.get(i) {
                Some(&m) if m > 0 => cut(&one_line, m),
                _ => one_line,
            }
        };
        let all: Vec<Vec<String>> = std::iter::once(self.headers.clone())
            .chain(self.rows.iter().cloned())
            .map(|r| (0..n).map(|i| cell(&r, i)).collect())
            .collect();
        let widths: Vec<usize> = (0..n)
            .map(|i| all.iter().map(|r| width(&r[i])).max().unwrap_or(0))
            .collect();
        let mut out = String::new();
        for r in &all {
            let mut line = String::new();
            for (i, c) in r.iter().enumerate() {
                line.push_str(c);
                if i + 1 < n {
                    line.push_str(&" ".repeat(widths[i] - width(c) + 2));
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

/// Cuts `s` to at most `max` columns, ending in `…` when cut.
pub fn cut(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    let mut out = String::new();
    for c in s.chars() {
        if width(&out) + 1 >= max {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

/// Display width: one column per character, which is right for the Latin
/// text of annexes (no wide East Asian characters expected).
fn width(s: &str) -> usize {
    s.chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_and_cuts() {
        let mut t = Table::new(&["key", "text"], &[0, 8]);
        t.row(vec!["M1".into(), "short".into()]);
        t.row(vec!["34843-79".into(), "a much longer text".into()]);
        assert_eq!(
            t.render(),
            "key       text\nM1        short\n34843-79  a much …\n"
        );
    }

    #[test]
    fn newlines_do_not_break_rows() {
        let mut t = Table::new(&["a"], &[0]);
        t.row(vec!["x\ny".into()]);
        assert_eq!(t.render(), "a\nx y\n");
    }
}

//! Plain-text tables for the terminal: columns sized to their content, long
//! cells cut with an ellipsis so a row stays on one line — or, when the
//! reader asked for whole texts (`--wide`), wrapped at word boundaries to
//! the terminal's width.
//!
//! A [`Look`] says how the terminal wants them: status markers in the
//! legend's colours, a width to fit, whole texts or cut ones, and the
//! language of the words around them. [`Look::PLAIN`] (no colour, fixed
//! caps) gives exactly the text that pipes and files get. Cells are shown
//! through [`crate::domain::text::visible`]: a control character stored in
//! a cell is printed as an escape, never obeyed, so the only escape codes a
//! table holds are its own status markers.

use crate::formats::annex::Lang;
use std::fmt::Write as _;

/// How colour is written, when it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColourMode {
    /// No escape codes at all.
    #[default]
    Off,
    /// The nearest of the 256 xterm colours (`ESC[38;5;Nm`).
    Ansi256,
    /// 24-bit colour (`ESC[38;2;R;G;Bm`).
    TrueColour,
}

/// How tables and status labels are drawn for one output stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Look {
    /// Colour of the status markers.
    pub colour: ColourMode,
    /// Columns available (a terminal's width); None keeps the fixed caps
    /// only.
    pub width: Option<usize>,
    /// Whole texts (`--wide`): cells are never cut; with a width they are
    /// wrapped to fit it, without one each row stays on one line.
    pub wrap: bool,
    /// The language of the sentences around the tables (the view line).
    pub lang: Lang,
}

impl Default for Look {
    fn default() -> Look {
        Look::PLAIN
    }
}

impl Look {
    /// No colour, no width to fit: the text pipes and files get.
    pub const PLAIN: Look = Look {
        colour: ColourMode::Off,
        width: None,
        wrap: false,
        lang: Lang::Nl,
    };

    /// Text of `s` wrapped for this look: to the width less `indent`
    /// columns, every line after the first indented by `indent` spaces
    /// (the first line is placed by the caller). Unchanged unless whole
    /// texts were asked for on a terminal of known width.
    pub fn fold(&self, s: &str, indent: usize) -> String {
        let (true, Some(w)) = (self.wrap, self.width) else {
            return s.to_string();
        };
        let pad = " ".repeat(indent);
        let mut out = String::new();
        for (i, line) in wrap(s, w.saturating_sub(indent).max(MIN_WRAP))
            .iter()
            .enumerate()
        {
            if i > 0 {
                out.push('\n');
                // A blank line between paragraphs stays blank.
                if !line.is_empty() {
                    out.push_str(&pad);
                }
            }
            out.push_str(line);
        }
        out
    }

    /// True when status markers are drawn.
    pub fn coloured(&self) -> bool {
        self.colour != ColourMode::Off
    }

    /// `label` preceded by a marker (●) in `colour` (`#rrggbb`; grey when
    /// it is not one), or `label` alone when colour is off. The label is
    /// shown through [`crate::domain::text::visible`].
    pub fn status(&self, colour: Option<&str>, label: &str) -> String {
        let label = crate::domain::text::visible(label);
        match self.marker(colour) {
            Some(m) => format!("{m} {label}"),
            None => label.into_owned(),
        }
    }

    /// The coloured marker, or None when colour is off.
    fn marker(&self, colour: Option<&str>) -> Option<String> {
        let (r, g, b) = colour.and_then(rgb).unwrap_or((0x9e, 0x9e, 0x9e));
        let mut s = String::from("\x1b[");
        match self.colour {
            ColourMode::Off => return None,
            ColourMode::TrueColour => {
                let _ = write!(s, "38;2;{r};{g};{b}");
            }
            ColourMode::Ansi256 => {
                let _ = write!(s, "38;5;{}", xterm256(r, g, b));
            }
        }
        s.push_str("m●\x1b[0m");
        Some(s)
    }
}

/// Parses `#rrggbb`.
pub fn rgb(hex: &str) -> Option<(u8, u8, u8)> {
    let h = hex.strip_prefix('#')?;
    if h.len() != 6 || !h.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let p = |i: usize| u8::from_str_radix(&h[i..i + 2], 16).ok();
    Some((p(0)?, p(2)?, p(4)?))
}

/// The nearest colour of xterm's 256: its 6×6×6 cube, or for a colour
/// without hue (channels within 16 of each other) its grey ramp, so that a
/// dark green does not come out grey.
fn xterm256(r: u8, g: u8, b: u8) -> u8 {
    const LEVELS: [u8; 6] = [0, 95, 135, 175, 215, 255];
    let near = |v: u8| -> u8 {
        let mut best = 0u8;
        for (i, l) in (0u8..).zip(LEVELS) {
            if v.abs_diff(l) < v.abs_diff(LEVELS[usize::from(best)]) {
                best = i;
            }
        }
        best
    };
    let spread = r.max(g).max(b) - r.min(g).min(b);
    if spread <= 16 {
        // Grey ramp 232..=255: 8, 18, …, 238.
        let avg = (u16::from(r) + u16::from(g) + u16::from(b)) / 3;
        let step = u8::try_from((avg.saturating_sub(3) / 10).min(23)).unwrap_or(23);
        return 232 + step;
    }
    16 + 36 * near(r) + 6 * near(g) + near(b)
}

/// A table under construction.
#[derive(Debug, Default)]
pub struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
    max: Vec<usize>,
    /// Status markers: (row, column, colour as `#rrggbb`).
    marks: Vec<(usize, usize, String)>,
}

impl Table {
    /// A table with these headers; `max` caps each column's width (0 = no cap).
    pub fn new(headers: &[&str], max: &[usize]) -> Table {
        Table {
            headers: headers.iter().map(|h| (*h).to_string()).collect(),
            rows: Vec::new(),
            max: max.to_vec(),
            marks: Vec::new(),
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

    /// Marks cell `col` of the last row added as a status of `colour`
    /// (`#rrggbb`): drawn with a coloured marker when the look has colour.
    pub fn mark(&mut self, col: usize, colour: Option<&str>) {
        if let Some(row) = self.rows.len().checked_sub(1) {
            self.marks
                .push((row, col, colour.unwrap_or_default().to_string()));
        }
    }

    /// Renders with two spaces between columns and no trailing spaces.
    pub fn render(&self) -> String {
        self.render_with(&Look::PLAIN)
    }

    /// Renders for `look`: status markers in colour when it has colour, and
    /// when it has a width, the widest capped (text) columns narrowed
    /// until the rows fit it. With [`Look::PLAIN`] this is [`Table::render`].
    pub fn render_with(&self, look: &Look) -> String {
        if look.wrap {
            return self.render_whole(look);
        }
        let n = self.headers.len();
        let cell = |row: &[String], i: usize| -> String {
            let raw = row.get(i).map_or("", String::as_str);
            let one_line = crate::domain::text::visible(raw).replace(['\n', '\t'], " ");
            match self.max.get(i) {
                Some(&m) if m > 0 => cut(&one_line, m),
                _ => one_line,
            }
        };
        // Each row's cells cut as they are read (not the rows copied first:
        // an overview's rows hold every item's whole progress text).
        let mut all: Vec<Vec<String>> = std::iter::once(&self.headers)
            .chain(self.rows.iter())
            .map(|r| (0..n).map(|i| cell(r, i)).collect())
            .collect();
        // Markers, by (line, column) in `all` (line 0 is the header).
        let mut markers: Vec<Vec<Option<String>>> = vec![vec![None; n]; all.len()];
        for (row, col, colour) in &self.marks {
            if let (Some(line), true) = (markers.get_mut(row + 1), *col < n) {
                line[*col] = look.marker(Some(colour));
            }
        }
        // A marker takes two columns: "● ".
        let extra = |line: usize, i: usize| if markers[line][i].is_some() { 2 } else { 0 };
        let mut widths: Vec<usize> = (0..n)
            .map(|i| {
                (0..all.len())
                    .map(|l| width(&all[l][i]) + extra(l, i))
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        if let Some(avail) = look.width {
            let fitted = fit(&widths, &self.headers, &self.max, avail);
            for (i, w) in fitted.iter().enumerate() {
                if *w < widths[i] {
                    for (l, line) in all.iter_mut().enumerate() {
                        let room = w.saturating_sub(extra(l, i)).max(1);
                        line[i] = cut(&line[i], room);
                    }
                }
            }
            widths = fitted;
        }
        let mut out = String::new();
        for (l, r) in all.iter().enumerate() {
            let mut line = String::new();
            for (i, c) in r.iter().enumerate() {
                if let Some(m) = &markers[l][i] {
                    line.push_str(m);
                    line.push(' ');
                }
                line.push_str(c);
                if i + 1 < n {
                    let used = width(c) + extra(l, i);
                    line.push_str(&" ".repeat(widths[i].saturating_sub(used) + 2));
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

/// A table of unmarked rows written a row at a time, for tables too large
/// to hold (the whole event log of a large ledger): the rows are given
/// twice, first to [`Columns::measure`] them, then to
/// [`Columns::write_row`] them, and the lines are those
/// [`Table::render_with`] makes of the same rows when the look does not
/// wrap (whole texts are laid out from every row at once, so they are not
/// written this way).
#[derive(Debug, Clone)]
pub struct Columns {
    headers: Vec<String>,
    max: Vec<usize>,
    /// The widest cell of each column so far, the header's included.
    widths: Vec<usize>,
}

/// The widths the lines of a [`Columns`] are written at, once measured.
#[derive(Debug, Clone)]
pub struct Fitted {
    /// Each column's width.
    widths: Vec<usize>,
    /// The width a column's cells are cut to, where fitting the look's
    /// width narrowed it.
    cut: Vec<Option<usize>>,
}

impl Columns {
    /// As [`Table::new`].
    pub fn new(headers: &[&str], max: &[usize]) -> Columns {
        let mut c = Columns {
            headers: headers.iter().map(|h| (*h).to_string()).collect(),
            max: max.to_vec(),
            widths: vec![0; headers.len()],
        };
        let head = c.headers.clone();
        c.measure(&head);
        c
    }

    /// A row's cells as [`Table::render_with`] shows them on one line.
    fn cells(&self, row: &[String]) -> Vec<String> {
        (0..self.headers.len())
            .map(|i| {
                let raw = row.get(i).map_or("", String::as_str);
                let one_line = crate::domain::text::visible(raw).replace(['\n', '\t'], " ");
                match self.max.get(i) {
                    Some(&m) if m > 0 => cut(&one_line, m),
                    _ => one_line,
                }
            })
            .collect()
    }

    /// Counts `row` in the columns' widths.
    pub fn measure(&mut self, row: &[String]) {
        let cells = self.cells(row);
        for (w, c) in self.widths.iter_mut().zip(cells) {
            *w = (*w).max(width(&c));
        }
    }

    /// The widths for `look`, once every row is measured.
    pub fn fit(&self, look: &Look) -> Fitted {
        let natural = self.widths.clone();
        let widths = match look.width {
            Some(avail) => fit(&natural, &self.headers, &self.max, avail),
            None => natural.clone(),
        };
        let cut = widths
            .iter()
            .zip(&natural)
            .map(|(w, n)| (w < n).then_some((*w).max(1)))
            .collect();
        Fitted { widths, cut }
    }

    /// Writes the header's line.
    pub fn write_header(&self, f: &Fitted, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        self.write_row(f, &self.headers, out)
    }

    /// Writes the line of `row`.
    pub fn write_row(
        &self,
        f: &Fitted,
        row: &[String],
        out: &mut dyn std::io::Write,
    ) -> std::io::Result<()> {
        let n = self.headers.len();
        let mut line = String::new();
        for (i, c) in self.cells(row).into_iter().enumerate() {
            let c = match f.cut[i] {
                Some(room) => cut(&c, room),
                None => c,
            };
            line.push_str(&c);
            if i + 1 < n {
                line.push_str(&" ".repeat(f.widths[i].saturating_sub(width(&c)) + 2));
            }
        }
        out.write_all(line.trim_end().as_bytes())?;
        out.write_all(b"\n")
    }
}

/// Narrowest a wrapped column is made (wider headers and long words keep
/// theirs).
const MIN_WRAP: usize = 12;

/// Narrowest the main text column is wrapped to beside the others; if it
/// would get less, it is printed under its row at the table's full width.
const MIN_MAIN: usize = 40;

/// A width at which the main text reads comfortably: beside columns shown
/// whole, it gets at least this much before they are wrapped.
const COMFORTABLE: usize = 60;

/// How far the main text is indented under its row.
const BELOW: usize = 4;

impl Table {
    /// Renders whole texts (see [`Look::wrap`]): no cell is cut. Without a
    /// width each row stays on one line. With one, the columns that have a
    /// cap (texts) are wrapped at word boundaries: the others each get at
    /// most a quarter of the room the fixed columns leave, the widest (the
    /// main text) the rest — and when that is less than [`MIN_MAIN`], the
    /// main text goes under its row, indented, at the full width.
    fn render_whole(&self, look: &Look) -> String {
        let n = self.headers.len();
        let paragraphs = |raw: &str| -> String {
            crate::domain::text::visible(raw)
                .replace('\t', " ")
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join("\n")
        };
        let mut cells: Vec<Vec<String>> = Vec::with_capacity(self.rows.len() + 1);
        cells.push(self.headers.clone());
        for r in &self.rows {
            cells.push(
                (0..n)
                    .map(|i| paragraphs(r.get(i).map_or("", String::as_str)))
                    .collect(),
            );
        }
        let mut markers: Vec<Vec<Option<String>>> = vec![vec![None; n]; cells.len()];
        for (row, col, colour) in &self.marks {
            if let (Some(line), true) = (markers.get_mut(row + 1), *col < n) {
                line[*col] = look.marker(Some(colour));
            }
        }
        let extra = |line: usize, i: usize| if markers[line][i].is_some() { 2 } else { 0 };
        let Some(avail) = look.width else {
            // No width: whole cells, each row on one line.
            let one: Vec<Vec<String>> = cells
                .iter()
                .map(|r| r.iter().map(|c| c.replace('\n', " ")).collect())
                .collect();
            return lay_out(&one, &markers, None, &(0..n).collect::<Vec<_>>(), None);
        };
        let natural: Vec<usize> = (0..n)
            .map(|i| {
                (0..cells.len())
                    .map(|l| cells[l][i].lines().map(width).max().unwrap_or(0) + extra(l, i))
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let wrappable = |i: usize| self.max.get(i).is_some_and(|&m| m > 0);
        // The least a wrapped column takes: its header, its longest word up
        // to MIN_WRAP, and its marker; `loose`, its longest word and its
        // marker alone, for when the columns do not fit beside each other
        // even so (a longer header is then wrapped or broken, as a long word
        // is).
        let word: Vec<usize> = (0..n)
            .map(|i| {
                (1..cells.len())
                    .flat_map(|l| {
                        cells[l][i]
                            .split_whitespace()
                            .map(move |w| width(w) + extra(l, i))
                    })
                    .max()
                    .unwrap_or(0)
                    .min(MIN_WRAP)
            })
            .collect();
        let loose: Vec<usize> = (0..n).map(|i| natural[i].min(word[i].max(1))).collect();
        let floor: Vec<usize> = (0..n)
            .map(|i| {
                natural[i].min(
                    width(&self.headers[i])
                        .max(word[i])
                        .max(MIN_WRAP.min(natural[i])),
                )
            })
            .collect();
        let main = (0..n)
            .filter(|&i| wrappable(i))
            .max_by_key(|&i| (natural[i], i));
        let all: Vec<usize> = (0..n).collect();
        let share = |cols: &[usize], main: Option<usize>, floor: &[usize]| -> Vec<usize> {
            let gaps = 2 * cols.len().saturating_sub(1);
            let fixed: usize = cols
                .iter()
                .filter(|&&i| !wrappable(i))
                .map(|&i| natural[i])
                .sum();
            let room = avail.saturating_sub(gaps + fixed);
            let mut w = natural.clone();
            if cols.iter().map(|&i| natural[i]).sum::<usize>() + gaps <= avail {
                return w;
            }
            let others: Vec<usize> = cols
                .iter()
                .copied()
                .filter(|&i| wrappable(i) && Some(i) != main)
                .collect();
            // The others whole if that leaves the main text a comfortable
            // width; else each at most a quarter of the room.
            let whole: usize = others.iter().map(|&i| natural[i]).sum();
            let comfortable =
                main.is_some_and(|m| room.saturating_sub(whole) >= COMFORTABLE.min(natural[m]));
            for &i in &others {
                if !comfortable {
                    w[i] = natural[i].min(floor[i].max(room / 4));
                }
            }
            let used: usize = others.iter().map(|&i| w[i]).sum();
            if let Some(m) = main {
                w[m] = room.saturating_sub(used).min(natural[m]).max(floor[m]);
                // What the main text does not need goes back to the others.
                let mut spare = room.saturating_sub(used + w[m]);
                for &i in &others {
                    let more = natural[i].saturating_sub(w[i]).min(spare);
                    w[i] += more;
                    spare -= more;
                }
            }
            w
        };
        let w = share(&all, main, &floor);
        match main {
            Some(m) if w[m] < MIN_MAIN.min(natural[m]) => {
                let rest: Vec<usize> = all.iter().copied().filter(|&i| i != m).collect();
                let mut w = share(&rest, None, &floor);
                let gaps = 2 * rest.len().saturating_sub(1);
                if rest.iter().map(|&i| w[i]).sum::<usize>() + gaps > avail {
                    w = share(&rest, None, &loose);
                    // What is left goes back towards the headers' widths,
                    // the columns nearest theirs first, then to whoever
                    // still wraps.
                    let mut spare =
                        avail.saturating_sub(rest.iter().map(|&i| w[i]).sum::<usize>() + gaps);
                    let mut short: Vec<usize> =
                        rest.iter().copied().filter(|&i| wrappable(i)).collect();
                    short.sort_by_key(|&i| (floor[i].saturating_sub(w[i]), i));
                    for target in [&floor, &natural] {
                        for &i in &short {
                            let more = target[i].saturating_sub(w[i]).min(spare);
                            w[i] += more;
                            spare -= more;
                        }
                    }
                }
                let below = avail.saturating_sub(BELOW).max(MIN_WRAP);
                lay_out(&cells, &markers, Some(&w), &rest, Some((m, below)))
            }
            _ => lay_out(&cells, &markers, Some(&w), &all, None),
        }
    }
}

/// Lays out the lines of `cells` (line 0 the header) in the columns `cols`
/// at `widths` (None: as wide as they are), each cell wrapped to its
/// column, with `markers` before the first line of a marked cell; `below`
/// puts that column under each row, wrapped to the width given.
fn lay_out(
    cells: &[Vec<String>],
    markers: &[Vec<Option<String>>],
    widths: Option<&[usize]>,
    cols: &[usize],
    below: Option<(usize, usize)>,
) -> String {
    let col_width = |i: usize| -> usize {
        widths.map_or_else(
            || {
                (0..cells.len())
                    .map(|l| width(&cells[l][i]) + if markers[l][i].is_some() { 2 } else { 0 })
                    .max()
                    .unwrap_or(0)
            },
            |w| w[i],
        )
    };
    let w: Vec<usize> = cols.iter().map(|&i| col_width(i)).collect();
    let mut out = String::new();
    for (l, row) in cells.iter().enumerate() {
        let wrapped: Vec<Vec<String>> = cols
            .iter()
            .zip(&w)
            .map(|(&i, &cw)| {
                let mark = if markers[l][i].is_some() { 2 } else { 0 };
                // A header wider than its column (one narrowed below it to
                // fit the terminal) is wrapped too.
                let mut lines = if widths.is_some() && (l > 0 || width(&row[i]) > cw) {
                    wrap(&row[i], cw.saturating_sub(mark).max(1))
                } else {
                    vec![row[i].clone()]
                };
                // Lines after a marker's line start under its label.
                for line in lines.iter_mut().skip(1) {
                    line.insert_str(0, &" ".repeat(mark));
                }
                if lines.is_empty() {
                    lines.push(String::new());
                }
                lines
            })
            .collect();
        let height = wrapped.iter().map(Vec::len).max().unwrap_or(1);
        for k in 0..height {
            let mut line = String::new();
            for (j, &i) in cols.iter().enumerate() {
                let text = wrapped[j].get(k).map_or("", String::as_str);
                let mut used = width(text);
                if k == 0
                    && let Some(m) = &markers[l][i]
                {
                    line.push_str(m);
                    line.push(' ');
                    used += 2;
                }
                line.push_str(text);
                if j + 1 < cols.len() {
                    line.push_str(&" ".repeat(w[j].saturating_sub(used) + 2));
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        // The header line says what the text under each row is.
        if let Some((m, bw)) = below
            && !row[m].is_empty()
        {
            for line in wrap(&row[m], bw) {
                let _ = writeln!(out, "{}{line}", " ".repeat(BELOW));
            }
        }
    }
    out
}

/// `s` wrapped at word boundaries to lines of at most `max` columns (a word
/// longer than that is broken); each line of `s` starts a new line.
pub fn wrap(s: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut out = Vec::new();
    for para in s.lines() {
        let mut line = String::new();
        for word in para.split_whitespace() {
            let ww = width(word);
            if !line.is_empty() && width(&line) + 1 + ww > max {
                out.push(std::mem::take(&mut line));
            }
            if ww > max {
                // Longer than a line (a URL, a hash): broken into pieces.
                let chars: Vec<char> = word.chars().collect();
                let mut pieces = chars.chunks(max).peekable();
                while let Some(p) = pieces.next() {
                    line = p.iter().collect();
                    if pieces.peek().is_some() {
                        out.push(std::mem::take(&mut line));
                    }
                }
                continue;
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        out.push(line);
    }
    out
}

/// Column widths that fit `avail` columns (two spaces between columns):
/// the widest capped column is narrowed one column at a time, not below
/// its header or 10 columns while that is enough, else down to
/// [`NARROWEST`] columns, its header cut too. Uncapped columns (keys, ids,
/// dates, hashes) keep their width; if they alone are too wide, the rows
/// wrap.
fn fit(widths: &[usize], headers: &[String], max: &[usize], avail: usize) -> Vec<usize> {
    let mut w = widths.to_vec();
    let gaps = 2 * w.len().saturating_sub(1);
    let headed: Vec<usize> = (0..w.len())
        .map(|i| w[i].min(headers.get(i).map_or(0, |h| width(h)).max(10)))
        .collect();
    let narrowest: Vec<usize> = w.iter().map(|&x| x.min(NARROWEST)).collect();
    for floor in [headed, narrowest] {
        while w.iter().sum::<usize>() + gaps > avail {
            let widest = (0..w.len())
                .filter(|&i| max.get(i).is_some_and(|&m| m > 0) && w[i] > floor[i])
                .max_by_key(|&i| (w[i], i));
            match widest {
                Some(i) => w[i] -= 1,
                None => break,
            }
        }
    }
    w
}

/// The fewest columns [`fit`] narrows a capped column to on a narrow
/// terminal: a few letters and the `…`.
const NARROWEST: usize = 6;

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
    fn stored_escape_sequences_are_shown_not_obeyed() {
        let mut t = Table::new(&["key", "status", "text"], &[0, 20, 60]);
        t.row(vec![
            "M\u{1b}[2J".into(),
            "In uitvoering".into(),
            "clear\u{1b}[2J\u{1b}]0;titel\u{7}\rover \u{202e}driew".into(),
        ]);
        t.mark(1, Some("#1565c0"));
        let look = Look {
            colour: ColourMode::TrueColour,
            width: None,
            ..Look::PLAIN
        };
        let out = t.render_with(&look);
        let ours = out
            .replace("\u{1b}[38;2;21;101;192m●\u{1b}[0m", "")
            .replace('\n', "");
        assert!(
            !ours.chars().any(crate::domain::invisible::shown_escaped),
            "{out:?}"
        );
        assert!(out.contains("M\\u{1b}[2J"), "{out}");
        assert!(
            out.contains("clear\\u{1b}[2J\\u{1b}]0;titel\\u{7}\\rover \\u{202e}driew"),
            "{out}"
        );
        assert!(!t.render().contains('\u{1b}'));
    }

    #[test]
    fn whole_texts_break_a_header_wider_than_the_room_left_rather_than_the_width() {
        // Beside a key and an id shown whole, a status and a responsible
        // column narrowed to fit 60 columns: the responsible header (wider
        // than its values) is broken over two lines instead of pushing the
        // rows past the width, and every word of every cell stays.
        let mut t = Table::new(
            &["kenmerk", "status", "verantwoordelijk", "id", "tekst"],
            &[0, 32, 20, 0, 50],
        );
        let id = "0194cb0e4e6070008000000000000003";
        t.row(vec![
            "M1".into(),
            "In uitvoering met vertraging".into(),
            "MOCW en MJenV".into(),
            id.into(),
            "De Tweede Kamer verzoekt de regering een meldpunt in te richten.".into(),
        ]);
        let look = Look {
            wrap: true,
            width: Some(60),
            ..Look::PLAIN
        };
        let out = t.render_with(&look);
        for line in out.lines() {
            assert!(width(line) <= 60, "{line:?} in\n{out}");
        }
        let words = |s: &str| s.split_whitespace().map(str::to_string).collect::<Vec<_>>();
        for w in words("M1 In uitvoering met vertraging MOCW en MJenV meldpunt") {
            assert!(words(&out).contains(&w), "{w} in\n{out}");
        }
        assert!(out.contains(id), "{out}");
        // The header's pieces, read down its column, spell it whole.
        let lines: Vec<&str> = out.lines().collect();
        let at = lines[0].find("veran").expect("the header's first piece");
        let header: String = lines
            .iter()
            .take_while(|l| !l.trim_start().starts_with("tekst"))
            .map(|l| {
                l.get(at..)
                    .unwrap_or("")
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
            })
            .collect();
        assert_eq!(header, "verantwoordelijk", "{out}");
    }

    #[test]
    fn newlines_do_not_break_rows() {
        let mut t = Table::new(&["a"], &[0]);
        t.row(vec!["x\ny".into()]);
        assert_eq!(t.render(), "a\nx y\n");
    }

    fn status_table() -> Table {
        let mut t = Table::new(&["key", "status", "text"], &[0, 20, 40]);
        t.row(vec!["M1".into(), "In uitvoering".into(), "a".repeat(40)]);
        t.mark(1, Some("#1565c0"));
        t.row(vec!["T1".into(), "Niet vermeld".into(), "short".into()]);
        t.mark(1, None);
        t
    }

    #[test]
    fn plain_look_is_the_plain_render() {
        let t = status_table();
        assert_eq!(t.render_with(&Look::PLAIN), t.render());
        assert!(!t.render().contains('\x1b'));
        assert!(!t.render().contains('●'));
    }

    #[test]
    fn colour_marks_status_cells_and_keeps_alignment() {
        let t = status_table();
        let look = Look {
            colour: ColourMode::TrueColour,
            width: None,
            ..Look::PLAIN
        };
        let out = t.render_with(&look);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], "key  status           text");
        assert_eq!(
            lines[1],
            format!(
                "M1   \x1b[38;2;21;101;192m●\x1b[0m In uitvoering  {}",
                "a".repeat(40)
            )
        );
        // Unknown colour: grey.
        assert_eq!(
            lines[2],
            "T1   \x1b[38;2;158;158;158m●\x1b[0m Niet vermeld   short"
        );
        let ansi = Look {
            colour: ColourMode::Ansi256,
            width: None,
            ..Look::PLAIN
        };
        assert!(t.render_with(&ansi).contains("\x1b[38;5;25m●"));
    }

    #[test]
    fn width_shrinks_the_widest_text_column_first() {
        let t = status_table();
        let look = Look {
            colour: ColourMode::Off,
            width: Some(40),
            ..Look::PLAIN
        };
        let out = t.render_with(&look);
        for line in out.lines() {
            assert!(width(line) <= 40, "{line:?} is wider than 40");
        }
        assert_eq!(
            out,
            "key  status         text\nM1   In uitvoering  aaaaaaaaaaaaaaaaaaa…\nT1   Niet vermeld   short\n"
        );
        // Narrower than the headers or 10 columns allow: capped columns
        // narrow on to a few letters, their headers cut too.
        let headed = t.render_with(&Look {
            colour: ColourMode::Off,
            width: Some(24),
            ..Look::PLAIN
        });
        assert_eq!(
            headed,
            "key  status     text\nM1   In uitvo…  aaaaaaa…\nT1   Niet ver…  short\n"
        );
        // Too narrow to fit: columns stop at their floor of six.
        let narrow = t.render_with(&Look {
            colour: ColourMode::Off,
            width: Some(5),
            ..Look::PLAIN
        });
        assert_eq!(
            narrow,
            "key  status  text\nM1   In ui…  aaaaa…\nT1   Niet …  short\n"
        );
        // Wide enough: the fixed caps alone, as in a pipe.
        let wide = Look {
            colour: ColourMode::Off,
            width: Some(200),
            ..Look::PLAIN
        };
        assert_eq!(t.render_with(&wide), t.render());
    }

    #[test]
    fn width_counts_the_marker() {
        let t = status_table();
        let look = Look {
            colour: ColourMode::TrueColour,
            width: Some(40),
            ..Look::PLAIN
        };
        for line in t.render_with(&look).lines() {
            let visible = line
                .replace("\x1b[38;2;21;101;192m", "")
                .replace("\x1b[38;2;158;158;158m", "")
                .replace("\x1b[0m", "");
            assert!(width(&visible) <= 40, "{visible:?} is wider than 40");
        }
    }

    #[test]
    fn xterm_colours() {
        assert_eq!(rgb("#2e7d32"), Some((0x2e, 0x7d, 0x32)));
        assert_eq!(rgb("red"), None);
        assert_eq!(rgb("#12345g"), None);
        // Dark green stays green, grey stays grey.
        // Cube (0, 2, 1): #00875f.
        assert_eq!(xterm256(0x2e, 0x7d, 0x32), 16 + 6 * 2 + 1);
        assert_eq!(xterm256(0x75, 0x75, 0x75), 243);
        assert_eq!(xterm256(0, 0, 0), 232);
        assert_eq!(xterm256(255, 255, 255), 255);
    }

    #[test]
    fn columns_written_row_by_row_are_the_table_rendered_whole() {
        let headers = ["seq", "actor", "what", "hash"];
        let max = [0, 8, 20, 0];
        let rows: Vec<Vec<String>> = vec![
            vec![
                "1".into(),
                "J. de Vries-Jansen".into(),
                "kort".into(),
                "ab12".into(),
            ],
            vec![
                "22".into(),
                "x".into(),
                "een veel langere\nregel\tmet tab en \u{1b}[2J".into(),
                "cd34ef".into(),
            ],
            vec!["333".into(), String::new(), String::new()],
        ];
        for (rows, width) in [
            (&rows[..], None),
            (&rows[..], Some(30)),
            (&rows[..], Some(12)),
            (&rows[..], Some(200)),
            (&rows[..0], None),
            (&rows[..0], Some(5)),
        ] {
            let look = Look {
                width,
                ..Look::PLAIN
            };
            let mut t = Table::new(&headers, &max);
            let mut c = Columns::new(&headers, &max);
            for r in rows {
                t.row(r.clone());
                c.measure(r);
            }
            let f = c.fit(&look);
            let mut out = Vec::new();
            c.write_header(&f, &mut out).unwrap();
            for r in rows {
                c.write_row(&f, r, &mut out).unwrap();
            }
            assert_eq!(
                String::from_utf8(out).unwrap(),
                t.render_with(&look),
                "width {width:?}, {} rows",
                rows.len()
            );
        }
    }
}

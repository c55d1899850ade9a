//! A word-level difference between two texts, so a changed progress text
//! shows the words that are new rather than the whole text again: the
//! longest common subsequence of the two word lists (dynamic programming,
//! with the common start and end taken off first, and a cap on the table's
//! size beyond which the changed middle is shown as replaced whole).
//!
//! Words keep the white space that follows them, so joining the pieces of
//! one side gives that side's text back exactly. A rewritten passage is
//! shown as one removed and one added run, not as a mosaic: a common run
//! of at most two words between changes is taken into both (see
//! [`MAX_GLUE_WORDS`]), and in every changed run the old words come before
//! the new ones.

/// One piece of the difference.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "op", content = "text")]
pub enum Piece {
    /// In both texts.
    Same(String),
    /// Only in the new text.
    Added(String),
    /// Only in the old text.
    Removed(String),
}

impl Piece {
    /// The text of the piece.
    pub fn text(&self) -> &str {
        match self {
            Piece::Same(t) | Piece::Added(t) | Piece::Removed(t) => t,
        }
    }
}

/// Most cells of the comparison table (old words × new words of the
/// changed middle): beyond it the middle is shown as removed and added.
const MAX_CELLS: usize = 4_000_000;

/// The words of `s`, each with the white space after it.
fn words(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut in_space = false;
    for (i, c) in s.char_indices() {
        if c.is_whitespace() {
            in_space = true;
        } else if in_space {
            out.push(&s[start..i]);
            start = i;
            in_space = false;
        }
    }
    if start < s.len() {
        out.push(&s[start..]);
    }
    out
}

/// A word without the white space after it: "word " and "word\n" match.
fn bare(w: &str) -> &str {
    w.trim_end()
}

fn push(out: &mut Vec<Piece>, piece: Piece) {
    if piece.text().is_empty() {
        return;
    }
    match (out.last_mut(), &piece) {
        (Some(Piece::Same(a)), Piece::Same(b))
        | (Some(Piece::Added(a)), Piece::Added(b))
        | (Some(Piece::Removed(a)), Piece::Removed(b)) => a.push_str(b),
        _ => out.push(piece),
    }
}

/// Most words of a common run between two changes that is shown as part
/// of them ("in", "van de") rather than on its own.
pub const MAX_GLUE_WORDS: usize = 2;

/// A run of pieces: common text, or what was removed and added there.
enum Region {
    Same(String),
    Change(String, String),
}

/// Joins each change's removed and added words, takes short common runs
/// between changes into them, and puts the removed words first.
fn cleanup(pieces: Vec<Piece>) -> Vec<Piece> {
    let mut regions: Vec<Region> = Vec::new();
    for p in pieces {
        match (regions.last_mut(), p) {
            (_, Piece::Same(t)) => regions.push(Region::Same(t)),
            (Some(Region::Change(r, _)), Piece::Removed(t)) => r.push_str(&t),
            (Some(Region::Change(_, a)), Piece::Added(t)) => a.push_str(&t),
            (_, Piece::Removed(t)) => regions.push(Region::Change(t, String::new())),
            (_, Piece::Added(t)) => regions.push(Region::Change(String::new(), t)),
        }
    }
    let mut out: Vec<Region> = Vec::new();
    let mut i = 0;
    while i < regions.len() {
        let glue = match (out.last(), &regions[i], regions.get(i + 1)) {
            (Some(Region::Change(..)), Region::Same(t), Some(Region::Change(..))) => {
                t.split_whitespace().count() <= MAX_GLUE_WORDS
            }
            _ => false,
        };
        if glue
            && let (Some(Region::Change(r, a)), Region::Same(t), Some(Region::Change(r2, a2))) =
                (out.last_mut(), &regions[i], regions.get(i + 1))
        {
            r.push_str(t);
            // The new text's last word has no space after it; the old
            // words after it still need one.
            if !t.ends_with(char::is_whitespace) && !r2.is_empty() {
                r.push(' ');
            }
            r.push_str(r2);
            a.push_str(t);
            a.push_str(a2);
            i += 2;
            continue;
        }
        out.push(match &regions[i] {
            Region::Same(t) => Region::Same(t.clone()),
            Region::Change(r, a) => Region::Change(r.clone(), a.clone()),
        });
        i += 1;
    }
    let mut pieces = Vec::new();
    for r in out {
        match r {
            Region::Same(t) => push(&mut pieces, Piece::Same(t)),
            Region::Change(mut r, a) => {
                // After the new text's last word (which has no space after
                // it), the old words still need one.
                let glued = pieces
                    .last()
                    .is_some_and(|p: &Piece| !p.text().ends_with(char::is_whitespace));
                if glued && !r.is_empty() {
                    r.insert(0, ' ');
                }
                push(&mut pieces, Piece::Removed(r));
                push(&mut pieces, Piece::Added(a));
            }
        }
    }
    pieces
}

/// The difference from `old` to `new`, word by word; the `Same` and
/// `Added` pieces joined give `new`, the `Same` and `Removed` pieces `old`
/// (up to the white space after a common word, which is the new text's).
pub fn diff(old: &str, new: &str) -> Vec<Piece> {
    cleanup(raw(old, new))
}

/// The difference before [`cleanup`].
fn raw(old: &str, new: &str) -> Vec<Piece> {
    let a = words(old);
    let b = words(new);
    let mut out = Vec::new();
    let head = a
        .iter()
        .zip(b.iter())
        .take_while(|(x, y)| bare(x) == bare(y))
        .count();
    let tail = a[head..]
        .iter()
        .rev()
        .zip(b[head..].iter().rev())
        .take_while(|(x, y)| bare(x) == bare(y))
        .count();
    for w in &b[..head] {
        push(&mut out, Piece::Same((*w).to_string()));
    }
    let am = &a[head..a.len() - tail];
    let bm = &b[head..b.len() - tail];
    if am.len().saturating_mul(bm.len()) > MAX_CELLS {
        push(&mut out, Piece::Removed(am.concat()));
        push(&mut out, Piece::Added(bm.concat()));
    } else {
        middle(am, bm, &mut out);
    }
    for w in &b[b.len() - tail..] {
        push(&mut out, Piece::Same((*w).to_string()));
    }
    out
}

/// Each of `words` as the number `numbers` gives its bare word, a new one
/// for a word not seen before.
fn numbered<'a>(
    words: &[&'a str],
    numbers: &mut std::collections::HashMap<&'a str, u32>,
) -> Vec<u32> {
    words
        .iter()
        .map(|w| {
            let next = u32::try_from(numbers.len()).unwrap_or(u32::MAX);
            *numbers.entry(bare(w)).or_insert(next)
        })
        .collect()
}

/// The longest common subsequence of `a` and `b`, walked from the start.
fn middle(a: &[&str], b: &[&str], out: &mut Vec<Piece>) {
    let (n, m) = (a.len(), b.len());
    // Each word (without the white space after it) as a number, so that
    // the table's n × m steps compare numbers, not strings.
    let mut numbers = std::collections::HashMap::new();
    let na = numbered(a, &mut numbers);
    let nb = numbered(b, &mut numbers);
    // len[i][j]: length of the LCS of a[i..] and b[j..].
    let mut len = vec![0u32; (n + 1) * (m + 1)];
    let at = |i: usize, j: usize| i * (m + 1) + j;
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            len[at(i, j)] = if na[i] == nb[j] {
                len[at(i + 1, j + 1)] + 1
            } else {
                len[at(i + 1, j)].max(len[at(i, j + 1)])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && na[i] == nb[j] {
            push(out, Piece::Same(b[j].to_string()));
            i += 1;
            j += 1;
        } else if j < m && (i == n || len[at(i, j + 1)] >= len[at(i + 1, j)]) {
            push(out, Piece::Added(b[j].to_string()));
            j += 1;
        } else {
            push(out, Piece::Removed(a[i].to_string()));
            i += 1;
        }
    }
}

/// True when the difference changes nothing.
pub fn unchanged(pieces: &[Piece]) -> bool {
    pieces.iter().all(|p| matches!(p, Piece::Same(_)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn side(pieces: &[Piece], new: bool) -> String {
        pieces
            .iter()
            .filter(|p| match p {
                Piece::Same(_) => true,
                Piece::Added(_) => new,
                Piece::Removed(_) => !new,
            })
            .map(Piece::text)
            .collect()
    }

    #[test]
    fn an_added_sentence_is_the_only_added_piece() {
        let old = "Het onderzoek loopt. De Kamer wordt in juni geïnformeerd.";
        let new = "Het onderzoek loopt. De Kamer wordt in juni geïnformeerd. Het rapport is op 3 juni verstuurd.";
        let d = diff(old, new);
        assert_eq!(
            d,
            vec![
                Piece::Same("Het onderzoek loopt. De Kamer wordt in juni geïnformeerd. ".into()),
                Piece::Added("Het rapport is op 3 juni verstuurd.".into()),
            ]
        );
    }

    #[test]
    fn a_rewritten_passage_is_one_removed_and_one_added_run() {
        let d = diff(
            "In het voorjaar van 2024 hebben veertig gemeenten een eerste oefening gehouden.",
            "Alle gemeenten hebben in 2024 een oefening gehouden.",
        );
        assert_eq!(
            d,
            vec![
                Piece::Removed(
                    "In het voorjaar van 2024 hebben veertig gemeenten een eerste ".into()
                ),
                Piece::Added("Alle gemeenten hebben in 2024 een ".into()),
                Piece::Same("oefening gehouden.".into()),
            ]
        );
    }

    #[test]
    fn a_changed_word_is_removed_and_added() {
        let d = diff(
            "De pilot loopt tot april 2027.",
            "De pilot loopt tot juni 2027.",
        );
        assert_eq!(
            d,
            vec![
                Piece::Same("De pilot loopt tot ".into()),
                Piece::Removed("april ".into()),
                Piece::Added("juni ".into()),
                Piece::Same("2027.".into()),
            ]
        );
        assert!(unchanged(&diff("a b", "a b")));
        assert_eq!(diff("", "nieuw"), vec![Piece::Added("nieuw".into())]);
    }

    proptest! {
        #[test]
        fn the_new_side_is_the_new_text(
            old in proptest::collection::vec("[a-c]{1,2}", 0..12),
            new in proptest::collection::vec("[a-c]{1,2}", 0..12),
        ) {
            let (old, new) = (old.join(" "), new.join(" "));
            let d = diff(&old, &new);
            prop_assert_eq!(side(&d, true), new.clone());
            // The old side has the old words (spacing may be the new
            // text's after a common word).
            let words_of = |s: &str| s.split_whitespace().map(str::to_string).collect::<Vec<_>>();
            prop_assert_eq!(words_of(&side(&d, false)), words_of(&old));
            prop_assert_eq!(unchanged(&d), old == new);
        }
    }
}

//! A letter in prose ("Hiermee beschouw ik de motie … als afgedaan") is
//! recognised so that it can be refused with a reason: the motions and
//! commitments it discusses are sentences, not rows, and no reader here
//! guesses rows out of sentences. The clerk is pointed to CSV or Excel.

use crate::domain::Invalid;

/// Phrases of a letter to parliament, folded to lower case.
const CUES: &[&str] = &[
    "geachte voorzitter",
    "hiermee beschouw ik",
    "beschouw ik de motie",
    "beschouw ik de toezegging",
    "als afgedaan",
    "hoogachtend",
    "met deze brief",
    "in deze brief",
    "ga ik in op",
    "informeer ik uw kamer",
    "kamer der staten-generaal",
    "betreft",
    "ons kenmerk",
];

/// True when `text` reads as a letter: at least two of its phrases, and
/// hardly any tab-separated lines (an annex copied out of a letter's
/// appendix has those).
pub fn looks_like_letter(text: &str) -> bool {
    let lower = text.to_lowercase();
    let cues = CUES.iter().filter(|c| lower.contains(*c)).count();
    let tabbed = text
        .lines()
        .filter(|l| l.matches('\t').count() >= 2)
        .count();
    cues >= 2 && tabbed < 3
}

/// The refusal of a letter named `name`.
pub fn refusal(name: &str) -> Invalid {
    Invalid::new(
        "import file",
        name,
        "a table of items: this is a letter in prose, which is not parsed (the motions and commitments it discusses are sentences, not rows); put them in a CSV file (columns kind,text,status,responsible,…; see `kamerstand export --format csv`) or an Excel sheet and import that",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_and_not_letters() {
        let letter = "Geachte voorzitter,\n\nIn deze brief ga ik in op de motie van het lid Jansen. \
                      Hiermee beschouw ik de motie als afgedaan.\n\nHoogachtend,\n";
        assert!(looks_like_letter(letter));
        assert!(!looks_like_letter(
            "Motie van het lid Jansen\tSOCW\tAfgedaan\n"
        ));
        let annex = format!("{letter}a\tb\tc\nd\te\tf\ng\th\ti\n");
        assert!(!looks_like_letter(&annex));
        assert!(refusal("brief.txt").expected.contains("CSV"));
    }
}

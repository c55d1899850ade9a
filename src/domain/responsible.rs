//! Who is responsible for an item: one or more codes such as `SOCW` (state
//! secretary for education) or `MJenV` (minister of justice), joined by "en".
//!
//! Portfolios move between cabinets, so unknown portfolios are accepted and
//! normalised (known ones get their usual spelling, others are upper-cased);
//! only text that is not a code at all is rejected.

use super::Invalid;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// Portfolios in their usual spelling, used to normalise case. This list is
/// part of the canonical encoding: a stored code must be in this spelling,
/// so an entry may be added but never removed or respelt (the test
/// `known_portfolios_are_frozen` holds it).
const KNOWN_PORTFOLIOS: &[&str] = &[
    "AZ", "BZ", "BHO", "BZK", "DEF", "EZ", "EZK", "FIN", "IenW", "JenV", "KGG", "LNV", "LVVN",
    "LMZ", "LZS", "OCW", "SZW", "VRO", "VWS", "AenM", "KR", "MenT", "BRZ", "JZ", "PM",
];

/// Longest accepted portfolio abbreviation. Real ones have two to four
/// letters; six leaves room for new ones while refusing words like "Minister".
const MAX_PORTFOLIO_LEN: usize = 6;
/// Most codes accepted in one responsible field.
const MAX_CODES: usize = 8;

/// Minister or state secretary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// M: minister.
    Minister,
    /// S: staatssecretaris (state secretary).
    StateSecretary,
}

/// One responsible party: role letter plus portfolio.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ResponsibleCode {
    /// M or S.
    pub role: Role,
    /// Portfolio abbreviation in its normalised spelling.
    pub portfolio: String,
}

impl ResponsibleCode {
    fn parse(token: &str) -> Option<ResponsibleCode> {
        let mut chars = token.chars();
        let role = match chars.next()? {
            'M' | 'm' => Role::Minister,
            'S' | 's' => Role::StateSecretary,
            _ => return None,
        };
        let rest = chars.as_str();
        if rest.len() < 2
            || rest.len() > MAX_PORTFOLIO_LEN
            || !rest.chars().all(|c| c.is_ascii_alphabetic())
        {
            return None;
        }
        let portfolio = KNOWN_PORTFOLIOS
            .iter()
            .find(|p| p.eq_ignore_ascii_case(rest))
            .map_or_else(|| rest.to_ascii_uppercase(), |p| (*p).to_string());
        Some(ResponsibleCode { role, portfolio })
    }
}

impl fmt::Display for ResponsibleCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let letter = match self.role {
            Role::Minister => 'M',
            Role::StateSecretary => 'S',
        };
        write!(f, "{letter}{}", self.portfolio)
    }
}

/// The parties responsible for an item, in the order given, without
/// duplicates. Empty means "not assigned".
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Responsible(Vec<ResponsibleCode>);

impl Responsible {
    /// Parses `SOCW`, `MOCW en SOCW`, `SOCW, MJenV`, `mocw & socw`.
    pub fn parse(s: &str) -> Result<Responsible, Invalid> {
        let expected = "one or more codes of a role letter (M = minister, S = state secretary) and a portfolio, joined by 'en', e.g. SOCW or 'MOCW en SOCW'";
        let spaced = s.replace([',', '&', '+', '/', ';'], " en ");
        let mut codes: Vec<ResponsibleCode> = Vec::new();
        for token in spaced
            .split_whitespace()
            .filter(|t| !t.eq_ignore_ascii_case("en"))
        {
            let code = ResponsibleCode::parse(token)
                .ok_or_else(|| Invalid::new("responsible", s, expected))?;
            if !codes.contains(&code) {
                codes.push(code);
            }
        }
        if codes.is_empty() {
            return Err(Invalid::new("responsible", s, expected));
        }
        if codes.len() > MAX_CODES {
            return Err(Invalid::new(
                "responsible",
                s,
                format!("at most {MAX_CODES} codes are accepted"),
            ));
        }
        Ok(Responsible(codes))
    }

    /// Nobody assigned.
    pub fn none() -> Responsible {
        Responsible(Vec::new())
    }

    /// The codes in order.
    pub fn codes(&self) -> &[ResponsibleCode] {
        &self.0
    }

    /// True when nobody is assigned.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Same parties, regardless of order.
    pub fn same_parties(&self, other: &Responsible) -> bool {
        let mut a = self.0.clone();
        let mut b = other.0.clone();
        a.sort();
        b.sort();
        a == b
    }
}

impl fmt::Display for Responsible {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("-");
        }
        for (i, c) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" en ")?;
            }
            write!(f, "{c}")?;
        }
        Ok(())
    }
}

/// Encoded as a list of code strings (`["MOCW", "SOCW"]`) in both the
/// canonical encoding and JSON.
impl Serialize for Responsible {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(Code))
    }
}

/// A code as the string it is written as, made on the stack (every index
/// entry of an item holds its parties: `verify` encodes millions).
struct Code<'a>(&'a ResponsibleCode);

impl Serialize for Code<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut buf = [0u8; 1 + MAX_PORTFOLIO_LEN];
        let portfolio = self.0.portfolio.as_bytes();
        let Some(rest) = buf.get_mut(1..=portfolio.len()) else {
            return s.collect_str(self.0);
        };
        rest.copy_from_slice(portfolio);
        buf[0] = match self.0.role {
            Role::Minister => b'M',
            Role::StateSecretary => b'S',
        };
        match std::str::from_utf8(&buf[..=portfolio.len()]) {
            Ok(text) => s.serialize_str(text),
            Err(_) => s.collect_str(self.0),
        }
    }
}

impl<'de> Deserialize<'de> for Responsible {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Vec::<String>::deserialize(d)?;
        if v.is_empty() {
            return Ok(Responsible::none());
        }
        Responsible::parse(&v.join(" en ")).map_err(D::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_annex_forms() {
        assert_eq!(Responsible::parse("SOCW").unwrap().to_string(), "SOCW");
        assert_eq!(
            Responsible::parse("MOCW en SOCW").unwrap().to_string(),
            "MOCW en SOCW"
        );
        assert_eq!(
            Responsible::parse("socw, mjenv").unwrap().to_string(),
            "SOCW en MJenV"
        );
        assert_eq!(
            Responsible::parse(" SOCW en SOCW ").unwrap().codes().len(),
            1
        );
    }

    #[test]
    fn unknown_portfolio_is_kept_normalised() {
        let r = Responsible::parse("Mklim").unwrap();
        assert_eq!(r.to_string(), "MKLIM");
        assert_eq!(r.codes()[0].role, Role::Minister);
    }

    #[test]
    fn garbage_is_rejected() {
        for bad in [
            "",
            "en",
            "OCW",
            "X123",
            "minister van OCW",
            "S",
            "SOCW en 12",
            "Sabcdefghij",
            "Minister",
            "SO",
        ] {
            let e = Responsible::parse(bad).unwrap_err();
            assert!(e.expected.contains("role letter"), "{bad}: {e}");
        }
    }

    #[test]
    fn known_portfolios_are_frozen() {
        // Changing a spelling here would make stored events undecodable:
        // only append to this list (and to KNOWN_PORTFOLIOS).
        let frozen = [
            "AZ", "BZ", "BHO", "BZK", "DEF", "EZ", "EZK", "FIN", "IenW", "JenV", "KGG", "LNV",
            "LVVN", "LMZ", "LZS", "OCW", "SZW", "VRO", "VWS", "AenM", "KR", "MenT", "BRZ", "JZ",
            "PM",
        ];
        assert_eq!(&KNOWN_PORTFOLIOS[..frozen.len()], &frozen[..]);
    }

    #[test]
    fn same_parties_ignores_order() {
        let a = Responsible::parse("MOCW en SOCW").unwrap();
        let b = Responsible::parse("SOCW en MOCW").unwrap();
        assert!(a.same_parties(&b));
        assert!(!a.same_parties(&Responsible::parse("SOCW").unwrap()));
    }

    #[test]
    fn json_is_a_list_of_codes() {
        let r = Responsible::parse("MOCW en SJenV").unwrap();
        let j = serde_json::to_string(&r).unwrap();
        assert_eq!(j, r#"["MOCW","SJenV"]"#);
        assert_eq!(serde_json::from_str::<Responsible>(&j).unwrap(), r);
    }

    #[test]
    fn encoded_as_the_list_of_its_codes_as_text() {
        let code = |role, p: &str| ResponsibleCode {
            role,
            portfolio: p.to_string(),
        };
        // Longer than a parsed portfolio (written through its text), and
        // not ASCII (on the stack like the others).
        let odd = Responsible(vec![
            code(Role::Minister, "LANGEPORTEFEUILLE"),
            code(Role::StateSecretary, "ÉÉN"),
        ]);
        for r in [
            Responsible::parse("MOCW en SJenV en MKLIM").unwrap(),
            Responsible::none(),
            odd,
        ] {
            let text: Vec<String> = r.codes().iter().map(ToString::to_string).collect();
            assert_eq!(
                crate::ledger::codec::encode_value(&r).unwrap(),
                crate::ledger::codec::encode_value(&text).unwrap(),
                "{r}"
            );
            assert_eq!(
                serde_json::to_string(&r).unwrap(),
                serde_json::to_string(&text).unwrap()
            );
        }
    }
}

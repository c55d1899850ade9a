//! Narrowing a view to some of its items: those of one ministry, in one
//! status, of one kind. The command line (`--ministry`, `--status`,
//! `--kind` on `overview`, `item list` and `export`) and any other caller
//! share it: a [`FilterRequest`] holds the values as typed, checked against
//! the view's legend and the portfolios it knows by
//! [`FilterRequest::apply`], which returns the view with only the matching
//! items and the [`Filtered`] record of what was left out, so that every
//! rendering can say it is filtered.
//!
//! A value that names nothing known (a status the legend lacks, a ministry
//! no table or item names) is bad input, refused with what is accepted; a
//! known value that no item has gives a view without items, which the
//! renderings say in words.

use super::View;
use crate::domain::{Invalid, ItemKind, Ministries, ResponsibleCode, text};
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// Which items to keep, as the user typed it (the kind already parsed).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FilterRequest {
    /// A portfolio (`OCW`: every minister and state secretary of it), a
    /// responsible code (`SOCW`: that party only), or a ministry's name
    /// (`Financiën`).
    pub ministry: Option<String>,
    /// A status slug or label of the ledger's legend.
    pub status: Option<String>,
    /// Motions or commitments.
    pub kind: Option<ItemKind>,
}

/// The ministry a filter keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ministry {
    /// Every party of this portfolio (as the ledger spells it).
    Portfolio(String),
    /// One party: a role and a portfolio.
    Party(ResponsibleCode),
}

impl std::fmt::Display for Ministry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Ministry::Portfolio(p) => f.write_str(p),
            Ministry::Party(c) => write!(f, "{c}"),
        }
    }
}

/// A checked filter: each part that is set must hold for an item to stay.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Items one of whose responsible parties (in the view) is of this
    /// ministry.
    pub ministry: Option<Ministry>,
    /// Items in this status (slug).
    pub status: Option<String>,
    /// Items of this kind.
    pub kind: Option<ItemKind>,
}

/// A filter applied to a view, with what it left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filtered {
    /// The filter.
    pub filter: Filter,
    /// How many items existed in the view before filtering.
    pub out_of: usize,
}

impl FilterRequest {
    /// True when nothing is asked for.
    pub fn is_empty(&self) -> bool {
        self.ministry.is_none() && self.status.is_none() && self.kind.is_none()
    }

    /// Checks the values against `view` (its legend, the portfolios of the
    /// built-in table and of its items).
    pub fn resolve(&self, view: &View) -> Result<Filter, Invalid> {
        let ministry = self
            .ministry
            .as_deref()
            .map(|m| ministry(m, view))
            .transpose()?;
        let status = self
            .status
            .as_deref()
            .map(|s| {
                view.legend()
                    .resolve(s)
                    .map(|e| e.slug.clone())
                    .map_err(|e| Invalid::new("--status", s, e.expected))
            })
            .transpose()?;
        Ok(Filter {
            ministry,
            status,
            kind: self.kind,
        })
    }

    /// `view` with only the items the filter keeps (unchanged when nothing
    /// is asked for).
    pub fn apply(&self, view: View) -> Result<View, Invalid> {
        if self.is_empty() {
            return Ok(view);
        }
        let filter = self.resolve(&view)?;
        Ok(filter.apply(view))
    }
}

impl Filter {
    /// True when it keeps every item.
    pub fn is_empty(&self) -> bool {
        self.ministry.is_none() && self.status.is_none() && self.kind.is_none()
    }

    /// True when `it` passes.
    pub fn keeps(&self, it: &super::ItemView) -> bool {
        self.kind.is_none_or(|k| it.kind == k)
            && self.status.as_deref().is_none_or(|s| it.status == s)
            && self.ministry.as_ref().is_none_or(|m| {
                it.responsible.codes().iter().any(|c| match m {
                    Ministry::Portfolio(p) => c.portfolio.eq_ignore_ascii_case(p),
                    Ministry::Party(party) => c == party,
                })
            })
    }

    /// `view` with only the items this filter keeps, marked as filtered.
    pub fn apply(self, mut view: View) -> View {
        let out_of = view.existing().count();
        view.items.retain(|it| self.keeps(it));
        view.filter = Some(Filtered {
            filter: self,
            out_of,
        });
        view
    }

    /// The filter as JSON: the parts that are set.
    pub fn to_json(&self) -> Value {
        json!({
            "ministry": self.ministry.as_ref().map(ToString::to_string),
            "status": self.status,
            "kind": self.kind.map(ItemKind::slug),
        })
    }
}

/// Every portfolio the filter may name: the built-in table's, and those
/// the view's items are (or were) assigned to.
fn portfolios(view: &View) -> BTreeSet<String> {
    let mut all: BTreeSet<String> = Ministries::builtin()
        .portfolios()
        .iter()
        .map(|p| p.code.clone())
        .collect();
    for it in &view.items {
        for r in std::iter::once(&it.responsible).chain(it.previous_responsible.as_ref()) {
            all.extend(r.codes().iter().map(|c| c.portfolio.clone()));
        }
    }
    all
}

/// Reads `--ministry`: a portfolio, a party's code, or a ministry's name.
fn ministry(input: &str, view: &View) -> Result<Ministry, Invalid> {
    let t = input.trim();
    let known = portfolios(view);
    if let Some(p) = known.iter().find(|p| p.eq_ignore_ascii_case(t)) {
        return Ok(Ministry::Portfolio(p.clone()));
    }
    if let Ok(r) = crate::domain::Responsible::parse(t)
        && let [code] = r.codes()
        && known
            .iter()
            .any(|p| p.eq_ignore_ascii_case(&code.portfolio))
    {
        return Ok(Ministry::Party(code.clone()));
    }
    let table = Ministries::builtin();
    if let Some(p) = table
        .portfolios()
        .iter()
        .find(|p| p.names.iter().any(|n| n.to_lowercase() == t.to_lowercase()))
    {
        return Ok(Ministry::Portfolio(p.code.clone()));
    }
    // What the view's own items use, named first: those are what a clerk
    // filters on.
    let used: BTreeSet<String> = view
        .existing()
        .flat_map(|it| it.responsible.codes().iter().map(|c| c.portfolio.clone()))
        .collect();
    let close = text::closest(t, known.iter().map(String::as_str), 3);
    let hint = if close.is_empty() {
        String::new()
    } else {
        format!("did you mean {}? ", close.join(" or "))
    };
    let here = if used.is_empty() {
        String::new()
    } else {
        format!(
            "; this view's items are assigned to {}",
            used.into_iter().collect::<Vec<_>>().join(", ")
        )
    };
    Err(Invalid::new(
        "--ministry",
        input,
        format!(
            "{hint}a portfolio such as OCW (all its ministers and state secretaries), a responsible code such as SOCW, or a ministry's name such as Financiën (docs/ministries.json lists them){here}"
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Day, ItemKey, Legend, Responsible};
    use crate::projection::view::{ChainAt, Programme};
    use crate::projection::{Basis, ItemView, Tally};

    fn item(key: &str, kind: ItemKind, status: &str, resp: &str) -> ItemView {
        ItemView {
            id: crate::domain::EventId([u8::try_from(key.len()).unwrap(); 16]),
            registered_seq: 1,
            key: ItemKey::parse(key).unwrap(),
            kind,
            text: format!("text of {key}"),
            submitters: vec![],
            citations: vec![],
            effective: Day::parse("d", "2025-01-01").unwrap(),
            withdrawn: false,
            exists: true,
            status: status.into(),
            responsible: if resp.is_empty() {
                Responsible::none()
            } else {
                Responsible::parse(resp).unwrap()
            },
            note: None,
            tally: Tally::default(),
            deadline: None,
            made_on: None,
            made_in: None,
            previous_responsible: None,
        }
    }

    fn view() -> View {
        View {
            basis: Basis::Current,
            effective: None,
            programme: Programme {
                name: "P".into(),
                title: "T".into(),
                legend: Legend::nap(),
            },
            chain: ChainAt::default(),
            rounds: vec![],
            items: vec![
                item("M1", ItemKind::Motie, "in-uitvoering", "SOCW"),
                item("M22", ItemKind::Motie, "afgerond", "MOCW en MJenV"),
                item("T333", ItemKind::Toezegging, "in-uitvoering", "MJenV"),
                item("T4444", ItemKind::Toezegging, "in-uitvoering", "MKLIM"),
            ],
            filter: None,
        }
    }

    fn keys(v: &View) -> Vec<&str> {
        v.items.iter().map(|i| i.key.as_str()).collect()
    }

    #[test]
    fn portfolio_party_and_name() {
        let by = |m: &str| {
            let r = FilterRequest {
                ministry: Some(m.into()),
                ..FilterRequest::default()
            };
            keys(&r.apply(view()).unwrap())
                .into_iter()
                .map(String::from)
                .collect::<Vec<_>>()
        };
        assert_eq!(by("ocw"), ["M1", "M22"]);
        assert_eq!(by("SOCW"), ["M1"]);
        assert_eq!(by("jenv"), ["M22", "T333"]);
        assert_eq!(by("Justitie en Veiligheid"), ["M22", "T333"]);
        // A portfolio only this ledger knows.
        assert_eq!(by("klim"), ["T4444"]);
        // Known, but no item of this view has it: an empty view, not an error.
        assert!(by("FIN").is_empty());
    }

    #[test]
    fn unknown_values_are_refused_with_what_is_accepted() {
        let r = FilterRequest {
            ministry: Some("OWC".into()),
            ..FilterRequest::default()
        };
        let e = r.apply(view()).unwrap_err();
        assert_eq!(e.what, "--ministry");
        assert!(e.expected.contains("did you mean"), "{}", e.expected);
        assert!(e.expected.contains("OCW"), "{}", e.expected);
        assert!(
            e.expected
                .contains("this view's items are assigned to JenV, KLIM, OCW"),
            "{}",
            e.expected
        );
        let r = FilterRequest {
            status: Some("klaar".into()),
            ..FilterRequest::default()
        };
        let e = r.apply(view()).unwrap_err();
        assert_eq!(e.what, "--status");
        assert!(e.expected.contains("in-uitvoering"), "{}", e.expected);
    }

    #[test]
    fn parts_combine_and_the_view_says_it_is_filtered() {
        let r = FilterRequest {
            ministry: None,
            status: Some("In uitvoering".into()),
            kind: Some(ItemKind::Toezegging),
        };
        let v = r.apply(view()).unwrap();
        assert_eq!(keys(&v), ["T333", "T4444"]);
        let f = v.filter.as_ref().unwrap();
        assert_eq!(f.out_of, 4);
        assert_eq!(f.filter.status.as_deref(), Some("in-uitvoering"));
        assert_eq!(
            f.filter.to_json(),
            json!({"ministry": null, "status": "in-uitvoering", "kind": "toezegging"})
        );
        // No filter: the view as it was.
        assert_eq!(FilterRequest::default().apply(view()).unwrap(), view());
    }
}

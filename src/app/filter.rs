//! Which items of a view a list shows, from the values a web form or an
//! API query gives (ministry, status, kind): empty values are left out and
//! the kind is parsed; [`crate::projection::filter`] does the rest, as for
//! the command line's `--ministry`, `--status` and `--kind`. A refusal
//! names the field as the form or the query calls it, not the flag.

use crate::domain::{Invalid, ItemKind};
use crate::projection::View;
use crate::projection::filter::{Filter, FilterRequest};

/// A filter asked for through named fields (a query's or a form's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    request: FilterRequest,
    names: [&'static str; 3],
}

/// The query for the values as given (an empty or blank value asks for
/// nothing); `names` are the fields' names for ministry, status and kind,
/// as the caller's users know them.
pub fn request(
    ministry: Option<&str>,
    status: Option<&str>,
    kind: Option<&str>,
    names: [&'static str; 3],
) -> Result<Query, Invalid> {
    fn given(s: Option<&str>) -> Option<&str> {
        s.map(str::trim).filter(|s| !s.is_empty())
    }
    let kind = given(kind)
        .map(ItemKind::parse)
        .transpose()
        .map_err(|e| Invalid {
            what: names[2].into(),
            ..e
        })?;
    Ok(Query {
        request: FilterRequest {
            ministry: given(ministry).map(str::to_string),
            status: given(status).map(str::to_string),
            kind,
        },
        names,
    })
}

impl Query {
    /// True when nothing is asked for.
    pub fn is_empty(&self) -> bool {
        self.request.is_empty()
    }

    /// The filter, its values checked against `view`.
    pub fn resolve(&self, view: &View) -> Result<Filter, Invalid> {
        self.request.resolve(view).map_err(|e| self.renamed(e))
    }

    /// `view` with only the items the filter keeps.
    pub fn apply(&self, view: View) -> Result<View, Invalid> {
        self.request.apply(view).map_err(|e| self.renamed(e))
    }

    fn renamed(&self, e: Invalid) -> Invalid {
        let what = match e.what.as_str() {
            "--ministry" => self.names[0],
            "--status" => self.names[1],
            "--kind" | "kind" => self.names[2],
            _ => return e,
        };
        Invalid {
            what: what.into(),
            ..e
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const API: [&str; 3] = ["ministry", "status", "kind"];

    #[test]
    fn blank_values_ask_for_nothing_and_kinds_are_parsed() {
        let r = request(Some(" "), None, Some("toezegging"), API).unwrap();
        assert_eq!(r.request.ministry, None);
        assert_eq!(r.request.kind, Some(ItemKind::Toezegging));
        assert!(request(None, None, None, API).unwrap().is_empty());
    }

    #[test]
    fn refusals_name_the_field_as_the_caller_calls_it() {
        let e = request(None, None, Some("brief"), ["ministerie", "status", "soort"]).unwrap_err();
        assert_eq!(e.what, "soort");
        let q = request(Some("XYZ"), Some("bogus"), None, API).unwrap();
        let e = q.renamed(Invalid::new("--status", "bogus", "a status"));
        assert_eq!(e.what, "status");
        let e = q.renamed(Invalid::new("--ministry", "XYZ", "a ministry"));
        assert_eq!(e.what, "ministry");
        let other = q.renamed(Invalid::new("as_of", "x", "a time"));
        assert_eq!(other.what, "as_of");
    }
}

//! Which items of a view a list shows: by ministry (a portfolio among the
//! responsible parties), status and kind, as the web overview and the API
//! filter them. Pure: it takes a view's items and keeps some.

use crate::domain::{Invalid, ItemKind};
use crate::projection::{ItemView, View};

/// What to keep; every part left out keeps everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// A portfolio, e.g. `VWS`: items whose responsible parties name it.
    pub ministry: Option<String>,
    /// A status slug or label of the view's legend.
    pub status: Option<String>,
    /// Motions or commitments.
    pub kind: Option<ItemKind>,
}

impl Filter {
    /// Parses the parts as typed (empty ones are left out); a status must
    /// be in the view's legend.
    pub fn parse(
        view: &View,
        ministry: Option<&str>,
        status: Option<&str>,
        kind: Option<&str>,
    ) -> Result<Filter, Invalid> {
        fn given(s: Option<&str>) -> Option<&str> {
            s.map(str::trim).filter(|s| !s.is_empty())
        }
        Ok(Filter {
            ministry: given(ministry).map(str::to_string),
            status: given(status)
                .map(|s| view.programme.legend.resolve(s).map(|e| e.slug.clone()))
                .transpose()
                .map_err(|_| {
                    Invalid::new(
                        "status",
                        status.unwrap_or_default(),
                        "a status of the legend (slug or label)",
                    )
                })?,
            kind: given(kind).map(ItemKind::parse).transpose()?,
        })
    }

    /// True if the item is kept.
    pub fn keeps(&self, it: &ItemView) -> bool {
        self.kind.is_none_or(|k| it.kind == k)
            && self.status.as_ref().is_none_or(|s| it.status == *s)
            && self.ministry.as_ref().is_none_or(|m| {
                it.responsible
                    .codes()
                    .iter()
                    .any(|c| c.portfolio.eq_ignore_ascii_case(m))
            })
    }

    /// True if nothing is filtered out.
    pub fn is_empty(&self) -> bool {
        self.ministry.is_none() && self.status.is_none() && self.kind.is_none()
    }

    /// The view with only the kept items.
    pub fn apply(&self, mut view: View) -> View {
        view.items.retain(|it| self.keeps(it));
        view
    }
}

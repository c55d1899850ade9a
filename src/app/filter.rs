//! Which items of a view a list shows, from the values a web form or an
//! API query gives (ministry, status, kind): empty values are left out and
//! the kind is parsed; [`crate::projection::filter`] does the rest, as for
//! the command line's `--ministry`, `--status` and `--kind`.

use crate::domain::{Invalid, ItemKind};
use crate::projection::filter::FilterRequest;

/// The request for the values as given (an empty or blank value asks for
/// nothing).
pub fn request(
    ministry: Option<&str>,
    status: Option<&str>,
    kind: Option<&str>,
) -> Result<FilterRequest, Invalid> {
    fn given(s: Option<&str>) -> Option<&str> {
        s.map(str::trim).filter(|s| !s.is_empty())
    }
    Ok(FilterRequest {
        ministry: given(ministry).map(str::to_string),
        status: given(status).map(str::to_string),
        kind: given(kind).map(ItemKind::parse).transpose()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_values_ask_for_nothing_and_kinds_are_parsed() {
        let r = request(Some(" "), None, Some("toezegging")).unwrap();
        assert_eq!(r.ministry, None);
        assert_eq!(r.kind, Some(ItemKind::Toezegging));
        assert!(request(None, None, Some("brief")).is_err());
        assert!(request(None, None, None).unwrap().is_empty());
    }
}

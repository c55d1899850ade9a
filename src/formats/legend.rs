//! A legend file: the statuses a programme reports, as JSON (see
//! `docs/legend-eerste-kamer.json`), read for `init --legend` and checked
//! by [`Legend::from_json`] before any store exists.

use crate::domain::{Invalid, Legend};
use crate::error::Result;
use std::io::Read;
use std::path::Path;

/// Largest accepted legend file.
const MAX_LEGEND_BYTES: u64 = 1024 * 1024;

/// Reads and checks the legend file at `path`.
pub fn read_file(path: &Path) -> Result<Legend> {
    let what = crate::fsutil::shown_path(path);
    let unreadable = |e: crate::fsutil::InputError| match e {
        crate::fsutil::InputError::NotRegular(kind) => Invalid::new(
            "legend file",
            &what,
            format!("a regular file of at most 1 MiB (it is {kind})"),
        ),
        crate::fsutil::InputError::Io(e) => {
            Invalid::new("legend file", &what, format!("a readable file ({e})"))
        }
    };
    let mut buf = Vec::new();
    crate::fsutil::open_input(path, true)
        .map_err(unreadable)?
        .take(MAX_LEGEND_BYTES + 1)
        .read_to_end(&mut buf)
        .map_err(|e| unreadable(e.into()))?;
    if u64::try_from(buf.len()).unwrap_or(u64::MAX) > MAX_LEGEND_BYTES {
        return Err(Invalid::new(
            "legend file",
            &what,
            format!("at most {} KiB", MAX_LEGEND_BYTES / 1024),
        )
        .into());
    }
    let json = String::from_utf8(buf).map_err(|e| {
        Invalid::new(
            "legend file",
            &what,
            format!("UTF-8 text (byte {} is not)", e.utf8_error().valid_up_to()),
        )
    })?;
    Ok(Legend::from_json(&what, &json)?)
}

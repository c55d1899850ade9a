//! The annex parser: never panics, and what it returns keeps the invariants
//! documented on `AnnexDoc` (anomalies sorted by line, lines in range, texts
//! trimmed, statuses from the legend).
#![no_main]

use kamerstand::domain::Legend;
use kamerstand::import::annex;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let legend = Legend::nap();
    let doc = annex::parse(&text, &legend);
    if let Err(e) = doc.invariants(&text, &legend) {
        panic!("{e}");
    }
    let _ = annex::looks_like_annex(&text);
});

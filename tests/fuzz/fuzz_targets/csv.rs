//! The CSV importer: never panics; what it accepts is well formed (every
//! row's texts trimmed, statuses from the legend, line numbers increasing).
#![no_main]

use kamerstand::domain::Legend;
use kamerstand::import::csv;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let legend = Legend::nap();
    let _ = csv::looks_like_csv(&text);
    if let Ok((rows, _anomalies)) = csv::read(&text, &legend) {
        assert!(rows.windows(2).all(|w| w[0].line < w[1].line));
        for row in &rows {
            assert!(row.line >= 1);
            if let Some(s) = &row.status {
                assert!(legend.get(s).is_some());
            }
            for c in row
                .citations
                .iter()
                .chain(&row.progress_citations)
                .chain(&row.submitters)
            {
                assert!(!c.is_empty());
                assert_eq!(c, c.trim());
            }
        }
    }
});

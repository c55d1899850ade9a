//! The annex parser: never panics, and what it returns keeps the invariants
//! documented on `AnnexDoc` (anomalies sorted by line, lines in range, texts
//! trimmed, statuses from the legend).
#![no_main]

use kamerstand::domain::{ItemKind, Legend};
use kamerstand::import::annex;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let legend = Legend::nap();
    let doc = annex::parse(&text, &legend);
    let lines = text.lines().count();
    assert!(doc.anomalies.windows(2).all(|w| w[0].line <= w[1].line));
    assert!(
        doc.anomalies
            .iter()
            .all(|a| a.line >= 1 && a.line <= lines.max(1))
    );
    assert!(doc.rows.windows(2).all(|w| w[0].line < w[1].line));
    for r in &doc.rows {
        assert!(r.line >= 1 && r.line <= lines);
        assert_eq!(r.text, r.text.trim());
        if r.kind == ItemKind::Toezegging || r.text.is_empty() {
            assert!(r.submitters.is_empty());
        }
        if let Some(s) = &r.status {
            assert!(legend.get(s).is_some());
        }
        if let Some(p) = &r.progress {
            assert!(!p.is_empty() && !p.contains("<p>"));
        }
    }
    for (line, _) in doc.footnotes.values() {
        assert!(*line >= 1 && *line <= lines);
    }
    let _ = annex::looks_like_annex(&text);
});

//! The citation parser: never panics, keeps the trimmed input verbatim, is
//! stable when fed its own `raw`, and derives only key-safe key hints.
#![no_main]

use kamerstand::domain::KamerstukRef;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let r = KamerstukRef::parse(&text);
    assert_eq!(r.raw, text.trim());
    assert_eq!(r.to_string(), r.raw);
    assert_eq!(KamerstukRef::parse(&r.raw), r);
    if r.parsed.is_none() {
        assert!(!r.flags.is_empty());
    }
    assert_eq!(r.is_clean(), r.parsed.is_some() && r.flags.is_empty());
    if let Some(key) = r.key_hint() {
        assert!(!key.is_empty());
        assert!(key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
        assert!(!key.starts_with('-') && !key.ends_with('-') && !key.contains("--"));
    }
});

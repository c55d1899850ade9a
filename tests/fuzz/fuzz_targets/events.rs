//! The events importer: never panics; what it accepts is a chain whose every
//! record decodes, starts at a ledger_created event and links up by hash.
#![no_main]

use kamerstand::domain::EventHash;
use kamerstand::import::events;
use kamerstand::ledger::codec;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = events::looks_like_events(&text);
    if let Ok(chain) = events::read(&text) {
        assert!(!chain.is_empty());
        let mut prev = EventHash::GENESIS;
        for (seq, bytes) in chain.iter().enumerate() {
            let env = codec::decode(bytes).expect("an accepted event decodes");
            assert_eq!(env.seq, seq as u64);
            assert_eq!(env.prev, prev);
            prev = codec::hash(bytes);
        }
    }
});

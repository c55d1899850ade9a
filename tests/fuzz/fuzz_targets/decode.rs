//! Event decoding: never panics on any bytes, and whatever it accepts is in
//! canonical form (encoding the decoded envelope gives the same bytes back).
#![no_main]

use kamerstand::ledger::codec;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(env) = codec::decode(data) {
        assert_eq!(codec::encode(&env).as_deref(), Ok(data));
        assert_eq!(codec::decode(data), Ok(env));
    }
});

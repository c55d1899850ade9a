//! The ledger's clock and id source. Recorded time is the ledger's own: the
//! CLI always uses [`SystemClock`]; tests inject a [`TestClock`] through the
//! library. There is deliberately no flag or environment variable for it.
//!
//! Recorded times never decrease, so one event stamped in the future would
//! pull every later one along. The ledger therefore takes an event from
//! elsewhere (an events import) only when it is recorded at most
//! [`CLOCK_TOLERANCE`] after the clock, and appends only while its head is
//! at most that far ahead (see [`too_far_ahead`]).

use crate::domain::{EventId, Timestamp};
use time::OffsetDateTime;
use uuid::{NoContext, Uuid};

/// How far an event's recorded time may lie after the clock's reading:
/// clocks of two machines, or one clock before and after a correction,
/// differ by seconds; five minutes covers that and nothing more.
pub const CLOCK_TOLERANCE: std::time::Duration = std::time::Duration::from_secs(5 * 60);

/// True if `recorded` lies more than [`CLOCK_TOLERANCE`] after `now`.
pub fn too_far_ahead(recorded: Timestamp, now: Timestamp) -> bool {
    let tolerance = i64::try_from(CLOCK_TOLERANCE.as_nanos()).unwrap_or(i64::MAX);
    recorded.unix_nanos() > now.unix_nanos().saturating_add(tolerance)
}

/// Source of recorded times and event ids.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// The current instant.
    fn now(&mut self) -> Timestamp;
    /// A new UUID v7 whose timestamp is `at`.
    fn new_id(&mut self, at: Timestamp) -> EventId;
}

/// Wall-clock time and random UUID v7 ids.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&mut self) -> Timestamp {
        Timestamp::from_datetime(OffsetDateTime::now_utc())
    }

    fn new_id(&mut self, at: Timestamp) -> EventId {
        let n = at.unix_nanos().max(0);
        let secs = u64::try_from(n / 1_000_000_000).unwrap_or(0);
        let nanos = u32::try_from(n % 1_000_000_000).unwrap_or(0);
        let ts = uuid::Timestamp::from_unix(NoContext, secs, nanos);
        EventId(*Uuid::new_v7(ts).as_bytes())
    }
}

/// A deterministic clock for tests: starts at a given instant and advances by
/// a fixed step on every reading; ids carry a counter instead of randomness.
#[derive(Debug, Clone)]
pub struct TestClock {
    next: Timestamp,
    step_nanos: i64,
    counter: u64,
}

impl TestClock {
    /// Starts at `start`, advancing `step_nanos` per reading.
    pub fn new(start: Timestamp, step_nanos: i64) -> TestClock {
        TestClock {
            next: start,
            step_nanos,
            counter: 0,
        }
    }

    /// Starts at 2025-01-06T09:00:00Z and advances one minute per reading.
    pub fn pinned() -> TestClock {
        TestClock::new(
            Timestamp::from_unix_nanos(1_736_154_000_000_000_000),
            60_000_000_000,
        )
    }

    /// Moves the clock to `at` (tests of back-dating and of clocks that jump
    /// backwards).
    pub fn set(&mut self, at: Timestamp) {
        self.next = at;
    }
}

impl Clock for TestClock {
    fn now(&mut self) -> Timestamp {
        let t = self.next;
        self.next = Timestamp::from_unix_nanos(t.unix_nanos().saturating_add(self.step_nanos));
        t
    }

    fn new_id(&mut self, at: Timestamp) -> EventId {
        self.counter += 1;
        let millis = u64::try_from(at.unix_nanos().max(0) / 1_000_000).unwrap_or(0);
        let mut rand = [0u8; 10];
        rand[2..].copy_from_slice(&self.counter.to_be_bytes());
        EventId(
            *uuid::Builder::from_unix_timestamp_millis(millis, &rand)
                .as_uuid()
                .as_bytes(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_clock_steps_and_ids_are_v7_and_distinct() {
        let mut c = TestClock::pinned();
        let a = c.now();
        let b = c.now();
        assert_eq!(b.unix_nanos() - a.unix_nanos(), 60_000_000_000);
        let i1 = c.new_id(a);
        let i2 = c.new_id(a);
        assert_ne!(i1, i2);
        assert_eq!(Uuid::from_bytes(i1.0).get_version_num(), 7);
    }

    #[test]
    fn five_minutes_ahead_is_tolerated_and_no_more() {
        let now = Timestamp::from_unix_nanos(1_000_000_000_000_000_000);
        let at = |secs: i64| Timestamp::from_unix_nanos(now.unix_nanos() + secs * 1_000_000_000);
        assert!(!too_far_ahead(at(-3600), now));
        assert!(!too_far_ahead(at(300), now));
        assert!(too_far_ahead(at(301), now));
        assert!(too_far_ahead(Timestamp::from_unix_nanos(i64::MAX), now));
        assert!(!too_far_ahead(
            now,
            Timestamp::from_unix_nanos(i64::MAX - 1)
        ));
    }

    #[test]
    fn system_ids_are_v7() {
        let mut c = SystemClock;
        let t = c.now();
        let id = c.new_id(t);
        assert_eq!(Uuid::from_bytes(id.0).get_version_num(), 7);
    }
}

//! Dates and instants.
//!
//! [`Day`] is a calendar date as a clerk gives it (the *effective* date of a
//! change). [`Timestamp`] is the ledger's *recorded* time: nanoseconds since the
//! Unix epoch, UTC, set only by the ledger's clock.
//!
//! In the canonical (binary) encoding a `Day` is `year u16, month u8, day u8`
//! and a `Timestamp` is one `i64`; in JSON both are ISO 8601 strings.

use super::Invalid;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use time::{Date, Month, OffsetDateTime, UtcOffset};

/// Earliest accepted effective year.
pub const MIN_YEAR: u16 = 1900;
/// Latest accepted effective year (format limit; the ledger also refuses
/// dates more than a year after today).
pub const MAX_YEAR: u16 = 2999;

/// A calendar date (no time zone), e.g. the day a change took effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(Date);

impl Day {
    /// Parses `YYYY-MM-DD` for the argument `what`.
    pub fn parse(what: &str, s: &str) -> Result<Day, Invalid> {
        let expected = || {
            format!(
                "a date YYYY-MM-DD between {MIN_YEAR}-01-01 and {MAX_YEAR}-12-31, e.g. 2024-03-01"
            )
        };
        let t = s.trim();
        let parts: Vec<&str> = t.split('-').collect();
        let [y, m, d] = parts.as_slice() else {
            return Err(Invalid::new(what, s, expected()));
        };
        if y.len() != 4
            || m.len() != 2
            || d.len() != 2
            || ![y, m, d]
                .iter()
                .all(|p| p.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(Invalid::new(what, s, expected()));
        }
        let (Ok(y), Ok(m), Ok(d)) = (y.parse::<u16>(), m.parse::<u8>(), d.parse::<u8>()) else {
            return Err(Invalid::new(what, s, expected()));
        };
        Day::from_parts(y, m, d).ok_or_else(|| {
            if (MIN_YEAR..=MAX_YEAR).contains(&y) {
                Invalid::new(what, s, "that day does not exist in the calendar")
            } else {
                Invalid::new(what, s, expected())
            }
        })
    }

    /// A day from year, month, day, if it exists and lies in the accepted range.
    pub fn from_parts(year: u16, month: u8, day: u8) -> Option<Day> {
        if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
            return None;
        }
        let month = Month::try_from(month).ok()?;
        Date::from_calendar_date(i32::from(year), month, day)
            .ok()
            .map(Day)
    }

    /// The UTC calendar day of an instant.
    pub fn of(ts: Timestamp) -> Day {
        Day(ts.to_datetime().date())
    }

    /// Year, month and day.
    pub fn parts(self) -> (u16, u8, u8) {
        let y = u16::try_from(self.0.year()).unwrap_or(MIN_YEAR);
        (y, u8::from(self.0.month()), self.0.day())
    }

    /// The day `n` days later (saturating at the format's range).
    pub fn plus_days(self, n: i64) -> Day {
        self.0
            .checked_add(time::Duration::days(n))
            .filter(|d| d.year() <= i32::from(MAX_YEAR))
            .map_or(self, Day)
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.parts();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

impl Serialize for Day {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.collect_str(self)
        } else {
            self.parts().serialize(s)
        }
    }
}

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if d.is_human_readable() {
            let s = String::deserialize(d)?;
            Day::parse("date", &s).map_err(D::Error::custom)
        } else {
            let (y, m, day) = <(u16, u8, u8)>::deserialize(d)?;
            Day::from_parts(y, m, day)
                .ok_or_else(|| D::Error::custom(format!("no such day {y:04}-{m:02}-{day:02}")))
        }
    }
}

/// Last Sunday of a month (EU summer time starts and ends on one).
fn last_sunday(year: i32, month: Month) -> Option<Date> {
    let days = time::util::days_in_month(month, year);
    let last = Date::from_calendar_date(year, month, days).ok()?;
    let back = last.weekday().number_days_from_sunday();
    last.checked_sub(time::Duration::days(i64::from(back)))
}

/// UTC offset in hours of Dutch local time (CET/CEST, the EU summer-time
/// rule in force since 1996) at 00:00 local time on `day`. Summer time starts
/// and ends at 01:00 UTC, never at midnight, so the day alone decides.
pub fn amsterdam_offset_at_midnight(day: Day) -> i64 {
    let y = day.0.year();
    match (last_sunday(y, Month::March), last_sunday(y, Month::October)) {
        (Some(m), Some(o)) if day.0 > m && day.0 <= o => 2,
        _ => 1,
    }
}

/// True if Dutch summer time (CEST) is in force at `ts`: from 01:00 UTC on
/// the last Sunday of March to 01:00 UTC on the last Sunday of October.
fn amsterdam_summer_at(ts: Timestamp) -> bool {
    let dt = ts.to_datetime();
    let y = dt.year();
    let switch = |d: Option<Date>| d.map(|d| d.with_hms(1, 0, 0).map(|t| t.assume_utc()));
    match (
        switch(last_sunday(y, Month::March)),
        switch(last_sunday(y, Month::October)),
    ) {
        (Some(Ok(start)), Some(Ok(end))) => dt >= start && dt < end,
        _ => false,
    }
}

impl Day {
    /// The calendar day in Dutch local time (Europe/Amsterdam) at `ts`: the
    /// default effective date, so that a change recorded just after midnight
    /// in The Hague gets that day, not yesterday.
    pub fn in_amsterdam(ts: Timestamp) -> Day {
        let hours = if amsterdam_summer_at(ts) { 2 } else { 1 };
        Day((ts.to_datetime() + time::Duration::hours(hours)).date())
    }
}

/// An instant given on the command line for `--as-of` and `diff`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instant {
    /// The instant.
    pub at: Timestamp,
    /// How to describe it in output headers.
    pub label: String,
}

impl Instant {
    /// Parses an RFC 3339 timestamp (`2025-05-01T12:00:00Z`,
    /// `2025-05-01T14:00:00+02:00`), or a date `YYYY-MM-DD` meaning the end
    /// of that day in Dutch local time (Europe/Amsterdam, CET/CEST).
    pub fn parse(what: &str, s: &str) -> Result<Instant, Invalid> {
        let t = s.trim();
        let expected = "an RFC 3339 timestamp such as 2025-05-01T14:00:00+02:00 or 2025-05-01T12:00:00Z, or a date YYYY-MM-DD (end of that day, Dutch time)";
        if t.len() == 10 {
            let day = Day::parse(what, t).map_err(|e| {
                if e.expected.contains("calendar") {
                    e
                } else {
                    Invalid::new(what, s, expected)
                }
            })?;
            let next = day.plus_days(1);
            let offset = amsterdam_offset_at_midnight(next);
            let midnight_utc = next.0.midnight().assume_utc() - time::Duration::hours(offset);
            let at = Timestamp::from_datetime(midnight_utc - time::Duration::nanoseconds(1));
            return Ok(Instant {
                at,
                label: format!(
                    "{day} (end of day, Europe/Amsterdam, UTC+{}:00 = {})",
                    offset,
                    at.rfc3339()
                ),
            });
        }
        let dt = OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339)
            .map_err(|_| Invalid::new(what, s, expected))?;
        let at = Timestamp::from_datetime(dt);
        Ok(Instant {
            at,
            label: at.rfc3339(),
        })
    }
}

/// An instant on the ledger's clock: nanoseconds since 1970-01-01T00:00:00Z.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

impl Timestamp {
    /// The instant `nanos` nanoseconds after the Unix epoch.
    pub const fn from_unix_nanos(nanos: i64) -> Timestamp {
        Timestamp(nanos)
    }

    /// Nanoseconds since the Unix epoch.
    pub const fn unix_nanos(self) -> i64 {
        self.0
    }

    /// Converts from a `time` value, saturating outside the i64 range.
    pub fn from_datetime(dt: OffsetDateTime) -> Timestamp {
        let n = dt.unix_timestamp_nanos();
        Timestamp(i64::try_from(n).unwrap_or(if n < 0 { i64::MIN } else { i64::MAX }))
    }

    /// The instant as a UTC date-time.
    pub fn to_datetime(self) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(self.0))
            .unwrap_or(OffsetDateTime::UNIX_EPOCH)
            .to_offset(UtcOffset::UTC)
    }

    /// RFC 3339 in UTC with nanoseconds, e.g. `2026-03-01T09:30:00.000000001Z`.
    pub fn rfc3339(self) -> String {
        let dt = self.to_datetime();
        format!(
            "{}T{:02}:{:02}:{:02}.{:09}Z",
            Day(dt.date()),
            dt.hour(),
            dt.minute(),
            dt.second(),
            dt.nanosecond()
        )
    }

    /// Short form for tables: `2026-03-01 09:30:00Z`.
    pub fn short(self) -> String {
        let dt = self.to_datetime();
        format!(
            "{} {:02}:{:02}:{:02}Z",
            Day(dt.date()),
            dt.hour(),
            dt.minute(),
            dt.second()
        )
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.rfc3339())
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.collect_str(self)
        } else {
            s.serialize_i64(self.0)
        }
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if d.is_human_readable() {
            let s = String::deserialize(d)?;
            let dt = OffsetDateTime::parse(&s, &time::format_description::well_known::Rfc3339)
                .map_err(D::Error::custom)?;
            Ok(Timestamp::from_datetime(dt))
        } else {
            i64::deserialize(d).map(Timestamp)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_iso_dates() {
        let d = Day::parse("--effective", "2024-02-29").unwrap();
        assert_eq!(d.to_string(), "2024-02-29");
        assert_eq!(d.parts(), (2024, 2, 29));
    }

    #[test]
    fn rejects_bad_dates_with_the_accepted_form() {
        for bad in [
            "2023-02-29",
            "29-02-2024",
            "2024-2-1",
            "yesterday",
            "",
            "1800-01-01",
            "3000-01-01",
            "2024-13-01",
            "+2024-01-01",
        ] {
            let e = Day::parse("--effective", bad).unwrap_err();
            assert_eq!(e.what, "--effective");
            assert!(
                e.expected.contains("YYYY-MM-DD") || e.expected.contains("calendar"),
                "{bad}: {e}"
            );
        }
        assert!(
            Day::parse("d", "2023-02-29")
                .unwrap_err()
                .expected
                .contains("does not exist")
        );
    }

    #[test]
    fn timestamps_format_in_utc() {
        let t = Timestamp::from_unix_nanos(1_700_000_000_123_456_789);
        assert_eq!(t.rfc3339(), "2023-11-14T22:13:20.123456789Z");
        assert_eq!(t.short(), "2023-11-14 22:13:20Z");
        assert_eq!(Day::of(t).to_string(), "2023-11-14");
    }

    #[test]
    fn dates_as_instants_end_in_dutch_time() {
        // Winter: CET, UTC+1.
        let w = Instant::parse("--as-of", "2025-01-15").unwrap();
        assert_eq!(w.at.rfc3339(), "2025-01-15T22:59:59.999999999Z");
        // Summer: CEST, UTC+2.
        let s = Instant::parse("--as-of", "2025-05-01").unwrap();
        assert_eq!(s.at.rfc3339(), "2025-05-01T21:59:59.999999999Z");
        assert!(s.label.contains("Europe/Amsterdam"), "{}", s.label);
        // The days summer time starts (30 March 2025) and ends (26 October 2025).
        assert_eq!(
            Instant::parse("x", "2025-03-29").unwrap().at.rfc3339(),
            "2025-03-29T22:59:59.999999999Z"
        );
        assert_eq!(
            Instant::parse("x", "2025-03-30").unwrap().at.rfc3339(),
            "2025-03-30T21:59:59.999999999Z"
        );
        assert_eq!(
            Instant::parse("x", "2025-10-25").unwrap().at.rfc3339(),
            "2025-10-25T21:59:59.999999999Z"
        );
        assert_eq!(
            Instant::parse("x", "2025-10-26").unwrap().at.rfc3339(),
            "2025-10-26T22:59:59.999999999Z"
        );
    }

    #[test]
    fn dutch_day_of_an_instant() {
        // 23:30 UTC on 1 May is 01:30 on 2 May in summer time.
        let t = Instant::parse("x", "2025-05-01T23:30:00Z").unwrap().at;
        assert_eq!(Day::in_amsterdam(t).to_string(), "2025-05-02");
        assert_eq!(Day::of(t).to_string(), "2025-05-01");
        // 22:30 UTC on 15 January is 23:30 the same day in winter time.
        let w = Instant::parse("x", "2025-01-15T22:30:00Z").unwrap().at;
        assert_eq!(Day::in_amsterdam(w).to_string(), "2025-01-15");
        // The end of a day given as a date is that day in Dutch time.
        let e = Instant::parse("x", "2025-03-30").unwrap().at;
        assert_eq!(Day::in_amsterdam(e).to_string(), "2025-03-30");
    }

    #[test]
    fn rfc3339_instants_keep_their_offset() {
        let i = Instant::parse("--as-of", "2025-05-01T14:00:00+02:00").unwrap();
        assert_eq!(i.at.rfc3339(), "2025-05-01T12:00:00.000000000Z");
        for bad in [
            "2025-05-01 14:00",
            "gisteren",
            "2025-13-01",
            "2025-05-01T25:00:00Z",
        ] {
            let e = Instant::parse("--as-of", bad).unwrap_err();
            assert!(
                e.expected.contains("RFC 3339")
                    || e.expected.contains("YYYY-MM-DD")
                    || e.expected.contains("calendar"),
                "{bad}: {e}"
            );
        }
    }

    #[test]
    fn plus_days_crosses_months() {
        let d = Day::parse("d", "2024-12-31").unwrap();
        assert_eq!(d.plus_days(1).to_string(), "2025-01-01");
    }

    #[test]
    fn json_roundtrip() {
        let d = Day::parse("d", "2025-06-01").unwrap();
        let j = serde_json::to_string(&d).unwrap();
        assert_eq!(j, "\"2025-06-01\"");
        assert_eq!(serde_json::from_str::<Day>(&j).unwrap(), d);
        let t = Timestamp::from_unix_nanos(5);
        let j = serde_json::to_string(&t).unwrap();
        assert_eq!(serde_json::from_str::<Timestamp>(&j).unwrap(), t);
    }
}

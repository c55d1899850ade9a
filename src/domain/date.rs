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

/// Dutch local time before 1977, from tzdata's Europe/Amsterdam (release
/// 2025b, with its history before 1970): each entry is the instant (Unix
/// seconds, UTC) from which an offset from UTC (seconds) held. Amsterdam
/// mean time (+0:19:32) with summer time (+1:19:32) from 1916; +0:20 and
/// +1:20 from 1 July 1937; Central European (summer) time from 16 May 1940
/// through the occupation; no summer time from 16 September 1945 to 1977.
const BEFORE_1977: [(i64, i32); 58] = [
    (i64::MIN, 1172),
    (-1693700372, 4772), // 1916-05-01 00:00 local
    (-1680484772, 1172), // 1916-10-01 00:00 summer time
    (-1663453172, 4772), // 1917-04-16
    (-1650147572, 1172), // 1917-09-17
    (-1633213172, 4772), // 1918-04-01
    (-1617488372, 1172), // 1918-09-30
    (-1601158772, 4772), // 1919-04-07
    (-1586038772, 1172), // 1919-09-29
    (-1569709172, 4772), // 1920-04-05
    (-1554589172, 1172), // 1920-09-27
    (-1538259572, 4772), // 1921-04-04
    (-1523139572, 1172), // 1921-09-26
    (-1507501172, 4772), // 1922-03-26
    (-1490566772, 1172), // 1922-10-08
    (-1470176372, 4772), // 1923-06-01
    (-1459117172, 1172), // 1923-10-07
    (-1443997172, 4772), // 1924-03-30
    (-1427667572, 1172), // 1924-10-05
    (-1406672372, 4772), // 1925-06-05
    (-1396217972, 1172), // 1925-10-04
    (-1376950772, 4772), // 1926-05-15
    (-1364768372, 1172), // 1926-10-03
    (-1345414772, 4772), // 1927-05-15
    (-1333318772, 1172), // 1927-10-02
    (-1313792372, 4772), // 1928-05-15
    (-1301264372, 1172), // 1928-10-07
    (-1282256372, 4772), // 1929-05-15
    (-1269814772, 1172), // 1929-10-06
    (-1250720372, 4772), // 1930-05-15
    (-1238365172, 1172), // 1930-10-05
    (-1219184372, 4772), // 1931-05-15
    (-1206915572, 1172), // 1931-10-04
    (-1186957172, 4772), // 1932-05-22
    (-1175465972, 1172), // 1932-10-02
    (-1156025972, 4772), // 1933-05-15
    (-1143411572, 1172), // 1933-10-08
    (-1124489972, 4772), // 1934-05-15
    (-1111961972, 1172), // 1934-10-07
    (-1092953972, 4772), // 1935-05-15
    (-1080512372, 1172), // 1935-10-06
    (-1061331572, 4772), // 1936-05-15
    (-1049062772, 1172), // 1936-10-04
    (-1029190772, 4772), // 1937-05-22
    (-1025745572, 4800), // 1937-07-01 00:00 local: +1:20
    (-1017613200, 1200), // 1937-10-03
    (-998259600, 4800),  // 1938-05-15
    (-986163600, 1200),  // 1938-10-02
    (-966723600, 4800),  // 1939-05-15
    (-954109200, 1200),  // 1939-10-08
    (-935022000, 7200),  // 1940-05-16 00:00 local: CEST
    (-857257200, 3600),  // 1942-11-02
    (-844556400, 7200),  // 1943-03-29
    (-828226800, 3600),  // 1943-10-04
    (-812502000, 7200),  // 1944-04-03
    (-796777200, 3600),  // 1944-10-02
    (-781052400, 7200),  // 1945-04-02
    (-766623600, 3600),  // 1945-09-16, and so until 1977
];

/// 1977-01-01T00:00:00Z: from here on the rules of [`summer_time`] apply.
const FROM_1977: i64 = 220_924_800;

/// The Sundays on which Dutch summer time began and ended in `year` (1977
/// on), each at 01:00 UTC: from 1977 to 1980 the first Sunday of April to
/// the last Sunday of September (1 October in 1978); from 1981 to 1995 the
/// last Sunday of March to the last Sunday of September; since 1996, by the
/// EU rule, the last Sunday of March to the last Sunday of October.
fn summer_time(year: i32) -> Option<(Date, Date)> {
    let sunday = |month: Month, last: bool| -> Option<Date> {
        if last {
            let days = time::util::days_in_month(month, year);
            let d = Date::from_calendar_date(year, month, days).ok()?;
            let back = d.weekday().number_days_from_sunday();
            d.checked_sub(time::Duration::days(i64::from(back)))
        } else {
            let d = Date::from_calendar_date(year, month, 1).ok()?;
            let ahead = (7 - d.weekday().number_days_from_sunday()) % 7;
            d.checked_add(time::Duration::days(i64::from(ahead)))
        }
    };
    match year {
        ..1977 => None,
        1977..=1980 => Some((
            sunday(Month::April, false)?,
            if year == 1978 {
                Date::from_calendar_date(1978, Month::October, 1).ok()?
            } else {
                sunday(Month::September, true)?
            },
        )),
        1981..=1995 => Some((sunday(Month::March, true)?, sunday(Month::September, true)?)),
        _ => Some((sunday(Month::March, true)?, sunday(Month::October, true)?)),
    }
}

/// The offset from UTC, in seconds, of Dutch local time (Europe/Amsterdam)
/// at `ts`: the history above before 1977, the rules of `summer_time`
/// after.
pub fn amsterdam_offset(ts: Timestamp) -> i32 {
    let secs = ts.unix_nanos().div_euclid(1_000_000_000);
    if secs < FROM_1977 {
        let i = BEFORE_1977.partition_point(|&(from, _)| from <= secs);
        return BEFORE_1977[i.saturating_sub(1)].1;
    }
    let dt = ts.to_datetime();
    let at_one = |d: Date| d.with_hms(1, 0, 0).map(|t| t.assume_utc()).ok();
    match summer_time(dt.year()) {
        Some((start, end)) => match (at_one(start), at_one(end)) {
            (Some(s), Some(e)) if dt >= s && dt < e => 7200,
            _ => 3600,
        },
        None => 3600,
    }
}

/// An offset in seconds as `+1:00`, `+2:00` or `+0:19:32`.
pub fn format_offset(secs: i32) -> String {
    let sign = if secs < 0 { '-' } else { '+' };
    let a = secs.unsigned_abs();
    let (h, m, s) = (a / 3600, a / 60 % 60, a % 60);
    if s == 0 {
        format!("{sign}{h}:{m:02}")
    } else {
        format!("{sign}{h}:{m:02}:{s:02}")
    }
}

impl Day {
    /// The calendar day in Dutch local time (Europe/Amsterdam) at `ts`: the
    /// default effective date, so that a change recorded just after midnight
    /// in The Hague gets that day, not yesterday.
    pub fn in_amsterdam(ts: Timestamp) -> Day {
        let offset = amsterdam_offset(ts);
        Day((ts.to_datetime() + time::Duration::seconds(i64::from(offset))).date())
    }

    /// The last instant whose Dutch calendar day is this day. Dutch time
    /// never went back across midnight, so this is the instant before the
    /// next day's first, found by bisection over the hours around it
    /// (offsets lie between +0:19:32 and +2:00). Days after 2262, beyond
    /// the nanosecond range of a [`Timestamp`], end at its last instant.
    pub fn end_in_amsterdam(self) -> Timestamp {
        const NANOS: i64 = 1_000_000_000;
        let next = self.0.next_day().unwrap_or(self.0);
        let naive = next.midnight().assume_utc().unix_timestamp();
        let Some(hi) = naive.checked_mul(NANOS) else {
            return Timestamp(if naive < 0 { i64::MIN } else { i64::MAX });
        };
        // The day of `lo` is at most `self`; the day of `hi` is after it.
        let mut lo = hi - 3 * 3600 * NANOS;
        let mut hi = hi;
        let before_next = |t: i64| Day::in_amsterdam(Timestamp(t)).0 < next;
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if before_next(mid) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        Timestamp(lo)
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
    /// of that day in Dutch local time (Europe/Amsterdam, in the offset of
    /// its era: see [`amsterdam_offset`]).
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
            let at = day.end_in_amsterdam();
            return Ok(Instant {
                at,
                label: format!(
                    "{day} (end of day, Europe/Amsterdam, UTC{} = {})",
                    format_offset(amsterdam_offset(at)),
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

    /// Dutch time as tzdata's Europe/Amsterdam gives it, for every era of
    /// the dates a clerk can give (checked against tzdata 2025b day by day
    /// from 1900 to 2100 while the table was written).
    #[test]
    fn dutch_time_follows_its_history() {
        let off = |s: &str| amsterdam_offset(Instant::parse("x", s).unwrap().at);
        // Amsterdam mean time, its summer time, +0:20, the occupation.
        assert_eq!(off("1910-07-01T12:00:00Z"), 1172);
        assert_eq!(off("1930-07-01T12:00:00Z"), 4772);
        assert_eq!(off("1938-01-15T12:00:00Z"), 1200);
        assert_eq!(off("1938-07-15T12:00:00Z"), 4800);
        assert_eq!(off("1941-01-15T12:00:00Z"), 7200);
        // No summer time from the end of 1945 to 1977.
        assert_eq!(off("1945-07-01T12:00:00Z"), 7200);
        for y in [1946, 1960, 1976] {
            assert_eq!(off(&format!("{y}-07-01T12:00:00Z")), 3600, "{y}");
        }
        // 1977–1980: first Sunday of April to the end of September (1
        // October in 1978); 1981–1995: end of March to end of September;
        // since 1996 to the end of October.
        for (before, after) in [
            ("1977-04-03T00:59:59Z", "1977-04-03T01:00:00Z"),
            ("1978-04-02T00:59:59Z", "1978-04-02T01:00:00Z"),
            ("1981-03-29T00:59:59Z", "1981-03-29T01:00:00Z"),
            ("1996-03-31T00:59:59Z", "1996-03-31T01:00:00Z"),
        ] {
            assert_eq!((off(before), off(after)), (3600, 7200), "{after}");
        }
        for (before, after) in [
            ("1977-09-25T00:59:59Z", "1977-09-25T01:00:00Z"),
            ("1978-10-01T00:59:59Z", "1978-10-01T01:00:00Z"),
            ("1980-09-28T00:59:59Z", "1980-09-28T01:00:00Z"),
            ("1995-09-24T00:59:59Z", "1995-09-24T01:00:00Z"),
            ("1996-10-27T00:59:59Z", "1996-10-27T01:00:00Z"),
        ] {
            assert_eq!((off(before), off(after)), (7200, 3600), "{after}");
        }
        assert_eq!(off("1978-09-30T12:00:00Z"), 7200);
        assert_eq!(off("1990-10-15T12:00:00Z"), 3600);
        assert_eq!(off("1996-10-15T12:00:00Z"), 7200);
    }

    #[test]
    fn days_end_in_the_dutch_time_of_their_era() {
        let end = |s: &str| Instant::parse("x", s).unwrap();
        // 1916: summer time began at local midnight; 30 April ended at
        // 23:59:59 mean time (+0:19:32).
        let e = end("1916-04-30");
        assert_eq!(e.at.rfc3339(), "1916-04-30T23:40:27.999999999Z");
        assert!(e.label.contains("UTC+0:19:32"), "{}", e.label);
        // 1916: it ended at local midnight, which then came twice; the
        // day ended at the second.
        assert_eq!(
            end("1916-09-30").at.rfc3339(),
            "1916-09-30T23:40:27.999999999Z"
        );
        // 1940: +0:20 went to +2:00 at midnight.
        assert_eq!(
            end("1940-05-15").at.rfc3339(),
            "1940-05-15T23:39:59.999999999Z"
        );
        // 1960: winter time in summer; 1985: summer time ended in
        // September; 1995 too, 1996 in October.
        assert_eq!(
            end("1960-07-01").at.rfc3339(),
            "1960-07-01T22:59:59.999999999Z"
        );
        assert_eq!(
            end("1985-10-15").at.rfc3339(),
            "1985-10-15T22:59:59.999999999Z"
        );
        assert_eq!(
            end("1996-10-15").at.rfc3339(),
            "1996-10-15T21:59:59.999999999Z"
        );
        // Beyond the timestamp range, the last instant it holds.
        assert_eq!(end("2999-12-31").at, Timestamp::from_unix_nanos(i64::MAX));
        assert_eq!(format_offset(7200), "+2:00");
        assert_eq!(format_offset(1200), "+0:20");
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

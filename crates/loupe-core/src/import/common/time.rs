//! Time parsing: RFC 3339 date-times, durations with units, and epoch numbers in any unit, all
//! into Unix nanoseconds, exactly (never through f64 where the text has the digits).

use super::de::Scalar;
use crate::units::{decimal_parts, scaled};

/// Unix nanoseconds from an RFC 3339 / ISO 8601 date-time such as `2025-08-15T17:55:57.120309+00:00`:
/// `T`, `t` or a space between date and time, any number of fraction digits (nanoseconds kept, the
/// rest cut), and `Z`, `±HH:MM`, `±HHMM` or `±HH`; without an offset the time is taken as UTC.
/// `None` for anything else and for times before 1970.
pub(crate) fn parse_rfc3339_ns(s: &str) -> Option<u64> {
    let b = s.trim().as_bytes();
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let digits = b.get(range)?;
        if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        Some(
            digits
                .iter()
                .fold(0i64, |n, d| n * 10 + i64::from(d - b'0')),
        )
    };
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut i = 19;
    let mut nanos: i64 = 0;
    if b.get(i) == Some(&b'.') || b.get(i) == Some(&b',') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            if i - start < 9 {
                nanos = nanos * 10 + i64::from(b[i] - b'0');
            }
            i += 1;
        }
        if i == start {
            return None;
        }
        for _ in (i - start)..9 {
            nanos *= 10;
        }
    }
    let offset_secs = match b.get(i) {
        None => 0,
        Some(b'Z' | b'z') if i + 1 == b.len() => 0,
        Some(&sign @ (b'+' | b'-')) => {
            let rest = &b[i + 1..];
            let (h, m) = match rest.len() {
                2 => (num(i + 1..i + 3)?, 0),
                4 => (num(i + 1..i + 3)?, num(i + 3..i + 5)?),
                5 if rest[2] == b':' => (num(i + 1..i + 3)?, num(i + 4..i + 6)?),
                _ => return None,
            };
            if h > 23 || m > 59 {
                return None;
            }
            let secs = h * 3600 + m * 60;
            if sign == b'-' { -secs } else { secs }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset_secs;
    let ns = i128::from(secs) * 1_000_000_000 + i128::from(nanos);
    u64::try_from(ns).ok()
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The unit of an epoch timestamp written as a plain number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EpochUnit {
    Seconds,
    Millis,
    Micros,
    Nanos,
    /// Guessed from the size: seconds below 10¹¹ (until the year 5138), milliseconds below 10¹⁴,
    /// microseconds below 10¹⁷, nanoseconds above.
    Guess,
}

/// Unix nanoseconds from decimal text of an epoch time (`"1723744557.120309"`), exactly.
pub(crate) fn epoch_text_ns(text: &str, unit: EpochUnit) -> Option<u64> {
    let (int, frac) = decimal_parts(text.trim())?;
    let magnitude = int.trim_start_matches('0').len();
    let unit = match unit {
        EpochUnit::Guess if magnitude <= 11 => EpochUnit::Seconds,
        EpochUnit::Guess if magnitude <= 14 => EpochUnit::Millis,
        EpochUnit::Guess if magnitude <= 17 => EpochUnit::Micros,
        EpochUnit::Guess => EpochUnit::Nanos,
        u => u,
    };
    let per = match unit {
        EpochUnit::Seconds => 1_000_000_000,
        EpochUnit::Millis => 1_000_000,
        EpochUnit::Micros => 1_000,
        EpochUnit::Nanos | EpochUnit::Guess => 1,
    };
    u64::try_from(scaled(int, frac, per)?).ok()
}

/// Unix nanoseconds from a timestamp field: an RFC 3339 string, or an epoch number (or numeric
/// string) in `unit`.
pub(crate) fn time_ns(s: &Scalar<'_>, unit: EpochUnit) -> Option<u64> {
    match s {
        Scalar::Str(t) => parse_rfc3339_ns(t).or_else(|| epoch_text_ns(t, unit)),
        Scalar::U64(v) => epoch_text_ns(&v.to_string(), unit),
        Scalar::F64(v) if v.is_finite() && *v >= 0.0 => epoch_text_ns(&format!("{v}"), unit),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: u64 = 86_400 * 1_000_000_000;

    #[test]
    fn rfc3339_times() {
        assert_eq!(parse_rfc3339_ns("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339_ns("1970-01-02T00:00:00z"), Some(DAY));
        // Fractions of any length, and offsets in every spelling.
        assert_eq!(
            parse_rfc3339_ns("2025-08-15T17:55:57.120309+00:00"),
            Some(1_755_280_557_120_309_000)
        );
        assert_eq!(
            parse_rfc3339_ns("2017-01-26T16:46:31.639875139-05:00"),
            Some(1_485_467_191_639_875_139)
        );
        assert_eq!(
            parse_rfc3339_ns("2017-01-26T21:46:31.639875139Z"),
            parse_rfc3339_ns("2017-01-26T16:46:31.639875139-05:00")
        );
        assert_eq!(
            parse_rfc3339_ns("2017-01-26 23:46:31.6398751391234+0200"),
            Some(1_485_467_191_639_875_139)
        );
        assert_eq!(
            parse_rfc3339_ns("2017-01-26T23:46:31+02"),
            Some(1_485_467_191_000_000_000)
        );
        // No offset: UTC.
        assert_eq!(
            parse_rfc3339_ns("2024-02-29T12:00:00.5"),
            Some(1_709_208_000_500_000_000)
        );
        for bad in [
            "",
            "2024-02-30T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "2024-13-01T00:00:00Z",
            "2024-01-01T24:00:00Z",
            "2024-01-01T00:00:00.Z",
            "2024-01-01T00:00:00+5",
            "2024-01-01",
            "1969-12-31T23:59:59Z",
            "2024-01-01T00:00:00Zjunk",
            "１９７０-01-01T00:00:00Z",
        ] {
            assert_eq!(parse_rfc3339_ns(bad), None, "{bad}");
        }
    }

    #[test]
    fn rfc3339_agrees_with_day_counting() {
        // Every first of the month from 1970 to 2100 is the previous one plus its days.
        let mut expected = 0u64;
        for year in 1970..2100 {
            for month in 1..=12 {
                let text = format!("{year:04}-{month:02}-01T00:00:00Z");
                assert_eq!(parse_rfc3339_ns(&text), Some(expected), "{text}");
                expected += days_in_month(year, month) as u64 * DAY;
            }
        }
    }

    #[test]
    fn epoch_numbers() {
        let want = 1_723_744_557_120_309_000;
        assert_eq!(
            epoch_text_ns("1723744557.120309", EpochUnit::Guess),
            Some(want)
        );
        assert_eq!(
            epoch_text_ns("1723744557120.309", EpochUnit::Guess),
            Some(want)
        );
        assert_eq!(
            epoch_text_ns("1723744557120309", EpochUnit::Guess),
            Some(want)
        );
        assert_eq!(
            epoch_text_ns("1723744557120309000", EpochUnit::Guess),
            Some(want)
        );
        assert_eq!(
            epoch_text_ns("1723744557120309", EpochUnit::Micros),
            Some(want)
        );
        assert_eq!(epoch_text_ns("-5", EpochUnit::Guess), None);
        assert_eq!(
            time_ns(&Scalar::U64(1_723_744_557), EpochUnit::Guess),
            Some(1_723_744_557_000_000_000)
        );
        assert_eq!(
            time_ns(
                &Scalar::Str("2024-08-15T17:55:57.120309Z".into()),
                EpochUnit::Micros
            ),
            Some(want)
        );
        assert_eq!(
            time_ns(&Scalar::F64(1.5), EpochUnit::Seconds),
            Some(1_500_000_000)
        );
    }
}

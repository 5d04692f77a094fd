//! Units for people, and from people: durations, byte sizes and money are written the same way by
//! the rules (in finding messages), the CLI and the viewer, and durations are read the same way by
//! the importers (`"1.5s"`, `"1h2m3.5s"`) and the filter language (`>500ms`).
//!
//! Byte sizes are decimal (1 kB = 1000 B, 1 MB = 10⁶ B), as browsers and operating systems show
//! file sizes.

/// A duration: `820 ns`, `12.5 µs`, `3.4 ms`, `484 ms`, `21.48 s`, `2 min 05 s`.
pub fn duration(ns: u64) -> String {
    let f = ns as f64;
    match ns {
        0..1_000 => format!("{ns} ns"),
        1_000..1_000_000 => format!("{:.1} µs", f / 1e3),
        1_000_000..10_000_000 => format!("{:.1} ms", f / 1e6),
        10_000_000..1_000_000_000 => format!("{:.0} ms", f / 1e6),
        1_000_000_000..120_000_000_000 => format!("{:.2} s", f / 1e9),
        _ => {
            let s = ns / 1_000_000_000;
            format!("{} min {:02} s", s / 60, s % 60)
        }
    }
}

/// A byte size in the unit that fits: `812 B`, `12.3 kB`, `4.5 MB`, `1.23 GB`.
pub fn bytes(n: u64) -> String {
    let f = n as f64;
    match n {
        0..1_000 => format!("{n} B"),
        1_000..1_000_000 => format!("{:.1} kB", f / 1e3),
        1_000_000..1_000_000_000 => format!("{:.1} MB", f / 1e6),
        _ => format!("{:.2} GB", f / 1e9),
    }
}

/// A byte size in megabytes, for sizes set side by side (a file against the memory it needs):
/// `3221 MB`, `12.5 MB`; below 0.1 MB, in bytes.
pub fn megabytes(n: u64) -> String {
    let mb = n as f64 / 1e6;
    if mb >= 100.0 {
        format!("{mb:.0} MB")
    } else if mb >= 0.1 {
        format!("{mb:.1} MB")
    } else {
        format!("{n} bytes")
    }
}

/// A cost in US dollars: `$0`, `$0.000420`, `$1.2345`, `$12.34`.
pub fn usd(x: f64) -> String {
    if x == 0.0 {
        "$0".to_owned()
    } else if x < 0.01 {
        format!("${x:.6}")
    } else if x < 10.0 {
        format!("${x:.4}")
    } else {
        format!("${x:.2}")
    }
}

/// Nanoseconds from a duration with units: `"1.5s"`, `"5000ns"`, `"500ms"`, Go's `"1h2m3.5s"`;
/// units `ns`, `us`, `µs`, `μs`, `ms`, `s`, `m`, `min`, `h`. Exact (no floating point): digits
/// beyond a nanosecond are cut. `None` for anything else; a bare number has no unit (see
/// [`parse_duration_ns_or`]).
pub fn parse_duration_ns(s: &str) -> Option<u64> {
    let mut rest = s.trim();
    if rest.is_empty() {
        return None;
    }
    let mut total: u128 = 0;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let unit_len = rest[num_len..]
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len() - num_len);
        let (number, unit) = (&rest[..num_len], &rest[num_len..num_len + unit_len]);
        let unit_ns: u128 = match unit {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" | "min" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => return None,
        };
        let (int, frac) = decimal_parts(number)?;
        total = total.checked_add(scaled(int, frac, unit_ns)?)?;
        rest = &rest[num_len + unit_len..];
    }
    u64::try_from(total).ok()
}

/// As [`parse_duration_ns`], but a bare number (`"20"`, `"1.5"`) counts in `bare_unit_ns`.
pub fn parse_duration_ns_or(s: &str, bare_unit_ns: u64) -> Option<u64> {
    let t = s.trim();
    match decimal_parts(t) {
        Some((int, frac)) => u64::try_from(scaled(int, frac, u128::from(bare_unit_ns))?).ok(),
        None => parse_duration_ns(t),
    }
}

/// Splits decimal text into its integer digits and fraction digits (`"12.5"` → `("12", "5")`).
pub(crate) fn decimal_parts(s: &str) -> Option<(&str, &str)> {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let ok = |t: &str| t.bytes().all(|c| c.is_ascii_digit());
    (!(int.is_empty() && frac.is_empty()) && ok(int) && ok(frac)).then_some((int, frac))
}

/// `int.frac × unit`, exactly, in whole units of the result (fraction digits beyond what the unit
/// can hold are cut).
pub(crate) fn scaled(int: &str, frac: &str, unit: u128) -> Option<u128> {
    let whole: u128 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let mut total = whole.checked_mul(unit)?;
    let mut scale = unit;
    for d in frac.bytes() {
        if scale < 10 {
            break;
        }
        scale /= 10;
        total = total.checked_add(u128::from(d - b'0') * scale)?;
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_well() {
        assert_eq!(duration(812), "812 ns");
        assert_eq!(duration(12_340), "12.3 µs");
        assert_eq!(duration(3_400_000), "3.4 ms");
        assert_eq!(duration(412_000_000), "412 ms");
        assert_eq!(duration(1_234_000_000), "1.23 s");
        assert_eq!(duration(21_480_000_000), "21.48 s");
        assert_eq!(duration(123_000_000_000), "2 min 03 s");
    }

    #[test]
    fn sizes_are_decimal() {
        assert_eq!(bytes(812), "812 B");
        assert_eq!(bytes(12_300), "12.3 kB");
        assert_eq!(bytes(4_500_000), "4.5 MB");
        assert_eq!(bytes(1_230_000_000), "1.23 GB");
        assert_eq!(megabytes(3_221_225_472), "3221 MB");
        assert_eq!(megabytes(12_500_000), "12.5 MB");
        assert_eq!(megabytes(4_000), "4000 bytes");
    }

    #[test]
    fn money() {
        assert_eq!(usd(0.0), "$0");
        assert_eq!(usd(0.00042), "$0.000420");
        assert_eq!(usd(1.23456), "$1.2346");
        assert_eq!(usd(12.345), "$12.35");
    }

    #[test]
    fn durations_parse_exactly() {
        // The importers' forms are in `durations_as_importers_read_them`; these are the rest.
        assert_eq!(parse_duration_ns("2min"), Some(120_000_000_000));
        assert_eq!(parse_duration_ns("20"), None, "no unit");
        assert_eq!(parse_duration_ns("5 parsecs"), None);
        assert_eq!(parse_duration_ns_or("20", 1_000_000), Some(20_000_000));
        assert_eq!(parse_duration_ns_or("1.5", 1_000_000), Some(1_500_000));
        assert_eq!(parse_duration_ns_or("500ms", 1), Some(500_000_000));
        assert_eq!(parse_duration_ns_or("-1", 1), None);
    }

    #[test]
    fn durations_as_importers_read_them() {
        assert_eq!(parse_duration_ns("5000ns"), Some(5_000));
        assert_eq!(parse_duration_ns("1.5s"), Some(1_500_000_000));
        assert_eq!(parse_duration_ns("1.000340012s"), Some(1_000_340_012));
        assert_eq!(parse_duration_ns("0.000000001s"), Some(1));
        assert_eq!(parse_duration_ns("12µs"), Some(12_000));
        assert_eq!(parse_duration_ns("12us"), Some(12_000));
        assert_eq!(parse_duration_ns("2.5ms"), Some(2_500_000));
        assert_eq!(parse_duration_ns("1h2m3.5s"), Some(3_723_500_000_000));
        assert_eq!(parse_duration_ns(".5s"), Some(500_000_000));
        for bad in ["", "5000", "5 s", "-1s", "1.2.3s", "s", "1x", "1e3s"] {
            assert_eq!(parse_duration_ns(bad), None, "{bad}");
        }
    }

    /// What is written reads back to within the precision shown.
    #[test]
    fn written_durations_read_back() {
        for ns in [812u64, 12_340, 3_400_000, 412_000_000, 1_234_000_000] {
            let text = duration(ns).replace(' ', "");
            let back = parse_duration_ns(&text).expect(&text) as f64;
            assert!((back - ns as f64).abs() / (ns as f64) < 0.01, "{text}");
        }
    }
}

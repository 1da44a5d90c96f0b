//! How figures and dates read on the page, in GOV.UK style: "14 March 2025", "1,234".

use time::{Date, Month, OffsetDateTime};

/// "14 March 2025" (GOV.UK style: no leading zero, month in full, no ordinal).
pub fn long_date(d: Date) -> String {
    format!("{} {} {}", d.day(), month_name(d.month()), d.year())
}

/// "14 March 2025 at 9:05am" (GOV.UK style for times), in UTC.
pub fn long_date_time(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    let (h, m) = (t.hour(), t.minute());
    let (h12, suffix) = match h {
        0 => (12, "am"),
        1..=11 => (h, "am"),
        12 => (12, "pm"),
        _ => (h - 12, "pm"),
    };
    format!(
        "{} at {}:{:02}{} (UTC)",
        long_date(t.date()),
        h12,
        m,
        suffix
    )
}

/// RFC 3339 in UTC to the second: "2025-03-14T09:05:00Z" (exports and the API).
pub fn rfc3339(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// "22 Nov 2026 15:42" in UTC, kept on as few lines as possible (non-breaking spaces):
/// for wide tables such as the audit trail, where GOV.UK style allows abbreviated months.
pub fn short_date_time(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{}\u{a0}{}\u{a0}{} {:02}:{:02}",
        t.day(),
        &month_name(t.month())[..3],
        t.year(),
        t.hour(),
        t.minute()
    )
}

fn month_name(m: Month) -> &'static str {
    match m {
        Month::January => "January",
        Month::February => "February",
        Month::March => "March",
        Month::April => "April",
        Month::May => "May",
        Month::June => "June",
        Month::July => "July",
        Month::August => "August",
        Month::September => "September",
        Month::October => "October",
        Month::November => "November",
        Month::December => "December",
    }
}

/// A count with thousands separators: 1234567 → "1,234,567".
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// A count as published outside the Virtual School (DESIGN §8 "Suppression"): 1 to 5
/// children are shown as `c`; 0 is shown.
pub fn suppressed(n: u64) -> String {
    if (1..=5).contains(&n) {
        "c".to_owned()
    } else {
        count(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn dates_read_the_gov_uk_way() {
        assert_eq!(long_date(date!(2025 - 03 - 14)), "14 March 2025");
        assert_eq!(long_date(date!(2024 - 11 - 01)), "1 November 2024");
    }

    #[test]
    fn times_use_am_and_pm() {
        assert_eq!(
            long_date_time(datetime!(2025-03-14 09:05 UTC)),
            "14 March 2025 at 9:05am (UTC)"
        );
        assert_eq!(
            long_date_time(datetime!(2025-03-14 00:30 UTC)),
            "14 March 2025 at 12:30am (UTC)"
        );
        assert_eq!(
            long_date_time(datetime!(2025-03-14 12:00 UTC)),
            "14 March 2025 at 12:00pm (UTC)"
        );
        assert_eq!(
            long_date_time(datetime!(2025-03-14 23:59 UTC)),
            "14 March 2025 at 11:59pm (UTC)"
        );
    }

    #[test]
    fn short_times_for_tables() {
        assert_eq!(
            short_date_time(datetime!(2026-11-22 15:42 UTC)),
            "22\u{a0}Nov\u{a0}2026 15:42"
        );
    }

    #[test]
    fn counts_have_thousands_separators() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1,000");
        assert_eq!(count(1234567), "1,234,567");
    }

    #[test]
    fn small_counts_are_suppressed() {
        assert_eq!(suppressed(0), "0");
        assert_eq!(suppressed(1), "c");
        assert_eq!(suppressed(5), "c");
        assert_eq!(suppressed(6), "6");
    }
}

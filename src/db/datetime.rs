//! DATE and DATETIME texts: the one place that parses and renders them, for what a load writes (the result store's
//! coercion and the pre-load pass of `sinks::normalize_cell`) and for what a MySQL query returns (`db::mysql`).
//!
//! Forms read: `YYYY-MM-DD` and `YYYY-MM-DD HH:MM:SS[.f…]` (a `T` accepted for the space), fields at their fixed
//! widths. A loaded DATETIME is rounded to the second as MySQL rounds for a `DATETIME` (precision 0) column, so
//! every backend holds the same value; a loaded DATE drops the time, as MySQL does.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Timelike};

/// How a DATETIME's fraction of a second is rendered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateTimeStyle {
    /// `YYYY-MM-DD HH:MM:SS`, plus `.ffffff` only when the fraction is non-zero (result-store queries).
    FractionIfNonZero,
    /// `YYYY-MM-DD HH:MM:SS.ffffff` always (Hive text as Sqoop `--direct` writes it).
    AlwaysMicros,
}

/// A DATE or DATETIME as MySQL holds it, to the microsecond. The fields are as written, not checked against the
/// calendar: MySQL's zero date `0000-00-00 00:00:00` reads back as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateTime {
    pub year: u16,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
    pub micros: u32,
}

impl DateTime {
    /// `YYYY-MM-DD( |T)HH:MM:SS[.f…]`. Fraction digits after the sixth are dropped (MySQL keeps microseconds).
    pub fn parse(text: &str) -> Option<Self> {
        let (date, time) = (text.get(..10)?, text.get(10..)?);
        let time = time.strip_prefix([' ', 'T'])?;
        let mut dt = Self::parse_date(date)?;
        let (hms, frac) = match time.split_once('.') {
            Some((hms, frac)) => (hms, Some(frac)),
            None => (time, None),
        };
        let b = hms.as_bytes();
        if b.len() != 8 || b[2] != b':' || b[5] != b':' {
            return None;
        }
        dt.hour = u8::try_from(digits(&b[..2])?).ok()?;
        dt.minute = u8::try_from(digits(&b[3..5])?).ok()?;
        dt.second = u8::try_from(digits(&b[6..])?).ok()?;
        if let Some(frac) = frac {
            if frac.is_empty() || !frac.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            let six: Vec<u8> = frac.bytes().chain(std::iter::repeat(b'0')).take(6).collect();
            dt.micros = digits(&six)?;
        }
        Some(dt)
    }

    /// `YYYY-MM-DD` (midnight) or a DATETIME as [`DateTime::parse`] reads it.
    pub fn parse_date_or_datetime(text: &str) -> Option<Self> {
        if text.len() == 10 {
            Self::parse_date(text)
        } else {
            Self::parse(text)
        }
    }

    fn parse_date(text: &str) -> Option<Self> {
        let b = text.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        Some(Self {
            year: u16::try_from(digits(&b[..4])?).ok()?,
            month: u8::try_from(digits(&b[5..7])?).ok()?,
            day: u8::try_from(digits(&b[8..])?).ok()?,
            hour: 0,
            minute: 0,
            second: 0,
            micros: 0,
        })
    }

    /// `YYYY-MM-DD`.
    pub fn render_date(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// `YYYY-MM-DD HH:MM:SS[.ffffff]`, the fraction as `style` says.
    pub fn render(&self, style: DateTimeStyle) -> String {
        let base = format!("{} {:02}:{:02}:{:02}", self.render_date(), self.hour, self.minute, self.second);
        if style == DateTimeStyle::AlwaysMicros || self.micros != 0 {
            format!("{base}.{:06}", self.micros)
        } else {
            base
        }
    }

    fn to_chrono(self) -> Option<NaiveDateTime> {
        NaiveDate::from_ymd_opt(i32::from(self.year), u32::from(self.month), u32::from(self.day))?.and_hms_micro_opt(
            u32::from(self.hour),
            u32::from(self.minute),
            u32::from(self.second),
            self.micros,
        )
    }

    /// The value a MySQL `DATETIME` (precision 0) column stores: half a second or more rounds up, carrying into
    /// the minute, day, year. None when the fields are not a date and time of the calendar.
    pub fn rounded_to_second(&self) -> Option<Self> {
        let dt = self.to_chrono()?.with_nanosecond(0)?;
        let dt = if self.micros >= 500_000 { dt + Duration::seconds(1) } else { dt };
        let year = u16::try_from(dt.year()).ok().filter(|y| *y <= 9999)?;
        Some(Self {
            year,
            month: u8::try_from(dt.month()).ok()?,
            day: u8::try_from(dt.day()).ok()?,
            hour: u8::try_from(dt.hour()).ok()?,
            minute: u8::try_from(dt.minute()).ok()?,
            second: u8::try_from(dt.second()).ok()?,
            micros: 0,
        })
    }
}

/// The text a DATE column holds for `text` (`YYYY-MM-DD`, optionally with a time, which is checked and dropped).
pub fn date_value(text: &str) -> Option<String> {
    let dt = DateTime::parse_date_or_datetime(text)?;
    dt.to_chrono().map(|_| dt.render_date())
}

/// The text a DATETIME(0) column holds for `text` (a date alone is midnight): `YYYY-MM-DD HH:MM:SS`, rounded.
pub fn datetime_value(text: &str) -> Option<String> {
    let dt = DateTime::parse_date_or_datetime(text)?.rounded_to_second()?;
    Some(dt.render(DateTimeStyle::FractionIfNonZero))
}

/// A run of 1 to 9 ASCII digits (no sign) as a number.
fn digits(s: &[u8]) -> Option<u32> {
    if s.is_empty() || s.len() > 9 {
        return None;
    }
    s.iter().try_fold(0u32, |n, &c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_renders() {
        let dt = DateTime::parse("2017-02-01 00:00:00.000000").unwrap();
        assert_eq!(dt.render(DateTimeStyle::FractionIfNonZero), "2017-02-01 00:00:00");
        assert_eq!(dt.render(DateTimeStyle::AlwaysMicros), "2017-02-01 00:00:00.000000");
        let dt = DateTime::parse("2014-01-02T03:04:05.5").unwrap();
        assert_eq!(dt.render(DateTimeStyle::FractionIfNonZero), "2014-01-02 03:04:05.500000");
        assert_eq!(DateTime::parse("2014-01-02 03:04:05.1234569").unwrap().micros, 123_456);
        // MySQL's zero date reads back as written.
        let zero = DateTime::parse("0000-00-00 00:00:00").unwrap();
        assert_eq!(zero.render(DateTimeStyle::AlwaysMicros), "0000-00-00 00:00:00.000000");
        assert_eq!(zero.rounded_to_second(), None);
        for bad in ["2014-01-02", "2014-01-02 03:04", "2014-01-02 03:04:05.", "2014-1-02 03:04:05", "x", ""] {
            assert_eq!(DateTime::parse(bad), None, "{bad}");
        }
        assert_eq!(DateTime::parse_date_or_datetime("2014-01-02").unwrap().render_date(), "2014-01-02");
    }

    #[test]
    fn loads_like_mysql() {
        assert_eq!(datetime_value("2014-08-01T17:09:59.941616").as_deref(), Some("2014-08-01 17:10:00"));
        assert_eq!(datetime_value("2014-08-01 17:09:59.499999").as_deref(), Some("2014-08-01 17:09:59"));
        assert_eq!(datetime_value("2014-12-31 23:59:59.5").as_deref(), Some("2015-01-01 00:00:00"));
        assert_eq!(datetime_value("2014-08-01").as_deref(), Some("2014-08-01 00:00:00"));
        assert_eq!(datetime_value("9999-12-31 23:59:59.5"), None);
        assert_eq!(datetime_value("2014-02-30 00:00:00"), None);
        assert_eq!(datetime_value("2014-08-01 24:00:00"), None);
        assert_eq!(date_value("2014-08-01 23:59:59.9").as_deref(), Some("2014-08-01"));
        assert_eq!(date_value("2014-08-01").as_deref(), Some("2014-08-01"));
        assert_eq!(date_value("2014-02-30"), None);
        assert_eq!(date_value("2014-08-01 25:00:00"), None);
        assert_eq!(date_value("2014-08-01junk"), None);
    }
}

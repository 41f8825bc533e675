//! Small re-creations of the Python 2 value conversions the original code relies on
//! (`int(str)`, `util/record.py` DateTimeField / StringField rendering, luigi date intervals).

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime};

/// Python 2 `int(s)` for a byte string: surrounding whitespace allowed, optional sign, ASCII digits.
/// `None` when Python would raise (or the value does not fit a 64-bit Python `int`).
pub fn py_int(s: &str) -> Option<i64> {
    let t = s.trim_matches(|c: char| c.is_ascii_whitespace() || c == '\x0b');
    let (neg, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let magnitude: i128 = digits.parse().ok()?;
    let v = if neg { -magnitude } else { magnitude };
    i64::try_from(v).ok()
}

/// Python `datetime.date(y, m, d)` (year 1..=9999).
pub fn py_date(y: i64, m: i64, d: i64) -> Option<NaiveDate> {
    if !(1..=9999).contains(&y) {
        return None;
    }
    NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, u32::try_from(m).ok()?, u32::try_from(d).ok()?)
}

/// The original's `parse_date_string`: `datetime.date(*[int(p) for p in s.split('-')[:3]])`.
pub fn parse_dash_date(s: &str) -> Result<NaiveDate, String> {
    let parts: Vec<&str> = s.split('-').take(3).collect();
    if parts.len() < 3 {
        return Err(format!("cannot parse date {s:?}: fewer than 3 '-'-separated parts"));
    }
    let mut nums = [0i64; 3];
    for (slot, p) in nums.iter_mut().zip(&parts) {
        *slot = py_int(p).ok_or_else(|| format!("cannot parse date {s:?}: {p:?} is not an integer"))?;
    }
    py_date(nums[0], nums[1], nums[2]).ok_or_else(|| format!("cannot parse date {s:?}: not a valid date"))
}

/// `DateTimeField().deserialize_from_string(s)`: every run of ASCII digits is an argument of
/// `datetime(year, month, day[, hour[, minute[, second[, microsecond]]]])`, anything else separates.
/// So `2016-01-01T00:00:00Z` works, `...T00:00:00.123Z` gives microsecond 123, explicit offsets fail
/// (too many arguments). The record then rejects years before 1900.
pub fn datetime_field_from_string(s: &str) -> Result<NaiveDateTime, String> {
    let parts: Vec<&str> = s.split(|c: char| !c.is_ascii_digit()).filter(|p| !p.is_empty()).collect();
    if parts.len() < 3 || parts.len() > 7 {
        return Err(format!("cannot parse datetime {s:?}: {} numeric parts (3 to 7 expected)", parts.len()));
    }
    let mut nums = [0i64; 7];
    for (slot, p) in nums.iter_mut().zip(&parts) {
        *slot = p.parse::<i64>().map_err(|_| format!("cannot parse datetime {s:?}: number {p:?} out of range"))?;
    }
    let date =
        py_date(nums[0], nums[1], nums[2]).ok_or_else(|| format!("cannot parse datetime {s:?}: not a valid date"))?;
    let [h, mi, sec, micro] = [nums[3], nums[4], nums[5], nums[6]];
    let time =
        if (0..24).contains(&h) && (0..60).contains(&mi) && (0..60).contains(&sec) && (0..1_000_000).contains(&micro) {
            NaiveTime::from_hms_micro_opt(h as u32, mi as u32, sec as u32, micro as u32)
        } else {
            None
        }
        .ok_or_else(|| format!("cannot parse datetime {s:?}: time out of range"))?;
    if date.year() < 1900 {
        return Err(format!("datetime {s:?} is before 1900"));
    }
    Ok(NaiveDateTime::new(date, time))
}

/// DateTimeField text form `%Y-%m-%d %H:%M:%S.%f` (always six fraction digits).
pub fn format_datetime_field(dt: &NaiveDateTime) -> String {
    dt.format("%Y-%m-%d %H:%M:%S%.6f").to_string()
}

/// Parse with [`datetime_field_from_string`] and render with [`format_datetime_field`].
pub fn datetime_field(s: &str) -> Result<String, String> {
    datetime_field_from_string(s).map(|dt| format_datetime_field(&dt))
}

/// `re.sub(r'\s+', ' ', s)` with Python 2 (non-UNICODE) `\s` = `[ \t\n\r\f\v]`.
pub fn normalize_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_ws = false;
    for c in s.chars() {
        if matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c') {
            if !in_ws {
                out.push(' ');
            }
            in_ws = true;
        } else {
            out.push(c);
            in_ws = false;
        }
    }
    out
}

/// Keeps at most `max` characters (code points).
pub fn truncate_chars(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((idx, _)) => s[..idx].to_string(),
        None => s.to_string(),
    }
}

/// Strict `YYYY-MM-DD` (year 0001..9999, as Python's `date`).
pub fn parse_iso_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    if !b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit()) {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().filter(|d| d.year() >= 1)
}

/// A luigi `DateIntervalParameter` value, half-open `[start, end)`: `YYYY-MM-DD` (day), `YYYY-Www` (ISO week),
/// `YYYY-MM` (month), `YYYY` (year) or `YYYY-MM-DD-YYYY-MM-DD` (custom).
pub fn parse_date_interval(s: &str) -> Result<(NaiveDate, NaiveDate), String> {
    let bad = || {
        format!("invalid date interval {s:?} (expected YYYY, YYYY-MM, YYYY-Www, YYYY-MM-DD or YYYY-MM-DD-YYYY-MM-DD)")
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let num = |t: &str| t.parse::<i32>().map_err(|_| bad());
    if !s.is_ascii() {
        return Err(bad());
    }
    match s.len() {
        21 if s.as_bytes()[10] == b'-' => {
            let a = parse_iso_date(&s[..10]).ok_or_else(bad)?;
            let b = parse_iso_date(&s[11..]).ok_or_else(bad)?;
            Ok((a, b))
        }
        10 => {
            let d = parse_iso_date(s).ok_or_else(bad)?;
            Ok((d, d + Duration::days(1)))
        }
        8 if &s[4..6] == "-W" && digits(&s[..4]) && digits(&s[6..]) => {
            let start = NaiveDate::from_isoywd_opt(num(&s[..4])?, num(&s[6..])? as u32, chrono::Weekday::Mon)
                .ok_or_else(bad)?;
            Ok((start, start + Duration::days(7)))
        }
        7 if s.as_bytes()[4] == b'-' && digits(&s[..4]) && digits(&s[5..]) => {
            let (y, m) = (num(&s[..4])?, num(&s[5..])? as u32);
            let start = NaiveDate::from_ymd_opt(y, m, 1).ok_or_else(bad)?;
            let end = if m == 12 { NaiveDate::from_ymd_opt(y + 1, 1, 1) } else { NaiveDate::from_ymd_opt(y, m + 1, 1) }
                .ok_or_else(bad)?;
            Ok((start, end))
        }
        4 if digits(s) => {
            let y = num(s)?;
            let start = NaiveDate::from_ymd_opt(y, 1, 1).ok_or_else(bad)?;
            let end = NaiveDate::from_ymd_opt(y + 1, 1, 1).ok_or_else(bad)?;
            Ok((start, end))
        }
        _ => Err(bad()),
    }
}

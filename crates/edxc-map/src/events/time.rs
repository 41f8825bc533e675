//! Time handling of tracking events (docs/contract.md §1.3). Everything is string based, as in the
//! original: no time-zone conversion.

/// `get_event_time_string`: cut everything from the first `+`; append `.000000` when the rest has
/// no `.`. (`Z` and negative offsets are kept.)
pub fn event_time_string(time: &str) -> std::borrow::Cow<'_, str> {
    let cut = match super::bytes::find(time.as_bytes(), b'+') {
        Some(i) => &time[..i],
        None => time,
    };
    if super::bytes::find(cut.as_bytes(), b'.').is_some() {
        std::borrow::Cow::Borrowed(cut)
    } else {
        let mut s = String::with_capacity(cut.len() + 7);
        s.push_str(cut);
        s.push_str(".000000");
        std::borrow::Cow::Owned(s)
    }
}

/// The event date used for interval filtering and partitioning: the text before the first `T`.
pub fn date_string(time: &str) -> &str {
    match super::bytes::find(time.as_bytes(), b'T') {
        Some(i) => &time[..i],
        None => time,
    }
}

/// A naive date-time as produced by `strptime(..., '%Y-%m-%dT%H:%M:%S.%f')`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct NaiveDateTime {
    pub year: u32,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    pub micro: u32,
}

fn days_in_month(y: u32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 => {
            if (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400) {
                29
            } else {
                28
            }
        }
        _ => 0,
    }
}

#[derive(Clone, Copy)]
enum Tok {
    Lit(u8),
    Y,
    Mo,
    D,
    H,
    Mi,
    S,
    F,
}

const FORMAT: [Tok; 13] = [
    Tok::Y,
    Tok::Lit(b'-'),
    Tok::Mo,
    Tok::Lit(b'-'),
    Tok::D,
    Tok::Lit(b'T'),
    Tok::H,
    Tok::Lit(b':'),
    Tok::Mi,
    Tok::Lit(b':'),
    Tok::S,
    Tok::Lit(b'.'),
    Tok::F,
];

fn dig(b: &[u8], i: usize) -> Option<u32> {
    b.get(i).filter(|c| c.is_ascii_digit()).map(|c| u32::from(c - b'0'))
}

/// The alternatives (in regex order) of one directive at `pos`: (length, value).
fn alternatives(tok: Tok, b: &[u8], pos: usize) -> Vec<(usize, u32)> {
    let d0 = dig(b, pos);
    let d1 = dig(b, pos + 1);
    let two = match (d0, d1) {
        (Some(a), Some(c)) => Some(a * 10 + c),
        _ => None,
    };
    let mut out = Vec::with_capacity(2);
    match tok {
        Tok::Y => {
            let mut v = 0;
            for k in 0..4 {
                match dig(b, pos + k) {
                    Some(x) => v = v * 10 + x,
                    None => return out,
                }
            }
            out.push((4, v));
        }
        Tok::Mo => {
            // 1[0-2]|0[1-9]|[1-9]
            if let Some(t) = two {
                if (10..=12).contains(&t) || (1..=9).contains(&t) && d0 == Some(0) {
                    out.push((2, t));
                }
            }
            if let Some(a) = d0.filter(|a| *a >= 1) {
                out.push((1, a));
            }
        }
        Tok::D => {
            // 3[0-1]|[1-2]\d|0[1-9]|[1-9]| [1-9]
            if let Some(t) = two {
                if (30..=31).contains(&t) || (10..=29).contains(&t) || (d0 == Some(0) && t >= 1) {
                    out.push((2, t));
                }
            }
            if let Some(a) = d0.filter(|a| *a >= 1) {
                out.push((1, a));
            }
            if b.get(pos) == Some(&b' ') {
                if let Some(a) = d1.filter(|a| *a >= 1) {
                    out.push((2, a));
                }
            }
        }
        Tok::H => {
            // 2[0-3]|[0-1]\d|\d
            if let Some(t) = two {
                if (20..=23).contains(&t) || t <= 19 {
                    out.push((2, t));
                }
            }
            if let Some(a) = d0 {
                out.push((1, a));
            }
        }
        Tok::Mi => {
            if let Some(t) = two.filter(|t| *t <= 59) {
                out.push((2, t));
            }
            if let Some(a) = d0 {
                out.push((1, a));
            }
        }
        Tok::S => {
            // 6[0-1]|[0-5]\d|\d
            if let Some(t) = two.filter(|t| *t <= 61) {
                out.push((2, t));
            }
            if let Some(a) = d0 {
                out.push((1, a));
            }
        }
        Tok::F => {
            let n = b[pos.min(b.len())..].iter().take(6).take_while(|c| c.is_ascii_digit()).count();
            for len in (1..=n).rev() {
                let mut v = 0;
                for k in 0..6 {
                    v = v * 10 + if k < len { dig(b, pos + k).unwrap_or(0) } else { 0 };
                }
                out.push((len, v));
            }
        }
        Tok::Lit(_) => {}
    }
    out
}

fn match_from(fmt: &[Tok], b: &[u8], pos: usize, ti: usize, vals: &mut [u32; 7]) -> bool {
    if ti == fmt.len() {
        return pos == b.len();
    }
    match fmt[ti] {
        Tok::Lit(c) => {
            // the format regex is compiled with IGNORECASE
            b.get(pos).is_some_and(|x| x.eq_ignore_ascii_case(&c)) && match_from(fmt, b, pos + 1, ti + 1, vals)
        }
        tok => {
            let slot = match tok {
                Tok::Y => 0,
                Tok::Mo => 1,
                Tok::D => 2,
                Tok::H => 3,
                Tok::Mi => 4,
                Tok::S => 5,
                _ => 6,
            };
            for (len, v) in alternatives(tok, b, pos) {
                vals[slot] = v;
                if match_from(fmt, b, pos + len, ti + 1, vals) {
                    return true;
                }
            }
            false
        }
    }
}

/// The zero-padded layout `YYYY-MM-DD` / `YYYY-MM-DDTHH:MM:SS.ffffff` of well-formed logs, read directly. Its fields
/// can only be matched one way (a literal follows each), and the general matcher tries the two-digit reading first, so
/// when every field is in the matcher's range this is exactly its answer; otherwise `None` and the matcher decides.
fn canonical(b: &[u8], with_time: bool) -> Option<[u32; 7]> {
    let num = |at: usize, n: usize| -> Option<u32> {
        b.get(at..at + n)?.iter().try_fold(0u32, |v, &c| c.is_ascii_digit().then(|| v * 10 + u32::from(c - b'0')))
    };
    let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    let date_ok =
        b.get(4) == Some(&b'-') && b.get(7) == Some(&b'-') && (1..=12).contains(&month) && (1..=31).contains(&day);
    if !date_ok || b.len() != if with_time { 26 } else { 10 } {
        return None;
    }
    if !with_time {
        return Some([year, month, day, 0, 0, 0, 0]);
    }
    let (hour, minute, second, micro) = (num(11, 2)?, num(14, 2)?, num(17, 2)?, num(20, 6)?);
    let seps = b[10].eq_ignore_ascii_case(&b'T') && b[13] == b':' && b[16] == b':' && b[19] == b'.';
    (seps && hour <= 23 && minute <= 59 && second <= 61).then_some([year, month, day, hour, minute, second, micro])
}

/// `datetime.strptime(s, '%Y-%m-%dT%H:%M:%S.%f')` (Python 2.7 semantics).
pub fn strptime_event(s: &str) -> Option<NaiveDateTime> {
    let b = s.as_bytes();
    let mut vals = [0u32; 7];
    if let Some(v) = canonical(b, true) {
        vals = v;
    } else if !match_from(&FORMAT, b, 0, 0, &mut vals) {
        return None;
    }
    let [year, month, day, hour, minute, second, micro] = vals;
    if year < 1 || day > days_in_month(year, month) || second > 59 {
        return None;
    }
    Some(NaiveDateTime { year, month, day, hour, minute, second, micro })
}

/// `datetime.strptime(s, '%Y-%m-%d').date().isoformat()` (Python 2.7 semantics), e.g. for
/// `DateField.deserialize_from_string`. A date already in the zero-padded layout is its own isoformat, so it is
/// borrowed (this runs once per module-engagement record).
pub fn parse_ymd(s: &str) -> Option<std::borrow::Cow<'_, str>> {
    const YMD: [Tok; 5] = [Tok::Y, Tok::Lit(b'-'), Tok::Mo, Tok::Lit(b'-'), Tok::D];
    let mut vals = [0u32; 7];
    let canonical = canonical(s.as_bytes(), false);
    if let Some(v) = canonical {
        vals = v;
    } else if !match_from(&YMD, s.as_bytes(), 0, 0, &mut vals) {
        return None;
    }
    let [year, month, day, ..] = vals;
    if year < 1 || day > days_in_month(year, month) {
        return None;
    }
    if canonical.is_some() {
        return Some(std::borrow::Cow::Borrowed(s));
    }
    let mut out = String::with_capacity(10);
    push_date(&mut out, year, month, day);
    Some(std::borrow::Cow::Owned(out))
}

/// Appends `v` zero-padded to `width` digits (more when it has more), as `{v:0width$}` would, without the
/// formatting machinery (a timestamp is rendered per problem event).
fn push_padded(out: &mut String, v: u32, width: usize) {
    let mut buf = itoa::Buffer::new();
    let digits = buf.format(v);
    for _ in digits.len()..width {
        out.push('0');
    }
    out.push_str(digits);
}

/// `YYYY-MM-DD`.
fn push_date(out: &mut String, year: u32, month: u32, day: u32) {
    push_padded(out, year, 4);
    out.push('-');
    push_padded(out, month, 2);
    out.push('-');
    push_padded(out, day, 2);
}

/// `get_event_time(event)` from the raw `time` string.
pub fn event_time(time: &str) -> Option<NaiveDateTime> {
    strptime_event(&event_time_string(time))
}

impl NaiveDateTime {
    /// Python `datetime.isoformat()`: microseconds omitted when 0.
    pub fn isoformat(&self) -> String {
        let mut s = String::with_capacity(26);
        push_date(&mut s, self.year, self.month, self.day);
        for (sep, v) in [('T', self.hour), (':', self.minute), (':', self.second)] {
            s.push(sep);
            push_padded(&mut s, v, 2);
        }
        if self.micro != 0 {
            s.push('.');
            push_padded(&mut s, self.micro, 6);
        }
        s
    }

    /// `YYYY-MM-DD`.
    pub fn date(&self) -> String {
        let mut s = String::with_capacity(10);
        push_date(&mut s, self.year, self.month, self.day);
        s
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn canonical_reading_is_the_matchers_reading() {
        let fields =
            ["00", "01", "09", "10", "12", "13", "19", "23", "24", "29", "31", "32", "59", "60", "61", "62", "99"];
        let mut checked = 0;
        for (mo, d, h, mi, sec) in fields.iter().flat_map(|a| fields.iter().map(move |b| (a, b, a, b, a))) {
            for t in ['T', 't', ' '] {
                let s = format!("2016-{mo}-{d}{t}{h}:{mi}:{sec}.123456");
                let mut vals = [0u32; 7];
                let general = match_from(&FORMAT, s.as_bytes(), 0, 0, &mut vals).then_some(vals);
                if let Some(v) = canonical(s.as_bytes(), true) {
                    assert_eq!(Some(v), general, "{s}");
                    checked += 1;
                }
            }
            let s = format!("2016-{mo}-{d}");
            let ymd = [Tok::Y, Tok::Lit(b'-'), Tok::Mo, Tok::Lit(b'-'), Tok::D];
            let mut vals = [0u32; 7];
            let general = match_from(&ymd, s.as_bytes(), 0, 0, &mut vals).then_some(vals);
            if let Some(v) = canonical(s.as_bytes(), false) {
                assert_eq!(Some(v), general, "{s}");
            }
        }
        assert!(checked >= 80, "{checked}");
        // Not the canonical layout: left to the matcher.
        for s in ["2014-8-1T7:9:5.5", "2014-08-01T17:09:59.5", "2014-08-01 17:09:59.941616", "2014-08-01T17:09:59"] {
            assert!(canonical(s.as_bytes(), true).is_none(), "{s}");
        }
    }

    use super::*;

    #[test]
    fn rendering_is_python_isoformat() {
        for (y, mo, d, h, mi, sec, micro) in
            [(2014, 8, 1, 17, 9, 59, 941616), (5, 12, 31, 0, 0, 0, 0), (999, 1, 2, 3, 4, 5, 6)]
        {
            let t = NaiveDateTime { year: y, month: mo, day: d, hour: h, minute: mi, second: sec, micro };
            let mut want = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{sec:02}");
            if micro != 0 {
                want.push_str(&format!(".{micro:06}"));
            }
            assert_eq!(t.isoformat(), want);
            assert_eq!(t.date(), format!("{y:04}-{mo:02}-{d:02}"));
        }
        assert!(matches!(parse_ymd("2014-08-01"), Some(std::borrow::Cow::Borrowed("2014-08-01"))));
        assert_eq!(parse_ymd("0005-1-2").as_deref(), Some("0005-01-02"));
    }

    #[test]
    fn time_string_rule() {
        assert_eq!(event_time_string("2014-08-01T17:09:59.941616+00:00"), "2014-08-01T17:09:59.941616");
        assert_eq!(event_time_string("2014-08-01T17:09:59+00:00"), "2014-08-01T17:09:59.000000");
        assert_eq!(event_time_string("2014-08-01T17:09:59Z"), "2014-08-01T17:09:59Z.000000");
        assert_eq!(event_time_string("2014-08-01T17:09:59.5-05:00"), "2014-08-01T17:09:59.5-05:00");
    }

    #[test]
    fn strptime_rule() {
        let t = event_time("2014-08-01T17:09:59.941616+00:00").unwrap();
        assert_eq!(t.isoformat(), "2014-08-01T17:09:59.941616");
        let t = event_time("2014-08-01T17:09:59+00:00").unwrap();
        assert_eq!(t.isoformat(), "2014-08-01T17:09:59");
        let t = event_time("2014-8-1T7:9:5.5").unwrap();
        assert_eq!(t.isoformat(), "2014-08-01T07:09:05.500000");
        assert!(event_time("2014-08-01T17:09:59Z").is_none());
        assert!(event_time("2014-08-01T17:09:59.5-05:00").is_none());
        assert!(event_time("2014-02-30T17:09:59").is_none());
        assert!(event_time("2014-08-01 17:09:59").is_none());
        assert!(event_time("2014-08-01T17:09:60").is_none());
    }

    #[test]
    fn ymd() {
        assert_eq!(parse_ymd("2014-08-01").as_deref(), Some("2014-08-01"));
        assert_eq!(parse_ymd("2014-8-1").as_deref(), Some("2014-08-01"));
        assert_eq!(parse_ymd("2014-02-30"), None);
        assert_eq!(parse_ymd("2014-08-01 12:00"), None);
    }

    #[test]
    fn date_rule() {
        assert_eq!(date_string("2014-08-01T17:09:59"), "2014-08-01");
        assert_eq!(date_string("2014-08-01 17:09"), "2014-08-01 17:09");
    }
}

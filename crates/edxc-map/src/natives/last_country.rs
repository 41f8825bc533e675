//! `last_country_of_user`: the reducer of `LastCountryOfUser` (docs/contract.md §3.6 step B), and the country
//! table it looks addresses up in.
//!
//! Per `user_id`, the row with the greatest `timestamp` (over every course and day read) gives the learner's last
//! IP address, which is looked up in the country table: output `(country_name, country_code, user_id)`. An address
//! the table does not cover, one that does not parse, or a blank name or code gives `UNKNOWN` (for that field), as
//! the original's `get_country_name` / `get_country_code` do.
//!
//! * Ties: the original keeps, among rows with the same greatest timestamp, whichever its reducer saw first, an
//!   order Hadoop leaves undefined (§0.3). Rows are sorted by `(timestamp, ip_address)` and the last one wins, so
//!   every engine picks the same address: the greatest.
//! * `null_value`: a row with a NULL timestamp, address or user id is skipped and counted (the original's day files
//!   cannot hold one).
//!
//! The country table is a text file of ranges, one per line, Hive text: `first_ip \t last_ip \t country_code \t
//! country_name` (IPv4 or IPv6 addresses in their usual text form; both ends included; ranges do not overlap).
//! edxc writes it from the profile's GeoIP database (`geoip_database`, a MaxMind `.mmdb` file), so this crate needs
//! no database reader: the embedded engine hands the table over in memory, a cluster bundle ships it as a file that
//! `edxc-map --reducer last_country_of_user --arg geoip=FILE` reads.

use super::{NumberedRow, Row, Skips, NULL_VALUE};
use anyhow::{anyhow, bail, Context, Result};
use std::net::IpAddr;

/// What the original writes when the lookup gives nothing (`UNKNOWN_COUNTRY`, `UNKNOWN_CODE`).
pub const UNKNOWN: &str = "UNKNOWN";

/// A country of the table: (code, name), either possibly empty.
type Country = (String, String);

/// Address ranges and their countries, sorted by first address, for binary search.
#[derive(Debug, Default, Clone)]
pub struct CountryRanges {
    v4: Vec<(u32, u32, usize)>,
    v6: Vec<(u128, u128, usize)>,
    countries: Vec<Country>,
}

impl CountryRanges {
    /// Reads the table's text (see the module documentation). An empty text is an empty table.
    pub fn parse(text: &str) -> Result<Self> {
        let mut t = Self::default();
        let mut index = std::collections::HashMap::<Country, usize>::new();
        for (n, line) in text.lines().enumerate() {
            if line.is_empty() {
                continue;
            }
            let f = crate::hive_text::split_line(line);
            let [Some(first), Some(last), code, name] = f.as_slice() else {
                bail!("country table line {}: expected first_ip, last_ip, code, name", n + 1);
            };
            let country = (code.clone().unwrap_or_default(), name.clone().unwrap_or_default());
            let next = t.countries.len();
            let id = *index.entry(country.clone()).or_insert(next);
            if id == next {
                t.countries.push(country);
            }
            let parse = |s: &str| s.parse::<IpAddr>().map_err(|_| anyhow!("country table line {}: {s:?}", n + 1));
            match (parse(first)?, parse(last)?) {
                (IpAddr::V4(a), IpAddr::V4(b)) if a <= b => t.v4.push((a.into(), b.into(), id)),
                (IpAddr::V6(a), IpAddr::V6(b)) if a <= b => t.v6.push((a.into(), b.into(), id)),
                _ => bail!("country table line {}: {first} .. {last} is not a range", n + 1),
            }
        }
        t.v4.sort_unstable();
        t.v6.sort_unstable();
        let overlaps4 = t.v4.windows(2).any(|w| w[1].0 <= w[0].1);
        let overlaps6 = t.v6.windows(2).any(|w| w[1].0 <= w[0].1);
        if overlaps4 || overlaps6 {
            bail!("country table: ranges overlap");
        }
        Ok(t)
    }

    /// Reads the table from a file.
    pub fn read(path: &str) -> Result<Self> {
        let text = std::fs::read_to_string(path).with_context(|| format!("cannot read country table {path}"))?;
        Self::parse(&text).with_context(|| format!("country table {path}"))
    }

    /// Number of ranges.
    pub fn len(&self) -> usize {
        self.v4.len() + self.v6.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The (code, name) of the range holding `ip`; `None` when no range does or `ip` is not an address. An
    /// IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) is looked up as its IPv4 address, as a MaxMind reader does.
    pub fn lookup(&self, ip: &str) -> Option<(&str, &str)> {
        fn find<T: Ord + Copy>(ranges: &[(T, T, usize)], x: T) -> Option<usize> {
            let i = ranges.partition_point(|r| r.0 <= x).checked_sub(1)?;
            let r = ranges.get(i)?;
            (x <= r.1).then_some(r.2)
        }
        let id = match ip.parse::<IpAddr>().ok()? {
            IpAddr::V4(a) => find(&self.v4, u32::from(a)),
            IpAddr::V6(a) => match a.to_ipv4_mapped() {
                Some(v4) => find(&self.v4, u32::from(v4)),
                None => find(&self.v6, u128::from(a)),
            },
        }?;
        self.countries.get(id).map(|(code, name)| (code.as_str(), name.as_str()))
    }

    /// `(country_name, country_code)` as the original writes them: `UNKNOWN` for a missing or blank value.
    pub fn name_and_code(&self, ip: &str) -> (String, String) {
        let known = |v: Option<&str>| match v {
            Some(v) if !v.trim().is_empty() => v.to_string(),
            _ => UNKNOWN.to_string(),
        };
        let found = self.lookup(ip);
        (known(found.map(|c| c.1)), known(found.map(|c| c.0)))
    }
}

pub struct LastCountry {
    pub countries: std::sync::Arc<CountryRanges>,
}

impl LastCountry {
    /// `rows`: one group (same user_id), sorted by (timestamp, ip_address); input columns
    /// `(timestamp, ip_address, user_id)`.
    pub fn reduce(&self, rows: &[NumberedRow], out: &mut Vec<Row>, skips: &mut Skips) {
        let mut last: Option<(&str, &str)> = None;
        for r in rows {
            let cell = |i: usize| r.row.get(i).and_then(|c| c.as_deref());
            let (Some(_), Some(ip), Some(user_id)) = (cell(0), cell(1), cell(2)) else {
                skips.add(NULL_VALUE, 1);
                continue;
            };
            last = Some((ip, user_id));
        }
        let Some((ip, user_id)) = last else { return };
        let (name, code) = self.countries.name_and_code(ip);
        out.push(vec![Some(name), Some(code), Some(user_id.to_string())]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    const TABLE: &str = "31.13.64.0\t31.13.127.255\tIE\tIreland\n\
                         49.231.128.0\t49.231.128.255\tTH\tThailand\n\
                         2001:db8::\t2001:db8::ffff\tFR\tFrance\n\
                         100.0.0.0\t100.0.0.255\t\\N\t\\N\n\
                         100.0.1.0\t100.0.1.255\t \tNowhere\n";

    fn run(rows: Vec<Vec<Option<&str>>>) -> (Vec<Row>, Vec<(String, u64)>) {
        let mut args = BTreeMap::new();
        args.insert("geoip".to_string(), "(in memory)".to_string());
        let rows = rows.into_iter().map(|r| r.into_iter().map(|c| c.map(str::to_string)).collect()).collect();
        let countries = std::sync::Arc::new(CountryRanges::parse(TABLE).unwrap());
        crate::natives::run_reducer_with_countries("last_country_of_user", &args, rows, countries).unwrap()
    }

    #[test]
    fn looks_up_ranges_inclusive_and_mapped_addresses() {
        let t = CountryRanges::parse(TABLE).unwrap();
        assert_eq!(t.len(), 5);
        assert_eq!(t.lookup("31.13.64.10"), Some(("IE", "Ireland")));
        assert_eq!(t.lookup("31.13.64.0"), Some(("IE", "Ireland")));
        assert_eq!(t.lookup("31.13.127.255"), Some(("IE", "Ireland")));
        assert_eq!(t.lookup("31.13.128.0"), None);
        assert_eq!(t.lookup("49.231.128.0"), Some(("TH", "Thailand")));
        assert_eq!(t.lookup("::ffff:49.231.128.7"), Some(("TH", "Thailand")));
        assert_eq!(t.lookup("2001:db8::1"), Some(("FR", "France")));
        assert_eq!(t.lookup("10.0.2.2"), None);
        assert_eq!(t.lookup("0.0.0.0"), None);
        assert_eq!(t.lookup("255.255.255.255"), None);
        // Not an address (the original's lookup raises, which gives UNKNOWN).
        assert_eq!(t.lookup("unknown"), None);
        assert_eq!(t.lookup(" 31.13.64.10"), None);
        assert_eq!(t.lookup(""), None);
    }

    #[test]
    fn unknown_for_missing_or_blank_values() {
        let t = CountryRanges::parse(TABLE).unwrap();
        assert_eq!(t.name_and_code("31.13.64.10"), ("Ireland".into(), "IE".into()));
        assert_eq!(t.name_and_code("10.0.2.2"), (UNKNOWN.into(), UNKNOWN.into()));
        assert_eq!(t.name_and_code("100.0.0.1"), (UNKNOWN.into(), UNKNOWN.into()));
        assert_eq!(t.name_and_code("100.0.1.1"), ("Nowhere".into(), UNKNOWN.into()));
        assert_eq!(t.name_and_code("not-an-ip"), (UNKNOWN.into(), UNKNOWN.into()));
    }

    #[test]
    fn rejects_bad_tables() {
        assert!(CountryRanges::parse("1.2.3.4\t1.2.3.0\tXX\tX\n").is_err(), "reversed range");
        assert!(CountryRanges::parse("1.2.3.0\t::1\tXX\tX\n").is_err(), "mixed families");
        assert!(CountryRanges::parse("1.2.3.0\t1.2.3.9\tXX\n").is_err(), "short line");
        assert!(CountryRanges::parse("1.2.3.0\t1.2.3.9\tXX\tX\n1.2.3.9\t1.2.4.0\tYY\tY\n").is_err(), "overlap");
        assert!(CountryRanges::parse("").unwrap().is_empty());
    }

    #[test]
    fn the_latest_address_of_each_user_over_every_course_wins() {
        let (out, skipped) = run(vec![
            vec![Some("2014-07-21T13:11:18.426259"), Some("31.13.64.10"), Some("1")],
            vec![Some("2014-07-21T13:11:22.175537"), Some("10.0.2.2"), Some("1")],
            vec![Some("2014-07-17T09:00:00.000000"), Some("31.13.64.10"), Some("1")],
            vec![Some("2014-07-21T12:36:52.894184"), Some("49.231.128.0"), Some("4")],
            vec![Some("2014-07-20T12:36:52.894184"), Some("31.13.64.10"), Some("4")],
            vec![Some("2014-07-21T13:11:32.675476"), Some("31.13.64.10"), Some("2")],
        ]);
        assert!(skipped.is_empty());
        let want: Vec<Row> = vec![
            vec![Some("UNKNOWN".into()), Some("UNKNOWN".into()), Some("1".into())],
            vec![Some("Ireland".into()), Some("IE".into()), Some("2".into())],
            vec![Some("Thailand".into()), Some("TH".into()), Some("4".into())],
        ];
        assert_eq!(out, want);
    }

    #[test]
    fn ties_go_to_the_greatest_address_whatever_the_input_order() {
        let a = vec![Some("2014-07-21T10:00:00.000000"), Some("31.13.64.10"), Some("7")];
        let b = vec![Some("2014-07-21T10:00:00.000000"), Some("49.231.128.0"), Some("7")];
        for rows in [vec![a.clone(), b.clone()], vec![b, a]] {
            let (out, _) = run(rows);
            assert_eq!(out, vec![vec![Some("Thailand".into()), Some("TH".into()), Some("7".into())]]);
        }
    }

    #[test]
    fn null_cells_and_short_rows_are_counted_not_fatal() {
        let (out, skipped) = run(vec![
            vec![None, Some("31.13.64.10"), Some("1")],
            vec![Some("2014-07-21T10:00:00.000000"), None, Some("1")],
            vec![Some("2014-07-21T10:00:00.000000"), Some("31.13.64.10")],
            vec![Some("2014-07-20T10:00:00.000000"), Some("49.231.128.0"), Some("2")],
        ]);
        assert_eq!(out, vec![vec![Some("Thailand".into()), Some("TH".into()), Some("2".into())]]);
        assert_eq!(skipped, vec![("null_value".to_string(), 2), ("wrong_column_count".to_string(), 1)]);
    }

    proptest! {
        /// Hadoop hands a reducer its values in no defined order (§0.3): the answer never depends on it, and the
        /// streaming form (rows grouped by user, any order inside a group) gives the same rows.
        #[test]
        fn output_independent_of_row_order(
            rows in proptest::collection::vec(
                (0u8..4, 0u8..4, 1u8..4).prop_map(|(t, ip, u)| {
                    let ips = ["31.13.64.10", "49.231.128.0", "10.0.2.2", "bogus"];
                    vec![
                        Some(format!("2014-07-2{t}T10:00:00.000000")),
                        Some(ips[usize::from(ip)].to_string()),
                        Some(u.to_string()),
                    ]
                }),
                0..20,
            ).prop_shuffle()
        ) {
            fn borrowed(rows: &[Vec<Option<String>>]) -> Vec<Vec<Option<&str>>> {
                rows.iter().map(|r| r.iter().map(|c| c.as_deref()).collect()).collect()
            }
            let (out, _) = run(borrowed(&rows));
            let mut reversed = rows.clone();
            reversed.reverse();
            prop_assert_eq!(&run(borrowed(&reversed)).0, &out);
            let mut grouped = rows.clone();
            grouped.sort_by(|a, b| a[2].cmp(&b[2]));
            let mut text = Vec::new();
            for r in &grouped {
                crate::hive_text::write_row(r, &mut text).unwrap();
            }
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("countries.tsv");
            std::fs::write(&path, TABLE).unwrap();
            let mut args = BTreeMap::new();
            args.insert("geoip".to_string(), path.display().to_string());
            let mut streamed = Vec::new();
            crate::natives::stream_reducer_counted("last_country_of_user", &args, text.as_slice(), &mut streamed)
                .unwrap();
            let mut want = Vec::new();
            for r in &out {
                crate::hive_text::write_row(r, &mut want).unwrap();
            }
            prop_assert_eq!(String::from_utf8(streamed).unwrap(), String::from_utf8(want).unwrap());
        }
    }

    #[test]
    fn streams_with_a_table_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("countries.tsv");
        std::fs::write(&path, TABLE).unwrap();
        let mut args = BTreeMap::new();
        args.insert("geoip".to_string(), path.display().to_string());
        let input = "2014-07-21T10:00:00.000000\t31.13.64.10\t2\n2014-07-21T09:00:00.000000\t10.0.2.2\t2\n\
                     2014-07-21T09:00:00.000000\t10.0.2.2\t5\n";
        let mut out = Vec::new();
        let (n, _) =
            crate::natives::stream_reducer_counted("last_country_of_user", &args, input.as_bytes(), &mut out).unwrap();
        assert_eq!(n, 2);
        assert_eq!(String::from_utf8(out).unwrap(), "Ireland\tIE\t2\nUNKNOWN\tUNKNOWN\t5\n");
        args.insert("geoip".to_string(), dir.path().join("missing.tsv").display().to_string());
        let err = crate::natives::stream_reducer_counted("last_country_of_user", &args, "".as_bytes(), Vec::new())
            .unwrap_err();
        assert!(format!("{err:#}").contains("missing.tsv"), "{err:#}");
    }
}

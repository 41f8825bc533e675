//! The GeoIP database of the location workflow (docs/contract.md §3.6 step B): a MaxMind DB file (`.mmdb`, e.g.
//! GeoLite2-Country) named by the profile key `geoip_database` (the original's `--geolocation-data`).
//!
//! It is read with the `maxminddb` crate and turned into the country table the `last_country_of_user` reducer
//! looks addresses up in (`natives::CountryRanges`): every network of the database that has a country, as an
//! address range with its ISO code and English name, adjacent ranges of one country merged. The embedded engine
//! builds it in memory for a run; a cluster bundle ships it as a data file, so `edxc-map` needs no database reader
//! and both engines answer from the same table.
//!
//! What is looked up is the record's `country` (`iso_code`, `names.en`): networks that only carry a continent or a
//! registered country answer `UNKNOWN`, as a legacy database's missing country did. The legacy-only pseudo codes
//! (`A1`, `A2`, `AP`, `EU`, `O1`) do not exist in a `.mmdb` database (§3.6 note).

use crate::natives::CountryRanges;
use anyhow::{anyhow, Context, Result};
use maxminddb::{geoip2, Reader, WithinOptions};
use std::net::IpAddr;
use std::path::Path;

/// Opens the database, or says which file could not be read and why.
pub fn open(path: &Path) -> Result<Reader<Vec<u8>>> {
    if !path.is_file() {
        anyhow::bail!("GeoIP database {} does not exist (profile key geoip_database)", path.display());
    }
    Reader::open_readfile(path).map_err(|e| {
        anyhow!(
            "GeoIP database {} cannot be read as a MaxMind DB (.mmdb) file: {e} (profile key geoip_database)",
            path.display()
        )
    })
}

/// The first and last address of a network given as its first address and prefix length.
fn bounds(first: IpAddr, prefix: u8) -> (IpAddr, IpAddr) {
    match first {
        IpAddr::V4(a) => {
            let host = u32::MAX.checked_shr(u32::from(prefix)).unwrap_or(0);
            (first, IpAddr::V4((u32::from(a) | host).into()))
        }
        IpAddr::V6(a) => {
            let host = u128::MAX.checked_shr(u32::from(prefix)).unwrap_or(0);
            (first, IpAddr::V6((u128::from(a) | host).into()))
        }
    }
}

fn next(ip: IpAddr) -> Option<IpAddr> {
    match ip {
        IpAddr::V4(a) => u32::from(a).checked_add(1).map(|n| IpAddr::V4(n.into())),
        IpAddr::V6(a) => u128::from(a).checked_add(1).map(|n| IpAddr::V6(n.into())),
    }
}

/// The country table of the database as text (`first_ip \t last_ip \t code \t name` per line, Hive text).
pub fn country_table(path: &Path) -> Result<String> {
    let reader = open(path)?;
    let mut ranges: Vec<(IpAddr, IpAddr, Option<String>, Option<String>)> = Vec::new();
    let mut networks = vec![("0.0.0.0/0", true)];
    if reader.metadata().ip_version == 6 {
        networks.push(("::/0", false));
    }
    for (net, v4) in networks {
        let cidr = net.parse().map_err(|e| anyhow!("{net}: {e}"))?;
        let all =
            reader.within(cidr, WithinOptions::default()).with_context(|| format!("reading {}", path.display()))?;
        for item in all {
            let item = item.with_context(|| format!("reading {}", path.display()))?;
            let network = item.network().with_context(|| format!("reading {}", path.display()))?;
            // IPv4 addresses are looked up in the IPv4 ranges; their subtree (::/96, which the reader may give as
            // IPv4 networks) is not listed twice.
            let listed = match network.network() {
                IpAddr::V4(_) => v4,
                IpAddr::V6(a) => !v4 && u128::from(a) >> 32 != 0,
            };
            if !listed {
                continue;
            }
            let Some(record) = item
                .decode::<geoip2::Country>()
                .with_context(|| format!("{}: network {network} has no country record", path.display()))?
            else {
                continue;
            };
            let code = record.country.iso_code.map(str::to_string);
            let name = record.country.names.english.map(str::to_string);
            if code.is_none() && name.is_none() {
                continue;
            }
            let (first, last) = bounds(network.network(), network.prefix());
            match ranges.last_mut() {
                Some(prev) if next(prev.1) == Some(first) && prev.2 == code && prev.3 == name => prev.1 = last,
                _ => ranges.push((first, last, code, name)),
            }
        }
    }
    let mut text = String::new();
    for (first, last, code, name) in ranges {
        text.push_str(&crate::hive_text::format_row(&[Some(first.to_string()), Some(last.to_string()), code, name]));
        text.push('\n');
    }
    Ok(text)
}

/// The country table of the database, ready for the reducer.
pub fn load(path: &Path) -> Result<CountryRanges> {
    let text = country_table(path)?;
    CountryRanges::parse(&text).with_context(|| format!("GeoIP database {}", path.display()))
}

/// Whether any of these pipelines looks countries up (a reducer taking the `geoip` table).
pub fn needed_by(pipelines: &[crate::model::Pipeline]) -> bool {
    pipelines.iter().flat_map(|p| p.transforms.values()).any(|t| match &t.kind {
        crate::model::TransformKind::Reduce { reducer } => reducer_needs(&reducer.value),
        _ => false,
    })
}

/// Whether a reducer looks countries up (its spec takes the `geoip` table).
pub fn reducer_needs(reducer: &str) -> bool {
    crate::natives::reducer(reducer).is_some_and(|s| s.args.contains(&crate::natives::GEOIP_ARG))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/geoip/location_per_course.mmdb")
    }

    #[test]
    fn the_test_database_holds_the_scenario_facts() {
        let t = load(&fixture()).unwrap();
        assert_eq!(t.lookup("31.13.64.10"), Some(("IE", "Ireland")));
        assert_eq!(t.lookup("49.231.128.0"), Some(("TH", "Thailand")));
        assert_eq!(t.lookup("::ffff:49.231.128.0"), Some(("TH", "Thailand")));
        for private in ["10.0.2.2", "192.168.1.1", "172.16.0.1", "127.0.0.1", "fd00::1"] {
            assert_eq!(t.lookup(private), None, "{private}");
        }
        assert_eq!(t.name_and_code("10.0.2.2"), ("UNKNOWN".to_string(), "UNKNOWN".to_string()));
    }

    #[test]
    fn the_table_answers_as_the_database_does() {
        let reader = open(&fixture()).unwrap();
        let t = load(&fixture()).unwrap();
        let ips = [
            "31.13.64.0",
            "31.13.64.10",
            "31.13.127.255",
            "31.13.128.0",
            "31.13.63.255",
            "49.231.128.0",
            "49.231.127.255",
            "49.231.129.0",
            "10.0.2.2",
            "8.8.8.8",
            "2a03:2880::1",
            "2a03:2880:ffff::1",
            "2a03:2881::",
            "::1",
            "0.0.0.0",
            "255.255.255.255",
        ];
        for ip in ips {
            let addr: IpAddr = ip.parse().unwrap();
            let direct = reader.lookup(addr).unwrap().decode::<geoip2::Country>().unwrap();
            let direct = direct.and_then(|c| c.country.iso_code.map(str::to_string));
            assert_eq!(t.lookup(ip).map(|c| c.0.to_string()), direct, "{ip}");
        }
    }

    #[test]
    fn the_sample_database_locates_every_public_address_of_the_sample_logs() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data/geoip/GeoLite2-Country-sample.mmdb");
        let text = country_table(&path).unwrap();
        let t = CountryRanges::parse(&text).unwrap();
        assert_eq!(t.lookup("1.2.3.4").map(|c| c.0), Some("IN"));
        assert_eq!(t.lookup("223.255.255.255").map(|c| c.0), Some("NG"));
        for special in ["10.1.2.3", "100.64.0.1", "127.0.0.1", "169.254.1.1", "172.16.0.1", "192.168.0.1", "224.0.0.1"]
        {
            assert_eq!(t.lookup(special), None, "{special}");
        }
        // One range per listed /8 (1..=223 but the six special-use ones): neighbours differ in country.
        assert_eq!(t.len(), 217);
    }

    #[test]
    fn a_missing_or_foreign_file_is_named() {
        let err = open(Path::new("/nonexistent/GeoLite2-Country.mmdb")).unwrap_err().to_string();
        assert!(err.contains("/nonexistent/GeoLite2-Country.mmdb") && err.contains("does not exist"), "{err}");
        let dir = tempfile::tempdir().unwrap();
        let bad = dir.path().join("bad.mmdb");
        std::fs::write(&bad, b"not a database").unwrap();
        let err = open(&bad).unwrap_err().to_string();
        assert!(err.contains("bad.mmdb") && err.contains("MaxMind"), "{err}");
    }

    #[test]
    fn bounds_of_networks() {
        let v4: IpAddr = "31.13.64.0".parse().unwrap();
        assert_eq!(bounds(v4, 18).1.to_string(), "31.13.127.255");
        assert_eq!(bounds(v4, 32).1.to_string(), "31.13.64.0");
        assert_eq!(bounds("0.0.0.0".parse().unwrap(), 0).1.to_string(), "255.255.255.255");
        assert_eq!(bounds("2a03:2880::".parse().unwrap(), 32).1.to_string(), "2a03:2880:ffff:ffff:ffff:ffff:ffff:ffff");
    }
}

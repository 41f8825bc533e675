//! calendar native (§3.14), rows as the original CalendarTask writes them (checked against Python's
//! `date.isocalendar()` and the `'{0:04d}W{1:02d}'` format).

mod natives_support;

use edxc_map::natives::{native, run_native};
use natives_support::*;

fn lines(rows: &[Row]) -> Vec<String> {
    rows.iter().map(|r| r.iter().map(|c| c.clone().unwrap()).collect::<Vec<_>>().join("\t")).collect()
}

#[test]
fn iso_week_53_and_year_boundary() {
    let rows = run_native("calendar", &args(&[("interval", "2015-12-26-2016-01-05")]), None).unwrap();
    assert_eq!(
        lines(&rows),
        [
            "2015-12-26\t2015\t12\t26\t2015W52\t2015-12-21\t2015-12-28\t6",
            "2015-12-27\t2015\t12\t27\t2015W52\t2015-12-21\t2015-12-28\t7",
            "2015-12-28\t2015\t12\t28\t2015W53\t2015-12-28\t2016-01-04\t1",
            "2015-12-29\t2015\t12\t29\t2015W53\t2015-12-28\t2016-01-04\t2",
            "2015-12-30\t2015\t12\t30\t2015W53\t2015-12-28\t2016-01-04\t3",
            "2015-12-31\t2015\t12\t31\t2015W53\t2015-12-28\t2016-01-04\t4",
            "2016-01-01\t2016\t1\t1\t2015W53\t2015-12-28\t2016-01-04\t5",
            "2016-01-02\t2016\t1\t2\t2015W53\t2015-12-28\t2016-01-04\t6",
            "2016-01-03\t2016\t1\t3\t2015W53\t2015-12-28\t2016-01-04\t7",
            "2016-01-04\t2016\t1\t4\t2016W01\t2016-01-04\t2016-01-11\t1",
        ]
    );
    assert_eq!(rows[0].len(), native("calendar").unwrap().output.len());
}

#[test]
fn iso_year_ahead_of_calendar_year() {
    let rows = run_native("calendar", &args(&[("interval", "2014-12-29-2014-12-30")]), None).unwrap();
    assert_eq!(lines(&rows), ["2014-12-29\t2014\t12\t29\t2015W01\t2014-12-29\t2015-01-05\t1"]);
}

#[test]
fn interval_forms_and_sizes() {
    let n = |i: &str| run_native("calendar", &args(&[("interval", i)]), None).unwrap().len();
    assert_eq!(n("2012-01-01-2020-01-01"), 2922);
    assert_eq!(n("2016"), 366);
    assert_eq!(n("2016-02"), 29);
    assert_eq!(n("2016-12"), 31);
    assert_eq!(n("2014-06-01"), 1);
    assert_eq!(n("2014-W01"), 7);
    let w = run_native("calendar", &args(&[("interval", "2014-W01")]), None).unwrap();
    assert_eq!(w[0][0].as_deref(), Some("2013-12-30"));
    assert_eq!(n("2014-01-05-2014-01-01"), 0);
}

#[test]
fn bad_intervals_are_errors() {
    for bad in ["", "2014-13-01-2014-14-01", "2014-1-1-2014-2-1", "yesterday", "2014-02-30", "2014-W54"] {
        assert!(run_native("calendar", &args(&[("interval", bad)]), None).is_err(), "{bad:?}");
    }
    assert!(run_native("calendar", &args(&[]), None).is_err());
}

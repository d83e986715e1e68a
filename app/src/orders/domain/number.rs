//! The order number a customer's contract carries: `SH01-20261127-0007` — the store's
//! code, the day the order was entered (China time, as the showroom's calendar reads), and
//! the store's count of orders that day, four digits (more once a store passes 9999 in a
//! day).

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A store code as stores are given them: 2–16 capital letters, digits or `-`.
fn valid_store_code(code: &str) -> bool {
    (2..=16).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
}

/// An order number, read into its parts.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OrderNumber {
    pub store_code: String,
    /// The store's day the order was entered.
    pub date: NaiveDate,
    /// The order's place in that store's day, from 1.
    pub seq: u32,
}

/// The number of the `seq`-th order (from 1) of the store `store_code` on `date`, the
/// store's calendar day (`crate::clock::day_of` of the moment of entry).
pub fn format(store_code: &str, date: NaiveDate, seq: u32) -> String {
    format!("{}{seq:04}", day_prefix(store_code, date))
}

/// What every number of that store and day starts with (`SH01-20261127-`), to find the
/// day's last sequence.
pub fn day_prefix(store_code: &str, date: NaiveDate) -> String {
    format!(
        "{store_code}-{:04}{:02}{:02}-",
        date.year(),
        date.month(),
        date.day()
    )
}

/// Reads a number as [`format`] writes it, and nothing else: a valid store code (it may
/// hold `-` itself), a real day, and a sequence from 1 written with four digits or, past
/// 9999, without leading zeros.
pub fn parse(s: &str) -> Option<OrderNumber> {
    let s = s.trim();
    if s.len() > 40 {
        return None;
    }
    let mut parts = s.rsplitn(3, '-');
    let (seq, day, store_code) = (parts.next()?, parts.next()?, parts.next()?);
    if !valid_store_code(store_code) {
        return None;
    }
    if seq.len() < 4 || seq.len() > 9 || !seq.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u32 = seq.parse().ok()?;
    if n == 0 || (seq.len() > 4 && seq.starts_with('0')) {
        return None;
    }
    if day.len() != 8 || !day.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(
        day[..4].parse().ok()?,
        day[4..6].parse().ok()?,
        day[6..].parse().ok()?,
    )?;
    OrderNumber::new(store_code, date, n)
}

impl OrderNumber {
    /// A number from its parts, if the store code is one a store can have and the
    /// sequence starts from 1.
    pub fn new(store_code: &str, date: NaiveDate, seq: u32) -> Option<OrderNumber> {
        (valid_store_code(store_code) && seq > 0 && (1000..=9999).contains(&date.year())).then(
            || OrderNumber {
                store_code: store_code.to_owned(),
                date,
                seq,
            },
        )
    }
}

impl fmt::Display for OrderNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format(&self.store_code, self.date, self.seq))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn numbers_are_written_with_four_digits_and_more_when_needed() {
        // (store, date, seq, number)
        let table = [
            ("SH01", day(2026, 11, 27), 7, "SH01-20261127-0007"),
            ("SH01", day(2026, 1, 5), 1, "SH01-20260105-0001"),
            ("BJ-02", day(2026, 12, 31), 9999, "BJ-02-20261231-9999"),
            ("GZ", day(2027, 2, 1), 10_000, "GZ-20270201-10000"),
            ("GZ", day(2027, 2, 1), 123_456, "GZ-20270201-123456"),
        ];
        for (store, date, seq, number) in table {
            assert_eq!(format(store, date, seq), number);
            let parsed = parse(number).unwrap();
            assert_eq!(parsed, OrderNumber::new(store, date, seq).unwrap());
            assert_eq!(parsed.to_string(), number);
        }
        assert_eq!(day_prefix("SH01", day(2026, 11, 27)), "SH01-20261127-");
    }

    #[test]
    fn only_numbers_as_written_are_read() {
        for bad in [
            "",
            "SH01",
            "SH01-20261127",
            "SH01-20261127-007",
            "SH01-20261127-00007",
            "SH01-20261127-0000",
            "SH01-20261131-0001",
            "SH01-2026112-0001",
            "sh01-20261127-0001",
            "S-20261127-0001",
            "SH01-20261127-0001x",
            "SH01-20261127-+001",
            "SH01-２0261127-0001",
            "SH01-20261127-99999999999",
            "SH01-20261127-",
            "SH01-09991231-0001",
            "-20261127-0001",
            "TOOLONGSTORECODE17-20261127-0001",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
        assert_eq!(parse(" SH01-20261127-0007 ").map(|n| n.seq), Some(7));
        assert_eq!(OrderNumber::new("sh01", day(2026, 1, 1), 1), None);
        assert_eq!(OrderNumber::new("SH01", day(2026, 1, 1), 0), None);
    }

    #[test]
    fn the_day_is_the_stores_day_in_china_time() {
        // 2026-11-26 16:30 UTC is 00:30 on the 27th in Shanghai.
        let ms = 1_795_710_600_000;
        let n = format("SH01", crate::clock::day_of(ms), 1);
        assert_eq!(n, "SH01-20261127-0001");
    }
}

//! Time where the dealers are. Storage keeps UTC milliseconds; people think in China
//! Standard Time (UTC+8, no daylight saving), so "today", "days in stock" and every time
//! shown on a page are computed here, in one place, for the server and the browser alike.

/// China Standard Time, in milliseconds east of UTC.
pub const STORE_OFFSET_MS: i64 = 8 * 3600 * 1000;

/// The calendar day of `ms` (UTC milliseconds) in the stores' time zone.
pub fn day_of(ms: i64) -> chrono::NaiveDate {
    chrono::DateTime::from_timestamp_millis(ms.saturating_add(STORE_OFFSET_MS))
        .map(|t| t.date_naive())
        .unwrap_or_default()
}

/// The first moment (UTC milliseconds) of `day` in the stores' time zone: a day filter's
/// lower bound, and the next day's start its upper bound.
pub fn day_start(day: chrono::NaiveDate) -> i64 {
    day.and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc().timestamp_millis() - STORE_OFFSET_MS)
        .unwrap_or(0)
}

/// UTC milliseconds as local time (`2026-11-27 14:05:09`) for display.
pub fn local_time(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms.saturating_add(STORE_OFFSET_MS))
        .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_default()
}

/// Where "now" comes from: the system clock, or a fixed instant (tests, replays).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Clock {
    #[default]
    System,
    /// Always this instant (UTC milliseconds).
    Fixed(i64),
}

impl Clock {
    /// Now, as stored: UTC milliseconds since the epoch.
    #[cfg(feature = "ssr")]
    pub fn now_ms(self) -> i64 {
        match self {
            Clock::System => chrono::Utc::now().timestamp_millis(),
            Clock::Fixed(ms) => ms,
        }
    }

    /// Today in the stores' time zone.
    #[cfg(feature = "ssr")]
    pub fn today(self) -> chrono::NaiveDate {
        day_of(self.now_ms())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_store_day_starts_at_midnight_china_time() {
        // 2026-11-26 15:59:59 UTC is 23:59:59 in Shanghai; one second later it is the 27th.
        let before = 1_795_708_799_000;
        assert_eq!(day_of(before).to_string(), "2026-11-26");
        assert_eq!(day_of(before + 1000).to_string(), "2026-11-27");
        assert_eq!(local_time(before), "2026-11-26 23:59:59");
        assert_eq!(day_of(i64::MAX), chrono::NaiveDate::default(), "no panic");
        // 2026-11-26 00:30 UTC is 08:30 in Shanghai.
        assert_eq!(local_time(1_795_653_000_000), "2026-11-26 08:30:00");
        let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        assert_eq!(day_start(day), before + 1000);
        assert_eq!(day_of(day_start(day)), day);
        assert_eq!(day_of(day_start(day) - 1), day.pred_opt().unwrap());
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn a_fixed_clock_stands_still() {
        let c = Clock::Fixed(1_795_708_800_000);
        assert_eq!(c.now_ms(), 1_795_708_800_000);
        assert_eq!(c.today().to_string(), "2026-11-27");
    }
}

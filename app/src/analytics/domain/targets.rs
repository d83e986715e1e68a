//! Sales targets (销售目标) per store and month, and the group's analytics settings (the
//! daily holding-cost rate), as a general manager or admin enters them: checked here,
//! every refusal naming its field.

use crate::{
    domain::Money,
    error::{AppError, FieldError},
    i18n::Lang,
};
use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// The most units a store's monthly target may hold, and the most revenue (¥10 billion).
pub const MAX_UNITS: i64 = 100_000;
pub const MAX_REVENUE_FEN: i64 = 1_000_000_000_000;
/// Targets may be set from a year back to two years ahead.
pub const MONTHS_BACK: u32 = 12;
pub const MONTHS_AHEAD: u32 = 24;
/// The highest holding rate accepted: 1 % of a car's cost a day.
pub const MAX_RATE_PPM: i64 = 10_000;

/// A target as typed: the store, the month (`YYYY-MM`), units and revenue in yuan.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct TargetInput {
    pub store_id: String,
    /// `YYYY-MM`.
    #[cfg_attr(feature = "ssr", schema(example = "2026-12", max_length = 7))]
    pub month: String,
    /// Cars, 0 to 100,000.
    #[cfg_attr(feature = "ssr", schema(example = "120"))]
    pub units: String,
    /// Yuan, e.g. `24000000`.
    #[cfg_attr(feature = "ssr", schema(example = "24000000"))]
    pub revenue: String,
}

/// A target with every field checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CheckedTarget {
    pub store_id: i64,
    pub month: NaiveDate,
    pub units: i64,
    pub revenue: Money,
}

impl TargetInput {
    /// Checks the target as of `today`: a store id, a month from a year back to two
    /// years ahead, whole units within bounds, revenue in yuan within bounds.
    pub fn check(&self, today: NaiveDate, lang: Lang) -> Result<CheckedTarget, AppError> {
        let mut errors: Vec<FieldError> = Vec::new();
        let mut add = |field: &str, message: &str| {
            errors.push(FieldError {
                field: field.to_owned(),
                message: message.to_owned(),
            })
        };
        let store_id = self.store_id.trim().parse::<i64>().ok().filter(|s| *s > 0);
        if store_id.is_none() {
            add("store_id", lang.t("analytics.bad_store"));
        }
        let this_month = today.with_day(1).unwrap_or(today);
        let m = self.month.trim();
        let month = (m.len() == 7)
            .then(|| NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d").ok())
            .flatten();
        match month {
            None => add("month", lang.t("analytics.bad_month")),
            Some(month) => {
                let first = this_month
                    .checked_sub_months(Months::new(MONTHS_BACK))
                    .unwrap_or(this_month);
                let last = this_month
                    .checked_add_months(Months::new(MONTHS_AHEAD))
                    .unwrap_or(this_month);
                if month < first || month > last {
                    add("month", lang.t("analytics.target_month_range"));
                }
            }
        }
        let units = self
            .units
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|u| (0..=MAX_UNITS).contains(u));
        if units.is_none() {
            add("units", lang.t("analytics.bad_target_units"));
        }
        let revenue = Money::parse_yuan(&self.revenue)
            .ok()
            .filter(|r| r.fen() <= MAX_REVENUE_FEN);
        if revenue.is_none() {
            add("revenue", lang.t("analytics.bad_target_revenue"));
        }
        if !errors.is_empty() {
            return Err(AppError::invalid_fields(errors));
        }
        match (store_id, month, units, revenue) {
            (Some(store_id), Some(month), Some(units), Some(revenue)) => Ok(CheckedTarget {
                store_id,
                month,
                units,
                revenue,
            }),
            _ => Err(AppError::Internal("a checked target lacks a field".into())),
        }
    }
}

/// A stored target.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema, sqlx::FromRow))]
pub struct SalesTarget {
    pub store_id: i64,
    pub store_name: String,
    /// `YYYY-MM`.
    pub month: String,
    pub units: i64,
    /// In fen.
    pub revenue: i64,
    pub updated_at: i64,
    pub updated_by: String,
}

/// The settings as typed: the holding rate in percent of a car's cost per day (`0.03`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct SettingsInput {
    /// Percent a day, 0 to 1, at most four decimals.
    #[cfg_attr(feature = "ssr", schema(example = "0.03", max_length = 10))]
    pub holding_rate_percent: String,
}

impl SettingsInput {
    /// The rate in parts per million a day.
    pub fn check(&self, lang: Lang) -> Result<i64, AppError> {
        let bad = || AppError::invalid("holding_rate_percent", lang.t("analytics.bad_rate"));
        let s = self
            .holding_rate_percent
            .trim()
            .trim_end_matches('%')
            .trim();
        if s.is_empty() || s.len() > 10 {
            return Err(bad());
        }
        let (int, frac) = s.split_once('.').unwrap_or((s, ""));
        if int.is_empty() && frac.is_empty()
            || !int.chars().all(|c| c.is_ascii_digit())
            || !frac.chars().all(|c| c.is_ascii_digit())
            || frac.len() > 4
        {
            return Err(bad());
        }
        // Percent with four decimals is parts per million.
        let whole: i64 = if int.is_empty() {
            0
        } else {
            int.parse().map_err(|_| bad())?
        };
        let frac: i64 = format!("{frac:0<4}").parse().map_err(|_| bad())?;
        let ppm = whole
            .checked_mul(10_000)
            .and_then(|w| w.checked_add(frac))
            .ok_or_else(bad)?;
        if ppm > MAX_RATE_PPM {
            return Err(bad());
        }
        Ok(ppm)
    }
}

/// A rate in ppm a day shown as percent: `0.03`.
pub fn rate_percent(ppm: i64) -> String {
    let s = format!("{}.{:04}", ppm / 10_000, ppm % 10_000);
    let s = s.trim_end_matches('0');
    s.strip_suffix('.').unwrap_or(s).to_owned()
}

/// The settings as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AnalyticsSettings {
    /// Holding cost per day, in parts per million of a car's cost.
    pub holding_rate_ppm: i64,
    /// The same in percent, as shown.
    pub holding_rate_percent: String,
    pub updated_at: i64,
    pub updated_by: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn input(store: &str, month: &str, units: &str, revenue: &str) -> TargetInput {
        TargetInput {
            store_id: store.into(),
            month: month.into(),
            units: units.into(),
            revenue: revenue.into(),
        }
    }

    #[test]
    fn a_target_is_read_in_yuan_for_a_month() {
        let t = input("1", "2026-12", "120", "24,000,000")
            .check(d("2026-12-07"), Lang::ZhCn)
            .unwrap();
        assert_eq!(t.month, d("2026-12-01"));
        assert_eq!(t.units, 120);
        assert_eq!(t.revenue.fen(), 2_400_000_000);
    }

    #[test]
    fn every_bad_field_is_named_at_once() {
        let e = input("x", "2026-13", "-1", "abc")
            .check(d("2026-12-07"), Lang::ZhCn)
            .unwrap_err();
        let fields: Vec<String> = e.fields().iter().map(|f| f.field.clone()).collect();
        assert_eq!(fields, vec!["store_id", "month", "units", "revenue"]);
        let field = |t: TargetInput| {
            t.check(d("2026-12-07"), Lang::ZhCn).unwrap_err().fields()[0]
                .field
                .clone()
        };
        assert_eq!(field(input("1", "2025-11", "1", "1")), "month");
        assert_eq!(field(input("1", "2029-01", "1", "1")), "month");
        assert_eq!(field(input("1", "2026-12", "100001", "1")), "units");
        assert_eq!(field(input("1", "2026-12", "1", "10000000001")), "revenue");
        assert_eq!(field(input("1", "2026-12-01", "1", "1")), "month");
    }

    #[test]
    fn rates_are_percent_a_day_to_four_decimals() {
        let rate = |s: &str| {
            SettingsInput {
                holding_rate_percent: s.into(),
            }
            .check(Lang::ZhCn)
        };
        assert_eq!(rate("0.03").unwrap(), 300);
        assert_eq!(rate("0.03%").unwrap(), 300);
        assert_eq!(rate("1").unwrap(), 10_000);
        assert_eq!(rate(".5").unwrap(), 5_000);
        assert_eq!(rate("0").unwrap(), 0);
        for bad in ["", "1.5", "-0.1", "0.00001", "abc", "99999999999", "."] {
            assert!(rate(bad).is_err(), "{bad}");
        }
        assert_eq!(rate_percent(300), "0.03");
        assert_eq!(rate_percent(10_000), "1");
        assert_eq!(rate_percent(0), "0");
        assert_eq!(rate_percent(5_000), "0.5");
    }
}

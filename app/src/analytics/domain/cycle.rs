//! Order cycle time (订单周期): how long orders take from entry to approval (审批), from
//! approval to shipping (发车), from shipping to completion (交付), and from entry to
//! completion (全程) — median, p90 and mean per store, salesperson and month, beside the
//! same number of months before. The headline claim of the brief is that orders are handled
//! faster; this is where a dealer sees whether they are.
//!
//! The database counts each step's time in buckets (`cycle_buckets`: an hour wide under a
//! day, a day wide under two weeks, a week wide under 13 weeks, then wider) per month the
//! step ended in; percentiles are read from those counts, interpolated within a bucket, and
//! the mean is exact.

use super::sales::parse_store;
use crate::{domain::coded::coded, error::AppError, i18n::Lang};
use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// The longest range of months a report covers.
pub const MAX_MONTHS: u32 = 36;
/// The months a report covers when none are named (this one and the eleven before).
pub const DEFAULT_MONTHS: u32 = 12;

coded!(
    /// A step of an order's way.
    CycleStep, "analytics.step", {
        Approval = "approval",
        Shipping = "shipping",
        Delivery = "delivery",
        Total = "total",
    }
);

/// A cycle report as asked: every field text, checked by [`CycleQuery::check`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
#[serde(default)]
pub struct CycleQuery {
    /// First month, `YYYY-MM` (a day `YYYY-MM-DD` stands for its month). Empty: eleven
    /// months before `to`.
    pub from: String,
    /// Last month, included. Empty: this month (China time).
    pub to: String,
    /// One store (a group-wide role; others see their own store whatever this says).
    pub store_id: String,
}

/// A range of whole months, both ends included, each named by its first day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MonthRange {
    /// `YYYY-MM`.
    #[cfg_attr(feature = "ssr", schema(value_type = String, example = "2026-01"))]
    #[serde(with = "month_format")]
    pub from: NaiveDate,
    #[cfg_attr(feature = "ssr", schema(value_type = String, example = "2026-12"))]
    #[serde(with = "month_format")]
    pub to: NaiveDate,
}

mod month_format {
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&d.format("%Y-%m").to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        let s = String::deserialize(d)?;
        NaiveDate::parse_from_str(&format!("{s}-01"), "%Y-%m-%d").map_err(serde::de::Error::custom)
    }
}

impl MonthRange {
    /// How many months it covers.
    pub fn months(self) -> u32 {
        let m = |d: NaiveDate| d.year() * 12 + d.month0() as i32;
        (m(self.to) - m(self.from) + 1).max(0) as u32
    }

    /// Each month's name (`2026-11`), in order.
    pub fn labels(self) -> Vec<String> {
        (0..self.months())
            .filter_map(|i| self.from.checked_add_months(Months::new(i)))
            .map(|d| d.format("%Y-%m").to_string())
            .collect()
    }

    /// As many months, ending the month before this range starts.
    pub fn previous(self) -> MonthRange {
        let n = self.months();
        let to = self
            .from
            .checked_sub_months(Months::new(1))
            .unwrap_or(self.from);
        MonthRange {
            from: to.checked_sub_months(Months::new(n - 1)).unwrap_or(to),
            to,
        }
    }

    pub fn first_label(self) -> String {
        self.from.format("%Y-%m").to_string()
    }

    pub fn last_label(self) -> String {
        self.to.format("%Y-%m").to_string()
    }
}

/// The first day of the month `s` names (`2026-11` or a day of it), if it names one.
fn parse_month(field: &'static str, s: &str, lang: Lang) -> Result<Option<NaiveDate>, AppError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let bad = || AppError::invalid(field, lang.t("analytics.bad_month"));
    if s.len() > 10 {
        return Err(bad());
    }
    let day = match s.len() {
        7 => NaiveDate::parse_from_str(&format!("{s}-01"), "%Y-%m-%d"),
        _ => NaiveDate::parse_from_str(s, "%Y-%m-%d"),
    }
    .map_err(|_| bad())?;
    Ok(day.with_day(1))
}

/// A checked cycle request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CycleRequest {
    pub months: MonthRange,
    pub store_id: Option<i64>,
}

impl CycleQuery {
    /// Checks the request as of `today` (China time): months as `YYYY-MM`, `from` not
    /// after `to`, at most [`MAX_MONTHS`], a numeric store. Each refusal names its field.
    pub fn check(&self, today: NaiveDate, lang: Lang) -> Result<CycleRequest, AppError> {
        let this_month = today.with_day(1).unwrap_or(today);
        let to = parse_month("to", &self.to, lang)?.unwrap_or(this_month);
        let from = match parse_month("from", &self.from, lang)? {
            Some(f) => f,
            None => to
                .checked_sub_months(Months::new(DEFAULT_MONTHS - 1))
                .unwrap_or(to),
        };
        if from > to {
            return Err(AppError::invalid("from", lang.t("analytics.from_after_to")));
        }
        let months = MonthRange { from, to };
        if months.months() > MAX_MONTHS {
            return Err(AppError::invalid(
                "from",
                lang.t("analytics.months_too_many"),
            ));
        }
        Ok(CycleRequest {
            months,
            store_id: parse_store(&self.store_id, lang)?,
        })
    }
}

/// Durations counted in buckets: `(from, to, count)` in milliseconds, `from` included,
/// and the exact sum of what was counted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Histogram {
    buckets: Vec<(i64, i64, i64)>,
    sum_ms: i64,
}

impl Histogram {
    /// Adds `count` durations of the bucket `[lo, hi)` summing to `sum_ms`.
    pub fn add(&mut self, lo: i64, hi: i64, count: i64, sum_ms: i64) {
        if count <= 0 {
            return;
        }
        self.sum_ms += sum_ms;
        match self.buckets.iter_mut().find(|b| b.0 == lo) {
            Some(b) => b.2 += count,
            None => {
                self.buckets.push((lo, hi.max(lo), count));
                self.buckets.sort_unstable();
            }
        }
    }

    pub fn merge(&mut self, other: &Histogram) {
        for &(lo, hi, n) in &other.buckets {
            self.add(lo, hi, n, 0);
        }
        self.sum_ms += other.sum_ms;
    }

    pub fn count(&self) -> i64 {
        self.buckets.iter().map(|b| b.2).sum()
    }

    pub fn mean_ms(&self) -> Option<f64> {
        let n = self.count();
        (n > 0).then(|| self.sum_ms as f64 / n as f64)
    }

    /// The duration below which a share `p` (0 to 1) of the counted ones fall, taking
    /// those in a bucket as spread evenly over it.
    pub fn percentile_ms(&self, p: f64) -> Option<f64> {
        let n = self.count();
        if n == 0 {
            return None;
        }
        let target = p.clamp(0.0, 1.0) * n as f64;
        let mut below = 0i64;
        for &(lo, hi, count) in &self.buckets {
            if (below + count) as f64 >= target {
                let within = ((target - below as f64) / count as f64).clamp(0.0, 1.0);
                return Some(lo as f64 + within * (hi - lo) as f64);
            }
            below += count;
        }
        self.buckets.last().map(|b| b.1 as f64)
    }

    /// The figures a report shows of these durations.
    pub fn figures(&self, step: CycleStep) -> StepFigures {
        let hours = |ms: f64| (ms / 360_000.0).round() / 10.0;
        StepFigures {
            step,
            orders: self.count(),
            median_hours: self.percentile_ms(0.5).map(hours),
            p90_hours: self.percentile_ms(0.9).map(hours),
            mean_hours: self.mean_ms().map(hours),
        }
    }
}

/// One step's figures over a group of orders, in hours to a tenth.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StepFigures {
    pub step: CycleStep,
    /// Orders whose step ended in the range.
    pub orders: i64,
    pub median_hours: Option<f64>,
    pub p90_hours: Option<f64>,
    pub mean_hours: Option<f64>,
}

impl StepFigures {
    pub fn none(step: CycleStep) -> Self {
        Histogram::default().figures(step)
    }
}

/// A store's or a salesperson's figures, each step in [`CycleStep::ALL`]'s order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CycleLine {
    /// The store or salesperson id (0: no salesperson).
    pub key: i64,
    pub label: String,
    pub steps: Vec<StepFigures>,
}

/// One month's figures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CycleMonth {
    /// `2026-11`.
    pub month: String,
    pub steps: Vec<StepFigures>,
}

/// The cycle report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CycleReport {
    pub months: MonthRange,
    pub previous_months: MonthRange,
    pub store_id: Option<i64>,
    /// The range's figures, each step in order.
    pub totals: Vec<StepFigures>,
    /// The same number of months before.
    pub previous: Vec<StepFigures>,
    /// How the median of the whole way (entry → completion) changed against the months
    /// before, in per mille (negative: faster); none without both.
    pub total_median_change_permille: Option<i64>,
    pub stores: Vec<CycleLine>,
    pub salespeople: Vec<CycleLine>,
    /// Every month of the range, empty ones too.
    pub trend: Vec<CycleMonth>,
}

/// The change from `before` to `now` in per mille; none unless both are there and
/// `before` is not zero.
pub fn change_permille_f(now: Option<f64>, before: Option<f64>) -> Option<i64> {
    match (now, before) {
        (Some(now), Some(before)) if before > 0.0 => {
            Some(((now - before) / before * 1000.0).round() as i64)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: i64 = 3_600_000;
    const D: i64 = 24 * H;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_default_range_is_the_twelve_months_to_this_one() {
        let r = CycleQuery::default()
            .check(d("2026-12-07"), Lang::ZhCn)
            .unwrap();
        assert_eq!(r.months.first_label(), "2026-01");
        assert_eq!(r.months.last_label(), "2026-12");
        assert_eq!(r.months.months(), 12);
        assert_eq!(r.months.labels().len(), 12);
        assert_eq!(r.months.previous().first_label(), "2025-01");
        assert_eq!(r.months.previous().last_label(), "2025-12");
    }

    #[test]
    fn months_are_read_as_months_or_a_day_of_one() {
        let q = CycleQuery {
            from: "2026-03-15".into(),
            to: "2026-05".into(),
            store_id: "2".into(),
        };
        let r = q.check(d("2026-12-07"), Lang::ZhCn).unwrap();
        assert_eq!(r.months.from, d("2026-03-01"));
        assert_eq!(r.months.to, d("2026-05-01"));
        assert_eq!(r.months.labels(), vec!["2026-03", "2026-04", "2026-05"]);
        assert_eq!(r.store_id, Some(2));
        assert_eq!(
            r.months.previous().labels(),
            vec!["2025-12", "2026-01", "2026-02"]
        );
    }

    #[test]
    fn each_bad_field_is_named() {
        let field = |from: &str, to: &str, store: &str| {
            CycleQuery {
                from: from.into(),
                to: to.into(),
                store_id: store.into(),
            }
            .check(d("2026-12-07"), Lang::ZhCn)
            .unwrap_err()
            .fields()[0]
                .field
                .clone()
        };
        assert_eq!(field("2026-13", "", ""), "from");
        assert_eq!(field("", "2026/11", ""), "to");
        assert_eq!(field("2026-11", "2026-10", ""), "from");
        assert_eq!(field("2020-01", "2026-12", ""), "from");
        assert_eq!(field("", "", "x"), "store_id");
        assert_eq!(field(&"1".repeat(4000), "", ""), "from");
    }

    #[test]
    fn percentiles_interpolate_within_a_bucket_and_the_mean_is_exact() {
        let mut h = Histogram::default();
        assert_eq!(h.percentile_ms(0.5), None);
        // Ten orders in [2 h, 3 h) summing to 25 h, ten in [1 d, 2 d) summing to 15 d.
        h.add(2 * H, 3 * H, 10, 25 * H);
        h.add(D, 2 * D, 10, 15 * D);
        assert_eq!(h.count(), 20);
        // The median is the top of the first bucket; p90 is 80 % into the second.
        assert_eq!(h.percentile_ms(0.5), Some((3 * H) as f64));
        assert_eq!(h.percentile_ms(0.9), Some(D as f64 + 0.8 * D as f64));
        assert_eq!(h.mean_ms(), Some((25 * H + 15 * D) as f64 / 20.0));
        let f = h.figures(CycleStep::Total);
        assert_eq!(f.median_hours, Some(3.0));
        assert_eq!(f.p90_hours, Some(43.2));
        assert_eq!(f.mean_hours, Some(19.3));
        assert_eq!(f.orders, 20);
    }

    #[test]
    fn histograms_merge_bucket_by_bucket_whatever_the_order_added() {
        let mut a = Histogram::default();
        a.add(D, 2 * D, 2, 3 * D);
        a.add(0, H, 1, H / 2);
        let mut b = Histogram::default();
        b.add(0, H, 3, H);
        b.add(5 * D, 6 * D, 1, 5 * D);
        b.add(0, H, 0, 0);
        a.merge(&b);
        assert_eq!(a.count(), 7);
        assert_eq!(a.buckets, vec![(0, H, 4), (D, 2 * D, 2), (5 * D, 6 * D, 1)]);
        assert_eq!(a.sum_ms, 3 * D + H / 2 + H + 5 * D);
        // Half of seven is 3.5: seven eighths into the first bucket.
        assert_eq!(a.percentile_ms(0.5), Some(0.875 * H as f64));
        assert_eq!(a.percentile_ms(1.0), Some((6 * D) as f64));
        assert_eq!(a.percentile_ms(0.0), Some(0.0));
    }

    #[test]
    fn changes_of_medians() {
        assert_eq!(change_permille_f(Some(70.0), Some(100.0)), Some(-300));
        assert_eq!(change_permille_f(Some(70.0), None), None);
        assert_eq!(change_permille_f(Some(70.0), Some(0.0)), None);
    }
}

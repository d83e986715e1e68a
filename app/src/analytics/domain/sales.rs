//! Sales analysis (销售分析): what a report asks (a date range, a store, a breakdown, a
//! trend's bucket), checked; the periods it is compared with (环比: the same number of
//! days just before; 同比: the same dates a year earlier); and the figures it shows.
//!
//! An order counts as sold once approved (已审核, 已发货, 已完成), on its order date in
//! China time; cancelled, rejected and unapproved orders never count. `revenue` is the
//! orders' totals, `paid` what was collected net of refunds, and the margin is the total
//! less the allocated vehicle's cost over the orders that have a vehicle.

use crate::{domain::coded::coded, error::AppError, i18n::Lang};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// The longest range a report covers: three years and a day.
pub const MAX_DAYS: i64 = 3 * 366;

coded!(
    /// What a breakdown groups by.
    Dimension, "analytics.by", {
        Model = "model",
        Trim = "trim",
        Color = "color",
        Store = "store",
        Salesperson = "salesperson",
        PaymentType = "payment_type",
    }
);

coded!(
    /// A trend's bucket.
    Bucket, "analytics.bucket", {
        Day = "day",
        Week = "week",
        Month = "month",
    }
);

impl Bucket {
    /// The bucket a day falls in, named by its first day (a week starts on Monday).
    pub fn start(self, day: NaiveDate) -> NaiveDate {
        match self {
            Bucket::Day => day,
            Bucket::Week => {
                day - chrono::Duration::days(day.weekday().num_days_from_monday().into())
            }
            Bucket::Month => day.with_day(1).unwrap_or(day),
        }
    }

    /// How a bucket is labelled: `2026-11-03`, `2026-W45`, `2026-11`.
    pub fn label(self, start: NaiveDate) -> String {
        match self {
            Bucket::Day => start.format("%Y-%m-%d").to_string(),
            Bucket::Week => {
                let w = start.iso_week();
                format!("{}-W{:02}", w.year(), w.week())
            }
            Bucket::Month => start.format("%Y-%m").to_string(),
        }
    }
}

/// A sales report as asked (query string or form): every field text, checked by
/// [`SalesQuery::check`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
#[serde(default)]
pub struct SalesQuery {
    /// First day, `YYYY-MM-DD` (China time). Empty: the first of this month.
    pub from: String,
    /// Last day, included. Empty: today.
    pub to: String,
    /// One store (a group-wide role; others see their own store whatever this says).
    pub store_id: String,
    /// `model` (default), `trim`, `color`, `store`, `salesperson` or `payment_type`.
    pub by: String,
    /// The trend's bucket: `day`, `week` or `month` (default).
    pub bucket: String,
}

/// A checked report request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SalesRequest {
    pub range: Range,
    pub store_id: Option<i64>,
    pub by: Dimension,
    pub bucket: Bucket,
}

/// A range of days, both ends included.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Range {
    #[cfg_attr(feature = "ssr", schema(value_type = String, example = "2026-11-01"))]
    pub from: NaiveDate,
    #[cfg_attr(feature = "ssr", schema(value_type = String, example = "2026-11-30"))]
    pub to: NaiveDate,
}

impl Range {
    pub fn days(self) -> i64 {
        (self.to - self.from).num_days() + 1
    }

    /// 环比: as many days, ending the day before this range starts.
    pub fn previous(self) -> Range {
        let to = self.from - chrono::Duration::days(1);
        Range {
            from: to - chrono::Duration::days(self.days() - 1),
            to,
        }
    }

    /// 同比: the same dates a year earlier (29 February becomes the 28th).
    pub fn last_year(self) -> Range {
        Range {
            from: year_before(self.from),
            to: year_before(self.to),
        }
    }

    pub fn contains(self, day: NaiveDate) -> bool {
        self.from <= day && day <= self.to
    }
}

/// The same date a year earlier (29 February → 28 February).
pub fn year_before(day: NaiveDate) -> NaiveDate {
    day.with_year(day.year() - 1)
        .or_else(|| NaiveDate::from_ymd_opt(day.year() - 1, day.month(), 28))
        .unwrap_or(day)
}

/// The same date a year later (29 February → 28 February).
pub fn year_after(day: NaiveDate) -> NaiveDate {
    day.with_year(day.year() + 1)
        .or_else(|| NaiveDate::from_ymd_opt(day.year() + 1, day.month(), 28))
        .unwrap_or(day)
}

fn parse_day(field: &'static str, s: &str, lang: Lang) -> Result<Option<NaiveDate>, AppError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    if s.len() > 10 {
        return Err(AppError::invalid(field, lang.t("analytics.bad_date")));
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| AppError::invalid(field, lang.t("analytics.bad_date")))
}

/// A report's store filter: empty for none, else a store id.
pub fn parse_store(s: &str, lang: Lang) -> Result<Option<i64>, AppError> {
    match s.trim() {
        "" => Ok(None),
        s => s
            .parse::<i64>()
            .ok()
            .filter(|id| *id > 0)
            .map(Some)
            .ok_or_else(|| AppError::invalid("store_id", lang.t("analytics.bad_store"))),
    }
}

/// A range of days as asked, checked as of `today` (China time): dates in `YYYY-MM-DD`
/// (empty `to`: today; empty `from`: the first of `to`'s month), `from` not after `to`,
/// at most [`MAX_DAYS`] days. Each refusal names its field.
pub fn check_range(from: &str, to: &str, today: NaiveDate, lang: Lang) -> Result<Range, AppError> {
    let to = parse_day("to", to, lang)?.unwrap_or(today);
    let from = parse_day("from", from, lang)?.unwrap_or_else(|| to.with_day(1).unwrap_or(to));
    if from > to {
        return Err(AppError::invalid("from", lang.t("analytics.from_after_to")));
    }
    let range = Range { from, to };
    if range.days() > MAX_DAYS {
        return Err(AppError::invalid(
            "from",
            lang.t("analytics.range_too_long"),
        ));
    }
    Ok(range)
}

impl SalesQuery {
    /// Checks the request as of `today` (China time): dates in `YYYY-MM-DD`, `from` not
    /// after `to`, at most [`MAX_DAYS`] days, a known breakdown and bucket, a numeric
    /// store. Each refusal names its field.
    pub fn check(&self, today: NaiveDate, lang: Lang) -> Result<SalesRequest, AppError> {
        let range = check_range(&self.from, &self.to, today, lang)?;
        let by = match self.by.trim() {
            "" => Dimension::Model,
            s => Dimension::parse(s)
                .ok_or_else(|| AppError::invalid("by", lang.t("analytics.bad_dimension")))?,
        };
        let bucket = match self.bucket.trim() {
            "" => Bucket::Month,
            s => Bucket::parse(s)
                .ok_or_else(|| AppError::invalid("bucket", lang.t("analytics.bad_bucket")))?,
        };
        Ok(SalesRequest {
            range,
            store_id: parse_store(&self.store_id, lang)?,
            by,
            bucket,
        })
    }
}

/// Sales figures of a group of orders. Money in fen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Figures {
    pub units: i64,
    /// The orders' totals.
    pub revenue: i64,
    /// Collected, net of refunds.
    pub paid: i64,
    pub discount: i64,
    /// Total less vehicle cost over the orders with a vehicle; absent for a role that
    /// may not see cost.
    pub margin: Option<i64>,
    /// How many units the margin covers (those with a vehicle allocated).
    pub margin_units: Option<i64>,
}

/// The stored sums a [`Figures`] is made from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sums {
    pub units: i64,
    pub revenue: i64,
    pub paid: i64,
    pub discount: i64,
    pub cost: i64,
    pub costed: i64,
    pub costed_revenue: i64,
}

impl Sums {
    pub fn add(&mut self, o: &Sums) {
        self.units += o.units;
        self.revenue += o.revenue;
        self.paid += o.paid;
        self.discount += o.discount;
        self.cost += o.cost;
        self.costed += o.costed;
        self.costed_revenue += o.costed_revenue;
    }

    /// The figures a caller sees (`margins`: whether they may see cost).
    pub fn figures(&self, margins: bool) -> Figures {
        Figures {
            units: self.units,
            revenue: self.revenue,
            paid: self.paid,
            discount: self.discount,
            margin: margins.then_some(self.costed_revenue - self.cost),
            margin_units: margins.then_some(self.costed),
        }
    }
}

/// One line of a breakdown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SalesRow {
    /// The model, trim, colour, store or salesperson id (0: no salesperson), or the
    /// payment type's code.
    pub key: String,
    pub label: String,
    pub figures: Figures,
    /// This line's share of the range's revenue, in per mille.
    pub share_permille: Option<i64>,
}

/// One bucket of the trend, with the same bucket a year earlier.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TrendPoint {
    /// The bucket's first day in the range.
    #[cfg_attr(feature = "ssr", schema(value_type = String, example = "2026-11-01"))]
    pub start: NaiveDate,
    pub label: String,
    pub figures: Figures,
    pub last_year: Figures,
}

/// The sales report: the range's figures beside the previous period's (环比) and the
/// same dates last year's (同比), broken down by one dimension, and the trend.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SalesReport {
    pub range: Range,
    pub previous_range: Range,
    pub last_year_range: Range,
    /// The store reported on (none: every store the caller may see).
    pub store_id: Option<i64>,
    pub by: Dimension,
    pub bucket: Bucket,
    pub totals: Figures,
    pub previous: Figures,
    pub last_year: Figures,
    /// Units and revenue against the previous period and last year, in per mille (none
    /// when the period compared had none).
    pub units_vs_previous: Option<i64>,
    pub revenue_vs_previous: Option<i64>,
    pub units_vs_last_year: Option<i64>,
    pub revenue_vs_last_year: Option<i64>,
    /// Highest revenue first.
    pub rows: Vec<SalesRow>,
    pub trend: Vec<TrendPoint>,
}

/// Change from `before` to `now` in per mille (‰ avoids floats in JSON); none when
/// `before` is zero.
pub fn change_permille(now: i64, before: i64) -> Option<i64> {
    (before != 0).then(|| {
        let d = i128::from(now - before) * 1000 / i128::from(before.abs());
        i64::try_from(d).unwrap_or(i64::MAX)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn query(from: &str, to: &str) -> SalesQuery {
        SalesQuery {
            from: from.into(),
            to: to.into(),
            ..Default::default()
        }
    }

    #[test]
    fn an_empty_request_is_this_month_to_date_by_model_and_month() {
        let r = SalesQuery::default()
            .check(d("2026-11-27"), Lang::ZhCn)
            .unwrap();
        assert_eq!(
            r.range,
            Range {
                from: d("2026-11-01"),
                to: d("2026-11-27")
            }
        );
        assert_eq!(
            (r.by, r.bucket, r.store_id),
            (Dimension::Model, Bucket::Month, None)
        );
    }

    #[test]
    fn each_bad_field_is_named() {
        let today = d("2026-11-27");
        let field = |q: SalesQuery| {
            q.check(today, Lang::ZhCn).unwrap_err().fields()[0]
                .field
                .clone()
        };
        assert_eq!(field(query("2026-13-01", "")), "from");
        assert_eq!(field(query("", "27/11/2026")), "to");
        assert_eq!(field(query("2026-11-28", "2026-11-27")), "from");
        assert_eq!(field(query("2020-01-01", "2026-11-27")), "from");
        assert_eq!(
            field(SalesQuery {
                by: "colour".into(),
                ..Default::default()
            }),
            "by"
        );
        assert_eq!(
            field(SalesQuery {
                bucket: "year".into(),
                ..Default::default()
            }),
            "bucket"
        );
        assert_eq!(
            field(SalesQuery {
                store_id: "-1".into(),
                ..Default::default()
            }),
            "store_id"
        );
        assert_eq!(field(query(&"9".repeat(5000), "")), "from");
    }

    #[test]
    fn the_comparison_periods_are_the_days_before_and_the_same_dates_last_year() {
        let november = Range {
            from: d("2026-11-01"),
            to: d("2026-11-30"),
        };
        assert_eq!(
            november.previous(),
            Range {
                from: d("2026-10-02"),
                to: d("2026-10-31")
            }
        );
        assert_eq!(
            november.last_year(),
            Range {
                from: d("2025-11-01"),
                to: d("2025-11-30")
            }
        );
        let leap = Range {
            from: d("2028-02-29"),
            to: d("2028-03-01"),
        };
        assert_eq!(
            leap.last_year(),
            Range {
                from: d("2027-02-28"),
                to: d("2027-03-01")
            }
        );
        assert_eq!(year_after(d("2024-02-29")), d("2025-02-28"));
    }

    #[test]
    fn buckets_start_on_the_day_the_monday_and_the_first() {
        let thu = d("2026-11-26");
        assert_eq!(Bucket::Day.start(thu), thu);
        assert_eq!(Bucket::Week.start(thu), d("2026-11-23"));
        assert_eq!(Bucket::Month.start(thu), d("2026-11-01"));
        assert_eq!(Bucket::Week.label(d("2026-11-23")), "2026-W48");
        assert_eq!(Bucket::Week.label(d("2025-12-29")), "2026-W01");
        assert_eq!(Bucket::Month.label(d("2026-11-01")), "2026-11");
    }

    #[test]
    fn margins_are_shown_only_to_those_who_may_see_cost() {
        let s = Sums {
            units: 3,
            revenue: 30_000_000,
            paid: 2_000_000,
            discount: 500_000,
            cost: 17_000_000,
            costed: 2,
            costed_revenue: 20_000_000,
        };
        assert_eq!(s.figures(true).margin, Some(3_000_000));
        assert_eq!(s.figures(true).margin_units, Some(2));
        assert_eq!(s.figures(false).margin, None);
        assert_eq!(change_permille(120, 100), Some(200));
        assert_eq!(change_permille(50, 100), Some(-500));
        assert_eq!(change_permille(5, 0), None);
    }
}

//! Inventory turnover (库存周转): per model and store, how fast stock sells — turnover
//! (times a year), days of supply at the recent rate of sale, days in stock of what sold —
//! how old the stock on hand is (0–30, 31–60, 61–90, over 90 days), what it is worth at
//! cost and what holding it is estimated to have cost, and which specs are slow to move.
//!
//! Stock on hand is the dealer's unsold cars: in transit, in stock and reserved. Over a
//! window of the last N days, stock at its start is worked out from stock now, the cars
//! sold in it and the cars entered in it (start = now + sold − entered), so the average
//! stock needs no daily snapshot. A car moved to another store counts where it stands now.

use super::sales::parse_store;
use crate::{error::AppError, i18n::Lang};
use serde::{Deserialize, Serialize};

/// The windows a report may look back over, in days.
pub const WINDOWS: [i64; 5] = [30, 60, 90, 180, 365];
pub const DEFAULT_WINDOW: i64 = 90;
/// A spec is slow when its stock would last longer than this at the window's rate of
/// sale (or nothing of it sold).
pub const SLOW_DAYS: f64 = 90.0;
/// The most slow specs a report lists.
pub const MAX_SLOW: usize = 20;
/// The age bands' upper ends in days (the last band is open).
pub const AGE_BANDS: [i64; 3] = [30, 60, 90];

/// A turnover report as asked: every field text.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
#[serde(default)]
pub struct TurnoverQuery {
    /// The window to look back over: 30, 60, 90 (default), 180 or 365 days.
    pub days: String,
    /// One store (a group-wide role; others see their own store whatever this says).
    pub store_id: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TurnoverRequest {
    pub days: i64,
    pub store_id: Option<i64>,
}

impl TurnoverQuery {
    pub fn check(&self, lang: Lang) -> Result<TurnoverRequest, AppError> {
        let days = match self.days.trim() {
            "" => DEFAULT_WINDOW,
            s => s
                .parse::<i64>()
                .ok()
                .filter(|d| WINDOWS.contains(d))
                .ok_or_else(|| AppError::invalid("days", lang.t("analytics.bad_window")))?,
        };
        Ok(TurnoverRequest {
            days,
            store_id: parse_store(&self.store_id, lang)?,
        })
    }
}

/// Which age band a car `days` in stock falls in (0: up to 30 days … 3: over 90).
pub fn age_band(days: i64) -> usize {
    AGE_BANDS.iter().filter(|&&end| days > end).count()
}

/// What the database counts of one group of cars (a model in a store, a store, all).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StockFlow {
    /// Unsold cars now: in transit, in stock, reserved.
    pub on_hand: i64,
    pub in_transit: i64,
    /// Their cost, in fen.
    pub value: i64,
    /// Sold in the window, their cost, and their days in stock summed.
    pub sold: i64,
    pub sold_cost: i64,
    pub sold_days: i64,
    /// Entered (taken in or ordered from the maker) in the window.
    pub entered: i64,
    /// Cars in stock or reserved by age band, and their cost.
    pub aged: [i64; 4],
    pub aged_value: [i64; 4],
    /// Σ cost × days in stock over the cars in stock or reserved (fen·days).
    pub cost_days: i128,
}

impl StockFlow {
    pub fn add(&mut self, o: &StockFlow) {
        self.on_hand += o.on_hand;
        self.in_transit += o.in_transit;
        self.value += o.value;
        self.sold += o.sold;
        self.sold_cost += o.sold_cost;
        self.sold_days += o.sold_days;
        self.entered += o.entered;
        for i in 0..4 {
            self.aged[i] += o.aged[i];
            self.aged_value[i] += o.aged_value[i];
        }
        self.cost_days += o.cost_days;
    }

    /// Stock at the window's start: now, plus what left, less what came.
    pub fn start_stock(&self) -> i64 {
        (self.on_hand + self.sold - self.entered).max(0)
    }

    pub fn average_stock(&self) -> f64 {
        (self.start_stock() + self.on_hand) as f64 / 2.0
    }

    /// Times a year the stock turns over at the window's pace: sold ÷ average stock,
    /// scaled to a year. None without stock.
    pub fn turnover(&self, days: i64) -> Option<f64> {
        let avg = self.average_stock();
        (avg > 0.0 && days > 0).then(|| round1(self.sold as f64 / avg * 365.0 / days as f64))
    }

    /// Days the stock on hand lasts at the window's rate of sale. None when nothing sold.
    pub fn days_of_supply(&self, days: i64) -> Option<f64> {
        (self.sold > 0).then(|| (self.on_hand as f64 * days as f64 / self.sold as f64).round())
    }

    /// Average days in stock of the cars sold in the window.
    pub fn days_in_stock(&self) -> Option<f64> {
        (self.sold > 0).then(|| round1(self.sold_days as f64 / self.sold as f64))
    }

    /// The estimated cost of holding the stock on hand so far, in fen, at `rate_ppm`
    /// parts per million of a car's cost a day.
    pub fn holding_cost(&self, rate_ppm: i64) -> i64 {
        self.cost_days
            .checked_mul(i128::from(rate_ppm))
            .map(|f| f / 1_000_000)
            .and_then(|f| i64::try_from(f).ok())
            .unwrap_or(i64::MAX)
    }

    /// The line a report shows.
    pub fn line(&self, key: String, label: String, days: i64, rate_ppm: i64) -> TurnoverLine {
        TurnoverLine {
            key,
            label,
            on_hand: self.on_hand,
            in_transit: self.in_transit,
            value: self.value,
            sold: self.sold,
            sold_cost: self.sold_cost,
            average_stock: round1(self.average_stock()),
            turnover: self.turnover(days),
            days_of_supply: self.days_of_supply(days),
            days_in_stock: self.days_in_stock(),
            aged: self.aged.to_vec(),
            aged_value: self.aged_value.to_vec(),
            holding_cost: self.holding_cost(rate_ppm),
        }
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// One line of the report (a model, a store, or everything). Money in fen.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TurnoverLine {
    /// The model's or store's id (empty for the whole).
    pub key: String,
    pub label: String,
    pub on_hand: i64,
    pub in_transit: i64,
    /// The stock on hand at cost.
    pub value: i64,
    /// Sold in the window, and their cost.
    pub sold: i64,
    pub sold_cost: i64,
    pub average_stock: f64,
    /// Times a year.
    pub turnover: Option<f64>,
    pub days_of_supply: Option<f64>,
    /// Average days in stock of what sold.
    pub days_in_stock: Option<f64>,
    /// Cars in stock by age band (0–30, 31–60, 61–90, over 90 days) and their cost.
    pub aged: Vec<i64>,
    pub aged_value: Vec<i64>,
    /// Estimated cost of holding the stock so far.
    pub holding_cost: i64,
}

/// A spec (model, trim, colour, store) whose stock moves slowly.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SlowMover {
    pub model_id: i64,
    pub trim_id: i64,
    pub color_id: i64,
    pub store_id: i64,
    /// `秦PLUS DM-i 55KM 领先型 雪域白`.
    pub label: String,
    pub store_name: String,
    pub on_hand: i64,
    pub sold: i64,
    pub days_of_supply: Option<f64>,
    /// Days in stock of its oldest car.
    pub oldest_days: i64,
    pub value: i64,
}

/// Is a spec with `on_hand` cars and `sold` sales in a window of `days` slow?
pub fn is_slow(on_hand: i64, sold: i64, days: i64) -> bool {
    on_hand > 0 && (sold == 0 || on_hand as f64 * days as f64 / sold as f64 > SLOW_DAYS)
}

/// The turnover report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TurnoverReport {
    /// The window, in days, ending today.
    pub days: i64,
    pub store_id: Option<i64>,
    /// The holding cost's daily rate, in parts per million of cost.
    pub holding_rate_ppm: i64,
    pub totals: TurnoverLine,
    /// Per model, most stock first.
    pub models: Vec<TurnoverLine>,
    /// Per store.
    pub stores: Vec<TurnoverLine>,
    /// Slowest first (oldest car first).
    pub slow: Vec<SlowMover>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_are_the_listed_ones() {
        let q = |d: &str| TurnoverQuery {
            days: d.into(),
            store_id: String::new(),
        };
        assert_eq!(q("").check(Lang::ZhCn).unwrap().days, 90);
        assert_eq!(q("365").check(Lang::ZhCn).unwrap().days, 365);
        for bad in ["0", "45", "-30", "abc", "99999999999999999999"] {
            assert_eq!(
                q(bad).check(Lang::ZhCn).unwrap_err().fields()[0].field,
                "days"
            );
        }
    }

    #[test]
    fn age_bands_end_at_30_60_and_90_days() {
        assert_eq!(age_band(0), 0);
        assert_eq!(age_band(30), 0);
        assert_eq!(age_band(31), 1);
        assert_eq!(age_band(60), 1);
        assert_eq!(age_band(90), 2);
        assert_eq!(age_band(91), 3);
        assert_eq!(age_band(400), 3);
    }

    #[test]
    fn turnover_uses_the_average_of_the_stock_worked_back_and_now() {
        // 10 on hand now; 30 sold and 20 entered in 90 days: 20 at the start, 15 on average.
        let f = StockFlow {
            on_hand: 10,
            sold: 30,
            sold_days: 30 * 45,
            entered: 20,
            ..Default::default()
        };
        assert_eq!(f.start_stock(), 20);
        assert_eq!(f.average_stock(), 15.0);
        // 30 / 15 = 2 in 90 days: 8.1 a year.
        assert_eq!(f.turnover(90), Some(8.1));
        // 10 cars at 30 per 90 days last 30 days.
        assert_eq!(f.days_of_supply(90), Some(30.0));
        assert_eq!(f.days_in_stock(), Some(45.0));
    }

    #[test]
    fn without_sales_or_stock_there_is_no_rate() {
        let none = StockFlow::default();
        assert_eq!(none.turnover(90), None);
        assert_eq!(none.days_of_supply(90), None);
        assert_eq!(none.days_in_stock(), None);
        let unsold = StockFlow {
            on_hand: 4,
            entered: 4,
            ..Default::default()
        };
        assert_eq!(unsold.start_stock(), 0);
        assert_eq!(unsold.turnover(30), Some(0.0));
        assert_eq!(unsold.days_of_supply(30), None);
        // More entered than could have been on hand: the start is never negative.
        let burst = StockFlow {
            on_hand: 1,
            sold: 0,
            entered: 5,
            ..Default::default()
        };
        assert_eq!(burst.start_stock(), 0);
    }

    #[test]
    fn holding_cost_is_cost_times_days_at_the_daily_rate() {
        // Two cars of ¥100,000 held 50 and 150 days at 300 ppm a day: ¥6,000.
        let f = StockFlow {
            cost_days: 2 * 10_000_000 * 100,
            ..Default::default()
        };
        assert_eq!(f.holding_cost(300), 600_000);
        assert_eq!(f.holding_cost(0), 0);
        let huge = StockFlow {
            cost_days: i128::MAX / 2,
            ..Default::default()
        };
        assert_eq!(huge.holding_cost(10_000), i64::MAX);
    }

    #[test]
    fn a_spec_is_slow_without_sales_or_with_over_90_days_of_supply() {
        assert!(is_slow(3, 0, 90));
        assert!(is_slow(10, 9, 90)); // 100 days
        assert!(!is_slow(9, 9, 90)); // 90 days
        assert!(!is_slow(0, 0, 90));
        assert!(!is_slow(2, 10, 30));
    }

    #[test]
    fn flows_add_up() {
        let mut a = StockFlow {
            on_hand: 2,
            aged: [1, 0, 0, 1],
            aged_value: [5, 0, 0, 7],
            cost_days: 10,
            ..Default::default()
        };
        a.add(&StockFlow {
            on_hand: 3,
            sold: 1,
            aged: [0, 2, 0, 1],
            aged_value: [0, 4, 0, 1],
            cost_days: 5,
            ..Default::default()
        });
        assert_eq!(a.on_hand, 5);
        assert_eq!(a.sold, 1);
        assert_eq!(a.aged, [1, 2, 0, 2]);
        assert_eq!(a.aged_value, [5, 4, 0, 8]);
        assert_eq!(a.cost_days, 15);
        let line = a.line("1".into(), "x".into(), 90, 300);
        assert_eq!(line.aged, vec![1, 2, 0, 2]);
        assert_eq!(line.on_hand, 5);
    }
}

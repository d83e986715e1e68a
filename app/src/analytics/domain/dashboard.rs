//! The dashboard (经营看板) a general manager reads on a phone: today's orders and
//! revenue, what waits for approval, the stock's value and its aged cars, overdue
//! follow-ups, open complaints and this month against its target — each figure with the
//! list behind it — and four charts.
//!
//! Each figure's link opens the list page filtered to exactly the records it counts: the
//! filters here are the ones the lists read (a test reads them back).

use super::{
    customers::FunnelStage,
    sales::{Figures, SalesRow, TrendPoint},
};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// A car is aged on the dashboard after this many days in stock (the last age band).
pub const AGED_DAYS: i64 = 90;

/// This month so far against its target.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MonthProgress {
    /// `2026-12`.
    #[cfg_attr(feature = "ssr", schema(value_type = String))]
    pub month: NaiveDate,
    pub units: i64,
    pub revenue: i64,
    /// The stores' targets summed; none when no store in scope has one.
    pub target_units: Option<i64>,
    pub target_revenue: Option<i64>,
    /// Done of the target, in per mille.
    pub units_permille: Option<i64>,
    pub revenue_permille: Option<i64>,
    /// How much of the month has passed (today included), in per mille: on pace when the
    /// done share is at least this.
    pub elapsed_permille: i64,
}

impl MonthProgress {
    pub fn new(
        today: NaiveDate,
        units: i64,
        revenue: i64,
        target: Option<(i64, i64)>,
    ) -> MonthProgress {
        let month = today.with_day(1).unwrap_or(today);
        let days_in_month = month
            .checked_add_months(chrono::Months::new(1))
            .map(|next| (next - month).num_days())
            .unwrap_or(30);
        let done = |x: i64, of: i64| (of > 0).then(|| x * 1000 / of);
        MonthProgress {
            month,
            units,
            revenue,
            target_units: target.map(|t| t.0),
            target_revenue: target.map(|t| t.1),
            units_permille: target.and_then(|t| done(units, t.0)),
            revenue_permille: target.and_then(|t| done(revenue, t.1)),
            elapsed_permille: i64::from(today.day()) * 1000 / days_in_month,
        }
    }
}

/// The dashboard's figures for the caller's store, or the group. A figure whose list the
/// caller may not open (orders for an inventory clerk, complaints for an admin) is absent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Dashboard {
    #[cfg_attr(feature = "ssr", schema(value_type = String, example = "2026-12-07"))]
    pub today: NaiveDate,
    /// The store shown (none: every store).
    pub store_id: Option<i64>,
    /// Orders entered today, in any status.
    pub orders_today: Option<i64>,
    /// Today's orders that count as sold, and their value.
    pub sold_today: Figures,
    /// Orders waiting for approval.
    pub pending_approvals: Option<i64>,
    /// Cars on hand (in transit, in stock, reserved) and their cost, in fen.
    pub stock_units: i64,
    pub stock_value: i64,
    /// Cars in stock or reserved more than [`AGED_DAYS`] days.
    pub aged_units: i64,
    /// Follow-ups due before today and not done.
    pub overdue_follow_ups: Option<i64>,
    /// Complaints not settled (not resolved or closed).
    pub open_complaints: Option<i64>,
    pub month: MonthProgress,
    /// The last twelve months' sales, month by month, each beside last year's.
    pub trend: Vec<TrendPoint>,
    /// This month's sales by model, most revenue first.
    pub models: Vec<SalesRow>,
    /// This month's leads through the funnel.
    pub funnel: Vec<FunnelStage>,
    /// Cars in stock or reserved by age band (0–30, 31–60, 61–90, over 90 days).
    pub aging: Vec<i64>,
}

/// What the dashboard is asked for: a store (group-wide roles; empty: all).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
#[serde(default)]
pub struct DashboardQuery {
    pub store_id: String,
}

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn store_param(store: Option<i64>) -> String {
    store.map(|s| format!("&store_id={s}")).unwrap_or_default()
}

/// Where each dashboard figure leads: the list of exactly the records it counts.
pub struct Links;

impl Links {
    pub fn orders_today(today: NaiveDate, store: Option<i64>) -> String {
        format!(
            "/orders?from={d}&to={d}{}",
            store_param(store),
            d = day(today)
        )
    }

    pub fn sold_today(today: NaiveDate, store: Option<i64>) -> String {
        format!(
            "/orders?from={d}&to={d}&sold=1{}",
            store_param(store),
            d = day(today)
        )
    }

    pub fn pending_approvals(store: Option<i64>) -> String {
        format!("/orders?status=pending_approval{}", store_param(store))
    }

    pub fn stock(store: Option<i64>) -> String {
        format!("/inventory/vehicles?status=on_hand{}", store_param(store))
    }

    /// In stock or reserved, arrived more than [`AGED_DAYS`] days ago.
    pub fn aged(store: Option<i64>) -> String {
        format!(
            "/inventory/vehicles?min_days={}{}",
            AGED_DAYS + 1,
            store_param(store)
        )
    }

    pub fn overdue_follow_ups(store: Option<i64>) -> String {
        format!("/crm/follow-ups?view=overdue&team=1{}", store_param(store))
    }

    pub fn open_complaints(store: Option<i64>) -> String {
        format!("/complaints?status=live{}", store_param(store))
    }

    pub fn month_sales(month: NaiveDate, today: NaiveDate, store: Option<i64>) -> String {
        format!(
            "/analytics/sales?from={}&to={}{}",
            day(month),
            day(today),
            store_param(store)
        )
    }
}

/// Fen as 万元 to one decimal, as a manager reads a total: `¥1,234.5万`.
pub fn wan(fen: i64) -> String {
    let tenth_wan = (fen as f64 / 100_000.0).round() as i64;
    let whole = crate::domain::Money::from_yuan(tenth_wan.abs() / 10).to_string();
    let whole = whole.trim_end_matches(".00");
    format!(
        "{}{}.{}万",
        if tenth_wan < 0 { "-" } else { "" },
        whole,
        tenth_wan.abs() % 10
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn progress_against_the_target_and_the_month_elapsed() {
        let p = MonthProgress::new(d("2026-12-07"), 12, 30_000_000, Some((40, 100_000_000)));
        assert_eq!(p.month, d("2026-12-01"));
        assert_eq!(p.units_permille, Some(300));
        assert_eq!(p.revenue_permille, Some(300));
        assert_eq!(p.elapsed_permille, 7 * 1000 / 31);
        let none = MonthProgress::new(d("2026-02-28"), 3, 1, None);
        assert_eq!(none.units_permille, None);
        assert_eq!(none.elapsed_permille, 1000);
        let zero = MonthProgress::new(d("2026-02-01"), 3, 1, Some((0, 0)));
        assert_eq!(zero.target_units, Some(0));
        assert_eq!(zero.units_permille, None);
    }

    #[test]
    fn links_carry_the_day_and_the_store() {
        let today = d("2026-12-07");
        assert_eq!(
            Links::orders_today(today, None),
            "/orders?from=2026-12-07&to=2026-12-07"
        );
        assert_eq!(
            Links::sold_today(today, Some(2)),
            "/orders?from=2026-12-07&to=2026-12-07&sold=1&store_id=2"
        );
        assert_eq!(Links::aged(None), "/inventory/vehicles?min_days=91");
        assert_eq!(
            Links::month_sales(d("2026-12-01"), today, None),
            "/analytics/sales?from=2026-12-01&to=2026-12-07"
        );
    }

    #[test]
    fn money_in_wan() {
        assert_eq!(wan(0), "¥0.0万");
        assert_eq!(wan(12_345_678_900), "¥12,345.7万");
        assert_eq!(wan(15_980_000), "¥16.0万");
        assert_eq!(wan(-5_000_000), "-¥5.0万");
    }
}

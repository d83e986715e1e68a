//! The sales report, read from the daily summary (`sales_daily`) the database keeps
//! in step with every order write: a range of a few years reads a few thousand summary
//! rows, however many orders there are.

use crate::{
    analytics::domain::sales::{
        change_permille, year_after, Bucket, Dimension, Range, SalesQuery, SalesReport, SalesRow,
        Sums, TrendPoint,
    },
    auth::{Action, Principal},
    ctx::Ctx,
    db::Where,
    error::AppError,
    orders::domain::status::PaymentType,
};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// The summed columns, as every query here selects them.
const SUMS: &str =
    "CAST(SUM(s.units) AS BIGINT), CAST(SUM(s.revenue) AS BIGINT), CAST(SUM(s.paid) AS BIGINT),
    CAST(SUM(s.discount) AS BIGINT), CAST(SUM(s.cost) AS BIGINT), CAST(SUM(s.costed) AS BIGINT),
    CAST(SUM(s.costed_revenue) AS BIGINT)";

type SumCols = (i64, i64, i64, i64, i64, i64, i64);
/// A day and its sums.
type DayRow = (String, i64, i64, i64, i64, i64, i64, i64);
/// A breakdown's key, label and sums.
type LineRow = (String, String, i64, i64, i64, i64, i64, i64, i64);

fn sums((units, revenue, paid, discount, cost, costed, costed_revenue): SumCols) -> Sums {
    Sums {
        units,
        revenue,
        paid,
        discount,
        cost,
        costed,
        costed_revenue,
    }
}

/// The store a caller's report covers: a store-bound role's own, whatever it asked; a
/// group-wide role's choice (none: all).
fn store_of(p: &Principal, asked: Option<i64>) -> Option<i64> {
    p.store_scope().or(asked)
}

/// The summary rows of `range` (and `store`).
fn filter(range: Range, store: Option<i64>) -> Where {
    let mut w = Where::new();
    w.and_range(
        "s.day >= ? AND s.day <= ?",
        range.from.format("%Y-%m-%d").to_string(),
        range.to.format("%Y-%m-%d").to_string(),
    );
    if let Some(store) = store {
        w.and("s.store_id = ?", store);
    }
    w
}

/// The range's sums, day by day (days without sales absent).
pub(crate) async fn by_day(
    ctx: &Ctx,
    range: Range,
    store: Option<i64>,
) -> Result<Vec<(NaiveDate, Sums)>, AppError> {
    let rows: Vec<DayRow> = filter(range, store)
        .build(
            &format!("SELECT s.day, {SUMS} FROM sales_daily s"),
            "GROUP BY s.day ORDER BY s.day",
        )
        .fetch_all(ctx.db())
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(day, a, b, c, d, e, f, g)| {
            let day = NaiveDate::parse_from_str(&day, "%Y-%m-%d").ok()?;
            Some((day, sums((a, b, c, d, e, f, g))))
        })
        .collect())
}

pub(crate) fn total(days: &[(NaiveDate, Sums)]) -> Sums {
    let mut t = Sums::default();
    for (_, s) in days {
        t.add(s);
    }
    t
}

/// The breakdown's key, its label and what they need joined.
fn dimension_sql(by: Dimension) -> (&'static str, &'static str, &'static str) {
    match by {
        Dimension::Model => (
            "CAST(s.model_id AS TEXT)",
            "m.name",
            "JOIN models m ON m.id = s.model_id",
        ),
        Dimension::Trim => (
            "CAST(s.trim_id AS TEXT)",
            "m.name || ' ' || t.name",
            "JOIN trims t ON t.id = s.trim_id JOIN models m ON m.id = t.model_id",
        ),
        Dimension::Color => (
            "CAST(s.color_id AS TEXT)",
            "m.name || ' ' || c.name",
            "JOIN colors c ON c.id = s.color_id JOIN models m ON m.id = c.model_id",
        ),
        Dimension::Store => (
            "CAST(s.store_id AS TEXT)",
            "st.name",
            "JOIN stores st ON st.id = s.store_id",
        ),
        Dimension::Salesperson => (
            "CAST(s.salesperson_id AS TEXT)",
            "COALESCE(u.display_name, '')",
            "LEFT JOIN users u ON u.id = s.salesperson_id",
        ),
        Dimension::PaymentType => ("s.payment_type", "s.payment_type", ""),
    }
}

/// The sales report a caller asked for. Sales managers, general managers, inventory
/// clerks and admins may read it; margins only those who may see cost.
#[tracing::instrument(name = "analytics.sales", skip_all)]
pub async fn report(ctx: &Ctx, q: &SalesQuery) -> Result<SalesReport, AppError> {
    let p = ctx.require(Action::ViewAnalytics)?;
    let margins = crate::auth::permissions::allowed(p.role, Action::ViewMargins);
    let lang = ctx.lang();
    let r = q.check(ctx.today(), lang)?;
    let store = store_of(p, r.store_id);
    let (previous_range, last_year_range) = (r.range.previous(), r.range.last_year());

    let days = by_day(ctx, r.range, store).await?;
    let previous = total(&by_day(ctx, previous_range, store).await?);
    let last_year_days = by_day(ctx, last_year_range, store).await?;
    let totals = total(&days);
    let last_year = total(&last_year_days);

    let (key, label, join) = dimension_sql(r.by);
    let lines: Vec<LineRow> = filter(r.range, store)
        .build(
            &format!("SELECT {key}, {label}, {SUMS} FROM sales_daily s {join}"),
            &format!("GROUP BY {key}, {label} HAVING SUM(s.units) <> 0 ORDER BY 4 DESC, 1"),
        )
        .fetch_all(ctx.db())
        .await?;
    let rows = lines
        .into_iter()
        .map(|(key, label, a, b, c, d, e, f, g)| {
            let s = sums((a, b, c, d, e, f, g));
            let label = match r.by {
                Dimension::PaymentType => PaymentType::parse(&key)
                    .map(|t| lang.t(t.label_key()).to_owned())
                    .unwrap_or(label),
                Dimension::Salesperson if key == "0" => {
                    lang.t("analytics.no_salesperson").to_owned()
                }
                _ => label,
            };
            SalesRow {
                key,
                label,
                share_permille: (totals.revenue != 0).then(|| s.revenue * 1000 / totals.revenue),
                figures: s.figures(margins),
            }
        })
        .collect();

    let trend = trend(r.range, r.bucket, &days, &last_year_days, margins);
    Ok(SalesReport {
        range: r.range,
        previous_range,
        last_year_range,
        store_id: store,
        by: r.by,
        bucket: r.bucket,
        units_vs_previous: change_permille(totals.units, previous.units),
        revenue_vs_previous: change_permille(totals.revenue, previous.revenue),
        units_vs_last_year: change_permille(totals.units, last_year.units),
        revenue_vs_last_year: change_permille(totals.revenue, last_year.revenue),
        totals: totals.figures(margins),
        previous: previous.figures(margins),
        last_year: last_year.figures(margins),
        rows,
        trend,
    })
}

/// Every bucket of the range (empty ones too), each with the same days a year earlier.
fn trend(
    range: Range,
    bucket: Bucket,
    days: &[(NaiveDate, Sums)],
    last_year: &[(NaiveDate, Sums)],
    margins: bool,
) -> Vec<TrendPoint> {
    let mut points: BTreeMap<NaiveDate, (Sums, Sums)> = BTreeMap::new();
    let mut day = range.from;
    while day <= range.to {
        let start = bucket.start(day).max(range.from);
        points.entry(start).or_default();
        match day.succ_opt() {
            Some(next) => day = next,
            None => break,
        }
    }
    let place = |day: NaiveDate| bucket.start(day).max(range.from);
    for (day, s) in days {
        if let Some(p) = points.get_mut(&place(*day)) {
            p.0.add(s);
        }
    }
    for (day, s) in last_year {
        let shifted = year_after(*day);
        if range.contains(shifted) {
            if let Some(p) = points.get_mut(&place(shifted)) {
                p.1.add(s);
            }
        }
    }
    points
        .into_iter()
        .map(|(start, (now, before))| TrendPoint {
            start,
            label: bucket.label(bucket.start(start)),
            figures: now.figures(margins),
            last_year: before.figures(margins),
        })
        .collect()
}

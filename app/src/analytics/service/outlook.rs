//! The outlook: weekly sales per model from the daily summary, a forecast and its
//! backtest per model, and a reorder suggestion against the stock, what is on its way,
//! the orders waiting for a car and the thresholds — all computed here, no outside
//! service.

use crate::{
    analytics::domain::{
        forecast::{self, WEEKS_PER_YEAR},
        outlook::{ModelOutlook, Outlook, OutlookQuery, BACKTEST_WEEKS, HORIZON},
        reorder::{self, Position, RECENT_WEEKS},
        sales::Bucket,
    },
    auth::Action,
    ctx::Ctx,
    db::Where,
    error::AppError,
};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// Per model: (in stock and free, in transit).
type Stock = BTreeMap<i64, (i64, i64)>;

/// The forecast and reorder suggestion of every model with sales or stock, largest
/// suggestion first. Readers of the reports may read it; a store-bound role sees its own
/// store's.
#[tracing::instrument(name = "analytics.outlook", skip_all)]
pub async fn outlook(ctx: &Ctx, q: &OutlookQuery) -> Result<Outlook, AppError> {
    let p = ctx.require(Action::ViewAnalytics)?;
    let lang = ctx.lang();
    let r = q.check(lang)?;
    let store = p.store_scope().or(r.store_id);
    // Whole weeks only: history ends last Sunday, the forecast starts this Monday.
    let this_week = Bucket::Week.start(ctx.today());
    let first = this_week - chrono::Duration::weeks(forecast::MAX_HISTORY as i64);

    let mut w = Where::new();
    w.and_range(
        "s.day >= ? AND s.day < ?",
        first.format("%Y-%m-%d").to_string(),
        this_week.format("%Y-%m-%d").to_string(),
    );
    if let Some(store) = store {
        w.and("s.store_id = ?", store);
    }
    let daily: Vec<(i64, String, i64)> = w
        .build(
            "SELECT s.model_id, s.day, CAST(SUM(s.units) AS BIGINT) FROM sales_daily s",
            "GROUP BY s.model_id, s.day",
        )
        .fetch_all(ctx.db())
        .await?;
    let mut weekly: BTreeMap<i64, BTreeMap<i64, i64>> = BTreeMap::new();
    for (model, day, units) in daily {
        let Ok(day) = NaiveDate::parse_from_str(&day, "%Y-%m-%d") else {
            continue;
        };
        let week = (Bucket::Week.start(day) - first).num_weeks();
        *weekly.entry(model).or_default().entry(week).or_default() += units;
    }

    let mut w = Where::new();
    w.and_sql("v.status IN ('in_stock', 'in_transit')");
    if let Some(store) = store {
        w.and("wh.store_id = ?", store);
    }
    let counts: Vec<(i64, String, i64)> = w
        .build(
            "SELECT v.model_id, v.status, COUNT(*) FROM vehicles v JOIN warehouses wh ON wh.id = v.warehouse_id",
            "GROUP BY v.model_id, v.status",
        )
        .fetch_all(ctx.db())
        .await?;
    let mut stock = Stock::new();
    for (model, status, n) in counts {
        let e = stock.entry(model).or_default();
        if status == "in_stock" {
            e.0 += n;
        } else {
            e.1 += n;
        }
    }

    // Orders waiting for a car, as the database counts them with every order write
    // (`order_backlog`), rather than counted again on each request.
    let mut w = Where::new();
    w.and_sql("b.orders <> 0");
    if let Some(store) = store {
        w.and("b.store_id = ?", store);
    }
    let backlog: BTreeMap<i64, i64> = w
        .build(
            "SELECT b.model_id, CAST(SUM(b.orders) AS BIGINT) FROM order_backlog b",
            "GROUP BY b.model_id",
        )
        .fetch_all::<(i64, i64)>(ctx.db())
        .await?
        .into_iter()
        .collect();

    let mut w = Where::new();
    w.and_sql("t.color_id IS NULL");
    if let Some(store) = store {
        w.and("wh.store_id = ?", store);
    }
    let thresholds: BTreeMap<i64, (Option<i64>, Option<i64>)> = w
        .build(
            "SELECT t.model_id, CAST(SUM(t.low_qty) AS BIGINT), CAST(SUM(t.high_qty) AS BIGINT)
             FROM stock_thresholds t JOIN warehouses wh ON wh.id = t.warehouse_id",
            "GROUP BY t.model_id",
        )
        .fetch_all::<(i64, Option<i64>, Option<i64>)>(ctx.db())
        .await?
        .into_iter()
        .map(|(m, low, high)| (m, (low, high)))
        .collect();

    let models: Vec<(i64, String)> = crate::db::sql("SELECT id, name FROM models ORDER BY id")
        .fetch_all(ctx.db())
        .await?;
    let total_weeks = forecast::MAX_HISTORY as i64;
    let mut out = Vec::new();
    for (model_id, model_name) in models {
        let sales = weekly.remove(&model_id).unwrap_or_default();
        let (in_stock, in_transit) = stock.get(&model_id).copied().unwrap_or_default();
        if sales.is_empty() && in_stock == 0 && in_transit == 0 {
            continue;
        }
        // From the model's first week with a sale (or just last week) to last week.
        let start = sales.keys().next().copied().unwrap_or(total_weeks - 1);
        let history: Vec<i64> = (start..total_weeks)
            .map(|w| sales.get(&w).copied().unwrap_or(0))
            .collect();
        let series: Vec<f64> = history.iter().map(|&u| u as f64).collect();
        let f = forecast::forecast(&series, WEEKS_PER_YEAR, HORIZON.max(r.lead_weeks));
        let backtest = forecast::backtest(&series, WEEKS_PER_YEAR, BACKTEST_WEEKS);
        let (low, high) = thresholds.get(&model_id).copied().unwrap_or_default();
        let position = Position {
            recent_sales: history.iter().rev().take(RECENT_WEEKS).sum(),
            forecast: f.values.clone(),
            sigma: f.sigma,
            lead_weeks: r.lead_weeks,
            in_stock,
            in_transit,
            backlog: backlog.get(&model_id).copied().unwrap_or(0),
            low,
            high,
        };
        let suggestion = reorder::suggest(&position);
        let reason = reorder::explain(&position, &suggestion, lang);
        out.push(ModelOutlook {
            model_id,
            model_name,
            method: f.method,
            forecast: f
                .values
                .iter()
                .take(HORIZON)
                .map(|v| (v * 10.0).round() / 10.0)
                .collect(),
            history,
            backtest,
            in_stock,
            in_transit,
            backlog: position.backlog,
            low,
            high,
            suggestion,
            reason,
        });
    }
    out.sort_by(|a, b| {
        b.suggestion
            .quantity
            .cmp(&a.suggestion.quantity)
            .then(a.model_id.cmp(&b.model_id))
    });
    Ok(Outlook {
        store_id: store,
        lead_weeks: r.lead_weeks,
        week_of: this_week.format("%Y-%m-%d").to_string(),
        models: out,
    })
}

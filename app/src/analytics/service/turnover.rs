//! The turnover report, counted from the vehicles: those on hand (by the stock index),
//! those sold in the window (by when they were sold, `vehicles.sold_at`, which the
//! database sets as a car's status moves) and those entered in it.

use crate::{
    analytics::domain::turnover::{
        is_slow, SlowMover, StockFlow, TurnoverQuery, TurnoverReport, AGE_BANDS, MAX_SLOW,
    },
    auth::Action,
    clock::day_start,
    ctx::Ctx,
    db::{sql, Dialect, Where},
    error::AppError,
};
use chrono::NaiveDate;
use std::collections::BTreeMap;

const DAY_MS: i64 = 86_400_000;
/// China time is UTC+8 all year.
const OFFSET_MS: i64 = 8 * 3_600_000;

/// Days since 1970-01-01 of a `YYYY-MM-DD` column, in each database's words.
fn epoch_day(dialect: Dialect, column: &str) -> String {
    match dialect {
        Dialect::Sqlite => format!("CAST(julianday({column}) - 2440587.5 AS INTEGER)"),
        Dialect::Postgres => format!("(CAST({column} AS DATE) - DATE '1970-01-01')"),
    }
}

fn day_number(d: NaiveDate) -> i64 {
    (d - NaiveDate::default()).num_days()
}

/// The current holding-cost rate, in parts per million of cost a day.
pub(crate) async fn holding_rate(ctx: &Ctx) -> Result<i64, AppError> {
    Ok(
        sql("SELECT holding_rate_ppm FROM analytics_settings WHERE id = 1")
            .scalar_optional::<i64>(ctx.db())
            .await?
            .unwrap_or(300),
    )
}

/// The age band (0–3) of a car in stock, in SQL: the same ends as
/// [`crate::analytics::domain::turnover::age_band`] (a car arrived on or after the day 30
/// days ago is in band 0, and so on).
fn band_sql(today: NaiveDate) -> (String, String) {
    let cut = |days: i64| {
        (today - chrono::Duration::days(days))
            .format("%Y-%m-%d")
            .to_string()
    };
    let arrival = format!("COALESCE(v.arrival_date, '{}')", today.format("%Y-%m-%d"));
    let band = format!(
        "CAST(CASE WHEN {arrival} >= '{}' THEN 0 WHEN {arrival} >= '{}' THEN 1 WHEN {arrival} >= '{}' THEN 2 ELSE 3 END AS BIGINT)",
        cut(AGE_BANDS[0]),
        cut(AGE_BANDS[1]),
        cut(AGE_BANDS[2]),
    );
    (arrival, band)
}

fn scoped(store: Option<i64>) -> Where {
    let mut w = Where::new();
    if let Some(store) = store {
        w.and("w.store_id = ?", store);
    }
    w
}

/// The turnover report a caller asked for: readers of the reports may read it; a
/// store-bound role sees its own store's.
#[tracing::instrument(name = "analytics.turnover", skip_all)]
pub async fn report(ctx: &Ctx, q: &TurnoverQuery) -> Result<TurnoverReport, AppError> {
    let p = ctx.require(Action::ViewAnalytics)?;
    let lang = ctx.lang();
    let r = q.check(lang)?;
    let store = p.store_scope().or(r.store_id);
    let dialect = ctx.db().dialect();
    let today = ctx.today();
    let since = day_start(today - chrono::Duration::days(r.days - 1));
    let rate = holding_rate(ctx).await?;
    const FROM: &str = "FROM vehicles v JOIN warehouses w ON w.id = v.warehouse_id";

    // Per store and model.
    let mut flows: BTreeMap<(i64, i64), StockFlow> = BTreeMap::new();
    let mut w = scoped(store);
    w.and_sql("v.status IN ('in_transit', 'in_stock', 'reserved')");
    let on_hand: Vec<(i64, i64, String, i64, i64)> = w
        .build(
            &format!(
                "SELECT w.store_id, v.model_id, v.status, COUNT(*), CAST(SUM(v.cost_fen) AS BIGINT) {FROM}"
            ),
            "GROUP BY w.store_id, v.model_id, v.status",
        )
        .fetch_all(ctx.db())
        .await?;
    for (s, m, status, n, cost) in on_hand {
        let f = flows.entry((s, m)).or_default();
        f.on_hand += n;
        f.value += cost;
        if status == "in_transit" {
            f.in_transit += n;
        }
    }

    // Cars in stock or reserved, by age band, with their cost × days.
    let (arrival, band) = band_sql(today);
    let held_days = format!("({} - {})", day_number(today), epoch_day(dialect, &arrival));
    let mut w = scoped(store);
    w.and_sql("v.status IN ('in_stock', 'reserved')");
    let aged: Vec<(i64, i64, i64, i64, i64, i64)> = w
        .build(
            &format!(
                "SELECT w.store_id, v.model_id, {band}, COUNT(*), CAST(SUM(v.cost_fen) AS BIGINT),
                        CAST(SUM(v.cost_fen * {held_days}) AS BIGINT) {FROM}"
            ),
            "GROUP BY 1, 2, 3",
        )
        .fetch_all(ctx.db())
        .await?;
    for (s, m, b, n, cost, cost_days) in aged {
        let f = flows.entry((s, m)).or_default();
        let b = usize::try_from(b).unwrap_or(3).min(3);
        f.aged[b] += n;
        f.aged_value[b] += cost;
        f.cost_days += i128::from(cost_days.max(0));
    }

    // Sold in the window, with their days in stock.
    let sold_day = format!("((v.sold_at + {OFFSET_MS}) / {DAY_MS})");
    let stock_days = format!(
        "CASE WHEN v.arrival_date IS NULL THEN 0 ELSE {sold_day} - {} END",
        epoch_day(dialect, "v.arrival_date")
    );
    let mut w = scoped(store);
    w.and("v.sold_at >= ?", since);
    let sold: Vec<(i64, i64, i64, i64, i64)> = w
        .build(
            &format!(
                "SELECT w.store_id, v.model_id, COUNT(*), CAST(SUM(v.cost_fen) AS BIGINT),
                        CAST(SUM({stock_days}) AS BIGINT) {FROM}"
            ),
            "GROUP BY w.store_id, v.model_id",
        )
        .fetch_all(ctx.db())
        .await?;
    for (s, m, n, cost, days) in sold {
        let f = flows.entry((s, m)).or_default();
        f.sold += n;
        f.sold_cost += cost;
        f.sold_days += days.max(0);
    }

    // Entered in the window.
    let mut w = scoped(store);
    w.and("v.created_at >= ?", since);
    let entered: Vec<(i64, i64, i64)> = w
        .build(
            &format!("SELECT w.store_id, v.model_id, COUNT(*) {FROM}"),
            "GROUP BY w.store_id, v.model_id",
        )
        .fetch_all(ctx.db())
        .await?;
    for (s, m, n) in entered {
        flows.entry((s, m)).or_default().entered += n;
    }

    let model_names: BTreeMap<i64, String> = sql("SELECT id, name FROM models")
        .fetch_all::<(i64, String)>(ctx.db())
        .await?
        .into_iter()
        .collect();
    let store_names: BTreeMap<i64, String> = sql("SELECT id, name FROM stores")
        .fetch_all::<(i64, String)>(ctx.db())
        .await?
        .into_iter()
        .collect();
    let mut per_model: BTreeMap<i64, StockFlow> = BTreeMap::new();
    let mut per_store: BTreeMap<i64, StockFlow> = BTreeMap::new();
    let mut total = StockFlow::default();
    for ((s, m), f) in &flows {
        per_model.entry(*m).or_default().add(f);
        per_store.entry(*s).or_default().add(f);
        total.add(f);
    }
    let mut models: Vec<_> = per_model
        .iter()
        .map(|(m, f)| {
            f.line(
                m.to_string(),
                model_names.get(m).cloned().unwrap_or_default(),
                r.days,
                rate,
            )
        })
        .collect();
    models.sort_by(|a, b| b.on_hand.cmp(&a.on_hand).then_with(|| a.key.cmp(&b.key)));
    let stores = per_store
        .iter()
        .map(|(s, f)| {
            f.line(
                s.to_string(),
                store_names.get(s).cloned().unwrap_or_default(),
                r.days,
                rate,
            )
        })
        .collect();

    let slow = slow_movers(ctx, store, since, r.days, today, &model_names, &store_names).await?;
    Ok(TurnoverReport {
        days: r.days,
        store_id: store,
        holding_rate_ppm: rate,
        totals: total.line(
            String::new(),
            lang.t("analytics.all").to_owned(),
            r.days,
            rate,
        ),
        models,
        stores,
        slow,
    })
}

/// Specs on hand (in stock or reserved) that would last more than the slow limit at the
/// window's rate of sale, oldest car first.
async fn slow_movers(
    ctx: &Ctx,
    store: Option<i64>,
    since: i64,
    days: i64,
    today: NaiveDate,
    model_names: &BTreeMap<i64, String>,
    store_names: &BTreeMap<i64, String>,
) -> Result<Vec<SlowMover>, AppError> {
    type Spec = (i64, i64, i64, i64);
    /// A spec on hand: store, model, trim, colour, cars, their cost, the oldest arrival.
    type Held = (i64, i64, i64, i64, i64, i64, Option<String>);
    let mut w = scoped(store);
    w.and_sql("v.status IN ('in_stock', 'reserved')");
    let held: Vec<Held> = w
        .build(
            "SELECT w.store_id, v.model_id, v.trim_id, v.color_id, COUNT(*), CAST(SUM(v.cost_fen) AS BIGINT),
                    MIN(v.arrival_date)
             FROM vehicles v JOIN warehouses w ON w.id = v.warehouse_id",
            "GROUP BY w.store_id, v.model_id, v.trim_id, v.color_id",
        )
        .fetch_all(ctx.db())
        .await?;
    let mut w = scoped(store);
    w.and("v.sold_at >= ?", since);
    let sold: BTreeMap<Spec, i64> = w
        .build(
            "SELECT w.store_id, v.model_id, v.trim_id, v.color_id, COUNT(*)
             FROM vehicles v JOIN warehouses w ON w.id = v.warehouse_id",
            "GROUP BY w.store_id, v.model_id, v.trim_id, v.color_id",
        )
        .fetch_all::<(i64, i64, i64, i64, i64)>(ctx.db())
        .await?
        .into_iter()
        .map(|(s, m, t, c, n)| ((s, m, t, c), n))
        .collect();
    let mut slow: Vec<(Spec, i64, i64, i64, i64)> = held
        .into_iter()
        .filter_map(|(s, m, t, c, n, value, oldest)| {
            let sold = sold.get(&(s, m, t, c)).copied().unwrap_or(0);
            let oldest_days = oldest
                .and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok())
                .map(|d| (today - d).num_days().max(0))
                .unwrap_or(0);
            is_slow(n, sold, days).then_some(((s, m, t, c), n, sold, oldest_days, value))
        })
        .collect();
    slow.sort_by(|a, b| b.3.cmp(&a.3).then(b.1.cmp(&a.1)).then(a.0.cmp(&b.0)));
    slow.truncate(MAX_SLOW);
    let names = spec_names(
        ctx,
        &slow.iter().map(|s| (s.0 .2, s.0 .3)).collect::<Vec<_>>(),
    )
    .await?;
    Ok(slow
        .into_iter()
        .map(|((s, m, t, c), n, sold, oldest_days, value)| {
            let (trim, color) = names.get(&(t, c)).cloned().unwrap_or_default();
            SlowMover {
                model_id: m,
                trim_id: t,
                color_id: c,
                store_id: s,
                label: format!(
                    "{} {trim} {color}",
                    model_names.get(&m).cloned().unwrap_or_default()
                ),
                store_name: store_names.get(&s).cloned().unwrap_or_default(),
                on_hand: n,
                sold,
                days_of_supply: (sold > 0).then(|| (n as f64 * days as f64 / sold as f64).round()),
                oldest_days,
                value,
            }
        })
        .collect())
}

/// Trim and colour names of (trim, colour) pairs.
async fn spec_names(
    ctx: &Ctx,
    specs: &[(i64, i64)],
) -> Result<BTreeMap<(i64, i64), (String, String)>, AppError> {
    if specs.is_empty() {
        return Ok(BTreeMap::new());
    }
    let trims: Vec<i64> = specs.iter().map(|s| s.0).collect();
    let colors: Vec<i64> = specs.iter().map(|s| s.1).collect();
    let mut w = Where::new();
    w.and_in("id", trims.into_iter().map(Into::into).collect());
    let trims: BTreeMap<i64, String> = w
        .build("SELECT id, name FROM trims", "")
        .fetch_all::<(i64, String)>(ctx.db())
        .await?
        .into_iter()
        .collect();
    let mut w = Where::new();
    w.and_in("id", colors.into_iter().map(Into::into).collect());
    let colors: BTreeMap<i64, String> = w
        .build("SELECT id, name FROM colors", "")
        .fetch_all::<(i64, String)>(ctx.db())
        .await?
        .into_iter()
        .collect();
    Ok(specs
        .iter()
        .map(|&(t, c)| {
            (
                (t, c),
                (
                    trims.get(&t).cloned().unwrap_or_default(),
                    colors.get(&c).cloned().unwrap_or_default(),
                ),
            )
        })
        .collect())
}

/// Cars in stock or reserved by age band (for the dashboard), counted as the report does.
pub(crate) async fn aging(ctx: &Ctx, store: Option<i64>) -> Result<[i64; 4], AppError> {
    let (_, band) = band_sql(ctx.today());
    let mut w = scoped(store);
    w.and_sql("v.status IN ('in_stock', 'reserved')");
    let rows: Vec<(i64, i64)> = w
        .build(
            &format!(
                "SELECT {band}, COUNT(*) FROM vehicles v JOIN warehouses w ON w.id = v.warehouse_id"
            ),
            "GROUP BY 1",
        )
        .fetch_all(ctx.db())
        .await?;
    let mut out = [0; 4];
    for (b, n) in rows {
        out[usize::try_from(b).unwrap_or(3).min(3)] += n;
    }
    Ok(out)
}

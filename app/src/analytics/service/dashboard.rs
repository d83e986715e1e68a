//! The dashboard's figures: each one a single indexed count or a read of the summaries,
//! counted with the same conditions as the list it leads to.

use crate::{
    analytics::{
        domain::{
            customers::Reach,
            dashboard::{Dashboard, DashboardQuery, MonthProgress},
            sales::{parse_store, Range, SalesQuery},
        },
        service::{customers::funnel, sales, turnover},
    },
    auth::{allowed, Action},
    clock::day_start,
    ctx::Ctx,
    db::Where,
    error::AppError,
};
use chrono::{Datelike, Months};

/// The dashboard for the caller's store, or (group-wide roles) the group or one store.
#[tracing::instrument(name = "analytics.dashboard", skip_all)]
pub async fn dashboard(ctx: &Ctx, q: &DashboardQuery) -> Result<Dashboard, AppError> {
    let p = ctx.require(Action::ViewAnalytics)?.clone();
    let store = p.store_scope().or(parse_store(&q.store_id, ctx.lang())?);
    let today = ctx.today();
    let (day_from, day_to) = (
        day_start(today),
        day_start(today + chrono::Duration::days(1)),
    );
    let may = |a: Action| allowed(p.role, a);
    let store_text = store.map(|s| s.to_string()).unwrap_or_default();

    let orders_today = if may(Action::ViewOrders) {
        let mut w = Where::new();
        w.and_range("o.created_at >= ? AND o.created_at < ?", day_from, day_to);
        Some(count(ctx, w, "orders o", "o.store_id", store).await?)
    } else {
        None
    };
    let pending_approvals = if may(Action::ViewOrders) {
        let mut w = Where::new();
        w.and_sql("o.status = 'pending_approval'");
        Some(count(ctx, w, "orders o", "o.store_id", store).await?)
    } else {
        None
    };
    let margins = allowed(p.role, Action::ViewMargins);
    let sold_today = sales::total(
        &sales::by_day(
            ctx,
            Range {
                from: today,
                to: today,
            },
            store,
        )
        .await?,
    )
    .figures(margins);

    let (stock_units, stock_value): (i64, i64) = {
        let mut w = Where::new();
        w.and_sql("v.status IN ('in_transit', 'in_stock', 'reserved')");
        if let Some(s) = store {
            w.and("w.store_id = ?", s);
        }
        w.build(
            "SELECT COUNT(*), CAST(COALESCE(SUM(v.cost_fen), 0) AS BIGINT)
             FROM vehicles v JOIN warehouses w ON w.id = v.warehouse_id",
            "",
        )
        .fetch_one(ctx.db())
        .await?
    };
    let aging = turnover::aging(ctx, store).await?;

    let overdue_follow_ups = if may(Action::ViewCustomers) {
        let mut w = Where::new();
        w.and_sql("f.done_at IS NULL");
        w.and("f.due_at < ?", day_from);
        crate::crm::service::scope(&mut w, &p, "f");
        Some(count(ctx, w, "follow_ups f", "f.store_id", store).await?)
    } else {
        None
    };
    let open_complaints = if may(Action::ViewComplaints) {
        let mut w = Where::new();
        w.and_sql("c.status NOT IN ('resolved', 'closed')");
        Some(count(ctx, w, "complaints c", "c.store_id", store).await?)
    } else {
        None
    };

    // This month against its target; the trend over twelve months; this month by model.
    let month = today.with_day(1).unwrap_or(today);
    let this_month = sales::total(
        &sales::by_day(
            ctx,
            Range {
                from: month,
                to: today,
            },
            store,
        )
        .await?,
    );
    let target: Option<(i64, i64)> = {
        let mut w = Where::new();
        w.and("t.month = ?", month.format("%Y-%m").to_string());
        if let Some(s) = store {
            w.and("t.store_id = ?", s);
        }
        let (n, units, revenue): (i64, i64, i64) = w
            .build(
                "SELECT COUNT(*), CAST(COALESCE(SUM(t.units), 0) AS BIGINT),
                        CAST(COALESCE(SUM(t.revenue), 0) AS BIGINT) FROM sales_targets t",
                "",
            )
            .fetch_one(ctx.db())
            .await?;
        (n > 0).then_some((units, revenue))
    };
    let year_start = month.checked_sub_months(Months::new(11)).unwrap_or(month);
    let trend = sales::report(
        ctx,
        &SalesQuery {
            from: year_start.format("%Y-%m-%d").to_string(),
            to: today.format("%Y-%m-%d").to_string(),
            store_id: store_text.clone(),
            by: "store".into(),
            bucket: "month".into(),
        },
    )
    .await?
    .trend;
    let models = sales::report(
        ctx,
        &SalesQuery {
            from: month.format("%Y-%m-%d").to_string(),
            to: today.format("%Y-%m-%d").to_string(),
            store_id: store_text,
            by: "model".into(),
            bucket: "month".into(),
        },
    )
    .await?
    .rows;
    let reach: Reach = funnel(
        ctx,
        Range {
            from: month,
            to: today,
        },
        store,
    )
    .await?;
    Ok(Dashboard {
        today,
        store_id: store,
        orders_today,
        sold_today,
        pending_approvals,
        stock_units,
        stock_value,
        aged_units: aging[3],
        overdue_follow_ups,
        open_complaints,
        month: MonthProgress::new(today, this_month.units, this_month.revenue, target),
        trend,
        models,
        funnel: reach.funnel(),
        aging: aging.to_vec(),
    })
}

/// The rows of `table` that `w` keeps, one store's when `store` names one.
async fn count(
    ctx: &Ctx,
    mut w: Where,
    table: &str,
    store_column: &str,
    store: Option<i64>,
) -> Result<i64, AppError> {
    if let Some(s) = store {
        w.and(&format!("{store_column} = ?"), s);
    }
    w.build(&format!("SELECT COUNT(*) FROM {table}"), "")
        .scalar::<i64>(ctx.db())
        .await
        .map_err(Into::into)
}

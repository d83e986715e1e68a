//! Sales targets per store and month, and the group's analytics settings: read by the
//! readers of the reports, set by the general manager and admins, every change audited.

use crate::{
    analytics::domain::targets::{
        rate_percent, AnalyticsSettings, SalesTarget, SettingsInput, TargetInput,
    },
    audit::AuditEntry,
    auth::Action,
    ctx::Ctx,
    db::{sql, Where},
    error::AppError,
};
use chrono::{Datelike, Months};
use serde_json::json;

/// The targets of the months from three back to twelve ahead, of the stores the caller
/// may see, by month then store.
#[tracing::instrument(name = "analytics.targets", skip_all)]
pub async fn list(ctx: &Ctx) -> Result<Vec<SalesTarget>, AppError> {
    let p = ctx.require(Action::ViewAnalytics)?;
    let month = ctx.today().with_day(1).unwrap_or(ctx.today());
    let first = month.checked_sub_months(Months::new(3)).unwrap_or(month);
    let last = month.checked_add_months(Months::new(12)).unwrap_or(month);
    let mut w = Where::new();
    w.and_range(
        "t.month >= ? AND t.month <= ?",
        first.format("%Y-%m").to_string(),
        last.format("%Y-%m").to_string(),
    );
    if let Some(store) = p.store_scope() {
        w.and("t.store_id = ?", store);
    }
    Ok(w.build(
        "SELECT t.store_id, s.name AS store_name, t.month, t.units, t.revenue, t.updated_at, t.updated_by
         FROM sales_targets t JOIN stores s ON s.id = t.store_id",
        "ORDER BY t.month, t.store_id",
    )
    .fetch_all(ctx.db())
    .await?)
}

/// Sets (or replaces) a store's target for a month.
#[tracing::instrument(name = "analytics.set_target", skip_all)]
pub async fn set(ctx: &Ctx, input: &TargetInput) -> Result<SalesTarget, AppError> {
    let p = ctx.require(Action::ManageTargets)?;
    let t = input.check(ctx.today(), ctx.lang())?;
    let store_name: String = sql("SELECT name FROM stores WHERE id = $1")
        .bind(t.store_id)
        .scalar_optional(ctx.db())
        .await?
        .ok_or_else(|| AppError::invalid("store_id", ctx.t("analytics.bad_store")))?;
    let month = t.month.format("%Y-%m").to_string();
    let now = ctx.now_ms();
    let who = p.display_name.clone();
    let mut tx = ctx.db().begin().await?;
    let before: Option<(i64, i64)> =
        sql("SELECT units, revenue FROM sales_targets WHERE store_id = $1 AND month = $2")
            .bind(t.store_id)
            .bind(month.clone())
            .fetch_optional(&mut tx)
            .await?;
    sql(
        "INSERT INTO sales_targets (store_id, month, units, revenue, updated_at, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (store_id, month) DO UPDATE
         SET units = excluded.units, revenue = excluded.revenue, updated_at = excluded.updated_at,
             updated_by = excluded.updated_by",
    )
    .bind(t.store_id)
    .bind(month.clone())
    .bind(t.units)
    .bind(t.revenue.fen())
    .bind(now)
    .bind(who.clone())
    .execute(&mut tx)
    .await?;
    let mut entry = AuditEntry::new(
        "analytics.target",
        "sales_target",
        format!("{}:{month}", t.store_id),
    )
    .store(Some(t.store_id))
    .after(&json!({ "month": month, "units": t.units, "revenue": t.revenue.fen() }));
    if let Some((units, revenue)) = before {
        entry = entry.before(&json!({ "units": units, "revenue": revenue }));
    }
    ctx.audit(&mut tx, entry).await?;
    tx.commit().await?;
    Ok(SalesTarget {
        store_id: t.store_id,
        store_name,
        month,
        units: t.units,
        revenue: t.revenue.fen(),
        updated_at: now,
        updated_by: who,
    })
}

/// The stores a report may be narrowed to: every active store for a group-wide role,
/// none for the others (they see their own).
pub async fn stores(ctx: &Ctx) -> Result<Vec<(i64, String)>, AppError> {
    let p = ctx.require(Action::ViewAnalytics)?;
    if !p.role.is_group_wide() {
        return Ok(Vec::new());
    }
    Ok(sql("SELECT id, name FROM stores WHERE active ORDER BY id")
        .fetch_all(ctx.db())
        .await?)
}

/// The group's analytics settings.
pub async fn settings(ctx: &Ctx) -> Result<AnalyticsSettings, AppError> {
    ctx.require(Action::ViewAnalytics)?;
    let (rate, at, by): (i64, i64, String) =
        sql("SELECT holding_rate_ppm, updated_at, updated_by FROM analytics_settings WHERE id = 1")
            .fetch_optional(ctx.db())
            .await?
            .unwrap_or((300, 0, "system".into()));
    Ok(AnalyticsSettings {
        holding_rate_ppm: rate,
        holding_rate_percent: rate_percent(rate),
        updated_at: at,
        updated_by: by,
    })
}

/// Changes the group's analytics settings.
#[tracing::instrument(name = "analytics.set_settings", skip_all)]
pub async fn set_settings(ctx: &Ctx, input: &SettingsInput) -> Result<AnalyticsSettings, AppError> {
    let p = ctx.require(Action::ManageTargets)?;
    let rate = input.check(ctx.lang())?;
    let now = ctx.now_ms();
    let who = p.display_name.clone();
    let mut tx = ctx.db().begin().await?;
    let before: Option<i64> = sql("SELECT holding_rate_ppm FROM analytics_settings WHERE id = 1")
        .scalar_optional(&mut tx)
        .await?;
    sql(
        "INSERT INTO analytics_settings (id, holding_rate_ppm, updated_at, updated_by)
         VALUES (1, $1, $2, $3)
         ON CONFLICT (id) DO UPDATE
         SET holding_rate_ppm = excluded.holding_rate_ppm, updated_at = excluded.updated_at,
             updated_by = excluded.updated_by",
    )
    .bind(rate)
    .bind(now)
    .bind(who.clone())
    .execute(&mut tx)
    .await?;
    ctx.audit(
        &mut tx,
        AuditEntry::new("analytics.settings", "analytics_settings", 1)
            .before(&json!({ "holding_rate_ppm": before }))
            .after(&json!({ "holding_rate_ppm": rate })),
    )
    .await?;
    tx.commit().await?;
    Ok(AnalyticsSettings {
        holding_rate_ppm: rate,
        holding_rate_percent: rate_percent(rate),
        updated_at: now,
        updated_by: who,
    })
}

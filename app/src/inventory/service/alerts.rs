//! Stock alerts: listing them, thresholds set by managers, and keeping alerts in step
//! with the stock inside every transaction that moves it.

use crate::{
    audit::AuditEntry,
    auth::Action,
    ctx::Ctx,
    db::{now_ms, sql, DbResult, Tx, Where},
    error::{AppError, OrTaken},
    inventory::domain::alert::{
        parse_kinds, threshold_breaches, AgedCount, AlertKind, AlertRow, ThresholdInput,
        ThresholdRow,
    },
};

/// Alerts in the caller's stores, open ones first, at most 500; `kind` as
/// [`parse_kinds`] reads it (`low,high`; none for all).
#[tracing::instrument(name = "inventory.alerts", skip_all)]
pub async fn list(
    ctx: &Ctx,
    open_only: bool,
    kind: Option<&str>,
) -> Result<Vec<AlertRow>, AppError> {
    let scope = ctx.require(Action::ViewStock)?.store_scope();
    let kinds = parse_kinds(kind)
        .map_err(|bad| AppError::invalid("kind", ctx.tf("alert.bad_kind", &[("kind", &bad)])))?;
    let mut w = Where::new();
    if let Some(store) = scope {
        w.and("a.store_id = ?", store);
    }
    if open_only {
        w.and_sql("a.closed_at IS NULL");
    }
    if !kinds.is_empty() {
        // The kinds' own codes, never the caller's text.
        let codes: Vec<&str> = kinds.iter().map(|k| k.code()).collect();
        w.and_sql(&format!("a.kind IN ('{}')", codes.join("', '")));
    }
    Ok(w.build(
        "SELECT a.id, a.kind, a.store_id, a.warehouse_id, a.model_id, a.color_id, a.vehicle_id,
                v.vin, a.level, a.quantity, a.opened_at, a.closed_at
         FROM stock_alerts a LEFT JOIN vehicles v ON v.id = a.vehicle_id",
        "ORDER BY a.closed_at IS NOT NULL, CASE a.kind WHEN 'low' THEN 0 WHEN 'high' THEN 1 ELSE 2 END,
                  a.level DESC, a.opened_at DESC, a.id DESC
         LIMIT 500",
    )
    .fetch_all(ctx.db())
    .await?)
}

/// Open alerts the caller can see: the badge in the navigation.
#[tracing::instrument(name = "inventory.alert_count", skip_all)]
pub async fn open_count(ctx: &Ctx) -> Result<i64, AppError> {
    let scope = ctx.require(Action::ViewStock)?.store_scope();
    Ok(sql("SELECT COUNT(*) FROM stock_alerts
            WHERE closed_at IS NULL AND (CAST($1 AS BIGINT) IS NULL OR store_id = $1)")
    .bind(scope)
    .scalar(ctx.db())
    .await?)
}

/// Open aged-stock alerts by warehouse, model and band.
#[tracing::instrument(name = "inventory.aged_counts", skip_all)]
pub async fn aged_counts(ctx: &Ctx) -> Result<Vec<AgedCount>, AppError> {
    let scope = ctx.require(Action::ViewStock)?.store_scope();
    let mut w = Where::new();
    w.and_sql("kind = 'aged'").and_sql("closed_at IS NULL");
    if let Some(store) = scope {
        w.and("store_id = ?", store);
    }
    Ok(w.build(
        "SELECT warehouse_id, model_id, level, COUNT(*) AS count FROM stock_alerts",
        "GROUP BY warehouse_id, model_id, level ORDER BY warehouse_id, model_id, level",
    )
    .fetch_all(ctx.db())
    .await?)
}

/// The thresholds of the caller's warehouses, with the stock each counts now.
#[tracing::instrument(name = "inventory.thresholds", skip_all)]
pub async fn thresholds(ctx: &Ctx) -> Result<Vec<ThresholdRow>, AppError> {
    let scope = ctx.require(Action::ViewStock)?.store_scope();
    Ok(sql(
        "SELECT t.id, t.warehouse_id, t.model_id, t.color_id, t.low_qty, t.high_qty, t.updated_by,
                (SELECT COUNT(*) FROM vehicles v WHERE v.warehouse_id = t.warehouse_id
                   AND v.model_id = t.model_id AND v.status = 'in_stock'
                   AND (t.color_id IS NULL OR v.color_id = t.color_id)) AS in_stock
         FROM stock_thresholds t JOIN warehouses w ON w.id = t.warehouse_id
         WHERE (CAST($1 AS BIGINT) IS NULL OR w.store_id = $1)
         ORDER BY t.warehouse_id, t.model_id, t.color_id",
    )
    .bind(scope)
    .fetch_all(ctx.db())
    .await?)
}

/// The store of an active warehouse the caller may use, or a field error naming `field`
/// (the same for another store's warehouse as for none).
pub(crate) async fn own_warehouse_store(
    ctx: &Ctx,
    tx: &mut Tx,
    warehouse_id: i64,
    field: &str,
) -> Result<i64, AppError> {
    let store = warehouse_store(ctx, tx, warehouse_id, field).await?;
    if ctx.may_access(store) {
        Ok(store)
    } else {
        Err(AppError::invalid(field, ctx.t("vehicle.unknown_warehouse")))
    }
}

/// The store of an active warehouse, or a field error naming `field`.
pub(crate) async fn warehouse_store(
    ctx: &Ctx,
    tx: &mut Tx,
    warehouse_id: i64,
    field: &str,
) -> Result<i64, AppError> {
    sql("SELECT store_id FROM warehouses WHERE id = $1 AND active = TRUE")
        .bind(warehouse_id)
        .scalar_optional::<i64>(tx)
        .await?
        .ok_or_else(|| AppError::invalid(field, ctx.t("vehicle.unknown_warehouse")))
}

/// Sets (creates or replaces) the threshold of a model (and colour) in a warehouse;
/// alerts follow at once.
#[tracing::instrument(name = "inventory.save_threshold", skip_all)]
pub async fn save(ctx: &Ctx, input: ThresholdInput) -> Result<i64, AppError> {
    let p = ctx.require(Action::ManageThresholds)?;
    input.check(ctx.lang())?;
    let mut tx = ctx.db().begin().await?;
    let store_id = own_warehouse_store(ctx, &mut tx, input.warehouse_id, "warehouse_id").await?;
    let model_ok = sql("SELECT COUNT(*) FROM models WHERE id = $1")
        .bind(input.model_id)
        .scalar::<i64>(&mut tx)
        .await?;
    if model_ok == 0 {
        return Err(AppError::invalid(
            "model_id",
            ctx.t("vehicle.unknown_model"),
        ));
    }
    if let Some(c) = input.color_id {
        let ok = sql("SELECT COUNT(*) FROM colors WHERE id = $1 AND model_id = $2")
            .bind(c)
            .bind(input.model_id)
            .scalar::<i64>(&mut tx)
            .await?;
        if ok == 0 {
            return Err(AppError::invalid(
                "color_id",
                ctx.t("vehicle.unknown_color"),
            ));
        }
    }
    let now = ctx.now_ms();
    let existing: Option<i64> = sql("SELECT id FROM stock_thresholds
            WHERE warehouse_id = $1 AND model_id = $2 AND COALESCE(color_id, 0) = COALESCE(CAST($3 AS BIGINT), 0)")
        .bind(input.warehouse_id)
        .bind(input.model_id)
        .bind(input.color_id)
        .scalar_optional(&mut tx)
        .await?;
    let id = match existing {
        Some(id) => {
            sql("UPDATE stock_thresholds SET low_qty = $1, high_qty = $2, updated_at = $3, updated_by = $4 WHERE id = $5")
                .bind(input.low_qty)
                .bind(input.high_qty)
                .bind(now)
                .bind(p.audit_label())
                .bind(id)
                .execute(&mut tx)
                .await?;
            id
        }
        None => sql("INSERT INTO stock_thresholds (warehouse_id, model_id, color_id, low_qty, high_qty, updated_at, updated_by)
                     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
            .bind(input.warehouse_id)
            .bind(input.model_id)
            .bind(input.color_id)
            .bind(input.low_qty)
            .bind(input.high_qty)
            .bind(now)
            .bind(p.audit_label())
            .scalar::<i64>(&mut tx)
            .await
            // Two managers setting the same threshold at once: the second one is told.
            .map_err(|e| e.or_taken(|| AppError::Conflict(ctx.t("threshold.changed_meanwhile").into())))?,
    };
    ctx.audit(
        &mut tx,
        AuditEntry::new("threshold.save", "stock_threshold", id)
            .store(Some(store_id))
            .after(&input),
    )
    .await?;
    reconcile_thresholds(&mut tx, &[(input.warehouse_id, input.model_id)]).await?;
    tx.commit().await?;
    Ok(id)
}

/// Removes a threshold and closes its open alerts.
#[tracing::instrument(name = "inventory.delete_threshold", skip_all)]
pub async fn delete(ctx: &Ctx, id: i64) -> Result<(), AppError> {
    ctx.require(Action::ManageThresholds)?;
    let mut tx = ctx.db().begin().await?;
    let Some((wh, store_id)) = sql("SELECT t.warehouse_id, w.store_id FROM stock_thresholds t
         JOIN warehouses w ON w.id = t.warehouse_id WHERE t.id = $1")
    .bind(id)
    .fetch_optional::<(i64, i64)>(&mut tx)
    .await?
    else {
        return Err(AppError::NotFound(ctx.t("threshold.not_found").into()));
    };
    ctx.require_store(store_id, "threshold.not_found")?;
    let now = ctx.now_ms();
    sql("UPDATE stock_alerts SET closed_at = $1 WHERE threshold_id = $2 AND closed_at IS NULL")
        .bind(now)
        .bind(id)
        .execute(&mut tx)
        .await?;
    sql("UPDATE stock_alerts SET threshold_id = NULL WHERE threshold_id = $1")
        .bind(id)
        .execute(&mut tx)
        .await?;
    sql("DELETE FROM stock_thresholds WHERE id = $1")
        .bind(id)
        .execute(&mut tx)
        .await?;
    ctx.audit(
        &mut tx,
        AuditEntry::new("threshold.delete", "stock_threshold", id)
            .store(Some(store_id))
            .before(&serde_json::json!({ "warehouse_id": wh })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A threshold with its store and the stock it counts now: (id, colour, low, high,
/// store, quantity).
type ThresholdState = (i64, Option<i64>, Option<i64>, Option<i64>, i64, i64);

/// Opens and closes the threshold alerts of these (warehouse, model) pairs to match
/// the stock now; run in the transaction that changed the stock.
pub async fn reconcile_thresholds(tx: &mut Tx, pairs: &[(i64, i64)]) -> DbResult<()> {
    let mut pairs = pairs.to_vec();
    pairs.sort_unstable();
    pairs.dedup();
    let now = now_ms();
    for (warehouse_id, model_id) in pairs {
        let rows: Vec<ThresholdState> =
            sql("SELECT t.id, t.color_id, t.low_qty, t.high_qty, w.store_id,
                    (SELECT COUNT(*) FROM vehicles v WHERE v.warehouse_id = t.warehouse_id
                       AND v.model_id = t.model_id AND v.status = 'in_stock'
                       AND (t.color_id IS NULL OR v.color_id = t.color_id))
             FROM stock_thresholds t JOIN warehouses w ON w.id = t.warehouse_id
             WHERE t.warehouse_id = $1 AND t.model_id = $2")
            .bind(warehouse_id)
            .bind(model_id)
            .fetch_all(&mut *tx)
            .await?;
        for (tid, color_id, low, high, store_id, qty) in rows {
            let (low_open, high_open) = threshold_breaches(low, high, qty);
            let mut closed = Vec::new();
            for (kind, open, level) in [
                (AlertKind::Low, low_open, low),
                (AlertKind::High, high_open, high),
            ] {
                let kind = kind.code();
                let subject = format!("{kind}:{tid}");
                if !open {
                    closed.push(subject);
                    continue;
                }
                let inserted = sql(
                    "INSERT INTO stock_alerts (subject, kind, store_id, warehouse_id, model_id, color_id,
                                               threshold_id, level, quantity, opened_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING",
                )
                .bind(&subject)
                .bind(kind)
                .bind(store_id)
                .bind(warehouse_id)
                .bind(model_id)
                .bind(color_id)
                .bind(tid)
                .bind(level.unwrap_or(0))
                .bind(qty)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                if inserted == 0 {
                    sql("UPDATE stock_alerts SET quantity = $1, level = $2
                         WHERE subject = $3 AND closed_at IS NULL")
                    .bind(qty)
                    .bind(level.unwrap_or(0))
                    .bind(&subject)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            // The kinds no longer breached, closed in one statement.
            if let [first, rest @ ..] = closed.as_slice() {
                sql("UPDATE stock_alerts SET closed_at = $1, quantity = $2
                     WHERE subject IN ($3, $4) AND closed_at IS NULL")
                .bind(now)
                .bind(qty)
                .bind(first)
                .bind(rest.first().unwrap_or(first))
                .execute(&mut *tx)
                .await?;
            }
        }
    }
    Ok(())
}

fn cutoff(today: chrono::NaiveDate, days: i64) -> String {
    (today - chrono::Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

/// Opens, raises and closes aged-stock alerts for every vehicle (or only `vehicle`),
/// as of `today`. Three statements whatever the stock size.
pub async fn sweep_aged(
    tx: &mut Tx,
    today: chrono::NaiveDate,
    vehicle: Option<i64>,
) -> DbResult<()> {
    let now = now_ms();
    let (c30, c60, c90) = (cutoff(today, 30), cutoff(today, 60), cutoff(today, 90));
    let level =
        "CASE WHEN v.arrival_date <= $3 THEN 90 WHEN v.arrival_date <= $2 THEN 60 ELSE 30 END";
    sql(format!(
        "INSERT INTO stock_alerts (subject, kind, store_id, warehouse_id, model_id, color_id, vehicle_id,
                                   level, quantity, opened_at)
         SELECT 'aged:' || CAST(v.id AS TEXT), 'aged', w.store_id, v.warehouse_id, v.model_id, v.color_id, v.id,
                {level}, {level}, $4
         FROM vehicles v JOIN warehouses w ON w.id = v.warehouse_id
         WHERE v.status = 'in_stock' AND v.arrival_date <= $1
           AND (CAST($5 AS BIGINT) IS NULL OR v.id = $5)
         ON CONFLICT DO NOTHING"
    ))
    .bind(&c30)
    .bind(&c60)
    .bind(&c90)
    .bind(now)
    .bind(vehicle)
    .execute(&mut *tx)
    .await?;
    sql(format!(
        "UPDATE stock_alerts SET level = (SELECT {level} FROM vehicles v WHERE v.id = stock_alerts.vehicle_id),
                                 quantity = (SELECT {level} FROM vehicles v WHERE v.id = stock_alerts.vehicle_id)
         WHERE kind = 'aged' AND closed_at IS NULL AND $1 <> ''
           AND (CAST($4 AS BIGINT) IS NULL OR vehicle_id = $4)
           AND EXISTS (SELECT 1 FROM vehicles v WHERE v.id = stock_alerts.vehicle_id
                       AND v.status = 'in_stock' AND v.arrival_date <= $1)"
    ))
    .bind(&c30)
    .bind(&c60)
    .bind(&c90)
    .bind(vehicle)
    .execute(&mut *tx)
    .await?;
    close_aged(tx, today, vehicle).await
}

/// Closes the aged-stock alerts of vehicles (or of `vehicle`) no longer in stock for
/// 30 days as of `today` — all a vehicle that just left stock needs.
pub async fn close_aged(
    tx: &mut Tx,
    today: chrono::NaiveDate,
    vehicle: Option<i64>,
) -> DbResult<()> {
    sql("UPDATE stock_alerts SET closed_at = $2
         WHERE kind = 'aged' AND closed_at IS NULL
           AND (CAST($3 AS BIGINT) IS NULL OR vehicle_id = $3)
           AND NOT EXISTS (SELECT 1 FROM vehicles v WHERE v.id = stock_alerts.vehicle_id
                           AND v.status = 'in_stock' AND v.arrival_date <= $1)")
    .bind(cutoff(today, 30))
    .bind(now_ms())
    .bind(vehicle)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

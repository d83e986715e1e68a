//! Transfers between warehouses: requests and their steps, with the vehicles' status and
//! place following each step.

use super::{
    alerts::{own_warehouse_store, reconcile_thresholds, sweep_aged, warehouse_store},
    vehicles::ids_by_vin,
};
use crate::{
    audit::AuditEntry,
    auth::Action,
    ctx::Ctx,
    db::sql,
    error::{AppError, OrTaken},
    inventory::domain::{
        transfer::{TransferInput, TransferRequest, TransferRow, TransferStatus, TransferStep},
        vehicle::StockChange,
    },
};

/// Transfers touching the caller's stores, newest first (at most 200); one by `id`.
#[tracing::instrument(name = "inventory.transfers", skip_all)]
pub async fn list(
    ctx: &Ctx,
    open_only: bool,
    id: Option<i64>,
) -> Result<Vec<TransferRow>, AppError> {
    let scope = ctx.require(Action::ViewStock)?.store_scope();
    let db = ctx.db();
    let mut rows: Vec<TransferRow> = sql(
        "SELECT id, from_warehouse_id, to_warehouse_id, from_store_id, to_store_id, status, reason, note,
                requested_by, approved_by, created_at, updated_at, version
         FROM transfers
         WHERE (CAST($1 AS BIGINT) IS NULL OR from_store_id = $1 OR to_store_id = $1)
           AND (NOT $2 OR status IN ('requested', 'approved', 'in_transit'))
           AND (CAST($3 AS BIGINT) IS NULL OR id = $3)
         ORDER BY updated_at DESC, id DESC LIMIT 200",
    )
    .bind(scope)
    .bind(open_only)
    .bind(id)
    .fetch_all(db)
    .await?;
    for r in &mut rows {
        r.vins = sql(
            "SELECT v.vin FROM transfer_items ti JOIN vehicles v ON v.id = ti.vehicle_id
                      WHERE ti.transfer_id = $1 ORDER BY v.vin",
        )
        .bind(r.id)
        .fetch_all::<(String,)>(db)
        .await?
        .into_iter()
        .map(|(v,)| v)
        .collect();
    }
    Ok(rows)
}

/// One transfer, if the caller may see it.
pub async fn get(ctx: &Ctx, id: i64) -> Result<TransferRow, AppError> {
    list(ctx, false, Some(id))
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| AppError::NotFound(ctx.t("transfer.not_found").into()))
}

/// Between stores only group roles request and approve.
fn cross_store_check(ctx: &Ctx, from: i64, to: i64) -> Result<(), AppError> {
    if from != to && !ctx.principal()?.role.is_group_wide() {
        return Err(AppError::Forbidden(ctx.t("transfer.cross_store").into()));
    }
    Ok(())
}

/// Asks for vehicles to move between two warehouses; each must be in stock at the
/// source and in no other open transfer.
#[tracing::instrument(name = "inventory.request_transfer", skip_all)]
pub async fn request(ctx: &Ctx, input: TransferInput) -> Result<i64, AppError> {
    let p = ctx.require(Action::RequestTransfer)?;
    let TransferRequest {
        from_warehouse_id,
        to_warehouse_id,
        vins,
        reason,
    } = input.check(ctx.lang())?;
    let vins: Vec<String> = vins.iter().map(|v| v.as_str().to_owned()).collect();
    let mut tx = ctx.db().begin().await?;
    let from_store =
        own_warehouse_store(ctx, &mut tx, from_warehouse_id, "from_warehouse_id").await?;
    let to_store = warehouse_store(ctx, &mut tx, to_warehouse_id, "to_warehouse_id").await?;
    cross_store_check(ctx, from_store, to_store)?;
    let ids = ids_by_vin(&mut tx, &vins).await?;
    let now = ctx.now_ms();
    let id: i64 = sql(
        "INSERT INTO transfers (from_warehouse_id, to_warehouse_id, from_store_id, to_store_id, status,
                                reason, requested_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'requested', $5, $6, $7, $7) RETURNING id",
    )
    .bind(from_warehouse_id)
    .bind(to_warehouse_id)
    .bind(from_store)
    .bind(to_store)
    .bind(&reason)
    .bind(p.audit_label())
    .bind(now)
    .scalar(&mut tx)
    .await?;
    for vin in &vins {
        let Some(&vid) = ids.get(vin) else {
            // Below group roles an unknown VIN reads as one that is not available, as
            // another store's vehicle does: no VIN tells whether it exists elsewhere.
            let key = if p.role.is_group_wide() {
                "transfer.vin_unknown"
            } else {
                "transfer.vin_not_available"
            };
            return Err(AppError::invalid("vins", ctx.tf(key, &[("vin", vin)])));
        };
        // Claims the vehicle: a concurrent status change or transfer waits here and
        // then finds it changed.
        let claimed = sql("UPDATE vehicles SET version = version + 1, updated_at = $1
             WHERE id = $2 AND warehouse_id = $3 AND status = 'in_stock'")
        .bind(now)
        .bind(vid)
        .bind(from_warehouse_id)
        .execute(&mut tx)
        .await?;
        if claimed == 0 {
            return Err(AppError::invalid(
                "vins",
                ctx.tf("transfer.vin_not_available", &[("vin", vin)]),
            ));
        }
        let open: i64 =
            sql("SELECT COUNT(*) FROM transfer_items WHERE vehicle_id = $1 AND is_open")
                .bind(vid)
                .scalar(&mut tx)
                .await?;
        if open > 0 {
            return Err(AppError::Conflict(
                ctx.tf("transfer.vin_in_other", &[("vin", vin)]),
            ));
        }
        sql("INSERT INTO transfer_items (transfer_id, vehicle_id, is_open) VALUES ($1, $2, TRUE)")
            .bind(id)
            .bind(vid)
            .execute(&mut tx)
            .await
            .map_err(|e| {
                e.or_taken(|| AppError::Conflict(ctx.tf("transfer.vin_in_other", &[("vin", vin)])))
            })?;
    }
    ctx.audit(
        &mut tx,
        AuditEntry::new("transfer.request", "transfer", id)
            .store(Some(from_store))
            .after(&serde_json::json!({
                "from_warehouse_id": from_warehouse_id,
                "to_warehouse_id": to_warehouse_id,
                "vins": vins,
                "reason": reason,
                "status": "requested",
            })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Takes a step on a transfer; the vehicles follow (shipping puts them on the road,
/// receiving puts them in stock at the destination).
#[tracing::instrument(name = "inventory.transfer_step", skip_all, fields(transfer = id))]
pub async fn step(
    ctx: &Ctx,
    id: i64,
    step: TransferStep,
    expected_version: Option<i64>,
) -> Result<(), AppError> {
    let p = ctx.require(step.action())?;
    let mut tx = ctx.db().begin().await?;
    let Some((status, version, from_wh, to_wh, from_store, to_store)) = sql(
        "SELECT status, version, from_warehouse_id, to_warehouse_id, from_store_id, to_store_id
         FROM transfers WHERE id = $1",
    )
    .bind(id)
    .fetch_optional::<(String, i64, i64, i64, i64, i64)>(&mut tx)
    .await?
    else {
        return Err(AppError::NotFound(ctx.t("transfer.not_found").into()));
    };
    // Receiving happens at the destination; everything else at the source.
    let acting_store = if step == TransferStep::Receive {
        to_store
    } else {
        from_store
    };
    ctx.require_store(acting_store, "transfer.not_found")?;
    if matches!(step, TransferStep::Approve | TransferStep::Reject) {
        cross_store_check(ctx, from_store, to_store)?;
    }
    if expected_version.is_some_and(|v| v != version) {
        return Err(AppError::Conflict(
            ctx.t("transfer.changed_meanwhile").into(),
        ));
    }
    let from =
        TransferStatus::parse(&status).ok_or_else(|| AppError::internal("bad transfer status"))?;
    let Some(to) = from.after(step) else {
        return Err(AppError::invalid(
            "step",
            ctx.tf(
                "transfer.bad_move",
                &[
                    ("status", ctx.t(from.label_key())),
                    ("step", ctx.t(step.label_key())),
                ],
            ),
        ));
    };
    let now = ctx.now_ms();
    let changed = sql(
        "UPDATE transfers SET status = $1, version = version + 1, updated_at = $2,
                approved_by = CASE WHEN $3 THEN $4 ELSE approved_by END
         WHERE id = $5 AND status = $6 AND version = $7",
    )
    .bind(to.code())
    .bind(now)
    .bind(step == TransferStep::Approve)
    .bind(p.audit_label())
    .bind(id)
    .bind(from.code())
    .bind(version)
    .execute(&mut tx)
    .await?;
    if changed == 0 {
        return Err(AppError::Conflict(
            ctx.t("transfer.changed_meanwhile").into(),
        ));
    }
    let vehicles: Vec<(i64, i64)> = sql(
        "SELECT v.id, v.model_id FROM transfer_items ti JOIN vehicles v ON v.id = ti.vehicle_id
         WHERE ti.transfer_id = $1",
    )
    .bind(id)
    .fetch_all(&mut tx)
    .await?;
    let mut change = StockChange::default();
    let mut pairs = Vec::new();
    match step {
        TransferStep::Ship => {
            for (vid, model) in &vehicles {
                let moved = sql(
                    "UPDATE vehicles SET status = 'in_transit', updated_at = $1, version = version + 1
                     WHERE id = $2 AND status = 'in_stock' AND warehouse_id = $3",
                )
                .bind(now)
                .bind(*vid)
                .bind(from_wh)
                .execute(&mut tx)
                .await?;
                if moved == 0 {
                    return Err(AppError::Conflict(ctx.t("transfer.vehicle_moved").into()));
                }
                pairs.push((from_wh, *model));
            }
            change.add(from_store, from_wh);
        }
        TransferStep::Receive => {
            for (vid, model) in &vehicles {
                sql(
                    "UPDATE vehicles SET status = 'in_stock', warehouse_id = $1, updated_at = $2,
                            version = version + 1
                     WHERE id = $3 AND status = 'in_transit'",
                )
                .bind(to_wh)
                .bind(now)
                .bind(*vid)
                .execute(&mut tx)
                .await?;
                pairs.push((to_wh, *model));
            }
            change.add(from_store, from_wh);
            change.add(to_store, to_wh);
        }
        _ => {}
    }
    if !to.is_open() {
        sql("UPDATE transfer_items SET is_open = FALSE WHERE transfer_id = $1")
            .bind(id)
            .execute(&mut tx)
            .await?;
    }
    if matches!(step, TransferStep::Ship | TransferStep::Receive) {
        let today = ctx.today();
        for (vid, _) in &vehicles {
            sweep_aged(&mut tx, today, Some(*vid)).await?;
        }
        reconcile_thresholds(&mut tx, &pairs).await?;
    }
    // The stock pages also list open transfers: tell them about every step.
    change.add(from_store, from_wh);
    ctx.audit(
        &mut tx,
        AuditEntry::new(
            match step {
                TransferStep::Approve => "transfer.approve",
                TransferStep::Reject => "transfer.reject",
                TransferStep::Ship => "transfer.ship",
                TransferStep::Receive => "transfer.receive",
                TransferStep::Cancel => "transfer.cancel",
            },
            "transfer",
            id,
        )
        .store(Some(acting_store))
        .before(&serde_json::json!({ "status": from.code() }))
        .after(&serde_json::json!({ "status": to.code() })),
    )
    .await?;
    ctx.events().stage(&mut tx, &change.event()).await?;
    tx.commit().await?;
    ctx.events().committed(change.event());
    Ok(())
}

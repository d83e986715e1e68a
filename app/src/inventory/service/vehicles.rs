//! Vehicles one by one: the filtered list, intake (form, batch file, API) and status
//! moves. Every write runs here, whichever door it came in by.

use super::{
    alerts::{reconcile_thresholds, sweep_aged},
    catalog,
};
use crate::{
    audit::AuditEntry,
    auth::Action,
    ctx::Ctx,
    db::{sql, DbResult, Sql, Tx, Where},
    error::{AppError, FieldError, OrTaken},
    inventory::domain::{
        intake::{validate, IntakeInput, NewVehicle, MAX_BATCH},
        vehicle::{StatusFilter, StockChange, VehicleFilter, VehiclePage, VehicleRow},
        VehicleStatus,
    },
};
use std::collections::HashMap;

const BASE: &str =
    "v.id, v.vin, v.model_id, v.trim_id, v.color_id, v.warehouse_id, w.store_id, v.status,
    v.cost_fen, v.list_price_fen, v.arrival_date, v.version";

/// `v.status IN (…)` for a status filter: constants, never the caller's text.
pub(crate) fn status_condition(f: StatusFilter) -> String {
    let codes: Vec<String> = f
        .statuses()
        .iter()
        .map(|s| format!("'{}'", s.code()))
        .collect();
    format!("v.status IN ({})", codes.join(", "))
}

/// The filtered rows, oldest arrival first, `limit` from `offset`. The open-transfer flag
/// is looked up for the rows returned only, not for every row sorted.
fn page(
    f: &VehicleFilter,
    scope: Option<i64>,
    today: chrono::NaiveDate,
    limit: i64,
    offset: i64,
) -> Sql {
    let q = filtered(
        &format!("SELECT {BASE}"),
        f,
        scope,
        today,
        &format!(
            "ORDER BY v.arrival_date IS NULL, v.arrival_date, v.id LIMIT {limit} OFFSET {offset}"
        ),
    );
    let text = format!(
        "SELECT p.*, EXISTS (SELECT 1 FROM transfer_items ti WHERE ti.vehicle_id = p.id AND ti.is_open) AS in_transfer
         FROM ({}) p ORDER BY p.arrival_date IS NULL, p.arrival_date, p.id",
        q.text()
    );
    q.retext(text)
}

/// `select` over the vehicles matching the filter (only the conditions that apply).
fn filtered(
    select: &str,
    f: &VehicleFilter,
    scope: Option<i64>,
    today: chrono::NaiveDate,
    tail: &str,
) -> Sql {
    let mut w = Where::new();
    // A store-bound caller's own store, whatever the filter says; else the one asked.
    if let Some(store) = scope.or(f.store_id) {
        w.and(
            "v.warehouse_id IN (SELECT id FROM warehouses WHERE store_id = ?)",
            store,
        );
    }
    for (col, v) in [
        ("v.warehouse_id", f.warehouse_id),
        ("v.model_id", f.model_id),
        ("v.trim_id", f.trim_id),
        ("v.color_id", f.color_id),
    ] {
        if let Some(v) = v {
            w.and(&format!("{col} = ?"), v);
        }
    }
    if let Some(s) = f.status {
        w.and_sql(&status_condition(s));
    }
    if let Some(d) = f.min_days {
        let cutoff = (today - chrono::Duration::days(d))
            .format("%Y-%m-%d")
            .to_string();
        w.and_sql("v.status IN ('in_stock', 'reserved')");
        w.and("v.arrival_date <= ?", cutoff);
    }
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        w.and(
            "v.vin LIKE ?",
            format!("%{}%", q.to_ascii_uppercase().replace(['%', '_'], "")),
        );
    }
    w.build(
        &format!("{select} FROM vehicles v JOIN warehouses w ON w.id = v.warehouse_id"),
        tail,
    )
}

fn check_filter(ctx: &Ctx, f: &VehicleFilter) -> Result<(), AppError> {
    match f.problem() {
        Some((field, key)) => Err(AppError::invalid(field, ctx.t(key))),
        None => Ok(()),
    }
}

/// A page of the vehicles the caller may see.
#[tracing::instrument(name = "inventory.vehicles", skip_all)]
pub async fn list(ctx: &Ctx, f: &VehicleFilter) -> Result<VehiclePage, AppError> {
    let scope = ctx.require(Action::ViewStock)?.store_scope();
    check_filter(ctx, f)?;
    let today = ctx.today();
    let total: i64 = filtered("SELECT COUNT(*)", f, scope, today, "")
        .scalar(ctx.db())
        .await?;
    let q = page(f, scope, today, f.page_size(), f.offset.unwrap_or(0).max(0));
    let rows = with_days(q.fetch_all(ctx.db()).await?, today);
    Ok(VehiclePage { rows, total })
}

/// Every vehicle matching the filter (for the Excel export), up to `cap`.
#[tracing::instrument(name = "inventory.export_vehicles", skip_all)]
pub async fn export_rows(
    ctx: &Ctx,
    f: &VehicleFilter,
    cap: i64,
) -> Result<Vec<VehicleRow>, AppError> {
    let scope = ctx.require(Action::ViewStock)?.store_scope();
    check_filter(ctx, f)?;
    let today = ctx.today();
    let q = page(f, scope, today, cap, 0);
    Ok(with_days(q.fetch_all(ctx.db()).await?, today))
}

fn with_days(rows: Vec<VehicleRow>, today: chrono::NaiveDate) -> Vec<VehicleRow> {
    rows.into_iter().map(|r| r.with_days(today)).collect()
}

/// One vehicle by id or VIN, if the caller may see it.
#[tracing::instrument(name = "inventory.vehicle", skip_all)]
pub async fn get(ctx: &Ctx, id_or_vin: &str) -> Result<VehicleRow, AppError> {
    let scope = ctx.require(Action::ViewStock)?.store_scope();
    let id = id_or_vin.trim().parse::<i64>().ok();
    let vin: String = id_or_vin.trim().chars().take(17).collect();
    let rows: Vec<VehicleRow> = sql(format!(
        "SELECT {BASE},
                EXISTS (SELECT 1 FROM transfer_items ti WHERE ti.vehicle_id = v.id AND ti.is_open) AS in_transfer
         FROM vehicles v JOIN warehouses w ON w.id = v.warehouse_id
         WHERE (v.id = $1 OR v.vin = $2) AND (CAST($3 AS BIGINT) IS NULL OR w.store_id = $3)"
    ))
    .bind(id)
    .bind(vin.to_ascii_uppercase())
    .bind(scope)
    .fetch_all(ctx.db())
    .await?;
    with_days(rows, ctx.today())
        .into_iter()
        .next()
        .ok_or_else(|| AppError::NotFound(ctx.t("vehicle.not_found").into()))
}

/// How intake names bad fields: plainly for one vehicle from the form, `rows.N.field`
/// for a batch (N the spreadsheet row, data starting on row 2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntakeMode {
    Single,
    Batch,
}

/// Takes vehicles in: all of them or none.
#[tracing::instrument(name = "inventory.intake", skip_all, fields(rows = inputs.len()))]
pub async fn intake(
    ctx: &Ctx,
    inputs: Vec<IntakeInput>,
    mode: IntakeMode,
) -> Result<Vec<i64>, AppError> {
    let p = ctx.require(Action::IntakeVehicles)?;
    if inputs.is_empty() {
        return Err(AppError::invalid("rows", ctx.t("vehicle.batch_empty")));
    }
    if inputs.len() > MAX_BATCH {
        return Err(AppError::invalid("rows", ctx.t("vehicle.batch_too_big")));
    }
    let cat = catalog::load(ctx.db(), p.store_scope()).await?;
    let today = ctx.today();
    let mut errors = Vec::new();
    let mut vehicles = Vec::with_capacity(inputs.len());
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, input) in inputs.iter().enumerate() {
        let row = i + 2;
        let prefix = match mode {
            IntakeMode::Batch => format!("rows.{row}."),
            IntakeMode::Single => String::new(),
        };
        match validate(input, &cat, ctx.lang(), &prefix, today) {
            Ok(v) => {
                if let Some(first) = seen.insert(v.vin.as_str().to_owned(), row) {
                    errors.push(FieldError {
                        field: format!("{prefix}vin"),
                        message: ctx.tf("vehicle.vin_repeated", &[("row", &first.to_string())]),
                    });
                }
                vehicles.push((prefix, v));
            }
            Err(e) => errors.extend(e),
        }
    }
    let mut tx = ctx.db().begin().await?;
    // VINs already on file.
    let all: Vec<String> = vehicles
        .iter()
        .map(|(_, v)| v.vin.as_str().to_owned())
        .collect();
    let taken = ids_by_vin(&mut tx, &all).await?;
    for (prefix, v) in &vehicles {
        if taken.contains_key(v.vin.as_str()) {
            errors.push(FieldError {
                field: format!("{prefix}vin"),
                message: ctx.tf("vehicle.vin_taken", &[("vin", v.vin.as_str())]),
            });
        }
    }
    if !errors.is_empty() {
        let message = match mode {
            IntakeMode::Batch => {
                ctx.tf("vehicle.batch_invalid", &[("n", &errors.len().to_string())])
            }
            IntakeMode::Single => errors[0].message.clone(),
        };
        return Err(AppError::Invalid {
            message,
            fields: errors,
            input: Vec::new(),
        });
    }
    let mut ids = Vec::with_capacity(vehicles.len());
    let mut change = StockChange::default();
    let mut pairs = Vec::new();
    for (_, v) in &vehicles {
        let id = insert(ctx, &mut tx, v).await?;
        ctx.audit(
            &mut tx,
            AuditEntry::new("vehicle.intake", "vehicle", id)
                .store(Some(v.store_id))
                .after(v),
        )
        .await?;
        if v.status == VehicleStatus::InStock
            && v.arrival_date
                .as_deref()
                .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                .is_some_and(|d| (today - d).num_days() >= 30)
        {
            sweep_aged(&mut tx, today, Some(id)).await?;
        }
        change.add(v.store_id, v.warehouse_id);
        pairs.push((v.warehouse_id, v.model_id));
        ids.push(id);
    }
    reconcile_thresholds(&mut tx, &pairs).await?;
    ctx.events().stage(&mut tx, &change.event()).await?;
    tx.commit().await?;
    ctx.events().committed(change.event());
    Ok(ids)
}

async fn insert(ctx: &Ctx, tx: &mut Tx, v: &NewVehicle) -> Result<i64, AppError> {
    sql(
        "INSERT INTO vehicles (vin, model_id, trim_id, color_id, warehouse_id, status, cost_fen,
                               list_price_fen, arrival_date, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
    )
    .bind(v.vin.as_str())
    .bind(v.model_id)
    .bind(v.trim_id)
    .bind(v.color_id)
    .bind(v.warehouse_id)
    .bind(v.status.code())
    .bind(v.cost_fen.fen())
    .bind(v.list_price_fen.fen())
    .bind(v.arrival_date.clone())
    .bind(ctx.now_ms())
    .scalar(tx)
    .await
    .map_err(|e| {
        e.or_taken(|| AppError::Conflict(ctx.tf("vehicle.vin_taken", &[("vin", v.vin.as_str())])))
    })
}

/// Moves a vehicle along its lifecycle. `expected_version`, when given, must match
/// (someone else may have moved it meanwhile).
#[tracing::instrument(name = "inventory.vehicle_status", skip_all, fields(vehicle = id))]
pub async fn change_status(
    ctx: &Ctx,
    id: i64,
    to: VehicleStatus,
    expected_version: Option<i64>,
) -> Result<(), AppError> {
    ctx.require(Action::ChangeVehicleStatus)?;
    let mut tx = ctx.db().begin().await?;
    let Some((from, version, warehouse_id, store_id, model_id, arrival)) = sql(
        "SELECT v.status, v.version, v.warehouse_id, w.store_id, v.model_id, v.arrival_date
         FROM vehicles v JOIN warehouses w ON w.id = v.warehouse_id WHERE v.id = $1",
    )
    .bind(id)
    .fetch_optional::<(String, i64, i64, i64, i64, Option<String>)>(&mut tx)
    .await?
    else {
        return Err(AppError::NotFound(ctx.t("vehicle.not_found").into()));
    };
    ctx.require_store(store_id, "vehicle.not_found")?;
    if expected_version.is_some_and(|v| v != version) {
        return Err(AppError::Conflict(
            ctx.t("vehicle.changed_meanwhile").into(),
        ));
    }
    let from: VehicleStatus = from.parse().map_err(AppError::internal)?;
    if !from.can_become(to) {
        return Err(AppError::invalid(
            "to",
            ctx.tf(
                "vehicle.bad_move",
                &[
                    ("from", ctx.t(from.label_key())),
                    ("to", ctx.t(to.label_key())),
                ],
            ),
        ));
    }
    let in_transfer: i64 =
        sql("SELECT COUNT(*) FROM transfer_items WHERE vehicle_id = $1 AND is_open")
            .bind(id)
            .scalar(&mut tx)
            .await?;
    if in_transfer > 0 {
        return Err(AppError::Conflict(ctx.t("vehicle.in_transfer").into()));
    }
    // A vehicle an order holds moves with its order (shipped, delivered, released), not
    // by hand.
    let holder: Option<String> = sql("SELECT number FROM orders WHERE vehicle_id = $1")
        .bind(id)
        .scalar_optional(&mut tx)
        .await?;
    if let Some(number) = holder {
        return Err(AppError::Conflict(
            ctx.tf("vehicle.held_by_order", &[("number", &number)]),
        ));
    }
    let today = ctx.today();
    let arrival = match (to, arrival) {
        (VehicleStatus::InStock, None) => Some(today.format("%Y-%m-%d").to_string()),
        (_, a) => a,
    };
    let changed = sql(
        "UPDATE vehicles SET status = $1, arrival_date = $2, updated_at = $3, version = version + 1
         WHERE id = $4 AND version = $5 AND status = $6",
    )
    .bind(to.code())
    .bind(arrival)
    .bind(ctx.now_ms())
    .bind(id)
    .bind(version)
    .bind(from.code())
    .execute(&mut tx)
    .await?;
    if changed == 0 {
        return Err(AppError::Conflict(
            ctx.t("vehicle.changed_meanwhile").into(),
        ));
    }
    ctx.audit(
        &mut tx,
        AuditEntry::new("vehicle.status", "vehicle", id)
            .store(Some(store_id))
            .before(&serde_json::json!({ "status": from.code() }))
            .after(&serde_json::json!({ "status": to.code() })),
    )
    .await?;
    reconcile_thresholds(&mut tx, &[(warehouse_id, model_id)]).await?;
    sweep_aged(&mut tx, today, Some(id)).await?;
    let mut change = StockChange::default();
    change.add(store_id, warehouse_id);
    ctx.events().stage(&mut tx, &change.event()).await?;
    tx.commit().await?;
    ctx.events().committed(change.event());
    Ok(())
}

/// The ids of the vehicles on file with these VINs (absent ones are left out).
pub async fn ids_by_vin(tx: &mut Tx, vins: &[String]) -> DbResult<HashMap<String, i64>> {
    let mut out = HashMap::new();
    for chunk in vins.chunks(500) {
        let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let mut q = sql(format!(
            "SELECT vin, id FROM vehicles WHERE vin IN ({})",
            marks.join(", ")
        ));
        for v in chunk {
            q = q.bind(v.as_str());
        }
        let rows: Vec<(String, i64)> = q.fetch_all(&mut *tx).await?;
        out.extend(rows);
    }
    Ok(out)
}

/// A filled-in template (.xlsx or .csv): read off the async threads, then taken in
/// like any batch — all rows or none.
#[tracing::instrument(name = "inventory.import", skip_all, fields(bytes = bytes.len()))]
pub async fn import_file(ctx: &Ctx, bytes: Vec<u8>) -> Result<Vec<i64>, AppError> {
    ctx.require(Action::IntakeVehicles)?;
    if bytes.is_empty() {
        return Err(AppError::invalid("file", ctx.t("import.no_file")));
    }
    let lang = ctx.lang();
    let rows =
        tokio::task::spawn_blocking(move || crate::inventory::excel::read_batch(&bytes, lang))
            .await
            .map_err(AppError::internal)??;
    intake(ctx, rows, IntakeMode::Batch).await
}

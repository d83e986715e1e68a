//! A store's booking capacity (工位与时段): read for the booking page and the desk, set by
//! the store's service advisor or a manager.

use crate::{
    aftersales::domain::{Capacity, CapacityInput, Hours},
    audit::AuditEntry,
    auth::Action,
    ctx::Ctx,
    db::{sql, DbResult, Exec, Tx},
    error::AppError,
    events::Event,
};
use serde::{Deserialize, Serialize};

/// A store that takes online bookings, as the booking page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct BookableStore {
    pub id: i64,
    pub name: String,
    pub city: String,
    pub address: String,
    pub phone: String,
}

/// The stores taking bookings (public: a name and where it is, nothing of its staff).
pub async fn bookable_stores(ctx: &Ctx) -> Result<Vec<BookableStore>, AppError> {
    Ok(sql(
        "SELECT s.id, s.name, s.city, s.address, s.phone FROM stores s
         JOIN service_settings c ON c.store_id = s.id
         WHERE s.active ORDER BY s.id",
    )
    .fetch_all(ctx.db())
    .await?)
}

/// The capacity of `store_id`, if it takes bookings.
pub async fn load<'e>(exec: impl Into<Exec<'e>>, store_id: i64) -> DbResult<Option<Capacity>> {
    let mut exec: Exec<'e> = exec.into();
    let settings: Option<(i64, i64, i64, i64)> = sql(
        "SELECT slot_minutes, horizon_days, cutoff_minutes, version FROM service_settings WHERE store_id = $1",
    )
    .bind(store_id)
    .fetch_optional(exec.reborrow())
    .await?;
    let Some((slot_minutes, horizon_days, cutoff_minutes, version)) = settings else {
        return Ok(None);
    };
    let hours: Vec<(i64, i64, i64)> = sql(
        "SELECT weekday, opens_min, closes_min FROM service_hours WHERE store_id = $1 ORDER BY weekday",
    )
    .bind(store_id)
    .fetch_all(exec.reborrow())
    .await?;
    let bays: Vec<(String, i64)> =
        sql("SELECT pool, bays FROM service_bays WHERE store_id = $1 ORDER BY pool")
            .bind(store_id)
            .fetch_all(exec.reborrow())
            .await?;
    let closed: Vec<(String, String)> =
        sql("SELECT day, reason FROM service_closed_days WHERE store_id = $1 ORDER BY day")
            .bind(store_id)
            .fetch_all(exec.reborrow())
            .await?;
    Ok(Some(Capacity {
        store_id,
        slot_minutes,
        horizon_days,
        cutoff_minutes,
        hours: hours
            .into_iter()
            .map(|(weekday, opens_min, closes_min)| Hours {
                weekday,
                opens_min,
                closes_min,
            })
            .collect(),
        bays,
        closed: closed
            .into_iter()
            .filter_map(|(d, r)| crate::aftersales::domain::parse_day(&d).map(|d| (d, r)))
            .collect(),
        version,
    }))
}

/// The capacity of a store the caller may see (404 for another store's, as if missing).
#[tracing::instrument(name = "service.capacity", skip_all, fields(store = store_id))]
pub async fn get(ctx: &Ctx, store_id: i64) -> Result<Option<Capacity>, AppError> {
    ctx.require(Action::ViewService)?;
    ctx.require_store(store_id, "service.store.not_found")?;
    Ok(load(ctx.db(), store_id).await?)
}

/// Sets a store's capacity as a whole. Slots already booked keep their bookings; new
/// bookings follow the new capacity. A form read before someone else's change is refused
/// (409) rather than undoing it.
#[tracing::instrument(name = "service.set_capacity", skip_all, fields(store = store_id))]
pub async fn set(ctx: &Ctx, store_id: i64, input: &CapacityInput) -> Result<Capacity, AppError> {
    let p = ctx.require(Action::ManageServiceCapacity)?;
    ctx.require_store(store_id, "service.store.not_found")?;
    let c = input.check(store_id, ctx.lang())?;
    let known: Option<i64> = sql("SELECT id FROM stores WHERE id = $1")
        .bind(store_id)
        .scalar_optional(ctx.db())
        .await?;
    if known.is_none() {
        return Err(AppError::NotFound(ctx.t("service.store.not_found").into()));
    }
    let now = ctx.now_ms();
    let mut tx = ctx.db().begin().await?;
    let before = load(&mut tx, store_id).await?;
    let version = match &before {
        Some(b) if b.version != input.version => {
            return Err(AppError::Conflict(ctx.t("service.capacity.changed").into()));
        }
        Some(b) => b.version + 1,
        None => 1,
    };
    write(&mut tx, &c, version, now, &p.display_name).await?;
    ctx.audit(
        &mut tx,
        AuditEntry::new("service.capacity", "store", store_id)
            .store(Some(store_id))
            .before(&before)
            .after(&c),
    )
    .await?;
    let event = Event::new(
        super::appointments::TOPIC,
        vec![store_id],
        &serde_json::json!({ "capacity": store_id }),
    );
    ctx.events().stage(&mut tx, &event).await?;
    tx.commit().await?;
    ctx.events().committed(event);
    Ok(Capacity { version, ..c })
}

/// Writes a capacity whole (the demo data and [`set`]).
pub async fn write(tx: &mut Tx, c: &Capacity, version: i64, now: i64, by: &str) -> DbResult<()> {
    sql("DELETE FROM service_settings WHERE store_id = $1")
        .bind(c.store_id)
        .execute(&mut *tx)
        .await?;
    sql("INSERT INTO service_settings (store_id, slot_minutes, horizon_days, cutoff_minutes, updated_at, updated_by, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7)")
    .bind(c.store_id)
    .bind(c.slot_minutes)
    .bind(c.horizon_days)
    .bind(c.cutoff_minutes)
    .bind(now)
    .bind(by)
    .bind(version)
    .execute(&mut *tx)
    .await?;
    for table in ["service_hours", "service_bays", "service_closed_days"] {
        sql(format!("DELETE FROM {table} WHERE store_id = $1"))
            .bind(c.store_id)
            .execute(&mut *tx)
            .await?;
    }
    for h in &c.hours {
        sql("INSERT INTO service_hours (store_id, weekday, opens_min, closes_min) VALUES ($1, $2, $3, $4)")
            .bind(c.store_id)
            .bind(h.weekday)
            .bind(h.opens_min)
            .bind(h.closes_min)
            .execute(&mut *tx)
            .await?;
    }
    for (pool, bays) in &c.bays {
        sql("INSERT INTO service_bays (store_id, pool, bays) VALUES ($1, $2, $3)")
            .bind(c.store_id)
            .bind(pool.as_str())
            .bind(*bays)
            .execute(&mut *tx)
            .await?;
    }
    for (day, reason) in &c.closed {
        sql("INSERT INTO service_closed_days (store_id, day, reason) VALUES ($1, $2, $3)")
            .bind(c.store_id)
            .bind(day.to_string())
            .bind(reason.as_str())
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

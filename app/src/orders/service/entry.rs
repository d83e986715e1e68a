//! What entering an order needs from the stock and the rules before anything is saved:
//! the vehicles free to sell, the one to offer for a trim and colour, the guide price of
//! a car, and the preview of an order's figures and the approval it would need.

use super::rules;
use crate::{
    auth::{Action, Principal},
    ctx::Ctx,
    db::{sql, Where},
    domain::Money,
    error::AppError,
    inventory::domain::{vehicle::days_in_stock, VehicleStatus},
    orders::domain::{
        approval::{self, Facts},
        suggest::{self, Candidate, Suggestion, VehiclePick},
        OrderInput, OrderPreview,
    },
};

/// The most vehicles a picker lists.
pub const MAX_PICKS: i64 = 200;

/// A vehicle row as the pickers read it.
#[derive(sqlx::FromRow)]
struct StockRow {
    id: i64,
    vin: String,
    model_id: i64,
    model_name: String,
    trim_id: i64,
    trim_name: String,
    color_id: i64,
    color_name: String,
    warehouse_id: i64,
    store_id: i64,
    warehouse_name: String,
    #[sqlx(try_from = "String")]
    status: VehicleStatus,
    arrival_date: Option<String>,
    list_price_fen: i64,
    held: bool,
}

impl StockRow {
    fn days(&self, today: chrono::NaiveDate) -> i64 {
        days_in_stock(self.status, self.arrival_date.as_deref(), today).unwrap_or(0)
    }

    fn candidate(&self, today: chrono::NaiveDate) -> Candidate {
        Candidate {
            id: self.id,
            vin: self.vin.clone(),
            warehouse_id: self.warehouse_id,
            warehouse_store_id: self.store_id,
            warehouse_name: self.warehouse_name.clone(),
            days_in_stock: self.days(today),
            held: self.held,
            status: self.status,
        }
    }

    fn pick(&self, ctx: &Ctx, store_id: Option<i64>) -> VehiclePick {
        let today = ctx.today();
        VehiclePick {
            id: self.id,
            vin: self.vin.clone(),
            model_id: self.model_id,
            model_name: self.model_name.clone(),
            trim_id: self.trim_id,
            trim_name: self.trim_name.clone(),
            color_id: self.color_id,
            color_name: self.color_name.clone(),
            store_id: self.store_id,
            warehouse_name: self.warehouse_name.clone(),
            days_in_stock: self.days(today),
            list_price: self.list_price_fen,
            reason: suggest::reason(
                &self.candidate(today),
                store_id.unwrap_or(self.store_id),
                ctx.lang(),
            ),
        }
    }
}

const STOCK: &str =
    "SELECT v.id, v.vin, v.model_id, m.name AS model_name, v.trim_id, t.name AS trim_name,
        v.color_id, co.name AS color_name, v.warehouse_id, w.store_id, w.name AS warehouse_name,
        v.status, v.arrival_date, v.list_price_fen,
        EXISTS (SELECT 1 FROM orders o WHERE o.vehicle_id = v.id) AS held
     FROM vehicles v JOIN warehouses w ON w.id = v.warehouse_id JOIN models m ON m.id = v.model_id
     JOIN trims t ON t.id = v.trim_id JOIN colors co ON co.id = v.color_id";

/// Vehicles in stock in the stores `p` may use, held by no order and in no open transfer,
/// optionally of one trim and colour.
async fn free_stock(
    ctx: &Ctx,
    p: &Principal,
    trim_id: Option<i64>,
    color_id: Option<i64>,
) -> Result<Vec<StockRow>, AppError> {
    let mut w = Where::new();
    w.and_sql("v.status = 'in_stock'");
    w.and_sql("NOT EXISTS (SELECT 1 FROM orders o WHERE o.vehicle_id = v.id)");
    w.and_sql(
        "NOT EXISTS (SELECT 1 FROM transfer_items ti WHERE ti.vehicle_id = v.id AND ti.is_open)",
    );
    if let Some(store) = p.store_scope() {
        w.and("w.store_id = ?", store);
    }
    if let Some(t) = trim_id {
        w.and("v.trim_id = ?", t);
    }
    if let Some(c) = color_id {
        w.and("v.color_id = ?", c);
    }
    Ok(w.build(
        STOCK,
        &format!("ORDER BY v.arrival_date, v.id LIMIT {MAX_PICKS}"),
    )
    .fetch_all(ctx.db())
    .await?)
}

/// The vehicles an order may pick, the caller's own store's first and the longest in stock
/// first; optionally of one trim and colour.
#[tracing::instrument(name = "orders.in_stock", skip_all)]
pub async fn in_stock(
    ctx: &Ctx,
    trim_id: Option<i64>,
    color_id: Option<i64>,
) -> Result<Vec<VehiclePick>, AppError> {
    let p = ctx.require(Action::EditOrders)?;
    let rows = free_stock(ctx, p, trim_id, color_id).await?;
    let today = ctx.today();
    let own = p.store_id;
    let mut picks: Vec<(bool, i64, VehiclePick)> = rows
        .iter()
        .map(|r| (Some(r.store_id) != own, -r.days(today), r.pick(ctx, own)))
        .collect();
    picks.sort_by_key(|a| (a.0, a.1, a.2.id));
    Ok(picks.into_iter().map(|(_, _, v)| v).collect())
}

/// The vehicle to offer an order of `store_id` for a trim and colour: free, in a store the
/// caller may use, the store's own first, then the longest in stock — and why, in words.
#[tracing::instrument(name = "orders.suggest", skip_all)]
pub async fn suggest(
    ctx: &Ctx,
    store_id: i64,
    trim_id: i64,
    color_id: i64,
) -> Result<Option<Suggestion>, AppError> {
    let p = ctx.require(Action::ViewOrders)?;
    let mut w = Where::new();
    w.and_sql("v.status = 'in_stock'");
    w.and("v.trim_id = ?", trim_id);
    w.and("v.color_id = ?", color_id);
    if let Some(store) = p.store_scope() {
        w.and("w.store_id = ?", store);
    }
    w.and_sql(
        "NOT EXISTS (SELECT 1 FROM transfer_items ti WHERE ti.vehicle_id = v.id AND ti.is_open)",
    );
    let rows: Vec<StockRow> = w
        .build(STOCK, "ORDER BY v.id LIMIT 1000")
        .fetch_all(ctx.db())
        .await?;
    let today = ctx.today();
    let candidates: Vec<Candidate> = rows.iter().map(|r| r.candidate(today)).collect();
    Ok(suggest::suggest(&candidates, store_id, ctx.lang()))
}

/// The guide price of a car: the picked vehicle's list price when it has one, else its
/// trim's (or the trim given). `None` when no car is named; a vehicle the caller may not
/// sell is refused on `vehicle_id`.
#[tracing::instrument(name = "orders.guide_price", skip_all)]
pub async fn guide_price(
    ctx: &Ctx,
    vehicle_id: Option<i64>,
    trim_id: Option<i64>,
) -> Result<Option<Money>, AppError> {
    let p = ctx.require(Action::ViewOrders)?;
    let mut trim = trim_id;
    if let Some(vid) = vehicle_id {
        let row: Option<(i64, i64, i64)> = sql(
            "SELECT v.list_price_fen, v.trim_id, w.store_id FROM vehicles v
             JOIN warehouses w ON w.id = v.warehouse_id WHERE v.id = $1",
        )
        .bind(vid)
        .fetch_optional(ctx.db())
        .await?;
        match row {
            Some((price, _, store)) if price > 0 && p.can_access_store(store) => {
                return Ok(Some(Money::from_fen(price)));
            }
            Some((_, t, store)) if p.can_access_store(store) => trim = Some(t),
            _ => {
                return Err(AppError::invalid(
                    "vehicle_id",
                    ctx.t("order.vehicle_not_found"),
                ))
            }
        }
    }
    let Some(t) = trim else {
        return Ok(None);
    };
    let msrp: Option<i64> = sql("SELECT msrp_fen FROM trims WHERE id = $1")
        .bind(t)
        .scalar_optional(ctx.db())
        .await?;
    Ok(msrp.filter(|m| *m > 0).map(Money::from_fen))
}

/// What an order would come to: its figures, the approval the store's rules would ask
/// and why, and the vehicle to offer for its trim and colour (or how long the picked one
/// has stood, and where). The customer may still be missing; every other field is checked
/// as on saving, each refusal on its field.
#[tracing::instrument(name = "orders.preview", skip_all)]
pub async fn preview(ctx: &Ctx, input: &OrderInput) -> Result<OrderPreview, AppError> {
    let p = ctx.require(Action::ViewOrders)?;
    let no_customer = input.customer_id.trim().is_empty();
    let probe = OrderInput {
        customer_id: if no_customer {
            "1".into()
        } else {
            input.customer_id.clone()
        },
        ..input.clone()
    };
    let c = probe.check(ctx.lang())?;
    let customer_store = if no_customer {
        None
    } else {
        let store: Option<i64> =
            sql("SELECT store_id FROM customers WHERE id = $1 AND merged_into IS NULL")
                .bind(c.customer_id)
                .scalar_optional(ctx.db())
                .await?;
        store.filter(|s| p.can_access_store(*s))
    };
    let vehicle = match c.vehicle_id {
        None => None,
        Some(vid) => {
            let mut w = Where::new();
            w.and("v.id = ?", vid);
            let row: Option<StockRow> = w.build(STOCK, "").fetch_optional(ctx.db()).await?;
            let row = row
                .filter(|r| p.can_access_store(r.store_id))
                .ok_or_else(|| AppError::invalid("vehicle_id", ctx.t("order.vehicle_not_found")))?;
            Some(row)
        }
    };
    let store_id = c
        .store_id
        .or(customer_store)
        .or(vehicle.as_ref().map(|v| v.store_id))
        .or(p.store_id);
    let trim_id = c.trim_id.or(vehicle.as_ref().map(|v| v.trim_id));
    let color_id = c.color_id.or(vehicle.as_ref().map(|v| v.color_id));
    let model_id = match (&vehicle, trim_id) {
        (Some(v), _) => Some(v.model_id),
        (None, Some(t)) => {
            sql("SELECT model_id FROM trims WHERE id = $1")
                .bind(t)
                .scalar_optional::<i64>(ctx.db())
                .await?
        }
        (None, None) => None,
    };
    let rules = match store_id {
        Some(s) if p.can_access_store(s) => rules::load(ctx.db(), s).await?,
        _ => approval::default_rules(),
    };
    let facts = Facts::of(&c.totals, model_id.unwrap_or(0), c.payment_type);
    let suggestion = match (&vehicle, store_id, trim_id, color_id) {
        (None, Some(store), Some(t), Some(col)) => suggest(ctx, store, t, col).await?,
        _ => None,
    };
    Ok(OrderPreview {
        totals: c.totals,
        levels: approval::required_levels(&rules, &facts),
        reasons: approval::explain(&rules, &facts, ctx.lang()),
        suggestion,
        vehicle: vehicle.map(|v| v.pick(ctx, store_id)),
    })
}

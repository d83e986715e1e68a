//! Orders: entry, look-up, changes, the moves along their statuses (submit, ship,
//! complete, cancel), payments, and the vehicle each order holds.
//!
//! A vehicle is held by a guarded update (`… WHERE status = 'in_stock'`), so of two orders
//! reaching for one VIN at once exactly one gets it; the partial unique index on
//! `orders.vehicle_id` refuses a second holder whatever path it takes. Every move is a
//! guarded update on the order's status and version: a change made meanwhile is a
//! conflict (409) naming who made it and when, never a silent overwrite.

use super::{check_access, order_event, rules, scope};
use crate::crm::domain::customer::{initials_end, Search};
use crate::{
    audit::{self, AuditEntry},
    auth::{Action, Principal},
    clock,
    ctx::Ctx,
    db::{sql, DbResult, Exec, Tx, Val, Where},
    domain::Role,
    error::{AppError, OrTaken},
    events::Event,
    inventory::{
        domain::vehicle::StockChange,
        service::alerts::{close_aged, reconcile_thresholds, sweep_aged},
    },
    orders::domain::{
        approval::{self, Facts, Level},
        input::CheckedOrder,
        number,
        order::{
            ApprovalRow, ExtraRow, OrderDetail, OrderExport, OrderFilter, OrderItem, OrderPage,
            OrderRow, PaymentRow,
        },
        status::{OrderStatus, PaymentMethod, Transition},
        timeline::TimelineEntry,
        totals::{self, Discount},
        OrderInput, OrderSearch,
    },
    server::AppState,
};
use serde_json::json;

/// How long a draft holds a vehicle against a deposit before the vehicle goes back to
/// stock: three days.
pub const HOLD_MS: i64 = 72 * 3_600_000;
/// The longest cancellation reason or payment note.
pub const MAX_REASON: usize = 500;
pub const MAX_NOTE: usize = 200;
/// What `updated_by` says when the system changed an order (an expired hold).
pub const SYSTEM: &str = "system";

const ROW: &str = "SELECT o.id, o.number, o.store_id, s.name AS store_name, o.customer_id,
        c.name AS customer_name, o.salesperson_id, u.display_name AS salesperson_name, o.created_by,
        o.status, o.model_id, m.name AS model_name, o.trim_id, t.name AS trim_name, o.color_id,
        co.name AS color_name, o.vehicle_id, v.vin, o.hold_until, o.list_price, o.discount,
        o.discount_bp, o.discount_kind, o.extras_total, o.total, o.paid, o.payment_type,
        o.expected_delivery, o.notes, o.cancel_reason, o.approval_round, o.created_at, o.updated_at,
        o.updated_by, o.version
     FROM orders o JOIN stores s ON s.id = o.store_id JOIN customers c ON c.id = o.customer_id
     LEFT JOIN users u ON u.id = o.salesperson_id JOIN models m ON m.id = o.model_id
     JOIN trims t ON t.id = o.trim_id JOIN colors co ON co.id = o.color_id
     LEFT JOIN vehicles v ON v.id = o.vehicle_id";

/// One order as stored, whoever asks (the caller's check is [`open`]'s).
pub(crate) async fn load<'e>(exec: impl Into<Exec<'e>>, id: i64) -> DbResult<Option<OrderRow>> {
    sql(format!("{ROW} WHERE o.id = $1"))
        .bind(id)
        .fetch_optional(exec)
        .await
}

/// The order, after the caller's check for `action`: 404 when it does not exist, 403
/// (saying nothing of it) when the caller may not open it.
pub(crate) async fn open(
    ctx: &Ctx,
    action: Action,
    id: i64,
) -> Result<(&Principal, OrderRow), AppError> {
    let p = ctx.require(action)?;
    let o = load(ctx.db(), id)
        .await?
        .ok_or_else(|| AppError::NotFound(ctx.t("order.not_found").into()))?;
    check_access(ctx, p, o.store_id, o.salesperson_id, o.created_by)?;
    Ok((p, o))
}

/// The conflict for an order someone else changed: who, when, and its version now.
pub(crate) fn changed_by(ctx: &Ctx, updated_by: &str, updated_at: i64, version: i64) -> AppError {
    let name = if updated_by == SYSTEM {
        ctx.t("order.by_system")
    } else {
        updated_by
    };
    AppError::Conflict(ctx.tf(
        "order.changed_by",
        &[
            ("name", name),
            ("time", &clock::local_time(updated_at)),
            ("version", &version.to_string()),
        ],
    ))
}

/// The conflict for a guarded update that found the order changed, as it stands now.
pub(crate) async fn stale(ctx: &Ctx, tx: &mut Tx, id: i64) -> AppError {
    let now: DbResult<Option<(String, i64, i64)>> =
        sql("SELECT updated_by, updated_at, version FROM orders WHERE id = $1")
            .bind(id)
            .fetch_optional(tx)
            .await;
    match now {
        Ok(Some((by, at, version))) => changed_by(ctx, &by, at, version),
        Ok(None) => AppError::NotFound(ctx.t("order.not_found").into()),
        Err(e) => e.into(),
    }
}

/// A move the graph does not allow from here, named as the domain names it.
pub(crate) fn refused_move(ctx: &Ctx, from: OrderStatus, to: OrderStatus) -> AppError {
    Transition::check(from, to, ctx.lang())
        .err()
        .unwrap_or_else(|| {
            AppError::invalid(
                "status",
                ctx.tf(
                    "order.bad_move",
                    &[
                        ("from", ctx.t(from.label_key())),
                        ("to", ctx.t(to.label_key())),
                    ],
                ),
            )
        })
}

/// What the approval rules look at in a stored order.
pub(crate) fn facts_of(o: &OrderRow) -> Facts {
    Facts {
        discount_bp: o.discount_bp,
        total: o.total.fen(),
        model_id: o.model_id,
        payment_type: o.payment_type,
    }
}

/// The discount as it was given: a percent stays exact.
fn discount_of(o: &OrderRow) -> Discount {
    if o.discount_kind == "percent" {
        Discount::Percent(o.discount_bp)
    } else {
        Discount::Amount(o.discount.fen())
    }
}

/// How a discount is stored (`discount_kind`): as an amount or as a percent.
pub(crate) fn discount_kind(d: Discount) -> &'static str {
    match d {
        Discount::Amount(_) => "amount",
        Discount::Percent(_) => "percent",
    }
}

/// Levels as `approval_levels` stores them: `1:sales_manager,2:general_manager`.
pub(crate) fn encode_levels(levels: &[Level]) -> String {
    levels
        .iter()
        .map(|l| format!("{}:{}", l.level, l.role.code()))
        .collect::<Vec<_>>()
        .join(",")
}

pub(crate) fn decode_levels(text: &str) -> Vec<Level> {
    text.split(',')
        .filter_map(|part| {
            let (level, role) = part.split_once(':')?;
            Some(Level {
                level: level.trim().parse().ok()?,
                role: role.parse().ok()?,
            })
        })
        .collect()
}

/// The levels of the order's current round, as stored.
pub(crate) async fn levels_of<'e>(exec: impl Into<Exec<'e>>, id: i64) -> DbResult<Vec<Level>> {
    let text: Option<String> = sql("SELECT approval_levels FROM orders WHERE id = $1")
        .bind(id)
        .scalar_optional(exec)
        .await?;
    Ok(decode_levels(&text.unwrap_or_default()))
}

/// The levels approved in a round (carried approvals included).
pub(crate) async fn approved_levels<'e>(
    exec: impl Into<Exec<'e>>,
    id: i64,
    round: i64,
) -> DbResult<Vec<u8>> {
    let rows: Vec<(i64,)> = sql(
        "SELECT level FROM order_approvals WHERE order_id = $1 AND round = $2 AND decision = 'approved'",
    )
    .bind(id)
    .bind(round)
    .fetch_all(exec)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(l,)| u8::try_from(l).ok())
        .collect())
}

/// A vehicle as an order sees it: what it is and where it stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Car {
    pub id: i64,
    pub vin: String,
    pub model_id: i64,
    pub trim_id: i64,
    pub color_id: i64,
    pub warehouse_id: i64,
    /// The store of its warehouse.
    pub store_id: i64,
}

pub(crate) async fn car<'e>(exec: impl Into<Exec<'e>>, id: i64) -> DbResult<Option<Car>> {
    type Row = (i64, String, i64, i64, i64, i64, i64);
    let row: Option<Row> = sql(
        "SELECT v.id, v.vin, v.model_id, v.trim_id, v.color_id, v.warehouse_id, w.store_id
         FROM vehicles v JOIN warehouses w ON w.id = v.warehouse_id WHERE v.id = $1",
    )
    .bind(id)
    .fetch_optional(exec)
    .await?;
    Ok(row.map(
        |(id, vin, model_id, trim_id, color_id, warehouse_id, store_id)| Car {
            id,
            vin,
            model_id,
            trim_id,
            color_id,
            warehouse_id,
            store_id,
        },
    ))
}

/// Who changes a vehicle or an order: the caller, or the system itself.
pub(crate) enum Who<'a> {
    Caller(&'a Ctx),
    System(&'static str),
}

impl Who<'_> {
    async fn audit(&self, tx: &mut Tx, entry: AuditEntry<'_>) -> DbResult<()> {
        match self {
            Who::Caller(ctx) => ctx.audit(tx, entry).await,
            Who::System(label) => audit::record(tx, audit::Actor::System(label), entry, None).await,
        }
    }
}

/// After a vehicle's status moved: its warehouse's thresholds and its aged-stock alert
/// follow, as for any status change.
async fn settle_stock(
    tx: &mut Tx,
    car: &Car,
    in_stock: bool,
    today: chrono::NaiveDate,
) -> DbResult<()> {
    reconcile_thresholds(tx, &[(car.warehouse_id, car.model_id)]).await?;
    if in_stock {
        sweep_aged(tx, today, Some(car.id)).await
    } else {
        close_aged(tx, today, Some(car.id)).await
    }
}

/// Records a vehicle's move for the order `number` and settles its stock.
async fn vehicle_moved(
    who: &Who<'_>,
    tx: &mut Tx,
    car: &Car,
    from: &str,
    to: &str,
    number: &str,
    today: chrono::NaiveDate,
) -> DbResult<()> {
    who.audit(tx, vehicle_entry(car, from, to, number)).await?;
    settle_stock(tx, car, to == "in_stock", today).await
}

/// The audit entry of a vehicle's move for the order `number`.
fn vehicle_entry<'a>(car: &Car, from: &str, to: &str, number: &str) -> AuditEntry<'a> {
    AuditEntry::new("vehicle.status", "vehicle", car.id)
        .store(Some(car.store_id))
        .before(&json!({ "status": from }))
        .after(&json!({ "status": to, "order": number }))
}

/// Takes `car` out of stock for an order: in stock → reserved, by a guarded update. A
/// vehicle another order holds, or that is not in stock, or in an open transfer, is a
/// conflict naming its VIN.
async fn claim_vehicle(ctx: &Ctx, tx: &mut Tx, car: &Car) -> Result<(), AppError> {
    let claimed = sql(
        "UPDATE vehicles SET status = 'reserved', version = version + 1, updated_at = $1
         WHERE id = $2 AND status = 'in_stock'",
    )
    .bind(ctx.now_ms())
    .bind(car.id)
    .execute(&mut *tx)
    .await?;
    if claimed == 0 {
        return Err(vehicle_taken(ctx, car));
    }
    // Asked after the claim: a transfer request claims the same row, so one that got in
    // first is committed and seen here.
    let in_transfer: i64 =
        sql("SELECT COUNT(*) FROM transfer_items WHERE vehicle_id = $1 AND is_open")
            .bind(car.id)
            .scalar(&mut *tx)
            .await?;
    if in_transfer > 0 {
        return Err(AppError::Conflict(
            ctx.tf("order.vehicle_in_transfer", &[("vin", &car.vin)]),
        ));
    }
    Ok(())
}

fn vehicle_taken(ctx: &Ctx, car: &Car) -> AppError {
    AppError::Conflict(ctx.tf("order.vehicle_taken", &[("vin", &car.vin)]))
}

/// Holds `car` for the order: the vehicle claimed ([`claim_vehicle`]), then the order
/// names it (`until`: the end of a draft's timed hold).
pub(crate) async fn hold(
    ctx: &Ctx,
    tx: &mut Tx,
    order_id: i64,
    number: &str,
    car: &Car,
    until: Option<i64>,
) -> Result<(), AppError> {
    claim_vehicle(ctx, tx, car).await?;
    let named = sql(
        "UPDATE orders SET vehicle_id = $1, hold_until = $2 WHERE id = $3 AND vehicle_id IS NULL",
    )
    .bind(car.id)
    .bind(until)
    .bind(order_id)
    .execute(&mut *tx)
    .await
    .map_err(|e| e.or_taken(|| vehicle_taken(ctx, car)))?;
    if named == 0 {
        return Err(AppError::Conflict(ctx.t("order.already_holds").into()));
    }
    vehicle_moved(
        &Who::Caller(ctx),
        tx,
        car,
        "in_stock",
        "reserved",
        number,
        ctx.today(),
    )
    .await?;
    Ok(())
}

/// Puts a vehicle the order `number` held back in stock — only while it is reserved and
/// no order holds it any more (the caller has just cleared the order's hold). Its place,
/// for the stock event, when it moved.
pub(crate) async fn free_vehicle(
    who: &Who<'_>,
    tx: &mut Tx,
    vehicle_id: i64,
    number: &str,
    now: i64,
    today: chrono::NaiveDate,
) -> Result<Option<Car>, AppError> {
    let freed = sql(
        "UPDATE vehicles SET status = 'in_stock', version = version + 1, updated_at = $1
         WHERE id = $2 AND status = 'reserved'
           AND NOT EXISTS (SELECT 1 FROM orders WHERE vehicle_id = $2)",
    )
    .bind(now)
    .bind(vehicle_id)
    .execute(&mut *tx)
    .await?;
    if freed == 0 {
        return Ok(None);
    }
    let Some(car) = car(&mut *tx, vehicle_id).await? else {
        return Ok(None);
    };
    vehicle_moved(who, tx, &car, "reserved", "in_stock", number, today).await?;
    Ok(Some(car))
}

/// Releases the vehicle an order holds: the order lets go, the vehicle goes back to stock.
pub(crate) async fn release(
    who: &Who<'_>,
    tx: &mut Tx,
    order_id: i64,
    vehicle_id: i64,
    number: &str,
    now: i64,
    today: chrono::NaiveDate,
) -> Result<Option<Car>, AppError> {
    sql("UPDATE orders SET vehicle_id = NULL, hold_until = NULL WHERE id = $1 AND vehicle_id = $2")
        .bind(order_id)
        .bind(vehicle_id)
        .execute(&mut *tx)
        .await?;
    free_vehicle(who, tx, vehicle_id, number, now, today).await
}

/// What an order is of: the model, trim and colour, and the vehicle if one was picked.
struct Spec {
    model_id: i64,
    trim_id: i64,
    color_id: i64,
    car: Option<Car>,
}

/// Checks the specification against the catalogue and the picked vehicle: the vehicle
/// exists in a store the caller may use (or is the one the order holds already) and is
/// of the trim and colour given; the colour is one of the trim's model; the model, if
/// given, is the trim's.
async fn resolve(
    ctx: &Ctx,
    p: &Principal,
    c: &CheckedOrder,
    held: Option<i64>,
) -> Result<Spec, AppError> {
    let car = match c.vehicle_id {
        None => None,
        Some(vid) => {
            let car = car(ctx.db(), vid)
                .await?
                .filter(|v| held == Some(v.id) || p.can_access_store(v.store_id))
                .ok_or_else(|| AppError::invalid("vehicle_id", ctx.t("order.vehicle_not_found")))?;
            if c.trim_id.is_some_and(|t| t != car.trim_id)
                || c.color_id.is_some_and(|x| x != car.color_id)
            {
                return Err(AppError::invalid(
                    "vehicle_id",
                    ctx.tf("order.vehicle_mismatch", &[("vin", &car.vin)]),
                ));
            }
            Some(car)
        }
    };
    let Some(trim_id) = c.trim_id.or(car.as_ref().map(|v| v.trim_id)) else {
        return Err(AppError::invalid("trim_id", ctx.t("order.trim_required")));
    };
    let Some(color_id) = c.color_id.or(car.as_ref().map(|v| v.color_id)) else {
        return Err(AppError::invalid("color_id", ctx.t("order.color_required")));
    };
    // A vehicle's trim and colour are its model's; a spec's are looked up together.
    let model_id = match &car {
        Some(car) => car.model_id,
        None => {
            let models: Option<(i64, Option<i64>)> = sql(
                "SELECT t.model_id, c.model_id FROM trims t LEFT JOIN colors c ON c.id = $2
                 WHERE t.id = $1",
            )
            .bind(trim_id)
            .bind(color_id)
            .fetch_optional(ctx.db())
            .await?;
            let Some((model_id, color_model)) = models else {
                return Err(AppError::invalid("trim_id", ctx.t("order.unknown_trim")));
            };
            if color_model != Some(model_id) {
                return Err(AppError::invalid("color_id", ctx.t("order.unknown_color")));
            }
            model_id
        }
    };
    if c.model_id.is_some_and(|m| m != model_id) {
        return Err(AppError::invalid("model_id", ctx.t("order.model_mismatch")));
    }
    Ok(Spec {
        model_id,
        trim_id,
        color_id,
        car,
    })
}

/// The next number of the store's day (China time), by an atomic upsert-and-increment
/// in the creating transaction: two orders at once never get the same number.
async fn next_number(
    tx: &mut Tx,
    store_id: i64,
    store_code: &str,
    now: i64,
) -> Result<String, AppError> {
    let day = clock::day_of(now);
    let seq: i64 = sql(
        "INSERT INTO order_sequences (store_id, day, last) VALUES ($1, $2, 1)
         ON CONFLICT (store_id, day) DO UPDATE SET last = order_sequences.last + 1
         RETURNING last",
    )
    .bind(store_id)
    .bind(day.format("%Y-%m-%d").to_string())
    .scalar(tx)
    .await?;
    let seq = u32::try_from(seq).map_err(AppError::internal)?;
    Ok(number::format(store_code, day, seq))
}

/// Writes the order's extra lines (after the old ones were removed).
async fn write_extras(tx: &mut Tx, id: i64, c: &CheckedOrder) -> DbResult<()> {
    for (n, x) in c.extras.iter().enumerate() {
        sql(
            "INSERT INTO order_extras (order_id, position, kind, description, price)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(n as i64)
        .bind(x.kind.code())
        .bind(&x.description)
        .bind(x.price.fen())
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

/// Commits `tx` and announces its order change and, when vehicles moved, the stock
/// change: staged in the transaction, sent once it commits.
pub(crate) async fn announce(ctx: &Ctx, mut tx: Tx, events: Vec<Event>) -> Result<(), AppError> {
    ctx.events().stage_all(&mut tx, &events).await?;
    tx.commit().await?;
    for e in events {
        ctx.events().committed(e);
    }
    Ok(())
}

/// The event for an order as it now stands.
async fn event_for(
    tx: &mut Tx,
    o: &OrderRow,
    status: OrderStatus,
    caller: Option<i64>,
) -> DbResult<Event> {
    order_event(
        tx,
        o.store_id,
        o.id,
        &o.number,
        status,
        &[o.salesperson_id, o.created_by, caller],
    )
    .await
}

/// Enters an order; with `submit`, puts it before the approvers at once (or approves it,
/// when the store's rules ask no level of it). The customer must be one the caller may
/// open; the order belongs to the customer's store unless a store the caller may use is
/// named. A vehicle picked for a draft is held for [`HOLD_MS`] against a deposit (one is
/// required); for a submitted order, until the order ends.
#[tracing::instrument(name = "orders.create", skip_all, fields(submit))]
pub async fn create(ctx: &Ctx, input: &OrderInput, submit: bool) -> Result<i64, AppError> {
    let entry = prepare(ctx, input, submit).await?;
    let mut tx = ctx.db().begin().await?;
    let (entered, events) = create_in(ctx, &mut tx, entry).await?;
    announce(ctx, tx, events).await?;
    Ok(entered.order.id)
}

/// An order entry checked against what is stored, ready to be written.
pub(crate) struct Entry {
    p: Principal,
    c: CheckedOrder,
    spec: Spec,
    store_id: i64,
    store_code: String,
    salesperson: Option<i64>,
    submit: bool,
}

/// Checks an entry and reads what it names (customer, store, catalogue, vehicle) before
/// any transaction: everything [`create`] refuses on input is refused here.
pub(crate) async fn prepare(
    ctx: &Ctx,
    input: &OrderInput,
    submit: bool,
) -> Result<Entry, AppError> {
    let p = ctx.require(Action::EditOrders)?.clone();
    let c = input.check(ctx.lang())?;
    let customer = crate::crm::service::customers::get(ctx, c.customer_id)
        .await
        .map_err(|e| match e {
            AppError::NotFound(m) => AppError::invalid("customer_id", m),
            other => other,
        })?;
    let store_id = c.store_id.unwrap_or(customer.store_id);
    let store_code: Option<String> = sql("SELECT code FROM stores WHERE id = $1 AND active")
        .bind(store_id)
        .scalar_optional(ctx.db())
        .await?;
    let Some(store_code) = store_code.filter(|_| p.can_access_store(store_id)) else {
        return Err(AppError::invalid("store_id", ctx.t("order.bad_store")));
    };
    let spec = resolve(ctx, &p, &c, None).await?;
    if spec.car.is_some() && !submit && c.totals.paid == 0 {
        return Err(AppError::invalid(
            "deposit",
            ctx.t("order.hold_needs_deposit"),
        ));
    }
    let salesperson = if p.role == Role::Sales {
        p.user_id
    } else {
        customer.owner_id.or(p.user_id)
    };
    Ok(Entry {
        p,
        c,
        spec,
        store_id,
        store_code,
        salesperson,
        submit,
    })
}

/// Writes a prepared entry in `tx`: the order numbered, its lines and deposit, the
/// vehicle held, the audit entry, and — with `submit` — the approval round. Returns the
/// order as entered and the events to announce once `tx` commits ([`announce`]).
pub(crate) async fn create_in(
    ctx: &Ctx,
    tx: &mut Tx,
    entry: Entry,
) -> Result<(OrderDetail, Vec<Event>), AppError> {
    let Entry {
        p,
        c,
        spec,
        store_id,
        store_code,
        salesperson,
        submit,
    } = entry;
    let now = ctx.now_ms();
    let t = c.totals;
    let number = next_number(&mut *tx, store_id, &store_code, now).await?;
    // The vehicle is claimed first and the order names it as it is written: the partial
    // unique index on `orders.vehicle_id` still refuses a second open order on it.
    if let Some(car) = &spec.car {
        claim_vehicle(ctx, &mut *tx, car).await?;
    }
    let until = spec.car.as_ref().and((!submit).then_some(now + HOLD_MS));
    let id: i64 = sql(
        "INSERT INTO orders (number, store_id, customer_id, salesperson_id, created_by, status, model_id,
                             trim_id, color_id, vehicle_id, hold_until, list_price, discount, discount_bp,
                             discount_kind, extras_total, total, paid, payment_type, expected_delivery,
                             notes, created_at, updated_at, updated_by)
         VALUES ($1, $2, $3, $4, $5, 'draft', $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
                 $18, $19, $20, $21, $21, $22)
         RETURNING id",
    )
    .bind(&number)
    .bind(store_id)
    .bind(c.customer_id)
    .bind(salesperson)
    .bind(p.user_id)
    .bind(spec.model_id)
    .bind(spec.trim_id)
    .bind(spec.color_id)
    .bind(spec.car.as_ref().map(|v| v.id))
    .bind(until)
    .bind(t.list_price)
    .bind(t.discount)
    .bind(t.discount_bp)
    .bind(discount_kind(c.discount))
    .bind(t.extras)
    .bind(t.total)
    .bind(t.paid)
    .bind(c.payment_type.code())
    .bind(c.expected_delivery.map(|d| d.format("%Y-%m-%d").to_string()))
    .bind(&c.notes)
    .bind(now)
    .bind(&p.display_name)
    .scalar(&mut *tx)
    .await
    .map_err(|e| match &spec.car {
        Some(car) => e.or_taken(|| vehicle_taken(ctx, car)),
        None => e.into(),
    })?;
    write_extras(&mut *tx, id, &c).await?;
    let mut payments = Vec::new();
    if let Some(d) = c.deposit {
        let note = ctx.t("order.deposit_note");
        let payment: i64 = sql(
            "INSERT INTO order_payments (order_id, amount, method, paid_at, note, created_by)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(id)
        .bind(d.amount.fen())
        .bind(d.method.code())
        .bind(now)
        .bind(note)
        .bind(&p.display_name)
        .scalar(&mut *tx)
        .await?;
        payments.push(PaymentRow {
            id: payment,
            amount: d.amount.fen(),
            method: d.method,
            paid_at: now,
            note: note.to_owned(),
            created_by: p.display_name.clone(),
        });
    }
    // The vehicle's move and the order's entry, audited in one statement.
    let mut audit = Vec::with_capacity(2);
    let mut stock = StockChange::default();
    if let Some(car) = &spec.car {
        audit.push(vehicle_entry(car, "in_stock", "reserved", &number));
        settle_stock(&mut *tx, car, false, ctx.today()).await?;
        stock.add(car.store_id, car.warehouse_id);
    }
    audit.push(
        AuditEntry::new("order.create", "order", id)
            .store(Some(store_id))
            .after(&json!({
                "number": number,
                "status": "draft",
                "customer": c.customer_id,
                "salesperson": salesperson,
                "trim": spec.trim_id,
                "color": spec.color_id,
                "vehicle": spec.car.as_ref().map(|v| &v.vin),
                "list_price": t.list_price,
                "discount": t.discount,
                "discount_bp": t.discount_bp,
                "total": t.total,
                "paid": t.paid,
            })),
    );
    ctx.audit_many(&mut *tx, audit).await?;
    let row = load(&mut *tx, id)
        .await?
        .ok_or_else(|| AppError::internal("a new order is missing"))?;
    let (event, entered) = if submit {
        let status = submit_in(ctx, &mut *tx, &row).await?;
        let event = event_for(&mut *tx, &row, status, p.user_id).await?;
        let row = load(&mut *tx, id)
            .await?
            .ok_or_else(|| AppError::internal("a new order is missing"))?;
        (event, detail(&mut *tx, row).await?)
    } else {
        // A draft as just written: no decisions, no levels yet.
        let event = event_for(&mut *tx, &row, OrderStatus::Draft, p.user_id).await?;
        let extras = c
            .extras
            .iter()
            .zip(0..)
            .map(|(x, position)| ExtraRow {
                position,
                kind: x.kind,
                description: x.description.clone(),
                price: x.price,
            })
            .collect();
        (
            event,
            assemble(row, extras, payments, Vec::new(), Vec::new()),
        )
    };
    Ok((entered, vec![event, stock.event()]))
}

/// Puts a draft (or a rejected order, back from its author) before the approvers: a new
/// round, with the levels the store's rules ask of its values now. When they ask none,
/// the order is approved at once. A draft's timed hold becomes a firm one.
async fn submit_in(ctx: &Ctx, tx: &mut Tx, o: &OrderRow) -> Result<OrderStatus, AppError> {
    use OrderStatus::*;
    let lang = ctx.lang();
    if !matches!(o.status, Draft | Rejected) {
        return Err(refused_move(ctx, o.status, PendingApproval));
    }
    if o.status == Rejected {
        Transition::check(Rejected, Draft, lang)?;
    }
    Transition::check(Draft, PendingApproval, lang)?;
    let rules = rules::load(&mut *tx, o.store_id).await?;
    let levels = approval::required_levels(&rules, &facts_of(o));
    let to = if levels.is_empty() {
        Transition::check(PendingApproval, Approved, lang)?.to
    } else {
        PendingApproval
    };
    let round = o.approval_round + 1;
    let now = ctx.now_ms();
    let changed = sql(
        "UPDATE orders SET status = $1, approval_round = $2, approval_levels = $3, hold_until = NULL,
                updated_at = $4, updated_by = $5, version = version + 1
         WHERE id = $6 AND status = $7 AND version = $8",
    )
    .bind(to.code())
    .bind(round)
    .bind(encode_levels(&levels))
    .bind(now)
    .bind(&ctx.principal()?.display_name)
    .bind(o.id)
    .bind(o.status.code())
    .bind(o.version)
    .execute(&mut *tx)
    .await?;
    if changed == 0 {
        return Err(stale(ctx, tx, o.id).await);
    }
    ctx.audit(
        &mut *tx,
        AuditEntry::new("order.status", "order", o.id)
            .store(Some(o.store_id))
            .before(&json!({ "status": o.status.code() }))
            .after(&json!({
                "status": to.code(),
                "round": round,
                "levels": encode_levels(&levels),
                "why": approval::explain(&rules, &facts_of(o), lang),
            })),
    )
    .await?;
    Ok(to)
}

/// Submits a draft or a rejected order for approval (see `create`); the status it is in
/// afterwards.
#[tracing::instrument(name = "orders.submit", skip_all, fields(order = id))]
pub async fn submit(ctx: &Ctx, id: i64) -> Result<OrderStatus, AppError> {
    let (p, o) = open(ctx, Action::EditOrders, id).await?;
    let mut tx = ctx.db().begin().await?;
    let to = submit_in(ctx, &mut tx, &o).await?;
    let event = event_for(&mut tx, &o, to, p.user_id).await?;
    announce(ctx, tx, vec![event]).await?;
    Ok(to)
}

/// One order with its extra lines, payments, approval decisions and the levels it needs.
#[tracing::instrument(name = "orders.get", skip_all, fields(order = id))]
pub async fn get(ctx: &Ctx, id: i64) -> Result<OrderDetail, AppError> {
    let (_, order) = open(ctx, Action::ViewOrders, id).await?;
    detail(ctx.db(), order).await
}

/// What [`get`] shows of an order, whoever asks (the caller's check is [`open`]'s).
pub(crate) async fn detail<'e>(
    exec: impl Into<Exec<'e>>,
    order: OrderRow,
) -> Result<OrderDetail, AppError> {
    let mut db = exec.into();
    let id = order.id;
    let extras: Vec<ExtraRow> = sql(
        "SELECT position, kind, description, price FROM order_extras WHERE order_id = $1 ORDER BY position",
    )
    .bind(id)
    .fetch_all(db.reborrow())
    .await?;
    let payments: Vec<PaymentRow> = sql(
        "SELECT id, amount, method, paid_at, note, created_by FROM order_payments
         WHERE order_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(db.reborrow())
    .await?;
    let approvals: Vec<ApprovalRow> = sql(
        "SELECT round, level, role, decision, decided_by, decided_by_name, comment, carried, decided_at
         FROM order_approvals WHERE order_id = $1 ORDER BY round, level",
    )
    .bind(id)
    .fetch_all(db.reborrow())
    .await?;
    let required_levels = levels_of(db, id).await?;
    Ok(assemble(
        order,
        extras,
        payments,
        approvals,
        required_levels,
    ))
}

/// An order's detail from its parts; the level to decide next follows from them.
fn assemble(
    order: OrderRow,
    extras: Vec<ExtraRow>,
    payments: Vec<PaymentRow>,
    approvals: Vec<ApprovalRow>,
    required_levels: Vec<Level>,
) -> OrderDetail {
    let decided: Vec<u8> = approvals
        .iter()
        .filter(|a| a.round == order.approval_round && a.decision == "approved")
        .filter_map(|a| u8::try_from(a.level).ok())
        .collect();
    let next_level = (order.status == OrderStatus::PendingApproval)
        .then(|| approval::next_level(&required_levels, &decided))
        .flatten();
    OrderDetail {
        order,
        extras,
        payments,
        approvals,
        required_levels,
        next_level,
    }
}

/// The order's history from the audit log, oldest first: who changed what, before and
/// after. A change the system made (an expired hold) is named as the system's.
#[tracing::instrument(name = "orders.timeline", skip_all, fields(order = id))]
pub async fn timeline(ctx: &Ctx, id: i64) -> Result<Vec<TimelineEntry>, AppError> {
    open(ctx, Action::ViewOrders, id).await?;
    let mut rows: Vec<TimelineEntry> = sql(
        "SELECT a.id, a.at, COALESCE(u.display_name, a.actor) AS actor, a.action, a.before_json,
                a.after_json
         FROM audit_log a LEFT JOIN users u ON u.id = a.actor_user_id
         WHERE a.entity = 'order' AND a.entity_id = $1 ORDER BY a.id LIMIT 500",
    )
    .bind(id.to_string())
    .fetch_all(ctx.db())
    .await?;
    for r in &mut rows {
        if r.actor.starts_with("system:") {
            r.actor = ctx.t("order.by_system").into();
        }
    }
    Ok(rows)
}

/// What the list reads its orders from: each with its customer and vehicle.
const LIST_FROM: &str = "FROM orders o JOIN customers c ON c.id = o.customer_id
    LEFT JOIN vehicles v ON v.id = o.vehicle_id";

/// The most orders a list counts; beyond it, the page says "10,000+".
pub const COUNT_CAP: i64 = 10_000;

/// The most customers or vehicles a search may find before it is asked to say more.
const SEARCH_IDS: usize = 1000;

/// The ids `head` (`SELECT id FROM …`) finds under `w`, up to one more than
/// [`SEARCH_IDS`].
async fn ids_where(ctx: &Ctx, head: &str, w: &Where) -> Result<Vec<Val>, AppError> {
    let ids: Vec<(i64,)> = w
        .build(head, &format!("LIMIT {}", SEARCH_IDS + 1))
        .fetch_all(ctx.db())
        .await?;
    Ok(ids.into_iter().map(|(id,)| Val::from(id)).collect())
}

/// The condition of the order list for `p` and the filter (the filter checked first; a
/// search looks up its customers or vehicles).
async fn list_filter(ctx: &Ctx, p: &Principal, f: &OrderFilter) -> Result<Where, AppError> {
    if let Some((field, key)) = f.problem() {
        return Err(AppError::invalid(field, ctx.t(key)));
    }
    let mut w = Where::new();
    scope(&mut w, p, "o");
    if let Some(s) = f.status {
        w.and("o.status = ?", s.code());
    }
    if f.sold == Some(true) {
        w.and_sql("o.status IN ('approved', 'shipped', 'completed')");
    }
    for (col, v) in [
        ("o.customer_id", f.customer_id),
        ("o.salesperson_id", f.salesperson_id),
        ("o.store_id", f.store_id),
        ("o.model_id", f.model_id),
    ] {
        if let Some(v) = v {
            w.and(&format!("{col} = ?"), v);
        }
    }
    if let Some(from) = f.from {
        w.and("o.created_at >= ?", clock::day_start(from));
    }
    if let Some(to) = f.to.and_then(|d| d.succ_opt()) {
        w.and("o.created_at < ?", clock::day_start(to));
    }
    // Each reading of the search is answered by an index: the order number's directly;
    // the VIN's or the customer's first, for the few ids they give (then the orders
    // holding those vehicles or of those customers, by their own indexes).
    let mut lookup = Where::new();
    let found = match f.q.as_deref().and_then(OrderSearch::read) {
        None => None,
        Some(OrderSearch::Number(n)) => {
            w.and("o.number >= ?", n.clone())
                .and("o.number < ?", format!("{n}\u{10FFFF}"));
            None
        }
        Some(OrderSearch::Vin(v)) => {
            lookup.and("vin = ?", v);
            Some((
                "o.vehicle_id",
                ids_where(ctx, "SELECT id FROM vehicles", &lookup).await?,
            ))
        }
        Some(OrderSearch::VinTail(t)) => {
            lookup.and("vin LIKE ?", format!("%{t}"));
            Some((
                "o.vehicle_id",
                ids_where(ctx, "SELECT id FROM vehicles", &lookup).await?,
            ))
        }
        Some(OrderSearch::Customer(search)) => {
            match search {
                Search::Mobile(m) => lookup.and("mobile = ?", m.as_str()),
                Search::Last4(d) => lookup.and("mobile_last4 = ?", d),
                Search::Initials(i) => {
                    // As the customer list reads initials: a range the index serves.
                    let upper = initials_end(&i);
                    lookup.and_range("initials >= ? AND initials < ?", i, upper)
                }
                Search::Name(n) => lookup.and_range(
                    "name >= ? AND name < ?",
                    n.clone(),
                    format!("{n}\u{10FFFF}"),
                ),
            };
            Some((
                "o.customer_id",
                ids_where(ctx, "SELECT id FROM customers", &lookup).await?,
            ))
        }
    };
    if let Some((column, ids)) = found {
        if ids.len() > SEARCH_IDS {
            return Err(AppError::invalid("q", ctx.t("order.search_too_wide")));
        }
        w.and_in(column, ids);
    }
    Ok(w)
}

/// The orders the caller may see that pass the filter, newest first, a page at a time.
#[tracing::instrument(name = "orders.list", skip_all)]
pub async fn list(ctx: &Ctx, f: &OrderFilter) -> Result<OrderPage, AppError> {
    let p = ctx.require(Action::ViewOrders)?;
    let w = list_filter(ctx, p, f).await?;
    // Counted up to a cap: an exact count of half a million orders costs more than the
    // page, and nobody pages that far.
    let counted: i64 = w
        .build(
            "SELECT COUNT(*) FROM (SELECT 1 FROM orders o",
            &format!("LIMIT {}) AS capped", COUNT_CAP + 1),
        )
        .scalar(ctx.db())
        .await?;
    // The page's ids first, from the orders table alone (an index walked in order, past
    // the offset without joining anything), then what the rows show for those few.
    // A search narrows to a few orders by its own index; SQLite would rather walk the
    // newest-first index to spare a sort, so the order is an expression then.
    let newest = if f.q.as_deref().is_some_and(|q| !q.trim().is_empty()) {
        "o.created_at + 0 DESC, o.id DESC"
    } else {
        "o.created_at DESC, o.id DESC"
    };
    let ids: Vec<(i64,)> = w
        .build(
            "SELECT o.id FROM orders o",
            &format!(
                "ORDER BY {newest} LIMIT {} OFFSET {}",
                f.page_size(),
                f.offset.unwrap_or(0).max(0)
            ),
        )
        .fetch_all(ctx.db())
        .await?;
    let mut page = Where::new();
    page.and_in("o.id", ids.iter().map(|(id,)| Val::from(*id)).collect());
    let mut rows: Vec<OrderItem> = page
        .build(
            &format!(
                "SELECT o.id, o.number, o.status, o.store_id, s.name AS store_name, o.customer_id,
                        c.name AS customer_name, o.salesperson_id, u.display_name AS salesperson_name,
                        o.model_id, m.name AS model_name, v.vin, o.total, o.paid, o.created_at, o.updated_at
                 {LIST_FROM} JOIN stores s ON s.id = o.store_id JOIN models m ON m.id = o.model_id
                 LEFT JOIN users u ON u.id = o.salesperson_id"
            ),
            "",
        )
        .fetch_all(ctx.db())
        .await?;
    // In the page's order (sorting here keeps the planner on the ids).
    rows.sort_by_key(|r| ids.iter().position(|(id,)| *id == r.id));
    Ok(OrderPage {
        rows,
        total: counted.min(COUNT_CAP),
        more: counted > COUNT_CAP,
    })
}

/// Every order of the list as filtered (the page's paging aside), newest first, up to
/// `cap`: for the Excel export, with the car spelled out and the figures of each total.
#[tracing::instrument(name = "orders.export", skip_all)]
pub async fn export_rows(
    ctx: &Ctx,
    f: &OrderFilter,
    cap: i64,
) -> Result<Vec<OrderExport>, AppError> {
    let p = ctx.require(Action::ViewOrders)?;
    let w = list_filter(ctx, p, f).await?;
    Ok(w.build(
        &format!(
            "SELECT o.id, o.number, o.status, s.name AS store_name, c.name AS customer_name,
                    u.display_name AS salesperson_name, m.name AS model_name, t.name AS trim_name,
                    co.name AS color_name, v.vin, o.payment_type, o.list_price, o.discount,
                    o.extras_total, o.total, o.paid, o.expected_delivery, o.created_at
             {LIST_FROM} JOIN stores s ON s.id = o.store_id JOIN models m ON m.id = o.model_id
             JOIN trims t ON t.id = o.trim_id JOIN colors co ON co.id = o.color_id
             LEFT JOIN users u ON u.id = o.salesperson_id"
        ),
        &format!(
            "ORDER BY o.created_at DESC, o.id DESC LIMIT {}",
            cap.clamp(1, OrderFilter::MAX_EXPORT)
        ),
    )
    .fetch_all(ctx.db())
    .await?)
}

/// Changes an order while it may change (until it ships): `version` is the one the person
/// saw — a change made meanwhile is refused, naming who made it and when, and nothing is
/// written. A rejected order becomes a draft again. A change to the values approvers
/// decided on (price, discount, extras, model, payment type) starts a new approval round
/// with only the levels the change asks again ([`approval::levels_to_redo`]); the others
/// carry over. A new vehicle is held and the old one released. Payments are not changed
/// here (see [`add_payment`]): the deposit counts only when an order is entered. The
/// status the order is in afterwards.
#[tracing::instrument(name = "orders.update", skip_all, fields(order = id))]
pub async fn update(
    ctx: &Ctx,
    id: i64,
    input: &OrderInput,
    version: i64,
) -> Result<OrderStatus, AppError> {
    use OrderStatus::*;
    let (p, o) = open(ctx, Action::EditOrders, id).await?;
    if !o.status.editable() {
        return Err(AppError::invalid(
            "status",
            ctx.tf(
                "order.not_editable",
                &[("status", ctx.t(o.status.label_key()))],
            ),
        ));
    }
    if o.version != version {
        return Err(changed_by(ctx, &o.updated_by, o.updated_at, o.version));
    }
    let lang = ctx.lang();
    let c = input.check(lang)?;
    if c.customer_id != o.customer_id {
        return Err(AppError::invalid(
            "customer_id",
            ctx.t("order.customer_fixed"),
        ));
    }
    if c.store_id.is_some_and(|s| s != o.store_id) {
        return Err(AppError::invalid("store_id", ctx.t("order.store_fixed")));
    }
    let spec = resolve(ctx, p, &c, o.vehicle_id).await?;
    let now = ctx.now_ms();
    let mut tx = ctx.db().begin().await?;
    let payments: Vec<(i64,)> =
        sql("SELECT amount FROM order_payments WHERE order_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all(&mut tx)
            .await?;
    let payments: Vec<i64> = payments.into_iter().map(|(a,)| a).collect();
    let prices: Vec<i64> = c.extras.iter().map(|x| x.price.fen()).collect();
    let t = totals::compute(c.list_price.fen(), c.discount, &prices, &payments)
        .map_err(|e| e.to_app_error(lang))?;
    let new_facts = Facts {
        discount_bp: t.discount_bp,
        total: t.total,
        model_id: spec.model_id,
        payment_type: c.payment_type,
    };
    let old_facts = facts_of(&o);
    // Where the order stands after the change: (status, round, levels, levels carried).
    let old_levels = levels_of(&mut tx, id).await?;
    let (to, round, levels, carried) = match o.status {
        Draft | Rejected => (
            o.status.after_edit(false),
            o.approval_round,
            old_levels,
            Vec::new(),
        ),
        PendingApproval | Approved => {
            let rules = rules::load(&mut tx, o.store_id).await?;
            let new_levels = approval::required_levels(&rules, &new_facts);
            if new_facts == old_facts && new_levels == old_levels {
                (o.status, o.approval_round, old_levels, Vec::new())
            } else {
                let decided = approved_levels(&mut tx, id, o.approval_round).await?;
                let redo = approval::levels_to_redo(
                    &old_facts,
                    &old_levels,
                    &decided,
                    &new_facts,
                    &new_levels,
                );
                if redo.is_empty() {
                    // Every level the new values need stands approved.
                    (Approved, o.approval_round, new_levels, Vec::new())
                } else {
                    let keep: Vec<Level> = new_levels
                        .iter()
                        .filter(|l| !redo.contains(l))
                        .copied()
                        .collect();
                    (
                        o.status.after_edit(true),
                        o.approval_round + 1,
                        new_levels,
                        keep,
                    )
                }
            }
        }
        Shipped | Completed | Cancelled => return Err(refused_move(ctx, o.status, Draft)),
    };
    if to != o.status {
        Transition::check(o.status, to, lang)?;
    }
    let same_car = c.vehicle_id == o.vehicle_id;
    if spec.car.is_some() && to == Draft && t.paid == 0 {
        return Err(AppError::invalid(
            "deposit",
            ctx.t("order.hold_needs_deposit"),
        ));
    }
    // A draft keeps its timed hold; from approval on, a hold is firm.
    let kept_until = if same_car && to == Draft {
        o.hold_until
    } else {
        None
    };
    let changed = sql(
        "UPDATE orders SET model_id = $1, trim_id = $2, color_id = $3, list_price = $4, discount = $5,
                discount_bp = $6, discount_kind = $7, extras_total = $8, total = $9, payment_type = $10,
                expected_delivery = $11, notes = $12, status = $13, approval_round = $14,
                approval_levels = $15, hold_until = $16, updated_at = $17, updated_by = $18,
                version = version + 1
         WHERE id = $19 AND status = $20 AND version = $21",
    )
    .bind(spec.model_id)
    .bind(spec.trim_id)
    .bind(spec.color_id)
    .bind(t.list_price)
    .bind(t.discount)
    .bind(t.discount_bp)
    .bind(discount_kind(c.discount))
    .bind(t.extras)
    .bind(t.total)
    .bind(c.payment_type.code())
    .bind(c.expected_delivery.map(|d| d.format("%Y-%m-%d").to_string()))
    .bind(&c.notes)
    .bind(to.code())
    .bind(round)
    .bind(encode_levels(&levels))
    .bind(kept_until)
    .bind(now)
    .bind(&p.display_name)
    .bind(id)
    .bind(o.status.code())
    .bind(version)
    .execute(&mut tx)
    .await?;
    if changed == 0 {
        return Err(stale(ctx, &mut tx, id).await);
    }
    sql("DELETE FROM order_extras WHERE order_id = $1")
        .bind(id)
        .execute(&mut tx)
        .await?;
    write_extras(&mut tx, id, &c).await?;
    let mut stock = StockChange::default();
    if !same_car {
        if let Some(old) = o.vehicle_id {
            let who = Who::Caller(ctx);
            if let Some(car) = release(&who, &mut tx, id, old, &o.number, now, ctx.today()).await? {
                stock.add(car.store_id, car.warehouse_id);
            }
        }
        if let Some(car) = &spec.car {
            let until = (to == Draft).then_some(now + HOLD_MS);
            hold(ctx, &mut tx, id, &o.number, car, until).await?;
            stock.add(car.store_id, car.warehouse_id);
        }
    }
    for level in &carried {
        sql(
            "INSERT INTO order_approvals (order_id, round, level, role, decision, decided_by,
                                          decided_by_name, comment, carried, decided_at)
             SELECT order_id, $1, level, role, decision, decided_by, decided_by_name, comment, TRUE,
                    decided_at
             FROM order_approvals
             WHERE order_id = $2 AND round = $3 AND level = $4 AND decision = 'approved'",
        )
        .bind(round)
        .bind(id)
        .bind(o.approval_round)
        .bind(i64::from(level.level))
        .execute(&mut tx)
        .await?;
    }
    ctx.audit(
        &mut tx,
        AuditEntry::new("order.update", "order", id)
            .store(Some(o.store_id))
            .before(&json!({
                "trim": o.trim_id, "color": o.color_id, "vehicle": o.vin,
                "list_price": o.list_price, "discount": o.discount, "discount_bp": o.discount_bp,
                "extras_total": o.extras_total, "total": o.total,
                "payment_type": o.payment_type.code(), "notes": o.notes,
            }))
            .after(&json!({
                "trim": spec.trim_id, "color": spec.color_id,
                "vehicle": spec.car.as_ref().map(|v| &v.vin),
                "list_price": t.list_price, "discount": t.discount, "discount_bp": t.discount_bp,
                "extras_total": t.extras, "total": t.total,
                "payment_type": c.payment_type.code(), "notes": c.notes,
            })),
    )
    .await?;
    if to != o.status || round != o.approval_round {
        let carried_levels: Vec<u8> = carried.iter().map(|l| l.level).collect();
        ctx.audit(
            &mut tx,
            AuditEntry::new("order.status", "order", id)
                .store(Some(o.store_id))
                .before(&json!({ "status": o.status.code(), "round": o.approval_round }))
                .after(&json!({
                    "status": to.code(),
                    "round": round,
                    "levels": encode_levels(&levels),
                    "carried": carried_levels,
                })),
        )
        .await?;
    }
    let event = event_for(&mut tx, &o, to, p.user_id).await?;
    announce(ctx, tx, vec![event, stock.event()]).await?;
    Ok(to)
}

/// Holds a vehicle for an order that holds none yet: a draft (for [`HOLD_MS`], against
/// the deposit it must have), or an order waiting for approval or approved. The vehicle
/// must be in stock in a store the caller may use, and of the order's trim and colour.
/// Of many orders reaching for one vehicle at once, one gets it; the others are refused
/// (409) with its VIN named.
#[tracing::instrument(name = "orders.allocate", skip_all, fields(order = id, vehicle = vehicle_id))]
pub async fn allocate(ctx: &Ctx, id: i64, vehicle_id: i64) -> Result<(), AppError> {
    use OrderStatus::*;
    let (p, o) = open(ctx, Action::EditOrders, id).await?;
    if !matches!(o.status, Draft | PendingApproval | Approved) {
        return Err(AppError::invalid(
            "status",
            ctx.tf(
                "order.cannot_hold",
                &[("status", ctx.t(o.status.label_key()))],
            ),
        ));
    }
    if let Some(vin) = &o.vin {
        return Err(AppError::Conflict(
            ctx.tf("order.holds_already", &[("vin", vin)]),
        ));
    }
    if o.status == Draft && o.paid.fen() == 0 {
        return Err(AppError::invalid(
            "vehicle_id",
            ctx.t("order.hold_needs_deposit"),
        ));
    }
    let car = car(ctx.db(), vehicle_id)
        .await?
        .filter(|v| p.can_access_store(v.store_id))
        .ok_or_else(|| AppError::invalid("vehicle_id", ctx.t("order.vehicle_not_found")))?;
    if car.trim_id != o.trim_id || car.color_id != o.color_id {
        return Err(AppError::invalid(
            "vehicle_id",
            ctx.tf("order.vehicle_mismatch", &[("vin", &car.vin)]),
        ));
    }
    let now = ctx.now_ms();
    let until = (o.status == Draft).then_some(now + HOLD_MS);
    let mut tx = ctx.db().begin().await?;
    let changed = sql(
        "UPDATE orders SET updated_at = $1, updated_by = $2, version = version + 1
         WHERE id = $3 AND status = $4 AND version = $5 AND vehicle_id IS NULL",
    )
    .bind(now)
    .bind(&p.display_name)
    .bind(id)
    .bind(o.status.code())
    .bind(o.version)
    .execute(&mut tx)
    .await?;
    if changed == 0 {
        return Err(stale(ctx, &mut tx, id).await);
    }
    hold(ctx, &mut tx, id, &o.number, &car, until).await?;
    ctx.audit(
        &mut tx,
        AuditEntry::new("order.allocate", "order", id)
            .store(Some(o.store_id))
            .before(&json!({ "vehicle": null }))
            .after(&json!({ "vehicle": car.vin, "hold_until": until })),
    )
    .await?;
    let mut stock = StockChange::default();
    stock.add(car.store_id, car.warehouse_id);
    let event = event_for(&mut tx, &o, o.status, p.user_id).await?;
    announce(ctx, tx, vec![event, stock.event()]).await
}

/// Moves an order along one step that changes its vehicle's status too: `ship` (approved
/// → shipped; the vehicle reserved → sold) or `complete` (shipped → completed; sold →
/// delivered).
async fn step_with_vehicle(
    ctx: &Ctx,
    id: i64,
    to: OrderStatus,
    vehicle_from: &str,
    vehicle_to: &str,
) -> Result<(Tx, OrderRow, Car), AppError> {
    let (p, o) = open(ctx, Action::EditOrders, id).await?;
    Transition::check(o.status, to, ctx.lang())?;
    let Some(vehicle_id) = o.vehicle_id else {
        return Err(AppError::invalid(
            "vehicle_id",
            ctx.t("order.needs_vehicle"),
        ));
    };
    let now = ctx.now_ms();
    let mut tx = ctx.db().begin().await?;
    let changed = sql(
        "UPDATE orders SET status = $1, hold_until = NULL, updated_at = $2, updated_by = $3,
                version = version + 1
         WHERE id = $4 AND status = $5 AND version = $6",
    )
    .bind(to.code())
    .bind(now)
    .bind(&p.display_name)
    .bind(id)
    .bind(o.status.code())
    .bind(o.version)
    .execute(&mut tx)
    .await?;
    if changed == 0 {
        return Err(stale(ctx, &mut tx, id).await);
    }
    let car = car(&mut tx, vehicle_id)
        .await?
        .ok_or_else(|| AppError::internal("an order's vehicle is missing"))?;
    let moved = sql(
        "UPDATE vehicles SET status = $1, version = version + 1, updated_at = $2
         WHERE id = $3 AND status = $4",
    )
    .bind(vehicle_to)
    .bind(now)
    .bind(vehicle_id)
    .bind(vehicle_from)
    .execute(&mut tx)
    .await?;
    if moved == 0 {
        return Err(AppError::Conflict(
            ctx.tf("order.vehicle_not_ready", &[("vin", &car.vin)]),
        ));
    }
    vehicle_moved(
        &Who::Caller(ctx),
        &mut tx,
        &car,
        vehicle_from,
        vehicle_to,
        &o.number,
        ctx.today(),
    )
    .await?;
    ctx.audit(
        &mut tx,
        AuditEntry::new("order.status", "order", id)
            .store(Some(o.store_id))
            .before(&json!({ "status": o.status.code() }))
            .after(&json!({ "status": to.code(), "vehicle": car.vin })),
    )
    .await?;
    Ok((tx, o, car))
}

/// Ships an approved order: it must hold its vehicle, which is sold to the customer.
#[tracing::instrument(name = "orders.ship", skip_all, fields(order = id))]
pub async fn ship(ctx: &Ctx, id: i64) -> Result<(), AppError> {
    let (mut tx, o, car) =
        step_with_vehicle(ctx, id, OrderStatus::Shipped, "reserved", "sold").await?;
    let mut stock = StockChange::default();
    stock.add(car.store_id, car.warehouse_id);
    let caller = ctx.principal()?.user_id;
    let event = event_for(&mut tx, &o, OrderStatus::Shipped, caller).await?;
    announce(ctx, tx, vec![event, stock.event()]).await
}

/// Completes a shipped order: its vehicle is delivered, the customer's open leads are
/// won (成交), and a satisfaction rating link is made for the customer.
#[tracing::instrument(name = "orders.complete", skip_all, fields(order = id))]
pub async fn complete(ctx: &Ctx, id: i64) -> Result<(), AppError> {
    let (mut tx, o, car) =
        step_with_vehicle(ctx, id, OrderStatus::Completed, "sold", "delivered").await?;
    let now = ctx.now_ms();
    let open_leads: Vec<(i64, i64, String)> = sql(
        "SELECT id, store_id, stage FROM leads WHERE customer_id = $1 AND stage NOT IN ('won', 'lost')",
    )
    .bind(o.customer_id)
    .fetch_all(&mut tx)
    .await?;
    for (lead, store_id, stage) in open_leads {
        sql("UPDATE leads SET stage = 'won', updated_at = $1, last_contact_at = $1, version = version + 1
             WHERE id = $2 AND stage = $3")
        .bind(now)
        .bind(lead)
        .bind(&stage)
        .execute(&mut tx)
        .await?;
        ctx.audit(
            &mut tx,
            AuditEntry::new("lead.stage", "lead", lead)
                .store(Some(store_id))
                .before(&json!({ "stage": stage }))
                .after(&json!({ "stage": "won", "order": o.number })),
        )
        .await?;
    }
    sql("UPDATE customers SET updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(o.customer_id)
        .execute(&mut tx)
        .await?;
    // The customer's satisfaction link (满意度), handed over on the order's page.
    crate::aftersales::service::ratings::invite(
        &mut tx,
        crate::aftersales::domain::rating::RatingSubject::order(
            o.id,
            o.store_id,
            o.salesperson_id,
            o.customer_id,
        ),
        now,
    )
    .await?;
    let mut stock = StockChange::default();
    stock.add(car.store_id, car.warehouse_id);
    let caller = ctx.principal()?.user_id;
    let event = event_for(&mut tx, &o, OrderStatus::Completed, caller).await?;
    announce(ctx, tx, vec![event, stock.event()]).await
}

/// Cancels an order that has not shipped, for a reason (required); its vehicle goes back
/// to stock. Payments taken stay on the order, to be refunded with [`add_payment`].
#[tracing::instrument(name = "orders.cancel", skip_all, fields(order = id))]
pub async fn cancel(ctx: &Ctx, id: i64, reason: &str) -> Result<(), AppError> {
    let (p, o) = open(ctx, Action::EditOrders, id).await?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::invalid(
            "reason",
            ctx.t("order.cancel_reason_required"),
        ));
    }
    if reason.len() > MAX_REASON * 4 || reason.chars().count() > MAX_REASON {
        return Err(AppError::invalid(
            "reason",
            ctx.tf("error.too_long", &[("max", &MAX_REASON.to_string())]),
        ));
    }
    let to = Transition::check(o.status, OrderStatus::Cancelled, ctx.lang())?.to;
    let now = ctx.now_ms();
    let mut tx = ctx.db().begin().await?;
    let changed = sql(
        "UPDATE orders SET status = 'cancelled', cancel_reason = $1, vehicle_id = NULL, hold_until = NULL,
                updated_at = $2, updated_by = $3, version = version + 1
         WHERE id = $4 AND status = $5 AND version = $6",
    )
    .bind(reason)
    .bind(now)
    .bind(&p.display_name)
    .bind(id)
    .bind(o.status.code())
    .bind(o.version)
    .execute(&mut tx)
    .await?;
    if changed == 0 {
        return Err(stale(ctx, &mut tx, id).await);
    }
    let mut stock = StockChange::default();
    if let Some(vid) = o.vehicle_id {
        let who = Who::Caller(ctx);
        if let Some(car) = free_vehicle(&who, &mut tx, vid, &o.number, now, ctx.today()).await? {
            stock.add(car.store_id, car.warehouse_id);
        }
    }
    ctx.audit(
        &mut tx,
        AuditEntry::new("order.status", "order", id)
            .store(Some(o.store_id))
            .before(&json!({ "status": o.status.code(), "vehicle": o.vin }))
            .after(&json!({ "status": to.code(), "reason": reason, "vehicle": null })),
    )
    .await?;
    let event = event_for(&mut tx, &o, to, p.user_id).await?;
    announce(ctx, tx, vec![event, stock.event()]).await
}

/// Records a payment (a positive amount in fen) or a refund (a negative one) by `method`.
/// The order's figures are recomputed with it: more paid than the order costs, or more
/// refunded than paid, is refused on the field `amount`. A cancelled order takes refunds
/// only. The payment's id.
#[tracing::instrument(name = "orders.add_payment", skip_all, fields(order = id))]
pub async fn add_payment(
    ctx: &Ctx,
    id: i64,
    amount: i64,
    method: PaymentMethod,
    note: &str,
) -> Result<i64, AppError> {
    let (p, o) = open(ctx, Action::EditOrders, id).await?;
    let lang = ctx.lang();
    if amount == 0 {
        return Err(AppError::invalid("amount", ctx.t("order.payment_zero")));
    }
    if amount > 0 && o.status == OrderStatus::Cancelled {
        return Err(AppError::invalid("amount", ctx.t("order.refund_only")));
    }
    let note = note.trim();
    if note.len() > MAX_NOTE * 4 || note.chars().count() > MAX_NOTE {
        return Err(AppError::invalid(
            "note",
            ctx.tf("error.too_long", &[("max", &MAX_NOTE.to_string())]),
        ));
    }
    let now = ctx.now_ms();
    let mut tx = ctx.db().begin().await?;
    let mut payments: Vec<i64> =
        sql("SELECT amount FROM order_payments WHERE order_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all::<(i64,)>(&mut tx)
            .await?
            .into_iter()
            .map(|(a,)| a)
            .collect();
    payments.push(amount);
    let extras: Vec<i64> =
        sql("SELECT price FROM order_extras WHERE order_id = $1 ORDER BY position")
            .bind(id)
            .fetch_all::<(i64,)>(&mut tx)
            .await?
            .into_iter()
            .map(|(a,)| a)
            .collect();
    let t =
        totals::compute(o.list_price.fen(), discount_of(&o), &extras, &payments).map_err(|e| {
            let field = match e.field().as_str() {
                "payments" => "amount".to_owned(),
                f => f.to_owned(),
            };
            AppError::invalid(field, e.message(lang))
        })?;
    let changed = sql(
        "UPDATE orders SET paid = $1, updated_at = $2, updated_by = $3, version = version + 1
         WHERE id = $4 AND version = $5",
    )
    .bind(t.paid)
    .bind(now)
    .bind(&p.display_name)
    .bind(id)
    .bind(o.version)
    .execute(&mut tx)
    .await?;
    if changed == 0 {
        return Err(stale(ctx, &mut tx, id).await);
    }
    let payment: i64 = sql(
        "INSERT INTO order_payments (order_id, amount, method, paid_at, note, created_by)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(id)
    .bind(amount)
    .bind(method.code())
    .bind(now)
    .bind(note)
    .bind(&p.display_name)
    .scalar(&mut tx)
    .await?;
    ctx.audit(
        &mut tx,
        AuditEntry::new("order.payment", "order", id)
            .store(Some(o.store_id))
            .before(&json!({ "paid": o.paid }))
            .after(&json!({
                "amount": amount, "method": method.code(), "note": note,
                "paid": t.paid, "balance": t.balance,
            })),
    )
    .await?;
    let event = event_for(&mut tx, &o, o.status, p.user_id).await?;
    announce(ctx, tx, vec![event]).await?;
    Ok(payment)
}

/// Ends the timed holds of drafts whose time ran out before `now`: each vehicle goes
/// back to stock and the draft stays, without it. Done by the system (audited as
/// `system:hold-expiry`); the number of holds ended.
#[tracing::instrument(name = "orders.expire_holds", skip_all)]
pub async fn expire_holds(state: &AppState, now: i64) -> Result<usize, AppError> {
    type Due = (i64, i64, i64, i64, String, Option<i64>, Option<i64>, i64);
    let due: Vec<Due> = sql(
        "SELECT id, version, vehicle_id, store_id, number, salesperson_id, created_by, hold_until
         FROM orders
         WHERE hold_until IS NOT NULL AND hold_until < $1 AND status = 'draft' AND vehicle_id IS NOT NULL
         ORDER BY hold_until, id LIMIT 500",
    )
    .bind(now)
    .fetch_all(&state.db)
    .await?;
    let who = Who::System("hold-expiry");
    let today = clock::day_of(now);
    let mut ended = 0;
    for (id, version, vehicle_id, store_id, number, salesperson, creator, until) in due {
        let mut tx = state.db.begin().await?;
        let changed = sql(
            "UPDATE orders SET vehicle_id = NULL, hold_until = NULL, updated_at = $1, updated_by = $2,
                    version = version + 1
             WHERE id = $3 AND version = $4 AND status = 'draft' AND hold_until < $1",
        )
        .bind(now)
        .bind(SYSTEM)
        .bind(id)
        .bind(version)
        .execute(&mut tx)
        .await?;
        if changed == 0 {
            // Changed meanwhile (submitted, edited, cancelled): nothing to end.
            continue;
        }
        let mut stock = StockChange::default();
        if let Some(car) = free_vehicle(&who, &mut tx, vehicle_id, &number, now, today).await? {
            stock.add(car.store_id, car.warehouse_id);
        }
        who.audit(
            &mut tx,
            AuditEntry::new("order.hold_expired", "order", id)
                .store(Some(store_id))
                .before(&json!({ "vehicle": vehicle_id, "hold_until": until }))
                .after(&json!({ "vehicle": null, "hold_until": null })),
        )
        .await?;
        let event = order_event(
            &mut tx,
            store_id,
            id,
            &number,
            OrderStatus::Draft,
            &[salesperson, creator],
        )
        .await?;
        let events = [event, stock.event()];
        state.events.stage_all(&mut tx, &events).await?;
        tx.commit().await?;
        for e in events {
            state.events.committed(e);
        }
        ended += 1;
    }
    Ok(ended)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;

    #[test]
    fn levels_are_stored_as_text_and_read_back() {
        let levels = [
            Level {
                level: 1,
                role: Role::SalesManager,
            },
            Level {
                level: 2,
                role: Role::GeneralManager,
            },
        ];
        let text = encode_levels(&levels);
        assert_eq!(text, "1:sales_manager,2:general_manager");
        assert_eq!(decode_levels(&text), levels);
        assert!(decode_levels("").is_empty());
        assert_eq!(decode_levels("x,3:boss,2:general_manager"), [levels[1]]);
    }
}

//! Booking a visit (在线预约): the public page's use cases — the open slots of a day, the
//! booking itself, finding it again with its code and mobile, rescheduling and cancelling
//! — and the desk's booking for a customer on the phone or at the counter.
//!
//! A place is taken by one conditional `UPDATE` of the slot's row in the transaction that
//! writes the appointment (`… SET booked = booked + 1 WHERE … AND booked < places`): the
//! database serialises requests on that row, in one process or several, so a slot is
//! never overbooked and nothing is read first and written after.

use super::{
    appointments::{changed, give_back_place, ROW},
    capacity,
};
use crate::{
    aftersales::domain::{
        day_slots, hhmm, slot_start_ms, AppointmentRow, AppointmentStatus, Booking, BookingCode,
        BookingInput, BookingSource, Capacity, CustomerView, ServiceType, SlotView,
    },
    audit::AuditEntry,
    auth::Action,
    clock,
    crm::service::customers::initials,
    ctx::Ctx,
    db::{sql, DbResult, Tx},
    error::AppError,
    ratelimit::{self, Rate},
};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// How many free slots a full one offers instead.
pub const ALTERNATIVES: usize = 3;

/// A day's slots for one service at one store, as the booking page shows them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DaySlots {
    pub store_id: i64,
    pub service_type: ServiceType,
    #[schema(value_type = String)]
    pub day: NaiveDate,
    /// The days booking is open for (today to the horizon, open days only).
    #[schema(value_type = Vec<String>)]
    pub days: Vec<NaiveDate>,
    #[schema(value_type = Vec<Object>)]
    pub slots: Vec<SlotView>,
    /// When the day has no free slot: the next free ones.
    #[schema(value_type = Vec<Object>)]
    pub next_free: Vec<SlotView>,
}

/// What a customer gets back from a booking: the code to keep and the key of the
/// confirmation page and calendar file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Booked {
    pub code: String,
    pub token: String,
    pub id: i64,
}

/// What a customer past a rate limit is told.
const TOO_MANY: &str = "service.booking.too_many";

/// The subject booking requests from the caller's address count under.
fn book_address(ctx: &Ctx) -> String {
    format!("book:addr:{}", ratelimit::address(ctx))
}

fn not_taking_bookings(ctx: &Ctx) -> AppError {
    AppError::invalid("store_id", ctx.t("service.form.store"))
}

fn unknown_booking(ctx: &Ctx) -> AppError {
    AppError::NotFound(ctx.t("service.booking.not_found").into())
}

/// The places taken in each slot of `day` in `pool`.
async fn taken(ctx: &Ctx, store_id: i64, day: NaiveDate, pool: &str) -> DbResult<Vec<(i64, i64)>> {
    sql("SELECT start_min, booked FROM service_slots WHERE store_id = $1 AND day = $2 AND pool = $3")
        .bind(store_id)
        .bind(day.to_string())
        .bind(pool)
        .fetch_all(ctx.db())
        .await
}

/// The slots of `day` (or the first bookable day) for `service` at `store_id` (public).
#[tracing::instrument(name = "service.slots", skip_all, fields(store = store_id))]
pub async fn slots(
    ctx: &Ctx,
    store_id: i64,
    service: ServiceType,
    day: Option<NaiveDate>,
) -> Result<DaySlots, AppError> {
    let c = capacity::load(ctx.db(), store_id)
        .await?
        .ok_or_else(|| not_taking_bookings(ctx))?;
    let now = ctx.now_ms();
    let days = c.bookable_days(now);
    let day = day
        .filter(|d| days.contains(d))
        .or_else(|| days.first().copied())
        .unwrap_or_else(|| clock::day_of(now));
    let pool = c.pool_of(service);
    let slots = day_slots(
        &c,
        service,
        day,
        &taken(ctx, store_id, day, pool).await?,
        now,
    );
    let next_free = if slots.iter().any(SlotView::open) {
        Vec::new()
    } else {
        next_free(ctx, &c, service, day, -1, &days).await?
    };
    Ok(DaySlots {
        store_id,
        service_type: service,
        day,
        days,
        slots,
        next_free,
    })
}

/// The first few free slots after the one starting `after_min` on `after` (the nearest
/// others the customer could take instead), over the bookable days.
async fn next_free(
    ctx: &Ctx,
    c: &Capacity,
    service: ServiceType,
    after: NaiveDate,
    after_min: i64,
    days: &[NaiveDate],
) -> DbResult<Vec<SlotView>> {
    let pool = c.pool_of(service);
    let now = ctx.now_ms();
    let mut found = Vec::new();
    // One query for the rest of the horizon, then the days in order.
    let rows: Vec<(String, i64, i64)> = sql(
        "SELECT day, start_min, booked FROM service_slots WHERE store_id = $1 AND pool = $2 AND day >= $3",
    )
    .bind(c.store_id)
    .bind(pool)
    .bind(after.to_string())
    .fetch_all(ctx.db())
    .await?;
    for day in days.iter().filter(|d| **d >= after) {
        let key = day.to_string();
        let booked: Vec<(i64, i64)> = rows
            .iter()
            .filter(|(d, _, _)| *d == key)
            .map(|(_, s, b)| (*s, *b))
            .collect();
        found.extend(
            day_slots(c, service, *day, &booked, now)
                .into_iter()
                .filter(|s| s.open() && (*day > after || s.start_min > after_min))
                .take(ALTERNATIVES - found.len()),
        );
        if found.len() >= ALTERNATIVES {
            break;
        }
    }
    Ok(found)
}

/// The message of a full slot: it is full, and these are free.
fn full_error(ctx: &Ctx, free: &[SlotView]) -> AppError {
    let offer = free
        .iter()
        .map(|s| format!("{} {}", s.day.format("%m-%d"), s.time()))
        .collect::<Vec<_>>()
        .join("、");
    let message = if offer.is_empty() {
        ctx.t("service.slot.full_none").to_owned()
    } else {
        ctx.tf("service.slot.full_offer", &[("slots", &offer)])
    };
    AppError::invalid("time", message)
}

/// Takes a place in a slot for `pool`, in the caller's transaction: `false` when every
/// place is taken (by then, or before).
async fn take_place(
    tx: &mut Tx,
    store_id: i64,
    day: NaiveDate,
    start_min: i64,
    pool: &str,
    places: i64,
) -> DbResult<bool> {
    sql("INSERT INTO service_slots (store_id, day, start_min, pool, booked) VALUES ($1, $2, $3, $4, 0)
         ON CONFLICT (store_id, day, start_min, pool) DO NOTHING")
    .bind(store_id)
    .bind(day.to_string())
    .bind(start_min)
    .bind(pool)
    .execute(&mut *tx)
    .await?;
    let taken = sql("UPDATE service_slots SET booked = booked + 1
         WHERE store_id = $1 AND day = $2 AND start_min = $3 AND pool = $4 AND booked < $5")
    .bind(store_id)
    .bind(day.to_string())
    .bind(start_min)
    .bind(pool)
    .bind(places)
    .execute(&mut *tx)
    .await?;
    Ok(taken == 1)
}

/// The CRM profile a booking belongs to: the one holding its mobile, or a new one (source
/// 网站, the store's, no owner and no sales lead) when none does.
async fn profile(tx: &mut Tx, b: &Booking, now: i64) -> DbResult<i64> {
    let existing: Option<i64> =
        sql("SELECT id FROM customers WHERE mobile = $1 AND merged_into IS NULL")
            .bind(b.mobile.as_str())
            .scalar_optional(&mut *tx)
            .await?;
    if let Some(id) = existing {
        return Ok(id);
    }
    sql("INSERT INTO customers (kind, name, initials, mobile, mobile_last4, source, store_id, created_at, updated_at)
         VALUES ('person', $1, $2, $3, $4, 'website', $5, $6, $6)
         RETURNING id")
    .bind(b.name.as_str())
    .bind(initials(&b.name))
    .bind(b.mobile.as_str())
    .bind(&b.mobile[b.mobile.len().saturating_sub(4)..])
    .bind(b.store_id)
    .bind(now)
    .scalar(&mut *tx)
    .await
}

fn new_code() -> BookingCode {
    BookingCode::from_bits(rand::random::<u64>())
}

/// Who is booking: a customer on the public page, or the desk for one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Booker {
    Public,
    Desk(BookingSource),
}

/// Books a slot. The public page passes its honeypot (a field people never see): when it
/// is filled, nothing is written and the answer looks like a booking's.
#[tracing::instrument(name = "service.book", skip_all)]
pub async fn book(
    ctx: &Ctx,
    input: &BookingInput,
    booker: Booker,
    honeypot: &str,
) -> Result<Booked, AppError> {
    if booker == Booker::Public {
        ratelimit::limit(ctx, &book_address(ctx), Rate::BOOK_PER_ADDRESS, TOO_MANY).await?;
    } else {
        ctx.require(Action::EditAppointments)?;
        ctx.require_store(input.store_id, "service.store.not_found")?;
    }
    let b = input
        .check(ctx.lang())
        .map_err(|e| e.with_input(input.typed()))?;
    if booker == Booker::Public {
        if !honeypot.trim().is_empty() {
            tracing::info!("booking honeypot filled: dropped");
            return Ok(Booked {
                code: String::new(),
                token: String::new(),
                id: 0,
            });
        }
        ratelimit::limit(
            ctx,
            &format!("book:mobile:{}", b.mobile),
            Rate::BOOK_PER_MOBILE,
            TOO_MANY,
        )
        .await?;
    }
    let c = capacity::load(ctx.db(), b.store_id)
        .await?
        .ok_or_else(|| not_taking_bookings(ctx).with_input(input.typed()))?;
    let now = ctx.now_ms();
    let walk_in = booker == Booker::Desk(BookingSource::WalkIn);
    if !walk_in {
        c.check(b.service_type, b.day, b.start_min, now)
            .map_err(|p| p.error(ctx.lang()).with_input(input.typed()))?;
    }
    let pool = if walk_in {
        ""
    } else {
        c.pool_of(b.service_type)
    };
    let mut tx = ctx.db().begin().await?;
    if !walk_in
        && !take_place(
            &mut tx,
            b.store_id,
            b.day,
            b.start_min,
            pool,
            c.places(b.service_type),
        )
        .await?
    {
        tx.rollback().await?;
        let days = c.bookable_days(now);
        let free = next_free(ctx, &c, b.service_type, b.day, b.start_min, &days).await?;
        return Err(full_error(ctx, &free).with_input(input.typed()));
    }
    let customer_id = profile(&mut tx, &b, now).await?;
    let (source, status) = match booker {
        Booker::Public => (BookingSource::Online, AppointmentStatus::Booked),
        Booker::Desk(BookingSource::WalkIn) => {
            (BookingSource::WalkIn, AppointmentStatus::CheckedIn)
        }
        Booker::Desk(s) => (s, AppointmentStatus::Booked),
    };
    let advisor = ctx
        .principal_opt()
        .and_then(|p| p.user_id)
        .filter(|_| walk_in);
    let by = ctx
        .principal_opt()
        .map_or_else(|| b.name.clone(), |p| p.display_name.clone());
    let starts_at = slot_start_ms(b.day, b.start_min);
    let ends_at = starts_at + c.slot_minutes * 60_000;
    let token = super::new_link_token();
    let mut code = new_code();
    // A code already given (one in a trillion) is drawn again.
    for _ in 0..3 {
        let used: Option<i64> = sql("SELECT id FROM appointments WHERE code = $1")
            .bind(code.as_str())
            .scalar_optional(&mut tx)
            .await?;
        if used.is_none() {
            break;
        }
        code = new_code();
    }
    let id: i64 = sql(
        "INSERT INTO appointments (code, access_token, store_id, service_type, pool, day, start_min, starts_at, ends_at,
             status, source, name, mobile, plate, vin, mileage, note, customer_id, advisor_id, checked_in_at,
             created_at, updated_at, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $21, $22)
         RETURNING id",
    )
    .bind(code.as_str())
    .bind(token.as_str())
    .bind(b.store_id)
    .bind(b.service_type.code())
    .bind(pool)
    .bind(b.day.to_string())
    .bind(b.start_min)
    .bind(starts_at)
    .bind(ends_at)
    .bind(status.code())
    .bind(source.code())
    .bind(b.name.as_str())
    .bind(b.mobile.as_str())
    .bind(b.plate.as_ref().map_or("", |p| p.as_str()))
    .bind(b.vin.as_ref().map_or("", |v| v.as_str()))
    .bind(b.mileage)
    .bind(b.note.as_str())
    .bind(customer_id)
    .bind(advisor)
    .bind(walk_in.then_some(now))
    .bind(now)
    .bind(by.as_str())
    .scalar(&mut tx)
    .await?;
    ctx.audit(
        &mut tx,
        AuditEntry::new("appointment.book", "appointment", id)
            .store(Some(b.store_id))
            .after(&serde_json::json!({
                "service_type": b.service_type.code(),
                "day": b.day.to_string(),
                "time": hhmm(b.start_min),
                "source": source.code(),
            })),
    )
    .await?;
    let event = changed(b.store_id, id);
    ctx.events().stage(&mut tx, &event).await?;
    tx.commit().await?;
    ctx.events().committed(event);
    Ok(Booked {
        code: code.to_string(),
        token,
        id,
    })
}

/// The appointment a customer's link opens.
async fn by_token(ctx: &Ctx, token: &str) -> Result<AppointmentRow, AppError> {
    let token = super::read_link_token(token).ok_or_else(|| unknown_booking(ctx))?;
    sql(format!(
        "SELECT {ROW} FROM appointments a WHERE a.access_token = $1"
    ))
    .bind(token)
    .fetch_optional(ctx.db())
    .await?
    .ok_or_else(|| unknown_booking(ctx))
}

/// Finds a booking by its code and mobile, for its customer: the key of its page. A wrong
/// pair and an unknown code get the same answer; tries are limited per address.
#[tracing::instrument(name = "service.find_booking", skip_all)]
pub async fn find(ctx: &Ctx, code: &str, mobile: &str) -> Result<String, AppError> {
    ratelimit::limit(
        ctx,
        &format!("lookup:addr:{}", ratelimit::address(ctx)),
        Rate::LOOKUP_PER_ADDRESS,
        TOO_MANY,
    )
    .await?;
    let not_found = || {
        AppError::invalid("code", ctx.t("service.booking.not_found"))
            .with_input([("code", code), ("mobile", mobile)])
    };
    let (Some(code), Some(mobile)) = (
        BookingCode::parse(code),
        crate::crm::domain::customer::parse_mobile(mobile),
    ) else {
        return Err(not_found());
    };
    let token: Option<String> =
        sql("SELECT access_token FROM appointments WHERE code = $1 AND mobile = $2")
            .bind(code.as_str())
            .bind(mobile.as_str())
            .scalar_optional(ctx.db())
            .await?;
    token.ok_or_else(not_found)
}

/// The appointment behind a customer's link, as they may see it.
pub async fn view(ctx: &Ctx, token: &str) -> Result<CustomerView, AppError> {
    customer_view(ctx, &by_token(ctx, token).await?).await
}

/// An appointment as its customer may see it.
async fn customer_view(ctx: &Ctx, a: &AppointmentRow) -> Result<CustomerView, AppError> {
    let (store_name, store_address, store_phone): (String, String, String) =
        sql("SELECT name, address, phone FROM stores WHERE id = $1")
            .bind(a.store_id)
            .fetch_one(ctx.db())
            .await?;
    let now = ctx.now_ms();
    Ok(CustomerView {
        code: a.code.clone(),
        store_id: a.store_id,
        store_name,
        store_address,
        store_phone,
        service_type: a.service_type,
        day: a.day.clone(),
        time: hhmm(a.start_min),
        starts_at: a.starts_at,
        ends_at: a.ends_at,
        status: a.status,
        name: a.name.clone(),
        mobile: crate::aftersales::domain::masked_mobile(&a.mobile),
        plate: a.plate.clone(),
        changeable: a.status == AppointmentStatus::Booked && a.starts_at > now,
    })
}

/// Moves a booking to another slot by the same rules as booking it (the customer's link).
#[tracing::instrument(name = "service.reschedule", skip_all)]
pub async fn reschedule(ctx: &Ctx, token: &str, day: &str, time: &str) -> Result<(), AppError> {
    ratelimit::limit(ctx, &book_address(ctx), Rate::BOOK_PER_ADDRESS, TOO_MANY).await?;
    let a = by_token(ctx, token).await?;
    move_to(ctx, a, day, time).await
}

/// Moves an appointment (still booked, not begun) to another slot: the new place is taken
/// before the old one is given back, in one transaction.
pub(crate) async fn move_to(
    ctx: &Ctx,
    a: AppointmentRow,
    day: &str,
    time: &str,
) -> Result<(), AppError> {
    let typed = [("day", day), ("time", time)];
    let now = ctx.now_ms();
    if a.status != AppointmentStatus::Booked || a.starts_at <= now {
        return Err(AppError::Conflict(
            ctx.t("service.booking.not_changeable").into(),
        ));
    }
    let new_day = crate::aftersales::domain::parse_day(day)
        .ok_or_else(|| AppError::invalid("day", ctx.t("service.form.day")).with_input(typed))?;
    let start_min = crate::aftersales::domain::parse_hhmm(time)
        .ok_or_else(|| AppError::invalid("time", ctx.t("service.form.time")).with_input(typed))?;
    let c = capacity::load(ctx.db(), a.store_id)
        .await?
        .ok_or_else(|| not_taking_bookings(ctx))?;
    c.check(a.service_type, new_day, start_min, now)
        .map_err(|p| p.error(ctx.lang()).with_input(typed))?;
    if new_day.to_string() == a.day && start_min == a.start_min {
        return Ok(());
    }
    let pool = c.pool_of(a.service_type);
    let mut tx = ctx.db().begin().await?;
    if !take_place(
        &mut tx,
        a.store_id,
        new_day,
        start_min,
        pool,
        c.places(a.service_type),
    )
    .await?
    {
        tx.rollback().await?;
        let free = next_free(
            ctx,
            &c,
            a.service_type,
            new_day,
            start_min,
            &c.bookable_days(now),
        )
        .await?;
        return Err(full_error(ctx, &free).with_input(typed));
    }
    let starts_at = slot_start_ms(new_day, start_min);
    let moved = sql(
        "UPDATE appointments SET day = $2, start_min = $3, starts_at = $4, ends_at = $5, pool = $6,
             updated_at = $7, updated_by = $8, version = version + 1
         WHERE id = $1 AND version = $9 AND status = 'booked'",
    )
    .bind(a.id)
    .bind(new_day.to_string())
    .bind(start_min)
    .bind(starts_at)
    .bind(starts_at + c.slot_minutes * 60_000)
    .bind(pool)
    .bind(now)
    .bind(
        ctx.principal_opt()
            .map_or(a.name.as_str(), |p| p.display_name.as_str()),
    )
    .bind(a.version)
    .execute(&mut tx)
    .await?;
    if moved != 1 {
        tx.rollback().await?;
        return Err(AppError::Conflict(
            ctx.t("service.booking.changed_meanwhile").into(),
        ));
    }
    give_back_place(&mut tx, &a).await?;
    ctx.audit(
        &mut tx,
        AuditEntry::new("appointment.reschedule", "appointment", a.id)
            .store(Some(a.store_id))
            .before(&serde_json::json!({ "day": a.day, "time": hhmm(a.start_min) }))
            .after(&serde_json::json!({ "day": new_day.to_string(), "time": hhmm(start_min) })),
    )
    .await?;
    let event = changed(a.store_id, a.id);
    ctx.events().stage(&mut tx, &event).await?;
    tx.commit().await?;
    ctx.events().committed(event);
    Ok(())
}

/// Cancels a booking from the customer's link; its place is free again at once.
#[tracing::instrument(name = "service.cancel_booking", skip_all)]
pub async fn cancel(ctx: &Ctx, token: &str) -> Result<(), AppError> {
    ratelimit::limit(ctx, &book_address(ctx), Rate::BOOK_PER_ADDRESS, TOO_MANY).await?;
    let a = by_token(ctx, token).await?;
    if a.status != AppointmentStatus::Booked || a.starts_at <= ctx.now_ms() {
        return Err(AppError::Conflict(
            ctx.t("service.booking.not_changeable").into(),
        ));
    }
    let by = a.name.clone();
    super::appointments::set_status(ctx, a, AppointmentStatus::Cancelled, &by, None).await
}

/// The calendar file (.ics) of the appointment behind a customer's link.
pub async fn calendar(ctx: &Ctx, token: &str) -> Result<String, AppError> {
    let a = by_token(ctx, token).await?;
    let v = customer_view(ctx, &a).await?;
    let stamp = |ms: i64| {
        chrono::DateTime::from_timestamp_millis(ms)
            .map(|t| t.format("%Y%m%dT%H%M%SZ").to_string())
            .unwrap_or_default()
    };
    let text = |s: &str| {
        s.replace('\\', "\\\\")
            .replace(';', "\\;")
            .replace(',', "\\,")
            .replace(['\r', '\n'], " ")
    };
    let summary = format!("{} · {}", ctx.t(v.service_type.label_key()), v.store_name);
    let description = format!("{} {}", ctx.t("service.code"), v.code);
    Ok([
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".into(),
        "PRODID:-//Forecourt//Service booking//ZH".into(),
        "METHOD:PUBLISH".into(),
        "BEGIN:VEVENT".into(),
        format!("UID:appointment-{}@forecourt", a.id),
        format!("DTSTAMP:{}", stamp(a.updated_at)),
        format!("DTSTART:{}", stamp(v.starts_at)),
        format!("DTEND:{}", stamp(v.ends_at)),
        format!("SUMMARY:{}", text(&summary)),
        format!(
            "LOCATION:{}",
            text(&format!("{} {}", v.store_name, v.store_address))
        ),
        format!("DESCRIPTION:{}", text(&description)),
        if v.status == AppointmentStatus::Cancelled {
            "STATUS:CANCELLED".into()
        } else {
            "STATUS:CONFIRMED".into()
        },
        "BEGIN:VALARM".into(),
        "TRIGGER:-PT2H".into(),
        "ACTION:DISPLAY".into(),
        format!("DESCRIPTION:{}", text(&summary)),
        "END:VALARM".into(),
        "END:VEVENT".into(),
        "END:VCALENDAR".into(),
        String::new(),
    ]
    .join("\r\n"))
}

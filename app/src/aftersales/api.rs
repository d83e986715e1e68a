//! The server functions the after-sales pages call: the public booking's (no sign-in,
//! rate-limited) and the service desk's. Each reads the form as the browser sent it and
//! calls the service; a refused form comes back with what was typed.

use super::domain::{
    AppointmentRow, BookingInput, Capacity, CapacityInput, CustomerView, DayHours, DeskView,
    PoolBays, WeekView,
};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use {
    super::{
        domain::{parse_day, AppointmentStep, BookingSource, ServiceType},
        service,
        service::booking::Booker,
    },
    crate::ctx::Ctx,
};

pub use super::domain::SlotView;

/// A store that takes online bookings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreChoice {
    pub id: i64,
    pub name: String,
    pub city: String,
    pub address: String,
}

/// The stores taking bookings (public).
#[server(prefix = "/sfn", endpoint = "book/stores")]
pub async fn booking_stores() -> Result<Vec<StoreChoice>, AppError> {
    Ok(service::capacity::bookable_stores(&Ctx::current()?)
        .await?
        .into_iter()
        .map(|s| StoreChoice {
            id: s.id,
            name: s.name,
            city: s.city,
            address: s.address,
        })
        .collect())
}

/// A day's slots for a service at a store, as the booking page shows them (public).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotsView {
    pub day: String,
    pub days: Vec<String>,
    pub slots: Vec<SlotView>,
    pub next_free: Vec<SlotView>,
}

/// The slots of `day` (or the first bookable day) for `service_type` at `store_id`.
#[server(prefix = "/sfn", endpoint = "book/slots")]
pub async fn booking_slots(
    store_id: i64,
    service_type: String,
    day: String,
) -> Result<SlotsView, AppError> {
    let ctx = Ctx::current()?;
    let service = ServiceType::parse(&service_type)
        .ok_or_else(|| AppError::invalid("service_type", ctx.t("service.form.service_type")))?;
    let d = service::booking::slots(&ctx, store_id, service, parse_day(&day)).await?;
    Ok(SlotsView {
        day: d.day.to_string(),
        days: d.days.iter().map(|d| d.to_string()).collect(),
        slots: d.slots,
        next_free: d.next_free,
    })
}

/// Books a visit from the public page and opens its confirmation. `website` is the
/// honeypot people never see: filled in, nothing is booked.
#[server(prefix = "/sfn", endpoint = "book/book")]
pub async fn book_visit(
    #[server(flatten)] form: BookingInput,
    #[server(default)] website: String,
) -> Result<(), AppError> {
    let ctx = Ctx::current()?;
    let booked = service::booking::book(&ctx, &form, Booker::Public, &website).await?;
    if booked.token.is_empty() {
        leptos_axum::redirect("/book/received");
    } else {
        leptos_axum::redirect(&format!("/book/a/{}?new=1", booked.token));
    }
    Ok(())
}

/// Finds a booking by its code and mobile and opens it.
#[server(prefix = "/sfn", endpoint = "book/find")]
pub async fn find_booking(code: String, mobile: String) -> Result<(), AppError> {
    let token = service::booking::find(&Ctx::current()?, &code, &mobile).await?;
    leptos_axum::redirect(&format!("/book/a/{token}"));
    Ok(())
}

/// The booking behind a customer's link.
#[server(prefix = "/sfn", endpoint = "book/view")]
pub async fn booking_view(token: String) -> Result<CustomerView, AppError> {
    service::booking::view(&Ctx::current()?, &token).await
}

/// Moves a booking to another slot from the customer's link.
#[server(prefix = "/sfn", endpoint = "book/reschedule")]
pub async fn reschedule_booking(token: String, day: String, time: String) -> Result<(), AppError> {
    service::booking::reschedule(&Ctx::current()?, &token, &day, &time).await?;
    leptos_axum::redirect(&format!("/book/a/{token}?moved=1"));
    Ok(())
}

/// Cancels a booking from the customer's link.
#[server(prefix = "/sfn", endpoint = "book/cancel")]
pub async fn cancel_booking(token: String) -> Result<(), AppError> {
    service::booking::cancel(&Ctx::current()?, &token).await?;
    leptos_axum::redirect(&format!("/book/a/{token}"));
    Ok(())
}

/// The desk's day for a store (the caller's own when they have one; else the one asked
/// for, or the first).
#[server(prefix = "/sfn", endpoint = "service/desk")]
pub async fn desk_day(store_id: Option<i64>, day: String) -> Result<DeskView, AppError> {
    let ctx = Ctx::current()?;
    let store_id = desk_store(&ctx, store_id).await?;
    let day = parse_day(&day).unwrap_or_else(|| ctx.today());
    let d = service::desk::day(&ctx, store_id, day).await?;
    let stores = desk_stores(&ctx).await?;
    Ok(DeskView { day: d, stores })
}

/// The desk's week from the Monday of `day`.
#[server(prefix = "/sfn", endpoint = "service/week")]
pub async fn desk_week(store_id: Option<i64>, day: String) -> Result<WeekView, AppError> {
    let ctx = Ctx::current()?;
    let store_id = desk_store(&ctx, store_id).await?;
    let day = parse_day(&day).unwrap_or_else(|| ctx.today());
    let monday = service::desk::monday_of(day);
    let days = service::desk::week(&ctx, store_id, monday).await?;
    Ok(WeekView {
        store_id,
        monday: monday.to_string(),
        days,
        stores: desk_stores(&ctx).await?,
    })
}

#[cfg(feature = "ssr")]
async fn desk_store(ctx: &Ctx, asked: Option<i64>) -> Result<i64, AppError> {
    let p = ctx.require(crate::auth::Action::ViewService)?;
    if let Some(own) = p.store_scope() {
        return Ok(own);
    }
    if let Some(s) = asked {
        return Ok(s);
    }
    crate::db::sql("SELECT MIN(id) FROM stores")
        .scalar_optional::<i64>(ctx.db())
        .await?
        .ok_or_else(|| AppError::NotFound(ctx.t("service.store.not_found").into()))
}

#[cfg(feature = "ssr")]
async fn desk_stores(ctx: &Ctx) -> Result<Vec<(i64, String)>, AppError> {
    let scope = ctx.principal()?.store_scope();
    Ok(
        crate::db::sql("SELECT id, name FROM stores WHERE active ORDER BY id")
            .fetch_all::<(i64, String)>(ctx.db())
            .await?
            .into_iter()
            .filter(|(id, _)| scope.is_none_or(|s| s == *id))
            .collect(),
    )
}

/// Books for a customer at the desk (on the phone: `source` = `staff`; at the counter,
/// checked in at once: `walk_in`) and goes back to the desk's day.
#[server(prefix = "/sfn", endpoint = "service/book")]
pub async fn desk_book(
    #[server(flatten)] form: BookingInput,
    #[server(default)] source: String,
) -> Result<i64, AppError> {
    let ctx = Ctx::current()?;
    let source = match source.trim() {
        "walk_in" => BookingSource::WalkIn,
        _ => BookingSource::Staff,
    };
    let mut form = form;
    // A walk-in is here now: today, this minute, unless the desk said otherwise.
    if source == BookingSource::WalkIn && form.time.trim().is_empty() {
        let now = ctx.now_ms();
        let minutes = (now - crate::clock::day_start(crate::clock::day_of(now))) / 60_000;
        form.day = crate::clock::day_of(now).to_string();
        form.time = super::domain::hhmm(minutes);
    }
    let booked = service::booking::book(&ctx, &form, Booker::Desk(source), "").await?;
    leptos_axum::redirect(&format!(
        "/service?store={}&day={}",
        form.store_id,
        form.day.trim()
    ));
    Ok(booked.id)
}

/// Moves an appointment one step at the desk (a check-in with mileage, notes and advisor).
#[server(prefix = "/sfn", endpoint = "service/step")]
pub async fn move_appointment(
    id: i64,
    step: String,
    version: i64,
    #[server(default)] mileage: String,
    #[server(default)] notes: String,
    #[server(default)] advisor_id: String,
) -> Result<(), AppError> {
    let ctx = Ctx::current()?;
    let step = AppointmentStep::parse(&step)
        .ok_or_else(|| AppError::invalid("step", ctx.t("service.step.unknown")))?;
    let advisor_id = match advisor_id.trim() {
        "" => None,
        a => Some(
            a.parse::<i64>()
                .map_err(|_| AppError::invalid("advisor_id", ctx.t("service.form.advisor")))?,
        ),
    };
    let check_in = service::desk::CheckIn {
        mileage,
        notes,
        advisor_id,
    };
    service::desk::step(&ctx, id, step, version, &check_in).await?;
    Ok(())
}

/// A store's capacity, if it takes bookings.
#[server(prefix = "/sfn", endpoint = "service/capacity")]
pub async fn service_capacity(store_id: Option<i64>) -> Result<(i64, Option<Capacity>), AppError> {
    let ctx = Ctx::current()?;
    let store_id = desk_store(&ctx, store_id).await?;
    Ok((store_id, service::capacity::get(&ctx, store_id).await?))
}

/// The capacity form as the browser sends it: one field per weekday and pool.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CapacityForm {
    #[serde(deserialize_with = "super::domain::number_or_text")]
    pub store_id: i64,
    #[serde(deserialize_with = "super::domain::number_or_text")]
    pub version: i64,
    pub slot_minutes: String,
    pub horizon_days: String,
    pub cutoff_minutes: String,
    pub opens_1: String,
    pub closes_1: String,
    pub opens_2: String,
    pub closes_2: String,
    pub opens_3: String,
    pub closes_3: String,
    pub opens_4: String,
    pub closes_4: String,
    pub opens_5: String,
    pub closes_5: String,
    pub opens_6: String,
    pub closes_6: String,
    pub opens_7: String,
    pub closes_7: String,
    pub bays_shared: String,
    pub bays_maintenance: String,
    pub bays_repair: String,
    pub bays_inspection: String,
    pub bays_tyres: String,
    pub bays_warranty: String,
    pub bays_body_paint: String,
    pub closed_days: String,
}

impl CapacityForm {
    /// The service's input; a number that is not one is sent as -1 (out of range: the
    /// field is named).
    pub fn to_input(&self) -> CapacityInput {
        let n = |s: &str| -> i64 {
            let s = s.trim();
            if s.is_empty() {
                0
            } else {
                s.parse().unwrap_or(-1)
            }
        };
        CapacityInput {
            slot_minutes: n(&self.slot_minutes),
            horizon_days: n(&self.horizon_days),
            cutoff_minutes: n(&self.cutoff_minutes),
            hours: [
                (&self.opens_1, &self.closes_1),
                (&self.opens_2, &self.closes_2),
                (&self.opens_3, &self.closes_3),
                (&self.opens_4, &self.closes_4),
                (&self.opens_5, &self.closes_5),
                (&self.opens_6, &self.closes_6),
                (&self.opens_7, &self.closes_7),
            ]
            .into_iter()
            .map(|(o, c)| DayHours::new(o, c))
            .collect(),
            bays: [
                ("shared", &self.bays_shared),
                ("maintenance", &self.bays_maintenance),
                ("repair", &self.bays_repair),
                ("inspection", &self.bays_inspection),
                ("tyres", &self.bays_tyres),
                ("warranty", &self.bays_warranty),
                ("body_paint", &self.bays_body_paint),
            ]
            .into_iter()
            .map(|(p, b)| PoolBays::new(p, n(b)))
            .collect(),
            closed_days: self.closed_days.clone(),
            version: self.version,
        }
    }

    pub fn typed(&self) -> Vec<(&'static str, &str)> {
        vec![
            ("slot_minutes", &self.slot_minutes),
            ("horizon_days", &self.horizon_days),
            ("cutoff_minutes", &self.cutoff_minutes),
            ("opens_1", &self.opens_1),
            ("closes_1", &self.closes_1),
            ("opens_2", &self.opens_2),
            ("closes_2", &self.closes_2),
            ("opens_3", &self.opens_3),
            ("closes_3", &self.closes_3),
            ("opens_4", &self.opens_4),
            ("closes_4", &self.closes_4),
            ("opens_5", &self.opens_5),
            ("closes_5", &self.closes_5),
            ("opens_6", &self.opens_6),
            ("closes_6", &self.closes_6),
            ("opens_7", &self.opens_7),
            ("closes_7", &self.closes_7),
            ("bays_shared", &self.bays_shared),
            ("bays_maintenance", &self.bays_maintenance),
            ("bays_repair", &self.bays_repair),
            ("bays_inspection", &self.bays_inspection),
            ("bays_tyres", &self.bays_tyres),
            ("bays_warranty", &self.bays_warranty),
            ("bays_body_paint", &self.bays_body_paint),
            ("closed_days", &self.closed_days),
        ]
    }
}

/// Saves a store's capacity and shows it again.
#[server(prefix = "/sfn", endpoint = "service/save_capacity")]
pub async fn save_capacity(#[server(flatten)] form: CapacityForm) -> Result<(), AppError> {
    let ctx = Ctx::current()?;
    service::capacity::set(&ctx, form.store_id, &form.to_input())
        .await
        .map_err(|e| e.with_input(form.typed()))?;
    leptos_axum::redirect(&format!(
        "/service/capacity?store={}&saved=1",
        form.store_id
    ));
    Ok(())
}

/// A customer's service visits (their CRM page).
#[server(prefix = "/sfn", endpoint = "service/history")]
pub async fn service_history(customer_id: i64) -> Result<Vec<AppointmentRow>, AppError> {
    service::desk::history(&Ctx::current()?, customer_id).await
}

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

/// A store's reminder messages (提醒消息), of one status or all.
#[server(prefix = "/sfn", endpoint = "service/messages")]
pub async fn service_messages(
    store_id: Option<i64>,
    #[server(default)] status: String,
) -> Result<(i64, Vec<super::domain::reminder::OutboxRow>), AppError> {
    let ctx = Ctx::current()?;
    let store_id = desk_store(&ctx, store_id).await?;
    let status = super::domain::reminder::OutboxStatus::parse(&status);
    Ok((
        store_id,
        service::reminders::list(&ctx, store_id, status).await?,
    ))
}

/// A customer's service visits (their CRM page).
#[server(prefix = "/sfn", endpoint = "service/history")]
pub async fn service_history(customer_id: i64) -> Result<Vec<AppointmentRow>, AppError> {
    service::desk::history(&Ctx::current()?, customer_id).await
}

// ---------------------------------------------------------------------------------------
// Complaints (投诉) and satisfaction ratings (满意度)

pub use complaint_fns::*;

/// The complaint and rating server functions: the staff's, and the public page's (no
/// sign-in; the services rate-limit them).
mod complaint_fns {
    #![allow(clippy::too_many_arguments)]
    use crate::{
        aftersales::domain::{
            complaint::{ComplaintDetail, ComplaintFilter, ComplaintRow, ResponseHours},
            rating::{RatingInvite, RatingSummary},
        },
        error::AppError,
    };
    use leptos::prelude::*;

    #[cfg(feature = "ssr")]
    use crate::{
        aftersales::{
            domain::{
                complaint::{ComplaintInput, PublicComplaintInput, StepInput},
                rating::RatingInput,
            },
            service::{complaints, ratings},
        },
        ctx::Ctx,
    };

    /// An id typed into a form: empty for none.
    #[cfg(feature = "ssr")]
    fn optional_id(field: &str, v: &str) -> Result<Option<i64>, AppError> {
        let v = v.trim();
        if v.is_empty() {
            return Ok(None);
        }
        v.parse::<i64>()
            .map(Some)
            .map_err(|_| AppError::invalid(field.to_owned(), "?"))
    }

    #[server(prefix = "/sfn", endpoint = "complaints/list", input = server_fn::codec::Json)]
    pub async fn list_complaints(filter: ComplaintFilter) -> Result<Vec<ComplaintRow>, AppError> {
        complaints::list(&Ctx::current()?, &filter).await
    }

    #[server(prefix = "/sfn", endpoint = "complaints/get")]
    pub async fn get_complaint(id: i64) -> Result<ComplaintDetail, AppError> {
        complaints::get(&Ctx::current()?, id).await
    }

    /// Who may own a complaint: (id, name).
    #[server(prefix = "/sfn", endpoint = "complaints/owners")]
    pub async fn complaint_owners() -> Result<Vec<(i64, String)>, AppError> {
        complaints::owners(&Ctx::current()?).await
    }

    /// Escalated complaints waiting on the caller (a manager): the navigation badge.
    #[server(prefix = "/sfn", endpoint = "complaints/escalated_count")]
    pub async fn escalated_count() -> Result<i64, AppError> {
        complaints::escalated_count(&Ctx::current()?).await
    }

    /// Enters a complaint and opens it; a refusal carries what was typed.
    #[server(prefix = "/sfn", endpoint = "complaints/create")]
    pub async fn create_complaint(
        category: String,
        severity: String,
        description: String,
        #[server(default)] customer_name: String,
        #[server(default)] mobile: String,
        #[server(default)] order_number: String,
        #[server(default)] vin: String,
        #[server(default)] appointment_code: String,
        #[server(default)] owner_id: String,
        #[server(default)] store_id: String,
    ) -> Result<i64, AppError> {
        let typed = [
            ("category", category.as_str()),
            ("severity", severity.as_str()),
            ("description", description.as_str()),
            ("customer_name", customer_name.as_str()),
            ("mobile", mobile.as_str()),
            ("order_number", order_number.as_str()),
            ("vin", vin.as_str()),
            ("appointment_code", appointment_code.as_str()),
            ("owner_id", owner_id.as_str()),
            ("store_id", store_id.as_str()),
        ];
        let input = ComplaintInput {
            store_id: optional_id("store_id", &store_id).map_err(|e| e.with_input(typed))?,
            category: category.clone(),
            severity: severity.clone(),
            description: description.clone(),
            customer_name: customer_name.clone(),
            mobile: mobile.clone(),
            order_number: order_number.clone(),
            vin: vin.clone(),
            appointment_code: appointment_code.clone(),
            owner_id: optional_id("owner_id", &owner_id).map_err(|e| e.with_input(typed))?,
        };
        let id = complaints::create(&Ctx::current()?, &input)
            .await
            .map_err(|e| e.with_input(typed))?;
        leptos_axum::redirect(&format!("/complaints/{id}"));
        Ok(id)
    }

    /// A step on a complaint (see `Step`); `version` is the one the page was drawn from.
    #[server(prefix = "/sfn", endpoint = "complaints/step")]
    pub async fn complaint_step(
        id: i64,
        version: i64,
        step: String,
        #[server(default)] note: String,
        #[server(default)] owner_id: String,
    ) -> Result<(), AppError> {
        let typed = [("note", note.as_str()), ("owner_id", owner_id.as_str())];
        let input = StepInput {
            step: step.clone(),
            note: note.clone(),
            owner_id: optional_id("owner_id", &owner_id).map_err(|e| e.with_input(typed))?,
            version: Some(version),
        };
        complaints::step(&Ctx::current()?, id, &input)
            .await
            .map_err(|e| e.with_input(typed))
    }

    /// A store's response hours: (store, hours).
    #[server(prefix = "/sfn", endpoint = "complaints/rules")]
    pub async fn complaint_rules() -> Result<(i64, ResponseHours), AppError> {
        complaints::rules(&Ctx::current()?, None).await
    }

    #[server(prefix = "/sfn", endpoint = "complaints/save_rules")]
    pub async fn save_complaint_rules(
        urgent_hours: String,
        serious_hours: String,
        normal_hours: String,
        #[server(default)] store_id: String,
    ) -> Result<(), AppError> {
        let typed = [
            ("urgent_hours", urgent_hours.as_str()),
            ("serious_hours", serious_hours.as_str()),
            ("normal_hours", normal_hours.as_str()),
        ];
        // A figure that is not a number is out of range (0).
        let hours = |v: &str| v.trim().parse::<i64>().unwrap_or(0);
        let rules = ResponseHours {
            urgent_hours: hours(&urgent_hours),
            serious_hours: hours(&serious_hours),
            normal_hours: hours(&normal_hours),
        };
        let store = optional_id("store_id", &store_id).map_err(|e| e.with_input(typed))?;
        complaints::set_rules(&Ctx::current()?, store, rules)
            .await
            .map_err(|e| e.with_input(typed))
    }

    /// A complaint from the public page (no sign-in); the reference to quote. The page
    /// comes back saying it was received.
    #[server(prefix = "/sfn", endpoint = "complain")]
    pub async fn submit_complaint(
        reference: String,
        mobile: String,
        category: String,
        description: String,
        #[server(default)] name: String,
        #[server(default)] website: String,
    ) -> Result<String, AppError> {
        let input = PublicComplaintInput {
            reference,
            mobile,
            category,
            description,
            name,
            website,
        };
        let typed = [
            ("reference", input.reference.as_str()),
            ("mobile", input.mobile.as_str()),
            ("category", input.category.as_str()),
            ("description", input.description.as_str()),
            ("name", input.name.as_str()),
        ];
        let reference = complaints::submit_public(&Ctx::current()?, &input)
            .await
            .map_err(|e| e.with_input(typed))?;
        leptos_axum::redirect(&format!("/complain?sent={reference}"));
        Ok(reference)
    }

    /// What a rating link is for (anyone holding it).
    #[server(prefix = "/sfn", endpoint = "rate/show")]
    pub async fn show_rating(token: String) -> Result<RatingInvite, AppError> {
        ratings::show(&Ctx::current()?, &token).await
    }

    /// The customer's answer through a rating link.
    #[server(prefix = "/sfn", endpoint = "rate/answer")]
    pub async fn answer_rating(
        token: String,
        #[server(default)] stars: String,
        #[server(default)] nps: String,
        #[server(default)] comment: String,
        #[server(default)] website: String,
    ) -> Result<(), AppError> {
        let input = RatingInput {
            stars,
            nps,
            comment,
            website,
        };
        let typed = [
            ("stars", input.stars.as_str()),
            ("nps", input.nps.as_str()),
            ("comment", input.comment.as_str()),
        ];
        ratings::answer(&Ctx::current()?, &token, &input)
            .await
            .map_err(|e| e.with_input(typed))?;
        leptos_axum::redirect(&format!("/rate/{}", token.trim()));
        Ok(())
    }

    /// Scores per store, advisor and salesperson, and the recent answers.
    #[server(prefix = "/sfn", endpoint = "ratings/summary")]
    pub async fn ratings_summary() -> Result<RatingSummary, AppError> {
        ratings::summary(&Ctx::current()?, None).await
    }

    /// A completed order's rating link as a full address to hand over, whether it was
    /// answered, and when it expires.
    #[server(prefix = "/sfn", endpoint = "ratings/order_link")]
    pub async fn order_rating_link(order_id: i64) -> Result<Option<(String, bool, i64)>, AppError> {
        let link = ratings::order_link(&Ctx::current()?, order_id).await?;
        let origin = use_context::<http::request::Parts>()
            .and_then(|p| {
                let host = p.headers.get(http::header::HOST)?.to_str().ok()?.to_owned();
                let proto = p
                    .headers
                    .get("x-forwarded-proto")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("http")
                    .to_owned();
                Some(format!("{proto}://{host}"))
            })
            .unwrap_or_default();
        Ok(link.map(|l| (format!("{origin}{}", l.path), l.answered, l.expires_at)))
    }
}

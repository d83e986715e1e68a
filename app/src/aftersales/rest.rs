//! After-sales REST (under `/api/v1`): the public booking — stores, a day's slots, booking,
//! finding a booking with its code and mobile, rescheduling and cancelling, without a key
//! and rate-limited as the page is — and the desk's appointments and capacity, with a key;
//! complaints and satisfaction ratings (the customer's complaint and rating answer without
//! a key).

use super::{
    domain::{
        AppointmentRow, AppointmentStatus, AppointmentStep, BookingInput, BookingSource,
        CapacityInput, CustomerView, DeskDay, ServiceType,
    },
    service::{
        self,
        booking::{Booked, Booker, DaySlots},
        capacity::BookableStore,
        desk::CheckIn,
    },
};
use crate::{
    ctx::Ctx,
    error::AppError,
    rest::{ApiJson, ApiPath, ApiQuery, ApiResult, ApiRouter, Problem},
};
use axum::{http::StatusCode, Json};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::routes;

/// The desk's operations (a key of a role that may use the desk).
pub fn routes() -> ApiRouter {
    ApiRouter::new()
        .routes(routes!(desk_day, book_for_customer))
        .routes(routes!(get_appointment))
        .routes(routes!(step_appointment))
        .routes(routes!(get_capacity, set_capacity))
        .merge(complaint_rest::routes())
}

/// The public booking's operations: no key.
pub fn public_routes() -> ApiRouter {
    ApiRouter::new()
        .routes(routes!(public_stores))
        .routes(routes!(public_slots))
        .routes(routes!(public_book))
        .routes(routes!(public_find))
        .routes(routes!(public_reschedule))
        .routes(routes!(public_cancel))
        .merge(complaint_rest::public_routes())
}

fn parse_service(ctx: &Ctx, s: &str) -> Result<ServiceType, AppError> {
    ServiceType::parse(s)
        .ok_or_else(|| AppError::invalid("service_type", ctx.t("service.form.service_type")))
}

/// The stores taking online bookings.
#[utoipa::path(get, path = "/public/stores", tag = "booking", security(()),
    responses((status = 200, body = Vec<BookableStore>)))]
async fn public_stores(ctx: Ctx) -> ApiResult<Json<Vec<BookableStore>>> {
    Ok(Json(service::capacity::bookable_stores(&ctx).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct SlotQuery {
    store_id: i64,
    /// `maintenance`, `repair`, `inspection`, `tyres`, `warranty` or `body_paint`.
    #[param(max_length = 20)]
    service_type: String,
    /// A day, `2026-12-01`; the first bookable day when absent or not bookable.
    #[param(max_length = 10)]
    day: Option<String>,
}

/// A day's slots for a service at a store: each with its places and places taken, and
/// why it cannot be booked (`Full`, `Past`, `CutOff`…) if so; with the next free slots
/// when the day has none.
#[utoipa::path(get, path = "/public/slots", tag = "booking", security(()), params(SlotQuery),
    responses((status = 200, body = DaySlots),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn public_slots(ctx: Ctx, ApiQuery(q): ApiQuery<SlotQuery>) -> ApiResult<Json<DaySlots>> {
    let service = parse_service(&ctx, &q.service_type)?;
    let day = q.day.as_deref().and_then(super::domain::parse_day);
    Ok(Json(
        service::booking::slots(&ctx, q.store_id, service, day).await?,
    ))
}

/// Books a slot. The answer's `code` (with the mobile) finds the booking again; `token`
/// is the key of the customer's page (`/book/a/{token}`). A slot taken meanwhile is 422
/// on `time` naming the next free slots; too many requests from one address or for one
/// mobile are 429.
#[utoipa::path(post, path = "/public/bookings", tag = "booking", security(()), request_body = BookingInput,
    responses((status = 201, body = Booked),
              (status = 422, body = Problem, content_type = "application/problem+json"),
              (status = 429, body = Problem, content_type = "application/problem+json")))]
async fn public_book(
    ctx: Ctx,
    ApiJson(b): ApiJson<BookingInput>,
) -> ApiResult<(StatusCode, Json<Booked>)> {
    let booked = service::booking::book(&ctx, &b, Booker::Public, "").await?;
    Ok((StatusCode::CREATED, Json(booked)))
}

#[derive(Deserialize, ToSchema)]
struct Lookup {
    /// The booking code, 8 characters.
    #[schema(max_length = 40)]
    code: String,
    #[schema(max_length = 40)]
    mobile: String,
}

#[derive(Serialize, ToSchema)]
struct Found {
    token: String,
    booking: CustomerView,
}

/// Finds a booking by its code and mobile. A wrong pair and an unknown code get the same
/// 422; tries are limited per address (429).
#[utoipa::path(post, path = "/public/bookings/lookup", tag = "booking", security(()), request_body = Lookup,
    responses((status = 200, body = Found),
              (status = 422, body = Problem, content_type = "application/problem+json"),
              (status = 429, body = Problem, content_type = "application/problem+json")))]
async fn public_find(ctx: Ctx, ApiJson(l): ApiJson<Lookup>) -> ApiResult<Json<Found>> {
    let token = service::booking::find(&ctx, &l.code, &l.mobile).await?;
    let booking = service::booking::view(&ctx, &token).await?;
    Ok(Json(Found { token, booking }))
}

#[derive(Deserialize, ToSchema)]
struct NewSlot {
    #[schema(max_length = 10)]
    day: String,
    #[schema(max_length = 5)]
    time: String,
}

/// Moves a booking (still booked, not begun) to another slot by the same rules.
#[utoipa::path(post, path = "/public/bookings/{token}/reschedule", tag = "booking", security(()),
    params(("token" = String, Path, description = "the customer's key", max_length = 64)), request_body = NewSlot,
    responses((status = 204),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json"),
              (status = 429, body = Problem, content_type = "application/problem+json")))]
async fn public_reschedule(
    ctx: Ctx,
    ApiPath(token): ApiPath<String>,
    ApiJson(s): ApiJson<NewSlot>,
) -> ApiResult<StatusCode> {
    service::booking::reschedule(&ctx, &token, &s.day, &s.time).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Cancels a booking (still booked, not begun); its place is free again.
#[utoipa::path(post, path = "/public/bookings/{token}/cancel", tag = "booking", security(()),
    params(("token" = String, Path, description = "the customer's key", max_length = 64)),
    responses((status = 204),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json"),
              (status = 429, body = Problem, content_type = "application/problem+json")))]
async fn public_cancel(ctx: Ctx, ApiPath(token): ApiPath<String>) -> ApiResult<StatusCode> {
    service::booking::cancel(&ctx, &token).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct DayQuery {
    store_id: i64,
    /// `2026-12-01`; today when absent.
    #[param(max_length = 10)]
    day: Option<String>,
}

/// A store's day at the desk: each slot with its load and appointments.
#[utoipa::path(get, path = "/appointments", tag = "service", params(DayQuery),
    responses((status = 200, body = DeskDay),
              (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn desk_day(ctx: Ctx, ApiQuery(q): ApiQuery<DayQuery>) -> ApiResult<Json<DeskDay>> {
    let day = match q.day.as_deref() {
        None => ctx.today(),
        Some(d) => super::domain::parse_day(d)
            .ok_or_else(|| AppError::invalid("day", ctx.t("service.form.day")))?,
    };
    Ok(Json(service::desk::day(&ctx, q.store_id, day).await?))
}

#[derive(Deserialize, ToSchema)]
struct DeskBooking {
    #[serde(flatten)]
    booking: BookingInput,
    /// `staff` (booked into a slot, by phone) or `walk_in` (here now, checked in at once).
    #[serde(default = "staff")]
    source: BookingSource,
}

fn staff() -> BookingSource {
    BookingSource::Staff
}

#[derive(Serialize, ToSchema)]
struct Created {
    id: i64,
    code: String,
}

/// Books for a customer at the desk: into a slot (`staff`), or a walk-in checked in at
/// once (`walk_in`, taking no slot's place).
#[utoipa::path(post, path = "/appointments", tag = "service", request_body = DeskBooking,
    responses((status = 201, body = Created),
              (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn book_for_customer(
    ctx: Ctx,
    ApiJson(b): ApiJson<DeskBooking>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let source = if b.source == BookingSource::Online {
        BookingSource::Staff
    } else {
        b.source
    };
    let booked = service::booking::book(&ctx, &b.booking, Booker::Desk(source), "").await?;
    Ok((
        StatusCode::CREATED,
        Json(Created {
            id: booked.id,
            code: booked.code,
        }),
    ))
}

/// One appointment (another store's is 404).
#[utoipa::path(get, path = "/appointments/{id}", tag = "service",
    params(("id" = i64, Path, description = "appointment id")),
    responses((status = 200, body = AppointmentRow),
              (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_appointment(ctx: Ctx, ApiPath(id): ApiPath<i64>) -> ApiResult<Json<AppointmentRow>> {
    Ok(Json(service::desk::get(&ctx, id).await?))
}

#[derive(Deserialize, ToSchema)]
struct StepBody {
    /// The version read: a change made since is 409.
    version: i64,
    #[serde(flatten)]
    check_in: CheckIn,
}

#[derive(Serialize, ToSchema)]
struct StatusAnswer {
    status: AppointmentStatus,
}

/// Moves an appointment one step: `check_in` (with `mileage`, `notes`, `advisor_id`),
/// `start`, `complete`, `no_show` or `cancel`.
#[utoipa::path(post, path = "/appointments/{id}/{step}", tag = "service",
    params(("id" = i64, Path, description = "appointment id"),
           ("step" = inline(AppointmentStep), Path, description = "the step to take")),
    request_body = StepBody,
    responses((status = 200, body = StatusAnswer),
              (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn step_appointment(
    ctx: Ctx,
    ApiPath((id, step)): ApiPath<(i64, AppointmentStep)>,
    ApiJson(b): ApiJson<StepBody>,
) -> ApiResult<Json<StatusAnswer>> {
    let status = service::desk::step(&ctx, id, step, b.version, &b.check_in).await?;
    Ok(Json(StatusAnswer { status }))
}

/// A store's booking capacity (404 when it takes no bookings, or is another store's).
#[utoipa::path(get, path = "/stores/{id}/service-capacity", tag = "service",
    params(("id" = i64, Path, description = "store id")),
    responses((status = 200, body = CapacityInput),
              (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_capacity(ctx: Ctx, ApiPath(id): ApiPath<i64>) -> ApiResult<Json<CapacityInput>> {
    let c = service::capacity::get(&ctx, id)
        .await?
        .ok_or_else(|| AppError::NotFound(ctx.t("service.store.not_found").into()))?;
    Ok(Json(CapacityInput::from(&c)))
}

/// Sets a store's booking capacity as a whole; send the `version` read (0 for a store
/// without one): a change made since is 409.
#[utoipa::path(put, path = "/stores/{id}/service-capacity", tag = "service",
    params(("id" = i64, Path, description = "store id")), request_body = CapacityInput,
    responses((status = 200, body = CapacityInput),
              (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn set_capacity(
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(c): ApiJson<CapacityInput>,
) -> ApiResult<Json<CapacityInput>> {
    let saved = service::capacity::set(&ctx, id, &c).await?;
    Ok(Json(CapacityInput::from(&saved)))
}

// ---------------------------------------------------------------------------------------
// Complaints (投诉) and satisfaction ratings (满意度)

/// Complaints and ratings under `/api/v1`: the staff's (a key or session, as every
/// endpoint) and the public ones under `/api/v1/public/…`, which take no key — the
/// server's API router mounts [`public_routes`] outside its key check, deliberately.
mod complaint_rest {
    use crate::{
        aftersales::{
            domain::{
                complaint::{
                    ComplaintDetail, ComplaintFilter, ComplaintInput, ComplaintRow,
                    PublicComplaintInput, StepInput,
                },
                rating::{RatingInput, RatingSummary},
            },
            service::{complaints, ratings},
        },
        ctx::Ctx,
        rest::{ApiError, ApiJson, ApiPath, ApiQuery, ApiRouter, Problem},
    };
    use axum::{
        http::{header, StatusCode},
        response::{IntoResponse, Response},
        Json,
    };
    use serde::Serialize;
    use utoipa::ToSchema;
    use utoipa_axum::routes;

    type Answer = Result<Response, ApiError>;

    /// The staff's endpoints.
    pub fn routes() -> ApiRouter {
        ApiRouter::new()
            .routes(routes!(list_complaints, create_complaint))
            .routes(routes!(get_complaint))
            .routes(routes!(complaint_step))
            .routes(routes!(rating_summary))
    }

    /// The endpoints anyone may call without a key: a customer's complaint and rating.
    pub fn public_routes() -> ApiRouter {
        ApiRouter::new()
            .routes(routes!(public_complaint))
            .routes(routes!(public_rating))
    }

    /// Complaints the caller may see, most urgent first (at most 300).
    #[utoipa::path(get, path = "/complaints", tag = "aftersales", params(ComplaintFilter),
        responses((status = 200, body = Vec<ComplaintRow>),
                  (status = 403, body = Problem, content_type = "application/problem+json")))]
    async fn list_complaints(ctx: Ctx, ApiQuery(f): ApiQuery<ComplaintFilter>) -> Answer {
        Ok(Json(complaints::list(&ctx, &f).await?).into_response())
    }

    /// Enters a complaint (status `open`); its deadline follows its severity and the
    /// store's response hours. Links are found by order number, VIN and booking code.
    #[utoipa::path(post, path = "/complaints", tag = "aftersales", request_body = ComplaintInput,
        responses((status = 201, body = ComplaintDetail, headers(("Location" = String, description = "/api/v1/complaints/{id}"))),
                  (status = 403, body = Problem, content_type = "application/problem+json"),
                  (status = 422, body = Problem, content_type = "application/problem+json")))]
    async fn create_complaint(ctx: Ctx, ApiJson(input): ApiJson<ComplaintInput>) -> Answer {
        let id = complaints::create(&ctx, &input).await?;
        let detail = complaints::get(&ctx, id).await?;
        Ok((
            StatusCode::CREATED,
            [(header::LOCATION, format!("/api/v1/complaints/{id}"))],
            Json(detail),
        )
            .into_response())
    }

    /// A complaint and its timeline.
    #[utoipa::path(get, path = "/complaints/{id}", tag = "aftersales",
        params(("id" = i64, Path, description = "complaint id")),
        responses((status = 200, body = ComplaintDetail),
                  (status = 403, body = Problem, content_type = "application/problem+json"),
                  (status = 404, body = Problem, content_type = "application/problem+json")))]
    async fn get_complaint(ctx: Ctx, ApiPath(id): ApiPath<i64>) -> Answer {
        Ok(Json(complaints::get(&ctx, id).await?).into_response())
    }

    /// A step: `confirm` / `dismiss` (a draft; managers), `start`, `resolve` (note: the
    /// resolution), `close`, `reopen` (note: why), `assign` (owner_id), `comment`. With
    /// `version`, refused (409) if the complaint changed since.
    #[utoipa::path(post, path = "/complaints/{id}/steps", tag = "aftersales",
        params(("id" = i64, Path, description = "complaint id")), request_body = StepInput,
        responses((status = 200, body = ComplaintDetail),
                  (status = 403, body = Problem, content_type = "application/problem+json"),
                  (status = 404, body = Problem, content_type = "application/problem+json"),
                  (status = 409, body = Problem, content_type = "application/problem+json"),
                  (status = 422, body = Problem, content_type = "application/problem+json")))]
    async fn complaint_step(
        ctx: Ctx,
        ApiPath(id): ApiPath<i64>,
        ApiJson(input): ApiJson<StepInput>,
    ) -> Answer {
        complaints::step(&ctx, id, &input).await?;
        Ok(Json(complaints::get(&ctx, id).await?).into_response())
    }

    /// Satisfaction scores per store, advisor and salesperson, and the recent answers.
    #[utoipa::path(get, path = "/ratings", tag = "aftersales",
        responses((status = 200, body = RatingSummary),
                  (status = 403, body = Problem, content_type = "application/problem+json")))]
    async fn rating_summary(ctx: Ctx) -> Answer {
        Ok(Json(ratings::summary(&ctx, None).await?).into_response())
    }

    /// What a customer's complaint is answered with.
    #[derive(Serialize, ToSchema)]
    struct Received {
        /// The reference to quote (8 characters).
        reference: String,
    }

    /// A customer's complaint, without a key: the booking code (预约码) or order number
    /// with the mobile it was made with. A pair that matches nothing — a wrong mobile or
    /// an unknown reference alike — is 422 on `reference`, word for word the same.
    /// Limited per address (429 with `retry_after_secs`).
    #[utoipa::path(post, path = "/public/complaints", tag = "aftersales", security(()),
        request_body = PublicComplaintInput,
        responses((status = 202, body = Received),
                  (status = 422, body = Problem, content_type = "application/problem+json"),
                  (status = 429, body = Problem, content_type = "application/problem+json")))]
    async fn public_complaint(ctx: Ctx, ApiJson(input): ApiJson<PublicComplaintInput>) -> Answer {
        let reference = complaints::submit_public(&ctx, &input).await?;
        Ok((StatusCode::ACCEPTED, Json(Received { reference })).into_response())
    }

    /// A customer's answer through their rating link, without a key: once, within 30
    /// days (409 once answered or expired; 404 for a token that is none).
    #[utoipa::path(post, path = "/public/ratings/{token}", tag = "aftersales", security(()),
        params(("token" = String, Path, description = "the token of the rating link")),
        request_body = RatingInput,
        responses((status = 204, description = "Answer recorded"),
                  (status = 404, body = Problem, content_type = "application/problem+json"),
                  (status = 409, body = Problem, content_type = "application/problem+json"),
                  (status = 422, body = Problem, content_type = "application/problem+json"),
                  (status = 429, body = Problem, content_type = "application/problem+json")))]
    async fn public_rating(
        ctx: Ctx,
        ApiPath(token): ApiPath<String>,
        ApiJson(input): ApiJson<RatingInput>,
    ) -> Answer {
        ratings::answer(&ctx, &token, &input).await?;
        Ok(StatusCode::NO_CONTENT.into_response())
    }
}

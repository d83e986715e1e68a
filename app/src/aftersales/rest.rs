//! REST under `/api/v1`: the public booking's slots and bookings, and the desk's
//! appointments and capacity.

// ---------------------------------------------------------------------------------------
// Complaints (投诉) and satisfaction ratings (满意度)

pub use complaint_rest::{public_routes, routes};

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

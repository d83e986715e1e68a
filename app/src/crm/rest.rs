//! CRM's REST API (under `/api/v1`): customers, leads and follow-ups, calling the same
//! services as the pages.

use super::{
    domain::{
        customer::{CustomerFilter, CustomerInput, CustomerRow},
        follow_up::{DueView, FollowUpInput, FollowUpRow},
        lead::{LeadFilter, LeadItem, LeadStage, StageMove},
    },
    service::{self, customers::CustomerPage},
};
use crate::{
    ctx::Ctx,
    rest::{ApiJson, ApiPath, ApiQuery, ApiResult, ApiRouter, Problem},
};
use axum::{http::StatusCode, Json};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::routes;

pub fn routes() -> ApiRouter {
    ApiRouter::new()
        .routes(routes!(list_customers, create_customer))
        .routes(routes!(get_customer, update_customer))
        .routes(routes!(list_leads))
        .routes(routes!(move_lead))
        .routes(routes!(list_follow_ups, plan_follow_up))
        .routes(routes!(complete_follow_up))
}

/// Customers the key may see, newest change first: search by name, pinyin initials
/// (`zs`), the last 4 digits of a mobile or a whole mobile.
#[utoipa::path(get, path = "/customers", tag = "crm", params(CustomerFilter),
    responses((status = 200, body = CustomerPage),
              (status = 403, body = Problem, content_type = "application/problem+json")))]
async fn list_customers(
    ctx: Ctx,
    ApiQuery(f): ApiQuery<CustomerFilter>,
) -> ApiResult<Json<CustomerPage>> {
    Ok(Json(service::customers::list(&ctx, &f).await?))
}

#[derive(Deserialize, ToSchema)]
struct NewCustomerRequest {
    #[serde(flatten)]
    customer: CustomerInput,
    /// The store, for a group-wide key (a store's key uses its own).
    store_id: Option<i64>,
}

#[derive(Serialize, ToSchema)]
struct Created {
    id: i64,
}

/// Creates a customer (and their first lead). A mobile another customer holds is 409
/// with `existing_id`.
#[utoipa::path(post, path = "/customers", tag = "crm", request_body = NewCustomerRequest,
    responses((status = 201, body = Created),
              (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn create_customer(
    ctx: Ctx,
    ApiJson(body): ApiJson<NewCustomerRequest>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let id = service::customers::create(&ctx, &body.customer, body.store_id).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// One customer. Another salesperson's or another store's is 403.
#[utoipa::path(get, path = "/customers/{id}", tag = "crm",
    params(("id" = i64, Path, description = "customer id")),
    responses((status = 200, body = CustomerRow),
              (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_customer(ctx: Ctx, ApiPath(id): ApiPath<i64>) -> ApiResult<Json<CustomerRow>> {
    Ok(Json(service::customers::get(&ctx, id).await?))
}

#[derive(Deserialize, ToSchema)]
struct CustomerUpdate {
    #[serde(flatten)]
    customer: CustomerInput,
    /// The version last read; refused (409) if the customer changed since.
    version: i64,
}

/// Replaces a customer's profile.
#[utoipa::path(put, path = "/customers/{id}", tag = "crm", request_body = CustomerUpdate,
    params(("id" = i64, Path, description = "customer id")),
    responses((status = 204),
              (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn update_customer(
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<CustomerUpdate>,
) -> ApiResult<StatusCode> {
    service::customers::update(&ctx, id, &body.customer, body.version).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Leads the key may see, filtered by stage, customer, owner, source, days since the last
/// contact and the next follow-up; newest change first (at most 500).
#[utoipa::path(get, path = "/leads", tag = "crm", params(LeadFilter),
    responses((status = 200, body = [LeadItem]),
              (status = 403, body = Problem, content_type = "application/problem+json")))]
async fn list_leads(ctx: Ctx, ApiQuery(f): ApiQuery<LeadFilter>) -> ApiResult<Json<Vec<LeadItem>>> {
    Ok(Json(
        service::leads::search(&ctx, &f, LeadFilter::MAX_LIST).await?,
    ))
}

#[derive(Serialize, ToSchema)]
struct Moved {
    stage: LeadStage,
}

/// Moves a lead to another stage (新线索 → 已联系 → 试驾 → 洽谈 → 成交 / 战败); a loss needs
/// a reason and a note.
#[utoipa::path(post, path = "/leads/{id}/stage", tag = "crm", request_body = StageMove,
    params(("id" = i64, Path, description = "lead id")),
    responses((status = 200, body = Moved),
              (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn move_lead(
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<StageMove>,
) -> ApiResult<Json<Moved>> {
    let stage = service::leads::move_stage(&ctx, id, &body).await?;
    Ok(Json(Moved { stage }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct FollowUpQuery {
    /// `today` (default), `overdue` or `week`.
    #[param(inline)]
    view: Option<DueView>,
    /// Everyone's the key may see, not only its own (managers).
    team: Option<bool>,
    /// With `team`, one store's (group-wide keys).
    store_id: Option<i64>,
}

/// Open follow-ups in a view, soonest first.
#[utoipa::path(get, path = "/follow-ups", tag = "crm", params(FollowUpQuery),
    responses((status = 200, body = [FollowUpRow]),
              (status = 403, body = Problem, content_type = "application/problem+json")))]
async fn list_follow_ups(
    ctx: Ctx,
    ApiQuery(q): ApiQuery<FollowUpQuery>,
) -> ApiResult<Json<Vec<FollowUpRow>>> {
    let view = q.view.unwrap_or(DueView::Today);
    Ok(Json(
        service::follow_ups::list(&ctx, view, q.team.unwrap_or(false), q.store_id).await?,
    ))
}

/// Plans a follow-up with a customer.
#[utoipa::path(post, path = "/follow-ups", tag = "crm", request_body = FollowUpInput,
    responses((status = 201, body = Created),
              (status = 403, body = Problem, content_type = "application/problem+json")))]
async fn plan_follow_up(
    ctx: Ctx,
    ApiJson(body): ApiJson<FollowUpInput>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let id = service::follow_ups::create(&ctx, &body).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[derive(Deserialize, ToSchema)]
struct Completion {
    /// What came of it (required, at most 500 characters).
    #[schema(max_length = 500)]
    outcome: String,
}

/// Marks a follow-up done with its outcome.
#[utoipa::path(post, path = "/follow-ups/{id}/complete", tag = "crm", request_body = Completion,
    params(("id" = i64, Path, description = "follow-up id")),
    responses((status = 204),
              (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn complete_follow_up(
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<Completion>,
) -> ApiResult<StatusCode> {
    service::follow_ups::complete(&ctx, id, &body.outcome).await?;
    Ok(StatusCode::NO_CONTENT)
}

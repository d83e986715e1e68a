//! Analytics' REST API (under `/api/v1`): each report as JSON, calling the same services
//! as the pages.

use super::{
    domain::{
        outlook::{Outlook, OutlookQuery},
        sales::{SalesQuery, SalesReport},
    },
    service,
};
use crate::{
    ctx::Ctx,
    rest::{invalid_example, problem_example, ApiQuery, ApiResult, ApiRouter, Problem},
};
use axum::Json;
use utoipa_axum::routes;

pub fn routes() -> ApiRouter {
    ApiRouter::new()
        .routes(routes!(sales_report))
        .routes(routes!(outlook))
}

/// The sales report (销售分析): units, revenue, collected (net of refunds), discounts and
/// — for roles that may see cost — gross margin, over a range of China-time days, beside
/// the previous period (环比) and the same dates last year (同比); broken down by model,
/// trim, colour, store, salesperson or payment type; with a trend by day, week or month.
/// An order counts once approved, on its order date; cancelled and rejected ones never.
/// A store-bound key reports on its own store.
#[utoipa::path(get, path = "/analytics/sales", tag = "analytics", params(SalesQuery),
    responses((status = 200, body = SalesReport),
              (status = 403, body = Problem, content_type = "application/problem+json",
               example = json!(problem_example(403, "forbidden", "Forbidden", "Your role (Sales consultant) may not do this"))),
              (status = 422, body = Problem, content_type = "application/problem+json",
               example = json!(invalid_example("from", "The first day is after the last")))))]
async fn sales_report(ctx: Ctx, ApiQuery(q): ApiQuery<SalesQuery>) -> ApiResult<Json<SalesReport>> {
    Ok(Json(service::sales::report(&ctx, &q).await?))
}

/// The outlook (智能预测与补货建议): per model with sales or stock, the weekly sales
/// history, a Holt-Winters forecast (Holt's trend under two years of history, the mean
/// under four weeks) for the next twelve weeks, its error on the last eight weeks it was
/// not shown beside a naive forecast's (MAPE, MASE), and a reorder suggestion — forecast
/// over the lead time + safety stock − (in stock + in transit − orders waiting for a
/// car), clamped by the thresholds — with its reasoning in words.
#[utoipa::path(get, path = "/analytics/outlook", tag = "analytics", params(OutlookQuery),
    responses((status = 200, body = Outlook),
              (status = 403, body = Problem, content_type = "application/problem+json",
               example = json!(problem_example(403, "forbidden", "Forbidden", "Your role (Sales consultant) may not do this"))),
              (status = 422, body = Problem, content_type = "application/problem+json",
               example = json!(invalid_example("lead_weeks", "The lead time is 1 to 26 weeks")))))]
async fn outlook(ctx: Ctx, ApiQuery(q): ApiQuery<OutlookQuery>) -> ApiResult<Json<Outlook>> {
    Ok(Json(service::outlook::outlook(&ctx, &q).await?))
}

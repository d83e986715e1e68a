//! Analytics' REST API (under `/api/v1`): each report as JSON, the dashboard's figures,
//! the stores' targets and the settings — calling the same services as the pages.

use super::{
    domain::{
        customers::CustomerReport,
        cycle::{CycleQuery, CycleReport},
        dashboard::{Dashboard, DashboardQuery},
        outlook::{Outlook, OutlookQuery},
        period::PeriodQuery,
        sales::{SalesQuery, SalesReport},
        targets::{AnalyticsSettings, SalesTarget, SettingsInput, TargetInput},
        turnover::{TurnoverQuery, TurnoverReport},
    },
    service,
};
use crate::{
    ctx::Ctx,
    rest::{invalid_example, problem_example, ApiJson, ApiQuery, ApiResult, ApiRouter, Problem},
};
use axum::Json;
use utoipa_axum::routes;

pub fn routes() -> ApiRouter {
    ApiRouter::new()
        .routes(routes!(sales_report))
        .routes(routes!(cycle_report))
        .routes(routes!(customer_report))
        .routes(routes!(turnover_report))
        .routes(routes!(outlook))
        .routes(routes!(dashboard))
        .routes(routes!(list_targets, set_target))
        .routes(routes!(get_settings, set_settings))
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

/// Order cycle time (订单周期): for the orders whose step ended in each month of the range,
/// how long entry → approval, approval → shipping, shipping → completion and the whole way
/// took — median, p90 (read from hour-, day- and week-wide counts, interpolated) and the
/// exact mean, in hours — overall, per store, per salesperson and per month, beside the
/// same number of months before.
#[utoipa::path(get, path = "/analytics/cycle", tag = "analytics", params(CycleQuery),
    responses((status = 200, body = CycleReport),
              (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json",
               example = json!(invalid_example("from", "Months are written YYYY-MM")))))]
async fn cycle_report(ctx: Ctx, ApiQuery(q): ApiQuery<CycleQuery>) -> ApiResult<Json<CycleReport>> {
    Ok(Json(service::cycle::report(&ctx, &q).await?))
}

/// Customer analysis (客户分析) of the leads and profiles opened in a range: the funnel
/// (a lost lead counted at the furthest stage it reached) overall and per salesperson,
/// lead sources with their win rates, lost reasons, days to a win, budgets, drives and
/// models new customers asked for, repeat buyers (all time), satisfaction (stars, NPS)
/// per store, advisor and salesperson, and complaints with their on-time rates.
#[utoipa::path(get, path = "/analytics/customers", tag = "analytics", params(PeriodQuery),
    responses((status = 200, body = CustomerReport),
              (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn customer_report(
    ctx: Ctx,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> ApiResult<Json<CustomerReport>> {
    Ok(Json(service::customers::report(&ctx, &q).await?))
}

/// Inventory turnover (库存周转) over the last 30, 60, 90, 180 or 365 days: per model and
/// store the stock on hand and its cost, what sold, turnover a year, days of supply, days
/// in stock, the stock by age band (0–30, 31–60, 61–90, over 90 days), the estimated
/// holding cost at the group's daily rate, and the specs slowest to move.
#[utoipa::path(get, path = "/analytics/turnover", tag = "analytics", params(TurnoverQuery),
    responses((status = 200, body = TurnoverReport),
              (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json",
               example = json!(invalid_example("days", "The window is 30, 60, 90, 180 or 365 days")))))]
async fn turnover_report(
    ctx: Ctx,
    ApiQuery(q): ApiQuery<TurnoverQuery>,
) -> ApiResult<Json<TurnoverReport>> {
    Ok(Json(service::turnover::report(&ctx, &q).await?))
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

/// The dashboard's figures (经营看板): today's orders and sales, orders waiting for
/// approval, the stock's units and cost, aged cars, overdue follow-ups, open complaints,
/// this month against its target, the twelve months' trend, this month by model, the lead
/// funnel and the stock by age. A figure whose list the key may not read is absent.
#[utoipa::path(get, path = "/analytics/dashboard", tag = "analytics", params(DashboardQuery),
    responses((status = 200, body = Dashboard),
              (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn dashboard(ctx: Ctx, ApiQuery(q): ApiQuery<DashboardQuery>) -> ApiResult<Json<Dashboard>> {
    Ok(Json(service::dashboard::dashboard(&ctx, &q).await?))
}

/// The stores' monthly sales targets (销售目标), from three months back to twelve ahead.
#[utoipa::path(get, path = "/analytics/targets", tag = "analytics",
    responses((status = 200, body = [SalesTarget]),
              (status = 403, body = Problem, content_type = "application/problem+json")))]
async fn list_targets(ctx: Ctx) -> ApiResult<Json<Vec<SalesTarget>>> {
    Ok(Json(service::targets::list(&ctx).await?))
}

/// Sets (or replaces) a store's target for a month: units and revenue in yuan, for a
/// month from a year back to two years ahead. General manager and admin keys.
#[utoipa::path(put, path = "/analytics/targets", tag = "analytics", request_body = TargetInput,
    responses((status = 200, body = SalesTarget),
              (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json",
               example = json!(invalid_example("units", "A target is 0 to 100,000 cars")))))]
async fn set_target(ctx: Ctx, ApiJson(t): ApiJson<TargetInput>) -> ApiResult<Json<SalesTarget>> {
    Ok(Json(service::targets::set(&ctx, &t).await?))
}

/// The analytics settings: the daily holding-cost rate the turnover report uses.
#[utoipa::path(get, path = "/analytics/settings", tag = "analytics",
    responses((status = 200, body = AnalyticsSettings),
              (status = 403, body = Problem, content_type = "application/problem+json")))]
async fn get_settings(ctx: Ctx) -> ApiResult<Json<AnalyticsSettings>> {
    Ok(Json(service::targets::settings(&ctx).await?))
}

/// Sets the daily holding-cost rate, in percent of a car's cost (0 to 1, four decimals).
/// General manager and admin keys.
#[utoipa::path(put, path = "/analytics/settings", tag = "analytics", request_body = SettingsInput,
    responses((status = 200, body = AnalyticsSettings),
              (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json",
               example = json!(invalid_example("holding_rate_percent", "A rate is 0 to 1 percent a day, at most four decimals")))))]
async fn set_settings(
    ctx: Ctx,
    ApiJson(s): ApiJson<SettingsInput>,
) -> ApiResult<Json<AnalyticsSettings>> {
    Ok(Json(service::targets::set_settings(&ctx, &s).await?))
}

//! Analytics' downloads: each report as .xlsx (`/analytics/{report}.xlsx` with the page's
//! query), the same tables the page shows ([`super::tables`]). Like the REST handlers,
//! each reads the request and calls the service, which checks the caller.

use super::{
    domain::{
        cycle::CycleQuery, dashboard::DashboardQuery, outlook::OutlookQuery, period::PeriodQuery,
        sales::SalesQuery, turnover::TurnoverQuery,
    },
    service::{self, exports::xlsx},
    tables,
};
use crate::{
    ctx::Ctx,
    rest::{ApiError, ApiQuery},
    server::AppState,
};
use axum::{response::Response, routing::get, Router};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/analytics/dashboard.xlsx", get(dashboard_xlsx))
        .route("/analytics/sales.xlsx", get(sales_xlsx))
        .route("/analytics/cycle.xlsx", get(cycle_xlsx))
        .route("/analytics/customers.xlsx", get(customers_xlsx))
        .route("/analytics/turnover.xlsx", get(turnover_xlsx))
        .route("/analytics/outlook.xlsx", get(outlook_xlsx))
}

fn file(ctx: &Ctx, title: &'static str, bytes: Vec<u8>) -> Response {
    crate::inventory::files::xlsx(
        bytes,
        &format!("{}-{}", ctx.t(title), ctx.today().format("%Y%m%d")),
    )
}

async fn dashboard_xlsx(
    ctx: Ctx,
    ApiQuery(q): ApiQuery<DashboardQuery>,
) -> Result<Response, ApiError> {
    let r = service::dashboard::dashboard(&ctx, &q).await?;
    let bytes = xlsx(tables::dashboard(&r, ctx.lang()), ctx.lang()).await?;
    Ok(file(&ctx, "analytics.dashboard", bytes))
}

async fn sales_xlsx(ctx: Ctx, ApiQuery(q): ApiQuery<SalesQuery>) -> Result<Response, ApiError> {
    let r = service::sales::report(&ctx, &q).await?;
    let bytes = xlsx(tables::sales(&r, ctx.lang()), ctx.lang()).await?;
    Ok(file(&ctx, "analytics.sales", bytes))
}

async fn cycle_xlsx(ctx: Ctx, ApiQuery(q): ApiQuery<CycleQuery>) -> Result<Response, ApiError> {
    let r = service::cycle::report(&ctx, &q).await?;
    let bytes = xlsx(tables::cycle(&r, ctx.lang()), ctx.lang()).await?;
    Ok(file(&ctx, "analytics.cycle", bytes))
}

async fn customers_xlsx(
    ctx: Ctx,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> Result<Response, ApiError> {
    let r = service::customers::report(&ctx, &q).await?;
    let bytes = xlsx(tables::customers(&r, ctx.lang()), ctx.lang()).await?;
    Ok(file(&ctx, "analytics.customers", bytes))
}

async fn turnover_xlsx(
    ctx: Ctx,
    ApiQuery(q): ApiQuery<TurnoverQuery>,
) -> Result<Response, ApiError> {
    let r = service::turnover::report(&ctx, &q).await?;
    let bytes = xlsx(tables::turnover(&r, ctx.lang()), ctx.lang()).await?;
    Ok(file(&ctx, "analytics.turnover", bytes))
}

async fn outlook_xlsx(ctx: Ctx, ApiQuery(q): ApiQuery<OutlookQuery>) -> Result<Response, ApiError> {
    let r = service::outlook::outlook(&ctx, &q).await?;
    let bytes = xlsx(tables::outlook(&r, ctx.lang()), ctx.lang()).await?;
    Ok(file(&ctx, "analytics.outlook", bytes))
}

//! The server functions the analytics pages call, each a few lines into its service.

use super::domain::{
    customers::CustomerReport,
    cycle::CycleReport,
    dashboard::Dashboard,
    outlook::Outlook,
    sales::SalesReport,
    targets::{AnalyticsSettings, SalesTarget, SettingsInput, TargetInput},
    turnover::TurnoverReport,
};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use {
    super::{
        domain::{
            cycle::CycleQuery, dashboard::DashboardQuery, outlook::OutlookQuery,
            period::PeriodQuery, sales::SalesQuery, turnover::TurnoverQuery,
        },
        service,
    },
    crate::ctx::Ctx,
};

/// The sales report for a date range, store, breakdown and trend bucket (each empty:
/// its default).
#[server(prefix = "/sfn", endpoint = "analytics/sales")]
pub async fn load_sales_report(
    from: String,
    to: String,
    store_id: String,
    by: String,
    bucket: String,
) -> Result<SalesReport, AppError> {
    let q = SalesQuery {
        from,
        to,
        store_id,
        by,
        bucket,
    };
    service::sales::report(&Ctx::current()?, &q).await
}

/// The order cycle report for a range of months (`YYYY-MM`) and a store.
#[server(prefix = "/sfn", endpoint = "analytics/cycle")]
pub async fn load_cycle_report(
    from: String,
    to: String,
    store_id: String,
) -> Result<CycleReport, AppError> {
    let q = CycleQuery { from, to, store_id };
    service::cycle::report(&Ctx::current()?, &q).await
}

/// The customer report for a range of days and a store.
#[server(prefix = "/sfn", endpoint = "analytics/customers")]
pub async fn load_customer_report(
    from: String,
    to: String,
    store_id: String,
) -> Result<CustomerReport, AppError> {
    let q = PeriodQuery { from, to, store_id };
    service::customers::report(&Ctx::current()?, &q).await
}

/// The turnover report over a window of days and a store.
#[server(prefix = "/sfn", endpoint = "analytics/turnover")]
pub async fn load_turnover_report(
    days: String,
    store_id: String,
) -> Result<TurnoverReport, AppError> {
    let q = TurnoverQuery { days, store_id };
    service::turnover::report(&Ctx::current()?, &q).await
}

/// The forecast and reorder suggestions for a store and lead time.
#[server(prefix = "/sfn", endpoint = "analytics/outlook")]
pub async fn load_outlook(store_id: String, lead_weeks: String) -> Result<Outlook, AppError> {
    let q = OutlookQuery {
        store_id,
        lead_weeks,
    };
    service::outlook::outlook(&Ctx::current()?, &q).await
}

/// The dashboard of the caller's store, or (group roles) the group or one store.
#[server(prefix = "/sfn", endpoint = "analytics/dashboard")]
pub async fn load_dashboard(store_id: String) -> Result<Dashboard, AppError> {
    service::dashboard::dashboard(&Ctx::current()?, &DashboardQuery { store_id }).await
}

/// The stores a report may be narrowed to: every store for group roles, else none (their
/// own store is the only one they see).
#[server(prefix = "/sfn", endpoint = "analytics/stores")]
pub async fn report_stores() -> Result<Vec<(i64, String)>, AppError> {
    service::targets::stores(&Ctx::current()?).await
}

/// What the targets page shows: the targets, the settings, the stores and whether the
/// caller may change them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TargetsPage {
    pub targets: Vec<SalesTarget>,
    pub settings: AnalyticsSettings,
    pub stores: Vec<(i64, String)>,
    pub may_edit: bool,
    /// This month (China time), `YYYY-MM`: the form's first value.
    pub this_month: String,
}

#[server(prefix = "/sfn", endpoint = "analytics/targets")]
pub async fn load_targets() -> Result<TargetsPage, AppError> {
    let ctx = Ctx::current()?;
    let targets = service::targets::list(&ctx).await?;
    let settings = service::targets::settings(&ctx).await?;
    let stores = service::targets::stores(&ctx).await?;
    let may_edit = crate::auth::allowed(ctx.principal()?.role, crate::auth::Action::ManageTargets);
    Ok(TargetsPage {
        targets,
        settings,
        stores,
        may_edit,
        this_month: ctx.today().format("%Y-%m").to_string(),
    })
}

/// Sets a store's target for a month (units, revenue in yuan).
#[server(prefix = "/sfn", endpoint = "analytics/save_target")]
pub async fn save_target(#[server(flatten)] input: TargetInput) -> Result<SalesTarget, AppError> {
    let ctx = Ctx::current()?;
    service::targets::set(&ctx, &input).await.map_err(|e| {
        e.with_input([
            ("store_id", input.store_id.as_str()),
            ("month", input.month.as_str()),
            ("units", input.units.as_str()),
            ("revenue", input.revenue.as_str()),
        ])
    })
}

/// Sets the holding-cost rate (percent of a car's cost a day).
#[server(prefix = "/sfn", endpoint = "analytics/save_settings")]
pub async fn save_settings(
    #[server(flatten)] input: SettingsInput,
) -> Result<AnalyticsSettings, AppError> {
    let ctx = Ctx::current()?;
    service::targets::set_settings(&ctx, &input)
        .await
        .map_err(|e| e.with_input([("holding_rate_percent", input.holding_rate_percent.as_str())]))
}

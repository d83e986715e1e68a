//! The server functions the analytics pages call.

use super::domain::sales::SalesReport;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::{domain::sales::SalesQuery, service},
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

//! After-sales routes that are neither pages nor server functions: a booking's calendar
//! file (.ics), behind the customer's link.

use super::service;
use crate::{ctx::Ctx, server::AppState};
use axum::{
    extract::Path,
    http::header,
    response::{IntoResponse, Response},
    routing::get,
    Router,
};

pub fn routes() -> Router<AppState> {
    Router::new().route("/book/ics/{token}", get(calendar))
}

async fn calendar(ctx: Ctx, Path(token): Path<String>) -> Result<Response, crate::rest::ApiError> {
    let ics = service::booking::calendar(&ctx, &token).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"booking.ics\"",
            ),
        ],
        ics,
    )
        .into_response())
}

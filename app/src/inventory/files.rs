//! Inventory's routes that are neither pages nor server functions: the Excel downloads
//! and the batch-intake upload. Like the REST handlers, each reads the request and calls
//! a service, which checks the caller.

use super::{
    domain::{
        matrix::{MatrixFilter, Pivot},
        vehicle::{urlencode, StatusFilter, VehicleFilter},
    },
    excel,
    service::{self, catalog},
};
use crate::{ctx::Ctx, error::AppError, rest::ApiError, server::AppState};
use axum::{
    extract::{Multipart, Query},
    http::{header, HeaderMap},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
    Json, Router,
};
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/inventory/matrix.xlsx", get(matrix_xlsx))
        .route("/inventory/vehicles.xlsx", get(vehicles_xlsx))
        .route("/inventory/intake-template.xlsx", get(template_xlsx))
        // Axum's extractors stop at 2 MB by default; the server bounds this body (and
        // every other) before it is read.
        .route(
            "/inventory/import",
            post(import).layer(axum::extract::DefaultBodyLimit::max(
                crate::import::UPLOAD_BODY_LIMIT,
            )),
        )
}

pub(crate) fn xlsx(bytes: Vec<u8>, name: &str) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"{}\"; filename*=UTF-8''{}",
                    name.chars()
                        .filter(char::is_ascii_alphanumeric)
                        .collect::<String>()
                        + ".xlsx",
                    urlencode(&format!("{name}.xlsx"))
                ),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

async fn matrix_xlsx(
    ctx: Ctx,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let num = |k: &str| q.get(k).and_then(|v| v.parse::<i64>().ok());
    let f = MatrixFilter {
        warehouse_id: num("warehouse_id"),
        model_id: num("model_id"),
        status: q.get("status").and_then(|s| StatusFilter::parse(s)),
    };
    let pivot = Pivot::parse(q.get("pivot").map(String::as_str).unwrap_or(""));
    let m = service::matrix::matrix(&ctx, &f).await?;
    let cat = catalog::catalog(&ctx).await?;
    let place = f
        .warehouse_id
        .map(|w| cat.warehouse_name(w))
        .unwrap_or_else(|| ctx.t("inventory.all_warehouses").into());
    let title = format!(
        "{} · {place} · {} · {}",
        ctx.t("inventory.matrix"),
        ctx.t(f.status().label_key()),
        ctx.today()
    );
    let bytes = excel::matrix(&m, &cat, pivot, ctx.lang(), &title)?;
    Ok(xlsx(
        bytes,
        &format!(
            "{}-{}",
            ctx.t("inventory.matrix"),
            ctx.today().format("%Y%m%d")
        ),
    ))
}

async fn vehicles_xlsx(
    ctx: Ctx,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let f = VehicleFilter::from_pairs(q.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let rows = service::vehicles::export_rows(&ctx, &f, 100_000).await?;
    let cat = catalog::catalog(&ctx).await?;
    let bytes = excel::vehicles(&rows, &cat, ctx.lang())?;
    Ok(xlsx(
        bytes,
        &format!(
            "{}-{}",
            ctx.t("inventory.vehicles"),
            ctx.today().format("%Y%m%d")
        ),
    ))
}

async fn template_xlsx(ctx: Ctx) -> Result<Response, ApiError> {
    let cat = catalog::catalog(&ctx).await?;
    Ok(xlsx(excel::template(&cat)?, "车辆入库模板"))
}

/// A filled-in template (`file`, .xlsx or .csv): all rows taken in, or none. Answers JSON
/// (`{"imported": n}`, or the error with every bad row's fields) to scripts, and a
/// redirect back to the intake page to a browser without JavaScript.
async fn import(ctx: Ctx, headers: HeaderMap, mut form: Multipart) -> Response {
    let wants_json = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("application/json"));
    let unreadable = |e: axum::extract::multipart::MultipartError| {
        AppError::invalid("file", format!("{}: {e}", ctx.t("import.unreadable")))
    };
    let result = async {
        let mut bytes = Vec::new();
        while let Some(field) = form.next_field().await.map_err(unreadable)? {
            if field.name() == Some("file") {
                bytes = field.bytes().await.map_err(unreadable)?.to_vec();
            }
        }
        service::vehicles::import_file(&ctx, bytes).await
    }
    .await;
    match (result, wants_json) {
        (Ok(ids), true) => {
            Json(serde_json::json!({ "imported": ids.len(), "ids": ids })).into_response()
        }
        (Ok(ids), false) => {
            Redirect::to(&format!("/inventory/intake?imported={}", ids.len())).into_response()
        }
        (Err(e), true) => crate::rest::problem(&e),
        (Err(e), false) => {
            let mut text = e.to_string();
            for f in e.fields().iter().take(8) {
                text.push_str(&format!("; {}: {}", f.field, f.message));
            }
            Redirect::to(&format!(
                "/inventory/intake?import_error={}",
                urlencode(&text)
            ))
            .into_response()
        }
    }
}

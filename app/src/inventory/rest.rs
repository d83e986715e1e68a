//! Inventory's REST API (under `/api/v1`), for integrations holding an API key. Each
//! handler reads the request and calls the same service as the pages; the OpenAPI
//! operations and schemas are collected from the handlers below.

use super::{
    domain::{
        alert::{AgedCount, AlertRow, ThresholdInput, ThresholdRow},
        catalog::Catalog,
        intake::{IntakeInput, MAX_BATCH},
        matrix::{MatrixFilter, StockMatrix},
        transfer::{TransferInput, TransferRow, TransferStep},
        vehicle::{VehicleFilter, VehiclePage, VehicleRow},
        VehicleStatus,
    },
    service::{self, vehicles::IntakeMode},
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

/// The routes, with their OpenAPI operations.
pub fn routes() -> ApiRouter {
    ApiRouter::new()
        .routes(routes!(catalog))
        .routes(routes!(list_vehicles, intake))
        .routes(routes!(get_vehicle))
        .routes(routes!(vehicle_status))
        .routes(routes!(stock_matrix))
        .routes(routes!(list_thresholds, put_threshold))
        .routes(routes!(delete_threshold))
        .routes(routes!(list_alerts))
        .routes(routes!(aged_summary))
        .routes(routes!(list_transfers, request_transfer))
        .routes(routes!(get_transfer))
        .routes(routes!(transfer_step))
}

/// Models, trims, colours and the warehouses the key may use: the ids the other
/// inventory endpoints take.
#[utoipa::path(get, path = "/catalog", tag = "inventory",
    responses((status = 200, body = Catalog),
              (status = 401, body = Problem, content_type = "application/problem+json")))]
async fn catalog(ctx: Ctx) -> ApiResult<Json<Catalog>> {
    Ok(Json(service::catalog::catalog(&ctx).await?))
}

/// Vehicles, filtered and paged (oldest arrival first).
#[utoipa::path(get, path = "/vehicles", tag = "inventory", params(VehicleFilter),
    responses((status = 200, body = VehiclePage),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn list_vehicles(
    ctx: Ctx,
    ApiQuery(f): ApiQuery<VehicleFilter>,
) -> ApiResult<Json<VehiclePage>> {
    Ok(Json(service::vehicles::list(&ctx, &f).await?))
}

/// One vehicle by id or VIN.
#[utoipa::path(get, path = "/vehicles/{id}", tag = "inventory",
    params(("id" = String, Path, description = "vehicle id or VIN")),
    responses((status = 200, body = VehicleRow),
              (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_vehicle(ctx: Ctx, ApiPath(id): ApiPath<String>) -> ApiResult<Json<VehicleRow>> {
    Ok(Json(service::vehicles::get(&ctx, &id).await?))
}

/// A vehicle to take in. Money in fen.
#[derive(Deserialize, ToSchema)]
struct VehicleIn {
    #[schema(example = "LGXC1DM30S0000012")]
    vin: String,
    trim_id: i64,
    color_id: i64,
    warehouse_id: i64,
    /// `in_stock` (default) or `in_transit`.
    status: Option<VehicleStatus>,
    cost_fen: i64,
    /// Default: the trim's MSRP.
    list_price_fen: Option<i64>,
    /// `YYYY-MM-DD`; default today for vehicles in stock.
    arrival_date: Option<String>,
}

#[derive(Deserialize, ToSchema)]
struct IntakeRequest {
    /// Taken in together (at most 5000): if one is refused, none is written.
    vehicles: Vec<VehicleIn>,
}

#[derive(Serialize, ToSchema)]
struct Intaken {
    ids: Vec<i64>,
}

/// Fen as the yuan the intake rules read; a negative amount is named by its row.
fn yuan(field: &str, fen: i64, row: usize) -> Result<String, AppError> {
    if fen < 0 {
        return Err(AppError::invalid(
            format!("rows.{row}.{field}"),
            "must not be negative",
        ));
    }
    Ok(format!("{}.{:02}", fen / 100, fen % 100))
}

/// Takes vehicles in (all or none). Bad fields come back as `rows.N.field`, N counting
/// from 2 as in the spreadsheet template.
#[utoipa::path(post, path = "/vehicles", tag = "inventory", request_body = IntakeRequest,
    responses((status = 201, body = Intaken),
              (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn intake(
    ctx: Ctx,
    ApiJson(body): ApiJson<IntakeRequest>,
) -> ApiResult<(StatusCode, Json<Intaken>)> {
    if body.vehicles.len() > MAX_BATCH {
        return Err(AppError::invalid("vehicles", ctx.t("vehicle.batch_too_big")).into());
    }
    let mut inputs = Vec::with_capacity(body.vehicles.len());
    for (i, v) in body.vehicles.into_iter().enumerate() {
        let row = i + 2;
        inputs.push(IntakeInput {
            vin: v.vin,
            model: String::new(),
            trim: v.trim_id.to_string(),
            color: v.color_id.to_string(),
            warehouse: v.warehouse_id.to_string(),
            status: v.status.map(|s| s.code().to_owned()).unwrap_or_default(),
            cost: yuan("cost", v.cost_fen, row)?,
            list_price: v
                .list_price_fen
                .map(|f| yuan("list_price", f, row))
                .transpose()?
                .unwrap_or_default(),
            arrival_date: v.arrival_date.unwrap_or_default(),
        });
    }
    let ids = service::vehicles::intake(&ctx, inputs, IntakeMode::Batch).await?;
    Ok((StatusCode::CREATED, Json(Intaken { ids })))
}

#[derive(Deserialize, ToSchema)]
struct StatusChange {
    to: VehicleStatus,
    /// The version last read; the change is refused (409) if it moved on since.
    version: Option<i64>,
}

/// Moves a vehicle along its lifecycle (arrive, reserve, release, sell, deliver).
#[utoipa::path(post, path = "/vehicles/{id}/status", tag = "inventory", request_body = StatusChange,
    params(("id" = i64, Path, description = "vehicle id")),
    responses((status = 204),
              (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn vehicle_status(
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<StatusChange>,
) -> ApiResult<StatusCode> {
    service::vehicles::change_status(&ctx, id, body.to, body.version).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Vehicle counts by model × trim × colour.
#[utoipa::path(get, path = "/stock/matrix", tag = "inventory", params(MatrixFilter),
    responses((status = 200, body = StockMatrix),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn stock_matrix(
    ctx: Ctx,
    ApiQuery(f): ApiQuery<MatrixFilter>,
) -> ApiResult<Json<StockMatrix>> {
    Ok(Json(service::matrix::matrix(&ctx, &f).await?))
}

/// Low / high stock thresholds of the key's warehouses, with the stock each counts.
#[utoipa::path(get, path = "/thresholds", tag = "inventory",
    responses((status = 200, body = [ThresholdRow])))]
async fn list_thresholds(ctx: Ctx) -> ApiResult<Json<Vec<ThresholdRow>>> {
    Ok(Json(service::alerts::thresholds(&ctx).await?))
}

/// Sets the low / high threshold of a model (optionally one colour) in a warehouse,
/// replacing any existing one for the same scope. Alerts follow at once.
#[utoipa::path(put, path = "/thresholds", tag = "inventory", request_body = ThresholdInput,
    responses((status = 200, body = i64, content_type = "application/json"),
              (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn put_threshold(ctx: Ctx, ApiJson(body): ApiJson<ThresholdInput>) -> ApiResult<Json<i64>> {
    Ok(Json(service::alerts::save(&ctx, body).await?))
}

#[utoipa::path(delete, path = "/thresholds/{id}", tag = "inventory",
    params(("id" = i64, Path, description = "threshold id")),
    responses((status = 204),
              (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn delete_threshold(ctx: Ctx, ApiPath(id): ApiPath<i64>) -> ApiResult<StatusCode> {
    service::alerts::delete(&ctx, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct AlertQuery {
    /// Only open ones (default true).
    open: Option<bool>,
    /// `low`, `high`, `aged`, or several joined by commas (default all).
    kind: Option<String>,
}

/// Stock alerts: low, high and aged; open ones first.
#[utoipa::path(get, path = "/alerts", tag = "inventory", params(AlertQuery),
    responses((status = 200, body = [AlertRow]),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn list_alerts(
    ctx: Ctx,
    ApiQuery(q): ApiQuery<AlertQuery>,
) -> ApiResult<Json<Vec<AlertRow>>> {
    Ok(Json(
        service::alerts::list(&ctx, q.open.unwrap_or(true), q.kind.as_deref()).await?,
    ))
}

/// Open aged-stock alerts counted by warehouse, model and band (30, 60, 90 days).
#[utoipa::path(get, path = "/alerts/aged", tag = "inventory",
    responses((status = 200, body = [AgedCount])))]
async fn aged_summary(ctx: Ctx) -> ApiResult<Json<Vec<AgedCount>>> {
    Ok(Json(service::alerts::aged_counts(&ctx).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct OpenOnly {
    /// Only open ones (default false: all, newest first).
    open: Option<bool>,
}

#[utoipa::path(get, path = "/transfers", tag = "inventory", params(OpenOnly),
    responses((status = 200, body = [TransferRow])))]
async fn list_transfers(
    ctx: Ctx,
    ApiQuery(q): ApiQuery<OpenOnly>,
) -> ApiResult<Json<Vec<TransferRow>>> {
    Ok(Json(
        service::transfers::list(&ctx, q.open.unwrap_or(false), None).await?,
    ))
}

#[utoipa::path(get, path = "/transfers/{id}", tag = "inventory",
    params(("id" = i64, Path, description = "transfer id")),
    responses((status = 200, body = TransferRow),
              (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_transfer(ctx: Ctx, ApiPath(id): ApiPath<i64>) -> ApiResult<Json<TransferRow>> {
    Ok(Json(service::transfers::get(&ctx, id).await?))
}

/// Requests a transfer of vehicles (by VIN) between two warehouses.
#[utoipa::path(post, path = "/transfers", tag = "inventory", request_body = TransferInput,
    responses((status = 201, body = i64, content_type = "application/json"),
              (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn request_transfer(
    ctx: Ctx,
    ApiJson(body): ApiJson<TransferInput>,
) -> ApiResult<(StatusCode, Json<i64>)> {
    let id = service::transfers::request(&ctx, body).await?;
    Ok((StatusCode::CREATED, Json(id)))
}

#[derive(Deserialize, ToSchema, Default)]
struct StepRequest {
    /// The version last read; refused (409) if the transfer moved on since.
    version: Option<i64>,
}

/// Takes a step: `approve`, `reject`, `ship`, `receive` or `cancel`.
#[utoipa::path(post, path = "/transfers/{id}/{step}", tag = "inventory", request_body = StepRequest,
    params(("id" = i64, Path, description = "transfer id"),
           ("step" = inline(TransferStep), Path, description = "the step to take")),
    responses((status = 204),
              (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn transfer_step(
    ctx: Ctx,
    ApiPath((id, step)): ApiPath<(i64, String)>,
    body: Option<ApiJson<StepRequest>>,
) -> ApiResult<StatusCode> {
    // Read here rather than by the path extractor, which cannot name the segment an
    // unknown variant came from.
    let step = TransferStep::parse(&step).ok_or_else(|| {
        AppError::invalid("step", "one of approve, reject, ship, receive, cancel")
    })?;
    let version = body.and_then(|ApiJson(b)| b.version);
    service::transfers::step(&ctx, id, step, version).await?;
    Ok(StatusCode::NO_CONTENT)
}

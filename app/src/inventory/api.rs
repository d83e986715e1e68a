//! Inventory's server functions: what its pages call. Each reads the form as sent, turns
//! it into the service's typed input and calls the service, which checks the caller.

use super::domain::{
    alert::{AgedCount, AlertRow, ThresholdRow},
    catalog::Catalog,
    matrix::{MatrixFilter, StockMatrix},
    transfer::{TransferRow, TransferStep},
    vehicle::{VehicleFilter, VehiclePage},
    VehicleStatus,
};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::{
        domain::{
            alert::{parse_qty, ThresholdInput},
            intake::IntakeInput,
            transfer::{split_vins, TransferInput},
        },
        service,
    },
    crate::ctx::Ctx,
};

#[server(prefix = "/sfn", endpoint = "inventory/catalog")]
pub async fn load_catalog() -> Result<Catalog, AppError> {
    service::catalog::catalog(&Ctx::current()?).await
}

// JSON: an all-default filter would be an empty form, which does not decode.
#[server(prefix = "/sfn", endpoint = "inventory/matrix", input = server_fn::codec::Json)]
pub async fn get_stock_matrix(filter: MatrixFilter) -> Result<StockMatrix, AppError> {
    service::matrix::matrix(&Ctx::current()?, &filter).await
}

#[server(prefix = "/sfn", endpoint = "inventory/vehicles", input = server_fn::codec::Json)]
pub async fn list_vehicles(filter: VehicleFilter) -> Result<VehiclePage, AppError> {
    service::vehicles::list(&Ctx::current()?, &filter).await
}

pub use intake_form::{intake_vehicle, IntakeVehicle};

/// The intake form's eight fields arrive as eight arguments (the generated browser-side
/// function takes them too, so the lint is allowed for this module only).
mod intake_form {
    #![allow(clippy::too_many_arguments)]
    use super::*;

    /// Takes one vehicle in from the intake form. A refusal carries what was typed, so
    /// the form comes back filled in even without JavaScript.
    #[server(prefix = "/sfn", endpoint = "inventory/intake")]
    pub async fn intake_vehicle(
        vin: String,
        trim_id: String,
        color_id: String,
        warehouse_id: String,
        status: String,
        cost: String,
        list_price: String,
        arrival_date: String,
    ) -> Result<i64, AppError> {
        let input = IntakeInput {
            vin,
            model: String::new(),
            trim: trim_id,
            color: color_id,
            warehouse: warehouse_id,
            status,
            cost,
            list_price,
            arrival_date,
        };
        let ids = service::vehicles::intake(
            &Ctx::current()?,
            vec![input.clone()],
            service::vehicles::IntakeMode::Single,
        )
        .await
        .map_err(|e| {
            e.with_input([
                ("vin", input.vin.as_str()),
                ("trim_id", &input.trim),
                ("color_id", &input.color),
                ("warehouse_id", &input.warehouse),
                ("status", &input.status),
                ("cost", &input.cost),
                ("list_price", &input.list_price),
                ("arrival_date", &input.arrival_date),
            ])
        })?;
        Ok(ids[0])
    }
}

/// Moves a vehicle to another status; `version` is the one the person saw.
#[server(prefix = "/sfn", endpoint = "inventory/vehicle_status")]
pub async fn change_vehicle_status(
    id: i64,
    to: VehicleStatus,
    version: i64,
) -> Result<(), AppError> {
    service::vehicles::change_status(&Ctx::current()?, id, to, Some(version)).await
}

/// `kind`: `low`, `high`, `aged` or several joined by commas; none for all.
#[server(prefix = "/sfn", endpoint = "inventory/alerts")]
pub async fn list_alerts(open_only: bool, kind: Option<String>) -> Result<Vec<AlertRow>, AppError> {
    service::alerts::list(&Ctx::current()?, open_only, kind.as_deref()).await
}

/// Open aged-stock alerts counted by warehouse, model and band.
#[server(prefix = "/sfn", endpoint = "inventory/aged_summary")]
pub async fn aged_summary() -> Result<Vec<AgedCount>, AppError> {
    service::alerts::aged_counts(&Ctx::current()?).await
}

/// Open alerts the caller can see: the badge in the navigation.
#[server(prefix = "/sfn", endpoint = "inventory/alert_count")]
pub async fn alert_count() -> Result<i64, AppError> {
    service::alerts::open_count(&Ctx::current()?).await
}

#[server(prefix = "/sfn", endpoint = "inventory/thresholds")]
pub async fn list_thresholds() -> Result<Vec<ThresholdRow>, AppError> {
    service::alerts::thresholds(&Ctx::current()?).await
}

/// Sets (creates or replaces) the threshold of a model (and colour) in a warehouse.
/// Quantities arrive as typed so that "abc" gets a field error rather than a decode error.
#[server(prefix = "/sfn", endpoint = "inventory/save_threshold")]
pub async fn save_threshold(
    warehouse_id: i64,
    model_id: i64,
    color_id: Option<String>,
    low_qty: Option<String>,
    high_qty: Option<String>,
) -> Result<i64, AppError> {
    let ctx = Ctx::current()?;
    let typed = [
        ("color_id", color_id.clone().unwrap_or_default()),
        ("low_qty", low_qty.clone().unwrap_or_default()),
        ("high_qty", high_qty.clone().unwrap_or_default()),
    ];
    let echo = |e: AppError| e.with_input(typed.iter().map(|(k, v)| (*k, v.as_str())));
    let mut errors = Vec::new();
    let low = parse_qty("low_qty", low_qty.as_deref().unwrap_or(""), ctx.lang())
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
    let high = parse_qty("high_qty", high_qty.as_deref().unwrap_or(""), ctx.lang())
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
    if !errors.is_empty() {
        return Err(echo(AppError::invalid_fields(errors)));
    }
    let color_id = match color_id.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(s) => Some(s.parse::<i64>().map_err(|_| {
            echo(AppError::invalid(
                "color_id",
                ctx.t("vehicle.unknown_color"),
            ))
        })?),
    };
    let input = ThresholdInput {
        warehouse_id,
        model_id,
        color_id,
        low_qty: low,
        high_qty: high,
    };
    service::alerts::save(&ctx, input).await.map_err(echo)
}

#[server(prefix = "/sfn", endpoint = "inventory/delete_threshold")]
pub async fn delete_threshold(id: i64) -> Result<(), AppError> {
    service::alerts::delete(&Ctx::current()?, id).await
}

#[server(prefix = "/sfn", endpoint = "inventory/transfers")]
pub async fn list_transfers(open_only: bool) -> Result<Vec<TransferRow>, AppError> {
    service::transfers::list(&Ctx::current()?, open_only, None).await
}

/// Asks for a transfer; the VINs as typed or scanned, one per line.
#[server(prefix = "/sfn", endpoint = "inventory/request_transfer")]
pub async fn request_transfer(
    from_warehouse_id: i64,
    to_warehouse_id: i64,
    vins: String,
    reason: String,
) -> Result<i64, AppError> {
    let input = TransferInput {
        from_warehouse_id,
        to_warehouse_id,
        vins: split_vins(&vins),
        reason: reason.clone(),
    };
    let from = from_warehouse_id.to_string();
    let to = to_warehouse_id.to_string();
    service::transfers::request(&Ctx::current()?, input)
        .await
        .map_err(|e| {
            e.with_input([
                ("from_warehouse_id", from.as_str()),
                ("to_warehouse_id", &to),
                ("vins", &vins),
                ("reason", &reason),
            ])
        })
}

#[server(prefix = "/sfn", endpoint = "inventory/transfer_step")]
pub async fn advance_transfer(id: i64, step: TransferStep, version: i64) -> Result<(), AppError> {
    service::transfers::step(&Ctx::current()?, id, step, Some(version)).await
}

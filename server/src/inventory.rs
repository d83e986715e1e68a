//! Inventory routes that are not server functions: the live stock event stream, the
//! Excel downloads and the batch-intake upload. All need a signed-in caller.

use crate::api::{ApiError, Caller};
use app::{
    auth::Action,
    error::AppError,
    i18n::Lang,
    inventory::{
        catalog, excel,
        matrix::{self, MatrixFilter, Pivot},
        vehicles::{self, VehicleFilter},
    },
    server::{lang_of, AppState, RequestInfo},
};
use axum::{
    extract::{Multipart, Query, State},
    http::{header, HeaderMap, StatusCode},
    response::{
        sse::{Event, KeepAlive, Sse},
        IntoResponse, Redirect, Response,
    },
    routing::{get, post},
    Extension, Json, Router,
};
use futures::{Stream, StreamExt};
use std::{collections::HashMap, convert::Infallible};
use tokio_stream::wrappers::{errors::BroadcastStreamRecvError, BroadcastStream};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/events/stock", get(stock_events))
        .route("/inventory/matrix.xlsx", get(matrix_xlsx))
        .route("/inventory/vehicles.xlsx", get(vehicles_xlsx))
        .route("/inventory/intake-template.xlsx", get(template_xlsx))
        .route("/inventory/import", post(import))
}

/// Server-sent events: `stock` whenever stock moves in a store the caller can see.
/// The stream ends when the server shuts down.
async fn stock_events(
    State(st): State<AppState>,
    Caller(p): Caller,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    p.require(Action::ViewStock, Lang::En)?;
    let scope = p.store_scope();
    let changes = BroadcastStream::new(st.events.subscribe()).filter_map(move |msg| {
        let event = match msg {
            Ok(change) if change.concerns(scope) => {
                Event::default().event("stock").json_data(&change).ok()
            }
            Ok(_) => None,
            // Fell behind: say "something changed" so the page refetches.
            Err(BroadcastStreamRecvError::Lagged(_)) => {
                Some(Event::default().event("stock").data("{}"))
            }
        };
        std::future::ready(event.map(Ok))
    });
    let stream = changes.take_until(st.events.closed());
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

fn xlsx(bytes: Vec<u8>, name: &str) -> Response {
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
                    app::inventory::vehicles::urlencode(&format!("{name}.xlsx"))
                ),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

fn today_tag() -> String {
    app::inventory::alerts::ssr::today()
        .format("%Y%m%d")
        .to_string()
}

async fn matrix_xlsx(
    State(st): State<AppState>,
    Caller(p): Caller,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let lang = lang_of(&headers);
    p.require(Action::ViewStock, lang)?;
    let num = |k: &str| q.get(k).and_then(|v| v.parse::<i64>().ok());
    let f = MatrixFilter {
        warehouse_id: num("warehouse_id"),
        model_id: num("model_id"),
        status: q.get("status").filter(|s| !s.is_empty()).cloned(),
    };
    let pivot = Pivot::parse(q.get("pivot").map(String::as_str).unwrap_or(""));
    let scope = p.store_scope();
    let m = matrix::ssr::matrix(&st.db, scope, &f, lang).await?;
    let cat = catalog::ssr::load(&st.db, scope).await?;
    let status = f.status.clone().unwrap_or_else(|| "in_stock".into());
    let status_label = status
        .parse::<app::inventory::VehicleStatus>()
        .map(|s| lang.t(s.label_key()))
        .unwrap_or(lang.t("vehicle.status.on_hand"));
    let place = f
        .warehouse_id
        .map(|w| cat.warehouse_name(w))
        .unwrap_or_else(|| lang.t("inventory.all_warehouses").into());
    let title = format!(
        "{} · {place} · {status_label} · {}",
        lang.t("inventory.matrix"),
        app::inventory::alerts::ssr::today()
    );
    let bytes = excel::matrix(&m, &cat, pivot, lang, &title)?;
    Ok(xlsx(
        bytes,
        &format!("{}-{}", lang.t("inventory.matrix"), today_tag()),
    ))
}

async fn vehicles_xlsx(
    State(st): State<AppState>,
    Caller(p): Caller,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let lang = lang_of(&headers);
    p.require(Action::ViewStock, lang)?;
    let f = VehicleFilter::from_pairs(q.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let scope = p.store_scope();
    let rows = vehicles::ssr::export_rows(&st.db, scope, &f, lang, 100_000).await?;
    let cat = catalog::ssr::load(&st.db, scope).await?;
    let bytes = excel::vehicles(&rows, &cat, lang)?;
    Ok(xlsx(
        bytes,
        &format!("{}-{}", lang.t("inventory.vehicles"), today_tag()),
    ))
}

async fn template_xlsx(
    State(st): State<AppState>,
    Caller(p): Caller,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let lang = lang_of(&headers);
    p.require(Action::ViewStock, lang)?;
    let cat = catalog::ssr::load(&st.db, p.store_scope()).await?;
    Ok(xlsx(excel::template(&cat)?, "车辆入库模板"))
}

/// A filled-in template (`file`, .xlsx or .csv): all rows taken in, or none. Answers JSON
/// (`{"imported": n}`, or the error with every bad row's fields) to scripts, and a
/// redirect back to the intake page to a browser without JavaScript.
async fn import(
    State(st): State<AppState>,
    Caller(p): Caller,
    Extension(info): Extension<RequestInfo>,
    headers: HeaderMap,
    mut form: Multipart,
) -> Response {
    let lang = lang_of(&headers);
    let wants_json = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("application/json"));
    let result = async {
        p.require(Action::IntakeVehicles, lang)?;
        let mut bytes = None;
        while let Some(field) = form.next_field().await.map_err(|e| {
            AppError::invalid("file", format!("{}: {e}", lang.t("import.unreadable")))
        })? {
            if field.name() == Some("file") {
                bytes = Some(field.bytes().await.map_err(|e| {
                    AppError::invalid("file", format!("{}: {e}", lang.t("import.unreadable")))
                })?);
            }
        }
        let bytes = bytes
            .filter(|b| !b.is_empty())
            .ok_or_else(|| AppError::invalid("file", lang.t("import.no_file")))?;
        let rows = excel::read_batch(&bytes, lang)?;
        vehicles::ssr::intake(&st, &p, lang, rows, true, &info.request_id).await
    }
    .await;
    match (result, wants_json) {
        (Ok(ids), true) => {
            Json(serde_json::json!({ "imported": ids.len(), "ids": ids })).into_response()
        }
        (Ok(ids), false) => {
            Redirect::to(&format!("/inventory/intake?imported={}", ids.len())).into_response()
        }
        (Err(e), true) => {
            let status =
                StatusCode::from_u16(e.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (status, Json(e)).into_response()
        }
        (Err(e), false) => {
            let mut text = e.to_string();
            if let AppError::Invalid { fields, .. } = &e {
                for f in fields.iter().take(8) {
                    text.push_str(&format!("; {}: {}", f.field, f.message));
                }
            }
            Redirect::to(&format!(
                "/inventory/intake?import_error={}",
                app::inventory::vehicles::urlencode(&text)
            ))
            .into_response()
        }
    }
}

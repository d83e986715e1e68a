//! The REST API under `/api/v1`, for integrations holding an API key
//! (`Authorization: Bearer fc_…`). Errors are `application/problem+json` (RFC 9457) with
//! field-level detail.

use app::{
    auth::{Action, Principal},
    db::sql,
    error::AppError,
    i18n::Lang,
    inventory::{
        alerts::{self, AgedCount, AlertRow, ThresholdInput, ThresholdRow},
        catalog::{self as cat, Catalog},
        matrix::{self, MatrixCell, MatrixFilter, StockMatrix},
        transfers::{self, TransferInput, TransferRow, TransferStep},
        vehicles::{self, IntakeInput, VehicleFilter, VehiclePage, VehicleRow},
        VehicleStatus,
    },
    server::AppState,
    server::RequestInfo,
};
use axum::{
    extract::{FromRequestParts, Path, Query, Request, State},
    http::{header, request::Parts, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    routing::{delete, get, post},
    Extension, Json, Router,
};
use serde::Serialize;
use utoipa::{
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
    Modify, OpenApi, ToSchema,
};

/// The OpenAPI 3 document of this API, generated from the handlers below.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Forecourt REST API",
        version = "1",
        description = "Orders, stock and reference data for integrations. Send `Authorization: Bearer <key>`; \
                       keys are created by an administrator. Errors are `application/problem+json`."
    ),
    paths(me, list_stores, get_store, catalog, list_vehicles, get_vehicle, intake, vehicle_status,
          stock_matrix, list_thresholds, put_threshold, delete_threshold, list_alerts, aged_summary,
          list_transfers, get_transfer, request_transfer, transfer_step),
    components(schemas(Me, Store, Problem, ProblemField, Catalog, VehiclePage, VehicleRow, IntakeRequest,
                       VehicleIn, Intaken, StatusChange, StockMatrix, MatrixCell, ThresholdRow, ThresholdInput,
                       AlertRow, AgedCount, TransferRow, TransferInput, StepRequest)),
    modifiers(&BearerKey),
    security(("api_key" = [])),
    tags((name = "auth", description = "Who a key acts as"), (name = "stores", description = "Stores (门店)"),
         (name = "inventory", description = "Vehicles, stock, alerts and transfers (库存管理)"))
)]
pub struct ApiDoc;

struct BearerKey;

impl Modify for BearerKey {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("fc_…")
                    .build(),
            ),
        );
    }
}

/// An error (RFC 9457 problem details).
#[derive(Serialize, ToSchema)]
#[allow(dead_code)]
struct Problem {
    #[schema(example = "/api/v1/problems/invalid")]
    r#type: String,
    #[schema(example = "Unprocessable Entity")]
    title: String,
    #[schema(example = 422)]
    status: u16,
    detail: String,
    /// Present for `invalid`: each bad field and why.
    errors: Option<Vec<ProblemField>>,
}

#[derive(Serialize, ToSchema)]
#[allow(dead_code)]
struct ProblemField {
    #[schema(example = "vin")]
    field: String,
    message: String,
}

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/me", get(me))
        .route("/stores", get(list_stores))
        .route("/stores/{id}", get(get_store))
        .route("/catalog", get(catalog))
        .route("/vehicles", get(list_vehicles).post(intake))
        .route("/vehicles/{id}", get(get_vehicle))
        .route("/vehicles/{id}/status", post(vehicle_status))
        .route("/stock/matrix", get(stock_matrix))
        .route("/thresholds", get(list_thresholds).put(put_threshold))
        .route("/thresholds/{id}", delete(delete_threshold))
        .route("/alerts", get(list_alerts))
        .route("/alerts/aged", get(aged_summary))
        .route("/transfers", get(list_transfers).post(request_transfer))
        .route("/transfers/{id}", get(get_transfer))
        .route("/transfers/{id}/{step}", post(transfer_step))
        .route("/openapi.json", get(openapi))
        .fallback(not_found)
}

/// An `AppError` answered as `application/problem+json`.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e)
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let e = self.0;
        let status =
            StatusCode::from_u16(e.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut body = serde_json::json!({
            "type": format!("/api/v1/problems/{}", e.code()),
            "title": status.canonical_reason().unwrap_or("error"),
            "status": status.as_u16(),
            "detail": e.to_string(),
        });
        match &e {
            AppError::Invalid { fields, .. } => body["errors"] = serde_json::json!(fields),
            AppError::TooManyRequests {
                retry_after_secs, ..
            } => body["retry_after_secs"] = serde_json::json!(retry_after_secs),
            _ => {}
        }
        let mut res = (status, Json(body)).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let AppError::Unauthenticated(_) = e {
            res.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        res
    }
}

/// The caller of an API request; 401 (problem+json) when there is none.
pub struct Caller(pub Principal);

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Principal>()
            .cloned()
            .map(Caller)
            .ok_or_else(|| {
                ApiError(AppError::Unauthenticated(
                    "missing or invalid API key: send Authorization: Bearer <key>".into(),
                ))
            })
    }
}

#[derive(Serialize, ToSchema)]
struct Me {
    #[schema(example = "dms-sync")]
    name: String,
    /// `api_key` or `user`.
    #[schema(example = "api_key")]
    kind: &'static str,
    #[schema(value_type = String, example = "sales")]
    role: app::domain::Role,
    store_id: Option<i64>,
    group_wide: bool,
}

/// Who the key (or session) acts as.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth",
    responses((status = 200, body = Me), (status = 401, body = Problem, content_type = "application/problem+json")))]
async fn me(Caller(p): Caller) -> Json<Me> {
    Json(Me {
        kind: if p.api_key_id.is_some() {
            "api_key"
        } else {
            "user"
        },
        group_wide: p.role.is_group_wide(),
        name: p.name,
        role: p.role,
        store_id: p.store_id,
    })
}

#[derive(Serialize, sqlx::FromRow, ToSchema)]
struct Store {
    id: i64,
    code: String,
    name: String,
    city: String,
    address: String,
    phone: String,
}

const STORE_COLUMNS: &str = "SELECT id, code, name, city, address, phone FROM stores";

/// The stores the caller may see: every store for group roles, their own otherwise.
#[utoipa::path(get, path = "/api/v1/stores", tag = "stores",
    responses((status = 200, body = [Store]), (status = 401, body = Problem, content_type = "application/problem+json")))]
async fn list_stores(
    State(st): State<AppState>,
    Caller(p): Caller,
) -> Result<Json<Vec<Store>>, ApiError> {
    p.require(Action::ViewReferenceData, Lang::En)?;
    let rows = sql(format!(
        "{STORE_COLUMNS} WHERE active = TRUE AND (CAST($1 AS BIGINT) IS NULL OR id = $1) ORDER BY code"
    ))
    .bind(p.store_scope())
    .fetch_all(&st.db)
    .await?;
    Ok(Json(rows))
}

/// One store; another store's record is 403 for store-bound roles.
#[utoipa::path(get, path = "/api/v1/stores/{id}", tag = "stores",
    params(("id" = i64, Path, description = "store id")),
    responses((status = 200, body = Store), (status = 401, body = Problem, content_type = "application/problem+json"),
               (status = 403, body = Problem, content_type = "application/problem+json"),
               (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_store(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<i64>,
) -> Result<Json<Store>, ApiError> {
    p.require(Action::ViewReferenceData, Lang::En)?;
    let store: Option<Store> = sql(format!("{STORE_COLUMNS} WHERE id = $1"))
        .bind(id)
        .fetch_optional(&st.db)
        .await?;
    let store = store.ok_or_else(|| AppError::NotFound(format!("no store with id {id}")))?;
    p.require_store(store.id, Lang::En)?;
    Ok(Json(store))
}

async fn not_found(req: Request) -> ApiError {
    ApiError(AppError::NotFound(format!(
        "no API endpoint at {}",
        req.uri().path()
    )))
}

const INVALID: &str = "application/problem+json";

/// Models, trims, colours and the warehouses the key may use: the ids the other
/// inventory endpoints take.
#[utoipa::path(get, path = "/api/v1/catalog", tag = "inventory",
    responses((status = 200, body = Catalog), (status = 401, body = Problem, content_type = INVALID)))]
async fn catalog(State(st): State<AppState>, Caller(p): Caller) -> Result<Json<Catalog>, ApiError> {
    p.require(Action::ViewStock, Lang::En)?;
    Ok(Json(cat::ssr::load(&st.db, p.store_scope()).await?))
}

/// Vehicles, filtered and paged (oldest arrival first).
#[utoipa::path(get, path = "/api/v1/vehicles", tag = "inventory", params(VehicleFilter),
    responses((status = 200, body = VehiclePage), (status = 422, body = Problem, content_type = INVALID)))]
async fn list_vehicles(
    State(st): State<AppState>,
    Caller(p): Caller,
    Query(f): Query<VehicleFilter>,
) -> Result<Json<VehiclePage>, ApiError> {
    p.require(Action::ViewStock, Lang::En)?;
    Ok(Json(
        vehicles::ssr::list(&st.db, p.store_scope(), &f, Lang::En).await?,
    ))
}

/// One vehicle by id or VIN.
#[utoipa::path(get, path = "/api/v1/vehicles/{id}", tag = "inventory",
    params(("id" = String, Path, description = "vehicle id or VIN")),
    responses((status = 200, body = VehicleRow), (status = 404, body = Problem, content_type = INVALID)))]
async fn get_vehicle(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<String>,
) -> Result<Json<VehicleRow>, ApiError> {
    p.require(Action::ViewStock, Lang::En)?;
    vehicles::ssr::get(&st.db, p.store_scope(), &id)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError(AppError::NotFound(format!("no vehicle {id}"))))
}

/// A vehicle to take in. Money in fen.
#[derive(serde::Deserialize, ToSchema)]
struct VehicleIn {
    #[schema(example = "LGXC1DM30S0000012")]
    vin: String,
    trim_id: i64,
    color_id: i64,
    warehouse_id: i64,
    /// `in_stock` (default) or `in_transit`.
    status: Option<String>,
    cost_fen: i64,
    /// Default: the trim's MSRP.
    list_price_fen: Option<i64>,
    /// `YYYY-MM-DD`; default today for vehicles in stock.
    arrival_date: Option<String>,
}

#[derive(serde::Deserialize, ToSchema)]
struct IntakeRequest {
    /// Taken in together: if one is refused, none is written.
    vehicles: Vec<VehicleIn>,
}

#[derive(Serialize, ToSchema)]
struct Intaken {
    ids: Vec<i64>,
}

fn yuan(field: &str, fen: i64, batch: Option<usize>) -> Result<String, AppError> {
    if fen < 0 {
        let field = match batch {
            Some(row) => format!("rows.{row}.{field}"),
            None => field.to_owned(),
        };
        return Err(AppError::invalid(field, "must not be negative"));
    }
    Ok(format!("{}.{:02}", fen / 100, fen % 100))
}

/// Takes vehicles in (all or none). Bad fields come back as `rows.N.field`, N counting
/// from 2 as in the spreadsheet template.
#[utoipa::path(post, path = "/api/v1/vehicles", tag = "inventory", request_body = IntakeRequest,
    responses((status = 201, body = Intaken), (status = 403, body = Problem, content_type = INVALID),
              (status = 422, body = Problem, content_type = INVALID)))]
async fn intake(
    State(st): State<AppState>,
    Caller(p): Caller,
    Extension(info): Extension<RequestInfo>,
    Json(body): Json<IntakeRequest>,
) -> Result<(StatusCode, Json<Intaken>), ApiError> {
    p.require(Action::IntakeVehicles, Lang::En)?;
    let mut inputs = Vec::with_capacity(body.vehicles.len());
    for (i, v) in body.vehicles.into_iter().enumerate() {
        let row = i + 2;
        inputs.push(IntakeInput {
            vin: v.vin,
            model: String::new(),
            trim: v.trim_id.to_string(),
            color: v.color_id.to_string(),
            warehouse: v.warehouse_id.to_string(),
            status: v.status.unwrap_or_default(),
            cost: yuan("cost", v.cost_fen, Some(row))?,
            list_price: v
                .list_price_fen
                .map(|f| yuan("list_price", f, Some(row)))
                .transpose()?
                .unwrap_or_default(),
            arrival_date: v.arrival_date.unwrap_or_default(),
        });
    }
    let ids = vehicles::ssr::intake(&st, &p, Lang::En, inputs, true, &info.request_id).await?;
    Ok((StatusCode::CREATED, Json(Intaken { ids })))
}

#[derive(serde::Deserialize, ToSchema)]
struct StatusChange {
    #[schema(example = "reserved")]
    to: String,
    /// The version last read; the change is refused (409) if it moved on since.
    version: Option<i64>,
}

/// Moves a vehicle along its lifecycle (arrive, reserve, release, sell, deliver).
#[utoipa::path(post, path = "/api/v1/vehicles/{id}/status", tag = "inventory", request_body = StatusChange,
    params(("id" = i64, Path, description = "vehicle id")),
    responses((status = 204), (status = 409, body = Problem, content_type = INVALID),
              (status = 422, body = Problem, content_type = INVALID)))]
async fn vehicle_status(
    State(st): State<AppState>,
    Caller(p): Caller,
    Extension(info): Extension<RequestInfo>,
    Path(id): Path<i64>,
    Json(body): Json<StatusChange>,
) -> Result<StatusCode, ApiError> {
    p.require(Action::ChangeVehicleStatus, Lang::En)?;
    let to = body
        .to
        .parse::<VehicleStatus>()
        .map_err(|e| AppError::invalid("to", e))?;
    vehicles::ssr::change_status(&st, &p, Lang::En, id, to, body.version, &info.request_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Vehicle counts by model × trim × colour.
#[utoipa::path(get, path = "/api/v1/stock/matrix", tag = "inventory", params(MatrixFilter),
    responses((status = 200, body = StockMatrix), (status = 422, body = Problem, content_type = INVALID)))]
async fn stock_matrix(
    State(st): State<AppState>,
    Caller(p): Caller,
    Query(f): Query<MatrixFilter>,
) -> Result<Json<StockMatrix>, ApiError> {
    p.require(Action::ViewStock, Lang::En)?;
    Ok(Json(
        matrix::ssr::matrix(&st.db, p.store_scope(), &f, Lang::En).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/thresholds", tag = "inventory",
    responses((status = 200, body = [ThresholdRow])))]
async fn list_thresholds(
    State(st): State<AppState>,
    Caller(p): Caller,
) -> Result<Json<Vec<ThresholdRow>>, ApiError> {
    p.require(Action::ViewStock, Lang::En)?;
    Ok(Json(
        alerts::ssr::thresholds(&st.db, p.store_scope()).await?,
    ))
}

/// Sets the low / high threshold of a model (optionally one colour) in a warehouse,
/// replacing any existing one for the same scope. Alerts follow at once.
#[utoipa::path(put, path = "/api/v1/thresholds", tag = "inventory", request_body = ThresholdInput,
    responses((status = 200, body = i64), (status = 403, body = Problem, content_type = INVALID),
              (status = 422, body = Problem, content_type = INVALID)))]
async fn put_threshold(
    State(st): State<AppState>,
    Caller(p): Caller,
    Extension(info): Extension<RequestInfo>,
    Json(body): Json<ThresholdInput>,
) -> Result<Json<i64>, ApiError> {
    p.require(Action::ManageThresholds, Lang::En)?;
    Ok(Json(
        alerts::ssr::save(&st, &p, Lang::En, body, &info.request_id).await?,
    ))
}

#[utoipa::path(delete, path = "/api/v1/thresholds/{id}", tag = "inventory",
    params(("id" = i64, Path, description = "threshold id")),
    responses((status = 204), (status = 404, body = Problem, content_type = INVALID)))]
async fn delete_threshold(
    State(st): State<AppState>,
    Caller(p): Caller,
    Extension(info): Extension<RequestInfo>,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    p.require(Action::ManageThresholds, Lang::En)?;
    alerts::ssr::delete(&st, &p, Lang::En, id, &info.request_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
struct OpenOnly {
    /// Only open ones (default true).
    open: Option<bool>,
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
struct AlertQuery {
    /// Only open ones (default true).
    open: Option<bool>,
    /// `low`, `high`, `aged`, or several joined by commas (default all).
    kind: Option<String>,
}

/// Stock alerts: low, high and aged; open ones first.
#[utoipa::path(get, path = "/api/v1/alerts", tag = "inventory", params(AlertQuery),
    responses((status = 200, body = [AlertRow]), (status = 422, body = Problem, content_type = INVALID)))]
async fn list_alerts(
    State(st): State<AppState>,
    Caller(p): Caller,
    Query(q): Query<AlertQuery>,
) -> Result<Json<Vec<AlertRow>>, ApiError> {
    p.require(Action::ViewStock, Lang::En)?;
    Ok(Json(
        alerts::ssr::list(
            &st.db,
            p.store_scope(),
            q.open.unwrap_or(true),
            q.kind.as_deref(),
            Lang::En,
        )
        .await?,
    ))
}

/// Open aged-stock alerts counted by warehouse, model and band (30, 60, 90 days).
#[utoipa::path(get, path = "/api/v1/alerts/aged", tag = "inventory",
    responses((status = 200, body = [AgedCount])))]
async fn aged_summary(
    State(st): State<AppState>,
    Caller(p): Caller,
) -> Result<Json<Vec<AgedCount>>, ApiError> {
    p.require(Action::ViewStock, Lang::En)?;
    Ok(Json(
        alerts::ssr::aged_counts(&st.db, p.store_scope()).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/transfers", tag = "inventory", params(OpenOnly),
    responses((status = 200, body = [TransferRow])))]
async fn list_transfers(
    State(st): State<AppState>,
    Caller(p): Caller,
    Query(q): Query<OpenOnly>,
) -> Result<Json<Vec<TransferRow>>, ApiError> {
    p.require(Action::ViewStock, Lang::En)?;
    Ok(Json(
        transfers::ssr::list(&st.db, p.store_scope(), q.open.unwrap_or(false), None).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/transfers/{id}", tag = "inventory",
    params(("id" = i64, Path, description = "transfer id")),
    responses((status = 200, body = TransferRow), (status = 404, body = Problem, content_type = INVALID)))]
async fn get_transfer(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<i64>,
) -> Result<Json<TransferRow>, ApiError> {
    p.require(Action::ViewStock, Lang::En)?;
    transfers::ssr::list(&st.db, p.store_scope(), false, Some(id))
        .await?
        .into_iter()
        .next()
        .map(Json)
        .ok_or_else(|| ApiError(AppError::NotFound(format!("no transfer {id}"))))
}

/// Requests a transfer of vehicles (by VIN) between two warehouses.
#[utoipa::path(post, path = "/api/v1/transfers", tag = "inventory", request_body = TransferInput,
    responses((status = 201, body = i64), (status = 409, body = Problem, content_type = INVALID),
              (status = 422, body = Problem, content_type = INVALID)))]
async fn request_transfer(
    State(st): State<AppState>,
    Caller(p): Caller,
    Extension(info): Extension<RequestInfo>,
    Json(body): Json<TransferInput>,
) -> Result<(StatusCode, Json<i64>), ApiError> {
    p.require(Action::RequestTransfer, Lang::En)?;
    let id = transfers::ssr::request(&st, &p, Lang::En, body, &info.request_id).await?;
    Ok((StatusCode::CREATED, Json(id)))
}

#[derive(serde::Deserialize, ToSchema, Default)]
struct StepRequest {
    /// The version last read; refused (409) if the transfer moved on since.
    version: Option<i64>,
}

/// Takes a step: `approve`, `reject`, `ship`, `receive` or `cancel`.
#[utoipa::path(post, path = "/api/v1/transfers/{id}/{step}", tag = "inventory", request_body = StepRequest,
    params(("id" = i64, Path, description = "transfer id"), ("step" = String, Path, description = "approve | reject | ship | receive | cancel")),
    responses((status = 204), (status = 409, body = Problem, content_type = INVALID),
              (status = 422, body = Problem, content_type = INVALID)))]
async fn transfer_step(
    State(st): State<AppState>,
    Caller(p): Caller,
    Extension(info): Extension<RequestInfo>,
    Path((id, step)): Path<(i64, String)>,
    body: Option<Json<StepRequest>>,
) -> Result<StatusCode, ApiError> {
    let step = TransferStep::parse(&step).ok_or_else(|| {
        AppError::invalid("step", "one of approve, reject, ship, receive, cancel")
    })?;
    let version = body.and_then(|Json(b)| b.version);
    transfers::ssr::step(&st, &p, Lang::En, id, step, version, &info.request_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

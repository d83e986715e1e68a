//! The REST API under `/api/v1`, for integrations holding an API key
//! (`Authorization: Bearer fc_…`). Errors are `application/problem+json` (RFC 9457) with
//! field-level detail.

use app::{
    auth::{Action, Principal},
    db::sql,
    error::AppError,
    i18n::Lang,
    server::AppState,
};
use axum::{
    extract::{FromRequestParts, Path, Request, State},
    http::{header, request::Parts, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Json, Router,
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
    paths(me, list_stores, get_store),
    components(schemas(Me, Store, Problem, ProblemField)),
    modifiers(&BearerKey),
    security(("api_key" = [])),
    tags((name = "auth", description = "Who a key acts as"), (name = "stores", description = "Stores (门店)"))
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

//! The REST API under `/api/v1`, for integrations holding an API key
//! (`Authorization: Bearer fc_…`). Each module owns its routes and their OpenAPI
//! operations; this file only assembles them under the document's root. Errors are
//! `application/problem+json` (RFC 9457) with field-level detail ([`app::rest`]).

use app::{rest, server::AppState};
use axum::{routing::get, Json, Router};
use utoipa::{
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
    Modify, OpenApi,
};
use utoipa_axum::router::OpenApiRouter;

/// The document's root: what is said once for every module.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Forecourt REST API",
        version = "1",
        description = "Orders, stock and reference data for integrations. Send `Authorization: Bearer <key>`; \
                       keys are created by an administrator. Errors are `application/problem+json`."
    ),
    modifiers(&BearerKey),
    security(("api_key" = [])),
    tags((name = "auth", description = "Who a key acts as"), (name = "stores", description = "Stores (门店)"),
         (name = "inventory", description = "Vehicles, stock, alerts and transfers (库存管理)"))
)]
struct ApiDoc;

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

/// Every module's routes under `/api/v1`, and the OpenAPI document they make.
fn modules() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi()).nest(
        "/api/v1",
        OpenApiRouter::new()
            .merge(app::auth::rest::routes())
            .merge(app::admin::rest::routes())
            .merge(app::inventory::rest::routes()),
    )
}

/// The OpenAPI 3 document (also served at `/api/v1/openapi.json`).
pub fn openapi() -> utoipa::openapi::OpenApi {
    modules().into_openapi()
}

/// The API's router, to be merged at the top level (its paths start with `/api/v1`).
pub fn router() -> Router<AppState> {
    let (router, doc) = modules().split_for_parts();
    let doc = std::sync::Arc::new(doc);
    router
        .route(
            "/api/v1/openapi.json",
            get(move || {
                let doc = doc.clone();
                async move { Json(doc.as_ref().clone()) }
            }),
        )
        .route("/api/v1", axum::routing::any(rest::not_found))
        .route("/api/v1/{*rest}", axum::routing::any(rest::not_found))
}

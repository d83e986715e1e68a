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
         (name = "inventory", description = "Vehicles, stock, alerts and transfers (库存管理)"),
         (name = "crm", description = "Customers, leads and follow-ups (客户关系管理)"),
         (name = "orders", description = "Orders: entry (retried safely with `Idempotency-Key`), changes under `If-Match`, \
                                          approval, vehicle holds, shipping and payments (订单管理)"),
         (name = "booking", description = "The public service booking (在线预约): no key; rate-limited per address and per mobile"),
         (name = "service", description = "The service desk (服务台): appointments, check-in, a store's booking capacity"),
         (name = "aftersales", description = "Complaints (投诉) and satisfaction ratings (满意度); `/public/…` needs no key"),
         (name = "analytics", description = "Reports (数据分析): the dashboard, sales, order cycle time, customers, stock turnover, \
                                             the forecast with reorder suggestions, and the stores' targets; read from summaries kept in \
                                             step with every write"))
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

/// The answers every operation may give whatever its module, said once here (after the
/// modules' operations are merged) instead of in every handler: 401 without a valid key;
/// 422 when a path segment, query parameter or body cannot be read (each bad field
/// named); 413 for a body over the size limit.
struct SharedAnswers;

impl Modify for SharedAnswers {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{
            path::Operation, ContentBuilder, Ref, RefOr, Response, ResponseBuilder,
        };
        let problem = |description: &str| -> RefOr<Response> {
            ResponseBuilder::new()
                .description(description)
                .content(
                    rest::PROBLEM,
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("Problem")))
                        .build(),
                )
                .build()
                .into()
        };
        let add = |op: &mut Operation| {
            // An operation anyone may call (`security: [{}]`) is never 401.
            let public = op
                .security
                .as_ref()
                .is_some_and(|s| !s.is_empty() && s.iter().all(|r| *r == Default::default()));
            let answers = &mut op.responses.responses;
            if !public {
                answers
                    .entry("401".into())
                    .or_insert_with(|| problem("No valid key (or session)"));
            }
            let reads_input =
                op.request_body.is_some() || op.parameters.as_ref().is_some_and(|p| !p.is_empty());
            if reads_input {
                answers
                    .entry("422".into())
                    .or_insert_with(|| problem("A field that cannot be read or is not allowed"));
            }
            if op.request_body.is_some() {
                answers
                    .entry("413".into())
                    .or_insert_with(|| problem("The body is larger than allowed"));
            }
        };
        for item in openapi.paths.paths.values_mut() {
            for op in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                add(op);
            }
        }
    }
}

/// Every module's routes under `/api/v1`, and the OpenAPI document they make.
fn modules() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi()).nest(
        "/api/v1",
        OpenApiRouter::new()
            .merge(app::auth::rest::routes())
            .merge(app::admin::rest::routes())
            .merge(app::inventory::rest::routes())
            .merge(app::crm::rest::routes())
            .merge(app::orders::rest::routes())
            .merge(app::aftersales::rest::routes())
            .merge(app::analytics::rest::routes()),
    )
}

/// The routes anyone may call without a key (the service booking, a customer's complaint
/// and rating answer, under `/api/v1/public/`): mounted beside the others, outside [`require_principal`].
fn public_modules() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().nest(
        "/api/v1",
        OpenApiRouter::new().merge(app::aftersales::rest::public_routes()),
    )
}

/// The OpenAPI 3 document (also served at `/api/v1/openapi.json`).
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = modules().merge(public_modules()).into_openapi();
    SharedAnswers.modify(&mut doc);
    doc
}

/// Every endpoint acts for someone: a request without a valid key (or session) is
/// answered 401 before its path, query or body is read, so a caller without a key
/// learns nothing from how its input is judged.
async fn require_principal(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    if req.extensions().get::<app::auth::Principal>().is_some() {
        return next.run(req).await;
    }
    let lang = app::ctx::api_lang(req.headers());
    rest::problem(&app::error::AppError::Unauthenticated(
        lang.t("error.sign_in_first").into(),
    ))
}

/// The API's router, to be merged at the top level (its paths start with `/api/v1`).
pub fn router() -> Router<AppState> {
    let (router, mut doc) = modules().split_for_parts();
    let (public, public_doc) = public_modules().split_for_parts();
    doc.merge(public_doc);
    SharedAnswers.modify(&mut doc);
    let doc = std::sync::Arc::new(doc);
    router
        .route_layer(axum::middleware::from_fn(require_principal))
        .merge(public)
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

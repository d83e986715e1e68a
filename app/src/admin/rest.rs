//! Stores over REST: `GET /api/v1/stores`, `GET /api/v1/stores/{id}`.

use super::stores::{service, StoreRow};
use crate::{
    ctx::Ctx,
    rest::{ApiPath, ApiResult, ApiRouter, Problem},
};
use axum::Json;
use utoipa_axum::routes;

pub fn routes() -> ApiRouter {
    ApiRouter::new()
        .routes(routes!(list_stores))
        .routes(routes!(get_store))
}

/// The stores the caller may see: every store for group roles, their own otherwise.
#[utoipa::path(get, path = "/stores", tag = "stores",
    responses((status = 200, body = [StoreRow]),
              (status = 401, body = Problem, content_type = "application/problem+json")))]
async fn list_stores(ctx: Ctx) -> ApiResult<Json<Vec<StoreRow>>> {
    Ok(Json(service::list(&ctx).await?.0))
}

/// One store; another store's record is 403 for store-bound roles.
#[utoipa::path(get, path = "/stores/{id}", tag = "stores",
    params(("id" = i64, Path, description = "store id")),
    responses((status = 200, body = StoreRow),
              (status = 401, body = Problem, content_type = "application/problem+json"),
              (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_store(ctx: Ctx, ApiPath(id): ApiPath<i64>) -> ApiResult<Json<StoreRow>> {
    Ok(Json(service::get(&ctx, id).await?))
}

//! `GET /api/v1/me`: who a key (or session) acts as.

use crate::{
    ctx::Ctx,
    domain::Role,
    rest::{ApiResult, ApiRouter, Problem},
};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::routes;

pub fn routes() -> ApiRouter {
    ApiRouter::new().routes(routes!(me))
}

#[derive(Serialize, ToSchema)]
struct Me {
    #[schema(example = "dms-sync")]
    name: String,
    /// `api_key` or `user`.
    #[schema(example = "api_key")]
    kind: &'static str,
    #[schema(value_type = String, example = "sales")]
    role: Role,
    store_id: Option<i64>,
    group_wide: bool,
}

/// Who the key (or session) acts as.
#[utoipa::path(get, path = "/me", tag = "auth",
    responses((status = 200, body = Me),
              (status = 401, body = Problem, content_type = "application/problem+json")))]
async fn me(ctx: Ctx) -> ApiResult<Json<Me>> {
    let p = ctx.principal()?;
    Ok(Json(Me {
        kind: if p.api_key_id.is_some() {
            "api_key"
        } else {
            "user"
        },
        group_wide: p.role.is_group_wide(),
        name: p.name.clone(),
        role: p.role,
        store_id: p.store_id,
    }))
}

//! The catalog and the warehouses the caller may use.

use crate::{
    auth::Action,
    ctx::Ctx,
    db::{sql, Db, DbResult},
    error::AppError,
    inventory::domain::catalog::Catalog,
};

/// The catalog with the caller's warehouses.
#[tracing::instrument(name = "inventory.catalog", skip_all)]
pub async fn catalog(ctx: &Ctx) -> Result<Catalog, AppError> {
    let p = ctx.require(Action::ViewStock)?;
    Ok(load(ctx.db(), p.store_scope()).await?)
}

/// The catalog with the warehouses of `scope` (every store for `None`); for services
/// that have already checked their caller.
pub(crate) async fn load(db: &Db, scope: Option<i64>) -> DbResult<Catalog> {
    Ok(Catalog {
        models: sql(
            "SELECT m.id, b.name AS brand, m.name, m.name_en FROM models m
                     JOIN brands b ON b.id = m.brand_id ORDER BY b.name, m.name",
        )
        .fetch_all(db)
        .await?,
        trims: sql(
            "SELECT id, model_id, name, msrp_fen FROM trims ORDER BY model_id, msrp_fen, id",
        )
        .fetch_all(db)
        .await?,
        colors: sql("SELECT id, model_id, name, name_en, hex FROM colors ORDER BY model_id, id")
            .fetch_all(db)
            .await?,
        warehouses: sql(
            "SELECT w.id, w.store_id, w.code, w.name, s.name AS store_name
                         FROM warehouses w JOIN stores s ON s.id = w.store_id
                         WHERE w.active = TRUE AND (CAST($1 AS BIGINT) IS NULL OR w.store_id = $1)
                         ORDER BY s.code, w.code",
        )
        .bind(scope)
        .fetch_all(db)
        .await?,
    })
}

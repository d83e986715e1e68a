//! The stock matrix: counts by model × trim × colour.

use crate::{
    auth::Action,
    ctx::Ctx,
    db::Where,
    error::AppError,
    inventory::domain::matrix::{MatrixCell, MatrixFilter, StockMatrix},
};

/// Counts for the caller's stores (or one warehouse of them), of one status or all on
/// hand.
#[tracing::instrument(name = "inventory.matrix", skip_all)]
pub async fn matrix(ctx: &Ctx, f: &MatrixFilter) -> Result<StockMatrix, AppError> {
    let p = ctx.require(Action::ViewStock)?;
    // A store is its list of warehouses; with the conditions that apply only, both
    // databases count from a covering index on vehicles.
    let mut w = Where::new();
    if let Some(store) = p.store_scope() {
        w.and(
            "v.warehouse_id IN (SELECT id FROM warehouses WHERE store_id = ?)",
            store,
        );
    }
    if let Some(wh) = f.warehouse_id {
        w.and("v.warehouse_id = ?", wh);
    }
    if let Some(m) = f.model_id {
        w.and("v.model_id = ?", m);
    }
    w.and_sql(&super::vehicles::status_condition(f.status()));
    let cells: Vec<MatrixCell> = w
        .build(
            "SELECT v.model_id, v.trim_id, v.color_id, COUNT(*) AS count FROM vehicles v",
            "GROUP BY v.model_id, v.color_id, v.trim_id",
        )
        .fetch_all(ctx.db())
        .await?;
    let total = cells.iter().map(|c| c.count).sum();
    Ok(StockMatrix { cells, total })
}

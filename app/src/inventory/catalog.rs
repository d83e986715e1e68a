//! The vehicle catalog: models (车型), their trims (配置) and colours, and the warehouses
//! a caller may use.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow, utoipa::ToSchema))]
pub struct ModelRow {
    pub id: i64,
    pub brand: String,
    pub name: String,
    pub name_en: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow, utoipa::ToSchema))]
pub struct TrimRow {
    pub id: i64,
    pub model_id: i64,
    pub name: String,
    pub msrp_fen: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow, utoipa::ToSchema))]
pub struct ColorRow {
    pub id: i64,
    pub model_id: i64,
    pub name: String,
    pub name_en: String,
    pub hex: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow, utoipa::ToSchema))]
pub struct WarehouseRef {
    pub id: i64,
    pub store_id: i64,
    pub code: String,
    pub name: String,
    pub store_name: String,
}

/// Everything a stock page needs to label ids.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Catalog {
    pub models: Vec<ModelRow>,
    pub trims: Vec<TrimRow>,
    pub colors: Vec<ColorRow>,
    /// The warehouses the caller may see (own store; every store for group roles).
    pub warehouses: Vec<WarehouseRef>,
}

impl Catalog {
    pub fn model(&self, id: i64) -> Option<&ModelRow> {
        self.models.iter().find(|m| m.id == id)
    }
    pub fn trim(&self, id: i64) -> Option<&TrimRow> {
        self.trims.iter().find(|t| t.id == id)
    }
    pub fn color(&self, id: i64) -> Option<&ColorRow> {
        self.colors.iter().find(|c| c.id == id)
    }
    pub fn warehouse(&self, id: i64) -> Option<&WarehouseRef> {
        self.warehouses.iter().find(|w| w.id == id)
    }
    pub fn model_name(&self, id: i64) -> String {
        self.model(id).map(|m| m.name.clone()).unwrap_or_default()
    }
    pub fn trim_name(&self, id: i64) -> String {
        self.trim(id).map(|t| t.name.clone()).unwrap_or_default()
    }
    pub fn color_name(&self, id: i64) -> String {
        self.color(id).map(|c| c.name.clone()).unwrap_or_default()
    }
    pub fn warehouse_name(&self, id: i64) -> String {
        self.warehouse(id)
            .map(|w| format!("{} {}", w.code, w.name))
            .unwrap_or_default()
    }
}

#[server(prefix = "/sfn", endpoint = "inventory/catalog")]
pub async fn load_catalog() -> Result<Catalog, AppError> {
    let (st, p, _) = crate::server::require(crate::auth::Action::ViewStock)?;
    Ok(ssr::load(&st.db, p.store_scope()).await?)
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::db::{sql, Db};

    pub async fn load(db: &Db, scope: Option<i64>) -> Result<Catalog, sqlx::Error> {
        Ok(Catalog {
            models: sql("SELECT m.id, b.name AS brand, m.name, m.name_en FROM models m
                         JOIN brands b ON b.id = m.brand_id ORDER BY b.name, m.name")
            .fetch_all(db)
            .await?,
            trims: sql("SELECT id, model_id, name, msrp_fen FROM trims ORDER BY model_id, msrp_fen, id")
                .fetch_all(db)
                .await?,
            colors: sql("SELECT id, model_id, name, name_en, hex FROM colors ORDER BY model_id, id")
                .fetch_all(db)
                .await?,
            warehouses: sql("SELECT w.id, w.store_id, w.code, w.name, s.name AS store_name
                             FROM warehouses w JOIN stores s ON s.id = w.store_id
                             WHERE w.active = TRUE AND (CAST($1 AS BIGINT) IS NULL OR w.store_id = $1)
                             ORDER BY s.code, w.code")
            .bind(scope)
            .fetch_all(db)
            .await?,
        })
    }
}

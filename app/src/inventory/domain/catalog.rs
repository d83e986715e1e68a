//! The vehicle catalog: models (车型), their trims (配置) and colours, and the warehouses
//! a caller may use.

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

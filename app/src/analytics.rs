//! Analytics (数据分析): sales (销售分析), and the demand forecast with reorder suggestions
//! (智能预测与补货建议).
//!
//! Laid out as every module is (see `app/src/README.md`): `domain/` (pure rules: report
//! requests and periods, the forecast, the reorder rule) and `service/` (server only,
//! each use case opening with its permission check), `api.rs` (the server functions)
//! and `rest.rs` (REST under `/api/v1`). Reports read summary tables the
//! database keeps in step with every write (`sales_daily`, migration 0012), never a
//! nightly batch.

pub mod api;
pub mod domain;

#[cfg(feature = "ssr")]
pub mod service;

#[cfg(feature = "ssr")]
pub mod rest;

//! Analytics (数据分析): the manager's dashboard (经营看板), sales (销售分析), order cycle
//! time (订单周期), customers (客户分析), inventory turnover (库存周转), and the demand
//! forecast with reorder suggestions (智能预测与补货建议); the stores' monthly targets.
//!
//! Laid out as every module is (see `app/src/README.md`): `domain/` (pure rules: report
//! requests and periods, the funnel, cycle-time percentiles, turnover, the forecast, the
//! reorder rule, targets), `service/` (server only, each use case opening with its
//! permission check), `api.rs` (the server functions), `rest.rs` (REST under `/api/v1`),
//! `tables.rs` (each report's tables, for the page and the .xlsx alike), `files.rs` (the
//! downloads) and `pages/`. Reports read summary tables the database keeps in step with
//! every write (`sales_daily`, `order_cycles`, `order_backlog`, `customer_purchases`,
//! migrations 0012–0013), never a nightly batch.

pub mod api;
pub mod domain;
pub mod pages;
pub mod tables;

#[cfg(feature = "ssr")]
pub mod files;
#[cfg(feature = "ssr")]
pub mod rest;
#[cfg(feature = "ssr")]
pub mod service;

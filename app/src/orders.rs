//! Orders (订单管理): a sale from entry (tablet, spreadsheet or REST) through multi-level
//! approval to shipping and completion, with its totals, deposit and payments, and the
//! vehicle it holds.
//!
//! Laid out as every module is (see `app/src/README.md`): `domain/` (pure rules),
//! `service/` (server only, each use case opening with its permission check), `api.rs` (the
//! server functions the pages call), `rest.rs` (REST under `/api/v1/orders`) and `pages/`
//! (订单, 订单录入, 订单详情, 待我审批, 批量导入, the printable 订单确认书); `excel.rs` and
//! `files.rs` hold the import template, the batch import (all rows or none, with a dry
//! run) and the order list as .xlsx.

pub mod api;
pub mod domain;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod service;

#[cfg(feature = "ssr")]
pub mod excel;

#[cfg(feature = "ssr")]
pub mod files;

#[cfg(feature = "ssr")]
pub mod rest;

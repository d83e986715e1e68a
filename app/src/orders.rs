//! Orders (订单管理): a sale from entry (tablet, spreadsheet or REST) through multi-level
//! approval to shipping and completion, with its totals, deposit and payments, and the
//! vehicle it holds.
//!
//! Laid out as every module is (see `app/src/README.md`): `domain/` (pure rules) and
//! `service/` (server only, each use case opening with its permission check); the server
//! functions, REST routes and pages follow them.

pub mod domain;

#[cfg(feature = "ssr")]
pub mod service;

#[cfg(feature = "ssr")]
pub mod rest;

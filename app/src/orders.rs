//! Orders (订单管理): a sale from entry (tablet, spreadsheet or REST) through multi-level
//! approval to shipping and completion, with its totals, deposit and payments, and the
//! vehicle it holds.
//!
//! Laid out as every module is (see `app/src/README.md`): `domain/` (pure rules) first;
//! the service, server functions, REST routes and pages follow it.

pub mod domain;

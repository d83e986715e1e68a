//! Inventory (库存管理): vehicles tracked one by one by VIN, the live stock matrix,
//! low / high and aged-stock alerts, and transfers between warehouses.
//!
//! The module's layers, which every module follows (see `app/src/README.md`):
//! - `domain/`: the rules, pure and unit-tested, compiled for the server and the browser;
//! - `service/` (server only): load, decide with the domain, write, audit, announce —
//!   each service opens with its own permission check on the request context;
//! - `api.rs` (server functions), `rest.rs` (REST under `/api/v1`), `files.rs` (downloads,
//!   upload, event stream): thin entry points to the services;
//! - `pages/` (one page per file) and `widgets.rs` (pickers other modules reuse).

pub mod api;
pub mod domain;
pub mod pages;
pub mod widgets;

#[cfg(feature = "ssr")]
pub mod excel;
#[cfg(feature = "ssr")]
pub mod files;
#[cfg(feature = "ssr")]
pub mod rest;
#[cfg(feature = "ssr")]
pub mod service;

pub use domain::{VehicleStatus, Vin};

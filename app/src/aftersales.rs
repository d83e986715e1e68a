//! After-sales service (客户服务): online booking of service appointments without an
//! account (在线预约), each store's booking capacity (工位与时段), the service desk's calendar
//! (服务台), complaints (投诉) and satisfaction ratings (满意度).
//!
//! Laid out as every module is (see `app/src/README.md`): `domain/` (pure rules),
//! `service/` (server only, each use case opening with its permission check — the public
//! booking's use cases with their rate limits instead), `api.rs` (the server functions the
//! pages call), `rest.rs` (REST under `/api/v1`) and `pages/`.

pub mod api;
pub mod domain;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod service;

#[cfg(feature = "ssr")]
pub mod files;

#[cfg(feature = "ssr")]
pub mod rest;

//! CRM (客户关系管理): customer profiles with one mobile per customer across the group,
//! leads moving through their stages, and follow-up tasks with today / overdue views.
//!
//! Laid out as every module is (see `app/src/README.md`): `domain/` (pure rules),
//! `service/` (server only, each opening with its permission check), `api.rs` (server
//! functions), `rest.rs` (REST under `/api/v1`), `pages/`.

pub mod api;
pub mod domain;
pub mod pages;
pub mod reminders;

#[cfg(feature = "ssr")]
pub mod excel;
#[cfg(feature = "ssr")]
pub mod files;
#[cfg(feature = "ssr")]
pub mod rest;
#[cfg(feature = "ssr")]
pub mod service;

//! Integration tests: each test runs against the real router on its own fresh database,
//! once on SQLite and once on PostgreSQL.

mod helpers;

mod analytics;
mod auth;
mod complaints;
mod crm;
mod foundation;
mod hardening;
mod inventory;
mod jobs;
mod orders;
mod orders_import;
mod orders_rest;
mod orders_ui;
mod permissions;
mod reminders;
mod reports;
mod rest;
mod service;

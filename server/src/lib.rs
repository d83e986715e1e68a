//! The Forecourt server: configuration, the axum router (pages, server functions, REST
//! API, health), and the command-line tasks.

pub mod api;
pub mod assets;
pub mod cli;
pub mod config;
pub mod demo;
pub mod history;
pub mod middleware;
pub mod startup;
pub mod telemetry;

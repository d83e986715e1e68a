//! The rules of analytics, pure: compiled for the server and the browser.

pub mod customers;
pub mod cycle;
pub mod dashboard;
pub mod forecast;
pub mod outlook;
pub mod period;
pub mod reorder;
pub mod sales;
pub mod targets;
pub mod turnover;

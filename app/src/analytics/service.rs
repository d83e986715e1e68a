//! The analytics use cases (server only), each opening with its permission check.

pub mod customers;
pub mod cycle;
pub mod dashboard;
pub mod exports;
pub mod outlook;
pub mod sales;
pub mod targets;
pub mod turnover;

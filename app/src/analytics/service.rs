//! The analytics use cases (server only), each opening with its permission check.

pub mod outlook;
pub mod sales;

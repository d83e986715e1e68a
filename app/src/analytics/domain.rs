//! The rules of analytics, pure: compiled for the server and the browser.

pub mod forecast;
pub mod outlook;
pub mod reorder;
pub mod sales;

//! Inventory's services (server only): each loads what it needs, decides with the
//! domain rules, writes and audits in one transaction, and announces the change. Each
//! opens with its own permission check on the request context, so every entry point —
//! server function, REST handler, file route, test — gets the same answer.

pub mod alerts;
pub mod catalog;
pub mod matrix;
pub mod transfers;
pub mod vehicles;

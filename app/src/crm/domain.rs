//! CRM's rules, pure: no I/O, compiled for the server and the browser alike.

mod coded;
pub mod customer;
pub mod follow_up;
pub mod id_number;
pub mod lead;

pub use customer::{CustomerKind, Source};
pub use follow_up::Channel;
pub use lead::{LeadStage, LostReason};

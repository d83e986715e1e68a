//! Inventory's rules, pure: no I/O, compiled for the server and the browser alike, and
//! unit-tested where they stand. Services load, decide with these, and write.

pub mod alert;
pub mod catalog;
pub mod intake;
pub mod matrix;
pub mod status;
pub mod transfer;
pub mod vehicle;
pub mod vin;

pub use status::VehicleStatus;
pub use vin::Vin;

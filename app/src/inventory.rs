//! Inventory: vehicles tracked one by one by VIN.

pub mod vin;

pub use vin::Vin;

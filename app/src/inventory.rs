//! Inventory (库存管理): vehicles tracked one by one by VIN, the live stock matrix,
//! low / high and aged-stock alerts, and transfers between warehouses.

pub mod alerts;
pub mod catalog;
#[cfg(feature = "ssr")]
pub mod events;
#[cfg(feature = "ssr")]
pub mod excel;
pub mod live;
pub mod matrix;
pub mod pages;
pub mod status;
pub mod transfers;
pub mod vehicles;
pub mod vin;

pub use status::VehicleStatus;
pub use vin::Vin;

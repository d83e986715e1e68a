//! The rules of after-sales service, pure: compiled for the server and the browser.

pub mod appointment;
pub mod code;
pub mod complaint;
pub mod plate;
pub mod rating;
pub mod reminder;
pub mod schedule;
pub mod service_type;
pub mod views;

pub use appointment::*;
pub use code::BookingCode;
pub use plate::Plate;
pub use schedule::*;
pub use service_type::{ServiceType, SHARED_POOL};
pub use views::*;

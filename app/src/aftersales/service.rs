//! The after-sales use cases (server only). Staff use cases open with their permission
//! check; the public booking's, which have no caller to check, with their rate limits.

pub mod appointments;
pub mod booking;
pub mod capacity;
pub mod complaints;
pub mod desk;
pub mod ratings;
pub mod reminders;

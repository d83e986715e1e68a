//! The after-sales use cases (server only). Staff use cases open with their permission
//! check; the public booking's, which have no caller to check, with their rate limits.

pub mod appointments;
pub mod booking;
pub mod capacity;
pub mod complaints;
pub mod desk;
pub mod ratings;
pub mod reminders;

/// The key of a customer's link (a booking's page and calendar file, a rating form): 128
/// random bits from the OS, as 32 hex characters.
pub(crate) fn new_link_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// A link's key as it came, or `None` for anything that cannot be one.
pub(crate) fn read_link_token(token: &str) -> Option<&str> {
    (token.len() == 32 && token.bytes().all(|b| b.is_ascii_hexdigit())).then_some(token)
}

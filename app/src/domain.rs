//! Domain values shared by the server and the browser. Parse, don't validate: once a
//! value of these types exists, it is valid.

pub mod coded;
pub mod money;
pub mod phone;
pub mod role;

pub use money::Money;
pub use phone::Phone;
pub use role::Role;

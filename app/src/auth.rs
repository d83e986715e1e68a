//! Who the caller is and what their role may do.

#[cfg(feature = "ssr")]
pub mod api_key;
pub mod login;
pub mod login_page;
#[cfg(feature = "ssr")]
pub mod password;
pub mod permissions;
pub mod principal;
#[cfg(feature = "ssr")]
pub mod rest;
#[cfg(feature = "ssr")]
pub mod session;
#[cfg(feature = "ssr")]
pub mod throttle;

pub use permissions::{allowed, Action};
pub use principal::{Principal, UserInfo};

//! The server functions the after-sales pages call: the public booking's (no sign-in,
//! rate-limited) and the service desk's.

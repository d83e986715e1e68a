//! The application state every request shares: the database, policies, the event hub
//! and the clock. A request's own facts (caller, language, request id) are its
//! [`crate::ctx::Ctx`].

use crate::{auth::session::SessionPolicy, clock::Clock, db::Db, events::EventHub};
use axum::extract::FromRef;
use leptos::prelude::*;
use std::sync::Arc;

/// Shared by the router, the REST handlers and (through context) the server functions.
#[derive(Clone, Debug)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub sessions: Arc<SessionPolicy>,
    pub throttle: Arc<LoginThrottle>,
    /// Live events for open pages (stock today; orders and service bookings later).
    pub events: EventHub,
    /// Where "now" comes from (fixed in some tests).
    pub clock: Clock,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(s: &AppState) -> Self {
        s.leptos_options.clone()
    }
}

/// Failed sign-ins allowed within `window` before further tries are refused.
#[derive(Clone, Debug)]
pub struct LoginThrottle {
    pub window: std::time::Duration,
    pub per_account: i64,
    pub per_ip: i64,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        LoginThrottle {
            window: std::time::Duration::from_secs(15 * 60),
            per_account: 5,
            per_ip: 20,
        }
    }
}

/// Facts about the request that the router's middleware records in its extensions.
#[derive(Clone, Debug, Default)]
pub struct RequestInfo {
    pub request_id: String,
    pub ip: String,
    pub user_agent: String,
    /// The session cookie as sent, for sign-out.
    pub session_token: Option<String>,
}

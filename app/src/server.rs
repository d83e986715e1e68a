//! Server-side plumbing every module uses the same way: the application state, the
//! caller of the current request, its language, and the response it is building.

use crate::{
    auth::{session::SessionPolicy, Principal},
    db::Db,
    error::AppError,
    i18n::Lang,
};
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
    /// Stock changes, for the live stock pages.
    pub events: crate::inventory::events::StockEvents,
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

fn parts() -> Option<http::request::Parts> {
    use_context::<http::request::Parts>()
}

pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| AppError::internal("AppState missing from context"))
}

/// The language of the current request (its `lang` cookie).
pub fn lang() -> Lang {
    parts().map(|p| lang_of(&p.headers)).unwrap_or_default()
}

/// The language a request's `lang` cookie asks for (Chinese when none).
pub fn lang_of(headers: &http::HeaderMap) -> Lang {
    headers
        .get(http::header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .map(Lang::from_cookie_header)
        .unwrap_or_default()
}

pub fn request_info() -> RequestInfo {
    parts()
        .and_then(|p| p.extensions.get::<RequestInfo>().cloned())
        .unwrap_or_default()
}

/// The signed-in caller, if any.
pub fn principal_opt() -> Option<Principal> {
    parts().and_then(|p| p.extensions.get::<Principal>().cloned())
}

/// The signed-in caller, or 401.
pub fn principal() -> Result<Principal, AppError> {
    principal_opt().ok_or_else(|| AppError::Unauthenticated(lang().t("error.sign_in_first").into()))
}

/// The state, the caller (who must be allowed to do `action`) and the language: the
/// opening of every server function that needs a permission.
pub fn require(action: crate::auth::Action) -> Result<(AppState, Principal, Lang), AppError> {
    let lang = lang();
    let p = principal()?;
    p.require(action, lang)?;
    Ok((state()?, p, lang))
}

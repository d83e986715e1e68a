//! The request context: who is calling, in which language, under which request id, and
//! the application state — built once per request, by the server-function layer
//! ([`provide`]) and by the REST extractor alike, and handed to every service.
//!
//! Every service opens with its own check, `let p = ctx.require(Action::…)?;`, so an entry
//! point (server function, REST handler, file route, test) is a few lines and cannot skip
//! it.

use crate::{
    audit::{self, Actor, AuditEntry},
    auth::{Action, Principal},
    db::{Db, DbResult, Exec},
    error::AppError,
    events::EventHub,
    i18n::{self, Lang},
    server::{AppState, RequestInfo},
};
use leptos::prelude::*;

#[derive(Clone, Debug)]
pub struct Ctx {
    state: AppState,
    principal: Option<Principal>,
    lang: Lang,
    info: RequestInfo,
}

impl Ctx {
    pub fn new(
        state: AppState,
        principal: Option<Principal>,
        lang: Lang,
        info: RequestInfo,
    ) -> Self {
        Ctx {
            state,
            principal,
            lang,
            info,
        }
    }

    /// A context for `principal` outside any HTTP request (tests, the command line).
    pub fn for_principal(state: AppState, principal: Principal, lang: Lang) -> Self {
        Ctx::new(
            state,
            Some(principal),
            lang,
            RequestInfo {
                request_id: "direct".into(),
                ..Default::default()
            },
        )
    }

    /// The context of a request, from what the middleware put in its extensions.
    pub fn from_parts(state: &AppState, parts: &http::request::Parts, lang: Lang) -> Self {
        Ctx::new(
            state.clone(),
            parts.extensions.get::<Principal>().cloned(),
            lang,
            parts
                .extensions
                .get::<RequestInfo>()
                .cloned()
                .unwrap_or_default(),
        )
    }

    /// The context of the request a server function is answering (see [`provide`]).
    pub fn current() -> Result<Ctx, AppError> {
        use_context::<Ctx>().ok_or_else(|| AppError::internal("request context missing"))
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    pub fn db(&self) -> &Db {
        &self.state.db
    }

    pub fn events(&self) -> &EventHub {
        &self.state.events
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    pub fn info(&self) -> &RequestInfo {
        &self.info
    }

    pub fn request_id(&self) -> &str {
        &self.info.request_id
    }

    /// The caller, if signed in.
    pub fn principal_opt(&self) -> Option<&Principal> {
        self.principal.as_ref()
    }

    /// The caller, or 401.
    pub fn principal(&self) -> Result<&Principal, AppError> {
        self.principal
            .as_ref()
            .ok_or_else(|| AppError::Unauthenticated(self.lang.t("error.sign_in_first").into()))
    }

    /// The caller, who must be allowed to do `action` (401 / 403 otherwise). Whether to
    /// *this* record is [`Ctx::require_store`].
    pub fn require(&self, action: Action) -> Result<&Principal, AppError> {
        let p = self.principal()?;
        p.require(action, self.lang)?;
        Ok(p)
    }

    /// May the caller see and change records of `store_id`?
    pub fn may_access(&self, store_id: i64) -> bool {
        self.principal_opt()
            .is_some_and(|p| p.can_access_store(store_id))
    }

    /// A record of `store_id` the caller may not reach is answered as a missing one: 404
    /// with `missing` (the record's own "not found" text), word for word.
    pub fn require_store(&self, store_id: i64, missing: &'static str) -> Result<(), AppError> {
        if self.may_access(store_id) {
            Ok(())
        } else {
            Err(AppError::NotFound(self.t(missing).into()))
        }
    }

    /// Now, as stored (UTC milliseconds).
    pub fn now_ms(&self) -> i64 {
        self.state.clock.now_ms()
    }

    /// Today in the stores' time zone.
    pub fn today(&self) -> chrono::NaiveDate {
        self.state.clock.today()
    }

    pub fn t(&self, key: &'static str) -> &'static str {
        self.lang.t(key)
    }

    pub fn tf(&self, key: &'static str, args: &[(&str, &str)]) -> String {
        self.lang.tf(key, args)
    }

    /// Records a change in the audit log under the caller's name and this request's id,
    /// in the transaction that made it.
    pub async fn audit<'e>(
        &self,
        exec: impl Into<Exec<'e>>,
        entry: AuditEntry<'_>,
    ) -> DbResult<()> {
        let actor = match &self.principal {
            Some(p) => Actor::Principal(p),
            None => Actor::Anonymous(""),
        };
        audit::record(exec, actor, entry, Some(&self.info.request_id)).await
    }

    /// As [`Ctx::audit`], for many changes at once (a batch), in their order.
    pub async fn audit_many(
        &self,
        tx: &mut crate::db::Tx,
        entries: Vec<AuditEntry<'_>>,
    ) -> DbResult<()> {
        let actor = match &self.principal {
            Some(p) => Actor::Principal(p),
            None => Actor::Anonymous(""),
        };
        audit::record_many(tx, actor, entries, Some(&self.info.request_id)).await
    }
}

/// Puts the state and this request's context in the reactive context: the closure given to
/// `leptos_routes_with_context` and `handle_server_fns_with_context` (the request's parts
/// are already there).
pub fn provide(state: &AppState) {
    provide_context(state.clone());
    if let Some(parts) = use_context::<http::request::Parts>() {
        provide_context(Ctx::from_parts(
            state,
            &parts,
            i18n::lang_of(&parts.headers),
        ));
    }
    // A page being rendered: its policy allows its own scripts by this render's nonce.
    if let (Some(nonce), Some(res)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) {
        if let Ok(policy) = http::HeaderValue::from_str(&page_policy(&nonce)) {
            res.insert_header(http::header::CONTENT_SECURITY_POLICY, policy);
        }
    }
}

/// The Content-Security-Policy of a page whose inline scripts carry `nonce`: scripts from
/// this site or with the nonce, WebAssembly compiled from them, nothing framed, no plugins.
pub fn page_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         img-src 'self' data:; style-src 'self'; object-src 'none'; \
         base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// REST handlers and file routes take the context as an extractor. API callers get
/// English unless they ask for Chinese (`Accept-Language: zh…`); a browser's download
/// follows its `lang` cookie, as its pages do.
/// The language of a REST answer: Chinese when `Accept-Language` starts with `zh`, else
/// English (integrations rarely send a language; pages go by the person's choice).
pub fn api_lang(headers: &http::HeaderMap) -> Lang {
    let zh = headers
        .get(http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("zh"));
    if zh {
        Lang::ZhCn
    } else {
        Lang::En
    }
}

impl axum::extract::FromRequestParts<AppState> for Ctx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let path = parts
            .extensions
            .get::<axum::extract::OriginalUri>()
            .map(|u| u.path().to_owned())
            .unwrap_or_else(|| parts.uri.path().to_owned());
        let lang = if path.starts_with("/api/") {
            api_lang(&parts.headers)
        } else {
            i18n::lang_of(&parts.headers)
        };
        Ok(Ctx::from_parts(state, parts, lang))
    }
}

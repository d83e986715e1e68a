//! Per-request plumbing: who is calling (session cookie or API key), the request id and
//! client address for logs and the audit, sign-in redirects for pages, and cross-site
//! request protection for cookie-authenticated calls.

use app::{
    auth::{api_key, session},
    server::{AppState, RequestInfo},
};
use axum::{
    body::Body,
    extract::{ConnectInfo, State},
    http::{header, HeaderMap, Method, Request, StatusCode},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};

/// Paths anyone may open without signing in.
fn is_public(path: &str) -> bool {
    const PUBLIC: &[&str] = &[
        "/login",
        // The public service booking (在线预约): customers have no account.
        "/book/",
        // A customer's complaint and rating pages (no account).
        "/complain",
        "/rate/",
        "/healthz",
        "/lang/",
        "/pkg/",
        "/api/",
        "/sfn/",
        "/api-docs/",
    ];
    let listed = PUBLIC.iter().any(|p| match p.strip_suffix('/') {
        Some(dir) => path == dir || path.starts_with(p),
        None => path == *p,
    });
    // Static files (icons, manifest, service worker, offline page) have an extension.
    listed
        || path
            .rsplit('/')
            .next()
            .is_some_and(|last| last.contains('.'))
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// A state-changing request from another site, riding on our cookie, is refused.
/// Browsers send `Sec-Fetch-Site`; older ones at least `Origin`.
fn is_cross_site(req: &Request<Body>) -> bool {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return false;
    }
    let h = req.headers();
    if let Some(site) = h.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return !matches!(site, "same-origin" | "none");
    }
    match (
        h.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
        h.get(header::HOST).and_then(|v| v.to_str().ok()),
    ) {
        (Some(origin), Some(host)) => {
            let origin_host = origin.split("://").nth(1).unwrap_or(origin);
            origin_host != host
        }
        _ => false,
    }
}

pub async fn identify(State(st): State<AppState>, mut req: Request<Body>, next: Next) -> Response {
    let headers = req.headers();
    let request_id = headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let ip = req
        .extensions()
        .get::<ConnectInfo<std::net::SocketAddr>>()
        .map(|c| {
            let forwarded = headers.get("x-forwarded-for").and_then(|v| v.to_str().ok());
            st.proxies.client(c.0.ip(), forwarded).to_string()
        })
        .unwrap_or_default();
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let session_token = headers
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|c| session::cookie_value(c, st.sessions.cookie_name()))
        .filter(|t| !t.is_empty())
        .map(str::to_owned);
    let key = bearer(headers).map(str::to_owned);

    // Keys are for the REST API only: not for pages, server functions or downloads.
    if key.is_some() && !req.uri().path().starts_with("/api/") {
        return app::rest::problem(&app::error::AppError::Unauthenticated(
            "API keys are accepted under /api/v1 only".into(),
        ));
    }
    let principal = match (&key, &session_token) {
        (Some(key), _) => api_key::resolve(&st.db, key).await,
        (None, Some(token)) => session::resolve(&st.db, token, &st.sessions).await,
        (None, None) => Ok(None),
    };
    let principal = match principal {
        Ok(p) => p,
        Err(e) => {
            tracing::error!(error = %e, "resolving the caller failed");
            return (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response();
        }
    };

    // Cookie-authenticated calls must come from our own pages; API keys are not sent
    // by browsers on their own, so they need no such check.
    if key.is_none() && is_cross_site(&req) {
        return (StatusCode::FORBIDDEN, "cross-site request refused").into_response();
    }

    let path = req.uri().path();
    if principal.is_none() && req.method() == Method::GET && !is_public(path) {
        let target = req
            .uri()
            .path_and_query()
            .map(|pq| pq.as_str())
            .unwrap_or("/");
        let next = if target == "/" {
            String::new()
        } else {
            format!("?next={}", urlencode(target))
        };
        return Redirect::to(&format!("/login{next}")).into_response();
    }

    if let Some(p) = &principal {
        tracing::Span::current().record("user", p.audit_label());
    }
    req.extensions_mut().insert(RequestInfo {
        request_id,
        ip,
        user_agent,
        session_token,
    });
    if let Some(p) = principal {
        req.extensions_mut().insert(p);
    }
    next.run(req).await
}

/// The largest request body but for uploads ([`app::import::UPLOAD_BODY_LIMIT`]): forms
/// and JSON.
pub const BODY_LIMIT: usize = 1 << 20;

/// Bounds every request before anything reads it: a body larger than its endpoint takes is
/// refused (413 problem+json) by its declared length, or cut off while read when it
/// declares none; and a request id that is not a short token is replaced by a fresh one.
pub async fn bound_request(mut req: Request<Body>, next: Next) -> Response {
    let sane_id = req.headers().get("x-request-id").map(|v| {
        let v = v.as_bytes();
        !v.is_empty()
            && v.len() <= 64
            && v.iter()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(b))
    });
    if sane_id == Some(false) {
        req.headers_mut().remove("x-request-id");
    }
    let limit = if app::import::takes_upload(req.uri().path()) {
        app::import::UPLOAD_BODY_LIMIT
    } else {
        BODY_LIMIT
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return app::rest::problem(&app::error::AppError::TooLarge(format!(
            "the request body is larger than {} KiB",
            limit / 1024
        )));
    }
    let (parts, body) = req.into_parts();
    let body = Body::new(http_body_util::Limited::new(body, limit));
    next.run(Request::from_parts(parts, body)).await
}

/// Percent-encodes a path for a query value.
fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_import_takes_an_upload_and_nothing_else_does() {
        for path in [
            "/inventory/import",
            "/crm/import",
            "/orders/import",
            "/api/v1/orders/import",
        ] {
            assert!(app::import::takes_upload(path), "{path}");
        }
        for path in [
            "/orders",
            "/orders/import/x",
            "/sfn/orders/create",
            "/api/v1/orders",
        ] {
            assert!(!app::import::takes_upload(path), "{path}");
        }
    }

    #[test]
    fn pages_need_sign_in_but_assets_do_not() {
        assert!(is_public("/login"));
        assert!(is_public("/complain"));
        assert!(is_public("/rate/0123abcd"));
        assert!(!is_public("/complaints"));
        assert!(!is_public("/ratings"));
        assert!(is_public("/pkg/forecourt.abc.wasm"));
        assert!(is_public("/manifest.webmanifest"));
        assert!(is_public("/healthz"));
        assert!(!is_public("/"));
        assert!(!is_public("/inventory"));
        assert!(!is_public("/loginx"));
        assert!(is_public("/book"));
        assert!(is_public("/book/a/0123"));
        assert!(!is_public("/booking"));
        assert!(!is_public("/service"));
    }

    #[test]
    fn cross_site_posts_are_detected() {
        let post = |site: Option<&str>, origin: Option<&str>| {
            let mut b = Request::builder()
                .method(Method::POST)
                .uri("/sfn/x")
                .header(header::HOST, "shop.example:3000");
            if let Some(s) = site {
                b = b.header("sec-fetch-site", s);
            }
            if let Some(o) = origin {
                b = b.header(header::ORIGIN, o);
            }
            b.body(Body::empty()).unwrap()
        };
        assert!(!is_cross_site(&post(Some("same-origin"), None)));
        assert!(is_cross_site(&post(Some("cross-site"), None)));
        assert!(is_cross_site(&post(Some("same-site"), None)));
        assert!(!is_cross_site(&post(
            None,
            Some("http://shop.example:3000")
        )));
        assert!(is_cross_site(&post(None, Some("https://evil.example"))));
        assert!(!is_cross_site(&post(None, None)));
        assert_eq!(urlencode("/a b?x=1&y"), "/a%20b%3Fx%3D1%26y");
    }
}

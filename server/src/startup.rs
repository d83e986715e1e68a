//! Builds the application from its configuration and serves it.

use crate::{api, config::Config, middleware};
use app::{clock::Clock, db::Db, server::AppState, shell, App};
use axum::{
    body::Body,
    extract::{Path, State},
    http::{header, HeaderValue, Request, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    serve::ListenerExt,
    Json, Router,
};
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use std::{net::SocketAddr, sync::Arc, time::Duration};
use tower_http::{
    compression::CompressionLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    services::ServeDir,
    set_header::SetResponseHeaderLayer,
    trace::TraceLayer,
    CompressionLevel,
};

pub struct Application {
    listener: tokio::net::TcpListener,
    router: Router,
    state: AppState,
}

impl Application {
    /// Connects to the database, applies migrations and binds the address (port 0 picks
    /// a free one; `port()` tells which).
    pub async fn build(config: Config) -> anyhow::Result<Application> {
        let db = Db::connect(&config.database).await.map_err(|e| {
            anyhow::anyhow!(
                "cannot open the database ({}): {}",
                config.database,
                app::db::redact_url(&e.to_string())
            )
        })?;
        db.migrate().await?;
        app::crm::service::customers::fill_initials(&db).await?;
        db.optimize().await?;
        // Compressing the build outputs takes a few seconds; serve meanwhile (the
        // compression layer covers what is not ready yet).
        let site_root = config.site_root.clone();
        tokio::task::spawn_blocking(move || crate::assets::precompress(&site_root));
        let state = AppState {
            leptos_options: config.leptos_options(),
            db,
            sessions: Arc::new(config.sessions.clone()),
            proxies: Arc::new(config.trusted_proxies.clone()),
            events: Default::default(),
            clock: Clock::System,
            password_checks: Arc::new(tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(1, |n| n.get()),
            )),
            streams: Default::default(),
        };
        state
            .events
            .listen(&state.db)
            .await
            .map_err(|e| anyhow::anyhow!("cannot LISTEN for live events: {e}"))?;
        tokio::spawn(app::jobs::run_forever(
            state.clone(),
            jobs(),
            Duration::from_secs(15),
        ));
        tokio::spawn(planner_statistics(state.db.clone()));
        let listener = tokio::net::TcpListener::bind(config.addr)
            .await
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", config.addr))?;
        Ok(Application {
            router: router(state.clone()),
            listener,
            state,
        })
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until SIGTERM or Ctrl-C, finishing the requests under way.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        // Leptos streams pages in chunks: without TCP_NODELAY each keep-alive request
        // waits ~40 ms for delayed ACKs.
        let listener = self.listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        let db = self.state.db.clone();
        let events = self.state.events.clone();
        axum::serve(
            listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            shutdown_signal().await;
            // Open stock pages hold event streams; end them so shutdown is not held up.
            events.close();
        })
        .await?;
        db.close().await;
        tracing::info!("stopped");
        Ok(())
    }
}

/// The background jobs, each run once per period across every server process.
pub fn jobs() -> Vec<app::jobs::Job> {
    use app::jobs::Job;
    vec![
        // Deposit-only holds whose time is up go back to stock within a minute.
        Job {
            name: "orders.expire_holds",
            every: Duration::from_secs(60),
            work: |state, now| {
                Box::pin(async move {
                    app::orders::service::orders::expire_holds(&state, now)
                        .await
                        .map(|n| format!("{n} holds released"))
                        .map_err(|e| e.to_string())
                })
            },
        },
        // Opens, raises and closes aged-stock alerts as the days pass.
        Job {
            name: "inventory.aged_stock",
            every: Duration::from_secs(3600),
            work: |state, _| {
                Box::pin(async move {
                    let mut tx = state.db.begin().await.map_err(|e| e.to_string())?;
                    app::inventory::service::alerts::sweep_aged(&mut tx, state.clock.today(), None)
                        .await
                        .map_err(|e| e.to_string())?;
                    tx.commit().await.map_err(|e| e.to_string())?;
                    Ok("aged stock swept".into())
                })
            },
        },
        // Complaints unanswered past their deadline go to their store's manager, each once.
        Job {
            name: "complaints.escalate",
            every: Duration::from_secs(60),
            work: |state, now| {
                Box::pin(async move {
                    app::aftersales::service::complaints::escalate_overdue(&state.db, now)
                        .await
                        .map(|n| format!("{n} complaints escalated"))
                        .map_err(|e| e.to_string())
                })
            },
        },
        // Reminders (提醒): plans the messages due soon and sends each once.
        Job {
            name: "service.reminders",
            every: Duration::from_secs(30),
            work: |state, now| {
                Box::pin(async move {
                    let worker = format!("pid-{}", std::process::id());
                    app::aftersales::service::reminders::run(&state.db, &worker, now)
                        .await
                        .map_err(|e| e.to_string())
                })
            },
        },
        // Clears what only grows: expired sessions, old sign-in failures, idle throttle
        // rows, day-old idempotency keys.
        Job {
            name: "maintenance.purge",
            every: Duration::from_secs(3600),
            work: |state, now| {
                Box::pin(async move {
                    purge(&state.db, now)
                        .await
                        .map(|(s, f, t, k)| {
                            format!("{s} sessions, {f} failures, {t} throttle rows, {k} idempotency keys")
                        })
                        .map_err(|e| e.to_string())
                })
            },
        },
    ]
}

/// Hourly, in each process: refreshes SQLite's planner statistics (nothing on PostgreSQL,
/// whose autovacuum does it).
async fn planner_statistics(db: Db) {
    let mut tick = tokio::time::interval(Duration::from_secs(3600));
    loop {
        tick.tick().await;
        if let Err(e) = db.optimize().await {
            tracing::warn!(error = %e, "planner statistics not refreshed");
        }
    }
}

/// Deletes expired sessions, sign-in failures older than a day, idle throttle rows and
/// idempotency keys older than a day; how many of each.
pub async fn purge(db: &Db, now: i64) -> Result<(u64, u64, u64, u64), app::db::DbError> {
    use app::db::sql;
    let sessions = sql("DELETE FROM sessions WHERE expires_at < $1")
        .bind(now)
        .execute(db)
        .await?;
    let failures = sql("DELETE FROM login_failures WHERE at < $1")
        .bind(now - 24 * 3600 * 1000)
        .execute(db)
        .await?;
    // Sign-in throttling and the public booking's rate limits count together.
    let throttle =
        app::auth::throttle::purge(db, now).await? + app::ratelimit::purge(db, now).await?;
    let keys = app::orders::rest::purge_idempotency_keys(db, now).await?;
    Ok((sessions, failures, throttle, keys))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down: finishing requests under way");
}

/// The app's routes, worked out once per process. Working them out renders the app with
/// resource loading switched off for the whole process (a global flag in Leptos): a
/// resource first polled meanwhile, by a page being served, would never load. Once, before
/// anything is served, nothing can be caught in it — however many applications a process
/// builds (the tests build one per test).
fn routes() -> Vec<AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The whole HTTP surface.
pub fn router(state: AppState) -> Router {
    let routes = routes();
    let site_root = state.leptos_options.site_root.to_string();

    let static_files = Router::new()
        .fallback_service(
            ServeDir::new(&site_root)
                .precompressed_br()
                .precompressed_gzip()
                .fallback(tower::util::service_fn({
                    // Unknown paths render the app's own "page not found".
                    let render = leptos_axum::render_app_to_stream_with_context(
                        {
                            let state = state.clone();
                            move || app::ctx::provide(&state)
                        },
                        {
                            let options = state.leptos_options.clone();
                            move || shell(options.clone())
                        },
                    );
                    move |req: Request<Body>| {
                        let render = render.clone();
                        async move { Ok::<_, std::convert::Infallible>(render(req).await) }
                    }
                })),
        )
        .layer(axum::middleware::from_fn(cache_headers));

    let precache = precache_list(&site_root);
    Router::new()
        .route("/healthz", get(healthz))
        .route(
            "/sw-precache.json",
            get(move || {
                let list = precache.clone();
                async move { Json(list) }
            }),
        )
        .route("/lang/{code}", get(set_lang))
        .merge(api::router())
        .merge(app::inventory::files::routes())
        .merge(app::crm::files::routes())
        .merge(app::orders::files::routes())
        .merge(app::aftersales::files::routes())
        .merge(app::analytics::files::routes())
        .merge(app::stream::routes())
        .leptos_routes_with_context(
            &state,
            routes,
            {
                let state = state.clone();
                move || app::ctx::provide(&state)
            },
            {
                let options = state.leptos_options.clone();
                move || shell(options.clone())
            },
        )
        .fallback_service(static_files)
        .layer(axum::middleware::from_fn(server_fn_status))
        // Pages, data and API answers are never kept by a browser or a proxy: a shared
        // tablet shows cost prices. (Build files set their own, long, caching above.)
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        // Pages set their own policy with their script's nonce; everything else gets this.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; \
                 object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
            ),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        // Only when served over https (secure cookies).
        .layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            state
                .sessions
                .secure_cookie
                .then(|| HeaderValue::from_static("max-age=31536000; includeSubDomains")),
        ))
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::identify))
        // Pages and API answers are compressed as they are sent, with gzip at a level that
        // costs little CPU: brotli, even at a low level, clears a 4 MiB window for every
        // answer, which took more than half of a stock page's time. The build's files are
        // served precompressed with brotli at its best level.
        .layer(
            CompressionLayer::new()
                .no_br()
                .quality(CompressionLevel::Precise(4)),
        )
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &Request<Body>| {
                let id = req
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default();
                tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id, user = tracing::field::Empty)
            }),
        )
        // No input may drop a connection: a panic answers 500 problem+json and is logged.
        .layer(catch_panics())
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(axum::middleware::from_fn(middleware::bound_request))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .with_state(state)
}

/// Turns a panic in a handler into a logged 500 `application/problem+json` answer.
pub fn catch_panics(
) -> tower_http::catch_panic::CatchPanicLayer<fn(Box<dyn std::any::Any + Send + 'static>) -> Response>
{
    fn answer(cause: Box<dyn std::any::Any + Send + 'static>) -> Response {
        let cause = cause
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| cause.downcast_ref::<&str>().copied())
            .unwrap_or("(no message)");
        app::rest::problem(&app::error::AppError::internal(format!(
            "a request panicked: {cause}"
        )))
    }
    tower_http::catch_panic::CatchPanicLayer::custom(answer as fn(_) -> Response)
}

/// The build's files under `/pkg/` (each page's code chunk among them), for the service
/// worker to fetch once a page is interactive.
fn precache_list(site_root: &str) -> Vec<String> {
    let dir = std::path::Path::new(site_root).join("pkg");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| e.file_name().into_string().ok())
                .filter(|n| !n.ends_with(".br") && !n.ends_with(".gz") && !n.ends_with(".json"))
                .map(|n| format!("/pkg/{n}"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// Server functions answer every error with 500 and an encoded `AppError`; this sets the
/// status that error stands for (401, 403, 422, …), once for every server function.
async fn server_fn_status(req: Request<Body>, next: axum::middleware::Next) -> Response {
    let res = next.run(req).await;
    if res.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !res.headers().contains_key("serverfnerror")
    {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 1024 * 1024).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "").into_response();
    };
    if let Ok(e) = serde_json::from_slice::<app::error::AppError>(&bytes) {
        parts.status =
            StatusCode::from_u16(e.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// 200 when the database answers, 503 when it does not.
async fn healthz(State(state): State<AppState>) -> Response {
    let dialect = format!("{:?}", state.db.dialect()).to_lowercase();
    match tokio::time::timeout(Duration::from_secs(3), state.db.ping()).await {
        Ok(Ok(())) => {
            Json(serde_json::json!({ "status": "ok", "database": dialect })).into_response()
        }
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "health check: database failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({ "status": "unavailable", "database": dialect })),
            )
                .into_response()
        }
        Err(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(serde_json::json!({ "status": "timeout", "database": dialect })),
        )
            .into_response(),
    }
}

/// Sets the `lang` cookie and goes back where the person was (works without JavaScript).
async fn set_lang(Path(code): Path<String>, req: Request<Body>) -> Response {
    let Some(lang) = app::i18n::Lang::from_code(&code) else {
        return (StatusCode::NOT_FOUND, "unknown language").into_response();
    };
    let back = req
        .headers()
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| {
            // Only a path on this site: strip scheme and host.
            let after_scheme = r.split_once("://").map(|(_, rest)| rest).unwrap_or(r);
            after_scheme.find('/').map(|i| after_scheme[i..].to_owned())
        });
    let back = app::auth::login::safe_next(back.as_deref());
    Response::builder()
        .status(StatusCode::SEE_OTHER)
        .header(header::LOCATION, back)
        .header(
            header::SET_COOKIE,
            format!(
                "{}={}; Path=/; Max-Age=31536000; SameSite=Lax",
                app::i18n::LANG_COOKIE,
                lang.code()
            ),
        )
        .body(Body::empty())
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

/// Hashed build outputs never change: cache them for a year. Everything else is
/// revalidated so a new release is picked up at once.
async fn cache_headers(req: Request<Body>, next: axum::middleware::Next) -> Response {
    let hashed = is_hashed_asset(req.uri().path());
    let mut res = next.run(req).await;
    if res.status().is_success() {
        let value = if hashed {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    }
    res
}

/// `/pkg/forecourt.3f9a…c1.wasm`: a file name with a long hex-ish hash in it.
pub fn is_hashed_asset(path: &str) -> bool {
    path.starts_with("/pkg/")
        && path.rsplit('/').next().is_some_and(|f| {
            f.split('.').any(|part| {
                part.len() >= 16
                    && part
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            })
        })
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn a_panic_is_an_answer_not_a_dropped_connection() {
        use tower::ServiceExt;
        let router = axum::Router::new()
            .route(
                "/boom",
                axum::routing::get(|| async {
                    let digits: Vec<u8> = Vec::new();
                    // An index out of range, as careless code on user input would.
                    digits[std::hint::black_box(3)].to_string()
                }),
            )
            .layer(super::catch_panics());
        let res = router
            .oneshot(
                axum::http::Request::get("/boom")
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(res.status(), 500);
        assert_eq!(res.headers()["content-type"], "application/problem+json");
    }

    #[test]
    fn hashed_assets_are_recognised() {
        assert!(super::is_hashed_asset(
            "/pkg/forecourt.Xb2Ugt3uCWjWtXq9Le3PNQ.wasm"
        ));
        assert!(!super::is_hashed_asset("/pkg/forecourt.wasm"));
        assert!(!super::is_hashed_asset("/manifest.webmanifest"));
    }
}

//! The live stream behind every open page (`GET /events`, server-sent events): each
//! module's changes, as they commit, that the caller may hear — stock in their stores,
//! their own follow-ups, the orders they sell or decide — for as long as the caller's
//! session lasts (checked every few seconds), at most a few streams per person.

use crate::{
    auth::{allowed, session, Action, Principal},
    crm::service::FOLLOW_UP_TOPIC,
    ctx::Ctx,
    error::AppError,
    events::Event,
    inventory::domain::vehicle::StockChange,
    orders::service::TOPIC as ORDER_TOPIC,
    server::AppState,
};
use axum::{
    response::sse::{self, KeepAlive, Sse},
    routing::get,
    Router,
};
use futures::{FutureExt, Stream, StreamExt};
use std::{convert::Infallible, time::Duration};
use tokio_stream::wrappers::{errors::BroadcastStreamRecvError, BroadcastStream};

/// Open streams one person may hold (a few tabs and devices).
pub const MAX_STREAMS: usize = 8;
/// How often a stream checks that its session still stands.
pub const RECHECK: Duration = Duration::from_secs(5);
/// Sent to a listener that fell behind: "something changed, look again".
pub const CHANGED: &str = crate::components::live::CHANGED_TOPIC;

/// What the readers of the reports hear when an order of their stores changes: the
/// figures may have moved. Made here from each order event (no writer sends it), so
/// every order write refreshes an open dashboard, whoever sold or decided the order.
pub const SALES_TOPIC: &str = "sales";

/// What `p` hears of one event: the event itself if they may, and for an order of their
/// stores the `sales` announcement if they read the reports.
fn heard(p: &Principal, scope: Option<i64>, user: Option<i64>, e: Event) -> Vec<Event> {
    let mut out = Vec::new();
    if e.topic == ORDER_TOPIC && allowed(p.role, Action::ViewAnalytics) && e.concerns(scope) {
        out.push(Event::new(SALES_TOPIC, e.store_ids.clone(), &()));
    }
    if may_hear(p, &e.topic) && e.heard_by(scope, user) {
        out.push(e);
    }
    out
}

/// Which topics a caller may hear, by what their role may see.
fn may_hear(p: &Principal, topic: &str) -> bool {
    let action = match topic {
        StockChange::TOPIC => Action::ViewStock,
        FOLLOW_UP_TOPIC => Action::ViewCustomers,
        ORDER_TOPIC => Action::ViewOrders,
        crate::aftersales::service::appointments::TOPIC => Action::ViewService,
        _ => return false,
    };
    allowed(p.role, action)
}

/// Every event the caller may hear, until the server stops or the session ends (signed
/// out, disabled, signed out everywhere).
pub fn events(ctx: &Ctx) -> Result<impl Stream<Item = Event> + Send + 'static, AppError> {
    let p = ctx.principal()?.clone();
    let (scope, user) = (p.store_scope(), p.user_id);
    let guard = ctx
        .state()
        .streams
        .open(&p.audit_label(), MAX_STREAMS)
        .ok_or_else(|| AppError::TooManyRequests {
            message: ctx.t("error.too_many_streams").into(),
            retry_after_secs: RECHECK.as_secs() as i64,
        })?;
    let hub = ctx.events();
    let ended =
        futures::future::select(Box::pin(hub.closed()), Box::pin(session_ended(ctx.clone())))
            .map(drop);
    let stream = BroadcastStream::new(hub.subscribe())
        .flat_map(move |msg| {
            // The guard lives as long as the stream: its count drops when the stream does.
            let _held = &guard;
            futures::stream::iter(match msg {
                Ok(e) => heard(&p, scope, user, e),
                Err(BroadcastStreamRecvError::Lagged(_)) => {
                    vec![Event::new(CHANGED, Vec::new(), &())]
                }
            })
        })
        .take_until(ended);
    Ok(stream)
}

/// Resolves once the request's session no longer stands.
async fn session_ended(ctx: Ctx) {
    let Some(token) = ctx.info().session_token.clone() else {
        return;
    };
    let user = ctx.principal_opt().and_then(|p| p.user_id);
    loop {
        tokio::time::sleep(RECHECK).await;
        match session::holder(ctx.db(), &token, &ctx.state().sessions).await {
            Ok(Some(holder)) if Some(holder) == user => continue,
            Ok(_) => return,
            // The database is away: keep the stream, look again later.
            Err(_) => continue,
        }
    }
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/events", get(stream))
}

/// Server-sent events, each named by its topic (`stock`, `follow_up`, `changed`). A
/// keep-alive every few seconds also tells a closed tab from an open one soon.
async fn stream(
    ctx: Ctx,
) -> Result<Sse<impl Stream<Item = Result<sse::Event, Infallible>>>, crate::rest::ApiError> {
    let events = events(&ctx)?.map(|e| {
        Ok(sse::Event::default()
            .event(e.topic.as_str())
            .json_data(&e.payload)
            .unwrap_or_else(|_| sse::Event::default().event(e.topic.as_str()).data("{}")))
    });
    Ok(Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(5))))
}

//! The live stock stream: stock changes in the caller's stores, as they commit, for as
//! long as the caller's session lasts (checked every few seconds), at most a few streams
//! per person.

use crate::{
    auth::{session, Action},
    ctx::Ctx,
    error::AppError,
    events::Event,
    inventory::domain::vehicle::StockChange,
};
use futures::{FutureExt, Stream, StreamExt};
use std::time::Duration;
use tokio_stream::wrappers::{errors::BroadcastStreamRecvError, BroadcastStream};

/// Open streams one person may hold (a few tabs and devices).
pub const MAX_STREAMS: usize = 8;
/// How often a stream checks that its session still stands.
pub const RECHECK: Duration = Duration::from_secs(5);

/// Every stock event the caller may see, until the server stops or the session ends
/// (signed out, disabled, signed out everywhere). A listener that fell behind gets an
/// empty event: "something changed, look again".
pub fn stock_events(ctx: &Ctx) -> Result<impl Stream<Item = Event> + Send + 'static, AppError> {
    let p = ctx.require(Action::ViewStock)?;
    let scope = p.store_scope();
    let guard = ctx
        .state()
        .streams
        .open(&p.audit_label(), MAX_STREAMS)
        .ok_or_else(|| AppError::TooManyRequests {
            message: ctx.t("error.too_many_streams").into(),
            retry_after_secs: RECHECK.as_secs() as i64,
        })?;
    let events = ctx.events();
    let ended = futures::future::select(
        Box::pin(events.closed()),
        Box::pin(session_ended(ctx.clone())),
    )
    .map(drop);
    let stream = BroadcastStream::new(events.subscribe())
        .filter_map(move |msg| {
            // The guard lives as long as the stream: its count drops when the stream does.
            let _held = &guard;
            std::future::ready(match msg {
                Ok(e) if e.topic == StockChange::TOPIC && e.concerns(scope) => Some(e),
                Ok(_) => None,
                Err(BroadcastStreamRecvError::Lagged(_)) => Some(StockChange::default().event()),
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

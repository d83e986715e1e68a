//! The live stock stream: stock changes in the caller's stores, as they commit.

use crate::{
    auth::Action, ctx::Ctx, error::AppError, events::Event, inventory::domain::vehicle::StockChange,
};
use futures::{Stream, StreamExt};
use tokio_stream::wrappers::{errors::BroadcastStreamRecvError, BroadcastStream};

/// Every stock event the caller may see, until the server stops. A listener that fell
/// behind gets an empty event: "something changed, look again".
pub fn stock_events(ctx: &Ctx) -> Result<impl Stream<Item = Event> + Send + 'static, AppError> {
    let scope = ctx.require(Action::ViewStock)?.store_scope();
    let events = ctx.events();
    let stream = BroadcastStream::new(events.subscribe())
        .filter_map(move |msg| {
            std::future::ready(match msg {
                Ok(e) if e.topic == StockChange::TOPIC && e.concerns(scope) => Some(e),
                Ok(_) => None,
                Err(BroadcastStreamRecvError::Lagged(_)) => Some(StockChange::default().event()),
            })
        })
        .take_until(events.closed());
    Ok(stream)
}

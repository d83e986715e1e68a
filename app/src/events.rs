//! Live events for open pages, whatever the module: a topic (`stock`, `follow_up`,
//! `order`, later `service`), the stores it concerns (and, for one person's things, the users)
//! and a payload. Each event goes to an in-process
//! broadcast; on PostgreSQL it goes through `NOTIFY forecourt_events` instead, sent in the
//! changing transaction (so only committed changes are announced) and heard by every
//! server process's `LISTEN`, which feeds its own broadcast.

use crate::db::{sql, Db, DbError, Tx};
use serde::{Deserialize, Serialize};
use std::sync::{
    atomic::{AtomicBool, Ordering},
    Arc,
};
use tokio::sync::broadcast;

pub const CHANNEL: &str = "forecourt_events";

/// Something that changed, for the pages that show it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Which module's pages care (`stock`, …).
    pub topic: String,
    /// The stores it happened in: a listener hears it when it may see one of them.
    pub store_ids: Vec<i64>,
    /// When not empty, only these users hear it (a salesperson's own tasks).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub user_ids: Vec<i64>,
    /// What the topic's pages need to know (small: it travels through `NOTIFY`).
    pub payload: serde_json::Value,
}

impl Event {
    pub fn new(topic: &str, store_ids: Vec<i64>, payload: &impl Serialize) -> Self {
        Event {
            topic: topic.to_owned(),
            store_ids,
            user_ids: Vec::new(),
            payload: serde_json::to_value(payload).unwrap_or_default(),
        }
    }

    /// Only for these users.
    pub fn for_users(mut self, users: impl IntoIterator<Item = i64>) -> Self {
        self.user_ids = users.into_iter().collect();
        self.user_ids.sort_unstable();
        self.user_ids.dedup();
        self
    }

    /// Does a caller with this store scope (`None`: every store) care?
    pub fn concerns(&self, scope: Option<i64>) -> bool {
        scope.is_none_or(|s| self.store_ids.contains(&s))
    }

    /// Does this caller hear it: in their stores, and theirs if it names its users?
    pub fn heard_by(&self, scope: Option<i64>, user: Option<i64>) -> bool {
        self.concerns(scope)
            && (self.user_ids.is_empty() || user.is_some_and(|u| self.user_ids.contains(&u)))
    }
}

/// The application's event hub (cheap to clone; every clone is the same hub).
#[derive(Clone, Debug)]
pub struct EventHub {
    sender: broadcast::Sender<Event>,
    /// Set once a PostgreSQL `LISTEN` is feeding the broadcast.
    via_database: Arc<AtomicBool>,
    /// Flips to `true` when the server is stopping, ending every open stream.
    closing: tokio::sync::watch::Sender<bool>,
}

impl Default for EventHub {
    fn default() -> Self {
        EventHub {
            sender: broadcast::channel(256).0,
            via_database: Arc::new(AtomicBool::new(false)),
            closing: tokio::sync::watch::channel(false).0,
        }
    }
}

impl EventHub {
    /// Ends every event stream (at shutdown, so open pages do not hold it up).
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    /// Resolves once `close` has been called.
    pub fn closed(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        let mut rx = self.closing.subscribe();
        async move {
            let _ = rx.wait_for(|c| *c).await;
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.sender.subscribe()
    }

    /// Inside the changing transaction: on PostgreSQL, queue the notification (sent at
    /// commit, dropped on rollback). Elsewhere nothing happens until [`Self::committed`].
    pub async fn stage(&self, tx: &mut Tx, event: &Event) -> Result<(), DbError> {
        self.stage_all(tx, std::slice::from_ref(event)).await
    }

    /// [`Self::stage`] for several events, in one statement.
    pub async fn stage_all(&self, tx: &mut Tx, events: &[Event]) -> Result<(), DbError> {
        if !matches!(tx, Tx::Postgres(_)) || !self.listening() {
            return Ok(());
        }
        let payloads: Vec<String> = events
            .iter()
            .filter(|e| !e.store_ids.is_empty())
            .map(|e| serde_json::to_string(e).unwrap_or_default())
            .collect();
        if payloads.is_empty() {
            return Ok(());
        }
        let rows: Vec<String> = (0..payloads.len())
            .map(|i| format!("(CAST(${} AS TEXT))", i + 2))
            .collect();
        let mut q = sql(format!(
            "SELECT COUNT(pg_notify($1, p)) FROM (VALUES {}) AS v(p)",
            rows.join(", ")
        ))
        .bind(CHANNEL);
        for p in payloads {
            q = q.bind(p);
        }
        q.scalar::<i64>(tx).await.map(|_| ())
    }

    /// After the commit: announce in this process, unless the database does it.
    pub fn committed(&self, event: Event) {
        if !event.store_ids.is_empty() && !self.listening() {
            let _ = self.sender.send(event);
        }
    }

    fn listening(&self) -> bool {
        self.via_database.load(Ordering::Relaxed)
    }

    /// Delivers an event heard from the database (or from a test) to this process.
    pub fn deliver(&self, event: Event) {
        let _ = self.sender.send(event);
    }

    /// On PostgreSQL: `LISTEN` in the background and feed the broadcast until the hub is
    /// closed; reconnects on its own if the connection drops. The listener has a
    /// connection of its own, outside the application's pool: it holds it for the
    /// server's life, and closing the pool waits for every connection the pool lent.
    pub async fn listen(&self, db: &Db) -> Result<(), sqlx::Error> {
        let Db::Postgres(pool) = db else {
            return Ok(());
        };
        let own = sqlx::postgres::PgPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(std::time::Duration::from_secs(10))
            .connect_with((*pool.connect_options()).clone())
            .await?;
        let mut listener = sqlx::postgres::PgListener::connect_with(&own).await?;
        listener.listen(CHANNEL).await?;
        self.via_database.store(true, Ordering::Relaxed);
        let hub = self.clone();
        let closed = self.closed();
        tokio::spawn(async move {
            tokio::pin!(closed);
            loop {
                let heard = tokio::select! {
                    _ = &mut closed => break,
                    heard = listener.recv() => heard,
                };
                match heard {
                    Ok(n) => match serde_json::from_str::<Event>(n.payload()) {
                        Ok(event) => hub.deliver(event),
                        Err(e) => tracing::warn!(error = %e, "unreadable event notification"),
                    },
                    Err(e) => {
                        tracing::warn!(error = %e, "event LISTEN connection lost; retrying");
                        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                    }
                }
            }
            drop(listener);
            own.close().await;
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_concerns_its_stores_and_group_roles() {
        let e = Event::new("stock", vec![1, 2], &serde_json::json!({}));
        assert!(e.concerns(None));
        assert!(e.concerns(Some(2)));
        assert!(!e.concerns(Some(3)));
        let mine = Event::new("follow_up", vec![1], &()).for_users([7, 7]);
        assert_eq!(mine.user_ids, [7]);
        assert!(mine.heard_by(Some(1), Some(7)));
        assert!(!mine.heard_by(Some(1), Some(8)), "someone else's task");
        assert!(!mine.heard_by(None, None), "an API key is nobody");
        assert!(!mine.heard_by(Some(2), Some(7)), "not in that store");
        // What travels through NOTIFY comes back the same, with or without users.
        for e in [e, mine] {
            let back: Event = serde_json::from_str(&serde_json::to_string(&e).unwrap()).unwrap();
            assert_eq!(back, e);
        }
    }

    #[test]
    fn without_a_database_listener_events_are_announced_in_process_after_commit() {
        let hub = EventHub::default();
        let mut rx = hub.subscribe();
        let e = Event::new(
            "stock",
            vec![1],
            &serde_json::json!({ "warehouse_ids": [10] }),
        );
        hub.committed(e.clone());
        assert_eq!(rx.try_recv().ok(), Some(e));
        hub.committed(Event::new("stock", vec![], &()));
        assert!(
            rx.try_recv().is_err(),
            "an event for no store is not announced"
        );
    }
}

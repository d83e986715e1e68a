//! Stock changes announced to open stock pages. Each change goes to an in-process
//! broadcast; on PostgreSQL it goes through `NOTIFY forecourt_stock` instead, sent in the
//! changing transaction (so only committed changes are announced) and heard by every
//! server process's `LISTEN`, which feeds its own broadcast.

use crate::db::{sql, Db, Tx};
use serde::{Deserialize, Serialize};
use std::sync::{
    atomic::{AtomicBool, Ordering},
    Arc,
};
use tokio::sync::broadcast;

pub const CHANNEL: &str = "forecourt_stock";

/// Which stores and warehouses saw stock move.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockChange {
    pub store_ids: Vec<i64>,
    pub warehouse_ids: Vec<i64>,
}

impl StockChange {
    pub fn add(&mut self, store_id: i64, warehouse_id: i64) {
        if !self.store_ids.contains(&store_id) {
            self.store_ids.push(store_id);
        }
        if !self.warehouse_ids.contains(&warehouse_id) {
            self.warehouse_ids.push(warehouse_id);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.warehouse_ids.is_empty()
    }

    /// Does a caller with this store scope (`None`: every store) care?
    pub fn concerns(&self, scope: Option<i64>) -> bool {
        scope.is_none_or(|s| self.store_ids.contains(&s))
    }
}

#[derive(Clone, Debug)]
pub struct StockEvents {
    sender: broadcast::Sender<StockChange>,
    /// Set once a PostgreSQL `LISTEN` is feeding the broadcast.
    via_database: Arc<AtomicBool>,
    /// Flips to `true` when the server is stopping, ending every open stream.
    closing: tokio::sync::watch::Sender<bool>,
}

impl Default for StockEvents {
    fn default() -> Self {
        StockEvents {
            sender: broadcast::channel(256).0,
            via_database: Arc::new(AtomicBool::new(false)),
            closing: tokio::sync::watch::channel(false).0,
        }
    }
}

impl StockEvents {
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

    pub fn subscribe(&self) -> broadcast::Receiver<StockChange> {
        self.sender.subscribe()
    }

    /// Inside the changing transaction: on PostgreSQL, queue the notification (sent at
    /// commit, dropped on rollback).
    pub async fn stage(&self, tx: &mut Tx, change: &StockChange) -> Result<(), sqlx::Error> {
        if change.is_empty() || !matches!(tx, Tx::Postgres(_)) || !self.listening() {
            return Ok(());
        }
        let payload = serde_json::to_string(change).unwrap_or_default();
        sql("SELECT CAST(1 AS BIGINT) FROM (SELECT pg_notify($1, $2)) AS n")
            .bind(CHANNEL)
            .bind(payload)
            .scalar::<i64>(tx)
            .await
            .map(|_| ())
    }

    /// After the commit: announce in this process, unless the database does it.
    pub fn committed(&self, change: StockChange) {
        if !change.is_empty() && !self.listening() {
            let _ = self.sender.send(change);
        }
    }

    fn listening(&self) -> bool {
        self.via_database.load(Ordering::Relaxed)
    }

    /// Delivers a change heard from the database (or from a test) to this process.
    pub fn deliver(&self, change: StockChange) {
        let _ = self.sender.send(change);
    }

    /// On PostgreSQL: `LISTEN` in the background and feed the broadcast; reconnects on
    /// its own if the connection drops.
    pub async fn listen(&self, db: &Db) -> Result<(), sqlx::Error> {
        let Db::Postgres(pool) = db else {
            return Ok(());
        };
        let mut listener = sqlx::postgres::PgListener::connect_with(pool).await?;
        listener.listen(CHANNEL).await?;
        self.via_database.store(true, Ordering::Relaxed);
        let events = self.clone();
        tokio::spawn(async move {
            loop {
                match listener.recv().await {
                    Ok(n) => match serde_json::from_str::<StockChange>(n.payload()) {
                        Ok(change) => events.deliver(change),
                        Err(e) => tracing::warn!(error = %e, "unreadable stock notification"),
                    },
                    Err(e) => {
                        tracing::warn!(error = %e, "stock LISTEN connection lost; retrying");
                        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                    }
                }
            }
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_concerns_its_stores_and_group_roles() {
        let mut c = StockChange::default();
        c.add(1, 10);
        c.add(1, 11);
        c.add(2, 20);
        assert_eq!(c.store_ids, vec![1, 2]);
        assert_eq!(c.warehouse_ids, vec![10, 11, 20]);
        assert!(c.concerns(None));
        assert!(c.concerns(Some(2)));
        assert!(!c.concerns(Some(3)));
    }

    #[test]
    fn sqlite_changes_are_announced_in_process_after_commit() {
        let ev = StockEvents::default();
        let mut rx = ev.subscribe();
        let mut c = StockChange::default();
        c.add(1, 10);
        ev.committed(c.clone());
        assert_eq!(rx.try_recv().ok(), Some(c));
        ev.committed(StockChange::default());
        assert!(rx.try_recv().is_err(), "an empty change is not announced");
    }
}

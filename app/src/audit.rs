//! The audit log: who changed what, when, with the record before and after.

use crate::{
    auth::Principal,
    db::{now_ms, rows_per_statement, sql, value_rows, Exec, Tx},
};
use serde::Serialize;

/// One state change to record, in the same transaction as the change itself.
pub struct AuditEntry<'a> {
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: String,
    pub store_id: Option<i64>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

impl<'a> AuditEntry<'a> {
    pub fn new(action: &'a str, entity: &'a str, entity_id: impl ToString) -> Self {
        AuditEntry {
            action,
            entity,
            entity_id: entity_id.to_string(),
            store_id: None,
            before: None,
            after: None,
        }
    }

    pub fn store(mut self, store_id: Option<i64>) -> Self {
        self.store_id = store_id;
        self
    }

    pub fn before(mut self, v: &impl Serialize) -> Self {
        self.before = serde_json::to_value(v).ok();
        self
    }

    pub fn after(mut self, v: &impl Serialize) -> Self {
        self.after = serde_json::to_value(v).ok();
        self
    }
}

/// Who acted: a principal, or the system itself (CLI, seed) under a label.
pub enum Actor<'a> {
    Principal(&'a Principal),
    System(&'a str),
    /// Someone not signed in (a failed sign-in names the username tried).
    Anonymous(&'a str),
}

impl Actor<'_> {
    /// (user, key, label) as the log keeps them.
    fn columns(&self) -> (Option<i64>, Option<i64>, String) {
        match self {
            Actor::Principal(p) => (p.user_id, p.api_key_id, p.audit_label()),
            Actor::System(s) => (None, None, format!("system:{s}")),
            Actor::Anonymous(s) => (None, None, format!("anonymous:{s}")),
        }
    }
}

pub async fn record<'e>(
    exec: impl Into<Exec<'e>>,
    actor: Actor<'_>,
    entry: AuditEntry<'_>,
    request_id: Option<&str>,
) -> crate::db::DbResult<()> {
    let (user_id, key_id, label) = actor.columns();
    sql(
        "INSERT INTO audit_log (at, actor_user_id, actor_key_id, actor, action, entity, entity_id,
                                store_id, before_json, after_json, request_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(now_ms())
    .bind(user_id)
    .bind(key_id)
    .bind(label)
    .bind(entry.action)
    .bind(entry.entity)
    .bind(entry.entity_id)
    .bind(entry.store_id)
    .bind(entry.before.map(|v| v.to_string()))
    .bind(entry.after.map(|v| v.to_string()))
    .bind(request_id)
    .execute(exec)
    .await
    .map(|_| ())
}

/// Records many changes by one actor, in order, a few thousand rows per statement: what a
/// batch (an import of thousands of orders) writes in one transaction without a round
/// trip per entry.
pub async fn record_many(
    tx: &mut Tx,
    actor: Actor<'_>,
    entries: Vec<AuditEntry<'_>>,
    request_id: Option<&str>,
) -> crate::db::DbResult<()> {
    const COLS: usize = 11;
    let (user_id, key_id, label) = actor.columns();
    let at = now_ms();
    let mut entries = entries.into_iter().peekable();
    while entries.peek().is_some() {
        let chunk: Vec<AuditEntry<'_>> = entries.by_ref().take(rows_per_statement(COLS)).collect();
        let mut q = sql(format!(
            "INSERT INTO audit_log (at, actor_user_id, actor_key_id, actor, action, entity, entity_id,
                                    store_id, before_json, after_json, request_id)
             VALUES {}",
            value_rows(tx.dialect(), chunk.len(), COLS)
        ));
        for entry in chunk {
            q = q
                .bind(at)
                .bind(user_id)
                .bind(key_id)
                .bind(label.as_str())
                .bind(entry.action)
                .bind(entry.entity)
                .bind(entry.entity_id)
                .bind(entry.store_id)
                .bind(entry.before.map(|v| v.to_string()))
                .bind(entry.after.map(|v| v.to_string()))
                .bind(request_id);
        }
        q.execute(&mut *tx).await?;
    }
    Ok(())
}

//! API keys for integrations: `fc_<prefix>_<secret>`. The key is shown once at creation;
//! only its SHA-256 is stored, with the role and store it acts as.

use super::{principal::Principal, session::token_hash};
use crate::{
    db::{now_ms, sql, Db, Exec},
    domain::Role,
};
use rand::{distributions::Alphanumeric, Rng};

/// A new key: (the full key to show once, its public prefix).
pub fn generate() -> (String, String) {
    let mut rng = rand::rngs::OsRng;
    let prefix: String = (&mut rng)
        .sample_iter(Alphanumeric)
        .take(8)
        .map(char::from)
        .collect();
    let secret: String = (&mut rng)
        .sample_iter(Alphanumeric)
        .take(40)
        .map(char::from)
        .collect();
    (format!("fc_{prefix}_{secret}"), prefix)
}

/// Stores a new key and returns (id, full key).
pub async fn create<'e>(
    exec: impl Into<Exec<'e>>,
    name: &str,
    role: Role,
    store_id: Option<i64>,
    created_by: Option<i64>,
) -> crate::db::DbResult<(i64, String)> {
    let (key, prefix) = generate();
    let id: i64 = sql(
        "INSERT INTO api_keys (name, prefix, key_hash, role, store_id, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(name)
    .bind(prefix)
    .bind(token_hash(&key))
    .bind(role.code())
    .bind(store_id)
    .bind(created_by)
    .bind(now_ms())
    .scalar(exec)
    .await?;
    Ok((id, key))
}

/// Lets a key of the admin role act (it may not unless created so on purpose).
pub async fn allow_admin<'e>(exec: impl Into<Exec<'e>>, id: i64) -> crate::db::DbResult<()> {
    sql("UPDATE api_keys SET allow_admin = TRUE WHERE id = $1")
        .bind(id)
        .execute(exec)
        .await
        .map(drop)
}

#[derive(sqlx::FromRow)]
struct KeyRow {
    id: i64,
    name: String,
    role: String,
    store_id: Option<i64>,
    last_used_at: Option<i64>,
    allow_admin: bool,
}

/// The principal a key acts as, if the key exists and is not revoked.
pub async fn resolve(db: &Db, key: &str) -> crate::db::DbResult<Option<Principal>> {
    if !key.starts_with("fc_") {
        return Ok(None);
    }
    // A key stops working when revoked, or when the person who made it is disabled.
    let row: Option<KeyRow> = sql(
        "SELECT k.id, k.name, k.role, k.store_id, k.last_used_at, k.allow_admin FROM api_keys k
         WHERE k.key_hash = $1 AND k.revoked_at IS NULL
           AND (k.created_by IS NULL
                OR EXISTS (SELECT 1 FROM users u WHERE u.id = k.created_by AND u.active = TRUE))",
    )
    .bind(token_hash(key))
    .fetch_optional(db)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let now = now_ms();
    if row.last_used_at.is_none_or(|t| now - t > 60_000) {
        sql("UPDATE api_keys SET last_used_at = $1 WHERE id = $2")
            .bind(now)
            .bind(row.id)
            .execute(db)
            .await?;
    }
    let Ok(role) = row.role.parse::<Role>() else {
        return Ok(None);
    };
    if role == Role::Admin && !row.allow_admin {
        return Ok(None);
    }
    Ok(Some(Principal {
        user_id: None,
        api_key_id: Some(row.id),
        name: row.name.clone(),
        display_name: row.name,
        role,
        store_id: row.store_id,
    }))
}

pub async fn revoke(db: &Db, id: i64) -> crate::db::DbResult<bool> {
    sql("UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
        .bind(now_ms())
        .bind(id)
        .execute(db)
        .await
        .map(|n| n == 1)
}

#[cfg(test)]
mod tests {
    #[test]
    fn keys_have_a_prefix_and_enough_secret() {
        let (key, prefix) = super::generate();
        assert!(key.starts_with(&format!("fc_{prefix}_")));
        assert_eq!(key.len(), 3 + 8 + 1 + 40);
        assert_ne!(key, super::generate().0);
    }
}
